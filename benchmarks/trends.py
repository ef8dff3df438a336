"""How often the yearly comparison's words are right on simulated series (udsatte_nlp.trends).

For each course (constant, rising, falling, peak, new, vanished) and each
number of inputs per year, series are drawn at random (binomial counts around
the true shares) and classified; the table gives how often each word came out.
The first rows are the false-alarm rate: a theme whose share does not change
should be called a change in at most about 5 % of the series (the level of the
tests); the others show how many inputs a year it takes before a real course is
named, and that the rest is *usikker — få input* rather than a wrong word.

    python benchmarks/trends.py [--reps 200] [--sizes 30 60 150 400]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from udsatte_nlp.trends import classify_counts  # noqa: E402

YEARS = (2013, 2014, 2016, 2020)
COURSES = {
    "konstant 15 %": ([0.15, 0.15, 0.15, 0.15], "stable"),
    "voksende 8→24 %": ([0.08, 0.12, 0.16, 0.24], "grew"),
    "faldende 24→8 %": ([0.24, 0.16, 0.12, 0.08], "shrank"),
    "top 8-24-8-8 %": ([0.08, 0.24, 0.08, 0.08], "peaked"),
    "nyt 0-0-15-20 %": ([0.0, 0.0, 0.15, 0.20], "appeared"),
    "forsvundet 20-15-0-0 %": ([0.20, 0.15, 0.0, 0.0], "disappeared"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=100, help="series per course and size")
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 150, 400], help="inputs per year")
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    words = ["stable", "uncertain", "grew", "shrank", "peaked", "appeared", "disappeared", "fluctuating"]
    print(f"{args.reps} series per row; years {', '.join(map(str, YEARS))}; share of series given each word\n")
    print(f"{'course':24s} {'n/år':>5s}  " + " ".join(f"{w[:7]:>7s}" for w in words) + "   right  s/serie")
    for name, (shares, right) in COURSES.items():
        for n in args.sizes:
            got: Counter[str] = Counter()
            start = time.perf_counter()
            for _ in range(args.reps):
                counts = {y: int(rng.binomial(n, p)) for y, p in zip(YEARS, shares, strict=True)}
                got[classify_counts(counts, dict.fromkeys(YEARS, n)).status] += 1
            seconds = (time.perf_counter() - start) / args.reps
            ok = got[right] / args.reps
            row = " ".join(f"{got[w] / args.reps:7.0%}" for w in words)
            print(f"{name:24s} {n:5d}  {row}   {ok:5.0%}  {seconds:7.3f}")
    print(
        "\nA change word for the constant course is a false alarm; for the other courses 'uncertain' is the honest"
        " answer when the inputs are few, any other change word is a wrong one."
    )


if __name__ == "__main__":
    main()
