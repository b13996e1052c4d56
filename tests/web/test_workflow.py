"""Triage through the HTTP interface: search, decide, open and follow a case, credit files, exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

from openpyxl import load_workbook
from sqlalchemy import select

from store.models import AllowListEntry, Finding, FindingEvent, OutboxEntry, Storefront
from web.models import Case, CaseEvent


def test_search_in_chinese_with_filters_and_facets(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    page = client.get("/findings", params={"q": "国家级"}).text
    assert 'id="total">1<' in page and "<mark>国家级</mark>" in page
    page = client.get("/findings", params={"q": "", "severity": "critical"}).text
    assert 'id="total">2<' in page and "高仿" in page and "红盾" in page
    page = client.get("/findings", params={"category": "false_advertising", "q": "-最佳"}).text
    assert 'id="total">3<' in page and "<mark>最佳</mark>" not in page
    page = client.get("/findings", params={"q": "category:unfair_terms"}).text
    assert 'id="total">1<' in page and "最终解释权归本店所有" in page
    # facet counts ignore their own filter, so other severities stay selectable
    assert 'name="severity" value="medium"' in client.get("/findings", params={"severity": "critical"}).text
    page = client.get("/findings", params={"storefront": str(seeded.storefront_ids[2])}).text
    assert 'id="total">2<' in page and "概不退换" in page and "本品为国家级" not in page
    assert "没有符合条件" in client.get("/findings", params={"q": "根本不存在的词"}).text
    page = client.get("/findings", params={"q": "(国家级 OR 高仿) AND NOT severity:critical"}).text
    assert 'id="total">1<' in page and "<mark>国家级</mark>" in page
    page = client.get("/findings", params={"q": "uscc:91630100MA754RGT8N"}).text  # 青河茶业
    assert 'id="total">2<' in page


def test_status_change_writes_audit_event_and_outbox(as_role, seeded, store) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    fid = seeded.finding_ids[0]
    r = client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "confirmed", "note": "核实"})
    assert r.status_code == 200 and "已确认" in r.text and "核实" in r.text
    with store.session() as s:
        assert s.get(Finding, fid).status == "confirmed"
        ev = s.scalars(select(FindingEvent).where(FindingEvent.finding_id == fid).order_by(FindingEvent.id)).all()[-1]
        assert (ev.actor, ev.from_status, ev.to_status, ev.note) == ("analyst", "open", "confirmed", "核实")
        assert s.scalar(select(OutboxEntry).where(OutboxEntry.entity_id == fid)) is not None


def test_dismiss_needs_a_reason_and_can_allow_list(as_role, seeded, store) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    fid = seeded.finding_ids[1]
    r = client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "dismissed", "note": ""})
    assert r.status_code == 400 and "理由" in r.text
    r = client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "dismissed",
                                                     "note": "引用法律条文，非宣传", "allow_list": "1",
                                                     "allow_scope": "match"})
    assert r.status_code == 200
    with store.session() as s:
        f = s.get(Finding, fid)
        entry = s.scalar(select(AllowListEntry))
        assert f.status == "dismissed"
        assert (entry.storefront_id, entry.rule_id, entry.match, entry.reason, entry.created_by) == \
            (f.storefront_id, f.rule_id, "最佳", "引用法律条文，非宣传", "analyst")


def test_bulk_confirm(as_role, seeded, store) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    ids = seeded.finding_ids[3:6]
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "confirmed", "ids": ids,
                                            "back": "/findings?q=x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/findings?q=x"
    with store.session() as s:
        assert {s.get(Finding, i).status for i in ids} == {"confirmed"}


def test_case_lifecycle_and_case_file(as_role, seeded, store) -> None:  # noqa: ANN001
    analyst, token = as_role("analyst")
    ids = seeded.finding_ids[3:6]  # all of 西宁雪域健康
    r = analyst.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": ids}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/")
    url = r.headers["location"]
    page = analyst.get(url).text
    assert "XN-" in page and "雪域健康" in page and "已立案" in page
    r = analyst.post(url + "/notices", data={"csrf_token": token, "kind": "rectification", "number": "宁商电整字〔2026〕1号",
                                             "sent_at": "2026-11-01", "deadline": "2026-11-16", "content": "限期整改",
                                             "schedule_recheck": "1"})
    assert r.status_code == 200 and "2026-11-17 09:00" in r.text
    with store.session() as s:
        case = s.scalar(select(Case))
        assert case.status == "rechecking" and case.recheck_at is not None
        assert {s.get(Finding, i).status for i in ids} == {"notified"}
    # an analyst cannot close; a supervisor can
    assert analyst.post(url + "/close", data={"csrf_token": token, "outcome": "rectified"}).status_code == 403
    sup, stoken = as_role("supervisor")
    r = sup.post(url + "/close", data={"csrf_token": stoken, "outcome": "rectified", "note": "复查已整改"})
    assert r.status_code == 200 and "已结案" in r.text
    with store.session() as s:
        assert {s.get(Finding, i).status for i in ids} == {"rectified"}
        actions = [e.action for e in s.scalars(select(CaseEvent).order_by(CaseEvent.id))]
    assert actions == ["opened", "notice", "recheck", "closed"]
    assert sup.get(url + "/export").status_code == 405  # exporting writes the chain of custody: POST only
    assert sup.post(url + "/export", data={}).status_code == 403  # and with the CSRF token
    r = sup.post(url + "/export", data={"csrf_token": stoken})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    assert {"案件摘要.html", "findings.json", "SHA256SUMS"} <= names
    assert {f"evidence/{i}.zip" for i in ids} <= names
    summary = zf.read("案件摘要.html").decode()
    assert "西宁雪域健康科技有限公司" in summary and "责令整改通知书" in summary and "已整改" in summary
    assert sorted(f["finding_id"] for f in json.loads(zf.read("findings.json"))) == sorted(ids)
    inner = zipfile.ZipFile(io.BytesIO(zf.read(f"evidence/{ids[0]}.zip")))  # made by evidence.export
    assert {"finding.json", "records.warc.gz", "screenshot.png", "manifest.json", "README.txt"} <= set(inner.namelist())
    assert not [n for n in inner.namelist() if n.endswith(".html") and not n.endswith(".safe.html")]
    assert "勿解出后直接用浏览器打开" in zf.read("README.txt").decode()
    report = zf.read("取证报告.pdf")  # the case's 取证报告, printed by Chromium (evidence.report)
    assert report.startswith(b"%PDF") and f"{hashlib.sha256(report).hexdigest()}  取证报告.pdf" in \
        zf.read("SHA256SUMS").decode()


def test_finding_detail_shows_evidence_rule_and_history(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    page = client.get(f"/findings/{seeded.finding_ids[0]}").text
    assert "第十五条第（五）项" in page and "虚假宣传" in page and "广告法 第九条" in page
    assert 'id="verify">证据完整' in page
    assert f"/evidence/pages/{seeded.page_ids[0]}/screenshot" in page and "<rect" in page
    assert "首次发现" in page
    assert "已复核" in page  # evidence.verify.verify_warc ran on the records and the whole file
    r = client.get(f"/findings/{seeded.finding_ids[0]}/export")
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    manifest = json.loads(zf.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} >= {"records.warc.gz", "screenshot.png", "finding.json"}


def test_tampered_evidence_fails_verification(as_role, seeded, settings) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    warc = next(settings.evidence_dir.glob("run-1.warc.gz"))
    data = bytearray(warc.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte in the last record (another page's metadata)
    warc.write_bytes(bytes(data))
    page = client.get(f"/findings/{seeded.finding_ids[0]}").text
    assert 'id="verify">证据校验未通过' in page and "file SHA-256 differs" in page
    warc.write_bytes(warc.read_bytes()[:200])  # truncated: the page's own record is gone
    page = client.get(f"/findings/{seeded.finding_ids[0]}").text
    assert 'id="verify">证据校验未通过' in page
    r = client.get(f"/findings/{seeded.finding_ids[0]}/export")  # still exported, with a note
    assert "EXPORT-NOTE.txt" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()


def test_credit_file_warning_list_and_exports(as_role, seeded) -> None:  # noqa: ANN001
    client, token = as_role("supervisor")
    evil = seeded.storefront_ids[3]
    assert 'id="grade">A<' in client.get(f"/merchants/{evil}").text
    client.post("/findings/bulk", data={"csrf_token": token, "action": "confirmed",
                                        "ids": seeded.finding_ids[8:10]})  # critical + medium: 100-25 = 75
    page = client.get(f"/merchants/{evil}").text
    assert 'id="grade">B<' in page and 'id="score">75.0<' in page and "<svg" in page
    client.post("/findings/bulk", data={"csrf_token": token, "action": "confirmed", "ids": seeded.finding_ids[3:6]})
    warn = client.get("/warnings").text  # 雪域: critical + 2 high = 60 -> C
    assert "西宁雪域健康科技有限公司" in warn and "青河茶业" not in warn
    rows = list(csv.reader(io.StringIO(client.get("/warnings.csv").content.decode("utf-8-sig"))))
    assert rows[0][0] == "主体名称" and [r[0] for r in rows[1:]] == ["西宁雪域健康科技有限公司"]
    assert rows[1][4] == "C"
    wb = load_workbook(io.BytesIO(client.get("/warnings.xlsx").content))
    ws = wb.active
    assert ws.title == "公示及预警" and ws["A2"].value == "西宁雪域健康科技有限公司" and abs(ws["G2"].value - 60) < 0.5


def test_dashboard_charts(as_role) -> None:  # noqa: ANN001
    client, _ = as_role("supervisor")
    page = client.get("/dashboard").text
    for title in ("每月新发现问题（按严重程度）", "新发现与已解决", "未结问题（按类别）", "未结问题（按条款）",
                  "网站抓取覆盖", "重点网站"):
        assert f'aria-label="{title}' in page, title
    assert "无法访问<b>1</b>" in page.replace("\n", "").replace(" ", "")
    assert "西宁恶意示例网络有限公司" in page


def test_roles_hold_for_finding_moves(as_role, seeded, store) -> None:  # noqa: ANN001
    """An analyst cannot close or mark rectified; a viewer reads but posts nothing; a supervisor may close."""
    analyst, a_token = as_role("analyst")
    fid = seeded.finding_ids[2]
    r = analyst.post(f"/findings/{fid}/status", data={"csrf_token": a_token, "status": "closed", "note": "已整改"})
    assert r.status_code == 403 and "需要主管权限" in r.text
    r = analyst.post(f"/findings/{fid}/status", data={"csrf_token": a_token, "status": "rectified", "note": "已整改"})
    assert r.status_code == 403 and "不能从" in r.text
    viewer, v_token = as_role("viewer")
    assert viewer.get(f"/findings/{fid}").status_code == 200
    r = viewer.post(f"/findings/{fid}/status", data={"csrf_token": v_token, "status": "confirmed", "note": "x"})
    assert r.status_code == 403
    with store.session() as s:
        assert s.get(Finding, fid).status == "open"
    sup, s_token = as_role("supervisor")
    r = sup.post(f"/findings/{fid}/status", data={"csrf_token": s_token, "status": "closed", "note": "已整改"})
    assert r.status_code == 200
    r = analyst.post(f"/findings/{fid}/status", data={"csrf_token": a_token, "status": "open", "note": "重开"})
    assert r.status_code == 403  # what a supervisor closed, an analyst cannot reopen
    with store.session() as s:
        assert s.get(Finding, fid).status == "closed"


def test_finding_page_shows_trusted_time(as_role, seeded, settings, tmp_path) -> None:  # noqa: ANN001
    from evidence.timestamp import TsaConfig, stamp_run
    from tests.evidence.tsa import running_tsa

    client, _ = as_role("analyst")
    fid = seeded.finding_ids[0]
    assert "未加盖可信时间戳" in client.get(f"/findings/{fid}").text
    warc = next(settings.evidence_dir.glob("run-1.warc.gz"))
    with running_tsa(tmp_path / "tsa") as tsa:
        ledger = stamp_run(warc, TsaConfig(tsa.url, tsa.ca_file))
    assert all(e["status"] == "stamped" for e in ledger["entries"])
    page = client.get(f"/findings/{fid}").text
    assert "可信时间戳 (RFC 3161)" in page and "manifest 20" in page and 'id="verify">证据完整' in page
    token = warc.parent / "timestamps" / "warc.tsr"
    token.write_bytes(token.read_bytes()[:-8] + b"\x00" * 8)  # a forged signature
    page = client.get(f"/findings/{fid}").text
    assert 'id="verify">证据校验未通过' in page and "warc.tsr" in page


def test_merchant_list_is_paged_and_searchable(as_role, seeded, store) -> None:  # noqa: ANN001
    from web.views.credit_views import MERCHANTS_PER_PAGE

    with store.session() as s:
        for i in range(MERCHANTS_PER_PAGE + 30):
            s.add(Storefront(name=f"批量商户{i:04d}有限公司", uscc=f"9163010000000{i:05d}", domain=f"bulk{i}.example.cn"))
    client, _ = as_role("viewer")
    first = client.get("/merchants").text
    assert first.count('href="/merchants/') <= MERCHANTS_PER_PAGE and 'id="next-page"' in first
    assert "第 1/2 页" in first
    second = client.get("/merchants", params={"page": "2"}).text
    assert "第 2/2 页" in second and 'id="next-page"' not in second
    found = client.get("/merchants", params={"q": "批量商户0007"}).text
    assert "批量商户0007有限公司" in found and "共 1 个经营主体" in found
    assert client.get("/merchants", params={"page": "x"}).status_code == 200


def test_finding_exhibit_and_report_pdf(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    fid = seeded.finding_ids[0]
    page = client.get(f"/findings/{fid}").text
    assert f"/findings/{fid}/report" in page and f"/findings/{fid}/exhibit" in page
    r = client.get(f"/findings/{fid}/exhibit")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    r = client.get(f"/findings/{fid}/report")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client.get("/findings/" + "0" * 32 + "/report").status_code in (400, 404)


def test_a_partial_runs_reasons_show_on_the_merchants_page(as_role, seeded, store) -> None:  # noqa: ANN001
    from store.models import CrawlRun

    with store.session() as s:
        sid = s.scalars(select(Storefront.id)).first()
        s.add(CrawlRun(storefront_id=sid, trigger="schedule", status="partial", finished_at=None, pages_fetched=3,
                       stats={"coverage_zh": ["截断 /item/9.html：超过页面大小上限", "被拦截 /x.html：跳转到站外"]}))
    client, _ = as_role("viewer")
    page = client.get(f"/merchants/{sid}").text
    assert "截断 /item/9.html：超过页面大小上限" in page and "被拦截 /x.html：跳转到站外" in page


def test_system_page_shows_daemon_queue_and_workers(as_role, monkeypatch) -> None:  # noqa: ANN001
    """系统状态: what `storewatch status` prints, for supervisors; the queue's workers when the store has one."""
    analyst, _ = as_role("analyst")
    assert analyst.get("/system").status_code == 403
    sup, _ = as_role("supervisor")
    page = sup.get("/system").text
    assert "守护进程" in page and "本库没有抓取队列" in page and "覆盖缺口" in page
    from web.views import system

    real = system.collect_status

    def with_queue(settings):  # noqa: ANN001, ANN202 (the embedded store has no queue: show one from PostgreSQL's shape)
        info = real(settings)
        info["dispatch"] = "queue"
        info["queue"] = {"counts": {"todo": 2, "doing": 1, "failed": 0, "succeeded": 7}, "depth": 2, "running": 1,
                         "oldest_waiting_seconds": 40, "unregistered_workers": [],
                         "workers": [{"name": "w1", "host": "crawl-a", "pid": 11, "state": "alive", "heartbeat_age_seconds": 1.5,
                                      "done": 7, "running": [{"storefront_id": 4, "since": "2026-12-07T10:00:00+08:00"}]},
                                     {"name": "w2", "host": "crawl-b", "pid": 12, "state": "lost", "heartbeat_age_seconds": None,
                                      "done": 0, "running": []}],
                         "stalled": [{"job_id": 9, "worker_id": 2, "lock": "storefront-5"}]}
        return info

    monkeypatch.setattr(system, "collect_status", with_queue)
    page = sup.get("/system").text
    assert "队列（多台抓取机）" in page and "等待 2 个" in page
    assert "crawl-a" in page and "运行中" in page and "网站 #4" in page
    assert "crawl-b" in page and "失联" in page and "停滞任务 1 个" in page
