"""``read()``: one file from disk to a :class:`Document`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.archive import LIMITS as ZIP_LIMITS
from udsatte_nlp.ingest.archive import check_zip
from udsatte_nlp.ingest.dates import find_date, year_from_name
from udsatte_nlp.ingest.docx import read_docx
from udsatte_nlp.ingest.html import read_html
from udsatte_nlp.ingest.image import read_image
from udsatte_nlp.ingest.paths import check_suffix, missing
from udsatte_nlp.ingest.pdf import read_pdf
from udsatte_nlp.ingest.table import read_csv, read_xlsx, table_year
from udsatte_nlp.ingest.text import read_md, read_txt
from udsatte_nlp.records import Document

#: Reader per suffix. Each takes ``(data, path)``; table readers also ``text_column=``.
READERS: dict[str, Callable[..., Document]] = {
    ".txt": read_txt,
    ".md": read_md,
    ".markdown": read_md,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".xlsx": read_xlsx,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}
_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx"})


#: Plain-text files larger than this are refused: a workshop note or a year of meeting notes is far
#: smaller, and a file this size is almost always a mistake (a log, a database dump, a whole site).
#: Tables (csv/tsv/xlsx) are limited by rows instead (:data:`udsatte_nlp.ingest.table.MAX_TABLE_ROWS`).
MAX_TEXT_BYTES = 20 * 10**6
_PLAIN_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
#: Read from disk as a stream (never whole in memory).
_STREAMED_SUFFIXES = frozenset({".csv", ".tsv"})


def read(path: str | Path, *, text_column: str | None = None, ocr: bool = False) -> Document:
    """Read one file into a :class:`Document`.

    The reader is chosen by suffix (case-insensitive). ``text_column`` picks
    the text column of a table and is ignored for other formats; ``ocr``
    OCRs every page of a PDF with Tesseract (pages without text are OCR'd
    anyway when Tesseract is installed) and is ignored for other formats; images
    (.png .jpg .tif) are always OCR'd. Every
    problem with the file raises :class:`InputError` with a one-line Danish
    message; no library exception escapes.
    """
    file = Path(path)
    if not file.exists():
        raise missing(path)
    check_suffix(file)
    if file.is_dir():
        raise InputError("Stien er en mappe, ikke en fil", path=path, hint="Angiv en fil")
    suffix = file.suffix.lower()
    try:
        size = file.stat().st_size
        if suffix in _STREAMED_SUFFIXES:
            data = b""
            digest = _sha256(file)
        else:
            data = file.read_bytes()
            size = len(data)
            digest = hashlib.sha256(data).hexdigest()
    except OSError as exc:
        raise InputError(
            f"Filen kunne ikke åbnes ({type(exc).__name__})", path=path, hint="Tjek at du har adgang til filen"
        ) from exc

    if not size:
        raise InputError("Filen er tom", path=path, hint="Tjek at du har valgt den rigtige fil")
    if suffix in _PLAIN_SUFFIXES and size > MAX_TEXT_BYTES:
        raise InputError(
            f"Filen er for stor til én note ({size / 1e6:.0f} MB tekst; grænsen er {MAX_TEXT_BYTES // 10**6} MB)",
            path=path,
            hint="Del den op i mindre filer, fx én pr. møde eller år",
        )
    if suffix in ZIP_LIMITS:
        check_zip(data, path, ZIP_LIMITS[suffix])

    reader = READERS[suffix]
    options: dict[str, object] = {"text_column": text_column} if suffix in _TABLE_SUFFIXES else {}
    if suffix == ".pdf" and ocr:
        options["ocr"] = True
    try:
        if suffix in _STREAMED_SUFFIXES:
            with open(file, "rb") as stream:
                document = reader(stream, file, **options)
        else:
            document = reader(data, file, **options)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"Filen kunne ikke læses: {type(exc).__name__}",
            path=path,
            hint="Prøv at gemme den igen, evt. som .txt eller .docx",
        ) from exc

    document.path = str(path)
    document.sha256 = digest
    _set_date(document, file)
    return document


_TABLE_DATE_CHARS = 64 * 1024


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _set_date(document: Document, file: Path) -> None:
    """Date/year from the content, else year from the file (or folder) name, else a year column.

    In a table only the first rows are searched: a date deep down a sheet of
    300,000 inputs is one input's, not the file's (and scanning them all is slow)."""
    date, year = find_date(document.text[:_TABLE_DATE_CHARS] if document.rows is not None else document.text)
    info = document.metadata.get("info")
    if year is None and isinstance(info, dict):  # a meeting-information table (Dato | 12. marts 2025)
        date, year = find_date("\n".join(map(str, info.values())))
    if year is None:
        year = year_from_name(file.name) or year_from_name(file.parent.name)
    if year is None and document.rows:
        year = table_year(document.rows)
    document.date = date
    document.year = year
