"""Danish phrases shared by the text formats (md, docx, html), so they all say the same."""

from __future__ import annotations

from .summary import Summary, ThemeSummary, danish_date, percent

NO_DESCRIPTION = "Ingen beskrivelse endnu."


def subtitle(summary: Summary) -> str:
    """``Lavet 23. november 2026 · 3 dokumenter · 180 input · 2022–2024``."""
    docs = f"{summary.n_documents} {'dokument' if summary.n_documents == 1 else 'dokumenter'}"
    parts = [f"Lavet {danish_date(summary.created)}", docs, f"{summary.n_units} input"]
    if summary.period:
        parts.append(summary.period)
    return " · ".join(parts)


def quality_line(theme: ThemeSummary) -> str:
    """What a reader should know about a theme's name and coherence, or ``""``."""
    notes = []
    if theme.mixed:
        notes.append("Blandet tema: inputtene hænger ikke godt sammen – overvej at dele det.")
    if theme.label_source in ("meaning", "vocabulary") and theme.label_support is not None:
        notes.append(
            f"Navnet er valgt ud fra temaets betydning; {percent(theme.label_support)} af inputtene bruger selve ordet."
        )
    return " ".join(notes)


def size_line(theme: ThemeSummary) -> str:
    return f"{theme.size} input ({percent(theme.share)} af alle input)"


def over_time_line(theme: ThemeSummary) -> str:
    """``2022: 5 (10 %) · 2023: 8 (12 %)``: the theme's inputs and share of each year's inputs."""
    return " · ".join(f"{y.year}: {y.n} ({percent(y.share)})" for y in theme.over_time)


def keywords_line(theme: ThemeSummary) -> str:
    return ", ".join(theme.keywords) if theme.keywords else "–"


def several_years(summary: Summary) -> bool:
    return len(summary.years) > 1
