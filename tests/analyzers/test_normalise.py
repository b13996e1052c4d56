from __future__ import annotations

import pytest

from analyzers.normalise import normalise


@pytest.mark.parametrize(("raw", "expected"), [
    ("最 佳", "最佳"),
    ("最-佳", "最佳"),
    ("最*佳", "最佳"),
    ("最\u200b佳", "最佳"),
    ("最\u3000佳", "最佳"),
    ("國家級", "国家级"),
    ("ＡＢＣ１２３", "abc123"),
    ("①号", "1号"),
    ("⑩倍", "10倍"),
    ("囯家级", "国家级"),
    ("ІСР备", "icp备"),  # Cyrillic look-alikes
    ("1:1 复刻", "1:1复刻"),
    ("不退货/换货", "不退货换货"),
])
def test_normalised_text(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_spaces_between_latin_words_are_kept() -> None:
    assert normalise("hello world").text == "hello world"


def test_quotes_are_not_spacing_tricks() -> None:
    assert normalise('不使用"最佳"等').text == '不使用"最佳"等'


def test_newlines_are_kept_as_boundaries() -> None:
    assert normalise("最\n佳").text == "最\n佳"


@pytest.mark.parametrize(("raw", "term", "quoted"), [
    ("本店\u200b最 佳 産品", "最佳", "最 佳"),
    ("⑩倍收益", "10", "⑩"),
    ("ＡＢＣ１２３", "abc", "ＡＢＣ"),
    ("全網 銷量 第一！", "全网销量第一", "全網 銷量 第一"),
    ("前缀\u200b\u200b最-佳后缀", "最佳", "最-佳"),
])
def test_offsets_map_back_to_the_original(raw: str, term: str, quoted: str) -> None:
    n = normalise(raw)
    i = n.text.index(term)
    assert n.original_text(i, i + len(term)) == quoted


def test_identity_offsets_when_nothing_changes() -> None:
    n = normalise("最近天气不错")
    assert n.span(2, 4) == (2, 4)


@pytest.mark.parametrize(("raw", "expected"), [
    ("最zhong解释权归本dian所有", "最终解释权归本店所有"),
    ("本店不支持 7 tian 无 li 由 退货", "本店不支持七天无理由退货"),
    ("拉 ren 头就能赚", "拉人头就能赚"),
    ("gao仿lv包", "高仿lv包"),
    # a phrase of three or more characters spelt apart wholly in pinyin, tone marks or not
    ("这批是 bu tui bu huan 的哈", "这批是不退不换的哈"),
    ("💧 tīng huà shuǐ 💧", "💧 听话水 💧"),
    # a negative squared letter and the emoji selector (🅰️ 货 = A货)
    ("🅰️ 货 顶配", "a货顶配"),
    # a state body with a character in pinyin (wei健委, zhong南海)
    ("wei健委都推荐的辅食", "卫健委都推荐的辅食"),
    ("zhong南海同款茶", "中南海同款茶"),
])
def test_pinyin_written_for_part_of_a_stock_phrase_is_folded_back(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


@pytest.mark.parametrize("raw", [
    "gaofang 不是一个词",      # all pinyin: may be any words
    "gao fang 不是一个词",     # two syllables all in pinyin: may be any words
    "bugao仿",                 # the syllable is part of a longer Latin word
    "iphone 13 最佳拍档",       # no Latin word is a syllable of a phrase
    "sony耳机 fang 水",         # not a phrase
])
def test_pinyin_fold_leaves_other_latin_alone(raw: str) -> None:
    assert "高仿" not in normalise(raw).text and "防水" not in normalise(raw).text


def test_folded_phrase_quotes_the_page_as_written() -> None:
    raw = "活动说明：最zhong解释权归本店所有。"
    n = normalise(raw)
    start = n.text.index("最终解释权")
    assert n.original_text(start, start + len("最终解释权")) == "最zhong解释权"


@pytest.mark.parametrize(("raw", "expected"), [
    ("GUCCl香水", "gucci香水"), ("R0LEX手表", "rolex手表"), ("新到“GUCC1”托特包", "新到“gucci”托特包"),
    ("L0UIS VUITT0N", "louis vuitton"),
    # numbers after letters, codes and ordinary words are not look-alikes
    ("RMB100", "rmb100"), ("USB10接口", "usb10接口"), ("RMB1", "rmb1"), ("A100", "a100"), ("RTX4090", "rtx4090"),
    ("MAC0", "mac0"), ("Gold", "gold"), ("型号ABC101", "型号abc101"),
])
def test_capitals_imitated_by_a_small_l_a_zero_or_a_one(raw: str, expected: str) -> None:
    n = normalise(raw)
    assert n.text == expected
    assert len(n.text) == len(raw) and n.original_text(0, len(n.text)) == raw  # quoted as the page shows it
