"""取证报告: a Chinese PDF per finding and per case, printed by Chromium from the template; checked with
poppler (pdftotext, pdftoppm) — merchant, registry record, URL, times (trusted time from the test TSA),
hashes, exhibit, chain of custody and the independent verification commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cli
from evidence.locate import locate
from store.db import Store
from store.models import Finding, FindingEvent, Storefront
from tests.evidence.tsa import Tsa, running_tsa

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed "
                                                                           "(scripts/setup.sh test)")


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    with running_tsa(tmp_path_factory.mktemp("tsa")) as t:
        yield t


@pytest.fixture(scope="module")
def crawled(sites: dict[str, Any], tsa: Tsa, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("report")
    url = f"sqlite:///{tmp / 'sw.db'}"
    store = Store(url)
    store.upgrade()
    with store.session() as s:
        shop = Storefront(name="西宁高原好物电子商务有限公司", uscc="91630100MA7XXXXX0X", domain=sites["static"].host,
                          site_name="高原好物商城", icp="青ICP备2024000001号")
        s.add(shop)
        s.flush()
        sid = shop.id
    config = tmp / "storewatch.toml"
    config.write_text(f'[evidence]\ntsa_url = "{tsa.url}"\ntsa_ca_file = "{tsa.ca_file}"\n'
                      '[crawler]\nallow_loopback = true\nretries = 0\npage_timeout = 3\nmax_depth = 1\n'
                      'render = "auto"\nocr = false\n')
    args = ["--config", str(config), "--data-dir", str(tmp / "data"), "--database-url", url]
    assert cli.main([*args, "crawl", "--storefront", str(sid)]) == 0
    with store.session() as s:
        rows = s.scalars(select(Finding).where(Finding.storefront_id == sid)).all()
        # a finding on a statement of the rendered page (the second render pass gives static pages screenshots
        # too, and a site-level "absent" finding has no text to box)
        home = next(f for f in rows if (f.evidence or {}).get("screenshot_record_id")
                    and (f.location or {}).get("kind") == "text" and f.match)
        # PDFs printed when the spider closed (pipelines.finish.close_run, on the crawl's own loop)
        page_level = [f for f in rows if (f.location or {}).get("kind") != "image" and f.evidence]
        assert page_level and all(f.evidence.get("pdf_record_id") for f in page_level), \
            [f.url for f in page_level if not f.evidence.get("pdf_record_id")]
        s.add(FindingEvent(finding_id=home.finding_id, actor="analyst1", from_status="open", to_status="confirmed",
                           note="截图与页面一致"))
        fids = [f.finding_id for f in rows]
    return {"args": args, "store": store, "home": home.finding_id, "findings": fids, "tmp": tmp, "sid": sid}


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_finding_report(crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    out, html = crawled["tmp"] / "f.pdf", crawled["tmp"] / "f.html"
    code = cli.main([*crawled["args"], "evidence", "report", crawled["home"], "-o", str(out), "--html", str(html),
                     "--user", "analyst2"])
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")
    text = _pdf_text(out)
    for want in ("电子数据取证报告", "西宁高原好物电子商务有限公司", "91630100MA7XXXXX0X", "青ICP备2024000001号",
                 "可信时间", "保管链", "analyst1", "analyst2", "生成取证报告", "openssl ts -verify", "sha256sum",
                 "第九条", "取证主机", socket.gethostname(), "127.0.0.1"):
        assert want in text, want
    assert re.search(r"Chromium \d+\.\d+", text)  # the capture browser's version, from the run's metadata
    page = html.read_text()
    with crawled["store"].session() as s:
        ev = s.get(Finding, crawled["home"]).evidence
        url = s.get(Finding, crawled["home"]).url
    warc = locate(crawled["tmp"] / "data" / "evidence", ev["warc"])  # stored by name under the evidence folder
    assert not Path(ev["warc"]).is_absolute()
    index = json.loads(Path(str(warc) + ".idx.json").read_text())
    assert index["sha256"] in page and ev["page_sha256"] in page and url in page
    assert page.count("data:image/png;base64,") == 2  # the clean screenshot and the boxed exhibit
    desc = json.loads((warc.parent / "exhibits" / f"{crawled['home']}.json").read_text())
    assert desc["box"] and desc["marked_sha256"] in page and desc["marked_sha256"] != desc["clean_sha256"]
    ledger = json.loads((warc.parent / "timestamps" / "timestamps.json").read_text())
    assert all(e["status"] == "stamped" for e in ledger["entries"])
    assert next(e for e in ledger["entries"] if e["subject"] == "warc")["token_sha256"] in page
    # the verification commands printed in the report work as printed, in the run folder
    import html as htmllib

    script = htmllib.unescape(re.search(r"<pre>(.*?)</pre>", page, re.S).group(1))
    script = "\n".join(line for line in script.splitlines() if not line.startswith("storewatch "))
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=warc.parent, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Verification: OK") == 3  # WARC, manifest, screenshot
    assert index["sha256"] in proc.stdout  # sha256sum agrees with the report
    # every page renders to an image (docs/screenshots/report-*.png were made this way and looked at)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(out), str(crawled["tmp"] / "page")], check=True)
    assert len(list(crawled["tmp"].glob("page*.png"))) >= 2
    if dump := os.environ.get("STOREWATCH_REPORT_DUMP"):
        shutil.copy(out, dump)


def test_case_report(crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from web.models import Case, CaseEvent, CaseFinding

    with crawled["store"].session() as s:
        case = Case(number="宁商电案〔2026〕0042号", storefront_id=crawled["sid"], title="虚假宣传", opened_by="supervisor1")
        s.add(case)
        s.flush()
        for fid in crawled["findings"][:3]:
            s.add(CaseFinding(case_id=case.id, finding_id=fid))
        s.add(CaseEvent(case_id=case.id, actor="supervisor1", action="opened", detail="立案"))
        case_id = case.id
    out = crawled["tmp"] / "case.pdf"
    assert cli.main([*crawled["args"], "evidence", "report", "--case", str(case_id), "-o", str(out)]) == 0
    text = _pdf_text(out)
    assert "宁商电案〔2026〕0042号" in text and "supervisor1" in text
    assert all(fid in text.replace("\n", "") or fid[:16] in text for fid in crawled["findings"][:3])


def test_report_bad_input(crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*crawled["args"], "evidence", "report", "0" * 32]) == 2
    assert "not found" in capsys.readouterr().err
    assert cli.main([*crawled["args"], "evidence", "report", "--case", "9999"]) == 2
    assert cli.main([*crawled["args"], "evidence", "report"]) == 2
