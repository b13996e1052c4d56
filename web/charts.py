"""Charts as inline SVG, rendered on the server (no JavaScript, no external files).

Only presentation attributes are used (no ``style``), so the UI's CSP needs no 'unsafe-inline'.
Every label is escaped.
"""

from __future__ import annotations

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


def hbar(items: Sequence[tuple[str, float]], *, title: str, width: int = 520, color: str = PALETTE[0],
         href: Sequence[str] | None = None) -> Markup:
    """Horizontal bars: one row per (label, value)."""
    row, left, right = 22, 170, 60
    height = 30 + row * max(1, len(items))
    vmax = _nice_max(max((v for _, v in items), default=0))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 20 + i * row
        w = (width - left - right) * (value / vmax)
        text = escape(label if len(label) <= 14 else label[:13] + "…")
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


def stacked_columns(x_labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                    colors: dict[str, str] | None = None, labels: dict[str, str] | None = None,
                    width: int = 640, height: int = 260) -> Markup:
    """Columns per x (e.g. month), stacked by series (e.g. severity), with a legend."""
    left, bottom, top = 40, 40, 30
    n = max(1, len(x_labels))
    totals = [sum(s[i] for s in series.values()) for i in range(len(x_labels))]
    vmax = _nice_max(max(totals, default=0))
    plot_w, plot_h = width - left - 10, height - top - bottom
    col = plot_w / n
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>']
    for k in range(5):
        v = vmax * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    names = list(series)
    for i, x in enumerate(x_labels):
        base = 0.0
        for j, name in enumerate(names):
            v = series[name][i]
            if v <= 0:
                continue
            h = plot_h * v / vmax
            y = top + plot_h - plot_h * (base + v) / vmax
            fill = (colors or {}).get(name, PALETTE[j % len(PALETTE)])
            label = (labels or {}).get(name, name)
            parts.append(f'<rect x="{left + i * col + col * 0.15:.1f}" y="{y:.1f}" width="{col * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="{fill}"><title>{escape(x)} {escape(label)}: {v:g}</title></rect>')
            base += v
        if n <= 12 or i % 2 == 0:
            parts.append(f'<text x="{left + i * col + col / 2:.1f}" y="{height - bottom + 14}" '
                         f'text-anchor="middle">{escape(x[2:] if len(x) == 7 else x)}</text>')
    lx = left
    for j, name in enumerate(names):
        fill = (colors or {}).get(name, PALETTE[j % len(PALETTE)])
        label = str((labels or {}).get(name, name))
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{fill}"/>'
                     f'<text x="{lx + 14}" y="{height - 7}">{escape(label)}</text>')
        lx += 24 + 12 * len(label)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()


def lines(x_labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
          width: int = 640, height: int = 240) -> Markup:
    """One polyline per series over x (e.g. new vs resolved per month)."""
    left, bottom, top = 40, 40, 20
    n = max(1, len(x_labels))
    vmax = _nice_max(max((max(s, default=0) for s in series.values()), default=0))
    plot_w, plot_h = width - left - 10, height - top - bottom
    step = plot_w / max(1, n - 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>']
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{vmax * k / 4:g}</text>')
    for i, x in enumerate(x_labels):
        if n <= 12 or i % 2 == 0:
            parts.append(f'<text x="{left + i * step:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                         f'{escape(x[2:] if len(x) == 7 else x)}</text>')
    lx = left
    for j, (name, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / vmax:.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for i, v in enumerate(values):
            parts.append(f'<circle cx="{left + i * step:.1f}" cy="{top + plot_h - plot_h * v / vmax:.1f}" r="3" '
                         f'fill="{color}"><title>{escape(x_labels[i])} {escape(name)}: {v:g}</title></circle>')
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{lx + 14}" y="{height - 7}">{escape(name)}</text>')
        lx += 30 + 12 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()
