"""smm.content on hand-made rows loaded through the real ingest path, and on the sample store.

Expected values are either typed in by hand (given/expect, with the arithmetic in a comment) or come from an
independent pandas computation over the rows the test wrote (or the store's base tables), never from
smm.content itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random

import numpy as np
import pandas as pd
import pytest

from smm import content, metrics, store
from smm.ingest import LoadOptions, ingest_bytes
from smm.metrics import Settings
from smm.queries import Filters

D = dt.date
COLS = [
    "platform",
    "date",
    "content_id",
    "content_title",
    "content_type",
    "published_at",
    "kol",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "conversions",
    "revenue",
    "spend",
    "content_url",
    "theme",
    "currency",
]


def _csv(rows: list[dict], cols: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols)
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    return buf.getvalue().encode("utf-8")


def load_rows(con, rows: list[dict]) -> None:
    """Load through the generic template; KOL rows go in their own file (a mapped key column must be filled)."""
    for with_kol in (False, True):
        part = [r for r in rows if bool(r.get("kol")) == with_kol]
        if not part:
            continue
        cols = COLS if with_kol else [c for c in COLS if c != "kol"]
        name = f"generic_facts_posts_{'kol' if with_kol else 'brand'}.csv"
        r = ingest_bytes(con, _csv(part, cols), name, LoadOptions(today=D(2026, 12, 1)))
        assert r.status == "loaded", (r.status, r.errors[:3])


def load_costs(con, rows: list[dict]) -> None:
    cols = ["date", "platform", "category", "amount", "currency", "kol", "note"]
    r = ingest_bytes(con, _csv(rows, cols), "other_costs_test.csv", LoadOptions(today=D(2026, 12, 1)))
    assert r.status == "loaded", (r.status, r.errors[:3])


def row(pid, date, **kw) -> dict:
    base = {"platform": "xiaohongshu", "date": date, "content_id": pid, "currency": "CNY"}
    base.update(kw)
    return base


# ---------------------------------------------------------------- the hand-made store

# P1 xhs video, published Tue 2026-09-01 20:15, three daily rows (two in week 1, one in week 2).
# P2 xhs image-text, Wed 2026-09-02 12:05, one row.
# P3 xhs video by KOL Coco, Thu 2026-09-03 20:40, export theme "品牌故事"; P6 also Coco the same day.
# P4 douyin video with views only (no impressions): ER on the impressions base is undefined.
# P5 xhs video published Mon 2026-09-07 (week 1's last day is Sun 09-06: outside a 08-31..09-06 range).
HAND = [
    row(
        "P1",
        "2026-09-01",
        content_title="修护面霜28天实测 Review",
        content_type="video",
        published_at="2026-09-01 20:15",
        impressions=1000,
        views=400,
        likes=50,
        comments=5,
        shares=3,
        saves=2,
        clicks=20,
        conversions=2,
        revenue=478,
        content_url="https://www.xiaohongshu.com/explore/p1",
    ),
    row(
        "P1",
        "2026-09-02",
        content_title="修护面霜28天实测 Review",
        content_type="video",
        published_at="2026-09-01 20:15",
        impressions=500,
        views=100,
        likes=20,
        comments=2,
        shares=1,
        saves=1,
        clicks=5,
        conversions=1,
        revenue=239,
        content_url="https://www.xiaohongshu.com/explore/p1",
    ),
    row(
        "P1",
        "2026-09-08",
        content_title="修护面霜28天实测 Review",
        content_type="video",
        published_at="2026-09-01 20:15",
        impressions=200,
        views=50,
        likes=10,
        comments=0,
        shares=0,
        saves=0,
        clicks=2,
        conversions=0,
        revenue=0,
        content_url="https://www.xiaohongshu.com/explore/p1",
    ),
    row(
        "P2",
        "2026-09-02",
        content_title="新手教程：防晒怎么涂",
        content_type="image_text",
        published_at="2026-09-02 12:05",
        impressions=2000,
        views=300,
        likes=30,
        comments=4,
        shares=2,
        saves=4,
        clicks=10,
        conversions=0,
        revenue=0,
    ),
    row(
        "P3",
        "2026-09-03",
        content_title="成分党 HOW TO 读懂精华",
        content_type="video",
        kol="Coco",
        published_at="2026-09-03 20:40",
        impressions=4000,
        views=1500,
        likes=300,
        comments=30,
        shares=10,
        saves=60,
        clicks=80,
        conversions=5,
        revenue=1195,
        theme="品牌故事",
    ),
    row(
        "P6",
        "2026-09-03",
        content_title="Coco 的第二条：防晒测评",
        content_type="video",
        kol="Coco",
        published_at="2026-09-03 21:10",
        impressions=1000,
        views=300,
        likes=40,
        comments=4,
        shares=2,
        saves=4,
        clicks=10,
        conversions=1,
        revenue=169,
    ),
    row(
        "P4",
        "2026-09-04",
        content_title="抖音短视频",
        content_type="video",
        platform="douyin",
        published_at="2026-09-04 19:00",
        views=8000,
        likes=400,
        comments=40,
        shares=20,
        saves=40,
    ),
    row(
        "P5",
        "2026-09-07",
        content_title="周一新笔记",
        content_type="video",
        published_at="2026-09-07 12:00",
        impressions=3000,
        views=900,
        likes=90,
        comments=9,
        shares=3,
        saves=18,
    ),
]
WEEK1 = Filters(D(2026, 8, 31), D(2026, 9, 6))
WEEK2 = Filters(D(2026, 9, 7), D(2026, 9, 13))


@pytest.fixture
def hand(con):
    load_rows(con, HAND)
    load_costs(
        con,
        [
            {
                "date": "2026-09-03",
                "platform": "xiaohongshu",
                "category": "kol",
                "amount": 3000,
                "currency": "CNY",
                "kol": "Coco",
                "note": "two posts",
            }
        ],
    )
    return con


def by_id(df: pd.DataFrame) -> dict[str, dict]:
    return {r["content_id"]: r for r in df.to_dict("records")}


def test_posts_lifetime_given_expect(hand):
    p = by_id(content.posts(hand, WEEK1, scope="lifetime"))
    # Published in 08-31..09-06: P1, P2, P3, P6, P4 (P5 was published 09-07).
    assert set(p) == {"P1", "P2", "P3", "P4", "P6"}
    p1 = p["P1"]
    # Rows up to 09-06 only: impressions 1000 + 500, interactions (50+5+3+2) + (20+2+1+1) = 84.
    assert p1["impressions"] == 1500 and p1["interactions"] == 84
    assert p1["er"] == pytest.approx(84 / 1500)
    assert p1["ctr"] == pytest.approx(25 / 1500)
    assert p1["conversions"] == 3 and p1["revenue"] == 717
    assert p1["content_url"] == "https://www.xiaohongshu.com/explore/p1"
    assert (p1["weekday"], p1["hour"]) == (2, 20)  # Tuesday, 20:xx
    # P4 reports no impressions: exposure falls back to views, ER on impressions is undefined (NULL).
    assert p["P4"]["exposure"] == 8000 and pd.isna(p["P4"]["er"])
    assert content.posts(hand, WEEK1, Settings(er_base="views"), scope="lifetime").set_index(
        "content_id"
    ).loc["P4", "er"] == pytest.approx(500 / 8000)


def test_a_posts_attributes_come_from_its_latest_row_that_has_them(con):
    # A later row without a title, URL or type, and with a blank theme, keeps the earlier row's; a later value wins.
    load_rows(con, [
        row("Q1", "2026-09-01", content_title="旧标题", content_type="video", published_at="2026-09-01 10:00",
            impressions=100, content_url="https://x.test/q1", theme="面霜"),
        row("Q1", "2026-09-02", impressions=50, theme="   "),
        row("Q2", "2026-09-01", content_title="Q2 first", content_type="video", published_at="2026-09-01 11:00",
            impressions=10, theme="A"),
        row("Q2", "2026-09-03", content_title="Q2 renamed", content_type="image_text", impressions=5, theme="B"),
    ])
    p = by_id(content.posts(con, WEEK1, scope="lifetime"))
    assert (p["Q1"]["content_title"], p["Q1"]["content_type"], p["Q1"]["content_url"], p["Q1"]["theme"]) == (
        "旧标题", "video", "https://x.test/q1", "面霜")
    assert p["Q1"]["impressions"] == 150
    assert (p["Q2"]["content_title"], p["Q2"]["content_type"], p["Q2"]["theme"]) == ("Q2 renamed", "image_text", "B")


def test_posts_weekly_counts_only_the_period(hand):
    p = by_id(content.posts(hand, WEEK2, scope="weekly"))
    # Activity in 09-07..09-13: P1's 09-08 row and P5.
    assert set(p) == {"P1", "P5"}
    assert p["P1"]["impressions"] == 200 and p["P1"]["interactions"] == 10
    assert p["P1"]["er"] == pytest.approx(0.05)
    # Lifetime as of 09-13 for posts published that week: P5 only, P1 (published 09-01) is not in scope.
    assert set(by_id(content.posts(hand, WEEK2, scope="lifetime"))) == {"P5"}


def test_kol_fee_is_split_among_the_kols_posts_that_day(hand):
    p = by_id(content.posts(hand, WEEK1))
    # ¥3,000 booked for Coco on 09-03, two Coco posts that day → ¥1,500 each; no spend on posts.
    assert p["P3"]["kol_fee"] == pytest.approx(1500) and p["P6"]["kol_fee"] == pytest.approx(1500)
    assert p["P3"]["cost"] == pytest.approx(1500)
    # CPE = cost ÷ interactions: 1500 / (300+30+10+60) = 3.75.
    assert p["P3"]["cpe_cost"] == pytest.approx(3.75)
    assert pd.isna(p["P1"]["cost"]) and pd.isna(p["P1"]["cpe_cost"])


def test_filters_apply(hand):
    only_douyin = Filters(WEEK1.start, WEEK1.end, platforms=("douyin",))
    assert set(content.posts(hand, only_douyin)["content_id"]) == {"P4"}
    images = Filters(WEEK1.start, WEEK1.end, content_types=("image_text",))
    assert set(content.posts(hand, images)["content_id"]) == {"P2"}
    coco = Filters(WEEK1.start, WEEK1.end, kols=("Coco",))
    assert set(content.posts(hand, coco)["content_id"]) == {"P3", "P6"}
    nothing = Filters(D(2025, 1, 1), D(2025, 1, 7))
    assert content.posts(hand, nothing).empty
    assert content.scope_info(hand, nothing)["posts"] == 0
    assert content.by_type_platform(hand, nothing).empty


def test_type_platform_given_expect(hand):
    g = content.by_type_platform(hand, WEEK1).set_index(["platform", "content_type"])
    v = g.loc[("xiaohongshu", "video")]
    # P1 (1500 imp, 84 int), P3 (4000, 400), P6 (1000, 50): pooled ER = 534 / 6500.
    assert v["posts"] == 3
    assert v["er"] == pytest.approx(534 / 6500)
    # Per-post ERs 0.056, 0.1, 0.05 → median 0.056.
    assert v["er_median"] == pytest.approx(0.056)
    assert v["exposure_median"] == 1500
    assert v["cost"] == pytest.approx(3000)
    # CPE over posts with both cost and interactions: 3000 / (400 + 50).
    assert v["cpe_cost"] == pytest.approx(3000 / 450)
    assert pd.isna(g.loc[("douyin", "video"), "er"])  # no impressions anywhere on douyin


def test_type_platform_matches_the_registry(hand):
    """Weekly figures of forms equal metrics.compute on the same rows (every hand row is a post row)."""
    f = Filters(D(2026, 8, 31), D(2026, 9, 13))
    for s in (Settings(), Settings(er_base="views", cvr_base="impressions")):
        mine = content.by_type_platform(hand, f, s, scope="weekly").set_index(["platform", "content_type"])
        reg = metrics.compute(hand, f, s, by=("platform", "content_type")).set_index(
            ["platform", "content_type"]
        )
        for mid in (
            "exposure",
            "interactions",
            "impressions",
            "views",
            "er",
            "ctr",
            "cvr",
            "conversions",
            "revenue",
        ):
            for key in mine.index:
                a, b = mine.loc[key, mid], reg.loc[key, mid]
                assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b), (s, mid, key, a, b)


def test_forms_against_pandas_on_generated_posts(con):
    """Medians and pooled ratios per platform × type equal an independent pandas computation."""
    rng = random.Random(7)
    rows = []
    for i in range(60):
        plat = rng.choice(["xiaohongshu", "douyin"])
        ctype = rng.choice(["video", "image_text"])
        pub = dt.datetime(2026, 9, 1) + dt.timedelta(hours=rng.randrange(0, 24 * 20))
        for d in range(rng.randint(1, 3)):
            imp = None if (plat == "douyin" and i % 3 == 0) else rng.randint(100, 20000)
            rows.append(
                row(
                    f"G{i}",
                    (pub.date() + dt.timedelta(days=d)).isoformat(),
                    platform=plat,
                    content_type=ctype,
                    content_title=f"post {i}",
                    published_at=pub.strftime("%Y-%m-%d %H:%M"),
                    impressions=imp,
                    views=rng.randint(50, 9000),
                    likes=rng.randint(0, 900),
                    comments=rng.randint(0, 90),
                    shares=rng.randint(0, 40),
                    saves=rng.randint(0, 80),
                    conversions=rng.randint(0, 5),
                )
            )
    load_rows(con, rows)
    f = Filters(D(2026, 8, 1), D(2026, 12, 31))
    got = content.by_type_platform(con, f).set_index(["platform", "content_type"])

    raw = pd.DataFrame(rows)
    raw["interactions"] = raw[["likes", "comments", "shares", "saves"]].sum(axis=1)
    raw["pair"] = raw["impressions"].notna()
    raw["i_pair"] = raw["interactions"].where(raw["pair"])
    per = (
        raw.groupby(["platform", "content_type", "content_id"])
        .agg(
            imp=("impressions", lambda s: s.sum(min_count=1)),
            inter=("interactions", "sum"),
            i_pair=("i_pair", lambda s: s.sum(min_count=1)),
            conv=("conversions", "sum"),
        )
        .reset_index()
    )
    per["er"] = per["i_pair"] / per["imp"]
    for (plat, ctype), g in per.groupby(["platform", "content_type"]):
        r = got.loc[(plat, ctype)]
        assert r["posts"] == len(g)
        assert r["er_posts"] == g["er"].notna().sum()
        assert r["er_median"] == pytest.approx(g["er"].median())
        assert r["er"] == pytest.approx(g["i_pair"].sum() / g["imp"].sum())
        assert r["interactions_median"] == pytest.approx(g["inter"].median())
        assert r["conversions_mean"] == pytest.approx(g["conv"].mean())


def test_form_headlines_given_expect(hand):
    h = content.form_headlines(hand, WEEK1, metric="er", min_posts=1)
    # xhs: video median 0.056 vs image-text 40/2000 = 0.02 → 2.8×; douyin has one form only.
    assert list(h["platform"]) == ["xiaohongshu"]
    r = h.iloc[0]
    assert (r["best"], r["other"]) == ("video", "image_text")
    assert r["factor"] == pytest.approx(0.056 / 0.02)
    assert content.form_headlines(hand, WEEK1, metric="er", min_posts=2).empty  # image-text has 1 post
    # Cost metric: lower is better, factor stays ≥ 1.
    hc = content.form_headlines(hand, WEEK1, metric="cpe_cost", min_posts=1)
    assert hc.empty  # only video posts carry a cost


# ---------------------------------------------------------------- themes


def test_theme_rules_first_match_export_first_and_case(hand):
    rules = content.parse_rules(
        [
            {"keywords": "测评，review", "theme": "测评"},  # full-width comma splits too
            {"keywords": "教程, how to", "theme": "教程"},
            {"keywords": "", "theme": "ignored"},  # incomplete: skipped
            {"keywords": "防晒", "theme": None},
        ]
    )
    assert [r.theme for r in rules] == ["测评", "教程"]
    p = by_id(content.posts(hand, WEEK1, rules=rules))
    assert p["P1"]["theme"] == "测评" and p["P1"]["theme_source"] == "rule"  # "Review" (case-insensitive)
    assert p["P2"]["theme"] == "教程"  # 教程
    assert p["P3"]["theme"] == "品牌故事" and p["P3"]["theme_source"] == "export"  # export wins over "HOW TO"
    assert p["P6"]["theme"] == "测评"  # 测评
    assert pd.isna(p["P4"]["theme"])
    assert content.rule_matches(hand, WEEK1, rules=rules) == [2, 1]
    t = content.by_theme(hand, WEEK1, rules=rules).set_index("theme", drop=False)
    assert t.loc["测评", "posts"] == 2 and t.loc["品牌故事", "posts"] == 1
    assert t["posts"].sum() == 5


def test_theme_rules_persist_in_the_store(tmp_path):
    path = tmp_path / "rules.duckdb"
    c1 = store.connect(path)
    assert content.load_theme_rules(c1) is None
    saved = content.save_theme_rules(
        c1,
        [
            {"keywords": " 测评, review ", "theme": "测评"},
            {"keywords": None, "theme": None},
            {"keywords": "教程", "theme": ""},
        ],
    )
    assert saved == [{"keywords": "测评, review", "theme": "测评"}, {"keywords": "教程", "theme": ""}]
    content.save_prefs(c1, min_exposure=2500)
    c1.close()
    c2 = store.connect(path)  # a restart
    assert content.load_theme_rules(c2) == saved
    assert content.load_prefs(c2)["min_exposure"] == 2500
    assert content.load_prefs(c2)["min_posts"] == content.DEFAULT_PREFS["min_posts"]
    c2.close()


def test_rule_text_is_bound_not_spliced(hand):
    evil = content.parse_rules([{"keywords": "'); DROP TABLE fact; --", "theme": "x'); --"}])
    assert (content.posts(hand, WEEK1, rules=evil)["theme_source"] != "rule").all()
    assert hand.execute("SELECT count(*) FROM fact").fetchall()[0][0] > 0


# ---------------------------------------------------------------- top and bottom


def test_top_bottom_order_threshold_and_direction(hand):
    top, bottom = content.top_bottom(hand, WEEK1, metric="er", min_exposure=1200, n=2)
    # Exposure ≥ 1200 and ER defined: P3 0.1, P1 0.056, P2 0.02 (P6 has 1000 exposure, P4 no ER).
    assert list(top["content_id"]) == ["P3", "P1"]
    assert list(bottom["content_id"]) == ["P2"]  # the bottom list never repeats a top post
    assert list(top["rank"]) == [1, 2] and int(top["ranked"].iloc[0]) == 3
    top, _ = content.top_bottom(hand, WEEK1, metric="exposure", min_exposure=0, n=3)
    assert list(top["content_id"]) == ["P4", "P3", "P2"]  # 8000 (views), 4000, 2000
    # CPE: lower is better, so the cheapest post is first. P3 1500/400 = 3.75 < P6 1500/50 = 30.
    top, bottom = content.top_bottom(hand, WEEK1, metric="cpe_cost", n=1)
    assert list(top["content_id"]) == ["P3"] and list(bottom["content_id"]) == ["P6"]


# ---------------------------------------------------------------- best time


def test_heatmap_against_pandas(con):
    rng = random.Random(11)
    rows, pubs = [], {}
    for i in range(80):
        pub = dt.datetime(2026, 9, 7) + dt.timedelta(
            days=rng.randrange(0, 14), hours=rng.choice([9, 12, 12, 20, 21]), minutes=rng.randrange(0, 60)
        )
        imp = rng.randint(1000, 5000)
        likes = rng.randint(10, 500)
        pubs[f"H{i}"] = (pub, likes / imp)
        rows.append(
            row(
                f"H{i}",
                pub.date().isoformat(),
                content_type="video",
                content_title=f"t{i}",
                published_at=pub.strftime("%Y-%m-%d %H:%M"),
                impressions=imp,
                likes=likes,
            )
        )
    load_rows(con, rows)
    f = Filters(D(2026, 9, 1), D(2026, 9, 30))
    for block, min_posts in ((1, 3), (3, 2)):
        heat = content.heatmap(
            con, f, platform="xiaohongshu", metric="er", min_posts=min_posts, hour_block=block
        )
        assert len(heat) == 7 * 24 // block
        ref = pd.DataFrame(
            [
                {"weekday": p.isoweekday(), "hour_start": p.hour // block * block, "er": er}
                for p, er in pubs.values()
            ]
        )
        exp = ref.groupby(["weekday", "hour_start"])["er"].agg(["median", "count"]).reset_index()
        got = heat.merge(exp, on=["weekday", "hour_start"], how="left")
        filled = got[got["count"].notna()]
        assert (filled["posts"] == filled["count"]).all()
        assert np.allclose(filled["value"], filled["median"])
        assert (got["reliable"] == (got["count"].fillna(0) >= min_posts)).all()
        assert (got.loc[got["count"].isna(), "posts"] == 0).all()
        best = content.best_slots(heat, "er", n=2)
        assert (
            best["reliable"].all()
            and list(best["value"])
            == sorted(filled.loc[filled["count"] >= min_posts, "median"], reverse=True)[:2]
        )


# ---------------------------------------------------------------- sample data


def test_outliers_against_pandas_on_sample(sample_con):
    """Robust z of ln(ER) within platform × type, from the store's base rows recomputed in pandas."""
    f = Filters(D(2026, 8, 31), D(2026, 11, 22))
    s = Settings(er_base="views")
    got = content.outliers(sample_con, f, s, z=0, min_exposure=1000, min_group=5)
    raw = sample_con.execute("SELECT * FROM fact_active WHERE content_id IS NOT NULL").df()
    raw["inter"] = raw[["likes", "comments", "shares", "saves"]].sum(axis=1, min_count=1)
    raw["pair"] = raw["inter"].notna() & raw["views"].notna()
    raw["pi"] = raw["inter"].where(raw["pair"])
    raw["pv"] = raw["views"].where(raw["pair"])
    raw["exposure"] = raw["impressions"].fillna(raw["views"]).fillna(raw["reach"])
    per = (
        raw.groupby(["platform", "content_id"], dropna=False)
        .agg(
            ctype=("content_type", "first"),
            pi=("pi", lambda x: x.sum(min_count=1)),
            pv=("pv", lambda x: x.sum(min_count=1)),
            exposure=("exposure", lambda x: x.sum(min_count=1)),
            pub=("published_at", "min"),
        )
        .reset_index()
    )
    per = per[(per["pub"].dt.date >= f.start) & (per["pub"].dt.date <= f.end)]
    per["er"] = per["pi"] / per["pv"]
    per = per[(per["er"] > 0) & (per["exposure"] >= 1000)].copy()
    per["ctype"] = per["ctype"].fillna("—")
    per["lv"] = np.log(per["er"])
    exp = []
    for _, g in per.groupby(["platform", "ctype"]):
        med = g["lv"].median()
        mad = (g["lv"] - med).abs().median()
        if len(g) < 5 or mad == 0:
            continue
        exp.append(g.assign(z=(g["lv"] - med) / (1.4826 * mad), factor=g["er"] / g["er"].median()))
    exp = pd.concat(exp).set_index("content_id")
    assert set(got["content_id"]) == set(exp.index)
    got = got.set_index("content_id")
    assert np.allclose(got["robust_z"], exp.loc[got.index, "z"])
    assert np.allclose(got["factor"], exp.loc[got.index, "factor"])
    # The planted story: 桃子酱Peachy's bought engagement stands out far above the XHS video norm.
    flagged = content.outliers(sample_con, f, s, z=3.5, min_exposure=1000)
    peachy = flagged[flagged["kol"] == "桃子酱Peachy"]
    assert len(peachy) == 3 and (peachy["robust_z"] > 3.5).all() and (peachy["factor"] > 4).all()


def test_lifetime_equals_the_latest_snapshot_on_sample(sample_con):
    """Lifetime per-post figures (summed weekly differences) equal each post's latest snapshot."""
    end = D(2026, 10, 25)
    f = Filters(D(2026, 8, 31), end)
    got = content.posts(sample_con, f, scope="lifetime").set_index(["platform", "content_id"])
    snaps = sample_con.execute("SELECT * FROM snapshots_active WHERE as_of <= ?", [end]).df()
    latest = (
        snaps.sort_values("as_of")
        .groupby(["platform", "content_id"])
        .tail(1)
        .set_index(["platform", "content_id"])
    )
    latest = latest[latest["published_at"].dt.date <= end]
    assert set(got.index) == set(latest.index)
    for col in ("views", "likes", "impressions", "conversions"):
        a, b = got[col], latest.loc[got.index, col]
        assert np.allclose(a.fillna(-1), b.fillna(-1)), col


def test_sample_story_video_beats_image_text(sample_con):
    """Short video beats image-text on XHS and Douyin (README story 3), by per-post median ER on views."""
    f = Filters(D(2026, 8, 31), D(2026, 11, 22))
    h = content.form_headlines(sample_con, f, Settings(er_base="views"), metric="er", min_posts=3).set_index(
        "platform"
    )
    snaps = sample_con.execute("SELECT * FROM snapshots_active").df()
    last = snaps.sort_values("as_of").groupby(["platform", "content_id"]).tail(1)
    last = last.assign(er=last[["likes", "comments", "shares", "saves"]].sum(axis=1) / last["views"])
    for plat in ("xiaohongshu", "douyin"):
        assert h.loc[plat, "best"] == "video" and h.loc[plat, "other"] == "image_text"
        assert h.loc[plat, "factor"] > 1.5
        med = last[last["platform"] == plat].groupby("content_type")["er"].median()
        assert h.loc[plat, "best_value"] == pytest.approx(med["video"])
        assert h.loc[plat, "other_value"] == pytest.approx(med["image_text"])


def test_every_query_runs_in_both_scopes_and_all_settings(sample_con):
    f = Filters(D(2026, 11, 16), D(2026, 11, 22))
    rules = content.parse_rules(content.default_theme_rules("zh"))
    for scope in content.SCOPES:
        for s in (Settings(), Settings(er_base="followers", roi_basis="paid"), Settings(er_base="reach")):
            assert content.scope_info(sample_con, f, s, scope=scope, rules=rules)["posts"] > 0
            assert not content.by_type_platform(sample_con, f, s, scope=scope, rules=rules).empty
            content.by_theme(sample_con, f, s, scope=scope, rules=rules, split_platform=True)
            for m in content.RANK_METRICS:
                content.top_bottom(sample_con, f, s, metric=m, scope=scope, rules=rules)
            for m in content.HEAT_METRICS:
                heat = content.heatmap(sample_con, f, s, platform="xiaohongshu", metric=m, scope=scope)
                assert len(heat) == 7 * 24
            content.outliers(sample_con, f, s, scope=scope)
    with pytest.raises(ValueError):
        content.top_bottom(sample_con, f, metric="spend; DROP TABLE fact")
    with pytest.raises(ValueError):
        content.heatmap(sample_con, f, platform="douyin", hour_block=5)


def test_followers_base_er_uses_the_kol_roster(con):
    load_rows(
        con,
        [
            row(
                "K1",
                "2026-09-02",
                kol="Ann",
                content_type="video",
                content_title="k1",
                published_at="2026-09-02 10:00",
                impressions=1000,
                likes=120,
            ),
            row(
                "K2",
                "2026-09-03",
                kol="Ann",
                content_type="video",
                content_title="k2",
                published_at="2026-09-03 10:00",
                impressions=1000,
                likes=80,
            ),
            row(
                "B1",
                "2026-09-03",
                content_type="video",
                content_title="brand",
                published_at="2026-09-03 11:00",
                impressions=1000,
                likes=50,
            ),
        ],
    )
    roster = _csv(
        [
            {
                "kol": "Ann",
                "platform": "xiaohongshu",
                "followers": 20000,
                "fee": 1,
                "currency": "CNY",
                "as_of": "2026-08-31",
            }
        ],
        ["kol", "platform", "followers", "fee", "currency", "as_of"],
    )
    assert ingest_bytes(con, roster, "kol_roster_t.csv", LoadOptions()).status == "loaded"
    s = Settings(er_base="followers")
    p = content.posts(con, WEEK1, s).set_index("content_id")
    assert p.loc["K1", "er"] == pytest.approx(120 / 20000) and pd.isna(p.loc["B1", "er"])
    g = content.by_type_platform(con, WEEK1, s).iloc[0]
    # The KOL is counted once: (120 + 80) / 20000, as metrics.compute does for a followers base.
    assert g["er"] == pytest.approx(200 / 20000)
    reg = metrics.compute(con, WEEK1, s, by=("platform",)).iloc[0]
    assert g["er"] == pytest.approx(reg["er"])
    assert math.isclose(g["er_median"], 0.005)


def test_rollups_over_a_posts_frame_equal_the_store_path(hand):
    """The page computes posts() once and rolls up over that frame: same answers as from the store."""
    rules = content.parse_rules(
        [{"keywords": "review, 测评", "theme": "测评"}, {"keywords": "教程", "theme": "教程"}]
    )
    for scope, f in (("lifetime", WEEK1), ("weekly", Filters(D(2026, 8, 31), D(2026, 9, 13)))):
        pm = content.posts(hand, f, scope=scope, rules=rules)
        kw = {"scope": scope, "rules": rules}
        pairs = [
            (content.by_type_platform(hand, f, **kw), content.by_type_platform(hand, f, posts=pm, **kw)),
            (
                content.by_theme(hand, f, split_platform=True, **kw),
                content.by_theme(hand, f, split_platform=True, posts=pm, **kw),
            ),
            (
                content.form_headlines(hand, f, min_posts=1, **kw),
                content.form_headlines(hand, f, min_posts=1, posts=pm, **kw),
            ),
            (
                content.heatmap(hand, f, platform="xiaohongshu", min_posts=1, **kw),
                content.heatmap(hand, f, platform="xiaohongshu", min_posts=1, posts=pm, **kw),
            ),
            (
                content.outliers(hand, f, z=0, min_group=1, **kw),
                content.outliers(hand, f, z=0, min_group=1, posts=pm, **kw),
            ),
            *zip(
                content.top_bottom(hand, f, metric="er", n=2, **kw),
                content.top_bottom(hand, f, metric="er", n=2, posts=pm, **kw),
                strict=True,
            ),
        ]
        for a, b in pairs:
            assert list(a.columns) == list(b.columns)
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False
            )
        assert content.rule_matches(hand, f, **kw) == content.rule_matches(hand, f, posts=pm, **kw)
        assert content.scope_info(hand, f, **kw) == content.scope_info(hand, f, posts=pm, **kw)


def test_wider_ranges_given_expect(hand):
    # Posts were published from 09-01; the last row is dated 09-08.
    r = content.wider_ranges(hand, WEEK1)
    assert r == {"4w": (D(2026, 9, 1), D(2026, 9, 6)), "all": (D(2026, 9, 1), D(2026, 9, 8))}
    assert "all" not in content.wider_ranges(hand, Filters(D(2026, 9, 1), D(2026, 9, 8)))


def test_heatmap_chart_states_no_scale_when_no_cell_holds_enough_posts(sample_con):
    """One week of the sample: no weekday × hour cell has 3 posts, so no cell is coloured; the colour legend read
    "NaN%" (a scale with no values). It is left out there, and shown with the cells' range where there are some."""
    from smm import content_charts as cc

    def color_legends(spec):
        return [layer["encoding"]["color"].get("legend", "default") for layer in spec["layer"]
                if "field" in layer.get("encoding", {}).get("color", {})]

    week = Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    heat = content.heatmap(sample_con, week, platform="xiaohongshu", metric="er", min_posts=3)
    assert heat["posts"].sum() > 0 and not heat["reliable"].any()
    assert color_legends(cc.heatmap_chart(heat, "er", "xiaohongshu", "en", "CNY", 3).to_dict()) == [None]
    full = Filters(start=dt.date(2026, 8, 31), end=dt.date(2026, 11, 22))
    heat = content.heatmap(sample_con, full, platform="xiaohongshu", metric="er", min_posts=3)
    assert heat["reliable"].any()
    legends = color_legends(cc.heatmap_chart(heat, "er", "xiaohongshu", "en", "CNY", 3).to_dict())
    assert len(legends) == 1 and isinstance(legends[0], dict)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_median_over_some_of_a_groups_posts_says_how_many_of_them(sample_con, lang):
    """The theme chart labelled 测评's ER median "2 条" beside a table counting the theme's 8 posts: only 2 had an
    ER (the others' exports have no exposure). A bar over part of its group now says so ("2/8 条"); a bar over all
    of it keeps the plain count."""
    from smm import content_charts as cc

    week = Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    rules = content.parse_rules(content.default_theme_rules(lang))
    for frame, chart in ((content.by_theme(sample_con, week, rules=rules), cc.theme_chart),
                         (content.by_type_platform(sample_con, week), cc.form_chart)):
        shown = frame[frame["er_median"].notna()]
        partial, whole = shown[shown["er_posts"] < shown["posts"]], shown[shown["er_posts"] == shown["posts"]]
        assert len(partial) and len(whole)          # the sample's week has both kinds of group
        spec = chart(frame, "er", lang, "CNY").to_dict()
        rows = spec["datasets"][next(iter(spec["datasets"]))]
        texts = sorted(r["n_text"] for r in rows)
        want = sorted([f"{r.er_posts}/{r.posts} 条" if lang == "zh" else f"n={r.er_posts} of {r.posts}"
                       for r in partial.astype({"er_posts": int, "posts": int}).itertuples()]
                      + [f"{r.posts} 条" if lang == "zh" else f"n={r.posts}"
                         for r in whole.astype({"posts": int}).itertuples()])
        assert texts == want
        if chart is cc.form_chart:      # inside a bar that may be narrow: "n=2/8" in English
            shorts = sorted(r["n_short"] for r in rows)
            assert shorts == sorted(w.replace(" of ", "/") for w in want)
