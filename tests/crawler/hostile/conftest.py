"""Fixtures of the hostile-storefront tests: the storefront under test, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crawler.sitekit import Site


@pytest.fixture
def shop() -> Iterator[Site]:
    site = Site("shop").start()
    yield site
    site.stop()
