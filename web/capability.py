"""Short-lived capability URLs for the replay of archived pages.

A sandboxed iframe without ``allow-same-origin`` has an opaque origin, so the browser sends no
(SameSite) session cookie with the requests its document makes: the stylesheets and images of an
archived page would all meet the login wall. The archived page is served to a signed-in user only,
and every replay URL in it carries ``<expiry>.<HMAC>`` over the page id (a key made per server
process), so :class:`web.app.AuthMiddleware` lets exactly those requests through, for that page
and for :data:`LIFETIME` seconds, and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

LIFETIME = 3600
_KEY = secrets.token_bytes(32)  # per process: a restart ends every capability (the page is reloaded)
_PATH = re.compile(r"^/evidence/pages/(\d+)/replay/(\d+)\.([0-9a-f]{32})$")


def _sig(pid: int, expires: int) -> str:
    return hmac.new(_KEY, f"replay:{pid}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def grant(pid: int, now: float | None = None) -> str:
    """``<expiry>.<signature>`` for page ``pid``."""
    expires = int((now if now is not None else time.time()) + LIFETIME)
    return f"{expires}.{_sig(pid, expires)}"


def allows(path: str, now: float | None = None) -> bool:
    """Does ``path`` carry a valid, unexpired capability for its page?"""
    m = _PATH.match(path)
    if m is None:
        return False
    pid, expires, sig = int(m.group(1)), int(m.group(2)), m.group(3)
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(sig, _sig(pid, expires))
