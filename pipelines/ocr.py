"""Item pipeline: read what images show — badge-sized marks on the home and licence pages (text, look,
QR), and selling images (main, detail, banner pictures) on every page within a budget.

Policy (decided here, documented in docs): only images on the storefront's own host, on a host
the operator listed as the shop's CDN (``crawler.subresource_hosts``, where shops keep their
selling pictures) and ``data:`` URIs are fetched — never another host's images, so OCR cannot be
used to make the crawler touch third parties. A CDN image is an image request only (never a page,
never crawled), under the address rules; the shop's robots.txt governs the crawl, not the CDN's. At most ``max_images_per_page`` images per page, each at most
``max_image_bytes``; fetched through Scrapy's downloader (so the safety middleware applies) and
archived in the WARC like any page. Text is cached by image SHA-256, in memory and across
crawls in ``state.ocr_cache_dir`` (``<sha256>.json``: lines with boxes, QR payloads, look; pruned by
retention when unused for ``store.retention.OCR_CACHE_DAYS``).

Budget for selling images: ``ocr_images_per_page`` per page (largest main-column images first),
``ocr_images_per_run`` per crawl, and OCR time at most ``ocr_time_share`` of the crawl's elapsed time
(an image is read only when the mean cost so far still fits) — except the first
``ocr_images_guaranteed`` (4) of each crawl, read whatever the time share, so a short crawl still reads
the largest pictures of its first pages. Cached images are free, so what one crawl leaves unread
(noted in the run's notes) a later crawl reads.

An image that was to be read and could not be (the OCR engine failed, or a PNG/JPEG/GIF/WebP/BMP
body does not decode: damaged or truncated) is an evidence gap of every page showing it, so the
run is ``partial`` and names the image; the failure is not cached on disk, the next crawl retries.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import io
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import scrapy
from scrapy.exceptions import NotConfigured

from analyzers import images, ocr
from analyzers.model import Image, Link, Page
from crawler.capture import _headers, utc_now
from crawler.items import ImageCapture, PageCapture
from crawler.safety import SubresourceHosts
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


def readable(state: Any, src: str) -> bool:
    """May this image be fetched and read: a ``data:`` image, one on the shop's host, or on a listed CDN."""
    if src.startswith("data:image/") or state.scope.in_scope(src):
        return True
    return SubresourceHosts(tuple(state.job.options.subresource_hosts)).allows(src)


def selling_candidates(images: tuple[Image, ...], limit: int) -> list[int]:
    """Indexes of the images most likely to carry selling copy: main-column pictures big enough to hold
    text (or of unknown size), largest first; never header/nav/footer chrome, never badge-sized ones."""
    scored = []
    for i, img in enumerate(images):
        if img.region in ("nav", "footer") or badge_sized(img.width, img.height):
            continue
        sized = ocr.is_selling_sized(img.width, img.height)
        if sized is False:
            continue
        scored.append((-(img.width or 0) * (img.height or 0), img.region != "main", i))
    return [i for _, _, i in sorted(scored)[:max(0, limit)]]


class OcrPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        self.spent = 0.0  # seconds of OCR on selling images in this crawl
        self.read = 0  # selling images read (not from cache)
        self.skipped = 0  # selling images left unread by the budget
        self._lock = asyncio.Lock()
        self.failed: dict[str, str] = {}  # image SHA-256 -> why it could not be read (never cached on disk)

    @classmethod
    def from_crawler(cls, crawler: Any) -> OcrPipeline:
        if not crawler.settings.getbool("STOREWATCH_OCR", True):
            raise NotConfigured("OCR is off (crawler.ocr = false)")
        return cls(crawler)

    def _guaranteed(self, opts: Any) -> bool:
        """Still within the first ``ocr_images_guaranteed`` selling images of the crawl (read whatever the time)."""
        return self.read < getattr(opts, "ocr_images_guaranteed", 0)

    def _affordable(self, opts: Any) -> bool:
        """Within the per-run count and the share of crawl time (the estimate is the mean cost so far)."""
        if self.read >= opts.ocr_images_per_run:
            return False
        if opts.ocr_time_share >= 1 or self._guaranteed(opts):
            return True
        # before the first image, assume the engine's load (1-4 s here) as well as one read
        estimate = self.spent / self.read if self.read else (4.0 if ocr._engine is None else 1.0)
        return self.spent + estimate <= opts.ocr_time_share * (time.monotonic() - self.started)

    async def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state
        opts = state.job.options
        if not isinstance(item, PageCapture) or item.page is None or not opts.ocr:
            return item
        images = list(item.page.images)
        changed = False
        if item.is_home or item.kind in OCR_KINDS:
            changed = await self._badges(images, item, state) or changed
        changed = await self._selling(images, item, state) or changed
        if changed:
            page = dataclasses.replace(item.page, images=tuple(images))
            item.page = dataclasses.replace(page, links=page.links + qr_links(page))
        return item

    async def _badges(self, images: list[Image], item: PageCapture, state: Any) -> bool:
        changed = False
        budget = state.job.options.max_images_per_page
        for i, img in enumerate(images):
            if budget <= 0:
                break
            if badge_sized(img.width, img.height) is False:
                continue
            if not readable(state, img.src):
                continue
            budget -= 1
            cap = await self._fetch(img.src, item.url, state)
            if cap is None or not cap.body:
                continue
            if badge_sized(cap.width, cap.height) is False:
                images[i] = dataclasses.replace(img, sha256=cap.sha256)
                changed = True
                continue
            images[i] = await self._fill(img, cap, state, look=True, item=item)
            changed = True
        return changed

    async def _selling(self, images: list[Image], item: PageCapture, state: Any) -> bool:
        opts = state.job.options
        changed = False
        for i in selling_candidates(tuple(images), opts.ocr_images_per_page):
            img = images[i]
            if img.ocr_text or not readable(state, img.src):
                continue
            known = img.src in state.images or self._known_url(state, img.src)
            if not known and not self._affordable(opts):
                self.skipped += 1  # not even fetched: fetching and archiving every picture costs crawl time
                continue
            cap = await self._fetch(img.src, item.url, state)
            if cap is None or not cap.body or ocr.is_selling_sized(cap.width, cap.height) is False:
                continue
            if self._cached(state, cap.sha256) is not None:
                images[i] = await self._fill(img, cap, state, look=False, item=item)
                changed = True
                continue
            # one selling image at a time: the budget is checked with the cost of the ones before known;
            # under a time share, an image met while another is being read is left for a later crawl
            busy = opts.ocr_time_share < 1 and self._lock.locked() and not self._guaranteed(opts)
            if busy or not self._affordable(opts):
                self.skipped += 1
                images[i] = dataclasses.replace(img, sha256=cap.sha256)
                changed = True
                continue
            async with self._lock:
                if not self._affordable(opts):
                    self.skipped += 1
                    continue
                images[i] = await self._fill(img, cap, state, look=False, item=item)
            changed = True
        return changed

    async def _fill(self, img: Image, cap: ImageCapture, state: Any, *, look: bool, item: PageCapture) -> Image:
        got = await self._read(cap, state, look=look)
        failure = self.failed.get(cap.sha256)
        if failure:  # what the image shows was not read: an evidence gap of every page showing it
            gap = f"OCR failed for image {img.src[:200]}: {failure}"
            if gap not in item.evidence_gaps:
                item.evidence_gaps.append(gap)
        text = "\n".join(line for line, _ in got["lines"])
        return dataclasses.replace(img, sha256=cap.sha256, ocr_text=text,
                                   ocr_boxes=tuple(tuple(b) for _, b in got["lines"]),
                                   looks_like=got.get("look", ""), qr=tuple(got.get("qr", ())),
                                   width=img.width or cap.width, height=img.height or cap.height)

    def close_spider(self, spider: Any = None) -> None:
        if self.read or self.skipped:
            log.info("OCR of selling images: %d read in %.1f s, %d left unread by the budget",
                     self.read, self.spent, self.skipped)
        state = getattr(getattr(self.crawler, "spider", None), "state", None)
        if state is not None and (self.read or self.skipped):
            state.notes.append(f"OCR budget: read {self.read} selling images in {self.spent:.2f} s, "
                               f"{self.skipped} left unread")

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
            meta = {"download_maxsize": state.job.options.max_image_bytes, "sw_image": True}
            if not state.scope.in_scope(url):  # a listed CDN: the shop's robots.txt was obeyed for the page
                meta["dont_obey_robotstxt"] = True
            request = scrapy.Request(url, meta=meta, dont_filter=True)
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

    @staticmethod
    def _url_ref(state: Any, url: str) -> Path | None:
        if not state.ocr_cache_dir:
            return None
        return Path(state.ocr_cache_dir) / f"url-{hashlib.sha256(url.encode()).hexdigest()[:32]}.ref"

    def _known_url(self, state: Any, url: str) -> bool:
        """Was this image URL read by an earlier crawl (so fetching it finds its text in the cache)?"""
        ref = self._url_ref(state, url)
        if ref is None or not ref.is_file():
            return False
        sha = ref.read_text(encoding="ascii").strip()
        if sha in state.ocr_cache or (Path(state.ocr_cache_dir) / f"{sha}.json").is_file():
            ref.touch()
            return True
        return False

    def _cached(self, state: Any, sha: str) -> dict[str, Any] | None:
        if sha in state.ocr_cache:
            got = state.ocr_cache[sha]
            return got if isinstance(got, dict) else {"lines": [(line, (0, 0, 0, 0)) for line in got.split("\n") if line]}
        folder = Path(state.ocr_cache_dir) if state.ocr_cache_dir else None
        if folder is None:
            return None
        disk = folder / f"{sha}.json"
        if disk.is_file():
            try:
                got = json.loads(disk.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if isinstance(got, dict) and "lines" in got:
                disk.touch()  # in use: retention prunes only what no crawl has read for a while
                state.ocr_cache[sha] = got
                return got
        return None

    async def _read(self, cap: ImageCapture, state: Any, *, look: bool) -> dict[str, Any]:
        """OCR lines with boxes, QR payloads and (for badges) the mark it looks like; cached by SHA-256."""
        got = self._cached(state, cap.sha256)
        if got is not None and (not look or "look" in got):
            cap.ocr_text = "\n".join(line for line, _ in got["lines"])
            return got
        t0 = time.monotonic()
        lines: list[Any] = []
        qr: tuple[str, ...] = ()
        found = None
        try:
            failure = await asyncio.to_thread(undecodable, cap.body)
            if not failure:
                lines = await asyncio.to_thread(ocr.ocr_lines, cap.body)
                qr = await asyncio.to_thread(images.decode_qr, cap.body)
                found = images.badge_look(cap.body) if look else None
        except Exception as exc:  # the engine failed: an evidence gap of the page; the crawl goes on
            log.warning("OCR failed for %s", cap.url, exc_info=True)
            failure = f"OCR engine error: {type(exc).__name__}: {str(exc)[:200]}"
        if failure:
            self.failed[cap.sha256] = failure
        if not look:
            self.spent += time.monotonic() - t0
            self.read += 1
        got = {"lines": [[text, list(box)] for text, box in lines], "qr": list(qr)}
        if look:
            got["look"] = found[0] if found else ""
        if state.ocr_cache_dir and not failure:  # a failure is retried by the next crawl
            disk = Path(state.ocr_cache_dir) / f"{cap.sha256}.json"
            disk.parent.mkdir(parents=True, exist_ok=True)
            tmp = disk.with_suffix(".part")
            tmp.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
            tmp.replace(disk)
            ref = self._url_ref(state, cap.url)
            if ref is not None and not cap.url.startswith("data:"):
                ref.write_text(cap.sha256, encoding="ascii")
        state.ocr_cache[cap.sha256] = got
        cap.ocr_text = "\n".join(text for text, _ in lines)
        return got


RASTER = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
          (b"BM", "BMP"))


def undecodable(data: bytes) -> str:
    """Why a raster image (by its magic bytes) cannot be decoded for OCR ('' when it can, or is no raster:
    an SVG or an unknown format is not read, and that is no failure)."""
    kind = next((name for magic, name in RASTER if data.startswith(magic)), "")
    if not kind and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "WebP"
    if not kind:
        return ""
    import cv2
    import numpy as np

    if cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED) is None:
        return f"undecodable {kind} image ({len(data)} bytes: damaged or truncated)"
    return ""


def qr_links(page: Page) -> tuple[Link, ...]:
    """QR codes in the page's images as links (recorded, never followed: the spider reads links from
    the DOM, not from here), so rules see where a 扫码进群 code leads."""
    known = {lk.href for lk in page.links}
    out = []
    for img in page.images:
        for href, offsite in images.qr_links(img, page.url):
            if href in known:
                continue
            known.add(href)
            out.append(Link(href=href, text="二维码" + ("（站外）" if offsite else ""), rel="qr", image_src=img.src,
                            image_alt=img.alt, region=img.region, path=img.path))
    return tuple(out)

