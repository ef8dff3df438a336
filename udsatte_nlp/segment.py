"""Cut cleaned text into units: bullets and post-its whole, prose into sentences.

A unit keeps its provenance: page, line span, character span and the
``section`` (the heading above it). Headings are not units:

* numbered headings (``1. Drømme om …``) and Markdown headings,
* a line ending in ``:`` that introduces a list (it is the section of that
  list only; the text after the list returns to the heading above),
* short title lines (a few lines in a row at most; more of them are a list of
  post-its), and short questions standing over a paragraph.

Lines are grouped before anything else: a bullet with the lines that continue
it (a lower-case start, or a line ending in ``,`` or a word such as ``og`` or
``for``) is one unit; other lines start a new piece, since Word paragraphs
arrive one per line. Sentences come from :func:`udsatte_nlp.lang.sentence_spans`,
which never ends a sentence at a Danish abbreviation.

Web debris never becomes a unit or a section: quote widgets and icon names,
skip links, menu and breadcrumb lines, share/print links, lines that are only
a date, and site chrome (lines at the top or bottom of several documents from
the same site, see :func:`site_chrome`).

>>> [u.text for u in segment("Drømme:\\n• Flere boliger.\\n• Bedre hjælp, fx om natten.")]
['Flere boliger.', 'Bedre hjælp, fx om natten.']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .cut import MAX_UNIT_WORDS, cut_spans
from .lang import ABBREVIATIONS, sentence_spans
from .records import Row, Unit

__all__ = [
    "ABBREVIATIONS",
    "chrome_key",
    "duplicate_key",
    "first_heading",
    "is_debris",
    "segment",
    "segment_rows",
    "site_chrome",
    "split_sentences",
]

BULLET = "•"
MAX_HEADING_WORDS = 12
MAX_INTRO_WORDS = 25
MAX_TITLE_RUN = 3  # more short lines in a row than this are a list, not a title

_BULLET_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?:[•▪◦●○·‣∙■□➢➤►✓*\-–—]|o(?=[ \t]+[A-ZÆØÅ0-9\"“„(]))[ \t]+(?=\S)"
)
_NUMBERED_LINE = re.compile(r"^[ \t]*(?:\d{1,2}|[a-z]|[ivxIVX]{2,4})[.)][ \t]+(?=[A-ZÆØÅ\"“„«(])")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?…;,]['\"”’»)]*$")
_ENDS_COLON = re.compile(r":['\"”’»)]*$")
_ENDS_QUESTION = re.compile(r"\?['\"”’»)]*$")

# A line ending in one of these words goes on in the next line ("Rådet og\nKommunen").
_DANGLING = frozenset(
    """
    og eller men samt som at der en et sin sit sine deres hans hendes vores jeres min mit mine
    din dit dine hvor når hvis fordi end
    """.split()
)
# Prepositions usually go on too ("formand for\nRådet"), but Danish can end a
# sentence in one ("der kommer ikke nye til"): they only join a line that is
# not the heading of a list.
_PREPOSITIONS = frozenset("i på til fra med af for om ved efter under over mellem hos mod uden blandt gennem via".split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in ``text``; a period after a Danish abbreviation or an ordinal never ends one."""
    return sentence_spans(text)


# ----------------------------------------------------------------- debris
_QUOTE_WIDGET = re.compile(r"\bicon-quote-(?:start|end)\b")
_ICON = re.compile(r"\b(?:icon|fa)-[a-z0-9]+(?:-[a-z0-9]+)*\b")
_WEB_LINE = re.compile(
    r"^(?:gå|spring)(?: direkte)? (?:til|over) (?:hoved)?(?:indhold(?:et)?|navigation(?:en)?|menu(?:en)?)"
    r"|skip to (?:main )?content|del (?:på|via) (?:facebook|twitter|x|linkedin|e-?mail|mail)"
    r"|del (?:siden|artiklen|denne side|nyheden)|(?:udskriv|print)(?: siden| artiklen)?"
    r"|(?:tilbage )?til toppen|tilbage til (?:forsiden|oversigten)|læs (?:mere|også|hele artiklen)"
    r"|relaterede (?:artikler|nyheder|sider)|seneste nyheder|se alle nyheder"
    r"|tilmeld(?: dig)?(?: vores| til)? nyhedsbrev(?:et)?|hovedmenu|menu|luk|søg|du er her:?$",
    re.I,
)
_MENU_SPLIT = re.compile(r"\s+[|›»>/]\s+")
_BREADCRUMB = re.compile(r"\s[›»>]\s")

_WEEKDAYS = "mandag tirsdag onsdag torsdag fredag lørdag søndag"
_MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december "
    "jan feb mar apr jun jul aug sep sept okt nov dec"
)
_DATE_WORDS = frozenset(f"{_WEEKDAYS} {_MONTHS} den d dato kl opdateret udgivet publiceret".split())
_DATE_TOKEN = re.compile(r"^(?:\d{1,4}[./-]?\d{0,2}[./-]?\d{0,4}\.?|[^\w\s]+)$")


def _is_menu_line(s: str) -> bool:
    """``Forside | Om os | Nyheder | Kontakt`` or ``Forside › Temaer › Bolig``."""
    parts = [p.strip() for p in _MENU_SPLIT.split(s)]
    if len(parts) < 3 or any(not p or len(p.split()) > 4 or _SENTENCE_END.search(p) for p in parts):
        return False
    if _BREADCRUMB.search(s):
        return True
    return len(parts) >= 4 and all(p[0].isupper() for p in parts)


def _is_date_line(s: str) -> bool:
    """A line that is only a date (``17. jun. 2014``, ``Onsdag d. 4. juni 2014``)."""
    from .ingest.dates import find_date

    words = s.replace(",", " ").split()
    if not words or len(words) > 7:
        return False
    for w in words:
        core = w.strip(".:").lower()
        if core and core not in _DATE_WORDS and not _DATE_TOKEN.match(w):
            return False
    return find_date(s)[1] is not None


def is_debris(line: str) -> bool:
    """Whether a line is web debris (never a unit, never a section)."""
    s = line.strip()
    if not s:
        return False
    if _QUOTE_WIDGET.search(s):
        return True
    rest = _ICON.sub("", s).strip(" •-|")
    if not rest:
        return True
    rest = _BULLET_LINE.sub("", rest).strip()
    return bool(_WEB_LINE.fullmatch(rest.rstrip(".!"))) or _is_menu_line(rest) or _is_date_line(rest)


# ----------------------------------------------------------------- chrome
_NON_WORD = re.compile(r"[\W_]+")


def chrome_key(line: str) -> str:
    """A line reduced for comparison across documents: icon names, bullets, case and punctuation gone."""
    s = _ICON.sub(" ", line)
    s = _BULLET_LINE.sub("", s.strip())
    return " ".join(_NON_WORD.sub(" ", s.casefold()).split())


def site_chrome(
    texts: Iterable[str], *, edge: int = 8, min_docs: int = 2, min_chars: int = 12, scraped_only: bool = True
) -> frozenset[str]:
    """Keys (:func:`chrome_key`) of lines found among the first or last ``edge``
    non-blank lines of at least ``min_docs`` of ``texts``: banners, quote
    widgets and footers of one web site, scraped into several documents.

    Pass the *raw* texts of a batch (the cleaner removes widget markers, which
    would hide the repetition) and give the result to :func:`segment` as
    ``chrome``. With ``scraped_only`` (default) only texts with web debris
    among their edge lines count, so two workshop files that happen to start
    with the same post-it keep it (it is linked as a duplicate instead).

    >>> a = "Gå direkte til indhold\\n• Et citat fra banneret her\\nOverskrift A\\nTekst a."
    >>> b = "• icon-quote-start Et citat fra banneret her icon-quote-end\\nOverskrift B\\nTekst b."
    >>> sorted(site_chrome([a, b]))
    ['et citat fra banneret her']
    """
    counts: Counter[str] = Counter()
    for text in texts:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        edges = lines[:edge] + lines[-edge:]
        if scraped_only and not any(is_debris(ln) and not _is_date_line(ln.strip()) for ln in edges):
            continue
        keys = {chrome_key(ln) for ln in edges}
        counts.update(k for k in keys if len(k) >= min_chars)
    return frozenset(k for k, n in counts.items() if n >= min_docs)


# -------------------------------------------------------------- duplicates
def duplicate_key(text: str) -> str:
    """What two units must share to count as the same input typed twice:
    the words, ignoring case, punctuation and spacing (``Tale MED folk!`` = ``tale med folk``)."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


# ------------------------------------------------------------------ lines
@dataclass
class _Line:
    text: str  # without the newline
    number: int  # 1-based line number in the document
    page: int | None
    start: int  # char offset in the document

    @property
    def stripped(self) -> str:
        return self.text.strip()


def _lines(text: str) -> Iterator[_Line]:
    pages = text.split("\f")
    pos = 0
    number = 0
    for p, page in enumerate(pages, start=1):
        for line in page.split("\n"):
            number += 1
            yield _Line(line, number, p if len(pages) > 1 else None, pos)
            pos += len(line) + 1


@dataclass
class _Piece:
    """A bullet, a numbered line, a table row or a run of prose lines, before it is classified."""

    kind: str  # 'bullet' | 'numbered' | 'row' | 'text' | 'mdheading'
    lines: list[_Line]
    body_start: int  # where the body begins in the first line (after a marker)
    block: int
    indent: int = 0
    role: str = ""  # set by classification: 'heading' | 'intro' | 'item' | 'prose' | 'row' | 'skip'
    split_intro: bool = False  # prose ending in ':' before a list: its last sentence is the intro
    title_group: int = -1

    @property
    def text(self) -> str:
        first = self.lines[0].text[self.body_start :].strip()
        return " ".join([first, *(ln.stripped for ln in self.lines[1:])]).strip()

    @property
    def words(self) -> int:
        return len(self.text.split())


def _continues(prev: str, nxt: str) -> str:
    """Whether line ``nxt`` carries on the sentence of line ``prev``: ``"yes"``,
    ``"maybe"`` (after a preposition) or ``""``."""
    if not prev or not nxt:
        return ""
    c = nxt[0]
    if c.islower() or c in "(&":
        return "yes"
    if prev[-1] in ",-–+/&":
        return "yes"
    last = prev.split()[-1].lower().strip("\"“”'’(")
    if last in _DANGLING:
        return "yes"
    return "maybe" if last in _PREPOSITIONS else ""


def _heads_a_list(lines: list[_Line], idx: int) -> bool:
    """Whether line ``idx`` is directly followed by a bullet or numbered line (so it is a heading)."""
    nxt = lines[idx + 1].text if idx + 1 < len(lines) else ""
    return bool(_BULLET_LINE.match(nxt) or _NUMBERED_LINE.match(nxt))


def _pieces(text: str, chrome: Collection[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    block = 0
    current: _Piece | None = None
    page = None
    lines = list(_lines(text))
    page_start = False  # no text seen yet on this page
    for idx, line in enumerate(lines):
        s = line.stripped
        if line.page != page:
            page, page_start = line.page, True
        if not s:
            if not page_start:
                block += 1
                current = None
            continue
        if page_start:
            page_start = False
            # a sentence running over a page break goes on; anything else starts afresh
            if current is None or current.kind not in ("text", "bullet", "numbered") or _continues(
                current.lines[-1].stripped, s
            ) != "yes":
                block += 1
                current = None
        if is_debris(s) or (chrome and chrome_key(s) in chrome):
            current = None
            continue
        m = _MD_HEADING.match(line.text)
        if m:
            current = _Piece("mdheading", [line], m.end(), block)
            pieces.append(current)
            current = None
            continue
        m = _BULLET_LINE.match(line.text)
        if m:
            current = _Piece("bullet", [line], m.end(), block, indent=len(m.group("indent")))
            pieces.append(current)
            continue
        m = _NUMBERED_LINE.match(line.text)
        if m:
            current = _Piece("numbered", [line], 0, block)
            pieces.append(current)
            continue
        if " | " in s:
            current = _Piece("row", [line], 0, block)
            pieces.append(current)
            current = None
            continue
        if current is not None and current.block == block:
            prev = current.lines[-1].stripped
            indent = len(line.text) - len(line.text.lstrip())
            joins = _continues(prev, s)
            if current.kind == "bullet" and indent > current.indent:
                joins = "yes"
            if joins == "yes" or (joins == "maybe" and not _heads_a_list(lines, idx)):
                current.lines.append(line)
                continue
        current = _Piece("text", [line], 0, block)
        pieces.append(current)
    return pieces


# ---------------------------------------------------------- classification
def _short_title(p: _Piece) -> bool:
    t = p.text
    return (
        p.kind == "text"
        and len(p.lines) == 1
        and 0 < p.words <= MAX_HEADING_WORDS
        and not _SENTENCE_END.search(t)
        and not _ENDS_COLON.search(t)
        and not t[0].islower()
    )


def _is_question_heading(pieces: list[_Piece], i: int) -> bool:
    p = pieces[i]
    if p.kind != "text" or len(p.lines) != 1 or p.words > MAX_HEADING_WORDS or not _ENDS_QUESTION.search(p.text):
        return False
    nxt = pieces[i + 1] if i + 1 < len(pieces) else None
    prev = pieces[i - 1] if i > 0 else None

    def short_question(q: _Piece | None) -> bool:
        return q is not None and q.kind == "text" and q.words <= MAX_HEADING_WORDS and bool(_ENDS_QUESTION.search(q.text))

    if nxt is None or short_question(nxt) or short_question(prev):
        return False
    return nxt.kind in ("bullet", "numbered") or (nxt.kind == "text" and nxt.words > MAX_HEADING_WORDS)


def _is_table_header(pieces: list[_Piece], i: int) -> bool:
    """The first row of a table, of short labels without digits (``Spørgsmål | Svar``), over more rows."""
    p = pieces[i]
    prev = pieces[i - 1] if i else None
    nxt = pieces[i + 1] if i + 1 < len(pieces) else None
    if (prev is not None and prev.kind == "row" and prev.block == p.block) or nxt is None or nxt.kind != "row":
        return False
    cells = [c.strip() for c in p.text.split("|")]
    return all(c and len(c.split()) <= 2 and c[0].isupper() and not any(ch.isdigit() for ch in c) for c in cells)


def _classify(pieces: list[_Piece]) -> None:
    n = len(pieces)
    # numbered lines: items when numbered neighbours exist, else short ones are headings
    for i, p in enumerate(pieces):
        if p.kind != "numbered":
            continue
        neighbours = [pieces[j] for j in (i - 1, i + 1) if 0 <= j < n and pieces[j].block == p.block]
        if any(q.kind == "numbered" for q in neighbours):
            p.role = "item"
        elif p.words <= MAX_HEADING_WORDS and not re.search(r"[.!]$", p.text) and len(p.lines) == 1:
            p.role = "heading"
        else:
            p.role = "item"
    for i, p in enumerate(pieces):
        if p.role:
            continue
        if p.kind == "mdheading":
            p.role = "heading"
        elif p.kind == "bullet":
            p.role = "item"
        elif p.kind == "row":
            p.role = "skip" if _is_table_header(pieces, i) else "row"
        elif _ENDS_COLON.search(p.text) and p.words <= MAX_INTRO_WORDS and len(split_sentences(p.text)) == 1:
            p.role = "intro"
        elif _is_question_heading(pieces, i):
            p.role = "heading"
    # runs of short title lines
    i = 0
    while i < n:
        if pieces[i].role or not _short_title(pieces[i]):
            i += 1
            continue
        j = i
        while j < n and not pieces[j].role and _short_title(pieces[j]):
            j += 1
        run = pieces[i:j]
        after = pieces[j] if j < n else None
        content_follows = after is not None and (
            after.role in ("heading", "intro", "item", "row") or after.kind == "text"
        )
        at_end_after_content = after is None and i > 0 and len(run) == 1
        if len(run) <= MAX_TITLE_RUN and (content_follows or at_end_after_content):
            for p in run:
                p.role = "heading"
        else:
            for p in run:
                p.role = "item"
            if after is not None and (after.kind in ("bullet", "numbered") or after.role == "intro"):
                run[-1].role = "heading"
        i = j
    # a one-item "list" between a title and a paragraph is a subtitle ("- Brugerinddragelse på programmet")
    for i, p in enumerate(pieces):
        if p.kind != "bullet" or i == 0 or i + 1 >= n:
            continue
        prev, nxt = pieces[i - 1], pieces[i + 1]
        if (
            prev.role == "heading"
            and prev.kind == "text"
            and prev.block == p.block
            and nxt.kind == "text"
            and nxt.role in ("", "prose")
            and p.words <= MAX_HEADING_WORDS
            and not _SENTENCE_END.search(p.text)
        ):
            p.role = "heading"
    for i, p in enumerate(pieces):
        if not p.role:
            p.role = "prose"
            nxt = pieces[i + 1] if i + 1 < n else None
            if _ENDS_COLON.search(p.text) and nxt is not None and nxt.role in ("item", "row"):
                p.split_intro = True
    # a line ending in ':' that introduces nothing (the note ends, or a heading follows) is
    # an input of its own, not a section: otherwise its words would be lost
    for i, p in enumerate(pieces):
        if p.role == "intro":
            nxt = next((q for q in pieces[i + 1 :] if q.role != "skip"), None)
            if nxt is None or nxt.role in ("heading", "intro"):
                p.role = "prose"
    # consecutive heading lines in one block read as one title ("Opsamling – Dialogmøde … 2016")
    group = 0
    for i, p in enumerate(pieces):
        if p.role != "heading":
            continue
        prev = pieces[i - 1] if i else None
        if not (prev is not None and prev.role == "heading" and prev.block == p.block and prev.kind in ("text", "bullet")
                and p.kind in ("text", "bullet")):
            group += 1
        p.title_group = group


# ------------------------------------------------------------------ units
def _span(p: _Piece) -> tuple[int, int]:
    first, last = p.lines[0], p.lines[-1]
    lead = len(first.text) - len(first.text[p.body_start :].lstrip())
    return first.start + max(lead, p.body_start), last.start + len(last.text.rstrip())


def _heading_text(p: _Piece) -> str:
    return _ENDS_COLON.sub("", p.text).strip() or p.text


def first_heading(text: str, *, chrome: Collection[str] = (), within: int = 5, max_lines: int = 2) -> str | None:
    """The first heading of cleaned ``text`` as :func:`segment` reads it, when it comes before
    ``within`` pieces of content, else ``None``. A title line of a few words takes the next
    title line with it (``Opsamling – Dialogmøde 2016``), up to ``max_lines`` lines.
    Web debris and ``chrome`` are never headings.

    >>> first_heading("Gå direkte til indhold\\nOpsamling\\nDialogmøde 2016\\n\\nVi mødtes i Odense.")
    'Opsamling – Dialogmøde 2016'
    """
    pieces = _pieces(text, chrome)
    _classify(pieces)
    content = 0
    for p in pieces:
        if p.role == "heading":
            group = [_heading_text(q) for q in pieces if q.title_group == p.title_group and q.role == "heading"]
            title = group[0]
            for line in group[1:max_lines]:  # "Opsamling" / "Dialogmøde 2016", not a byline under a full title
                if len(title.split()) > 3:
                    break
                title += " – " + line
            return title
        if p.role != "skip":
            content += 1
            if content >= within:
                break
    return None


def segment(text: str, *, prose: str = "sentence", chrome: Collection[str] = ()) -> list[Unit]:
    """Split cleaned ``text`` into units with provenance.

    Parameters
    ----------
    text:
        Cleaned text; pages separated by ``\\f``.
    prose:
        What a prose paragraph becomes: ``"sentence"`` (default) or ``"paragraph"``.
    chrome:
        Keys from :func:`site_chrome`: lines to drop as web site chrome.
    """
    if prose not in ("sentence", "paragraph"):
        raise ValueError(f"prose must be 'sentence' or 'paragraph', not {prose!r}")
    pieces = _pieces(text, chrome)
    _classify(pieces)
    units: list[Unit] = []
    heading: str | None = None
    intro: str | None = None
    list_seen = False
    i = 0
    while i < len(pieces):
        p = pieces[i]
        if p.role == "heading":
            group = [q for q in pieces[i:] if q.title_group == p.title_group and q.role == "heading"]
            heading = " – ".join(_heading_text(q) for q in group)
            intro, list_seen = None, False
            i += len(group)
            continue
        if p.role == "skip":
            pass
        elif p.role == "intro":
            intro, list_seen = _heading_text(p), False
        elif p.role == "item" and p.words > MAX_UNIT_WORDS:  # a dictated "bullet" of a whole page
            text, origins = _joined(p)
            units.extend(_span_units(p, text, origins, [(0, len(text))], intro or heading, "bullet"))
            list_seen = list_seen or intro is not None
        elif p.role in ("item", "row"):
            start, end = _span(p)
            units.append(
                Unit(
                    text=p.text,
                    kind="bullet" if p.role == "item" else "row",
                    section=intro or heading,
                    page=p.lines[0].page,
                    line_start=p.lines[0].number,
                    line_end=p.lines[-1].number,
                    start=start,
                    end=end,
                )
            )
            list_seen = list_seen or intro is not None
        else:
            if intro is not None and list_seen:
                intro, list_seen = None, False  # the list is over: back to the heading
            new, last_sentence = _prose_units(p, intro or heading, prose)
            if p.split_intro and last_sentence is not None:
                intro, list_seen = _ENDS_COLON.sub("", last_sentence).strip(), False
            units.extend(new)
        i += 1
    return units


def _joined(p: _Piece) -> tuple[str, list[tuple[int, _Line]]]:
    """The piece's lines joined by spaces (a bullet without its marker), and the offset of each line in it."""
    text = ""
    origins: list[tuple[int, _Line]] = []  # (offset in text, line) of each joined line
    for k, ln in enumerate(p.lines):
        if text:
            text += " "
        origins.append((len(text), ln))
        text += ln.text[p.body_start :].strip() if k == 0 else ln.stripped
    return text, origins


def _locate(p: _Piece, origins: list[tuple[int, _Line]], offset: int) -> tuple[_Line, int]:
    """The line and the document offset of ``offset`` in :func:`_joined` text."""
    found = origins[0]
    for o in origins:
        if o[0] <= offset:
            found = o
    pos, ln = found
    body = p.body_start if ln is p.lines[0] else 0
    lead = len(ln.text) - len(ln.text[body:].lstrip())
    return ln, ln.start + lead + (offset - pos)


def _prose_units(p: _Piece, section: str | None, prose: str) -> tuple[list[Unit], str | None]:
    """Units of a prose piece; with ``p.split_intro`` the last sentence is returned instead of kept."""
    text, origins = _joined(p)
    spans = [(0, len(text))] if prose == "paragraph" else split_sentences(text)
    last_sentence = None
    if p.split_intro and spans:
        s, e = spans[-1]
        last_sentence = text[s:e]
        spans = spans[:-1]
    kind = "sentence" if prose == "sentence" else "paragraph"
    return _span_units(p, text, origins, spans, section, kind), last_sentence


def _span_units(
    p: _Piece, text: str, origins: list[tuple[int, _Line]], spans: Sequence[tuple[int, int]], section: str | None, kind: str
) -> list[Unit]:
    """One unit per span of the joined text; a span over MAX_UNIT_WORDS words is cut first
    (:func:`udsatte_nlp.cut.cut_spans`) and its pieces carry ``metadata["cut"]``."""
    line_starts = [o for o, _ in origins[1:]]
    units = []
    for s0, e0 in spans:
        body = text[s0:e0]
        if len(body.split()) > MAX_UNIT_WORDS:
            pieces = [(s0 + a, s0 + b, level) for a, b, level in cut_spans(body, [o - s0 for o in line_starts if s0 < o < e0])]
        else:
            pieces = [(s0, e0, "")]
        for s, e, level in pieces:
            body = text[s:e].strip()
            if not body:
                continue
            first, start = _locate(p, origins, s)
            last, end = _locate(p, origins, max(s, e - 1))
            units.append(
                Unit(
                    text=body,
                    kind=kind,
                    section=section,
                    page=first.page,
                    line_start=first.number,
                    line_end=last.number,
                    start=start,
                    end=end + 1,
                    metadata={"cut": level} if level else {},
                )
            )
    return units


def segment_rows(rows: Sequence[Row], texts: Sequence[str]) -> list[Unit]:
    """One unit per table row (``texts`` are the cleaned row texts); a group column is the section.

    ``start``/``end`` locate the row in ``"\n".join(texts)`` (the document's cleaned
    text); the unit's text is that span with its whitespace collapsed.
    """
    units = []
    offset = 0
    for row, raw in zip(rows, texts, strict=True):
        start, offset = offset, offset + len(raw) + 1
        text = " ".join(raw.split())
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
        if getattr(row, "sheet", None):  # a workbook with inputs on several sheets
            section = f"{row.sheet} – {section}" if section and section != row.sheet else row.sheet
        units.append(
            Unit(
                text=text,
                kind="row",
                section=section,
                original=row.text if row.text != text else None,
                line_start=row.number,
                line_end=row.number,
                start=start,
                end=start + len(raw),
                metadata=dict(row.metadata),
            )
        )
    return units
