"""Eksport: the project's summary in every export format, as downloads."""

from __future__ import annotations

import inspect
from pathlib import Path

import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.errors import UdsatteError
from udsatte_nlp.export import FORMATS, export

DESCRIPTIONS = {
    "docx": "Word-rapport med temaer, citater og alle input",
    "xlsx": "Excel-ark med temaer og input",
    "csv": "Én række pr. input (Excel, R, Python)",
    "md": "Markdown-tekst",
    "html": "Én selvstændig webside med graf",
    "json": "Hele opsamlingen som data",
    "qdc": "Kodebog til NVivo, ATLAS.ti og MAXQDA (REFI-QDA)",
    "qdpx": "Projekt til NVivo, ATLAS.ti, MAXQDA og QualCoder: alle dokumenter, hvert input kodet (REFI-QDA)",
}


def _options() -> dict[str, object]:
    """The export options the installed ``export()`` accepts (formats and options grow over time)."""
    params = inspect.signature(export).parameters
    opts: dict[str, object] = {}
    title = st.session_state.get("eksport_titel", "").strip()
    if title and "title" in params:
        opts["title"] = title
    for name in ("pseudonymise", "pseudonymize"):
        if name in params and st.session_state.get("eksport_pseudo"):
            opts[name] = True
    year = st.session_state.get("eksport_aar")
    if "year" in params and isinstance(year, int):
        opts["year"] = year
    return opts


def _make(fmt: str) -> None:
    store = state.get_store()
    if store is None:
        return
    opts = _options()
    try:
        data = review.export_bytes(store, fmt, **opts)
    except UdsatteError as exc:
        state.flash("error", exc.one_line())
        return
    st.session_state["eksport_fil"] = (fmt, store.revision, tuple(sorted(opts.items())), data)


def main() -> None:
    store = state.require_store()
    st.title("Eksport", anchor=False)
    st.caption("Filerne laves ud fra projektet, som det ser ud nu, med alle jeres ændringer.")
    formats = sorted(FORMATS, key=lambda f: (list(DESCRIPTIONS).index(f) if f in DESCRIPTIONS else 99, f))
    fmt = st.radio("Format", formats, key="eksport_format",
                   format_func=lambda f: f".{f} – {DESCRIPTIONS.get(f, f.upper())}")
    params = inspect.signature(export).parameters
    if "title" in params:
        st.text_input("Titel", key="eksport_titel", placeholder="Opsamling af temaer")
    if "pseudonymise" in params or "pseudonymize" in params:
        st.checkbox("Pseudonymisér navne, CPR-numre, telefonnumre og e-mails", key="eksport_pseudo", value=True)
    years = state.info(store)["years"]
    if "year" in params and len(years) > 1:
        st.selectbox("År", ["Alle år", *years], key="eksport_aar", help="Kun input fra ét år, eller alle.")
    st.button("Lav fil", key="eksport_lav", type="primary", on_click=_make, args=(fmt,))
    made = st.session_state.get("eksport_fil")
    if made and made[0] == fmt and made[1] == store.revision and made[2] == tuple(sorted(_options().items())):
        name = f"{Path(store.path).stem}-temaer.{fmt}"
        st.download_button(f"Hent {name}", data=made[3], file_name=name, mime=review.MIME.get(fmt, "application/octet-stream"),
                           key="eksport_hent", icon=":material/download:")
        st.caption(f"{state.number(len(made[3]) / 1024)} KB")


main()
