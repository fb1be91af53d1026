"""The Overview's numbers on the sample data, against an independent pandas computation over the store's base
tables; the funnel bottleneck, "what changed", empty states and `smm kpis`."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from smm import cli, fmt, i18n, overview, store
from smm.ingest import LoadOptions, ingest_bytes
from smm.metrics import REGISTRY, Settings, compute
from smm.overview import FunnelStage
from smm.queries import Filters

D = dt.date
LAST = (D(2026, 11, 16), D(2026, 11, 22))      # the last complete week of the sample
BEFORE = (D(2026, 11, 9), D(2026, 11, 15))


# ---------------------------------------------------------------- an independent computation in pandas


class Base:
    """The store's base tables as DataFrames."""

    def __init__(self, con) -> None:
        self.fact = con.execute("SELECT * FROM fact_active").df()
        self.fact["date"] = pd.to_datetime(self.fact["date"]).dt.date
        self.costs = con.execute("SELECT * FROM other_costs_active").df()
        self.costs["date"] = pd.to_datetime(self.costs["date"]).dt.date
        self.roster = con.execute("SELECT * FROM kol_roster_active").df()
        self.roster["as_of"] = pd.to_datetime(self.roster["as_of"]).dt.date
        self.fx = dict(con.execute("SELECT currency, cny_per_unit FROM fx_rates").fetchall())


def _tot(x: pd.Series) -> float | None:
    return float(x.sum()) if x.notna().any() else None


def _paired(n: pd.Series, d: pd.Series) -> tuple[float | None, float | None]:
    both = n.notna() & d.notna()
    return (float(n[both].sum()), float(d[both].sum())) if both.any() else (None, None)


def _div(n: float | None, d: float | None, scale: float = 1.0, positive: bool = False) -> float | None:
    if n is None or d is None or d == 0 or (positive and d <= 0):
        return None
    return n * scale / d


def pandas_metrics(b: Base, start: dt.date, end: dt.date, platforms: tuple = (), rc: str = "CNY",
                   s: Settings | None = None) -> dict[str, float | None]:
    """Every registry metric from the base rows, written without smm.metrics."""
    s = s or Settings()
    f = b.fact[(b.fact["date"] >= start) & (b.fact["date"] <= end)]
    c = b.costs[(b.costs["date"] >= start) & (b.costs["date"] <= end)]
    if platforms:
        f = f[f["platform"].isin(platforms)]
        c = c[c["platform"].isin(platforms)]
    to_rc = b.fx.get(rc)
    rate = f["currency"].map(lambda x: b.fx[x] / to_rc if x in b.fx and to_rc else float("nan")).astype(float)
    col = {m: f[m].astype(float) for m in ("impressions", "reach", "views", "clicks", "likes", "comments",
                                           "shares", "saves", "follows", "conversions", "orders")}
    col["spend"] = f["spend"] * rate
    col["revenue"] = f["revenue"] * rate
    col["exposure"] = f["impressions"].combine_first(f["views"]).combine_first(f["reach"])
    col["interactions"] = f[["likes", "comments", "shares", "saves"]].sum(axis=1, min_count=1)
    out: dict[str, float | None] = {k: _tot(v) for k, v in col.items()}
    if s.er_base == "followers":
        kol = f[f["kol"].notna() & col["interactions"].notna()].assign(i=col["interactions"])
        pairs = kol.groupby(["kol", "platform"])["i"].sum()
        fol = 0.0
        for (k, p), _ in pairs.items():
            r = b.roster[(b.roster["kol"] == k) & (b.roster["platform"] == p) & b.roster["followers"].notna()]
            upto = r[r["as_of"] <= end].sort_values("as_of")
            fol += float((upto if len(upto) else r.sort_values("as_of")).iloc[-1 if len(upto) else 0]["followers"])
        out["er"] = _div(float(pairs.sum()), fol) if len(pairs) else None
    else:
        out["er"] = _div(*_paired(col["interactions"], col[s.er_base]))
    out["ctr"] = _div(*_paired(col["clicks"], col["impressions"]))
    out["cvr"] = _div(*_paired(col["conversions"], col[s.cvr_base]))
    out["cpm"] = _div(*_paired(col["spend"], col["impressions"]), 1000)
    out["cpc"] = _div(*_paired(col["spend"], col["clicks"]))
    out["cpe"] = _div(*_paired(col["spend"], col["interactions"]))
    out["cpa"] = _div(*_paired(col["spend"], col["conversions"]))
    out["aov"] = _div(*_paired(col["revenue"], col["orders"]))
    out["cost_per_follow"] = _div(*_paired(col["spend"], col["follows"]), positive=True)
    out["revenue_per_conversion"] = _div(*_paired(col["revenue"], col["conversions"]))
    out["roas"] = _div(out["revenue"], out["spend"])
    c_rate = c["currency"].map(lambda x: b.fx[x] / to_rc if x in b.fx and to_rc else float("nan")).astype(float)
    amount = (c["amount"] * c_rate)[c_rate.notna() & (c["category"] != "paid_ads")]
    if s.roi_basis != "full":
        total = out["spend"]
    else:           # no spend and no other cost at all: unknown ('—', as Spend), not 0
        total = None if out["spend"] is None and amount.empty else (out["spend"] or 0.0) + float(amount.sum())
    out["total_cost"] = total
    out["roi"] = None if out["revenue"] is None or total is None else _div(out["revenue"] - total, total)
    return out


def close(got: float | None, want: float | None, rel: float = 1e-9) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-9)


@pytest.fixture(scope="module")
def sample(sample_db_master, tmp_path_factory):
    """A read-only look at one copy of the sample store (module-wide)."""
    import shutil

    path = tmp_path_factory.mktemp("ov") / "s.duckdb"
    shutil.copy(sample_db_master, path)
    con = store.connect(path)
    yield con, Base(con)
    con.close()


# ---------------------------------------------------------------- sample data vs pandas


@pytest.mark.parametrize(("period", "platforms", "rc", "s"), [
    (LAST, (), "CNY", Settings()),
    (BEFORE, (), "CNY", Settings()),
    (LAST, ("xiaohongshu", "meta"), "USD", Settings()),
    ((D(2026, 10, 1), D(2026, 10, 31)), (), "CNY", Settings("views", "impressions", "paid")),
    ((D(2026, 9, 1), D(2026, 11, 22)), ("douyin", "kuaishou"), "CNY", Settings("reach")),
    ((D(2026, 10, 1), D(2026, 11, 22)), ("xiaohongshu",), "CNY", Settings("followers")),
])
def test_kpis_on_the_sample_equal_pandas_over_the_base_tables(sample, period, platforms, rc, s):
    con, b = sample
    k = overview.kpis(con, Filters(*period, platforms=platforms, currency=rc), s, "previous")
    want = pandas_metrics(b, *period, platforms, rc, s)
    prev = pandas_metrics(b, *k.previous_period, platforms, rc, s)
    assert set(k.metrics) == set(REGISTRY)
    for mid in REGISTRY:
        assert close(k.metrics[mid]["value"], want[mid]), (mid, k.metrics[mid]["value"], want[mid])
        assert close(k.metrics[mid]["previous"], prev[mid]), (mid, k.metrics[mid]["previous"], prev[mid])
        d = None if want[mid] is None or not prev[mid] else (want[mid] - prev[mid]) / abs(prev[mid])
        assert close(k.metrics[mid]["delta_pct"], d, 1e-7), mid


def test_per_platform_values_on_the_sample_equal_pandas(sample):
    con, b = sample
    k = overview.kpis(con, Filters(*LAST))
    pv = overview.by_platform(con, k)
    assert set(pv.platforms()) == set(b.fact[(b.fact["date"] >= LAST[0]) & (b.fact["date"] <= LAST[1])]["platform"])
    for p in pv.platforms():
        want = pandas_metrics(b, *LAST, (p,))
        for mid in REGISTRY:
            assert close(pv.metrics(p)[mid]["value"], want[mid]), (p, mid)


@pytest.mark.parametrize("by", [("week",), ("platform", "week"), ("kol",), ("campaign",), ("content_type",),
                                ("content_id",), ("date",)])
def test_rollup_and_base_rows_give_the_same_numbers_on_the_sample(sample, by):
    con, _ = sample
    for s in (Settings(), Settings("followers", "impressions", "paid"), Settings("views")):
        for f in (Filters(D(2026, 9, 1), D(2026, 11, 22)), Filters(*LAST, platforms=("meta", "douyin"), currency="USD"),
                  Filters(*LAST, campaigns=("精华-种草",))):
            a = compute(con, f, s, by, source="fact")
            r = compute(con, f, s, by) if by[0] == "content_id" else compute(con, f, s, by, source="rollup")
            pd.testing.assert_frame_equal(a, r, check_dtype=False, rtol=1e-9)


def test_the_planted_story_xiaohongshu_cpa_and_meta_roas(sample):
    """sample_data/README: 聚光 CPA ¥94.0 → ¥126.9, Meta ROAS 1.77 → 2.35 — recomputed here from the rows."""
    con, b = sample
    k = overview.kpis(con, Filters(*LAST))
    pv = overview.by_platform(con, k)
    xhs, meta = pv.metrics("xiaohongshu"), pv.metrics("meta")
    assert close(xhs["cpa"]["value"], pandas_metrics(b, *LAST, ("xiaohongshu",))["cpa"])
    assert round(xhs["cpa"]["previous"], 1) == 94.0 and round(xhs["cpa"]["value"], 1) == 126.9
    assert round(meta["roas"]["previous"], 2) == 1.77 and round(meta["roas"]["value"], 2) == 2.35
    for lang in ("zh", "en"):
        changes = overview.what_changed(k, pv, lang)
        assert 3 <= len(changes) <= 5
        by_scope = {c.platform: c for c in changes}
        assert "xiaohongshu" in by_scope and by_scope["xiaohongshu"].good is False
        assert "meta" in by_scope and by_scope["meta"].good is True
        for c in changes:
            m = pv.metrics(c.platform) if c.platform else k.metrics
            assert close(c.value, m[c.metric]["value"]) and close(c.delta, m[c.metric]["delta_pct"])
            unit = REGISTRY[c.metric].unit
            assert fmt.by_unit(c.value, unit, "CNY", lang) in c.text
            assert fmt.by_unit(c.previous, unit, "CNY", lang) in c.text
            assert f"{abs(c.delta) * 100:.1f}%" in c.text
        assert len({c.platform for c in changes}) == len(changes)     # one sentence per platform first
        ranked = [c.score for c in changes]
        assert ranked == sorted(ranked, reverse=True)


def test_xiaohongshu_bottleneck_is_click_to_conversion_with_its_numbers(sample):
    con, b = sample
    k = overview.kpis(con, Filters(*LAST))
    rows = {r.platform: r for r in overview.funnel(k, overview.by_platform(con, k))}
    r = rows["xiaohongshu"]
    assert r.bottleneck.rate == "cvr" and r.reason == "fell"
    cur, prev = (pandas_metrics(b, *p, ("xiaohongshu",))["cvr"] for p in (LAST, BEFORE))
    assert close(r.bottleneck.value, cur) and close(r.bottleneck.previous, prev) and cur < prev * 0.9
    for lang in ("zh", "en"):
        text = overview.bottleneck_sentence(r, k, lang)
        assert i18n.platform_label("xiaohongshu", lang) in text
        assert fmt.pct(cur) in text and fmt.pct(prev) in text and f"{(1 - cur / prev) * 100:.1f}%" in text
        assert REGISTRY["clicks"].name(lang) in text and REGISTRY["conversions"].name(lang) in text


def _stage(rate: str, value, previous, overall) -> FunnelStage:
    return FunnelStage(rate, "a", "b", value, previous, overall)


def test_bottleneck_rule_given_expect():
    fall = [_stage("er", 0.05, 0.05, 0.05), _stage("ctr", 0.018, 0.02, 0.02), _stage("cvr", 0.02, 0.03, 0.02)]
    bn, why = overview._bottleneck(fall, all_platforms=False)
    assert (bn.rate, why) == ("cvr", "fell")                    # −33 % beats −10 %
    small = [_stage("ctr", 0.0195, 0.02, 0.04), _stage("cvr", 0.03, 0.03, 0.031)]
    bn, why = overview._bottleneck(small, all_platforms=False)
    assert (bn.rate, why) == ("ctr", "below_all")               # −2.5 % is no fall; CTR is half the average
    assert overview._bottleneck(small, all_platforms=True) == (None, None)
    calm = [_stage("ctr", 0.02, 0.02, 0.02), _stage("cvr", None, 0.03, 0.03)]
    assert overview._bottleneck(calm, all_platforms=False) == (None, None)


# ---------------------------------------------------------------- empty states and warnings


GENERIC = "platform,date,campaign,currency,spend,impressions,clicks,conversions"


def test_empty_states_say_what_to_do(con, sample):
    v = overview.build_view(con, Filters(), lang="en")
    assert v.empty.kind == "no_data" and v.empty.message == i18n.t("overview.empty", "en")
    scon, _ = sample
    v = overview.build_view(scon, Filters(*LAST, platforms=("linkedin",)), lang="zh")
    assert v.empty.kind == "no_rows" and "筛选" in v.empty.message
    v = overview.build_view(scon, Filters(D(2024, 1, 1), D(2024, 1, 7)), lang="en")
    assert v.empty.kind == "no_rows_in_dates" and "2026-08-31" in v.empty.message and "2026-11-22" in v.empty.message
    assert overview.build_view(scon, Filters(*LAST), lang="en").empty is None


def test_spend_without_conversions_is_named(con):
    rows = ["weibo,2026-03-02,W,CNY,200,10000,50,0", "meta,2026-03-02,M,CNY,300,10000,50,7"]
    r = ingest_bytes(con, (GENERIC + "\n" + "\n".join(rows) + "\n").encode(), "a.csv", LoadOptions())
    assert r.status == "loaded"
    r = ingest_bytes(con, b"platform,date,campaign,currency,spend,impressions\nx,2026-03-03,X,CNY,150,900\n",
                     "b.csv", LoadOptions())
    assert r.status == "loaded"
    k = overview.kpis(con, Filters(D(2026, 3, 2), D(2026, 3, 8)))
    warn = overview.spend_without_conversions(overview.by_platform(con, k), "CNY", "en")
    assert warn == [i18n.t("overview.zero_conversions", "en", platform="Weibo", spend=fmt.money(200, "CNY", "en")),
                    i18n.t("overview.no_conversions", "en", platform="X", spend=fmt.money(150, "CNY", "en"))]


def test_view_notes_for_campaign_filters_and_missing_comparison_data(sample):
    con, _ = sample
    v = overview.build_view(con, Filters(*LAST, campaigns=("精华-种草",)), lang="en")
    assert v.kpis.value("roi") is None and i18n.t("overview.roi_undefined", "en") in v.notes
    v = overview.build_view(con, Filters(D(2026, 8, 31), D(2026, 9, 6)), lang="en")
    assert any("2026-08-24" in n for n in v.notes) and v.changes == []


def test_a_range_that_holds_only_part_of_a_summed_period_says_so(con):
    """A week of TikTok summed (no date column) is counted whole on its last day: a range of that week's last three
    days shows the whole week's spend, and the Overview names the file and its period; the whole week, or a range
    without its last day, needs no such note. Reports with dates never trigger it."""
    from ingestkit import csv_bytes

    daily = csv_bytes(["Campaign name", "Date", "Cost", "Impressions", "Currency"],
                      [["Autumn", "2026-11-21", "3", "30", "USD"], ["Autumn", "2026-11-22", "3", "30", "USD"]])
    week = csv_bytes(["Campaign name", "Cost", "Impressions", "Currency"], [["Spring", "70", "700", "USD"]])
    assert ingest_bytes(con, daily, "tiktok_days.csv", LoadOptions()).status == "loaded"
    assert overview.partial_summaries(con, Filters(D(2026, 11, 22), D(2026, 11, 22)), "en") is None
    assert ingest_bytes(con, week, "tiktok_week_2026-11-16_2026-11-22.csv", LoadOptions()).status == "loaded"
    for lang in ("en", "zh"):
        v = overview.build_view(con, Filters(D(2026, 11, 20), D(2026, 11, 22)), lang=lang)
        one = i18n.t("overview.partial_summary.one", lang, file="tiktok_week_2026-11-16_2026-11-22.csv",
                     start=D(2026, 11, 16), end=D(2026, 11, 22))
        assert i18n.t("overview.partial_summary", lang, reports=one) in v.notes
    for rng in ((D(2026, 11, 16), D(2026, 11, 22)), (D(2026, 11, 9), D(2026, 11, 30)),
                (D(2026, 11, 17), D(2026, 11, 21))):
        assert overview.partial_summaries(con, Filters(*rng), "en") is None, rng
    # a platform filter that leaves the summary out leaves the note out
    assert overview.partial_summaries(con, Filters(D(2026, 11, 20), D(2026, 11, 22), platforms=("meta",)), "en") is None


def test_tiles_colour_deltas_by_direction_and_explain_the_formula(sample):
    con, _ = sample
    v = overview.build_view(con, Filters(*LAST), Settings(er_base="views"), lang="en")
    t = {tile.metric.id: tile for tile in v.tiles}
    assert list(t) == list(overview.TILES)
    assert (t["cpa"].delta_color, t["roas"].delta_color, t["spend"].delta_color) == ("inverse", "normal", "off")
    assert "interactions ÷ views" in t["er"].help and "full cost" in t["roi"].help
    k = v.kpis
    assert t["cpa"].delta == f"{k.metrics['cpa']['delta_pct'] * 100:+.1f}%"
    er = k.metrics["er"]
    assert t["er"].delta == f"{(er['value'] - er['previous']) * 100:+.2f} pp"
    assert len(t["spend"].spark) == 12 and t["spend"].spark_kind == "bar" and t["ctr"].spark_kind == "line"


def test_a_change_that_cannot_be_computed_reads_a_grey_dash_beside_changes_that_can(sample):
    con, b = sample
    v = overview.build_view(con, Filters(*LAST, platforms=("weibo",)), lang="en")
    k = v.kpis
    missing = {m for m in overview.TILES if k.metrics[m]["value"] is None or k.metrics[m]["previous"] is None}
    # Weibo reports neither revenue nor follows (from the sample's own rows), so those tiles have no change
    assert {"revenue", "follows"} <= missing < set(overview.TILES)
    weibo = b.fact[b.fact["platform"] == "weibo"]
    assert weibo["revenue"].isna().all() and weibo["follows"].isna().all()
    for tile in v.tiles:
        if tile.metric.id in missing:
            assert (tile.delta, tile.delta_color, tile.arrow) == ("—", "off", "off"), tile
        else:
            assert tile.delta not in (None, "—") and tile.arrow == "auto", tile
    # with no comparison period, or none of its rows, no tile shows a change at all
    assert all(t.delta is None for t in overview.build_view(con, Filters(*LAST, platforms=("weibo",)),
                                                             compare="none", lang="en").tiles)
    first = overview.build_view(con, Filters(D(2026, 8, 31), D(2026, 9, 6)), lang="en")
    assert first.kpis.previous_rows == 0 and all(t.delta is None for t in first.tiles)
    # ... and neither "What changed" nor the funnel speaks of a comparison that found nothing to compare with
    alone = overview.build_view(con, Filters(*LAST), compare="none", lang="en")
    for view, changes_none in ((first, first.notes[-1]), (alone, i18n.t("overview.what_changed_off", "en"))):
        assert view.changes == [] and view.changes_none == changes_none
        assert view.bottlenecks[0] == i18n.t("overview.bottleneck.no_compare", "en",
                                             who=i18n.t("overview.all_platforms", "en"))
    assert "2026-08-24" in first.notes[-1]
    # the sample's first week is the only one in its 12-week trend: one point is no sparkline
    assert all(t.spark == [] for t in first.tiles)
    assert len(first.trend) == 1 and first.trend["spend"].notna().all()


def test_platform_table_sorts_by_spend_and_keeps_numbers(sample):
    con, b = sample
    v = overview.build_view(con, Filters(*LAST), lang="zh")
    table = v.table
    spend = table["spend"].dropna().tolist()
    assert spend == sorted(spend, reverse=True)
    row = table.set_index("platform").loc["kuaishou"]
    assert close(row["cpa"], pandas_metrics(b, *LAST, ("kuaishou",))["cpa"])
    shown = overview.table_display(table, "zh")
    assert list(shown.columns)[:2] == ["平台", "花费"]
    csv = overview.table_csv(table, "en").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Platform,Spend,Δ Spend,Share of spend,Revenue")


# ---------------------------------------------------------------- smm kpis


def test_cli_kpis_json_equals_the_overview_function_and_pandas(sample_db, capsys):
    con = store.connect(sample_db)
    b = Base(con)
    con.close()
    path = str(sample_db)
    assert cli.main(["kpis", "--db", path, "--json", "--platform", "xiaohongshu", "--platform", "meta"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["start"], out["end"], out["currency"]) == ("2026-11-16", "2026-11-22", "CNY")
    ids = {"spend", "revenue", "roas", "roi", "conversions", "orders", "cpa", "exposure", "impressions",
           "interactions", "er", "ctr", "cvr", "cpm", "cpc", "cpe", "follows"}
    assert ids <= set(out["metrics"]) and set(out["metrics"]) == set(REGISTRY)
    want = pandas_metrics(b, *LAST, ("xiaohongshu", "meta"))
    prev = pandas_metrics(b, *BEFORE, ("xiaohongshu", "meta"))
    for mid, d in out["metrics"].items():
        assert set(d) == {"value", "previous", "delta_pct"}
        assert close(d["value"], want[mid]) and close(d["previous"], prev[mid]), mid
    assert cli.main(["kpis", "--db", path, "--json", "--platform", "wechat"]) == 0
    wechat = json.loads(capsys.readouterr().out)["metrics"]
    assert wechat["cpa"]["value"] is None and wechat["roas"]["value"] is None   # no spend: null, never 0 or inf
    assert wechat["exposure"]["value"] == pandas_metrics(b, *LAST, ("wechat",))["exposure"]
    assert cli.main(["kpis", "--db", path, "--json", "--start", "2026-11-16", "--end", "2026-11-22",
                     "--compare", "none", "--currency", "USD", "--roi-basis", "paid"]) == 0
    out = json.loads(capsys.readouterr().out)
    want = pandas_metrics(b, *LAST, (), "USD", Settings(roi_basis="paid"))
    assert all(close(out["metrics"][m]["value"], want[m]) for m in REGISTRY)
    assert all(out["metrics"][m]["previous"] is None for m in REGISTRY) and out["previous_start"] is None
    assert cli.main(["kpis", "--db", path, "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "2026-11-16 至 2026-11-22" in text and fmt.money(pandas_metrics(b, *LAST)["spend"], "CNY", "zh") in text


@pytest.mark.parametrize(("lo", "hi", "week"), [
    ("2026-08-31", "2026-11-22", ("2026-11-16", "2026-11-22")),    # ends on a Sunday: that week
    ("2026-08-31", "2026-11-25", ("2026-11-16", "2026-11-22")),    # ends mid-week: the week before
    ("2026-11-18", "2026-11-22", ("2026-11-18", "2026-11-22")),    # starts within its only week
    ("2026-11-10", "2026-11-21", ("2026-11-10", "2026-11-15")),
    ("2026-11-16", "2026-11-17", ("2026-11-16", "2026-11-17")),    # no Sunday at all: its own days, not 16–15
    ("2026-11-15", "2026-11-15", ("2026-11-15", "2026-11-15")),
])
def test_the_default_week_is_the_last_whole_week_of_the_data_and_never_inverted(lo, hi, week):
    from smm.periods import last_complete_week

    D = dt.date.fromisoformat
    start, end = last_complete_week(D(lo), D(hi))
    assert (start.isoformat(), end.isoformat()) == week
    assert D(lo) <= start <= end <= D(hi)


@pytest.mark.parametrize(("days", "week"), [
    (["2026-11-16", "2026-11-22", "2026-12-07"], ("2026-11-16", "2026-11-22")),    # a gap, then a Monday
    (["2026-11-16", "2026-11-22", "2026-12-02", "2026-12-07"], ("2026-11-30", "2026-12-06")),  # no gap
    (["2026-11-16", "2026-11-25"], ("2026-11-16", "2026-11-22")),                  # ends mid-week
    (["2026-11-10", "2026-11-12", "2026-12-07"], ("2026-11-10", "2026-11-12")),    # its days before the pause
    (["2026-11-09", "2026-11-15", "2026-11-17", "2026-12-07"], ("2026-11-09", "2026-11-15")),  # ends mid-week
    (["2026-11-02", "2026-11-03", "2026-11-17", "2026-12-07"], ("2026-11-02", "2026-11-03")),  # two pauses
    (["2026-12-07", "2026-12-08"], ("2026-12-07", "2026-12-08")),                  # no whole week yet
])
def test_the_default_week_is_the_last_whole_week_that_holds_data(tmp_path, capsys, days, week):
    """Lifetime exports are dated the day they are downloaded (with no date in the file). Loaded on a Monday
    after a pause, they made the default the empty week before it: the Overview opened on "no data". The default
    is the last whole week that holds data, in the app and in `smm kpis`."""
    from smm import queries

    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    rows = [f"weibo,{d},W,CNY,10,100,1,0" for d in days]
    assert ingest_bytes(con, (GENERIC + "\n" + "\n".join(rows) + "\n").encode(), "w.csv").status == "loaded"
    got = queries.default_week(con)
    assert (got[0].isoformat(), got[1].isoformat()) == week
    held = con.execute("SELECT count(*) FROM fact_active WHERE date BETWEEN ? AND ?", list(got)).fetchall()[0][0]
    assert held >= 1
    con.close()
    assert cli.main(["kpis", "--db", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["start"], out["end"]) == week
