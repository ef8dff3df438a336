"""A small expander for Overblik: which language model fits this project's themes (``udsatte-nlp models check``)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ..errors import UdsatteError
from ..store import ProjectStore
from .text import md

KEY = "_modelcheck"


def frame(result: Any) -> pd.DataFrame:
    """The check as a table with Danish headings."""
    from ..modelcheck import duration, number, pct

    rows = []
    for s in result.scores:
        rows.append(
            {
                "Model": s.name + (" (nu)" if result.current_key and s.key == result.current_key else ""),
                "Krydsvalideret": "kan ikke indlæses" if s.error else pct(s.cv_accuracy),
                "Guidet (temanavne)": "" if s.error else pct(s.guided_accuracy),
                "Input/s": number(s.speed) if s.speed else "–",
                "Hele projektet": duration(result.n_units / s.speed) if s.speed else "–",
            }
        )
    return pd.DataFrame(rows)


def render(store: ProjectStore) -> None:
    with st.expander("Hvilken sprogmodel passer bedst til jeres temaer?"):
        st.caption(
            "Måler hver sprogmodel på de input, I selv har placeret i temaerne: hvor mange en model placerer "
            "rigtigt (krydsvalideret, og ud fra temanavnene alene), og hvor hurtig den er her. Kan tage et par minutter."
        )
        if st.button("Mål modellerne", key="modeller_maal", icon=":material/speed:"):
            from ..modelcheck import check_models

            bar = st.progress(0.0, text="Starter …")

            def progress(stage: str, done: int, total: int) -> None:
                bar.progress(min(done / max(total, 1), 1.0), text=md(f"{stage} ({done}/{total})"))

            try:
                result = check_models(store, progress=progress)
            except UdsatteError as exc:
                st.error(md(exc.one_line()))
                return
            finally:
                bar.empty()
            st.session_state[KEY] = (store.path, frame(result), result.recommendation)
        saved = st.session_state.get(KEY)
        if saved and saved[0] == store.path:
            st.dataframe(saved[1], hide_index=True, key="modeller_tabel")
            st.info(md(saved[2]))
