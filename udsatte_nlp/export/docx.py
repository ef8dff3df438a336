"""Word export (python-docx): the report staff edit and send on.

Title, date and method note; a table of themes; then per theme a heading
with its label, description, size and share, keywords, change over the years
(when there are several), 3-5 representative quotes and every input with its
source. The document language is Danish, so Word's spelling check fits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import text as T
from .summary import Summary, percent
from .util import xml_safe

_GREY = (0x59, 0x59, 0x59)


def _danish(document: Any) -> None:
    """Mark the default text language as Danish (w:lang in the document defaults and Normal style)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "da-DK")


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.bold = bold


def write(summary: Summary, path: str | Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt, RGBColor

    doc = Document()
    _danish(doc)
    props = doc.core_properties
    props.title = xml_safe(summary.title)
    props.author = "udsatte-nlp"
    props.language = "da-DK"
    props.comments = "Lavet med udsatte-nlp"

    doc.add_heading(xml_safe(summary.title), level=0)
    sub = doc.add_paragraph()
    run = sub.add_run(T.subtitle(summary))
    run.italic = True
    run.font.color.rgb = RGBColor(*_GREY)

    doc.add_heading("Metode", level=1)
    doc.add_paragraph(xml_safe(summary.method_note))

    doc.add_heading("Oversigt over temaerne", level=1)
    several = T.several_years(summary)
    years = [y.year for y in summary.years] if several else []
    headers = ["#", "Tema", "Input", "Andel", *[str(y) for y in years], "Nøgleord"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, h, bold=True)
    for i, t in enumerate(summary.themes, start=1):
        counts = {y.year: y.n for y in t.over_time}
        values = [str(i), t.label, str(t.size), percent(t.share), *[str(counts.get(y, 0)) for y in years],
                  ", ".join(t.keywords[:5])]  # fmt: skip
        for cell, v in zip(table.add_row().cells, values, strict=True):
            _cell(cell, v)
    if several:
        doc.add_paragraph("Input pr. år: " + ", ".join(f"{y.year}: {y.n}" for y in summary.years) + ".")

    for i, t in enumerate(summary.themes, start=1):
        doc.add_heading(xml_safe(f"{i}. {t.label}"), level=1)
        desc = doc.add_paragraph()
        desc.add_run(xml_safe(t.description) if t.description else T.NO_DESCRIPTION).italic = True
        facts = doc.add_paragraph()
        facts.add_run(T.size_line(t)).bold = True
        facts.add_run("\nNøgleord: ").bold = True
        facts.add_run(xml_safe(T.keywords_line(t)))
        if several:
            facts.add_run("\nOver tid: ").bold = True
            facts.add_run(T.over_time_line(t))
        if t.representatives:
            doc.add_heading("Udvalgte citater", level=2)
            for q in t.representatives:
                doc.add_paragraph(xml_safe(f"»{q}«"), style="Quote")
        members = [u for u in summary.units if u["theme_id"] == t.id]
        doc.add_heading(f"Alle input ({len(members)})", level=2)
        for u in members:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(xml_safe(u["text"]))
            src = p.add_run(xml_safe(f"  ({u['source']})"))
            src.font.size = Pt(8)
            src.font.color.rgb = RGBColor(*_GREY)
    doc.save(str(path))
