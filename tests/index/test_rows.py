"""The compact row path (index/rows.py) builds the same documents as finding_document of the ORM row."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from sqlalchemy import func, select, text, update

from analyzers.nlp import finding_search_tokens
from index.documents import finding_document
from index.rows import encode, finding_docs, finding_select
from index.sync import _all_findings, finding_actions
from store.models import Finding, OutboxEntry, Storefront


def orm_documents(store) -> dict[str, dict]:
    with store.session() as s:
        return {f.finding_id: finding_document(f, s.get(Storefront, f.storefront_id) if f.storefront_id else None)
                for f in s.scalars(select(Finding))}


def row_documents(store) -> dict[str, dict]:
    with store.session() as s:
        return {d["finding_id"]: d for d in finding_docs(s, list(s.execute(finding_select())))}


def test_compact_rows_give_the_orm_documents(store, dataset) -> None:
    expected = orm_documents(store)
    assert len(expected) == 7
    assert row_documents(store) == expected
    assert {d["finding_id"]: d for d in _all_findings(store, chunk=3)} == expected
    assert expected["f1"]["law"] == ["广告法 第九条"] and expected["f1"]["first_seen"].endswith("Z")


def test_odd_rows_match_too(store, dataset) -> None:
    """No storefront, no stored tokens, evidence and location set, a time with no microseconds."""
    with store.session() as s:
        s.execute(update(Finding).where(Finding.finding_id == "f2").values(
            storefront_id=None, tokens=None, evidence={"warc": "a.warc.gz", "offset": 12},
            location={"selector": "div.价格"}, confidence=0.0, article="第11条、15(6)",
            first_seen=datetime(2026, 11, 3, 1, 2, 3, tzinfo=UTC)))
    docs = row_documents(store)
    assert docs == orm_documents(store)
    f2 = docs["f2"]
    assert f2["storefront_id"] is None and f2["merchant_name"] is None
    assert f2["tokens"] == finding_search_tokens("最低价", "全网最低价，销量第一", f2["page_title"])
    assert f2["evidence"] == {"warc": "a.warc.gz", "offset": 12}
    assert f2["article"] == ["11", "15(6)"] and f2["article_root"] == ["11", "15"]
    assert f2["first_seen"] == "2026-11-03T01:02:03.000Z"


def test_missing_findings_become_deletions_and_documents_encode_to_the_same_json(store, dataset) -> None:
    with store.session() as s:
        actions = finding_actions(s, ["f3", "gone", "f1"])
    assert [(a.doc_id, a.doc is None) for a in actions] == [("f3", False), ("gone", True), ("f1", False)]
    assert orjson.loads(encode(actions[0].doc)) == actions[0].doc


def keep_tokens(store) -> None:
    """Store each finding's search tokens, as store.lifecycle.save_findings does for new findings."""
    with store.session() as s:
        for f in s.scalars(select(Finding)):
            f.tokens = finding_search_tokens(f.match, f.excerpt, f.page_title)


def sqlite_documents(store, ids=None) -> dict[str, dict]:
    from index.rows import sqlite_sources

    with store.session() as s:
        wanted = ids if ids is not None else list(s.scalars(select(Finding.finding_id)))
        return {fid: orjson.loads(src) for fid, src in sqlite_sources(s, wanted).items()}


def test_sqlite_builds_the_same_documents_as_python(store, dataset) -> None:
    assert sqlite_documents(store) == {}  # no stored tokens (rows from before the column): all for Python
    keep_tokens(store)
    expected = orm_documents(store)
    got = sqlite_documents(store)
    assert set(got) == set(expected)  # every row of the dataset has the usual shape
    assert got == expected
    assert sqlite_documents(store, ["f1", "gone"]).keys() == {"f1"}


def test_sqlite_leaves_unusual_rows_to_python(store, dataset) -> None:
    """No stored tokens, a time SQLite keeps in another form, no storefront: the Python path (or SQLite, alike)."""
    keep_tokens(store)
    with store.session() as s:
        s.execute(update(Finding).where(Finding.finding_id == "f2").values(tokens=None))
        s.execute(text("UPDATE findings SET last_seen = '2026-11-03 01:02:03' WHERE finding_id = 'f3'"))
        s.execute(update(Finding).where(Finding.finding_id == "f4").values(
            storefront_id=None, evidence=None, law=[], confidence=0.0, article="第11条、15(6)",
            first_seen=datetime(2026, 11, 3, 1, 2, 3, tzinfo=UTC)))
    got = sqlite_documents(store)
    assert "f2" not in got and "f3" not in got
    expected = orm_documents(store)
    assert got["f4"] == expected["f4"]
    assert got["f4"]["storefront_id"] is None and got["f4"]["evidence"] == {}
    assert got["f4"]["article"] == ["11", "15(6)"] and got["f4"]["article_root"] == ["11", "15"]
    assert got["f4"]["first_seen"] == "2026-11-03T01:02:03.000Z"
    # what sync sends: SQLite's JSON where it can, the Python document for the rest
    from index.sync import _load_range

    with store.session() as s:
        lo, hi = s.scalar(select(func.min(OutboxEntry.id))), s.scalar(select(func.max(OutboxEntry.id)))
    _, actions, _ = _load_range(store, lo, hi, encode)
    sent = {a.doc_id: orjson.loads(a.source) for a in actions if a.kind == "finding"}
    assert sent == expected
    assert sent["f3"]["last_seen"] == "2026-11-03T01:02:03.000Z"
    assert {a.doc_id for a in actions if a.kind == "finding" and a.doc is not None} == {"f2", "f3"}
