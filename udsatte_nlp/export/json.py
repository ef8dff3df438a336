"""JSON export: the whole :class:`~udsatte_nlp.export.summary.Summary` as data.

The layout is described by the JSON Schema in ``udsatte_nlp/data/summary.schema.json``
(:func:`schema` loads it); the document's ``schema`` field names its ``$id``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .summary import Summary


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of the export (draft 2020-12)."""
    from importlib.resources import files

    return json.loads((files("udsatte_nlp") / "data" / "summary.schema.json").read_text(encoding="utf-8"))


def write(summary: Summary, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(summary.to_dict(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
