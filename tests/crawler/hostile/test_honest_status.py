"""Honest run status: a failure is never read as compliance (hostile storefronts on 127.0.0.x)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cli
from store.db import Store
from store.models import CrawlRun, Finding, Storefront
from tests.crawler.conftest import crawl
from tests.crawler.sitekit import Site

SHOP = ("<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
        "<a href='/item/1.html'>商品一</a></body></html>")


@pytest.fixture
def shop() -> Iterator[Site]:
    site = Site("shop").start()
    yield site
    site.stop()


@pytest.fixture
def canary() -> Iterator[Site]:
    site = Site("canary", address="127.0.0.2").start()
    site.page("/", "<html><body>不是这家店</body></html>")
    yield site
    site.stop()


def test_a_site_answering_500_everywhere_is_not_complete_and_raises_no_findings(shop: Site,
                                                                                tmp_path: Path) -> None:
    body = SHOP.format(title="服务器错误", text="Internal Server Error 内部错误").encode()
    shop.prefix("/", lambda _p: (500, {"Content-Type": "text/html; charset=utf-8"}, body))
    outcome = crawl(shop.url("/"), tmp_path)
    assert outcome.status == "unreachable"
    assert outcome.findings == []  # no "licence missing" from an error page
    kinds = {r["kind"] for r in outcome.summary["coverage"]}
    assert "http_error" in kinds
    assert outcome.summary["analysis"].startswith("skipped")


def test_a_cut_page_makes_the_run_partial_with_its_reason(shop: Site, tmp_path: Path) -> None:
    shop.page("/", SHOP.format(title="好店", text="欢迎光临"))
    shop.page("/item/1.html", "<html><body>" + "<p>商品介绍内容</p>" * 30000 + "</body></html>")
    outcome = crawl(shop.url("/"), tmp_path, max_page_bytes=100_000)
    assert outcome.status == "partial"
    reasons = [r for r in outcome.summary["coverage"] if r["url"].endswith("/item/1.html")]
    assert reasons and reasons[0]["kind"] == "cut" and "size limit" in reasons[0]["detail"]


def test_an_off_host_js_redirect_of_the_home_page_is_not_judged(shop: Site, canary: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>跳转</title></head><body><p>本店商品全国第一，最终解释权归本店所有</p>"
                   f"<script>location.href = {canary.url('/')!r};</script></body></html>")
    outcome = crawl(shop.url("/"), tmp_path, render="auto", max_pages=1)
    assert canary.hits["*"] == 0
    assert outcome.status != "complete"
    home = outcome.pages[0]
    # where the page sent the browser is recorded on the page, whether Chromium committed its error
    # page, the guard stopped the navigation first (under load) or the render failed on it
    assert home["left_host"].startswith(canary.url("/")), home
    assert not home["rendered"]  # the browser's page (an error page) is not the stored DOM
    assert "screenshot" not in (home["evidence"].get("records") or {})
    assert outcome.findings == []
    assert any(r["kind"] == "blocked" for r in outcome.summary["coverage"])
    assert any(b["url"].startswith(canary.url("/")) for b in outcome.summary["browser_blocked"])


def _store_crawl(args: list[str], sid: int) -> int:
    return cli.main([*args, "crawl", "--storefront", str(sid)])


def test_a_finding_is_resolved_only_by_a_complete_same_host_fetch(shop: Site, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    store = Store(url)
    store.upgrade()
    with store.session() as s:
        row = Storefront(name="西宁测试商贸有限公司", uscc="91630100MA7XXXXX0X", domain=shop.host)
        s.add(row)
        s.flush()
        sid = row.id
    for k, v in {"ALLOW_LOOPBACK": "true", "RETRIES": "0", "PAGE_TIMEOUT": "3", "RENDER": "never",
                 "MAX_DEPTH": "1"}.items():
        monkeypatch.setenv(f"STOREWATCH_CRAWLER__{k}", v)
    args = ["--data-dir", str(tmp_path / "data"), "--database-url", url]
    item: dict[str, Any] = {"status": 200, "text": "本店商品，最终解释权归本店所有。"}
    shop.page("/", SHOP.format(title="好店", text="欢迎光临"))
    shop.raw("/item/1.html", lambda _p: (item["status"], {"Content-Type": "text/html; charset=utf-8"},
                                         f"<html><body><h1>商品一</h1><p>{item['text']}</p></body></html>".encode()))

    def item_findings() -> list[str]:
        with store.session() as s:
            return [f.status for f in s.scalars(select(Finding).where(Finding.url.like("%/item/1.html")))
                    if "解释权" in f.match]

    assert _store_crawl(args, sid) == 0
    assert item_findings() and set(item_findings()) == {"open"}
    item.update(status=500, text="服务器错误")
    assert _store_crawl(args, sid) == 0
    assert set(item_findings()) == {"open"}  # an error page resolves nothing
    with store.session() as s:
        run = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None and run.status == "partial"
    capsys.readouterr()
    assert cli.main([*args, "status"]) == 0
    shown = capsys.readouterr().out
    assert "覆盖缺口" in shown and "HTTP 错误" in shown and "/item/1.html" in shown
    assert cli.main([*args, "digest"]) == 0
    digest = capsys.readouterr().out
    assert "HTTP 错误" in digest and "/item/1.html" in digest
    item.update(status=200, text="本店支持七天无理由退货。")
    assert _store_crawl(args, sid) == 0
    assert set(item_findings()) == {"resolved"}


def test_a_missing_linked_page_is_no_gap_but_a_missing_home_page_is(shop: Site, tmp_path: Path) -> None:
    shop.page("/", SHOP.format(title="好店", text="欢迎光临"))  # links /item/1.html, which is a 404
    outcome = crawl(shop.url("/"), tmp_path)
    assert outcome.status == "complete", outcome.summary["coverage"]
    gone = Site("gone").start()
    try:
        outcome = crawl(gone.url("/"), tmp_path / "gone")
        assert outcome.status == "unreachable" and outcome.findings == []
    finally:
        gone.stop()
