"""Analysis glue: run the rule engine over a crawl's pages, tolerating an engine not yet built.

``analyzers.engine.analyze_site`` is imported lazily and guarded: when it is missing, analysis
yields no findings and says so once (in the log and in the run summary), so crawling, evidence
and the ``scan`` contract work before the rule engine lands.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from analyzers.model import Finding, Page, RegistryRecord, normalise_url

log = logging.getLogger(__name__)
_warned: set[str] = set()


def engine_status() -> str:
    """'' when the rule engine is importable, else why not."""
    try:
        from analyzers import engine  # noqa: F401
    except ImportError as exc:
        return f"rule engine unavailable ({exc})"
    if not hasattr(engine, "analyze_site"):
        return "rule engine has no analyze_site()"
    return ""


def analyze_pages(pages: Sequence[Page], registry: RegistryRecord | None, *, storefront_id: int | None = None,
                  allow_list: Iterable[str] = (), options: dict[str, Any] | None = None) -> list[Finding]:
    """Findings of the rule engine over all pages of one storefront ([] without an engine)."""
    problem = engine_status()
    if problem:
        if problem not in _warned:
            _warned.add(problem)
            log.warning("no analysis: %s", problem)
        return []
    from analyzers.engine import analyze_site

    return list(analyze_site(list(pages), registry, storefront_id=storefront_id, allow_list=tuple(allow_list),
                             options=options))


def attach_evidence(findings: Iterable[Finding], evidence_by_url: dict[str, dict[str, Any]],
                    home_url: str) -> list[Finding]:
    """Point each finding at the archived bytes it was judged on (Art. 22-23)."""
    out: list[Finding] = []
    home = evidence_by_url.get(normalise_url(home_url), {})
    for f in findings:
        ev = evidence_by_url.get(normalise_url(f.url)) or home
        if not ev:
            out.append(f)
            continue
        records = ev.get("records", {})
        pointer = {
            "warc": ev.get("warc", ""),
            "record_id": ev.get("record_id", ""),
            "page_sha256": ev.get("page_sha256", ""),
            "screenshot_sha256": ev.get("screenshot_sha256", ""),
            "metadata_record_id": ev.get("metadata_record_id", ""),
        }
        for kind in ("dom", "screenshot", "pdf"):
            if kind in records:
                pointer[f"{kind}_record_id"] = records[kind]["record_id"]
        out.append(dataclasses.replace(f, evidence={**(f.evidence or {}), **pointer}))
    return out
