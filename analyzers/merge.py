"""One statement, one finding: merge the findings different rules raise on the same words.

"概不退换" breaks Art. 11(4) (the 7-day return) and Art. 11(5)/15(6) (an unfair standard term) at
once; an analyst should see one finding that cites both, not two that double the counts, the
dashboard's weighted score and the credit deductions. Findings are merged when they are on the
same page and the same element and their matched spans overlap (or, for findings without spans,
when they match the same text). The kept finding is the most severe (then the most confident);
the others are listed in its ``also`` and their articles and laws are added to its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from analyzers.model import SEVERITIES, Finding, normalise_key, normalise_url

_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _overlaps(a: Finding, b: Finding) -> bool:
    la, lb = a.location, b.location
    if la.kind != lb.kind or la.selector != lb.selector:
        return False
    if None not in (la.start, la.end, lb.start, lb.end):
        return la.start < lb.end and lb.start < la.end  # type: ignore[operator]
    return bool(a.match) and normalise_key(a.match) == normalise_key(b.match)


def _articles(*articles: str) -> str:
    out: list[str] = []
    for art in articles:
        for one in art.split(","):
            one = one.strip()
            if one and one not in out:
                out.append(one)
    return ", ".join(out)


def _merge(group: list[Finding]) -> Finding:
    keep = max(group, key=lambda f: (_RANK.get(f.severity, 0), f.confidence, f.source == "rule"))
    others = [f for f in group if f is not keep]
    law = tuple(dict.fromkeys([*keep.law, *(x for f in others for x in f.law)]))
    also = tuple(dict.fromkeys([*keep.also, *((f.rule_id, f.category, f.article) for f in others),
                                *(a for f in others for a in f.also)]))
    return replace(keep, article=_articles(keep.article, *(f.article for f in others)), law=law, also=also)


def merge_statements(findings: Sequence[Finding]) -> list[Finding]:
    """Findings with those on one statement merged; order of first appearance kept."""
    groups: list[list[Finding]] = []
    by_page: dict[tuple[int | None, str], list[list[Finding]]] = {}
    for f in findings:
        key = (f.storefront_id, normalise_url(f.url))
        for group in by_page.get(key, ()):
            if any(g.rule_id != f.rule_id and _overlaps(g, f) for g in group):
                group.append(f)
                break
        else:
            group = [f]
            groups.append(group)
            by_page.setdefault(key, []).append(group)
    return [g[0] if len(g) == 1 else _merge(g) for g in groups]


# A blanket refusal of returns (售出概不退换) read as an unfair term only because it refuses returns: in bare text the
# statement is reported once, as the denied 7-day return, citing the unfair-term articles too. Writers label it
# return_policy far more often than unfair_terms (dev: 21 return only, 12 unfair only, 17 both; the two newest
# writers 39 return only among 48 unfair-only alarms); other unfair terms in the text (最终解释权, 视为认可, fees)
# keep their own finding.
_REFUSAL_ONLY = frozenset({"UNF-NO-RETURN-EXCHANGE", "MODEL-UNFAIR-TERMS"})


def fold_refusals(findings: Sequence[Finding]) -> list[Finding]:
    """Findings of one text with the unfair-term reading of a return refusal folded into the return finding."""
    unfair = [f for f in findings if f.category == "unfair_terms"]
    returns = [f for f in findings if f.category == "return_policy"]
    if not unfair or not returns or any(f.rule_id not in _REFUSAL_ONLY for f in unfair):
        return list(findings)
    keep = max(returns, key=lambda f: (_RANK.get(f.severity, 0), f.confidence, f.source == "rule"))
    law = tuple(dict.fromkeys([*keep.law, *(x for f in unfair for x in f.law)]))
    also = tuple(dict.fromkeys([*keep.also, *((f.rule_id, f.category, f.article) for f in unfair)]))
    folded = replace(keep, article=_articles(keep.article, *(f.article for f in unfair)), law=law, also=also)
    return [folded if f is keep else f for f in findings if f.category != "unfair_terms"]
