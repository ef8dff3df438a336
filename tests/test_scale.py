"""National scale (#16 point 4): the paths a 300,000-input project takes, exercised on small data.

Above certain sizes the theme maths changes how it computes, never what: the centred vectors
are float32 and summed chunk by chunk (themes/linalg.py), clusters are found in a sample
(themes/model.py), the coherence test's null is computed exactly (themes/quality.py), label
phrases are counted in samples (themes/labels.py) and vectors are read in blocks (store). The
thresholds are lowered here so that these paths run on a few hundred inputs; the figures at
300,000 inputs are printed by ``python benchmarks/run.py --csv 300000``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from udsatte_nlp.themes import linalg, labels, model, quality
from udsatte_nlp.themes.placement import place

ROOT = Path(__file__).resolve().parents[1]


def _blobs(n: int = 900, d: int = 24, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``k`` well separated groups of unit vectors."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 3
    truth = np.arange(n) % k
    X = centres[truth] + rng.normal(size=(n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True), truth


@pytest.fixture
def large(monkeypatch):
    """Every large-data path on, for small data."""
    monkeypatch.setattr(linalg, "FLOAT64_MAX", 1000)
    monkeypatch.setattr(linalg, "CHUNK", 64)
    monkeypatch.setattr(model, "_SAMPLE", 300)
    monkeypatch.setattr(quality, "EXACT_ABOVE", 200)
    monkeypatch.setattr(labels, "MEMBER_SAMPLE", 80)
    monkeypatch.setattr(labels, "CORPUS_SAMPLE", 250)
    from udsatte_nlp.store import ProjectStore

    monkeypatch.setattr(ProjectStore, "SCAN_ABOVE", 50)


# ------------------------------------------------------------------ linalg
def test_small_matrices_stay_float64_and_give_the_plain_expression():
    X, _ = _blobs(200)
    X = (X * np.linspace(1, 3, 200)[:, None]).astype(np.float32)
    Z = model.center(X)
    assert Z.dtype == np.float64
    U = X.astype(np.float64) / np.linalg.norm(X.astype(np.float64), axis=1, keepdims=True)
    D = U - U.mean(axis=0)
    assert np.array_equal(Z, D / np.linalg.norm(D, axis=1, keepdims=True))  # bit for bit


def test_the_float32_path_computes_the_same_as_float64(monkeypatch):
    X, truth = _blobs(700)
    X = X.astype(np.float32)
    Z64 = model.center(X)
    monkeypatch.setattr(linalg, "FLOAT64_MAX", 1000)
    monkeypatch.setattr(linalg, "CHUNK", 64)
    Z32 = model.center(X)
    assert Z32.dtype == np.float32 and Z32.shape == Z64.shape
    assert np.abs(Z32 - Z64).max() < 1e-6
    mine = X.copy()
    same = model.center(mine, overwrite=True)  # in the caller's own matrix, the same numbers
    assert same is mine and np.array_equal(same, Z32)
    C = np.random.default_rng(1).normal(size=(3, X.shape[1]))
    R = np.random.default_rng(2).random((len(X), 3))
    assert np.allclose(linalg.dot_t(Z32, C), Z64 @ C.T, atol=1e-5)
    assert np.allclose(linalg.t_dot(R, Z32), R.T @ Z64, atol=1e-4)
    assert np.allclose(linalg.group_means(Z32, truth, 3), [Z64[truth == c].mean(axis=0) for c in range(3)], atol=1e-6)
    assert np.allclose(linalg.row_mean(Z32, truth == 1), Z64[truth == 1].mean(axis=0), atol=1e-6)
    assert np.allclose(linalg.mean_unit(X), model._unit(X).mean(axis=0), atol=1e-7)
    # the mixture places the same way on both
    A = linalg.group_means(Z64, truth, 3)
    a, b = place(Z64, A), place(Z32, A)
    assert (a.labels == b.labels).all() and np.abs(a.proba - b.proba).max() < 1e-4


# ----------------------------------------------------------------- quality
def test_exact_null_moments_are_what_many_random_draws_give():
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(400, 6)) + [0.7, 0, 0, 0, 0, 0]
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    null = quality.NullMoments(Z)
    for m in (5, 60, 300):
        draws = np.array([quality._within(Z[rng.choice(400, m, replace=False)]) for _ in range(6000)])
        mean, sd = null(m)
        assert mean == pytest.approx(draws.mean(), abs=0.1 * sd + 1e-4)
        assert sd == pytest.approx(draws.std(), rel=0.06)


def test_coherence_above_the_threshold_agrees_with_the_permutation_test(monkeypatch):
    Z, truth = _blobs(600)
    Z[truth == 2] = Z[np.random.default_rng(4).permutation(np.flatnonzero(truth == 2))]  # still a real group
    drawn = quality.mixed_themes(Z, truth, [0, 1, 2])
    monkeypatch.setattr(quality, "EXACT_ABOVE", 100)
    exact = quality.mixed_themes(Z, truth, [0, 1, 2])
    assert {t: m for t, (_, m) in drawn.items()} == {t: m for t, (_, m) in exact.items()}
    assert all(drawn[t][0] == pytest.approx(exact[t][0]) for t in drawn)  # the same within-similarity
    # a random handful of the inputs is called mixed by both
    mix = np.zeros(len(Z), int)
    mix[np.random.default_rng(5).choice(len(Z), 40, replace=False)] = 1
    assert quality.mixed_themes(Z, mix, [1])[1][1]


# ----------------------------------------------------------------- clusters
def test_a_large_corpus_is_clustered_in_a_sample_and_every_input_joins_a_cluster(large):
    from sklearn.metrics import adjusted_rand_score

    X, truth = _blobs(900, k=4)
    texts = [f"tekst nummer {i} om emne {t}" for i, t in enumerate(truth)]
    m = model.ThemeModel(seed=0, outliers=False).fit(X.astype(np.float32), texts)
    assert len(m.labels_) == 900 and (m.labels_ >= 0).all()
    assert adjusted_rand_score(truth, m.labels_) > 0.95
    assert all(t.stability is not None and 0 <= t.stability <= 1 for t in m.themes_)
    again = model.ThemeModel(seed=0, outliers=False).fit(X.astype(np.float32), texts)
    assert (again.labels_ == m.labels_).all()  # the sample is seeded


# ------------------------------------------------------------------ labels
def test_sampled_phrase_counts_choose_the_label_the_full_counts_choose(monkeypatch):
    rng = np.random.default_rng(6)
    filler = "man skal have tid og plads til at tale med nogen om hverdagen i byen".split()

    def text(phrase: str | None) -> str:
        words = list(rng.choice(filler, 8))
        if phrase:
            words.insert(int(rng.integers(0, 8)), phrase)
        return " ".join(words)

    members = [text("billige boliger" if i % 3 else None) for i in range(500)]
    others = [text("lange ventelister" if i % 2 else "hjælp til misbrug") for i in range(1500)]
    corpus = members + others
    full = labels._scored_phrases(members, corpus)
    monkeypatch.setattr(labels, "MEMBER_SAMPLE", 100)
    monkeypatch.setattr(labels, "CORPUS_SAMPLE", 300)
    sampled = labels._scored_phrases(members, corpus)
    assert full[0][2] == sampled[0][2] == "billige boliger"
    assert sampled[0][3] == pytest.approx(full[0][3], abs=0.05)  # its share of the members
    assert labels.make_label(members, corpus) == "Billige boliger"


def test_label_support_judges_each_word_once_with_the_same_result():
    texts = ["Flere billige boliger", "Boligstøtte til unge", "Hjælp om natten", "ungdomsboliger nu", "BOLIG!"] * 40
    heads = quality.label_heads("Billige boliger")

    def reference(t: str) -> bool:  # the rule word by word, without memory
        return any(quality._word_supports(w.lower(), heads) for w in quality._WORD.findall(t))

    assert quality.label_support("Billige boliger", texts) == round(sum(map(reference, texts)) / len(texts), 3)


# ------------------------------------------------------------- embeddings
def test_embed_cached_fills_one_matrix_from_cache_and_model(large):
    from udsatte_nlp.embed import LexicalEmbedder, embed_cached
    from udsatte_nlp.store import ProjectStore, text_hash

    emb = LexicalEmbedder(64)
    store = ProjectStore(":memory:")
    texts = [f"input nummer {i % 150}" for i in range(200)]  # 50 repeats
    hashes = [text_hash(t) for t in texts]
    first, n_new = embed_cached(store, emb, texts[:90], hashes[:90])
    assert n_new == 90
    X, n_new = embed_cached(store, emb, texts, hashes)  # 60 cached (read in a scan), 60 new, 80 repeats
    assert n_new == 60 and X.dtype == np.float32 and X.shape == (200, 64)
    assert np.allclose(X, emb.encode(texts), atol=1e-6)
    assert np.array_equal(X[:90], first)
    M, found = store.embedding_matrix(emb.name, [*hashes[:5], "unknown", hashes[170]])
    assert found.tolist() == [True] * 5 + [False, True]
    assert np.array_equal(M[:5], X[:5]) and not M[5].any() and np.array_equal(M[6], X[170])
    assert store.embedding_matrix("other model", hashes[:3])[0] is None


# -------------------------------------------------------------- end to end
def _csv(path: Path, n: int, seed: int = 0) -> Path:
    sentences = []
    for tsv in sorted((ROOT / "corpora").rglob("inputs.tsv")):
        with open(tsv, encoding="utf-8") as fh:
            sentences += [r["input"].split() for r in csv.DictReader(fh, delimiter="\t")]
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["tekst", "år"])
        for i in range(n):
            x, y = sentences[rng.integers(len(sentences))], sentences[rng.integers(len(sentences))]
            w.writerow([" ".join(x[: max(2, len(x) // 2)] + y[len(y) // 2 :]), 2015 + i * 10 // n])
    return path


def test_analyze_on_the_large_paths_places_every_input_and_a_rerun_changes_nothing(large, tmp_path):
    from udsatte_nlp.embed import LexicalEmbedder
    from udsatte_nlp.export import export
    from udsatte_nlp.learning import place as place_inputs
    from udsatte_nlp.learning import queue
    from udsatte_nlp.pipeline import analyze
    from udsatte_nlp.store import ProjectStore

    src = _csv(tmp_path / "input.csv", 700)
    db = tmp_path / "p.db"
    emb = LexicalEmbedder(128)
    analyze([src], db, embedder=emb)
    with ProjectStore(db) as s:
        n_units = s.info()["units"]
        before = s.conn.execute("SELECT unit_id, theme_id, score, source FROM assignments ORDER BY unit_id").fetchall()
        themes = s.conn.execute("SELECT label, coherence, label_support FROM themes WHERE active = 1 AND is_outlier = 0").fetchall()
    assert n_units == 700 and len(before) == 700
    assert all(t["label"] and t["coherence"] is not None and t["label_support"] is not None for t in themes)
    analyze([src], db, embedder=emb)  # unchanged: the same themes, every input where it was
    with ProjectStore(db) as s:
        after = s.conn.execute("SELECT unit_id, theme_id, score, source FROM assignments ORDER BY unit_id").fetchall()
        assert [tuple(r)[:2] for r in after] == [tuple(r)[:2] for r in before]
        item = queue(s, 3)[0]
        target = next(t for t in s.themes() if t["id"] != item["theme_id"] and not t["is_outlier"])
        place_inputs(s, [(item["unit_id"], int(target["id"]))], embedder=emb)  # relearning on float32 vectors
        assert s.conn.execute("SELECT theme_id, source FROM assignments WHERE unit_id = ?",
                              (item["unit_id"],)).fetchone()[:] == (target["id"], "human")
        out = export(s, "xlsx", tmp_path / "r.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(out, read_only=True)
    assert sum(1 for _ in wb["Input"].iter_rows(min_row=2)) == 700


def test_a_file_already_in_the_project_is_not_cleaned_again(tmp_path, monkeypatch):
    from udsatte_nlp import pipeline
    from udsatte_nlp.embed import LexicalEmbedder

    src = _csv(tmp_path / "input.csv", 60)
    other = _csv(tmp_path / "andet.csv", 30, seed=1)
    db = tmp_path / "p.db"
    emb = LexicalEmbedder(64)
    pipeline.analyze([src], db, embedder=emb)
    prepared: list[str] = []
    real = pipeline.prepare
    monkeypatch.setattr(pipeline, "prepare", lambda doc, *a, **k: prepared.append(doc.name) or real(doc, *a, **k))
    result = pipeline.analyze([src, other], db, embedder=emb)
    assert prepared == ["andet.csv"]  # only the new file is cleaned and segmented
    assert result.n_units == 90 and result.ingest.unchanged == [str(src)]
