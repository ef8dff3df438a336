"""Workbooks with many sheets, tables limited by rows and read as a stream, zip containers checked before reading."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest import read
from udsatte_nlp.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


GROUP_TABLES = {
    "Bord 1": [["tekst"], ["Flere billige boliger til unge"], ["Mindre ventetid på behandling"]],
    "Bord 2": [["tekst"], ["At blive mødt med respekt"], ["En fast kontaktperson i kommunen"]],
    "Bord 3": [["tekst"], ["Væresteder med åbent om aftenen"], ["Hjælp til at få styr på gælden"]],
}


# ------------------------------------------------------------------ workbooks
def test_every_sheet_of_a_workbook_is_read_with_its_name_as_section(tmp_path):
    path = workbook(tmp_path / "borde.xlsx", {**GROUP_TABLES, "Deltagere": [["Navn", "Kommune"], ["Jonna", "Odense"]]})
    doc = read(path)
    _, _, units = prepare(doc)
    assert len(units) == 6
    assert [(u.section, u.text) for u in units][:3] == [
        ("Bord 1", "Flere billige boliger til unge"),
        ("Bord 1", "Mindre ventetid på behandling"),
        ("Bord 2", "At blive mødt med respekt"),
    ]
    assert {u.section for u in units} == {"Bord 1", "Bord 2", "Bord 3"}
    assert [s["name"] for s in doc.metadata["sheets"]] == ["Bord 1", "Bord 2", "Bord 3"]
    # the sheet without a text column is named in one line, never skipped silently
    assert doc.warnings == [
        "Ark 'Deltagere' har ingen tekstkolonne og er sprunget over (kolonner: Navn, Kommune; "
        "vælg en anden med --text-column)"
    ]


def test_a_sheet_and_the_rows_own_group_column_make_the_section(tmp_path):
    path = workbook(tmp_path / "ark.xlsx", {
        "Drømme": [["gruppe", "tekst"], ["Bord 1", "Flere boliger"], ["Bord 2", "Mere respekt"]],
        "Bekymringer": [["gruppe", "tekst"], ["Bord 1", "Lange ventelister"]],
    })
    _, _, units = prepare(read(path))
    assert [u.section for u in units] == ["Drømme – Bord 1", "Drømme – Bord 2", "Bekymringer – Bord 1"]
    assert units[0].metadata == {"gruppe": "Bord 1"}


def test_one_sheet_of_inputs_keeps_sections_from_its_group_column(tmp_path):
    path = workbook(tmp_path / "ark.xlsx", {"Ark1": [["gruppe", "tekst"], ["Bord 1", "Flere boliger"]], "Tom": []})
    doc = read(path)
    _, _, units = prepare(doc)
    assert [u.section for u in units] == ["Bord 1"] and doc.warnings == []
    corpus = read(ROOT / "corpora" / "landspanel-2025" / "landspanel-2025.xlsx")
    assert {u.section for u in prepare(corpus)[2]} == {f"Bord {i}" for i in range(1, 7)}


def test_text_column_applies_to_every_sheet(tmp_path):
    path = workbook(tmp_path / "svar.xlsx", {
        "Bord 1": [["Navn", "Svar"], ["A", "Bedre hjælp om natten"]],
        "Bord 2": [["Navn", "Svar"], ["B", "Flere gadeplansmedarbejdere"]],
        "Noter": [["Navn", "Kommentar"], ["C", "Husk kaffe"]],
    })
    doc = read(path, text_column="svar")
    assert [(r.sheet, r.text) for r in doc.rows] == [("Bord 1", "Bedre hjælp om natten"), ("Bord 2", "Flere gadeplansmedarbejdere")]
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("Ark 'Noter' har ingen kolonne 'svar' og er sprunget over")
    with pytest.raises(InputError, match="Kolonnen 'Udsagn' findes ikke.*Navn, Svar, Kommentar"):
        read(path, text_column="Udsagn")


def test_the_cli_reports_a_skipped_sheet(tmp_path):
    from typer.testing import CliRunner

    from udsatte_nlp.cli import app

    path = workbook(tmp_path / "borde.xlsx", {**GROUP_TABLES, "Deltagere": [["Navn"], ["Jonna"]]})
    result = CliRunner().invoke(app, ["analyze", str(path), "-p", str(tmp_path / "p.db"), "--embedder", "lexical", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "Ark 'Deltagere' har ingen tekstkolonne" in result.output
    from udsatte_nlp.store import ProjectStore

    with ProjectStore(tmp_path / "p.db") as store:
        assert len(store.units()) == 6


# ---------------------------------------------------------------- row limit
def test_tables_are_limited_by_rows(tmp_path, monkeypatch):
    from udsatte_nlp.ingest import table

    monkeypatch.setattr(table, "MAX_TABLE_ROWS", 100)
    csv_path = tmp_path / "mange.csv"
    csv_path.write_text("tekst\n" + "".join(f"Input nummer {i}\n" for i in range(101)), encoding="utf-8")
    with pytest.raises(InputError, match="mere end 100 rækker") as err:
        read(csv_path)
    assert "\n" not in str(err.value) and "mange.csv" in str(err.value)
    assert len(read(_rows_csv(tmp_path, 100)).rows) == 100
    xlsx = workbook(tmp_path / "mange.xlsx", {"A": [["tekst"]] + [[f"Input {i}"] for i in range(60)],
                                              "B": [["tekst"]] + [[f"Input {i}"] for i in range(60)]})
    with pytest.raises(InputError, match="mere end 100 rækker"):
        read(xlsx)


def _rows_csv(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"rækker{n}.csv"
    path.write_text("tekst\n" + "".join(f"Input nummer {i}\n" for i in range(n)), encoding="utf-8")
    return path


def test_a_csv_changing_encoding_after_its_first_megabyte_is_still_read(tmp_path):
    path = tmp_path / "blandet.csv"
    body = "".join(f"Input nummer {i} om bolig\n" for i in range(60_000)).encode("ascii")
    path.write_bytes(b"tekst\n" + body + "Hjælp til gæld og økonomi\n".encode("cp1252"))
    doc = read(path)
    assert doc.rows[-1].text == "Hjælp til gæld og økonomi" and doc.metadata["encoding"] == "cp1252"


# Peak memory of the process itself: VmHWM in /proc (ru_maxrss would include the parent's size at
# fork time on Linux, so a big pytest process would look like a big child).
PEAK = """
def peak_mib():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
"""

STREAM_SCRIPT = PEAK + """
import json, sys, time
from udsatte_nlp.ingest import read
base = peak_mib()
start = time.perf_counter()
doc = read(sys.argv[1])
print(json.dumps({"rows": len(doc.rows), "years": sorted({r.metadata["år"] for r in doc.rows}),
                  "seconds": time.perf_counter() - start, "peak_mib": peak_mib(), "base_mib": base}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_a_300000_row_csv_of_ten_years_is_read_as_a_stream(tmp_path):
    """The 20 MB limit for notes does not apply: 300,000 rows (~38 MB) are accepted, memory stays modest."""
    path = tmp_path / "landet.csv"
    words = "bolig hjemløse respekt misbrug behandling kommune sagsbehandler ventetid fællesskab psykiatri".split()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("tekst;kommune;år\n")
        for i in range(300_000):
            text = " ".join(words[(i * k) % len(words)] for k in range(1, 12))
            fh.write(f"Input {i}: {text}.;Kommune {i % 98};{2015 + i % 10}\n")
    size = path.stat().st_size
    assert size > 30 * 10**6
    out = subprocess.run([sys.executable, "-c", STREAM_SCRIPT, str(path)], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    figures = json.loads(out.stdout)
    print(f"{size / 1e6:.0f} MB csv: {figures}")
    assert figures["rows"] == 300_000 and figures["years"] == [str(y) for y in range(2015, 2025)]
    # the file's text alone is ~38 MB; rows with their metadata must not take many times that
    assert figures["peak_mib"] - figures["base_mib"] < 400


# ---------------------------------------------------------------- zip bombs
def _write_raw_zip(path: Path, plain: list[tuple[str, bytes]], name: str, packed: bytes, crc: int, size: int) -> Path:
    import struct
    import zlib

    entries = []
    out = bytearray()
    for n, d in plain:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        p = c.compress(d) + c.flush()
        entries.append((n, p, zlib.crc32(d), len(d)))
    entries.append((name, packed, crc, size))
    central = bytearray()
    for n, p, c, s in entries:
        offset = len(out)
        nb = n.encode()
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, c, len(p), s, len(nb), 0) + nb + p
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, c, len(p), s, len(nb), 0, 0, 0, 0, 0,
                               offset) + nb
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


BOMB_SCRIPT = PEAK + """
import sys
from typer.testing import CliRunner
from udsatte_nlp.cli import app
result = CliRunner().invoke(app, ["analyze", sys.argv[1], "-p", sys.argv[2], "--embedder", "lexical"])
print(result.exit_code)
print(result.stderr.strip())
print(int(peak_mib()))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_a_docx_bomb_is_refused_before_reading_in_one_line(tmp_path):
    """A 1.5 MB .docx whose document.xml inflates to 1.5 GB: one line, exit 2, peak memory far under 1 GiB."""
    from docx import Document

    ok = tmp_path / "ok.docx"
    Document().save(ok)
    with zipfile.ZipFile(ok) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "word/document.xml"}
    bomb = _write_bomb(tmp_path / "bombe.docx", parts, "word/document.xml", 1536 * 1024**2)
    assert bomb.stat().st_size < 3 * 10**6
    with zipfile.ZipFile(bomb) as z, z.open("word/document.xml") as member:  # a real, valid bomb
        assert member.read(1 << 20) == b" " * (1 << 20)
    out = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(bomb), str(tmp_path / "p.db")],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    code, message, peak_mib = out.stdout.strip().splitlines()
    print("peak MiB when refusing the bomb:", peak_mib, "|", message)
    assert code == "2"
    assert message.startswith(f"Fejl: {bomb}: Filen pakkes ud til 1,5 GB (grænsen er 256 MB)")
    assert "zip-bombe" in message and "\n" not in message
    assert int(peak_mib) < 1024
    assert not (tmp_path / "p.db").exists()


def _write_bomb(path: Path, parts: dict[str, bytes], member: str, size: int) -> Path:
    """``member`` inflates to ``size`` bytes of spaces. One megabyte is deflated once and the
    byte-aligned block (full flush: no back-references across it) repeated, as bomb makers do."""
    import zlib

    chunk = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    n = size // len(chunk)
    packed = block * n + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    return _write_raw_zip(path, list(parts.items()), member, packed, crc, size)


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"max_members": 5}, "Filen indeholder 6 dele (grænsen er 5)"),
        ({"max_member": 2 * 1024**2}, "Delen 'xl/big.xml' pakkes ud til 4 MB (grænsen er 2 MB)"),
        ({"max_ratio": 50.0}, "gange sin størrelse (grænsen er 50)"),
    ],
)
def test_each_zip_limit_is_checked(tmp_path, limits, message):
    from udsatte_nlp.ingest.archive import ZipLimits, check_zip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            z.writestr(f"xl/part{i}.xml", b"<a/>")
        z.writestr("xl/big.xml", b"<r>" + b"x" * (4 * 1024**2) + b"</r>")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_zip(buf.getvalue(), tmp_path / "a.xlsx", ZipLimits(**limits))
    check_zip(buf.getvalue(), tmp_path / "a.xlsx", ZipLimits(max_ratio=5000))  # within limits: nothing happens


def test_the_sample_office_files_pass_the_zip_check():
    from udsatte_nlp.ingest.archive import check_zip

    for path in sorted((ROOT / "corpora").rglob("*.docx")) + sorted((ROOT / "corpora").rglob("*.xlsx")):
        check_zip(path.read_bytes(), path)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    + "]>"
)


def test_xml_entities_are_never_expanded(tmp_path):
    """Billion laughs inside a workbook and a Word document: refused or read without expansion."""
    from docx import Document

    def laughing(ok: Path, part: str, put: str, into: str) -> None:
        """A copy of the zip ``ok`` whose ``part`` declares the entities and uses one instead of
        ``put``, read: refused in one line, or read without the expansion."""
        with zipfile.ZipFile(ok) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        xml = parts[part].decode().split("?>", 1)[-1].replace(put, into, 1)
        parts[part] = (BILLION_LAUGHS + xml).encode()
        bad = tmp_path / f"latter{ok.suffix}"
        with zipfile.ZipFile(bad, "w") as z:
            for n, d in parts.items():
                z.writestr(n, d)
        try:
            doc = read(bad)
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert "lollol" not in doc.text

    ok = tmp_path / "ok.docx"
    document = Document()
    document.add_paragraph("Første afsnit")
    document.save(ok)
    laughing(ok, "word/document.xml", "Første afsnit", "&lol9;")
    wb = tmp_path / "ok.xlsx"
    workbook(wb, {"A": [["tekst"], ["hej"]]})
    laughing(wb, "xl/worksheets/sheet1.xml", "<v>", "<v>&lol9;")
