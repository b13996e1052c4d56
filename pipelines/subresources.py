"""Item pipeline: archive what each judged page loads from its own host — stylesheets, images, fonts
(from the stylesheets' ``url(…)`` and ``@import``) and scripts (as bytes, never run) — into the run's
WARC as ordinary ``response`` records, so the page can be replayed as the merchant showed it.

The references come from the page's parsed document (:func:`evidence.resources.html_refs`); only
URLs in the storefront's scope are fetched (others are counted, never touched), through Scrapy's
downloader, so the page fetches' safety middleware, address policy, robots.txt and redirect guard
apply. Bounded per page by ``subresources_per_page`` (count) and ``subresource_bytes_per_page``
(bytes), each body by ``max_image_bytes``. A URL is fetched once per run (a shared stylesheet is
archived once); images the OCR pipeline already fetched are reused. What a page's replay needs is
listed in a ``metadata`` record (``urn:storewatch:resources:<url>``) referring to the page.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import scrapy
from scrapy.exceptions import NotConfigured

from crawler.capture import _headers, utc_now
from crawler.items import PageCapture
from evidence.resources import css_refs, decode, html_refs, in_scope_refs
from extraction.overlays import built_layers

log = logging.getLogger(__name__)
MAX_SCRIPT_BYTES = 256 << 10  # of an external script read for the pop-ups it builds


class SubresourcePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.fetched: dict[str, dict[str, Any]] = {}  # URL -> {record_id, sha256, bytes, status, css}
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> SubresourcePipeline:
        if not crawler.settings.getbool("STOREWATCH_SUBRESOURCES", True):
            raise NotConfigured("subresource archiving is off (subresources_per_page = 0)")
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state
        if not isinstance(item, PageCapture) or item.doc is None or item.page is None or state.archive is None:
            return item
        opts = state.job.options
        refs = html_refs(item.doc, item.url)
        local = in_scope_refs(refs, state.scope.in_scope)
        count_left, bytes_left = opts.subresources_per_page, opts.subresource_bytes_per_page
        listed: list[dict[str, Any]] = []
        skipped: list[str] = []
        queue = [u for u, _k in local]
        seen: set[str] = set()
        while queue:
            batch = []
            for url in queue:
                if url in seen:
                    continue
                seen.add(url)
                if count_left <= 0:
                    skipped.append(url)
                    continue
                count_left -= 1
                batch.append(url)
            queue = []
            got = await asyncio.gather(*(self._get(url, state) for url in batch))
            for url, res in zip(batch, got, strict=True):
                if bytes_left - res.get("bytes", 0) < 0:
                    skipped.append(url)  # archived for the run, but over this page's byte budget
                    continue
                bytes_left -= res.get("bytes", 0)
                listed.append({"url": url, **{k: v for k, v in res.items() if k != "css"}})
                queue += [u for u in res.get("css", ()) if state.scope.in_scope(u)]
        self._script_layers(item, [u for u, k in local if k == "script"])
        offsite = len(refs) - len(local)
        if listed or skipped or offsite:
            note = {"page": item.url, "archived": listed, "over_budget": skipped[:200],
                    "over_budget_count": len(skipped), "offsite_not_fetched": offsite,
                    "limits": {"count": opts.subresources_per_page, "bytes": opts.subresource_bytes_per_page}}
            ref = state.archive.write_metadata(f"urn:storewatch:resources:{item.url}", note, utc_now(),
                                               item.evidence.get("record_id", ""))
            item.evidence["resources_record_id"] = ref.record_id
            item.evidence["resources"] = len([r for r in listed if r.get("record_id")])
        if skipped:
            state.cut(item.url, f"subresources: {len(skipped)} not archived (page limit of "
                                f"{opts.subresources_per_page} files / {opts.subresource_bytes_per_page} bytes)")
        return item

    def _script_layers(self, item: PageCapture, urls: list[str]) -> None:
        """Pop-up layers the page's own external scripts build on a timer (extraction reads inline scripts;
        these are read here, from the bytes just archived, never run)."""
        code = [self.fetched.get(u, {}).get("script", "") for u in urls]
        layers = built_layers([c for c in code if c])
        if layers and item.page is not None:
            item.page = dataclasses.replace(item.page, overlays=tuple(item.page.overlays) + layers)
        by_url = {u: c for u, c in zip(urls, code, strict=True) if c}
        if by_url and item.page is not None:  # the malicious-code rules read what the shop's own scripts hide
            item.page = dataclasses.replace(item.page, scripts=tuple(
                dataclasses.replace(sc, fetched=by_url[sc.src]) if sc.src in by_url else sc
                for sc in item.page.scripts))

    async def _get(self, url: str, state: Any) -> dict[str, Any]:
        """The run's one fetch of ``url`` (concurrent callers wait for the same fetch)."""
        if url in self.fetched:
            return self.fetched[url]
        if url in self._pending:
            return await asyncio.shield(self._pending[url])
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[url] = fut
        try:
            res = await self._fetch(url, state)
        except Exception as exc:  # one broken resource never stops the page
            res = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        self.fetched[url] = res
        fut.set_result(res)
        del self._pending[url]
        return res

    async def _fetch(self, url: str, state: Any) -> dict[str, Any]:
        image = state.images.get(url)  # fetched and archived by the OCR pipeline
        if image is not None and image.evidence.get("record_id"):
            return {"record_id": image.evidence["record_id"], "sha256": image.evidence.get("sha256", ""),
                    "bytes": len(image.body or b""), "status": image.status}
        limit = state.job.options.max_image_bytes
        request = scrapy.Request(url, meta={"download_maxsize": limit, "sw_subresource": True},
                                 dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        at = utc_now()
        headers = _headers(response.headers)
        body = response.body or b""
        req = state.archive.write_request(response.url, "GET", _headers(request.headers), at)
        ref = state.archive.write_response(response.url, response.status, headers, body, at,
                                           truncated="download_stopped" in (response.flags or []),
                                           concurrent_to=req.record_id, ip=str(response.ip_address or ""),
                                           kind="subresource")
        res: dict[str, Any] = {"record_id": ref.record_id, "sha256": ref.payload_sha256, "bytes": len(body),
                               "status": response.status}
        if response.status == 200 and body:
            state.resource_sha256[url] = ref.payload_sha256
        if response.url != url:
            res["final_url"] = response.url
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
        if response.status == 200 and "css" in ctype:
            res["css"] = css_refs(decode(body, ctype), response.url)
        if response.status == 200 and ("javascript" in ctype or response.url.split("?", 1)[0].endswith(".js")):
            res["script"] = decode(body[:MAX_SCRIPT_BYTES], ctype or "text/javascript")
        return res
