"""Reader for Word documents (.docx): paragraphs and tables in document order.

Tables are read cell by cell (:mod:`udsatte_nlp.ingest.grid`): each cell's
paragraphs are inputs, a header row gives the columns their sections (joined
with the heading above the table), and a key/value table describing the
meeting goes into ``metadata["info"]`` instead of the text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.grid import table_lines
from udsatte_nlp.ingest.text import truncate
from udsatte_nlp.records import Document

_HEADING = re.compile(r"^(heading|overskrift)\s*\d*$|^(title|titel)$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DAMAGED_HINT = "Åbn den i Word og gem den igen som .docx"


def read_docx(data: bytes, path: Path) -> Document:
    """Read a .docx with python-docx; list items become ``• text``, tables are read cell by cell."""
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
        lines, headings, info = _body_lines(document)
        props = document.core_properties
        title = (props.title or "").strip() or (headings[0] if headings else None)
        metadata = _metadata(props)
        if info:
            metadata["info"] = info
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


def _body_lines(document: Any) -> tuple[list[str], list[str], dict[str, str]]:
    """Return the body's lines in document order, the heading texts and the key/value tables' info."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    headings: list[str] = []
    info: dict[str, str] = {}
    for element in _blocks(document.element.body):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _paragraph_line(Paragraph(element, document))
            if text is None:
                continue
            if not text.startswith("• ") and _HEADING.match(_style_name(Paragraph(element, document))):
                headings.append(" ".join(text.split()))
            lines.append(text)
        elif tag == "tbl":
            table = Table(element, document)
            read = table_lines(_grid(table, document), heading=headings[-1] if headings else None,
                               header=_header_marked(table))
            lines.extend(read.lines)
            info.update(read.info)
    return lines, headings, info


def _paragraph_line(paragraph: Any) -> str | None:
    """A paragraph as one line (``• text`` for a list item), or ``None`` when it is empty."""
    text = paragraph.text.strip()
    if not text:
        return None
    style = _style_name(paragraph)
    if not _HEADING.match(style) and (style.lower().startswith("list") or _has_numbering(paragraph)):
        text = "• " + text
    return text


def _grid(table: Any, document: Any) -> list[list[list[str]]]:
    """The table as rows of cells, each cell its lines; a merged cell appears once (its first place)."""
    seen: set[Any] = set()  # the <w:tc> elements themselves, kept alive so ids stay unique
    grid = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc in seen:
                cells.append([])
                continue
            seen.add(cell._tc)
            cells.append(_cell_lines(cell._tc, document))
        grid.append(cells)
    return grid


def _cell_lines(tc: Any, document: Any) -> list[str]:
    """The paragraphs of a cell, and those of tables nested in it, one line each."""
    from docx.text.paragraph import Paragraph

    lines = []
    for element in _blocks(tc):
        if element.tag.rsplit("}", 1)[-1] == "p":
            text = _paragraph_line(Paragraph(element, document))
            if text is not None:
                lines.extend(part.strip() for part in text.split("\n") if part.strip())
        else:
            for tr in element.iterchildren("{*}tr"):
                for nested in tr.iterchildren("{*}tc"):
                    lines.extend(_cell_lines(nested, document))
    return lines


def _header_marked(table: Any) -> bool | None:
    """True when Word marks the first row as a header ("repeat as header row", or every run bold)."""
    rows = table._tbl.tr_lst
    if not rows:
        return None
    tr = rows[0]
    if tr.trPr is not None and tr.trPr.find("{*}tblHeader") is not None:
        return True
    runs = [r for r in tr.iter("{*}r") if "".join(t.text or "" for t in r.iter("{*}t")).strip()]
    if runs and all(_bold(r) for r in runs):
        return True
    return None


def _bold(run: Any) -> bool:
    rpr = run.find("{*}rPr")
    b = rpr.find("{*}b") if rpr is not None else None
    if b is None:
        return False
    val = b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
    return val not in ("0", "false", "off")


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
