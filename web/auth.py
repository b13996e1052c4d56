"""Accounts, server-side sessions, login throttling and the login audit.

Plain functions over a SQLAlchemy session; the HTTP side lives in ``web/app.py``.
Passwords are hashed with argon2id (argon2-cffi defaults). A session cookie carries a random
token (256 bits); the store keeps its SHA-256, the user, a CSRF token and the expiry.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from config import WebSettings, parse_duration
from errors import InputError
from store.models import utcnow
from web.models import ROLE_RANK, ROLES, AuthEvent, User, WebSession

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# a hash to verify against when the user does not exist, so timing does not reveal user names
_DUMMY_HASH = _hasher.hash("storewatch-dummy-password")


@dataclass(frozen=True, slots=True)
class CurrentUser:
    """Who is signed in, as the request handlers see it."""

    id: int
    name: str
    role: str
    csrf_token: str

    def has(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, name: str = "") -> None:
    """At least MIN_PASSWORD_LENGTH characters of at least two kinds (letters, digits, others), not the
    user name, not one repeated or consecutive run (1234567890, aaaaaaaaaa)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"密码太短：至少{MIN_PASSWORD_LENGTH}位 (password too short)")
    kinds = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    if kinds < 2 or len(steps) == 1 or (name and name.lower() in password.lower()):
        raise InputError("密码太简单：须含字母、数字、符号中至少两类，不能是连续或重复字符，不能包含用户名 (password too weak)")


def generate_password(name: str = "") -> str:
    """A random password that passes :func:`check_password_strength` for user ``name``. A bare
    ``token_urlsafe(12)`` is all letters about one time in 28 (or holds the name), and would be refused."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            check_password_strength(password, name)
        except InputError:
            continue
        return password


def audit(session: Session, kind: str, user_name: str, *, actor: str = "", ip: str = "", detail: str = "") -> None:
    session.add(AuthEvent(kind=kind, user_name=user_name[:100], actor=actor, ip=ip[:64], detail=detail))


def add_user(session: Session, name: str, role: str, password: str, *, actor: str = "cli") -> User:
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("user name must be 1 to 100 characters")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    check_password_strength(password, name)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise InputError(f"user {name!r} already exists (use `storewatch user passwd`)")
    user = User(name=name, role=role, password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    audit(session, "user_added", name, actor=actor, detail=f"role={role}")
    return user


def _get(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise InputError(f"no user named {name!r}")
    return user


def set_password(session: Session, name: str, password: str, *, actor: str = "cli") -> User:
    check_password_strength(password, name)
    user = _get(session, name)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit(session, "password_changed", name, actor=actor)
    return user


def set_active(session: Session, name: str, active: bool, *, actor: str = "cli") -> User:
    user = _get(session, name)
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit(session, "user_enabled" if active else "user_disabled", name, actor=actor)
    return user


def set_role(session: Session, name: str, role: str, *, actor: str) -> User:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}")
    user = _get(session, name)
    user.role = role
    audit(session, "role_changed", name, actor=actor, detail=f"role={role}")
    return user


MAX_DELAY = timedelta(minutes=30)


def throttle_wait(session: Session, name: str, ip: str, web: WebSettings, now: datetime | None = None) -> float:
    """Seconds this (user name, address) pair must still wait before its next sign-in try; 0 = go.

    Throttling is per pair, so guessing at an account from one address never locks that account out for
    its owner elsewhere, and one address's failures never lock out others behind the same NAT. After
    ``login_max_failures`` wrong passwords within ``login_window`` each further failure doubles the wait
    (from 30 s up to 30 min). Refused tries are not failures: a patient user is never kept out for ever.
    """
    now = now or utcnow()
    since = now - timedelta(seconds=parse_duration(web.login_window))
    failures = session.scalars(select(AuthEvent.at).where(
        AuthEvent.user_name == name, AuthEvent.ip == ip, AuthEvent.at >= since,
        AuthEvent.kind == "login_failed").order_by(AuthEvent.at.desc()).limit(web.login_max_failures + 20)).all()
    over = len(failures) - web.login_max_failures
    if over < 0:
        return 0.0
    wait = min(timedelta(seconds=30 * 2 ** min(over, 16)), MAX_DELAY)
    left = (failures[0] + wait - now).total_seconds()
    return max(left, 0.0)


def under_attack(session: Session, web: WebSettings, now: datetime | None = None) -> list[dict[str, object]]:
    """(user name, address) pairs with at least ``login_max_failures`` failures within the window, worst first."""
    since = (now or utcnow()) - timedelta(seconds=parse_duration(web.login_window)) * 4
    rows = session.execute(select(AuthEvent.user_name, AuthEvent.ip, func.count(), func.max(AuthEvent.at))
                           .where(AuthEvent.kind == "login_failed", AuthEvent.at >= since)
                           .group_by(AuthEvent.user_name, AuthEvent.ip)
                           .having(func.count() >= web.login_max_failures)
                           .order_by(func.count().desc()).limit(50)).all()
    return [{"user": u, "ip": ip, "failures": n, "last": last} for u, ip, n, last in rows]


class LoginRefused(Exception):
    def __init__(self, reason: str, throttled: bool = False) -> None:
        super().__init__(reason)
        self.throttled = throttled


def login(session: Session, name: str, password: str, ip: str, user_agent: str,
          web: WebSettings) -> tuple[str, User]:
    """Check the password and open a session; returns (cookie token, user). Raises LoginRefused."""
    name = name.strip()[:100]
    wait = throttle_wait(session, name, ip, web)
    if wait > 0:
        audit(session, "login_throttled", name, ip=ip)
        raise LoginRefused(f"该账号在本地址登录失败次数过多，请 {int(wait) + 1} 秒后再试", throttled=True)
    user = session.scalar(select(User).where(User.name == name))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        audit(session, "login_failed", name, ip=ip, detail="" if user is None or user.active else "disabled")
        raise LoginRefused("用户名或密码错误")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                           created_at=now, last_seen=now,
                           expires_at=now + timedelta(seconds=parse_duration(web.session_lifetime)),
                           ip=ip[:64], user_agent=user_agent[:300]))
    audit(session, "login_ok", name, ip=ip)
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token, user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_key(token: str) -> str:
    """The store's key of the session behind a cookie token (its SHA-256; the token itself is never stored)."""
    return _digest(token)


def _live(session: Session, key: str, web: WebSettings) -> WebSession | None:
    """The session row under ``key`` while it is alive (not expired, not idle too long, user active)."""
    row = session.get(WebSession, key)
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(seconds=parse_duration(web.session_idle_timeout))
    if row.expires_at < now or row.last_seen + idle < now or not row.user.active:
        session.delete(row)
        return None
    return row


def session_alive(session: Session, key: str, web: WebSettings) -> bool:
    """Is the session stored under ``key`` still alive? (A replay capability lives only as long.)"""
    return _live(session, key, web) is not None


def resolve(session: Session, token: str | None, web: WebSettings) -> CurrentUser | None:
    """The user behind a session cookie, or None (unknown, expired, idle too long, user disabled)."""
    if not token or len(token) > 100:
        return None
    row = _live(session, _digest(token), web)
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(seconds=parse_duration(web.session_idle_timeout))
    # write at most once a minute per session, and often enough that a short idle timeout never ends
    # the session of someone who is using it
    if (now - row.last_seen).total_seconds() > min(60.0, idle.total_seconds() / 4):
        row.last_seen = now
    return CurrentUser(id=row.user.id, name=row.user.name, role=row.user.role, csrf_token=row.csrf_token)


def logout(session: Session, token: str | None, ip: str) -> None:
    if not token:
        return
    row = session.get(WebSession, _digest(token))
    if row is not None:
        audit(session, "logout", row.user.name, ip=ip)
        session.delete(row)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected.encode(), str(given).encode())
