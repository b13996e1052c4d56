"""Supervisor dashboard: findings by category, article and severity over time, new vs resolved,
crawl coverage and top offenders — as inline SVG charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from store.models import OPEN_STATUSES, Finding, FindingEvent, Storefront, utcnow
from web import charts, stats
from web.cache import cached
from web.common import WebState, in_db, render, require, state
from web.labels import CATEGORY_LABELS, SEVERITY_LABELS, article_label
from web.models import Case
from web.views.credit_views import SEVERITIES, _last_runs

RESOLVED = ("resolved", "rectified", "closed")
WEIGHT = {"critical": 20, "high": 10, "medium": 5, "low": 2, "info": 0}


def dashboard_data(session: Session, st: WebState, months_n: int = 12) -> dict[str, Any]:
    now = utcnow()
    months = stats.months_back(now.astimezone(st.tz), months_n)
    since = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=UTC)
    is_open = Finding.status.in_(OPEN_STATUSES)
    kpi = {
        "open": session.scalar(select(func.count()).select_from(Finding).where(is_open)) or 0,
        "new30": session.scalar(select(func.count()).select_from(Finding)
                                .where(Finding.first_seen >= now - timedelta(days=30))) or 0,
        "resolved30": session.scalar(select(func.count()).select_from(FindingEvent)
                                     .where(FindingEvent.at >= now - timedelta(days=30),
                                            FindingEvent.to_status.in_(RESOLVED))) or 0,
        "cases": session.scalar(select(func.count()).select_from(Case).where(Case.status != "closed")) or 0,
        "storefronts": session.scalar(select(func.count()).select_from(Storefront)
                                      .where(Storefront.active.is_(True))) or 0,
    }
    runs = _last_runs(session)
    week = now - timedelta(days=7)
    coverage = {"7日内抓取成功": 0, "7日内部分完成": 0, "无法访问": 0, "抓取失败": 0, "超过7日未抓取": 0, "从未抓取": 0}
    for sid in session.scalars(select(Storefront.id).where(Storefront.active.is_(True))):
        r = runs.get(sid)
        if r is None:
            coverage["从未抓取"] += 1
        elif r.status == "unreachable":
            coverage["无法访问"] += 1
        elif r.status in ("failed", "interrupted"):
            coverage["抓取失败"] += 1
        elif r.started_at < week:
            coverage["超过7日未抓取"] += 1
        elif r.status == "partial":
            coverage["7日内部分完成"] += 1
        else:
            coverage["7日内抓取成功"] += 1
    kpi["crawled7"] = coverage["7日内抓取成功"] + coverage["7日内部分完成"]
    kpi["unreachable"] = coverage["无法访问"]
    by_cat_d: dict[str, int] = {}
    by_art_d: dict[str, int] = {}
    for cat, art, n in session.execute(select(Finding.category, Finding.article, func.count()).where(is_open)
                                       .group_by(Finding.category, Finding.article)):
        by_cat_d[cat] = by_cat_d.get(cat, 0) + n
        by_art_d[art] = by_art_d.get(art, 0) + n
    by_cat = sorted(by_cat_d.items(), key=lambda kv: -kv[1])
    by_art = sorted(by_art_d.items(), key=lambda kv: -kv[1])[:15]
    top_cats = [c for c, _ in by_cat[:6]]
    month = stats.month_expr(session, Finding.first_seen)
    sev_counts: dict[tuple[str, object], int] = {}
    cat_counts: dict[tuple[str, object], int] = {}
    for m, sev, cat, n in session.execute(select(month, Finding.severity, Finding.category, func.count())
                                          .where(Finding.first_seen >= since)
                                          .group_by(month, Finding.severity, Finding.category)):
        sev_counts[(m, sev)] = sev_counts.get((m, sev), 0) + n
        cat_counts[(m, cat)] = cat_counts.get((m, cat), 0) + n
    sev_m = stats.series(sev_counts, months, SEVERITIES)
    cat_m = stats.series(cat_counts, months, top_cats)
    new_m = [sum(v) for v in zip(*sev_m.values(), strict=True)]
    res_m = stats.series(stats.monthly(session, FindingEvent.at, since, FindingEvent.to_status.in_(RESOLVED)),
                         months, [None])[None]
    per_sf: dict[int, list[float]] = {}
    for sid, sev, n in session.execute(select(Finding.storefront_id, Finding.severity, func.count())
                                       .where(is_open, Finding.storefront_id.is_not(None))
                                       .group_by(Finding.storefront_id, Finding.severity)):
        acc = per_sf.setdefault(sid, [0, 0])
        acc[0] += n
        acc[1] += n * WEIGHT.get(sev, 0)
    best = sorted(per_sf.items(), key=lambda kv: -kv[1][1])[:10]
    names = dict(session.execute(select(Storefront.id, Storefront.name)
                                 .where(Storefront.id.in_([sid for sid, _ in best]))).all()) if best else {}
    top = [(sid, names.get(sid, str(sid)), int(v[0]), int(v[1])) for sid, v in best]
    return {
        "kpi": kpi, "coverage": coverage, "top": top, "weights": list(WEIGHT.items()),
        "chart_category": charts.hbar([(CATEGORY_LABELS.get(c, c), n) for c, n in by_cat], title="未结问题（按类别）",
                                      href=[f"/findings?category={c}" for c, _ in by_cat]),
        "chart_article": charts.hbar([(article_label(a), n) for a, n in by_art], title="未结问题（按条款）",
                                     color=charts.PALETTE[4]),
        "chart_severity": charts.stacked_columns(months, sev_m, title="每月新发现问题（按严重程度）",
                                                 colors=charts.SEVERITY_COLORS, labels=SEVERITY_LABELS),
        "chart_category_time": charts.stacked_columns(months, cat_m, title="每月新发现问题（主要类别）",
                                                      labels=CATEGORY_LABELS),
        "chart_flow": charts.lines(months, {"新发现": new_m, "已解决": res_m}, title="新发现与已解决"),
        "chart_coverage": charts.hbar(list(coverage.items()), title="网站抓取覆盖", color=charts.PALETTE[2]),
        "chart_top": charts.hbar([(name, float(w or 0)) for _sid, name, _n, w in top], title="重点网站（加权分）",
                                 color=charts.PALETTE[1], href=[f"/merchants/{sid}" for sid, *_ in top]),
    }


async def dashboard(request: Request) -> Response:
    require(request, "supervisor")
    st = state(request)
    ctx = await in_db(request, lambda s: cached(st, "dashboard", s, lambda: dashboard_data(s, st)))
    return render(request, "dashboard.html", **ctx)


ROUTES = [Route("/dashboard", dashboard)]
