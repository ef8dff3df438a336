"""Every export format, opened again with its own library and checked for content."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from udsatte_nlp.cli import app
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.export import FORMATS, build_summary, export, format_for, write_summary
from udsatte_nlp.records import Correction, Document, Theme, Unit
from udsatte_nlp.store import ProjectStore

# Three themes over two years; the texts hold the traps the exports must survive.
INPUTS = {
    2022: {
        "Bolig og hjemløshed": [
            "Flere billige boliger til hjemløse i Odense",
            "Housing First skal være normen i alle kommuner",
            "Skæve boliger til dem, der ikke kan bo i almindelige boliger",
            "Bostøtten stopper for tidligt",
        ],
        "Menneskesyn og respekt": [
            "Sagsbehandleren skal lytte til borgeren",
            "Jørgen Østergård fortalte om mødet med jobcentret",
            '=HYPERLINK("http://evil.example","klik")',
        ],
    },
    2023: {
        "Bolig og hjemløshed": ["Ventetiden på en bolig er blevet længere"],
        "Menneskesyn og respekt": [
            "<script>alert('x')</script> respekt i mødet med systemet",
            "Ring til Mette på 28 91 47 06 eller skriv til mette.lund@eksempel.dk",
        ],
        "Økonomi og fattigdom": [
            "Priserne på mad og el stiger for borgere på kontanthjælp",
            "Flere har gæld og skal have gratis gældsrådgivning",
            "Borgerens CPR-nummer 120385-1234 stod på plancherne",
            "Østergård mente, at Rådet skal tage fattigdom op",
        ],
    },
}
LABELS = list(dict.fromkeys(label for year in INPUTS.values() for label in year))


def make_project(path: Path | str, inputs: dict = INPUTS, *, corrections: bool = True) -> ProjectStore:
    """A project with known themes, assignments, years and one OCR correction, made through the store API."""
    store = ProjectStore(path)
    for n, (year, themes) in enumerate(inputs.items()):
        units = [Unit(text=t, kind="bullet", section=label, line_start=i + 1)
                 for label, texts in themes.items() for i, t in enumerate(texts)]  # fmt: skip
        doc = Document(path=f"note-{year}.txt", format="txt", text="\n".join(u.text for u in units),
                       sha256=f"{n:064d}", title=f"Dialogmøde {year}", year=year)  # fmt: skip
        corr = [Correction(0, "B0lig", "Bolig", "ocr", 0.9)] if corrections and n == 0 else []
        store.add_document(doc, doc.text, corr, units)
    rows = store.units()
    run = store.add_run({"n_themes": len(LABELS)}, 7, "lexical-256")
    themes = [Theme(id=i, label=label, keywords=label.lower().split(" og "), description=f"Input om {label.lower()}.")
              for i, label in enumerate(LABELS)]  # fmt: skip
    labels = [LABELS.index(r["section"]) for r in rows]
    scores = [0.9 - 0.01 * i for i in range(len(rows))]
    store.save_model_themes(run, themes, [r["id"] for r in rows], labels, scores)
    return store


ALL_TEXTS = [t for year in INPUTS.values() for texts in year.values() for t in texts]
PERSONAL = ["Jørgen", "Østergård", "Mette", "120385-1234", "28 91 47 06", "mette.lund@eksempel.dk"]


@pytest.fixture
def project(tmp_path):
    store = make_project(tmp_path / "p.db")
    yield store
    store.close()


# ------------------------------------------------------------------ summary
def test_summary_counts_shares_years_and_quotes(project):
    s = build_summary(project)
    assert s.n_units == len(ALL_TEXTS) and s.n_documents == 2
    assert [y.year for y in s.years] == [2022, 2023]
    sizes = {t.label: t.size for t in s.themes}
    assert sizes == {"Bolig og hjemløshed": 5, "Menneskesyn og respekt": 5, "Økonomi og fattigdom": 4}
    assert abs(sum(t.share for t in s.themes) - 1) < 1e-9
    economy = next(t for t in s.themes if t.label.startswith("Økonomi"))
    assert [(y.year, y.n) for y in economy.over_time] == [(2022, 0), (2023, 4)]
    assert economy.over_time[1].share == pytest.approx(4 / 7)
    assert all(3 <= len(t.representatives) <= 5 for t in s.themes)
    assert len(s.corrections) == 1 and s.corrections[0]["before"] == "B0lig"
    one = build_summary(project, year=2022)
    assert one.n_units == 7 and {t.label for t in one.themes} == {"Bolig og hjemløshed", "Menneskesyn og respekt"}


# --------------------------------------------------------------------- docx
def docx_text(path: Path) -> tuple[object, str]:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return d, "\n".join(parts)


def test_docx_has_title_method_theme_table_and_every_input(project, tmp_path):
    out = export(project, "docx", tmp_path / "rapport.docx", title="Dialogmøder 2022-2023")
    d, text = docx_text(out)
    paragraphs = d.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == "Dialogmøder 2022-2023"
    assert "Metode" in [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert "talvektor" in text and "lexical-256" in text
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["#", "Tema", "Input", "Andel", "2022", "2023", "Nøgleord"]
    assert [r.cells[1].text for r in table.rows[1:]] == [
        "Bolig og hjemløshed",
        "Menneskesyn og respekt",
        "Økonomi og fattigdom",
    ]
    assert table.rows[3].cells[4].text == "0" and table.rows[3].cells[5].text == "4"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert "3. Økonomi og fattigdom" in headings
    quotes = [p.text for p in paragraphs if p.style.name == "Quote"]
    assert 9 <= len(quotes) <= 15
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == len(ALL_TEXTS)
    for t in ALL_TEXTS:
        assert any(b.startswith(t) for b in bullets), t
    assert any("note-2023.txt, linje 3 – Økonomi og fattigdom" in b for b in bullets)
    assert "5 input (36 % af alle input)" in text and "Over tid: 2022: 0 (0,0 %) · 2023: 4 (57 %)" in text
    assert d.styles["Normal"].element.xpath("string(.//w:lang/@w:val)") == "da-DK"


# --------------------------------------------------------------------- xlsx
def test_xlsx_sheets_inputs_corrections_over_time_and_no_formulas(project, tmp_path):
    import openpyxl

    out = export(project, None, tmp_path / "rapport.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Temaer", "Input", "Rettelser", "Over tid"]
    temaer = [
        r for r in wb["Temaer"].iter_rows(min_row=2, values_only=True) if r[0] is not None and isinstance(r[0], int)
    ]
    assert [(r[1], r[3]) for r in temaer] == [
        ("Bolig og hjemløshed", 5),
        ("Menneskesyn og respekt", 5),
        ("Økonomi og fattigdom", 4),
    ]
    assert temaer[0][4] == pytest.approx(5 / 14)
    ws = wb["Input"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Id", "Tema", "Input", "Kilde"] and "År" in header and "Sikkerhed" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ALL_TEXTS)
    row = next(r for r in rows if "HYPERLINK" in r[2])
    assert row[2].startswith("'=")  # neutralised: text, not a formula
    for cell in (c for r in wb.worksheets for line in r.iter_rows() for c in line):
        assert cell.data_type != "f", cell.coordinate
    assert {r[5] for r in rows} == {2022, 2023} and all(0 < r[7] <= 1 for r in rows)
    fixes = list(wb["Rettelser"].iter_rows(min_row=2, values_only=True))
    assert fixes[0][:5] == ("note-2022.txt", 0, "B0lig", "Bolig", "ocr")
    over = {r[0]: r[1:] for r in wb["Over tid"].iter_rows(min_row=2, values_only=True)}
    assert over["Økonomi og fattigdom"][:2] == (0, 4) and over["I alt"][:2] == (7, 7)
    assert wb["Over tid"]._charts, "a chart of the shares over time"


def test_xlsx_has_no_over_time_sheet_for_one_year(tmp_path):
    import openpyxl

    with make_project(tmp_path / "p.db", {2024: INPUTS[2022]}, corrections=False) as store:
        out = export(store, "xlsx", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Temaer", "Input", "Rettelser"]
    assert wb["Rettelser"]["A2"].value.startswith("Rensningen ændrede intet")


# ------------------------------------------------------------- md and html
def test_markdown_has_table_quotes_and_escapes_markup(project, tmp_path):
    text = export(project, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert text.startswith("# Opsamling af temaer\n")
    assert "| 1 | [Bolig og hjemløshed](#tema-1) | 5 | 36 % |" in text
    assert "## 3. Økonomi og fattigdom" in text and "### Udvalgte citater" in text
    assert "> Flere billige boliger til hjemløse i Odense" in text
    assert "<script>" not in text and r"\<script\>" in text
    assert "### Alle input (4)" in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_self_contained_escaped_page_with_a_chart(project, tmp_path):
    page = export(project, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    assert tags.count("svg") == 2  # theme chart and the chart over the years
    for _, attrs in parser.tags:
        for key in ("src", "href"):
            assert not str(attrs.get(key, "")).startswith(("http:", "https:", "//")), attrs
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    text = "".join(parser.text)
    assert "<script>alert('x')</script> respekt i mødet med systemet" in text  # shown as text
    for label in LABELS:
        assert label in text
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    ET.fromstring(svg)  # the inline chart is well-formed XML
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


# --------------------------------------------------------------------- json
def test_json_is_the_whole_summary_and_matches_its_schema(project, tmp_path):
    import jsonschema

    from udsatte_nlp.export.json import schema

    data = json.loads(export(project, "json", tmp_path / "r.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    validator.validate(data)
    assert data["schema"] == schema()["$id"]
    assert data["n_units"] == len(data["units"]) == len(ALL_TEXTS)
    assert [t["label"] for t in data["themes"]] == LABELS
    assert {u["text"] for u in data["units"]} == set(ALL_TEXTS)
    bad = dict(data, n_units="fjorten")
    assert list(validator.iter_errors(bad)), "the schema really constrains the document"


# ---------------------------------------------------------------------- qdc
NS = "{urn:QDA-XML:codebook:1.0}"
GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def test_qdc_is_a_refi_qda_codebook_with_stable_guids(project, tmp_path):
    out = export(project, "qdc", tmp_path / "kodebog.qdc")
    root = ET.parse(out).getroot()
    assert root.tag == f"{NS}CodeBook" and root.get("origin") == "udsatte-nlp"
    codes = root.findall(f"{NS}Codes/{NS}Code")
    assert [c.get("name") for c in codes] == LABELS
    assert all(GUID.match(c.get("guid")) and c.get("isCodable") == "true" for c in codes)
    assert len({c.get("guid") for c in codes}) == len(codes)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c.get("color")) for c in codes)
    desc = codes[2].find(f"{NS}Description").text
    # the model's description is generated, so it is made again from the theme as it is now
    assert desc.startswith("Handler om økonomi og fattigdom.") and "Nøgleord: økonomi, fattigdom" in desc
    assert "4 input (29 %)" in desc  # the size, said once, next to the generated description
    # Same labels in another project and another export: the same GUIDs.
    with make_project(tmp_path / "other.db", {2030: INPUTS[2023]}, corrections=False) as other:
        again = ET.parse(export(other, "qdc", tmp_path / "other.qdc")).getroot()
    guids = {c.get("name"): c.get("guid") for c in codes}
    for c in again.findall(f"{NS}Codes/{NS}Code"):
        assert guids[c.get("name")] == c.get("guid")


# ---------------------------------------------------------------------- csv
def test_csv_keeps_its_columns_and_neutralises_formulas(project, tmp_path):
    out = export(project, "csv", tmp_path / "r.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {"unit_id", "document", "year", "section", "text", "theme_id", "theme_label"} <= set(rows[0])
    assert len(rows) == len(ALL_TEXTS)
    assert next(r for r in rows if "HYPERLINK" in r["text"])["text"].startswith("'=")


# ------------------------------------------------------------ pseudonymise
def _read_any(path: Path) -> str:
    """All text of an exported file, read with the format's own library."""
    if path.suffix == ".docx":
        return docx_text(path)[1]
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    if path.suffix == ".json":
        return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    if path.suffix == ".qdc":
        return "\n".join((e.text or "") + " " + " ".join(e.attrib.values()) for e in ET.parse(path).iter())
    if path.suffix == ".qdpx":
        import zipfile

        with zipfile.ZipFile(path) as zf:
            root = ET.fromstring(zf.read("project.qde"))
            texts = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")]
        return "\n".join([*((e.text or "") + " " + " ".join(e.attrib.values()) for e in root.iter()), *texts])
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pseudonymise_reaches_every_format(project, tmp_path, fmt):
    plain = _read_any(export(project, fmt, tmp_path / f"plain.{fmt}"))
    masked = _read_any(export(project, fmt, tmp_path / f"masked.{fmt}", pseudonymise=True))
    assert "Jørgen Østergård" in plain and "Odense" in plain
    for secret in PERSONAL:
        assert secret not in masked, (fmt, secret)
    assert "[Person 1]" in masked and "Odense" in masked and "Housing First" in masked
    if fmt != "qdc":  # the codebook holds only the 3-5 quotes per theme
        assert "120385-1234" in plain and "[CPR]" in masked and "Rådet" in masked


def test_pseudonymised_summary_numbers_people_stably(project):
    from udsatte_nlp.export import pseudonymise

    s = pseudonymise(build_summary(project))
    texts = {u["text"] for u in s.units}
    assert "[Person 1] fortalte om mødet med jobcentret" in texts
    assert "[Person 1] mente, at Rådet skal tage fattigdom op" in texts  # the surname alone, same person
    assert "Ring til [Person 2] på [Telefon] eller skriv til [E-mail]" in texts
    assert "Borgerens CPR-nummer [CPR] stod på plancherne" in texts
    assert s.pseudonymised and "pladsholdere" in s.method_note


# ----------------------------------------------------- formats and atomicity
def test_format_comes_from_the_suffix_or_the_option(tmp_path):
    assert format_for(tmp_path / "a.DOCX") == "docx" and format_for(tmp_path / "a.htm") == "html"
    assert format_for(tmp_path / "a.txt", "qdc") == "qdc"
    with pytest.raises(ConfigError, match="filnavnet"):
        format_for(tmp_path / "a.pdf")
    with pytest.raises(ConfigError, match="Ukendt format 'pdf'"):
        format_for(tmp_path / "a.x", "pdf")


def test_a_failed_export_leaves_the_old_file_and_no_temp_file(project, tmp_path, monkeypatch):
    target = tmp_path / "r.md"
    target.write_text("gammel rapport", encoding="utf-8")

    def broken(summary, path):
        Path(path).write_text("halv", encoding="utf-8")
        raise RuntimeError("disk fuld")

    monkeypatch.setitem(FORMATS, "md", broken)
    with pytest.raises(RuntimeError):
        write_summary(build_summary(project), "md", target)
    assert target.read_text(encoding="utf-8") == "gammel rapport"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".udsatte-")] == []


def test_cli_export_every_format_with_pseudonymise(project, tmp_path):
    runner = CliRunner()
    for fmt in ("docx", "xlsx", "md", "html", "json", "qdc", "qdpx", "csv"):
        out = tmp_path / f"cli.{fmt}"
        result = runner.invoke(app, ["export", "-p", project.path, "-o", str(out), "--pseudonymise"])
        assert result.exit_code == 0, result.output
        assert "pseudonymiseret" in result.stdout and out.exists()
    result = runner.invoke(app, ["export", "-p", project.path, "-o", str(tmp_path / "x.md"), "--year", "2023",
                                 "--title", "Kun 2023"])  # fmt: skip
    text = (tmp_path / "x.md").read_text(encoding="utf-8")
    assert result.exit_code == 0 and text.startswith("# Kun 2023") and "Flere billige boliger" not in text
    result = runner.invoke(app, ["export", "-p", project.path, "-o", str(tmp_path / "y.md"), "--year", "1999"])
    assert result.exit_code == 2 and "ingen input fra 1999" in result.stderr and "2022, 2023" in result.stderr
    assert not (tmp_path / "y.md").exists()
