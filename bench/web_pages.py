"""Time the web UI's pages with many findings: seeds N findings into a fresh SQLite store, serves
``storewatch web`` on 127.0.0.1 (embedded FTS5 index) and fetches each page several times over real HTTP.

    .venv/bin/python bench/web_pages.py [--findings 200000] [--repeat 5]
    .venv/bin/python bench/web_pages.py --findings 200000,500000,1000000,2000000 --pages list

Findings from ``tests.web.seed.bulk_findings`` (the same mix at every size). With more than 50,000
findings the index is built by ``storewatch index rebuild``'s path (one pass) instead of draining
the outbox (same documents); the time of each step and the load averages are printed, as JSON
too with ``--json``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.live import live_server  # noqa: E402
from tests.web.seed import PASSWORDS  # noqa: E402

LIST_PAGES = ("findings (no query)", "findings q=国家级", "findings q=国家级 + category + severity",
              "findings sort=severity page 50")


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(n: int, repeat: int, only_list: bool, tmpdir: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"findings": n + 10, "started_utc": datetime.now(UTC).strftime("%H:%M:%S"),
                           "load_start": load(), "pages": {}}
    with tempfile.TemporaryDirectory(prefix="storewatch-web-bench-", dir=tmpdir) as tmp:
        t0 = time.perf_counter()
        with live_server(Path(tmp) / "data", n, rebuild=n > 50_000) as (base, sd):
            out["seed_and_index_s"] = round(time.perf_counter() - t0, 1)
            print(f"seeded and indexed {n + 10} findings in {out['seed_and_index_s']} s, load {load()}", flush=True)
            jar = http.cookiejar.CookieJar()
            op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            html = op.open(base + "/login").read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
            op.open(base + "/login", urllib.parse.urlencode(
                {"username": "admin", "password": PASSWORDS["admin"], "csrf_token": token}).encode())
            pages = {
                "findings (no query)": "/findings",
                "findings q=国家级": "/findings?q=" + urllib.parse.quote("国家级"),
                "findings q=国家级 + category + severity": "/findings?q=" + urllib.parse.quote("国家级")
                + "&category=false_advertising&severity=medium",
                "findings sort=severity page 50": "/findings?sort=severity&page=50",
                "finding detail": f"/findings/{sd.finding_ids[0]}",
                "credit file": f"/merchants/{sd.storefront_ids[1]}",
                "merchants (grades)": "/merchants",
                "warning list": "/warnings",
                "dashboard": "/dashboard",
            }
            if only_list:
                pages = {k: v for k, v in pages.items() if k in LIST_PAGES}
            out["load_before_pages"] = load()
            print(f"{'page':<45} {'median ms':>10} {'max ms':>8}")
            for name, url in pages.items():
                op.open(base + url).read()  # first request: caches, not timed
                times = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    body = op.open(base + url).read()
                    times.append((time.perf_counter() - t) * 1000)
                assert b"storewatch" in body
                out["pages"][name] = {"median_ms": round(statistics.median(times)), "max_ms": round(max(times))}
                print(f"{name:<45} {statistics.median(times):>10.0f} {max(times):>8.0f}", flush=True)
            out["load_end"] = load()
            print(f"load {out['load_before_pages']} -> {out['load_end']}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", default="200000", help="number of findings, or several separated by commas")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", choices=("all", "list"), default="all",
                    help="list = only the findings list and search pages")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON at the end")
    args = ap.parse_args()
    results = [measure(int(n), args.repeat, args.pages == "list", os.environ.get("STOREWATCH_BENCH_TMP"))
               for n in args.findings.split(",")]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
