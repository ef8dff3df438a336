"""Reader for HTML pages (.html, .htm): the readable text, one block per line."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest.encoding import decode_bytes
from udsatte_nlp.ingest.grid import table_lines
from udsatte_nlp.ingest.text import truncate
from udsatte_nlp.records import Document

#: Elements that never hold the page's own text.
DROP_TAGS = frozenset(
    "script style noscript template svg nav header footer aside iframe button "
    "head title meta link object embed canvas select option".split()
)

#: Whole words in id/class/aria-label/role that mark page furniture.
NOISE_WORDS = frozenset(
    "cookie cookies cookiebot cookiebanner cookieconsent consent gdpr samtykke "
    "nav navbar navigation navigering menu menus menubar megamenu submenu "
    "breadcrumb breadcrumbs brødkrumme brødkrummer skip skiplink skiplinks skipnav "
    "share sharing social banner footer header masthead topbar".split()
)
NOISE_ROLES = frozenset("navigation banner contentinfo menu menubar menuitem search".split())
# Never dropped for their attributes (e.g. <body class="has-nav">).
_KEEP = frozenset("html body main article".split())

BLOCK_TAGS = frozenset(
    "address article blockquote caption dd details dialog div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr legend li main ol p pre section summary table tbody "
    "td tfoot th thead tr ul".split()
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[^0-9A-Za-zÆØÅæøå]+|(?<=[a-zæøå])(?=[A-ZÆØÅ])")


def read_html(data: bytes, path: Path) -> Document:
    """Parse an HTML page with BeautifulSoup/lxml and keep its readable text."""
    from bs4 import BeautifulSoup

    markup, encoding = decode_html(data, path)
    soup = BeautifulSoup(markup, "lxml")
    title = _title(soup)
    _remove_noise(soup)
    root = soup.body or soup
    info: dict[str, str] = {}
    text = "\n".join(_lines(root, info))
    if not text.strip():
        raise InputError("Siden indeholder ingen læsbar tekst", path=path, hint="Tjek at det er den rigtige fil")
    if title is None:
        h1 = root.find("h1")
        title = (truncate(h1.get_text(" ", strip=True)) or None) if h1 else None
    metadata: dict[str, Any] = {"encoding": encoding}
    if info:
        metadata["info"] = info
    return Document(path=str(path), format="html", text=text, sha256="", title=title, metadata=metadata)


def decode_html(data: bytes, path: Path) -> tuple[str, str]:
    """Decode with the ``<meta charset>`` declaration, else :func:`decode_bytes`.

    A byte-order mark wins over the declaration, as in browsers.
    """
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            name = codecs.lookup(match.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            name = None
        if name in {"iso8859-1", "ascii"}:
            name = "cp1252"  # what browsers do
        if name and not name.startswith("utf-16"):
            try:
                markup = data.decode(name)
            except UnicodeDecodeError:
                pass
            else:
                if markup.strip():
                    return markup.replace("\x00", " "), name
    return decode_bytes(data, path)


def _title(soup: Any) -> str | None:
    tag = soup.find("title")
    if tag is not None:
        title = tag.get_text(" ", strip=True)
        if title:
            return truncate(title)
    return None


def _is_noise(tag: Any) -> bool:
    """True if the tag's id/class/aria-label/role marks navigation, banners and the like."""
    if tag.name in _KEEP or tag.attrs is None:
        return False
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    role = str(tag.get("role", "")).lower().split()
    if NOISE_ROLES.intersection(role):
        return True
    values: list[str] = []
    for attr in ("id", "class", "aria-label"):
        value = tag.get(attr)
        if isinstance(value, list):
            values.extend(value)
        elif value:
            values.append(str(value))
    for value in values:
        words = {w.lower() for w in _WORD_SPLIT.split(value) if w}
        if NOISE_WORDS.intersection(words):
            return True
    return False


def _remove_noise(soup: Any) -> None:
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    # Forms go too, unless the whole page sits in one (ASP.NET/SharePoint sites).
    for tag in soup.find_all("form"):
        if not tag.decomposed and tag.find(["main", "article", "h1"]) is None:
            tag.decompose()
    for tag in soup.find_all(_is_noise):
        if not tag.decomposed:
            tag.decompose()


_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CELL_TAGS = ("td", "th")
MAX_CELL_WORDS = 200  # a longer cell is page layout, not a table of inputs


def _lines(root: Any, info: dict[str, str] | None = None) -> list[str]:
    """Walk the tree (iteratively) and return one line per block; ``<li>`` → ``• text``.

    A data table is read cell by cell (:func:`udsatte_nlp.ingest.grid.table_lines`,
    with the last heading above it); key/value tables go into ``info``. Layout
    tables (nested tables, ``role="presentation"``, very long cells) are walked
    like any other block.
    """
    from bs4 import NavigableString, Tag

    lines: list[str] = []
    heading: str | None = None
    buffer: list[str] = []
    prefix = ""

    def flush() -> None:
        nonlocal prefix
        line = " ".join("".join(buffer).split())
        buffer.clear()
        if line:
            lines.append(prefix + line)
            prefix = ""

    # Stack of (node, leaving); a tag is pushed twice: entering and leaving.
    stack: list[tuple[Any, bool]] = [(root, False)]
    pre_depth = 0
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            text = str(node)
            if pre_depth and "\n" in text:
                first, *rest = text.split("\n")
                buffer.append(first)
                for part in rest:
                    flush()
                    buffer.append(part)
            else:
                buffer.append(text)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name == "br":
            flush()
            continue
        if leaving:
            if name in BLOCK_TAGS:
                n = len(lines)
                flush()
                if name in _HEADINGS and len(lines) > n:
                    heading = lines[-1]
            if name == "li":
                prefix = ""
            if name == "pre":
                pre_depth -= 1
            continue
        if name in BLOCK_TAGS:
            flush()
        if name == "table" and (grid := _data_table(node)) is not None:
            read = table_lines(grid[0], heading=heading, header=grid[1])
            lines.extend(read.lines)
            if info is not None:
                info.update(read.info)
            continue
        if name == "li":
            prefix = "• "
        if name == "pre":
            pre_depth += 1
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return lines


def _data_table(table: Any) -> tuple[list[list[list[str]]], bool | None] | None:
    """``(grid, header_marked)`` of a data table, or ``None`` for a layout table."""
    role = str(table.get("role", "")).lower()
    if role in ("presentation", "none") or table.find("table") is not None:
        return None
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    grid: list[list[list[str]]] = []
    spans: dict[int, tuple[int, list[str]]] = {}  # column -> (rows left, cell) of a rowspan from above
    for tr in rows:
        cells = tr.find_all(_CELL_TAGS, recursive=False)
        row: list[list[str]] = []
        col = 0

        def fill_spans() -> None:
            nonlocal col
            while col in spans:
                left, _ = spans[col]
                row.append([])  # a cell merged from above appears once, in its first row
                if left <= 1:
                    del spans[col]
                else:
                    spans[col] = (left - 1, [])
                col += 1

        for cell in cells:
            fill_spans()
            lines = _lines(cell)
            if sum(len(line.split()) for line in lines) > MAX_CELL_WORDS or cell.find(list(_HEADINGS)):
                return None
            row.append(lines)
            colspan, rowspan = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            if rowspan > 1:
                spans[col] = (rowspan - 1, [])
            col += 1
            for _ in range(colspan - 1):
                row.append([])
                col += 1
        fill_spans()
        grid.append(row)
    if not grid:
        return None
    first = rows[0]
    header = True if (first.find_parent("thead") is not None
                      or all(c.name == "th" for c in first.find_all(_CELL_TAGS, recursive=False))) else None
    return grid, header


def _span(value: Any) -> int:
    try:
        return max(1, min(int(str(value).strip()), 50))
    except (TypeError, ValueError):
        return 1
