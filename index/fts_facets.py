"""Finding facets of the embedded backend from one grouped scan (a "cube").

Counting a facet through ``search_terms`` probes every term of the field against the matching
documents: about 0.2 s per facet at 200,000 findings. Instead, ``search_docs`` keeps the
single-valued facet fields (and the article items joined by ",") in columns with a covering
index; one ``GROUP BY`` over the documents matching the query (without the facet filters) gives
the count of every combination, and each facet sums the combinations that pass the other facet
filters (and its own, unless the request leaves it out) — the total is the sum of those that
pass every filter. The number of combinations is bounded by categories × severities × statuses ×
storefronts × article sets actually present, not by the number of findings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from index.documents import articles
from index.query import Node, Or, Term

# facet name -> (column, document field)
CUBE: dict[str, tuple[str, str]] = {
    "category": ("f_category", "category"), "severity": ("f_severity", "severity"),
    "status": ("f_status", "status"), "storefront": ("f_storefront", "storefront_id"),
    "article": ("f_article", "article"),
}
COLUMNS = tuple(col for col, _ in CUBE.values())
_INDEX = f"CREATE INDEX IF NOT EXISTS ix_search_docs_cube ON search_docs (kind, {', '.join(COLUMNS)})"


def migrate(db: sqlite3.Connection) -> None:
    """Add the cube columns to a search_docs made before them, filled from the stored documents."""
    have = {row[1] for row in db.execute("PRAGMA table_info(search_docs)")}
    missing = [c for c in COLUMNS if c not in have]
    if missing:
        db.execute("BEGIN IMMEDIATE")
        try:
            for col in missing:
                db.execute(f"ALTER TABLE search_docs ADD COLUMN {col} TEXT")
            sets = [f"{col} = json_extract(doc, '$.{fld}')" for col, fld in CUBE.values() if fld != "article"]
            sets.append("f_article = (SELECT group_concat(value, ',') FROM json_each(doc, '$.article'))")
            db.execute(f"UPDATE search_docs SET {', '.join(sets)} WHERE kind = 'finding'")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    db.execute(_INDEX)


def row_values(doc: dict[str, Any]) -> tuple[Any, ...]:
    """The cube columns of a finding document (in COLUMNS order)."""
    out: list[Any] = []
    for _col, fld in CUBE.values():
        value = doc.get(fld)
        if fld == "article":
            value = ",".join(dict.fromkeys(str(v) for v in value or [])) or None
        out.append(None if value in (None, "") else str(value))
    return tuple(out)


def _in_articles(value: str, which: int) -> Callable[[tuple[Any, ...]], bool]:
    def check(row: tuple[Any, ...]) -> bool:  # which: 0 = the items ("15(5)"), 1 = their articles ("15")
        return value in articles(row[4] or "")[which]
    return check


def _equals(value: str, i: int) -> Callable[[tuple[Any, ...]], bool]:
    def check(row: tuple[Any, ...]) -> bool:
        return bool(row[i] == value)
    return check


def _predicate(node: Node) -> Callable[[tuple[Any, ...]], bool] | None:
    """``node`` (a facet filter: a Term or an Or of Terms) as a test of a cube row; None if it is not one."""
    terms = node.items if isinstance(node, Or) else (node,)
    if not all(isinstance(t, Term) and not t.prefix for t in terms):
        return None
    position = {fld: i for i, (_col, fld) in enumerate(CUBE.values())}
    checks: list[Callable[[tuple[Any, ...]], bool]] = []
    for t in terms:
        assert isinstance(t, Term)
        if t.field in ("article", "article_root"):
            checks.append(_in_articles(t.value, 0 if t.field == "article" else 1))
        elif t.field in position:
            checks.append(_equals(t.value, position[t.field]))
        else:
            return None
    return lambda row: any(check(row) for check in checks)


def cube_facets(db: sqlite3.Connection, where: str, params: list[Any], facet_filters: dict[str, Node],
                names: list[str], ignore_own: bool, size: int) -> tuple[dict[str, list[tuple[str, int]]], int] | None:
    """Counts of the ``names`` facets and the total; ``where`` selects the documents without the facet
    filters. None when a filter cannot be checked on the cube (the caller counts the slow way)."""
    tests = {}
    for name, node in facet_filters.items():
        test = _predicate(node)
        if test is None:
            return None
        tests[name] = test
    cols = ", ".join(f"d.{c}" for c in COLUMNS)
    rows = db.execute(f"SELECT {cols}, count(*) FROM search_docs d WHERE {where} GROUP BY {cols}", params).fetchall()
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    total = 0
    for row in rows:
        values, n = row[:-1], row[-1]
        failed = [name for name, test in tests.items() if not test(values)]
        if not failed:
            total += n
        for name in names:
            if failed and not (ignore_own and failed == [name]):
                continue
            value = values[list(CUBE).index(name)]
            if value is None:
                continue
            bucket = counts[name]
            for v in (articles(value)[0] if name == "article" else [value]):
                bucket[v] = bucket.get(v, 0) + n
    facets = {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:size] for name, c in counts.items()}
    return facets, total
