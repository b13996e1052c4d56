"""Helpers shared by the text-rule families."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzers.lexicons import Candidate
from analyzers.text import TextDoc

_MARKS = ("®", "tm", "(r)", "牌")
_OPENQ = "'\"“‘「『"
_CLOSEQ = "'\"”’」』"
_SERIES = ("系列", "款", "牌", "套装", "礼盒")
_NAMED_AS = re.compile(r"(?:是|为|乃)[^,。;!?]{0,8}?(?:系列|品牌|商标|产品|型号)(?:名称|名)|(?:是|为|乃)[^,。;!?]{0,10}?注册商标")
_MARKED_NAME = re.compile(r"[\u4e00-\u9fffa-z0-9]{0,3}(?:®|™|\(r\))")
_QUOTED_NAME = re.compile(r"[\"“‘「『]([^\"”’」』,。;!?]{2,8})[\"”’」』]")
_NAME_LABELS = ("品牌", "商标", "品名", "名称", "型号", "系列", "书名", "店名")


def longest(cands: Iterable[Candidate]) -> list[Candidate]:
    """Leftmost-longest, non-overlapping candidates (最终解释权 + 解释权归本店 -> one match)."""
    cs = sorted(cands, key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    for c in cs:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def product_name(doc: TextDoc, c: Candidate) -> bool:
    """The term is part of a trademark or product name (最佳拍档® / 品牌：至尊)."""
    after = doc.text[c.end:c.end + 3]
    if after.startswith(_MARKS) or _MARKED_NAME.match(doc.text, c.end):
        return True  # 至尊喵®: the term begins a registered mark
    t = doc.text
    for q in _QUOTED_NAME.finditer(t):  # “至尊喵”是本公司注册商标: that name, wherever the page uses it
        name = q.group(1)
        if c.term in name and _NAMED_AS.match(t, q.end()):
            at = t.find(name, max(0, c.start - len(name)), c.end + len(name))
            if at >= 0 and at <= c.start and c.end <= at + len(name):
                return True
    if t.startswith("系列", c.end):
        return True  # 传世·至尊系列: a series name
    if c.start > 0 and t[c.start - 1] in _OPENQ and t[c.end:c.end + 1] in _CLOSEQ \
            and (t[c.end + 1:c.end + 4].startswith(_SERIES) or _NAMED_AS.match(t, c.end + 1)):
        return True  # '至尊'系列, “至尊”为本店系列名称: a quoted series or product name
    cs, _ = doc.clause(c.start)
    before = doc.text[max(cs, c.start - 6):c.start]
    return any(label in before for label in _NAME_LABELS)


def declared_names(text: str) -> set[str]:
    """Names a page declares as its marks or series (“至尊鲤”为本公司注册商标): they name goods on every page."""
    return {q.group(1) for q in _QUOTED_NAME.finditer(text) if _NAMED_AS.match(text, q.end())}


def lexicon_hits(doc: TextDoc, lexicon: str, *exempt: str, tag: str | None = None) -> Iterator[Candidate]:
    """Candidates of ``lexicon`` that are not exempt, negated, quoted or in a compliance notice."""
    for c in longest(doc.get(lexicon, tag)):
        if exempt and doc.covered(c, *exempt):
            continue
        if doc.plain(c):
            yield c


def anchored(doc: TextDoc, tag: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in the sentences holding an anchor word of ``tag`` (``data/anchors.txt``).

    The anchors come from the one Aho-Corasick pass, so a pattern costs nothing on text without them.
    """
    done = -1
    for c in doc.get("anchors", tag):
        if c.start < done:
            continue
        ss, se = doc.sentence(c.start, c.end)
        ss = max(ss, done)
        yield from pattern.finditer(doc.text, ss, se)
        done = se


# opened or used, not "未拆封" (unopened goods are never exempt)
_UNSEALED_WORDS = re.compile(r"(?<![未不没])(?:拆封|开封|拆开|拆包|已使用|使用过|试用|试穿|试戴|已激活|激活后|已食用|食用过|已饮用|开瓶)")
# 非定制, 不属于鲜活: the goods are said not to be of the exempt kind
_NOT_OF_KIND = re.compile(r"(?:非|不是|并非|不属于?|无需|没有?|未)$")  # 没刻字: not custom-made
# refused whether opened or not (拆封与否均不退换, 未拆封也不退): the 第七条 exemption covers opened goods only
_EITHER_WAY = re.compile(r"(?:拆封|开封|拆开|使用)与否|(?:无论|不论|不管)(?:是否|有没有|有无)?(?:拆封|开封|拆开|使用)|未(?:拆封|开封|拆开|使用)(?:的)?也|(?:拆封|开封|拆开|开瓶|使用)前[^,。;]{0,4}?也")


def _opened_only(doc: TextDoc, ss: int, se: int) -> bool:
    return bool(_UNSEALED_WORDS.search(doc.text, ss, se)) and not _EITHER_WAY.search(doc.text, ss, se)


# the shop keeps returns for quality defects: 除(药品)质量问题外, 非质量问题不退
_QUALITY_KEPT = re.compile(r"除[^,。;]{0,6}?质量(?:问题|原因|缺陷)(?:以)?外|非(?:药品)?质量(?:问题|原因)")


def return_exempt(doc: TextDoc, ss: int, se: int, *, conditions: bool, deemed: bool = False) -> bool:
    """Goods named in [ss, se) that lawfully escape the 7-day no-reason return (暂行办法 第六条、第七条).

    第六条 goods (定制、鲜活、数字化、报刊; untagged) always; 第七条 goods (@art7: 食品、化妆品、贴身衣物)
    only once the sentence says they were opened; sale goods (@sale: 清仓、特价、秒杀) only if the consumer
    confirmed it when buying (@confirm); the general conditions (@condition: 拆封后、瑕疵) only where
    ``conditions`` is asked for. "下单即视为同意" (``deemed``) is no confirmation.
    """
    found = [e for e in doc.within("return_exempt", ss, se)
             if not _NOT_OF_KIND.search(doc.text, max(ss, e.start - 3), e.start)]  # 非定制, 不属于鲜活: not exempt
    if not found:
        return False
    confirmed = not deemed and any(e.tag == "confirm" for e in found)
    for e in found:
        if (e.tag == "" or (e.tag == "confirm" and not deemed)
                or (e.tag == "art7" and not deemed and _opened_only(doc, ss, se))
                or (e.tag == "drug" and not deemed and (_opened_only(doc, ss, se)
                                                        or _QUALITY_KEPT.search(doc.text, ss, se)))
                or (e.tag == "sale" and confirmed) or (e.tag == "condition" and conditions and not deemed)):
            if e.tag != "condition":  # lawfully exempt goods: the judgement binds the model too (engine._overruled)
                doc.exempt("return_policy", ss, se)
                if _QUALITY_KEPT.search(doc.text, ss, se):  # and quality defects are still taken back: a fair term
                    doc.exempt("unfair_terms", ss, se)
            return True
    return False
