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
from sqlalchemy import Select, Text, select, type_coerce
from sqlalchemy.orm import Session

from analyzers.nlp import finding_search_tokens
from index.documents import SEVERITY_RANK, articles, iso
from store.models import Finding, Storefront

FINDINGS = Finding.__table__
JSON_COLUMNS = ("law", "location", "evidence", "tokens")
TIME_COLUMNS = ("first_seen", "last_seen", "status_changed_at")
COLUMNS = ("finding_id", "storefront_id", "rule_id", "category", "article", "severity", "confidence", "status",
           "url", "match", "excerpt", "page_title", "explanation") + JSON_COLUMNS + TIME_COLUMNS
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
     law, location, evidence, tokens, first_seen, last_seen, changed) = row
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
