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
    """
    if len(texts) != len(hashes):
        raise ValueError("texts and hashes must have the same length")
    if batch_size is None:
        batch_size = max(int(getattr(embedder, "batch_size", 0) or 0), 256)
    cached = store.get_embeddings(embedder.name, hashes)  # type: ignore[attr-defined]
    todo: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in cached and h not in todo:
            todo[h] = t
    items = list(todo.items())
    done = 0
    for i in range(0, len(items), batch_size):
        chunk = items[i : i + batch_size]
        vectors = embedder.encode([t for _, t in chunk])
        new = {h: v for (h, _), v in zip(chunk, vectors, strict=True)}
        store.put_embeddings(embedder.name, new)  # type: ignore[attr-defined]
        cached.update(new)
        done += len(chunk)
        if progress:
            progress(done, len(items))
    if not hashes:
        return np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32), 0
    return np.stack([cached[h] for h in hashes]).astype(np.float32, copy=False), len(items)
