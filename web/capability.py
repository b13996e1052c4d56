"""Short-lived capability URLs for the replay of archived pages, bound to the session they were handed to.

A sandboxed iframe without ``allow-same-origin`` has an opaque origin, so the browser sends no
(SameSite) session cookie with the requests its document makes: the stylesheets and images of an
archived page would all meet the login wall. The archived page is served to a signed-in user only,
and every replay URL in it carries ``<expiry>.<session ref>.<HMAC>`` over the page id, the expiry
and the session reference, so :class:`web.app.AuthMiddleware` lets exactly those requests through,
for that page, for at most :data:`LIFETIME` seconds, and only while the session that was handed
them is alive: sign-out, the session's end (lifetime, idle timeout) or the user's deactivation end
its capabilities too (the middleware checks the session in the store on each request).

Key and references live in this process's memory only (never on disk, never logged): a restart
ends every capability (the page is reloaded). The session reference is an HMAC of the session's
stored token hash, so the URL names no cookie and no store key; the map from reference to session
is pruned as its capabilities expire.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time

LIFETIME = 3600
_KEY = secrets.token_bytes(32)  # per process: a restart ends every capability (the page is reloaded)
_PATH = re.compile(r"^/evidence/pages/(\d+)/replay/(\d+)\.([0-9a-f]{16})\.([0-9a-f]{32})$")
_SESSIONS: dict[str, tuple[str, int]] = {}  # session ref -> (the session's token hash, latest expiry granted)
_LOCK = threading.Lock()


def _mac(text: str, n: int) -> str:
    return hmac.new(_KEY, text.encode(), hashlib.sha256).hexdigest()[:n]


def _sig(pid: int, expires: int, ref: str) -> str:
    return _mac(f"replay:{pid}:{expires}:{ref}", 32)


def _now(now: float | None) -> float:
    return now if now is not None else time.time()


def grant(pid: int, session_key: str, now: float | None = None) -> str:
    """``<expiry>.<session ref>.<signature>`` for page ``pid``, for the session whose stored token hash
    is ``session_key`` (:func:`web.auth.session_key`)."""
    t = _now(now)
    expires = int(t + LIFETIME)
    ref = _mac(f"session:{session_key}", 16)
    with _LOCK:
        for k in [k for k, (_s, e) in _SESSIONS.items() if e < t]:
            del _SESSIONS[k]
        _SESSIONS[ref] = (session_key, max(expires, _SESSIONS.get(ref, ("", 0))[1]))
    return f"{expires}.{ref}.{_sig(pid, expires, ref)}"


def session_for(path: str, now: float | None = None) -> str | None:
    """The token hash of the session a valid, unexpired capability in ``path`` was granted to (None when
    the path carries none). The caller checks that this session is still alive."""
    m = _PATH.match(path)
    if m is None:
        return None
    pid, expires, ref, sig = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    if expires < _now(now) or not hmac.compare_digest(sig, _sig(pid, expires, ref)):
        return None
    with _LOCK:
        held = _SESSIONS.get(ref)
    return held[0] if held is not None else None
