"""The targeted second render pass (crawler.second_pass) with real Chromium on a 127.0.0.1 site.

A static product page carrying findings gets a full-page screenshot and a PDF in the same run,
rendered from the fetcher's bytes (the page is fetched once; its stylesheet loads through the
gate), stored in the WARC as records referring to the page's response; a page that hangs the
browser gets an evidence gap instead, and the run says so.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from evidence.verify import read_record
from tests.crawler.conftest import crawl
from tests.crawler.sitekit import Site

pytestmark = pytest.mark.integration

FILLER = "".join(f"<p>高原牦牛肉干第{i}批，产地直发，顺丰包邮，支持七天无理由退货，客服电话0971-1234567。</p>" for i in range(8))
HOME = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>雪域好物</title></head><body>'
        f'<h1>雪域好物</h1>{FILLER}<a href="/item/1.html">牦牛肉干</a> <a href="/item/2.html">枸杞</a></body></html>')
ITEM = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>牦牛肉干</title>'
        '<link rel="stylesheet" href="/style.css"></head><body><h1>牦牛肉干</h1>'
        '<p class="claim">本品为国家级特效保健品，根治高血压，最佳选择</p>' + FILLER + '</body></html>')
# a static page (enough text, no rendering signal) whose script never ends: the browser hangs on it
HANG = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>枸杞</title></head><body><h1>枸杞</h1>'
        '<p>本品为国家级特效保健品，根治糖尿病</p>' + FILLER + '<script>for (;;) {}</script></body></html>')
CSS = b"body { background: rgb(10, 120, 200); color: white; }"


@pytest.fixture(scope="module")
def shop() -> Site:
    site = Site("second-pass")
    site.page("/", HOME)
    site.page("/item/1.html", ITEM)
    site.page("/item/2.html", HANG)
    site.raw("/style.css", lambda _p: (200, {"Content-Type": "text/css"}, CSS))
    site.start()
    yield site
    site.stop()


def test_static_pages_with_findings_are_rendered_after_analysis(shop: Site, tmp_path: Path) -> None:
    out = crawl(shop.url("/"), tmp_path / "run", render="auto", max_pages=5, ocr=False, render_timeout=6.0)
    pages = {p["url"]: p for p in out.pages}
    item, hang = pages[shop.url("/item/1.html")], pages[shop.url("/item/2.html")]
    assert not item["rendered"] and not hang["rendered"]  # static pages: not rendered by the crawl
    assert any(f["url"] == item["url"] for f in out.findings) and any(f["url"] == hang["url"] for f in out.findings)
    assert shop.hits["/item/1.html"] == 1  # the browser was served the fetcher's bytes, not a new fetch
    assert shop.hits["/style.css"] >= 1  # its stylesheet loaded through the gate

    warc = Path(out.summary["warc"])
    index = json.loads(Path(str(warc) + ".idx.json").read_text(encoding="utf-8"))
    recs = [r for r in index["records"] if r["uri"].endswith(":" + item["url"])]
    kinds = {r["kind"]: r for r in recs}
    assert {"screenshot", "pdf"} <= set(kinds), recs
    response = next(r for r in index["records"] if r["kind"] == "response" and r["uri"] == item["url"])
    shot = read_record(warc, kinds["screenshot"]["offset"], kinds["screenshot"]["length"])
    assert shot.headers["warc-concurrent-to"] == response["record_id"]
    image = Image.open(io.BytesIO(shot.payload))
    assert image.size[0] == 1280 and image.size[1] >= 900  # full page
    assert image.convert("RGB").getpixel((5, 5)) == (10, 120, 200)  # drawn with the page's own CSS
    pdf = read_record(warc, kinds["pdf"]["offset"], kinds["pdf"]["length"])
    assert pdf.payload.startswith(b"%PDF")

    found = next(f for f in out.findings if f["url"] == item["url"])
    assert found["evidence"]["screenshot_record_id"] == kinds["screenshot"]["record_id"]
    assert found["evidence"]["pdf_record_id"] == kinds["pdf"]["record_id"]
    # pages.jsonl (what `scan` prints, and the WACZ's page list) is written after the pass: not stale
    assert item["evidence"]["screenshot_sha256"] == found["evidence"]["screenshot_sha256"] == kinds["screenshot"][
        "payload_sha256"]
    assert item["evidence"]["pdf_sha256"] == kinds["pdf"]["payload_sha256"]
    assert item["evidence"]["records"]["screenshot"]["record_id"] == kinds["screenshot"]["record_id"]

    # the page that hung the browser: no screenshot, a gap named on the page and the run partial
    assert not any(r["kind"] == "screenshot" for r in index["records"] if r["uri"].endswith(":" + hang["url"]))
    gaps = [r for r in out.summary["coverage"] if r["url"] == hang["url"] and r["kind"] == "evidence_gap"]
    assert gaps and "second render" in gaps[0]["detail"], out.summary["coverage"]
    assert any("second render" in g for g in hang["evidence_gaps"]), hang["evidence_gaps"]
    assert out.status == "partial"
