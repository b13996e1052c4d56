"""Plain functions the spider uses: turn Scrapy responses and failures into captures, find links."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

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


def find_links(html_text: str, base_url: str) -> list[tuple[str, str, str]]:
    """``(absolute URL, anchor text, image src)`` of every link in a page (and meta refresh)."""
    if not html_text.strip():
        return []
    try:
        doc = lxml_html.document_fromstring(html_text)
    except Exception:
        return []
    base = base_url
    for b in doc.xpath("//base[@href]")[:1]:
        base = urljoin(base_url, b.get("href", "").strip())
    out: list[tuple[str, str, str]] = []
    for a in doc.xpath("//a[@href] | //area[@href]"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "sms:")):
            continue
        if href.startswith("#") and not href.startswith(("#/", "#!")):
            continue
        url = urljoin(base, href)
        text = " ".join(a.text_content().split())[:200] if a.tag == "a" else (a.get("alt") or "")
        img = a.find(".//img")
        src = urljoin(base, img.get("src", "")) if img is not None and img.get("src") else ""
        if not text and img is not None:
            text = img.get("alt", "") or img.get("title", "")
        out.append((url, text, src))
    for m in doc.xpath("//meta[@http-equiv]"):
        if (m.get("http-equiv") or "").lower() == "refresh":
            content = m.get("content") or ""
            if "url=" in content.lower():
                target = content[content.lower().index("url=") + 4:].strip().strip("'\"")
                out.append((urljoin(base, target), "meta refresh", ""))
    return out


def same_document(url_a: str, url_b: str) -> bool:
    a, b = urlsplit(url_a), urlsplit(url_b)
    return (a.scheme, a.netloc, a.path, a.query) == (b.scheme, b.netloc, b.path, b.query)
