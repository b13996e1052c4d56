"""The store's copy of the RFC 3161 ledger: each token's hash and status per run subject.

``evidence.timestamp`` writes the tokens and the ledger beside the evidence; this keeps their
SHA-256 (a replaced ``.tsr`` is caught by ``storewatch evidence verify``) and what is still
pending (shown by ``storewatch status``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import CrawlRun, EvidenceTimestamp, utcnow


def record_ledger(s: Session, ledger: dict[str, Any], token_dir: str = "") -> int:
    """Upsert every entry of a run's ledger; returns how many rows changed."""
    warc = str(ledger.get("warc", ""))
    run = s.scalars(select(CrawlRun).where(CrawlRun.warc_path.like(f"%{warc}"))).first() if warc else None
    rows = {r.subject: r for r in s.scalars(select(EvidenceTimestamp).where(EvidenceTimestamp.warc_name == warc))}
    changed = 0
    for e in ledger.get("entries", []):
        row = rows.get(e["subject"])
        if row is None:
            row = EvidenceTimestamp(warc_name=warc, subject=e["subject"])
            s.add(row)
        elif row.status == "stamped" and e.get("status") != "stamped":
            continue  # never downgrade what the store knows was issued
        row.crawl_run_id = run.id if run is not None else row.crawl_run_id
        row.subject_sha256 = e.get("sha256", "")
        row.token_path = f"{token_dir}/{e.get('token', '')}" if token_dir else str(e.get("token", ""))
        row.token_sha256 = e.get("token_sha256", "") or ""
        row.gen_time = e.get("gen_time")
        row.tsa_url = e.get("tsa_url", "")
        row.status = "stamped" if e.get("status") == "stamped" else "pending"
        row.attempts = int(e.get("attempts", 0))
        row.error = e.get("error") or None
        row.updated_at = utcnow()
        changed += 1
    return changed


def recorded_tokens(s: Session, warc_name: str) -> dict[str, str]:
    """Token SHA-256 by subject of the tokens the store knows were issued for ``warc_name``."""
    return {r.subject: r.token_sha256 for r in s.scalars(select(EvidenceTimestamp).where(
        EvidenceTimestamp.warc_name == warc_name, EvidenceTimestamp.status == "stamped"))}


def pending_counts(s: Session) -> tuple[int, int]:
    """(pending tokens, runs with a pending token)."""
    q = select(func.count(), func.count(func.distinct(EvidenceTimestamp.warc_name))).where(
        EvidenceTimestamp.status == "pending")
    n, runs = s.execute(q).one()
    return int(n), int(runs)
