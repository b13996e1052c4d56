"""Grades show unreviewed risk (待研判 N, 含严重 M, provisional grade), the formula in words, no English labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import config
from web.credit import CreditItem, score

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_provisional_grade_counts_unreviewed_findings_without_changing_the_grade() -> None:
    cfg = config.load(overrides={}, environ={}).credit
    pending = [CreditItem("critical", NOW, False, "a"), CreditItem("high", NOW, False, "b")]
    g = score([], cfg, NOW, pending)
    assert (g.grade, g.score, g.confirmed) == ("A", 100.0, 0)  # only a human decision lowers the grade
    assert (g.pending, g.pending_critical) == (2, 1)
    assert (g.provisional_score, g.provisional_grade, g.at_risk) == (70.0, "C", True)
    assert score([], cfg, NOW).pending == 0 and not score([], cfg, NOW).at_risk


def test_credit_file_shows_unreviewed_risk_and_the_formula_in_words(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("supervisor")
    evil = seeded.storefront_ids[3]  # one critical and one medium finding, none reviewed yet
    page = client.get(f"/merchants/{evil}").text
    assert 'id="grade">A<' in page
    assert "待研判 2 个" in page and "含严重 1 个" in page
    assert re.search(r'id="provisional">B</strong> 基本守信（75\.0 分）。', page)
    assert "每过 365 天减半" in page and "已整改的问题只扣 50%" in page
    assert "(已整改 ?" not in page
    listing = client.get("/merchants").text
    assert "待研判 2</a>，<strong class=\"bad\">含严重 1</strong>；暂定 B" in listing
    for p in (page, listing):
        text = re.sub(r"<[^>]+>", " ", p)
        assert not re.search(r"\b(complete|schedule|unreachable|partial)\b", text), \
            re.search(r".{30}\b(complete|schedule|unreachable|partial)\b.{10}", text)
