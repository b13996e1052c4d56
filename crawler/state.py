"""Book-keeping of one running crawl: what was seen, what was cut, what lies off the host."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob
from crawler.links import canonical, url_pattern
from crawler.safety import AddressPolicy, Scope

log = logging.getLogger(__name__)
MAX_CUTS = 500


@dataclass
class RunState:
    job: CrawlJob
    out_dir: Path = Path(".")  # the run's evidence folder on this machine
    ocr_cache_dir: str = ""  # OCR text of badge images kept across crawls, by image SHA-256
    crawl_run_id: int | None = None  # the store's CrawlRun row of this run (the child owns it)
    scope: Scope = field(init=False)
    policy: AddressPolicy = field(init=False)
    seen: set[str] = field(default_factory=set)
    patterns: Counter[str] = field(default_factory=Counter)
    pages_admitted: int = 0  # page requests let through to the downloader (the budget)
    cuts: list[dict[str, str]] = field(default_factory=list)  # the first MAX_CUTS; cut_count counts all
    cut_count: int = 0
    offsite_links: dict[str, dict[str, str]] = field(default_factory=dict)
    redirects: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    renders_started: int = 0
    context_pending: Counter[str] = field(default_factory=Counter)
    pages: list[Any] = field(default_factory=list)  # PageCapture, after the pipelines
    images: dict[str, Any] = field(default_factory=dict)  # image URL -> ImageCapture
    ocr_cache: dict[str, str] = field(default_factory=dict)  # image SHA-256 -> text
    resource_sha256: dict[str, str] = field(default_factory=dict)  # subresource URL -> SHA-256 (200s archived)
    findings: list[Any] = field(default_factory=list)  # analyzers.model.Finding, after analysis
    analysis: str = "skipped"  # ran | skipped | failed: … (pipelines.analyze)
    html_for_pdf: dict[str, str] = field(default_factory=dict)  # page URL -> DOM, for PDFs after analysis
    # id(capture) -> (its page, its line in the streamed pages.jsonl, where the page's JSON starts, the line's
    # text before it): pipelines.collect
    page_json: dict[int, tuple[Any, int, int, str]] = field(default_factory=dict)
    archive: Any = None  # evidence.warc.WarcArchive, opened by crawler.run
    run_info: dict[str, Any] = field(default_factory=dict)  # written into every metadata record
    out: Any = None  # open pages.jsonl file
    started_at: str = ""
    close_reason: str = ""

    def __post_init__(self) -> None:
        opts = self.job.options
        self.scope = Scope.for_urls([self.job.start_url, *self.job.hosts, *opts.extra_hosts])
        self.policy = AddressPolicy(opts.allow_loopback, opts.allow_private, tuple(opts.allowed_networks))

    def cut(self, url: str, reason: str) -> None:
        log.info("cut %s: %s", url, reason)
        self.cut_count += 1
        if len(self.cuts) < MAX_CUTS:
            self.cuts.append({"url": url, "reason": reason[:500]})

    def admit_link(self, url: str) -> bool:
        """First sighting of a page URL within the trap guard? (budget is checked at download)."""
        key = canonical(url)
        if key in self.seen:
            return False
        pattern = url_pattern(key)
        if self.patterns[pattern] >= self.job.options.max_pages_per_pattern:
            if self.patterns[pattern] == self.job.options.max_pages_per_pattern:
                self.cut(url, f"link trap: more than {self.job.options.max_pages_per_pattern} pages shaped {pattern}")
                self.patterns[pattern] += 1
            return False
        self.seen.add(key)
        self.patterns[pattern] += 1
        return True

    def record_offsite(self, url: str, text: str, image: str, source: str) -> None:
        if url not in self.offsite_links and len(self.offsite_links) < 2000:
            self.offsite_links[url] = {"url": url, "text": text[:200], "image": image, "from": source}

    def context_name(self) -> str:
        """Browser context for the next render; a new one every ``context_recycle_pages`` renders."""
        n = max(self.job.options.context_recycle_pages, 1)
        name = f"sw-{self.renders_started // n}"
        self.renders_started += 1
        self.context_pending[name] += 1
        return name

    def context_wanted(self, name: str) -> bool:
        """Will another render use context ``name`` (asked by a render still counted in it): it is the
        one the next render goes to, or renders already given to it have yet to end?"""
        current = f"sw-{self.renders_started // max(self.job.options.context_recycle_pages, 1)}"
        return name == current or self.context_pending[name] > 1

    def context_done(self, name: str) -> bool:
        """A render in context ``name`` ended; True when that context is retired and idle."""
        self.context_pending[name] -= 1
        n = max(self.job.options.context_recycle_pages, 1)
        current = f"sw-{self.renders_started // n}"
        return self.context_pending[name] <= 0 and name != current
