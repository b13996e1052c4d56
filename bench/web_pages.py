"""Time the web UI's pages with many findings: seeds N findings into a fresh SQLite store, serves
``storewatch web`` on 127.0.0.1 and fetches each page several times over real HTTP.

    .venv/bin/python bench/web_pages.py [--findings 200000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.live import live_server  # noqa: E402
from tests.web.seed import PASSWORDS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--findings", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with live_server(Path(tmp) / "data", args.findings) as (base, sd):
            print(f"seeded {args.findings + 10} findings in {time.perf_counter() - t0:.1f} s")
            jar = http.cookiejar.CookieJar()
            op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            html = op.open(base + "/login").read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
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
            print(f"{'page':<45} {'median ms':>10} {'max ms':>8}")
            for name, url in pages.items():
                times = []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    body = op.open(base + url).read()
                    times.append((time.perf_counter() - t) * 1000)
                assert b"storewatch" in body
                print(f"{name:<45} {statistics.median(times):>10.0f} {max(times):>8.0f}")


if __name__ == "__main__":
    main()
