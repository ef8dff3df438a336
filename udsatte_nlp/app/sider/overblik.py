"""Overblik: every theme with its size, share, keywords and stability; a chart; the trend over years."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from udsatte_nlp.app import modeller, state
from udsatte_nlp.app.state import count, md, number
from udsatte_nlp.export.summary import danish_date


def _open() -> None:
    chosen = st.session_state.get("overblik_tema")
    if chosen is not None:
        state.open_theme(int(chosen))


#: Danish numbers in the charts: decimal comma, thousands dot, ``7 %``.
LOCALE = alt.Locale(number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " kr."],
                                            percent="\u00a0%"))


def main() -> None:
    store = state.require_store()
    themes = state.by_size(state.overview(store))
    info = state.info(store)
    st.title("Overblik", anchor=False)
    last = info["last_run"] or {}
    st.caption(f"{md(Path(state.project_path() or '').name)} · seneste analyse "
               f"{md(danish_date(last.get('created_at')))}")
    n_inputs = state.n_inputs(store)
    twice = info["units"] - n_inputs  # units that repeat an input typed into another file
    cols = st.columns(4)
    cols[0].metric("Dokumenter", number(info["documents"]))
    cols[1].metric("Input", number(n_inputs), help="Punkter, sætninger og rækker fra dokumenterne. Et input, der er "
                   "skrevet ind i to filer fra samme år (fx både i regnearket og i Word-noterne), tælles én gang.")
    cols[2].metric("Temaer", number(len(themes)))
    cols[3].metric("Manuelle ændringer", number(info["edits"]))
    if info["duplicates"]:
        st.caption(
            f"Dubletter: {count(info['duplicates'], 'tekst', 'tekster')} går igen. "
            + (f"{number(twice)} af dem står i en anden fil fra samme år og tælles kun én gang; " if twice else "")
            + "en tekst, der går igen i samme fil eller i et andet år, tælles hver gang. "
            "Kolonnen Kilde på Tema-siden viser, hvor et input står."
        )
    agreement = state.agreement_sentence(store)  # "Medarbejderne flyttede 18 % af input; … κ = 0,71."
    if agreement:
        st.caption(md(agreement), help="Cohens κ mellem modellens første placering og jeres endelige: 1 er fuld enighed,"
                                       " 0 er ikke bedre end tilfældigt. Se også 'udsatte-nlp agreement'.")

    frame = pd.DataFrame(
        {
            "Tema": [t["label"] for t in themes],
            "Input": [t["size"] for t in themes],
            "Andel": [100 * t["share"] for t in themes],
            "Nøgleord": [", ".join(t["keywords"][:8]) for t in themes],
            "Stabilitet": [None if t["stability"] is None else 100 * t["stability"] for t in themes],
            "Beskrivelse": [t["description"] for t in themes],
            "Bemærkning": ["blandet tema – overvej at dele det" if t.get("mixed") else "" for t in themes],
            "Øvrige": [t["is_outlier"] for t in themes],
        }
    )
    colours = [state.theme_colours(themes)[t["id"]] for t in themes]
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X("Input:Q", title="Antal input", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("Tema:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("Tema:N", scale=alt.Scale(domain=list(frame["Tema"]), range=colours), legend=None),
            tooltip=["Tema", "Input", alt.Tooltip("Andel:Q", format=".0f", title="Andel (%)"), "Nøgleord"],
        )
        .properties(height=alt.Step(30))
        .configure(locale=LOCALE)
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Temaer", anchor=False)
        column_config = {
            "Tema": st.column_config.TextColumn(width="medium"),
            "Andel": st.column_config.ProgressColumn(format="%.0f %%", min_value=0.0, max_value=100.0, width="small"),
            "Nøgleord": st.column_config.TextColumn(width="large"),
            "Input": st.column_config.NumberColumn(format="%d", width="small"),
            "Stabilitet": st.column_config.NumberColumn(format="%.0f %%", help="Hvor stabilt temaet er på tværs af kørsler"),
            "Øvrige": None,
        }
        if frame["Stabilitet"].isna().all():
            column_config["Stabilitet"] = None
        if not frame["Beskrivelse"].astype(bool).any():
            column_config["Beskrivelse"] = None
        if frame["Bemærkning"].astype(bool).any():
            column_config["Bemærkning"] = st.column_config.TextColumn(
                width="medium", help="Et blandet tema har input, der ikke hænger godt sammen. Del det på Tema-siden.")
        else:
            column_config["Bemærkning"] = None
        st.dataframe(frame, hide_index=True, column_config=column_config, key="overblik_tabel")
        pick, go = st.columns([4, 1], vertical_alignment="bottom")
        pick.selectbox(
            "Åbn et tema", [t["id"] for t in themes], key="overblik_tema",
            format_func=lambda t: state.theme_label(themes, t), placeholder="Vælg et tema",
        )
        go.button("Åbn", key="overblik_aabn", on_click=_open, type="primary", width="stretch")
    with right:
        st.subheader("Størrelse", anchor=False)
        st.altair_chart(chart, width="stretch")

    per_year = state.years(store)
    if per_year["year"].nunique() > 1:
        st.subheader("Over tid", anchor=False)
        st.caption("Hvert temas andel af årets input.")
        line = (
            alt.Chart(per_year)
            .mark_line(point=True)
            .encode(
                x=alt.X("year:O", title="År"),
                y=alt.Y("share:Q", title="Andel af årets input", axis=alt.Axis(format="%")),
                color=alt.Color("label:N", title="Tema", legend=alt.Legend(labelLimit=260),
                                scale=alt.Scale(domain=list(frame["Tema"]), range=colours)),
                tooltip=[alt.Tooltip("label:N", title="Tema"), alt.Tooltip("year:O", title="År"),
                         alt.Tooltip("n:Q", title="Input"), alt.Tooltip("share:Q", title="Andel", format=".0%")],
            )
            .properties(height=320)
            .configure(locale=LOCALE)
        )
        st.altair_chart(line, width="stretch")
        table = per_year.pivot_table(index="theme_id", columns="year", values="n", aggfunc="sum", fill_value=0)
        names = dict(zip(per_year["theme_id"], per_year["label"], strict=False))
        table.index = pd.Index([names[t] for t in table.index], name="Tema")
        table.columns = [str(c) for c in table.columns]
        st.dataframe(table, key="overblik_aar")

    modeller.render(store)


main()
