from __future__ import annotations

import pytest

from udsatte_nlp.clean import clean_text
from udsatte_nlp.records import Row
from udsatte_nlp.segment import segment, segment_rows, split_sentences

from .conftest import SEEDS, requires_seeds


def texts(units):
    return [u.text for u in units]


def test_bullets_are_one_unit_each_with_the_heading_as_section():
    text = "1. Drømme om fremtiden\n\n• Flere boliger. Også til unge.\n• Bedre hjælp om\nnatten\n\nBekymringer:\n• Lange ventelister"
    units = segment(text)
    assert texts(units) == ["Flere boliger. Også til unge.", "Bedre hjælp om natten", "Lange ventelister"]
    assert [u.section for u in units] == ["1. Drømme om fremtiden"] * 2 + ["Bekymringer"]
    assert units[1].line_start == 4 and units[1].line_end == 5


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi talte bl.a. om boliger og fx misbrug.",
        "Der kom f.eks. ca. 40 deltagere, evt. flere.",
        "Mødet var d. 8. juni kl. 10 i lokale nr. 3 pga. vejret.",
        "Det gælder boformer efter § 110 mv. og m.v. jf. loven.",
    ],
)
def test_abbreviations_never_end_a_sentence(sentence):
    text = f"{sentence} Næste sætning står her."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [sentence, "Næste sætning står her."]


def test_prose_becomes_sentences_with_line_provenance():
    units = segment("Overskrift\n\nFørste sætning. Anden sætning!\nTredje sætning?")
    assert texts(units) == ["Første sætning.", "Anden sætning!", "Tredje sætning?"]
    assert all(u.section == "Overskrift" and u.kind == "sentence" for u in units)
    assert units[2].line_start == 4


def test_pages_are_recorded():
    units = segment("Side et har en sætning.\fSide to har en anden sætning.")
    assert [u.page for u in units] == [1, 2]


def test_rows_are_units_with_metadata_and_group_section():
    rows = [Row("Flere boliger", {"gruppe": "Bord 1", "år": 2025}, 2), Row("  ", {}, 3)]
    units = segment_rows(rows, ["Flere boliger", ""])
    assert len(units) == 1
    assert units[0].kind == "row" and units[0].section == "Bord 1" and units[0].metadata["år"] == 2025


@requires_seeds
def test_seed_2013_bullets_after_opsamling_are_one_unit_each():
    path = next(SEEDS.glob("001_*.txt"))
    raw = path.read_text(encoding="utf-8")
    units = segment(clean_text(raw).text)
    listed = [u for u in units if u.section == "I opsamlingen blev nævnt, at"]
    raw_bullets = []
    for line in raw.split("I opsamlingen blev nævnt, at:")[1].strip().splitlines():
        if not line.strip().startswith("•"):
            break
        raw_bullets.append(line)
    assert len(listed) == len(raw_bullets) == 14
    assert all(u.kind == "bullet" for u in listed)
    assert listed[0].text.startswith("Der er brug for en opsøgende indsats") and listed[0].text.endswith("behandlingen.")
