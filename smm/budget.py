"""Budget burn: plan vs actual per platform × category, pacing, run-rate projection, alerts, plan versions.

Grain of the pacing result: one row per (platform, category) in a window (normally one plan period).
Rules its numbers obey, all computed in SQL:
  planned        = Σ plan rows × (days of the row inside the window ÷ days of the row)  (pro rata)
  actual         = paid spend (fact, spend_rc) for paid_ads, or other_costs amount_rc for kol / content /
                   staff / other, dated inside [window start, min(window end, as-of)]
  pct_used       = actual ÷ planned                       (NULL when planned = 0)
  pct_elapsed    = days elapsed ÷ days in the window       (days up to and including the as-of date)
  expected_now   = the plan spread over its own days, summed up to the as-of date (linear within each
                   plan row, so a plan written as weekly rows keeps its own shape)
  pace           = actual ÷ expected_now
  run_rate_daily = actual ÷ days elapsed
  projected      = actual + run_rate_daily × days remaining
  crossed_on     = first day whose cumulative actual exceeds planned
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from smm import fmt, i18n, ingest
from smm.schema import BUDGET_CATEGORIES, PLATFORMS

STATUSES = ("overspent", "at_risk", "underspending", "on_track", "early", "not_started")
SETTINGS_KEY = "budget"
PLAN_COLUMNS = ("period_start", "period_end", "platform", "category", "planned", "currency")


@dataclass(frozen=True)
class BudgetSettings:
    """Thresholds for the pacing status and the what-if fits (stored in the `settings` table)."""

    at_risk_tolerance: float = 0.05      # at risk: projected > planned × (1 + tolerance)
    underspend_below: float = 0.80       # underspending: projected < planned × this share
    min_elapsed: float = 0.20            # projections are judged only after this share of the period
    min_weeks: int = 8                   # what-if: fewer complete weeks → linear rate at historical CPA
    min_spend_cv: float = 0.10           # what-if: weekly spend varying less (coefficient of variation) → linear
    # Categories booked as lump sums (a monthly invoice): not projected at a daily run rate, judged on what is
    # booked (overspent), and as underspending only once the period is over.
    lump_sum: tuple[str, ...] = ("content", "staff", "other")

    def __post_init__(self) -> None:
        object.__setattr__(self, "lump_sum", tuple(c for c in BUDGET_CATEGORIES if c in set(self.lump_sum)))
        if not (0 <= self.at_risk_tolerance <= 1 and 0 <= self.underspend_below <= 1
                and 0 <= self.min_elapsed <= 1 and self.min_weeks >= 2 and self.min_spend_cv >= 0):
            raise ValueError(f"invalid budget settings: {self}")


def load_settings(con: duckdb.DuckDBPyConnection) -> BudgetSettings:
    """The stored budget settings, defaults for anything missing or invalid."""
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [SETTINGS_KEY]).fetchall()
    if not rows:
        return BudgetSettings()
    try:
        raw = json.loads(rows[0][0])
        known = {k: v for k, v in raw.items() if k in BudgetSettings.__dataclass_fields__}
        if "lump_sum" in known:
            known["lump_sum"] = tuple(known["lump_sum"])
        return BudgetSettings(**known)
    except (ValueError, TypeError):
        return BudgetSettings()


def save_settings(con: duckdb.DuckDBPyConnection, s: BudgetSettings) -> None:
    con.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, current_timestamp) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [SETTINGS_KEY, json.dumps(asdict(s))])


# ---------------------------------------------------------------- periods and dates

def last_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last date with platform data (the default as-of date for pacing)."""
    d = con.execute("SELECT max(date) FROM fact_active").fetchall()[0][0]
    if d is None:
        d = con.execute("SELECT max(date) FROM other_costs_active").fetchall()[0][0]
    return d


def plan_periods(con: duckdb.DuckDBPyConnection, currency: str = "CNY") -> pd.DataFrame:
    """One row per distinct plan period with its number of lines and planned total (reporting currency)."""
    return con.execute(
        "SELECT period_start, period_end, count(*) AS lines, sum(planned_rc) AS planned "
        "FROM budget_plan_rc($rc) WHERE planned <> 0 GROUP BY ALL ORDER BY period_start, period_end",
        {"rc": currency}).df()


def default_period(periods: pd.DataFrame, as_of: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The plan period containing the as-of date; else the last one started before it; else the first."""
    if periods.empty:
        return None
    rows = [(r.period_start.date(), r.period_end.date()) for r in periods.itertuples()]
    if as_of is None:
        return rows[-1]
    inside = [r for r in rows if r[0] <= as_of <= r[1]]
    if inside:
        return max(inside)
    before = [r for r in rows if r[0] <= as_of]
    return max(before) if before else rows[0]


CUSTOM = "custom"


def period_key(period: tuple[dt.date, dt.date] | None) -> str:
    """The selectbox value of a plan period ('start|end'), or the custom window when there is none."""
    return f"{period[0].isoformat()}|{period[1].isoformat()}" if period else CUSTOM


def period_choices(periods: pd.DataFrame) -> list[str]:
    """Every plan period, then the custom window."""
    return [period_key((r.period_start.date(), r.period_end.date())) for r in periods.itertuples()] + [CUSTOM]


def parse_period(key: str) -> tuple[dt.date, dt.date]:
    a, b = key.split("|")
    return dt.date.fromisoformat(a), dt.date.fromisoformat(b)


def window_days(ws: dt.date, we: dt.date) -> int:
    return (we - ws).days + 1


def period_label(key: str, lang: str) -> str:
    if key == CUSTOM:
        return i18n.t("budget.period.custom", lang)
    ws, we = parse_period(key)
    return i18n.t("budget.period.option", lang, start=ws, end=we, days=window_days(ws, we))


# ---------------------------------------------------------------- pacing SQL

_CHAIN = """
WITH win AS (SELECT $ws::DATE AS ws, $we::DATE AS we, $asof::DATE AS cutoff),
days AS (SELECT CAST(unnest(generate_series(ws, we, INTERVAL 1 DAY)) AS DATE) AS d FROM win),
plan_rows AS (
    SELECT platform, category, period_start, period_end, planned_rc,
           datediff('day', period_start, period_end) + 1 AS row_days
    FROM budget_plan_rc($rc), win
    WHERE period_end >= ws AND period_start <= we AND NOT fx_missing AND {pf}
),
plan_daily AS (
    SELECT platform, category, d, sum(planned_rc / row_days) AS plan_amt
    FROM plan_rows JOIN days ON d BETWEEN period_start AND period_end
    GROUP BY ALL
),
paid AS (
    SELECT platform, 'paid_ads' AS category, date AS d, sum(spend_rc) AS amt
    FROM fact_rc($rc), win
    WHERE date BETWEEN ws AND least(we, cutoff) AND spend_rc IS NOT NULL AND NOT fx_missing AND {pf}
    GROUP BY ALL
),
costs AS (
    SELECT platform, category, date AS d, sum(amount_rc) AS amt
    FROM other_costs_rc($rc), win
    WHERE date BETWEEN ws AND least(we, cutoff) AND category IN ('kol', 'content', 'staff', 'other')
      AND NOT fx_missing AND {pf}
    GROUP BY ALL
),
actual_daily AS (SELECT * FROM paid UNION ALL SELECT * FROM costs),
lines AS (SELECT DISTINCT platform, category FROM plan_daily
          UNION SELECT DISTINCT platform, category FROM actual_daily),
grid AS (
    SELECT l.platform, l.category, days.d, coalesce(p.plan_amt, 0) AS plan_amt,
           coalesce(a.amt, 0) AS actual_amt, days.d <= win.cutoff AS to_date
    FROM lines l CROSS JOIN days CROSS JOIN win
    LEFT JOIN plan_daily p ON p.platform = l.platform AND p.category = l.category AND p.d = days.d
    LEFT JOIN actual_daily a ON a.platform = l.platform AND a.category = l.category AND a.d = days.d
),
cum AS (
    SELECT *, sum(plan_amt) OVER w AS cum_plan, sum(actual_amt) OVER w AS cum_actual,
           sum(plan_amt) OVER (PARTITION BY platform, category) AS line_planned
    FROM grid WINDOW w AS (PARTITION BY platform, category ORDER BY d)
),
line AS (
    SELECT platform, category,
           round(sum(plan_amt), 2) AS planned,
           round(sum(actual_amt), 2) AS actual,
           coalesce(round(sum(plan_amt) FILTER (WHERE to_date), 2), 0) AS expected_now,
           count(*) AS days_total,
           count(*) FILTER (WHERE to_date) AS days_elapsed,
           min(d) FILTER (WHERE to_date AND round(cum_actual, 2) > round(line_planned, 2)) AS crossed_on
    FROM cum GROUP BY platform, category
),
calc AS (
    SELECT *, actual / nullif(planned, 0) AS pct_used,
           days_elapsed / days_total AS pct_elapsed,
           actual / nullif(expected_now, 0) AS pace,
           CASE WHEN days_elapsed > 0 THEN actual / days_elapsed END AS run_rate_daily
    FROM line
),
proj AS (
    SELECT *, list_contains($lump, category) AS lump_sum,
           CASE WHEN list_contains($lump, category) AND days_elapsed > 0 THEN actual
                ELSE actual + run_rate_daily * (days_total - days_elapsed) END AS projected
    FROM calc
),
final AS (
    SELECT *, projected / nullif(planned, 0) AS projected_pct,
           projected - planned AS projected_over,
           CASE WHEN crossed_on IS NULL AND run_rate_daily > 0 AND projected > planned
                THEN CAST($asof::DATE + CAST(floor((planned - actual) / run_rate_daily) AS INTEGER) + 1 AS DATE)
           END AS projected_crossing,
           CASE WHEN actual > planned THEN 'overspent'
                WHEN days_elapsed = 0 THEN 'not_started'
                WHEN lump_sum AND days_elapsed < days_total THEN 'on_track'
                WHEN pct_elapsed < $min_elapsed THEN 'early'
                WHEN projected > planned * (1 + $tol) THEN 'at_risk'
                WHEN planned > 0 AND projected < planned * $under THEN 'underspending'
                ELSE 'on_track' END AS status
    FROM proj
)
"""

_STATUS_RANK = "list_position(['overspent', 'at_risk', 'underspending', 'on_track', 'early', 'not_started'], status)"


def _params(ws: dt.date, we: dt.date, as_of: dt.date, currency: str, s: BudgetSettings,
            platforms: tuple[str, ...]) -> tuple[str, dict]:
    if we < ws:
        raise ValueError("window end before start")
    p = {"ws": ws, "we": we, "asof": as_of, "rc": currency, "tol": s.at_risk_tolerance,
         "under": s.underspend_below, "min_elapsed": s.min_elapsed, "lump": list(s.lump_sum) or [""]}
    pf = "true"
    if platforms:
        pf = "list_contains($platforms, platform)"
        p["platforms"] = list(platforms)
    return _CHAIN.format(pf=pf), p


def pacing(con: duckdb.DuckDBPyConnection, ws: dt.date, we: dt.date, as_of: dt.date, currency: str = "CNY",
           s: BudgetSettings | None = None, platforms: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per platform × category with plan, actual to date, pace, projection and status (worst first)."""
    chain, p = _params(ws, we, as_of, currency, s or BudgetSettings(), platforms)
    return con.execute(
        chain + f"SELECT * EXCLUDE (line_rank) FROM (SELECT *, {_STATUS_RANK} AS line_rank FROM final "
        "WHERE planned <> 0 OR actual <> 0) ORDER BY line_rank, projected_pct DESC NULLS LAST, platform, category",
        p).df()


def pacing_totals(con: duckdb.DuckDBPyConnection, ws: dt.date, we: dt.date, as_of: dt.date,
                  currency: str = "CNY", s: BudgetSettings | None = None,
                  platforms: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> dict:
    """Window totals (optionally for some categories): planned (and its average a day), actual, used, elapsed,
    projected, counts."""
    chain, p = _params(ws, we, as_of, currency, s or BudgetSettings(), platforms)
    cond = "true"
    if categories:
        cond = "list_contains($cats, category)"
        p["cats"] = list(categories)
    df = con.execute(
        chain + "SELECT sum(planned) AS planned, sum(actual) AS actual, sum(expected_now) AS expected_now, "
        "sum(coalesce(projected, actual)) AS projected, max(days_total) AS days_total, "
        "sum(planned) / max(days_total) AS planned_daily, "
        "max(days_elapsed) AS days_elapsed, "
        "sum(actual) / nullif(sum(planned), 0) AS pct_used, "
        "max(days_elapsed) / max(days_total) AS pct_elapsed, "
        "sum(actual) / nullif(sum(expected_now), 0) AS pace, "
        "sum(coalesce(projected, actual)) / nullif(sum(planned), 0) AS projected_pct, "
        "sum(coalesce(projected, actual)) - sum(planned) AS projected_over, "
        "count(*) FILTER (WHERE status = 'overspent') AS n_overspent, "
        "count(*) FILTER (WHERE status = 'at_risk') AS n_at_risk, "
        "count(*) FILTER (WHERE status = 'underspending') AS n_underspending "
        f"FROM final WHERE (planned <> 0 OR actual <> 0) AND {cond}", p).df()
    row = df.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def burn_series(con: duckdb.DuckDBPyConnection, ws: dt.date, we: dt.date, as_of: dt.date, currency: str = "CNY",
                s: BudgetSettings | None = None, platforms: tuple[str, ...] = (),
                categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per line per day: cumulative plan, cumulative actual (to the as-of date) and the projection."""
    chain, p = _params(ws, we, as_of, currency, s or BudgetSettings(), platforms)
    cond = "true"
    if categories:
        cond = "list_contains($cats, c.category)"
        p["cats"] = list(categories)
    return con.execute(
        chain + "SELECT c.platform, c.category, c.d AS date, c.cum_plan, "
        "CASE WHEN c.to_date THEN c.cum_actual END AS cum_actual, "
        "CASE WHEN c.d >= $asof::DATE AND f.run_rate_daily IS NOT NULL "
        "     THEN f.actual + CASE WHEN f.lump_sum THEN 0 ELSE f.run_rate_daily * datediff('day', $asof::DATE, c.d) "
        "     END END AS projected, "
        "f.planned, f.status, f.crossed_on, f.projected_crossing "
        "FROM cum c JOIN final f ON f.platform = c.platform AND f.category = c.category "
        f"WHERE (f.planned <> 0 OR f.actual <> 0) AND {cond} ORDER BY c.platform, c.category, c.d", p).df()


def missing_fx(con: duckdb.DuckDBPyConnection, currency: str) -> list[str]:
    """Currencies in plans, costs or paid spend without an exchange rate (left out of the sums)."""
    rows = con.execute(
        "SELECT currency FROM budget_plan_rc($rc) WHERE fx_missing "
        "UNION SELECT currency FROM other_costs_rc($rc) WHERE fx_missing "
        "UNION SELECT currency FROM fact_rc($rc) WHERE fx_missing AND spend IS NOT NULL ORDER BY 1",
        {"rc": currency}).fetchall()
    return [r[0] for r in rows]


def alerts(pace: pd.DataFrame) -> pd.DataFrame:
    """The lines that are overspent or projected to overspend, worst first (a view of pacing())."""
    if pace.empty:
        return pace
    return pace[pace["status"].isin(["overspent", "at_risk"])].reset_index(drop=True)


# ---------------------------------------------------------------- display (strings for people)

def _d(x) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NaT:
        return fmt.DASH
    try:
        if pd.isna(x):
            return fmt.DASH
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(x).date().isoformat()


def category_list(categories: tuple[str, ...], lang: str) -> str:
    if not categories:
        return i18n.t("budget.none", lang)
    return i18n.listing((i18n.t("budget.cat." + c, lang) for c in categories), lang)


def line_label(platform: str, category: str, lang: str) -> str:
    return f"{i18n.platform_label(platform, lang)} · {i18n.t('budget.cat.' + category, lang)}"


def alert_text(row, lang: str, currency: str, as_of: dt.date) -> str:
    """One alert sentence: which line, by how much, and the date of crossing (actual or projected)."""
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    label = line_label(row.platform, row.category, lang)
    if row.status == "overspent":
        if row.planned == 0:
            return i18n.t("budget.alert.unplanned", lang, line=label, actual=m(row.actual), date=_d(row.crossed_on))
        return i18n.t("budget.alert.overspent", lang, line=label, over=m(row.actual - row.planned),
                      pct=fmt.pct(row.pct_used, 1), planned=m(row.planned), date=_d(row.crossed_on),
                      projected=m(row.projected), ppct=fmt.pct(row.projected_pct, 0), asof=as_of.isoformat())
    return i18n.t("budget.alert.at_risk", lang, line=label, pct=fmt.pct(row.pct_used, 1),
                  elapsed=fmt.pct(row.pct_elapsed, 0), projected=m(row.projected),
                  ppct=fmt.pct(row.projected_pct, 0), over=m(row.projected_over), date=_d(row.projected_crossing),
                  rate=m(row.run_rate_daily))


# Text and background per status (readable on a projector; emoji fonts are not everywhere).
STATUS_STYLE = {"overspent": ("#a40e26", "#ffebe9"), "at_risk": ("#7d4e00", "#fff1c2"),
                "underspending": ("#0550ae", "#ddf4ff"), "on_track": ("#116329", "#dafbe1"),
                "early": ("#57606a", "#f6f8fa"), "not_started": ("#57606a", "#f6f8fa")}


def status_label(status: str, lang: str) -> str:
    return i18n.t("budget.status." + status, lang)


def pacing_display(pace: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """The pacing table with formatted numbers and translated headers (display only)."""
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    rows = []
    for r in pace.itertuples():
        rows.append({
            "platform": i18n.platform_label(r.platform, lang),
            "category": i18n.t("budget.cat." + r.category, lang),
            "planned": m(r.planned), "actual": m(r.actual), "pct_used": fmt.pct(r.pct_used, 1),
            "pct_elapsed": fmt.pct(r.pct_elapsed, 0), "pace": fmt.pct(r.pace, 0),
            "projected": m(r.projected), "projected_pct": fmt.pct(r.projected_pct, 0),
            "projected_over": ("+" if (r.projected_over or 0) > 0 else "") + m(r.projected_over),
            "status": status_label(r.status, lang),
            "crossing": _d(r.crossed_on) if not pd.isna(r.crossed_on) else (
                "≈ " + _d(r.projected_crossing) if not pd.isna(r.projected_crossing) else fmt.DASH),
        })
    # The verdict next to what it is about: on a projector the last columns of twelve lie beyond the edge.
    cols = ["platform", "category", "status", "crossing", "planned", "actual", "pct_used", "pct_elapsed", "pace",
            "projected", "projected_pct", "projected_over"]
    out = pd.DataFrame(rows, columns=cols)
    return out.rename(columns={c: i18n.t("budget.col." + c, lang) for c in cols})


# Presenting, the pacing table shows the columns the room decides on: what each line is, its verdict and date, the
# plan against what is spent, and where the period is headed. Elapsed (the same on every line, and a tile above),
# pace (spent ÷ expected by now) and the projection's share of the plan are left to the full table and the exports:
# with them, the twelve columns ran 174 px (zh) and 338 px (en) past the right edge of a 1280 px projector.
ROOM_PACING = ("platform", "category", "status", "crossing", "planned", "actual", "pct_used", "projected",
               "projected_over")


def pacing_room_order(lang: str) -> list[str]:
    """The headers of ROOM_PACING as pacing_display writes them (st.dataframe's column_order)."""
    return [i18n.t("budget.col." + c, lang) for c in ROOM_PACING]


def pacing_styler(display: pd.DataFrame, pace: pd.DataFrame, lang: str, *, bold: bool = True):
    """The display table with its status cells coloured by status (and bold: not when presenting).

    Streamlit draws a bold cell at a font size of its own ("600 0.875rem"), not the grid's: in a presented
    grid, which PRESENT_CSS may zoom, the status cells then came out at 26.5 px among 19 px cells, or at 14 px.
    """
    col = i18n.t("budget.col.status", lang)
    styles = [STATUS_STYLE.get(s, ("", "")) for s in pace["status"]]
    weight = "; font-weight: 600" if bold else ""

    def paint(column: pd.Series) -> list[str]:
        return [f"color: {fg}; background-color: {bg}{weight}" for fg, bg in styles]

    return display.style.apply(paint, subset=[col])


# ---------------------------------------------------------------- plan: rows, edits, versions

def plan_rows(con: duckdb.DuckDBPyConnection, ws: dt.date | None = None, we: dt.date | None = None) -> pd.DataFrame:
    """Active plan rows (original currency) overlapping the window, zero rows (deleted lines) left out."""
    cond, p = ["planned <> 0"], {}
    if ws is not None:
        cond.append("period_end >= $ws")
        p["ws"] = ws
    if we is not None:
        cond.append("period_start <= $we")
        p["we"] = we
    df = con.execute(
        "SELECT period_start, period_end, platform, category, planned, currency FROM budget_plan_active "
        f"WHERE {' AND '.join(cond)} ORDER BY period_start, period_end, platform, "
        "list_position(['paid_ads', 'kol', 'content', 'staff', 'other'], category)", p).df()
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c]).dt.date
    return df


@dataclass
class PlanEdit:
    """What saving the editor did: the load report (None when nothing changed) or why it refused."""

    changed: int = 0
    removed: int = 0
    report: ingest.LoadReport | None = None
    problem: str | None = None          # i18n key
    problem_rows: list[int] | None = None


def _key(r) -> tuple:
    return (str(r["period_start"]), str(r["period_end"]), str(r["platform"]), str(r["category"]))


def _clean_editor(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reindex(columns=list(PLAN_COLUMNS)).copy()
    out = out.dropna(how="all").reset_index(drop=True)
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c], errors="coerce").dt.date
    out["planned"] = pd.to_numeric(out["planned"], errors="coerce")
    for c in ("platform", "category", "currency"):
        out[c] = out[c].astype("string").str.strip()
    return out


def plan_edit_csv(before: pd.DataFrame, after: pd.DataFrame, stamp: str) -> tuple[bytes | None, PlanEdit]:
    """The CSV (our budget_plan template) holding only what changed; a removed line is written with 0."""
    res = PlanEdit()
    b = _clean_editor(before)
    a = _clean_editor(after)
    bad = [i for i, r in a.iterrows() if r.isna().any() or r["period_end"] < r["period_start"] or r["planned"] < 0
           or r["platform"] not in PLATFORMS or r["category"] not in BUDGET_CATEGORIES]
    if bad:
        res.problem, res.problem_rows = "budget.plan.invalid_rows", [i + 1 for i in bad]
        return None, res
    keys = [_key(r) for _, r in a.iterrows()]
    dups = [i + 1 for i, k in enumerate(keys) if keys.count(k) > 1]
    if dups:
        res.problem, res.problem_rows = "budget.plan.duplicate_rows", dups
        return None, res
    old = {_key(r): r for _, r in b.iterrows()}
    out = []
    for _, r in a.iterrows():
        o = old.get(_key(r))
        if o is None or float(o["planned"]) != float(r["planned"]) or o["currency"] != r["currency"]:
            out.append(r)
    res.changed = len(out)
    new_keys = set(keys)
    for k, r in old.items():
        if k not in new_keys:
            z = r.copy()
            z["planned"] = 0.0
            out.append(z)
            res.removed += 1
    if not out:
        return None, res
    frame = pd.DataFrame(out, columns=list(PLAN_COLUMNS))
    frame["period_start"] = [d.isoformat() for d in frame["period_start"]]
    frame["period_end"] = [d.isoformat() for d in frame["period_end"]]
    # A column the profile ignores makes every edit a distinct file: ingest skips bytes it already holds.
    frame["edited_at"] = stamp
    bio = io.StringIO()
    frame.to_csv(bio, index=False)
    return bio.getvalue().encode("utf-8"), res


def save_plan_edits(con: duckdb.DuckDBPyConnection, before: pd.DataFrame, after: pd.DataFrame,
                    now: dt.datetime | None = None, lang: str = "en") -> PlanEdit:
    """Store the editor's changes as a new plan version (a load batch through the normal ingest path).

    `lang`: the language of the report's rejected-rows CSV."""
    now = now or dt.datetime.now()
    stamp = now.isoformat(timespec="microseconds")
    data, res = plan_edit_csv(before, after, stamp)
    if data is None:
        return res
    name = f"plan_edit_{now:%Y%m%d_%H%M%S}.csv"
    res.report = ingest.ingest_bytes(con, data, name, ingest.LoadOptions(profile_id="budget_plan", lang=lang))
    return res


def upload_plan(con: duckdb.DuckDBPyConnection, data: bytes, filename: str, lang: str = "en") -> ingest.LoadReport:
    """Load an uploaded plan file (CSV/XLSX in our template, English or Chinese headers) as a new version.

    `lang`: the language of the report's rejected-rows CSV."""
    return ingest.ingest_bytes(con, data, filename, ingest.LoadOptions(profile_id="budget_plan", lang=lang))


def plan_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every plan upload or edit (newest first) with how many lines it set and how many it replaced."""
    return con.execute(
        "SELECT b.batch_id, b.file_name, b.loaded_at, b.rows_loaded, b.date_min, b.date_max, b.status, "
        "(SELECT count(*) FROM budget_plan p WHERE p.superseded_by = b.batch_id) AS rows_replaced, "
        "(SELECT count(*) FROM budget_plan p WHERE p.batch_id = b.batch_id AND p.superseded_by IS NULL) "
        "AS rows_active "
        "FROM load_batches b WHERE b.kind = 'budget_plan' ORDER BY b.batch_id DESC").df()


def versions_display(v: pd.DataFrame, lang: str, when: Callable[[object], str] = fmt.local_time) -> pd.DataFrame:
    """`when`: a load time as the viewer reads it (ui.when, on the browser's clock)."""
    out = pd.DataFrame({
        "batch_id": v["batch_id"], "file_name": v["file_name"],
        "loaded_at": [when(pd.Timestamp(x)) for x in v["loaded_at"]],
        "period": [f"{_d(a)} – {_d(b)}" for a, b in zip(v["date_min"], v["date_max"], strict=True)],
        "rows_loaded": v["rows_loaded"], "rows_replaced": v["rows_replaced"], "rows_active": v["rows_active"],
        "status": [i18n.t("budget.version." + ("active" if s == "loaded" else "deleted"), lang) for s in v["status"]],
    })
    return out.rename(columns={c: i18n.t("budget.vcol." + c, lang) for c in out.columns})


def restore_before(con: duckdb.DuckDBPyConnection, batch_id: int) -> bool:
    """Undo one plan version: delete its batch, so the lines it replaced are active again."""
    row = con.execute("SELECT kind, status FROM load_batches WHERE batch_id = ?", [batch_id]).fetchall()
    if not row or row[0][0] != "budget_plan" or row[0][1] != "loaded":
        return False
    return ingest.delete_batch(con, batch_id)


def pacing_export(pace: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The pacing table for the review report: raw numbers (rounded), labelled columns."""
    out = pd.DataFrame({
        "platform": [i18n.platform_label(p, lang) for p in pace["platform"]],
        "category": [i18n.t("budget.cat." + x, lang) for x in pace["category"]],
        "planned": pace["planned"].round(2), "actual": pace["actual"].round(2),
        "pct_used": pace["pct_used"].round(4), "pct_elapsed": pace["pct_elapsed"].round(4),
        "pace": pace["pace"].round(4), "projected": pace["projected"].round(2),
        "projected_pct": pace["projected_pct"].round(4), "projected_over": pace["projected_over"].round(2),
        "status": [i18n.t("budget.status." + s, lang) for s in pace["status"]],
        "crossing": [_d(a) if not pd.isna(a) else _d(b) for a, b in
                     zip(pace["crossed_on"], pace["projected_crossing"], strict=True)],
    })
    return out.rename(columns={c: i18n.t("budget.col." + c, lang) for c in out.columns})


def window_bounds(periods: pd.DataFrame, fallback: dt.date) -> tuple[dt.date, dt.date]:
    """The span of every plan period (the default custom window)."""
    if periods.empty:
        return fallback, fallback
    return periods["period_start"].min().date(), periods["period_end"].max().date()


def categories_present(pace: pd.DataFrame) -> list[str]:
    """Budget categories that have a line in the pacing result, in the canonical order."""
    have = set(pace["category"]) if not pace.empty else set()
    return [c for c in BUDGET_CATEGORIES if c in have]


def line_order(pace: pd.DataFrame) -> list[tuple[str, str]]:
    """(platform, category) in the pacing order (worst status first), for facet order."""
    return list(zip(pace["platform"], pace["category"], strict=True))


def live_versions(versions: pd.DataFrame, when: Callable[[object], str] = fmt.local_time) -> dict[int, str]:
    """Plan versions that can be undone (still loaded): id → label (`when`: as in versions_display)."""
    live = versions[versions["status"] == "loaded"]
    return {int(r.batch_id): f"#{r.batch_id} · {r.file_name} · {when(pd.Timestamp(r.loaded_at))}"
            for r in live.itertuples()}


def currencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Currencies with an exchange rate (the plan editor's choices)."""
    return [r[0] for r in con.execute("SELECT currency FROM fx_rates ORDER BY 1").fetchall()]
