"""Archiving one page capture: request, response, rendered DOM, the data its script loaded (request and
response records ``data-<n>``), screenshot, PDF and metadata.

Takes any object with the fields of ``crawler.items.PageCapture`` (duck-typed: evidence/ does not
depend on the crawler). Returns the page's evidence dict, which the store and findings keep:
``{"warc", "records": {kind: RecordRef dict}, "page_sha256", "dom_sha256", "screenshot_sha256",
"pdf_sha256", "metadata_record_id"}``.
"""

from __future__ import annotations

from typing import Any

from evidence.timefmt import stamp, utc_iso
from evidence.warc import RecordRef, WarcArchive, sha256


def archive_page(archive: WarcArchive, cap: Any, *, run: dict[str, Any], timezone: str = "Asia/Shanghai") -> dict[str, Any]:
    """Write every record of one capture, metadata last (it lists the others and their hashes)."""
    refs: dict[str, RecordRef] = {}
    at = cap.fetched_at or utc_iso()
    if cap.body is not None and cap.status is not None:
        refs["request"] = archive.write_request(cap.url if not cap.request_url else cap.url, cap.method,
                                                cap.request_headers, at)
        refs["response"] = archive.write_response(
            cap.url.split("#", 1)[0], cap.status, cap.headers, cap.body, at,
            truncated="size limit" in (cap.cut_reason or ""), concurrent_to=refs["request"].record_id,
            ip=cap.ip_address)
    anchor = refs["response"].record_id if "response" in refs else ""
    rat = cap.rendered_at or at
    if cap.rendered and cap.dom:
        refs["dom"] = archive.write_resource(f"urn:storewatch:dom:{cap.url}", "dom", "text/html; charset=utf-8",
                                             cap.dom.encode("utf-8"), rat, anchor)
        anchor = anchor or refs["dom"].record_id
    for i, d in enumerate(getattr(cap, "data_responses", None) or []):  # what the page's script loaded
        refs[f"data-{i}-request"] = archive.write_request(d.url, d.method, d.request_headers, d.fetched_at)
        refs[f"data-{i}"] = archive.write_response(d.url, d.status, d.headers, d.body, d.fetched_at,
                                                   concurrent_to=refs[f"data-{i}-request"].record_id, kind="data")
    if cap.screenshot:
        refs["screenshot"] = archive.write_resource(f"urn:storewatch:screenshot:{cap.url}", "screenshot", "image/png",
                                                    cap.screenshot, rat, anchor)
    if cap.pdf:
        refs["pdf"] = archive.write_resource(f"urn:storewatch:pdf:{cap.url}", "pdf", "application/pdf", cap.pdf,
                                             rat, anchor)
    hashes = {k: r.payload_sha256 for k, r in refs.items() if not k.endswith("request")}
    meta = {
        "url": cap.url,
        "requested_url": cap.request_url,
        "fetched_at": stamp(at, timezone),
        "rendered_at": stamp(cap.rendered_at, timezone) if cap.rendered_at else None,
        "status": cap.status,
        "browser_status": cap.browser_status,
        "headers": [list(h) for h in cap.headers],
        "ip_address": cap.ip_address,
        "encoding": cap.encoding,
        "rendered": cap.rendered,
        "render_reason": cap.render_reason,
        "events": cap.events,
        "cut_reason": cap.cut_reason,
        "error": cap.error,
        "redirect_to": cap.redirect_to,
        "depth": cap.depth,
        "kind": cap.kind,
        "sha256": hashes,
        "records": {k: r.record_id for k, r in refs.items()},
        **run,
    }
    refs["metadata"] = archive.write_metadata(cap.url, meta, utc_iso(), anchor)
    return {
        "warc": archive.name,
        "records": {k: r.to_dict() for k, r in refs.items()},
        "page_sha256": refs["response"].payload_sha256 if "response" in refs else (
            refs["dom"].payload_sha256 if "dom" in refs else ""),
        "dom_sha256": refs["dom"].payload_sha256 if "dom" in refs else "",
        "screenshot_sha256": refs["screenshot"].payload_sha256 if "screenshot" in refs else "",
        "pdf_sha256": refs["pdf"].payload_sha256 if "pdf" in refs else "",
        "record_id": (refs.get("response") or refs.get("dom") or refs["metadata"]).record_id,
        "metadata_record_id": refs["metadata"].record_id,
    }


def archive_image(archive: WarcArchive, img: Any) -> dict[str, Any]:
    """Request and response records of an image fetched for OCR (``data:`` images: a resource)."""
    at = img.fetched_at or utc_iso()
    if img.url.startswith("data:"):
        ref = archive.write_resource(f"urn:storewatch:data-image:{sha256(img.body)}", "image",
                                     "application/octet-stream", img.body, at)
        return {"warc": archive.name, "record_id": ref.record_id, "sha256": ref.payload_sha256}
    req = archive.write_request(img.url, "GET", img.request_headers, at)
    ref = archive.write_response(img.url, img.status or 0, img.headers, img.body, at, concurrent_to=req.record_id,
                                 kind="image")
    return {"warc": archive.name, "record_id": ref.record_id, "sha256": ref.payload_sha256}


def pdf_record(archive: WarcArchive, url: str, pdf: bytes, refers_to: str = "") -> dict[str, Any]:
    """A PDF printed after the crawl (pages with findings)."""
    ref = archive.write_resource(f"urn:storewatch:pdf:{url}", "pdf", "application/pdf", pdf, utc_iso(), refers_to)
    return ref.to_dict()
