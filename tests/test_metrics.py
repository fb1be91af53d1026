"""The metric registry, given/expect: a tiny hand-made store loaded through the real ingest path.

Every registry metric has an expected value below, worked out by hand from the rows (a test fails when a
registered metric has none). Then the settings, division by zero, currencies without a rate, the
comparison period and the rollup path.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pytest

from smm import metrics, overview, rollups, store
from smm.ingest import LoadOptions, ingest_bytes
from smm.metrics import REGISTRY, Settings, compute, compute_periods
from smm.queries import Filters

D = dt.date
WEEK = (D(2026, 3, 2), D(2026, 3, 8))
PREV = (D(2026, 2, 23), D(2026, 3, 1))
USD = 7.10  # the default rate in migration 001

ADS_HEAD = ("platform,date,campaign,currency,spend,impressions,reach,views,clicks,likes,comments,shares,saves,"
            "follows,conversions,orders,revenue")
ADS_ROWS = [
    # this week
    "douyin,2026-03-02,A,CNY,1000,100000,50000,,2000,300,50,30,20,40,50,40,5000",   # A: everything
    "douyin,2026-03-03,A,CNY,500,40000,,,1000,,,,,,,,",                             # B: no conversions column
    "douyin,2026-03-04,B,CNY,300,,,,,,,,,,6,,900",                                  # C: no impressions / clicks
    "meta,2026-03-04,M,USD,100,20000,15000,,300,,,,,10,10,8,150",                  # D: dollars
    "weibo,2026-03-07,W,CNY,200,10000,,,0,,,,,,0,,",                                # G: 0 clicks, 0 conversions
    # the week before
    "douyin,2026-02-25,A,CNY,800,80000,40000,,1600,240,40,20,10,30,40,32,3600",     # H
    "meta,2026-02-26,M,USD,80,16000,12000,,200,,,,,5,8,6,100",                     # I
]
POSTS_HEAD = "platform,date,content_type,kol,currency,views,likes,comments,shares,saves,follows"
POSTS_ROWS = [
    "xiaohongshu,2026-03-05,video,kolA,CNY,8000,400,40,0,60,25",                   # E: KOL post, views only
    "xiaohongshu,2026-03-06,image_text,kolB,CNY,2000,100,10,5,15,-3",              # F: net follows < 0
]
COST_HEAD = "date,platform,category,amount,currency,kol,note"
COST_ROWS = [
    "2026-03-05,xiaohongshu,kol,3000,CNY,kolA,post",
    "2026-03-06,xiaohongshu,kol,1000,CNY,kolB,post",
    "2026-03-02,douyin,content,1000,CNY,,video shoot",
    "2026-03-02,douyin,staff,500,CNY,,team",
    "2026-03-04,meta,other,10,USD,,tool",
    "2026-03-03,douyin,paid_ads,999,CNY,,already in the ads export",
    "2026-02-24,douyin,content,700,CNY,,last week",
]
ROSTER_HEAD = "kol,platform,followers,fee,posts,category,currency,as_of"
ROSTER_ROWS = [
    "kolA,xiaohongshu,100000,3000,1,beauty,CNY,2026-02-01",
    "kolA,xiaohongshu,120000,3000,1,beauty,CNY,2026-03-04",
    "kolA,xiaohongshu,150000,3000,1,beauty,CNY,2026-04-01",   # after the period: not used for it
    "kolB,xiaohongshu,20000,1000,1,skin,CNY,2026-02-01",
]

# Worked out by hand from the rows above: this week, all platforms, CNY, default settings.
SPEND = 1000 + 500 + 300 + 100 * USD + 200
REVENUE = 5000 + 900 + 150 * USD
TOTAL_COST = SPEND + 3000 + 1000 + 1000 + 500 + 10 * USD          # paid + KOL + content + staff + other
EXPECT: dict[str, float | None] = {
    "spend": SPEND,
    "revenue": REVENUE,
    "conversions": 50 + 6 + 10 + 0,
    "orders": 40 + 8,
    "exposure": 100000 + 40000 + 20000 + 8000 + 2000 + 10000,      # C reports none of impressions/views/reach
    "impressions": 100000 + 40000 + 20000 + 10000,
    "reach": 50000 + 15000,
    "views": 8000 + 2000,
    "clicks": 2000 + 1000 + 300 + 0,
    "interactions": (300 + 50 + 30 + 20) + (400 + 40 + 0 + 60) + (100 + 10 + 5 + 15),
    "follows": 40 + 10 + 25 - 3,
    "er": 400 / 100000,                                             # only A has interactions and impressions
    "ctr": 3300 / 170000,                                           # A, B, D, G
    "cvr": (50 + 10 + 0) / (2000 + 300 + 0),                       # A, D, G (B has no conversions, C no clicks)
    "cpm": (1000 + 500 + 100 * USD + 200) / 170000 * 1000,        # C has no impressions
    "cpc": (1000 + 500 + 100 * USD + 200) / 3300,
    "cpe": 1000 / 400,                                              # only A has spend and interactions
    "cpa": (1000 + 300 + 100 * USD + 200) / (50 + 6 + 10 + 0),    # B has no conversions
    "roas": REVENUE / SPEND,                                        # not paired: all revenue ÷ all spend
    "roi": (REVENUE - TOTAL_COST) / TOTAL_COST,
    "aov": (5000 + 150 * USD) / (40 + 8),
    "cost_per_follow": (1000 + 100 * USD) / (40 + 10),
    "revenue_per_conversion": (5000 + 900 + 150 * USD) / (50 + 6 + 10),
    "total_cost": TOTAL_COST,
}


def csv(head: str, rows: list[str]) -> bytes:
    return (head + "\n" + "\n".join(rows) + "\n").encode()


def load(con, name: str, data: bytes) -> None:
    r = ingest_bytes(con, data, name, LoadOptions(today=D(2026, 3, 9)))
    assert r.status == "loaded", (r.status, r.errors[:3])


@pytest.fixture(scope="module")
def hand_path(tmp_path_factory):
    """The hand-made store, loaded once per module through the real ingest path."""
    path = tmp_path_factory.mktemp("hand") / "hand.duckdb"
    c = store.connect(path)
    load(c, "ads.csv", csv(ADS_HEAD, ADS_ROWS))
    load(c, "posts.csv", csv(POSTS_HEAD, POSTS_ROWS))
    load(c, "costs.csv", csv(COST_HEAD, COST_ROWS))
    load(c, "roster.csv", csv(ROSTER_HEAD, ROSTER_ROWS))
    c.execute("CHECKPOINT")
    c.close()
    return path


@pytest.fixture(scope="module")
def hand(hand_path):
    """A connection for tests that only read."""
    c = store.connect(hand_path)
    yield c
    c.close()


@pytest.fixture
def hand_copy(hand_path, tmp_path):
    """A private copy for tests that load more rows."""
    path = tmp_path / "hand.duckdb"
    shutil.copy(hand_path, path)
    c = store.connect(path)
    yield c
    c.close()


def close(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def test_every_registered_metric_has_a_given_expect_value_and_an_explanation():
    assert set(EXPECT) == set(REGISTRY), "a metric without a hand-worked test"
    for m in REGISTRY.values():
        assert m.explain_zh.strip() and m.explain_en.strip() and m.zh and m.en, m.id
        assert m.direction in (-1, 0, 1) and m.unit in ("money", "count", "ratio", "multiple"), m.id


@pytest.mark.parametrize("source", ["fact", "rollup"])
@pytest.mark.parametrize("metric_id", sorted(REGISTRY))
def test_metric_given_expect(hand, metric_id, source):
    df = compute(hand, Filters(*WEEK), Settings(), source=source)
    assert close(metrics.value(df, metric_id), EXPECT[metric_id]), (metric_id, metrics.value(df, metric_id))


@pytest.mark.parametrize(("setting", "metric_id", "want"), [
    ({"er_base": "reach"}, "er", 400 / 50000),                                   # A only
    ({"er_base": "views"}, "er", (500 + 130) / (8000 + 2000)),                   # E, F
    # KOL posts ÷ their followers: kolA's latest figure up to the period end (120,000, not 150,000), kolB's
    ({"er_base": "followers"}, "er", (500 + 130) / (120000 + 20000)),
    ({"cvr_base": "impressions"}, "cvr", (50 + 10 + 0) / (100000 + 20000 + 10000)),
    ({"roi_basis": "paid"}, "roi", (REVENUE - SPEND) / SPEND),
    ({"roi_basis": "paid"}, "total_cost", SPEND),
    ({"roi_basis": "paid"}, "roas", REVENUE / SPEND),                            # ROAS never changes basis
])
@pytest.mark.parametrize("source", ["fact", "rollup"])
def test_settings_change_exactly_their_metric(hand, setting, metric_id, want, source):
    df = compute(hand, Filters(*WEEK), Settings(**setting), source=source)
    assert close(metrics.value(df, metric_id), want)
    untouched = compute(hand, Filters(*WEEK), Settings(), source=source)
    for other in ("spend", "ctr", "cpa"):
        assert close(metrics.value(df, other), metrics.value(untouched, other))


def test_division_by_zero_is_undefined_never_inf(hand):
    weibo = compute(hand, Filters(*WEEK, platforms=("weibo",)))
    assert metrics.value(weibo, "ctr") == 0.0                 # 0 clicks over 10,000 impressions is a real 0
    for mid in ("cpc", "cpa", "cvr", "roas", "aov", "revenue_per_conversion", "er", "cpe", "cost_per_follow"):
        assert metrics.value(weibo, mid) is None, mid
    xhs = compute(hand, Filters(*WEEK, platforms=("xiaohongshu",)))
    assert metrics.value(xhs, "cost_per_follow") is None        # no spend on those rows
    nothing = compute(hand, Filters(D(2020, 1, 1), D(2020, 1, 7)))
    assert metrics.value(nothing, "spend") is None and int(nothing["n_rows"].iloc[0]) == 0
    for basis in ("full", "paid"):      # no cost of any kind: unknown like Spend, not ¥0.00 (the full basis said 0)
        assert metrics.value(compute(hand, Filters(D(2020, 1, 1), D(2020, 1, 7)), Settings(roi_basis=basis)),
                             "total_cost") is None, basis
    assert all(metrics.value(nothing, m) is None for m in REGISTRY if REGISTRY[m].den)
    k = overview.kpis(hand, Filters(*WEEK, platforms=("weibo",)))
    assert k.as_json()["metrics"]["cpa"] == {"value": None, "previous": None, "delta_pct": None}


def test_negative_net_follows_make_cost_per_follower_undefined(con):
    load(con, "f.csv", csv(ADS_HEAD, ["douyin,2026-03-02,A,CNY,100,1000,,,10,,,,,-5,,,"]))
    df = compute(con, Filters(*WEEK))
    assert metrics.value(df, "follows") == -5 and metrics.value(df, "cost_per_follow") is None


def test_per_platform_groups_and_costs(hand):
    df = compute(hand, Filters(*WEEK), by=("platform",)).set_index("platform")
    assert close(df.loc["douyin", "spend"], 1800) and close(df.loc["meta", "spend"], 710)
    assert close(df.loc["douyin", "total_cost"], 1800 + 1000 + 500)          # paid_ads costs never count twice
    assert close(df.loc["xiaohongshu", "total_cost"], 4000) and df.loc["xiaohongshu", "spend"] != \
        df.loc["xiaohongshu", "spend"]                                           # KOL fees, no paid spend
    assert close(df.loc["meta", "roi"], (150 * USD - (710 + 71)) / (710 + 71))
    assert close(df.loc["douyin", "cpa"], (1000 + 300) / (50 + 6))


def test_reporting_currency_converts_money_only(hand):
    cny = compute(hand, Filters(*WEEK))
    usd = compute(hand, Filters(*WEEK, currency="USD"))
    for mid in ("spend", "revenue", "cpa", "cpm", "total_cost", "aov"):
        assert close(metrics.value(usd, mid), metrics.value(cny, mid) / USD), mid
    for mid in ("conversions", "ctr", "roas", "roi", "er"):
        assert close(metrics.value(usd, mid), metrics.value(cny, mid)), mid


def test_a_currency_without_a_rate_is_named_and_left_out_of_money(hand_copy):
    hand = hand_copy
    load(hand, "xyz.csv", csv(ADS_HEAD, ["google_ads,2026-03-05,G,XYZ,5000,1000,,,50,,,,,,5,,"]))
    f = Filters(*WEEK)
    assert overview.missing_fx(hand, f) == ["XYZ"]
    assert overview.missing_fx(hand, Filters(*WEEK, platforms=("douyin",))) == []
    df = compute(hand, f)
    assert close(metrics.value(df, "spend"), EXPECT["spend"])                      # not 5000 more
    assert close(metrics.value(df, "impressions"), EXPECT["impressions"] + 1000)   # counts still count
    assert close(metrics.value(df, "cpa"), EXPECT["cpa"])                          # its spend and conversions out
    assert close(metrics.value(df, "ctr"), (3300 + 50) / (170000 + 1000))
    assert overview.missing_fx(hand, Filters(*WEEK, currency="ABC")) == ["ABC", "XYZ"]


def test_comparison_period_values_and_deltas(hand):
    k = overview.kpis(hand, Filters(*WEEK), Settings(), "previous")
    assert k.previous_period == PREV
    prev_spend = 800 + 80 * USD
    assert close(k.metrics["spend"]["previous"], prev_spend)
    assert close(k.metrics["spend"]["delta_pct"], (SPEND - prev_spend) / prev_spend)
    prev_cpa = (800 + 80 * USD) / (40 + 8)
    assert close(k.metrics["cpa"]["delta_pct"], (EXPECT["cpa"] - prev_cpa) / prev_cpa)
    prev_roi = (3600 + 100 * USD - (prev_spend + 700)) / (prev_spend + 700)
    assert close(k.metrics["roi"]["previous"], prev_roi)
    ly = overview.kpis(hand, Filters(*WEEK), Settings(), "last_year")
    assert ly.previous_period == (D(2025, 3, 2), D(2025, 3, 8))
    assert ly.metrics["spend"] == {"value": k.metrics["spend"]["value"], "previous": None, "delta_pct": None}
    none = overview.kpis(hand, Filters(*WEEK), Settings(), "none")
    assert none.previous_period is None and none.previous is None


def test_platforms_in_kpis_add_up_to_the_total(hand):
    k = overview.kpis(hand, Filters(*WEEK))
    pv = overview.by_platform(hand, k)
    assert sorted(pv.platforms()) == ["douyin", "meta", "weibo", "xiaohongshu"]
    total = sum(pv.metrics(p)["spend"]["value"] or 0 for p in pv.platforms())
    assert close(total, k.value("spend"))
    for mid in ("cpa", "ctr", "roi"):
        assert close(k.value(mid), EXPECT[mid])


@pytest.mark.parametrize("by", [(), ("platform",), ("week",), ("kol",), ("campaign",), ("date", "platform"),
                                ("content_type",)])
@pytest.mark.parametrize("s", [Settings(), Settings("followers", "impressions", "paid"), Settings("views")])
def test_compute_periods_equals_compute_per_period(hand, by, s):
    pers = [WEEK, PREV, (D(2020, 1, 1), D(2020, 1, 2))]
    for f in (Filters(), Filters(platforms=("douyin", "meta"), currency="USD"), Filters(kols=("kolA",))):
        got = compute_periods(hand, f, pers, s, by)
        for (a, b), g in zip(pers, got, strict=True):
            want = compute(hand, f.shifted(a, b), s, by)
            assert list(g.columns) == list(want.columns)
            assert len(g) == len(want)
            for c in want.columns:
                for x, y in zip(g[c].tolist(), want[c].tolist(), strict=True):
                    if isinstance(y, float) or isinstance(x, float):
                        assert close(None if x != x else x, None if y != y else y), (by, c, x, y)
                    else:
                        assert x == y, (by, c)


def test_with_total_equals_the_ungrouped_computation(hand):
    got = compute_periods(hand, Filters(), [WEEK, PREV], Settings(), ("platform",), with_total=True)
    for (a, b), (groups, total) in zip([WEEK, PREV], got, strict=True):
        want = compute(hand, Filters(a, b))
        for mid in REGISTRY:
            assert close(metrics.value(total, mid), metrics.value(want, mid)), mid
        assert len(groups) == len(compute(hand, Filters(a, b), by=("platform",)))


def test_rollup_equals_base_rows_in_the_hand_store(hand):
    assert rollups.differences(hand) == {"fact_daily": 0, "fact_daily_platform": 0}


def test_formula_text_states_the_setting_in_force():
    er = REGISTRY["er"]
    assert metrics.formula_text(er, Settings(er_base="views"), "en") == "interactions ÷ views"
    assert "播放" in metrics.formula_text(er, Settings(er_base="views"), "zh")
    roi = REGISTRY["roi"]
    assert metrics.formula_text(roi, Settings(roi_basis="paid"), "en").endswith("paid spend only")
    assert metrics.formula_text(roi, Settings(roi_basis="full"), "zh").endswith("全部成本")
    assert metrics.formula_text(REGISTRY["cvr"], Settings(cvr_base="impressions"), "en") == \
        "conversions ÷ impressions"


def test_unknown_grouping_and_sources_are_refused(hand):
    with pytest.raises(ValueError):
        compute(hand, Filters(), by=("content_title",))
    with pytest.raises(ValueError):
        compute(hand, Filters(), by=("content_id",), source="rollup")
    with pytest.raises(ValueError):
        Settings(er_base="likes")
