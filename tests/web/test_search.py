"""The findings list on index.search: freshness after decisions, the store overlay, page numbers and
cursors, multi-select facets — on the embedded FTS5 index and on a real Elasticsearch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from starlette.testclient import TestClient

import config
from store.db import Store
from store.lifecycle import set_status
from store.models import OutboxEntry
from tests.web.conftest import login
from tests.web.seed import Seeded, bulk_findings, index_store, seed
from web.app import create_app


def total(html: str) -> int:
    m = re.search(r'id="total">(\d+)<', html)
    assert m, "no total on the page"
    return int(m.group(1))


def row_ids(html: str) -> list[str]:
    return re.findall(r'name="ids" value="([0-9a-f]+)"', html)


def facet(html: str, name: str, value: str) -> int | None:
    """The count shown next to a facet checkbox (None if the value is not listed)."""
    m = re.search(rf'name="{name}" value="{re.escape(value)}"[^>]*>.*?<span class="n">(\d+)</span>', html, re.S)
    return int(m.group(1)) if m else None


def test_a_decision_is_in_the_list_filters_and_facets_at_once(as_role, seeded, store) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    fid = seeded.finding_ids[0]
    assert total(client.get("/findings", params={"status": "confirmed"}).text) == 0
    client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "confirmed", "note": "核实"})
    page = client.get("/findings", params={"status": "confirmed"}).text
    assert total(page) == 1 and row_ids(page) == [fid]
    assert facet(page, "status", "confirmed") == 1 and facet(page, "status", "open") == 9  # its own filter left out
    with store.session() as s:  # pushed right after the commit: nothing left for the regular sync
        assert s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.done_at.is_(None))) == 0


def test_rows_show_the_stores_status_before_the_index_catches_up(as_role, seeded, store) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    fid = seeded.finding_ids[0]
    with store.session() as s:  # e.g. the daemon's re-check: outbox row written, index not synced yet
        set_status(s, fid, "dismissed", role="analyst", actor="test", note="复查")
    page = client.get("/findings", params={"q": "国家级"}).text
    assert row_ids(page) == [fid]
    assert 'class="st st-dismissed"' in page and 'class="st st-open"' not in page


def test_query_language_is_the_index_one(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    assert total(client.get("/findings", params={"q": "rule:AD-*"}).text) == 4  # prefix: index.query only
    assert total(client.get("/findings", params={"q": "article:15"}).text) == 7  # any item of Art. 15
    assert total(client.get("/findings", params={"q": "merchant:雪域健康"}).text) == 3
    page = client.get("/findings", params={"q": "国家*"}).text
    assert "通配符" in page and "position 1" in page and total(page) == 0


@contextmanager
def small_pages(settings: config.Settings, store: Store, page_size: int) -> Iterator[TestClient]:
    s = config.load(environ={}, overrides={"data_dir": settings.data_dir, "web": {"page_size": page_size}})
    with TestClient(create_app(s, store), base_url="http://127.0.0.1") as client:
        login(client, "analyst")
        yield client


def test_page_numbers_then_the_cursor_past_the_window(settings, store, seeded, monkeypatch) -> None:  # noqa: ANN001
    import index.search
    import web.search_adapter

    with store.session() as s:
        bulk_findings(s, 25, seeded.storefront_ids)  # 35 findings
    index_store(settings, store)
    for module in (index.search, web.search_adapter):
        monkeypatch.setattr(module, "MAX_WINDOW", 20)  # two pages of 10 by number, the rest by cursor
    with small_pages(settings, store, 10) as client:
        seen: list[str] = []
        url = "/findings?sort=severity"
        urls = []
        while url:
            urls.append(url)
            page = client.get(url).text
            assert total(page) == 35
            seen += row_ids(page)
            m = re.search(r'href="([^"]+)" id="next-page"', page)
            url = m.group(1).replace("&amp;", "&") if m else ""
        assert len(seen) == 35 and len(set(seen)) == 35
        assert ["after=" in u for u in urls] == [False, False, True, True]  # pages 3 and 4 by cursor
        last = client.get(urls[-1]).text
        assert "第 4/4 页" in last and len(row_ids(last)) == 5 and "上一页" not in last and "第 1 页" in last
        assert "上一页" in client.get(urls[1]).text
        page = client.get("/findings?sort=severity&page=4").text  # by number past the window
        assert "只能按页码直接打开前 20 条" in page and "第 2/4 页" in page and row_ids(page) == seen[10:20]
        assert "not a cursor" in client.get("/findings?after=not-a-cursor").text


def test_findings_search_on_elasticsearch(tmp_path: Path, es) -> None:  # noqa: ANN001
    settings = config.load(environ={}, overrides={
        "data_dir": tmp_path / "data",
        "elasticsearch": {"url": es.url, "username": es.username, "password": es.password,
                          "index_prefix": es.index_prefix}})
    store = Store(settings.db_url)
    store.upgrade()
    try:
        with store.session() as session:
            sd: Seeded = seed(session, settings.evidence_dir)
        index_store(settings, store)  # outbox -> Elasticsearch
        client_es = es.client()
        client_es.indices.refresh(index=f"{es.index_prefix}findings")
        assert client_es.count(index=f"{es.index_prefix}findings")["count"] == 10
        client_es.close()
        with TestClient(create_app(settings, store), base_url="http://127.0.0.1") as client:
            token = login(client, "analyst")
            page = client.get("/findings", params={"q": "国家级"}).text
            assert total(page) == 1 and "<mark>国家级</mark>" in page
            page = client.get("/findings", params={"severity": "critical"}).text
            assert total(page) == 2 and "高仿" in page and "红盾" in page
            assert facet(page, "severity", "medium") == 4 and facet(page, "severity", "critical") == 2
            assert facet(page, "category", "counterfeit_goods") == 1 and facet(page, "category", "privacy") is None
            page = client.get("/findings", params={"q": "(国家级 OR 高仿) AND NOT severity:critical"}).text
            assert total(page) == 1 and row_ids(page) == [sd.finding_ids[0]]
            assert total(client.get("/findings", params={"storefront": str(sd.storefront_ids[2])}).text) == 2
            page = client.get("/findings", params={"q": 'category:"'}).text
            assert "引号没有闭合" in page and total(page) == 0
            client.post(f"/findings/{sd.finding_ids[4]}/status",
                        data={"csrf_token": token, "status": "confirmed", "note": "核实"})
            page = client.get("/findings", params={"status": "confirmed"}).text  # pushed and refreshed
            assert total(page) == 1 and row_ids(page) == [sd.finding_ids[4]]
    finally:
        store.dispose()
