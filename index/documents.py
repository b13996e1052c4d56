"""Search documents built from the store's rows (or plain dicts of the same fields).

One document shape for both backends. Times are UTC ISO strings with ``Z``; the jieba tokens
(``analyzers.nlp.search_tokens``; a finding's are kept in the store from when it was saved) are a
keyword array (term statistics, ``token:`` queries); text fields keep the raw text
(Elasticsearch's standard analyzer makes one token per Han character).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from analyzers.nlp import finding_search_tokens, search_tokens

log = logging.getLogger(__name__)

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
MAX_PAGE_TOKENS = 3000
_ARTICLE_SPLIT = re.compile(r"[,，;；/、]+")
# one tokenisation for store and index (analyzers/nlp.py); ``tokens`` kept as this module's name for it
tokens = search_tokens


def iso(value: datetime | str | None) -> str | None:
    """UTC ISO-8601 with milliseconds and ``Z`` (what Elasticsearch's ``date`` keeps, so both backends sort alike)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def articles(article: str) -> tuple[list[str], list[str]]:
    """``"11(5), 15(6)"`` -> (["11(5)", "15(6)"], ["11", "15"])."""
    parts = [p.strip().removeprefix("第").removesuffix("条") for p in _ARTICLE_SPLIT.split(article or "")]
    parts = [p for p in parts if p]
    roots = []
    for p in parts:
        root = re.match(r"\d+", p)
        if root and root.group(0) not in roots:
            roots.append(root.group(0))
    return parts, roots


def _getter(row: Any) -> Any:
    """A ``get(name, default=None)`` for a dict-like row or an object with attributes."""
    if isinstance(row, dict):
        return row.get
    if isinstance(row, Mapping):
        return dict(row).get
    return lambda name, default=None: getattr(row, name, default)


def _get(row: Any, name: str, default: Any = None) -> Any:
    return _getter(row)(name, default)


def storefront_fields(storefront: Any | None) -> dict[str, Any]:
    if storefront is None:
        return {"merchant_name": None, "uscc": None, "domain": None, "site_name": None}
    return {"merchant_name": _get(storefront, "name") or None, "uscc": _get(storefront, "uscc") or None,
            "domain": _get(storefront, "domain") or None, "site_name": _get(storefront, "site_name") or None}


def finding_document(finding: Any, storefront: Any | None = None) -> dict[str, Any]:
    """The search document of a finding (store row or dict) and its storefront."""
    get = _getter(finding)
    parts, roots = articles(get("article", ""))
    severity = get("severity", "") or ""
    sid = get("storefront_id")
    excerpt = get("excerpt", "") or ""
    title = get("page_title", "") or ""
    match = get("match", "") or ""
    return {
        "finding_id": get("finding_id"),
        "rule_id": get("rule_id"),
        "category": get("category"),
        "article": parts,
        "article_root": roots,
        "law": list(get("law") or []),
        "severity": severity,
        "severity_rank": SEVERITY_RANK.get(severity, 0),
        "confidence": float(get("confidence", 1.0) or 0.0),
        "status": get("status", "open"),
        "storefront_id": None if sid is None else str(sid),
        **storefront_fields(storefront),
        "url": get("url"),
        "match": match,
        "excerpt": excerpt,
        "page_title": title,
        "explanation": get("explanation", "") or "",
        "page_kind": get("page_kind", "") or "",
        "voice": get("voice", "") or "",
        "source": get("source", "") or "rule",
        # stored when the finding was saved (store.lifecycle); computed for rows from before that
        "tokens": stored if (stored := get("tokens")) is not None else finding_search_tokens(match, excerpt, title),
        "first_seen": iso(get("first_seen")),
        "last_seen": iso(get("last_seen")),
        "status_changed_at": iso(get("status_changed_at")),
        "location": dict(get("location") or {}),
        "evidence": dict(get("evidence") or {}),
    }


def page_key(storefront_id: Any, url: str) -> str:
    """Id of a page's document: one per storefront and URL (the latest fetch wins)."""
    return hashlib.sha256(f"{storefront_id}\x00{url}".encode()).hexdigest()[:40]


def page_document(page: Any, storefront: Any | None = None) -> dict[str, Any]:
    sid = _get(page, "storefront_id")
    text = _get(page, "text", "") or ""
    title = _get(page, "title", "") or ""
    evidence = {k: _get(page, k) for k in ("warc_path", "warc_offset", "warc_record_id", "screenshot_sha256",
                                            "pdf_sha256") if _get(page, k) is not None}
    return {
        "page_key": page_key(sid, _get(page, "url")),
        "page_id": _get(page, "id"),
        "storefront_id": None if sid is None else str(sid),
        **storefront_fields(storefront),
        "url": _get(page, "url"),
        "kind": _get(page, "kind", "") or "",
        "status_code": _get(page, "status_code", 0),
        "rendered": bool(_get(page, "rendered", False)),
        "content_sha256": _get(page, "content_sha256", "") or "",
        "title": title,
        "text": text,
        "tokens": tokens(title, text, limit=MAX_PAGE_TOKENS),
        "fetched_at": iso(_get(page, "fetched_at")),
        "evidence": evidence,
    }


def doc_id(kind: str, doc: Mapping[str, Any]) -> str:
    return str(doc["finding_id"] if kind == "finding" else doc["page_key"])


def iter_ids(kind: str, docs: Iterable[Mapping[str, Any]]) -> Iterable[str]:
    return (doc_id(kind, d) for d in docs)
