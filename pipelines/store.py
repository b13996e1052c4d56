"""Recording a finished crawl in the store (runs in the crawl child, after the WARC is closed).

One transaction: the run's pages (each linked to its WARC file, offset and record id), then the
findings of each page (``store.lifecycle.save_findings`` upserts by finding id, resolves what a
complete fetch no longer shows and writes the outbox rows), then the run's final status.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from analyzers.model import Finding, normalise_url
from crawler.coverage import complete_page, describe, page_reasons

log = logging.getLogger(__name__)


def _dt(iso: str) -> datetime | None:
    if not iso:
        return None
    from evidence.timefmt import parse_utc

    return parse_utc(iso)


def page_fields(cap: Any) -> dict[str, Any]:
    """PageRecord columns of one capture."""
    ev = cap.evidence or {}
    rec = (ev.get("records") or {}).get("response") or (ev.get("records") or {}).get("dom") or {}
    page = cap.page
    return {
        "url": cap.url,
        "fetched_at": _dt(cap.fetched_at),
        "status_code": cap.status or 0,
        "content_sha256": ev.get("page_sha256", ""),
        "rendered": cap.rendered,
        "kind": cap.kind,
        "title": page.title if page is not None else "",
        "text": page.visible_text[:200_000] if page is not None else "",
        "complete": complete_page(cap),  # only a complete same-host fetch resolves findings
        "cut_reason": "; ".join(r["detail"] for r in page_reasons(cap))[:200] or None,
        "warc_path": ev.get("warc"),
        "warc_offset": rec.get("offset"),
        "warc_record_id": rec.get("record_id"),
        "screenshot_sha256": ev.get("screenshot_sha256") or None,
        "pdf_sha256": ev.get("pdf_sha256") or None,
    }


def open_run(database_url: str, job: Any, pid: int) -> int:
    """Create the job's CrawlRun row (``running``, with the child's pid); the child owns it from here."""
    from store.db import Store
    from store.lifecycle import start_run

    store = Store(database_url)
    try:
        with store.session() as s:
            return start_run(s, job.storefront_id, job.trigger, pid=pid, settings_digest=job.settings_digest).id
    finally:
        store.dispose()


def fail_run(database_url: str, crawl_run_id: int, status: str, error: str) -> None:
    """Finish a run that is still ``running`` as failed/interrupted (no-op once it is finished)."""
    from store.db import Store
    from store.lifecycle import finish_run
    from store.models import CrawlRun

    store = Store(database_url)
    try:
        with store.session() as s:
            row = s.get(CrawlRun, crawl_run_id)
            if row is not None and row.status == "running":
                finish_run(s, row, status, error=error[:2000])
    finally:
        store.dispose()


def settle_run(database_url: str, job: Any, crawl_run_id: int | None, status: str, error: str,
               pid: int | None) -> str:
    """Parent side, after the child exited: the run's final status in the store.

    The child owns its run; this only writes when the child could not: the row is still
    ``running`` (the child died or was killed) or the child never created it (it died first;
    then one row records the failed attempt). A finished row is never touched and never
    duplicated. ``status``/``error`` are what the parent saw (failed or interrupted, and why).
    """
    from sqlalchemy import select

    from store.db import Store
    from store.lifecycle import finish_run, start_run
    from store.models import CrawlRun

    store = Store(database_url)
    try:
        with store.session() as s:
            row = s.get(CrawlRun, crawl_run_id) if crawl_run_id else None
            if row is None and pid:  # created, then killed before it could say so in run.json
                row = s.scalars(select(CrawlRun).where(CrawlRun.storefront_id == job.storefront_id,
                                                       CrawlRun.pid == pid)).first()
            if row is None:
                row = start_run(s, job.storefront_id, job.trigger, pid=pid, settings_digest=job.settings_digest)
                finish_run(s, row, status, error=error[:2000])
            elif row.status == "running":
                finish_run(s, row, status, error=error[:2000])
            return str(row.status)
    finally:
        store.dispose()


def store_run(database_url: str, crawl_run_id: int, state: Any, findings: list[Finding],
              summary: dict[str, Any]) -> None:
    from store.db import Store
    from store.lifecycle import finish_run, record_page, save_findings
    from store.models import CrawlRun

    store = Store(database_url)
    by_url: dict[str, list[Finding]] = {}
    for f in findings:
        by_url.setdefault(normalise_url(f.url), []).append(f)
    with store.session() as s:
        run = s.get(CrawlRun, crawl_run_id)
        if run is None:
            raise RuntimeError(f"crawl run #{crawl_run_id} is not in the store")
        run.warc_path = summary.get("warc_name") or summary["warc"]
        run.pages_fetched = summary["pages_fetched"]
        run.pages_failed = summary["pages_failed"]
        run.settings_digest = summary["settings_digest"]
        stored = set()
        for cap in state.pages:
            if cap.status is None and not cap.evidence:
                continue
            fields = {k: v for k, v in page_fields(cap).items() if v is not None or k == "cut_reason"}
            if fields.get("fetched_at") is None:
                fields.pop("fetched_at", None)
            rec = record_page(s, run, **fields)
            key = normalise_url(cap.url)
            if cap.page is not None:
                save_findings(s, run, rec, by_url.get(key, []), page_url=cap.url)
                stored.add(key)
        rest = [f for k, fs in by_url.items() if k not in stored for f in fs]
        if rest:  # site-level findings, or findings on URLs that are not pages of this run
            save_findings(s, run, None, rest)
        stats = {k: summary[k] for k in ("cuts", "redirects", "notes", "analysis", "render_mode", "robots_obeyed")}
        stats["offsite_links"] = summary["offsite_links"][:200]
        stats["coverage"] = summary.get("coverage", [])[:100]
        stats["coverage_counts"] = summary.get("coverage_counts", {})
        stats["coverage_zh"] = describe(summary.get("coverage", []), limit=20)
        status = summary["status"]
        error = None if status in ("complete", "partial") else \
            "; ".join(p.error for p in state.pages if p.error)[:2000] or None
        if status == "interrupted":
            error = "收到停止信号，抓取被中断 stopped by SIGTERM; the pages fetched so far are recorded"
        finish_run(s, run, status, error=error, stats=stats)
    store.dispose()
    log.info("run stored: %s pages, %s findings", len(state.pages), len(findings))
