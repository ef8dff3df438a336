"""Charts: inline SVG strings for the web page, PNG images for Word.

The SVG charts need no plotting library, no scripts and fetch nothing; every
text that goes into one is XML-escaped here. The PNG charts (for documents
people paste figures from) are drawn with matplotlib's Agg backend on a
:class:`~matplotlib.figure.Figure` of their own (no pyplot, so no global state
and safe in the app's threads): :func:`new_figure` and :func:`figure_png` are
the shared frame, :func:`bar_chart_png` and :func:`bars_png` the theme sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

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
