"""Trusted time for a finished run, and the retry of tokens a TSA did not give (evidence ↔ store).

Called at the end of each run by ``storewatch crawl`` / ``scan`` (:func:`stamp_after_run`) and by the
daemon's ``timestamps`` job (:func:`stamp_pending`). Neither ever raises for a TSA that is down:
the ledger says ``pending`` and the next call tries again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from evidence.timestamp import FOLDER, TimestampError, TsaConfig, load_ledger, pending, stamp_run
from evidence.warc import INDEX_SUFFIX

log = logging.getLogger(__name__)
MAX_RUNS_PER_PASS = 50


def _record(settings: Any, ledger: dict[str, Any]) -> None:
    try:
        from store.db import Store
        from store.timestamps import record_ledger

        with Store.from_settings(settings).session() as s:
            record_ledger(s, ledger, FOLDER)
    except Exception:  # noqa: BLE001 - no store (a scan) or store down: the ledger beside the evidence stays
        log.warning("timestamps of %s not recorded in the store", ledger.get("warc"), exc_info=True)


def stamp_after_run(settings: Any, warc_path: str | Path | None) -> dict[str, Any] | None:
    """Stamp one run's manifest, WARC and screenshots; None when no TSA is configured."""
    tsa = TsaConfig.from_settings(settings)
    if tsa is None or not warc_path or not Path(warc_path).is_file():
        return None
    try:
        ledger = stamp_run(Path(warc_path), tsa)
    except (OSError, ValueError, EOFError, TimestampError) as exc:  # unreadable evidence: verify names it
        log.error("timestamps of %s failed: %s", warc_path, exc)
        return None
    _record(settings, ledger)
    return ledger


def stamp_pending(settings: Any, root: Path | None = None) -> tuple[int, int]:
    """Stamp runs whose tokens are missing or pending; returns (runs stamped, runs still pending)."""
    if TsaConfig.from_settings(settings) is None:
        return 0, 0
    root = Path(root or settings.evidence_dir)
    todo: list[Path] = []
    for idx in sorted(root.rglob(f"*.warc.gz{INDEX_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True):
        warc = idx.with_name(idx.name[: -len(INDEX_SUFFIX)])
        try:
            ledger = load_ledger(warc)
        except (OSError, ValueError):
            ledger = None
        if ledger is None or pending(ledger):
            todo.append(warc)
        if len(todo) >= MAX_RUNS_PER_PASS:
            break
    done = still = 0
    for warc in todo:
        ledger = stamp_after_run(settings, warc)
        if ledger is not None and not pending(ledger):
            done += 1
        else:
            still += 1
    return done, still
