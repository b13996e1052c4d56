"""The daemon (``storewatch run``): the APScheduler job table for crawls, index sync, alerts, digests,
retention; its parts live in ``daemon/`` (recovery, heartbeat, local crawls, run recording, the queue).

* Jobs live in the store's database (table ``apscheduler_jobs``), so schedules survive restarts;
  jobs that exist with the same trigger are kept (their next run time too), not replaced. The job
  functions get the daemon from its executors (keyword ``daemon``), not from a module global.
* A crawl is one :class:`crawler.job.CrawlJob`. ``scheduler.dispatch = "local"``: one child through
  :func:`crawler.runner.run_crawl`, at most ``scheduler.max_concurrent_crawls`` at once, killed after
  ``scheduler.crawl_wall_limit`` and recorded as ``failed`` (:mod:`daemon.local`). ``"queue"``: the job
  is deferred to ``storewatch worker`` machines (:mod:`daemon.queue`, docs/scale.md).
* Start-up recovery (:mod:`daemon.recovery`): crawls orphaned by a dead daemon are stopped, runs left
  ``running`` by a dead process become ``interrupted``, and their storefronts (and overdue ones) are
  crawled again soon.
* SIGTERM/SIGINT: no new jobs; running crawls get SIGTERM, then SIGKILL, and are recorded as
  ``interrupted``; the process exits within :attr:`Daemon.stop_grace` seconds plus a margin.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from config import parse_duration
from crawler.job import Places
from crawler.options import options_from_settings
from daemon.heartbeat import beat, set_state
from daemon.local import LocalCrawls
from daemon.runs import has_cases, link_rechecks
from daemon.services import IndexSync, bound_executor, install_stop_signals

log = logging.getLogger("storewatch.scheduler")
HOT_SEVERITIES = ("high", "critical")


# --- job functions: module-level so the SQLAlchemy job store can reference them by name. The daemon
# that runs them is not a global: its executors hand it over as the keyword ``daemon``
# (daemon.services.bound_executor).

def crawl_job(storefront_id: int, *, daemon: Daemon | None = None) -> None:
    _given(daemon).crawl(storefront_id)


def recheck_job(*, daemon: Daemon | None = None) -> None:
    _given(daemon).rechecks()


def recheck_crawl_job(storefront_id: int, *, daemon: Daemon | None = None) -> None:
    _given(daemon).recheck_crawl(storefront_id)


def index_sync_job(*, daemon: Daemon | None = None) -> None:
    _given(daemon).index_sync()


def alerts_job(*, daemon: Daemon | None = None) -> None:
    _given(daemon).alerts()


def digest_job(kind: str, *, daemon: Daemon | None = None) -> None:
    _given(daemon).digest(kind)


def retention_job(*, daemon: Daemon | None = None) -> None:
    _given(daemon).retention()


def heartbeat_job(*, daemon: Daemon | None = None) -> None:
    _given(daemon).heartbeat()


def timestamps_job(*, daemon: Daemon | None = None) -> None:
    """Retry RFC 3161 tokens a TSA did not give (``pipelines.timestamps``)."""
    from pipelines.timestamps import stamp_pending

    done, still = stamp_pending(_given(daemon).settings)
    if done or still:
        log.info("timestamps: %d run(s) stamped, %d still pending", done, still)


def _given(daemon: Daemon | None) -> Daemon:
    if daemon is None:
        raise RuntimeError("a storewatch daemon job runs on the daemon's executors only (no daemon given)")
    return daemon


@dataclass(frozen=True)
class Overrides:
    """Command-line overrides for demos and tests (seconds)."""

    crawl_every: float | None = None
    digest_every: float | None = None
    sync_every: float | None = None
    retry_every: float | None = None


class Daemon:
    """The scheduler and its jobs."""

    def __init__(self, settings: Any, *, overrides: Overrides = Overrides(), config_file: Path | None = None,
                 stop_grace: float = 10.0, term_grace: float = 5.0) -> None:
        from store.db import open_store

        self.settings = settings
        self.overrides = overrides
        self.config_file = config_file
        self.stop_grace = stop_grace
        self.term_grace = term_grace
        self.store = open_store(settings, create=True)
        self.data_dir = settings.data_dir.resolve()
        self.run_dir = self.data_dir / "run"
        self.log_dir = self.data_dir / "logs"
        for d in (self.run_dir, self.log_dir, settings.outbox_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.places = Places.from_settings(settings)
        self.options = options_from_settings(settings)
        sch = settings.scheduler
        self.wall_limit = float(sch.crawl_wall_limit)
        self.tz = ZoneInfo(settings.timezone)
        self.stopping = threading.Event()
        self.local = LocalCrawls(self.run_dir, self.places, wall_limit=self.wall_limit, term_grace=term_grace,
                                 stop=self.stopping)
        self._lock = threading.Lock()
        self._active = 0
        self._soon: set[int] = set()
        self._crawling: set[int] = set()  # storefronts with a crawl child of this daemon right now
        self._recheck_queued: set[int] = set()  # storefronts with a re-check crawl queued or running
        self.web_url: str | None = None  # where `run` serves the UI (shown by `storewatch status`)
        self.on_stop: list[Any] = []  # callables run on shutdown before the store closes (the web UI)
        self._sync_lock = threading.Lock()
        self.started_at = datetime.now(self.tz)
        self.scheduler: Any = None
        self._index_sync = IndexSync(settings, self.store)
        self.dispatch = sch.dispatch  # local: crawl here; queue: defer to `storewatch worker` machines
        self._queue: Any = None  # the procrastinate app (queue mode), opened at the first defer

    # --- building the scheduler -------------------------------------------------------------------

    @property
    def children(self) -> dict[int, tuple[subprocess.Popen[bytes], datetime]]:
        return self.local.children

    def _build(self) -> Any:
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        sch = self.settings.scheduler
        return BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.store.engine, tablename="apscheduler_jobs")},
            executors={"default": bound_executor(self, 4),
                       "crawls": bound_executor(self, sch.max_concurrent_crawls)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(float(sch.misfire_grace))},
            timezone=self.tz)

    def crawl_interval(self, schedule: str | None, hot: bool) -> float:
        if self.overrides.crawl_every:
            return self.overrides.crawl_every
        sch = self.settings.scheduler
        base = float(sch.crawl_interval)
        if schedule:
            try:
                base = parse_duration(schedule)
            except ValueError:
                log.warning("storefront schedule %r is not a duration; using %s", schedule, sch.crawl_interval)
        return min(base, float(sch.hot_crawl_interval)) if hot else base

    def _jitter(self, interval: float) -> int:
        return int(min(float(self.settings.scheduler.jitter), interval / 10))

    def _desired_crawls(self) -> dict[int, float]:
        from sqlalchemy import select

        from store.models import OPEN_STATUSES, Finding, Storefront

        with self.store.session() as s:
            shops = s.execute(select(Storefront.id, Storefront.schedule).where(Storefront.active.is_(True))).all()
            hot = set(s.scalars(select(Finding.storefront_id).where(
                Finding.status.in_(OPEN_STATUSES), Finding.severity.in_(HOT_SEVERITIES)).distinct()))
        return {sid: self.crawl_interval(sched, sid in hot) for sid, sched in shops}

    def sync_jobs(self) -> None:
        """Make the crawl jobs match the active storefronts and their intervals (cheap; run often)."""

        with self._sync_lock:
            self._sync_jobs()

    def _sync_jobs(self) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        desired = self._desired_crawls()
        now = datetime.now(self.tz)
        existing = {j.id: j for j in self.scheduler.get_jobs() if j.id.startswith("crawl-")}
        with self._lock:
            soon = sorted(self._soon)
            self._soon.clear()
        for sid, interval in desired.items():
            job_id = f"crawl-{sid}"
            trigger = IntervalTrigger(seconds=interval, jitter=self._jitter(interval) or None, timezone=self.tz)
            job = existing.pop(job_id, None)
            if job is None:
                offset = (zlib.crc32(str(sid).encode()) % 1000) / 1000 * interval  # spread across the interval
                self.scheduler.add_job(crawl_job, trigger, args=[sid], id=job_id, name=f"crawl storefront {sid}",
                                       executor="crawls", replace_existing=True,
                                       next_run_time=now + timedelta(seconds=offset))
            elif job.trigger.interval.total_seconds() != interval:
                job.reschedule(trigger)
                log.info("storefront %d now crawled every %.0fs", sid, interval)
            if sid in soon:
                self.scheduler.modify_job(job_id, next_run_time=now + timedelta(seconds=1 + 2 * soon.index(sid)))
                log.info("storefront %d: crawl rescheduled soon (interrupted or overdue)", sid)
        for job_id in existing:
            self.scheduler.remove_job(job_id)
            log.info("job %s removed (storefront inactive or gone)", job_id)

    def _static_jobs(self) -> None:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        sch, dg, ov = self.settings.scheduler, self.settings.digest, self.overrides
        sync = ov.sync_every or float(sch.index_sync_interval)
        hour, minute = (int(x) for x in dg.daily_at.split(":"))
        daily = (IntervalTrigger(seconds=ov.digest_every, timezone=self.tz) if ov.digest_every
                 else CronTrigger(hour=hour, minute=minute, timezone=self.tz))
        jobs = [
            ("heartbeat", heartbeat_job, [], IntervalTrigger(seconds=float(sch.heartbeat_interval),
                                                               timezone=self.tz)),
            ("index-sync", index_sync_job, [], IntervalTrigger(seconds=sync, timezone=self.tz)),
            ("alerts", alerts_job, [], IntervalTrigger(seconds=sync, timezone=self.tz)),
            ("digest-daily", digest_job, ["daily"], daily),
            ("digest-weekly", digest_job, ["weekly"], CronTrigger(day_of_week=dg.weekly_day, hour=hour,
                                                                  minute=minute, timezone=self.tz)),
            ("retention", retention_job, [], CronTrigger(hour=3, minute=17, timezone=self.tz)),
            ("rechecks", recheck_job, [], IntervalTrigger(seconds=min(60.0, sync), timezone=self.tz)),
        ]
        if getattr(self.settings.evidence, "tsa_url", None):
            jobs.append(("timestamps", timestamps_job, [], IntervalTrigger(seconds=max(60.0, sync), timezone=self.tz)))
        for job_id, func, args, trigger in jobs:
            job = self.scheduler.get_job(job_id)
            if job is not None and str(job.trigger) == str(trigger):
                continue  # keep its next run time: a missed 08:00 digest still fires within the grace
            self.scheduler.add_job(func, trigger, args=args, id=job_id, name=job_id, replace_existing=True)

    # --- recovery ---------------------------------------------------------------------------------

    def recover(self) -> list[int]:
        """Stop orphaned crawls, mark dead runs interrupted, queue their storefronts and overdue ones."""
        from daemon.recovery import recover

        soon = recover(self.store, self.run_dir, local=self.dispatch == "local", term_grace=self.term_grace,
                       wall_limit=self.wall_limit, now=datetime.now(self.tz),
                       interval_of=lambda schedule: self.crawl_interval(schedule, False))
        with self._lock:
            self._soon |= soon
            return sorted(self._soon)

    # --- jobs -------------------------------------------------------------------------------------

    def _enter(self) -> bool:
        with self._lock:
            if self.stopping.is_set():
                return False
            self._active += 1
            return True

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1

    def crawl(self, sid: int, trigger: str = "schedule") -> bool:
        """One crawl of storefront ``sid`` as a child process; False when it did not start
        (stopping, or this daemon is crawling the storefront already)."""
        if not self._enter():
            return False
        with self._lock:
            if sid in self._crawling:
                log.info("storefront %d is being crawled already: %s crawl skipped", sid, trigger)
                self._active -= 1
                return False
            self._crawling.add(sid)
        try:
            return self._crawl(sid, trigger)
        finally:
            with self._lock:
                self._crawling.discard(sid)
            self._leave()

    def _crawl(self, sid: int, trigger: str) -> bool:
        from daemon.runs import after_crawl, storefront_job

        job = storefront_job(self.store, sid, self.options, trigger)
        if job is None:
            log.info("storefront %d inactive or gone: no crawl", sid)
            return False
        if self.dispatch == "queue":
            return self._enqueue(job)
        busy = self.local.busy_elsewhere(self.store, sid)
        if busy:
            log.warning("storefront %d is being crawled by another process (pid %s): skipped", sid, busy)
            return False
        outcome = self.local.run(job, trigger)
        after_crawl(self.settings, self.store, outcome)
        if outcome.status == "interrupted":
            with self._lock:
                self._soon.add(sid)
        if self.scheduler is not None and not self.stopping.is_set():
            try:
                self.sync_jobs()  # hot storefronts get the shorter interval
            except Exception:  # noqa: BLE001 - a scheduling hiccup must not lose the crawl's record
                log.exception("could not update the crawl schedule after storefront %d", sid)
        return True

    def _enqueue(self, job: Any) -> bool:
        """Queue mode: hand the job to the workers (queueing lock per storefront, lock per host)."""
        from daemon.queue import defer_crawl, sync_app

        with self._lock:
            if self._queue is None:
                self._queue = sync_app(self.settings.db_url)
                self._queue.open()
            app = self._queue
        return defer_crawl(app, job) is not None

    def recheck_due(self) -> list[int]:
        """Storefronts whose cases wait for a re-check crawl now (web/recheck.py)."""
        if not has_cases(self.store):
            return []
        from web.recheck import storefronts_to_crawl

        with self._lock:
            busy = frozenset(self._crawling | self._recheck_queued)
        return storefronts_to_crawl(self.store, retry_after=min(3600.0, self.crawl_interval(None, True)),
                                    busy=busy)

    def rechecks(self) -> None:
        """Every minute: link finished re-checks; queue a ``--trigger recheck`` crawl for each storefront
        whose case's ``recheck_at`` has passed (on the crawl executor, under the concurrency cap)."""
        if self.stopping.is_set() or self.scheduler is None:
            return
        for sid in self.recheck_due():
            job_id = f"recheck-crawl-{sid}"
            if self.scheduler.get_job(job_id) is None:
                with self._lock:
                    self._recheck_queued.add(sid)
                self.scheduler.add_job(recheck_crawl_job, "date", args=[sid], id=job_id, executor="crawls",
                                       name=f"re-check crawl of storefront {sid}", run_date=datetime.now(self.tz),
                                       misfire_grace_time=None)
                log.info("case re-check due: storefront %d will be crawled now", sid)

    def recheck_crawl(self, sid: int) -> None:
        try:
            self.crawl(sid, trigger="recheck")
        finally:
            with self._lock:
                self._recheck_queued.discard(sid)

    def index_sync(self) -> None:
        """Drain the outbox into the search index."""
        self._index_sync()

    def alerts(self) -> None:
        from alerts.queue import RETRY_BASE, deliver_pending, queue_alert

        if self._enter():
            try:
                queue_alert(self.store, self.settings)
                deliver_pending(self.store, self.settings, retry_base=self.overrides.retry_every or RETRY_BASE)
            finally:
                self._leave()

    def digest(self, kind: str) -> None:
        from alerts.queue import queue_daily, queue_weekly

        if self._enter():
            try:
                queued = queue_weekly(self.store, self.settings) if kind == "weekly" else \
                    queue_daily(self.store, self.settings)
                if queued is not None:
                    self.set_state("last_digest_queued", {"id": queued, "kind": kind})
                self.alerts()
            finally:
                self._leave()

    def retention(self) -> None:
        from store.retention import apply_retention

        apply_retention(self.store, self.settings)

    def set_state(self, key: str, value: dict[str, Any]) -> None:
        set_state(self.store, key, value)

    def heartbeat(self) -> None:
        beat(self.store, started_at=self.started_at.isoformat(), running=self.local.running(),
             stopping=self.stopping.is_set(), web=self.web_url, dispatch=self.dispatch)
        if self.scheduler is not None and not self.stopping.is_set():
            self.sync_jobs()

    # --- running ----------------------------------------------------------------------------------

    def run(self, *, once: bool = False, crawl_now: bool = False) -> int:
        install_stop_signals(self.stopping, self.stop_grace)
        log.info("storewatch daemon starting (pid %d, data %s)", os.getpid(), self.data_dir)
        from alerts.queue import delivery_notice

        if (notice := delivery_notice(self.settings)) is not None:
            log.warning("%s", notice)
        self.recover()
        if crawl_now:
            self._soon |= set(self._desired_crawls())
        if once:
            return self.run_once()
        self.scheduler = self._build()
        self.scheduler.start(paused=True)
        self._static_jobs()
        self.sync_jobs()
        self.scheduler.modify_job("rechecks", next_run_time=datetime.now(self.tz))  # overdue re-checks at once
        self.scheduler.resume()
        self.heartbeat()
        log.info("daemon running: %d job(s)", len(self.scheduler.get_jobs()))
        while not self.stopping.wait(0.5):
            pass
        return self.shutdown()

    def run_once(self) -> int:
        """Every job once, in order, then exit (cron-style use and tests)."""
        from concurrent.futures import ThreadPoolExecutor

        ids = sorted(self._desired_crawls())
        with ThreadPoolExecutor(self.settings.scheduler.max_concurrent_crawls) as pool:
            list(pool.map(self.crawl, ids))
        link_rechecks(self.store)
        with ThreadPoolExecutor(self.settings.scheduler.max_concurrent_crawls) as pool:
            list(pool.map(lambda sid: self.crawl(sid, trigger="recheck"), self.recheck_due()))
        self.index_sync()
        self.alerts()  # critical findings first, then the daily digest
        self.digest("daily")
        self._soon.clear()
        self.heartbeat()
        return 0

    def shutdown(self) -> int:
        self.stopping.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + self.stop_grace  # the UI stops inside the same bound
        for stop in self.on_stop:
            try:
                stop()
            except Exception:  # noqa: BLE001 - the rest of the shutdown must happen
                log.exception("error while stopping %s", stop)
        while time.monotonic() < deadline:
            with self._lock:
                if self._active == 0:
                    break
            time.sleep(0.1)
        with self._lock:
            left = self._active
        self.local.cut()  # still here after the grace: cut without waiting
        try:
            self.heartbeat()
        except Exception:  # noqa: BLE001 - best effort on the way out
            log.debug("last heartbeat failed", exc_info=True)
        log.info("daemon stopped%s", f" ({left} job(s) still running were abandoned)" if left else "")
        logging.shutdown()
        if left:
            os._exit(0)  # worker threads (e.g. a slow SMTP send) must not hold the exit past the bound
        self._index_sync.close()
        if self._queue is not None:
            self._queue.close()
        self.store.dispose()
        return 0
