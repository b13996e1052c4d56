"""Evidence is addressed by name: a WARC is recorded relative to the configured evidence folder
(``<storefront>/<run>/<run>.warc.gz``), so a data folder that moves (another machine, an NFS mount
elsewhere, a restored backup) still verifies. Ad-hoc scans outside the evidence folder keep their
absolute path.

Rows written before names were used hold absolute paths of the machine that wrote them. When such a
path is gone, :func:`locate` looks for the same trailing path under today's evidence folder (the
run folder and file names are unique), so old rows need no migration.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any


def evidence_name(path: Path, evidence_root: Path | str | None) -> str:
    """``path`` as a name relative to ``evidence_root`` (POSIX separators), or absolute when outside it."""
    p = Path(path)
    if evidence_root:
        try:
            return PurePosixPath(p.resolve().relative_to(Path(evidence_root).resolve())).as_posix()
        except ValueError:
            pass
    return str(p)


def locate(evidence_root: Path | str, stored: str | None) -> Path:
    """The file a stored name (or an old absolute path) refers to on this machine.

    Relative: under ``evidence_root``. Absolute and present: itself. Absolute and missing: the
    longest trailing part of it that exists under ``evidence_root`` (an old row of a moved folder);
    else the stored path (the caller reports it missing)."""
    if not stored:
        return Path("")
    p = Path(stored)
    root = Path(evidence_root)
    if not p.is_absolute():
        return root / p
    if p.exists():
        return p
    parts = p.parts[1:]
    if "evidence" in parts:  # the old data folder's evidence/ first: <data>/evidence/<sf>/<run>/<file>
        i = len(parts) - 1 - parts[::-1].index("evidence")
        candidate = root.joinpath(*parts[i + 1:]) if parts[i + 1:] else None
        if candidate is not None and candidate.exists():
            return candidate
    for i in range(max(len(parts) - 3, 0), len(parts) - 1):  # <sf>/<run>/<file>, then <run>/<file>
        candidate = root.joinpath(*parts[i:])
        if candidate.exists():
            return candidate
    return p


def localised(finding: dict[str, Any], evidence_root: Path | str) -> dict[str, Any]:
    """The finding with ``evidence.warc`` turned into this machine's path (for readers of the files)."""
    ev = finding.get("evidence")
    if not isinstance(ev, dict) or not ev.get("warc"):
        return finding
    return {**finding, "evidence": {**ev, "warc": str(locate(evidence_root, str(ev["warc"])))}}
