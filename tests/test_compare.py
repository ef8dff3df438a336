"""Like with like: document kinds, notes where the years differ, shares per document, the comparison files."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from udsatte_nlp.compare import compare_years, comparison_sentences
from udsatte_nlp.doc_kinds import document_kind
from udsatte_nlp.export.chart import ShareSeries, share_intervals_png, share_intervals_svg
from udsatte_nlp.export.summary import DocumentSummary, Summary, ThemeSummary, YearCount

from .conftest import SEEDS, requires_seeds

MEETING = [
    "Dialogmødet blev holdt i Odense, og 60 rådsmedlemmer deltog.",
    "Formanden bød velkommen, og derefter var der oplæg om rådenes arbejde.",
    "Deltagerne drøftede i grupper, hvad der fylder i kommunerne.",
]
MEMO = [
    "Vi foreslår, at kommunen afsætter midler i budgettet til et udsatteråd.",
    "Kommunalbestyrelsen bør vedtage et kommissorium for rådet.",
    "Forslaget indebærer en udgift på 300.000 kr. om året.",
]


@pytest.mark.parametrize(
    ("name", "title", "fmt", "texts", "kinds", "headings", "expected"),
    [
        ("input.xlsx", None, "xlsx", ["Flere boliger"] * 4, ["row"] * 4, [], "plancher"),
        ("bord-3.txt", None, "txt", ["Mere fællesskab", "Billige boliger", "Hjælp til gæld", "Tid til at tale"],
         ["bullet"] * 4, [], "plancher"),
        ("2019.docx", "Plancher fra workshoppen", "docx", MEETING, ["sentence"] * 3, [], "plancher"),
        ("2019.docx", None, "docx", [t.replace("Dialogmødet", "Workshoppen") for t in MEETING], ["sentence"] * 3, [],
         "opsamling"),
        ("2019.txt", "Referat", "txt", ["Der var enighed om at mødes igen.", "Næste møde er i juni."],
         ["sentence"] * 2, [], "opsamling"),
        ("2020.txt", None, "txt", MEETING, ["sentence"] * 3, [], "dialogmøde"),
        ("2016.txt", "Opsamling", "txt", MEETING[1:], ["sentence"] * 2, ["Dialogmøde mellem lokale udsatteråd"],
         "dialogmøde"),
        ("2021.txt", None, "txt", MEMO, ["sentence"] * 3, [], "notat"),
        ("2022.pdf", "Høringssvar", "pdf", ["Rådet har følgende bemærkninger til planen."], ["sentence"], [], "notat"),
        ("dialogmoede-2024.pdf", None, "pdf", MEMO[:1], ["sentence"], [], "dialogmøde"),  # the name says it
        ("2019.docx", "Opsamling fra workshoppen", "docx", ["Mere fællesskab", "Billige boliger", "Hjælp til gæld"],
         ["bullet"] * 3, [], "opsamling"),  # all bullets, but the title says what it is
    ],
)  # fmt: skip
def test_document_kind(name, title, fmt, texts, kinds, headings, expected):
    assert document_kind(name, title, fmt, texts, kinds, headings) == expected


def _summary(docs: list[tuple[int, str, list[str], int, int]]) -> Summary:
    """A summary from ``(year, name, cue texts, inputs, inputs on theme 1)`` per document; the rest is theme 2."""
    units, documents = [], []
    for year, name, cues, n, on_theme in docs:
        for i in range(n):
            text = cues[i % len(cues)] if i < len(cues) * 3 else f"Input nummer {i} fra {name}."
            theme = 1 if i >= n - on_theme else 2
            units.append({"unit_id": len(units) + 1, "document": name, "year": year, "section": None,
                          "kind": "sentence", "text": text, "theme_id": theme})  # fmt: skip
        documents.append(DocumentSummary(name, None, None, year, "txt", n))
    years = sorted({d[0] for d in docs})
    total = {y: sum(d[3] for d in docs if d[0] == y) for y in years}
    themes = []
    for tid, label in ((1, "Bolig"), (2, "Andet")):
        per = {y: sum(1 for u in units if u["theme_id"] == tid and u["year"] == y) for y in years}
        size = sum(per.values())
        themes.append(ThemeSummary(tid, label, "", [], size, size / len(units), False, [],
                                   [YearCount(y, per[y], per[y] / total[y]) for y in years]))  # fmt: skip
    return Summary("t", "2024-01-01", None, None, len(documents), len(units), themes, units, documents,
                   years=[YearCount(y, total[y], total[y] / len(units)) for y in years])  # fmt: skip


def test_a_year_of_another_kind_of_document_is_named_next_to_the_themes_it_affects():
    s = _summary([(2021, "a.txt", MEETING, 80, 24), (2022, "b.txt", MEETING, 80, 26), (2023, "c.txt", MEMO, 80, 4)])
    c = compare_years(s)
    assert [(d.year, d.kind) for d in c.documents] == [(2021, "dialogmøde"), (2022, "dialogmøde"), (2023, "notat")]
    assert "2021 og 2022 er dialogmøder og 2023 er et notat" in c.context[0]
    bolig = next(t for t in c.themes if t.label == "Bolig")
    assert bolig.trend.is_change  # 30 % → 33 % → 5 %: a fall, but only in the year of the notat
    assert bolig.notes == ["2023 er et notat, de andre år dialogmøder; uden 2023: stabilt"]
    assert "uden 2023: stabilt" in " ".join(comparison_sentences(c))
    # the same shares from documents of one kind: no note and no remark about kinds
    alike = compare_years(_summary([(2021, "a.txt", MEETING, 80, 24), (2022, "b.txt", MEETING, 80, 26),
                                    (2023, "c.txt", MEETING, 80, 4)]))  # fmt: skip
    assert not alike.context and not any(t.notes for t in alike.themes)


def test_different_numbers_of_documents_per_year_and_per_document_shares():
    docs = [(2021, "a.txt", MEETING, 100, 10), (2022, "b.txt", MEETING, 90, 9), (2022, "c.txt", MEETING, 10, 8)]
    per_input = compare_years(_summary(docs))
    per_doc = compare_years(_summary(docs), per_document=True)
    assert "Årene har ikke lige mange dokumenter (2021: 1, 2022: 2)" in per_input.context[0]
    assert "pr. input" in per_input.context[0] and "pr. dokument" in per_doc.context[0]
    a, b = (next(t for t in c.themes if t.label == "Bolig") for c in (per_input, per_doc))
    assert a.shares[2022] == pytest.approx(17 / 100) and b.shares[2022] == pytest.approx((9 / 90 + 8 / 10) / 2)
    assert a.status_label != b.status_label
    assert a.notes == [f"regnet pr. dokument: {b.status_label}"]
    assert b.notes == [f"regnet pr. input: {a.status_label}"]


def test_share_interval_charts():
    series = [ShareSeries("Bolig <og> gæld", {2021: 0.1, 2022: 0.3}, {2021: (0.05, 0.18), 2022: (0.2, 0.41)},
                          "voksende · sikker stigning"),
              ShareSeries("Fællesskab", {2021: 0.2, 2022: 0.0}, {2021: (0.1, 0.3), 2022: (0.0, 0.08)})]  # fmt: skip
    svg = ET.fromstring(share_intervals_svg(series, [2021, 2022]))
    ns = "{http://www.w3.org/2000/svg}"
    bars = [ln for ln in svg.iter(f"{ns}line") if "95 %-interval" in (ln.findtext(f"{ns}title") or "")]
    assert len(bars) == 4 and len(svg.findall(f".//{ns}polyline")) == 2
    assert "Bolig <og> gæld" in "".join(svg.itertext())  # escaped in the file, text again when parsed
    png = share_intervals_png(series, [2021, 2022])
    assert png.startswith(b"\x89PNG") and len(png) > 5000


@requires_seeds
def test_seed_notes_through_batch_and_cli(tmp_path, lexical):
    from udsatte_nlp.batch import batch
    from udsatte_nlp.cli import app

    folder = tmp_path / "noter"
    folder.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):  # 2014, 2013, 2016 dialogmøder and a 2020 notat (budget proposal)
        shutil.copy(p, folder / p.name)
    result = batch(folder, tmp_path / "p.db", embedder=lexical, n_themes=6, formats=["md"])
    c = result.comparison
    assert c.years == [2013, 2014, 2016, 2020]
    assert {d.year: d.kind for d in c.documents} == {2013: "dialogmøde", 2014: "dialogmøde", 2016: "dialogmøde",
                                                     2020: "notat"}  # fmt: skip
    assert "2013, 2014 og 2016 er dialogmøder og 2020 er et notat" in c.context[0]
    md = (result.output / "sammenligning.md").read_text(encoding="utf-8")
    assert "| 2020 | 003_856645e42cb7e00b.txt | notat | " in md
    for t in c.themes:
        assert f"| {t.status_label} | {t.certainty_label} |" in md
        if t.status == "stable":  # never a theme that moved: no significant change, and enough inputs to see one
            assert t.trend.p_value >= 0.05 and t.trend.power >= 0.8
    run = CliRunner().invoke(app, ["batch", str(folder), "-p", str(tmp_path / "p.db"), "--per-document", "-o",
                                   str(tmp_path / "ud"), "--format", "md"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Sikkerhed" in run.stdout and "2020 er et notat" in run.stdout
    assert "pr. dokument" in (tmp_path / "ud" / "sammenligning.md").read_text(encoding="utf-8")
