"""Parent side of a crawl: start the child process, bound its wall-clock time, read its outputs.

The daemon and the commands call :func:`run_crawl`; a hung browser or a crashing site can only
take the child down. When the child dies or is killed the outcome says so (``interrupted`` or
``failed``) and the unfinished WARC stays as ``.part`` (never mistaken for evidence).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
GRACE_SECONDS = 120.0  # analysis, PDFs and closing after the crawl time limit


@dataclass
class CrawlOutcome:
    job: CrawlJob
    status: str  # complete | partial | unreachable | failed | interrupted
    summary: dict[str, Any] = field(default_factory=dict)
    pages: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    error: str = ""


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


def read_outcome(job: CrawlJob, returncode: int | None = None, error: str = "") -> CrawlOutcome:
    out_dir = Path(job.out_dir)
    summary_path = out_dir / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    status = summary.get("status") or ("interrupted" if error.startswith("killed") else "failed")
    return CrawlOutcome(job=job, status=status, summary=summary, pages=_jsonl(out_dir / "pages.jsonl"),
                        findings=_jsonl(out_dir / "findings.jsonl"), returncode=returncode, error=error)


def run_crawl(job: CrawlJob, *, timeout: float | None = None, stderr: Any = None) -> CrawlOutcome:
    """Run ``job`` in a child process and return what it produced."""
    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    job_path = out_dir / "job.json"
    job.dump(job_path)
    limit = timeout if timeout is not None else job.options.crawl_timeout + GRACE_SECONDS
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "crawler.run", "--job", str(job_path)]
    log.info("crawl child: %s", " ".join(cmd))
    target = stderr if stderr is not None else sys.stderr
    try:
        target.fileno()
        relay = False
    except (AttributeError, OSError, ValueError):  # e.g. captured by a test runner: relay afterwards
        relay = True
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE if relay else target, start_new_session=True)
    try:
        if relay:
            _out, err = proc.communicate(timeout=limit)
            target.write(err.decode("utf-8", "replace"))
            rc = proc.returncode
        else:
            rc = proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return read_outcome(job, None, f"killed after the wall-clock limit of {limit:g} s")
    error = "" if rc == 0 else f"crawl process exited with code {rc}"
    return read_outcome(job, rc, error)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop the child and everything it started (its browser) — its own process group only."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
