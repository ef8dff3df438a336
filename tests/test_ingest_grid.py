"""Tables in Word and HTML documents, read cell by cell (udsatte_nlp.ingest.grid)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as new_docx

from udsatte_nlp.ingest import read
from udsatte_nlp.ingest.grid import table_lines
from udsatte_nlp.pipeline import prepare

from .test_ingest import pdf_pages

ROOT = Path(__file__).resolve().parents[1]

POSTER = [
    ("Drømme", "Bekymringer"),
    ("Egen bolig til alle", "Lange ventelister på bostøtte"),
    ("Et fællesskab hvor man bliver savnet", "At miste kontanthjælpen ved en fejl"),
    ("Hjælp før det går galt", "Ingen at ringe til om natten"),
    ("Respekt i mødet med kommunen", "For mange skift af sagsbehandler"),
]


def poster_docx(path: Path, rows=POSTER, heading: str | None = "Plancher fra bord 3") -> Path:
    document = new_docx()
    if heading:
        document.add_heading(heading, level=1)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    document.add_paragraph("Sekretariatet samler plancherne i en rapport.")
    document.save(path)
    return path


def test_a_poster_typed_as_a_word_table_gives_one_input_per_cell_with_its_column(tmp_path):
    """Issue 18: a two-column poster under a heading gives 8 inputs, their column in the section, no heading as input."""
    units = prepare(read(poster_docx(tmp_path / "bord3.docx")))[2]
    cells = [u for u in units if u.kind == "bullet"]
    assert [(u.section, u.text) for u in cells] == [
        ("Plancher fra bord 3 – Drømme", "Egen bolig til alle"),
        ("Plancher fra bord 3 – Drømme", "Et fællesskab hvor man bliver savnet"),
        ("Plancher fra bord 3 – Drømme", "Hjælp før det går galt"),
        ("Plancher fra bord 3 – Drømme", "Respekt i mødet med kommunen"),
        ("Plancher fra bord 3 – Bekymringer", "Lange ventelister på bostøtte"),
        ("Plancher fra bord 3 – Bekymringer", "At miste kontanthjælpen ved en fejl"),
        ("Plancher fra bord 3 – Bekymringer", "Ingen at ringe til om natten"),
        ("Plancher fra bord 3 – Bekymringer", "For mange skift af sagsbehandler"),
    ]
    texts = [u.text for u in units]
    assert not any("Plancher" in t or "Drømme" == t or " | " in t for t in texts)
    assert texts[-1] == "Sekretariatet samler plancherne i en rapport."


def test_a_cell_with_several_lines_gives_one_input_per_line(tmp_path):
    path = poster_docx(tmp_path / "a.docx", rows=[("Drømme", "Bekymringer"), ("Bolig til alle", "Gæld")])
    document = new_docx(str(path))
    cell = document.tables[0].cell(1, 0)
    cell.add_paragraph("Et job med mening")
    cell.add_paragraph("Fællesskab om aftenen", style="List Bullet")
    document.save(path)
    units = [u for u in prepare(read(path))[2] if u.kind == "bullet"]
    assert [u.text for u in units] == ["Bolig til alle", "Et job med mening", "Fællesskab om aftenen", "Gæld"]


def test_the_meeting_information_table_of_the_sample_corpus_stays_metadata():
    doc = read(ROOT / "corpora" / "landspanel-2025" / "plancher-2025.docx")
    assert doc.metadata["info"] == {"Sted": "Borgernes Hus, Odense", "Dato": "12. marts 2025",
                                    "Antal deltagere": "34, fordelt på 6 borde"}
    units = prepare(doc)[2]
    assert not any("Borgernes Hus" in u.text or "Antal deltagere" in u.text for u in units)
    assert doc.date == "2025-03-12"


@pytest.mark.parametrize(
    ("rows", "info"),
    [
        # keys ending in ':' need no numbers
        ([("Sted:", "Værestedet Kirkens Korshær"), ("Ordstyrer:", "Sekretariatet")],
         {"Sted": "Værestedet Kirkens Korshær", "Ordstyrer": "Sekretariatet"}),
        # short keys, longer values with a date or a number
        ([("Mødested", "Rådhuset i Aarhus"), ("Tidspunkt", "4. juni 2014 kl. 10-15"), ("Deltagere", "41")],
         {"Mødested": "Rådhuset i Aarhus", "Tidspunkt": "4. juni 2014 kl. 10-15", "Deltagere": "41"}),
    ],
)
def test_key_value_tables_are_found_by_shape_not_by_words(tmp_path, rows, info):
    doc = read(poster_docx(tmp_path / "info.docx", rows=rows, heading="Om mødet"))
    assert doc.metadata["info"] == info
    assert all(key not in doc.text for key in info)


def test_two_columns_of_short_post_its_are_inputs_not_metadata():
    grid = [[["Bolig"], ["Lange ventelister på bostøtte i hele kommunen"]], [["Job"], ["Ingen hjælp til gæld"]],
            [["Respekt"], ["Ensomhed om aftenen og i weekenden"]]]
    read = table_lines(grid, heading="Bord 2")
    assert read.info == {} and len(read.lines) == 6


def test_row_labels_join_the_section():
    grid = [
        [[], ["Drømme"], ["Bekymringer"]],
        [["Bord 1"], ["Egen bolig til alle"], ["Ventelister"]],
        [["Bord 2"], ["Et job med mening"], []],
    ]
    assert table_lines(grid, heading="Plancher").lines == [
        "# Plancher – Bord 1 – Drømme", "• Egen bolig til alle",
        "# Plancher – Bord 1 – Bekymringer", "• Ventelister",
        "# Plancher – Bord 2 – Drømme", "• Et job med mening",
    ]


def test_a_one_cell_frame_is_ordinary_text():
    read = table_lines([[["Referat", "Mødet handlede om bolig. Alle var enige."]]])
    assert read.kind == "frame" and read.lines == ["Referat", "Mødet handlede om bolig. Alle var enige."]


def test_a_header_marked_in_word_is_used_even_when_as_short_as_the_cells(tmp_path):
    path = poster_docx(tmp_path / "kort.docx", rows=[("Drømme", "Bekymringer"), ("Bolig", "Gæld"), ("Job", "Ensomhed")])
    document = new_docx(str(path))
    for cell in document.tables[0].rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    document.save(path)
    units = [u for u in prepare(read(path))[2] if u.kind == "bullet"]
    assert [(u.section, u.text) for u in units] == [
        ("Plancher fra bord 3 – Drømme", "Bolig"), ("Plancher fra bord 3 – Drømme", "Job"),
        ("Plancher fra bord 3 – Bekymringer", "Gæld"), ("Plancher fra bord 3 – Bekymringer", "Ensomhed"),
    ]


HTML = """<html><body><h2>Plancher fra bord 3</h2>
<table><tr><th>Drømme</th><th>Bekymringer</th></tr>
<tr><td>Egen bolig til alle</td><td>Lange ventelister på bostøtte</td></tr>
<tr><td rowspan="2">Hjælp før det går galt</td><td><ul><li>Ingen at ringe til</li><li>Gæld</li></ul></td></tr>
<tr><td>Ensomhed om aftenen</td></tr></table>
<h2>Om mødet</h2><table><tr><td>Sted</td><td>Borgernes Hus</td></tr><tr><td>Dato</td><td>12. marts 2025</td></tr></table>
<table role="presentation"><tr><td><p>En side sat op med en tabel.</p><p>Anden linje her.</p></td></tr></table>
</body></html>"""


def test_html_tables_cell_by_cell(tmp_path):
    path = tmp_path / "side.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read(path)
    assert doc.metadata["info"] == {"Sted": "Borgernes Hus", "Dato": "12. marts 2025"}
    units = prepare(doc)[2]
    assert [(u.section, u.text) for u in units if u.kind == "bullet"] == [
        ("Plancher fra bord 3 – Drømme", "Egen bolig til alle"),
        ("Plancher fra bord 3 – Drømme", "Hjælp før det går galt"),
        ("Plancher fra bord 3 – Bekymringer", "Lange ventelister på bostøtte"),
        ("Plancher fra bord 3 – Bekymringer", "Ingen at ringe til"),
        ("Plancher fra bord 3 – Bekymringer", "Gæld"),
        ("Plancher fra bord 3 – Bekymringer", "Ensomhed om aftenen"),
    ]
    assert [u.text for u in units if u.kind == "sentence"] == ["En side sat op med en tabel.", "Anden linje her."]


# ----------------------------------------------------------------------- PDF
def ruled_pdf(heading: str, rows: list[tuple[str, ...]], after: str) -> bytes:
    """A one-page PDF with a text layer: a heading, a table drawn with ruling lines (a Word table
    exported to PDF; a cell may wrap over two lines), and a paragraph below."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    def text(x: float, y: float, s: str) -> bytes:
        return b"BT /F1 11 Tf %.1f %.1f Td " % (x, y) + literal(s) + b" Tj ET"

    ops = [text(72, 740, heading)]
    left, width = 72.0, 230.0
    top = 715.0
    y = top
    heights = []
    for row in rows:
        height = 20.0 + 13.0 * max(len(cell.split("\n")) - 1 for cell in row)
        for c, cell in enumerate(row):
            for k, part in enumerate(cell.split("\n")):
                ops.append(text(left + c * width + 4, y - 14 - 13 * k, part))
        y -= height
        heights.append(height)
    bottom = y
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    for yy in ys:
        ops.append(b"%.1f %.1f m %.1f %.1f l S" % (left, yy, left + width * len(rows[0]), yy))
    for c in range(len(rows[0]) + 1):
        ops.append(b"%.1f %.1f m %.1f %.1f l S" % (left + c * width, top, left + c * width, bottom))
    ops.append(text(72, bottom - 30, after))
    return pdf_pages([b"\n".join(ops)])


def test_a_ruled_table_in_a_pdf_text_layer_is_read_cell_by_cell(tmp_path):
    rows = [("Drømme", "Bekymringer"), ("Egen bolig til alle, der\nhar brug for det", "Lange ventelister på bostøtte"),
            ("Hjælp før det går galt", "Ingen at ringe til om natten")]
    path = tmp_path / "plancher.pdf"
    path.write_bytes(ruled_pdf("Plancher fra bord 3", rows, "Sekretariatet samler plancherne i en rapport."))
    units = prepare(read(path))[2]
    assert [(u.section, u.text) for u in units if u.kind == "bullet"] == [
        ("Plancher fra bord 3 – Drømme", "Egen bolig til alle, der har brug for det"),
        ("Plancher fra bord 3 – Drømme", "Hjælp før det går galt"),
        ("Plancher fra bord 3 – Bekymringer", "Lange ventelister på bostøtte"),
        ("Plancher fra bord 3 – Bekymringer", "Ingen at ringe til om natten"),
    ]
    assert [u.text for u in units if u.kind == "sentence"] == ["Sekretariatet samler plancherne i en rapport."]


def test_a_meeting_table_in_a_pdf_is_metadata(tmp_path):
    path = tmp_path / "referat.pdf"
    path.write_bytes(ruled_pdf("Om mødet", [("Sted", "Borgernes Hus, Odense"), ("Dato", "12. marts 2025")],
                               "Mødet handlede om bolig."))
    doc = read(path)
    assert doc.metadata["info"] == {"Sted": "Borgernes Hus, Odense", "Dato": "12. marts 2025"}
    assert [u.text for u in prepare(doc)[2]] == ["Mødet handlede om bolig."]
