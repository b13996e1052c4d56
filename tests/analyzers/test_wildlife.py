"""Protected species by name (data/wildlife.txt): goods made from them or live animals for sale, not toys, art or news."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_text
from analyzers.lexicons import lexicon


def _prohibited(text: str) -> bool:
    return any(f.category == "prohibited_goods" for f in analyze_text(text, options={"use_model": False}))


@pytest.mark.parametrize("text", [
    "正宗黑熊胆，野生的，私聊。", "收藏级林麝标本一具，看货联系。", "出售藏羚羊角一对，价格私聊。",
    "扬子鳄幼崽活体，一只800元，顺丰包活。", "野生大鲵肉，农家现杀。",
])
def test_species_with_a_part_or_sold_alive(text: str) -> None:
    assert _prohibited(text)


@pytest.mark.parametrize("text", [
    "大熊猫毛绒公仔，景区同款。", "丹顶鹤刺绣挂画，手工苏绣。", "雪豹主题摄影展门票，周末开放。",
    "白唇鹿是国家一级保护动物，请勿购买其制品。", "金丝猴卡通抱枕，儿童礼物。", "江豚保护志愿者招募。",
    "藏羚羊图案T恤，纯棉。",
])
def test_toys_art_and_conservation_are_not_goods_from_the_animal(text: str) -> None:
    assert not _prohibited(text)


def test_the_list_is_large_and_has_no_single_characters() -> None:
    names = [e.term for e in lexicon("wildlife")]
    assert len(names) >= 350 and all(len(n) >= 2 for n in names)
