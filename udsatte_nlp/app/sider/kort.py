"""Kort: a 2-D map of every input coloured by theme; choose points (click, lasso, box) to move them."""

from __future__ import annotations

import importlib.util

import plotly.graph_objects as go
import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import plotly_da, state
from udsatte_nlp.app.state import number

METHODS = {"PCA (hurtig)": "pca", "UMAP (tydeligere grupper; første gang langsom)": "umap"}


CHOICE = "kort_valgte"  # the chosen inputs: unit ids
#: At most this many points are drawn (a national project has 300,000 inputs: a browser cannot move
#: that many, and sending them on every click would take seconds). Above it the map shows a seeded
#: random sample, in proportion to the themes, plus every chosen input.
MAP_POINTS = 20000


def _sync_points() -> None:
    event = st.session_state.get("kort_plot")
    points = event["selection"]["points"] if event else []
    chosen = []
    for p in points:
        data = p.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            chosen.append(int(data))
    st.session_state[CHOICE] = list(dict.fromkeys(chosen))


def _chosen_with_copies() -> list[int]:
    store = state.get_store()
    ids = state.chosen(CHOICE)
    return review.with_copies(store, ids) if store is not None and ids else ids


def _move() -> None:
    ids = _chosen_with_copies()
    target = st.session_state.get("kort_til")
    if not ids:
        state.flash("warning", "Vælg først punkter på kortet: klik på et punkt, eller markér flere med lasso eller boks.")
        return
    if target is None:
        state.flash("warning", "Vælg det tema, inputtene skal flyttes til.")
        return
    if state.run_edit("move_units", ids, int(target)) is not None:
        state.clear_choice(CHOICE)


def _outliers() -> None:
    ids = _chosen_with_copies()
    if ids and state.run_edit("mark_outlier", ids) is not None:
        state.clear_choice(CHOICE)


@st.cache_data(max_entries=8, show_spinner="Tegner kortet …")
def _figure(_store, key: tuple, method: str, shown: tuple[int, ...], chosen: tuple[int, ...]) -> tuple[go.Figure, dict[int, str]]:  # noqa: ANN001, E501
    """The map figure and the texts of the inputs on it (cached per revision, method, filter and choice).

    Chosen inputs are drawn as selected (the others faded), so the map shows what an edit will touch.
    """
    themes = state.overview(_store)
    coords = state.map_frame(_store, method)
    units = state.unit_rows(_store)[["unit_id", "text", "document", "theme_id"]]
    if shown:
        units = units[units["theme_id"].isin(shown)]
    total = len(units)  # UMAP maps a sample of a national project: the rest have no point
    frame = coords.merge(units, on="unit_id", how="inner")
    picked = set(chosen)
    if len(frame) > MAP_POINTS:  # a seeded sample: the same points on every click
        sample = frame.sample(n=MAP_POINTS, random_state=0)
        frame = frame[frame.index.isin(sample.index) | frame["unit_id"].isin(picked)]
    fig = go.Figure()
    colour = state.theme_colours(themes)
    for t in themes:
        part = frame[frame["theme_id"] == t["id"]]
        if part.empty:
            continue
        ids = part["unit_id"].astype(int).tolist()
        fig.add_trace(
            go.Scattergl(
                x=part["x"], y=part["y"], mode="markers", name=state.short(t["label"], 40),
                marker={"size": 7, "color": colour[t["id"]], "opacity": 0.8,
                        "line": {"width": 0.5, "color": "white"}},
                selectedpoints=[i for i, u in enumerate(ids) if u in picked] if picked else None,
                selected={"marker": {"size": 12, "opacity": 1.0}},
                unselected={"marker": {"opacity": 0.25}},
                customdata=ids,
                hovertext=[f"{state.plain_html(x)}<br><i>{state.plain_html(d, 60)}</i>"
                           for x, d in zip(part["text"], part["document"], strict=True)],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        height=620, margin={"l": 10, "r": 10, "t": 10, "b": 10}, dragmode="pan",
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "font": {"size": 12}},
        xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white",
        hoverlabel={"align": "left"},
    )
    return fig, dict(zip(frame["unit_id"].astype(int).tolist(), frame["text"], strict=True)), total


def main() -> None:
    store = state.require_store()
    st.title("Kort", anchor=False)
    st.caption(
        "Hvert punkt er et input; input, der ligner hinanden, ligger tæt. Farven er temaet. "
        "Hold musen over et punkt for at læse det. Klik på et punkt for at vælge det (Shift+klik vælger flere), "
        "eller vælg «Markér med lasso» eller «Markér med boks» i værktøjslinjen over kortet og tegn rundt om punkterne. "
        "De valgte punkter står frem."
    )
    themes = state.overview(store)
    methods = dict(METHODS) if importlib.util.find_spec("umap") else {k: v for k, v in METHODS.items() if v == "pca"}
    controls = st.columns([2, 3])
    method_label = controls[0].radio("Metode", list(methods), key="kort_metode", horizontal=True)
    shown = controls[1].pills(
        "Vis kun temaerne", [t["id"] for t in themes], selection_mode="multi", key="kort_temaer",
        format_func=lambda t: state.theme_label(themes, t), help="Vælg ingen for at se alle temaer.",
    ) or []
    if state.map_frame(store, methods[method_label]).empty:
        st.info("Der er ingen gemte embeddings for projektets seneste analyse. Kør analysen igen for at se kortet.")
        return
    chosen = tuple(state.chosen(CHOICE))
    fig, texts, total = _figure(store, state.data_key(store), methods[method_label], tuple(sorted(shown)), chosen)
    st.session_state[CHOICE] = [u for u in chosen if u in texts]  # an input no longer on the map is not chosen
    if total > len(texts):
        st.caption(f"Kortet viser {number(len(texts))} af {number(total)} input: et tilfældigt udvalg fra hvert tema, "
                   "så siden forbliver hurtig. Vælg temaer under «Vis kun temaerne» for at se flere af deres input.")
    st.plotly_chart(fig, key="kort_plot", on_select=_sync_points, selection_mode=("points", "box", "lasso"),
                    config=plotly_da.config(displaylogo=False, modeBarButtonsToRemove=["toImage"]))

    state.show_choice(CHOICE, texts, empty="Klik på et punkt, eller markér flere med lasso eller boks.")
    a, b, c = st.columns([3, 1, 2], vertical_alignment="bottom")
    a.selectbox("Flyt til", [t["id"] for t in themes], key="kort_til", format_func=lambda t: state.theme_label(themes, t),
                placeholder="Vælg et tema")
    b.button("Flyt", key="kort_flyt", on_click=_move, type="primary", width="stretch")
    c.button("Markér som øvrige", key="kort_ovrige", on_click=_outliers, width="stretch")


main()
