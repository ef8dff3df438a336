"""Pseudonymisation of names, CPR numbers, phone numbers and e-mail addresses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from udsatte_nlp.privacy import Pseudonymiser, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def p():
    load_lexicon()
    return Pseudonymiser


def persons(text: str) -> list[str]:
    return [s.text for s in Pseudonymiser().find(text) if s.kind == "person"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # inside a sentence, with Danish letters
        ("Mødet blev åbnet af Jørgen Østergård, som bød velkommen.", ["Jørgen Østergård"]),
        ("Vi sendte referatet til Søren Bach og Åse Bjørnskov i går.", ["Søren Bach", "Åse Bjørnskov"]),
        ("Det sagde Jesper Lund Madsen, formand for rådet.", ["Jesper Lund Madsen"]),
        ("Ifølge Flemming er ventetiden blevet længere.", ["Flemming"]),
        # at the start of a sentence
        ("Jørgen åbnede mødet. Mette fortalte om sin vej ud af misbruget.", ["Jørgen", "Mette"]),
        ("Østergård sagde, at kommunen burde lytte.", ["Østergård"]),
        ("Hansen mente, at reglerne var for stramme.", ["Hansen"]),
        # after a title, genitive, lower case, first names that are also words
        ("Formand Østergård mindede om, at rådet er uafhængigt.", ["Østergård"]),
        ("Det var Jørgens idé at holde åbent om aftenen.", ["Jørgen"]),
        ("spørg jørgen om nøglen til værestedet", ["jørgen"]),
        ("Både Per Madsen og Bo Lind kom.", ["Per Madsen", "Bo Lind"]),
        ("Undervejs spurgte Kaj, om nogen havde prøvet det.", ["Kaj"]),
    ],
)
def test_names_are_found(p, text, names):
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Dialogmødet blev holdt i Odense den 30. maj 2024.",
        "Rådet for Socialt Udsatte mødtes med de lokale udsatteråd i Kolding.",
        "Housing First virker, når der er boliger nok.",
        "Blå Kors og Kirkens Korshær driver herbergerne i Aarhus.",
        "Socialstyrelsen har udgivet en ny vejledning om § 110.",
        "Alle borde skrev drømme og bekymringer på plancherne.",
        "Bo i egen bolig med støtte er det bedste for de fleste.",
        "Per person er der afsat 2.500 kr. om måneden.",
        "Hans bror har været hjemløs i flere år.",
        "Sankt Hans fejres på værestedet med bål.",
        "SAND og LAP deltog i høringen om den nye lov.",
        "Tallene for 2022 2023 viser en stigning.",
        "Ansøgningsfristen er 010203, og regnskabet viser 1234567890 kr.",
        "CVR-nr. 29189838 står på fakturaen.",
    ],
)
def test_places_organisations_vocabulary_and_numbers_are_left_alone(p, text):
    assert Pseudonymiser()(text) == text


def test_placeholders_are_stable_and_short_forms_join_the_full_name(p):
    texts = [
        "Østergård takkede for fremmødet.",
        "Formand Jørgen Østergård åbnede mødet, og Mette Thygesen tog referat.",
        "Bagefter talte Jørgen med Mette om budgettet.",
    ]
    ps = p().learn(texts)
    assert [ps(t) for t in texts] == [
        "[Person 1] takkede for fremmødet.",
        "Formand [Person 1] åbnede mødet, og [Person 2] tog referat.",
        "Bagefter talte [Person 1] med [Person 2] om budgettet.",
    ]
    assert ps("jørgen") == "[Person 1]"  # a lower-case keyword of a known name
    assert ps("Ny deltager: Karina Find.") == "Ny deltager: [Person 3]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CPR 120385-1234 og 0101901234.", "CPR [CPR] og [CPR]."),
        ("Født 290288-1235 (skudår) men ikke 300288-1235 eller 320199-1234.",
         "Født [CPR] (skudår) men ikke 300288-1235 eller 320199-1234."),
        ("Ring 28 91 47 06, 2891 4706, 28914706 eller +45 28 91 47 06.",
         "Ring [Telefon], [Telefon], [Telefon] eller [Telefon]."),
        ("Tlf. (+45) 86 12 34 56 / 0045 40 50 60 70 / 12.345.678 kr.", "Tlf. [Telefon] / [Telefon] / 12.345.678 kr."),
        ("Skriv til rasmus.kjaer@eksempel.dk eller Bo.Lind@kommune-eksempel.dk.", "Skriv til [E-mail] eller [E-mail]."),
    ],
)  # fmt: skip
def test_cpr_phone_and_email(p, text, expected):
    assert Pseudonymiser()(text) == expected


def test_capitals_are_read_as_names_only_in_shouted_text(p):
    assert Pseudonymiser()("KURT SIGER AT DER MANGLER SKÆVE BOLIGER") == "[Person 1] SIGER AT DER MANGLER SKÆVE BOLIGER"
    assert persons("Oplæg ved SUSY UDSAT om brugerinddragelse i kommunerne.") == []


def test_benchmark_sets_keep_their_precision_and_recall(p):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import pseudonymise as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for path in (bench.DATA, bench.HELDOUT):
        items = bench.load(path)
        assert len(items) >= 40
        scores = bench.evaluate(items=items)
        assert scores["all"]["precision"] >= 0.95 and scores["all"]["recall"] >= 0.9, (path.name, scores["all"])


def test_long_documents_are_fast(p):
    import time

    text = "Jørgen Østergård fra Odense ringede på 28 91 47 06 og skrev til j@eksempel.dk. " * 1500
    start = time.perf_counter()
    out = Pseudonymiser()(text)
    assert time.perf_counter() - start < 5  # linear, ~0.3 s here
    assert out.count("[Person 1]") == 1500 and "Jørgen" not in out and out.count("Odense") == 1500
