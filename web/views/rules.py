"""The rule view: every rule with its legal basis and its precision from analysts' decisions (近90天)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from analyzers.catalogue import figures_of
from analyzers.rules import RULES
from store.decisions import rule_precision
from web.common import in_db, render

DAYS = 90


def rules_data(session: Session, days: int = DAYS) -> list[dict[str, Any]]:
    """One row per rule: declaration fields and (confirmed, dismissed, precision) over ``days`` days."""
    figures = {r.rule_id: (r.confirmed, r.dismissed) for r in rule_precision(session, days)}
    rows = []
    for r in RULES:
        confirmed, dismissed = figures_of(r, figures)
        decided = confirmed + dismissed
        rows.append({"rule": r, "confirmed": confirmed, "dismissed": dismissed,
                     "precision": confirmed / decided if decided else None})
    return rows


async def rules_view(request: Request) -> Response:
    rows = await in_db(request, rules_data)
    return render(request, "rules.html", rows=rows, days=DAYS)


ROUTES = [Route("/rules", rules_view)]
