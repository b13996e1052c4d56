"""What ``storewatch status`` shows: heartbeat, running crawls, queues, next runs, last digests."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, inspect, select, text

from shared.procs import pid_alive
from store.clock import as_local
from store.db import open_store
from store.models import CrawlRun, DaemonState, Digest, OutboxEntry, Storefront, utcnow


def collect_status(settings: Any) -> dict[str, Any]:
    store = open_store(settings)
    now = utcnow()

    def loc(ts: datetime) -> str:  # stored UTC, shown in the configured zone with its offset
        return as_local(ts, settings.timezone).isoformat(timespec="seconds")
    try:
        with store.session() as s:
            state = s.get(DaemonState, "daemon")
            beat = None
            if state is not None:
                age = (now - state.updated_at).total_seconds()
                limit = 3 * float(settings.scheduler.heartbeat_interval)
                same_host = state.value.get("host") == os.uname().nodename
                beat = {"at": loc(state.updated_at), "age_seconds": round(age, 1), **state.value,
                        "healthy": age <= limit and not state.value.get("stopping")
                        and (not same_host or pid_alive(state.value.get("pid")))}
                if isinstance(beat.get("started_at"), str):
                    try:
                        beat["started_at"] = loc(datetime.fromisoformat(beat["started_at"]))
                    except ValueError:
                        pass
            running = [{"run_id": r.id, "storefront_id": r.storefront_id, "domain": d, "pid": r.pid,
                        "started_at": loc(r.started_at),
                        "seconds": round((now - r.started_at).total_seconds())}
                       for r, d in s.execute(select(CrawlRun, Storefront.domain)
                                             .join(Storefront, Storefront.id == CrawlRun.storefront_id)
                                             .where(CrawlRun.status == "running").order_by(CrawlRun.id))]
            outbox = int(s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.done_at.is_(None)))
                         or 0)
            pending = s.scalars(select(Digest).where(Digest.status == "pending").order_by(Digest.id)).all()
            last = {}
            for kind in ("daily", "weekly", "alert"):
                d = s.scalars(select(Digest).where(Digest.kind == kind, Digest.status == "sent")
                              .order_by(Digest.id.desc()).limit(1)).first()
                if d is not None:
                    last[kind] = {"id": d.id, "sent_at": loc(d.sent_at) if d.sent_at else None,
                                  "subject": d.subject, "to": d.email_target}
            runs24 = dict(s.execute(select(CrawlRun.status, func.count()).where(
                CrawlRun.started_at > now - timedelta(days=1)).group_by(CrawlRun.status)).all())
            gaps = _coverage_gaps(s)
            from store.timestamps import pending_counts

            ts_pending = pending_counts(s) if inspect(s.connection()).has_table("evidence_timestamps") else (0, 0)
            from store.queue_status import queue_status

            queue = queue_status(s, float(settings.scheduler.worker_stalled_after))
            next_runs: list[dict[str, Any]] = []
            if inspect(s.connection()).has_table("apscheduler_jobs"):
                for job_id, ts in s.execute(text("SELECT id, next_run_time FROM apscheduler_jobs "
                                                 "ORDER BY next_run_time LIMIT 12")):
                    next_runs.append({"job": job_id, "next_run": loc(datetime.fromtimestamp(ts, UTC))
                                      if ts is not None else "paused"})
    finally:
        store.dispose()
    return {"heartbeat": beat, "running_crawls": running, "outbox_depth": outbox,
            "digest_queue": [{"id": d.id, "kind": d.kind, "attempts": d.attempts, "last_error": d.last_error,
                              "next_attempt_at": loc(d.next_attempt_at)} for d in pending],
            "last_digest": last, "crawls_last_24h": {k: int(v) for k, v in runs24.items()}, "next_runs": next_runs,
            "timestamps_pending": {"tokens": ts_pending[0], "runs": ts_pending[1]}, "coverage_gaps": gaps,
            "dispatch": settings.scheduler.dispatch, "queue": queue}


def _coverage_gaps(s: Any) -> list[dict[str, Any]]:
    """Storefronts whose latest finished run did not cover the site, with the reasons per page."""
    latest = (select(CrawlRun.storefront_id, func.max(CrawlRun.id).label("run_id"))
              .where(CrawlRun.status != "running").group_by(CrawlRun.storefront_id).subquery())
    rows = s.execute(select(CrawlRun, Storefront.domain).join(latest, latest.c.run_id == CrawlRun.id)
                     .join(Storefront, Storefront.id == CrawlRun.storefront_id)
                     .where(CrawlRun.status != "complete").order_by(CrawlRun.id)).all()
    return [{"run_id": r.id, "storefront_id": r.storefront_id, "domain": d, "status": r.status,
             "counts": dict((r.stats or {}).get("coverage_counts") or {}),
             "reasons": list((r.stats or {}).get("coverage_zh") or [])[:5], "error": (r.error or "")[:200]}
            for r, d in rows]


def format_status(info: dict[str, Any]) -> str:
    lines = []
    hb = info["heartbeat"]
    if hb is None:
        lines.append("守护进程 daemon: never ran (no heartbeat)")
    else:
        ok = "healthy" if hb["healthy"] else "NOT RUNNING / STALE"
        lines.append(f"守护进程 daemon: {ok}; pid {hb.get('pid')} on {hb.get('host')}, "
                     f"last heartbeat {hb['at']} ({hb['age_seconds']}s ago), started {hb.get('started_at')}")
        if hb.get("web"):
            lines.append(f"分析员工作台 web UI: {hb['web']}")
    from store.queue_status import format_queue

    lines.append(f"抓取调度 dispatch: {info.get('dispatch', 'local')}")
    lines.extend(format_queue(info.get("queue")))
    lines.append(f"正在抓取 running crawls: {len(info['running_crawls'])}")
    for r in info["running_crawls"]:
        lines.append(f"  run #{r['run_id']} storefront #{r['storefront_id']} {r['domain']} pid {r['pid']} "
                     f"for {r['seconds']}s")
    lines.append("近24小时抓取 crawls in the last 24 h: "
                 + (", ".join(f"{k} {v}" for k, v in sorted(info["crawls_last_24h"].items())) or "none"))
    gaps = info.get("coverage_gaps") or []
    lines.append(f"覆盖缺口 coverage gaps (latest run not complete): {len(gaps)}")
    for g in gaps:
        counts = "，".join(f"{k} {v}" for k, v in sorted(g["counts"].items()))
        lines.append(f"  storefront #{g['storefront_id']} {g['domain']}: {g['status']} (run #{g['run_id']})"
                     + (f" [{counts}]" if counts else "") + (f" {g['error']}" if g["error"] and not g["reasons"] else ""))
        for r in g["reasons"]:
            lines.append(f"    · {r}")
    lines.append(f"索引队列 index outbox depth: {info['outbox_depth']}")
    tsp = info.get("timestamps_pending") or {}
    if tsp.get("tokens"):
        lines.append(f"可信时间戳待补 trusted timestamps pending: {tsp['tokens']} token(s) of {tsp['runs']} run(s) "
                     "(TSA unreachable; retried by the daemon)")
    lines.append(f"待发摘要 digest queue: {len(info['digest_queue'])}")
    for d in info["digest_queue"]:
        lines.append(f"  #{d['id']} {d['kind']} attempts {d['attempts']} next {d['next_attempt_at']} "
                     f"{d['last_error'] or ''}")
    for kind, d in info["last_digest"].items():
        lines.append(f"最近摘要 last {kind} digest: #{d['id']} sent {d['sent_at']} -> {d['to']}")
    if not info["last_digest"]:
        lines.append("最近摘要 last digest: none sent yet")
    lines.append("下次运行 next runs:")
    for j in info["next_runs"]:
        lines.append(f"  {j['next_run']}  {j['job']}")
    return "\n".join(lines)
