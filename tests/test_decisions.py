"""A person's decisions mean exactly what the person chose (issue #17).

* "placed by a person" is about one input: moved, or marked as «Øvrige»; split and
  merge change themes, not who placed their inputs, and never write a score of 1.0;
* a theme a person shaped (split, merged into, created, described) is ``source = 'human'``;
* a merge keeps the name a person gave; a name two themes would share is refused;
* a generated description is made again from the current members; a person's is kept;
* the same input typed into two files counts once and is listed once with both sources.
"""

from __future__ import annotations

import json

import pytest

from udsatte_nlp import review
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.export import build_summary
from udsatte_nlp.records import Document, Theme, Unit
from udsatte_nlp.store import ProjectStore

from .test_review import project, state_of, template  # noqa: F401 - fixtures


def placements(store: ProjectStore) -> dict[int, tuple]:
    return {r["unit_id"]: (r["theme_id"], r["score"], r["source"]) for r in store.assignments()}


def by_size(store: ProjectStore) -> list[dict]:
    return sorted(review.overview(store), key=lambda t: (-t["size"], t["id"]))


# ------------------------------------------------------------- who placed
def test_a_move_is_a_persons_placement_without_a_score(project):
    src, dst = by_size(project)[:2]
    uid = review.theme_units(project, src["id"])[0]["unit_id"]
    review.apply_edit(project, "move_units", [uid], dst["id"])
    theme, score, source = placements(project)[uid]
    assert (theme, score, source) == (dst["id"], None, "human")
    # the report's quotes are the inputs most like the theme: a moved input is not lifted into them
    summary = build_summary(project)
    quotes = next(t for t in summary.themes if t.id == dst["id"]).representatives
    moved = next(u["text"] for u in summary.units if u["unit_id"] == uid)
    assert quotes and quotes[0] != moved
    assert summary.n_human == 1 and "1 input er placeret i sit tema af en medarbejder" in summary.method_note


def test_split_keeps_who_placed_each_input_and_never_scores_one(project):
    t = by_size(project)[0]
    moved = review.theme_units(project, by_size(project)[1]["id"])[0]["unit_id"]
    review.apply_edit(project, "move_units", [moved], t["id"])  # one input a person placed
    before = placements(project)
    new_ids = review.split_theme(project, t["id"], 2)
    after = placements(project)
    members = [u for u, (theme, _, _) in after.items() if theme in new_ids]
    assert len(members) == t["size"] + 1
    assert {u: after[u][2] for u in members} == {u: before[u][2] for u in members}
    assert [u for u in members if after[u][2] == "human"] == [moved]
    assert all(after[u][1] is None or after[u][1] < 0.999 for u in members)  # recomputed, never 1.0
    for i in new_ids:
        row = project.theme(i)
        assert row["source"] == "human" and row["label_source"] == "model"  # a person's theme, a suggested name
    assert build_summary(project).n_human == 1


def test_merge_keeps_who_placed_and_scores_and_makes_the_target_a_persons_theme(project):
    into, other = by_size(project)[:2]
    before = placements(project)
    review.apply_edit(project, "merge_themes", [other["id"]], into["id"])
    after = placements(project)
    for u, (theme, score, source) in before.items():
        if theme == other["id"]:
            assert after[u] == (into["id"], score, source)
    assert project.theme(into["id"])["source"] == "human"
    assert build_summary(project).n_human == 0


def test_a_whole_theme_as_outliers_keeps_placements_selected_inputs_are_a_persons(project):
    a, b = by_size(project)[:2]
    one = review.theme_units(project, a["id"])[0]["unit_id"]
    review.apply_edit(project, "mark_outlier", [one])
    review.apply_edit(project, "mark_outlier", theme_id=b["id"])
    rows = placements(project)
    assert rows[one][2] == "human" and rows[one][1] is None
    assert sum(1 for _, _, source in rows.values() if source == "human") == 1


def test_create_and_describe_make_a_persons_theme(project):
    t = by_size(project)[-1]
    assert project.theme(t["id"])["source"] == "model"
    review.apply_edit(project, "describe_theme", t["id"], "Om hjælp til misbrug.")
    row = project.theme(t["id"])
    assert (row["source"], row["description_source"], row["description"]) == ("human", "human", "Om hjælp til misbrug.")
    new = review.apply_edit(project, "create_theme", "Tandpleje", description="Tandlæge og tænder")
    assert project.theme(new)["source"] == "human" and project.theme(new)["description_source"] == "human"
    # an empty description brings the generated one back
    review.apply_edit(project, "describe_theme", t["id"], "  ")
    shown = {x["id"]: x["description"] for x in review.overview(project)}
    assert shown[t["id"]].startswith(f"Handler om {t['label'].lower()}") and project.theme(t["id"])["source"] == "human"


# ----------------------------------------------------------------- names
def test_a_name_another_theme_has_is_refused_everywhere(project):
    a, b = by_size(project)[:2]
    review.apply_edit(project, "rename_theme", a["id"], "Unge")
    revision = project.revision
    with pytest.raises(ConfigError, match="Der findes allerede et tema med navnet «unge»"):
        review.apply_edit(project, "rename_theme", b["id"], "  unge ")
    with pytest.raises(ConfigError, match="allerede"):
        review.apply_edit(project, "create_theme", "UNGE")
    with pytest.raises(ConfigError, match="allerede"):
        review.apply_edit(project, "merge_themes", [b["id"]], by_size(project)[2]["id"], label="Unge")
    assert project.revision == revision  # nothing was written
    review.apply_edit(project, "rename_theme", a["id"], "Unge")  # its own name again: a confirmation, allowed
    assert project.theme_named("UNGE") == a["id"]


def test_split_names_never_repeat_another_themes_name(project):
    t = by_size(project)[0]
    groups = [u["unit_id"] for u in review.theme_units(project, t["id"])]
    other = by_size(project)[1]["label"]
    ids = project.split_theme(t["id"], [groups[:2], groups[2:]], [other, other])
    labels = [project.theme(i)["label"] for i in ids]
    assert labels == [f"{other} (2)", f"{other} (3)"]


def test_merge_keeps_the_name_a_person_gave(project):
    a, b, c = by_size(project)[:3]
    review.apply_edit(project, "rename_theme", b["id"], "Kommunen og borgeren")
    review.apply_edit(project, "merge_themes", [b["id"]], a["id"])  # into a theme with a suggested name
    row = project.theme(a["id"])
    assert (row["label"], row["label_source"]) == ("Kommunen og borgeren", "human")
    assert review.history(project, 1)[0]["summary"] == (
        f"«Kommunen og borgeren» flettet ind i «{a['label']}», der nu hedder «Kommunen og borgeren»"
    )
    review.refresh_themes(project)  # the keyword refresh never renames it
    assert project.theme(a["id"])["label"] == "Kommunen og borgeren"


def test_merge_asks_which_name_when_both_are_named(project):
    a, b = by_size(project)[:2]
    review.apply_edit(project, "rename_theme", a["id"], "Bolig")
    review.apply_edit(project, "rename_theme", b["id"], "Respekt")
    with pytest.raises(ConfigError, match="«Bolig», «Respekt».*Vælg, hvilket navn"):
        review.apply_edit(project, "merge_themes", [b["id"]], a["id"])
    review.apply_edit(project, "merge_themes", [b["id"]], a["id"], label="Respekt")
    assert project.theme(a["id"])["label"] == "Respekt"


def test_merge_without_names_keeps_the_targets_name(project):
    a, b = by_size(project)[:2]
    review.apply_edit(project, "merge_themes", [b["id"]], a["id"])
    assert project.theme(a["id"])["label"] == a["label"]


def test_undo_of_a_named_merge_restores_everything(project):
    a, b = by_size(project)[:2]
    review.apply_edit(project, "rename_theme", b["id"], "Respekt")
    review.apply_edit(project, "describe_theme", b["id"], "Skrevet af os")
    before = state_of(project)
    review.apply_edit(project, "merge_themes", [b["id"]], a["id"])
    assert project.theme(a["id"])["description"] == "Skrevet af os"  # a person's description goes with the name
    review.undo(project)
    assert state_of(project) == before


# ----------------------------------------------------------- descriptions
def test_generated_descriptions_follow_every_edit_on_the_page_and_in_exports(project, tmp_path):
    from docx import Document as Docx
    from openpyxl import load_workbook

    from udsatte_nlp.export import export

    a, b = by_size(project)[:2]
    total = sum(t["size"] for t in review.overview(project))
    review.apply_edit(project, "describe_theme", b["id"], "Vores egen tekst.")
    c = by_size(project)[2]
    review.apply_edit(project, "merge_themes", [c["id"]], a["id"])
    merged = {t["id"]: t for t in review.overview(project)}[a["id"]]
    # the generated description is made from the merged theme's current label and keywords
    assert merged["description"].startswith(f"Handler om {merged['label'].lower()}"), merged["description"]
    assert any(k in merged["description"] for k in merged["keywords"] if k not in merged["label"].lower())
    assert {t["id"]: t["description"] for t in review.overview(project)}[b["id"]] == "Vores egen tekst."
    review.apply_edit(project, "rename_theme", a["id"], "Boligmangel")
    fresh = "Handler om boligmangel"
    assert review.overview(project)[0]["description"].startswith(fresh)
    doc = Docx(str(export(project, "docx", tmp_path / "r.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert fresh in text and "Vores egen tekst." in text
    assert f"Handler om {a['label'].lower()}." not in text  # nothing left from before the edits
    sheet = load_workbook(export(project, "xlsx", tmp_path / "r.xlsx"))["Temaer"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any(c.startswith(fresh) for c in cells)


def test_migration_4_marks_descriptions_a_person_wrote(tmp_path, monkeypatch):
    from udsatte_nlp.store import schema

    path = tmp_path / "old.db"
    old_list = [m for m in schema.MIGRATIONS if m[0] != 4]  # a project from before migration 4
    monkeypatch.setattr(schema, "MIGRATIONS", old_list)
    monkeypatch.setattr("udsatte_nlp.store.MIGRATIONS", old_list)
    monkeypatch.setattr("udsatte_nlp.store.SCHEMA_VERSION", max(m[0] for m in old_list))
    with ProjectStore(path) as s:
        s.add_document(Document(path="a.txt", format="txt", text="a\nb", sha256="a" * 64), "a\nb", [],
                       [Unit("a", "bullet"), Unit("b", "bullet")])
        run = s.add_run({}, 0, "m")
        ids = s.save_model_themes(run, [Theme(0, "A", description="2 input (100 %) handler om a."), Theme(1, "B")],
                                  [u["id"] for u in s.units()], [0, 1], [0.5, 0.5])
        with s.atomic():  # before version 4 there was no description_source: describe as it was then
            s.conn.execute("UPDATE themes SET description = 'Skrevet' WHERE id = ?", (ids[1],))
            s.conn.execute(
                "INSERT INTO edits(created_at, op, summary, payload) VALUES ('x', 'describe', 'x', ?)",
                (json.dumps([{"table": "themes", "key": ids[1], "columns": ["description"],
                              "before": {"description": ""}, "after": {"description": "Skrevet"}}]),),
            )
    monkeypatch.undo()
    with ProjectStore(path) as s:
        assert s.theme(ids[0])["description_source"] == "model"
        assert s.theme(ids[1])["description_source"] == "human"


# ------------------------------------------------------------- duplicates
def test_an_input_typed_into_two_files_counts_once_and_lists_both_sources(tmp_path):
    store = ProjectStore(tmp_path / "d.db")
    sheet = ["Flere boliger til unge", "Respekt på kommunen", "Flere boliger til unge", "Kortere ventetid"]
    notes = ["Flere boliger til unge!", "Hjælp om natten"]
    older = ["Flere boliger til unge"]
    for i, (name, texts, year) in enumerate((("postits.xlsx", sheet, 2024), ("noter.docx", notes, 2024),
                                              ("noter-2023.docx", older, 2023))):
        doc = Document(path=name, format="txt", text="\n".join(texts), sha256=f"{i:064d}", year=year)
        store.add_document(doc, doc.text, [], [Unit(t, "bullet", section="Drømme") for t in texts])
    rows = store.units()
    ids = {(r["document"], r["seq"]): r["id"] for r in rows}
    counted = store.counted_as()
    # the notes' copy is the sheet's first copy; the sheet's second copy (another table) and 2023's count anew
    assert counted[ids[("noter.docx", 0)]] == ids[("postits.xlsx", 0)]
    assert counted[ids[("postits.xlsx", 2)]] == ids[("postits.xlsx", 2)]
    assert counted[ids[("noter-2023.docx", 0)]] == ids[("noter-2023.docx", 0)]
    assert store.info()["duplicates"] == 3  # linked as duplicates; only one is the same input twice

    run = store.add_run({}, 0, "m")
    store.save_model_themes(run, [Theme(0, "Bolig"), Theme(1, "Andet")], [r["id"] for r in rows],
                            [0 if "bolig" in r["text"] else 1 for r in rows], [0.5] * len(rows))
    themes = {t["label"]: t for t in review.overview(store)}
    assert themes["Bolig"]["size"] == 3 and themes["Andet"]["size"] == 3
    assert abs(themes["Bolig"]["share"] - 0.5) < 1e-9
    listed = review.theme_units(store, themes["Bolig"]["id"])
    assert len(listed) == 3
    both = next(u for u in listed if len(u["copies"]) == 2)
    assert both["sources"] == ["postits.xlsx · Drømme", "noter.docx · Drømme"]
    assert sorted(review.with_copies(store, [both["unit_id"]])) == sorted(both["copies"])
    assert len(review.unit_rows(store)) == 6
    assert sum(r["n"] for r in review.theme_years(store)) == 6

    summary = build_summary(store)
    assert summary.n_units == 6
    assert {t.label: t.size for t in summary.themes} == {"Bolig": 3, "Andet": 3}
    # the copies apart (only one moved): the input is in both themes, once in each
    store.move_units([ids[("noter.docx", 0)]], themes["Andet"]["id"])
    assert {t["label"]: t["size"] for t in review.overview(store)} == {"Bolig": 3, "Andet": 4}
    store.move_units([ids[("postits.xlsx", 0)]], themes["Andet"]["id"])
    assert {t["label"]: t["size"] for t in review.overview(store)} == {"Bolig": 2, "Andet": 4}
    row = next(u for u in summary.units if u["unit_id"] == both["unit_id"])
    assert row["source"] == "postits.xlsx – Drømme; noter.docx – Drømme"
    assert {d.name: d.n_units for d in summary.documents}["noter.docx"] == 2
    assert build_summary(store, year=2024).n_units == 5
    store.close()
