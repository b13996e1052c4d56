"""Pure parts of the web UI: the credit formula, labels, highlighting (the query language is index.query's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import config
from web.common import highlight
from web.credit import CreditItem, score
from web.labels import article_label

NOW = datetime(2026, 11, 28, tzinfo=UTC)


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


def test_generated_passwords_always_pass_the_strength_check(monkeypatch) -> None:  # noqa: ANN001
    import secrets

    from web import auth

    drawn = iter(["abcdefghijklmnopqrstuv", "xxadminxx1234567", "Zq8-mR2kT7wLp4Vs"])  # letters only; holds the name
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))
    assert auth.generate_password("admin") == "Zq8-mR2kT7wLp4Vs"
    monkeypatch.undo()
    for _ in range(500):
        auth.check_password_strength(auth.generate_password("admin"), "admin")  # raises if refused
