"""Aggregations for the dashboard and the credit files, in SQL (GROUP BY), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def months_back(now: datetime, n: int) -> list[str]:
    """The last ``n`` months as 'YYYY-MM', oldest first, ending with ``now``'s month."""
    y, m = now.year, now.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def month_expr(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def monthly(session: Session, column: Any, since: datetime, *where: Any, by: Any = None) -> dict[tuple[str, Any], int]:
    """Counts per (month of ``column``, ``by``) for rows with ``column >= since``."""
    month = month_expr(session, column).label("month")
    cols = [month] + ([by] if by is not None else [])
    q = select(*cols, func.count()).where(column >= since, *where).group_by(*cols)
    out: dict[tuple[str, Any], int] = {}
    for row in session.execute(q):
        out[(row[0], row[1] if by is not None else None)] = row[-1]
    return out


def series(counts: dict[tuple[str, Any], int], months: list[str], keys: list[Any]) -> dict[Any, list[float]]:
    """{key: [count per month]} from :func:`monthly` output."""
    table: dict[Any, list[float]] = defaultdict(lambda: [0.0] * len(months))
    index = {m: i for i, m in enumerate(months)}
    for (month, key), n in counts.items():
        if month in index and key in keys:
            table[key][index[month]] += n
    return {k: table[k] for k in keys}
