"""Fixtures for index/: Elasticsearch settings shaped like ``settings.elasticsearch``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr


@dataclass(frozen=True)
class EsSettings:
    url: str | None
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_file: Path | None = None
    verify_certs: bool = True
    index_prefix: str = "storewatch-test-"
    request_timeout: float = 30.0


@pytest.fixture
def es_settings(es) -> EsSettings:
    return EsSettings(url=es.url, username=es.username, password=SecretStr(es.password), index_prefix=es.index_prefix)
