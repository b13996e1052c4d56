"""Replay from one run's WARC: the archived response of a URL, as pywb serves it, and nothing live.

:class:`RunArchive` answers "what did this run archive for URL u?" from the WARC's index
(``.idx.json``): the last ``response`` record with that target URI (pages, subresources, images
fetched for OCR). Stylesheets and HTML come back rewritten so that what they load is asked of the
replay endpoint again (:mod:`evidence.resources`); every other body is served as archived. A URL the
run did not archive gives ``None`` — the caller answers 404 and never fetches it.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.affected import safe_index
from evidence.resources import Replay, decode, rewrite_css, rewrite_html
from evidence.verify import read_record

# archived response headers passed on to the replaying browser (the rest describe the live server)
_KEEP = ("content-type", "content-encoding", "last-modified")


@dataclass(frozen=True, slots=True)
class Archived:
    url: str
    status: int
    headers: dict[str, str]  # lower-case names, those of _KEEP
    body: bytes
    record_id: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def _http_head(block: bytes) -> tuple[int, dict[str, str]]:
    head = block.partition(b"\r\n\r\n")[0].decode("latin-1", "replace").split("\r\n")
    try:
        status = int(head[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    headers: dict[str, str] = {}
    for line in head[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() in _KEEP:
            headers[k.strip().lower()] = v.strip()
    return status, headers


class RunArchive:
    """The responses one run's WARC holds, by URL."""

    def __init__(self, warc: Path) -> None:
        self.warc = Path(warc)
        index = safe_index(self.warc) or {}
        self._by_url: dict[str, dict[str, Any]] = {}
        for ref in index.get("records", []):
            if isinstance(ref, dict) and ref.get("type") == "response" and ref.get("uri"):
                self._by_url[str(ref["uri"]).split("#", 1)[0]] = ref  # the last one wins

    def __contains__(self, url: str) -> bool:
        return url.split("#", 1)[0] in self._by_url

    def urls(self) -> list[str]:
        return list(self._by_url)

    def get(self, url: str) -> Archived | None:
        ref = self._by_url.get(url.split("#", 1)[0])
        if ref is None:
            return None
        rec = read_record(self.warc, int(ref["offset"]), int(ref["length"]))
        status, headers = _http_head(rec.block)
        if not headers.get("content-type"):
            guess = mimetypes.guess_type(url.split("?", 1)[0])[0]
            if guess:
                headers["content-type"] = guess
        return Archived(url=url, status=status, headers=headers, body=rec.payload,
                        record_id=str(ref.get("record_id", "")))

    def replayed(self, url: str, replay: Replay) -> Archived | None:
        """``get`` with HTML and CSS rewritten for replay (served as UTF-8)."""
        got = self.get(url)
        if got is None:
            return None
        ctype = got.content_type.lower()
        if got.headers.get("content-encoding", "identity").lower() not in ("", "identity"):
            return got  # compressed as the server sent it: the browser decodes it; not rewritten
        if "text/css" in ctype:
            text = rewrite_css(decode(got.body, got.content_type), url, replay)
            return Archived(url, got.status, {**got.headers, "content-type": "text/css; charset=utf-8"},
                            text.encode("utf-8"), got.record_id)
        if "html" in ctype:
            text = rewrite_html(decode(got.body, got.content_type), url, replay)
            return Archived(url, got.status, {**got.headers, "content-type": "text/html; charset=utf-8"},
                            text.encode("utf-8"), got.record_id)
        return got


def replay_html(body: bytes, content_type: str, page_url: str, replay: Replay) -> bytes:
    """An archived page (response body or rendered DOM) rewritten for replay, as UTF-8."""
    return rewrite_html(decode(body, content_type), page_url, replay).encode("utf-8")
