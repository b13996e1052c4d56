"""Trusted time: RFC 3161 tokens from a real local TSA (openssl ts -reply) over each run's manifest, WARC
and screenshots; verified by `evidence verify` and by openssl itself; a TSA that is down stops nothing."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cli
from evidence.timestamp import TsaConfig, request_token
from evidence.warc import sha256
from tests.crawler.conftest import crawl
from tests.evidence.tsa import Tsa, running_tsa


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    with running_tsa(tmp_path_factory.mktemp("tsa")) as t:
        yield t


@pytest.fixture(scope="module")
def rendered(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ts-src")
    outcome = crawl(sites["static"].url("/"), out, max_depth=1, max_pages=4, ocr=False, render="auto")
    warc = Path(outcome.summary["warc"])
    idx = json.loads(Path(str(warc) + ".idx.json").read_text())
    assert any(r["kind"] == "screenshot" for r in idx["records"]), "the home page should have been rendered"
    return warc


class Env:
    def __init__(self, tmp: Path, tsa: Tsa, src: Path, url: str | None = None) -> None:
        self.data = tmp / "data"
        self.folder = self.data / "evidence" / "run"
        shutil.copytree(src.parent, self.folder)
        self.warc = self.folder / src.name
        (self.folder / "findings.jsonl").write_text((self.folder / "findings.jsonl").read_text()
                                                    .replace(str(src), str(self.warc)))
        self.config = tmp / "storewatch.toml"
        self.config.write_text(f'[evidence]\ntsa_url = "{url or tsa.url}"\ntsa_ca_file = "{tsa.ca_file}"\n'
                               f"tsa_timeout = 3\n")
        self.ts = self.folder / "timestamps"

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        code = cli.main(["--config", str(self.config), "--data-dir", str(self.data), *args])
        cap = capsys.readouterr()
        assert "Traceback" not in cap.out + cap.err
        return code, cap.out + cap.err

    def ledger(self) -> dict[str, Any]:
        return json.loads((self.ts / "timestamps.json").read_text())


@pytest.fixture
def env(tmp_path: Path, tsa: Tsa, rendered: Path) -> Env:
    tsa.down.clear()
    return Env(tmp_path, tsa, rendered)


def _openssl_verify(digest: str, tsr: Path, chain: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", "ts", "-verify", "-digest", digest, "-in", str(tsr), "-CAfile", str(chain)],
                          capture_output=True, text=True)


def test_run_is_stamped_and_verifies(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = env.cli(capsys, "evidence", "timestamp", str(env.warc))
    assert code == 0, out
    entries = {e["subject"]: e for e in env.ledger()["entries"]}
    assert {"manifest", "warc"} <= set(entries) and any(s.startswith("screenshot-") for s in entries)
    assert all(e["status"] == "stamped" and e["gen_time"].endswith("Z") for e in entries.values())
    assert entries["warc"]["sha256"] == sha256(env.warc.read_bytes())
    assert entries["manifest"]["sha256"] == sha256(Path(str(env.warc) + ".idx.json").read_bytes())
    for e in entries.values():  # independently, with openssl and the chain kept beside the evidence
        tsr = env.ts / e["token"]
        assert sha256(tsr.read_bytes()) == e["token_sha256"]
        proc = _openssl_verify(e["sha256"], tsr, env.ts / "tsa-chain.pem")
        assert proc.returncode == 0 and "Verification: OK" in proc.stdout, proc.stderr
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 0, out
    assert "trusted time of manifest" in out and "trusted time of warc" in out


def test_forged_token_is_named(env: Env, tsa: Tsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert env.cli(capsys, "evidence", "timestamp", str(env.warc))[0] == 0
    manifest = Path(str(env.warc) + ".idx.json").read_bytes()
    with running_tsa(tmp_path / "forger") as forger:  # another CA's TSA, same data, a consistent ledger
        token, _t = request_token(TsaConfig(forger.url, forger.ca_file), manifest)
    (env.ts / "manifest.tsr").write_bytes(token)
    ledger = env.ledger()
    for e in ledger["entries"]:
        if e["subject"] == "manifest":
            e["token_sha256"] = sha256(token)
    (env.ts / "timestamps.json").write_text(json.dumps(ledger))
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 1 and "manifest.tsr" in out and "does not verify" in out
    # a flipped byte in a token
    tsr = env.ts / "warc.tsr"
    data = bytearray(tsr.read_bytes())
    data[len(data) // 2] ^= 0x01
    tsr.write_bytes(bytes(data))
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 1 and "warc.tsr" in out and "differ from those recorded" in out
    finding = json.loads((env.folder / "findings.jsonl").read_text().splitlines()[0])["finding_id"]
    assert finding in out  # the run's manifest and WARC tokens stand behind every finding


def test_swapped_screenshot_with_a_consistent_index_is_caught_by_the_tokens(
        env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    """A forger replaces the screenshot and rewrites the index to match: only trusted time catches it."""
    assert env.cli(capsys, "evidence", "timestamp", str(env.warc))[0] == 0
    idx_path = Path(str(env.warc) + ".idx.json")
    index = json.loads(idx_path.read_text())
    shot = next(r for r in index["records"] if r["kind"] == "screenshot")
    data = env.warc.read_bytes()
    record = gzip.decompress(data[shot["offset"]:shot["offset"] + shot["length"]])
    head, _, block = record.partition(b"\r\n\r\n")
    png = block[:-4] + b"\x00"  # another picture (same length + 1)
    fake_head = b"\r\n".join(line for line in head.split(b"\r\n")
                             if not line.lower().startswith((b"warc-block-digest", b"storewatch-payload-sha256",
                                                             b"content-length")))
    fake_head += f"\r\nContent-Length: {len(png)}\r\nStorewatch-Payload-SHA256: {sha256(png)}".encode()
    member = gzip.compress(fake_head + b"\r\n\r\n" + png + b"\r\n\r\n")
    forged = data[:shot["offset"]] + member + data[shot["offset"] + shot["length"]:]
    delta = len(member) - shot["length"]
    for r in index["records"]:
        if r["offset"] > shot["offset"]:
            r["offset"] += delta
    shot.update(length=len(member), member_sha256=sha256(member), payload_sha256=sha256(png))
    index.update(size=len(forged), sha256=sha256(forged))
    env.warc.write_bytes(forged)
    idx_path.write_text(json.dumps(index))
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 1
    assert shot["record_id"] in out and "changed after it was stamped" in out
    assert "warc changed after it was stamped" in out and "manifest changed after it was stamped" in out


def test_tsa_down_never_stops_and_is_retried(env: Env, tsa: Tsa, capsys: pytest.CaptureFixture[str]) -> None:
    assert env.cli(capsys, "init")[0] == 0
    tsa.down.set()
    code, out = env.cli(capsys, "evidence", "timestamp", str(env.warc))
    assert code == 1 and "pending" in out
    assert all(e["status"] == "pending" and "503" in e["error"] for e in env.ledger()["entries"])
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 0 and "pending" in out  # a gap, shown, not damage
    code, out = env.cli(capsys, "status")
    assert "可信时间戳待补" in out and "pending" in out
    tsa.down.clear()
    code, out = env.cli(capsys, "evidence", "timestamp")  # what the daemon's timestamps job runs
    assert code == 0 and "1 run(s) stamped, 0 still pending" in out
    assert all(e["status"] == "stamped" and e["attempts"] == 2 for e in env.ledger()["entries"])
    assert "可信时间戳待补" not in env.cli(capsys, "status")[1]
    # the store now knows the tokens: one deleted beside the evidence is named
    (env.ts / "timestamps.json").unlink()
    code, out = env.cli(capsys, "evidence", "verify", str(env.warc))
    assert code == 1 and "recorded in the store is missing" in out


def test_scan_with_the_tsa_unreachable_still_reports(sites: dict[str, Any], tsa: Tsa, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/tsa"
    config = tmp_path / "s.toml"
    config.write_text(f'[evidence]\ntsa_url = "{dead}"\ntsa_ca_file = "{tsa.ca_file}"\ntsa_timeout = 2\n'
                      '[crawler]\nallow_loopback = true\nrender = "never"\nmax_pages = 3\n')
    code = cli.main(["--config", str(config), "--data-dir", str(tmp_path / "d"), "scan", sites["static"].url("/"),
                     "--evidence-dir", str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["findings"]
    ledger = json.loads((tmp_path / "run" / "timestamps" / "timestamps.json").read_text())
    assert ledger["entries"] and all(e["status"] == "pending" for e in ledger["entries"])


def test_bad_tsa_settings_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "s.toml"
    config.write_text('[evidence]\ntsa_url = "http://127.0.0.1:1/tsa"\n')
    assert cli.main(["--config", str(config), "evidence", "timestamp"]) == 2
    assert "tsa_ca_file" in capsys.readouterr().err
    config.write_text(f'[evidence]\ntsa_url = "http://127.0.0.1:1/tsa"\ntsa_ca_file = "{tmp_path}/none.pem"\n')
    assert cli.main(["--config", str(config), "evidence", "timestamp"]) == 2
    assert "none.pem" in capsys.readouterr().err


def test_two_runs_in_one_folder_never_mix_tokens(tsa: Tsa, tmp_path: Path) -> None:
    from evidence.timestamp import TimestampError, stamp_run
    from evidence.tsverify import verify_tokens
    from evidence.warc import WarcArchive

    warcs = []
    for name in ("a", "b"):
        arc = WarcArchive(tmp_path / f"{name}.warc.gz", {"software": "test"})
        arc.write_metadata("http://s.test/", {"n": name}, "2026-12-01T00:00:00Z")
        warcs.append(arc.close())
    cfg = TsaConfig(tsa.url, tsa.ca_file)
    assert stamp_run(warcs[0], cfg)["warc"] == "a.warc.gz"
    with pytest.raises(TimestampError, match="another run"):
        stamp_run(warcs[1], cfg)
    problems, _notes, _times = verify_tokens(warcs[1])
    assert any("another run" in str(p) for p in problems)
    assert not verify_tokens(warcs[0])[0]
