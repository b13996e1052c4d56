"""The store of record: SQLAlchemy 2.x models (schema changes go through Alembic migrations).

Tables: storefronts (Art. 9 filing fields), allow-list entries, crawl runs, pages, findings,
finding events (audit trail), and the outbox that feeds the search index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The one clock (``store.clock.now``; tests freeze it there)."""
    from store import clock

    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Storefront(Base):
    """A registered online storefront and its filing record (Art. 9)."""

    __tablename__ = "storefronts"
    __table_args__ = (UniqueConstraint("uscc", "domain", name="uq_storefront_uscc_domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # 主体名称
    uscc: Mapped[str] = mapped_column(String(18), index=True)  # 统一社会信用代码
    entity_type: Mapped[str] = mapped_column(String(100), default="")  # 主体类型
    site_name: Mapped[str] = mapped_column(String(200), default="")  # 网站名称
    domain: Mapped[str] = mapped_column(String(255), index=True)  # 网站域名 (host[:port])
    ip: Mapped[str] = mapped_column(String(100), default="")  # IP地址
    site_type: Mapped[str] = mapped_column(String(100), default="")  # 网站类型
    icp: Mapped[str] = mapped_column(String(100), default="")  # ICP许可证号
    isp: Mapped[str] = mapped_column(String(200), default="")  # ISP提供商
    server_location: Mapped[str] = mapped_column(String(300), default="")  # 服务器机房地址
    contact: Mapped[str] = mapped_column(String(300), default="")  # 联系方式
    police_filing: Mapped[str] = mapped_column(String(100), default="")  # 公安备案号
    start_url: Mapped[str] = mapped_column(String(1000), default="")  # defaults to http://<domain>/
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    schedule: Mapped[str | None] = mapped_column(String(50), nullable=True)  # e.g. "12h"; None = default
    obey_robots: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None = settings
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    allow_list: Mapped[list[AllowListEntry]] = relationship(back_populates="storefront",
                                                            cascade="all, delete-orphan")

    @property
    def url(self) -> str:
        return self.start_url or f"http://{self.domain}/"


class AllowListEntry(Base):
    """Suppress a rule (optionally only for one matched text) on one storefront, with a reason."""

    __tablename__ = "allow_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(80))
    match: Mapped[str | None] = mapped_column(String(500), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    storefront: Mapped[Storefront] = relationship(back_populates="allow_list")


class CrawlRun(Base):
    """One crawl of one storefront. ``status``: running, complete, partial, unreachable, failed,
    interrupted (found running after a restart)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(30), default="manual")  # manual, schedule, recheck, scan
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    pages_failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    warc_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    settings_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class PageRecord(Base):
    """One fetched page of one crawl run, with the evidence it was judged on."""

    __tablename__ = "pages"
    __table_args__ = (Index("ix_pages_storefront_url", "storefront_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id"))
    url: Mapped[str] = mapped_column(String(2000))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int] = mapped_column(Integer, default=0)
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    rendered: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # visible text, for search
    complete: Mapped[bool] = mapped_column(Boolean, default=True)  # False: cut at a limit
    cut_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    warc_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    warc_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    warc_record_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


FINDING_STATUSES = ("open", "reopened", "resolved", "confirmed", "dismissed", "case_opened",
                    "notified", "rectified", "ready_to_close", "closed")
OPEN_STATUSES = ("open", "reopened", "confirmed", "case_opened", "notified", "ready_to_close")


class Finding(Base):
    """One rule firing on one page; id is stable across re-crawls (DESIGN.md, "Findings")."""

    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_storefront_status", "storefront_id", "status"),
        Index("ix_findings_last_seen", "last_seen"),
    )

    finding_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    storefront_id: Mapped[int | None] = mapped_column(ForeignKey("storefronts.id"), nullable=True)
    rule_id: Mapped[str] = mapped_column(String(80), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    article: Mapped[str] = mapped_column(String(40))
    law: Mapped[list[Any]] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(10), index=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    url: Mapped[str] = mapped_column(String(2000))
    match: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    page_title: Mapped[str] = mapped_column(Text, default="")
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), nullable=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # jieba search tokens of match, excerpt and page title (analyzers.nlp.finding_search_tokens),
    # computed when the finding is saved so index sync does not re-tokenise; None = rows from before
    tokens: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # how the analyzer judged it (analyzers.model.Finding): the page's kind and the block's voice
    # (analyzers.understand codes; "" = not known, e.g. rows from before), "rule" or "model", and the
    # other rules merged into it ([{"rule_id", "category", "article"}]; None = rows from before)
    page_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    voice: Mapped[str] = mapped_column(String(20), default="", server_default="")
    source: Mapped[str] = mapped_column(String(10), default="rule", server_default="rule")
    also: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md, plus lifecycle fields."""
        return {
            "finding_id": self.finding_id, "rule_id": self.rule_id, "category": self.category,
            "article": self.article, "law": list(self.law or []), "severity": self.severity,
            "confidence": self.confidence, "storefront_id": self.storefront_id, "url": self.url,
            "match": self.match, "excerpt": self.excerpt, "location": self.location,
            "explanation": self.explanation, "evidence": self.evidence, "status": self.status,
            "first_seen": self.first_seen.isoformat(), "last_seen": self.last_seen.isoformat(),
            "status_changed_at": self.status_changed_at.isoformat(),
            "page_kind": self.page_kind or "", "voice": self.voice or "", "source": self.source or "rule",
            "also": list(self.also or []),
        }


class FindingEvent(Base):
    """Audit trail: who changed a finding's status, when, from what to what, and why."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.finding_id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)


class OutboxEntry(Base):
    """A change the search index has not seen yet. Written in the same transaction as the change."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "done_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))  # "finding" | "page"
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10), default="upsert")  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Digest(Base):
    """One digest or alert, rendered once and kept until every configured channel took it.

    ``kind``: daily, weekly, alert. ``status``: pending (queued or being retried), sent, failed
    (gave up; still listed by ``storewatch status``). ``raw`` is the exact e-mail sent, so a
    retry after an outage or a restart sends the same bytes with the same Message-ID.
    """

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_digests_dedupe_key"),
                      Index("ix_digests_pending", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), nullable=True)  # e.g. weekly:2026-W48
    period_start: Mapped[datetime | None] = mapped_column(nullable=True)
    period_end: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200), default="")
    raw: Mapped[str] = mapped_column(Text, default="")  # the RFC 5322 message, as sent
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the built digest (counts, …)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    email_done_at: Mapped[datetime | None] = mapped_column(nullable=True)  # SMTP accepted / .eml written
    email_target: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # "smtp:host" or file
    webhook_done_at: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)


class DigestItem(Base):
    """A finding carried by a digest, and why; a finding is carried once per reason and event."""

    __tablename__ = "digest_items"

    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.finding_id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(10))  # new, reopened, stale, critical
    finding_status: Mapped[str] = mapped_column(String(20))
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)  # newest audit event seen then


class DaemonState(Base):
    """Small key/value facts of the daemon: heartbeat, pid, last digest (read by ``status``)."""

    __tablename__ = "daemon_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceTimestamp(Base):
    """One RFC 3161 token over one subject of a run's evidence (manifest, WARC, a screenshot).

    The token file lives beside the evidence (``timestamps/<subject>.tsr``); the store keeps its
    SHA-256 so a replaced token is caught. ``status`` is ``stamped`` or ``pending`` (TSA down: retried)."""

    __tablename__ = "evidence_timestamps"
    __table_args__ = (UniqueConstraint("warc_name", "subject", name="uq_evidence_timestamps_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True, index=True)
    warc_name: Mapped[str] = mapped_column(String(200), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    subject_sha256: Mapped[str] = mapped_column(String(64))
    token_path: Mapped[str] = mapped_column(String(1000), default="")
    token_sha256: Mapped[str] = mapped_column(String(64), default="")
    gen_time: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the TSA's time (UTC ISO)
    tsa_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
