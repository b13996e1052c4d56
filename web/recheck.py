"""Re-check crawls of cases (Art. 24): the daemon crawls a case's storefront at ``cases.recheck_at``.

The UI records ``recheck_at`` (the day after a notice's deadline, or a date an analyst picks); the
daemon (``scheduler.py``) calls :func:`due_rechecks` every minute, launches ``storewatch crawl
--storefront ID --trigger recheck`` for each storefront still waiting, and :func:`link_rechecks`
records the result: the first crawl of the storefront that *started* at or after ``recheck_at`` and
covered it (``complete`` or ``partial``) becomes ``cases.recheck_run_id``, with a case event. A crawl
that could not reach the site is not a re-check (coverage gaps are never compliance): the case keeps
waiting and the daemon tries again after ``retry_after`` seconds. The case page reads the same run
(:func:`recheck_result`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db import Store
from store.models import CrawlRun, Finding, FindingEvent, PageRecord, Storefront, utcnow
from web.models import Case, CaseEvent, CaseFinding

log = logging.getLogger(__name__)
COVERED = ("complete", "partial")  # a run that fetched the site; unreachable/failed/interrupted did not
GONE = ("resolved", "ready_to_close")
ACTOR = "storewatch 调度程序"


@dataclass(frozen=True)
class Due:
    """A storefront with cases waiting for their re-check crawl."""

    storefront_id: int
    case_ids: tuple[int, ...]
    since: datetime  # the earliest recheck_at among them


def first_covering_run(session: Session, storefront_id: int, at: datetime) -> CrawlRun | None:
    """The first finished crawl of the storefront that started at or after ``at`` and covered the site."""
    return session.scalars(select(CrawlRun).where(
        CrawlRun.storefront_id == storefront_id, CrawlRun.started_at >= at, CrawlRun.status.in_(COVERED))
        .order_by(CrawlRun.started_at, CrawlRun.id).limit(1)).first()


def recheck_result(session: Session, case: Case, findings: list[Finding]) -> dict[str, Any] | None:
    """What the re-check crawl found for the case's findings, fixed by that run (later crawls do not
    change it): ``gone`` resolved by it; ``still`` not resolved although it fetched their page
    completely (or seen while it ran); ``unchecked`` the rest (their page was not fetched completely)."""
    run: CrawlRun | None = None
    if case.recheck_run_id is not None:
        run = session.get(CrawlRun, case.recheck_run_id)
    elif case.recheck_at is not None:
        run = first_covering_run(session, case.storefront_id, case.recheck_at)
    if run is None:
        return None
    resolved = set(session.scalars(select(FindingEvent.finding_id).where(
        FindingEvent.crawl_run_id == run.id, FindingEvent.to_status.in_(GONE))))
    fetched = set(session.scalars(select(PageRecord.url).where(
        PageRecord.crawl_run_id == run.id, PageRecord.complete.is_(True),
        PageRecord.status_code >= 200, PageRecord.status_code < 400)))
    end = run.finished_at or utcnow()
    gone = [f for f in findings if f.finding_id in resolved]
    still = [f for f in findings if f.finding_id not in resolved
             and (f.url in fetched or run.started_at <= f.last_seen <= end)]
    unchecked = [f for f in findings if f not in gone and f not in still]
    return {"run": run, "still": still, "gone": gone, "unchecked": unchecked}


def due_rechecks(session: Session, now: datetime) -> list[Due]:
    """Open cases of active storefronts whose ``recheck_at`` has passed and that have no re-check run yet."""
    rows = session.execute(select(Case.id, Case.storefront_id, Case.recheck_at)
                           .join(Storefront, Storefront.id == Case.storefront_id)
                           .where(Case.recheck_at.is_not(None), Case.recheck_at <= now,
                                  Case.recheck_run_id.is_(None), Case.status != "closed",
                                  Storefront.active.is_(True))
                           .order_by(Case.recheck_at, Case.id)).all()
    by_sf: dict[int, list[tuple[int, datetime]]] = {}
    for cid, sid, at in rows:
        if at is not None:
            by_sf.setdefault(sid, []).append((cid, at))
    return [Due(sid, tuple(c for c, _ in items), min(a for _, a in items)) for sid, items in by_sf.items()]


def link_rechecks(store: Store, storefront_id: int | None = None) -> list[tuple[int, int]]:
    """Give every waiting case (of one storefront, or all) its re-check run once there is one;
    ``[(case_id, run_id)]`` linked now."""
    linked = []
    with store.session() as s:
        q = select(Case).where(Case.recheck_at.is_not(None), Case.recheck_run_id.is_(None), Case.status != "closed")
        if storefront_id is not None:
            q = q.where(Case.storefront_id == storefront_id)
        for case in s.scalars(q):
            assert case.recheck_at is not None
            run = first_covering_run(s, case.storefront_id, case.recheck_at)
            if run is None:
                continue
            case.recheck_run_id = run.id
            fids = list(s.scalars(select(CaseFinding.finding_id).where(CaseFinding.case_id == case.id)))
            findings = list(s.scalars(select(Finding).where(Finding.finding_id.in_(fids))))
            res = recheck_result(s, case, findings) or {"still": [], "gone": [], "unchecked": []}
            detail = (f"复查抓取 #{run.id}（{run.status}）：仍存在 {len(res['still'])} 个问题，"
                      f"已消失 {len(res['gone'])} 个，未覆盖 {len(res['unchecked'])} 个")
            s.add(CaseEvent(case_id=case.id, actor=ACTOR, action="recheck_done", detail=detail))
            linked.append((case.id, run.id))
            log.info("case %d: re-check crawl #%d linked (%s)", case.id, run.id, detail)
    return linked


def storefronts_to_crawl(store: Store, now: datetime | None = None, *, retry_after: float = 3600.0,
                         busy: frozenset[int] = frozenset()) -> list[int]:
    """Link what can be linked, then the storefronts that need a re-check crawl now: waiting cases,
    not being crawled (``busy`` or a run ``running``), and no re-check attempt in the last
    ``retry_after`` seconds (an unreachable site is tried again later, not every minute)."""
    now = now or utcnow()
    link_rechecks(store)
    out = []
    with store.session() as s:
        for due in due_rechecks(s, now):
            if due.storefront_id in busy:
                continue
            recent = s.scalars(select(CrawlRun).where(
                CrawlRun.storefront_id == due.storefront_id, CrawlRun.started_at >= due.since,
                (CrawlRun.status == "running") | (CrawlRun.trigger == "recheck") &
                (CrawlRun.started_at > now - timedelta(seconds=retry_after))).limit(1)).first()
            if recent is None:
                out.append(due.storefront_id)
    return out
