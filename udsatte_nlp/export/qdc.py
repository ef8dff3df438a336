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

from .summary import Summary, percent
from .util import xml_safe

NAMESPACE = "urn:QDA-XML:codebook:1.0"
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://udsatte-nlp.invalid/refi-qda/code")


def code_guid(label: str) -> str:
    """Stable GUID of a code: UUID 5 of its label (case and spacing ignored), upper case as in REFI-QDA files."""
    return str(uuid.uuid5(_GUID_NAMESPACE, " ".join(label.casefold().split()))).upper()


def _description(summary: Summary, theme: object) -> str:
    t = theme
    lines = [t.description] if t.description else []  # type: ignore[attr-defined]
    lines.append(f"{t.size} input ({percent(t.share)}) i «{summary.title}».")  # type: ignore[attr-defined]
    if t.keywords:  # type: ignore[attr-defined]
        lines.append("Nøgleord: " + ", ".join(t.keywords))  # type: ignore[attr-defined]
    if t.representatives:  # type: ignore[attr-defined]
        lines.append("Eksempler:")
        lines.extend(f"- {q}" for q in t.representatives)  # type: ignore[attr-defined]
    return xml_safe("\n".join(lines))


def write(summary: Summary, path: str | Path) -> None:
    root = ET.Element("CodeBook", {"xmlns": NAMESPACE, "origin": "udsatte-nlp"})
    codes = ET.SubElement(root, "Codes")
    seen: set[str] = set()
    for t in summary.themes:
        guid = code_guid(t.label)
        if guid in seen:  # two themes with the same label still need two codes
            guid = code_guid(f"{t.label}\x1f{t.id}")
        seen.add(guid)
        code = ET.SubElement(
            codes,
            "Code",
            {"guid": guid, "name": xml_safe(t.label), "isCodable": "true", "color": t.color.upper()},
        )
        ET.SubElement(code, "Description").text = _description(summary, t)
    ET.indent(root)
    with open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
        fh.write(ET.tostring(root, encoding="utf-8", xml_declaration=False))
        fh.write(b"\n")
