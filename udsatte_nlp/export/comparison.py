"""The yearly comparison as files: ``sammenligning.md/.html/.docx/.xlsx`` and the chart as ``.svg``/``.png``.

Each file says the same: the sentences of
:func:`~udsatte_nlp.compare.comparison_sentences`, how the years differ (kinds
and numbers of documents), a table with each theme's inputs and share per
year, its course (*Udvikling*), how sure that is (*Sikkerhed*) and any note
(*Bemærkning*), the documents of each year with their kind, how the course was
judged (two sentences, :data:`~udsatte_nlp.trends.METHOD_TEXT`) and the
summary's method note. The chart shows each theme's share per year with its
95 % interval. Every file is written atomically (temp file, then rename).
"""

from __future__ import annotations

import os
from html import escape as _html_escape
from pathlib import Path
from typing import Any

from ..compare import Comparison, ThemeChange, comparison_sentences, share_text
from ..trends import METHOD_TEXT
from .chart import ShareSeries, share_intervals_png, share_intervals_svg
from .md import md_escape
from .util import xml_safe

__all__ = ["write_comparison", "render_md", "render_html", "chart_series", "FILES"]

#: The files :func:`write_comparison` writes, by suffix.
FILES = ("md", "html", "svg", "png", "docx", "xlsx")


def _title(c: Comparison) -> str:
    return f"Sammenligning af temaerne {c.years[0]}–{c.years[-1]}"


def _basis(summary: Any, c: Comparison) -> str:
    per = "pr. dokument (hvert dokument vejer lige meget i sit år)" if c.per_document else "af årets input"
    docs = f"{summary.n_documents} {'dokument' if summary.n_documents == 1 else 'dokumenter'}"
    return (f"{summary.n_units} input fra {docs}: " + ", ".join(f"{y}: {c.totals[y]}" for y in c.years)
            + f". Andelene er temaets andel {per}.")  # fmt: skip


def _themes(c: Comparison) -> list[ThemeChange]:
    return [t for t in c.themes if not t.is_outlier] or c.themes


def chart_series(c: Comparison) -> list[ShareSeries]:
    """One :class:`~udsatte_nlp.export.chart.ShareSeries` per theme (outliers left out when there are others)."""
    return [ShareSeries(t.label, t.shares, t.intervals, _caption(t), t.color) for t in _themes(c)]


def _caption(t: ThemeChange) -> str:
    """``toppede i 2014 · sikker ændring`` (the course alone when nothing changed)."""
    return t.status_label + (f" · {t.certainty_label}" if t.trend and t.trend.is_change else "")


def _cell(t: ThemeChange, year: int) -> str:
    return f"{t.counts.get(year, 0)} ({share_text(t.shares.get(year, 0.0))})"


def _rows(c: Comparison) -> list[list[str]]:
    """Table rows: theme, one cell per year, course, certainty, notes."""
    return [[t.label, *[_cell(t, y) for y in c.years], t.status_label, t.certainty_label, "; ".join(t.notes)]
            for t in c.themes]  # fmt: skip


def _headers(c: Comparison) -> list[str]:
    return ["Tema", *[str(y) for y in c.years], "Udvikling", "Sikkerhed", "Bemærkning"]


def _doc_rows(c: Comparison) -> list[list[str]]:
    return [[str(d.year), d.name, d.kind, str(d.n_units)] for d in c.documents]


_DOC_HEADERS = ["År", "Dokument", "Slags", "Input"]
_TABLE_NOTE = (
    "Tallene er antal input i temaet og deres andel. Udviklingen er vurderet over alle årene, ikke kun det første"
    " og det sidste; grafen viser andelen hvert år med en streg for 95 %-usikkerheden."
)


def render_md(summary: Any, c: Comparison) -> str:
    lines = [f"# {_title(c)}", "", f"*{_basis(summary, c)}*", ""]
    lines += [f"- {md_escape(s)}" for s in comparison_sentences(c)] + [""]
    if c.context:
        lines += [md_escape(s) for s in c.context] + [""]
    headers = _headers(c)
    lines += ["| " + " | ".join(headers) + " |", "|---|" + "---:|" * len(c.years) + "---|---|---|"]
    lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in _rows(c)]
    lines += ["", _TABLE_NOTE + " Grafen ligger i sammenligning.html, .svg, .png og .docx.", ""]
    if c.documents:
        lines += ["## Dokumenter pr. år", "", "| " + " | ".join(_DOC_HEADERS) + " |", "|---:|---|---|---:|"]
        lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in _doc_rows(c)] + [""]
    lines += ["## Sådan er udviklingen vurderet", "", md_escape(METHOD_TEXT), ""]
    lines += ["## Metode", "", md_escape(summary.method_note), ""]
    return "\n".join(lines)


def _e(text: object) -> str:
    return _html_escape(xml_safe(str(text)), quote=True)


def render_html(summary: Any, c: Comparison, svg: str | None = None) -> str:
    from .html import CSP, STYLE

    svg = svg if svg is not None else share_intervals_svg(chart_series(c), c.years)

    def table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
        head = "".join(f"<th>{_e(h)}</th>" for h in headers)
        num = ' class="n"'
        body = "".join(
            "<tr>" + "".join(f"<td{num if i in numeric else ''}>{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>"
            for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"

    years = set(range(1, len(c.years) + 1))
    out = [
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        f"<title>{_e(_title(c))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        f"<h1>{_e(_title(c))}</h1>\n",
        f'<p class="sub">{_e(_basis(summary, c))}</p>\n',
        "<ul>\n" + "".join(f"<li>{_e(s)}</li>\n" for s in comparison_sentences(c)) + "</ul>\n",
        "".join(f"<p><strong>{_e(s)}</strong></p>\n" for s in c.context),
        f"<figure>{svg}</figure>\n",
        table(_headers(c), _rows(c), years),
        f"<p>{_e(_TABLE_NOTE)}</p>\n",
    ]
    if c.documents:
        out += ["<h2>Dokumenter pr. år</h2>\n", table(_DOC_HEADERS, _doc_rows(c), {0, 3})]
    out += [
        f'<h2>Sådan er udviklingen vurderet</h2>\n<p class="method">{_e(METHOD_TEXT)}</p>\n',
        f'<h2>Metode</h2>\n<p class="method">{_e(summary.method_note)}</p>\n</body>\n</html>\n',
    ]
    return "".join(out)


def _write_docx(summary: Any, c: Comparison, png: bytes, path: Path) -> None:
    import io

    from docx import Document
    from docx.shared import Cm, Pt

    from .docx import _cell, _danish

    doc = Document()
    _danish(doc)
    doc.core_properties.title = xml_safe(_title(c))
    doc.core_properties.author = "udsatte-nlp"
    doc.core_properties.language = "da-DK"
    doc.add_heading(xml_safe(_title(c)), level=0)
    doc.add_paragraph(xml_safe(_basis(summary, c))).runs[0].italic = True
    for s in comparison_sentences(c):
        doc.add_paragraph(xml_safe(s), style="List Bullet")
    for s in c.context:
        doc.add_paragraph().add_run(xml_safe(s)).bold = True
    doc.add_picture(io.BytesIO(png), width=Cm(16))
    headers, rows = _headers(c), _rows(c)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, h, bold=True)
    for row in rows:
        for cell, v in zip(table.add_row().cells, row, strict=True):
            _cell(cell, v)
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    doc.add_paragraph(_TABLE_NOTE)
    if c.documents:
        doc.add_heading("Dokumenter pr. år", level=1)
        t = doc.add_table(rows=1, cols=len(_DOC_HEADERS))
        t.style = "Table Grid"
        for cell, h in zip(t.rows[0].cells, _DOC_HEADERS, strict=True):
            _cell(cell, h, bold=True)
        for row in _doc_rows(c):
            for cell, v in zip(t.add_row().cells, row, strict=True):
                _cell(cell, v)
    doc.add_heading("Sådan er udviklingen vurderet", level=1)
    doc.add_paragraph(METHOD_TEXT)
    doc.add_heading("Metode", level=1)
    doc.add_paragraph(xml_safe(summary.method_note))
    doc.save(str(path))


def _write_xlsx(summary: Any, c: Comparison, path: Path) -> None:
    """Sheet ``Udvikling`` (numbers a report can quote: shares, intervals, p-values) and ``Dokumenter``."""
    from openpyxl import Workbook

    from .xlsx import _PERCENT, _sheet

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = _title(c)
    wb.properties.creator = "udsatte-nlp"
    wb.properties.language = "da-DK"
    headers = ["Tema", *[f"Antal {y}" for y in c.years], *[f"Andel {y}" for y in c.years],
               *[f"Fra {y}" for y in c.years], *[f"Til {y}" for y in c.years],
               "Udvikling", "Sikkerhed", "p-værdi", "Styrke", "Bemærkning"]  # fmt: skip
    rows = []
    for t in c.themes:
        lows = [t.intervals.get(y, (0.0, 0.0))[0] for y in c.years]
        highs = [t.intervals.get(y, (0.0, 0.0))[1] for y in c.years]
        rows.append([t.label, *[t.counts.get(y, 0) for y in c.years], *[t.shares.get(y, 0.0) for y in c.years],
                     *lows, *highs, t.status_label, t.certainty_label,
                     round(t.trend.p_value, 4) if t.trend else None, round(t.trend.power, 2) if t.trend else None,
                     "; ".join(t.notes)])  # fmt: skip
    n = len(c.years)
    ws = _sheet(wb, "Udvikling", headers, rows, [34, *[9] * (4 * n), 20, 20, 9, 8, 60])
    for col in ws.iter_cols(min_col=2 + n, max_col=1 + 4 * n, min_row=2):
        for cell in col:
            cell.number_format = _PERCENT
    ws.append([])
    from .util import sheet_cell

    for text in [_basis(summary, c), *c.context,
                 "«Fra» og «Til» er 95 %-usikkerheden om andelen; p-værdien hører til den nævnte udvikling,"
                 " styrken er testens chance for at opdage en fordobling eller halvering.",
                 METHOD_TEXT]:  # fmt: skip
        ws.append([sheet_cell(text)])
    if c.documents:
        _sheet(wb, "Dokumenter", _DOC_HEADERS, [[d.year, d.name, d.kind, d.n_units] for d in c.documents],
               [7, 40, 14, 8])  # fmt: skip
    wb.save(str(path))


def _atomic(path: Path, write: Any) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_comparison(summary: Any, comparison: Comparison, out: str | Path) -> list[Path]:
    """Write ``sammenligning.{md,html,svg,png,docx,xlsx}`` into the folder ``out``; returns the paths."""
    out = Path(out)
    series = chart_series(comparison)
    svg = share_intervals_svg(series, comparison.years)
    png = share_intervals_png(series, comparison.years)
    writers = {
        "md": lambda p: p.write_text(render_md(summary, comparison), encoding="utf-8"),
        "html": lambda p: p.write_text(render_html(summary, comparison, svg), encoding="utf-8"),
        "svg": lambda p: p.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + svg, encoding="utf-8"),
        "png": lambda p: p.write_bytes(png),
        "docx": lambda p: _write_docx(summary, comparison, png, p),
        "xlsx": lambda p: _write_xlsx(summary, comparison, p),
    }
    return [_atomic(out / f"sammenligning.{suffix}", writers[suffix]) for suffix in FILES]
