"""Danish keywords and short labels for themes (class-based TF-IDF).

Keywords are counted over the members of each theme against the whole corpus,
with Danish stop words removed and æ/ø/å kept intact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

__all__ = ["danish_stop_words", "theme_keywords", "make_label"]

_TOKEN = r"(?u)\b[^\W\d_][^\W\d_-]+(?:-[^\W\d_]+)*\b"


@lru_cache(maxsize=1)
def danish_stop_words() -> frozenset[str]:
    """spaCy's Danish stop words plus the filler of workshop notes."""
    from spacy.lang.da.stop_words import STOP_WORDS

    extra = {"fx", "ca", "mv", "osv", "evt", "pga", "jf", "bla", "feks", "mere", "flere", "bare", "rigtig", "rigtigt", "godt", "gerne", "ting"}
    # the keyword tokenizer splits on periods, so multi-part stop words would never match
    return frozenset(w.lower() for w in STOP_WORDS if "." not in w) | extra


def theme_keywords(texts: Sequence[str], labels: Sequence[int], top_n: int = 8) -> dict[int, list[str]]:
    """Top ``top_n`` keywords per label by class-based TF-IDF."""
    from sklearn.feature_extraction.text import CountVectorizer

    labels = np.asarray(labels)
    classes = sorted(set(int(x) for x in labels))
    if not texts:
        return {c: [] for c in classes}
    docs = [" ".join(t for t, lab in zip(texts, labels, strict=True) if lab == c) for c in classes]
    vectorizer = CountVectorizer(
        token_pattern=_TOKEN, lowercase=True, stop_words=sorted(danish_stop_words()), ngram_range=(1, 1), min_df=1
    )
    try:
        counts = vectorizer.fit_transform(docs).toarray().astype(float)
    except ValueError:  # only stop words
        return {c: [] for c in classes}
    vocab = np.array(vectorizer.get_feature_names_out())
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    avg = counts.sum() / max(len(classes), 1)
    idf = np.log(1 + avg / np.maximum(counts.sum(axis=0), 1))
    scores = tf * idf
    out = {}
    for row, c in enumerate(classes):
        order = np.lexsort((vocab, -scores[row]))  # ties broken alphabetically: deterministic
        out[c] = [str(vocab[i]) for i in order[:top_n] if counts[row, i] > 0]
    return out


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """A short readable label from the top keywords: ``Bolig, hjemløse og herberg``."""
    words = [k for k in keywords if not re.fullmatch(r"\W+", k)][:n]
    if not words:
        return "Uden nøgleord"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]
    return text[0].upper() + text[1:]


def refresh_keywords(store: object, top_n: int = 8) -> None:
    """Recompute every active theme's keywords from its current members (human moves
    included), and the label of themes whose label still comes from the model.

    Derived data: not an undoable edit, and safe to call after every edit.
    """
    import json

    conn = store.conn  # type: ignore[attr-defined]
    rows = conn.execute(
        "SELECT a.theme_id, u.text FROM assignments a JOIN units u ON u.id = a.unit_id"
        " JOIN themes t ON t.id = a.theme_id WHERE t.active = 1 ORDER BY a.theme_id, u.id"
    ).fetchall()
    if not rows:
        return
    keywords = theme_keywords([r[1] for r in rows], [int(r[0]) for r in rows], top_n)
    with store.atomic():  # type: ignore[attr-defined]
        for theme_id, kw in keywords.items():
            conn.execute("UPDATE themes SET keywords = ? WHERE id = ?", (json.dumps(kw, ensure_ascii=False), theme_id))
            conn.execute(
                "UPDATE themes SET label = ? WHERE id = ? AND label_source = 'model' AND source = 'model'",
                (make_label(kw), theme_id),
            )
