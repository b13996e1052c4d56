"""Read the archived evidence of a page for the UI: the WARC record a finding was judged on, the
screenshot (a ``resource`` record with ``Content-Type: image/png``), a verification of the
digests, and a zip export. Adapter over warcio; ``evidence.verify``/``evidence.export`` are used
when that package provides them (guarded import), otherwise the checks here stand alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from errors import EvidenceError
from evidence.locate import localised, locate
from web.export_safety import neutralise_zip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchivedRecord:
    record_id: str
    target_uri: str
    content_type: str
    body: bytes
    raw: bytes  # the WARC record exactly as stored (one gzip member when the file is .warc.gz)
    date: str
    block_digest_ok: bool | None


@dataclass
class Verification:
    ok: bool
    checks: list[tuple[str, bool | None, str]] = field(default_factory=list)  # (what, passed, detail)


def resolve_path(evidence_dir: Path, warc_path: str | None) -> Path:
    if not warc_path:
        raise EvidenceError("该页面没有存档记录 (no WARC path recorded for this page)")
    p = locate(evidence_dir, warc_path)  # a name under the evidence folder (or an old row's absolute path)
    if not p.is_file():
        raise EvidenceError(f"存档文件不存在 (WARC file missing): {p}")
    return p


def _read(it: ArchiveIterator, fh: Any, rec: Any) -> ArchivedRecord:
    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else None) \
        or rec.rec_headers.get_header("Content-Type") or "application/octet-stream"
    body = rec.content_stream().read()
    it.read_to_end(rec)
    offset, length = it.get_record_offset(), it.get_record_length()
    pos = fh.tell()
    fh.seek(offset)
    raw = fh.read(length)
    fh.seek(pos)
    checker = getattr(rec, "digest_checker", None)
    ok = None
    if checker is not None and rec.rec_headers.get_header("WARC-Block-Digest"):
        ok = bool(checker.passed) if checker.passed is not None else None
    return ArchivedRecord(record_id=rec.rec_headers.get_header("WARC-Record-ID") or "",
                          target_uri=rec.rec_headers.get_header("WARC-Target-URI") or "",
                          content_type=ctype, body=body, raw=raw,
                          date=rec.rec_headers.get_header("WARC-Date") or "", block_digest_ok=ok)


def read_record(path: Path, offset: int | None, record_id: str | None = None) -> ArchivedRecord:
    """The record at ``offset`` (or, without an offset, the one with ``record_id``)."""
    try:
        with path.open("rb") as fh:
            if offset is not None:
                fh.seek(offset)
            it = ArchiveIterator(fh, check_digests=True)
            for rec in it:
                rid = rec.rec_headers.get_header("WARC-Record-ID")
                if offset is not None or rid == record_id:
                    return _read(it, fh, rec)
    except (OSError, ValueError, EOFError) as exc:
        raise EvidenceError(f"存档文件无法读取 (cannot read WARC {path} at {offset}): {exc}") from exc
    raise EvidenceError(f"存档记录不存在 (no record {record_id or ''} at offset {offset} in {path})")


def find_screenshot(path: Path, sha256: str | None, page_record_id: str | None,
                    page_uri: str | None) -> ArchivedRecord | None:
    """The PNG resource record of the page: through the WARC's index (``.idx.json``, written by
    ``evidence.warc``) when there is one; else by scanning: SHA-256 of the bytes, WARC-Concurrent-To,
    target URI."""
    index = _index(path)
    if index is not None:
        for ref in index.get("records", []):
            if (sha256 and ref.get("payload_sha256") == sha256) or \
                    (not sha256 and ref.get("kind") == "screenshot" and page_uri and ref.get("uri", "").endswith(page_uri)):
                return read_record(path, int(ref["offset"]))
        return None
    fallback = None
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                if rec.rec_type not in ("resource", "conversion", "metadata"):
                    continue
                if not (rec.rec_headers.get_header("Content-Type") or "").startswith("image/png"):
                    continue
                r = _read(it, fh, rec)
                if sha256 and hashlib.sha256(r.body).hexdigest() == sha256:
                    return r
                concurrent = rec.rec_headers.get_header("WARC-Concurrent-To")
                if page_record_id and concurrent == page_record_id:
                    fallback = r
                elif fallback is None and page_uri and page_uri in r.target_uri:
                    fallback = r
    except (OSError, ValueError, EOFError) as exc:
        raise EvidenceError(f"存档文件无法读取 (cannot read WARC {path}): {exc}") from exc
    return None if sha256 and fallback is None else fallback


def _index(path: Path) -> dict[str, Any] | None:
    from evidence.warc import load_index

    try:
        return load_index(path)
    except (OSError, ValueError):
        return None


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def verify(page: Any, evidence_dir: Path, finding_evidence: dict[str, Any] | None) -> Verification:
    """Re-read the archived bytes and compare their digests with what the store recorded."""
    checks: list[tuple[str, bool | None, str]] = []
    try:
        path = resolve_path(evidence_dir, page.warc_path)
        rec = read_record(path, page.warc_offset, page.warc_record_id)
    except EvidenceError as exc:
        return Verification(ok=False, checks=[("存档记录可读取", False, str(exc))])
    checks.append(("存档记录可读取", True, f"{path.name} @ {page.warc_offset}"))
    if page.warc_record_id:
        checks.append(("记录编号一致 (WARC-Record-ID)", rec.record_id == page.warc_record_id, rec.record_id))
    checks.append(("WARC 块摘要校验 (WARC-Block-Digest)", rec.block_digest_ok,
                   "未记录摘要" if rec.block_digest_ok is None else ""))
    expected = page.content_sha256 or (finding_evidence or {}).get("page_sha256")
    if expected:
        got = hashlib.sha256(rec.body).hexdigest()
        checks.append(("页面内容 SHA-256 一致", got == expected, got))
    if page.screenshot_sha256:
        shot = find_screenshot(path, page.screenshot_sha256, page.warc_record_id, page.url)
        checks.append(("截图 SHA-256 一致", shot is not None, page.screenshot_sha256))
    external = _external_verify(path, page)
    if external is not None:
        checks.append(("证据文件完整性复核（WARC 索引、文件及记录摘要）", external[0], external[1]))
    trusted = _trusted_time(path)
    if trusted is not None:
        checks.append(("可信时间戳 (RFC 3161)", trusted[0], trusted[1]))
    ok = all(passed is not False for _, passed, _ in checks)
    return Verification(ok=ok, checks=checks)


def _trusted_time(path: Path) -> tuple[bool | None, str] | None:
    """The run's RFC 3161 tokens (``evidence.tsverify``): verified, pending (None) or absent (None)."""
    from evidence.tsverify import verify_tokens

    try:
        problems, notes, times = verify_tokens(path)
    except (OSError, ValueError) as exc:
        return False, f"无法校验：{exc}"
    if problems:
        return False, "；".join(str(p) for p in problems[:3])
    if times:
        return True, "；".join(f"{k} {v}" for k, v in sorted(times.items()))
    pending = [n for n in notes if "pending" in n]
    if pending:
        return None, "时间戳待补（时间戳服务暂不可用，将自动重试）"
    return None, "未加盖可信时间戳"


def _external_verify(path: Path, page: Any) -> tuple[bool, str] | None:
    """``evidence.verify.verify_warc`` on the page's records and the whole file."""
    from evidence.verify import verify_warc

    ids = {page.warc_record_id} if page.warc_record_id else set()
    index = _index(path)
    if index is not None and page.screenshot_sha256:
        ids |= {r["record_id"] for r in index.get("records", []) if r.get("payload_sha256") == page.screenshot_sha256}
    expected = [{"record_id": page.warc_record_id, "offset": page.warc_offset,
                 "expected_sha256": page.content_sha256 or None}] if page.warc_record_id else []
    try:
        report = verify_warc(path, expected=expected, only=ids or None)
    except (OSError, ValueError, KeyError) as exc:
        return False, f"无法校验：{exc}"
    if report.ok:
        return True, f"已复核 {report.checked} 条记录及整个 WARC 文件的 SHA-256"
    return False, "；".join(str(p) for p in report.problems[:5])


def export_zip(finding: dict[str, Any], page: Any | None, evidence_dir: Path, timezone: str = "Asia/Shanghai") -> bytes:
    """The evidence zip of a finding: ``evidence.export.export_finding`` (records.warc.gz cut from
    the run's WARC, screenshot, DOM, manifest.json) when the finding carries evidence pointers;
    otherwise finding.json, page.warc.gz, screenshot.png and SHA256SUMS."""
    finding = localised(finding, evidence_dir)  # its WARC by name, found under this machine's evidence folder
    ev = finding.get("evidence") or {}
    note: str | None = None
    if ev.get("warc"):  # the run's WARC is there: cut the finding's records from it
        import tempfile

        from evidence.export import export_finding

        with tempfile.TemporaryDirectory() as tmp:
            try:
                out = export_finding(finding, Path(tmp) / "e.zip", timezone=timezone)
                return neutralise_zip(out.read_bytes())  # no storefront script runs from the export
            except (EvidenceError, ValueError, OSError, EOFError) as exc:  # a damaged WARC may raise any
                log.warning("evidence export of %s failed, falling back: %s", finding.get("finding_id"), exc)
                note = f"证据校验未通过，以下为原样导出（evidence does not verify）：{exc}\n"
    buf = io.BytesIO()
    sums: list[str] = []

    def put(name: str, data: bytes) -> None:
        zf.writestr(name, data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")

    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if note:
            put("EXPORT-NOTE.txt", note.encode())
        put("finding.json", json.dumps(finding, ensure_ascii=False, indent=2, default=str).encode())
        if page is not None and page.warc_path:
            try:
                path = resolve_path(evidence_dir, page.warc_path)
                rec = read_record(path, page.warc_offset, page.warc_record_id)
                put("page.warc.gz" if path.name.endswith(".gz") else "page.warc", rec.raw)
                shot = find_screenshot(path, page.screenshot_sha256, page.warc_record_id, page.url)
                if shot is not None:
                    put("screenshot.png", shot.body)
                    put("screenshot.warc.gz" if path.name.endswith(".gz") else "screenshot.warc", shot.raw)
            except EvidenceError as exc:
                put("MISSING.txt", f"证据文件缺失：{exc}\n".encode())
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return neutralise_zip(buf.getvalue())
