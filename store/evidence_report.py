"""``storewatch evidence report FINDING_ID | --case ID``: the 取证报告 PDF (``evidence.report``), with the
merchant's filing record and the chain of custody read from the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from errors import EvidenceError, InputError
from shared.clicontext import pass_ctx

_MERCHANT = ("name", "uscc", "entity_type", "site_name", "domain", "ip", "icp", "police_filing", "isp",
             "server_location", "contact")


def _iso(dt: Any, tz: str) -> str:
    from evidence.timefmt import stamp

    return stamp(dt.strftime("%Y-%m-%dT%H:%M:%SZ"), tz)["local"] if dt is not None else ""


def gather(settings: Any, finding_ids: list[str], case_id: int | None, actor: str) -> dict[str, Any]:
    """Merchant, case and per-finding custody from the store (plain dicts for ``evidence.report``)."""
    from store.db import Store

    with Store.from_settings(settings).session() as s:
        return gather_in(s, settings, finding_ids, case_id, actor)


def gather_in(s: Any, settings: Any, finding_ids: list[str], case_id: int | None, actor: str) -> dict[str, Any]:
    """:func:`gather` in an open session (the web UI's case export)."""
    from sqlalchemy import select

    from store.evidence_commands import find_finding_in_store
    from store.lifecycle import finding_by_id
    from store.models import FindingEvent, Storefront

    tz = getattr(settings, "timezone", "Asia/Shanghai")
    out: dict[str, Any] = {"merchant": None, "case": None, "findings": [], "custody": {}}
    case_events: list[dict[str, Any]] = []
    if case_id is not None:
        from web.models import Case

        case = s.get(Case, case_id)
        if case is None:
            raise InputError(f"case {case_id} not found")
        finding_ids = [cf.finding_id for cf in case.findings]
        out["case"] = {"number": case.number, "title": case.title, "status": case.status,
                       "opened_by": case.opened_by, "opened_at": _iso(case.opened_at, tz)}
        case_events = [{"at": _iso(e.at, tz), "actor": e.actor, "action": f"案件 {e.action} {e.detail}".strip()}
                       for e in case.events]
        shop = s.get(Storefront, case.storefront_id)
    else:
        row = finding_by_id(s, finding_ids[0]) if finding_ids else None
        finding_ids = [row.finding_id] if row is not None else finding_ids
        shop = s.get(Storefront, row.storefront_id) if row is not None and row.storefront_id else None
    if shop is not None:
        out["merchant"] = {k: getattr(shop, k) for k in _MERCHANT}
    for fid in finding_ids:
        f = find_finding_in_store(s, fid)
        if f is None:
            raise InputError(f"finding {fid} not found in the store")
        out["findings"].append(f)
        custody = [{"at": _iso(e.at, tz), "actor": e.actor,
                    "action": f"状态 {e.from_status or '—'} → {e.to_status} {e.note}".strip()}
                   for e in s.scalars(select(FindingEvent).where(FindingEvent.finding_id == fid)
                                      .order_by(FindingEvent.id))]
        out["custody"][fid] = sorted(custody + case_events, key=lambda c: c["at"])
    from evidence.timefmt import stamp, utc_iso

    now = stamp(utc_iso(), tz)["local"]
    for fid in out["custody"]:
        out["custody"][fid].append({"at": now, "actor": actor, "action": "生成取证报告（本报告）"})
    return out


def report_pdf(data: dict[str, Any], settings: Any, version: str, html_out: Path | None = None) -> bytes:
    """The report PDF of gathered data (raises whatever Chromium raises)."""
    from evidence.locate import localised
    from evidence.report import finding_item, print_pdf, render_html

    tz = getattr(settings, "timezone", "Asia/Shanghai")
    items = [finding_item(localised(f, settings.evidence_dir), data["custody"][f["finding_id"]], timezone=tz,
                          chromium_path=settings.crawler.chromium_path) for f in data["findings"]]
    html = render_html(items, merchant=data["merchant"], case=data["case"], timezone=tz, version=version)
    if html_out:
        html_out.write_text(html, encoding="utf-8")
    return print_pdf(html, chromium_path=settings.crawler.chromium_path)


@click.command("report")
@click.argument("finding_id", required=False)
@click.option("--case", "case_id", type=int, default=None, help="A case id: one report for all its findings.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="PDF to write (default: ./取证报告-<id>.pdf).")
@click.option("--html", "html_out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the report's HTML (for checking).")
@click.option("--user", "actor", envvar="STOREWATCH_USER", default="storewatch", show_default=True,
              help="Who generates the report (recorded in its chain of custody).")
@pass_ctx
def report_cmd(ctx: Any, finding_id: str | None, case_id: int | None, output: Path | None, html_out: Path | None,
               actor: str) -> None:
    """取证报告: a Chinese PDF of a finding's (or a case's) evidence, printed by Chromium."""
    from store.evidence_commands import _version

    if (finding_id is None) == (case_id is None):
        raise click.UsageError("give exactly one of FINDING_ID or --case ID")
    settings = ctx.settings
    data = gather(settings, [finding_id] if finding_id else [], case_id, actor)
    if not data["findings"]:
        raise InputError(f"case {case_id} has no findings")
    try:
        pdf = report_pdf(data, settings, _version(), html_out)
    except Exception as exc:  # playwright raises its own errors; the message says what
        raise EvidenceError(f"PDF printing failed (Chromium {settings.crawler.chromium_path}): {exc}") from None
    out = output or Path(f"取证报告-{finding_id or f'case-{case_id}'}.pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    click.echo(str(out))
