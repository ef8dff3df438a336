"""Human edits with an undo/redo log.

Every edit is recorded as a list of row changes ``(table, id, before, after)``
where ``before``/``after`` are the changed columns (``None`` when the row did
not exist). Undo writes ``before`` back, redo writes ``after``; both first check
that the rows are still as the edit left them, so an undo never silently
overwrites someone else's later change. The log survives restarts because it
lives in the project file.

These functions are bound as methods of :class:`~udsatte_nlp.store.ProjectStore`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from ..errors import ConfigError, ConflictError

_KEYS = {"themes": "id", "assignments": "unit_id", "corrections": "id", "documents": "id", "units": "id"}
Change = dict[str, Any]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _row(store: Any, table: str, key: int, columns: Sequence[str]) -> dict[str, Any] | None:
    cols = ", ".join(columns)
    row = store.conn.execute(f"SELECT {cols} FROM {table} WHERE {_KEYS[table]} = ?", (key,)).fetchone()
    return None if row is None else {c: row[c] for c in columns}


def _write(store: Any, table: str, key: int, values: dict[str, Any] | None, columns: Sequence[str]) -> None:
    pk = _KEYS[table]
    if table in ("units", "documents"):
        store._units_changed()
    exists = store.conn.execute(f"SELECT 1 FROM {table} WHERE {pk} = ?", (key,)).fetchone() is not None
    if values is None:
        if exists:
            store.conn.execute(f"DELETE FROM {table} WHERE {pk} = ?", (key,))
    elif exists:
        sets = ", ".join(f"{c} = ?" for c in columns)
        store.conn.execute(f"UPDATE {table} SET {sets} WHERE {pk} = ?", (*[values[c] for c in columns], key))
    else:
        cols = [pk, *columns]
        marks = ",".join("?" * len(cols))
        store.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", (key, *[values[c] for c in columns])
        )


def _change(store: Any, table: str, key: int, after: dict[str, Any] | None, columns: Sequence[str]) -> Change:
    """Apply one row change now and return its record."""
    before = _row(store, table, key, columns)
    _write(store, table, key, after, columns)
    return {"table": table, "key": key, "columns": list(columns), "before": before, "after": after}


def _record(store: Any, op: str, summary: str, changes: list[Change]) -> int:
    # A new edit discards the redo stack (undone edits become unreachable).
    store.conn.execute("UPDATE edits SET undone = 2 WHERE undone = 1")
    cur = store.conn.execute(
        "INSERT INTO edits(created_at, op, summary, payload) VALUES (?,?,?,?)",
        (_now(), op, summary, json.dumps(changes, ensure_ascii=False)),
    )
    store._bump()
    return int(cur.lastrowid)


def _theme_exists(store: Any, theme_id: int) -> None:
    if store.conn.execute("SELECT 1 FROM themes WHERE id = ? AND active = 1", (theme_id,)).fetchone() is None:
        raise ConfigError(f"Tema {theme_id} findes ikke", path=store.path, hint="Vælg et eksisterende tema")


def theme_named(store: Any, label: str, *, exclude: Sequence[int] = ()) -> int | None:
    """The active theme called ``label`` (ignoring case and spacing), other than those in ``exclude``."""
    wanted = " ".join(label.split()).casefold()
    skip = {int(t) for t in exclude}
    for row in store.conn.execute("SELECT id, label FROM themes WHERE active = 1 ORDER BY position, id"):
        if int(row[0]) not in skip and " ".join(str(row[1]).split()).casefold() == wanted:
            return int(row[0])
    return None


def _check_label_free(store: Any, label: str, *, exclude: Sequence[int] = ()) -> None:
    """Refuse a name that another active theme already has: csv and Excel exports would be ambiguous."""
    if theme_named(store, label, exclude=exclude) is not None:
        raise ConfigError(
            f"Der findes allerede et tema med navnet «{label}»",
            hint="Vælg et andet navn, eller flet de to temaer",
        )


def _unique_label(store: Any, label: str, *, exclude: Sequence[int] = (), taken: Sequence[str] = ()) -> str:
    """``label``, or ``label (2)``, ``label (3)`` … when another theme already has it (for generated names)."""
    used = {" ".join(t.split()).casefold() for t in taken}
    candidate, i = label, 2
    while theme_named(store, candidate, exclude=exclude) is not None or candidate.casefold() in used:
        candidate = f"{label} ({i})"
        i += 1
    return candidate


def rename_theme(store: Any, theme_id: int, label: str, *, expected_revision: int | None = None) -> int:
    """Give a theme a new label (a person's name: later analyses keep it). Returns the edit id.

    A name that another active theme already has is refused (:class:`ConfigError`);
    merge the two themes instead.
    """
    label = " ".join(label.split())
    if not label:
        raise ConfigError("Et tema skal have et navn", hint="Skriv et navn")
    with store.atomic():
        store.check_revision(expected_revision)
        _theme_exists(store, theme_id)
        _check_label_free(store, label, exclude=[theme_id])
        old = store.theme(theme_id)["label"]
        ch = _change(store, "themes", theme_id, {"label": label, "label_source": "human"}, ["label", "label_source"])
        return _record(store, "rename", f"Omdøbt «{old}» til «{label}»", [ch])


def describe_theme(store: Any, theme_id: int, description: str, *, expected_revision: int | None = None) -> int:
    """Set a theme's description, written by a person (kept as written; the theme is then a
    person's theme, ``source = 'human'``). An empty text brings the generated description back."""
    description = description.strip()
    with store.atomic():
        store.check_revision(expected_revision)
        _theme_exists(store, theme_id)
        label = store.theme(theme_id)["label"]
        values = {"description": description, "description_source": "human" if description else "model",
                  "source": _person_source(store, theme_id)}
        ch = _change(store, "themes", theme_id, values, list(values))
        return _record(store, "describe", f"Beskrivelse af «{label}» ændret", [ch])


def _person_source(store: Any, theme_id: int) -> str:
    """``themes.source`` once a person has shaped the theme: ``'human'`` (the outlier theme stays itself)."""
    return "outlier" if store.theme(theme_id)["is_outlier"] else "human"


def create_theme(store: Any, label: str, *, description: str = "", expected_revision: int | None = None) -> int:
    """Create an empty human theme; returns its id (the creation is undoable)."""
    label = " ".join(label.split())
    if not label:
        raise ConfigError("Et tema skal have et navn", hint="Skriv et navn")
    with store.atomic():
        store.check_revision(expected_revision)
        _check_label_free(store, label)
        theme_id = _new_theme(store, label, description)
        return theme_id


def _new_theme(store: Any, label: str, description: str = "") -> int:
    theme_id, ch = _insert_theme(store, label, description=description)
    _record(store, "create", f"Nyt tema «{label}»", [ch])
    return theme_id


_THEME_COLS = ["label", "description", "source", "label_source", "active", "position", "keywords", "is_outlier",
               "description_source"]


def _insert_theme(
    store: Any,
    label: str,
    *,
    description: str = "",
    source: str = "human",
    label_source: str = "human",
    position: int | None = None,
    keywords: Sequence[str] = (),
    is_outlier: bool = False,
    description_source: str | None = None,
) -> tuple[int, Change]:
    """Insert a theme row now; returns its id and the change record (not logged yet)."""
    if position is None:
        position = store.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM themes").fetchone()[0]
    new_id = int(store.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM themes").fetchone()[0])
    values = {
        "label": label,
        "description": description,
        "source": source,
        "label_source": label_source,
        "active": 1,
        "position": int(position),
        "keywords": json.dumps(list(keywords), ensure_ascii=False),
        "is_outlier": int(is_outlier),
        "description_source": description_source or ("human" if description else "model"),
    }
    return new_id, _change(store, "themes", new_id, values, _THEME_COLS)


def _move_changes(
    store: Any,
    unit_ids: Sequence[int],
    theme_id: int,
    scores: Mapping[int, float] | None = None,
    *,
    by_person: bool = True,
) -> list[Change]:
    """Row changes that put units in ``theme_id``.

    ``by_person``: a person placed *these inputs* (moved them): ``source = 'human'``
    and no score (a person's move says nothing about how typical the input is, so it
    never lifts it into the quotes; the confidence is filled in later). Otherwise the
    theme changed around them (merge, split, a whole theme as «Øvrige»): each input
    keeps who placed it and its score, or the new score in ``scores``.
    """
    cols = ["theme_id", "score", "source", "run_id"]
    changes = []
    for uid in dict.fromkeys(int(u) for u in unit_ids):
        if store.conn.execute("SELECT 1 FROM units WHERE id = ?", (uid,)).fetchone() is None:
            raise ConfigError(f"Input {uid} findes ikke", path=store.path)
        old = _row(store, "assignments", uid, cols)
        if by_person or old is None:
            after = {"theme_id": theme_id, "score": None, "source": "human", "run_id": None}
        else:
            score = float(scores[uid]) if scores is not None and uid in scores else old["score"]
            after = {"theme_id": theme_id, "score": score, "source": old["source"], "run_id": old["run_id"]}
        changes.append(_change(store, "assignments", uid, after, cols))
    return changes


def move_units(store: Any, unit_ids: Sequence[int], theme_id: int, *, expected_revision: int | None = None) -> int:
    """Move units to a theme (a human assignment that re-runs never overwrite)."""
    if not unit_ids:
        raise ConfigError("Vælg mindst ét input at flytte")
    with store.atomic():
        store.check_revision(expected_revision)
        _theme_exists(store, theme_id)
        changes = _move_changes(store, unit_ids, theme_id)
        label = store.theme(theme_id)["label"]
        return _record(store, "move", f"{len(changes)} input flyttet til «{label}»", changes)


def place_units(
    store: Any,
    placements: Mapping[int, int | str],
    *,
    summary: str | Callable[[int], str],
    new_themes: Mapping[str, str] | None = None,
    op: str = "import",
    then: Callable[[], list[Change]] | None = None,
    expected_revision: int | None = None,
) -> tuple[int, dict[str, int]]:
    """Place inputs as a person decided (in the review queue, or codings from a QDA program),
    as ONE undoable edit.

    ``placements`` maps a unit id to a theme id, or to the label of a new theme,
    which is created in the same edit (its description from ``new_themes``). The
    units become human placements, like :func:`move_units`. ``then`` runs inside the
    same transaction afterwards and returns further changes for the same edit (what
    relearning moved); ``summary`` may be a function of how many there were.
    Returns the edit id and ``{label: id}`` of the themes created.
    """
    if not placements:
        raise ConfigError("Ingen input at placere")
    with store.atomic():
        store.check_revision(expected_revision)
        changes: list[Change] = []
        created: dict[str, int] = {}
        for label in dict.fromkeys(v for v in placements.values() if isinstance(v, str)):
            theme_id, ch = _insert_theme(store, label, description=(new_themes or {}).get(label, ""))
            created[label] = theme_id
            changes.append(ch)
        by_theme: dict[int, list[int]] = {}
        for unit_id, target in placements.items():
            by_theme.setdefault(created[target] if isinstance(target, str) else int(target), []).append(int(unit_id))
        for theme_id, units in by_theme.items():
            _theme_exists(store, theme_id)
            changes.extend(_move_changes(store, units, theme_id))
        extra = then() if then is not None else []
        text = summary(len(extra)) if callable(summary) else summary
        return _record(store, op, text, changes + extra), created


def merge_themes(
    store: Any,
    theme_ids: Sequence[int],
    into: int,
    *,
    label: str | None = None,
    expected_revision: int | None = None,
) -> int:
    """Merge themes into ``into``: their units move there and they are deactivated.

    The merged theme keeps the name a person chose: ``label`` when given, else the one
    name among the themes that a person gave; when several of them have such names,
    ``label`` must say which (:class:`ConfigError` otherwise). Without any name from a
    person it keeps the name of ``into``. A description written by a person is kept the
    same way; a generated one is regenerated from the new members. The inputs keep who
    placed them and their scores (a merge changes themes, not placements), and the
    merged theme becomes a person's theme (``source = 'human'``).
    """
    sources = [int(t) for t in dict.fromkeys(theme_ids) if int(t) != int(into)]
    if not sources:
        raise ConfigError("Vælg mindst ét andet tema at flette med")
    with store.atomic():
        store.check_revision(expected_revision)
        _theme_exists(store, into)
        for t in sources:
            _theme_exists(store, t)
        involved = [store.theme(t) for t in [int(into), *sources]]
        target = involved[0]
        named = list(dict.fromkeys(r["label"] for r in involved if r["label_source"] == "human"))
        if label is not None:
            final = " ".join(label.split())
            if not final:
                raise ConfigError("Et tema skal have et navn", hint="Skriv et navn")
            _check_label_free(store, final, exclude=[int(into), *sources])
            label_source = "human"
        elif len(named) > 1:
            raise ConfigError(
                f"Temaerne har hver et navn, som I har givet ({', '.join(f'«{n}»' for n in named)})",
                hint="Vælg, hvilket navn det samlede tema skal have",
            )
        elif named:
            final, label_source = named[0], "human"
        else:
            final, label_source = target["label"], target["label_source"]
        written = [r for r in involved if r["description_source"] == "human" and r["description"]]
        keep = written[0] if written and (written[0]["id"] == target["id"] or len(written) == 1) else None
        description = keep["description"] if keep is not None else target["description"]
        marks = ",".join("?" * len(sources))
        units = [r[0] for r in store.conn.execute(f"SELECT unit_id FROM assignments WHERE theme_id IN ({marks})", sources)]
        changes = _move_changes(store, units, into, by_person=False)
        labels = []
        for t in sources:
            labels.append(store.theme(t)["label"])
            changes.append(_change(store, "themes", t, {"active": 0}, ["active"]))
        values = {"label": final, "label_source": label_source, "source": _person_source(store, into),
                  "description": description, "description_source": "human" if keep is not None else "model"}
        changes.append(_change(store, "themes", int(into), values, list(values)))
        summary = f"{', '.join(f'«{x}»' for x in labels)} flettet ind i «{target['label']}»"
        if final != target["label"]:
            summary += f", der nu hedder «{final}»"
        return _record(store, "merge", summary, changes)


def split_theme(
    store: Any,
    theme_id: int,
    groups: Sequence[Sequence[int]],
    labels: Sequence[str],
    *,
    keywords: Sequence[Sequence[str]] | None = None,
    scores: Mapping[int, float] | None = None,
    expected_revision: int | None = None,
) -> list[int]:
    """Split a theme into sub-themes, one per group of its units, as one undoable edit.

    ``groups`` must partition the theme's current units (every unit in exactly
    one group, at least two non-empty groups). The new themes take the old
    theme's place in the list; the old theme is deactivated. The new themes are a
    person's themes (``source = 'human'``: a re-analysis keeps them with their
    members), but the inputs keep who placed them: a split changes themes, not
    placements. ``scores`` (unit id -> similarity to its new theme) replaces their
    scores; without it they keep theirs. A label that another theme already has
    gets a number, ``Bolig (2)``. Returns the new themes' ids, in the order of ``groups``.
    """
    groups = [[int(u) for u in g] for g in groups if len(g)]
    if len(groups) < 2:
        raise ConfigError("Et tema skal deles i mindst to dele", hint="Vælg et antal på 2 eller mere")
    if len(labels) < len(groups):
        raise ValueError("one label per group is needed")
    with store.atomic():
        store.check_revision(expected_revision)
        _theme_exists(store, theme_id)
        parent = store.theme(theme_id)
        members = {r[0] for r in store.conn.execute("SELECT unit_id FROM assignments WHERE theme_id = ?", (theme_id,))}
        given = [u for g in groups for u in g]
        if len(given) != len(set(given)) or set(given) != members:
            raise ConflictError(
                f"Delingen af «{parent['label']}» passer ikke med temaets input",
                path=store.path,
                hint="Genindlæs siden og prøv igen",
            )
        changes: list[Change] = []
        new_ids: list[int] = []
        given_labels: list[str] = []
        for i, group in enumerate(groups):
            label = " ".join(str(labels[i]).split()) or f"{parent['label']} {i + 1}"
            label = _unique_label(store, label, exclude=[theme_id], taken=given_labels)
            given_labels.append(label)
            kw = keywords[i] if keywords is not None and i < len(keywords) else ()
            new_id, ch = _insert_theme(
                store, label, source="human", label_source="model", position=parent["position"], keywords=kw,
                is_outlier=bool(parent["is_outlier"]),
            )
            changes.append(ch)
            changes.extend(_move_changes(store, group, new_id, scores, by_person=False))
            new_ids.append(new_id)
        changes.append(_change(store, "themes", theme_id, {"active": 0}, ["active"]))
        _record(store, "split", f"«{parent['label']}» delt i {len(groups)} temaer", changes)
        return new_ids


def _outlier_theme(store: Any) -> tuple[int, list[Change]]:
    """The active outlier theme ("Øvrige"), created (as a change) when there is none."""
    row = store.conn.execute(
        "SELECT id FROM themes WHERE is_outlier = 1 AND active = 1 ORDER BY position, id LIMIT 1"
    ).fetchone()
    if row is not None:
        return int(row[0]), []
    from ..themes.model import OUTLIER_LABEL

    pos = store.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM themes").fetchone()[0]
    new_id, ch = _insert_theme(
        store, OUTLIER_LABEL, source="outlier", label_source="human", position=pos, is_outlier=True,
        description="Input, der ikke hører til noget tema.", description_source="model",
    )
    return new_id, [ch]


def mark_outlier(
    store: Any,
    unit_ids: Sequence[int] = (),
    *,
    theme_id: int | None = None,
    expected_revision: int | None = None,
) -> int:
    """Mark inputs as outliers: move them to the "Øvrige" theme (created when missing).

    The inputs in ``unit_ids`` are placed by a person. With ``theme_id`` the whole
    theme is marked: all its inputs move, keeping who placed them (a decision about
    the theme, like a merge), and the theme is deactivated. Returns the edit id.
    """
    with store.atomic():
        store.check_revision(expected_revision)
        units = list(dict.fromkeys(int(u) for u in unit_ids))
        whole: list[int] = []
        if theme_id is not None:
            _theme_exists(store, theme_id)
            if store.theme(theme_id)["is_outlier"]:
                raise ConfigError("Temaet er allerede øvrige", hint="Vælg et andet tema")
            whole = [r[0] for r in store.conn.execute("SELECT unit_id FROM assignments WHERE theme_id = ?", (theme_id,))
                     if r[0] not in units]
        if not units and not whole:
            raise ConfigError("Vælg mindst ét input at markere som øvrige")
        target, changes = _outlier_theme(store)
        changes += _move_changes(store, units, target)
        changes += _move_changes(store, whole, target, by_person=False)
        units += whole
        if theme_id is not None:
            label = store.theme(theme_id)["label"]
            changes.append(_change(store, "themes", theme_id, {"active": 0}, ["active"]))
            summary = f"Hele «{label}» markeret som øvrige"
        else:
            summary = f"{len(set(units))} input markeret som øvrige"
        return _record(store, "outlier", summary, changes)


def _rewrite_inputs(store: Any, doc_id: int) -> tuple[list[Change], set[int]]:
    """Rewrite the document's inputs as its reverted corrections and accepted suggestions now
    say (:func:`~udsatte_nlp.store.reverts.unit_texts`): the changes, and which corrections
    were found inside an input."""
    from ..segment import duplicate_key
    from . import text_hash
    from .reverts import unit_texts

    reverted = {
        int(r[0])
        for r in store.conn.execute("SELECT id FROM corrections WHERE document_id = ? AND reverted = 1", (doc_id,))
    }
    texts, placed = unit_texts(store, doc_id, reverted)
    current = dict(store.conn.execute("SELECT id, text FROM units WHERE document_id = ?", (doc_id,)).fetchall())
    changes = [
        _change(store, "units", unit_id, {"text": text, "text_hash": text_hash(text), "dup_key": duplicate_key(text) or ""},
                ["text", "text_hash", "dup_key"])
        for unit_id, text in sorted(texts.items())
        if text and text != current.get(unit_id)
    ]
    return changes, placed


def revert_correction(store: Any, correction_id: int, *, expected_revision: int | None = None) -> int:
    """Undo one cleaner correction: the original text goes back into the input that holds it
    (and so into search, keywords and exports). Returns the edit id.

    A correction outside every input (a removed page header, say) is only marked.
    """
    with store.atomic():
        store.check_revision(expected_revision)
        row = store.conn.execute("SELECT * FROM corrections WHERE id = ?", (correction_id,)).fetchone()
        if row is None:
            raise ConfigError(f"Rettelse {correction_id} findes ikke", path=store.path)
        if row["status"] != "applied":
            raise ConfigError(f"Rettelse {correction_id} er et forslag, som renseren ikke har brugt", path=store.path,
                              hint="Et forslag, der er taget i brug, fortrydes med «Fortryd»")
        changes = [_change(store, "corrections", correction_id, {"reverted": 1}, ["reverted"])]
        texts, placed = _rewrite_inputs(store, int(row["document_id"]))
        changes += texts
        where = "" if correction_id in placed else " (uden for input-teksterne)"
        return _record(store, "revert", f"Rettelsen «{row['before']}» → «{row['after']}» fortrudt{where}", changes)


def accept_suggestion(store: Any, correction_id: int, *, expected_revision: int | None = None) -> int:
    """Take up one of the cleaner's suggestions (an OCR repair it was too unsure to make): the
    suggested words go into the input that holds the original ones (and so into search,
    keywords and exports). Undoable like every edit. Returns the edit id.

    A suggestion outside every input (in a removed page header, say) is only marked.
    """
    with store.atomic():
        store.check_revision(expected_revision)
        row = store.conn.execute("SELECT * FROM corrections WHERE id = ?", (correction_id,)).fetchone()
        if row is None or row["status"] == "applied":
            raise ConfigError(f"Forslag {correction_id} findes ikke", path=store.path)
        if row["status"] == "accepted":
            raise ConfigError(f"Forslaget «{row['before']}» → «{row['after']}» er allerede taget i brug", path=store.path)
        changes = [_change(store, "corrections", correction_id, {"status": "accepted"}, ["status"])]
        texts, placed = _rewrite_inputs(store, int(row["document_id"]))
        changes += texts
        where = "" if correction_id in placed else " (uden for input-teksterne)"
        return _record(store, "accept", f"Forslaget «{row['before']}» → «{row['after']}» taget i brug{where}", changes)


# Columns that the keyword refresh rewrites after every edit: they are derived
# data, not anyone's decision, so they never make an undo or redo conflict.
_DERIVED = {"keywords", "score"}


def _same(current: dict[str, Any] | None, expected: dict[str, Any] | None) -> bool:
    if current is None or expected is None:
        return current == expected
    for col, value in expected.items():
        if col in _DERIVED:
            continue
        if col == "label" and current.get("label_source") == "model" and expected.get("label_source") == "model":
            continue  # a model label is recomputed from keywords; only a human label is a decision
        if current.get(col) != value:
            return False
    return True


def _replay(store: Any, edit: Any, direction: str) -> None:
    import sqlite3

    changes = json.loads(edit["payload"])
    expect, target = ("after", "before") if direction == "undo" else ("before", "after")
    seq = reversed(changes) if direction == "undo" else changes
    verb = "fortryde" if direction == "undo" else "gentage"
    for ch in seq:
        current = _row(store, ch["table"], ch["key"], ch["columns"])
        if not _same(current, ch[expect]):
            raise ConflictError(
                f"Kan ikke {verb} «{edit['summary']}»: projektet er ændret siden",
                path=store.path,
                hint="Genindlæs og ret manuelt",
            )
        try:
            _write(store, ch["table"], ch["key"], ch[target], ch["columns"])
        except sqlite3.IntegrityError:
            raise ConflictError(
                f"Kan ikke {verb} «{edit['summary']}»: et tema eller input, den bygger på, findes ikke længere"
                " (fx efter en ny analyse)",
                path=store.path,
                hint="Ret manuelt i stedet",
            ) from None


def undo(store: Any, *, expected_revision: int | None = None) -> str | None:
    """Undo the latest human edit that is not undone yet. Returns its summary, or None."""
    with store.atomic():
        store.check_revision(expected_revision)
        edit = store.conn.execute("SELECT * FROM edits WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
        if edit is None:
            return None
        _replay(store, edit, "undo")
        store.conn.execute("UPDATE edits SET undone = 1 WHERE id = ?", (edit["id"],))
        store._bump()
        return str(edit["summary"])


def redo(store: Any, *, expected_revision: int | None = None) -> str | None:
    """Redo the most recently undone edit. Returns its summary, or None."""
    with store.atomic():
        store.check_revision(expected_revision)
        edit = store.conn.execute("SELECT * FROM edits WHERE undone = 1 ORDER BY id ASC LIMIT 1").fetchone()
        # the redo candidate is the earliest undone edit after the last active one
        if edit is None:
            return None
        _replay(store, edit, "redo")
        store.conn.execute("UPDATE edits SET undone = 0 WHERE id = ?", (edit["id"],))
        store._bump()
        return str(edit["summary"])


def edit_history(store: Any) -> list[dict[str, Any]]:
    rows = store.conn.execute("SELECT id, created_at, op, summary, undone FROM edits ORDER BY id").fetchall()
    return [dict(r) for r in rows]
