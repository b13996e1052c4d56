"""Retention (Art. 11(6), 13(2): at least two years): remove only what is older than ``retention.days``
and not referenced by an open finding or case; log what was removed.

Removed, oldest first, in one transaction:
* findings in a final status (resolved, dismissed, rectified, closed) whose last sighting *and*
  last status change are older than the cut-off and that no case (``case_findings``, when the
  triage UI's tables exist) lists, with their audit events and digest items
  (an outbox ``delete`` row tells the index);
* pages older than the cut-off that no remaining finding points at (outbox ``delete`` for the index);
* crawl runs older than the cut-off with no remaining page, finding or event pointing at them;
* WARC files of removed runs/pages under the evidence folder that no remaining page or run names;
* done outbox rows and sent digests older than the cut-off.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect, select, text

from config import MIN_RETENTION_DAYS
from evidence.locate import locate
from store.db import Store
from store.lifecycle import enqueue
from store.models import CrawlRun, Digest, DigestItem, Finding, FindingEvent, OutboxEntry, PageRecord, utcnow

log = logging.getLogger(__name__)
FINAL_STATUSES = ("resolved", "dismissed", "rectified", "closed")
OCR_CACHE_DAYS = 90  # OCR results of images (derived, not evidence) no crawl has read for this long


def prune_ocr_cache(folder: str | Path, days: int = OCR_CACHE_DAYS, now: float | None = None) -> int:
    """Remove cached OCR results (``<data_dir>/ocr-cache``) not read for ``days`` days; returns how many."""
    root = Path(folder)
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - days * 86400
    removed = 0
    for path in root.iterdir():
        if path.suffix in (".json", ".txt", ".part", ".ref") and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def apply_retention(store: Store, settings: Any, now: datetime | None = None) -> dict[str, int]:
    days = max(int(settings.retention.days), MIN_RETENTION_DAYS)
    cutoff = (now or utcnow()) - timedelta(days=days)
    evidence_dir = Path(settings.evidence_dir).resolve()
    counts = {"findings": 0, "events": 0, "pages": 0, "runs": 0, "files": 0, "outbox": 0, "digests": 0}
    candidates: set[str] = set()
    with store.session() as s:
        tables = set(inspect(s.connection()).get_table_names())
        in_cases: set[str] = set()
        if "case_findings" in tables:  # the triage UI's cases (Art. 24): a case keeps its findings
            in_cases = set(s.scalars(text("SELECT finding_id FROM case_findings")))
        old = [fid for fid in s.scalars(select(Finding.finding_id).where(
            Finding.status.in_(FINAL_STATUSES), Finding.last_seen < cutoff, Finding.status_changed_at < cutoff))
            if fid not in in_cases]
        for chunk in _chunks(list(old)):
            counts["events"] += _rc(s.execute(delete(FindingEvent).where(FindingEvent.finding_id.in_(chunk))))
            s.execute(delete(DigestItem).where(DigestItem.finding_id.in_(chunk)))
            counts["findings"] += _rc(s.execute(delete(Finding).where(Finding.finding_id.in_(chunk))))
            for fid in chunk:
                enqueue(s, "finding", fid, op="delete")
        referenced_pages = select(Finding.page_id).where(Finding.page_id.is_not(None))
        pages = s.execute(select(PageRecord.id, PageRecord.warc_path).where(
            PageRecord.fetched_at < cutoff, PageRecord.id.not_in(referenced_pages))).all()
        for chunk in _chunks([p for p, _ in pages]):
            counts["pages"] += _rc(s.execute(delete(PageRecord).where(PageRecord.id.in_(chunk))))
            for pid in chunk:
                enqueue(s, "page", pid, op="delete")
        candidates |= {w for _, w in pages if w}
        busy_runs = (select(PageRecord.crawl_run_id).union(
            select(Finding.crawl_run_id).where(Finding.crawl_run_id.is_not(None)),
            select(FindingEvent.crawl_run_id).where(FindingEvent.crawl_run_id.is_not(None))))
        case_runs: set[int] = set()
        if "cases" in tables:
            case_runs = set(s.scalars(text("SELECT recheck_run_id FROM cases WHERE recheck_run_id IS NOT NULL")))
        runs = [(r, w) for r, w in s.execute(select(CrawlRun.id, CrawlRun.warc_path).where(
            CrawlRun.started_at < cutoff, CrawlRun.status != "running", CrawlRun.id.not_in(busy_runs)))
            if r not in case_runs]
        for chunk in _chunks([r for r, _ in runs]):
            counts["runs"] += _rc(s.execute(delete(CrawlRun).where(CrawlRun.id.in_(chunk))))
        candidates |= {w for _, w in runs if w}
        counts["outbox"] = _rc(s.execute(delete(OutboxEntry).where(OutboxEntry.done_at.is_not(None),
                                                                   OutboxEntry.done_at < cutoff)))
        counts["digests"] = _rc(s.execute(delete(Digest).where(
            Digest.status == "sent", Digest.created_at < cutoff, Digest.id.not_in(select(DigestItem.digest_id)))))
        still = set(s.scalars(select(PageRecord.warc_path).where(PageRecord.warc_path.in_(candidates)))) | \
            set(s.scalars(select(CrawlRun.warc_path).where(CrawlRun.warc_path.in_(candidates))))
    for name in sorted(candidates - still):
        path = locate(evidence_dir, name)
        try:
            resolved = path.resolve()
        except OSError:
            continue
        if evidence_dir not in resolved.parents or not resolved.is_file():
            continue  # never delete outside the evidence folder
        resolved.unlink()
        counts["files"] += 1
        log.info("retention: removed evidence file %s", resolved)
    counts["ocr_cache"] = prune_ocr_cache(Path(settings.data_dir) / "ocr-cache")
    log.info("retention (%d days, before %s): removed %s", days, cutoff.date().isoformat(),
             ", ".join(f"{v} {k}" for k, v in counts.items()))
    return counts


def _rc(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
