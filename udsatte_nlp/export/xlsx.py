"""Excel export (openpyxl): sheets ``Temaer``, ``Input``, ``Rettelser`` and, with several years, ``Over tid``.

``Temaer`` holds a native Excel bar chart of the themes' sizes (the same chart
as the Word report's image), which staff can restyle and paste.

Every text cell goes through :func:`~udsatte_nlp.export.util.sheet_cell`, so an
input such as ``=HYPERLINK(…)`` stays text and control characters never break
the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import text as T
from .summary import Summary
from .util import sheet_cell, xml_safe

_PERCENT = "0.0%"
_ASSIGNED = {"model": "værktøjet", "human": "medarbejder", None: ""}


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> Any:
    """A sheet of a workbook held in memory (the yearly comparison's few rows); see :func:`_stream_sheet`."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    for row in rows:
        ws.append([sheet_cell(v) for v in row])
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
                if len(cell.value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    return ws


def _stream_sheet(
    wb: Any,
    title: str,
    headers: list[str],
    rows: Iterable[list[Any]],
    widths: list[int],
    formats: dict[int, str] | None = None,
) -> tuple[Any, int]:
    """A sheet in a write-only workbook: a styled header, then ``rows`` streamed to the file
    (a national project's 300,000 inputs never sit in memory as cells). ``formats`` maps a
    column index (0-based) to its number format. Returns the sheet and its number of data rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):  # before the first row: a streamed sheet writes them first
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="305496")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = font, fill
        header.append(cell)
    ws.append(header)
    formats = formats or {}
    n = 0
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            value = sheet_cell(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # never a formula
                if len(value) > 40:
                    cell.alignment = wrap
            elif i in formats and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = formats[i]
            else:
                cell = value
            cells.append(cell)
        ws.append(cells)
        n += 1
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    return ws, n


def write(summary: Summary, path: str | Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # rows go straight to the file: memory does not grow with the inputs
    wb.properties.title = summary.title
    wb.properties.creator = "udsatte-nlp"
    wb.properties.language = "da-DK"

    ws, n = _stream_sheet(
        wb,
        "Temaer",
        ["Nr.", "Tema", "Beskrivelse", "Antal input", "Andel", "Nøgleord", "Udvalgte citater", "Bemærkning"],
        (
            [
                i,
                t.label,
                t.description,
                t.size,
                t.share,
                ", ".join(t.keywords),
                "\n".join(f"»{q}«" for q in t.representatives),
                T.quality_line(t),
            ]
            for i, t in enumerate(summary.themes, start=1)
        ),
        [5, 34, 40, 12, 9, 40, 80, 40],
        formats={4: _PERCENT},
    )
    ws.append([])
    ws.append([sheet_cell("Metode"), sheet_cell(summary.method_note)])
    if summary.themes:
        _size_chart(ws, summary, anchor=f"B{n + 1 + 2 + 2}")

    _stream_sheet(
        wb,
        "Input",
        ["Id", "Tema", "Input", "Kilde", "Dokument", "År", "Afsnit", "Sikkerhed", "Placeret af"],
        (
            [
                u["unit_id"],
                u["theme_label"],
                u["text"],
                u["source"],
                u["document"],
                u["year"],
                u["section"],
                None if u["score"] is None else round(float(u["score"]), 3),
                _ASSIGNED.get(u.get("assigned_by"), ""),
            ]
            for u in summary.units
        ),  # fmt: skip
        [7, 30, 70, 40, 24, 7, 30, 10, 13],
        formats={7: "0.000"},
    )

    rows = (
        [c["document"], c["position"], c["before"], c["after"], c["rule"], round(float(c["confidence"]), 2),
         "ja" if c["reverted"] else "nej"]
        for c in summary.corrections
    )  # fmt: skip
    ws, n = _stream_sheet(wb, "Rettelser", ["Dokument", "Position", "Før", "Efter", "Regel", "Sikkerhed", "Fortrudt"], rows,
                   [24, 10, 30, 30, 18, 10, 10])  # fmt: skip
    if not n:
        ws.append([sheet_cell("Rensningen ændrede intet i teksterne.")])

    if len(summary.years) > 1:
        _over_time(wb, summary)
    wb.save(str(path))


def _size_chart(ws: Any, summary: Summary, anchor: str) -> None:
    """A horizontal bar chart of column D (``Antal input``) by theme, largest on top, bars in the themes' colours."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint

    n = len(summary.themes)
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Temaer efter antal input"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=n + 1))
    series = chart.series[0]
    for i, t in enumerate(summary.themes):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = t.color.lstrip("#").upper()
        point.graphicalProperties.line.solidFill = t.color.lstrip("#").upper()
        series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, flag, False)
    chart.gapWidth = 40
    chart.x_axis.scaling.orientation = "maxMin"  # the first (largest) theme on top, as in the table
    chart.y_axis.crosses = "max"  # and the value axis stays at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = "Antal input"
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = 22, max(7.5, 1.0 * n + 3)
    ws.add_chart(chart, anchor)


def _over_time(wb: Any, summary: Summary) -> None:
    """Counts and shares per theme and year, with a line chart of the shares."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.series import SeriesLabel

    years = [y.year for y in summary.years]
    headers = ["Tema", *[f"Antal {y}" for y in years], *[f"Andel {y}" for y in years]]
    rows = []
    for t in summary.themes:
        by = {y.year: y for y in t.over_time}
        rows.append([t.label, *[by[y].n for y in years], *[by[y].share for y in years]])
    rows.append(["I alt", *[y.n for y in summary.years], *[1.0 for _ in years]])
    ws, _ = _stream_sheet(wb, "Over tid", headers, rows, [34, *[11] * (2 * len(years))],
                   formats={c: _PERCENT for c in range(1 + len(years), 1 + 2 * len(years))})

    chart = LineChart()
    chart.title = "Temaernes andel af input pr. år"
    chart.y_axis.title = "Andel"
    chart.y_axis.number_format = "0%"
    chart.x_axis.title = "År"
    n = len(summary.themes)
    for r in range(2, 2 + n):  # one series per theme (row), over the share columns
        data = Reference(ws, min_col=2 + len(years), max_col=1 + 2 * len(years), min_row=r)
        chart.add_data(data, from_rows=True, titles_from_data=False)
    for s, t in zip(chart.series, summary.themes, strict=True):
        s.tx = SeriesLabel(v=xml_safe(t.label)[:60])
    chart.set_categories(Reference(ws, min_col=2 + len(years), max_col=1 + 2 * len(years), min_row=1))
    chart.width, chart.height = 22, 12
    ws.add_chart(chart, f"A{n + 5}")
