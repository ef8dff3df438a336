"""Reader for PDF files: the text layer of each page, and Tesseract OCR (``-l dan``) for
pages without one, or for every page when asked (``ocr=True``).

Tables drawn with ruling lines in the text layer (a Word table exported to PDF)
are found with pdfplumber and read cell by cell like Word's
(:mod:`udsatte_nlp.ingest.grid`); only pages whose content draws lines are
looked at, so a plain PDF costs nothing more.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.grid import table_lines
from udsatte_nlp.ingest.ocr import (
    INSTALL_HINT,
    OCR_HINT,
    OCR_TIMEOUT,
    OcrPage,
    ocr_image,
    ocr_metadata,
    require_tesseract,
    tesseract_available,
)
from udsatte_nlp.ingest.text import truncate
from udsatte_nlp.records import Document

_DAMAGED_HINT = "Åbn den og gem/eksportér den som PDF igen"


def read_pdf(data: bytes, path: Path, *, ocr: bool = False) -> Document:
    """Extract the text of each page with pypdf.

    A page without text is OCR'd with Tesseract's Danish model when it is
    installed (see :mod:`udsatte_nlp.ingest.ocr`), else it gets a warning saying
    how to install it. ``ocr=True`` OCRs every page (and raises
    :class:`InputError` when Tesseract is missing). A PDF where no page has
    text, an encrypted PDF and a damaged PDF raise :class:`InputError`.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    pages: list[str] = []
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt(reader):
            raise _encrypted(path)
        count = len(reader.pages)
        if count == 0:
            raise InputError("PDF-filen har ingen sider", path=path, hint=_DAMAGED_HINT)
        if ocr:
            require_tesseract(path)
        ocred: list[tuple[int, OcrPage]] = []
        ruled: list[int] = []
        for number, page in enumerate(reader.pages, start=1):
            text = "" if ocr else _page_text(page)
            if text and _draws_lines(page):
                ruled.append(number)
            if not text and (ocr or tesseract_available()):
                read = ocr_page(page, data, number, path)
                text = read.text
                if text:
                    ocred.append((number, read))
            if not text:
                warnings.append(f"Side {number} har intet tekstlag og skal OCR-behandles ({OCR_HINT})")
            pages.append(text)
        if ocred:
            warnings.append(
                f"{_pages_word([n for n, _ in ocred])} er læst med OCR (Tesseract, dansk model); "
                "tjek teksten og rettelserne"
            )
    except InputError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise _encrypted(path) from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError) as exc:
        raise InputError(
            f"PDF-filen er beskadiget og kan ikke læses ({type(exc).__name__})", path=path, hint=_DAMAGED_HINT
        ) from exc
    if not any(pages):
        raise InputError(
            "PDF'en er scannet og har intet tekstlag",
            path=path,
            hint=(
                "OCR med Tesseract gav heller ingen tekst; tjek at siderne er læsbare scanninger"
                if tesseract_available()
                else f"Den skal OCR-behandles først. {INSTALL_HINT}"
            ),
        )
    title, metadata = _metadata(reader)
    info = _read_tables(data, ruled, pages) if ruled else {}
    if info:
        metadata["info"] = info
    metadata["page_count"] = count
    if ocred:
        metadata.update(ocr_metadata(ocred))
    return Document(
        path=str(path),
        format="pdf",
        text="\f".join(pages),
        sha256="",
        title=title,
        metadata=metadata,
        pages=pages,
        warnings=warnings,
    )


# --------------------------------------------------------------------- OCR
OCR_DPI = 300


def ocr_page(page: Any, data: bytes, number: int, path: Path) -> OcrPage:
    """OCR one page with Tesseract (:func:`udsatte_nlp.ingest.ocr.ocr_image`): the page rendered
    by ``pdftoppm`` when it is installed (poppler-utils), else the page's embedded images (what a
    scan consists of)."""
    rendered = _render_page(data, number)
    images = rendered or _page_images(page)
    reads = [ocr_image(img, path, dpi=OCR_DPI if rendered else None) for img in images]
    reads = [r for r in reads if r.text]
    if len(reads) == 1:
        return reads[0]
    return OcrPage("\n\n".join(r.text for r in reads), [line for r in reads for line in r.lines])


def _render_page(data: bytes, number: int) -> list[bytes]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            subprocess.run(
                [exe, "-r", str(OCR_DPI), "-f", str(number), "-l", str(number), "-png", "-gray", str(src),
                 str(Path(tmp) / "page")],
                capture_output=True, timeout=OCR_TIMEOUT, check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return []
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page*.png"))]


def _page_images(page: Any) -> list[bytes]:
    """The images embedded in a page, as PNG bytes (small decorations skipped)."""
    out = []
    try:
        images = list(page.images)
    except Exception:
        return out
    for image in images:
        try:
            pil = image.image
            if pil is None or pil.width * pil.height < 100 * 100:
                continue
            buf = io.BytesIO()
            pil.convert("L").save(buf, format="PNG")
            out.append(buf.getvalue())
        except Exception:
            continue
    return out


# ------------------------------------------------------------------ tables
_DRAWS_LINES = re.compile(rb"\d\s+re\b|\d\s+l\b")
_HEADING_LINE = re.compile(r"^(?!.*[.!?]$).{1,100}$")
_CELL_ITEM = re.compile(r"\n(?=\s*(?:[•▪◦●○·‣∙■□➢➤►✓*\-–—]|\d{1,2}[.)])\s)")


def _draws_lines(page: Any) -> bool:
    """Whether the page's content draws lines or rectangles (a table's rules); cheap, may say yes wrongly."""
    try:
        contents = page.get_contents()
        return contents is not None and bool(_DRAWS_LINES.search(contents.get_data()))
    except Exception:
        return False


def _read_tables(data: bytes, numbers: list[int], pages: list[str]) -> dict[str, str]:
    """Replace the text of each page in ``numbers`` that has ruled tables by its text with the
    tables read cell by cell; return what key/value tables say. Best effort: on any error the
    text layer stays as pypdf read it."""
    info: dict[str, str] = {}
    try:
        import pdfplumber

        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number in numbers:
                read = _page_with_tables(pdf.pages[number - 1])
                if read is not None:
                    pages[number - 1], found = read
                    info.update(found)
    except Exception:
        return info
    return info


def _page_with_tables(page: Any) -> tuple[str, dict[str, str]] | None:
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 or len(t.rows[0].cells) >= 2]
    if not tables:
        return None
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    items: list[tuple[float, int, Any]] = [(line["top"], 0, line["text"]) for line in outside.extract_text_lines()]
    items += [(table.bbox[1], 1, table) for table in tables]
    lines: list[str] = []
    info: dict[str, str] = {}
    heading: str | None = None
    for _, kind, item in sorted(items, key=lambda x: (x[0], x[1])):
        if kind == 0:
            lines.append(item)
            heading = item.strip() if _HEADING_LINE.match(item.strip()) and len(item.split()) <= 12 else heading
            continue
        grid = [[_cell_items(cell) for cell in row] for row in item.extract()]
        read = table_lines(grid, heading=heading)
        lines += read.lines
        info.update(read.info)
    return "\n".join(lines), info


def _cell_items(cell: str | None) -> list[str]:
    """A cell's text: its wrapped lines joined, one item per bullet or numbered line."""
    if not cell:
        return []
    return [" ".join(part.split()) for part in _CELL_ITEM.split(cell) if part.strip()]


def _pages_word(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Side {numbers[0]}"
    return "Siderne " + ", ".join(map(str, numbers[:-1])) + f" og {numbers[-1]}"


def _page_text(page: Any) -> str:
    """The page's text layer ("" when it has none or it cannot be extracted)."""
    try:
        text = (page.extract_text() or "").replace("\x00", "").rstrip()
    except Exception:  # a broken page must not cost the rest of the file
        return ""
    return text if text.strip() else ""


def _decrypt(reader: Any) -> bool:
    """Try the empty user password (many PDFs are only 'owner' protected)."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:
        return False


def _encrypted(path: Path) -> InputError:
    return InputError(
        "PDF'en er beskyttet med adgangskode", path=path, hint="Gem en kopi uden adgangskode og prøv igen"
    )


def _metadata(reader: Any) -> tuple[str | None, dict[str, Any]]:
    """Return the title and a few document-information fields (best effort)."""
    metadata: dict[str, Any] = {}
    try:
        info = reader.metadata
        if info is None:
            return None, metadata
        title = (info.title or "").strip()
        author = (info.author or "").strip()
        created = info.creation_date
    except Exception:
        return None, metadata
    if author:
        metadata["author"] = author
    if isinstance(created, dt.datetime):
        metadata["created"] = created.isoformat()
    # Word exports often carry "Microsoft Word - notes.docx" as title.
    title = title.removeprefix("Microsoft Word - ").strip()
    return (truncate(title) if title else None), metadata
