"""Crawl runs, pages and the finding lifecycle, each change with its outbox row.

Automatic transitions (from crawling):
    new finding                     -> open
    seen again                      -> last_seen updated (resolved -> reopened;
                                       ready_to_close -> the status it had before)
    absent from a *complete* fetch of its page:
        open, reopened              -> resolved
        confirmed, case_opened, notified -> ready_to_close  (Art. 24 rectification check)
A page not fetched, or cut at a limit, resolves nothing: coverage gaps are never compliance.
Analyst transitions go through :func:`set_status`, each an audit event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analyzers.model import Finding as FindingRecord
from analyzers.nlp import finding_search_tokens
from errors import InputError, PermissionDenied
from store.models import (
    FINDING_STATUSES,
    CrawlRun,
    Finding,
    FindingEvent,
    OutboxEntry,
    PageRecord,
    utcnow,
)

log = logging.getLogger(__name__)
RUN_STATUSES = ("running", "complete", "partial", "unreachable", "failed", "interrupted")
RUN_STATUS_LABELS = {"running": "进行中", "complete": "完整", "partial": "部分抓取", "unreachable": "无法访问",
                     "failed": "失败", "interrupted": "被中断"}
AUTO_RESOLVE = {"open": "resolved", "reopened": "resolved", "confirmed": "ready_to_close",
                "case_opened": "ready_to_close", "notified": "ready_to_close"}
ANALYST_STATUSES = ("confirmed", "dismissed", "case_opened", "notified", "rectified", "closed", "open")
# Who may make which move by hand: role rank (store.lifecycle is the one place that decides; the UI,
# the case workflow and the CLI all call set_status). System states (resolved, reopened,
# ready_to_close) are set only by crawling, never by hand.
ROLE_RANK = {"viewer": 0, "analyst": 1, "supervisor": 2, "admin": 3}
_OPEN = ("open", "reopened")
MOVES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    # to-status: ((from-statuses, lowest role), ...)
    "confirmed": ((_OPEN, "analyst"),),
    "dismissed": ((_OPEN + ("confirmed",), "analyst"), (("case_opened", "notified", "ready_to_close"), "supervisor")),
    "open": ((("confirmed", "dismissed"), "analyst"), (("closed", "rectified"), "supervisor")),
    "case_opened": ((_OPEN + ("confirmed",), "analyst"),),
    "notified": ((_OPEN + ("confirmed", "case_opened"), "analyst"),),
    "rectified": ((("confirmed", "case_opened", "notified", "ready_to_close"), "supervisor"),),
    "closed": ((_OPEN + ("resolved", "confirmed", "dismissed", "case_opened", "notified", "rectified",
                         "ready_to_close"), "supervisor"),),
}
STATUS_LABELS = {"open": "待处理", "reopened": "再次发现", "resolved": "已消失", "confirmed": "已确认",
                 "dismissed": "已排除（误报）", "case_opened": "已立案", "notified": "已通知整改",
                 "rectified": "已整改", "ready_to_close": "待结案", "closed": "已结案"}
NOTE_REQUIRED = "排除线索须填写理由（为何是误报）"  # the UI and the CLI each say where to write it
ROLE_LABELS = {"viewer": "只读", "analyst": "分析员", "supervisor": "主管", "admin": "管理员"}


def allowed_move(from_status: str, to_status: str, role: str) -> str | None:
    """None when ``role`` may move a finding from ``from_status`` to ``to_status``; else why not (Chinese)."""
    if to_status not in MOVES:
        return f"状态“{STATUS_LABELS.get(to_status, to_status)}”只由系统设置，不能手动设置"
    rank = ROLE_RANK.get(role, -1)
    for sources, lowest in MOVES[to_status]:
        if from_status in sources:
            if rank >= ROLE_RANK[lowest]:
                return None
            return (f"从“{STATUS_LABELS.get(from_status, from_status)}”改为“{STATUS_LABELS[to_status]}”"
                    f"需要{ROLE_LABELS[lowest]}权限")
    return f"不能从“{STATUS_LABELS.get(from_status, from_status)}”改为“{STATUS_LABELS[to_status]}”"


def refusal(row: Finding, to_status: str, role: str) -> str | None:
    """Why ``role`` cannot move this finding to ``to_status`` now (None when it can), naming the finding."""
    if row.status == to_status:
        return None
    why = allowed_move(row.status, to_status, role)
    return f"线索 {row.finding_id[:12]}：{why}" if why is not None else None


def moves_for(from_status: str, role: str) -> list[str]:
    """The statuses ``role`` may move a finding in ``from_status`` to, in ANALYST_STATUSES order."""
    return [t for t in ANALYST_STATUSES if t != from_status and allowed_move(from_status, t, role) is None]


def enqueue(session: Session, entity: str, entity_id: str | int, op: str = "upsert") -> None:
    session.add(OutboxEntry(entity=entity, entity_id=str(entity_id), op=op))


def start_run(session: Session, storefront_id: int, trigger: str = "manual", *, pid: int | None = None,
              settings_digest: str | None = None) -> CrawlRun:
    run = CrawlRun(storefront_id=storefront_id, trigger=trigger, status="running", pid=pid,
                   settings_digest=settings_digest)
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: CrawlRun, status: str, error: str | None = None,
               stats: dict[str, Any] | None = None) -> None:
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown crawl run status {status!r}")
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    if stats is not None:
        run.stats = stats


def record_page(session: Session, run: CrawlRun, **fields: Any) -> PageRecord:
    """Store one fetched page of ``run`` (fields of PageRecord) and queue it for the pages index."""
    page = PageRecord(crawl_run_id=run.id, storefront_id=run.storefront_id, **fields)
    session.add(page)
    session.flush()
    enqueue(session, "page", page.id)
    return page


def _event(session: Session, finding: Finding, to_status: str, *, actor: str = "system", note: str = "",
           run_id: int | None = None, at: datetime | None = None) -> None:
    session.add(FindingEvent(finding_id=finding.finding_id, at=at or utcnow(), actor=actor,
                             from_status=finding.status if finding.status != to_status else None,
                             to_status=to_status, note=note, crawl_run_id=run_id))


def _previous_status(session: Session, finding: Finding) -> str:
    ev = session.scalars(select(FindingEvent).where(FindingEvent.finding_id == finding.finding_id,
                                                    FindingEvent.to_status == "ready_to_close")
                         .order_by(FindingEvent.id.desc()).limit(1)).first()
    return (ev.from_status if ev and ev.from_status else "reopened")


def _judged(f: FindingRecord, data: dict[str, Any]) -> dict[str, Any]:
    """How the analyzer judged ``f``: page kind, voice, source and the rules merged into it."""
    return {"page_kind": f.page_kind or "", "voice": f.voice or "", "source": f.source or "rule",
            "also": list(data.get("also") or [])}


def save_findings(session: Session, run: CrawlRun, page: PageRecord | None,
                  findings: Sequence[FindingRecord], *, page_url: str | None = None) -> dict[str, int]:
    """Upsert the findings judged on one page of ``run`` and resolve those no longer seen there.

    Resolution happens only when ``page`` is given and complete. Returns counts by outcome.
    """
    now = utcnow()
    counts = {"new": 0, "seen": 0, "reopened": 0, "resolved": 0}
    seen_ids = set()
    for f in findings:
        fid = f.finding_id
        if fid in seen_ids:
            continue
        seen_ids.add(fid)
        row = session.get(Finding, fid)
        data = f.to_dict()
        if row is None:
            row = Finding(finding_id=fid, storefront_id=f.storefront_id, rule_id=f.rule_id,
                          category=f.category, article=f.article, law=list(f.law), severity=f.severity,
                          confidence=f.confidence, url=f.url, match=f.match, excerpt=f.excerpt,
                          location=data["location"], explanation=f.explanation, evidence=f.evidence,
                          page_title=getattr(page, "title", "") or "", page_id=getattr(page, "id", None),
                          crawl_run_id=run.id, first_seen=now, last_seen=now, status="open",
                          status_changed_at=now, **_judged(f, data))
            row.tokens = finding_search_tokens(row.match, row.excerpt, row.page_title)
            session.add(row)
            session.flush()
            _event(session, row, "open", run_id=run.id, note="首次发现")
            counts["new"] += 1
        else:
            texts = (row.match, row.excerpt, row.page_title)
            row.last_seen = now
            row.crawl_run_id = run.id
            row.excerpt, row.confidence, row.location = f.excerpt, f.confidence, data["location"]
            row.severity, row.explanation = f.severity, f.explanation
            for name, value in _judged(f, data).items():
                setattr(row, name, value)
            if f.evidence:
                row.evidence = f.evidence
            if page is not None:
                row.page_id, row.page_title = page.id, page.title
            if row.tokens is None or (row.match, row.excerpt, row.page_title) != texts:
                row.tokens = finding_search_tokens(row.match, row.excerpt, row.page_title)
            if row.status == "resolved":
                _event(session, row, "reopened", run_id=run.id, note="复查再次发现")
                row.status, row.status_changed_at = "reopened", now
                counts["reopened"] += 1
            elif row.status == "ready_to_close":
                back = _previous_status(session, row)
                _event(session, row, back, run_id=run.id, note="复查仍发现，未整改")
                row.status, row.status_changed_at = back, now
                counts["reopened"] += 1
            else:
                counts["seen"] += 1
        enqueue(session, "finding", fid)
    if page is not None and page.complete and 200 <= page.status_code < 400:
        url = page_url or page.url
        stale = session.scalars(select(Finding).where(
            Finding.storefront_id == run.storefront_id, Finding.url == url,
            Finding.status.in_(tuple(AUTO_RESOLVE)))).all()
        for row in stale:
            if row.finding_id in seen_ids:
                continue
            to = AUTO_RESOLVE[row.status]
            _event(session, row, to, run_id=run.id,
                   note="复查未再发现" + ("，待结案（第二十四条整改复查）" if to == "ready_to_close" else ""))
            row.status, row.status_changed_at = to, now
            enqueue(session, "finding", row.finding_id)
            counts["resolved"] += 1
    return counts


def finding_by_id(session: Session, text: str) -> Finding | None:
    """A finding by its full id or by the short id (a unique prefix of 6+ characters) that lists print."""
    text = text.strip().lower()
    row = session.get(Finding, text)
    if row is not None or len(text) < 6 or not all(c in "0123456789abcdef" for c in text):
        return row
    matches = session.scalars(select(Finding).where(Finding.finding_id.like(text + "%")).limit(2)).all()
    if len(matches) > 1:
        raise InputError(f"短编号 {text} 对应多条线索，请多输入几位 (prefix is ambiguous)")
    return matches[0] if matches else None


def set_status(session: Session, finding_id: str, status: str, *, actor: str, role: str,
               note: str = "") -> Finding:
    """A person's decision: change a finding's status with an audit event and an outbox row.

    The move must be allowed for ``role`` by :data:`MOVES`; otherwise :class:`PermissionDenied`.
    """
    if status not in FINDING_STATUSES:
        raise InputError(f"未知状态 {status!r}；可选：{', '.join(FINDING_STATUSES)}")
    if status == "dismissed" and not note.strip():
        raise InputError(NOTE_REQUIRED)
    row = session.get(Finding, finding_id)
    if row is None:
        raise InputError(f"没有编号为 {finding_id} 的线索")
    if row.status != status:
        why = refusal(row, status, role)
        if why is not None:
            raise PermissionDenied(why)
        _event(session, row, status, actor=actor, note=note)
        row.status, row.status_changed_at = status, utcnow()
        enqueue(session, "finding", row.finding_id)
    return row


def mark_interrupted(session: Session, runs: Iterable[CrawlRun], reason: str) -> int:
    n = 0
    for run in runs:
        finish_run(session, run, "interrupted", error=reason)
        n += 1
    return n
