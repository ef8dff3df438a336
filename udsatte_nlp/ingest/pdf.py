"""Reader for PDF files: the text layer of each page (no OCR)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.text import truncate
from udsatte_nlp.records import Document

OCR_HINT = "installer tesseract-ocr og tesseract-ocr-dan"
_DAMAGED_HINT = "Åbn den og gem/eksportér den som PDF igen"


def read_pdf(data: bytes, path: Path) -> Document:
    """Extract the text of each page with pypdf.

    Pages without text get a warning (they need OCR); a PDF where no page has
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
        for number, page in enumerate(reader.pages, start=1):
            text = _page_text(page)
            if not text:
                warnings.append(f"Side {number} har intet tekstlag og skal OCR-behandles ({OCR_HINT})")
            pages.append(text)
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
            hint=f"Den skal OCR-behandles først ({OCR_HINT})",
        )
    title, metadata = _metadata(reader)
    metadata["page_count"] = count
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
