"""Outbox sync and rebuild, on both backends; Elasticsearch-only failure cases."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from index.search import SearchRequest
from index.sync import rebuild, sync
from store.lifecycle import enqueue, set_status
from store.models import CrawlRun, Finding, FindingEvent, OutboxEntry, PageRecord
from tests.index.conftest import at


def total(backend, query="", **kw):
    backend.refresh()
    return backend.search(SearchRequest(query=query, limit=0, **kw)).total


def pending(store):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.done_at.is_(None)))


def test_sync_is_idempotent(store, synced):
    assert pending(store) == 0
    assert total(synced) == 7
    again = sync(store, synced)
    assert (again.processed, again.indexed) == (0, 0)
    with store.session() as s:
        for fid in ("f1", "f2", "f3", "f1", "f1"):
            enqueue(s, "finding", fid)
    report = sync(store, synced)
    assert report.processed == 5
    assert report.failed == 0
    assert total(synced) == 7
    assert total(synced, "国家级") == 1


def test_status_changes_and_deletions_reach_the_index(store, synced):
    with store.session() as s:
        set_status(s, "f1", "confirmed", role="analyst", actor="analyst", note="核实")
    with store.session() as s:
        s.execute(delete(FindingEvent).where(FindingEvent.finding_id == "f2"))
        s.execute(delete(Finding).where(Finding.finding_id == "f2"))
        enqueue(s, "finding", "f2", op="delete")
    report = sync(store, synced)
    assert (report.indexed, report.deleted, report.failed, report.pending) == (1, 1, 0, 0)
    assert total(synced) == 6
    assert total(synced, "status:confirmed") == 2
    assert total(synced, "id:f1 status:confirmed") == 1
    assert total(synced, "最低价") == 0


def test_a_page_document_holds_the_latest_fetch(store, synced, dataset):
    with store.session() as s:
        run = CrawlRun(storefront_id=dataset[0], status="complete")
        s.add(run)
        s.flush()
        page = PageRecord(crawl_run_id=run.id, storefront_id=dataset[0], url="http://haowu.example/",
                          title="好物商城首页", text="新版首页：本店商品售出概不退换。", fetched_at=at(9), status_code=200)
        s.add(page)
        s.flush()
        enqueue(s, "page", page.id)
    assert sync(store, synced).failed == 0
    assert total(synced, kind="page") == 2
    assert total(synced, "概不退换", kind="page") == 1
    assert total(synced, "七天无理由", kind="page") == 0


def test_rebuild_recreates_everything_from_the_store(store, synced):
    with store.session() as s:  # a change the index never heard of: rebuild still picks it up
        s.get(Finding, "f3").status = "dismissed"
    reports = rebuild(store, synced)
    assert [(r.kind, r.count) for r in reports] == [("finding", 7), ("page", 2)]
    assert total(synced) == 7
    assert total(synced, "status:dismissed") == 1
    assert total(synced, "七天无理由", kind="page") == 1


# --- Elasticsearch only -----------------------------------------------------------------------------------

@pytest.fixture
def es_backend(es_settings):
    from index.es_backend import EsBackend

    b = EsBackend.from_settings(es_settings, retries=1, initial_backoff=0.1, max_backoff=0.5)
    yield b
    b.close()


@pytest.mark.integration
def test_versioned_indices_behind_aliases_from_the_mapping_files(store, dataset, es_backend, es):
    sync(store, es_backend)
    client = es.client()
    assert set(client.indices.get_alias(index="storewatch-test-*")) == {
        "storewatch-test-findings-v1", "storewatch-test-pages-v1"}
    assert client.indices.get_alias(name="storewatch-test-findings") == {
        "storewatch-test-findings-v1": {"aliases": {"storewatch-test-findings": {}}}}
    mapping = client.indices.get_mapping(index="storewatch-test-findings")["storewatch-test-findings-v1"]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"] == {"storewatch_mapping": "findings", "version": 2}
    assert mapping["properties"]["excerpt"] == {"type": "text", "analyzer": "standard"}
    assert mapping["properties"]["tokens"] == {"type": "keyword"}
    doc = client.get(index="storewatch-test-findings", id="f1")["_source"]
    assert "国家级" in doc["tokens"]
    assert doc["merchant_name"] == "西宁好物商贸有限公司"
    rebuild(store, es_backend)
    assert set(client.indices.get_alias(index="storewatch-test-*")) == {
        "storewatch-test-findings-v2", "storewatch-test-pages-v2"}


@pytest.mark.integration
def test_rebuild_switches_the_alias_while_searches_run(store, dataset, es_backend):
    sync(store, es_backend)
    es_backend.refresh()
    totals, errors, stop = [], [], threading.Event()

    def search_loop():
        while not stop.is_set():
            try:
                totals.append(es_backend.search(SearchRequest(query="category:false_advertising OR 高仿")).total)
            except Exception as exc:  # any failure during the switch is what this test looks for
                errors.append(exc)

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        for _ in range(3):
            before = len(totals)
            rebuild(store, es_backend)
            assert len(totals) > before or not errors
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(totals) > 10
    assert set(totals) == {3}
    assert es_backend.current_index("finding") == "storewatch-test-findings-v4"


@pytest.mark.integration
def test_rejected_document_is_recorded_and_stays_pending(store, dataset, es_backend):
    with store.session() as s:
        s.get(Finding, "f6").law = ["法" * 12000]  # 36 KB keyword: Lucene refuses the immense term
        enqueue(s, "finding", "f6")
    report = sync(store, es_backend)
    assert report.failed == 2  # the first outbox row of f6 and the new one
    assert report.indexed == 8
    with store.session() as s:
        rows = s.scalars(select(OutboxEntry).where(OutboxEntry.done_at.is_(None))).all()
        assert {r.entity_id for r in rows} == {"f6"}
        assert all(r.attempts == 1 for r in rows)
        assert all("failed to parse field [law]" in r.last_error for r in rows), rows[0].last_error
        assert all("immense term" in r.last_error for r in rows), rows[0].last_error
    es_backend.refresh()
    assert total(es_backend, "id:f6") == 0
    assert total(es_backend) == 6


@pytest.mark.integration
def test_elasticsearch_stopped_mid_sync_loses_nothing(store, dataset, es_settings, es):
    """The node is really stopped between two batches; the rest waits in the outbox until it is back."""
    from index.es_backend import EsBackend

    n = 1200
    with store.session() as s:
        s.add_all(Finding(finding_id=f"bulk{i:05d}", storefront_id=dataset[i % 3], rule_id="AD-ABSOLUTE-TERM",
                          category="false_advertising", article="15(5)", severity="medium",
                          url=f"http://haowu.example/item/{i}.html", match="最佳", excerpt=f"第{i}号商品效果最佳",
                          first_seen=at(1 + i % 20), last_seen=at(2 + i % 20), status_changed_at=at(1))
                  for i in range(n))
        s.flush()
        for i in range(n):
            enqueue(s, "finding", f"bulk{i:05d}")
    expected = n + 7 + 2

    class StopsTheServer(EsBackend):
        calls = 0

        def apply(self, actions, **kw):
            type(self).calls += 1
            if type(self).calls == 2:
                es.script("stop")
            return super().apply(actions, **kw)

    backend = StopsTheServer.from_settings(es_settings, retries=2, initial_backoff=0.2, max_backoff=0.5)
    try:
        report = sync(store, backend, batch_size=300)
    finally:
        backend.close()
    try:
        assert report.stopped is not None
        assert report.stopped.startswith(f"cannot reach Elasticsearch at {es.url}")
        assert report.processed == 300
        assert pending(store) == expected - 300
        with store.session() as s:
            failed_batch = s.scalars(select(OutboxEntry).where(OutboxEntry.done_at.is_(None))
                                     .order_by(OutboxEntry.id).limit(300)).all()
            assert all(r.last_error and "cannot reach" in r.last_error for r in failed_batch)
    finally:
        es.script("start")
    fresh = EsBackend.from_settings(es_settings)
    try:
        again = sync(store, fresh)
        assert again.stopped is None
        assert again.failed == 0
        assert pending(store) == 0
        fresh.refresh()
        assert fresh.count("finding") == n + 7
        assert fresh.count("page") == 2
        client = es.client()
        seen = client.search(index="storewatch-test-findings", size=0, track_total_hits=True,
                             aggs={"ids": {"cardinality": {"field": "finding_id", "precision_threshold": 5000}}})
        assert seen["hits"]["total"]["value"] == n + 7
        assert seen["aggregations"]["ids"]["value"] == n + 7  # every finding exactly once
        with store.session() as s:
            ids = set(s.scalars(select(Finding.finding_id)))
        found = {h["_id"] for h in client.search(index="storewatch-test-findings", size=2000, _source=False,
                                                 query={"match_all": {}})["hits"]["hits"]}
        assert found == ids
    finally:
        fresh.close()


def test_fts_adds_the_facet_columns_to_an_index_made_before_them(store, dataset):
    """A search_docs table from before the facet cube columns gets them, filled from the documents."""
    import sqlite3

    from index.fts_backend import FtsBackend
    from index.fts_facets import COLUMNS

    path = store.url.removeprefix("sqlite:///")
    first = FtsBackend(path)
    assert sync(store, first).failed == 0
    request = SearchRequest(severity=["high"], facets=("category", "article", "status", "storefront"),
                            facets_ignore_own_filter=True)
    expected = first.search(request)
    first.close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX ix_search_docs_cube")
    for col in COLUMNS:
        db.execute(f"ALTER TABLE search_docs DROP COLUMN {col}")
    db.commit()
    db.close()
    again = FtsBackend(path)
    result = again.search(request)
    again.close()
    assert result.facets == expected.facets and result.total == expected.total == 2
    assert dict(result.facets["article"]) == {"15(6)": 1, "13(4)": 1}
