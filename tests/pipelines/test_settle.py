"""The parent writes a run's status only when the child could not (one writer of a run's status)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from crawler.job import CrawlJob, Places
from crawler.runner import run_crawl
from pipelines.store import settle_run
from store.db import Store
from store.lifecycle import finish_run, start_run
from store.models import CrawlRun, Storefront


def _store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'sw.db'}")
    store.upgrade()
    with store.session() as s:
        s.add(Storefront(id=1, name="西宁测试网店", uscc="91630100MA7500000Q", domain="127.0.0.1:9"))
    return store


def _job() -> CrawlJob:
    return CrawlJob(start_url="http://127.0.0.1:9/", evidence="1/r", storefront_id=1, record=True, trigger="schedule")


def test_a_finished_run_is_never_rewritten_nor_duplicated(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.session() as s:
        run = start_run(s, 1, "schedule", pid=4242)
        finish_run(s, run, "complete")
        rid = run.id
    # a stop arrives while the child is exiting: the parent saw "interrupted", the child had finished
    assert settle_run(store.url, _job(), rid, "interrupted", "stopped", 4242) == "complete"
    with store.session() as s:
        assert [(r.id, r.status) for r in s.scalars(select(CrawlRun))] == [(rid, "complete")]


def test_a_run_left_running_is_finished_by_the_parent_found_by_pid_without_run_json(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.session() as s:
        rid = start_run(s, 1, "schedule", pid=4243).id
    assert settle_run(store.url, _job(), None, "failed", "killed after wall-clock limit (3s)", 4243) == "failed"
    with store.session() as s:
        runs = s.scalars(select(CrawlRun)).all()
        assert [(r.id, r.status, r.error) for r in runs] == [(rid, "failed", "killed after wall-clock limit (3s)")]


def test_a_child_that_died_before_its_run_leaves_one_failed_run(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert settle_run(store.url, _job(), None, "failed", "crawl process exited with code 1", 99999) == "failed"
    with store.session() as s:
        run = s.scalars(select(CrawlRun)).one()
        assert (run.status, run.trigger, run.pid) == ("failed", "schedule", 99999)


def test_the_child_owns_its_run_and_the_job_file_holds_no_store_url(tmp_path: Path) -> None:
    store = _store(tmp_path)
    places = Places(evidence_root=str(tmp_path / "evidence"), data_dir=str(tmp_path),
                    database_url=store.url)
    outcome = run_crawl(_job(), places, limit=120)
    out = tmp_path / "evidence" / "1" / "r"
    assert store.url not in (out / "job.json").read_text(encoding="utf-8")
    rid = json.loads((out / "run.json").read_text(encoding="utf-8"))["crawl_run_id"]
    with store.session() as s:
        run = s.scalars(select(CrawlRun)).one()  # nothing listens on port 9: one unreachable run
        assert (run.id, run.status, run.pid) == (rid, "unreachable", outcome.pid)
    assert outcome.status == "unreachable" and outcome.crawl_run_id == rid
    assert (out / "crawl.log").read_text(encoding="utf-8")  # the run's own log
