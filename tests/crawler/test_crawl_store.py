"""``storewatch crawl --storefront ID`` records the run, its pages and their evidence in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cli
from evidence.verify import verify_warc
from store.db import Store
from store.models import CrawlRun, Finding, PageRecord, Storefront


def test_crawl_into_store(sites: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    store = Store(url)
    store.upgrade()
    site = sites["static"]
    with store.session() as s:
        up = Storefront(name="西宁高原好物电子商务有限公司", uscc="91630100MA7XXXXX0X", domain=site.host)
        down = Storefront(name="已关闭的店", uscc="91630100MA7YYYYY0Y", domain="127.0.0.1:9")
        s.add_all([up, down])
        s.flush()
        up_id, down_id = up.id, down.id
    monkeypatch.setenv("STOREWATCH_CRAWLER__ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("STOREWATCH_CRAWLER__RETRIES", "0")
    monkeypatch.setenv("STOREWATCH_CRAWLER__PAGE_TIMEOUT", "3")
    monkeypatch.setenv("STOREWATCH_CRAWLER__MAX_DEPTH", "1")
    monkeypatch.setenv("STOREWATCH_CRAWLER__RENDER", "never")
    args = ["--data-dir", str(tmp_path / "data"), "--database-url", url, "crawl"]
    assert cli.main([*args, "--storefront", str(up_id)]) == 0
    assert cli.main([*args, "--storefront", str(down_id), "--trigger", "recheck"]) == 0
    assert cli.main([*args, "--storefront", str(down_id), "--trigger", "later"]) == 2  # not a trigger
    with store.session() as s:
        run = s.scalars(select(CrawlRun).where(CrawlRun.storefront_id == up_id)).one()
        assert run.trigger == "manual"  # the default
        assert run.status == "partial" and run.finished_at is not None and run.pages_fetched >= 8
        pages = s.scalars(select(PageRecord).where(PageRecord.crawl_run_id == run.id)).all()
        home = next(p for p in pages if p.url == site.url("/"))
        assert home.warc_record_id and home.warc_offset is not None and len(home.content_sha256) == 64
        assert "高原好物商城" in home.text
        expected = [{"record_id": p.warc_record_id, "offset": p.warc_offset, "expected_sha256": p.content_sha256}
                    for p in pages if p.warc_record_id]
        assert not Path(run.warc_path).is_absolute()  # by name under the evidence folder (evidence.locate)
        assert verify_warc(tmp_path / "data" / "evidence" / run.warc_path, expected=expected).ok
        slow = next(p for p in pages if p.url.endswith("/slow.html"))
        assert not slow.complete and "time limit" in (slow.cut_reason or "")
        judged = {(f.page_kind, f.voice, f.source) for f in s.scalars(select(Finding).where(Finding.crawl_run_id == run.id))}
        assert any(kind for kind, _, _ in judged) and any(voice for _, voice, _ in judged)  # how each was judged
        gone = s.scalars(select(CrawlRun).where(CrawlRun.storefront_id == down_id)).one()
        assert gone.status == "unreachable"  # a coverage gap, not "no violations"
        assert gone.trigger == "recheck"  # --trigger is recorded on the run
    assert cli.main(["--data-dir", str(tmp_path / "data"), "--database-url", url, "evidence", "verify",
                     str(run.id)]) == 0
