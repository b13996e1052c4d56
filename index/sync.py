"""Keep the search index in step with the store: drain the outbox, rebuild from scratch.

The store is the truth. An outbox row only says *which* finding or page changed; sync reads the
current row from the store and indexes that (a row that no longer exists is deleted from the
index), so replaying, reordering or repeating outbox rows is harmless. A row is marked done only
after the backend confirmed its document; failures keep it pending with ``attempts`` and
``last_error``, and Elasticsearch being away just leaves the outbox to grow until the next run.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from errors import SearchBackendError
from index import rows as rows_mod
from index.documents import page_document, page_key
from index.search import Action, ActionResult, RebuildReport, SearchBackend
from store.db import Store
from store.models import Finding, OutboxEntry, PageRecord, Storefront, utcnow

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    processed: int = 0  # outbox rows handled (done or failed)
    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    pending: int = 0  # rows still pending afterwards
    errors: list[str] = field(default_factory=list)  # first few per-document errors
    stopped: str | None = None  # why the run stopped early (backend unavailable)


def _storefronts(session: Session, ids: set[int]) -> dict[int, Storefront]:
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(Storefront).where(Storefront.id.in_(ids)))}


FINDINGS = Finding.__table__


def finding_actions(session: Session, ids: Sequence[str]) -> list[Action]:
    # plain columns, not ORM objects: this runs for every finding at every sync (index/rows.py)
    rows = list(session.execute(rows_mod.finding_select().where(FINDINGS.c.finding_id.in_(ids))))
    docs = {d["finding_id"]: d for d in rows_mod.finding_docs(session, rows)}
    return [Action("finding", fid, docs.get(fid)) for fid in ids]


def latest_page(session: Session, storefront_id: int, url: str) -> PageRecord | None:
    return session.scalars(select(PageRecord).where(PageRecord.storefront_id == storefront_id,
                                                    PageRecord.url == url)
                           .order_by(PageRecord.fetched_at.desc(), PageRecord.id.desc()).limit(1)).first()


def page_actions(session: Session, ids: Sequence[str]) -> tuple[list[Action], dict[str, str]]:
    """Actions for page outbox ids, and which document each page id maps to (latest fetch per URL)."""
    numeric = [int(i) for i in ids if i.isdigit()]
    rows = list(session.scalars(select(PageRecord).where(PageRecord.id.in_(numeric))))
    shops = _storefronts(session, {p.storefront_id for p in rows})
    actions: dict[str, Action] = {}
    key_of: dict[str, str] = {}
    for page in rows:
        key = page_key(page.storefront_id, page.url)
        key_of[str(page.id)] = key
        if key not in actions:
            latest = latest_page(session, page.storefront_id, page.url) or page
            actions[key] = Action("page", key, page_document(latest, shops.get(page.storefront_id)))
    return list(actions.values()), key_of


def _build(session: Session, entries: Sequence[Any], sources: dict[str, bytes] | None = None,
           ) -> tuple[list[Action], dict[int, tuple[str, str]]]:
    """Actions for a batch of outbox rows, and for each row the (kind, doc id) that settles it.

    ``sources``: findings whose serialised document is already at hand (index/rows.py,
    ``sqlite_sources``); they become source-only actions, the others are read and built here.
    """
    sources = sources or {}
    finding_ids = list(dict.fromkeys(e.entity_id for e in entries if e.entity == "finding"))
    page_ids = list(dict.fromkeys(e.entity_id for e in entries if e.entity == "page"))
    rest = [fid for fid in finding_ids if fid not in sources]
    actions = [Action("finding", fid, None, src) for fid, src in sources.items()]
    actions += finding_actions(session, rest) if rest else []
    key_of: dict[str, str] = {}
    if page_ids:
        more, key_of = page_actions(session, page_ids)
        actions += more
    settles: dict[int, tuple[str, str]] = {}
    for e in entries:
        if e.entity == "finding":
            settles[e.id] = ("finding", e.entity_id)
        elif e.entity == "page" and e.entity_id in key_of:
            settles[e.id] = ("page", key_of[e.entity_id])
        else:
            settles[e.id] = ("none", "")  # unknown entity or a page row gone from the store: nothing to do
    return actions, settles


def _settle(entries: Sequence[Any], settles: dict[int, tuple[str, str]], results: Sequence[ActionResult],
            ) -> tuple[list[int], list[tuple[int, str]]]:
    """Which outbox rows of a batch are done, and which failed with what error."""
    by_key: dict[tuple[str, str], ActionResult] = {(r.kind, r.doc_id): r for r in results}
    done, failed = [], []
    for e in entries:
        key = settles[e.id]
        result = by_key.get(key)
        if key[0] == "none" or (result is not None and result.ok):
            done.append(e.id)
        elif result is not None:
            failed.append((e.id, result.error or "failed"))
    return done, failed


def _write(session: Session, done: Sequence[int], failed: Sequence[tuple[int, str]], report: SyncReport,
           now: datetime) -> None:
    """Mark ``done`` delivered (one statement) and count a failed attempt on each of ``failed``."""
    if done:
        session.execute(update(OutboxEntry).where(OutboxEntry.id.in_(done)).values(done_at=now))
    for oid, error in failed:
        session.execute(update(OutboxEntry).where(OutboxEntry.id == oid)
                        .values(attempts=OutboxEntry.attempts + 1, last_error=error[:2000]))
    report.processed += len(done) + len(failed)
    report.failed += len(failed)
    for oid, error in failed[: max(0, 5 - len(report.errors))]:
        report.errors.append(f"outbox {oid}: {error}")


def _record(session: Session, entries: Sequence[Any], settles: dict[int, tuple[str, str]],
            results: Sequence[ActionResult], report: SyncReport, now: datetime) -> None:
    _write(session, *_settle(entries, settles, results), report, now)


@dataclass(frozen=True)
class _Row:
    """What sync needs of an outbox row (detached from the session that read it)."""

    id: int
    entity: str
    entity_id: str


def _load_range(store: Store, lo: int, hi: int, encode: Callable[[dict[str, Any]], bytes] | None = None,
                ) -> tuple[list[_Row], list[Action], dict[int, tuple[str, str]]]:
    """Read the pending outbox rows with ids in [lo, hi] and build their actions (documents).

    With ``encode`` (the backend's serialiser) each document is also serialised here, once, in
    the helper thread, so the bulk call only joins bytes.
    """
    with store.session() as session:
        entries = [_Row(*r) for r in session.execute(
            select(OutboxEntry.id, OutboxEntry.entity, OutboxEntry.entity_id)
            .where(OutboxEntry.done_at.is_(None), OutboxEntry.id >= lo, OutboxEntry.id <= hi)
            .order_by(OutboxEntry.id))]
        if not entries:
            return [], [], {}
        # on SQLite the database writes most documents' JSON itself (index/rows.py)
        sources = rows_mod.sqlite_sources(session, [e.entity_id for e in entries if e.entity == "finding"]) \
            if encode is not None else {}
        actions, settles = _build(session, entries, sources)
    if encode is not None:
        actions = [a if a.doc is None else Action(a.kind, a.doc_id, a.doc, encode(a.doc)) for a in actions]
    return entries, actions, settles


def sync(store: Store, backend: SearchBackend, *, batch_size: int = 500, max_rows: int | None = None,
         mark_every: int = 4) -> SyncReport:
    """Push the outbox rows pending now to the backend, oldest first, each once per run.

    The next two batches are read and their documents built in a helper thread while the current
    one is in flight; rows added meanwhile wait for the next run (the daemon runs it every minute).
    Delivered rows are marked in one statement and transaction per ``mark_every`` batches (and
    before the run stops or ends): a row is marked only after its document was confirmed, so a
    crash in between re-sends a few batches (same ids, same documents), never loses one.
    """
    backend.ensure()
    report = SyncReport()
    encode = getattr(backend, "encode", None)
    with store.session() as session:
        ids = list(session.scalars(select(OutboxEntry.id).where(OutboxEntry.done_at.is_(None))
                                   .order_by(OutboxEntry.id).limit(max_rows)))
    ranges = iter([(ids[i], ids[min(i + batch_size, len(ids)) - 1]) for i in range(0, len(ids), batch_size)])
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-sync")
    upcoming: deque[Future[Any]] = deque()
    done: list[int] = []
    failed: list[tuple[int, str]] = []
    unmarked = 0  # batches settled but not yet written

    def top_up() -> None:
        while len(upcoming) < 2 and (r := next(ranges, None)) is not None:
            upcoming.append(pool.submit(_load_range, store, *r, encode))

    def flush() -> None:
        nonlocal unmarked
        if done or failed:
            with store.session() as session:
                _write(session, done, failed, report, utcnow())
        done.clear()
        failed.clear()
        unmarked = 0

    try:
        top_up()
        while upcoming:
            entries, actions, settles = upcoming.popleft().result()
            top_up()
            if not entries:
                continue
            try:
                results = backend.apply(actions)
            except SearchBackendError as exc:
                flush()
                partial = list(getattr(exc, "results", []))
                keys = {(r.kind, r.doc_id) for r in partial}
                with store.session() as session:
                    _record(session, [e for e in entries if settles[e.id] in keys], settles, partial, report,
                            utcnow())
                    session.execute(update(OutboxEntry).where(OutboxEntry.id.in_([e.id for e in entries]),
                                                              OutboxEntry.done_at.is_(None))
                                    .values(last_error=str(exc)[:2000]))
                report.stopped = str(exc)
                break
            ok, bad = _settle(entries, settles, results)
            done += ok
            failed += bad
            unmarked += 1
            if unmarked >= mark_every:
                flush()
            report.deleted += sum(1 for a, r in zip(actions, results, strict=True) if r.ok and a.deletes)
            report.indexed += sum(1 for a, r in zip(actions, results, strict=True) if r.ok and not a.deletes)
        flush()
    finally:
        for f in upcoming:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
    with store.session() as session:
        report.pending = session.scalar(select(func.count()).select_from(OutboxEntry)
                                        .where(OutboxEntry.done_at.is_(None))) or 0
    log.info("index sync: %d rows, %d indexed, %d deleted, %d failed, %d pending",
             report.processed, report.indexed, report.deleted, report.failed, report.pending)
    return report


def sync_entries(store: Store, backend: SearchBackend, outbox_ids: Sequence[int]) -> SyncReport:
    """Push just these outbox rows (those still pending) now, and make them searchable at once.

    For a change a person just made (the triage UI after a decision): a few documents, one bulk
    request and a refresh, instead of waiting for the next regular sync. Same bookkeeping as
    :func:`sync` (rows are marked done or keep their error); the rest of the outbox is left alone.
    Raises SearchBackendError when the backend is away (the rows stay pending for the next sync).
    """
    report = SyncReport()
    if not outbox_ids:
        return report
    backend.ensure()
    with store.session() as session:
        entries = [_Row(e.id, e.entity, e.entity_id) for e in session.scalars(
            select(OutboxEntry).where(OutboxEntry.done_at.is_(None), OutboxEntry.id.in_(list(outbox_ids)))
            .order_by(OutboxEntry.id))]
        if not entries:
            return report
        actions, settles = _build(session, entries)
    results = backend.apply(actions)
    backend.refresh()
    with store.session() as session:
        _record(session, entries, settles, results, report, utcnow())
    report.deleted = sum(1 for a, r in zip(actions, results, strict=True) if r.ok and a.deletes)
    report.indexed = sum(1 for a, r in zip(actions, results, strict=True) if r.ok and not a.deletes)
    return report


def _all_findings(store: Store, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    last = ""
    while True:
        with store.session() as session:
            rows = list(session.execute(rows_mod.finding_select().where(FINDINGS.c.finding_id > last)
                                        .order_by(FINDINGS.c.finding_id).limit(chunk)))
            if not rows:
                return
            docs = rows_mod.finding_docs(session, rows)
        last = rows[-1][0]
        yield from docs


def _all_pages(store: Store, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """The latest fetch of every (storefront, URL)."""
    last = 0
    while True:
        with store.session() as session:
            newest = (select(func.max(PageRecord.id).label("id"))
                      .group_by(PageRecord.storefront_id, PageRecord.url).subquery())
            rows = list(session.scalars(select(PageRecord).join(newest, PageRecord.id == newest.c.id)
                                        .where(PageRecord.id > last).order_by(PageRecord.id).limit(chunk)))
            if not rows:
                return
            shops = _storefronts(session, {p.storefront_id for p in rows})
            docs = [page_document(p, shops.get(p.storefront_id)) for p in rows]
        last = rows[-1].id
        yield from docs


def rebuild(store: Store, backend: SearchBackend, kinds: Sequence[str] = ("finding", "page")) -> list[RebuildReport]:
    """Recreate the index from the store, then replay what changed meanwhile.

    Changes committed while the new index fills reach the old one through sync (its alias still
    points there); after the switch every outbox row newer than the start, or settled since the
    start, is applied again to the new index, so nothing committed during the rebuild is missed.
    """
    backend.ensure()
    started = utcnow()
    with store.session() as session:
        mark = session.scalar(select(func.max(OutboxEntry.id))) or 0
    reports = []
    for kind in kinds:
        docs = _all_findings(store) if kind == "finding" else _all_pages(store)
        reports.append(backend.rebuild(kind, docs))  # type: ignore[arg-type]
    with store.session() as session:
        entries = list(session.scalars(select(OutboxEntry).where(
            or_(OutboxEntry.id > mark, OutboxEntry.done_at >= started),
            OutboxEntry.entity.in_([k for k in kinds]))))
        actions, _ = _build(session, entries) if entries else ([], {})
    if actions:
        failed = [r for r in backend.apply(actions) if not r.ok]
        log.info("rebuild replayed %d change(s) made meanwhile (%d failed; they stay in the outbox)",
                 len(actions), len(failed))
    return reports
