"""The end of a crawl, inside it: on Scrapy's ``spider_closed`` signal (after every pipeline closed,
so the findings of ``pipelines.analyze`` are known, and with the close reason), on the crawl's own
asyncio loop, :func:`close_run` prints PDFs of judged pages, points findings at their evidence,
writes the run's outputs, closes the WARC (atomically) and records the run in the store
(``pipelines.store``, in a thread), before the reactor stops.

Outputs in the run folder (next to the WARC): ``pages.jsonl`` (streamed during the crawl, so a crash
leaves what was fetched, then rewritten here when the second render pass and the PDFs have added
records and gaps), ``findings.jsonl`` and ``summary.json`` (the run's status, counts, cuts, off-host links).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzers.model import normalise_url
from crawler.coverage import run_coverage
from evidence.pages import pdf_record
from evidence.timefmt import utc_iso
from pipelines.analyze import attach_evidence
from pipelines.collect import final_lines, streamed_final

log = logging.getLogger(__name__)
MAX_FINDING_PDFS = 30


def run_status(state: Any) -> str:
    """complete | partial | unreachable — see :mod:`crawler.coverage` (a failure is never compliance)."""
    return str(run_coverage(state.pages, state.cuts, state.close_reason)["status"])


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


async def close_run(state: Any, guard: Any, reason: str, record: Callable[[Any, dict[str, Any]], None] | None = None
                    ) -> dict[str, Any]:
    """The run's end on ``spider_closed``: close reason, gate cuts, PDFs, outputs, WARC, store."""
    state.close_reason = reason
    if reason == "closespider_timeout":
        state.cut(state.job.start_url, f"crawl time limit of {state.job.options.crawl_timeout:g} s reached")
    records = getattr(guard, "records", None)
    for c in list(getattr(records, "cuts", [])):  # what the network gate cut
        state.cut(c["url"], c["reason"])
    if state.out is not None:
        state.out.close()
    if state.findings and state.job.options.render != "never" and state.archive is not None:
        # static pages with findings: a screenshot and PDF rendered now (crawler.second_pass)
        from crawler.second_pass import render_found_pages

        await render_found_pages(state, {normalise_url(f.url) for f in state.findings}, guard, normalise_url)
    await _print_finding_pages(state, guard)
    summary = finish_run(state, guard)
    if record is not None:
        await asyncio.to_thread(record, state, summary)
    return summary


async def _print_finding_pages(state: Any, guard: Any) -> None:
    """PDFs of pages with findings (home page PDFs are taken while rendering), into the WARC."""
    from crawler.printing import print_pdfs_async

    job = state.job
    if not (state.findings and job.options.pdf_pages and job.options.render != "never" and state.archive is not None):
        return
    pages = [p for p in state.pages if p.page is not None]
    evidence_by_url = {normalise_url(p.url): p.evidence for p in state.pages if p.evidence}
    want: list[tuple[str, str]] = []
    for url in dict.fromkeys(normalise_url(f.url) for f in state.findings):
        ev = evidence_by_url.get(url)
        cap = next((p for p in pages if normalise_url(p.url) == url), None)
        if ev is None or cap is None or ev.get("pdf_sha256") or not state.html_for_pdf.get(cap.url):
            continue
        want.append((cap.url, state.html_for_pdf[cap.url]))
    failed: dict[str, str] = {}
    printed = await print_pdfs_async(want[:MAX_FINDING_PDFS], job.options, guard, failed)
    for url, reason in failed.items():
        cap = next((p for p in pages if p.url == url), None)
        if cap is not None:
            cap.evidence_gaps.append(reason)
    for url, pdf in printed.items():
        ev = evidence_by_url[normalise_url(url)]
        ref = pdf_record(state.archive, url, pdf, ev.get("record_id", ""))
        ev.setdefault("records", {})["pdf"] = ref
        ev["pdf_sha256"] = ref["payload_sha256"]


def finish_run(state: Any, guard: Any = None) -> dict[str, Any]:
    """Point findings at their evidence, close the WARC, write findings.jsonl and summary.json."""
    job = state.job
    out_dir = state.out_dir
    findings: list[Any] = list(state.findings)  # pipelines.analyze.AnalyzePipeline, at spider close
    analysis = state.analysis
    evidence_by_url = {normalise_url(p.url): p.evidence for p in state.pages if p.evidence}
    home_url = next((p.url for p in state.pages if p.is_home), job.start_url)
    findings = attach_evidence(findings, evidence_by_url, home_url)
    warc_path = name = ""
    if state.archive is not None:
        warc_path, name = str(state.archive.close()), state.archive.name
    coverage = run_coverage(state.pages, state.cuts, state.close_reason)
    # SIGTERM (a stopping daemon or worker): Scrapy closed the spider with reason "shutdown"
    status = "interrupted" if state.close_reason == "shutdown" else coverage["status"]
    summary = {
        "run_id": job.run_id,
        "storefront_id": job.storefront_id,
        "start_url": job.start_url,
        "status": status,
        "started_at": state.started_at,
        "finished_at": utc_iso(),
        "close_reason": state.close_reason,
        "pages_fetched": len([p for p in state.pages if p.status is not None and not p.error]),
        "pages_failed": len([p for p in state.pages if p.error]),
        "render_mode": job.options.render,
        "robots_obeyed": job.robots,
        "analysis": analysis,
        "findings": len(findings),
        "warc": warc_path,  # on this machine (timestamping right after the run)
        "warc_name": name,  # in the store: relative to the evidence root (evidence.locate)
        "settings_digest": job.options.digest(),
        "cuts": state.cuts,
        "cut_count": getattr(state, "cut_count", len(state.cuts)),
        "redirects": state.redirects,
        "offsite_links": list(state.offsite_links.values()),
        "notes": state.notes,
        "browser_blocked": list(getattr(guard, "blocked", []))[:500],
        "browser_blocked_count": getattr(getattr(guard, "records", None), "blocked_count", 0),
        "subresource_hosts": list(job.options.subresource_hosts),  # the allow-list, and what came from it
        "browser_subresources": list(getattr(getattr(guard, "records", None), "subresources", []))[:500],
        "coverage": coverage["reasons"],
        "coverage_counts": coverage["reason_counts"],
    }
    # the final page lines: the second pass and the PDFs added screenshots, PDFs and gaps after streaming
    streamed = getattr(state, "page_json", {})
    if not (state.out is not None and state.out.closed and streamed_final(state.pages, streamed)):
        _write_atomic(out_dir / "pages.jsonl", final_lines(state.pages, streamed, out_dir / "pages.jsonl"))
    _write_atomic(out_dir / "findings.jsonl",
                  "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in findings))
    _write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1))
    state.findings = findings
    return summary

