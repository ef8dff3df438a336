"""Codebooks: the themes staff already want, as a TOML file or a REFI-QDA codebook.

.. code-block:: toml

    [[theme]]
    name = "Retssikkerhed"                      # required, kept exactly as the label
    description = "At borgernes rettigheder respekteres"
    keywords = ["rettigheder", "klage", "afgørelse"]
    examples = ["Man skal kunne klage uden at være bange"]

A ``.qdc`` codebook or a ``.qdpx`` project from NVivo, ATLAS.ti, MAXQDA or
QualCoder works as it is (read by :mod:`udsatte_nlp.refi.reader`): every codable
code is a theme, nested codes included, with its ``Description`` as the
description; a code that only groups others (``isCodable="false"``) is skipped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..refi.reader import QdaCode, read_codebook

__all__ = ["CodebookTheme", "load_codebook", "parse_codebook", "theme_centres"]


@dataclass(frozen=True)
class CodebookTheme:
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def prompts(self) -> list[str]:
        """Texts that define the theme (not its examples), for embedding.

        The name is said in a few ways (an ensemble of prompts is steadier than one).
        """
        lower = self.name[0].lower() + self.name[1:]
        out = [self.name, f"Tema: {self.name}", f"Dette handler om {lower}", f"Drømme og bekymringer om {lower}"]
        if self.description:
            out.append(f"{self.name}: {self.description}")
        if self.keywords:
            out.append(f"{self.name}: {', '.join(self.keywords)}")
        return out


_ALLOWED = {"name", "description", "keywords", "examples"}


def parse_codebook(text: str, source: str = "<codebook>") -> list[CodebookTheme]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Kodebogen er ikke gyldig TOML ({exc})", path=source, hint="Ret filen") from None
    themes = data.get("theme")
    if not isinstance(themes, list) or not themes:
        raise ConfigError(
            "Kodebogen har ingen temaer",
            path=source,
            hint='Skriv hvert tema som en [[theme]]-tabel med name = "…"',
        )
    out: list[CodebookTheme] = []
    seen: set[str] = set()
    for i, entry in enumerate(themes, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"Tema nr. {i} er ikke en tabel", path=source, hint="Brug [[theme]]")
        unknown = set(entry) - _ALLOWED
        if unknown:
            raise ConfigError(
                f"Tema nr. {i} har ukendte felter: {', '.join(sorted(unknown))}",
                path=source,
                hint="Tilladte felter er name, description, keywords og examples",
            )
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"Tema nr. {i} mangler et navn", path=source, hint='Tilføj name = "…"')
        name = name.strip()
        if name.casefold() in seen:
            raise ConfigError(f"Temaet «{name}» står der to gange", path=source, hint="Giv temaerne forskellige navne")
        seen.add(name.casefold())
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"description i «{name}» skal være tekst", path=source)
        lists = {}
        for key in ("keywords", "examples"):
            value = entry.get(key, [])
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key} i «{name}» skal være en liste af tekster", path=source, hint='Fx ["a", "b"]')
            lists[key] = tuple(v.strip() for v in value if v.strip())
        out.append(CodebookTheme(name, description.strip(), lists["keywords"], lists["examples"]))
    return out


def load_codebook(path: str | Path) -> list[CodebookTheme]:
    """The themes of a codebook: TOML, or REFI-QDA (``.qdc`` codebook, ``.qdpx`` project)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError("Kodebogen findes ikke", path=p, hint="Tjek stien til --codebook")
    if p.suffix.lower() in (".qdc", ".qdpx"):
        return codebook_from_codes(read_codebook(p), str(p))
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("Kodebogen er ikke UTF-8", path=p, hint="Gem filen som UTF-8") from None
    return parse_codebook(text, str(p))


def codebook_from_codes(codes: list[QdaCode], source: str = "<codebook>") -> list[CodebookTheme]:
    """Codebook themes from REFI-QDA codes: one per codable code, in the file's order.

    A name used by two codes (``Andet`` under two parents) becomes the code's path
    (``Bolig / Andet``). A description in the layout udsatte-nlp writes gives back
    its keywords (``Nøgleord: …``) and examples (``Eksempler:`` and ``- …`` lines);
    any other description is kept as it is.
    """
    codable = [c for c in codes if c.codable]
    if not codable:
        raise ConfigError(
            "Kodebogen har ingen koder, der kan kodes med", path=source,
            hint="Eksportér en kodebog med mindst én kode",
        )  # fmt: skip
    counts: dict[str, int] = {}
    for c in codable:
        counts[c.name.casefold()] = counts.get(c.name.casefold(), 0) + 1
    out: list[CodebookTheme] = []
    seen: set[str] = set()
    for c in codable:
        name = c.name if counts[c.name.casefold()] == 1 else " / ".join(c.path)
        if name.casefold() in seen:
            raise ConfigError(f"Koden «{name}» står der to gange", path=source, hint="Giv koderne forskellige navne")
        seen.add(name.casefold())
        description, keywords, examples = _split_description(c.description)
        out.append(CodebookTheme(name, description, keywords, examples))
    return out


_OWN_LINE = re.compile(r"^\d+ input \([\d,]+ %\) i «.*»\.$|^Navnet (?:er foreslået af udsatte-nlp|er givet af en medarbejder|kommer fra kodebogen)\.$")


def _split_description(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``(description, keywords, examples)`` from a code's description (see :func:`codebook_from_codes`)."""
    keep: list[str] = []
    keywords: list[str] = []
    examples: list[str] = []
    in_examples = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_examples and stripped.startswith("- "):
            examples.append(stripped[2:].strip())
            continue
        in_examples = False
        if stripped.startswith("Nøgleord:"):
            keywords += [k.strip() for k in stripped[len("Nøgleord:") :].split(",") if k.strip()]
        elif stripped == "Eksempler:":
            in_examples = True
        elif not _OWN_LINE.match(stripped):
            keep.append(line)
    return "\n".join(keep).strip(), tuple(keywords), tuple(e for e in examples if e)


def theme_centres(codebook: list[CodebookTheme], embedder: object, mean: np.ndarray) -> np.ndarray:
    """One centre per codebook theme in the centred embedding space.

    The centre is the mean of the theme's definition prompts plus, when given, half
    the mean of its examples: examples say in the participants' own words what the
    name says abstractly, but two or three of them are a noisy sample.
    """
    prompts: list[str] = []
    owner: list[tuple[int, str]] = []
    for i, theme in enumerate(codebook):
        for p in theme.prompts():
            prompts.append(p)
            owner.append((i, "definition"))
        for e in theme.examples:
            prompts.append(e)
            owner.append((i, "example"))
    V = _unit(np.asarray(embedder.encode(prompts), dtype=np.float64))  # type: ignore[attr-defined]
    V = _unit(V - mean)
    centres = []
    for i in range(len(codebook)):
        centre = np.zeros(V.shape[1])
        for kind, weight in (("definition", 1.0), ("example", 0.5)):
            rows = [j for j, o in enumerate(owner) if o == (i, kind)]
            if rows:
                centre += weight * _unit(V[rows].mean(axis=0, keepdims=True))[0]
        centres.append(centre)
    return np.vstack(centres)


def _unit(X: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float64. Shared with model.py."""
    X = np.asarray(X, dtype=np.float64)
    n = np.linalg.norm(X, axis=1, keepdims=True)
    n[n == 0] = 1
    return X / n
