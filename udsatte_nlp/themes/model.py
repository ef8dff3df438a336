"""ThemeModel: themes from unit vectors, unsupervised or guided by a codebook.

Follows scikit-learn conventions: ``__init__`` only stores parameters, ``fit``
returns ``self`` and sets ``labels_`` (theme index per unit), ``scores_``
(confidence per unit, cosine similarity to its theme's centre) and
``themes_`` (a list of :class:`~udsatte_nlp.records.Theme`).

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
from .codebook import CodebookTheme
from .labels import make_label, theme_keywords

__all__ = ["ThemeModel", "OUTLIER_LABEL"]

OUTLIER_LABEL = "Øvrige"


def _unit(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    n = np.linalg.norm(X, axis=1, keepdims=True)
    n[n == 0] = 1
    return X / n


class ThemeModel:
    """Find themes in embedded units.

    Parameters
    ----------
    n_themes:
        Number of themes; ``None`` chooses it from the data (silhouette over a range).
    codebook:
        Themes given by staff; inputs are assigned to them and keep their names.
    embedder:
        Needed with a codebook, to embed the themes' names, descriptions and examples.
    seed:
        Random seed; the same data and seed give the same themes.
    min_themes, max_themes:
        The range searched when ``n_themes`` is None.
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        codebook: Sequence[CodebookTheme] | None = None,
        embedder: Any = None,
        seed: int = 0,
        min_themes: int = 2,
        max_themes: int = 12,
        top_keywords: int = 8,
        n_representatives: int = 5,
    ):
        self.n_themes = n_themes
        self.codebook = codebook
        self.embedder = embedder
        self.seed = seed
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.top_keywords = top_keywords
        self.n_representatives = n_representatives

    # ------------------------------------------------------------------ fit
    def fit(self, X: np.ndarray, texts: Sequence[str]) -> ThemeModel:
        X = _unit(X)
        if len(X) != len(texts):
            raise ValueError("X and texts must have the same length")
        if len(X) == 0:
            raise ConfigError("Der er ingen input at finde temaer i", hint="Tjek at filerne indeholder tekst")
        if self.n_themes is not None and self.n_themes < 1:
            raise ConfigError("Antallet af temaer skal være mindst 1", hint="Brug fx --themes 6")
        if self.codebook:
            labels, names, sources = self._fit_guided(X, texts)
        else:
            labels = self._cluster(X)
            names, sources = None, None
        self._finish(X, texts, labels, names, sources)
        return self

    def fit_predict(self, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        return self.fit(X, texts).labels_

    # ------------------------------------------------------------ clustering
    def _cluster(self, X: np.ndarray) -> np.ndarray:
        n = len(X)
        if n < 3:
            return np.zeros(n, dtype=int)
        if self.n_themes is not None:
            return self._cluster_k(X, min(self.n_themes, n))
        hi = max(self.min_themes, min(self.max_themes, n // 4))
        best, best_score = None, -np.inf
        from sklearn.metrics import silhouette_score

        sample = None
        if n > 3000:
            sample = np.random.default_rng(self.seed).choice(n, 3000, replace=False)
        for k in range(self.min_themes, hi + 1):
            labels = self._cluster_k(X, k)
            if len(set(labels.tolist())) < 2:
                continue
            idx = sample if sample is not None else slice(None)
            score = silhouette_score(X[idx], labels[idx], metric="cosine")
            if score > best_score + 1e-9:
                best, best_score = labels, score
        return best if best is not None else np.zeros(n, dtype=int)

    def _cluster_k(self, X: np.ndarray, k: int) -> np.ndarray:
        if k <= 1:
            return np.zeros(len(X), dtype=int)
        if len(X) <= 2000:
            from sklearn.cluster import AgglomerativeClustering

            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X)
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=4, random_state=self.seed).fit_predict(X)

    # ---------------------------------------------------------------- guided
    def _fit_guided(self, X: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, list[str], list[str]]:
        if self.embedder is None:
            raise ValueError("a codebook needs an embedder to embed the theme descriptions")
        cb = list(self.codebook or [])
        prompts: list[str] = []
        owner: list[int] = []
        for i, theme in enumerate(cb):
            for p in theme.prompts():
                prompts.append(p)
                owner.append(i)
        P = _unit(self.embedder.encode(prompts))
        owner_arr = np.array(owner)
        C = _unit(np.vstack([P[owner_arr == i].mean(axis=0) for i in range(len(cb))]))
        anchor = C.copy()
        labels = np.argmax(X @ C.T, axis=1)
        # refine the centres from confident members, anchored to the codebook's own text
        for _ in range(5):
            sims = X @ C.T
            labels = np.argmax(sims, axis=1)
            best = sims[np.arange(len(X)), labels]
            new_c = []
            for i in range(len(cb)):
                members = best[labels == i]
                if len(members) == 0:
                    new_c.append(anchor[i])
                    continue
                cut = np.quantile(members, 0.5)
                conf = X[(labels == i) & (best >= cut)]
                new_c.append(anchor[i] + conf.mean(axis=0))
            C = _unit(np.vstack(new_c))
        names = [t.name for t in cb]
        return labels, names, ["codebook"] * len(cb)

    # ---------------------------------------------------------------- finish
    def _finish(
        self,
        X: np.ndarray,
        texts: Sequence[str],
        labels: np.ndarray,
        names: list[str] | None,
        sources: list[str] | None,
    ) -> None:
        labels = np.asarray(labels, dtype=int)
        if names is None:
            # order themes by size (largest first), ties by first occurrence: stable ids
            uniq = sorted(set(labels.tolist()), key=lambda c: (-int((labels == c).sum()), int(np.argmax(labels == c))))
            remap = {old: new for new, old in enumerate(uniq)}
            labels = np.array([remap[c] for c in labels.tolist()], dtype=int)
            n_themes = len(uniq)
        else:
            n_themes = len(names)
        centroids = np.zeros((n_themes, X.shape[1]))
        for c in range(n_themes):
            if (labels == c).any():
                centroids[c] = X[labels == c].mean(axis=0)
        centroids = _unit(centroids)
        scores = np.einsum("ij,ij->i", X, centroids[labels])
        keywords = theme_keywords(list(texts), labels.tolist(), self.top_keywords)
        themes = []
        for c in range(n_themes):
            members = np.flatnonzero(labels == c)
            order = members[np.argsort(-scores[members], kind="stable")]
            kw = keywords.get(c, [])
            themes.append(
                Theme(
                    id=c,
                    label=names[c] if names else make_label(kw),
                    keywords=kw,
                    size=len(members),
                    representatives=order[: self.n_representatives].tolist(),
                    source=sources[c] if sources else "model",
                )
            )
        self.labels_ = labels
        self.scores_ = np.clip(scores, -1.0, 1.0)
        self.themes_ = themes
        self.centroids_ = centroids
