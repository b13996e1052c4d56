"""`evidence verify` on damaged evidence: never a traceback; the file, the record and every finding affected
are named, exit 1 (issue 14 item 8, issue 12 item 6)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import cli
from tests.crawler.conftest import crawl


@pytest.fixture(scope="module")
def original(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("damage-src")
    outcome = crawl(sites["static"].url("/"), out, max_depth=1, max_pages=8, ocr=False)
    assert outcome.summary["findings"] >= 2
    return Path(outcome.summary["warc"])


class Run:
    """A copy of the run folder under a data dir, findings pointing at the copy."""

    def __init__(self, src: Path, data_dir: Path) -> None:
        self.data_dir = data_dir
        folder = data_dir / "evidence" / "run"
        shutil.copytree(src.parent, folder)
        self.warc = folder / src.name
        self.index = json.loads((folder / (src.name + ".idx.json")).read_text())
        lines = (folder / "findings.jsonl").read_text().replace(str(src), str(self.warc))
        (folder / "findings.jsonl").write_text(lines)
        self.findings = [json.loads(line) for line in lines.splitlines()]

    def record(self, record_id: str) -> dict[str, Any]:
        return next(r for r in self.index["records"] if r["record_id"] == record_id)

    def patch(self, offset: int, new: bytes) -> None:
        data = bytearray(self.warc.read_bytes())
        data[offset:offset + len(new)] = new
        self.warc.write_bytes(bytes(data))

    def of_record(self, record_id: str) -> set[str]:
        ev = lambda f: f["evidence"]  # noqa: E731
        return {f["finding_id"] for f in self.findings
                if record_id in (ev(f)["record_id"], ev(f)["metadata_record_id"])}

    def verify(self, capsys: pytest.CaptureFixture[str], *target: str) -> tuple[int, str]:
        code = cli.main(["--data-dir", str(self.data_dir), "evidence", "verify", *target])
        cap = capsys.readouterr()
        assert "Traceback" not in cap.out + cap.err
        return code, cap.out + cap.err


@pytest.fixture
def run(original: Path, tmp_path: Path) -> Run:
    return Run(original, tmp_path / "data")


def _a_finding_page(run: Run) -> dict[str, Any]:
    """A finding that is not on the home page (so it names one page's records, not all findings)."""
    counts: dict[str, int] = {}
    for f in run.findings:
        counts[f["evidence"]["record_id"]] = counts.get(f["evidence"]["record_id"], 0) + 1
    return min(run.findings, key=lambda f: counts[f["evidence"]["record_id"]])


def test_intact_copy_verifies(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.verify(capsys, str(run.warc))[0] == 0
    assert run.verify(capsys, run.findings[0]["finding_id"])[0] == 0


def test_damaged_gzip_member_names_record_and_findings(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    f = _a_finding_page(run)
    ref = run.record(f["evidence"]["record_id"])
    run.patch(ref["offset"] + ref["length"] - 6, b"\x00\x00\x00\x00")  # the member's CRC
    code, out = run.verify(capsys, str(run.warc))
    assert code == 1
    assert ref["record_id"] in out and run.warc.name in out
    for fid in run.of_record(ref["record_id"]):
        assert fid in out
    untouched = {x["finding_id"] for x in run.findings} - run.of_record(ref["record_id"])
    affected_line = next(line for line in out.splitlines() if line.strip().startswith("受影响的发现") and "(" in line)
    assert not any(fid in affected_line for fid in untouched)
    code, out = run.verify(capsys, f["finding_id"])
    assert code == 1 and f["finding_id"] in out and ref["record_id"] in out


def test_truncated_warc_names_the_records_after_the_cut(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    f = _a_finding_page(run)
    ref = run.record(f["evidence"]["record_id"])
    data = run.warc.read_bytes()
    run.warc.write_bytes(data[:ref["offset"] + ref["length"] // 2])
    code, out = run.verify(capsys, str(run.warc))
    assert code == 1 and "truncated" in out and ref["record_id"] in out and f["finding_id"] in out
    before = [x for x in run.findings if run.record(x["evidence"]["metadata_record_id"])["offset"] < ref["offset"]]
    report = json.JSONDecoder().raw_decode(run.verify(capsys, "--format", "json", str(run.warc))[1])[0]
    assert f["finding_id"] in report["findings_affected"]
    assert not {x["finding_id"] for x in before} & set(report["findings_affected"])
    # also without its index, and the finding itself
    (run.warc.parent / (run.warc.name + ".idx.json")).unlink()
    code, out = run.verify(capsys, str(run.warc))
    assert code == 1 and "damaged or truncated" in out and ref["record_id"] in out and f["finding_id"] in out
    code, out = run.verify(capsys, f["finding_id"])
    assert code == 1 and f["finding_id"] in out


def test_damaged_metadata_record(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    f = _a_finding_page(run)
    meta = run.record(f["evidence"]["metadata_record_id"])
    run.patch(meta["offset"] + 20, b"\xff" * 16)  # inside the deflate stream
    code, out = run.verify(capsys, f["finding_id"])
    assert code == 1
    assert meta["record_id"] in out and f["finding_id"] in out and "metadata" in out


def test_recompressed_metadata_that_is_not_a_warc_record(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    f = _a_finding_page(run)
    meta = run.record(f["evidence"]["metadata_record_id"])
    junk = gzip.compress(b"not a warc record at all")
    data = run.warc.read_bytes()
    run.warc.write_bytes(data[:meta["offset"]] + junk + data[meta["offset"] + meta["length"]:])
    for target in (f["finding_id"], str(run.warc)):
        code, out = run.verify(capsys, target)
        assert code == 1 and meta["record_id"] in out and f["finding_id"] in out


def test_missing_warc_names_every_finding(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    run.warc.unlink()
    f = run.findings[0]
    code, out = run.verify(capsys, f["finding_id"])
    assert code == 1 and "missing" in out and f["finding_id"] in out and run.warc.name in out


def test_damaged_index_is_named(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    idx = run.warc.parent / (run.warc.name + ".idx.json")
    idx.write_text(idx.read_text()[:200])
    code, out = run.verify(capsys, str(run.warc))
    assert code == 1 and idx.name in out and "damaged" in out
    code, out = run.verify(capsys, run.findings[0]["finding_id"])
    assert code == 1 and idx.name in out


def test_damaged_findings_file_does_not_crash(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = run.warc.parent / "findings.jsonl"
    jsonl.write_bytes(jsonl.read_bytes()[:-30] + b"\xff\xfe{broken\n")
    code, _out = run.verify(capsys, str(run.warc))
    assert code == 0
