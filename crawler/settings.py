"""Scrapy project settings (``scrapy.cfg``: ``default = crawler.settings``) and the one function
that turns a crawl job into Scrapy settings: :func:`scrapy_settings`.

The module-level names are Scrapy's project defaults (what ``scrapy list`` or a bare
``scrapy crawl`` would use); a storewatch crawl always goes through :func:`scrapy_settings`.
"""

from __future__ import annotations

from typing import Any

BOT_NAME = "storewatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.0
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
]


def scrapy_settings(job: Any) -> dict[str, Any]:
    """Every Scrapy setting of one storewatch crawl, derived from ``job.options``.

    ``job`` is a :class:`crawler.job.CrawlJob`. Rendering (scrapy-playwright) is only wired in
    when the render mode is not ``never``, so a static crawl never starts a browser.
    The browser's requests are vetted by :func:`crawler.middlewares.abort_browser_request`.
    """
    o = job.options
    s: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "SPIDER_MODULES": SPIDER_MODULES,
        "TWISTED_REACTOR": TWISTED_REACTOR,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": o.user_agent,
        "ROBOTSTXT_OBEY": job.robots,
        "CONCURRENT_REQUESTS": o.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": o.per_host_concurrency,
        "DOWNLOAD_DELAY": o.download_delay,
        "AUTOTHROTTLE_ENABLED": o.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(o.download_delay, 0.05),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(max(o.per_host_concurrency, 1)),
        "AUTOTHROTTLE_MAX_DELAY": 10.0,
        "DOWNLOAD_TIMEOUT": o.page_timeout,
        # no Scrapy max size: it drops a page whose declared length is over it before reading a byte;
        # the spider stops every download at max_page_bytes instead and keeps what it has (cut and kept)
        "DOWNLOAD_MAXSIZE": 0,
        "DOWNLOAD_WARNSIZE": 0,
        "DNS_TIMEOUT": min(o.page_timeout, 20),
        "RETRY_ENABLED": o.retries > 0,
        "RETRY_TIMES": o.retries,
        "CLOSESPIDER_TIMEOUT": o.crawl_timeout,
        "DEPTH_LIMIT": 0,  # depth is enforced by the spider (it knows SPA routes)
        "DEPTH_STATS_VERBOSE": False,
        "HTTPERROR_ALLOW_ALL": True,  # a 404 is a fact to record
        "METAREFRESH_ENABLED": False,  # refresh targets are recorded as links, followed if in scope
        "COOKIES_ENABLED": True,
        "REDIRECT_MAX_TIMES": 5,
        # breadth-first within priorities
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
        "TWISTED_DNS_RESOLVER": "crawler.middlewares.PolicyResolver",
        "DNSCACHE_ENABLED": True,
        "STOREWATCH_ADDRESS_POLICY": {
            "allow_loopback": o.allow_loopback,
            "allow_private": o.allow_private,
            "allowed_networks": list(o.allowed_networks),
        },
        "DOWNLOADER_MIDDLEWARES": {
            # no Accept-Encoding: the archived body is the body the server sent; a server that
            # compresses anyway is decoded by the spider within the size cap (download bombs)
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawler.middlewares.SafetyMiddleware": 45,
            "crawler.middlewares.BudgetMiddleware": 60,
            "crawler.middlewares.RenderContextMiddleware": 70,
            "crawler.middlewares.BackoffMiddleware": 560,
            "crawler.middlewares.RedirectGuardMiddleware": 650,
        },
        "ITEM_PIPELINES": {
            "pipelines.extract.ExtractPipeline": 100,
            "pipelines.evidence.EvidencePipeline": 200,
            "pipelines.ocr.OcrPipeline": 300,
            "pipelines.subresources.SubresourcePipeline": 320,  # CSS, images, fonts, scripts for replay
            "pipelines.design.DesignPipeline": 350,  # close_spider after analysis: design copying (Art. 15(3))
            "pipelines.collect.CollectPipeline": 900,
            "pipelines.analyze.AnalyzePipeline": 950,  # close_spider: the rule engine over the pages
        },
        # storewatch's switches of its pipelines (NotConfigured when off)
        "STOREWATCH_ANALYZE": bool(getattr(job, "analyze", True)),
        "STOREWATCH_OCR": bool(o.ocr),
        "STOREWATCH_SUBRESOURCES": o.subresources_per_page > 0,
        "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
    }
    if o.render != "never":
        handler = "crawler.tabs.RenderHandler"  # scrapy-playwright's, reusing the tabs of finished renders
        launch: dict[str, Any] = {
            "headless": True,
            "executable_path": o.chromium_path,
            "args": list(CHROMIUM_ARGS),
            "timeout": 30_000,
        }
        s.update({
            "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(o.render_timeout * 1000),
            # render_concurrency pages in flight per context; two contexts: the current one and one
            # being retired (it finishes its pages while the next starts; crawler.state)
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": max(int(o.render_concurrency), 1),
            "PLAYWRIGHT_MAX_CONTEXTS": 2,
            "PLAYWRIGHT_ABORT_REQUEST": "crawler.middlewares.abort_browser_request",
            "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,  # the browser's own headers
        })
    return s
