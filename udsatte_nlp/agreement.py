"""How much two placements of the same inputs agree: Cohen's κ and agreement per theme.

Two comparisons are offered:

* :func:`model_vs_person`: the model's *first* placement of each input against
  where the input is now, after the staff's review. The first placement is read
  from the edit log, so no extra column is needed: it is the ``before`` of the
  first (not undone) change a person made to the input's assignment; an input no
  person moved still has the model's placement.
* :func:`between`: this project's placements against another coding of the same
  inputs: another project file (``.db``, matched by document and text) or a
  REFI-QDA project (``.qdpx``) coded in NVivo, ATLAS.ti, MAXQDA or QualCoder
  (its selections are mapped onto the inputs as ``import-coding`` does). Themes
  are compared by name.

κ is scikit-learn's :func:`~sklearn.metrics.cohen_kappa_score`; per theme the
*specific agreement* ``2·begge / (A + B)`` says how often the two agree on that
theme when either uses it.

>>> a = {1: "Bolig", 2: "Bolig", 3: "Job", 4: "Job"}
>>> b = {1: "Bolig", 2: "Job", 3: "Job", 4: "Job"}
>>> r = compare(a, b)
>>> r.n, r.n_same, round(r.kappa, 2)
(4, 3, 0.5)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Agreement",
    "ThemeAgreement",
    "cohen_kappa",
    "compare",
    "first_placements",
    "model_vs_person",
    "between",
    "kappa_text",
    "sentence",
]


@dataclass
class ThemeAgreement:
    label: str
    n_a: int  # inputs the first coder put in the theme
    n_b: int  # inputs the second coder put in the theme
    n_both: int

    @property
    def agreement(self) -> float | None:
        """Specific (positive) agreement ``2·both / (a + b)``; None when neither used the theme."""
        total = self.n_a + self.n_b
        return 2 * self.n_both / total if total else None


@dataclass
class Agreement:
    """The result of comparing two placements of the same inputs."""

    a: str  # who placed first, in Danish ("model", a file name)
    b: str
    n: int  # inputs both placed
    n_same: int
    kappa: float | None  # None when undefined (both put everything in one theme)
    themes: list[ThemeAgreement] = field(default_factory=list)
    only_a: int = 0  # inputs only the first placed
    only_b: int = 0
    reviewed: bool = True  # model_vs_person: whether any person changed any placement

    @property
    def observed(self) -> float:
        return self.n_same / self.n if self.n else 0.0

    @property
    def n_changed(self) -> int:
        return self.n - self.n_same


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's κ of two equally long label sequences; None when it is undefined (chance agreement 1)."""
    if len(a) != len(b):
        raise ValueError("the two codings must cover the same inputs")
    if not a:
        return None
    codes = {v: i for i, v in enumerate(dict.fromkeys([*a, *b]))}
    if len(codes) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    # with two or more labels in use, chance agreement is below 1 and κ is defined
    return float(cohen_kappa_score([codes[v] for v in a], [codes[v] for v in b]))


def compare(
    a: Mapping[Any, Hashable],
    b: Mapping[Any, Hashable],
    *,
    names: Mapping[Hashable, str] | None = None,
    who: tuple[str, str] = ("A", "B"),
) -> Agreement:
    """Compare two placements ``{input: theme}`` on the inputs both placed.

    ``names`` gives a theme's display name (default: ``str(theme)``).
    """
    keys = [k for k in a if k in b]
    xa = [a[k] for k in keys]
    xb = [b[k] for k in keys]
    same = sum(1 for u, v in zip(xa, xb, strict=True) if u == v)
    ca, cb = Counter(xa), Counter(xb)
    both = Counter(u for u, v in zip(xa, xb, strict=True) if u == v)
    order = sorted(set(ca) | set(cb), key=lambda t: (-(ca[t] + cb[t]), str((names or {}).get(t, t))))
    themes = [ThemeAgreement(str((names or {}).get(t, t)), ca[t], cb[t], both[t]) for t in order]
    return Agreement(
        who[0], who[1], len(keys), same, cohen_kappa(xa, xb), themes,
        only_a=sum(1 for k in a if k not in b), only_b=sum(1 for k in b if k not in a),
    )  # fmt: skip


# ------------------------------------------------------------ one project
def first_placements(store: Any) -> tuple[dict[int, int], set[int]]:
    """The model's first placement of every input it placed, ``{unit id: theme id}``, and the inputs a
    person changed.

    Read from the edit log: the ``before`` of the first change (in an edit that is
    not undone) to an input's assignment, when that ``before`` was the model's; an
    input no edit touched keeps its current placement when the model made it.
    Inputs first placed by a person (or whose first placement is unknown) are left out.
    """
    return _first_placements(store, _edited(store), _current(store))


def _edited(store: Any) -> dict[int, dict[str, Any] | None]:
    """The ``before`` of the first change to each input's assignment in an edit that is not undone."""
    first: dict[int, dict[str, Any] | None] = {}
    for (payload,) in store.conn.execute("SELECT payload FROM edits WHERE undone = 0 ORDER BY id"):
        for ch in json.loads(payload):
            if ch.get("table") == "assignments":
                first.setdefault(int(ch["key"]), ch.get("before"))
    return first


def _current(store: Any) -> dict[int, tuple[int, str]]:
    """Every assignment as ``{unit id: (theme id, source)}`` (plain tuples: a project may hold 300,000)."""
    return {int(u): (int(t), s) for u, t, s in store.conn.execute("SELECT unit_id, theme_id, source FROM assignments")}


def _first_placements(
    store: Any, first: dict[int, dict[str, Any] | None], current: dict[int, tuple[int, str]]
) -> tuple[dict[int, int], set[int]]:
    units = {int(r[0]) for r in store.conn.execute("SELECT id FROM units")}
    model: dict[int, int] = {}
    for uid in units:
        if uid in first:
            before = first[uid]
            if before is not None and before.get("source") == "model" and before.get("theme_id") is not None:
                model[uid] = int(before["theme_id"])
        elif uid in current and current[uid][1] == "model":
            model[uid] = current[uid][0]
    return model, {u for u in first if u in units}


def _theme_names(store: Any) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in store.conn.execute("SELECT id, label FROM themes")}


def model_vs_person(store: Any, unit_ids: Sequence[int] | None = None) -> Agreement:
    """The model's first placement against the staff's final one (all inputs, or ``unit_ids``)."""
    current = _current(store)
    model, touched = _first_placements(store, _edited(store), current)
    final = {u: t for u, (t, _) in current.items()}
    if unit_ids is not None:
        keep = {int(u) for u in unit_ids}
        model = {u: t for u, t in model.items() if u in keep}
        final = {u: t for u, t in final.items() if u in keep}
        touched &= keep
    names = _theme_names(store)
    names = {t: names.get(t, f"(slettet tema {t})") for t in set(model.values()) | set(final.values())}
    result = compare(model, final, names=names, who=("model", "medarbejder"))
    result.reviewed = bool(touched)
    return result


# --------------------------------------------------------- two codings
def _project_placements(store: Any) -> tuple[dict[tuple[str, str, int], str], dict[str, str]]:
    """``{(document, text, occurrence): theme key}`` and ``{theme key: label}`` (key: the casefolded label)."""
    rows = store.conn.execute(
        "SELECT d.name, u.text, t.label FROM units u JOIN documents d ON d.id = u.document_id"
        " JOIN assignments a ON a.unit_id = u.id JOIN themes t ON t.id = a.theme_id ORDER BY u.document_id, u.seq"
    ).fetchall()
    seen: Counter[tuple[str, str]] = Counter()
    out: dict[tuple[str, str, int], str] = {}
    names: dict[str, str] = {}
    for doc, text, label in rows:
        k = (str(doc), " ".join(str(text).split()))
        out[(*k, seen[k])] = _key(label)
        seen[k] += 1
        names.setdefault(_key(label), str(label))
    return out, names


def _key(label: str) -> str:
    return " ".join(str(label).casefold().split())


def between(store: Any, other: str | Path) -> Agreement:
    """This project's placements against another coding of the same inputs: a project (``.db``) or a
    REFI-QDA project (``.qdpx``). Themes are matched by name (case and spacing ignored)."""
    from .errors import ConfigError

    other = Path(other)
    mine, names = _project_placements(store)
    if other.suffix.lower() == ".qdpx":
        from .refi.importer import coded_units

        coded = coded_units(store, other)
        by_unit = {}
        keys = {}
        rows = store.conn.execute(
            "SELECT u.id, d.name, u.text FROM units u JOIN documents d ON d.id = u.document_id ORDER BY u.document_id, u.seq"
        ).fetchall()
        seen: Counter[tuple[str, str]] = Counter()
        for uid, doc, text in rows:
            k = (str(doc), " ".join(str(text).split()))
            keys[int(uid)] = (*k, seen[k])
            seen[k] += 1
        for uid, label in coded.items():
            by_unit[keys[uid]] = _key(label)
            names.setdefault(_key(label), label)
        theirs = by_unit
    elif other.suffix.lower() == ".db":
        from .store import ProjectStore

        if store.path != ":memory:" and Path(store.path).resolve() == other.resolve():
            raise ConfigError("Et projekt sammenlignes med sig selv", path=other, hint="Angiv et andet projekt med --with")
        with ProjectStore(other, create=False) as o:
            theirs, other_names = _project_placements(o)
        for k, v in other_names.items():
            names.setdefault(k, v)
    else:
        raise ConfigError(
            "Kan kun sammenligne med et projekt (.db) eller et REFI-QDA-projekt (.qdpx)", path=other,
            hint="Angiv en .db- eller .qdpx-fil med --with",
        )
    result = compare(mine, theirs, names=names, who=(Path(store.path).name, other.name))
    if not result.n:
        raise ConfigError(
            "Ingen input findes i begge kodninger", path=other,
            hint="Sammenlign kodninger af de samme dokumenter",
        )
    return result


# ------------------------------------------------------------- wording
def kappa_text(kappa: float | None) -> str:
    """``κ = 0,71`` (Danish decimal comma), or a note when κ is undefined."""
    if kappa is None:
        return "κ kan ikke beregnes (alle input i samme tema)"
    return f"κ = {kappa:.2f}".replace(".", ",").replace("-", "−")


def sentence(result: Agreement) -> str:
    """One Danish sentence for the app and the report's method section, or ``""`` before any review.

    >>> sentence(Agreement("model", "medarbejder", 100, 82, 0.712))
    'Medarbejderne flyttede 18 % af input; enighed mellem model og medarbejder κ = 0,71.'
    """
    from .export.summary import percent

    if not result.n or not result.reviewed:
        return ""
    if not result.n_changed:
        return f"Medarbejderne flyttede ingen af de {result.n} input, modellen placerede."
    return (
        f"Medarbejderne flyttede {percent(result.n_changed / result.n)} af input; enighed mellem model og"
        f" medarbejder {kappa_text(result.kappa)}."
    )
