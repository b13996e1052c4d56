"""The compact row path of index sync: findings and storefronts read as plain columns, documents built
without the ORM.

Every sync reads every changed finding, so this is the hot path of ``index.sync``: the JSON
columns (``tokens``, ``law``, ``location``, ``evidence``) and the times come back as the text the
database keeps (SQLite) and are decoded with orjson and turned into ISO strings by slicing,
instead of going through SQLAlchemy's JSON and ``UTCDateTime`` types and back. On a database
that hands back decoded values itself (PostgreSQL) those are used as they are. The result is the
same document as :func:`index.documents.finding_document` of the ORM row (tests/index/test_rows.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Select, Text, bindparam, select, text, type_coerce
from sqlalchemy.orm import Session

from analyzers.nlp import finding_search_tokens
from index.documents import SEVERITY_RANK, articles, iso
from store.models import Finding, Storefront

FINDINGS = Finding.__table__
JSON_COLUMNS = ("law", "location", "evidence", "tokens")
TIME_COLUMNS = ("first_seen", "last_seen", "status_changed_at")
COLUMNS = ("finding_id", "storefront_id", "rule_id", "category", "article", "severity", "confidence", "status",
           "url", "match", "excerpt", "page_title", "explanation") + JSON_COLUMNS + TIME_COLUMNS + (
           "page_kind", "voice", "source")
_RAW = frozenset(JSON_COLUMNS + TIME_COLUMNS)
Shop = tuple[str | None, str | None, str | None, str | None]  # merchant_name, uscc, domain, site_name
NO_SHOP: Shop = (None, None, None, None)


def finding_select() -> Select[Any]:
    """SELECT of the columns a finding's document needs; JSON and times as the database keeps them."""
    return select(*(type_coerce(FINDINGS.c[name], Text).label(name) if name in _RAW else FINDINGS.c[name]
                    for name in COLUMNS))


def storefronts(session: Session, ids: Iterable[int | None]) -> dict[int, Shop]:
    """id -> (merchant_name, uscc, domain, site_name) as the document keeps them (empty -> None)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    cols = (Storefront.id, Storefront.name, Storefront.uscc, Storefront.domain, Storefront.site_name)
    return {r[0]: (r[1] or None, r[2] or None, r[3] or None, r[4] or None)
            for r in session.execute(select(*cols).where(Storefront.id.in_(wanted)))}


@functools.lru_cache(maxsize=4096)
def _articles(article: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parts, roots = articles(article)
    return tuple(parts), tuple(roots)


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value


def _time(value: Any) -> str | None:
    # SQLite keeps UTC as "YYYY-MM-DD HH:MM:SS.ffffff"; anything else goes the general way
    if isinstance(value, str) and len(value) == 26 and value[10] == " " and value[19] == ".":
        return f"{value[:10]}T{value[11:23]}Z"
    return iso(value)


def finding_doc(row: Sequence[Any], shop: Shop | None) -> dict[str, Any]:
    """The search document of a row of :func:`finding_select` and its storefront (see :func:`storefronts`)."""
    (fid, sid, rule_id, category, article, severity, confidence, status, url, match, excerpt, title, explanation,
     law, location, evidence, tokens, first_seen, last_seen, changed, page_kind, voice, source) = row
    parts, roots = _articles(article or "")
    severity = severity or ""
    match, excerpt, title = match or "", excerpt or "", title or ""
    tokens = _json(tokens)
    merchant, uscc, domain, site_name = shop or NO_SHOP
    return {
        "finding_id": fid,
        "rule_id": rule_id,
        "category": category,
        "article": list(parts),
        "article_root": list(roots),
        "law": list(_json(law) or []),
        "severity": severity,
        "severity_rank": SEVERITY_RANK.get(severity, 0),
        "confidence": float(confidence or 0.0),
        "status": status,
        "storefront_id": None if sid is None else str(sid),
        "merchant_name": merchant, "uscc": uscc, "domain": domain, "site_name": site_name,
        "url": url,
        "match": match,
        "excerpt": excerpt,
        "page_title": title,
        "explanation": explanation or "",
        "page_kind": page_kind or "", "voice": voice or "", "source": source or "rule",
        # stored when the finding was saved (store.lifecycle); computed for rows from before that
        "tokens": tokens if tokens is not None else finding_search_tokens(match, excerpt, title),
        "first_seen": _time(first_seen),
        "last_seen": _time(last_seen),
        "status_changed_at": _time(changed),
        "location": dict(_json(location) or {}),
        "evidence": dict(_json(evidence) or {}),
    }


def finding_docs(session: Session, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Documents of rows of :func:`finding_select`, in order, their storefronts read in one query."""
    shops = storefronts(session, (r[1] for r in rows))
    return [finding_doc(r, shops.get(r[1]) if r[1] is not None else None) for r in rows]


def encode(doc: dict[str, Any]) -> bytes:
    """A document as the JSON bytes a bulk request carries (serialised once, passed through by the client)."""
    return orjson.dumps(doc)


# -- SQLite: the document's JSON built by the database -------------------------------------------
# json_object() in C instead of a dict and orjson per row (about 10 µs a finding instead of ~45 µs,
# measured here). Only rows whose stored values have the usual shapes take this path (tokens kept,
# JSON columns of the right type, times as SQLite keeps them); the rest, and other databases, go
# through finding_doc. The article lists and severity rank are put in front from Python (cached per
# article and severity). Same document as finding_doc (tests/index/test_rows.py).


def _iso_sql(col: str) -> str:
    return f"substr({col}, 1, 10) || 'T' || substr({col}, 12, 12) || 'Z'"


def _shaped(col: str) -> str:
    return f"(length({col}) = 26 AND substr({col}, 11, 1) = ' ' AND substr({col}, 20, 1) = '.')"


def _json_or(col: str, kind: str, empty: str) -> str:
    return f"json(CASE WHEN json_type({col}) = '{kind}' THEN {col} ELSE '{empty}' END)"


_SQLITE_SOURCES = text(f"""
SELECT f.finding_id, f.article, f.severity, CAST(json_object(
  'finding_id', f.finding_id, 'rule_id', f.rule_id, 'category', f.category,
  'law', {_json_or("f.law", "array", "[]")},
  'severity', coalesce(f.severity, ''), 'confidence', coalesce(f.confidence, 0.0), 'status', f.status,
  'storefront_id', CAST(f.storefront_id AS TEXT),
  'merchant_name', nullif(s.name, ''), 'uscc', nullif(s.uscc, ''), 'domain', nullif(s.domain, ''),
  'site_name', nullif(s.site_name, ''),
  'url', f.url, 'match', coalesce(f."match", ''), 'excerpt', coalesce(f.excerpt, ''),
  'page_title', coalesce(f.page_title, ''), 'explanation', coalesce(f.explanation, ''),
  'page_kind', coalesce(f.page_kind, ''), 'voice', coalesce(f.voice, ''),
  'source', coalesce(nullif(f.source, ''), 'rule'),
  'tokens', json(f.tokens),
  'first_seen', {_iso_sql("f.first_seen")}, 'last_seen', {_iso_sql("f.last_seen")},
  'status_changed_at', {_iso_sql("f.status_changed_at")},
  'location', {_json_or("f.location", "object", "{}")}, 'evidence', {_json_or("f.evidence", "object", "{}")}
) AS BLOB)
FROM findings AS f LEFT JOIN storefronts AS s ON s.id = f.storefront_id
WHERE f.finding_id IN :ids
  AND json_type(f.tokens) = 'array'
  AND coalesce(json_type(f.law), 'null') IN ('null', 'array')
  AND coalesce(json_type(f.location), 'null') IN ('null', 'object')
  AND coalesce(json_type(f.evidence), 'null') IN ('null', 'object')
  AND {_shaped("f.first_seen")} AND {_shaped("f.last_seen")} AND {_shaped("f.status_changed_at")}
""").bindparams(bindparam("ids", expanding=True))


@functools.lru_cache(maxsize=4096)
def _prefix(article: str, severity: str) -> bytes:
    parts, roots = _articles(article)
    head = orjson.dumps({"article": list(parts), "article_root": list(roots),
                         "severity_rank": SEVERITY_RANK.get(severity, 0)})
    return head[:-1] + b","


def sqlite_sources(session: Session, ids: Sequence[str]) -> dict[str, bytes]:
    """finding id -> its document as JSON bytes, built by SQLite, for the rows of ``ids`` that can be.

    Ids missing from the result (no such finding, or a row of unusual shape) are for
    :func:`finding_docs`. Only for SQLite (``json_object``); returns {} on other databases.
    """
    if not ids or session.get_bind().dialect.name != "sqlite":
        return {}
    return {fid: _prefix(article or "", severity or "") + bytes(source)[1:]
            for fid, article, severity, source in session.execute(_SQLITE_SOURCES, {"ids": list(ids)})}
