"""Yearly batches: three small yearly notes → a summary per year and a comparison."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from udsatte_nlp.batch import batch, compare_years, comparison_sentences
from udsatte_nlp.cli import app
from udsatte_nlp.export.summary import Summary, ThemeSummary, YearCount
from udsatte_nlp.store import ProjectStore

BOLIG = [
    "Flere billige boliger til hjemløse",
    "Hjemløse skal have en bolig først",
    "Mangel på små boliger i byen",
    "Bostøtten til boligen stopper for tidligt",
]
ENSOMHED = [
    "Ensomheden er vokset og mange sidder alene",
    "Fællesskab på værestedet mod ensomhed",
    "Ensomme borgere har brug for fællesskab",
]
OEKONOMI = [
    "Priserne på mad stiger og pengene rækker ikke",
    "Gæld og økonomi fylder mere for borgerne",
    "Flere beder om madhjælp fordi pengene ikke rækker",
    "Gratis gældsrådgivning til borgere med gæld",
]


def note(year: int, date: str, *groups: list[str]) -> str:
    bullets = "\n".join(f"• {t}." for g in groups for t in g)
    intro = f"Mødet blev holdt den {date} {year}. Ring til Jørgen Østergård på 28 91 47 06."
    return f"Opsamling fra dialogmødet\n\n{intro}\n\n{bullets}\n"


def make_notes(folder: Path) -> Path:
    """2021 as a sub-folder, 2022 and 2023 as files; loneliness disappears, economy appears and grows."""
    (folder / "2021").mkdir(parents=True)
    (folder / "2021" / "referat.txt").write_text(note(2021, "3. juni", BOLIG, ENSOMHED), encoding="utf-8")
    (folder / "dialogmoede-2022.txt").write_text(note(2022, "1. juni", BOLIG, OEKONOMI[:1]), encoding="utf-8")
    (folder / "dialogmoede-2023.md").write_text(note(2023, "13. juni", BOLIG[:2], OEKONOMI), encoding="utf-8")
    return folder


def theme(id_: int, label: str, counts: list[int], totals: list[int], years=(2021, 2022, 2023)) -> ThemeSummary:
    over = [YearCount(y, n, n / t) for y, n, t in zip(years, counts, totals, strict=True)]
    return ThemeSummary(id_, label, "", [], sum(counts), sum(counts) / sum(totals), False, [], over)


def test_compare_years_judges_each_theme_over_all_years():
    totals = [60, 60, 60]
    s = Summary("t", "2024-01-01", None, None, 3, 180, [
        theme(1, "Bolig", [24, 24, 24], totals),
        theme(2, "Fællesskab", [14, 10, 0], totals),
        theme(3, "Økonomi", [0, 8, 20], totals),
        theme(4, "Psykiatri", [20, 12, 4], totals),
        theme(5, "Digital", [0, 0, 0], totals),
        theme(6, "Indflydelse", [2, 22, 2], totals),
        theme(7, "Sundhed", [1, 0, 1], totals),
    ], [], years=[YearCount(y, 60, 1 / 3) for y in (2021, 2022, 2023)])  # fmt: skip
    c = compare_years(s)
    words = {t.label: t.status_label for t in c.themes}
    assert words == {"Bolig": "stabilt", "Fællesskab": "forsvundet efter 2022", "Økonomi": "nyt fra 2022",
                     "Psykiatri": "faldende", "Digital": "usikker — få input", "Indflydelse": "toppede i 2022",
                     "Sundhed": "usikker — få input"}  # fmt: skip
    psyk = next(t for t in c.themes if t.label == "Psykiatri")
    assert psyk.change == pytest.approx(-16 / 60) and psyk.certainty_label == "sikkert fald"
    grown = compare_years(Summary("t", "2024-01-01", None, None, 2, 200, [theme(1, "A", [5, 25], [100, 100], (2022, 2023))],
                                  [], years=[YearCount(2022, 100, 0.5), YearCount(2023, 100, 0.5)]))  # fmt: skip
    assert grown.themes[0].status == "grew" and grown.themes[0].status_label == "voksende"
    text = " ".join(comparison_sentences(c))
    assert "Nye temaer: «Økonomi» fra 2022 (sikker ændring; 0 % → 13 % → 33 %)" in text
    assert "Forsvundne temaer: «Fællesskab» efter 2022" in text
    assert "Toppede: «Indflydelse» i 2022 (sikker ændring; 3,3 % → 37 % → 3,3 %)" in text
    assert "Faldende over 2021–2023: «Psykiatri» (sikkert fald; 33 % → 20 % → 6,7 %)" in text
    assert "Stabile (ingen sikker ændring): «Bolig»." in text
    assert "for få input til at sige noget om udviklingen: «Digital» og «Sundhed»" in text


CODEBOOK = """
[[theme]]
name = "Bolig og hjemløshed"
keywords = ["bolig", "boliger", "hjemløse", "bostøtte"]

[[theme]]
name = "Fællesskab og ensomhed"
keywords = ["ensomhed", "fællesskab", "alene", "værested"]

[[theme]]
name = "Økonomi og fattigdom"
keywords = ["gæld", "penge", "priser", "madhjælp", "økonomi"]
"""


def test_batch_writes_a_summary_per_year_and_a_comparison(tmp_path, lexical):
    import docx
    import openpyxl

    folder = make_notes(tmp_path / "noter")
    db = tmp_path / "projekt.db"
    (tmp_path / "kodebog.toml").write_text(CODEBOOK, encoding="utf-8")
    result = batch(folder, db, embedder=lexical, codebook=tmp_path / "kodebog.toml", pseudonymise=True)
    out = tmp_path / "projekt-opsamlinger"
    assert result.output == out and result.years == [2021, 2022, 2023]
    assert len(result.added) == 3 and result.analysed and not result.undated
    names = sorted(p.name for p in out.iterdir())
    yearly = [f"opsamling-{y}.{f}" for y in (2021, 2022, 2023) for f in ("docx", "md")]
    comparison_files = [f"sammenligning.{f}" for f in ("md", "html", "svg", "png", "docx", "xlsx")]
    assert names == sorted([*yearly, "opsamling-alle-år.xlsx", *comparison_files])

    d = docx.Document(str(out / "opsamling-2022.docx"))
    assert d.paragraphs[0].text == "Opsamling af temaer 2022"
    bullets = [p.text for p in d.paragraphs if p.style.name == "List Bullet"]
    assert any(b.startswith("Priserne på mad stiger") for b in bullets)
    assert not any("Ensomheden" in b for b in bullets)  # only 2022's inputs
    md2021 = (out / "opsamling-2021.md").read_text(encoding="utf-8")
    assert "Ensomheden er vokset" in md2021 and "Gæld og økonomi" not in md2021
    assert "Jørgen" not in md2021 and "28 91 47 06" not in md2021 and "[Person 1]" in md2021

    wb = openpyxl.load_workbook(out / "opsamling-alle-år.xlsx")
    over = list(wb["Over tid"].iter_rows(values_only=True))
    assert over[0][1:4] == ("Antal 2021", "Antal 2022", "Antal 2023")
    assert over[-1][0] == "I alt" and sum(over[-1][1:4]) == len(wb["Input"]["A"]) - 1

    comparison = (out / "sammenligning.md").read_text(encoding="utf-8")
    assert comparison.startswith("# Sammenligning af temaerne 2021–2023")
    assert "| Tema | 2021 | 2022 | 2023 | Udvikling | Sikkerhed | Bemærkning |" in comparison
    assert "## Dokumenter pr. år" in comparison and "Cochran–Armitage" in comparison
    changes = {t.label: t for t in result.comparison.themes}
    # economy: 0 → 1 → 4 of 7, 5 and 6 inputs: the notes were written that way, but they are too few to be sure
    assert changes["Økonomi og fattigdom"].status in ("grew", "appeared", "uncertain")
    assert changes["Økonomi og fattigdom"].status_label in comparison
    with ProjectStore(db) as store:  # the comparison counts what the store holds, year by year
        units = store.unit_table()
    for t in result.comparison.themes:
        for year in result.years:
            expected = sum(1 for u in units if u["theme_id"] == t.theme_id and u["year"] == year)
            assert t.counts[year] == expected
    svg = ET.parse(out / "sammenligning.svg").getroot()
    assert svg.tag.endswith("svg") and len(svg.findall(".//{http://www.w3.org/2000/svg}polyline")) >= 2
    assert (out / "sammenligning.png").read_bytes().startswith(b"\x89PNG")
    assert docx.Document(str(out / "sammenligning.docx")).inline_shapes  # the chart as an image
    sheet = openpyxl.load_workbook(out / "sammenligning.xlsx")["Udvikling"]
    assert [c.value for c in sheet[1]][-5:] == ["Udvikling", "Sikkerhed", "p-værdi", "Styrke", "Bemærkning"]
    html = (out / "sammenligning.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html


def test_batch_only_reanalyses_when_something_is_new(tmp_path, lexical):
    folder = make_notes(tmp_path / "noter")
    db = tmp_path / "p.db"
    batch(folder, db, output=tmp_path / "ud", embedder=lexical, n_themes=3, formats=["md"])
    with ProjectStore(db) as s:
        runs = len(s.runs())
    again = batch(folder, db, output=tmp_path / "ud", embedder=lexical, n_themes=3, formats=["md"])
    assert not again.analysed and not again.added and len(again.unchanged) == 3
    with ProjectStore(db) as s:
        assert len(s.runs()) == runs
    (folder / "2024").mkdir()
    (folder / "2024" / "noter.txt").write_text(note(2024, "30. maj", OEKONOMI, BOLIG[:1]), encoding="utf-8")
    third = batch(folder, db, output=tmp_path / "ud", embedder=lexical, n_themes=3, formats=["md"])
    assert third.analysed and [Path(a).name for a in third.added] == ["noter.txt"]
    assert third.years == [2021, 2022, 2023, 2024] and (tmp_path / "ud" / "opsamling-2024.md").exists()


def test_cli_batch(tmp_path):
    folder = make_notes(tmp_path / "noter")
    result = CliRunner().invoke(app, ["batch", str(folder), "-p", str(tmp_path / "p.db"), "--embedder", "lexical",
                                      "--themes", "3", "-o", str(tmp_path / "ud"), "--format", "md,html"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "filer skrevet til" in result.stdout and "2021" in result.stdout
    assert (tmp_path / "ud" / "opsamling-2023.html").exists()
    missing = CliRunner().invoke(app, ["batch", str(tmp_path / "findes-ikke"), "-p", str(tmp_path / "p.db")])
    assert missing.exit_code == 2 and "findes-ikke" in missing.stderr and "Traceback" not in missing.output


def test_one_year_and_undated_notes_are_reported_without_a_comparison(tmp_path, lexical):
    folder = tmp_path / "noter"
    folder.mkdir()
    (folder / "dialogmoede-2022.txt").write_text(note(2022, "1. juni", BOLIG, OEKONOMI), encoding="utf-8")
    (folder / "løse-noter.txt").write_text("\n".join(f"• {t}." for t in ENSOMHED), encoding="utf-8")
    result = batch(folder, tmp_path / "p.db", embedder=lexical, n_themes=2, formats=["md"])
    assert result.years == [2022] and result.comparison is None
    assert result.undated == ["løse-noter.txt"]
    assert any("kun ét år" in w for w in result.warnings)
    assert sorted(p.name for p in result.output.iterdir()) == ["opsamling-2022.md", "opsamling-alle-år.xlsx"]
    assert "Ensomheden" not in (result.output / "opsamling-2022.md").read_text(encoding="utf-8")
