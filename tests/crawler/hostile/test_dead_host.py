"""robots.txt on a host that accepts connections and never answers: asked once, not retried."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.conftest import crawl


class Mute:
    """Accepts, reads the request line, never answers (counts requests by path)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hits: Counter[str] = Counter()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            try:
                line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                self.hits[line.split(" ")[1] if " " in line else "?"] += 1
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.fixture
def mute() -> Iterator[Mute]:
    m = Mute()
    yield m
    m.close()


def test_robots_txt_on_a_dead_host_is_asked_once(mute: Mute, tmp_path: Path) -> None:
    outcome = crawl(f"http://127.0.0.1:{mute.port}/", tmp_path, obey_robots=True, retries=2, page_timeout=2.0)
    assert mute.hits["/robots.txt"] == 1, mute.hits
    assert outcome.status == "unreachable"
