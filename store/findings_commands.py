"""Analyst commands on findings: ``storewatch finding list | show | set-status``.

Each status change is an audit event and an outbox row (:func:`store.lifecycle.set_status`);
a dismissal can add an allow-list entry so the rule stops firing on that storefront.
"""

from __future__ import annotations

import json

import click
from sqlalchemy import select, text

from errors import InputError
from shared.clicontext import Context, pass_ctx
from store.clock import as_local, local_str
from store.db import open_store
from store.lifecycle import ANALYST_STATUSES, NOTE_REQUIRED, STATUS_LABELS, finding_by_id, set_status
from store.models import FINDING_STATUSES, AllowListEntry, Finding, FindingEvent, Storefront


def acting_user(session, name: str | None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(name, role) of the storewatch user a command acts as; the Unix login is not a storewatch user."""
    if not name:
        raise InputError("请用 --user 指定以哪个 storewatch 用户的身份操作（或设置环境变量 STOREWATCH_USER）")
    row = session.execute(text("SELECT role, active FROM web_users WHERE name = :n"), {"n": name}).first()
    if row is None:
        raise InputError(f"没有名为 {name!r} 的 storewatch 用户（storewatch user list 列出用户）")
    if not row[1]:
        raise InputError(f"用户 {name!r} 已停用")
    return name, str(row[0])


@click.group("finding")
def finding_group() -> None:
    """Findings: list, show, and the analyst's decisions (confirm, dismiss, open a case, …)."""


@finding_group.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice(FINDING_STATUSES + ("open-all",)),
              help="Filter by status (repeatable); open-all = every open status.")
@click.option("--storefront", "storefront_id", type=int, default=None, help="Only this storefront id.")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def list_cmd(ctx: Context, statuses: tuple[str, ...], storefront_id: int | None, limit: int, fmt: str) -> None:
    """List findings, most severe and most recent first."""
    from store.models import OPEN_STATUSES

    wanted = set(statuses)
    if "open-all" in wanted:
        wanted = (wanted - {"open-all"}) | set(OPEN_STATUSES)
    store = open_store(ctx.settings)
    with store.session() as s:
        q = select(Finding)
        if wanted:
            q = q.where(Finding.status.in_(sorted(wanted)))
        if storefront_id is not None:
            q = q.where(Finding.storefront_id == storefront_id)
        rank = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
        rows = sorted(s.scalars(q.order_by(Finding.last_seen.desc()).limit(limit * 5)),
                      key=lambda f: (rank.get(f.severity, 9), -f.last_seen.timestamp()))[:limit]
        for f in rows:
            if fmt == "json":
                click.echo(json.dumps(f.to_dict(), ensure_ascii=False))
            else:
                click.echo(f"{f.finding_id}  {f.severity:<8} {f.status:<14} #{f.storefront_id or '-':<5} "
                           f"{f.article:<8} {f.rule_id:<24} {f.match[:30]}")
        if fmt == "table":
            click.echo(f"{len(rows)} finding(s)", err=True)


def _get(s, finding_id: str) -> Finding:  # type: ignore[no-untyped-def]
    row = finding_by_id(s, finding_id)
    if row is None:
        raise InputError(f"没有编号为 {finding_id} 的线索")
    return row


@finding_group.command("show")
@click.argument("finding_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def show_cmd(ctx: Context, finding_id: str, fmt: str) -> None:
    """Show one finding (a unique id prefix of 6+ characters is enough) with its audit trail."""
    store = open_store(ctx.settings)
    with store.session() as s:
        f = _get(s, finding_id)
        events = s.scalars(select(FindingEvent).where(FindingEvent.finding_id == f.finding_id)
                           .order_by(FindingEvent.id)).all()
        shop = s.get(Storefront, f.storefront_id) if f.storefront_id else None
        tz = ctx.settings.timezone
        trail = [{"at": as_local(e.at, tz).isoformat(timespec="seconds"), "actor": e.actor, "from": e.from_status, "to": e.to_status,
                  "note": e.note, "crawl_run_id": e.crawl_run_id} for e in events]
        if fmt == "json":
            click.echo(json.dumps(f.to_dict() | {"events": trail, "page_title": f.page_title},
                                  ensure_ascii=False, indent=2))
            return
        click.echo(f"线索 finding {f.finding_id}  [{f.severity}] {f.status}")
        click.echo(f"网站 storefront: #{f.storefront_id} {shop.name if shop else ''} {shop.domain if shop else ''}")
        click.echo(f"规则 rule: {f.rule_id} ({f.category}), 第{f.article}条 Art. {f.article}; "
                   f"{'; '.join(f.law or [])}")
        click.echo(f"网址 url: {f.url}")
        click.echo(f"命中 match: {f.match}")
        click.echo(f"摘录 excerpt: {f.excerpt}")
        click.echo(f"说明 explanation: {f.explanation}")
        click.echo(f"证据 evidence: {json.dumps(f.evidence, ensure_ascii=False) if f.evidence else '—'}")
        click.echo(f"首次/最近 first/last seen: {local_str(f.first_seen, tz, seconds=True)} / "
                   f"{local_str(f.last_seen, tz, seconds=True)}（{tz}）")
        click.echo("审计 audit trail:")
        for e in trail:
            click.echo(f"  {e['at']}  {e['actor']:<12} {e['from'] or '—'} -> {e['to']}  {e['note']}")


@finding_group.command("set-status")
@click.argument("finding_id")
@click.argument("status", type=click.Choice(ANALYST_STATUSES))
@click.option("--note", default="", help="Why (required to dismiss).")
@click.option("--user", "actor", envvar="STOREWATCH_USER", default=None,
              help="The storewatch user who decides (env STOREWATCH_USER); their role decides which moves are allowed.")
@click.option("--allow-list", "allow", is_flag=True,
              help="With dismissed: stop this rule firing on this matched text for this storefront.")
@click.option("--whole-rule", is_flag=True, help="With --allow-list: suppress the rule on the whole storefront.")
@pass_ctx
def set_status_cmd(ctx: Context, finding_id: str, status: str, note: str, actor: str | None, allow: bool,
                   whole_rule: bool) -> None:
    """Record an analyst's decision on a finding (an audit event and an index update)."""
    if allow and status != "dismissed":
        raise InputError("--allow-list only goes with the status dismissed")
    if whole_rule and not allow:
        raise InputError("--whole-rule only goes with --allow-list")
    if status == "dismissed" and not note.strip():
        raise InputError(f"{NOTE_REQUIRED}：用 --note 写明")
    store = open_store(ctx.settings)
    with store.session() as s:
        who, role = acting_user(s, actor)
        f = _get(s, finding_id)
        before = f.status
        set_status(s, f.finding_id, status, actor=who, role=role, note=note)
        added = ""
        if allow:
            if f.storefront_id is None:
                raise InputError(f"finding {f.finding_id} has no storefront; nothing to allow-list")
            s.add(AllowListEntry(storefront_id=f.storefront_id, rule_id=f.rule_id,
                                 match=None if whole_rule else f.match, reason=note, created_by=who))
            added = f"; allow-list: {f.rule_id}" + ("" if whole_rule else f" “{f.match}”") + \
                f" on storefront #{f.storefront_id}"
        click.echo(f"{f.finding_id}: {STATUS_LABELS.get(before, before)} → {STATUS_LABELS[status]}"
                   f"（{who}，{before} -> {status}）{added}")


COMMANDS = [finding_group]
