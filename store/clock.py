"""Time as people read it: the store keeps UTC, every time shown is in the configured ``timezone``.

One place for "what day is it here" (``local_today``), for formatting a stored time in local time
(``local_str``) and for log records (``LocalFormatter``), so that the CLI, the logs, the mail
headers, the UI, the digests and the exports agree. ``now`` is the one clock; tests freeze it by
patching ``store.clock.now``.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current time, aware, in UTC (what the store keeps)."""
    return datetime.now(UTC)


def zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def local_now(tz: str | ZoneInfo) -> datetime:
    return now().astimezone(zone(tz))


def local_today(tz: str | ZoneInfo) -> date:
    """Today's date in ``tz`` (not the server's zone: at 03:09 in Beijing it is already tomorrow's date there)."""
    return local_now(tz).date()


def as_local(ts: datetime, tz: str | ZoneInfo) -> datetime:
    """``ts`` in ``tz``; a naive ``ts`` is taken as UTC (how the store writes it)."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(zone(tz))


def local_str(ts: datetime | str | None, tz: str | ZoneInfo, *, seconds: bool = False, empty: str = "—") -> str:
    """``2026-12-07 03:09`` (with the zone's abbreviation omitted: one zone everywhere) or ``empty``."""
    if ts is None or ts == "":
        return empty
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts)
    return as_local(ts, tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


class LocalFormatter(logging.Formatter):
    """A log formatter whose ``%(asctime)s`` is in ``tz`` with its UTC offset (``2026-12-07 03:09:12+0800``)."""

    def __init__(self, fmt: str | None, tz: str | ZoneInfo) -> None:
        super().__init__(fmt)
        self.tz = zone(tz)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        ts = datetime.fromtimestamp(record.created, self.tz)
        return ts.strftime(datefmt or "%Y-%m-%d %H:%M:%S%z")


def localise_log_handlers(tz: str | ZoneInfo, logger: logging.Logger | None = None) -> None:
    """Give the root logger's plain formatters local times in ``tz`` (the CLI sets up logging before
    it has read the settings; once it has, its log lines follow the configured zone)."""
    for handler in (logger or logging.getLogger()).handlers:
        fmt = handler.formatter
        if fmt is not None and type(fmt) is logging.Formatter:
            handler.setFormatter(LocalFormatter(fmt._fmt, tz))  # noqa: SLF001 - the format string given
