#!/usr/bin/env python3
"""Benchmark the Danish OCR repair on a development set.

The development set is built at run time:

* real clean Danish text: the seed documents in ``../shared/seeds/`` (read
  here, never copied into the repository) and the sample corpora in
  ``corpora/`` (dialogmøde notes and the post-it inputs of the workshops);
* the same text damaged by a noise model of what an English OCR model does to
  Danish (see :func:`damage`): ø read as o g p d e @ 0, å as a d, æ as ae ee e a
  ze sz, l as I, ``I`` as ``|``, words glued together, bullets read as ``e``/``o``,
  words hyphenated across line breaks;
* hand-made damaged lines with their intended text, ``benchmarks/data/ocr_lines.tsv``;
* Danish text read by Tesseract's *English* model, ``benchmarks/data/ocr_english.tsv``
  (sample-corpus lines drawn as scans and OCR'd by ``benchmarks/make_ocr_english.py``),
  one document per source file.

It prints the word error rate before and after repair, the share of damaged
words fixed, the suggestions left for a person (repairs too unsure to make, see
``Correction.status``), the false-change rate on the clean originals and the
cleaning speed, each against its target. Exit code 1 when a target is missed.

    python benchmarks/ocr_repair.py [--seed 0] [--show 10]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from udsatte_nlp.clean import clean_text  # noqa: E402
from udsatte_nlp.clean.ocr import _survey, lexicon  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
CORPORA = ROOT / "corpora"
LINES = ROOT / "benchmarks" / "data" / "ocr_lines.tsv"
ENGLISH = ROOT / "benchmarks" / "data" / "ocr_english.tsv"
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
OCR_RULES = {"ocr", "ocr-context", "ocr-glued", "ocr-bullet"}

# What an English OCR model makes of each Danish letter, with weights.
NOISE = {
    "ø": [("o", 30), ("g", 20), ("p", 10), ("d", 10), ("e", 10), ("@", 8), ("0", 7), ("ø", 5)],
    "å": [("a", 70), ("d", 20), ("å", 10)],
    "æ": [("ae", 35), ("e", 20), ("a", 15), ("ze", 10), ("ee", 8), ("sz", 5), ("æ", 7)],
}


def load_texts() -> list[tuple[str, str]]:
    """``(name, text)`` of every clean Danish source (post-it tables: one input per line)."""
    texts = []
    for p in sorted(SEEDS.glob("*.txt")):
        texts.append((f"seed/{p.name[:3]}", p.read_text(encoding="utf-8")))
    for p in sorted((CORPORA / "dialogmoeder").glob("*")):
        if p.suffix in {".txt", ".md"}:
            texts.append((f"corpora/{p.name}", p.read_text(encoding="utf-8")))
    for tsv in sorted(CORPORA.glob("*/inputs.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            rows = [r["input"] for r in csv.DictReader(fh, delimiter="\t") if r.get("input")]
        texts.append((f"corpora/{tsv.parent.name}", "\n".join(f"• {r}" for r in rows)))
    return texts


def _pick(rng: random.Random, options: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in options)
    x = rng.uniform(0, total)
    for s, w in options:
        x -= w
        if x <= 0:
            return s
    return options[-1][0]


def damage(text: str, rng: random.Random, glue: float = 0.012, l_as_i: float = 0.05, hyphen: float = 0.01) -> str:
    """Damage clean text the way an English OCR model damages a Danish scan."""
    out_lines = []
    for line in text.split("\n"):
        if line.startswith("• "):
            line = rng.choice(["e ", "o ", "e "]) + line[2:]
        if line.startswith("I "):
            line = "| " + line[2:]
        chars = []
        for ch in line:
            low = ch.lower()
            if low in NOISE:
                rep = _pick(rng, NOISE[low])
                chars.append(rep.capitalize() if ch.isupper() else rep)
            else:
                chars.append(ch)
        line = "".join(chars)
        # l read as I at the start of a word
        line = re.sub(r"(?<![\w])l(?=[a-zæøå])", lambda m: "I" if rng.random() < l_as_i else "l", line)
        # words glued together: a space lost between two short words
        line = re.sub(
            r"\b([a-zA-Z]{1,4}) (?=[a-z]{1,5}\b)",
            lambda m: m.group(1) + ("" if rng.random() < glue * 4 else " "),
            line,
        )
        # a long word hyphenated across a line break
        line = re.sub(
            r"\b([a-zæøå]{4,})([a-zæøå]{4,})\b",
            lambda m: f"{m.group(1)}-\n{m.group(2)}" if rng.random() < hyphen else m.group(0),
            line,
        )
        out_lines.append(line)
    return "\n".join(out_lines)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def wer(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    """Word errors (substitutions + deletions + insertions) and reference length."""
    errors = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes():
        if tag != "equal":
            errors += max(i2 - i1, j2 - j1)
    return errors, len(ref)


def _equal_positions(ref: list[str], hyp: list[str]) -> set[int]:
    eq = set()
    for tag, i1, i2, _, _ in SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes():
        if tag == "equal":
            eq.update(range(i1, i2))
    return eq


def evaluate(pairs: list[tuple[str, str]], show: int = 0) -> dict[str, float]:
    """``pairs`` of (damaged, reference) texts."""
    before = after = n = damaged_words = fixed = intact_words = broken = 0
    shown = 0
    for noisy, ref in pairs:
        rw, nw = words(ref), words(noisy)
        out = clean_text(noisy).text
        ow = words(out)
        e0, n0 = wer(rw, nw)
        e1, _ = wer(rw, ow)
        before += e0
        after += e1
        n += n0
        bad = set(range(len(rw))) - _equal_positions(rw, nw)
        good = _equal_positions(rw, ow)
        damaged_words += len(bad)
        fixed += len(bad & good)
        intact_words += len(rw) - len(bad)
        broken += len((set(range(len(rw))) - bad) - good)
        if show and shown < show:
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, rw, ow, autojunk=False).get_opcodes():
                if tag != "equal" and shown < show:
                    print(f"    want {' '.join(rw[i1:i2])!r:40} got {' '.join(ow[j1:j2])!r}")
                    shown += 1
    return {
        "wer_before": before / n,
        "wer_after": after / n,
        "fixed": fixed / damaged_words if damaged_words else 1.0,
        "broken": broken / intact_words if intact_words else 0.0,
        "words": n,
    }


def false_changes(texts: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    """Words the cleaner's OCR rules changed in clean originals, and the number of words."""
    changed, total, examples = 0, 0, []
    for name, text in texts:
        # tables are cleaned one row (post-it) at a time, as the pipeline does
        parts = text.split("\n") if name.startswith("corpora/") and "." not in name else [text]
        for part in parts:
            res = clean_text(part)
            total += len(words(part))
            for c in res.corrections:
                if c.rule in OCR_RULES:
                    changed += max(1, len(words(c.before)))
                    examples.append(f"{name}: {c.before!r} → {c.after!r} ({c.rule})")
    return changed, total, examples


def english_docs() -> list[tuple[str, str]]:
    """``(ocr, expected)`` per source document of ``data/ocr_english.tsv``: Danish text read by
    Tesseract's *English* model (made by ``benchmarks/make_ocr_english.py``), lines joined as
    the scanned document they come from."""
    docs: dict[str, tuple[list[str], list[str]]] = {}
    with ENGLISH.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for r in rows:
            ocr, expected = docs.setdefault(r["source"], ([], []))
            ocr.append(r["ocr"])
            expected.append(r["expected"])
    return [("\n".join(a), "\n".join(b)) for a, b in docs.values()]


def suggestions(pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """Suggestions the cleaner left for a person (not applied), and how many of them are right
    (their word is the reference's and the original is not)."""
    made = right = 0
    for noisy, ref in pairs:
        ref_words = set(words(ref))
        for c in clean_text(noisy).corrections:
            if c.status == "suggested":
                made += 1
                right += c.after in ref_words and c.before not in ref_words
    return made, right


def hand_lines() -> list[tuple[str, str]]:
    with LINES.open(encoding="utf-8") as fh:
        return [(r["damaged"], r["expected"]) for r in csv.DictReader(fh, delimiter="\t")]


def speed(texts: list[str], mb: float = 1.0, repeat: int = 3) -> tuple[float, float]:
    """MB of text cleaned per second of CPU time (one core) and of wall time, dictionaries
    loaded: the whole cleaner, all steps, on about ``mb`` MB; the best of ``repeat`` runs
    (the machine may be busy). The per-text survey cache is cleared before each text, so a
    repeated text is cleaned in full every time."""
    blob = "\n\n".join(texts)
    reps = max(1, int(mb * 1e6 / max(1, len(blob.encode("utf-8")))) + 1)
    size = reps * len(blob.encode("utf-8"))
    cpu = wall = float("inf")
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        for _ in range(reps):
            _survey.cache_clear()
            clean_text(blob)
        cpu, wall = min(cpu, time.process_time() - c), min(wall, time.perf_counter() - w)
    return size / 1e6 / cpu, size / 1e6 / wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Danish OCR repair benchmark")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print this many remaining errors")
    ap.add_argument("--fast", action="store_true", help="skip the speed measurement")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    lexicon()
    print(f"dictionaries loaded in {time.perf_counter() - t:.1f} s")
    sources = load_texts()
    if not any(name.startswith("seed/") for name, _ in sources):
        print(f"note: no seed documents in {SEEDS}; using the corpora only")
    refs = [(name, clean_text(text).text) for name, text in sources]
    rng = random.Random(args.seed)
    pairs = [(damage(ref, rng), ref) for _, ref in refs]

    ok = True
    print(f"\nDevelopment set: {len(refs)} clean Danish texts, damaged by the noise model")
    res = evaluate(pairs, args.show)
    print(f"  words                      {res['words']}")
    print(f"  WER before repair          {res['wer_before']:.1%}")
    ok &= _report("WER after repair", res["wer_after"], 0.02, "<=")
    print(f"  damaged words fixed        {res['fixed']:.1%}")
    print(f"  undamaged words changed    {res['broken']:.2%}")
    made, right = suggestions(pairs)
    print(f"  suggestions left open      {made} ({right} of them right)")

    lines = hand_lines()
    res2 = evaluate(lines, args.show)
    print(f"\nHand-made damaged lines: {len(lines)} lines, {res2['words']} words")
    print(f"  WER before repair          {res2['wer_before']:.1%}")
    print(f"  WER after repair           {res2['wer_after']:.1%}")
    print(f"  damaged words fixed        {res2['fixed']:.1%}")

    docs = english_docs()
    res3 = evaluate(docs, args.show)
    print(f"\nTesseract's English model on Danish scans: {len(docs)} documents, {res3['words']} words")
    print(f"  WER before repair          {res3['wer_before']:.1%}")
    ok &= _report("WER after repair", res3["wer_after"], 0.03, "<=")
    print(f"  damaged words fixed        {res3['fixed']:.1%}")
    print(f"  undamaged words changed    {res3['broken']:.2%}")
    made, right = suggestions(docs)
    print(f"  suggestions left open      {made} ({right} of them right)")

    changed, total, examples = false_changes(sources)
    print(f"\nClean originals: {len(sources)} texts, {total} words")
    ok &= _report("false changes", changed / total, 0.001, "<=")
    for e in examples[:10]:
        print(f"    {e}")

    if not args.fast:
        print("\nSpeed (whole cleaner, dictionaries loaded; MB per CPU second on one core, and per wall second)")
        cpu, wall = speed([t for _, t in sources])
        ok &= _report("clean text, MB/s", cpu, 1.0, ">=")
        print(f"  clean text, wall MB/s      {wall:8.2f}")
        cpu, wall = speed([p[0] for p in pairs])
        print(f"  damaged text, MB/s         {cpu:8.2f}   (wall {wall:.2f})")
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


def _report(label: str, value: float, target: float, op: str) -> bool:
    met = value <= target if op == "<=" else value >= target
    fmt = f"{value:.2f}" if op == ">=" else f"{value:.2%}"
    tfmt = f"{target:.2f}" if op == ">=" else f"{target:.1%}"
    print(f"  {label:<26} {fmt:>8}   target {op} {tfmt}  {'ok' if met else 'MISSED'}")
    return met


if __name__ == "__main__":
    sys.exit(main())
