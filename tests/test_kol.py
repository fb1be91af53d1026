"""smm.kol on hand-made rows loaded through the real ingest path, and on the sample store.

Expected values are typed in by hand (given/expect, the arithmetic in a comment) or come from an independent
pandas computation over the raw sample files / the store's base tables, never from smm.kol itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from smm import export, kol, metrics
from smm.ingest import LoadOptions, ingest_bytes
from smm.kol import KolOptions
from smm.metrics import Settings
from smm.queries import Filters
from smm.sample import sample_dir

D = dt.date
ALL = Filters(D(2026, 8, 31), D(2026, 11, 22))
FACT_COLS = ["platform", "date", "content_id", "content_title", "content_type", "published_at", "kol",
             "impressions", "views", "likes", "comments", "shares", "saves", "clicks", "conversions", "follows",
             "revenue", "currency"]


def _csv(rows: list[dict], cols: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols)
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    return buf.getvalue().encode("utf-8")


def _load(con, data: bytes, name: str) -> None:
    r = ingest_bytes(con, data, name, LoadOptions(today=D(2026, 12, 1)))
    assert r.status == "loaded", (name, r.status, r.errors[:3])


def load_posts(con, rows: list[dict]) -> None:
    cols = [c for c in FACT_COLS if any(c in r for r in rows) or c in ("platform", "date", "currency", "kol")]
    _load(con, _csv([{"currency": "CNY", "content_type": "video", **r} for r in rows],
                    cols + (["content_type"] if "content_type" not in cols else [])), "generic_facts_kol.csv")


def load_fees(con, rows: list[dict], name: str = "other_costs_kol_t.csv") -> None:
    _load(con, _csv([{"category": "kol", "currency": "CNY", **r} for r in rows],
                    ["date", "platform", "category", "amount", "currency", "kol", "note"]), name)


def load_roster(con, rows: list[dict], as_of: str) -> None:
    _load(con, _csv([{"currency": "CNY", "as_of": as_of, "fee": 1, "posts": 1, **r} for r in rows],
                    ["kol", "platform", "followers", "fee", "posts", "category", "currency", "as_of"]),
          f"kol_roster_{as_of}.csv")


def post(kol_: str, pid: str, date: str, published: str, **kw) -> dict:
    return {"platform": "xiaohongshu", "kol": kol_, "content_id": pid, "date": date, "published_at": published,
            "content_title": pid, **kw}


# ---------------------------------------------------------------- the hand-made store
# xiaohongshu 腰部 (5万–50万): A (100,000), B (200,000), C (300,000); KOC: D (20,000); E has a fee only;
# douyin 头部: F (600,000). One post each; A's post has a second weekly row in the week of 09-07.
HAND = [
    post("A", "PA", "2026-09-06", "2026-09-01 20:00", impressions=10000, views=2000, likes=100, comments=10,
         shares=5, saves=35, clicks=50, conversions=5, revenue=1000, follows=30),
    post("A", "PA", "2026-09-13", "2026-09-01 20:00", impressions=5000, views=1000, likes=50, comments=5,
         shares=0, saves=15, clicks=10, conversions=1, revenue=200, follows=10),
    post("B", "PB", "2026-09-06", "2026-09-02 20:00", impressions=20000, views=4000, likes=200, comments=20,
         shares=10, saves=70, clicks=80, conversions=4, revenue=800),
    post("C", "PC", "2026-09-06", "2026-09-03 20:00", impressions=30000, views=6000, likes=300, comments=30,
         shares=15, saves=90, clicks=90, conversions=3, revenue=600),
    post("D", "PD", "2026-09-06", "2026-09-04 20:00", impressions=4000, views=800, likes=40, comments=4,
         shares=2, saves=14, clicks=8, conversions=0, revenue=0),
    {**post("F", "PF", "2026-09-06", "2026-09-04 21:00", impressions=9000, views=50000, likes=2000,
            comments=200, shares=100, saves=100, clicks=300, conversions=20, revenue=5000), "platform": "douyin"},
]
FEES = [
    {"date": "2026-09-01", "platform": "xiaohongshu", "amount": 3000, "kol": "A"},
    {"date": "2026-09-02", "platform": "xiaohongshu", "amount": 6000, "kol": "B"},
    {"date": "2026-09-03", "platform": "xiaohongshu", "amount": 7500, "kol": "C"},
    {"date": "2026-09-04", "platform": "xiaohongshu", "amount": 2000, "kol": "D"},
    {"date": "2026-09-05", "platform": "xiaohongshu", "amount": 5000, "kol": "E"},
    {"date": "2026-09-04", "platform": "douyin", "amount": 40000, "kol": "F"},
]
ROSTER = [{"kol": "A", "platform": "xiaohongshu", "followers": 100000},
          {"kol": "B", "platform": "xiaohongshu", "followers": 200000},
          {"kol": "C", "platform": "xiaohongshu", "followers": 300000},
          {"kol": "D", "platform": "xiaohongshu", "followers": 20000},
          {"kol": "E", "platform": "xiaohongshu", "followers": 60000},
          {"kol": "F", "platform": "douyin", "followers": 600000}]
SEPT = Filters(D(2026, 8, 31), D(2026, 9, 30))


@pytest.fixture
def hand(con):
    load_posts(con, HAND)
    load_fees(con, FEES)
    load_roster(con, ROSTER, "2026-08-31")
    return con


def rows_by_kol(df: pd.DataFrame) -> dict[str, dict]:
    return {r["kol"]: r for r in df.to_dict("records")}


def test_scorecard_given_expect(hand):
    sc = rows_by_kol(kol.scorecard(hand, SEPT))
    assert set(sc) == {"A", "B", "C", "D", "E", "F"}
    a = sc["A"]
    # A: exposure 10000 + 5000; interactions (100+10+5+35) + (50+5+0+15) = 220; fee 3000.
    assert a["exposure"] == 15000 and a["interactions"] == 220 and a["fee"] == 3000 and a["posts"] == 1
    assert a["er"] == pytest.approx(220 / 15000)                 # registry base: impressions
    assert a["er_followers"] == pytest.approx(220 / 1 / 100000)  # per post
    assert a["cpm"] == pytest.approx(3000 * 1000 / 15000)        # 200
    assert a["cpe"] == pytest.approx(3000 / 220)
    assert a["cpa"] == pytest.approx(3000 / 6)                   # 500
    assert a["roi"] == pytest.approx((1200 - 3000) / 3000)       # -0.6
    assert a["cost_per_follow"] == pytest.approx(3000 / 40)
    assert a["likes_views"] == pytest.approx(150 / 3000) and a["comments_likes"] == pytest.approx(15 / 150)
    assert a["conv_per_1k"] == pytest.approx(6 / 3000 * 1000)
    assert a["tier"] == "cn:1" and a["followers"] == 100000
    # Three xiaohongshu 腰部 KOLs with results form their own peer group; D is alone → its tier across platforms.
    assert a["peer_group"] == "xiaohongshu/cn:1" and sc["D"]["peer_group"] == "cn:0"
    assert sc["F"]["tier"] == "cn:2"


def test_division_by_zero_and_missing_results_give_null(hand):
    sc = rows_by_kol(kol.scorecard(hand, SEPT))
    # D: 0 conversions → CPA undefined; E: a fee and no post data → no results, every ratio undefined.
    assert pd.isna(sc["D"]["cpa"]) and sc["D"]["roi"] == pytest.approx(-1.0)
    assert not sc["E"]["has_results"] and sc["E"]["fee"] == 5000
    for m in ("er", "cpm", "cpe", "cpa", "roi", "er_followers"):
        assert pd.isna(sc["E"][m])
    # B has no follows column values → cost per follower undefined, never inf.
    assert pd.isna(sc["B"]["cost_per_follow"])
    numeric = kol.scorecard(hand, SEPT).select_dtypes("number")
    assert not numeric.isin([math.inf, -math.inf]).any().any()


def test_er_base_follows_the_registry_setting(hand):
    views = rows_by_kol(kol.scorecard(hand, SEPT, Settings(er_base="views")))
    assert views["A"]["er"] == pytest.approx(220 / 3000)
    fol = rows_by_kol(kol.scorecard(hand, SEPT, Settings(er_base="followers")))
    assert fol["A"]["er"] == pytest.approx(220 / 100000)


def test_paired_er_ignores_rows_without_the_base(con):
    load_posts(con, [post("A", "P1", "2026-09-06", "2026-09-01 10:00", impressions=1000, likes=50),
                     post("A", "P2", "2026-09-06", "2026-09-02 10:00", views=500, likes=40),
                     post("A", "P3", "2026-09-06", "2026-09-03 10:00", impressions=4000)])
    a = rows_by_kol(kol.scorecard(con, SEPT))["A"]
    # P2 reports no impressions: its likes count in interactions (90) but not in ER on impressions (50 / 1000).
    # P3 reports no interactions: its impressions count in the KOL's impressions (5000) but not in ER's base.
    assert a["interactions"] == 90 and a["impressions"] == 5000 and a["er"] == pytest.approx(50 / 1000)


def test_window_publish_date_vs_data_date(hand):
    week = Filters(D(2026, 9, 7), D(2026, 9, 13))
    # Publish-date window: nothing was published (or paid for) in 09-07..09-13.
    assert kol.scorecard(hand, week, opts=KolOptions(window="cohort")).empty
    act = rows_by_kol(kol.scorecard(hand, week, opts=KolOptions(window="activity")))
    # Data-date window: A's second weekly row (interactions 70); its fee was booked 09-01 → no fee, CPE undefined.
    assert set(act) == {"A"} and act["A"]["interactions"] == 70 and pd.isna(act["A"]["fee"])
    assert pd.isna(act["A"]["cpe"]) and pd.isna(act["A"]["posts"]) | (act["A"]["posts"] == 0)
    # A publish-date window over September counts the lifetime of A's post, rows after September included.
    early = Filters(D(2026, 9, 1), D(2026, 9, 1))
    life = rows_by_kol(kol.scorecard(hand, early, opts=KolOptions(window="cohort")))
    assert life["A"]["interactions"] == 220 and life["A"]["fee"] == 3000


def test_filters_platform_and_kol(hand):
    only = rows_by_kol(kol.scorecard(hand, Filters(SEPT.start, SEPT.end, platforms=("douyin",))))
    assert set(only) == {"F"}
    chosen = kol.scorecard(hand, Filters(SEPT.start, SEPT.end, kols=("A", "B")))
    assert set(chosen["kol"]) == {"A", "B"}
    # The KOL filter narrows the rows shown, not the peer group used for scores.
    full = kol.scores(hand, SEPT).set_index("kol")
    part = kol.scores(hand, Filters(SEPT.start, SEPT.end, kols=("A", "B"))).set_index("kol")
    assert part.loc["A", "score"] == pytest.approx(full.loc["A", "score"])


# ---------------------------------------------------------------- tiers

@pytest.mark.parametrize(("preset", "platform", "followers", "tier"), [
    ("cn", "xiaohongshu", 49_999, "cn:0"), ("cn", "xiaohongshu", 50_000, "cn:1"),
    ("cn", "douyin", 499_999, "cn:1"), ("cn", "douyin", 500_000, "cn:2"),
    ("global", "xiaohongshu", 9_999, "global:0"), ("global", "meta", 10_000, "global:1"),
    ("global", "meta", 100_000, "global:2"), ("global", "meta", 500_000, "global:3"),
    ("global", "meta", 1_000_000, "global:4"),
    ("auto", "xiaohongshu", 60_000, "cn:1"), ("auto", "meta", 60_000, "global:1"),
    ("custom", "meta", 60_000, "custom:1"),
])
def test_tier_presets(con, preset, platform, followers, tier):
    load_fees(con, [{"date": "2026-09-01", "platform": platform, "amount": 100, "kol": "K"}])
    load_roster(con, [{"kol": "K", "platform": platform, "followers": followers}], "2026-08-31")
    opts = KolOptions(preset=preset, custom_bounds=(50_000.0, 80_000.0))
    assert kol.scorecard(con, SEPT, opts=opts).iloc[0]["tier"] == tier


def test_tier_labels_and_table():
    o = KolOptions(preset="custom", custom_bounds=(10_000.0, 100_000.0))
    assert kol.tier_label("cn:1", "zh", o) == "腰部" and kol.tier_label("global:4", "en", o) == "Mega"
    assert kol.tier_label("custom:0", "zh", o) == "< 1万"
    assert kol.tier_label("custom:1", "en", o) == "10K–100K" and kol.tier_label("custom:2", "en", o) == "≥ 100K"
    assert kol.tier_label("none", "en", o).startswith("Untiered")
    t = kol.tiers_in_force(KolOptions(preset="auto"), "zh")
    assert list(t["scheme"].unique()) == ["cn", "global"] and len(t) == 3 + 5
    assert "素人/KOC" in kol.tiers_text(KolOptions(preset="cn"), "zh")


def test_parse_bounds():
    assert kol.parse_bounds("5万, 50万") == (50_000.0, 500_000.0)
    assert kol.parse_bounds("10k 100k 1m") == (10_000.0, 100_000.0, 1_000_000.0)
    assert kol.parse_bounds("2.3w；30000") == (23_000.0, 30_000.0)
    for bad in ("", "50万, 5万", "abc", "0", "1万, 1万"):
        with pytest.raises(ValueError):
            kol.parse_bounds(bad)


def test_followers_use_the_roster_in_force_at_the_end(hand):
    load_roster(hand, [{"kol": "A", "platform": "xiaohongshu", "followers": 150000}], "2026-10-19")
    assert rows_by_kol(kol.scorecard(hand, SEPT))["A"]["followers"] == 100000       # 10-19 is after the end
    late = Filters(D(2026, 8, 31), D(2026, 10, 31))
    assert rows_by_kol(kol.scorecard(hand, late))["A"]["followers"] == 150000
    early = Filters(D(2026, 8, 1), D(2026, 8, 15))                                  # before every roster
    assert kol.scorecard(hand, Filters(D(2026, 8, 1), D(2026, 9, 30))).shape[0] == 6
    assert kol.scorecard(hand, early).empty


# ---------------------------------------------------------------- combined score

def test_score_given_expect(hand):
    s = kol.scores(hand, SEPT).set_index("kol")
    # Peer group xiaohongshu/cn:1 = A, B, C. Percentiles (0 worst … 1 best):
    #   ER: B .015 > A .01467 > C .0145 → B 1, A .5, C 0
    #   CPM: A 200 < C 250 < B 300 → A 1, C .5, B 0;  CPE: A 13.6 < C 17.2 < B 20 → A 1, C .5, B 0
    #   CPA: A 500 < B 1500 < C 2500 → A 1, B .5, C 0;  ROI: A -.6 > B -.867 > C -.92 → A 1, B .5, C 0
    assert s.loc["A", "norm_er"] == 0.5 and s.loc["B", "norm_er"] == 1 and s.loc["C", "norm_er"] == 0
    assert s.loc["C", "norm_cpm"] == 0.5 and s.loc["B", "norm_cpa"] == 0.5
    # Default weights ER 20, ER/followers 0, CPM 10, CPE 20, CPA 25, ROI 25 (total 100):
    # A = 20·.5 + 10 + 20 + 25 + 25 = 90;  B = 20 + 25·.5 + 25·.5 = 45;  C = 10·.5 + 20·.5 = 15.
    assert s.loc["A", "score"] == pytest.approx(90) and s.loc["B", "score"] == pytest.approx(45)
    assert s.loc["C", "score"] == pytest.approx(15)
    # Score = 50 + Σ contributions; contribution = 100 · w · (percentile − .5) / Σw.
    contrib = [f"contrib_{m}" for m in kol.SCORE_METRICS]
    assert (50 + s.loc["A", contrib].sum()) == pytest.approx(90)
    assert s.loc["A", "contrib_cpa"] == pytest.approx(12.5) and s.loc["A", "contrib_er"] == pytest.approx(0)
    # D and F are alone in their groups: every percentile is the middle → 50.
    assert s.loc["D", "score"] == pytest.approx(50) and s.loc["F", "score"] == pytest.approx(50)
    assert "E" not in s.index  # fee only: no results, no score
    assert s.loc["A", "score_rank"] == 1


def test_weights_change_the_ranking(hand):
    default = kol.scores(hand, SEPT)
    er_only = kol.scores(hand, SEPT, opts=KolOptions().with_weights({"er": 100}))
    abc = ["A", "B", "C"]
    rank = lambda df: [k for k in df["kol"] if k in abc]  # noqa: E731
    assert rank(default) == ["A", "B", "C"]
    # ER only: B 100, A 50, C 0.
    assert rank(er_only) == ["B", "A", "C"]
    assert er_only.set_index("kol").loc["B", "score"] == pytest.approx(100)
    zero = kol.scores(hand, SEPT, opts=KolOptions().with_weights({}))
    assert zero["score"].isna().all()


def test_a_cost_with_a_fee_and_zero_results_ranks_worst(con):
    rows = [post(k, f"P{k}", "2026-09-06", "2026-09-01 10:00", impressions=1000, likes=10, conversions=c,
                 revenue=10) for k, c in (("X", 0), ("Y", 1), ("Z", 2))]
    load_posts(con, rows)
    load_fees(con, [{"date": "2026-09-01", "platform": "xiaohongshu", "amount": 100, "kol": k} for k in "XYZ"])
    load_roster(con, [{"kol": k, "platform": "xiaohongshu", "followers": 100000} for k in "XYZ"], "2026-08-31")
    s = kol.scores(con, SEPT).set_index("kol")
    # X's CPA is undefined (100 / 0) but it is the worst CPA of the group, not a missing one.
    assert pd.isna(s.loc["X", "cpa"]) and s.loc["X", "norm_cpa"] == 0 and s.loc["X", "pos_cpa"] == 3
    assert s.loc["Z", "norm_cpa"] == 1


def test_score_needs_half_the_weight(con):
    # Only views and likes: ER on views exists, every fee-based metric is missing (no fee).
    load_posts(con, [post(k, f"P{k}", "2026-09-06", "2026-09-01 10:00", views=1000, likes=v)
                     for k, v in (("X", 10), ("Y", 20), ("Z", 30))])
    load_roster(con, [{"kol": k, "platform": "xiaohongshu", "followers": 100000} for k in "XYZ"], "2026-08-31")
    s = kol.scores(con, SEPT, Settings(er_base="views"))
    assert s["score"].isna().all()   # ER carries 20 of 100
    er_heavy = kol.scores(con, SEPT, Settings(er_base="views"), KolOptions().with_weights({"er": 60, "cpa": 40}))
    assert list(er_heavy.set_index("kol")["score"].loc[["X", "Y", "Z"]]) == [0, 50, 100]


def test_top_bottom_reasons(hand):
    tb = kol.top_bottom(hand, SEPT, n=1, reasons=2)
    top = tb[tb["side"] == "top"]
    bottom = tb[tb["side"] == "bottom"]
    assert set(top["kol"]) == {"A"} and set(bottom["kol"]) == {"C"}
    # A's largest positive pulls: CPA and ROI (+12.5 each); C's largest negative: CPA and ROI (−12.5 each).
    assert set(top["metric"]) == {"cpa", "roi"} and (top["contribution"] == 12.5).all()
    assert set(bottom["metric"]) == {"cpa", "roi"} and (bottom["contribution"] == -12.5).all()
    text = kol.reason_text(top.iloc[0].to_dict(), "en", "CNY")
    assert "#1 of 3" in text and "+12.5" in text


# ---------------------------------------------------------------- quality flags

NORMAL = dict(impressions=100000, views=10000, likes=500, comments=60, shares=20, saves=100, conversions=10)


def flag_store(con, subject: dict, follower_growth: float = 0.05) -> None:
    """Four normal 腰部 KOLs (N1–N4) and one subject S on xiaohongshu; rosters on 08-31 and 10-19."""
    rows = [post(f"N{i}", f"PN{i}", "2026-09-06", "2026-09-01 10:00", **NORMAL) for i in range(1, 5)]
    rows.append(post("S", "PS", "2026-09-06", "2026-09-01 10:00", **{**NORMAL, **subject}))
    load_posts(con, rows)
    load_fees(con, [{"date": "2026-09-01", "platform": "xiaohongshu", "amount": 1000, "kol": r["kol"]}
                    for r in rows])
    names = [f"N{i}" for i in range(1, 5)] + ["S"]
    load_roster(con, [{"kol": k, "platform": "xiaohongshu", "followers": 100000} for k in names], "2026-08-31")
    load_roster(con, [{"kol": k, "platform": "xiaohongshu",
                       "followers": 100000 * (1 + (follower_growth if k == "S" else 0.05))} for k in names],
                "2026-10-19")


def fired(con) -> dict[str, dict]:
    fl = kol.flags(con, ALL)
    assert set(fl["kol"]) <= {"S"}, fl  # the normal KOLs never fire
    return {r["rule"]: r for r in fl.to_dict("records")}


def test_flag_high_er_low_conversions(con):
    # ER (6000+18+20+100)/100000 = 0.06138 vs 0.0068 (9.0×); conversions per 1k views 0 vs 1.
    flag_store(con, {"likes": 6000, "comments": 18, "conversions": 0})
    r = fired(con)["high_er_low_conv"]
    assert r["value"] == pytest.approx(6138 / 100000) and r["peer_median"] == pytest.approx(680 / 100000)
    assert r["value2"] == 0 and r["peer_median2"] == pytest.approx(1.0)
    assert r["peer_n"] == 4 and r["scope"] == "tier"
    assert "9.0×" in kol.flag_text(r, "en")


def test_flag_high_er_needs_low_conversions(con):
    flag_store(con, {"likes": 6000, "comments": 600, "conversions": 10})
    assert "high_er_low_conv" not in fired(con)


def test_flag_likes_views(con):
    flag_store(con, {"likes": 1600, "comments": 192})   # likes/views .16 ≥ 3 × .05
    r = fired(con)["likes_views"]
    assert r["value"] == pytest.approx(0.16) and r["peer_median"] == pytest.approx(0.05)
    assert r["value2"] == 1600 and r["peer_median2"] == 10000  # the evidence: likes and views


def test_flag_likes_views_not_at_twice_the_median(con):
    flag_store(con, {"likes": 1000, "comments": 120})   # .10 = 2 × median
    assert "likes_views" not in fired(con)


def test_flag_comments_likes(con):
    flag_store(con, {"comments": 10})                    # 10/500 = .02 ≤ .2 × .12
    r = fired(con)["comments_likes"]
    assert r["value"] == pytest.approx(0.02) and r["peer_median"] == pytest.approx(0.12)
    assert set(fired(con)) == {"comments_likes"}


def test_flag_comments_likes_not_at_half_the_median(con):
    flag_store(con, {"comments": 30})                    # .06 = .5 × median
    assert fired(con) == {}


def test_flag_follower_jump(con):
    flag_store(con, {}, follower_growth=0.5)
    r = fired(con)["follower_jump"]
    assert r["value"] == pytest.approx(0.5) and r["peer_median"] == pytest.approx(0.05)
    assert r["from_value"] == 100000 and r["value2"] == 150000
    assert pd.Timestamp(r["from_date"]).date() == D(2026, 8, 31) and pd.Timestamp(r["to_date"]).date() == D(
        2026, 10, 19)
    assert "+50%" in kol.flag_text(r, "en") and "2026-08-31" in kol.flag_text(r, "zh")


def test_flag_follower_growth_below_threshold(con):
    flag_store(con, {}, follower_growth=0.2)
    assert fired(con) == {}


def test_flag_follower_jump_ignores_rosters_after_the_range(con):
    flag_store(con, {}, follower_growth=0.8)
    assert kol.flags(con, Filters(D(2026, 8, 31), D(2026, 9, 30))).empty


# ---------------------------------------------------------------- comparison, trend, scatter

def test_compare_values_and_tier_median(hand):
    cmp = kol.compare(hand, SEPT, None, None, ["xiaohongshu|A", "xiaohongshu|B"], ["cpa", "er", "bogus"])
    assert list(cmp["metric"]) == ["cpa", "cpa", "er", "er"] and list(cmp["kol"]) == ["A", "B", "A", "B"]
    a = cmp.set_index(["kol", "metric"])
    assert a.loc[("A", "cpa"), "value"] == pytest.approx(500)
    # Median CPA of the group A, B, C = 1500 (500, 1500, 2500).
    assert a.loc[("A", "cpa"), "tier_median"] == pytest.approx(1500)
    assert a.loc[("B", "er"), "tier_median"] == pytest.approx(220 / 15000)
    assert kol.compare(hand, SEPT, None, None, [], ["cpa"]).empty


def test_trend_given_expect(hand):
    t = kol.trend(hand, SEPT, None, "xiaohongshu|A", "week")
    # Weeks of 08-31 and 09-07: interactions 150 then 70; fee 3000 booked in the first week.
    assert [str(w.date()) for w in t["week"]] == ["2026-08-31", "2026-09-07"]
    assert list(t["interactions"]) == [150, 70]
    assert t["er"].iloc[0] == pytest.approx(150 / 10000) and t["er"].iloc[1] == pytest.approx(70 / 5000)
    # CPE to date: 3000 / 150, then 3000 / 220.
    assert list(t["cpe"]) == pytest.approx([3000 / 150, 3000 / 220])
    assert t["er_med"].iloc[0] == pytest.approx((150 / 10000 + 70 / 5000) / 2)
    pub = kol.trend(hand, SEPT, None, "xiaohongshu|A", "publish_week")
    assert len(pub) == 1 and pub["interactions"].iloc[0] == 220 and pub["cpe"].iloc[0] == pytest.approx(3000 / 220)
    with pytest.raises(ValueError):
        kol.trend(hand, SEPT, None, "xiaohongshu|A", "month")


def test_scatter_quadrants(hand):
    sp = kol.scatter(hand, SEPT, None, None, "conversions").set_index("kol")
    # Fees A 3000, B 6000, C 7500, D 2000, F 40000 (median 6000); conversions 6, 4, 3, 0, 20 (median 4).
    assert sp["fee_med"].iloc[0] == 6000 and sp["result_med"].iloc[0] == 4
    assert sp.loc["A", "quadrant"] == "cheap_strong" and sp.loc["B", "quadrant"] == "cheap_strong"
    assert sp.loc["C", "quadrant"] == "costly_weak" and sp.loc["D", "quadrant"] == "cheap_weak"
    assert sp.loc["F", "quadrant"] == "costly_strong" and "E" not in sp.index
    with pytest.raises(ValueError):
        kol.scatter(hand, SEPT, None, None, "fee; DROP TABLE fact")


def test_totals_from_sums(hand):
    t = kol.totals(hand, SEPT)
    assert t["kols"] == 6 and t["kols_with_results"] == 5 and t["fee_only"] == 1
    assert t["fee"] == 63500
    # ROI over the fees of KOLs that report revenue (all but E): revenue 1200+800+600+0+5000 = 7600.
    assert t["roi"] == pytest.approx((7600 - 58500) / 58500)
    assert t["cpa"] == pytest.approx(58500 / 33)


def test_missing_rate_is_listed_not_summed(hand):
    load_fees(hand, [{"date": "2026-09-10", "platform": "xiaohongshu", "amount": 999, "kol": "A",
                      "currency": "XYZ"}], name="other_costs_xyz.csv")
    assert kol.missing_fx(hand, SEPT) == ["XYZ"]
    assert rows_by_kol(kol.scorecard(hand, SEPT))["A"]["fee"] == 3000


# ---------------------------------------------------------------- settings, text safety, export

def test_options_round_trip_through_the_store(con):
    assert kol.load_options(con) == KolOptions()
    o = KolOptions(window="activity", preset="custom", custom_bounds=(5.0, 50.0)).with_weights({"roi": 100})
    kol.save_options(con, o)
    assert kol.load_options(con) == o
    con.execute("UPDATE settings SET value = '{broken' WHERE key = 'kol'")
    assert kol.load_options(con) == KolOptions()
    with pytest.raises(ValueError):
        KolOptions(preset="nope")
    with pytest.raises(ValueError):
        KolOptions().with_weights({"er": -1})


def test_md_escape_makes_names_inert():
    s = kol.md_escape("[click](javascript:alert(1)) **x** <b>$x$</b>")
    assert "](" not in s and "**" not in s and "<b>" not in s and "\\$" in s


EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\r=cmd|' /C calc'!A0"]


def test_export_neutralises_formulas_and_keeps_numbers(con):
    load_posts(con, [post(n, f"P{i}", "2026-09-06", "2026-09-01 10:00", impressions=1000, likes=10,
                          conversions=1, revenue=10) for i, n in enumerate(EVIL)])
    load_fees(con, [{"date": "2026-09-01", "platform": "xiaohongshu", "amount": 100, "kol": n} for n in EVIL])
    sc = kol.scorecard(con, SEPT)
    assert len(sc) == len(EVIL)
    # Ingest trims the leading tab / CR of a name; put the raw names back to test the export on its own.
    sc["kol"] = sorted(EVIL)
    stored = set(EVIL)
    frame = kol.export_frame(kol.scorecard_frame(sc, kol.scores(con, SEPT), kol.flags(con, SEPT), "en",
                                                 KolOptions()), "en", "CNY")
    wb = load_workbook(io.BytesIO(export.to_xlsx_bytes(frame)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    kcol, rcol = header.index("KOL"), header.index("ROI")
    names = [row[kcol] for row in ws.iter_rows(min_row=2)]
    for cell in names:
        assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    # XML stores a bare CR as a line feed; the cell is still escaped text, not a formula.
    assert {c.value[1:] for c in names} == {n.replace("\r", "\n") for n in stored}
    rois = [row[rcol] for row in ws.iter_rows(min_row=2)]
    # ROI = (10 − 100) / 100 = −0.9: a real negative number stays a number.
    assert all(c.data_type == "n" and c.value == pytest.approx(-0.9) for c in rois)
    text = export.to_csv_bytes(frame).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    kc = parsed[0].index("KOL")
    # One row per KOL: a CR inside a name is quoted, so it can never start a new (unescaped) row or cell.
    assert len(parsed) == 1 + len(EVIL)
    assert {r[kc] for r in parsed[1:]} == {"'" + n for n in EVIL}
    assert {float(r[parsed[0].index("ROI")]) for r in parsed[1:]} == {-0.9}
    assert "KOL fee (CNY)" in parsed[0]


# ---------------------------------------------------------------- the sample store

def _snapshot_totals(name: str, encoding: str, kol_col: str, cols: dict[str, list[str]]) -> pd.DataFrame:
    df = pd.read_csv(sample_dir() / name, encoding=encoding)
    out = pd.DataFrame({"kol": df[kol_col]})
    for k, src in cols.items():
        out[k] = df[src].sum(axis=1)
    return out.groupby("kol").sum()


def test_sample_lifetime_matches_the_final_snapshots(sample_con):
    # Cumulative exports: a post's lifetime is its latest snapshot, so per KOL the sum over the 11-22 files.
    xhs = _snapshot_totals("pugongying_notes_2026-11-22.csv", "gb18030", "博主昵称", {
        "interactions": ["点赞数", "收藏数", "评论数", "分享数"], "views": ["阅读量"], "conversions": ["成交订单"],
        "revenue": ["成交金额"]})
    dy = _snapshot_totals("xingtu_orders_2026-11-22.csv", "utf-8-sig", "达人昵称", {
        "interactions": ["点赞量", "评论量", "分享量", "收藏量"], "views": ["播放量"], "conversions": ["转化数"],
        "revenue": ["成交金额"]})
    expect = pd.concat([xhs, dy])
    sc = kol.scorecard(sample_con, ALL).set_index("kol")
    got = sc.loc[sc["has_results"], ["interactions", "views", "conversions", "revenue"]]
    assert set(got.index) == set(expect.index)
    for col in ("interactions", "views", "conversions", "revenue"):
        for k in expect.index:
            assert got.loc[k, col] == pytest.approx(expect.loc[k, col]), (k, col)


def test_sample_fees_match_the_cost_file(sample_con):
    costs = pd.read_csv(sample_dir() / "other_costs_kol.csv")
    rates = dict(sample_con.execute("SELECT currency, cny_per_unit FROM fx_rates").fetchall())
    costs["cny"] = costs["amount"] * costs["currency"].map(rates)
    expect = costs.groupby("kol")["cny"].sum()
    sc = kol.scorecard(sample_con, ALL).set_index("kol")
    assert set(sc.index) == set(expect.index)
    for k, v in expect.items():
        assert sc.loc[k, "fee"] == pytest.approx(v), k
    usd = kol.scorecard(sample_con, Filters(ALL.start, ALL.end, currency="USD")).set_index("kol")
    assert usd.loc["@glowwithmina", "fee"] == pytest.approx(expect["@glowwithmina"] / rates["USD"])


def test_sample_agrees_with_the_registry(sample_con):
    s = Settings()
    reg = metrics.compute(sample_con, ALL, s, by=("kol",)).dropna(subset=["kol"]).set_index("kol")
    sc = kol.scorecard(sample_con, ALL, s, KolOptions(window="activity")).set_index("kol")
    res = sc[sc["has_results"]]
    for k in res.index:
        for col in ("exposure", "interactions", "conversions", "revenue", "er"):
            assert res.loc[k, col] == pytest.approx(reg.loc[k, col], nan_ok=True), (k, col)
    for k in sc.index:
        assert sc.loc[k, "fee"] == pytest.approx(reg.loc[k, "cost_kol"]), k


def test_sample_planted_kol_is_flagged_and_normal_ones_are_not(sample_con):
    fl = kol.flags(sample_con, ALL)
    peachy = fl[fl["kol"] == "桃子酱Peachy"].set_index("rule")
    assert set(peachy.index) == set(kol.FLAG_RULES)
    # README: likes/views 0.61 vs ~0.05; comments/likes 0.0030; followers 120,000 → 216,000 (+80 %).
    assert peachy.loc["likes_views", "value"] == pytest.approx(0.61, abs=0.01)
    assert peachy.loc["likes_views", "peer_median"] < 0.06
    assert peachy.loc["comments_likes", "value"] == pytest.approx(0.0030, abs=0.0002)
    assert peachy.loc["follower_jump", "from_value"] == 120000 and peachy.loc["follower_jump", "value2"] == 216000
    assert set(fl["kol"]) == {"桃子酱Peachy"}
    coco = kol.scorecard(sample_con, ALL).set_index("kol").loc["素颜星人Coco"]
    assert coco["has_results"] and coco["fee"] > 0   # a normal KOL with data, not flagged


def test_population_frame_gives_the_same_results(hand):
    pop = kol.population(hand, SEPT)
    pd.testing.assert_frame_equal(kol.scorecard(hand, SEPT, pop=pop), kol.scorecard(hand, SEPT))
    pd.testing.assert_frame_equal(kol.scores(hand, SEPT, pop=pop), kol.scores(hand, SEPT))
    pd.testing.assert_frame_equal(kol.top_bottom(hand, SEPT, pop=pop), kol.top_bottom(hand, SEPT))
    assert kol.totals(hand, SEPT, pop=pop) == kol.totals(hand, SEPT)
    pd.testing.assert_frame_equal(kol.scatter(hand, SEPT, None, None, "revenue", pop=pop),
                                  kol.scatter(hand, SEPT, None, None, "revenue"))
    keys = ["xiaohongshu|A", "douyin|F"]
    pd.testing.assert_frame_equal(kol.compare(hand, SEPT, None, None, keys, ["roi"], pop=pop),
                                  kol.compare(hand, SEPT, None, None, keys, ["roi"]))


def test_sample_tiers_and_scores(sample_con):
    sc = kol.scorecard(sample_con, ALL).set_index("kol")
    assert sc.loc["桃子酱Peachy", "tier"] == "cn:1" and sc.loc["桃子酱Peachy", "followers"] == 216000
    assert sc.loc["@glowwithmina", "tier"] == "global:4"
    s = kol.scores(sample_con, ALL)
    assert s["score"].between(0, 100).all() and s["score"].notna().sum() == sc["has_results"].sum()
    tb = kol.top_bottom(sample_con, ALL)
    assert set(tb["side"]) == {"top", "bottom"} and tb.groupby("side")["key"].nunique().to_dict() == {
        "top": 3, "bottom": 3}


@pytest.mark.parametrize("er_base", metrics.ER_BASES)
@pytest.mark.parametrize("window", kol.WINDOWS)
def test_every_query_runs_for_every_setting(sample_con, er_base, window):
    s = Settings(er_base=er_base)
    o = KolOptions(window=window, preset="global")
    week = Filters(D(2026, 11, 16), D(2026, 11, 22))
    for f in (ALL, week, Filters(D(2025, 1, 1), D(2025, 1, 7))):
        sc = kol.scorecard(sample_con, f, s, o)
        kol.scores(sample_con, f, s, o)
        kol.top_bottom(sample_con, f, s, o)
        kol.flags(sample_con, f, s, o)
        kol.totals(sample_con, f, s, o)
        for y in kol.SCATTER_Y:
            kol.scatter(sample_con, f, s, o, y)
        if not sc.empty:
            kol.compare(sample_con, f, s, o, list(sc["key"][:3]), list(kol.COMPARE_METRICS))
    for g in kol.TREND_GRAINS:
        t = kol.trend(sample_con, ALL, s, "xiaohongshu|桃子酱Peachy", g)
        assert not t.empty


def test_median_without_one_element_matches_python():
    import random
    import statistics

    import duckdb

    rng = random.Random(7)
    c = duckdb.connect()
    sql = kol._median_without("l", "lo", "pos", "n")
    for _ in range(400):
        vals = sorted(rng.choice([rng.random(), 1.0, 2.0]) for _ in range(rng.randint(0, 12)))
        leave = rng.randint(1, len(vals) + 1)            # len + 1: nothing left out
        rest = vals[:leave - 1] + vals[leave:]
        # The page passes only ranks lo … lo+3 around the middle, lo = max(1, (N − 1) // 2).
        lo = max(1, (len(vals) - 1) // 2)
        got = c.execute(f"SELECT {sql} FROM (SELECT ?::DOUBLE[] AS l, ? AS lo, ? AS pos, ? AS n)",
                        [vals[lo - 1:lo + 3], lo, leave, len(rest)]).fetchall()[0][0]
        assert (got is None) if not rest else got == pytest.approx(statistics.median(rest)), (vals, leave)


def test_short_range_days():
    lo, hi = D(2026, 8, 31), D(2026, 11, 22)
    assert kol.short_range_days(D(2026, 11, 16), D(2026, 11, 22), lo, hi) == 7
    assert kol.short_range_days(lo, hi, lo, hi) is None                    # the whole data: nothing to widen
    assert kol.short_range_days(D(2026, 9, 1), D(2026, 9, 28), lo, hi) is None   # four weeks is enough
    assert kol.short_range_days(None, None, None, None) is None
