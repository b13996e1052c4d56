"""Every rule's documented examples are tests: bad ones fire exactly that rule, good ones nothing."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_site, analyze_text
from analyzers.rules import BY_ID, RULES, SiteExample


def _cases():
    for rule in RULES:
        for kind, examples in (("bad", rule.bad), ("good", rule.good)):
            for i, ex in enumerate(examples):
                yield pytest.param(rule.id, kind, ex, id=f"{rule.id}-{kind}-{i}")


# The examples document the rules; the trained layer is tested in test_learned.py (and learns from them).
_RULES_ONLY = {"use_model": False}


def _fired(ex) -> list[tuple[str, str]]:
    if isinstance(ex, SiteExample):
        findings = analyze_site(ex.pages, ex.registry, options=_RULES_ONLY)
    else:
        findings = analyze_text(ex, options=_RULES_ONLY)
    # a rule folded into another's finding (one statement: analyzers/merge.py) fired too
    return [(f.rule_id, f.match) for f in findings] + [(a[0], f.match) for f in findings for a in f.also]


@pytest.mark.parametrize(("rule_id", "kind", "example"), list(_cases()))
def test_rule_example(rule_id: str, kind: str, example) -> None:
    fired = _fired(example)
    ids = {r for r, _ in fired}
    if kind == "bad":
        want = {rule_id, *BY_ID[rule_id].fires_with}
        assert ids == want, f"bad example must fire exactly {sorted(want)}: {fired}"
    else:
        assert fired == [], f"good example must fire nothing: {fired}"


def test_every_category_but_design_copying_has_rules() -> None:
    from analyzers.model import CATEGORIES

    covered = {r.category for r in RULES}
    assert set(CATEGORIES) - covered == {"design_copying"}
