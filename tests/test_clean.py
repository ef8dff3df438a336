from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udsatte_nlp.clean import Cleaner, clean_text
from udsatte_nlp.clean.steps import boilerplate, bullets, dehyphenate, mojibake, normalise, reflow

from .conftest import requires_seeds, seed_files

WORD = re.compile(r"\w+")


def test_normalise_nfc_spaces_and_blank_lines():
    text = "A\u030angstrom\u00a0og\tfoo  \r\n\n\n\nbar\u00ad\u200b"
    res = normalise(text)
    assert res.text == "Ångstrom og foo\n\nbar"
    assert {"unicode-nfc", "whitespace", "invisible-char"} <= {c.rule for c in res.corrections}


def test_mojibake_is_repaired_and_recorded():
    res = mojibake("Den fÃ¸rste hÃ¸ring pÃ¥ Ã¥rets mÃ¸de\nuændret linje")
    assert res.text == "Den første høring på årets møde\nuændret linje"
    befores = {c.before for c in res.corrections}
    assert "fÃ¸rste" in befores and all(c.rule == "mojibake" for c in res.corrections)


def test_mojibake_leaves_good_danish_alone():
    text = "Rådet for Socialt Udsatte – “citat” og ’enkelt’ … æøå ÆØÅ"
    assert mojibake(text).text == text
    assert mojibake(text).corrections == []


def test_boilerplate_web_debris():
    text = "Gå direkte til indhold\nicon-mouse-scroll\n • icon-quote-start Citat icon-quote-end\nVi bruger cookies. Accepter alle\nRigtig tekst her."
    res = boilerplate(text)
    assert res.text == "Rigtig tekst her."
    assert all(c.rule == "boilerplate" for c in res.corrections)
    assert len(res.corrections) == 4


def test_boilerplate_running_headers_and_page_numbers():
    bodies = ["Første side handler om boliger.", "Anden side om misbrug.", "Tredje om job.", "Fjerde om sundhed."]
    pages = [f"Udsatterådet Vejle – referat\n{body}\nMere tekst {i} her.\nSide {i} af 4" for i, body in enumerate(bodies, 1)]
    res = boilerplate("\f".join(pages))
    assert "referat" not in res.text and "af 4" not in res.text
    assert all(body in res.text for body in bodies)
    assert res.text.count("\f") == 3


def test_dehyphenate_joins_broken_words_but_keeps_real_hyphens():
    assert dehyphenate("en opsø-\ngende indsats").text == "en opsøgende indsats"
    assert dehyphenate("social-\nog sundhedsområdet").text == "social-\nog sundhedsområdet"
    assert dehyphenate("SKP-\nordningen").text == "SKP-\nordningen"


def test_bullets_one_form_one_item_per_line():
    res = bullets("- et\n* to\n– tre\n\uf0b7 fire\n• fem • seks")
    assert res.text.splitlines() == ["• et", "• to", "• tre", "• fire", "• fem", "• seks"]


def test_reflow_joins_lines_broken_inside_a_sentence():
    assert reflow("Der er brug for en\nopsøgende indsats.\nNy sætning.").text == (
        "Der er brug for en opsøgende indsats.\nNy sætning."
    )
    assert reflow("Overskrift:\nliste").text == "Overskrift:\nliste"


def test_cleaner_is_a_chain_of_steps():
    cleaner = Cleaner([normalise, bullets])
    assert "normalise" in repr(cleaner)
    assert cleaner("-  a").text == "• a"


@requires_seeds
@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name[:3])
def test_seed_words_unchanged_apart_from_boilerplate(path):
    text = path.read_text(encoding="utf-8")
    res = clean_text(text)
    removed = " ".join(c.before for c in res.corrections if c.rule == "boilerplate")
    expected = WORD.findall(text)
    for w in WORD.findall(removed):
        expected.remove(w)
    assert WORD.findall(res.text) == expected
    assert {c.rule for c in res.corrections} <= {"whitespace", "boilerplate", "bullet", "reflow"}


danish_text = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ .,:;-–•*\n\t\u00a0ÃƒÂ¸\u00ad\f")),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(danish_text)
def test_cleaning_is_idempotent_and_never_crashes(text):
    once = clean_text(text).text
    assert clean_text(once).text == once


def test_mojibake_quick_check_still_catches_every_kind():
    # cp1252 punctuation read as UTF-8 bytes, double-encoded letters and Latin ligatures
    res = mojibake("â€œCitatâ€\x9d og Ã¦ndringer\nde ﬁre rÃ¥d")
    assert res.text == "“Citat” og ændringer\nde fire råd"
    text = "Ære være Åse – «citat» og Øster Ålum; 20 °C, ½ år"
    assert mojibake(text).text == text


def test_cleaner_chain_includes_ocr_steps_in_order():
    from udsatte_nlp.clean import DEFAULT_STEPS

    names = [s.__name__ for s in DEFAULT_STEPS]
    assert names.index("ocr_markers") < names.index("bullets") < names.index("reflow") < names.index("ocr_repair")
