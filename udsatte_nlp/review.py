"""Review: the library calls behind the review app (and usable from the CLI).

Views return plain data (lists of dicts, numpy arrays), never widgets, so the
Streamlit pages stay thin and every view can be tested without a browser.
Edits go through :func:`apply_edit`, which runs a store edit and, when inputs
changed theme, the keyword refresh in one transaction.

>>> from udsatte_nlp.store import ProjectStore
>>> store = ProjectStore(":memory:")
>>> overview(store)
[]
>>> search_units([{"text": "Flere boliger til unge"}, {"text": "Hjælp om natten"}], "BOLIG")
[{'text': 'Flere boliger til unge'}]
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError
from .textdiff import change_kind, diff_segments

__all__ = [
    "overview",
    "theme_years",
    "theme_units",
    "unit_rows",
    "search_units",
    "documents",
    "document_view",
    "diff_segments",
    "change_kind",
    "map_points",
    "split_theme",
    "revert_corrections",
    "accept_suggestions",
    "apply_edit",
    "refresh_themes",
    "refresh_if_stale",
    "mark_stale",
    "pending_op",
    "undo",
    "redo",
    "history",
    "next_undo",
    "next_redo",
    "export_bytes",
    "embedder_name",
    "default_embedder_name",
    "last_model",
    "units_signature",
    "with_copies",
]

EDITS = ("rename_theme", "describe_theme", "create_theme", "merge_themes", "move_units", "mark_outlier",
         "split_theme", "revert_correction")


# ------------------------------------------------------------------- themes
def overview(store: Any) -> list[dict[str, Any]]:
    """Every active theme with its size, share of all inputs, keywords, description and stability.

    Ordered as the store orders themes: by position, the outlier theme last. An
    input typed into two files counts once (:meth:`ProjectStore.counted_as`), in
    the size and in the total. A generated description is made again from the
    current members (a person's is kept as written): it never shows old counts.
    """
    from .themes.labels import current_description

    counted = store.counted_as()
    total = len(set(counted.values())) or 1
    sizes = _theme_sizes(store, counted)
    out = []
    for t in store.themes():
        size = sizes.get(int(t["id"]), 0)
        keywords = json.loads(t["keywords"] or "[]")
        out.append(
            {
                "id": int(t["id"]),
                "label": t["label"],
                "description": current_description(
                    t["description"], _get(t, "description_source"), t["label"], keywords, size, total
                ),
                "description_source": _get(t, "description_source") or "model",
                "keywords": keywords,
                "size": size,
                "share": size / total,
                "stability": t["stability"],
                "is_outlier": bool(t["is_outlier"]),
                "source": t["source"],
                "label_source": t["label_source"],
                "label_support": _get(t, "label_support"),
                "mixed": bool(_get(t, "mixed")),
            }
        )
    return out


def _theme_sizes(store: Any, counted: dict[int, int]) -> dict[int, int]:
    """Inputs per theme, an input typed into two files counted once: the rows per theme (counted
    by SQLite), less the copies that share a theme with an earlier copy of the same input."""
    sizes = {int(t): int(n) for t, n in store.conn.execute("SELECT theme_id, count(*) FROM assignments GROUP BY theme_id")}
    repeats = {u: c for u, c in counted.items() if c != u}
    involved = sorted(set(repeats) | set(repeats.values()))
    theme_of: dict[int, int] = {}
    for a in range(0, len(involved), 500):
        chunk = involved[a : a + 500]
        theme_of.update(store.conn.execute(
            f"SELECT unit_id, theme_id FROM assignments WHERE unit_id IN ({','.join('?' * len(chunk))})", chunk))
    seen: set[tuple[int, int]] = {(t, u) for u, t in theme_of.items() if u not in repeats}
    for u in sorted(repeats):
        t = theme_of.get(u)
        if t is None:
            continue
        if (t, repeats[u]) in seen:
            sizes[t] -= 1  # this theme holds the input already
        else:
            seen.add((t, repeats[u]))
    return sizes


def _get(row: Any, key: str) -> Any:
    """A column of a row that older project files may lack."""
    return row[key] if key in row.keys() else None


def theme_years(store: Any) -> list[dict[str, Any]]:
    """Inputs per theme and year: ``{theme_id, label, year, n, share}`` where
    ``share`` is the theme's share of that year's inputs. Units without a year are left
    out; an input typed into two files counts once."""
    counted = store.counted_as()
    rows = store.conn.execute(
        """
        SELECT t.id AS theme_id, t.label, coalesce(u.year, d.year) AS yr, u.id AS unit_id
        FROM units u JOIN documents d ON d.id = u.document_id
        JOIN assignments a ON a.unit_id = u.id JOIN themes t ON t.id = a.theme_id
        WHERE t.active = 1 AND coalesce(u.year, d.year) IS NOT NULL
        ORDER BY yr, t.is_outlier, t.position, t.id
        """
    ).fetchall()
    seen: dict[tuple[int, int], set[int]] = {}
    labels: dict[int, str] = {}
    for r in rows:
        seen.setdefault((int(r["yr"]), int(r["theme_id"])), set()).add(counted.get(r["unit_id"], r["unit_id"]))
        labels[int(r["theme_id"])] = r["label"]
    totals: dict[int, int] = {}
    for (yr, _), ids in seen.items():
        totals[yr] = totals.get(yr, 0) + len(ids)
    return [
        {"theme_id": tid, "label": labels[tid], "year": yr, "n": len(ids), "share": len(ids) / totals[yr]}
        for (yr, tid), ids in seen.items()
    ]


def last_model(store: Any) -> str | None:
    """The embedding model of the latest run (the key of its cached vectors)."""
    row = store.conn.execute("SELECT model FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def _vectors(store: Any, hashes: Sequence[str], model: str | None = None) -> np.ndarray | None:
    """Cached vectors of the latest run's model in the order of ``hashes``; None when any is missing."""
    model = model or last_model(store)
    if model is None or not hashes:
        return None
    X, found = store.embedding_matrix(model, hashes)  # one float32 matrix, filled in place
    if X is None or not found.all():
        return None
    return X


def theme_units(store: Any, theme_id: int) -> list[dict[str, Any]]:
    """A theme's inputs with document, section and year, the most confident first.

    ``confidence`` is the model's probability that the input belongs to the theme
    (``assignments.score``; None until the model has scored a person's move) and
    ``band`` its Danish band (*sikker*, *usikker*, *tjek*). ``typicality``, for the inputs
    without a confidence (they come last, the most typical first), is the cosine similarity
    to the centre of the theme's members (from the cached embeddings; of a seeded sample of
    :data:`TYPICAL_SAMPLE` members in a larger theme), else None. An input typed into two
    files is listed once: ``sources`` names every file it is in (``document · section``),
    ``copies`` holds the ids of all its units (move them together).
    """
    from .themes.placement import band

    rows = store.conn.execute(
        """
        SELECT u.id AS unit_id, u.text, u.text_hash, u.kind, u.section, u.page, d.id AS document_id,
               d.name AS document, coalesce(u.year, d.year) AS year, a.score, a.source AS assigned_by
        FROM assignments a JOIN units u ON u.id = a.unit_id JOIN documents d ON d.id = u.document_id
        WHERE a.theme_id = ? ORDER BY u.id
        """,
        (theme_id,),
    ).fetchall()
    units = _fold_copies([dict(r) for r in rows], store.counted_as())
    for u in units:
        del u["documents"]
        u["typicality"] = None
        u["confidence"] = None if u["score"] is None else float(u["score"])
        u["band"] = band(u["confidence"]) if u["confidence"] is not None else None
    unscored = [u for u in units if u["confidence"] is None]
    if unscored:
        sample = units
        if len(units) > TYPICAL_SAMPLE:
            pick = np.random.default_rng(0).choice(len(units), TYPICAL_SAMPLE, replace=False)
            sample = [units[i] for i in sorted(pick.tolist())]
        X = _vectors(store, [u["text_hash"] for u in sample])
        Y = _vectors(store, [u["text_hash"] for u in unscored])
        if X is not None and Y is not None:
            centre = X.mean(axis=0)
            centre /= np.linalg.norm(centre) or 1.0
            norms = np.linalg.norm(Y, axis=1)
            norms[norms == 0] = 1.0
            for u, sim in zip(unscored, ((Y @ centre) / norms).tolist(), strict=True):
                u["typicality"] = float(sim)
    # the most confident first (the quotes); inputs not scored yet after them, most typical first
    units.sort(key=lambda u: (u["confidence"] is None, -(u["confidence"] or 0.0), -(u["typicality"] or 0.0),
                              u["unit_id"]))
    for u in units:
        del u["text_hash"]
    return units


#: Members whose centre ranks a large theme's unscored inputs (:func:`theme_units`).
TYPICAL_SAMPLE = 5_000


def _source_line(row: dict[str, Any]) -> str:
    section = row.get("section")
    return f"{row['document']} · {section}" if isinstance(section, str) and section else str(row["document"])


def _fold_copies(rows: list[dict[str, Any]], counted: dict[int, int]) -> list[dict[str, Any]]:
    """One row per input: copies of an input in other files join the first row's ``sources`` and ``copies``."""
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        key = counted.get(row["unit_id"], row["unit_id"])
        first = out.get(key)
        if first is None:
            out[key] = {**row, "sources": [_source_line(row)], "documents": [row["document"]], "copies": [row["unit_id"]]}
        else:
            first["copies"].append(row["unit_id"])
            for field, value in (("sources", _source_line(row)), ("documents", row["document"])):
                if value not in first[field]:
                    first[field].append(value)
            if row.get("assigned_by") == "human":
                first["assigned_by"] = "human"
    return list(out.values())


def with_copies(store: Any, unit_ids: Iterable[int]) -> list[int]:
    """``unit_ids`` and every unit that counts as the same input (the same post-it typed into another file).

    The app lists such an input once; an edit of it must reach all its copies.
    """
    counted = store.counted_as()
    wanted = {counted.get(int(u), int(u)) for u in unit_ids}
    chosen = list(dict.fromkeys(int(u) for u in unit_ids))
    return chosen + [u for u, c in counted.items() if c in wanted and u not in chosen]


def unit_rows(store: Any) -> list[dict[str, Any]]:
    """Every input with its document, section, year and theme (for search and the map);
    an input typed into two files is one row whose ``document`` names both."""
    rows = store.conn.execute(
        """
        SELECT u.id AS unit_id, u.text, u.text_hash, u.section, d.name AS document, coalesce(u.year, d.year) AS year,
               t.id AS theme_id, t.label AS theme_label
        FROM units u JOIN documents d ON d.id = u.document_id
        LEFT JOIN assignments a ON a.unit_id = u.id LEFT JOIN themes t ON t.id = a.theme_id
        ORDER BY u.document_id, u.seq
        """
    ).fetchall()
    out = _fold_copies([dict(r) for r in rows], store.counted_as())
    for row in out:
        row["document"] = "; ".join(row.pop("documents"))
        del row["sources"]
    return out


def units_signature(store: Any) -> tuple[int, int, int]:
    """Changes whenever units are added or removed (cheap; a cache key for the map)."""
    row = store.conn.execute("SELECT count(*), coalesce(max(id), 0), coalesce(total(id), 0) FROM units").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


# ------------------------------------------------------------------- search
def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def search_units(rows: Iterable[dict[str, Any]], query: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Inputs whose text contains every word of ``query`` (case-insensitive; æ/ø/å as written).

    A phrase in double quotes must occur as written. Inputs that contain the
    whole query as a phrase come first; otherwise the input order is kept.
    """
    query = query.strip()
    if not query:
        return []
    phrases = [_fold(p) for p in re.findall(r'"([^"]+)"', query)]
    words = [_fold(w) for w in re.sub(r'"[^"]*"', " ", query).split()]
    terms = [t for t in phrases + words if t]
    if not terms:
        return []
    whole = _fold(" ".join(query.replace('"', " ").split()))
    first, rest = [], []
    for row in rows:
        text = _fold(row["text"])
        if all(t in text for t in terms):
            (first if whole in text else rest).append(row)
    hits = first + rest
    return hits if limit is None else hits[:limit]


# ---------------------------------------------------------------- documents
def documents(store: Any) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        """
        SELECT d.id, d.name, d.path, d.format, d.title, d.date, d.year, d.warnings,
               (SELECT count(*) FROM units u WHERE u.document_id = d.id) AS n_units,
               (SELECT count(*) FROM corrections c WHERE c.document_id = d.id AND c.status = 'applied') AS n_corrections,
               (SELECT count(*) FROM corrections c WHERE c.document_id = d.id AND c.status = 'suggested')
                   AS n_suggestions
        FROM documents d ORDER BY d.name, d.id
        """
    ).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["warnings"] = json.loads(d["warnings"] or "[]")
        out.append(d)
    return out


def document_view(store: Any, document_id: int) -> dict[str, Any]:
    """One document: original and cleaned text, their differences, and the cleaner's corrections.

    ``segments`` come from :func:`diff_segments`; a change whose original and
    cleaned text match a reverted correction is marked ``reverted`` (and the
    cleaned side then shows the original).
    """
    doc = store.document(document_id)
    corrections = [dict(r) for r in store.corrections(document_id)]
    reverted = {(c["before"].strip(), c["after"].strip()) for c in corrections if c["reverted"]}
    segments = []
    for kind, a, b in diff_segments(doc["raw_text"], doc["clean_text"]):
        if kind == "change" and (a.strip(), b.strip()) in reverted:
            kind, b = "reverted", a
        segments.append((kind, a, b))
    return {
        "id": int(doc["id"]),
        "name": doc["name"],
        "path": doc["path"],
        "format": doc["format"],
        "title": doc["title"],
        "year": doc["year"],
        "raw_text": doc["raw_text"],
        "clean_text": doc["clean_text"],
        "segments": segments,
        "corrections": corrections,
        "suggestions": [dict(r) for r in store.suggestions(document_id)],
        "ocr_low_lines": json.loads(doc["metadata"] or "{}").get("ocr_low_lines", []),
    }


# ---------------------------------------------------------------------- map
#: The most inputs :func:`map_points` maps with UMAP (the map draws no more than this either).
UMAP_POINTS = 20_000


def map_points(
    store: Any, method: str = "pca", *, seed: int = 0, model: str | None = None
) -> dict[str, np.ndarray]:
    """2-D coordinates of every input with a cached vector: ``{"unit_id", "x", "y"}``.

    ``method`` is ``"pca"`` (fast, deterministic) or ``"umap"`` (slower,
    separates themes better; seeded; on a project of more than :data:`UMAP_POINTS`
    inputs it maps a seeded sample of that many, as fitting it to 300,000 inputs
    would take most of an hour). Vectors come from the store's cache for the
    latest run's model; inputs without one are left out.
    """
    model = model or last_model(store)
    rows = store.conn.execute("SELECT id, text_hash FROM units ORDER BY id").fetchall()
    empty = {"unit_id": np.zeros(0, dtype=np.int64), "x": np.zeros(0), "y": np.zeros(0)}
    if model is None or not rows:
        return empty
    X, found = store.embedding_matrix(model, [r[1] for r in rows])  # one float32 matrix, filled in place
    if X is None or not found.any():
        return empty
    keep = [r for r, f in zip(rows, found.tolist(), strict=True) if f]
    if not found.all():
        X = X[found]
    ids = np.array([r[0] for r in keep], dtype=np.int64)
    if len(keep) < 3:
        xy = np.zeros((len(keep), 2))
        xy[:, 0] = np.arange(len(keep))
    elif method == "umap":
        import umap

        if len(ids) > UMAP_POINTS:  # its cost grows with every input: a seeded sample is mapped
            pick = np.sort(np.random.default_rng(seed).choice(len(ids), UMAP_POINTS, replace=False))
            X, ids, keep = X[pick], ids[pick], [keep[i] for i in pick.tolist()]
        n_neighbors = max(2, min(15, len(keep) - 1))
        xy = umap.UMAP(n_neighbors=n_neighbors, min_dist=0.1, metric="cosine", random_state=seed, n_jobs=1).fit_transform(X)
    elif method == "pca":
        from sklearn.decomposition import PCA

        X -= X.mean(axis=0)  # in place: X is this function's own matrix
        xy = PCA(n_components=2, random_state=seed).fit_transform(X)
        # a fixed sign per axis, so the picture does not flip between runs
        for k in range(2):
            if xy[np.argmax(np.abs(xy[:, k])), k] < 0:
                xy[:, k] = -xy[:, k]
    else:
        raise ConfigError(f"Ukendt kortmetode '{method}'", hint="Brug 'pca' eller 'umap'")
    return {"unit_id": ids, "x": np.asarray(xy[:, 0], dtype=float), "y": np.asarray(xy[:, 1], dtype=float)}


# -------------------------------------------------------------------- edits
#: Edits (store method names, and their names in the edit log) that change which
#: inputs belong to which theme; only these make keywords and model labels stale.
MEMBERSHIP_EDITS = frozenset({"move_units", "merge_themes", "split_theme", "mark_outlier", "revert_correction"})
MEMBERSHIP_OPS = frozenset({"move", "merge", "split", "outlier", "revert", "import", "accept", "place", "relearn"})


def refresh_themes(store: Any) -> None:
    """Recompute keywords and model labels from the current members (derived data, not logged)."""
    from .themes import refresh_keywords

    with store.atomic():
        refresh_keywords(store)
        store.conn.execute("DELETE FROM meta WHERE key = 'keywords_stale'")


def mark_stale(store: Any) -> None:
    """Note that keywords and model labels no longer match the members (see :func:`refresh_if_stale`)."""
    store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('keywords_stale', '1')")


def refresh_if_stale(store: Any) -> bool:
    """Recompute keywords and model labels if an edit left them stale; True when it did."""
    if store.conn.execute("SELECT 1 FROM meta WHERE key = 'keywords_stale'").fetchone() is None:
        return False
    refresh_themes(store)
    return True


def apply_edit(store: Any, op: str, *args: Any, refresh: bool = True, **kwargs: Any) -> Any:
    """Run one of the store's edits (``"rename_theme"``, ``"move_units"``, …).

    When the edit changes theme membership and ``refresh`` is true, keywords and
    model labels are recomputed in the same transaction. (The app passes
    ``refresh=False`` and refreshes right after drawing the page, so a click
    stays fast on large projects.) Pass ``expected_revision=`` (the revision the
    user saw) to refuse the edit with :class:`~udsatte_nlp.errors.ConflictError`
    if the project changed since.
    """
    if op not in EDITS:
        raise ValueError(f"unknown edit {op!r}")
    with store.atomic():
        result = getattr(store, op)(*args, **kwargs)
        if refresh and op in MEMBERSHIP_EDITS:
            refresh_themes(store)
    return result


def pending_op(store: Any, direction: str) -> str | None:
    """The edit-log op that :func:`undo` (``"undo"``) or :func:`redo` (``"redo"``) would replay."""
    sql = (
        "SELECT op FROM edits WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        if direction == "undo"
        else "SELECT op FROM edits WHERE undone = 1 ORDER BY id ASC LIMIT 1"
    )
    row = store.conn.execute(sql).fetchone()
    return None if row is None else str(row[0])


def undo(store: Any, *, refresh: bool = True, expected_revision: int | None = None) -> str | None:
    """Undo the latest edit (and refresh keywords if it moved inputs); returns its summary, or None."""
    with store.atomic():
        op = pending_op(store, "undo")
        summary = store.undo(expected_revision=expected_revision)
        if summary is not None and refresh and op in MEMBERSHIP_OPS:
            refresh_themes(store)
    return summary


def redo(store: Any, *, refresh: bool = True, expected_revision: int | None = None) -> str | None:
    """Redo the most recently undone edit (refreshing keywords if it moved inputs); returns its summary."""
    with store.atomic():
        op = pending_op(store, "redo")
        summary = store.redo(expected_revision=expected_revision)
        if summary is not None and refresh and op in MEMBERSHIP_OPS:
            refresh_themes(store)
    return summary


def revert_corrections(
    store: Any,
    correction_ids: Sequence[int],
    *,
    embedder: Any = None,
    refresh: bool = True,
    expected_revision: int | None = None,
) -> int:
    """Restore the original text of several cleaner corrections at once (one logged edit each,
    all or none). Returns how many were reverted.

    The inputs that held them get their original words back, so keywords are
    refreshed; their new texts are embedded with ``embedder`` (an embedder, or a
    function that loads one) when given, else at the next analysis.
    """
    return _each_correction(store, "revert_correction", correction_ids, "Vælg mindst én rettelse",
                            embedder=embedder, refresh=refresh, expected_revision=expected_revision)


def accept_suggestions(
    store: Any,
    correction_ids: Sequence[int],
    *,
    embedder: Any = None,
    refresh: bool = True,
    expected_revision: int | None = None,
) -> int:
    """Take up several of the cleaner's suggestions at once (one logged edit each, all or none).
    Returns how many were accepted. Like :func:`revert_corrections`, the inputs that hold them
    change, so keywords are refreshed and new texts embedded with ``embedder`` when given."""
    return _each_correction(store, "accept_suggestion", correction_ids, "Vælg mindst ét forslag",
                            embedder=embedder, refresh=refresh, expected_revision=expected_revision)


def _each_correction(
    store: Any, edit: str, correction_ids: Sequence[int], none_chosen: str, *,
    embedder: Any, refresh: bool, expected_revision: int | None,
) -> int:
    """Run the store's ``edit`` for each correction in one transaction; refresh keywords, embed new texts."""
    ids = list(dict.fromkeys(int(c) for c in correction_ids))
    if not ids:
        raise ConfigError(none_chosen)
    with store.atomic():
        store.check_revision(expected_revision)
        for cid in ids:
            getattr(store, edit)(cid)
        if refresh:
            refresh_themes(store)
    if embedder is not None:
        marks = ",".join("?" * len(ids))
        docs = [r[0] for r in store.conn.execute(
            f"SELECT DISTINCT document_id FROM corrections WHERE id IN ({marks})", ids).fetchall()]
        _embed_missing(store, embedder, docs)
    return len(ids)


def _embed_missing(store: Any, embedder: Any, document_ids: Sequence[int]) -> None:
    """Embed the documents' inputs whose text has no vector for the latest run's model."""
    from .embed import embed_cached

    model = last_model(store)
    if model is None or not document_ids:
        return
    marks = ",".join("?" * len(document_ids))
    rows = store.conn.execute(
        f"SELECT text, text_hash FROM units WHERE document_id IN ({marks})", list(document_ids)
    ).fetchall()
    missing = {r[1]: r[0] for r in rows}
    for h in store.get_embeddings(model, list(missing)):
        missing.pop(h, None)
    if not missing:
        return
    emb = embedder if hasattr(embedder, "encode") else embedder()
    if getattr(emb, "name", None) != model:
        return  # another model: its vectors would not fit the run's
    embed_cached(store, emb, list(missing.values()), list(missing))


def history(store: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The latest edits, newest first, with ``undone`` as a bool (discarded redos left out)."""
    rows = store.conn.execute(
        "SELECT id, created_at, op, summary, undone FROM edits WHERE undone < 2 ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [{**dict(r), "undone": bool(r["undone"])} for r in rows]


def next_undo(store: Any) -> str | None:
    row = store.conn.execute("SELECT summary FROM edits WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def next_redo(store: Any) -> str | None:
    row = store.conn.execute("SELECT summary FROM edits WHERE undone = 1 ORDER BY id ASC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def split_theme(
    store: Any,
    theme_id: int,
    n: int,
    *,
    embedder: Any = None,
    seed: int = 0,
    refresh: bool = True,
    expected_revision: int | None = None,
) -> list[int]:
    """Split a theme into ``n`` sub-themes found in its inputs' embeddings (one undoable edit).

    The cached vectors of the latest run are used; when some are missing they
    are computed with ``embedder`` (an embedder, or a function that loads one
    only when needed), or without one, all of the theme's inputs are embedded
    lexically so they share one space. Each sub-theme is named
    after the theme plus its own keywords (contrasted with its siblings).
    Returns the new themes' ids.
    """
    from .embed import LexicalEmbedder, embed_cached
    from .themes import ThemeModel
    from .themes.labels import theme_keywords

    store.check_revision(expected_revision)
    parent = store.theme(theme_id)
    rows = store.conn.execute(
        "SELECT u.id, u.text, u.text_hash FROM assignments a JOIN units u ON u.id = a.unit_id"
        " WHERE a.theme_id = ? ORDER BY u.id",
        (theme_id,),
    ).fetchall()
    if n < 2:
        raise ConfigError("Et tema skal deles i mindst to dele", hint="Vælg et antal på 2 eller mere")
    if len(rows) < n:
        raise ConfigError(
            f"«{parent['label']}» har kun {len(rows)} input og kan ikke deles i {n}", hint="Vælg et mindre antal"
        )
    ids = [int(r[0]) for r in rows]
    texts = [r[1] for r in rows]
    hashes = [r[2] for r in rows]
    X = _vectors(store, hashes)
    if X is None:
        if embedder is not None:
            emb = embedder if hasattr(embedder, "encode") else embedder()
            X, _ = embed_cached(store, emb, texts, hashes)
        else:
            X = LexicalEmbedder().encode(texts)
    model = ThemeModel(n_themes=n, seed=seed).fit(X, texts)
    labels = np.asarray(model.labels_, dtype=int)
    groups_idx = [np.flatnonzero(labels == c) for c in sorted(set(labels.tolist()))]
    groups_idx = [g for g in groups_idx if len(g)]
    if len(groups_idx) < 2:
        raise ConfigError(f"«{parent['label']}» kunne ikke deles: dets input ligner hinanden for meget",
                          hint="Flyt i stedet enkelte input")
    groups_idx.sort(key=lambda g: (-len(g), int(g[0])))
    sub = np.zeros(len(ids), dtype=int)
    for k, g in enumerate(groups_idx):
        sub[g] = k
    kw = theme_keywords(texts, sub.tolist(), top_n=8)
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    scores: dict[int, float] = {}
    for g in groups_idx:
        if len(g) < 2:
            continue  # alone in its part: nothing to compare with, it keeps its score
        total = Xn[g].sum(axis=0)
        for i in g.tolist():  # similarity to the centre of the *other* members: never 1.0 by construction
            rest = total - Xn[i]
            scores[ids[i]] = float(Xn[i] @ rest / (np.linalg.norm(rest) or 1.0))
    names = [f"{parent['label']}: {name}" for name in _sub_labels(texts, sub.tolist(), kw)]
    if len(set(names)) < len(names):
        names = [f"{name} ({k + 1})" for k, name in enumerate(names)]
    return apply_edit(
        store,
        "split_theme",
        theme_id,
        [[ids[i] for i in g] for g in groups_idx],
        names,
        keywords=[kw.get(k, []) for k in range(len(groups_idx))],
        scores=scores,
        refresh=refresh,
        expected_revision=expected_revision,
    )


def _sub_labels(texts: Sequence[str], sub: Sequence[int], keywords: dict[int, list[str]]) -> list[str]:
    """Short lower-case names for sub-themes, contrasted with their siblings.

    Uses the theme package's phrase labeller when it takes member texts, else
    the two top keywords.
    """
    import inspect

    from .themes import labels as labelling

    k_max = max(sub) + 1 if len(sub) else 0
    params = list(inspect.signature(labelling.make_label).parameters)
    names: list[str] = []
    for k in range(k_max):
        kw = keywords.get(k, [])
        if params[:2] == ["member_texts", "all_texts"]:
            members = [t for t, s in zip(texts, sub, strict=True) if s == k]
            name = labelling.make_label(members, texts, kw, taken={n.casefold() for n in names})
        else:
            name = " og ".join(kw[:2]) or f"del {k + 1}"
        names.append(name[:1].lower() + name[1:])
    return names


# ------------------------------------------------------------------- export
MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "qdc": "application/xml",
    "qdpx": "application/zip",
}


def export_bytes(store: Any, fmt: str, **options: Any) -> bytes:
    """The project exported as ``fmt`` (any of :data:`udsatte_nlp.export.FORMATS`), as bytes."""
    from .export import export

    with tempfile.TemporaryDirectory(prefix="udsatte-export-") as tmp:
        path = Path(tmp) / f"rapport.{fmt}"
        export(store, fmt, path, **options)
        return path.read_bytes()


# ---------------------------------------------------------------- embedders
def embedder_name(model: str | None) -> str | None:
    """The ``--embedder`` value that loads the model a run was made with (its cache key; registered
    models by their registered name)."""
    from .embed.resolve import embedder_name as _name

    return _name(model)


def default_embedder_name(store: Any = None) -> str | None:
    """``UDSATTE_EMBEDDER`` if set, else the model of the project's latest run (None: the bundled default)."""
    env = os.environ.get("UDSATTE_EMBEDDER")
    if env:
        return env
    return embedder_name(last_model(store)) if store is not None else None

