"""REFI-QDA project export (``.qdpx``): the coded material for NVivo, ATLAS.ti, MAXQDA and QualCoder.

A ``.qdpx`` is a zip with ``project.qde`` (QDA-XML 1.0, namespace
``urn:QDA-XML:project:1.0``, valid against the REFI-QDA Project schema of March
2019) and ``sources/``:

* ``Users``: udsatte-nlp (the model) and *Medarbejder* (the staff who reviewed
  the themes in the app);
* ``CodeBook``: one code per theme, with the same GUIDs and descriptions as the
  ``.qdc`` codebook (:mod:`udsatte_nlp.export.qdc`) plus who named the theme;
* ``Variables``: *År* and *Dokument*, set on each source, so the receiving
  program can compare years;
* ``Sources``: one ``TextSource`` per document whose plain text is
  ``sources/<guid>.txt`` (UTF-8, ``\\n`` line ends, no byte order mark); every
  input is a ``PlainTextSelection`` whose ``startPosition``/``endPosition`` are
  character offsets into that text (the slice *is* the input's text, see
  :class:`~udsatte_nlp.export.summary.SourceText`), with a ``Coding`` of its
  theme's code whose ``creatingUser`` says whether the model or a person placed it.

GUIDs are UUID 5 of stable keys (a document's SHA-256, an input's id), so the
same project exports the same file, and ``import-coding`` recognises its own
documents and codes when the file comes back. Positions count Unicode code
points, as Python and QualCoder do.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .. import __version__
from .qdc import code_guids, description
from .summary import SourceText, Summary
from .util import xml_safe

NAMESPACE = "urn:QDA-XML:project:1.0"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://udsatte-nlp.invalid/refi-qda/project")

#: The two users of every exported project: the tool (the model's placements) and the staff.
TOOL_USER = str(uuid.uuid5(_NS, "user:udsatte-nlp")).upper()
PERSON_USER = str(uuid.uuid5(_NS, "user:medarbejder")).upper()
TOOL_NAME = "udsatte-nlp (model)"
PERSON_NAME = "Medarbejder"
_VARIABLES = {"år": str(uuid.uuid5(_NS, "variable:år")).upper(), "dokument": str(uuid.uuid5(_NS, "variable:dokument")).upper()}


def _guid(key: str) -> str:
    return str(uuid.uuid5(_NS, key)).upper()


def source_guid(sha256: str) -> str:
    """The GUID of a document's ``TextSource``: the same in every export of any project holding the file."""
    return _guid(f"source:{sha256}")


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, {k: v for k, v in (attrs or {}).items() if v is not None})


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = text
    return el


def project_xml(summary: Summary) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` as bytes, and ``{file name under sources/: text}``."""
    stamp = f"{summary.created}T00:00:00Z"
    root = ET.Element(
        "Project",
        {"xmlns": NAMESPACE, "name": xml_safe(summary.title), "origin": f"udsatte-nlp {__version__}",
         "creatingUserGUID": TOOL_USER, "creationDateTime": stamp},
    )  # fmt: skip
    users = _sub(root, "Users")
    _sub(users, "User", {"guid": TOOL_USER, "name": TOOL_NAME, "id": "udsatte-nlp"})
    _sub(users, "User", {"guid": PERSON_USER, "name": PERSON_NAME, "id": "medarbejder"})

    codes = _sub(_sub(root, "CodeBook"), "Codes")
    guids = code_guids(summary.themes)
    for t in summary.themes:
        code = _sub(codes, "Code", {"guid": guids[t.id], "name": xml_safe(t.label), "isCodable": "true",
                                    "color": t.color.upper()})  # fmt: skip
        _text(code, "Description", description(summary, t, examples=False))

    if not summary.sources:
        raise ValueError("a .qdpx needs the documents' texts: build the summary with sources=True")
    variables = _sub(root, "Variables")
    _text(_sub(variables, "Variable", {"guid": _VARIABLES["år"], "name": "År", "typeOfVariable": "Integer"}),
          "Description", "Året, dokumentets input er fra")  # fmt: skip
    _text(_sub(variables, "Variable", {"guid": _VARIABLES["dokument"], "name": "Dokument", "typeOfVariable": "Text"}),
          "Description", "Filen, teksten kommer fra")  # fmt: skip

    units = {u["unit_id"]: u for u in summary.units}
    files: dict[str, str] = {}
    sources = _sub(root, "Sources")
    for src in summary.sources:
        _source(sources, src, units, guids, stamp, files)

    if summary.method_note:
        _text(root, "Description", xml_safe(summary.method_note))
    ET.indent(root)
    xml = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    return xml, files


def _source(
    parent: ET.Element, src: SourceText, units: dict[int, dict], guids: dict[int, str], stamp: str, files: dict[str, str]
) -> None:
    guid = source_guid(src.sha256)
    name = f"{guid}.txt"
    files[name] = src.text
    el = _sub(parent, "TextSource", {"guid": guid, "name": xml_safe(src.document), "plainTextPath": f"internal://{name}",
                                     "creatingUser": TOOL_USER, "creationDateTime": stamp})  # fmt: skip
    if src.title:
        _text(el, "Description", xml_safe(src.title))
    for uid, (start, end) in src.spans().items():
        u = units.get(uid)
        if u is None or u.get("theme_id") is None or u["theme_id"] not in guids:
            continue  # an input outside the summary (another year), or without a theme
        user = PERSON_USER if u.get("assigned_by") == "human" else TOOL_USER
        sel_guid = _guid(f"selection:{src.sha256}:{uid}")
        sel = _sub(el, "PlainTextSelection", {"guid": sel_guid, "name": f"Input {uid}", "startPosition": str(start),
                                              "endPosition": str(end), "creatingUser": user,
                                              "creationDateTime": stamp})  # fmt: skip
        coding = _sub(sel, "Coding", {"guid": _guid(f"coding:{sel_guid}:{guids[u['theme_id']]}"), "creatingUser": user,
                                      "creationDateTime": stamp})  # fmt: skip
        _sub(coding, "CodeRef", {"targetGUID": guids[u["theme_id"]]})
    if src.year is not None:
        vv = _sub(el, "VariableValue")
        _sub(vv, "VariableRef", {"targetGUID": _VARIABLES["år"]})
        _text(vv, "IntegerValue", str(src.year))
    vv = _sub(el, "VariableValue")
    _sub(vv, "VariableRef", {"targetGUID": _VARIABLES["dokument"]})
    _text(vv, "TextValue", xml_safe(src.document))


def write(summary: Summary, path: str | Path) -> None:
    """Write ``summary`` (built with ``sources=True``) as a ``.qdpx`` zip."""
    xml, files = project_xml(summary)
    year, month, day = (int(x) for x in summary.created.split("-"))
    stamp = (max(year, 1980), month, day, 0, 0, 0)  # fixed times: the same project gives the same bytes

    def put(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        zf.writestr(info, data)

    with zipfile.ZipFile(path, "w") as zf:
        put(zf, "project.qde", xml)
        for name, text in sorted(files.items()):
            put(zf, f"sources/{name}", text.encode("utf-8"))
