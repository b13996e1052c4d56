"""``crawler.subresource_hosts``: the shop's CDN may serve images, styles, fonts and scripts to the browser,
under every address rule, never navigated to and never crawled; a host not listed stays refused."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.gate import NetworkGate
from crawler.options import CrawlOptions
from crawler.safety import AddressPolicy, Scope, SubresourceHosts
from tests.crawler.conftest import crawl
from tests.crawler.sitekit import Site, png

LOOPBACK = AddressPolicy(allow_loopback=True)


@pytest.fixture
def cdn() -> Iterator[Site]:
    site = Site("cdn", address="127.0.0.2").start()
    site.raw("/logo.png", lambda _p: (200, {"Content-Type": "image/png"}, png(120, 40)))
    site.raw("/style.css", lambda _p: (200, {"Content-Type": "text/css"}, b"h1 { color: #c00; }"))
    site.raw("/app.js", lambda _p: (200, {"Content-Type": "application/javascript"},
                                    "document.body.insertAdjacentHTML('beforeend', '<p>CDN脚本已加载</p>');".encode()))
    site.page("/frame.html", "<html><body>cdn frame</body></html>")
    site.page("/page.html", "<html><body>cdn page</body></html>")
    yield site
    site.stop()


@pytest.fixture
def other() -> Iterator[Site]:
    site = Site("other", address="127.0.0.3").start()
    site.raw("/pixel.png", lambda _p: (200, {"Content-Type": "image/png"}, png(4, 4)))
    yield site
    site.stop()


def get(gate: NetworkGate, url: str, headers: dict[str, str] | None = None, method: str = "GET") -> int:
    c = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=10)
    c.request(method, url, headers=headers or {})
    r = c.getresponse()
    r.read()
    return r.status


def test_gate_lets_subresource_gets_from_listed_hosts_only(shop: Site, cdn: Site, other: Site) -> None:
    hosts = SubresourceHosts((cdn.host,))
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10,
                     subresources=hosts) as gate:
        assert get(gate, cdn.url("/logo.png"), {"Accept": "image/avif,image/webp,*/*"}) == 200
        assert get(gate, other.url("/pixel.png")) == 403
        assert get(gate, cdn.url("/page.html"), {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}) == 403
        assert get(gate, cdn.url("/frame.html"), {"Upgrade-Insecure-Requests": "1"}) == 403
        assert get(gate, cdn.url("/page.html"), {"Accept": "text/html,application/xhtml+xml"}) == 403
        assert get(gate, cdn.url("/logo.png"), method="POST") == 403
    assert cdn.hits["/logo.png"] == 1 and cdn.hits["/page.html"] == cdn.hits["/frame.html"] == 0
    assert other.hits["*"] == 0
    assert gate.records.subresources == [cdn.url("/logo.png")]
    reasons = [b["reason"] for b in gate.records.blocked]
    assert reasons[0] == "off-host request refused"
    assert all("never navigated to" in r for r in reasons[1:4]) and "method POST" in reasons[4]


def test_a_listed_host_still_meets_the_address_policy(shop: Site, cdn: Site) -> None:
    hosts = SubresourceHosts(("*.shop-cdn.test",))
    url = f"http://img.shop-cdn.test:{cdn.port}/logo.png"
    with NetworkGate(Scope.for_urls([shop.url()]), AddressPolicy(), max_bytes=1 << 20, timeout=10,
                     resolver=lambda _h: ["127.0.0.2"], subresources=hosts) as gate:
        assert get(gate, url) == 403  # loopback is off in this policy: the listed host is refused all the same
    assert cdn.hits["*"] == 0
    assert "loopback" in gate.records.blocked[0]["reason"]


def test_the_browser_loads_listed_cdn_subresources_and_nothing_else(shop: Site, cdn: Site, other: Site,
                                                                   tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>店铺首页</title>"
                   f"<link rel='stylesheet' href='{cdn.url('/style.css')}'></head><body><h1>欢迎光临本店</h1>"
                   f"<img src='{cdn.url('/logo.png')}' alt='logo'><img src='{other.url('/pixel.png')}'>"
                   f"<iframe src='{cdn.url('/frame.html')}'></iframe><a href='{cdn.url('/page.html')}'>CDN页面</a>"
                   "<p>营业执照信息见页脚。</p>"
                   f"<script src='{cdn.url('/app.js')}'></script></body></html>")
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=5, subresource_hosts=(cdn.host,))
    home = outcome.pages[0]
    assert home["rendered"]
    assert cdn.hits["/logo.png"] >= 1 and cdn.hits["/style.css"] >= 1 and cdn.hits["/app.js"] >= 1, cdn.hits
    assert "CDN脚本已加载" in "".join(b["text"] for b in home["page"]["blocks"])  # the CDN script ran
    assert cdn.hits["/frame.html"] == 0 and cdn.hits["/page.html"] == 0  # never navigated to, never crawled
    assert other.hits["*"] == 0
    assert [p["url"] for p in outcome.pages] == [shop.url("/")]
    summary = outcome.summary
    assert summary["subresource_hosts"] == [cdn.host]
    assert set(summary["browser_subresources"]) == {cdn.url(p) for p in ("/logo.png", "/style.css", "/app.js")}
    blocked = {b["url"] for b in summary["browser_blocked"]}
    assert {other.url("/pixel.png"), cdn.url("/frame.html")} <= blocked, summary["browser_blocked"]
    assert cdn.url("/page.html") in {lk["url"] for lk in summary["offsite_links"]}, summary["offsite_links"]


def test_options_carry_the_list_through_the_job_file() -> None:
    o = CrawlOptions(subresource_hosts=("cdn.example.com",))
    assert CrawlOptions.from_dict(o.to_dict()).subresource_hosts == ("cdn.example.com",)
    assert o.digest() != CrawlOptions().digest()


def test_selling_images_on_a_listed_cdn_are_read_and_archived(shop: Site, cdn: Site, other: Site,
                                                              tmp_path: Path) -> None:
    """Shops serve their selling pictures from a CDN: an image on a listed host is fetched once (through the
    crawler's downloader, under the address rules), archived and read by OCR like one on the shop's host;
    an image on a host not listed is never fetched."""
    from evidence.exhibit import exhibit
    from tests.pipelines.image_shops import selling_image

    cdn.raw("/detail.jpg", lambda _p: (200, {"Content-Type": "image/jpeg"},
                                       selling_image(["国家级专利配方"], h=600, busy=False)))
    other.raw("/detail2.jpg", lambda _p: (200, {"Content-Type": "image/jpeg"},
                                          selling_image(["最佳选择"], h=600, busy=False)))
    shop.page("/", "<!DOCTYPE html><html><head><meta charset='utf-8'><title>店铺首页</title></head><body><main>"
                   "<h1>欢迎光临本店</h1><p>营业执照信息见页脚。</p>"
                   f"<img src='{cdn.url('/detail.jpg')}' width='750' height='600'>"
                   f"<img src='{other.url('/detail2.jpg')}' width='750' height='600'></main></body></html>")
    outcome = crawl(shop.url("/"), tmp_path, render="never", max_pages=2, ocr=True, ocr_time_share=1.0,
                    subresource_hosts=(cdn.host,))
    assert cdn.hits["/detail.jpg"] == 1 and other.hits["*"] == 0, (cdn.hits, other.hits)
    found = [f for f in outcome.findings if f["location"]["kind"] == "image" and f["match"] == "国家级"]
    assert found, [(f["rule_id"], f["match"], f["location"]["kind"]) for f in outcome.findings]
    ev = found[0]["evidence"]
    assert ev["image_url"] == cdn.url("/detail.jpg") and ev["image_sha256"]
    d = exhibit(found[0])  # the archived CDN image, the line boxed
    assert d["source_kind"] == "image" and d["box"]
    assert [p["url"] for p in outcome.pages] == [shop.url("/")]  # the CDN is never crawled
