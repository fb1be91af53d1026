#!/usr/bin/env python
"""Page rerun benchmark: what a click costs on each page once its data is cached, with the chart specs kept
(ui.specs / ui.panels) against building every Altair chart again (the baseline, measured in the same run).

Usage: python bench/reruns.py [--runs K] [--db PATH]

On the bundled sample (loaded into a temporary store unless --db names one), each page is opened in AppTest
(app.py, then the page) in plain and presentation mode, and rerun K times with the same view: every query is
served by the pages' data caches, so the figure is what a click that changes nothing costs (a language switch,
a widget elsewhere on the page, a colleague's rerun). Printed per page and mode, median of K reruns, ms:
- kept:     the chart specs kept between reruns (what the pages do);
- rebuilt:  the spec cache cleared before each rerun, so every chart is built and converted again;
and rebuilt / kept. The Overview builds its Vega-Lite specs by hand (no Altair) and is listed for reference.
A real browser click adds the server's messaging on top (measured 2026-12-05 on 2 CPUs, same view rerun from the
browser: Content 1.0 → 0.38 s, KOLs 1.4 → 0.37 s, Budget 1.1 → 0.47 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

PAGES = ("pages/overview.py", "pages/content.py", "pages/kol.py", "pages/budget.py")


def _median_ms(fn, runs: int) -> tuple[float, list[float]]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out), out


def _page_times(page: str, present: bool, runs: int) -> tuple[float, float, list[float]]:
    """(kept, rebuilt, kept runs) in ms for one page and mode."""
    import streamlit as st
    from conftest import app_test

    from smm import ui

    st.cache_data.clear()
    st.cache_resource.clear()
    at = app_test(dates=["2026-08-31", "2026-11-22"], **({"present": "1"} if present else {}))
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, (page, at.exception)

    def rerun(clear: bool) -> None:
        if clear:
            ui._built.clear()
        at.run()
        assert not at.exception, (page, at.exception)

    rerun(False)                                            # warm: data caches and specs
    kept, times = _median_ms(lambda: rerun(False), runs)
    rebuilt, _ = _median_ms(lambda: rerun(True), runs)
    return kept, rebuilt, times


def bench(db: Path, runs: int) -> None:
    os.environ["SMM_DB"] = str(db)
    import logging

    # Clearing the caches from this (bare) thread makes Streamlit warn on every call; the figures are the output.
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    print(f"{'page':22s}{'mode':>9s}{'kept ms':>10s}{'rebuilt ms':>12s}{'ratio':>8s}  kept runs")
    for page in PAGES:
        for present in (False, True):
            kept, rebuilt, times = _page_times(page, present, runs)
            name = page.removeprefix("pages/").removesuffix(".py")
            print(f"{name:22s}{'present' if present else 'plain':>9s}{kept:10.0f}{rebuilt:12.0f}"
                  f"{rebuilt / kept:7.1f}x  {', '.join(f'{t:.0f}' for t in times)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", type=Path, help="a store holding the sample (default: load it into a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="smm-bench-") as tmp:
        db = args.db
        if db is None:
            from smm import store
            from smm.sample import load_sample

            db = Path(tmp) / "sample.duckdb"
            con = store.connect(db)
            t = time.perf_counter()
            load_sample(con)
            con.execute("CHECKPOINT")
            con.close()
            print(f"sample loaded in {time.perf_counter() - t:.1f} s")
        bench(db, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
