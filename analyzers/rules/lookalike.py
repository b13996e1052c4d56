"""trademark_misuse (Art. 15(2)): a name made to sound like a well-known brand (周大幅 for 周大福, 特伦舒 for 特仑苏).

A shop that cannot print the brand prints a name one or two characters away from it that reads the same
aloud, and presents it as the goods' name: quoted, bracketed, set apart by spaces, or followed by 牌. That is
the confusion 反不正当竞争法 第六条 forbids (擅自使用与他人有一定影响的商品名称、包装、装潢等相同或者近似的标识) and, on
goods, an infringing similar mark (商标法 第五十七条第（二）项).

Matched by sound, not by a list of variants: every brand of ``brands.txt`` written in three to six Han
characters is indexed by its toneless pinyin with the initials and finals people commonly confuse folded
(zh/z, ch/c, sh/s, l/n, -ng/-n); a name on the page with the same folded sound that is not itself a brand is
a look-alike. Only names set apart on the page are read (a window across words, 保健礼包 → 健礼包, is not a
name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from analyzers.lexicons import terms
from analyzers.normalise import HAN
from analyzers.rules.base import Hit, Rule
from analyzers.text import TextDoc

# a Han name set apart: start, end or any non-Han character on both sides; 牌 / 品牌 may follow it
_NAME = re.compile(rf"(?<![{HAN}])([{HAN}]{{3,6}}?)(?:品牌|(?<!品)牌)?(?![{HAN}])")
_FOLD = ((re.compile(r"^(z|c|s)h"), r"\1"), (re.compile(r"^l"), "n"), (re.compile(r"(an|en|in)g$"), r"\1"))
# the page itself says the name is its own or that it is not the brand's: 本店自有品牌, 与X无关
_DISOWNED = re.compile(r"并非|不是|无关|没有关系|谨防|仿冒|山寨|冒牌|侵权|被罚|处罚|查处")


def _fold(syllable: str) -> str:
    for rx, repl in _FOLD:
        syllable = rx.sub(repl, syllable)
    return syllable


@lru_cache(maxsize=32768)  # pure; names recur across texts and pages (pypinyin costs ~0.1 ms a name)
def _sound(text: str) -> tuple[str, ...] | None:
    from pypinyin import lazy_pinyin  # imported on first use: its dictionary takes a moment to load

    out = lazy_pinyin(text, errors="ignore")
    return tuple(_fold(s) for s in out) if len(out) == len(text) else None


@lru_cache(maxsize=20000)
def _char_sound(ch: str) -> str:
    """One character's default reading, folded (cached: the cheap first test of every name)."""
    return _fold((_sound_raw(ch) or ("",))[0])


def _sound_raw(text: str) -> list[str] | None:
    from pypinyin import lazy_pinyin

    out = lazy_pinyin(text, errors="ignore")
    return out if len(out) == len(text) else None


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], list[str]], frozenset[str]]:
    """Brands by their sound read as a phrase (大夫 is dai fu), and by the characters' own readings (the
    cheap first test a name on the page must pass before it is read as a phrase)."""
    names = frozenset(t for t in terms("brands") if re.fullmatch(rf"[{HAN}]{{3,6}}", t))
    index: dict[tuple[str, ...], str] = {}
    by_chars: dict[tuple[str, ...], list[str]] = {}
    for name in sorted(names):
        sound = _sound(name)
        if sound is not None:
            index.setdefault(sound, name)
            by_chars.setdefault(tuple(_char_sound(c) for c in name), []).append(name)
    return index, by_chars, names


def lookalikes(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, brand)`` of each name set apart in ``text`` (normalised) that sounds like a brand it is not."""
    index, by_chars, names = _index()
    for m in _NAME.finditer(text):
        name = m.group(1)
        if name in names or tuple(_char_sound(c) for c in name) not in by_chars:
            continue
        brand = index.get(_sound(name) or ())
        if brand is not None and brand != name:
            yield m.start(1), m.end(1), brand


def check_lookalike_name(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for start, end, brand in lookalikes(doc.text):
        ss, se = doc.sentence(start, end)
        if _DISOWNED.search(doc.text, ss, se) and brand not in doc.text[ss:se]:
            continue
        if doc.negated((start, end)) or doc.compliance((start, end)):
            continue
        yield Hit(start, end, confidence=0.7, detail=f"（近似“{brand}”）")


RULES: tuple[Rule, ...] = (
    Rule(
        id="TM-LOOKALIKE-NAME", category="trademark_misuse", article="15(2)",
        law=("反不正当竞争法 第六条", "商标法 第五十七条第（二）项"), severity="medium",
        explanation="以读音与知名品牌相同或近似的名称（如“周大幅”之于“周大福”）作为商品名称，引人误认", check=check_lookalike_name,
        scope="text", lexicons=("brands",),
        what="A goods name set apart on the page (quoted, bracketed, spaced or followed by 牌) that reads aloud like "
             "a well-known brand of three to six characters but is not that brand.",
        why="反不正当竞争法第六条禁止擅自使用与他人有一定影响的商品名称相同或者近似的标识，引人误认为是他人商品；"
            "商标法第五十七条第（二）项：在同一种或类似商品上使用与注册商标近似的商标，容易导致混淆的，属侵权；"
            "违反西宁市电子商务信用管理制度第十五条第（二）项。",
        bad=("“周大幅”黄金吊坠 足金999，附鉴定证书。", "【特伦舒】纯牛奶 250ml×12 高端礼盒，送礼有面。",
             "「三只松树」坚果大礼包 30包，吃起来一个味。"),
        good=("周大福 足金吊坠 官方旗舰店。", "凭身份证免费领取保健礼包，名额有限。", "本店自有品牌“雪域红”，与任何知名品牌无关。",
              "某网店以“周大幅”冒充周大福被市场监管部门处罚。"),
        references=("反不正当竞争法 第六条", "商标法 第五十七条"),
    ),
)
