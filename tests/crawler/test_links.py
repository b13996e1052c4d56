from __future__ import annotations

import pytest

from crawler.links import canonical, classify, is_page_link, opened_by_script, priority, url_pattern


@pytest.mark.parametrize(("url", "text", "kind"), [
    ("http://s.cn/", "", "home"),
    ("http://s.cn/a/123.html", "营业执照", "licence"),
    ("http://s.cn/about.html", "", "licence"),
    ("http://s.cn/p.html", "关于我们", "licence"),
    ("http://s.cn/help/x.html", "退换货说明", "terms"),
    ("http://s.cn/agreement", "", "terms"),
    ("http://s.cn/x", "隐私政策", "privacy"),
    ("http://s.cn/item/7.html", "牦牛肉干", "product"),
    ("http://s.cn/news/1.html", "新闻", "other"),
    ("http://s.cn/#/about", "", "licence"),
])
def test_classify(url: str, text: str, kind: str) -> None:
    assert classify(url, text) == kind


def test_priority_puts_inspector_pages_first() -> None:
    assert priority("licence", 3) > priority("terms", 1) > priority("privacy", 1) > priority("product", 1)
    assert priority("product", 3) > priority("other", 1)
    assert priority("other", 1) > priority("other", 2)  # breadth-first within a kind


def test_canonical() -> None:
    assert canonical("http://S.cn:80/x?b=2&a=1&utm_source=q#top") == "http://s.cn/x?a=1&b=2"
    assert canonical("http://s.cn/#/product/1") == "http://s.cn/#/product/1"
    assert canonical("http://s.cn") == "http://s.cn/"


def test_trap_pattern_folds_digits_and_values() -> None:
    assert url_pattern("http://s.cn/cal?date=2024-01-01") == url_pattern("http://s.cn/cal?date=2031-12-31")
    assert url_pattern("http://s.cn/item/1.html") == url_pattern("http://s.cn/item/22.html")
    assert url_pattern("http://s.cn/item/1.html") != url_pattern("http://s.cn/news/1.html")


@pytest.mark.parametrize(("url", "ok"), [("http://s.cn/a.html", True), ("http://s.cn/a.jpg", False),
                                         ("mailto:x@s.cn", False), ("http://s.cn/f.zip", False)])
def test_is_page_link(url: str, ok: bool) -> None:
    assert is_page_link(url) is ok


def test_pages_a_script_opens_are_links() -> None:
    events = [{"kind": "window_open", "detail": "loan.html"}, {"kind": "popup", "detail": "http://s.cn/loan.html"},
              {"kind": "popup", "detail": "about:blank"}, {"kind": "window_open", "detail": "javascript:void(0)"},
              {"kind": "dialog", "detail": "限时优惠"}, {"kind": "window_open", "detail": "https://far.example/x"}]
    assert opened_by_script(events, "http://s.cn/index.html") == [
        ("http://s.cn/loan.html", "脚本打开的页面", ""), ("https://far.example/x", "脚本打开的页面", "")]
    assert opened_by_script([], "http://s.cn/") == []
