"""The review app's share of REFI-QDA and agreement: the Overblik sentence, the .qdpx download and a
.qdc codebook upload (AppTest on real temporary projects)."""

from __future__ import annotations

import io
import zipfile

from .test_app import db, ok, project, start, template  # noqa: F401  (fixtures)
from .test_refi import QDC
from .test_review import write_corpus


def test_overblik_states_how_much_staff_moved_and_kappa(project):  # noqa: F811
    at = start()
    assert not [c.value for c in at.caption if "Medarbejderne flyttede" in c.value]  # nobody moved anything yet
    with db(project) as s:
        units = [r["unit_id"] for r in s.assignments()]
        theme_of = {r["unit_id"]: r["theme_id"] for r in s.assignments()}
        other = next(t["id"] for t in s.themes() if t["id"] != theme_of[units[0]])
        s.move_units([units[0]], other)
    at = start()
    said = [c.value.replace("\\", "") for c in at.caption if "Medarbejderne flyttede" in c.value]  # markdown-escaped
    assert len(said) == 1 and "af input; enighed mellem model og medarbejder κ = 0," in said[0], said


def test_eksport_makes_a_qdpx_project(project):  # noqa: F811
    at = start("sider/eksport.py")
    assert any(o.startswith(".qdpx – Projekt til NVivo") for o in at.radio(key="eksport_format").options)
    at.radio(key="eksport_format").set_value("qdpx").run()
    at.checkbox(key="eksport_pseudo").uncheck().run()
    at.button(key="eksport_lav").click().run()
    ok(at)
    assert not at.error, [e.value for e in at.error]
    fmt, _, _, data = at.session_state["eksport_fil"]
    assert fmt == "qdpx" and at.get("download_button")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    assert "project.qde" in names and sum(n.startswith("sources/") for n in names) == 3


def test_nyt_projekt_takes_a_qdc_codebook(tmp_path, monkeypatch):
    path = tmp_path / "qdc.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = start()
    files = write_corpus(tmp_path / "filer")
    at.file_uploader(key="nyt_filer").set_value([(f.name, f.read_bytes(), "text/plain") for f in files]).run()
    at.radio(key="nyt_tilstand").set_value(at.radio(key="nyt_tilstand").options[2]).run()
    at.file_uploader(key="nyt_kodebog").set_value(("nvivo.qdc", QDC.encode(), "application/xml")).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    with db(path) as s:
        labels = {t["label"] for t in s.themes() if t["source"] == "codebook"}
    assert labels and labels <= {"Bolig", "Skæve boliger", "Rammer / Andet", "Misbrug", "Misbrug / Andet"}
