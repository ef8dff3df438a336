"""The only module that imports BERTopic.

BERTopic is used with every sub-model built explicitly and the embeddings passed
in (it never loads or downloads an embedding model), with the Danish keyword
analyzer in its vectoriser:

* :func:`cluster_with_bertopic`: UMAP + HDBSCAN for large corpora (``engine="bertopic"``),
  seeded, with outliers reassigned to the nearest theme;
* :func:`manual_keywords`: BERTopic's manual mode (labels given, e.g. by a human),
  to recompute theme keywords from the human's assignments;
* :func:`bertopic_defaults`: BERTopic with its default sub-models on the same
  embeddings, the baseline in ``benchmarks/themes.py``.

Importing BERTopic takes several seconds (it pulls in torch, UMAP and numba), so
the default engine does not use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _embedder():
    """Stands in for BERTopic's embedding model: embeddings are always passed in."""
    from bertopic.backend import BaseEmbedder

    class NoEmbedder(BaseEmbedder):
        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:  # pragma: no cover
            raise RuntimeError("udsatte-nlp passes embeddings to BERTopic; it must never embed by itself")

    return NoEmbedder()


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    from .labels import keyword_analyzer

    return CountVectorizer(analyzer=keyword_analyzer())


def cluster_with_bertopic(Z: np.ndarray, texts: Sequence[str], *, n_themes: int | None, seed: int) -> np.ndarray:
    """Theme labels from BERTopic with explicit UMAP (seeded) + HDBSCAN; every unit gets a theme."""
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from umap import UMAP

    n = len(texts)
    model = BERTopic(
        embedding_model=_embedder(),
        umap_model=UMAP(n_neighbors=min(15, n - 1), n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
        hdbscan_model=HDBSCAN(min_cluster_size=max(5, n // 100), min_samples=5, metric="euclidean"),
        vectorizer_model=_vectorizer(),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        nr_topics=n_themes,
        calculate_probabilities=False,
        verbose=False,
    )
    topics = np.asarray(model.fit_transform(list(texts), embeddings=np.asarray(Z, dtype=np.float32))[0])
    if (topics >= 0).any() and (topics < 0).any():
        ids = sorted(set(topics[topics >= 0].tolist()))
        C = np.vstack([Z[topics == t].mean(axis=0) for t in ids])
        C /= np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
        out = topics < 0
        topics[out] = np.array(ids)[np.argmax(Z[out] @ C.T, axis=1)]
    elif not (topics >= 0).any():
        topics[:] = 0
    return topics


def manual_keywords(texts: Sequence[str], labels: Sequence[int], top_n: int = 8) -> dict[int, list[str]]:
    """Keywords per given label through BERTopic's manual mode (no clustering, no reduction)."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer

    model = BERTopic(
        embedding_model=_embedder(),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=_vectorizer(),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=False),
        top_n_words=top_n,
        verbose=False,
    )
    y = np.asarray(labels)
    model.fit(list(texts), embeddings=np.zeros((len(texts), 2), dtype=np.float32), y=y)
    out: dict[int, list[str]] = {}
    for label in sorted(set(y.tolist())):
        # manual mode keeps the given labels as topic ids (mapped in topic_mapper_)
        words = model.get_topic(int(label)) or []
        out[int(label)] = [w for w, score in words if w and score > 0][:top_n]
    return out


def bertopic_defaults(X: np.ndarray, texts: Sequence[str], seed: int = 0) -> np.ndarray:
    """BERTopic with its default sub-models on precomputed embeddings (the benchmark baseline).

    Only UMAP's seed is fixed, so that the baseline is reproducible; -1 is BERTopic's outlier class.
    """
    from bertopic import BERTopic
    from umap import UMAP

    model = BERTopic(
        embedding_model=_embedder(),
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
    )
    topics, _ = model.fit_transform(list(texts), embeddings=np.asarray(X, dtype=np.float32))
    return np.asarray(topics)
