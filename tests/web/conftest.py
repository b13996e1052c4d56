"""Web fixtures: settings on a temporary data folder, a migrated SQLite store with seed data, the app,
and TestClients signed in as each role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import config
from store.db import Store
from tests.web.seed import PASSWORDS, Seeded, index_store, seed
from web.app import create_app


@pytest.fixture
def settings(tmp_path: Path) -> config.Settings:
    return config.load(environ={}, overrides={"data_dir": tmp_path / "data",
                                              "web": {"login_max_failures": 3}})


@pytest.fixture
def store(settings: config.Settings) -> Iterator[Store]:
    s = Store(settings.db_url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture
def seeded(store: Store, settings: config.Settings) -> Seeded:
    """The seed data in the store and, through the outbox, in the search index."""
    with store.session() as session:
        out = seed(session, settings.evidence_dir)
    index_store(settings, store)
    return out


@pytest.fixture
def app(settings: config.Settings, store: Store, seeded: Seeded):  # noqa: ANN201
    return create_app(settings, store)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: TestClient, name: str, password: str | None = None) -> str:
    """Sign in; returns the session's CSRF token."""
    page = client.get("/login")
    r = client.post("/login", data={"username": name, "password": password or PASSWORDS[name],
                                    "csrf_token": csrf_of(page.text), "next": "/findings"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/findings").text)


@pytest.fixture
def anon(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def as_role(app):  # noqa: ANN001, ANN201
    """``as_role("analyst")`` -> (client, csrf token)."""
    clients: list[TestClient] = []

    def make(role: str) -> tuple[TestClient, str]:
        c = TestClient(app, base_url="http://127.0.0.1")
        c.__enter__()
        clients.append(c)
        return c, login(c, role)

    yield make
    for c in clients:
        c.__exit__(None, None, None)
