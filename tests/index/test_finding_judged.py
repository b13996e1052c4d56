"""Page kind, voice and source of findings in the index: filters on both backends, old ES mappings."""

from __future__ import annotations

import copy

import pytest

from errors import QuerySyntaxError
from index.es_backend import load_mapping
from index.search import SearchRequest
from index.sync import sync
from store.lifecycle import enqueue
from store.models import Finding

# finding id -> (page_kind, voice, source); f6 and f7 keep what rows from before the columns have
JUDGED = {"f1": ("product", "offer", "rule"), "f2": ("listing", "offer", "model"),
          "f3": ("policy", "compliance", "rule"), "f4": ("article", "news", "rule"),
          "f5": ("home", "", "rule")}


@pytest.fixture
def judged(store, dataset, backend):
    with store.session() as s:
        for fid, (page_kind, voice, source) in JUDGED.items():
            row = s.get(Finding, fid)
            row.page_kind, row.voice, row.source = page_kind, voice, source
    report = sync(store, backend)
    assert report.failed == 0 and report.stopped is None
    backend.refresh()
    return backend


def idset(backend, query: str) -> set[str]:
    result = backend.search(SearchRequest(query=query, limit=100))
    assert result.total == len(result.hits)
    return {h["finding_id"] for h in result.hits}


def test_filters_by_page_kind_voice_and_source(judged):
    assert idset(judged, "voice:news") == {"f4"}
    assert idset(judged, "voice:offer") == {"f1", "f2"}
    assert idset(judged, "pagekind:product") == {"f1"}
    assert idset(judged, "PageKind:POLICY") == {"f3"}  # field names and these codes ignore case
    assert idset(judged, "source:model") == {"f2"}
    assert idset(judged, "source:rule") == {"f1", "f3", "f4", "f5", "f6", "f7"}  # rows from before: rule
    assert idset(judged, "category:false_advertising -source:model") == {"f1"}
    assert idset(judged, "voice:offer OR voice:compliance") == {"f1", "f2", "f3"}
    assert idset(judged, "-voice:offer -voice:news -voice:compliance") == {"f5", "f6", "f7"}
    assert idset(judged, "pagekind:p*") == {"f1", "f3"}


def test_hits_carry_the_fields(judged):
    hits = {h["finding_id"]: h for h in judged.search(SearchRequest(query="id:f4 OR id:f7", limit=10)).hits}
    assert (hits["f4"]["page_kind"], hits["f4"]["voice"], hits["f4"]["source"]) == ("article", "news", "rule")
    assert (hits["f7"]["page_kind"], hits["f7"]["voice"], hits["f7"]["source"]) == ("", "", "rule")


def test_unknown_value_finds_nothing_and_page_kind_is_not_the_pages_kind_field(judged):
    assert idset(judged, "voice:nonsense") == set()  # like every keyword field: no match, no error
    with pytest.raises(QuerySyntaxError, match="kind") as err:
        judged.search(SearchRequest(query="kind:product"))
    assert "pagekind" in str(err.value)  # the message lists the fields a finding has


@pytest.mark.integration
def test_an_index_of_the_older_mapping_gets_the_new_fields(store, dataset, es_settings, es):
    from index.es_backend import EsBackend

    old = copy.deepcopy(load_mapping("finding"))
    for name in ("page_kind", "voice", "source"):
        del old["mappings"]["properties"][name]
    old["mappings"]["_meta"]["version"] = 1
    client = es.client()
    client.indices.create(index="storewatch-test-findings-v1", settings=old["settings"], mappings=old["mappings"],
                          aliases={"storewatch-test-findings": {}})
    with store.session() as s:
        s.get(Finding, "f4").voice = "news"
        enqueue(s, "finding", "f4")
    backend = EsBackend.from_settings(es_settings, retries=1, initial_backoff=0.1, max_backoff=0.5)
    try:
        report = sync(store, backend)  # a strict mapping without the fields would refuse every finding
        assert report.failed == 0
        backend.refresh()
        props = client.indices.get_mapping(index="storewatch-test-findings-v1")[
            "storewatch-test-findings-v1"]["mappings"]["properties"]
        assert props["voice"] == {"type": "keyword"} and props["page_kind"] == {"type": "keyword"}
        assert idset(backend, "voice:news") == {"f4"}
    finally:
        backend.close()
        client.close()


def test_three_document_builders_agree_on_the_fields(store, dataset) -> None:
    """ORM row, compact row and SQLite's json_object give the same page_kind, voice and source."""
    from sqlalchemy import select, text

    from tests.index.test_rows import keep_tokens, orm_documents, row_documents, sqlite_documents

    keep_tokens(store)
    with store.session() as s:
        for fid, (page_kind, voice, source) in JUDGED.items():
            row = s.get(Finding, fid)
            row.page_kind, row.voice, row.source = page_kind, voice, source
        s.execute(text("UPDATE findings SET source = '' WHERE finding_id = 'f6'"))  # an empty source reads as rule
        assert s.scalar(select(Finding.source).where(Finding.finding_id == "f6")) == ""
    expected = orm_documents(store)
    assert row_documents(store) == expected
    assert sqlite_documents(store) == expected
    assert (expected["f2"]["page_kind"], expected["f2"]["voice"], expected["f2"]["source"]) == ("listing", "offer", "model")
    assert expected["f6"]["source"] == "rule" and expected["f7"]["voice"] == ""
