"""``storewatch scan`` end to end with real Chromium (grouped: the browser is expensive).

A JavaScript-only storefront: with rendering its inserted price, claim and licence footer are read
(and its pop-up, dialog and hidden iframe recorded); with ``--render never`` they are not, and
the output says so. Hash- and history-routed SPAs: routes that exist only in the rendered DOM are
followed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cli
from tests.crawler.conftest import crawl, page, text_of

pytestmark = pytest.mark.integration


def run_scan(args: list[str], tmp: Path, capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("STOREWATCH_CRAWLER__ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("STOREWATCH_CRAWLER__RETRIES", "0")
    monkeypatch.setenv("STOREWATCH_CRAWLER__AUTOTHROTTLE", "false")
    capsys.readouterr()
    code = cli.main(["--data-dir", str(tmp), "scan", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def pages_jsonl(result: dict[str, Any]) -> list[dict[str, Any]]:
    run_dir = Path(result["crawl"]["warc"]).parent
    return [json.loads(line) for line in (run_dir / "pages.jsonl").read_text(encoding="utf-8").splitlines()]


def test_scan_js_only_storefront(sites: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    url = sites["js"].url("/")
    code, result = run_scan([url, "--max-pages", "5"], tmp_path / "auto", capsys, monkeypatch)
    assert code == 0
    assert set(result) >= {"storefront", "registry_record", "pages", "findings"}
    home = next(p for p in result["pages"] if p["url"] == url)
    assert home["rendered"] is True and len(home["sha256"]) == 64
    full = next(p for p in pages_jsonl(result) if p["url"] == url)
    text = text_of(full)
    for inserted in ("特价：￥199", "本品为国家级特效保健品", "青ICP备2024000777号"):
        assert inserted in text
    kinds = {e["kind"]: e for e in full["page"]["events"]}
    assert kinds["window_open"]["detail"] == "/popup-ad.html" and not kinds["window_open"]["user_initiated"]
    assert "限时优惠" in kinds["dialog"]["detail"]
    assert [f["visible"] for f in full["page"]["iframes"]] == [False]
    ev = full["evidence"]
    assert ev["screenshot_sha256"] and ev["pdf_sha256"] and ev["dom_sha256"]  # the home page's tangible form
    # a link that exists only in the rendered DOM was followed
    assert any(p["url"].endswith("/item/7.html") for p in result["pages"])
    # and so was the page the script opened by itself (linked from nowhere)
    assert any(p["url"].endswith("/popup-ad.html") for p in result["pages"])
    assert any("国家级" in f["match"] for f in result["findings"])  # the inserted claim is judged

    # the same storefront without a browser: the inserted content is not seen, and the output says so
    code, never = run_scan([url, "--render", "never"], tmp_path / "never", capsys, monkeypatch)
    assert code == 0
    assert all(p["rendered"] is False for p in never["pages"])
    home_never = next(p for p in pages_jsonl(never) if p["url"] == url)
    assert "国家级特效保健品" not in text_of(home_never)
    assert not any("国家级" in f["match"] for f in never["findings"])
    assert never["crawl"]["pages_needing_javascript_not_rendered"] == [url]
    assert "NOT rendered" in never["crawl"]["notes"][0]
    assert not any(p["url"].endswith("/item/7.html") for p in never["pages"])


def test_spa_routes_are_followed(sites: dict[str, Any], tmp_path: Path) -> None:
    js = sites["js"]
    hashed = crawl(js.url("/hash/"), tmp_path / "hash", render="auto", max_pages=6, ocr=False)
    about = page(hashed, "#/about")
    assert about is not None and about["rendered"], [p["url"] for p in hashed.pages]
    assert "HX-2024-001" in text_of(about)
    assert "售价￥33" in text_of(page(hashed, "#/product/3"))
    assert about["kind"] == "licence"

    history = crawl(js.url("/spa/"), tmp_path / "history", render="auto", max_pages=6, ocr=False,
                    context_recycle_pages=2)
    licence = page(history, "/spa/licence")
    assert licence is not None and licence["rendered"] and licence["needs_render"]
    assert "JY16301000000000" in text_of(licence)
    assert "七天无理由退货" in text_of(page(history, "/spa/item/9"))
    assert history.status == "complete", history.summary
