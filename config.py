"""One frozen, typed settings object for all of storewatch.

Precedence, highest first: command line (``overrides``) > environment (``STOREWATCH_*``,
nested keys joined by ``__``, lists comma-separated) > TOML file (``storewatch.toml``) > defaults.
Nothing else in storewatch reads ``os.environ`` for settings. Secrets are ``SecretStr`` and are
redacted by :func:`redacted`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import zoneinfo
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.sources.utils import parse_env_vars

from errors import ConfigError

ENV_PREFIX = "STOREWATCH_"
DEFAULT_CONFIG_FILE = Path("storewatch.toml")
MIN_RETENTION_DAYS = 730  # Art. 11(6), 13(2): evidence and records kept at least two years

CommaList = Annotated[list[str], NoDecode]


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")


def parse_duration(value: str | float | int) -> float:
    """Seconds from ``90``, ``"30s"``, ``"2m"``, ``"6h"``, ``"1d"``."""
    if isinstance(value, int | float):
        return float(value)
    m = _DURATION.match(value)
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 2m, 6h, 1d)")
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2) or "s"]


class Duration(float):
    """Seconds, parsed once from ``"30m"`` (or a number); ``str()`` gives the text it was written as."""

    text: str

    def __new__(cls, value: str | float | int | Duration) -> Duration:
        if isinstance(value, Duration):
            return value
        seconds = parse_duration(value)
        self = super().__new__(cls, seconds)
        self.text = value if isinstance(value, str) else f"{seconds:g}s"
        return self

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Duration({self.text!r})"


def _duration(value: Any) -> Duration:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 2m, 6h, 1d)")
    return Duration(value)


DurationField = Annotated[Duration, PlainValidator(_duration), PlainSerializer(str, return_type=str)]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ElasticsearchSettings(_Section):
    """Search index. ``url`` unset means the embedded SQLite FTS5 search."""

    url: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_file: Path | None = None
    verify_certs: bool = True
    index_prefix: str = "storewatch-"
    request_timeout: float = Field(30.0, gt=0)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http:// or https:// URL")
        return v.rstrip("/")

    @field_validator("index_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", v):
            raise ValueError("lower-case letters, digits, '-', '_' and '.' only")
        return v

    @model_validator(mode="after")
    def _auth(self) -> ElasticsearchSettings:
        if self.api_key is not None and self.password is not None:
            raise ValueError("set either password or api_key, not both")
        if self.password is not None and not self.username:
            raise ValueError("password given without username")
        if self.ca_file is not None and not self.ca_file.is_file():
            raise ValueError(f"ca_file {self.ca_file} does not exist")
        return self


class SmtpSettings(_Section):
    """Mail server for digests; ``host`` unset means digests go to the outbox folder as .eml."""

    host: str | None = None
    port: int = Field(25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    security: Literal["none", "starttls", "ssl"] = "none"
    timeout: float = Field(30.0, gt=0)


class DigestSettings(_Section):
    recipients: CommaList = []
    sender: str = "storewatch@localhost"
    ui_base_url: str = "http://127.0.0.1:8700"
    daily_at: str = "08:00"
    weekly_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    stale_days: int = Field(7, ge=1)
    critical_categories: CommaList = ["pyramid_scheme", "malicious_code", "gov_badge_forgery"]

    _split = field_validator("recipients", "critical_categories", mode="before")(_split_commas)

    @field_validator("recipients")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for addr in v:
            if not re.fullmatch(r"[^@\s,]+@[^@\s,]+", addr):
                raise ValueError(f"{addr!r} is not an e-mail address")
        return v

    @field_validator("daily_at")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError("use HH:MM (24-hour clock)")
        return v


class WebhookSettings(_Section):
    url: str | None = None
    kind: Literal["generic", "dingtalk", "wecom"] = "generic"
    secret: SecretStr | None = None


class CrawlerSettings(_Section):
    max_pages: int = Field(50, ge=1, le=100_000)
    max_depth: int = Field(3, ge=0, le=50)
    max_page_bytes: int = Field(10_000_000, ge=10_000)
    page_timeout: float = Field(30.0, gt=0)
    crawl_timeout: float = Field(900.0, gt=0)
    render_timeout: float = Field(20.0, gt=0)
    concurrency: int = Field(8, ge=1, le=256)
    per_host_concurrency: int = Field(4, ge=1, le=64)
    download_delay: float = Field(0.0, ge=0)
    autothrottle: bool = True
    render: Literal["auto", "always", "never"] = "auto"
    user_agent: str = "Mozilla/5.0 (compatible; storewatch/0.1; +e-commerce compliance monitor)"
    obey_robots: bool = True
    allow_loopback: bool = False
    allow_private: bool = False
    allowed_networks: CommaList = []
    subresource_hosts: CommaList = []
    context_recycle_pages: int = Field(20, ge=1)
    render_concurrency: int = Field(4, ge=1, le=16)
    chromium_path: str = "/usr/bin/chromium"
    retries: int = Field(2, ge=0, le=10)
    ocr: bool = True
    ocr_images_per_page: int = Field(4, ge=0, le=50)
    ocr_images_per_run: int = Field(60, ge=0)
    ocr_time_share: float = Field(0.08, ge=0, le=1)
    ocr_images_guaranteed: int = Field(4, ge=0)

    _split = field_validator("allowed_networks", "subresource_hosts", mode="before")(_split_commas)

    @field_validator("subresource_hosts")
    @classmethod
    def _hosts(cls, v: list[str]) -> list[str]:
        from crawler.safety import subresource_host_error

        for host in v:
            if error := subresource_host_error(host):
                raise ValueError(error)
        return v

    @field_validator("allowed_networks")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        for net in v:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise ValueError(f"{net!r} is not a network (CIDR): {exc}") from None
        return v


class SchedulerSettings(_Section):
    crawl_interval: DurationField = Duration("1d")
    hot_crawl_interval: DurationField = Duration("6h")  # storefronts with open high-severity findings
    max_concurrent_crawls: int = Field(2, ge=1, le=64)
    crawl_wall_limit: DurationField = Duration("30m")
    index_sync_interval: DurationField = Duration("60s")
    heartbeat_interval: DurationField = Duration("30s")
    misfire_grace: DurationField = Duration("1h")
    jitter: DurationField = Duration("5m")
    dispatch: Literal["local", "queue"] = "local"  # queue: crawl jobs go to `storewatch worker` machines
    worker_heartbeat_interval: DurationField = Duration("10s")
    worker_stalled_after: DurationField = Duration("30s")

    @model_validator(mode="after")
    def _beats(self) -> SchedulerSettings:
        if self.worker_stalled_after < 2 * self.worker_heartbeat_interval:
            raise ValueError("worker_stalled_after must be at least twice worker_heartbeat_interval")
        return self


class RetentionSettings(_Section):
    days: int = Field(MIN_RETENTION_DAYS, ge=MIN_RETENTION_DAYS)


class EvidenceSettings(_Section):
    """Trusted time (RFC 3161) for the evidence: unset ``tsa_url`` = no tokens."""

    tsa_url: str | None = None
    tsa_ca_file: Path | None = None
    tsa_cert_file: Path | None = None
    tsa_timeout: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _tsa(self) -> EvidenceSettings:
        if self.tsa_url and not re.match(r"^https?://", self.tsa_url):
            raise ValueError("tsa_url must be an http:// or https:// URL")
        if self.tsa_url and not self.tsa_ca_file:
            raise ValueError("tsa_url is set but tsa_ca_file (the TSA's certificate chain, PEM) is not")
        for name in ("tsa_ca_file", "tsa_cert_file"):
            path = getattr(self, name)
            if path is not None and not Path(path).is_file():
                raise ValueError(f"{name} {path} is not a readable file")
        return self


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["plain", "json"] = "plain"


class WebSettings(_Section):
    """The triage web UI (``storewatch web``).

    Sessions are kept server-side (table ``web_sessions``); the cookie carries only a random
    token, so no signing key is needed and logout or disabling a user ends the session at once.
    ``behind_tls`` marks the cookie ``Secure`` and sends HSTS (set it when a TLS proxy is in front).
    Login throttling is per (user name, address): after ``login_max_failures`` wrong passwords within
    ``login_window`` each further failure doubles the wait (30 s up to 30 min); the owner signing in
    from another address is never refused, and refused tries do not count (``web/auth.py``).
    """

    host: str = "127.0.0.1"
    port: int = Field(8700, ge=1, le=65535)
    behind_tls: bool = False
    session_lifetime: DurationField = Duration("12h")
    session_idle_timeout: DurationField = Duration("2h")
    login_max_failures: int = Field(5, ge=1, le=1000)
    login_window: DurationField = Duration("15m")
    page_size: int = Field(50, ge=10, le=500)

    @field_validator("session_lifetime", "session_idle_timeout", "login_window")
    @classmethod
    def _positive(cls, v: Duration) -> Duration:
        if v <= 0:
            raise ValueError("must be longer than zero")
        return v


class CreditSettings(_Section):
    """Merchant credit grade (Art. 6), computed by ``web/credit.py`` (formula in its docstring).

    score = 100 − Σ points(severity) × 0.5^(age_days / half_life_days) × (1 − rectification_credit
    if the finding was rectified); grade A ≥ grade_a, B ≥ grade_b, C ≥ grade_c, else D.
    """

    points_info: float = Field(0.0, ge=0)
    points_low: float = Field(2.0, ge=0)
    points_medium: float = Field(5.0, ge=0)
    points_high: float = Field(10.0, ge=0)
    points_critical: float = Field(20.0, ge=0)
    half_life_days: float = Field(365.0, gt=0)
    rectification_credit: float = Field(0.5, ge=0, le=1)
    grade_a: float = Field(90.0, ge=0, le=100)
    grade_b: float = Field(75.0, ge=0, le=100)
    grade_c: float = Field(60.0, ge=0, le=100)
    warning_grades: CommaList = ["C", "D"]

    _split = field_validator("warning_grades", mode="before")(_split_commas)

    @field_validator("warning_grades")
    @classmethod
    def _grades(cls, v: list[str]) -> list[str]:
        bad = [g for g in v if g not in ("A", "B", "C", "D")]
        if bad:
            raise ValueError(f"unknown grade(s) {', '.join(bad)}; grades are A, B, C, D")
        return v

    @model_validator(mode="after")
    def _order(self) -> CreditSettings:
        if not self.grade_a > self.grade_b > self.grade_c:
            raise ValueError("thresholds must satisfy grade_a > grade_b > grade_c")
        return self

    def points(self, severity: str) -> float:
        return float(getattr(self, f"points_{severity}", 0.0))


class Settings(BaseSettings):
    """Every setting storewatch has. See the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
        case_sensitive=False,
    )

    data_dir: Path = Path("data")
    database_url: str | None = None
    timezone: str = "Asia/Shanghai"
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()
    smtp: SmtpSettings = SmtpSettings()
    digest: DigestSettings = DigestSettings()
    webhook: WebhookSettings = WebhookSettings()
    crawler: CrawlerSettings = CrawlerSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    retention: RetentionSettings = RetentionSettings()
    evidence: EvidenceSettings = EvidenceSettings()
    log: LogSettings = LogSettings()
    web: WebSettings = WebSettings()
    credit: CreditSettings = CreditSettings()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", v):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v

    @model_validator(mode="after")
    def _queue_needs_postgres(self) -> Settings:
        if self.scheduler.dispatch == "queue" and not (self.database_url or "").startswith("postgresql"):
            raise ValueError("队列调度需要 PostgreSQL 存储 scheduler.dispatch = \"queue\" needs the PostgreSQL store: "
                             "set database_url "
                             "to postgresql+psycopg://user@host/db (the embedded SQLite store is local only)")
        return self

    @property
    def db_url(self) -> str:
        """The effective database URL: the setting, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'storewatch.db').resolve()}"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        source = _SOURCES.get()
        toml, environ = source if source is not None else (None, os.environ)
        sources: list[PydanticBaseSettingsSource] = [init_settings, _MappingEnvSource(settings_cls, environ)]
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)


class _MappingEnvSource(EnvSettingsSource):
    """``STOREWATCH_*`` variables from a given mapping (``os.environ`` or a test's), never by rewriting
    ``os.environ``: a worker, the web thread and the daemon may load settings in one process."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = {k: v for k, v in environ.items() if k.upper().startswith(ENV_PREFIX)}
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


# the explicit sources of one load() call (TOML file, environment), per thread and task
_SOURCES: ContextVar[tuple[Path | None, Mapping[str, str]] | None] = ContextVar("storewatch_settings_sources",
                                                                                  default=None)


def _secrets_dict(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "***" if value.get_secret_value() else ""
    if isinstance(value, dict):
        return {k: _secrets_dict(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def redacted(settings: Settings) -> dict[str, Any]:
    """The effective settings as a dict, every secret replaced by ``***`` (for logs and ``status``)."""
    return _secrets_dict(settings.model_dump())  # type: ignore[no-any-return]


def _describe(error: ValidationError, source: Path | None) -> str:
    lines = []
    for err in error.errors():
        key = ".".join(str(p) for p in err["loc"])
        env = ENV_PREFIX + "__".join(str(p) for p in err["loc"]).upper()
        reason = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            reason = "unknown setting"
        lines.append(f"setting {key} (env {env}): {reason}" if key else reason)  # a rule across settings
    where = f" (file {source})" if source else ""
    return "bad settings" + where + ":\n  " + "\n  ".join(lines)


def load(config_file: Path | None = None, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings. Raises :class:`ConfigError` naming the key and the reason.

    ``config_file`` defaults to ``$STOREWATCH_CONFIG`` or ``./storewatch.toml`` when present;
    an explicitly named file must exist. ``environ`` replaces ``os.environ`` (tests).
    """
    env = os.environ if environ is None else environ
    explicit = config_file or (Path(env["STOREWATCH_CONFIG"]) if env.get("STOREWATCH_CONFIG") else None)
    path = explicit or (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None)
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"settings file {explicit} does not exist")
    if path is not None:
        import tomllib

        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
    token = _SOURCES.set((path, env))
    try:
        return Settings(**dict(overrides or {}))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    finally:
        _SOURCES.reset(token)


# What each key means (rendered into the README's configuration table by scripts/gen_docs.py;
# a test fails when a key has no description).
DESCRIPTIONS: dict[str, str] = {
    "data_dir": "Data folder: SQLite store, evidence (WARC), outbox of digests, logs.",
    "database_url": "SQLAlchemy URL of the store; default `sqlite:///<data_dir>/storewatch.db` (WAL). "
                    "PostgreSQL: `postgresql+psycopg://user@host/db`.",
    "timezone": "Time zone for schedules, digests and evidence times.",
    "elasticsearch.url": "Elasticsearch URL; unset = embedded search (SQLite FTS5 in the store).",
    "elasticsearch.username": "Elasticsearch user (with `password`).",
    "elasticsearch.password": "Elasticsearch password (secret: environment or private file only).",
    "elasticsearch.api_key": "Elasticsearch API key, instead of user and password (secret).",
    "elasticsearch.ca_file": "CA certificate file for an https:// Elasticsearch.",
    "elasticsearch.verify_certs": "Verify the server's TLS certificate.",
    "elasticsearch.index_prefix": "Prefix of index and alias names (`<prefix>findings`, `<prefix>pages`).",
    "elasticsearch.request_timeout": "Seconds before an Elasticsearch request is abandoned.",
    "smtp.host": "Mail server for digests; unset = digests written as .eml files to `<data_dir>/outbox`.",
    "smtp.port": "Mail server port.",
    "smtp.username": "SMTP login (optional).",
    "smtp.password": "SMTP password (secret).",
    "smtp.security": "`none`, `starttls` or `ssl`.",
    "smtp.timeout": "Seconds before an SMTP connection is abandoned.",
    "digest.recipients": "Who receives digests and alerts (comma-separated in the environment).",
    "digest.sender": "From address of digests.",
    "digest.ui_base_url": "Base URL of the triage UI, for links in digests.",
    "digest.daily_at": "Time of the daily digest (HH:MM, in `timezone`).",
    "digest.weekly_day": "Day of the weekly digest.",
    "digest.stale_days": "Open findings older than this many days are repeated in the digest.",
    "digest.critical_categories": "Categories alerted immediately, not only in the digest.",
    "webhook.url": "Webhook for digests and alerts (unset = none).",
    "webhook.kind": "`generic` JSON, `dingtalk` or `wecom` robot markdown.",
    "webhook.secret": "Signing secret of a DingTalk robot (secret).",
    "crawler.max_pages": "Most pages fetched per storefront and crawl.",
    "crawler.max_depth": "Most link hops from the home page.",
    "crawler.max_page_bytes": "Largest response read; bigger pages are cut and the cut recorded.",
    "crawler.page_timeout": "Seconds for one page download.",
    "crawler.crawl_timeout": "Seconds for a whole storefront crawl.",
    "crawler.render_timeout": "Seconds the browser may spend on one page.",
    "crawler.concurrency": "Concurrent requests in one crawl.",
    "crawler.per_host_concurrency": "Concurrent requests to one host.",
    "crawler.download_delay": "Seconds between requests to one host.",
    "crawler.autothrottle": "Adapt the delay to the server's response times (Scrapy AutoThrottle).",
    "crawler.render": "`auto` (render pages that need JavaScript, and the home page), `always`, `never`.",
    "crawler.user_agent": "User-Agent header sent to storefronts.",
    "crawler.obey_robots": "Obey robots.txt (a storefront's registry entry may override it; logged).",
    "crawler.allow_loopback": "Allow crawling 127.0.0.0/8 and ::1 (tests and the demo only).",
    "crawler.allow_private": "Allow crawling private and link-local addresses.",
    "crawler.allowed_networks": "Extra networks (CIDR) that may be crawled even if private.",
    "crawler.subresource_hosts": "Hosts (e.g. the shop's CDN, `*.example.com`) the browser may load images, CSS, "
                                 "fonts and scripts from; never navigated to or crawled; address rules apply.",
    "crawler.context_recycle_pages": "Pages rendered before the browser context is recycled.",
    "crawler.render_concurrency": "Pages rendered at once in one browser context (one browser per crawl).",
    "crawler.chromium_path": "Chromium executable (Debian's `chromium`).",
    "crawler.retries": "Retries of a failed download (with backoff).",
    "crawler.ocr": "Read images (offline OCR): badges on the home and licence pages, selling images everywhere.",
    "crawler.ocr_images_per_page": "Selling images (main, detail, banner pictures) read per page, largest first.",
    "crawler.ocr_images_per_run": "Selling images read per crawl (cached images, by SHA-256, are free).",
    "crawler.ocr_time_share": "OCR of selling images stops while it exceeds this share of the crawl's time (1: no limit).",
    "crawler.ocr_images_guaranteed": "The first selling images of each crawl read whatever the time share (within "
                                     "the per-page and per-run limits), so a short crawl reads some.",
    "scheduler.crawl_interval": "Default time between crawls of a storefront (e.g. `1d`, `12h`).",
    "scheduler.hot_crawl_interval": "Time between crawls of storefronts with open high/critical findings.",
    "scheduler.max_concurrent_crawls": "Crawls running at once (each a child process).",
    "scheduler.crawl_wall_limit": "A crawl still running after this is killed and recorded.",
    "scheduler.index_sync_interval": "Time between index syncs from the outbox.",
    "scheduler.heartbeat_interval": "Time between daemon heartbeats.",
    "scheduler.misfire_grace": "How late a missed job may still run after a restart.",
    "scheduler.jitter": "Random spread of crawl start times.",
    "scheduler.dispatch": "`local`: the daemon runs crawls itself; `queue`: it queues them (procrastinate on the "
                          "PostgreSQL store) for `storewatch worker` machines (docs/scale.md).",
    "scheduler.worker_heartbeat_interval": "Time between heartbeats of a queue worker.",
    "scheduler.worker_stalled_after": "A worker silent this long is lost: its running job is queued again.",
    "retention.days": "Days evidence, pages and findings are kept (at least 730: Art. 11(6), 13(2)).",
    "evidence.tsa_url": "RFC 3161 time-stamp authority (the bureau's contracted TSA); unset = no trusted "
                        "timestamps. A TSA that is down never stops a crawl: tokens are retried by the daemon.",
    "evidence.tsa_ca_file": "PEM file with the TSA's certificate chain (root and intermediates); tokens are "
                            "verified against it and a copy is kept beside the evidence.",
    "evidence.tsa_cert_file": "PEM file with the TSA's own certificate, for a TSA whose replies do not carry it.",
    "evidence.tsa_timeout": "Seconds before a TSA request is abandoned (the token is then retried later).",
    "log.level": "`DEBUG`, `INFO`, `WARNING` or `ERROR`.",
    "log.format": "`plain` or `json` (one JSON object per line).",
    "web.host": "Address the web UI listens on (`storewatch web --host`, `storewatch run --web-host`).",
    "web.port": "Port of the web UI (`storewatch web --port`, `storewatch run --web-port`).",
    "web.behind_tls": "A TLS proxy is in front: Secure session cookies, HSTS, trust its forwarded headers.",
    "web.session_lifetime": "A web session ends this long after sign-in.",
    "web.session_idle_timeout": "A web session ends after this long without a request.",
    "web.login_max_failures": "Wrong passwords for one user from one address before each further try must wait (doubling).",
    "web.login_window": "Window over which failed sign-ins are counted (and refused).",
    "web.page_size": "Findings per page in the web UI.",
    "credit.points_info": "Credit points deducted per confirmed `info` finding (Art. 6 credit grade).",
    "credit.points_low": "Credit points deducted per confirmed `low` finding.",
    "credit.points_medium": "Credit points deducted per confirmed `medium` finding.",
    "credit.points_high": "Credit points deducted per confirmed `high` finding.",
    "credit.points_critical": "Credit points deducted per confirmed `critical` finding.",
    "credit.half_life_days": "Days after which a finding's deduction has halved (counted from its last sighting).",
    "credit.rectification_credit": "Share of a deduction forgiven once the finding is rectified (0–1).",
    "credit.grade_a": "Lowest score of grade A (守信); scores start at 100.",
    "credit.grade_b": "Lowest score of grade B (基本守信).",
    "credit.grade_c": "Lowest score of grade C (失信风险); below is D (严重失信).",
    "credit.warning_grades": "Grades listed on the warning list (公示及预警).",
}


def documented_keys() -> list[tuple[str, Any]]:
    """Every settings key with its default, in declaration order (for the docs and their test)."""
    out: list[tuple[str, Any]] = []
    for name, fld in Settings.model_fields.items():
        default = fld.default
        if isinstance(default, BaseModel):
            for sub, subfld in type(default).model_fields.items():
                out.append((f"{name}.{sub}", subfld.default))
        else:
            out.append((name, default))
    return out
