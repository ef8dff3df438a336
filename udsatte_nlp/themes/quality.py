"""Whether a theme's label says what it holds, and whether its inputs belong together.

* :func:`label_support`: the share of a theme's inputs that contain the label's head
  word (its lemma, an inflection, or a compound with it: *bolig* is supported by
  "boliger", "boligstøtte" and "ungdomsboliger").
* :func:`coherence`: how alike a theme's inputs are compared with the corpus. A theme
  is *blandet* (mixed) when its inputs are no more alike than a random handful of
  the project's inputs (a permutation test at 1 %), or less than half as alike as
  in the project's typical theme.

>>> label_support("Billige boliger", ["Flere billige boliger", "Boligstøtte til unge", "Hjælp om natten"])
0.667
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .linalg import rows_sum

__all__ = ["label_heads", "label_support", "coherence", "mixed_themes", "LOW_SUPPORT", "NullMoments", "EXACT_ABOVE"]

#: Below this share of supporting inputs a keyword label is replaced by one chosen by meaning.
LOW_SUPPORT = 0.25
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_PARTS = re.compile(r"\s*(?:,|\bog\b|\beller\b|/|–|-\s)\s*", re.IGNORECASE)


def _lemma(word: str) -> str:
    try:
        from ..lang import lemma

        return lemma(word)
    except Exception:  # noqa: BLE001 - the language layer is optional for this helper
        return word


def label_heads(label: str) -> list[str]:
    """The head lemma of each coordinated part of a label ("Bolig og hjemløshed" → bolig, hjemløshed):
    the last word of each part that is not a stop word."""
    from .labels import danish_stop_words

    stop = danish_stop_words()
    heads = []
    for part in _PARTS.split(label):
        words = [w.lower() for w in _WORD.findall(part) if w.lower() not in stop]
        if words:
            heads.append(_lemma(words[-1]))
    return list(dict.fromkeys(heads))


def _word_supports(w: str, heads: Sequence[str]) -> bool:
    """Whether the lower-case word ``w`` is one of the heads, an inflection or a compound of one."""
    lw = _lemma(w)
    for h in heads:
        if lw == h or w == h:
            return True
        # a compound with the head, before or after (boligstøtte, ungdomsboliger), or an inflection
        if len(h) >= 4 and (w.startswith(h) or h in w[1:]):
            return True
    return False


def _supports(text: str, heads: Sequence[str], seen: dict[str, bool] | None = None) -> bool:
    """Whether a word of ``text`` supports one of the heads (``seen``: the words judged so far)."""
    seen = {} if seen is None else seen
    for word in _WORD.findall(text):
        w = word.lower()
        ok = seen.get(w)
        if ok is None:
            ok = seen[w] = _word_supports(w, heads)
        if ok:
            return True
    return False


def label_support(label: str, member_texts: Sequence[str]) -> float:
    """Share (0..1, three decimals) of ``member_texts`` that contain one of the label's heads."""
    heads = label_heads(label)
    if not member_texts or not heads:
        return 0.0
    seen: dict[str, bool] = {}  # each distinct word is judged once
    return round(sum(_supports(t, heads, seen) for t in member_texts) / len(member_texts), 3)


def _within(Z: np.ndarray) -> float:
    """Mean pairwise cosine of unit rows (from the length of their sum, without the n² matrix)."""
    m = len(Z)
    if m < 2:
        return float("nan")
    s = Z.sum(axis=0)
    return float((s @ s - m) / (m * (m - 1)))


def _within_rows(Z: np.ndarray, members: np.ndarray) -> float:
    """:func:`_within` of the selected rows, without copying them when ``Z`` is large."""
    if Z.dtype == np.float64:
        return _within(Z[members])
    m = int(members.sum()) if members.dtype == bool else len(members)
    if m < 2:
        return float("nan")
    s = rows_sum(Z, members)
    return float((s @ s - m) / (m * (m - 1)))


#: Above this many rows the permutation test's null distribution is not drawn but computed:
#: its mean and standard deviation follow exactly from sampling without replacement
#: (:class:`NullMoments`), which the draws only estimate, at a cost independent of the theme's size.
EXACT_ABOVE = 10000


class NullMoments:
    """Mean and standard deviation of the mean pairwise cosine of ``m`` rows drawn at random
    without replacement from the unit rows of ``Z``: the exact moments of the draws that
    :func:`coherence` otherwise makes.

    With ``a_ij = z_i·z_j`` and ``Q`` the sum of ``a_ij`` over ordered pairs of distinct drawn
    rows (the mean pairwise cosine is ``Q / (m (m-1))``), ``E[Q] = p2 A`` and
    ``E[Q²] = 2 p2 S2 + 4 p3 S3 + p4 S4``, where ``pk`` is the chance that ``k`` given rows
    are all drawn, ``A = Σ a_ij``, ``S2 = Σ a_ij²`` (distinct ``i, j``),
    ``S3 = Σ a_ij a_il`` (distinct ``i, j, l``) and ``S4 = A² - 2 S2 - 4 S3``: all from the
    column sums and the ``d × d`` matrix ``ZᵀZ``, one pass over ``Z``.
    """

    def __init__(self, Z: np.ndarray):
        n, d = Z.shape
        T = np.zeros(d)
        G = np.zeros((d, d))
        for a in range(0, n, 16384):
            chunk = Z[a : a + 16384]
            T += chunk.sum(axis=0, dtype=np.float64)
            G += (chunk.T @ chunk).astype(np.float64)
        r2 = 0.0
        for a in range(0, n, 16384):  # r_i = Σ_{j≠i} a_ij
            r = Z[a : a + 16384].astype(np.float64) @ T - 1.0
            r2 += float(r @ r)
        self.n = n
        self.A = float(T @ T) - n
        self.S2 = float((G * G).sum()) - n
        self.S3 = r2 - self.S2

    def __call__(self, m: int) -> tuple[float, float]:
        """``(mean, standard deviation)`` of the mean pairwise cosine of ``m`` random rows."""
        N = self.n
        p2 = m * (m - 1) / (N * (N - 1))
        p3 = p2 * (m - 2) / (N - 2)
        p4 = p3 * (m - 3) / (N - 3)
        # Var Q = E[Q²] - E[Q]², written so that the large A² terms cancel before they are formed
        p4_minus_p2sq = p2 * ((m - 2) * (m - 3) / ((N - 2) * (N - 3)) - m * (m - 1) / (N * (N - 1)))
        var = 2 * (p2 - p4) * self.S2 + 4 * (p3 - p4) * self.S3 + p4_minus_p2sq * self.A**2
        pairs = m * (m - 1)
        return self.A / (N * (N - 1)), float(np.sqrt(max(var, 0.0))) / pairs


def coherence(
    Z: np.ndarray, members: np.ndarray, *, rounds: int = 200, seed: int = 0, null: NullMoments | None = None
) -> tuple[float, float]:
    """``(within, z)``: the members' mean pairwise similarity, and how many standard deviations
    it lies above that of random sets of the same size drawn from all rows of ``Z``
    (``rounds`` draws; above :data:`EXACT_ABOVE` rows, or given ``null``, the exact moments)."""
    members = np.asarray(members)
    m = int(members.sum()) if members.dtype == bool else len(members)
    within = _within_rows(Z, members)
    if m < 3 or len(Z) <= m:
        return within, float("nan")
    if null is None and len(Z) > EXACT_ABOVE:
        null = NullMoments(Z)
    if null is not None:
        mean, sd = null(m)
        return within, float((within - mean) / (sd or 1e-9))
    rng = np.random.default_rng(seed)
    draws = np.array([_within(Z[rng.choice(len(Z), m, replace=False)]) for _ in range(rounds)])
    sd = float(draws.std()) or 1e-9
    return within, float((within - draws.mean()) / sd)


def mixed_themes(Z: np.ndarray, labels: np.ndarray, themes: Sequence[int], *, seed: int = 0) -> dict[int, tuple[float, bool]]:
    """For each theme index: ``(within, mixed)``. Themes with fewer than four inputs are never called mixed."""
    if not (isinstance(Z, np.ndarray) and Z.dtype == np.float32):
        Z = np.asarray(Z, dtype=np.float64)
    null = NullMoments(Z) if len(Z) > EXACT_ABOVE else None
    labels = np.asarray(labels)
    stats = {}
    for t in themes:
        members = labels == t
        within, z = coherence(Z, members, seed=seed + int(t), null=null)
        stats[t] = (within, z, int(members.sum()))
    sizeable = [w for w, _, n in stats.values() if n >= 4 and w == w]
    typical = float(np.median(sizeable)) if sizeable else float("nan")
    out = {}
    for t, (within, z, n) in stats.items():
        mixed = n >= 4 and ((z == z and z < 2.33) or (typical == typical and typical > 0 and within < 0.5 * typical))
        out[t] = (within, bool(mixed))
    return out
