"""The daemon's heartbeat: one ``daemon_state`` row (key ``daemon``) that ``storewatch status`` reads."""

from __future__ import annotations

import os
import socket
from typing import Any

STATE_KEY = "daemon"


def set_state(store: Any, key: str, value: dict[str, Any]) -> None:
    from store.models import DaemonState, utcnow

    with store.session() as s:
        row = s.get(DaemonState, key)
        if row is None:
            s.add(DaemonState(key=key, value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()


def beat(store: Any, *, started_at: str, running: list[dict[str, Any]], stopping: bool, web: str | None,
         dispatch: str) -> None:
    set_state(store, STATE_KEY, {"pid": os.getpid(), "host": socket.gethostname(), "started_at": started_at,
                                 "running": running, "stopping": stopping, "web": web, "dispatch": dispatch})
