"""``storewatch worker``: a crawler machine. Takes crawl jobs from the queue on the PostgreSQL store
(procrastinate) and runs each through the one runner, one child per job.

It needs to reach the store (``database_url``) and the shared evidence folder (``data_dir``'s
``evidence``, NFS in production) and the storefronts; nothing else. Every ``heartbeat`` seconds it
beats in procrastinate's worker table, writes what it runs to the store (``storewatch status``), and
puts the jobs of workers silent for ``stalled_after`` seconds back in the queue. SIGTERM/SIGINT: no
new job; a running crawl is stopped (recorded ``interrupted``) and its job goes back to the queue
for another worker; the process exits within ``--stop-grace`` plus the runner's kill margin.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

import click

from daemon.queue import QUEUE, async_app, retry_stalled
from daemon.tasks import Runtime
from errors import InputError, StoreError
from shared.clicontext import Context, pass_ctx

log = logging.getLogger("storewatch.worker")
STATE_PREFIX = "worker:"


def write_state(rt: Runtime, worker_id: int, name: str, stopping: bool = False) -> None:
    from store.models import DaemonState, utcnow

    value = {"worker_id": worker_id, "name": name, "host": rt.host, "pid": rt.pid, "started_at": rt.started_at,
             "running": rt.running(), "done": rt.done, "stopping": stopping}
    with rt.store.session() as s:
        row = s.get(DaemonState, f"{STATE_PREFIX}{worker_id}")
        if row is None:
            s.add(DaemonState(key=f"{STATE_PREFIX}{worker_id}", value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()


def forget_workers(rt: Runtime, keep: set[int] | None = None, only: int | None = None) -> int:
    """Delete the status rows of workers procrastinate no longer knows (pruned: dead), or of ``only``."""
    from sqlalchemy import delete, select, text

    from store.models import DaemonState

    with rt.store.session() as s:
        if only is not None:
            s.execute(delete(DaemonState).where(DaemonState.key == f"{STATE_PREFIX}{only}"))
            return 1
        alive = keep if keep is not None else {int(r[0]) for r in s.execute(text("SELECT id FROM procrastinate_workers"))}
        gone = [k for k in s.scalars(select(DaemonState.key).where(DaemonState.key.like(f"{STATE_PREFIX}%")))
                if not k[len(STATE_PREFIX):].isdigit() or int(k[len(STATE_PREFIX):]) not in alive]
        if gone:
            s.execute(delete(DaemonState).where(DaemonState.key.in_(gone)))
        return len(gone)


def still_registered(rt: Runtime, worker_id: int) -> bool:
    from sqlalchemy import text

    with rt.store.session() as s:
        return s.execute(text("SELECT 1 FROM procrastinate_workers WHERE id = :i"), {"i": worker_id}).first() is not None


def fence(rt: Runtime) -> None:
    """The other workers declared this one lost (its heartbeat was stale: an overloaded machine, a
    network split) and queued its jobs again: kill its crawls and exit 3 at once, touching no job,
    so a retried job never has two crawls for long (at most one heartbeat interval)."""
    from shared.procs import stop_tree

    log.error("this worker was declared lost by the others (heartbeat older than %s) and its jobs queued "
              "again: stopping its crawls and exiting", rt.settings.scheduler.worker_stalled_after)
    for job in rt.running():
        if job.get("pid"):
            stop_tree(int(job["pid"]), 1.0)
    logging.shutdown()
    os._exit(3)


async def _maintain(app: Any, rt: Runtime, worker: Any, name: str, every: float, stalled_after: float) -> None:
    """This worker's status row, and other workers' stalled jobs back in the queue."""
    while True:
        if worker.worker_id is not None:
            rt.worker_id = worker.worker_id  # procrastinate forgets it on shutdown; the status row goes then
            try:
                if not rt.stop.is_set() and not await asyncio.to_thread(still_registered, rt, worker.worker_id):
                    # (stopping: procrastinate unregisters this worker itself)
                    fence(rt)
                await asyncio.to_thread(write_state, rt, worker.worker_id, name, rt.stop.is_set())
                await retry_stalled(app, stalled_after)
                await asyncio.to_thread(forget_workers, rt)
            except Exception as exc:  # noqa: BLE001 - the store may be restarting; procrastinate's own beat goes on
                log.warning("worker maintenance failed (%s: %s); retrying in %.1fs", type(exc).__name__,
                            str(exc).splitlines()[0] if str(exc) else "", every)
        await asyncio.sleep(every)


async def serve(rt: Runtime, *, concurrency: int, name: str, stop_grace: float) -> None:
    from procrastinate.worker import Worker

    sch = rt.settings.scheduler
    every, stalled_after = float(sch.worker_heartbeat_interval), float(sch.worker_stalled_after)
    app = async_app(rt.settings.db_url)
    async with app.open_async():
        class _Worker(Worker):  # type: ignore[misc]
            def stop(self) -> None:  # also when procrastinate stops itself (its heartbeat to the store failed)
                rt.stop.set()  # the runner stops the crawl child; the task re-queues its job
                super().stop()

        worker = _Worker(app, queues=[QUEUE], name=name, concurrency=concurrency, install_signal_handlers=False,
                        update_heartbeat_interval=every, stalled_worker_timeout=stalled_after,
                        fetch_job_polling_interval=max(0.5, min(5.0, every)), shutdown_graceful_timeout=stop_grace,
                        additional_context={"runtime": rt})
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if rt.stop.is_set():
                log.warning("second %s: exiting now", signal.Signals(signum).name)
                os._exit(1)
            log.info("%s received: worker stopping (running crawl stopped and re-queued)",
                     signal.Signals(signum).name)
            worker.stop()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal, sig)
        main = asyncio.create_task(worker.run())
        side = asyncio.create_task(_maintain(app, rt, worker, name, every, stalled_after))
        try:
            await main
        finally:
            side.cancel()
            wid = rt.worker_id
            if wid is not None:
                await asyncio.to_thread(forget_workers, rt, None, wid)
    log.info("worker %s stopped after %d job(s)", name, rt.done)


def check_queue(settings: Any) -> None:
    """Exit 2 with a clear message unless the store is PostgreSQL with the queue's schema."""
    from sqlalchemy import inspect

    from store.db import open_store

    if not str(settings.db_url).startswith("postgresql"):
        raise InputError("抓取机器需要 PostgreSQL 存储 storewatch worker needs the PostgreSQL store: set database_url "
                         "(STOREWATCH_DATABASE_URL) to postgresql+psycopg://user@host/db; "
                         f"now {settings.db_url.split('://')[0]}://…")
    store = open_store(settings)
    try:
        with store.engine.connect() as conn:
            if not inspect(conn).has_table("procrastinate_jobs"):
                raise InputError("存储中没有抓取队列表 the store has no crawl queue tables (procrastinate_jobs): "
                                 "run `storewatch init` "
                                 "once with this database_url")
    finally:
        store.dispose()


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Crawls this machine runs at once (each a child process).")
@click.option("--name", default=None, help="Worker name in logs and status (default: host-pid).")
@click.option("--stop-grace", type=float, default=10.0, show_default=True,
              help="Seconds a running crawl gets to stop on SIGTERM before it is killed.")
@pass_ctx
def worker_cmd(ctx: Context, concurrency: int, name: str | None, stop_grace: float) -> None:
    """Run crawl jobs from the queue (scheduler.dispatch = "queue"; needs the PostgreSQL store)."""
    settings = ctx.settings
    from store.logsetup import setup_logging

    setup_logging(settings)
    check_queue(settings)
    rt = Runtime(settings, term_grace=min(5.0, stop_grace / 2))
    name = name or f"{rt.host}-{rt.pid}"
    log.info("storewatch worker %s starting (pid %d, evidence %s)", name, rt.pid, rt.places.evidence_root)
    from procrastinate.exceptions import ConnectorException

    try:
        asyncio.run(serve(rt, concurrency=concurrency, name=name, stop_grace=stop_grace))
    except ConnectorException as exc:  # the store went away: exit 1; a supervisor restarts the worker and
        raise StoreError(f"抓取机器与存储断开 worker lost the store: {exc}") from None  # its job is retried
    finally:
        rt.store.dispose()


COMMANDS = [worker_cmd]
