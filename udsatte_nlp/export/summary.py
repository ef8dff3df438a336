"""A format-neutral summary of a project: what every export format renders.

:func:`build_summary` reads the project store once and returns a
:class:`Summary` of plain values (no store rows, no formatting); each format
module only lays it out. :func:`pseudonymise` returns a copy with personal
data replaced everywhere, so every format is pseudonymised the same way.

>>> from udsatte_nlp.store import ProjectStore
>>> build_summary(ProjectStore(":memory:")).n_units
0
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

__all__ = [
    "Summary",
    "ThemeSummary",
    "YearCount",
    "DocumentSummary",
    "SourceText",
    "build_summary",
    "source_parts",
    "pseudonymise",
    "danish_date",
    "percent",
    "SCHEMA_ID",
]

#: Identifies the JSON layout (``udsatte_nlp/data/summary.schema.json``).
SCHEMA_ID = "https://udsatte-nlp.invalid/schema/summary-1.json"

_MONTHS = "januar februar marts april maj juni juli august september oktober november december".split()


@dataclass
class YearCount:
    """How many inputs (``n``) a theme had in ``year``, and their share of that year's inputs."""

    year: int
    n: int
    share: float


@dataclass
class ThemeSummary:
    id: int
    label: str
    description: str
    keywords: list[str]
    size: int
    share: float
    is_outlier: bool
    representatives: list[str] = field(default_factory=list)
    over_time: list[YearCount] = field(default_factory=list)
    color: str = "#4C72B0"
    label_source: str = "model"  # who named the theme: 'model', 'meaning', 'vocabulary', 'human' or 'codebook'
    label_support: float | None = None  # share of its inputs that contain the label's head word
    mixed: bool = False  # «blandet tema»: its inputs do not hold together (see themes.quality)


@dataclass
class DocumentSummary:
    name: str
    title: str | None
    date: str | None
    year: int | None
    format: str
    n_units: int


@dataclass
class SourceText:
    """A document's text for a project export (.qdpx), as consecutive ``parts``.

    Each part is ``(unit id, the input's text)`` or ``(None, text between inputs)``;
    joined they are the document's cleaned text with every input written exactly as
    the input reads (after reverted corrections, with a table row's spacing
    collapsed), so ``text[start:end]`` of an input's span *is* its text, by
    construction, also after pseudonymisation.
    """

    document: str
    sha256: str
    title: str | None
    date: str | None
    year: int | None
    format: str
    parts: list[tuple[int | None, str]]

    @property
    def text(self) -> str:
        return "".join(p for _, p in self.parts)

    def spans(self) -> dict[int, tuple[int, int]]:
        """``{unit id: (start, end)}``: where each input is in :attr:`text`."""
        out, pos = {}, 0
        for uid, part in self.parts:
            if uid is not None:
                out[uid] = (pos, pos + len(part))
            pos += len(part)
        return out


@dataclass
class Summary:
    title: str
    created: str
    model: str | None
    seed: int | None
    n_documents: int
    n_units: int
    themes: list[ThemeSummary]
    # one row per unit: unit_id, document, year, section, kind, text, page, line_start,
    # duplicate_of, theme_id, theme_label, score, assigned_by, source
    units: list[dict[str, Any]]
    documents: list[DocumentSummary] = field(default_factory=list)
    # one row per OCR/cleaning correction: document, position, before, after, rule, confidence, reverted
    corrections: list[dict[str, Any]] = field(default_factory=list)
    years: list[YearCount] = field(default_factory=list)  # inputs per year (share of all inputs)
    year: int | None = None  # set when the summary covers one year only
    n_human: int = 0  # inputs placed by a person
    method_note: str = ""
    pseudonymised: bool = False
    # the model's first placement against the staff's final one: n, n_changed, kappa (None before any review)
    agreement: dict[str, Any] | None = None
    # each document's text with its inputs' spans; only filled for project exports (.qdpx)
    sources: list[SourceText] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(replace(self, sources=[]))
        del data["sources"]  # the documents' full texts belong in a project export, not in the summary data
        return {"schema": SCHEMA_ID, **data}

    @property
    def period(self) -> str:
        """``"2022"``, ``"2022–2024"`` or ``""`` when no input has a year."""
        years = [y.year for y in self.years]
        if not years:
            return ""
        return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


# Colour-blind-safe palette (Okabe & Ito), then greys for the rest and the outlier theme.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
OUTLIER_COLOR = "#999999"


def danish_date(iso: str | None) -> str:
    """``2024-05-30`` → ``30. maj 2024`` (the input unchanged when it is no ISO date)."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day}. {_MONTHS[d.month - 1]} {d.year}"


def percent(share: float) -> str:
    """Danish percentage with one decimal when below 10 %: ``0.083`` → ``8,3 %``."""
    value = share * 100
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text.replace(".", ",") + " %"


def source_of(unit: dict[str, Any]) -> str:
    """Where an input comes from, for a reader: ``note.docx, side 2, linje 14 – Bolig``.

    An input typed into several files (``copies``) names each: ``a.xlsx, række 3; b.docx, linje 9``.
    """
    lines = [_one_source(unit)]
    for copy in unit.get("copies") or ():
        line = _one_source(copy)
        if line not in lines:
            lines.append(line)
    return "; ".join(lines)


def _one_source(unit: dict[str, Any]) -> str:
    parts = [str(unit.get("document") or "")]
    if unit.get("page"):
        parts.append(f"side {unit['page']}")
    if unit.get("line_start"):
        parts.append(f"{'række' if unit.get('kind') == 'row' else 'linje'} {unit['line_start']}")
    text = ", ".join(p for p in parts if p)
    if unit.get("section"):
        text += f" – {unit['section']}"
    return text


def build_summary(
    store: Any, *, title: str | None = None, year: int | None = None, n_quotes: int = 5, sources: bool = False
) -> Summary:
    """Read the project into a :class:`Summary`.

    ``year`` restricts it to the inputs of one year (shares are then of that
    year's inputs, and themes without inputs that year are left out).
    ``n_quotes`` representative inputs are chosen per theme: the most
    confident first, each text once. ``sources`` adds each document's text
    (:class:`SourceText`) for project exports.
    """
    from ..themes.labels import current_description

    units = store.unit_table()
    if year is not None:
        units = [u for u in units if u["year"] == year]
    doc_units = Counter(u["document"] for u in units)
    units = _fold_copies(units, store.counted_as())
    for u in units:
        u["source"] = source_of(u)
    total = len(units)
    by_theme: dict[int, list[dict[str, Any]]] = {}
    for u in units:
        if u["theme_id"] is not None:
            by_theme.setdefault(u["theme_id"], []).append(u)
    per_year = Counter(u["year"] for u in units if u["year"] is not None)
    years = [YearCount(y, n, n / total) for y, n in sorted(per_year.items())]

    themes = []
    for t in store.themes():
        members = by_theme.get(t["id"], [])
        if year is not None and not members:
            continue
        ranked = sorted(members, key=lambda u: (-(u["score"] if u["score"] is not None else 0.0), u["unit_id"]))
        quotes: list[str] = []
        for u in ranked:
            text = u["text"]
            if u.get("duplicate_of") is None and not any(text in q or q in text for q in quotes):
                quotes.append(text)  # each text once, also when one input repeats another
            if len(quotes) == n_quotes:
                break
        counts = Counter(u["year"] for u in members if u["year"] is not None)
        keywords = json.loads(t["keywords"] or "[]")
        written = t["description_source"] if "description_source" in t.keys() else None
        themes.append(
            ThemeSummary(
                id=t["id"],
                label=t["label"],
                description=current_description(t["description"] or "", written, t["label"], keywords, len(members), total),
                keywords=keywords,
                size=len(members),
                share=len(members) / total if total else 0.0,
                is_outlier=bool(t["is_outlier"]),
                representatives=quotes,
                over_time=[YearCount(y.year, counts.get(y.year, 0), counts.get(y.year, 0) / y.n) for y in years],
                label_source=_label_source(t),
                label_support=t["label_support"] if "label_support" in t.keys() else None,
                mixed=bool(t["mixed"]) if "mixed" in t.keys() else False,
            )
        )
    themes.sort(key=lambda t: (t.is_outlier, -t.size, t.id))
    colors = iter(PALETTE)
    for t in themes:
        t.color = OUTLIER_COLOR if t.is_outlier else next(colors, OUTLIER_COLOR)

    documents = [
        DocumentSummary(d["name"], d["title"], d["date"], d["year"], d["format"], doc_units.get(d["name"], 0))
        for d in store.documents()
        if year is None or d["name"] in doc_units
    ]
    names = {d.name for d in documents}
    corrections = [
        {
            "document": c["document"],
            "position": c["start"],
            "before": c["before"],
            "after": c["after"],
            "rule": c["rule"],
            "confidence": c["confidence"],
            "reverted": bool(c["reverted"]),
        }
        for c in store.corrections()
        if c["document"] in names
    ]
    info = store.info()
    last = info["last_run"] or {}
    summary = Summary(
        title=title or (f"Opsamling af temaer {year}" if year is not None else "Opsamling af temaer"),
        created=date.today().isoformat(),
        model=last.get("model"),
        seed=last.get("seed"),
        n_documents=len(documents),
        n_units=total,
        themes=themes,
        units=units,
        documents=documents,
        corrections=corrections,
        years=years,
        year=year,
        n_human=sum(1 for u in units if u.get("assigned_by") == "human"),
        agreement=_agreement(store, [u["unit_id"] for u in units]),
        sources=source_texts(store, {d.name for d in documents}) if sources else [],
    )
    summary.method_note = method_note(summary)
    return summary


def _label_source(theme: Any) -> str:
    if theme["label_source"] in ("human", "meaning", "vocabulary"):
        return theme["label_source"]
    return "codebook" if theme["source"] == "codebook" else "model"


def _agreement(store: Any, unit_ids: list[int]) -> dict[str, Any] | None:
    from ..agreement import model_vs_person

    result = model_vs_person(store, unit_ids)
    if not result.reviewed or not result.n:
        return None
    return {"n": result.n, "n_changed": result.n_changed, "kappa": result.kappa}


def source_parts(clean_text: str, units: Any) -> list[tuple[int | None, str]]:
    """A document's text as ``(unit id | None, text)`` parts in which each input reads exactly as its text.

    ``units`` (rows or dicts with ``id``, ``text``, ``char_start``, ``char_end``, in
    document order) are located by their span in ``clean_text``; the span is replaced
    by the input's text, which differs from it where a correction was reverted or a
    table row's spacing collapsed. An input without a usable span (none recorded, or
    overlapping the previous one) is looked for from the previous input on, and
    otherwise put on a line of its own there. Text between inputs is kept as it is.
    """
    parts: list[tuple[int | None, str]] = []
    pos = 0
    for u in units:
        text = str(u["text"])
        s, e = u["char_start"], u["char_end"]
        if s is None or e is None or not (pos <= s <= e <= len(clean_text)):
            i = clean_text.find(text, pos) if text else -1
            s, e = (i, i + len(text)) if i >= 0 else (None, None)
        if s is None:
            before = parts[-1][1] if parts else ""
            if before and not before.endswith("\n"):
                parts.append((None, "\n"))
            parts += [(int(u["id"]), text), (None, "\n")]
            continue
        if s > pos:
            parts.append((None, clean_text[pos:s]))
        parts.append((int(u["id"]), text))
        pos = e
    if pos < len(clean_text):
        parts.append((None, clean_text[pos:]))
    return parts


def source_texts(store: Any, documents: set[str] | None = None) -> list[SourceText]:
    """:class:`SourceText` of each of the project's documents (or those named in ``documents``)."""
    out = []
    for d in store.documents():
        if documents is not None and d["name"] not in documents:
            continue
        units = store.conn.execute(
            "SELECT id, text, char_start, char_end FROM units WHERE document_id = ? ORDER BY seq", (d["id"],)
        ).fetchall()
        years = {r[0] for r in store.conn.execute("SELECT DISTINCT year FROM units WHERE document_id = ?", (d["id"],))}
        year = d["year"] if d["year"] is not None else (next(iter(years)) if len(years) == 1 else None)
        out.append(SourceText(d["name"], d["sha256"], d["title"], d["date"], year, d["format"],
                              source_parts(d["clean_text"], units)))  # fmt: skip
    return out


def _fold_copies(units: list[dict[str, Any]], counted: dict[int, int]) -> list[dict[str, Any]]:
    """One row per input: a unit that repeats an input of another file (same year) joins its
    row as one of its ``copies`` (document, page, line, section), so it is counted and listed once."""
    first: dict[int, dict[str, Any]] = {}
    out = []
    for u in units:
        key = counted.get(u["unit_id"], u["unit_id"])
        row = first.get(key)
        if row is None:
            first[key] = u
            out.append(u)
            continue
        row.setdefault("copies", []).append(
            {k: u.get(k) for k in ("unit_id", "document", "page", "line_start", "kind", "section")}
        )
        if u.get("assigned_by") == "human":  # a person placed the input (in one of its files)
            row["assigned_by"] = "human"
    return out


def method_note(summary: Summary) -> str:
    """A short Danish paragraph on how the summary was made."""
    from .. import __version__

    themes = [t for t in summary.themes if not t.is_outlier]
    parts = [
        f"Opsamlingen er lavet med udsatte-nlp {__version__} den {danish_date(summary.created)}.",
        f"{summary.n_documents} {'dokument' if summary.n_documents == 1 else 'dokumenter'} blev læst og renset"
        f" og delt op i {summary.n_units} input (punkter, sætninger eller rækker)"
        + (f" fra {summary.period}." if summary.period else "."),
        f"Hvert input blev omsat til en talvektor med modellen {summary.model or 'ukendt'}, og input med"
        f" beslægtet indhold blev samlet i {len(themes)} temaer"
        + (f" (tilfældighedsfrø {summary.seed})." if summary.seed is not None else "."),
    ]
    if summary.n_human:
        parts.append(
            f"{summary.n_human} input er placeret i {'sit' if summary.n_human == 1 else 'deres'} tema af en"
            " medarbejder (flyttet eller bekræftet); resten er placeret af værktøjet, også når en medarbejder"
            " har omdøbt, flettet eller delt temaet."
        )
    if summary.agreement:
        from ..agreement import Agreement, sentence

        a = summary.agreement
        parts.append(sentence(Agreement("model", "medarbejder", a["n"], a["n"] - a["n_changed"], a["kappa"])))
    parts.append(
        "Temaernes navne, nøgleord og citater er forslag fra værktøjet, som bør læses igennem."
        " Andelen er temaets antal input delt med alle input; citaterne er de input, der ligner temaet mest."
    )
    if any(t.is_outlier for t in summary.themes):
        parts.append("Input, der ikke passede i noget tema, står under 'Øvrige'.")
    if summary.pseudonymised:
        parts.append(
            "Navne på personer, CPR-numre, telefonnumre og e-mailadresser er erstattet med pladsholdere"
            " som [Person 1], [CPR], [Telefon] og [E-mail]; samme person har samme pladsholder overalt."
        )
    return " ".join(parts)


def pseudonymise(summary: Summary, pseudonymiser: Any = None) -> Summary:
    """A copy of ``summary`` with people's names, CPR numbers, phone numbers and e-mail addresses replaced.

    Every free text is covered: inputs, sections, quotes, theme labels,
    descriptions and keywords, document names and titles, corrections.
    """
    from ..privacy import Pseudonymiser

    p = pseudonymiser or Pseudonymiser()
    texts: list[str] = [summary.title]
    for t in summary.themes:
        texts += [t.label, t.description, *t.representatives]
    for u in summary.units:
        texts += [u.get("text") or "", u.get("section") or "", u.get("document") or ""]
    for d in summary.documents:
        texts += [d.name, d.title or ""]
    for c in summary.corrections:
        texts.append(c["after"])
    for s in summary.sources:  # last, so that people are numbered as in the other formats
        texts += [s.document, s.title or "", *(part for uid, part in s.parts if uid is None)]
    p.learn(texts)

    def units() -> list[dict[str, Any]]:
        out = []
        for u in summary.units:
            v = dict(u)
            for key in ("text", "section", "document", "theme_label"):
                v[key] = p(v.get(key))
            if v.get("copies"):
                v["copies"] = [{**c, "document": p(c.get("document")), "section": p(c.get("section"))}
                               for c in v["copies"]]
            v["source"] = source_of(v)
            out.append(v)
        return out

    def corrections() -> list[dict[str, Any]]:
        out = []
        for c in summary.corrections:
            v = dict(c)
            v["document"] = p(c["document"])
            after = p(c["after"])
            # A correction inside a name would give the name away in its "before" form.
            v["before"], v["after"] = (after, after) if after != c["after"] else (p(c["before"]), after)
            out.append(v)
        return out

    themes = [
        replace(
            t,
            label=p(t.label),
            description=p(t.description),
            keywords=[k for k in (p(k) for k in t.keywords) if k and "[" not in k],
            representatives=[p(q) for q in t.representatives],
        )
        for t in summary.themes
    ]
    documents = [replace(d, name=p(d.name), title=p(d.title)) for d in summary.documents]
    masked_units = units()
    by_id = {u["unit_id"]: u["text"] for u in masked_units}
    sources = [
        replace(
            s,
            document=p(s.document),
            title=p(s.title),
            # an input reads as in every other format; the text between inputs is masked on its own
            parts=[(uid, by_id[uid] if uid in by_id else p(part)) if uid is not None else (None, p(part))
                   for uid, part in s.parts],
        )
        for s in summary.sources
    ]  # fmt: skip
    result = replace(
        summary,
        title=p(summary.title),
        themes=themes,
        units=masked_units,
        documents=documents,
        corrections=corrections(),
        pseudonymised=True,
        sources=sources,
    )
    result.method_note = method_note(result)
    return result
