"""Crawls the daemon runs itself (``scheduler.dispatch = "local"``): one child per crawl through the
one runner, a pid file per crawl (start-up recovery finds orphans by them), the children for the
heartbeat and for the last cut at shutdown."""

from __future__ import annotations

import logging
import subprocess
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob, Places
from crawler.runner import CrawlOutcome, run_crawl
from shared.procs import pid_alive, stop_tree

log = logging.getLogger("storewatch.scheduler")


class LocalCrawls:
    def __init__(self, run_dir: Path, places: Places, *, wall_limit: float, term_grace: float,
                 stop: threading.Event) -> None:
        self.run_dir, self.places, self.wall_limit, self.term_grace, self.stop = (run_dir, places, wall_limit,
                                                                                   term_grace, stop)
        self.children: dict[int, tuple[subprocess.Popen[bytes], datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def busy_elsewhere(store: Any, sid: int) -> int | None:
        """The pid of another live process on this host crawling storefront ``sid`` (``storewatch crawl``)."""
        from sqlalchemy import select

        from store.models import CrawlRun

        with store.session() as s:
            pids = [r.pid for r in s.scalars(select(CrawlRun).where(CrawlRun.storefront_id == sid,
                                                                    CrawlRun.status == "running"))]
        return next((p for p in pids if pid_alive(p)), None)

    def run(self, job: CrawlJob, trigger: str) -> CrawlOutcome:
        from store.models import utcnow

        sid = int(job.storefront_id or 0)
        pidfile = self.run_dir / f"crawl-{sid}.pid"

        def started(proc: subprocess.Popen[bytes]) -> None:
            now = utcnow()
            pidfile.write_text(f"{proc.pid} {now.isoformat()}\n")
            with self._lock:
                self.children[sid] = (proc, now)
            log.info("%s crawl of storefront %d started (pid %d)", trigger, sid, proc.pid)

        try:
            return run_crawl(job, self.places, limit=self.wall_limit, stop=self.stop, term_grace=self.term_grace,
                             on_start=started)
        finally:
            with self._lock:
                self.children.pop(sid, None)
            pidfile.unlink(missing_ok=True)

    def running(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"storefront_id": sid, "pid": p.pid, "since": t.isoformat()}
                    for sid, (p, t) in self.children.items()]

    def cut(self) -> None:
        """Shutdown past its grace: kill what still runs, without waiting."""
        with self._lock:
            kids = [p for p, _ in self.children.values()]
        for proc in kids:
            stop_tree(proc, 0.5)
