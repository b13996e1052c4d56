"""One gzipped WARC per crawl run, written atomically (``.part`` then rename).

Each record is its own gzip member, so a record can be cut out by ``(offset, length)`` and a
changed byte is traced to the record that holds it. Next to the WARC an index (``.idx.json``)
lists every record with its offset, length, SHA-256 of the gzip member as written and SHA-256 of
its payload; records also carry ``Storewatch-Payload-SHA256``. The index and the WARC appear
together at close; a crash leaves only ``.part`` files, never a WARC that looks complete.

Compression level per record (warcio always uses 9): :data:`GZIP_LEVEL` for text (HTML, DOM,
JSON: within 1 % of level 9's size at under half its time) and :data:`PACKED_GZIP_LEVEL` for
payloads that are compressed already (PNG screenshots, PDFs, images): stored, as deflate at level 1
took 47 ms of the crawl's loop for a 1.4 MB full-page PNG to save 5 % of its bytes (level 0: 5 ms).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zlib
from dataclasses import asdict, dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

from evidence.timefmt import utc_iso, warc_date

log = logging.getLogger(__name__)

INDEX_SUFFIX = ".idx.json"
GZIP_LEVEL = 6
PACKED_GZIP_LEVEL = 0
PACKED_KINDS = {"screenshot", "pdf", "image"}
_DROP_RESPONSE_HEADERS = {"transfer-encoding"}


def sha256(data: bytes | None) -> str:
    return hashlib.sha256(data or b"").hexdigest()


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where one WARC record lives and what it hashes to."""

    record_id: str
    type: str  # warcinfo | request | response | resource | metadata
    uri: str
    offset: int
    length: int
    member_sha256: str  # SHA-256 of the gzip member bytes on disk
    payload_sha256: str  # SHA-256 of the payload (HTTP body, DOM, PNG, PDF, JSON)
    kind: str = ""  # request | response | dom | screenshot | pdf | metadata | image | …
    content_type: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Counting:
    """File wrapper that hashes each record's bytes as they are written."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.pos = fh.tell()
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.fh.write(data)
        self.hash.update(data)
        self.pos += len(data)
        return len(data)

    def flush(self) -> None:
        self.fh.flush()

    def tell(self) -> int:
        return self.pos


class _LevelGzip(GzippingWrapper):  # type: ignore[misc]
    def __init__(self, out: Any, level: int) -> None:
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out = out


class _Writer(WARCWriter):  # type: ignore[misc]
    """warcio's writer, one gzip member per record at ``level`` (set before each record)."""

    level = GZIP_LEVEL

    def _write_warc_record(self, out: Any, record: Any) -> None:
        self.gzip = False  # the member is ours: warcio writes plain bytes into it and flushes it at the end
        try:
            super()._write_warc_record(_LevelGzip(out, self.level), record)
        finally:
            self.gzip = True


class WarcArchive:
    """Writer of one run's WARC. Not thread-safe; one per crawl process."""

    def __init__(self, path: Path, info: dict[str, Any], name: str = "") -> None:
        self.path = Path(path)
        self.name = name or str(self.path)  # how the store and findings address it (evidence.locate)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.part = self.path.with_name(self.path.name + ".part")
        self._fh = open(self.part, "wb")  # noqa: SIM115 (closed in close())
        self._out = _Counting(self._fh)
        self._writer = _Writer(self._out, gzip=True)
        self.records: list[RecordRef] = []
        self.info = info
        self.closed = False
        rec = self._writer.create_warcinfo_record(self.path.name, {k: str(v) for k, v in info.items()})
        self._write(rec, kind="warcinfo", payload_sha="", uri="")

    # -- low level ---------------------------------------------------------------------------
    def _write(self, record: Any, *, kind: str, payload_sha: str, uri: str, content_type: str = "") -> RecordRef:
        start = self._out.tell()
        self._out.hash = hashlib.sha256()
        self._writer.level = PACKED_GZIP_LEVEL if kind in PACKED_KINDS else GZIP_LEVEL
        self._writer.write_record(record)
        self._fh.flush()
        ref = RecordRef(record_id=record.rec_headers.get_header("WARC-Record-ID"), type=record.rec_type, uri=uri,
                        offset=start, length=self._out.tell() - start, member_sha256=self._out.hash.hexdigest(),
                        payload_sha256=payload_sha, kind=kind, content_type=content_type)
        self.records.append(ref)
        return ref

    def _headers(self, fetched_at: str, payload: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {"WARC-Date": warc_date(fetched_at), "Storewatch-Payload-SHA256": sha256(payload)}
        h.update(extra or {})
        return h

    # -- records -----------------------------------------------------------------------------
    def write_request(self, url: str, method: str, headers: list[tuple[str, str]], fetched_at: str,
                      body: bytes = b"") -> RecordRef:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        hdrs = list(headers)
        if not any(k.lower() == "host" for k, _ in hdrs):
            hdrs.insert(0, ("Host", parts.netloc))
        http = StatusAndHeaders(f"{method} {target} HTTP/1.1", hdrs, protocol="", is_http_request=True)
        rec = self._writer.create_warc_record(url, "request", payload=BytesIO(body), http_headers=http,
                                              warc_headers_dict=self._headers(fetched_at, body))
        return self._write(rec, kind="request", payload_sha=sha256(body), uri=url)

    def write_response(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes, fetched_at: str,
                       *, truncated: bool = False, concurrent_to: str = "", ip: str = "",
                       kind: str = "response") -> RecordRef:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        hdrs = [(k, v) for k, v in headers if k.lower() not in _DROP_RESPONSE_HEADERS]
        http = StatusAndHeaders(f"{status} {reason}", hdrs, protocol="HTTP/1.1")
        extra: dict[str, str] = {}
        if truncated:
            extra["WARC-Truncated"] = "length"
        if concurrent_to:
            extra["WARC-Concurrent-To"] = concurrent_to
        if ip:
            extra["WARC-IP-Address"] = ip
        rec = self._writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                              warc_headers_dict=self._headers(fetched_at, body, extra))
        return self._write(rec, kind=kind, payload_sha=sha256(body), uri=url,
                           content_type=next((v for k, v in headers if k.lower() == "content-type"), ""))

    def write_resource(self, uri: str, kind: str, content_type: str, payload: bytes, at: str,
                       refers_to: str = "") -> RecordRef:
        extra = {"Storewatch-Payload": kind}
        if refers_to:
            extra["WARC-Concurrent-To"] = refers_to
        rec = self._writer.create_warc_record(uri, "resource", payload=BytesIO(payload),
                                              warc_content_type=content_type,
                                              warc_headers_dict=self._headers(at, payload, extra))
        return self._write(rec, kind=kind, payload_sha=sha256(payload), uri=uri, content_type=content_type)

    def write_metadata(self, url: str, data: dict[str, Any], at: str, refers_to: str = "") -> RecordRef:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        extra = {"Storewatch-Payload": "metadata"}
        if refers_to:
            extra["WARC-Refers-To"] = refers_to
        rec = self._writer.create_warc_record(url, "metadata", payload=BytesIO(payload),
                                              warc_content_type="application/json",
                                              warc_headers_dict=self._headers(at, payload, extra))
        return self._write(rec, kind="metadata", payload_sha=sha256(payload), uri=url,
                           content_type="application/json")

    # -- closing -----------------------------------------------------------------------------
    def close(self) -> Path:
        """Flush, fsync, write the index, then rename both into place (atomic per file)."""
        if self.closed:
            return self.path
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        digest = hashlib.sha256()
        with open(self.part, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        index = {"warc": self.path.name, "sha256": digest.hexdigest(), "size": self.part.stat().st_size,
                 "closed_at": utc_iso(), "info": self.info, "records": [r.to_dict() for r in self.records]}
        idx_part = self.path.with_name(self.path.name + INDEX_SUFFIX + ".part")
        idx_part.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(self.part, self.path)
        os.replace(idx_part, self.path.with_name(self.path.name + INDEX_SUFFIX))
        self.closed = True
        log.info("evidence WARC closed: %s (%d records)", self.path, len(self.records))
        return self.path

    def abandon(self) -> None:
        """Close without publishing (the ``.part`` file stays for inspection)."""
        if not self.closed:
            self._fh.close()
            self.closed = True


def load_index(warc_path: Path) -> dict[str, Any] | None:
    p = Path(str(warc_path) + INDEX_SUFFIX)
    if not p.exists():
        return None
    return json.loads(p.read_text(encoding="utf-8"))
