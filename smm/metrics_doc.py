"""docs/metrics.md, generated from the metric registry (`python -m smm.metrics_doc` rewrites it).

tests/test_metric_docs.py fails when the file differs from what the registry says, so a metric cannot be
added, renamed or redefined without its documentation following.
"""

from __future__ import annotations

import sys
from pathlib import Path

from smm.metrics import CVR_BASES, ER_BASES, REGISTRY, ROI_BASES, Metric, Settings, formula_text

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"

_UNIT = {"money": "money (reporting currency)", "count": "count", "ratio": "ratio (shown as %)",
         "multiple": "multiple (shown as ×)"}
_DIRECTION = {1: "higher is better (a rise shows green)", -1: "lower is better (a fall shows green)",
              0: "neutral (deltas are grey)"}
_SETTING_VALUES = {"er_base": ER_BASES, "cvr_base": CVR_BASES, "roi_basis": ROI_BASES}

INTRO = """# Metrics

Every number smm shows is defined once, in the registry `smm/metrics.py` (`REGISTRY`). Pages, tooltips,
the `smm kpis` command and this file read it. This file is generated from the registry
(`python -m smm.metrics_doc`); a test fails when they disagree or when a registered metric has no entry here
or no given/expect test.

## How a number is computed

- **Sums first, ratios from sums, in SQL.** `smm.metrics.compute()` sums canonical fields over the filtered
  rows in DuckDB and divides the sums. A per-row ratio (an imported `CTR` column) is never averaged.
- **Rows that report both.** A ratio marked *paired* sums its numerator and its denominator over only the rows
  that report both: CTR ignores rows with impressions but no clicks column, CPA ignores spend on rows from
  exports that carry no conversions. ROAS and ROI are not paired: they divide total revenue by total spend
  (cost).
- **Division by zero is undefined**, never `inf` or an error: the value is `NULL` in SQL, `null` in
  `smm kpis --json`, and "—" on screen.
- **Money** is converted to the reporting currency (sidebar, default CNY) with `fx_rates`. A currency without a
  rate is not summed silently: its money is left out of every money sum and ratio (its counts still count) and
  the Overview and `smm kpis` name it in a warning.
- **Comparison.** The previous period has the same length and ends the day before the period starts; "same
  period last year" shifts both dates back one year (29 February → 28 February). `delta_pct` =
  (value − previous) ÷ |previous|, undefined when either is undefined or previous is 0. Tiles show ratio
  changes in percentage points (CTR 2.0% → 2.5% is +0.50 pp) and give the relative change in the tooltip.
- **Speed.** Queries whose filters and grouping use only date, platform, campaign, content type and KOL read
  the daily rollups `fact_daily` / `fact_daily_platform` (migration 002), maintained inside every load and
  delete transaction. They hold, besides plain sums, the paired numerator and denominator sums, so a ratio
  from the rollup equals the ratio from the base rows (a test compares both paths under every setting). A paired
  sum is written `sum(CASE WHEN den IS NOT NULL THEN num END)` (migration 009; DuckDB runs it faster than the same
  rule as `FILTER (WHERE num IS NOT NULL AND den IS NOT NULL)`, which the rollup checks use, as a second form).

## Settings (stated on screen next to the numbers)

| setting | values | default | changes |
|---|---|---|---|
| `er_base` | {er} | impressions | ER = interactions ÷ base. With `followers`: interactions on KOL content ÷ the followers of those KOLs (latest KOL-roster figure up to the period end) |
| `cvr_base` | {cvr} | clicks | CVR = conversions ÷ base (TikTok also reports conversions ÷ impressions) |
| `roi_basis` | {roi} | full | ROI cost: `full` = paid spend + KOL fees + content production + staff + other costs (`other_costs`, category `paid_ads` excluded to avoid counting ads twice); `paid` = paid spend only. On the full basis ROI is undefined while campaigns or content types are filtered: those costs are not booked per campaign |

## The Overview's derived rules

- **Funnel**: exposure → interactions / clicks → conversions → revenue; the stage rates are the registry's
  ER, CTR, CVR and revenue per conversion. The **bottleneck** of a platform is the stage whose rate fell most
  against the comparison period (a fall of at least 10 %); failing that, the stage furthest below the
  all-platform rate (at least 15 % below). It is named in words with both numbers.
- **What changed**: movements of at least 5 % in spend, revenue, conversions, exposure, follows, ROAS, CPA, CTR,
  CVR or ER, overall or per platform, ranked by |log(1 + change)| × √(the platform's share of spend, exposure
  or revenue) × the metric's weight (money and returns 1.0, conversions 0.9, CTR/CVR 0.7, exposure 0.6, ER 0.5,
  follows 0.4); at most one sentence per platform first, 3–5 sentences in all. CPA and CVR need at least 30
  conversions, follows and conversions at least 30, exposure at least 10,000 in one of the two periods.

## Registry
"""


def _formulas(m: Metric, lang: str) -> list[str]:
    if m.setting is None:
        return [formula_text(m, Settings(), lang)]
    return [formula_text(m, Settings(**{m.setting: v}), lang) for v in _SETTING_VALUES[m.setting]]


def entry(m: Metric) -> str:
    """The documentation entry of one metric."""
    setting = f"`{m.setting}` ({', '.join(_SETTING_VALUES[m.setting])})" if m.setting else "none"
    if m.den is None:
        kind = "total (a sum)"
    elif m.paired:
        kind = "ratio over rows that report both numerator and denominator"
    else:
        kind = "ratio of totals"
    lines = [
        f"### `{m.id}` — {m.zh} / {m.en}",
        "",
        "| | |",
        "|---|---|",
        f"| formula (en) | {' · '.join(_formulas(m, 'en'))} |",
        f"| formula (zh) | {' · '.join(_formulas(m, 'zh'))} |",
        f"| kind | {kind}{f'; × {m.scale:g}' if m.scale != 1 else ''}"
        f"{'; undefined when the denominator ≤ 0' if m.positive_den else ''} |",
        f"| unit | {_UNIT[m.unit]} |",
        f"| direction | {_DIRECTION[m.direction]} |",
        f"| settings | {setting} |",
        f"| explanation (en) | {m.explain_en} |",
        f"| explanation (zh) | {m.explain_zh} |",
        "",
    ]
    return "\n".join(lines)


def markdown() -> str:
    """The whole docs/metrics.md."""
    intro = INTRO.replace("{er}", ", ".join(ER_BASES)).replace("{cvr}", ", ".join(CVR_BASES)).replace(
        "{roi}", ", ".join(ROI_BASES))
    return intro + "\n" + "\n".join(entry(m) for m in REGISTRY.values())


def main() -> int:
    DOC_PATH.write_text(markdown(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
