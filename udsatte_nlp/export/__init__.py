"""Exports: one format-neutral :class:`Summary`, one small module per format."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .summary import Summary, build_summary

__all__ = ["FORMATS", "export", "build_summary", "Summary"]


def _csv(summary: Summary, path: Path) -> None:
    from .csv import write_csv

    write_csv(summary, path)


FORMATS: dict[str, Callable[[Summary, Path], None]] = {"csv": _csv}


def export(store: Any, fmt: str, path: str | Path, *, title: str | None = None) -> Path:
    """Write the project's summary as ``fmt`` to ``path`` atomically (temp file, then rename)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ConfigError(f"Ukendt format '{fmt}'", hint=f"Vælg et af: {', '.join(sorted(FORMATS))}")
    path = Path(path)
    if not path.parent.exists():
        raise ConfigError("Mappen findes ikke", path=path.parent, hint="Opret mappen eller vælg en anden sti med -o")
    if not store.themes():
        raise ConfigError("Projektet har ingen temaer endnu", path=store.path, hint="Kør først 'udsatte-nlp analyze'")
    summary = build_summary(store, title=title)
    fd, tmp = tempfile.mkstemp(prefix=".udsatte-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        FORMATS[fmt](summary, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
