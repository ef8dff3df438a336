"""User-facing exceptions.

Every exception raised for a user's mistake or a bad file derives from
:class:`UdsatteError`. Its ``str()`` is one line in Danish that names the file
(when there is one) and says what to do. The CLI prints exactly that line and
exits with code 2; it never shows a traceback for these.
"""

from __future__ import annotations

from pathlib import Path


class UdsatteError(Exception):
    """Base class for errors the user can act on (exit code 2 in the CLI)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        parts.append(self.message.rstrip("."))
        if self.hint:
            parts.append(f". {self.hint.rstrip('.')}")
        parts.append(".")
        return " ".join("".join(parts).split())


class InputError(UdsatteError):
    """A file could not be read: missing, unsupported, empty, binary, corrupt, encrypted."""


class ConfigError(UdsatteError):
    """A bad option, codebook or configuration file."""


class ProjectError(UdsatteError):
    """The project database is missing, from a newer version, or locked."""


class ConflictError(ProjectError):
    """Someone else changed the project since it was read (optimistic check failed)."""
