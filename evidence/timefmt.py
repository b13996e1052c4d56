"""Evidence times: every instant is recorded in UTC and in the bureau's local time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def parse_utc(iso: str) -> datetime:
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def utc_iso(dt: datetime | None = None) -> str:
    dt = dt or datetime.now(UTC)
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stamp(iso_utc: str, timezone: str = "Asia/Shanghai") -> dict[str, str]:
    """``{"utc": …Z, "local": …+08:00, "timezone": "Asia/Shanghai"}`` for one instant."""
    dt = parse_utc(iso_utc) if iso_utc else datetime.now(UTC)
    return {"utc": utc_iso(dt), "local": dt.astimezone(ZoneInfo(timezone)).isoformat(timespec="milliseconds"),
            "timezone": timezone}


def warc_date(iso_utc: str) -> str:
    """WARC-Date form (UTC, ``Z``; WARC/1.1 allows fractions of a second)."""
    return utc_iso(parse_utc(iso_utc) if iso_utc else None)
