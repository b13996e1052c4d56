"""The Elasticsearch client, built from settings, and one-line errors for everything that goes wrong.

Every call storewatch makes to Elasticsearch goes through :func:`backend_errors`, which turns the
client's exceptions into :class:`errors.SearchBackendError` with a single line that names the URL
(never the password) and what to check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import elastic_transport
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    Elasticsearch,
    UnsupportedProductError,
)

from errors import ConfigError, SearchBackendError

log = logging.getLogger(__name__)

CREDENTIAL_HINT = (
    "check elasticsearch.username and elasticsearch.password (STOREWATCH_ELASTICSEARCH__USERNAME, "
    "STOREWATCH_ELASTICSEARCH__PASSWORD) or elasticsearch.api_key"
)


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    text = getter() if callable(getter) else str(value)
    return text or None


def redact_url(url: str) -> str:
    """The URL without any user:password part, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def make_client(es: Any) -> Elasticsearch:
    """Build a client from ``settings.elasticsearch`` (url, username, password, api_key, ca_file, …)."""
    url = getattr(es, "url", None)
    if not url:
        raise ConfigError("elasticsearch.url: not set (no Elasticsearch configured; the embedded search is used)")
    kwargs: dict[str, Any] = {
        "request_timeout": float(getattr(es, "request_timeout", 30.0) or 30.0),
        "max_retries": 2,
        "retry_on_timeout": True,
    }
    api_key = _secret(getattr(es, "api_key", None))
    username = getattr(es, "username", None)
    password = _secret(getattr(es, "password", None))
    if api_key:
        kwargs["api_key"] = api_key
    elif username or password:
        kwargs["basic_auth"] = (username or "elastic", password or "")
    ca_file = getattr(es, "ca_file", None)
    if ca_file:
        kwargs["ca_certs"] = str(ca_file)
    if url.startswith("https:"):
        kwargs["verify_certs"] = bool(getattr(es, "verify_certs", True))
    try:
        from elasticsearch.serializer import OrjsonSerializer  # orjson installed: 5x faster bulk bodies

        kwargs["serializer"] = OrjsonSerializer()
    except ImportError:
        pass
    try:
        client = Elasticsearch(url, **kwargs)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"elasticsearch.url: {redact_url(url)} is not usable: {exc}") from None
    log.debug("Elasticsearch client for %s (auth: %s)", redact_url(url),
              "api key" if api_key else "basic" if "basic_auth" in kwargs else "none")
    return client


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def describe(exc: BaseException, url: str, username: str | None = None) -> str:
    """A one-line message for an error raised by the Elasticsearch client."""
    where = f"Elasticsearch at {redact_url(url)}"
    if isinstance(exc, AuthenticationException):
        who = f" for user '{username}'" if username else ""
        return f"{where} refused the credentials{who} (HTTP 401): {CREDENTIAL_HINT}"
    if isinstance(exc, AuthorizationException):
        return (f"{where} denied the request (HTTP 403: {_one_line(exc.message)}): the user or API key needs "
                "the monitor cluster privilege and all privileges on the storewatch indices")
    if isinstance(exc, UnsupportedProductError):
        return f"{where} is not an Elasticsearch server storewatch can use (it needs Elasticsearch 9.x): check elasticsearch.url"
    if isinstance(exc, elastic_transport.TlsError):
        return f"{where}: TLS failed ({_one_line(exc.message)}): check elasticsearch.ca_file and elasticsearch.verify_certs"
    if isinstance(exc, elastic_transport.ConnectionTimeout):
        return f"{where} did not answer in time: check that it is healthy, or raise elasticsearch.request_timeout"
    if isinstance(exc, elastic_transport.ConnectionError):
        return (f"cannot reach {where} ({_one_line(exc.message)[:160]}): check that it runs "
                "(scripts/elasticsearch.sh status) and elasticsearch.url (STOREWATCH_ELASTICSEARCH__URL)")
    if isinstance(exc, ApiError):
        return f"{where} answered HTTP {exc.meta.status}: {_one_line(exc.message)[:300]}"
    if isinstance(exc, elastic_transport.TransportError):
        return f"{where}: {_one_line(exc)[:300]}"
    return f"{where}: {type(exc).__name__}: {_one_line(exc)[:300]}"


TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (ApiError, elastic_transport.TransportError,
                                                      UnsupportedProductError)


@contextmanager
def backend_errors(url: str, username: str | None = None) -> Iterator[None]:
    """Turn client exceptions raised inside the block into one-line SearchBackendErrors."""
    try:
        yield
    except TRANSPORT_ERRORS as exc:
        raise SearchBackendError(describe(exc, url, username)) from exc


def check_connection(client: Elasticsearch, url: str, username: str | None = None) -> dict[str, Any]:
    """Ask the server who we are and how the cluster is; raise a one-line error if we cannot."""
    with backend_errors(url, username):
        health = client.cluster.health()
    return {"cluster": health.get("cluster_name"), "status": health.get("status")}
