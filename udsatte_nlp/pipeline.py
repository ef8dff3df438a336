"""Orchestration: files → project → themes. No CLI or UI code here.

Progress is reported through an optional callback ``progress(stage, done, total)``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, ProjectError, UdsatteError
from .records import Correction, Document, Unit

__all__ = ["prepare", "ingest_files", "analyze", "AnalysisResult", "Progress"]

Progress = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None:
    pass


def prepare(
    doc: Document, cleaner: Any = None, *, chrome: Collection[str] = ()
) -> tuple[str, list[Correction], list[Unit]]:
    """Clean and segment one document: ``(clean_text, corrections, units)``.

    Tables are cleaned row by row (so a row never runs into the next) and give
    one unit per row; correction positions are then offsets in ``doc.text``.
    ``doc.title`` is settled here, from the cleaned text (:func:`~udsatte_nlp.titles.document_title`).
    ``chrome`` holds lines repeated across documents of one web site
    (:func:`~udsatte_nlp.segment.site_chrome` over the raw texts of a batch):
    they are dropped, never made units.
    """
    from .clean import build_cleaner
    from .segment import segment, segment_rows
    from .titles import document_title

    cleaner = cleaner or build_cleaner()
    if doc.rows is not None:
        texts, corrections = [], []
        offset = 0
        for row in doc.rows:
            res = cleaner(row.text)
            texts.append(" ".join(res.text.split()))
            corrections.extend(
                Correction(c.start + offset, c.before, c.after, c.rule, c.confidence, c.status) for c in res.corrections
            )
            offset += len(row.text) + 1
        doc.title = document_title(doc, "\n".join(texts))
        return "\n".join(texts), corrections, segment_rows(doc.rows, texts)
    res = cleaner(doc.text)
    doc.title = document_title(doc, res.text, chrome=chrome)
    return res.text, res.corrections, segment(res.text, chrome=chrome)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[UdsatteError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AnalysisResult:
    project: str
    ingest: IngestReport
    run_id: int | None
    n_units: int
    n_embedded: int
    themes: list[Any]
    model: str


def read_inputs(
    inputs: Sequence[str | Path],
    *,
    text_column: str | None = None,
    progress: Progress = _noop,
    ocr: bool = False,
    known: Collection[str] = (),
) -> tuple[list[tuple[Document, str, list[Correction], list[Unit]]], IngestReport]:
    """Read, clean and segment every input. Nothing is written anywhere.

    ``ocr`` OCRs every PDF page with Tesseract (see :func:`udsatte_nlp.ingest.read`).
    A document whose content (``sha256``) is in ``known`` is already in the project as it
    is: it is read but not cleaned or segmented again (its entry has no units).

    A file the user named explicitly that cannot be read raises at once; a bad
    file found inside a folder is reported and skipped.
    """
    from .ingest import collect_paths, read

    from .segment import site_chrome

    paths, _ = collect_paths(inputs)
    explicit = {Path(p).resolve() for p in inputs if Path(p).is_file()}
    report = IngestReport()
    docs: list[Document] = []
    for i, path in enumerate(paths, start=1):
        progress("Læser filer", i - 1, len(paths))
        try:
            docs.append(read(path, text_column=text_column, ocr=ocr))
        except InputError as exc:
            if Path(path).resolve() in explicit:
                raise
            report.failed.append(exc)
    # banners and footers repeated across the scraped pages of one web site
    chrome = site_chrome(d.text for d in docs if d.rows is None)
    prepared = []
    for doc in docs:
        if doc.sha256 in known:  # unchanged: the project holds its inputs already
            report.warnings.extend(f"{doc.path}: {w}" for w in doc.warnings)
            prepared.append((doc, doc.text, [], []))
            continue
        clean, corrections, units = prepare(doc, chrome=chrome)
        if not units:
            report.warnings.append(f"{doc.path}: Filen gav ingen input efter rensning.")
        report.warnings.extend(f"{doc.path}: {w}" for w in doc.warnings)
        prepared.append((doc, clean, corrections, units))
    progress("Læser filer", len(paths), len(paths))
    if not paths:
        raise InputError("Der blev ikke fundet nogen filer, der kan læses", path=", ".join(map(str, inputs)),
                         hint="Understøttede filer: .txt .md .html .docx .pdf .csv .xlsx .png .jpg .tif")
    if not prepared and report.failed:
        raise report.failed[0]
    return prepared, report


def ingest_files(
    store: Any,
    prepared: Iterable[tuple[Document, str, list[Correction], list[Unit]]],
    report: IngestReport,
) -> IngestReport:
    """Store prepared documents; unchanged files (same content) are skipped."""
    for doc, clean, corrections, units in prepared:
        _, added = store.add_document(doc, clean, corrections, units)
        (report.added if added else report.unchanged).append(doc.path)
    return report


def _known_documents(project: str | Path) -> set[str]:
    """The content hashes of the documents a project already holds (none when it does not exist yet)."""
    from .store import ProjectStore

    if str(project) == ":memory:" or not Path(project).is_file():
        return set()
    try:
        with ProjectStore(project, create=False) as store:
            return {r[0] for r in store.conn.execute("SELECT sha256 FROM documents")}
    except ProjectError:  # reported when the project is opened for the analysis
        return set()


def _planned_units(
    store: Any, prepared: Sequence[tuple[Document, str, list[Correction], list[Unit]]]
) -> tuple[list[str], list[str], list[int | None]]:
    """Texts and hashes of the project's units as they will be once ``prepared`` is stored,
    in the store's order (by document, then position): kept documents first, new ones after.
    The third list holds each unit's id where it is already in the project (``None`` for a
    new unit)."""
    from .store import text_hash

    new_docs = []
    seen = set()
    for doc, _clean, _corr, units in prepared:
        if store.document_by_sha(doc.sha256) is None and doc.sha256 not in seen:
            seen.add(doc.sha256)
            new_docs.append((doc, units))
    replaced_paths = {doc.path for doc, _ in new_docs}
    texts: list[str] = []
    ids: list[int | None] = []
    for uid, text, path in store.conn.execute(  # only the columns needed: a project may hold 300,000 units
        "SELECT u.id, u.text, d.path FROM units u JOIN documents d ON d.id = u.document_id ORDER BY u.document_id, u.seq"
    ):
        if path not in replaced_paths:
            texts.append(text)
            ids.append(int(uid))
    for _doc, units in new_docs:
        texts.extend(u.text for u in units)
        ids.extend([None] * len(units))
    return texts, [text_hash(t) for t in texts], ids


def _previous_state(
    store: Any, model: str, hashes: Sequence[str], ids: Sequence[int | None], replaced: Collection[str]
) -> tuple[list[Any], list[int], list[bool]]:
    """The themes the run continues from and each planned unit's theme and who placed it.

    A changed file's new inputs that are still there word for word keep the theme a
    person placed them in (:meth:`~udsatte_nlp.store.ProjectStore.add_document` does the same).
    """
    themes, placed = store.theme_state(model)
    carried: dict[str, int] = {}
    if replaced:
        marks = ",".join("?" * len(replaced))
        for r in store.conn.execute(
            "SELECT u.text_hash, a.theme_id FROM units u JOIN documents d ON d.id = u.document_id"
            f" JOIN assignments a ON a.unit_id = u.id WHERE a.source = 'human' AND d.path IN ({marks})"
            " ORDER BY u.document_id, u.seq",
            list(replaced),
        ):
            carried.setdefault(r[0], int(r[1]))
    index = {t.key: i for i, t in enumerate(themes)}
    labels, human = [], []
    for h, uid in zip(hashes, ids, strict=True):
        if uid is not None and uid in placed:
            t, by_person = placed[uid]
        elif uid is None and h in carried and carried[h] in index:
            t, by_person = index[carried[h]], True
        else:
            t, by_person = -1, False
        labels.append(t)
        human.append(by_person)
    return themes, labels, human


def analyze(
    inputs: Sequence[str | Path],
    project: str | Path,
    *,
    n_themes: int | None = None,
    seed: int = 0,
    codebook: str | Path | None = None,
    embedder: Any = None,
    text_column: str | None = None,
    engine: str = "native",
    progress: Progress | None = None,
    ocr: bool = False,
) -> AnalysisResult:
    """Ingest ``inputs`` into ``project`` and find themes across all its units.

    ``embedder`` is an :class:`~udsatte_nlp.embed.Embedder` or a name for
    :func:`~udsatte_nlp.embed.load_embedder` (``None``: the bundled default).
    The project file is only created or changed once every named input has been
    read successfully.
    """
    from .embed import embed_cached, load_embedder
    from .store import ProjectStore
    from .themes import ThemeModel, load_codebook
    from .themes.identity import reconcile
    from .themes.model import center

    progress = progress or _noop
    cb = load_codebook(codebook) if codebook else None
    prepared, report = read_inputs(inputs, text_column=text_column, progress=progress, ocr=ocr,
                                   known=_known_documents(project))
    if not isinstance(embedder, str | None):
        emb = embedder
    else:
        progress("Indlæser model", 0, 1)
        emb = load_embedder(embedder)
        progress("Indlæser model", 1, 1)

    store = ProjectStore(project)
    try:
        # Everything slow happens before the project changes: the new units are embedded
        # (the embedding cache is written batch by batch, so a killed run keeps its work)
        # and the themes fitted; then documents, units, the run and its themes are written
        # in ONE transaction. Killed at any moment, the project is as before or complete.
        texts, hashes, unit_ids = _planned_units(store, prepared)
        if not texts:
            with store.atomic():
                ingest_files(store, prepared, report)
            return AnalysisResult(str(project), report, None, 0, 0, [], emb.name)
        vectors, n_new = embed_cached(store, emb, texts, hashes, progress=lambda d, t: progress("Embedder", d, t))
        progress("Finder temaer", 0, 1)
        model = ThemeModel(n_themes, codebook=cb, embedder=emb, seed=seed, engine=engine).fit(vectors, texts)
        # continue the project's themes: a person's themes and placements stay, the rest joins them
        replaced = {doc.path for doc, *_ in prepared if store.document_by_sha(doc.sha256) is None}
        previous, prev_labels, human = _previous_state(store, emb.name, hashes, unit_ids, replaced)
        plan = reconcile(model, center(vectors, model.mean_), texts, previous, prev_labels, human, X=vectors)
        progress("Finder temaer", 1, 1)
        params = {
            "inputs": [str(p) for p in inputs],
            "n_themes": n_themes,
            "codebook": str(codebook) if codebook else None,
            "text_column": text_column,
            "engine": engine,
        }
        with store.atomic():
            ingest_files(store, prepared, report)
            rows = store.conn.execute("SELECT id, text_hash FROM units ORDER BY document_id, seq").fetchall()
            if [r["text_hash"] for r in rows] != hashes:
                raise ProjectError(
                    "Projektet blev ændret af en anden proces under analysen",
                    path=project,
                    hint="Kør analysen igen (det, der allerede er beregnet, genbruges)",
                )
            run_id = store.add_run(params, seed, emb.name)
            store.save_plan(run_id, plan, [r["id"] for r in rows], mean=model.mean_)
        return AnalysisResult(str(project), report, run_id, len(rows), n_new, plan.themes, emb.name)
    finally:
        store.close()
