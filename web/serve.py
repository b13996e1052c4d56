"""Serving the UI: ``storewatch web`` (in the foreground) and ``storewatch run`` (in a thread of the daemon).

The listening socket is bound before anything else starts, so a port already in use is one clear
error (exit 2) instead of a daemon that runs without its UI.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from typing import Any

from sqlalchemy import select

from errors import InputError
from store.db import Store
from web import auth
from web.models import User

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; :class:`InputError` (exit 2) when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"web UI: port {port} on {host} is already in use; choose another with --port/"
                             f"--web-port or STOREWATCH_WEB__PORT (or run without the UI: --no-web)") from None
        raise InputError(f"web UI: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """The UI's address on a bound socket (the port the system chose when 0 was asked; IPv6 in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def ensure_demo_admin(store: Store, actor: str) -> str | None:
    """Create the user ``admin`` with a random password if no user exists; the password, or None."""
    with store.session() as session:
        if session.scalar(select(User).limit(1)) is not None:
            return None
        password = auth.generate_password("admin")
        auth.add_user(session, "admin", "admin", password, actor=actor)
        return password


def uvicorn_config(app: Any, settings: Any) -> Any:
    import uvicorn

    return uvicorn.Config(app, log_level="warning", proxy_headers=settings.web.behind_tls, server_header=False,
                          timeout_graceful_shutdown=2, lifespan="off")


class WebThread:
    """uvicorn serving the UI on an already bound socket, in a daemon thread (no signal handlers of its own:
    the daemon owns SIGTERM and calls :meth:`stop`)."""

    def __init__(self, settings: Any, sock: socket.socket, store: Store | None = None) -> None:
        import uvicorn

        from web.app import create_app

        self.sock = sock
        self.url = url_of(sock)
        self.app = create_app(settings, store)
        self.server = uvicorn.Server(uvicorn_config(self.app, settings))
        self.thread = threading.Thread(target=self._serve, name="web-ui", daemon=True)

    def _serve(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except Exception:  # noqa: BLE001 - the daemon goes on without its UI; the log says why
            log.exception("web UI stopped with an error")

    def start(self) -> None:
        self.thread.start()
        log.info("web UI on %s", self.url)

    def stop(self, timeout: float = 3.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(1.0)
        try:
            self.sock.close()
        except OSError:
            pass
        self.app.state.web.close()  # the search backend (lifespan is off under uvicorn here)
