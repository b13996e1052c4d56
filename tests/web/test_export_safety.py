"""Exported evidence never runs the storefront's scripts when opened from disk (issue 15, item 13)."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from evidence.warc import WarcArchive
from web import evidence_view
from web.export_safety import CSP, neutralise_html

HOSTILE = """<html><head><script>alert(1)</script><meta http-equiv="refresh" content="0;url=http://tracker.example/">
<base href="http://tracker.example/"><link rel="preload" href="http://tracker.example/x.js" as="script"></head>
<body onload="alert(2)"><h1>店铺首页</h1><img src="x" onerror="alert(3)"><a href="javascript:alert(4)">领券</a>
<iframe src="http://tracker.example/pixel"></iframe><!--[if IE]><script>alert(5)</script><![endif]-->
<svg><script>alert(6)</script></svg><form action="javascript:alert(7)"><button formaction="http://t">x</button></form>
<p>假一赔十 国家级产品</p></body></html>"""


def test_neutralised_html_keeps_text_and_runs_nothing() -> None:
    out = neutralise_html(HOSTILE.encode()).decode()
    low = out.lower()
    assert "店铺首页" in out and "假一赔十 国家级产品" in out
    for bad in ("<script", "alert(", "onload", "onerror", "javascript:", "<iframe", "refresh", "<base", "preload",
                "formaction"):
        assert bad not in low, bad
    assert f'content="{CSP}"' in out and "default-src 'none'" in out
    assert low.index("content-security-policy") < low.index("<h1")


def test_finding_export_ships_a_sanitised_dom_and_says_so(tmp_path: Path) -> None:
    url = "http://shop.example.cn/"
    at = "2026-12-06T19:09:00Z"
    arch = WarcArchive(tmp_path / "run-1.warc.gz", info={"run": 1})
    resp = arch.write_response(url, 200, [("Content-Type", "text/html")], HOSTILE.encode(), at)
    dom = arch.write_resource(f"urn:storewatch:dom:{url}", "dom", "text/html", HOSTILE.encode(), at, resp.record_id)
    meta = arch.write_metadata(url, {"url": url, "records": {"response": resp.record_id, "dom": dom.record_id}},
                               at, resp.record_id)
    arch.close()
    finding = {"finding_id": "f" * 64, "rule_id": "AD-ABSOLUTE-TERM", "article": "15(5)", "url": url,
               "evidence": {"warc": str(arch.path), "record_id": resp.record_id, "dom_record_id": dom.record_id,
                            "page_sha256": resp.payload_sha256, "metadata_record_id": meta.record_id}}
    zf = zipfile.ZipFile(io.BytesIO(evidence_view.export_zip(finding, None, tmp_path)))
    names = set(zf.namelist())
    assert "rendered-dom.html" not in names and "rendered-dom.safe.html" in names
    assert "<script" not in zf.read("rendered-dom.safe.html").decode().lower()
    readme = zf.read("README.txt").decode()
    assert "rendered-dom.safe.html" in readme and "records.warc.gz" in readme and "脚本" in readme
    # the original is still there, byte for byte, inside the WARC records
    assert HOSTILE.encode() in gzip.decompress(zf.read("records.warc.gz"))
    sums = dict(line.split("  ")[::-1] for line in zf.read("SHA256SUMS").decode().split("\n") if line)
    assert "rendered-dom.safe.html" in sums and "README.txt" in sums
