"""Word-level alignment of an original text with its cleaned version.

Used to show the cleaner's changes side by side (review app) and to find where
a correction the cleaner made ended up in the cleaned text (reverting it).

>>> diff_segments("fprste hgring", "første høring")
[('change', 'fprste', 'første'), ('equal', ' ', ' '), ('change', 'hgring', 'høring')]
>>> [(k, a0, b0) for k, a0, _a, b0, _b in aligned_segments("a  b", "a b")]
[('equal', 0, 0), ('space', 1, 1), ('equal', 3, 2)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

__all__ = ["diff_segments", "change_kind", "aligned_segments"]

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def diff_segments(original: str, cleaned: str, *, max_tokens: int = 4000) -> list[tuple[str, str, str]]:
    """Align two texts as ``(kind, original_part, cleaned_part)``.

    ``kind`` is ``"equal"``, ``"space"`` (only whitespace differs) or
    ``"change"``. Lines are aligned first, then words within changed blocks,
    so long documents stay fast. Joining the parts gives back each text.
    """
    a_lines = original.splitlines(keepends=True)
    b_lines = cleaned.splitlines(keepends=True)
    out: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        a, b = "".join(a_lines[i1:i2]), "".join(b_lines[j1:j2])
        if tag == "equal":
            out.append(("equal", a, b))
            continue
        ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
        if len(ta) + len(tb) > max_tokens:
            out.append(change_kind(a, b))
            continue
        for t2, k1, k2, l1, l2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
            pa, pb = "".join(ta[k1:k2]), "".join(tb[l1:l2])
            out.append(("equal", pa, pb) if t2 == "equal" else change_kind(pa, pb))
    merged: list[tuple[str, str, str]] = []
    for seg in out:
        if merged and merged[-1][0] == seg[0]:
            k, a, b = merged[-1]
            merged[-1] = (k, a + seg[1], b + seg[2])
        elif seg[1] or seg[2]:
            merged.append(seg)
    return merged


def change_kind(a: str, b: str) -> tuple[str, str, str]:
    """``("space", a, b)`` when only whitespace differs, else ``("change", a, b)``."""
    return ("space" if "".join(a.split()) == "".join(b.split()) else "change", a, b)


def aligned_segments(original: str, cleaned: str) -> Iterator[tuple[str, int, str, int, str]]:
    """:func:`diff_segments` with positions: ``(kind, start_in_original, part, start_in_cleaned, part)``."""
    a_pos = b_pos = 0
    for kind, a, b in diff_segments(original, cleaned):
        yield kind, a_pos, a, b_pos, b
        a_pos += len(a)
        b_pos += len(b)
