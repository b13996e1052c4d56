"""Which text rules can fire on a text at all, from the one Aho-Corasick pass (speed, not judgement).

A text rule listed here only ever reports (or exempts) around candidates of the lexicons named, so the
engine does not call its check on a text where none of them occurred: most fragments hold candidates of
a few lexicons, and ~48 checks per text cost more than the one scan. An entry is ``"lexicon"`` (any
candidate of it) or ``"lexicon:tag"`` (a candidate with that tag; ``anchors:window`` is what
:func:`analyzers.rules.common.anchored` reads for ``"window"``). A rule not listed runs on every text
(its check reads the text with its own patterns). ``tests/analyzers/test_triggers.py`` runs every listed
check on the corpora and the examples where its triggers are absent and requires it to find nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

TRIGGERS: Mapping[str, tuple[str, ...]] = {
    # advertising.py
    "AD-ABSOLUTE-TERM": ("absolute_terms", "anchors:nonebetter"),
    "AD-HEALTH-FOOD-NO-WARNING": ("health_food",),
    "AD-FAKE-CERTIFICATION": ("fake_certification", "anchors:patent"),
    "AD-FAKE-SALES": ("fake_sales", "anchors:review", "anchors:madeup"),
    # terms.py
    "UNF-FINAL-INTERPRETATION": ("unfair_terms:interp", "unfair_terms:explain"),
    "UNF-LIABILITY-EXCLUSION": ("unfair_terms:liability",),
    "UNF-NO-RETURN-EXCHANGE": ("unfair_terms:noreturn", "unfair_terms:norefund"),
    "UNF-CONTRACT-NOT-FORMED": ("unfair_terms:contract",),
    "RET-NO-SEVEN-DAY": ("return_denial", "anchors:noreason"),
    "RET-BLANKET-NO-RETURN": ("unfair_terms:noreturn", "unfair_terms:blanket"),
    # refunds.py
    "RET-UNSEALED-REFUSED": ("anchors:unsealed",),
    "RET-SHORT-WINDOW": ("anchors:window",),
    "RET-REFUND-DEDUCTION": ("anchors:deduct",),
    "UNF-RETURN-PENALTY": ("anchors:deduct",),
    "RET-REFUND-NOT-ORIGINAL": ("anchors:credit",),
    "UNF-REFUND-AS-CREDIT": ("anchors:credit",),
    "UNF-PREPAID-FORFEIT": ("anchors:prepaid",),
    "UNF-REMEDIES-BARRED": ("anchors:remedy", "anchors:window"),
    "UNF-AT-WILL-CHANGE": ("anchors:atwill",),
    "UNF-CONTRACT-NOT-FORMED-PAID": ("anchors:notformed",),
    # goods.py
    "CF-BORROWED-LABEL": ("brands",),
    "TM-BORROWED-LABEL": ("brands",),
    "TM-WELL-KNOWN-MARK": ("trademark",),
    "MLM-STATUTORY-ELEMENTS": ("pyramid:recruit", "pyramid:fee", "pyramid:team",
                               "anchors:recruit", "anchors:fee", "anchors:team"),
    "MLM-EXPLICIT-NAME": ("pyramid:explicit",),
    # marks.py
    "TM-CERT-MARK-UNFOUNDED": ("cert_marks", "gi_regions"),
    "AD-GI-FALSE-ORIGIN": ("cert_marks",),
    "TM-GI-ORIGIN-MISMATCH": ("gi_regions", "anchors:origin"),
    "TM-FALSE-REGISTERED": ("anchors:registered",),
    "TM-BORROWED-REPUTATION": ("brands",),
    "CF-SAME-FACTORY": ("brands",),
    # state.py
    "GOV-FAKE-STATE-BODY": ("anchors:statebody",),
    "AD-FAKE-STATE-BODY": ("anchors:statebody",),
    "GOV-FAKE-SUBSIDY": ("anchors:subsidy",),
    "AD-FAKE-SUBSIDY": ("anchors:subsidy",),
}
