"""The rule catalogue: one explicit tuple of rules, checked at import (start-up).

A duplicate id, a missing field, an unknown category or severity, a check that is not callable, or a
rule without bad and good examples raises :class:`errors.RuleRegistryError` — never "log and carry on".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from analyzers.lexicons import lexicon
from analyzers.model import CATEGORIES, SEVERITIES
from analyzers.rules import (
    advertising,
    code,
    disclosure,
    goods,
    gov,
    licence,
    listing,
    lookalike,
    marks,
    privacy,
    refunds,
    scripted,
    state,
    terms,
)
from analyzers.rules.base import Hit, Rule, Site, SiteExample
from analyzers.rules.triggers import TRIGGERS
from analyzers.text import TEXT_LEXICONS
from analyzers.understand import PAGE_KINDS, VOICES
from errors import RuleRegistryError

__all__ = ["RULES", "BY_ID", "Rule", "Hit", "Site", "SiteExample", "validate", "get", "EXCLUDED_CATEGORIES",
           "TRIGGERS", "validate_triggers"]

EXCLUDED_CATEGORIES = frozenset({"design_copying"})  # needs other sites' pages: not a per-site rule
_ID = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)+$")
_REQUIRED = ("id", "category", "article", "law", "severity", "explanation", "scope", "what", "why", "references")


def validate(rules: Iterable[Rule]) -> dict[str, Rule]:
    """Check every declaration; return id (and old ids) -> rule."""
    by_id: dict[str, Rule] = {}
    for r in rules:
        where = f"rule {getattr(r, 'id', '?')!r}"
        for name in _REQUIRED:
            if not getattr(r, name, None):
                raise RuleRegistryError(f"{where}: missing field {name!r}")
        if not _ID.match(r.id):
            raise RuleRegistryError(f"{where}: id must look like FAMILY-NAME (upper case)")
        if r.category not in CATEGORIES:
            raise RuleRegistryError(f"{where}: unknown category {r.category!r} (see analyzers.model.CATEGORIES)")
        if r.severity not in SEVERITIES:
            raise RuleRegistryError(f"{where}: unknown severity {r.severity!r}")
        if r.scope not in ("text", "page", "site"):
            raise RuleRegistryError(f"{where}: unknown scope {r.scope!r}")
        if not callable(r.check):
            raise RuleRegistryError(f"{where}: check is not callable")
        if not r.bad or not r.good:
            raise RuleRegistryError(f"{where}: needs at least one bad and one good example")
        if r.scope == "text" and not all(isinstance(x, str) for x in (*r.bad, *r.good)):
            raise RuleRegistryError(f"{where}: text rules take text examples")
        if not isinstance(r.law, tuple) or not all(isinstance(x, str) and x for x in r.law):
            raise RuleRegistryError(f"{where}: law must be a tuple of citations")
        bad_kinds = sorted(set(r.page_kinds or ()) - PAGE_KINDS)
        if bad_kinds:
            raise RuleRegistryError(f"{where}: unknown page kind(s) {bad_kinds} (see analyzers.understand.PAGE_KINDS)")
        bad_voices = sorted(set(r.voices or ()) - VOICES)
        if bad_voices:
            raise RuleRegistryError(f"{where}: unknown voice(s) {bad_voices} (see analyzers.understand.VOICES)")
        for name in r.lexicons:
            try:
                lexicon(name)
            except RuleRegistryError as exc:
                raise RuleRegistryError(f"{where}: declares lexicon {name!r}: {exc}") from None
            if r.scope == "text" and name not in TEXT_LEXICONS:
                raise RuleRegistryError(f"{where}: lexicon {name!r} is not scanned for text rules "
                                        "(add it to analyzers.text.TEXT_LEXICONS)")
        for key in (r.id, *r.old_ids):
            if key in by_id:
                raise RuleRegistryError(f"{where}: duplicate rule id {key!r}")
            by_id[key] = r
    return by_id


RULES: tuple[Rule, ...] = (
    *advertising.RULES,
    *terms.RULES,
    *refunds.RULES,
    *goods.RULES,
    *marks.RULES,
    *lookalike.RULES,
    *listing.RULES,
    *gov.RULES,
    *state.RULES,
    *licence.RULES,
    *disclosure.RULES,
    *privacy.RULES,
    *code.RULES,
    *scripted.RULES,
)
BY_ID = validate(RULES)
for _r in RULES:
    for _other in _r.fires_with:
        if _other not in BY_ID:
            raise RuleRegistryError(f"rule {_r.id!r}: fires_with names unknown rule {_other!r}")


def validate_triggers(triggers: Mapping[str, tuple[str, ...]], by_id: Mapping[str, Rule]) -> None:
    """Each entry of :data:`analyzers.rules.triggers.TRIGGERS` names a text rule by its id and lexicons
    the text scan finds (``lexicon`` or ``lexicon:tag``)."""
    for rid, needs in triggers.items():
        rule = by_id.get(rid)
        if rule is None or rule.id != rid:
            raise RuleRegistryError(f"triggers: {rid!r} is not the id of a rule")
        if rule.scope != "text":
            raise RuleRegistryError(f"triggers: {rid!r} is a {rule.scope} rule (only text rules have triggers)")
        if not needs:
            raise RuleRegistryError(f"triggers: {rid!r} lists no trigger (leave it out to run it on every text)")
        for need in needs:
            name, _, tag = need.partition(":")
            if name not in TEXT_LEXICONS or (":" in need and not tag):
                raise RuleRegistryError(f"triggers: {rid!r}: {need!r} is not a lexicon[:tag] the text scan finds")


validate_triggers(TRIGGERS, BY_ID)


def get(rule_id: str) -> Rule:
    try:
        return BY_ID[rule_id]
    except KeyError:
        raise RuleRegistryError(f"no rule with id {rule_id!r}") from None
