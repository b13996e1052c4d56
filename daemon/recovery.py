"""Start-up recovery of the daemon: crawls orphaned by a dead daemon are stopped, runs left
``running`` by a dead process become ``interrupted``, and their storefronts (and overdue ones) are
crawled again soon; digests leased by a dead process are retried.

In queue dispatch the runs belong to workers on other machines: a local pid says nothing about
them, so only this machine's orphans (pid files) are settled here; the workers' stalled-job retry
settles the rest (:mod:`daemon.tasks`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from shared.procs import cmdline, pid_alive, stop_tree

log = logging.getLogger("storewatch.scheduler")
GONE = "守护进程重启，抓取进程已不在 daemon restarted; crawl process gone"


def stop_orphans(run_dir: Path, term_grace: float) -> set[int]:
    """Stop the crawls a previous daemon left (by their pid files); the storefronts they crawled."""
    orphans: set[int] = set()
    for pidfile in run_dir.glob("crawl-*.pid"):
        sid = int(pidfile.stem.split("-")[1])
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pid = 0
        if pid and pid_alive(pid) and "crawler.run" in cmdline(pid):
            log.warning("stopping orphaned crawl of storefront %d (pid %d) left by a previous daemon", sid, pid)
            stop_tree(pid, term_grace)
        orphans.add(sid)
        pidfile.unlink(missing_ok=True)
    return orphans


def recover(store: Any, run_dir: Path, *, local: bool, term_grace: float, wall_limit: float, now: datetime,
            interval_of: Callable[[str | None], float]) -> set[int]:
    """Settle what a dead daemon left; the storefronts to crawl soon (last run interrupted, or overdue).
    ``interval_of(schedule)`` is a storefront's normal crawl interval in seconds."""
    from sqlalchemy import func, select

    from alerts.queue import reset_leases
    from store.lifecycle import mark_interrupted
    from store.models import CrawlRun, Storefront

    orphans = stop_orphans(run_dir, term_grace)
    too_old = now - timedelta(seconds=wall_limit + 60)
    with store.session() as s:
        dead = [r for r in s.scalars(select(CrawlRun).where(CrawlRun.status == "running"))
                if r.storefront_id in orphans or (local and r.pid and not pid_alive(r.pid))
                or (local and not r.pid and r.started_at < too_old)]
        n = mark_interrupted(s, dead, GONE)
        latest = (select(CrawlRun.storefront_id, func.max(CrawlRun.id).label("rid"))
                  .group_by(CrawlRun.storefront_id).subquery())
        last: dict[int, Any] = dict(s.execute(select(latest.c.storefront_id, CrawlRun).join(
            CrawlRun, CrawlRun.id == latest.c.rid)).all())
        shops = s.execute(select(Storefront.id, Storefront.schedule).where(Storefront.active.is_(True))).all()
    soon = set()
    for sid, schedule in shops:
        run = last.get(sid)
        due = run is not None and run.started_at + timedelta(seconds=interval_of(schedule)) < now
        if run is not None and (run.status == "interrupted" or due):
            soon.add(sid)
    if n:
        log.warning("%d crawl run(s) left running by a dead process marked interrupted", n)
    resumed = reset_leases(store)
    if resumed:
        log.info("%d queued digest(s) will be retried now", resumed)
    return soon
