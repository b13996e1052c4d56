"""Webhooks (generic JSON, DingTalk markdown with signature) on a real HTTP server; CLI digest/finding."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cli
from alerts.queue import deliver_pending, queue_daily
from store.db import Store
from store.models import AllowListEntry, Digest, Finding, FindingEvent, OutboxEntry
from tests.alerts.conftest import SmtpServer, add_shop, crawl, finding, make_settings
from web.auth import add_user


class Hook:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.status = 200
        hook = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(hook.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.server.shutdown()
    h.server.server_close()


@pytest.fixture
def st(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    s.upgrade()
    add_shop(s, 1)
    return s


def test_dingtalk_markdown_signed_and_mail_not_resent_when_only_webhook_failed(
        st: Store, hook: Hook, smtp_server: SmtpServer, tmp_path: Path) -> None:
    crawl(st, 1, [finding(1, "国家级")])
    settings = make_settings(tmp_path, st.url, smtp_server.port,
                             webhook={"url": hook.url, "kind": "dingtalk", "secret": "SEC123"})
    digest_id = queue_daily(st, settings)
    hook.status = 500
    assert deliver_pending(st, settings).failed[0][0] == digest_id
    assert len(smtp_server.messages) == 1  # mail went out and is recorded as done
    hook.status = 200
    assert deliver_pending(st, settings, force=True).sent == [digest_id]
    assert len(smtp_server.messages) == 1  # not sent again on the retry
    path, headers, body = hook.requests[-1]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert set(query) == {"access_token", "timestamp", "sign"}
    assert body["msgtype"] == "markdown" and "新增 1，未结 1（中 1）" in body["markdown"]["text"]
    assert "(http://triage.example.cn:8700/merchants/1)" in body["markdown"]["text"]
    with st.session() as s:
        row = s.get(Digest, digest_id)
        assert row.status == "sent" and row.email_done_at and row.webhook_done_at


def test_generic_webhook_json(st: Store, hook: Hook, tmp_path: Path) -> None:
    f = finding(1, "国家级")
    crawl(st, 1, [f])
    settings = make_settings(tmp_path, st.url, webhook={"url": hook.url, "kind": "generic"})
    queue_daily(st, settings)
    deliver_pending(st, settings)
    _, headers, body = hook.requests[0]
    assert body["kind"] == "daily" and body["counts"]["new"] == 1
    assert body["findings"][0]["finding_id"] == f.finding_id and body["findings"][0]["reason"] == "new"
    assert headers["Idempotency-Key"].startswith("<storewatch.daily.")
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 1  # no SMTP: .eml as well


def run_cli(tmp_path: Path, st: Store, *args: str) -> int:
    return cli.main(["--data-dir", str(tmp_path / "data"), "--database-url", st.url, *args])


def test_finding_commands(st: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    for k in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    f, g = finding(1, "国家级"), finding(1, "第一品牌")
    crawl(st, 1, [f, g])
    with st.session() as s:
        add_user(s, "analyst1", "analyst", "Qinghai-2026-shop")
    monkeypatch.setenv("STOREWATCH_USER", "analyst1")
    assert run_cli(tmp_path, st, "finding", "list", "--status", "open") == 0
    out = capsys.readouterr().out
    assert f.finding_id in out and g.finding_id in out
    assert run_cli(tmp_path, st, "finding", "set-status", f.finding_id, "dismissed") == 2
    err = capsys.readouterr().err
    assert "须填写理由" in err and "--note" in err
    assert run_cli(tmp_path, st, "finding", "set-status", f.finding_id[:10], "dismissed", "--note", "注册商标名称，非宣传用语",
                   "--user", "analyst1", "--allow-list") == 0
    assert "（analyst1，open -> dismissed）" in capsys.readouterr().out
    # an analyst may not close: that is a supervisor's move (exit 2, says why); unknown users are refused
    assert run_cli(tmp_path, st, "finding", "set-status", g.finding_id, "closed", "--note", "x") == 2
    assert "需要主管权限" in capsys.readouterr().err
    assert run_cli(tmp_path, st, "finding", "set-status", g.finding_id, "confirmed", "--user", "nobody") == 2
    assert "没有名为" in capsys.readouterr().err
    assert run_cli(tmp_path, st, "finding", "set-status", g.finding_id, "confirmed", "--allow-list", "--note", "x") == 2
    assert run_cli(tmp_path, st, "finding", "set-status", "nosuchid", "confirmed") == 2
    assert run_cli(tmp_path, st, "finding", "show", f.finding_id, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["from"], e["to"], e["actor"]) for e in shown["events"]] == [(None, "open", "system"),
                                                                           ("open", "dismissed", "analyst1")]
    with st.session() as s:
        entry = s.scalars(select(AllowListEntry)).one()
        assert (entry.rule_id, entry.match, entry.created_by) == ("AD-ABSOLUTE-TERM", "国家级", "analyst1")
        assert s.get(Finding, g.finding_id).status == "open"
        assert s.scalar(select(FindingEvent.note).where(FindingEvent.to_status == "dismissed")) == "注册商标名称，非宣传用语"
        assert s.scalars(select(OutboxEntry.entity_id).where(OutboxEntry.entity == "finding")).all().count(f.finding_id) == 2
    assert run_cli(tmp_path, st, "finding", "list", "--status", "open", "--format", "json") == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["finding_id"] for r in rows] == [g.finding_id]


def test_digest_command_dry_run_then_send(st: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for k in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    crawl(st, 1, [finding(1, "国家级")])
    monkeypatch.setenv("STOREWATCH_WEB__PORT", "8811")  # the UI moved: the links follow it
    assert run_cli(tmp_path, st, "digest", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "青海测试商贸有限公司1：1 / 1 / 中 1 / 未立案  http://127.0.0.1:8811/merchants/1" in out
    assert ":8700" not in out
    with st.session() as s:
        assert s.scalars(select(Digest)).all() == []  # dry run records nothing
    assert run_cli(tmp_path, st, "digest", "--send") == 0
    assert "delivered 1 digest(s)" in capsys.readouterr().out
    assert run_cli(tmp_path, st, "digest", "--send") == 0
    assert "queued: nothing new; delivered 0" in capsys.readouterr().out
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 1
