"""Item pipeline (last): one JSON line per page, and the slim record kept for analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path
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


def _facts(cap: PageCapture) -> dict[str, Any]:
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
    }


def page_line(cap: PageCapture) -> dict[str, Any]:
    """The per-page line of ``pages.jsonl`` (the page model plus capture facts and evidence)."""
    return {**_facts(cap), "page": plain(cap.page) if cap.page is not None else None}


_PAGE_KEY = ', "page": '


def stream_line(cap: PageCapture, streamed: dict[int, tuple[Any, int, int, str]]) -> str:
    """The capture's line of the streamed ``pages.jsonl`` (``json.dumps(page_line(cap))``); ``streamed``
    notes where in that file its page model's JSON is: the final rewrite (:func:`final_lines`) copies it
    from there instead of encoding it again (a page model is frozen: a changed one is a new object), and
    the text before it (:func:`streamed_final`: nothing to rewrite when no line changed)."""
    if cap.page is None:
        line = json.dumps(page_line(cap), ensure_ascii=False)
        streamed[id(cap)] = (None, len(streamed), 0, line)  # one entry per line written
        return line
    head = json.dumps(_facts(cap), ensure_ascii=False)[:-1] + _PAGE_KEY
    streamed[id(cap)] = (cap.page, len(streamed), len(head), head)
    return head + json.dumps(plain(cap.page), ensure_ascii=False) + "}"


def streamed_final(caps: list[PageCapture], streamed: dict[int, tuple[Any, int, int, str]]) -> bool:
    """Is the streamed ``pages.jsonl`` already every capture's final line, in order (no second pass, PDF
    or gap changed a line since)? Then it stays as written instead of being rewritten (18 MB for 527
    pages of the crawl bench)."""
    if len(caps) != len(streamed):
        return False
    for n, cap in enumerate(caps):
        got = streamed.get(id(cap))
        if got is None or got[1] != n or got[0] is not cap.page:
            return False
        now = json.dumps(page_line(cap), ensure_ascii=False) if cap.page is None \
            else json.dumps(_facts(cap), ensure_ascii=False)[:-1] + _PAGE_KEY
        if now != got[3]:
            return False
    return True


def final_lines(caps: list[PageCapture], streamed: dict[int, tuple[Any, int, int, str]], path: Path) -> str:
    """Every capture's line now (the second pass and the PDFs added evidence and gaps): the same text
    as encoding each :func:`page_line` again."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n") if streamed else []
    except OSError:
        lines = []
    out = []
    for cap in caps:
        got = streamed.get(id(cap))
        if got is not None and cap.page is not None and got[0] is cap.page and got[1] < len(lines):
            line = lines[got[1]]
            if line.startswith(_PAGE_KEY, got[2] - len(_PAGE_KEY)) and line.endswith("}"):
                out.append(json.dumps(_facts(cap), ensure_ascii=False)[:-1] + line[got[2] - len(_PAGE_KEY):] + "\n")
                continue
        out.append(json.dumps(page_line(cap), ensure_ascii=False) + "\n")
    return "".join(out)


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
            state.out.write(stream_line(item, state.page_json) + "\n")
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
