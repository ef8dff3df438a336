"""Placing inputs in themes: one probabilistic model for guided and unsupervised themes,
an honest confidence per input, a review queue, and relearning from people's decisions.

The model is a mixture of directions (von Mises–Fisher) on the centred unit vectors
``Z`` (see :func:`~udsatte_nlp.themes.model.center`). Theme ``t`` has a centre ``c_t``
and an input's probability of belonging to it is

    p(t | x) = softmax_t( x·c_t / (τ σ) )

where ``σ`` is the standard deviation of all input–theme similarities. Measuring
similarities in units of their own spread makes one temperature ``τ`` serve every
embedding model (their cosines live on very different scales); ``τ = 1``
(:data:`TEMPERATURE`) means that one standard deviation more similarity makes a
theme *e* times as likely. The confidence of a placement is ``p(t | x)`` of the
chosen theme: a probability that the placement is right, in 0..1.

Centres are posterior mean directions: a theme's prior centre ``a_t`` (a codebook
theme's definition, a cluster's centre, or the theme's current members) counts
as :data:`PRIOR_WEIGHT` inputs, and every input adds its vector weighted by its
probability of belonging (an EM algorithm; Banerjee et al. 2005). Inputs a person
placed are clamped to their theme. So two or three decisions move a centre a
little, twenty move it a lot, and the inputs nobody has placed follow.

Both parameters were chosen on one labelled set (``corpora/landspanel-2025``)
and are reported on the others by ``benchmarks/themes.py``.

>>> import numpy as np
>>> Z = np.array([[1, 0.1], [1, -0.1], [-0.1, 1], [0.1, 1]], dtype=float)
>>> fit = place(Z, np.array([[1.0, 0.0], [0.0, 1.0]]))
>>> fit.labels.tolist()
[0, 0, 1, 1]
>>> bool((fit.confidence > 0.5).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .linalg import dot_t, group_means, t_dot

__all__ = [
    "TEMPERATURE",
    "PRIOR_WEIGHT",
    "BANDS",
    "Placement",
    "posterior",
    "place",
    "relearn",
    "review_queue",
    "band",
]

#: Similarities are divided by ``TEMPERATURE`` times their standard deviation before the softmax.
TEMPERATURE = 1.0
#: How many inputs' worth a theme's prior centre counts when the centre is re-estimated.
PRIOR_WEIGHT = 5.0
#: EM iterations; the centres settle in a handful on workshop-sized data.
ITERATIONS = 10
#: Confidence bands shown to people: (lower bound, Danish name).
BANDS: tuple[tuple[float, str], ...] = ((0.7, "sikker"), (0.4, "usikker"), (0.0, "tjek"))


def band(confidence: float | None) -> str:
    """The Danish band of a confidence: ``sikker`` (≥ 0.7), ``usikker`` (≥ 0.4) or ``tjek``."""
    if confidence is None or not np.isfinite(confidence):
        return "tjek"
    for lower, name in BANDS:
        if confidence >= lower:
            return name
    return BANDS[-1][1]


@dataclass
class Placement:
    """The result of :func:`place`: one theme per input, its probabilities and the centres."""

    labels: np.ndarray  # theme index per input
    proba: np.ndarray  # inputs × themes, rows sum to 1
    centres: np.ndarray  # themes × dimensions, unit rows
    prior: np.ndarray  # the prior centres the fit started from (unit rows; zero where none)

    @property
    def confidence(self) -> np.ndarray:
        """The probability of each input's own theme (0..1)."""
        return self.proba[np.arange(len(self.labels)), self.labels]

    def margin(self) -> np.ndarray:
        """Best minus second-best probability (0 with a single theme)."""
        if self.proba.shape[1] < 2:
            return np.ones(len(self.labels))
        top = np.sort(self.proba, axis=1)
        return top[:, -1] - top[:, -2]


def _unit(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    n = np.linalg.norm(X, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return X / n


def posterior(Z: np.ndarray, centres: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """``p(t | x)`` for every input and theme (a row-wise softmax of scaled similarities)."""
    Z = Z if isinstance(Z, np.ndarray) and Z.dtype in (np.float32, np.float64) else np.asarray(Z, dtype=np.float64)
    S = dot_t(Z, centres)  # float64; large float32 matrices chunk by chunk (see .linalg)
    if S.shape[1] == 0:
        return S
    sigma = float(S.std()) or 1.0
    L = (S - S.max(axis=1, keepdims=True)) / (temperature * sigma)
    P = np.exp(L)
    return P / P.sum(axis=1, keepdims=True)


def place(
    Z: np.ndarray,
    prior: np.ndarray,
    fixed: Mapping[int, int] | None = None,
    *,
    prior_weight: float | Sequence[float] = PRIOR_WEIGHT,
    temperature: float = TEMPERATURE,
    iterations: int = ITERATIONS,
) -> Placement:
    """Place every input in one of the themes whose prior centres are the rows of ``prior``.

    ``fixed`` maps input index → theme index for inputs a person placed (or that must
    stay where they are); they keep their theme and pull its centre towards them.
    ``prior_weight`` may be one number or one per theme (0 for a theme known only
    from its fixed members). Rows of ``prior`` that are all zero have no prior.
    """
    if not (isinstance(Z, np.ndarray) and Z.dtype in (np.float32, np.float64)):
        Z = np.asarray(Z, dtype=np.float64)  # a large float32 matrix is used as it is, never copied
    A = _unit(prior)
    k = len(A)
    n = len(Z)
    if k == 0:
        raise ValueError("at least one theme is needed")
    w = np.broadcast_to(np.asarray(prior_weight, dtype=np.float64), (k,))[:, None]
    fixed = dict(fixed or {})
    idx = np.fromiter(fixed.keys(), dtype=np.int64, count=len(fixed))
    lab = np.fromiter(fixed.values(), dtype=np.int64, count=len(fixed))
    clamp = np.zeros((n, k))
    if len(idx):
        clamp[idx, lab] = 1.0
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    anchored = w * A + t_dot(clamp, Z)  # prior plus what people decided
    C = np.where(np.linalg.norm(anchored, axis=1, keepdims=True) > 0, _unit(anchored), A)
    for _ in range(max(iterations, 0)):
        R = posterior(Z, C, temperature)
        R[mask] = clamp[mask]
        C_new = _unit(w * A + t_dot(R, Z))
        # a theme without prior that lost every input keeps its centre instead of vanishing
        empty = w[:, 0] + R.sum(axis=0) < 1e-9
        C_new[empty] = C[empty]
        if np.allclose(C_new, C, atol=1e-9):
            C = C_new
            break
        C = C_new
    P = posterior(Z, C, temperature)
    labels = P.argmax(axis=1)
    if len(idx):
        labels[idx] = lab
    return Placement(labels=labels, proba=P, centres=C, prior=A)


def relearn(
    Z: np.ndarray,
    labels: Sequence[int],
    human: Mapping[int, int],
    *,
    n_themes: int | None = None,
    keep: Sequence[int] = (),
    prior_weight: float = PRIOR_WEIGHT,
    temperature: float = TEMPERATURE,
) -> Placement:
    """Re-place every input no person placed, learning from the people's placements.

    ``labels`` is the current theme index of every input (``-1``: none), ``human``
    the inputs people placed (index → theme). Each theme's prior centre is the centre
    of its current members, so the model starts where it is and moves only as far as
    the decisions pull it. Inputs in ``keep`` stay where they are too (but, unlike
    people's placements, they are not evidence).
    """
    labels = np.asarray(labels, dtype=np.int64)
    k = int(max(labels.max(initial=-1), max(human.values(), default=-1)) + 1)
    k = max(k, n_themes or 0)
    prior = group_means(Z, labels, k)
    weights = np.where(np.linalg.norm(prior, axis=1) > 0, prior_weight, 0.0)
    fixed = {int(i): int(t) for i, t in human.items()}
    fixed.update({int(i): int(labels[i]) for i in keep if labels[i] >= 0 and int(i) not in fixed})
    if not fixed and not weights.any():
        raise ValueError("nothing to learn from")
    return place(Z, prior, fixed, prior_weight=weights, temperature=temperature)


def review_queue(
    placement: Placement,
    Z: np.ndarray,
    n: int,
    *,
    exclude: Sequence[int] = (),
    redundancy: float = 0.9,
) -> list[int]:
    """The inputs a person should check first: the least certain (smallest margin between
    the best and second-best theme) first, skipping an input whose vector is almost the
    same (cosine ≥ ``redundancy``) as one already in the queue, so that ten
    near-duplicates never fill it."""
    order = np.argsort(placement.margin(), kind="stable")
    skip = set(int(i) for i in exclude)
    chosen: list[int] = []
    picked = np.zeros((0, Z.shape[1]))  # the unit vectors of the inputs chosen so far
    for i in order.tolist():
        if len(chosen) >= n:
            break
        if i in skip:
            continue
        zi = _unit(Z[i : i + 1])[0]
        if chosen and float((picked @ zi).max()) >= redundancy:
            continue
        chosen.append(i)
        picked = np.vstack([picked, zi])
    if len(chosen) < n:  # everything left is redundant: fill up in order of uncertainty
        for i in order.tolist():
            if len(chosen) >= n:
                break
            if i not in skip and i not in chosen:
                chosen.append(i)
    return chosen
