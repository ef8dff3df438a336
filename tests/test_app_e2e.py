"""End to end: the real app server in headless Chromium renames a theme; the database shows it.

Screenshots of every page are saved in ``test-artifacts/`` (not in git).
Skipped when Chromium (Debian's ``chromium``) or the Playwright package is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from udsatte_nlp.app import command
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


@pytest.fixture
def server(tmp_path):
    project = build_project(tmp_path / "projekt.db")
    port = free_port()
    env = dict(os.environ, UDSATTE_PROJECT=str(project), UDSATTE_EMBEDDER="lexical-256")
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
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
                pytest.fail("the app did not start: " + (tmp_path / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield base, project
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settle(page, extra_ms: int = 400) -> None:
    """Wait until Streamlit has finished the script run (no "running" status) and drawn."""
    page.wait_for_selector("[data-testid='stMain']", timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(extra_ms)


def lasso_everything(page) -> None:
    """Draw a lasso around the whole map (the map's default drag mode)."""
    drag = page.locator(".js-plotly-plot .nsewdrag").first
    drag.wait_for(timeout=30_000)
    box = drag.bounding_box()
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x0 + 4, y0 + 4)
    page.mouse.down()
    for x, y in ((x0 + w - 4, y0 + 4), (x0 + w - 4, y0 + h - 4), (x0 + 4, y0 + h - 4), (x0 + 4, y0 + 6)):
        page.mouse.move(x, y, steps=15)
    page.mouse.up()


def test_rename_a_theme_in_the_browser(server):
    base, project = server
    ARTIFACTS.mkdir(exist_ok=True)
    with ProjectStore(project, create=False) as s:
        first = s.themes()[0]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/")
            page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
            page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=30_000)
            settle(page, 1200)
            page.screenshot(path=str(ARTIFACTS / "overblik.png"), full_page=True)
            nav = page.locator("[data-testid='stSidebarNav']")
            for name, title in (("kort", "Kort"), ("dokumenter", "Dokumenter"), ("eksport", "Eksport"),
                                ("nyt", "Nyt projekt")):
                nav.get_by_role("link", name=title).click()
                page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
                settle(page, 1200 if name == "kort" else 300)
                assert not page.locator("[data-testid='stException']").count(), name
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                if name == "kort":  # points selected with the lasso land in "Valgte input"
                    chosen = page.locator("[data-testid='stMultiSelect']").last
                    for attempt in range(3):
                        lasso_everything(page)
                        try:
                            expect(chosen).to_contain_text("Flere billige boliger til hjemløse", timeout=8_000)
                            break
                        except AssertionError:
                            if attempt == 2:
                                raise

            nav.get_by_role("link", name="Tema").click()
            name_box = page.get_by_label("Nyt navn")
            name_box.wait_for(timeout=30_000)
            settle(page)
            page.screenshot(path=str(ARTIFACTS / "tema.png"), full_page=True)
            grid = page.locator("[data-testid='stDataFrame']").first
            grid.hover()
            page.wait_for_timeout(800)
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 16, box["y"] + 36 + 17)  # the first row's checkbox
            with ProjectStore(project, create=False) as s:
                top = theme_units(s, first["id"])[0]["text"]
            expect(page.locator("[data-testid='stMultiSelect']").first).to_contain_text(top[:40], timeout=15_000)
            settle(page)
            name_box.fill("Retssikkerhed i praksis")
            name_box.press("Enter")
            settle(page)
            page.get_by_role("button", name="Gem navn").click()
            page.get_by_text("Omdøbt", exact=False).first.wait_for(timeout=30_000)
            settle(page)
            page.screenshot(path=str(ARTIFACTS / "tema-omdoebt.png"), full_page=True)
            assert page.get_by_role("heading", name="Retssikkerhed i praksis").count() == 1
        finally:
            browser.close()
    with ProjectStore(project, create=False) as s:
        assert s.theme(first["id"])["label"] == "Retssikkerhed i praksis"
        assert s.theme(first["id"])["label_source"] == "human"
        assert [e["op"] for e in s.edit_history()] == ["rename"]


def test_dokumenter_shows_ocr_lines_to_check_in_the_browser(tmp_path, monkeypatch):
    """An OCR'd poster with a line read with low confidence: Dokumenter asks to check it."""
    from .test_ingest_ocr import add_ocr_document

    project = build_project(tmp_path / "projekt.db")
    add_ocr_document(project)
    port = free_port()
    env = dict(os.environ, UDSATTE_PROJECT=str(project), UDSATTE_EMBEDDER="lexical-256")
    with open(tmp_path / "server.log", "w") as log:
        proc = subprocess.Popen(command(project, port), env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, "the app did not start"
                time.sleep(0.2)
            with playwright.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                try:
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
                finally:
                    browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
