"""Design copying (Art. 15(3)) through real crawls (child processes) of fixture storefronts on
127.0.0.1 sharing one data folder: a copy of a registered site is suspected, naming it; a lawful shop
on the same SaaS template is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob, Places
from crawler.runner import run_crawl
from tests.analyzers.design_sites import BRANDS, page
from tests.crawler.conftest import test_options as crawl_options
from tests.crawler.sitekit import Site

CSS = b".yz-header{display:flex}.yz-goods-item{width:25%}"  # the SaaS theme: same for every shop on it
JS = b"window.yz={theme:'default'};"


def shop(name: str, html: str, logo: bytes) -> Site:
    s = Site(name)
    s.page("/", html.replace("<head>", '<head><link rel="stylesheet" href="/theme.css"><script src="/theme.js">'
                                        "</script><link rel=\"icon\" href=\"/fav.png\">"))
    for path, body, ctype in (("/theme.css", CSS, "text/css"), ("/theme.js", JS, "application/javascript"),
                              ("/img/logo.png", logo, "image/png"), ("/fav.png", logo[:40], "image/png")):
        s.raw(path, lambda _p, b=body, c=ctype: (200, {"Content-Type": c}, b))
    return s


def _crawl(site: Site, sid: int, data: Path, tmp: Path, allow: tuple[str, ...] = ()) -> Any:
    job = CrawlJob(start_url=site.url("/"), evidence=str(tmp / f"e{sid}{len(allow)}"), storefront_id=sid,
                   progress=False, options=crawl_options(max_pages=1, ocr=False), allow_list=allow)
    return run_crawl(job, Places(data_dir=str(data)))


def test_copy_of_a_registered_site_is_suspected_and_same_template_is_not(tmp_path: Path) -> None:
    original = shop("orig", page("youzan", BRANDS[0], 0), b"\x89PNG-logo-of-xueyu" * 8).start()
    lawful = shop("lawful", page("youzan", BRANDS[3], 3), b"\x89PNG-logo-of-qingke" * 8).start()
    copy = shop("copy", page("youzan", BRANDS[0], 101), b"\x89PNG-logo-of-xueyu" * 8).start()
    data = tmp_path / "data"
    try:
        first = _crawl(original, 1, data, tmp_path)
        assert not [f for f in first.findings if f["category"] == "design_copying"]  # nothing to compare with yet
        same_template = _crawl(lawful, 2, data, tmp_path)
        assert not [f for f in same_template.findings if f["category"] == "design_copying"], same_template.findings
        copied = _crawl(copy, 3, data, tmp_path)
        allowed = _crawl(copy, 3, data, tmp_path, allow=("DESIGN-COPY:1",))  # the analyst cleared this pair
    finally:
        for s in (original, lawful, copy):
            s.stop()
    found = [f for f in copied.findings if f["category"] == "design_copying"]
    assert len(found) == 1, copied.findings
    f = found[0]
    assert f["match"] == "1" and f["article"] == "15(3)" and f["evidence"]["status"] == "suspected"
    assert f["evidence"]["other_url"] == original.url("/")
    assert "相同徽标" in f["evidence"]["shared"] and "第十五条第（三）项" in f["explanation"]
    assert not [f for f in allowed.findings if f["category"] == "design_copying"], allowed.findings
    prints = sorted(p.name for p in (data / "design").glob("*.json"))
    assert prints == ["1.json", "2.json", "3.json"]
    assert json.loads((data / "design" / "2.json").read_text())["pivots"]["css"]  # the theme's CSS was hashed


def test_scans_of_shops_on_one_host_are_compared_by_host_and_port(tmp_path: Path) -> None:
    """Unregistered scans (no storefront id) of a set of shops on 127.0.0.1: each keeps its own print."""
    original = shop("orig", page("youzan", BRANDS[0], 0), b"\x89PNG-logo-of-xueyu" * 8).start()
    lawful = shop("lawful", page("youzan", BRANDS[3], 3), b"\x89PNG-logo-of-qingke" * 8).start()
    copy = shop("copy", page("youzan", BRANDS[0], 101), b"\x89PNG-logo-of-xueyu" * 8).start()
    data = tmp_path / "data"

    def scan(site: Site, n: int) -> Any:
        job = CrawlJob(start_url=site.url("/"), evidence=str(tmp_path / f"s{n}"), progress=False,
                       options=crawl_options(max_pages=1, ocr=False))
        return run_crawl(job, Places(data_dir=str(data)))

    try:
        scan(original, 1)
        same_template = scan(lawful, 2)
        copied = scan(copy, 3)
    finally:
        for s in (original, lawful, copy):
            s.stop()
    assert not [f for f in same_template.findings if f["category"] == "design_copying"], same_template.findings
    found = [f for f in copied.findings if f["category"] == "design_copying"]
    assert [f["evidence"]["other_url"] for f in found] == [original.url("/")], copied.findings
    assert len(list((data / "design").glob("*.json"))) == 3
