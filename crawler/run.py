"""The crawl child process: ``python -m crawler.run --job job.json`` (places as JSON on stdin).

Runs one :class:`crawler.job.CrawlJob` to the end and owns its run record from start to finish:
when the job is ``record``, it creates the store's CrawlRun row first (``running``, its pid) and
writes the row's id to ``run.json`` for the parent, then crawls (spider + pipelines), analyses,
prints PDFs, closes the WARC atomically and records pages, findings and the final status
(``pipelines.finish.close_run`` on Scrapy's ``spider_closed``, before the reactor stops). If the
crawl itself breaks, it marks the run ``failed``.
SIGTERM stops the crawl gracefully; what was fetched is kept and the run is ``interrupted``.

Exit code 0 when the run finished (whatever the site did: an unreachable site is a result), 1 when
the crawl itself could not run. Scrapy's reactor cannot restart, hence one process per crawl.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from crawler.environment import capture_environment
from crawler.job import CrawlJob, Places, warc_name
from crawler.state import RunState
from evidence.timefmt import utc_iso
from evidence.warc import WarcArchive
from pipelines.judge import WORKER_MIN_PAGES, start_early

log = logging.getLogger(__name__)
RUN_FILE = "run.json"  # {"crawl_run_id": N}: the store row this child owns


def run_job(job: CrawlJob, places: Places, crawl_run_id: int | None = None) -> dict[str, Any]:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.gate import close_gate, launch_options, open_gate
    from crawler.middlewares import BrowserGuard, set_browser_guard
    from crawler.settings import scrapy_settings
    from pipelines.finish import close_run
    from spiders.storefront import StorefrontSpider

    out_dir = places.out_dir(job)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = RunState(job, out_dir=out_dir, ocr_cache_dir=places.ocr_cache_dir, crawl_run_id=crawl_run_id)
    state.started_at = utc_iso()
    digest = job.settings_digest
    env = capture_environment(job.start_url, state.policy, job.options.chromium_path, job.options.render)
    state.run_info = {"run_id": job.run_id, "storefront_id": job.storefront_id, "storewatch_version": job.version,
                      "settings_digest": digest, "render_mode": job.options.render,
                      "browser_version": env["browser-version"], "crawler_host": env["crawler-host"],
                      "crawler_ip": env["crawler-ip"]}
    # addressed by name under the evidence root (a moved data folder still verifies); ad-hoc scans by path
    name = str(out_dir / warc_name(job)) if Path(job.evidence).is_absolute() else \
        (Path(job.evidence) / warc_name(job)).as_posix()
    state.archive = WarcArchive(out_dir / warc_name(job), name=name, info={
        "software": f"storewatch/{job.version}", "format": "WARC File Format 1.1", "run-id": job.run_id,
        "storefront-id": job.storefront_id or "", "start-url": job.start_url, "settings-digest": digest,
        "settings": json.dumps(job.options.to_dict(), ensure_ascii=False, sort_keys=True),
        "robots": "obeyed" if job.robots else "ignored (override)", "started-at": state.started_at, **env,
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

    record = None
    if job.record and crawl_run_id is not None:
        from pipelines.store import store_run

        def record(st: Any, summary: dict[str, Any]) -> None:
            store_run(places.database_url, crawl_run_id, st, st.findings, summary)

    ended: dict[str, Any] = {}

    async def closed(spider: Any, reason: str) -> None:
        # the run ends inside the crawl, on its loop (Scrapy logs, not raises, a handler's error: kept here)
        try:
            ended["summary"] = await close_run(state, guard, reason, record)
        except BaseException as exc:
            ended["error"] = exc
            raise

    crawler.signals.connect(closed, signal=signals.spider_closed)
    try:
        try:
            process.crawl(crawler, state=state)
            process.start()
        finally:
            state.out.close()
    finally:
        close_gate(gate)
    if "error" in ended:
        raise ended["error"]
    if "summary" not in ended:
        raise RuntimeError("the crawl stopped before its run was closed")
    return dict(ended["summary"])


def _write_run_file(out_dir: Path, crawl_run_id: int) -> None:
    tmp = out_dir / (RUN_FILE + ".part")
    tmp.write_text(json.dumps({"crawl_run_id": crawl_run_id, "pid": os.getpid()}), encoding="utf-8")
    os.replace(tmp, out_dir / RUN_FILE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--job", required=True, type=Path, help="job JSON written by the parent")
    args = parser.parse_args(argv)
    job = CrawlJob.load(args.job)
    if job.analyze and job.options.max_pages >= WORKER_MIN_PAGES:
        start_early()  # the analysis worker starts beside this process's own start-up (pipelines.judge)
    raw = sys.stdin.read() if not sys.stdin.isatty() else ""
    places = Places.from_dict(json.loads(raw)) if raw.strip() else Places()
    crawl_run_id = None
    if job.record:
        if not places.database_url or job.storefront_id is None:
            log.error("job %s asks to be recorded but has no store or storefront", job.run_id)
            return 1
        from pipelines.store import open_run

        out_dir = places.out_dir(job)
        out_dir.mkdir(parents=True, exist_ok=True)
        crawl_run_id = open_run(places.database_url, job, os.getpid())
        _write_run_file(out_dir, crawl_run_id)
    try:
        summary = run_job(job, places, crawl_run_id)
    except Exception as exc:
        log.exception("crawl of %s failed", job.start_url)
        if crawl_run_id is not None:
            from pipelines.store import fail_run

            try:
                fail_run(places.database_url, crawl_run_id, "failed", f"crawl failed: {type(exc).__name__}: {exc}")
            except Exception:  # noqa: BLE001 - the parent marks it from run.json
                log.exception("could not mark run #%s failed", crawl_run_id)
        return 1
    print(json.dumps({"status": summary["status"], "pages": summary["pages_fetched"],
                      "findings": summary["findings"]}, ensure_ascii=False), file=sys.stderr)
    return 0


def _leave(code: int) -> None:
    """Exit once the run is written and closed, without the interpreter's teardown of the crawl's heap
    (pages, lexicon automata, the model: ~0.4 s after a 500-page crawl); logs and streams flushed first."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tracer writes its data at the interpreter's exit
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _leave(main())
