"""Excel export (openpyxl): sheets ``Temaer``, ``Input``, ``Rettelser`` and, with several years, ``Over tid``.

``Temaer`` holds a native Excel bar chart of the themes' sizes (the same chart
as the Word report's image), which staff can restyle and paste.

Every text cell goes through :func:`~udsatte_nlp.export.util.sheet_cell`, so an
input such as ``=HYPERLINK(…)`` stays text and control characters never break
the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import text as T
from .summary import Summary
from .util import sheet_cell, xml_safe

_PERCENT = "0.0%"
_ASSIGNED = {"model": "værktøjet", "human": "medarbejder", None: ""}


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> Any:
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


def write(summary: Summary, path: str | Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = summary.title
    wb.properties.creator = "udsatte-nlp"
    wb.properties.language = "da-DK"

    ws = _sheet(
        wb,
        "Temaer",
        ["Nr.", "Tema", "Beskrivelse", "Antal input", "Andel", "Nøgleord", "Udvalgte citater", "Bemærkning"],
        [
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
        ],
        [5, 34, 40, 12, 9, 40, 80, 40],
    )
    for cell in ws["E"][1:]:
        cell.number_format = _PERCENT
    ws.append([])
    ws.append([sheet_cell("Metode"), sheet_cell(summary.method_note)])
    if summary.themes:
        _size_chart(ws, summary, anchor=f"B{ws.max_row + 2}")

    ws = _sheet(
        wb,
        "Input",
        ["Id", "Tema", "Input", "Kilde", "Dokument", "År", "Afsnit", "Sikkerhed", "Placeret af"],
        [
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
        ],  # fmt: skip
        [7, 30, 70, 40, 24, 7, 30, 10, 13],
    )
    for cell in ws["H"][1:]:
        cell.number_format = "0.000"

    rows = [
        [c["document"], c["position"], c["before"], c["after"], c["rule"], round(float(c["confidence"]), 2),
         "ja" if c["reverted"] else "nej"]
        for c in summary.corrections
    ]  # fmt: skip
    ws = _sheet(wb, "Rettelser", ["Dokument", "Position", "Før", "Efter", "Regel", "Sikkerhed", "Fortrudt"], rows,
                [24, 10, 30, 30, 18, 10, 10])  # fmt: skip
    if not rows:
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
    ws = _sheet(wb, "Over tid", headers, rows, [34, *[11] * (2 * len(years))])
    for col in ws.iter_cols(min_col=2 + len(years), max_col=1 + 2 * len(years), min_row=2):
        for cell in col:
            cell.number_format = _PERCENT

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
