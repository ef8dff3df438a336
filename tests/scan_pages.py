"""Render Danish text as scanned pages (for the OCR tests and ``benchmarks/scans.py``).

Markdown-like source: ``# title``, ``## heading``, ``- bullet`` (drawn with a
real bullet glyph and a hanging indent), other lines are paragraphs; long lines
wrap at the page margin as a word processor would. Pages are A4 at ``dpi``,
slightly grey and slightly rotated like a real scan, and can be saved as an
image-only PDF (no text layer) or as image files.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/truetype/liberation")


def font_path(bold: bool = False) -> str | None:
    names = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold else ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    for folder in FONT_DIRS:
        for name in names:
            if (Path(folder) / name).exists():
                return str(Path(folder) / name)
    return None


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def render_pages(source: str, *, dpi: int = 200, seed: int = 0, max_pages: int | None = None,
                 bullet: str = "•", rotate: float = 0.6, spacing: float = 1.4) -> list:
    """Pillow images of ``source`` laid out on A4 pages."""
    from PIL import Image, ImageDraw, ImageFont

    rnd = random.Random(seed)
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    margin = int(0.9 * dpi)
    size = int(11 / 72 * dpi)  # 11 pt
    body = ImageFont.truetype(font_path(), size)
    bold = ImageFont.truetype(font_path(bold=True), size)
    title = ImageFont.truetype(font_path(bold=True), int(size * 1.5))
    step = int(size * spacing)  # line pitch: 1.4 is single spacing, 2.0 and more is typed "1½/double"
    pages, page, draw, y = [], None, None, 0

    def new_page():
        nonlocal page, draw, y
        if page is not None:
            pages.append(page)
        page = Image.new("L", (width, height), 245)
        draw = ImageDraw.Draw(page)
        y = margin

    def put(x: int, text: str, font, advance: int) -> None:
        nonlocal y
        if y + advance > height - margin:
            new_page()
        draw.text((x, y), text, font=font, fill=25)
        y += advance

    new_page()
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# "):
            for part in _wrap(draw, line[2:], title, width - 2 * margin):
                put(margin, part, title, int(step * 1.5))
            y += step // 2
        elif line.startswith("## "):
            y += step // 2
            for part in _wrap(draw, line[3:], bold, width - 2 * margin):
                put(margin, part, bold, step)
            y += step // 3
        elif line.startswith(("- ", "• ")):
            indent = margin + int(0.25 * dpi)
            parts = _wrap(draw, line[2:], body, width - indent - margin)
            for i, part in enumerate(parts):
                if i == 0:
                    if y + step > height - margin:
                        new_page()
                    draw.text((margin + int(0.08 * dpi), y), bullet, font=body, fill=25)
                put(indent, part, body, step)
        else:
            text = line.strip("*")
            for part in _wrap(draw, text, body, width - 2 * margin):
                put(margin, part, body, step)
            y += step // 2
    pages.append(page)
    if max_pages:
        pages = pages[:max_pages]
    out = []
    for image in pages:
        angle = rnd.uniform(-rotate, rotate)
        out.append(image.rotate(angle, resample=3, expand=False, fillcolor=245))
    return out


def scanned_pdf(pages: list, dpi: int = 200) -> bytes:
    """An image-only PDF of ``pages`` (what a scanner produces: no text layer)."""
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def fragments(texts: list[str]) -> list[str]:
    """Inputs that are not whole sentences: under three words, or starting in lower case."""
    return [t for t in texts if len(t.split()) < 3 or t[:1].islower()]
