"""Readers for plain text (.txt) and Markdown (.md, .markdown)."""

from __future__ import annotations

import re
from pathlib import Path

from udsatte_nlp.ingest.encoding import decode_bytes
from udsatte_nlp.records import Document

TITLE_MAX = 120


def read_txt(data: bytes, path: Path) -> Document:
    """Decode a text file; the title is its first non-empty line."""
    text, encoding = decode_bytes(data, path)
    text = normalize_newlines(text)
    return Document(
        path=str(path),
        format="txt",
        text=text,
        sha256="",
        title=first_line(text),
        metadata={"encoding": encoding},
    )


def read_md(data: bytes, path: Path) -> Document:
    """Decode a Markdown file and turn it into plain text lines."""
    text, encoding = decode_bytes(data, path)
    plain, heading = markdown_to_text(normalize_newlines(text))
    return Document(
        path=str(path),
        format="md",
        text=plain,
        sha256="",
        title=heading or first_line(plain),
        metadata={"encoding": encoding},
    )


def normalize_newlines(text: str) -> str:
    """Use ``\\n`` for every line break (``\\r\\n``, ``\\r``, U+2028)."""
    return re.sub(r"\r\n?|\u2028|\u2029", "\n", text)


def first_line(text: str, limit: int = TITLE_MAX) -> str | None:
    """Return the first non-empty line of ``text`` (at most ``limit`` characters)."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return truncate(line, limit)
    return None


def truncate(text: str, limit: int = TITLE_MAX) -> str:
    """Cut ``text`` to ``limit`` characters, at a word boundary when possible."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:-") + "…"


# --- Markdown ---------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$|^\s{0,3}#{1,6}\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?(.*)$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"__(?=\S)(.+?)(?<=\S)__"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])"),
)
_CODE = re.compile(r"`+([^`]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Convert Markdown to plain text lines; return ``(text, first_heading)``.

    Headings lose their ``#``, bullets become ``• item``, numbered items are
    kept, links keep their text, images, HTML comments and tags are dropped,
    and emphasis markers are removed.
    """
    lines: list[str] = []
    heading: str | None = None
    in_fence = False
    for raw in _COMMENT.sub("", markdown).split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            lines.append(raw.rstrip())
            continue
        if _SETEXT.match(raw) and lines and lines[-1].strip():
            if heading is None and raw.strip().startswith("="):
                heading = truncate(lines[-1])
            continue
        if _RULE.match(raw) or _REFDEF.match(raw) or _TABLE_SEP.match(raw) and "-" in raw:
            continue
        line = _QUOTE.sub("", raw)
        if m := _ATX.match(line):
            line = _inline(m.group(1) or "")
            if heading is None and line:
                heading = truncate(line)
        elif m := _BULLET.match(line):
            item = _inline(m.group(1))
            line = f"• {item}" if item else ""
        else:
            line = _inline(line.strip())
            if line.startswith("|") or line.endswith("|"):
                line = " | ".join(c.strip() for c in line.strip("|").split("|") if c.strip())
        lines.append(line.rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text, heading


def _inline(text: str) -> str:
    """Strip inline Markdown: images, links, emphasis, code, tags, escapes."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text.rstrip("\\")).strip()
