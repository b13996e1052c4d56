"""Supervisor dashboard: findings by category, article and severity over time, new vs resolved,
crawl coverage and top offenders — as inline SVG charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from store.models import OPEN_STATUSES, Finding, FindingEvent, Storefront, utcnow
from web import charts, stats
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
    by_cat = session.execute(select(Finding.category, func.count()).where(is_open)
                             .group_by(Finding.category).order_by(func.count().desc())).all()
    by_art = session.execute(select(Finding.article, func.count()).where(is_open)
                             .group_by(Finding.article).order_by(func.count().desc()).limit(15)).all()
    sev_m = stats.series(stats.monthly(session, Finding.first_seen, since, by=Finding.severity), months, SEVERITIES)
    top_cats = [c for c, _ in by_cat[:6]]
    cat_m = stats.series(stats.monthly(session, Finding.first_seen, since, Finding.category.in_(top_cats),
                                       by=Finding.category), months, top_cats)
    new_m = [sum(v) for v in zip(*sev_m.values(), strict=True)]
    res_m = stats.series(stats.monthly(session, FindingEvent.at, since, FindingEvent.to_status.in_(RESOLVED)),
                         months, [None])[None]
    weight = func.sum(case(WEIGHT, value=Finding.severity, else_=0)).label("w")
    top = session.execute(select(Finding.storefront_id, Storefront.name, func.count(), weight)
                          .join(Storefront, Storefront.id == Finding.storefront_id).where(is_open)
                          .group_by(Finding.storefront_id, Storefront.name).order_by(weight.desc()).limit(10)).all()
    return {
        "kpi": kpi, "coverage": coverage, "top": top,
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
        "chart_top": charts.hbar([(name, float(w or 0)) for _sid, name, _n, w in top], title="重点网站（按严重程度加权）",
                                 color=charts.PALETTE[1], href=[f"/merchants/{sid}" for sid, *_ in top]),
    }


async def dashboard(request: Request) -> Response:
    require(request, "supervisor")
    st = state(request)
    ctx = await in_db(request, lambda s: dashboard_data(s, st))
    return render(request, "dashboard.html", **ctx)


ROUTES = [Route("/dashboard", dashboard)]
