"""Charts as inline SVG, rendered on the server (no JavaScript, no external files).

Only presentation attributes are used (no ``style``), so the UI's CSP needs no 'unsafe-inline'.
Every label is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ["#1656b8", "#d9480f", "#2b8a3e", "#e8a200", "#7048e8", "#c2255c", "#0c8599", "#868e96",
           "#5c940d", "#a61e4d", "#364fc7", "#e67700"]
SEVERITY_COLORS = {"critical": "#8b0000", "high": "#d9480f", "medium": "#e8a200", "low": "#5c7cfa",
                   "info": "#868e96"}


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** (len(str(int(v))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return float(step * mag)
    return float(10 * mag)


def hbar(items: Sequence[tuple[str, float]], *, title: str, width: int = 420, color: str = PALETTE[0],
         href: Sequence[str] | None = None) -> Markup:
    """Horizontal bars: one row per (label, value)."""
    row, left, right = 22, 170, 44
    height = 30 + row * max(1, len(items))
    vmax = _nice_max(max((v for _, v in items), default=0))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 20 + i * row
        w = (width - left - right) * (value / vmax)
        text = escape(label if len(label) <= 15 else label[:14] + "…")
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{text}</text>')
        bar = f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{color}"><title>{escape(label)}: {value:g}</title></rect>'
        if href:
            bar = f'<a href="{escape(href[i])}">{bar}</a>'
        parts.append(bar)
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{value:g}</text>')
    if not items:
        parts.append(f'<text x="{width / 2}" y="30" text-anchor="middle">暂无数据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()


def count_ticks(v: float, most: int = 5) -> list[int]:
    """Integer ticks from 0 covering ``v`` (counts are whole numbers: never 0.5 or 2.5 findings),
    steps 1, 2, 5, 10, 20, 50, ... and at most ``most`` ticks."""
    top = max(1, math.ceil(v))
    mag = 1
    while True:
        for step in (mag, 2 * mag, 5 * mag):
            if math.ceil(top / step) <= most - 1:
                return list(range(0, math.ceil(top / step) * step + 1, step))
        mag *= 10


def _month_label(x: str, i: int) -> tuple[str, str]:
    """``2026-01`` -> ("1月", "2026") on the first column and in January, else ("5月", "")."""
    if len(x) == 7 and x[4] == "-" and x[5:].isdigit():
        month = int(x[5:])
        return f"{month}月", (x[:4] if i == 0 or month == 1 else "")
    return x, ""


def _legend(entries: Sequence[tuple[str, str]], x0: int, y0: float, width: int) -> tuple[list[str], float]:
    """Swatches with labels, wrapped onto rows that fit ``width``; returns (parts, height used)."""
    parts, x, y = [], x0, y0
    for fill, label in entries:
        need = 18 + 12 * len(label) + 12
        if x > x0 and x + need > width:
            x, y = x0, y + 16
        parts.append(f'<rect x="{x}" y="{y:.0f}" width="10" height="10" fill="{fill}"/>'
                     f'<text x="{x + 14}" y="{y + 9:.0f}">{escape(label)}</text>')
        x += need
    return parts, (y - y0) + 16 if entries else 0


def _axis(parts: list[str], ticks: list[int], left: int, right: float, top: int, plot_h: float) -> None:
    vmax = ticks[-1]
    for v in ticks:
        y = top + plot_h - plot_h * v / vmax
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')


def _x_labels(parts: list[str], x_labels: Sequence[str], xs: Sequence[float], y: float) -> None:
    n = len(x_labels)
    for i, x in enumerate(x_labels):
        if n > 12 and i % 2:
            continue
        month, year = _month_label(x, i)
        parts.append(f'<text x="{xs[i]:.1f}" y="{y:.0f}" text-anchor="middle">{escape(month)}</text>')
        if year:
            parts.append(f'<text x="{xs[i]:.1f}" y="{y + 13:.0f}" text-anchor="middle" fill="#777">{year}</text>')


def _svg_open(width: int, height: float, title: str) -> list[str]:
    return [f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" preserveAspectRatio="xMinYMin meet" '
            f'role="img" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>']


def stacked_columns(x_labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                    colors: dict[str, str] | None = None, labels: dict[str, str] | None = None,
                    width: int = 480, height: int = 240) -> Markup:
    """Columns per x (e.g. month), stacked by series (e.g. severity), integer count axis, a legend."""
    left, right, top, xaxis = 34, 16, 12, 38
    names = list(series)
    entries = [((colors or {}).get(nm, PALETTE[j % len(PALETTE)]), str((labels or {}).get(nm, nm)))
               for j, nm in enumerate(names)]
    legend, legend_h = _legend(entries, left, 0, width)
    plot_h = height - top - xaxis - legend_h - 6
    n = max(1, len(x_labels))
    totals = [sum(s[i] for s in series.values()) for i in range(len(x_labels))]
    ticks = count_ticks(max(totals, default=0))
    vmax = ticks[-1]
    plot_w = width - left - right
    col = plot_w / n
    parts = _svg_open(width, height, title)
    _axis(parts, ticks, left, width - right, top, plot_h)
    for i, x in enumerate(x_labels):
        base = 0.0
        for j, name in enumerate(names):
            v = series[name][i]
            if v <= 0:
                continue
            h = plot_h * v / vmax
            y = top + plot_h - plot_h * (base + v) / vmax
            parts.append(f'<rect x="{left + i * col + col * 0.15:.1f}" y="{y:.1f}" width="{col * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="{entries[j][0]}"><title>{escape(x)} {escape(entries[j][1])}: '
                         f'{v:g}</title></rect>')
            base += v
    _x_labels(parts, x_labels, [left + i * col + col / 2 for i in range(len(x_labels))], top + plot_h + 14)
    parts += _shift(legend, top + plot_h + xaxis)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()


def _shift(parts: list[str], dy: float) -> list[str]:
    """Move legend parts (built at y=0) down by ``dy``."""
    return [re.sub(r'y="(-?[\d.]+)"', lambda m: f'y="{float(m.group(1)) + dy:.0f}"', p) for p in parts]


def lines(x_labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
          width: int = 480, height: int = 220) -> Markup:
    """One polyline per series over x (e.g. new vs resolved per month), integer count axis, a legend."""
    left, right, top, xaxis = 34, 22, 12, 38
    entries = [(PALETTE[j % len(PALETTE)], name) for j, name in enumerate(series)]
    legend, legend_h = _legend(entries, left, 0, width)
    plot_h = height - top - xaxis - legend_h - 6
    n = max(1, len(x_labels))
    ticks = count_ticks(max((max(s, default=0) for s in series.values()), default=0))
    vmax = ticks[-1]
    plot_w = width - left - right
    step = plot_w / max(1, n - 1)
    parts = _svg_open(width, height, title)
    _axis(parts, ticks, left, width - right, top, plot_h)
    _x_labels(parts, x_labels, [left + i * step for i in range(len(x_labels))], top + plot_h + 14)
    for j, (name, values) in enumerate(series.items()):
        color = entries[j][0]
        pts = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / vmax:.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for i, v in enumerate(values):
            parts.append(f'<circle cx="{left + i * step:.1f}" cy="{top + plot_h - plot_h * v / vmax:.1f}" r="3" '
                         f'fill="{color}"><title>{escape(x_labels[i])} {escape(name)}: {v:g}</title></circle>')
    parts += _shift(legend, top + plot_h + xaxis)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()
