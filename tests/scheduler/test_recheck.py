"""Case re-checks (Art. 24): the daemon crawls a case's storefront once ``cases.recheck_at`` has passed,
links that crawl to the case, and the case page shows what it found (real crawl children, real HTTP)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scheduler import Daemon
from store.db import Store
from store.lifecycle import finish_run, record_page, save_findings, set_status, start_run
from store.models import CrawlRun, Finding, utcnow
from tests.alerts.conftest import finding
from tests.scheduler.conftest import add_storefront, free_port, wait_for
from tests.scheduler.test_supervision import make
from web.models import Case, CaseEvent
from web.recheck import storefronts_to_crawl
from web.views.cases import load_case, open_cases


def open_case(db: Store, fid: str, recheck_in: timedelta) -> int:
    with db.session() as s:
        case_id = open_cases(s, [fid], actor="王芳", role="analyst")[0]
        set_status(s, fid, "notified", role="analyst", actor="王芳", note="责令整改通知书")
        case = s.get(Case, case_id)
        case.status, case.recheck_at = "rechecking", utcnow() + recheck_in
    return case_id


def first_crawl(db: Store, d: Daemon) -> str:
    d.crawl(1)
    with db.session() as s:
        return s.scalars(select(Finding.finding_id).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).one()


def test_due_recheck_is_crawled_linked_and_shown(tmp_path: Path, db: Store, sites: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品"))
    d = make(tmp_path, db)
    fid = first_crawl(db, d)
    later = open_case(db, fid, timedelta(days=15))
    assert d.recheck_due() == []  # not yet due
    with db.session() as s:
        s.get(Case, later).recheck_at = utcnow()  # due now; the first crawl was before it: no re-check
    assert d.recheck_due() == [1]
    sites.page("/s1/", "本店茶叶品质优良")  # the merchant rectified the page
    assert d.crawl(1, trigger="recheck")
    with db.session() as s:
        run = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
        case = s.get(Case, later)
        assert (run.trigger, run.status) == ("recheck", "complete")
        assert case.recheck_run_id == run.id
        assert s.get(Finding, fid).status == "ready_to_close"
        events = [(e.action, e.detail) for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == later))]
        page = load_case(s, later)
    assert events[-1] == ("recheck_done", f"复查抓取 #{run.id}（complete）：仍存在 0 个问题，已消失 1 个，未覆盖 0 个")
    assert page["recheck"]["run"].id == run.id and [f.finding_id for f in page["recheck"]["gone"]] == [fid]
    assert d.recheck_due() == []  # done: nothing more to crawl
    sites.page("/s1/", "本店茶叶为国家级产品")  # back again: a later crawl does not change the re-check
    d.crawl(1)
    with db.session() as s:
        assert s.get(Case, later).recheck_run_id == run.id
        assert s.get(Finding, fid).status == "notified"
        again = load_case(s, later)["recheck"]  # the re-check's result is that run's, not the latest crawl's
        assert again["run"].id == run.id and [f.finding_id for f in again["gone"]] == [fid] and not again["still"]


def test_unreachable_recheck_is_not_a_result_and_is_retried_later(tmp_path: Path, db: Store) -> None:
    add_storefront(db, 1, f"http://127.0.0.1:{free_port()}/")  # nothing listens
    d = make(tmp_path, db)
    with db.session() as s:  # a finding seen before the site went away
        run = start_run(s, 1, "schedule")
        page = record_page(s, run, url="http://shop1.example.cn/", status_code=200, content_sha256="ab" * 32,
                           title="店", text="国家级", complete=True)
        save_findings(s, run, page, [finding(1, "国家级")])
        finish_run(s, run, "complete")
        fid = s.scalars(select(Finding.finding_id).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).one()
    case_id = open_case(db, fid, timedelta(0))  # due now
    assert d.recheck_due() == [1]
    d.crawl(1, trigger="recheck")
    with db.session() as s:
        last = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
        assert (last.trigger, last.status) == ("recheck", "unreachable")
        assert s.get(Case, case_id).recheck_run_id is None  # an unreachable site proves nothing
        assert load_case(s, case_id)["recheck"] is None
        assert s.get(Finding, fid).status == "notified"
    assert d.recheck_due() == []  # not every minute ...
    later = utcnow() + timedelta(hours=2)
    assert storefronts_to_crawl(d.store, later, retry_after=3600) == [1]  # ... but again after retry_after


def test_the_running_daemon_crawls_a_due_recheck(db: Store, sites: Any, daemon: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品"))
    with db.session() as s:  # one earlier crawl's finding, recorded directly
        run = start_run(s, 1, "manual")
        page = record_page(s, run, url=sites.base + "/s1/", status_code=200, content_sha256="ab" * 32,
                           title="店", text="国家级", complete=True)
        save_findings(s, run, page, [finding(1, "国家级", url=sites.base + "/s1/")])
        finish_run(s, run, "complete")
        fid = s.scalars(select(Finding.finding_id).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).one()
    case_id = open_case(db, fid, timedelta(0))
    d = daemon(None, "--crawl-every", "20h")  # scheduled crawls far away: only the re-check crawls

    def linked() -> Any:
        with db.session() as s:
            return s.get(Case, case_id).recheck_run_id

    run_id = wait_for(linked, timeout=90, what="the re-check crawl linked to the case")
    with db.session() as s:
        run = s.get(CrawlRun, run_id)
        assert (run.trigger, run.status) == ("recheck", "complete"), d.log()[-2000:]
        assert s.get(Finding, fid).status == "notified"  # still there: not rectified
        assert [f.finding_id for f in load_case(s, case_id)["recheck"]["still"]] == [fid]
    assert "case re-check due: storefront 1" in d.log()
