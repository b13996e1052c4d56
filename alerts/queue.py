"""The digest queue: build, render and record a digest in one transaction; deliver with retries.

Exactly-once, as far as SMTP allows: the findings a digest carries are recorded in the same
transaction that queues it (:mod:`alerts.digest`), the rendered message is stored, and
delivery marks each channel done in its own commit. A send that fails stays ``pending`` and is
retried with exponential backoff, with the same bytes and Message-ID. A crash after the server
accepted the message but before the commit can repeat it once (receivers can drop it by
Message-ID); nothing can skip it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.channels import post_webhook, send_smtp, write_eml
from alerts.digest import build_daily, has_news, select_alert, select_daily
from alerts.render import render_message
from alerts.weekly import build_weekly, collect_weekly, week_key
from errors import DeliveryError
from store.clock import as_local
from store.db import Store
from store.models import DaemonState, Digest, DigestItem, utcnow

log = logging.getLogger(__name__)
RETRY_BASE = 30.0  # seconds; doubles per failed attempt
RETRY_CAP = 3600.0
LOCK_KEY = "digest-lock"


def _lock(session: Session) -> None:
    """Serialise digest creation (daemon and `storewatch digest --send` may race): row lock / SQLite write lock."""
    if session.get(DaemonState, LOCK_KEY) is None:
        try:
            with session.begin_nested():
                session.add(DaemonState(key=LOCK_KEY, value={}))
        except IntegrityError:
            pass
    session.execute(update(DaemonState).where(DaemonState.key == LOCK_KEY).values(updated_at=utcnow()))


def _record(session: Session, digest: dict[str, Any], settings: Any, *, kind: str, carried: list[Any],
            now: datetime, dedupe_key: str | None = None) -> Digest:
    row = Digest(kind=kind, dedupe_key=dedupe_key, period_start=None, period_end=now, created_at=now,
                 subject=digest["subject"], summary={}, status="pending", next_attempt_at=now)
    if digest.get("period_start"):
        row.period_start = datetime.fromisoformat(digest["period_start"])
    session.add(row)
    session.flush()
    domain = settings.digest.sender.rpartition("@")[2] or "localhost"
    row.message_id = f"<storewatch.{kind}.{row.id}.{uuid.uuid4().hex[:12]}@{domain}>"
    msg = render_message(digest, sender=settings.digest.sender, recipients=list(settings.digest.recipients),
                         message_id=row.message_id, date=as_local(now, settings.timezone))
    row.raw = msg.as_bytes(policy=policy.SMTP).decode("ascii")  # CRLF, 7-bit: what goes on the wire
    row.summary = {k: digest[k] for k in ("counts", "by_severity", "change", "period") if k in digest}
    row.summary["digest"] = digest  # the whole build, for the webhook and `status`
    for c in carried:
        session.add(DigestItem(digest_id=row.id, finding_id=c.finding["finding_id"], reason=c.reason,
                               finding_status=c.finding["status"], last_event_id=c.last_event_id))
    return row


def queue_daily(store: Store, settings: Any, now: datetime | None = None, *, force: bool = False) -> int | None:
    """Queue the daily digest if there is news (or ``force``); returns its id, or None."""
    now = now or utcnow()
    with store.session() as s:
        _lock(s)
        sel = select_daily(s, now, stale_days=settings.digest.stale_days)
        if not (force or has_news(sel)):
            log.info("daily digest: nothing new to report")
            return None
        digest = build_daily(sel, ui_base_url=ui_base(settings), timezone=settings.timezone)
        row = _record(s, digest, settings, kind="daily", carried=list(sel.items), now=now)
        log.info("daily digest %d queued: %d finding(s), %d coverage gap(s)", row.id, len(sel.items), len(sel.gaps))
        return row.id


def queue_alert(store: Store, settings: Any, now: datetime | None = None) -> int | None:
    """Queue an immediate alert for critical findings not alerted yet; returns its id, or None."""
    now = now or utcnow()
    with store.session() as s:
        _lock(s)
        sel = select_alert(s, now, categories=settings.digest.critical_categories)
        if not sel.items:
            return None
        digest = build_daily(sel, ui_base_url=ui_base(settings), timezone=settings.timezone)
        row = _record(s, digest, settings, kind="alert", carried=list(sel.items), now=now)
        log.warning("critical alert %d queued: %d finding(s)", row.id, len(sel.items))
        return row.id


def queue_weekly(store: Store, settings: Any, now: datetime | None = None) -> int | None:
    """Queue this week's trend digest once (keyed by ISO week in the configured time zone)."""
    now = now or utcnow()
    key = "weekly:" + week_key(now, ZoneInfo(settings.timezone))
    with store.session() as s:
        _lock(s)
        if s.scalar(select(Digest.id).where(Digest.dedupe_key == key)) is not None:
            log.info("weekly digest %s already queued", key)
            return None
        digest = build_weekly(collect_weekly(s, now), ui_base_url=ui_base(settings),
                              timezone=settings.timezone)
        row = _record(s, digest, settings, kind="weekly", carried=[], now=now, dedupe_key=key)
        log.info("weekly digest %d queued (%s)", row.id, key)
        return row.id


def ui_base(settings: Any) -> str:
    """Where digest links point: ``digest.ui_base_url`` when set, else the UI this install serves
    (``web.host``/``web.port``), so that a UI moved to another port is still what the links open."""
    if "ui_base_url" in settings.digest.model_fields_set:
        return str(settings.digest.ui_base_url).rstrip("/")
    host = settings.web.host
    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104 - a wildcard bind: link to loopback
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.web.port}"


def delivery_notice(settings: Any) -> str | None:
    """A start-up warning when digests reach nobody: no recipients, or no mail server (outbox only)."""
    if not settings.digest.recipients:
        return ("未配置摘要收件人（digest.recipients）：每日摘要与即时告警不会发给任何人，"
                f"只写入 {settings.outbox_dir}" + ("" if settings.smtp.host else "（也未配置邮件服务器 smtp.host）"))
    if not settings.smtp.host:
        return f"未配置邮件服务器（smtp.host）：摘要写为 .eml 文件，保存在 {settings.outbox_dir}"
    return None


def preview(store: Store, settings: Any, *, weekly: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """What would be sent now, without recording anything (``storewatch digest --dry-run``)."""
    now = now or utcnow()
    with store.session() as s:
        if weekly:
            d = build_weekly(collect_weekly(s, now), ui_base_url=ui_base(settings),
                             timezone=settings.timezone)
        else:
            sel = select_daily(s, now, stale_days=settings.digest.stale_days)
            d = build_daily(sel, ui_base_url=ui_base(settings), timezone=settings.timezone)
            d["would_send"] = has_news(sel)
        s.rollback()
    return d


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def backoff(attempts: int, base: float = RETRY_BASE, cap: float = RETRY_CAP) -> float:
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


def _claim(store: Store, digest_id: int, now: datetime, lease: float, force: bool) -> Digest | None:
    """Take a lease on a pending digest (compare-and-swap on attempts), or None if someone else has it."""
    with store.session() as s:
        row = s.get(Digest, digest_id)
        if row is None or row.status != "pending" or (not force and row.next_attempt_at > now):
            return None
        res = s.execute(update(Digest).where(Digest.id == digest_id, Digest.attempts == row.attempts,
                                             Digest.status == "pending")
                        .values(attempts=row.attempts + 1, next_attempt_at=now + timedelta(seconds=lease)))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            return None
        s.flush()
        s.refresh(row)
        s.expunge(row)
        return row


def _file_name(row: Digest, tz: ZoneInfo) -> str:
    return f"{row.created_at.astimezone(tz):%Y%m%d-%H%M%S}-{row.kind}-{row.id}.eml"


def deliver_pending(store: Store, settings: Any, now: datetime | None = None, *, force: bool = False,
                    retry_base: float = RETRY_BASE, retry_cap: float = RETRY_CAP) -> DeliveryReport:
    """Send every due pending digest by mail (SMTP, or .eml files without SMTP) and webhook."""
    now = now or utcnow()
    report = DeliveryReport()
    with store.session() as s:
        q = select(Digest.id).where(Digest.status == "pending")
        if not force:
            q = q.where(Digest.next_attempt_at <= now)
        ids = list(s.scalars(q.order_by(Digest.id)))
    lease = settings.smtp.timeout * 2 + 30
    tz = ZoneInfo(settings.timezone)
    for digest_id in ids:
        row = _claim(store, digest_id, now, lease, force)
        if row is None:
            continue
        changes: dict[str, Any] = {}
        try:
            if row.email_done_at is None:
                if settings.smtp.host:
                    target = send_smtp(row.raw, settings.smtp, settings.digest.sender, list(settings.digest.recipients))
                else:
                    target = write_eml(row.raw, settings.outbox_dir, _file_name(row, tz))
                changes.update(email_done_at=utcnow(), email_target=target)
                with store.session() as s:  # commit the mail before trying the webhook
                    s.execute(update(Digest).where(Digest.id == row.id).values(**changes))
            if settings.webhook.url and row.webhook_done_at is None:
                post_webhook(row.summary.get("digest", {}), settings.webhook, idempotency_key=row.message_id)
                changes["webhook_done_at"] = utcnow()
            changes.update(status="sent", sent_at=utcnow(), last_error=None)
            report.sent.append(row.id)
            log.info("%s digest %d delivered (%s)", row.kind, row.id, changes.get("email_target") or row.email_target)
        except DeliveryError as exc:
            wait = backoff(row.attempts, retry_base, retry_cap)
            changes.update(last_error=str(exc)[:2000], next_attempt_at=utcnow() + timedelta(seconds=wait))
            report.failed.append((row.id, str(exc)))
            log.warning("%s digest %d not delivered (attempt %d, retry in %.0fs): %s",
                        row.kind, row.id, row.attempts, wait, exc)
        with store.session() as s:
            s.execute(update(Digest).where(Digest.id == row.id).values(**changes))
    return report


def reset_leases(store: Store, now: datetime | None = None) -> int:
    """At daemon start-up: retry pending digests now (a lease held by a dead daemon is void)."""
    with store.session() as s:
        res = s.execute(update(Digest).where(Digest.status == "pending").values(next_attempt_at=now or utcnow()))
        return int(res.rowcount or 0)  # type: ignore[attr-defined]
