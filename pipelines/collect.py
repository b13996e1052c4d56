"""Item pipeline (last): one JSON line per page, and the slim record kept for analysis."""

from __future__ import annotations

import json
import sys
from typing import Any

from crawler.items import PageCapture
from pipelines.extract import capture_html


def plain(obj: Any) -> Any:
    """JSON-ready form of the page model (a faster ``dataclasses.asdict`` for these flat records)."""
    if hasattr(obj, "__dataclass_fields__"):
        return {name: plain(getattr(obj, name)) for name in obj.__dataclass_fields__}
    if isinstance(obj, tuple | list):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return dict(obj)
    return obj


def page_line(cap: PageCapture) -> dict[str, Any]:
    """The per-page line of ``pages.jsonl`` (the page model plus capture facts and evidence)."""
    return {
        "url": cap.url,
        "status": cap.status,
        "rendered": cap.rendered,
        "sha256": cap.evidence.get("page_sha256", ""),
        "needs_render": cap.needs_render,
        "render_reason": cap.render_reason,
        "cut_reason": cap.cut_reason,
        "error": cap.error,
        "redirect_to": cap.redirect_to,
        "left_host": cap.left_host,
        "evidence_gaps": list(cap.evidence_gaps),
        "kind": cap.kind,
        "is_home": cap.is_home,
        "depth": cap.depth,
        "fetched_at": cap.fetched_at,
        "encoding": cap.encoding,
        "title": cap.page.title if cap.page is not None else "",
        "evidence": cap.evidence,
        "page": plain(cap.page) if cap.page is not None else None,
    }


class CollectPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state
        if not isinstance(item, PageCapture):
            return item
        if state.job.progress:
            flag = "R" if item.rendered else "-"
            note = item.error or item.cut_reason or item.redirect_to
            print(f"[{len(state.pages) + 1:>3}] {item.status or '---'} {flag} {item.url}" + (f"  ({note})" if note else ""),
                  file=sys.stderr, flush=True)
        if state.out is not None:
            state.out.write(json.dumps(page_line(item), ensure_ascii=False) + "\n")
            state.out.flush()
        if item.page is not None and state.job.options.pdf_pages and not item.pdf:
            state.html_for_pdf[item.url] = item.dom or capture_html(item)
        # keep what analysis and the store need; drop the heavy bytes (they are in the WARC)
        item.body = None
        item.dom = item.dom_annotated = ""
        item.doc = None
        item.screenshot = item.pdf = None
        item.data_responses = []
        state.pages.append(item)
        return item
