"""Logging of long-running processes (the daemon, workers): text or JSON lines on stderr, times in
the configured zone with their offset (``store.clock``)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


class JsonFormatter(logging.Formatter):
    def __init__(self, tz: str = "UTC") -> None:
        super().__init__()
        self.tz = ZoneInfo(tz)

    def format(self, record: logging.LogRecord) -> str:
        data = {"ts": datetime.fromtimestamp(record.created, self.tz).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "msg": record.getMessage(), "pid": record.process}
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(settings: Any) -> None:
    from store.clock import LocalFormatter  # log times in the configured zone, with the offset

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(settings.timezone) if settings.log.format == "json" else
                         LocalFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", settings.timezone))
    logging.basicConfig(level=settings.log.level, handlers=[handler], force=True)
    if settings.log.level != "DEBUG":
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
