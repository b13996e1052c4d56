"""Crawling registered storefronts into the store (``storewatch crawl`` and the scheduler).

For each storefront: create the CrawlRun row (``running``), run the crawl child with the store's
URL so it records pages and findings itself, then, if the child died or was killed, mark the run
``interrupted``/``failed`` — never leave a run ``running`` and never call a dead site compliant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob, new_run_id
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


def job_for(sf: Any, settings: Any, options: CrawlOptions, trigger: str, crawl_run_id: int | None) -> CrawlJob:
    run_id = new_run_id()
    evidence_root = Path(getattr(settings, "evidence_dir", Path(settings.data_dir) / "evidence"))
    allow = tuple(f"{a.rule_id}:{a.match or ''}" for a in getattr(sf, "allow_list", []) or [])
    return CrawlJob(start_url=start_url_of(sf), out_dir=str((evidence_root / str(sf.id) / run_id).resolve()),
                    options=options, run_id=run_id, storefront_id=sf.id, hosts=(host_key(sf.domain),),
                    registry=registry_of(sf), allow_list=allow, obey_robots=sf.obey_robots,
                    database_url=settings.db_url, crawl_run_id=crawl_run_id, trigger=trigger,
                    ocr_cache_dir=str(Path(settings.data_dir) / "ocr-cache"))


def crawl_storefronts(settings: Any, options: CrawlOptions, ids: Sequence[int] | None,
                      trigger: str = "manual") -> list[tuple[int, CrawlOutcome]]:
    from sqlalchemy import select

    from errors import InputError
    from store.db import Store
    from store.lifecycle import finish_run, start_run
    from store.models import CrawlRun, Storefront

    store = Store.from_settings(settings)
    with store.session() as s:
        q = select(Storefront).where(Storefront.active.is_(True)) if ids is None \
            else select(Storefront).where(Storefront.id.in_(list(ids)))
        storefronts = list(s.scalars(q).all())
        for sf in storefronts:
            _ = list(sf.allow_list)  # load before the session closes
    if ids is not None and len(storefronts) != len(set(ids)):
        missing = set(ids) - {sf.id for sf in storefronts}
        raise InputError(f"no storefront with id {', '.join(map(str, sorted(missing)))} in the store")
    results = []
    for sf in storefronts:
        with store.session() as s:
            run = start_run(s, sf.id, trigger, settings_digest=options.digest())
            run_id = run.id
        job = job_for(sf, settings, options, trigger, run_id)
        outcome = run_crawl(job)
        if outcome.status in ("failed", "interrupted"):
            with store.session() as s:
                row = s.get(CrawlRun, run_id)
                if row is not None and row.status == "running":
                    finish_run(s, row, outcome.status, error=outcome.error or "crawl process failed")
        results.append((sf.id, outcome))
    return results
