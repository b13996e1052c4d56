"""Merchant credit grade (信用档案, Art. 6 of the Xining rules).

Formula (every number is a setting in the ``[credit]`` section, see config.CreditSettings)::

    score = max(0, 100 − Σ deduction(f))   over the merchant's confirmed findings f
    deduction(f) = points[severity(f)] × 0.5 ^ (age_days(f) / half_life_days) × rectified(f)
    rectified(f) = 1 − rectification_credit   if the merchant rectified f, else 1
    grade = A if score ≥ grade_a, B if ≥ grade_b, C if ≥ grade_c, else D

- *Confirmed findings* are those an analyst confirmed, or that went on to a case (statuses
  confirmed, case_opened, notified, ready_to_close, rectified, closed). Open (unreviewed),
  dismissed and automatically resolved findings do not count: only a human decision lowers a grade.
  They are shown beside it instead (待研判 N, 含严重 M) with the *provisional* grade: the score
  if every unreviewed finding were confirmed (暂定等级).
- *Age* is counted from the finding's ``last_seen`` (the last day the violation was observed),
  so a violation that persists keeps weighing fully; after it stops it halves every half-life.
- *Rectified* means the finding ended as ``rectified`` (case closed with outcome 已整改) or is
  ``ready_to_close`` (a re-check no longer found it).
Defaults: points info 0, low 2, medium 5, high 10, critical 20; half-life 365 days;
rectification credit 0.5; A ≥ 90, B ≥ 75, C ≥ 60. The warning list (公示及预警) shows
merchants whose grade is in ``warning_grades`` (default C and D).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import CreditSettings
from store.models import Finding

CONFIRMED_STATUSES = ("confirmed", "case_opened", "notified", "ready_to_close", "rectified", "closed")
UNREVIEWED_STATUSES = ("open", "reopened")  # found by the monitor, no analyst decision yet
RECTIFIED_STATUSES = ("rectified", "ready_to_close")
GRADE_LABELS = {"A": "守信", "B": "基本守信", "C": "失信风险", "D": "严重失信"}


@dataclass(frozen=True, slots=True)
class CreditItem:
    severity: str
    last_seen: datetime
    rectified: bool
    finding_id: str = ""


@dataclass(frozen=True)
class Grade:
    score: float
    grade: str
    confirmed: int
    rectified: int
    deductions: list[tuple[str, float]] = field(default_factory=list)  # (finding_id, points), largest first
    pending: int = 0  # open (unreviewed) findings: not counted in the grade
    pending_critical: int = 0
    provisional_score: float = 100.0  # the score if every unreviewed finding were confirmed
    provisional_grade: str = "A"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.grade]

    @property
    def provisional_label(self) -> str:
        return GRADE_LABELS[self.provisional_grade]

    @property
    def at_risk(self) -> bool:
        """Unreviewed findings would lower the grade if confirmed."""
        return self.provisional_grade != self.grade


def deduction(item: CreditItem, cfg: CreditSettings, now: datetime) -> float:
    age = max(0.0, (now - item.last_seen).total_seconds() / 86400)
    points = cfg.points(item.severity) * 0.5 ** (age / cfg.half_life_days)
    return points * (1 - cfg.rectification_credit) if item.rectified else points


def grade_of(score: float, cfg: CreditSettings) -> str:
    if score >= cfg.grade_a:
        return "A"
    if score >= cfg.grade_b:
        return "B"
    if score >= cfg.grade_c:
        return "C"
    return "D"


def score(items: Iterable[CreditItem], cfg: CreditSettings, now: datetime,
          pending: Iterable[CreditItem] = ()) -> Grade:
    """The grade of one merchant from its confirmed findings; ``pending`` (unreviewed, open findings)
    do not change it but give the provisional grade: what it would be if they were all confirmed."""
    items, pending = list(items), list(pending)
    ded = [(i.finding_id, deduction(i, cfg, now)) for i in items]
    total = max(0.0, 100.0 - sum(d for _, d in ded))
    provisional = max(0.0, total - sum(deduction(i, cfg, now) for i in pending))
    ded.sort(key=lambda x: -x[1])
    return Grade(score=round(total, 1), grade=grade_of(total, cfg), confirmed=len(ded),
                 rectified=sum(1 for i in items if i.rectified),
                 deductions=ded[:20], pending=len(pending),
                 pending_critical=sum(1 for i in pending if i.severity == "critical"),
                 provisional_score=round(provisional, 1), provisional_grade=grade_of(provisional, cfg))


def _items(session: Session, storefront_id: int | None = None,
           statuses: tuple[str, ...] = CONFIRMED_STATUSES) -> dict[int, list[CreditItem]]:
    q = select(Finding.storefront_id, Finding.severity, Finding.last_seen, Finding.status, Finding.finding_id) \
        .where(Finding.status.in_(statuses), Finding.storefront_id.is_not(None))
    if storefront_id is not None:
        q = q.where(Finding.storefront_id == storefront_id)
    out: dict[int, list[CreditItem]] = {}
    for sf, sev, seen, status, fid in session.execute(q):
        out.setdefault(sf, []).append(CreditItem(sev, seen, status in RECTIFIED_STATUSES, fid))
    return out


def grade_storefront(session: Session, storefront_id: int, cfg: CreditSettings, now: datetime) -> Grade:
    return score(_items(session, storefront_id).get(storefront_id, []), cfg, now,
                 _items(session, storefront_id, UNREVIEWED_STATUSES).get(storefront_id, []))


def grade_all(session: Session, storefront_ids: Iterable[int], cfg: CreditSettings,
              now: datetime) -> dict[int, Grade]:
    """Grades of every storefront given (those without confirmed findings score 100, grade A)."""
    items, pending = _items(session), _items(session, statuses=UNREVIEWED_STATUSES)
    return {sid: score(items.get(sid, []), cfg, now, pending.get(sid, [])) for sid in storefront_ids}
