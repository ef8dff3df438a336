"""Readers for tables (.csv, .tsv, .xlsx): one input per row.

One column holds the text (found by name, or given with ``text_column``);
every other column goes into :attr:`Row.metadata`. Every sheet of a workbook
that has a text column is read (with ``text_column``: every sheet that has that
column); a sheet without one is named in :attr:`Document.warnings`.

Tables are limited by rows (:data:`MAX_TABLE_ROWS`), not by the size limit for
plain-text notes, and are read as a stream: a CSV file is decoded and parsed
line by line from disk, a workbook row by row (openpyxl's read-only mode).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.encoding import decode_bytes, sniff_encoding
from udsatte_nlp.records import Document, Row

#: A table may hold at most this many rows (a whole country's notes over ten years
#: is about 300,000); more are refused in one line, before the rest is read.
MAX_TABLE_ROWS = 1_000_000

#: Header names (case-insensitive) recognised as the text column, in order of preference.
TEXT_COLUMNS: tuple[str, ...] = (
    "tekst", "text", "input", "indhold", "besked", "kommentar", "svar",
    "udsagn", "post-it", "postit", "note", "beskrivelse",
)  # fmt: skip
#: Header names (case-insensitive) of a year column.
YEAR_COLUMNS: frozenset[str] = frozenset({"år", "aar", "year", "årstal"})

_DELIMITERS = ",;\t|"
_SAMPLE = 64 * 1024


class _NoTextColumn(Exception):
    """Internal: a sheet without the text column (the caller decides what to do)."""


def read_csv(data: bytes | BinaryIO, path: Path, *, text_column: str | None = None) -> Document:
    """Read a .csv/.tsv: decode, sniff the delimiter, one :class:`Row` per line with text.

    ``data`` is the file's bytes or a binary file open for reading; a file is
    decoded and parsed as a stream, so memory grows with the rows kept, not
    with the size of the file.
    """
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    sample = source.read(_STREAM_SAMPLE)
    encoding = sniff_encoding(sample, path)
    if encoding is None:  # a BOM-less UTF-16 file and the like: decode it whole
        stream: Iterable[str] | None = None
    else:
        source.seek(0)
        wrapper = io.TextIOWrapper(source, encoding=encoding, newline="")
        stream = _lines_without_nul(wrapper)
    try:
        return _parse_csv(stream, sample, encoding, path, text_column)
    except UnicodeDecodeError:
        stream = None  # the start looked like one encoding, a later line is another
    source.seek(0)
    text, encoding = decode_bytes(source.read(), path)
    return _parse_csv(None, text, encoding, path, text_column)


_STREAM_SAMPLE = 1 << 20


def _parse_csv(
    stream: Iterable[str] | None, sample: bytes | str, encoding: str | None, path: Path, text_column: str | None
) -> Document:
    """Parse ``stream`` (decoded lines), or ``sample`` itself when it is the whole decoded text."""
    if stream is None:
        assert isinstance(sample, str)
        text = sample
        head = text[:_SAMPLE]
        lines: Iterable[str] = io.StringIO(text, newline="")
    else:
        assert isinstance(sample, bytes) and encoding is not None
        head = sample[: sample.rfind(b"\n") + 1 or len(sample)].decode(encoding, errors="replace")[:_SAMPLE]
        head = head.lstrip("\ufeff")
        lines = stream
    if not head.strip():
        raise InputError("Filen er tom", path=path, hint="Tjek at du har valgt den rigtige fil")
    delimiter, dialect = _sniff(head, default="\t" if path.suffix.lower() == ".tsv" else None)
    records = csv.reader(lines, dialect or "excel", delimiter=delimiter)
    numbered = ((n, r) for n, r in enumerate(records, start=1))
    try:
        header, rows, column = _rows(numbered, text_column, path)
    except _NoTextColumn as exc:
        raise _no_text_column(path, exc.args[0], text_column) from None
    except csv.Error as exc:
        raise InputError(f"CSV-filen kan ikke læses ({exc})", path=path, hint="Gem den igen som CSV (UTF-8)") from exc
    if header is None:
        raise InputError("Filen er tom", path=path, hint="Tjek at du har valgt den rigtige fil")
    metadata = {"encoding": encoding, "delimiter": delimiter, "columns": header, "text_column": column}
    return _document(path, "csv", rows, metadata)


def _lines_without_nul(lines: Iterable[str]) -> Iterator[str]:
    """The lines of a text stream; stray NUL characters become spaces (as in :func:`decode_bytes`)."""
    for line in lines:
        yield line.replace("\x00", " ") if "\x00" in line else line


def read_xlsx(data: bytes, path: Path, *, text_column: str | None = None) -> Document:
    """Read every sheet of an .xlsx that has a text column; one :class:`Row` per row.

    When more than one sheet gives inputs, each row carries its sheet's name
    (:attr:`Row.sheet`, which becomes part of the input's section). A sheet
    with rows but no text column is skipped with a warning that names it.
    """
    import zipfile
    from xml.etree.ElementTree import ParseError

    from lxml.etree import LxmlError
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    damaged = (
        zipfile.BadZipFile, KeyError, ParseError, LxmlError, InvalidFileException,
        ValueError, TypeError, OSError, EOFError,
    )  # fmt: skip
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except damaged as exc:
        raise _damaged_xlsx(path, exc) from exc
    seen_columns: list[str] = []
    sheets: list[dict[str, Any]] = []
    rows: list[Row] = []
    warnings: list[str] = []
    try:
        for sheet in workbook.worksheets:
            numbered = ((n, r) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1))
            try:
                header, sheet_rows, column = _rows(numbered, text_column, path, limit=MAX_TABLE_ROWS - len(rows))
            except _NoTextColumn as exc:
                seen_columns += [c for c in exc.args[0] if c not in seen_columns]
                warnings.append(_skipped_sheet(sheet.title, exc.args[0], text_column))
                continue
            if header is None:
                continue  # an empty sheet: nothing to read, nothing lost
            for row in sheet_rows:
                row.sheet = sheet.title
            rows += sheet_rows
            sheets.append({"name": sheet.title, "columns": header, "text_column": column, "row_count": len(sheet_rows)})
    except damaged as exc:
        raise _damaged_xlsx(path, exc) from exc
    finally:
        workbook.close()
    if not sheets:
        if not seen_columns:
            raise InputError("Regnearket er tomt", path=path, hint="Tjek at du har valgt den rigtige fil")
        raise _no_text_column(path, seen_columns, text_column)
    if sum(1 for s in sheets if s["row_count"]) <= 1:
        for row in rows:
            row.sheet = None  # one sheet of inputs: its name ("Ark1", "Input") says nothing
    first = next((s for s in sheets if s["row_count"]), sheets[0])
    metadata = {"sheet": first["name"], "columns": first["columns"], "text_column": first["text_column"]}
    if len(sheets) > 1:
        metadata["sheets"] = sheets
    document = _document(path, "xlsx", rows, metadata)
    document.warnings += warnings
    return document


def _skipped_sheet(name: str, columns: list[str], text_column: str | None) -> str:
    what = f"ingen kolonne '{text_column}'" if text_column else "ingen tekstkolonne"
    shown = ", ".join(columns[:8]) + (", …" if len(columns) > 8 else "")
    return f"Ark '{name}' har {what} og er sprunget over (kolonner: {shown}; vælg en anden med --text-column)"


def _rows(
    records: Iterable[tuple[int, Sequence[Any]]],
    text_column: str | None,
    path: Path,
    *,
    limit: int | None = None,
) -> tuple[list[str] | None, list[Row], str | None]:
    """Return ``(header, rows, text_column_name)``; header is the first non-empty record.

    Raises :class:`_NoTextColumn` (with the header) when no text column is found,
    and :class:`InputError` as soon as more than ``limit`` records follow the header.
    Repeated short values (a group, a year) are stored once.
    """
    header: list[str] | None = None
    index = 0
    rows: list[Row] = []
    shared: dict[Any, Any] = {}
    body = 0
    limit = MAX_TABLE_ROWS if limit is None else limit
    for number, record in records:
        values = [cell_value(v) for v in record]
        if header is None:
            if all(v is None for v in values):
                continue
            header = _header(values)
            index = _text_index(header, text_column)
            continue
        body += 1
        if body > limit:
            raise _too_many_rows(path)
        cell = values[index] if index < len(values) else None
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        metadata = {}
        for i, name in enumerate(header):
            if i != index:
                value = values[i] if i < len(values) else None
                if isinstance(value, str) and len(value) <= 40:
                    value = shared.setdefault(value, value)
                metadata[name] = value
        rows.append(Row(text=text, metadata=metadata, number=number))
    return header, rows, (header[index] if header else None)


def _too_many_rows(path: Path) -> InputError:
    limit = f"{MAX_TABLE_ROWS:,}".replace(",", ".")
    return InputError(
        f"Tabellen har mere end {limit} rækker (grænsen er {limit})",
        path=path,
        hint="Del den op i flere filer, fx én pr. år",
    )


def _header(values: list[Any]) -> list[str]:
    """Clean header names: stripped strings, empty ones numbered, duplicates suffixed."""
    while values and values[-1] in (None, ""):
        values = values[:-1]
    names: list[str] = []
    for i, value in enumerate(values, start=1):
        name = " ".join(str(value).split()) if value not in (None, "") else f"kolonne {i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _text_index(header: list[str], text_column: str | None) -> int:
    lowered = [h.strip().lower() for h in header]
    wanted = [text_column.strip().lower()] if text_column else list(TEXT_COLUMNS)
    for name in wanted:
        if name in lowered:
            return lowered.index(name)
    raise _NoTextColumn(header)


def cell_value(value: Any) -> Any:
    """Normalise a cell: ``2014.0`` → ``2014``, dates → ISO strings, strings stripped ("" → None)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return value
    return str(value)  # e.g. a duration; keeps metadata JSON-friendly


def _document(path: Path, fmt: str, rows: list[Row], metadata: dict[str, Any]) -> Document:
    if not rows:
        raise InputError(
            f"Ingen rækker har tekst i kolonnen '{metadata['text_column']}'",
            path=path,
            hint="Vælg en anden kolonne med --text-column",
        )
    metadata["row_count"] = len(rows)
    return Document(
        path=str(path), format=fmt, text="\n".join(r.text for r in rows), sha256="", metadata=metadata, rows=rows
    )


def table_year(rows: list[Row]) -> int | None:
    """The year from an år/aar/year/årstal column, if every row that has one agrees."""
    years: set[int] = set()
    for row in rows:
        for key, value in row.metadata.items():
            if key.strip().lower() in YEAR_COLUMNS and value not in (None, ""):
                year = _as_year(value)
                if year is None:
                    return None
                years.add(year)
    return years.pop() if len(years) == 1 else None


def _as_year(value: Any) -> int | None:
    match = re.fullmatch(r"\s*((?:19|20)\d\d)(?:\.0+)?\s*", str(value))
    if match:
        return int(match.group(1))
    if isinstance(value, str) and (m := re.match(r"((?:19|20)\d\d)-\d\d-\d\d", value)):
        return int(m.group(1))  # an ISO date from a date-formatted cell
    return None


def _sniff(text: str, default: str | None) -> tuple[str, Any]:
    """Return ``(delimiter, dialect_or_None)`` for ``text``."""
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    header_line = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = None
    if dialect is not None and dialect.delimiter in header_line:
        return dialect.delimiter, dialect
    if default and default in header_line:
        return default, None
    return (";" if ";" in header_line else ","), None


def _no_text_column(path: Path, columns: list[str], text_column: str | None) -> InputError:
    available = ", ".join(columns) or "(ingen)"
    if text_column:
        return InputError(
            f"Kolonnen '{text_column}' findes ikke", path=path, hint=f"Tilgængelige kolonner: {available}"
        )
    return InputError(
        f"Kan ikke finde en tekstkolonne (kolonner: {available})",
        path=path,
        hint="Angiv kolonnen med --text-column",
    )


def _damaged_xlsx(path: Path, exc: BaseException) -> InputError:
    return InputError(
        f"Regnearket er beskadiget og kan ikke læses ({type(exc).__name__})",
        path=path,
        hint="Åbn det i Excel og gem det igen som .xlsx",
    )
