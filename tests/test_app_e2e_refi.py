"""End to end in headless Chromium: the Overblik states the staff's agreement with the model, and the
Eksport page downloads a REFI-QDA project (.qdpx). Skipped without Chromium or Playwright."""

from __future__ import annotations

import io
import zipfile

from udsatte_nlp.store import ProjectStore

from .test_app_e2e import ARTIFACTS, CHROMIUM, FLAGS, playwright, pytestmark, server, settle, template  # noqa: F401


def test_overblik_agreement_and_qdpx_download_in_the_browser(server):  # noqa: F811
    base, project = server
    ARTIFACTS.mkdir(exist_ok=True)
    with ProjectStore(project, create=False) as s:  # a person moves one input (as in the app)
        a = s.assignments()[0]
        other = next(t["id"] for t in s.themes() if t["id"] != a["theme_id"])
        s.move_units([a["unit_id"]], other)
        n = len(s.units())
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            page.goto(base + "/")
            page.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)
            settle(page, 800)
            caption = page.get_by_text("Medarbejderne flyttede", exact=False).first
            caption.wait_for(timeout=30_000)
            text = caption.inner_text()
            share = f"{100 / n:.1f}".replace(".", ",")
            assert f"Medarbejderne flyttede {share} % af input" in text and "κ = 0," in text, text
            page.screenshot(path=str(ARTIFACTS / "overblik-enighed.png"), full_page=True)

            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Eksport").click()
            page.get_by_role("heading", name="Eksport").first.wait_for(timeout=30_000)
            settle(page)
            page.get_by_text(".qdpx – Projekt til NVivo", exact=False).click()
            settle(page)
            page.get_by_role("button", name="Lav fil").click()
            settle(page)
            button = page.get_by_role("button", name="Hent projekt-temaer.qdpx")
            button.wait_for(timeout=30_000)
            with page.expect_download() as info:
                button.click()
            data = open(info.value.path(), "rb").read()
            page.screenshot(path=str(ARTIFACTS / "eksport-qdpx.png"), full_page=True)
        finally:
            browser.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "project.qde" in zf.namelist()
        assert b"PlainTextSelection" in zf.read("project.qde")
