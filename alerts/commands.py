"""Commands of alerts: ``storewatch digest``; also brings ``storewatch finding`` (store/findings_commands)."""

from __future__ import annotations

import json

import click

from alerts.queue import deliver_pending, delivery_notice, preview, queue_alert, queue_daily, queue_weekly
from alerts.render import render_text
from errors import DeliveryError
from shared.clicontext import Context, pass_ctx
from store.db import open_store
from store.findings_commands import COMMANDS as FINDING_COMMANDS


@click.command("digest")
@click.option("--send", is_flag=True, help="Queue the digest (if there is news) and deliver every pending one now.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; record nothing (the default).")
@click.option("--weekly", is_flag=True, help="The weekly trend digest instead of the daily one.")
@click.option("--force", is_flag=True, help="With --send: queue a daily digest even with nothing new.")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text")
@pass_ctx
def digest_cmd(ctx: Context, send: bool, dry_run: bool, weekly: bool, force: bool, fmt: str) -> None:
    """Daily digest (new, reopened and overdue findings; coverage gaps) or weekly trends, in Chinese."""
    settings = ctx.settings
    store = open_store(settings)
    if (notice := delivery_notice(settings)) is not None:
        click.echo(f"注意：{notice}", err=True)
    if send and not dry_run:
        queued = queue_weekly(store, settings) if weekly else queue_daily(store, settings, force=force)
        alert = None if weekly else queue_alert(store, settings)
        report = deliver_pending(store, settings, force=True)
        click.echo(f"queued: {queued if queued is not None else 'nothing new'}"
                   + (f", critical alert {alert}" if alert else "")
                   + f"; delivered {len(report.sent)} digest(s) {report.sent}")
        if report.failed:
            raise DeliveryError("; ".join(f"digest {i}: {e}" for i, e in report.failed)
                                + " (kept in the queue; the daemon retries)")
        return
    d = preview(store, settings, weekly=weekly)
    if fmt == "json":
        click.echo(json.dumps(d, ensure_ascii=False, indent=2, default=str))
        return
    text, html = render_text(d)
    click.echo(html if fmt == "html" else text)
    if not weekly and not d.get("would_send"):
        click.echo("（无新内容：守护进程不会发送此摘要 nothing new: the daemon would not send this）", err=True)


COMMANDS = [digest_cmd, *FINDING_COMMANDS]
