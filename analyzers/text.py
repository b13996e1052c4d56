"""An analysed text: normalised once, candidates found once, context computed lazily around them.

Every text rule receives the same :class:`TextDoc`. Offsets in hits are offsets of the normalised
text; the engine maps them back to the original (``TextDoc.norm.span``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import cached_property

from analyzers import nlp
from analyzers.lexicons import Candidate, scanner, terms
from analyzers.normalise import Normalised, normalise

# Every lexicon that text rules read; one automaton scans them all.
TEXT_LEXICONS: tuple[str, ...] = (
    "absolute_terms", "absolute_exempt", "negation", "compliance_markers", "aspiration",
    "self_comparison", "factual_source", "medical_claims", "medical_context", "health_food",
    "efficacy_guarantee", "fake_certification", "fake_sales", "unfair_terms", "return_denial",
    "return_exempt", "counterfeit", "counterfeit_exempt", "pyramid", "gov_bodies", "gov_endorse",
    "trademark", "prohibited", "prohibited_exempt", "gov_body_exempt", "medical_exempt", "cert_marks", "anchors",
    "brands", "gi_regions", "wildlife", "diseases", "drugs",
)
# Lexicons only used as context: they never start a context analysis by themselves.
CONTEXT_ONLY = frozenset({"negation", "compliance_markers", "aspiration", "self_comparison",
                          "factual_source", "medical_context", "return_exempt", "gov_endorse", "gov_body_exempt", "prohibited_exempt",
                          "counterfeit_exempt", "absolute_exempt", "medical_exempt", "anchors",
                          "brands", "gi_regions", "wildlife", "diseases"})

CLAUSE_END = frozenset(",;!?:。\n")
SENTENCE_END = frozenset("。!?;\n")
_CLAUSE_RE = re.compile("[,;!?:。\n]")
_SENTENCE_RE = re.compile("[。!?;\n]")
_OPEN = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
_LAW_ARTICLE = re.compile(r"第[一二三四五六七八九十百零0-9]+条")
_NEG_PREFIX = frozenset("不没未别勿")
# words that start with a negation character but do not negate what follows
_NOT_NEGATION = frozenset({"不仅", "不但", "不管", "不论", "不少", "不错", "不断", "不过", "不久", "不同", "不锈钢",
                           "不粘", "不粘锅", "不如", "不止", "不光", "不单", "没想到", "未来", "别人", "别的", "别致",
                           "不可思议", "不二", "不二之选", "勿忘"})
# Verbs of refusal or warning whose scope runs over a whole list in their clause
# (本店不销售高仿、A货…; 谨防冒用我司名义销售高仿; 概不接受刷单、好评返现合作).
_SCOPE_NEG = re.compile(r"不销售|不出售|不卖|不售|不经营|不做|概不接受|不接受|不支持|不允许|不参与|不搞|拒绝|杜绝|抵制|谨防|警惕|严禁"
                        r"|禁止|冒用|假冒我|谨慎|举报|打击"
                        # the goods said not to be of that kind (不是那种能打钢珠的仿真枪)
                        r"|不是那种|并非那种|不是什么")
_UNRELATED = re.compile(r"[^,。;!?，；！？]{0,2}?(?:没关系|没有关系|没有任何关系|无关|毫无关系)")
_ALSO_NOT = ("也不", "亦不", "更不", "也绝不")
_SCOPE_BREAK = re.compile(r"但|但是|而是|只|仅|本店(?:有|提供|出售|销售)")
_HONOURS_AFTER = ("等称号", "等荣誉", "等奖项", "等殊荣", "等多项", "等大奖")  # the shop's own titles listed, not words talked of
_LISTING_AFTER = ("等", "之类", "一词", "字样", "这类", "这样", "字眼", "用语", "词")


def _negation_first() -> frozenset[str]:
    return frozenset(_NEG_PREFIX | {t[0] for t in terms("negation")})


_NEG_FIRST = _negation_first()


class TextDoc:
    """Normalised text, candidates by lexicon, and context helpers around a span."""

    def __init__(self, text: str) -> None:
        self.norm: Normalised = normalise(text)
        self.text: str = self.norm.text
        self.cands: dict[str, list[Candidate]] = scanner(TEXT_LEXICONS).scan(self.text)
        self._start_cache: dict[str, list[int]] = {}
        self._tag_cache: dict[str, dict[str, list[Candidate]]] = {}
        # spans a rule looked at and judged lawful, by category (the model does not overrule a rule's exemption)
        self.exempted: list[tuple[str, int, int]] = []
        self._found: frozenset[str] | None = None
        self._clauses: list[int] | None = None
        self._sentences: list[int] | None = None

    def exempt(self, category: str, start: int, end: int) -> None:
        """Record that a rule judged [start, end) lawful for ``category`` (usage advice, a toy, a register)."""
        self.exempted.append((category, start, end))

    # ---- candidates -------------------------------------------------------------------------
    def get(self, lexicon: str, tag: str | None = None) -> list[Candidate]:
        found = self.cands.get(lexicon, [])
        if tag is None or not found:
            return found
        by_tag = self._tag_cache.get(lexicon)
        if by_tag is None:  # one pass buckets every tag of the lexicon (anchors has ~20 tags)
            by_tag = self._tag_cache[lexicon] = {}
            for c in found:
                by_tag.setdefault(c.entry.tag, []).append(c)
        return by_tag.get(tag, [])

    def has(self, lexicon: str, start: int, end: int, tag: str | None = None) -> bool:
        """Does a candidate of ``lexicon`` lie within [start, end)?"""
        found = self.cands.get(lexicon)
        if not found:
            return False
        starts = self._starts_of(lexicon)
        k = bisect_left(starts, start)
        while k < len(found) and found[k].start < end:
            c = found[k]
            if c.end <= end and (tag is None or c.tag == tag):
                return True
            k += 1
        return False

    def within(self, lexicon: str, start: int, end: int) -> list[Candidate]:
        """Candidates of ``lexicon`` lying within [start, end)."""
        found = self.cands.get(lexicon)
        if not found:
            return []
        starts = self._starts_of(lexicon)
        out = []
        k = bisect_left(starts, start)
        while k < len(found) and found[k].start < end:
            if found[k].end <= end:
                out.append(found[k])
            k += 1
        return out

    def _starts_of(self, lexicon: str) -> list[int]:
        cache = self._start_cache
        if lexicon not in cache:
            cache[lexicon] = [c.start for c in self.cands[lexicon]]
        return cache[lexicon]

    def covered(self, c: Candidate, *exempt: str) -> bool:
        """Is ``c`` part of a longer exempt phrase (最好 in 最好不要)?"""
        for lex in exempt:
            for e in self.get(lex):
                if e.start <= c.start and c.end <= e.end and (e.end - e.start) > (c.end - c.start):
                    return True
        return False

    @property
    def found(self) -> frozenset[str]:
        """Lexicons with candidates here, by name and as ``name:tag`` (what rule triggers name)."""
        if self._found is None:
            keys = set(self.cands)
            for name, found in self.cands.items():
                keys.update([name + ":" + tag for tag in {c.entry.tag for c in found}])
            self._found = frozenset(keys)
        return self._found

    @property
    def interesting(self) -> bool:
        return any(k not in CONTEXT_ONLY for k in self.cands)

    # ---- boundaries -------------------------------------------------------------------------
    # (plain attributes, not functools.cached_property: its lock costs more than the list on short texts)
    @property
    def _clause_stops(self) -> list[int]:
        if self._clauses is None:
            self._clauses = [m.start() for m in _CLAUSE_RE.finditer(self.text)]
        return self._clauses

    @property
    def _sentence_stops(self) -> list[int]:
        if self._sentences is None:
            self._sentences = [m.start() for m in _SENTENCE_RE.finditer(self.text)]
        return self._sentences

    def _bounds(self, start: int, end: int, stops: list[int], limit: int) -> tuple[int, int]:
        """[s, e) around the span up to the nearest stop characters (at most ``limit`` away)."""
        k = bisect_left(stops, start)
        s = stops[k - 1] + 1 if k > 0 else 0
        k2 = bisect_left(stops, end)
        e = stops[k2] if k2 < len(stops) else len(self.text)
        return max(s, start - limit), min(e, end + limit)

    def clause(self, start: int, end: int | None = None) -> tuple[int, int]:
        return self._bounds(start, start if end is None else end, self._clause_stops, 60)

    def sentence(self, start: int, end: int | None = None) -> tuple[int, int]:
        return self._bounds(start, start if end is None else end, self._sentence_stops, 150)

    # ---- context ----------------------------------------------------------------------------
    def negated(self, c: Candidate | tuple[int, int], window: int = 4) -> bool:
        """A negation token among the last ``window`` tokens before the span, in its clause, or 没关系/无关 right
        after it."""
        start, end = c if isinstance(c, tuple) else (c.start, c.end)
        if _UNRELATED.match(self.text, end):
            return True  # 跟烟花爆竹没关系: the word is named to say the goods have nothing to do with it
        cs, _ = self.clause(start)
        before = self.text[cs:start]
        if not before:
            return False
        # a token can only negate if it starts with one of these characters: without any of them in the
        # clause there is nothing to segment (the same answer, without jieba)
        if not _NEG_FIRST.isdisjoint(before):
            toks = nlp.tokens(before)[-window:]
            neg = terms("negation")
            if any(tok in neg or (tok[0] in _NEG_PREFIX and tok not in _NOT_NEGATION) for _, _, tok in toks):
                return True
        return self.list_negated(start, cs)

    def list_negated(self, start: int, cs: int) -> bool:
        """A refusal or warning verb earlier in the clause ``cs``..``start``, or in the clause before one that
        opens with 也不/亦不 (本店不销售高仿、A货，也不卖所谓的原单), with no 但/只 between."""
        t = self.text
        last = [m.end() for m in _SCOPE_NEG.finditer(t, max(cs, start - 40), start)]
        if not last and t.startswith(_ALSO_NOT, cs):
            ss, _ = self.sentence(start)
            lo = max(ss, start - 40)
            if cs > lo:
                last = [m.end() for m in _SCOPE_NEG.finditer(t, lo, cs)]
        if not last:
            return False
        return _SCOPE_BREAK.search(t, last[-1], start) is None

    def enclosed(self, c: Candidate | tuple[int, int]) -> bool:
        """The span is exactly a quoted word (“特价不退”, "高仿"): a quote mark right before and right after it."""
        s, e = c if isinstance(c, tuple) else (c.start, c.end)
        t = self.text
        return 0 < s and e < len(t) and t[s - 1] in "“\"‘「'" and t[e] in "”\"’」'"

    def quoted(self, c: Candidate | tuple[int, int]) -> bool:
        """Quoted as a word (“最佳”等用语) or inside a title 《…》."""
        cs_, ce_ = c if isinstance(c, tuple) else (c.start, c.end)
        ss, se = self.sentence(cs_, ce_)
        t = self.text
        stack: list[str] = []
        ascii_open = False
        for ch in t[ss:cs_]:
            if ch in _OPEN:
                stack.append(_OPEN[ch])
            elif stack and ch == stack[-1]:
                stack.pop()
            elif ch == '"':
                ascii_open = not ascii_open
        if not stack and not ascii_open:
            return False
        close = stack[-1] if stack else '"'
        j = t.find(close, ce_, se)
        if j < 0:
            return False
        if close == "》":
            return True
        # a list of quoted words (“全网最低”“销量第一”等用语): past the other items to the word that closes the list
        k = j + 1
        for _ in range(8):
            if k < se and t[k] in "、,，和及与或" and k + 1 < se and t[k + 1] in _OPEN:
                k += 1
            item_close = (_OPEN.get(t[k]) or ('"' if t[k] == '"' else "")) if k < se else ""
            nxt = t.find(item_close, k + 1, se) if item_close else -1
            if nxt < 0:
                break
            k = nxt + 1
        after = t[k:k + 4]
        if after.startswith(_LISTING_AFTER) and not after.startswith(_HONOURS_AFTER):
            return True
        return self.negated((cs_, ce_), window=8) or self.compliance((cs_, ce_))

    def compliance(self, c: Candidate | tuple[int, int]) -> bool:
        """The sentence is a compliance notice or cites the law."""
        s, e = (c if isinstance(c, tuple) else (c.start, c.end))
        ss, se = self.sentence(s, e)
        return self.has("compliance_markers", ss, se) or bool(_LAW_ARTICLE.search(self.text, ss, se))

    def before(self, lexicon: str, c: Candidate, scope: str = "clause") -> bool:
        s, _ = self.clause(c.start) if scope == "clause" else self.sentence(c.start)
        return self.has(lexicon, s, c.start)

    def in_sentence(self, lexicon: str, c: Candidate, tag: str | None = None) -> bool:
        s, e = self.sentence(c.start, c.end)
        return self.has(lexicon, s, e, tag)

    def anywhere(self, lexicon: str, tag: str | None = None) -> bool:
        return bool(self.get(lexicon, tag))

    def plain(self, c: Candidate) -> bool:
        """Not negated, not quoted as a word, not inside a compliance notice."""
        return not (self.negated(c) or self.quoted(c) or self.compliance(c))

    # ---- output -----------------------------------------------------------------------------
    def excerpt(self, start: int, end: int, width: int = 50) -> str:
        """The sentence around a normalised span, quoted from the original text."""
        ss, se = self.sentence(start, end)
        ss = max(ss, start - width)
        se = min(se, end + width)
        a, b = self.norm.span(ss, se)
        return self.norm.original[a:b].strip()

    @cached_property
    def line_starts(self) -> list[int]:
        return [0] + [i + 1 for i, ch in enumerate(self.norm.original) if ch == "\n"]

    def line_of(self, original_offset: int) -> int:
        return bisect_right(self.line_starts, original_offset) - 1


def first_plain(doc: TextDoc, cands: Iterable[Candidate], *exempt: str) -> Sequence[Candidate]:
    """Candidates that are not exempt, negated, quoted or in a compliance notice."""
    return [c for c in cands if not doc.covered(c, *exempt) and doc.plain(c)]
