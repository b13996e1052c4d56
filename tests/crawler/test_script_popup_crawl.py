"""A pop-up layer built on a timer by the shop's own external script (js/pop.js), with no close control, is
found by a real crawl (the script is read from the bytes archived for replay, never run by us)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.conftest import crawl, dump, page, text_of
from tests.crawler.sitekit import Site

pytestmark = pytest.mark.integration

POP = b"""(function(){
  function pop(){ var d=document.createElement('div'); d.id='pop';
    d.innerHTML='<h3>\\u9650\\u65f6\\u79d2\\u6740</h3><p>\xe6\x89\xab\xe7\xa0\x81\xe5\x8a\xa0\xe5\xbe\xae\xe4\xbf\xa1\xe9\xa2\x86\xe5\x88\xb8</p>';
    document.body.appendChild(d); }
  setTimeout(pop, 1500);
})();"""


@pytest.fixture
def shop() -> Iterator[Site]:
    site = Site("shop").start()
    yield site
    site.stop()


def test_an_external_script_building_an_unclosable_ad_on_a_timer_is_found(shop: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>好物</title><script src='/js/pop.js'></script></head>"
                   "<body><h1>好物</h1><p>欢迎光临</p></body></html>")
    shop.raw("/js/pop.js", lambda _p: (200, {"Content-Type": "application/javascript; charset=utf-8"}, POP))
    outcome = crawl(shop.url("/"), tmp_path, render="never", max_pages=1)
    found = [f for f in outcome.findings if f["rule_id"] == "ADS-UNCLOSABLE-OVERLAY"]
    assert len(found) == 1 and found[0]["location"]["selector"] == "script:pop()", outcome.findings
    assert "扫码加微信领券" in found[0]["match"]


def test_an_external_script_whose_layer_closes_is_not(shop: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><script src='/js/pop.js'></script></head><body><p>欢迎光临</p></body></html>")
    closable = POP.replace(b"</p>';", b"</p><b class=\"close\">x</b>';")
    shop.raw("/js/pop.js", lambda _p: (200, {"Content-Type": "application/javascript"}, closable))
    outcome = crawl(shop.url("/"), tmp_path, render="never", max_pages=1)
    assert [f for f in outcome.findings if f["category"] == "harassing_ads"] == []


def test_a_page_only_a_script_opens_is_crawled_and_judged_and_another_host_it_opens_is_not_fetched(
        shop: Site, tmp_path: Path) -> None:
    far = Site("far").start()
    try:
        far.page("/ad.html", "<html><body>境外广告</body></html>")
        shop.page("/", "<html><body><h1>好物</h1><p>欢迎光临</p><script>window.addEventListener('load', function () {"
                       f"window.open('/loan.html', '_blank'); window.open('{far.url('/ad.html')}');}});</script>"
                       "</body></html>")
        shop.page("/loan.html", "<html><body><p>秒批贷款，本平台为国家级金融服务平台</p></body></html>")
        outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=4)
        loan = page(outcome, "/loan.html")
        assert loan is not None and "国家级" in text_of(loan), dump(outcome)
        assert any(f["url"].endswith("/loan.html") and "国家级" in f["match"] for f in outcome.findings)
        assert far.hits["/ad.html"] == 0  # opened by the shop's script: recorded, never fetched by the crawl
    finally:
        far.stop()
