"""The embedding cache: vectors live in the project store, keyed by ``(embedder.name, text hash)``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .base import Embedder

__all__ = ["embed_cached"]


def embed_cached(
    store: object,
    embedder: Embedder,
    texts: Sequence[str],
    hashes: Sequence[str],
    *,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, computing only those not cached in ``store``.

    The cache key is ``(embedder.name, hash)``; a text that occurs twice is
    embedded once. Returns ``(matrix, n_computed)``. New vectors are written to
    the store after every ``batch_size`` texts (default: the embedder's own
    ``batch_size``, else 256), so an interrupted run keeps what it computed.

    The float32 matrix is filled in place as cached vectors are read and new ones
    computed, so memory holds the vectors once (not a vector object per input too).
    """
    if len(texts) != len(hashes):
        raise ValueError("texts and hashes must have the same length")
    if batch_size is None:
        batch_size = max(int(getattr(embedder, "batch_size", 0) or 0), 256)
    n = len(hashes)
    first: dict[str, int] = {}  # each distinct hash → its first row
    for i, h in enumerate(hashes):
        first.setdefault(h, i)
    out: np.ndarray | None = None
    done_rows = np.zeros(n, dtype=bool)
    for block, V in store.embedding_blocks(embedder.name, first):  # type: ignore[attr-defined]
        if out is None:
            out = np.empty((n, V.shape[1]), dtype=np.float32)
        rows = np.fromiter((first[h] for h in block), dtype=np.int64, count=len(block))
        out[rows] = V
        done_rows[rows] = True
    todo = [h for h, i in first.items() if not done_rows[i]]
    done = 0
    for a in range(0, len(todo), batch_size):
        chunk = todo[a : a + batch_size]
        vectors = np.asarray(embedder.encode([texts[first[h]] for h in chunk]))
        store.put_embeddings(embedder.name, dict(zip(chunk, vectors, strict=True)))  # type: ignore[attr-defined]
        if out is None:
            out = np.empty((n, vectors.shape[1]), dtype=np.float32)
        out[[first[h] for h in chunk]] = vectors
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    if not hashes:
        return np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32), 0
    assert out is not None
    repeats = np.array([i for i, h in enumerate(hashes) if first[h] != i], dtype=np.int64)
    if len(repeats):  # a text that occurs again gets the vector of its first occurrence
        out[repeats] = out[np.array([first[hashes[i]] for i in repeats], dtype=np.int64)]
    return out, len(todo)
