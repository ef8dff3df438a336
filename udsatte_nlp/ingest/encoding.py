"""Turn the bytes of a text file into ``str``.

Order of attempts: byte-order marks, strict UTF-8 (unless the NUL pattern
says UTF-16), UTF-16 without BOM, then charset-normalizer restricted to the
encodings Danish files realistically come in, falling back to cp1252.

Mojibake is *not* repaired here: the cleaner does that (with ftfy) and records
each change. This module only decodes, and rejects files that are empty or
not text at all.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from udsatte_nlp.errors import InputError

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Encodings charset-normalizer may choose between for non-UTF-8 files.
CANDIDATES: tuple[str, ...] = ("cp1252", "latin_1", "iso8859_15", "utf_16", "mac_roman", "cp850")

# Control characters that never occur in real text (tab, newlines, form feed allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_SHARE = 0.05  # more than this share of control characters -> binary
_NUL_SHARE = 0.01  # more than this share of NUL bytes (not UTF-16) -> binary
_SAMPLE = 64 * 1024

_BINARY_HINT = "Gem den som tekst (.txt) eller Word-dokument (.docx) og prøv igen"


def decode_bytes(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_name)``.

    Raises :class:`InputError` for empty or whitespace-only files and for
    files that look binary (NUL bytes outside UTF-16, many control
    characters). A few stray NUL bytes are replaced by a space.
    """
    if not data.strip():
        raise _empty(path)

    for bom, name in _BOMS:
        if data.startswith(bom):
            return _finish(data.decode(name, errors="replace"), name, path)

    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return _finish(data.decode(utf16), utf16, path)
        except UnicodeDecodeError:
            pass

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _finish(text, "utf-8", path)

    _check_binary_bytes(data, path)
    return _finish(*_guess_legacy(data), path)


def sniff_encoding(sample: bytes, path: str | Path | None = None) -> str | None:
    """The encoding of a file from its first bytes, for decoding the rest as a stream.

    Uses the same rules as :func:`decode_bytes` on ``sample`` cut at its last line
    break (and raises the same errors for empty or binary data). Returns ``None``
    for UTF-16/32 files, which are decoded whole instead.
    """
    if not sample.strip():
        raise _empty(path)
    cut = sample.rfind(b"\n")
    head = sample[: cut + 1] if cut > 0 else sample
    for bom, name in _BOMS:
        if head.startswith(bom):
            return "utf-8-sig" if name == "utf-8-sig" else None
    if _utf16_without_bom(head) is not None:
        return None
    _, name = decode_bytes(head, path)
    return name


def _utf16_without_bom(data: bytes) -> str | None:
    """Return ``'utf-16-le'``/``'utf-16-be'`` if NUL bytes sit in every other position."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls > 0.5 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.5 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _check_binary_bytes(data: bytes, path: str | Path | None) -> None:
    """Reject data with many NUL or control bytes (before the costly guessing)."""
    sample = data[:_SAMPLE]
    controls = len(_CONTROL_BYTES.findall(sample))
    if sample.count(0) > _NUL_SHARE * len(sample) or controls > _CONTROL_SHARE * len(sample):
        raise _binary(path)


def _guess_legacy(data: bytes) -> tuple[str, str]:
    """Decode a non-UTF-8 file: charset-normalizer restricted to :data:`CANDIDATES`.

    Short Danish notes give charset-normalizer little to go on, so its pick is
    checked against the 8-bit candidates by counting plausible Danish letters;
    a candidate only wins over its pick with a strictly better score.
    """
    from charset_normalizer import from_bytes

    sample = data[: 4 * _SAMPLE]
    order: list[str] = []
    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    if best is not None:
        name = codecs.lookup(best.encoding).name
        # Files called latin-1 are nearly always cp1252 (which adds € and
        # typographic quotes in 0x80-0x9F); try that first.
        order += ["cp1252", name] if name == "iso8859-1" else [name]
    order += [n for n in ("cp1252", "cp850", "mac-roman") if n not in order]

    chosen: tuple[int, str] | None = None
    for name in order:
        try:
            score = _danish_score(sample.decode(name))
        except UnicodeDecodeError:
            continue
        if chosen is None or score > chosen[0]:
            chosen = (score, name)
    if chosen is not None:
        try:
            return data.decode(chosen[1]), chosen[1]
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


_DANISH = frozenset("æøåÆØÅ")
_LATIN = frozenset("éèêëáàäöüóòíïúçñÉÈÄÖÜÓ")
_NEUTRAL = frozenset("–—“”‘’„«»…€§°½¼¾·•×\u00a0")


def _danish_score(text: str) -> int:
    """Score how plausible the non-ASCII characters of ``text`` are for Danish."""
    score = 0
    for ch in text:
        if ch < "\x80" or ch in _NEUTRAL:
            continue
        if ch in _DANISH:
            score += 2
        elif ch in _LATIN:
            score += 1
        elif not ch.isalpha():
            score -= 1
    return score


def _finish(text: str, encoding: str, path: str | Path | None) -> tuple[str, str]:
    """Reject binary/empty results and drop stray NULs."""
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:_SAMPLE]
    if sample and len(_CONTROL.findall(sample)) > _CONTROL_SHARE * len(sample):
        raise _binary(path)
    if sample.count("\x00") > _NUL_SHARE * len(sample):
        raise _binary(path)
    text = re.sub("\x00+", " ", text)
    if not text.strip():
        raise _empty(path)
    return text, encoding


def _empty(path: str | Path | None) -> InputError:
    return InputError("Filen er tom", path=path, hint="Tjek at du har valgt den rigtige fil")


def _binary(path: str | Path | None) -> InputError:
    return InputError("Filen ligner ikke tekst (binære data)", path=path, hint=_BINARY_HINT)
