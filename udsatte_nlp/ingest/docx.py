"""Reader for Word documents (.docx): paragraphs and tables in document order."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.text import truncate
from udsatte_nlp.records import Document

_HEADING = re.compile(r"^(heading|overskrift)\s*\d*$|^(title|titel)$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DAMAGED_HINT = "Åbn den i Word og gem den igen som .docx"


def read_docx(data: bytes, path: Path) -> Document:
    """Read a .docx with python-docx; list items become ``• text``, table rows ``a | b``."""
    import zipfile

    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    if data.startswith(_OLE_MAGIC):
        raise InputError(
            "Filen er et gammelt Word-format (.doc) eller er beskyttet med adgangskode",
            path=path,
            hint="Åbn den i Word og gem den som .docx uden adgangskode",
        )
    try:
        document = open_docx(io.BytesIO(data))
        lines, headings = _body_lines(document)
        props = document.core_properties
        title = (props.title or "").strip() or (headings[0] if headings else None)
        metadata = _metadata(props)
    except (zipfile.BadZipFile, KeyError, LxmlError, PackageNotFoundError, ValueError, EOFError) as exc:
        raise InputError(
            f"Word-filen er beskadiget og kan ikke læses ({type(exc).__name__})", path=path, hint=_DAMAGED_HINT
        ) from exc
    text = "\n".join(lines)
    if not text.strip():
        raise InputError("Dokumentet indeholder ingen tekst", path=path, hint="Tjek at det er den rigtige fil")
    return Document(
        path=str(path),
        format="docx",
        text=text,
        sha256="",
        title=truncate(title) if title else None,
        metadata=metadata,
    )


def _body_lines(document: Any) -> tuple[list[str], list[str]]:
    """Return the body's lines in document order and the heading texts."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    headings: list[str] = []
    for element in _blocks(document.element.body):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text.strip()
            if not text:
                continue
            style = _style_name(paragraph)
            if _HEADING.match(style):
                headings.append(" ".join(text.split()))
            elif style.lower().startswith("list") or _has_numbering(paragraph):
                text = "• " + text
            lines.append(text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(element, document)))
    return lines, headings


def _blocks(parent: Any) -> Iterator[Any]:
    """Yield ``w:p`` and ``w:tbl`` children, looking inside content controls (``w:sdt``)."""
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag in {"p", "tbl"}:
            yield child
        elif tag in {"sdt", "sdtContent", "customXml"}:
            yield from _blocks(child)


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        return ""
    return (style.name or "") if style is not None else ""


def _has_numbering(paragraph: Any) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _table_lines(table: Any) -> list[str]:
    """One line per row, non-empty cells joined by `` | ``; merged cells appear once."""
    lines: list[str] = []
    seen: set[Any] = set()  # the <w:tc> elements themselves, kept alive so ids stay unique
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _metadata(props: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key in ("author", "created", "modified", "subject", "keywords"):
        try:
            value = getattr(props, key)
        except (ValueError, TypeError):
            continue
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        if value:
            metadata[key] = value
    return metadata
