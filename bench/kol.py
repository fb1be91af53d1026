#!/usr/bin/env python
"""KOL page benchmark: every query the page runs for one filter change, against the registry alone.

Usage: python bench/kol.py [--kols N ...] [--background ROWS] [--runs K]

For each size, a store holds ROWS non-KOL fact rows (paid ads, brand posts: the rows the KOL queries must
skip) and N KOLs on xiaohongshu / douyin / weibo, each with 3 posts of 12 weekly snapshot rows, one fee item
per post and two roster snapshots. Figures (median of K warm runs, seconds):
- separate:  scorecard, scores, top/bottom, totals, flags, missing rates — each planning the population
             query again (what a page calling the functions one by one would pay);
- page_data: the same with the population computed once and the rest run over it (what pages/kol.py does);
- baseline:  metrics.compute(by=("kol",)) over the same filters — one registry query grouped by KOL, on
             the base rows (source="fact"; the KOL page reads post rows, which the daily rollup does not keep);
- rollup:    the same registry query served by the daily rollup, for reference.
Ratios page_data / baseline and separate / page_data are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed  # noqa: E402

from smm import kol, metrics, rollups, store  # noqa: E402
from smm.kol import KolOptions  # noqa: E402
from smm.metrics import Settings  # noqa: E402
from smm.queries import Filters  # noqa: E402


def build(path: Path, kols: int, background: int) -> None:
    con = store.connect(path)
    con.execute("INSERT INTO load_batches (batch_id, file_name, sha256, profile, kind) "
                "VALUES (1, 'bench', 'bench', 'bench', 'facts')")
    con.execute(f"""
        INSERT INTO fact_wide (batch_id, row_key, platform, profile, campaign, date, currency, spend, impressions,
                          clicks, conversions, revenue)
        SELECT 1, hash('bg' || i), (['douyin','xiaohongshu','weibo','kuaishou'])[1 + i % 4], 'bench', 'c' || (i % 50),
               DATE '2026-08-31' + (i % 84)::INTEGER, 'CNY', 100 + i % 900, 10000 + i % 5000, 100 + i % 300,
               i % 20, (i % 20) * 200
        FROM range({background}) t(i)""")
    con.execute(f"""
        INSERT INTO fact_wide (batch_id, row_key, platform, profile, content_id, kol, published_at, date, currency,
                          impressions, views, likes, comments, shares, saves, clicks, conversions, revenue,
                          from_snapshot)
        WITH p AS (SELECT k, j, (['xiaohongshu','douyin','weibo'])[1 + k % 3] AS platform,
                          TIMESTAMP '2026-08-31 10:00' + INTERVAL (((k * 7 + j * 23) % 70)) DAY AS pub
                   FROM range({kols}) a(k), range(3) b(j))
        SELECT 1, hash('k' || k || '-' || j || '-' || w), platform, 'bench', 'p' || k || '-' || j, 'kol' || k, pub,
               CAST(pub AS DATE) + (7 * w)::INTEGER, 'CNY', 20000 / (w + 1), 4000 / (w + 1),
               (200 + hash(k) % 300) / (w + 1), (20 + hash(k * 3) % 30) / (w + 1), 5, 10, 40 / (w + 1),
               (hash(k * 5 + j) % 8) / (w + 1), (hash(k * 5 + j) % 8) * 230 / (w + 1), true
        FROM p, range(12) c(w)""")
    con.execute("INSERT INTO load_batches (batch_id, file_name, sha256, profile, kind) "
                "VALUES (2, 'bench costs', 'bench2', 'bench', 'other_costs')")
    con.execute(f"""
        INSERT INTO other_costs (batch_id, row_key, date, platform, category, amount, currency, kol)
        SELECT 2, hash('f' || k || '-' || j), DATE '2026-08-31' + ((k * 7 + j * 23) % 70)::INTEGER,
               (['xiaohongshu','douyin','weibo'])[1 + k % 3], 'kol', 2000 + hash(k) % 50000, 'CNY', 'kol' || k
        FROM range({kols}) a(k), range(3) b(j)""")
    con.execute(f"""
        INSERT INTO kol_roster (batch_id, row_key, kol, platform, followers, fee, posts, currency, as_of)
        SELECT 2, hash('r' || k || s), 'kol' || k, (['xiaohongshu','douyin','weibo'])[1 + k % 3],
               (5000 + hash(k) % 1500000) * (1 + 0.05 * s), 30000, 3, 'CNY',
               DATE '2026-08-31' + (49 * s)::INTEGER
        FROM range({kols}) a(k), range(2) b(s)""")
    rollups.rebuild(con)  # the registry's daily rollup, as a real load would leave it
    con.execute("CHECKPOINT")
    con.close()


def separate(con, f: Filters, s: Settings, o: KolOptions) -> None:
    """The page's figures, each function planning the population query itself."""
    kol.scorecard(con, f, s, o)
    kol.scores(con, f, s, o)
    kol.top_bottom(con, f, s, o)
    kol.totals(con, f, s, o)
    kol.flags(con, f, s, o)
    kol.missing_fx(con, f)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kols", type=int, nargs="+", default=[200, 2000])
    ap.add_argument("--background", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    f = Filters(dt.date(2026, 8, 31), dt.date(2026, 11, 22))
    s, o = Settings(), KolOptions()
    print(f"KOL page, {a.background:,} background fact rows, median of {a.runs} warm runs (s)")
    print(f"{'KOLs':>6} {'KOL rows':>9} {'rollup':>8} {'baseline':>9} {'page_data':>10} {'separate':>9} "
          f"{'page/base':>10} {'sep/page':>9}")
    for n in a.kols:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "bench.duckdb"
            build(path, n, a.background)
            con = store.connect(path)

            roll = timed(lambda c=con: metrics.compute(c, f, s, by=("kol",), source="rollup"), a.runs)
            base = timed(lambda c=con: metrics.compute(c, f, s, by=("kol",), source="fact"), a.runs)
            page = timed(lambda c=con: kol.page_data(c, f, s, o), a.runs)
            sep = timed(lambda c=con: separate(c, f, s, o), a.runs)
            rows = con.execute("SELECT count(*) FROM fact WHERE kol IS NOT NULL").fetchall()[0][0]
            print(f"{n:>6} {rows:>9,} {roll:>8.3f} {base:>9.3f} {page:>10.3f} {sep:>9.3f} {page / base:>9.1f}× "
                  f"{sep / page:>8.2f}×")
            con.close()


if __name__ == "__main__":
    main()
