from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from analyzers.commands import COMMANDS, analyze_text_cmd
from analyzers.rules import RULES


def test_commands_are_exported() -> None:
    assert [c.name for c in COMMANDS] == ["analyze-text", "train"]  # rules: store.decisions_commands


def test_analyze_text_contract() -> None:
    lines = [
        json.dumps({"id": "a", "text": "國家級品質，全網銷量第一！"}, ensure_ascii=False),
        json.dumps({"id": 2, "text": "最近天气转凉，第一步先开箱验货。"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c"}),
        json.dumps(["a"]),
        "",
        json.dumps({"id": "d", "text": "本活动最终解释权归本店所有"}, ensure_ascii=False),
    ]
    result = CliRunner().invoke(analyze_text_cmd, [], input=("\n".join(lines) + "\n").encode("utf-8"))
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.output.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["id"] == "a"
    assert {f["rule_id"] for f in out[0]["findings"]} == {"AD-ABSOLUTE-TERM"}
    assert out[0]["findings"][0]["match"] == "國家級"
    assert out[1] == {"id": 2, "findings": []}
    assert out[2]["error"].startswith("line 3:")
    assert out[2]["id"] is None
    assert out[3] == {"id": "c", "error": 'line 4: "text" must be a string'}
    assert out[4]["error"].startswith("line 5:")
    assert out[5]["error"].startswith("line 6:")
    assert out[6]["id"] == "d"
    assert out[6]["findings"][0]["rule_id"] == "UNF-FINAL-INTERPRETATION"


def test_analyze_text_bad_utf8_line_continues() -> None:
    data = b'{"id":1,"text":"\xff\xfe"}\n' + json.dumps({"id": 2, "text": "顶级"}).encode() + b"\n"
    result = CliRunner().invoke(analyze_text_cmd, [], input=data)
    out = [json.loads(x) for x in result.output.splitlines()]
    assert result.exit_code == 0
    assert "not UTF-8" in out[0]["error"]
    assert out[1]["findings"][0]["rule_id"] == "AD-ABSOLUTE-TERM"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_rules_catalogue_lists_every_rule(fmt: str, tmp_path, capsys) -> None:  # noqa: ANN001
    import cli

    assert cli.main(["--data-dir", str(tmp_path / "d"), "rules", "--format", fmt]) == 0
    out = capsys.readouterr()
    for r in RULES:
        assert r.id in out.out
    if fmt != "markdown":  # no store yet: the catalogue without figures, and why (nothing created)
        assert "storewatch init" in out.err
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").rglob("*.db"))


def test_rules_json_has_every_docs_section(tmp_path, capsys) -> None:  # noqa: ANN001
    import cli

    assert cli.main(["--data-dir", str(tmp_path / "d"), "rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for r in data:
        for key in ("what", "why", "bad_examples", "good_examples", "references", "law", "article", "explanation"):
            assert r[key], (r["id"], key)


def test_registered_in_the_storewatch_group() -> None:
    from cli import main_group

    for c in COMMANDS:
        main_group.add_command(c)
    result = CliRunner().invoke(main_group, ["analyze-text"], input='{"id":1,"text":"高仿名表"}\n'.encode())
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"][0]["category"] == "counterfeit_goods"


def test_docs_page_is_generated_from_the_catalogue() -> None:
    from pathlib import Path

    from analyzers.catalogue import as_markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert docs.read_text("utf-8") == as_markdown(), "regenerate: storewatch rules --format markdown > docs/rules.md"


def test_design_copying_is_in_the_catalogue_and_the_docs(tmp_path, capsys) -> None:  # noqa: ANN001
    """DESIGN-COPY compares storefronts (pipelines.design), so it is no engine rule, but it is catalogued."""
    from pathlib import Path

    import cli
    from analyzers.design import DESIGN_LAW, DESIGN_RULE_ID

    assert DESIGN_RULE_ID not in {r.id for r in RULES}
    assert cli.main(["--data-dir", str(tmp_path / "d"), "rules"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith(DESIGN_RULE_ID))
    assert "第十五条第（三）项" in line and "仿冒网页设计" in line
    assert cli.main(["--data-dir", str(tmp_path / "d"), "rules", "--format", "json"]) == 0
    data = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert data[DESIGN_RULE_ID]["category"] == "design_copying" and data[DESIGN_RULE_ID]["law"] == list(DESIGN_LAW)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text("utf-8")
    assert f"### `{DESIGN_RULE_ID}`" in docs and "## design_copying (Art. 15(3))" in docs
