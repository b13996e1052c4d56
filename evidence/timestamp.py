"""Trusted time (RFC 3161): tokens from a time-stamp authority over each run's evidence.

Per run, three kinds of subject are stamped, each by its SHA-256: the run's manifest (the WARC's
index ``.idx.json``, which lists every record with its offset and hashes and the WARC's own
SHA-256), the WARC file itself, and each screenshot's PNG (as Lookyloo does). Tokens are kept
beside the evidence in ``timestamps/`` of the run folder::

    timestamps/manifest.tsr  warc.tsr  screenshot-<record uuid>.tsr
    timestamps/tsa-chain.pem          the TSA's certificate chain as configured when stamping
    timestamps/timestamps.json        the ledger: subject, SHA-256, token file and its SHA-256,
                                      TSA time, status (stamped | pending) and the last error

A TSA that is down never stops a crawl: the subject stays ``pending`` with the error, and
:func:`stamp_run` stamps it later (the daemon's timestamps job, ``storewatch evidence timestamp``).
Anyone can check a token without storewatch::

    openssl ts -verify -digest $(sha256sum FILE | cut -d' ' -f1) -in FILE.tsr -CAfile tsa-chain.pem
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.timefmt import utc_iso
from evidence.warc import INDEX_SUFFIX, sha256

log = logging.getLogger(__name__)

FOLDER = "timestamps"
LEDGER = "timestamps.json"
CHAIN = "tsa-chain.pem"
MAX_REPLY = 1 << 20


class TimestampError(Exception):
    """A token could not be obtained, or does not verify (the message says why)."""


@dataclass(frozen=True, slots=True)
class TsaConfig:
    """Where to ask for tokens and which certificates to trust (``settings.evidence``)."""

    url: str
    ca_file: Path  # PEM: the TSA's root (and any intermediate) certificates
    cert_file: Path | None = None  # PEM: the TSA's own certificate, when replies do not carry it
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Any) -> TsaConfig | None:
        ev = getattr(settings, "evidence", None)
        if ev is None or not ev.tsa_url or not ev.tsa_ca_file:
            return None
        return cls(ev.tsa_url, Path(ev.tsa_ca_file), Path(ev.tsa_cert_file) if ev.tsa_cert_file else None,
                   float(ev.tsa_timeout))


def _certs(pem: bytes) -> list[Any]:
    from cryptography import x509

    return x509.load_pem_x509_certificates(pem) if pem.strip() else []


def _verifier(chain_pem: bytes, cert_pem: bytes | None, request: Any = None) -> Any:
    from rfc3161_client import VerifierBuilder

    builder = VerifierBuilder.from_request(request) if request is not None else VerifierBuilder()
    certs = _certs(chain_pem)
    if not certs:
        raise TimestampError("no certificate in the TSA chain")
    for c in certs:
        is_root = c.issuer == c.subject
        builder = builder.add_root_certificate(c) if is_root else builder.add_intermediate_certificate(c)
    if cert_pem:
        builder = builder.tsa_certificate(_certs(cert_pem)[0])
    return builder.build()


def check_token(tsr: bytes, digest_hex: str, chain_pem: bytes, cert_pem: bytes | None = None) -> str:
    """Verify a token over a SHA-256 digest against a chain; returns the TSA's time (UTC ISO)."""
    from rfc3161_client import VerificationError, decode_timestamp_response

    try:
        resp = decode_timestamp_response(tsr)
    except Exception as exc:  # the Rust parser raises its own types
        raise TimestampError(f"token cannot be parsed: {exc}") from None
    try:
        _verifier(chain_pem, cert_pem).verify(resp, bytes.fromhex(digest_hex))
    except VerificationError as exc:
        raise TimestampError(f"token does not verify: {exc}") from None
    except ValueError as exc:
        raise TimestampError(f"token cannot be checked: {exc}") from None
    return resp.tst_info.gen_time.strftime("%Y-%m-%dT%H:%M:%SZ")


def request_token(tsa: TsaConfig, data: bytes) -> tuple[bytes, str]:
    """Ask the TSA for a token over SHA-256(``data``); returns (token bytes, TSA time). Verified first."""
    from rfc3161_client import (
        HashAlgorithm,
        TimestampRequestBuilder,
        VerificationError,
        decode_timestamp_response,
    )

    req = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).cert_request(
        cert_request=True).build()
    http = urllib.request.Request(tsa.url, data=req.as_bytes(), method="POST",  # noqa: S310 (configured URL)
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=tsa.timeout) as r:  # noqa: S310
            raw = r.read(MAX_REPLY + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TimestampError(f"TSA {tsa.url} unreachable: {exc}") from None
    if len(raw) > MAX_REPLY:
        raise TimestampError(f"TSA {tsa.url}: reply larger than {MAX_REPLY} bytes")
    try:
        resp = decode_timestamp_response(raw)
    except Exception as exc:
        raise TimestampError(f"TSA {tsa.url}: reply cannot be parsed: {exc}") from None
    cert = tsa.cert_file.read_bytes() if tsa.cert_file else None
    try:
        _verifier(tsa.ca_file.read_bytes(), cert, req).verify(resp, hashlib.sha256(data).digest())
    except (VerificationError, ValueError, OSError) as exc:
        raise TimestampError(f"TSA {tsa.url}: token does not verify: {exc}") from None
    return raw, resp.tst_info.gen_time.strftime("%Y-%m-%dT%H:%M:%SZ")


def subjects(warc: Path) -> list[tuple[str, str, bytes]]:
    """(name, description, bytes) of everything of one run that gets a token."""
    from evidence.affected import safe_index
    from evidence.verify import read_record

    idx = Path(str(warc) + INDEX_SUFFIX)
    out = [("manifest", idx.name, idx.read_bytes()), ("warc", warc.name, warc.read_bytes())]
    for r in (safe_index(warc) or {}).get("records", []):
        if r.get("kind") == "screenshot":
            uuid = str(r["record_id"]).strip("<>").rsplit(":", 1)[-1]
            payload = read_record(warc, int(r["offset"]), int(r["length"])).payload
            out.append((f"screenshot-{uuid}", f"{r['record_id']} {r.get('uri', '')}", payload))
    return out


def ledger_path(warc: Path) -> Path:
    return warc.parent / FOLDER / LEDGER


def load_ledger(warc: Path) -> dict[str, Any] | None:
    p = ledger_path(warc)
    if not p.exists():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("ledger has no entries list")
    if data.get("warc") and data["warc"] != warc.name:  # one run per folder: never mix two runs' tokens
        raise ValueError(f"ledger belongs to another run's WARC ({data['warc']})")
    return data


def _write(path: Path, blob: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def stamp_run(warc: Path, tsa: TsaConfig) -> dict[str, Any]:
    """Get every missing token of one run; returns the ledger (pending entries say why)."""
    warc = Path(warc)
    folder = warc.parent / FOLDER
    folder.mkdir(exist_ok=True)
    try:
        ledger = load_ledger(warc) or {}
    except ValueError as exc:
        if "another run" in str(exc):
            raise TimestampError(f"{warc}: {exc}; a run's folder holds one WARC") from None
        ledger = {}
    except OSError:
        ledger = {}
    entries = {e["subject"]: e for e in ledger.get("entries", [])}
    chain = tsa.ca_file.read_bytes()
    if not (folder / CHAIN).exists() or (folder / CHAIN).read_bytes() != chain:
        _write(folder / CHAIN, chain)
    down = ""  # once the TSA failed, the rest of this run waits for the retry (no N × timeout)
    for name, what, data in subjects(warc):
        e = entries.get(name)
        digest = sha256(data)
        if e and e.get("status") == "stamped" and e.get("sha256") == digest:
            continue
        e = {"subject": name, "describes": what, "sha256": digest, "token": f"{name}.tsr", "tsa_url": tsa.url,
             "attempts": int((e or {}).get("attempts", 0)) + 1, "tried_at": utc_iso()}
        try:
            if down:
                raise TimestampError(down)
            token, gen_time = request_token(tsa, data)
        except TimestampError as exc:
            log.warning("timestamp of %s (%s) pending: %s", warc.name, name, exc)
            e.update(status="pending", error=str(exc), token_sha256="", gen_time=None)
            down = str(exc)
        else:
            _write(folder / e["token"], token)
            e.update(status="stamped", error="", token_sha256=sha256(token), gen_time=gen_time)
        entries[name] = e
    ledger = {"warc": warc.name, "chain": CHAIN, "chain_sha256": sha256(chain), "entries": list(entries.values())}
    _write(folder / LEDGER, json.dumps(ledger, ensure_ascii=False, indent=1).encode("utf-8"))
    return ledger


def pending(ledger: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [e for e in (ledger or {}).get("entries", []) if e.get("status") != "stamped"]
