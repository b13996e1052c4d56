"""The one place where the UI asks for findings: query + filters + sort + page -> hits and facets.

For now a plain SQLAlchemy query over ``store.models.Finding``; when ``index.search`` lands,
only :func:`search` changes (the query syntax is meant to be the same as ``storewatch search``).

Query syntax (the subset both backends accept)::

    国家级 最佳              every word must appear (match, excerpt, explanation, title, rule id)
    "最终解释权"             an exact phrase
    -包邮                   must not appear
    category:false_advertising  severity:high  status:open  article:15(5)  rule:AD-ABSOLUTE-TERM
    storefront:12           field filters (``field:"quoted value"`` also works)

A query that does not parse raises :class:`errors.QuerySyntaxError` naming the position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from errors import QuerySyntaxError
from store.models import Finding, Storefront

FIELDS = {"category": Finding.category, "severity": Finding.severity, "status": Finding.status,
          "article": Finding.article, "rule": Finding.rule_id, "storefront": Finding.storefront_id}
FACETS = ("category", "article", "severity", "status", "storefront")
SEVERITY_ORDER = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
SORTS = {
    "last_seen": "最近发现",
    "first_seen": "首次发现",
    "severity": "严重程度",
    "confidence": "置信度",
    "storefront": "网站",
}
TEXT_COLUMNS = (Finding.match, Finding.excerpt, Finding.explanation, Finding.page_title, Finding.rule_id)
_TOKEN = re.compile(r'\s*(-?)(?:(\w+):)?("([^"]*)"|[^\s"]+)?')


@dataclass(frozen=True)
class Term:
    text: str
    negate: bool = False
    field: str | None = None


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
    finding_ids: tuple[str, ...] = ()


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[Any, str, int]]] = field(default_factory=dict)  # (value, label, count)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_query(query: str) -> list[Term]:
    """Split a query into terms; raises QuerySyntaxError on an unclosed quote or unknown field."""
    terms: list[Term] = []
    if query.count('"') % 2:
        pos = query.rfind('"')
        raise QuerySyntaxError(f"查询语法错误：第 {pos + 1} 个字符处的引号没有闭合 (unclosed quote at position {pos + 1})")
    pos = 0
    query = query.strip()
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            raise QuerySyntaxError(f"查询语法错误：第 {pos + 1} 个字符处无法解析 (cannot parse at position {pos + 1})")
        neg, fname, raw, quoted = m.group(1), m.group(2), m.group(3), m.group(4)
        if raw is None:
            raise QuerySyntaxError(f"查询语法错误：第 {m.end()} 个字符处缺少内容 (empty term at position {m.end()})")
        if fname is not None and fname not in FIELDS:
            raise QuerySyntaxError(f"查询语法错误：未知字段 “{fname}”，可用字段：{', '.join(FIELDS)} "
                                   f"(unknown field {fname!r} at position {m.start(2) + 1})")
        value = quoted if quoted is not None else raw
        if fname == "storefront" and not value.isdigit():
            raise QuerySyntaxError(f"查询语法错误：storefront: 后应为网站编号 (storefront id must be a number: {value!r})")
        if value:
            terms.append(Term(text=value, negate=bool(neg), field=fname))
        pos = m.end()
    return terms


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_clause(term: Term) -> Any:
    if term.field is not None:
        col = FIELDS[term.field]
        clause = col == (int(term.text) if term.field == "storefront" else term.text)
    else:
        pattern = _like(term.text)
        clause = or_(*(c.like(pattern, escape="\\") for c in TEXT_COLUMNS))
    return not_(clause) if term.negate else clause


def _filter_clauses(filters: Filters, skip: str | None = None) -> list[Any]:
    out: list[Any] = []
    for name in FACETS:
        values = getattr(filters, name)
        if values and name != skip:
            out.append(FIELDS[name].in_(values))
    if filters.date_from:
        out.append(Finding.last_seen >= datetime.combine(filters.date_from, time.min).astimezone())
    if filters.date_to:
        out.append(Finding.first_seen < datetime.combine(filters.date_to + timedelta(days=1), time.min).astimezone())
    if filters.finding_ids:
        out.append(Finding.finding_id.in_(filters.finding_ids))
    return out


def _order(sort: str) -> list[Any]:
    sev = case(SEVERITY_ORDER, value=Finding.severity, else_=0)
    return {
        "first_seen": [Finding.first_seen.desc()],
        "severity": [sev.desc(), Finding.last_seen.desc()],
        "confidence": [Finding.confidence.desc(), Finding.last_seen.desc()],
        "storefront": [Finding.storefront_id, Finding.last_seen.desc()],
    }.get(sort, [Finding.last_seen.desc()]) + [Finding.finding_id]


def search(session: Session, query: str = "", filters: Filters | None = None, *, sort: str = "last_seen",
           page: int = 1, per_page: int = 50, facets: bool = True) -> SearchResult:
    """Findings matching ``query`` and ``filters``, one page of them, with facet counts.

    Facet counts for one field ignore that field's own filter (so more values can be ticked).
    """
    filters = filters or Filters()
    terms = [_term_clause(t) for t in parse_query(query)]
    where = terms + _filter_clauses(filters)
    page = max(1, page)
    result = SearchResult(hits=[], total=0, page=page, per_page=per_page)
    if facets:
        # one scan: counts per combination of facet values under the text terms and dates; each
        # facet then sums the combinations that pass every *other* facet filter (and the total all)
        dims = [FIELDS[name] for name in FACETS]
        if terms:  # rows must be read anyway: keep the planner off the facet index (SQLite would
            dims = [func.coalesce(d, None) for d in dims]  # walk it in order and look up every row)
        base = terms + _filter_clauses(Filters(date_from=filters.date_from, date_to=filters.date_to,
                                               finding_ids=filters.finding_ids))
        cube = session.execute(select(*dims, func.count()).where(and_(True, *base)).group_by(*dims)).all()
        wanted = [set(getattr(filters, name)) for name in FACETS]
        counts: list[dict[Any, int]] = [{} for _ in FACETS]
        for row in cube:
            values, n = row[:-1], row[-1]
            passes = [not wanted[i] or values[i] in wanted[i] for i in range(len(FACETS))]
            if all(passes):
                result.total += n
            for i in range(len(FACETS)):
                if all(passes[:i]) and all(passes[i + 1:]) and values[i] is not None:
                    counts[i][values[i]] = counts[i].get(values[i], 0) + n
        for i, name in enumerate(FACETS):
            top = sorted(counts[i].items(), key=lambda kv: -kv[1])[:30]
            labels: dict[Any, str] = {}
            if name == "storefront" and top:
                labels = dict(session.execute(select(Storefront.id, Storefront.name)
                                              .where(Storefront.id.in_([v for v, _ in top]))).all())
            result.facets[name] = [(v, labels.get(v, str(v)), n) for v, n in top]
    else:
        result.total = session.scalar(select(func.count()).select_from(Finding).where(and_(True, *where))) or 0
    q: Select[Any] = (select(Finding, Storefront.name, Storefront.domain)
                      .outerjoin(Storefront, Storefront.id == Finding.storefront_id)
                      .where(and_(True, *where)).order_by(*_order(sort))
                      .limit(per_page).offset((page - 1) * per_page))
    for f, name, domain in session.execute(q):
        d = f.to_dict()
        d.update(storefront_name=name or "", storefront_domain=domain or "", page_title=f.page_title,
                 page_id=f.page_id, first_seen_at=f.first_seen, last_seen_at=f.last_seen)
        result.hits.append(d)
    return result


def hits_for_ids(session: Session, ids: list[str]) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.finding_id.in_(ids))))
