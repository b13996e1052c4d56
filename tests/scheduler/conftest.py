"""Scheduler fixtures: storefront sites over real HTTP, a fresh store, the daemon as a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from analyzers.ids import uscc_check_char
from store.db import Store
from store.models import Storefront
from tests.alerts.conftest import SmtpServer, free_port, smtp_server  # noqa: F401 - re-exported fixture

ROOT = Path(__file__).resolve().parents[2]
# the real crawler, kept small and fast for local test sites (static pages, no retries, no OCR)
CRAWLER = {"allow_loopback": True, "render": "never", "retries": 0, "ocr": False, "max_pages": 3,
           "page_timeout": 100.0, "autothrottle": False}
CRAWLER_ENV = {f"STOREWATCH_CRAWLER__{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
               for k, v in CRAWLER.items()}


class Sites:
    """Storefront pages on 127.0.0.1: ``pages[path] = (html, delay_seconds)``; change them between crawls."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, float]] = {}
        self.hits: list[str] = []  # paths requested so far (a slow page is being fetched once it is here)
        sites = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                html, delay = sites.pages.get(self.path, ("", -1.0))
                sites.hits.append(self.path)
                if delay < 0:
                    self.send_error(404)
                    return
                time.sleep(delay)
                data = html.encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str, text: str, delay: float = 0.0, sid: int = 0) -> str:
        """A storefront page saying ``text``, with the licence and filing footer of storefront ``sid``
        (default: the digit after the first ``/s``, else 1), so the real analyzers find only ``text``."""
        sid = sid or (int(path[2]) if path[:2] == "/s" and path[2:3].isdigit() else 1)
        self.pages[path] = (f"<html><body><h1>店铺</h1><p>{text}</p>{footer(sid)}</body></html>", delay)
        return self.base + path


@pytest.fixture
def sites() -> Iterator[Sites]:
    s = Sites()
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def db(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'data' / 'storewatch.db'}")
    s.upgrade()
    return s


def uscc_of(sid: int) -> str:
    first17 = f"91630100MA75000{sid:02d}"
    return first17 + uscc_check_char(first17)


def footer(sid: int) -> str:
    """What a compliant home page shows (Art. 9, 16): licence link, name and USCC, ICP and police filing."""
    return (f"<footer><a href='/licence.html'>营业执照</a> 西宁测试网店{sid} 统一社会信用代码：{uscc_of(sid)} "
            "青ICP备19000123号-1 <a href='http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
            "63010202000123'>青公网安备63010202000123号</a></footer>")


def add_storefront(store: Store, sid: int, url: str) -> None:
    with store.session() as s:
        s.add(Storefront(id=sid, name=f"西宁测试网店{sid}", uscc=uscc_of(sid),
                         domain=url.split("/")[2], start_url=url))


def wait_for(pred: Callable[[], Any], timeout: float = 60.0, what: str = "condition",
             log: Callable[[], str] | None = None) -> Any:
    """Poll until ``pred()`` is truthy (a functional deadline, not a performance threshold); on timeout the
    message carries ``log()`` (a daemon's output), so a failure in CI says what the process was doing."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f"; its log:\n{log()[-4000:]}" if log else ""))


class DaemonProc:
    def __init__(self, tmp_path: Path, db_url: str, smtp_port: int | None, args: list[str]) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
        env.update(STOREWATCH_DIGEST__RECIPIENTS="bureau@example.cn", STOREWATCH_LOG__LEVEL="INFO",
                   STOREWATCH_SCHEDULER__HEARTBEAT_INTERVAL="1s", PYTHONPATH=str(ROOT), **CRAWLER_ENV)
        if smtp_port:
            env.update(STOREWATCH_SMTP__HOST="127.0.0.1", STOREWATCH_SMTP__PORT=str(smtp_port),
                       STOREWATCH_SMTP__TIMEOUT="5")
        self.log_path = tmp_path / f"daemon-{time.monotonic_ns()}.log"
        cmd = [sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "--database-url", db_url, "run",
               "--crawl-every", "3s", "--digest-every", "4s", "--sync-every", "1s", "--retry-every", "1s",
               *([] if "--web-port" in args else ["--no-web"]), *args]
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)


@pytest.fixture
def daemon(tmp_path: Path, db: Store) -> Iterator[Callable[..., DaemonProc]]:
    started: list[DaemonProc] = []

    def start(smtp_port: int | None = None, *args: str) -> DaemonProc:
        d = DaemonProc(tmp_path, db.url, smtp_port, list(args))
        started.append(d)
        return d

    yield start
    for d in started:
        if d.proc.poll() is None:
            os.killpg(d.proc.pid, signal.SIGKILL)
            d.proc.wait()
    from sqlalchemy import select

    from shared.procs import pid_alive, stop_tree
    from store.models import CrawlRun

    with db.session() as s:  # crawls orphaned by a SIGKILLed daemon in a test
        for pid in s.scalars(select(CrawlRun.pid).where(CrawlRun.pid.is_not(None))):
            if pid_alive(pid):
                stop_tree(pid, 1.0)
    db.dispose()
