"""Pure parts of the web UI: the query parser, the credit formula, labels, highlighting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import config
from errors import QuerySyntaxError
from web.common import highlight
from web.credit import CreditItem, score
from web.labels import article_label
from web.search_adapter import Bool, Term, parse_query

NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize(("query", "tree"), [
    ("国家级", Term("国家级")),
    ('国家级  "最终 解释权" -包邮', Bool("and", (Term("国家级"), Term("最终 解释权"), Term("包邮", negate=True)))),
    ("category:false_advertising severity:high", Bool("and", (Term("false_advertising", field="category"),
                                                               Term("high", field="severity")))),
    ('article:"15(5)" -status:dismissed', Bool("and", (Term("15(5)", field="article"),
                                                       Term("dismissed", True, "status")))),
    ("storefront:12", Term("12", field="storefront")),
    ("国家级 OR 最佳", Bool("or", (Term("国家级"), Term("最佳")))),
    ("a AND (b OR NOT c)", Bool("and", (Term("a"), Bool("or", (Term("b"), Bool("not", (Term("c"),))))))),
    ("since:2026-11-01 uscc:91630100MA7539TK4B", Bool("and", (Term("2026-11-01", field="since"),
                                                               Term("91630100MA7539TK4B", field="uscc")))),
    ("", None),
])
def test_query_parser(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(("query", "message"), [
    ('"国家级', "引号没有闭合"),
    ("colour:red", "未知字段"),
    ("storefront:abc", "网站编号"),
    ("(国家级 OR 最佳", "缺少右括号"),
    ("国家级 OR", "缺少查询词"),
    ("国家级)", "不应出现"),
    ("since:yesterday", "日期"),
])
def test_query_parser_errors(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        parse_query(query)


CFG = config.load(environ={}).credit


@pytest.mark.parametrize(("items", "expected_score", "grade"), [
    ([], 100.0, "A"),
    ([CreditItem("info", NOW, False)], 100.0, "A"),
    ([CreditItem("medium", NOW, False)], 95.0, "A"),
    ([CreditItem("critical", NOW, False)], 80.0, "B"),
    ([CreditItem("critical", NOW, True)], 90.0, "A"),  # rectified: half the points
    ([CreditItem("critical", NOW - timedelta(days=365), False)], 90.0, "A"),  # one half-life old
    ([CreditItem("critical", NOW, False), CreditItem("high", NOW, False), CreditItem("high", NOW, False)], 60.0, "C"),
    ([CreditItem("critical", NOW, False)] * 6, 0.0, "D"),  # never below zero
])
def test_credit_formula(items: list[CreditItem], expected_score: float, grade: str) -> None:
    g = score(items, CFG, NOW)
    assert (g.score, g.grade, g.confirmed) == (expected_score, grade, len(items))


def test_credit_formula_follows_settings() -> None:
    cfg = config.load(environ={"STOREWATCH_CREDIT__POINTS_MEDIUM": "45", "STOREWATCH_CREDIT__RECTIFICATION_CREDIT": "1"}).credit
    assert score([CreditItem("medium", NOW, False)], cfg, NOW).grade == "D"
    assert score([CreditItem("medium", NOW, True)], cfg, NOW).score == 100.0


@pytest.mark.parametrize(("article", "label"), [
    ("15(5)", "第十五条第（五）项"),
    ("9, 16", "第九条、第十六条"),
    ("11(8), 15(1), 15(5)", "第十一条第（八）项、第十五条第（一）项、第十五条第（五）项"),
    ("24", "第二十四条"),
])
def test_article_labels(article: str, label: str) -> None:
    assert article_label(article) == label


def test_highlight_escapes_text_and_match() -> None:
    assert str(highlight("a<b>国家级</b>", "国家级")) == "a&lt;b&gt;<mark>国家级</mark>&lt;/b&gt;"
    assert str(highlight("<i>x</i>", "<i>")) == "<mark>&lt;i&gt;</mark>x&lt;/i&gt;"
    assert str(highlight("<x>", "")) == "&lt;x&gt;"
