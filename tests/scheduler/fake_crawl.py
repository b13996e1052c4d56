"""Stand-in for ``storewatch crawl --storefront ID`` (used by tests only, until the crawler lands on main).

Same contract: a child process that records one crawl run through ``store.lifecycle`` (pid set),
fetches the storefront's start page over real HTTP, judges it with two tiny keyword rules,
marks an unreachable site as an ``unreachable`` run and exits 0 when the crawl was carried out.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import config  # noqa: E402
from analyzers.model import Finding, Location  # noqa: E402
from store.db import open_store  # noqa: E402
from store.lifecycle import finish_run, record_page, save_findings, start_run  # noqa: E402
from store.models import CrawlRun, Storefront  # noqa: E402

RULES = {  # match -> (rule, category, article, severity)
    "国家级": ("AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium"),
    "发展下线": ("PY-RECRUIT", "pyramid_scheme", "15(10)", "critical"),
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storefront", type=int, required=True)
    ap.add_argument("--trigger", default="manual")
    args, _ = ap.parse_known_args()
    store = open_store(config.load())
    with store.session() as s:
        url = s.get(Storefront, args.storefront).url
        run_id = start_run(s, args.storefront, args.trigger, pid=os.getpid()).id
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 - test fixture on 127.0.0.1
            status, body = resp.status, resp.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as exc:
        with store.session() as s:
            finish_run(s, s.get(CrawlRun, run_id), "unreachable", error=f"无法访问 {url}: {exc}")
        return 0
    with store.session() as s:
        run = s.get(CrawlRun, run_id)
        page = record_page(s, run, url=url, status_code=status, content_sha256="00" * 32, title="店铺", text=body)
        found = [Finding(rule_id=r, category=c, article=a, law=("广告法 第九条",), severity=sev, confidence=0.9,  # type: ignore[arg-type]
                         url=url, match=m, excerpt=body[max(0, body.index(m) - 10): body.index(m) + 10],
                         location=Location(kind="text"), explanation=f"出现“{m}”", storefront_id=args.storefront)
                 for m, (r, c, a, sev) in RULES.items() if m in body]
        save_findings(s, run, page, found)
        run.pages_fetched = 1
        finish_run(s, run, "complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
