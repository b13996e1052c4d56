"""One statement, one finding; one page, one key (issue 15 item 1)."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_page, analyze_site, analyze_text
from analyzers.merge import merge_statements
from analyzers.model import Finding, Location, Page, TextBlock, finding_id, normalise_url
from crawler.links import canonical

SHOP = "http://s.example.cn/item/1"


def test_one_statement_that_breaks_two_articles_is_one_finding_citing_both() -> None:
    page = Page(url=SHOP, title="羊毛衫", blocks=(TextBlock("本店商品一经售出，概不退换。"),))
    text_only = analyze_text("本店商品一经售出，概不退换。")
    # bare text reports the refusal once too, as the denied 7-day return citing the unfair-term articles
    assert [f.category for f in text_only] == ["return_policy"]
    assert {c for _, c, _ in text_only[0].also} == {"unfair_terms"} and "11(5)" in text_only[0].article
    found = analyze_page(page)
    same = [f for f in found if "概不退换" in f.excerpt]
    assert len(same) == 1
    (f,) = same
    arts = {a.strip() for a in f.article.split(",")}
    assert "11(4)" in arts and ({"11(5)", "15(6)"} & arts)
    assert {c for _, c, _ in f.also} | {f.category} >= {"return_policy", "unfair_terms"}
    assert f.to_dict()["also"] and all(set(a) == {"rule_id", "category", "article"} for a in f.to_dict()["also"])


def _f(rule: str, start: int, end: int, severity: str = "medium", selector: str = "p") -> Finding:
    return Finding(rule_id=rule, category="unfair_terms", article="15(6)", law=("x",), severity=severity,  # type: ignore[arg-type]
                   confidence=0.9, url=SHOP, match="m", excerpt="e", location=Location("text", selector, start, end),
                   explanation="", storefront_id=1)


def test_merge_keeps_the_most_severe_and_leaves_separate_statements_alone() -> None:
    a, b, c, d = _f("A", 0, 4), _f("B", 2, 6, "high"), _f("C", 10, 12), _f("D", 0, 4, selector="div")
    out = merge_statements([a, b, c, d])
    assert [f.rule_id for f in out] == ["B", "C", "D"]
    assert out[0].also == (("A", "unfair_terms", "15(6)"),)


def test_index_and_folder_urls_are_one_page_for_findings_and_for_the_crawler() -> None:
    same = ["http://S.example.cn/", "http://s.example.cn/index.html", "http://s.example.cn:80/",
            "http://s.example.cn/?utm_source=wx", "http://s.example.cn/#top"]
    assert len({normalise_url(u) for u in same}) == 1
    assert len({finding_id(1, "AD-X", u, "国家级") for u in same}) == 1
    assert len({canonical(u) for u in same}) == 1
    table = [*same, "http://s.example.cn/a/index.php?b=2&a=1", "http://s.example.cn/a/", "http://s.example.cn/#/p/3"]
    for u in table:  # what the crawler fetches once is one page for findings too
        assert normalise_url(canonical(u)) == normalise_url(u)
    assert normalise_url("http://s.example.cn/#/p/3") != normalise_url("http://s.example.cn/#/p/4")


def test_a_site_level_fact_is_one_finding_however_many_pages_show_it() -> None:
    home = "http://s.example.cn/"
    pages = [Page(url=home, title="首页", blocks=(TextBlock("欢迎光临"),), is_home=True),
             Page(url=home + "index.html", title="首页", blocks=(TextBlock("欢迎光临"),), is_home=True)]
    found = analyze_site(pages, None, storefront_id=1)
    ids = [f.finding_id for f in found]
    assert len(ids) == len(set(ids))
    by_rule = {}
    for f in found:
        by_rule.setdefault(f.rule_id, []).append(f)
    assert all(len(v) == 1 for v in by_rule.values()), {k: len(v) for k, v in by_rule.items()}


@pytest.mark.parametrize("text", ["最终解释权归本店所有", "本品为国家级产品"])
def test_text_analysis_keeps_every_category(text: str) -> None:
    assert analyze_text(text)  # bare text is not merged: each category is scored on its own


def test_bare_text_keeps_other_unfair_terms_beside_a_refusal() -> None:
    found = analyze_text("本店商品一经售出概不退换，最终解释权归本店所有。")
    assert {f.category for f in found} == {"return_policy", "unfair_terms"}  # 最终解释权 is a statement of its own


@pytest.mark.parametrize(("text", "kept", "folded"), [
    # an honour mark beside 驰名商标: one quality-mark claim citing both articles
    ("本品包装印有“中国驰名商标”“国家免检产品”标志，品质有保障。", "trademark_misuse", "AD-FAKE-CERTIFICATION"),
    # the stock phrase rides on the state endorsement
    ("国家体育总局推荐的蛋白粉，健身人士首选。", "gov_impersonation", "AD-ABSOLUTE-TERM"),
    # an earnings line inside a recruitment pitch
    ("交1280成为店主，三个月回本，拉一个返300，下面的人再拉你还有提成。", "pyramid_scheme",
     "AD-GUARANTEED-EFFICACY"),
])
def test_a_minor_reading_of_a_graver_statement_is_folded_into_it(text: str, kept: str, folded: str) -> None:
    found = analyze_text(text, options={"use_model": False})  # the fold, not the model's veto, is under test
    assert {f.category for f in found} == {kept}, [(f.rule_id, f.match) for f in found]
    assert any(a[0] == folded for f in found for a in f.also)
    assert any("15(" in f.article and "," in f.article for f in found)  # the folded article is cited too


@pytest.mark.parametrize(("text", "both"), [
    ("中老年补钙首选，每天两片。", {"false_advertising"}),  # alone it is an absolute term
    ("交1980开店，拉一个人返500，拉的人再拉人你还有提成，保证三个月回本。", {"false_advertising", "pyramid_scheme"}),
])
def test_folds_leave_statements_of_their_own(text: str, both: set[str]) -> None:
    assert both <= {f.category for f in analyze_text(text, options={"use_model": False})}


def test_a_model_guess_does_not_absorb_a_state_level_claim() -> None:
    """国家级 folds into a state body's endorsement a rule found, never into the model's guess at one."""
    from dataclasses import replace

    from analyzers.merge import fold_statements

    (absolute,) = analyze_text("本品为国家级品质认证产品，放心购买。", options={"use_model": False})
    guess = replace(absolute, rule_id="MODEL-GOV-IMPERSONATION", category="gov_impersonation", source="model")
    assert {f.category for f in fold_statements([absolute, guess])} == {"false_advertising", "gov_impersonation"}
    ruled = replace(guess, rule_id="GOV-IMPERSONATION", source="rule")
    assert {f.category for f in fold_statements([absolute, ruled])} == {"gov_impersonation"}


def test_a_page_reports_a_refusal_of_returns_as_the_denied_return_citing_the_unfair_term() -> None:
    """On a page, as in bare text (merge._FOLDS), one finding under the graver reading: the denied 7-day return,
    with the unfair-term rule in ``also`` — whichever of the two rules is the more confident."""
    from analyzers.engine import analyze_page
    from analyzers.model import Page, TextBlock

    for words in ("蜂蜜礼盒一经售出不予退换", "本店商品售出概不退换"):
        page = Page(url="http://shop.example.cn/item/1.html", blocks=(TextBlock(words),), kind="product")
        [f] = analyze_page(page)
        assert f.category == "return_policy"
        assert "UNF-NO-RETURN-EXCHANGE" in [a[0] for a in f.also]
