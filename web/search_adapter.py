"""The one place where the UI asks for findings: query + filters + sort + page -> hits and facets.

For now a plain SQLAlchemy query over ``store.models.Finding``; when ``index.search`` lands,
only :func:`search` changes. The query syntax is that of ``storewatch search`` (README)::

    国家级 最佳                  both words (substring of match, excerpt, explanation, title, rule id)
    "最终解释权"                 an exact phrase
    category:false_advertising  severity:high  status:open  article:15(5)  rule:AD-ABSOLUTE-TERM
    storefront:12  uscc:9163…  domain:shop.example      field terms (``field:"quoted value"`` too)
    since:2026-11-01  until:2026-11-30                   seen in that period
    a b  ==  a AND b;   a OR b;   NOT a  ==  -a;   ( … ) groups

A query that does not parse raises :class:`errors.QuerySyntaxError` naming the position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from errors import QuerySyntaxError
from store.models import Finding, Storefront

FIELDS: dict[str, Any] = {"category": Finding.category, "severity": Finding.severity, "status": Finding.status,
                          "article": Finding.article, "rule": Finding.rule_id, "storefront": Finding.storefront_id}
QUERY_FIELDS = (*FIELDS, "uscc", "domain", "since", "until")
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
_TOKEN = re.compile(r'\s*(?:(\()|(\))|(-?)(?:(\w+):)?(?:"([^"]*)"|([^\s()"]+)))')


@dataclass(frozen=True)
class Term:
    text: str
    negate: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Bool:
    """``op`` is "and" or "or"; ``NOT x`` is a Bool("not", (x,))."""

    op: str
    items: tuple[Any, ...]


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


def _error(msg_zh: str, msg_en: str, pos: int) -> QuerySyntaxError:
    return QuerySyntaxError(f"查询语法错误：第 {pos} 个字符处{msg_zh} ({msg_en} at position {pos})")


def _tokens(query: str) -> list[tuple[int, str, Any]]:
    if query.count('"') % 2:
        raise _error("的引号没有闭合", "unclosed quote", query.rfind('"') + 1)
    out: list[tuple[int, str, Any]] = []
    pos = 0
    while pos < len(query):
        if not query[pos:].strip():
            break
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            raise _error("无法解析", "cannot parse", pos + 1)
        start = m.start(m.lastindex or 0) + 1
        lparen, rparen, neg, fname, quoted, word = m.groups()
        if lparen:
            out.append((start, "(", None))
        elif rparen:
            out.append((start, ")", None))
        elif quoted is None and fname is None and word in ("AND", "OR", "NOT") and not neg:
            out.append((start, word, None))
        else:
            if fname is not None and fname not in QUERY_FIELDS:
                raise _error(f"为未知字段 “{fname}”，可用字段：{', '.join(QUERY_FIELDS)}", f"unknown field {fname!r}",
                             start)
            value = quoted if quoted is not None else word
            if fname == "storefront" and not (value or "").isdigit():
                raise _error(f"storefront: 后应为网站编号（{value}）", "storefront id must be a number", start)
            if fname in ("since", "until"):
                try:
                    date.fromisoformat(value or "")
                except ValueError:
                    raise _error(f"{fname}: 后应为日期 YYYY-MM-DD", f"{fname}: needs a date", start) from None
            out.append((start, "term", Term(text=value or "", negate=bool(neg), field=fname)))
        pos = m.end()
    return out


def parse_query(query: str) -> Any:
    """The query as a tree of :class:`Term` and :class:`Bool` (None for an empty query)."""
    toks = _tokens(query)
    i = 0

    def peek() -> str | None:
        return toks[i][1] if i < len(toks) else None

    def where() -> int:
        return toks[i][0] if i < len(toks) else len(query) + 1

    def parse_or() -> Any:
        nonlocal i
        items = [parse_and()]
        while peek() == "OR":
            i += 1
            items.append(parse_and())
        return items[0] if len(items) == 1 else Bool("or", tuple(items))

    def parse_and() -> Any:
        nonlocal i
        items = [parse_unary()]
        while peek() not in (None, "OR", ")"):
            if peek() == "AND":
                i += 1
            items.append(parse_unary())
        return items[0] if len(items) == 1 else Bool("and", tuple(items))

    def parse_unary() -> Any:
        nonlocal i
        if peek() == "NOT":
            i += 1
            return Bool("not", (parse_unary(),))
        if peek() == "(":
            i += 1
            inner = parse_or()
            if peek() != ")":
                raise _error("缺少右括号", "missing ')'", where())
            i += 1
            return inner
        if peek() == "term":
            i += 1
            return toks[i - 1][2]
        raise _error("缺少查询词" if peek() in (None, ")") else f"不应出现 “{peek()}”",
                     "a term was expected", where())

    if not toks:
        return None
    tree = parse_or()
    if i < len(toks):
        raise _error(f"不应出现 “{toks[i][1]}”", "unexpected token", where())
    return tree


def _local_day(day: date, end: bool = False) -> datetime:
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=ZoneInfo("Asia/Shanghai"))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_clause(term: Term) -> Any:
    if term.field in ("uscc", "domain"):
        col = Storefront.uscc if term.field == "uscc" else Storefront.domain
        clause = Finding.storefront_id.in_(select(Storefront.id).where(col == term.text))
    elif term.field == "since":
        clause = Finding.last_seen >= _local_day(date.fromisoformat(term.text))
    elif term.field == "until":
        clause = Finding.first_seen < _local_day(date.fromisoformat(term.text), end=True)
    elif term.field is not None:
        col = FIELDS[term.field]
        clause = col == (int(term.text) if term.field == "storefront" else term.text)
    else:
        pattern = _like(term.text)
        clause = or_(*(c.like(pattern, escape="\\") for c in TEXT_COLUMNS))
    return not_(clause) if term.negate else clause


def _clause(node: Any) -> Any:
    if isinstance(node, Term):
        return _term_clause(node)
    if node.op == "not":
        return not_(_clause(node.items[0]))
    parts = [_clause(n) for n in node.items]
    return and_(*parts) if node.op == "and" else or_(*parts)


def _filter_clauses(filters: Filters, skip: str | None = None) -> list[Any]:
    out: list[Any] = []
    for name in FACETS:
        values = getattr(filters, name)
        if values and name != skip:
            out.append(FIELDS[name].in_(values))
    if filters.date_from:
        out.append(Finding.last_seen >= _local_day(filters.date_from))
    if filters.date_to:
        out.append(Finding.first_seen < _local_day(filters.date_to, end=True))
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
    tree = parse_query(query)
    terms = [_clause(tree)] if tree is not None else []
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
