"""Cases (立案, Art. 24): open from findings, notices with deadlines, re-checks, closing, case file."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from errors import EvidenceError, InputError
from store.clock import as_local, local_today
from store.lifecycle import refusal, set_status
from store.models import CrawlRun, Finding, PageRecord, Storefront, utcnow
from web import evidence_view
from web.common import WebState, form, in_db, render, state
from web.models import (
    CASE_OUTCOMES,
    CASE_STATUS_LABELS,
    CASE_STATUSES,
    NOTICE_KINDS,
    Case,
    CaseEvent,
    CaseFinding,
    CaseNotice,
)
from web.recheck import recheck_result
from web.search_adapter import SEVERITY_ORDER

log = logging.getLogger(__name__)


def _next_number(session: Session, year: int) -> str:
    prefix = f"XN-{year}-"
    last = session.scalar(select(func.max(Case.number)).where(Case.number.like(prefix + "%")))
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def open_cases(session: Session, finding_ids: list[str], *, actor: str, role: str, title: str = "",
               tz: str = "Asia/Shanghai", refused: list[tuple[str, str]] | None = None) -> list[int]:
    """One case per storefront among the findings; the findings move to ``case_opened``. The case
    number's year is the year in ``tz`` (the configured zone: 00:30 on 1 January is the new year).

    A finding that cannot be put in a case (no storefront, already in a case, a move the role may not
    make) fails the whole call, unless ``refused`` is given: then it is listed there with the reason and
    the others are put in cases. When none can, :class:`InputError` gives every reason."""
    rows = {f.finding_id: f for f in session.scalars(select(Finding).where(Finding.finding_id.in_(finding_ids)))}
    if not rows:
        raise InputError("所选问题不存在")
    in_case = set(session.scalars(select(CaseFinding.finding_id).where(CaseFinding.finding_id.in_(list(rows)))))
    by_sf: dict[int, list[Finding]] = {}
    skipped: list[tuple[str, str]] = []
    for fid in dict.fromkeys(finding_ids):
        f = rows.get(fid)
        why = ("所选问题不存在" if f is None else
               f"问题 {fid[:12]} 不属于任何登记网站，无法立案" if f.storefront_id is None else
               f"问题 {fid[:12]} 已在案件中" if fid in in_case else refusal(f, "case_opened", role))
        if why is not None:
            if refused is None:
                raise InputError(why)
            skipped.append((fid, why))
            continue
        assert f is not None and f.storefront_id is not None
        by_sf.setdefault(f.storefront_id, []).append(f)
    if not by_sf:
        raise InputError("所选问题均不能立案：" + "；".join(why for _, why in skipped[:10]))
    if refused is not None:
        refused.extend(skipped)
    ids = []
    for sf_id, items in sorted(by_sf.items()):
        sf = session.get(Storefront, sf_id)
        now = utcnow()
        case = Case(number=_next_number(session, as_local(now, tz).year), storefront_id=sf_id, opened_by=actor, opened_at=now,
                    title=title or f"{sf.name if sf else sf_id} 涉嫌违反{_articles(items)}", status="open")
        session.add(case)
        session.flush()
        for f in items:
            session.add(CaseFinding(case_id=case.id, finding_id=f.finding_id))
            set_status(session, f.finding_id, "case_opened", actor=actor, role=role, note=f"立案 {case.number}")
        session.add(CaseEvent(case_id=case.id, actor=actor, action="opened",
                              detail=f"立案，涉及问题 {len(items)} 个"))
        ids.append(case.id)
    return ids


def _articles(items: list[Finding]) -> str:
    from web.labels import article_label

    arts = sorted({a.strip() for f in items for a in f.article.split(",")})
    return "《西宁市电子商务信用管理制度》" + "、".join(article_label(a) for a in arts[:4])


async def cases_list(request: Request) -> Response:
    status = request.query_params.get("status", "")

    def load(session: Session) -> list[Any]:
        q = (select(Case, Storefront.name, func.count(CaseFinding.id))
             .join(Storefront, Storefront.id == Case.storefront_id)
             .outerjoin(CaseFinding, CaseFinding.case_id == Case.id)
             .group_by(Case.id, Storefront.name).order_by(Case.opened_at.desc()).limit(500))
        if status in CASE_STATUSES:
            q = q.where(Case.status == status)
        return list(session.execute(q).all())

    rows = await in_db(request, load)
    return render(request, "cases.html", rows=rows, status=status, statuses=CASE_STATUS_LABELS)


def load_case(session: Session, case_id: int) -> dict[str, Any]:
    case = session.scalar(select(Case).where(Case.id == case_id).options(
        selectinload(Case.notices), selectinload(Case.events), selectinload(Case.findings)))
    if case is None:
        raise HTTPException(404, f"没有编号为 {case_id} 的案件")
    sf = session.get(Storefront, case.storefront_id)
    fids = [cf.finding_id for cf in case.findings]
    findings = sorted(session.scalars(select(Finding).where(Finding.finding_id.in_(fids))),
                      key=lambda f: (-SEVERITY_ORDER.get(f.severity, 0), f.first_seen))
    runs = session.scalars(select(CrawlRun).where(CrawlRun.storefront_id == case.storefront_id,
                                                  CrawlRun.started_at >= case.opened_at)
                           .order_by(CrawlRun.started_at.desc()).limit(10)).all()
    recheck = recheck_result(session, case, findings)  # the daemon's recheck_run_id, else the first crawl after
    return {"case": case, "sf": sf, "findings": findings, "runs": runs, "recheck": recheck}


async def case_detail(request: Request) -> Response:
    case_id = request.path_params["case_id"]
    ctx = await in_db(request, lambda s: load_case(s, case_id))
    today = local_today(state(request).tz)  # the bureau's day, not the server's (UTC) day
    return render(request, "case.html", **ctx, statuses=CASE_STATUS_LABELS,
                  today=today.isoformat(), default_deadline=(today + timedelta(days=15)).isoformat())


def _parse_day(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{what}格式错误：{value!r}（应为 YYYY-MM-DD）") from None


def _local(st: WebState, d: date, at: time) -> datetime:
    return datetime.combine(d, at, tzinfo=st.tz)


async def case_notice(request: Request) -> Response:
    st = state(request)
    u, data = await form(request)
    case_id = request.path_params["case_id"]
    kind = str(data.get("kind", "rectification"))
    if kind not in NOTICE_KINDS:
        raise InputError(f"未知通知类型 {kind!r}")
    deadline = _parse_day(data.get("deadline"), "整改期限") if data.get("deadline") else None
    sent = _parse_day(data.get("sent_at"), "送达日期") if data.get("sent_at") else local_today(st.tz)
    schedule = data.get("schedule_recheck") == "1"

    def apply(session: Session) -> None:
        case = _open_case(session, case_id)
        dl = _local(st, deadline, time(23, 59)) if deadline else None
        session.add(CaseNotice(case_id=case.id, kind=kind, number=str(data.get("number", ""))[:100],
                               sent_at=_local(st, sent, time(9, 0)), deadline=dl,
                               content=str(data.get("content", "")), created_by=u.name))
        detail = f"{NOTICE_KINDS[kind]} {data.get('number', '')}" + (f"，整改期限 {deadline}" if deadline else "")
        session.add(CaseEvent(case_id=case.id, actor=u.name, action="notice", detail=detail))
        case.status = "notified"
        for cf in case.findings:
            f = session.get(Finding, cf.finding_id)
            if f is not None and f.status in ("case_opened", "confirmed", "open", "reopened"):
                set_status(session, f.finding_id, "notified", actor=u.name, role=u.role, note=f"{case.number} {detail}")
        if schedule and deadline:
            _schedule(session, case, _local(st, deadline + timedelta(days=1), time(9, 0)), u.name)

    await in_db(request, apply)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _open_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise HTTPException(404, "案件不存在")
    if case.status == "closed":
        raise InputError(f"案件 {case.number} 已结案")
    return case


def _schedule(session: Session, case: Case, at: datetime, actor: str) -> None:
    case.recheck_at = at
    case.recheck_requested_by = actor
    case.recheck_run_id = None  # a new re-check: the daemon links the first crawl after ``at``
    case.status = "rechecking" if case.status != "open" else case.status
    session.add(CaseEvent(case_id=case.id, actor=actor, action="recheck",
                          detail=f"安排复查 {at.strftime('%Y-%m-%d %H:%M')}"))


async def case_recheck(request: Request) -> Response:
    st = state(request)
    u, data = await form(request)
    case_id = request.path_params["case_id"]
    day = _parse_day(data.get("recheck_on"), "复查日期")

    def apply(session: Session) -> None:
        _schedule(session, _open_case(session, case_id), _local(st, day, time(9, 0)), u.name)

    await in_db(request, apply)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


async def case_close(request: Request) -> Response:
    u, data = await form(request, role="supervisor")
    case_id = request.path_params["case_id"]
    outcome = str(data.get("outcome", ""))
    note = str(data.get("note", "")).strip()
    if outcome not in CASE_OUTCOMES:
        raise InputError("请选择结案结果")

    def apply(session: Session) -> None:
        case = _open_case(session, case_id)
        case.status, case.outcome, case.outcome_note = "closed", outcome, note
        case.closed_at, case.closed_by = utcnow(), u.name
        to = "rectified" if outcome == "rectified" else "closed"
        for cf in case.findings:
            set_status(session, cf.finding_id, to, actor=u.name, role=u.role,
                       note=f"{case.number} 结案：{CASE_OUTCOMES[outcome]} {note}".strip())
        session.add(CaseEvent(case_id=case.id, actor=u.name, action="closed",
                              detail=f"结案：{CASE_OUTCOMES[outcome]}" + (f"（{note}）" if note else "")))

    await in_db(request, apply)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


CASE_README = """案卷说明
========
案件摘要.html  案件摘要（storewatch 生成，无脚本）
findings.json  所涉问题的机读记录
evidence/<问题编号>.zip  各问题的证据包：WARC 记录（原始网页字节，未改动）、截图、manifest.json
取证报告.pdf   电子数据取证报告（主体备案信息、取证时间与可信时间戳、各文件哈希值、标注截图、保管链、独立验证方法）

安全提示：证据包中的网页副本（*.safe.html）已删除脚本、事件属性与内嵌框架，并加入禁止脚本与
外部请求的内容安全策略，在本机打开不会运行被监测网站的代码；原始网页仅以 WARC 记录提供，
请用 WARC 工具查看或用 `storewatch evidence verify` 校验，勿解出后直接用浏览器打开。详见各证据包的 README.txt。
"""


MAX_REPORT_FINDINGS = 20  # each finding's exhibit is one short browser render


def _report(st: WebState, session: Session, case_id: int, actor: str, n: int) -> tuple[str, bytes]:
    """取证报告.pdf of the case (``storewatch evidence report --case``); a failure is a note, not a lost export."""
    if n > MAX_REPORT_FINDINGS:
        return "取证报告-未生成.txt", (f"本案涉及 {n} 条问题，超过在线生成上限 {MAX_REPORT_FINDINGS}；请在服务器上运行 "
                                   f"storewatch evidence report --case {case_id}\n").encode()
    from store.evidence_commands import _version
    from store.evidence_report import gather_in, report_pdf

    try:
        return "取证报告.pdf", report_pdf(gather_in(session, st.settings, [], case_id, actor), st.settings, _version())
    except Exception as exc:  # noqa: BLE001 - Chromium or a damaged record: the rest of the case file stands
        log.warning("case %s: report not generated: %s", case_id, exc)
        return "取证报告-未生成.txt", f"取证报告未能生成：{type(exc).__name__}: {exc}\n".encode()


def _image_exhibit(st: WebState, finding: dict[str, Any]) -> dict[str, bytes]:
    """The boxed image exhibit of a finding read from an image (``evidence.image_exhibit``), or a note why not."""
    from evidence.image_exhibit import exhibit_files, image_exhibit

    fid = str(finding.get("finding_id"))
    try:
        ev = dict(finding.get("evidence") or {})
        ev["warc"] = str(evidence_view.resolve_path(st.settings.evidence_dir, ev.get("warc") or ""))
        return exhibit_files(image_exhibit({**finding, "evidence": ev}))
    except (EvidenceError, ValueError, OSError, EOFError) as exc:
        return {f"{fid}-未生成.txt": f"图片标注副本未能生成：{exc}\n".encode()}


def build_case_file(st: WebState, session: Session, case_id: int, actor: str) -> tuple[str, bytes]:
    """The case file: 案件摘要.html (Chinese summary), findings.json, evidence/<id>.zip per finding."""
    ctx = load_case(session, case_id)
    case = ctx["case"]
    pages = {p.id: p for p in session.scalars(select(PageRecord).where(
        PageRecord.id.in_([f.page_id for f in ctx["findings"] if f.page_id])))}
    html = st.env.get_template("case_summary.html").render(**ctx, statuses=CASE_STATUS_LABELS,
                                                           generated_at=utcnow(), generated_by=actor,
                                                           tz=st.settings.timezone)
    buf = io.BytesIO()
    sums = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes) -> None:
            zf.writestr(name, data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")

        put("案件摘要.html", html.encode("utf-8"))
        put("findings.json", json.dumps([f.to_dict() for f in ctx["findings"]], ensure_ascii=False,
                                        indent=2).encode())
        for f in ctx["findings"]:
            put(f"evidence/{f.finding_id}.zip",
                evidence_view.export_zip(f.to_dict(), pages.get(f.page_id or -1), st.settings.evidence_dir))
            if (f.location or {}).get("kind") == "image":
                for name, blob in _image_exhibit(st, f.to_dict()).items():
                    put(f"exhibits/{name}", blob)
        name, blob = _report(st, session, case_id, actor, len(ctx["findings"]))
        put(name, blob)
        put("README.txt", CASE_README.encode("utf-8"))
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    session.add(CaseEvent(case_id=case.id, actor=actor, action="exported", detail="导出案卷"))
    return case.number, buf.getvalue()


async def case_export(request: Request) -> Response:
    """The case file as a zip. A POST with the CSRF token: exporting is recorded in the case's chain of
    custody, and no other site may make a signed-in analyst's browser do that with a link."""
    st = state(request)
    u, _ = await form(request)
    case_id = request.path_params["case_id"]
    number, data = await in_db(request, lambda s: build_case_file(st, s, case_id, u.name))
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="case-{number}.zip"'})


ROUTES = [
    Route("/cases", cases_list),
    Route("/cases/{case_id:id}", case_detail),
    Route("/cases/{case_id:id}/notices", case_notice, methods=["POST"]),
    Route("/cases/{case_id:id}/recheck", case_recheck, methods=["POST"]),
    Route("/cases/{case_id:id}/close", case_close, methods=["POST"]),
    Route("/cases/{case_id:id}/export", case_export, methods=["POST"]),
]
