"""Item pipeline: read the text of small badge-sized images on the home and licence pages.

Policy (decided here, documented in docs): only images on the storefront's own host and
``data:`` URIs are fetched — never another host's images, so OCR cannot be used to make the
crawler touch third parties. At most ``max_images_per_page`` images per page, each at most
``max_image_bytes``; fetched through Scrapy's downloader (so the safety middleware applies) and
archived in the WARC like any page. Text is cached by image SHA-256, in memory and across
crawls in ``state.ocr_cache_dir``.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import io
import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import scrapy

from analyzers import ocr
from crawler.capture import _headers, utc_now
from crawler.items import ImageCapture, PageCapture
from evidence.pages import archive_image

log = logging.getLogger(__name__)
OCR_KINDS = ("licence",)


def badge_sized(width: int | None, height: int | None) -> bool | None:
    """True/False when the size is known, None when it is not."""
    if not width or not height:
        return None
    return bool(ocr.is_badge_sized(width, height))


def data_uri_bytes(uri: str) -> bytes:
    header, _, data = uri.partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(data + "=" * (-len(data) % 4))
    return unquote_to_bytes(data)


def image_size(data: bytes) -> tuple[int | None, int | None]:
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None, None


class OcrPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> OcrPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state
        opts = state.job.options
        if (not isinstance(item, PageCapture) or item.page is None or not opts.ocr
                or not (item.is_home or item.kind in OCR_KINDS)):
            return item
        images = list(item.page.images)
        changed = False
        budget = opts.max_images_per_page
        for i, img in enumerate(images):
            if budget <= 0:
                break
            if badge_sized(img.width, img.height) is False:
                continue
            if not (img.src.startswith("data:image/") or state.scope.in_scope(img.src)):
                continue
            budget -= 1
            cap = await self._fetch(img.src, item.url, state)
            if cap is None or not cap.body:
                continue
            if badge_sized(cap.width, cap.height) is False:
                images[i] = dataclasses.replace(img, sha256=cap.sha256)
                changed = True
                continue
            images[i] = dataclasses.replace(img, sha256=cap.sha256, ocr_text=await self._read(cap, state),
                                            width=img.width or cap.width, height=img.height or cap.height)
            if cap.sha256 in state.ocr_failed:  # the badge could not be read: an evidence gap of the page
                item.evidence_gaps.append(f"OCR failed for {img.src[:200]}")
            changed = True
        if changed:
            item.page = dataclasses.replace(item.page, images=tuple(images))
        return item

    async def _fetch(self, url: str, page_url: str, state: Any) -> ImageCapture | None:
        if url in state.images:
            return state.images[url]
        cap = ImageCapture(url=url, page_url=page_url, fetched_at=utc_now())
        if url.startswith("data:"):
            try:
                cap.body = data_uri_bytes(url)[: state.job.options.max_image_bytes]
                cap.status = 200
            except ValueError as exc:
                cap.error = f"bad data URI: {exc}"
        else:
            request = scrapy.Request(url, meta={"download_maxsize": state.job.options.max_image_bytes,
                                                "sw_image": True}, dont_filter=True)
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception as exc:
                cap.error = f"{type(exc).__name__}: {exc}"
                state.images[url] = cap
                return cap
            cap.status, cap.body = response.status, response.body if response.status == 200 else b""
            cap.headers = _headers(response.headers)
            cap.request_headers = _headers(request.headers)
        cap.sha256 = hashlib.sha256(cap.body).hexdigest() if cap.body else ""
        cap.width, cap.height = image_size(cap.body) if cap.body else (None, None)
        if state.archive is not None and cap.body:
            cap.evidence = archive_image(state.archive, cap)
        state.images[url] = cap
        return cap

    async def _read(self, cap: ImageCapture, state: Any) -> str:
        if cap.sha256 in state.ocr_cache:
            return state.ocr_cache[cap.sha256]
        disk = Path(state.ocr_cache_dir) / f"{cap.sha256}.txt" if state.ocr_cache_dir else None
        if disk is not None and disk.is_file():
            text = disk.read_text(encoding="utf-8")
        else:
            try:
                text = await asyncio.to_thread(ocr.ocr_image, cap.body)
            except Exception:  # a damaged image is recorded as unreadable; the crawl goes on
                log.warning("OCR failed for %s", cap.url, exc_info=True)
                state.ocr_failed.add(cap.sha256)
                state.ocr_cache[cap.sha256] = ""
                return ""
            if disk is not None:
                disk.parent.mkdir(parents=True, exist_ok=True)
                tmp = disk.with_suffix(".part")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(disk)
        state.ocr_cache[cap.sha256] = text
        cap.ocr_text = text
        return text
