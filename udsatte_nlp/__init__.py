"""udsatte-nlp: themes in Danish workshop input, from files to a report.

The library is a chain of plain functions and small objects::

    read(path) -> Document -> clean_text -> segment -> embed -> ThemeModel -> ProjectStore -> export

Heavy dependencies (spaCy, scikit-learn, the embedding models) are imported
lazily, so ``import udsatte_nlp`` is cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "read": "udsatte_nlp.ingest",
    "clean_text": "udsatte_nlp.clean",
    "segment": "udsatte_nlp.segment",
    "load_embedder": "udsatte_nlp.embed",
    "ThemeModel": "udsatte_nlp.themes",
    "load_codebook": "udsatte_nlp.themes",
    "ProjectStore": "udsatte_nlp.store",
    "analyze": "udsatte_nlp.pipeline",
    "ingest_files": "udsatte_nlp.pipeline",
    "UdsatteError": "udsatte_nlp.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
