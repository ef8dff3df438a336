"""Bring codings made in NVivo, ATLAS.ti, MAXQDA or QualCoder back into a project (``import-coding``).

The round trip: ``export --format qdpx`` → code further in the QDA program →
export a REFI-QDA project there → ``import-coding``. Each coded selection is
mapped onto the project's inputs:

1. its source is matched to a document: by the GUID udsatte-nlp gave it, else
   by name (with or without the suffix, or the title), else by the share of
   the document's inputs found word for word in the source's text;
2. positions are mapped from the source's text onto the document's text as
   :mod:`udsatte_nlp.export.qdpx` writes it: one to one when the texts are the
   same, otherwise through a word alignment of the two texts
   (:func:`~udsatte_nlp.textdiff.aligned_segments`), so a source that was
   pseudonymised, re-flowed or lightly edited still maps;
3. a selection covers an input when it overlaps at least half of the input, or
   at least half of the selection lies in the input.

A person's coding wins over the model's own (those udsatte-nlp wrote, by its
user); among several, the one covering most of the input. An input whose
theme and source already match is left alone, so importing a file udsatte-nlp
exported changes nothing. Everything else becomes a human placement in ONE
undoable edit (op ``import``); codes that are no theme yet become themes in the
same edit. What could not be placed is reported in Danish.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ProjectError
from .reader import QdaCode, QdaProject, QdaSource, read_project

__all__ = ["ImportResult", "CodingMap", "import_coding", "coded_units", "map_codings", "position_map", "describe"]

#: Least share of a document's input text found word for word in a source for the two to count as the same.
MIN_TEXT_MATCH = 0.5


@dataclass
class ImportResult:
    """What :func:`import_coding` did. ``placed`` are the inputs that are now a person's placement
    because of this import (moved or confirmed): the rest may be re-placed by relearning."""

    path: str
    placed: list[int] = field(default_factory=list)
    moved: int = 0
    confirmed: int = 0  # the model's placement, now confirmed by a person
    unchanged: int = 0
    new_themes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: int = 0  # inputs a person coded with several codes (the one covering most won)
    edit_id: int | None = None
    relearnt: int = 0  # inputs no person placed that the model moved, learning from the import


@dataclass
class _Candidate:
    human: bool
    overlap: int
    order: int  # the code's place in the codebook (ties go to the first)
    code: QdaCode


@dataclass
class CodingMap:
    """The codings of a file mapped onto a project's inputs (not applied)."""

    chosen: dict[int, _Candidate]
    problems: list[str]
    conflicts: int
    n_selections: int
    n_mapped: int


# ------------------------------------------------------------- matching
def _norm(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def _document_texts(store: Any, doc: Any) -> tuple[str, dict[int, tuple[int, int]], list[str]]:
    from ..export.summary import SourceText, source_parts

    units = store.conn.execute(
        "SELECT id, text, char_start, char_end FROM units WHERE document_id = ? ORDER BY seq", (doc["id"],)
    ).fetchall()
    src = SourceText(doc["name"], doc["sha256"], doc["title"], doc["date"], doc["year"], doc["format"],
                     source_parts(doc["clean_text"], units))  # fmt: skip
    return src.text, src.spans(), [str(u["text"]) for u in units]


def _match_document(src: QdaSource, docs: list[Any], texts: dict[int, list[str]]) -> Any:
    from ..export.qdpx import source_guid

    for d in docs:
        if src.guid and source_guid(d["sha256"]) == src.guid:
            return d
    name = _norm(src.name)
    named = [d for d in docs if name and name in {_norm(d["name"]), _norm(Path(d["name"]).stem), _norm(d["title"])}]
    if len(named) == 1:
        return named[0]
    best, best_score = None, 0.0
    body = src.text or ""
    for d in named or docs:
        unit_texts = [t for t in texts[int(d["id"])] if t.strip()]
        total = sum(len(t) for t in unit_texts)
        if not total:
            continue
        score = sum(len(t) for t in unit_texts if t in body) / total
        if score > best_score:
            best, best_score = d, score
    return best if best_score >= MIN_TEXT_MATCH else None


def position_map(theirs: str, ours: str) -> Any:
    """A function from a position in ``theirs`` to the corresponding position in ``ours``."""
    if theirs == ours:
        return lambda i: max(0, min(i, len(ours)))
    from ..textdiff import aligned_segments

    segs = [(a0, a, b0, b, kind) for kind, a0, a, b0, b in aligned_segments(theirs, ours) if a]
    starts = [s[0] for s in segs]

    def to_ours(i: int) -> int:
        if i <= 0:
            return 0
        if i >= len(theirs):
            return len(ours)
        k = bisect.bisect_right(starts, i) - 1
        if k < 0:
            return 0
        a0, a, b0, b, kind = segs[k]
        offset = i - a0
        if kind == "equal":
            return b0 + min(offset, len(b))
        return b0 + round(offset * len(b) / len(a))

    return to_ours


class _Spans:
    """A document's input spans, in text order (they do not overlap), for fast look-up by position."""

    def __init__(self, spans: dict[int, tuple[int, int]]):
        self.items = sorted((s, e, uid) for uid, (s, e) in spans.items() if e > s)
        self.ends = [e for _, e, _ in self.items]

    def between(self, start: int, end: int) -> list[tuple[int, int, int]]:
        out = []
        i = bisect.bisect_right(self.ends, start)
        while i < len(self.items) and self.items[i][0] < end:
            out.append(self.items[i])
            i += 1
        return out


def _covered(spans: _Spans, start: int, end: int) -> list[tuple[int, int]]:
    """``(unit id, overlap)`` of the inputs a selection ``[start, end)`` covers."""
    out = []
    length = end - start
    for us, ue, uid in spans.between(start, end):
        overlap = min(ue, end) - max(us, start)
        if overlap * 2 >= ue - us or (length > 0 and overlap * 2 >= length):
            out.append((uid, overlap))
    return out


def _excerpt(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def map_codings(store: Any, project: QdaProject) -> CodingMap:
    """Map every coding of ``project`` onto the inputs of ``store`` (nothing is written)."""
    from ..export.qdpx import TOOL_USER

    docs = store.documents()
    prepared: dict[int, tuple[str, _Spans, list[str]]] = {}
    for d in docs:
        text, spans, unit_texts = _document_texts(store, d)
        prepared[int(d["id"])] = (text, _Spans(spans), unit_texts)
    texts = {k: v[2] for k, v in prepared.items()}
    order = {c.guid: i for i, c in enumerate(project.codes)}
    candidates: dict[int, list[_Candidate]] = {}
    problems: list[str] = []
    bad_codes = 0
    n_selections = n_mapped = 0
    for src in project.sources:
        coded = [s for s in src.selections if s.codings]
        if not coded:
            continue
        n_selections += len(coded)
        if src.text is None:
            problems.append(f"«{src.name}»: {src.problem}; {len(coded)} kodninger blev ikke placeret")
            continue
        doc = _match_document(src, docs, texts)
        if doc is None:
            problems.append(f"«{src.name}» findes ikke i projektet; {len(coded)} kodninger blev ikke placeret")
            continue
        ours, spans, _ = prepared[int(doc["id"])]
        to_ours = position_map(src.text, ours)
        missed: list[str] = []
        for sel in coded:
            covered = _covered(spans, to_ours(sel.start), to_ours(sel.end))
            if not covered:
                missed.append(src.text[sel.start : sel.end])
                continue
            n_mapped += 1
            for guid, user in sel.codings:
                code = project.code(guid)
                if code is None or not code.codable:
                    bad_codes += 1
                    continue
                human = user != TOOL_USER
                for uid, overlap in covered:
                    candidates.setdefault(uid, []).append(
                        _Candidate(human, overlap, order.get(code.guid, 0), code)
                    )
        if missed:
            problems.append(
                f"«{src.name}»: {len(missed)} kodninger dækker intet input (fx «{_excerpt(missed[0])}»),"
                " typisk en overskrift eller tekst mellem input"
            )
    if bad_codes:
        problems.append(f"{bad_codes} kodninger peger på en kode, der ikke findes i filen eller ikke kan kodes med")
    if project.other_sources:
        problems.append(f"{project.other_sources} kilder er ikke tekst (PDF, billede, lyd, video) og er sprunget over")
    chosen: dict[int, _Candidate] = {}
    conflicts = 0
    for uid, cands in candidates.items():
        best = max(cands, key=lambda c: (c.human, c.overlap, -c.order))
        chosen[uid] = best
        if len({c.code.guid for c in cands if c.human == best.human}) > 1:
            conflicts += 1
    return CodingMap(chosen, problems, conflicts, n_selections, n_mapped)


def coded_units(store: Any, path: str | Path) -> dict[int, str]:
    """``{unit id: code name}`` of the inputs a ``.qdpx`` file codes (for :mod:`udsatte_nlp.agreement`)."""
    mapping = map_codings(store, read_project(path))
    return {uid: c.code.name for uid, c in mapping.chosen.items()}


# ------------------------------------------------------------- applying
def _theme_for(code: QdaCode, themes: list[Any]) -> int | None:
    from ..export.qdc import code_guid

    for t in themes:
        if code.guid in (code_guid(t["label"]), code_guid(f"{t['label']}\x1f{t['id']}")):
            return int(t["id"])
    names = {_norm(code.name), _norm(" / ".join(code.path))}
    for t in themes:
        if _norm(t["label"]) in names:
            return int(t["id"])
    return None


def import_coding(store: Any, path: str | Path, *, refresh: bool = True, learn: bool = True) -> ImportResult:
    """Turn the codings in a ``.qdpx`` file into a person's placements, as one undoable edit.

    With ``learn`` the inputs no person has placed are re-placed in the same edit, learning
    from every person's placement so far (:func:`udsatte_nlp.learning.relearn_changes`);
    ``result.relearnt`` says how many changed theme.

    Raises :class:`~udsatte_nlp.errors.ConfigError` for a file that cannot be read,
    or whose codings fit none of the project's documents.
    """
    path = Path(path)
    project = read_project(path)
    if not store.conn.execute("SELECT 1 FROM units LIMIT 1").fetchone():
        raise ConfigError("Projektet har ingen input endnu", path=store.path, hint="Kør først 'udsatte-nlp analyze'")
    revision = store.revision
    mapping = map_codings(store, project)
    result = ImportResult(str(path), problems=list(mapping.problems), conflicts=mapping.conflicts)
    if not mapping.n_selections:
        raise ConfigError("Filen har ingen kodninger af tekst", path=path, hint="Eksportér et projekt med kodninger")
    if not mapping.n_mapped:
        raise ConfigError(
            "Ingen af filens kodninger passer til projektets input", path=path,
            hint="Importér kodninger af de dokumenter, der blev eksporteret fra dette projekt",
        )  # fmt: skip
    themes = store.themes()
    current = {int(r["unit_id"]): (int(r["theme_id"]), r["source"]) for r in store.assignments()}
    placements: dict[int, int | str] = {}
    descriptions: dict[str, str] = {}
    for uid, cand in sorted(mapping.chosen.items()):
        if not cand.human:
            continue  # the model's own placement, as udsatte-nlp exported it: not a person's decision
        target: int | str | None = _theme_for(cand.code, themes)
        if target is None:
            target = cand.code.name
            descriptions[target] = cand.code.description
        cur = current.get(uid)
        if cur is not None and cur[0] == target and cur[1] == "human":
            result.unchanged += 1
            continue
        placements[uid] = target
        if cur is not None and cur[0] == target:
            result.confirmed += 1
        else:
            result.moved += 1
    result.unchanged += sum(1 for c in mapping.chosen.values() if not c.human)
    if not placements:
        return result
    new = [t for t in dict.fromkeys(v for v in placements.values() if isinstance(v, str))]
    summary = f"Kodninger fra «{path.name}»: {result.moved} input flyttet, {result.confirmed} bekræftet"
    if new:
        summary += f", {len(new)} {'nyt tema' if len(new) == 1 else 'nye temaer'}"
    def relearnt() -> list[dict[str, Any]]:
        if not learn:
            return []
        from ..learning import relearn_changes

        try:
            return relearn_changes(store)
        except ProjectError:  # no vectors of the project's model: the placements stand alone
            return []

    def with_moved(n: int) -> str:
        result.relearnt = n
        return summary + (f"; {n} andre input flyttet af modellen" if n else "")

    with store.atomic():
        result.edit_id, created = store.place_units(
            placements, summary=with_moved, new_themes=descriptions, then=relearnt, expected_revision=revision
        )
        if refresh:
            from ..themes import refresh_keywords

            refresh_keywords(store)
    result.placed = sorted(placements)
    result.new_themes = list(created)
    return result


def describe(result: ImportResult) -> list[str]:
    """Danish lines for the command line: what was placed and what was not."""
    lines = [
        f"Kodninger fra {Path(result.path).name}: {result.moved} input flyttet, {result.confirmed} bekræftet,"
        f" {result.unchanged} uændrede."
    ]
    if result.new_themes:
        lines.append("Nye temaer: " + ", ".join(f"«{t}»" for t in result.new_themes) + ".")
    if result.conflicts:
        lines.append(f"{result.conflicts} input havde flere koder; den kode, der dækkede mest af inputtet, blev brugt.")
    if result.relearnt:
        lines.append(f"Modellen lærte af placeringerne og flyttede {result.relearnt} andre input.")
    if result.edit_id is not None:
        lines.append("Importen er én ændring i projektets log og kan fortrydes i appen.")
    return lines

