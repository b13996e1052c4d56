"""A small cache for aggregates over the whole store (dashboard, grades of every merchant).

An entry is valid while the store has not changed in a way that matters: its key holds the
newest finding event, case event and crawl run ids (every finding change, decision, case action
and crawl writes one), and it expires after ``MAX_AGE`` seconds regardless.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import CrawlRun, FindingEvent
from web.models import CaseEvent

T = TypeVar("T")
MAX_AGE = 600.0
_lock = threading.Lock()
_entries: dict[tuple[int, str], tuple[float, tuple[Any, ...], Any]] = {}


def version(session: Session) -> tuple[Any, ...]:
    return (session.scalar(select(func.max(FindingEvent.id))), session.scalar(select(func.max(CaseEvent.id))),
            session.scalar(select(func.max(CrawlRun.id))), session.scalar(select(func.count(CrawlRun.finished_at))))


def cached(owner: object, name: str, session: Session, compute: Callable[[], T]) -> T:
    key = (id(owner), name)
    ver = version(session)
    with _lock:
        hit = _entries.get(key)
    if hit is not None and hit[1] == ver and time.monotonic() - hit[0] < MAX_AGE:
        return hit[2]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _entries[key] = (time.monotonic(), ver, value)
    return value
