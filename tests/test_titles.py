"""Document titles come from the cleaned text: never web debris, an OCR'd title is the repaired one."""

from __future__ import annotations

from udsatte_nlp.ingest import read
from udsatte_nlp.pipeline import analyze, prepare
from udsatte_nlp.store import ProjectStore

from .conftest import SEEDS, requires_seeds

NOTAT = """Opsamling pa landspanel: Dremme for fremtidens socialpolitik

Landspanelet mgdtes i Nyborg den 12. marts. Deltagerne arbejdede i grupper med drgmme og bekymringer.
e Flere billige boliger til unge, der forlader et forsorgshjem
e Sagsbehandlere, der har tid til at lytte
Det blev ogsa drgftet, hvordan de lokale rad kan fa mere indflydelse pa budgettet.
"""

SCRAPE = """Gå direkte til indhold
Forside | Om os | Nyheder | Kontakt
Del på Facebook

Udsatterådet holdt temamøde om boliger

17. jun. 2014

Rådet drøftede, hvordan flere hjemløse kan få en bolig. Mange ønskede billigere boliger.
"""


def _titles(tmp_path, files: dict[str, str], lexical) -> dict[str, str]:
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    db = tmp_path / "p.db"
    analyze(paths, db, embedder=lexical)
    with ProjectStore(db, create=False) as store:
        return {d["name"]: d["title"] for d in store.documents()}


def test_an_ocr_damaged_notat_is_titled_by_its_repaired_first_line(tmp_path, lexical):
    doc = read(_write(tmp_path / "notat.txt", NOTAT))
    assert doc.title.startswith("Opsamling pa landspanel")  # the reader sees the damaged line
    clean, _, _ = prepare(doc)
    assert doc.title == "Opsamling på landspanel: Drømme for fremtidens socialpolitik" == clean.splitlines()[0]
    titles = _titles(tmp_path, {"notat.txt": NOTAT, "skrabet.txt": SCRAPE}, lexical)
    assert titles["notat.txt"] == "Opsamling på landspanel: Drømme for fremtidens socialpolitik"
    # a web scrape: not its skip link, menu or share link, but its headline
    assert titles["skrabet.txt"] == "Udsatterådet holdt temamøde om boliger"


def test_without_a_heading_the_title_is_the_file_name(tmp_path):
    postits = "\n".join(
        ["Gå direkte til indhold", "Flere boliger", "Tid til at lytte", "Gratis tandlæge", "Et sted at være om natten",
         "Hjælp til gæld", "Respekt"]
    )
    doc = read(_write(tmp_path / "plancher-bord-3.txt", postits))
    prepare(doc)
    assert doc.title == "plancher-bord-3"


def test_a_title_from_the_files_own_properties_is_kept(tmp_path):
    html = "<html><head><title>Workshop på værestedet</title></head><body><p>Vi talte om mad.</p></body></html>"
    doc = read(_write(tmp_path / "side.html", html))
    prepare(doc)
    assert doc.title == "Workshop på værestedet"


@requires_seeds
def test_the_scraped_seed_is_not_titled_by_its_skip_link():
    path = SEEDS / "000_b96692348a50d224.txt"
    doc = read(path)
    assert doc.title == "Gå direkte til indhold"  # what the reader takes from the raw first line
    clean, _, _ = prepare(doc)
    assert doc.title != "Gå direkte til indhold" and doc.title in clean.splitlines()
    for seed in sorted(SEEDS.glob("*.txt")):
        d = read(seed)
        prepare(d)
        assert d.title and "direkte til indhold" not in d.title.lower(), seed.name


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_first_line_that_is_a_whole_paragraph_is_no_title(tmp_path):
    words = "vi har brug for flere boliger og en sagsbehandler der ringer tilbage når man har spurgt"
    doc = read(_write(tmp_path / "diktat-marts.txt", " ".join([words] * 10)))
    assert doc.title.endswith("…")  # the reader cut the line short
    prepare(doc)
    assert doc.title == "diktat-marts"
