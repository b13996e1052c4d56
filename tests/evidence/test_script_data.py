"""A single-page storefront builds its text from JSON its script fetches: that JSON (the merchant's own bytes)
is archived as a response record beside the rendered DOM, listed by the page's metadata, and verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli
from evidence.verify import read_record
from tests.crawler.conftest import crawl
from tests.crawler.sitekit import Site

pytestmark = pytest.mark.integration

DATA = json.dumps({"items": [{"name": "牦牛骨粉", "claim": "本品为国家级特效保健品，根治高血压"}]},
                  ensure_ascii=False).encode()
HOME = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>高原优选</title></head><body><div id='app'></div>"
        "<script>fetch('/api/items.json').then(r => r.json()).then(d => { document.getElementById('app').innerHTML ="
        " d.items.map(i => '<h2>' + i.name + '</h2><p class=claim>' + i.claim + '</p>').join(''); });</script>"
        "</body></html>")


def test_the_json_a_page_script_loads_is_archived_with_the_page(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    site = Site("spa-data")
    site.page("/", HOME)
    site.raw("/api/items.json", lambda _p: (200, {"Content-Type": "application/json; charset=utf-8"}, DATA))
    site.start()
    try:
        out = crawl(site.url("/"), tmp_path / "run", render="auto", max_pages=2, ocr=False)
    finally:
        site.stop()
    home = out.pages[0]
    assert home["rendered"] and any(f["match"] == "国家级" for f in out.findings), out.findings
    records = home["evidence"]["records"]
    assert records["data-0"]["uri"] == site.url("/api/items.json") and records["data-0"]["type"] == "response"
    warc = Path(out.summary["warc"])
    rec = read_record(warc, records["data-0"]["offset"], records["data-0"]["length"])
    assert rec.payload == DATA and rec.headers["warc-concurrent-to"] == records["data-0-request"]["record_id"]
    meta = records["metadata"]
    listed = json.loads(read_record(warc, meta["offset"], meta["length"]).payload)["records"]
    assert listed["data-0"] == records["data-0"]["record_id"]
    finding = next(f for f in out.findings if f["match"] == "国家级")
    code = cli.main(["evidence", "verify", str(warc)])
    assert code == 0, capsys.readouterr().out
    assert finding["evidence"]["metadata_record_id"] == meta["record_id"]
