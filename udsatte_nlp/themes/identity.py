"""Theme identity across runs: a new analysis continues the project's themes.

A person's work must survive a re-analysis (next year's notes added, a file
changed, or the same files again):

* every theme a person shaped (named, described, created, merged, split) stays,
  with its members; so does every input a person placed;
* the other inputs (new ones, and those the model placed) join the existing themes
  where they fit, and only what fits none of them forms new suggested themes;
* a model theme no person touched keeps its id (and so its colour and name) when
  the new run finds it again: the new theme whose inputs are mostly the old
  theme's inputs (Jaccard ≥ 0.5, one-to-one) takes its place.

Everything here is pure (vectors and labels in, a :class:`Plan` out); the store
writes the plan. The fresh :class:`~udsatte_nlp.themes.model.ThemeModel` fit on all
inputs says which groups the data holds now; :func:`reconcile` decides which of them
are the old themes and places every free input with one mixture model
(:func:`~udsatte_nlp.themes.placement.place`) over the kept and the new themes,
people's placements clamped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .linalg import row_mean
from .model import OUTLIER_LABEL, ThemeModel, describe_themes
from .placement import PRIOR_WEIGHT, place

__all__ = ["PreviousTheme", "PlannedTheme", "Plan", "reconcile", "OWNED"]

#: A new group of inputs *is* an existing theme when at least this share of its inputs
#: already belong to that theme for good (a person's theme or a person's placements);
#: a model theme is found again when the new and the old members overlap this much (Jaccard).
OWNED = 0.5


@dataclass
class PreviousTheme:
    """A theme as the project holds it before the run."""

    key: int  # its id in the project
    label: str
    shaped: bool  # a person named, described, created, merged or split it: its members stay
    source: str = "model"  # 'model' | 'codebook' | 'human' | 'outlier'
    is_outlier: bool = False
    anchor: np.ndarray | None = None  # its prior centre, when the store has one for this model


@dataclass
class PlannedTheme:
    """A theme after the run: an existing one (``key``) or a new one (``key is None``)."""

    key: int | None
    label: str
    source: str
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    stability: float | None = None
    is_outlier: bool = False
    anchor: np.ndarray | None = None
    kept: bool = False  # a person's theme: its label, description and source are not touched
    size: int = 0
    representatives: list[int] = field(default_factory=list)
    label_source: str = "model"
    label_support: float | None = None
    coherence: float | None = None
    mixed: bool = False


@dataclass
class Plan:
    """Every theme after the run and every input's theme (an index into ``themes``) and confidence."""

    themes: list[PlannedTheme]
    labels: np.ndarray
    scores: np.ndarray  # NaN where no confidence applies («Øvrige»)


def _fresh_plan(model: ThemeModel) -> Plan:
    themes = [
        PlannedTheme(
            key=None,
            label=t.label,
            source=t.source,
            keywords=list(t.keywords),
            description=t.description,
            stability=t.stability,
            is_outlier=t.source == "outlier",
            anchor=model.anchors_[t.id] if t.id < len(model.anchors_) and t.source != "outlier" else None,
            size=t.size,
            representatives=list(t.representatives),
            label_source=t.label_source,
            label_support=t.label_support,
            coherence=t.coherence,
            mixed=t.mixed,
        )
        for t in model.themes_
    ]
    return Plan(themes, np.asarray(model.labels_, dtype=int), np.asarray(model.scores_, dtype=float))


def reconcile(
    model: ThemeModel,
    Z: np.ndarray,
    texts: Sequence[str],
    previous: Sequence[PreviousTheme],
    previous_labels: Sequence[int],
    human: Sequence[bool],
    X: np.ndarray | None = None,
) -> Plan:
    """Merge a fresh fit with the project's existing themes.

    ``Z`` are the centred vectors the model was fitted on (``X`` the embedder's own, for
    labels chosen by meaning), ``previous_labels`` each
    input's theme before the run (an index into ``previous``, ``-1`` for none, e.g. a new
    input) and ``human`` whether a person placed that input.
    """
    prev_labels = np.asarray(previous_labels, dtype=int)
    human_arr = np.asarray(human, dtype=bool)
    n = len(Z)
    fresh = _fresh_plan(model)
    if not previous:
        return fresh

    # ---- 1. what stays: a person's themes with their members, and every person's placement
    fixed_prev = np.full(n, -1)
    for i in range(n):
        p = prev_labels[i]
        if p >= 0 and (human_arr[i] or previous[p].shaped):
            fixed_prev[i] = p
    kept = [p for p, t in enumerate(previous) if t.shaped or (fixed_prev == p).any()]

    # ---- 2. which fresh groups are new, and which are a kept theme found again
    fresh_real = [j for j, t in enumerate(fresh.themes) if not t.is_outlier]
    codebook_keys: dict[int, int] = {}  # fresh codebook theme -> previous theme of the same name
    by_name = {t.label.casefold(): p for p, t in enumerate(previous) if not t.is_outlier}
    for j in fresh_real:
        if fresh.themes[j].source == "codebook" and fresh.themes[j].label.casefold() in by_name:
            codebook_keys[j] = by_name[fresh.themes[j].label.casefold()]
    # a fresh group is a kept theme found again when the two are each other's nearest
    # (by their centres; the kept theme's centre is stored, so an unchanged re-run decides the same)
    real_kept = [p for p in kept if not previous[p].is_outlier]
    kept_centres = [_kept_centre(previous[p], Z, fixed_prev == p) for p in real_kept]
    free_groups = [j for j in fresh_real if not (j in codebook_keys and codebook_keys[j] in kept)]
    absorbed = _found_again(
        kept_centres, [_unit(_fresh_centre(fresh, j, Z)) for j in free_groups]
    )
    new_groups = [j for g, j in enumerate(free_groups) if g not in absorbed or fresh.themes[j].source == "codebook"]

    # ---- 3. one mixture over the kept and the new themes; a person's inputs clamped
    anchors = list(kept_centres)
    weights = [PRIOR_WEIGHT if np.any(a) else 0.0 for a in anchors]
    for j in new_groups:
        anchors.append(_unit(_fresh_centre(fresh, j, Z)))
        weights.append(PRIOR_WEIGHT)
    outlier_prev = [p for p in kept if previous[p].is_outlier]
    in_outlier = np.isin(fixed_prev, outlier_prev) if outlier_prev else np.zeros(n, dtype=bool)

    themes: list[PlannedTheme] = []
    for p, a in zip(real_kept, anchors, strict=False):
        t = previous[p]
        # a theme without a stored centre gets its members' centre now, so the next run starts from it
        themes.append(PlannedTheme(key=t.key, label=t.label, source=t.source, kept=True, anchor=a if np.any(a) else None))
    for j in new_groups:
        f = fresh.themes[j]
        themes.append(PlannedTheme(key=None, label=f.label, source=f.source, stability=f.stability, anchor=f.anchor))
    labels = np.full(n, -1)
    scores = np.full(n, np.nan)
    stay = {i: real_kept.index(int(fixed_prev[i])) for i in range(n) if fixed_prev[i] in real_kept}
    # a person's placements are evidence (clamped in the mixture); the other members of a
    # person's theme only stay where they are, so an unchanged re-run changes nothing
    fixed = {i: t for i, t in stay.items() if human_arr[i]}
    # a theme without a centre and without members (created empty by a person) waits for a person
    live = [t for t in range(len(themes)) if np.any(anchors[t]) or t in stay.values()]
    placed = np.flatnonzero(~in_outlier)
    if live and len(placed):
        Zp = Z if len(placed) == n else Z[placed]  # no copy of the vectors when every input takes part
        while True:
            pos = {i: k for k, i in enumerate(placed.tolist())}
            col = {t: c for c, t in enumerate(live)}
            fit = place(
                Zp,
                np.vstack([anchors[t] for t in live]),
                {pos[i]: col[t] for i, t in fixed.items() if i in pos},
                prior_weight=np.asarray([weights[t] for t in live]),
            )
            labels[placed] = np.asarray(live)[fit.labels]
            for i, t in stay.items():
                if i in pos and t in col:
                    labels[i] = t
            scores[placed] = fit.proba[np.arange(len(placed)), [col.get(int(t), 0) for t in labels[placed]]]
            # a new theme the mixture leaves (almost) empty goes: its inputs fit elsewhere
            thin = [t for t in live if not themes[t].kept and (labels == t).sum() < 2]
            if not thin:
                break
            live = [t for t in live if t not in thin]
        used = {int(t) for t in labels[labels >= 0]}
        order = [t for t in range(len(themes)) if themes[t].kept or t in used]
        remap = {t: k for k, t in enumerate(order)}
        themes = [themes[t] for t in order]
        labels = np.array([remap.get(int(t), -1) for t in labels])
        # inputs that were outliers in the fresh fit and that nobody placed stay «Øvrige»
        fresh_out = fresh.labels == next((j for j, t in enumerate(fresh.themes) if t.is_outlier), -2)
        to_outlier = (fixed_prev < 0) & fresh_out & ~in_outlier
    else:
        themes = [t for t in themes if t.kept]
        to_outlier = ~in_outlier & (fixed_prev < 0)
    outliers = in_outlier | to_outlier
    if outliers.any():
        out_key = next((previous[p].key for p in outlier_prev), None)
        if out_key is None:
            out_key = next((t.key for t in previous if t.is_outlier), None)
        themes.append(
            PlannedTheme(key=out_key, label=OUTLIER_LABEL, source="outlier", is_outlier=True, kept=out_key is not None)
        )
        labels[outliers] = len(themes) - 1
        scores[outliers] = np.nan

    # ---- 4. a model theme nobody touched keeps its id when it is found again
    _match_previous(themes, labels, previous, prev_labels, kept)

    # ---- 5. keywords, labels of new themes, descriptions, quotes
    names = [t.label if (t.kept or t.key is not None or t.source == "codebook") else "" for t in themes]
    sources = [t.source for t in themes]
    described = describe_themes(
        texts, labels, names, sources, scores, taken={t.label.casefold() for t in themes if t.kept},
        Z=Z, X=X, embedder=model.embedder, seed=model.seed,
    )
    for t, d in zip(themes, described, strict=True):
        t.keywords, t.size, t.representatives = d.keywords, d.size, d.representatives
        t.label_support, t.coherence, t.mixed = d.label_support, d.coherence, d.mixed
        if not t.kept:
            t.label, t.label_source = d.label, d.label_source
            t.description = d.description
    return Plan(themes, labels, scores)


def _kept_centre(theme: PreviousTheme, Z: np.ndarray, members: np.ndarray) -> np.ndarray:
    """A kept theme's prior centre: the stored one, else its members' centre (zero if it has none)."""
    if theme.anchor is not None and len(theme.anchor) == Z.shape[1]:
        return _unit(theme.anchor)
    if members.any():
        return _unit(row_mean(Z, members))
    return np.zeros(Z.shape[1])


def _fresh_centre(fresh: Plan, j: int, Z: np.ndarray) -> np.ndarray:
    a = fresh.themes[j].anchor
    return a if a is not None else row_mean(Z, fresh.labels == j)


def _found_again(kept: Sequence[np.ndarray], groups: Sequence[np.ndarray]) -> dict[int, int]:
    """Pairs (group → kept theme) that are mutual nearest neighbours: the group is closest to
    that kept theme among all kept themes and other groups, and the kept theme is closest to
    that group among all groups."""
    live = [t for t, c in enumerate(kept) if np.any(c)]
    if not live or not groups:
        return {}
    K = np.vstack([kept[t] for t in live])
    G = np.vstack(groups)
    KG = K @ G.T
    GG = G @ G.T
    np.fill_diagonal(GG, -np.inf)
    out: dict[int, int] = {}
    for a, t in enumerate(live):
        g = int(np.argmax(KG[a]))
        rival = max(float(np.max(np.delete(KG[:, g], a), initial=-np.inf)), float(np.max(GG[g], initial=-np.inf)))
        if KG[a, g] > rival and g not in out:
            out[g] = t
    return out


def _match_previous(
    themes: list[PlannedTheme],
    labels: np.ndarray,
    previous: Sequence[PreviousTheme],
    prev_labels: np.ndarray,
    kept: Sequence[int],
) -> None:
    """Give each new theme the id of the untouched previous theme it is (one to one, Jaccard ≥ OWNED)."""
    from scipy.optimize import linear_sum_assignment

    new = [t for t, th in enumerate(themes) if th.key is None and not th.is_outlier]
    old = [p for p, th in enumerate(previous) if p not in kept and not th.is_outlier]
    if not new or not old:
        return
    J = np.zeros((len(new), len(old)))
    for a, t in enumerate(new):
        mine = labels == t
        for b, p in enumerate(old):
            theirs = prev_labels == p
            union = (mine | theirs).sum()
            J[a, b] = (mine & theirs).sum() / union if union else 0.0
    # a codebook theme is the previous theme of its name, whatever its members
    for a, t in enumerate(new):
        if themes[t].source == "codebook":
            for b, p in enumerate(old):
                if previous[p].label.casefold() == themes[t].label.casefold():
                    J[a, b] = 2.0
    rows, cols = linear_sum_assignment(-J)
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        if J[a, b] >= OWNED:
            th, prev = themes[new[a]], previous[old[b]]
            th.key = prev.key
            if prev.source == "model" and th.source == "model":
                th.label = prev.label  # a theme found again keeps its name


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v / n if n else v
