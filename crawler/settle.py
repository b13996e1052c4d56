"""Waiting for what a rendered page needs, and no longer.

Playwright's ``networkidle`` waits for 500 ms without any connection, however little the page
loads; twice per page (after load and after scrolling) that fixed floor was most of a render. Here
a page is settled when

* no request of the page is in flight and none started or ended for :data:`QUIET` seconds
  (counted by :class:`NetworkWatch` from Playwright's request events, so stylesheets, fonts and
  images still load: they are evidence), and then
* the page has no short timer pending (``setTimeout`` of at most :data:`SHORT_TIMER_MS`, the way
  pages insert content "a moment after load") and its DOM did not change for :data:`QUIET`
  seconds, no ``fetch``/``XMLHttpRequest`` under way, no image it shows and no web font still
  loading (the page-side tracker in :data:`TRACKER_SCRIPT`, installed before any page script: the
  browser's request events reach a busy crawl loop late).

Each wait has a cap: the network part the caller's (a page that never goes quiet is cut, as
before), the timer and DOM part :data:`DOM_CAP` more (a ticker or an animation is not a reason to
wait longer; the page is taken as it is then).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

QUIET = 0.2  # seconds without network activity and DOM changes
SHORT_TIMER_MS = 1000  # timers up to this delay are waited for
DOM_CAP = 2.0  # seconds spent waiting for timers and DOM changes after the network is quiet
POLL = 0.05

# Runs before any page script (with crawler.render.INIT_SCRIPT): pending short timers and the time of
# the last DOM change, read by settle().
TRACKER_SCRIPT = r"""
(() => {
  if (window.__swSettle) return;
  const live = new Set();
  let loads = 0;  // fetch() and XMLHttpRequest calls under way
  const origSet = window.setTimeout, origClear = window.clearTimeout;
  const inView = (el) => { const r = el.getBoundingClientRect(); return r.bottom >= 0 && r.top <= innerHeight; };
  const images = () => Array.prototype.filter.call(document.images || [], (i) =>
    (i.currentSrc || i.src) && !i.complete && (i.loading !== "lazy" || inView(i))).length;
  const fonts = () => (document.fonts && document.fonts.status === "loading" ? 1 : 0);
  const st = (window.__swSettle = {last: performance.now(),
                                   pending: () => live.size + loads + images() + fonts(),
                                   later: (fn, ms) => origSet.call(window, fn, ms)});
  const origFetch = window.fetch;
  if (origFetch) window.fetch = function (...args) {
    loads++;
    let p;
    try { p = origFetch.apply(this, args); } catch (e) { loads--; throw e; }
    p.then(() => { loads--; }, () => { loads--; });
    return p;
  };
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    loads++;
    this.addEventListener("loadend", () => { loads--; }, {once: true});
    try { return origSend.apply(this, args); } catch (e) { loads--; throw e; }
  };
  window.setTimeout = function (fn, ms, ...rest) {
    if (typeof fn !== "function" || (Number(ms) || 0) > %d) return origSet.call(window, fn, ms, ...rest);
    const id = origSet.call(window, function () { live.delete(id); return fn.apply(this, rest); }, ms);
    live.add(id);
    return id;
  };
  window.clearTimeout = function (id) { live.delete(id); return origClear.call(window, id); };
  try {
    new MutationObserver(() => { st.last = performance.now(); })
      .observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  } catch (e) {}
  // what scrolling could set off (crawler.render scrolls the page only then): listeners of scroll-like
  // events and intersection observers, whoever registers them
  let scrollers = 0;
  const SCROLLY = new Set(["scroll", "scrollend", "wheel", "mousewheel", "touchmove"]);
  const origAdd = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (SCROLLY.has(String(type).toLowerCase())) scrollers++;
    return origAdd.call(this, type, ...rest);
  };
  const IO = window.IntersectionObserver;
  if (IO) window.IntersectionObserver = new Proxy(IO, {construct(t, args, nt) { scrollers++; return Reflect.construct(t, args, nt); }});
  st.scrollers = () => scrollers;
})();
""".replace("%d", str(SHORT_TIMER_MS))

_PAGE_STATE = "() => { const s = window.__swSettle; return s ? [s.pending(), performance.now() - s.last] : [0, 1e9]; }"


class NetworkWatch:
    """Requests of one page in flight, and when the last one started or ended (loop time)."""

    def __init__(self) -> None:
        self.inflight = 0
        self.requests = 0
        self.last = 0.0

    def _now(self) -> float:
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return 0.0

    def attach(self, page: Any) -> None:
        self.last = self._now()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def detach(self, page: Any) -> None:
        page.remove_listener("request", self._started)
        page.remove_listener("requestfinished", self._ended)
        page.remove_listener("requestfailed", self._ended)

    def _started(self, _request: Any) -> None:
        self.inflight += 1
        self.requests += 1
        self.last = self._now()

    def _ended(self, _request: Any) -> None:
        self.inflight = max(self.inflight - 1, 0)
        self.last = self._now()

    def quiet_for(self) -> float:
        """Seconds the network has been quiet (0 while a request is in flight)."""
        return 0.0 if self.inflight > 0 else self._now() - self.last


async def settle(page: Any, watch: NetworkWatch, *, cap: float, quiet: float = QUIET,
                 dom_cap: float = DOM_CAP) -> str:
    """Wait until the page is settled (module docstring). Returns ``""`` when it settled,
    ``"network"`` when the network was never quiet within ``cap`` seconds, ``"page"`` when the
    network was but timers or DOM changes went on past ``dom_cap``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + max(cap, 0.0)
    while True:
        q = watch.quiet_for()
        if q >= quiet:
            break
        wait = POLL if watch.inflight > 0 else max(quiet - q, 0.01)
        if loop.time() + wait > end:
            return "network"
        await asyncio.sleep(wait)
    dom_end = min(end + dom_cap, loop.time() + dom_cap)
    while True:
        try:
            pending, since = await page.evaluate(_PAGE_STATE)
        except Exception as exc:  # a navigation in progress: its new document is asked next time
            log.debug("page state unavailable: %s", exc)
            pending, since = 1, 0.0
        q = watch.quiet_for()
        if not pending and since / 1000.0 >= quiet and q >= quiet:
            return ""
        wait = max(min(quiet - since / 1000.0, quiet), POLL) if not pending else POLL
        if loop.time() + wait > dom_end:
            return "page"
        await asyncio.sleep(wait)
