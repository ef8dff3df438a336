"""Long units: text without sentence punctuation is cut into readable inputs of at most MAX_UNIT_WORDS words."""

from __future__ import annotations

import importlib.util
import random
import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from udsatte_nlp.cut import CLAUSE_WORDS, COORDINATORS, MAX_UNIT_WORDS, cut_spans
from udsatte_nlp.segment import segment

from .conftest import ROOT


def _benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_transcript", ROOT / "benchmarks" / "transcript.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


transcript = _benchmark().transcript  # the same generated transcript as benchmarks/transcript.py


def _words(text: str) -> list[str]:
    return text.split()


def test_a_200_kb_transcript_without_punctuation_becomes_readable_inputs():
    text = transcript()
    assert len(text.encode()) >= 200_000 and not re.search(r"[.,!?;:]", text)
    units = segment(text)
    lengths = [len(u.text.split()) for u in units]
    assert max(lengths) <= MAX_UNIT_WORDS
    assert len(units) > len(_words(text)) / 60  # hundreds of inputs, not one
    assert sum(n < 5 for n in lengths) == 0  # no fragments such as "men nej"
    # every word kept, in order, and every unit is its own span of the text
    assert [w for u in units for w in u.text.split()] == _words(text)
    assert all(" ".join(text[u.start : u.end].split()) == u.text for u in units)
    levels = Counter(u.metadata.get("cut") for u in units)
    assert set(levels) <= {"clause", "og", "length"} and levels["clause"] > len(units) / 2
    # a cut at a clause word starts the next input with it
    starts = Counter(u.text.split()[0] for u in units if u.metadata["cut"] == "clause")
    assert sum(n for w, n in starts.items() if w in CLAUSE_WORDS) > sum(starts.values()) / 2


def test_a_transcript_with_line_breaks_is_cut_at_the_line_breaks():
    text = transcript(20_000, seed=3, line_words=15)
    units = segment(text)
    assert max(len(u.text.split()) for u in units) <= MAX_UNIT_WORDS
    assert {u.metadata.get("cut") for u in units} == {"line"}
    line_starts = {0} | {m.end() for m in re.finditer("\n", text)}
    line_ends = {m.start() for m in re.finditer("\n", text)} | {len(text)}
    assert all(u.start in line_starts and u.end in line_ends for u in units)


def test_commas_come_before_clause_words_and_clause_words_before_og():
    clause = "vi skal have flere boliger til dem der står uden tag over hovedet i vinter"  # 16 words
    text = ", ".join([clause] * 8)
    pieces = cut_spans(text)
    assert {lvl for *_, lvl in pieces} == {"comma"}
    assert all(text[s:e].endswith(",") for s, e, _ in pieces[:-1])
    text = " ".join(["folk har brug for mad og tøj men også for nogen at tale med"] * 10)
    pieces = cut_spans(text)
    assert {lvl for *_, lvl in pieces} == {"clause"} and all(text[s:e].startswith("men") for s, e, _ in pieces[1:])
    text = " ".join(["folk har brug for mad og tøj hele året"] * 14)
    pieces = cut_spans(text)
    assert {lvl for *_, lvl in pieces} == {"og"} and all(text[s:e].split()[0] in COORDINATORS for s, e, _ in pieces[1:])


def test_without_any_boundary_the_text_is_cut_into_equal_parts():
    text = " ".join(f"ord{i}" for i in range(250))
    pieces = cut_spans(text)
    sizes = [len(text[s:e].split()) for s, e, _ in pieces]
    assert {lvl for *_, lvl in pieces} == {"length"} and max(sizes) - min(sizes) <= 1 and sum(sizes) == 250


def test_lower_case_sentences_with_full_stops_are_cut_at_them_not_at_abbreviations():
    text = " ".join(["vi talte bl.a. om boliger og job i kommunen. det var godt"] * 12)
    units = segment(text)
    assert {u.metadata.get("cut") for u in units} == {"sentence"}
    assert all(not u.text.endswith("bl.a.") for u in units)
    assert all(u.text.endswith(("kommunen.", "godt")) for u in units)


def test_sentences_and_bullets_up_to_the_limit_are_unchanged():
    long_sentence = " ".join(["Borgerne"] + ["venter længe på svar fra kommunen"] * 13) + "."  # 92 words
    text = f"Drømme:\n• Flere boliger.\n• Bedre hjælp, fx om natten.\n\n{long_sentence} Næste sætning er kort."
    units = segment(text)
    assert [u.text for u in units] == ["Flere boliger.", "Bedre hjælp, fx om natten.", long_sentence, "Næste sætning er kort."]
    assert all(not u.metadata for u in units)


def test_a_dictated_bullet_over_the_limit_is_cut_and_stays_a_bullet_in_its_section():
    body = " ".join(["vi mangler boliger til unge hjemløse fordi kommunen har solgt dem"] * 12)
    units = segment(f"Bekymringer:\n• {body}\n• Kort punkt.")
    assert len(units) > 2 and all(u.kind == "bullet" and u.section == "Bekymringer" for u in units)
    assert units[-1].text == "Kort punkt." and not units[-1].metadata
    assert [w for u in units[:-1] for w in u.text.split()] == body.split()
    text = f"Bekymringer:\n• {body}\n• Kort punkt."
    assert all(" ".join(text[u.start : u.end].split()) == u.text for u in units)


def test_info_says_how_many_inputs_were_cut(tmp_path):
    from udsatte_nlp.cli import app
    from udsatte_nlp.store import ProjectStore

    src = tmp_path / "diktat.txt"
    src.write_text(transcript(30_000, seed=1), encoding="utf-8")
    db = tmp_path / "p.db"
    runner = CliRunner()
    res = runner.invoke(app, ["analyze", str(src), "--project", str(db), "--embedder", "lexical", "--quiet"])
    assert res.exit_code == 0, res.output
    with ProjectStore(db, create=False) as store:
        n = store.info()["cut_units"]
        assert n == len(store.units()) > 50
        assert max(len(r["text"].split()) for r in store.units()) <= MAX_UNIT_WORDS
    out = runner.invoke(app, ["info", "--project", str(db)]).stdout
    assert f"Opdelt:      {n} input" in out


@pytest.mark.parametrize("seed", range(3))
def test_cutting_keeps_every_word_in_order(seed):
    rng = random.Random(seed)
    vocab = ["og", "men", "fordi", "så", "eller", "hjælp,", "bolig", "job", "kommunen.", "da", "bl.a.", "x"]
    text = " ".join(rng.choice(vocab) for _ in range(rng.randint(101, 900)))
    pieces = cut_spans(text)
    assert [w for s, e, _ in pieces for w in text[s:e].split()] == text.split()
    assert all(len(text[s:e].split()) <= MAX_UNIT_WORDS for s, e, _ in pieces)
