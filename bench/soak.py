"""Soak test of the daemon: N storefronts at short intervals for M minutes; memory, file handles,
threads and zombies sampled from /proc; digests counted at a real SMTP server (aiosmtpd).

    .venv/bin/python bench/soak.py                      # 30 minutes, 20 storefronts
    .venv/bin/python bench/soak.py --minutes 2 --storefronts 5 --crawl-every 20s

Crawls run through the real crawler (one ``crawler.run`` child per crawl, static pages, real HTTP,
real store; the daemon's runner supervises each). Prints one sample line per
interval and a JSON summary (first/last/max RSS and fds, zombies, runs by status, mails, duplicates).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from store.db import Store  # noqa: E402
from store.models import CrawlRun, Digest, Storefront  # noqa: E402

PAGES = ["本店茶叶为国家级特供产品", "欢迎选购本地特产", "加入会员即可发展下线，层层返利", "全网最低价，假一赔十"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.ids.append(message_from_bytes(envelope.original_content, policy=policy.default)["Message-ID"])
        return "250 OK"


def site(n: int) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            i = int(self.path.strip("/").split("/")[0] or 0)
            body = f"<html><body><p>{PAGES[i % len(PAGES)] if i % 5 else '合规店铺'}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: Any) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def _children(pid: int) -> dict[int, str]:
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            st = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(st[1]) == pid:
            out[int(entry)] = st[0]
    return out


def proc_sample(pid: int) -> dict[str, Any]:
    """RSS, fds, threads, children; a zombie counts only if it is still unreaped a second later
    (a child that just exited waits up to 0.2 s for the daemon's poll)."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    kids = _children(pid)
    zombies = {p for p, state in kids.items() if state == "Z"}
    if zombies:
        time.sleep(1.0)
        zombies &= {p for p, state in _children(pid).items() if state == "Z"}
    return {"rss_kb": int(fields["VmRSS"].split()[0]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(fields["Threads"]), "children": len(kids), "zombies": len(zombies)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--storefronts", type=int, default=20)
    ap.add_argument("--crawl-every", default="60s")
    ap.add_argument("--digest-every", default="2m")
    ap.add_argument("--sample-every", type=float, default=30)
    ap.add_argument("--keep", action="store_true", help="Keep the data folder.")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="storewatch-soak-"))
    store = Store(f"sqlite:///{work / 'data' / 'storewatch.db'}")
    store.upgrade()
    srv = site(args.storefronts)
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    with store.session() as s:
        for i in range(1, args.storefronts + 1):
            s.add(Storefront(id=i, name=f"浸泡测试网店{i}", uscc=f"91630100MA75{i:05d}Q", domain=f"127.0.0.1:{i}",
                             start_url=f"{base}/{i}/"))
        # one storefront that is always offline: a coverage gap, never a resolution
        s.add(Storefront(id=args.storefronts + 1, name="离线网店", uscc="91630100MA7599999Q",
                         domain="127.0.0.1:1", start_url=f"http://127.0.0.1:{free_port()}/"))
    box = Mailbox()
    smtp_port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=smtp_port)
    ctl.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_")}
    env.update(STOREWATCH_SMTP__HOST="127.0.0.1", STOREWATCH_SMTP__PORT=str(smtp_port),
               STOREWATCH_DIGEST__RECIPIENTS="bureau@example.cn", STOREWATCH_LOG__LEVEL="INFO",
               STOREWATCH_SCHEDULER__MAX_CONCURRENT_CRAWLS="2", PYTHONPATH=str(ROOT),
               STOREWATCH_CRAWLER__ALLOW_LOOPBACK="true", STOREWATCH_CRAWLER__RENDER="never",
               STOREWATCH_CRAWLER__RETRIES="0", STOREWATCH_CRAWLER__OCR="false", STOREWATCH_CRAWLER__MAX_PAGES="3")
    cmd = [sys.executable, "-m", "cli", "--data-dir", str(work / "data"), "run", "--crawl-every", args.crawl_every,
           "--digest-every", args.digest_every, "--sync-every", "10s"]
    log = open(work / "daemon.log", "wb")  # noqa: SIM115
    daemon = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    samples = []
    t0 = time.monotonic()
    print(f"soak: {args.storefronts}+1 storefronts, {args.minutes} min, data in {work}", flush=True)
    print(f"{'min':>6} {'rss_kb':>8} {'fds':>5} {'thr':>4} {'kids':>4} {'zomb':>4} {'runs':>5} {'mails':>5}", flush=True)
    try:
        time.sleep(5)  # start-up (imports, migrations) is not the steady state
        while time.monotonic() - t0 < args.minutes * 60:
            if daemon.poll() is not None:
                raise SystemExit(f"daemon exited with {daemon.returncode}; see {work / 'daemon.log'}")
            smp = proc_sample(daemon.pid) | {"minute": round((time.monotonic() - t0) / 60, 2)}
            with store.session() as s:
                smp["runs"] = int(s.scalar(select(func.count()).select_from(CrawlRun)) or 0)
            smp["mails"] = len(box.ids)
            samples.append(smp)
            print(f"{smp['minute']:>6} {smp['rss_kb']:>8} {smp['fds']:>5} {smp['threads']:>4} {smp['children']:>4} "
                  f"{smp['zombies']:>4} {smp['runs']:>5} {smp['mails']:>5}", flush=True)
            time.sleep(args.sample_every)
    finally:
        daemon.send_signal(signal.SIGTERM)
        t_stop = time.monotonic()
        rc = daemon.wait(timeout=60)
        stop_s = time.monotonic() - t_stop
        ctl.stop()
        srv.shutdown()
        log.close()
    with store.session() as s:
        by_status = dict(s.execute(select(CrawlRun.status, func.count()).group_by(CrawlRun.status)).all())
        digests = dict(s.execute(select(Digest.status, func.count()).group_by(Digest.status)).all())
    steady = samples[len(samples) // 3:] or samples
    summary = {
        "minutes": args.minutes, "storefronts": args.storefronts + 1, "samples": len(samples),
        "rss_kb": {"first": samples[0]["rss_kb"], "last": samples[-1]["rss_kb"], "max": max(x["rss_kb"] for x in samples),
                   "steady_min": min(x["rss_kb"] for x in steady), "steady_max": max(x["rss_kb"] for x in steady)},
        "fds": {"first": samples[0]["fds"], "last": samples[-1]["fds"], "max": max(x["fds"] for x in samples)},
        "threads_max": max(x["threads"] for x in samples), "zombies_max": max(x["zombies"] for x in samples),
        "runs_by_status": by_status, "digests_by_status": digests, "mails": len(box.ids),
        "duplicate_mails": sum(n - 1 for n in Counter(box.ids).values() if n > 1),
        "stop_seconds": round(stop_s, 2), "exit_code": rc, "data": str(work),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if not args.keep:
        store.dispose()
    return 0 if rc == 0 and summary["duplicate_mails"] == 0 and summary["zombies_max"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
