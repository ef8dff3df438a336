"""What kind of document a note is: *plancher*, *dialogmøde*, *opsamling* or *notat*.

Yearly comparisons are only fair between like documents: a year whose input
comes from a budget *notat* cannot be compared word for word with years of
*dialogmøde* summaries. :func:`document_kind` infers the kind from what any
reader would look at, in this order:

1. **format and name**: one input per spreadsheet row is raw workshop input,
   *plancher*, and so is a file whose name or title says *planche*, *post-it*
   or *flipover*; a name or title that names a genre (*dialogmøde*,
   *opsamling*, *referat*, *notat*, *forslag*, *høringssvar* …) decides next;
2. **structure**: a document that is almost only short bullets or post-its is
   *plancher*;
3. **genre words**, weighted by where they stand (file name and title count
   3, headings 2, the body 1): the vocabulary of a written account of a
   meeting (*opsamling*, *referat*, *mødet*, *deltog*, *oplæg*,
   *gruppearbejde*, *fortalte*, *drøftede* …) against that of a memo or
   proposal (*notat*, *forslag*, *foreslår*, *bør*, *anbefaler*,
   *høringssvar*, *budget* …). An account of a meeting is a *dialogmøde*
   when it names one, otherwise an *opsamling*; everything else in prose is a
   *notat*.

The words are general Danish genre markers (they match inflected forms and
compounds: *dialogmødet*, *temamøde*), not phrases of particular documents.

>>> document_kind("2023/referat.docx", None, "docx", ["Mødet blev holdt i Odense, og 40 deltog."])
'opsamling'
>>> document_kind("input.xlsx", None, "xlsx", ["Flere boliger"] * 5, ["row"] * 5)
'plancher'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from statistics import median
from typing import Any

__all__ = ["KINDS", "document_kind", "document_kinds"]

#: The kinds, in the order they are listed.
KINDS = ("dialogmøde", "opsamling", "notat", "plancher")

_PLANCHER = ("planche", "postit", "post-it", "flipover", "flip-over", "gulseddel", "gulesedler")
# Word stems (matched at the start of a word, after ASCII folding) that mark a written account of a meeting.
_MEETING = (
    "opsamling", "referat", "sammenfatning", "moedet", "moederne", "deltog", "deltagerne", "deltagere", "oplaeg",
    "workshop", "gruppearbejd", "borddiskussion", "plenum", "velkom", "frokost", "fortalte", "droeftede",
    "diskuterede", "praesenterede", "dagens", "programmet", "aarets moede",
)  # fmt: skip
# Stems that mark a memo, proposal or consultation response.
_NOTAT = (
    "notat", "forslag", "foreslaa", "hoeringssvar", "hoering", "anbefal", "boer", "budget", "kommissorium",
    "redegoerelse", "udspil", "indstilling", "indstiller", "vedtage", "afsaettes", "beslutningsgrundlag",
)  # fmt: skip
_DIALOG = "dialogmoede"
# The names of the genres themselves, which decide when a file name or title carries them.
_MEETING_NAMES = ("opsamling", "referat", "sammenfatning")
_NOTAT_NAMES = ("notat", "forslag", "hoeringssvar", "redegoerelse", "udspil", "indstilling", "kommissorium")

_WORD = re.compile(r"[\w-]+")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})
_RAW_UNITS = ("row", "bullet", "postit", "numbered")
#: Spreadsheet formats hold one input per row: raw input, never an account of it.
_TABLE_FORMATS = ("csv", "xlsx", "xls", "tsv")


def _fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _hits(words: list[str], stems: Iterable[str]) -> int:
    text = " ".join(words)
    n = 0
    for stem in stems:
        if " " in stem:
            n += text.count(stem)
        else:
            n += sum(1 for w in words if w.startswith(stem))
    return n


def _dialog(words: list[str]) -> int:
    return sum(1 for w in words if _DIALOG in w)


def document_kind(
    name: str,
    title: str | None,
    fmt: str,
    texts: Sequence[str],
    unit_kinds: Sequence[str] | None = None,
    headings: Sequence[str] = (),
) -> str:
    """The kind of one document (a value of :data:`KINDS`).

    ``name`` is its file name, ``title`` its title, ``fmt`` its format
    (``txt``, ``docx``, ``xlsx`` …), ``texts`` its inputs in order,
    ``unit_kinds`` their kinds (``row``, ``bullet``, ``sentence`` …) and
    ``headings`` the headings they stand under.
    """
    head = _words(f"{re.sub(r'[._]', ' ', name)} {title or ''}")
    heads = _words(" ".join(dict.fromkeys(h for h in headings if h)))
    body = _words(" ".join(texts))
    if _hits(head, _PLANCHER) or fmt.lower() in _TABLE_FORMATS:
        return "plancher"
    # What the name or title says it is comes before how it looks (an opsamling may be all bullets).
    if _dialog(head):
        return "dialogmøde"
    if _hits(head, _MEETING_NAMES):
        return "dialogmøde" if _dialog(heads) + _dialog(body) else "opsamling"
    if _hits(head, _NOTAT_NAMES):
        return "notat"
    kinds = list(unit_kinds or [])
    if kinds and texts:
        raw = sum(1 for k in kinds if k in _RAW_UNITS) / len(kinds)
        if raw >= 2 / 3 and median(len(t.split()) for t in texts) <= 12:
            return "plancher"

    def score(stems: Iterable[str], dialog: bool = False) -> float:
        stems = tuple(stems)
        extra = (lambda ws: _dialog(ws)) if dialog else (lambda ws: 0)
        return 3 * (_hits(head, stems) + extra(head)) + 2 * (_hits(heads, stems) + extra(heads)) + _hits(body, stems)

    meeting = score(_MEETING, dialog=True) + _dialog(body)
    memo = score(_NOTAT)
    if meeting > memo:
        named = _dialog(head) + _dialog(heads) + _dialog(body)
        return "dialogmøde" if named else "opsamling"
    return "notat"


def document_kinds(summary: Any) -> dict[str, str]:
    """``{document name: kind}`` for every document of a :class:`~udsatte_nlp.export.Summary`."""
    texts: dict[str, list[str]] = {}
    kinds: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    for u in summary.units:
        texts.setdefault(u["document"], []).append(u.get("text") or "")
        kinds.setdefault(u["document"], []).append(u.get("kind") or "")
        heads.setdefault(u["document"], []).append(u.get("section") or "")
    return {
        d.name: document_kind(d.name, d.title, d.format or "", texts.get(d.name, []), kinds.get(d.name, []),
                              heads.get(d.name, []))  # fmt: skip
        for d in summary.documents
    }
