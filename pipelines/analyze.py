"""Analysis: the rule engine over a crawl's pages (:class:`AnalyzePipeline`, when the spider
closes: rules judge the site as a whole) and findings pointed at their evidence. The pipeline is a
thin call into :func:`analyze_run`; it is NotConfigured when the job does not analyse. In a crawl
of :data:`WORKER_MIN_PAGES` pages or more, each page's own rules run beside the crawl in a worker
process (:mod:`pipelines.judge`) and the site rules at the end."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from analyzers.images import image_evidence
from analyzers.model import Finding, Page, RegistryRecord, normalise_url
from crawler.coverage import judgeable
from crawler.items import PageCapture
from pipelines.judge import WORKER_MIN_PAGES, PageJudge

if TYPE_CHECKING:  # the rule engine is imported when it runs (the crawl child starts without it: pipelines.judge)
    from analyzers.engine import AllowEntry

log = logging.getLogger(__name__)
__all__ = ["WORKER_MIN_PAGES", "AnalyzePipeline", "allow_entries", "analyze_pages", "analyze_run", "attach_evidence"]


def allow_entries(allow_list: Iterable[str | dict[str, Any]]) -> tuple[AllowEntry, ...]:
    """Allow-list entries of a crawl job (``"RULE-ID"``, ``"RULE-ID:match"`` or dicts) as engine entries."""
    from analyzers.engine import AllowEntry

    out = []
    for entry in allow_list:
        if isinstance(entry, dict):
            out.append(AllowEntry(entry["rule_id"], entry.get("match") or None, entry.get("reason", "")))
        else:
            rule_id, _, match = entry.partition(":")
            out.append(AllowEntry(rule_id, match or None))
    return tuple(out)


def analyze_pages(pages: Sequence[Page], registry: RegistryRecord | None, *, storefront_id: int | None = None,
                  allow_list: Iterable[str | dict[str, Any]] = (),
                  options: dict[str, Any] | None = None, parts: dict[int, Any] | None = None) -> list[Finding]:
    """Findings of the rule engine over all pages of one storefront (``parts``: per-page results
    already computed, by index in ``pages``: :mod:`pipelines.judge`)."""
    from analyzers.engine import analyze_site

    found = analyze_site(list(pages), registry, storefront_id=storefront_id, allow_list=allow_entries(allow_list),
                         options=options, parts=parts)
    return image_evidence(found, pages)  # findings read from images name the image, its hash, line and box


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


def analyze_run(state: Any, judge: Any = None) -> tuple[list[Finding], str]:
    """The findings of one crawl (``state``: :class:`crawler.state.RunState`) and how analysis went;
    ``judge``: the :class:`pipelines.judge.PageJudge` that judged pages during the crawl."""
    job = state.job
    home = next((p for p in state.pages if p.is_home), None)
    if home is None or not judgeable(home):  # a site that is down or elsewhere is no clean bill, and no case
        return [], "skipped: the home page was not fetched on the storefront's host with 2xx/3xx"
    # only the storefront's own content is judged: no error pages, no page the browser left the host on
    pages = [p.page for p in state.pages if p.page is not None and judgeable(p)]
    registry = RegistryRecord(**job.registry) if job.registry else None
    try:
        parts = judge.parts(pages) if judge is not None else None
        return analyze_pages(pages, registry, storefront_id=job.storefront_id, allow_list=job.allow_list,
                             parts=parts), "ran"
    except Exception as exc:  # the pages and their evidence are still recorded
        log.exception("analysis failed")
        return [], f"failed: {exc}"


class AnalyzePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.judge: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> AnalyzePipeline:
        if not crawler.settings.getbool("STOREWATCH_ANALYZE", True):
            raise NotConfigured("analysis is off for this job")
        return cls(crawler)

    def open_spider(self) -> None:
        job = self.crawler.spider.state.job
        if job.options.max_pages >= WORKER_MIN_PAGES:
            self.judge = PageJudge(RegistryRecord(**job.registry) if job.registry else None, job.storefront_id)

    def process_item(self, item: Any) -> Any:
        # each page's own rules now, in the worker; the site as a whole at close_spider
        if self.judge is not None and isinstance(item, PageCapture) and item.page is not None and judgeable(item):
            self.judge.submit(item.page)
        return item

    def close_spider(self) -> None:
        state = self.crawler.spider.state
        try:
            state.findings, state.analysis = analyze_run(state, self.judge)
        finally:
            if self.judge is not None:
                self.judge.close()
