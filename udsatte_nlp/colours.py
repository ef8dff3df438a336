"""One colour per theme, the same in the app and in every report.

A theme's colour follows from its id, not from its place in a list, so renaming,
moving, merging or splitting other themes leaves it as it was: each theme takes
the palette colour of its id, or the next free one when an older theme has it.
«Øvrige» is grey; no other theme ever is.

>>> theme_colours([{"id": 1, "is_outlier": False}, {"id": 2, "is_outlier": True}])
{1: '#2f6f8f', 2: '#b8b8b8'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["PALETTE", "OUTLIER_COLOUR", "theme_colours"]

PALETTE = [
    "#2f6f8f", "#e07b39", "#4c9a52", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#2a9d8f",
    "#ccb974", "#64b5cd", "#6b4c9a", "#b5651d", "#3b7d3b", "#9c2f45", "#5470c6", "#91cc75",
]
OUTLIER_COLOUR = "#b8b8b8"


def _get(theme: Any, key: str) -> Any:
    return theme[key] if isinstance(theme, dict) else getattr(theme, key)


def theme_colours(themes: Iterable[Any]) -> dict[int, str]:
    """``{theme id: colour}`` for themes given as dicts or objects with ``id`` and ``is_outlier``."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for t in sorted(themes, key=lambda t: int(_get(t, "id"))):
        tid = int(_get(t, "id"))
        if _get(t, "is_outlier"):
            out[tid] = OUTLIER_COLOUR
            continue
        start = (tid - 1) % len(PALETTE)
        free = [PALETTE[(start + k) % len(PALETTE)] for k in range(len(PALETTE))]
        colour = next((c for c in free if c not in used), PALETTE[start])
        out[tid] = colour
        used.add(colour)
    return out
