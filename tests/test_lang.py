from __future__ import annotations

import pickle
import time

import pytest

from udsatte_nlp import lang


@pytest.fixture(scope="module")
def table():
    return lang._lemma_table()


# ------------------------------------------------------------------ lemmas
def test_domain_fixes_correct_real_errors_of_the_lookup_table(table):
    # every fix changes what the table says (the table is not silently right already) ...
    for form, fixed in lang.LEMMA_FIXES.items():
        assert lang.lemma(form) == fixed, form
        raw = table.get(form)
        assert raw is None or raw != fixed or form == fixed, form
    # ... and the headline case: the noun "udsatte" is not the verb "udsætte" (to postpone)
    assert table.get("udsatte") == "udsætte"
    assert lang.lemma("udsatte") == lang.lemma("udsat") == lang.lemma("Udsattes") == "udsat"
    assert lang.lemma("udsætte") == "udsætte"
    assert table.get("borger") == "borge" and lang.lemma("borger") == lang.lemma("borgerne") == "borger"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("boligerne", "bolig"),
        ("Kommunerne", "kommune"),
        ("sagsbehandlere", "sagsbehandler"),
        ("værestederne", "værested"),
        ("børn", "barn"),
        ("Ældre", "ældre"),
        ("udsatterådene", "udsatteråd"),  # compound missing from the table
        ("hjemløsestrategien", "hjemløsestrategi"),
        ("udsattebudgetter", "udsattebudget"),  # compound whose tail needs a fix
        ("hjemløses", "hjemløs"),  # genitive
        ("BDO-undersøgelsen", "bdo-undersøgelse"),
        ("rekordmange", "rekordmange"),  # no split into "rekord" + a stop word
        ("xyzzy", "xyzzy"),
    ],
)
def test_lemma(form, expected):
    assert lang.lemma(form) == expected


def test_lemmatize_keeps_stop_words_and_drops_numbers_and_punctuation():
    assert lang.lemmatize("De udsatte boede på herbergerne i 2013, jf. § 110-botilbuddene.") == [
        "de", "udsat", "bo", "på", "herberg", "i", "jf", "botilbud",
    ]  # fmt: skip


def test_the_spacy_pipeline_has_sentences_and_lemmas():
    nlp = lang.nlp()
    assert nlp.pipe_names == ["da_sentencizer", "da_lemmatizer"]
    doc = nlp("Socialt udsatte mangler bl.a. boliger. Det siger rådene.")
    assert [s.text for s in doc.sents] == ["Socialt udsatte mangler bl.a. boliger.", "Det siger rådene."]
    assert [t.lemma_ for t in doc if t.is_alpha] == ["social", "udsat", "mangle", "bolig", "det", "sige", "råd"]
    assert lang.nlp() is nlp  # cached


# -------------------------------------------------------------- stop words
def test_stop_words():
    stops = lang.stop_words()
    assert {"og", "skal", "skulle", "fx", "mere", "både", "nr", "bl.a"} <= stops
    assert not {"bolig", "tidlig", "udsat", "hjemløs", "psykiatri"} & stops
    assert all(w == w.lower() for w in stops)


# --------------------------------------------------------------- analyzer
def test_keyword_analyzer_gives_lower_case_content_lemmas_with_danish_letters():
    analyze = lang.keyword_analyzer()
    assert analyze("Socialt UDSATTE borgere skal have flere boliger, fx i Århus, og tidlig indsats!") == [
        "social", "udsat", "borger", "bolig", "århus", "tidlig", "indsats",
    ]  # fmt: skip
    assert analyze("Og så 42 % … men det er jo godt") == []
    assert analyze("Ældre sårbare børn") == ["ældre", "sårbar", "barn"]
    extra = lang.keyword_analyzer(extra_stop_words=["Århus"])
    assert "århus" not in extra("Boliger i Århus")


def test_keyword_analyzer_works_in_count_vectorizer_and_pickles():
    from sklearn.feature_extraction.text import CountVectorizer

    analyzer = pickle.loads(pickle.dumps(lang.keyword_analyzer()))
    cv = CountVectorizer(analyzer=analyzer)
    m = cv.fit_transform(["Flere boliger til de hjemløse", "En bolig til en hjemløs", "Udsatte unge"])
    assert list(cv.get_feature_names_out()) == ["bolig", "hjemløs", "udsat", "unge"]
    assert m.toarray().tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]]


def test_keyword_analyzer_is_fast_on_thousands_of_texts():
    analyze = lang.keyword_analyzer()
    analyze("opvarmning")
    texts = [f"Borger nr. {i} mangler en bolig og hjælp fra sagsbehandleren i kommune {i % 98}." for i in range(5000)]
    t = time.perf_counter()
    out = [analyze(t) for t in texts]
    elapsed = time.perf_counter() - t
    assert out[0] == ["borger", "mangle", "bolig", "hjælp", "sagsbehandler", "kommune"]
    assert elapsed < 5.0, elapsed  # about 0.3 s here; a pipeline rebuilt per call would take hours


# -------------------------------------------------------------- sentences
def test_sentence_spans():
    text = "Mødet var d. 8. juni kl. 10. Vi talte bl.a. om § 110 mv. Det gør man. «Nej.» Hvorfor? Fordi."
    assert lang.sentences(text) == [
        "Mødet var d. 8. juni kl. 10.",
        "Vi talte bl.a. om § 110 mv. Det gør man.",
        "«Nej.»",
        "Hvorfor?",
        "Fordi.",
    ]
    assert lang.sentence_spans("   ") == []
