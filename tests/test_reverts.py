"""Reverting a cleaner correction puts the original words back into the inputs, exports and search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from udsatte_nlp import review
from udsatte_nlp.embed import LexicalEmbedder
from udsatte_nlp.pipeline import analyze
from udsatte_nlp.segment import duplicate_key
from udsatte_nlp.store import ProjectStore, text_hash
from udsatte_nlp.store.reverts import locate_corrections

NOTE = (
    "Dialogmøde 4. juni 2014\n\n"
    "Gå direkte til indhold\n\n"
    "• Flere boliger til unge fÃ¸rste gang.\n"
    "• Hurtigere hjælp til misbrug om natten.\n"
    "• Den fÃ¸rste samtale skal være med en fast kontaktperson.\n"
)
SHEET = "gruppe;tekst\nBord 1;Flere boliger til unge\nBord 2;Den fÃ¸rste samtale skal være med en fast kontaktperson\n"


@pytest.fixture
def project(tmp_path: Path) -> ProjectStore:
    (tmp_path / "note.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "postits.csv").write_text(SHEET, encoding="utf-8")
    analyze([tmp_path / "note.txt", tmp_path / "postits.csv"], tmp_path / "p.db", n_themes=2,
            embedder=LexicalEmbedder(64))
    s = ProjectStore(tmp_path / "p.db", create=False)
    yield s
    s.close()


def doc_id(store: ProjectStore, name: str) -> int:
    return next(d["id"] for d in review.documents(store) if d["name"] == name)


def unit_texts(store: ProjectStore, name: str) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT text FROM units WHERE document_id = ? ORDER BY seq", (doc_id(store, name),))]


def mojibake(store: ProjectStore, name: str) -> list[dict]:
    return [dict(c) for c in store.corrections(doc_id(store, name)) if "Ã" in c["before"]]


def test_locate_corrections_finds_each_occurrence_in_the_cleaned_text():
    raw = "fÃ¸rste gang og fÃ¸rste dag"
    clean = "første gang og første dag"
    rows = [{"id": 1, "start": 0, "before": "fÃ¸rste", "after": "første"},
            {"id": 2, "start": 16, "before": "fÃ¸rste", "after": "første"}]
    placed = locate_corrections(raw, clean, rows)
    assert placed == {1: (0, 6, "fÃ¸rste"), 2: (15, 21, "fÃ¸rste")}
    assert clean[15:21] == "første"


def test_locate_corrections_in_a_long_changed_block():
    # a single changed line too long for word-level alignment is one changed block
    filler = " ".join(["ord"] * 3000)
    raw = f"fÃ¸rste {filler} fÃ¸rste slut"
    clean = f"første {filler} første slut"
    rows = [{"id": 1, "start": 0, "before": "fÃ¸rste", "after": "første"},
            {"id": 2, "start": len(raw) - 13, "before": "fÃ¸rste", "after": "første"}]
    placed = locate_corrections(raw, clean, rows)
    assert placed[1][0] == 0 and placed[2][0] == len(clean) - len("første slut")


def test_revert_puts_the_original_into_the_one_input_that_held_it(project):
    before = unit_texts(project, "note.txt")
    second = mojibake(project, "note.txt")[1]
    review.revert_corrections(project, [second["id"]])
    after = unit_texts(project, "note.txt")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("Den første samtale skal være med en fast kontaktperson.",
                        "Den fÃ¸rste samtale skal være med en fast kontaktperson.")]
    row = project.conn.execute("SELECT text_hash, dup_key FROM units WHERE text = ?", (changed[0][1],)).fetchone()
    assert row[0] == text_hash(changed[0][1])
    assert row[1] == duplicate_key(changed[0][1])  # an input counted once follows its text
    # search, the export table and the documents page all see it
    assert review.search_units(review.unit_rows(project), "fÃ¸rste")
    assert any("fÃ¸rste" in u["text"] for u in project.unit_table())
    view = review.document_view(project, doc_id(project, "note.txt"))
    assert any(k == "reverted" for k, _a, _b in view["segments"])


def test_undo_and_redo_of_a_revert_restore_the_text(project):
    before = unit_texts(project, "note.txt")
    ids = [c["id"] for c in mojibake(project, "note.txt")]
    review.revert_corrections(project, ids)
    reverted = unit_texts(project, "note.txt")
    assert sum("fÃ¸rste" in t for t in reverted) == 2
    review.undo(project)
    review.undo(project)
    assert unit_texts(project, "note.txt") == before
    review.redo(project)
    review.redo(project)
    assert unit_texts(project, "note.txt") == reverted


def test_revert_in_a_table_row(project):
    corr = mojibake(project, "postits.csv")
    assert len(corr) == 1
    review.revert_corrections(project, [corr[0]["id"]])
    assert unit_texts(project, "postits.csv") == [
        "Flere boliger til unge", "Den fÃ¸rste samtale skal være med en fast kontaktperson"]


def test_revert_outside_every_input_only_marks_it(project):
    note = doc_id(project, "note.txt")
    chrome = next(c for c in project.corrections(note) if "Gå direkte" in c["before"])
    before = unit_texts(project, "note.txt")
    review.revert_corrections(project, [chrome["id"]])
    assert unit_texts(project, "note.txt") == before
    assert "uden for input-teksterne" in review.history(project, 1)[0]["summary"]
    assert project.conn.execute("SELECT reverted FROM corrections WHERE id = ?", (chrome["id"],)).fetchone()[0] == 1


def test_revert_refreshes_keywords_and_embeds_the_new_text(project):
    corr = mojibake(project, "postits.csv")[0]
    emb = LexicalEmbedder(64)
    review.revert_corrections(project, [corr["id"]], embedder=emb)
    text = unit_texts(project, "postits.csv")[1]
    model = review.last_model(project)
    assert project.get_embeddings(model, [text_hash(text)])
    keywords = [kw for t in project.themes() for kw in json.loads(t["keywords"] or "[]")]
    assert keywords  # recomputed from the inputs as they now read
