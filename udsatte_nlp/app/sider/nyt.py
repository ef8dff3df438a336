"""Nyt projekt / Tilføj filer: upload files, choose a codebook or a number of themes, and run the analysis.

The page is called "Nyt projekt" while the project file does not exist, and "Tilføj
filer" once it does (then the files are added to it and everything is analysed again).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from udsatte_nlp import review
from udsatte_nlp.app import state
from udsatte_nlp.app.state import count, md, number
from udsatte_nlp.errors import UdsatteError

LOG = logging.getLogger(__name__)
TYPES = ["txt", "md", "html", "htm", "docx", "pdf", "csv", "tsv", "xlsx", "png", "jpg", "jpeg", "tif", "tiff"]
MODES = ["Find antallet selv", "Fast antal temaer", "Kodebog (TOML)"]


def _safe_name(name: str) -> str:
    name = Path(name).name.strip().replace("\x00", "")
    name = re.sub(r"[/\\:]+", "_", name)
    return name or "fil"


def _upload_dir(project: str) -> Path:
    """A stable folder per project, so a re-uploaded file with new content replaces its old version."""
    key = hashlib.sha256(str(Path(project).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"{state.UPLOAD_PREFIX}{key}"


def _as_uploaded(text: str, names: dict[str, str], folder: Path) -> str:
    """A message with every temporary path replaced by the file's name as the person uploaded it."""
    for path, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text.replace(str(folder) + os.sep, "").replace(str(folder), "de uploadede filer")


def _analyse(project: str, files: list, codebook, n_themes: int | None, seed: int, text_column: str | None) -> None:
    folder = _upload_dir(project)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    names: dict[str, str] = {}
    slot = st.empty()
    try:
        paths = []
        for f in files:
            path = folder / _safe_name(f.name)
            n = 2
            while path.exists():  # two uploads with the same name are two files
                path = folder / f"{Path(_safe_name(f.name)).stem} ({n}){Path(f.name).suffix}"
                n += 1
            path.write_bytes(f.getvalue())
            paths.append(path)
            names[str(path)] = f.name
        codebook_path = None
        if codebook is not None:
            suffix = Path(codebook.name).suffix.lower()
            codebook_path = folder / f".kodebog{suffix if suffix in ('.qdc', '.qdpx') else '.toml'}"
            codebook_path.write_bytes(codebook.getvalue())
            names[str(codebook_path)] = codebook.name
        bar = slot.progress(0.0, text="Starter …")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage} ({number(done)}/{number(total)})")

        from udsatte_nlp.pipeline import analyze

        store = state.get_store()
        embedder = state.embedder(review.default_embedder_name(store))
        result = analyze(paths, project, n_themes=n_themes, seed=seed, codebook=codebook_path, embedder=embedder,
                         text_column=text_column or None, progress=progress)
    except UdsatteError as exc:
        slot.empty()
        st.error(md(_as_uploaded(exc.one_line(), names, folder)))
        return
    except Exception:  # a fault of ours, not of the file: one Danish line here, the details in the server log
        slot.empty()
        LOG.exception("analysis of uploaded files failed")
        st.error(md(f"Analysen af {', '.join(f'«{n}»' for n in names.values()) or 'filerne'} stoppede ved en "
                    "uventet fejl. Projektet er uændret. Prøv igen, eller analysér én fil ad gangen for at finde "
                    "den, der giver fejlen."))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    bar.progress(1.0, text="Færdig")
    rep = result.ingest
    state.flash("success", f"Analysen er færdig: {count(result.n_units, 'input')} i "
                           f"{count(len(result.themes), 'tema', 'temaer')} "
                           f"({count(len(rep.added), 'ny fil', 'nye filer')}, "
                           f"{count(len(rep.unchanged), 'uændret', 'uændrede')}).")
    for w in rep.warnings:
        state.flash("warning", _as_uploaded(w, names, folder))
    for exc in rep.failed:
        state.flash("error", _as_uploaded(exc.one_line(), names, folder))
    fresh = state.get_store()
    st.session_state["_own_rev"] = fresh.revision if fresh is not None else None
    st.switch_page(state.PAGES["overblik"])


def main() -> None:
    project = state.project_path()
    store = state.get_store()
    st.title("Nyt projekt" if store is None else "Tilføj filer", anchor=False)
    if not project:
        st.text_input("Projektfil", key="project_path", placeholder="/sti/til/projekt.db",
                      help="Filen oprettes, når analysen køres.")
        st.stop()
    if store is None:
        st.write(f"Projektet {md(Path(project).name)} findes ikke endnu. Upload filer og tryk «Analysér», "
                 "så oprettes det.")
    else:
        info = store.info()
        st.write(
            f"Projektet har {count(info['documents'], 'dokument', 'dokumenter')} og {count(info['units'], 'input')}. "
            "Nye filer lægges til, og alle input analyseres igen. Jeres egne navne og placeringer bevares."
        )
    files = st.file_uploader("Filer", type=TYPES, accept_multiple_files=True, key="nyt_filer",
                             help="Tekst (txt, md, html), Word, PDF, CSV og Excel, højst 200 MB pr. fil. Regneark: én række pr. input.")
    mode = st.radio("Temaer", MODES, key="nyt_tilstand", horizontal=True)
    n_themes, codebook = None, None
    if mode == MODES[1]:
        n_themes = int(st.number_input("Antal temaer", min_value=2, max_value=40, value=6, key="nyt_antal"))
    elif mode == MODES[2]:
        codebook = st.file_uploader("Kodebog", type=["toml", "qdc", "qdpx"], key="nyt_kodebog",
                                    help="TOML med [[theme]] (name, og gerne description, keywords og examples), eller en "
                                         "REFI-QDA-kodebog (.qdc) eller et projekt (.qdpx) fra NVivo, ATLAS.ti, MAXQDA eller QualCoder.")
    with st.expander("Avanceret"):
        seed = int(st.number_input("Tilfældighedsfrø", min_value=0, value=0, key="nyt_seed",
                                   help="Samme filer og samme frø giver samme temaer."))
        text_column = st.text_input("Tekstkolonne i regneark", key="nyt_kolonne", placeholder="findes selv, fx tekst")
    ready = bool(files) and (mode != MODES[2] or codebook is not None)
    if st.button("Analysér", key="nyt_analyser", type="primary", disabled=not ready):
        _analyse(project, list(files or []), codebook, n_themes, seed, text_column)


main()
