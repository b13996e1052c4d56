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
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
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
    # a node of its own (port, folder), with the heap STOREWATCH_ES_HEAP asks for
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_ES_") or k == "STOREWATCH_ES_HEAP"}
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


def synthetic_rows(n: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """The bench's findings as rows of ``FILL_COLUMNS``, values as SQLite keeps them.

    The same random draws in the same order as the bench has always made (same seed): the same
    categories, storefronts, statuses, excerpts and times, so the queries mean the same thing at
    every size. Times are UTC in SQLite's "YYYY-MM-DD HH:MM:SS.ffffff" form and the JSON columns
    are ``json.dumps`` of the values, as SQLAlchemy writes them (checked against an ORM fill by
    ``--check-fill``).
    """
    rnd = random.Random(seed)
    # the tokens store.lifecycle.save_findings keeps with a finding; jieba's cut of each text block
    # is cached in analyzers.nlp, the finding's JSON list here (a few hundred thousand repeat at 2M)
    tokens_json = functools.lru_cache(maxsize=400_000)(
        lambda phrase, excerpt, title: json.dumps(finding_search_tokens(phrase, excerpt, title)))
    start = datetime(2026, 5, 1)  # UTC, naive as SQLite keeps it
    for i in range(n):
        rule, cat, art, sev, phrase = rnd.choice(RULES)
        a = rnd.randrange(0, len(CONTEXT) - 30)
        excerpt = CONTEXT[a:a + rnd.randint(8, 25)] + phrase + CONTEXT[a + 25:a + 25 + rnd.randint(8, 25)]
        first = start + timedelta(minutes=rnd.randrange(0, 180 * 24 * 60))
        shop = rnd.randrange(1, 501)
        url = f"http://shop{shop}.example/item/{rnd.randrange(1, 400)}.html"
        title = f"第{shop}号商城 商品详情"
        last = first + timedelta(days=rnd.randrange(0, 30))
        status = rnd.choice(STATUSES)
        seen = f"{first:%Y-%m-%d %H:%M:%S}.000000"
        yield (f"{i:012x}", shop, rule, cat, art, "[]", sev, 0.9, url, phrase, excerpt, "{}", "测试", "null", title,
               seen, f"{last:%Y-%m-%d %H:%M:%S}.000000", status, seen, tokens_json(phrase, excerpt, title))


FILL_COLUMNS = ("finding_id", "storefront_id", "rule_id", "category", "article", "law", "severity", "confidence",
                "url", "match", "excerpt", "location", "explanation", "evidence", "page_title", "first_seen",
                "last_seen", "status", "status_changed_at", "tokens")


def fill_storefronts(store: Store) -> None:
    with store.session() as s:
        s.execute(insert(Storefront), [
            {"id": i + 1, "name": f"西宁第{i + 1}号商贸有限公司", "uscc": f"91630100MA7{i:07d}",
             "domain": f"shop{i + 1}.example", "site_name": f"第{i + 1}号商城"} for i in range(500)])


def fill_store(store: Store, n: int, seed: int = 7) -> None:
    """``n`` synthetic findings over 500 storefronts and 180 days, each with its outbox row.

    One transaction on a plain sqlite3 connection: ``executemany`` of prepared tuples, the
    secondary indexes of findings and outbox dropped before and rebuilt once after (each built
    by one sort instead of 2,000,000 random inserts). Was: SQLAlchemy ``insert()`` of dicts in
    batches of 10,000, one commit each, indexes kept up to date row by row.
    """
    path = store.engine.url.database
    if store.engine.dialect.name != "sqlite" or not path:
        sys.exit("the bench's store is a SQLite file")
    fill_storefronts(store)  # 500 rows through the ORM, which knows the columns' defaults
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")  # a scratch database: durability is not the point
        db.execute("PRAGMA cache_size=-262144")  # 256 MiB, for the index builds
        db.execute("BEGIN")
        indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                             "AND tbl_name IN ('findings', 'outbox')").fetchall()
        for name, _sql in indexes:
            db.execute(f'DROP INDEX "{name}"')
        fill = f"INSERT INTO findings ({', '.join(FILL_COLUMNS)}) VALUES ({', '.join('?' * len(FILL_COLUMNS))})"
        db.executemany(fill, synthetic_rows(n, seed))
        created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        db.execute("INSERT INTO outbox (entity, entity_id, op, created_at, attempts) "
                   "SELECT 'finding', finding_id, 'upsert', ?, 0 FROM findings ORDER BY finding_id", (created,))
        for _name, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")  # no ANALYZE: a store in service has no planner statistics either
    finally:
        db.close()


def fill_store_orm(store: Store, n: int, seed: int = 7) -> None:
    """The bench's fill until 2026-12-07, kept verbatim as the reference of ``--check-fill``."""
    rnd = random.Random(seed)
    # same tokens as computing them for each finding; a few hundred thousand distinct texts repeat at 2M
    tokens_of = functools.lru_cache(maxsize=400_000)(finding_search_tokens)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    fill_storefronts(store)
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


def check_fill(n: int) -> int:
    """Fill one store the fast way and one through the ORM; compare every row of both tables."""
    with tempfile.TemporaryDirectory(prefix="storewatch-bench-") as tmpdir:
        dumps = []
        for how, fill in (("fast", fill_store), ("orm", fill_store_orm)):
            store = Store(f"sqlite:///{Path(tmpdir) / how}.db")
            store.upgrade()
            t0 = time.perf_counter()
            fill(store, n)
            print(f"{how}: {n} findings in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            with store.engine.connect() as c:
                dumps.append((
                    [tuple(r) for r in c.exec_driver_sql("SELECT * FROM findings ORDER BY finding_id")],
                    [tuple(r)[:-2] for r in c.exec_driver_sql("SELECT * FROM storefronts ORDER BY id")],
                    [tuple(r) for r in c.exec_driver_sql("SELECT id, entity, entity_id, op, attempts, last_error, "
                                                         "done_at FROM outbox ORDER BY id")],
                    sorted(r[0] for r in c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                                           "AND name NOT LIKE 'sqlite_stat%'"))))
            store.dispose()
    names = ("findings", "storefronts (created_at, updated_at aside)", "outbox (created_at aside)", "schema")
    bad = [name for name, a, b in zip(names, *dumps, strict=True) if a != b]
    print("same rows in " + ", ".join(names) if not bad else f"DIFFERENT: {', '.join(bad)}")
    return 1 if bad else 0


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


def store_sources(store: Store, chunk: int = 5000) -> Iterator[tuple[str, bytes]]:
    """(finding id, document JSON) of every finding, built by SQLite as sync builds them.

    ``index.rows.sqlite_sources`` is sync's own path (the same documents as ``finding_doc``,
    tests/index/test_rows.py); rows it leaves out (none here) go through ``finding_docs``.
    """
    from index import rows as rows_mod

    last = ""
    while True:
        with store.session() as s:
            ids = list(s.scalars(select(Finding.finding_id).where(Finding.finding_id > last)
                                 .order_by(Finding.finding_id).limit(chunk)))
            if not ids:
                return
            sources = rows_mod.sqlite_sources(s, ids)
            missing = [i for i in ids if i not in sources]
            if missing:
                rows = list(s.execute(rows_mod.finding_select().where(Finding.finding_id.in_(missing))))
                sources.update((d["finding_id"], rows_mod.encode(d)) for d in rows_mod.finding_docs(s, rows))
        last = ids[-1]
        for fid in ids:
            yield fid, sources[fid]


def bulk_load(backend: EsBackend, store: Store, n: int, out: dict[str, Any]) -> None:
    """Load every finding into the (empty) findings index the fastest sound way, timing each step.

    During the load: no refresh, no replica, the translog synced in the background (a scratch
    index: a crash would only mean loading again); documents built by SQLite (``store_sources``)
    and bulk-indexed 2,000 per request (~2.5 MB). Then the settings of the mapping file again
    (translog per request, refresh 1 s), one refresh, and a force-merge to one segment.
    """
    client = backend.client
    index = backend.current_index("finding")
    spec = load_mapping("finding")
    client.indices.put_settings(index=index, settings={"index": {
        "refresh_interval": "-1", "number_of_replicas": 0, "translog.durability": "async"}})
    t0 = time.perf_counter()
    count = 0
    for ok, item in helpers.streaming_bulk(client, ({"_index": index, "_id": fid, "_source": src}
                                                    for fid, src in store_sources(store)),
                                           chunk_size=2000, max_retries=5, raise_on_error=False):
        if not ok:
            sys.exit(f"bulk load failed: {item}")
        count += 1
        if count % 200_000 == 0:
            print(f"  {count} documents in {time.perf_counter() - t0:.0f} s, load {os.getloadavg()[0]:.1f}",
                  file=sys.stderr, flush=True)
    out["es_bulk_s"] = round(time.perf_counter() - t0, 1)
    out["es_bulk_per_s"] = round(count / (time.perf_counter() - t0))
    t0 = time.perf_counter()
    client.indices.put_settings(index=index, settings={"index": {
        "refresh_interval": spec["settings"]["refresh_interval"], "translog.durability": "request",
        "number_of_replicas": spec["settings"]["number_of_replicas"]}})
    client.options(request_timeout=3600).indices.refresh(index=index)
    out["es_refresh_s"] = round(time.perf_counter() - t0, 1)
    if backend.count("finding") != n:
        sys.exit(f"index holds {backend.count('finding')} findings, not {n}")
    t0 = time.perf_counter()
    client.options(request_timeout=7200).indices.forcemerge(index=index, max_num_segments=1)
    out["es_forcemerge_s"] = round(time.perf_counter() - t0, 1)
    out["es_segments"] = len(client.cat.segments(index=index, format="json"))


def peer_rounds(backend: EsBackend, conf: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """The five queries by this tree's EsBackend and by the one in ``args.peer_code`` (another
    checkout, e.g. main), on the same node and index: same results checked, then timed in turns."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("peer_es_backend", Path(args.peer_code) / "index" / "es_backend.py")
    assert spec is not None and spec.loader is not None
    peer_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer_mod)
    peer = peer_mod.EsBackend.from_settings(es_conf(conf))
    mine = queries(backend)
    for name, req in mine.items():
        a, b = backend.search(req), peer.search(req)
        if (a.total, a.facets, [h["finding_id"] for h in a.hits]) != (b.total, b.facets, [h["finding_id"] for h in b.hits]):
            sys.exit(f"{name}: this tree and {args.peer_code} give different results")
    rounds = []
    for k in range(4):
        for label, be in (("this tree", backend), ("peer", peer))[::1 if k % 2 == 0 else -1]:
            start = [round(x, 2) for x in os.getloadavg()]
            rounds.append({"code": label, "load_average": start,
                           "queries": {name: latency(be, req, args.runs) for name, req in mine.items()}})
            print(json.dumps(rounds[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    peer.close()
    return {"peer": str(args.peer_code), "same_results": True, "rounds": rounds}


def search_only(args: argparse.Namespace) -> int:
    """Search latency at a large size: fill store and index once, then time the five queries."""
    out: dict[str, Any] = {"findings": args.n, "cpus": os.cpu_count(), "mode": "search-only",
                           "es_heap": os.environ.get("STOREWATCH_ES_HEAP", "512m (script default)"),
                           "started_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")}
    loads: dict[str, list[float]] = {}

    def mark(step: str) -> None:
        loads[step] = [round(x, 2) for x in os.getloadavg()]
        print(f"{datetime.now(UTC):%H:%M:%S} {step}: load {loads[step]}", file=sys.stderr, flush=True)

    out["load_average"] = loads
    with tempfile.TemporaryDirectory(prefix="storewatch-bench-", dir=os.environ.get("STOREWATCH_BENCH_TMP")) as tmpdir:
        tmp = Path(tmpdir)
        mark("start")
        conf, script_env = start_es(tmp)
        try:
            store = Store(f"sqlite:///{tmp / 'store.db'}")
            store.upgrade()
            t0 = time.perf_counter()
            fill_store(store, args.n)
            out["fill_store_s"] = round(time.perf_counter() - t0, 1)
            mark(f"store filled with {args.n} findings in {out['fill_store_s']} s")
            backend = EsBackend.from_settings(es_conf(conf))
            client = backend.client
            old = client.indices.get(index="storewatch-bench-*", expand_wildcards="all")
            if old:
                client.indices.delete(index=",".join(old))
            backend.ensure()
            if not args.no_es and args.es_load == "rebuild":  # the way it was: `storewatch index rebuild`'s path
                t0 = time.perf_counter()
                backend.rebuild("finding", _all_findings(store))
                out["es_bulk_s"] = round(time.perf_counter() - t0, 1)
                out["es_bulk_per_s"] = round(args.n / out["es_bulk_s"])
                out["es_refresh_s"] = 0.0  # included above
                t0 = time.perf_counter()
                client.options(request_timeout=7200).indices.forcemerge(index=backend.alias("finding"),
                                                                        max_num_segments=1)
                out["es_forcemerge_s"] = round(time.perf_counter() - t0, 1)
            elif not args.no_es:
                bulk_load(backend, store, args.n, out)
            if not args.no_es:
                client.indices.put_settings(index=backend.alias("finding"),
                                            settings={"index.requests.cache.enable": False})
                stats = client.indices.stats(index=backend.alias("finding"), metric="store")
                out["es_store_mb"] = round(stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20)
                mark(f"index loaded: bulk {out['es_bulk_per_s']}/s ({out['es_bulk_s']} s), refresh "
                     f"{out['es_refresh_s']} s, force-merge {out['es_forcemerge_s']} s, {out['es_store_mb']} MB")
                out["elasticsearch"] = {name: latency(backend, req, args.runs) for name, req in queries(backend).items()}
                mark("ES queries timed")
                print(json.dumps(out["elasticsearch"], ensure_ascii=False), file=sys.stderr, flush=True)
                if args.peer_code:
                    out["peer_code"] = peer_rounds(backend, conf, args)
                    mark("ES queries timed against the peer code")
            backend.close()
            if script_env is not None:  # the node's heap and CPU are not the embedded backend's to share
                subprocess.run([str(ROOT / "scripts" / "elasticsearch.sh"), "stop"], env=script_env,
                               capture_output=True, check=False)
                script_env = None
            if not args.no_fts:  # the embedded index is in the store's database
                fts_figures(tmp / "store.db", _all_findings(store), args, out)
                mark(f"FTS5 rebuilt at {out['fts_rebuild_per_s']}/s and queries timed")
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
    ap.add_argument("--no-es", action="store_true", help="with --search-only: skip the Elasticsearch figures")
    ap.add_argument("--peer-code", metavar="CHECKOUT",
                    help="with --search-only: also time the queries with CHECKOUT's index/es_backend.py (e.g. "
                         "/work/main) on the same node, in turns with this tree's, after checking the same results")
    ap.add_argument("--es-load", choices=("bulk", "rebuild"), default="bulk",
                    help="with --search-only: load the index by a tuned bulk of SQLite-built documents (default) "
                         "or by EsBackend.rebuild of the store's findings, as `storewatch index rebuild` does")
    ap.add_argument("--search-only", action="store_true",
                    help="skip the sync/raw comparison: fill the index with one raw bulk (documents streamed from "
                         "the store, not held in memory) and time the searches only; for -n 2000000")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved raw/sync rounds (default 5)")
    ap.add_argument("--warmup", type=int, default=None,
                    help="documents bulk-indexed to warm the node up before timing (default: n, at most 50,000)")
    ap.add_argument("--check-fill", action="store_true",
                    help="only check that the fast store fill writes the same rows as the ORM (use -n 20000)")
    args = ap.parse_args(argv)
    if args.check_fill:
        return check_fill(args.n)
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
