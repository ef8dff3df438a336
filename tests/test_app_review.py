"""The Gennemgå page (issue #13): one input at a time, confirm or choose another, the rest re-placed, undo."""

from __future__ import annotations

from udsatte_nlp import learning

from .test_app import db, ok, start, successes, themes_in
from .test_app import project, template  # noqa: F401 - fixtures

PAGE = "sider/gennemga.py"


def assignment(project, unit_id: int) -> tuple[int, str]:
    with db(project) as s:
        row = s.conn.execute("SELECT theme_id, source FROM assignments WHERE unit_id = ?", (unit_id,)).fetchone()
    return int(row[0]), row[1]


def first_in_queue(project) -> dict:
    with db(project) as s:
        return learning.queue(s, 1)[0]


def test_confirm_makes_the_input_a_persons_placement_and_shows_the_next(project):
    item = first_in_queue(project)
    at = start(PAGE)
    assert any(item["text"][:30] in m.value for m in at.markdown)
    assert at.button(key="gennemga_bekraeft").label.startswith("Bekræft «")
    at.button(key="gennemga_bekraeft").click().run()
    ok(at)
    assert assignment(project, item["unit_id"]) == (item["theme_id"], "human")
    assert any("Placeret i" in m and "Modellen lærte af det" in m for m in successes(at))
    # the page moves on to another input
    assert not any(item["text"][:30] in m.value for m in at.markdown if m.value.startswith("####"))


def test_choosing_another_theme_moves_it_and_undo_takes_it_all_back(project):
    item = first_in_queue(project)
    with db(project) as s:
        before = {r[0]: (r[1], r[2]) for r in s.conn.execute("SELECT unit_id, theme_id, source FROM assignments")}
    alt = item["alternatives"][0]
    at = start(PAGE)
    at.button(key="gennemga_alt_1").click().run()
    ok(at)
    assert assignment(project, item["unit_id"]) == (alt["theme_id"], "human")
    at.button(key="fortryd").click().run()
    ok(at)
    with db(project) as s:
        after = {r[0]: (r[1], r[2]) for r in s.conn.execute("SELECT unit_id, theme_id, source FROM assignments")}
    assert after == before  # the decision and everything the model moved because of it


def test_a_new_theme_from_the_page(project):
    item = first_in_queue(project)
    at = start(PAGE)
    at.text_input(key="gennemga_nyt").input("Tandpleje")
    at.button(key="gennemga_placer").click().run()
    ok(at)
    theme_id, source = assignment(project, item["unit_id"])
    assert source == "human" and any(t["id"] == theme_id and t["label"] == "Tandpleje" for t in themes_in(project))


def test_skip_shows_the_next_and_the_tema_page_shows_bands(project):
    item = first_in_queue(project)
    at = start(PAGE)
    at.button(key="gennemga_spring").click().run()
    ok(at)
    assert item["unit_id"] in at.session_state["gennemga_sprunget"]
    assert assignment(project, item["unit_id"])[1] == "model"  # skipping decides nothing
    at.switch_page("sider/tema.py").run()
    ok(at)
    shown = [d for d in at.dataframe if "Sikkerhed" in d.value.columns]
    assert shown, "the Tema table shows the confidence as bands"
    bands = {v.split(" ")[0] for v in shown[0].value["Sikkerhed"]}
    assert bands <= {"sikker", "usikker", "tjek", "–"} and bands - {"–"}


def test_a_named_theme_keeps_its_members_when_a_file_is_added_in_the_app(project, tmp_path):
    """Issue #17 item 0 through the app: rename, then analyse a new file from «Tilføj filer»."""
    from udsatte_nlp import review

    with db(project) as s:
        largest = max(review.overview(s), key=lambda t: t["size"])
        review.apply_edit(s, "rename_theme", largest["id"], "Vores eget navn")
        before = {u["unit_id"] for u in review.theme_units(s, largest["id"])}
    at = start("sider/nyt.py")
    note = "Dialogmøde 2025\n\n• Flere billige boliger til unge hjemløse\n• Respekt i mødet med kommunen\n"
    at.file_uploader(key="nyt_filer").set_value([("noter-2025.txt", note.encode(), "text/plain")]).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    assert not at.error, [e.value for e in at.error]
    with db(project) as s:
        theme = s.theme(largest["id"])
        after = {u["unit_id"] for u in review.theme_units(s, largest["id"])}
        shown = len(review.overview(s))
        assert s.info()["documents"] == 4
    assert theme["label"] == "Vores eget navn" and theme["active"] == 1
    assert before <= after
    message = next(m for m in successes(at) if "Analysen er færdig" in m)
    assert f"{shown} temaer" in message or f"{shown} tema" in message


def test_on_a_large_project_decisions_wait_and_the_model_learns_together(project, monkeypatch):
    monkeypatch.setattr(learning, "LEARN_EACH_DECISION_UP_TO", 0)  # every project counts as large
    monkeypatch.setattr(learning, "LEARN_AFTER", 3)
    with db(project) as s:
        before = {r[0]: r[1] for r in s.conn.execute("SELECT unit_id, theme_id FROM assignments")}
    at = start(PAGE)
    assert at.button(key="gennemga_laer").disabled  # nothing waits yet
    decided = []
    for n in (1, 2):
        decided.append(shown_input(at, project))
        at.button(key="gennemga_alt_1").click().run()
        ok(at)
        assert any(f"({n} placering" in m and "venter" in m for m in successes(at))
    with db(project) as s:
        now = {r[0]: r[1] for r in s.conn.execute("SELECT unit_id, theme_id FROM assignments")}
    assert {u for u in now if now[u] != before[u]} <= set(decided)  # nobody else moved yet
    assert not at.button(key="gennemga_laer").disabled
    at.button(key="gennemga_bekraeft").click().run()  # the third decision: the model learns from all three
    ok(at)
    assert any("Modellen lærte af det" in m for m in successes(at))
    assert at.button(key="gennemga_laer").disabled
    at.button(key="fortryd").click().run()  # undo takes back the third decision and what it moved
    ok(at)
    with db(project) as s:
        undone = {r[0]: r[1] for r in s.conn.execute("SELECT unit_id, theme_id FROM assignments")}
    assert undone == now


def shown_input(at, project) -> int:
    """The id of the input the page shows (the one its buttons decide about)."""
    with db(project) as s:
        texts = {r[1]: int(r[0]) for r in s.conn.execute("SELECT id, text FROM units")}
    shown = next(m.value for m in at.markdown if m.value.startswith("#### "))[5:]
    return next(uid for text, uid in texts.items() if text[:30] in shown.replace("\\", ""))


def test_a_themes_inputs_are_read_again_when_its_members_change_not_its_name(project, monkeypatch):
    from udsatte_nlp import review
    from udsatte_nlp.app import state

    calls = []
    real = review.theme_units
    monkeypatch.setattr(review, "theme_units", lambda s, t: calls.append(t) or real(s, t))
    with db(project) as s:
        a, b = [t for t in review.overview(s) if not t["is_outlier"]][:2]
        first = state.theme_units(s, a["id"])
        review.apply_edit(s, "rename_theme", a["id"], "Et nyt navn")
        review.apply_edit(s, "describe_theme", a["id"], "Hvad temaet rummer")
        assert state.theme_units(s, a["id"]).equals(first) and len(calls) == 1
        review.apply_edit(s, "move_units", [int(first["unit_id"].iloc[0])], b["id"])
        assert len(state.theme_units(s, a["id"])) == len(first) - 1 and len(calls) == 2
