"""Item pipeline: the design print of the home page (analyzers.design) and, when the crawl ends, the
design-copying check (Art. 15(3)) against the other registered storefronts' latest prints.

The home page's stylesheets, scripts, favicon and logo on the storefront's own host (at most
``MAX_RESOURCES``, through Scrapy's downloader, so the safety middleware applies) are fetched for
their SHA-256 (the exact pivots). Each storefront's latest print is kept as
``<data_dir>/design/<storefront>.json``; the check reads the others' files. Findings are
``suspected``, for the analyst (analyzers.design).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy

from crawler.items import PageCapture
from pipelines.analyze import allow_entries

if TYPE_CHECKING:  # analyzers.design loads the rule registry: imported at close, not during the crawl
    from analyzers import design

log = logging.getLogger(__name__)
MAX_RESOURCES = 12


def resource_urls(html: str, base: str) -> dict[str, list[str]]:
    """CSS, JS, favicon and logo URLs of a page (absolute)."""
    import lxml.html

    out: dict[str, list[str]] = {"css": [], "js": [], "favicon": [], "logo": []}
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:
        return out
    for el in doc.iter("link"):
        rel, href = (el.get("rel") or "").lower(), el.get("href")
        if href and "stylesheet" in rel:
            out["css"].append(urljoin(base, href))
        elif href and "icon" in rel:
            out["favicon"].append(urljoin(base, href))
    out["js"] = [urljoin(base, el.get("src")) for el in doc.iter("script") if el.get("src")]
    out["logo"] = [urljoin(base, el.get("src")) for el in doc.iter("img") if el.get("src")
                   and "logo" in ((el.get("class") or "") + (el.get("id") or "") + el.get("src", "")).lower()][:2]
    if not out["favicon"]:
        out["favicon"] = [urljoin(base, "/favicon.ico")]
    return out


def design_dir(state: Any) -> Path | None:
    return Path(state.ocr_cache_dir).parent / "design" if state.ocr_cache_dir else None


def storefront_key(state: Any) -> str:
    """The storefront id; for a scan of an unregistered URL, its host and port (two shops on one host
    are two storefronts: with the host alone their prints overwrote each other and were never compared)."""
    job = state.job
    if job.storefront_id is not None:
        return str(job.storefront_id)
    parts = urlsplit(job.start_url)
    return (parts.hostname or "") + (f":{parts.port}" if parts.port else "")


def print_file(folder: Path, key: str) -> Path:
    return folder / f"{key.replace(':', '_')}.json"


class DesignPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.home: design.DesignPrint | None = None
        self.home_url = ""
        self._home: tuple[str, str, dict[str, Any]] | None = None  # the home page's print, made at close

    @classmethod
    def from_crawler(cls, crawler: Any) -> DesignPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageCapture) or not item.is_home or self._home is not None or item.page is None:
            return item
        state = self.crawler.spider.state
        html = item.dom or (item.body or b"").decode(item.encoding or "utf-8", "replace")
        hashes: dict[str, list[str]] = {}
        budget = MAX_RESOURCES
        for kind, urls in resource_urls(html, item.url).items():
            for url in urls:
                if budget <= 0 or not state.scope.in_scope(url):
                    continue
                budget -= 1
                known = state.resource_sha256.get(url)  # archived by pipelines.subresources: not fetched again
                if known:
                    hashes.setdefault(kind, []).append(known)
                    continue
                body = await self._fetch(url)
                if body:
                    hashes.setdefault(kind, []).append(hashlib.sha256(body).hexdigest())
        images = [img.sha256 for img in item.page.images if img.sha256]
        self._home = (storefront_key(state), html, {"resources": hashes, "images": images, "screenshot": item.screenshot})
        self.home_url = item.url
        return item

    async def _fetch(self, url: str) -> bytes:
        opts = self.crawler.spider.state.job.options
        request = scrapy.Request(url, meta={"download_maxsize": opts.max_image_bytes, "sw_image": True},
                                 dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            log.debug("design: %s not fetched: %s", url, exc)
            return b""
        return bytes(response.body) if response.status == 200 else b""

    def close_spider(self, spider: Any = None) -> None:
        """Runs after the analysis pipeline's close (Scrapy closes pipelines in reverse order)."""
        from analyzers import design

        state = self.crawler.spider.state
        if self._home is not None and self.home is None:
            key, html, kw = self._home
            self.home = design.fingerprint(key, html, **kw)
        folder = design_dir(state)
        if self.home is None or folder is None or not self.home.key:
            return
        others: list[design.DesignPrint] = []
        urls: dict[str, str] = {}
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    other = design.print_from_dict(data)
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("design: unreadable print %s: %s", path, exc)
                    continue
                if other.key != self.home.key:
                    others.append(other)
                    urls[other.key] = str(data.get("url", ""))
        copies = design.find_copies(self.home, others) if others else []
        allowed = allow_entries(state.job.allow_list)  # the storefront's allow-list holds here too
        found = [design.copy_finding(c, self.home_url, storefront_id=state.job.storefront_id,
                                     other_url=urls.get(c.other, "")) for c in copies]
        state.findings.extend(f for f in found if not any(a.covers(f) for a in allowed))
        folder.mkdir(parents=True, exist_ok=True)
        target = print_file(folder, self.home.key)
        tmp = target.with_suffix(".json.part")
        tmp.write_text(json.dumps({**design.print_to_dict(self.home), "url": self.home_url}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(target)
