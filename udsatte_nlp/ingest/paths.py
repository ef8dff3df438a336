"""Which files to read: supported suffixes and walking input folders."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from udsatte_nlp.errors import InputError

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".csv", ".tsv", ".xlsx",
     ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)

# Formats people often have, and what to save them as instead.
_SAVE_AS: dict[str, str] = {
    ".doc": ".docx",
    ".odt": ".docx",
    ".rtf": ".docx",
    ".pages": ".docx",
    ".xls": ".xlsx",
    ".ods": ".xlsx",
    ".numbers": ".xlsx",
    ".heic": ".jpg",
    ".heif": ".jpg",
    ".gif": ".png",
    ".bmp": ".png",
    ".webp": ".png",
}
_SKIP_DIRS = frozenset({"__MACOSX"})


def check_suffix(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` has a supported suffix."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return
    if suffix in _SAVE_AS:
        hint = f"Gem filen som {_SAVE_AS[suffix]} og prøv igen"
    else:
        hint = "Understøttede filtyper: " + ", ".join(sorted(SUPPORTED_SUFFIXES))
    raise InputError(f"Filtypen {suffix or '(ingen endelse)'} understøttes ikke", path=path, hint=hint)


def missing(path: str | Path) -> InputError:
    """The error for a path that does not exist."""
    return InputError("Filen findes ikke", path=path, hint="Tjek stien")


def collect_paths(inputs: Iterable[str | Path]) -> tuple[list[Path], list[InputError]]:
    """Expand files and folders into the list of files to read.

    Files named explicitly are kept as given; a missing one or one with an
    unsupported suffix raises :class:`InputError` at once. Folders are walked
    recursively in sorted order, keeping supported files and skipping hidden
    files/folders and Office lock files (``~$*``). A file reached twice is
    listed once. The second list is reserved for warnings (empty for now).
    """
    paths: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            paths.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for found in _walk(path):
                add(found)
        elif path.exists():
            check_suffix(path)
            add(path)
        else:
            raise missing(item)
    return paths, []


def _walk(root: Path) -> list[Path]:
    """Supported, visible files under ``root``, sorted by their path below it."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not _hidden(d) and d not in _SKIP_DIRS]
        base = Path(folder)
        for name in files:
            if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(base / name)

    def key(path: Path) -> tuple[tuple[str, str], ...]:
        return tuple((part.casefold(), part) for part in path.relative_to(root).parts)

    return sorted(found, key=key)


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))
