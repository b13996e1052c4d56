"""Re-read an evidence WARC, re-hash everything and say exactly what no longer matches.

Checks, per record: the gzip member's bytes against the index, that it still decompresses, that
the record id is the one recorded, the WARC block digest (SHA-1, written by warcio) and the
payload SHA-256 (``Storewatch-Payload-SHA256``, the index, and any hash the caller expects, e.g.
the store's page hash). Then the whole file: size and SHA-256 against the index, and any bytes
that belong to no record. A problem names the record (id, type, URI, offset).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidence.warc import load_index, sha256


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    record_id: str = ""
    type: str = ""
    uri: str = ""
    offset: int | None = None
    file: str = ""  # the damaged file when it is not the WARC itself (index, token, …)
    findings: tuple[str, ...] = ()  # ids of the findings whose evidence this problem touches
    whole_file: bool = False  # touches every finding of the run (its manifest or WARC token, say)

    def __str__(self) -> str:
        where = f"record {self.record_id} ({self.type} {self.uri}) at offset {self.offset}" if self.record_id \
            else (f"offset {self.offset}" if self.offset is not None else "file")
        if self.file:
            where = f"{self.file}: {where}"
        return f"{where}: {self.message}"


@dataclass
class VerifyReport:
    path: str
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    findings_in_file: list[str] = field(default_factory=list)  # every finding judged on this WARC
    notes: list[str] = field(default_factory=list)  # gaps that are not damage (a pending timestamp)
    trusted_times: dict[str, str] = field(default_factory=dict)  # TSA time by stamped subject

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def findings_affected(self) -> list[str]:
        return sorted({f for p in self.problems for f in p.findings})

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "records_checked": self.checked,
                "findings_affected": self.findings_affected, "findings_in_file": self.findings_in_file,
                "notes": self.notes, "trusted_times": self.trusted_times,
                "problems": [{**asdict(p), "findings": list(p.findings), "text": str(p)} for p in self.problems]}


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    headers: dict[str, str]
    block: bytes
    payload: bytes


def parse_member(raw: bytes) -> ParsedRecord:
    """Decompress one gzip member and split it into WARC headers, block and payload."""
    data = gzip.decompress(raw)
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        raise ValueError("not a WARC record")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    block = rest[:length]
    if len(block) != length:
        raise ValueError(f"block shorter than Content-Length ({len(block)} < {length})")
    payload = block
    if headers.get("content-type", "").startswith("application/http"):
        _h, sep2, body = block.partition(b"\r\n\r\n")
        payload = body if sep2 else b""
    return ParsedRecord(headers, block, payload)


def read_record(warc_path: Path, offset: int, length: int | None = None) -> ParsedRecord:
    """One record by offset (length optional: the gzip member is found by decompressing)."""
    with open(warc_path, "rb") as fh:
        fh.seek(offset)
        if length is not None:
            return parse_member(fh.read(length))
        raw = _member_at(fh)
    return parse_member(raw)


def _member_at(fh: Any) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed = bytearray()
    while not d.eof:
        chunk = fh.read(65536)
        if not chunk:
            raise EOFError("truncated gzip member")
        d.decompress(chunk)
        if d.eof:
            consumed += chunk[: len(chunk) - len(d.unused_data)]
        else:
            consumed += chunk
    return bytes(consumed)


def _block_digest_ok(headers: dict[str, str], block: bytes) -> bool | None:
    value = headers.get("warc-block-digest", "")
    if not value.startswith("sha1:"):
        return None
    return base64.b32encode(hashlib.sha1(block).digest()).decode() == value[5:]  # noqa: S324 (WARC's own digest)


def _inflate_until_damage(stream: bytes, wbits: int) -> bytes:
    """What inflates of ``stream`` before its first damaged byte (fed a byte at a time, so nothing
    decoded before the damage is lost with the failing call)."""
    d = zlib.decompressobj(wbits)
    got = bytearray()
    for i in range(len(stream)):
        try:
            got += d.decompress(stream[i:i + 1])
        except zlib.error:
            break
        if d.eof or len(got) > 65536:
            break
    return bytes(got)


def _warc_headers(inflated: bytes) -> dict[str, str]:
    head = inflated.partition(b"\r\n\r\n")[0].decode("utf-8", "replace").split("\r\n")
    if not head or not head[0].startswith("WARC/"):
        return {}
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:]) if k}


def _damaged_headers(member: bytes) -> dict[str, str]:
    """The WARC headers of a damaged gzip member, as far as they can be read: inflated up to the damage,
    else past a damaged gzip header (a raw deflate stream after its 10 bytes)."""
    headers = _warc_headers(_inflate_until_damage(member, 16 + zlib.MAX_WBITS))
    if not headers.get("warc-record-id") and len(member) > 10:
        headers = _warc_headers(_inflate_until_damage(member[10:], -zlib.MAX_WBITS)) or headers
    return headers


_REFERS = ("warc-concurrent-to", "warc-refers-to")


def _name_by_references(members: list[tuple[int, int, dict[str, str] | None]], data: bytes) -> None:
    """Give a damaged member whose own headers are unreadable the record id that intact records refer to
    (WARC-Concurrent-To, WARC-Refers-To) and that no intact record has: the nearest referrer wins."""
    ids: set[str] = set()
    refs: list[tuple[int, str, str]] = []  # (offset of the referrer, referred id, referrer's URI)
    for off, length, damaged in members:
        if damaged is not None:
            if damaged.get("warc-record-id"):
                ids.add(damaged["warc-record-id"])
            continue
        try:
            h = parse_member(data[off:off + length]).headers
        except (OSError, EOFError, zlib.error, ValueError):
            continue
        ids.add(h.get("warc-record-id", ""))
        refs += [(off, h[k], h.get("warc-target-uri", "")) for k in _REFERS if h.get(k)]
    orphans = [(off, rid, uri) for off, rid, uri in refs if rid not in ids]
    for n, (off, length, damaged) in enumerate(members):
        if damaged is None or damaged.get("warc-record-id") or not orphans:
            continue
        near = min(orphans, key=lambda o: abs(o[0] - off))
        uri = near[2].split(":", 3)[-1] if near[2].startswith("urn:storewatch:") else near[2]
        members[n] = (off, length, {**damaged, "warc-record-id": near[1], "warc-target-uri": uri,
                                    "storewatch-inferred": "1"})
        orphans = [o for o in orphans if o[1] != near[1]]


def _members(data: bytes) -> list[tuple[int, int, dict[str, str] | None]]:
    """(offset, length, headers-if-damaged) of each gzip member. A damaged member is skipped to the next
    gzip header; its WARC headers (its record id) are what could be inflated of it before the damage, or
    else the id that intact records refer to and no intact record has."""
    out: list[tuple[int, int, dict[str, str] | None]] = []
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        fed = pos
        try:
            for i in range(pos, len(data), 256):
                d.decompress(data[i:i + 256])
                fed = min(i + 256, len(data))
                if d.eof:
                    break
        except zlib.error:
            pass
        if d.eof:
            length = fed - pos - len(d.unused_data)
            out.append((pos, length, None))
            pos += length
            continue
        nxt = data.find(b"\x1f\x8b\x08", pos + 1)
        end = nxt if nxt != -1 else len(data)
        out.append((pos, end - pos, _damaged_headers(data[pos:end])))
        pos = end
    _name_by_references(out, data)
    return out


def _member_length(data: bytes, offset: int) -> int | None:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        d.decompress(data[offset:])
    except zlib.error:
        return None
    return len(data) - offset - len(d.unused_data) if d.eof else None


def check_record(warc_path: Path, ref: dict[str, Any], data: bytes | None = None) -> list[Problem]:
    """All problems of one record described by an index entry or a store reference."""
    rid, rtype, uri = ref.get("record_id", ""), ref.get("type", ""), ref.get("uri", "")
    offset = int(ref["offset"])
    length = ref.get("length")

    def problem(msg: str) -> Problem:
        return Problem(msg, rid, rtype, uri, offset)

    if data is None:
        data = Path(warc_path).read_bytes()
    if length is None:
        length = _member_length(data, offset)
        if length is None:
            return [problem("no intact gzip member starts here")]
    raw = data[offset:offset + int(length)]
    problems: list[Problem] = []
    if len(raw) < int(length):
        return [problem("file ends inside this record (truncated)")]
    if ref.get("member_sha256") and sha256(raw) != ref["member_sha256"]:
        problems.append(problem("bytes differ from those written (SHA-256 of the record changed)"))
    try:
        rec = parse_member(raw)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        problems.append(problem(f"record is damaged and cannot be read: {exc}"))
        return problems
    if rid and rec.headers.get("warc-record-id") != rid:
        problems.append(problem(f"a different record is here: {rec.headers.get('warc-record-id')}"))
    if _block_digest_ok(rec.headers, rec.block) is False:
        problems.append(problem("WARC-Block-Digest does not match the record's content"))
    actual = sha256(rec.payload)
    declared = rec.headers.get("storewatch-payload-sha256")
    if declared and declared != actual:
        problems.append(problem(f"payload SHA-256 {actual} differs from the recorded {declared}"))
    for key in ("payload_sha256", "expected_sha256"):
        want = ref.get(key)
        if want and want != actual:
            problems.append(problem(f"payload SHA-256 {actual} differs from the expected {want} ({key})"))
    return problems


def verify_warc(warc_path: Path, expected: list[dict[str, Any]] | None = None,
                only: set[str] | None = None) -> VerifyReport:
    """Verify a WARC against its index and, optionally, records the store expects.

    ``expected`` items: ``{"record_id", "offset", ["length"], ["expected_sha256"]}``.
    ``only``: restrict the per-record checks to these record ids (the file-level checks still run).
    """
    path = Path(warc_path)
    report = VerifyReport(str(path))
    if not path.exists():
        part = path.with_name(path.name + ".part")
        msg = "WARC file is missing" + (" (an unfinished .part file exists: the crawl did not close it)"
                                        if part.exists() else "")
        report.problems.append(Problem(msg))
        return report
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.problems.append(Problem(f"WARC file cannot be read: {exc.strerror or exc}"))
        return report
    try:
        index = load_index(path)
    except (OSError, ValueError) as exc:
        report.problems.append(Problem(f"index file is damaged and cannot be read ({exc}): records checked by "
                                       "their own digests", file=path.name + ".idx.json"))
        index = None
    if index is not None and not isinstance(index.get("records"), list):
        report.problems.append(Problem("index file has no record list: records checked by their own digests",
                                       file=path.name + ".idx.json"))
        index = None
    refs: dict[str, dict[str, Any]] = {}
    covered = 0
    if index is not None:
        for n, r in enumerate(index.get("records", [])):
            if not isinstance(r, dict) or not r.get("record_id") or not isinstance(r.get("offset"), int):
                report.problems.append(Problem(f"index entry {n} is damaged (no record id or offset)",
                                               file=path.name + ".idx.json"))
                continue
            refs[r["record_id"]] = dict(r)
        if index.get("size") != len(data):
            report.problems.append(Problem(f"file size {len(data)} differs from the recorded {index.get('size')}"))
        if index.get("sha256") and index["sha256"] != sha256(data):
            report.problems.append(Problem("file SHA-256 differs from the one recorded at close"))
    else:
        if not any(p.file for p in report.problems):
            report.problems.append(Problem("index file (.idx.json) is missing: records checked by their own digests"))
        for off, length, damaged in _members(data):
            if damaged is not None:
                how = " (its id is the one the records that refer to it name)" \
                    if damaged.get("storewatch-inferred") else ""
                report.problems.append(Problem("gzip member is damaged or truncated and cannot be read" + how,
                                               damaged.get("warc-record-id", ""), damaged.get("warc-type", ""),
                                               damaged.get("warc-target-uri", ""), off))
                covered = max(covered, off + length)
                continue
            try:
                rec = parse_member(data[off:off + length])
            except (OSError, EOFError, zlib.error, ValueError):
                continue
            rid = rec.headers.get("warc-record-id", f"@{off}")
            refs[rid] = {"record_id": rid, "offset": off, "length": length, "type": rec.headers.get("warc-type", ""),
                         "uri": rec.headers.get("warc-target-uri", "")}
    for e in expected or []:
        merged = {**refs.get(e["record_id"], {}), **{k: v for k, v in e.items() if v is not None}}
        if merged.get("offset") is None:
            report.problems.append(Problem("record expected by the store is not in the WARC", e["record_id"]))
            continue
        refs[e["record_id"]] = merged
    for rid, ref in sorted(refs.items(), key=lambda kv: int(kv[1]["offset"])):
        if only is not None and rid not in only:
            continue
        report.checked += 1
        report.problems.extend(check_record(path, ref, data))
        covered = max(covered, int(ref["offset"]) + int(ref.get("length") or 0))
    if only is None and covered < len(data):
        report.problems.append(Problem(f"{len(data) - covered} bytes after the last record belong to no record",
                                       offset=covered))
    return report
