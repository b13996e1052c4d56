"""``storewatch status`` (health of the monitor) and ``storewatch schedule`` (one storefront's crawl
interval): both read or write the store only; the daemon picks changes up at its next heartbeat."""

from __future__ import annotations

import json

import click

from config import parse_duration
from shared.clicontext import Context, pass_ctx


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def status_cmd(ctx: Context, fmt: str) -> None:
    """Health of the monitor: heartbeat, running crawls, queues, next runs, last digest."""
    from store.status import collect_status, format_status

    info = collect_status(ctx.settings)
    click.echo(json.dumps(info, ensure_ascii=False, indent=2) if fmt == "json" else format_status(info))


@click.command("schedule")
@click.argument("storefront_id", type=int)
@click.argument("interval", required=False)
@pass_ctx
def schedule_cmd(ctx: Context, storefront_id: int, interval: str | None) -> None:
    """Show or set how often one storefront is crawled (e.g. 12h; `default` = scheduler.crawl_interval).

    A running daemon picks the change up at its next heartbeat.
    """
    from errors import InputError
    from store.db import open_store
    from store.models import Storefront

    store = open_store(ctx.settings)
    with store.session() as s:
        shop = s.get(Storefront, storefront_id)
        if shop is None:
            raise InputError(f"no storefront with id {storefront_id}")
        if interval is not None:
            if interval != "default":
                try:
                    seconds = parse_duration(interval)
                except ValueError as exc:
                    raise InputError(f"interval {interval!r}: {exc}") from None
                if seconds < 60:
                    raise InputError(f"interval {interval!r} is shorter than a minute")
            shop.schedule = None if interval == "default" else interval
        current = shop.schedule or f"default ({ctx.settings.scheduler.crawl_interval})"
        click.echo(f"storefront #{shop.id} {shop.domain}: crawled every {current}; "
                   f"{ctx.settings.scheduler.hot_crawl_interval} while it has open high/critical findings")


COMMANDS = [status_cmd, schedule_cmd]
