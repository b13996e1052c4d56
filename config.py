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
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

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
    context_recycle_pages: int = Field(20, ge=1)
    chromium_path: str = "/usr/bin/chromium"
    retries: int = Field(2, ge=0, le=10)
    ocr: bool = True

    _split = field_validator("allowed_networks", mode="before")(_split_commas)

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
    crawl_interval: str = "1d"
    hot_crawl_interval: str = "6h"  # storefronts with open high-severity findings
    max_concurrent_crawls: int = Field(2, ge=1, le=64)
    crawl_wall_limit: str = "30m"
    index_sync_interval: str = "60s"
    heartbeat_interval: str = "30s"
    misfire_grace: str = "1h"
    jitter: str = "5m"

    @field_validator("crawl_interval", "hot_crawl_interval", "crawl_wall_limit", "index_sync_interval",
                     "heartbeat_interval", "misfire_grace", "jitter")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v


class RetentionSettings(_Section):
    days: int = Field(MIN_RETENTION_DAYS, ge=MIN_RETENTION_DAYS)


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["plain", "json"] = "plain"


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
    log: LogSettings = LogSettings()

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
        toml = _TOML_FILE.get("path")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)


_TOML_FILE: dict[str, Path | None] = {"path": None}


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
        lines.append(f"setting {key} (env {env}): {reason}")
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
    _TOML_FILE["path"] = path
    saved = None
    if environ is not None:
        saved = dict(os.environ)
        for key in [k for k in os.environ if k.upper().startswith(ENV_PREFIX)]:
            del os.environ[key]
        os.environ.update({k: v for k, v in environ.items() if k.upper().startswith(ENV_PREFIX)})
    try:
        return Settings(**dict(overrides or {}))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    finally:
        _TOML_FILE["path"] = None
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)
