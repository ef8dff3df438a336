"""Review-app page render times on a generated project (target: < 1 s per page).

    python benchmarks/app_pages.py

Builds a project with 5,000 and 10,000 inputs, renders every page with Streamlit's
AppTest (first render fills the caches; the figure is the re-render a user sees on
each click) and a rename, and prints the seconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_app import PAGES, by_label, make_big_project, start  # noqa: E402  (the tests' project builder)


def main() -> None:
    import os

    for n in (5000, 10000):
        with tempfile.TemporaryDirectory() as tmp:
            path = make_big_project(Path(tmp) / "stor.db", n_units=n)
            os.environ["UDSATTE_PROJECT"] = str(path)
            at = start()
            print(f"\n{n:,} inputs")
            for page in PAGES:
                t0 = time.perf_counter()
                at.switch_page(page).run()
                first = time.perf_counter() - t0
                t0 = time.perf_counter()
                at.run()
                print(f"  {page:<28} first {first:6.2f} s   re-render {time.perf_counter() - t0:6.2f} s")
            at.switch_page("sider/tema.py").run()
            by_label(at.text_input, "Nyt navn").set_value("Omdøbt")
            t0 = time.perf_counter()
            at.button(key="gem_navn").click().run()
            print(f"  {'rename (edit + re-render)':<28} {time.perf_counter() - t0:6.2f} s")


if __name__ == "__main__":
    main()
