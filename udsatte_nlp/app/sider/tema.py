"""Tema: one theme's inputs (most representative first) and every edit of a theme."""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import count, md, number, percent

N_REPRESENTATIVE = 5
CHOICE = "tema_valgte"  # the chosen inputs: unit ids
TABS = ["Input", "Beskrivelse", "Flet, del og øvrige"]


def _tag(text: str) -> str:
    return format(zlib.crc32(text.encode("utf-8")), "x")


# ---------------------------------------------------------------- callbacks
def _choose() -> None:
    st.session_state["theme_id"] = st.session_state.get("tema_valg")
    st.session_state.pop("navn_konflikt", None)


def _rename(theme_id: int, key: str) -> None:
    label = " ".join(str(st.session_state.get(key, "")).split())
    store = state.get_store()
    if store is None:
        return
    other = store.theme_named(label, exclude=[theme_id]) if label else None
    if other is not None:  # ask first: the two can be merged under the other theme's name
        st.session_state["navn_konflikt"] = (theme_id, other, store.theme(other)["label"])
        return
    st.session_state.pop("navn_konflikt", None)
    state.run_edit("rename_theme", theme_id, label)


def _merge_into_named(theme_id: int, other: int, label: str) -> None:
    st.session_state.pop("navn_konflikt", None)
    if state.run_edit("merge_themes", [theme_id], other, label=label) is not None:
        st.session_state["theme_id"] = other


def _describe(theme_id: int, key: str) -> None:
    state.run_edit("describe_theme", theme_id, st.session_state.get(key, ""))


def _merge(theme_id: int) -> None:
    others = [int(t) for t in st.session_state.get("flet_valgte") or []]
    label = st.session_state.get("flet_navn")
    names = _person_names(theme_id, others)
    if len(names) < 2 or label not in names:
        label = None  # nothing to choose: the store keeps the one name a person gave (or asks)
    if state.run_edit("merge_themes", others, theme_id, label=label) is not None:
        st.session_state["flet_valgte"] = []
        st.session_state.pop("flet_navn", None)


def _person_names(theme_id: int, others: list[int]) -> list[str]:
    """The names a person gave among the themes of a merge (the merged theme keeps one of them)."""
    store = state.get_store()
    if store is None:
        return []
    rows = [store.theme(t) for t in [theme_id, *others]]
    return list(dict.fromkeys(r["label"] for r in rows if r["label_source"] == "human"))


def _split(theme_id: int) -> None:
    n = int(st.session_state.get("del_antal") or 2)
    name = review.default_embedder_name(state.get_store())
    new = state.run_edit(review.split_theme, theme_id, n, embedder=lambda: state.embedder(name), refresh=False,
                         changes_members=True)
    if new:
        st.session_state["theme_id"] = int(new[0])


def _chosen_with_copies() -> list[int]:
    store = state.get_store()
    ids = state.chosen(CHOICE)
    return review.with_copies(store, ids) if store is not None and ids else ids


def _move() -> None:
    ids = _chosen_with_copies()
    target = st.session_state.get("tema_til")
    if not ids:
        state.flash("warning", "Vælg først de input, der skal flyttes: sæt flueben i tabellen.")
        return
    if target is None:
        state.flash("warning", "Vælg det tema, inputtene skal flyttes til.")
        return
    if state.run_edit("move_units", ids, int(target)) is not None:
        state.clear_choice(CHOICE)


def _outliers() -> None:
    ids = _chosen_with_copies()
    if not ids:
        state.flash("warning", "Vælg først de input, der skal markeres som øvrige: sæt flueben i tabellen.")
        return
    if state.run_edit("mark_outlier", ids) is not None:
        state.clear_choice(CHOICE)


def _whole_outlier(theme_id: int) -> None:
    state.run_edit("mark_outlier", theme_id=theme_id)


def _certainty(confidence: float | None, band: str | None) -> str:
    """``sikker (0,83)``; ``–`` when the model has not scored the input."""
    if confidence is None or confidence != confidence or band is None or band != band:
        return "–"
    return f"{band} ({number(float(confidence), 2)})"


def _split_in_two(theme_id: int) -> None:
    st.session_state["del_antal"] = 2
    _split(theme_id)


def _facts(theme: dict) -> str:
    facts = [count(theme["size"], "input"), f"{percent(theme['share'])} af alle"]
    if theme["stability"] is not None:
        facts.append(f"stabilitet {percent(theme['stability'])}")
    support = theme.get("label_support")
    said = f"; {percent(support)} af inputtene bruger ordet" if support is not None and support == support else ""
    facts.append({
        "human": "navngivet af jer",
        "codebook": "navn fra kodebogen",
        "meaning": f"navn valgt ud fra temaets betydning{said}",
        "vocabulary": f"navn valgt blandt socialpolitiske temanavne ud fra temaets betydning{said}",
    }.get(theme["label_source"], f"navn foreslået ud fra inputtenes ord{said}"))
    return " · ".join(facts)


# --------------------------------------------------------------------- page
def _name_form(theme: dict, tid: int) -> None:
    name_key = f"navn_{tid}_{_tag(theme['label'])}"
    with st.form(f"navn_form_{tid}", border=False, enter_to_submit=True):
        name_col, save_col = st.columns([5, 1], vertical_alignment="bottom")
        name_col.text_input("Nyt navn", value=theme["label"], key=name_key, max_chars=200,
                            help="Skriv navnet, og tryk Enter eller «Gem navn».")
        save_col.form_submit_button("Gem navn", key="gem_navn", on_click=_rename, args=(tid, name_key),
                                    width="stretch")
    conflict = st.session_state.get("navn_konflikt")
    if conflict and conflict[0] == tid:
        _, other, label = conflict
        with st.container(border=True):
            st.warning(md(f"Der findes allerede et tema med navnet «{label}». To temaer kan ikke hedde det samme. "
                          f"Vælg et andet navn, eller flet «{theme['label']}» ind i «{label}»."))
            a, b = st.columns(2)
            a.button(f"Flet ind i «{state.short(label, 40)}»", key="navn_flet", on_click=_merge_into_named,
                     args=(tid, other, label), type="primary", width="stretch")
            b.button("Annullér", key="navn_annuller", on_click=lambda: st.session_state.pop("navn_konflikt", None),
                     width="stretch")


def _input_tab(theme: dict, themes: list[dict], units: pd.DataFrame, tid: int) -> None:
    unit_ids = [int(u) for u in units["unit_id"]]
    texts = dict(zip(unit_ids, units["text"], strict=True))
    others = [t["id"] for t in themes if t["id"] != tid]
    copies = sum(1 for c in units["copies"] if len(c) > 1)
    note = f" {number(copies)} input står i flere filer og tælles én gang." if copies else ""
    st.caption(f"{count(len(unit_ids), 'input')}. De input, modellen er mest sikker på, står øverst (★); "
               f"de er temaets citater. Sæt flueben ved de input, du vil flytte.{note}")
    table = pd.DataFrame(
        {
            "": ["★" if i < N_REPRESENTATIVE else "" for i in range(len(units))],
            "Input": units["text"],
            "Kilde": ["; ".join(s) for s in units["sources"]],
            "År": units["year"],
            "Sikkerhed": [_certainty(c, b) for c, b in zip(units["confidence"], units["band"], strict=True)],
            "Placeret af": ["jer" if s == "human" else "model" for s in units["assigned_by"]],
        }
    )
    state.choice_table(
        table, unit_ids, CHOICE,
        height=min(38 + 35 * len(table), 560),
        column_config={
            "": st.column_config.TextColumn(width=30, help="Temaets citater: de input, modellen er mest sikker på"),
            "Input": st.column_config.TextColumn(width="large"),
            "Kilde": st.column_config.TextColumn(width="medium", help="Dokument og afsnit"),
            "År": st.column_config.NumberColumn(format="%d", width="small"),
            "Sikkerhed": st.column_config.TextColumn(
                width="small",
                help="Modellens sandsynlighed for, at inputtet hører til temaet: «sikker» fra 0,7, «usikker» fra 0,4, "
                     "ellers «tjek». «–»: endnu ikke vurderet (et input, I lige har flyttet) eller «Øvrige».",
            ),
            "Placeret af": st.column_config.TextColumn(
                width="small", help="«jer»: en af jer har flyttet inputtet hertil; «model»: værktøjet har placeret det"
            ),
        },
    )
    state.show_choice(CHOICE, texts, empty="Sæt flueben i tabellen.")
    a, b, c = st.columns([3, 1, 2], vertical_alignment="bottom")
    a.selectbox("Flyt til", others, key="tema_til", format_func=lambda t: state.theme_label(themes, t),
                disabled=not others, placeholder="Vælg et tema")
    b.button("Flyt", key="tema_flyt", on_click=_move, type="primary", width="stretch", disabled=not others)
    c.button("Markér som øvrige", key="tema_ovrige", on_click=_outliers, width="stretch",
             disabled=theme["is_outlier"], help="Input, der ikke hører til noget tema, samles i «Øvrige»")


def _description_tab(theme: dict, tid: int) -> None:
    desc_key = f"beskrivelse_{tid}_{_tag(theme['description'])}_{theme['description_source']}"
    if theme["description_source"] == "human":
        st.caption("Beskrivelsen er skrevet af jer. Tøm feltet og gem for at få værktøjets forslag igen.")
    else:
        st.caption("Forslaget er lavet ud fra temaets input og følger med, når de ændres. "
                   "Skriv jeres egen beskrivelse for at erstatte det.")
    with st.form(f"beskrivelse_form_{tid}", border=False):
        st.text_area("Beskrivelse", value=theme["description"], key=desc_key, height=120,
                     placeholder="Hvad handler temaet om? Teksten kommer med i rapporten.",
                     help="Ctrl+Enter eller «Gem beskrivelse» gemmer.")
        st.form_submit_button("Gem beskrivelse", key="gem_beskrivelse", on_click=_describe, args=(tid, desc_key))


def _shape_tab(theme: dict, themes: list[dict], tid: int) -> None:
    others = [t["id"] for t in themes if t["id"] != tid]
    left, middle, right = st.columns(3, gap="medium")
    with left, st.container(border=True):
        st.pills("Flet andre temaer ind i dette", others, selection_mode="multi", key="flet_valgte",
                 format_func=lambda t: state.theme_label(themes, t))
        picked = [int(t) for t in st.session_state.get("flet_valgte") or [] if t in others]
        names = _person_names(tid, picked) if picked else []
        if len(names) > 1:
            st.radio("Temaerne har hver et navn fra jer. Hvilket skal det samlede tema have?", names, key="flet_navn")
        elif picked:
            final = names[0] if names else theme["label"]
            st.caption(md(f"Det samlede tema kommer til at hedde «{final}»."))
        st.button("Flet", key="flet", on_click=_merge, args=(tid,), disabled=not picked)
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


def main() -> None:
    store = state.require_store()
    themes = state.overview(store)
    ids = [t["id"] for t in themes]
    current = st.session_state.get("theme_id")
    if current not in ids:
        current = ids[0]
        st.session_state["theme_id"] = current
    st.session_state["tema_valg"] = current
    st.selectbox("Tema", ids, key="tema_valg", format_func=lambda t: state.theme_label(themes, t), on_change=_choose,
                 placeholder="Vælg et tema")
    theme = next(t for t in themes if t["id"] == current)
    tid = int(theme["id"])

    st.header(md(theme["label"]), anchor=False)
    st.caption(md(_facts(theme)))
    if theme.get("mixed") and theme["size"] >= 4:
        with st.container(border=True):
            st.warning("**Blandet tema:** inputtene ligner ikke hinanden mere, end tilfældige input fra projektet gør, "
                       "eller langt mindre end i et typisk tema. Forslag: del temaet i to, og se, om delene giver mening.")
            st.button("Del i to", key="blandet_del", on_click=_split_in_two, args=(tid,),
                      help="Finder to deltemaer ud fra inputtenes betydning. Kan fortrydes.")
    if theme["keywords"]:
        st.markdown("**Nøgleord:** " + md(", ".join(theme["keywords"])))
    if theme["description"]:
        st.markdown(md(theme["description"]))
    _name_form(theme, tid)

    units = state.theme_units(store, tid)
    tab_input, tab_text, tab_shape = st.tabs(TABS, key="tema_fane", on_change="rerun")
    with tab_input:
        _input_tab(theme, themes, units, tid)
    with tab_text:
        _description_tab(theme, tid)
    with tab_shape:
        _shape_tab(theme, themes, tid)


main()
