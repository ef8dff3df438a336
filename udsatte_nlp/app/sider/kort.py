"""Kort: a 2-D map of every input coloured by theme; select points to move them."""

from __future__ import annotations

import importlib.util

import plotly.graph_objects as go
import streamlit as st

from udsatte_nlp.app import state

METHODS = {"PCA (hurtig)": "pca", "UMAP (tydeligere grupper; første gang langsom)": "umap"}


def _short(text: str, n: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


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
    st.session_state["kort_valgte"] = list(dict.fromkeys(chosen))


def _move() -> None:
    ids = st.session_state.get("kort_valgte") or []
    target = st.session_state.get("kort_til")
    if not ids:
        state.flash("warning", "Vælg først punkter på kortet (klik, eller træk en boks/lasso).")
        return
    if state.run_edit("move_units", [int(u) for u in ids], int(target)) is not None:
        st.session_state["kort_valgte"] = []


def _outliers() -> None:
    ids = st.session_state.get("kort_valgte") or []
    if ids and state.run_edit("mark_outlier", [int(u) for u in ids]) is not None:
        st.session_state["kort_valgte"] = []


@st.cache_data(max_entries=8, show_spinner="Tegner kortet …")
def _figure(_store, key: tuple, method: str, shown: tuple[int, ...]) -> tuple[go.Figure, dict[int, str]]:  # noqa: ANN001
    """The map figure and the texts of the inputs on it (cached per revision, method and filter)."""
    themes = state.overview(_store)
    coords = state.map_frame(_store, method)
    units = state.unit_rows(_store)[["unit_id", "text", "document", "theme_id"]]
    frame = coords.merge(units, on="unit_id", how="inner")
    if shown:
        frame = frame[frame["theme_id"].isin(shown)]
    fig = go.Figure()
    colour = state.theme_colours(themes)
    for t in themes:
        part = frame[frame["theme_id"] == t["id"]]
        if part.empty:
            continue
        fig.add_trace(
            go.Scattergl(
                x=part["x"], y=part["y"], mode="markers", name=_short(t["label"], 40),
                marker={"size": 7, "color": colour[t["id"]], "opacity": 0.8,
                        "line": {"width": 0.5, "color": "white"}},
                customdata=part["unit_id"].tolist(),
                hovertext=[f"{state.plain_html(x)}<br><i>{state.plain_html(d, 60)}</i>"
                           for x, d in zip(part["text"], part["document"], strict=True)],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        height=620, margin={"l": 10, "r": 10, "t": 10, "b": 10}, dragmode="lasso",
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "font": {"size": 12}},
        xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white",
        hoverlabel={"align": "left"},
    )
    return fig, dict(zip(frame["unit_id"].astype(int).tolist(), frame["text"], strict=True))


def main() -> None:
    store = state.require_store()
    st.title("Kort")
    st.caption(
        "Hvert punkt er et input; input, der ligner hinanden, ligger tæt. Farven er temaet. "
        "Hold musen over et punkt for at læse det, og vælg punkter med klik, boks eller lasso for at flytte dem."
    )
    themes = state.overview(store)
    methods = dict(METHODS) if importlib.util.find_spec("umap") else {k: v for k, v in METHODS.items() if v == "pca"}
    controls = st.columns([2, 3])
    method_label = controls[0].radio("Metode", list(methods), key="kort_metode", horizontal=True)
    shown = controls[1].multiselect(
        "Vis temaer", [t["id"] for t in themes], key="kort_temaer", format_func=lambda t: state.theme_label(themes, t),
        placeholder="Alle temaer",
    )
    if state.map_frame(store, methods[method_label]).empty:
        st.info("Der er ingen gemte embeddings for projektets seneste analyse. Kør analysen igen for at se kortet.")
        return
    fig, texts = _figure(store, state.data_key(store), methods[method_label], tuple(sorted(shown)))
    st.plotly_chart(fig, key="kort_plot", on_select=_sync_points, selection_mode=("points", "box", "lasso"),
                    config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]})

    st.session_state["kort_valgte"] = [u for u in st.session_state.get("kort_valgte", []) if u in texts]
    st.multiselect("Valgte input", list(texts), key="kort_valgte", format_func=lambda u: _short(texts.get(u, "")),
                   placeholder="Vælg punkter på kortet eller søg her")
    a, b, c = st.columns([3, 1, 2], vertical_alignment="bottom")
    a.selectbox("Flyt til", [t["id"] for t in themes], key="kort_til", format_func=lambda t: state.theme_label(themes, t))
    b.button("Flyt", key="kort_flyt", on_click=_move, type="primary", width="stretch")
    c.button("Markér som øvrige", key="kort_ovrige", on_click=_outliers, width="stretch")


main()
