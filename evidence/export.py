"""Export the evidence of one finding as a zip for a case file (Art. 22-23).

The zip holds the page's WARC records (cut byte-for-byte out of the run's WARC, so their digests
still hold: ``records.warc.gz``), the screenshot, the PDF print, the rendered DOM, the finding
itself and ``manifest.json``: every file's SHA-256, the records' ids, offsets and hashes, the
source WARC's SHA-256, and times in UTC and Asia/Shanghai. The records are verified first; a
damaged record stops the export.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from errors import EvidenceError
from evidence.affected import metadata_records, safe_index
from evidence.timefmt import stamp, utc_iso
from evidence.verify import parse_member, verify_warc
from evidence.warc import sha256

_FILES = {"screenshot": "screenshot.png", "pdf": "page.pdf", "dom": "rendered-dom.html", "response": "page-body.bin"}


def page_record_ids(warc_path: Path, evidence: dict[str, Any]) -> list[str]:
    """Ids of every record of the finding's page: from its metadata record, plus later PDFs."""
    index = safe_index(warc_path) or {"records": []}
    by_id = {r.get("record_id"): r for r in index["records"] if isinstance(r, dict)}
    ids: list[str] = []
    meta_id = evidence.get("metadata_record_id", "")
    if meta_id in by_id:
        ids.extend(metadata_records(warc_path, by_id[meta_id])[0])  # damaged metadata: the pointers remain
        ids.append(meta_id)
    for key in ("record_id", "dom_record_id", "screenshot_record_id", "pdf_record_id"):
        if evidence.get(key) and evidence[key] not in ids:
            ids.append(evidence[key])
    return [i for i in ids if i in by_id]


def export_finding(finding: dict[str, Any], out_zip: Path, *, timezone: str = "Asia/Shanghai",
                   version: str = "") -> Path:
    """Write the evidence zip of ``finding`` (its JSON form, with ``evidence`` pointers)."""
    evidence = finding.get("evidence") or {}
    warc = Path(evidence.get("warc", ""))
    if not evidence.get("warc") or not warc.exists():
        raise EvidenceError(f"finding {finding.get('finding_id')}: its WARC {evidence.get('warc')!r} is missing")
    index = safe_index(warc)
    if index is None:
        raise EvidenceError(f"{warc}: index (.idx.json) missing or damaged; run `storewatch evidence verify {warc}`")
    by_id = {r["record_id"]: r for r in index["records"]}
    ids = page_record_ids(warc, evidence)
    if not ids:
        raise EvidenceError(f"finding {finding.get('finding_id')}: no record of its page is in {warc}")
    expected = [{"record_id": evidence["record_id"], "offset": by_id[evidence["record_id"]]["offset"],
                 "expected_sha256": evidence.get("page_sha256") or None}] if evidence.get("record_id") in by_id else []
    report = verify_warc(warc, expected=expected, only=set(ids))
    record_problems = [p for p in report.problems if p.record_id]
    if record_problems:
        raise EvidenceError("evidence does not verify: " + "; ".join(str(p) for p in record_problems))
    data = warc.read_bytes()
    info = by_id[index["records"][0]["record_id"]] if index["records"] else None
    members = [info] if info and info["type"] == "warcinfo" else []
    members += sorted((by_id[i] for i in ids), key=lambda r: r["offset"])
    files: dict[str, bytes] = {"records.warc.gz": b"".join(data[r["offset"]:r["offset"] + r["length"]]
                                                           for r in members)}
    for ref in members:
        name = _FILES.get(ref.get("kind", ""))
        if name:
            rec = parse_member(data[ref["offset"]:ref["offset"] + ref["length"]])
            files[name] = rec.payload
    files[warc.name + ".idx.json"] = Path(str(warc) + ".idx.json").read_bytes()  # the run's manifest
    stamps = warc.parent / "timestamps"  # RFC 3161 tokens of the run and the TSA chain (evidence.timestamp)
    if stamps.is_dir():
        for f in sorted(stamps.iterdir()):
            if f.is_file() and not f.name.endswith(".part"):
                files[f"timestamps/{f.name}"] = f.read_bytes()
    files["finding.json"] = json.dumps(finding, ensure_ascii=False, indent=1).encode("utf-8")
    manifest = {
        "finding_id": finding.get("finding_id"),
        "rule_id": finding.get("rule_id"),
        "article": finding.get("article"),
        "url": finding.get("url"),
        "exported_at": stamp(utc_iso(), timezone),
        "storewatch_version": version,
        "source_warc": {"path": str(warc), "sha256": index.get("sha256"), "closed_at": index.get("closed_at"),
                        "run": index.get("info", {})},
        "records": [{k: r[k] for k in ("record_id", "type", "kind", "uri", "offset", "length", "member_sha256",
                                        "payload_sha256")} for r in members],
        "files": [{"name": n, "size": len(b), "sha256": sha256(b)} for n, b in sorted(files.items())],
        "verified": {"records_checked": report.checked, "problems": []},
        "note": "records.warc.gz 中的记录与原始 WARC 中的字节完全相同，可用 SHA-256 复核。",
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_zip.with_name(out_zip.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, blob in files.items():
            zf.writestr(name, blob)
    os.replace(tmp, out_zip)
    return out_zip
