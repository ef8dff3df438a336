"""Codebooks: the themes staff already want, as a TOML file.

.. code-block:: toml

    [[theme]]
    name = "Retssikkerhed"                      # required, kept exactly as the label
    description = "At borgernes rettigheder respekteres"
    keywords = ["rettigheder", "klage", "afgørelse"]
    examples = ["Man skal kunne klage uden at være bange"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = ["CodebookTheme", "load_codebook", "parse_codebook"]


@dataclass(frozen=True)
class CodebookTheme:
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def prompts(self) -> list[str]:
        """Texts that describe the theme, for embedding."""
        head = self.name + (f": {self.description}" if self.description else "")
        out = [head]
        if self.keywords:
            out.append(f"{self.name}: {', '.join(self.keywords)}")
        out.extend(self.examples)
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
    p = Path(path)
    if not p.is_file():
        raise ConfigError("Kodebogen findes ikke", path=p, hint="Tjek stien til --codebook")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("Kodebogen er ikke UTF-8", path=p, hint="Gem filen som UTF-8") from None
    return parse_codebook(text, str(p))
