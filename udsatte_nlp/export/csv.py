"""CSV export: one row per unit (UTF-8 with BOM so Excel reads æ/ø/å)."""

from __future__ import annotations

import csv
from pathlib import Path

from .summary import Summary
from .util import safe_cell

COLUMNS = [
    "unit_id",
    "document",
    "year",
    "section",
    "text",
    "theme_id",
    "theme_label",
    "score",
    "assigned_by",
    "source",
]


def write(summary: Summary, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for u in summary.units:
            row = []
            for c in COLUMNS:
                value = u.get(c)
                if c == "score" and value is not None:
                    value = f"{value:.3f}"
                row.append(safe_cell(value) if isinstance(value, str) else ("" if value is None else value))
            writer.writerow(row)


write_csv = write  # the name used before the format registry
