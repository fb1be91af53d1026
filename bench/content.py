#!/usr/bin/env python
"""Content page benchmark: every query the page runs for one filter change, against the registry alone.

Usage: python bench/content.py [--posts N ...] [--runs K]

For each size, a store is filled with N posts of creator-export shape (12 weekly snapshot rows per post,
5 platforms, video / image-text, a quarter of them by KOLs with a fee item on the publish date, publish
times spread over the week). Figures (median of K warm runs, seconds):
- posts():  the per-post sums (registry aggregates per post, themes, KOL fees) on their own;
- each roll-up the page shows (scope info, form headlines, form × platform, rule matches, themes,
            top/bottom, heatmap, outliers) computed from the store, and over a posts() frame;
- page:     all of them for one filter change, either each from the store, or posts() once and every roll-up
            over it (what pages/content.py does);
- baseline: metrics.compute(by=(platform, content_type)) over the same rows — one registry query (it may
            read the daily rollup), what the Overview pays for the same filters;
- floor:    DuckDB alone grouping the same rows per post with three sums — what any per-post figure costs.
The ratio page / baseline is printed: the page does per-post work (medians, windows, joins) nine times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed  # noqa: E402

from smm import content, metrics, store  # noqa: E402
from smm.metrics import Settings  # noqa: E402
from smm.queries import Filters  # noqa: E402

PLATFORMS = ["douyin", "xiaohongshu", "weibo", "wechat", "meta"]
WORDS = ["实测", "教程", "成分", "打卡", "清单", "转发抽", "review", "how to", "日常", "新品"]


def build(path: Path, posts: int) -> None:
    con = store.connect(path)
    con.execute(
        "INSERT INTO load_batches (batch_id, file_name, sha256, profile, kind) "
        "VALUES (1, 'bench', 'bench', 'bench', 'snapshot')"
    )
    con.execute(f"""
        INSERT INTO fact_wide (batch_id, row_key, platform, profile, content_id, content_title, content_type,
                          published_at, kol, date, currency, impressions, views, likes, comments, shares, saves,
                          clicks, conversions, revenue, from_snapshot, first_snapshot)
        WITH p AS (
            SELECT i, (['douyin','xiaohongshu','weibo','wechat','meta'])[1 + i % 5] AS platform,
                   CASE WHEN hash(i) % 3 = 0 THEN 'image_text' ELSE 'video' END AS ctype,
                   TIMESTAMP '2026-08-31 00:00' + INTERVAL ((hash(i * 7) % (84 * 24))::BIGINT) HOUR AS pub,
                   CASE WHEN i % 4 = 0 THEN 'kol' || (i % 200) END AS kol,
                   (list_value({", ".join(repr(w) for w in WORDS)}))[(1 + hash(i * 3) % {len(WORDS)})::BIGINT] AS word
            FROM range({posts}) t(i)
        )
        SELECT 1, hash(i || '-' || w), platform, 'bench', 'c' || i, word || ' 标题 ' || i, ctype, pub, kol,
               DATE '2026-09-06' + (7 * w)::INTEGER, 'CNY',
               CASE WHEN platform IN ('xiaohongshu', 'douyin') THEN 1000 + (hash(i + w) % 50000)::BIGINT END,
               500 + hash(i * 11 + w) % 20000, hash(i * 13 + w) % 900, hash(i * 17 + w) % 90,
               hash(i * 19 + w) % 40, hash(i * 23 + w) % 80, hash(i * 29 + w) % 300, hash(i * 31 + w) % 6,
               (hash(i * 37 + w) % 6) * 239.0, true, w = 0
        FROM p, range(12) s(w)
        WHERE DATE '2026-09-06' + (7 * w)::INTEGER >= pub::DATE
    """)
    con.execute("""
        INSERT INTO other_costs (batch_id, row_key, date, platform, category, amount, currency, kol)
        SELECT 1, hash(platform || kol || d), d, platform, 'kol', 5000, 'CNY', kol
        FROM (SELECT DISTINCT platform, kol, published_at::DATE AS d FROM fact WHERE kol IS NOT NULL)
    """)
    con.execute("CHECKPOINT")
    con.close()


def run_size(n: int, runs: int) -> None:
    rules = content.parse_rules(content.default_theme_rules("zh"))
    f = Filters(dt.date(2026, 8, 31), dt.date(2026, 11, 22))
    s = Settings(er_base="views")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build(path, n)
        con = store.connect(path)
        rows = con.execute("SELECT count(*) FROM fact").fetchall()[0][0]
        print(f"\n{n:,} posts, {rows:,} fact rows (built in {time.perf_counter() - t0:.1f} s)")
        queries = {
            "scope_info": lambda **k: content.scope_info(con, f, s, rules=rules, **k),
            "form_headlines": lambda **k: content.form_headlines(con, f, s, rules=rules, **k),
            "by_type_platform": lambda **k: content.by_type_platform(con, f, s, rules=rules, **k),
            "rule_matches": lambda **k: content.rule_matches(con, f, s, rules=rules, **k),
            "by_theme": lambda **k: content.by_theme(con, f, s, rules=rules, **k),
            "top_bottom": lambda **k: content.top_bottom(
                con, f, s, metric="er", min_exposure=1000, rules=rules, **k
            ),
            "heatmap": lambda **k: content.heatmap(con, f, s, platform="xiaohongshu", rules=rules, **k),
            "outliers": lambda **k: content.outliers(con, f, s, min_exposure=1000, rules=rules, **k),
        }
        base = timed(lambda: metrics.compute(con, f, s, by=("platform", "content_type")), runs)
        print(f"  baseline metrics.compute(by=platform, content_type): {base * 1000:8.1f} ms")
        floor = timed(
            lambda: con.execute(
                "SELECT platform, content_id, sum(views), sum(likes), sum(impressions) FROM fact "
                "WHERE content_id IS NOT NULL AND date <= DATE '2026-11-22' GROUP BY ALL"
            ).fetchall(),
            runs,
        )
        print(
            f"  floor: DuckDB alone, 3 sums per post (GROUP BY platform, content_id): {floor * 1000:8.1f} ms"
        )
        per_post = timed(lambda: content.posts(con, f, s, rules=rules), runs)
        print(
            f"  posts()            {per_post * 1000:8.1f} ms   {per_post / base:5.1f}× baseline, "
            f"{per_post / floor:4.1f}× floor"
        )
        pm = content.posts(con, f, s, rules=rules)
        for label, kw in (("each from the store", {}), ("each over posts()", {"posts": pm})):
            print(f"  {label}:")
            for k, q in queries.items():
                v = timed(lambda q=q, kw=kw: q(**kw), runs)
                print(f"    {k:<16} {v * 1000:8.1f} ms   {v / base:5.1f}× baseline")
        cold = timed(lambda: [q() for q in queries.values()], runs)
        print(f"  page, every query from the store   {cold * 1000:8.1f} ms   {cold / base:5.1f}× baseline")

        def page_once() -> None:
            frame = content.posts(con, f, s, rules=rules)
            for q in queries.values():
                q(posts=frame)

        page = timed(page_once, runs)
        print(
            f"  page, posts() once + roll-ups      {page * 1000:8.1f} ms   {page / base:5.1f}× baseline, "
            f"{page / floor:4.1f}× floor"
        )
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    for n in a.posts:
        run_size(n, a.runs)


if __name__ == "__main__":
    main()
