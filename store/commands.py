"""Commands of the store: ``init``, ``registry import|list``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import func, select

from errors import RegistryImportError
from shared.clicontext import Context, pass_ctx
from store.db import open_store, redact_url
from store.models import Storefront
from store.registry import apply_registry, read_registry


@click.command("init")
@pass_ctx
def init_cmd(ctx: Context) -> None:
    """Create the data folder and the database schema (safe to run again)."""
    settings = ctx.settings
    for folder in (settings.data_dir, settings.evidence_dir, settings.outbox_dir):
        folder.mkdir(parents=True, exist_ok=True)
    store = open_store(settings, create=True)
    click.echo(f"数据目录 data folder: {settings.data_dir.resolve()}")
    click.echo(f"数据库 database: {redact_url(store.url)} (schema {store.revision()})")


@click.group("registry")
def registry_group() -> None:
    """The merchant registry (Art. 9 filing records)."""


@registry_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and report the bad ones.")
@click.option("--deactivate-missing", is_flag=True,
              help="Deactivate storefronts that are not in this file (never deletes).")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@pass_ctx
def import_cmd(ctx: Context, file: Path, skip_invalid: bool, deactivate_missing: bool, dry_run: bool) -> None:
    """Import FILE (CSV in UTF-8/GB18030 or XLSX; Chinese or English headers)."""
    if not file.exists():
        raise RegistryImportError(f"{file}: no such file")
    parsed = read_registry(file)
    for notice in parsed.notices:
        click.echo(f"注意 notice: {file}: {notice}", err=True)
    store = open_store(ctx.settings)
    with store.session() as session:
        result = apply_registry(session, parsed, skip_invalid=skip_invalid,
                                deactivate_missing=deactivate_missing)
        if dry_run:
            session.rollback()
    if parsed.problems:
        click.echo(f"skipped {result.skipped} bad row(s):\n" + parsed.describe_problems(), err=True)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {file}: {result.created} new, {result.updated} updated, "
               f"{result.unchanged} unchanged, {result.skipped} skipped")
    if result.missing:
        what = "deactivated" if deactivate_missing and not dry_run else \
            "not in this file (still active; use --deactivate-missing)"
        click.echo(f"{len(result.missing)} storefront(s) {what}:")
        for sid, name, domain in result.missing[:100]:
            click.echo(f"  #{sid} {name} {domain}")


@registry_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include inactive storefronts.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def list_cmd(ctx: Context, show_all: bool, fmt: str) -> None:
    """List registered storefronts."""
    store = open_store(ctx.settings)
    with store.session() as session:
        q = select(Storefront).order_by(Storefront.id)
        if not show_all:
            q = q.where(Storefront.active.is_(True))
        rows = session.scalars(q).all()
        total = session.scalar(select(func.count()).select_from(Storefront))
        if fmt == "json":
            for s in rows:
                click.echo(json.dumps({"id": s.id, "name": s.name, "uscc": s.uscc, "domain": s.domain,
                                       "site_name": s.site_name, "site_type": s.site_type, "icp": s.icp,
                                       "active": s.active, "url": s.url}, ensure_ascii=False))
            return
        for s in rows:
            flag = "" if s.active else "  (停用 inactive)"
            click.echo(f"{s.id:>5}  {s.uscc}  {s.domain:<28} {s.name}{flag}")
        click.echo(f"{len(rows)} shown, {total} in the registry", err=True)
