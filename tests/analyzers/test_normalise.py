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
