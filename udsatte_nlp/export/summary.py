"""A format-neutral summary of a project: what every export format renders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["Summary", "ThemeSummary", "build_summary"]


@dataclass
class ThemeSummary:
    id: int
    label: str
    description: str
    keywords: list[str]
    size: int
    share: float
    is_outlier: bool
    representatives: list[str] = field(default_factory=list)


@dataclass
class Summary:
    title: str
    created: str
    model: str | None
    seed: int | None
    n_documents: int
    n_units: int
    themes: list[ThemeSummary]
    units: list[dict[str, Any]]  # one row per unit: unit_id, document, year, section, text, theme_id, theme_label, score

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def build_summary(store: Any, *, title: str | None = None, n_quotes: int = 5) -> Summary:
    units = store.unit_table()
    total = len(units) or 1
    by_theme: dict[int, list[dict[str, Any]]] = {}
    for u in units:
        if u["theme_id"] is not None:
            by_theme.setdefault(u["theme_id"], []).append(u)
    themes = []
    for t in store.themes():
        members = by_theme.get(t["id"], [])
        ranked = sorted(members, key=lambda u: (-(u["score"] or 0.0), u["unit_id"]))
        quotes: list[str] = []
        for u in ranked:
            if u["text"] not in quotes:
                quotes.append(u["text"])
            if len(quotes) == n_quotes:
                break
        themes.append(
            ThemeSummary(
                id=t["id"],
                label=t["label"],
                description=t["description"],
                keywords=json.loads(t["keywords"]),
                size=len(members),
                share=len(members) / total,
                is_outlier=bool(t["is_outlier"]),
                representatives=quotes,
            )
        )
    info = store.info()
    last = info["last_run"] or {}
    return Summary(
        title=title or "Opsamling af temaer",
        created=date.today().isoformat(),
        model=last.get("model"),
        seed=last.get("seed"),
        n_documents=info["documents"],
        n_units=info["units"],
        themes=themes,
        units=units,
    )
