"""Word export (python-docx): the report staff edit and send on, and paste from.

Title, date and method note; a table of themes whose columns are sized for
their content (a theme's name never breaks inside a word, keywords run on a
line); a bar chart of the themes' sizes as an image; then per theme a heading
with its label, description, size and share (said once), keywords, change over
the years (when there are several), 3-5 representative quotes and every input
with its source. A4 pages; the document language is Danish, so Word's spelling
check fits.
"""

from __future__ import annotations

from functools import lru_cache
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


# Page and table geometry (cm). A4 with 2 cm margins leaves 17 cm for the table.
PAGE_W, PAGE_H, MARGIN = 21.0, 29.7, 2.0
TABLE_PT = 10  # the theme table's font size; 9 or 8 when the columns need it (many years)
CELL_PAD_CM = 0.42  # a cell's left and right margins (0.19 cm each in Word and LibreOffice), and some air


def _cell(cell: Any, text: str, *, bold: bool = False, right: bool = False, pt: int = TABLE_PT) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = cell.paragraphs[0]
    for r in list(para.runs):
        r._r.getparent().remove(r._r)
    run = para.add_run(xml_safe(text))
    run.bold = bold
    run.font.size = Pt(pt)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


@lru_cache(maxsize=8)
def _font(bold: bool, pt: int) -> list[Any]:
    """DejaVu Sans and Serif (shipped with matplotlib): wider than Calibri, and what LibreOffice falls back to
    where Calibri is missing, so a text measured to fit in them fits everywhere."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = []
    for family in ("DejaVu Sans", "DejaVu Serif"):
        prop = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
        font = FT2Font(font_manager.findfont(prop, fallback_to_default=True))
        font.set_size(pt, 72)
        fonts.append(font)
    return fonts


def _text_cm(text: str, bold: bool = False, pt: int = TABLE_PT) -> float:
    """The printed width of ``text`` at ``pt`` points in a table cell, in cm (padding included)."""
    width = 0.0
    for font in _font(bold, pt):
        font.set_text(text)
        width = max(width, font.get_width_height()[0] / 64 / 72 * 2.54)
    return width + CELL_PAD_CM


def column_widths(
    header: list[str], rows: list[list[str]], wrap: list[int], total: float, pt: int = TABLE_PT
) -> list[float]:
    """Column widths (cm) that fit the content into ``total``.

    A column not in ``wrap`` (numbers) gets its widest cell. A column in ``wrap``
    (text) gets at least its longest word, so no word is broken. The rest of the
    page is shared between the text columns so that the table has as few lines
    as possible (each row as high as its tallest cell, words wrapped as Word
    wraps them); on a tie the first text column gets more.
    """
    n = len(header)
    full = [max([_text_cm(header[i], True, pt), *(_text_cm(r[i], False, pt) for r in rows)]) for i in range(n)]
    word = [
        max([_text_cm(w, True, pt) for w in header[i].split()]
            + [_text_cm(w, False, pt) for r in rows for w in r[i].split()] or [0.5])
        for i in range(n)
    ]  # fmt: skip
    widths = [full[i] if i not in wrap else word[i] for i in range(n)]
    spare = total - sum(widths)
    if spare <= 0 or not wrap:
        return widths
    if len(wrap) == 1:
        widths[wrap[0]] += spare
        return widths
    first, rest = wrap[0], wrap[1:]
    best: tuple[int, float] | None = None
    steps = 40
    for k in range(steps + 1):
        give = spare * k / steps
        trial = list(widths)
        trial[first] += give
        for i in rest:
            trial[i] += (spare - give) / len(rest)
        height = sum(max(_lines(r[i], trial[i], pt) for i in wrap) for r in rows)
        if best is None or height <= best[0]:
            best = (height, give)
    assert best is not None
    widths[first] += best[1]
    for i in rest:
        widths[i] += (spare - best[1]) / len(rest)
    return widths


def _lines(text: str, width_cm: float, pt: int = TABLE_PT) -> int:
    """How many lines ``text`` takes in a cell ``width_cm`` wide (greedy word wrap, as Word does)."""
    room = width_cm - CELL_PAD_CM
    lines, used = 1, 0.0
    space = _text_cm(" ", False, pt) - CELL_PAD_CM
    for w in text.split():
        size = _text_cm(w, False, pt) - CELL_PAD_CM
        if used and used + space + size > room:
            lines, used = lines + 1, size
        else:
            used += (space if used else 0.0) + size
    return lines


def _fix_widths(table: Any, widths: list[float]) -> None:
    """Fixed column widths that both Word (cell widths) and LibreOffice (the table grid) follow."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _picture(doc: Any, png: bytes, width_cm: float, alt: str) -> None:
    """An image paragraph with alternative text (read aloud by screen readers, shown by Word)."""
    import io

    from docx.shared import Cm

    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    inline = doc.paragraphs[-1].runs[-1]._r.xpath(".//wp:docPr")
    if inline:
        inline[0].set("descr", xml_safe(alt))


def write(summary: Summary, path: str | Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    from .chart import bar_chart_png

    doc = Document()
    _danish(doc)
    for section in doc.sections:
        section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(MARGIN)
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
    rows = []
    for i, t in enumerate(summary.themes, start=1):
        counts = {y.year: y.n for y in t.over_time}
        rows.append([str(i), xml_safe(t.label), str(t.size), percent(t.share),
                     *[str(counts.get(y, 0)) for y in years], xml_safe(", ".join(t.keywords[:5]))])  # fmt: skip
    text_cols = [1, len(headers) - 1]  # the theme's name first, then the keywords
    room = PAGE_W - 2 * MARGIN
    for pt in (TABLE_PT, TABLE_PT - 1, TABLE_PT - 2):  # a smaller font only when the words would not fit
        widths = column_widths(headers, rows, text_cols, room, pt)
        if sum(widths) <= room + 0.01:
            break
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for k, (cell, h) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        _cell(cell, h, bold=True, right=k not in text_cols, pt=pt)
    _repeat_header(table.rows[0])
    for values in rows:
        for k, (cell, v) in enumerate(zip(table.add_row().cells, values, strict=True)):
            _cell(cell, v, right=k not in text_cols, pt=pt)
    _fix_widths(table, widths)
    if several:
        doc.add_paragraph("Input pr. år: " + ", ".join(f"{y.year}: {y.n}" for y in summary.years) + ".")
    if summary.themes:
        doc.add_paragraph()
        _picture(doc, bar_chart_png(summary.themes), PAGE_W - 2 * MARGIN,
                 "Søjlediagram: temaerne efter antal input, " + "; ".join(f"{t.label} {t.size}" for t in summary.themes))

    for i, t in enumerate(summary.themes, start=1):
        doc.add_heading(xml_safe(f"{i}. {t.label}"), level=1)
        desc = doc.add_paragraph()
        desc.add_run(xml_safe(t.description) if t.description else T.NO_DESCRIPTION).italic = True
        if T.quality_line(t):
            doc.add_paragraph(xml_safe(T.quality_line(t)))
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
        doc.add_heading("Alle input", level=2)
        for u in members:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(xml_safe(u["text"]))
            src = p.add_run(xml_safe(f"  ({u['source']})"))
            src.font.size = Pt(8)
            src.font.color.rgb = RGBColor(*_GREY)
    doc.save(str(path))
