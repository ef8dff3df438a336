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

__all__ = ["label_heads", "label_support", "coherence", "mixed_themes", "LOW_SUPPORT"]

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


def _supports(text: str, heads: Sequence[str]) -> bool:
    for word in _WORD.findall(text):
        w = word.lower()
        lw = _lemma(w)
        for h in heads:
            if lw == h or w == h:
                return True
            # a compound with the head, before or after (boligstøtte, ungdomsboliger), or an inflection
            if len(h) >= 4 and (w.startswith(h) or h in w[1:]):
                return True
    return False


def label_support(label: str, member_texts: Sequence[str]) -> float:
    """Share (0..1, three decimals) of ``member_texts`` that contain one of the label's heads."""
    heads = label_heads(label)
    if not member_texts or not heads:
        return 0.0
    return round(sum(_supports(t, heads) for t in member_texts) / len(member_texts), 3)


def _within(Z: np.ndarray) -> float:
    """Mean pairwise cosine of unit rows (from the length of their sum, without the n² matrix)."""
    m = len(Z)
    if m < 2:
        return float("nan")
    s = Z.sum(axis=0)
    return float((s @ s - m) / (m * (m - 1)))


def coherence(Z: np.ndarray, members: np.ndarray, *, rounds: int = 200, seed: int = 0) -> tuple[float, float]:
    """``(within, z)``: the members' mean pairwise similarity, and how many standard deviations
    it lies above that of random sets of the same size drawn from all rows of ``Z``."""
    members = np.asarray(members)
    m = int(members.sum()) if members.dtype == bool else len(members)
    within = _within(Z[members])
    if m < 3 or len(Z) <= m:
        return within, float("nan")
    rng = np.random.default_rng(seed)
    null = np.array([_within(Z[rng.choice(len(Z), m, replace=False)]) for _ in range(rounds)])
    sd = float(null.std()) or 1e-9
    return within, float((within - null.mean()) / sd)


def mixed_themes(Z: np.ndarray, labels: np.ndarray, themes: Sequence[int], *, seed: int = 0) -> dict[int, tuple[float, bool]]:
    """For each theme index: ``(within, mixed)``. Themes with fewer than four inputs are never called mixed."""
    Z = np.asarray(Z, dtype=np.float64)
    stats = {}
    for t in themes:
        members = np.asarray(labels) == t
        within, z = coherence(Z, members, seed=seed + int(t))
        stats[t] = (within, z, int(members.sum()))
    sizeable = [w for w, _, n in stats.values() if n >= 4 and w == w]
    typical = float(np.median(sizeable)) if sizeable else float("nan")
    out = {}
    for t, (within, z, n) in stats.items():
        mixed = n >= 4 and ((z == z and z < 2.33) or (typical == typical and typical > 0 and within < 0.5 * typical))
        out[t] = (within, bool(mixed))
    return out
