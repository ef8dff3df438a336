"""Reading the themes a run continues from, and writing a run's plan.

Bound as methods of :class:`~udsatte_nlp.store.ProjectStore` (like the edits).
A run never logs an undoable edit; what a person decided is never changed by it:
their placements keep their theme, their themes keep label, description and members.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Themes a person shaped: created, split or merged (source 'human'), or renamed.
SHAPED_SQL = "(t.source = 'human' OR t.label_source = 'human')"


def _vector(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).astype(np.float64)


def _blob(v: np.ndarray | None) -> bytes | None:
    return None if v is None else np.ascontiguousarray(v, dtype=np.float32).tobytes()


def _label_source(theme: Any) -> str:
    """Where a model or codebook theme's label came from, as the themes table records it."""
    if theme.source == "codebook":
        return "codebook"
    return theme.label_source if theme.label_source in ("meaning", "vocabulary") else "model"


def theme_state(store: Any, model: str | None = None) -> tuple[list[Any], dict[int, tuple[int, bool]]]:
    """The active themes as :class:`~udsatte_nlp.themes.identity.PreviousTheme` and every
    assigned unit's ``(index into those themes, placed by a person)``.

    A theme's anchor is returned only when it was computed with ``model``'s vectors.
    """
    from ..themes.identity import PreviousTheme

    rows = store.conn.execute(
        f"SELECT t.id, t.label, t.source, t.is_outlier, t.anchor, r.model AS run_model, {SHAPED_SQL} AS shaped"
        " FROM themes t LEFT JOIN runs r ON r.id = t.run_id WHERE t.active = 1 ORDER BY t.is_outlier, t.position, t.id"
    ).fetchall()
    themes = []
    index: dict[int, int] = {}
    for r in rows:
        anchor = _vector(r["anchor"]) if (model is None or r["run_model"] == model) else None
        index[int(r["id"])] = len(themes)
        themes.append(
            PreviousTheme(
                key=int(r["id"]),
                label=r["label"],
                shaped=bool(r["shaped"]),
                source=r["source"],
                is_outlier=bool(r["is_outlier"]),
                anchor=anchor,
            )
        )
    placed = {
        int(r[0]): (index[int(r[1])], r[2] == "human")
        for r in store.conn.execute("SELECT unit_id, theme_id, source FROM assignments")
        if int(r[1]) in index
    }
    return themes, placed


def save_plan(store: Any, run_id: int, plan: Any, unit_ids: Sequence[int], *, mean: np.ndarray | None = None) -> dict[int, int]:
    """Write a run's :class:`~udsatte_nlp.themes.identity.Plan`: themes (updated in place
    when they existed, inserted when new), every unit's theme and confidence, and the
    run's statistics. Returns a map from plan theme index to theme id."""
    if len(unit_ids) != len(plan.labels):
        raise ValueError("one plan label per unit is needed")
    conn = store.conn
    with store.atomic():
        if mean is not None:
            conn.execute("UPDATE runs SET mean = ? WHERE id = ?", (_blob(mean), run_id))
        # positions: largest first, «Øvrige» last; ids (and colours) stay
        sizes = np.bincount(plan.labels[plan.labels >= 0], minlength=len(plan.themes))
        order = sorted(range(len(plan.themes)), key=lambda t: (plan.themes[t].is_outlier, -int(sizes[t]), t))
        position = {t: pos for pos, t in enumerate(order)}
        keys: dict[int, int] = {}
        for t, th in enumerate(plan.themes):
            kw = json.dumps(list(th.keywords), ensure_ascii=False)
            quality = (th.label_support, th.coherence, int(th.mixed))
            if th.key is None:
                cur = conn.execute(
                    "INSERT INTO themes(run_id, label, description, keywords, source, label_source, stability,"
                    " is_outlier, position, anchor, label_support, coherence, mixed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, th.label, th.description, kw, th.source, _label_source(th), th.stability,
                     int(th.is_outlier), position[t], _blob(th.anchor), *quality),
                )
                keys[t] = int(cur.lastrowid)
            elif th.kept:
                conn.execute(
                    "UPDATE themes SET keywords = ?, position = ?, active = 1, anchor = coalesce(anchor, ?),"
                    " label_support = ?, coherence = ?, mixed = ? WHERE id = ?",
                    (kw, position[t], _blob(th.anchor), *quality, th.key),
                )
                keys[t] = th.key
            else:  # a model theme found again: same id, the run's fresh view of it
                conn.execute(
                    "UPDATE themes SET run_id = ?, label = ?, description = ?, keywords = ?, source = ?, stability = ?,"
                    " is_outlier = ?, position = ?, active = 1, anchor = ?, label_source = ?, label_support = ?,"
                    " coherence = ?, mixed = ? WHERE id = ?",
                    (run_id, th.label, th.description, kw, th.source, th.stability, int(th.is_outlier), position[t],
                     _blob(th.anchor), _label_source(th), *quality, th.key),
                )
                keys[t] = th.key
        human = {int(r[0]): int(r[1]) for r in conn.execute("SELECT unit_id, theme_id FROM assignments WHERE source = 'human'")}
        model_rows, score_rows = [], []
        for uid, lab, score in zip(unit_ids, plan.labels.tolist(), plan.scores.tolist(), strict=True):
            score = None if score is None or score != score else float(score)  # NaN -> NULL
            uid = int(uid)
            if lab < 0:
                continue
            if uid in human:
                if human[uid] == keys[lab]:
                    score_rows.append((score, uid))
                continue
            model_rows.append((uid, keys[lab], score, run_id))
        conn.execute("DELETE FROM assignments WHERE source = 'model'")
        conn.executemany(
            "INSERT INTO assignments(unit_id, theme_id, score, source, run_id) VALUES (?,?,?,'model',?)", model_rows
        )
        conn.executemany("UPDATE assignments SET score = ? WHERE unit_id = ?", score_rows)
        # model themes that are neither in the plan nor a person's, and hold nothing now, go
        marks = ",".join("?" * len(keys)) or "NULL"
        conn.execute(
            f"DELETE FROM themes WHERE source != 'human' AND label_source != 'human' AND id NOT IN ({marks})"
            " AND id NOT IN (SELECT theme_id FROM assignments)",
            list(keys.values()),
        )
        conn.execute("DELETE FROM meta WHERE key = 'keywords_stale'")  # the plan's keywords are fresh
        n_themes = conn.execute("SELECT count(*) FROM themes WHERE active = 1").fetchone()[0]
        conn.execute("UPDATE runs SET n_units = ?, n_themes = ? WHERE id = ?", (len(unit_ids), n_themes, run_id))
        store._bump()
        return keys
