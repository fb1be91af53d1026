"""What-if: curve fitting recovers known parameters, fallbacks, scenarios, the optimiser, saved scenarios."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pandas as pd
import pytest

from smm import ingest, whatif
from smm.budget import BudgetSettings
from smm.whatif import Curve, PlatformModel


def _noisy(f, x, rel, seed):
    rng = np.random.default_rng(seed)
    return f(x) * rng.lognormal(0.0, rel, len(x))


@pytest.mark.parametrize(("a", "h", "lo", "hi"), [(5000.0, 80000.0, 20000.0, 200000.0),
                                                   (120.0, 9000.0, 2000.0, 30000.0)])
def test_hill_fit_recovers_parameters(a, h, lo, hi):
    x = np.random.default_rng(1).uniform(lo, hi, 16)
    y = _noisy(lambda v: a * v / (h + v), x, 0.01, 2)
    c = whatif.fit_curve(x, y, min_weeks=8)
    assert c.form == "hill" and c.reason is None
    assert c.a == pytest.approx(a, rel=0.05) and c.h == pytest.approx(h, rel=0.08)
    assert c.r2 > 0.98 and c.mape < 0.02
    assert (c.x_min, c.x_max, c.n_weeks) == (x.min(), x.max(), 16)


def test_log_fit_recovers_parameters():
    a, h = 3000.0, 50000.0
    x = np.linspace(10000, 250000, 14)
    y = _noisy(lambda v: a * np.log1p(v / h), x, 0.005, 3)
    c = whatif.fit_curve(x, y)
    assert c.form == "log"
    assert c.a == pytest.approx(a, rel=0.05) and c.h == pytest.approx(h, rel=0.08)


def test_curves_are_concave_and_saturating():
    c = Curve("p", "conversions", "hill", a=100.0, h=50.0)
    xs = np.array([0.0, 10, 50, 100, 1000, 1e6])
    slopes = c.slope(xs)
    assert np.all(np.diff(slopes) < 0) and np.all(slopes > 0)
    assert c(50.0) == pytest.approx(50.0) and c(1e9) < 100.0
    # Slope matches a finite difference.
    assert c.slope(30.0) == pytest.approx((c(30.001) - c(29.999)) / 0.002, rel=1e-5)
    lg = Curve("p", "conversions", "log", a=10.0, h=20.0)
    assert lg.slope(5.0) == pytest.approx((lg(5.001) - lg(4.999)) / 0.002, rel=1e-5)


def test_fallbacks_are_linear_at_the_historical_rate():
    few = whatif.fit_curve([10, 20, 30, 40, 50], [1, 2, 2.5, 4, 5], min_weeks=8)
    assert few.form == "linear" and few.reason == "few_weeks"
    assert few.a == pytest.approx(14.5 / 150) and few(100.0) == pytest.approx(100 * 14.5 / 150)
    flat_x = 1000.0 * (1 + 0.01 * np.sin(np.arange(12)))
    flat = whatif.fit_curve(flat_x, flat_x / 20, min_spend_cv=0.10)
    assert flat.form == "linear" and flat.reason == "low_variation"
    assert flat.a == pytest.approx(1 / 20)                      # CPA 20
    none = whatif.fit_curve(np.linspace(1, 100, 12), np.zeros(12))
    assert none.form == "none" and none.reason == "no_outcome" and none(50.0) == 0


def test_extrapolation_flag():
    c = Curve("p", "conversions", "hill", a=100.0, h=50.0, x_min=20.0, x_max=80.0)
    assert not c.extrapolates(20.0) and not c.extrapolates(80.0) and not c.extrapolates(50.0)
    assert c.extrapolates(81.5) and c.extrapolates(10.0)
    m = {"p": PlatformModel("p", c, Curve("p", "revenue", "none"))}
    days = 14
    inside = whatif.evaluate(m, {"p": 60.0 * days / 7}, days)     # 60 a week
    beyond = whatif.evaluate(m, {"p": 120.0 * days / 7}, days)    # 120 a week
    assert not inside.platforms["extrapolated"].iloc[0] and inside.totals["n_extrapolated"] == 0
    assert beyond.platforms["extrapolated"].iloc[0] and beyond.totals["n_extrapolated"] == 1
    assert (beyond.platforms["x_min"].iloc[0], beyond.platforms["x_max"].iloc[0]) == (20.0, 80.0)


def _models():
    lin = Curve("a", "conversions", "linear", a=0.01, x_min=1000.0, x_max=5000.0)
    hill = Curve("b", "conversions", "hill", a=500.0, h=20000.0, x_min=5000.0, x_max=30000.0)
    rev_a = Curve("a", "revenue", "linear", a=2.0, x_min=1000.0, x_max=5000.0)
    return {"a": PlatformModel("a", lin, rev_a), "b": PlatformModel("b", hill, Curve("b", "revenue", "none"))}


def test_evaluate_ratios_from_sums():
    m = _models()
    days = 28
    out = whatif.evaluate(m, {"a": 12000.0, "b": 40000.0, "c": 1000.0}, days, fixed_costs=5000.0)
    conv_a = 0.01 * 3000.0 * 4                                  # 3000 a week for 4 weeks
    conv_b = 500.0 * 10000.0 / 30000.0 * 4
    t = out.totals
    assert t["spend"] == 53000.0 and t["conversions"] == pytest.approx(conv_a + conv_b)
    assert t["cpa"] == pytest.approx(53000.0 / (conv_a + conv_b))        # Σ spend ÷ Σ conversions
    assert t["revenue"] == pytest.approx(24000.0) and t["roas"] == pytest.approx(24000.0 / 53000.0)
    assert t["roi"] == pytest.approx((24000.0 - 58000.0) / 58000.0)      # full cost: + fixed 5000
    assert t["unmodelled"] == ["c"]
    rows = out.platforms.set_index("platform")
    assert rows.loc["a", "cpa"] == pytest.approx(12000.0 / conv_a)
    assert pd.isna(rows.loc["c", "conversions"]) and pd.isna(rows.loc["b", "revenue"])
    paid = whatif.evaluate(m, {"a": 12000.0}, days, fixed_costs=5000.0, roi_basis="paid")
    assert paid.totals["roi"] == pytest.approx((24000.0 - 12000.0) / 12000.0)
    zero = whatif.evaluate(m, {"a": 0.0}, days)
    assert zero.totals["cpa"] is None and zero.totals["roas"] is None


def test_compare_plan_and_scenario():
    m = _models()
    p = whatif.evaluate(m, {"a": 10000.0, "b": 40000.0}, 28)
    s = whatif.evaluate(m, {"a": 12000.0, "b": 38000.0}, 28)
    c = whatif.compare(p, s).set_index("metric")
    assert c.loc["spend", "delta"] == 0
    assert c.loc["conversions", "delta"] == pytest.approx(s.totals["conversions"] - p.totals["conversions"])


def _brute_force(models, total, bounds, days, step):
    """Independent check: the best allocation on a grid of the same total (2–3 platforms)."""
    ps = list(bounds)
    best, arg = -1.0, None
    grids = [np.arange(bounds[p][0], bounds[p][1] + 1e-9, step) for p in ps[:-1]]
    for combo in itertools.product(*grids):
        last = total - sum(combo)
        if not (bounds[ps[-1]][0] - 1e-9 <= last <= bounds[ps[-1]][1] + 1e-9):
            continue
        alloc = dict(zip(ps, (*combo, last), strict=True))
        v = whatif.evaluate(models, alloc, days).totals["conversions"]
        if v > best:
            best, arg = v, alloc
    return best, arg


def test_suggest_beats_plan_respects_bounds_and_matches_brute_force():
    m = {p: PlatformModel(p, Curve(p, "conversions", "hill", a=a, h=h), Curve(p, "revenue", "none"))
         for p, a, h in (("x", 900.0, 30000.0), ("y", 400.0, 8000.0), ("z", 600.0, 60000.0))}
    plan = {"x": 60000.0, "y": 60000.0, "z": 60000.0}
    bounds = {"x": (20000.0, 120000.0), "y": (10000.0, 90000.0), "z": (30000.0, 100000.0)}
    days = 28
    s = whatif.suggest(m, plan, bounds, days)
    assert s.success and s.value >= s.plan_value and s.gain == pytest.approx(s.value - s.plan_value)
    assert sum(s.budgets.values()) == pytest.approx(180000.0)
    for p, (lo, hi) in bounds.items():
        assert lo - 1e-6 <= s.budgets[p] <= hi + 1e-6
    best, _ = _brute_force(m, 180000.0, bounds, days, step=1000.0)
    assert s.value >= best - 1e-6 * best                    # at least as good as the finest grid point
    assert s.value == pytest.approx(best, rel=1e-3)
    assert s.plan_value == pytest.approx(whatif.evaluate(m, plan, days).totals["conversions"])


def test_suggest_symmetric_curves_split_evenly_and_linear_goes_to_bounds():
    c = Curve("p", "conversions", "hill", a=100.0, h=1000.0)
    m = {p: PlatformModel(p, Curve(p, "conversions", "hill", a=100.0, h=1000.0), Curve(p, "revenue", "none"))
         for p in ("p", "q")}
    s = whatif.suggest(m, {"p": 3000.0, "q": 1000.0}, {"p": (0, 4000), "q": (0, 4000)}, 7)
    assert s.budgets["p"] == pytest.approx(2000.0, rel=1e-4) and s.budgets["q"] == pytest.approx(2000.0, rel=1e-4)
    assert s.value == pytest.approx(2 * c(2000.0))
    lin = {"cheap": PlatformModel("cheap", Curve("cheap", "conversions", "linear", a=0.02), Curve("cheap", "revenue", "none")),
           "dear": PlatformModel("dear", Curve("dear", "conversions", "linear", a=0.01), Curve("dear", "revenue", "none"))}
    s = whatif.suggest(lin, {"cheap": 500.0, "dear": 500.0}, {"cheap": (100, 800), "dear": (200, 900)}, 7)
    assert s.budgets["cheap"] == pytest.approx(800.0) and s.budgets["dear"] == pytest.approx(200.0)


def test_suggest_revenue_objective_and_infeasible_bounds():
    m = _models()
    s = whatif.suggest(m, {"a": 10000.0, "b": 10000.0}, {"a": (0, 20000), "b": (0, 20000)}, 28, "revenue")
    assert s.budgets["a"] == pytest.approx(20000.0) and s.value == pytest.approx(2.0 * 20000.0)
    bad = whatif.suggest(m, {"a": 10000.0, "b": 10000.0}, {"a": (15000, 20000), "b": (15000, 20000)}, 28)
    assert bad.message == "infeasible_bounds" and bad.budgets == {"a": 10000.0, "b": 10000.0} and bad.gain == 0


def test_rebalance_keeps_the_total():
    b = {"a": 100.0, "b": 300.0, "c": 600.0}
    out = whatif.rebalance({**b, "a": 300.0}, "a", 1000.0)
    assert sum(out.values()) == pytest.approx(1000.0) and out["a"] == 300.0
    assert out["b"] / out["c"] == pytest.approx(300.0 / 600.0)          # in proportion
    assert out["b"] == pytest.approx(700.0 / 3) and out["c"] == pytest.approx(1400.0 / 3)
    capped = whatif.rebalance({**b, "a": 0.0}, "a", 1000.0, caps={"b": 320.0, "c": 10000.0})
    assert capped == {"a": 0.0, "b": 320.0, "c": pytest.approx(680.0)}   # 333 would pass b's cap
    over = whatif.rebalance({**b, "a": 5000.0}, "a", 1000.0)
    assert over == {"a": 1000.0, "b": 0.0, "c": 0.0}
    from_zero = whatif.rebalance({"a": 200.0, "b": 0.0, "c": 0.0}, "a", 1000.0)
    assert from_zero["b"] == pytest.approx(400.0) and from_zero["c"] == pytest.approx(400.0)


# ---------------------------------------------------------------- history and saved scenarios on a store

def _load(con, profile, columns, rows, name):
    bio = io.StringIO()
    pd.DataFrame(rows, columns=columns).to_csv(bio, index=False)
    r = ingest.ingest_bytes(con, bio.getvalue().encode(), name, ingest.LoadOptions(profile_id=profile))
    assert r.status == "loaded", r.errors
    return r


def test_weekly_history_complete_weeks_and_paid_rows_only(con):
    days = pd.date_range("2026-03-04", "2026-04-02")          # Wed … Thu: partial first and last weeks
    rows = [["meta", d.date().isoformat(), "ads", 100.0 + i, 2, 50.0, "USD"] for i, d in enumerate(days)]
    rows += [["meta", "2026-03-10", "organic post", None, 99, 999.0, "USD"]]   # no spend: not paid
    _load(con, "generic_facts", ["platform", "date", "campaign", "spend", "conversions", "revenue", "currency"],
          rows, "m.csv")
    h = whatif.weekly_history(con, "CNY")
    assert h["week"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-09", "2026-03-16", "2026-03-23"]
    first = h.iloc[0]
    idx = [i for i, d in enumerate(days) if "2026-03-09" <= d.date().isoformat() <= "2026-03-15"]
    assert first["spend"] == pytest.approx(sum(100.0 + i for i in idx) * 7.1)
    assert first["conversions"] == 14 and first["revenue"] == pytest.approx(7 * 50.0 * 7.1)


def test_fit_models_on_sample_history(sample_con):
    s = BudgetSettings()
    hist = whatif.weekly_history(sample_con, "CNY")
    models = whatif.fit_models(hist, s)
    paid = sorted(hist["platform"].unique())
    assert sorted(models) == paid
    for p, m in models.items():
        g = hist[hist["platform"] == p]
        c = m.conversions
        assert c.n_weeks == len(g) and c.x_max == pytest.approx(g["spend"].max())
        cv = g["spend"].std(ddof=0) / g["spend"].mean()
        if len(g) < s.min_weeks or cv < s.min_spend_cv:
            assert c.form == "linear" and c.a == pytest.approx(g["conversions"].sum() / g["spend"].sum())
        else:
            assert c.form in ("hill", "log")
            pred = c(g["spend"].to_numpy(float))
            y = g["conversions"].to_numpy(float)
            assert c.r2 == pytest.approx(1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())
        if g["revenue"].fillna(0).sum() == 0:
            assert m.revenue.form == "none"


def test_saved_scenarios_round_trip_and_currency(sample_con):
    sid = whatif.save_scenario(sample_con, "  Douyin +50k  ", {"douyin": 100.0, "weibo": 50.0}, "USD",
                               pd.Timestamp("2026-10-26").date(), pd.Timestamp("2026-11-29").date())
    saved = whatif.scenarios(sample_con)
    row = saved[saved["scenario_id"] == sid].iloc[0]
    assert row["name"] == "Douyin +50k" and row["total"] == 150.0 and row["currency"] == "USD"
    assert whatif.scenario_budgets(sample_con, sid, "CNY") == pytest.approx({"douyin": 710.0, "weibo": 355.0})
    with pytest.raises(ValueError):
        whatif.save_scenario(sample_con, " ", {"douyin": 1.0}, "CNY", row["period_start"], row["period_end"])
    whatif.delete_scenario(sample_con, sid)
    assert sid not in set(whatif.scenarios(sample_con)["scenario_id"])


def test_comparison_table_side_by_side():
    m = _models()
    t = whatif.comparison_table(m, {"Plan": {"a": 10000.0, "b": 40000.0}, "Alt": {"a": 20000.0, "b": 30000.0}}, 28)
    t = t.set_index("row")
    assert t.loc["budget:a", "Alt"] == 20000.0 and t.loc["spend", "Plan"] == 50000.0
    alt = whatif.evaluate(m, {"a": 20000.0, "b": 30000.0}, 28).totals
    assert t.loc["conversions", "Alt"] == pytest.approx(alt["conversions"])
    assert t.loc["cpa", "Alt"] == pytest.approx(alt["cpa"])


def test_plan_budgets_of_a_period_and_pro_rata(con):
    cols = ["period_start", "period_end", "platform", "category", "planned", "currency"]
    _load(con, "budget_plan", cols, [
        ["2026-03-01", "2026-03-10", "douyin", "paid_ads", 1000, "CNY"],
        ["2026-03-01", "2026-03-10", "meta", "paid_ads", 100, "USD"],
        ["2026-03-01", "2026-03-10", "douyin", "kol", 500, "CNY"],
        ["2026-03-01", "2026-03-10", "douyin", "staff", 300, "CNY"],
    ], "plan.csv")
    d = pd.Timestamp
    full = whatif.plan_budgets(con, d("2026-03-01").date(), d("2026-03-10").date())
    assert full == {"paid": {"douyin": 1000.0, "meta": 710.0}, "fixed_costs": 800.0}
    part = whatif.plan_budgets(con, d("2026-03-01").date(), d("2026-03-04").date())
    assert part == {"paid": {"douyin": 400.0, "meta": 284.0}, "fixed_costs": 320.0}
