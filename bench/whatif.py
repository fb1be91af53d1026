"""What-if speed: scenario recompute (target ≤ 30 ms) and a 10-platform suggestion (target ≤ 300 ms).

Prints medians of warm runs with baselines measured in the same run:
  - one curve evaluation (the smallest unit of a recompute),
  - the suggestion without the analytic gradient (SLSQP's finite differences: the unoptimised path),
  - fitting every curve from scratch (what the page would pay per slider move without the cache).

    python bench/whatif.py [--platforms 10] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smm import whatif  # noqa: E402
from smm.budget import BudgetSettings  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time in ms over `repeat` warm runs (one warm-up run first)."""
    out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def synthetic_history(n_platforms: int, weeks: int = 12, seed: int = 7) -> pd.DataFrame:
    """Weekly spend and outcomes from known Hill curves with noise, spend varied ±40 % around a level."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_platforms):
        level = float(rng.uniform(20_000, 500_000))
        a, h = level / float(rng.uniform(20, 120)) * 3, level * float(rng.uniform(0.8, 3.0))
        aov = float(rng.uniform(80, 300))
        for w in range(weeks):
            x = level * float(rng.uniform(0.6, 1.4))
            conv = a * x / (h + x) * float(rng.lognormal(0, 0.05))
            rows.append((f"p{i:02d}", pd.Timestamp("2026-08-31") + pd.Timedelta(weeks=w), x, conv,
                         conv * aov * float(rng.lognormal(0, 0.04))))
    return pd.DataFrame(rows, columns=["platform", "week", "spend", "conversions", "revenue"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--platforms", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    days = 35
    hist = synthetic_history(args.platforms)
    s = BudgetSettings()

    fit_ms, models = timed(lambda: whatif.fit_models(hist, s), max(3, args.repeat // 50))
    forms = pd.Series([m.conversions.form for m in models.values()]).value_counts().to_dict()
    plan = {p: float(g["spend"].mean()) * days / 7 for p, g in hist.groupby("platform")}
    scenario = {p: v * (1.2 if i % 2 else 0.8) for i, (p, v) in enumerate(plan.items())}
    bounds = whatif.default_bounds(plan)
    one = next(iter(models.values())).conversions

    curve_ms, _ = timed(lambda: one(123_456.0), args.repeat * 10)

    def recompute():
        po = whatif.evaluate(models, plan, days, fixed_costs=1e6)
        so = whatif.evaluate(models, scenario, days, fixed_costs=1e6)
        return whatif.compare(po, so)

    def recompute_with_tables():
        po = whatif.evaluate(models, plan, days, fixed_costs=1e6)
        so = whatif.evaluate(models, scenario, days, fixed_costs=1e6)
        whatif.compare(po, so)
        whatif.platform_display(po, so, "zh", "CNY")
        return whatif.quality_display(models, so, "conversions", "zh", "CNY")

    eval_ms, _ = timed(recompute, args.repeat)
    tables_ms, _ = timed(recompute_with_tables, max(20, args.repeat // 4))
    sug_ms, sug = timed(lambda: whatif.suggest(models, plan, bounds, days), max(20, args.repeat // 4))
    nograd_ms, nograd = timed(lambda: whatif.suggest(models, plan, bounds, days, use_gradient=False),
                              max(10, args.repeat // 10))
    rev_ms, _ = timed(lambda: whatif.suggest(models, plan, bounds, days, "revenue"), max(20, args.repeat // 4))

    n = args.platforms
    print(f"what-if benchmark: {n} platforms, {len(hist) // n} weeks each, period {days} days; "
          f"curve forms {forms}; medians of warm runs")
    print(f"  baseline  one curve evaluation                        {curve_ms * 1000:9.1f} µs")
    print(f"  baseline  fit all curves from scratch (uncached path) {fit_ms:9.2f} ms")
    print(f"  scenario  recompute: plan + scenario + delta ({n} pl.) {eval_ms:9.2f} ms  "
          f"= {eval_ms / curve_ms:,.0f}× one curve, {eval_ms / fit_ms:.1%} of a refit   target ≤ 30 ms: "
          f"{'OK' if eval_ms <= 30 else 'MISSED'}")
    print(f"  scenario  recompute incl. the two display tables      {tables_ms:9.2f} ms   target ≤ 30 ms: "
          f"{'OK' if tables_ms <= 30 else 'MISSED'}")
    print(f"  suggest   SLSQP, analytic gradient ({n} platforms)     {sug_ms:9.2f} ms   target ≤ 300 ms: "
          f"{'OK' if sug_ms <= 300 else 'MISSED'}  (gain {sug.gain_pct:+.2%})")
    print(f"  baseline  SLSQP, finite differences (unoptimised)     {nograd_ms:9.2f} ms   gradient speed-up "
          f"{nograd_ms / sug_ms:.1f}×  (same optimum: {abs(nograd.value - sug.value) / sug.value:.1e} apart)")
    print(f"  suggest   revenue objective                           {rev_ms:9.2f} ms")


if __name__ == "__main__":
    main()
