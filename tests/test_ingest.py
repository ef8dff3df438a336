"""Tests for udsatte_nlp.ingest. Every fixture is built in tmp_path."""

from __future__ import annotations

import codecs
import hashlib
import io
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest import (
    READERS,
    SUPPORTED_SUFFIXES,
    collect_paths,
    decode_bytes,
    find_date,
    read,
    year_from_name,
)

DANISH = "Vi så børn og unge på gaden. Det var svært at få hjælp til bolig og økonomi."


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- a tiny hand-made PDF -------------------------------------------------------


def make_pdf(pages: list[str | None]) -> bytes:
    """Build a valid PDF: one page per entry, Helvetica/WinAnsiEncoding text, None = blank page."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    contents = []
    for text in pages:
        content = b""
        if text is not None:
            lines = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
            lines += [literal(line) + b" Tj T*" for line in text.split("\n")]
            content = b"\n".join(lines + [b"ET"])
        contents.append(content)
    return pdf_pages(contents)


def pdf_pages(contents: list[bytes]) -> bytes:
    """A valid PDF with one Letter page per content stream (font /F1: Helvetica, WinAnsiEncoding)."""
    n = len(contents)
    page_ids = [4 + 2 * i for i in range(n)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids) + b"] /Count %d >>" % n,
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, content in zip(page_ids, contents):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


# --- encodings ----------------------------------------------------------------


def test_cp1252_danish_txt(tmp_path: Path) -> None:
    path = write(tmp_path, "noter.txt", ("Workshop om bolig\n" + DANISH + "\nÆble, Øl og Ål – 25 €\n").encode("cp1252"))
    doc = read(path)
    assert doc.format == "txt"
    assert DANISH in doc.text and "Æble, Øl og Ål – 25 €" in doc.text
    assert doc.metadata["encoding"] == "cp1252"
    assert doc.title == "Workshop om bolig"
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + DANISH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + DANISH.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + DANISH.encode("utf-16-be"), "utf-16"),
        (DANISH.encode("utf-32"), "utf-32"),
        (DANISH.encode("utf-16-le"), "utf-16-le"),
        (DANISH.encode("utf-8"), "utf-8"),
        ("Ølstue på Østerbro, Ærø og Århus".encode("cp850"), "cp850"),
    ],
)
def test_decode_bytes(data: bytes, encoding: str) -> None:
    text, name = decode_bytes(data, "x.txt")
    assert name == encoding
    assert not text.startswith("\ufeff")
    assert text in (DANISH, "Ølstue på Østerbro, Ærø og Århus")


def test_utf16_bom_txt(tmp_path: Path) -> None:
    path = write(tmp_path, "utf16.txt", codecs.BOM_UTF16_LE + ("Første linje\r\n" + DANISH).encode("utf-16-le"))
    doc = read(path)
    assert doc.text == "Første linje\n" + DANISH


def test_mojibake_is_left_for_the_cleaner(tmp_path: Path) -> None:
    mojibake = "Vi sÃ¥ bÃ¸rn pÃ¥ gaden"  # UTF-8 read as cp1252, saved again as UTF-8
    doc = read(write(tmp_path, "moji.txt", mojibake.encode("utf-8")))
    assert doc.text == mojibake
    assert doc.metadata["encoding"] == "utf-8"


def test_stray_nul_is_replaced() -> None:
    text, _ = decode_bytes(DANISH.encode("utf-8") * 5 + b"\x00" + b" slut", "x.txt")
    assert "\x00" not in text and text.endswith("slut")


def test_binary_txt(tmp_path: Path) -> None:
    rng = random.Random(1)
    data = bytes(rng.randrange(256) for _ in range(4000)) + b"\x00" * 20
    with pytest.raises(InputError, match="binære data"):
        read(write(tmp_path, "data.txt", data))


@pytest.mark.parametrize("data", [b"", b"  \r\n\t  \n"])
def test_empty_txt(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="tom"):
        read(write(tmp_path, "tom.txt", data))


# --- markdown / html ------------------------------------------------------------


def test_markdown(tmp_path: Path) -> None:
    md = (
        "<!-- intern note -->\n# Workshop **Bolig**\n\nIntro med [et link](https://x.dk) og "
        "![logo](logo.png)`kode`.\n\n- første\n* anden __vigtig__\n+ tredje\n1. nummer et\n"
    )
    doc = read(write(tmp_path, "noter.MD", md))
    assert doc.format == "md"
    assert doc.title == "Workshop Bolig"
    assert doc.text.splitlines() == [
        "Workshop Bolig",
        "",
        "Intro med et link og kode.",
        "",
        "• første",
        "• anden vigtig",
        "• tredje",
        "1. nummer et",
    ]


HTML = """<!DOCTYPE html>
<html><head><meta charset="windows-1252"><title>Workshop på værestedet</title>
<style>p {color: red}</style><script>var x = "skjult";</script></head>
<body class="has-nav">
<a class="skip-link" href="#main">Spring til indhold</a>
<header><p>Kommunens logo</p></header>
<nav><ul><li>Forside</li></ul></nav>
<div id="cookie-banner"><p>Vi bruger cookies</p></div>
<div class="mainMenu"><a>Menu-punkt</a></div>
<ol class="breadcrumb"><li>Brødkrumme</li></ol>
<main>
<h1>Opsamling</h1>
<p>Borgerne <b>oplevede</b>
   mange skift.</p>
<ul><li>Bolig</li><li>Økonomi</li></ul>
<div class="canvas-wrapper">Teksten i canvas bliver.</div>
<p class="shareholder">Aktionærer bliver også.</p>
<div class="share-buttons">Del på Facebook</div>
<table><tr><td>Gruppe 1</td><td>Ensomhed</td></tr></table>
</main>
<footer>Kontakt os</footer>
</body></html>
"""


def test_html(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "side.htm", HTML.encode("cp1252")))
    assert doc.format == "html"
    assert doc.title == "Workshop på værestedet"
    assert doc.text.splitlines() == [
        "Opsamling",
        "Borgerne oplevede mange skift.",
        "• Bolig",
        "• Økonomi",
        "Teksten i canvas bliver.",
        "Aktionærer bliver også.",
        "• Gruppe 1",
        "• Ensomhed",
    ]
    for noise in ("skjult", "cookies", "Forside", "logo", "Kontakt", "Spring", "Menu", "Brødkrumme", "Facebook"):
        assert noise not in doc.text


def test_html_title_from_h1_and_utf8(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "a.html", "<html><body><h1>Rådgivning</h1><p>Én linje</p></body></html>"))
    assert doc.title == "Rådgivning"
    assert doc.text == "Rådgivning\nÉn linje"


# --- docx -----------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.core_properties.title = ""
    document.add_heading("Workshop om hjemløshed", level=1)
    document.add_paragraph("Første afsnit den 23. maj 2013.")
    document.add_paragraph("Bolig", style="List Bullet")
    document.add_paragraph("Gæld", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "Gruppe", "Tema", ""
    table.cell(1, 0).text, table.cell(1, 1).text = "A", "Ensomhed"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "Fælles"
    table.cell(2, 2).text = "Slut"
    document.add_paragraph("Afsnit efter tabellen.")
    document.save(path)
    return path


def test_docx_order_lists_and_tables(tmp_path: Path) -> None:
    doc = read(make_docx(tmp_path / "noter.docx"))
    assert doc.format == "docx"
    assert doc.title == "Workshop om hjemløshed"
    assert doc.text.splitlines() == [
        "Workshop om hjemløshed",
        "Første afsnit den 23. maj 2013.",
        "• Bolig",
        "• Gæld",
        "• Gruppe",  # no header by shape (its cells are as short as the rest): every cell is an input
        "• Tema",
        "• A",
        "• Ensomhed",
        "• Fælles",  # merged over two columns: read once
        "• Slut",
        "Afsnit efter tabellen.",
    ]
    assert (doc.date, doc.year) == ("2013-05-23", 2013)


def test_truncated_docx(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "ok.docx").read_bytes()
    path = write(tmp_path, "halv.docx", data[: len(data) // 2])
    with pytest.raises(InputError, match="beskadiget") as info:
        read(path)
    assert "Word" in str(info.value) and "\n" not in str(info.value)


def test_garbage_docx(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="beskadiget"):
        read(write(tmp_path, "skrald.docx", b"dette er ikke en zip-fil" * 10))


# --- pdf ------------------------------------------------------------------------


def test_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "referat.pdf", make_pdf(["Referat 17. jun. 2014\nBørn og æøå", "Side to"]))
    doc = read(path)
    assert doc.format == "pdf"
    assert doc.pages is not None and len(doc.pages) == 2
    assert "Børn og æøå" in doc.pages[0] and "Side to" in doc.pages[1]
    assert doc.text == "\f".join(doc.pages)
    assert doc.warnings == []
    assert (doc.date, doc.year) == ("2014-06-17", 2014)


def test_pdf_blank_page_warns(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "delvis.pdf", make_pdf(["Tekst", None, "Mere tekst"])))
    assert doc.pages is not None and doc.pages[1] == ""
    assert doc.warnings == [
        "Side 2 har intet tekstlag og skal OCR-behandles (installer tesseract-ocr og tesseract-ocr-dan)"
    ]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="OCR"):
        read(write(tmp_path, "scannet.pdf", make_pdf([None, None])))


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["Hemmeligt"]))).pages:
        writer.add_page(page)
    writer.encrypt("hemmelig")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(InputError, match="adgangskode"):
        read(write(tmp_path, "låst.pdf", buffer.getvalue()))


def test_corrupt_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read(write(tmp_path, "ødelagt.pdf", b"%PDF-1.4\nnot really a pdf\n"))


# --- tables ---------------------------------------------------------------------


def test_csv_semicolon(tmp_path: Path) -> None:
    csv_text = "tekst;gruppe;år\nVi mangler, at nogen lytter;A;2014\n;B;2014\nFor lidt hjælp til gæld;B;2014\n"
    doc = read(write(tmp_path, "svar.csv", csv_text.encode("cp1252")))
    assert doc.format == "csv"
    assert doc.rows is not None and [r.text for r in doc.rows] == ["Vi mangler, at nogen lytter", "For lidt hjælp til gæld"]
    assert [r.number for r in doc.rows] == [2, 4]
    assert doc.rows[0].metadata == {"gruppe": "A", "år": "2014"}
    assert doc.text == "Vi mangler, at nogen lytter\nFor lidt hjælp til gæld"
    assert doc.year == 2014 and doc.date is None
    assert doc.metadata["delimiter"] == ";"


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "navn,alder\nA,3\n")
    with pytest.raises(InputError, match="navn, alder") as info:
        read(path)
    assert "--text-column" in str(info.value)


def test_csv_text_column_override(tmp_path: Path) -> None:
    path = write(tmp_path, "x.tsv", "Navn\tUdtalelse\nA\tDet hjalp\nB\tDet hjalp ikke\n")
    doc = read(path, text_column="udtalelse")
    assert doc.rows is not None and [r.text for r in doc.rows] == ["Det hjalp", "Det hjalp ikke"]
    assert doc.rows[1].metadata == {"Navn": "B"}
    with pytest.raises(InputError, match="Navn, Udtalelse"):
        read(path, text_column="findes ikke")


def test_xlsx(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Forside"
    first.append(["Kun en overskrift"])
    sheet = workbook.create_sheet("Svar")
    sheet.append([])
    sheet.append(["Gruppe", "Kommentar", "Årstal", "Dato"])
    sheet.append(["A", "Mere tid til samtaler", 2016.0, dt.datetime(2016, 6, 8)])
    sheet.append(["B", None, 2016, None])
    sheet.append(["C", "Færre skift", 2016, dt.datetime(2016, 6, 8, 13, 30)])
    path = tmp_path / "workshop.xlsx"
    workbook.save(path)

    doc = read(path)
    assert doc.format == "xlsx"
    assert doc.metadata["sheet"] == "Svar"
    assert doc.rows is not None and [r.text for r in doc.rows] == ["Mere tid til samtaler", "Færre skift"]
    assert [r.number for r in doc.rows] == [3, 5]
    assert doc.rows[0].metadata == {"Gruppe": "A", "Årstal": 2016, "Dato": "2016-06-08"}
    assert doc.rows[1].metadata["Dato"] == "2016-06-08T13:30:00"
    assert doc.year == 2016


def test_corrupt_xlsx(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="beskadiget"):
        read(write(tmp_path, "ark.xlsx", b"PK\x03\x04 not a workbook"))


# --- paths and errors -----------------------------------------------------------


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"understøttes ikke.*\.docx"):
        read(write(tmp_path, "billede.svg", b"<svg/>"))
    with pytest.raises(InputError, match="Gem filen som .docx"):
        read(write(tmp_path, "gammel.doc", b"x"))
    with pytest.raises(InputError, match="findes ikke") as info:
        read(tmp_path / "mangler.txt")
    assert "Tjek stien" in str(info.value)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert read(write(tmp_path, "NOTER.TXT", "hej")).format == "txt"
    assert SUPPORTED_SUFFIXES == frozenset(READERS)


def test_collect_paths(tmp_path: Path) -> None:
    root = tmp_path / "input"
    for name in ["b.txt", "a.docx", "sub/c.csv", "sub/z/d.md", "Sub2/e.PDF", "billede.svg", ".skjult.txt",
                 ".git/f.txt", "~$a.docx", "__MACOSX/g.txt"]:
        write(root, name, "x")
    single = write(tmp_path, "enkelt.txt", "x")
    paths, warnings = collect_paths([single, str(root), root / "b.txt"])
    assert warnings == []
    assert paths == [single] + [root / p for p in ["a.docx", "b.txt", "sub/c.csv", "sub/z/d.md", "Sub2/e.PDF"]]
    with pytest.raises(InputError, match="findes ikke"):
        collect_paths([tmp_path / "nej.txt"])
    with pytest.raises(InputError, match="understøttes ikke"):
        collect_paths([root / "billede.svg"])


def test_library_errors_are_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, path: Path) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(READERS, ".txt", broken)
    with pytest.raises(InputError, match="Filen kunne ikke læses: RuntimeError"):
        read(write(tmp_path, "a.txt", "hej"))


@pytest.mark.parametrize("name", ["tom.docx", "tom.xlsx", "tom.pdf", "tom.csv", "tom.html"])
def test_empty_file_any_format(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="tom"):
        read(write(tmp_path, name, b""))


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=300), suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_any_bytes_give_document_or_input_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    for prefix in (b"", b"PK\x03\x04", b"%PDF-1.4\n"):
        try:
            doc = read(write(tmp_path, "fuzz" + suffix, prefix + data))
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert doc.text.strip()


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_find_date_never_fails(text: str) -> None:
    date, year = find_date(text)
    assert (date is None) == (year is None)


def test_import_is_light() -> None:
    import subprocess

    code = "import sys, udsatte_nlp.ingest; print(sorted({'docx','pypdf','openpyxl','bs4'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Workshop 23. maj 2013 i Aarhus", "2013-05-23"),
        ("17. jun. 2014", "2014-06-17"),
        ("8. juni 2016", "2016-06-08"),
        ("Mødet blev holdt den 4. juni 2014.", "2014-06-04"),
        ("22/5 2013", "2013-05-22"),
        ("22.05.2013", "2013-05-22"),
        ("2013-05-22", "2013-05-22"),
        ("1. MARTS 2015", "2015-03-01"),
        ("3. mar 2015", "2015-03-03"),
        ("9. sept. 2019", "2019-09-09"),
        ("12. Okt 2020", "2020-10-12"),
        ("2. jan. 2012", "2012-01-02"),
        ("5. feb 2012", "2012-02-05"),
        ("6. apr. 2012", "2012-04-06"),
        ("7. jul 2012", "2012-07-07"),
        ("8. aug. 2012", "2012-08-08"),
        ("10. nov 2012", "2012-11-10"),
        ("24. dec. 2012", "2012-12-24"),
        ("1. december 2012", "2012-12-01"),
        ("31/2 2014 blev til 1/3 2014", "2014-03-01"),
    ],
)
def test_find_date(text: str, expected: str) -> None:
    assert find_date(text) == (expected, int(expected[:4]))


@pytest.mark.parametrize("text", ["Ingen dato her, kun året 2013.", "kl. 10.30", "mar 2013", ""])
def test_find_date_none(text: str) -> None:
    assert find_date(text) == (None, None)


def test_year_from_name_and_document_year(tmp_path: Path) -> None:
    assert year_from_name("workshop_2014_final.docx") == 2014
    assert year_from_name("IMG20140512.txt") is None
    assert year_from_name("noter 1899.txt") is None
    doc = read(write(tmp_path, "opsamling 2015.txt", "Ingen dato i teksten"))
    assert (doc.date, doc.year) == (None, 2015)
    doc = read(write(tmp_path, "2015/opsamling.txt", "Skrevet 3. maj 2012"))
    assert (doc.date, doc.year) == ("2012-05-03", 2012)
