"""Where a reverted cleaner correction lands in the inputs, and their text with it undone.

A :class:`~udsatte_nlp.records.Correction`'s ``start`` is a position in the text
that *its own cleaning step* was given, so it cannot be used in the cleaned
text directly. Instead the document's original and cleaned texts are aligned
word by word (:func:`~udsatte_nlp.textdiff.aligned_segments`); a correction
``before → after`` is found among the changed places whose original side holds
``before`` and whose cleaned side holds ``after``. When a document has as many
such places as corrections with that ``before → after``, the n-th correction is
the n-th place; otherwise the place nearest the correction's own position wins.

``documents.clean_text`` stays the cleaner's output, and a unit's
``char_start``/``char_end`` stay positions in it: an input's text is that span
(whitespace collapsed for table rows) with every reverted correction inside it undone. A
correction in text that is no input (a removed page header, say) changes no
input; only its mark changes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..textdiff import aligned_segments

__all__ = ["locate_corrections", "locate_suggestion", "unit_texts"]


def _key(row: Any) -> tuple[str, str]:
    return row["before"].strip(), row["after"].strip()


def _occurrences(text: str, part: str) -> list[int]:
    out, i = [], text.find(part)
    while i >= 0:
        out.append(i)
        i = text.find(part, i + len(part))
    return out


def locate_corrections(raw_text: str, clean_text: str, corrections: list[Any]) -> dict[int, tuple[int, int, str]]:
    """``{correction id: (start, end, original)}``: the span of the cleaned text that
    each correction produced and the original text to put back there.

    Corrections that cannot be placed (their text was changed again or removed by a
    later step) are left out.
    """
    places: dict[tuple[str, str], list[tuple[int, int, int, str]]] = defaultdict(list)
    wanted = {_key(c) for c in corrections}
    for kind, a0, a, b0, b in aligned_segments(raw_text, clean_text):
        if kind == "equal":
            continue
        for before, after in wanted:
            if (before and before not in a) or (after and after not in b) or (not after and b.strip()):
                continue
            # a long changed block can hold several: pair the n-th ``before`` with the n-th ``after``
            in_a = _occurrences(a, before) if before else [0]
            in_b = _occurrences(b, after) if after else [0]
            for i, j in zip(in_a, in_b):
                places[(before, after)].append((a0 + i, b0 + j, b0 + j + len(after), before))
    out: dict[int, tuple[int, int, str]] = {}
    by_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for c in sorted(corrections, key=lambda c: (c["start"], c["id"])):
        by_key[_key(c)].append(c)
    for key, group in by_key.items():
        found = places.get(key, [])
        if not found:
            continue
        for n, c in enumerate(group):
            if len(found) == len(group):
                place = found[n]
            else:
                place = min(found, key=lambda p, s=c["start"]: abs(p[0] - s))
            out[int(c["id"])] = place[1:]
    return out


def locate_suggestion(clean_text: str, start: int, before: str) -> int | None:
    """Where a suggestion's ``before`` stands in the cleaned text: at ``start`` when it is there
    (the cleaner records suggestions at their place in its output), else at the nearest place
    where ``before`` stands as a word of its own (table rows are cleaned one by one)."""
    if not before:
        return None
    if clean_text[start : start + len(before)] == before:
        return start
    found = [
        i
        for i in _occurrences(clean_text, before)
        if (i == 0 or not clean_text[i - 1].isalnum())
        and (i + len(before) >= len(clean_text) or not clean_text[i + len(before)].isalnum())
    ]
    return min(found, key=lambda i: abs(i - start)) if found else None


def unit_texts(store: Any, document_id: int, reverted_ids: set[int]) -> tuple[dict[int, str], set[int]]:
    """The text of each of a document's inputs with the corrections ``reverted_ids`` undone and
    the accepted suggestions taken up.

    Returns ``(texts, placed)``: ``{unit id: text}`` for every input whose span is
    known, and the ids of the reverted corrections (and accepted suggestions) that fell
    inside some input.
    """
    doc = store.document(document_id)
    rows = store.conn.execute(
        "SELECT * FROM corrections WHERE document_id = ? AND status = 'applied' ORDER BY start, id", (document_id,)
    ).fetchall()
    keys = {_key(r) for r in rows if int(r["id"]) in reverted_ids}
    # only the reverted kinds of change need placing (with their siblings, for the n-th-is-n-th rule)
    located = locate_corrections(doc["raw_text"], doc["clean_text"], [r for r in rows if _key(r) in keys])
    spans = sorted((s, e, orig, cid) for cid, (s, e, orig) in located.items() if cid in reverted_ids)
    clean = doc["clean_text"]
    # suggestions a person accepted: their words go in where the cleaned text still has the old ones
    for r in store.conn.execute(
        "SELECT * FROM corrections WHERE document_id = ? AND status = 'accepted' ORDER BY start, id", (document_id,)
    ).fetchall():
        at = locate_suggestion(clean, int(r["start"]), r["before"])
        if at is not None and not any(s < at + len(r["before"]) and at < e for s, e, _, _ in spans):
            spans.append((at, at + len(r["before"]), r["after"], int(r["id"])))
    spans.sort()
    texts: dict[int, str] = {}
    placed: set[int] = set()
    units = store.conn.execute(
        "SELECT id, kind, char_start, char_end FROM units WHERE document_id = ? AND char_start IS NOT NULL",
        (document_id,),
    ).fetchall()
    for u in units:
        us, ue = int(u["char_start"]), int(u["char_end"])
        parts, pos = [], us
        for s, e, orig, cid in spans:
            if s < us or e > ue or s < pos:
                continue
            parts += [clean[pos:s], orig]
            pos = e
            placed.add(cid)
        parts.append(clean[pos:ue])
        text = "".join(parts)
        texts[int(u["id"])] = " ".join(text.split()) if u["kind"] == "row" else text
    return texts, placed
