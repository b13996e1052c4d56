"""A crawl job: "crawl storefront X with settings Y, write to Z" (the child-process boundary).

The parent writes the job as JSON; ``python -m crawler.run --job job.json`` reads it. Keep it
plain data so a job could later travel through a distributed queue unchanged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.options import CrawlOptions


def storewatch_version() -> str:
    try:
        from importlib.metadata import version

        return version("storewatch")
    except Exception:
        return "0.1.0"


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


@dataclass(frozen=True, slots=True)
class CrawlJob:
    start_url: str
    out_dir: str  # evidence folder of this run: WARC, pages.jsonl, findings.jsonl, summary.json
    options: CrawlOptions = field(default_factory=CrawlOptions)
    run_id: str = field(default_factory=new_run_id)
    storefront_id: int | None = None
    hosts: tuple[str, ...] = ()  # registered hosts (host[:port]); the start URL's host is always in
    registry: dict[str, Any] | None = None  # analyzers.model.RegistryRecord as a dict
    allow_list: tuple[str, ...] = ()  # finding ids / rule ids suppressed for this storefront
    obey_robots: bool | None = None  # per-storefront override of options.obey_robots
    database_url: str = ""  # when set, the child records the run into this store
    crawl_run_id: int | None = None  # the store's CrawlRun row, when the parent created it
    trigger: str = "manual"
    analyze: bool = True
    ocr_cache_dir: str = ""  # OCR text of badge images kept across crawls, by image SHA-256
    progress: bool = True  # one line per page on stderr
    log_level: str = "WARNING"
    version: str = field(default_factory=storewatch_version)

    @property
    def warc_path(self) -> Path:
        return Path(self.out_dir) / f"{self.run_id}.warc.gz"

    @property
    def robots(self) -> bool:
        return self.options.obey_robots if self.obey_robots is None else self.obey_robots

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["options"] = self.options.to_dict()
        d["hosts"] = list(self.hosts)
        d["allow_list"] = list(self.allow_list)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlJob:
        kw = dict(data)
        kw["options"] = CrawlOptions.from_dict(data.get("options") or {})
        kw["hosts"] = tuple(data.get("hosts") or ())
        kw["allow_list"] = tuple(data.get("allow_list") or ())
        return cls(**kw)

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def evolve(self, **kw: Any) -> CrawlJob:
        return replace(self, **kw)
