"""One time zone (the configured ``timezone``) wherever a person reads a time, tested across midnight."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from store import clock
from store.clock import LocalFormatter, local_str, local_today
from web.models import CaseNotice

# 19:09 UTC on 6 December is 03:09 on 7 December in Beijing
FROZEN = datetime(2026, 12, 6, 19, 9, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FROZEN)
    return FROZEN


def test_local_today_is_the_bureau_day(frozen: datetime) -> None:
    assert local_today("Asia/Shanghai").isoformat() == "2026-12-07"
    assert local_today("UTC").isoformat() == "2026-12-06"
    assert local_str(frozen, "Asia/Shanghai") == "2026-12-07 03:09"
    assert local_str(datetime(2026, 12, 6, 19, 9), "Asia/Shanghai") == "2026-12-07 03:09"  # naive = UTC
    assert local_str(None, "Asia/Shanghai") == "—"


def test_log_times_are_local() -> None:
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    rec.created = FROZEN.timestamp()
    assert LocalFormatter("%(asctime)s %(message)s", "Asia/Shanghai").format(rec) == "2026-12-07 03:09:00+0800 m"


def test_case_notice_defaults_to_beijing_date_at_0309(frozen, as_role, seeded, store) -> None:  # noqa: ANN001
    analyst, token = as_role("analyst")
    r = analyst.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": seeded.finding_ids[3:6]},
                     follow_redirects=False)
    url = r.headers["location"]
    page = analyst.get(url).text
    assert 'name="sent_at" value="2026-12-07"' in page
    assert 'name="deadline" value="2026-12-22"' in page  # 15 days from the Beijing date
    r = analyst.post(url + "/notices", data={"csrf_token": token, "kind": "rectification", "number": "1",
                                             "deadline": "2026-12-22", "content": "限期整改"})
    assert r.status_code == 200
    with store.session() as s:
        notice = s.scalar(select(CaseNotice))
        assert local_str(notice.sent_at, "Asia/Shanghai") == "2026-12-07 09:00"
    page = analyst.get(url).text
    assert "<td>立案</td>" in page and "<td>送达通知书</td>" in page and "<td>opened</td>" not in page
    summary = zipfile.ZipFile(io.BytesIO(analyst.post(url + "/export", data={"csrf_token": token}).content)).read("案件摘要.html").decode()
    assert "2026-12-07 03:09（Asia/Shanghai）" in summary and " UTC" not in summary  # the case file: local time
    assert "<td>送达通知书</td>" in summary


def test_cli_log_lines_follow_the_configured_zone() -> None:
    from store.clock import localise_log_handlers

    logger = logging.getLogger("storewatch-test-local")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.handlers = [handler]
    localise_log_handlers("Asia/Shanghai", logger)
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    rec.created = FROZEN.timestamp()
    assert handler.format(rec) == "2026-12-07 03:09:00+0800 m"


def test_case_number_year_is_the_local_year(monkeypatch: pytest.MonkeyPatch, as_role, seeded, store) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 00:30, 1 Jan 2027 in Beijing
    analyst, token = as_role("analyst")
    r = analyst.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": seeded.finding_ids[3:6]},
                     follow_redirects=False)
    assert "XN-2027-0001" in analyst.get(r.headers["location"]).text
