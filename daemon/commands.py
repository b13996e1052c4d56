"""The daemon's commands: ``storewatch run`` (the scheduler, :mod:`scheduler`) and ``storewatch worker``
(a crawler machine, :mod:`daemon.worker`)."""

from __future__ import annotations

from typing import Any

import click

from config import parse_duration
from daemon.worker import worker_cmd
from shared.clicontext import Context, pass_ctx


def _duration(_ctx: Any, _param: Any, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("run")
@click.option("--crawl-every", callback=_duration, help="Crawl every storefront this often (e.g. 30s; demos, tests).")
@click.option("--digest-every", callback=_duration, help="Daily digest this often instead of at digest.daily_at.")
@click.option("--sync-every", callback=_duration, help="Index sync and alert delivery this often.")
@click.option("--retry-every", callback=_duration, help="First retry delay of a failed digest send (doubles).")
@click.option("--once", is_flag=True, help="Run every job once (crawl all, sync, digest, deliver) and exit.")
@click.option("--crawl-now", is_flag=True, help="Crawl every active storefront right after start, then on schedule.")
@click.option("--stop-grace", type=float, default=10.0, show_default=True,
              help="Seconds a running crawl gets to stop on SIGTERM before it is killed.")
@click.option("--no-web", is_flag=True, help="Do not serve the triage web UI (default: served on web.host:web.port).")
@click.option("--web-host", default=None, help="Address of the web UI (default: settings web.host).")
@click.option("--web-port", type=click.IntRange(0, 65535), default=None,
              help="Port of the web UI (default: settings web.port, 8700).")
@click.option("--demo-admin", is_flag=True,
              help="Create the web user 'admin' with a random password, printed once, if no user exists yet.")
@pass_ctx
def run_cmd(ctx: Context, crawl_every: float | None, digest_every: float | None, sync_every: float | None,
            retry_every: float | None, once: bool, crawl_now: bool, stop_grace: float, no_web: bool,
            web_host: str | None, web_port: int | None, demo_admin: bool) -> None:
    """Run the monitor: scheduled crawls, index sync, alerts, digests, retention, and the web UI
    (stop with SIGTERM)."""
    settings = ctx.settings
    from store.logsetup import setup_logging

    setup_logging(settings)
    serve = not (no_web or once)
    sock = None
    if serve:  # bound first: a port in use is an error (exit 2) before any job starts
        from web.serve import bind

        host = web_host or settings.web.host
        sock = bind(host, settings.web.port if web_port is None else web_port)
    from scheduler import Daemon, Overrides

    daemon = Daemon(settings, overrides=Overrides(crawl_every, digest_every, sync_every, retry_every),
                    config_file=ctx.config_file, stop_grace=stop_grace, term_grace=min(5.0, stop_grace / 2))
    if demo_admin:
        from web.serve import ensure_demo_admin

        password = ensure_demo_admin(daemon.store, actor="run --demo-admin")
        if password:
            click.echo(f"演示管理员 demo admin: 用户名 admin  密码 {password}  (shown once)")
    if sock is not None:
        from web.serve import WebThread

        web = WebThread(settings, sock)
        daemon.on_stop.append(web.stop)
        daemon.web_url = web.url
        web.start()
        click.echo(f"storewatch web UI on {web.url}", err=True)
    rc = daemon.run(once=once, crawl_now=crawl_now)
    if rc:
        raise click.exceptions.Exit(rc)


COMMANDS = [run_cmd, worker_cmd]
