"""Tables inside documents (Word, HTML, PDF), read cell by cell.

A poster typed up as a table ("Drømme | Bekymringer", one post-it per cell)
holds one input per cell, and its header says what kind of input each column
holds. :func:`table_lines` turns a table's grid of cells into the lines the
segmenter reads:

* a **header row** gives each column a heading line, ``# <heading above> –
  <column>`` (a Markdown heading, which the segmenter always takes as the
  section of what follows and never as an input), and the column's cells
  follow it as bullets, column by column;
* a **row-label column** (an empty top-left cell, or short distinct labels down
  the first column of a wider table) joins the section: ``# Plancher – Bord 1 –
  Drømme``;
* every other non-empty cell is an input: one bullet per line or paragraph of
  the cell;
* a **key/value table** that describes the meeting (``Sted | Borgernes Hus``,
  ``Dato | 12. marts 2025``) gives no inputs: it is returned as metadata;
* a table with a single non-empty cell is a frame around ordinary text: its
  lines are returned as they are.

The decisions use the table's shape (columns, lengths of the cells, digits,
distinct labels) and the header as the document marks it (``<th>``, Word's
"repeat as header row", bold), never fixed words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["TableText", "table_lines"]

#: A grid: rows of cells, each cell the lines (paragraphs) it holds.
Grid = Sequence[Sequence[Sequence[str]]]

SEP = " – "
MAX_LABEL_WORDS = 6  # a header cell
MAX_KEY_WORDS = 3  # a key of a key/value table, a row label
MAX_KEY_ROWS = 15  # meeting information is short

_BULLET = re.compile(r"^\s*(?:[•▪◦●○·‣∙■□➢➤►✓*\-–—]|\d{1,2}[.)])\s+")
_ENDS_SENTENCE = re.compile(r"[.!]['\"”’»)]*$")
_DIGIT = re.compile(r"\d")


@dataclass
class TableText:
    """What a table gives: ``lines`` for the document's text and ``info`` (key → value) for its metadata."""

    lines: list[str] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    kind: str = "empty"  # 'cells' | 'columns' | 'key-value' | 'frame' | 'empty'


def table_lines(grid: Grid, *, heading: str | None = None, header: bool | None = None) -> TableText:
    """Read a table cell by cell.

    Parameters
    ----------
    grid:
        Rows of cells; a cell is the list of its lines (paragraphs). A cell
        merged over several columns or rows appears once, the other places empty.
    heading:
        The heading above the table, joined with each column's header.
    header:
        Whether the document marks the first row as a header (``True``), says
        it is not one (``False``), or does not say (``None``: decided by shape).

    >>> t = table_lines([[["Drømme"], ["Bekymringer"]], [["Egen bolig"], ["Lange ventelister"]],
    ...                  [["Et job"], ["Gæld"]]], heading="Bord 3")
    >>> t.lines
    ['# Bord 3 – Drømme', '• Egen bolig', '• Et job', '# Bord 3 – Bekymringer', '• Lange ventelister', '• Gæld']
    >>> table_lines([[["Sted"], ["Borgernes Hus"]], [["Dato"], ["12. marts 2025"]]]).info
    {'Sted': 'Borgernes Hus', 'Dato': '12. marts 2025'}
    """
    rows = _normalise(grid)
    if not rows:
        return TableText()
    filled = [cell for row in rows for cell in row if cell]
    if len(filled) == 1:
        return TableText(list(filled[0]), kind="frame")
    has_header = _has_header(rows) if header is None else header and len(rows) > 1
    info = _key_value(rows, has_header)
    if info is not None:
        return TableText(info=info, kind="key-value")
    if not has_header:
        labels = _row_labels(rows, None)
        lines = []
        for row in rows:
            cells = row[1:] if labels else row
            if labels and row[0]:
                lines.append("# " + _join(heading, _one_line(row[0])))
            elif labels and heading:
                lines.append("# " + heading)
            lines += [_bullet(line) for cell in cells for line in cell]
        return TableText(lines, kind="cells")
    head, body = rows[0], rows[1:]
    labels = _row_labels(body, head)
    columns = range(1 if labels else 0, len(head))
    lines = []
    if labels:
        for row in body:
            for c in columns:
                if row[c]:
                    lines.append("# " + _join(heading, _one_line(row[0]), _one_line(head[c])))
                    lines += [_bullet(line) for line in row[c]]
    else:
        for c in columns:
            cells = [row[c] for row in body if row[c]]
            if not cells:
                continue
            section = _join(heading, _one_line(head[c]))
            if section:
                lines.append("# " + section)
            lines += [_bullet(line) for cell in cells for line in cell]
    return TableText(lines, kind="columns")


# ------------------------------------------------------------------ helpers
def _normalise(grid: Grid) -> list[list[list[str]]]:
    """Cells as lists of non-empty, whitespace-collapsed lines; empty rows and columns dropped."""
    rows = [[[" ".join(line.split()) for line in cell if line and line.strip()] for cell in row] for row in grid]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    rows = [row + [[] for _ in range(width - len(row))] for row in rows]
    keep = [c for c in range(width) if any(row[c] for row in rows)]
    return [[row[c] for c in keep] for row in rows]


def _one_line(cell: Sequence[str]) -> str:
    return " ".join(cell)


def _words(cell: Sequence[str]) -> int:
    return sum(len(line.split()) for line in cell)


def _chars(cell: Sequence[str]) -> int:
    return sum(len(line) for line in cell)


def _join(*parts: str | None) -> str:
    out: list[str] = []
    for part in parts:
        part = (part or "").strip().rstrip(":").strip()
        if part and not (out and out[-1].casefold() == part.casefold()):
            out.append(part)
    return SEP.join(out)


def _bullet(line: str) -> str:
    return "• " + _BULLET.sub("", line, count=1).strip()


def _is_label(cell: Sequence[str], max_words: int) -> bool:
    """A short one-line label: a header cell, a key, a row label."""
    if len(cell) != 1:
        return False
    text = cell[0]
    return 0 < len(text.split()) <= max_words and len(text) <= 60 and not _ENDS_SENTENCE.search(text)


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def _has_header(rows: list[list[list[str]]]) -> bool:
    """The first row names the columns: short distinct labels, clearly shorter than the cells below."""
    if len(rows) < 2:
        return False
    head = [cell for cell in rows[0] if cell]
    if len(head) < max(1, len(rows[0]) - 1) or not all(_is_label(cell, MAX_LABEL_WORDS) for cell in head):
        return False
    if len({_one_line(cell).casefold() for cell in head}) != len(head):
        return False
    body = [cell for row in rows[1:] for cell in row if cell]
    return _mean([_words(c) for c in head]) <= 0.6 * _mean([_words(c) for c in body])


def _key_value(rows: list[list[list[str]]], has_header: bool) -> dict[str, str] | None:
    """``{key: value}`` when the table is two columns of short keys and their values
    (Sted | Borgernes Hus, Dato | 12. marts 2025); otherwise ``None``.

    Keys are short labels, distinct, none missing; the values are evidently
    facts, not post-its: the keys end in ``:``, or some value is mostly a
    number or a date (``12. marts 2025``, ``41``), which meeting information
    has and a column of post-its does not.
    """
    if len(rows[0]) != 2:
        return None
    body = rows[1:] if has_header else rows
    if not body or len(body) > MAX_KEY_ROWS:
        return None
    keys, values = [row[0] for row in body], [row[1] for row in body]
    if not all(_is_label(k, MAX_KEY_WORDS) and not k[0][0].islower() for k in keys):
        return None
    names = [_one_line(k).rstrip(":").strip() for k in keys]
    if len({n.casefold() for n in names}) != len(names):
        return None
    colons = sum(_one_line(k).endswith(":") for k in keys) * 2 >= len(keys)
    if not (colons or any(_numeric(_one_line(v)) for v in values)):
        return None
    return {n: _one_line(v) for n, v in zip(names, values, strict=True)}


def _numeric(text: str) -> bool:
    """Mostly a number or a date: at least half of the words hold a digit."""
    words = text.split()
    return bool(words) and 2 * sum(bool(_DIGIT.search(w)) for w in words) >= len(words)


def _row_labels(body: list[list[list[str]]], head: list[list[str]] | None) -> bool:
    """Whether the first column labels the rows (``Bord 1``, ``Bord 2`` …) rather than holding inputs."""
    if len(body[0]) < 2 or not body:
        return False
    if head is not None and not head[0] and any(head[1:]):
        return True  # an empty top-left cell over a column of labels
    if len(body[0]) < 3 or len(body) < 2:
        return False
    labels = [row[0] for row in body]
    if not all(_is_label(cell, MAX_KEY_WORDS) for cell in labels):
        return False
    if len({_one_line(c).casefold() for c in labels}) != len(labels):
        return False
    rest = [_chars(cell) for row in body for cell in row[1:] if cell]
    return _mean([_chars(c) for c in labels]) <= 0.5 * _mean(rest)
