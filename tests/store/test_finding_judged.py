"""How a finding was judged (page kind, voice, source, merged rules): stored, returned, updated, migrated."""

from __future__ import annotations

from dataclasses import replace

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from analyzers.model import Finding as F
from analyzers.model import Location
from store.db import MIGRATIONS, Store
from store.lifecycle import record_page, save_findings, start_run
from store.models import Finding, Storefront

URL = "http://shop.example.cn/item/1.html"


def judged(**kw) -> F:  # type: ignore[no-untyped-def]
    base = F(rule_id="AD-ABSOLUTE-TERM", category="false_advertising", article="15(5), 15(2)",
             law=("广告法 第九条",), severity="medium", confidence=0.9, url=URL, match="国家级",
             excerpt="本品为国家级产品", location=Location(kind="text", selector="div.desc", start=3, end=6),
             explanation="使用绝对化用语", storefront_id=1, page_kind="product", voice="offer", source="rule",
             also=(("TM-WELL-KNOWN", "trademark_misuse", "15(2)"),))
    return replace(base, **kw)


def crawl(store: Store, findings: list[F]) -> None:
    with store.session() as s:
        run = start_run(s, 1, "schedule")
        page = record_page(s, run, url=URL, status_code=200, content_sha256="ab" * 32, title="商品", text="本品")
        save_findings(s, run, page, findings)


def test_stored_returned_and_updated_on_resave(store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        s.add(Storefront(id=1, name="甲公司", uscc="91630100MA7500000Q", domain="shop.example.cn"))
    f = judged()
    crawl(store, [f])
    with store.session() as s:
        d = s.get(Finding, f.finding_id).to_dict()
    assert (d["page_kind"], d["voice"], d["source"]) == ("product", "offer", "rule")
    assert d["also"] == [{"rule_id": "TM-WELL-KNOWN", "category": "trademark_misuse", "article": "15(2)"}]
    # the same finding (same id) judged again in another voice, by the model, with nothing merged
    again = judged(voice="news", page_kind="article", source="model", also=())
    assert again.finding_id == f.finding_id
    crawl(store, [again])
    with store.session() as s:
        row = s.get(Finding, f.finding_id)
        assert (row.page_kind, row.voice, row.source, row.also) == ("article", "news", "model", [])
        assert row.to_dict()["also"] == []


def test_rows_from_before_the_columns_keep_working(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "queue_0006")  # main's head before this change
        conn.execute(text(
            "INSERT INTO findings (finding_id, rule_id, category, article, law, severity, confidence, url, match, "
            "excerpt, location, explanation, page_title, first_seen, last_seen, status, status_changed_at) VALUES "
            "('old1', 'AD-ABSOLUTE-TERM', 'false_advertising', '15(5)', '[]', 'medium', 0.9, 'http://x/', '国家级', "
            "'国家级', '{}', '', '', '2026-11-01 00:00:00.000000', '2026-11-01 00:00:00.000000', 'open', "
            "'2026-11-01 00:00:00.000000')"))
    assert store.upgrade() == "fields8_0007"
    with store.session() as s:
        row = s.get(Finding, "old1")
        d = row.to_dict()
    assert (d["page_kind"], d["voice"], d["source"], d["also"]) == ("", "", "rule", [])
    with store.engine.begin() as conn:  # and back down: the columns go, the row stays
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "queue_0006")
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(findings)")}
        assert "voice" not in cols and "page_kind" not in cols
        assert conn.exec_driver_sql("SELECT count(*) FROM findings").scalar() == 1
    store.dispose()
