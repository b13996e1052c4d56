"""Every number in a digest agrees: subject, summary line, merchant table and severity breakdown are
sums over the same rows; the mail's Date header is in the configured zone."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from alerts.queue import delivery_notice, preview, queue_alert, queue_daily
from alerts.render import render_text
from store.db import Store
from store.lifecycle import set_status
from store.models import Digest, utcnow
from tests.alerts.conftest import add_shop, crawl, finding, make_settings


@pytest.fixture
def st(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'a.db'}")
    s.upgrade()
    for sid in (1, 2, 3):
        add_shop(s, sid)
    return s


def test_daily_numbers_agree_with_each_other(st: Store, tmp_path: Path) -> None:
    a, b = finding(1, "国家级"), finding(1, "最高级", severity="high")
    crit = finding(2, "发展下线", category="pyramid_scheme", article="15(10)", severity="critical", rule="PY-RECRUIT")
    crawl(st, 1, [a, b])
    crawl(st, 2, [crit])
    crawl(st, 3, [], status="unreachable")
    settings = make_settings(tmp_path, st.url)
    assert queue_daily(st, settings) is not None  # carries a, b, crit
    later = finding(2, "第一品牌")
    crawl(st, 2, [crit, later])
    with st.session() as s:
        set_status(s, a.finding_id, "dismissed", actor="analyst", role="analyst", note="引用法律条文")
    d = preview(st, settings, now=utcnow() + timedelta(minutes=1))
    c = d["counts"]
    # carried: only `later` is new; the dismissed one is no longer open
    assert (c["carried"], c["new"], c["reopened"], c["stale"]) == (1, 1, 0, 0)
    assert c["carried"] == sum(d["by_severity"].values())
    assert c["new"] + c["reopened"] == sum(m["new"] for m in d["merchants"])
    assert c["open_total"] == sum(m["open"] for m in d["merchants"]) == sum(s["count"] for s in d["open_by_severity"])
    assert c["open_total"] == 3  # b, crit, later
    assert {m["name"][-1]: (m["new"], m["open"]) for m in d["merchants"]} == {"1": (0, 1), "2": (1, 2)}
    text, html = render_text(d)
    subject_new = int(re.search(r"新发现 (\d+) 项", d["subject"]).group(1))  # type: ignore[union-attr]
    assert subject_new == c["new"]
    assert f"新发现 {c['new']} 项" in text and f"当前未结 {c['open_total']} 项" in text
    assert f"<b>{c['open_total']}</b>" in html  # the table's total row
    assert f"覆盖缺口 {len(d['gaps'])} 个" in d["subject"] and len(d["gaps"]) == 1
    assert "本期活动" not in text  # no second, differently counted "新发现"


def test_alert_subject_counts_match_the_body(st: Store, tmp_path: Path) -> None:
    crit = finding(1, "发展下线", category="pyramid_scheme", article="15(10)", severity="critical", rule="PY-RECRUIT")
    high = finding(1, "木马", category="pyramid_scheme", article="15(10)", severity="high", rule="PY-RECRUIT",
                   url="http://shop1.example.cn/item/2.html")
    crawl(st, 1, [crit])
    crawl(st, 1, [high], url="http://shop1.example.cn/item/2.html")
    settings = make_settings(tmp_path, st.url)
    alert_id = queue_alert(st, settings)
    with st.session() as s:
        row = s.get(Digest, alert_id)
        assert row is not None
        msg = message_from_bytes(row.raw.encode(), policy=policy.default)
    subject = str(msg["Subject"])
    assert "2 项须立即研判（严重 1 项，高 1 项；" in subject and "2 项严重违规" not in subject
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert text.count("[严重]") == 1 and text.count("[高]") == 1
    assert str(msg["Date"]).endswith("+0800")  # Asia/Shanghai, not UTC


def test_no_recipients_is_said_at_start_up(tmp_path: Path, st: Store) -> None:
    settings = make_settings(tmp_path, st.url, digest={"recipients": []})
    notice = delivery_notice(settings)
    assert notice is not None and "未配置摘要收件人" in notice and "digest.recipients" in notice
    assert "未配置邮件服务器" in (delivery_notice(make_settings(tmp_path, st.url)) or "")
    assert delivery_notice(make_settings(tmp_path, st.url, 2525)) is None


def test_critical_lines_grouped_per_merchant_and_article(st: Store, tmp_path: Path) -> None:
    crits = [finding(1, w, category="pyramid_scheme", article="15(10)", severity="critical", rule="PY-RECRUIT",
                     url=f"http://shop1.example.cn/item/{k}.html") for k, w in enumerate(("发展下线", "拉人头", "入门费", "层级"))]
    for f in crits:
        crawl(st, 1, [f], url=f.url)
    d = preview(st, make_settings(tmp_path, st.url))
    assert len(d["critical_new"]) == 4 and len(d["critical_groups"]) == 1
    g = d["critical_groups"][0]
    assert g["count"] == 4 and g["matches"].count("”、“") == 2 and g["matches"].endswith("等")
    assert "/findings?storefront=1&severity=critical" in g["link"]
    assert sum(x["count"] for x in d["critical_groups"]) + d["critical_more"] == len(d["critical_new"])
    text = render_text(d)[0]
    assert text.count("第十五条第（十）项 网络传销 4 项") == 1


def test_dry_run_says_when_digests_reach_nobody(st: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import cli

    for k in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    assert cli.main(["--data-dir", str(tmp_path / "data"), "--database-url", st.url, "digest", "--dry-run"]) == 0
    assert "未配置摘要收件人（digest.recipients）" in capsys.readouterr().err


def test_case_state_and_rechecks_due_in_the_merchant_table(st: Store, tmp_path: Path) -> None:
    from web.models import Case

    crawl(st, 1, [finding(1, "国家级")])
    crawl(st, 2, [finding(2, "最高级")])
    now = utcnow()
    with st.session() as s:
        s.add(Case(number="XN-2026-0007", storefront_id=1, title="t", status="rechecking", opened_by="a",
                   recheck_at=now + timedelta(hours=20)))
        s.add(Case(number="XN-2026-0008", storefront_id=2, title="t", status="notified", opened_by="a",
                   recheck_at=now + timedelta(days=10)))  # not due yet
    d = preview(st, make_settings(tmp_path, st.url), now=now)
    rows = {m["storefront_id"]: m for m in d["merchants"]}
    assert rows[1]["case_zh"] == "XN-2026-0007 待复查" and rows[2]["case_zh"] == "XN-2026-0008 已通知整改"
    assert [c["number"] for c in d["rechecks_due"]] == ["XN-2026-0007"]
    text = render_text(d)[0]
    assert "== 待复查案件（1 件）==" in text and "http://triage.example.cn:8700/cases/" in text


def test_digest_stays_one_screen_however_many_findings(st: Store, tmp_path: Path) -> None:
    for k in range(40):  # 40 critical findings on 40 pages of 2 merchants, 4 articles
        sid = 1 + k % 2
        crawl(st, sid, [finding(sid, f"词{k}", category="pyramid_scheme", article=f"15({k % 4 + 1})",
                                severity="critical", rule="PY-RECRUIT", url=f"http://shop{sid}.example.cn/p/{k}.html")],
              url=f"http://shop{sid}.example.cn/p/{k}.html")
    d = preview(st, make_settings(tmp_path, st.url))
    html = render_text(d)[1]
    assert len(d["critical_new"]) == 40 and html.count("<li>") <= 12 and html.count("<tr>") <= 2 + 2
    assert sum(g["count"] for g in d["critical_groups"]) + d["critical_more"] == 40
