"""Daily digests, critical alerts and weekly trends: content, carry-once, SMTP outage, .eml outbox."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alerts.queue import deliver_pending, queue_alert, queue_daily, queue_weekly
from store.db import Store
from store.models import Digest, DigestItem, Finding, utcnow
from tests.alerts.conftest import SmtpServer, add_shop, crawl, finding, make_settings


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'a.db'}")
    s.upgrade()
    return s


def parts(msg):  # type: ignore[no-untyped-def]
    return (msg.get_body(preferencelist=("plain",)).get_content(), msg.get_body(preferencelist=("html",)).get_content())


def test_daily_digest_content_grouping_gaps_and_links(sqlite_store: Store, smtp_server: SmtpServer,
                                                       tmp_path: Path) -> None:
    st = sqlite_store
    for sid in (1, 2, 3):
        add_shop(st, sid)
    med = finding(1, "国家级")
    high = finding(1, "最高级", severity="high", url="http://shop1.example.cn/item/2.html")
    crit = finding(2, "发展下线", category="pyramid_scheme", article="15(10)", severity="critical", rule="PY-RECRUIT")
    crawl(st, 1, [med])
    crawl(st, 1, [high], url="http://shop1.example.cn/item/2.html")
    crawl(st, 2, [crit])
    crawl(st, 3, [], status="unreachable")
    settings = make_settings(tmp_path, st.url, smtp_server.port)

    digest_id = queue_daily(st, settings)
    assert digest_id is not None
    assert deliver_pending(st, settings).sent == [digest_id]
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert smtp_server.envelopes[0] == ("storewatch@xining.example.cn", ["bureau@example.cn", "chief@example.cn"])
    assert msg["Subject"].startswith("【storewatch 每日摘要】新发现 3 项")
    assert "覆盖缺口 1 个" in msg["Subject"]
    text, html = parts(msg)
    # one screen: a table per merchant, new critical items, gaps; each line links to the UI
    assert "== 新发现的严重问题（1 项）==" in text
    assert "青海测试商贸有限公司2：第十五条第（十）项 网络传销 “发展下线”" in text
    assert f"http://triage.example.cn:8700/findings/{crit.finding_id}" in text
    assert "◆ 青海测试商贸有限公司1：2 / 2 / 高 1 · 中 1 / 未立案  http://triage.example.cn:8700/merchants/1" in text
    assert text.index("青海测试商贸有限公司2：1 / 1") < text.index("青海测试商贸有限公司1：2 / 2")  # most severe first
    assert "青海测试商贸有限公司3：无法访问" in text and "/merchants/3" in text
    assert f'href="http://triage.example.cn:8700/findings/{crit.finding_id}"' in html
    # hashes, urn:uuids, server file paths and long excerpts stay behind the link
    for body in (text, html):
        assert "urn:uuid" not in body and "ab" * 32 not in body and "run.warc.gz" not in body
        assert "……本品为国家级产品……" not in body
        assert "重点摘录" not in body
    with st.session() as s:
        carried = dict(s.execute(select(DigestItem.finding_id, DigestItem.reason)).all())
        row = s.get(Digest, digest_id)
        assert row.message_id == msg["Message-ID"] and row.status == "sent"
    assert carried == {med.finding_id: "new", high.finding_id: "new", crit.finding_id: "new"}


def test_each_finding_carried_once_then_reopened_and_stale(sqlite_store: Store, tmp_path: Path) -> None:
    st = sqlite_store
    add_shop(st, 1)
    a, b = finding(1, "国家级"), finding(1, "第一品牌")
    crawl(st, 1, [a])
    settings = make_settings(tmp_path, st.url)  # no SMTP: .eml files
    first = queue_daily(st, settings)
    assert first is not None
    crawl(st, 1, [a])  # seen again: no news
    assert queue_daily(st, settings) is None
    crawl(st, 1, [a, b])  # b is new
    second = queue_daily(st, settings)
    crawl(st, 1, [b])  # a resolved on a complete fetch of its page
    crawl(st, 1, [a, b])  # a comes back
    third = queue_daily(st, settings)
    with st.session() as s:
        items = {d: dict(s.execute(select(DigestItem.finding_id, DigestItem.reason)
                                   .where(DigestItem.digest_id == d)).all()) for d in (first, second, third)}
    assert items[first] == {a.finding_id: "new"}
    assert items[second] == {b.finding_id: "new"}
    assert items[third] == {a.finding_id: "reopened"}
    later = utcnow() + timedelta(days=8)  # stale_days = 7: both still open, carried again as overdue
    fourth = queue_daily(st, settings, now=later)
    with st.session() as s:
        reasons = dict(s.execute(select(DigestItem.finding_id, DigestItem.reason)
                                 .where(DigestItem.digest_id == fourth)).all())
    assert reasons == {b.finding_id: "stale", a.finding_id: "stale"}
    assert queue_daily(st, settings, now=later + timedelta(minutes=1)) is None
    report = deliver_pending(st, settings, now=later + timedelta(minutes=2))
    assert report.sent == [first, second, third, fourth]
    files = sorted((tmp_path / "data" / "outbox").glob("*.eml"))
    assert len(files) == 4
    msg = message_from_bytes(files[2].read_bytes(), policy=policy.default)
    assert "再次出现 1 项" in msg["Subject"]
    assert "== 再次出现（1 项）==" in parts(msg)[0]
    assert deliver_pending(st, settings, force=True).sent == []  # nothing left: no second file
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 4


def test_smtp_down_then_up_delivers_exactly_once(store: Store, smtp_server: SmtpServer, tmp_path: Path) -> None:
    add_shop(store, 1)
    crawl(store, 1, [finding(1, "国家级")])
    settings = make_settings(tmp_path, store.url, smtp_server.port)
    smtp_server.stop()
    digest_id = queue_daily(store, settings)
    report = deliver_pending(store, settings)
    assert report.sent == [] and report.failed[0][0] == digest_id
    assert "ConnectionRefusedError" in report.failed[0][1]
    with store.session() as s:
        row = s.get(Digest, digest_id)
        assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at > utcnow()
    assert deliver_pending(store, settings).failed == []  # backing off: not tried again yet
    assert queue_daily(store, settings) is None  # the queued digest carries the finding: not twice
    smtp_server.start()
    later = utcnow() + timedelta(hours=2)
    assert deliver_pending(store, settings, now=later).sent == [digest_id]
    assert deliver_pending(store, settings, now=later + timedelta(hours=2), force=True).sent == []
    assert len(smtp_server.messages) == 1
    with store.session() as s:
        row = s.get(Digest, digest_id)
        assert row.status == "sent" and row.attempts == 2 and row.last_error is None
        assert smtp_server.messages[0]["Message-ID"] == row.message_id


def test_critical_alert_once_and_also_in_daily(sqlite_store: Store, smtp_server: SmtpServer, tmp_path: Path) -> None:
    st = sqlite_store
    add_shop(st, 1)
    crit = finding(1, "发展下线", category="pyramid_scheme", article="15(10)", severity="critical", rule="PY-RECRUIT")
    medium = finding(1, "国家级")
    crawl(st, 1, [crit, medium])
    settings = make_settings(tmp_path, st.url, smtp_server.port)
    alert = queue_alert(st, settings)
    assert queue_alert(st, settings) is None
    daily = queue_daily(st, settings)
    assert deliver_pending(st, settings).sent == [alert, daily]
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects[0].startswith("【storewatch 严重违规告警】1 项须立即研判（严重 1 项；")
    alert_text = parts(smtp_server.messages[0])[0]
    assert "发展下线" in alert_text and "国家级" not in alert_text  # only the critical category
    assert "发展下线" in parts(smtp_server.messages[1])[0]


def test_offline_storefront_is_a_gap_not_a_resolution(sqlite_store: Store, tmp_path: Path) -> None:
    st = sqlite_store
    add_shop(st, 1)
    f = finding(1, "国家级")
    crawl(st, 1, [f])
    settings = make_settings(tmp_path, st.url)
    queue_daily(st, settings)
    crawl(st, 1, [], status="unreachable")
    crawl(st, 1, [], status="partial", page_complete=False)
    with st.session() as s:
        assert s.get(Finding, f.finding_id).status == "open"
    digest_id = queue_daily(st, settings)  # a new coverage gap is news on its own
    with st.session() as s:
        row = s.get(Digest, digest_id)
        n_items = s.scalar(select(func.count()).select_from(DigestItem).where(DigestItem.digest_id == digest_id))
    assert n_items == 0
    gaps = row.summary["digest"]["gaps"]
    assert [(g["storefront_id"], g["status"]) for g in gaps] == [(1, "partial")]
    assert row.summary["digest"]["counts"]["period_resolved"] == 0
    crawl(st, 1, [], status="unreachable")  # the outage goes on: listed when sent, but no digest by itself
    assert queue_daily(st, settings) is None


def test_weekly_trends_once_per_week(sqlite_store: Store, tmp_path: Path) -> None:
    st = sqlite_store
    add_shop(st, 1)
    crawl(st, 1, [finding(1, "国家级"), finding(1, "发展下线", category="pyramid_scheme", severity="critical")])
    settings = make_settings(tmp_path, st.url)
    first = queue_weekly(st, settings)
    assert first is not None and queue_weekly(st, settings) is None
    assert queue_weekly(st, settings, now=utcnow() + timedelta(days=7)) is not None
    with st.session() as s:
        d = s.get(Digest, first).summary["digest"]
    assert d["series"][-1]["new"] == 2 and len(d["series"]) == 8
    assert d["open_total"] == 2
    assert {c["category"]: c["this_week"] for c in d["categories"]} == {"false_advertising": 1, "pyramid_scheme": 1}
    deliver_pending(st, settings)
    eml = sorted((tmp_path / "data" / "outbox").glob("*weekly*.eml"))
    text = parts(message_from_bytes(eml[0].read_bytes(), policy=policy.default))[0]
    assert "网络传销：1（上周 0，+1）" in text


def test_every_digest_link_opens_a_page_of_the_triage_ui(sqlite_store: Store, tmp_path: Path) -> None:
    """Links are built from digest.ui_base_url; each must be a route of web.app that a signed-in analyst opens."""
    import re

    from starlette.routing import Match
    from starlette.testclient import TestClient

    from alerts.render import render_text
    from tests.web.conftest import login
    from web import auth
    from web.app import create_app

    st = sqlite_store
    for sid in (1, 2):
        add_shop(st, sid)
    crawl(st, 1, [finding(1, "国家级")])
    crawl(st, 2, [finding(2, "发展下线", category="pyramid_scheme", article="15(10)", severity="critical",
                          rule="PY-RECRUIT")])
    settings = make_settings(tmp_path, st.url)
    base = settings.digest.ui_base_url
    queue_daily(st, settings)
    queue_weekly(st, settings)
    links: set[str] = set()
    with st.session() as s:
        digests = [d.summary["digest"] for d in s.scalars(select(Digest))]
    assert {d["kind"] for d in digests} == {"daily", "weekly"}
    for d in digests:
        for rendered in render_text(d):
            links |= set(re.findall(re.escape(base) + r"[^\s\"'<>）]*", rendered))
    paths = {link[len(base):] or "/" for link in links}
    assert {p.split("/")[1].split("?")[0] for p in paths} >= {"findings", "merchants"}
    assert "/merchants/1" in paths and "/merchants/2" in paths
    app = create_app(settings, st)
    for p in paths:
        scope = {"type": "http", "method": "GET", "path": p.split("?")[0], "root_path": ""}
        assert any(r.matches(scope)[0] == Match.FULL for r in app.routes), f"{p}: no such route in web.app"
    with st.session() as s:
        auth.add_user(s, "王芳", "analyst", "correct-horse-9", actor="test")
    with TestClient(app) as client:
        login(client, "王芳", "correct-horse-9")
        for p in sorted(paths):
            assert client.get(p, follow_redirects=False).status_code == 200, p
