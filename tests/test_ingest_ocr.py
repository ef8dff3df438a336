"""Photos and scans read with Tesseract by their layout (udsatte_nlp.ingest.ocr, .image): posters'
bullets as inputs, notat pages as whole sentences, low-confidence lines recorded."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from udsatte_nlp.errors import InputError
from udsatte_nlp.ingest import ocr, read
from udsatte_nlp.ingest.ocr import OcrLine, OcrPage, layout_text, ocr_metadata, parse_tsv
from udsatte_nlp.pipeline import prepare

from .scan_pages import font_path, fragments, render_pages

ROOT = Path(__file__).resolve().parents[1]


def needs_tesseract():
    if shutil.which("tesseract") is None or not ocr.tesseract_available():
        pytest.skip("needs tesseract-ocr and tesseract-ocr-dan")
    if font_path() is None:
        pytest.skip("needs a TrueType font with æ/ø/å (DejaVu or Liberation)")


# ------------------------------------------------------------ layout, no Tesseract
def tsv(rows: list[tuple[int, int, int, int, int, int, int, float, str]]) -> str:
    """Tesseract TSV from (block, par, line, left, top, width, height, conf, text) word rows."""
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    body = [f"5\t1\t{b}\t{p}\t{ln}\t{i}\t{x}\t{y}\t{w}\t{h}\t{c}\t{t}" for i, (b, p, ln, x, y, w, h, c, t) in enumerate(rows)]
    return "\n".join([head, *body])


def words(block, par, line, x, y, text, conf=95.0, first_gap=None):
    """Word rows of one line of text starting at ``x`` (20 px per character, 12 px spaces)."""
    out = []
    for i, word in enumerate(text.split()):
        out.append((block, par, line, x, y, 20 * len(word), 30, conf, word))
        x += 20 * len(word) + (first_gap if i == 0 and first_gap else 12)
    return out


@pytest.mark.parametrize("glyph", ["'+", "+", "©", "e", "«", "=", "o", "»", "-", "*", ".-"])
def test_ocr_bullet_glyphs_become_bullets(glyph):
    rows = []
    for i, item in enumerate(["Flere boliger til unge", "Respekt i mødet med kommunen"]):
        rows += words(1, 1, i + 1, 100, 100 + 45 * i, f"{glyph} {item}", first_gap=24)
    text = layout_text(parse_tsv(tsv(rows)))
    assert text == "• Flere boliger til unge\n• Respekt i mødet med kommunen"


def test_a_letter_in_the_text_is_no_bullet():
    rows = words(1, 1, 1, 100, 100, "e Boks er et ord her")  # normal spacing: part of the text
    rows += words(1, 1, 2, 100, 145, "o og så videre.")
    lines = parse_tsv(tsv(rows))
    assert not any(line.bullet for line in lines)


def test_wrapped_lines_are_joined_by_the_layout_and_the_text():
    rows = words(1, 1, 1, 100, 100, "Programmet bestod blandt andet af en visionsworkshop hvor deltagerne")  # to the margin
    rows += words(1, 1, 2, 100, 145, "Socialministerens udspil.")  # capital after a full line: same sentence
    rows += words(2, 1, 1, 100, 300, "Der blev talt om boliger og om")  # ends mid-sentence ...
    rows += words(3, 1, 1, 100, 420, "hjælpen om natten.")  # ... and goes on in lower case after a blank line
    rows += words(4, 1, 1, 100, 560, "Næste afsnit begynder her.")
    assert layout_text(parse_tsv(tsv(rows))).split("\n\n") == [
        "Programmet bestod blandt andet af en visionsworkshop hvor deltagerne Socialministerens udspil.",
        "Der blev talt om boliger og om hjælpen om natten.",
        "Næste afsnit begynder her.",
    ]


def test_a_word_broken_at_the_line_end_is_left_to_the_cleaner():
    rows = words(1, 1, 1, 100, 100, "Der er brug for mere opsø-")
    rows += words(1, 1, 2, 100, 145, "gende arbejde.")
    text = layout_text(parse_tsv(tsv(rows)))
    assert text == "Der er brug for mere opsø-\ngende arbejde."
    clean, corrections, units = prepare_text(text)
    assert [u.text for u in units] == ["Der er brug for mere opsøgende arbejde."]
    assert any(c.rule == "dehyphenate" for c in corrections)


def prepare_text(text: str):
    from udsatte_nlp.records import Document

    return prepare(Document(path="scan.png", format="png", text=text, sha256=""))


def test_low_confidence_lines_are_recorded():
    good = OcrLine(["Flere", "boliger"], [96.0, 94.0], [(0, 0, 50, 20), (60, 0, 120, 20)])
    bad = OcrLine(["Fl3re", "b0l"], [41.0, 55.0], [(0, 40, 50, 60), (60, 40, 120, 60)], bullet=True)
    meta = ocr_metadata([(2, OcrPage("x", [good, bad]))])
    assert meta["ocr_low_lines"] == [{"page": 2, "text": "• Fl3re b0l", "confidence": 48}]
    assert meta["ocr_confidence"] == pytest.approx(71.5)


def test_an_image_without_tesseract_says_which_package_to_install(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr, "_tesseract_langs", lambda: None)
    path = tmp_path / "planche.jpg"
    Image.new("RGB", (200, 100), "white").save(path)
    with pytest.raises(InputError) as err:
        read(path)
    message = str(err.value)
    assert "planche.jpg" in message and "apt-get install tesseract-ocr tesseract-ocr-dan" in message
    assert "\n" not in message


def test_a_damaged_image_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "_tesseract_langs", lambda: ("dan",))
    path = tmp_path / "planche.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"ikke et billede" * 20)
    with pytest.raises(InputError, match="Billedet er beskadiget"):
        read(path)


def test_skew_is_measured_and_straightened():
    from PIL import Image, ImageDraw, ImageFont

    if font_path() is None:
        pytest.skip("needs a TrueType font")
    font = ImageFont.truetype(font_path(), 28)
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    for i in range(14):
        draw.text((60, 60 + 55 * i), "Flere boliger til hjemløse unge og respekt i mødet med kommunen", font=font, fill=0)
    tilted = image.rotate(-3.0, resample=3, expand=True, fillcolor=255)
    assert ocr.skew_angle(tilted) == pytest.approx(3.0, abs=0.4)
    assert ocr.skew_angle(image) == pytest.approx(0.0, abs=0.3)


# ---------------------------------------------------------------- with Tesseract
POSTER = ["Egen bolig til alle, der har brug for det", "Et fællesskab hvor man bliver savnet",
          "Hjælp før det går galt", "Respekt i mødet med kommunen", "Flere væresteder med åbent om aftenen"]


def poster(path: Path, **save) -> Path:
    """A photo of a typed poster: beige paper, uneven light, a heading, bullets, turned 2.5°."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    body, bold = ImageFont.truetype(font_path(), 56), ImageFont.truetype(font_path(bold=True), 80)
    image = Image.new("RGB", (2000, 1400), (235, 230, 215))
    draw = ImageDraw.Draw(image)
    draw.text((120, 100), "Drømme fra bord 3", font=bold, fill=(20, 20, 60))
    for i, item in enumerate(POSTER):
        draw.text((140, 300 + 170 * i), "•", font=body, fill=(20, 20, 60))
        draw.text((210, 300 + 170 * i), item, font=body, fill=(20, 20, 60))
    shade = np.linspace(1.0, 0.7, image.width, dtype=np.float32)[None, :, None]  # light from the left
    image = Image.fromarray((np.asarray(image, dtype=np.float32) * shade).astype(np.uint8))
    image.rotate(2.5, resample=3, expand=True, fillcolor=(200, 195, 180)).save(path, **save)
    return path


@pytest.mark.parametrize("name", ["planche.png", "planche.jpg"])
def test_a_photo_of_a_poster_gives_its_bullets_as_inputs(tmp_path, name):
    """Issue 18: the poster's bullets are inputs, from a PNG and from a JPG, under the poster's heading."""
    needs_tesseract()
    doc = read(poster(tmp_path / name, **({"quality": 80} if name.endswith("jpg") else {})))
    assert doc.format == ("jpeg" if name.endswith("jpg") else "png") and doc.pages is not None
    units = prepare(doc)[2]
    assert [u.text for u in units] == POSTER
    assert {u.kind for u in units} == {"bullet"} and {u.section for u in units} == {"Drømme fra bord 3"}
    assert doc.metadata["ocr_confidence"] > 85 and any("OCR" in w for w in doc.warnings)


def test_a_multi_page_scan_of_a_notat_reads_as_whole_sentences(tmp_path):
    """Issue 15.6: wrapped lines and bullets of a two-page scanned notat become whole sentences:
    at most 5 % fragments (under three words or lower-case start) and none starting with a glyph."""
    needs_tesseract()
    source = (ROOT / "corpora" / "dialogmoeder" / "dialogmoede-2024.source.md").read_text(encoding="utf-8")
    # typed with double line spacing: Tesseract's plain text then puts a blank line between wrapped lines
    pages = render_pages(source, dpi=150, max_pages=2, spacing=2.2)
    path = tmp_path / "notat.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(150, 150), compression="tiff_deflate")
    doc = read(path)
    assert doc.metadata["page_count"] == 2 and len(doc.pages) == 2
    texts = [u.text for u in prepare(doc)[2]]
    print(len(texts), "inputs; fragments:", fragments(texts))
    assert len(texts) >= 25
    assert len(fragments(texts)) <= 0.05 * len(texts)
    assert not [t for t in texts if not t[:1].isalnum()]
    bullets = [t for t in texts if t.startswith("At gælden vokser")]
    assert bullets == ["At gælden vokser, og at folk mister modet, fordi de aldrig kan se en ende på den"]


def test_a_low_confidence_line_is_shown_on_dokumenter(tmp_path, monkeypatch):
    """The Dokumenter page lists OCR lines read with low confidence ("tjek denne linje")."""
    from streamlit.testing.v1 import AppTest

    from udsatte_nlp.app import SCRIPT
    from udsatte_nlp.store import ProjectStore

    from .test_review import build_project

    project = build_project(tmp_path / "p.db")
    add_ocr_document(project)
    monkeypatch.setenv("UDSATTE_PROJECT", str(project))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = AppTest.from_file(str(SCRIPT), default_timeout=60).run()
    at.switch_page("sider/dokumenter.py").run()
    with ProjectStore(project, create=False) as store:
        doc_id = next(d["id"] for d in store.documents() if d["name"] == "planche.png")
    at.selectbox(key="dokument").select(doc_id).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Side 1 (48 %): «• Fl3re b0liger tll unge» – **tjek denne linje**" in shown
    assert any("lav sikkerhed" in e.label for e in at.expander)


def add_ocr_document(project: Path) -> None:
    """Add an OCR'd poster with one low-confidence line to ``project`` (no Tesseract needed)."""
    from udsatte_nlp.records import Document
    from udsatte_nlp.store import ProjectStore

    line = {"page": 1, "text": "• Fl3re b0liger tll unge", "confidence": 48}
    doc = Document(path="planche.png", format="png", text="• Fl3re b0liger tll unge\n• Respekt i mødet",
                   sha256="ab" * 32, metadata={"ocr_confidence": 71.0, "ocr_low_lines": [line]},
                   pages=["x"], warnings=["Billedet er læst med OCR (Tesseract, dansk model); tjek teksten og rettelserne"])
    clean, corrections, units = prepare(doc)
    with ProjectStore(project, create=False) as store, store.atomic():
        store.add_document(doc, clean, corrections, units)
    assert json.loads(json.dumps(line)) == line


def test_light_letters_on_a_dark_board_are_turned_dark_on_light():
    from PIL import Image, ImageDraw

    board = Image.new("L", (600, 300), 30)
    ImageDraw.Draw(board).rectangle((100, 100, 500, 140), fill=230)  # a stroke of chalk
    prepared = ocr.prepare_image(board, deskew=False)
    assert ocr._median(prepared) > 200 and prepared.getpixel((300, 120)) < 100


@pytest.mark.parametrize("sign", ["§", "&", "(", "„"])
def test_a_sign_that_starts_the_text_is_no_bullet(sign):
    rows = words(1, 1, 1, 100, 100, f"{sign} 141 handleplaner skal mere i spil.", first_gap=24)
    assert not parse_tsv(tsv(rows))[0].bullet
