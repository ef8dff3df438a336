"""BERTopic behind its adapter: explicit sub-models, embeddings passed in, manual mode."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("bertopic")

from udsatte_nlp.themes import ThemeModel  # noqa: E402
from udsatte_nlp.themes.bertopic_adapter import bertopic_defaults, manual_keywords  # noqa: E402

from .test_themes import GOLD, TEXTS  # noqa: E402


def test_manual_mode_keywords_follow_the_given_labels():
    labels = [["bolig", "respekt", "misbrug"].index(g) for g in GOLD]
    kw = manual_keywords(TEXTS, labels, top_n=5)
    assert set(kw) == {0, 1, 2}
    assert any(w.startswith("bolig") for w in kw[0])
    assert "respekt" in kw[1]
    assert any(w.startswith("misbrug") for w in kw[2])


def test_bertopic_engine_gives_every_input_a_theme_reproducibly():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 24))
    X = np.vstack([c + 0.1 * rng.normal(size=(30, 24)) for c in centres])
    texts = [TEXTS[i % len(TEXTS)] for i in range(len(X))]
    a = ThemeModel(engine="bertopic", seed=1, stability_runs=0).fit(X, texts)
    b = ThemeModel(engine="bertopic", seed=1, stability_runs=0).fit(X, texts)
    assert a.labels_.tolist() == b.labels_.tolist()
    assert (a.labels_ >= 0).all() and len(a.themes_) >= 2
    topics = bertopic_defaults(X, texts, seed=1)
    assert len(topics) == len(X)
