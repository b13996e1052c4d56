"""Crawl queue with real parts: the private PostgreSQL cluster, 3 real `storewatch worker` processes
standing in for 3 machines, storefront sites over HTTP on 127.0.0.1, the real crawler.

Shown: every storefront of a schedule tick is crawled exactly once (a second defer is refused);
two storefronts on one host never crawl at the same time; a worker SIGKILLed mid-crawl takes its
crawl child with it, its job is retried by another worker after the heartbeat timeout, the lost
run is recorded interrupted and findings are not duplicated; SIGTERM drains a worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import config
from scheduler import Daemon
from shared.procs import pid_alive
from store.db import Store
from store.models import CrawlRun, DaemonState, Finding
from store.queue_status import queue_status
from tests.scheduler.conftest import CRAWLER, CRAWLER_ENV, ROOT, Sites, add_storefront, wait_for
from tests.store.conftest import pg_cluster_handle, postgres_url  # noqa: F401 - the session's PostgreSQL cluster

BEAT = {"worker_heartbeat_interval": "0.5s", "worker_stalled_after": "2s"}


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Store]:  # noqa: F811
    name = f"q{time.monotonic_ns() % 10**12}"
    admin = Store(postgres_url)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = Store(postgres_url.rsplit("/", 1)[0] + "/" + name)
    store.upgrade()
    yield store
    store.dispose()
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Workers:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.tmp, self.url, self.procs = tmp_path, url, []

    def start(self, n: int) -> list[subprocess.Popen[bytes]]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
        env.update(PYTHONPATH=str(ROOT), STOREWATCH_LOG__LEVEL="INFO", **CRAWLER_ENV,
                   **{f"STOREWATCH_SCHEDULER__{k.upper()}": v for k, v in BEAT.items()})
        for _ in range(n):
            i = len(self.procs) + 1
            with open(self.tmp / f"worker{i}.log", "wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "cli", "--data-dir", str(self.tmp / "data"), "--database-url", self.url,
                     "worker", "--name", f"w{i}", "--stop-grace", "5"],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        return self.procs[-n:]

    def logs(self) -> str:
        return "\n".join((self.tmp / f"worker{i + 1}.log").read_text(errors="replace") for i in range(len(self.procs)))


@pytest.fixture
def workers(tmp_path: Path, pg: Store) -> Iterator[Workers]:
    w = Workers(tmp_path, pg.url)
    yield w
    for p in w.procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    with pg.session() as s:  # crawl children, should one have outlived its worker
        for pid in s.scalars(select(CrawlRun.pid).where(CrawlRun.pid.is_not(None))):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def daemon(tmp_path: Path, pg: Store) -> Daemon:
    settings = config.load(overrides={"data_dir": tmp_path / "data", "database_url": pg.url, "crawler": CRAWLER,
                                      "scheduler": {"dispatch": "queue", "crawl_wall_limit": "60s", **BEAT}},
                           environ={})
    return Daemon(settings, term_grace=1.0)


def site(text_: str, sid: int, delay: float = 0.0) -> tuple[Sites, str]:
    s = Sites()
    return s, s.page(f"/s{sid}/", text_, delay=delay)


def jobs(pg: Store) -> dict[str, int]:
    with pg.session() as s:
        return {str(k): int(v) for k, v in s.execute(text("SELECT status, count(*) FROM procrastinate_jobs "
                                                          "GROUP BY status"))}


def runs(pg: Store) -> list[CrawlRun]:
    with pg.session() as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


@pytest.mark.integration
def test_three_workers_crawl_each_storefront_once_and_never_one_host_twice_at_once(
        tmp_path: Path, pg: Store, workers: Workers) -> None:
    servers = [site("本店茶叶为国家级产品", sid) for sid in (1, 2, 3)]
    shared = Sites()  # storefronts 4 and 5: one host, slow pages
    for sid, (_, url) in enumerate(servers, start=1):
        add_storefront(pg, sid, url)
    for sid in (4, 5):
        add_storefront(pg, sid, shared.page(f"/s{sid}/", "品质优良", delay=1.0))
    d = daemon(tmp_path, pg)
    assert [d.crawl(sid) for sid in range(1, 6)] == [True] * 5  # one schedule tick
    assert [d.crawl(sid) for sid in range(1, 6)] == [False] * 5  # queued already: refused
    workers.start(3)
    wait_for(lambda: jobs(pg).get("succeeded") == 5, timeout=180, what="5 crawl jobs to succeed")
    done = runs(pg)
    assert sorted(r.storefront_id for r in done) == [1, 2, 3, 4, 5]  # each exactly once
    assert {r.status for r in done} == {"complete"}
    a, b = (r for r in done if r.storefront_id in (4, 5))
    assert a.finished_at <= b.started_at or b.finished_at <= a.started_at  # the host lock held
    assert jobs(pg) == {"succeeded": 5}  # nothing running or waiting: every lock released
    with pg.session() as s:
        q = queue_status(s, 2.0)
        assert q is not None and q["depth"] == 0 and not q["stalled"]
        assert sorted(w["name"] for w in q["workers"] if w["state"] == "alive") == ["w1", "w2", "w3"]
        assert len(s.scalars(select(Finding).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).all()) == 3
    for p in workers.procs:  # SIGTERM drains: each exits, unregistered
        p.send_signal(signal.SIGTERM)
    assert [p.wait(timeout=60) for p in workers.procs] == [0, 0, 0]
    with pg.session() as s:
        assert s.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() == 0
        assert not s.scalars(select(DaemonState).where(DaemonState.key.like("worker:%"))).all()
    for srv, _ in [*servers, (shared, "")]:
        srv.server.shutdown()


@pytest.mark.integration
def test_a_worker_killed_mid_crawl_loses_no_job_and_duplicates_nothing(
        tmp_path: Path, pg: Store, workers: Workers) -> None:
    slow, url = site("本店茶叶为国家级产品", 1, delay=60.0)
    add_storefront(pg, 1, url)
    others = [site("品质优良", sid) for sid in (2, 3)]
    for sid, (_, u) in enumerate(others, start=2):
        add_storefront(pg, sid, u)
    workers.start(3)
    d = daemon(tmp_path, pg)
    for sid in (1, 2, 3):
        assert d.crawl(sid)
    wait_for(lambda: "/s1/" in slow.hits, timeout=120, what="the slow storefront to be mid-crawl")

    def holder() -> dict[str, Any] | None:
        with pg.session() as s:
            for row in s.scalars(select(DaemonState).where(DaemonState.key.like("worker:%"))):
                for r in row.value.get("running") or []:
                    if r.get("storefront_id") == 1 and r.get("pid"):
                        return dict(row.value, child=r["pid"])
        return None

    victim = wait_for(holder, timeout=30, what="the worker crawling storefront 1 to say so")
    os.kill(victim["pid"], signal.SIGKILL)
    wait_for(lambda: not pid_alive(victim["child"]), timeout=30, what="the crawl child to die with its worker")
    slow.page("/s1/", "本店茶叶为国家级产品", delay=0.0)  # the site is quick for the retry
    wait_for(lambda: jobs(pg).get("succeeded") == 3, timeout=180, what="all 3 jobs to succeed, one after a retry")
    by_shop: dict[int, list[str]] = {}
    for r in runs(pg):
        by_shop.setdefault(r.storefront_id, []).append(r.status)
    assert by_shop == {1: ["interrupted", "complete"], 2: ["complete"], 3: ["complete"]}
    with pg.session() as s:
        lost = s.scalars(select(CrawlRun).where(CrawlRun.status == "interrupted")).one()
        assert "worker lost" in (lost.error or "")
        assert len(s.scalars(select(Finding).where(Finding.storefront_id == 1,
                                                   Finding.rule_id == "AD-ABSOLUTE-TERM")).all()) == 1
        attempts = s.execute(text("SELECT attempts FROM procrastinate_jobs WHERE queueing_lock = 'storefront:1'")).all()
    assert attempts == [(2,)]  # one job, two attempts: never queued twice
    assert jobs(pg) == {"succeeded": 3}
    for srv, _ in [(slow, ""), *others]:
        srv.server.shutdown()


def test_queue_dispatch_on_the_sqlite_store_is_a_clear_settings_error(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="scheduler.dispatch.*PostgreSQL"):
        config.load(overrides={"data_dir": tmp_path, "scheduler": {"dispatch": "queue"}}, environ={})
    with pytest.raises(config.ConfigError, match="worker_stalled_after"):
        config.load(overrides={"scheduler": {"worker_heartbeat_interval": "10s", "worker_stalled_after": "15s"}},
                    environ={})


def test_a_worker_without_postgresql_exits_2_naming_database_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    proc = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path), "worker"], cwd=ROOT,
                          env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "database_url" in proc.stderr and "PostgreSQL" in proc.stderr


def test_a_worker_on_a_store_without_the_queue_tables_exits_2(tmp_path: Path, pg: Store) -> None:
    with pg.session() as s:
        s.execute(text("DROP TABLE procrastinate_jobs CASCADE"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    proc = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path), "--database-url", pg.url,
                           "worker"], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and "procrastinate_jobs" in proc.stderr and "storewatch init" in proc.stderr


@pytest.mark.integration
def test_the_daemon_in_queue_mode_defers_a_worker_crawls_and_sigterm_drains_it(
        tmp_path: Path, pg: Store, workers: Workers) -> None:
    srv, url = site("本店茶叶为国家级产品", 1)
    add_storefront(pg, 1, url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    env.update(PYTHONPATH=str(ROOT), STOREWATCH_LOG__LEVEL="INFO", STOREWATCH_SCHEDULER__DISPATCH="queue",
               STOREWATCH_SCHEDULER__HEARTBEAT_INTERVAL="1s", **CRAWLER_ENV,
               **{f"STOREWATCH_SCHEDULER__{k.upper()}": v for k, v in BEAT.items()})
    base = [sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "--database-url", pg.url]
    with open(tmp_path / "daemon.log", "wb") as out:
        daemon_proc = subprocess.Popen([*base, "run", "--no-web", "--crawl-every", "3s", "--crawl-now"], cwd=ROOT,
                                       env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        (w1,) = workers.start(1)

        def completed() -> int:
            return sum(1 for r in runs(pg) if r.status == "complete")

        wait_for(lambda: completed() >= 2, timeout=180, what="two scheduled crawls through the queue")
        status = subprocess.run([*base, "status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert status.returncode == 0, status.stderr
        assert "dispatch: queue" in status.stdout and "workers: 1 alive" in status.stdout
        done = [r for r in runs(pg) if r.status == "complete"]
        assert all(a.finished_at <= b.started_at for a, b in zip(done, done[1:], strict=False))  # one at a time
        assert not list((tmp_path / "data" / "run").glob("crawl-*.pid"))  # the daemon itself crawled nothing
        srv.page("/s1/", "本店茶叶为国家级产品", delay=60.0)  # the next crawl hangs on the page
        seen = srv.hits.count("/s1/")
        wait_for(lambda: srv.hits.count("/s1/") > seen, timeout=120, what="a crawl mid-page")
        w1.send_signal(signal.SIGTERM)  # drain: the crawl is stopped, recorded, its job queued again
        assert w1.wait(timeout=60) == 0
    finally:
        daemon_proc.send_signal(signal.SIGTERM)
        daemon_proc.wait(timeout=60)
    last = runs(pg)[-1]
    assert last.status == "interrupted"
    with pg.session() as s:
        waiting = s.execute(text("SELECT status, attempts FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))
        assert waiting.all() == [("todo", 1)]  # back in the queue for another worker: not lost
        assert len(s.scalars(select(Finding).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).all()) == 1
    srv.server.shutdown()


@pytest.mark.integration
def test_postgresql_restarted_mid_run_loses_no_job(tmp_path: Path) -> None:
    """Its own cluster, restarted while a crawl runs; workers that exit are restarted (as systemd would)."""
    with pg_cluster_handle() as cluster:
        store = Store(cluster.url)
        store.upgrade()
        slow, url = site("本店茶叶为国家级产品", 1, delay=4.0)
        add_storefront(store, 1, url)
        quick = [site("品质优良", sid) for sid in (2, 3)]
        for sid, (_, u) in enumerate(quick, start=2):
            add_storefront(store, sid, u)
        w = Workers(tmp_path, store.url)
        try:
            w.start(2)
            d = daemon(tmp_path, store)
            assert all(d.crawl(sid) for sid in (1, 2, 3))
            wait_for(lambda: "/s1/" in slow.hits, timeout=120, what="a crawl mid-page")
            store.dispose()
            cluster.restart()
            restarts = 0

            def all_done() -> bool:
                nonlocal restarts
                for i, p in enumerate(w.procs):  # the supervisor's part
                    if p.poll() is not None and restarts < 6:
                        restarts += 1
                        w.procs[i] = w.start(1)[0]
                        w.procs.pop()
                try:
                    return jobs(store).get("succeeded") == 3
                except Exception:  # noqa: BLE001 - the server is still coming back
                    return False

            wait_for(all_done, timeout=240, what="every job to succeed after the restart")
        finally:
            for p in w.procs:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        by_shop: dict[int, list[str]] = {}
        for r in runs(store):
            by_shop.setdefault(r.storefront_id, []).append(r.status)
        assert sorted(by_shop) == [1, 2, 3] and all(st[-1] == "complete" for st in by_shop.values()), by_shop
        assert jobs(store) == {"succeeded": 3}
        with store.session() as s:
            assert len(s.scalars(select(Finding).where(Finding.rule_id == "AD-ABSOLUTE-TERM")).all()) == 1
        store.dispose()
        for srv, _ in [(slow, ""), *quick]:
            srv.server.shutdown()


@pytest.mark.integration
def test_a_worker_declared_lost_while_alive_kills_its_crawl_and_exits(
        tmp_path: Path, pg: Store, workers: Workers) -> None:
    slow, url = site("本店茶叶为国家级产品", 1, delay=60.0)
    add_storefront(pg, 1, url)
    (w1,) = workers.start(1)
    assert daemon(tmp_path, pg).crawl(1)
    wait_for(lambda: "/s1/" in slow.hits, timeout=120, what="the crawl mid-page")
    with pg.session() as s:  # what the others do to a worker whose heartbeat went stale
        (child,) = s.scalars(select(CrawlRun.pid).where(CrawlRun.status == "running")).all()
        s.execute(text("DELETE FROM procrastinate_workers"))
    assert w1.wait(timeout=60) == 3
    assert not pid_alive(child)
    assert "declared lost" in workers.logs()
    slow.server.shutdown()
