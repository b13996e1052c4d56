"""Finding lifecycle: idempotent upserts, resolution only on complete fetches, reopening, audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from analyzers.model import Finding as F
from analyzers.model import Location
from errors import InputError, PermissionDenied
from store.lifecycle import (
    MOVES,
    allowed_move,
    finish_run,
    moves_for,
    record_page,
    save_findings,
    set_status,
    start_run,
)
from store.models import Finding, FindingEvent, OutboxEntry, Storefront

URL = "http://shop.example.cn/item/1.html"


def finding(match: str = "国家级", url: str = URL, sid: int = 1) -> F:
    return F(rule_id="AD-ABSOLUTE-TERM", category="false_advertising", article="15(5)", law=("广告法 第九条",),
             severity="medium", confidence=0.9, url=url, match=match, excerpt=f"本品为{match}产品",
             location=Location(kind="text", selector="div.desc", start=3, end=6),
             explanation="使用绝对化用语", storefront_id=sid)


def crawl(store, findings, *, complete=True, status_code=200):  # type: ignore[no-untyped-def]
    with store.session() as s:
        run = start_run(s, 1, "schedule")
        page = record_page(s, run, url=URL, status_code=status_code, content_sha256="ab" * 32,
                           title="商品", text="本品", complete=complete)
        counts = save_findings(s, run, page, findings)
        finish_run(s, run, "complete" if complete else "partial")
        return counts


@pytest.fixture
def shop(store):  # type: ignore[no-untyped-def]
    with store.session() as s:
        s.add(Storefront(id=1, name="甲公司", uscc="91630100MA7500000Q", domain="shop.example.cn"))
    return store


def status(store, fid):  # type: ignore[no-untyped-def]
    with store.session() as s:
        return s.get(Finding, fid).status


def test_recrawl_is_idempotent_and_updates_last_seen(shop) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    assert crawl(shop, [f, f])["new"] == 1
    with shop.session() as s:
        first = s.get(Finding, f.finding_id).last_seen
    assert crawl(shop, [finding(match="国家级 ")])["seen"] == 1  # same id after normalisation
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(Finding)) == 1
        assert s.get(Finding, f.finding_id).last_seen > first
        assert s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.entity == "finding")) == 2


def test_resolves_on_complete_fetch_and_reopens(shop) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    crawl(shop, [f])
    crawl(shop, [], complete=False)  # cut at a limit: a coverage gap resolves nothing
    assert status(shop, f.finding_id) == "open"
    crawl(shop, [], status_code=503)
    assert status(shop, f.finding_id) == "open"
    assert crawl(shop, [])["resolved"] == 1
    assert status(shop, f.finding_id) == "resolved"
    assert crawl(shop, [f])["reopened"] == 1
    assert status(shop, f.finding_id) == "reopened"
    with shop.session() as s:
        trail = [(e.from_status, e.to_status) for e in
                 s.scalars(select(FindingEvent).order_by(FindingEvent.id))]
    assert trail == [(None, "open"), ("open", "resolved"), ("resolved", "reopened")]


def test_notified_becomes_ready_to_close_then_back(shop) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    crawl(shop, [f])
    with shop.session() as s:
        set_status(s, f.finding_id, "notified", role="analyst", actor="analyst1", note="已发责令整改通知")
    crawl(shop, [])
    assert status(shop, f.finding_id) == "ready_to_close"
    crawl(shop, [f])
    assert status(shop, f.finding_id) == "notified"


def test_dismissed_stays_dismissed_and_needs_reason(shop) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    crawl(shop, [f])
    with shop.session() as s, pytest.raises(InputError, match="理由"):
        set_status(s, f.finding_id, "dismissed", role="analyst", actor="a")
    with shop.session() as s:
        set_status(s, f.finding_id, "dismissed", role="analyst", actor="a", note="商标名称，依法豁免")
    crawl(shop, [])
    crawl(shop, [f])
    assert status(shop, f.finding_id) == "dismissed"


def test_unknown_status_and_finding(shop) -> None:  # type: ignore[no-untyped-def]
    with shop.session() as s, pytest.raises(InputError, match="未知状态"):
        set_status(s, "x", "bogus", role="analyst", actor="a")
    with shop.session() as s, pytest.raises(InputError, match="没有编号"):
        set_status(s, "x", "confirmed", role="analyst", actor="a")


def test_search_tokens_kept_when_saved_and_when_the_excerpt_changes(shop) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from analyzers.nlp import finding_search_tokens

    f = finding()
    crawl(shop, [f])
    with shop.session() as s:
        row = s.get(Finding, f.finding_id)
        assert row.tokens == finding_search_tokens("国家级", "本品为国家级产品", "商品")
        assert "国家级" in row.tokens and "商品" in row.tokens
    crawl(shop, [replace(f, excerpt="本店假一赔十国家级认证")])  # same finding, new excerpt
    with shop.session() as s:
        tokens = s.get(Finding, f.finding_id).tokens
        assert tokens == finding_search_tokens("国家级", "本店假一赔十国家级认证", "商品")
        assert "产品" not in tokens
        s.execute(Finding.__table__.update().values(tokens=None))  # a row saved before tokens were kept
    crawl(shop, [replace(f, excerpt="本店假一赔十国家级认证")])
    with shop.session() as s:
        assert s.get(Finding, f.finding_id).tokens == tokens
    with shop.session() as s:
        set_status(s, f.finding_id, "confirmed", role="analyst", actor="analyst")
    with shop.session() as s:
        assert s.get(Finding, f.finding_id).tokens == tokens  # a status change keeps them


def _at(store, fid: str, st: str) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        s.get(Finding, fid).status = st


# (from, to, role): moves the state machine forbids. An analyst closing or marking rectified, reopening
# what a supervisor closed, dismissing a notified case's finding; anyone setting a system state by hand.
FORBIDDEN = [
    ("open", "closed", "analyst"), ("open", "rectified", "analyst"), ("notified", "rectified", "analyst"),
    ("closed", "open", "analyst"), ("rectified", "open", "analyst"), ("closed", "confirmed", "supervisor"),
    ("notified", "dismissed", "analyst"), ("case_opened", "open", "analyst"), ("open", "confirmed", "viewer"),
    ("open", "resolved", "admin"), ("open", "ready_to_close", "admin"), ("resolved", "reopened", "admin"),
    ("closed", "rectified", "supervisor"), ("dismissed", "closed", "analyst"),
]


@pytest.mark.parametrize(("frm", "to", "role"), FORBIDDEN)
def test_forbidden_moves_are_refused_and_change_nothing(shop, frm: str, to: str, role: str) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    crawl(shop, [f])
    _at(shop, f.finding_id, frm)
    with shop.session() as s, pytest.raises(PermissionDenied):
        set_status(s, f.finding_id, to, role=role, actor="x", note="理由")
    assert status(shop, f.finding_id) == frm
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(FindingEvent).where(FindingEvent.actor == "x")) == 0


ALLOWED = [
    ("open", "confirmed", "analyst"), ("reopened", "dismissed", "analyst"), ("confirmed", "case_opened", "analyst"),
    ("case_opened", "notified", "analyst"), ("notified", "rectified", "supervisor"), ("open", "closed", "supervisor"),
    ("closed", "open", "supervisor"), ("dismissed", "open", "analyst"), ("ready_to_close", "closed", "supervisor"),
]


@pytest.mark.parametrize(("frm", "to", "role"), ALLOWED)
def test_allowed_moves(shop, frm: str, to: str, role: str) -> None:  # type: ignore[no-untyped-def]
    f = finding()
    crawl(shop, [f])
    _at(shop, f.finding_id, frm)
    with shop.session() as s:
        set_status(s, f.finding_id, to, role=role, actor="x", note="理由")
    assert status(shop, f.finding_id) == to


def test_the_machine_never_offers_system_states_and_ranks_roles() -> None:
    assert not {"resolved", "reopened", "ready_to_close"} & set(MOVES)
    for frm in ("open", "confirmed", "notified", "closed"):
        assert set(moves_for(frm, "analyst")) <= set(moves_for(frm, "supervisor")) <= set(moves_for(frm, "admin"))
        assert moves_for(frm, "viewer") == []
    assert "需要主管权限" in (allowed_move("open", "closed", "analyst") or "")


def test_short_ids_resolve_everywhere_and_ambiguity_is_said(shop) -> None:  # type: ignore[no-untyped-def]
    from store.evidence_commands import find_finding_in_store
    from store.lifecycle import finding_by_id

    f = finding()
    crawl(shop, [f])
    with shop.session() as s:
        assert finding_by_id(s, f.finding_id[:12]).finding_id == f.finding_id
        assert finding_by_id(s, f.finding_id[:12].upper()).finding_id == f.finding_id
        assert find_finding_in_store(s, f.finding_id[:12])["finding_id"] == f.finding_id
        assert finding_by_id(s, f.finding_id[:5]) is None  # too short to be a short id
        assert finding_by_id(s, "zzzzzzzz") is None
