"""Tema: one theme's inputs (most representative first) and every edit of a theme."""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import md

N_REPRESENTATIVE = 5


def _tag(text: str) -> str:
    return format(zlib.crc32(text.encode("utf-8")), "x")


def _short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- callbacks
def _choose() -> None:
    st.session_state["theme_id"] = st.session_state.get("tema_valg")


def _sync_selection(unit_ids: list[int]) -> None:
    event = st.session_state.get("tema_tabel")
    rows = list(event["selection"]["rows"]) if event else []
    st.session_state["tema_valgte"] = [unit_ids[i] for i in rows if 0 <= i < len(unit_ids)]


def _rename(theme_id: int, key: str) -> None:
    state.run_edit("rename_theme", theme_id, st.session_state.get(key, ""))


def _describe(theme_id: int, key: str) -> None:
    state.run_edit("describe_theme", theme_id, st.session_state.get(key, ""))


def _merge(theme_id: int) -> None:
    others = st.session_state.get("flet_valgte") or []
    if state.run_edit("merge_themes", [int(t) for t in others], theme_id) is not None:
        st.session_state["flet_valgte"] = []


def _split(theme_id: int) -> None:
    n = int(st.session_state.get("del_antal") or 2)
    name = review.default_embedder_name(state.get_store())
    new = state.run_edit(review.split_theme, theme_id, n, embedder=lambda: state.embedder(name), refresh=False,
                         changes_members=True)
    if new:
        st.session_state["theme_id"] = int(new[0])


def _move() -> None:
    ids = st.session_state.get("tema_valgte") or []
    target = st.session_state.get("tema_til")
    if not ids:
        state.flash("warning", "Vælg først de input, der skal flyttes.")
        return
    if target is None:
        state.flash("warning", "Vælg det tema, inputtene skal flyttes til.")
        return
    if state.run_edit("move_units", [int(u) for u in ids], int(target)) is not None:
        st.session_state["tema_valgte"] = []


def _outliers() -> None:
    ids = st.session_state.get("tema_valgte") or []
    if not ids:
        state.flash("warning", "Vælg først de input, der skal markeres som øvrige.")
        return
    if state.run_edit("mark_outlier", [int(u) for u in ids]) is not None:
        st.session_state["tema_valgte"] = []


def _whole_outlier(theme_id: int) -> None:
    state.run_edit("mark_outlier", theme_id=theme_id)


# --------------------------------------------------------------------- page
def main() -> None:
    store = state.require_store()
    themes = state.overview(store)
    ids = [t["id"] for t in themes]
    current = st.session_state.get("theme_id")
    if current not in ids:
        current = ids[0]
        st.session_state["theme_id"] = current
    st.session_state["tema_valg"] = current
    st.selectbox("Tema", ids, key="tema_valg", format_func=lambda t: state.theme_label(themes, t), on_change=_choose)
    theme = next(t for t in themes if t["id"] == current)
    tid = int(theme["id"])

    st.header(md(theme["label"]))
    facts = [f"{theme['size']} input", f"{theme['share']:.0%} af alle"]
    if theme["stability"] is not None:
        facts.append(f"stabilitet {theme['stability']:.0%}")
    facts.append("navngivet af jer" if theme["label_source"] == "human" else "navn foreslået ud fra nøgleord")
    st.caption(" · ".join(facts))
    if theme["keywords"]:
        st.markdown("**Nøgleord:** " + md(", ".join(theme["keywords"])))
    if theme["description"]:
        st.markdown(md(theme["description"]))

    name_key = f"navn_{tid}_{_tag(theme['label'])}"
    name_col, save_col = st.columns([5, 1], vertical_alignment="bottom")
    name_col.text_input("Nyt navn", value=theme["label"], key=name_key, max_chars=200)
    save_col.button("Gem navn", key="gem_navn", on_click=_rename, args=(tid, name_key), width="stretch")

    units = state.theme_units(store, tid)
    unit_ids = [int(u) for u in units["unit_id"]]
    texts = dict(zip(unit_ids, units["text"], strict=True))
    others = [t["id"] for t in themes if t["id"] != tid]
    tab_input, tab_text, tab_shape = st.tabs([f"Input ({len(unit_ids)})", "Beskrivelse", "Flet, del og øvrige"])
    with tab_input:
        st.caption("De mest typiske input står øverst (★). Markér rækker for at flytte dem.")
        sources = [
            f"{d} · {sec}" if isinstance(sec, str) and sec else str(d)
            for d, sec in zip(units["document"], units["section"], strict=True)
        ]
        table = pd.DataFrame(
            {
                "": ["★" if i < N_REPRESENTATIVE else "" for i in range(len(units))],
                "Input": units["text"],
                "Kilde": sources,
                "År": units["year"],
                "Typisk": units["typicality"].clip(lower=0, upper=1),
                "Placeret af": ["jer" if s == "human" else "model" for s in units["assigned_by"]],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            key="tema_tabel",
            on_select=lambda: _sync_selection(unit_ids),
            selection_mode="multi-row",
            height=min(38 + 35 * len(table), 560),
            column_config={
                "": st.column_config.TextColumn(width=30, help="De mest repræsentative input"),
                "Input": st.column_config.TextColumn(width="large"),
                "Kilde": st.column_config.TextColumn(width="medium", help="Dokument og afsnit"),
                "År": st.column_config.NumberColumn(format="%d", width="small"),
                "Typisk": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f", width="small",
                                                          help="Ligheden med temaets centrum"),
                "Placeret af": st.column_config.TextColumn(width="small"),
            },
        )
        st.session_state["tema_valgte"] = [u for u in st.session_state.get("tema_valgte", []) if u in texts]
        st.multiselect(
            "Valgte input", unit_ids, key="tema_valgte", format_func=lambda u: _short(texts.get(u, "")),
            placeholder="Markér rækker i tabellen eller søg her",
        )
        a, b, c = st.columns([3, 1, 2], vertical_alignment="bottom")
        a.selectbox("Flyt til", others, key="tema_til", format_func=lambda t: state.theme_label(themes, t),
                    disabled=not others)
        b.button("Flyt", key="tema_flyt", on_click=_move, type="primary", width="stretch", disabled=not others)
        c.button("Markér som øvrige", key="tema_ovrige", on_click=_outliers, width="stretch",
                 disabled=theme["is_outlier"], help="Input, der ikke hører til noget tema, samles i «Øvrige»")

    with tab_text:
        desc_key = f"beskrivelse_{tid}_{_tag(theme['description'])}"
        st.text_area("Beskrivelse", value=theme["description"], key=desc_key, height=120,
                     placeholder="Hvad handler temaet om? Teksten kommer med i rapporten.")
        st.button("Gem beskrivelse", key="gem_beskrivelse", on_click=_describe, args=(tid, desc_key))

    with tab_shape:
        left, middle, right = st.columns(3, gap="medium")
        with left, st.container(border=True):
            st.multiselect("Flet andre temaer ind i dette", others, key="flet_valgte",
                           format_func=lambda t: state.theme_label(themes, t), placeholder="Vælg temaer")
            st.button("Flet", key="flet", on_click=_merge, args=(tid,), disabled=not others)
        with middle, st.container(border=True):
            most = max(2, min(10, theme["size"]))
            st.number_input("Del i antal deltemaer", min_value=2, max_value=most, value=2, step=1, key="del_antal",
                            disabled=theme["size"] < 2)
            st.button("Del temaet", key="del", on_click=_split, args=(tid,), disabled=theme["size"] < 2,
                      help="Finder deltemaer ud fra inputtenes betydning. Kan fortrydes.")
        with right, st.container(border=True):
            st.caption("Hører temaet slet ikke til? Alle dets input flyttes til «Øvrige», og temaet forsvinder.")
            st.button("Markér hele temaet som øvrige", key="hele_ovrige", on_click=_whole_outlier, args=(tid,),
                      disabled=theme["is_outlier"], help="Kan fortrydes.")

main()
