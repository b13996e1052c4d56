"""What the spider yields: a page capture (and image captures for OCR). Plain records.

A capture carries the bytes exactly as fetched (for the WARC) plus, when rendered, the
browser's DOM, screenshot, PDF and the events the page caused. Pipelines add ``page`` (the
extracted :class:`analyzers.model.Page`) and ``evidence`` (WARC record ids and hashes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class PageCapture:
    url: str  # final URL (hash route kept)
    request_url: str = ""
    method: str = "GET"
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None  # HTTP body as received (None when nothing was fetched over HTTP)
    fetched_at: str = ""  # ISO 8601 UTC of the HTTP fetch (or the render, for SPA routes)
    ip_address: str = ""
    depth: int = 0
    kind: str = "other"
    is_home: bool = False
    anchor_text: str = ""
    referer: str = ""
    encoding: str = ""
    # rendering
    rendered: bool = False
    render_reason: str = ""  # why it was rendered ("home", "always", "little text", …)
    needs_render: bool = False  # detected as JavaScript-dependent (set even in render=never)
    rendered_at: str = ""
    dom: str = ""  # the browser's DOM, serialised (evidence)
    dom_annotated: str = ""  # the same DOM with storewatch's data-sw-* layout marks (extraction)
    doc: Any = None  # that DOM (or the decoded body) parsed once: links, then extraction; dropped after
    screenshot: bytes | None = None
    pdf: bytes | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    data_responses: list[Any] = field(default_factory=list)  # on-host responses its script loaded (crawler.xhr)
    browser_status: int | None = None
    # outcome
    cut_reason: str = ""  # a limit that cut this page (size, time, trap, render time, …)
    error: str = ""
    redirect_to: str = ""  # Location of a redirect that was recorded, not followed
    left_host: str = ""  # where the browser's navigation went off the host (the render is not judged)
    evidence_gaps: list[str] = field(default_factory=list)  # evidence steps that failed (screenshot, PDF, …)
    # added by pipelines
    page: Any = None  # analyzers.model.Page
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None

    def header(self, name: str) -> str:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return ""


@dataclass(slots=True)
class ImageCapture:
    """An image fetched so its text can be read (badges, licence photos)."""

    url: str
    page_url: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fetched_at: str = ""
    sha256: str = ""
    ocr_text: str = ""
    width: int | None = None
    height: int | None = None
    error: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
