"""Downloader middlewares and the DNS resolver that enforce scope, address policy and budget.

Order (lower runs first on requests): Safety 45 -> Budget 60 -> (Scrapy's own) -> Backoff 560 ->
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

from crawler.safety import AddressPolicy, UnsafeTarget, check_host

log = logging.getLogger(__name__)


def _state(crawler: Any) -> Any:
    return getattr(crawler.spider, "state", None)


class SafetyMiddleware:
    """Only in-scope hosts, only allowed addresses (checked on every DNS answer)."""

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
        if not state.scope.in_scope(request.url):
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
        if not state.scope.in_scope(target):
            request.meta["dont_redirect"] = True
            request.meta["sw_redirect_offsite"] = target
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
    """scrapy-playwright's abort predicate: what the browser may load while rendering.

    Navigations of a frame to another host are blocked and recorded (the spider never leaves the
    storefront); sub-resources (scripts, styles, images, XHR) may come from other hosts, but only
    from addresses the policy allows. Media is never loaded.
    """

    def __init__(self, state: Any) -> None:
        self.state = state
        self._verdicts: dict[str, str] = {}
        self.blocked: list[dict[str, str]] = []

    async def __call__(self, request: Any) -> bool:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return False
        if request.resource_type in ("media", "websocket", "eventsource", "manifest"):
            return True
        in_scope = self.state.scope.in_scope(url)
        if request.is_navigation_request() and not in_scope:
            self.blocked.append({"url": url, "reason": "navigation off the storefront's host"})
            return True
        host = urlsplit(url).hostname or ""
        if host not in self._verdicts:
            try:
                await asyncio.to_thread(check_host, host, self.state.policy)
                self._verdicts[host] = ""
            except UnsafeTarget as exc:
                self._verdicts[host] = exc.reason
        if self._verdicts[host]:
            self.blocked.append({"url": url, "reason": self._verdicts[host]})
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
