"""Store fixtures: a fresh schema on SQLite and on a real PostgreSQL server (Debian's packages)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql; "
                           "`make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


class PgCluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (Debian's binaries); ``restart()`` for fault tests."""

    def __init__(self) -> None:
        self.bindir = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="storewatch-pg-"))
        self.data = self.root / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self.url = f"postgresql+psycopg://storewatch@127.0.0.1:{self.port}/postgres"
        subprocess.run([*self.as_user, str(self.bindir / "initdb"), "-D", str(self.data), "-U", "storewatch", "-A",
                        "trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)

    def ctl(self, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args], check=True,
                       capture_output=True)

    def start(self) -> None:
        self.ctl("-l", str(self.root / "log"), "-w", "-t", "60", "-o",
                 f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def restart(self) -> None:
        """Stop fast (every connection cut), then start again on the same port."""
        self.ctl("-m", "fast", "-w", "stop")
        self.start()

    def remove(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def pg_cluster_handle() -> Iterator[PgCluster]:
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def pg_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL cluster; yields its URL (also used by bench/scale.py)."""
    with pg_cluster_handle() as cluster:
        yield cluster.url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (or $STOREWATCH_TEST_POSTGRES_URL)."""
    if os.environ.get("STOREWATCH_TEST_POSTGRES_URL"):
        yield os.environ["STOREWATCH_TEST_POSTGRES_URL"]
        return
    with pg_cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store with a fresh schema, on each backend."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'store.db'}")
        s.upgrade()
        yield s
        s.dispose()
        return
    base = request.getfixturevalue("postgres_url")
    name = f"t{int(time.time() * 1000) % 10**9}_{os.getpid()}"
    admin = Store(base)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    s = Store(base.rsplit("/", 1)[0] + "/" + name)
    s.upgrade()
    yield s
    s.dispose()
    admin = Store(base)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()
