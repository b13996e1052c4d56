"""Which findings a verification problem touches.

A finding's evidence is the set of records of its page: the records named in its evidence
pointers (response, DOM, screenshot, PDF, metadata) and those its page's metadata record lists.
A record-level problem affects the findings whose page holds that record; a missing or unreadable
WARC affects every finding judged on it. Damaged metadata never stops the attribution: the
pointers the finding carries still name its records.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from pathlib import Path
from typing import Any

from evidence.verify import Problem, VerifyReport, parse_member
from evidence.warc import load_index

_POINTERS = ("record_id", "metadata_record_id", "dom_record_id", "screenshot_record_id", "pdf_record_id")
# file-level problems after which no record of the file can be trusted or read
_WHOLE_FILE = ("WARC file is missing", "WARC file cannot be read")


def safe_index(warc_path: Path) -> dict[str, Any] | None:
    """The WARC's index, or None when it is missing or damaged (verify names which)."""
    try:
        index = load_index(warc_path)
    except (OSError, ValueError):
        return None
    if index is None or not isinstance(index.get("records"), list):
        return None
    return index


def metadata_records(warc_path: Path, meta_ref: dict[str, Any]) -> tuple[list[str], str]:
    """Record ids a page's metadata record lists, and why they could not be read ("" if fine)."""
    try:
        with open(warc_path, "rb") as fh:
            fh.seek(int(meta_ref["offset"]))
            raw = fh.read(int(meta_ref["length"]))
        meta = json.loads(parse_member(raw).payload)
        records = meta.get("records", {}) if isinstance(meta, dict) else {}
        return [str(v) for v in records.values()], ""
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as exc:
        return [], f"metadata record {meta_ref.get('record_id')} cannot be read: {exc}"


def finding_records(finding: dict[str, Any], index: dict[str, Any] | None = None) -> set[str]:
    """Every record id of the finding's page (pointers, plus the metadata record's list if readable)."""
    ev = finding.get("evidence") or {}
    ids = {str(ev[k]) for k in _POINTERS if ev.get(k)}
    warc = Path(ev.get("warc") or "")
    if index is None and ev.get("warc"):
        index = safe_index(warc)
    by_id = {r.get("record_id"): r for r in (index or {}).get("records", []) if isinstance(r, dict)}
    meta = by_id.get(ev.get("metadata_record_id"))
    if meta is not None:
        ids.update(metadata_records(warc, meta)[0])
    return ids


def attribute(report: VerifyReport, findings: list[dict[str, Any]], warc: Path | None = None) -> VerifyReport:
    """Fill ``Problem.findings`` for each problem of ``report`` from the findings judged on its WARC
    (``warc``: the run's WARC when the report is of a package holding it, a WACZ)."""
    warc = warc or Path(report.path)
    mine = [f for f in findings if _same_file((f.get("evidence") or {}).get("warc"), str(warc))]
    index = safe_index(warc)
    records = {f["finding_id"]: finding_records(f, index) for f in mine if f.get("finding_id")}
    out: list[Problem] = []
    for p in report.problems:
        if p.record_id:
            hit = tuple(sorted(fid for fid, ids in records.items() if p.record_id in ids))
        elif p.whole_file or (not p.file and p.message.startswith(_WHOLE_FILE)):
            hit = tuple(sorted(records))
        else:
            hit = p.findings
        out.append(dataclasses.replace(p, findings=hit))
    report.problems = out
    report.findings_in_file = sorted(records)
    return report


def _same_file(a: str | None, b: str) -> bool:
    """Evidence is addressed by name (a run's WARC name is unique), not by one machine's path."""
    return bool(a) and Path(str(a)).name == Path(b).name
