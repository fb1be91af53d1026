"""What-if for paid budgets: response curves fitted on weekly history, scenarios, constrained suggestion.

One response curve per platform and outcome (conversions, revenue), fitted with scipy on the brand's own
complete weeks of paid spend (x, reporting currency) against the outcome reported on the same rows (y):
  hill  y = a · x / (h + x)         (Hill curve with slope 1: concave, saturates at a, half of it at x = h)
  log   y = a · ln(1 + x / h)       (concave, diminishing returns without a ceiling)
The form with the smaller squared error wins. With fewer than `min_weeks` weeks, weekly spend varying less
than `min_spend_cv` (coefficient of variation), or a fit that fails, the curve falls back to the historical
rate y = x × Σy ÷ Σx (conversions at the historical CPA) and says why.

A period budget B over D days is spent at B × 7 ÷ D a week; its outcome is curve(B × 7 ÷ D) × D ÷ 7.
Scenario ratios come from the scenario's sums (CPA = Σ spend ÷ Σ conversions, ROAS = Σ revenue ÷ Σ spend,
ROI = (Σ revenue − cost) ÷ cost), never from averaging per-platform ratios; dividing by zero gives None.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit, minimize

from smm import fmt, metrics
from smm.budget import BudgetSettings
from smm.i18n import platform_label, platform_listing, t

OUTCOMES = ("conversions", "revenue")
FORMS = ("hill", "log")


# ---------------------------------------------------------------- curves

def _hill(x, a, h):
    return a * x / (h + x)


def _log(x, a, h):
    return a * np.log1p(x / h)


_FN = {"hill": _hill, "log": _log}


@dataclass(frozen=True)
class Curve:
    """A fitted response curve for one platform and outcome (x = weekly spend, y = weekly outcome)."""

    platform: str
    outcome: str
    form: str                        # hill | log | linear | none
    a: float = 0.0                   # hill/log: scale; linear: outcome per unit of spend
    h: float = 1.0                   # hill/log: half-saturation / curvature spend (weekly)
    n_weeks: int = 0
    x_min: float | None = None       # observed weekly spend range
    x_max: float | None = None
    r2: float | None = None          # fit quality on the weekly points
    mape: float | None = None        # mean absolute percentage error on the weekly points
    reason: str | None = None        # why it is linear / none: few_weeks | low_variation | fit_failed | no_outcome
    hist_rate: float | None = None   # Σy ÷ Σx over the history (1 / CPA, or ROAS)

    def __call__(self, x):
        """Weekly outcome at weekly spend x (scalar or array)."""
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        if self.form in _FN:
            return _FN[self.form](x, self.a, self.h)
        if self.form == "linear":
            return self.a * x
        return np.zeros_like(x)

    def slope(self, x):
        """d outcome / d spend at weekly spend x."""
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        if self.form == "hill":
            return self.a * self.h / (self.h + x) ** 2
        if self.form == "log":
            return self.a / (self.h + x)
        if self.form == "linear":
            return np.full_like(x, self.a)
        return np.zeros_like(x)

    @property
    def fitted(self) -> bool:
        return self.form in _FN

    def extrapolates(self, weekly_spend: float) -> bool:
        """True when the spend lies outside the observed weekly range (1 % slack for rounding)."""
        if self.x_min is None or self.x_max is None:
            return weekly_spend > 0
        return weekly_spend < self.x_min * 0.99 or weekly_spend > self.x_max * 1.01


def _quality(y: np.ndarray, pred: np.ndarray) -> tuple[float | None, float | None]:
    sst = float(((y - y.mean()) ** 2).sum())
    sse = float(((y - pred) ** 2).sum())
    r2 = 1 - sse / sst if sst > 0 else None
    pos = y > 0
    mape = float(np.mean(np.abs(y[pos] - pred[pos]) / y[pos])) if pos.any() else None
    return r2, mape


def fit_curve(x, y, *, platform: str = "", outcome: str = "conversions", min_weeks: int = 8,
              min_spend_cv: float = 0.10) -> Curve:
    """Fit the concave curves to weekly (spend, outcome) points; fall back to the historical rate."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
    x, y = x[ok], y[ok]
    n = int(len(x))
    base = {"platform": platform, "outcome": outcome, "n_weeks": n,
            "x_min": float(x.min()) if n else None, "x_max": float(x.max()) if n else None}
    if n == 0 or y.sum() <= 0:
        return Curve(form="none", reason="no_outcome", **base)
    rate = float(y.sum() / x.sum())

    def linear(reason: str) -> Curve:
        r2, mape = _quality(y, rate * x)
        return Curve(form="linear", a=rate, reason=reason, r2=r2, mape=mape, hist_rate=rate, **base)

    if n < min_weeks:
        return linear("few_weeks")
    if float(x.std() / x.mean()) < min_spend_cv:
        return linear("low_variation")
    # Fit in units of the mean so that parameters of every platform and currency are of order 1.
    sx, sy = float(x.mean()), float(y.mean())
    xs, ys = x / sx, y / sy
    best: tuple[float, str, float, float] | None = None
    for form in FORMS:
        p0 = (2.0, 1.0) if form == "hill" else (1.0 / math.log(2.0), 1.0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", OptimizeWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                (a, h), _ = curve_fit(_FN[form], xs, ys, p0=p0, bounds=([1e-6, 1e-3], [1e6, 1e3]), maxfev=5000)
        except (RuntimeError, ValueError):
            continue
        sse = float(((_FN[form](xs, a, h) - ys) ** 2).sum())
        if np.isfinite(sse) and (best is None or sse < best[0]):
            best = (sse, form, float(a), float(h))
    if best is None:
        return linear("fit_failed")
    _, form, a, h = best
    a, h = a * sy, h * sx
    r2, mape = _quality(y, _FN[form](x, a, h))
    return Curve(form=form, a=a, h=h, r2=r2, mape=mape, hist_rate=rate, **base)


# ---------------------------------------------------------------- history and fits

def weekly_history(con: duckdb.DuckDBPyConnection, currency: str = "CNY", platforms: tuple[str, ...] = (),
                   end: dt.date | None = None) -> pd.DataFrame:
    """One row per platform × complete Monday week of paid spend: spend, and the outcomes on those rows.

    A week counts when it lies inside the platform's data (first to last date), so partial weeks at the
    edges do not read as low spend.
    """
    cond, p = ["spend_rc IS NOT NULL", "NOT fx_missing"], {"rc": currency}
    if platforms:
        cond.append("list_contains($platforms, platform)")
        p["platforms"] = list(platforms)
    if end is not None:
        cond.append("date <= $end")
        p["end"] = end
    return con.execute(
        "WITH paid AS (SELECT platform, date, spend_rc, conversions, revenue_rc FROM fact_rc($rc) "
        f"WHERE {' AND '.join(cond)}), "
        "span AS (SELECT platform, min(date) AS lo, max(date) AS hi FROM paid GROUP BY platform), "
        "wk AS (SELECT platform, date_trunc('week', date)::DATE AS week, sum(spend_rc) AS spend, "
        "       sum(conversions) AS conversions, sum(revenue_rc) AS revenue FROM paid GROUP BY ALL) "
        "SELECT wk.* FROM wk JOIN span USING (platform) "
        "WHERE wk.week >= span.lo AND wk.week + 6 <= span.hi AND wk.spend > 0 ORDER BY platform, week", p).df()


@dataclass(frozen=True)
class PlatformModel:
    platform: str
    conversions: Curve
    revenue: Curve

    def curve(self, outcome: str) -> Curve:
        return self.conversions if outcome == "conversions" else self.revenue


def fit_models(history: pd.DataFrame, s: BudgetSettings | None = None) -> dict[str, PlatformModel]:
    """One model per platform in the weekly history."""
    s = s or BudgetSettings()
    out = {}
    for platform, g in history.groupby("platform", sort=True):
        curves = {}
        for outcome in OUTCOMES:
            y = g[outcome].astype(float).fillna(0.0).to_numpy()
            curves[outcome] = fit_curve(g["spend"].to_numpy(float), y, platform=str(platform), outcome=outcome,
                                        min_weeks=s.min_weeks, min_spend_cv=s.min_spend_cv)
        out[str(platform)] = PlatformModel(str(platform), curves["conversions"], curves["revenue"])
    return out


def fit_all(con: duckdb.DuckDBPyConnection, currency: str = "CNY", s: BudgetSettings | None = None,
            platforms: tuple[str, ...] = ()) -> dict[str, PlatformModel]:
    """Fit every platform's curves on its weekly paid history (the expensive step: cache its result)."""
    return fit_models(weekly_history(con, currency, platforms), s)


def plan_budgets(con: duckdb.DuckDBPyConnection, ws: dt.date, we: dt.date, currency: str = "CNY") -> dict:
    """The paid_ads plan per platform for a window and its other planned costs (reporting currency).

    Plan rows count pro rata for the days they share with the window, as in the pacing.
    """
    rows = con.execute(
        "WITH r AS (SELECT platform, category, planned_rc * (datediff('day', greatest(period_start, $ws), "
        "least(period_end, $we)) + 1) / (datediff('day', period_start, period_end) + 1) AS amount "
        "FROM budget_plan_rc($rc) WHERE period_end >= $ws AND period_start <= $we AND NOT fx_missing) "
        "SELECT platform, category = 'paid_ads' AS paid, sum(amount) FROM r GROUP BY ALL ORDER BY 1",
        {"rc": currency, "ws": ws, "we": we}).fetchall()
    paid = {p: round(float(v), 2) for p, is_paid, v in rows if is_paid}
    fixed = sum(float(v) for _, is_paid, v in rows if not is_paid)
    return {"paid": paid, "fixed_costs": round(fixed, 2)}


# ---------------------------------------------------------------- scenarios

def _div(n: float | None, d: float | None) -> float | None:
    if n is None or d is None or d == 0 or not math.isfinite(d):
        return None
    return n / d


@dataclass
class Outcome:
    """A scenario's result: one row per platform and the totals, ratios from sums."""

    platforms: pd.DataFrame
    totals: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)   # the same rows as plain dicts (fast to walk)


def evaluate(models: dict[str, PlatformModel], budgets: dict[str, float], days: int, *,
             fixed_costs: float = 0.0, roi_basis: str = "full") -> Outcome:
    """Project conversions, revenue, CPA, ROAS and ROI for period budgets per platform."""
    if days <= 0:
        raise ValueError("days must be positive")
    rows = []
    spend = conv = rev = 0.0
    has_rev = False
    unmodelled = []
    for p, b in budgets.items():
        b = max(float(b), 0.0)
        m = models.get(p)
        weekly = b * 7.0 / days
        if m is None or m.conversions.form == "none":
            c = None
            unmodelled.append(p)
        else:
            c = float(m.conversions(weekly)) * days / 7.0
        r = None
        if m is not None and m.revenue.form != "none":
            r = float(m.revenue(weekly)) * days / 7.0
            has_rev = True
        spend += b
        conv += c or 0.0
        rev += r or 0.0
        cv = m.conversions if m else None
        rows.append({"platform": p, "budget": b, "weekly_spend": weekly, "conversions": c, "revenue": r,
                     "cpa": _div(b, c), "roas": _div(r, b) if r is not None else None,
                     "extrapolated": bool(cv.extrapolates(weekly)) if cv and cv.form != "none" else False,
                     "form": cv.form if cv else "none", "x_min": cv.x_min if cv else None,
                     "x_max": cv.x_max if cv else None})
    cost = spend + (fixed_costs if roi_basis == "full" else 0.0)
    revenue = rev if has_rev else None
    totals = {"spend": spend, "conversions": conv, "revenue": revenue, "cpa": _div(spend, conv),
              "roas": _div(revenue, spend), "total_cost": cost,
              "roi": _div(revenue - cost, cost) if revenue is not None else None,
              "unmodelled": unmodelled, "n_extrapolated": sum(r["extrapolated"] for r in rows)}
    return Outcome(pd.DataFrame(rows), totals, rows)


def compare(plan: Outcome, scenario: Outcome) -> pd.DataFrame:
    """Totals of plan and scenario side by side with the change (absolute and relative)."""
    rows = []
    for k in ("spend", "conversions", "revenue", "cpa", "roas", "roi"):
        a, b = plan.totals.get(k), scenario.totals.get(k)
        d = None if a is None or b is None else b - a
        rows.append({"metric": k, "plan": a, "scenario": b, "delta": d,
                     "delta_pct": _div(d, abs(a)) if d is not None and a else None})
    return pd.DataFrame(rows)


def rebalance(budgets: dict[str, float], changed: str, total: float,
              caps: dict[str, float] | None = None) -> dict[str, float]:
    """Keep the total fixed: the other platforms absorb the change in proportion to their budgets.

    The changed platform is capped at the total; the others stay within [0, cap] (water-filling).
    """
    out = {p: max(float(v), 0.0) for p, v in budgets.items()}
    out[changed] = min(out[changed], total)
    others = [p for p in out if p != changed]
    rest = total - out[changed]
    if not others:
        out[changed] = total
        return out
    caps = caps or {}
    free = list(others)
    weights = {p: out[p] for p in others}
    if sum(weights.values()) <= 0:
        weights = {p: 1.0 for p in others}
    for p in others:
        out[p] = 0.0
    while free and rest > 1e-9:
        wsum = sum(weights[p] for p in free) or float(len(free))
        share = {p: rest * (weights[p] / wsum if wsum else 1 / len(free)) for p in free}
        over = [p for p in free if out[p] + share[p] > caps.get(p, math.inf)]
        if not over:
            for p in free:
                out[p] += share[p]
            rest = 0.0
            break
        for p in over:
            add = caps[p] - out[p]
            out[p] = caps[p]
            rest -= add
            free.remove(p)
    if rest > 1e-9:  # every other platform at its cap: the changed one keeps the remainder (within its cap)
        out[changed] = min(out[changed] + rest, caps.get(changed, math.inf))
    return out


@dataclass
class Suggestion:
    budgets: dict[str, float]
    value: float              # objective at the suggestion (period conversions or revenue)
    plan_value: float         # objective at the starting allocation
    gain: float
    gain_pct: float | None
    objective: str
    success: bool
    message: str = ""


def _fix_total(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """Move x within [lo, hi] so that it sums to total, in proportion to each platform's room."""
    gap = total - x.sum()
    room = (hi - x) if gap > 0 else (x - lo)
    if room.sum() > 0:
        x = x + np.sign(gap) * room * min(1.0, abs(gap) / room.sum())
    return x


def _objective_value(models, platforms, budgets: np.ndarray, days: int, outcome: str) -> float:
    tot = 0.0
    for p, b in zip(platforms, budgets, strict=True):
        m = models.get(p)
        if m is not None:
            tot += float(m.curve(outcome)(b * 7.0 / days)) * days / 7.0
    return tot


def suggest(models: dict[str, PlatformModel], start: dict[str, float], bounds: dict[str, tuple[float, float]],
            days: int, objective: str = "conversions", total: float | None = None,
            use_gradient: bool = True) -> Suggestion:
    """The allocation of the same total that maximises the objective within per-platform [min, max] (SLSQP).

    Every curve is concave, so the constrained maximum found is the global one. Never returns less than the
    starting allocation when that allocation is itself within the bounds.
    """
    if objective not in OUTCOMES:
        raise ValueError(f"unknown objective {objective!r}")
    platforms = list(start)
    total = float(sum(start.values()) if total is None else total)
    lo = np.array([max(0.0, float(bounds.get(p, (0.0, total))[0])) for p in platforms])
    hi = np.array([float(bounds.get(p, (0.0, total))[1]) for p in platforms])
    hi = np.maximum(hi, lo)
    x0 = np.array([float(start[p]) for p in platforms])
    plan_value = _objective_value(models, platforms, x0, days, objective)
    if lo.sum() > total + 1e-6 or hi.sum() < total - 1e-6:
        return Suggestion(dict(start), plan_value, plan_value, 0.0, 0.0, objective, False, "infeasible_bounds")
    scale = total if total > 0 else 1.0
    norm = max(plan_value, 1.0)
    curves = [models[p].curve(objective) if p in models else None for p in platforms]
    k = 7.0 / days

    def f(u):
        x = u * scale
        return -sum(float(c(xi * k)) for c, xi in zip(curves, x, strict=True) if c is not None) / k / norm

    def g(u):
        x = u * scale
        return -np.array([float(c.slope(xi * k)) if c is not None else 0.0
                          for c, xi in zip(curves, x, strict=True)]) * scale / norm

    u0 = _fix_total(np.clip(x0, lo, hi), lo, hi, total) / scale   # the plan pulled inside the bounds
    res = minimize(f, u0, jac=g if use_gradient else None, method="SLSQP",
                   bounds=list(zip(lo / scale, hi / scale, strict=True)),
                   constraints=[{"type": "eq", "fun": lambda u: u.sum() - total / scale,
                                 "jac": lambda u: np.ones_like(u)}],
                   options={"maxiter": 200, "ftol": 1e-10})
    x = _fix_total(np.clip(res.x * scale, lo, hi), lo, hi, total)
    value = _objective_value(models, platforms, x, days, objective)
    start_ok = bool(np.all(x0 >= lo - 1e-6) and np.all(x0 <= hi + 1e-6) and abs(x0.sum() - total) < 1e-6 * scale)
    if start_ok and value < plan_value:
        x, value = x0, plan_value
    budgets = {p: float(v) for p, v in zip(platforms, x, strict=True)}
    gain = value - plan_value
    return Suggestion(budgets, value, plan_value, gain, _div(gain, plan_value), objective, bool(res.success),
                      str(res.message))


def default_bounds(plan: dict[str, float], low: float = 0.5, high: float = 1.5) -> dict[str, tuple[float, float]]:
    """Per-platform bounds around the plan (a meeting rarely moves a channel by more than half)."""
    return {p: (v * low, v * high) for p, v in plan.items()}


def curve_points(model: PlatformModel, outcome: str, x_hi: float, n: int = 60) -> pd.DataFrame:
    """Points of one curve for drawing, weekly spend from 0 to x_hi, marked inside/outside the observed range."""
    c = model.curve(outcome)
    xs = np.linspace(0.0, max(x_hi, 1.0), n)
    if c.x_min is not None:
        xs = np.unique(np.concatenate([xs, [c.x_min, c.x_max]]))
    inside = np.array([not c.extrapolates(x) for x in xs]) if c.x_min is not None else np.zeros(len(xs), bool)
    return pd.DataFrame({"platform": model.platform, "weekly_spend": xs, "value": c(xs), "observed": inside})


# ---------------------------------------------------------------- saved scenarios

def save_scenario(con: duckdb.DuckDBPyConnection, name: str, budgets: dict[str, float], currency: str,
                  ws: dt.date, we: dt.date, objective: str = "conversions") -> int:
    """Store a named allocation; returns its id."""
    name = (name or "").strip()
    if not name:
        raise ValueError("scenario name is empty")
    con.execute("BEGIN TRANSACTION")
    try:
        sid = con.execute("SELECT nextval('scenario_seq')").fetchall()[0][0]
        con.execute("INSERT INTO budget_scenarios (scenario_id, name, currency, period_start, period_end, objective) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [sid, name[:80], currency, ws, we, objective])
        con.executemany("INSERT INTO budget_scenario_lines (scenario_id, platform, budget) VALUES (?, ?, ?)",
                        [[sid, p, max(float(v), 0.0)] for p, v in budgets.items()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(sid)


def scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved scenarios, newest first, with their total budget in their own currency."""
    return con.execute(
        "SELECT s.scenario_id, s.name, s.currency, s.period_start, s.period_end, s.objective, s.created_at, "
        "sum(l.budget) AS total FROM budget_scenarios s LEFT JOIN budget_scenario_lines l USING (scenario_id) "
        "GROUP BY ALL ORDER BY s.scenario_id DESC").df()


def scenario_budgets(con: duckdb.DuckDBPyConnection, scenario_id: int, currency: str) -> dict[str, float]:
    """One saved allocation converted to `currency` with the current rates."""
    rows = con.execute(
        "SELECT l.platform, l.budget * r.cny_per_unit / t.cny_per_unit FROM budget_scenario_lines l "
        "JOIN budget_scenarios s USING (scenario_id) LEFT JOIN fx_rates r ON r.currency = s.currency "
        "LEFT JOIN fx_rates t ON t.currency = ? WHERE l.scenario_id = ? ORDER BY l.platform",
        [currency, scenario_id]).fetchall()
    return {p: float(v) for p, v in rows if v is not None}


def delete_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int) -> None:
    con.execute("DELETE FROM budget_scenario_lines WHERE scenario_id = ?", [scenario_id])
    con.execute("DELETE FROM budget_scenarios WHERE scenario_id = ?", [scenario_id])


def comparison_table(models: dict[str, PlatformModel], columns: dict[str, dict[str, float]], days: int, *,
                     fixed_costs: float = 0.0, roi_basis: str = "full") -> pd.DataFrame:
    """Named allocations side by side: per-platform budgets, then the projected totals of each."""
    platforms = list(dict.fromkeys(p for b in columns.values() for p in b))
    rows: dict[str, dict] = {}
    for name, b in columns.items():
        o = evaluate(models, {p: b.get(p, 0.0) for p in platforms}, days, fixed_costs=fixed_costs,
                     roi_basis=roi_basis)
        for k in ("spend", "conversions", "revenue", "cpa", "roas", "roi"):
            rows.setdefault(k, {})[name] = o.totals.get(k)
        for p in platforms:
            rows.setdefault(f"budget:{p}", {})[name] = b.get(p, 0.0)
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(columns)).rename_axis("row").reset_index()


# ---------------------------------------------------------------- page setup and display (strings for people)

def _nice(x: float, up: bool = True) -> float:
    """Round to 1, 2 or 5 × 10^k (up or down)."""
    if x <= 0:
        return 1.0
    k = 10 ** math.floor(math.log10(x))
    steps = (1, 2, 5, 10)
    if up:
        return next(s * k for s in steps if s * k >= x - 1e-9)
    return next(s * k for s in reversed(steps) if s * k <= x + 1e-9)


def setup(plan: dict[str, float], models: dict[str, PlatformModel], days: int,
          platforms: tuple[str, ...] = ()) -> dict:
    """Platforms of the what-if (a paid plan or a paid history), biggest plan first, with slider caps and steps."""
    plats = sorted({p for p, v in plan.items() if v > 0} | {p for p, m in models.items() if m.conversions.n_weeks},
                   key=lambda p: (-plan.get(p, 0.0), p))
    if platforms:
        plats = [p for p in plats if p in platforms]
    full = {p: float(plan.get(p, 0.0)) for p in plats}
    total = sum(full.values())
    caps, steps = {}, {}
    for p in plats:
        m = models.get(p)
        seen = (m.conversions.x_max or 0.0) * days / 7.0 if m else 0.0
        cap = _nice(max(3 * full[p], 3 * seen, 0.05 * total, 1000.0))
        caps[p] = cap
        steps[p] = _nice(cap / 300, up=False)
    return {"platforms": plats, "plan": full, "caps": caps, "steps": steps}


def delta_text(delta: float | None, delta_pct: float | None, unit: str, currency: str, lang: str) -> str | None:
    """'+¥1.2万 (+3.4%)' for a tile; None when there is no change to show."""
    if delta is None or abs(delta) < 1e-9:
        return None
    sign = "+" if delta > 0 else ("-" if delta < 0 else "±")
    body = fmt.by_unit(abs(delta), unit, currency, lang) if unit != "ratio" else f"{abs(delta) * 100:.1f} pp"
    pct = f" ({'+' if (delta_pct or 0) >= 0 else ''}{delta_pct * 100:.1f}%)" if delta_pct is not None else ""
    return f"{sign}{body}{pct}"


class TileChange(NamedTuple):
    text: str | None    # for st.metric's delta
    color: str          # its delta_color
    arrow: str          # its delta_arrow


def tile_changes(cmp: pd.DataFrame, currency: str, lang: str) -> list[TileChange]:
    """Each what-if tile's change against the plan (compare()'s rows), coloured by whether the metric is better up
    or down. Where some tile changes, one that does not reads its zero ("¥0.00 (0.0%)") and one whose change cannot
    be computed "—", both grey with no arrow: every tile of the row has the same parts (a budget moved on Weibo,
    which reports no revenue, left Revenue the one tile without a change). Where none changes, none shows one."""
    texts = [delta_text(r.delta, r.delta_pct, metrics.get(r.metric).unit, currency, lang) for r in cmp.itertuples()]
    if all(x is None for x in texts):
        return [TileChange(None, "off", "auto") for _ in texts]
    out = []
    for r, text in zip(cmp.itertuples(), texts, strict=True):
        m = metrics.get(r.metric)
        if text is not None:
            out.append(TileChange(text, m.delta_color, "auto"))
        elif r.delta is None:
            out.append(TileChange(fmt.DASH, "off", "off"))
        else:
            zero = fmt.by_unit(0.0, m.unit, currency, lang) if m.unit != "ratio" else "0.0 pp"
            out.append(TileChange(zero + (" (0.0%)" if r.delta_pct is not None else ""), "off", "off"))
    return out


def notes(models: dict[str, PlatformModel], scenario: Outcome, objective: str, lang: str, currency: str,
          s: BudgetSettings | None = None) -> list[tuple[str, str]]:
    """What the projection cannot know, in words: extrapolations, linear fallbacks, missing outcomes."""
    s = s or BudgetSettings()
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    out: list[tuple[str, str]] = []
    ext = [r for r in scenario.platforms.itertuples() if r.extrapolated]
    if ext:
        items = [t("budget.wi.note.ext_item", lang, platform=platform_label(r.platform, lang), spend=m(r.weekly_spend),
                   lo=m(r.x_min), hi=m(r.x_max)) for r in ext]
        out.append(("warning", t("budget.wi.note.extrapolation", lang, items="；".join(items) if lang == "zh"
                                 else "; ".join(items))))
    by_reason: dict[str, list[str]] = {}
    for p, mod in models.items():
        if p not in set(scenario.platforms["platform"]):
            continue
        for c in (mod.conversions, mod.revenue):
            if c.form == "linear":
                by_reason.setdefault(c.reason or "fit_failed", [])
                if p not in by_reason[c.reason or "fit_failed"]:
                    by_reason[c.reason or "fit_failed"].append(p)
    for reason, ps in sorted(by_reason.items()):
        out.append(("info", t(f"budget.wi.note.linear.{reason}", lang, platforms=platform_listing(ps, lang),
                              weeks=s.min_weeks, cv=fmt.pct(s.min_spend_cv, 0))))
    no_rev = [p for p in scenario.platforms["platform"] if p in models and models[p].revenue.form == "none"
              and models[p].conversions.form != "none"]
    if no_rev:
        out.append(("info", t("budget.wi.note.no_revenue", lang, platforms=platform_listing(no_rev, lang))))
    unm = scenario.totals.get("unmodelled") or []
    if unm:
        out.append(("warning", t("budget.wi.note.unmodelled", lang, platforms=platform_listing(unm, lang))))
    if objective == "revenue" and no_rev:
        out.append(("info", t("budget.wi.note.revenue_objective", lang, platforms=platform_listing(no_rev, lang))))
    return out


def _none(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _change(a, b, f, delta: bool = True) -> str:
    """'plan → scenario (+change)'; just the value when nothing changed."""
    if _none(a) and _none(b):
        return fmt.DASH
    if not _none(a) and not _none(b) and abs(b - a) < 1e-9 * max(abs(a), 1.0):
        return f(b)
    text = f"{f(a)} → {f(b)}"
    if delta and not _none(a) and not _none(b):
        d = b - a
        text += f" ({'+' if d > 0 else '-'}{f(abs(d))})"
    return text


def slider_format(currency: str) -> str:
    """A budget slider's drawn value: the amount in its currency with thousands separators (¥2,675,000), read as
    the note under it writes it (Streamlit's printf format: `,` groups thousands; `%` in a symbol doubled)."""
    return fmt.symbol(currency).replace("%", "%%") + "%,d"


def slider_note(value: float, plan: float, currency: str, lang: str) -> str:
    """Under a slider (which draws its amount: slider_format): the plan and the change against it."""
    sym = fmt.symbol(currency)
    d = fmt.delta_pct(value, plan)
    change = fmt.DASH if d is None else f"{'+' if d >= 0 else ''}{d * 100:.0f}%"
    return t("budget.wi.slider_note", lang, plan=f"{sym}{plan:,.0f}", delta=change)


def platform_display(plan: Outcome, scenario: Outcome, lang: str, currency: str) -> pd.DataFrame:
    """The delta table per platform: budget, conversions, revenue, CPA, ROAS — plan → scenario."""
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    pl = {r["platform"]: r for r in plan.rows}
    empty = {"budget": None, "conversions": None, "revenue": None, "cpa": None, "roas": None}
    yes, no = "⚠ " + t("budget.wi.yes", lang), t("budget.wi.no", lang)
    rows = []
    for r in scenario.rows:
        a = pl.get(r["platform"], empty)
        rows.append({
            "platform": platform_label(r["platform"], lang),
            "budget": _change(a["budget"], r["budget"], m),
            "conversions": _change(a["conversions"], r["conversions"], lambda x: fmt.count(x, lang)),
            "revenue": _change(a["revenue"], r["revenue"], m),
            "cpa": _change(a["cpa"], r["cpa"], m, delta=False),
            "roas": _change(a["roas"], r["roas"], fmt.multiple, delta=False),
            "extrapolated": yes if r["extrapolated"] else no,
        })
    cols = ["platform", "budget", "conversions", "revenue", "cpa", "roas", "extrapolated"]
    return pd.DataFrame([[r[c] for c in cols] for r in rows], columns=[t("budget.wi.col." + c, lang) for c in cols])


class _Row:
    """Attribute access to one evaluate() row."""

    __slots__ = ("_d",)

    def __init__(self, d: dict) -> None:
        self._d = d

    def __getattr__(self, k: str):
        return self._d[k]


def quality_display(models: dict[str, PlatformModel], scenario: Outcome, objective: str, lang: str,
                    currency: str) -> pd.DataFrame:
    """Per platform: the model used, weeks, fit quality, observed weekly range and the marginal cost."""
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    rows = []
    for row in scenario.rows:
        r = _Row(row)
        mod = models.get(r.platform)
        c = mod.curve(objective) if mod else None
        if c is None:
            rows.append({"platform": platform_label(r.platform, lang), "model": t("budget.wi.form.none", lang)})
            continue
        form = t(f"budget.wi.form.{c.form}", lang)
        if c.reason and c.form == "linear":
            form += " · " + t(f"budget.wi.reason.{c.reason}", lang)
        slope = float(c.slope(r.weekly_spend)) if c.form != "none" else 0.0
        if objective == "conversions":
            marginal = m(1.0 / slope) if slope > 0 else fmt.DASH       # spend for one more conversion
        else:
            marginal = fmt.multiple(slope) if c.form != "none" else fmt.DASH  # revenue per extra unit of spend
        rows.append({
            "platform": platform_label(r.platform, lang), "model": form, "weeks": c.n_weeks,
            "r2": fmt.DASH if c.r2 is None else f"{c.r2:.2f}", "mape": fmt.pct(c.mape, 1),
            "range": f"{m(c.x_min)} – {m(c.x_max)}" if c.x_min is not None else fmt.DASH,
            "scenario_weekly": m(r.weekly_spend), "marginal": marginal,
        })
    cols = ["platform", "model", "weeks", "r2", "mape", "range", "scenario_weekly", "marginal"]
    names = [t("budget.wi.qcol." + (c if c != "marginal" else "marginal_" + objective), lang) for c in cols]
    return pd.DataFrame([[r.get(c, fmt.DASH) for c in cols] for r in rows], columns=names)


def bounds_frame(plan: dict[str, float], caps: dict[str, float], lang: str, low: float = 0.5,
                 high: float = 1.5) -> pd.DataFrame:
    """Editable per-platform bounds for the suggestion, starting at 50 %–150 % of the plan."""
    b = default_bounds(plan, low, high)
    return pd.DataFrame({"platform": list(plan), "label": [platform_label(p, lang) for p in plan],
                         "min": [round(b[p][0]) for p in plan],
                         "max": [round(min(b[p][1], caps[p])) if plan[p] > 0 else round(caps[p] * 0.25)
                                 for p in plan]})


def bounds_from_frame(df: pd.DataFrame, caps: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Bounds from the edited frame; blanks mean 0 / the slider's maximum."""
    out = {}
    for r in df.itertuples():
        lo = 0.0 if pd.isna(r.min) else max(float(r.min), 0.0)
        hi = caps[r.platform] if pd.isna(r.max) else min(float(r.max), caps[r.platform])
        out[r.platform] = (lo, max(hi, lo))
    return out


def scenario_labels(saved: pd.DataFrame) -> dict[int, str]:
    return {int(r.scenario_id): f"{r.name} · {pd.Timestamp(r.period_start):%m-%d}–{pd.Timestamp(r.period_end):%m-%d}"
            f" · #{r.scenario_id}" for r in saved.itertuples()}


_CMP_UNITS = {"spend": "money", "conversions": "count", "revenue": "money", "cpa": "money", "roas": "multiple",
              "roi": "ratio"}


def _row_label(row: str, lang: str) -> str:
    if row.startswith("budget:"):
        return t("budget.wi.row.budget", lang, platform=platform_label(row.split(":", 1)[1], lang))
    return metrics.get(row).name(lang)


def comparison_display(table: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """Scenarios side by side, formatted."""
    out = pd.DataFrame({"": [_row_label(r, lang) for r in table["row"]]})
    for col in table.columns[1:]:
        out[col] = [fmt.by_unit(None if pd.isna(v) else v, _CMP_UNITS.get(r, "money"), currency, lang)
                    for r, v in zip(table["row"], table[col], strict=True)]
    return out


def comparison_export(table: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """Scenarios side by side for the review report: raw numbers, labelled rows, currency stated."""
    out = pd.DataFrame({t("budget.wi.export.row", lang): [_row_label(r, lang) for r in table["row"]],
                        t("budget.wi.export.unit", lang): [currency if _CMP_UNITS.get(r, "money") == "money"
                                                           else _CMP_UNITS.get(r) for r in table["row"]]})
    for col in table.columns[1:]:
        out[col] = [None if pd.isna(v) else round(float(v), 4) for v in table[col]]
    return out
