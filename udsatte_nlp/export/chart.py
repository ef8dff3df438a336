"""Charts: inline SVG strings for the web page, PNG images for Word.

The SVG charts need no plotting library, no scripts and fetch nothing; every
text that goes into one is XML-escaped here. The PNG charts (for documents
people paste figures from) are drawn with matplotlib's Agg backend on a
:class:`~matplotlib.figure.Figure` of their own (no pyplot, so no global state
and safe in the app's threads): :func:`new_figure` and :func:`figure_png` are
the shared frame, :func:`bar_chart_png` and :func:`bars_png` the theme sizes,
:func:`share_intervals_png` the yearly shares with their intervals.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import NamedTuple

from .summary import ThemeSummary, percent
from .util import xml_safe

__all__ = ["bar_chart_svg", "trend_chart_svg", "bar_chart_png", "bars_png", "new_figure", "figure_png", "wrap_label"]

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


# ----------------------------------------------------------------- shares per year with intervals
# (the yearly comparison: one small panel per theme, the share each year with its 95 % interval)
__all__ += ["ShareSeries", "share_intervals_svg", "share_intervals_png"]


class ShareSeries(NamedTuple):
    """One theme's share per year with a (low, high) interval per year, for the small-multiple charts."""

    label: str
    shares: Mapping[int, float]
    intervals: Mapping[int, tuple[float, float]]
    caption: str = ""  # e.g. the course in words: "toppede i 2014"
    color: str = "#0072B2"


def _axis(share: float) -> str:
    """An axis label: ``0 %``, ``7,5 %``, ``40 %``."""
    return "0 %" if share == 0 else percent(share)


def _panel_top(s: ShareSeries) -> float:
    """A round top for one panel's axis that holds every interval (at least 10 %)."""
    peak = max([hi for _, hi in s.intervals.values()] + list(s.shares.values()) + [0.0])
    step = 0.05 if peak <= 0.3 else 0.1
    return min(1.0, max(0.1, step * math.ceil(peak / step - 1e-9)))


def share_intervals_svg(
    series: Sequence[ShareSeries],
    years: Sequence[int],
    *,
    title: str = "Temaernes andel af årets input, med 95 %-usikkerhed",
    columns: int = 3,
    width: int = 760,
) -> str:
    """Small multiples: per theme its share each year (dot and line) with the interval as a bar."""
    gap, head, panel_h, foot = 18, 40, 120, 26
    columns = max(1, min(columns, len(series) or 1))
    panel_w = (width - gap * (columns - 1)) / columns
    rows = math.ceil(len(series) / columns) if series else 1
    cell_h = head + panel_h + foot
    height = 30 + rows * (cell_h + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{_e(title)}" style="{_FONT};font-size:11px">',
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="18" style="font-size:15px;font-weight:600">{_e(title)}</text>',
    ]
    for i, s in enumerate(series):
        x0 = (i % columns) * (panel_w + gap)
        y0 = 30 + (i // columns) * (cell_h + gap)
        left, right = 38, 8
        plot_w = panel_w - left - right
        top = _panel_top(s)
        base = y0 + head + panel_h

        def y_of(share: float, base: float = base, top: float = top) -> float:
            return base - panel_h * share / top

        xs = {year: x0 + left + plot_w * (j + 0.5) / max(len(years), 1) for j, year in enumerate(years)}
        parts.append(f'<text x="{x0:.1f}" y="{y0 + 14}" style="font-size:12px;font-weight:600">{_e(_short(s.label, 34))}</text>')
        if s.caption:
            parts.append(f'<text x="{x0:.1f}" y="{y0 + 29}" fill="#595959">{_e(_short(s.caption, 44))}</text>')
        for share in (0.0, top / 2, top):
            y = y_of(share)
            parts.append(
                f'<line x1="{x0 + left:.1f}" y1="{y:.1f}" x2="{x0 + panel_w - right:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                f'<text x="{x0 + left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="#595959">{_e(_axis(share))}</text>'
            )
        for year, x in xs.items():
            parts.append(f'<text x="{x:.1f}" y="{base + 16:.1f}" text-anchor="middle">{year}</text>')
        for year, x in xs.items():
            lo, hi = s.intervals.get(year, (0.0, 0.0))
            parts.append(
                f'<line x1="{x:.1f}" y1="{y_of(lo):.1f}" x2="{x:.1f}" y2="{y_of(hi):.1f}" stroke="{s.color}"'
                f' stroke-width="6" stroke-opacity="0.3" stroke-linecap="round">'
                f"<title>{_e(s.label)}, {year}: 95 %-interval {_e(percent(lo))}–{_e(percent(hi))}</title></line>"
            )
        points = [(xs[y], y_of(s.shares.get(y, 0.0))) for y in years]
        parts.append(
            f'<polyline fill="none" stroke="{s.color}" stroke-width="1.5" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + '"/>'
        )
        for (x, y), year in zip(points, years, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.color}">'
                f"<title>{_e(s.label)}, {year}: {_e(percent(s.shares.get(year, 0.0)))}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def share_intervals_png(
    series: Sequence[ShareSeries],
    years: Sequence[int],
    *,
    title: str = "Temaernes andel af årets input, med 95 %-usikkerhed",
    columns: int = 3,
    dpi: int = 150,
) -> bytes:
    """The same small multiples as :func:`share_intervals_svg`, as PNG bytes (matplotlib, Agg backend).

    Nothing is written to disk and matplotlib's global state is left as it was
    (the figure is made without pyplot).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    columns = max(1, min(columns, len(series) or 1))
    rows = math.ceil(len(series) / columns) if series else 1
    fig = Figure(figsize=(2.55 * columns, 1.9 * rows + 0.5), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    axes = fig.subplots(rows, columns, squeeze=False)
    xs = list(range(len(years)))
    for ax, s in zip(axes.flat, series, strict=False):
        shares = [s.shares.get(y, 0.0) for y in years]
        lows = [s.intervals.get(y, (v, v))[0] for y, v in zip(years, shares, strict=True)]
        highs = [s.intervals.get(y, (v, v))[1] for y, v in zip(years, shares, strict=True)]
        err = [[max(0.0, v - lo) for v, lo in zip(shares, lows, strict=True)],
               [max(0.0, hi - v) for v, hi in zip(shares, highs, strict=True)]]  # fmt: skip
        ax.errorbar(xs, shares, yerr=err, fmt="-o", color=s.color, ecolor=s.color, elinewidth=4, alpha=0.9,
                    markersize=3.5, linewidth=1.2, capsize=0)  # fmt: skip
        ax.set_ylim(0, _panel_top(s))
        ax.set_xticks(xs, [str(y) for y in years], fontsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis(v)))
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", color="#e3e3e3", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(_short(s.label, 30) + (f"\n{_short(s.caption, 36)}" if s.caption else ""), fontsize=8,
                     loc="left")  # fmt: skip
    for ax in list(axes.flat)[len(series):]:
        ax.set_visible(False)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# ----------------------------------------------------------------- PNG (matplotlib)
#: Resolution of PNG charts: sharp in print and when pasted into a report.
PNG_DPI = 200
_PNG_FONT = 9


def new_figure(width_in: float, height_in: float) -> tuple[object, object]:
    """A matplotlib ``(figure, axes)`` on the Agg canvas, styled for reports (no top/right frame)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=_PNG_FONT)
    return fig, ax


def figure_png(fig: object, *, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes; the same figure always gives the same bytes (no time stamp or version)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})  # type: ignore[attr-defined]
    return buf.getvalue()


def wrap_label(text: str, width: int = 28, lines: int = 2) -> str:
    """A label broken between words onto at most ``lines`` lines (the last one shortened with …)."""
    import textwrap

    parts = textwrap.wrap(xml_safe(text), width, break_long_words=False, break_on_hyphens=False) or [""]
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1 :])
        parts = parts[: lines - 1] + [textwrap.shorten(rest, width, placeholder="…") if " " in rest else _short(rest, width)]
    return "\n".join(parts)


def bars_png(
    labels: Sequence[str],
    values: Sequence[float],
    colors: Sequence[str],
    *,
    notes: Sequence[str] | None = None,
    title: str = "",
    xlabel: str = "",
    width_in: float = 6.3,
) -> bytes:
    """Horizontal bars, first on top, each with a note at its end (``"25 (16 %)"``)."""
    n = max(len(labels), 1)
    wrapped = [wrap_label(x) for x in labels]
    rows = sum(max(1, w.count("\n") + 1) for w in wrapped)
    fig, ax = new_figure(width_in, 0.6 + 0.24 * rows + 0.12 * n)
    y = list(range(len(labels)))
    ax.barh(y, values, color=list(colors), height=0.7)  # type: ignore[attr-defined]
    ax.set_yticks(y, wrapped)  # type: ignore[attr-defined]
    ax.invert_yaxis()  # type: ignore[attr-defined]
    ax.tick_params(axis="y", length=0)  # type: ignore[attr-defined]
    biggest = max(values, default=0) or 1
    for i, v in enumerate(values):
        if notes:
            ax.text(v + biggest * 0.01, i, notes[i], va="center", fontsize=_PNG_FONT)  # type: ignore[attr-defined]
    ax.set_xlim(0, biggest * 1.22)  # type: ignore[attr-defined]
    ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[attr-defined]
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=_PNG_FONT)  # type: ignore[attr-defined]
    if title:
        ax.set_title(xml_safe(title), fontsize=_PNG_FONT + 2, loc="left", fontweight="bold")  # type: ignore[attr-defined]
    return figure_png(fig)


def bar_chart_png(themes: Sequence[ThemeSummary], *, title: str = "Temaer efter antal input", width_in: float = 6.3) -> bytes:
    """Each theme's number and share of inputs as horizontal bars in the theme's colour, largest first."""
    return bars_png(
        [t.label for t in themes],
        [t.size for t in themes],
        [t.color for t in themes],
        notes=[f"{t.size} ({percent(t.share)})" for t in themes],
        title=title,
        xlabel="Antal input",
        width_in=width_in,
    )
