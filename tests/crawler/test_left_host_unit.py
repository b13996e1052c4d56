"""Where a rendered page sends its visitor (unit: stub Playwright objects).

The integration test (tests/crawler/hostile/test_honest_status.py) drives the real Chromium; which
of three paths it takes there depends on timing (Chromium commits its error page, the guard aborts
the navigation first, or the render fails on it), so each decision is pinned here too.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from crawler.render import EventRecorder
from spiders.storefront import StorefrontSpider


class Page:
    def __init__(self) -> None:
        self.main_frame = object()
        self.handlers: dict[str, list[Any]] = {}

    def on(self, event: str, fn: Any) -> None:
        self.handlers.setdefault(event, []).append(fn)

    def request(self, url: str, *, navigation: bool = True, frame: Any = None) -> None:
        req = SimpleNamespace(url=url, frame=frame if frame is not None else self.main_frame,
                              is_navigation_request=lambda: navigation)
        for fn in self.handlers.get("request", []):
            fn(req)


def in_shop(url: str) -> bool:
    return url.startswith("http://shop.test/")


def test_an_off_host_main_frame_navigation_is_noted_even_if_it_never_commits() -> None:
    page, rec = Page(), EventRecorder()
    rec.attach(page)
    page.request("http://shop.test/")
    page.request("http://cdn.other/a.png", navigation=False)
    page.request("http://ads.other/frame.html", frame=object())  # an iframe's navigation: not the page's
    assert rec.left_to(in_shop) == ""
    page.request("http://canary.other/")
    page.request("http://second.other/")
    assert rec.left_to(in_shop) == "http://canary.other/"


def test_navigations_kept_are_bounded() -> None:
    page, rec = Page(), EventRecorder()
    rec.attach(page)
    for i in range(500):
        page.request(f"http://shop.test/{i}")
    page.request("http://canary.other/")
    assert len(rec.navigations) == EventRecorder.MAX_NAVIGATIONS
    assert rec.left_to(in_shop) == ""  # a page that spins through 500 of its own URLs first is not followed further


def _spider() -> Any:
    return SimpleNamespace(state=SimpleNamespace(scope=SimpleNamespace(in_scope=in_shop)))


def test_the_url_the_page_was_sent_to_is_named_rather_than_the_error_page() -> None:
    page, rec = Page(), EventRecorder()
    rec.attach(page)
    page.request("http://canary.other/")
    left = StorefrontSpider._left_host
    assert left(_spider(), "chrome-error://chromewebdata/", rec) == "http://canary.other/"
    assert left(_spider(), "http://shop.test/", rec) == "http://canary.other/"  # the guard stopped it
    assert left(_spider(), "chrome-error://chromewebdata/", None) == "chrome-error://chromewebdata/"
    assert left(_spider(), "http://shop.test/", EventRecorder()) == ""
