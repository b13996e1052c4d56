"""The browser judges the same bytes as the fetcher; downloads, pop-ups and huge pages while rendering."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.conftest import crawl, text_of
from tests.crawler.sitekit import Site, huge


@pytest.fixture
def shop() -> Iterator[Site]:
    site = Site("shop").start()
    yield site
    site.stop()


GBK_PAGE = ("<html><head><title>GBK首页</title></head><body><h1>GBK首页</h1><p>本店商品全国销量第一，"
            "最终解释权归本店所有。</p><script>document.title = document.title;</script></body></html>")


def test_a_gbk_page_under_a_utf8_header_is_rendered_and_judged_as_gbk(shop: Site, tmp_path: Path) -> None:
    shop.page("/", GBK_PAGE, encoding="gbk", content_type="text/html; charset=utf-8")
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1)
    home = outcome.pages[0]
    assert home["rendered"]
    assert home["title"] == "GBK首页"
    assert "最终解释权归本店所有" in text_of(home)
    assert any("解释权" in f["match"] for f in outcome.findings)
    assert shop.hits["/"] == 1  # the browser was served the fetcher's bytes, not a second download


def test_a_download_started_during_load_is_recorded_and_judged(shop: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>下载</title></head><body><h1>欢迎光临</h1>"
                   "<script>location.href = '/setup.exe';</script></body></html>")
    shop.raw("/setup.exe", lambda _p: (200, {"Content-Type": "application/octet-stream",
                                             "Content-Disposition": "attachment; filename=setup.exe"},
                                       b"MZ" + b"\0" * 4096))
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1)
    rules = [f["rule_id"] for f in outcome.findings]
    assert "MAL-DRIVE-BY-DOWNLOAD" in rules, outcome.summary
    home = outcome.pages[0]
    assert any(e["kind"] == "download" for e in home["page"]["events"])


def test_a_hundred_popups_are_one_finding_with_a_count(shop: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>弹窗</title></head><body><h1>欢迎光临</h1><script>"
                   "for (let i = 0; i < 100; i++) window.open('/ad/' + i + '.html');</script></body></html>")
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1)
    popups = [f for f in outcome.findings if f["rule_id"] == "ADS-SELF-OPENING-WINDOW"]
    assert len(popups) == 1, [f["match"] for f in popups]
    assert "100" in popups[0]["excerpt"]
    assert len(outcome.pages[0]["page"]["events"]) <= 50


@pytest.mark.parametrize("declared", [True, False])
def test_a_52_mb_page_is_cut_and_kept_when_rendered(shop: Site, tmp_path: Path, declared: bool) -> None:
    shop.raw("/", huge(52 * 1024 * 1024, declare_length=declared))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1, max_page_bytes=5 * 1024 * 1024)
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"crawl child max RSS {rss_kb / 1024:.0f} MB (before {before / 1024:.0f} MB)")
    home = outcome.pages[0]
    assert home["status"] == 200 and "size limit" in home["cut_reason"]
    assert home["page"] is not None and "大大大" in text_of(home)
    assert outcome.status == "partial"
    # on a loaded machine the 5 MB layout may not be photographed in time: then the gap is named
    gaps = [r["detail"] for r in outcome.summary["coverage"] if r["kind"] == "evidence_gap"]
    assert (home["evidence"].get("records") or {}).get("screenshot") or "screenshot not taken" in gaps, gaps
