"""The command line, end to end, with the Typer test runner."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from udsatte_nlp.cli import app

from .conftest import SEEDS, requires_seeds
from .test_ingest import make_pdf

runner = CliRunner()

POSTITS = [
    "Flere billige boliger til hjemløse",
    "Hjemløse skal have en bolig først",
    "Mangel på små boliger i byen",
    "Boligen er grundlaget for alt andet",
    "Sagsbehandleren skal lytte til borgeren",
    "Man skal mødes med respekt på kommunen",
    "Borgeren skal ses som et helt menneske",
    "Respekt og værdighed i mødet med systemet",
    "Hurtigere misbrugsbehandling uden ventetid",
    "Behandling for misbrug skal starte med det samme",
    "Ventelister til misbrugsbehandling er for lange",
    "Misbrug og psykiatri skal behandles samtidig",
]


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def make_workshop(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["gruppe;tekst;år"] + [f"Bord {i % 3 + 1};{t};2025" for i, t in enumerate(POSTITS)]
    (folder / "postits.csv").write_text("\n".join(lines), encoding="cp1252")
    (folder / "note.txt").write_text(
        "Dialogmøde 4. juni 2014\n\nI opsamlingen blev nævnt, at:\n• Flere boliger til unge.\n• Hurtigere hjælp, bl.a. om natten.\n",
        encoding="utf-8",
    )
    return folder


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("Fejl: ")
    assert "Traceback" not in result.output
    for n in needles:
        assert n in err, err


def test_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for cmd in ("clean", "analyze", "export", "info"):
        assert cmd in result.stdout


def test_every_command_has_help_text():
    for cmd in ("clean", "analyze", "export", "info"):
        result = run(cmd, "--help")
        assert result.exit_code == 0 and "--" in result.stdout


def test_clean_cp1252_with_report(tmp_path):
    src = tmp_path / "note.txt"
    src.write_bytes("Gå direkte til indhold\n- Første høring på Ærø, fÃ¸rste gang\n".encode("cp1252"))
    out, rep = tmp_path / "ren.txt", tmp_path / "rettelser.csv"
    result = run("clean", src, "-o", out, "--report", rep)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "• Første høring på Ærø, første gang\n"
    rows = list(csv.DictReader(io.StringIO(rep.read_text(encoding="utf-8-sig"))))
    assert {r["regel"] for r in rows} >= {"boilerplate", "bullet", "mojibake"}


def test_analyze_export_info_and_idempotent_reingest(tmp_path):
    corpus = make_workshop(tmp_path / "in")
    db = tmp_path / "p.db"
    result = run("analyze", corpus, "--project", db, "--embedder", "lexical", "--themes", "3", "--quiet")
    assert result.exit_code == 0, result.output
    out = tmp_path / "ud.csv"
    result = run("export", "--project", db, "--format", "csv", "-o", out)
    assert result.exit_code == 0 and "Rapport skrevet til" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(POSTITS) + 2
    assert {"unit_id", "document", "year", "section", "text", "theme_id", "theme_label"} <= set(rows[0])
    assert {r["year"] for r in rows} == {"2025", "2014"}
    assert len({r["theme_id"] for r in rows}) == 3
    note = [r for r in rows if r["document"] == "note.txt"]
    assert [r["section"] for r in note] == ["I opsamlingen blev nævnt, at"] * 2

    again = run("analyze", corpus, "--project", db, "--embedder", "lexical", "--themes", "3")
    assert again.exit_code == 0
    assert "0 nye filer, 2 uændrede" in again.stdout.replace("\n", " ")
    assert "0 nye embeddings" in again.stdout.replace("\n", " ")
    info = run("info", "--project", db)
    assert info.exit_code == 0
    assert "Dokumenter:  2" in info.stdout and f"Input:       {len(POSTITS) + 2}" in info.stdout
    assert "Kørsler:     2" in info.stdout


def test_same_seed_same_themes(tmp_path):
    corpus = make_workshop(tmp_path / "in")
    outs = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.db"
        assert run("analyze", corpus, "-p", db, "--embedder", "lexical", "--seed", "3", "-q").exit_code == 0
        out = tmp_path / f"{name}.csv"
        assert run("export", "-p", db, "-o", out).exit_code == 0
        outs.append(out.read_text(encoding="utf-8-sig"))
    assert outs[0] == outs[1]


def _corrupt_docx(tmp_path):
    p = tmp_path / "ødelagt.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document")
    p.write_bytes(buf.getvalue()[:40])
    return p


def _encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["Hemmeligt"]))).pages:
        writer.add_page(page)
    writer.encrypt("hemmelig")
    p = tmp_path / "låst fil.pdf"
    with open(p, "wb") as fh:
        writer.write(fh)
    return p


BAD_INPUTS = {
    "missing": lambda d: d / "findes-ikke.txt",
    "unsupported": lambda d: _write(d / "billede.png", b"\x89PNG...."),
    "empty": lambda d: _write(d / "tom.txt", b""),
    "binary": lambda d: _write(d / "binær.txt", bytes(range(256)) * 20),
    "corrupt-docx": _corrupt_docx,
    "corrupt-pdf": lambda d: _write(d / "ødelagt.pdf", b"%PDF-1.4\ngarbage"),
    "encrypted-pdf": _encrypted_pdf,
    "image-only-pdf": lambda d: _write(d / "scannet.pdf", make_pdf([None])),
    "csv-without-text-column": lambda d: _write(d / "skema.csv", "navn;alder\nA;3\n".encode()),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_and_leaves_project_untouched(tmp_path, case):
    bad = BAD_INPUTS[case](tmp_path)
    db = tmp_path / "p.db"
    # a fresh project is never created by a failed run
    result = run("analyze", bad, "--project", db, "--embedder", "lexical")
    assert_one_line_error(result, Path(bad).name)
    assert not db.exists()
    # an existing project stays byte-for-byte as it was
    good = make_workshop(tmp_path / "good")
    assert run("analyze", good, "-p", db, "--embedder", "lexical", "-q").exit_code == 0
    before = _db_dump(db)
    result = run("analyze", good, bad, "--project", db, "--embedder", "lexical")
    assert_one_line_error(result, Path(bad).name)
    assert _db_dump(db) == before
    # and `clean` says the same
    assert_one_line_error(run("clean", bad, "-o", tmp_path / "x.txt"), Path(bad).name)


def _db_dump(db: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_bad_file_inside_a_folder_is_skipped_and_reported(tmp_path):
    folder = make_workshop(tmp_path / "in")
    _write(folder / "tom.txt", b"")
    db = tmp_path / "p.db"
    result = run("analyze", folder, "-p", db, "--embedder", "lexical", "-q")
    assert result.exit_code == 2
    assert "tom.txt" in result.stderr and "sprunget over" in result.stderr
    assert "Traceback" not in result.output
    assert "Input:       14" in run("info", "-p", db).stdout


def test_export_errors_are_one_line(tmp_path):
    assert_one_line_error(run("export", "-p", tmp_path / "nej.db", "-o", tmp_path / "x.csv"), "nej.db")
    db = tmp_path / "p.db"
    assert run("analyze", make_workshop(tmp_path / "in"), "-p", db, "--embedder", "lexical", "-q").exit_code == 0
    assert_one_line_error(run("export", "-p", db, "-o", tmp_path / "x.xyz", "--format", "xyz"), "xyz")
    assert_one_line_error(run("export", "-p", db, "-o", tmp_path / "mangler" / "x.csv"), "mangler")


def test_codebook_errors_are_one_line(tmp_path):
    cb = tmp_path / "kodebog.toml"
    cb.write_text('[[theme]]\ndescription = "uden navn"\n', encoding="utf-8")
    result = run("analyze", make_workshop(tmp_path / "in"), "-p", tmp_path / "p.db", "--codebook", cb, "--embedder", "lexical")
    assert_one_line_error(result, "kodebog.toml", "mangler et navn")


def test_codebook_names_are_kept_as_labels(tmp_path):
    cb = tmp_path / "kodebog.toml"
    cb.write_text(
        '[[theme]]\nname = "Bolig"\nkeywords = ["bolig", "hjemløse"]\n'
        '[[theme]]\nname = "Menneskesyn"\nkeywords = ["respekt", "lytte", "menneske"]\n'
        '[[theme]]\nname = "Misbrug"\nkeywords = ["misbrug", "behandling"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "p.db"
    assert run("analyze", make_workshop(tmp_path / "in"), "-p", db, "--codebook", cb, "--embedder", "lexical", "-q").exit_code == 0
    out = tmp_path / "u.csv"
    run("export", "-p", db, "-o", out)
    labels = {r["theme_label"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert labels <= {"Bolig", "Menneskesyn", "Misbrug"} and len(labels) >= 2


@requires_seeds
def test_seeds_go_through_analyze_and_export_with_the_default_model(tmp_path):
    db = tmp_path / "seeds.db"
    result = run("analyze", *sorted(SEEDS.glob("*.txt")), "-p", db, "-q")
    assert result.exit_code == 0, result.output
    out = tmp_path / "seeds.csv"
    assert run("export", "-p", db, "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) > 150
    assert {r["year"] for r in rows} == {"2013", "2014", "2016", "2020"}
    assert all(r["theme_label"] for r in rows)
