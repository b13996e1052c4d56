"""The weekly digest: trends over the last weeks (new, resolved, open by severity, coverage). Pure build."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.digest import coverage_gaps, merchant_link
from alerts.labels import CATEGORY_ZH, SEVERITY_ORDER, SEVERITY_ZH
from store.models import OPEN_STATUSES, CrawlRun, Finding, FindingEvent, Storefront

WEEKS = 8


@dataclass(frozen=True)
class WeeklyData:
    now: datetime
    first_seen: tuple[tuple[datetime, str, str], ...]  # (first_seen, severity, category), last WEEKS weeks
    resolved_at: tuple[datetime, ...]
    runs: tuple[tuple[datetime, str], ...]  # (started_at, status)
    open_by_severity: dict[str, int]
    open_by_storefront: tuple[tuple[int, str, str, int], ...]  # (id, name, domain, open count), top 10
    gaps: tuple[dict[str, Any], ...]


def week_key(ts: datetime, tz: ZoneInfo) -> str:
    y, w, _ = ts.astimezone(tz).isocalendar()
    return f"{y}-W{w:02d}"


def collect_weekly(session: Session, now: datetime) -> WeeklyData:
    since = now - timedelta(weeks=WEEKS)
    first = session.execute(select(Finding.first_seen, Finding.severity, Finding.category)
                            .where(Finding.first_seen > since)).all()
    resolved = session.scalars(select(FindingEvent.at).where(
        FindingEvent.at > since, FindingEvent.to_status.in_(("resolved", "ready_to_close")))).all()
    runs = session.execute(select(CrawlRun.started_at, CrawlRun.status).where(CrawlRun.started_at > since)).all()
    open_sev = dict(session.execute(select(Finding.severity, func.count()).where(
        Finding.status.in_(OPEN_STATUSES)).group_by(Finding.severity)).all())
    per_store = session.execute(
        select(Storefront.id, Storefront.name, Storefront.domain, func.count(Finding.finding_id).label("n"))
        .join(Finding, Finding.storefront_id == Storefront.id).where(Finding.status.in_(OPEN_STATUSES))
        .group_by(Storefront.id, Storefront.name, Storefront.domain)
        .order_by(func.count(Finding.finding_id).desc(), Storefront.id).limit(10)).all()
    return WeeklyData(now=now, first_seen=tuple((a, b, c) for a, b, c in first), resolved_at=tuple(resolved),
                      runs=tuple((a, b) for a, b in runs), open_by_severity={k: int(v) for k, v in open_sev.items()},
                      open_by_storefront=tuple((a, b, c, int(n)) for a, b, c, n in per_store),
                      gaps=tuple(coverage_gaps(session, None)))


def build_weekly(data: WeeklyData, *, ui_base_url: str, timezone: str) -> dict[str, Any]:
    """Per-week series (oldest first), this week against last week by category, top storefronts."""
    tz = ZoneInfo(timezone)
    keys = [week_key(data.now - timedelta(weeks=i), tz) for i in range(WEEKS - 1, -1, -1)]
    new = Counter(week_key(t, tz) for t, _, _ in data.first_seen)
    res = Counter(week_key(t, tz) for t in data.resolved_at)
    crawls = Counter(week_key(t, tz) for t, _ in data.runs)
    gaps = Counter(week_key(t, tz) for t, s in data.runs if s in ("unreachable", "partial", "failed", "interrupted"))
    series = [{"week": k, "new": new.get(k, 0), "resolved": res.get(k, 0), "crawls": crawls.get(k, 0),
               "coverage_gaps": gaps.get(k, 0)} for k in keys]
    this_w, last_w = keys[-1], keys[-2]
    cats_this = Counter(c for t, _, c in data.first_seen if week_key(t, tz) == this_w)
    cats_last = Counter(c for t, _, c in data.first_seen if week_key(t, tz) == last_w)
    categories: list[dict[str, Any]] = sorted(({"category": c, "category_zh": CATEGORY_ZH.get(c, c), "this_week": cats_this.get(c, 0),
                          "last_week": cats_last.get(c, 0), "change": cats_this.get(c, 0) - cats_last.get(c, 0)}
                         for c in set(cats_this) | set(cats_last)), key=lambda r: (-int(r["this_week"]), str(r["category"])))
    base = ui_base_url.rstrip("/")
    top = [{"storefront_id": i, "name": n, "domain": d, "open": c, "link": merchant_link(base, i)}
           for i, n, d, c in data.open_by_storefront]
    open_sev = [{"severity": s, "severity_zh": SEVERITY_ZH[s], "count": data.open_by_severity.get(s, 0)}
                for s in SEVERITY_ORDER]
    cur = series[-1]
    subject = (f"【storewatch 每周趋势】{this_w}：新发现 {cur['new']} 项，已消失 {cur['resolved']} 项，"
               f"未结 {sum(data.open_by_severity.values())} 项")
    return {"kind": "weekly", "kind_zh": "每周趋势", "subject": subject, "week": this_w, "series": series,
            "categories": categories, "top_storefronts": top, "open_by_severity": open_sev,
            "open_total": sum(data.open_by_severity.values()), "gaps": list(data.gaps),
            "period_end": data.now.isoformat(), "counts": {"carried": 0, **{f"week_{k}": v for k, v in cur.items()
                                                                            if k != "week"}},
            "links": {"ui": base, "findings": f"{base}/findings?status=open"}}
