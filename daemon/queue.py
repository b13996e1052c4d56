"""The crawl queue on procrastinate (``scheduler.dispatch = "queue"``), on the PostgreSQL store.

The daemon defers one job per due storefront; ``storewatch worker`` processes on any machine take
them (:mod:`daemon.worker`). A job's arguments are a :class:`crawler.job.CrawlJob` as a dict (no
secrets, evidence by name). Two procrastinate locks make the guarantees:

* ``queueing_lock = "storefront:<id>"``: at most one job of a storefront waits in the queue (a
  second defer raises ``AlreadyEnqueued``; the daemon also skips a storefront whose job is running);
* ``lock = "host:<host[:port]>"``: jobs with one lock never run at once, so two machines never
  crawl one host at the same time.

A worker that dies stops heartbeating; after ``scheduler.worker_stalled_after`` its running job is
*stalled* and the other workers put it back in the queue (:func:`retry_stalled`). Its schema is
procrastinate's own, created by the Alembic migration ``queue_0006`` on PostgreSQL.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import make_url

from crawler.job import CrawlJob

log = logging.getLogger("storewatch.queue")
QUEUE = "crawls"
TASK = "storewatch.crawl"


def conninfo(database_url: str) -> str:
    """A libpq URL for psycopg from the store's SQLAlchemy URL (``postgresql+psycopg://…``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the crawl queue needs the PostgreSQL store (database_url = postgresql://…)")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def sync_app(database_url: str) -> Any:
    """A procrastinate app for deferring and reading (the daemon, ``status``); open it before use."""
    import procrastinate

    return procrastinate.App(connector=procrastinate.SyncPsycopgConnector(
        conninfo=conninfo(database_url), min_size=1, max_size=4))


def async_app(database_url: str) -> Any:
    """A procrastinate app for the worker, with the crawl task registered (:mod:`daemon.worker`)."""
    import procrastinate

    from daemon.tasks import crawl_task

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url), min_size=1, max_size=4))
    app.task(name=TASK, queue=QUEUE, pass_context=True,
             retry=procrastinate.RetryStrategy(max_attempts=3, wait=2))(crawl_task)
    return app


def storefront_lock(storefront_id: int | None) -> str:
    return f"storefront:{storefront_id}"


def host_lock(job: CrawlJob) -> str:
    return f"host:{job.hosts[0] if job.hosts else job.start_url}"


def running_storefronts(app: Any) -> set[int]:
    """Storefronts whose crawl job is running now (on any worker)."""
    rows = app.connector.get_sync_connector().execute_query_all(
        query="SELECT queueing_lock FROM procrastinate_jobs WHERE status = 'doing' AND queue_name = %(q)s",
        q=QUEUE)
    out = set()
    for row in rows:
        key = str(row["queueing_lock"] or "")
        if key.startswith("storefront:") and key[11:].isdigit():
            out.add(int(key[11:]))
    return out


def defer_crawl(app: Any, job: CrawlJob) -> int | None:
    """Queue ``job``; the procrastinate job id, or None when the storefront is queued or running already."""
    from procrastinate.exceptions import AlreadyEnqueued

    if job.storefront_id in running_storefronts(app):
        log.info("storefront %s: its crawl job is running on a worker; %s crawl not queued",
                 job.storefront_id, job.trigger)
        return None
    try:
        job_id = app.configure_task(TASK, queue=QUEUE, lock=host_lock(job),
                                    queueing_lock=storefront_lock(job.storefront_id)).defer(job=job.to_dict())
    except AlreadyEnqueued:
        log.info("storefront %s is queued already: %s crawl not queued again", job.storefront_id, job.trigger)
        return None
    log.info("%s crawl of storefront %s queued (job %d, %s)", job.trigger, job.storefront_id, job_id, host_lock(job))
    return int(job_id)


async def retry_stalled(app: Any, stalled_after: float) -> list[int]:
    """Put the running jobs of workers silent for ``stalled_after`` seconds back in the queue.

    A job whose storefront was queued again meanwhile is closed as failed instead (its new copy
    crawls it); the run record of the lost attempt is settled by the next attempt (:mod:`daemon.tasks`).
    """
    from procrastinate import jobs as pjobs
    from procrastinate.exceptions import ConnectorException, UniqueViolation

    manager = app.job_manager
    await manager.prune_stalled_workers(stalled_after)
    done = []
    for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_after):
        try:
            await manager.retry_job(job)
            log.warning("job %s (%s) of a lost worker put back in the queue", job.id, job.queueing_lock)
        except UniqueViolation:  # its storefront is queued again: that copy crawls it
            await manager.finish_job(job=job, status=pjobs.Status.FAILED, delete_job=False)
            log.warning("job %s (%s) of a lost worker closed: its storefront is queued again",
                        job.id, job.queueing_lock)
        except ConnectorException as exc:  # another worker put it back first
            log.info("stalled job %s: %s", job.id, exc)
            continue
        if job.id is not None:
            done.append(int(job.id))
    return done
