"""The crawl child process: ``python -m crawler.run --job job.json``.

Runs one :class:`crawler.job.CrawlJob` to the end: Scrapy crawl (spider + pipelines), then
analysis, PDFs, outputs and the WARC's atomic close (``pipelines.finish``). Exit code 0 when the
run finished (whatever the site did: an unreachable site is a result), 1 when the crawl itself
could not run. Scrapy's reactor cannot restart, hence one process per crawl.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob
from crawler.state import RunState
from evidence.timefmt import utc_iso
from evidence.warc import WarcArchive

log = logging.getLogger(__name__)


def run_job(job: CrawlJob) -> dict[str, Any]:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.gate import close_gate, launch_options, open_gate
    from crawler.middlewares import BrowserGuard, set_browser_guard
    from crawler.settings import scrapy_settings
    from pipelines.finish import finish_run
    from spiders.storefront import StorefrontSpider

    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = RunState(job)
    state.started_at = utc_iso()
    digest = job.options.digest()
    state.run_info = {"run_id": job.run_id, "storefront_id": job.storefront_id, "storewatch_version": job.version,
                      "settings_digest": digest, "render_mode": job.options.render}
    state.archive = WarcArchive(job.warc_path, info={
        "software": f"storewatch/{job.version}", "format": "WARC File Format 1.1", "run-id": job.run_id,
        "storefront-id": job.storefront_id or "", "start-url": job.start_url, "settings-digest": digest,
        "settings": json.dumps(job.options.to_dict(), ensure_ascii=False, sort_keys=True),
        "robots": "obeyed" if job.robots else "ignored (override)", "started-at": state.started_at,
    })
    state.out = open(out_dir / "pages.jsonl", "w", encoding="utf-8")  # noqa: SIM115
    gate = open_gate(state) if job.options.render != "never" else None
    guard = BrowserGuard(state, gate.records) if gate is not None else None
    set_browser_guard(guard)
    settings = Settings(scrapy_settings(job))
    settings.set("LOG_LEVEL", job.log_level)
    if gate is not None:  # every byte Chromium fetches goes through the gate
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch_options(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"), gate))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(StorefrontSpider)

    def closed(spider: Any, reason: str) -> None:
        state.close_reason = reason
        if reason == "closespider_timeout":
            state.cut(job.start_url, f"crawl time limit of {job.options.crawl_timeout:g} s reached")

    crawler.signals.connect(closed, signal=signals.spider_closed)
    try:
        try:
            process.crawl(crawler, state=state)
            process.start()
        finally:
            state.out.close()
        if gate is not None:
            for c in list(gate.records.cuts):
                state.cut(c["url"], c["reason"])
        return finish_run(state, guard)
    finally:
        close_gate(gate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--job", required=True, type=Path, help="job JSON written by the parent")
    args = parser.parse_args(argv)
    job = CrawlJob.load(args.job)
    try:
        summary = run_job(job)
    except Exception:
        log.exception("crawl of %s failed", job.start_url)
        return 1
    print(json.dumps({"status": summary["status"], "pages": summary["pages_fetched"],
                      "findings": summary["findings"]}, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
