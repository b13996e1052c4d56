"""The lexicons at the scale issue 10 asks for, and the ICD-10 disease names read by AD-MEDICAL-CLAIM."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_text
from analyzers.lexicons import lexicon


@pytest.mark.parametrize(("name", "at_least"), [("brands", 1500), ("gi_regions", 300), ("diseases", 1000),
                                                ("drugs", 500)])
def test_lexicon_sizes(name: str, at_least: int) -> None:
    assert len({e.term for e in lexicon(name)}) >= at_least


def test_every_gi_entry_names_its_area() -> None:
    assert all(e.tag and all(e.tag.split("|")) for e in lexicon("gi_regions"))


@pytest.mark.parametrize("text", ["本洗手液可预防手足口病，宝宝放心用", "纳豆激酶胶囊，颈动脉斑块喝了就消退"])
def test_a_cure_promised_for_a_listed_disease_fires(text: str) -> None:
    assert "AD-MEDICAL-CLAIM" in {f.rule_id for f in analyze_text(text, options={"use_model": False})}


@pytest.mark.parametrize("text", ["科普：桥本甲状腺炎是一种自身免疫病，请遵医嘱治疗。",
                                  "很多人不知道，多囊卵巢综合征需要去医院检查。",
                                  "手足口病高发季，家长要带孩子勤洗手，有症状及时就医。"])
def test_disease_names_in_education_text_do_not_fire(text: str) -> None:
    assert not [f for f in analyze_text(text) if f.category == "false_advertising"]


@pytest.mark.parametrize(("text", "match"), [("出售氯胺酮，量大从优", "氯胺酮"), ("进口肉毒素现货，微商价", "肉毒素"),
                                             ("奥司他韦颗粒，不用处方直接发货", "奥司他韦")])
def test_drugs_banned_online_or_sold_without_a_prescription_fire(text: str, match: str) -> None:
    found = [f for f in analyze_text(text, options={"use_model": False}) if f.rule_id == "PROH-BANNED-GOODS"]
    assert [f.match for f in found] == [match]


@pytest.mark.parametrize("text", ["本店在售西地那非片，凭处方购买，药师审核后发货",
                                  "药店公告：阿莫西林等处方药须凭医生处方销售。",
                                  "新闻：警方查获一批芬太尼，涉案人员已被刑拘。"])
def test_prescription_sales_with_a_check_and_news_do_not_fire(text: str) -> None:
    assert not [f for f in analyze_text(text) if f.category == "prohibited_goods"]
