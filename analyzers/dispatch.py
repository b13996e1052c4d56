"""Which text rules run on a text, and who speaks where they hit: the engine's per-text bookkeeping.

A text rule runs on a page kind it judges and, if it has triggers (:mod:`analyzers.rules.triggers`), only
on text where one of them occurred; the voice of a hit's sentence is computed once per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

from analyzers.rules import RULES, TRIGGERS, Rule
from analyzers.text import TextDoc
from analyzers.understand import mentioned, page_voice, voice

__all__ = ["NO_OPTIONS", "Voices", "active_rules", "text_plan"]

NO_OPTIONS: dict[str, Any] = {}  # shared by every rule without options (checks only read their options)
_TRIGGERS = {rid: frozenset(needs) for rid, needs in TRIGGERS.items()}
Plan = tuple[tuple[Rule, dict[str, Any] | None, frozenset[str]], ...]


@lru_cache(maxsize=64)
def active_rules(disabled: frozenset[str], scope: str) -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.scope == scope and r.id not in disabled)


@lru_cache(maxsize=64)
def text_plan(disabled: frozenset[str], kind: str, use_voice: bool) -> Plan:
    """The text rules to run on a page of ``kind``, each with its options (``None``: the rule has options, to
    be copied for each call) and its triggers (empty: run on every text)."""
    return tuple((r, None if r.options else NO_OPTIONS, _TRIGGERS.get(r.id, frozenset()))
                 for r in active_rules(disabled, "text") if not (use_voice and not r.judges(kind, "")))


_NEWLINE = re.compile("\n")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[.、]|第[一二三四五六七八九十\d]+[条章节部分])")
_STOPS = frozenset("。;!?；！？")
_SENTENCE_END = re.compile("[" + "".join(sorted(_STOPS)) + "]")


class Voices:
    """The voice of the sentence around a hit, in the context of its block (computed once per sentence)."""

    def __init__(self, doc: TextDoc, kind: str, heading: str = "") -> None:
        self.doc, self.kind = doc, kind
        self.page = page_voice(heading, kind) if heading else None
        self._cache: dict[tuple[int, int], str] = {}
        self._blocks: dict[int, str] = {}
        self._stops = [m.start() for m in _NEWLINE.finditer(doc.text)]

    def _block(self, start: int) -> tuple[int, int]:
        k = bisect_right(self._stops, start)
        s = self._stops[k - 1] + 1 if k > 0 else 0
        e = self._stops[k] if k < len(self._stops) else len(self.doc.text)
        return s, e

    def _section(self, bs: int) -> str:
        """On a policy page, the heading of the section a block sits in (三、禁售商品目录 over its list items): the
        nearest earlier short block that reads as a heading, at most 12 blocks back; "" if none."""
        k = bisect_right(self._stops, bs - 1)
        for _ in range(12):
            if k <= 0:
                return ""
            k -= 1
            s = self._stops[k - 1] + 1 if k > 0 else 0
            t = self.doc.text[s:self._stops[k]].strip()
            if t and len(t) <= 24 and (_NUMBERED.match(t) or not _SENTENCE_END.search(t)):
                return t
        return ""

    def in_section(self, bs: int, block: str) -> str:
        """``block`` (normalised, starting at ``bs``) with its section's heading before it on a policy page (a list
        under 禁售商品目录 is the platform's list, item by item), else as it is."""
        head = self._section(bs) if self.kind == "policy" else ""
        return head + "\n" + block if head else block

    def block_start(self, original_start: int) -> int:
        """Where the block that starts at ``original_start`` of the original text starts in the normalised text."""
        lo, hi = 0, len(self.doc.text)
        while lo < hi:  # the first normalised offset at or after it (to_original is monotonic)
            mid = (lo + hi) // 2
            if self.doc.norm.to_original(mid) < original_start:
                lo = mid + 1
            else:
                hi = mid
        return self._block(lo)[0]

    def at(self, start: int, end: int) -> str:
        ss, se = self.doc.sentence(start, end)
        got = self._cache.get((ss, se))
        if got is None:
            bs, be = self._block(start)
            context = self.in_section(bs, self.doc.text[bs:be])
            text = self.doc.text
            stop = se + 1 if se < len(text) and text[se] in _STOPS else se  # with its 。 or ？ (a question ends in ?)
            got = self._cache[(ss, se)] = voice(text[ss:stop], context=context, kind=self.kind, page=self.page)
        if got in ("offer", "compliance") and mentioned(self.doc.text[ss:se], start - ss, end - ss):
            return "mention"  # the hit's words are quoted to be talked about (含“高仿”等字样, “…”有没有效？)
        return got
