"""Merchant credit files (信用档案, Art. 6) and the warning list (公示及预警) with XLSX/CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from store.models import OPEN_STATUSES, CrawlRun, Finding, PageRecord, Storefront, utcnow
from web import charts, credit, stats
from web.cache import cached
from web.common import WebState, in_db, render, state
from web.labels import SEVERITY_LABELS, category_label, run_status_label
from web.models import Case

SEVERITIES = ["critical", "high", "medium", "low", "info"]


def _last_runs(session: Session) -> dict[int, CrawlRun]:
    latest = select(CrawlRun.storefront_id, func.max(CrawlRun.id).label("rid")).group_by(CrawlRun.storefront_id) \
        .subquery()
    runs = session.scalars(select(CrawlRun).join(latest, latest.c.rid == CrawlRun.id)).all()
    return {r.storefront_id: r for r in runs}


def merchant_rows(session: Session, st: WebState, now: datetime) -> list[dict[str, Any]]:
    """Every storefront with its grade, open findings, open cases and last crawl (cached)."""
    return list(cached(st, "merchant_rows", session, lambda: _merchant_rows(session, st, now)))


def _merchant_rows(session: Session, st: WebState, now: datetime) -> list[dict[str, Any]]:
    sfs = session.scalars(select(Storefront).order_by(Storefront.id)).all()
    grades = credit.grade_all(session, [s.id for s in sfs], st.settings.credit, now)
    open_counts = dict(session.execute(select(Finding.storefront_id, func.count())
                                       .where(Finding.status.in_(OPEN_STATUSES))
                                       .group_by(Finding.storefront_id)).all())
    case_counts = dict(session.execute(select(Case.storefront_id, func.count()).where(Case.status != "closed")
                                       .group_by(Case.storefront_id)).all())
    runs = _last_runs(session)
    return [{"sf": s, "grade": grades[s.id], "open": open_counts.get(s.id, 0), "cases": case_counts.get(s.id, 0),
             "run": runs.get(s.id)} for s in sfs]


MERCHANTS_PER_PAGE = 100


async def merchants(request: Request) -> Response:
    """Merchants, riskiest first, a page at a time (a province has tens of thousands), filterable by name,
    USCC or domain."""
    st = state(request)
    q = request.query_params.get("q", "").strip()[:100]
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    rows = await in_db(request, lambda s: merchant_rows(s, st, utcnow()))
    if q:
        rows = [r for r in rows if q in r["sf"].name or q in (r["sf"].uscc or "") or q in (r["sf"].domain or "")
                or q in (r["sf"].site_name or "")]
    rows.sort(key=lambda r: (r["grade"].score, -r["open"]))
    total = len(rows)
    pages = max(1, -(-total // MERCHANTS_PER_PAGE))
    page = min(page, pages)
    shown = rows[(page - 1) * MERCHANTS_PER_PAGE: page * MERCHANTS_PER_PAGE]
    return render(request, "merchants.html", rows=shown, title="信用档案", warning=False, q=q, page=page,
                  pages=pages, total=total)


def credit_file(session: Session, st: WebState, sid: int) -> dict[str, Any]:
    sf = session.get(Storefront, sid)
    if sf is None:
        raise HTTPException(404, f"没有编号为 {sid} 的网站")
    now = utcnow()
    grade = credit.grade_storefront(session, sid, st.settings.credit, now)
    runs = session.scalars(select(CrawlRun).where(CrawlRun.storefront_id == sid)
                           .order_by(CrawlRun.started_at.desc()).limit(20)).all()
    run_status = dict(session.execute(select(CrawlRun.status, func.count()).where(CrawlRun.storefront_id == sid)
                                      .group_by(CrawlRun.status)).all())
    pages = session.scalar(select(func.count()).select_from(PageRecord).where(PageRecord.storefront_id == sid)) or 0
    urls = session.scalar(select(func.count(func.distinct(PageRecord.url))).where(PageRecord.storefront_id == sid)) or 0
    months = stats.months_back(now.astimezone(st.tz), 24)
    since = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=UTC)
    new = stats.series(stats.monthly(session, Finding.first_seen, since, Finding.storefront_id == sid,
                                     by=Finding.severity), months, SEVERITIES)
    cases_m = stats.series(stats.monthly(session, Case.opened_at, since, Case.storefront_id == sid), months, [None])
    by_status = dict(session.execute(select(Finding.status, func.count()).where(Finding.storefront_id == sid)
                                     .group_by(Finding.status)).all())
    by_cat = session.execute(select(Finding.category, func.count()).where(Finding.storefront_id == sid)
                             .group_by(Finding.category).order_by(func.count().desc())).all()
    cases = session.scalars(select(Case).where(Case.storefront_id == sid).order_by(Case.opened_at.desc())).all()
    ded_ids = [fid for fid, _ in grade.deductions]
    ded_findings = {f.finding_id: f for f in session.scalars(select(Finding).where(Finding.finding_id.in_(ded_ids)))}
    return {
        "sf": sf, "grade": grade, "runs": runs, "run_status": run_status, "pages": pages, "urls": urls,
        "by_status": by_status, "cases": cases, "cfg": st.settings.credit,
        "deductions": [(ded_findings[fid], pts) for fid, pts in grade.deductions if fid in ded_findings],
        "chart_findings": charts.stacked_columns(months, new, title="每月新发现问题（按严重程度）",
                                                 colors=charts.SEVERITY_COLORS, labels=SEVERITY_LABELS),
        "chart_cases": charts.lines(months, {"立案数": cases_m[None], "新发现问题": [sum(v) for v in zip(*new.values(), strict=True)]},
                                    title="问题与立案趋势"),
        "chart_categories": charts.hbar([(category_label(c), n) for c, n in by_cat], title="问题类别分布"),
    }


async def merchant_detail(request: Request) -> Response:
    st = state(request)
    sid = request.path_params["sid"]
    ctx = await in_db(request, lambda s: credit_file(s, st, sid))
    return render(request, "merchant.html", **ctx, grade_labels=credit.GRADE_LABELS)


def warning_rows(session: Session, st: WebState) -> list[dict[str, Any]]:
    rows = [r for r in merchant_rows(session, st, utcnow()) if r["grade"].grade in st.settings.credit.warning_grades]
    rows.sort(key=lambda r: (r["grade"].score, -r["open"]))
    return rows


async def warnings(request: Request) -> Response:
    st = state(request)
    rows = await in_db(request, lambda s: warning_rows(s, st))
    return render(request, "merchants.html", rows=rows, title="公示及预警名单", warning=True)


HEADERS = ["主体名称", "统一社会信用代码", "网站名称", "网站域名", "信用等级", "等级说明", "信用分", "已确认问题数",
           "其中已整改", "待研判问题数", "其中严重", "暂定等级（待研判全部属实时）", "未结问题数", "在办案件数",
           "最近抓取时间", "最近抓取状态"]


def _table(st: WebState, rows: list[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for r in rows:
        s, g, run = r["sf"], r["grade"], r["run"]
        out.append([s.name, s.uscc, s.site_name, s.domain, g.grade, g.label, g.score, g.confirmed, g.rectified,
                    g.pending, g.pending_critical, f"{g.provisional_grade}（{g.provisional_score}）", r["open"],
                    r["cases"], st.fmt_dt(run.started_at) if run else "",
                    run_status_label(run.status) if run else "未抓取"])
    return out


async def warnings_export(request: Request) -> Response:
    st = state(request)
    fmt = request.url.path.rsplit(".", 1)[-1]
    rows = _table(st, await in_db(request, lambda s: warning_rows(s, st)))
    stamp = datetime.now(st.tz).strftime("%Y%m%d")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(HEADERS)
        w.writerows([[_cell(v) for v in row] for row in rows])
        return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="warning-list-{stamp}.csv"'})
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "公示及预警"
    ws.append(HEADERS)
    for row in rows:
        ws.append([_cell(v) for v in row])
    for col, width in zip("ABCDEFGHIJKLMNOP", (30, 22, 18, 22, 8, 10, 8, 12, 10, 12, 8, 16, 10, 10, 18, 12),
                          strict=True):
        ws.column_dimensions[col].width = width
    buf2 = io.BytesIO()
    wb.save(buf2)
    return Response(buf2.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="warning-list-{stamp}.xlsx"'})


def _cell(v: Any) -> Any:
    """Neutralise spreadsheet formulas in text coming from registry data (CSV/formula injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


ROUTES = [
    Route("/merchants", merchants),
    Route("/merchants/{sid:id}", merchant_detail),
    Route("/warnings", warnings),
    Route("/warnings.csv", warnings_export),
    Route("/warnings.xlsx", warnings_export),
]
