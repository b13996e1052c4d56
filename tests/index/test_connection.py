"""Connecting to the real Elasticsearch: good credentials work; bad ones give one clear line."""

from __future__ import annotations

import dataclasses
import socket

import pytest
from pydantic import SecretStr

from errors import ConfigError, SearchBackendError
from index.client import check_connection, make_client, redact_url

pytestmark = pytest.mark.integration


def test_configured_credentials_work(es_settings):
    client = make_client(es_settings)
    info = check_connection(client, es_settings.url, es_settings.username)
    assert info["status"] in ("green", "yellow")
    assert client.security.authenticate()["username"] == "elastic"


def test_wrong_password_is_one_clear_line(es_settings):
    bad = dataclasses.replace(es_settings, password=SecretStr("not-the-password-42"))
    with pytest.raises(SearchBackendError) as caught:
        check_connection(make_client(bad), bad.url, bad.username)
    message = str(caught.value)
    assert "\n" not in message
    assert es_settings.url in message
    assert "401" in message
    assert "'elastic'" in message
    assert "STOREWATCH_ELASTICSEARCH__PASSWORD" in message
    assert "not-the-password-42" not in message
    assert es_settings.password.get_secret_value() not in message


def test_password_in_url_is_never_shown(es_settings):
    host = es_settings.url.removeprefix("http://")
    bad = dataclasses.replace(es_settings, url=f"http://elastic:hunter2-secret@{host}", password=None, username=None)
    with pytest.raises(SearchBackendError) as caught:
        check_connection(make_client(bad), bad.url)
    assert "hunter2-secret" not in str(caught.value)
    assert f"http://{host}" in str(caught.value)


def test_unreachable_server_names_url_and_what_to_check():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    from tests.index.conftest import EsSettings

    conf = EsSettings(url=f"http://127.0.0.1:{port}", username="elastic", password=SecretStr("pw-xyz"))
    with pytest.raises(SearchBackendError) as caught:
        check_connection(make_client(conf), conf.url, conf.username)
    message = str(caught.value)
    assert message.startswith(f"cannot reach Elasticsearch at http://127.0.0.1:{port}")
    assert "scripts/elasticsearch.sh status" in message
    assert "\n" not in message
    assert "pw-xyz" not in message


def test_no_url_is_a_config_error():
    from tests.index.conftest import EsSettings

    with pytest.raises(ConfigError, match="elasticsearch.url"):
        make_client(EsSettings(url=None))


@pytest.mark.parametrize(("url", "shown"), [
    ("http://u:p@127.0.0.1:9200/", "http://127.0.0.1:9200/"),
    ("https://es.example:9243", "https://es.example:9243"),
    ("http://user@[::1]:9200", "http://[::1]:9200"),
])
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_unknown_api_key_is_refused_in_one_line(es_settings):
    # (creating real API keys needs the .security index, whose mapping needs analysis-common: the
    # integ-test distribution cannot; a production cluster can)
    conf = dataclasses.replace(es_settings, username=None, password=None,
                               api_key=SecretStr("bm90LWEta2V5OnJlYWxseS1ub3Q="))
    with pytest.raises(SearchBackendError) as caught:
        check_connection(make_client(conf), conf.url)
    message = str(caught.value)
    assert message.startswith(f"Elasticsearch at {conf.url} refused the credentials (HTTP 401)")
    assert "api_key" in message
    assert "bm90LWEta2V5" not in message


def test_search_before_any_index_exists_says_what_to_run(es_settings):
    from index.es_backend import EsBackend
    from index.search import SearchRequest

    backend = EsBackend.from_settings(es_settings)
    with pytest.raises(SearchBackendError, match=r"has no storewatch-test-findings index yet: run `storewatch index sync`"):
        backend.search(SearchRequest(query="国家级"))
