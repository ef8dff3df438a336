"""Dokumenter: each document's cleaned text beside the original, with the cleaner's corrections
highlighted; any correction can be reverted (and the revert undone), and a suggestion the
cleaner was too unsure to make can be taken up with one click."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.text import escape_md

MAX_VIEW = 60_000  # characters shown side by side; longer documents are cut (the corrections table is complete)


def _marked(text: str, colour: str) -> str:
    return "\n".join(f":{colour}-background[{escape_md(part)}]" if part.strip() else part for part in text.split("\n"))


def render_side(segments: list[tuple[str, str, str]], side: int) -> str:
    """Markdown of one side (1 original, 2 cleaned) with changes highlighted; every input character escaped."""
    out = []
    for kind, a, b in segments:
        text = a if side == 1 else b
        if kind == "change":
            out.append(_marked(text, "red" if side == 1 else "green"))
        elif kind == "reverted":
            out.append(_marked(text, "orange"))
        else:
            out.append(escape_md(text))
    return "  \n".join(line.strip() for line in "".join(out).split("\n"))


def _cut(segments: list[tuple[str, str, str]], limit: int) -> tuple[list[tuple[str, str, str]], bool]:
    out, used = [], 0
    for seg in segments:
        if used > limit:
            return out, True
        out.append(seg)
        used += max(len(seg[1]), len(seg[2]))
    return out, False


def _revert(document_id: int) -> None:
    ids = st.session_state.get("rettelser_valgte") or []
    if not ids:
        state.flash("warning", "Vælg de rettelser, hvis original skal gendannes.")
        return
    name = review.default_embedder_name(state.get_store())
    n = state.run_edit(review.revert_corrections, [int(i) for i in ids], embedder=lambda: state.embedder(name),
                       refresh=False, changes_members=True,
                       success=lambda n: f"Originalen er gendannet for {state.count(n, 'rettelse', 'rettelser')} "
                                         "i input og eksport. Kan fortrydes.")
    if n:
        st.session_state["rettelser_valgte"] = []


def _label(c: dict) -> str:
    before = " ".join(c["before"].split()) or "⏎"
    after = " ".join(c["after"].split()) or "(fjernet)"
    short = lambda t: t if len(t) <= 40 else t[:39] + "…"  # noqa: E731
    return f"«{short(before)}» → «{short(after)}» ({c['rule']})"


MAX_SUGGESTIONS = 40  # suggestions shown with a button each; the rest wait until these are decided


def _accept(correction_id: int) -> None:
    name = review.default_embedder_name(state.get_store())
    state.run_edit(review.accept_suggestions, [correction_id], embedder=lambda: state.embedder(name),
                   refresh=False, changes_members=True,
                   success="Forslaget er taget i brug i input og eksport. Kan fortrydes.")


def _context(text: str, start: int, before: str, width: int = 40) -> str:
    """``…words «before» words…`` around a suggestion in the cleaned text, escaped for Markdown."""
    from udsatte_nlp.store.reverts import locate_suggestion

    at = locate_suggestion(text, start, before)
    if at is None:
        return ""
    left = " ".join(text[max(0, at - width) : at].split()[-6:])
    right = " ".join(text[at + len(before) : at + len(before) + width].split()[:6])
    return f"…{escape_md(left)} **{escape_md(before)}** {escape_md(right)}…"


def _suggestions(view: dict, doc_id: int) -> None:
    """The OCR repairs the cleaner was too unsure to make: one click takes one up."""
    suggestions = view.get("suggestions") or []
    if not suggestions:
        return
    open_ = [c for c in suggestions if c["status"] == "suggested"]
    taken = [c for c in suggestions if c["status"] == "accepted"]
    st.subheader("Forslag")
    st.caption(
        "Ord, som renseren mener er læst forkert (OCR), men ikke har rettet, fordi den er for usikker, eller fordi "
        "rettelsen ikke står i ordbogen. Teksten bruger stadig originalen. «Brug» sætter forslaget ind i inputtet."
    )
    for c in open_[:MAX_SUGGESTIONS]:
        a, b = st.columns([5, 1], vertical_alignment="center")
        a.markdown(
            f"«{escape_md(c['before'])}» → «{escape_md(c['after'])}» · sikkerhed {c['confidence']:.2f}  \n"
            f"{_context(view['clean_text'], int(c['start']), c['before'])}"
        )
        b.button("Brug", key=f"forslag_{c['id']}", on_click=_accept, args=(int(c["id"]),), width="stretch",
                 help="Sæt det foreslåede ord ind i stedet for originalen. Kan fortrydes med «Fortryd».")
    if len(open_) > MAX_SUGGESTIONS:
        st.caption(f"… og {len(open_) - MAX_SUGGESTIONS} forslag mere.")
    if taken:
        st.caption("Taget i brug: " + ", ".join(f"«{escape_md(c['before'])}» → «{escape_md(c['after'])}»" for c in taken))


def _low_confidence(lines: list[dict]) -> None:
    """The lines OCR read with low confidence, each to be checked against the paper."""
    if not lines:
        return
    with st.expander(f"OCR: {len(lines)} linje(r) læst med lav sikkerhed – tjek dem mod papiret", expanded=True):
        st.markdown("\n".join(
            f"- Side {line['page']} ({line['confidence']} %): «{escape_md(line['text'])}» – **tjek denne linje**"
            for line in lines
        ))


def main() -> None:
    store = state.require_store()
    st.title("Dokumenter", anchor=False)
    docs = state.documents(store)
    ids = [d["id"] for d in docs]
    names = {
        d["id"]: f"{d['name']} ({state.count(d['n_units'], 'input')}, "
        f"{state.count(d['n_corrections'], 'rettelse', 'rettelser')}"
        + (f", {state.count(d['n_suggestions'], 'forslag')})" if d.get("n_suggestions") else ")")
        for d in docs
    }
    doc_id = st.selectbox("Dokument", ids, key="dokument", format_func=lambda i: names[i], placeholder="Vælg et dokument")
    if doc_id is None:
        return
    view = state.document_view(store, int(doc_id))
    meta = next(d for d in docs if d["id"] == doc_id)
    source = state.source_of(meta["path"], meta["name"])
    st.caption(state.md(
        " · ".join(str(x) for x in (meta["format"], meta["title"] or "", meta["date"] or meta["year"] or "", source) if x)
        .replace("\n", " ")
    ))
    for w in meta["warnings"]:
        st.warning(state.md(w))
    _low_confidence(view.get("ocr_low_lines") or [])

    segments, cut = _cut(view["segments"], MAX_VIEW)
    st.caption("Rødt er ændret eller fjernet i originalen, grønt er det rensede resultat, orange er gendannet.")
    long = sum(len(a) for _, a, _ in segments) > 1500
    left, right = st.columns(2, gap="medium")
    for col, title, side, key in ((left, "Original", 1, "original"), (right, "Renset", 2, "renset")):
        with col:
            st.subheader(title, anchor=False)
            with st.container(height=520 if long else "content", border=True, key=key):
                st.markdown(render_side(segments, side))
    if cut:
        st.caption(f"Kun de første ca. {state.number(MAX_VIEW)} tegn vises.")

    _suggestions(view, int(doc_id))
    st.subheader("Rettelser", anchor=False)
    corrections = view["corrections"]
    show_space = st.toggle("Vis også rettelser af mellemrum og usynlige tegn", key="vis_mellemrum")
    visible = [c for c in corrections if show_space or review.change_kind(c["before"], c["after"])[0] == "change"]
    if not visible:
        st.caption("Renseren har ikke rettet noget i teksten i dette dokument.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Før": [c["before"] for c in visible],
                "Efter": [c["after"] for c in visible],
                "Regel": [c["rule"] for c in visible],
                "Sikkerhed": [state.number(c["confidence"], 2) for c in visible],
                "Status": ["gendannet" if c["reverted"] else "rettet" for c in visible],
            }
        ),
        hide_index=True,
        key="rettelser_tabel",
        column_config={"Sikkerhed": st.column_config.TextColumn(help="Hvor sikker renseren var (0 til 1)")},
    )
    open_ = [c for c in visible if not c["reverted"]]
    labels = {c["id"]: _label(c) for c in open_}
    st.session_state["rettelser_valgte"] = [i for i in st.session_state.get("rettelser_valgte", []) if i in labels]
    a, b = st.columns([4, 1], vertical_alignment="bottom")
    a.multiselect("Gendan originalen for", list(labels), key="rettelser_valgte", format_func=lambda i: labels[i],
                  placeholder="Vælg rettelser")
    b.button("Gendan", key="gendan", on_click=_revert, args=(int(doc_id),), width="stretch",
             help="Renserens rettelse fortrydes; originalen gælder. Kan fortrydes med «Fortryd».")


main()
