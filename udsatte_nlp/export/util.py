"""Helpers shared by the export formats."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading an input as a formula (``=HYPERLINK(…)``)."""
    return "'" + text if text.startswith(_FORMULA_START) else text
