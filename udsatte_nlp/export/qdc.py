"""REFI-QDA codebook export (``.qdc``): the themes as codes for NVivo, ATLAS.ti, MAXQDA, QualCoder.

The file follows the REFI-QDA Codebook standard 1.0 (namespace
``urn:QDA-XML:codebook:1.0``): ``CodeBook/Codes/Code`` with ``guid``,
``name``, ``isCodable`` and ``color``, and a ``Description`` holding the theme's
description, size, keywords and representative quotes. GUIDs are UUID 5 of the
theme's label, so the same theme gets the same code in every export and in
every year's project, and a tool can merge codebooks.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from .summary import Summary, ThemeSummary, percent
from .util import xml_safe

NAMESPACE = "urn:QDA-XML:codebook:1.0"
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://udsatte-nlp.invalid/refi-qda/code")


def code_guid(label: str) -> str:
    """Stable GUID of a code: UUID 5 of its label (case and spacing ignored), upper case as in REFI-QDA files."""
    return str(uuid.uuid5(_GUID_NAMESPACE, " ".join(label.casefold().split()))).upper()


#: How a code's description says who named the theme (``ThemeSummary.label_source``).
LABEL_SOURCES = {
    "model": "Navnet er foreslået af udsatte-nlp.",
    "human": "Navnet er givet af en medarbejder.",
    "codebook": "Navnet kommer fra kodebogen.",
    "meaning": "Navnet er valgt af udsatte-nlp ud fra temaets betydning.",
    "vocabulary": "Navnet er valgt af udsatte-nlp blandt socialpolitiske temanavne ud fra temaets betydning.",
}


def code_guids(themes: list[ThemeSummary]) -> dict[int, str]:
    """``{theme id: code GUID}``: :func:`code_guid` of the label; two themes with one label still get two codes."""
    out: dict[int, str] = {}
    for t in themes:
        guid = code_guid(t.label)
        if guid in out.values():
            guid = code_guid(f"{t.label}\x1f{t.id}")
        out[t.id] = guid
    return out


def description(summary: Summary, theme: ThemeSummary, *, examples: bool = True) -> str:
    """A code's description: the theme's description, size, keywords, who named it and (optionally) quotes.

    :func:`udsatte_nlp.refi.reader` reads the ``Nøgleord:`` line and the examples back
    when the file is used as a codebook.
    """
    t = theme
    lines = [t.description] if t.description else []
    lines.append(f"{t.size} input ({percent(t.share)}) i «{summary.title}».")
    if t.keywords:
        lines.append("Nøgleord: " + ", ".join(t.keywords))
    lines.append(LABEL_SOURCES.get(t.label_source, LABEL_SOURCES["model"]))
    if examples and t.representatives:
        lines.append("Eksempler:")
        lines.extend(f"- {q}" for q in t.representatives)
    return xml_safe("\n".join(lines))


def write(summary: Summary, path: str | Path) -> None:
    root = ET.Element("CodeBook", {"xmlns": NAMESPACE, "origin": "udsatte-nlp"})
    codes = ET.SubElement(root, "Codes")
    guids = code_guids(summary.themes)
    for t in summary.themes:
        code = ET.SubElement(
            codes,
            "Code",
            {"guid": guids[t.id], "name": xml_safe(t.label), "isCodable": "true", "color": t.color.upper()},
        )
        ET.SubElement(code, "Description").text = description(summary, t)
    ET.indent(root)
    with open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
        fh.write(ET.tostring(root, encoding="utf-8", xml_declaration=False))
        fh.write(b"\n")
