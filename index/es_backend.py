"""The Elasticsearch backend: versioned indices behind aliases, bulk sync, search, rebuild.

Layout: ``<prefix>findings`` -> ``<prefix>findings-v<N>`` (likewise ``pages``), created from
``index/mappings/*.json``. A rebuild creates ``-v<N+1>``, fills it, switches the alias in one
atomic ``_aliases`` call and deletes the older versions. Needs no plugin or optional module
(no reindex, no painless, no ingest): the integ-test distribution runs it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, helpers

from errors import SearchBackendError
from index.client import TRANSPORT_ERRORS, backend_errors, describe, make_client
from index.query import TEXT_FIELDS, All, And, Kind, Node, Not, Or, Phrase, Range, Term, conjoin
from index.rows import encode
from index.search import (
    FACET_SIZE,
    FACETS,
    ID_FIELD,
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
)

log = logging.getLogger(__name__)
MAPPINGS = Path(__file__).parent / "mappings"
NAMES: dict[Kind, str] = {"finding": "findings", "page": "pages"}
RETRYABLE_STATUS = (429, 502, 503, 504)
# aggregations giving the newest and oldest date for the day facet (in _DAY_BOUNDS with facet filters)
_DAY_BOUNDS, _DAY_MAX, _DAY_MIN = "day_bounds", "day_max", "day_min"


class BackendUnavailable(SearchBackendError):
    """Elasticsearch stopped answering part-way; ``results`` holds what was applied before that."""

    def __init__(self, message: str, results: list[ActionResult]) -> None:
        super().__init__(message)
        self.results = results


@cache
def load_mapping(kind: Kind) -> dict[str, Any]:
    return json.loads((MAPPINGS / f"{NAMES[kind]}.json").read_text(encoding="utf-8"))


def to_dsl(node: Node, kind: Kind) -> dict[str, Any]:
    """Compile a query tree to the Elasticsearch query DSL."""
    if isinstance(node, All):
        return {"match_all": {}}
    if isinstance(node, Phrase):
        if node.field == "*":
            return {"multi_match": {"query": node.text, "type": "phrase", "fields": list(TEXT_FIELDS[kind])}}
        return {"match_phrase": {node.field: node.text}}
    if isinstance(node, Term):
        return {"prefix" if node.prefix else "term": {node.field: node.value}}
    if isinstance(node, Range):
        bounds = {k: v for k, v in (("gte", node.gte), ("lt", node.lt)) if v is not None}
        return {"range": {node.field: bounds}}
    if isinstance(node, And):
        return {"bool": {"must": [to_dsl(n, kind) for n in node.items]}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_dsl(n, kind) for n in node.items], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [to_dsl(node.item, kind)]}}
    raise TypeError(f"unknown query node {node!r}")


class EsBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, url: str, *, username: str | None = None,
                 prefix: str = "storewatch-", chunk_size: int = 500, retries: int = 5,
                 initial_backoff: float = 1.0, max_backoff: float = 30.0) -> None:
        self.client, self.url, self.username, self.prefix = client, url, username, prefix
        self.chunk_size, self.retries = chunk_size, retries
        self.initial_backoff, self.max_backoff = initial_backoff, max_backoff

    @classmethod
    def from_settings(cls, es: Any, **kwargs: Any) -> EsBackend:
        return cls(make_client(es), es.url, username=es.username, prefix=es.index_prefix, **kwargs)

    @staticmethod
    def encode(doc: dict[str, Any]) -> bytes:
        """A document serialised once for the bulk body (orjson; see index.sync._load_range)."""
        return encode(doc)

    def alias(self, kind: Kind) -> str:
        return f"{self.prefix}{NAMES[kind]}"

    def _errors(self) -> Any:
        return backend_errors(self.url, self.username)

    # -- layout ---------------------------------------------------------------------------------
    def versions(self, kind: Kind) -> dict[str, list[str]]:
        """Concrete versioned indices of ``kind`` -> the aliases each carries."""
        alias = self.alias(kind)
        with self._errors():
            found = self.client.options(ignore_status=404).indices.get_alias(index=f"{alias}-v*")
        pattern = re.compile(re.escape(alias) + r"-v(\d+)$")
        return {name: sorted(info.get("aliases", {})) for name, info in dict(found).items()
                if pattern.match(name)}

    def current_index(self, kind: Kind) -> str | None:
        alias = self.alias(kind)
        for name, aliases in self.versions(kind).items():
            if alias in aliases:
                return name
        return None

    def _create(self, index: str, kind: Kind, aliases: dict[str, Any] | None = None) -> None:
        spec = load_mapping(kind)
        with self._errors():
            self.client.indices.create(index=index, settings=spec["settings"], mappings=spec["mappings"],
                                       aliases=aliases or {})

    def ensure(self) -> None:
        """Create the first versioned index and alias of each kind if missing (safe to repeat)."""
        for kind in NAMES:
            alias = self.alias(kind)
            current = self.current_index(kind)
            if current is not None:
                with self._errors():
                    meta = self.client.indices.get_mapping(index=current)[current]["mappings"].get("_meta", {})
                if meta.get("version", 0) < load_mapping(kind)["version"]:
                    self._add_fields(current, kind)
                    log.warning("index %s has mapping version %s, the code has %s: run `storewatch index rebuild`",
                                current, meta.get("version"), load_mapping(kind)["version"])
                continue
            with self._errors():
                if self.client.indices.exists(index=alias):
                    raise SearchBackendError(f"Elasticsearch at {self.url}: {alias} is an index, not an alias "
                                             "(created by something else?): delete it, then run "
                                             "`storewatch index rebuild`")
            numbers = [int(n.rsplit("-v", 1)[1]) for n in self.versions(kind)]
            index = f"{alias}-v{max(numbers, default=0) + 1}"
            try:
                self._create(index, kind, {alias: {}})
                log.info("created %s with alias %s", index, alias)
            except SearchBackendError as exc:
                if "resource_already_exists" not in str(exc):
                    raise

    def _add_fields(self, index: str, kind: Kind) -> None:
        """Give an index of an older mapping the fields added since (a strict mapping would refuse
        documents carrying them); its documents gain their values at the next rebuild."""
        try:
            with self._errors():
                self.client.indices.put_mapping(index=index, properties=load_mapping(kind)["mappings"]["properties"])
        except SearchBackendError as exc:  # a changed field type: only a rebuild helps
            log.warning("cannot add the new fields to %s: %s", index, exc)

    # -- writing --------------------------------------------------------------------------------
    def _ops(self, actions: Sequence[Action], index: str | None) -> Iterator[dict[str, Any]]:
        for a in actions:
            target = index or self.alias(a.kind)
            if a.deletes:
                yield {"_op_type": "delete", "_index": target, "_id": a.doc_id}
            else:
                # bytes go into the bulk body as they are (elasticsearch-py's serializer passes them through)
                yield {"_op_type": "index", "_index": target, "_id": a.doc_id,
                       "_source": a.source if a.source is not None else a.doc}

    def _kind_of(self, index_name: str) -> Kind:
        for kind in NAMES:
            if index_name == self.alias(kind) or index_name.startswith(self.alias(kind) + "-v"):
                return kind
        raise ValueError(index_name)

    def apply(self, actions: Sequence[Action], *, index: str | None = None,
              refresh: bool | str = False) -> list[ActionResult]:
        """Index/delete documents with ``streaming_bulk``; one result per action, failures included.

        429s are retried per document by the helper; connection errors, timeouts and 5xx replies
        are retried here with exponential backoff, re-sending only what has no result yet (ids make
        it idempotent). If Elasticsearch stays away, :class:`BackendUnavailable` carries the
        results obtained so far.
        """
        results: dict[tuple[str, str], ActionResult] = {}
        pending = list(actions)
        attempt = 0
        while pending:
            try:
                for ok, item in helpers.streaming_bulk(
                        self.client, self._ops(pending, index), chunk_size=self.chunk_size,
                        raise_on_error=False, raise_on_exception=True, max_retries=self.retries,
                        initial_backoff=self.initial_backoff, max_backoff=self.max_backoff, yield_ok=True,
                        require_alias=index is None, refresh=refresh):
                    op, info = next(iter(item.items()))
                    kind = self._kind_of(info.get("_index", ""))
                    status = info.get("status", 500)
                    if not ok and op == "delete" and status == 404:
                        ok = True
                    error = None if ok else _bulk_error(info)
                    results[(kind, str(info.get("_id")))] = ActionResult(kind, str(info.get("_id")), ok, error)
                pending = []
            except TRANSPORT_ERRORS as exc:
                done = [a for a in pending if (a.kind, a.doc_id) in results]
                pending = [a for a in pending if (a.kind, a.doc_id) not in results]
                retryable = isinstance(exc, elastic_transport.ConnectionError | elastic_transport.ConnectionTimeout) \
                    or (isinstance(exc, ApiError) and exc.meta.status in RETRYABLE_STATUS)
                attempt += 1
                if not retryable or attempt > self.retries:
                    partial = [results[(a.kind, a.doc_id)] for a in actions if (a.kind, a.doc_id) in results]
                    raise BackendUnavailable(describe(exc, self.url, self.username), partial) from exc
                delay = min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1))
                log.warning("bulk to %s failed (%s); %d sent, %d left; retry %d/%d in %.1f s",
                            self.url, type(exc).__name__, len(done), len(pending), attempt, self.retries, delay)
                time.sleep(delay)
        return [results.get((a.kind, a.doc_id), ActionResult(a.kind, a.doc_id, False, "no result from bulk"))
                for a in actions]

    def refresh(self) -> None:
        with self._errors():
            self.client.indices.refresh(index=",".join(self.alias(k) for k in NAMES))

    def count(self, kind: Kind) -> int:
        with self._errors():
            return int(self.client.count(index=self.alias(kind))["count"])

    # -- rebuild --------------------------------------------------------------------------------
    def rebuild(self, kind: Kind, docs: Iterable[dict[str, Any]]) -> RebuildReport:
        """Fill a new versioned index from ``docs``, switch the alias atomically, drop old versions."""
        alias = self.alias(kind)
        existing = self.versions(kind)
        numbers = [int(n.rsplit("-v", 1)[1]) for n in existing]
        new = f"{alias}-v{max(numbers, default=0) + 1}"
        self._create(new, kind)
        id_field = ID_FIELD[kind]
        count = 0
        try:
            with self._errors():
                self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": "-1"}})
            batch: list[Action] = []
            for doc in docs:
                batch.append(Action(kind, str(doc[id_field]), doc, encode(doc)))
                if len(batch) >= self.chunk_size * 4:
                    count += self._fill(batch, new)
                    batch = []
            count += self._fill(batch, new)
            with self._errors():
                self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": "1s"}})
                self.client.indices.refresh(index=new)
                actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}}
                                                 for old, aliases in existing.items() if alias in aliases]
                if self.client.indices.exists(index=alias) and not self.client.indices.exists_alias(name=alias):
                    actions.append({"remove_index": {"index": alias}})
                actions.append({"add": {"index": new, "alias": alias}})
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            self.client.options(ignore_status=404).indices.delete(index=new)
            raise
        old = sorted(existing)
        if old:
            with self._errors():
                self.client.options(ignore_status=404).indices.delete(index=",".join(old))
        log.info("rebuilt %s: %d documents in %s (removed %s)", alias, count, new, ", ".join(old) or "nothing")
        return RebuildReport(kind, count, new, old)

    def _fill(self, batch: list[Action], index: str) -> int:
        if not batch:
            return 0
        failed = [r for r in self.apply(batch, index=index) if not r.ok]
        if failed:
            raise SearchBackendError(f"rebuild of {index} stopped: {len(failed)} document(s) rejected, first "
                                     f"{failed[0].doc_id}: {failed[0].error}; the alias still points to the old index")
        return len(batch)

    # -- search ---------------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        sort_spec = check_request(request)
        base, facet_filters = compile_parts(request)
        kind = request.kind
        sort = [{f: {"order": d}} for f, d in sort_spec] + [{ID_FIELD[kind]: {"order": "asc"}}]
        body: dict[str, Any] = {"sort": sort, "size": request.limit, "track_total_hits": True,
                                "_source": {"excludes": ["tokens"]}}
        if request.offset:
            body["from"] = request.offset
        split = request.facets_ignore_own_filter and bool(facet_filters)
        if split:
            # the facet filters narrow the hits (post_filter), not the aggregations; each facet
            # applies the other facet filters itself (a filter aggregation), leaving out its own
            body["query"] = to_dsl(base, kind)
            body["post_filter"] = to_dsl(conjoin(*facet_filters.values()), kind)
        else:
            body["query"] = to_dsl(conjoin(base, *facet_filters.values()), kind)
        if request.cursor:
            body["search_after"] = decode_cursor(request.cursor, len(sort))
        aggs: dict[str, Any] = {}
        day_scope: dict[str, Any] | None = None
        for name in facet_names(request):
            fld = FACETS[kind][name]
            others = [n for k, n in facet_filters.items() if k != name] if split else []
            if name == "day":
                # counted by _day_facet after this request, from the range of dates it gives
                day_scope = body["query"] if not others else \
                    {"bool": {"filter": [body["query"], to_dsl(conjoin(*others), kind)]}}
                bounds = {_DAY_MAX: {"max": {"field": fld}}, _DAY_MIN: {"min": {"field": fld}}}
                # top level when it can be: there the bounds of match_all come from the index itself
                aggs.update({_DAY_BOUNDS: {"filter": day_scope, "aggs": bounds}} if others else bounds)
                continue
            agg: dict[str, Any] = {"terms": {"field": fld, "size": FACET_SIZE}}
            if others:
                agg = {"filter": to_dsl(conjoin(*others), kind), "aggs": {"values": agg}}
            aggs[name] = agg
        if aggs:
            body["aggs"] = aggs
        started = time.perf_counter()
        try:
            with self._errors():
                resp = self.client.search(index=self.alias(kind), **body)
        except SearchBackendError as exc:
            if isinstance(exc.__cause__, ApiError) and exc.__cause__.meta.status == 404:
                raise SearchBackendError(f"Elasticsearch at {self.url} has no {self.alias(kind)} index yet: "
                                         "run `storewatch index sync` (or `storewatch index rebuild`)") from exc
            raise
        hits = resp["hits"]["hits"]
        facets = {}
        found = resp.get("aggregations") or {}
        if day_scope is not None:
            bounds = found.pop(_DAY_BOUNDS, found)
            facets["day"] = self._day_facet(kind, day_scope, request.tz, bounds.pop(_DAY_MAX)["value"],
                                            bounds.pop(_DAY_MIN)["value"])
        for name, agg in found.items():
            buckets = (agg["values"] if "values" in agg else agg)["buckets"]
            facets[name] = [(str(b["key"]), b["doc_count"]) for b in buckets]
        facets = {name: facets[name] for name in facet_names(request) if name in facets}
        cursor = encode_cursor(hits[-1]["sort"]) if hits and len(hits) == request.limit else None
        return SearchResult(total=resp["hits"]["total"]["value"], hits=[h["_source"] for h in hits],
                            next_cursor=cursor, facets=facets, took_ms=(time.perf_counter() - started) * 1000)

    def _day_facet(self, kind: Kind, scope: dict[str, Any], tz: str, newest_ms: float | None,
                   oldest_ms: float | None) -> list[tuple[str, int]]:
        """The newest FACET_SIZE local days with findings (pages) among the documents of ``scope``.

        A date histogram over every matching document was the slowest part of the facets at
        2,000,000 findings (it visits each one; the terms facets are counted from the index). Only
        the newest FACET_SIZE days are shown, so it counts the documents from local midnight
        FACET_SIZE days before the newest one (``newest_ms``, from the first request) and only if
        that gives fewer than FACET_SIZE days while older documents exist (days without any in
        between) counts them all, as before. Same buckets either way.
        """
        if newest_ms is None:
            return []
        fld = FACETS[kind]["day"]
        hist = {"date_histogram": {"field": fld, "calendar_interval": "day", "time_zone": tz,
                                   "min_doc_count": 1, "format": "yyyy-MM-dd"}}
        zone = ZoneInfo(tz)
        newest = datetime.fromtimestamp(newest_ms / 1000, UTC).astimezone(zone).date()
        # one spare day: a local midnight that does not exist (a DST change) cannot cut a shown day short
        start = datetime.combine(newest - timedelta(days=FACET_SIZE), dt_time(), zone)
        cut_ms = int(start.timestamp() * 1000)
        recent = oldest_ms is not None and oldest_ms < cut_ms
        if recent and scope == {"match_all": {}}:
            # everything: one range per local day, which Elasticsearch counts from the index's
            # points without visiting the documents (filter by filter)
            days = [newest - timedelta(days=k) for k in range(FACET_SIZE + 1)]
            ranges = [{"key": d.isoformat(), "from": int(datetime.combine(d, dt_time(), zone).timestamp() * 1000),
                       "to": int(datetime.combine(d + timedelta(days=1), dt_time(), zone).timestamp() * 1000)}
                      for d in days]
            with self._errors():
                resp = self.client.search(index=self.alias(kind), size=0, track_total_hits=False, query=scope,
                                          aggs={"day": {"date_range": {"field": fld, "format": "epoch_millis",
                                                                       "ranges": ranges}}})
            counts = {b["key"]: b["doc_count"] for b in resp["aggregations"]["day"]["buckets"] if b["doc_count"]}
            found = [(d.isoformat(), counts[d.isoformat()]) for d in days if d.isoformat() in counts]
            if len(found) >= FACET_SIZE:
                return found[:FACET_SIZE]
        query = {"bool": {"filter": [scope, {"range": {fld: {"gte": cut_ms, "format": "epoch_millis"}}}]}} \
            if recent else scope
        while True:
            with self._errors():
                resp = self.client.search(index=self.alias(kind), size=0, track_total_hits=False, query=query,
                                          aggs={"day": hist})
            buckets = sorted(resp["aggregations"]["day"]["buckets"], key=lambda b: b["key_as_string"], reverse=True)
            if len(buckets) >= FACET_SIZE or not recent:
                return [(b["key_as_string"], b["doc_count"]) for b in buckets][:FACET_SIZE]
            query, recent = scope, False  # gaps: fewer days than shown in that span; count them all

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.name, "url": self.url}
        for kind in NAMES:
            current = self.current_index(kind)
            out[NAMES[kind]] = {"alias": self.alias(kind), "index": current,
                                "documents": self.count(kind) if current else 0}
        return out

    def close(self) -> None:
        self.client.close()


def _bulk_error(info: dict[str, Any]) -> str:
    err = info.get("error")
    if isinstance(err, dict):
        text = f"{err.get('type')}: {str(err.get('reason'))[:200]}"
        cause = err.get("caused_by")
        if isinstance(cause, dict):
            text += f" (caused by {cause.get('type')}: {str(cause.get('reason'))[:200]})"
    else:
        text = str(err or f"HTTP {info.get('status')}")
    return " ".join(text.split())[:500]
