"""The daemon's parts in-process (real crawl child processes, real HTTP sites): wall-clock kill,
resolve/reopen across crawls, recovery of dead runs, hot intervals, retention, status."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import config
from alerts.queue import queue_daily
from scheduler import Daemon, Overrides
from shared.procs import pid_alive
from store.db import Store
from store.lifecycle import record_page, save_findings, set_status, start_run
from store.models import CrawlRun, DigestItem, Finding, OutboxEntry, PageRecord, utcnow
from store.retention import apply_retention
from store.status import collect_status, format_status
from tests.alerts.conftest import finding
from tests.scheduler.conftest import CRAWLER, add_storefront


def make(tmp_path: Path, db: Store, **sched: Any) -> Daemon:
    settings = config.load(overrides={"data_dir": tmp_path / "data", "database_url": db.url, "crawler": CRAWLER,
                                      "scheduler": {"crawl_wall_limit": "60s", **sched}}, environ={})
    return Daemon(settings, overrides=Overrides(), term_grace=1.0)


def test_hung_crawl_is_killed_at_the_wall_clock_limit_and_recorded(tmp_path: Path, db: Store, sites: Any) -> None:
    add_storefront(db, 1, sites.page("/hang/", "国家级", delay=120))
    d = make(tmp_path, db, crawl_wall_limit="3s")
    d.crawl(1)
    with db.session() as s:
        run = s.scalars(select(CrawlRun)).one()
    assert run.status == "failed" and run.error == "killed after wall-clock limit (3s)"
    assert not pid_alive(run.pid)
    assert not list((tmp_path / "data" / "run").glob("*.pid"))


def test_fixed_violation_resolves_and_reopens_offline_is_a_gap(tmp_path: Path, db: Store, sites: Any) -> None:
    url = sites.page("/s1/", "本店茶叶为国家级产品")
    add_storefront(db, 1, url)
    d = make(tmp_path, db)
    d.crawl(1)
    with db.session() as s:
        fid = s.scalars(select(Finding.finding_id).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).one()
    sites.page("/s1/", "本店茶叶品质优良")  # the merchant fixed the page
    d.crawl(1)
    with db.session() as s:
        assert s.get(Finding, fid).status == "resolved"
    sites.pages.pop("/s1/")
    sites.server.shutdown()  # the site goes offline: resolves nothing, reopens nothing
    sites.server.server_close()
    d.crawl(1)
    with db.session() as s:
        assert s.get(Finding, fid).status == "resolved"
        assert s.scalars(select(CrawlRun.status).order_by(CrawlRun.id)).all() == ["complete", "complete", "unreachable"]


def test_reopen_is_carried_again(tmp_path: Path, db: Store, sites: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "国家级"))
    d = make(tmp_path, db)
    d.crawl(1)
    first = queue_daily(db, d.settings)
    sites.page("/s1/", "合规")
    d.crawl(1)
    sites.page("/s1/", "又见国家级")
    d.crawl(1)
    second = queue_daily(db, d.settings)
    with db.session() as s:
        reasons = [(i.digest_id, i.reason) for i in s.scalars(select(DigestItem).order_by(DigestItem.digest_id))]
    assert reasons == [(first, "new"), (second, "reopened")]


def test_recovery_marks_dead_runs_interrupted_and_leaves_live_ones(tmp_path: Path, db: Store, sites: Any) -> None:
    add_storefront(db, 1, sites.page("/a/", "x"))
    add_storefront(db, 2, sites.page("/b/", "y"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with db.session() as s:
            r1 = start_run(s, 1, "schedule", pid=dead.pid).id
            r2 = start_run(s, 2, "manual", pid=live.pid).id  # a manual crawl still running: not ours
        d = make(tmp_path, db)
        assert d.recover() == [1]
        with db.session() as s:
            assert s.get(CrawlRun, r1).status == "interrupted"
            assert s.get(CrawlRun, r2).status == "running"
    finally:
        live.kill()
        live.wait()


def test_hot_storefronts_get_the_shorter_interval(tmp_path: Path, db: Store, sites: Any) -> None:
    add_storefront(db, 1, sites.page("/a/", "加入即可发展下线"))  # critical finding
    add_storefront(db, 2, sites.page("/b/", "国家级", sid=2))  # medium
    d = make(tmp_path, db, crawl_interval="1d", hot_crawl_interval="6h")
    d.crawl(1)
    d.crawl(2)
    assert d._desired_crawls() == {1: 6 * 3600, 2: 86400}
    d2 = Daemon(d.settings, overrides=Overrides(crawl_every=30))
    assert d2._desired_crawls() == {1: 30, 2: 30}


def test_retention_keeps_open_and_recent_removes_old(tmp_path: Path, db: Store) -> None:
    add_storefront(db, 1, "http://shop.example.cn/")
    ev = tmp_path / "data" / "evidence"
    ev.mkdir(parents=True)
    old_warc, kept_warc = ev / "old.warc.gz", ev / "kept.warc.gz"
    old_warc.write_bytes(b"x")
    kept_warc.write_bytes(b"y")
    long_ago = utcnow() - timedelta(days=800)
    with db.session() as s:
        run = start_run(s, 1, "schedule")
        run.started_at = long_ago
        run.status = "complete"
        p_old = record_page(s, run, url="http://shop.example.cn/1", fetched_at=long_ago, warc_path=str(old_warc))
        p_case = record_page(s, run, url="http://shop.example.cn/2", fetched_at=long_ago, warc_path=str(kept_warc))
        p_closed = record_page(s, run, url="http://shop.example.cn/3", fetched_at=long_ago)
        save_findings(s, run, p_case, [finding(1, "国家级", url=p_case.url)])
        save_findings(s, run, p_closed, [finding(1, "最佳", url=p_closed.url)])
        save_findings(s, run, p_old, [])
        fs = {f.match: f for f in s.scalars(select(Finding))}
        set_status(s, fs["国家级"].finding_id, "case_opened", role="analyst", actor="a", note="立案")
        set_status(s, fs["最佳"].finding_id, "closed", role="supervisor", actor="a", note="已整改")
        for f in fs.values():
            f.first_seen = f.last_seen = f.status_changed_at = long_ago
        ids = (p_old.id, p_case.id, p_closed.id, fs["国家级"].finding_id, fs["最佳"].finding_id)
        s.add(run)
    with db.session() as s:
        run2 = start_run(s, 1, "recheck")
        run2.started_at, run2.status = long_ago, "complete"
        p_cased = record_page(s, run2, url="http://shop.example.cn/4", fetched_at=long_ago)
        save_findings(s, run2, p_cased, [finding(1, "第一", url=p_cased.url)])
        cased = s.scalars(select(Finding).where(Finding.match == "第一")).one()
        set_status(s, cased.finding_id, "closed", role="supervisor", actor="a", note="结案")
        cased.first_seen = cased.last_seen = cased.status_changed_at = long_ago
        cased_ids = (cased.finding_id, p_cased.id, run2.id)
        # a case file of the triage UI (web.models; raw SQL: store/ and its tests do not import web/)
        s.execute(text("INSERT INTO cases (id, number, storefront_id, title, status, opened_by, opened_at, "
                       "outcome_note) VALUES (1, 'XN-1', 1, '案', 'closed', 'a', :t, '')"), {"t": long_ago})
        s.execute(text("INSERT INTO case_findings (id, case_id, finding_id, added_at) VALUES (1, 1, :f, :t)"),
                  {"f": cased.finding_id, "t": long_ago})
    d = make(tmp_path, db)
    counts = apply_retention(db, d.settings)
    with db.session() as s:
        pages = set(s.scalars(select(PageRecord.id)))
        findings = set(s.scalars(select(Finding.finding_id)))
        deletes = {(o.entity, o.entity_id) for o in s.scalars(select(OutboxEntry).where(OutboxEntry.op == "delete"))}
    assert pages == {ids[1], cased_ids[1]}  # the pages of the open case and of the case file stay
    assert findings == {ids[3], cased_ids[0]}
    assert counts["findings"] == 1 and counts["pages"] == 2 and counts["files"] == 1 and counts["runs"] == 0
    assert not old_warc.exists() and kept_warc.exists()
    assert ("finding", ids[4]) in deletes and ("page", str(ids[0])) in deletes
    assert apply_retention(db, d.settings)["pages"] == 0  # nothing else is old enough


def test_retention_never_goes_below_two_years() -> None:
    with pytest.raises(config.ConfigError, match="retention.days"):
        config.load(overrides={"retention": {"days": 30}}, environ={})


def test_status_without_a_daemon(tmp_path: Path, db: Store) -> None:
    settings = config.load(overrides={"data_dir": tmp_path / "data", "database_url": db.url}, environ={})
    info = collect_status(settings)
    assert info["heartbeat"] is None and info["running_crawls"] == [] and info["next_runs"] == []
    assert "never ran" in format_status(info)
