"""Commands: ``storewatch search QUERY …`` and ``storewatch index sync|rebuild|status``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from analyzers.labels import article_label, category_label, display_width, severity_label
from analyzers.model import CATEGORIES, SEVERITIES
from errors import InputError, SearchBackendError
from index.search import SORTS, SearchRequest, open_backend
from shared.clicontext import Context, pass_ctx
from store.lifecycle import STATUS_LABELS
from store.models import FINDING_STATUSES

_multi: dict[str, Any] = {"multiple": True, "metavar": "VALUE"}


def _local(value: str | None, tz: str) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _cut(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


width = display_width  # columns a cell takes (CJK counts two)


def table(header: list[str], rows: list[list[str]]) -> str:
    """Rows under a header, columns padded by display width (the last column is not padded)."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        cells = [c + " " * (widths[i] - width(c)) if i < len(r) - 1 else c for i, c in enumerate(r)]
        return "  ".join(cells).rstrip()

    return "\n".join(line(r) for r in [header, *rows])


VOCABULARY = {"category": tuple(CATEGORIES), "severity": SEVERITIES, "status": FINDING_STATUSES}


def _check_vocabulary(filters: dict[str, Any]) -> None:
    """Unknown --category/--severity/--status values are errors, not zero results."""
    for key, known in VOCABULARY.items():
        for raw in filters.get(key) or ():
            for value in str(raw).split(","):
                if value.strip() and value.strip().lower() not in known:
                    raise InputError(f"--{key} 的取值 {value.strip()!r} 不存在；可选：{', '.join(known)}")


def _storefront_names(settings: Any, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    from sqlalchemy import select

    from store.db import open_store
    from store.models import Storefront

    store = open_store(settings)
    try:
        with store.session() as session:
            rows = session.execute(select(Storefront.id, Storefront.name)
                                   .where(Storefront.id.in_([int(i) for i in ids if i.isdigit()])))
            return {str(i): n for i, n in rows}
    finally:
        store.dispose()


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--pages", "pages", is_flag=True, help="Search the text of crawled pages instead of findings.")
@click.option("--category", **_multi, help="Finding category (repeat or comma-separate).")
@click.option("--article", **_multi, help="Article of the Xining rules, e.g. 15 or 15(5).")
@click.option("--severity", **_multi, help="info, low, medium, high, critical.")
@click.option("--status", **_multi, help="open, confirmed, resolved, …")
@click.option("--storefront", **_multi, help="Storefront id.")
@click.option("--uscc", **_multi, help="Unified social credit code.")
@click.option("--domain", **_multi, help="Storefront domain.")
@click.option("--since", help="Seen on or after this day (YYYY-MM-DD, local time) or ISO time.")
@click.option("--until", help="Seen on or before this day.")
@click.option("--sort", default="newest", show_default=True,
              type=click.Choice(sorted(set(SORTS["finding"]) | set(SORTS["page"]))))
@click.option("--limit", default=20, show_default=True, type=int)
@click.option("--cursor", help="Continue after the previous page (printed as next_cursor).")
@click.option("--facets", is_flag=True, help="Also count by category, article, severity, storefront and day.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@pass_ctx
def search_cmd(ctx: Context, query: tuple[str, ...], pages: bool, fmt: str, facets: bool,
               **filters: Any) -> None:
    """Search findings (or pages) with Chinese phrases, field:value, "quoted phrases", AND/OR/NOT.

    \b
    Examples:
      storewatch search 国家级
      storewatch search '"最终解释权" category:unfair_terms' --since 2026-11-01
      storewatch search 'rule:AD-* -status:dismissed' --sort severity --facets
    """
    settings = ctx.settings
    _check_vocabulary(filters)
    request = SearchRequest(query=" ".join(query), kind="page" if pages else "finding",
                            facets=("all",) if facets else (), tz=settings.timezone, **filters)
    backend = open_backend(settings)
    try:
        result = backend.search(request)
    finally:
        backend.close()
    if fmt == "json":
        click.echo(json.dumps({"total": result.total, "hits": result.hits, "next_cursor": result.next_cursor,
                               "facets": {k: [list(x) for x in v] for k, v in result.facets.items()}},
                              ensure_ascii=False, indent=1))
        return
    tz = settings.timezone
    if pages:
        rows = [[_local(h.get("fetched_at"), tz), _cut(h.get("merchant_name") or "", 14),
                 _cut(h.get("title") or "", 30), h.get("url") or ""] for h in result.hits]
        header = ["抓取时间", "经营者", "页面标题", "网址"]
    else:
        rows = [[str(h.get("finding_id"))[:12], _local(h.get("first_seen"), tz),
                 severity_label(h.get("severity", "")), STATUS_LABELS.get(h.get("status", ""), h.get("status", "")),
                 category_label(h.get("category", "")),
                 article_label(",".join(h.get("article") or [])), _cut(h.get("merchant_name") or "", 14),
                 _cut(h.get("excerpt") or "", 40), h.get("url") or ""] for h in result.hits]
        header = ["编号", "首次发现", "严重程度", "状态", "类别", "违反条款", "经营者", "摘录", "网址"]
    if rows:
        click.echo(table(header, rows))
    click.echo(f"共 {result.total} 条，显示 {len(rows)} 条"
               + (f"；下一页：--cursor {result.next_cursor}" if result.next_cursor else ""))
    if result.facets:
        names = _storefront_names(settings, {k for k, _ in result.facets.get("storefront", [])})
        for facet, buckets in result.facets.items():
            click.echo(f"\n{facet}:")
            for key, n in buckets:
                label = f"{key} {names.get(key, '')}".strip() if facet == "storefront" else key
                click.echo(f"  {n:7d}  {label}")


@click.group("index")
def index_group() -> None:
    """The search index (Elasticsearch, or the embedded SQLite FTS5 search when none is configured)."""


def _open(ctx: Context) -> tuple[Any, Any]:
    from store.db import open_store

    store = open_store(ctx.settings)
    return store, open_backend(ctx.settings)


@index_group.command("sync")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10000))
@pass_ctx
def sync_cmd(ctx: Context, batch_size: int) -> None:
    """Push pending changes from the store's outbox to the index."""
    from index.sync import sync

    store, backend = _open(ctx)
    try:
        report = sync(store, backend, batch_size=batch_size)
    finally:
        backend.close()
        store.dispose()
    click.echo(f"索引同步 index sync ({backend.name}): {report.indexed} indexed, {report.deleted} deleted, "
               f"{report.failed} failed, {report.pending} pending")
    for line in report.errors:
        click.echo(f"  {line}", err=True)
    if report.stopped:
        raise SearchBackendError(f"{report.stopped} ({report.pending} change(s) stay in the outbox)")
    if report.failed:
        raise SearchBackendError(f"{report.failed} document(s) rejected; they stay in the outbox with their error")


@index_group.command("rebuild")
@click.option("--only", type=click.Choice(["findings", "pages"]), help="Rebuild one index only.")
@pass_ctx
def rebuild_cmd(ctx: Context, only: str | None) -> None:
    """Recreate the index from the store and switch to it atomically (searches keep working)."""
    from index.sync import rebuild

    kinds = {"findings": ("finding",), "pages": ("page",)}.get(only or "", ("finding", "page"))
    store, backend = _open(ctx)
    try:
        reports = rebuild(store, backend, kinds)
    finally:
        backend.close()
        store.dispose()
    for r in reports:
        old = f" (removed {', '.join(r.old_indices)})" if r.old_indices else ""
        click.echo(f"重建 rebuilt {r.kind}s: {r.count} documents -> {r.new_index}{old}")


@index_group.command("status")
@pass_ctx
def status_cmd(ctx: Context) -> None:
    """Show the backend, its indices and document counts, and the outbox backlog."""
    from sqlalchemy import func, select

    from store.models import OutboxEntry

    store, backend = _open(ctx)
    try:
        info = backend.describe()
        with store.session() as session:
            pending = session.scalar(select(func.count()).select_from(OutboxEntry)
                                     .where(OutboxEntry.done_at.is_(None))) or 0
            failing = session.scalar(select(func.count()).select_from(OutboxEntry)
                                     .where(OutboxEntry.done_at.is_(None), OutboxEntry.attempts > 0)) or 0
    finally:
        backend.close()
        store.dispose()
    info["outbox"] = {"pending": pending, "failing": failing}
    click.echo(json.dumps(info, ensure_ascii=False, indent=1))


COMMANDS = [search_cmd, index_group]
