"""Charts as inline SVG strings: no plotting library, no scripts, nothing fetched.

Every text that goes into a chart is XML-escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .summary import ThemeSummary, percent
from .util import xml_safe

__all__ = ["bar_chart_svg", "trend_chart_svg"]

_FONT = "font-family:Segoe UI,Helvetica,Arial,sans-serif"


def _e(text: str) -> str:
    return escape(xml_safe(text), quote=True)


def _short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def bar_chart_svg(themes: Sequence[ThemeSummary], *, title: str = "Temaer efter antal input", width: int = 760) -> str:
    """Horizontal bars: each theme's number and share of inputs, largest first."""
    row, top, left, right = 26, 34, 300, 110
    height = top + row * max(len(themes), 1) + 10
    biggest = max((t.size for t in themes), default=0) or 1
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{_e(title)}" style="{_FONT};font-size:13px">',
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="18" style="font-size:15px;font-weight:600">{_e(title)}</text>',
    ]
    for i, t in enumerate(themes):
        y = top + i * row
        w = max(2.0, span * t.size / biggest)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_e(_short(t.label))}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{t.color}" rx="2">'
            f"<title>{_e(t.label)}: {t.size} input ({percent(t.share)})</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + 15}">{t.size} ({_e(percent(t.share))})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_chart_svg(
    themes: Sequence[ThemeSummary],
    years: Sequence[int],
    *,
    title: str = "Temaernes andel af input pr. år",
    width: int = 760,
) -> str:
    """One line per theme: its share of each year's inputs, with a legend below."""
    left, right, top, plot_h = 50, 20, 34, 240
    legend_row = 20
    height = top + plot_h + 40 + legend_row * ((len(themes) + 1) // 2)
    plot_w = width - left - right
    peak = max((y.share for t in themes for y in t.over_time), default=0.0)
    ymax = max(0.1, min(1.0, (int(peak * 10) + 1) / 10))
    xs = {year: left + (plot_w * (i + 0.5) / max(len(years), 1)) for i, year in enumerate(years)}

    def y_of(share: float) -> float:
        return top + plot_h - plot_h * share / ymax

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{_e(title)}" style="{_FONT};font-size:12px">',
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="18" style="font-size:15px;font-weight:600">{_e(title)}</text>',
    ]
    for k in range(6):  # grid and y axis labels
        share = ymax * k / 5
        y = y_of(share)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(percent(share))}</text>'
        )
    for year, x in xs.items():
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{year}</text>')
    for i, t in enumerate(themes):
        by_year = {y.year: y.share for y in t.over_time}
        points = [(xs[y], y_of(by_year.get(y, 0.0))) for y in years]
        dash = ' stroke-dasharray="4 3"' if t.is_outlier else ""
        parts.append(
            f'<polyline fill="none" stroke="{t.color}" stroke-width="2.5"{dash} points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + '"/>'
        )
        for (x, y), year in zip(points, years, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{t.color}">'
                f"<title>{_e(t.label)}, {year}: {_e(percent(by_year.get(year, 0.0)))}</title></circle>"
            )
        lx = left + (i % 2) * (plot_w / 2)
        ly = top + plot_h + 40 + (i // 2) * legend_row
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="14" height="4" fill="{t.color}"/>'
            f'<text x="{lx + 20:.1f}" y="{ly - 4}">{_e(_short(t.label, 48))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
