"""Item pipeline: the page model from a capture's final DOM (``extraction.page``), parsed once."""

from __future__ import annotations

import logging
from typing import Any

from crawler.encoding import decode_body
from crawler.items import PageCapture
from extraction.page import extract_page

log = logging.getLogger(__name__)


def capture_html(cap: PageCapture) -> str:
    """The DOM to read: the browser's (annotated) DOM when rendered, else the decoded body."""
    if cap.rendered and (cap.dom_annotated or cap.dom):
        return cap.dom_annotated or cap.dom
    if cap.body is None or cap.error:
        return ""
    ctype = cap.header("Content-Type").lower()
    if ctype and "html" not in ctype and "xml" not in ctype and b"<html" not in cap.body[:2048].lower():
        return ""
    from crawler.capture import bounded_decompress

    body = cap.body
    encoding = cap.header("Content-Encoding")
    if encoding and encoding.lower() != "identity":
        body, _ = bounded_decompress(body, encoding, max(len(body) * 20, 1 << 20))
    text, enc = decode_body(body, cap.header("Content-Type"))
    cap.encoding = cap.encoding or enc
    return text


def page_of(cap: PageCapture) -> Any:
    """The page model; from the document the spider parsed (``cap.doc``) when there is one."""
    if cap.doc is not None and not cap.error:
        html = ""
    else:
        html = capture_html(cap)
        if not html:
            return None
    return extract_page(html, cap.url, status=cap.status or 0, is_home=cap.is_home, kind=cap.kind,
                        rendered=cap.rendered, events=cap.events, doc=cap.doc)


class ExtractPipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageCapture) and item.page is None:
            try:
                item.page = page_of(item)
            except Exception:  # one unreadable page must not stop the crawl
                log.exception("extraction failed for %s", item.url)
                item.error = item.error or "extraction failed"
        return item
