"""A document's title, from what the cleaner kept.

Readers take a title from the file as it is: the first line of a text file,
the first heading of a Markdown or Word file, or the file's own properties (a
PDF's or Word file's *Title*, an HTML ``<title>``). A first line can be web
debris ("Gå direkte til indhold") or OCR damage ("Opsamling pa landspanel:
Dremme …"), so :func:`document_title` settles the title after cleaning:

* a title from the file's properties is kept (an author wrote it), and so is
  a title read from a line of the text when the cleaner kept that line as it
  was and it is short enough to be one (not cut with "…"); debris never is;
* otherwise the first heading of the *cleaned* text, as the segmenter reads
  it, when it comes before the content (:func:`udsatte_nlp.segment.first_heading`;
  a title over two lines is joined with `` – ``);
* otherwise the file name without its suffix.

>>> from udsatte_nlp.records import Document
>>> doc = Document("noter/møde.txt", "txt", "Gå direkte til indhold\\nMøde om bolig\\n\\nVi talte om boliger.", "")
>>> document_title(doc, "Møde om bolig\\n\\nVi talte om boliger.")
'Møde om bolig'
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePath

from .records import Document

__all__ = ["document_title"]


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold().lstrip("•*-–#· ")


def _read_from_text(title: str, text: str) -> bool:
    """Whether a reader took ``title`` from a line of ``text`` (possibly cut short with "…")."""
    t = _norm(title)
    cut = t.endswith("…")
    t = t.rstrip("…").rstrip()
    return any((_norm(ln).startswith(t) if cut else _norm(ln) == t) for ln in text.splitlines() if ln.strip())


def document_title(doc: Document, clean_text: str, *, chrome: Collection[str] = ()) -> str:
    """The title of ``doc`` given its cleaned text (see the module docstring); never empty."""
    from .ingest.text import truncate
    from .segment import first_heading, is_debris

    given = " ".join((doc.title or "").split())
    if given and not is_debris(given):
        if not _read_from_text(given, doc.text):
            return given  # the file's own title (document properties, <title>)
        if _read_from_text(given, clean_text) and not given.endswith("…"):
            return given  # a first line the cleaner kept as it was (a line cut short is prose, not a title)
    if doc.rows is None:
        heading = first_heading(clean_text, chrome=chrome)
        if heading:
            return truncate(heading)
    return PurePath(doc.path).stem or doc.name
