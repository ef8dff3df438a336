"""Gennemgå: the review queue, one input at a time. Every decision is a person's placement, and the
model learns from it at once: the inputs no person has placed are placed again (:mod:`udsatte_nlp.learning`)."""

from __future__ import annotations

import streamlit as st

from udsatte_nlp import learning, review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import count, md, number
from udsatte_nlp.themes.placement import band

SKIPPED = "gennemga_sprunget"  # inputs skipped in this browser session


def _decide(unit_id: int, theme: int | str, label: str, pending: int = 0) -> None:
    """Place the input as the person chose; the rest is placed again in the same undoable edit.

    On a large project the model learns from the decisions together, after every
    :data:`~udsatte_nlp.learning.LEARN_AFTER` (``pending``: the decisions waiting)."""
    store = state.get_store()
    name = review.default_embedder_name(store)
    learn = learning.learns_each_decision(store) or pending + 1 >= learning.LEARN_AFTER

    def said(result: tuple[int, int]) -> str:
        if not learn:
            return (f"Placeret i «{label}». Modellen lærer af det sammen med de næste "
                    f"({count(pending + 1, 'placering', 'placeringer')} venter).")
        moved = result[1]
        rest = "ingen andre input skiftede tema" if not moved else f"{count(moved, 'andet input', 'andre input')} skiftede tema"
        return f"Placeret i «{label}». Modellen lærte af det: {rest}."

    state.run_edit(learning.place, [(unit_id, theme)], embedder=lambda: state.embedder(name), refresh=False,
                   learn=learn, changes_members=False, success=said)


def _learn_now() -> None:
    """Let the model learn from the decisions it has not learnt from yet (a large project)."""
    store = state.get_store()
    name = review.default_embedder_name(store)
    state.run_edit(learning.relearn, embedder=lambda: state.embedder(name), refresh=False, changes_members=False,
                   success=lambda moved: "Modellen lærte af jeres placeringer: "
                   + ("ingen input skiftede tema." if not moved else f"{count(moved, 'input')} skiftede tema."))


def _other(unit_id: int, themes: list[dict], pending: int) -> None:
    new = " ".join(str(st.session_state.get("gennemga_nyt", "")).split())
    if new:
        st.session_state["gennemga_nyt"] = ""
        _decide(unit_id, new, new, pending)
        return
    target = st.session_state.get("gennemga_andet")
    if target is None:
        state.flash("warning", "Vælg et tema, eller skriv navnet på et nyt.")
        return
    _decide(unit_id, int(target), state.theme_label(themes, int(target)), pending)


def _skip(unit_id: int) -> None:
    st.session_state.setdefault(SKIPPED, []).append(unit_id)


def main() -> None:
    store = state.require_store()
    st.title("Gennemgå", anchor=False)
    st.caption("Modellen viser det input, den er mest i tvivl om. Bekræft temaet, eller vælg et andet: så lærer "
               "modellen af jeres valg og placerer de input, ingen af jer har placeret, igen. "
               "Alt kan fortrydes i sidepanelet.")
    themes = [t for t in state.overview(store) if not t["is_outlier"]]
    skipped = st.session_state.get(SKIPPED, [])
    items, pending = state.review_queue(store, len(skipped) + 3)
    queue = [q for q in items if q["unit_id"] not in skipped]
    placed, sure, unsure, check = state.review_progress(store)
    st.caption(f"I har selv placeret {count(placed, 'input')}. Modellens øvrige placeringer: {number(sure)} sikre "
               f"(sandsynlighed fra 0,7), {number(unsure)} usikre (fra 0,4) og {number(check)} at tjekke.")
    if not learning.learns_each_decision(store):
        a, b = st.columns([3, 1], vertical_alignment="center")
        a.caption(f"Projektet er stort, så modellen lærer af jeres placeringer samlet: for hver "
                  f"{learning.LEARN_AFTER}. placering, eller når I beder om det. "
                  + (f"{count(pending, 'placering venter', 'placeringer venter')}." if pending else
                     "Den har lært af alle jeres placeringer."))
        b.button("Lær nu", key="gennemga_laer", on_click=_learn_now, disabled=not pending, width="stretch",
                 help="Modellen lærer af de placeringer, der venter, og placerer de øvrige input igen. Kan fortrydes.")
    if not queue:
        st.success("Der er ikke flere input at gennemgå." if not skipped else
                   "Der er ikke flere input at gennemgå. Nogle er sprunget over i denne session.")
        if skipped:
            st.button("Vis de oversprungne igen", key="gennemga_igen", on_click=lambda: st.session_state.pop(SKIPPED, None))
        return
    item = queue[0]
    uid = int(item["unit_id"])
    with st.container(border=True):
        st.markdown(f"#### {md(item['text'])}")
        where = item["document"] + (f" · {item['section']}" if item.get("section") else "")
        st.caption(md(where))
        conf = item["confidence"]
        st.markdown(
            f"Modellen har placeret det i **{md(item['theme_label'])}** · {band(conf)} ({number(conf, 2)})"
            if conf == conf else f"Modellen har placeret det i **{md(item['theme_label'])}**"
        )
    cols = st.columns(1 + len(item["alternatives"]))
    cols[0].button(f"Bekræft «{state.short(item['theme_label'], 40)}»", key="gennemga_bekraeft", type="primary",
                   on_click=_decide, args=(uid, int(item["theme_id"]), item["theme_label"], pending), width="stretch",
                   help="Inputtet hører til her. Det tæller som jeres placering, og modellen lærer af det.")
    for i, alt in enumerate(item["alternatives"], start=1):
        cols[i].button(f"«{state.short(alt['label'], 40)}» ({number(alt['probability'], 2)})", key=f"gennemga_alt_{i}",
                       on_click=_decide, args=(uid, int(alt["theme_id"]), alt["label"], pending), width="stretch",
                       help="Et af de temaer, modellen tænkte næstmest på (med dens sandsynlighed).")
    with st.expander("Et andet tema, eller spring over"):
        a, b = st.columns([3, 2], vertical_alignment="bottom")
        ids = [t["id"] for t in themes if t["id"] != item["theme_id"]]
        a.selectbox("Et andet tema", ids, key="gennemga_andet", index=None, placeholder="Vælg et tema",
                    format_func=lambda t: state.theme_label(themes, t))
        b.text_input("… eller et nyt tema", key="gennemga_nyt", placeholder="Navnet på det nye tema")
        c, d = st.columns(2)
        c.button("Placér", key="gennemga_placer", on_click=_other, args=(uid, themes, pending), width="stretch")
        d.button("Spring over", key="gennemga_spring", on_click=_skip, args=(uid,), width="stretch",
                 help="Vis det næste input. Det oversprungne kommer igen, når appen åbnes på ny.")


main()
