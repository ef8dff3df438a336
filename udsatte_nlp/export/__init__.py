"""Exports: one format-neutral :class:`Summary`, one small module per format.

Each format module has ``write(summary, path)``; :func:`export` builds the
summary from the store (pseudonymised when asked) and writes it atomically.

=======  ==========================================================
format   what
=======  ==========================================================
docx     Word report: method, theme table, per theme quotes and inputs
xlsx     Excel: sheets Temaer, Input, Rettelser, Over tid (several years)
md       Markdown text
html     one self-contained web page with the theme chart (inline SVG)
csv      one row per input
json     the whole summary (schema: ``udsatte_nlp/data/summary.schema.json``)
qdc      REFI-QDA codebook for NVivo, ATLAS.ti and MAXQDA
qdpx     REFI-QDA project: every document, every input coded with its theme
=======  ==========================================================
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .summary import Summary, build_summary, pseudonymise
from .summary import pseudonymise as _pseudonymise

__all__ = ["FORMATS", "SUFFIXES", "export", "write_summary", "format_for", "build_summary", "pseudonymise", "Summary"]


def _writer(module: str) -> Callable[[Summary, Path], None]:
    def write(summary: Summary, path: Path) -> None:
        import_module(f"{__name__}.{module}").write(summary, path)

    write.__name__ = f"write_{module}"
    return write


#: Format name → writer ``(summary, path)``. Modules are imported when used.
FORMATS: dict[str, Callable[[Summary, Path], None]] = {
    name: _writer(name) for name in ("docx", "xlsx", "md", "html", "csv", "json", "qdc", "qdpx")
}
#: Formats that carry the documents' texts (the summary is built with ``sources=True``).
PROJECT_FORMATS = {"qdpx"}
#: File suffixes that name a format.
SUFFIXES = {".docx": "docx", ".xlsx": "xlsx", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
            ".csv": "csv", ".json": "json", ".qdc": "qdc", ".qdpx": "qdpx"}  # fmt: skip


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` when given, else the one the file's suffix names."""
    if fmt:
        name = fmt.lower().lstrip(".")
    else:
        suffix = Path(path).suffix.lower()
        if suffix not in SUFFIXES:
            raise ConfigError(
                f"Formatet kan ikke ses af filnavnet ('{suffix or 'ingen endelse'}')",
                path=path,
                hint=f"Brug --format med et af: {', '.join(FORMATS)}",
            )
        name = SUFFIXES[suffix]
    if name not in FORMATS:
        raise ConfigError(f"Ukendt format '{name}'", hint=f"Vælg et af: {', '.join(FORMATS)}")
    return name


def write_summary(summary: Summary, fmt: str, path: str | Path) -> Path:
    """Write an already built ``summary`` as ``fmt`` to ``path`` atomically (temp file, then rename)."""
    fmt = format_for(path, fmt)
    path = Path(path)
    if not path.parent.exists():
        raise ConfigError("Mappen findes ikke", path=path.parent, hint="Opret mappen eller vælg en anden sti med -o")
    fd, tmp = tempfile.mkstemp(prefix=".udsatte-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        FORMATS[fmt](summary, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export(
    store: Any,
    fmt: str | None,
    path: str | Path,
    *,
    title: str | None = None,
    pseudonymise: bool = False,
    year: int | None = None,
) -> Path:
    """Write the project's summary as ``fmt`` (``None``: from the suffix) to ``path`` atomically.

    With ``pseudonymise`` people's names, CPR numbers, phone numbers and
    e-mail addresses are replaced by placeholders in every text of the file.
    ``year`` restricts the summary to the inputs of one year.
    """
    fmt = format_for(path, fmt)
    path = Path(path)
    if not path.parent.exists():
        raise ConfigError("Mappen findes ikke", path=path.parent, hint="Opret mappen eller vælg en anden sti med -o")
    if not store.themes():
        raise ConfigError("Projektet har ingen temaer endnu", path=store.path, hint="Kør først 'udsatte-nlp analyze'")
    from ..review import refresh_if_stale

    refresh_if_stale(store)  # keywords and model labels left stale by a quick command-line edit
    summary = build_summary(store, title=title, year=year, sources=fmt in PROJECT_FORMATS)
    if year is not None and not summary.n_units:
        years = ", ".join(str(y) for y in store.info()["years"]) or "ingen"
        raise ConfigError(f"Projektet har ingen input fra {year}", path=store.path, hint=f"År i projektet: {years}")
    if pseudonymise:
        summary = _pseudonymise(summary)
    return write_summary(summary, fmt, path)
