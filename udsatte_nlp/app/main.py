"""Entry of the review app: page setup, navigation, and the sidebar shared by every page.

Run with ``udsatte-nlp app --project P.db`` (or ``streamlit run`` on this file
with ``-- --project P.db``). Each page is a small script in ``sider/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import access, state
from udsatte_nlp.app.state import md

HERE = Path(__file__).resolve().parent
SEARCH_LIMIT = 200
CHOICE = "sog_valgte"  # the chosen search hits: unit ids


def _pages(new_project: bool) -> dict[str, st.Page]:
    """Every page at its own address (``/overblik``, ``/tema`` …); ``/`` is a hidden start page
    that opens Overblik, or the upload page while the project has no themes."""
    add_title = "Nyt projekt" if new_project else "Tilføj filer"
    spec = [
        ("overblik", "Overblik", ":material/dashboard:"),
        ("tema", "Tema", ":material/topic:"),
        ("gennemga", "Gennemgå", ":material/fact_check:"),
        ("kort", "Kort", ":material/scatter_plot:"),
        ("dokumenter", "Dokumenter", ":material/description:"),
        ("eksport", "Eksport", ":material/download:"),
        ("nyt", add_title, ":material/add_circle:"),
    ]
    pages = {"start": st.Page(_start, title="Start", url_path="start", default=True, visibility="hidden")}
    for key, title, icon in spec:
        pages[key] = st.Page(HERE / "sider" / f"{key}.py", title=title, icon=icon, url_path=key)
    return pages


def _start() -> None:
    """The page at ``/``: never drawn, main() opens the right page instead."""


def _allowed() -> bool:
    """Whether this browser session may see the project: always in loopback mode; in network
    mode with the key (from the URL's ``?token=``, the key field or the session cookie)."""
    token = access.required_token()
    if token is None or st.session_state.get("_adgang"):
        return True
    given = st.query_params.get("token")
    cookie = st.context.cookies.get(access.COOKIE) if st.context.cookies else None
    if access.matches(given, token) or access.matches(cookie, access.cookie_value(token)):
        _let_in(token)
        if "token" in st.query_params:
            del st.query_params["token"]  # out of the address bar (and of screenshots and bookmarks)
        return True
    return False


def _let_in(token: str) -> None:
    st.session_state["_adgang"] = True
    st.session_state["_cookie"] = access.cookie_value(token)


def _check_key() -> None:
    token = access.required_token()
    if token is not None and access.matches(str(st.session_state.get("adgang_nogle", "")).strip(), token):
        _let_in(token)
    else:
        state.flash("error", "Forkert adgangsnøgle. Brug hele linket fra den, der startede appen "
                             "(det slutter med ?token=…), eller skriv nøglen igen.")


def _locked_page() -> None:
    """All a browser without the key sees: one field for it. No project data, no navigation."""
    st.title("udsatte-nlp", anchor=False)
    state.show_flashes()
    st.write("Appen er åbnet på netværket og kræver en adgangsnøgle. Den står i linket, som blev vist, "
             "da appen blev startet.")
    with st.form("adgang", border=False):
        st.text_input("Adgangsnøgle", type="password", key="adgang_nogle", help="Tryk Enter eller «Åbn».")
        st.form_submit_button("Åbn", key="adgang_aabn", type="primary", on_click=_check_key)


def _remember_key() -> None:
    """Set the session cookie (a value derived from the key) once the key was accepted."""
    value = st.session_state.pop("_cookie", None)
    if value:
        st.html(f"<script>document.cookie = '{access.COOKIE}={value}; path=/; SameSite=Strict';</script>",
                unsafe_allow_javascript=True)


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
                st.caption(f"{md(state.local_time(e['created_at']))} · {md(e['summary'])}{mark}")


def _search_results(store) -> None:  # noqa: ANN001
    query = st.session_state.get("sog", "").strip()
    if not query or store is None:
        return
    rows = state.unit_rows(store)
    hits = review.search_units(rows.to_dict("records"), query)
    with st.expander(f"Søgning: {state.number(len(hits))} input indeholder «{md(query)}»", expanded=True):
        if not hits:
            st.caption("Ingen input matcher. Alle ord skal forekomme; sæt en frase i anførselstegn.")
            return
        shown = hits[:SEARCH_LIMIT]
        ids = [int(h["unit_id"]) for h in shown]
        table = pd.DataFrame([{"Input": h["text"], "Tema": h["theme_label"], "Dokument": h["document"],
                               "Afsnit": h["section"]} for h in shown])
        state.choice_table(table, ids, CHOICE, height=min(38 + 35 * len(shown), 320),
                           column_config={"Input": st.column_config.TextColumn(width="large")})
        if len(hits) > SEARCH_LIMIT:
            st.caption(f"Viser de første {SEARCH_LIMIT} af {state.number(len(hits))}. Gør søgningen mere præcis.")
        state.show_choice(CHOICE, {h["unit_id"]: h["text"] for h in shown}, empty="Sæt flueben ved de input, "
                          "du vil flytte.")
        themes = state.overview(store)
        cols = st.columns([3, 1], vertical_alignment="bottom")
        cols[0].selectbox(
            "Flyt til tema", [t["id"] for t in themes], key="sog_til", format_func=lambda t: state.theme_label(themes, t),
            placeholder="Vælg et tema",
        )
        cols[1].button("Flyt", key="sog_flyt", on_click=_move_search_hits, disabled=not state.chosen(CHOICE))


def _move_search_hits() -> None:
    store = state.get_store()
    ids = state.chosen(CHOICE)
    target = st.session_state.get("sog_til")
    if ids and target is not None and store is not None:
        if state.run_edit("move_units", review.with_copies(store, ids), int(target)) is not None:
            state.clear_choice(CHOICE)


def main() -> None:
    st.set_page_config(page_title="udsatte-nlp", page_icon=":material/forum:", layout="wide")
    state.style()
    store = state.get_store()
    pages = _pages(new_project=store is None)
    state.PAGES.clear()
    state.PAGES.update(pages)
    if not _allowed():
        st.navigation(list(pages.values()), position="hidden")  # every address resolves; none is drawn
        _locked_page()
        return
    nav = st.navigation(list(pages.values()))
    goto = st.session_state.pop("_goto", None)
    if goto in pages:
        st.switch_page(pages[goto])
    if nav is pages["start"]:
        st.switch_page(pages["overblik" if state.has_themes(store) else "nyt"])
    _remember_key()  # after any page switch, so the page that is drawn sets the cookie
    state.warm_up(store)
    state.begin_render(store)
    _sidebar(store)
    state.show_flashes()
    _search_results(store)
    nav.run()
    state.refresh_if_needed(store)


if __name__ == "__main__":
    main()
