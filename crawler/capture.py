"""Plain functions the spider uses: turn Scrapy responses and failures into captures, find links."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.encoding import decode_body
from crawler.items import PageCapture


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _headers(h: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, values in h.items():
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        for v in values if isinstance(values, list) else [values]:
            out.append((k, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return out


def bounded_decompress(body: bytes, encoding: str, limit: int) -> tuple[bytes, str]:
    """Decode a gzip/deflate body without ever producing more than ``limit`` bytes.

    Returns ``(data, cut)`` where ``cut`` says why the data is incomplete ('' when whole).
    """
    enc = encoding.lower().strip()
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}.get(enc)
    if wbits is None:
        return body, f"content-encoding {encoding!r} not decoded"
    try:
        d = zlib.decompressobj(wbits)
        data = d.decompress(body, limit)
        if d.unconsumed_tail:
            return data, f"decompressed size over the limit of {limit} bytes (compression bomb?)"
        return data, ""
    except zlib.error as exc:
        if enc == "deflate":
            try:
                d = zlib.decompressobj(-zlib.MAX_WBITS)
                return d.decompress(body, limit), ""
            except zlib.error:
                pass
        return b"", f"undecodable {encoding} body: {exc}"


def capture_from_response(response: Any, meta: dict[str, Any], limit: int) -> tuple[PageCapture, str]:
    """A capture of a plain HTTP response and its decoded HTML text ('' for non-HTML)."""
    req = response.request
    cap = PageCapture(
        url=response.url,
        request_url=meta.get("sw_url", req.url if req is not None else response.url),
        method=req.method if req is not None else "GET",
        status=response.status,
        headers=_headers(response.headers),
        request_headers=_headers(req.headers) if req is not None else [],
        body=response.body,
        fetched_at=meta.get("sw_fetched_at") or utc_now(),
        ip_address=str(response.ip_address or ""),
        depth=meta.get("sw_depth", 0),
        kind=meta.get("sw_kind", "other"),
        is_home=bool(meta.get("sw_home")),
        anchor_text=meta.get("sw_anchor", ""),
        referer=meta.get("sw_referer", ""),
    )
    if "download_stopped" in (response.flags or []):
        cap.cut_reason = f"page size limit: first {len(response.body)} bytes kept (limit {limit})"
    body = response.body
    content_encoding = cap.header("Content-Encoding")
    if content_encoding and content_encoding.lower() != "identity":
        body, cut = bounded_decompress(body, content_encoding, limit)
        if cut:
            cap.cut_reason = cut
    ctype = cap.header("Content-Type").lower()
    looks_html = b"<html" in body[:2048].lower() or b"<!doctype html" in body[:2048].lower()
    if ctype and "html" not in ctype and "xml" not in ctype and not looks_html:
        return cap, ""
    text, encoding = decode_body(body, cap.header("Content-Type"))
    cap.encoding = encoding
    return cap, text


def describe_failure(failure: Any) -> tuple[str, str]:
    """``(error, cut_reason)`` for a failed request, in words an operator understands."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc) or name
    if name in ("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "UserTimeoutError"):
        return f"timeout: {text}", "page time limit"
    if name in ("DownloadCancelledError", "CancelledError") and "size" in text:
        return f"too large: {text}", "page size limit"
    if name == "IgnoreRequest":
        return text, ""
    if name in ("DNSLookupError", "CannotResolveHostError"):
        return f"DNS: {text}", ""
    if name in ("ConnectionRefusedError", "DownloadConnectionRefusedError"):
        return f"connection refused: {text}", ""
    return f"{name}: {text}", ""


def same_document(url_a: str, url_b: str) -> bool:
    a, b = urlsplit(url_a), urlsplit(url_b)
    return (a.scheme, a.netloc, a.path, a.query) == (b.scheme, b.netloc, b.path, b.query)
