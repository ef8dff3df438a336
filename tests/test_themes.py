from __future__ import annotations

import re

import numpy as np
import pytest

from udsatte_nlp.embed import LexicalEmbedder
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.themes import OUTLIER_LABEL, ThemeModel, parse_codebook
from udsatte_nlp.themes.codebook import CodebookTheme
from udsatte_nlp.themes.labels import danish_stop_words, make_label, theme_keywords

TOPICS = {
    "bolig": [
        "Flere billige boliger til hjemløse",
        "Hjemløse skal have en bolig først",
        "Mangel på små billige boliger i byen",
        "En bolig er grundlaget for alt andet",
        "Ventetid på en bolig er alt for lang",
        "Billige boliger til unge hjemløse",
        "Boligstøtte så man kan blive boende",
    ],
    "respekt": [
        "Sagsbehandleren skal lytte og vise respekt",
        "Man skal mødes med respekt på kommunen",
        "Borgeren skal ses som et helt menneske med respekt",
        "Respekt og værdighed i mødet med systemet",
        "Mere respekt og mindre mistillid fra sagsbehandleren",
        "At blive mødt med værdighed og respekt",
        "Respekt for at livet ikke passer i skemaer",
    ],
    "misbrug": [
        "Hurtigere misbrugsbehandling uden ventetid",
        "Behandling for misbrug skal starte med det samme",
        "Ventelister til misbrugsbehandling er for lange",
        "Misbrug og psykiatri skal behandles samtidig",
        "Døgnbehandling for misbrug til dem der har brug for det",
        "Misbrugsbehandling også om aftenen",
    ],
}
TEXTS = [t for ts in TOPICS.values() for t in ts]
GOLD = [k for k, ts in TOPICS.items() for _ in ts]


@pytest.fixture(scope="module")
def X():
    return LexicalEmbedder(512).encode(TEXTS)


def test_sklearn_conventions(X):
    model = ThemeModel(n_themes=3, seed=1)
    assert model.get_params() if hasattr(model, "get_params") else True
    assert not hasattr(model, "labels_")
    assert model.fit(X, TEXTS) is model
    assert len(model.labels_) == len(TEXTS) and len(model.scores_) == len(TEXTS)
    assert all(0.0 <= s <= 1.0 for s in model.scores_)
    assert model.n_themes == 3  # fit never changes parameters


def test_recovers_clear_topics(X):
    from sklearn.metrics import adjusted_rand_score

    model = ThemeModel(n_themes=3, seed=0).fit(X, TEXTS)
    assert adjusted_rand_score(GOLD, model.labels_) > 0.6


def test_deterministic_same_input_same_seed(X):
    a = ThemeModel(seed=5).fit(X, TEXTS)
    b = ThemeModel(seed=5).fit(X.copy(), list(TEXTS))
    assert a.labels_.tolist() == b.labels_.tolist()
    assert [t.label for t in a.themes_] == [t.label for t in b.themes_]
    assert [t.keywords for t in a.themes_] == [t.keywords for t in b.themes_]
    assert [t.stability for t in a.themes_] == [t.stability for t in b.themes_]


def test_small_corpus_every_input_gets_a_theme(X):
    model = ThemeModel(seed=0).fit(X, TEXTS)  # 20 inputs, number of themes chosen from the data
    assert len(TEXTS) == 20
    assert 2 <= len(model.themes_) <= 5
    assert sum(t.size for t in model.themes_) == len(TEXTS)
    assert set(model.labels_.tolist()) == set(range(len(model.themes_)))
    for t in model.themes_:
        assert t.stability is None or 0.0 <= t.stability <= 1.0
        assert t.representatives and all(model.labels_[i] == t.id for i in t.representatives)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tiny_inputs(n):
    texts = TEXTS[:n]
    model = ThemeModel(seed=0).fit(LexicalEmbedder(64).encode(texts), texts)
    assert len(model.labels_) == n and len(model.themes_) >= 1


def test_empty_input_is_a_user_error():
    with pytest.raises(ConfigError):
        ThemeModel().fit(np.zeros((0, 4)), [])


def test_true_outliers_go_to_ovrige():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 32))
    X = np.vstack([c + 0.05 * rng.normal(size=(15, 32)) for c in centres] + [-centres.sum(0) * 3 + rng.normal(size=(2, 32))])
    texts = [f"input {i}" for i in range(len(X))]
    model = ThemeModel(n_themes=3, seed=0).fit(X, texts)
    labels = [t.label for t in model.themes_]
    assert OUTLIER_LABEL in labels
    out = labels.index(OUTLIER_LABEL)
    assert set(np.flatnonzero(model.labels_ == out).tolist()) == {45, 46}


def test_keywords_have_no_stop_words_and_keep_danish_letters(X):
    model = ThemeModel(n_themes=3, seed=0).fit(X, TEXTS)
    stop = danish_stop_words()
    for t in model.themes_:
        assert t.keywords
        assert not set(t.keywords) & stop
    words = {w for t in model.themes_ for w in t.keywords}
    assert any(re.search("[æøå]", w) for w in words)
    assert not any(w.startswith(("ndl", "rdighed")) for w in words)  # æ/ø/å never stripped from words


def test_labels_are_readable_and_distinct(X):
    model = ThemeModel(n_themes=3, seed=0).fit(X, TEXTS)
    labels = [t.label for t in model.themes_]
    assert len(set(labels)) == 3
    assert all(label[0].isupper() and len(label.split()) <= 4 for label in labels)
    joined = " ".join(labels).lower()
    assert "bolig" in joined and "respekt" in joined and "misbrug" in joined
    assert all(t.description for t in model.themes_)


def test_make_label_prefers_a_shared_phrase():
    members = ["Billige boliger til unge", "Flere billige boliger", "Billige boliger nu", "Mangel på billige boliger"]
    others = ["Respekt på kommunen", "Hurtig behandling", "Mere respekt"]
    assert make_label(members, members + others) == "Billige boliger"


def test_labels_are_noun_phrases_not_verbs():
    # "drøftet" (a participle) is as typical of the members as "ventelister", but a label names a matter
    members = ["Rådet drøftet ventelister", "Ventelister blev drøftet", "Drøftet: ventelister i psykiatrien",
               "Lange ventelister drøftet"]
    others = ["Respekt på kommunen", "Hurtig behandling", "Mere respekt"]
    label = make_label(members, members + others)
    assert "drøftet" not in label.lower() and "ventelister" in label.lower()
    # the keyword fallback puts nouns first too
    assert make_label(["a"], ["a", "b"], ["udskrive", "sagsnummer", "byrde"]) == "Sagsnummer og byrde"


def test_closed_class_words_are_not_keywords():
    kw = theme_keywords(["hjælp hos lægen", "hjælp hos lægen nu", "bolig til unge", "bolig til alle"], [0, 0, 1, 1], 5)
    assert "hos" not in kw[0] and "læge" in " ".join(kw[0])


def test_theme_keywords_ctfidf_is_distinctive():
    kw = theme_keywords(["bolig bolig hjemløs", "respekt respekt værdighed"], [0, 1], 2)
    assert kw[0][0].startswith("bolig") and kw[1][0] == "respekt"


# ---------------------------------------------------------------- codebooks
CODEBOOK = """
[[theme]]
name = "Bolig og hjemløshed"
description = "Boliger til hjemløse og mennesker med lav indkomst"
keywords = ["bolig", "hjemløse"]
examples = ["Flere billige boliger til hjemløse"]

[[theme]]
name = "Menneskesyn"
keywords = ["respekt", "værdighed"]

[[theme]]
name = "Misbrugsbehandling"
"""


def test_codebook_parses():
    cb = parse_codebook(CODEBOOK)
    assert [t.name for t in cb] == ["Bolig og hjemløshed", "Menneskesyn", "Misbrugsbehandling"]
    assert cb[0].examples == ("Flere billige boliger til hjemløse",) and cb[2].keywords == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "ikke gyldig TOML"),
        ("[[other]]\nname = 'x'", "ingen temaer"),
        ("[[theme]]\ndescription = 'x'", "mangler et navn"),
        ("[[theme]]\nname = 'A'\n[[theme]]\nname = 'a'", "to gange"),
        ("[[theme]]\nname = 'A'\nkeyword = ['x']", "ukendte felter"),
        ("[[theme]]\nname = 'A'\nkeywords = 3", "liste af tekster"),
        ("[[theme]]\nname = 'A'\ndescription = 3", "skal være tekst"),
    ],
)
def test_codebook_errors_are_one_clear_line(text, message):
    with pytest.raises(ConfigError) as err:
        parse_codebook(text, "kodebog.toml")
    line = str(err.value)
    assert "\n" not in line and message in line and line.startswith("kodebog.toml: ")


def test_guided_keeps_codebook_names_and_sorts_inputs(X):
    cb = parse_codebook(CODEBOOK)
    model = ThemeModel(codebook=cb, embedder=LexicalEmbedder(512), seed=0).fit(X, TEXTS)
    names = [t.label for t in model.themes_]
    assert names[:3] == [t.name for t in cb]
    pred = [names[i] for i in model.labels_]
    expect = {"bolig": "Bolig og hjemløshed", "respekt": "Menneskesyn", "misbrug": "Misbrugsbehandling"}
    acc = np.mean([p == expect[g] for p, g in zip(pred, GOLD, strict=True)])
    assert acc >= 0.8


def test_guided_inputs_that_fit_none_become_suggested_themes():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(3, 16))
    stray = rng.normal(size=16) * 4
    X = np.vstack([b + 0.1 * rng.normal(size=(10, 16)) for b in base] + [stray + 0.1 * rng.normal(size=(8, 16))])
    texts = [f"tekst {i}" for i in range(len(X))]

    class Fake:
        name = "fake"

        def encode(self, prompts):
            # every prompt of theme i lands on base[i]
            out = []
            for p in prompts:
                i = "ABC".index(p.strip()[-1].upper())  # every prompt ends with the theme's name
                out.append(base[i])
            return np.array(out)

    cb = [CodebookTheme("A"), CodebookTheme("B"), CodebookTheme("C")]
    model = ThemeModel(codebook=cb, embedder=Fake(), seed=0).fit(X, texts)
    assert [t.label for t in model.themes_[:3]] == ["A", "B", "C"]
    extra = [t for t in model.themes_[3:] if t.size]
    assert extra and all(t.source in ("model", "outlier") for t in extra)
    assert set(np.flatnonzero(model.labels_ >= 3).tolist()) == set(range(30, 38))
