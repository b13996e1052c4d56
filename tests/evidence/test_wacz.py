"""WACZ per run: `storewatch evidence export RUN` writes it with an explicit pages list; `wacz validate`
accepts it; `evidence verify` names a truncated or altered package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import cli
from tests.crawler.conftest import crawl


@pytest.fixture(scope="module")
def run(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("wacz-src")
    outcome = crawl(sites["static"].url("/"), out, max_depth=1, max_pages=6, ocr=False)
    return Path(outcome.summary["warc"]), outcome.pages


def _wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).with_name("wacz")), "validate", "-f", str(path)],
                          capture_output=True, text=True)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    cap = capsys.readouterr()
    assert "Traceback" not in cap.out + cap.err
    return code, cap.out + cap.err


def test_export_run_as_wacz(run: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    warc, pages = run
    out = tmp_path / "run.wacz"
    code, said = _cli(capsys, "evidence", "export", str(warc), "-o", str(out))
    assert code == 0 and str(out) in said
    proc = _wacz_validate(out)
    assert proc.returncode == 0 and "is valid" in proc.stdout, proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as zf:
        lines = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()]
        assert f"archive/{warc.name}" in zf.namelist()
        assert zf.read(f"archive/{warc.name}") == warc.read_bytes()
    assert lines[0]["format"] == "json-pages-1.0"
    listed = [p["url"] for p in lines[1:]]
    html = [p["url"] for p in pages if p.get("status") == 200 and p.get("page")]
    home = next(u for u in html if urlsplit(u).path in ("", "/"))  # pages finish in any order; home is listed first
    assert listed[0] == home and set(html) <= set(listed)  # every judged page, home first
    assert all(p["ts"].endswith("Z") and p["title"] for p in lines[1:])
    assert _cli(capsys, "evidence", "verify", str(out))[0] == 0


def test_truncated_or_altered_wacz_is_named(run: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    warc, _pages = run
    good = tmp_path / "good.wacz"
    assert _cli(capsys, "evidence", "export", str(warc), "-o", str(good))[0] == 0
    cut = tmp_path / "cut.wacz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    code, out = _cli(capsys, "evidence", "verify", str(cut))
    assert code == 1 and "cut.wacz" in out and "truncated" in out
    assert _wacz_validate(cut).returncode != 0
    # one byte changed inside the archived WARC (stored uncompressed in the zip), in the middle of the home
    # page's response record (the middle of the file may fall in a member whose header is what is damaged)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(f"archive/{warc.name}")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    page_record = json.loads(Path(str(warc) + ".idx.json").read_text())["records"][2]
    data[start + page_record["offset"] + page_record["length"] // 2] ^= 0x01
    altered = tmp_path / "altered.wacz"
    altered.write_bytes(bytes(data))
    code, out = _cli(capsys, "evidence", "verify", str(altered))
    assert code == 1 and "altered.wacz" in out and "record <urn:uuid:" in out
    # the findings whose records are damaged are named from the run's own folder
    (tmp_path / "evidence").mkdir()
    shutil.copytree(warc.parent, tmp_path / "evidence" / "run")
    code, out = _cli(capsys, "--data-dir", str(tmp_path), "evidence", "verify", str(altered))
    assert code == 1 and "受影响的发现 findings affected" in out
    index = json.loads(Path(str(warc) + ".idx.json").read_text())
    home = index["records"][2]  # the home page's response (warcinfo, request, response, …)
    assert home["kind"] == "response"
    data = bytearray(good.read_bytes())
    data[start + home["offset"] + home["length"] // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    code, out = _cli(capsys, "--data-dir", str(tmp_path), "evidence", "verify", str(altered))
    hit = [json.loads(x)["finding_id"] for x in (warc.parent / "findings.jsonl").read_text().splitlines()
           if json.loads(x)["evidence"]["record_id"] == home["record_id"]]
    assert code == 1 and hit and all(fid in out for fid in hit) and home["record_id"] in out


def test_damaged_run_is_not_packaged(run: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    warc, _pages = run
    bad = tmp_path / warc.name
    shutil.copy(warc, bad)
    shutil.copy(str(warc) + ".idx.json", str(bad) + ".idx.json")
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    code, out = _cli(capsys, "evidence", "export", str(bad), "-o", str(tmp_path / "x.wacz"))
    assert code == 1 and "does not verify" in out and not (tmp_path / "x.wacz").exists()
    assert _cli(capsys, "evidence", "export", "no-such-run")[0] == 2


@pytest.mark.parametrize("at", [0, 1, 12, 40, 120])
def test_altered_byte_in_a_member_header_names_the_record(run: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str], at: int) -> None:
    """A byte changed in the gzip header or in the compressed WARC headers at the start of a record's member
    (its record id is unreadable there): the package alone still names the record (from the records that
    refer to it)."""
    warc, _pages = run
    good = tmp_path / "good.wacz"
    assert _cli(capsys, "evidence", "export", str(warc), "-o", str(good))[0] == 0
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(f"archive/{warc.name}")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    home = json.loads(Path(str(warc) + ".idx.json").read_text())["records"][2]
    assert home["kind"] == "response"
    data = bytearray(good.read_bytes())
    data[start + home["offset"] + at] ^= 0x01
    altered = tmp_path / "altered.wacz"
    altered.write_bytes(bytes(data))
    code, out = _cli(capsys, "--data-dir", str(tmp_path / "none"), "evidence", "verify", str(altered))
    assert code == 1 and home["record_id"] in out, out


@pytest.mark.parametrize("at", [4, 8, 9])
def test_altered_gzip_header_field_is_named_with_the_runs_manifest(run: tuple[Path, list[dict[str, Any]]],
                                                                   tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   at: int) -> None:
    """A changed gzip MTIME/XFL/OS byte leaves the record readable and its digests intact; the package's
    datapackage hash catches it, and with the run's folder at hand its manifest names the record."""
    warc, _pages = run
    good = tmp_path / "good.wacz"
    assert _cli(capsys, "evidence", "export", str(warc), "-o", str(good))[0] == 0
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(f"archive/{warc.name}")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    home = json.loads(Path(str(warc) + ".idx.json").read_text())["records"][2]
    data = bytearray(good.read_bytes())
    data[start + home["offset"] + at] ^= 0x01
    altered = tmp_path / "altered.wacz"
    altered.write_bytes(bytes(data))
    code, out = _cli(capsys, "--data-dir", str(tmp_path / "none"), "evidence", "verify", str(altered))
    assert code == 1 and "altered.wacz" in out  # alone: the package's own hashes
    (tmp_path / "evidence").mkdir()
    shutil.copytree(warc.parent, tmp_path / "evidence" / "run")
    code, out = _cli(capsys, "--data-dir", str(tmp_path), "evidence", "verify", str(altered))
    assert code == 1 and home["record_id"] in out and "bytes differ" in out, out
    assert "受影响的发现 findings affected" in out
