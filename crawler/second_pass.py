"""The targeted second render pass: static pages that carry a finding are fixed visually.

A page the crawl did not render (it needed no JavaScript) has only its HTTP response as evidence.
Once analysis has found something on it, this pass, in the same run and before the WARC is closed,
opens it in Chromium and takes a full-page screenshot and (when ``pdf_pages``) a PDF of that one
loaded page. The browser is served the fetcher's own bytes, read back from the run's WARC record
(as the crawl's renders are: :func:`crawler.render.document_for_browser`), so the picture shows what
was archived and judged; the page's stylesheets, fonts and images load through the crawl's network
gate and browser guard like every other browser request. The screenshot and PDF are ``resource``
records of the WARC referring to the page's response record. Whatever fails is an evidence gap of
the page (and so of the run). Bounded: at most :data:`MAX_PAGES` pages, :data:`TIME_BUDGET` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from crawler.render import INIT_SCRIPT, EventRecorder, document_for_browser, finish_render, render_gaps
from crawler.settings import CHROMIUM_ARGS
from crawler.settle import TRACKER_SCRIPT
from evidence.timefmt import utc_iso

log = logging.getLogger(__name__)
MAX_PAGES = 50  # pages re-rendered per run; the rest are recorded as gaps
TIME_BUDGET = 90.0  # seconds for the whole pass


def wanted(state: Any, finding_urls: set[str], key: Callable[[str], str]) -> list[Any]:
    """Captures of static pages with findings (``key(url)`` in ``finding_urls``) that have a
    response record but no screenshot."""
    out = []
    for cap in state.pages:
        ev = cap.evidence or {}
        if (key(cap.url) in finding_urls and not cap.rendered and not cap.error
                and cap.status is not None and 200 <= cap.status < 400 and not ev.get("screenshot_sha256")
                and "response" in ev.get("records", {})):
            out.append(cap)
    return out


def _archived_page(archive_path: Path, cap: Any) -> Any:
    """The capture's response as the fetcher archived it: headers, status, encoding and body."""
    from evidence.verify import read_record

    ref = cap.evidence["records"]["response"]
    rec = read_record(archive_path, int(ref["offset"]), int(ref["length"]))
    return SimpleNamespace(body=rec.payload, encoding=cap.encoding or "utf-8", headers=list(cap.headers),
                           status=cap.status, header=cap.header)


async def _one(context: Any, cap: Any, doc: tuple[dict[str, str], bytes], guard: Any, options: Any,
               pdf: bool) -> tuple[Any, list[str]]:
    headers, body = doc
    page = await context.new_page()
    recorder = EventRecorder()
    recorder.attach(page)
    target = cap.url.split("#", 1)[0]
    served = {"done": False}

    async def route(r: Any) -> None:
        req = r.request
        if (not served["done"] and req.is_navigation_request() and req.frame.parent_frame is None
                and req.url.split("#", 1)[0] == target):
            served["done"] = True
            await r.fulfill(status=cap.status or 200, headers=headers, body=body)
        elif guard is not None and await guard(req):
            await r.abort()
        else:
            await r.fallback()

    try:
        await page.add_init_script(INIT_SCRIPT + TRACKER_SCRIPT)
        await page.route("**", route)
        await asyncio.wait_for(page.goto(cap.url, wait_until="commit"), timeout=options.render_timeout)
        result = await finish_render(page, timeout=options.render_timeout, screenshot=True, pdf=pdf,
                                     recorder=recorder)
    finally:
        try:
            await page.close()
        except Exception:
            log.debug("page close failed", exc_info=True)
    gaps = render_gaps(result, pdf_wanted=pdf)
    if result.final_url and guard is not None and not guard.state.scope.in_scope(result.final_url):
        return None, [f"second render left the host for {result.final_url}: no screenshot kept"]
    return result, [f"second render: {g}" for g in gaps]


async def _pass(caps: list[Any], state: Any, guard: Any, gate: Any, pdf: bool) -> dict[str, tuple[Any, list[str]]]:
    from playwright.async_api import async_playwright

    from crawler.gate import launch_options

    o = state.job.options
    out: dict[str, tuple[Any, list[str]]] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIME_BUDGET
    launch = launch_options({"executable_path": o.chromium_path, "headless": True, "args": list(CHROMIUM_ARGS),
                             "timeout": 30_000}, gate)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                                locale="zh-CN", timezone_id=o.timezone,
                                                user_agent=o.user_agent + " (rendering)")
            sem = asyncio.Semaphore(max(int(o.render_concurrency), 1))

            async def run(cap: Any, doc: Any) -> None:
                async with sem:
                    if loop.time() > deadline:
                        out[cap.url] = (None, [f"second render not done: the pass's {TIME_BUDGET:g} s were spent"])
                        return
                    try:
                        out[cap.url] = await asyncio.wait_for(_one(context, cap, doc, guard, o, pdf),
                                                              timeout=o.render_timeout + 20)
                    except Exception as exc:  # one page's failure is its gap, never the run's
                        log.warning("second render of %s failed: %s", cap.url, exc)
                        out[cap.url] = (None, [f"second render failed: {type(exc).__name__}: {exc}"[:300]])

            jobs = []
            for cap in caps:
                try:
                    doc = document_for_browser(_archived_page(state.archive.part, cap), int(o.max_page_bytes))
                except Exception as exc:
                    out[cap.url] = (None, [f"second render: archived page unreadable: {exc}"[:300]])
                    continue
                if doc is None:
                    out[cap.url] = (None, ["second render: no archived HTML to render"])
                    continue
                jobs.append(run(cap, doc))
            await asyncio.gather(*jobs)
        finally:
            await browser.close()
    return out


async def render_found_pages(state: Any, finding_urls: set[str], guard: Any, key: Callable[[str], str] = str,
                       gate: Any = None) -> int:
    """Screenshot (and PDF) every static page with a finding (``key(url)`` in ``finding_urls``) into
    the run's WARC; gaps on the pages. The browser goes through ``gate`` (default: this crawl's
    gate). Returns how many pages got a screenshot."""
    from crawler.gate import current_gate

    caps = wanted(state, finding_urls, key)
    if not caps:
        return 0
    gate = gate or current_gate()
    if gate is None or state.archive is None:
        for cap in caps:
            cap.evidence_gaps.append("second render not done: no browser in this run")
        return 0
    for cap in caps[MAX_PAGES:]:
        cap.evidence_gaps.append(f"second render not done: more than {MAX_PAGES} pages with findings")
    caps = caps[:MAX_PAGES]
    pdf = bool(state.job.options.pdf_pages)
    try:
        done = await _pass(caps, state, guard, gate, pdf)
    except Exception as exc:
        log.warning("second render pass unavailable: %s", exc)
        done = {c.url: (None, [f"second render unavailable: {type(exc).__name__}: {exc}"[:300]]) for c in caps}
    shots = 0
    for cap in caps:
        result, gaps = done.get(cap.url, (None, ["second render not done"]))
        cap.evidence_gaps.extend(gaps)
        if result is None:
            continue
        ev = cap.evidence
        anchor = ev["records"]["response"]["record_id"]
        at = utc_iso()
        for kind, payload, ctype in (("screenshot", result.screenshot, "image/png"), ("pdf", result.pdf,
                                                                                     "application/pdf")):
            if not payload:
                continue
            ref = state.archive.write_resource(f"urn:storewatch:{kind}:{cap.url}", kind, ctype, payload, at, anchor)
            ev.setdefault("records", {})[kind] = ref.to_dict()
            ev[f"{kind}_sha256"] = ref.payload_sha256
        if result.screenshot:
            shots += 1
    log.info("second render pass: %d of %d pages with findings fixed visually", shots, len(caps))
    return shots
