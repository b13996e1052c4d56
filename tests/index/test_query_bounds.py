"""Hostile analyst input: the query language is bounded, and errors say what in Chinese, never crash."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from errors import QuerySyntaxError
from index.commands import table, width
from index.query import MAX_TERMS, parse


@pytest.mark.parametrize(("query", "says"), [
    ("(" * 250 + "国家级" + ")" * 250, "嵌套过深"),
    ("NOT " * 5000 + "国家级", "超出长度上限"),
    ("NOT " * 20 + "国家级", "嵌套过深"),
    ("-" * 30 + "国家级", "嵌套过深"),
    (" OR ".join(f"词{i}" for i in range(1100)), "超出长度上限"),
    (" OR ".join(f"词{i}" for i in range(MAX_TERMS + 1)), "查询词过多"),
    ("国家\x00级", "控制字符"),
])
def test_hostile_queries_are_refused_with_a_reason(query: str, says: str) -> None:
    with pytest.raises(QuerySyntaxError, match=says):
        parse(query)


def test_bounds_leave_ordinary_queries_alone() -> None:
    parse("(国家级 OR 最佳) -status:dismissed category:false_advertising")
    parse(" OR ".join(f"词{i}" for i in range(MAX_TERMS)))
    parse("NOT NOT 国家级")


def test_cli_search_errors_exit_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert cli.main([*data, "init"]) == 0
    capsys.readouterr()
    assert cli.main([*data, "search", "(" * 300]) == 2
    err = capsys.readouterr().err
    assert "嵌套过深" in err and "Traceback" not in err
    assert cli.main([*data, "search", "国家级", "--severity", "urgent"]) == 2
    assert "--severity 的取值 'urgent' 不存在" in capsys.readouterr().err
    assert cli.main([*data, "search", "国家级", "--category", "false_advertising,fake_stuff"]) == 2
    assert "fake_stuff" in capsys.readouterr().err
    assert cli.main([*data, "search", "国家级", "--category", "false_advertising"]) == 0
    out = capsys.readouterr().out
    assert "共 0 条" in out


def test_table_pads_by_display_width() -> None:
    text = table(["编号", "类别"], [["ab", "虚假宣传"], ["一二三", "x"]])
    lines = text.splitlines()
    starts = [width(line[:line.index(second)]) for line, second in zip(lines, ["类别", "虚假宣传", "x"], strict=True)]
    assert starts == [8, 8, 8]
    assert lines[0].startswith("编号  ")
