"""Reader for photos and scans of posters and notes (.png, .jpg/.jpeg, .tif/.tiff, multi-page too).

Each page is straightened and evened out and read with Tesseract's Danish
model by its layout (:mod:`udsatte_nlp.ingest.ocr`); the cleaner then gives it
the same OCR repair, reflow and bullet handling as a scanned PDF. Printed text
only: handwriting is not read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.ocr import OcrPage, ocr_image, ocr_metadata, require_tesseract
from udsatte_nlp.records import Document

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
MAX_PAGES = 200
#: Longer sides are scaled down to this before OCR: a phone photo of a poster has letters
#: far larger than Tesseract needs, and reading 50 megapixels takes minutes.
MAX_SIDE = 3500
_DAMAGED_HINT = "Åbn billedet og gem det igen som .png eller .jpg"


def read_image(data: bytes, path: Path) -> Document:
    """OCR every page (frame) of an image file into a :class:`Document` with ``pages``."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    require_tesseract(path)
    try:
        image = Image.open(io.BytesIO(data))
        frames = []
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > MAX_PAGES:
                raise InputError(f"Billedet har mere end {MAX_PAGES} sider", path=path, hint="Del det op i flere filer")
            fitted, scale = _fit(frame.copy())
            dpi = _dpi(frame)
            frames.append((round(dpi * scale) if dpi and 70 <= dpi * scale else None, fitted))
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        raise InputError("Billedet er unormalt stort (over 180 megapixel)", path=path, hint=_DAMAGED_HINT) from exc
    except (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError) as exc:
        raise InputError(
            f"Billedet er beskadiget eller i et format, der ikke kan læses ({type(exc).__name__})",
            path=path,
            hint=_DAMAGED_HINT,
        ) from exc
    pages: list[OcrPage] = [ocr_image(frame, path, dpi=dpi) for dpi, frame in frames]
    texts = [page.text for page in pages]
    if not any(t.strip() for t in texts):
        raise InputError(
            "Der blev ikke fundet tekst i billedet",
            path=path,
            hint="Tjek at det er trykt tekst og skarpt; håndskrift kan ikke læses",
        )
    metadata: dict[str, Any] = {"page_count": len(pages), **ocr_metadata(list(enumerate(pages, start=1)))}
    which = "Billedet" if len(pages) == 1 else f"Alle {len(pages)} sider"
    warnings = [f"{which} er læst med OCR (Tesseract, dansk model); tjek teksten og rettelserne"]
    low = len(metadata["ocr_low_lines"])
    if low:
        warnings.append(f"{low} linje(r) er læst med lav sikkerhed; tjek dem på siden Dokumenter")
    fmt = {".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}.get(path.suffix.lower(), "png")
    return Document(
        path=str(path),
        format=fmt,
        text="\f".join(texts),
        sha256="",
        metadata=metadata,
        pages=texts,
        warnings=warnings,
    )


def _dpi(frame: Any) -> int | None:
    dpi = frame.info.get("dpi")
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 1200 else None


def _fit(frame: Any) -> tuple[Any, float]:
    """The frame upright (EXIF) and at most :data:`MAX_SIDE` pixels long; and the scale applied."""
    from PIL import ImageOps

    frame = ImageOps.exif_transpose(frame)
    side = max(frame.size)
    if side <= MAX_SIDE:
        return frame, 1.0
    scale = MAX_SIDE / side
    return frame.resize((round(frame.width * scale), round(frame.height * scale)), resample=3), scale
