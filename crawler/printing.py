"""PDF prints of captured pages when the crawl closes (pages with findings), from the archived DOM.

The PDF shows the DOM as captured (not a fresh fetch): the HTML is loaded with ``set_content``
under a ``<base>`` of the page URL, so same-host images and styles still load. Bounded in count
and time; the crawl's own browser is gone by then, so one short-lived browser is launched.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from crawler.settings import CHROMIUM_ARGS

log = logging.getLogger(__name__)
_HEAD = re.compile(r"<head[^>]*>", re.I)


def _with_base(html: str, url: str) -> str:
    base = f'<base href="{url}">'
    m = _HEAD.search(html)
    if m:
        return html[: m.end()] + base + html[m.end():]
    return base + html


def _route_handler(guard: Any) -> Any:
    """A one-argument route handler (Playwright passes ``(route, request)`` to a two-parameter one,
    which is how a default argument once received the Request and was called)."""

    async def route(r: Any) -> None:
        if await guard(r.request):
            await r.abort()
        else:
            await r.continue_()

    return route


async def _print_all(pages: list[tuple[str, str]], options: Any, guard: Any,
                     failed: dict[str, str], gate: Any) -> dict[str, bytes]:
    from playwright.async_api import async_playwright

    from crawler.gate import current_gate, launch_options

    out: dict[str, bytes] = {}
    launch = launch_options({"executable_path": options.chromium_path, "headless": True,
                             "args": list(CHROMIUM_ARGS), "timeout": 30_000}, gate or current_gate())
    limit = int(options.max_page_bytes)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch)
        try:
            context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
            for url, html in pages:
                page = await context.new_page()
                if guard is not None:
                    await page.route("**", _route_handler(guard))
                try:
                    doc = _with_base(html, url)
                    if len(doc) > limit:  # set_content goes over a bounded pipe: never more than the page cap
                        doc = doc[:limit]
                        failed.setdefault(url, f"PDF of the first {limit} characters only (page over the size limit)")
                    await asyncio.wait_for(page.set_content(doc, wait_until="load"), timeout=options.render_timeout)
                    out[url] = await asyncio.wait_for(page.pdf(format="A4", print_background=True), timeout=30)
                except Exception as exc:
                    log.warning("PDF of %s failed: %s", url, exc)
                    failed[url] = f"PDF failed: {type(exc).__name__}: {exc}"[:300]
                finally:
                    await page.close()
        finally:
            await browser.close()
    return out


def print_pdfs(pages: list[tuple[str, str]], options: Any, guard: Any = None,
               failed: dict[str, str] | None = None, gate: Any = None) -> dict[str, bytes]:
    """:func:`print_pdfs_async` outside an event loop."""
    return asyncio.run(print_pdfs_async(pages, options, guard, failed, gate))


async def print_pdfs_async(pages: list[tuple[str, str]], options: Any, guard: Any = None,
                           failed: dict[str, str] | None = None, gate: Any = None) -> dict[str, bytes]:
    """``{url: pdf bytes}`` for ``(url, html)`` pairs; each failure is logged and put in ``failed``
    (url -> reason) so the run can record the evidence gap. The printer's browser goes through
    ``gate`` (default: this crawl's gate); with no gate there is no browser and no PDF. Runs on the
    crawl's own event loop (Scrapy's asyncio reactor) when the spider closes."""
    failed = failed if failed is not None else {}
    if not pages:
        return {}
    try:
        return await _print_all(pages, options, guard, failed, gate)
    except Exception as exc:
        log.warning("PDF printing unavailable: %s", exc)
        for url, _html in pages:
            failed.setdefault(url, f"PDF printing unavailable: {type(exc).__name__}: {exc}"[:300])
        return {}
