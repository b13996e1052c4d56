"""Crawl jobs for registered storefronts (``storewatch crawl``, the daemon, workers).

The store's rows become plain :class:`crawler.job.CrawlJob` values here (pipelines/ is where
crawling meets storage); :func:`crawl_storefronts` runs them one after the other through the one
runner, :func:`crawler.runner.run_crawl`. The child records each run itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from crawler.job import CrawlJob, Places, new_run_id
from crawler.options import CrawlOptions
from crawler.runner import CrawlOutcome, run_crawl
from crawler.safety import host_key

log = logging.getLogger(__name__)


def start_url_of(sf: Any) -> str:
    if getattr(sf, "start_url", ""):
        return str(sf.start_url)
    domain = str(sf.domain).strip()
    return domain if "://" in domain else f"http://{domain}/"


def registry_of(sf: Any) -> dict[str, Any]:
    fields = ("name", "uscc", "entity_type", "site_name", "domain", "ip", "site_type", "icp", "isp",
              "server_location", "contact", "police_filing")
    d = {f: getattr(sf, f, "") or "" for f in fields}
    d["storefront_id"] = sf.id
    return d


def job_for(sf: Any, options: CrawlOptions, trigger: str) -> CrawlJob:
    """The job of one crawl of storefront row ``sf`` (its allow-list loaded); evidence by name."""
    run_id = new_run_id()
    allow = tuple(f"{a.rule_id}:{a.match or ''}" for a in getattr(sf, "allow_list", []) or [])
    return CrawlJob(start_url=start_url_of(sf), evidence=f"{sf.id}/{run_id}", options=options, run_id=run_id,
                    storefront_id=sf.id, hosts=(host_key(sf.domain),), registry=registry_of(sf),
                    allow_list=allow, obey_robots=sf.obey_robots, record=True, trigger=trigger)


def load_storefronts(store: Any, ids: Sequence[int] | None) -> list[Any]:
    """Active storefronts (``ids`` None) or exactly ``ids`` (InputError naming the missing ones)."""
    from sqlalchemy import select

    from errors import InputError
    from store.models import Storefront

    with store.session() as s:
        q = select(Storefront).where(Storefront.active.is_(True)) if ids is None \
            else select(Storefront).where(Storefront.id.in_(list(ids)))
        storefronts = list(s.scalars(q).all())
        for sf in storefronts:
            _ = list(sf.allow_list)  # load before the session closes
    if ids is not None and len(storefronts) != len(set(ids)):
        missing = set(ids) - {sf.id for sf in storefronts}
        raise InputError(f"no storefront with id {', '.join(map(str, sorted(missing)))} in the store")
    return storefronts


def wall_limit(settings: Any) -> float:
    """The one wall-clock limit of a crawl child (``scheduler.crawl_wall_limit``)."""
    return float(settings.scheduler.crawl_wall_limit)


def crawl_storefronts(settings: Any, options: CrawlOptions, ids: Sequence[int] | None,
                      trigger: str = "manual", stderr: Any = None) -> list[tuple[int, CrawlOutcome]]:
    from store.db import Store

    store = Store.from_settings(settings)
    try:
        storefronts = load_storefronts(store, ids)
    finally:
        store.dispose()
    places = Places.from_settings(settings)
    results = []
    for sf in storefronts:
        outcome = run_crawl(job_for(sf, options, trigger), places, limit=wall_limit(settings), stderr=stderr)
        results.append((sf.id, outcome))
    return results
