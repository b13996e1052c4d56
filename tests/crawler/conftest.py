"""Fixture storefronts on 127.0.0.1 and a helper that runs a real crawl (child process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.job import CrawlJob
from crawler.options import CrawlOptions
from crawler.runner import CrawlOutcome, run_crawl
from tests.crawler.sitekit import Site
from tests.crawler.storefronts import running_sites


@pytest.fixture(scope="session")
def sites() -> Iterator[dict[str, Site]]:
    with running_sites() as s:
        yield s


def test_options(**kw: Any) -> CrawlOptions:
    base = dict(allow_loopback=True, page_timeout=3.0, retries=0, autothrottle=False, render_timeout=10.0,
                render="never", crawl_timeout=120.0, ocr=True)
    base.update(kw)
    return CrawlOptions(**base)


def crawl(url: str, out_dir: Path, **kw: Any) -> CrawlOutcome:
    job_kw = {k: kw.pop(k) for k in ("obey_robots", "registry", "hosts") if k in kw}
    job = CrawlJob(start_url=url, evidence=str(out_dir), options=test_options(**kw), progress=False, **job_kw)
    return run_crawl(job)


def page(outcome: CrawlOutcome, path: str) -> dict[str, Any] | None:
    for p in outcome.pages:
        if p["url"].split("//", 1)[1].split("/", 1)[1:] == [path.lstrip("/")] or p["url"].endswith(path):
            return p
    return None


def text_of(p: dict[str, Any] | None) -> str:
    if not p or not p.get("page"):
        return ""
    return "\n".join(b["text"] for b in p["page"]["blocks"] if not b["hidden"])


def dump(outcome: CrawlOutcome) -> str:
    return json.dumps({"summary": outcome.summary, "pages": [(p["url"], p["status"], p["error"], p["cut_reason"])
                                                              for p in outcome.pages]}, ensure_ascii=False, indent=1)
