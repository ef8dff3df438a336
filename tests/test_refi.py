"""REFI-QDA in and out: .qdpx projects, codebooks from .qdc/.qdpx, import-coding and agreement."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from udsatte_nlp import review
from udsatte_nlp.agreement import cohen_kappa, compare, first_placements, model_vs_person, sentence
from udsatte_nlp.cli import app
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.export import build_summary, export, pseudonymise
from udsatte_nlp.export.qdpx import PERSON_USER, TOOL_USER
from udsatte_nlp.records import Document, Unit
from udsatte_nlp.refi.importer import import_coding
from udsatte_nlp.refi.reader import read_codebook, read_project
from udsatte_nlp.store import ProjectStore
from udsatte_nlp.themes import load_codebook

from .conftest import ROOT, open_copy

XSD = ROOT.parent / "shared" / "refi-qda" / "Project-mrt2019.xsd"  # REFI-QDA's schema (MIT), beside the checkout
Q = "{urn:QDA-XML:project:1.0}"
NS = {"q": "urn:QDA-XML:project:1.0"}
runner = CliRunner()

NOTE = """Dialogmøde 4. juni 2014

Bolig
I opsamlingen blev nævnt, at:
• Flere billige boliger til hjemløse, også til unge
  der lige er flyttet hjemmefra.
• Jørgen Østergård fortalte om ventetiden på en bolig i fÃ¸rste omgang.
• Skæve boliger til dem, der ikke kan bo i almindelige boliger.

Misbrug
Behandling for misbrug skal starte med det samme. Ventelister til misbrugsbehandling er for lange.
Ring til Mette på 28 91 47 06, hvis du vil høre mere.
"""
ROWS = [
    ("Bord 1", "Sagsbehandleren   skal lytte til borgeren"),
    ("Bord 1", "Man skal mødes med respekt på kommunen"),
    ("Bord 2", "Hurtigere misbrugsbehandling uden ventetid"),
    ("Bord 2", "Borgeren skal ses som et helt menneske"),
    ("Bord 3", "Misbrug og psykiatri skal behandles samtidig"),
    ("Bord 3", "Mangel på små boliger i byen"),
]


def write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / "note-2014.txt"
    note.write_text(NOTE, encoding="utf-8")
    sheet = folder / "postits-2025.csv"
    sheet.write_text("gruppe;tekst;år\n" + "\n".join(f"{g};{t};2025" for g, t in ROWS), encoding="utf-8")
    return [note, sheet]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from udsatte_nlp.embed import LexicalEmbedder
    from udsatte_nlp.pipeline import analyze

    folder = tmp_path_factory.mktemp("refi")
    path = folder / "skabelon.db"
    analyze(write_corpus(folder / "filer"), path, n_themes=3, embedder=LexicalEmbedder(256))
    with ProjectStore(path, create=False) as s:  # a restored correction: the input differs from its span
        row = s.conn.execute("SELECT id FROM corrections WHERE before LIKE '%Ã¸%'").fetchone()
        s.revert_correction(int(row[0]))
    return path


@pytest.fixture
def project(template, tmp_path) -> ProjectStore:
    yield from open_copy(template, tmp_path)


def state_of(store: ProjectStore) -> tuple:
    themes = [tuple(r) for r in store.conn.execute("SELECT id, label, source, label_source, active FROM themes ORDER BY id")]
    assigns = [tuple(r) for r in store.conn.execute("SELECT unit_id, theme_id, source FROM assignments ORDER BY unit_id")]
    return themes, assigns


def open_qdpx(path: Path) -> tuple[etree._Element, dict[str, str]]:
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        texts = {n[len("sources/") :]: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    return root, texts


def selections(root: etree._Element, texts: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """``(source name, sliced text, code guid, creating user)`` of every coded selection."""
    out = []
    for src in root.iter(f"{Q}TextSource"):
        text = texts[src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.iter(f"{Q}PlainTextSelection"):
            coding = sel.find(f"{Q}Coding")
            out.append((src.get("name"), text[int(sel.get("startPosition")) : int(sel.get("endPosition"))],
                        coding.find(f"{Q}CodeRef").get("targetGUID"), coding.get("creatingUser")))  # fmt: skip
    return out


# ------------------------------------------------------------------ export
def test_qdpx_slices_back_to_every_input_with_its_theme(project, tmp_path):
    project.move_units([project.units()[0]["id"]], project.themes()[-1]["id"])  # one person's placement
    out = export(project, None, tmp_path / "projekt.qdpx")
    root, texts = open_qdpx(out)
    assert root.tag == f"{Q}Project" and root.get("origin").startswith("udsatte-nlp")
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    assert users == {TOOL_USER: "udsatte-nlp (model)", PERSON_USER: "Medarbejder"}
    codes = {c.get("guid"): c for c in root.iter(f"{Q}Code")}
    labels = {t["id"]: t["label"] for t in project.themes()}
    by_name = {c.get("name"): g for g, c in codes.items()}
    assert set(by_name) == set(labels.values())
    for c in codes.values():
        assert c.get("isCodable") == "true" and re.fullmatch(r"#[0-9A-F]{6}", c.get("color"))
        desc = c.find(f"{Q}Description").text
        assert "Nøgleord:" in desc and "Navnet er foreslået af udsatte-nlp." in desc
    sels = selections(root, texts)
    units = project.unit_table()
    assert len(sels) == len(units) == 3 + 3 + 6  # bullets, sentences, rows (headings and the intro line are sections)
    assert sorted(s[1] for s in sels) == sorted(u["text"] for u in units)
    for u in units:
        sel = next(s for s in sels if s[1] == u["text"])
        assert sel[2] == by_name[u["theme_label"]]
        assert sel[3] == (PERSON_USER if u["assigned_by"] == "human" else TOOL_USER)
    reverted = next(u["text"] for u in units if "omgang" in u["text"])
    assert "fÃ¸rste" in reverted  # the restored original, not the cleaned span
    assert "Sagsbehandleren skal lytte til borgeren" in [s[1] for s in sels]  # a row, spacing collapsed
    variables = {v.get("guid"): v.get("name") for v in root.iter(f"{Q}Variable")}
    values = {}
    for src in root.iter(f"{Q}TextSource"):
        for vv in src.iter(f"{Q}VariableValue"):
            name = variables[vv.find(f"{Q}VariableRef").get("targetGUID")]
            values.setdefault(src.get("name"), {})[name] = vv[1].text
    assert values == {"note-2014.txt": {"År": "2014", "Dokument": "note-2014.txt"},
                      "postits-2025.csv": {"År": "2025", "Dokument": "postits-2025.csv"}}  # fmt: skip
    again = export(project, "qdpx", tmp_path / "igen.qdpx")
    assert again.read_bytes() == out.read_bytes()  # deterministic


@pytest.mark.skipif(not XSD.exists(), reason="../shared/refi-qda/Project-mrt2019.xsd not present")
def test_qdpx_validates_against_the_refi_qda_schema(project, tmp_path):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    for name, opts in (("a.qdpx", {}), ("b.qdpx", {"pseudonymise": True}), ("c.qdpx", {"year": 2025})):
        root, _ = open_qdpx(export(project, "qdpx", tmp_path / name, **opts))
        assert schema.validate(root), (name, schema.error_log.last_error)


def test_pseudonymised_qdpx_masks_the_sources_and_keeps_offsets_exact(project, tmp_path):
    root, texts = open_qdpx(export(project, "qdpx", tmp_path / "p.qdpx", pseudonymise=True))
    whole = "\n".join(texts.values())
    for secret in ("Jørgen", "Østergård", "Mette", "28 91 47 06"):
        assert secret not in whole
    assert "[Person 1] fortalte" in whole and "[Telefon]" in whole and "Bolig" in whole
    masked = {u["unit_id"]: u["text"] for u in pseudonymise(build_summary(project)).units}
    sels = selections(root, texts)
    assert sorted(s[1] for s in sels) == sorted(masked.values())


def test_source_text_handles_inputs_without_or_with_stale_offsets(store):
    from udsatte_nlp.export.summary import source_parts

    units = [
        {"id": 1, "text": "Første punkt", "char_start": 2, "char_end": 14},
        {"id": 2, "text": "Andet punkt", "char_start": None, "char_end": None},  # found by search
        {"id": 3, "text": "Findes ikke i teksten", "char_start": 5, "char_end": 9},  # overlaps: own line
        {"id": 4, "text": "Sidste  punkt", "char_start": 41, "char_end": 54},
    ]
    clean = "• Første punkt\n• Andet punkt\n• Tredje\n• Sidste\npunkt\n"
    units[3]["char_start"], units[3]["char_end"] = clean.index("Sidste"), clean.index("punkt\n", 40) + 5
    parts = source_parts(clean, units)
    text = "".join(p for _, p in parts)
    pos = 0
    for uid, part in parts:
        if uid is not None:
            assert text[pos : pos + len(part)] == next(u["text"] for u in units if u["id"] == uid)
        pos += len(part)
    assert text.startswith("• Første punkt\n• Andet punkt\nFindes ikke i teksten\n\n• Tredje\n• Sidste  punkt\n")


# ---------------------------------------------------------------- import
def test_round_trip_export_import_changes_nothing(project, tmp_path):
    project.move_units([project.units()[2]["id"]], project.themes()[0]["id"])
    out = export(project, "qdpx", tmp_path / "rundtur.qdpx")
    before, revision, edits = state_of(project), project.revision, len(project.edit_history())
    result = import_coding(project, out)
    assert (result.moved, result.confirmed, result.placed, result.edit_id) == (0, 0, [], None)
    assert result.unchanged == len(project.units()) and not result.problems
    assert state_of(project) == before and project.revision == revision and len(project.edit_history()) == edits
    # a pseudonymised export maps back through the word alignment: still nothing to change
    masked = export(project, "qdpx", tmp_path / "maskeret.qdpx", pseudonymise=True)
    result = import_coding(project, masked)
    assert result.moved == 0 and state_of(project) == before


def recode_as_another_program(
    src: Path, dst: Path, recode: dict[str, str], *, new_code: str, origin: str = "NVivo 14", crlf_is_two: bool = True
) -> None:
    """Rewrite an exported .qdpx as NVivo or MAXQDA might send it back after a person's work: another user,
    some inputs coded differently, a new code nested under a non-codable category, Windows line ends
    (positions counting \\r\\n as two characters), sources renamed without suffix and with new GUIDs,
    and a coding of the heading, which is no input."""
    root, texts = open_qdpx(src)
    root.set("origin", origin)
    anna = "11111111-2222-3333-4444-555555555555"
    etree.SubElement(root.find(f"{Q}Users"), f"{Q}User", guid=anna, name="Anna")
    codes = root.find(f"{Q}CodeBook/{Q}Codes")
    cat = etree.SubElement(codes, f"{Q}Code", guid="AAAAAAAA-0000-0000-0000-000000000001", name="Kategori", isCodable="false")
    etree.SubElement(cat, f"{Q}Code", guid="AAAAAAAA-0000-0000-0000-000000000002", name=new_code, isCodable="true")
    by_name = {c.get("name"): c.get("guid") for c in root.iter(f"{Q}Code")}
    files = {}
    for i, s in enumerate(root.iter(f"{Q}TextSource")):
        name = s.get("plainTextPath").removeprefix("internal://")
        text = texts[name]
        s.set("guid", f"BBBBBBBB-0000-0000-0000-00000000000{i}")
        s.set("name", Path(s.get("name")).stem)

        def shift(pos: int, text: str = text) -> int:
            return pos + text.count("\n", 0, pos) if crlf_is_two else pos

        for sel in s.iter(f"{Q}PlainTextSelection"):
            piece = text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
            sel.set("startPosition", str(shift(int(sel.get("startPosition")))))
            sel.set("endPosition", str(shift(int(sel.get("endPosition")))))
            for key, code in recode.items():
                if key in piece:
                    coding = sel.find(f"{Q}Coding")
                    coding.set("creatingUser", anna)
                    coding.find(f"{Q}CodeRef").set("targetGUID", by_name[code])
        if "Bolig\n" in text:
            start = text.index("Bolig\n")
            sel = etree.SubElement(s, f"{Q}PlainTextSelection", guid="CCCCCCCC-0000-0000-0000-000000000001",
                                   startPosition=str(shift(start)), endPosition=str(shift(start + 5)))  # fmt: skip
            coding = etree.SubElement(sel, f"{Q}Coding", guid="CCCCCCCC-0000-0000-0000-000000000002", creatingUser=anna)
            etree.SubElement(coding, f"{Q}CodeRef", targetGUID="{" + by_name[new_code].lower() + "}")  # braces occur
            s.remove(sel)
            s.insert(list(s).index(s.find(f"{Q}PlainTextSelection")), sel)
        files[name] = text.replace("\n", "\r\n")
    with zipfile.ZipFile(dst, "w") as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for name, text in files.items():
            zf.writestr(f"sources/{name}", "\ufeff".encode() + text.encode("utf-8"))  # with a BOM, as QualCoder writes


@pytest.mark.parametrize(
    "origin, crlf_is_two",
    [("NVivo 14", True), ("ATLAS.ti 23", False), ("MAXQDA 2022", False)],  # \r\n counted as two or as one character
)
def test_import_coding_places_a_persons_codings_and_is_one_undoable_edit(project, tmp_path, origin, crlf_is_two):
    themes = {t["label"]: t["id"] for t in project.themes()}
    units = {u["text"]: u for u in project.unit_table()}
    target = next(label for label in themes if label != units["Mangel på små boliger i byen"]["theme_label"])
    out = export(project, "qdpx", tmp_path / "ud.qdpx")
    back = tmp_path / "tilbage.qdpx"
    recode_as_another_program(out, back, {"Mangel på små boliger": target, "Skæve boliger": "Boligtyper",
                                          "Sagsbehandleren skal lytte": units["Sagsbehandleren skal lytte til borgeren"]
                                          ["theme_label"]}, new_code="Boligtyper", origin=origin,
                              crlf_is_two=crlf_is_two)  # fmt: skip
    before = state_of(project)
    result = import_coding(project, back)
    assert (result.moved, result.confirmed) == (2, 1), result
    assert result.new_themes == ["Boligtyper"]
    assert len(result.placed) == 3 and result.edit_id is not None
    assert any("Bolig" in p and "dækker intet input" in p for p in result.problems), result.problems
    now = {u["text"]: u for u in project.unit_table()}
    assert now["Mangel på små boliger i byen"]["theme_label"] == target
    assert now["Skæve boliger til dem, der ikke kan bo i almindelige boliger."]["theme_label"] == "Boligtyper"
    assert {now[t]["assigned_by"] for t in ("Mangel på små boliger i byen", "Sagsbehandleren skal lytte til borgeren")} == {"human"}
    untouched = [t for t in now if "Misbrug og psykiatri" in t]
    assert now[untouched[0]]["assigned_by"] == "model"
    assert set(result.placed) == {now[t]["unit_id"] for t in now if now[t]["assigned_by"] == "human"}
    assert project.edit_history()[-1]["op"] == "import"
    assert review.undo(project) is not None
    assert state_of(project)[1] == before[1] and "Boligtyper" not in [t["label"] for t in project.themes()]
    assert review.redo(project) is not None and len(project.themes()) == len(before[0]) + 1


def test_import_coding_reports_unknown_documents_and_refuses_files_that_fit_nothing(project, tmp_path):
    out = export(project, "qdpx", tmp_path / "ud.qdpx")
    root, texts = open_qdpx(out)
    for s in root.iter(f"{Q}TextSource"):
        s.set("guid", "DDDDDDDD-0000-0000-0000-000000000000")
        s.set("name", "et andet dokument.txt")
    other = tmp_path / "andet.qdpx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("project.qde", etree.tostring(root))
        for name in texts:
            zf.writestr(f"sources/{name}", "Helt anden tekst om noget andet.")
    with pytest.raises(ConfigError, match="Ingen af filens kodninger passer"):
        import_coding(project, other)
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"PK\x03\x04 ikke en zip")
    result = runner.invoke(app, ["import-coding", str(bad), "-p", project.path])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "bad.qdpx" in result.stderr


def test_cli_import_coding_and_agreement(project, tmp_path):
    themes = {t["label"]: t["id"] for t in project.themes()}
    units = project.unit_table()
    moving = [u for u in units if u["kind"] == "row"][:2]
    target = next(label for label in themes if label != moving[0]["theme_label"])
    out = export(project, "qdpx", tmp_path / "ud.qdpx")
    back = tmp_path / "tilbage.qdpx"
    recode_as_another_program(out, back, {moving[0]["text"]: target}, new_code="Ny kode")
    other = tmp_path / "kopi.db"
    shutil.copy(project.path, other)
    result = runner.invoke(app, ["import-coding", str(back), "-p", str(other)])
    assert result.exit_code == 0, result.output
    assert "1 input flyttet" in result.stdout and "kan fortrydes" in result.stdout
    assert "dækker intet input" in result.stderr
    result = runner.invoke(app, ["agreement", "-p", str(other)])
    assert result.exit_code == 0, result.output
    n = len(units)
    assert f"{n} input" in result.stdout and "Medarbejderne flyttede" in result.stdout and "κ = " in result.stdout
    result = runner.invoke(app, ["agreement", "-p", project.path, "--with", str(other)])
    assert result.exit_code == 0 and f"{n} input kodet i begge; 1 forskellige" in result.stdout
    result = runner.invoke(app, ["agreement", "-p", project.path, "--with", str(back)])
    assert result.exit_code == 0 and "1 forskellige" in result.stdout
    result = runner.invoke(app, ["agreement", "-p", project.path, "--with", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and ".qdpx" in result.stderr


# -------------------------------------------------------------- codebooks
CODES = """
  <Codes>
    <Code guid="00000000-0000-0000-0000-000000000001" name="Rammer" isCodable="false">
      <Description>Kun en gruppe</Description>
      <Code guid="00000000-0000-0000-0000-000000000002" name="Bolig" isCodable="true" color="#FF0000">
        <Description>Boliger til hjemløse og unge</Description>
        <Code guid="00000000-0000-0000-0000-000000000003" name="Skæve boliger" isCodable="true"/>
      </Code>
      <Code guid="00000000-0000-0000-0000-000000000004" name="Andet" isCodable="true"/>
    </Code>
    <Code guid="00000000-0000-0000-0000-000000000005" name="Misbrug">
      <Description>Behandling og ventetid</Description>
      <Code guid="00000000-0000-0000-0000-000000000006" name="Andet" isCodable="true"/>
    </Code>
  </Codes>
"""
# a codebook as NVivo writes one, and a project (MAXQDA) holding the same codes
QDC = f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">{CODES}</CodeBook>\n'
QDE = f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="P" origin="MAXQDA 2022"><CodeBook>{CODES}</CodeBook></Project>\n'


def test_hand_made_qdc_and_qdpx_work_as_codebooks(tmp_path):
    qdc = tmp_path / "nvivo.qdc"
    qdc.write_text(QDC, encoding="utf-8")
    themes = load_codebook(qdc)
    assert [t.name for t in themes] == ["Bolig", "Skæve boliger", "Rammer / Andet", "Misbrug", "Misbrug / Andet"]
    assert themes[0].description == "Boliger til hjemløse og unge" and themes[3].description == "Behandling og ventetid"
    qdpx = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", QDE)
    assert [t.name for t in load_codebook(qdpx)] == [t.name for t in themes]
    assert read_codebook(qdpx)[2].path == ("Rammer", "Bolig", "Skæve boliger")


def test_own_qdc_round_trips_keywords_and_examples(project, tmp_path):
    out = export(project, "qdc", tmp_path / "kodebog.qdc")
    themes = load_codebook(out)
    summary = build_summary(project)
    assert [t.name for t in themes] == [t.label for t in summary.themes]
    for cb, t in zip(themes, summary.themes, strict=True):
        assert list(cb.keywords) == t.keywords and list(cb.examples) == t.representatives
        assert "input (" not in cb.description and "Navnet" not in cb.description


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("tom.qdc", b"", "tom"),
        ("halv.qdc", b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code", "ikke gyldig XML"),
        ("forkert.qdc", b"<Project name='x'/>", "ingen koder"),
        ("html.qdc", b"<html><body>nej</body></html>", "CodeBook"),
        ("ingen.qdc", b"<CodeBook><Codes><Code guid='1' name='A' isCodable='false'/></Codes></CodeBook>", "kan kodes"),
        ("zip.qdpx", b"ikke en zip", "zip-fil"),
    ],
)
def test_malformed_codebook_is_one_line(tmp_path, name, content, needle):
    from udsatte_nlp.refi.reader import decode_text

    path = tmp_path / name
    path.write_bytes(content)
    folder = tmp_path / "in"
    write_corpus(folder)
    result = runner.invoke(app, ["analyze", str(folder), "-p", str(tmp_path / "p.db"), "--codebook", str(path),
                                 "--embedder", "lexical", "-q"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and name in result.stderr and needle in result.stderr, result.stderr
    assert not (tmp_path / "p.db").exists()
    assert decode_text("\ufeffæ".encode()) == "æ"


def test_analyze_with_a_qdc_codebook_keeps_the_code_names(tmp_path):
    qdc = tmp_path / "kodebog.qdc"
    qdc.write_text(QDC, encoding="utf-8")
    db = tmp_path / "p.db"
    write_corpus(tmp_path / "in")
    result = runner.invoke(app, ["analyze", str(tmp_path / "in"), "-p", str(db), "--codebook", str(qdc),
                                 "--embedder", "lexical", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with ProjectStore(db, create=False) as s:
        labels = {t["label"] for t in s.themes() if t["source"] == "codebook"}
    assert labels and labels <= {"Bolig", "Skæve boliger", "Rammer / Andet", "Misbrug", "Misbrug / Andet"}


def test_read_project_takes_text_from_plain_text_content_and_reports_missing_files(tmp_path):
    qde = """<Project xmlns="urn:QDA-XML:project:1.0" name="x">
      <CodeBook><Codes><Code guid="00000000-0000-0000-0000-00000000000A" name="A" isCodable="true"/></Codes></CodeBook>
      <Sources>
        <TextSource guid="00000000-0000-0000-0000-00000000000B" name="indlejret">
          <PlainTextContent>Hej med dig</PlainTextContent>
          <PlainTextSelection guid="00000000-0000-0000-0000-00000000000C" startPosition="4" endPosition="7">
            <Coding guid="00000000-0000-0000-0000-00000000000D"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000A"/></Coding>
          </PlainTextSelection>
        </TextSource>
        <TextSource guid="00000000-0000-0000-0000-00000000000E" name="væk" plainTextPath="internal://mangler.txt"/>
        <PictureSource guid="00000000-0000-0000-0000-00000000000F" name="foto"/>
      </Sources></Project>"""
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Projekt.qde", qde)
    p = read_project(path)
    assert p.sources[0].text == "Hej med dig" and p.sources[0].selections[0].codings[0][0].endswith("0A")
    assert p.sources[1].text is None and "mangler" in p.sources[1].problem and p.other_sources == 1


# -------------------------------------------------------------- agreement
def test_kappa_equals_a_hand_computation_and_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    # 10 inputs, themes A/B/C; the two agree on 7
    a = ["A", "A", "A", "A", "B", "B", "B", "C", "C", "C"]
    b = ["A", "A", "A", "B", "B", "B", "C", "C", "C", "A"]
    po = 7 / 10
    pe = (4 * 4 + 3 * 3 + 3 * 3) / 100  # A: 4 and 4, B: 3 and 3, C: 3 and 3
    hand = (po - pe) / (1 - pe)
    assert hand == pytest.approx(0.5454545, abs=1e-6)
    assert cohen_kappa(a, b) == pytest.approx(hand) == pytest.approx(cohen_kappa_score(a, b))
    r = compare(dict(enumerate(a)), dict(enumerate(b)))
    assert (r.n, r.n_same, r.kappa) == (10, 7, pytest.approx(hand))
    per = {t.label: (t.n_a, t.n_b, t.n_both, t.agreement) for t in r.themes}
    assert per["A"] == (4, 4, 3, pytest.approx(0.75)) and per["C"] == (3, 3, 2, pytest.approx(2 / 3))
    assert cohen_kappa(["A", "A"], ["A", "A"]) is None  # one theme only: undefined
    assert cohen_kappa(["A", "B"], ["A", "B"]) == 1.0


def test_first_placement_comes_from_the_edit_log(project):
    units = [u["id"] for u in project.units()]
    themes = [t["id"] for t in project.themes()]
    model = {r["unit_id"]: r["theme_id"] for r in project.assignments()}
    assert first_placements(project) == (model, set()) and not model_vs_person(project).reviewed
    u0, u1, u2 = units[:3]
    other = lambda u: next(t for t in themes if t != model[u])  # noqa: E731
    third = next(t for t in themes if t not in (model[u0], other(u0)))
    project.move_units([u0], other(u0))
    project.move_units([u0], third)  # moved twice: the first placement is still the model's
    project.move_units([u1], other(u1))
    project.undo()  # undone: u1 is the model's again
    project.move_units([u2], model[u2])  # confirmed where the model put it
    first, touched = first_placements(project)
    assert first == model and touched == {u0, u2}
    r = model_vs_person(project)
    assert r.reviewed and r.n == len(units) and r.n_changed == 1
    assert sentence(r).startswith(f"Medarbejderne flyttede {1 / len(units) * 100:.1f}".replace(".", ","))
    s = build_summary(project)
    assert s.agreement["n_changed"] == 1 and "Medarbejderne flyttede" in s.method_note and "κ = 0," in s.method_note


def test_agreement_sentence_reads_as_the_issue_says():
    from udsatte_nlp.agreement import Agreement

    assert sentence(Agreement("model", "medarbejder", 100, 82, 0.7123)) == (
        "Medarbejderne flyttede 18 % af input; enighed mellem model og medarbejder κ = 0,71."
    )


def test_json_export_carries_agreement_and_label_source(project, tmp_path):
    import json

    import jsonschema

    from udsatte_nlp.export.json import schema

    project.rename_theme(project.themes()[0]["id"], "Bolig")
    project.move_units([project.units()[0]["id"]], project.themes()[1]["id"])
    data = json.loads(export(project, "json", tmp_path / "s.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["agreement"]["n"] == len(project.units()) and "sources" not in data
    assert {t["label_source"] for t in data["themes"]} == {"human", "model"}


def test_units_added_as_documents_without_offsets_still_export(store, tmp_path):
    doc = Document(path="a.txt", format="txt", text="Et\nTo", sha256="1" * 64, year=2020)
    store.add_document(doc, "Et\nTo", [], [Unit(text="Et", kind="bullet"), Unit(text="To", kind="bullet")])
    from udsatte_nlp.records import Theme

    run = store.add_run({}, 0, "lexical-8")
    rows = store.units()
    store.save_model_themes(run, [Theme(id=0, label="A"), Theme(id=1, label="B")], [r["id"] for r in rows], [0, 1], [1, 1])
    root, texts = open_qdpx(export(store, "qdpx", tmp_path / "x.qdpx"))
    assert sorted(s[1] for s in selections(root, texts)) == ["Et", "To"]


def test_new_commands_are_in_the_help_and_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Til og fra NVivo, ATLAS.ti, MAXQDA og QualCoder" in readme
    listing = runner.invoke(app, ["--help"]).stdout
    for cmd in ("import-coding", "agreement"):
        assert cmd in listing and f"| `udsatte-nlp {cmd} " in readme
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0 and "--project" in result.stdout
    assert "qdpx" in runner.invoke(app, ["export", "--help"]).stdout
