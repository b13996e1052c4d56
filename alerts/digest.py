"""Daily digests and immediate alerts: which findings to carry (from the store) and the digest dict.

Selection is by *carry*, not by clock: a finding is reported when no digest of that kind has
carried it yet (new), when it was reopened after the last carry (reopened, compared by audit
event id, which is immune to commit-order races), or when it is still open and its last carry
is older than ``digest.stale_days`` (stale). Every carried finding is recorded in
``digest_items`` in the same transaction that queues the digest, so a restart or an outage
neither repeats nor skips a finding. :func:`build_daily` is pure: rows in, dict out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.labels import (
    CATEGORY_ZH,
    REASON_ZH,
    RUN_STATUS_ZH,
    SEVERITY_ORDER,
    SEVERITY_ZH,
    STATUS_ZH,
    article_zh,
)
from alerts.overview import OpenRow, merchant_cases, merchant_table, open_by_merchant
from store.models import (
    OPEN_STATUSES,
    CrawlRun,
    Digest,
    DigestItem,
    Finding,
    FindingEvent,
    Storefront,
)

GAP_STATUSES = ("unreachable", "partial", "failed", "interrupted")


@dataclass(frozen=True)
class Carried:
    """A finding chosen for a digest: its JSON form plus storefront, reason and event watermark."""

    finding: dict[str, Any]
    storefront_name: str
    storefront_domain: str
    reason: str
    last_event_id: int


@dataclass(frozen=True)
class Selection:
    kind: str
    period_start: datetime | None
    period_end: datetime
    items: tuple[Carried, ...]
    gaps: tuple[dict[str, Any], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # period activity, for the change vs previous
    previous_counts: dict[str, int] = field(default_factory=dict)
    previous_gaps: frozenset[int] = frozenset()  # storefronts listed as gaps by the previous digest
    open_rows: tuple[OpenRow, ...] = ()  # open findings per (storefront, severity): every "still open" number
    cases: tuple[dict[str, Any], ...] = ()  # cases not closed, with re-checks due


def _carry_state(session: Session, kind: str) -> dict[str, tuple[int, datetime]]:
    """finding_id -> (newest event id carried, when last carried) for digests of ``kind``."""
    rows = session.execute(
        select(DigestItem.finding_id, func.max(DigestItem.last_event_id), func.max(Digest.created_at))
        .join(Digest, Digest.id == DigestItem.digest_id).where(Digest.kind == kind)
        .group_by(DigestItem.finding_id)).all()
    return {fid: (int(ev or 0), at) for fid, ev, at in rows}


def select_findings(session: Session, kind: str, now: datetime, *, stale_days: int,
                    categories: Sequence[str] | None = None) -> list[Carried]:
    """Open findings that a digest of ``kind`` must carry now (see the module docstring)."""
    q = select(Finding, Storefront.name, Storefront.domain).outerjoin(
        Storefront, Storefront.id == Finding.storefront_id).where(Finding.status.in_(OPEN_STATUSES))
    if categories is not None:
        q = q.where(Finding.category.in_(tuple(categories)))
    rows = session.execute(q).all()
    if not rows:
        return []
    carried = _carry_state(session, kind)
    last_event = dict(session.execute(select(FindingEvent.finding_id, func.max(FindingEvent.id))
                                      .group_by(FindingEvent.finding_id)).all())
    last_reopen = dict(session.execute(select(FindingEvent.finding_id, func.max(FindingEvent.id))
                                       .where(FindingEvent.to_status == "reopened")
                                       .group_by(FindingEvent.finding_id)).all())
    stale_before = now - timedelta(days=stale_days)
    out = []
    for f, name, domain in rows:
        fid = f.finding_id
        watermark = int(last_event.get(fid) or 0)
        reopen = int(last_reopen.get(fid) or 0)
        if fid not in carried:
            reason = "reopened" if f.status == "reopened" else "new"
            if kind == "alert":
                reason = "critical"
        elif reopen > carried[fid][0]:
            reason = "critical" if kind == "alert" else "reopened"
        elif kind != "alert" and carried[fid][1] < stale_before:
            reason = "stale"
        else:
            continue
        out.append(Carried(f.to_dict() | {"page_title": f.page_title}, name or "", domain or "", reason,
                           watermark))
    return out


def coverage_gaps(session: Session, since: datetime | None) -> list[dict[str, Any]]:
    """Active storefronts whose latest finished crawl did not cover the site (never read as compliance)."""
    latest = (select(CrawlRun.storefront_id, func.max(CrawlRun.id).label("run_id"))
              .where(CrawlRun.status != "running").group_by(CrawlRun.storefront_id).subquery())
    rows = session.execute(
        select(Storefront, CrawlRun).join(latest, latest.c.storefront_id == Storefront.id)
        .join(CrawlRun, CrawlRun.id == latest.c.run_id)
        .where(Storefront.active.is_(True), CrawlRun.status.in_(GAP_STATUSES))
        .order_by(Storefront.id)).all()
    return [{"storefront_id": s.id, "name": s.name, "domain": s.domain, "status": r.status,
             "status_zh": RUN_STATUS_ZH.get(r.status, r.status), "error": (r.error or "")[:300],
             "run_id": r.id, "finished_at": r.finished_at.isoformat() if r.finished_at else None,
             "pages_fetched": r.pages_fetched, "pages_failed": r.pages_failed,
             "reasons": list((r.stats or {}).get("coverage_zh") or [])[:10],
             "new_in_period": bool(since is None or (r.finished_at and r.finished_at > since))}
            for s, r in rows]


def period_counts(session: Session, start: datetime | None, end: datetime) -> dict[str, int]:
    """Activity in (start, end]: new findings, reopenings, resolutions, crawls."""
    def events(to: str) -> int:
        q = select(func.count()).select_from(FindingEvent).where(FindingEvent.to_status == to,
                                                                FindingEvent.at <= end)
        return int(session.scalar(q.where(FindingEvent.at > start) if start else q) or 0)

    q_new = select(func.count()).select_from(Finding).where(Finding.first_seen <= end)
    q_runs = select(func.count()).select_from(CrawlRun).where(CrawlRun.started_at <= end)
    if start:
        q_new, q_runs = q_new.where(Finding.first_seen > start), q_runs.where(CrawlRun.started_at > start)
    return {"new": int(session.scalar(q_new) or 0), "reopened": events("reopened"),
            "resolved": events("resolved") + events("ready_to_close"), "crawls": int(session.scalar(q_runs) or 0),
            "open_total": int(session.scalar(select(func.count()).select_from(Finding)
                                             .where(Finding.status.in_(OPEN_STATUSES))) or 0)}


def last_digest(session: Session, kind: str) -> Digest | None:
    return session.scalars(select(Digest).where(Digest.kind == kind).order_by(Digest.id.desc()).limit(1)).first()


def select_daily(session: Session, now: datetime, *, stale_days: int) -> Selection:
    prev = last_digest(session, "daily")
    start = prev.period_end if prev else None
    return Selection(kind="daily", period_start=start, period_end=now,
                     items=tuple(select_findings(session, "daily", now, stale_days=stale_days)),
                     open_rows=open_by_merchant(session), cases=merchant_cases(session, now),
                     gaps=tuple(coverage_gaps(session, start)), counts=period_counts(session, start, now),
                     previous_counts=dict((prev.summary or {}).get("counts", {})) if prev else {},
                     previous_gaps=frozenset(g["storefront_id"] for g in
                                             ((prev.summary or {}).get("digest", {}).get("gaps", []) if prev else [])))


def select_alert(session: Session, now: datetime, *, categories: Sequence[str]) -> Selection:
    prev = last_digest(session, "alert")
    return Selection(kind="alert", period_start=prev.period_end if prev else None, period_end=now,
                     items=tuple(select_findings(session, "alert", now, stale_days=10**5, categories=categories)))


def _local(ts: datetime | str | None, tz: ZoneInfo) -> str:
    if ts is None:
        return "—"
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts)
    return ts.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def merchant_link(base: str, storefront_id: int | None) -> str:
    """The storefront's credit file in the triage UI (``/merchants/<id>``; web/views/credit_views.py)."""
    return f"{base}/merchants/{storefront_id}" if storefront_id is not None else f"{base}/merchants"


CRITICAL_LINES = 10  # one screen: further critical lines are one "另有 N 项" link


def _grouped(items: list[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    """One line per (merchant, article): how many, a few of the matched words, one link."""
    groups: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for i in items:
        groups.setdefault((i["storefront_id"], i["article"]), []).append(i)
    out = []
    for (sid, _article), its in groups.items():
        words = list(dict.fromkeys(i["match_short"] for i in its))
        link = its[0]["link"] if len(its) == 1 else (
            f"{base}/findings?storefront={sid}&severity=critical&status=open&status=reopened")
        out.append({"storefront_name": its[0]["storefront_name"], "article_zh": its[0]["article_zh"],
                    "category_zh": its[0]["category_zh"], "count": len(its), "link": link,
                    "matches": "、".join(f"“{w}”" for w in words[:3]) + ("等" if len(words) > 3 else "")})
    out.sort(key=lambda g: (-g["count"], g["storefront_name"], g["article_zh"]))
    return out


def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def build_daily(sel: Selection, *, ui_base_url: str, timezone: str) -> dict[str, Any]:
    """The digest as a plain dict (what templates, webhooks and ``--dry-run`` show). Pure.

    Every count shown comes from two sources only: the carried findings (new, reopened, stale, by
    severity) and ``sel.open_rows`` (still open, per merchant and severity); the subject, the summary
    line and the tables are sums over the same lists, so they cannot disagree."""
    tz = ZoneInfo(timezone)
    base = ui_base_url.rstrip("/")
    items = []
    for c in sel.items:
        f = c.finding
        items.append(f | {
            "reason": c.reason, "reason_zh": REASON_ZH[c.reason], "storefront_name": c.storefront_name,
            "storefront_domain": c.storefront_domain, "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"]),
            "category_zh": CATEGORY_ZH.get(f["category"], f["category"]), "article_zh": article_zh(f["article"]),
            "status_zh": STATUS_ZH.get(f["status"], f["status"]), "link": f"{base}/findings/{f['finding_id']}",
            "match_short": _short(f.get("match", "")), "first_seen_local": _local(f["first_seen"], tz),
            "last_seen_local": _local(f["last_seen"], tz)})
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    items.sort(key=lambda i: (rank.get(i["severity"], 9), i["storefront_id"] or 0, i["article"], -i["confidence"],
                              i["finding_id"]))
    reasons = Counter(i["reason"] for i in items)
    carried_sev = Counter(i["severity"] for i in items)
    by_severity = {s: carried_sev[s] for s in SEVERITY_ORDER if carried_sev.get(s)}
    merchants = merchant_table(sel.open_rows, items, sel.cases, lambda sid: merchant_link(base, sid))
    open_sev = {s: sum(m["by_severity"].get(s, 0) for m in merchants) for s in SEVERITY_ORDER}
    counts = {"carried": len(items), **{r: reasons.get(r, 0) for r in REASON_ZH},
              "open_total": sum(m["open"] for m in merchants), "merchants": len(merchants), "gaps": len(sel.gaps),
              "period_resolved": sel.counts.get("resolved", 0), "period_crawls": sel.counts.get("crawls", 0)}
    change = {k: counts[k] - int(sel.previous_counts.get(k, 0)) for k in ("new", "reopened", "stale", "open_total")
              if sel.previous_counts and k in sel.previous_counts}
    critical_new = [i for i in items if i["severity"] == "critical" and i["reason"] in ("new", "reopened", "critical")]
    reopened = [i for i in items if i["reason"] == "reopened" and i not in critical_new]
    critical_groups = _grouped(critical_new, base)
    due = [c | {"link": f"{base}/cases/{c['case_id']}", "recheck_local": _local(c["recheck_at"], tz)}
           for c in sel.cases if c["recheck_due"]]
    gaps = [g | {"finished_local": _local(g.get("finished_at"), tz), "link": merchant_link(base, g.get("storefront_id"))}
            for g in sel.gaps]
    label = {"daily": "每日", "alert": "即时告警"}.get(sel.kind, sel.kind)
    period = f"{_local(sel.period_start, tz) if sel.period_start else '开始监测'} 至 {_local(sel.period_end, tz)}"
    sev_text = "，".join(f"{SEVERITY_ZH[s]} {n} 项" for s, n in by_severity.items())
    if sel.kind == "alert":
        subject = f"【storewatch 严重违规告警】{len(items)} 项须立即研判（{sev_text}；{_local(sel.period_end, tz)}）"
    else:
        subject = (f"【storewatch {label}摘要】新发现 {counts['new']} 项，再次出现 {counts['reopened']} 项，"
                   f"逾期 {counts['stale']} 项，覆盖缺口 {counts['gaps']} 个（{_local(sel.period_end, tz)[:10]}）")
    return {"kind": sel.kind, "kind_zh": label, "subject": subject, "period": period,
            "period_start": sel.period_start.isoformat() if sel.period_start else None,
            "period_end": sel.period_end.isoformat(), "counts": counts, "by_severity": by_severity,
            "open_by_severity": [{"severity": s, "severity_zh": SEVERITY_ZH[s], "count": n}
                                 for s, n in open_sev.items() if n],
            "change": change, "merchants": merchants, "critical_new": critical_new, "critical_groups": critical_groups[:CRITICAL_LINES],
            "critical_more": sum(g["count"] for g in critical_groups[CRITICAL_LINES:]), "reopened": reopened[:CRITICAL_LINES],
            "reopened_more": max(0, len(reopened) - CRITICAL_LINES), "rechecks_due": due,
            "items": items, "gaps": gaps, "timezone": timezone,
            "links": {"ui": base, "findings": f"{base}/findings?status=open", "cases": f"{base}/cases"}}


def has_news(sel: Selection) -> bool:
    """Worth sending: something carried, or a coverage gap the previous digest did not list yet
    (an outage that goes on is listed in every digest sent, but does not trigger one by itself)."""
    return bool(sel.items) or any(g["storefront_id"] not in sel.previous_gaps for g in sel.gaps)
