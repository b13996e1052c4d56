"""The storefront spider: navigates one storefront like an inspector, and nothing more.

Breadth-first within priorities (licence pages, terms, privacy, products, then the rest), page
budget and depth from the job's options. Every fetched page becomes a
:class:`crawler.items.PageCapture`; pages that need JavaScript are rendered (scrapy-playwright)
and their DOM, screenshot and events join the capture. Off-host links are recorded, never
fetched. All decisions live in plain functions of ``crawler/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import StopDownload

from crawler.capture import capture_from_response, describe_failure, utc_now
from crawler.items import PageCapture
from crawler.links import classify, is_hash_route, is_page_link, opened_by_script, priority
from crawler.render import (
    RenderResult,
    compact_events,
    finish_render,
    init_page,
    needs_render,
    release_tab,
    render_gaps,
)
from crawler.state import RunState
from extraction.dom import links_in, parse_html

log = logging.getLogger(__name__)


class StorefrontSpider(scrapy.Spider):
    name = "storefront"

    def __init__(self, state: RunState, **kw: Any) -> None:
        super().__init__(**kw)
        self.state = state
        self.options = state.job.options
        self.tabs: Any = None  # tabs kept between renders (scrapy-playwright is imported only to render)
        if self.options.render != "never":
            from crawler.tabs import TabPool

            self.tabs = TabPool()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kw: Any) -> StorefrontSpider:
        spider = super().from_crawler(crawler, *args, **kw)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider

    def _bytes_received(self, data: bytes, request: Any, spider: Any = None) -> None:
        got = request.meta.get("sw_bytes", 0) + len(data)
        request.meta["sw_bytes"] = got
        if got > self.options.max_page_bytes and not request.meta.get("playwright"):
            raise StopDownload(fail=False)

    async def start(self) -> AsyncIterator[Any]:
        url = self.state.job.start_url
        self.state.admit_link(url)
        log.info("crawl of %s: robots.txt %s", url, "obeyed" if self.state.job.robots else "IGNORED (override)")
        yield self._page_request(url, depth=0, kind="home", anchor="", referer="", home=True)

    # -- requests -----------------------------------------------------------------------------
    def _meta(self, url: str, depth: int, kind: str, anchor: str, referer: str, home: bool) -> dict[str, Any]:
        return {"sw_new_page": True, "sw_url": url, "sw_depth": depth, "sw_kind": kind, "sw_anchor": anchor,
                "sw_referer": referer, "sw_home": home, "sw_fetched_at": ""}

    def _page_request(self, url: str, *, depth: int, kind: str, anchor: str, referer: str,
                      home: bool = False) -> scrapy.Request:
        meta = self._meta(url, depth, kind, anchor, referer, home)
        if is_hash_route(urlsplit(url).fragment):
            return self._render_request(url, meta, None, "hash route")
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, meta=meta, dont_filter=True,
                              priority=priority(kind, depth),
                              headers={"Referer": referer} if referer else None)

    def _render_request(self, url: str, meta: dict[str, Any], capture: PageCapture | None,
                        reason: str) -> scrapy.Request:
        m = {k: v for k, v in meta.items() if k.startswith("sw_")}
        m.update({
            "playwright": True,
            "playwright_include_page": True,
            # the browser context is chosen when the render starts (crawler.middlewares.RenderContextMiddleware)
            "playwright_context_kwargs": {"viewport": {"width": 1280, "height": 900}, "accept_downloads": True,
                                          "locale": "zh-CN", "timezone_id": self.options.timezone,
                                          "user_agent": self.options.user_agent + " (rendering)"},
            "playwright_page_init_callback": init_page,
            # "commit": a page that turns its navigation into a download never fires "load" for it;
            # finish_render waits for load and network idle itself, bounded
            "playwright_page_goto_kwargs": {"wait_until": "commit",
                                            "timeout": int(self.options.render_timeout * 1000)},
            "sw_capture": capture,
            "sw_max_bytes": self.options.max_page_bytes,
            "sw_render_reason": reason,
            "download_timeout": self.options.render_timeout + 15,
            # a failed render is recorded on the page's capture, not retried (a retry of a page
            # handed to the callback would leave the first attempt's page open in its context)
            "dont_retry": True,
        })
        if capture is not None:
            m["sw_new_page"] = False  # already counted by its plain fetch
        return scrapy.Request(url, callback=self.parse_rendered, errback=self.on_render_error, meta=m,
                              dont_filter=True, priority=priority(m["sw_kind"], m["sw_depth"]) + 1)

    def _follow(self, links: list[tuple[str, str, str]], base_url: str,
                meta: dict[str, Any]) -> Iterator[scrapy.Request]:
        depth = meta.get("sw_depth", 0)
        for url, text, image in links:
            if not url.startswith(("http://", "https://")):
                continue
            if not self.state.scope.in_scope(url):
                self.state.record_offsite(url, text, image, base_url)
                continue
            if depth + 1 > self.options.max_depth or not is_page_link(url):
                continue
            fragment = url.split("#", 1)[1] if "#" in url else ""
            if is_hash_route(fragment) and self.options.render == "never":
                if self.state.admit_link(url):
                    self.state.cut(url, "hash route not followed: rendering is off (--render never)")
                continue
            if not self.state.admit_link(url):
                continue
            kind = classify(url, text)
            yield self._page_request(url, depth=depth + 1, kind=kind, anchor=text, referer=base_url)

    # -- callbacks ----------------------------------------------------------------------------
    def parse(self, response: Any) -> Iterator[Any]:
        meta = response.meta
        cap, text = capture_from_response(response, meta, self.options.max_page_bytes)
        offsite = meta.get("sw_redirect_offsite")
        if offsite:
            cap.redirect_to = offsite
            self.state.record_offsite(offsite, "redirect", "", response.url)
            yield cap
            return
        if not text:
            yield cap
            return
        reason = needs_render(text)
        cap.needs_render = bool(reason)
        mode = self.options.render
        if mode == "always":
            reason = "always"
        elif mode == "auto" and cap.is_home:
            reason = reason or "home page (screenshot for evidence)"
        if mode != "never" and reason and 200 <= (cap.status or 0) < 400:
            yield self._render_request(response.url, meta, cap, reason)
            return
        if reason and mode == "never":
            cap.render_reason = f"needs JavaScript ({reason}); not rendered: --render never"
            self.state.notes.append(f"{cap.url}: {cap.render_reason}")
        cap.doc = parse_html(text)  # the one parse of this page: its links now, its page model next
        links = links_in(cap.doc, response.url)
        yield cap
        yield from self._follow(links, response.url, meta)

    async def parse_rendered(self, response: Any) -> AsyncIterator[Any]:
        meta = response.meta
        page = meta["playwright_page"]
        cap: PageCapture | None = meta.get("sw_capture")
        if cap is None:
            cap = PageCapture(url=meta["sw_url"], request_url=meta["sw_url"], fetched_at=utc_now(),
                              depth=meta["sw_depth"], kind=meta["sw_kind"], is_home=meta["sw_home"],
                              anchor_text=meta["sw_anchor"], referer=meta["sw_referer"], status=response.status)
        keep = False
        try:
            result = await finish_render(page, timeout=self.options.render_timeout,
                                         pdf=cap.is_home and self.options.pdf_pages,
                                         recorder=meta.get("sw_recorder"))
            data = meta.get("sw_data")
            if data is not None:  # the storefront's own data its script loaded, archived with the page
                got = await data.collect()
                cap.data_responses = [d for d in got if self.state.scope.in_scope(d.url)]
                cap.evidence_gaps.extend(data.gaps)
            left = self._left_host(result.final_url, meta.get("sw_recorder"))
            # a clean render's tab serves the next one (crawler.tabs); anything odd and it is closed
            keep = not (result.cut_reason or left or data is None or data.gaps
                        or any(e.get("kind") in ("popup", "dialog", "download") for e in result.events))
        finally:
            await self._close_page(page, meta.get("playwright_context", ""), meta if keep else None)
        cap.rendered = True
        cap.render_reason = meta.get("sw_render_reason", "")
        cap.rendered_at = utc_now()
        cap.browser_status = response.status
        if left:
            # a script or refresh took (or tried to take: the guard may have stopped it) the browser
            # off the host: what it shows (an error page, the gate's refusal, another site, or the
            # page its visitor is sent away from) is not the storefront and is neither stored nor judged
            cap.left_host = left
            cap.data_responses = []
            self.state.cut(cap.url, f"browser navigation left the host for {left}")
            result = RenderResult(events=result.events, final_url=result.final_url, cut_reason=result.cut_reason)
            cap.rendered = False
        else:
            cap.evidence_gaps.extend(render_gaps(result, pdf_wanted=cap.is_home and self.options.pdf_pages))
        cap.dom, cap.dom_annotated = result.dom, result.dom_annotated
        cap.screenshot, cap.pdf, cap.events = result.screenshot, result.pdf, result.events
        if result.cut_reason:
            cap.cut_reason = "; ".join(x for x in (cap.cut_reason, result.cut_reason) if x)
        if cap.status is None:
            cap.status = response.status
        links: list[tuple[str, str, str]] = []
        if result.dom_annotated or result.dom:  # one parse: the annotated DOM has the same links
            cap.doc = parse_html(result.dom_annotated or result.dom)
            links = links_in(cap.doc, result.final_url or cap.url)
        links += opened_by_script(result.events, result.final_url or cap.url)
        yield cap
        for request in self._follow(links, result.final_url or cap.url, meta):
            yield request

    def closed(self, reason: str) -> None:
        if self.tabs is not None and self.state.renders_started:
            log.info("%d renders, %d of them in a kept tab", self.state.renders_started, self.tabs.reused)

    def _left_host(self, final_url: str, recorder: Any) -> str:
        """Where the browser's main frame went (or was sent) off the storefront's host, or ``""``."""
        sent = recorder.left_to(self.state.scope.in_scope) if recorder is not None else ""
        if final_url and not self.state.scope.in_scope(final_url):
            return sent or final_url  # the URL it was sent to says more than chrome-error://
        return sent

    async def _close_page(self, page: Any, context: str, keep: dict[str, Any] | None = None) -> None:
        """End a render's use of its tab: kept blank for the context's next render when ``keep`` (the
        render's meta) is given and the context is still in use (crawler.tabs), else closed."""
        kept = False
        if keep is not None and self.tabs is not None and context and self.state.context_wanted(context):
            kept = await release_tab(page, keep)
        if kept and self.tabs is not None:
            self.tabs.keep(page, context)
        else:
            try:
                await page.close()
            except Exception:
                log.debug("page close failed", exc_info=True)
        if context and self.state.context_done(context):
            if self.tabs is not None:
                self.tabs.drop(context)
            try:
                await page.context.close()
                log.info("browser context %s recycled", context)
            except Exception:
                log.debug("context close failed", exc_info=True)

    def on_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        error, cut = describe_failure(failure)
        if type(failure.value).__name__ == "IgnoreRequest" and not error.startswith("refused"):
            self.state.cut(request.url, error)  # budget, robots.txt, off-host: not a page
            return
        if cut:
            self.state.cut(request.url, cut)
        yield PageCapture(url=request.url, request_url=request.url, fetched_at=utc_now(), depth=meta.get("sw_depth", 0),
                          kind=meta.get("sw_kind", "other"), is_home=bool(meta.get("sw_home")),
                          anchor_text=meta.get("sw_anchor", ""), referer=meta.get("sw_referer", ""),
                          error=error, cut_reason=cut)

    async def on_render_error(self, failure: Any) -> AsyncIterator[Any]:
        request = failure.request
        meta = request.meta
        page = meta.get("playwright_page")
        if page is not None:
            await self._close_page(page, meta.get("playwright_context", ""))
        elif meta.get("playwright_context"):
            self.state.context_done(meta["playwright_context"])
        error, _cut = describe_failure(failure)
        cap: PageCapture | None = meta.get("sw_capture")
        recorder = meta.get("sw_recorder")
        if cap is not None and recorder is not None and recorder.events:
            cap.events = compact_events(recorder.events)  # what the page did is judged even if the render failed
        if cap is None:
            yield PageCapture(url=request.url, request_url=request.url, fetched_at=utc_now(),
                              depth=meta.get("sw_depth", 0), kind=meta.get("sw_kind", "other"),
                              is_home=bool(meta.get("sw_home")), error=f"render failed: {error}",
                              cut_reason="render failed")
            return
        cap.cut_reason = "; ".join(x for x in (cap.cut_reason, f"render failed: {error}") if x)
        self.state.cut(request.url, f"render failed: {error}")
        left = self._left_host("", recorder)
        if left:  # the render failed because the page sent the browser off the host: as in parse_rendered
            cap.left_host = left
            self.state.cut(cap.url, f"browser navigation left the host for {left}")
            yield cap
            return
        links: list[tuple[str, str, str]] = []
        if cap.body and not cap.error:  # the fetched page stands: judged and followed as fetched
            cap.doc = parse_html(cap.body.decode(cap.encoding or "utf-8", "replace"))
            links = links_in(cap.doc, cap.url)
        yield cap
        for r in self._follow(links, cap.url, meta):
            yield r
