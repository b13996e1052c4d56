"""Shared fixtures. Package-specific ones live in tests/<package>/conftest.py."""

from __future__ import annotations

import os

os.environ.setdefault("STOREWATCH_LOG__LEVEL", "WARNING")

# ---------------------------------------------------------------------------------------------
# Elasticsearch: a real node started by scripts/elasticsearch.sh on a free port for the session
# (or the one named by STOREWATCH_TEST_ES_URL / _USERNAME / _PASSWORD), wiped between tests.
# ---------------------------------------------------------------------------------------------
import shlex
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ES_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "elasticsearch.sh"
ES_TEST_PREFIX = "storewatch-test-"


@dataclass(frozen=True)
class EsServer:
    url: str
    username: str
    password: str
    index_prefix: str = ES_TEST_PREFIX
    script_env: dict[str, str] | None = None  # set when this session started the node (it may restart it)

    def script(self, command: str) -> None:
        """Run scripts/elasticsearch.sh stop|start for this node (tests that stop the server)."""
        if self.script_env is None:
            pytest.skip("the Elasticsearch node was not started by this test session")
        run = subprocess.run([str(ES_SCRIPT), command], env=self.script_env, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stderr

    def client(self, password: str | None = None):  # a raw client, for fixtures and assertions
        from elasticsearch import Elasticsearch

        return Elasticsearch(self.url, basic_auth=(self.username, password or self.password), request_timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def es_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EsServer]:
    url = os.environ.get("STOREWATCH_TEST_ES_URL")
    if url:
        yield EsServer(url, os.environ.get("STOREWATCH_TEST_ES_USERNAME", "elastic"),
                       os.environ.get("STOREWATCH_TEST_ES_PASSWORD", ""))
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREWATCH_ES_")}
    env.update(STOREWATCH_ES_PORT=str(_free_port()), STOREWATCH_ES_HOME=str(tmp_path_factory.mktemp("es")))
    run = subprocess.run([str(ES_SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"scripts/elasticsearch.sh start failed:\n{run.stderr[-3000:]}", pytrace=False)
    exports = {k: shlex.split(v)[0] for k, v in (line.removeprefix("export ").split("=", 1)
                                                  for line in run.stdout.splitlines() if line.startswith("export "))}
    try:
        yield EsServer(exports["STOREWATCH_ELASTICSEARCH__URL"], exports["STOREWATCH_ELASTICSEARCH__USERNAME"],
                       exports["STOREWATCH_ELASTICSEARCH__PASSWORD"], script_env=env)
    finally:
        subprocess.run([str(ES_SCRIPT), "stop"], env=env, capture_output=True, timeout=120)


@pytest.fixture
def es(es_server: EsServer) -> EsServer:
    """The session's Elasticsearch with no storewatch test indices left from other tests."""
    client = es_server.client()
    indices = client.options(ignore_status=404).indices.get(index=f"{ES_TEST_PREFIX}*", expand_wildcards="all")
    if indices:
        client.indices.delete(index=",".join(indices))
    client.close()
    return es_server
