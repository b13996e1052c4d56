"""A real storewatch web server for the browser test and docs/screenshots.py: seeds a data folder,
then runs ``storewatch web`` (the CLI, in a subprocess) on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import config
from store.db import Store
from tests.web.seed import Seeded, bulk_findings, index_store, rebuild_store, seed

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def web_process(args: list[str], log_path: Path, timeout: float = 30.0) -> Iterator[str]:
    """Yields the base URL while ``storewatch [args] web --port 0`` serves it. Port 0: the server binds a port
    the system chooses and prints it, so no other socket can take the port between choosing and binding."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    with open(log_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args, "web", "--host", "127.0.0.1",
                                 "--port", "0"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        base = ""
        while True:
            log = log_path.read_text(encoding="utf-8", errors="replace")
            m = re.search(r"storewatch web UI on (http://127\.0\.0\.1:\d+)/", log)
            if m and not base:
                base = m.group(1)
            if base:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310 - local test server
                        if r.status == 200:
                            break
                except OSError:
                    pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"storewatch web did not start (exit {proc.poll()}):\n{log}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def live_server(data_dir: Path, extra_findings: int = 0, rebuild: bool = False) -> Iterator[tuple[str, Seeded]]:
    """Yields (base URL, seeded ids) while ``storewatch web`` serves ``data_dir``.

    ``rebuild``: index the seeded store with ``storewatch index rebuild``'s path (one pass, for
    millions of findings) instead of draining the outbox, then mark the outbox done as sync would.
    """
    settings = config.load(environ={}, overrides={"data_dir": data_dir})
    store = Store(settings.db_url)
    store.upgrade()
    with store.session() as session:
        seeded = seed(session, settings.evidence_dir)
        if extra_findings:
            bulk_findings(session, extra_findings, seeded.storefront_ids)
    if rebuild:
        rebuild_store(settings, store)
    else:
        index_store(settings, store)
    store.dispose()
    with web_process(["--data-dir", str(data_dir)], data_dir / "web.log") as base:
        yield base, seeded
