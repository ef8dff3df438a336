"""Nyt projekt: upload files, choose a codebook or a number of themes, and run the analysis."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import md
from udsatte_nlp.errors import UdsatteError

TYPES = ["txt", "md", "html", "htm", "docx", "pdf", "csv", "tsv", "xlsx", "png", "jpg", "jpeg", "tif", "tiff"]
MODES = ["Find antallet selv", "Fast antal temaer", "Kodebog (TOML)"]


def _safe_name(name: str) -> str:
    name = Path(name).name.strip().replace("\x00", "")
    name = re.sub(r"[/\\:]+", "_", name)
    return name or "fil"


def _upload_dir(project: str) -> Path:
    """A stable folder per project, so a re-uploaded file with new content replaces its old version."""
    key = hashlib.sha256(str(Path(project).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"udsatte-nlp-upload-{key}"


def _analyse(project: str, files: list, codebook, n_themes: int | None, seed: int, text_column: str | None) -> None:
    folder = _upload_dir(project)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        paths = []
        for f in files:
            path = folder / _safe_name(f.name)
            path.write_bytes(f.getvalue())
            paths.append(path)
        codebook_path = None
        if codebook is not None:
            codebook_path = folder / ".kodebog.toml"
            codebook_path.write_bytes(codebook.getvalue())
        bar = st.progress(0.0, text="Starter …")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage} ({done}/{total})")

        from udsatte_nlp.pipeline import analyze

        store = state.get_store()
        embedder = state.embedder(review.default_embedder_name(store))
        result = analyze(paths, project, n_themes=n_themes, seed=seed, codebook=codebook_path, embedder=embedder,
                         text_column=text_column or None, progress=progress)
    except UdsatteError as exc:
        st.error(md(exc.one_line()))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    bar.progress(1.0, text="Færdig")
    rep = result.ingest
    state.flash("success", f"Analysen er færdig: {result.n_units} input i {len(result.themes)} temaer "
                           f"({len(rep.added)} nye filer, {len(rep.unchanged)} uændrede).")
    for w in rep.warnings:
        state.flash("warning", w)
    for exc in rep.failed:
        state.flash("error", exc.one_line())
    fresh = state.get_store()
    st.session_state["_own_rev"] = fresh.revision if fresh is not None else None
    st.switch_page(state.PAGES["overblik"])


def main() -> None:
    st.title("Nyt projekt")
    project = state.project_path()
    if not project:
        st.text_input("Projektfil", key="project_path", placeholder="/sti/til/projekt.db",
                      help="Filen oprettes, når analysen køres.")
        st.stop()
    store = state.get_store()
    if store is None:
        st.write(f"Projektet {md(project)} findes ikke endnu. Upload filer, så oprettes det.")
    else:
        info = store.info()
        st.write(
            f"Projektet har {info['documents']} dokumenter og {info['units']} input. Nye filer lægges til, og alle "
            "input analyseres igen. Jeres egne navne og placeringer bevares."
        )
    files = st.file_uploader("Filer", type=TYPES, accept_multiple_files=True, key="nyt_filer",
                             help="Tekst, Word, PDF, CSV og Excel. Regneark: én række pr. input.")
    mode = st.radio("Temaer", MODES, key="nyt_tilstand", horizontal=True)
    n_themes, codebook = None, None
    if mode == MODES[1]:
        n_themes = int(st.number_input("Antal temaer", min_value=2, max_value=40, value=6, key="nyt_antal"))
    elif mode == MODES[2]:
        codebook = st.file_uploader("Kodebog", type=["toml"], key="nyt_kodebog",
                                    help="[[theme]] med name, og gerne description, keywords og examples.")
    with st.expander("Avanceret"):
        seed = int(st.number_input("Tilfældighedsfrø", min_value=0, value=0, key="nyt_seed",
                                   help="Samme filer og samme frø giver samme temaer."))
        text_column = st.text_input("Tekstkolonne i regneark", key="nyt_kolonne", placeholder="findes selv, fx tekst")
    ready = bool(files) and (mode != MODES[2] or codebook is not None)
    if st.button("Analysér", key="nyt_analyser", type="primary", disabled=not ready):
        _analyse(project, list(files or []), codebook, n_themes, seed, text_column)


main()
