"""Downloader middlewares and the DNS resolver that enforce scope, address policy and budget.

Order (lower runs first on requests): Safety 45 -> Budget 60 -> RenderContext 70 -> (Scrapy's own) -> Backoff 560 ->
Redirect 600 -> RedirectGuard 650. Refusals raise ``IgnoreRequest`` with a reason; the spider's
errback records the reason as a cut.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.safety import SUBRESOURCE_TYPES, AddressPolicy, SubresourceHosts, UnsafeTarget, check_host

log = logging.getLogger(__name__)
ROBOTS_TIMEOUT = 10.0  # seconds for robots.txt, whatever the page timeout


def _state(crawler: Any) -> Any:
    return getattr(crawler.spider, "state", None)


def cdn_image(state: Any, request: Any, url: str | None = None) -> bool:
    """An image request (``sw_image``) to a listed subresource host (``crawler.subresource_hosts``, the
    shop's CDN): fetched for OCR and the evidence like an image on the shop's own host; never a page."""
    job = getattr(state, "job", None)
    if job is None or not request.meta.get("sw_image"):
        return False
    return SubresourceHosts(tuple(job.options.subresource_hosts)).allows(url or request.url)


class SafetyMiddleware:
    """Only in-scope hosts (and image requests to a listed CDN), only allowed addresses (checked on every
    DNS answer)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self._hosts: dict[str, str] = {}  # host -> '' when allowed, else the reason

    @classmethod
    def from_crawler(cls, crawler: Any) -> SafetyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Any) -> None:
        state = _state(self.crawler)
        if state is None or request.url.startswith("data:"):
            return None
        if request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
            # robots.txt is asked once, briefly: a dead host must not cost retries before the pages
            request.meta.setdefault("dont_retry", True)
            request.meta["download_timeout"] = min(float(state.job.options.page_timeout), ROBOTS_TIMEOUT)
        if not state.scope.in_scope(request.url) and not cdn_image(state, request):
            raise IgnoreRequest(f"off-host URL not fetched: {request.url}")
        host = urlsplit(request.url).hostname or ""
        if host not in self._hosts:
            try:
                await asyncio.to_thread(check_host, host, state.policy)
                self._hosts[host] = ""
            except UnsafeTarget as exc:
                self._hosts[host] = exc.reason
        if self._hosts[host]:
            raise IgnoreRequest(f"refused: {self._hosts[host]}")
        return None


class BudgetMiddleware:
    """The page budget, spent in priority order as the scheduler hands out page requests."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> BudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        state = _state(self.crawler)
        if state is None or not request.meta.get("sw_new_page") or request.meta.get("sw_admitted"):
            return None
        if state.pages_admitted >= state.job.options.max_pages:
            raise IgnoreRequest(f"page budget of {state.job.options.max_pages} spent")
        request.meta["sw_admitted"] = True
        state.pages_admitted += 1
        return None


class RenderContextMiddleware:
    """The browser context of a render, chosen as the render reaches the downloader (not when it
    is scheduled): contexts fill and retire in the order pages are rendered, so a retired context
    only waits for renders already under way (:meth:`crawler.state.RunState.context_name`)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RenderContextMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        state = _state(self.crawler)
        if state is None or not request.meta.get("playwright") or request.meta.get("playwright_context"):
            return None
        request.meta["playwright_context"] = state.context_name()
        return None


class BackoffMiddleware:
    """Retries wait before going out again: 0.5 s, 1 s, 2 s, … (at most 8 s)."""

    async def process_request(self, request: Any) -> None:
        tries = int(request.meta.get("retry_times") or 0)
        if tries:
            await asyncio.sleep(min(0.5 * 2 ** (tries - 1), 8.0))
        return None


class RedirectGuardMiddleware:
    """Redirects off the host are recorded and not followed (the 3xx reaches the spider)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Any) -> Any:
        state = _state(self.crawler)
        if state is None or response.status not in (301, 302, 303, 307, 308):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = urljoin(response.url, location.decode("latin-1"))
        if not state.scope.in_scope(target) and not cdn_image(state, request, target):
            request.meta["dont_redirect"] = True
            request.meta["sw_redirect_offsite"] = target
            if len(state.redirects) < 500:
                state.redirects.append({"from": response.url, "to": target, "followed": "no"})
        return response


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's DNS resolver, refusing names that resolve to disallowed addresses at connect time
    (so a name cannot pass the middleware's check and then re-resolve somewhere private)."""

    policy: AddressPolicy = AddressPolicy()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        resolver = super().from_crawler(crawler, reactor)
        raw = crawler.settings.getdict("STOREWATCH_ADDRESS_POLICY") or {}
        resolver.policy = AddressPolicy(bool(raw.get("allow_loopback")), bool(raw.get("allow_private")),
                                        tuple(raw.get("allowed_networks") or ()))
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 (Twisted API)
        d = super().getHostByName(name, timeout)

        def check(address: str) -> str:
            try:
                self.policy.check_ip(address)
            except UnsafeTarget as exc:
                raise DNSLookupError(f"{name}: {exc.reason}") from None
            return address

        return d.addCallback(check)


class BrowserGuard:
    """scrapy-playwright's abort predicate: the first, cheap filter of what the browser may load.

    The real gate is :mod:`crawler.gate` (the proxy Chromium is launched with): it sees redirect
    hops, resolves and checks addresses once and caps bytes. Here, before a request leaves the
    page, media and sockets are refused and off-host URLs are refused and recorded (like the Scrapy
    fetcher); no DNS is done here (a second resolution would open a rebinding window).
    """

    def __init__(self, state: Any, records: Any = None) -> None:
        from crawler.gate import GateRecords

        self.state = state
        self.records = records if records is not None else GateRecords()
        job = getattr(state, "job", None)
        self.subresources = SubresourceHosts(tuple(job.options.subresource_hosts) if job is not None else ())

    @property
    def blocked(self) -> list[dict[str, str]]:
        return self.records.blocked

    async def __call__(self, request: Any) -> bool:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return False
        if request.resource_type in ("media", "websocket", "eventsource", "manifest"):
            return True
        if not self.state.scope.in_scope(url):
            navigation = request.is_navigation_request()
            if not navigation and request.resource_type in SUBRESOURCE_TYPES and self.subresources.allows(url):
                return False  # an allowed subresource host (the shop's CDN); the gate checks it again
            what = "navigation" if navigation else f"{request.resource_type} request"
            self.records.block(url, f"{what} off the storefront's host", by="browser")
            return True
        return False


_GUARD: BrowserGuard | None = None  # one crawl per process (crawler.run sets it)


def set_browser_guard(guard: BrowserGuard | None) -> None:
    global _GUARD
    _GUARD = guard


async def abort_browser_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: delegate to this process's :class:`BrowserGuard`."""
    if _GUARD is None:
        return False
    return await _GUARD(request)
