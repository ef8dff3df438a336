#!/usr/bin/env python3
"""Scans read as sentences: fragments among the inputs of scanned notes, OCR vs. the text itself.

Each source text (the seed documents in ``../shared/seeds/`` or ``--seeds DIR``,
read at run time and never copied into the repository, and the fictional
dialogmøde notes in ``corpora/``) is rendered as A4 pages with wrapped lines and
bullets (``tests/scan_pages.py``), saved as an image-only PDF, and read like any
scan (``udsatte_nlp.ingest.read``: pdftoppm, Tesseract by its layout, cleaning,
segmentation). The same text read as a .txt file is the reference.

Prints per document: inputs, the share of *fragments* (under three words, or
starting in lower case), inputs starting with a glyph, the mean OCR confidence
and the seconds taken, for the text itself, for the scan read by its layout
(what ``read`` does) and for the scan read from Tesseract's plain text (how it
was read before, ``--plain``); and the totals against the targets (≤ 5 %
fragments, no glyph starts). Exit code 1 when a target is missed.
``--spacing 2.2`` types the pages with double line spacing, where Tesseract's
plain text puts blank lines between wrapped lines.

    python benchmarks/scans.py [--seeds DIR] [--dpi 200] [--pages N] [--spacing 1.4] [--plain]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scan_pages import fragments, render_pages, scanned_pdf  # noqa: E402
from udsatte_nlp.ingest import read  # noqa: E402
from udsatte_nlp.ingest.pdf import OCR_DPI, _render_page  # noqa: E402
from udsatte_nlp.pipeline import prepare  # noqa: E402
from udsatte_nlp.records import Document  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def sources(seeds: Path) -> list[Path]:
    found = sorted(seeds.glob("*.txt")) if seeds.exists() else []
    return found + [ROOT / "corpora" / "dialogmoeder" / "dialogmoede-2024.source.md"]


def inputs(path: Path) -> list[str]:
    return [u.text for u in prepare(read(path))[2]]


def plain_inputs(scan: Path) -> list[str]:
    """The scan read from Tesseract's plain text, page by page (the reading before the layout)."""
    from pypdf import PdfReader

    data = scan.read_bytes()
    pages = []
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for number in range(1, len(PdfReader(scan).pages) + 1):
        with tempfile.TemporaryDirectory() as tmp:
            image = Path(tmp) / "page.png"
            image.write_bytes(_render_page(data, number)[0])
            out = subprocess.run(["tesseract", str(image), "stdout", "--dpi", str(OCR_DPI), "-l", "dan"],
                                 capture_output=True, env=env)
        pages.append(out.stdout.decode("utf-8", errors="replace").replace("\f", "").strip())
    doc = Document(path=str(scan), format="pdf", text="\f".join(pages), sha256="")
    return [u.text for u in prepare(doc)[2]]


def _glyphs(texts: list[str]) -> list[str]:
    return [t for t in texts if not t[:1].isalnum() and t[:1] not in "\"“„«(§"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--pages", type=int, default=None, help="at most this many pages per document")
    parser.add_argument("--spacing", type=float, default=1.4, help="line pitch in font sizes (2.2: double spacing)")
    parser.add_argument("--plain", action="store_true", help="also read the scans from Tesseract's plain text")
    args = parser.parse_args()
    totals = {"scan": [0, 0, 0], "text": [0, 0, 0], "plain": [0, 0, 0]}
    print(f"{'document':<34} {'pages':>5} {'text: inputs frag':>18} {'scan: inputs frag glyph':>24} {'conf':>5} {'s':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources(args.seeds):
            text = source.read_text(encoding="utf-8")
            plain = Path(tmp) / (source.stem + ".txt")
            plain.write_text(text.replace("## ", "").replace("# ", ""), encoding="utf-8")
            reference = inputs(plain)
            pages = render_pages(text, dpi=args.dpi, max_pages=args.pages, spacing=args.spacing)
            scan = Path(tmp) / (source.stem + ".pdf")
            scan.write_bytes(scanned_pdf(pages, args.dpi))
            start = time.perf_counter()
            doc = read(scan)
            ocred = [u.text for u in prepare(doc)[2]]
            seconds = time.perf_counter() - start
            glyphs = _glyphs(ocred)
            plain = plain_inputs(scan) if args.plain else []
            for key, units, g in (("text", reference, []), ("scan", ocred, glyphs), ("plain", plain, _glyphs(plain))):
                totals[key][0] += len(units)
                totals[key][1] += len(fragments(units))
                totals[key][2] += len(g)
            print(f"{source.name[:34]:<34} {len(pages):>5} {len(reference):>8} {_pct(fragments(reference), reference):>9}"
                  f" {len(ocred):>8} {_pct(fragments(ocred), ocred):>8} {len(glyphs):>6}"
                  f" {doc.metadata.get('ocr_confidence') or 0:>5.1f} {seconds:>5.0f}")
            own = set(fragments(reference))
            for t in [t for t in fragments(ocred) if t not in own][:5]:
                print(f"    fragment (not one in the text): {t!r}")
            for t in glyphs:
                print(f"    starts with a glyph: {t[:60]!r}")
            if args.plain:
                print(f"    Tesseract's plain text: {len(plain)} inputs, {_pct(fragments(plain), plain)} fragments, "
                      f"{len(_glyphs(plain))} starting with a glyph")
    share = totals["scan"][1] / max(totals["scan"][0], 1)
    ref = totals["text"][1] / max(totals["text"][0], 1)
    print(f"\nall: text {totals['text'][0]} inputs, {ref:.1%} fragments; scan {totals['scan'][0]} inputs, "
          f"{share:.1%} fragments (target ≤ 5 %), {totals['scan'][2]} starting with a glyph (target 0)")
    if args.plain:
        p = totals["plain"]
        print(f"     Tesseract's plain text: {p[0]} inputs, {p[1] / max(p[0], 1):.1%} fragments, {p[2]} starting with a glyph")
    return 0 if share <= 0.05 and totals["scan"][2] == 0 else 1


def _pct(part: list[str], whole: list[str]) -> str:
    return f"{len(part) / max(len(whole), 1):.1%}"


if __name__ == "__main__":
    sys.exit(main())
