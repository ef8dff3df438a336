from __future__ import annotations

import pytest

from udsatte_nlp.clean import clean_text
from udsatte_nlp.lang import ABBREVIATIONS
from udsatte_nlp.records import Row
from udsatte_nlp.segment import chrome_key, duplicate_key, segment, segment_rows, site_chrome, split_sentences

from .conftest import CORPORA, SEEDS, requires_seeds, seed_files


def texts(units):
    return [u.text for u in units]


def sections(units):
    return [u.section for u in units]


# ------------------------------------------------------------------ bullets
def test_bullets_are_one_unit_each_with_the_heading_as_section():
    text = "1. Drømme om fremtiden\n\n• Flere boliger. Også til unge.\n• Bedre hjælp om\nnatten\n\nBekymringer:\n• Lange ventelister"
    units = segment(text)
    assert texts(units) == ["Flere boliger. Også til unge.", "Bedre hjælp om natten", "Lange ventelister"]
    assert sections(units) == ["1. Drømme om fremtiden"] * 2 + ["Bekymringer"]
    assert units[1].line_start == 4 and units[1].line_end == 5
    assert all(u.kind == "bullet" for u in units)


def test_a_bullet_wrapped_before_a_capitalised_word_stays_one_unit():
    text = "Ønsker:\n• Bedre samarbejde med\nRådet for Socialt Udsatte og\nKommunen\n• Flere boliger,\nOgså til unge"
    assert texts(segment(text)) == [
        "Bedre samarbejde med Rådet for Socialt Udsatte og Kommunen",
        "Flere boliger, Også til unge",
    ]


def test_indented_continuation_and_sub_bullets():
    text = "Forklaringer:\n• Ændringer i praksis\n  Det gælder især budgettet.\no Politiske valg\no Saglige ændringer"
    assert texts(segment(text)) == [
        "Ændringer i praksis Det gælder især budgettet.",
        "Politiske valg",
        "Saglige ændringer",
    ]


def test_a_paragraph_after_a_list_is_not_swallowed_and_returns_to_the_heading():
    # Word documents arrive one paragraph per line, with no blank lines
    text = (
        "2. Bolig\n"
        "Boligen var et stort tema. Mange nævnte ventetiden.\n"
        "Bekymringerne var bl.a.:\n"
        "• For få billige boliger\n"
        "• At bostøtten stopper for tidligt\n"
        "Rådet følger udviklingen tæt."
    )
    units = segment(text)
    assert texts(units) == [
        "Boligen var et stort tema.",
        "Mange nævnte ventetiden.",
        "For få billige boliger",
        "At bostøtten stopper for tidligt",
        "Rådet følger udviklingen tæt.",
    ]
    assert sections(units) == ["2. Bolig"] * 2 + ["Bekymringerne var bl.a."] * 2 + ["2. Bolig"]
    assert [u.kind for u in units] == ["sentence", "sentence", "bullet", "bullet", "sentence"]


def test_the_last_sentence_of_a_paragraph_ending_in_colon_introduces_the_list():
    text = "Der kan være mange deltagere. Det kan fx være følgende grupper:\n\n• Borgere\n• Politikere"
    units = segment(text)
    assert texts(units) == ["Der kan være mange deltagere.", "Borgere", "Politikere"]
    assert units[1].section == "Det kan fx være følgende grupper"


def test_numbered_lines_are_items_together_and_a_heading_alone():
    units = segment("Forslag\n1. Flere boliger\n2. Bedre hjælp\n3. Kortere ventetid")
    assert texts(units) == ["1. Flere boliger", "2. Bedre hjælp", "3. Kortere ventetid"]
    assert sections(units) == ["Forslag"] * 3
    units = segment("3. Drømme om et sted at bo\n\nBoligen var et vigtigt tema i år.")
    assert texts(units) == ["Boligen var et vigtigt tema i år."]
    assert units[0].section == "3. Drømme om et sted at bo"


def test_post_its_one_per_line_without_bullets_are_units():
    units = segment("Flere boliger\nBedre hjælp om natten\nKortere ventetid\nMere tid til samtalen\nGratis psykolog")
    assert len(units) == 5 and units[1].text == "Bedre hjælp om natten"
    assert texts(segment("Flere boliger\nBedre hjælp")) == ["Flere boliger", "Bedre hjælp"]


# ----------------------------------------------------------------- headings
def test_title_lines_become_one_section_and_a_dash_subtitle_is_part_of_it():
    text = "Opsamling\nDialogmøde mellem lokale udsatteråd 2016\n- Brugerinddragelse på programmet\n\nÅrets møde var godt. Vi talte om meget."
    units = segment(clean_text(text).text)
    assert texts(units) == ["Årets møde var godt.", "Vi talte om meget."]
    assert units[0].section == "Opsamling – Dialogmøde mellem lokale udsatteråd 2016 – Brugerinddragelse på programmet"


def test_short_questions_over_a_paragraph_are_headings_but_questions_in_prose_are_not():
    text = (
        "Hvad er et udsatteråd?\n"
        "Et lokalt udsatteråd skaber dialog mellem borgere, kommune og politikere om forholdene for udsatte.\n\n"
        "Vi spurgte: Hvem svarer ikke? Hvilke andre udfordringer kan der være? Det ved vi ikke endnu."
    )
    units = segment(text)
    assert units[0].section == "Hvad er et udsatteråd?"
    assert "Hvad er et udsatteråd?" not in texts(units)
    assert "Hvilke andre udfordringer kan der være?" in texts(units)


def test_markdown_headings():
    units = segment("# Opsamling\n\n## 1. Økonomi\n\nPriserne stiger.")
    assert texts(units) == ["Priserne stiger."] and units[0].section == "1. Økonomi"


def test_table_rows_are_units_and_a_header_row_is_not():
    units = segment("Spørgsmål | Svar\nSted | Borgernes Hus, Odense\nAntal deltagere | 34")
    assert texts(units) == ["Sted | Borgernes Hus, Odense", "Antal deltagere | 34"]
    assert {u.kind for u in units} == {"row"}


# ------------------------------------------------------------------- prose
@pytest.mark.parametrize(
    "sentence",
    [
        "Vi talte bl.a. om boliger og fx misbrug.",
        "Der kom f.eks. ca. 40 deltagere, evt. flere.",
        "Mødet var d. 8. juni kl. 10 i lokale nr. 3 pga. vejret.",
        "Det gælder boformer efter § 110 mv. og m.v. jf. loven.",
        "Bl.a. Rådet, Pga. Corona og Jf. Loven nævnes, f.eks. Odense.",
        "Mødet sluttede kl. 10.30 i lokale nr. 3.",
    ],
)
def test_abbreviations_never_end_a_sentence(sentence):
    text = f"{sentence} Næste sætning står her."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [sentence, "Næste sætning står her."]


def test_sentences_keep_their_quotes_and_end_after_numbers():
    text = "Det skete i 2013. Rapporten hed ’SUSY UDSAT.’ Hun sagde: \"Nej.\" Og så gik hun."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Det skete i 2013.",
        "Rapporten hed ’SUSY UDSAT.’",
        'Hun sagde: "Nej."',
        "Og så gik hun.",
    ]


def test_prose_becomes_sentences_with_line_and_character_provenance():
    text = "Overskrift\n\nFørste sætning. Anden sætning!\nTredje sætning?"
    units = segment(text)
    assert texts(units) == ["Første sætning.", "Anden sætning!", "Tredje sætning?"]
    assert all(u.section == "Overskrift" and u.kind == "sentence" for u in units)
    assert units[2].line_start == 4
    assert [text[u.start : u.end] for u in units] == texts(units)


def test_paragraph_mode_keeps_paragraphs_whole():
    units = segment("Første sætning. Anden sætning.\n\nTredje.", prose="paragraph")
    assert texts(units) == ["Første sætning. Anden sætning.", "Tredje."]
    assert {u.kind for u in units} == {"paragraph"}
    with pytest.raises(ValueError):
        segment("x", prose="words")


def test_pages_are_recorded_and_a_sentence_may_run_over_a_page_break():
    units = segment("Side et har en sætning.\fSide to har en anden sætning.")
    assert [u.page for u in units] == [1, 2]
    text = "Overskrift\n\nDen første sætning fortsætter\f\nover på side to. Så en ny."
    units = segment(text)
    assert texts(units) == ["Den første sætning fortsætter over på side to.", "Så en ny."]
    assert [(u.page, u.line_start, u.line_end) for u in units] == [(1, 3, 5), (2, 5, 5)]


def test_rows_are_units_with_metadata_and_group_section():
    rows = [Row("Flere boliger", {"gruppe": "Bord 1", "år": 2025}, 2), Row("  ", {}, 3)]
    units = segment_rows(rows, ["Flere boliger", ""])
    assert len(units) == 1
    assert units[0].kind == "row" and units[0].section == "Bord 1" and units[0].metadata["år"] == 2025


# ------------------------------------------------------------------ debris
@pytest.mark.parametrize(
    "debris",
    [
        "Gå direkte til indhold",
        "• icon-quote-start Et godt liv icon-quote-end Kvinde, 27 år",
        "icon-mouse-scroll",
        "Forside | Om Rådet | Nyheder | Kontakt",
        "Forside › Temaer › Bolig og hjemløshed",
        "Del på Facebook",
        "Tilbage til toppen",
        "17. jun. 2014",
        "Onsdag d. 4. juni 2014",
    ],
)
def test_web_debris_is_neither_unit_nor_section(debris):
    units = segment(f"Overskrift\n\n{debris}\n\nRådet holdt møde i Odense.")
    assert texts(units) == ["Rådet holdt møde i Odense."]
    assert units[0].section == "Overskrift"


def test_site_chrome_repeated_at_the_top_of_scraped_pages_is_dropped():
    a = "Gå direkte til indhold\n • Et godt liv som alle andre Kvinde, 27 år\n\nMøde 1\n\nRådet holdt møde i Odense."
    b = "• icon-quote-start Et godt liv som alle andre icon-quote-end Kvinde, 27 år\n\nMøde 2\n\nVi talte om boliger."
    chrome = site_chrome([a, b])
    assert chrome_key("• Et godt liv som alle andre Kvinde, 27 år") in chrome
    units = segment(clean_text(a).text, chrome=chrome)
    assert texts(units) == ["Rådet holdt møde i Odense."]
    assert "Et godt liv" in " ".join(texts(segment(clean_text(a).text)))  # without chrome it would be a unit
    assert not site_chrome([a])  # one document proves nothing
    # two workshop files that start with the same post-it are not web pages: keep it
    c, d = "• Flere boliger til unge nu\n• Mere hjælp", "• Flere boliger til unge nu\n• Bedre hjælp"
    assert not site_chrome([c, d]) and site_chrome([c, d], scraped_only=False)


# -------------------------------------------------------------- duplicates
def test_duplicate_key_ignores_case_punctuation_and_spacing():
    assert duplicate_key("Tale MED folk og ikke OM dem!") == duplicate_key("tale med folk  og ikke om dem")
    assert duplicate_key("Flere boliger") != duplicate_key("Flere boliger til unge")


def test_store_links_exact_and_near_duplicates_without_dropping_them(store):
    from udsatte_nlp.records import Document

    def doc(name, text):
        return Document(path=name, format="txt", text=text, sha256=name)

    a = doc("a.txt", "x")
    units_a = segment("Ønsker:\n• Tale MED folk og ikke OM dem!\n• Flere boliger")
    store.add_document(a, "x", [], units_a)
    b = doc("b.txt", "y")
    units_b = segment("Ønsker:\n• tale med folk og ikke om dem\n• Flere boliger\n• Flere boliger til unge")
    store.add_document(b, "y", [], units_b)
    rows = store.units()
    assert [r["text"] for r in rows] == texts(units_a) + texts(units_b)  # nothing dropped
    ids = [r["id"] for r in rows]
    assert [r["duplicate_of"] for r in rows] == [None, None, ids[0], ids[1], None]
    assert store.info()["duplicates"] == 2


# -------------------------------------------------------------------- seeds
def _seed(prefix):
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@requires_seeds
def test_seed_2013_bullets_after_opsamling_are_one_unit_each():
    raw = _seed("001").read_text(encoding="utf-8")
    units = segment(clean_text(raw).text)
    listed = [u for u in units if u.section == "I opsamlingen blev nævnt, at"]
    raw_bullets = []
    for line in raw.split("I opsamlingen blev nævnt, at:")[1].strip().splitlines():
        if not line.strip().startswith("•"):
            break
        raw_bullets.append(" ".join(line.strip().lstrip("•").split()))
    assert len(listed) == len(raw_bullets) == 14
    assert all(u.kind == "bullet" for u in listed)
    assert texts(listed) == raw_bullets
    assert [u.line_start for u in listed] == list(range(listed[0].line_start, listed[0].line_start + 14))


@requires_seeds
def test_seeds_have_no_web_debris_units_and_no_sentence_cut_at_an_abbreviation():
    from udsatte_nlp.ingest import read
    from udsatte_nlp.pipeline import prepare

    docs = [read(p) for p in seed_files()]
    chrome = site_chrome(d.text for d in docs)
    all_units = []
    for d in docs:
        clean, _, units = prepare(d, chrome=chrome)
        assert units, d.path
        for u in units:
            assert " ".join(clean[u.start : u.end].split()) == u.text  # exact provenance
        all_units += units
    joined = "\n".join(texts(all_units) + [u.section or "" for u in all_units])
    for debris in ("icon-", "Gå direkte til indhold", "Jeg vil gerne have et almindeligt liv", "17. jun. 2014"):
        assert debris not in joined
    for u, nxt in zip(all_units, all_units[1:], strict=False):
        # a sentence followed by another from the same paragraph must not end at an abbreviation
        if u.kind == nxt.kind == "sentence" and u.line_start == nxt.line_start:
            assert u.text.split()[-1].lower().rstrip(".") not in ABBREVIATIONS, u.text
    for u in all_units:
        assert not u.text[0].islower(), u.text  # a sentence cut after an abbreviation would start in lower case
    # the abbreviations are there, inside sentences
    for abbr in ("bl.a.", "f.eks.", "d. 8. juni", "m.v.", "fx"):
        assert any(abbr in u.text and not u.text.endswith(abbr) for u in all_units), abbr


@requires_seeds
def test_each_seed_note_gets_the_year_of_its_own_date():
    from udsatte_nlp.ingest import read

    years = {p.name[:3]: read(p).year for p in seed_files()}
    assert years == {"000": 2014, "001": 2013, "002": 2016, "003": 2020}


@requires_seeds
def test_seed_headings_become_sections():
    units = segment(clean_text(_seed("003").read_text(encoding="utf-8")).text)
    assert "Hvad er et udsatteråd?" in sections(units)
    assert "Hvad er et udsatteråd?" not in texts(units)
    members = [u for u in units if u.section and u.section.startswith("I Gentofte kan det være relevant")]
    assert len(members) == 19 and members[-1].text == "Børns Vilkår"


def test_plancher_docx_gives_one_unit_per_post_it():
    from udsatte_nlp.ingest import read
    from udsatte_nlp.pipeline import prepare

    gold = (CORPORA / "landspanel-2025" / "inputs.tsv").read_text(encoding="utf-8").splitlines()[1:]
    _, _, units = prepare(read(CORPORA / "landspanel-2025" / "plancher-2025.docx"))
    bullets = [u for u in units if u.kind == "bullet"]
    assert sorted(texts(bullets)) == sorted(line.split("\t")[-1] for line in gold)
    assert {u.section for u in bullets} == {f"Bord {b} – {t}" for b in range(1, 7) for t in ("drømme", "bekymringer")}
