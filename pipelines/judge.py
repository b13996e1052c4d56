"""Per-page analysis in a second process while the crawl goes on.

The rule engine's per-page share (text and page rules: :func:`analyzers.engine.page_part`) is most
of a crawl's CPU, and it used to run only when the spider closed, after the last fetch, on the
crawl's one core. :class:`PageJudge` hands each judgeable page to one worker process (``spawn``:
a fresh interpreter, never a fork of the crawl's reactor and browser threads) as the page comes
out of the pipelines, so analysis runs beside the fetching; at spider close
:func:`pipelines.analyze.analyze_run` collects the parts and runs the site rules as before. The
rules are pure functions of the page, so a part computed there is the part computed here. A
worker that cannot start or breaks costs nothing but time: the pages it did not judge are judged
in the crawl process.

The workers (:data:`WORKERS`) are forked from one ``forkserver`` process that loaded the rule engine,
lexicons, model and word segmenter once (:mod:`pipelines.judge_server`; ~1.7 s of CPU that every
process judging pages used to pay, the crawl process included when it helped at the end): a worker
starts warm, and the crawl process never loads the rule engine while a worker is there.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the crawl process imports the rule engine only when it judges (at the end)
    from analyzers.engine import PagePart
    from analyzers.model import Page, RegistryRecord

log = logging.getLogger(__name__)
WORKER_MIN_PAGES = 30  # page budget from which a worker process pays for its start-up
WORKERS = 2  # analysis processes beside the crawl (measured on 2 cores: bench/README.md, crawl row)
_early: ProcessPoolExecutor | None = None  # started by start_early, taken by the crawl's PageJudge
_starting: threading.Thread | None = None  # start_early's thread, until a PageJudge has joined it


def warm() -> None:
    """Load the rules, lexicons, model and word segmenter (the fork server's start; in a worker forked
    from it, a no-op): what the first page would otherwise pay."""
    from analyzers import learned, nlp
    from analyzers.engine import analyze_text

    learned.load()
    analyze_text("预热")
    nlp.tokens("不是")  # jieba's dictionary: ~1.1 s, loaded on the first clause with a negation character


def _part(page: Page, registry: RegistryRecord | None, storefront_id: int | None) -> PagePart:
    from analyzers.engine import page_part

    return page_part(page, registry, storefront_id=storefront_id)


def _context() -> multiprocessing.context.BaseContext:
    """``forkserver`` with the engine preloaded (workers forked warm; never a fork of the crawl's
    reactor and browser threads); ``spawn`` where there is no fork server."""
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(["pipelines.judge_server"])
    return ctx


def _new_pool() -> ProcessPoolExecutor | None:
    try:
        return ProcessPoolExecutor(WORKERS, mp_context=_context(), initializer=warm)
    except (OSError, ValueError) as exc:
        log.warning("analysis worker unavailable, pages are judged at the end: %s", exc)
        return None


def _start() -> None:
    global _early
    if (pool := _new_pool()) is None:
        return
    try:
        pool.submit(int)  # the pool starts its processes with its first task (and waits for the fork server)
    except Exception as exc:  # noqa: BLE001 - no worker: a PageJudge makes its own or judges at the end
        log.warning("analysis worker did not start: %s", exc)
        pool.shutdown(wait=False)
        return
    _early = pool


def start_early() -> None:
    """Start the workers now (the crawl child's first step, :mod:`crawler.run`), from a thread: the fork
    server loads the engine on the other core while the crawl imports Scrapy, and the crawl does not
    wait for it (the first fork answers only once the server has loaded everything, ~2 s)."""
    global _starting
    if _early is None and _starting is None:
        _starting = threading.Thread(target=_start, name="analysis-workers", daemon=True)
        _starting.start()


class PageJudge:
    """The analysis workers of one crawl; ``submit`` pages, ``parts`` for the ones they finished. Pages
    submitted while the early workers are still starting wait here (the crawl goes on meanwhile)."""

    def __init__(self, registry: RegistryRecord | None, storefront_id: int | None) -> None:
        self.registry = registry
        self.storefront_id = storefront_id
        self.futures: dict[int, Future[PagePart]] = {}  # id(page) -> its part
        self.waiting: list[Page] = []  # submitted before the pool was ready
        self.pool: ProcessPoolExecutor | None = None
        self.ready = False
        self._take(wait=False)

    def _take(self, wait: bool) -> bool:
        """Take the pool once it is there (the early one, else a new one); False while it is starting."""
        global _early, _starting
        if self.ready:
            return True
        if _starting is not None:
            if _starting.is_alive() and not wait:
                return False
            _starting.join()
            _starting = None
        self.pool, _early = _early or _new_pool(), None
        self.ready = True
        waiting, self.waiting = self.waiting, []
        for page in waiting:
            self.submit(page)
        return True

    def submit(self, page: Page) -> None:
        if not self._take(wait=False):
            self.waiting.append(page)
            return
        if self.pool is None or id(page) in self.futures:
            return
        try:
            self.futures[id(page)] = self.pool.submit(_part, page, self.registry, self.storefront_id)
        except Exception as exc:  # a broken pool: the rest is judged at the end
            log.warning("analysis worker gone: %s", exc)
            self.pool = None

    def parts(self, pages: list[Page]) -> dict[int, PagePart]:
        """Parts by index in ``pages`` (waits for the workers); pages they failed on are left out (the
        caller judges those itself: a part is the same wherever it is computed, the rules are pure).

        The crawl process does not judge the rest beside the workers: :data:`WORKERS` processes already
        fill the cores, and it would first have to load the model and the segmenter (~1.2 s of CPU)."""
        self._take(wait=True)
        if self.futures:  # the site rules run here next: their engine loads while the workers finish
            import analyzers.engine  # noqa: F401
        out: dict[int, PagePart] = {}
        for i, page in enumerate(pages):
            fut = self.futures.get(id(page))
            if fut is None:
                continue
            try:
                out[i] = fut.result()
            except Exception as exc:
                log.warning("analysis worker failed on %s (judged here instead): %s", page.url, exc)
        self.close()  # every part is in: the worker exits while the site rules run
        return out

    def close(self) -> None:
        """Let the workers go (they exit by themselves once their queue is empty; the crawl does not wait)."""
        self._take(wait=True)  # a pool still starting is taken, to be let go too
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
