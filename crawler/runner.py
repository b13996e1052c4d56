"""Parent side of a crawl: the one runner the daemon, ``storewatch crawl``/``scan`` and workers use.

:func:`run_crawl` starts exactly one child (``python -m crawler.run``) in its own session, with one
wall-clock limit and one process-tree killer (:func:`shared.procs.stop_tree`). The child owns its
run record from start to finish; after it exits the parent only marks the run ``failed`` (it died,
or was killed at the limit) or ``interrupted`` (stopped by ``stop``) when the child could not
(``pipelines.store.settle_run``). The child's stderr goes to ``crawl.log`` in the run's evidence
folder: one log per run. An unfinished WARC stays as ``.part`` (never mistaken for evidence).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from crawler.job import CrawlJob, Places
from shared.procs import stop_tree

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
GRACE_SECONDS = 120.0  # analysis, PDFs and closing after the crawl time limit (default limit only)
STOPPED = "收到停止信号，抓取被中断 stopped by shutdown"


@dataclass
class CrawlOutcome:
    job: CrawlJob
    status: str  # complete | partial | unreachable | failed | interrupted
    summary: dict[str, Any] = field(default_factory=dict)
    pages: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    error: str = ""
    crawl_run_id: int | None = None  # the store's row, when the job is recorded
    pid: int | None = None


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut by a crash
    return out


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_outcome(job: CrawlJob, out_dir: Path, returncode: int | None = None, error: str = "",
                 failed_as: str = "failed") -> CrawlOutcome:
    summary = _json(out_dir / "summary.json")
    status = summary.get("status") if not error else failed_as
    run = _json(out_dir / "run.json")
    return CrawlOutcome(job=job, status=status or failed_as, summary=summary, pages=_jsonl(out_dir / "pages.jsonl"),
                        findings=_jsonl(out_dir / "findings.jsonl"), returncode=returncode, error=error,
                        crawl_run_id=run.get("crawl_run_id"))


def _tail(path: Path, n: int = 400) -> str:
    try:
        return path.read_bytes()[-n:].decode("utf-8", "replace").strip()
    except OSError:
        return ""


def run_crawl(job: CrawlJob, places: Places | None = None, *, limit: float | None = None,
              stop: threading.Event | None = None, stderr: IO[str] | None = None, term_grace: float = 5.0,
              on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
              die_with_parent: bool = False) -> CrawlOutcome:
    """Run ``job`` in one child process and return what it produced.

    ``limit``: wall-clock seconds before the tree is killed (default: the job's crawl time limit
    plus a grace for analysis). ``stop``: when set, the child gets SIGTERM (then SIGKILL after
    ``term_grace``). ``stderr``: where the child's log goes live, when it is a real file (a
    terminal); otherwise it goes to ``crawl.log`` and is relayed to ``stderr`` afterwards.
    ``on_start`` gets the child process (the daemon keeps a pid file and its heartbeat).
    ``die_with_parent``: the kernel SIGKILLs the child when this process dies (a queue worker: a
    SIGKILLed worker must leave no crawl running, or its retried job would crawl the host twice).
    """
    places = places or Places()
    if job.record and not places.database_url:
        raise ValueError("a recorded crawl job needs the store's URL in its places")
    out_dir = places.out_dir(job)
    out_dir.mkdir(parents=True, exist_ok=True)
    job_path = out_dir / "job.json"
    job.dump(job_path)
    limit = limit if limit is not None else job.options.crawl_timeout + GRACE_SECONDS
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "crawler.run", "--job", str(job_path)]
    log_path = out_dir / "crawl.log"
    live = None
    if stderr is not None:
        try:
            stderr.fileno()
            live = stderr
        except (AttributeError, OSError, ValueError):  # e.g. captured by a test runner: relay afterwards
            live = None
    log_file = None if live is not None else open(log_path, "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=live if live is not None else log_file, start_new_session=True, close_fds=True,
                            preexec_fn=_pdeathsig(os.getpid()) if die_with_parent else None)
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(places.to_dict()).encode("utf-8"))
            proc.stdin.close()
        except BrokenPipeError:
            pass
        log.info("crawl child pid %d: %s", proc.pid, job.start_url)
        if on_start is not None:
            on_start(proc)
        error, failed_as = _supervise(proc, limit, stop, term_grace)
    finally:
        if log_file is not None:
            log_file.close()
    rc = proc.returncode
    if not error and rc != 0:
        error = f"crawl process exited with code {rc}: {_tail(log_path)}"
    outcome = read_outcome(job, out_dir, rc, error, failed_as)
    outcome.pid = proc.pid
    if not error and not outcome.summary:
        outcome.status, outcome.error = "failed", "crawl process exited 0 without writing its summary"
    if job.record:
        from pipelines.store import settle_run

        outcome.status = settle_run(places.database_url, job, outcome.crawl_run_id, outcome.status,
                                    outcome.error or "crawl process exited 0 without finishing its run",
                                    proc.pid)
    if stderr is not None and live is None:
        try:
            stderr.write(log_path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            pass
    return outcome


def _pdeathsig(parent: int) -> Callable[[], None]:
    def arm() -> None:
        # in the child, before exec (Linux prctl PR_SET_PDEATHSIG). The parent's thread blocks in
        # _supervise while the child lives, so "the parent thread exited" means the parent died.
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
    return arm


def _supervise(proc: subprocess.Popen[bytes], limit: float, stop: threading.Event | None,
               term_grace: float) -> tuple[str, str]:
    """Wait for the child; kill its tree at the limit or when ``stop`` is set. Returns (error, status)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            proc.wait(timeout=0.2)
            return "", "failed"
        except subprocess.TimeoutExpired:
            pass
        if stop is not None and stop.is_set():
            stop_tree(proc, term_grace)
            proc.wait()
            return STOPPED, "interrupted"
        if time.monotonic() > deadline:
            log.error("crawl child %d exceeded %.0fs: killing it", proc.pid, limit)
            stop_tree(proc, term_grace)
            proc.wait()
            return f"killed after wall-clock limit ({limit:.0f}s)", "failed"
