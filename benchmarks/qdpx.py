"""REFI-QDA round trip: how long export, import-coding and agreement take on a realistic project.

    python benchmarks/qdpx.py                    # 1,000 and 10,000 inputs
    python benchmarks/qdpx.py --sizes 2000

For each size a corpus is generated as in ``benchmarks/run.py`` and analysed with
the lexical embedder (the embedding model is not what is measured here). Then,
timed: ``export --format qdpx`` (plain and pseudonymised), ``import-coding`` of the
same file (the round trip that must change nothing), of the pseudonymised file
(whose texts differ, so positions go through the word alignment), and of a file
in which a tenth of the inputs were recoded by "another program", and
``agreement`` on the result. Printed: seconds per step and the file's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def recode(src: Path, dst: Path, every: int = 10) -> int:
    """Give every ``every``-th coded selection another code, by another user (as a person in NVivo would)."""
    from lxml import etree

    q = "{urn:QDA-XML:project:1.0}"
    with zipfile.ZipFile(src) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        files = {n: zf.read(n) for n in zf.namelist() if n != "project.qde"}
    codes = [c.get("guid") for c in root.iter(f"{q}Code")]
    n = 0
    for i, coding in enumerate(root.iter(f"{q}Coding")):
        if i % every == 0:
            ref = coding.find(f"{q}CodeRef")
            ref.set("targetGUID", codes[(codes.index(ref.get("targetGUID")) + 1) % len(codes)])
            coding.set("creatingUser", "11111111-2222-3333-4444-555555555555")
            n += 1
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", etree.tostring(root))
        for name, data in files.items():
            zf.writestr(name, data)
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()

    from benchmarks.run import make_corpus
    from udsatte_nlp.agreement import model_vs_person
    from udsatte_nlp.embed import LexicalEmbedder
    from udsatte_nlp.export import export
    from udsatte_nlp.pipeline import analyze
    from udsatte_nlp.refi.importer import import_coding
    from udsatte_nlp.store import ProjectStore

    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="udsatte-qdpx-") as tmp:
            folder = Path(tmp)
            (folder / "corpus").mkdir()
            make_corpus(folder / "corpus", size)
            files = sorted((folder / "corpus").iterdir())
            analyze(files, folder / "p.db", embedder=LexicalEmbedder(256))
            store = ProjectStore(folder / "p.db", create=False)
            n_units = store.info()["units"]
            rows = []

            def timed(name: str, fn):  # noqa: ANN001, ANN202
                t = time.perf_counter()
                out = fn()
                rows.append((name, time.perf_counter() - t))
                return out

            plain = timed("export qdpx", lambda: export(store, "qdpx", folder / "p.qdpx"))
            masked = timed("export qdpx --pseudonymise",
                           lambda: export(store, "qdpx", folder / "m.qdpx", pseudonymise=True))  # fmt: skip
            r1 = timed("import-coding (same file)", lambda: import_coding(store, plain))
            r2 = timed("import-coding (pseudonymised file)", lambda: import_coding(store, masked))
            n_recoded = recode(plain, folder / "r.qdpx")
            r3 = timed(f"import-coding ({n_recoded} recoded)", lambda: import_coding(store, folder / "r.qdpx"))
            agreement = timed("agreement", lambda: model_vs_person(store))
            store.close()
            print(f"\n{n_units} inputs in {len(files)} files; .qdpx {plain.stat().st_size / 1024:.0f} KB")
            for name, seconds in rows:
                print(f"  {name:<38} {seconds:7.2f} s")
            print(f"  round trip moved {r1.moved}, pseudonymised moved {r2.moved}, recoded moved {r3.moved}"
                  f" (+{r3.confirmed} confirmed); κ = {agreement.kappa:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
