"""Cut cleaned text into units: bullets and post-its whole, prose into sentences.

Headings (short title lines, numbered headings such as ``1. Drømme om …`` and
lines ending in ``:`` that introduce a list) are not units; they become the
``section`` of the units under them.

>>> [u.text for u in segment("Drømme:\\n• Flere boliger.\\n• Bedre hjælp, fx om natten.")]
['Flere boliger.', 'Bedre hjælp, fx om natten.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .records import Row, Unit

__all__ = ["segment", "segment_rows", "split_sentences", "ABBREVIATIONS"]

BULLET = "•"

# Danish abbreviations that end in a period but never end a sentence.
ABBREVIATIONS = frozenset(
    """
    a.h.t ang bl.a bla ca cand d dvs el ekskl etc evt f.eks feks fhv fx fr hhv hr if ifm iflg ift inkl
    jf jfr kap kl km kr m.fl m.h.t m.m m.v mfl mht mill mia mio mm mv nr o.a o.l o.s.v ol osv pba pga pkt
    resp s sek skt st stk tlf t.o.m tom udg vedr vha vs
    jan feb mar apr jun jul aug sep sept okt nov dec
    """.split()
)

_SENT_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“„«(]?[A-ZÆØÅ§0-9])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}|[IVX]{1,4}|[a-z])[.)]\s+\S")
_NUMBERED_ITEM = re.compile(r"^(\d{1,2}|[a-z])[.)]\s+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in ``text``; a period after a Danish abbreviation or an ordinal never ends one."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        before = text[start : m.start()].rstrip("\"”’»)")
        word = _WORD_BEFORE.search(before)
        token = word.group(1) if word else ""
        if token.endswith("."):
            core = token.rstrip(".").lstrip("(\"“„«").lower()
            if core in ABBREVIATIONS or (len(core) == 1 and core.isalpha()):
                continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@dataclass
class _Line:
    text: str
    number: int  # 1-based line number in the document
    page: int | None
    start: int  # char offset in the document


def _lines(text: str) -> Iterator[_Line]:
    pages = text.split("\f")
    pos = 0
    number = 0
    for p, page in enumerate(pages, start=1):
        for line in page.split("\n"):
            number += 1
            yield _Line(line, number, p if len(pages) > 1 else None, pos)
            pos += len(line) + 1


def _is_heading(line: str, alone: bool, next_is_list: bool) -> bool:
    s = line.strip()
    if not s or s.startswith(BULLET):
        return False
    words = s.split()
    if s.endswith(":") and len(words) <= 25:
        return True
    if s[-1] in ".!?;,…" and not _NUMBERED_HEADING.match(s):
        return False
    if _NUMBERED_HEADING.match(s) and len(words) <= 12 and s[-1] not in ".!?":
        return True
    return len(words) <= 12 and (alone or next_is_list) and not s[0].islower()


def segment(text: str, *, prose: str = "sentence") -> list[Unit]:
    """Split cleaned ``text`` into units with provenance.

    ``prose`` decides what a prose paragraph becomes: ``"sentence"`` (default)
    or ``"paragraph"``.
    """
    lines = list(_lines(text))
    units: list[Unit] = []
    section: str | None = None
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.text.strip()
        if not s:
            i += 1
            continue
        # block = consecutive non-blank lines on the same page
        j = i
        while j < n and lines[j].text.strip() and lines[j].page == line.page:
            j += 1
        block = lines[i:j]
        k = 0
        while k < len(block):
            ln = block[k]
            t = ln.text.strip()
            nxt = block[k + 1].text.strip() if k + 1 < len(block) else ""
            next_block_is_list = k + 1 == len(block) and j < n and _next_nonblank(lines, j).startswith(BULLET)
            if _is_heading(t, len(block) == 1, nxt.startswith(BULLET) or next_block_is_list):
                section = t.rstrip(":").strip()
                k += 1
                continue
            if t.startswith(BULLET) or (_NUMBERED_ITEM.match(t) and len(block) > 1):
                # a bullet: this line plus continuation lines that are not bullets or headings
                m = k + 1
                while m < len(block):
                    c = block[m].text.strip()
                    if c.startswith(BULLET) or _NUMBERED_ITEM.match(c) or c.endswith(":"):
                        break
                    m += 1
                body = " ".join(b.text.strip() for b in block[k:m])
                body = body.lstrip(BULLET).strip() if body.startswith(BULLET) else body
                if body:
                    units.append(
                        Unit(
                            text=body,
                            kind="bullet",
                            section=section,
                            page=ln.page,
                            line_start=ln.number,
                            line_end=block[m - 1].number,
                            start=ln.start,
                            end=block[m - 1].start + len(block[m - 1].text),
                        )
                    )
                k = m
                continue
            # prose: run of lines until a bullet or heading
            m = k + 1
            while m < len(block) and not block[m].text.strip().startswith(BULLET) and not block[m].text.strip().endswith(":"):
                m += 1
            para_lines = block[k:m]
            units.extend(_prose_units(para_lines, section, prose))
            k = m
        i = j
    return units


def _next_nonblank(lines: list[_Line], j: int) -> str:
    while j < len(lines):
        if lines[j].text.strip():
            return lines[j].text.strip()
        j += 1
    return ""


def _prose_units(para: list[_Line], section: str | None, prose: str) -> list[Unit]:
    # join the lines, remembering where each came from
    text = ""
    origins: list[tuple[int, _Line]] = []
    for ln in para:
        if text:
            text += " "
        origins.append((len(text), ln))
        text += ln.text.strip()

    def line_at(offset: int) -> _Line:
        found = origins[0][1]
        for pos, ln in origins:
            if pos <= offset:
                found = ln
        return found

    spans = [(0, len(text))] if prose == "paragraph" else split_sentences(text)
    units = []
    for s, e in spans:
        body = text[s:e].strip()
        if not body:
            continue
        first, last = line_at(s), line_at(max(s, e - 1))
        units.append(
            Unit(
                text=body,
                kind="sentence" if prose == "sentence" else "paragraph",
                section=section,
                page=first.page,
                line_start=first.number,
                line_end=last.number,
                start=first.start,
                end=last.start + len(last.text),
            )
        )
    return units


def segment_rows(rows: list[Row], texts: list[str]) -> list[Unit]:
    """One unit per table row (``texts`` are the cleaned row texts)."""
    units = []
    for row, text in zip(rows, texts, strict=True):
        text = " ".join(text.split())
        if not text:
            continue
        section = None
        for key in ("gruppe", "group", "bord", "tema", "spørgsmål", "kategori"):
            for k, v in row.metadata.items():
                if str(k).strip().lower() == key and v not in (None, ""):
                    section = str(v)
                    break
            if section:
                break
        units.append(
            Unit(
                text=text,
                kind="row",
                section=section,
                original=row.text if row.text != text else None,
                line_start=row.number,
                line_end=row.number,
                metadata=dict(row.metadata),
            )
        )
    return units
