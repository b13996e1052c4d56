"""What the one-screen daily digest adds to the carried findings: the open findings per merchant and
severity (one query: every "still open" number in the digest is a sum of its rows), the merchants'
cases, and the cases due for re-check. Pure reads; :func:`merchant_table` is pure."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.labels import SEVERITY_ORDER, SEVERITY_ZH
from store.models import OPEN_STATUSES, Finding, Storefront
from web.models import CASE_STATUS_LABELS, Case

OpenRow = tuple[int | None, str, str, str, int]  # storefront id, name, domain, severity, open findings


def open_by_merchant(session: Session) -> tuple[OpenRow, ...]:
    """Open findings grouped by (storefront, severity): the digest's single source of "still open"."""
    rows = session.execute(
        select(Finding.storefront_id, Storefront.name, Storefront.domain, Finding.severity, func.count())
        .outerjoin(Storefront, Storefront.id == Finding.storefront_id)
        .where(Finding.status.in_(OPEN_STATUSES))
        .group_by(Finding.storefront_id, Storefront.name, Storefront.domain, Finding.severity)).all()
    return tuple((sid, name or "", domain or "", sev, int(n)) for sid, name, domain, sev, n in rows)


def merchant_cases(session: Session, now: datetime) -> tuple[dict[str, Any], ...]:
    """Cases not closed (state per merchant) and those whose re-check falls before the end of tomorrow."""
    rows = session.execute(select(Case, Storefront.name).join(Storefront, Storefront.id == Case.storefront_id)
                           .where(Case.status != "closed").order_by(Case.id)).all()
    soon = now + timedelta(days=2)
    return tuple({"case_id": c.id, "number": c.number, "storefront_id": c.storefront_id, "name": name,
                  "status": c.status, "status_zh": CASE_STATUS_LABELS.get(c.status, c.status),
                  "recheck_at": c.recheck_at.isoformat() if c.recheck_at else None,
                  "recheck_due": bool(c.recheck_at is not None and c.recheck_run_id is None and c.recheck_at <= soon)}
                 for c, name in rows)


def merchant_table(open_rows: tuple[OpenRow, ...], items: list[dict[str, Any]], cases: tuple[dict[str, Any], ...],
                   link: Any) -> list[dict[str, Any]]:
    """One row per merchant with news or open findings: new (carried new/reopened), still open, open by
    severity, case state. Most severe first, then most open."""
    rows: dict[Any, dict[str, Any]] = {}

    def row(sid: Any, name: str, domain: str) -> dict[str, Any]:
        if sid not in rows:
            rows[sid] = {"storefront_id": sid, "name": name or domain or "（未登记网站）", "domain": domain,
                         "link": link(sid), "new": 0, "open": 0, "by_severity": dict.fromkeys(SEVERITY_ORDER, 0),
                         "cases": []}
        return rows[sid]

    for sid, name, domain, sev, n in open_rows:
        r = row(sid, name, domain)
        r["open"] += n
        r["by_severity"][sev] = r["by_severity"].get(sev, 0) + n
    for i in items:
        if i["reason"] in ("new", "reopened"):
            row(i["storefront_id"], i["storefront_name"], i["storefront_domain"])["new"] += 1
    by_sf: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for c in cases:
        by_sf[c["storefront_id"]].append(c)
    rank = {s: k for k, s in enumerate(SEVERITY_ORDER)}
    out = []
    for r in rows.values():
        r["cases"] = by_sf.get(r["storefront_id"], [])
        r["case_zh"] = "；".join(f"{c['number']} {c['status_zh']}" for c in r["cases"]) or "未立案"
        r["severity_zh"] = " · ".join(f"{SEVERITY_ZH[s]} {n}" for s, n in r["by_severity"].items() if n) or "—"
        r["worst"] = min((rank[s] for s, n in r["by_severity"].items() if n and s in rank), default=9)
        out.append(r)
    out.sort(key=lambda r: (r["worst"], -r["open"], -r["new"], str(r["name"])))
    return out
