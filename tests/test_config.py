"""Settings: precedence (command line > environment > file > default) and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

import config
from errors import ConfigError


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    p = tmp_path / "storewatch.toml"
    p.write_text('data_dir = "/srv/sw"\n[crawler]\nmax_pages = 7\nallow_loopback = true\n'
                 '[smtp]\nhost = "mail.bureau.local"\n', encoding="utf-8")
    return p


def test_defaults() -> None:
    s = config.load(environ={})
    assert s.crawler.max_pages == 50 and s.crawler.max_depth == 3
    assert s.timezone == "Asia/Shanghai"
    assert s.elasticsearch.url is None and s.smtp.host is None
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("data/storewatch.db")
    assert s.retention.days == 730


def test_precedence(toml: Path) -> None:
    env = {"STOREWATCH_CRAWLER__MAX_PAGES": "9", "STOREWATCH_DATA_DIR": "/env/dir"}
    assert config.load(toml, environ={}).crawler.max_pages == 7
    s = config.load(toml, environ=env)
    assert (s.crawler.max_pages, s.data_dir, s.crawler.allow_loopback) == (9, Path("/env/dir"), True)
    s = config.load(toml, overrides={"crawler": {"max_pages": 3}, "data_dir": "/cli"}, environ=env)
    assert (s.crawler.max_pages, s.data_dir, s.crawler.allow_loopback, s.smtp.host) == \
        (3, Path("/cli"), True, "mail.bureau.local")


def test_config_file_from_environment(toml: Path) -> None:
    assert config.load(environ={"STOREWATCH_CONFIG": str(toml)}).crawler.max_pages == 7


def test_lists_from_environment_are_comma_separated() -> None:
    s = config.load(environ={"STOREWATCH_DIGEST__RECIPIENTS": "a@bureau.cn, b@bureau.cn",
                             "STOREWATCH_CRAWLER__ALLOWED_NETWORKS": "10.1.0.0/16,192.168.5.0/24"})
    assert s.digest.recipients == ["a@bureau.cn", "b@bureau.cn"]
    assert s.crawler.allowed_networks == ["10.1.0.0/16", "192.168.5.0/24"]
    s = config.load(environ={"STOREWATCH_CRAWLER__SUBRESOURCE_HOSTS": "img.shop-cdn.cn, *.alicdn.com"})
    assert s.crawler.subresource_hosts == ["img.shop-cdn.cn", "*.alicdn.com"]


def test_settings_are_frozen() -> None:
    s = config.load(environ={})
    with pytest.raises(Exception, match="frozen"):
        s.crawler.max_pages = 1  # type: ignore[misc]


def test_secrets_are_redacted() -> None:
    s = config.load(environ={"STOREWATCH_SMTP__PASSWORD": "hunter2", "STOREWATCH_ELASTICSEARCH__USERNAME": "elastic",
                             "STOREWATCH_ELASTICSEARCH__PASSWORD": "s3cret"})
    text = repr(config.redacted(s)) + repr(s)
    assert "hunter2" not in text and "s3cret" not in text
    assert config.redacted(s)["smtp"]["password"] == "***"


@pytest.mark.parametrize(("env", "key", "reason"), [
    ({"STOREWATCH_CRAWLER__MAX_PAGES": "many"}, "crawler.max_pages", "valid integer"),
    ({"STOREWATCH_CRAWLER__MAX_PAGES": "0"}, "crawler.max_pages", "greater than or equal to 1"),
    ({"STOREWATCH_CRAWLER__RENDER": "sometimes"}, "crawler.render", "'auto', 'always' or 'never'"),
    ({"STOREWATCH_CRAWLER__ALLOWED_NETWORKS": "10.0.0.0/33"}, "crawler.allowed_networks", "not a network"),
    ({"STOREWATCH_CRAWLER__SUBRESOURCE_HOSTS": "https://cdn.example.com/"}, "crawler.subresource_hosts",
     "not a host name"),
    ({"STOREWATCH_CRAWLER__SUBRESOURCE_HOSTS": "cdn.*.com"}, "crawler.subresource_hosts", "leading '*.'"),
    ({"STOREWATCH_CRAWLER__MAXPAGES": "3"}, "crawler.maxpages", "unknown setting"),
    ({"STOREWATCH_TIMEZONE": "Asia/Xining_Nowhere"}, "timezone", "unknown time zone"),
    ({"STOREWATCH_RETENTION__DAYS": "365"}, "retention.days", "greater than or equal to 730"),
    ({"STOREWATCH_DIGEST__RECIPIENTS": "bureau"}, "digest.recipients", "not an e-mail address"),
    ({"STOREWATCH_DIGEST__DAILY_AT": "8am"}, "digest.daily_at", "HH:MM"),
    ({"STOREWATCH_SMTP__SECURITY": "tls"}, "smtp.security", "'none', 'starttls' or 'ssl'"),
    ({"STOREWATCH_SMTP__PORT": "70000"}, "smtp.port", "less than or equal to 65535"),
    ({"STOREWATCH_ELASTICSEARCH__URL": "localhost:9200"}, "elasticsearch.url", "http:// or https://"),
    ({"STOREWATCH_ELASTICSEARCH__PASSWORD": "x"}, "elasticsearch", "password given without username"),
    ({"STOREWATCH_DATABASE_URL": "mysql://x"}, "database_url", "sqlite:/// or postgresql://"),
    ({"STOREWATCH_SCHEDULER__CRAWL_INTERVAL": "daily"}, "scheduler.crawl_interval", "not a duration"),
])
def test_bad_values_name_the_key(env: dict[str, str], key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as exc:
        config.load(environ=env)
    message = str(exc.value)
    assert f"setting {key} " in message and reason in message


def test_bad_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text("[crawler\nmax_pages = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(p, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "missing.toml", environ={})
    p.write_text("[crawler]\nmax_pages = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad settings \(file .*bad.toml\):\n  setting crawler.max_pages"):
        config.load(p, environ={})


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("2m", 120), ("6h", 21600), ("1d", 86400), ("90", 90)])
def test_durations(text: str, seconds: float) -> None:
    assert config.parse_duration(text) == seconds


def test_load_with_an_environ_never_rewrites_os_environ_and_threads_keep_their_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading

    monkeypatch.setenv("STOREWATCH_TIMEZONE", "Asia/Urumqi")
    before = dict(os.environ)
    seen: dict[str, str] = {}
    barrier = threading.Barrier(4)

    def load(tz: str) -> None:
        barrier.wait()
        for _ in range(20):
            got = config.load(environ={"STOREWATCH_TIMEZONE": tz}).timezone
            if got != tz:
                seen[tz] = got
                return
        seen.setdefault(tz, tz)

    zones = ["Asia/Shanghai", "Asia/Tokyo", "Europe/Berlin", "UTC"]
    threads = [threading.Thread(target=load, args=(z,)) for z in zones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {z: z for z in zones}
    assert dict(os.environ) == before
    assert config.load().timezone == "Asia/Urumqi"  # without ``environ``: the process environment
