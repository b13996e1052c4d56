"""The end of a crawl, in the child process, after the reactor stopped: print PDFs of judged pages
(findings come from ``pipelines.analyze`` at spider close; the printer's ``asyncio.run`` cannot run
inside the crawl's event loop), point findings at their evidence, write the run's outputs and close
the WARC (atomically); ``crawler.run`` then records the run in the store (``pipelines.store``).

Outputs in the run folder (next to the WARC): ``pages.jsonl`` (written during the crawl),
``findings.jsonl`` and ``summary.json`` (the run's status, counts, cuts, off-host links).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from analyzers.model import normalise_url
from crawler.coverage import run_coverage
from evidence.pages import pdf_record
from evidence.timefmt import utc_iso
from pipelines.analyze import attach_evidence

log = logging.getLogger(__name__)
MAX_FINDING_PDFS = 30


def run_status(state: Any) -> str:
    """complete | partial | unreachable — see :mod:`crawler.coverage` (a failure is never compliance)."""
    return str(run_coverage(state.pages, state.cuts, state.close_reason)["status"])


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def finish_run(state: Any, guard: Any = None) -> dict[str, Any]:
    job = state.job
    out_dir = state.out_dir
    pages = [p for p in state.pages if p.page is not None]
    findings: list[Any] = list(state.findings)  # pipelines.analyze.AnalyzePipeline, at spider close
    analysis = state.analysis
    evidence_by_url = {normalise_url(p.url): p.evidence for p in state.pages if p.evidence}
    if findings and job.options.render != "never" and state.archive is not None:
        # static pages with findings: a screenshot and PDF rendered now (crawler.second_pass)
        from crawler.second_pass import render_found_pages

        render_found_pages(state, {normalise_url(f.url) for f in findings}, guard, normalise_url)
    # PDFs of pages with findings (home page PDFs are taken while rendering)
    if findings and job.options.pdf_pages and job.options.render != "never" and state.archive is not None:
        want: list[tuple[str, str]] = []
        for url in dict.fromkeys(normalise_url(f.url) for f in findings):
            ev = evidence_by_url.get(url)
            cap = next((p for p in pages if normalise_url(p.url) == url), None)
            if ev is None or cap is None or ev.get("pdf_sha256") or not state.html_for_pdf.get(cap.url):
                continue
            want.append((cap.url, state.html_for_pdf[cap.url]))
        failed: dict[str, str] = {}
        printed = _print(want[:MAX_FINDING_PDFS], job.options, guard, failed)
        for url, reason in failed.items():
            cap = next((p for p in pages if p.url == url), None)
            if cap is not None:
                cap.evidence_gaps.append(reason)
        for url, pdf in printed.items():
            ev = evidence_by_url[normalise_url(url)]
            ref = pdf_record(state.archive, url, pdf, ev.get("record_id", ""))
            ev.setdefault("records", {})["pdf"] = ref
            ev["pdf_sha256"] = ref["payload_sha256"]
    home_url = next((p.url for p in state.pages if p.is_home), job.start_url)
    findings = attach_evidence(findings, evidence_by_url, home_url)
    warc_path = ""
    if state.archive is not None:
        warc_path = str(state.archive.close())
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
        "warc": warc_path,
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
    _write_atomic(out_dir / "findings.jsonl",
                  "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in findings))
    _write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1))
    state.findings = findings
    return summary


def _print(pages: list[tuple[str, str]], options: Any, guard: Any, failed: dict[str, str]) -> dict[str, bytes]:
    from crawler.printing import print_pdfs

    return print_pdfs(pages, options, guard, failed)
