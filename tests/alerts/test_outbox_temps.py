"""A digest writer killed mid-write leaves ``.NAME.PID.tmp``; the next write sweeps it (and only it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alerts.channels import write_eml


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_of_a_dead_writer_is_swept(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    stale = outbox / f".digest-7.eml.{_dead_pid()}.tmp"
    stale.write_bytes(b"half a message")
    alive = outbox / f".digest-8.eml.{os.getppid()}.tmp"  # a writer still running: left alone
    alive.write_bytes(b"being written")
    path = Path(write_eml("Subject: x\n\nbody\n", outbox, "digest-9.eml"))
    assert path.read_text(encoding="utf-8").startswith("Subject: x")
    assert not stale.exists()
    assert alive.exists()
    assert sorted(p.name for p in outbox.iterdir()) == [alive.name, "digest-9.eml"]
