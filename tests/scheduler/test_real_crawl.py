"""End to end with the real `storewatch crawl` child (Scrapy, static pages): the daemon crawls a
storefront served over HTTP, the findings reach the store, and one digest reaches the SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from store.db import Store
from store.models import CrawlRun, Digest, Finding, PageRecord
from tests.alerts.conftest import SmtpServer
from tests.scheduler.conftest import ROOT, add_storefront, free_port, wait_for

HOME = ("<html><head><title>高原好物商城</title></head><body><h1>高原好物商城</h1>"
        "<p>本店枸杞为国家级特供产品，全网最低价，最终解释权归本店所有。</p>"
        "<a href='/item/1.html'>枸杞</a></body></html>")


@pytest.mark.integration
def test_daemon_runs_the_real_crawler_and_sends_its_findings(db: Store, sites: Any, smtp_server: SmtpServer,
                                                             tmp_path: Path) -> None:
    sites.pages["/"] = (HOME, 0.0)
    sites.page("/item/1.html", "宁夏枸杞 500克 价格 39元")
    add_storefront(db, 1, sites.base + "/")
    add_storefront(db, 2, f"http://127.0.0.1:{free_port()}/")  # offline
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    env.update(PYTHONPATH=str(ROOT), STOREWATCH_SMTP__HOST="127.0.0.1", STOREWATCH_SMTP__PORT=str(smtp_server.port),
               STOREWATCH_DIGEST__RECIPIENTS="bureau@example.cn", STOREWATCH_LOG__LEVEL="INFO",
               STOREWATCH_CRAWLER__ALLOW_LOOPBACK="true", STOREWATCH_CRAWLER__RENDER="never",
               STOREWATCH_CRAWLER__RETRIES="0", STOREWATCH_CRAWLER__PAGE_TIMEOUT="5",
               STOREWATCH_CRAWLER__MAX_PAGES="5", STOREWATCH_CRAWLER__OCR="false")
    log = tmp_path / "daemon.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "--database-url",
                                 db.url, "run", "--crawl-every", "10m", "--digest-every", "5s", "--sync-every", "2s",
                                 "--crawl-now", "--no-web"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def finished() -> bool:
            with db.session() as s:
                st = dict(s.execute(select(CrawlRun.storefront_id, CrawlRun.status)).all())
            return st.get(1) not in (None, "running") and st.get(2) not in (None, "running")

        wait_for(finished, timeout=180, what="both real crawls to finish")
        def texts() -> list[str]:
            return [m.get_body(preferencelist=("plain",)).get_content() for m in list(smtp_server.messages)]

        # the findings and the coverage gap arrive in one digest or two (the crawls end at different times)
        wait_for(lambda: any("无法访问" in t for t in texts()), timeout=60, what="a digest with the coverage gap")

        def settled() -> bool:  # the daemon keeps digesting every 5 s: wait until nothing is in flight
            with db.session() as s:
                ds = s.scalars(select(Digest).where(Digest.kind == "daily")).all()
                open_now = len([f for f in s.scalars(select(Finding)) if f.status == "open"])
            return bool(ds) and all(d.status == "sent" for d in ds) and \
                sum(d.summary["counts"]["carried"] for d in ds) == open_now

        wait_for(settled, timeout=60, what="every daily digest sent, carrying every open finding")
        with db.session() as s:
            runs = dict(s.execute(select(CrawlRun.storefront_id, CrawlRun.status)).all())
            triggers = set(s.scalars(select(CrawlRun.trigger)))
            n_pages = len(s.scalars(select(PageRecord.id)).all())
            findings = s.scalars(select(Finding)).all()
            digests = s.scalars(select(Digest).where(Digest.kind == "daily")).all()
        assert runs[1] in ("complete", "partial") and runs[2] == "unreachable", log.read_text()[-3000:]
        assert n_pages >= 1 and findings, log.read_text()[-3000:]
        assert triggers == {"schedule"}  # the daemon's trigger, recorded on the run by the child
        everything = "".join(texts())
        assert "西宁测试网店1" in everything  # the one-screen digest lists merchants, not excerpts
        assert all(d.status == "sent" for d in digests)
        assert sum(d.summary["counts"]["carried"] for d in digests) == len([f for f in findings if f.status == "open"])
        assert sorted(m["Message-ID"] for m in smtp_server.messages if m["X-Storewatch-Digest"] == "daily") == \
            sorted(d.message_id for d in digests)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def _procs_mentioning(marker: str) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if marker in Path(f"/proc/{entry}/cmdline").read_bytes().decode("utf-8", "replace"):
                    out.append(int(entry))
            except OSError:
                pass
    return out


@pytest.mark.integration
def test_wall_clock_limit_kills_the_real_crawl_tree(db: Store, sites: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import config
    from scheduler import Daemon
    from shared.procs import pid_alive

    sites.pages["/"] = (HOME, 0.0)
    sites.page("/item/1.html", "枸杞", delay=120)  # hangs: the Scrapy child waits on it
    add_storefront(db, 1, sites.base + "/")
    for k in [k for k in os.environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for key, value in {"ALLOW_LOOPBACK": "true", "RENDER": "never", "RETRIES": "0", "PAGE_TIMEOUT": "100",
                       "OCR": "false"}.items():
        monkeypatch.setenv(f"STOREWATCH_CRAWLER__{key}", value)  # inherited by the crawl child
    monkeypatch.chdir(ROOT)
    settings = config.load(overrides={"data_dir": tmp_path / "data", "database_url": db.url,
                                      "scheduler": {"crawl_wall_limit": "8s"}})
    d = Daemon(settings, term_grace=2.0)
    seen: list[int] = []
    import threading

    def watch() -> None:  # the tree while it runs: the one crawl child (it names its job file)
        while not seen or any(pid_alive(p) for p in seen):
            seen.extend(p for p in _procs_mentioning(str(tmp_path / "data")) if p not in seen)
            if seen:
                return
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    d.crawl(1)
    t.join(timeout=5)
    with db.session() as s:
        run = s.scalars(select(CrawlRun)).one()
    assert run.status == "failed" and run.error == "killed after wall-clock limit (8s)"
    assert len(seen) == 1, "one crawl child, no intermediate process"
    assert not [p for p in seen if pid_alive(p)]
    assert not _procs_mentioning(str(tmp_path / "data"))
    d.store.dispose()
