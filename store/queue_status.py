"""The crawl queue as ``storewatch status`` shows it: workers (host, heartbeat, job, since), queue depth
and age, stalled jobs. Read with SQL from procrastinate's tables (``daemon/queue.py`` owns them) and
the workers' status rows (``worker:<id>`` in ``daemon_state``); None when the store has no queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select, text

from store.models import DaemonState

QUEUE = "crawls"


def queue_status(s: Any, stalled_after: float) -> dict[str, Any] | None:
    if not inspect(s.connection()).has_table("procrastinate_jobs"):
        return None
    counts = {str(k): int(v) for k, v in s.execute(text(
        "SELECT status, count(*) FROM procrastinate_jobs WHERE queue_name = :q GROUP BY status"), {"q": QUEUE})}
    oldest = s.execute(text(  # ages on the database's clock: the same for every machine
        "SELECT EXTRACT(EPOCH FROM now() - min(e.at)) FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id "
        "AND e.type = 'deferred' WHERE j.status = 'todo' AND j.queue_name = :q"), {"q": QUEUE}).scalar()
    beats = {int(i): float(age) for i, age in s.execute(text(
        "SELECT id, EXTRACT(EPOCH FROM now() - last_heartbeat) FROM procrastinate_workers"))}
    doing = [(int(i), wid, str(lock or "")) for i, wid, lock in s.execute(text(
        "SELECT id, worker_id, queueing_lock FROM procrastinate_jobs WHERE status = 'doing' AND queue_name = :q "
        "ORDER BY id"), {"q": QUEUE})]
    workers = []
    for row in s.scalars(select(DaemonState).where(DaemonState.key.like("worker:%")).order_by(DaemonState.key)):
        v = dict(row.value or {})
        wid = v.get("worker_id")
        age = beats.get(int(wid)) if isinstance(wid, int) else None
        workers.append({**v, "heartbeat_age_seconds": round(age, 1) if age is not None else None,
                        "state": "lost" if age is None or age > stalled_after else
                        ("stopping" if v.get("stopping") else "alive")})
    stalled = [{"job_id": i, "worker_id": wid, "lock": lock} for i, wid, lock in doing
               if wid is None or beats.get(int(wid), stalled_after + 1) > stalled_after]
    return {"counts": counts, "depth": counts.get("todo", 0), "running": counts.get("doing", 0),
            "oldest_waiting_seconds": round(float(oldest)) if oldest is not None else None, "workers": workers, "stalled": stalled,
            "unregistered_workers": sorted(set(beats) - {w.get("worker_id") for w in workers})}


def format_queue(q: dict[str, Any] | None) -> list[str]:
    if q is None:
        return []
    age = q["oldest_waiting_seconds"]
    lines = [f"抓取队列 crawl queue: {q['depth']} waiting" + (f" (oldest {age}s)" if age is not None else "")
             + f", {q['running']} running, {q['counts'].get('failed', 0)} failed, "
             f"{q['counts'].get('succeeded', 0)} done"]
    lines.append(f"抓取机器 workers: {sum(1 for w in q['workers'] if w['state'] == 'alive')} alive")
    for w in q["workers"]:
        jobs = ", ".join(f"storefront #{r.get('storefront_id')} since {r.get('since')}" for r in w.get("running") or [])
        beat = w["heartbeat_age_seconds"]
        lines.append(f"  {w.get('name')} (pid {w.get('pid')} on {w.get('host')}): {w['state']}, heartbeat "
                     + (f"{beat}s ago" if beat is not None else "gone") + f", {w.get('done', 0)} done; "
                     + (jobs or "idle"))
    if q["stalled"]:
        lines.append(f"停滞任务 stalled jobs (worker lost; retried by the other workers): {len(q['stalled'])}")
        for j in q["stalled"]:
            lines.append(f"  job {j['job_id']} {j['lock']} (worker {j['worker_id']})")
    return lines
