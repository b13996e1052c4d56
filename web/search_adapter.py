"""The one place where the UI asks for findings: ``index.search``, the backend of ``storewatch search``.

Elasticsearch when ``elasticsearch.url`` is set, otherwise the embedded SQLite FTS5 index, with
the one query language of ``index.query`` (docs/index.md): words and ``"phrases"``,
``field:value`` (category, rule, article, severity, status, storefront, uscc, domain, excerpt,
title, merchant, … ``rule:AD-*``), ``since:``/``until:``, ``AND``/``OR``/``NOT``/``-``, parentheses.

* **Paging.** Page N is ``offset = (N-1) × per_page`` while that stays within the first
  :data:`index.search.MAX_WINDOW` (10,000) hits; beyond, "next page" carries the backend's
  search_after cursor (``after=`` in the URL), so deep pages are reached one after another
  (forward only; the browser's back button goes back). A page number past the window without a
  cursor shows the last reachable page and says so.
* **Facets** are multi-select: each facet's counts leave out its own filter
  (``SearchRequest.facets_ignore_own_filter``: one request on Elasticsearch, post_filter + filter
  aggregations; one grouped query per facet on FTS5).
* **The store is the truth.** The index follows it through the outbox (every minute, and at once
  after a decision made in the UI: :func:`web.common.in_db`). Hits shown are overlaid with the
  store's current status and times (one query for the page), and hits whose finding is gone from
  the store are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from index.search import MAX_WINDOW, SearchBackend, SearchRequest
from store.models import Finding, Storefront

FACETS = ("category", "article", "severity", "status", "storefront")
FACET_SHOWN = 30
SEVERITY_ORDER = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
SORTS = {  # UI sort -> label; the names are index.search.SORTS["finding"]
    "last_seen": "最近发现",
    "newest": "首次发现（新→旧）",
    "oldest": "首次发现（旧→新）",
    "severity": "严重程度",
}
SORT_ALIASES = {"first_seen": "newest"}  # older URLs


@dataclass(frozen=True)
class Filters:
    """Facet filters from the form: each a tuple of accepted values (empty = any)."""

    category: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    storefront: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[Any, str, int]]] = field(default_factory=dict)  # (value, label, count)
    next_cursor: str | None = None  # search_after cursor of the page after this one
    notice: str = ""  # said above the list (a page number past the offset window)
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def offset_reaches(self, page: int) -> bool:
        """Whether ``page`` can be asked for by number (within the first MAX_WINDOW hits)."""
        return page * self.per_page <= MAX_WINDOW


def sort_name(sort: str) -> str:
    sort = SORT_ALIASES.get(sort, sort)
    return sort if sort in SORTS else "last_seen"


def search(backend: SearchBackend, session: Session, query: str = "", filters: Filters | None = None, *,
           sort: str = "last_seen", page: int = 1, per_page: int = 50, cursor: str | None = None,
           facets: bool = True, tz: str = "Asia/Shanghai") -> SearchResult:
    """Findings matching ``query`` and ``filters``: page ``page`` of them (or the page after ``cursor``).

    Raises :class:`errors.QuerySyntaxError` / :class:`errors.InputError` for a bad query or
    cursor and :class:`errors.SearchBackendError` when the backend does not answer.
    """
    filters = filters or Filters()
    page = max(1, page)
    notice = ""
    if cursor is None and not page * per_page <= MAX_WINDOW:
        last = max(1, MAX_WINDOW // per_page)
        notice = (f"只能按页码直接打开前 {MAX_WINDOW} 条（第 {last} 页）；更后面的请从第 {last} 页起点“下一页”"
                  f"逐页翻，或缩小搜索条件 (page {page} is past the first {MAX_WINDOW} hits)")
        page = last
    request = SearchRequest(
        query=query, kind="finding", category=filters.category, article=filters.article,
        severity=filters.severity, status=filters.status, storefront=tuple(str(s) for s in filters.storefront),
        since=filters.date_from.isoformat() if filters.date_from else None,
        until=filters.date_to.isoformat() if filters.date_to else None,
        sort=sort_name(sort), limit=per_page, offset=0 if cursor else (page - 1) * per_page, cursor=cursor,
        facets=FACETS if facets else (), facets_ignore_own_filter=True, tz=tz)
    found = backend.search(request)
    result = SearchResult(hits=_overlay(session, found.hits), total=found.total, page=page, per_page=per_page,
                          next_cursor=found.next_cursor, notice=notice, took_ms=found.took_ms)
    if facets:
        result.facets = _facets(session, found.facets)
    return result


def _overlay(session: Session, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hits as the template shows them, with status and times read from the store (the truth)."""
    ids = [d["finding_id"] for d in docs]
    current = {r.finding_id: r for r in session.execute(
        select(Finding.finding_id, Finding.status, Finding.first_seen, Finding.last_seen,
               Finding.status_changed_at).where(Finding.finding_id.in_(ids)))} if ids else {}
    hits = []
    for doc in docs:
        row = current.get(doc["finding_id"])
        if row is None:  # deleted from the store; the index has not caught up yet
            continue
        hit = dict(doc)
        hit.update(article=", ".join(doc.get("article") or []), status=row.status,
                   storefront_name=doc.get("merchant_name") or "", storefront_domain=doc.get("domain") or "",
                   first_seen_at=row.first_seen, last_seen_at=row.last_seen,
                   status_changed_at=row.status_changed_at)
        hits.append(hit)
    return hits


def _facets(session: Session, raw: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[Any, str, int]]]:
    out: dict[str, list[tuple[Any, str, int]]] = {}
    for name in FACETS:
        top = raw.get(name, [])[:FACET_SHOWN]
        labels: dict[str, str] = {}
        if name == "storefront" and top:
            ids = [int(v) for v, _ in top if v.isdigit()]
            labels = {str(i): n for i, n in session.execute(
                select(Storefront.id, Storefront.name).where(Storefront.id.in_(ids)))}
        out[name] = [(v, labels.get(v, v), n) for v, n in top]
    return out

