"""``storewatch rules`` and ``storewatch decisions precision | export``: what analysts' decisions say about each rule."""

from __future__ import annotations

import json
from pathlib import Path

import click

from errors import InputError, StoreError
from shared.clicontext import Context, pass_ctx
from store.db import open_store
from store.decisions import labelled_examples, rule_precision


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="Catalogue format (markdown is the docs page, without figures).")
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True,
              help="Window of analysts' decisions for each rule's precision.")
@pass_ctx
def rules_cmd(ctx: Context, fmt: str, days: int) -> None:
    """Print the rule catalogue (规则目录) with each rule's precision from analysts' decisions."""
    from analyzers import catalogue

    if fmt == "markdown":
        click.echo(catalogue.as_markdown(), nl=False)
        return
    figures = _figures(ctx, days)
    render = catalogue.as_json if fmt == "json" else catalogue.as_text
    click.echo(render(figures, days), nl=False)


def _figures(ctx: Context, days: int) -> dict[str, tuple[int, int]] | None:
    """(confirmed, dismissed) per rule, or None (said on stderr) when there is no store to read."""
    url = str(ctx.settings.db_url)
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:" and not Path(path).exists():
        click.echo(f"（未显示准确率：数据库 {path} 尚未创建，先运行 storewatch init）", err=True)
        return None
    try:
        store = open_store(ctx.settings)
    except StoreError as exc:
        click.echo(f"（未显示准确率：{exc}）", err=True)
        return None
    try:
        with store.session() as s:
            return {r.rule_id: (r.confirmed, r.dismissed) for r in rule_precision(s, days)}
    finally:
        store.dispose()


@click.group("decisions")
def decisions_group() -> None:
    """Analysts' decisions (确认/排除) as each rule's precision, and as training data."""


@decisions_group.command("precision")
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def precision_cmd(ctx: Context, days: int, fmt: str) -> None:
    """Each rule's precision from analysts' decisions over the last DAYS days (worst first)."""
    store = open_store(ctx.settings)
    with store.session() as s:
        rows = rule_precision(s, days)
    if fmt == "json":
        click.echo(json.dumps([{"rule_id": r.rule_id, "confirmed": r.confirmed, "dismissed": r.dismissed,
                                "precision": r.precision} for r in rows], ensure_ascii=False, indent=1))
        return
    click.echo(f"{'规则编号':<26}{'确认':>6}{'排除':>6}{'准确率':>8}")
    for r in rows:
        click.echo(f"{r.rule_id:<30}{r.confirmed:>6}{r.dismissed:>6}{(r.precision or 0):>10.2f}")
    click.echo(f"近 {days} 天有研判结论的规则 {len(rows)} 条")


@decisions_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--days", type=click.IntRange(1, 36500), default=None, help="Only decisions of the last DAYS days.")
@pass_ctx
def export_cmd(ctx: Context, out: Path, days: int | None) -> None:
    """Write decided findings as labelled JSON Lines for `storewatch train` (put it under corpus/decisions/)."""
    if "blind" in out.as_posix():
        raise InputError(f"{out}: analysts' decisions never go into a blind test set; use corpus/decisions/")
    store = open_store(ctx.settings)
    n = 0
    with store.session() as s, out.open("w", encoding="utf-8") as fh:
        for row in labelled_examples(s, days):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    click.echo(f"写出 {n} 条研判样本 → {out}")


COMMANDS = [rules_cmd, decisions_group]
