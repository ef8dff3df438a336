"""Danish OCR repair: æ/ø/å damage, l/I, glued words, bullets, ambiguous words, never-touch cases."""

from __future__ import annotations

import csv
import io
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udsatte_nlp.clean import clean_text
from udsatte_nlp.clean.ocr import candidates, estimate_damage, lexicon, ocr_markers, ocr_repair, repair_word
from udsatte_nlp.errors import InputError

from .conftest import ROOT, requires_seeds, seed_files

# An invented damaged scan: every æ/ø/å lost, as an English OCR model loses them.
DAMAGED = """Opsamling pa temadagen om handtering af hjemlgshed
Til mgdet i Vejle deltog ca. 40 fra 12 Iokale rad. Formalet var at hgre, hvad der skal til.
e Bedre radgivning fgr en sag lukkes, og fzelles mdl for hele kommunen
o Vaeresteder med dbent om aftenen og ogsa i weekenden
e Detvar svaert at fa hjalp itide
| samarbejdet med kommunen far man ikke hjzelp pa en made der virker, bade for unge og aeldre.
Vi har sendt et sp@rgeskema ud, og h0jt pa listen star boligerne."""


def apply(text: str, corrections) -> str:
    """Apply corrections (positions in ``text``) to ``text``."""
    out, last = [], 0
    for c in sorted(corrections, key=lambda c: c.start):
        assert text[c.start : c.start + len(c.before)] == c.before
        out.append(text[last : c.start])
        out.append(c.after)
        last = c.start + len(c.before)
    return "".join(out) + text[last:]


# ------------------------------------------------------------------ resources
def test_lexicon_comes_from_the_shipped_hunspell_forms():
    raw = (ROOT / "udsatte_nlp" / "data" / "da_words.tsv.xz").read_bytes()
    head = lzma.decompress(raw)[:2000].decode("utf-8")
    assert "hunspell-da" in head and "GPL-2.0 / LGPL-2.1 / MPL-1.1" in head
    assert (ROOT / "udsatte_nlp" / "data" / "da_words.LICENSE").exists()
    lex = lexicon()
    assert len(lex.kinds) > 500_000  # expanded word forms, not a hand-made list
    for form in ("rådgivning", "rådgivningen", "hjemløshed", "væresteder", "mødet", "måde", "får"):
        assert lex.listed(form), form
    assert not lex.listed("pa") and lex.name("pa")  # "Pa" (pascal) is a unit, not "på"
    assert lex.frequency("på") > lex.frequency("måde") > 3
    assert lex.compound("hjemløshedsstrategien") == "strategien"


def test_affix_expansion_of_a_tiny_dictionary(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_danish_words as build
    finally:
        sys.path.remove(str(ROOT / "tools"))
    aff = tmp_path / "x.aff"
    dic = tmp_path / "x.dic"
    aff.write_text(
        "SET UTF-8\nFLAG num\nFORBIDDENWORD 6\nNEEDAFFIX 8\nCOMPOUNDBEGIN 32\nCOMPOUNDMIDDLE 33\n"
        "COMPOUNDEND 34\nONLYINCOMPOUND 36\n"
        "SFX 2 Y 2\nSFX 2 0 n/34 e\t+BESTEMT_ENTAL\nSFX 2 0 en/34 [^e]\t+BESTEMT_ENTAL\n"
        "SFX 11 Y 2\nSFX 11 0 r/34 e\t+PLUR_UBEK\nSFX 11 0 er/34 [^e]\t+PLUR_UBEK\n"
        "SFX 29 Y 1\nSFX 29 0 s/32,35,36 .\n"
        "SFX 1 Y 1\nSFX 1 0 de/34 e\t+DATID\n",
        encoding="utf-8",
    )
    dic.write_text("3\nmåde/2,11,29\nhøre/1\nOdense\n", encoding="utf-8")
    forms = build.expand(build.parse_aff(aff), build.parse_dic(dic))
    assert {"måde", "måden", "måder", "mådes", "høre", "hørede", "Odense"} <= set(forms)
    assert "N" in forms["måden"] and "b" in forms["mådes"] and "w" not in forms["mådes"]
    assert "I" in forms["høre"] and "V" in forms["hørede"]


def test_candidates_follow_the_confusion_map():
    found = {c for c, _, n in candidates("hgring") if n == 1}
    assert "høring" in found
    assert "spørgeskema" in {c for c, _, _ in candidates("sp@rgeskema")}
    assert "fælles" in {c for c, _, _ in candidates("fzelles")}
    assert "væresteder" in {c for c, _, _ in candidates("vaeresteder")}
    assert "åbent" in {c for c, _, _ in candidates("dbent")}


@pytest.mark.parametrize(
    "damaged, meant",
    [
        ("hgring", "høring"), ("kpkken", "køkken"), ("dkonomi", "økonomi"), ("sp@rgeskema", "spørgeskema"),
        ("h0jt", "højt"), ("hjemlose", "hjemløse"), ("mgdet", "mødet"),
        ("pa", "på"), ("radgivning", "rådgivning"), ("dbent", "åbent"), ("ogsa", "også"),
        ("vaeresteder", "væresteder"), ("leengere", "længere"), ("fzelles", "fælles"), ("naermeste", "nærmeste"),
        ("sveert", "svært"), ("szerlig", "særlig"),
        ("hjemlgshedsstrategien", "hjemløshedsstrategien"),  # a compound the dictionary does not list
        ("detvar", "det var"), ("itide", "i tide"), ("vihar", "vi har"),
    ],
)
def test_repair_word(damaged, meant):
    r = repair_word(damaged)
    assert r is not None and r.word == meant


def test_real_words_are_not_repaired_by_repair_word():
    for word in ("for", "far", "made", "bade", "mål", "var", "og", "hjælp"):
        assert repair_word(word) is None


# ------------------------------------------------------------------- the step
def test_damaged_document_is_repaired():
    res = clean_text(DAMAGED)
    assert res.text.splitlines() == [
        "Opsamling på temadagen om håndtering af hjemløshed",
        "Til mødet i Vejle deltog ca. 40 fra 12 lokale råd. Formålet var at høre, hvad der skal til.",
        "• Bedre rådgivning før en sag lukkes, og fælles mål for hele kommunen",
        "• Væresteder med åbent om aftenen og også i weekenden",
        "• Det var svært at få hjælp i tide",
        "I samarbejdet med kommunen får man ikke hjælp på en måde der virker, både for unge og ældre.",
        "Vi har sendt et spørgeskema ud, og højt på listen står boligerne.",
    ]
    rules = {c.rule for c in res.corrections}
    assert {"ocr", "ocr-context", "ocr-glued", "ocr-bullet"} <= rules
    assert all(0 < c.confidence <= 1 for c in res.corrections)


def test_corrections_are_positions_in_the_step_input():
    res = ocr_repair(DAMAGED)
    assert apply(DAMAGED, res.corrections) == res.text
    first = res.corrections[0]
    assert (first.before, first.after, first.rule) == ("pa", "på", "ocr")
    assert DAMAGED[first.start : first.start + 2] == "pa"


def test_markers_lone_e_and_o_and_pipe():
    res = ocr_markers("Punkter:\ne Bedre hjælp\n| samarbejdet\nTekst om e og o.")
    assert res.text == "Punkter:\n• Bedre hjælp\nI samarbejdet\nTekst om e og o."
    # Word's own sub-bullet "o" stays in a clean document
    assert ocr_markers("Liste:\no Ændringer i praksis").text == "Liste:\no Ændringer i praksis"
    # ... but in a damaged one it is a misread bullet
    assert "• Vaeresteder" in ocr_markers("Liste:\no Vaeresteder med dbent pa hverdage og fa timer").text


def test_damage_estimate():
    clean = "Rådet mødes på torsdag. Vi får hjælp til både møder og rådgivning, før året er gået."
    d = estimate_damage(clean)
    assert not d.damaged and d.share > 0.02 and d.repairable == 0
    d = estimate_damage(DAMAGED)
    assert d.damaged and d.share < 0.006 and d.level > 0.8


# ---------------------------------------------------------- ambiguous words
@pytest.mark.parametrize(
    "damaged, repaired",
    [
        ("Mange borgere i radet far ikke den hjzelp, de har brug for.", "får"),
        ("Vi skal finde en made at samarbejde pa.", "måde"),
        ("Der mangler bade boliger og stgtte i hverdagen.", "både"),
        ("Vi ma handle, fgr vi mister dem; der skal ske noget for de unge fgr vi gar.", "går"),
    ],
)
def test_ambiguous_words_change_in_a_damaged_document_with_support(damaged, repaired):
    res = clean_text(damaged)
    assert repaired in res.text.split() or repaired + "." in res.text.split()
    assert any(c.rule == "ocr-context" for c in res.corrections) or repaired == "går"


@pytest.mark.parametrize(
    "text",
    [
        "Min far kommer fra Vejle, og vi bade i havet hver sommer.",  # clean: valid words stay
        "Der er brug for en made at gå på, sagde de om foderet: man skal made dyrene.",
        "Hun gik for at hente sin far.",
    ],
)
def test_ambiguous_words_stay_in_a_clean_document(text):
    assert clean_text(text).text == text


def test_ambiguous_words_stay_without_context_support_in_a_damaged_document():
    # damaged document, but "far" after a possessive is the noun (father), and "for" is the
    # preposition: neither changes
    text = "Min far sagde, at hjzelpen kom for sent, og at radgivningen var ringe."
    out = clean_text(text).text
    assert "Min far sagde" in out and "for sent" in out
    assert "hjælpen" in out and "rådgivningen" in out


# ------------------------------------------------------------- never touch
@pytest.mark.parametrize(
    "token",
    ["KL", "SKP", "DK", "B12", "2pa", "COVID-19", "ole@kommune.dk", "www.udsatte.dk/pa", "DanChurchAid", "McDonalds"],
)
def test_never_touched_even_in_a_damaged_document(token):
    text = f"Radgivning pa mgdet om hjemlgshed og {token} fgr sommer."
    out = clean_text(text).text
    assert token in out.split() or f"{token}." in out
    assert "Rådgivning på mødet" in out


def test_valid_danish_in_a_clean_document_is_never_touched():
    text = (
        "Rådet for Socialt Udsatte holdt dialogmøde for de lokale udsatteråd. Vi far vild, "
        "mode og made er også danske ord, og han bade sig før mødet. Formalet er i orden."
    )
    res = clean_text(text)
    assert res.text == text and res.corrections == []


@requires_seeds
@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name[:3])
def test_seeds_get_no_ocr_corrections(path):
    res = clean_text(path.read_text(encoding="utf-8"))
    assert not [c for c in res.corrections if c.rule.startswith("ocr")]
    assert not estimate_damage(path.read_text(encoding="utf-8")).damaged


def test_corpora_rows_get_no_ocr_corrections():
    rows = []
    for tsv in sorted((ROOT / "corpora").glob("*/inputs.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            rows += [r["input"] for r in csv.DictReader(fh, delimiter="\t") if r.get("input")]
    assert len(rows) > 100
    changed = [(row, c) for row in rows for c in clean_text(row).corrections if c.rule.startswith("ocr")]
    assert changed == []


# --------------------------------------------------------------- idempotence
WORDS = (
    "rådet mødet på for før far får made måde bade både og i at det er en til kommunen hjælp "
    "hjemløse væresteder KL SKP 2014 pa mgdet hgring radgivning vaeresteder fzelles Detvar itide "
    "Iokale sp@rgeskema h0jt e o | • - Vi har"
).split()
danish_like = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", " ", "\n", ". ", ", ", "\n\n"])),
    max_size=40,
).map(lambda parts: "".join(w + sep for w, sep in parts))


@settings(max_examples=150, deadline=None)
@given(danish_like)
def test_cleaning_danish_like_text_is_idempotent(text):
    once = clean_text(text).text
    assert clean_text(once).text == once


def test_speed_after_loading(benchmark_text=None):
    import time

    lexicon()
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "dialogmoeder").glob("*.[tm][xd]*"))
    )
    clean_text(text)
    t = time.perf_counter()
    clean_text(text)
    assert len(text.encode()) / (time.perf_counter() - t) > 100_000  # generous: CI machines are busy


# ----------------------------------------------------------------------- CLI
def test_cli_clean_writes_text_and_corrections(tmp_path):
    from typer.testing import CliRunner

    from udsatte_nlp.cli import app

    src = tmp_path / "scan.txt"
    src.write_text(DAMAGED, encoding="utf-8")
    out, report = tmp_path / "out.txt", tmp_path / "rettelser.csv"
    result = CliRunner().invoke(app, ["clean", str(src), "-o", str(out), "--report", str(report), "-q"])
    assert result.exit_code == 0, result.output
    assert "hjemløshed" in out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {"position", "før", "efter", "regel", "sikkerhed"} <= set(rows[0])
    assert any(r["før"] == "hgre" and r["efter"] == "høre" and r["regel"] == "ocr" for r in rows)


def test_project_store_keeps_ocr_corrections(tmp_path, store):
    from udsatte_nlp.ingest import read
    from udsatte_nlp.pipeline import prepare

    src = tmp_path / "scan.txt"
    src.write_text(DAMAGED, encoding="utf-8")
    doc = read(src)
    text, corrections, units = prepare(doc)
    store.add_document(doc, text, corrections, units)
    rules = {row["rule"] for row in store.corrections()}
    assert {"ocr", "ocr-context"} <= rules


# ----------------------------------------------------------------------- PDF
def _scanned_pdf(lines: list[str], font=None) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1800, 120 + 110 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    font = font or ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * 110), line, font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=150)
    return buf.getvalue()


def test_scanned_pdf_without_tesseract_says_how_to_install(tmp_path, monkeypatch):
    from udsatte_nlp.ingest import ocr, read

    monkeypatch.setattr(ocr, "_tesseract_langs", lambda: None)
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scanned_pdf(["Opsamling"]))
    with pytest.raises(InputError) as err:
        read(path)
    assert "apt-get install tesseract-ocr tesseract-ocr-dan" in str(err.value)
    with pytest.raises(InputError) as err:
        read(path, ocr=True)
    assert "Tesseract" in str(err.value) and "tesseract-ocr-dan" in str(err.value)


def test_pdf_ocr_path_uses_tesseract_danish(tmp_path, monkeypatch):
    """The OCR path with a stand-in for tesseract: pages without text go through ``-l dan``."""
    from udsatte_nlp.ingest import ocr, pdf, read

    calls = []
    tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" + "".join(
        f"5\t1\t1\t1\t1\t{i}\t{100 + 90 * i}\t50\t80\t30\t95\t{w}\n" for i, w in enumerate("Rådet mødes før jul.".split())
    )

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout=tsv.encode(), stderr=b"")

    monkeypatch.setattr(ocr, "_tesseract_langs", lambda: ("dan", "eng"))
    monkeypatch.setattr(pdf, "_render_page", lambda data, number: [])
    monkeypatch.setattr(ocr.subprocess, "run", fake_run)
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scanned_pdf(["Opsamling"]))
    doc = read(path)
    assert doc.text == "Rådet mødes før jul."
    assert calls and calls[0][0] == "tesseract" and calls[0][-3:] == ["-l", "dan", "tsv"]
    assert any("OCR" in w for w in doc.warnings)


def _danish_font():
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, 40)
    return None


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_pdf_ocr_with_real_tesseract(tmp_path):
    from udsatte_nlp.ingest import ocr, read

    font = _danish_font()
    if font is None or not ocr.tesseract_available():
        pytest.skip("needs tesseract-ocr-dan and a font with æ/ø/å")
    lines = [
        "Opsamling på dialogmødet i Rådet for Socialt Udsatte",
        "Brugerne skal høres, før der træffes beslutninger.",
        "Væresteder med åbent om aftenen og også i weekenden.",
    ]
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scanned_pdf(lines, font))
    doc = read(path)
    words = set(doc.text.replace(",", " ").replace(".", " ").split())
    assert {"Rådet", "høres", "før", "træffes", "Væresteder", "åbent", "også"} <= words
    text = clean_text(doc.text).text
    assert "Rådet for Socialt Udsatte" in text
