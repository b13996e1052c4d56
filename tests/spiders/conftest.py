from tests.crawler.conftest import sites  # noqa: F401  (session fixture: the fixture storefronts)
