"""The review app, page by page and edit by edit, with Streamlit's AppTest on real temporary projects.

Every edit is checked in the project database, not only on screen.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from udsatte_nlp import review
from udsatte_nlp.app import SCRIPT, command, server_args
from udsatte_nlp.app.state import CONFLICT_MESSAGE
from udsatte_nlp.cli import app as cli
from udsatte_nlp.store import ProjectStore

from .test_review import HOSTILE, build_project, write_corpus

PAGES = ["sider/overblik.py", "sider/tema.py", "sider/gennemga.py", "sider/kort.py", "sider/dokumenter.py", "sider/eksport.py",
         "sider/nyt.py"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("app") / "skabelon.db")


@pytest.fixture
def project(template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "projekt.db"
    shutil.copy(template, path)
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    return path


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(SCRIPT), default_timeout=60).run()
    ok(at)
    if page:
        at.switch_page(page).run()
        ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def by_label(widgets, label: str):
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]


def db(path: Path) -> ProjectStore:
    return ProjectStore(path, create=False)


def themes_in(path: Path) -> list[dict]:
    with db(path) as s:
        return review.overview(s)


def biggest(path: Path) -> dict:
    return max(themes_in(path), key=lambda t: t["size"])


def open_theme(at: AppTest, theme_id: int) -> AppTest:
    at.switch_page("sider/tema.py").run()
    at.selectbox(key="tema_valg").set_value(theme_id).run()
    ok(at)
    assert at.session_state["theme_id"] == theme_id
    return at


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def table(at: AppTest, choice: str):
    """The table whose ticks choose inputs under ``choice`` (its key changes when its rows do)."""
    found = [d for d in at.dataframe if f"{choice}_tabel_" in d.proto.id]  # the element id holds the key
    assert found, [d.proto.id for d in at.dataframe]
    return found[0]


def choose(at: AppTest, choice: str, unit_ids: list[int]) -> AppTest:
    """Tick inputs (the app keeps the choice as unit ids under ``choice``)."""
    at.session_state[choice] = list(unit_ids)
    return at.run()


# ------------------------------------------------------------------- pages
def test_every_page_renders(project):
    at = start()
    assert [t.value for t in at.title] == ["Overblik"]
    for page in PAGES:
        at.switch_page(page).run()
        ok(at)
    assert at.title[0].value == "Tilføj filer"  # the project exists: the page adds files to it


def test_overblik_shows_themes_chart_and_years(project):
    at = start()
    n_themes = len(themes_in(project))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Temaer"] == str(n_themes) and metrics["Input"] == "21" and metrics["Dokumenter"] == "3"
    table = at.dataframe[0].value
    assert len(table) == n_themes and list(table.columns[:4]) == ["Tema", "Input", "Andel", "Nøgleord"]
    assert table["Input"].sum() == 21
    assert [h.value for h in at.subheader][:3] == ["Temaer", "Størrelse", "Over tid"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_open_theme_from_overblik(project):
    at = start()
    target = themes_in(project)[-1]
    at.selectbox(key="overblik_tema").set_value(target["id"]).run()
    at.button(key="overblik_aabn").click().run()
    ok(at)
    assert at.header[0].value.replace("\\", "") == target["label"]


def test_tema_lists_inputs_with_source_most_confident_first(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    table_ = table(at, "tema_valgte").value
    assert len(table_) == t["size"]
    assert {"Input", "Kilde", "År", "Sikkerhed", "Placeret af"} <= set(table_.columns)
    assert table_["Kilde"].str.contains("postits-20").any()
    # "sikker (0,83)": the band and the probability in Danish decimals
    parsed = [re.fullmatch(r"(sikker|usikker|tjek) \((\d,\d\d)\)", x) for x in table_["Sikkerhed"]]
    assert all(parsed), list(table_["Sikkerhed"])
    conf = [float(m.group(2).replace(",", ".")) for m in parsed]
    assert conf == sorted(conf, reverse=True)
    assert (table_[""] == "★").sum() == min(5, t["size"])


# ------------------------------------------------------------------- edits
def test_rename_then_undo_and_redo_across_restarts(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    by_label(at.text_input, "Nyt navn").set_value("Boligmangel")
    at.button(key="gem_navn").click().run()
    ok(at)
    with db(project) as s:
        assert s.theme(t["id"])["label"] == "Boligmangel"
        assert s.theme(t["id"])["label_source"] == "human"
    assert any("Omdøbt" in m for m in successes(at))
    assert at.header[0].value == "Boligmangel"

    at = start()  # a new session: the edit log lives in the project file
    at.button(key="fortryd").click().run()
    ok(at)
    with db(project) as s:
        assert s.theme(t["id"])["label"] == t["label"]
    assert any(m.startswith("Fortrudt") for m in successes(at))
    at = start()
    at.button(key="gentag").click().run()
    ok(at)
    with db(project) as s:
        assert s.theme(t["id"])["label"] == "Boligmangel"
    assert at.button(key="gentag").disabled


def test_describe(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    by_label(at.text_area, "Beskrivelse").set_value("Om at have et sted at bo.")
    at.button(key="gem_beskrivelse").click().run()
    ok(at)
    with db(project) as s:
        assert s.theme(t["id"])["description"] == "Om at have et sted at bo."


def test_merge(project):
    themes = themes_in(project)
    into, other = themes[0], themes[1]
    at = open_theme(start(), into["id"])
    at.pills(key="flet_valgte").set_value([other["id"]]).run()
    at.button(key="flet").click().run()
    ok(at)
    after = {t["id"]: t for t in themes_in(project)}
    assert other["id"] not in after
    assert after[into["id"]]["size"] == into["size"] + other["size"]


def test_split(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    at.number_input(key="del_antal").set_value(2).run()
    at.button(key="del").click().run()
    ok(at)
    after = themes_in(project)
    assert t["id"] not in {x["id"] for x in after}
    parts = [x for x in after if x["label"].startswith(t["label"] + ":")]
    assert len(parts) == 2 and sum(p["size"] for p in parts) == t["size"]
    assert at.session_state["theme_id"] in {p["id"] for p in parts}  # the page now shows a part
    at.button(key="fortryd").click().run()
    ok(at)
    ids = {x["id"] for x in themes_in(project)}
    assert t["id"] in ids and not ids & {p["id"] for p in parts}


def test_move_selected_inputs_and_keywords_follow(project):
    themes = themes_in(project)
    src, dst = themes[0], themes[1]
    at = open_theme(start(), src["id"])
    with db(project) as s:
        moving = [u["unit_id"] for u in review.theme_units(s, src["id"])[:2]]
    choose(at, "tema_valgte", moving)
    assert "Valgte input (2)" in " ".join(m.value for m in at.markdown)
    at.selectbox(key="tema_til").set_value(dst["id"]).run()
    at.button(key="tema_flyt").click().run()
    ok(at)
    with db(project) as s:
        rows = {r["unit_id"]: r for r in s.assignments()}
        assert all(rows[u]["theme_id"] == dst["id"] and rows[u]["source"] == "human" for u in moving)
        after = {t["id"]: t for t in review.overview(s)}
    assert after[dst["id"]]["size"] == dst["size"] + 2
    assert after[dst["id"]]["keywords"] != dst["keywords"] or after[src["id"]]["keywords"] != src["keywords"]
    assert at.session_state["tema_valgte"] == []


def test_mark_selected_and_whole_theme_as_outliers(project):
    themes = themes_in(project)
    t = themes[0]
    at = open_theme(start(), t["id"])
    with db(project) as s:
        one = review.theme_units(s, t["id"])[-1]["unit_id"]
    choose(at, "tema_valgte", [one])
    at.button(key="tema_ovrige").click().run()
    ok(at)
    out = [x for x in themes_in(project) if x["is_outlier"]]
    assert len(out) == 1 and out[0]["size"] == 1
    other = themes[1]
    open_theme(at, other["id"])
    at.button(key="hele_ovrige").click().run()
    ok(at)
    after = themes_in(project)
    assert other["id"] not in {x["id"] for x in after}
    assert [x["size"] for x in after if x["is_outlier"]] == [1 + other["size"]]


def test_two_tabs_never_overwrite_each_other_silently(project):
    t = biggest(project)
    tab = open_theme(start(), t["id"])
    with db(project) as other_tab:  # another tab (or the CLI) renames first
        review.apply_edit(other_tab, "rename_theme", t["id"], "Fra den anden fane", expected_revision=other_tab.revision)
    by_label(tab.text_input, "Nyt navn").set_value("Fra denne fane")
    tab.button(key="gem_navn").click().run()
    ok(tab)
    errors = [e.value.replace("\\", "") for e in tab.error]
    assert errors == [CONFLICT_MESSAGE], errors
    with db(project) as s:
        assert s.theme(t["id"])["label"] == "Fra den anden fane"
    assert tab.header[0].value == "Fra den anden fane"  # reloaded
    by_label(tab.text_input, "Nyt navn").set_value("Fra denne fane")
    tab.button(key="gem_navn").click().run()  # now on the fresh revision: allowed
    with db(project) as s:
        assert s.theme(t["id"])["label"] == "Fra denne fane"


def test_external_change_is_announced(project):
    at = start()
    with db(project) as s:
        review.apply_edit(s, "describe_theme", biggest(project)["id"], "Skrevet udefra")
    at.run()
    assert any("opdateret udefra" in i.value for i in at.info)


# ---------------------------------------------------------------- kort
def test_kort_draws_every_input_and_moves_selected_points(project):
    at = start("sider/kort.py")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    fig = json.loads(charts[0].proto.spec)
    points = sum(len(tr["customdata"]) for tr in fig["data"])
    assert points == 21
    hover = " ".join(h for tr in fig["data"] for h in tr["hovertext"])
    assert "<script>" not in hover and "&lt;script&gt;" in hover
    themes = themes_in(project)
    dst = themes[-1]
    with db(project) as s:
        pick = [u["unit_id"] for u in review.theme_units(s, themes[0]["id"])[:3]]
    choose(at, "kort_valgte", pick)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)  # chosen points stand out on the map
    marked = {tr["customdata"][i] for tr in fig["data"] for i in tr.get("selectedpoints") or []}
    assert marked == set(pick)
    at.selectbox(key="kort_til").set_value(dst["id"]).run()
    at.button(key="kort_flyt").click().run()
    ok(at)
    with db(project) as s:
        placed = {r["unit_id"]: r["theme_id"] for r in s.assignments()}
    assert all(placed[u] == dst["id"] for u in pick)


def test_kort_says_when_it_shows_a_sample(project, monkeypatch):
    real = review.map_points

    def sample(store, method="pca", **kw):  # as UMAP maps a national project: a sample of the inputs
        pts = real(store, method, **kw)
        return {k: v[5:] for k, v in pts.items()}

    monkeypatch.setattr(review, "map_points", sample)
    at = start("sider/kort.py")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sum(len(tr["customdata"]) for tr in fig["data"]) == 16
    assert any("Kortet viser 16 af 21 input" in c.value for c in at.caption)


# ------------------------------------------------------------ documents
def test_dokumenter_highlights_and_reverts_a_correction(project):
    at = start("sider/dokumenter.py")
    with db(project) as s:
        note = next(d for d in review.documents(s) if d["name"] == "note.txt")
        moj = next(c for c in s.corrections(note["id"]) if "Ã" in c["before"])
    at.selectbox(key="dokument").set_value(note["id"]).run()
    ok(at)
    bodies = [m.value for m in at.markdown]
    assert any(":red-background[fÃ¸rste]" in b for b in bodies)
    assert any(":green-background[første]" in b for b in bodies)
    at.multiselect(key="rettelser_valgte").set_value([moj["id"]]).run()
    at.button(key="gendan").click().run()
    ok(at)
    with db(project) as s:
        assert s.conn.execute("SELECT reverted FROM corrections WHERE id = ?", (moj["id"],)).fetchone()[0] == 1
        assert any("fÃ¸rste" in u["text"] for u in s.unit_table())  # the input (and its exports) read as written
    assert any(":orange-background[fÃ¸rste]" in m.value for m in at.markdown)
    at.button(key="fortryd").click().run()
    with db(project) as s:
        assert s.conn.execute("SELECT reverted FROM corrections WHERE id = ?", (moj["id"],)).fetchone()[0] == 0
        assert not any("fÃ¸rste" in u["text"] for u in s.unit_table())


# --------------------------------------------------------------- export
def test_eksport_offers_every_format_as_a_download(project):
    from udsatte_nlp.export import FORMATS

    at = start("sider/eksport.py")
    assert len(at.radio(key="eksport_format").options) == len(FORMATS)
    assert not at.get("download_button")  # nothing is generated before it is asked for
    for fmt in [f for f in ("csv", "json") if f in FORMATS]:
        at.radio(key="eksport_format").set_value(fmt).run()
        at.button(key="eksport_lav").click().run()
        ok(at)
        assert not at.error, [e.value for e in at.error]
        made = at.session_state["eksport_fil"]
        assert made[0] == fmt and len(made[3]) > 50
        assert at.get("download_button"), fmt
    if "csv" in FORMATS:
        at.radio(key="eksport_format").set_value("csv").run()
        at.button(key="eksport_lav").click().run()
        assert at.session_state["eksport_fil"][3].decode("utf-8-sig").startswith("unit_id")


# --------------------------------------------------------------- search
def test_search_on_every_page_and_move_hits(project):
    at = start()
    at.text_input(key="sog").set_value("boliger").run()
    ok(at)
    exp = [e for e in at.expander if e.label.startswith("Søgning")]
    assert exp and exp[0].label.startswith("Søgning: 5 input")
    for page in PAGES[1:5]:
        at.switch_page(page).run()
        ok(at)
        assert any(e.label.startswith("Søgning: 5 input") for e in at.expander), page
    dst = themes_in(project)[-1]
    with db(project) as s:
        rows = review.search_units(review.unit_rows(s), "boliger")
    assert len(table(at, "sog_valgte").value) == 5
    choose(at, "sog_valgte", [rows[0]["unit_id"]])
    at.selectbox(key="sog_til").set_value(dst["id"]).run()
    at.button(key="sog_flyt").click().run()
    ok(at)
    with db(project) as s:
        assert {r["unit_id"]: r["theme_id"] for r in s.assignments()}[rows[0]["unit_id"]] == dst["id"]


# ---------------------------------------------------------------- safety
def test_hostile_text_is_escaped_everywhere(project):
    with db(project) as s:
        hostile = next(u for u in s.units() if u["text"] == HOSTILE)
        theme_id = s.conn.execute("SELECT theme_id FROM assignments WHERE unit_id = ?", (hostile["id"],)).fetchone()[0]
        review.apply_edit(s, "rename_theme", theme_id, "<b>Fed</b> [link](javascript:alert(1)) **x**")
        review.apply_edit(s, "describe_theme", theme_id, HOSTILE)
    at = start()
    at.text_input(key="sog").set_value("script").run()
    seen = []
    for page in PAGES:
        at.switch_page(page).run()
        if page.endswith("tema.py"):
            at.selectbox(key="tema_valg").set_value(theme_id).run()
        ok(at)
        for el in [*at.markdown, *at.header, *at.caption, *at.subheader, *at.title, *at.info, *at.success]:
            body = el.value
            seen.append(body)
            assert not getattr(el.proto, "allow_html", False), body
            assert "<script>" not in body and "<b>" not in body and "](javascript" not in body, body
            assert "**x**" not in body and "![billede]" not in body, body
    assert any("\\<b\\>Fed\\<\\/b\\>" in b for b in seen)


def test_escaping_helpers():
    from udsatte_nlp.app.text import escape_md, md, plain_html

    assert escape_md("**fed** _x_ [a](b) <i> $1$ :smile: 1. # h") == (
        "\\*\\*fed\\*\\* \\_x\\_ \\[a\\]\\(b\\) \\<i\\> \\$1\\$ \\:smile\\: 1\\. \\# h"
    )
    # web and e-mail addresses never become links (a word joiner breaks GFM's autolinks)
    assert "http" not in escape_md("se http://x.dk") and "www" not in escape_md("www.x.dk")
    assert "\u2060\\@" in escape_md("a@b.dk")
    assert md("to\nlinjer") == "to  \nlinjer"
    assert plain_html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert plain_html("a " * 50, width=20).count("<br>") >= 4


# ------------------------------------------------------------- new project
def test_create_a_project_by_uploading_files(tmp_path, monkeypatch):
    path = tmp_path / "nyt.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = start()
    assert at.title[0].value == "Nyt projekt"
    assert not path.exists()
    files = write_corpus(tmp_path / "filer")
    at.file_uploader(key="nyt_filer").set_value([(f.name, f.read_bytes(), "text/plain") for f in files]).run()
    at.radio(key="nyt_tilstand").set_value("Fast antal temaer").run()
    at.number_input(key="nyt_antal").set_value(3).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    assert not at.error, [e.value for e in at.error]
    assert path.exists()
    with db(path) as s:
        assert s.info()["units"] == 21 and 2 <= len(s.themes()) <= 3
    assert at.title[0].value == "Overblik"
    assert any("Analysen er færdig" in m for m in successes(at))


def test_create_with_a_codebook(tmp_path, monkeypatch):
    path = tmp_path / "kodebog.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = start()
    files = write_corpus(tmp_path / "filer")
    at.file_uploader(key="nyt_filer").set_value([(f.name, f.read_bytes(), "text/plain") for f in files]).run()
    at.radio(key="nyt_tilstand").set_value("Kodebog (TOML)").run()
    assert at.button(key="nyt_analyser").disabled
    toml = '[[theme]]\nname = "Bolig"\nkeywords = ["bolig", "hjemløs"]\n\n[[theme]]\nname = "Misbrug"\nkeywords = ["misbrug"]\n'
    at.file_uploader(key="nyt_kodebog").set_value(("kodebog.toml", toml.encode(), "application/toml")).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    with db(path) as s:
        assert {"Bolig", "Misbrug"} <= {t["label"] for t in s.themes()}


def test_bad_upload_gives_one_danish_line_and_no_project(tmp_path, monkeypatch):
    path = tmp_path / "tomt.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    at = start()
    at.file_uploader(key="nyt_filer").set_value(("tom.txt", b"", "text/plain")).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    assert len(at.error) == 1 and "tom.txt" in at.error[0].value.replace("\\", "")
    assert not path.exists()


def test_without_a_project_path_the_app_asks_for_one(monkeypatch):
    monkeypatch.delenv("UDSATTE_PROJECT", raising=False)
    at = start()
    assert at.title[0].value == "Nyt projekt"
    assert by_label(at.text_input, "Projektfil")


# ------------------------------------------------------------------- speed
def make_big_project(path: Path, n_units: int = 5000, n_themes: int = 12, dim: int = 384) -> Path:
    """A project of ``n_units`` generated inputs with random vectors, written straight to the store."""
    from udsatte_nlp.records import Document, Theme, Unit
    from udsatte_nlp.store import text_hash

    rng = np.random.default_rng(0)
    words = ("bolig hjemløse respekt kommunen misbrug behandling ventetid fællesskab job psykiatri unge "
             "sagsbehandler netværk værdighed økonomi kontanthjælp herberg sundhed tandlæge frivillige").split()
    texts = [" ".join(rng.choice(words, 8)) + f" nr {i}" for i in range(n_units)]
    with ProjectStore(path) as s:
        for d in range(10):
            part = texts[d::10]
            doc = Document(path=f"note{d}.txt", format="txt", text="\n".join(part), sha256=f"{d:064d}", year=2015 + d)
            s.add_document(doc, doc.text, [], [Unit(t, "bullet", section="Drømme") for t in part])
        rows = s.units()
        centres = rng.normal(size=(n_themes, dim))
        labels = rng.integers(0, n_themes, len(rows))
        X = (centres[labels] + rng.normal(scale=0.8, size=(len(rows), dim))).astype(np.float32)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        s.put_embeddings("lexical-384", {text_hash(r["text"]): x for r, x in zip(rows, X, strict=True)})
        run = s.add_run({}, 0, "lexical-384")
        themes = [Theme(i, f"Tema {i}", keywords=words[i : i + 5]) for i in range(n_themes)]
        s.save_model_themes(run, themes, [r["id"] for r in rows], labels.tolist(), [0.5] * len(rows))
    return path


def test_pages_render_with_5000_inputs(tmp_path, monkeypatch):
    """Every page and an edit work on a large project (timings: benchmarks/app_pages.py)."""
    path = make_big_project(tmp_path / "stor.db")
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    at = start()
    timings = {}
    for page in PAGES[:5]:
        at.switch_page(page).run()  # first render fills the caches
        ok(at)
        t0 = time.perf_counter()
        at.run()
        timings[page] = time.perf_counter() - t0
        ok(at)
    # an edit invalidates the caches: the page after it must be quick too
    with ProjectStore(path) as s:
        tid = review.overview(s)[0]["id"]
    at.switch_page("sider/tema.py").run()
    by_label(at.text_input, "Nyt navn").set_value("Omdøbt")
    t0 = time.perf_counter()
    at.button(key="gem_navn").click().run()
    timings["rename"] = time.perf_counter() - t0
    ok(at)
    with ProjectStore(path) as s:
        assert s.theme(tid)["label"] == "Omdøbt"
    print({k: round(v, 3) for k, v in timings.items()})


# ---------------------------------------------------------------------- CLI
def test_server_is_local_headless_and_without_telemetry():
    args = server_args(8600)
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.headless"] == "true"
    assert pairs["--server.port"] == "8600"
    assert dict(zip(server_args(1, network=True)[::2], server_args(1, network=True)[1::2], strict=False))[
        "--server.address"] == "0.0.0.0"
    cmd = command("/x/p.db", 8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[-2:] == ["--project", "/x/p.db"]


def test_cli_app_command(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("udsatte_nlp.app.launch", lambda *a, **k: calls.append((a, k)) or 0)
    runner = CliRunner()
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--port", "8765"])
    assert res.exit_code == 0, res.output
    assert calls[0][0][1] == 8765 and calls[0][1]["network"] is False
    assert "127.0.0.1:8765" in res.stdout
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--network"])
    assert res.exit_code == 0 and calls[1][1]["network"] is True
    assert "Advarsel" in res.stderr and "netværket" in res.stderr


def test_cli_app_refuses_a_busy_port_and_a_missing_folder(tmp_path):
    import socket

    runner = CliRunner()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--port", str(port)])
    assert res.exit_code == 2 and f"Port {port} er optaget" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "mangler" / "p.db")])
    assert res.exit_code == 2 and "Mappen til projektet findes ikke" in res.stderr
