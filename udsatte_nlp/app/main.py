"""Entry of the review app: page setup, navigation, and the sidebar shared by every page.

Run with ``udsatte-nlp app --project P.db`` (or ``streamlit run`` on this file
with ``-- --project P.db``). Each page is a small script in ``sider/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import md

HERE = Path(__file__).resolve().parent
SEARCH_LIMIT = 200


def _pages(start_with_new: bool) -> dict[str, st.Page]:
    spec = [
        ("overblik", "Overblik", ":material/dashboard:"),
        ("tema", "Tema", ":material/topic:"),
        ("kort", "Kort", ":material/scatter_plot:"),
        ("dokumenter", "Dokumenter", ":material/description:"),
        ("eksport", "Eksport", ":material/download:"),
        ("nyt", "Nyt projekt", ":material/add_circle:"),
    ]
    default = "nyt" if start_with_new else "overblik"
    return {
        key: st.Page(HERE / "sider" / f"{key}.py", title=title, icon=icon, url_path=key, default=key == default)
        for key, title, icon in spec
    }


def _sidebar(store) -> None:  # noqa: ANN001 - a ProjectStore or None
    with st.sidebar:
        path = state.project_path()
        if path:
            st.caption(f"Projekt: {md(Path(path).name)}")
        if store is None:
            return
        st.text_input("Søg i alle input", key="sog", placeholder="fx bolig eller \"lige adgang\"")
        undo_text, redo_text = review.next_undo(store), review.next_redo(store)
        left, right = st.columns(2)
        left.button(
            "Fortryd", key="fortryd", icon=":material/undo:", on_click=state.undo, disabled=undo_text is None,
            help=f"Fortryd: {undo_text}" if undo_text else "Intet at fortryde", width="stretch",
        )
        right.button(
            "Gentag", key="gentag", icon=":material/redo:", on_click=state.redo, disabled=redo_text is None,
            help=f"Gentag: {redo_text}" if redo_text else "Intet at gentage", width="stretch",
        )
        if undo_text:
            st.caption(f"Seneste ændring: {md(undo_text)}")
        with st.expander("Historik"):
            log = review.history(store, 15)
            if not log:
                st.caption("Ingen ændringer endnu.")
            for e in log:
                mark = " (fortrudt)" if e["undone"] else ""
                st.caption(f"{md(e['created_at'][:16].replace('T', ' '))} · {md(e['summary'])}{mark}")


def _search_results(store) -> None:  # noqa: ANN001
    query = st.session_state.get("sog", "").strip()
    if not query or store is None:
        return
    rows = state.unit_rows(store)
    hits = review.search_units(rows.to_dict("records"), query)
    with st.expander(f"Søgning: {len(hits)} input indeholder «{md(query)}»", expanded=True):
        if not hits:
            st.caption("Ingen input matcher. Alle ord skal forekomme; sæt en frase i anførselstegn.")
            return
        shown = hits[:SEARCH_LIMIT]
        st.dataframe(
            [{"Input": h["text"], "Tema": h["theme_label"], "Dokument": h["document"], "Afsnit": h["section"]} for h in shown],
            hide_index=True,
            height=min(38 + 35 * len(shown), 320),
            column_config={"Input": st.column_config.TextColumn(width="large")},
        )
        if len(hits) > SEARCH_LIMIT:
            st.caption(f"Viser de første {SEARCH_LIMIT} af {len(hits)}. Gør søgningen mere præcis.")
        themes = state.overview(store)
        labels = {h["unit_id"]: h["text"] for h in shown}
        cols = st.columns([3, 2, 1], vertical_alignment="bottom")
        cols[0].multiselect(
            "Vælg fundne input", list(labels), key="sog_valgte", format_func=lambda u: _short(labels.get(u, "")),
            placeholder="Vælg input at flytte",
        )
        cols[1].selectbox(
            "Flyt til tema", [t["id"] for t in themes], key="sog_til", format_func=lambda t: state.theme_label(themes, t)
        )
        cols[2].button("Flyt", key="sog_flyt", on_click=_move_search_hits, disabled=not st.session_state.get("sog_valgte"))


def _move_search_hits() -> None:
    ids = st.session_state.get("sog_valgte") or []
    target = st.session_state.get("sog_til")
    if ids and target is not None:
        state.run_edit("move_units", ids, int(target))
        st.session_state["sog_valgte"] = []


def _short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def main() -> None:
    st.set_page_config(page_title="udsatte-nlp", page_icon=":material/forum:", layout="wide")
    store = state.get_store()
    pages = _pages(start_with_new=not state.has_themes(store))
    state.PAGES.clear()
    state.PAGES.update(pages)
    nav = st.navigation(list(pages.values()))
    goto = st.session_state.pop("_goto", None)
    if goto in pages:
        st.switch_page(pages[goto])
    state.begin_render(store)
    _sidebar(store)
    state.show_flashes()
    _search_results(store)
    nav.run()
    state.refresh_if_needed(store)


if __name__ == "__main__":
    main()
