"""Budget burn: pacing and projection on hand-made plans, the planted sample story, plan versions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from smm import budget, ingest
from smm.budget import BudgetSettings

D = dt.date
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "files"


def load(con, profile: str, columns: list[str], rows: list[list], name: str) -> ingest.LoadReport:
    bio = io.StringIO()
    pd.DataFrame(rows, columns=columns).to_csv(bio, index=False)
    r = ingest.ingest_bytes(con, bio.getvalue().encode(), name, ingest.LoadOptions(profile_id=profile))
    assert r.status == "loaded", (r.status, r.errors)
    return r


PLAN_COLS = ["period_start", "period_end", "platform", "category", "planned", "currency"]


@pytest.fixture
def plan_con(con):
    """March 1–10 (10 days): five lines covering on track, at risk, overspent, unplanned and nothing spent."""
    load(con, "budget_plan", PLAN_COLS, [
        ["2026-03-01", "2026-03-10", "douyin", "paid_ads", 1000, "CNY"],
        ["2026-03-01", "2026-03-10", "weibo", "kol", 500, "CNY"],
        ["2026-03-01", "2026-03-10", "kuaishou", "paid_ads", 300, "CNY"],
        ["2026-03-01", "2026-03-10", "meta", "paid_ads", 100, "USD"],
        ["2026-03-01", "2026-03-10", "wechat", "staff", 0, "CNY"],
        ["2026-03-01", "2026-03-10", "xiaohongshu", "staff", 400, "CNY"],
    ], "plan.csv")
    # douyin: 100 a day from 03-01 to 03-06; meta: $60 on 03-01 and $50 on 03-02.
    facts = [["douyin", f"2026-03-0{d}", "c1", 100, "CNY"] for d in range(1, 7)]
    facts += [["meta", "2026-03-01", "m1", 60, "USD"], ["meta", "2026-03-02", "m1", 50, "USD"]]
    # A platform row without spend (organic) must not count as paid spend.
    facts += [["kuaishou", "2026-03-02", "organic", None, "CNY"]]
    load(con, "generic_facts", ["platform", "date", "campaign", "spend", "currency"], facts, "facts.csv")
    load(con, "other_costs", ["date", "platform", "category", "amount", "currency", "kol", "note"], [
        ["2026-03-02", "weibo", "kol", 200, "CNY", "A", "post 1"],
        ["2026-03-04", "weibo", "kol", 250, "CNY", "B", "post 1"],
        ["2026-03-03", "xiaohongshu", "content", 80, "CNY", None, "shoot"],
        ["2026-03-02", "xiaohongshu", "staff", 300, "CNY", None, "March salaries"],
        ["2026-02-27", "weibo", "kol", 999, "CNY", "C", "before the period"],
    ], "costs.csv")
    return con


def by_line(df: pd.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["platform"], r["category"]): r for r in df.to_dict("records")}


def test_pacing_mid_period(plan_con):
    df = budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 5))
    lines = by_line(df)
    # douyin: 500 of 1000 after 5 of 10 days → pace 1, run rate 100, projected 1000: on track.
    d = lines[("douyin", "paid_ads")]
    assert (d["planned"], d["actual"], d["expected_now"]) == (1000, 500, 500)
    assert d["pct_used"] == pytest.approx(0.5) and d["pct_elapsed"] == pytest.approx(0.5)
    assert d["pace"] == pytest.approx(1.0) and d["run_rate_daily"] == pytest.approx(100)
    assert d["projected"] == pytest.approx(1000) and d["status"] == "on_track"
    # weibo kol: 450 of 500 by day 5 (the 02-27 fee is outside the window) → projected 900: at risk,
    # crossing the plan on the first day cumulative spend exceeds it: 450 + 90 × 1 = 540 > 500 on 03-06.
    w = lines[("weibo", "kol")]
    assert w["actual"] == 450 and w["pct_used"] == pytest.approx(0.9) and w["pace"] == pytest.approx(1.8)
    assert w["projected"] == pytest.approx(900) and w["projected_over"] == pytest.approx(400)
    assert w["status"] == "at_risk" and pd.Timestamp(w["projected_crossing"]).date() == D(2026, 3, 6)
    assert pd.isna(w["crossed_on"])
    # meta: $110 against $100, crossed on 03-02 (money in the reporting currency CNY at 7.10).
    m = lines[("meta", "paid_ads")]
    assert m["planned"] == pytest.approx(710) and m["actual"] == pytest.approx(781)
    assert m["status"] == "overspent" and pd.Timestamp(m["crossed_on"]).date() == D(2026, 3, 2)
    # kuaishou: nothing spent (the organic row has no spend) → projected 0: underspending.
    k = lines[("kuaishou", "paid_ads")]
    assert k["actual"] == 0 and k["projected"] == 0 and k["status"] == "underspending"
    # xiaohongshu content was never planned: pct used undefined, overspent from the first spend.
    x = lines[("xiaohongshu", "content")]
    assert x["planned"] == 0 and pd.isna(x["pct_used"]) and pd.isna(x["pace"])
    assert x["status"] == "overspent" and pd.Timestamp(x["crossed_on"]).date() == D(2026, 3, 3)
    # A zero plan with nothing spent is not a line at all.
    assert ("wechat", "staff") not in lines
    # Worst first: overspent, then at risk, then underspending, then on track.
    ranks = [budget.STATUSES.index(s) for s in df["status"]]
    assert ranks == sorted(ranks)


def test_pacing_period_over(plan_con):
    df = budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 20))
    lines = by_line(df)
    d = lines[("douyin", "paid_ads")]
    assert d["pct_elapsed"] == 1 and d["days_elapsed"] == 10
    assert d["actual"] == 600 and d["projected"] == pytest.approx(600)   # nothing left to project
    assert d["status"] == "underspending"                                # 60 % < 80 %
    w = lines[("weibo", "kol")]
    assert w["projected"] == pytest.approx(450) and w["status"] == "on_track"  # 90 %
    assert pd.isna(w["projected_crossing"])


def test_pacing_before_the_period_and_too_early(plan_con):
    before = budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 2, 28))
    assert set(before["status"]) == {"not_started"}
    assert before["actual"].sum() == 0 and before["projected"].isna().all()
    early = by_line(budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 1)))
    assert early[("douyin", "paid_ads")]["status"] == "early"          # 10 % elapsed < 20 %
    assert early[("meta", "paid_ads")]["status"] == "early"            # $60 of $100: not yet over
    over = by_line(budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 2)))
    assert over[("meta", "paid_ads")]["status"] == "overspent"         # overspent is never "too early"


def test_lump_sum_categories_are_not_projected_at_a_run_rate(plan_con):
    ws, we = D(2026, 3, 1), D(2026, 3, 10)
    st = by_line(budget.pacing(plan_con, ws, we, D(2026, 3, 5)))[("xiaohongshu", "staff")]
    # 300 booked on 03-02 against 400: the booking is the projection, not 300 / 5 days × 10 = 600.
    assert st["lump_sum"] and st["projected"] == 300 and st["status"] == "on_track"
    assert pd.isna(st["projected_crossing"])
    burn = budget.burn_series(plan_con, ws, we, D(2026, 3, 5), categories=("staff",))
    assert burn["projected"].dropna().eq(300).all()
    linear = BudgetSettings(lump_sum=())
    st2 = by_line(budget.pacing(plan_con, ws, we, D(2026, 3, 5), s=linear))[("xiaohongshu", "staff")]
    assert not st2["lump_sum"] and st2["projected"] == pytest.approx(600) and st2["status"] == "at_risk"
    over = by_line(budget.pacing(plan_con, ws, we, D(2026, 3, 20)))[("xiaohongshu", "staff")]
    assert over["status"] == "underspending"                       # 75 % once the period is over


def test_thresholds_are_settings(plan_con):
    s = BudgetSettings(at_risk_tolerance=0.85, underspend_below=0.0)
    lines = by_line(budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 5), s=s))
    assert lines[("weibo", "kol")]["status"] == "on_track"        # projected 900 ≤ 500 × 1.85
    s2 = BudgetSettings(at_risk_tolerance=0.5)
    lines2 = by_line(budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 5), s=s2))
    assert lines2[("weibo", "kol")]["status"] == "at_risk"        # 900 > 500 × 1.5
    assert lines[("kuaishou", "paid_ads")]["status"] == "on_track"  # underspending switched off
    budget.save_settings(plan_con, s2)
    assert budget.load_settings(plan_con) == s2
    s3 = BudgetSettings(lump_sum=("staff", "kol"))
    budget.save_settings(plan_con, s3)
    assert budget.load_settings(plan_con).lump_sum == ("kol", "staff")


def test_totals_and_burn_series(plan_con):
    ws, we, asof = D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 5)
    df = budget.pacing(plan_con, ws, we, asof)
    tot = budget.pacing_totals(plan_con, ws, we, asof)
    assert tot["planned"] == pytest.approx(df["planned"].sum())
    assert tot["actual"] == pytest.approx(df["actual"].sum())
    assert tot["pct_used"] == pytest.approx(df["actual"].sum() / df["planned"].sum())
    assert tot["planned_daily"] == pytest.approx(df["planned"].sum() / 10)         # 2026-03-01 … 2026-03-10
    assert (tot["n_overspent"], tot["n_at_risk"], tot["n_underspending"]) == (2, 1, 1)
    s = budget.burn_series(plan_con, ws, we, asof, categories=("paid_ads",))
    assert set(s["category"]) == {"paid_ads"}
    d = s[s["platform"] == "douyin"].set_index("date")
    assert len(d) == 10
    assert d.loc[pd.Timestamp(asof), "cum_actual"] == 500 and d["cum_actual"].iloc[5:].isna().all()
    assert d["cum_plan"].iloc[-1] == pytest.approx(1000) and d.loc[pd.Timestamp("2026-03-03"), "cum_plan"] == 300
    assert d["projected"].iloc[:4].isna().all()
    assert d.loc[pd.Timestamp(asof), "projected"] == 500 and d["projected"].iloc[-1] == pytest.approx(1000)


def test_plan_shape_with_weekly_rows_and_pro_rata(con):
    load(con, "budget_plan", PLAN_COLS, [
        ["2026-03-02", "2026-03-08", "tiktok", "paid_ads", 700, "CNY"],
        ["2026-03-09", "2026-03-15", "tiktok", "paid_ads", 1400, "CNY"],
    ], "weekly.csv")
    load(con, "generic_facts", ["platform", "date", "spend", "currency"],
         [["tiktok", f"2026-03-0{d}", 100, "CNY"] for d in range(2, 9)], "f.csv")
    row = budget.pacing(con, D(2026, 3, 2), D(2026, 3, 15), D(2026, 3, 8)).iloc[0]
    assert row["planned"] == 2100 and row["expected_now"] == 700     # the plan's own shape, not 2100 / 2
    assert row["pct_elapsed"] == pytest.approx(0.5) and row["pace"] == pytest.approx(1.0)
    assert row["projected"] == pytest.approx(1400)                   # flat run rate 100 a day
    s = budget.burn_series(con, D(2026, 3, 2), D(2026, 3, 15), D(2026, 3, 8)).set_index("date")
    assert s.loc[pd.Timestamp("2026-03-08"), "cum_plan"] == pytest.approx(700)
    assert s.loc[pd.Timestamp("2026-03-10"), "cum_plan"] == pytest.approx(1100)   # 700 + 2 × 200
    # A window covering part of a plan row takes its share of days.
    part = budget.pacing(con, D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 8)).iloc[0]
    assert part["planned"] == pytest.approx(400) and part["actual"] == 400


def test_default_period_and_as_of(plan_con):
    periods = budget.plan_periods(plan_con)
    assert len(periods) == 1
    assert budget.default_period(periods, D(2026, 3, 5)) == (D(2026, 3, 1), D(2026, 3, 10))
    assert budget.last_data_date(plan_con) == D(2026, 3, 6)


def test_missing_rate_is_reported_not_summed(plan_con):
    load(plan_con, "budget_plan", PLAN_COLS, [["2026-03-01", "2026-03-10", "tiktok", "paid_ads", 5, "XXX"]],
         "odd.csv")
    assert budget.missing_fx(plan_con, "CNY") == ["XXX"]
    lines = by_line(budget.pacing(plan_con, D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 5)))
    assert ("tiktok", "paid_ads") not in lines


# ---------------------------------------------------------------- the planted sample story

def _kuaishou_daily_spend() -> pd.Series:
    """Independent: the three Kuaishou GB18030 exports read with pandas, 合计 row dropped."""
    frames = [pd.read_csv(p, encoding="gb18030") for p in sorted(SAMPLE.glob("kuaishou_ads_*.csv"))]
    df = pd.concat(frames)
    df = df[df["数据日期"] != "合计"]
    df["date"] = pd.to_datetime(df["数据日期"]).dt.date
    return df.groupby("date")["花费（元）"].sum()


def test_planted_overspend_and_risk(sample_con):
    plan = pd.read_csv(SAMPLE / "budget_plan_p3_zh.csv", encoding="utf-8-sig")
    ws = pd.to_datetime(plan["开始日期"].iloc[0]).date()
    we = pd.to_datetime(plan["结束日期"].iloc[0]).date()
    as_of = budget.last_data_date(sample_con)
    assert as_of == max(_kuaishou_daily_spend().index)
    assert budget.default_period(budget.plan_periods(sample_con), as_of) == (ws, we)
    df = budget.pacing(sample_con, ws, we, as_of)
    lines = by_line(df)

    # Kuaishou paid ads: cumulative spend from the raw exports, first day above the plan.
    daily = _kuaishou_daily_spend()
    cum = daily[(daily.index >= ws) & (daily.index <= as_of)].cumsum()
    planned = float(plan[(plan["平台"] == "kuaishou") & (plan["类别"] == "paid_ads")]["预算"].iloc[0])
    crossing = cum[cum > planned].index[0]
    k = lines[("kuaishou", "paid_ads")]
    assert k["planned"] == planned and k["actual"] == pytest.approx(cum.iloc[-1], abs=0.01)
    assert k["status"] == "overspent" and pd.Timestamp(k["crossed_on"]).date() == crossing == D(2026, 11, 17)
    days, elapsed = (we - ws).days + 1, (as_of - ws).days + 1
    assert k["projected"] == pytest.approx(cum.iloc[-1] / elapsed * days, rel=1e-9)
    assert round(k["pct_used"] * 100, 1) == 125.2

    # Douyin KOL fees from the raw cost file (dated by post), projected linearly.
    costs = pd.read_csv(SAMPLE / "other_costs_kol.csv")
    costs["date"] = pd.to_datetime(costs["date"]).dt.date
    dk = costs[(costs["platform"] == "douyin") & (costs["date"] >= ws) & (costs["date"] <= as_of)]
    actual = dk["amount"].sum()
    dplan = float(plan[(plan["平台"] == "douyin") & (plan["类别"] == "kol")]["预算"].iloc[0])
    d = lines[("douyin", "kol")]
    assert d["actual"] == pytest.approx(actual) and d["status"] == "at_risk"
    assert d["projected_pct"] == pytest.approx(actual / elapsed * days / dplan)
    assert round(d["projected_pct"] * 100) == 113
    # Not yet crossed: the projected crossing is the first day the run rate takes it over the plan.
    rate = actual / elapsed
    expect = next(as_of + dt.timedelta(days=i) for i in range(1, 60) if actual + rate * i > dplan)
    assert pd.Timestamp(d["projected_crossing"]).date() == expect

    # Alerts: exactly these two lines, overspent first; every other line used 63–74 %.
    al = budget.alerts(df)
    assert list(zip(al["platform"], al["category"], strict=True)) == [("kuaishou", "paid_ads"), ("douyin", "kol")]
    rest = df[~df["status"].isin(["overspent", "at_risk"])]
    assert rest["pct_used"].between(0.63, 0.745).all()
    text = budget.alert_text(next(al.itertuples()), "en", "CNY", as_of)
    assert "2026-11-17" in text and "125.2%" in text


def test_planted_earlier_periods_are_on_track(sample_con):
    as_of = budget.last_data_date(sample_con)
    for p in budget.plan_periods(sample_con).itertuples():
        if p.period_end.date() < as_of:
            df = budget.pacing(sample_con, p.period_start.date(), p.period_end.date(), as_of)
            assert set(df["status"]) == {"on_track"}
            assert df["pct_used"].between(0.83, 0.97).all()


# ---------------------------------------------------------------- plan versions

def test_plan_edit_creates_a_version_and_restore_brings_the_old_one_back(sample_con):
    ws, we = D(2026, 10, 26), D(2026, 11, 29)
    before = budget.plan_rows(sample_con, ws, we)
    n_versions = len(budget.plan_versions(sample_con))
    after = before.copy()
    k = (after["platform"] == "kuaishou") & (after["category"] == "paid_ads")
    after.loc[k, "planned"] = 400000.0
    after = after[~((after["platform"] == "weibo") & (after["category"] == "other"))].reset_index(drop=True)
    res = budget.save_plan_edits(sample_con, before, after, now=dt.datetime(2026, 11, 23, 9, 0))
    assert res.report is not None and res.report.status == "loaded", res.report
    assert (res.changed, res.removed) == (1, 1)

    rows = budget.plan_rows(sample_con, ws, we)
    assert rows[(rows["platform"] == "kuaishou") & (rows["category"] == "paid_ads")]["planned"].tolist() == [400000]
    assert not ((rows["platform"] == "weibo") & (rows["category"] == "other")).any()
    v = budget.plan_versions(sample_con)
    assert len(v) == n_versions + 1
    top = v.iloc[0]
    assert top["batch_id"] == res.report.batch_id and top["rows_replaced"] == 2 and top["rows_active"] == 2
    lines = by_line(budget.pacing(sample_con, ws, we, D(2026, 11, 22)))
    assert lines[("kuaishou", "paid_ads")]["planned"] == 400000
    assert lines[("kuaishou", "paid_ads")]["status"] == "at_risk"       # 348k used, projected 435k > 420k

    # Restore: undo the edit, the old lines are back.
    assert budget.restore_before(sample_con, int(res.report.batch_id))
    back = budget.plan_rows(sample_con, ws, we)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), before.reset_index(drop=True))
    assert budget.plan_versions(sample_con).iloc[0]["status"] == "deleted"
    assert not budget.restore_before(sample_con, int(res.report.batch_id))     # not twice


def test_repeated_edits_are_distinct_versions(sample_con):
    ws, we = D(2026, 10, 26), D(2026, 11, 29)
    base = budget.plan_rows(sample_con, ws, we)
    k = (base["platform"] == "weibo") & (base["category"] == "paid_ads")
    ids = []
    for i, amount in enumerate((170000.0, 180000.0, 170000.0)):
        before = budget.plan_rows(sample_con, ws, we)
        after = before.copy()
        after.loc[k, "planned"] = amount
        res = budget.save_plan_edits(sample_con, before, after, now=dt.datetime(2026, 11, 23, 9, i))
        assert res.report.status == "loaded"      # the same content as version 1 is still a new version
        ids.append(res.report.batch_id)
    assert budget.restore_before(sample_con, ids[-1])
    rows = budget.plan_rows(sample_con, ws, we)
    assert rows[k]["planned"].tolist() == [180000.0]


def test_plan_edit_refuses_bad_rows_and_saves_nothing_unchanged(sample_con):
    before = budget.plan_rows(sample_con, D(2026, 10, 26), D(2026, 11, 29))
    assert budget.save_plan_edits(sample_con, before, before.copy()).report is None
    dup = pd.concat([before, before.iloc[[0]]], ignore_index=True)
    res = budget.save_plan_edits(sample_con, before, dup)
    assert res.problem == "budget.plan.duplicate_rows" and res.problem_rows == [1, len(dup)]
    bad = before.copy()
    bad.loc[2, "category"] = "coffee"
    res = budget.save_plan_edits(sample_con, before, bad)
    assert res.problem == "budget.plan.invalid_rows" and res.problem_rows == [3]


def test_plan_upload_is_a_version(sample_con):
    data = "开始日期,结束日期,平台,类别,预算,币种\n2026/10/26,2026/11/29,kuaishou,paid_ads,500000,CNY\n".encode()
    r = budget.upload_plan(sample_con, data, "plan_p3_v2.csv")
    assert r.status == "loaded" and r.rows_superseded == 1
    lines = by_line(budget.pacing(sample_con, D(2026, 10, 26), D(2026, 11, 29), D(2026, 11, 22)))
    assert lines[("kuaishou", "paid_ads")]["planned"] == 500000
    assert budget.restore_before(sample_con, r.batch_id)
    lines = by_line(budget.pacing(sample_con, D(2026, 10, 26), D(2026, 11, 29), D(2026, 11, 22)))
    assert lines[("kuaishou", "paid_ads")]["planned"] == 278000


@pytest.mark.parametrize(("lang", "head", "reason"), [("zh", ["行号", "原因"], "planned：负数"),
                                                      ("en", ["row", "reason"], "planned: negative value")])
def test_a_rejected_plan_upload_offers_its_rows_in_the_users_language(sample_con, lang, head, reason):
    data = b"period_start,period_end,platform,category,planned,currency\n" \
           b"2026-10-26,2026-11-29,kuaishou,paid_ads,-5,CNY\n"
    r = budget.upload_plan(sample_con, data, "plan_bad.csv", lang)
    assert r.status == "rejected"
    rows = list(csv.reader(io.StringIO(r.rejected_csv.decode("utf-8-sig"), newline="")))
    assert [rows[0][0], rows[0][-1]] == head
    assert rows[1][-1] == reason        # the file's own header, then the reason in the user's words
