"""Findings: the search list with facets and bulk actions, one finding with its evidence, decisions."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from errors import EvidenceError, InputError, SearchBackendError
from store.decisions import precision_label, precision_of_rule
from store.lifecycle import ANALYST_STATUSES, NOTE_REQUIRED, STATUS_LABELS, moves_for, refusal, set_status
from store.models import AllowListEntry, Finding, FindingEvent, PageRecord, Storefront
from web import evidence_view
from web.common import form, in_db, render, state, user
from web.models import Case, CaseFinding
from web.search_adapter import FACETS, SORTS, Filters, SearchResult, search, sort_name
from web.views.replay import page_record

log = logging.getLogger(__name__)
DECISIONS = {"confirmed": "确认违规", "dismissed": "排除（误报）", "open": "重新打开"}


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InputError(f"日期格式错误：{value!r}（应为 YYYY-MM-DD）") from None


def filters_from(request: Request) -> Filters:
    qp = request.query_params
    try:
        storefronts = tuple(int(v) for v in qp.getlist("storefront") if v)
    except ValueError:
        raise InputError("storefront 参数应为网站编号") from None
    return Filters(category=tuple(v for v in qp.getlist("category") if v),
                   article=tuple(v for v in qp.getlist("article") if v),
                   severity=tuple(v for v in qp.getlist("severity") if v),
                   status=tuple(v for v in qp.getlist("status") if v),
                   storefront=storefronts, date_from=_date(qp.get("from")), date_to=_date(qp.get("to")))


async def findings_list(request: Request) -> Response:
    st = state(request)
    qp = request.query_params
    query = qp.get("q", "")
    sort = sort_name(qp.get("sort", "last_seen"))
    cursor = qp.get("after") or None
    try:
        page = max(1, int(qp.get("page", "1")))
    except ValueError:
        page = 1
    error = ""
    status = 200
    try:
        filters = filters_from(request)
    except InputError as exc:
        filters, error = Filters(), str(exc)
    per_page = st.settings.web.page_size

    def run(q: str, f: Filters, n: int, after: str | None) -> Any:
        return in_db(request, lambda s: search(st.backend, s, q, f, sort=sort, page=n, per_page=per_page,
                                               cursor=after, tz=st.settings.timezone))

    t0 = time.perf_counter()
    try:
        result = await run(query, filters, page, cursor)
    except InputError as exc:  # the query does not parse, or a stale cursor: say so, show the facets
        error = str(exc)
        try:
            result = await run("", filters, 1, None)
        except (InputError, SearchBackendError):
            result = SearchResult(hits=[], total=0, page=1, per_page=per_page)
        result.hits, result.total = [], 0
    except SearchBackendError as exc:
        log.warning("findings search failed: %s", exc)
        # the backend's own words can name files and hosts of the server: they go to the log only
        error, status = "搜索服务暂不可用，请稍后再试或联系系统管理员", 503
        result = SearchResult(hits=[], total=0, page=1, per_page=per_page)
    elapsed = (time.perf_counter() - t0) * 1000
    selected = {name: {str(v) for v in getattr(filters, name)} for name in FACETS}
    base = [(k, v) for k, v in qp.multi_items() if k not in ("page", "after")]

    def page_url(n: int, after: str | None = None) -> str:
        return "/findings?" + urlencode([*base, ("page", str(n)), *([("after", after)] if after else [])])

    n = result.page
    next_url = prev_url = ""
    if result.hits and n < result.pages:
        # by number within the first MAX_WINDOW hits, else with the search_after cursor
        next_url = page_url(n + 1) if result.offset_reaches(n + 1) else \
            (page_url(n + 1, result.next_cursor) if result.next_cursor else "")
    if n > 1 and result.offset_reaches(n - 1):
        prev_url = page_url(n - 1)
    return render(request, "findings.html", status_code=status, result=result, query=query, sort=sort,
                  sorts=SORTS, selected=selected, filters=filters, error=error, elapsed_ms=elapsed,
                  next_url=next_url, prev_url=prev_url, first_url=page_url(1) if n > 1 and not prev_url else "",
                  facet_names={"category": "类别", "article": "条款", "severity": "严重程度",
                               "status": "状态", "storefront": "网站"},
                  back=str(request.url.path) + ("?" + request.url.query if request.url.query else ""))


def _safe_back(value: Any, default: str) -> str:
    v = str(value or "")
    return v if v.startswith("/") and not v.startswith("//") else default


async def findings_bulk(request: Request) -> Response:
    u, data = await form(request)
    ids = [str(i) for i in data.getlist("ids")][:1000]
    action = str(data.get("action", ""))
    note = str(data.get("note", "")).strip()
    back = _safe_back(data.get("back"), "/findings")
    if not ids:
        raise InputError("请先勾选要处理的问题 (no finding selected)")
    refused: list[tuple[str, str]] = []  # (finding id, why it did not move): the others move
    if action == "case":
        from web.views.cases import open_cases

        case_ids = await in_db(request, lambda s: open_cases(s, ids, actor=u.name, role=u.role, title=note,
                                                                    tz=state(request).settings.timezone, refused=refused))
        if not refused:
            return RedirectResponse(f"/cases/{case_ids[0]}" if len(case_ids) == 1 else "/cases", status_code=303)
        return render(request, "bulk_result.html", action="立案", moved=len(ids) - len(refused), refused=refused,
                      case_ids=case_ids, back=back)
    if action not in ("confirmed", "dismissed"):
        raise InputError(f"未知操作 {action!r}")
    if action == "dismissed" and not note:
        raise InputError(f"{NOTE_REQUIRED}：请在“备注”栏写明后再点“排除（误报）”")

    def apply(session: Session) -> int:
        moved = 0
        for fid in ids:
            row = session.get(Finding, fid)
            why = "所选问题不存在" if row is None else refusal(row, action, u.role)
            if why is not None:
                refused.append((fid, why))
                continue
            set_status(session, fid, action, actor=u.name, role=u.role, note=note or "批量确认")
            moved += 1
        return moved

    moved = await in_db(request, apply)
    if not refused:
        return RedirectResponse(back, status_code=303)
    return render(request, "bulk_result.html", action=STATUS_LABELS.get(action, action), moved=moved,
                  refused=refused, case_ids=[], back=back)


def _detail(session: Session, fid: str) -> dict[str, Any]:
    f = session.get(Finding, fid)
    if f is None:
        raise HTTPException(404, f"没有编号为 {fid} 的问题")
    sf = session.get(Storefront, f.storefront_id) if f.storefront_id else None
    page = session.get(PageRecord, f.page_id) if f.page_id else None
    events = session.scalars(select(FindingEvent).where(FindingEvent.finding_id == fid)
                             .order_by(FindingEvent.id)).all()
    cases = session.scalars(select(Case).join(CaseFinding, CaseFinding.case_id == Case.id)
                            .where(CaseFinding.finding_id == fid)).all()
    allow = session.scalars(select(AllowListEntry).where(AllowListEntry.storefront_id == f.storefront_id,
                                                         AllowListEntry.rule_id == f.rule_id)).all() \
        if f.storefront_id else []
    precision = precision_label(precision_of_rule(session, f.rule_id))
    return {"f": f, "sf": sf, "page": page, "events": events, "cases": cases, "allow": allow,
            "rule_precision": precision}


async def finding_detail(request: Request) -> Response:
    from web.labels import article_summaries

    st = state(request)
    u = user(request)
    fid = request.path_params["fid"]
    ctx = await in_db(request, lambda s: _detail(s, fid))
    f, page = ctx["f"], ctx["page"]
    verification = shot = None
    box = None
    if page is not None and page.warc_path:
        verification = await _threaded(request, lambda: evidence_view.verify(page, st.settings.evidence_dir,
                                                                             f.evidence))
        shot = await _threaded(request, lambda: _screenshot(st, page))
        loc = f.location or {}
        bbox = loc.get("bbox") or loc.get("box")
        if shot is not None and isinstance(bbox, list | tuple) and len(bbox) == 4:
            box = [float(x) for x in bbox]
    size = evidence_view.png_size(shot.body) if shot is not None else None
    return render(request, "finding.html", **ctx, articles=article_summaries(f.article),
                  verification=verification, has_shot=shot is not None, shot_size=size, box=box,
                  decisions=DECISIONS, analyst_statuses=moves_for(f.status, u.role))


async def _threaded(request: Request, fn: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn)


def _screenshot(st: Any, page: PageRecord) -> evidence_view.ArchivedRecord | None:
    try:
        path = evidence_view.resolve_path(st.settings.evidence_dir, page.warc_path)
        return evidence_view.find_screenshot(path, page.screenshot_sha256, page.warc_record_id, page.url)
    except EvidenceError as exc:
        log.info("no screenshot for page %s: %s", page.id, exc)
        return None


async def finding_status(request: Request) -> Response:
    u, data = await form(request)
    fid = request.path_params["fid"]
    status = str(data.get("status", ""))
    note = str(data.get("note", "")).strip()
    allow = data.get("allow_list") == "1"
    allow_scope = str(data.get("allow_scope", "match"))
    if status not in ANALYST_STATUSES:
        raise InputError(f"不允许的状态 {status!r}")
    if status == "dismissed" and not note:
        raise InputError(f"{NOTE_REQUIRED}：请在“备注”栏写明后再提交")

    def apply(session: Session) -> None:
        f = set_status(session, fid, status, actor=u.name, role=u.role, note=note)
        if status == "dismissed" and allow and f.storefront_id:
            session.add(AllowListEntry(storefront_id=f.storefront_id, rule_id=f.rule_id,
                                       match=f.match if allow_scope == "match" and f.match else None,
                                       reason=note, created_by=u.name))

    await in_db(request, apply)
    return RedirectResponse(f"/findings/{fid}", status_code=303)


async def finding_export(request: Request) -> Response:
    st = state(request)
    user(request)
    fid = request.path_params["fid"]
    ctx = await in_db(request, lambda s: _detail(s, fid))
    f, page = ctx["f"], ctx["page"]
    data = await _threaded(request, lambda: evidence_view.export_zip(
        {**f.to_dict(), "events": [{"at": e.at.isoformat(), "actor": e.actor, "from": e.from_status,
                                    "to": e.to_status, "note": e.note} for e in ctx["events"]]},
        page, st.settings.evidence_dir))
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="evidence-{fid[:16]}.zip"'})


def _with_local_warc(st: Any, finding: dict[str, Any]) -> dict[str, Any]:
    ev = dict(finding.get("evidence") or {})
    if not ev.get("warc"):
        raise HTTPException(404, "该问题没有关联的页面存档")
    try:
        ev["warc"] = str(evidence_view.resolve_path(st.settings.evidence_dir, ev["warc"]))
    except EvidenceError as exc:
        raise HTTPException(404, f"证据文件缺失：{exc}") from None
    return {**finding, "evidence": ev}


async def finding_exhibit(request: Request) -> Response:
    """The boxed exhibit (``evidence.exhibit``): the archived page re-rendered offline, the match boxed."""
    from evidence.exhibit import exhibit

    st = state(request)
    user(request)
    fid = request.path_params["fid"]
    ctx = await in_db(request, lambda s: _detail(s, fid))
    finding = _with_local_warc(st, ctx["f"].to_dict())

    def make() -> bytes:
        from pathlib import Path

        d = exhibit(finding, chromium_path=st.settings.crawler.chromium_path)
        return (Path(d["folder"]) / d["marked"]).read_bytes()

    try:
        png = await _threaded(request, make)
    except (OSError, ValueError, EOFError) as exc:
        raise HTTPException(404, f"标注副本未能生成：{exc}") from None
    return Response(png, media_type="image/png", headers={
        "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=300"})


async def finding_report(request: Request) -> Response:
    """The finding's 取证报告 PDF (``storewatch evidence report``); generating it is recorded in its custody."""
    from store.evidence_commands import _version
    from store.evidence_report import gather_in, report_pdf

    st = state(request)
    u = user(request)
    fid = request.path_params["fid"]
    data = await in_db(request, lambda s: gather_in(s, st.settings, [fid], None, u.name))
    data["findings"] = [_with_local_warc(st, f) for f in data["findings"]]
    pdf = await _threaded(request, lambda: report_pdf(data, st.settings, _version()))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{fid[:16]}.pdf"'})


async def screenshot(request: Request) -> Response:
    st = state(request)
    page = await page_record(request)
    shot = await _threaded(request, lambda: _screenshot(st, page))
    if shot is None:
        raise HTTPException(404, "该页面没有截图")
    return Response(shot.body, media_type="image/png", headers={
        "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=3600"})


ROUTES = [
    Route("/findings", findings_list),
    Route("/findings/bulk", findings_bulk, methods=["POST"]),
    Route("/findings/{fid}", finding_detail),
    Route("/findings/{fid}/status", finding_status, methods=["POST"]),
    Route("/findings/{fid}/export", finding_export),
    Route("/findings/{fid}/exhibit", finding_exhibit),
    Route("/findings/{fid}/report", finding_report),
    Route("/evidence/pages/{pid:id}/screenshot", screenshot),
]
