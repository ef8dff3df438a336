"""End to end: in headless Chromium, one click on «Brug» takes up an OCR suggestion on Dokumenter.

Skipped when Chromium (Debian's ``chromium``) or the Playwright package is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from udsatte_nlp.embed import LexicalEmbedder
from udsatte_nlp.pipeline import analyze
from udsatte_nlp.store import ProjectStore

from .test_app_e2e import ARTIFACTS, CHROMIUM, FLAGS, playwright, serve, settle
from .test_suggestions import NOTE

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@pytest.fixture
def server(tmp_path):
    (tmp_path / "scan.txt").write_text(NOTE, encoding="utf-8")
    project = tmp_path / "projekt.db"
    analyze([tmp_path / "scan.txt"], project, n_themes=2, embedder=LexicalEmbedder(256))
    with serve(project, tmp_path / "server.log") as base:
        yield base, project


def test_accept_a_suggestion_in_the_browser(server):
    base, project = server
    ARTIFACTS.mkdir(exist_ok=True)
    with ProjectStore(project, create=False) as s:
        open_before = {r["before"] for r in s.suggestions() if r["status"] == "suggested"}
    assert "dialogmodet" in open_before
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/")
            page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
            settle(page)
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Dokumenter").click()
            page.get_by_role("heading", name="Forslag").wait_for(timeout=30_000)
            settle(page)
            row = page.locator("[data-testid='stHorizontalBlock']").filter(has_text="«dialogmodet» → «dialogmødet»")
            row.get_by_role("button", name="Brug").click()
            page.get_by_text("Forslaget er taget i brug", exact=False).first.wait_for(timeout=30_000)
            settle(page)
            page.screenshot(path=str(ARTIFACTS / "dokumenter-forslag.png"), full_page=True)
        finally:
            browser.close()
    with ProjectStore(project, create=False) as s:
        status = {r["before"]: r["status"] for r in s.suggestions()}
        assert status["dialogmodet"] == "accepted" and status["lasegger"] == "suggested"
        assert any("dialogmødet i Odense" in r["text"] for r in s.units())
        assert [e["op"] for e in s.edit_history()] == ["accept"]
