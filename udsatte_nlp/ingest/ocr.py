"""Tesseract OCR (Danish model) for scanned PDF pages and images, read by its layout.

Everything that runs Tesseract lives here; :mod:`udsatte_nlp.ingest.pdf` and
:mod:`udsatte_nlp.ingest.image` both call :func:`ocr_image`.

1. **Preparing the image** (Pillow): the camera's orientation (EXIF) applied,
   grey scale (light letters on a dark board inverted), uneven lighting evened
   out and the contrast stretched, small
   rotations (up to ±6°) straightened by the angle at which the rows of text
   line up best (projection profile).
2. **Reading** with ``tesseract -l dan … tsv``: every word with its box,
   confidence and Tesseract's block, paragraph and line numbers (instead of its
   plain text, which separates wrapped lines by blank lines).
3. **Layout to text** (:func:`layout_text`): a line is wrapped, and continues
   on the next line, when the next line's first word would not have fitted at its
   end (the rule a word processor wraps by) and it does not end a sentence; so does one followed by a line starting in lower case, also across a
   blank line (a paragraph or block break in Tesseract's layout). A short
   token left of the text, apart from it, at the start of a line is a bullet as
   OCR reads it (``•`` comes out as ``e``, ``+``, ``'+``, ``©``, ``«``, ``=``,
   ``o`` …) and becomes ``•``; a bullet's wrapped lines (indented under its
   text) continue it. Each paragraph or bullet becomes one line of the page's
   text; a word broken at a line end keeps its line break for the cleaner's
   de-hyphenation (which records it).
4. **Confidence**: each line's mean word confidence; lines below
   :data:`LOW_CONFIDENCE` are listed for the reader to check (the app's
   Dokumenter page shows them as «tjek denne linje»).

Handwriting is not read: Tesseract's models are for print.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError

__all__ = [
    "INSTALL_HINT",
    "LOW_CONFIDENCE",
    "OcrLine",
    "OcrPage",
    "layout_text",
    "ocr_image",
    "prepare_image",
    "require_tesseract",
    "tesseract_available",
]

OCR_HINT = "installer tesseract-ocr og tesseract-ocr-dan"
INSTALL_HINT = "Installer Tesseract med dansk sprogmodel: apt-get install tesseract-ocr tesseract-ocr-dan"
OCR_TIMEOUT = 180  # seconds per page image
LOW_CONFIDENCE = 70.0  # mean word confidence (0-100) below which a line is listed for checking
MAX_DESKEW = 6.0  # degrees

# What Tesseract reads for a bullet glyph (•, ●, ▪, ◦, ✓, ➢, …), found by rendering them in common fonts.
_GLYPHS = frozenset("• ● ▪ ■ ◦ ○ ◆ ◇ ‣ ∙ · ➢ ➤ ► ▶ ✓ ✔ → > » « + '+ +' * ° © ® = - – — ~ £ ¢ o O 0 e c v x".split())
_LETTER_GLYPHS = frozenset("o O 0 e c v x".split())  # bullets read as letters: need the layout to say so
_TEXT_SIGNS = frozenset("§ % & $ € # / ( [ \" “ ” „ ' ’".split())  # a sign alone that starts a line of text
_SENTENCE_END = re.compile(r"[.!?:;…]['\"”’»)]*$")
_HYPHEN_END = re.compile(r"[a-zæøå]-$")


# ------------------------------------------------------------------ Tesseract
def tesseract_available() -> bool:
    """Tesseract and its Danish model (``dan``) are installed."""
    langs = _tesseract_langs()
    return langs is not None and "dan" in langs


@functools.lru_cache(maxsize=1)
def _tesseract_langs() -> tuple[str, ...] | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (out.stdout + out.stderr).splitlines()
    return tuple(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def require_tesseract(path: str | Path) -> None:
    """Raise :class:`InputError` saying how to install Tesseract when it (or ``dan``) is missing."""
    if _tesseract_langs() is None:
        raise InputError("OCR kræver programmet Tesseract, som ikke er installeret", path=path, hint=INSTALL_HINT)
    if not tesseract_available():
        raise InputError("Tesseract mangler den danske sprogmodel", path=path, hint=INSTALL_HINT)


# ---------------------------------------------------------------- records
@dataclass
class OcrLine:
    """One line of text as Tesseract found it on the page."""

    words: list[str]
    confidences: list[float]
    boxes: list[tuple[int, int, int, int]]  # left, top, right, bottom of each word
    block: int = 0
    paragraph: int = 0
    bullet: bool = False  # the first word was a bullet glyph (removed from ``words``)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def confidence(self) -> float:
        known = [c for c in self.confidences if c >= 0]
        return sum(known) / len(known) if known else 0.0

    @property
    def left(self) -> int:
        return min(b[0] for b in self.boxes)

    @property
    def right(self) -> int:
        return max(b[2] for b in self.boxes)

    @property
    def top(self) -> int:
        return min(b[1] for b in self.boxes)

    @property
    def bottom(self) -> int:
        return max(b[3] for b in self.boxes)

    @property
    def height(self) -> int:
        heights = sorted(b[3] - b[1] for b in self.boxes)
        return max(1, heights[len(heights) // 2])


@dataclass
class OcrPage:
    """A page read by OCR: its text (laid out by :func:`layout_text`) and its lines with their confidence."""

    text: str
    lines: list[OcrLine] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        known = [c for line in self.lines for c in line.confidences if c >= 0]
        return sum(known) / len(known) if known else None

    def low_lines(self, threshold: float = LOW_CONFIDENCE) -> list[OcrLine]:
        return [line for line in self.lines if line.words and line.confidence < threshold]


# --------------------------------------------------------------- the image
def prepare_image(image: Any, *, deskew: bool = True) -> Any:
    """A Pillow image ready for OCR: upright (EXIF), grey, even lighting, full contrast, straight.

    >>> from PIL import Image
    >>> prepare_image(Image.new("RGB", (40, 30), "white")).mode
    'L'
    """
    from PIL import ImageFilter, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        background = _white(image.size)
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    grey = image.convert("L")
    if _median(grey) < 110:
        grey = ImageOps.invert(grey)  # light letters on a dark board: dark on light, as Tesseract reads best
    if min(grey.size) >= 200:
        # uneven lighting (a photo of a poster): divide by the blurred page, which is the paper's shade
        import numpy as np

        radius = max(grey.size) / 40
        page = np.asarray(grey.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
        pixels = np.asarray(grey, dtype=np.float32)
        flat = np.clip(pixels / np.maximum(page, 1.0) * 255.0, 0, 255).astype(np.uint8)
        from PIL import Image

        grey = Image.fromarray(flat, mode="L")
    grey = ImageOps.autocontrast(grey, cutoff=1)
    if deskew:
        angle = skew_angle(grey)
        if abs(angle) >= 0.2:
            grey = grey.rotate(angle, resample=3, expand=True, fillcolor=255)
    return grey


def _median(grey: Any) -> int:
    histogram = grey.histogram()
    half, seen = sum(histogram) / 2, 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return value
    return 255


def _white(size: tuple[int, int]) -> Any:
    from PIL import Image

    return Image.new("RGB", size, "white")


def skew_angle(grey: Any, limit: float = MAX_DESKEW) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal.

    The dark pixels are projected on the vertical axis at each candidate
    angle; rows of text line up, and the profile is sharpest, at the right one.
    """
    import numpy as np

    scale = 800 / max(grey.size)
    small = grey.resize((max(1, int(grey.width * scale)), max(1, int(grey.height * scale)))) if scale < 1 else grey
    ink = small.point(lambda v: 255 if v < 128 else 0)
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=2, expand=True, fillcolor=0), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max((a / 2 for a in range(int(-2 * limit), int(2 * limit) + 1)), key=sharpness)
    fine = max((best + d / 10 for d in range(-5, 6)), key=sharpness)
    return round(fine, 1)


# ----------------------------------------------------------------- reading
def ocr_image(image: Any, path: str | Path, *, dpi: int | None = None, prepare: bool = True) -> OcrPage:
    """OCR one page image (Pillow image or PNG bytes) with ``tesseract -l dan``; the text laid out by lines."""
    from PIL import Image

    if isinstance(image, bytes | bytearray):
        image = Image.open(io.BytesIO(image))
        image.load()
    if prepare:
        image = prepare_image(image)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "page.png"
        image.save(file, format="PNG")
        command = ["tesseract", str(file), "stdout"]
        if dpi:
            command += ["--dpi", str(dpi)]
        command += ["-l", "dan", "tsv"]
        try:
            out = subprocess.run(command, capture_output=True, timeout=OCR_TIMEOUT, check=False, env=_env())
        except subprocess.TimeoutExpired as exc:
            raise InputError("OCR af en side tog for lang tid", path=path, hint="Prøv et billede i lavere opløsning") from exc
        except OSError as exc:
            raise InputError(f"Tesseract kunne ikke køre ({type(exc).__name__})", path=path, hint=INSTALL_HINT) from exc
    lines = parse_tsv(out.stdout.decode("utf-8", errors="replace"))
    return OcrPage(layout_text(lines), lines)


def _env() -> dict[str, str]:
    """Tesseract's environment: one OpenMP thread unless the user says otherwise. Its
    threads spin while they wait; on a busy machine one thread is three times faster."""
    import os

    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Tesseract's TSV (level 5 rows are words) as lines in reading order."""
    lines: dict[tuple[int, int, int, int], OcrLine] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            page, block, par, line = (int(c) for c in cols[1:5])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        key = (page, block, par, line)
        entry = lines.setdefault(key, OcrLine([], [], [], block=block, paragraph=par))
        entry.words.append(text)
        entry.confidences.append(conf)
        entry.boxes.append((left, top, left + width, top + height))
    return [_mark_bullet(line) for line in lines.values()]


def _mark_bullet(line: OcrLine) -> OcrLine:
    """Drop a bullet glyph from the start of ``line`` (and mark it) when the layout says it is one."""
    if len(line.words) < 2:
        return line
    first, second = line.words[0], line.words[1]
    gap = line.boxes[1][0] - line.boxes[0][2]
    if first not in _GLYPHS:
        # another short mark may be a bullet too, when it stands apart; never a sign that is part of the text
        if len(first) > 2 or first in _TEXT_SIGNS or any(ch.isalnum() for ch in first) or gap < 0.6 * line.height:
            return line
    elif first in _LETTER_GLYPHS:
        # a letter is a bullet only when it stands apart from the text and the text starts a sentence
        if not (second[:1].isupper() or second[:1].isdigit() or second[:1] in "\"“„«(") or gap < 0.6 * line.height:
            return line
    return OcrLine(line.words[1:], line.confidences[1:], line.boxes[1:], line.block, line.paragraph, bullet=True)


MAX_LOW_LINES = 200


def ocr_metadata(pages: list[tuple[int, OcrPage]]) -> dict[str, Any]:
    """Document metadata for OCR'd ``(page number, page)`` pairs: the mean confidence and the
    lines to check (``ocr_low_lines``: page, text, confidence; at most :data:`MAX_LOW_LINES`)."""
    known = [c for _, page in pages for line in page.lines for c in line.confidences if c >= 0]
    low = [
        {"page": number, "text": ("• " if line.bullet else "") + line.text, "confidence": round(line.confidence)}
        for number, page in pages
        for line in page.low_lines()
    ]
    metadata: dict[str, Any] = {"ocr_confidence": round(sum(known) / len(known), 1) if known else None}
    metadata["ocr_low_lines"] = low[:MAX_LOW_LINES]
    if len(low) > MAX_LOW_LINES:
        metadata["ocr_low_lines_total"] = len(low)
    return metadata


# ------------------------------------------------------------------ layout
def layout_text(lines: list[OcrLine]) -> str:
    """The page's text: one line per paragraph or bullet, blank lines between paragraphs.

    >>> def line(text, left, top, right, block=1, par=1, bullet=False):
    ...     words = text.split()
    ...     return OcrLine(words, [95.0] * len(words), [(left, top, right, top + 30)] * len(words), block, par, bullet)
    >>> print(layout_text([
    ...     line("Programmet bestod blandt andet af en", 100, 100, 1500),
    ...     line("visionsworkshop, hvor deltagerne drøftede", 100, 150, 1490, par=2),
    ...     line("Socialministerens udspil.", 100, 200, 700, par=2),
    ...     line("Flere boliger til unge", 140, 300, 900, block=2, bullet=True),
    ...     line("Respekt i mødet med", 140, 350, 1500, block=2, bullet=True),
    ...     line("kommunen", 180, 400, 500, block=2)]))
    Programmet bestod blandt andet af en visionsworkshop, hvor deltagerne drøftede Socialministerens udspil.
    <BLANKLINE>
    • Flere boliger til unge
    • Respekt i mødet med kommunen
    """
    lines = [line for line in lines if line.words]
    if not lines:
        return ""
    out: list[str] = []
    current: list[str] = []
    prev: OcrLine | None = None
    indent: int | None = None  # where the text of the current bullet starts

    def finish(blank: bool) -> None:
        nonlocal current
        if current:
            out.append(" ".join(current).replace("-\n ", "-\n"))
            current = []
        if blank and out and out[-1] != "":
            out.append("")

    page = _Page.of(lines)
    for line in lines:
        text = line.text
        how = "paragraph" if prev is None else _joins(prev, line, page, indent)
        if how == "join":
            if _HYPHEN_END.search(current[-1]) and line.words[0][:1].islower():
                current[-1] += "\n"
            current.append(text)
        else:
            finish(how == "paragraph")
            current = [("• " if line.bullet else "") + text]
            indent = None
        if line.bullet:
            indent = line.left
        prev = line
    finish(False)
    return "\n".join(out).strip()


@dataclass
class _Page:
    """What the whole page says about its layout: each line's right margin and the usual gap between lines."""

    margins: dict[int, int]  # id(line) -> the right edge that full lines of its column reach
    line_gap: float  # the median gap between a line and the next one below it

    @classmethod
    def of(cls, lines: list[OcrLine]) -> _Page:
        margins = {}
        for line in lines:
            column = [o.right for o in lines if abs(o.left - line.left) <= 3 * line.height]
            rights = sorted(column if len(column) >= 3 else (o.right for o in lines))
            margins[id(line)] = rights[int(0.9 * (len(rights) - 1))]
        gaps = sorted(b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)
                      if 0 < b.top - a.bottom < 3 * max(a.height, b.height))
        return cls(margins, gaps[len(gaps) // 2] if gaps else 0.0)

    def new_paragraph(self, gap: int, height: int) -> bool:
        """A gap clearly wider than the usual one between lines (or wider than a line, single-spaced)."""
        return gap > max(1.5 * self.line_gap + 0.25 * height, 0.9 * height)


def _starts_lower(word: str) -> bool:
    return word[:1].islower() or (word[:1] in "(\"“„«" and word[1:2].islower())


def _joins(prev: OcrLine, line: OcrLine, page: _Page, indent: int | None) -> str:
    """How ``line`` follows ``prev``: ``"join"`` (same sentence or paragraph), ``"line"`` or ``"paragraph"``."""
    height = max(prev.height, line.height)
    gap = line.top - prev.bottom
    apart = page.new_paragraph(gap, height) or line.top < prev.top
    if line.bullet:
        return "paragraph" if apart else "line"
    ends = bool(_SENTENCE_END.search(prev.text))
    same_size = 0.7 <= line.height / max(prev.height, 1) <= 1.4
    if not ends and _starts_lower(line.words[0]) and same_size:
        return "join"  # what the text says: a sentence goes on, across blank lines, blocks and columns
    if apart:
        return "paragraph"
    if indent is not None and abs(line.left - indent) <= height and not ends:
        return "join"  # the wrapped line of a bullet, under its text
    # wrapped: the next line's first word would not have fitted at the end of this one
    first_width = line.boxes[0][2] - line.boxes[0][0]
    full = prev.right + 0.4 * height + first_width > page.margins[id(prev)] - 0.3 * height
    aligned = abs(line.left - prev.left) <= height
    same_paragraph = line.paragraph == prev.paragraph and line.block == prev.block
    if full and same_size and aligned and (not ends or same_paragraph):
        return "join"  # a wrapped line (or a new sentence in the same paragraph)
    return "paragraph" if line.paragraph != prev.paragraph or line.block != prev.block else "line"
