"""Chinese text normalisation with a map back to the original offsets.

Pipeline (DESIGN.md, "Chinese text"):

1. per character: NFKC (full-width to half-width, circled and full-width digits, compatibility
   ideographs), zero-width and invisible characters removed;
2. traditional to simplified (a character table built from OpenCC's ``t2s`` dictionary),
   homoglyphs (Cyrillic/Greek look-alikes, variant ideographs) and ASCII lower case;
3. spacing tricks: separators between two Han characters (``最 佳``, ``最-佳``, ``最*佳``, ``原 🌊 单``),
   spaces between a Han character and a letter or digit, and spaces between single Latin letters
   (``g u c c i``) are dropped;
   a capitalised Latin word with a small l, a 0 or a 1 standing in for a capital (``GUCCl``, ``R0LEX``) is read
   as the capitals it imitates.

Steps that keep the length are done with ``str.translate``; only the places that change the length
are recorded, so :meth:`Normalised.to_original` maps any offset of the normalised text back to the
text as the page shows it (excerpts quote the page, not our normalisation).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Normalised", "normalise", "normalise_term", "HAN"]

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

ZERO_WIDTH = "\ufe0e\ufe0f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f" \
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"

# Look-alikes used to dodge keyword filters. Latin look-alikes map to ASCII (then lower case).
HOMOGLYPHS = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
    "І": "I", "і": "i", "Ј": "J", "ј": "j", "Ѕ": "S", "ѕ": "s",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "ο": "o", "α": "a",
    # variant and look-alike ideographs
    "囯": "国", "圀": "国", "囻": "国", "冣": "最", "㝡": "最", "朂": "最", "寀": "最",
    "倣": "仿", "〇": "0", "ㄧ": "一", "丨": "|", "亻": "人", "乄": "x",
    # dashes and quotes that NFKC keeps
    "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "～": "~", "〜": "~",
    "・": "·", "•": "·", "∙": "·", "●": "·",
}

# Between two Han characters, a short run of these is a trick (最 佳, 最-佳, 最*佳, 最.佳, 原 🌊 单, 高★仿):
# ASCII separators, and symbols and emoji (arrows, shapes, dingbats, pictographs, variation selectors).
_SEP = (r"[ \t\u00a0\-\*_·\.~|/\\+#=^`\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u3000\ufe0f"
        r"\U0001f000-\U0001faff]")
_SPACING = re.compile(
    rf"(?<=[{HAN}]){_SEP}{{1,4}}(?=[{HAN}])"
    rf"|(?<=[{HAN}])[ \t]{{1,2}}(?=[a-z0-9])"
    rf"|(?<=[a-z0-9])[ \t]{{1,2}}(?=[{HAN}])"
    # letter-spaced Latin (y e w e i, g u c c i): single letters one space apart
    r"|(?<=(?<![a-z])[a-z]) (?=[a-z](?![a-z]))"
)

_SEP_ANY = re.compile(_SEP)


def _opencc_table() -> dict[str, str]:
    """Traditional -> simplified for single characters, from OpenCC's own t2s dictionary."""
    table: dict[str, str] = {}
    try:
        text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - opencc is a dependency
        return table
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                table[parts[0]] = target
    return table


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str], dict[str, str]]:
    """(1:1 translate table, pattern of characters whose mapping changes length, their mapping)."""
    t2s = _opencc_table()
    one: dict[int, str] = {}
    multi: dict[str, str] = {}
    zero = set(ZERO_WIDTH)

    def finish(s: str) -> str:
        out = []
        for ch in s:
            ch = t2s.get(ch, ch)
            ch = HOMOGLYPHS.get(ch, ch)
            out.append(ch.lower() if ch.isascii() else ch)
        return "".join(out)

    extra = [ord(c) for c in t2s if ord(c) >= 0x10000]
    for cp in [*range(0x10000), *extra]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch in zero:
            multi[ch] = ""
            continue
        nf = unicodedata.normalize("NFKC", ch)
        mapped = finish(nf)
        if len(mapped) == 1:
            if mapped != ch:
                one[cp] = mapped
        else:
            multi[ch] = mapped
    # pinyin with its tone marks (mí yào, bù tuì) read without them, as the phrases' readings are written
    for marked, plain in (("āáǎà", "a"), ("ēéěè", "e"), ("īíǐì", "i"), ("ōóǒò", "o"), ("ūúǔù", "u"), ("ǖǘǚǜü", "v")):
        for ch in marked:
            one[ord(ch)] = plain
            one[ord(ch.upper())] = plain
    # squared, negative circled and negative squared Latin letters (🄰, 🅐, 🅰️货 = A货) read as the letter; not O,
    # which decorates like a circle (迪🅾️奥 keeps 🅾️ a separator between two Han characters)
    for base in (0x1F130, 0x1F150, 0x1F170):
        for i in range(26):
            if i != ord("o") - ord("a"):
                one[base + i] = chr(ord("a") + i)
    # Keep the pattern small: only characters that realistically occur (BMP).
    chars = "".join(re.escape(c) for c in sorted(multi) if ord(c) < 0x10000)
    pattern = re.compile(f"[{chars}]+") if chars else re.compile(r"(?!x)x")
    return one, pattern, multi


@dataclass(frozen=True, slots=True)
class _Segments:
    """Piecewise map from one text to another: (dst_start, src_start, dst_len, src_len) rows."""

    dst: tuple[int, ...]
    src: tuple[int, ...]
    dlen: tuple[int, ...]
    slen: tuple[int, ...]

    def map(self, i: int) -> int:
        """Source offset of the character at ``i`` (start of a replaced run)."""
        if not self.dst:
            return i
        k = bisect_right(self.dst, i) - 1
        if k < 0:
            return i
        d, s, dl, sl = self.dst[k], self.src[k], self.dlen[k], self.slen[k]
        off = i - d
        if dl == sl:
            return s + off
        if off >= dl:  # past a replaced run: continue 1:1 after it
            return s + sl + (off - dl)
        return s

    def map_end(self, i: int) -> int:
        """Source offset just after the character at ``i - 1`` (end of a span)."""
        if not self.dst or i <= 0:
            return i
        k = bisect_right(self.dst, i - 1) - 1
        if k < 0:
            return i
        d, s, dl, sl = self.dst[k], self.src[k], self.dlen[k], self.slen[k]
        off = i - 1 - d
        if dl == sl:
            return s + off + 1
        if off >= dl:
            return s + sl + (off - dl) + 1
        return s + sl


_NO_SEGMENTS = _Segments((), (), (), ())


def _rewrite(text: str, pattern: re.Pattern[str], repl) -> tuple[str, _Segments]:  # type: ignore[no-untyped-def]
    """Apply ``repl(match) -> str`` to every match of ``pattern`` and record the changed runs."""
    out: list[str] = []
    dst: list[int] = []
    src: list[int] = []
    dlen: list[int] = []
    slen: list[int] = []
    pos = 0
    n = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        if a > pos:
            out.append(text[pos:a])
            dst.append(n)
            src.append(pos)
            dlen.append(a - pos)
            slen.append(a - pos)
            n += a - pos
        r = repl(m)
        out.append(r)
        dst.append(n)
        src.append(a)
        dlen.append(len(r))
        slen.append(b - a)
        n += len(r)
        pos = b
    if not dst:
        return text, _NO_SEGMENTS
    if pos < len(text):
        out.append(text[pos:])
        dst.append(n)
        src.append(pos)
        dlen.append(len(text) - pos)
        slen.append(len(text) - pos)
    return "".join(out), _Segments(tuple(dst), tuple(src), tuple(dlen), tuple(slen))


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus the way back to the original."""

    original: str
    text: str
    _stage1: _Segments
    _stage2: _Segments
    _stage3: _Segments = _NO_SEGMENTS  # (pinyin folded back into stock phrases)

    def to_original(self, i: int) -> int:
        """Offset in the original text of offset ``i`` of the normalised text."""
        k = self._stage1.map(self._stage2.map(self._stage3.map(i)))
        return max(0, min(k, len(self.original)))

    def to_original_end(self, i: int) -> int:
        """Original offset just after normalised character ``i - 1``."""
        k = self._stage1.map_end(self._stage2.map_end(self._stage3.map_end(i)))
        return max(0, min(k, len(self.original)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of a normalised span."""
        a = self.to_original(start)
        b = self.to_original_end(end) if end > start else a
        return a, max(a, b)

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching; see the module docstring. Short texts (fragments, sentences)
    are memoised: the model and the rules normalise the same line."""
    return _normalise_short(text) if len(text) <= _MEMO_LEN else _normalise(text)


_MEMO_LEN = 2000


@lru_cache(maxsize=4096)
def _normalise_short(text: str) -> Normalised:
    return _normalise(text)


# a capitalised Latin word with a look-alike inside (GUCCl with a small L, R0LEX with a zero, GUCC1): at least three
# capitals, 4-12 characters, nothing else but small l, 0 and 1; read as the capitals it imitates (same length).
# Not a number after letters (RMB100, USB10, RMB1): no two digits together, and a last digit only after four letters.
_LOOKALIKE_CAPS = re.compile(r"(?<![A-Za-z0-9])(?=(?:[A-Z0-9l]*[A-Z]){3})(?=[A-Z]*[l01])(?![A-Z0-9l]*[01]{2})"
                             r"(?:[A-Z0-9l]{3,11}[A-Zl]|[A-Z0-9l]*[A-Zl]{4}[01])(?![A-Za-z0-9])")
_CAPS_OF = str.maketrans({"l": "I", "1": "I", "0": "O"})


def _normalise(text: str) -> Normalised:
    one, expand, multi = _tables()
    t1, seg1 = _rewrite(text, expand, lambda m: "".join(multi[c] for c in m.group()))
    if _LOOKALIKE_CAPS.search(t1) is not None:
        t1 = _LOOKALIKE_CAPS.sub(lambda m: m.group().translate(_CAPS_OF), t1)
    t2 = t1.translate(one)
    if _SEP_ANY.search(t2) is None:  # every spacing trick holds one of these characters: nothing to drop
        t3, seg2 = t2, _NO_SEGMENTS
    else:
        t3, seg2 = _rewrite(t2, _SPACING, lambda m: "")
    t4, seg3 = _fold_pinyin(t3)
    return Normalised(text, t4, seg1, seg2, seg3)


# ---- stage 3: pinyin written for some characters of a stock phrase (最zhong解释权, qi天无li由) -------------
_MIXED = re.compile(rf"[{HAN}] ?[a-z]|[a-z] ?[{HAN}]")
_LATIN_WORD = re.compile(r"[a-z]+")
_SPELT_APART = re.compile(r"(?<![a-z])[a-z]{1,6} [a-z]{1,6} [a-z]{1,6}(?![a-z])")


@lru_cache(maxsize=1)
def _pinyin_phrases() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    """(pattern of the phrases with each character as itself or a pinyin reading, reading-key -> phrase, the
    syllables used)."""
    from pypinyin import Style, pinyin  # a dependency already (analyzers/rules/lookalike.py)

    raw = resources.files("analyzers").joinpath("data/pinyin_phrases.txt").read_text("utf-8")
    phrases = sorted({ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")},
                     key=len, reverse=True)
    syllables: set[str] = set()
    alts: list[str] = []
    for phrase in phrases:
        parts = []
        for ch in phrase:
            reads = {r for rs in pinyin(ch, style=Style.NORMAL, heteronym=True) for r in rs if r.isascii() and r.isalpha()}
            syllables |= reads
            digits = ["7"] if ch == "七" else []
            parts.append("(?:" + "|".join([re.escape(ch), *digits, *sorted(reads, key=len, reverse=True)]) + ")")
        body = " {0,2}".join(parts)
        alts.append(f"(?P<p{len(alts)}>{body})")
    pattern = re.compile("|".join(alts))
    names = {f"p{i}": p for i, p in enumerate(phrases)}
    return pattern, names, frozenset(syllables)


def _fold_pinyin(text: str) -> tuple[str, _Segments]:
    if _MIXED.search(text) is None and _SPELT_APART.search(text) is None:
        return text, _NO_SEGMENTS
    pattern, names, syllables = _pinyin_phrases()
    if not any(w in syllables for w in _LATIN_WORD.findall(text)):
        return text, _NO_SEGMENTS  # no Latin word is a syllable of a phrase (iPhone 13, 5g网络)

    def repl(m: re.Match[str]) -> str:
        got, a, b = m.group(), m.start(), m.end()
        if not any("a" <= c <= "z" for c in got):
            return got  # the phrase as written
        phrase = names[m.lastgroup or ""]
        if not re.search(f"[{HAN}]", got) and (len(phrase) < 3 or got.count(" ") < len(phrase) - 1):
            return got  # all in pinyin: two syllables may be any words; three or more spelt apart (bu tui bu huan) are not
        if (got[0].isascii() and a and text[a - 1].isascii() and text[a - 1].isalpha()) \
                or (got[-1].isascii() and b < len(text) and text[b].isascii() and text[b].isalpha()):
            return got  # the syllable is part of a longer Latin word
        return phrase

    return _rewrite(text, pattern, repl)


def normalise_term(term: str) -> str:
    """Normalised form of a lexicon entry (same pipeline, no offsets kept)."""
    return normalise(term).text
