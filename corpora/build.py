"""Rebuild the generated binary files of the sample corpora.

Run from the repository root with the project venv:

    .venv/bin/python corpora/build.py

Sources (kept in git)                      -> generated files
  landspanel-2025/inputs.tsv               -> landspanel-2025/landspanel-2025.xlsx
  landspanel-2025/inputs.tsv               -> landspanel-2025/plancher-2025.docx
  dialogmoeder/dialogmoede-2024.source.md  -> dialogmoeder/dialogmoede-2024.docx

The build is deterministic: the row shuffle uses a fixed seed, document
properties carry fixed dates, and the zip containers are rewritten with fixed
timestamps, so rebuilding produces byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from pathlib import Path

import docx
import openpyxl
from openpyxl.xml.functions import tostring
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
LANDSPANEL = HERE / "landspanel-2025"
DIALOG = HERE / "dialogmoeder"

SHUFFLE_SEED = 7
ZIP_TIME = (2025, 3, 12, 12, 0, 0)
AUTHOR = "Sekretariatet (fiktivt eksempel)"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def normalise_zip(path: Path, replace: dict[str, bytes] | None = None) -> None:
    """Rewrite an OOXML zip with fixed timestamps and attributes (same entry order).

    `replace` maps entry names to new contents (used for openpyxl's core.xml,
    whose modified date openpyxl always sets to "now" when saving).
    """
    replace = replace or {}
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, replace.get(info.filename) or src.read(info.filename))
                   for info in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def set_docx_properties(document, title: str, created: dt.datetime, subject: str = "") -> None:
    cp = document.core_properties
    cp.title = title
    cp.subject = subject
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.created = created
    cp.modified = created
    cp.revision = 1
    cp.language = "da-DK"
    cp.keywords = "socialt udsatte; udsatteråd; eksempeldata"
    cp.comments = "Fiktivt eksempelmateriale genereret af corpora/build.py"


def new_document():
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    return document


# --------------------------------------------------------------------------- xlsx
def build_xlsx(rows: list[dict[str, str]]) -> Path:
    shuffled = list(rows)
    random.Random(SHUFFLE_SEED).shuffle(shuffled)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Input"
    ws.append(["gruppe", "type", "tekst", "år"])
    for r in shuffled:
        ws.append([r["gruppe"], r["type"], r["input"], 2025])
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 100
    ws.column_dimensions["D"].width = 8
    ws.freeze_panes = "A2"

    fixed = dt.datetime(2025, 3, 13, 9, 0, 0)
    props = wb.properties
    props.title = "Landspanelmøde 12. marts 2025 – input fra plancher"
    props.subject = "Drømme og bekymringer for indsatsen for socialt udsatte"
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.created = fixed
    props.modified = fixed
    props.language = "da-DK"
    props.keywords = "socialt udsatte; landspanel; eksempeldata"

    out = LANDSPANEL / "landspanel-2025.xlsx"
    wb.save(out)
    props.modified = fixed  # openpyxl resets it on save; write the fixed value back
    normalise_zip(out, {"docProps/core.xml": tostring(props.to_tree())})
    return out


# --------------------------------------------------------------------------- plancher docx
def build_plancher(rows: list[dict[str, str]]) -> Path:
    document = new_document()
    title = "Landspanelmøde 12. marts 2025 – opsamling af plancher"
    document.add_paragraph(title, style="Title")
    document.add_paragraph(
        "Workshop: Drømme og bekymringer for indsatsen for socialt udsatte. "
        "Sekretariatet har skrevet plancherne af ordret, som deltagerne skrev dem."
    )

    info = [
        ("Sted", "Borgernes Hus, Odense"),
        ("Dato", "12. marts 2025"),
        ("Antal deltagere", "34, fordelt på 6 borde"),
    ]
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Spørgsmål"
    table.rows[0].cells[1].text = "Svar"
    for q, a in info:
        cells = table.add_row().cells
        cells[0].text = q
        cells[1].text = a

    groups = sorted({r["gruppe"] for r in rows}, key=lambda g: int(g.split()[-1]))
    for g in groups:
        for typ, label in (("drøm", "drømme"), ("bekymring", "bekymringer")):
            items = [r["input"] for r in rows if r["gruppe"] == g and r["type"] == typ]
            if not items:
                continue
            document.add_heading(f"{g} – {label}", level=1)
            for text in items:
                document.add_paragraph(text, style="List Bullet")

    set_docx_properties(document, title, dt.datetime(2025, 3, 13, 9, 0, 0),
                        subject="Drømme og bekymringer for indsatsen for socialt udsatte")
    out = LANDSPANEL / "plancher-2025.docx"
    document.save(out)
    normalise_zip(out)
    return out


# --------------------------------------------------------------------------- markdown -> docx
def add_inline(paragraph, text: str) -> None:
    """Very small inline parser: a whole line wrapped in *...* becomes italic."""
    if len(text) > 2 and text.startswith("*") and text.endswith("*"):
        paragraph.add_run(text[1:-1]).italic = True
    else:
        paragraph.add_run(text)


def markdown_to_docx(src: Path, out: Path, created: dt.datetime) -> Path:
    """Convert the small Markdown subset used by the sources (#, ##, -, paragraphs)."""
    document = new_document()
    title = None
    para: list[str] = []

    def flush() -> None:
        if para:
            add_inline(document.add_paragraph(), " ".join(para))
            para.clear()

    for raw in src.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            document.add_heading(line[3:].strip(), level=2)
        elif line.startswith("# "):
            flush()
            text = line[2:].strip()
            title = title or text
            document.add_heading(text, level=1)
        elif line.startswith("- "):
            flush()
            document.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            para.append(line.strip())
    flush()

    set_docx_properties(document, title or src.stem, created)
    document.save(out)
    normalise_zip(out)
    return out


def main() -> None:
    rows = read_tsv(LANDSPANEL / "inputs.tsv")
    outputs = [
        build_xlsx(rows),
        build_plancher(rows),
        markdown_to_docx(
            DIALOG / "dialogmoede-2024.source.md",
            DIALOG / "dialogmoede-2024.docx",
            dt.datetime(2024, 6, 14, 9, 0, 0),
        ),
    ]
    for p in outputs:
        print(f"wrote {p.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
