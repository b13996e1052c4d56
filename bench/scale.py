"""Crawl throughput of the queue: N local storefronts with 1 worker, then with 3 (same run, same sites).

    .venv/bin/python bench/scale.py                       # 12 storefronts, 1 vs 3 workers
    .venv/bin/python bench/scale.py --storefronts 30 --pages 8 --workers 1,2,3

Real parts only: a private PostgreSQL cluster (Debian's binaries, as the tests start it), real
``storewatch worker`` processes, the real crawler (one child per job, static pages by default;
``--render auto`` lets the home pages be rendered by Chromium), storefronts over HTTP on 127.0.0.1,
each on its own port (so the per-host lock does not serialise them). Each round queues every
storefront once, after its workers have registered, and times until every job succeeded.
Prints storefronts per minute per round and the speed-up against one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from crawler.options import options_from_settings  # noqa: E402
from daemon.queue import defer_crawl, sync_app  # noqa: E402
from pipelines.jobs import job_for, load_storefronts  # noqa: E402
from store.db import Store  # noqa: E402
from store.models import Storefront  # noqa: E402
from tests.store.conftest import pg_cluster  # noqa: E402

TEXTS = ["本店茶叶为国家级特供产品", "欢迎选购本地特产，价格 39 元，包邮", "全网最低价，假一赔十", "七天无理由退货"]


def shop(n: int, pages: int) -> ThreadingHTTPServer:
    """Storefront ``n``: a home page linking ``pages - 1`` product pages (~6 KB of Chinese text each)."""
    links = "".join(f"<a href='/p/{i}.html'>商品{i}</a>" for i in range(1, pages))

    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = (TEXTS[n % len(TEXTS)] + "。") * 60
            html = f"<html><body><h1>网店{n}</h1><p>{body}</p>{links if self.path == '/' else ''}</body></html>"
            data = html.encode("utf-8")
            self.send_response(200 if self.path == "/" or self.path.startswith("/p/") else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a: Any) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def env_for(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    env.update(PYTHONPATH=str(ROOT), STOREWATCH_CRAWLER__ALLOW_LOOPBACK="true", STOREWATCH_CRAWLER__RENDER=args.render,
               STOREWATCH_CRAWLER__OCR="false", STOREWATCH_CRAWLER__RETRIES="0",
               STOREWATCH_CRAWLER__MAX_PAGES=str(args.pages), STOREWATCH_CRAWLER__AUTOTHROTTLE="false",
               STOREWATCH_SCHEDULER__WORKER_HEARTBEAT_INTERVAL="1s", STOREWATCH_SCHEDULER__WORKER_STALLED_AFTER="10s")
    return env


def scalar(store: Store, sql: str) -> int:
    with store.session() as s:
        return int(s.execute(text(sql)).scalar() or 0)


def one_round(store: Store, settings: Any, data: Path, n_workers: int, args: argparse.Namespace) -> dict[str, Any]:
    with store.session() as s:  # a clean queue and no earlier runs: every round starts alike
        s.execute(text("DELETE FROM procrastinate_jobs"))
    procs = []
    for i in range(n_workers):
        log = open(data / f"worker-{n_workers}-{i}.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen([sys.executable, "-m", "cli", "--data-dir", str(data), "--database-url",
                                       store.url, "worker", "--name", f"bench{n_workers}-{i}"], cwd=ROOT,
                                      env=env_for(args), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    try:
        while scalar(store, "SELECT count(*) FROM procrastinate_workers") < n_workers:
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker exited early; see {data}/worker-{n_workers}-*.log")
            time.sleep(0.2)
        app = sync_app(store.url)
        app.open()
        options = options_from_settings(settings)
        t0 = time.monotonic()
        try:
            for sf in load_storefronts(store, None):
                defer_crawl(app, job_for(sf, options, "bench"))
        finally:
            app.close()
        n = args.storefronts
        while scalar(store, "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('succeeded', 'failed')") < n:
            time.sleep(0.2)
        seconds = time.monotonic() - t0
        failed = scalar(store, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
    return {"workers": n_workers, "seconds": round(seconds, 1), "storefronts_per_min": round(n / seconds * 60, 1),
            "failed_jobs": failed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--storefronts", type=int, default=12)
    ap.add_argument("--pages", type=int, default=5, help="pages per storefront (home + products)")
    ap.add_argument("--workers", default="1,3", help="worker counts, comma-separated; the first is the peer")
    ap.add_argument("--render", choices=["never", "auto"], default="never")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    import config

    sites = [shop(i, args.pages) for i in range(1, args.storefronts + 1)]
    with pg_cluster() as url, tempfile.TemporaryDirectory(prefix="storewatch-scale-") as tmp:
        data = Path(tmp)
        store = Store(url)
        store.upgrade()
        with store.session() as s:
            for i, srv in enumerate(sites, start=1):
                base = f"http://127.0.0.1:{srv.server_address[1]}/"
                s.add(Storefront(id=i, name=f"网店{i}", uscc="", domain=base.split("/")[2], start_url=base))
        settings = config.load(overrides={"data_dir": data, "database_url": url}, environ=env_for(args))
        rounds = [one_round(store, settings, data, n, args) for n in counts]
        runs = scalar(store, "SELECT count(*) FROM crawl_runs")
        store.dispose()
    base = rounds[0]["storefronts_per_min"]
    for r in rounds:
        r["speedup"] = round(r["storefronts_per_min"] / base, 2)
        print(f"{r['workers']} worker(s): {r['seconds']:7.1f} s for {args.storefronts} storefronts "
              f"= {r['storefronts_per_min']:6.1f}/min, speed-up {r['speedup']:.2f}x"
              + (f" ({r['failed_jobs']} failed)" if r["failed_jobs"] else ""))
    print(json.dumps({"storefronts": args.storefronts, "pages": args.pages, "render": args.render,
                      "cores": os.cpu_count(), "load": os.getloadavg(), "crawl_runs": runs, "rounds": rounds},
                      ensure_ascii=False))


if __name__ == "__main__":
    main()
