"""The cleaning steps. Each is a pure ``str -> StepResult`` function.

Order matters and is set in :data:`udsatte_nlp.clean.DEFAULT_STEPS`:
mojibake → normalise → boilerplate → dehyphenate → ocr_markers → bullets → reflow
→ ocr_repair (the two OCR steps live in :mod:`udsatte_nlp.clean.ocr`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..records import Correction
from .base import StepResult, linewise, sub

BULLET = "•"


def _const(value: str):
    """A replacement function returning ``value`` (faster than a template string, which
    ``re.Match.expand`` parses on every match)."""
    return lambda m: value

# ---------------------------------------------------------------- normalise
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TRAILING = re.compile(r"[ ]+(?=\n|\f|$)")
_MULTISPACE = re.compile(r"(?<=\S)[ ]{2,}(?=\S)")
_MANY_BLANKS = re.compile(r"\n[ ]*\n(?:[ ]*\n)+")


def normalise(text: str) -> StepResult:
    """Unicode NFC, one kind of space, no invisible or control characters, tidy blank lines."""
    corrections: list[Correction] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        from .base import diff_corrections

        corrections += diff_corrections(text, nfc, "unicode-nfc")
        text = nfc
    for pattern, repl, rule in (
        (_CONTROL, "", "control-char"),
        (_INVISIBLE, "", "invisible-char"),
        (_SPACES, " ", "whitespace"),
        (_TRAILING, "", "whitespace"),
        (_MULTISPACE, " ", "whitespace"),
        (_MANY_BLANKS, "\n\n", "whitespace"),
    ):
        res = sub(pattern, _const(repl), text, rule)
        text = res.text
        corrections += res.corrections
    stripped = text.strip("\n ")
    if stripped != text:
        lead = len(text) - len(text.lstrip("\n "))
        if lead:
            corrections.append(Correction(0, text[:lead], "", "whitespace"))
        text = stripped
    return StepResult(text, corrections)


# ------------------------------------------------------------------ mojibake
# Mojibake needs a UTF-8 lead byte read as Latin-1/cp1252 (Â-ô) followed by a continuation
# byte read the same way (\x80-\xbf or a cp1252 punctuation/letter), or a Latin ligature
# ftfy would expand. Lines without such a pair are left to themselves (ftfy is slow).
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\ufb00-\ufb06]"
)


def _ftfy_line(line: str) -> str:
    if line.isascii() or not _MOJIBAKE_HINT.search(line):
        return line
    import ftfy

    return ftfy.fix_text(
        line,
        unescape_html=False,
        uncurl_quotes=False,
        fix_character_width=False,
        fix_latin_ligatures=True,
        fix_line_breaks=False,
        normalization="NFC",
        explain=False,
    )


mojibake = linewise(_ftfy_line, "mojibake")
mojibake.__doc__ = "Repair text decoded with the wrong encoding (``fÃ¸rste`` → ``første``) with ftfy, line by line."

# --------------------------------------------------------------- boilerplate
_SKIP_LINK = re.compile(
    r"^\s*(gå|spring)( direkte)? (til|over) (hoved)?(indhold(et)?|navigation(en)?|menu(en)?)\s*$"
    r"|^\s*skip to (main )?content\s*$",
    re.I,
)
_ICON = re.compile(r"\b(?:icon|fa)-[a-z0-9]+(?:-[a-z0-9]+)*\b")
_QUOTE_WIDGET = re.compile(r"\bicon-quote-(?:start|end)\b")
_COOKIE = re.compile(r"\b(cookies?|samtykke|consent)\b", re.I)
_COOKIE_ACTION = re.compile(r"\b(accepter|afvis|tillad|indstillinger|privatlivs|vi bruger|læs mere|ok)\b", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:side\s+)?\d{1,3}(?:\s*(?:af|/)\s*\d{1,3})?\s*$", re.I)
_PAGE_LABEL = re.compile(r"^\s*side\s+\d{1,3}(?:\s*(?:af|/)\s*\d{1,3})?\s*$", re.I)


def _is_debris(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _SKIP_LINK.match(s) or _PAGE_LABEL.match(s) or _QUOTE_WIDGET.search(s):
        return True
    if not _ICON.sub("", s).strip(" •-|"):
        return True  # a line of nothing but icon class names
    return len(s) < 300 and bool(_COOKIE.search(s)) and bool(_COOKIE_ACTION.search(s))


def _repeated_page_lines(pages: list[str]) -> set[str]:
    """Lines at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        edge = set(lines[:2] + lines[-2:])
        counts.update(_digits_as_hash(x) for x in edge)
    need = max(3, int(0.6 * len(pages)))
    return {line for line, n in counts.items() if n >= need}


_DIGITS = re.compile(r"\d+")


def _digits_as_hash(line: str) -> str:
    return _DIGITS.sub("#", line)


def boilerplate(text: str) -> StepResult:
    """Drop web and page debris: skip links, icon class names, quote widgets, cookie
    banners, page numbers and running headers/footers repeated on most pages."""
    pages = text.split("\f")
    repeated = _repeated_page_lines(pages)
    out: list[str] = []
    corrections: list[Correction] = []
    pos = 0
    for p, page in enumerate(pages):
        if p:
            out.append("\f")
            pos += 1
        lines = page.split("\n")
        kept: list[str] = []
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            drop = _is_debris(line) or (
                len(pages) > 1 and at_edge and _PAGE_NUMBER.match(line) is not None
            ) or (line.strip() and _digits_as_hash(line.strip()) in repeated)
            if drop:
                corrections.append(Correction(pos, line + ("\n" if i < len(lines) - 1 else ""), "", "boilerplate"))
            else:
                stripped = _ICON.sub("", line)
                if stripped != line:
                    stripped = re.sub(r" {2,}", " ", stripped).strip()
                    corrections.append(Correction(pos, line, stripped, "boilerplate"))
                kept.append(stripped)
            pos += len(line) + (1 if i < len(lines) - 1 else 0)
        page_text = "\n".join(kept)
        page_text = re.sub(r"\n{3,}", "\n\n", page_text).strip("\n") if len(kept) != len(lines) else page_text
        out.append(page_text)
    if not corrections:
        return StepResult(text)
    return StepResult("".join(out).strip("\n"), corrections)


# --------------------------------------------------------------- dehyphenate
# A word broken at the end of a line: "opsø-\ngende" → "opsøgende". Not for
# suspended compounds ("social- og sundhedsområdet"), capitalised or numbered
# first parts ("SKP-\nordning", "§ 110-\ntilbud") where the hyphen is real.
_HYPHEN_BREAK = re.compile(
    r"(?<=[a-zæøå])-[ ]*\n[ ]*(?!(?:og|eller|samt|til|som|men)\b)(?=[a-zæøå])",
)


def dehyphenate(text: str) -> StepResult:
    """Join words hyphenated across a line break."""

    def repl(m: re.Match[str]) -> str:
        # keep the hyphen when the first part is an all-caps abbreviation
        start = m.start()
        word_start = start
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        first = text[word_start:start]
        return m.group(0) if first.isupper() else ""

    return sub(_HYPHEN_BREAK, repl, text, "dehyphenate", 0.95)


# ------------------------------------------------------------------- bullets
_BULLET_MARK = re.compile(r"^[ ]*(?:[-*–—·▪◦●○■□➢➤►✓]|\u2022|\uf0b7|\uf0a7)(?:[ ]+|(?=[A-ZÆØÅa-zæøå\"“„]))", re.M)
_INLINE_BULLETS = re.compile(r"(?<=\S)[ ]+•[ ]+(?=\S)")


def bullets(text: str) -> StepResult:
    """One bullet form (``• ``) at the start of a line, one item per line."""
    res = sub(_BULLET_MARK, _const(BULLET + " "), text, "bullet")
    text, corrections = res.text, list(res.corrections)

    def split_inline(line: str) -> str:
        if line.lstrip().startswith(BULLET):
            return _INLINE_BULLETS.sub("\n" + BULLET + " ", line)
        return line

    res2 = linewise(split_inline, "bullet")(text)
    return StepResult(res2.text, corrections + res2.corrections)


# -------------------------------------------------------------------- reflow
# A line broken inside a sentence: the line does not end a sentence or
# introduce a list, and the next one starts with a lower-case letter.
_BROKEN_LINE = re.compile(r"(?<=[^\s.!?:;])[ ]*\n[ ]*(?=[a-zæøå(])")


def reflow(text: str) -> StepResult:
    """Join lines that were broken inside a sentence (PDF and scan line wrapping)."""
    return sub(_BROKEN_LINE, _const(" "), text, "reflow", 0.9)
