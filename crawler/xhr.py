"""The data a rendered page loaded by script (``fetch``, ``XMLHttpRequest``), kept for the evidence.

A single-page storefront builds its text from JSON its script fetches: the rendered DOM shows what
the browser made of it, but the merchant's own bytes are those responses. :class:`DataRecorder`
listens on the Playwright page for finished ``xhr``/``fetch`` responses and reads their bodies while
the page is open; the evidence pipeline archives each as an ordinary ``response`` record (with its
request) next to the page's DOM, so the WARC holds what the server sent, a WACZ player can replay
the page's script against it, and the page's metadata record lists it. Bounded: at most
:data:`MAX_RESPONSES` per page, :data:`MAX_BYTES` each and :data:`MAX_TOTAL` in all; what falls over a bound is noted on the page
as an evidence gap. Which host may be kept is the archiving side's decision (the storefront's host only).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from crawler.capture import utc_now

log = logging.getLogger(__name__)
MAX_RESPONSES = 20
MAX_BYTES = 2 << 20
MAX_TOTAL = 8 << 20  # bytes per page, as for its subresources (``subresource_bytes_per_page``)
KINDS = ("xhr", "fetch")
_DECODED = {"content-encoding", "content-length", "transfer-encoding"}


@dataclass
class DataResponse:
    url: str
    method: str
    status: int
    headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: str


@dataclass
class DataRecorder:
    responses: list[DataResponse] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    _pending: set[asyncio.Task[None]] = field(default_factory=set)
    _seen: int = 0

    def attach(self, page: Any) -> None:
        page.on("response", self._on_response)

    def detach(self, page: Any) -> None:
        page.remove_listener("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        try:
            if response.request.resource_type not in KINDS:
                return
        except Exception:  # a response of a closed page
            return
        self._seen += 1
        if self._seen > MAX_RESPONSES:
            if self._seen == MAX_RESPONSES + 1:
                self.gaps.append(f"script data: more than {MAX_RESPONSES} responses, the rest not archived")
            return
        task = asyncio.ensure_future(self._read(response))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _read(self, response: Any) -> None:
        url = response.url
        try:
            body = await response.body()
            request = response.request
            # the body Playwright gives is decoded: its transfer headers no longer describe it
            headers = [(k, v) for k, v in (await response.all_headers()).items() if k.lower() not in _DECODED]
            request_headers = list((await request.all_headers()).items())
        except Exception as exc:  # a redirect, an aborted or a closed page's response: no body to keep
            log.debug("script data %s not read: %s", url, exc)
            return
        if len(body) > MAX_BYTES:
            self.gaps.append(f"script data {url[:200]}: {len(body)} bytes, over {MAX_BYTES}: not archived")
            return
        if sum(len(r.body) for r in self.responses) + len(body) > MAX_TOTAL:
            self.gaps.append(f"script data {url[:200]}: over {MAX_TOTAL} bytes for the page: not archived")
            return
        self.responses.append(DataResponse(url=url, method=request.method, status=response.status, headers=headers,
                                           request_headers=request_headers, body=body, fetched_at=utc_now()))

    async def collect(self, timeout: float = 5.0) -> list[DataResponse]:
        """The responses read so far, after waiting (bounded) for the bodies still being read."""
        if self._pending:
            done, pending = await asyncio.wait(set(self._pending), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                self.gaps.append(f"script data: {len(pending)} responses still loading, not archived")
        return list(self.responses)
