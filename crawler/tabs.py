"""Browser tabs kept open between renders of one context, and the download handler that reuses them.

A fresh tab for every render cost more than the render: Chromium starts a renderer process for the
first tab of a site and ends it with the last, so a render that opened the only tab of its context
paid a process start and cold font and glyph caches (CJK text is thousands of glyphs): 1.2 s of
CPU per page against 0.5 s in a tab that stays open (measured here, bench/README.md). A tab whose
render finished cleanly is therefore navigated to ``about:blank`` (its document unloads; the next
render's recorders and route are attached to a blank tab, as on a new one) and kept for the next
render in the same context (:class:`TabPool`); :class:`RenderHandler` hands it out instead of
opening a tab. What the next render installs per page (init scripts, the page-state tracker, the
route serving the fetcher's bytes, the event recorders) is installed once per tab or removed when
its render ends (:mod:`crawler.render`). Pages of one storefront share a tab the way a visitor's
clicks share one (``sessionStorage`` of the host and the tab's history stay; cookies and storage
were shared by the context already).

Bounds are unchanged: a context holds at most ``render_concurrency`` tabs, busy or kept (a render
that finds none free waits for one to be kept or closed), and contexts are still recycled after
``context_recycle_pages`` renders (closing a context closes its kept tabs). A render that was cut
(time limit), failed, left the host or opened windows is never kept: its tab is closed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy_playwright.handler import DEFAULT_CONTEXT_NAME, ScrapyPlaywrightDownloadHandler

log = logging.getLogger(__name__)
WAIT_POLL = 0.5  # seconds between looks at the pool while every tab of a context is busy (a safety net)


class TabPool:
    """Idle tabs by browser context name (the spider's; :class:`RenderHandler` takes from it)."""

    def __init__(self) -> None:
        self.idle: dict[str, list[Any]] = {}
        self.reused = 0
        self._waiters: list[asyncio.Future[None]] = []

    def take(self, context: str) -> Any:
        """An open idle tab of ``context``, or None."""
        tabs = self.idle.get(context) or []
        while tabs:
            page = tabs.pop()
            if not page.is_closed():
                self.reused += 1
                return page
        return None

    def keep(self, page: Any, context: str) -> None:
        self.idle.setdefault(context, []).append(page)
        self.notify()

    def drop(self, context: str) -> list[Any]:
        """Forget (and return) the idle tabs of ``context`` (it is being closed)."""
        return self.idle.pop(context, [])

    def others(self, context: str) -> list[str]:
        """Contexts other than ``context`` that hold idle tabs."""
        return [name for name, tabs in self.idle.items() if name != context and tabs]

    def notify(self, *_args: Any) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait(self, timeout: float = WAIT_POLL) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            pass


class RenderHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, opening a tab only when its context has no idle one
    (``spider.tabs``: a :class:`TabPool`); with no pool it is scrapy-playwright's handler."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._opening = asyncio.Lock()

    async def _create_page(self, request: Any, spider: Any) -> Any:
        tabs: TabPool | None = getattr(spider, "tabs", None)
        if tabs is None:
            return await super()._create_page(request=request, spider=spider)
        name = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
        await self._retire_idle(tabs, name, spider)
        while True:
            page = tabs.take(name)
            if page is not None:
                await page.unroute("**")  # scrapy-playwright's route of the tab's last render
                request.meta["sw_reused_tab"] = True
                return page
            # one opener at a time: a free slot seen here is still free when scrapy-playwright takes it
            async with self._opening:
                wrapper = self.context_wrappers.get(name)
                if wrapper is None or not wrapper.semaphore.locked():
                    page = await super()._create_page(request=request, spider=spider)
                    page.on("close", tabs.notify)
                    return page
            await tabs.wait()  # every tab of the context is busy: one is kept or closed soon

    async def _retire_idle(self, tabs: TabPool, current: str, spider: Any) -> None:
        """Close the idle tabs of contexts no longer in use, and such a context once nothing renders in it."""
        state = getattr(spider, "state", None)
        for name in tabs.others(current):
            for page in tabs.drop(name):
                try:
                    await page.close()
                except Exception:
                    log.debug("closing an idle tab failed", exc_info=True)
            wrapper = self.context_wrappers.get(name)
            if wrapper is not None and state is not None and state.context_pending[name] <= 0:
                try:
                    await wrapper.context.close()
                    log.info("browser context %s recycled", name)
                except Exception:
                    log.debug("context close failed", exc_info=True)
