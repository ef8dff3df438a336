"""ThemeModel: themes from unit vectors, unsupervised or guided by a codebook.

Follows scikit-learn conventions: ``__init__`` only stores parameters, ``fit``
returns ``self`` and sets

* ``labels_``: theme index per unit (every unit gets one),
* ``scores_``: confidence per unit: the probability that the unit belongs to its
  theme (0..1, :mod:`~udsatte_nlp.themes.placement`); NaN for «Øvrige»,
* ``proba_``: every unit's probability for every real theme (units × themes),
* ``themes_``: a list of :class:`~udsatte_nlp.records.Theme` with Danish labels,
  keywords, representative units (the most confident) and a stability score,
* ``anchors_``: the real themes' prior centres (a codebook theme's definition, a
  cluster's centre), kept in the project so later decisions are learnt against them,
* ``centroids_``: the themes' centres in the (centred) embedding space.

Why not BERTopic's defaults: on a workshop's 30-500 short inputs UMAP + HDBSCAN
put most inputs in the outlier class and are not reproducible without care.
Here the vectors are centred (multilingual e5 vectors share a large common
direction that drowns the differences), the number of themes is chosen by
silhouette over a range, and agglomerative (Ward) clustering, deterministic by
construction, is used up to a few thousand inputs; above that k-means with a
fixed seed, or BERTopic with explicit sub-models via ``engine="bertopic"``. The
clusters then seed a mixture model that places every input by probability and
gives each placement its confidence; with a codebook, the themes' definitions
seed it instead.

>>> import numpy as np
>>> X = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
>>> model = ThemeModel(n_themes=2).fit(X, ["bolig nu", "bolig snart", "job nu", "job snart"])
>>> sorted(model.labels_.tolist())
[0, 0, 1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..records import Theme
from .codebook import CodebookTheme, _unit
from .labels import describe, make_label, proper_nouns, theme_keywords
from .linalg import centred, dot_t, group_means, group_sums, mean_unit, work_dtype
from .placement import Placement, place

__all__ = ["ThemeModel", "OUTLIER_LABEL", "center", "describe_themes"]

OUTLIER_LABEL = "Øvrige"
_LARGE = 2500  # above this many units, Ward's O(n²) memory gives way to k-means
#: Above this many units the clusters (and the number of themes) are found in a seeded random
#: sample of this size, and every unit joins the nearest cluster centre: k-means on a uniform
#: sample of 20,000 finds the same groups as on all of them, at a fraction of the time.
#: The mixture model then places every unit and re-estimates the centres on all units.
_SAMPLE = 20000


def center(X: np.ndarray, mean: np.ndarray | None = None, *, overwrite: bool = False) -> np.ndarray:
    """Subtract the corpus mean and re-normalise (removes the shared direction of e5-like vectors).

    float64, except for a large matrix (:data:`~udsatte_nlp.themes.linalg.FLOAT64_MAX`
    numbers), which is computed chunk by chunk and kept in float32 (in ``X`` itself
    with ``overwrite=True``, for a caller that needs only the result)."""
    if work_dtype(np.shape(X)) == np.float64:
        X = _unit(X)
        mu = X.mean(axis=0) if mean is None else mean
        return _unit(X - mu)
    return centred(X, mean_unit(X) if mean is None else mean, overwrite=overwrite)


class ThemeModel:
    """Find themes in embedded units.

    Parameters
    ----------
    n_themes:
        Number of themes; ``None`` chooses it from the data (silhouette over ``min_themes..max_themes``).
        With a codebook: the most *extra* themes suggested for inputs that fit none.
    codebook:
        Themes given by staff; inputs are assigned to them and keep their names as labels.
    embedder:
        Needed with a codebook, to embed the themes' names, descriptions, keywords and examples;
        without a codebook it lets a theme whose keyword label few of its inputs carry be
        labelled by meaning (see :func:`describe_themes`).
    seed:
        The same data and seed give the same themes.
    engine:
        ``"native"`` (default; agglomerative/k-means) or ``"bertopic"`` (UMAP + HDBSCAN through the
        BERTopic adapter, for large corpora; outliers are then reassigned to their nearest theme).
    min_themes, max_themes:
        The range searched when ``n_themes`` is None.
    outliers:
        Put true outliers (far from every theme) in an explicit ``Øvrige`` theme.
    stability_runs:
        Resamples used to estimate each theme's stability (0 turns it off).
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        codebook: Sequence[CodebookTheme] | None = None,
        embedder: Any = None,
        seed: int = 0,
        engine: str = "native",
        min_themes: int = 4,
        max_themes: int = 10,
        outliers: bool = True,
        stability_runs: int = 8,
        top_keywords: int = 8,
        n_representatives: int = 5,
    ):
        self.n_themes = n_themes
        self.codebook = codebook
        self.embedder = embedder
        self.seed = seed
        self.engine = engine
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.outliers = outliers
        self.stability_runs = stability_runs
        self.top_keywords = top_keywords
        self.n_representatives = n_representatives

    # ------------------------------------------------------------------ fit
    def fit(self, X: np.ndarray, texts: Sequence[str]) -> ThemeModel:
        if len(X) != len(texts):
            raise ValueError("X and texts must have the same length")
        if len(X) == 0:
            raise ConfigError("Der er ingen input at finde temaer i", hint="Tjek at filerne indeholder tekst")
        if self.n_themes is not None and self.n_themes < 1:
            raise ConfigError("Antallet af temaer skal være mindst 1", hint="Brug fx --themes 6")
        if self.engine not in ("native", "bertopic"):
            raise ConfigError(f"Ukendt motor '{self.engine}'", hint="Vælg native eller bertopic")
        self.mean_ = mean_unit(X)
        Z = center(X, self.mean_)
        if self.codebook:
            labels, names, sources, fit = self._fit_guided(Z, texts)
        else:
            R = self._reduce(Z)
            clusters = self._cluster(R, texts)
            names, sources = None, None
            anchors = _centroids(Z, clusters)
            if self.engine == "bertopic":  # BERTopic's partition as it is; the model only scores it
                fit = place(Z, anchors, iterations=0)
                labels = clusters
            else:  # clusters seed the mixture model, which places every input by probability
                fit, labels = _place_nonempty(Z, anchors)
            if self.outliers:
                labels = self._mark_outliers(Z, labels, fit.centres)
        self._finish(Z, texts, labels, names, sources, fit, X)
        if self.stability_runs and not self.codebook:
            if len(R) > _SAMPLE and self.engine != "bertopic":  # in the clustering sample
                rows = self._sample(len(R))
                self._stability(R[rows], [texts[i] for i in rows], rows)
            else:
                self._stability(R, texts)
        return self

    def _reduce(self, Z: np.ndarray) -> np.ndarray:
        """On larger corpora, cluster in the top principal components (k-means and silhouette
        cost grow with the dimension; 64 components keep the structure that matters)."""
        if len(Z) <= 1000 or Z.shape[1] <= 64:
            return Z
        from sklearn.decomposition import PCA

        return _unit(PCA(n_components=64, random_state=self.seed).fit_transform(Z))

    def fit_predict(self, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        return self.fit(X, texts).labels_

    # ------------------------------------------------------------ clustering
    def _cluster(self, Z: np.ndarray, texts: Sequence[str], seed: int | None = None) -> np.ndarray:
        seed = self.seed if seed is None else seed
        n = len(Z)
        if n < 4:
            return np.zeros(n, dtype=int)
        if self.engine != "bertopic" and n > _SAMPLE:
            return self._cluster_sample(Z, texts, seed)
        if self.engine == "bertopic":
            from .bertopic_adapter import cluster_with_bertopic

            return cluster_with_bertopic(Z, texts, n_themes=self.n_themes, seed=seed)
        if self.n_themes is not None:
            return self._cluster_k(Z, min(self.n_themes, n), seed)
        return self._choose_k(Z, seed)

    def _sample(self, n: int) -> np.ndarray:
        """The sorted rows of the clustering sample (seeded: the same data and seed, the same rows)."""
        return np.sort(np.random.default_rng(self.seed + 104729).choice(n, _SAMPLE, replace=False))

    def _cluster_sample(self, Z: np.ndarray, texts: Sequence[str], seed: int) -> np.ndarray:
        """Clusters found in :meth:`_sample`; every row joins the nearest of their centres
        (the k-means rule: the least squared distance)."""
        rows = self._sample(len(Z))
        sub = self._cluster(Z[rows], [texts[i] for i in rows], seed)
        k = int(sub.max()) + 1
        C = group_means(Z[rows], sub, k)
        scores = dot_t(Z, C) - 0.5 * (C * C).sum(axis=1)  # argmax = argmin |z - c|²
        labels = scores.argmax(axis=1)
        return np.unique(labels, return_inverse=True)[1].reshape(-1)  # 0..k'-1, no empty label

    def _choose_k(self, Z: np.ndarray, seed: int) -> np.ndarray:
        """The k in range with the best silhouette (cosine), computed on one Ward tree when possible."""
        from sklearn.metrics import silhouette_score

        n = len(Z)
        lo = max(2, min(self.min_themes, n // 4))
        hi = max(lo, min(self.max_themes, n // 8))
        sample = np.random.default_rng(seed).choice(n, 3000, replace=False) if n > 3000 else None
        candidates = self._cluster_range(Z, range(lo, hi + 1), seed)
        best, best_score = None, -np.inf
        for k, labels in candidates:
            if len(set(labels.tolist())) < 2:
                continue
            idx = sample if sample is not None else slice(None)
            score = silhouette_score(Z[idx], labels[idx], metric="cosine")
            # short inputs cluster weakly and silhouette creeps up with k: prefer fewer themes when close
            score -= 0.001 * k
            if score > best_score + 1e-12:
                best, best_score = labels, score
        return best if best is not None else np.zeros(n, dtype=int)

    def _cluster_range(self, Z: np.ndarray, ks: range, seed: int) -> list[tuple[int, np.ndarray]]:
        if len(Z) <= _LARGE:
            # one Ward tree, cut at every k (the same partitions as fitting each k separately)
            from scipy.cluster.hierarchy import cut_tree, linkage

            tree = linkage(Z, method="ward")
            cuts = cut_tree(tree, n_clusters=list(ks))
            return [(k, cuts[:, i].astype(int)) for i, k in enumerate(ks)]
        return [(k, self._cluster_k(Z, k, seed)) for k in ks]

    def _cluster_k(self, Z: np.ndarray, k: int, seed: int) -> np.ndarray:
        if k <= 1:
            return np.zeros(len(Z), dtype=int)
        if len(Z) <= _LARGE:
            from sklearn.cluster import AgglomerativeClustering

            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(Z)
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(Z)

    def _mark_outliers(self, Z: np.ndarray, labels: np.ndarray, centres: np.ndarray | None = None) -> np.ndarray:
        """Label -1 for units far from every theme: robust z-score < -3.5 *and* a cosine at least
        0.15 below the typical one, never more than 5 % of the units."""
        labels = np.asarray(labels).copy()
        if len(Z) < 20:
            return labels
        C = _centroids(Z, labels) if centres is None else centres
        best = dot_t(Z, C).max(axis=1)
        med = np.median(best)
        mad = np.median(np.abs(best - med)) * 1.4826 or 1e-9
        out = ((best - med) / mad < -3.5) & (best < med - 0.15)
        if 2 <= out.sum() <= max(2, 0.05 * len(Z)):
            labels[out] = -1
        return labels

    # ---------------------------------------------------------------- guided
    def _fit_guided(
        self, Z: np.ndarray, texts: Sequence[str]
    ) -> tuple[np.ndarray, list[str], list[str], Placement]:
        from .codebook import theme_centres

        if self.embedder is None:
            raise ValueError("a codebook needs an embedder to embed the theme descriptions")
        cb = list(self.codebook or [])
        anchors = theme_centres(cb, self.embedder, self.mean_)
        fit = place(Z, anchors)
        labels = fit.labels.copy()
        names = [t.name for t in cb]
        sources = ["codebook"] * len(cb)
        # inputs that fit none of the codebook's themes: clustered into suggested themes
        best = dot_t(Z, fit.centres)[np.arange(len(Z)), labels]
        if len(Z) >= 20:
            med = np.median(best)
            mad = np.median(np.abs(best - med)) * 1.4826 or 1e-9
            misfit = np.flatnonzero((best - med) / mad < -2.5)
            if len(misfit) >= 6:
                k_extra = self.n_themes or max(1, min(4, len(misfit) // 6))
                sub = ThemeModel(k_extra, seed=self.seed, outliers=False, stability_runs=0, min_themes=1)
                sub_labels = sub._cluster(Z[misfit], [texts[i] for i in misfit])
                extra = [Z[misfit[sub_labels == c]].mean(axis=0) for c in sorted(set(sub_labels.tolist()))]
                names += [""] * len(extra)  # labelled from their inputs in _finish
                sources += ["model"] * len(extra)
                # one mixture over the codebook's themes and the suggested ones
                fit = place(Z, np.vstack([anchors, _unit(np.vstack(extra))]))
                labels = fit.labels.copy()
            elif len(misfit) >= 2:
                labels[misfit] = -1
        return labels, names, sources, fit

    # ---------------------------------------------------------------- finish
    def _finish(
        self,
        Z: np.ndarray,
        texts: Sequence[str],
        labels: np.ndarray,
        names: list[str] | None,
        sources: list[str] | None,
        fit: Placement,
        X: np.ndarray | None = None,
    ) -> None:
        labels = np.asarray(labels, dtype=int)
        has_outliers = bool((labels == -1).any())
        k_fit = fit.proba.shape[1]
        if names is None:
            # order themes by size (largest first), ties by first occurrence: stable ids
            uniq = [c for c in set(labels.tolist()) if c != -1]
            uniq.sort(key=lambda c: (-int((labels == c).sum()), int(np.argmax(labels == c))))
            remap = {old: new for new, old in enumerate(uniq)}
            names = [""] * len(uniq)
            sources = ["model"] * len(uniq)
        else:
            remap = {i: i for i in range(len(names))}
            names, sources = list(names), list(sources or ["model"] * len(names))
        order = sorted(remap, key=remap.get)  # the fit's theme index of each real theme
        n_real = len(names)
        proba = fit.proba[:, order] if k_fit else np.zeros((len(Z), 0))
        anchors = fit.prior[order]
        if has_outliers:
            remap[-1] = n_real
            names.append(OUTLIER_LABEL)
            sources.append("outlier")
        labels = np.array([remap[c] for c in labels.tolist()], dtype=int)
        # confidence: the probability of the input's own theme; none for «Øvrige»
        scores = np.full(len(Z), np.nan)
        real = labels < n_real
        scores[real] = proba[np.flatnonzero(real), labels[real]]
        themes = describe_themes(
            texts, labels, names, sources, scores, top_keywords=self.top_keywords,
            n_representatives=self.n_representatives, Z=Z, X=X, embedder=self.embedder, seed=self.seed,
        )
        self.labels_ = labels
        self.scores_ = scores
        self.proba_ = proba
        self.anchors_ = anchors
        self.themes_ = themes
        self.centroids_ = _centroids(Z, labels, len(names))

    # ------------------------------------------------------------- stability
    def _stability(self, Z: np.ndarray, texts: Sequence[str], rows: np.ndarray | None = None) -> None:
        """Mean best-match Jaccard of each theme across resamples (80 % of units, other seeds).
        ``rows``: ``Z`` holds only these units (the clustering sample of a large corpus)."""
        n = len(Z)
        if n < 10:
            return
        rng = np.random.default_rng(self.seed + 7919)
        k = len([t for t in self.themes_ if t.source != "outlier"])
        labels = self.labels_ if rows is None else self.labels_[rows]
        members = [set(np.flatnonzero(labels == t.id).tolist()) for t in self.themes_]
        totals = np.zeros(len(self.themes_))
        runs = self.stability_runs if n <= 5000 else max(2, self.stability_runs // 4)
        for r in range(runs):
            idx = np.sort(rng.choice(n, int(0.8 * n), replace=False))
            sub = self._cluster_k(Z[idx], min(k, len(idx) - 1), self.seed + r + 1) if k > 1 else np.zeros(len(idx), int)
            groups = [set(idx[sub == c].tolist()) for c in set(sub.tolist())]
            present = set(idx.tolist())
            for t, mem in enumerate(members):
                seen = mem & present
                if not seen:
                    continue
                totals[t] += max(len(seen & g) / len(seen | g) for g in groups)
        for t, theme in enumerate(self.themes_):
            theme.stability = round(float(totals[t] / runs), 3) if theme.source != "outlier" else None


def describe_themes(
    texts: Sequence[str],
    labels: np.ndarray,
    names: Sequence[str],
    sources: Sequence[str],
    scores: np.ndarray,
    *,
    top_keywords: int = 8,
    n_representatives: int = 5,
    taken: set[str] | None = None,
    Z: np.ndarray | None = None,
    X: np.ndarray | None = None,
    embedder: Any = None,
    seed: int = 0,
) -> list[Theme]:
    """Themes for a partition: keywords, a label where ``names`` has none, a description,
    and the most confident members as representatives (quotes).

    A label is first the phrase most typical of the theme's inputs. When few of them
    contain its head word (:data:`~udsatte_nlp.themes.quality.LOW_SUPPORT`) and the
    embedder's vectors ``X`` and the ``embedder`` are given, the label is chosen by meaning
    instead: among the theme's best phrases that enough of its inputs do contain, and the
    Danish theme names of social policy
    (:func:`~udsatte_nlp.themes.labels.theme_vocabulary`), the one nearest the theme's
    centre of those nearer it than any other theme. With the centred vectors ``Z``,
    themes whose inputs do not belong together are flagged ``mixed``.
    """
    from .labels import MEMBER_SAMPLE, _spaced, label_by_meaning, phrase_candidates, theme_vocabulary
    from .quality import LOW_SUPPORT, label_support, mixed_themes

    names_in_text = proper_nouns(texts)
    keywords = theme_keywords(list(texts), np.asarray(labels).tolist(), top_keywords, exclude=names_in_text)
    used = {n.casefold() for n in names if n} | set(taken or ())
    rank = np.where(np.isnan(scores), -1.0, scores)
    real = [c for c, s in enumerate(sources) if s != "outlier"]
    quality = mixed_themes(Z, labels, real, seed=seed) if Z is not None else {}
    raw_centres = None
    if X is not None and embedder is not None:
        raw_centres = _raw_centres(X, np.asarray(labels), real)
    themes = []
    for c, name in enumerate(names):
        members = np.flatnonzero(labels == c)
        order = members[np.argsort(-rank[members], kind="stable")]
        kw = keywords.get(c, [])
        member_texts = [texts[i] for i in order]
        label_source = {"codebook": "codebook", "human": "human"}.get(sources[c], "model")
        label = name
        support = None
        if not label:
            label = make_label(member_texts, texts, kw, taken=used, exclude=names_in_text)
            support = label_support(label, member_texts)
            if support < LOW_SUPPORT and raw_centres is not None and c in real:
                # the members' own phrases compete only where they are better carried than the label
                # (a phrase's share estimated in a sample of a large theme, as its count is)
                sample = _spaced(member_texts, MEMBER_SAMPLE)
                phrases = [p for p in phrase_candidates(member_texts, texts, exclude=names_in_text)
                           if p.casefold() != label.casefold() and label_support(p, sample) >= LOW_SUPPORT]
                vocabulary = list(theme_vocabulary())
                better = label_by_meaning(real.index(c), raw_centres, phrases + vocabulary, embedder, taken=used)
                if better and better.casefold() != label.casefold():
                    label = better
                    label_source = "vocabulary" if better in vocabulary else "meaning"
                    support = None
        used.add(label.casefold())
        within, mixed = quality.get(c, (None, False))
        themes.append(
            Theme(
                id=c,
                label=label,
                keywords=kw,
                description=describe(label, kw, len(members), len(texts)) if sources[c] != "codebook" else "",
                size=len(members),
                representatives=order[:n_representatives].tolist(),
                source=sources[c],
                label_source=label_source,
                label_support=None if sources[c] == "outlier" else (
                    support if support is not None else label_support(label, member_texts)),
                coherence=None if within is None or within != within else round(float(within), 4),
                mixed=mixed,
            )
        )
    return themes


def _raw_centres(X: np.ndarray, labels: np.ndarray, themes: Sequence[int]) -> np.ndarray:
    """The mean of each theme's unit vectors as the embedder gives them (zero for an empty theme)."""
    if work_dtype(np.shape(X)) == np.float64:
        Xu = np.asarray(X, dtype=np.float64)
        Xu = Xu / np.maximum(np.linalg.norm(Xu, axis=1, keepdims=True), 1e-12)
        return np.vstack([
            Xu[labels == c].mean(axis=0) if (labels == c).any() else np.zeros(Xu.shape[1]) for c in themes
        ])
    k = int(max(themes, default=-1)) + 1
    sums, counts = group_sums(X, labels, k, unit=True)  # chunk by chunk: no copy of X
    return np.vstack([sums[c] / counts[c] if counts[c] else np.zeros(X.shape[1]) for c in themes])


def _place_nonempty(Z: np.ndarray, anchors: np.ndarray) -> tuple[Placement, np.ndarray]:
    """:func:`place` with the clusters' centres as priors, dropping a theme the mixture
    leaves without inputs (its inputs fit others better). Returns the fit and labels."""
    while True:
        fit = place(Z, anchors)
        used = np.unique(fit.labels)
        if len(used) == len(anchors) or len(used) == 0:
            return fit, fit.labels.copy()
        anchors = anchors[used]


def _centroids(Z: np.ndarray, labels: np.ndarray, k: int | None = None) -> np.ndarray:
    k = int(labels.max()) + 1 if k is None else k
    return _unit(group_means(Z, labels, k))


def _refine(Z: np.ndarray, anchor: np.ndarray, iterations: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Assign to the nearest theme centre; move each centre towards its confident members
    (the upper half by similarity), always anchored to the codebook's own description."""
    C = anchor.copy()
    for _ in range(iterations):
        sims = Z @ C.T
        labels = np.argmax(sims, axis=1)
        best = sims[np.arange(len(Z)), labels]
        new = []
        for i in range(len(C)):
            own = best[labels == i]
            if len(own) == 0:
                new.append(anchor[i])
                continue
            confident = Z[(labels == i) & (best >= np.quantile(own, 0.5))]
            new.append(anchor[i] + 0.5 * confident.mean(axis=0) / max(np.linalg.norm(confident.mean(axis=0)), 1e-9))
        C = _unit(np.vstack(new))
    sims = Z @ C.T
    return np.argmax(sims, axis=1), sims
