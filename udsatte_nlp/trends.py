"""A theme's course over the years, judged from *all* years, and how sure that judgement is.

:func:`classify` takes how many of each year's inputs belong to a theme and
returns a :class:`Trend`: *voksende*, *faldende*, *stabilt*, *svingende*,
*toppede i ÅR*, *nyt fra ÅR*, *forsvundet efter ÅR*, or *usikker — få input*,
with a certainty a council can read (*sikker stigning*, *sandsynligt fald*, …).

The method (Agresti, *Categorical Data Analysis*, 3rd ed., §3.4.6 and §5.3.5):

* the **Cochran–Armitage trend test** (calendar year as score) asks whether the
  theme's share rises or falls over the whole series;
* the **chi-square test of equal shares** across all years asks whether the
  shares differ at all, which also catches a course that goes up and down;
* both p-values are exact in the sense of a permutation test: the theme's
  inputs are dealt out at random over all inputs 4,999 times (a fixed seed, so
  the result is the same every time), which stays valid for the small counts of
  yearly notes where the chi-square approximation does not. The two tests are
  combined by their smaller p-value, calibrated on the same draws (min-P), so
  asking both questions does not raise the chance of a false alarm;
* a change is stated only at p < 0.05, and called *sikker* at p < 0.01;
* a peak (or a dip) is named only when both the rise before it and the fall
  after it are significant on their own; a theme is *new from* a year when the
  years before it have significantly fewer inputs (none) than the years from it;
* a significant trend is called *voksende*/*faldende* unless the course turns
  back significantly: the chi-square distance of the shares from their closest
  one-way (isotonic) course, tested on the same draws (Robertson, Wright and
  Dykstra, *Order Restricted Statistical Inference*, 1988). A course that turns
  back, like one whose shares differ without any direction, is *svingende*;
* a theme without a significant change is called *stabilt* only when the trend
  test had at least 80 % power to see its share double or halve over the period
  (Nam's formula for the Cochran–Armitage test); otherwise there are too few
  inputs to say, and it is *usikker — få input*.

Shares come with a 95 % Wilson interval per year (the interval bars of the chart).
With ``per_document`` every document counts equally within its year (a long
note no longer outweighs a short one): a year's share is the mean of its
documents' shares, inputs are weighted by ``1 / inputs in their document``, and
the same permutation test deals the theme's inputs over all inputs.

>>> t = classify_counts({2021: 10, 2022: 30, 2023: 50}, {2021: 100, 2022: 100, 2023: 100})
>>> t.status, t.label, t.certainty_label
('grew', 'voksende', 'sikker stigning')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Trend",
    "classify",
    "classify_counts",
    "wilson",
    "STATUS_WORDS",
    "ALPHA",
    "SURE",
    "MIN_POWER",
    "RATIO",
    "N_DRAWS",
    "METHOD_TEXT",
]

#: A change is stated at p below this …
ALPHA = 0.05
#: … and called *sikker* (rather than *sandsynlig*) below this.
SURE = 0.01
#: *Stabilt* needs this power of the trend test to see the share change by :data:`RATIO` over the period.
MIN_POWER = 0.8
#: The change that *stabilt* promises would have been seen: a doubling (or halving) of the share.
RATIO = 2.0
#: Random deals of the theme's inputs behind each permutation p-value.
N_DRAWS = 4999

#: Danish words for each course; ``{year}`` is filled in.
STATUS_WORDS = {
    "grew": "voksende",
    "shrank": "faldende",
    "peaked": "toppede i {year}",
    "fluctuating": "svingende",
    "appeared": "nyt fra {year}",
    "disappeared": "forsvundet efter {year}",
    "stable": "stabilt",
    "uncertain": "usikker — få input",
}

#: Two sentences for a report's method section.
METHOD_TEXT = (
    "Udviklingen er vurderet over alle årene med en trendtest (Cochran–Armitage) og en test af, om temaets andel"
    " er ens i alle år (chi-i-anden), med p-værdier fra 4.999 tilfældige fordelinger af temaets input på årene;"
    " en ændring nævnes kun ved p under 0,05 og kaldes sikker ved p under 0,01, og en top eller et nyt tema"
    " kræver, at både stigningen og faldet (eller forskellen til årene før) holder hver for sig."
    " Et tema uden påviselig ændring kaldes kun stabilt, hvis testen havde mindst 80 % chance for at opdage en"
    " fordobling eller halvering af andelen; ellers er der for få input til at sige noget, og der står"
    " «usikker — få input»."
)


@dataclass(frozen=True)
class Trend:
    """The course of one theme over the years.

    ``status`` is a key of :data:`STATUS_WORDS`; ``year`` is the year in
    *toppede i*, *nyt fra* and *forsvundet efter*; ``p_value`` is the p-value of
    the stated change (for *stabilt* and *usikker*: of the test for any change);
    ``power`` is the trend test's power to see a doubling or halving.
    """

    status: str
    year: int | None
    p_value: float
    p_trend: float
    p_equal: float
    power: float
    direction: int  # +1 rising, -1 falling, 0 none (sign of the trend statistic)
    shares: dict[int, float]
    intervals: dict[int, tuple[float, float]]
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``"toppede i 2014"``, ``"voksende"``, …"""
        return STATUS_WORDS[self.status].format(year=self.year)

    @property
    def is_change(self) -> bool:
        return self.status not in ("stable", "uncertain")

    @property
    def certainty(self) -> str:
        """``"sikker"``, ``"sandsynlig"`` for a stated change; ``""`` otherwise."""
        if not self.is_change:
            return ""
        return "sikker" if self.p_value < SURE else "sandsynlig"

    @property
    def certainty_label(self) -> str:
        """How sure the stated course is, in words: ``"sikker stigning"``, ``"usikker — få input"``, …"""
        if self.status == "uncertain":
            return "usikker — få input"
        if self.status == "stable":
            return "ingen sikker ændring"
        sure = self.certainty == "sikker"
        if self.status == "grew":
            return "sikker stigning" if sure else "sandsynlig stigning"
        if self.status == "shrank":
            return "sikkert fald" if sure else "sandsynligt fald"
        return "sikker ændring" if sure else "sandsynlig ændring"


# ----------------------------------------------------------------- statistics
def wilson(k: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share ``k / n`` (``(0, 0)`` when ``n`` is 0).

    >>> tuple(round(v, 3) for v in wilson(0, 28))
    (0.0, 0.121)
    """
    if n <= 0:
        return (0.0, 0.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return (max(0.0, centre - half), min(1.0, centre + half))


def _statistics(k: np.ndarray, n: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cochran–Armitage z and Pearson chi-square of equal shares, for counts ``k`` (``(..., G)``) out of ``n``."""
    total = n.sum()
    p = k.sum(axis=-1) / total
    xbar = (n * x).sum() / total
    var = p * (1 - p)
    sxx = (n * (x - xbar) ** 2).sum()
    u = (k * (x - xbar)).sum(axis=-1)
    chi = ((k - n * p[..., None]) ** 2 / n).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, u / np.sqrt(var * sxx), 0.0) if sxx > 0 else np.zeros_like(u)
        chi2 = np.where(var > 0, chi / var, 0.0)
    return z, chi2


def _p(observed: float, draws: np.ndarray) -> float:
    """Permutation p-value: the share of draws at least as extreme (counting the observed data once)."""
    return float((1 + np.count_nonzero(draws >= observed - 1e-9)) / (len(draws) + 1))


def _ranks_p(draws: np.ndarray) -> np.ndarray:
    """Each draw's own permutation p-value among the draws (for the min-P combination)."""
    order = np.sort(draws)
    at_least = len(draws) - np.searchsorted(order, draws - 1e-9, side="left")
    return (1 + at_least) / (len(draws) + 1)


@dataclass
class _Data:
    """Inputs grouped by document: each document's year index, inputs, theme inputs and input weight."""

    years: list[int]
    group: np.ndarray  # document → index into years
    n: np.ndarray  # inputs per document
    k: np.ndarray  # theme inputs per document
    w: np.ndarray  # weight of one input of the document

    def restrict(self, groups: Sequence[int], relabel: Sequence[int] | None = None) -> _Data:
        """The documents of ``groups`` only (``relabel`` gives each kept group its new index)."""
        keep = np.isin(self.group, groups)
        mapping = dict(zip(groups, relabel if relabel is not None else range(len(groups)), strict=True))
        years = [self.years[g] for g in groups] if relabel is None else sorted(set(relabel))  # type: ignore[misc]
        return _Data(
            years=years,
            group=np.array([mapping[g] for g in self.group[keep]], dtype=int),
            n=self.n[keep],
            k=self.k[keep],
            w=self.w[keep],
        )

    def totals(self) -> np.ndarray:
        return np.bincount(self.group, weights=self.w * self.n, minlength=len(self.years))

    def counts(self, k: np.ndarray) -> np.ndarray:
        """Weighted theme counts per year for document counts ``k`` (``(D,)`` or ``(B, D)``)."""
        onehot = np.zeros((len(self.group), len(self.years)))
        onehot[np.arange(len(self.group)), self.group] = 1.0
        return (k * self.w) @ onehot


def _tests(data: _Data, scores: Sequence[float], seed: int) -> tuple[float, float, float, float, int]:
    """``(p_trend, p_equal, p_any, p_reversal, direction)`` by permutation over the inputs of ``data``.

    ``p_reversal`` is small when the shares turn back against the trend's direction more than chance
    would make them: it tests their chi-square distance from the closest one-way course.
    """
    x = np.asarray(scores, dtype=float)
    n = data.totals()
    k_total = int(data.k.sum())
    if k_total == 0 or k_total == int(data.n.sum()) or len(x) < 2:
        return 1.0, 1.0, 1.0, 1.0, 0
    z, chi2 = _statistics(data.counts(data.k.astype(float)), n, x)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_hypergeometric(data.n.astype(np.int64), k_total, size=N_DRAWS)
    z_d, chi2_d = _statistics(data.counts(draws.astype(float)), n, x)
    p_trend = _p(abs(float(z)), np.abs(z_d))
    if len(x) == 2:  # two years: the trend test is the test of equal shares
        return p_trend, p_trend, p_trend, 1.0, int(np.sign(z))
    p_equal = _p(float(chi2), chi2_d)
    p_min_draws = np.minimum(_ranks_p(np.abs(z_d)), _ranks_p(chi2_d))
    p_any = float((1 + np.count_nonzero(p_min_draws <= min(p_trend, p_equal) + 1e-12)) / (N_DRAWS + 1))
    direction = int(np.sign(z))
    if direction == 0:
        return p_trend, p_equal, p_any, 1.0, 0
    observed = _reversal(data.counts(data.k.astype(float)), n, direction)
    p_reversal = _p(float(observed[0]), _reversal(data.counts(draws.astype(float)), n, direction))
    return p_trend, p_equal, p_any, p_reversal, direction


def _reversal(k: np.ndarray, n: np.ndarray, direction: int) -> np.ndarray:
    """Chi-square distance of the shares ``k / n`` (``(..., G)``) from their closest course in ``direction``.

    The closest non-decreasing course (weighted least squares, the isotonic regression) is, year by
    year, ``max over j <= i of min over l >= i`` of the pooled share of years ``j..l``; for a falling
    course ``min``/``max`` swap. Vectorised over the draws; ``G`` is the number of years (small).
    """
    k = np.atleast_2d(k)
    g = k.shape[-1]
    ck = np.concatenate([np.zeros((k.shape[0], 1)), np.cumsum(k, axis=-1)], axis=-1)
    cn = np.concatenate([[0.0], np.cumsum(n)])
    j, l = np.triu_indices(g)
    pooled = np.full((k.shape[0], g, g), np.nan)
    pooled[:, j, l] = (ck[:, l + 1] - ck[:, j]) / (cn[l + 1] - cn[j])
    fit = np.empty_like(k, dtype=float)
    for i in range(g):
        block = pooled[:, : i + 1, i:]  # rows j <= i, columns l >= i
        if direction > 0:
            fit[:, i] = np.max(np.min(block, axis=2), axis=1)
        else:
            fit[:, i] = np.min(np.max(block, axis=2), axis=1)
    p = k.sum(axis=-1) / n.sum()
    var = p * (1 - p)
    dist = (n * (k / n - fit) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, dist / var, 0.0)


def _trend_test(data: _Data, groups: Sequence[int], seed: int) -> tuple[float, int]:
    """Two-sided Cochran–Armitage p-value and direction over the years ``groups`` only."""
    sub = data.restrict(list(groups))
    p_trend, _, _, _, direction = _tests(sub, [data.years[g] for g in groups], seed)
    return p_trend, direction


def _split_test(data: _Data, split: int, seed: int) -> tuple[float, int]:
    """Years before index ``split`` against the years from it, pooled: p-value and direction."""
    groups = list(range(len(data.years)))
    sub = data.restrict(groups, [0 if g < split else 1 for g in groups])
    p, _, _, _, direction = _tests(sub, [0.0, 1.0], seed)
    return p, direction


def _power(data: _Data, scores: Sequence[float]) -> float:
    """Power of the two-sided trend test (level :data:`ALPHA`) to see the share double or halve over the period.

    Nam (1987): the shares move log-linearly in the year by :data:`RATIO` from
    the first to the last year around the theme's overall share; the smaller
    power of the two directions counts.
    """
    x = np.asarray(scores, dtype=float)
    xd = x[data.group]
    total = float((data.w * data.n).sum())
    pbar = float((data.w * data.k).sum()) / total if total else 0.0
    if not 0 < pbar < 1 or x[-1] == x[0]:
        return 1.0 if pbar >= 1 else 0.0
    xbar = float((data.w * data.n * xd).sum()) / total
    wv = data.w**2 * data.n * (xd - xbar) ** 2
    sigma0 = math.sqrt(pbar * (1 - pbar) * float(wv.sum()))
    if sigma0 == 0:
        return 0.0
    from scipy.stats import norm

    crit = norm.ppf(1 - ALPHA / 2)
    powers = []
    for ratio in (RATIO, 1 / RATIO):
        shape = ratio ** ((xd - x[0]) / (x[-1] - x[0]))
        pd = np.clip(pbar * shape * total / float((data.w * data.n * shape).sum()), 0.0, 0.999)
        mean = float((data.w * data.n * pd * (xd - xbar)).sum())
        sigma1 = math.sqrt(float((wv * pd * (1 - pd)).sum())) or sigma0
        powers.append(float(norm.cdf((abs(mean) - crit * sigma0) / sigma1)))
    return min(powers)


def classify(
    years: Sequence[int],
    doc_years: Sequence[int],
    doc_inputs: Sequence[int],
    doc_members: Sequence[int],
    *,
    per_document: bool = False,
    seed: int = 0,
) -> Trend:
    """The course of one theme over ``years`` from its inputs in each document.

    Document ``i`` is from year ``doc_years[i]``, has ``doc_inputs[i]`` inputs
    of which ``doc_members[i]`` belong to the theme. With ``per_document``
    each document weighs the same within its year. Deterministic for a given
    ``seed``.
    """
    years = sorted(years)
    index = {y: i for i, y in enumerate(years)}
    n = np.asarray(doc_inputs, dtype=float)
    groups = np.array([index[y] for y in doc_years], dtype=int)
    keep = n > 0
    n, groups = n[keep], groups[keep]
    k = np.asarray(doc_members, dtype=float)[keep]
    if per_document:
        docs_in_year = np.bincount(groups, minlength=len(years))
        year_n = np.bincount(groups, weights=n, minlength=len(years))
        w = year_n[groups] / (docs_in_year[groups] * n)
    else:
        w = np.ones_like(n)
    data = _Data(years, groups, n, k, w)
    present = [g for g in range(len(years)) if g in set(groups.tolist())]
    if len(present) < len(years):  # a year without inputs carries no information
        data = data.restrict(present)
        years = [years[g] for g in present]
    return _classify(data, years, seed)


def classify_counts(
    counts: Mapping[int, int], totals: Mapping[int, int], *, seed: int = 0
) -> Trend:
    """:func:`classify` with one document per year: ``counts[year]`` of ``totals[year]`` inputs are the theme's.

    >>> classify_counts({2021: 1, 2022: 0, 2023: 1}, {2021: 40, 2022: 40, 2023: 40}).label
    'usikker — få input'
    """
    years = sorted(totals)
    return classify(years, years, [totals[y] for y in years], [counts.get(y, 0) for y in years], seed=seed)


def _classify(data: _Data, years: list[int], seed: int) -> Trend:
    scores = [float(y) for y in years]
    totals = data.totals()
    eff = data.counts(data.k)
    shares = {y: float(eff[i] / totals[i]) if totals[i] else 0.0 for i, y in enumerate(years)}
    # Kish's effective sample size per year, so the interval widens when a few documents carry the year.
    sq = np.bincount(data.group, weights=data.w**2 * data.n, minlength=len(years))
    n_eff = np.where(sq > 0, totals**2 / np.where(sq > 0, sq, 1), 0)
    intervals = {y: wilson(shares[y] * float(n_eff[i]), float(n_eff[i])) for i, y in enumerate(years)}
    counts = {y: int(round(c)) for y, c in zip(years, np.bincount(data.group, weights=data.k, minlength=len(years)),
                                                strict=True)}  # fmt: skip
    p_trend, p_equal, p_any, p_reversal, direction = _tests(data, scores, seed)
    power = _power(data, scores)

    def trend(status: str, p: float, year: int | None = None) -> Trend:
        return Trend(status, year, p, p_trend, p_equal, power, direction, shares, intervals, counts)

    if p_any >= ALPHA:
        return trend("stable" if power >= MIN_POWER else "uncertain", p_any)
    share = [shares[y] for y in years]
    last = len(years) - 1
    # A peak or a dip: the highest (lowest) share in a year between the ends, reached by a significant
    # change on each side.
    interior = range(1, last)
    if interior:
        top = max(interior, key=lambda i: (share[i], -i))
        up, d_up = _trend_test(data, range(0, top + 1), seed)
        down, d_down = _trend_test(data, range(top, last + 1), seed)
        peak = share[top] >= max(share) and d_up > 0 and d_down < 0 and max(up, down) < ALPHA
        bottom = min(interior, key=lambda i: (share[i], i))
        fall, d_fall = _trend_test(data, range(0, bottom + 1), seed)
        rise, d_rise = _trend_test(data, range(bottom, last + 1), seed)
        dip = share[bottom] <= min(share) and d_fall < 0 and d_rise > 0 and max(fall, rise) < ALPHA
        if dip:
            return trend("fluctuating", max(fall, rise, p_any))
        if peak:
            return trend("peaked", max(up, down), years[top])
    # New (none before a year, some in the last) or gone (some in the first, none after a year).
    has = [c > 0 for c in eff]
    first_in = has.index(True) if any(has) else 0
    last_in = last - has[::-1].index(True) if any(has) else last
    if first_in > 0 and has[last]:
        p, d = _split_test(data, first_in, seed)
        if d > 0 and p < ALPHA:
            return trend("appeared", p, years[first_in])
    if last_in < last and has[0]:
        p, d = _split_test(data, last_in + 1, seed)
        if d < 0 and p < ALPHA:
            return trend("disappeared", p, years[last_in])
    # A trend, unless the course turns back significantly against it.
    if p_trend < ALPHA and direction != 0 and p_reversal >= ALPHA:
        return trend("grew" if direction > 0 else "shrank", p_trend)
    return trend("fluctuating", p_equal if len(years) > 2 else p_any)
