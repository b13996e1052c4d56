"""Evidence WARCs: written atomically, verified byte for byte, exported for a case file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

import cli
from errors import EvidenceError
from evidence.export import export_finding
from evidence.verify import verify_warc
from evidence.warc import WarcArchive, load_index
from tests.crawler.conftest import crawl, page


@pytest.fixture(scope="module")
def run(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("evidence")
    outcome = crawl(sites["static"].url("/"), out, max_depth=1, max_pages=8, ocr=False)
    return outcome, Path(outcome.summary["warc"])


def _flip(src: Path, dst: Path, offset: int) -> None:
    data = bytearray(src.read_bytes())
    data[offset] ^= 0x01
    dst.write_bytes(bytes(data))
    dst.with_name(dst.name + ".idx.json").write_text(src.with_name(src.name + ".idx.json").read_text())


def test_fresh_crawl_verifies(run: Any, capsys: pytest.CaptureFixture[str]) -> None:
    outcome, warc = run
    assert warc.exists() and not warc.with_name(warc.name + ".part").exists()
    report = verify_warc(warc)
    assert report.ok, [str(p) for p in report.problems]
    index = load_index(warc)
    kinds = [r["kind"] for r in index["records"]]
    assert kinds[0] == "warcinfo" and {"request", "response", "metadata"} <= set(kinds)
    assert cli.main(["evidence", "verify", str(warc)]) == 0
    assert "OK" in capsys.readouterr().out


def test_metadata_record_has_times_hashes_and_settings(run: Any) -> None:
    from evidence.verify import read_record

    outcome, warc = run
    home = page(outcome, "/")
    meta_ref = home["evidence"]["records"]["metadata"]
    meta = json.loads(read_record(warc, meta_ref["offset"], meta_ref["length"]).payload)
    assert meta["fetched_at"]["utc"].endswith("Z") and meta["fetched_at"]["local"].endswith("+08:00")
    assert meta["sha256"]["response"] == home["sha256"]
    assert meta["settings_digest"] == outcome.summary["settings_digest"] and meta["storewatch_version"]
    assert meta["records"]["response"] == home["evidence"]["records"]["response"]["record_id"]
    assert any(k.lower() == "content-type" for k, _v in meta["headers"])


def test_one_flipped_byte_names_its_record(run: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome, warc = run
    target = page(outcome, "/about.html")["evidence"]["records"]["response"]
    bad = tmp_path / warc.name
    _flip(warc, bad, target["offset"] + target["length"] // 2)
    report = verify_warc(bad)
    assert not report.ok
    named = {p.record_id for p in report.problems if p.record_id}
    assert named == {target["record_id"]}  # exactly the damaged record, no other
    assert cli.main(["evidence", "verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert target["record_id"] in out and "about.html" in out


def test_payload_tampering_with_recompression_is_caught(tmp_path: Path) -> None:
    """Someone rewrites a record as a fresh, valid gzip member: the hashes still disagree."""
    import gzip

    arc = WarcArchive(tmp_path / "r.warc.gz", {"software": "test"})
    ref = arc.write_response("http://s.test/", 200, [("Content-Type", "text/html")], "<p>价格￥99</p>".encode(),
                             "2024-05-01T00:00:00Z")
    arc.close()
    data = (tmp_path / "r.warc.gz").read_bytes()
    record = gzip.decompress(data[ref.offset:ref.offset + ref.length]).replace(b"99", b"19")
    forged = data[:ref.offset] + gzip.compress(record) + data[ref.offset + ref.length:]
    (tmp_path / "f.warc.gz").write_bytes(forged)
    (tmp_path / "f.warc.gz.idx.json").write_text((tmp_path / "r.warc.gz.idx.json").read_text())
    messages = " ".join(str(p) for p in verify_warc(tmp_path / "f.warc.gz").problems)
    assert ref.record_id in messages and "SHA-256" in messages


def test_unfinished_warc_is_never_published(tmp_path: Path) -> None:
    arc = WarcArchive(tmp_path / "x.warc.gz", {"software": "test"})
    arc.write_metadata("http://s.test/", {"a": 1}, "2024-05-01T00:00:00Z")
    arc.abandon()  # as if the crawl died here
    assert not (tmp_path / "x.warc.gz").exists()
    report = verify_warc(tmp_path / "x.warc.gz")
    assert "unfinished .part" in str(report.problems[0])


def test_export_finding_zip(run: Any, tmp_path: Path) -> None:
    outcome, warc = run
    home = page(outcome, "/")
    ev = home["evidence"]
    finding = {"finding_id": "f" * 32, "rule_id": "TEST-RULE", "article": "9", "url": home["url"], "match": "营业执照",
               "evidence": {"warc": str(warc), "record_id": ev["record_id"], "page_sha256": ev["page_sha256"],
                            "metadata_record_id": ev["metadata_record_id"]}}
    out = export_finding(finding, tmp_path / "case.zip", version="test")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        records = zf.read("records.warc.gz")
        body = zf.read("page-body.bin")
    assert {"records.warc.gz", "finding.json", "manifest.json", "page-body.bin"} <= names
    assert manifest["exported_at"]["local"].endswith("+08:00")
    files = {f["name"]: f["sha256"] for f in manifest["files"]}
    import hashlib

    assert files["records.warc.gz"] == hashlib.sha256(records).hexdigest()
    assert hashlib.sha256(body).hexdigest() == ev["page_sha256"]
    # the exported records are the original bytes: they verify on their own
    (tmp_path / "x.warc.gz").write_bytes(records)
    assert verify_warc(tmp_path / "x.warc.gz").problems[0].message.startswith("index file")  # no index, else fine
    assert len(verify_warc(tmp_path / "x.warc.gz").problems) == 1
    # damaged evidence is not exported
    bad = tmp_path / "bad" / warc.name
    bad.parent.mkdir()
    resp = ev["records"]["response"]
    _flip(warc, bad, resp["offset"] + 40)
    with pytest.raises(EvidenceError, match="does not verify"):
        export_finding({**finding, "evidence": {**finding["evidence"], "warc": str(bad)}}, tmp_path / "no.zip")
