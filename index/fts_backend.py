"""The embedded backend: SQLite FTS5 in the store's own database, same interface as Elasticsearch.

Tables (created here, not by the store's migrations; ``IF NOT EXISTS`` so it is safe to repeat):

* ``search_docs``  one row per document (kind, id, sort columns, the document as JSON)
* ``search_terms`` (doc, field, value) for every keyword value — filters, prefixes and facets
* ``search_fts``   FTS5 over the text fields. Han characters are indexed one token each, like
  Elasticsearch's standard analyzer, so a phrase query finds exact Chinese substrings; the jieba
  tokens are keyword values (``token:`` queries and term statistics).

With a PostgreSQL store the same tables live in ``<data_dir>/search.db``.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from errors import SearchBackendError
from index import fts_facets
from index.query import FIELDS, TEXT_FIELDS, All, And, Kind, Node, Not, Or, Phrase, Range, Term, conjoin
from index.search import (
    FACET_SIZE,
    FACETS,
    Action,
    ActionResult,
    RebuildReport,
    SearchRequest,
    SearchResult,
    check_request,
    compile_parts,
    decode_cursor,
    encode_cursor,
    facet_names,
    facet_scope,
)

log = logging.getLogger(__name__)

FTS_COLUMNS = {"excerpt": "excerpt", "page_title": "page_title", "match": "match", "explanation": "explanation",
               "merchant_name.text": "merchant", "title": "title", "text": "body"}
KEYWORDS: dict[Kind, tuple[str, ...]] = {
    "finding": ("rule_id", "category", "article", "article_root", "law", "severity", "status", "storefront_id",
                "uscc", "domain", "site_name", "url", "tokens", "page_kind", "voice", "source"),
    "page": ("storefront_id", "uscc", "domain", "site_name", "url", "kind", "tokens"),
}
SORT_COLUMNS = ("first_seen", "last_seen", "fetched_at", "severity_rank")
SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, doc_id TEXT NOT NULL,
    first_seen TEXT, last_seen TEXT, fetched_at TEXT, severity_rank INTEGER, doc TEXT NOT NULL,
    UNIQUE (kind, doc_id));
CREATE INDEX IF NOT EXISTS ix_search_docs_first ON search_docs (kind, first_seen, doc_id);
CREATE INDEX IF NOT EXISTS ix_search_docs_sev ON search_docs (kind, severity_rank, first_seen, doc_id);
CREATE INDEX IF NOT EXISTS ix_search_docs_last ON search_docs (kind, last_seen, doc_id);
CREATE INDEX IF NOT EXISTS ix_search_docs_fetched ON search_docs (kind, fetched_at, doc_id);
CREATE TABLE IF NOT EXISTS search_terms (doc INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_search_terms ON search_terms (field, value, doc);
CREATE INDEX IF NOT EXISTS ix_search_terms_doc ON search_terms (doc);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (
    excerpt, page_title, match, explanation, merchant, title, body, tokenize = 'unicode61');
"""
_INSERT_DOC = ("INSERT INTO search_docs (rowid, kind, doc_id, first_seen, last_seen, fetched_at, severity_rank, doc, "
               f"{', '.join(fts_facets.COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?{', ?' * len(fts_facets.COLUMNS)})")
_INSERT_TERM = "INSERT INTO search_terms (doc, field, value) VALUES (?, ?, ?)"
_INSERT_FTS = ("INSERT INTO search_fts (rowid, excerpt, page_title, match, explanation, merchant, title, body)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_TEXT_PATHS: dict[Kind, frozenset[str]] = {
    kind: frozenset(path for path, typ in FIELDS[kind].values() if typ == "text") for kind in KEYWORDS}
# a rebuild drops and re-creates the secondary indexes when the documents of the other kind
# (kept) are no more than this many: re-indexing those costs less than per-row index upkeep
_KEEP_INDEXES_ABOVE = 50_000
_SORT_CACHE_KIB = -262_144  # PRAGMA cache_size while the rebuild creates the indexes: 256 MiB
_HAN = re.compile(r"([\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])")
_WORD = re.compile(r"\w", re.UNICODE)


def spaced(text: str) -> str:
    """One token per Han (and Hiragana) character, as the standard analyzer makes them."""
    # the pieces of split() alternate other text and one Han character: joined by spaces, that is
    # each Han character with a space either side (what sub(r" \1 ") gives, at C speed)
    return " ".join(_HAN.split(text)) if text else ""


def _fts_phrase(text: str) -> str | None:
    body = spaced(text)
    if not _WORD.search(body):
        return None
    return '"' + body.replace('"', '""') + '"'


def _doc_value(doc: dict[str, Any], field: str) -> Any:
    if field == "merchant_name.text":
        return doc.get("merchant_name")
    return doc.get(field)


class FtsBackend:
    name = "sqlite-fts5"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        try:
            self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise SearchBackendError(f"embedded search: cannot open {self.path}: {exc}") from exc
        self._ready = False

    @classmethod
    def from_settings(cls, settings: Any) -> FtsBackend:
        url: str = settings.db_url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            return cls(url.removeprefix("sqlite:///"))
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        return cls(Path(settings.data_dir) / "search.db")

    def ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            try:
                self.db.executescript(SCHEMA)
                fts_facets.migrate(self.db)
            except sqlite3.Error as exc:
                raise SearchBackendError(f"embedded search: cannot create tables in {self.path}: {exc}") from exc
            self._ready = True

    # -- writing --------------------------------------------------------------------------------
    def _delete(self, kind: str, doc_id: str) -> None:
        row = self.db.execute("SELECT rowid FROM search_docs WHERE kind=? AND doc_id=?", (kind, doc_id)).fetchone()
        if row:
            self.db.execute("DELETE FROM search_terms WHERE doc=?", row)
            self.db.execute("DELETE FROM search_fts WHERE rowid=?", row)
            self.db.execute("DELETE FROM search_docs WHERE rowid=?", row)

    @staticmethod
    def _rows(kind: Kind, rowid: int | None, doc_id: str, doc: dict[str, Any]) -> tuple[
            tuple[Any, ...], list[tuple[Any, str, str]], tuple[str, ...]]:
        """A document's search_docs row (``rowid`` first; None = SQLite picks it), its search_terms
        (doc, field, value) without the doc, and its search_fts columns."""
        cube = fts_facets.row_values(doc) if kind == "finding" else (None,) * len(fts_facets.COLUMNS)
        row = (rowid, kind, doc_id, doc.get("first_seen"), doc.get("last_seen"), doc.get("fetched_at"),
               doc.get("severity_rank"), json.dumps(doc, ensure_ascii=False), *cube)
        terms = []
        for field in KEYWORDS[kind]:
            value = doc.get(field)
            for v in value if isinstance(value, list) else [value]:
                if v is not None and v != "":
                    terms.append((rowid, field, str(v)))
        indexed = _TEXT_PATHS[kind]
        cols = tuple(spaced(str(_doc_value(doc, f) or "")) if f in indexed else "" for f in FTS_COLUMNS)
        return row, terms, cols

    def _insert(self, kind: Kind, doc_id: str, doc: dict[str, Any]) -> None:
        row, terms, cols = self._rows(kind, None, doc_id, doc)
        rowid = self.db.execute(_INSERT_DOC, row).lastrowid
        self.db.executemany(_INSERT_TERM, [(rowid, f, v) for _, f, v in terms])
        self.db.execute(_INSERT_FTS, (rowid, *cols))

    def _insert_many(self, kind: Kind, docs: Iterable[dict[str, Any]], batch: int = 2000) -> int:
        """Insert ``docs`` (inside the caller's transaction) in batches of ``batch`` rows per table
        and statement, rowids counted here; the number inserted."""
        from index.search import ID_FIELD

        rowid = int(self.db.execute("SELECT coalesce(max(rowid), 0) FROM search_docs").fetchone()[0])
        count = 0
        rows: list[tuple[Any, ...]] = []
        terms: list[tuple[Any, str, str]] = []
        texts: list[tuple[Any, ...]] = []
        for doc in docs:
            rowid += 1
            row, doc_terms, cols = self._rows(kind, rowid, str(doc[ID_FIELD[kind]]), doc)
            rows.append(row)
            terms.extend(doc_terms)
            texts.append((rowid, *cols))
            if len(rows) >= batch:
                count += self._flush(rows, terms, texts)
        return count + self._flush(rows, terms, texts)

    def _flush(self, rows: list[tuple[Any, ...]], terms: list[tuple[Any, str, str]],
               texts: list[tuple[Any, ...]]) -> int:
        n = len(rows)
        self.db.executemany(_INSERT_DOC, rows)
        self.db.executemany(_INSERT_TERM, terms)
        self.db.executemany(_INSERT_FTS, texts)
        rows.clear()
        terms.clear()
        texts.clear()
        return n

    def apply(self, actions: Sequence[Action]) -> list[ActionResult]:
        self.ensure()
        results = []
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                for a in actions:
                    self.db.execute("SAVEPOINT doc")
                    try:
                        self._delete(a.kind, a.doc_id)
                        if a.doc is not None:
                            self._insert(a.kind, a.doc_id, a.doc)
                        self.db.execute("RELEASE doc")
                        results.append(ActionResult(a.kind, a.doc_id, True))
                    except (sqlite3.IntegrityError, sqlite3.DataError, TypeError, ValueError) as exc:
                        self.db.execute("ROLLBACK TO doc")
                        self.db.execute("RELEASE doc")
                        results.append(ActionResult(a.kind, a.doc_id, False, f"{type(exc).__name__}: {exc}"))
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise SearchBackendError(f"embedded search: writing to {self.path} failed: {exc}") from exc
        return results

    def refresh(self) -> None:
        """Nothing to do: committed rows are visible at once."""

    def count(self, kind: Kind) -> int:
        self.ensure()
        with self._lock:
            return int(self.db.execute("SELECT count(*) FROM search_docs WHERE kind=?", (kind,)).fetchone()[0])

    def rebuild(self, kind: Kind, docs: Iterable[dict[str, Any]]) -> RebuildReport:
        """Replace every document of ``kind`` in one transaction (readers see the old set until commit)."""
        self.ensure()
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("DELETE FROM search_terms WHERE doc IN (SELECT rowid FROM search_docs WHERE kind=?)",
                                (kind,))
                self.db.execute("DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_docs WHERE kind=?)",
                                (kind,))
                self.db.execute("DELETE FROM search_docs WHERE kind=?", (kind,))
                # most of the tables are being replaced: build their secondary indexes once at the
                # end (one sort each) instead of a random insert into each per row
                others = self.db.execute("SELECT count(*) FROM search_docs").fetchone()[0]
                indexes = [] if others > _KEEP_INDEXES_ABOVE else self.db.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name IN ('search_docs', 'search_terms')").fetchall()
                for name, _sql in indexes:
                    self.db.execute(f'DROP INDEX "{name}"')
                count = self._insert_many(kind, docs)
                if indexes:  # the sorts of the index builds in memory, on two threads
                    cache = self.db.execute("PRAGMA cache_size").fetchone()[0]
                    threads = self.db.execute("PRAGMA threads").fetchone()[0]
                    self.db.execute(f"PRAGMA cache_size={_SORT_CACHE_KIB}")
                    self.db.execute("PRAGMA threads=2")
                    try:
                        for _name, sql in indexes:
                            self.db.execute(sql)
                    finally:
                        self.db.execute(f"PRAGMA cache_size={int(cache)}")
                        self.db.execute(f"PRAGMA threads={int(threads)}")
                self.db.execute("COMMIT")
            except BaseException as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise SearchBackendError(f"embedded search: rebuild in {self.path} failed: {exc}") from exc
                raise
        return RebuildReport(kind, count, f"{self.path}#search_docs[{kind}]")

    # -- search ---------------------------------------------------------------------------------
    def _where(self, node: Node, kind: Kind, params: list[Any]) -> str:
        if isinstance(node, All):
            return "1"
        if isinstance(node, Phrase):
            phrase = _fts_phrase(node.text)
            if phrase is None:
                return "0"
            fields = TEXT_FIELDS[kind] if node.field == "*" else (node.field,)
            params.append("{" + " ".join(FTS_COLUMNS[f] for f in fields) + "} : " + phrase)
            return "d.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
        if isinstance(node, Term):
            if node.field in ("finding_id", "page_key"):
                if node.prefix:
                    params.extend([node.value, node.value + "\U0010ffff"])
                    return "(d.doc_id >= ? AND d.doc_id < ?)"
                params.append(node.value)
                return "d.doc_id = ?"
            if node.prefix:
                params.extend([node.field, node.value, node.value + "\U0010ffff"])
                return "d.rowid IN (SELECT doc FROM search_terms WHERE field = ? AND value >= ? AND value < ?)"
            params.extend([node.field, node.value])
            return "d.rowid IN (SELECT doc FROM search_terms WHERE field = ? AND value = ?)"
        if isinstance(node, Range):
            parts = []
            if node.gte is not None:
                parts.append(f"d.{node.field} >= ?")
                params.append(node.gte)
            if node.lt is not None:
                parts.append(f"d.{node.field} < ?")
                params.append(node.lt)
            return "(" + " AND ".join(parts or ["1"]) + ")"
        if isinstance(node, And):
            return "(" + " AND ".join(self._where(n, kind, params) for n in node.items) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self._where(n, kind, params) for n in node.items) + ")"
        if isinstance(node, Not):
            return "NOT " + self._where(node.item, kind, params)
        raise TypeError(f"unknown query node {node!r}")

    def search(self, request: SearchRequest) -> SearchResult:
        sort_spec = check_request(request)
        base, facet_filters = compile_parts(request)
        node = conjoin(base, *facet_filters.values())
        kind = request.kind
        self.ensure()
        started = time.perf_counter()
        params: list[Any] = [kind]
        where = "d.kind = ? AND " + self._where(node, kind, params)
        names = list(facet_names(request))
        cube_names = [n for n in names if kind == "finding" and n in fts_facets.CUBE]
        scopes: dict[str, tuple[str, list[Any]]] = {}
        for name in names:
            if name in cube_names:
                continue
            scope = facet_scope(request, name, base, facet_filters)
            scopes[name] = (where, params) if scope == node else self._scope(request, name, base, facet_filters)
        cols = [("d." + f if f in SORT_COLUMNS else f, d) for f, d in sort_spec] + [("d.doc_id", "asc")]
        page_where, page_params = where, list(params)
        if request.cursor:
            values = decode_cursor(request.cursor, len(cols))
            ors = []
            for i, (col, direction) in enumerate(cols):
                eq = [f"{c} = ?" for c, _ in cols[:i]]
                ors.append("(" + " AND ".join([*eq, f"{col} {'<' if direction == 'desc' else '>'} ?"]) + ")")
                page_params.extend([*values[:i], values[i]])
            page_where += " AND (" + " OR ".join(ors) + ")"
        order = ", ".join(f"{c} {d.upper()}" for c, d in cols)
        sql = (f"SELECT d.doc, {', '.join(c for c, _ in cols)} FROM search_docs d WHERE {page_where} "
               f"ORDER BY {order} LIMIT ? OFFSET ?")
        with self._lock:
            try:
                rows = self.db.execute(sql, [*page_params, request.limit, request.offset]).fetchall()
                cubed = None
                if cube_names:
                    base_params: list[Any] = [kind]
                    base_where = "d.kind = ? AND " + self._where(base, kind, base_params)
                    cubed = fts_facets.cube_facets(self.db, base_where, base_params, facet_filters, cube_names,
                                                   request.facets_ignore_own_filter, FACET_SIZE)
                    if cubed is None:  # a filter the cube cannot check: count through search_terms
                        scopes.update({n: self._scope(request, n, base, facet_filters) for n in cube_names})
                found = dict(cubed[0]) if cubed else {}
                found.update({name: self._facet(kind, name, *scopes[name], request.tz) for name in scopes})
                facets = {name: found[name] for name in names}
                total = cubed[1] if cubed else \
                    self.db.execute(f"SELECT count(*) FROM search_docs d WHERE {where}", params).fetchone()[0]
            except sqlite3.OperationalError as exc:
                raise SearchBackendError(f"embedded search in {self.path} failed: {exc}") from exc
        hits = []
        for row in rows:
            doc = json.loads(row[0])
            doc.pop("tokens", None)
            hits.append(doc)
        cursor = encode_cursor(list(rows[-1][1:])) if rows and len(rows) == request.limit else None
        return SearchResult(total=int(total), hits=hits, next_cursor=cursor, facets=facets,
                            took_ms=(time.perf_counter() - started) * 1000)

    def _scope(self, request: SearchRequest, name: str, base: Node,
               facet_filters: dict[str, Node]) -> tuple[str, list[Any]]:
        scope_params: list[Any] = [request.kind]
        scope = facet_scope(request, name, base, facet_filters)
        return "d.kind = ? AND " + self._where(scope, request.kind, scope_params), scope_params

    def _facet(self, kind: Kind, name: str, where: str, params: list[Any], tz: str) -> list[tuple[str, int]]:
        field = FACETS[kind][name]
        if name == "day":
            offset = ZoneInfo(tz).utcoffset(datetime.now())
            minutes = int(offset.total_seconds() // 60) if offset else 0
            sql = (f"SELECT strftime('%Y-%m-%d', d.{field}, '{minutes:+d} minutes') AS day, count(*) "
                   f"FROM search_docs d WHERE {where} AND d.{field} IS NOT NULL "
                   f"GROUP BY day ORDER BY day DESC LIMIT {FACET_SIZE}")
            rows = self.db.execute(sql, params).fetchall()
        else:
            sql = (f"SELECT t.value, count(*) AS n FROM search_terms t WHERE t.field = ? AND t.doc IN "
                   f"(SELECT d.rowid FROM search_docs d WHERE {where}) GROUP BY t.value "
                   f"ORDER BY n DESC, t.value ASC LIMIT {FACET_SIZE}")
            rows = self.db.execute(sql, [field, *params]).fetchall()
        return [(str(k), int(n)) for k, n in rows]

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "database": self.path,
                "findings": {"documents": self.count("finding")}, "pages": {"documents": self.count("page")}}

    def close(self) -> None:
        with self._lock:
            self.db.close()
