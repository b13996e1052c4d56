from __future__ import annotations

import dataclasses

import pytest

from analyzers import engine
from analyzers.engine import AllowEntry, analyze_page, analyze_site, analyze_text
from analyzers.model import Image, Page, RegistryRecord, TextBlock
from analyzers.rules import RULES, validate
from analyzers.rules.base import HOME, REGISTRY, home
from errors import ConfigError, RuleRegistryError


def _rule(**changes):
    return dataclasses.replace(RULES[0], **changes)


def test_registry_is_valid_and_ids_unique() -> None:
    by_id = validate(RULES)
    assert len({r.id for r in RULES}) == len(RULES) == len([k for k, v in by_id.items() if k == v.id])


def test_duplicate_id_fails() -> None:
    with pytest.raises(RuleRegistryError, match="duplicate"):
        validate([RULES[0], _rule()])


def test_old_id_colliding_with_an_id_fails() -> None:
    with pytest.raises(RuleRegistryError, match="duplicate"):
        validate([RULES[0], _rule(id="AD-OTHER", old_ids=(RULES[0].id,))])


@pytest.mark.parametrize(("changes", "message"), [
    ({"explanation": ""}, "missing field 'explanation'"),
    ({"why": ""}, "missing field 'why'"),
    ({"law": ()}, "missing field 'law'"),
    ({"category": "made_up"}, "unknown category"),
    ({"severity": "apocalyptic"}, "unknown severity"),
    ({"id": "lowercase"}, "FAMILY-NAME"),
    ({"bad": ()}, "bad and one good"),
    ({"check": None}, "not callable"),
    ({"scope": "galaxy"}, "unknown scope"),
])
def test_bad_declarations_fail(changes, message) -> None:
    with pytest.raises(RuleRegistryError, match=message):
        validate([_rule(id="AD-TEST", **changes) if "id" not in changes else _rule(**changes)])


def test_missing_lexicon_fails_loudly() -> None:
    from analyzers.lexicons import lexicon

    with pytest.raises(RuleRegistryError, match="missing"):
        lexicon("no_such_lexicon")


def test_findings_quote_the_page_and_locate_the_block() -> None:
    page = Page(url="http://s.example.cn/item/1", title="店铺", blocks=(
        TextBlock("欢迎光临", path="div.a"),
        TextBlock("本品全網銷量 第一，质量可靠", path="div.desc>p"),
        TextBlock("最佳", path="div.hidden", hidden=True),
    ))
    f, hidden = analyze_page(page, storefront_id=7)
    assert f.rule_id == "AD-ABSOLUTE-TERM"
    assert f.match == "銷量 第一"
    assert f.location.selector == "div.desc>p"
    assert page.blocks[1].text[f.location.start:f.location.end] == f.match
    assert f.storefront_id == 7
    assert f.url == page.url
    assert "本品全網銷量 第一" in f.excerpt
    assert f.to_dict()["finding_id"] == f.finding_id
    # hidden text (keyword stuffing) is still judged, with less confidence and said so
    assert hidden.location.selector == "div.hidden"
    assert hidden.confidence < f.confidence
    assert "隐藏文字" in hidden.explanation


def test_ocr_text_of_images_is_judged() -> None:
    page = Page(url="http://s.example.cn/", images=(Image(src="http://s.example.cn/b.png", ocr_text="全网最低价", path="img.b"),))
    (f,) = analyze_page(page)
    assert (f.rule_id, f.location.kind, f.location.selector) == ("AD-ABSOLUTE-TERM", "image", "img.b")


def test_allow_list_by_rule_and_by_match() -> None:
    text = "全网最低价！顶级面料。"
    assert {f.match for f in analyze_text(text)} == {"全网最低", "顶级"}
    assert analyze_text(text, allow_list=[AllowEntry("AD-ABSOLUTE-TERM", None, "品牌名")]) == []
    kept = analyze_text(text, allow_list=[AllowEntry("AD-ABSOLUTE-TERM", "顶 级", "商标")])
    assert [f.match for f in kept] == ["全网最低"]
    other = analyze_text(text, allow_list=[AllowEntry("UNF-FINAL-INTERPRETATION", None, "x")])
    assert len(other) == 2


def test_allow_list_applies_to_site_rules() -> None:
    bare = Page(url=HOME, blocks=(TextBlock("欢迎"),), is_home=True)
    ids = {f.rule_id for f in analyze_site([bare], None)}
    assert "LIC-MISSING" in ids
    ids = {f.rule_id for f in analyze_site([bare], None, allow_list=[AllowEntry("LIC-MISSING", None, "个人网站")])}
    assert "LIC-MISSING" not in ids


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        analyze_text("x", options={"min_confidense": 0.3})
    with pytest.raises(ConfigError, match="min_confidence"):
        analyze_text("x", options={"min_confidence": 3})
    with pytest.raises(ConfigError, match="unknown rule"):
        analyze_text("x", options={"disabled_rules": ["NOPE-NOPE"]})
    with pytest.raises(ConfigError, match="unknown option"):
        analyze_text("x", options={"rules": {"AD-FICTITIOUS-ORIGINAL-PRICE": {"ratio": 2}}})


def test_rule_options_and_disabling() -> None:
    text = "原价：¥199 活动价：¥59"
    assert analyze_text(text) == []
    found = analyze_text(text, options={"rules": {"AD-FICTITIOUS-ORIGINAL-PRICE": {"min_ratio": 3.0}}})
    assert [f.rule_id for f in found] == ["AD-FICTITIOUS-ORIGINAL-PRICE"]
    assert analyze_text("顶级", options={"disabled_rules": ["AD-ABSOLUTE-TERM"]}) == []


def test_min_confidence_filters() -> None:
    assert analyze_text("顶级面料", options={"min_confidence": 0.95}) == []


def test_footer_identifiers_reported_once_per_site() -> None:
    bad_footer = TextBlock("统一社会信用代码：91630100MA7528H0P1", region="footer")
    pages = [Page(url=HOME, blocks=(bad_footer,), is_home=True), Page(url=HOME + "a", blocks=(bad_footer,))]
    found = [f for f in analyze_site(pages, None) if f.rule_id == "LIC-USCC-INVALID"]
    assert [f.url for f in found] == [HOME]


def test_licence_on_a_linked_licence_page_counts() -> None:
    from analyzers.model import Link

    h = Page(url=HOME, blocks=(TextBlock("青ICP备19000123号-1"),), is_home=True,
             links=(Link(HOME + "licence.html", "营业执照"),))
    lic = Page(url=HOME + "licence.html", kind="licence",
               blocks=(TextBlock(f"统一社会信用代码：{REGISTRY.uscc}"),))
    assert "LIC-MISSING" not in {f.rule_id for f in analyze_site([h, lic], REGISTRY)}
    unlinked = dataclasses.replace(h, links=())
    assert "LIC-MISSING" in {f.rule_id for f in analyze_site([unlinked, lic], REGISTRY)}


def test_name_mismatch_with_registry() -> None:
    reg = RegistryRecord(name="西宁真实商贸有限公司")
    h = home("版权所有 © 2024 西宁冒名商贸有限公司")
    found = [f for f in analyze_site([h], reg) if f.rule_id == "LIC-MISMATCH"]
    assert found
    assert "西宁冒名商贸有限公司" in found[0].match


def test_storefront_id_defaults_to_registry() -> None:
    reg = dataclasses.replace(REGISTRY, storefront_id=42)
    found = analyze_site([Page(url=HOME, blocks=(TextBlock("顶级"),), is_home=True)], reg)
    assert found
    assert all(f.storefront_id == 42 for f in found)


def test_engine_exports() -> None:
    assert callable(engine.analyze_site)
    assert callable(engine.analyze_page)
    assert callable(engine.analyze_text)


def test_unrendered_javascript_shell_is_not_judged_for_absence() -> None:
    from analyzers.model import Script

    shell = Page(url=HOME, blocks=(TextBlock("加载中…"),), scripts=(Script(src=HOME + "js/app.js"),), is_home=True)
    assert analyze_site([shell], None) == []
    rendered = dataclasses.replace(shell, rendered=True)
    assert {f.rule_id for f in analyze_site([rendered], None)} >= {"LIC-MISSING", "FIL-ICP-MISSING"}
