"""PDF prints of captured pages after the crawl (pages with findings), from the archived DOM.

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


async def _print_all(pages: list[tuple[str, str]], options: Any, guard: Any = None) -> dict[str, bytes]:
    from playwright.async_api import async_playwright

    out: dict[str, bytes] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=options.chromium_path, headless=True,
                                           args=list(CHROMIUM_ARGS), timeout=30_000)
        try:
            context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
            for url, html in pages:
                page = await context.new_page()
                if guard is not None:
                    async def route(r: Any, _g: Any = guard) -> None:
                        if await _g(r.request):
                            await r.abort()
                        else:
                            await r.continue_()
                    await page.route("**", route)
                try:
                    await asyncio.wait_for(page.set_content(_with_base(html, url), wait_until="load"),
                                           timeout=options.render_timeout)
                    out[url] = await asyncio.wait_for(page.pdf(format="A4", print_background=True), timeout=30)
                except Exception as exc:
                    log.warning("PDF of %s failed: %s", url, exc)
                finally:
                    await page.close()
        finally:
            await browser.close()
    return out


def print_pdfs(pages: list[tuple[str, str]], options: Any, guard: Any = None) -> dict[str, bytes]:
    """``{url: pdf bytes}`` for ``(url, html)`` pairs; failures are logged and skipped."""
    if not pages:
        return {}
    try:
        return asyncio.run(_print_all(pages, options, guard))
    except Exception as exc:
        log.warning("PDF printing unavailable: %s", exc)
        return {}
