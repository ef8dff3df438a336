"""Learning from people's decisions in a project: the review queue and relearning.

The maths is in :mod:`udsatte_nlp.themes.placement` (pure functions on vectors);
this module reads the project, runs it and writes the result:

* :func:`project_placement`: every input's probability for every theme under the
  model that has learnt from all people's placements so far;
* :func:`queue`: the inputs a person should check first, with the suggested theme
  and the nearest alternatives;
* :func:`place`: record people's placements (one undoable edit, an unknown theme
  name creates the theme) and re-place every input no person has placed;
* :func:`relearn`: the re-placement alone.

On a project of more than :data:`LEARN_EACH_DECISION_UP_TO` inputs the app does not
re-place everything after each decision (seconds at 300,000 inputs): it records the
decision, keeps showing the queue from what the model last learnt, and relearns
after every :data:`LEARN_AFTER` decisions or when asked.

People's placements are never changed here; inputs in «Øvrige» stay there.
Which inputs the model moved is part of the same logged edit, so one undo takes
back the decision and everything it moved. Confidences (``assignments.score``)
are derived data: rewritten after every relearning, not logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ConfigError, ProjectError

__all__ = [
    "ProjectPlacement",
    "project_placement",
    "queue",
    "place",
    "relearn",
    "parse_placements",
    "learns_each_decision",
    "warm_up",
    "LEARN_EACH_DECISION_UP_TO",
    "LEARN_AFTER",
]


@dataclass
class ProjectPlacement:
    """The model's view of the project after learning from every person's placement."""

    unit_ids: np.ndarray  # every input with a vector
    theme_ids: list[int]  # the themes the model places in (active, not «Øvrige»)
    current: np.ndarray  # each input's current theme (index into theme_ids; -1: «Øvrige» or none)
    human: np.ndarray  # bool: a person placed the input
    assigned: np.ndarray  # bool: the input has a theme (possibly «Øvrige»)
    proba: np.ndarray  # inputs × themes
    suggested: np.ndarray  # the model's theme per input (people's placements: their theme)
    Z: np.ndarray  # the centred vectors
    pending: int = 0  # people's placements the model has not learnt from yet (``learn=False``)

    @property
    def confidence(self) -> np.ndarray:
        """The probability of each input's current theme (NaN where it has none)."""
        out = np.full(len(self.unit_ids), np.nan)
        has = self.current >= 0
        out[has] = self.proba[np.flatnonzero(has), self.current[has]]
        return out


#: Up to this many inputs the app relearns after every decision (the mixture is refitted on
#: every input: a decision with relearning takes about 0.5 s at 20,000 inputs and 9 s at
#: 300,000 on a 2-core laptop; ``benchmarks/run.py --csv``). Above it the decisions are saved at once and the model
#: learns from them together, after every :data:`LEARN_AFTER` decisions or when asked.
LEARN_EACH_DECISION_UP_TO = 20_000
#: On a larger project, the model learns after this many decisions.
LEARN_AFTER = 20


def learns_each_decision(store: Any) -> bool:
    """Whether the app lets the model learn from every decision at once (projects of up to
    :data:`LEARN_EACH_DECISION_UP_TO` inputs)."""
    return int(store.conn.execute("SELECT count(*) FROM units").fetchone()[0]) <= LEARN_EACH_DECISION_UP_TO


def _latest_run(store: Any) -> Any:
    row = store.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise ProjectError("Projektet har ingen temaer endnu", path=store.path, hint="Kør først 'udsatte-nlp analyze'")
    return row


def project_placement(store: Any, embedder: Any = None, *, learn: bool = True) -> ProjectPlacement:
    """Learn from the project's people's placements and place every input.

    Needs the latest run's cached vectors; inputs without one are embedded with
    ``embedder`` (an embedder, or a function returning one) when given, else left out.
    With ``learn=False`` the last placement learnt in this process for the same inputs
    is used as it is (people's newer placements are marked, not learnt from; see
    :attr:`ProjectPlacement.pending`), and learnt only when there is none.

    One placement is computed at a time in a process: a second caller (another browser
    session, or :func:`warm_up`) waits and then finds the first one's result.
    """
    with _LOCK:
        return _project_placement(store, embedder, learn)


def warm_up(path: str) -> threading.Thread:
    """Start placing a large project's inputs in the background (reading and centring every
    vector, fitting the mixture: 20 s at 300,000 inputs), so that the review queue is ready
    when someone opens it. Only a head start: on a project the app relearns for after every
    decision it does nothing, and whatever goes wrong here the page meets again itself."""

    def work() -> None:
        from .store import ProjectStore

        try:
            with ProjectStore(path, create=False) as store:
                if not learns_each_decision(store) and store.conn.execute("SELECT 1 FROM runs").fetchone():
                    project_placement(store, learn=False)
        except Exception as exc:  # noqa: BLE001 - a head start only; the page reports its own errors
            logging.getLogger(__name__).debug("warm-up of %s stopped: %s", path, exc)

    thread = threading.Thread(target=work, name="udsatte-warm-up", daemon=True)
    thread.start()
    return thread


#: One placement computed at a time (see :func:`project_placement`).
_LOCK = threading.Lock()


def _project_placement(store: Any, embedder: Any, learn: bool) -> ProjectPlacement:
    from .embed import embed_cached
    from .store.plans import _vector
    from .themes.model import center

    run = _latest_run(store)
    model = str(run["model"])
    key = _centred_key(store, run)
    held = _CACHE.get("centred")
    if key is not None and held is not None and held[0] == key:  # the same inputs, texts and run
        return _placement(store, model, held[1], held[2], key, learn)
    rows = store.conn.execute("SELECT id, text_hash FROM units ORDER BY id").fetchall()
    hashes = [r[1] for r in rows]
    X, found = store.embedding_matrix(model, hashes)  # one float32 matrix, filled in place
    if not found.all() and embedder is not None:
        emb = embedder if hasattr(embedder, "encode") else embedder()
        if getattr(emb, "name", None) == model:
            missing = [int(rows[i][0]) for i in np.flatnonzero(~found)]
            texts = dict(_texts(store, missing))
            embed_cached(store, emb, [texts[u] for u in missing], [hashes[i] for i in np.flatnonzero(~found)])
            X, found = store.embedding_matrix(model, hashes)
    if X is None:
        rows = []
    elif not found.all():
        X = X[found]
        rows = [r for r, f in zip(rows, found.tolist(), strict=True) if f]
        key = None  # not every input is placed: not kept for the next call
    if not rows:
        raise ProjectError("Projektet har ingen temaer med input endnu", path=store.path,
                           hint="Kør først 'udsatte-nlp analyze'")
    mean = _vector(run["mean"])
    # only the centred vectors are needed from here: a large float32 matrix is centred in place
    Z = center(X, mean if mean is not None and len(mean) == X.shape[1] else None, overwrite=True)
    del X
    unit_ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
    if key is not None:
        _CACHE["centred"] = (key, unit_ids, Z)
    return _placement(store, model, unit_ids, Z, key, learn)


#: What the last placement in this process computed, so that the next one for the same
#: project need not: ``"centred"`` → ``(key, unit ids, Z)``, the centred vectors (reading and
#: centring 300,000 vectors costs seconds; the key names the project file, the run and the
#: version of its inputs, :attr:`~udsatte_nlp.store.ProjectStore.units_version`), and
#: ``"fit"`` → ``(key, fit key, people, proba, suggested, theme ids, current, assigned)``, the
#: mixture learnt from exactly those people's placements and prior centres, and the themes then.
#: The app asks for the placement twice per decision (relearning, then the next queue): the
#: second is read from here.
#: Each value is one tuple, replaced whole, so threads never see half an entry.
_CACHE: dict[str, tuple[Any, ...]] = {}


def _centred_key(store: Any, run: Any) -> tuple[Any, ...] | None:
    import os

    if store.path == ":memory:":
        return None
    try:
        st = os.stat(store.path)
    except OSError:
        return None
    count, last = store.conn.execute("SELECT count(*), max(id) FROM units").fetchone()
    return (os.path.realpath(store.path), st.st_ino, st.st_dev, int(run["id"]), str(run["model"]), run["mean"],
            store.units_version, count, last)


def _placement(
    store: Any, model: str, unit_ids: np.ndarray, Z: np.ndarray, key: tuple[Any, ...] | None, learn: bool
) -> ProjectPlacement:
    """The mixture over the project's themes, learnt from the people's placements, on the centred vectors."""
    import hashlib

    from .store.plans import _vector
    from .themes.linalg import row_mean
    from .themes.placement import PRIOR_WEIGHT
    from .themes.placement import place as place_inputs

    themes = store.conn.execute(
        "SELECT t.id, t.anchor, r.model AS run_model FROM themes t LEFT JOIN runs r ON r.id = t.run_id"
        " WHERE t.active = 1 AND t.is_outlier = 0 ORDER BY t.position, t.id"
    ).fetchall()
    if not themes:
        raise ProjectError("Projektet har ingen temaer med input endnu", path=store.path,
                           hint="Kør først 'udsatte-nlp analyze'")
    theme_ids = [int(t["id"]) for t in themes]
    n = len(unit_ids)
    index = np.full(max(theme_ids) + 1, -1)
    index[theme_ids] = np.arange(len(theme_ids))

    def positions(unit_theme: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows ``(unit id, theme id, …)`` of the inputs placed here → their positions, their theme
        indices and the rows themselves."""
        at = np.searchsorted(unit_ids, unit_theme[:, 0]).clip(0, max(n - 1, 0))
        ours = unit_ids[at] == unit_theme[:, 0]
        tid = unit_theme[ours, 1]
        return at[ours], np.where(tid < len(index), index[tid.clip(0, len(index) - 1)], -1), unit_theme[ours]

    def rows(sql: str, width: int) -> np.ndarray:
        return np.array(store.conn.execute(sql).fetchall() or np.zeros((0, width)), dtype=np.int64).reshape(-1, width)

    def people_of(current: np.ndarray, human: np.ndarray) -> dict[int, int]:
        """Input id → theme id of every person's placement in a theme the model places in."""
        return {int(unit_ids[i]): theme_ids[int(current[i])] for i in np.flatnonzero(human & (current >= 0)).tolist()}

    def made(current: np.ndarray, human: np.ndarray, assigned: np.ndarray, proba: np.ndarray,
             suggested: np.ndarray, people: dict[int, int], learnt: dict[int, int]) -> ProjectPlacement:
        return ProjectPlacement(unit_ids=unit_ids, theme_ids=theme_ids, current=current, human=human, assigned=assigned,
                                proba=proba, suggested=suggested, Z=Z,
                                pending=sum(learnt.get(u) != t for u, t in people.items()))

    held = _CACHE.get("fit")
    if not learn and key is not None and held is not None and held[0] == key and held[5] == theme_ids:
        # what the model last learnt; only people's placements since are read (every input's theme
        # is 0.6 s at 300,000 inputs): the queue leaves them out
        _key, _fit, learnt, proba, suggested, _ids, current, assigned = held
        at, theme, _ = positions(rows("SELECT unit_id, theme_id FROM assignments WHERE source = 'human'", 2))
        current, assigned, human = current.copy(), assigned.copy(), np.zeros(n, dtype=bool)
        current[at], assigned[at], human[at] = theme, True, True
        return made(current, human, assigned, proba, suggested, people_of(current, human), learnt)
    # every input's theme (index into theme_ids; -1: «Øvrige», an inactive theme or none)
    at, theme, placed = positions(rows("SELECT unit_id, theme_id, source = 'human' FROM assignments", 3))
    current = np.full(n, -1)
    current[at] = theme
    human = np.zeros(n, dtype=bool)
    human[at] = placed[:, 2] == 1
    assigned = np.zeros(n, dtype=bool)
    assigned[at] = True
    people = people_of(current, human)
    k = len(themes)
    prior = np.zeros((k, Z.shape[1]))
    for t, row in enumerate(themes):
        anchor = _vector(row["anchor"]) if row["run_model"] == model else None
        if anchor is not None and len(anchor) == Z.shape[1]:
            prior[t] = anchor
        elif (current == t).any():
            prior[t] = row_mean(Z, current == t)
    weights = np.where(np.linalg.norm(prior, axis=1) > 0, PRIOR_WEIGHT, 0.0)
    fixed = {i: int(current[i]) for i in np.flatnonzero(human & (current >= 0)).tolist()}
    live = [t for t in range(k) if weights[t] > 0 or t in fixed.values()]
    digest = hashlib.blake2b(digest_size=16)
    for part in (prior, weights, np.array(live), np.array(sorted(fixed.items())), np.array(theme_ids)):
        digest.update(np.ascontiguousarray(part).tobytes())
    fit_key = digest.hexdigest()
    if key is not None and held is not None and held[0] == key and held[1] == fit_key:
        return made(current, human, assigned, held[3], held[4], people, people)  # learnt from exactly these
    col = {t: c for c, t in enumerate(live)}
    fit = place_inputs(Z, prior[live], {i: col[t] for i, t in fixed.items()}, prior_weight=weights[live])
    proba = np.zeros((n, k))
    proba[:, live] = fit.proba
    suggested = np.asarray(live)[fit.labels]
    if key is not None:
        _CACHE["fit"] = (key, fit_key, people, proba, suggested, theme_ids, current, assigned)
    return made(current, human, assigned, proba, suggested, people, people)


def _texts(store: Any, unit_ids: Sequence[int]) -> list[tuple[int, str]]:
    """``(id, text)`` of the given units."""
    out = []
    for a in range(0, len(unit_ids), 500):
        chunk = list(unit_ids[a : a + 500])
        marks = ",".join("?" * len(chunk))
        out += [(int(r[0]), r[1]) for r in store.conn.execute(f"SELECT id, text FROM units WHERE id IN ({marks})", chunk)]
    return out


def queue(
    store: Any, n: int = 10, *, placement: ProjectPlacement | None = None, learn: bool = True
) -> list[dict[str, Any]]:
    """The ``n`` inputs a person should check first (least certain first, no near-duplicates),
    each with its current theme, the model's confidence in it and the two nearest other themes.

    Inputs a person already placed are left out. ``learn=False``: see :func:`project_placement`.
    """
    from .themes.placement import Placement, review_queue

    if n < 1:
        return []
    pp = placement or project_placement(store, learn=learn)
    current = np.where(pp.current >= 0, pp.current, pp.suggested)
    fit = Placement(labels=current, proba=pp.proba, centres=np.zeros((0, 0)), prior=np.zeros((0, 0)))
    picked = review_queue(fit, pp.Z, n, exclude=np.flatnonzero(pp.human).tolist())
    labels = {int(r[0]): r[1] for r in store.conn.execute("SELECT id, label FROM themes")}
    texts = {}
    if picked:
        ids = [int(pp.unit_ids[i]) for i in picked]
        marks = ",".join("?" * len(ids))
        texts = {
            int(r[0]): dict(r)
            for r in store.conn.execute(
                "SELECT u.id, u.text, u.section, d.name AS document, a.theme_id, a.source FROM units u"
                f" JOIN documents d ON d.id = u.document_id LEFT JOIN assignments a ON a.unit_id = u.id WHERE u.id IN ({marks})",
                ids,
            )
        }
    out = []
    for i in picked:
        uid = int(pp.unit_ids[i])
        row = texts[uid]
        order = np.argsort(-pp.proba[i], kind="stable")
        theme_id = row["theme_id"] if row["theme_id"] is not None else pp.theme_ids[int(current[i])]
        alternatives = [pp.theme_ids[t] for t in order.tolist() if pp.theme_ids[t] != theme_id][:2]
        own = pp.theme_ids.index(theme_id) if theme_id in pp.theme_ids else None
        out.append(
            {
                "unit_id": uid,
                "text": row["text"],
                "document": row["document"],
                "section": row["section"],
                "theme_id": int(theme_id),
                "theme_label": labels.get(int(theme_id), ""),
                "confidence": float(pp.proba[i, own]) if own is not None else float("nan"),
                "suggested_id": pp.theme_ids[int(pp.suggested[i])],
                "alternatives": [{"theme_id": t, "label": labels.get(t, ""),
                                  "probability": float(pp.proba[i, pp.theme_ids.index(t)])} for t in alternatives],
            }
        )
    return out


def parse_placements(pairs: Sequence[str]) -> list[tuple[int, str]]:
    """``["12=Bolig", "7=Retssikkerhed"]`` → ``[(12, "Bolig"), (7, "Retssikkerhed")]``."""
    out = []
    for pair in pairs:
        unit, sep, theme = pair.partition("=")
        theme = " ".join(theme.split())
        if not sep or not unit.strip().isdigit() or not theme:
            raise ConfigError(f"«{pair}» er ikke på formen INPUT_ID=TEMANAVN", hint="Skriv fx --place 12=Bolig")
        out.append((int(unit), theme))
    return out


def place(
    store: Any,
    placements: Sequence[tuple[int, str | int]],
    *,
    embedder: Any = None,
    learn: bool = True,
    refresh: bool = True,
    expected_revision: int | None = None,
) -> tuple[int, int]:
    """Record people's placements (unit id → theme name or id) and re-place every input no
    person has placed. One undoable edit. Returns ``(edit id, inputs the model moved)``.

    An unknown theme name creates the theme. Placing an input in the theme it already has
    confirms it (it then counts as placed by a person). With ``refresh=False`` the themes'
    keywords and model labels are only marked stale (:func:`udsatte_nlp.review.refresh_if_stale`
    recomputes them before they are next shown), which keeps a command-line call fast.
    With ``learn=False`` only the placements are recorded; :func:`relearn` learns from
    them later (the app does so on large projects, see :func:`learns_each_decision`).
    """
    if not placements:
        raise ConfigError("Angiv mindst én placering", hint="Fx --place 12=Bolig")
    with store.atomic():
        store.check_revision(expected_revision)
        themes = {r["label"].casefold(): int(r["id"]) for r in store.conn.execute(
            "SELECT id, label FROM themes WHERE active = 1 ORDER BY is_outlier, position, id")}
        active = set(themes.values())
        targets: dict[int, int | str] = {}
        for unit_id, theme in placements:
            if store.conn.execute("SELECT 1 FROM units WHERE id = ?", (int(unit_id),)).fetchone() is None:
                raise ConfigError(f"Input {unit_id} findes ikke i projektet", path=store.path,
                                  hint="Se inputtenes numre med 'udsatte-nlp review --next 10'")
            if isinstance(theme, int) and theme not in active:
                raise ConfigError(f"Tema {theme} findes ikke", path=store.path, hint="Vælg et eksisterende tema")
            targets[int(unit_id)] = theme if isinstance(theme, int) else themes.get(theme.casefold(), theme)
        names = sorted({store.theme(t)["label"] if isinstance(t, int) else t for t in targets.values()})
        before = dict(store.conn.execute(
            f"SELECT unit_id, theme_id FROM assignments WHERE unit_id IN ({','.join('?' * len(targets))})",
            list(targets)).fetchall())
        members_change = any(before.get(u) != t for u, t in targets.items())  # not only confirmations
        created = sorted({t for t in targets.values() if isinstance(t, str)})
        moved: list[dict[str, Any]] = []

        def relearnt() -> list[dict[str, Any]]:
            moved.extend(relearn_changes(store, embedder=embedder) if learn else [])
            return moved

        def summary(n_moved: int) -> str:
            text = f"{len(targets)} input placeret i {', '.join(f'«{n}»' for n in names)}"
            if created:
                text += f" (nyt tema: {', '.join(f'«{c}»' for c in created)})"
            return text + (f"; {n_moved} andre input flyttet af modellen" if n_moved else "")

        edit_id, _ = store.place_units(targets, summary=summary, op="place", then=relearnt)
        if members_change or moved:  # confirmations alone leave keywords and names as they are
            _refresh_keywords(store, refresh)
        return edit_id, len(moved)


def relearn(store: Any, *, embedder: Any = None, refresh: bool = True, expected_revision: int | None = None) -> int:
    """Re-place every input no person has placed, learning from all people's placements
    (one undoable edit when anything moved). Returns how many inputs changed theme."""
    from .store.edits import _record

    with store.atomic():
        store.check_revision(expected_revision)
        moved = relearn_changes(store, embedder=embedder)
        if moved:
            _record(store, "relearn", f"{len(moved)} input flyttet af modellen efter jeres placeringer", moved)
            _refresh_keywords(store, refresh)
        return len(moved)


def relearn_changes(store: Any, *, embedder: Any = None) -> list[dict[str, Any]]:
    """Apply the relearnt placement inside the caller's transaction: move the model's inputs
    whose theme changed (returned as edit-log changes) and rewrite every confidence."""
    from .store.edits import _change

    pp = project_placement(store, embedder)
    changes = []
    scores = []
    for i, uid in enumerate(pp.unit_ids.tolist()):
        cur = int(pp.current[i])
        new = int(pp.suggested[i])
        in_outlier = bool(pp.assigned[i]) and cur < 0
        if pp.human[i] or in_outlier:  # a person's placement, or «Øvrige»: stays
            if cur >= 0:
                scores.append((float(pp.proba[i, cur]), uid))
            continue
        if cur != new:
            after = {"theme_id": pp.theme_ids[new], "source": "model"}
            changes.append(_change(store, "assignments", uid, after, ["theme_id", "source"]))
        scores.append((float(pp.proba[i, new]), uid))
    store.conn.executemany("UPDATE assignments SET score = ? WHERE unit_id = ?", scores)
    _update_coherence(store, pp)
    return changes


def _update_coherence(store: Any, pp: ProjectPlacement) -> None:
    """Coherence and the *blandet tema* flag of every theme, for the members it has now."""
    from .themes.quality import mixed_themes

    stays = pp.human | (pp.assigned & (pp.current < 0))  # a person's placement, or «Øvrige»
    final = np.where(stays, pp.current, pp.suggested)
    stats = mixed_themes(pp.Z, final, list(range(len(pp.theme_ids))))
    store.conn.executemany(
        "UPDATE themes SET coherence = ?, mixed = ? WHERE id = ?",
        [(None if w != w else round(float(w), 4), int(m), pp.theme_ids[t]) for t, (w, m) in stats.items()],
    )


def _refresh_keywords(store: Any, now: bool) -> None:
    from .review import mark_stale, refresh_themes

    if now:
        refresh_themes(store)
    else:
        mark_stale(store)

