"""Benchmark of index/: outbox sync against raw ``helpers.streaming_bulk``, and analyst search latency.

    python bench/index.py                # 200,000 synthetic findings, a fresh Elasticsearch node
    python bench/index.py -n 50000 --no-fts

Starts its own Elasticsearch with scripts/elasticsearch.sh on a free port (or uses the one named
by STOREWATCH_BENCH_ES_URL / _USERNAME / _PASSWORD), fills a temporary SQLite store with synthetic
findings over 500 storefronts and 180 days, each with its outbox row and its jieba search tokens
(kept with the finding as ``store.lifecycle.save_findings`` does, untimed), then measures

* sync: ``index.sync.sync`` draining the outbox (reads the store's rows as plain columns,
  index/rows.py, builds and serialises the documents in its helper thread, bulk-indexes, marks the
  outbox), findings/s;
* raw: ``helpers.streaming_bulk`` of the same, already built documents into an index with the same
  mapping, findings/s, after a warm-up bulk of ``--warmup`` documents (default as many as the run,
  at most 50,000). Raw and sync take turns in ``--rounds`` rounds (default 5) on the same slice of
  the findings, each into its own growing index, alternating which goes first (a raw run before
  sync and one after were 1.7-3x apart under this machine's load); the ratio sync/raw (target
  >= 0.8) of the summed times, per round too, with the load averages at the start and the end. The peer is fair: the same client (``index.client.make_client``, orjson
  serializer) serialises its documents in the timed loop, as sync's ``encode`` does (orjson);
* search p50/p95 of five analyst queries on Elasticsearch (and on the embedded FTS5 backend).

``--search-only -n 2000000`` skips the comparison: one raw rebuild of the index, a force-merge, then
the five queries on both backends (documents streamed from the store, not held in memory).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import helpers  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from analyzers import nlp  # noqa: E402
from analyzers.nlp import finding_search_tokens  # noqa: E402
from index.es_backend import EsBackend, load_mapping  # noqa: E402
from index.search import SearchRequest  # noqa: E402
from index.sync import _all_findings, sync  # noqa: E402
from store.db import Store  # noqa: E402
from store.models import Finding, OutboxEntry, Storefront  # noqa: E402

RULES = [  # rule, category, article, severity, matched phrase
    ("AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "国家级"),
    ("AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "全网最低价"),
    ("AD-MEDICAL-CLAIM", "false_advertising", "15(1)", "high", "根治糖尿病"),
    ("TERMS-FINAL-SAY", "unfair_terms", "15(6)", "high", "最终解释权归本店所有"),
    ("TERMS-NO-RETURN", "return_policy", "11(4)", "medium", "概不退换"),
    ("CF-REPLICA", "counterfeit_goods", "15(9)", "critical", "高仿"),
    ("CF-REPLICA", "counterfeit_goods", "15(9)", "critical", "1:1复刻"),
    ("PRIV-UNRELATED-DATA", "privacy", "13(4)", "high", "银行卡密码"),
    ("LIC-MISSING", "license_display", "9", "low", "营业执照"),
    ("FILING-ICP-MISSING", "filing_display", "16", "low", "ICP备案"),
    ("GOV-ENDORSE", "gov_impersonation", "15(7)", "critical", "市场监管局推荐"),
    ("PYRAMID-RECRUIT", "pyramid_scheme", "15(10)", "critical", "发展下线"),
]
CONTEXT = ("本店商品均为正品，支持全国包邮，青海特产牦牛肉干、枸杞、藏红花、冬虫夏草热销中，"
           "欢迎新老顾客选购，会员积分可抵现金，节假日正常发货，详情请咨询在线客服。")
STATUSES = ["open"] * 6 + ["confirmed", "resolved", "dismissed", "case_opened"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_es(tmp: Path) -> tuple[dict[str, str], dict[str, str] | None]:
    if os.environ.get("STOREWATCH_BENCH_ES_URL"):
        return ({"url": os.environ["STOREWATCH_BENCH_ES_URL"],
                 "username": os.environ.get("STOREWATCH_BENCH_ES_USERNAME", "elastic"),
                 "password": os.environ.get("STOREWATCH_BENCH_ES_PASSWORD", "")}, None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_ES_")}
    env.update(STOREWATCH_ES_PORT=str(free_port()), STOREWATCH_ES_HOME=str(tmp / "es"))
    t0 = time.perf_counter()
    run = subprocess.run([str(ROOT / "scripts" / "elasticsearch.sh"), "start"], env=env, capture_output=True,
                         text=True, check=False)
    if run.returncode:
        sys.exit(f"could not start Elasticsearch:\n{run.stderr}")
    print(f"Elasticsearch started in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    exports = {k.split("__")[-1].lower(): shlex.split(v)[0] for k, v in
               (line.removeprefix("export ").split("=", 1) for line in run.stdout.splitlines() if "=" in line)}
    return exports, env


def fill_store(store: Store, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    # same tokens as computing them for each finding; a few hundred thousand distinct texts repeat at 2M
    tokens_of = functools.lru_cache(maxsize=400_000)(finding_search_tokens)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    with store.session() as s:
        s.execute(insert(Storefront), [
            {"id": i + 1, "name": f"西宁第{i + 1}号商贸有限公司", "uscc": f"91630100MA7{i:07d}",
             "domain": f"shop{i + 1}.example", "site_name": f"第{i + 1}号商城"} for i in range(500)])
    batch: list[dict[str, Any]] = []
    for i in range(n):
        rule, cat, art, sev, phrase = rnd.choice(RULES)
        a = rnd.randrange(0, len(CONTEXT) - 30)
        excerpt = CONTEXT[a:a + rnd.randint(8, 25)] + phrase + CONTEXT[a + 25:a + 25 + rnd.randint(8, 25)]
        first = start + timedelta(minutes=rnd.randrange(0, 180 * 24 * 60))
        shop = rnd.randrange(1, 501)
        batch.append({"finding_id": f"{i:012x}", "storefront_id": shop, "rule_id": rule, "category": cat,
                      "article": art, "law": [], "severity": sev, "confidence": 0.9,
                      "url": f"http://shop{shop}.example/item/{rnd.randrange(1, 400)}.html", "match": phrase,
                      "excerpt": excerpt, "location": {}, "explanation": "测试", "evidence": None,
                      "page_title": f"第{shop}号商城 商品详情", "first_seen": first,
                      # what store.lifecycle.save_findings keeps with a finding it creates
                      "tokens": tokens_of(phrase, excerpt, f"第{shop}号商城 商品详情"),
                      "last_seen": first + timedelta(days=rnd.randrange(0, 30)), "status": rnd.choice(STATUSES),
                      "status_changed_at": first})
        if len(batch) == 10000 or i == n - 1:
            with store.session() as s:
                s.execute(insert(Finding), batch)
                s.execute(insert(OutboxEntry), [{"entity": "finding", "entity_id": b["finding_id"], "op": "upsert",
                                                 "attempts": 0} for b in batch])
            batch = []


def latency(backend: Any, request: SearchRequest, runs: int) -> dict[str, float]:
    for _ in range(3):
        backend.search(request)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        backend.search(request)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def queries(backend: Any) -> dict[str, SearchRequest]:
    deep = SearchRequest(sort="newest", limit=1000)
    for _ in range(10):  # cursor after 10,000 findings
        deep = SearchRequest(sort="newest", limit=1000, cursor=backend.search(deep).next_cursor)
    return {
        "phrase 国家级": SearchRequest(query="国家级", limit=20),
        "phrase+category+30 days": SearchRequest(query='"最终解释权" category:unfair_terms', since="2026-07-01",
                                                 until="2026-07-31", limit=20),
        "facets over everything": SearchRequest(facets=("all",), limit=0),
        "one storefront's history": SearchRequest(storefront=["42"], sort="newest", limit=50),
        "deep page (after 10,000)": SearchRequest(sort="newest", limit=20, cursor=deep.cursor),
    }


def fts_figures(db: Path, docs: Iterable[dict[str, Any]], args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Rebuild the embedded FTS5 index from ``docs`` and time the analyst queries on it, into ``out``."""
    from index.fts_backend import FtsBackend

    fts = FtsBackend(db)
    t0 = time.perf_counter()
    fts.rebuild("finding", docs)
    out["fts_rebuild_per_s"] = round(args.n / (time.perf_counter() - t0))
    out["sqlite_fts5"] = {name: latency(fts, req, max(5, args.runs // 3)) for name, req in queries(fts).items()}
    fts.close()


def es_conf(conf: dict[str, str]) -> Any:
    class Conf:
        url, username = conf["url"], conf["username"]
        password, api_key, ca_file = SecretStr(conf["password"]), None, None
        verify_certs, index_prefix, request_timeout = True, "storewatch-bench-", 120.0
    return Conf


def search_only(args: argparse.Namespace) -> int:
    """Search latency at a large size: fill store and index once, then time the five queries."""
    out: dict[str, Any] = {"findings": args.n, "cpus": os.cpu_count(), "mode": "search-only"}
    with tempfile.TemporaryDirectory(prefix="storewatch-bench-") as tmpdir:
        tmp = Path(tmpdir)
        conf, script_env = start_es(tmp)
        try:
            store = Store(f"sqlite:///{tmp / 'store.db'}")
            store.upgrade()
            t0 = time.perf_counter()
            fill_store(store, args.n)
            out["fill_store_s"] = round(time.perf_counter() - t0, 1)
            print(f"store filled with {args.n} findings in {out['fill_store_s']} s", file=sys.stderr, flush=True)
            backend = EsBackend.from_settings(es_conf(conf))
            client = backend.client
            old = client.indices.get(index="storewatch-bench-*", expand_wildcards="all")
            if old:
                client.indices.delete(index=",".join(old))
            t0 = time.perf_counter()
            backend.ensure()
            backend.rebuild("finding", _all_findings(store))
            out["es_fill_per_s"] = round(args.n / (time.perf_counter() - t0))
            print(f"index filled at {out['es_fill_per_s']}/s", file=sys.stderr, flush=True)
            if backend.count("finding") != args.n:
                sys.exit("index lost findings")
            client.options(request_timeout=3600).indices.forcemerge(index=backend.alias("finding"), max_num_segments=1)
            client.indices.put_settings(index=backend.alias("finding"), settings={"index.requests.cache.enable": False})
            stats = client.indices.stats(index=backend.alias("finding"), metric="store")
            out["es_store_mb"] = round(stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20)
            out["elasticsearch"] = {name: latency(backend, req, args.runs) for name, req in queries(backend).items()}
            print(json.dumps(out["elasticsearch"], ensure_ascii=False), file=sys.stderr, flush=True)
            backend.close()
            if not args.no_fts:  # the embedded index is in the store's database
                fts_figures(tmp / "store.db", _all_findings(store), args, out)
            store.dispose()
        finally:
            if script_env is not None:
                subprocess.run([str(ROOT / "scripts" / "elasticsearch.sh"), "stop"], env=script_env,
                               capture_output=True, check=False)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000, help="number of findings (default 200,000)")
    ap.add_argument("--runs", type=int, default=30, help="timed runs per query")
    ap.add_argument("--no-fts", action="store_true", help="skip the embedded FTS5 backend")
    ap.add_argument("--search-only", action="store_true",
                    help="skip the sync/raw comparison: fill the index with one raw bulk (documents streamed from "
                         "the store, not held in memory) and time the searches only; for -n 2000000")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved raw/sync rounds (default 5)")
    ap.add_argument("--warmup", type=int, default=None,
                    help="documents bulk-indexed to warm the node up before timing (default: n, at most 50,000)")
    args = ap.parse_args(argv)
    if args.warmup is None:
        args.warmup = min(args.n, 50_000)
    if args.search_only:
        return search_only(args)
    out: dict[str, Any] = {"findings": args.n, "cpus": os.cpu_count()}
    load_start = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="storewatch-bench-") as tmpdir:
        tmp = Path(tmpdir)
        conf, script_env = start_es(tmp)
        try:
            store = Store(f"sqlite:///{tmp / 'store.db'}")
            store.upgrade()
            t0 = time.perf_counter()
            fill_store(store, args.n)
            print(f"store filled with {args.n} findings in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

            class Conf:
                url, username = conf["url"], conf["username"]
                password, api_key, ca_file = SecretStr(conf["password"]), None, None
                verify_certs, index_prefix, request_timeout = True, "storewatch-bench-", 120.0

            backend = EsBackend.from_settings(Conf)
            client = backend.client
            old = client.indices.get(index="storewatch-bench-*", expand_wildcards="all")
            if old:
                client.indices.delete(index=",".join(old))
            docs = list(_all_findings(store))  # the documents sync will build, built beforehand for raw bulk
            spec = load_mapping("finding")

            def raw_bulk(index: str, some: Iterable[dict[str, Any]], keep: bool = False) -> float:
                if not client.indices.exists(index=index):
                    client.indices.create(index=index, settings=spec["settings"], mappings=spec["mappings"])
                t0 = time.perf_counter()
                for ok, item in helpers.streaming_bulk(client, ({"_index": index, "_id": d["finding_id"],
                                                                 "_source": d} for d in some), chunk_size=500):
                    if not ok:
                        sys.exit(f"raw bulk failed: {item}")
                client.indices.refresh(index=index)
                took = time.perf_counter() - t0
                if not keep:
                    client.indices.delete(index=index)
                return took

            # JIT warm-up of the node, not measured: 20,000 documents were too short (the raw run
            # before sync was 1.7-3x slower than the one after), so as many as a run, up to 50,000
            raw_bulk("storewatch-bench-warmup", docs[:args.warmup])
            # interleaved rounds: raw and sync take turns on the same slice of the findings (sync
            # with max_rows), each into its own growing index, alternating which goes first, so
            # both see the same load and the same index sizes
            nlp._search_cut.cache_clear()  # anything sync would tokenise starts from scratch
            step = -(-args.n // args.rounds)
            raw_times, sync_times = [], []
            for k in range(args.rounds):
                piece = docs[k * step:(k + 1) * step]
                for side in ("raw", "sync") if k % 2 == 0 else ("sync", "raw"):
                    if side == "raw":
                        raw_times.append(raw_bulk("storewatch-bench-raw", piece, keep=True))
                        continue
                    t0 = time.perf_counter()
                    report = sync(store, backend, max_rows=len(piece))
                    backend.refresh()
                    sync_times.append(time.perf_counter() - t0)
                    if report.failed or report.processed != len(piece):
                        sys.exit(f"sync incomplete: {report}")
            client.indices.delete(index="storewatch-bench-raw")
            with store.session() as s:
                if s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.done_at.is_(None))):
                    sys.exit("sync left outbox rows pending")
            if backend.count("finding") != args.n:
                sys.exit("sync lost findings")
            sync_s, raw_s = sum(sync_times), sum(raw_times)
            nlp._search_cut.cache_clear()
            built_s = raw_bulk("storewatch-bench-raw", _all_findings(store))  # raw bulk + building documents
            out["raw_plus_building_per_s"] = round(args.n / built_s)
            out["rounds"] = args.rounds
            out["raw_rounds_s"] = [round(t, 1) for t in raw_times]
            out["sync_rounds_s"] = [round(t, 1) for t in sync_times]
            out["ratio_per_round"] = [round(r / t, 2) for r, t in zip(raw_times, sync_times, strict=True)]
            out["sync_s"] = round(sync_s, 1)
            out["raw_s"] = round(raw_s, 1)
            out["sync_findings_per_s"] = round(args.n / sync_s)
            out["raw_streaming_bulk_per_s"] = round(args.n / raw_s)
            out["ratio"] = round(raw_s / sync_s, 2)
            out["load_average_start_end"] = [load_start, [round(x, 2) for x in os.getloadavg()]]
            print(f"sync {out['sync_findings_per_s']}/s, raw streaming_bulk {out['raw_streaming_bulk_per_s']}/s, "
                  f"ratio {out['ratio']} (per round {out['ratio_per_round']}); load {out['load_average_start_end']}; raw bulk building the documents on the fly "
                  f"{out['raw_plus_building_per_s']}/s", file=sys.stderr)
            # no shard request cache: facet queries (size 0) would otherwise be answered from it
            client.indices.put_settings(index=backend.alias("finding"), settings={"index.requests.cache.enable": False})
            out["elasticsearch"] = {name: latency(backend, req, args.runs) for name, req in queries(backend).items()}
            backend.close()
            if not args.no_fts:
                fts_figures(tmp / "store.db", iter(docs), args, out)
            store.dispose()
        finally:
            if script_env is not None:
                subprocess.run([str(ROOT / "scripts" / "elasticsearch.sh"), "stop"], env=script_env,
                               capture_output=True, check=False)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
