"""Yearly batches: a folder of yearly notes → one summary per year and a comparison over the years.

The folder holds one file or one sub-folder per year (``2022/``,
``dialogmoede-2023.docx``, …); a note's year comes from the date in its text,
else from its file or folder name. :func:`batch` adds what is new to the
project, finds themes across *all* years in one analysis (so a theme means the
same in every year), and writes into an output folder:

* ``opsamling-ÅÅÅÅ.docx`` / ``.md`` (the formats asked for): one summary per year;
* ``opsamling-alle-år.xlsx``: every input, with the sheet ``Over tid``;
* ``sammenligning.md``, ``.html``, ``.docx`` and ``.xlsx`` (with the chart also as
  ``.svg`` and ``.png``): each theme's course over all the years, how sure it
  is, and where the years are not alike (see :mod:`udsatte_nlp.compare`).

>>> compare_years  # doctest: +ELLIPSIS
<function compare_years at ...>
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import STATUS_LABELS, Comparison, ThemeChange, compare_years, comparison_sentences
from .errors import ConfigError, InputError

__all__ = ["batch", "compare_years", "comparison_sentences", "Comparison", "ThemeChange", "BatchResult",
           "STATUS_LABELS"]  # fmt: skip

Progress = Callable[[str, int, int], None]


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
    per_document: bool = False,
    progress: Progress | None = None,
) -> BatchResult:
    """Summarise a folder of yearly notes: one summary per year plus a comparison.

    New files are added to ``project`` and the themes are found again across
    all years; when nothing is new (and ``reanalyse`` is False) the project's
    themes, with every human edit, are used as they are. ``output`` defaults
    to ``<project>-opsamlinger/`` next to the project file. With
    ``per_document`` the comparison weighs every document the same within its
    year. Returns what was written.
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
        from .export.comparison import write_comparison

        comparison = compare_years(whole, per_document=per_document, seed=seed)
        files += write_comparison(whole, comparison, out)
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
