"""One query interface, two backends: what the CLI and the triage UI call.

    backend = open_backend(settings)          # Elasticsearch if configured, else SQLite FTS5
    result = backend.search(SearchRequest(query='国家级 category:false_advertising', sort="severity"))
    more = backend.search(replace(request, cursor=result.next_cursor))   # search_after paging
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from errors import InputError
from index.query import Kind, Node, Or, Range, conjoin, parse, parse_day, term

log = logging.getLogger(__name__)

SORTS: dict[Kind, dict[str, tuple[tuple[str, str], ...]]] = {
    # sort name -> ((field, "asc"|"desc"), ...); the id tiebreaker is added by the backends
    "finding": {
        "newest": (("first_seen", "desc"),),
        "oldest": (("first_seen", "asc"),),
        "severity": (("severity_rank", "desc"), ("first_seen", "desc")),
        "last_seen": (("last_seen", "desc"),),
    },
    "page": {"newest": (("fetched_at", "desc"),), "oldest": (("fetched_at", "asc"),)},
}
ID_FIELD: dict[Kind, str] = {"finding": "finding_id", "page": "page_key"}
FACETS: dict[Kind, dict[str, str]] = {
    # facet name -> document field ("day" is by the local day of the date field)
    "finding": {"category": "category", "article": "article", "severity": "severity",
                "storefront": "storefront_id", "status": "status", "rule": "rule_id", "day": "first_seen"},
    "page": {"storefront": "storefront_id", "kind": "kind", "day": "fetched_at"},
}
DEFAULT_FACETS: dict[Kind, tuple[str, ...]] = {
    "finding": ("category", "article", "severity", "storefront", "day"),
    "page": ("storefront", "kind", "day"),
}
FACET_SIZE = 50
MAX_LIMIT = 1000
MAX_WINDOW = 10_000  # offset + limit (Elasticsearch's index.max_result_window); deeper = the cursor
# request filters that narrow a facet of the same name (see SearchRequest.facets_ignore_own_filter)
FACET_FILTERS = ("category", "article", "severity", "status", "storefront")


@dataclass(frozen=True)
class SearchRequest:
    """A search. Filters are ANDed with the query; each multi-valued filter is an OR of its values."""

    query: str = ""
    kind: Kind = "finding"
    category: Sequence[str] = ()
    article: Sequence[str] = ()
    severity: Sequence[str] = ()
    status: Sequence[str] = ()
    storefront: Sequence[str] = ()
    uscc: Sequence[str] = ()
    domain: Sequence[str] = ()
    since: str | None = None  # date or ISO time (local day in ``tz``)
    until: str | None = None
    sort: str = "newest"
    limit: int = 20
    offset: int = 0  # hits to skip (offset + limit <= MAX_WINDOW); not together with ``cursor``
    cursor: str | None = None  # next_cursor of the previous page
    facets: Sequence[str] = ()  # names from FACETS, or ("all",)
    # multi-select facets: the counts of a facet ignore the request's filter of the same name
    # (category, article, severity, status, storefront), so other values stay selectable; hits and
    # total still honour every filter
    facets_ignore_own_filter: bool = False
    tz: str = "Asia/Shanghai"


@dataclass
class SearchResult:
    total: int
    hits: list[dict[str, Any]]
    next_cursor: str | None = None
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    took_ms: float = 0.0


@dataclass
class ActionResult:
    kind: Kind
    doc_id: str
    ok: bool
    error: str | None = None


@dataclass(frozen=True)
class Action:
    """Index or delete one document (``doc`` and ``source`` both None = delete).

    ``source``: the document already serialised by the backend's ``encode`` (Elasticsearch sends
    it as it is); backends without one use ``doc``. Sync on SQLite may give Elasticsearch the
    source alone (``doc`` None: the JSON was built by the database, index/rows.py).
    """

    kind: Kind
    doc_id: str
    doc: dict[str, Any] | None
    source: bytes | None = None

    @property
    def deletes(self) -> bool:
        return self.doc is None and self.source is None


@dataclass
class RebuildReport:
    kind: Kind
    count: int
    new_index: str
    old_indices: list[str] = field(default_factory=list)


class SearchBackend(Protocol):
    name: str

    def ensure(self) -> None: ...
    def apply(self, actions: Sequence[Action]) -> list[ActionResult]: ...
    def search(self, request: SearchRequest) -> SearchResult: ...
    def refresh(self) -> None: ...
    def rebuild(self, kind: Kind, docs: Iterable[dict[str, Any]]) -> RebuildReport: ...
    def count(self, kind: Kind) -> int: ...
    def describe(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


def compile_parts(request: SearchRequest) -> tuple[Node, dict[str, Node]]:
    """The query with the uscc/domain/date filters, and each facet filter (FACET_FILTERS) on its own.

    Validates everything; raises InputError subclasses.
    """
    kind = request.kind
    if kind not in SORTS:
        raise InputError(f"unknown kind {kind!r}: findings or pages")
    node = parse(request.query, kind, request.tz)
    base: list[Node] = []
    facet_filters: dict[str, Node] = {}
    for name, fld in (("category", "category"), ("article", "article"), ("severity", "severity"),
                      ("status", "status"), ("storefront", "storefront_id"), ("uscc", "uscc"),
                      ("domain", "domain")):
        values = [v.strip() for raw in getattr(request, name) for v in str(raw).split(",") if v.strip()]
        if not values:
            continue
        if kind == "page" and name in ("category", "article", "severity", "status"):
            raise InputError(f"--{name} does not apply to page search")
        terms = [term(fld, v, quoted=True) for v in values]
        one = terms[0] if len(terms) == 1 else Or(tuple(terms))
        if name in FACET_FILTERS:
            facet_filters[name] = one
        else:
            base.append(one)
    since_field, until_field = ("last_seen", "first_seen") if kind == "finding" else ("fetched_at", "fetched_at")
    try:
        if request.since:
            base.append(Range(since_field, gte=parse_day(request.since, request.tz)))
        if request.until:
            base.append(Range(until_field, lt=parse_day(request.until, request.tz, end=True)))
    except ValueError as exc:
        raise InputError(f"--since/--until: {exc}") from None
    return conjoin(node, *base), facet_filters


def compile_request(request: SearchRequest) -> Node:
    """The query and the filters as one tree (validates everything; raises InputError subclasses)."""
    base, facet_filters = compile_parts(request)
    return conjoin(base, *facet_filters.values())


def facet_scope(request: SearchRequest, name: str, base: Node, facet_filters: dict[str, Node]) -> Node:
    """What facet ``name`` counts: everything, or without its own filter when the request asks so."""
    skip = name if request.facets_ignore_own_filter else None
    return conjoin(base, *(n for k, n in facet_filters.items() if k != skip))


def check_request(request: SearchRequest) -> tuple[tuple[str, str], ...]:
    """Validate sort, limit and facets; returns the sort spec."""
    sorts = SORTS[request.kind]
    if request.sort not in sorts:
        raise InputError(f"--sort {request.sort!r}: one of {', '.join(sorts)}")
    if not 0 <= request.limit <= MAX_LIMIT:
        raise InputError(f"--limit must be between 0 and {MAX_LIMIT} (use the cursor to page deeper)")
    if request.offset < 0 or request.offset + request.limit > MAX_WINDOW:
        raise InputError(f"offset + limit must be at most {MAX_WINDOW} (use the cursor to page deeper)")
    if request.offset and request.cursor:
        raise InputError("offset and --cursor cannot be combined")
    for name in facet_names(request):
        if name not in FACETS[request.kind]:
            raise InputError(f"unknown facet {name!r}: {', '.join(FACETS[request.kind])}")
    return sorts[request.sort]


def facet_names(request: SearchRequest) -> tuple[str, ...]:
    if tuple(request.facets) == ("all",):
        return DEFAULT_FACETS[request.kind]
    return tuple(request.facets)


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        raise InputError("--cursor: not a cursor returned by a previous search") from None
    if not isinstance(values, list) or len(values) != length:
        raise InputError("--cursor: not a cursor of this sort order")
    return values


def open_backend(settings: Any) -> SearchBackend:
    """Elasticsearch when ``settings.elasticsearch.url`` is set, else the embedded SQLite FTS5 search."""
    if settings.elasticsearch.url:
        from index.es_backend import EsBackend

        return EsBackend.from_settings(settings.elasticsearch)
    from index.fts_backend import FtsBackend

    return FtsBackend.from_settings(settings)


SortDir = Literal["asc", "desc"]
