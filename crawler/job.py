"""A crawl job: "crawl storefront X with settings Y, record it as Z" (the child-process boundary).

:class:`CrawlJob` is plain, frozen data with no secrets and no machine paths: the evidence
folder is named relative to the evidence root (``<storefront>/<run>``), and whether the run is
recorded in the store is a flag, not a URL. The same job can travel through a queue to another
machine unchanged. :class:`Places` says where those names live on *this* machine (evidence root,
data folder, the store's URL); the runner hands it to the child on stdin, never on disk or argv.
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
    # the run's evidence folder (WARC, pages.jsonl, findings.jsonl, summary.json, crawl.log), by name
    # under the evidence root; an absolute folder only for ad-hoc scans (``scan --evidence-dir``)
    evidence: str
    options: CrawlOptions = field(default_factory=CrawlOptions)
    run_id: str = field(default_factory=new_run_id)
    storefront_id: int | None = None
    hosts: tuple[str, ...] = ()  # registered hosts (host[:port]); the start URL's host is always in
    registry: dict[str, Any] | None = None  # analyzers.model.RegistryRecord as a dict
    allow_list: tuple[str, ...] = ()  # finding ids / rule ids suppressed for this storefront
    obey_robots: bool | None = None  # per-storefront override of options.obey_robots
    record: bool = False  # the child records the run (pages, findings, status) in the store
    trigger: str = "manual"
    analyze: bool = True
    progress: bool = True  # one line per page on stderr
    log_level: str = "WARNING"
    version: str = field(default_factory=storewatch_version)

    @property
    def settings_digest(self) -> str:
        return self.options.digest()

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


@dataclass(frozen=True, slots=True)
class Places:
    """Where a job's names live on this machine. ``database_url`` may hold a password: it goes to
    the child on stdin only (:mod:`crawler.runner`)."""

    evidence_root: str = ""
    data_dir: str = ""  # OCR cache (``<data_dir>/ocr-cache``); empty: no cache on disk
    database_url: str = ""  # the store; needed when a job has ``record``

    @classmethod
    def from_settings(cls, settings: Any) -> Places:
        return cls(evidence_root=str(Path(settings.evidence_dir).resolve()),
                   data_dir=str(Path(settings.data_dir).resolve()), database_url=str(settings.db_url))

    def out_dir(self, job: CrawlJob) -> Path:
        path = Path(job.evidence)
        if path.is_absolute():
            return path
        if not self.evidence_root:
            raise ValueError(f"evidence folder {job.evidence!r} is a name but no evidence root is set")
        return Path(self.evidence_root) / path

    @property
    def ocr_cache_dir(self) -> str:
        return str(Path(self.data_dir) / "ocr-cache") if self.data_dir else ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Places:
        return cls(**{k: str(v) for k, v in data.items() if k in ("evidence_root", "data_dir", "database_url")})


def warc_name(job: CrawlJob) -> str:
    return f"{job.run_id}.warc.gz"
