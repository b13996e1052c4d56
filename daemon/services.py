"""Parts of the daemon's job table: the executors that hand each job its daemon, index sync from the
outbox, and the signal handling that turns SIGTERM/SIGINT into a bounded stop."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

log = logging.getLogger("storewatch.scheduler")


class IndexSync:
    """Drains the outbox into the search index; a backend that fails is reopened at the next run."""

    def __init__(self, settings: Any, store: Any) -> None:
        self.settings, self.store = settings, store
        self.backend: Any = None

    def __call__(self) -> None:
        from errors import SearchBackendError
        from index.search import open_backend
        from index.sync import sync

        if self.backend is None:
            self.backend = open_backend(self.settings)
        try:
            sync(self.store, self.backend)
        except SearchBackendError as exc:  # the outbox keeps the changes; the next run resumes
            log.warning("index sync: search backend unavailable: %s", exc)
            self.close()

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None


def install_stop_signals(stopping: threading.Event, stop_grace: float) -> None:
    """SIGTERM/SIGINT set ``stopping``; a second one exits at once (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, _frame: Any) -> None:
        if stopping.is_set():
            log.warning("second %s: exiting now", signal.Signals(signum).name)
            os._exit(1)
        log.info("%s received: stopping (within %.0fs)", signal.Signals(signum).name, stop_grace)
        stopping.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


class _Bound:
    """An APScheduler job seen through a proxy that adds ``daemon=`` to its keyword arguments."""

    def __init__(self, job: Any, daemon: Any) -> None:
        self._job, self.kwargs = job, {**job.kwargs, "daemon": daemon}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)

    def __str__(self) -> str:
        return str(self._job)


def bound_executor(daemon: Any, max_workers: int) -> Any:
    """A thread-pool executor that runs each job with ``daemon=`` (no module global behind the jobs)."""
    from apscheduler.executors.pool import ThreadPoolExecutor

    class BoundExecutor(ThreadPoolExecutor):  # type: ignore[misc]
        def _do_submit_job(self, job: Any, run_times: Any) -> None:
            super()._do_submit_job(_Bound(job, daemon), run_times)

    return BoundExecutor(max_workers)
