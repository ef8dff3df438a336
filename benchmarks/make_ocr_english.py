#!/usr/bin/env python3
"""Make ``benchmarks/data/ocr_english.tsv``: Danish lines as Tesseract's *English* model reads them.

Secretariats get scans OCR'd elsewhere, often by software set to English, which
cannot see æ, ø and å. This script makes that case reproducibly from the sample
corpora in ``corpora/`` (our own text; the seed documents are never copied into the
repository): every line of the dialogmøde notes and every workshop input is drawn
as a 300 dpi scan-like image (Liberation Serif 11 pt, slightly blurred and
downsampled, no randomness) and read with ``tesseract -l eng --psm 7``. The file
holds ``source<TAB>ocr<TAB>expected`` per line, with the Tesseract version in its header.
``benchmarks/ocr_repair.py`` reports the word error rate of the OCR repair on it, one
source file (a scanned document) at a time.

    python benchmarks/make_ocr_english.py            # needs tesseract with its English model

Re-running it with the same Tesseract version gives the same file.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "data" / "ocr_english.tsv"
FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
DPI = 300
POINTS = 11


def source_lines() -> list[tuple[str, str]]:
    """``(source, line)``: lines of the sample corpora with at least one æ, ø or å (a line without
    them says nothing here) plus every tenth line without (so that false changes show), in file order."""
    from udsatte_nlp.ingest import read

    lines: list[tuple[str, str]] = []
    for p in sorted((ROOT / "corpora" / "dialogmoeder").glob("*")):
        if p.suffix in {".txt", ".md", ".docx"} and not p.name.endswith(".source.md"):
            lines += [(p.name, line) for line in read(p).text.splitlines()]
    for tsv in sorted((ROOT / "corpora").glob("*/inputs.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            lines += [(tsv.parent.name, r["input"]) for r in csv.DictReader(fh, delimiter="\t") if r.get("input")]
    out, plain, seen = [], 0, set()
    for source, line in lines:
        line = " ".join(line.split())
        if len(line.split()) < 3 or len(line) > 110 or line in seen:
            continue
        seen.add(line)
        if re.search("[æøåÆØÅ]", line):
            out.append((source, line))
        else:
            plain += 1
            if plain % 10 == 1:
                out.append((source, line))
    return out


def render(line: str, path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(FONT), round(POINTS * DPI / 72))
    left, top, right, bottom = font.getbbox(line)
    img = Image.new("L", (right - left + 80, bottom - top + 60), 255)
    ImageDraw.Draw(img).text((40 - left, 30 - top), line, font=font, fill=0)
    # a flat-bed scan: a little blur, down to 2/3 and back (soft edges), then black and white
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    small = img.resize((img.width * 2 // 3, img.height * 2 // 3), Image.Resampling.BILINEAR)
    img = small.resize(img.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v > 150 else 0)
    img.save(path, dpi=(DPI, DPI))


def ocr(path: Path) -> str:
    res = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "eng", "--psm", "7"],
        capture_output=True, text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return " ".join(res.stdout.split())


def main() -> int:
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    sources = source_lines()
    lines = [line for _, line in sources]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, line in enumerate(lines):
            p = Path(tmp) / f"{i:04d}.png"
            render(line, p)
            paths.append(p)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            read = list(pool.map(ocr, paths))
    rows = [(src, o, e) for (src, e), o in zip(sources, read, strict=True) if o]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# Danish lines of corpora/ drawn as 300 dpi scans and read by {version} -l eng --psm 7;\n")
        fh.write("# made by benchmarks/make_ocr_english.py. Columns: source<TAB>ocr<TAB>expected\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["source", "ocr", "expected"])
        w.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
