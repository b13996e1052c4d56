"""The CLI in-process: search and index commands, and one-line errors instead of tracebacks."""

from __future__ import annotations

import json

import pytest

import cli
from store.db import Store
from tests.index.conftest import load_dataset


@pytest.fixture
def env(monkeypatch, tmp_path):
    for key in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("STOREWATCH_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["init"]) == 0
    return monkeypatch


@pytest.fixture
def es_env(env, es):
    env.setenv("STOREWATCH_ELASTICSEARCH__URL", es.url)
    env.setenv("STOREWATCH_ELASTICSEARCH__USERNAME", es.username)
    env.setenv("STOREWATCH_ELASTICSEARCH__PASSWORD", es.password)
    env.setenv("STOREWATCH_ELASTICSEARCH__INDEX_PREFIX", es.index_prefix)
    return env


@pytest.mark.integration
def test_wrong_password_is_one_line_not_a_traceback(es_env, es, capsys):
    es_env.setenv("STOREWATCH_ELASTICSEARCH__PASSWORD", "wrong-password-123")
    capsys.readouterr()
    for argv in (["index", "status"], ["index", "sync"], ["search", "国家级"]):
        assert cli.main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"错误 Error: Elasticsearch at {es.url} refused the credentials for user 'elastic'")
        assert "STOREWATCH_ELASTICSEARCH__PASSWORD" in err
        assert "wrong-password-123" not in err
        assert "Traceback" not in err


def test_unreachable_elasticsearch_is_one_line(env, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env.setenv("STOREWATCH_ELASTICSEARCH__URL", f"http://127.0.0.1:{port}")
    capsys.readouterr()
    assert cli.main(["search", "国家级"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"错误 Error: cannot reach Elasticsearch at http://127.0.0.1:{port}")
    assert err.count("\n") == 1


@pytest.mark.parametrize("backend_name", ["fts", "es"])
def test_sync_then_search_from_the_command_line(request, env, tmp_path, capsys, backend_name):
    if backend_name == "es":
        request.getfixturevalue("es_env")
    store = Store(f"sqlite:///{tmp_path / 'data' / 'storewatch.db'}")
    load_dataset(store)
    store.dispose()
    capsys.readouterr()
    assert cli.main(["index", "sync"]) == 0
    out = capsys.readouterr().out
    assert "9 indexed" in out  # 7 findings, 2 pages
    assert "0 pending" in out
    if backend_name == "es":
        request.getfixturevalue("es").client().indices.refresh(index="storewatch-test-*")
    assert cli.main(["search", "国家级", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [h["finding_id"] for h in result["hits"]] == ["f1"]
    assert cli.main(["search", "category:false_advertising", "--facets", "--sort", "severity"]) == 0
    out = capsys.readouterr().out
    assert "共 2 条" in out
    assert "西宁好物商贸有限公司" in out  # storefront facet labelled with the merchant's name
    assert cli.main(["search", "--pages", "七天无理由"]) == 0
    assert "http://haowu.example/" in capsys.readouterr().out
    assert cli.main(["search", "category:"]) == 2
    err = capsys.readouterr().err
    assert "position 10" in err
    assert err.count("\n") == 1
    assert cli.main(["index", "rebuild"]) == 0
    assert "7 documents" in capsys.readouterr().out
    assert cli.main(["index", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["findings"]["documents"] == 7
    assert status["outbox"] == {"pending": 0, "failing": 0}
