"""What happens around one crawl of a registered storefront, wherever it runs (the daemon's crawl
executor or a queue worker): the job, the one runner, then trusted timestamps, the log line and
case re-check linking. The child records the run itself (:mod:`crawler.run`)."""

from __future__ import annotations

import logging
from typing import Any

from crawler.job import CrawlJob, Places
from crawler.runner import CrawlOutcome

log = logging.getLogger("storewatch.scheduler")
FINISHED = ("complete", "partial", "unreachable")


def storefront_job(store: Any, sid: int, options: Any, trigger: str) -> CrawlJob | None:
    """The crawl job of active storefront ``sid``; None when it is inactive or gone."""
    from errors import InputError
    from pipelines.jobs import job_for, load_storefronts

    try:
        (shop,) = load_storefronts(store, [sid])
    except InputError:
        return None
    if not shop.active:
        return None
    return job_for(shop, options, trigger)


def after_crawl(settings: Any, store: Any, outcome: CrawlOutcome) -> None:
    """Timestamps (retried by the daemon when a TSA does not answer), the log line, re-check links."""
    from pipelines.timestamps import stamp_after_run

    sid = outcome.job.storefront_id
    try:
        stamp_after_run(settings, outcome.summary.get("warc"))
    except Exception:  # noqa: BLE001 - the run is recorded; stamping is retried
        log.exception("could not timestamp the run of storefront %s", sid)
    level = logging.INFO if outcome.status in FINISHED else logging.WARNING
    log.log(level, "crawl of storefront %s ended: exit %s, run #%s %s%s", sid, outcome.returncode,
            outcome.crawl_run_id or "?", outcome.status, f" ({outcome.error})" if outcome.error else "")
    try:  # any covering crawl after a case's recheck_at is its re-check (web/recheck.py)
        link_rechecks(store, sid)
    except Exception:  # noqa: BLE001 - the next rechecks job links it
        log.exception("could not link re-check results of storefront %s", sid)


def has_cases(store: Any) -> bool:
    from sqlalchemy import inspect

    with store.engine.connect() as conn:
        return bool(inspect(conn).has_table("cases"))


def link_rechecks(store: Any, sid: int | None = None) -> None:
    if has_cases(store):
        from web.recheck import link_rechecks as link

        link(store, sid)


def attempt_job(job: CrawlJob, attempt: int) -> CrawlJob:
    """Attempt ``attempt`` (0 first) of a queued job: each attempt its own run id and evidence folder,
    so a retry never writes into the half-written folder of a lost attempt."""
    if attempt <= 0:
        return job
    run_id = f"{job.run_id}-a{attempt}"
    base = job.evidence.rsplit("/", 1)[0] if "/" in job.evidence else ""
    return job.evolve(run_id=run_id, evidence=f"{base}/{run_id}" if base else run_id)


def settle_lost_attempts(places: Places, job: CrawlJob, attempt: int, why: str) -> list[int]:
    """Mark the runs of earlier attempts that are still ``running`` (their worker died) ``interrupted``;
    the crawl run ids settled. Their children died with their worker (``die_with_parent``)."""
    import json

    from pipelines.store import settle_run

    settled = []
    for k in range(attempt):
        prev = attempt_job(job, k)
        try:
            rid = json.loads((places.out_dir(prev) / "run.json").read_text(encoding="utf-8"))["crawl_run_id"]
        except (OSError, ValueError, KeyError):
            continue  # that attempt never created its run
        if settle_run(places.database_url, prev, int(rid), "interrupted", why, None) == "interrupted":
            settled.append(int(rid))
    return settled
