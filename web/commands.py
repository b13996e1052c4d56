"""Commands of the web UI: ``storewatch web``, ``storewatch user add|passwd|disable|enable|list``."""

from __future__ import annotations

import logging

import click
from sqlalchemy import func, select

from shared.clicontext import Context, pass_ctx
from store.db import open_store
from store.models import OutboxEntry
from web import auth
from web.models import ROLE_LABELS, ROLES, User

log = logging.getLogger(__name__)


@click.command("web")
@click.option("--host", default=None, help="Address to listen on (default: settings web.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default: settings web.port, 8700; 0: one the system chooses, printed).")
@click.option("--demo-admin", is_flag=True,
              help="Create the user 'admin' with a random password, printed once, if no user exists yet.")
@pass_ctx
def web_cmd(ctx: Context, host: str | None, port: int | None, demo_admin: bool) -> None:
    """Serve the triage web UI (分析员工作台)."""
    import uvicorn

    from web.app import create_app
    from web.serve import bind, ensure_demo_admin, url_of, uvicorn_config

    settings = ctx.settings
    host = host or settings.web.host
    # a port in use is an error before anything else happens
    sock = bind(host, settings.web.port if port is None else port)
    store = open_store(settings, create=demo_admin)
    if demo_admin:
        password = ensure_demo_admin(store, actor="web --demo-admin")
        if password:
            click.echo(f"演示管理员 demo admin: 用户名 admin  密码 {password}  (shown once)")
    with store.session() as session:  # the list searches the index: say when it lags behind the store
        pending = session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.done_at.is_(None)))
    if pending:
        click.echo(f"搜索索引有 {pending} 条变更尚未同步，问题列表暂时看不到它们：运行 `storewatch index sync`"
                   f"（守护进程每分钟同步一次） — {pending} change(s) not in the search index yet", err=True)
    click.echo(f"storewatch web UI on {url_of(sock)}", err=True)
    uvicorn.Server(uvicorn_config(create_app(settings, store), settings)).run(sockets=[sock])


@click.group("user")
def user_group() -> None:
    """Accounts of the web UI (roles: analyst, supervisor, admin)."""


def _password(given: str | None) -> str:
    if given:
        return given
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", default=None, help="Password (prompted when absent; at least 10 characters).")
@pass_ctx
def user_add(ctx: Context, name: str, role: str, password: str | None) -> None:
    """Create user NAME."""
    pw = _password(password)
    with open_store(ctx.settings).session() as session:
        auth.add_user(session, name, role, pw, actor="cli")
    click.echo(f"user {name} added ({role} {ROLE_LABELS[role]})")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password", default=None, help="New password (prompted when absent).")
@pass_ctx
def user_passwd(ctx: Context, name: str, password: str | None) -> None:
    """Set a new password for NAME (ends the user's sessions)."""
    pw = _password(password)
    with open_store(ctx.settings).session() as session:
        auth.set_password(session, name, pw, actor="cli")
    click.echo(f"password of {name} changed")


@user_group.command("disable")
@click.argument("name")
@pass_ctx
def user_disable(ctx: Context, name: str) -> None:
    """Disable NAME (ends the user's sessions; history is kept)."""
    with open_store(ctx.settings).session() as session:
        auth.set_active(session, name, False, actor="cli")
    click.echo(f"user {name} disabled")


@user_group.command("enable")
@click.argument("name")
@pass_ctx
def user_enable(ctx: Context, name: str) -> None:
    """Enable NAME again."""
    with open_store(ctx.settings).session() as session:
        auth.set_active(session, name, True, actor="cli")
    click.echo(f"user {name} enabled")


@user_group.command("list")
@pass_ctx
def user_list(ctx: Context) -> None:
    """List users."""
    with open_store(ctx.settings).session() as session:
        for u in session.scalars(select(User).order_by(User.name)):
            click.echo(f"{u.name:<20} {u.role:<11} {'active' if u.active else 'disabled'}")


COMMANDS = [web_cmd, user_group]
