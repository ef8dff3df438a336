"""Read REFI-QDA files: codebooks (``.qdc``) and projects (``.qdpx``).

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is how NVivo, ATLAS.ti, MAXQDA and
QualCoder exchange work. A ``.qdc`` is one XML ``CodeBook``; a ``.qdpx`` is a zip
with one ``.qde`` XML ``Project`` (users, codebook, variables, sources with their
coded selections) and the sources' files under ``sources/``.

This module only reads: it returns plain records and knows nothing of a
project store, so both :mod:`udsatte_nlp.themes.codebook` (``--codebook``) and
:mod:`udsatte_nlp.refi.importer` (``import-coding``) use it. A file that cannot
be read raises :class:`~udsatte_nlp.errors.ConfigError` with one Danish line.

Elements are matched by their local name, whatever the namespace version
(``urn:QDA-XML:project:1.0``, ``urn:QDA-XML:codebook:1.0`` or older drafts), and
the XML is parsed without entities or network access. As in QualCoder, a code is
codable unless it says ``isCodable="false"``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ConfigError, UdsatteError

__all__ = ["QdaCode", "QdaSelection", "QdaSource", "QdaProject", "read_codebook", "read_project", "decode_text", "norm_guid"]

#: Largest .qdpx or .qdc we open, and the largest file inside a .qdpx we unpack (a zip bomb guard).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class QdaCode:
    """One code of a codebook. ``path`` holds the names from the top code down to this one."""

    guid: str
    name: str
    description: str = ""
    codable: bool = True
    color: str | None = None
    parent: str | None = None  # the parent code's guid
    path: tuple[str, ...] = ()


@dataclass
class QdaSelection:
    """A coded stretch ``[start, end)`` of a text source, with ``(code guid, user guid)`` per coding."""

    guid: str
    start: int
    end: int
    codings: list[tuple[str, str | None]] = field(default_factory=list)
    creating_user: str | None = None


@dataclass
class QdaSource:
    """A text source: its plain text (None when the file does not hold it) and its coded selections."""

    guid: str
    name: str
    text: str | None
    selections: list[QdaSelection] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # why the text is missing, in Danish


@dataclass
class QdaProject:
    name: str
    origin: str
    codes: list[QdaCode]
    users: dict[str, str]  # guid -> name
    sources: list[QdaSource]
    other_sources: int = 0  # PDF, picture, audio and video sources (not read)

    def code(self, guid: str) -> QdaCode | None:
        wanted = norm_guid(guid)
        for c in self.codes:
            if c.guid == wanted:
                return c
        return None


# ------------------------------------------------------------------- XML
def norm_guid(value: str | None) -> str:
    """A GUID as udsatte-nlp compares them: upper case, without the braces some programs write."""
    return (value or "").strip().strip("{}").strip().upper()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Any, name: str) -> Iterator[Any]:
    for child in el:
        if _local(child.tag) == name:
            yield child


def _child(el: Any, name: str) -> Any:
    return next(_children(el, name), None)


def _parse_xml(data: bytes, source: str, what: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        return etree.parse(io.BytesIO(data), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise ConfigError(
            f"{what} er ikke gyldig XML ({exc.msg}, linje {exc.lineno})", path=source,
            hint="Eksportér filen igen fra QDA-programmet",
        ) from None


def _codes(codes_el: Any, source: str) -> list[QdaCode]:
    out: list[QdaCode] = []

    def walk(el: Any, parent: QdaCode | None) -> None:
        for c in _children(el, "Code"):
            name = " ".join((c.get("name") or "").split())
            guid = norm_guid(c.get("guid"))
            if not name or not guid:
                raise ConfigError(
                    "En kode mangler navn eller guid", path=source, hint="Eksportér kodebogen igen fra QDA-programmet"
                )
            desc_el = _child(c, "Description")
            code = QdaCode(
                guid=guid,
                name=name,
                description=(desc_el.text or "").strip() if desc_el is not None else "",
                codable=(c.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                color=c.get("color"),
                parent=parent.guid if parent else None,
                path=(*(parent.path if parent else ()), name),
            )
            out.append(code)
            walk(c, code)

    walk(codes_el, None)
    return out


# -------------------------------------------------------------- codebook
def read_codebook(path: str | Path) -> list[QdaCode]:
    """Every code of a ``.qdc`` codebook or of a ``.qdpx`` project's codebook, parents before children."""
    p = Path(path)
    if p.suffix.lower() == ".qdpx":
        return read_project(p).codes
    data = _read_bytes(p, "Kodebogen")
    root = _parse_xml(data, str(p), "Kodebogen")
    if _local(root.tag) == "Project":
        return _project(root, str(p), {}).codes
    if _local(root.tag) != "CodeBook":
        raise ConfigError(
            f"Filen er ingen REFI-QDA-kodebog (rodelementet hedder {_local(root.tag) or '?'}, ikke CodeBook)",
            path=p, hint="Vælg en .qdc-fil eksporteret fra NVivo, ATLAS.ti, MAXQDA eller QualCoder",
        )
    codes_el = _child(root, "Codes")
    if codes_el is None:
        raise ConfigError("Kodebogen har ingen koder", path=p, hint="Eksportér kodebogen igen")
    return _codes(codes_el, str(p))


def _read_bytes(p: Path, what: str) -> bytes:
    if not p.is_file():
        raise ConfigError(f"{what} findes ikke", path=p, hint="Tjek stien")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ConfigError(f"{what} er for stor (over {MAX_FILE_BYTES // 2**20} MB)", path=p)
    data = p.read_bytes()
    if not data.strip():
        raise ConfigError(f"{what} er tom", path=p, hint="Eksportér filen igen")
    return data


# --------------------------------------------------------------- project
def read_project(path: str | Path) -> QdaProject:
    """A ``.qdpx`` project: its codes, users and text sources with their coded selections.

    Only text sources are read (their plain text from ``sources/`` or
    ``PlainTextContent``); PDF, picture, audio and video sources are counted in
    ``other_sources``.
    """
    p = Path(path)
    data = _read_bytes(p, "Projektfilen")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ConfigError(
            "Filen er ikke et REFI-QDA-projekt (.qdpx er en zip-fil)", path=p,
            hint="Eksportér projektet igen fra QDA-programmet som REFI-QDA-projekt",
        ) from None
    with zf:
        members = {PurePosixPath(i.filename).as_posix(): i for i in zf.infolist() if not i.is_dir()}
        qde = [m for m in members if m.lower().endswith(".qde") and "/" not in m.strip("/")]
        qde = qde or [m for m in members if m.lower().endswith(".qde")]
        if not qde:
            raise ConfigError(
                "Projektfilen mangler sin project.qde", path=p, hint="Eksportér projektet igen fra QDA-programmet"
            )
        name = "project.qde" if "project.qde" in qde else sorted(qde)[0]

        def read(member: str) -> bytes | None:
            info = members.get(member)
            if info is None:
                wanted = member.casefold()  # 'Sources/' and 'sources/' both occur in the wild
                info = next((i for m, i in members.items() if m.casefold() == wanted), None)
            if info is None:
                return None
            if info.file_size > MAX_MEMBER_BYTES:
                raise ConfigError(f"{member} i projektet er for stor", path=p)
            try:
                return zf.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise ConfigError(f"Projektfilen er beskadiget ({exc})", path=p, hint="Eksportér den igen") from None

        root = _parse_xml(read(name) or b"", str(p), "Projektets project.qde")
        if _local(root.tag) != "Project":
            raise ConfigError(
                f"project.qde er intet REFI-QDA-projekt (rodelementet hedder {_local(root.tag) or '?'})", path=p,
                hint="Eksportér projektet igen fra QDA-programmet",
            )
        return _project(root, str(p), {"read": read})


def _project(root: Any, source: str, ctx: dict[str, Any]) -> QdaProject:
    users = {}
    users_el = _child(root, "Users")
    if users_el is not None:
        for u in _children(users_el, "User"):
            if u.get("guid"):
                users[norm_guid(u.get("guid"))] = u.get("name") or u.get("id") or ""
    book = _child(root, "CodeBook")
    codes_el = _child(book, "Codes") if book is not None else None
    codes = _codes(codes_el, source) if codes_el is not None else []
    variables: dict[str, str] = {}
    vars_el = _child(root, "Variables")
    if vars_el is not None:
        for v in _children(vars_el, "Variable"):
            if v.get("guid"):
                variables[norm_guid(v.get("guid"))] = v.get("name") or ""
    origin = root.get("origin") or ""
    sources: list[QdaSource] = []
    other = 0
    sources_el = _child(root, "Sources")
    for s in sources_el if sources_el is not None else []:
        kind = _local(s.tag)
        if kind == "TextSource":
            sources.append(_text_source(s, ctx.get("read"), origin, variables))
        elif kind in ("PDFSource",) and _child(s, "Representation") is not None:
            # a PDF's text representation holds the text codings
            rep = _child(s, "Representation")
            src = _text_source(rep, ctx.get("read"), origin, variables)
            src.name = s.get("name") or src.name
            sources.append(src)
        elif kind:
            other += 1
    return QdaProject(root.get("name") or "", origin, codes, users, sources, other)


def decode_text(data: bytes) -> str:
    """A source file's text: UTF-8 (with or without a byte order mark, which is no character of the text);
    other encodings are detected as for any text file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from ..ingest.encoding import decode_bytes

        return decode_bytes(data)[0]


def _text_source(el: Any, read: Any, origin: str, variables: dict[str, str]) -> QdaSource:
    guid = norm_guid(el.get("guid"))
    name = el.get("name") or guid
    text: str | None = None
    problem = None
    content = _child(el, "PlainTextContent")
    path = el.get("plainTextPath") or ""
    if content is not None:
        text = content.text or ""
    elif path.startswith("internal://") and read is not None:
        member = "sources/" + path[len("internal://") :].lstrip("/")
        data = read(member)
        if data is None:
            problem = f"teksten {member} mangler i projektfilen"
        elif data.strip():
            try:
                text = decode_text(data)
            except UdsatteError as exc:
                problem = f"teksten {member} kan ikke læses ({exc.message})"
        else:
            text = ""
    elif path:
        problem = "teksten ligger uden for projektfilen (" + path.split("://", 1)[0] + ")"
    else:
        problem = "kilden har ingen ren tekst (kun formateret tekst)"
    selections = []
    for s in _children(el, "PlainTextSelection"):
        try:
            start, end = int(s.get("startPosition")), int(s.get("endPosition"))
        except (TypeError, ValueError):
            continue
        sel = QdaSelection(norm_guid(s.get("guid")), min(start, end), max(start, end),
                           creating_user=norm_guid(s.get("creatingUser")) or None)  # fmt: skip
        for coding in _children(s, "Coding"):
            ref = _child(coding, "CodeRef")
            if ref is not None and ref.get("targetGUID"):
                user = norm_guid(coding.get("creatingUser")) or sel.creating_user
                sel.codings.append((norm_guid(ref.get("targetGUID")), user))
        selections.append(sel)
    values: dict[str, Any] = {}
    for vv in _children(el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        key = variables.get(norm_guid(ref.get("targetGUID")), "") if ref is not None else ""
        value_el = next((c for c in vv if _local(c.tag).endswith("Value")), None)
        if key and value_el is not None:
            values[key] = (value_el.text or "").strip()
    if text is not None and "\r" in text:
        text = _line_endings(text, selections, origin)
    return QdaSource(guid, name, text, selections, values, problem)


def _line_endings(text: str, selections: list[QdaSelection], origin: str) -> str:
    """The text as the program that wrote the positions counted it.

    Windows programs write ``\\r\\n``; some count it as two characters, some
    (ATLAS.ti, and MAXQDA for files QualCoder writes) as one. The reading whose
    selection boundaries fall on word boundaries more often wins (people code
    whole words); ATLAS.ti's reading wins a tie.
    """
    raw = text
    joined = text.replace("\r\n", "\n")
    if raw == joined or not selections:
        return joined if "atlas" in origin.casefold() else raw

    def fit(t: str) -> int:
        n = len(t)
        score = 0
        for s in selections:
            a, b = s.start, s.end
            if 0 <= a <= n and (a == 0 or not t[a - 1].isalnum() or not t[a:a + 1].isalnum()):
                score += 1
            if 0 <= b <= n and (b == n or not t[b:b + 1].isalnum() or not t[b - 1:b].isalnum()):
                score += 1
        return score

    r, j = fit(raw), fit(joined)
    if r == j:
        return joined if "atlas" in origin.casefold() else raw
    return raw if r > j else joined
