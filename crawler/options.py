"""The crawler's view of the settings: one frozen record, built from ``settings.crawler``.

The crawl child process receives these options as JSON in its job file, so everything here is
plain data. :func:`options_from_settings` is the only place that reads the settings object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

RenderMode = Literal["auto", "always", "never"]
RENDER_MODES: tuple[str, ...] = ("auto", "always", "never")
LISTS = ("allowed_networks", "extra_hosts", "subresource_hosts")


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """Limits and politeness of one crawl (mirrors ``settings.crawler``)."""

    max_pages: int = 50
    max_depth: int = 3
    max_page_bytes: int = 5 * 1024 * 1024
    page_timeout: float = 30.0
    crawl_timeout: float = 900.0
    render_timeout: float = 20.0
    concurrency: int = 8
    per_host_concurrency: int = 4
    download_delay: float = 0.0
    autothrottle: bool = True
    render: str = "auto"
    user_agent: str = "storewatch/0.1 (+compliance monitor; e-commerce credit rules)"
    obey_robots: bool = True
    allow_loopback: bool = False
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    subresource_hosts: tuple[str, ...] = ()  # CDN hosts the browser may load images/CSS/fonts/JS from
    context_recycle_pages: int = 20
    render_concurrency: int = 4  # pages in flight per browser context
    chromium_path: str = "/usr/bin/chromium"
    retries: int = 2
    ocr: bool = True
    # not in settings.crawler (derived or internal), kept here so a job is self-contained
    max_pages_per_pattern: int = 10  # link-trap guard: pages per URL shape (path digits, query keys)
    max_images_per_page: int = 12  # badge images fetched for OCR per page
    ocr_images_per_page: int = 4  # selling images (main, detail, banner) read per page (pipelines/ocr.py)
    ocr_images_per_run: int = 60  # selling images read per crawl (cache hits are free)
    ocr_time_share: float = 0.08  # OCR of selling images stops while its time exceeds this share of the crawl's
    ocr_images_guaranteed: int = 4  # the first selling images of a crawl are read whatever the time share
    max_image_bytes: int = 2 * 1024 * 1024
    subresources_per_page: int = 40  # same-host CSS, images, fonts, scripts archived per page (0: off)
    subresource_bytes_per_page: int = 8 * 1024 * 1024  # their bytes per page (pipelines/subresources.py)
    pdf_pages: bool = True  # PDF print of the home page and of pages with findings
    timezone: str = "Asia/Shanghai"
    extra_hosts: tuple[str, ...] = field(default=())  # more hosts of the same storefront

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["allowed_networks"] = list(self.allowed_networks)
        d["extra_hosts"] = list(self.extra_hosts)
        d["subresource_hosts"] = list(self.subresource_hosts)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlOptions:
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        for key in LISTS:
            if key in kw:
                kw[key] = tuple(kw[key] or ())
        return cls(**kw)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of these options (recorded with every page)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def with_overrides(self, **kw: Any) -> CrawlOptions:
        kw = {k: v for k, v in kw.items() if v is not None}
        return replace(self, **kw)


def options_from_settings(settings: Any) -> CrawlOptions:
    """Build :class:`CrawlOptions` from the settings object (``settings.crawler`` + timezone)."""
    section = getattr(settings, "crawler", None)
    base = CrawlOptions()
    kw: dict[str, Any] = {}
    for f in fields(CrawlOptions):
        if section is not None and hasattr(section, f.name):
            value = getattr(section, f.name)
            if value is None:
                continue
            if f.name in LISTS:
                value = tuple(str(v) for v in value)
            elif f.name == "chromium_path":
                value = str(value)
            kw[f.name] = value
    tz = getattr(settings, "timezone", None)
    if tz:
        kw["timezone"] = str(tz)
    return replace(base, **kw)
