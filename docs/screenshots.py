"""Regenerate docs/screenshots/*.png: seeds a temporary data folder, runs ``storewatch web`` on
127.0.0.1, and photographs the main pages with Debian's Chromium (Playwright).

    .venv/bin/python docs/screenshots.py [--extra-findings N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.web.live import CHROMIUM_ARGS, live_server  # noqa: E402
from tests.web.seed import PASSWORDS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def _digest_html(data_dir: Path, base: str) -> str:
    """Today's daily digest of the seeded data, as the mail's HTML part (``storewatch digest --format html``)."""
    import config
    from alerts.queue import preview
    from alerts.render import render_text
    from store.db import Store

    settings = config.load(environ={}, overrides={"data_dir": data_dir, "digest": {"ui_base_url": base}})
    store = Store(settings.db_url)
    try:
        return render_text(preview(store, settings))[1]
    finally:
        store.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--extra-findings", type=int, default=2000, help="bulk findings for fuller charts")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp) / "data", args.extra_findings) as (base, sd), \
            sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium",
                                                   headless=True, args=CHROMIUM_ARGS, locale="zh-CN",
                                                   viewport={"width": 1400, "height": 900})
        page = ctx.new_page()
        page.goto(base + "/login")
        page.screenshot(path=OUT / "login.png")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORDS["admin"])
        page.click("button[type=submit]")
        page.wait_for_url("**/findings")
        # a little history so that cases and credit files have something to show
        page.goto(base + f"/findings?storefront={sd.storefront_ids[1]}&status=open")
        page.check("#select-all")
        page.fill("#bulk input[name=note]", "雪域健康虚假宣传及伪造红盾标识案")
        page.click("#bulk button[value=case]")
        try:
            page.wait_for_url("**/cases/*", timeout=10000)
            page.click("#notice-form button[type=submit]")
            page.wait_for_load_state()
            page.screenshot(path=OUT / "case.png", full_page=True)
        except PlaywrightTimeout:
            print("case not opened from the bulk bar (kept the old case.png):", page.url, file=sys.stderr)
        digest = Path(tmp) / "digest.html"
        digest.write_text(_digest_html(Path(tmp) / "data", base), encoding="utf-8")
        page.set_viewport_size({"width": 900, "height": 600})
        page.goto(digest.as_uri())
        page.screenshot(path=OUT / "digest.png", full_page=True)
        print("wrote", OUT / "digest.png")
        shots = {
            "findings": "/findings?q=国家级 -包邮&category=false_advertising",
            "findings-all": "/findings",
            "finding": f"/findings/{sd.finding_ids[0]}",
            "merchant": f"/merchants/{sd.storefront_ids[3]}",  # unreviewed findings: 待研判 beside the grade
            "warnings": "/warnings",
            "dashboard": "/dashboard",
        }
        for name, url in shots.items():
            page.set_viewport_size({"width": 1400, "height": 2400 if name == "finding" else 900})
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # let the sandboxed frame paint
            # (full-page captures leave iframes blank in headless Chromium, so the viewport is made tall)
            page.screenshot(path=OUT / f"{name}.png", full_page=name in ("dashboard", "merchant"))
            print("wrote", OUT / f"{name}.png")
        ctx.close()


if __name__ == "__main__":
    main()
