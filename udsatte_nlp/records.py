"""Plain records that flow through the pipeline.

They carry data only; behaviour lives in the functions that make them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Row:
    """One input of a table (csv/xlsx): its text and the other columns as metadata."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    number: int = 0  # 1-based row number in the sheet, header excluded
    sheet: str | None = None  # the workbook sheet, when a workbook gives inputs from several


@dataclass
class Document:
    """A file as read from disk, before cleaning.

    ``text`` is the whole readable text (pages joined with a form feed ``\\f``
    for PDFs). For tables, ``rows`` holds one :class:`Row` per input and
    ``text`` is their texts joined by newlines.
    """

    path: str
    format: str
    text: str
    sha256: str
    title: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) when known
    year: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    pages: list[str] | None = None
    rows: list[Row] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).name


@dataclass(frozen=True)
class Correction:
    """One change the cleaner made: ``before`` at ``start`` in the input became ``after``.

    A ``"suggested"`` correction was *not* made: the cleaner was too unsure (OCR repair
    below its confidence threshold, or a result that is no dictionary word), so the text
    still says ``before`` and a person may accept ``after``.
    """

    start: int
    before: str
    after: str
    rule: str
    confidence: float = 1.0
    status: str = "applied"  # 'applied' | 'suggested'


@dataclass
class Unit:
    """The smallest piece of input that gets a theme: a post-it, a bullet, a sentence, a row."""

    text: str
    kind: str  # 'bullet' | 'sentence' | 'row' | 'paragraph'
    section: str | None = None
    original: str | None = None
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    start: int | None = None  # character offsets in the cleaned text
    end: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Theme:
    """A theme found by a model or given in a codebook."""

    id: int
    label: str
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    size: int = 0
    representatives: list[int] = field(default_factory=list)  # indices into the fitted units
    stability: float | None = None
    source: str = "model"  # 'model' | 'codebook' | 'human' | 'outlier'
    label_source: str = "model"  # 'model' (a phrase its inputs use) | 'meaning' | 'vocabulary' | 'codebook' | 'human'
    label_support: float | None = None  # share of its inputs that contain the label's head word
    coherence: float | None = None  # mean similarity of its inputs to one another
    mixed: bool = False  # its inputs hold together no better than chance, or much worse than a typical theme
