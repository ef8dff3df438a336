"""Markdown export: the whole summary as readable text to paste into a report or a wiki."""

from __future__ import annotations

import re
from pathlib import Path

from . import text as T
from .summary import Summary, percent

_SPECIAL = re.compile(r"([\\`*<>|~])|(?<!\w)_|_(?!\w)|\](?=[(\[:])|^#")


def md_escape(text: str | None) -> str:
    """Inline text that renders as written, on one line.

    Markdown and HTML characters are escaped (``*``, `````, ``<``, ``|``, a ``](``
    that would make a link, a leading ``#``, ``-`` or ``1.``); plain brackets such as
    ``[Person 1]`` stay readable.
    """
    text = " ".join((text or "").split())
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", re.sub(r"^([+-])(\s)", r"\\\1\2", text))


def render(summary: Summary) -> str:
    lines = [f"# {md_escape(summary.title)}", "", f"*{T.subtitle(summary)}*", ""]
    lines += ["## Metode", "", md_escape(summary.method_note), ""]
    lines += ["## Temaer", "", "| # | Tema | Input | Andel | Nøgleord |", "|---:|---|---:|---:|---|"]
    for i, t in enumerate(summary.themes, start=1):
        keywords = md_escape(T.keywords_line(t))
        lines.append(f"| {i} | [{md_escape(t.label)}](#tema-{i}) | {t.size} | {percent(t.share)} | {keywords} |")
    lines.append("")
    if T.several_years(summary):
        lines += ["Input pr. år: " + " · ".join(f"{y.year}: {y.n}" for y in summary.years), ""]
    for i, t in enumerate(summary.themes, start=1):
        lines += [f'<a id="tema-{i}"></a>', "", f"## {i}. {md_escape(t.label)}", ""]
        lines += [f"*{md_escape(t.description)}*" if t.description else T.NO_DESCRIPTION, ""]
        if T.quality_line(t):
            lines += [md_escape(T.quality_line(t)), ""]
        lines += [f"**{T.size_line(t)}**  ", f"Nøgleord: {md_escape(T.keywords_line(t))}"]
        if T.several_years(summary):
            lines[-1] += "  "
            lines.append(f"Over tid: {T.over_time_line(t)}")
        lines.append("")
        if t.representatives:
            lines += ["### Udvalgte citater", ""]
            for q in t.representatives:
                lines += [f"> {md_escape(q)}", ""]
        members = [u for u in summary.units if u["theme_id"] == t.id]
        lines += [f"### Alle input ({len(members)})", ""]
        lines += [f"- {md_escape(u['text'])} — *{md_escape(u['source'])}*" for u in members]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write(summary: Summary, path: str | Path) -> None:
    Path(path).write_text(render(summary), encoding="utf-8")
