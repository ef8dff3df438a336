from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from udsatte_nlp.errors import ConfigError, ConflictError, ProjectError
from udsatte_nlp.records import Correction, Document, Theme, Unit
from udsatte_nlp.store import ProjectStore, schema, text_hash


def make_doc(text="• Flere boliger\n• Bedre hjælp", sha="a" * 64, path="note.txt", year=2014):
    return Document(path=path, format="txt", text=text, sha256=sha, title="Note", year=year)


def units(*texts):
    return [Unit(text=t, kind="bullet", section="Drømme") for t in texts]


def add_run_with_themes(store, n_themes=2):
    rows = store.units()
    run = store.add_run({"n": n_themes}, 0, "lexical")
    themes = [Theme(id=i, label=f"Tema {i}", keywords=["a"]) for i in range(n_themes)]
    labels = [i % n_themes for i in range(len(rows))]
    ids = store.save_model_themes(run, themes, [r["id"] for r in rows], labels, [0.5] * len(rows))
    return run, ids


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "p.db"
    ProjectStore(path).close()
    with ProjectStore(path) as s:
        rows = s.conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        assert [tuple(r) for r in rows][:2] == [(1, "initial"), (2, "units duplicate key")]
        assert sorted(tuple(r) for r in rows) == sorted((v, n) for v, n, _ in schema.MIGRATIONS)
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "p.db"
    with ProjectStore(path) as s:
        s.conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    with pytest.raises(ProjectError, match="nyere version"):
        ProjectStore(path)


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProjectError, match="ikke en gyldig projektdatabase"):
        ProjectStore(bad)


def test_missing_project_without_create(tmp_path):
    with pytest.raises(ProjectError, match="findes ikke"):
        ProjectStore(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_add_document_is_idempotent_and_links_duplicates(store):
    doc = make_doc()
    corr = [Correction(0, "-", "•", "bullet")]
    doc_id, added = store.add_document(doc, doc.text, corr, units("Flere boliger", "Bedre hjælp", "Flere boliger"))
    assert added
    again, added2 = store.add_document(doc, doc.text, corr, units("x"))
    assert (again, added2) == (doc_id, False)
    info = store.info()
    assert info["documents"] == 1 and info["units"] == 3 and info["corrections"] == 1 and info["duplicates"] == 1
    dup = [r for r in store.units() if r["duplicate_of"] is not None]
    assert dup[0]["text"] == "Flere boliger"


def test_counted_as_follows_the_inputs_not_the_theme_edits(store):
    from udsatte_nlp.segment import duplicate_key
    from udsatte_nlp.store.edits import _change

    store.add_document(make_doc(path="a.txt", sha="a" * 64), "", [], units("Flere boliger", "Bedre hjælp"))
    store.add_document(make_doc(path="b.txt", sha="b" * 64), "", [], units("Flere boliger!", "Mere hjælp"))
    _, ids = add_run_with_themes(store)
    a1, a2, b1, b2 = [int(r["id"]) for r in store.units()]
    assert store.counted_as() == {a1: a1, a2: a2, b1: a1, b2: b2}  # the same post-it typed into both files
    version = store.units_version
    store.rename_theme(ids[0], "Bolig")  # a theme edit: the inputs are as they were
    assert store.units_version == version
    with store.atomic():  # a corrected text makes the other pair the same input too
        _change(store, "units", b2, {"text": "Bedre hjælp", "dup_key": duplicate_key("Bedre hjælp")}, ["text", "dup_key"])
    assert store.units_version > version
    assert store.counted_as()[b2] == a2


def test_changed_file_at_same_path_replaces_old_version(store):
    store.add_document(make_doc(sha="a" * 64), "x", [], units("gammel"))
    store.add_document(make_doc(sha="b" * 64), "y", [], units("ny"))
    assert [r["text"] for r in store.units()] == ["ny"]


def test_a_changed_file_keeps_the_placements_of_inputs_it_still_has(store):
    store.add_document(make_doc(sha="a" * 64), "x", [], units("Flere boliger", "Bedre hjælp", "Slettet input"))
    add_run_with_themes(store)
    by_text = {r["text"]: r["id"] for r in store.units()}
    theme = store.themes()[1]["id"]
    store.move_units([by_text["Flere boliger"], by_text["Slettet input"]], theme)
    # the secretariat corrects a typo in the file and runs the analysis again
    store.add_document(make_doc(sha="b" * 64), "y", [], units("Flere boliger", "Bedre hjælp til unge"))
    new = {r["text"]: r["id"] for r in store.units()}
    human = {r["unit_id"]: r["theme_id"] for r in store.assignments() if r["source"] == "human"}
    assert human == {new["Flere boliger"]: theme}
    rows = store.units()
    store.save_model_themes(store.add_run({}, 0, "lexical"), [Theme(id=0, label="Nyt", keywords=[])],
                            [r["id"] for r in rows], [0] * len(rows), [0.5] * len(rows))
    placed = {r["unit_id"]: (r["theme_id"], r["source"]) for r in store.assignments()}
    assert placed[new["Flere boliger"]] == (theme, "human")  # a re-run does not overwrite it


def test_failed_write_leaves_nothing(store):
    doc = make_doc()
    bad_unit = Unit(text=None, kind="bullet")  # type: ignore[arg-type]  # NOT NULL violation
    with pytest.raises((sqlite3.IntegrityError, AttributeError)):
        store.add_document(doc, doc.text, [], [Unit("ok", "bullet"), bad_unit])
    assert store.info()["documents"] == 0 and store.info()["units"] == 0


def test_embedding_cache_roundtrip(store):
    v = np.arange(4, dtype=np.float32)
    store.put_embeddings("m", {"h1": v})
    got = store.get_embeddings("m", ["h1", "h2"])
    assert list(got) == ["h1"] and np.array_equal(got["h1"], v)
    assert store.get_embeddings("other", ["h1"]) == {}
    assert text_hash("æøå") == text_hash("æøå") != text_hash("aeoa")


def test_rename_undo_redo(store):
    store.add_document(make_doc(), "x", [], units("a", "b"))
    _, ids = add_run_with_themes(store)
    t0 = ids[0]
    store.rename_theme(t0, "Menneskesyn")
    assert store.theme(t0)["label"] == "Menneskesyn"
    assert store.undo() == "Omdøbt «Tema 0» til «Menneskesyn»"
    assert store.theme(t0)["label"] == "Tema 0"
    store.redo()
    assert store.theme(t0)["label"] == "Menneskesyn"
    assert store.redo() is None


def test_move_merge_and_undo_all(store):
    store.add_document(make_doc(), "x", [], units("a", "b", "c", "d"))
    _, ids = add_run_with_themes(store)
    before = [tuple(r) for r in store.assignments()]
    uid = store.units()[0]["id"]
    store.move_units([uid], ids[1])
    assert {r["unit_id"]: r["source"] for r in store.assignments()}[uid] == "human"
    store.merge_themes([ids[1]], ids[0])
    assert [t["id"] for t in store.themes()] == [ids[0]]
    assert store.themes()[0]["size"] == 4
    store.undo()
    store.undo()
    assert [tuple(r) for r in store.assignments()] == before
    assert len(store.themes()) == 2


def test_new_edit_clears_redo(store):
    store.add_document(make_doc(), "x", [], units("a", "b"))
    _, ids = add_run_with_themes(store)
    store.rename_theme(ids[0], "X")
    store.undo()
    store.rename_theme(ids[0], "Y")
    assert store.redo() is None
    assert store.theme(ids[0])["label"] == "Y"


def test_undo_survives_restart(tmp_path):
    path = tmp_path / "p.db"
    with ProjectStore(path) as s:
        s.add_document(make_doc(), "x", [], units("a", "b"))
        _, ids = add_run_with_themes(s)
        s.rename_theme(ids[0], "Retssikkerhed")
    with ProjectStore(path) as s:
        s.undo()
        assert s.theme(ids[0])["label"] == "Tema 0"


def test_optimistic_revision_check(store):
    store.add_document(make_doc(), "x", [], units("a", "b"))
    _, ids = add_run_with_themes(store)
    seen = store.revision
    store.rename_theme(ids[0], "Fra anden fane")
    with pytest.raises(ConflictError):
        store.rename_theme(ids[0], "Min ændring", expected_revision=seen)
    assert store.theme(ids[0])["label"] == "Fra anden fane"


def test_undo_refuses_to_overwrite_a_later_change(tmp_path):
    path = tmp_path / "p.db"
    a = ProjectStore(path)
    a.add_document(make_doc(), "x", [], units("a", "b"))
    _, ids = add_run_with_themes(a)
    a.rename_theme(ids[0], "A")
    # someone else edits the same row behind the log's back
    b = ProjectStore(path)
    with b.atomic():
        b.conn.execute("UPDATE themes SET label = 'B' WHERE id = ?", (ids[0],))
    with pytest.raises(ConflictError):
        a.undo()
    assert a.theme(ids[0])["label"] == "B"
    a.close()
    b.close()


def test_rerun_keeps_human_decisions(store):
    store.add_document(make_doc(), "x", [], units("a", "b", "c", "d"))
    _, ids = add_run_with_themes(store)
    uid = store.units()[0]["id"]
    store.rename_theme(ids[1], "Menneskesyn")
    store.move_units([uid], ids[1])
    add_run_with_themes(store, n_themes=3)
    rows = {r["unit_id"]: r for r in store.assignments()}
    assert rows[uid]["theme_id"] == ids[1] and rows[uid]["source"] == "human"
    labels = [t["label"] for t in store.themes()]
    assert "Menneskesyn" in labels and len(labels) == 4


def test_edit_errors_are_user_errors(store):
    with pytest.raises(ConfigError):
        store.rename_theme(12345, "x")
    with pytest.raises(ConfigError):
        store.move_units([], 1)


def test_a_version_1_project_is_migrated_and_keeps_linking_duplicates(tmp_path, monkeypatch):
    from udsatte_nlp.store import schema

    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr("udsatte_nlp.store.MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr("udsatte_nlp.store.SCHEMA_VERSION", 1)
    with ProjectStore(path) as old:
        old.conn.execute("PRAGMA foreign_keys = ON")
        with old.atomic():
            old.conn.execute(
                "INSERT INTO documents(id, path, name, sha256, format, raw_text, clean_text, added_at)"
                " VALUES (1, 'a.txt', 'a.txt', 'x', 'txt', '', '', 'now')"
            )
            old.conn.execute("INSERT INTO units(document_id, seq, kind, text, text_hash) VALUES (1, 0, 'bullet', 'Tale MED folk!', 'h')")
    monkeypatch.undo()
    with ProjectStore(path) as new:
        assert new.schema_version == schema.SCHEMA_VERSION
        new.add_document(make_doc(sha="c" * 64, path="b.txt"), "x", [], units("tale med folk"))
        dup = [r for r in new.units() if r["duplicate_of"] is not None]
        assert [r["text"] for r in dup] == ["tale med folk"]
