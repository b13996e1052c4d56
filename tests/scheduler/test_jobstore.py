"""Schedules live in the store's database (SQLite and PostgreSQL) and survive a restart unchanged."""

from __future__ import annotations

from pathlib import Path

import config
from scheduler import Daemon, Overrides
from store.db import Store
from store.models import Storefront
from store.status import collect_status
from tests.store.conftest import postgres_url, store  # noqa: F401 - fixtures on both backends


def daemon(tmp_path: Path, st: Store, **over: float) -> Daemon:
    settings = config.load(overrides={"data_dir": tmp_path / "data", "database_url": st.url}, environ={})
    d = Daemon(settings, overrides=Overrides(**over))
    d.scheduler = d._build()
    d.scheduler.start(paused=True)
    d._static_jobs()
    d.sync_jobs()
    return d


def test_jobs_persist_across_restart_and_follow_the_registry(tmp_path: Path, store: Store) -> None:  # noqa: F811
    with store.session() as s:
        for i in (1, 2, 3):
            s.add(Storefront(id=i, name=f"店{i}", uscc=f"91630100MA75000{i:02d}Q", domain=f"s{i}.example.cn",
                             schedule="12h" if i == 3 else None))
    first = daemon(tmp_path, store)
    jobs = {j.id: j for j in first.scheduler.get_jobs()}
    assert set(jobs) == {"crawl-1", "crawl-2", "crawl-3", "heartbeat", "index-sync", "alerts", "digest-daily",
                         "digest-weekly", "retention", "rechecks"}
    assert jobs["crawl-3"].trigger.interval.total_seconds() == 12 * 3600
    assert jobs["crawl-1"].trigger.interval.total_seconds() == 86400
    assert (jobs["crawl-1"].coalesce, jobs["crawl-1"].max_instances, jobs["crawl-1"].misfire_grace_time) == (True, 1, 3600)
    assert str(jobs["digest-daily"].trigger) == "cron[hour='8', minute='0']"
    assert str(jobs["digest-weekly"].trigger) == "cron[day_of_week='mon', hour='8', minute='0']"
    assert jobs["digest-daily"].next_run_time.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai
    before = {j.id: j.next_run_time for j in first.scheduler.get_jobs()}
    first.scheduler.shutdown(wait=False)
    with store.session() as s:
        s.get(Storefront, 2).active = False
    second = daemon(tmp_path, store)
    after = {j.id: j.next_run_time for j in second.scheduler.get_jobs()}
    assert "crawl-2" not in after
    assert after["crawl-1"] == before["crawl-1"] and after["digest-daily"] == before["digest-daily"]
    info = collect_status(second.settings)
    assert {j["job"] for j in info["next_runs"]} >= {"crawl-1", "crawl-3", "digest-daily"}
    second.scheduler.shutdown(wait=False)
    third = daemon(tmp_path, store, crawl_every=30.0, digest_every=120.0)  # demo overrides replace triggers
    jobs = {j.id: j for j in third.scheduler.get_jobs()}
    assert jobs["crawl-1"].trigger.interval.total_seconds() == 30
    assert jobs["digest-daily"].trigger.interval.total_seconds() == 120
    third.scheduler.shutdown(wait=False)
    for d in (first, second, third):
        d.store.dispose()


def test_schedule_command_sets_the_per_storefront_interval(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cli

    for k in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    st = Store(f"sqlite:///{tmp_path / 'j.db'}")
    st.upgrade()
    with st.session() as s:
        s.add(Storefront(id=7, name="店7", uscc="91630100MA7500007Q", domain="s7.example.cn"))
    args = ["--data-dir", str(tmp_path / "data"), "--database-url", st.url, "schedule", "7"]
    assert cli.main([*args, "12h"]) == 0
    assert "crawled every 12h" in capsys.readouterr().out
    assert cli.main([*args, "5s"]) == 2 and cli.main([*args, "soon"]) == 2
    d = daemon(tmp_path, st)
    assert {j.id: j.trigger.interval.total_seconds() for j in d.scheduler.get_jobs()
            if j.id.startswith("crawl-")} == {"crawl-7": 12 * 3600}
    assert cli.main([*args, "default"]) == 0
    d.sync_jobs()  # what the heartbeat does
    assert d.scheduler.get_job("crawl-7").trigger.interval.total_seconds() == 86400
    d.scheduler.shutdown(wait=False)
    d.store.dispose()
