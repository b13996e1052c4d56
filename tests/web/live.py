"""A real storewatch web server for the browser test and docs/screenshots.py: seeds a data folder,
then runs ``storewatch web`` (the CLI, in a subprocess) on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(data_dir), "web",
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310 - local test server
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"storewatch web did not start on {base}:\n{out}")
            time.sleep(0.2)
        yield base, seeded
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
