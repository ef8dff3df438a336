"""Zip containers (.docx, .xlsx) are checked *before* any reader opens them.

A zip bomb is a small file whose members inflate to gigabytes: a 1.5 MB .docx
whose ``document.xml`` holds 1.5 GB. The central directory of a zip names each
member's compressed and uncompressed size, and Python's :mod:`zipfile` (which
python-docx and openpyxl read through) never returns more bytes of a member
than its declared size (a member that inflates further fails its CRC check).
So the declared sizes bound what any reader can be handed, and checking them
costs no decompression at all:

* how many members the archive has,
* their total uncompressed size, and the largest single member,
* the compression ratio of each large member and of the whole archive
  (ordinary Office files stay below about 35:1; a bomb reaches 1,000:1).

The limits per format are :data:`LIMITS`; the README names them. XML entity
expansion stays off as well: python-docx parses with ``resolve_entities=False``
and openpyxl uses defusedxml, which refuses entity declarations outright.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from udsatte_nlp.errors import InputError

MiB = 1024**2
GiB = 1024**3


@dataclass(frozen=True)
class ZipLimits:
    """What a zip container may hold before it is read."""

    max_members: int = 10_000
    max_total: int = 256 * MiB  # uncompressed, all members together
    max_member: int = 128 * MiB  # uncompressed, any one member
    max_ratio: float = 200.0  # uncompressed / compressed, for members and archives over ``ratio_from``
    ratio_from: int = 1 * MiB  # small parts (styles, themes) may compress better; they cannot hurt


#: Limits per suffix. A Word document is parsed whole by python-docx, so its parts
#: are kept small; a workbook's sheets are streamed row by row (read-only mode), so
#: it may be far larger: a million rows of text is about 300 MB of sheet XML.
LIMITS: dict[str, ZipLimits] = {
    ".docx": ZipLimits(),
    ".xlsx": ZipLimits(max_total=2 * GiB, max_member=1536 * MiB),
}

#: Suffixes whose files are zip containers.
ZIP_SUFFIXES = frozenset(LIMITS)

_HINT = "Filen ligner en zip-bombe eller er unormalt stor; åbn den i Office og gem den igen, eller del den op"


def check_zip(data: bytes, path: str | Path, limits: ZipLimits | None = None) -> None:
    """Raise :class:`InputError` when the zip in ``data`` exceeds ``limits``.

    Data that is not a readable zip at all is left to the format's reader, which
    says the file is damaged in its own words. Nothing is decompressed here.

    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("word/document.xml", b" " * (64 * MiB))
    >>> check_zip(buf.getvalue(), "bombe.docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    udsatte_nlp.errors.InputError: bombe.docx: Filen pakkes ud til ... gange sin størrelse (grænsen er 200). ...
    """
    limits = limits or LIMITS.get(Path(path).suffix.lower(), ZipLimits())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError, IndexError):
        return
    if len(members) > limits.max_members:
        raise _refuse(path, f"Filen indeholder {_count(len(members))} dele (grænsen er {_count(limits.max_members)})")
    total = sum(m.file_size for m in members)
    if total > limits.max_total:
        raise _refuse(path, f"Filen pakkes ud til {_size(total)} (grænsen er {_size(limits.max_total)})")
    for m in members:
        if m.file_size > limits.max_member:
            raise _refuse(path, f"Delen {m.filename!r} pakkes ud til {_size(m.file_size)} "
                                f"(grænsen er {_size(limits.max_member)})")
        if m.file_size > limits.ratio_from and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise _refuse(path, f"Filen pakkes ud til {_ratio(m.file_size, m.compress_size)} gange sin størrelse "
                                f"(grænsen er {limits.max_ratio:.0f})")
    packed = sum(m.compress_size for m in members)
    if total > limits.ratio_from and total > limits.max_ratio * max(packed, 1):
        raise _refuse(path, f"Filen pakkes ud til {_ratio(total, packed)} gange sin størrelse "
                            f"(grænsen er {limits.max_ratio:.0f})")


def _refuse(path: str | Path, message: str) -> InputError:
    return InputError(message, path=path, hint=_HINT)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _ratio(size: int, packed: int) -> str:
    return f"{size / max(packed, 1):.0f}"


def _size(n: int) -> str:
    if n >= GiB:
        return f"{n / GiB:.1f} GB".replace(".", ",")
    return f"{n / MiB:.0f} MB"
