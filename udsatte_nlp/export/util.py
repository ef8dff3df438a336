"""Helpers shared by the export formats."""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids (Word, Excel and .qdc files are XML): C0 controls except tab/newline/CR,
# lone surrogates and the two non-characters U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading an input as a formula (``=HYPERLINK(…)``)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def xml_safe(text: str | None) -> str:
    """``text`` without the control characters an XML file cannot hold (``None`` → ``""``)."""
    return _XML_ILLEGAL.sub("", text) if text else ""


def sheet_cell(value: object) -> object:
    """A value ready for an xlsx cell: strings made XML-safe and formula-safe, the rest unchanged."""
    if isinstance(value, str):
        return safe_cell(xml_safe(value))
    return value
