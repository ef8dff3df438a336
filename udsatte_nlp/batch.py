"""Yearly batches: a folder of yearly notes → one summary per year and a comparison over the years.

The folder holds one file or one sub-folder per year (``2022/``,
``dialogmoede-2023.docx``, …); a note's year comes from the date in its text,
else from its file or folder name. :func:`batch` adds what is new to the
project, finds themes across *all* years in one analysis (so a theme means the
same in every year), and writes into an output folder:

* ``opsamling-ÅÅÅÅ.docx`` / ``.md`` (the formats asked for): one summary per year;
* ``opsamling-alle-år.xlsx``: every input, with the sheet ``Over tid``;
* ``sammenligning.md``, ``.html`` (with the chart) and ``.svg``: which themes
  grew, shrank, appeared or disappeared.

>>> compare_years  # doctest: +ELLIPSIS
<function compare_years at ...>
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError

__all__ = ["batch", "compare_years", "Comparison", "ThemeChange", "BatchResult", "STATUS_LABELS"]

#: Danish words for how a theme changed from the first to the last year.
STATUS_LABELS = {
    "appeared": "nyt",
    "disappeared": "forsvundet",
    "grew": "voksende",
    "shrank": "faldende",
    "stable": "stabilt",
    "between": "kun i mellemliggende år",
}
#: A change in a theme's share of the year's inputs smaller than this counts as stable.
MIN_CHANGE = 0.05

Progress = Callable[[str, int, int], None]


@dataclass
class ThemeChange:
    """One theme over the years: inputs and share of each year's inputs, and what happened to it."""

    theme_id: int
    label: str
    counts: dict[int, int]
    shares: dict[int, float]
    status: str  # a key of STATUS_LABELS
    change: float  # share in the last year minus share in the first (percentage points / 100)
    is_outlier: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Comparison:
    years: list[int]
    totals: dict[int, int]
    themes: list[ThemeChange]

    def by_status(self, status: str) -> list[ThemeChange]:
        return [t for t in self.themes if t.status == status and not t.is_outlier]


@dataclass
class BatchResult:
    project: str
    output: Path
    years: list[int]
    added: list[str]
    unchanged: list[str]
    undated: list[str]  # documents without a year (not in any yearly summary)
    files: list[Path]
    comparison: Comparison | None  # None when the notes cover fewer than two years
    analysed: bool  # False when nothing was new and the project's themes were kept
    warnings: list[str] = field(default_factory=list)


def compare_years(summary: Any, *, min_change: float = MIN_CHANGE) -> Comparison:
    """Classify each theme of a several-year :class:`~udsatte_nlp.export.Summary`.

    A theme *appeared* when it has no inputs in the first year but some in the
    last, *disappeared* in the opposite case, *grew* or *shrank* when its share
    of the year's inputs changed by at least ``min_change`` (5 percentage
    points) from the first to the last year, and is otherwise *stable* (or
    present only *between* the first and last year).
    """
    years = [y.year for y in summary.years]
    if not years:
        raise ConfigError("Ingen input har et årstal", hint="Giv filerne et år i navnet, fx 'referat-2023.docx'")
    first, last = years[0], years[-1]
    changes = []
    for t in summary.themes:
        counts = {y.year: y.n for y in t.over_time}
        shares = {y.year: y.share for y in t.over_time}
        delta = shares.get(last, 0.0) - shares.get(first, 0.0)
        had, has = counts.get(first, 0) > 0, counts.get(last, 0) > 0
        if not had and has:
            status = "appeared"
        elif had and not has:
            status = "disappeared"
        elif not had and not has:
            status = "between"
        elif delta >= min_change:
            status = "grew"
        elif delta <= -min_change:
            status = "shrank"
        else:
            status = "stable"
        changes.append(ThemeChange(t.id, t.label, counts, shares, status, delta, t.is_outlier))
    order = list(STATUS_LABELS)
    changes.sort(key=lambda c: (c.is_outlier, order.index(c.status), -abs(c.change), c.label))
    return Comparison(years, {y.year: y.n for y in summary.years}, changes)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _new_files(folder: Path, project: Path) -> tuple[list[Path], list[Path]]:
    """``(new, unchanged)`` files under ``folder`` compared with the project (by content)."""
    from .ingest import collect_paths
    from .store import ProjectStore

    paths, _ = collect_paths([folder])
    if not project.exists():
        return paths, []
    with ProjectStore(project, create=False) as store:
        known = {d["sha256"] for d in store.documents()}
        has_themes = bool(store.themes())
    new = [p for p in paths if _sha256(p) not in known]
    unchanged = [p for p in paths if p not in new]
    return (new if has_themes else paths), ([] if not has_themes else unchanged)


def batch(
    folder: str | Path,
    project: str | Path,
    *,
    output: str | Path | None = None,
    formats: Sequence[str] = ("docx", "md"),
    pseudonymise: bool = False,
    n_themes: int | None = None,
    seed: int = 0,
    codebook: str | Path | None = None,
    embedder: Any = None,
    reanalyse: bool = False,
    progress: Progress | None = None,
) -> BatchResult:
    """Summarise a folder of yearly notes: one summary per year plus a comparison.

    New files are added to ``project`` and the themes are found again across
    all years; when nothing is new (and ``reanalyse`` is False) the project's
    themes, with every human edit, are used as they are. ``output`` defaults
    to ``<project>-opsamlinger/`` next to the project file. Returns what was
    written.
    """
    from .export import build_summary, format_for, write_summary
    from .export import pseudonymise as pseudonymise_summary
    from .pipeline import analyze
    from .store import ProjectStore

    folder, project = Path(folder), Path(project)
    if not folder.is_dir():
        raise InputError("Mappen findes ikke" if not folder.exists() else "Stien er ikke en mappe", path=folder,
                         hint="Angiv en mappe med årets noter, fx én fil eller undermappe pr. år")  # fmt: skip
    formats = [format_for(f"x.{f}", f) for f in formats]
    out = Path(output) if output else project.with_name(f"{project.stem}-opsamlinger")
    if not out.parent.exists():
        raise ConfigError(
            "Mappen til resultaterne findes ikke", path=out.parent, hint="Opret den eller vælg en anden med -o"
        )

    new, unchanged = _new_files(folder, project)
    if not new and not unchanged:
        raise InputError("Der blev ikke fundet nogen filer, der kan læses", path=folder,
                         hint="Understøttede filer: .txt .md .html .docx .pdf .csv .xlsx .png .jpg .tif")  # fmt: skip
    added: list[str] = []
    warnings: list[str] = []
    analysed = bool(new) or reanalyse
    if analysed:
        result = analyze([folder], project, n_themes=n_themes, seed=seed, codebook=codebook, embedder=embedder,
                         progress=progress)  # fmt: skip
        added = result.ingest.added
        unchanged = [Path(p) for p in result.ingest.unchanged]
        warnings += result.ingest.warnings + [e.one_line() for e in result.ingest.failed]

    out.mkdir(exist_ok=True)
    files: list[Path] = []
    with ProjectStore(project, create=False) as store:
        if not store.themes():
            raise ConfigError(
                "Projektet har ingen temaer", path=project, hint="Tjek at mappen indeholder noter med tekst"
            )
        whole = build_summary(store, title="Opsamling af temaer over årene")
        undated = sorted({u["document"] for u in whole.units if u["year"] is None})
        years = [y.year for y in whole.years]
        p = None
        if pseudonymise:
            from .privacy import Pseudonymiser

            p = Pseudonymiser()
            whole = pseudonymise_summary(whole, p)
        steps = len(years) * len(formats) + 2
        done = 0
        for year in years:
            summary = build_summary(store, title=f"Opsamling af temaer {year}", year=year)
            if p is not None:
                summary = pseudonymise_summary(summary, p)
            for fmt in formats:
                files.append(write_summary(summary, fmt, out / f"opsamling-{year}.{fmt}"))
                done += 1
                if progress:
                    progress("Skriver filer", done, steps)
    files.append(write_summary(whole, "xlsx", out / "opsamling-alle-år.xlsx"))
    comparison = None
    if len(years) > 1:
        comparison = compare_years(whole)
        files += _write_comparison(whole, comparison, out)
    else:
        covered = "kun ét år" if years else "intet år"
        warnings.append(
            f"{folder}: Noterne dækker {covered}, så der er ingen sammenligning."
            " Giv filerne årstal i navnet eller læg dem i en mappe pr. år."
        )
    if progress:
        progress("Skriver filer", steps, steps)
    return BatchResult(
        project=str(project),
        output=out,
        years=years,
        added=[str(a) for a in added],
        unchanged=[str(u) for u in unchanged],
        undated=undated,
        files=files,
        comparison=comparison,
        analysed=analysed,
        warnings=warnings,
    )


# ----------------------------------------------------------------- writing
def _pp(change: float) -> str:
    value = round(change * 100)
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value)} procentpoint"


def comparison_sentences(comparison: Comparison) -> list[str]:
    """The comparison in a few Danish sentences (one per kind of change that happened)."""
    first, last = comparison.years[0], comparison.years[-1]

    def names(items: list[ThemeChange], with_change: bool = False) -> str:
        parts = [f"«{t.label}»" + (f" ({_pp(t.change)})" if with_change else "") for t in items]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]

    out = []
    if grew := comparison.by_status("grew"):
        out.append(f"Voksende fra {first} til {last}: {names(grew, True)}.")
    if shrank := comparison.by_status("shrank"):
        out.append(f"Faldende fra {first} til {last}: {names(shrank, True)}.")
    if new := comparison.by_status("appeared"):
        out.append(f"Nye temaer (ikke med i {first}): {names(new)}.")
    if gone := comparison.by_status("disappeared"):
        out.append(f"Forsvundne temaer (ikke med i {last}): {names(gone)}.")
    if stable := comparison.by_status("stable"):
        out.append(f"Stabile: {names(stable)}.")
    if between := comparison.by_status("between"):
        out.append(f"Kun i årene imellem: {names(between)}.")
    return out


def _write_comparison(summary: Any, comparison: Comparison, out: Path) -> list[Path]:
    import os

    from .export.chart import trend_chart_svg
    from .export.md import md_escape
    from .export.summary import percent

    years = comparison.years
    themes = [t for t in summary.themes if not t.is_outlier] or summary.themes
    svg = trend_chart_svg(themes, years)
    sentences = comparison_sentences(comparison)

    md = [f"# Sammenligning af temaerne {years[0]}–{years[-1]}", ""]
    md += [f"*{summary.n_units} input fra {summary.n_documents} dokumenter: "
           + ", ".join(f"{y}: {comparison.totals[y]}" for y in years) + ".*", ""]  # fmt: skip
    md += [f"- {md_escape(s)}" for s in sentences] + [""]
    md += ["| Tema | " + " | ".join(str(y) for y in years) + " | Ændring | Udvikling |",
           "|---|" + "---:|" * len(years) + "---:|---|"]  # fmt: skip
    for t in comparison.themes:
        cells = " | ".join(f"{t.counts.get(y, 0)} ({percent(t.shares.get(y, 0.0))})" for y in years)
        md.append(f"| {md_escape(t.label)} | {cells} | {_pp(t.change)} | {t.status_label} |")
    md += ["", "Tallene er antal input i temaet og deres andel af årets input. En ændring på under"
           f" {round(MIN_CHANGE * 100)} procentpoint regnes for stabil. Grafen ligger i sammenligning.svg"
           " og sammenligning.html.", ""]  # fmt: skip
    md += ["## Metode", "", md_escape(summary.method_note), ""]

    from .export.util import xml_safe

    def escape(text: str) -> str:
        from html import escape as html_escape

        return html_escape(xml_safe(text), quote=True)

    rows = "".join(
        f"<tr><td>{escape(t.label)}</td>"
        + "".join(f'<td class="n">{t.counts.get(y, 0)} ({escape(percent(t.shares.get(y, 0.0)))})</td>' for y in years)
        + f'<td class="n">{escape(_pp(t.change))}</td><td>{escape(t.status_label)}</td></tr>'
        for t in comparison.themes
    )
    from .export.html import CSP, STYLE

    page = (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>Sammenligning {years[0]}–{years[-1]}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>Sammenligning af temaerne {years[0]}–{years[-1]}</h1>\n"
        + "".join(f"<p>{escape(s)}</p>\n" for s in sentences)
        + f"<figure>{svg}</figure>\n"
        + "<table><thead><tr><th>Tema</th>"
        + "".join(f"<th>{y}</th>" for y in years)
        + f"<th>Ændring</th><th>Udvikling</th></tr></thead><tbody>{rows}</tbody></table>\n"
        + f'<h2>Metode</h2>\n<p class="method">{escape(summary.method_note)}</p>\n</body>\n</html>\n'
    )
    written = []
    for name, content in (
        ("sammenligning.md", "\n".join(md)),
        ("sammenligning.html", page),
        ("sammenligning.svg", svg),
    ):
        path = out / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(content if name != "sammenligning.svg" else '<?xml version="1.0" encoding="utf-8"?>\n' + content,
                       encoding="utf-8")  # fmt: skip
        os.replace(tmp, path)
        written.append(path)
    return written
