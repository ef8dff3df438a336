r"""Escaping of user text for the app: inputs, labels and file names stay text.

Streamlit renders markdown almost everywhere (headers, captions, messages), and
Plotly hover labels read a little HTML. Every string that comes from a file or a
user goes through one of these functions; ``unsafe_allow_html`` is never used.

>>> print(escape_md("<b>**x**</b>"))
\<b\>\*\*x\*\*\<\/b\>
>>> plain_html("<b>fed</b>")
'&lt;b&gt;fed&lt;/b&gt;'
"""

from __future__ import annotations

import html
import re
import textwrap

__all__ = ["escape_md", "md", "plain_html", "number", "percent", "count"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=^%@/])")
_AUTOLINK = re.compile(r"(?i)\b(h)(ttps?)|\b(w)(ww)|\b(f)(tp)|\b(m)(ailto)|(@)")
_JOINER = "\u2060"  # word joiner: invisible, and breaks GFM's automatic links


def _no_autolink(match: re.Match[str]) -> str:
    if match.group(9) is not None:
        return _JOINER + "@"
    return _JOINER.join(g for g in match.groups() if g is not None)


def escape_md(text: object) -> str:
    """Backslash-escape every ASCII punctuation mark, so no markup, HTML, link, image,
    LaTeX or emoji code in user text is ever interpreted by Streamlit's markdown. A word
    joiner inside ``http``, ``www``, ``ftp``, ``mailto`` and before ``@`` keeps web and
    e-mail addresses from becoming links."""
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_no_autolink, str(text)))


def md(text: object) -> str:
    """User text as safe Streamlit markdown (:func:`escape_md`), line breaks kept."""
    return "  \n".join(line.strip() for line in escape_md(text).split("\n"))


def plain_html(text: object, width: int = 70) -> str:
    """Escape user text for Plotly hover labels (which read a little HTML), wrapped at ``width``."""
    lines = textwrap.wrap(str(text), width=width) or [""]
    return "<br>".join(html.escape(line, quote=True) for line in lines)


# ------------------------------------------------------------ Danish numbers
def number(value: float, decimals: int = 0) -> str:
    """A number as Danish writes it: ``1234.5`` → ``1.234,5``; ``0.94`` with 2 decimals → ``0,94``.

    >>> number(1234), number(0.9412, 2), number(-3.5, 1)
    ('1.234', '0,94', '-3,5')
    """
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","}))


def percent(share: float) -> str:
    """A share (0–1) as a whole Danish percentage with a space: ``0.07`` → ``7 %``.

    >>> percent(0.07), percent(0.1234), percent(1)
    ('7 %', '12 %', '100 %')
    """
    return f"{number(100 * share)} %"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number: ``1 dokument``, ``3 dokumenter``, ``1.200 input``.

    >>> count(1, "dokument", "dokumenter"), count(3, "dokument", "dokumenter"), count(2, "input")
    ('1 dokument', '3 dokumenter', '2 input')
    """
    return f"{number(n)} {singular if n == 1 else (plural or singular)}"
