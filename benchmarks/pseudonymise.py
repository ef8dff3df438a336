"""Precision and recall of pseudonymisation on a hand-labelled Danish set.

    python benchmarks/pseudonymise.py [--show-errors]

Two sets: ``data/pseudonymise.txt`` (the development set the rules were tuned
on) and ``data/pseudonymise-heldout.txt`` (written afterwards). Each marks every person's name, CPR
number, phone number and e-mail address as ``[[KIND:text]]``; everything
else (places, organisations, the council's vocabulary, dates, amounts) must be
left alone. A found span counts as right when it matches a gold span exactly
(the figures also give the looser token-level score for names, where "Jørgen"
found inside "Jørgen Østergård" counts for the words it covers).
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data" / "pseudonymise.txt"  # development set (rules tuned on it)
HELDOUT = Path(__file__).parent / "data" / "pseudonymise-heldout.txt"  # written afterwards
_GOLD = re.compile(r"\[\[(P|CPR|TLF|MAIL):(.+?)\]\]")
_KINDS = {"P": "person", "CPR": "cpr", "TLF": "phone", "MAIL": "email"}


def load(path: Path = DATA) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Sentences with their gold spans ``(start, end, kind)`` in the unmarked text."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, gold, pos = [], set(), 0
        length = 0
        for m in _GOLD.finditer(line):
            before = line[pos : m.start()]
            text.append(before)
            length += len(before)
            gold.add((length, length + len(m.group(2)), _KINDS[m.group(1)]))
            text.append(m.group(2))
            length += len(m.group(2))
            pos = m.end()
        text.append(line[pos:])
        items.append(("".join(text), gold))
    return items


def _words(text: str, spans) -> set[tuple[int, int]]:
    out = set()
    for start, end, *_ in spans:
        for m in re.finditer(r"\S+", text[start:end]):
            out.add((start + m.start(), start + m.end()))
    return out


def evaluate(pseudonymiser=None, items=None) -> dict[str, dict[str, float]]:
    from udsatte_nlp.privacy import Pseudonymiser

    items = items or load()
    p = pseudonymiser or Pseudonymiser()
    tp, fp, fn = Counter(), Counter(), Counter()
    wtp = wfp = wfn = 0
    errors = []
    for text, gold in items:
        found = {(s.start, s.end, s.kind) for s in p.find(text)}
        for kind in set(_KINDS.values()):
            g = {x for x in gold if x[2] == kind}
            f = {x for x in found if x[2] == kind}
            tp[kind] += len(g & f)
            fp[kind] += len(f - g)
            fn[kind] += len(g - f)
        gw = _words(text, [x for x in gold if x[2] == "person"])
        fw = _words(text, [x for x in found if x[2] == "person"])
        wtp, wfp, wfn = wtp + len(gw & fw), wfp + len(fw - gw), wfn + len(gw - fw)
        if found != gold:
            errors.append((text, sorted(gold - found), sorted(found - gold)))
    scores: dict[str, dict[str, float]] = {}
    for kind in ("person", "cpr", "phone", "email"):
        scores[kind] = _prf(tp[kind], fp[kind], fn[kind])
    scores["all"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    scores["person (words)"] = _prf(wtp, wfp, wfn)
    scores["_errors"] = errors  # type: ignore[assignment]
    return scores


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def report(path: Path, show_errors: bool = False) -> None:
    items = load(path)
    t0 = time.perf_counter()
    scores = evaluate(items=items)
    t_run = time.perf_counter() - t0
    n_gold = Counter(k for _, gold in items for *_, k in gold)
    print(
        f"\n{path.name}: {len(items)} sentences; gold spans: "
        + ", ".join(f"{n} {k}" for k, n in sorted(n_gold.items()))
    )
    print(f"{'kind':<16}{'gold':>6}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}{'F1':>7}")
    for kind, s in scores.items():
        if kind.startswith("_"):
            continue
        print(
            f"{kind:<16}{s['tp'] + s['fn']:>6}{s['tp'] + s['fp']:>7}{s['tp']:>7}"
            f"{s['precision']:>11.1%}{s['recall']:>8.1%}{s['f1']:>7.1%}"
        )
    clean = {t for t, g in items if not g}
    changed = sum(1 for t, _, extra in scores["_errors"] if extra and t in clean)  # type: ignore[misc]
    print(
        f"sentences without personal data: {len(clean)}, of which changed: {changed};"
        f" {len(items) / t_run:,.0f} sentences/s"
    )
    if show_errors:
        for text, missed, extra in scores["_errors"]:  # type: ignore[misc]
            print(
                f"  {text}\n    missed: {[text[s:e] + '/' + k for s, e, k in missed]}"
                f"\n    extra:  {[text[s:e] + '/' + k for s, e, k in extra]}"
            )


def seeds_check(folder: Path) -> None:
    """On the real (unlabelled) seed documents: the names found, and the capitalised words left alone
    in mid-sentence, for a person to read through (every person in them should be in the first list)."""
    from udsatte_nlp.privacy import Pseudonymiser, _is_sentence_start

    texts = [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.txt"))]
    p = Pseudonymiser().learn(texts)
    found: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for text in texts:
        covered = bytearray(len(text))
        for span in p.find(text):
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
            found[f"{span.kind}:{span.text}"] += 1
        for m in re.finditer(r"[A-ZÆØÅ][a-zæøåé]+", text):
            if not any(covered[m.start() : m.end()]) and not _is_sentence_start(text, m.start()):
                left[m.group()] += 1
    print(f"\nReal seed documents ({len(texts)}, unlabelled): {sum(found.values())} mentions replaced:")
    print("  " + ", ".join(f"{k} ({n})" for k, n in sorted(found.items())))
    print(f"  capitalised words left alone mid-sentence ({len(left)}): " + ", ".join(sorted(left)))


def main(argv: list[str]) -> int:
    from udsatte_nlp.privacy import load_lexicon

    t0 = time.perf_counter()
    lex = load_lexicon()
    print(
        f"Word lists: {len(lex.first_names):,} first names ({len(lex.danish_first_names):,} Danish), "
        f"{len(lex.surnames):,} surnames, {len(lex.places):,} places, {len(lex.titles):,} titles, "
        f"{len(lex.common):,} common Danish word forms; loaded in {time.perf_counter() - t0:.2f} s"
    )
    print("Exact span match; 'person (words)' scores each word of a name.")
    for path in (DATA, HELDOUT):
        report(path, "--show-errors" in argv)
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if seeds.is_dir():
        seeds_check(seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
