"""The crawl task a queue worker runs: one :class:`crawler.job.CrawlJob` through the one runner.

The task gets its machine's places (evidence root, store URL) from the :class:`Runtime` the worker
hands procrastinate as context; the job itself carries names only. The crawl child dies with the
worker (``die_with_parent``), so a SIGKILLed worker leaves no crawl behind: when its job is retried
(stalled-job handling, :func:`daemon.queue.retry_stalled`) the new attempt first records the lost
attempt's run ``interrupted``, then crawls again under the same host lock. Findings have stable ids,
so the second attempt updates them; it never duplicates them or their alerts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawler.job import CrawlJob, Places
from crawler.runner import run_crawl
from daemon.runs import after_crawl, attempt_job, settle_lost_attempts

log = logging.getLogger("storewatch.worker")
MAX_ATTEMPTS = 4  # a storefront whose crawl kills its worker every time is recorded failed, not retried forever
LOST = "抓取机器失联（心跳超时），任务已重新排队 worker lost (heartbeat timeout); job retried"


STORE_DOWN = ("OperationalError", "connection failed", "server closed the connection")


class StoreUnavailable(Exception):
    """The crawl ran but could not record itself: the store was away (say, restarting). Retried."""


class CrawlInterrupted(Exception):
    """The worker is stopping: its crawl was stopped and the job goes back to the queue."""


@dataclass
class Runtime:
    """One worker process: settings, where names live here, the stop flag and what runs now."""

    settings: Any
    term_grace: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)
    places: Places = field(init=False)
    store: Any = field(init=False)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    current: dict[int, dict[str, Any]] = field(default_factory=dict)  # job id -> what it crawls
    done: int = 0
    worker_id: int | None = None  # procrastinate's id of this worker, once registered
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from store.db import Store

        self.places = Places.from_settings(self.settings)
        self.store = Store.from_settings(self.settings)

    @property
    def wall_limit(self) -> float:
        return float(self.settings.scheduler.crawl_wall_limit)

    def running(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(v, job_id=k) for k, v in self.current.items()]

    def crawl(self, job: CrawlJob, job_id: int, attempt: int) -> dict[str, Any]:
        if attempt:
            settled = settle_lost_attempts(self.places, job, attempt, LOST)
            if settled:
                log.warning("storefront %s: run(s) %s of a lost worker recorded interrupted", job.storefront_id,
                            settled)
        this = attempt_job(job, attempt)
        if attempt >= MAX_ATTEMPTS:
            from pipelines.store import settle_run

            why = f"放弃：已尝试 {attempt} 次 gave up after {attempt} attempts (each lost its worker)"
            settle_run(self.places.database_url, this, None, "failed", why, None)
            log.error("storefront %s: %s", job.storefront_id, why)
            return {"status": "failed", "attempt": attempt}
        if self.stop.is_set():
            raise CrawlInterrupted("worker stopping before the crawl started")
        with self._lock:
            self.current[job_id] = {"storefront_id": job.storefront_id, "run_id": this.run_id, "attempt": attempt,
                                    "since": datetime.now(UTC).isoformat(timespec="seconds"), "pid": None}

        def started(proc: Any) -> None:
            with self._lock:
                self.current[job_id]["pid"] = proc.pid

        try:
            outcome = run_crawl(this, self.places, limit=self.wall_limit, stop=self.stop, term_grace=self.term_grace,
                                on_start=started, die_with_parent=True)
        finally:
            with self._lock:
                self.current.pop(job_id, None)
                self.done += 1
        after_crawl(self.settings, self.store, outcome)
        if outcome.status == "failed" and any(m in outcome.error for m in STORE_DOWN):
            raise StoreUnavailable(f"crawl of storefront {job.storefront_id} could not write to the store: "
                                   f"{outcome.error[:300]}")  # procrastinate retries it (the run says failed)
        if outcome.status == "interrupted" and self.stop.is_set():
            raise CrawlInterrupted(f"crawl of storefront {job.storefront_id} stopped by the worker's shutdown")
        return {"status": outcome.status, "crawl_run_id": outcome.crawl_run_id, "attempt": attempt}


def crawl_task(context: Any, job: dict[str, Any]) -> dict[str, Any]:
    """procrastinate task ``storewatch.crawl`` (sync: it runs in a thread of the worker)."""
    runtime: Runtime = context.additional_context["runtime"]
    return runtime.crawl(CrawlJob.from_dict(job), int(context.job.id), int(context.job.attempts or 0))
