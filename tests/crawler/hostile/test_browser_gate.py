"""Real Chromium behind the network gate: redirect hops, the PDF printer, refusals in the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.gate import NetworkGate
from crawler.middlewares import BrowserGuard
from crawler.printing import print_pdfs
from crawler.safety import AddressPolicy, Scope
from tests.crawler.conftest import crawl
from tests.crawler.conftest import test_options as options_for_test
from tests.crawler.sitekit import Site, png


@pytest.fixture
def canary() -> Iterator[Site]:
    site = Site("canary", address="127.0.0.2").start()
    site.raw("/pixel.png", lambda _p: (200, {"Content-Type": "image/png"}, png(4, 4)))
    site.page("/frame", "<html><body>canary frame</body></html>")
    yield site
    site.stop()


@pytest.fixture
def shop() -> Iterator[Site]:
    site = Site("shop").start()
    yield site
    site.stop()


def test_subresource_redirects_to_another_loopback_host_are_refused(shop: Site, canary: Site,
                                                                    tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>店铺首页</title></head><body><h1>欢迎光临本店</h1>"
                   '<img src="/logo.png" alt="logo"><iframe src="/ad"></iframe>'
                   "<p>营业执照信息见页脚。</p></body></html>")
    shop.redirect("/logo.png", canary.url("/pixel.png"))
    shop.redirect("/ad", canary.url("/frame"))
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1)
    assert canary.hits["*"] == 0, canary.hits
    assert shop.hits["/logo.png"] >= 1 and shop.hits["/ad"] >= 1  # the hops were asked for, then refused
    blocked = {b["url"]: b for b in outcome.summary["browser_blocked"]}
    for target in (canary.url("/pixel.png"), canary.url("/frame")):
        assert target in blocked, outcome.summary["browser_blocked"]
        assert "redirect from" in blocked[target]["reason"]
    home = outcome.pages[0]
    assert home["rendered"]


def test_pdf_printer_renders_a_real_page_through_the_gate(shop: Site) -> None:
    shop.raw("/logo.png", lambda _p: (200, {"Content-Type": "image/png"}, png(40, 40)))
    html = ("<html><head><title>商品</title></head><body><h1>商品详情</h1><img src='/logo.png'>"
            "<p>全国最低价</p></body></html>")
    url = shop.url("/item/1.html")
    scope = Scope.for_urls([shop.url()])
    failed: dict[str, str] = {}
    with NetworkGate(scope, AddressPolicy(allow_loopback=True), max_bytes=1 << 20, timeout=10) as gate:
        guard = BrowserGuard(SimpleNamespace(scope=scope), gate.records)
        pdfs = print_pdfs([(url, html)], options_for_test(), guard, failed, gate=gate)
    assert failed == {}
    pdf = pdfs[url]
    assert pdf.startswith(b"%PDF-") and b"/Type /Page" in pdf.replace(b"/Type/Page", b"/Type /Page")
    assert shop.hits["/logo.png"] == 1  # the image came through the gate
    assert gate.records.requests >= 1


def test_without_a_gate_there_is_no_pdf_and_the_gap_is_named(shop: Site) -> None:
    failed: dict[str, str] = {}
    url = shop.url("/item/2.html")
    assert print_pdfs([(url, "<html><body>x</body></html>")], options_for_test(), None, failed) == {}
    assert "network gate" in failed[url]
