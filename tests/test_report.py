"""The Word report as people paste from it: sized theme table, one count per theme, a chart image;
and the same chart in the workbook as a native Excel chart."""

from __future__ import annotations

import io
import zipfile

import pytest

from udsatte_nlp.export import build_summary, export
from udsatte_nlp.export.chart import bar_chart_png, bars_png, wrap_label
from udsatte_nlp.export.docx import MARGIN, PAGE_W, _text_cm, column_widths

from .test_export import LABELS, make_project
from .test_export import make_project as _make


def make_long(path):
    """:func:`make_project` with other inputs (its labels come from a module constant)."""
    from . import test_export

    labels = list(dict.fromkeys(label for year in LONG.values() for label in year))
    old = test_export.LABELS
    test_export.LABELS = labels
    try:
        return _make(path, LONG, corrections=False)
    finally:
        test_export.LABELS = old

LONG = {  # long theme names and keywords, three years: the table must still fit the page
    2022: {"Værestederne og boligerne i kommunerne": ["Værestederne lukker om aftenen", "Flere boliger til unge"],
           "Psykiatrien og forebyggelsen": ["Psykiatrien skal forebygge mere"]},
    2023: {"Værestederne og boligerne i kommunerne": ["Boligerne er for dyre"],
           "Psykiatrien og forebyggelsen": ["Misbrugsbehandling og psykiatri samtidig", "Ventetiden er for lang"]},
    2024: {"Psykiatrien og forebyggelsen": ["Gadeplansmedarbejdere til de unge"]},
}  # fmt: skip


@pytest.fixture
def project(tmp_path):
    store = make_project(tmp_path / "p.db")
    yield store
    store.close()


def _docx(path):
    import docx

    return docx.Document(str(path))


def test_docx_holds_a_bar_chart_image_with_alt_text(project, tmp_path):
    from PIL import Image

    out = export(project, "docx", tmp_path / "r.docx")
    d = _docx(out)
    shapes = d.inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width.cm == pytest.approx(PAGE_W - 2 * MARGIN, abs=0.05)
    descr = shapes[0]._inline.docPr.get("descr")
    assert descr.startswith("Søjlediagram") and "Bolig og hjemløshed 5" in descr
    with zipfile.ZipFile(out) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        img = Image.open(io.BytesIO(zf.read(media[0])))
    assert img.format == "PNG" and img.width > 1000  # sharp enough to paste into a report
    # the chart comes after the overview table, before the first theme
    body = [el.tag.rsplit("}", 1)[-1] for el in d.element.body]
    assert body.index("tbl") < next(i for i, el in enumerate(d.element.body) if el.xpath(".//pic:pic"))


def test_docx_states_each_themes_count_once(project, tmp_path):
    out = export(project, "docx", tmp_path / "r.docx")
    d = _docx(out)
    section = []
    in_first = False
    for p in d.paragraphs:
        if p.style.name == "Heading 1":
            in_first = p.text == f"1. {LABELS[0]}"
            continue
        if in_first:
            section.append(p.text)
    text = "\n".join(section)
    assert text.count("5 input") == 1 and "(5)" not in text
    assert "Alle input" in section


def test_docx_table_columns_fit_their_content_and_the_page(tmp_path):
    with make_long(tmp_path / "lang.db") as store:
        out = export(store, "docx", tmp_path / "lang.docx")
    d = _docx(out)
    table = d.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["#", "Tema", "Input", "Andel", "2022", "2023", "2024", "Nøgleord"]
    widths = [c.width.cm for c in table.columns]
    assert sum(widths) <= PAGE_W - 2 * MARGIN + 0.01
    assert widths[0] < 1.2 and widths[0] < widths[1] / 3  # "#" is narrow, "Tema" is not
    pt = int(table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            for word in cell.text.split():  # no word is broken inside
                assert _text_cm(word, bool(cell.paragraphs[0].runs[0].bold), pt) <= width + 0.01, (word, width)
    for row in table.rows[1:]:  # numbers fit on one line
        for cell, width in zip(row.cells[2:7], widths[2:7], strict=True):
            assert _text_cm(cell.text, False, pt) <= width + 0.01
    layout = table._tbl.tblPr.xpath("./w:tblLayout/@w:type")
    assert layout == ["fixed"]
    assert d.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)


def test_column_widths_give_keywords_room_instead_of_one_per_line():
    header = ["#", "Tema", "Input", "Nøgleord"]
    rows = [["1", "Værestederne og boliger", "25", "kontanthjælp, ring, gratis, høre, værested"],
            ["2", "Misbrug", "19", "misbrug, misbrugsbehandling, værst, miste, nede"]]  # fmt: skip
    widths = column_widths(header, rows, [1, 3], 17.0)
    assert sum(widths) == pytest.approx(17.0)
    assert widths[3] >= _text_cm("kontanthjælp, ring, gratis") and widths[1] >= _text_cm("Værestederne")
    assert widths[0] < widths[2] < widths[1]


def test_xlsx_has_the_same_chart_as_a_native_bar_chart(project, tmp_path):
    out = export(project, "xlsx", tmp_path / "r.xlsx")
    with zipfile.ZipFile(out) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        xml = {n: zf.read(n).decode("utf-8") for n in charts}
    bars = [x for x in xml.values() if "<barChart>" in x]
    assert len(bars) == 1
    bar = bars[0]
    assert '<barDir val="bar"/>' in bar and "Temaer efter antal input" in bar
    assert "'Temaer'!$D$2:$D$4" in bar and "'Temaer'!$B$2:$B$4" in bar
    s = build_summary(project)
    for t in s.themes:
        assert t.color.lstrip("#").upper() in bar  # each bar in its theme's colour
    assert '<orientation val="maxMin"/>' in bar


def test_png_chart_is_deterministic_and_wraps_long_names():
    from udsatte_nlp.export.summary import ThemeSummary

    themes = [ThemeSummary(i, f"Tema nummer {i} med et meget langt navn om værestederne", "", [], 10 - i, 0.1, False,
                           color="#0072B2") for i in range(3)]  # fmt: skip
    assert bar_chart_png(themes) == bar_chart_png(themes)
    assert bar_chart_png(themes)[:8] == b"\x89PNG\r\n\x1a\n"
    assert wrap_label("Værestederne og boligerne i de store kommuner", 20) == "Værestederne og\nboligerne i de…"
    assert bars_png(["a"], [0], ["#000000"])[:4] == b"\x89PNG"
