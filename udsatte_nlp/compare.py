"""Comparing themes across years: each theme's course, how sure it is, and whether the years are alike.

:func:`compare_years` turns a several-year :class:`~udsatte_nlp.export.Summary`
into a :class:`Comparison`: per theme its course over *all* years from
:func:`udsatte_nlp.trends.classify` (*voksende*, *toppede i 2014*, *usikker —
få input* …), the documents of each year with their kind
(:mod:`udsatte_nlp.doc_kinds`), and a note next to every theme whose course
may come from the years being unlike rather than from what people said:

* when the years hold different kinds of documents (2020 a *notat*, the other
  years *dialogmøder*), the course is worked out again over the years of the
  most common kind only, and the theme gets a note when that gives another
  course or when its highest or lowest share lies in a year of another kind;
* when the years hold different numbers of documents, the course is worked
  out both per input and per document (each document weighing the same within
  its year), and the theme gets a note when the two disagree.

:func:`comparison_sentences` says it in a few Danish sentences.

>>> from udsatte_nlp.export.summary import Summary, ThemeSummary, YearCount
>>> years = [YearCount(2021, 100, 0.5), YearCount(2022, 100, 0.5)]
>>> theme = ThemeSummary(1, "Bolig", "", [], 30, 0.15, False, [], [YearCount(2021, 5, 0.05), YearCount(2022, 25, 0.25)])
>>> c = compare_years(Summary("t", "2024-01-01", None, None, 2, 200, [theme], [], years=years))
>>> c.themes[0].status_label, c.themes[0].certainty_label
('voksende', 'sikker stigning')
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError
from .trends import STATUS_WORDS, Trend, classify

__all__ = ["compare_years", "comparison_sentences", "Comparison", "ThemeChange", "YearDocument", "STATUS_LABELS",
           "ORDER"]  # fmt: skip

#: Danish words for each course (``{year}`` is filled in from the theme's change).
STATUS_LABELS = STATUS_WORDS
#: The order themes are listed in: changes first, then the rest.
ORDER = ["grew", "shrank", "peaked", "appeared", "disappeared", "fluctuating", "stable", "uncertain"]


@dataclass
class ThemeChange:
    """One theme over the years: inputs and share per year, its course and the notes on it."""

    theme_id: int
    label: str
    counts: dict[int, int]
    shares: dict[int, float]
    status: str  # a key of STATUS_LABELS
    change: float  # share in the last year minus share in the first (for reference only)
    is_outlier: bool = False
    trend: Trend | None = None
    notes: list[str] = field(default_factory=list)
    color: str = "#4C72B0"

    @property
    def year(self) -> int | None:
        return self.trend.year if self.trend else None

    @property
    def status_label(self) -> str:
        """``"toppede i 2014"``, ``"voksende"``, ``"usikker — få input"`` …"""
        return self.trend.label if self.trend else STATUS_LABELS[self.status].format(year="?")

    @property
    def certainty_label(self) -> str:
        """``"sikker stigning"``, ``"sandsynlig ændring"``, ``"ingen sikker ændring"`` …"""
        return self.trend.certainty_label if self.trend else ""

    @property
    def intervals(self) -> dict[int, tuple[float, float]]:
        return self.trend.intervals if self.trend else {}


@dataclass
class YearDocument:
    """A document of one year, with its kind and number of inputs."""

    year: int
    name: str
    kind: str
    n_units: int


@dataclass
class Comparison:
    years: list[int]
    totals: dict[int, int]
    themes: list[ThemeChange]
    per_document: bool = False
    documents: list[YearDocument] = field(default_factory=list)
    context: list[str] = field(default_factory=list)  # how the years differ, in Danish sentences

    def by_status(self, status: str) -> list[ThemeChange]:
        return [t for t in self.themes if t.status == status and not t.is_outlier]

    def kinds(self, year: int) -> list[str]:
        return [d.kind for d in self.documents if d.year == year]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _years_text(years: list[int]) -> str:
    return _and([str(y) for y in years])


_PLURAL = {"dialogmøde": "dialogmøder", "opsamling": "opsamlinger", "notat": "notater", "plancher": "plancher"}
_ARTICLE = {"dialogmøde": "et dialogmøde", "opsamling": "en opsamling", "notat": "et notat", "plancher": "plancher"}


def _kind_text(kinds: tuple[str, ...], several_years: bool) -> str:
    """``er et notat`` (one year), ``er notater`` (several years), ``har både dialogmøder og notater`` (mixed)."""
    if len(kinds) == 1:
        return "er " + (_PLURAL[kinds[0]] if several_years else _ARTICLE[kinds[0]])
    return "har både " + _and([_PLURAL[k] for k in kinds])


def compare_years(summary: Any, *, per_document: bool = False, seed: int = 0) -> Comparison:
    """Classify each theme of a several-year :class:`~udsatte_nlp.export.Summary` over all its years.

    ``per_document`` makes every document weigh the same within its year
    (shares are then the mean of the documents' shares). ``seed`` fixes the
    random deals behind the p-values, so the result is the same every time.
    """
    years = [y.year for y in summary.years]
    if not years:
        raise ConfigError("Ingen input har et årstal", hint="Giv filerne et år i navnet, fx 'referat-2023.docx'")
    totals = {y.year: y.n for y in summary.years}
    units = [u for u in summary.units if u.get("year") is not None]
    docs: list[YearDocument] = []
    if units:
        from .doc_kinds import document_kinds

        kinds = document_kinds(summary)
        per_doc = Counter(u["document"] for u in units)
        doc_year = {u["document"]: u["year"] for u in units}
        docs = sorted(
            (YearDocument(doc_year[name], name, kinds.get(name, "notat"), n) for name, n in per_doc.items()),
            key=lambda d: (d.year, d.name),
        )
    else:  # a summary without its inputs (built by hand): one document per year, kind unknown
        docs = [YearDocument(y, str(y), "", n) for y, n in totals.items()]
    names = [d.name for d in docs]
    doc_years = [d.year for d in docs]
    doc_inputs = [d.n_units for d in docs]
    members: dict[int, Counter[str]] = {}
    for u in units:
        if u.get("theme_id") is not None:
            members.setdefault(u["theme_id"], Counter())[u["document"]] += 1

    def theme_members(t: Any) -> list[int]:
        if units:
            got = members.get(t.id, Counter())
            return [got.get(name, 0) for name in names]
        by_year = {y.year: y.n for y in t.over_time}
        return [by_year.get(y, 0) for y in doc_years]

    def course(t: Any, years_: list[int] | None = None, per_doc: bool = per_document) -> Trend:
        keep = [i for i, y in enumerate(doc_years) if years_ is None or y in years_]
        m = theme_members(t)
        return classify(years_ or years, [doc_years[i] for i in keep], [doc_inputs[i] for i in keep],
                        [m[i] for i in keep], per_document=per_doc, seed=seed)  # fmt: skip

    # How the years differ: kinds of documents, and numbers of documents.
    context: list[str] = []
    signature = {y: tuple(sorted(set(d.kind for d in docs if d.year == y and d.kind))) for y in years}
    groups: dict[tuple[str, ...], list[int]] = {}
    for y in years:
        if signature[y]:
            groups.setdefault(signature[y], []).append(y)
    like: list[int] | None = None
    odd: list[int] = []
    odd_text = ""
    if len(groups) > 1:
        main_sig, like = max(groups.items(), key=lambda kv: (len(kv[1]), sum(totals[y] for y in kv[1])))
        odd = [y for y in years if y not in like]
        parts = [f"{_years_text(ys)} {_kind_text(sig, len(ys) > 1)}"
                 for sig, ys in sorted(groups.items(), key=lambda kv: kv[1][0])]  # fmt: skip
        context.append(
            "Årene bygger ikke på samme slags dokumenter: " + _and(parts) + ". En forskel mellem årene kan derfor"
            " skyldes dokumenterne og ikke det, deltagerne sagde; temaer, hvor det kan være tilfældet, har en"
            " bemærkning."
        )
        odd_kinds = tuple(sorted({k for y in odd for k in signature[y]}))
        odd_text = (f"{_years_text(odd)} {_kind_text(odd_kinds, len(odd) > 1)}, "
                    f"de andre år {_kind_text(main_sig, True).removeprefix('er ')}")  # fmt: skip
        if len(like) < 2:
            like = None
    n_docs = Counter(doc_years)
    uneven_docs = bool(units) and len({n_docs.get(y, 0) for y in years}) > 1
    if uneven_docs:
        context.append(
            "Årene har ikke lige mange dokumenter ("
            + ", ".join(f"{y}: {n_docs.get(y, 0)}" for y in years)
            + "). Andelene er regnet "
            + ("pr. dokument, så hvert dokument vejer lige meget i sit år" if per_document else "pr. input")
            + "; temaer, hvor det andet regnestykke giver en anden udvikling, har en bemærkning."
        )
    elif per_document:
        context.append("Andelene er regnet pr. dokument, så hvert dokument vejer lige meget i sit år.")

    changes = []
    for t in summary.themes:
        trend = course(t)
        first, last = years[0], years[-1]
        change = trend.shares.get(last, 0.0) - trend.shares.get(first, 0.0)
        notes: list[str] = []
        if odd and trend.is_change and not t.is_outlier:
            share = trend.shares
            extreme = {max(share, key=share.get), min(share, key=share.get)}  # type: ignore[arg-type]
            if like is not None:
                alike = course(t, like)
                if alike.label != trend.label or extreme & set(odd):
                    notes.append(f"{odd_text}; uden {_years_text(odd)}: {alike.label}")
            elif extreme & set(odd):
                notes.append(f"årene har forskellige slags dokumenter ({odd_text})")
        if uneven_docs and not t.is_outlier:
            other = course(t, per_doc=not per_document)
            if other.label != trend.label:
                notes.append(f"regnet pr. {'input' if per_document else 'dokument'}: {other.label}")
        counts = {y: trend.counts.get(y, 0) for y in years}
        shares = {y: trend.shares.get(y, 0.0) for y in years}
        changes.append(ThemeChange(t.id, t.label, counts, shares, trend.status, change, t.is_outlier, trend, notes,
                                   getattr(t, "color", "#4C72B0")))  # fmt: skip
    changes.sort(key=lambda c: (c.is_outlier, ORDER.index(c.status), c.trend.p_value if c.trend else 1.0, c.label))
    return Comparison(years, totals, changes, per_document, docs if units else [], context)


# ----------------------------------------------------------------- words
def share_text(share: float) -> str:
    """A share in Danish for the comparison: ``0 %``, ``4,5 %``, ``27 %``."""
    from .export.summary import percent

    return "0 %" if share == 0 else percent(share)


def share_path(change: ThemeChange, years: list[int]) -> str:
    """``4,5 % → 27 % → 18 % → 1,4 %``: the theme's share in each year."""
    return " → ".join(share_text(change.shares.get(y, 0.0)) for y in years)


def _mention(t: ThemeChange, years: list[int], *, with_path: bool = True, when: str = "") -> str:
    """``«Bolig» i 2014 (sikker ændring; 4,5 % → 27 % → 18 %; note)``."""
    bits = []
    if t.trend and t.trend.is_change:
        bits.append(t.certainty_label)
    if with_path:
        bits.append(share_path(t, years))
    bits += t.notes
    return f"«{t.label}»" + (f" {when}" if when else "") + (f" ({'; '.join(bits)})" if bits else "")


def comparison_sentences(comparison: Comparison) -> list[str]:
    """The comparison in a few Danish sentences, one per kind of course that occurs."""
    years = comparison.years
    span = f"{years[0]}–{years[-1]}"

    def names(items: list[ThemeChange], with_path: bool = True, when: str = "") -> str:
        return _and([_mention(t, years, with_path=with_path, when=when.format(year=t.year)) for t in items])

    out = []
    if grew := comparison.by_status("grew"):
        out.append(f"Voksende over {span}: {names(grew)}.")
    if shrank := comparison.by_status("shrank"):
        out.append(f"Faldende over {span}: {names(shrank)}.")
    if peaked := comparison.by_status("peaked"):
        out.append(f"Toppede: {names(peaked, when='i {year}')}.")
    if new := comparison.by_status("appeared"):
        out.append(f"Nye temaer: {names(new, when='fra {year}')}.")
    if gone := comparison.by_status("disappeared"):
        out.append(f"Forsvundne temaer: {names(gone, when='efter {year}')}.")
    if fluct := comparison.by_status("fluctuating"):
        out.append(f"Svingende (andelen skifter mellem årene uden en klar retning): {names(fluct)}.")
    if stable := comparison.by_status("stable"):
        out.append(f"Stabile (ingen sikker ændring): {names(stable, with_path=False)}.")
    if few := comparison.by_status("uncertain"):
        out.append(f"Usikre — for få input til at sige noget om udviklingen: {names(few, with_path=False)}.")
    return out
