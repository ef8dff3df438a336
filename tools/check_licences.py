#!/usr/bin/env python3
"""List the licence of every runtime dependency of udsatte-nlp, recursively, and fail on GPL/AGPL.

udsatte-nlp is MIT-licensed and meant to be installed and shared freely by councils
and their secretariats; a runtime dependency under the GNU General Public License
(or the Affero GPL) would put the whole installed program under its terms. The check
reads the *installed* metadata (``importlib.metadata``) of each requirement in
``pyproject.toml``'s ``[project] dependencies`` and of their requirements in turn
(extras and requirements whose environment markers do not apply are skipped), and
judges each distribution by its ``License-Expression`` (SPDX), its ``License`` field
and its ``License ::`` classifiers:

* GPL or AGPL (any version) with no non-GPL alternative (``MIT OR GPL-2.0`` is fine) fails,
* the licences in :data:`ALLOWED_LICENCES` (LGPL, a GPL with a linking exception) are
  allowed, and so are the distributions in :data:`ALLOWED`, each with its reason.

    python tools/check_licences.py            # table of every runtime dependency; exit 1 on a GPL one

``tests/test_licences.py`` runs the same check, so CI fails when a GPL dependency comes in.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

#: Licences that mention the GPL but may be used by an MIT program, with the reason (judged by the
#: patterns below, so that "LGPL-2.1" is never read as "GPL").
ALLOWED_LICENCES: dict[str, str] = {
    "LGPL": "the Lesser GPL lets a program under any licence use the library unchanged",
    "GPL with a linking or runtime exception": "the exception (GCC runtime, Classpath, LLVM) frees programs that only link to it",
    "GPL-compatible": "a permissive licence that says it can be combined with GPL code is not itself the GPL",
}
#: Distributions judged GPL by their metadata that may still be used here, by canonical name, with the
#: reason (for example a package whose wheel is dual-licensed but whose metadata names only the GPL).
ALLOWED: dict[str, str] = {}

_GPL_TOKEN = re.compile(r"^(?:A?GPL|AGPL)(?:-\d(?:\.\d)?)?(?:-only|-or-later|\+)?$", re.I)
_GPL_TEXT = re.compile(r"\b(?:A?GPL(?:v?\d(?:\.\d)?)?\+?|GNU (?:Affero )?General Public Licen[cs]e)\b", re.I)
_LGPL_TEXT = re.compile(r"\bLGPL|Lesser General Public|Library General Public|GPL[- ]compatible|exception", re.I)


@dataclass(frozen=True)
class Licence:
    name: str
    version: str
    text: str  # what the metadata says, shortened
    gpl: bool  # GPL/AGPL without an alternative


def _spdx_is_gpl(expression: str) -> bool:
    """Whether an SPDX expression binds the user to the GPL: ``GPL-3.0-only`` and ``MIT AND GPL-2.0`` do;
    ``MIT OR GPL-2.0`` (a choice), ``LGPL-2.1`` and ``GPL-2.0 WITH Classpath-exception-2.0`` do not."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    pos = 0

    def peek() -> str:
        return tokens[pos].upper() if pos < len(tokens) else ""

    def term() -> bool:  # a licence, "licence WITH exception" or a bracketed expression
        nonlocal pos
        if peek() == "(":
            pos += 1
            value = either()
            pos += 1  # ")"
        else:
            value = bool(_GPL_TOKEN.match(tokens[pos])) if pos < len(tokens) else False
            pos += 1
        if peek() == "WITH":
            pos += 2
            value = False
        return value

    def both() -> bool:  # AND binds tighter than OR
        nonlocal pos
        value = term()
        while peek() == "AND":
            pos += 1
            value = term() or value
        return value

    def either() -> bool:
        nonlocal pos
        value = both()
        while peek() == "OR":
            pos += 1
            value = both() and value
        return value

    return either()


def judge(meta: metadata.PackageMetadata) -> tuple[str, bool]:
    """``(summary, gpl)`` for one distribution's metadata."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression, _spdx_is_gpl(expression)
    classifiers = [c.split("::", 1)[1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    field = " ".join((meta.get("License") or "").split())
    if classifiers:
        # several licence classifiers mean a choice: GPL only when every one of them is GPL
        gpl = all(_GPL_TEXT.search(c) and not _LGPL_TEXT.search(c) for c in classifiers if c != "OSI Approved")
        shown = "; ".join(c.removeprefix("OSI Approved :: ") for c in classifiers if c != "OSI Approved")
        return shown or field[:60], gpl and any(c != "OSI Approved" for c in classifiers)
    head = field[:200]
    gpl = bool(_GPL_TEXT.search(head)) and not _LGPL_TEXT.search(head) and not re.search(r"\bOR\b|\bor\b", head)
    return field[:60] or "unknown", gpl


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [Requirement(r) for r in data["project"]["dependencies"]]


def walk(requirements: list[Requirement]) -> tuple[list[Licence], list[str]]:
    """Every installed distribution reached from ``requirements`` (markers applied, extras left out),
    and the names of requirements that are not installed."""
    env = default_environment()
    seen: dict[str, Licence] = {}
    missing: list[str] = []
    todo = list(requirements)
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
            continue
        key = canonicalize_name(req.name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            missing.append(req.name)
            continue
        text, gpl = judge(dist.metadata)
        seen[key] = Licence(dist.metadata["Name"], dist.version, text, gpl)
        for spec in dist.requires or []:
            todo.append(Requirement(spec))
    return sorted(seen.values(), key=lambda lic: lic.name.lower()), sorted(missing)


def violations(licences: list[Licence]) -> list[Licence]:
    return [lic for lic in licences if lic.gpl and canonicalize_name(lic.name) not in ALLOWED]


def main() -> int:
    licences, missing = walk(runtime_requirements())
    for lic in licences:
        mark = "GPL!" if lic.gpl else "    "
        print(f"{mark} {lic.name:<28} {lic.version:<14} {lic.text}")
    if missing:
        print(f"not installed (skipped): {', '.join(missing)}")
    bad = violations(licences)
    print(f"{len(licences)} runtime distributions; {len(bad)} under GPL/AGPL without an allowed exception")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
