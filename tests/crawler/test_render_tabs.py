"""Kept tabs and scrolling only where it matters (real Chromium, 127.0.0.1).

A tab whose render ended cleanly serves the next render of its context (crawler/tabs.py): each page
still shows only itself (its own text, its own events), a page that opened a window does not pass
its events on, and a page that loads an image when it is scrolled into view (an intersection
observer, a scroll listener) is scrolled and gets it, while a plain page is not scrolled at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.job import CrawlJob
from crawler.runner import run_crawl
from tests.crawler.conftest import test_options as crawl_options
from tests.crawler.conftest import text_of
from tests.crawler.sitekit import Site, png

pytestmark = pytest.mark.integration
PLAIN = 5

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>商品{i}</title></head><body>
<h1>商品{i}</h1><p>第{i}号商品的卖点文字</p>{extra}</body></html>"""
BELOW = '<div style="height: 3000px">规格参数</div><img id="lazy" data-x="{src}" width="40" height="40">'
OBSERVED = BELOW + """<script>
new IntersectionObserver(function (es, ob) {{
  es.forEach(function (e) {{ if (e.isIntersecting) {{ e.target.src = e.target.dataset.x; ob.disconnect(); }} }});
}}).observe(document.getElementById('lazy'));</script>"""
ON_SCROLL = BELOW + """<script>
window.addEventListener('scroll', function () {{
  var img = document.getElementById('lazy');
  if (!img.src && img.getBoundingClientRect().top < innerHeight) img.src = img.dataset.x;
}});</script>"""
OPENS = "<script>window.open('/elsewhere.html');</script>"


def test_kept_tabs_show_each_page_alone_and_lazy_images_still_load(tmp_path: Path) -> None:
    site = Site("tabs")
    pages = {i: "" for i in range(1, PLAIN + 1)}
    pages[PLAIN + 1] = OBSERVED.format(src="/lazy-io.png")
    pages[PLAIN + 2] = ON_SCROLL.format(src="/lazy-scroll.png")
    pages[PLAIN + 3] = OPENS
    links = "".join(f'<a href="/item/{i}.html">商品{i}</a> ' for i in pages)
    site.page("/", f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>店</title></head><body>{links}</body></html>')
    for i, extra in pages.items():
        site.page(f"/item/{i}.html", PAGE.format(i=i, extra=extra))
    site.page("/elsewhere.html", "<!DOCTYPE html><html><body><p>脚本打开的页面</p></body></html>")
    site.prefix("/lazy-", lambda _p: (200, {"Content-Type": "image/png"}, png(40, 40)))
    site.start()
    try:
        opts = crawl_options(render="always", max_pages=len(pages) + 2, ocr=False, render_concurrency=2,
                             context_recycle_pages=50, concurrency=4, per_host_concurrency=4)
        out = run_crawl(CrawlJob(start_url=site.url("/"), evidence=str(tmp_path / "run"), options=opts,
                                 progress=False, log_level="INFO"))
    finally:
        site.stop()
    assert out.status == "complete", out.summary["coverage"]
    items = {int(p["url"].rsplit("/", 1)[1].split(".")[0]): p for p in out.pages if "/item/" in p["url"]}
    assert sorted(items) == sorted(pages)
    for i, p in items.items():
        assert p["rendered"] and p["evidence"]["screenshot_sha256"], p["url"]
        text = text_of(p)
        assert f"第{i}号商品的卖点文字" in text, p["url"]
        assert not re.search(rf"第(?!{i}号)\d+号商品", text), p["url"]  # nothing of the tab's last page
        opened = [e for e in p["page"]["events"] if e["kind"] == "window_open"]
        assert bool(opened) == (i == PLAIN + 3), (p["url"], p["page"]["events"])
    assert any(p["url"].endswith("/elsewhere.html") for p in out.pages)  # the page a script opened is read too
    assert site.hits["/lazy-io.png"] >= 1  # scrolled: the observer saw the image come into view
    assert site.hits["/lazy-scroll.png"] >= 1  # scrolled: the scroll listener loaded it
    log = (Path(out.summary["warc"]).parent / "crawl.log").read_text(encoding="utf-8", errors="replace")
    m = re.search(r"(\d+) renders, (\d+) of them in a kept tab", log)
    assert m and int(m.group(2)) >= 1, m  # tabs were kept and used again
