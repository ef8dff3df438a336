"""HTML export: one self-contained page (inline CSS and SVG chart, no scripts, nothing fetched).

Every text from the project is HTML-escaped, and a Content-Security-Policy
forbids scripts and outside resources, so a hostile input stays text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import text as T
from .chart import bar_chart_svg, trend_chart_svg
from .summary import Summary, percent
from .util import xml_safe

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1d;line-height:1.5}
h1{margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:2px solid #e5e5e5;padding-bottom:.2rem}
.sub{color:#595959;font-style:italic}.method{background:#f6f6f6;padding:.8rem 1rem;border-radius:6px}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #d9d9d9;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#305496;color:#fff}td.n{text-align:right;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.4rem;vertical-align:middle}
blockquote{margin:.5rem 0;padding:.3rem .9rem;border-left:4px solid #b4c6e7;background:#f7f9fd}
.src{color:#595959;font-size:.85em}figure{margin:1rem 0;overflow-x:auto}
"""


def _e(text: object) -> str:
    return escape(xml_safe(str(text)) if text is not None else "", quote=True)


def render(summary: Summary) -> str:
    several = T.several_years(summary)
    years = [y.year for y in summary.years]
    out = [
        "<!DOCTYPE html>",
        '<html lang="da">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="udsatte-nlp">',
        f"<title>{_e(summary.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(summary.title)}</h1>",
        f'<p class="sub">{_e(T.subtitle(summary))}</p>',
        "<h2>Metode</h2>",
        f'<p class="method">{_e(summary.method_note)}</p>',
        "<h2>Temaer</h2>",
        f"<figure>{bar_chart_svg(summary.themes)}</figure>",
    ]
    if several:
        out.append(f"<figure>{trend_chart_svg(summary.themes, years)}</figure>")
    head = "".join(f"<th>{y}</th>" for y in years) if several else ""
    out.append(
        f"<table><thead><tr><th>#</th><th>Tema</th><th>Input</th><th>Andel</th>{head}<th>Nøgleord</th></tr></thead><tbody>"
    )
    for i, t in enumerate(summary.themes, start=1):
        counts = {y.year: y.n for y in t.over_time}
        cells = "".join(f'<td class="n">{counts.get(y, 0)}</td>' for y in years) if several else ""
        out.append(
            f'<tr><td class="n">{i}</td><td><span class="swatch" style="background:{_e(t.color)}"></span>'
            f'<a href="#tema-{i}">{_e(t.label)}</a></td><td class="n">{t.size}</td>'
            f'<td class="n">{_e(percent(t.share))}</td>{cells}<td>{_e(T.keywords_line(t))}</td></tr>'
        )
    out.append("</tbody></table>")
    for i, t in enumerate(summary.themes, start=1):
        out.append(f'<section id="tema-{i}">')
        out.append(f"<h2>{i}. {_e(t.label)}</h2>")
        out.append(f"<p><em>{_e(t.description) if t.description else T.NO_DESCRIPTION}</em></p>")
        if T.quality_line(t):
            out.append(f'<p class="note">{_e(T.quality_line(t))}</p>')
        facts = f"<strong>{_e(T.size_line(t))}</strong><br>Nøgleord: {_e(T.keywords_line(t))}"
        if several:
            facts += f"<br>Over tid: {_e(T.over_time_line(t))}"
        out.append(f"<p>{facts}</p>")
        if t.representatives:
            out.append("<h3>Udvalgte citater</h3>")
            out.extend(f"<blockquote>{_e(q)}</blockquote>" for q in t.representatives)
        members = [u for u in summary.units if u["theme_id"] == t.id]
        out.append(f"<h3>Alle input ({len(members)})</h3><ul>")
        out.extend(f'<li>{_e(u["text"])} <span class="src">({_e(u["source"])})</span></li>' for u in members)
        out.append("</ul></section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write(summary: Summary, path: str | Path) -> None:
    Path(path).write_text(render(summary), encoding="utf-8")
