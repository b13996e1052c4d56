"""Rule triggers (analyzers/rules/triggers.py): a check the engine skips for want of its triggers finds nothing there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.rules import BY_ID, RULES, TRIGGERS, validate_triggers
from analyzers.text import TextDoc
from errors import RuleRegistryError

CORPUS = Path(__file__).parent / "corpus"


def _texts() -> list[str]:
    texts = [str(x) for r in RULES if r.scope == "text" for x in (*r.bad, *r.good)]
    for f in sorted(CORPUS.rglob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in f.read_text("utf-8").splitlines() if line.strip()]
    return texts


@pytest.fixture(scope="module")
def docs() -> list[TextDoc]:
    return [TextDoc(t) for t in _texts()]


@pytest.mark.parametrize("rule_id", sorted(TRIGGERS))
def test_check_finds_nothing_without_its_triggers(rule_id: str, docs: list[TextDoc]) -> None:
    rule = BY_ID[rule_id]
    needs = frozenset(TRIGGERS[rule_id])
    without = [d for d in docs if d.found.isdisjoint(needs)]
    assert without, "no text to try the rule on"
    for doc in without:
        before = list(doc.exempted)
        assert list(rule.check(doc, dict(rule.options))) == [], doc.norm.original
        assert doc.exempted == before, doc.norm.original


@pytest.mark.parametrize("rule_id", sorted(TRIGGERS))
def test_triggers_occur_in_the_rules_bad_examples(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    needs = frozenset(TRIGGERS[rule_id])
    assert all(not TextDoc(str(x)).found.isdisjoint(needs) for x in rule.bad)


def test_found_names_lexicons_and_tags() -> None:
    doc = TextDoc("本店概不退换")
    assert "unfair_terms" in doc.found
    assert any(k.startswith("unfair_terms:") for k in doc.found)
    assert TextDoc("").found == frozenset()


@pytest.mark.parametrize(("triggers", "message"), [
    ({"NO-SUCH-RULE": ("brands",)}, "not the id of a rule"),
    ({"LIC-MISSING": ("brands",)}, "only text rules"),
    ({"AD-ABSOLUTE-TERM": ()}, "lists no trigger"),
    ({"AD-ABSOLUTE-TERM": ("no_such_lexicon",)}, "not a lexicon"),
    ({"AD-ABSOLUTE-TERM": ("anchors:",)}, "not a lexicon"),
])
def test_bad_triggers_fail_at_import(triggers: dict[str, tuple[str, ...]], message: str) -> None:
    with pytest.raises(RuleRegistryError, match=message):
        validate_triggers(triggers, BY_ID)
