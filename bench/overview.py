"""Overview speed on a 5,000,000-row store: prints figures against baselines measured in the same run.

    python bench/overview.py [--rows 5000000] [--db PATH] [--runs 7]

1. Builds (or reuses, with --db) a store holding N synthetic but realistic fact rows: 12 platforms, two
   years of days, ~300 ad rows (25 campaigns, 60 ad groups) and ~270 content rows (4 content types,
   150 KOLs) per platform and day, CNY / USD / EUR money, nulls where a platform reports nothing.
   Rows are inserted with SQL generate_series straight into `fact_wide`; the daily rollup is then built
   the same way a migration builds it.
2. "All Overview queries for one filter change" = `smm.overview.build_view` (KPIs and comparison,
   per-platform table, funnel, weekly trend, what changed, empty-state and missing-rate checks),
   median of warm runs over different date ranges and platform selections. Baselines: one plain
   `SELECT count(*), sum(spend)` scan of the fact table, and the same build_view forced onto the base
   rows (no rollup).
3. "A full Overview rerun in AppTest": app.py with the Overview page, one filter change per run (a
   fresh cache key every time, so every query runs), median of warm runs; baseline: the same reruns
   with the rollup switched off.

Targets (issue 3): ≤ 150 ms for the queries, ≤ 1 s for the AppTest rerun.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smm import metrics, overview, rollups, store  # noqa: E402
from smm.queries import Filters  # noqa: E402
from smm.schema import PLATFORMS  # noqa: E402

DAYS = 730
FIRST_DAY = dt.date(2024, 11, 25)   # a Monday; two years of days up to 2026-11-23
AD_ROWS = 300                       # per platform and day; the rest are content rows

GLOBAL = ("meta", "tiktok", "youtube", "google_ads", "linkedin", "x")


def build(path: Path, n_rows: int) -> float:
    """Create the synthetic store; returns seconds spent."""
    t0 = time.perf_counter()
    con = store.connect(path)
    per_day = n_rows // (DAYS * len(PLATFORMS))
    plat = "[" + ", ".join(f"'{p}'" for p in PLATFORMS) + "]"
    glob = "[" + ", ".join(f"'{p}'" for p in GLOBAL) + "]"
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO load_batches (batch_id, file_name, sha256, profile, platform, kind, rows_loaded, "
                "date_min, date_max) VALUES (1, 'bench', 'bench', 'generic_facts', NULL, 'daily', ?, ?, ?)",
                [n_rows, FIRST_DAY, FIRST_DAY + dt.timedelta(days=DAYS - 1)])
    # i → (day, platform, r): rows of one day are contiguous, so row groups follow the date (as after weekly loads).
    con.execute(f"""
        INSERT INTO fact_wide (batch_id, row_key, platform, profile, account, campaign, ad_group, ad, content_id,
                          content_title, content_type, kol, date, currency, spend, impressions, reach, views,
                          clicks, likes, comments, shares, saves, follows, conversions, orders, revenue)
        WITH g AS (
            SELECT i, i // ({per_day} * {len(PLATFORMS)}) AS day, (i // {per_day}) % {len(PLATFORMS)} AS pi,
                   i % {per_day} AS r, (hash(i) % 10000) / 10000.0 AS u, (hash(i + 7) % 10000) / 10000.0 AS v
            FROM generate_series(0, {n_rows - 1}) t(i)
        ), h AS (
            SELECT *, {plat}[pi + 1] AS platform, r < {AD_ROWS} AS is_ad,
                   1 + 0.35 * sin(day / 58.0) + 0.2 * (day % 7 IN (5, 6))::INT AS season
            FROM g
        )
        SELECT 1, CAST(i AS HUGEINT), platform, CASE WHEN is_ad THEN 'generic_facts' ELSE 'creator' END,
               platform || '_main',
               CASE WHEN is_ad THEN platform || '_campaign_' || (r % 25) END,
               CASE WHEN is_ad THEN platform || '_group_' || (r % 60) END,
               CASE WHEN is_ad THEN platform || '_ad_' || r END,
               CASE WHEN NOT is_ad THEN platform || '_post_' || (r + day * 7) END,
               CASE WHEN NOT is_ad THEN 'post ' || r END,
               CASE WHEN NOT is_ad THEN ['video', 'image_text', 'live', 'other'][r % 4 + 1] END,
               CASE WHEN NOT is_ad AND r % 3 = 0 THEN 'kol_' || (r % 150) END,
               DATE '{FIRST_DAY.isoformat()}' + CAST(day AS INTEGER),
               CASE WHEN NOT list_contains({glob}, platform) THEN 'CNY' WHEN platform = 'meta' AND r % 5 = 0
                    THEN 'EUR' ELSE 'USD' END,
               CASE WHEN is_ad THEN round(50 + 900 * u * season, 2) END,
               CASE WHEN is_ad OR r % 2 = 0 THEN floor(2000 + 40000 * u * season) END,
               CASE WHEN is_ad THEN floor(1500 + 25000 * u * season) END,
               CASE WHEN NOT is_ad THEN floor(500 + 30000 * v * season) END,
               CASE WHEN is_ad THEN floor((2000 + 40000 * u * season) * (0.005 + 0.03 * v)) END,
               CASE WHEN NOT is_ad OR pi % 3 = 0 THEN floor(30 + 2000 * v) END,
               CASE WHEN NOT is_ad THEN floor(2 + 120 * u) END,
               CASE WHEN NOT is_ad THEN floor(1 + 80 * v) END,
               CASE WHEN NOT is_ad AND pi % 2 = 0 THEN floor(3 + 150 * u) END,
               CASE WHEN NOT is_ad THEN floor(-5 + 60 * u) END,
               CASE WHEN is_ad AND pi NOT IN (4, 11) THEN floor(1 + 40 * u * v * season) END,
               CASE WHEN is_ad AND pi % 4 = 0 THEN floor(1 + 30 * u * v * season) END,
               CASE WHEN is_ad AND pi NOT IN (2, 4, 11) THEN round((1 + 40 * u * v * season) * (80 + 200 * v), 2) END
        FROM h ORDER BY i
    """)
    con.execute("COMMIT")
    t1 = time.perf_counter()
    rollups.rebuild(con)
    t2 = time.perf_counter()
    n_roll = con.execute("SELECT count(*) FROM fact_daily").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.close()
    print(f"store: {n_rows:,} fact rows inserted in {t1 - t0:.1f} s; rollup built in {t2 - t1:.1f} s "
          f"({n_roll:,} rows, {n_rows / max(n_roll, 1):.1f}× fewer)")
    return t2 - t0


def filter_changes(n: int) -> list[Filters]:
    """Different, realistic filter states: weeks and months, all platforms or a few, CNY or USD."""
    last = FIRST_DAY + dt.timedelta(days=DAYS - 2)  # a Sunday
    out = []
    for i in range(n):
        end = last - dt.timedelta(weeks=3 * i)
        span = 7 if i % 3 else 28
        start = end - dt.timedelta(days=span - 1)
        plats = () if i % 2 == 0 else tuple(PLATFORMS[j] for j in (i % 12, (i + 5) % 12, (i + 7) % 12))
        out.append(Filters(start, end, plats, currency="USD" if i % 4 == 3 else "CNY"))
    return out


def median_ms(fn, items) -> tuple[float, list[float]]:
    times = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times


def bench_queries(path: Path, runs: int) -> None:
    con = store.connect(path)
    fs = filter_changes(runs + 1)
    overview.build_view(con, fs[-1])  # warm: file pages in memory, macros planned once

    def scan(_):
        con.execute("SELECT count(*), sum(spend) FROM fact").fetchall()

    base_scan, _ = median_ms(scan, range(runs))
    rollup_ms, times = median_ms(lambda f: overview.build_view(con, f, lang="en"), fs[:runs])
    metrics.AUTO_SOURCE = "fact"
    try:
        base_ms, _ = median_ms(lambda f: overview.build_view(con, f, lang="en"), fs[:runs])
    finally:
        metrics.AUTO_SOURCE = "rollup"
    con.close()
    print(f"all Overview queries per filter change (median of {runs} warm runs): {rollup_ms:.0f} ms "
          f"(target ≤ 150 ms; runs {', '.join(f'{t:.0f}' for t in times)})")
    print(f"  baseline: one count(*)+sum(spend) scan of the fact table {base_scan:.0f} ms "
          f"→ the whole Overview costs {rollup_ms / base_scan:.1f} such scans")
    print(f"  baseline: the same queries on the base rows (no rollup) {base_ms:.0f} ms "
          f"→ the rollup is {base_ms / rollup_ms:.1f}× faster")


def bench_apptest(path: Path, runs: int) -> None:
    os.environ["SMM_DB"] = str(path)
    sys.path.insert(0, str(ROOT / "tests"))
    import streamlit as st
    from conftest import app_test

    st.cache_resource.clear()
    st.cache_data.clear()
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    fs = filter_changes(2 * runs + 2)

    def rerun(f: Filters) -> None:
        at.sidebar.date_input(key="dates").set_value((f.start, f.end))
        at.sidebar.multiselect(key="platforms").set_value(list(f.platforms))
        at.run()
        assert not at.exception, at.exception
        assert len(at.metric) >= 10

    rerun(fs[-1])
    with_ms, times = median_ms(rerun, fs[:runs])
    metrics.AUTO_SOURCE = "fact"
    try:
        st.cache_data.clear()
        without_ms, _ = median_ms(rerun, fs[runs:2 * runs])
    finally:
        metrics.AUTO_SOURCE = "rollup"
    print(f"full Overview rerun in AppTest after a filter change (median of {runs}): {with_ms:.0f} ms "
          f"(target ≤ 1000 ms; runs {', '.join(f'{t:.0f}' for t in times)})")
    print(f"  baseline: the same reruns without the rollup {without_ms:.0f} ms → {without_ms / with_ms:.1f}× slower")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--db", type=Path, help="reuse (or create) the bench store here")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--skip-apptest", action="store_true")
    args = ap.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = Path(tmp.name) / "bench.duckdb"
    if not args.db.exists():
        build(args.db, args.rows)
    else:
        print(f"store: reusing {args.db}")
    t = time.perf_counter()
    sum(range(5_000_000))
    spin = (time.perf_counter() - t) * 1000
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; a 5M-step Python loop took "
          f"{spin:.0f} ms (≈60–90 ms on an idle core): other processes slow every figure below alike")
    bench_queries(args.db, args.runs)
    if not args.skip_apptest:
        bench_apptest(args.db, args.runs)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
