"""Session state, caching and edits for the review app.

* One :class:`~udsatte_nlp.store.ProjectStore` (one SQLite connection) per
  browser session, kept in ``st.session_state``; never shared between sessions.
* Heavy views are cached with ``st.cache_data`` under a key made of the
  project file's identity and its revision, so every edit (here or elsewhere)
  invalidates them and nothing stale is shown.
* The embedder is loaded once per process with ``st.cache_resource``.
* Every edit passes the revision the user saw when the page was drawn
  (``expected_revision``); if someone changed the project since, the edit is
  refused with a Danish message and the page shows the new state.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from .. import review
from ..errors import ConflictError, UdsatteError
from ..store import ProjectStore
from .text import count, escape_md, md, number, percent, plain_html  # noqa: F401 - re-exported for the pages

CONFLICT_MESSAGE = (
    "Projektet er blevet ændret i en anden fane eller af en anden bruger, siden siden blev vist. "
    "Din ændring er ikke gemt. Siden viser nu den nyeste version – se den igennem, og prøv igen."
)
EXTERNAL_CHANGE = "Projektet er opdateret udefra (en anden fane eller kommandolinjen). Siden viser den nyeste version."

# ------------------------------------------------------------------ project
def project_path() -> str | None:
    """The project file: chosen in this session, else ``--project`` after ``--``, else ``UDSATTE_PROJECT``."""
    chosen = st.session_state.get("project_path")
    if chosen:
        return str(chosen)
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--project" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--project="):
            return arg.split("=", 1)[1]
    return os.environ.get("UDSATTE_PROJECT") or None


def get_store() -> ProjectStore | None:
    """This session's store, opened on first use; None while the project file does not exist."""
    path = project_path()
    current: ProjectStore | None = st.session_state.get("_store")
    if current is not None and (path is None or current.path != path):
        current.close()
        current = None
        st.session_state.pop("_store", None)
    if path is None or not Path(path).is_file():
        return None
    if current is None:
        current = ProjectStore(path, create=False)
        st.session_state["_store"] = current
    return current


def has_themes(store: ProjectStore | None) -> bool:
    return store is not None and store.conn.execute("SELECT 1 FROM themes WHERE active = 1 LIMIT 1").fetchone() is not None


def identity(store: ProjectStore) -> tuple[str, int, int]:
    """Which project file this is (path and inode), for cache keys shared across sessions."""
    try:
        st_ = os.stat(store.path)
        return os.path.realpath(store.path), st_.st_ino, st_.st_dev
    except OSError:
        return store.path, id(store), 0


def data_key(store: ProjectStore) -> tuple[Any, ...]:
    """Cache key of the project's current content: file identity, revision, and a digest of the
    themes' labels and keywords (which the keyword refresh changes without a new revision)."""
    row = store.conn.execute(
        "SELECT group_concat(id || ':' || label || ':' || keywords, '|') FROM"
        " (SELECT id, label, keywords FROM themes WHERE active = 1 ORDER BY id)"
    ).fetchone()
    return (*identity(store), store.revision, zlib.crc32((row[0] or "").encode("utf-8")))


def begin_render(store: ProjectStore | None) -> None:
    """Remember the revision this page shows; note when someone else changed the project."""
    if store is None:
        return
    rev = store.revision
    seen = st.session_state.get("_rev")
    own = st.session_state.get("_own_rev")
    if seen is not None and rev != seen and rev != own:
        flash("info", EXTERNAL_CHANGE)
    st.session_state["_rev"] = rev


def seen_revision() -> int | None:
    return st.session_state.get("_rev")


# ------------------------------------------------------------------- flashes
def flash(kind: str, text: str) -> None:
    """A message shown once at the top of the next page drawn (``text`` is plain, escaped on display)."""
    st.session_state.setdefault("_flash", []).append((kind, text))


def show_flashes() -> None:
    shown = st.session_state.pop("_flash", [])
    st.session_state["_shown"] = shown  # kept in case the page is redrawn at once (see refresh_if_needed)
    for kind, text in shown:
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(md(text))


# --------------------------------------------------------------------- edits
def run_edit(
    op: str | Callable[..., Any],
    *args: Any,
    success: str | Callable[[Any], str] | None = None,
    changes_members: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Apply an edit against the revision the user saw; report the outcome as a flash.

    ``op`` is an edit name for :func:`udsatte_nlp.review.apply_edit` or a
    function ``f(store, *args, expected_revision=…)``. ``success`` is the
    message (or makes it from the result); by default the edit log's summary.
    When the edit moves inputs between themes (``changes_members``; inferred
    for edit names), keywords and labels are refreshed right after the next
    page is drawn (:func:`refresh_if_needed`). Returns the edit's result, or
    None when it was refused.
    """
    store = get_store()
    if store is None:
        flash("error", "Projektet findes ikke længere.")
        return None
    if changes_members is None:
        changes_members = isinstance(op, str) and op in review.MEMBERSHIP_EDITS
    try:
        if callable(op):
            result = op(store, *args, expected_revision=seen_revision(), **kwargs)
        else:
            result = review.apply_edit(store, op, *args, refresh=False, expected_revision=seen_revision(), **kwargs)
    except ConflictError as exc:
        flash("error", CONFLICT_MESSAGE if "siden siden blev indlæst" in exc.message else exc.one_line())
        st.session_state["_own_rev"] = store.revision  # the error says it all: no extra "updated" note
        return None
    except UdsatteError as exc:
        flash("error", exc.one_line())
        return None
    st.session_state["_own_rev"] = store.revision
    if changes_members:
        st.session_state["_refresh"] = True
    if callable(success):
        message = success(result)
    elif success is None:
        last = review.history(store, 1)
        message = f"Gemt: {last[0]['summary']}" if last else "Gemt."
    else:
        message = success
    flash("success", message)
    return result


def undo() -> None:
    store = get_store()
    op = review.pending_op(store, "undo") if store is not None else None
    run_edit(review.undo, refresh=False, changes_members=op in review.MEMBERSHIP_OPS,
             success=lambda s: f"Fortrudt: {s}" if s else "Der er intet at fortryde.")


def redo() -> None:
    store = get_store()
    op = review.pending_op(store, "redo") if store is not None else None
    run_edit(review.redo, refresh=False, changes_members=op in review.MEMBERSHIP_OPS,
             success=lambda s: f"Gentaget: {s}" if s else "Der er intet at gentage.")


def refresh_if_needed(store: ProjectStore | None) -> None:
    """After a page is drawn: recompute keywords and labels if an edit moved inputs, then redraw.

    Done after drawing so a click answers at once even on large projects; an
    interrupted refresh rolls back and is simply tried again on the next run.
    """
    if store is None:
        return
    if not st.session_state.get("_refresh") and store.conn.execute(
        "SELECT 1 FROM meta WHERE key = 'keywords_stale'"
    ).fetchone() is None:
        return
    with st.sidebar, st.spinner("Opdaterer nøgleord og navne …"):
        review.refresh_themes(store)  # the cache keys follow (see data_key)
    st.session_state.pop("_refresh", None)
    st.session_state["_flash"] = st.session_state.pop("_shown", []) + st.session_state.get("_flash", [])
    st.rerun()


# ------------------------------------------------------------ cached views
@st.cache_data(max_entries=16, show_spinner=False)
def _overview(_store: ProjectStore, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    return review.overview(_store)


@st.cache_data(max_entries=16, show_spinner=False)
def _years(_store: ProjectStore, key: tuple[Any, ...]) -> pd.DataFrame:
    return pd.DataFrame(review.theme_years(_store), columns=["theme_id", "label", "year", "n", "share"])


@st.cache_data(max_entries=32, show_spinner=False)
def _theme_units(_store: ProjectStore, key: tuple[Any, ...], theme_id: int) -> pd.DataFrame:
    cols = ["unit_id", "text", "kind", "section", "page", "document_id", "document", "year", "score", "assigned_by",
            "typicality", "confidence", "band", "sources", "copies"]
    return pd.DataFrame(review.theme_units(_store, theme_id), columns=cols)


@st.cache_data(max_entries=16, show_spinner=False)
def _unit_rows(_store: ProjectStore, key: tuple[Any, ...]) -> pd.DataFrame:
    cols = ["unit_id", "text", "text_hash", "section", "document", "year", "theme_id", "theme_label", "copies"]
    return pd.DataFrame(review.unit_rows(_store), columns=cols)


@st.cache_data(max_entries=8, show_spinner="Beregner kortet …")
def _map(_store: ProjectStore, key: tuple[Any, ...], method: str) -> pd.DataFrame:
    pts = review.map_points(_store, method)
    return pd.DataFrame({"unit_id": pts["unit_id"], "x": pts["x"], "y": pts["y"]})


@st.cache_data(max_entries=16, show_spinner=False)
def _document_view(_store: ProjectStore, key: tuple[Any, ...], document_id: int) -> dict[str, Any]:
    return review.document_view(_store, document_id)


@st.cache_data(max_entries=8, show_spinner=False)
def _documents(_store: ProjectStore, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    return review.documents(_store)


@st.cache_data(max_entries=16, show_spinner=False)
def _n_inputs(_store: ProjectStore, key: tuple[Any, ...]) -> int:
    return len(set(_store.counted_as().values()))


def n_inputs(store: ProjectStore) -> int:
    """How many inputs the project has, an input typed into two files counted once."""
    return _n_inputs(store, data_key(store))


@st.cache_data(max_entries=16, show_spinner=False)
def _info(_store: ProjectStore, key: tuple[Any, ...]) -> dict[str, Any]:
    return _store.info()


def info(store: ProjectStore) -> dict[str, Any]:
    """:meth:`~udsatte_nlp.store.ProjectStore.info`, cached per revision (counting 300,000 inputs takes a while)."""
    return _info(store, data_key(store))


@st.cache_data(max_entries=16, show_spinner=False)
def _agreement(_store: ProjectStore, key: tuple[Any, ...]) -> str:
    from ..agreement import model_vs_person, sentence

    return sentence(model_vs_person(_store))


def agreement_sentence(store: ProjectStore) -> str:
    """How much the staff changed the model's placements, in one sentence ('' before any review), cached per revision."""
    return _agreement(store, data_key(store))


@st.cache_data(max_entries=8, show_spinner="Modellen finder de input, den er mest i tvivl om …")
def _review_queue(_store: ProjectStore, key: tuple[Any, ...], n: int) -> tuple[list[dict[str, Any]], int]:
    from .. import learning

    # on a large project the queue comes from what the model last learnt (see learning.learns_each_decision)
    pp = learning.project_placement(_store, learn=learning.learns_each_decision(_store))
    return learning.queue(_store, n, placement=pp), pp.pending


def review_queue(store: ProjectStore, n: int) -> tuple[list[dict[str, Any]], int]:
    """The ``n`` inputs to check first (:func:`udsatte_nlp.learning.queue`), cached per revision,
    and how many people's placements the model has not learnt from yet (0 where it learns
    from each at once).

    The keyword refresh after a decision renames model themes without a new revision: the
    queue is not computed again for that (it places every input: half a minute at 300,000
    inputs), its theme names are taken from the current themes instead."""
    items, pending = _review_queue(store, (*identity(store), store.revision), n)  # a copy (cache_data)
    labels = {t["id"]: t["label"] for t in overview(store)}
    for item in items:
        item["theme_label"] = labels.get(item["theme_id"], item["theme_label"])
        for alt in item["alternatives"]:
            alt["label"] = labels.get(alt["theme_id"], alt["label"])
    return items, pending


def review_progress(store: ProjectStore) -> tuple[int, int, int, int]:
    """How many inputs people have placed, and how many of the model's placements are
    *sikker* (≥ 0.7), *usikker* (≥ 0.4) and *tjek* (below)."""
    row = store.conn.execute(
        "SELECT sum(source = 'human'), sum(source = 'model' AND score >= 0.7),"
        " sum(source = 'model' AND score >= 0.4 AND score < 0.7), sum(source = 'model' AND score < 0.4)"
        " FROM assignments"
    ).fetchone()
    return tuple(int(x or 0) for x in row)  # type: ignore[return-value]


def overview(store: ProjectStore) -> list[dict[str, Any]]:
    return _overview(store, data_key(store))


def years(store: ProjectStore) -> pd.DataFrame:
    return _years(store, data_key(store))


def theme_units(store: ProjectStore, theme_id: int) -> pd.DataFrame:
    """A theme's inputs (:func:`udsatte_nlp.review.theme_units`), read again only when its members,
    their confidences or the inputs change: not for a new name or description (seconds for a
    theme of 40,000 inputs)."""
    members = store.conn.execute(
        "SELECT group_concat(unit_id || ':' || coalesce(score, '') || ':' || source, ',') FROM"
        " (SELECT unit_id, score, source FROM assignments WHERE theme_id = ? ORDER BY unit_id)",
        (theme_id,),
    ).fetchone()[0]
    key = (*identity(store), store.units_version, zlib.crc32((members or "").encode()), len(members or ""))
    return _theme_units(store, key, theme_id)


def unit_rows(store: ProjectStore) -> pd.DataFrame:
    return _unit_rows(store, data_key(store))


def map_frame(store: ProjectStore, method: str) -> pd.DataFrame:
    # the map depends on the units and vectors only, not on themes: edits do not recompute it
    return _map(store, (*identity(store), review.units_signature(store), review.last_model(store)), method)


def document_view(store: ProjectStore, document_id: int) -> dict[str, Any]:
    return _document_view(store, data_key(store), document_id)


def documents(store: ProjectStore) -> list[dict[str, Any]]:
    return _documents(store, data_key(store))


@st.cache_resource(show_spinner=False, max_entries=4)
def _warm_up(path: str, key: tuple[Any, ...]) -> bool:
    from .. import learning

    learning.warm_up(path)
    return True


def warm_up(store: ProjectStore | None) -> None:
    """Once per project file and analysis in this process: start placing a large project's inputs
    in the background, so that Gennemgå opens at once (:func:`udsatte_nlp.learning.warm_up`)."""
    if store is None:
        return
    run = store.conn.execute("SELECT max(id) FROM runs").fetchone()[0]
    if run is not None:
        _warm_up(store.path, (*identity(store), int(run)))


@st.cache_resource(show_spinner="Indlæser sprogmodellen …")
def embedder(name: str | None) -> Any:
    """The embedding model, loaded once per process and shared by all sessions (read-only use)."""
    from ..embed import load_embedder

    return load_embedder(name)


# ------------------------------------------------------------------ colours
def theme_colours(themes: list[dict[str, Any]]) -> dict[int, str]:
    """One colour per theme, the same on every page, through edits and in the reports
    (:func:`udsatte_nlp.colours.theme_colours`)."""
    from ..colours import theme_colours as colours

    return colours(themes)


def by_size(themes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Themes largest first, «Øvrige» last (the order of the Overblik table and chart)."""
    return sorted(themes, key=lambda t: (t["is_outlier"], -t["size"], t["id"]))


# --------------------------------------------------------------- selection
def chosen(key: str) -> list[int]:
    """The inputs chosen under ``key`` (unit ids, never row positions)."""
    return [int(u) for u in st.session_state.get(key) or []]


def clear_choice(key: str) -> None:
    """Choose nothing under ``key``: the list empties, and the table's ticks or the map's marks with it."""
    st.session_state[key] = []
    st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1


def _sync_choice(key: str, table_key: str, ids: list[int]) -> None:
    event = st.session_state.get(table_key)
    rows = event["selection"]["rows"] if event else []
    st.session_state[key] = [ids[i] for i in rows if 0 <= i < len(ids)]


def choice_table(data: pd.DataFrame, ids: list[int], key: str, **kwargs: Any) -> None:
    """A table whose ticked rows are exactly the inputs in ``st.session_state[key]``.

    The choice is kept as unit ids. Ticking rows sets it; whenever the rows change
    (an edit, another theme, a new search) the table is drawn afresh with its ticks
    on the same inputs, so a tick never lands on another input that now holds its
    row, and an input that left the table is no longer chosen.
    """
    present = set(ids)
    kept = [u for u in chosen(key) if u in present]
    st.session_state[key] = kept
    if st.session_state.get(f"{key}_rows") != ids:
        st.session_state[f"{key}_rows"] = list(ids)
        st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1
    table_key = f"{key}_tabel_{st.session_state.get(f'{key}_gen', 0)}"
    position = {u: i for i, u in enumerate(ids)}
    st.dataframe(
        data, key=table_key, on_select=lambda: _sync_choice(key, table_key, list(ids)), selection_mode="multi-row",
        selection_default={"selection": {"rows": [position[u] for u in kept]}}, hide_index=True, **kwargs,
    )


def show_choice(key: str, texts: dict[int, str], *, empty: str, limit: int = 8) -> None:
    """What an edit of the chosen inputs will touch: their texts, and a button that chooses none."""
    ids = chosen(key)
    left, right = st.columns([5, 1], vertical_alignment="top")
    if not ids:
        left.caption(f"**Valgte input:** ingen. {empty}")
        return
    lines = [f"- {md(short(texts.get(u, ''), 110))}" for u in ids[:limit]]
    if len(ids) > limit:
        lines.append(f"- … og {number(len(ids) - limit)} mere")
    left.markdown(f"**Valgte input ({number(len(ids))}):**  \n" + "\n".join(lines))
    right.button("Ryd valg", key=f"{key}_ryd", on_click=clear_choice, args=(key,), width="stretch",
                 icon=":material/deselect:", help="Vælg ingen input")


def local_time(iso: str) -> str:
    """An edit's UTC time stamp as this computer's local time, the Danish way: ``1. dec. 16:05``."""
    from datetime import datetime

    months = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return str(iso)
    return f"{when.day}. {months[when.month - 1]} {when:%H:%M}"


def short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------ style
#: Streamlit shows some English texts of its own; where a Danish widget or help text of
#: ours says the same, the English one is hidden (Streamlit has no translations, see README).
STYLE = """
<style>
/* "Press Enter to apply/submit form": our help texts say it in Danish */
[data-testid="InputInstructions"] { display: none !important; }
/* table and chart toolbars (Download as CSV, Search, Fullscreen, Show/hide columns, Clear
   selection): the sidebar search, the "Ryd valg" buttons and the Eksport page do this in Danish */
[data-testid="stElementToolbar"] { display: none !important; }
/* the upload field: "Upload" and "200MB per file • TXT, …" */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Vælg filer"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "eller træk filerne hertil"; font-size: 0.875rem; }
</style>
"""


def style() -> None:
    st.html(STYLE)


# ------------------------------------------------------------------ uploads
#: Files uploaded in the app are analysed from a temporary folder whose name starts with this.
UPLOAD_PREFIX = "udsatte-nlp-upload-"


def source_of(path: str | None, name: str) -> str:
    """Where a document came from, as the person knows it: its path, or for a file uploaded in the
    app its name as uploaded (never the temporary folder it was analysed from)."""
    if not path:
        return name
    parts = Path(path).parts
    if any(p.startswith(UPLOAD_PREFIX) for p in parts[:-1]):
        return f"{name} (uploadet i appen)"
    return str(path)


# -------------------------------------------------------------- navigation
PAGES: dict[str, Any] = {}


def theme_label(themes: list[dict[str, Any]], theme_id: int) -> str:
    for t in themes:
        if t["id"] == theme_id:
            return f"{t['label']} ({number(t['size'])})"
    return str(theme_id)


def open_theme(theme_id: int) -> None:
    """Show a theme on the Tema page (usable in callbacks: the switch happens on the next run)."""
    st.session_state["theme_id"] = int(theme_id)
    st.session_state["_goto"] = "tema"


def require_store() -> ProjectStore:
    """The store for a page that needs themes; otherwise a pointer to "Nyt projekt" and stop."""
    store = get_store()
    if not has_themes(store):
        st.info("Projektet har ingen temaer endnu. Start med at uploade filer og køre en analyse.")
        if "nyt" in PAGES:
            st.page_link(PAGES["nyt"], label=f"Gå til {PAGES['nyt'].title}", icon=":material/add_circle:")
        st.stop()
    assert store is not None
    return store
