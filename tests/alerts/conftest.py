"""Alerts fixtures: a real SMTP server (aiosmtpd on 127.0.0.1), stores, settings, seeded findings."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

import config
from analyzers.model import Finding as F
from analyzers.model import Location
from store.db import Store
from store.lifecycle import finish_run, record_page, save_findings, start_run
from store.models import Storefront
from tests.store.conftest import postgres_url, store  # noqa: F401 - re-exported fixtures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, box: SmtpServer) -> None:
        self.box = box

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        while self.box.hold:  # an outage in the middle of a session: nothing accepted yet
            self.box.held = True
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.box.received(envelope)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a fixed free port that can be taken down and brought back (an outage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Any] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.hold = False  # while True, sessions hang at RCPT TO
        self.held = False  # a session has hung there

    def received(self, envelope: Any) -> None:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def make_settings(tmp_path: Path, db_url: str, smtp_port: int | None = None, **extra: Any) -> Any:
    over: dict[str, Any] = {"data_dir": tmp_path / "data", "database_url": db_url,
                            "digest": {"recipients": ["bureau@example.cn", "chief@example.cn"],
                                       "sender": "storewatch@xining.example.cn",
                                       "ui_base_url": "http://triage.example.cn:8700"}}
    if smtp_port is not None:
        over["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "timeout": 5}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(over.get(key), dict):
            over[key] = over[key] | value
        else:
            over[key] = value
    return config.load(overrides=over, environ={})


def finding(sid: int, match: str, *, url: str | None = None, category: str = "false_advertising",
            article: str = "15(5)", severity: str = "medium", rule: str = "AD-ABSOLUTE-TERM") -> F:
    return F(rule_id=rule, category=category, article=article, law=("广告法 第九条",), severity=severity,  # type: ignore[arg-type]
             confidence=0.9, url=url or f"http://shop{sid}.example.cn/item/1.html", match=match,
             excerpt=f"……本品为{match}产品……", location=Location(kind="text", selector="div.desc", start=3, end=6),
             explanation=f"使用“{match}”等绝对化用语", storefront_id=sid,
             evidence={"warc": f"evidence/{sid}/run.warc.gz", "record_id": "<urn:uuid:1>", "page_sha256": "ab" * 32})


def add_shop(st: Store, sid: int, name: str = "") -> None:
    with st.session() as s:
        s.add(Storefront(id=sid, name=name or f"青海测试商贸有限公司{sid}", uscc=f"91630100MA75000{sid:02d}Q",
                         domain=f"shop{sid}.example.cn"))


def crawl(st: Store, sid: int, findings: list[F], *, url: str | None = None, status: str = "complete",
          page_complete: bool = True, status_code: int = 200) -> dict[str, int]:
    """One crawl of one page of storefront ``sid`` recorded through the real lifecycle."""
    url = url or f"http://shop{sid}.example.cn/item/1.html"
    with st.session() as s:
        run = start_run(s, sid, "schedule")
        if status == "unreachable":
            finish_run(s, run, "unreachable", error="连接被拒绝 connection refused")
            return {}
        page = record_page(s, run, url=url, status_code=status_code, content_sha256="ab" * 32, title="商品",
                           text="本品", complete=page_complete)
        counts = save_findings(s, run, page, findings)
        finish_run(s, run, status)
        return counts
