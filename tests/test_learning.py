"""Learning from people: the review command, relearning, and a person's work surviving re-analysis."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from udsatte_nlp import learning, review
from udsatte_nlp.cli import app
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.pipeline import analyze
from udsatte_nlp.store import ProjectStore

runner = CliRunner()

NOTES_2023 = """Dialogmøde 2023

Bolig
• Flere billige boliger til hjemløse
• Hjemløse skal have en bolig først
• Mangel på små billige boliger i byen
• Ventetid på en bolig er alt for lang
• Billige boliger til unge hjemløse
• Boligstøtte så man kan blive boende

Respekt
• Sagsbehandleren skal lytte og vise respekt
• Man skal mødes med respekt på kommunen
• Respekt og værdighed i mødet med systemet
• Mere respekt og mindre mistillid fra sagsbehandleren
• At blive mødt med værdighed og respekt
• Respekt for at livet ikke passer i skemaer

Misbrug
• Hurtigere misbrugsbehandling uden ventetid
• Behandling for misbrug skal starte med det samme
• Ventelister til misbrugsbehandling er for lange
• Misbrug og psykiatri skal behandles samtidig
• Døgnbehandling for misbrug til dem der har brug for det
• Misbrugsbehandling også om aftenen
"""

NOTES_2024 = """Dialogmøde 2024

• Billige boliger er det vigtigste for hjemløse
• En bolig til alle hjemløse unge
• Respekt fra sagsbehandleren hver gang
• Værdighed og respekt i alle møder med kommunen
• Misbrugsbehandling uden ventelister
• Behandling af misbrug og psykiatri på samme sted
"""


@pytest.fixture
def project(tmp_path):
    a = tmp_path / "noter-2023.txt"
    a.write_text(NOTES_2023, encoding="utf-8")
    db = tmp_path / "p.db"
    analyze([a], db, n_themes=3, embedder="lexical")
    return tmp_path, db


def _members(store: ProjectStore) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for r in store.conn.execute("SELECT a.theme_id, u.text FROM assignments a JOIN units u ON u.id = a.unit_id"):
        out.setdefault(int(r[0]), set()).add(r[1])
    return out


def _assignments(store: ProjectStore) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT unit_id, theme_id, source FROM assignments ORDER BY unit_id")]


# ------------------------------------------------------------- re-analysis
@pytest.mark.parametrize("add_file", [False, True])
def test_a_named_theme_keeps_its_members_through_reanalysis(project, add_file):
    folder, db = project
    with ProjectStore(db) as store:
        largest = max(store.themes(), key=lambda t: t["size"])
        store.rename_theme(int(largest["id"]), "Vores eget navn")
        before = _members(store)[int(largest["id"])]
    files = [folder / "noter-2023.txt"]
    if add_file:
        (folder / "noter-2024.txt").write_text(NOTES_2024, encoding="utf-8")
        files.append(folder / "noter-2024.txt")
    result = analyze(files, db, n_themes=3, embedder="lexical")
    with ProjectStore(db) as store:
        theme = store.theme(int(largest["id"]))
        assert theme["label"] == "Vores eget navn" and theme["active"] == 1
        assert before <= _members(store)[int(largest["id"])]
        # the success message counts what Overblik shows
        assert len(result.themes) == len(store.themes())


def test_an_unchanged_reanalysis_changes_nothing(project):
    folder, db = project
    with ProjectStore(db) as store:
        first = _assignments(store)
        ids = [t["id"] for t in store.themes()]
    analyze([folder / "noter-2023.txt"], db, n_themes=3, embedder="lexical")
    with ProjectStore(db) as store:
        assert _assignments(store) == first
        assert [t["id"] for t in store.themes()] == ids


def test_model_themes_keep_their_ids_when_a_file_is_added(project):
    folder, db = project
    with ProjectStore(db) as store:
        ids = {t["id"] for t in store.themes() if not t["is_outlier"]}
    (folder / "noter-2024.txt").write_text(NOTES_2024, encoding="utf-8")
    analyze([folder / "noter-2023.txt", folder / "noter-2024.txt"], db, n_themes=3, embedder="lexical")
    with ProjectStore(db) as store:
        assert ids <= {t["id"] for t in store.themes()}


def test_people_placements_survive_relearning_and_reanalysis(project):
    folder, db = project
    with ProjectStore(db) as store:
        themes = [t for t in store.themes() if not t["is_outlier"]]
        unit = int(store.conn.execute("SELECT unit_id FROM assignments ORDER BY unit_id LIMIT 1").fetchone()[0])
        current = int(store.conn.execute("SELECT theme_id FROM assignments WHERE unit_id = ?", (unit,)).fetchone()[0])
        target = next(t for t in themes if int(t["id"]) != current)
        learning.place(store, [(unit, target["label"])])
        learning.relearn(store)
    analyze([folder / "noter-2023.txt"], db, n_themes=3, embedder="lexical")
    with ProjectStore(db) as store:
        row = store.conn.execute("SELECT theme_id, source FROM assignments WHERE unit_id = ?", (unit,)).fetchone()
        assert (int(row[0]), row[1]) == (int(target["id"]), "human")


# ------------------------------------------------------------- relearning
def test_place_is_one_undoable_edit_with_what_the_model_moved(project):
    _, db = project
    with ProjectStore(db) as store:
        before = _assignments(store)
        units = [int(r[0]) for r in store.conn.execute("SELECT id FROM units ORDER BY id")]
        # a person puts four inputs in a new theme: the model may follow with others
        edit, moved = learning.place(store, [(u, "Nyt tema") for u in units[:4]])
        after = _assignments(store)
        new_id = int(store.conn.execute("SELECT id FROM themes WHERE label = 'Nyt tema'").fetchone()[0])
        assert {a[0] for a in after if a[1] == new_id and a[2] == "human"} == set(units[:4])
        assert moved == sum(1 for b, a in zip(before, after, strict=True) if b[1] != a[1] and a[2] == "model")
        assert store.conn.execute("SELECT score FROM assignments WHERE unit_id = ?", (units[0],)).fetchone()[0] is not None
        assert review.undo(store) is not None
        assert _assignments(store) == before
        assert store.conn.execute("SELECT active FROM themes WHERE id = ?", (new_id,)).fetchone() is None


def test_confirming_makes_a_person_placement_without_moving_it(project):
    _, db = project
    with ProjectStore(db) as store:
        unit, theme = store.conn.execute("SELECT unit_id, theme_id FROM assignments ORDER BY unit_id LIMIT 1").fetchone()
        learning.place(store, [(int(unit), int(theme))])
        row = store.conn.execute("SELECT theme_id, source FROM assignments WHERE unit_id = ?", (unit,)).fetchone()
        assert (row[0], row[1]) == (theme, "human")


def test_queue_skips_people_placements_and_gives_alternatives(project):
    _, db = project
    with ProjectStore(db) as store:
        first = learning.queue(store, 3)
        assert len(first) == 3
        assert all(0 <= q["confidence"] <= 1 and len(q["alternatives"]) == 2 for q in first)
        assert all(q["theme_id"] not in [a["theme_id"] for a in q["alternatives"]] for q in first)
        learning.place(store, [(first[0]["unit_id"], first[0]["theme_label"])])
        assert first[0]["unit_id"] not in [q["unit_id"] for q in learning.queue(store, 20)]


def test_the_placement_after_relearning_is_read_not_fitted_again_and_equals_a_fresh_one(project, monkeypatch):
    from udsatte_nlp.themes import placement

    _, db = project
    fits = []
    real = placement.place
    monkeypatch.setattr(placement, "place", lambda *a, **k: fits.append(1) or real(*a, **k))
    with ProjectStore(db) as store:
        unit, theme = store.conn.execute("SELECT unit_id, theme_id FROM assignments ORDER BY unit_id LIMIT 1").fetchone()
        learning.place(store, [(int(unit), int(theme))])  # relearns: one fit
        assert len(fits) == 1
        again = learning.project_placement(store)  # the same people's placements and centres: no new fit
        assert len(fits) == 1 and again.pending == 0
        learning._CACHE.clear()
        fresh = learning.project_placement(store)
        assert len(fits) == 2
        np.testing.assert_array_equal(again.proba, fresh.proba)
        np.testing.assert_array_equal(again.suggested, fresh.suggested)


def test_without_learning_decisions_wait_until_relearn(project):
    _, db = project
    with ProjectStore(db) as store:
        first = learning.project_placement(store)
        items = learning.queue(store, 2, placement=first)
        moves = [(q["unit_id"], q["alternatives"][0]["theme_id"]) for q in items]
        before = _assignments(store)
        learning.place(store, moves, learn=False)
        after = _assignments(store)
        changed = {a[0] for b, a in zip(before, after, strict=True) if b != a}
        assert changed == {u for u, _ in moves}  # only the people's own placements
        waiting = learning.project_placement(store, learn=False)
        assert waiting.pending == 2
        np.testing.assert_array_equal(waiting.proba, first.proba)  # what the model last learnt
        assert not {u for u, _ in moves} & {q["unit_id"] for q in learning.queue(store, 30, placement=waiting)}
        learning.relearn(store)
        assert learning.project_placement(store, learn=False).pending == 0


def test_warm_up_places_a_large_project_in_the_background_for_the_queue(project, monkeypatch):
    from udsatte_nlp.themes import placement

    _, db = project
    fits = []
    real = placement.place
    monkeypatch.setattr(placement, "place", lambda *a, **k: fits.append(1) or real(*a, **k))
    learning._CACHE.clear()
    learning.warm_up(str(db)).join(30)
    assert fits == []  # a small project: the app learns after every decision, nothing to prepare
    monkeypatch.setattr(learning, "LEARN_EACH_DECISION_UP_TO", 0)
    learning.warm_up(str(db)).join(30)
    assert len(fits) == 1
    with ProjectStore(db) as store:
        assert learning.queue(store, 3, learn=False) and len(fits) == 1  # the queue finds it ready


def test_unknown_unit_and_malformed_placement_are_user_errors(project):
    _, db = project
    with ProjectStore(db) as store:
        with pytest.raises(ConfigError, match="findes ikke"):
            learning.place(store, [(99999, "Bolig")])
    with pytest.raises(ConfigError, match="INPUT_ID=TEMANAVN"):
        learning.parse_placements(["bolig"])


# ------------------------------------------------------------- the command
def test_review_next_prints_id_theme_confidence_text(project):
    _, db = project
    res = runner.invoke(app, ["review", "--project", str(db), "--next", "4"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 4
    with ProjectStore(db) as store:
        labels = {t["label"] for t in store.themes()}
        texts = {r[0]: r[1] for r in store.conn.execute("SELECT id, text FROM units")}
    for line in lines:
        unit_id, label, confidence, text = line.split("\t")
        assert label in labels and texts[int(unit_id)] == text
        assert 0.0 <= float(confidence) <= 1.0 and len(confidence.split(".")[1]) == 2


def test_review_place_records_and_reports(project):
    _, db = project
    with ProjectStore(db) as store:
        unit = int(store.conn.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0])
    res = runner.invoke(app, ["review", "-p", str(db), "--place", f"{unit}=Helt nyt tema"])
    assert res.exit_code == 0, res.output
    assert "1 input placeret af jer" in res.output and "skiftede tema" in res.output
    with ProjectStore(db) as store:
        row = store.conn.execute(
            "SELECT t.label, a.source FROM assignments a JOIN themes t ON t.id = a.theme_id WHERE a.unit_id = ?", (unit,)
        ).fetchone()
        assert tuple(row) == ("Helt nyt tema", "human")
        # the command left keywords to be refreshed before they are next shown
        assert review.refresh_if_stale(store) is True
        assert review.refresh_if_stale(store) is False


@pytest.mark.parametrize(
    "args, message",
    [
        (["--place", "99999=Bolig"], "findes ikke"),
        (["--place", "bolig"], "INPUT_ID=TEMANAVN"),
        ([], "--next"),
    ],
)
def test_review_errors_are_one_line_and_exit_2(project, args, message):
    _, db = project
    res = runner.invoke(app, ["review", "-p", str(db), *args])
    assert res.exit_code == 2
    assert message in res.output and res.output.count("\n") == 1 and "Traceback" not in res.output


def test_review_on_a_missing_project_is_a_user_error(tmp_path):
    res = runner.invoke(app, ["review", "-p", str(tmp_path / "nej.db"), "--next", "3"])
    assert res.exit_code == 2 and "findes ikke" in res.output


def test_scores_are_probabilities(project):
    _, db = project
    with ProjectStore(db) as store:
        scores = np.array([r[0] for r in store.conn.execute("SELECT score FROM assignments WHERE score IS NOT NULL")])
    assert len(scores) and (scores >= 0).all() and (scores <= 1).all()
