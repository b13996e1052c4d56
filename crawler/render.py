"""Rendering: when a page needs a browser, and what to do with the page once it is open.

:func:`needs_render` is pure (HTML in, reason out). :func:`finish_render` runs inside the
spider's callback on a Playwright page opened by scrapy-playwright: it waits until the page is
settled (:mod:`crawler.settle`: no request in flight, no short timer pending, no DOM change, each
wait capped), scrolls to trigger lazy content when anything on the page can react to scrolling
(:data:`SCROLL_WANTED`; and settles again only if that started anything),
then takes the DOM, a layout-annotated copy of it (for hidden text and iframe visibility), the
events the page caused, a full-page screenshot and, on request, a PDF print, all from the one
loaded page (nothing is reloaded). Every browser step has a time bound: a page that loops
forever, opens windows or starts downloads is cut off and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from crawler.settle import DOM_CAP, TRACKER_SCRIPT, NetworkWatch, settle
from crawler.xhr import DataRecorder

log = logging.getLogger(__name__)

_SCRIPT_OR_STYLE = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_HAS_SCRIPT = re.compile(r"<script\b", re.I)
_SPA_ROOT = re.compile(
    r"""<(div|main|section|ul|table|tbody)\b[^>]*\bid\s*=\s*["']?(app|root|__next|__nuxt|q-app|main-app|view|content|goods"""
    r"""|detail|product|items|list|grid|page|container)["']?[^>]*>\s*</\1>"""
    r"""|<app-root\b|\bng-app\b|\bng-version\b|\bdata-reactroot\b|\bv-cloak\b""",
    re.I,
)
_NOSCRIPT = re.compile(r"<noscript\b[^>]*>(.*?)</noscript>", re.I | re.S)
_NOSCRIPT_WARN = re.compile(r"javascript|启用|开启|打开|浏览器|脚本|enable", re.I)
_HASH_LINK = re.compile(r"""href\s*=\s*["']#[!/]""", re.I)
_HISTORY = re.compile(r"pushState|replaceState|createWebHistory|createRouter|BrowserRouter|vue-router|react-router")
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.I | re.S)
_MUTATES = re.compile(r"innerHTML|insertAdjacentHTML|document\.write|appendChild|textContent\s*=|innerText\s*="
                      r"|\.append\(|\.html\(|\.text\(")
_LOADS = re.compile(r"\bfetch\(|XMLHttpRequest|\$\.(ajax|get|getJSON|post)\(|axios")
_CJK = re.compile(r"[\u3400-\u9fff]|\\u[34-9][0-9a-fA-F]{3}")
# data in the page for its script to show (<script type="application/json" id="goods">{"title": "香奈儿…"}); not
# JSON-LD, which describes what the page already shows
_INLINE_DATA = re.compile(r"<script\b[^>]*\btype\s*=\s*[\"']?(?:application/json|text/json|text/template|text/x-template)"
                          r"[\"']?[^>]*>(.*?)</script>", re.I | re.S)
_APP_BUNDLE = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["'][^"']*(app|main|bundle|chunk|index|vendor)[.\-\w]*\.js""",
                         re.I)

LITTLE_TEXT = 150  # visible characters below which a page with scripts is rendered


def visible_text_length(html: str) -> int:
    body = _SCRIPT_OR_STYLE.sub(" ", html)
    return len(_WS.sub("", _TAG.sub(" ", body)))


def needs_render(html: str) -> str:
    """Why this HTML needs a browser to be read as a visitor sees it ('' when it does not)."""
    if not _HAS_SCRIPT.search(html):
        return ""
    if visible_text_length(html) < LITTLE_TEXT:
        return "little visible text but scripts"
    if _SPA_ROOT.search(html):
        return "single-page-app root element"
    for m in _NOSCRIPT.finditer(html):
        if _NOSCRIPT_WARN.search(m.group(1)):
            return "noscript warning"
    if _HASH_LINK.search(html):
        return "hash routing"
    inline = " ".join(m.group(1) for m in _INLINE_SCRIPT.finditer(html))
    if _HISTORY.search(inline):
        return "history routing"
    if _LOADS.search(inline):
        return "script loads content"
    if _MUTATES.search(inline) and _CJK.search(inline):
        return "script inserts text"
    if any(_CJK.search(m.group(1)) for m in _INLINE_DATA.finditer(html)):
        return "script shows data held in the page"
    if _APP_BUNDLE.search(html):
        return "application bundle"
    return ""


# Runs before any page script: records window.open instead of opening windows.
INIT_SCRIPT = r"""
(() => {
  const ev = (window.__swEvents = window.__swEvents || []);
  const origOpen = window.open;
  window.open = function (url, name, features) {
    // storewatch never clicks or types, so nothing a page does while rendered is user-initiated
    try {
      if (ev.length < 200) ev.push({kind: "window_open", detail: String(url || ""), user_initiated: false});
      else ev[ev.length - 1].count = (ev[ev.length - 1].count || 1) + 1;
    } catch (e) {}
    return null;
  };
})();
"""

# Marks hidden elements and element boxes on the live DOM, for extraction only (the evidence DOM
# is serialised before this runs).
ANNOTATE_SCRIPT = r"""
() => {
  const W = Math.max(document.documentElement.scrollWidth, window.innerWidth);
  const H = Math.max(document.documentElement.scrollHeight, window.innerHeight);
  const hidden = (el) => {
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden" || s.visibility === "collapse") return true;
    if (parseFloat(s.opacity) === 0) return true;
    const fs = parseFloat(s.fontSize);
    if (!isNaN(fs) && fs < 2 && (el.textContent || "").trim()) return true;
    const r = el.getBoundingClientRect();
    const x = r.left + window.scrollX, y = r.top + window.scrollY;
    if (r.width > 0 && r.height > 0 && (x + r.width <= 0 || y + r.height <= 0 || x >= W + 2000 || y >= H + 2000)) return true;
    if ((s.overflow === "hidden" || s.position === "absolute") && (r.width <= 1 || r.height <= 1) && (el.textContent || "").trim()) return true;
    if (s.color && s.color === s.backgroundColor && s.color !== "rgba(0, 0, 0, 0)" && (el.textContent || "").trim()) return true;
    return false;
  };
  const walk = (el) => {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD"].includes(el.tagName)) return;
    if (hidden(el)) { el.setAttribute("data-sw-hidden", "1"); return; }
    if (el.tagName === "IMG" || el.tagName === "IFRAME") {
      const r = el.getBoundingClientRect();
      el.setAttribute("data-sw-w", String(Math.round(el.naturalWidth || r.width)));
      el.setAttribute("data-sw-h", String(Math.round(el.naturalHeight || r.height)));
      el.setAttribute("data-sw-box", `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    for (const c of el.children) walk(c);
  };
  if (document.body) walk(document.body);
  return (window.__swEvents || []).slice(0, 200);
}
"""

# One screen at a time, each held for two rendered frames (lazy images and intersection observers
# start their loads then; crawler.settle waits for those loads), at most ``steps`` screens. A busy
# renderer takes longer for a frame, and a screen left before it was drawn never loads what is on
# it: the frames are awaited, not a fixed time (500 ms at most, for a page that draws no frames).
SCROLL_SCRIPT = r"""
async (steps) => {
  const frames = () => new Promise((r) => {
    requestAnimationFrame(() => requestAnimationFrame(r));
    ((window.__swSettle && window.__swSettle.later) || setTimeout)(r, 500);  // an untracked timer
  });
  for (let i = 0; i < steps; i++) {
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight) break;
    window.scrollBy(0, window.innerHeight);
    await frames();
  }
  window.scrollTo(0, 0);
}
"""

# Why scrolling the page could change what it shows ('' when nothing on it reacts to scrolling: no
# listener of scroll-like events, no intersection observer (crawler.settle's tracker counts them), no
# scroll handler attribute, nothing lazily loaded, no frame whose own scripts may watch the viewport).
# Such a page is not scrolled: the full-page screenshot draws it whole anyway, and scrolling a tall
# page made Chromium draw every screen once more (a quarter of a page's CPU).
SCROLL_WANTED = r"""
() => {
  const s = window.__swSettle;
  if (!s || !s.scrollers) return "no page-state tracker";
  if (s.scrollers()) return "scroll listeners or intersection observers";
  const d = document, b = d.body;
  if (window.onscroll || window.onwheel || d.onscroll || d.onwheel || (b && (b.onscroll || b.onwheel))) return "scroll handler";
  if (d.querySelector('[onscroll], [onwheel], [loading="lazy" i], iframe, frame, object, embed, [data-src], [data-srcset],'
                      + ' [data-original], [data-lazy], [data-lazy-src], [data-bg], .lazy, .lazyload')) return "lazy content or frames";
  return "";
}
"""

MAX_SCREENSHOT_HEIGHT = 16000


@dataclass
class RenderResult:
    dom: str = ""
    dom_annotated: str = ""
    screenshot: bytes | None = None
    pdf: bytes | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    final_url: str = ""
    cut_reason: str = ""


MAX_EVENTS = 50  # events kept per page; repeats of a kind are folded into one event with a count
_FOLDED = ("popup", "window_open")


def compact_events(events: list[dict[str, Any]], limit: int = MAX_EVENTS) -> list[dict[str, Any]]:
    """Bounded events: pop-ups and window.open calls are one event per kind (the first URL and a
    count); other events are kept once per (kind, detail) with a count, at most ``limit`` in all."""
    out: list[dict[str, Any]] = []
    index: dict[tuple[str, str], dict[str, Any]] = {}
    for ev in events:
        kind = str(ev.get("kind", ""))
        key = (kind, "") if kind in _FOLDED else (kind, str(ev.get("detail", ""))[:1000])
        seen = index.get(key)
        if seen is not None:
            seen["count"] = int(seen.get("count", 1)) + int(ev.get("count", 1) or 1)
            continue
        if len(out) >= limit:
            continue
        item = {**ev, "detail": str(ev.get("detail", ""))[:1000], "count": int(ev.get("count", 1) or 1)}
        index[key] = item
        out.append(item)
    return out


def render_gaps(result: RenderResult, *, pdf_wanted: bool, screenshot_wanted: bool = True) -> list[str]:
    """The evidence steps of one render that produced nothing (each one is an evidence gap)."""
    gaps = []
    if not result.dom:
        gaps.append("DOM not captured")
    if screenshot_wanted and not result.screenshot:
        gaps.append("screenshot not taken")
    if pdf_wanted and not result.pdf:
        gaps.append("PDF not printed")
    return gaps


class EventRecorder:
    """Listens on a Playwright page for what it does by itself (popups, dialogs, downloads), and
    counts its requests (:class:`crawler.settle.NetworkWatch`) to know when it is settled."""

    MAX_NAVIGATIONS = 20

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.network = NetworkWatch()
        self.navigations: list[str] = []  # URLs the main frame was asked to load (bounded)
        self._page: Any = None

    def detach(self, page: Any) -> None:
        """Stop listening on ``page`` (its tab is kept for another render: crawler.tabs)."""
        self.network.detach(page)
        for event, handler in (("request", self._on_request), ("popup", self._on_popup),
                               ("dialog", self._on_dialog), ("download", self._on_download)):
            page.remove_listener(event, handler)
        self._page = None

    def _add(self, event: dict[str, Any]) -> None:
        self.events = compact_events([*self.events, event])

    def attach(self, page: Any) -> None:
        self._page = page
        self.network.attach(page)
        page.on("request", self._on_request)
        page.on("popup", self._on_popup)
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)

    def _on_request(self, request: Any) -> None:
        """Note each navigation of the main frame, whether or not it is let through (the guard may
        abort an off-host one before Chromium commits anything, and the page then still shows
        the storefront: where the page sent its visitor is what counts)."""
        try:
            if not request.is_navigation_request() or len(self.navigations) >= self.MAX_NAVIGATIONS:
                return
            if self._page is not None and request.frame != self._page.main_frame:
                return
        except Exception:  # a request of a closed page
            return
        self.navigations.append(request.url)

    def left_to(self, in_scope: Any) -> str:
        """The first main-frame navigation off the storefront (``""`` if none)."""
        return next((u for u in self.navigations
                     if u.startswith(("http://", "https://")) and not in_scope(u)), "")

    async def _on_popup(self, popup: Any) -> None:
        self._add({"kind": "popup", "detail": popup.url, "user_initiated": False})
        try:
            await popup.close()
        except Exception:
            log.debug("closing popup failed", exc_info=True)

    async def _on_dialog(self, dialog: Any) -> None:
        self._add({"kind": "dialog", "detail": f"{dialog.type}: {dialog.message}"[:500], "user_initiated": False})
        try:
            await dialog.dismiss()
        except Exception:
            log.debug("dismissing dialog failed", exc_info=True)

    async def _on_download(self, download: Any) -> None:
        self._add({"kind": "download", "detail": download.url, "user_initiated": False})
        try:
            await download.cancel()
        except Exception:
            log.debug("cancelling download failed", exc_info=True)


# Python codec names (crawler.encoding) -> labels a browser knows
_BROWSER_CHARSET = {"utf-8-sig": "utf-8", "utf_8": "utf-8", "big5hkscs": "big5", "cp1252": "windows-1252",
                    "shift_jis": "shift_jis", "euc_kr": "euc-kr", "utf-16": "utf-16le"}
_DROP = {"content-length", "content-encoding", "transfer-encoding", "content-type", "connection", "keep-alive"}


def document_for_browser(cap: Any, limit: int) -> tuple[dict[str, str], bytes] | None:
    """Headers and body to serve the browser for a page the fetcher already has: the same bytes
    (bounded, decompressed within the limit) under the charset the fetcher determined, so the
    browser renders and the analysers judge what was archived."""
    if cap is None or cap.body is None or not cap.encoding:
        return None
    body = cap.body
    enc = cap.header("Content-Encoding")
    if enc and enc.lower() != "identity":
        from crawler.capture import bounded_decompress

        body, _cut = bounded_decompress(body, enc, limit)
    charset = _BROWSER_CHARSET.get(cap.encoding.lower(), cap.encoding.lower().replace("_", "-"))
    headers = {k: v for k, v in cap.headers if k.lower() not in _DROP}
    headers["Content-Type"] = f"text/html; charset={charset}"
    return headers, body[:limit]


_SCRIPTED: weakref.WeakSet[Any] = weakref.WeakSet()  # tabs with the init scripts installed


async def release_tab(page: Any, meta: dict[str, Any], timeout: float = 5.0) -> bool:
    """Make a rendered tab blank for its next render (crawler.tabs): unload its document, stop this
    render's recorders and remove its routes. False when that failed (the tab is to be closed)."""
    try:
        await asyncio.wait_for(page.goto("about:blank"), timeout)
        for key in ("sw_recorder", "sw_data"):
            recorder = meta.get(key)
            if recorder is not None:
                recorder.detach(page)
        await asyncio.wait_for(page.unroute_all(behavior="ignoreErrors"), timeout)
    except Exception as exc:
        log.debug("tab not kept: %s", exc)
        return False
    return not page.is_closed() and page.url == "about:blank"


async def init_page(page: Any, request: Any) -> None:
    """scrapy-playwright page-init callback: install the recorder before the page loads and, when
    the fetcher has the page, serve the browser those bytes (registered after scrapy-playwright's
    own route, so it is asked first; every other request falls back to it and to the gate)."""
    recorder = EventRecorder()
    recorder.attach(page)
    request.meta["sw_recorder"] = recorder
    request.meta["sw_data"] = data = DataRecorder()  # what its script loads, for the evidence
    data.attach(page)
    if page not in _SCRIPTED:  # a kept tab (crawler.tabs) has them: they run in every document it loads
        await page.add_init_script(INIT_SCRIPT + TRACKER_SCRIPT)
        _SCRIPTED.add(page)
    doc = document_for_browser(request.meta.get("sw_capture"), int(request.meta.get("sw_max_bytes") or 5 << 20))
    if doc is None:
        return
    headers, body = doc
    served = {"done": False}
    status = request.meta["sw_capture"].status or 200

    async def serve(route: Any) -> None:
        req = route.request
        if not served["done"] and req.is_navigation_request() and req.frame.parent_frame is None:
            served["done"] = True
            await route.fulfill(status=status, headers=headers, body=body)
        else:
            await route.fallback()

    target = request.url.split("#", 1)[0]
    await page.route(lambda u: u.split("#", 1)[0] == target, serve)


async def full_page_png(page: Any) -> bytes:
    """A lossless full-page PNG (at most :data:`MAX_SCREENSHOT_HEIGHT` pixels tall) once the page's
    web fonts are in. Taken over CDP with ``optimizeForSpeed``: the same pixels as Playwright's
    ``screenshot(full_page=True)``, encoded in about half the time for a quarter more bytes (the
    encoding was most of a render); Playwright's screenshot is the fallback."""
    try:
        await page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
    except Exception as exc:
        log.debug("fonts not awaited: %s", exc)
    cdp = None
    try:
        cdp = await page.context.new_cdp_session(page)
        size = (await cdp.send("Page.getLayoutMetrics"))["cssContentSize"]
        width = max(int(math.ceil(size["width"])), 1)
        height = min(max(int(math.ceil(size["height"])), 1), MAX_SCREENSHOT_HEIGHT)
        shot = await cdp.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True, "fromSurface": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        return base64.b64decode(shot["data"])
    except Exception as exc:
        log.debug("CDP screenshot failed (%s): Playwright's screenshot instead", exc)
    finally:
        if cdp is not None:
            try:
                await cdp.detach()
            except Exception:
                log.debug("CDP detach failed", exc_info=True)
    height = await page.evaluate("document.documentElement.scrollHeight") or 0
    kwargs: dict[str, Any] = {"full_page": True, "type": "png"}
    if height > MAX_SCREENSHOT_HEIGHT:
        vw = (page.viewport_size or {}).get("width", 1280)
        kwargs["clip"] = {"x": 0, "y": 0, "width": vw, "height": MAX_SCREENSHOT_HEIGHT}
    return bytes(await page.screenshot(**kwargs))


async def _bounded(coro: Any, seconds: float, what: str, result: RenderResult) -> Any:
    try:
        return await asyncio.wait_for(coro, timeout=max(seconds, 0.1))
    except TimeoutError:
        result.cut_reason = result.cut_reason or f"render time limit ({what})"
        return None
    except Exception as exc:  # a browser error on one step must not lose the rest
        log.debug("render step %s failed: %s", what, exc)
        return None


async def _settle(page: Any, recorder: EventRecorder | None, cap: float, bound: float, what: str,
                  result: RenderResult) -> None:
    """Settle the page (:func:`crawler.settle.settle`) within ``cap`` seconds for the network and
    ``bound`` in all; a network that never goes quiet is a cut. Without a recorder (no request
    counts) Playwright's ``networkidle`` is the fallback."""
    if recorder is None:
        await _bounded(page.wait_for_load_state("networkidle"), cap, what, result)
        return
    how = await _bounded(settle(page, recorder.network, cap=max(cap, 0.0)), bound, what, result)
    if how == "network":
        result.cut_reason = result.cut_reason or f"render time limit ({what})"


_FRONT: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()  # per event loop


def _front_lock() -> asyncio.Lock:
    """The lock of the browser's front tab (one page scrolls in front at a time)."""
    loop = asyncio.get_running_loop()
    lock = _FRONT.get(loop)
    if lock is None:
        lock = _FRONT[loop] = asyncio.Lock()
    return lock


async def finish_render(page: Any, *, timeout: float, screenshot: bool = True, pdf: bool = False,
                        recorder: EventRecorder | None = None) -> RenderResult:
    """Settle, scroll and capture an opened page, all within ``timeout`` seconds overall."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    result = RenderResult()

    def left(cap: float) -> float:
        return min(cap, deadline - loop.time())

    await _bounded(page.wait_for_load_state("load"), left(timeout * 0.3), "page load", result)
    await _settle(page, recorder, left(timeout * 0.4), left(timeout * 0.4 + DOM_CAP), "network idle", result)
    why = await _bounded(page.evaluate(SCROLL_WANTED), left(2.0), "scroll check", result)
    if why is None or why:  # something on the page may react to scrolling (or it could not be told)
        # an intersection observer reports nothing in a tab that is not the browser's front one (with several
        # pages in flight, or a kept tab, most are not): a page brings itself to the front for its scroll,
        # one at a time (the loads it starts go on in the background, and the settle waits for them)
        lock = _front_lock()
        if await _bounded(lock.acquire(), left(3.0), "waiting to scroll", result) is not None:
            try:
                await _bounded(page.bring_to_front(), left(2.0), "bring to front", result)
                await _bounded(page.evaluate(SCROLL_SCRIPT, 8), left(3.0), "scroll", result)
            finally:
                lock.release()
        await _settle(page, recorder, left(2.0), left(2.0 + DOM_CAP), "network idle after scroll", result)
    result.final_url = page.url
    result.dom = await _bounded(page.content(), left(5.0), "DOM", result) or ""
    events = await _bounded(page.evaluate(ANNOTATE_SCRIPT), left(5.0), "layout", result)
    result.dom_annotated = await _bounded(page.content(), left(5.0), "annotated DOM", result) or result.dom
    result.events = compact_events(list(events or []) + (recorder.events if recorder is not None else []))
    if screenshot:
        result.screenshot = await _bounded(full_page_png(page), left(10.0), "screenshot", result)
    if pdf:
        result.pdf = await _bounded(page.pdf(format="A4", print_background=True), left(15.0), "PDF", result)
    return result
