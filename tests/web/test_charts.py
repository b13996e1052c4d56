"""Dashboard charts: integer ticks for counts, readable month labels inside the picture, a legend for 加权分."""

from __future__ import annotations

import re

from web import charts

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def test_count_axis_has_integer_ticks_only() -> None:
    for v in (0, 1, 2, 3, 7, 13, 37, 590):
        ticks = charts.count_ticks(v)
        assert ticks[0] == 0 and ticks[-1] >= v and len(ticks) <= 5
        assert all(isinstance(t, int) for t in ticks)
    svg = str(charts.stacked_columns(MONTHS, {"high": [0] * 11 + [2]}, title="t"))
    assert _ticks(svg) == ["0", "1", "2"]  # not 0, 0.5, 1, 1.5, 2
    svg = str(charts.lines(MONTHS, {"新发现": [1] * 12}, title="t"))
    assert _ticks(svg) == ["0", "1"]


def test_month_labels_are_chinese_and_inside_the_picture() -> None:
    for svg in (str(charts.lines(MONTHS, {"a": [1] * 12}, title="t")),
                str(charts.stacked_columns(MONTHS, {"a": [1] * 12}, title="t"))):
        width = float(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
        labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d+月)</text>', svg)
        assert [m for _, m in labels] == [f"{m}月" for m in range(1, 13)]
        assert "2026</text>" in svg  # the year under the first month
        for x, text in labels:  # a centred label of n characters (~11 px each) must not cross either edge
            assert float(x) - 6 * len(text) >= 0 and float(x) + 6 * len(text) <= width, (x, text)


def test_legend_wraps_inside_the_width() -> None:
    names = {f"类别{k}号很长的名称": [1] * 12 for k in range(6)}
    svg = str(charts.stacked_columns(MONTHS, names, title="t", width=480))
    for x, label in re.findall(r'<text x="([\d.]+)" y="[\d.]+">(类别[^<]*)</text>', svg):
        assert float(x) + 12 * len(label) <= 480 + 1, (x, label)


def test_dashboard_explains_weighted_score(as_role) -> None:  # noqa: ANN001
    client, _ = as_role("supervisor")
    page = client.get("/dashboard").text
    legend = re.search(r'id="weight-legend">([^<]*)<', page)
    assert legend and "严重 20 分" in legend.group(1) and "低 2 分" in legend.group(1)
