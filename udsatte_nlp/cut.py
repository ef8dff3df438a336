"""Cut run-on text into readable inputs of at most :data:`MAX_UNIT_WORDS` words.

Speech-to-text transcripts, dictated notes and OCR without full stops arrive as
one "sentence" of thousands of words: useless as an input (one theme for all of
it) and slow to embed. :func:`cut_spans` cuts such a passage at the strongest
boundaries it has, in this order:

1. ``sentence``: a ``.``/``!``/``?`` that the sentence splitter did not take
   (it needs an upper-case letter after it; transcripts are often lower case),
   never after an abbreviation (:data:`udsatte_nlp.lang.ABBREVIATIONS`);
2. ``line``: a line break of the source;
3. ``comma``: after ``,`` ``;`` ``:``;
4. ``clause``: before a conjunction that opens a clause (:data:`CLAUSE_WORDS`);
5. ``og``: before the coordinators ``og`` and ``eller``, which also join
   single words (``mad og tøj``) and so come after the clause words;
6. ``length``: into equal parts.

A passage is cut at every boundary of the first level it has; the pieces are
then put back together, left to right, while they stay within
:data:`TARGET_WORDS` words (so no fragment such as ``men nej`` stands alone),
and a piece still longer than :data:`MAX_UNIT_WORDS` is cut at the next level.
Text of at most :data:`MAX_UNIT_WORDS` words is never cut.

>>> text = " ".join(["vi mangler boliger og job til dem der kommer ud af behandling fordi de ellers falder"] * 8)
>>> [(level, len(text[s:e].split())) for s, e, level in cut_spans(text)]
[('clause', 28), ('clause', 32), ('clause', 32), ('clause', 36)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection

__all__ = ["CLAUSE_WORDS", "COORDINATORS", "LEVELS", "MAX_UNIT_WORDS", "TARGET_WORDS", "cut_spans"]

MAX_UNIT_WORDS = 100  # no input is longer (a long sentence stays whole up to here)
TARGET_WORDS = 40  # the pieces of a cut passage are put together up to this length
MIN_TAIL_WORDS = 8  # a shorter last piece joins the one before it

# Danish conjunctions that open a clause, by the word classes of Den Danske Ordbog and
# Retskrivningsordbogen (Dansk Sprognævn): coordinators (sideordningsbindeord) "men" and
# "så", and subordinators (underordningsbindeord). Left out on purpose, because they are
# just as often something else: "at" (also the infinitive marker), "om", "for", "før",
# "efter", "siden", "til" (prepositions), "som", "end" (comparisons and relative clauses
# that belong to the word before them), "samt" (joins nouns), "både"/"enten" (paired).
CLAUSE_WORDS: frozenset[str] = frozenset(
    """
    men så fordi hvis når da mens selvom skønt eftersom idet medmindre indtil dersom
    såfremt uanset ligesom hvorimod
    """.split()
)
# Coordinators that join clauses and single words alike ("mad og tøj"): a weaker boundary.
COORDINATORS: frozenset[str] = frozenset({"og", "eller"})

LEVELS = ("sentence", "line", "comma", "clause", "og", "length")

_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)]*$")
_COMMA_END = re.compile(r"[,;:]['\"”’»)]*$")
_ORDINAL = re.compile(r"^\d+\.$")


def _is_abbreviation(token: str) -> bool:
    from .lang import ABBREVIATIONS

    core = token.rstrip("'\"”’»)").rstrip(".").lower().lstrip("(\"“„«'")
    return core in ABBREVIATIONS or len(core) <= 1


def _boundaries(tokens: list[str], starts: list[int], level: str, line_starts: Collection[int]) -> list[int]:
    """Token indices before which ``level`` allows a cut (never 0)."""
    n = len(tokens)
    if level == "sentence":
        return [
            i
            for i in range(1, n)
            if _SENTENCE_END.search(tokens[i - 1]) and not _ORDINAL.match(tokens[i - 1])
            and not _is_abbreviation(tokens[i - 1])
        ]
    if level == "line":
        return [i for i in range(1, n) if starts[i] in line_starts]
    if level == "comma":
        return [i for i in range(1, n) if _COMMA_END.search(tokens[i - 1])]
    words = CLAUSE_WORDS if level == "clause" else COORDINATORS
    return [i for i in range(1, n) if _EDGE.sub("", tokens[i]).lower() in words]


def _cut(
    tokens: list[str], starts: list[int], lo: int, hi: int, level: int, line_starts: Collection[int]
) -> list[tuple[int, int, str]]:
    """Token ranges ``[lo, hi)`` cut into pieces of at most MAX_UNIT_WORDS, with the level that made each."""
    if hi - lo <= MAX_UNIT_WORDS:
        return [(lo, hi, "")]
    name = LEVELS[level]
    if name == "length":
        k = math.ceil((hi - lo) / TARGET_WORDS)
        edges = [lo + round(j * (hi - lo) / k) for j in range(k + 1)]
        return [(a, b, name) for a, b in zip(edges, edges[1:], strict=False)]
    cuts = [lo + i for i in _boundaries(tokens[lo:hi], starts[lo:hi], name, line_starts)]
    if not cuts:
        return _cut(tokens, starts, lo, hi, level + 1, line_starts)
    pieces: list[tuple[int, int, str]] = []
    open_lo: int | None = None  # start of the piece being put together
    for a, b in zip([lo, *cuts], [*cuts, hi], strict=True):
        if b - a > MAX_UNIT_WORDS:
            if open_lo is not None and a - open_lo < MIN_TAIL_WORDS:
                a = open_lo  # a few words before a long stretch go with it, not alone
            elif open_lo is not None:
                pieces.append((open_lo, a, name))
            open_lo = None
            pieces.extend(_cut(tokens, starts, a, b, level + 1, line_starts))
            continue
        if open_lo is None:
            open_lo = a
        elif b - open_lo > TARGET_WORDS and not (a - open_lo < MIN_TAIL_WORDS and b - open_lo <= MAX_UNIT_WORDS):
            pieces.append((open_lo, a, name))  # full: a short piece still takes the next one
            open_lo = a
    if open_lo is not None:
        pieces.append((open_lo, hi, name))
    if len(pieces) > 1:
        (a1, b1, l1), (a2, b2, _l2) = pieces[-2], pieces[-1]
        if b2 - a2 < MIN_TAIL_WORDS and b2 - a1 <= MAX_UNIT_WORDS and b1 == a2:
            pieces[-2:] = [(a1, b2, l1)]
    return pieces


def cut_spans(text: str, line_starts: Collection[int] = ()) -> list[tuple[int, int, str]]:
    """``(start, end, level)`` character spans of ``text`` cut into readable pieces.

    ``line_starts`` are offsets in ``text`` where a source line began (the text
    is the lines joined by spaces). ``level`` is one of :data:`LEVELS` (the kind
    of boundary the piece was cut at), or ``""`` when ``text`` was short enough
    to stay whole: then the one span covers the text without its outer spaces.
    """
    matches = list(_TOKEN.finditer(text))
    if not matches:
        return []
    tokens = [m.group(0) for m in matches]
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    line_starts = frozenset(line_starts)
    return [(starts[a], ends[b - 1], level) for a, b, level in _cut(tokens, starts, 0, len(tokens), 0, line_starts)]
