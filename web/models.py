"""Tables of the web UI, on the store's metadata (``store.models.Base``): users, server-side
sessions, the login audit, and cases (Art. 24) with their findings, notices and events.

Schema: migration ``store/migrations/versions/0002w_web.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.lifecycle import ROLE_LABELS as ROLE_LABELS  # one role ladder, decided in store.lifecycle
from store.lifecycle import ROLE_RANK as ROLE_RANK
from store.models import Base, Finding, utcnow

# covering index for the facet counts of the findings list (one index-only scan for all facets)
FACET_INDEX = Index("ix_findings_facets", Finding.category, Finding.article, Finding.severity, Finding.status,
                    Finding.storefront_id)


ROLES = tuple(ROLE_RANK)  # viewer (只读: leaders who only read), analyst, supervisor, admin

CASE_STATUSES = ("open", "notified", "rechecking", "closed")
CASE_STATUS_LABELS = {"open": "已立案", "notified": "已通知整改", "rechecking": "待复查", "closed": "已结案"}
CASE_OUTCOMES = {
    "rectified": "已整改",
    "penalized": "已作出行政处罚",
    "suspended": "已通知暂停提供服务（第二十四条）",
    "transferred": "已移送其他部门",
    "withdrawn": "撤销立案",
}
NOTICE_KINDS = {
    "rectification": "责令整改通知书",
    "suspension": "暂停提供服务通知书（第二十四条）",
    "penalty": "行政处罚决定书（第二十五条）",
}


class User(Base):
    """A person who signs in to the UI. ``password_hash`` is argon2id."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class AuthEvent(Base):
    """Audit of sign-ins: ``kind`` login_ok, login_failed, login_throttled, logout,
    user_added, password_changed, user_disabled. Also the data for login throttling."""

    __tablename__ = "web_auth_events"
    __table_args__ = (Index("ix_web_auth_events_name_at", "user_name", "at"),
                      Index("ix_web_auth_events_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    user_name: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class Case(Base):
    """A case opened against one merchant (立案, Art. 24) from one or more findings."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. 宁商电案〔2026〕0001号
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    recheck_at: Mapped[datetime | None] = mapped_column(nullable=True)  # the daemon crawls then
    recheck_requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    recheck_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    outcome_note: Mapped[str] = mapped_column(Text, default="")

    findings: Mapped[list[CaseFinding]] = relationship(cascade="all, delete-orphan", back_populates="case")
    notices: Mapped[list[CaseNotice]] = relationship(cascade="all, delete-orphan", back_populates="case",
                                                     order_by="CaseNotice.id")
    events: Mapped[list[CaseEvent]] = relationship(cascade="all, delete-orphan", back_populates="case",
                                                   order_by="CaseEvent.id")


class CaseFinding(Base):
    __tablename__ = "case_findings"
    __table_args__ = (UniqueConstraint("case_id", "finding_id", name="uq_case_finding"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.finding_id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="findings")


class CaseNotice(Base):
    """A notice sent to the merchant (责令整改通知书 …) with its rectification deadline."""

    __tablename__ = "case_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="rectification")
    number: Mapped[str] = mapped_column(String(100), default="")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(nullable=True)
    content: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))

    case: Mapped[Case] = relationship(back_populates="notices")


class CaseEvent(Base):
    """Audit trail of a case: who did what, when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))  # opened, notice, recheck, closed, finding_added
    detail: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="events")
