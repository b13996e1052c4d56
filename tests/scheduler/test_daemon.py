"""The daemon as a real process (`python -m cli run`): crawls, one digest, SIGKILL and restart, SIGTERM."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import cli
from shared.procs import pid_alive
from store.db import Store
from store.models import CrawlRun, Digest, DigestItem, Finding
from tests.alerts.conftest import SmtpServer
from tests.scheduler.conftest import add_storefront, free_port, wait_for


def runs(db: Store, sid: int) -> list[tuple[int, str, str | None]]:
    with db.session() as s:
        return [(r.id, r.status, r.error) for r in s.scalars(select(CrawlRun).where(CrawlRun.storefront_id == sid)
                                                               .order_by(CrawlRun.id))]


def test_daemon_crawls_sends_one_digest_reports_offline_site_and_stops_on_sigterm(
        db: Store, sites: Any, smtp_server: SmtpServer, daemon: Any, tmp_path: Path,
        capsys: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品"))
    add_storefront(db, 2, f"http://127.0.0.1:{free_port()}/")  # nothing listens: offline
    d = daemon(smtp_server.port)

    def text() -> str:  # the two crawls end at different times: the news may come in one digest or two
        return "".join(m.get_body(preferencelist=("plain",)).get_content() for m in list(smtp_server.messages))

    # the one-screen digest: a line per merchant (new / open / …) and the coverage gaps, no excerpts
    wait_for(lambda: re.search(r"西宁测试网店1：[1-9]", text()) and "无法访问" in text(),
             what="digests with the new finding and the gap")
    assert "西宁测试网店2" in text()  # the offline site is a coverage gap
    sent = len(smtp_server.messages)
    # more crawl and digest cycles pass: nothing new, so no further mail
    wait_for(lambda: len([r for r in runs(db, 1) if r[1] == "complete"]) >= 3, what="three crawls of storefront 1")
    wait_for(lambda: "daily digest: nothing new" in d.log(), what="a digest cycle with nothing new")
    assert len(smtp_server.messages) == sent
    assert {s for _, s, _ in runs(db, 2)} - {"running"} == {"unreachable"}  # one may be under way
    with db.session() as s:
        assert s.scalars(select(Finding.status)).all() == ["open"]
    # status reads what the daemon wrote
    assert cli.main(["--data-dir", str(tmp_path / "data"), "--database-url", db.url, "status", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["heartbeat"]["healthy"] and info["heartbeat"]["pid"] == d.proc.pid
    assert info["last_digest"]["daily"]["to"] == f"smtp:127.0.0.1:{smtp_server.port}"
    assert {j["job"] for j in info["next_runs"]} >= {"crawl-1", "crawl-2", "digest-daily", "heartbeat"}
    # SIGTERM while a slow crawl runs: the crawl is cut and recorded, the daemon exits within the bound
    sites.page("/s1/", "本店茶叶为国家级产品", delay=60)
    sites.hits.clear()
    wait_for(lambda: "/s1/" in sites.hits, timeout=90, what="a slow crawl fetching the page")
    d.signal(signal.SIGTERM)
    assert d.proc.wait(timeout=10 + 5 + 15) == 0  # stop grace + SIGKILL wait + margin
    last = runs(db, 1)[-1]
    assert last[1] == "interrupted" and "stopped by" in (last[2] or ""), last
    assert [st for _, st, _ in runs(db, 1)].count("interrupted") == 1  # no phantom run after the stop
    with db.session() as s:
        assert not [p for p in s.scalars(select(CrawlRun.pid)) if pid_alive(p)]
    assert "SIGTERM received" in d.log()


def test_sigkill_mid_crawl_and_mid_digest_then_restart_loses_nothing_sends_once(
        db: Store, sites: Any, smtp_server: SmtpServer, daemon: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品", delay=30))
    d = daemon(smtp_server.port)
    wait_for(lambda: "/s1/" in sites.hits, what="a crawl fetching the slow page")
    d.signal(signal.SIGKILL)  # mid-crawl
    d.proc.wait()
    killed_run = [r for r in runs(db, 1) if r[1] == "running"][0][0]
    # mid-digest: the next daemon's SMTP session hangs before the server accepts the message
    smtp_server.hold = True
    sites.page("/s1/", "本店茶叶为国家级产品")
    d2 = daemon(smtp_server.port)
    wait_for(lambda: smtp_server.held, what="a digest send in progress")
    d2.signal(signal.SIGKILL)
    d2.proc.wait()
    smtp_server.hold = False
    with db.session() as s:
        assert dict(s.execute(select(CrawlRun.id, CrawlRun.status)).all())[killed_run] == "interrupted"
        assert s.scalar(select(func.count()).select_from(Digest)) == 1
    d3 = daemon(smtp_server.port)
    wait_for(lambda: smtp_server.messages, what="the digest after the restart")

    def carried_and_sent() -> bool:
        with db.session() as s:
            return bool(s.scalars(select(DigestItem.finding_id)).all()) and \
                all(dg.status == "sent" for dg in s.scalars(select(Digest)))

    wait_for(carried_and_sent, timeout=90, what="the finding carried by a sent digest")
    seen = len(d3.log())
    wait_for(lambda: "daily digest: nothing new" in d3.log()[seen:], what="a later digest cycle")
    d3.signal(signal.SIGTERM)
    d3.proc.wait(timeout=30)
    with db.session() as s:
        digests = s.scalars(select(Digest).order_by(Digest.id)).all()
        carried = s.scalars(select(DigestItem.finding_id)).all()
        statuses = [st for _, st, _ in runs(db, 1)]
    # the digest that was in flight at the kill went out once, after the restart; each digest once
    assert digests[0].attempts == 2 and all(dg.status == "sent" for dg in digests)
    assert sorted(m["Message-ID"] for m in smtp_server.messages) == sorted(dg.message_id for dg in digests)
    assert len(carried) == len(set(carried)) == 1  # the finding was carried by exactly one digest
    assert "running" not in statuses and statuses.count("complete") >= 1
    assert "storefront 1: crawl rescheduled soon" in d2.log() + d3.log()


def test_once_without_smtp_writes_eml_and_logs_json_lines(db: Store, sites: Any, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.scheduler.conftest import CRAWLER_ENV, ROOT

    add_storefront(db, 1, sites.page("/s1/", "加入会员即可发展下线，国家级"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    env.update(STOREWATCH_LOG__FORMAT="json", STOREWATCH_LOG__LEVEL="INFO", PYTHONPATH=str(ROOT), **CRAWLER_ENV)
    out = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "--database-url", db.url,
                          "run", "--once"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stderr.splitlines() if line.strip()]
    assert any(rec["msg"].startswith("critical alert") and rec["level"] == "WARNING" for rec in lines)
    emls = sorted(p.name for p in (tmp_path / "data" / "outbox").glob("*.eml"))
    assert sorted(name.split("-")[2] for name in emls) == ["alert", "daily"]
    assert runs(db, 1)[0][1] == "complete"
