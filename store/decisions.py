"""Analysts teach it: their decisions on findings as figures per rule and as labelled examples.

A finding an analyst confirmed (or took further: a case, a notice, rectification) is a true
positive of its rule; one an analyst dismissed, with the reason they gave, is a false positive.
Only people's decisions count (events by the crawler, ``actor == "system"``, are not decisions),
and only each finding's latest decision. ``rule_precision`` is what ``storewatch decisions
precision`` prints; ``labelled_examples`` is what ``storewatch decisions export`` writes for
``storewatch train`` (kept under ``corpus/decisions/``, apart from the blind test sets).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Finding, FindingEvent, utcnow

POSITIVE = ("confirmed", "case_opened", "notified", "rectified")
NEGATIVE = ("dismissed",)


@dataclass(frozen=True)
class RulePrecision:
    rule_id: str
    confirmed: int
    dismissed: int

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None


def _latest_decisions(session: Session, since: datetime | None,
                      rule_ids: Sequence[str] | None = None) -> dict[str, FindingEvent]:
    q = select(FindingEvent).where(FindingEvent.actor != "system",
                                   FindingEvent.to_status.in_(POSITIVE + NEGATIVE))
    if since is not None:
        q = q.where(FindingEvent.at >= since)
    if rule_ids is not None:
        q = q.join(Finding, Finding.finding_id == FindingEvent.finding_id).where(Finding.rule_id.in_(list(rule_ids)))
    latest: dict[str, FindingEvent] = {}
    for ev in session.scalars(q.order_by(FindingEvent.id)):
        latest[ev.finding_id] = ev
    return latest


def rule_precision(session: Session, days: int = 90, now: datetime | None = None,
                   rule_ids: Sequence[str] | None = None) -> list[RulePrecision]:
    """Per rule id (only ``rule_ids``, if given), how many of its findings analysts confirmed and dismissed
    in the last ``days`` days."""
    since = (now or utcnow()) - timedelta(days=days)
    latest = _latest_decisions(session, since, rule_ids)
    if not latest:
        return []
    rules = {fid: rule for fid, rule in session.execute(select(Finding.finding_id, Finding.rule_id)
                                                        .where(Finding.finding_id.in_(list(latest))))}
    counts: dict[str, list[int]] = {}
    for fid, ev in latest.items():
        rule = rules.get(fid)
        if rule is None:
            continue
        c = counts.setdefault(rule, [0, 0])
        c[0 if ev.to_status in POSITIVE else 1] += 1
    return sorted((RulePrecision(r, c, d) for r, (c, d) in counts.items()),
                  key=lambda p: (p.precision if p.precision is not None else 2.0, -p.decided, p.rule_id))


def labelled_examples(session: Session, days: int | None = None) -> Iterator[dict[str, Any]]:
    """Each decided finding as a corpus row: its excerpt, the category if confirmed (none if dismissed)."""
    since = utcnow() - timedelta(days=days) if days else None
    latest = _latest_decisions(session, since)
    for fid, ev in sorted(latest.items()):
        f = session.get(Finding, fid)
        if f is None or not (f.excerpt or "").strip():
            continue
        positive = ev.to_status in POSITIVE
        yield {"id": f"analyst:{fid}", "text": f.excerpt, "categories": [f.category] if positive else [],
               "why": f"{ev.to_status} by {ev.actor}: {ev.note}".strip(), "register": "analyst",
               "hard_negative": not positive, "rule_id": f.rule_id}


def precision_of_rule(session: Session, rule_id: str, days: int = 90) -> RulePrecision:
    """One rule's figures, its former ids included (what the finding page shows)."""
    from analyzers.rules import BY_ID

    rule = BY_ID.get(rule_id)
    ids = (rule.id, *rule.old_ids) if rule is not None else (rule_id,)
    rows = rule_precision(session, days, rule_ids=ids)
    return RulePrecision(rule.id if rule is not None else rule_id, sum(r.confirmed for r in rows),
                         sum(r.dismissed for r in rows))


def precision_label(p: RulePrecision | None, days: int = 90) -> str:
    """One line for analysts: 近90天研判准确率 83%（确认 5，排除 1）, or that there is no decision yet."""
    if p is None or p.precision is None:
        return f"近{days}天尚无研判结论"
    return f"近{days}天研判准确率 {p.precision:.0%}（确认 {p.confirmed}，排除 {p.dismissed}）"
