"""The Overview's numbers: KPIs with their comparison, funnel and bottleneck, weekly trend, platform table,
"what changed" sentences, empty states and missing exchange rates. The page and `smm kpis` both call these.

Every value comes from `smm.metrics.compute` (ratios from sums in SQL); this module only compares values
and writes them into words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from smm import fmt, i18n, palette, periods, queries
from smm.metrics import REGISTRY, Metric, Settings, compute, compute_periods, formula_text
from smm.schema import SUMMARY_BATCHES

# The ten tiles of the review meeting, in reading order.
TILES: tuple[str, ...] = ("spend", "revenue", "roas", "roi", "conversions", "cpa", "exposure", "er", "ctr", "follows")
# Columns of the platform table (same registry metrics as the tiles, plus the other ad efficiency ratios).
TABLE_METRICS: tuple[str, ...] = ("spend", "revenue", "roas", "roi", "conversions", "cpa", "exposure", "er", "ctr",
                                  "cvr", "cpm", "cpc", "follows")
# Funnel: exposure → interactions / clicks → conversions → revenue; each rate is a registry metric.
FUNNEL_STAGES: tuple[str, ...] = ("exposure", "interactions", "clicks", "conversions", "revenue")
FUNNEL_RATES: tuple[tuple[str, str, str], ...] = (
    ("er", "exposure", "interactions"), ("ctr", "exposure", "clicks"), ("cvr", "clicks", "conversions"),
    ("revenue_per_conversion", "conversions", "revenue"))
# A stage is a bottleneck when its rate fell at least this much, or sits this far under the all-platform rate.
BOTTLENECK_FALL = -0.10
BOTTLENECK_GAP = -0.15
# "What changed": candidate metrics, how far a value must move to be mentioned, noise floors.
VOLUME_MOVERS: tuple[str, ...] = ("spend", "revenue", "conversions", "exposure", "follows")
EFFICIENCY_MOVERS: tuple[str, ...] = ("roas", "cpa", "ctr", "cvr", "er")
MIN_MOVE = 0.05
FLAT = 0.05
MIN_COUNT = {"conversions": 30, "follows": 30, "exposure": 10_000}
# How much a movement of each metric matters in a review meeting (money and returns first).
IMPORTANCE = {"spend": 1.0, "revenue": 1.0, "roas": 1.0, "cpa": 1.0, "conversions": 0.9, "ctr": 0.7, "cvr": 0.7,
              "exposure": 0.6, "er": 0.5, "follows": 0.4}


def _num(v: object) -> float | None:
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def delta_pct(cur: float | None, prev: float | None) -> float | None:
    """Relative change against the comparison value; None when either is undefined or the previous is 0."""
    return fmt.delta_pct(_num(cur), _num(prev))


def resolve_period(con: duckdb.DuckDBPyConnection, f: queries.Filters) -> queries.Filters:
    """Fill a missing date range with the default: the last complete week of the data that holds any."""
    if f.start and f.end:
        return f
    start, end = queries.default_week(con)
    return f.shifted(f.start or start, f.end or (f.start if f.start and not f.end else end))


# ---------------------------------------------------------------- KPIs


@dataclass
class Kpis:
    """Every registry metric for a period and its comparison period."""

    filters: queries.Filters
    settings: Settings
    compare: str
    previous_period: tuple[dt.date, dt.date] | None
    current: pd.DataFrame
    previous: pd.DataFrame | None
    metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)
    platforms: PlatformView | None = None

    @property
    def start(self) -> dt.date | None:
        return self.filters.start

    @property
    def end(self) -> dt.date | None:
        return self.filters.end

    @property
    def currency(self) -> str:
        return self.filters.currency

    @property
    def rows(self) -> int:
        return int(_num(self.current["n_rows"].iloc[0]) or 0) if "n_rows" in self.current else 0

    @property
    def previous_rows(self) -> int:
        if self.previous is None or "n_rows" not in self.previous:
            return 0
        return int(_num(self.previous["n_rows"].iloc[0]) or 0)

    def value(self, metric_id: str) -> float | None:
        return self.metrics[metric_id]["value"]

    def as_json(self) -> dict:
        """The `smm kpis --json` object."""
        pp = self.previous_period
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "currency": self.currency,
            "compare": self.compare,
            "previous_start": pp[0].isoformat() if pp else None,
            "previous_end": pp[1].isoformat() if pp else None,
            "settings": {"er_base": self.settings.er_base, "cvr_base": self.settings.cvr_base,
                         "roi_basis": self.settings.roi_basis},
            "metrics": self.metrics,
        }


def _records(df: pd.DataFrame | None) -> list[dict]:
    return [] if df is None else df.to_dict("records")


def _metric_values(cur: dict | None, prev: dict | None) -> dict[str, dict[str, float | None]]:
    """value / previous / delta_pct of every registry metric from two compute() rows (as dicts)."""
    cur, prev = cur or {}, prev or {}
    out = {}
    for mid in REGISTRY:
        v, pv = _num(cur.get(mid)), _num(prev.get(mid))
        out[mid] = {"value": v, "previous": pv, "delta_pct": delta_pct(v, pv)}
    return out


def kpis(con: duckdb.DuckDBPyConnection, filters: queries.Filters, settings: Settings | None = None,
         compare: str = "previous") -> Kpis:
    """Every registry metric: value, comparison-period value and relative change (None when undefined).

    One query gives both periods, per platform and in total (the platform table and funnel use the same
    result, so the tiles and the table always add up).
    """
    s = settings or Settings()
    f = resolve_period(con, filters)
    pp = periods.compare_period(f.start, f.end, compare)
    res = compute_periods(con, f, [(f.start, f.end)] + ([pp] if pp else []), s, by=("platform",), with_total=True)
    (cur_p, cur), (prev_p, prev) = res[0], (res[1] if pp else (None, None))
    k = Kpis(f, s, compare, pp, cur, prev, _metric_values(_records(cur)[0], (_records(prev) or [None])[0]))
    k.platforms = PlatformView(cur_p, prev_p)
    return k


# ---------------------------------------------------------------- per platform


@dataclass
class PlatformView:
    """compute() by platform for the period and the comparison period, aligned by platform."""

    current: pd.DataFrame
    previous: pd.DataFrame | None
    _by: dict[str, dict] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        prev = {r["platform"]: r for r in _records(self.previous)}
        for r in _records(self.current):
            if isinstance(r["platform"], str):
                self._by[r["platform"]] = _metric_values(r, prev.get(r["platform"]))

    def platforms(self) -> list[str]:
        return list(self._by)

    def metrics(self, platform: str) -> dict[str, dict[str, float | None]]:
        return self._by[platform]


def by_platform(con: duckdb.DuckDBPyConnection, k: Kpis) -> PlatformView:
    """Every registry metric per platform, for the period and its comparison period (computed by kpis())."""
    if k.platforms is None:
        k.platforms = kpis(con, k.filters, k.settings, k.compare).platforms
    return k.platforms


def platform_table(pv: PlatformView, lang: str) -> pd.DataFrame:
    """One row per platform (spend first): the table metrics, their change in % and the share of spend.

    Values stay numeric so the table sorts by value; `fmt` formats them for display.
    """
    rows = []
    total_spend = sum(_num(v) or 0 for v in pv.current["spend"]) if "spend" in pv.current else 0
    for p in pv.platforms():
        m = pv.metrics(p)
        row: dict[str, object] = {"platform": p, "platform_label": i18n.platform_label(p, lang)}
        for mid in TABLE_METRICS:
            row[mid] = m[mid]["value"]
        sp = m["spend"]["value"]
        row["spend_share"] = sp / total_spend if total_spend and sp is not None else None
        for mid in ("spend", "roas", "cpa", "conversions"):
            row[f"{mid}_delta"] = m[mid]["delta_pct"]
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values("spend", ascending=False, na_position="last").reset_index(drop=True)


# ---------------------------------------------------------------- funnel


@dataclass
class FunnelStage:
    rate: str               # registry id of the stage rate
    source: str             # stage the rate starts from
    target: str             # stage the rate leads to
    value: float | None
    previous: float | None
    overall: float | None   # the same rate over all platforms shown

    @property
    def change(self) -> float | None:
        return delta_pct(self.value, self.previous)

    @property
    def gap(self) -> float | None:
        """How far the rate sits from the all-platform rate (relative)."""
        return delta_pct(self.value, self.overall)


@dataclass
class FunnelRow:
    platform: str | None    # None = all platforms
    counts: dict[str, float | None]
    stages: list[FunnelStage]
    bottleneck: FunnelStage | None
    reason: str | None      # "fell" | "below_all" | None


def _bottleneck(stages: list[FunnelStage], all_platforms: bool) -> tuple[FunnelStage | None, str | None]:
    fell = [s for s in stages if s.change is not None and s.change <= BOTTLENECK_FALL]
    if fell:
        return min(fell, key=lambda s: s.change), "fell"
    if all_platforms:
        return None, None
    below = [s for s in stages if s.gap is not None and s.gap <= BOTTLENECK_GAP]
    if below:
        return min(below, key=lambda s: s.gap), "below_all"
    return None, None


def funnel(k: Kpis, pv: PlatformView) -> list[FunnelRow]:
    """The funnel for all platforms and per platform, with stage rates and the bottleneck stage.

    The bottleneck is the stage whose rate fell most against the comparison period (at least 10 %);
    failing that, for a platform, the stage furthest below the all-platform rate (at least 15 % below).
    """
    rows = []
    overall = k.metrics
    scopes: list[tuple[str | None, dict]] = [(None, overall)] + [(p, pv.metrics(p)) for p in pv.platforms()]
    for p, m in scopes:
        counts = {st: m[st]["value"] for st in FUNNEL_STAGES}
        stages = [FunnelStage(r, a, b, m[r]["value"], m[r]["previous"], overall[r]["value"])
                  for r, a, b in FUNNEL_RATES]
        if all(v is None for v in counts.values()):
            continue
        bn, why = _bottleneck(stages, p is None)
        rows.append(FunnelRow(p, counts, stages, bn, why))
    return rows


def funnel_frame(rows: list[FunnelRow], lang: str) -> pd.DataFrame:
    """Long table for the funnel chart: one row per platform × stage with its count and entry rate."""
    out = []
    for r in rows:
        if r.platform is None:
            continue
        rates = {s.target: s for s in r.stages}
        for i, st in enumerate(FUNNEL_STAGES):
            s = rates.get(st)
            out.append({"platform": r.platform, "platform_label": i18n.platform_label(r.platform, lang),
                        "stage": st, "stage_order": i, "stage_label": stage_label(st, lang),
                        "value": r.counts[st], "rate_id": s.rate if s else None,
                        "rate": s.value if s else None,
                        "bottleneck": bool(r.bottleneck is not None and s is r.bottleneck)})
    return pd.DataFrame(out)


def label(m: Metric, lang: str) -> str:
    """The metric's name; in Chinese led by the acronym people say in meetings (CPA 转化成本)."""
    if lang == "zh" and m.en.isupper():
        return f"{m.en} {m.zh}"
    return m.name(lang)


def _inline(m: Metric, lang: str) -> str:
    """The label inside a Chinese sentence: a space after a Latin acronym, none after Chinese."""
    if lang == "zh":
        return f"{m.en} " if m.en.isupper() else m.zh
    text = m.en
    return text if text.isupper() else text[0].lower() + text[1:]


def stage_label(stage: str, lang: str) -> str:
    return REGISTRY[stage].name(lang)


def bottleneck_sentence(r: FunnelRow, k: Kpis, lang: str) -> str:
    """Name the bottleneck stage in words, with its numbers."""
    who = i18n.platform_label(r.platform, lang) if r.platform else i18n.t("overview.all_platforms", lang)
    if r.bottleneck is None:
        key = "overview.bottleneck.none_all" if r.platform is None else "overview.bottleneck.none"
        if r.platform is None and not k.previous_rows:       # no comparison period, or nothing loaded in it
            key = "overview.bottleneck.no_compare"
        return i18n.t(key, lang, who=who)
    s = r.bottleneck
    m = REGISTRY[s.rate]
    stage = f"{stage_label(s.source, lang)} → {stage_label(s.target, lang)}"
    val = fmt.by_unit(s.value, m.unit, k.currency, lang)
    if r.reason == "fell":
        return i18n.t("overview.bottleneck.fell", lang, who=who, stage=stage, rate=_inline(m, lang),
                      pct=_pct_abs(s.change), prev=fmt.by_unit(s.previous, m.unit, k.currency, lang), value=val)
    return i18n.t("overview.bottleneck.below", lang, who=who, stage=stage, rate=_inline(m, lang), value=val,
                  pct=_pct_abs(s.gap), overall=fmt.by_unit(s.overall, m.unit, k.currency, lang))


def bottleneck_lines(rows: list[FunnelRow], k: Kpis, lang: str) -> list[str]:
    """One sentence for all platforms and per platform with a bottleneck; the others named in one line."""
    out = [bottleneck_sentence(r, k, lang) for r in rows if r.platform is None or r.bottleneck is not None]
    calm = [i18n.platform_label(r.platform, lang) for r in rows if r.platform and r.bottleneck is None]
    if calm:
        out.append(i18n.t("overview.bottleneck.others", lang, platforms=i18n.listing(calm, lang)))
    return out


def _pct_abs(x: float | None) -> str:
    return fmt.DASH if x is None else f"{abs(x) * 100:.1f}%"


# ---------------------------------------------------------------- trend


def trend_window(k: Kpis, weeks: int = 12) -> tuple[dt.date, dt.date]:
    """Monday `weeks - 1` weeks before the period's last week (or the period's own start, if earlier) … end."""
    end_monday = k.end - dt.timedelta(days=k.end.weekday())
    start = min(end_monday - dt.timedelta(weeks=weeks - 1), k.start - dt.timedelta(days=k.start.weekday()))
    return start, k.end


def weekly_trend(con: duckdb.DuckDBPyConnection, k: Kpis, weeks: int = 12) -> pd.DataFrame:
    """Every registry metric per Monday-week up to the period end; flags weeks in the period and partial weeks."""
    lo, hi = trend_window(k, weeks)
    df = compute(con, k.filters.shifted(lo, hi), k.settings, by=("week",))
    if df.empty:
        return df
    dlo, dhi = queries.data_range(con)
    wk = pd.to_datetime(df["week"]).dt.date
    df["in_period"] = [(w + dt.timedelta(days=6)) >= k.start and w <= k.end for w in wk]
    df["partial"] = [(dlo is not None and w < dlo) or (dhi is not None and w + dt.timedelta(days=6) > dhi)
                     or w + dt.timedelta(days=6) > hi for w in wk]
    return df


# ---------------------------------------------------------------- what changed


@dataclass
class Change:
    platform: str | None
    metric: str
    value: float | None
    previous: float | None
    delta: float
    score: float
    good: bool | None       # by the metric's direction; None for neutral metrics (spend)
    text: str = ""


def _weight(m: dict, total: dict) -> float:
    shares = []
    for base in ("spend", "exposure", "revenue"):
        t = total[base]["value"]
        v = m[base]["value"]
        if t and v and t > 0:
            shares.append(v / t)
    return max(shares) if shares else 0.0


def _candidates(scope: str | None, m: dict, weight: float) -> list[Change]:
    """This scope's movements worth a sentence, best first."""
    out = []
    for mid in (*VOLUME_MOVERS, *EFFICIENCY_MOVERS):
        v, p, d = m[mid]["value"], m[mid]["previous"], m[mid]["delta_pct"]
        if d is None or abs(d) < MIN_MOVE or d <= -1:
            continue
        floor = MIN_COUNT.get(mid)
        if floor and max(abs(v or 0), abs(p or 0)) < floor:
            continue
        # A ratio over a handful of conversions is noise, not news.
        if mid in ("cpa", "cvr") and max(m["conversions"]["value"] or 0, m["conversions"]["previous"] or 0) < 30:
            continue
        score = abs(math.log1p(d)) * math.sqrt(weight) * IMPORTANCE[mid]
        direction = REGISTRY[mid].direction
        good = None if direction == 0 else (d > 0) == (direction > 0)
        out.append(Change(scope, mid, v, p, d, score, good))
    return sorted(out, key=lambda c: c.score, reverse=True)


def what_changed(k: Kpis, pv: PlatformView, lang: str, limit: int = 5) -> list[Change]:
    """The largest movements since the comparison period, as sentences with numbers (at most `limit`).

    A movement is a change of at least 5 % in spend, revenue, conversions, exposure, follows, ROAS, CPA, CTR,
    CVR or ER, for all platforms or one platform. Score = |log change| × √(the platform's share of spend,
    exposure or revenue) × the metric's importance, so a big swing on a tiny platform or in a minor count
    does not crowd out a real shift. The best movement of each scope is taken first (one sentence per
    platform); the next ones fill up to three sentences when fewer scopes moved.
    """
    if k.previous is None:
        return []
    scopes = [_candidates(None, k.metrics, 1.0)]
    for p in pv.platforms():
        m = pv.metrics(p)
        scopes.append(_candidates(p, m, _weight(m, k.metrics)))
    firsts = sorted((c[0] for c in scopes if c), key=lambda c: c.score, reverse=True)
    picked = firsts[:limit]
    if len(picked) < 3:
        rest = sorted((x for c in scopes for x in c[1:]), key=lambda c: c.score, reverse=True)
        picked += rest[:3 - len(picked)]
    for c in picked:
        m = k.metrics if c.platform is None else pv.metrics(c.platform)
        c.text = change_sentence(c, m, k.currency, lang)
    return picked


def change_sentence(c: Change, m: dict, currency: str, lang: str) -> str:
    """E.g. "小红书 CPA 上升 35.0%，至 ¥126.95（花费基本持平，+1.0%）"."""
    metric = REGISTRY[c.metric]
    who = i18n.platform_label(c.platform, lang) if c.platform else i18n.t("overview.all_platforms", lang)
    verb = i18n.t("overview.rose" if c.delta > 0 else "overview.fell", lang)
    text = i18n.t("overview.change", lang, who=who, metric=_inline(metric, lang), verb=verb,
                  pct=f"{abs(c.delta) * 100:.1f}%", value=fmt.by_unit(c.value, metric.unit, currency, lang),
                  prev=fmt.by_unit(c.previous, metric.unit, currency, lang))
    if c.metric != "spend":
        sd = m["spend"]["delta_pct"]
        if sd is not None:
            if abs(sd) < FLAT:
                text += i18n.t("overview.ctx.spend_flat", lang, pct=_signed(sd))
            else:
                text += i18n.t("overview.ctx.spend_moved", lang, pct=_signed(sd))
    return text + i18n.t("overview.end", lang)


def _signed(x: float) -> str:
    return f"{x * 100:+.1f}%"


# ---------------------------------------------------------------- empty states and warnings


@dataclass
class EmptyState:
    kind: str               # no_data | no_rows | no_rows_in_dates
    message: str


def empty_state(con: duckdb.DuckDBPyConnection, k: Kpis, lang: str) -> EmptyState | None:
    """Say why nothing is shown and what to do; None when the period has data."""
    if not queries.has_live_data(con):
        return EmptyState("no_data", i18n.t("overview.empty", lang))
    if k.rows > 0:
        return None
    lo, hi = queries.data_range(con)
    dates_only = queries.Filters(k.start, k.end, currency=k.currency)
    n = compute(con, dates_only, k.settings)["n_rows"].iloc[0]
    rng = {"start": k.start, "end": k.end, "lo": lo or fmt.DASH, "hi": hi or fmt.DASH}
    if _num(n):
        return EmptyState("no_rows", i18n.t("overview.empty_filters", lang, **rng))
    return EmptyState("no_rows_in_dates", i18n.t("overview.empty_dates", lang, **rng))


def spend_without_conversions(pv: PlatformView, currency: str, lang: str) -> list[str]:
    """Warn about platforms that spent money but report no conversions (CPA and CVR are then "—")."""
    out = []
    for p in pv.platforms():
        m = pv.metrics(p)
        spend, conv = m["spend"]["value"], m["conversions"]["value"]
        if spend and spend > 0 and not conv:
            key = "overview.no_conversions" if conv is None else "overview.zero_conversions"
            out.append(i18n.t(key, lang, platform=i18n.platform_label(p, lang),
                              spend=fmt.money(spend, currency, lang)))
    return out


def missing_fx(con: duckdb.DuckDBPyConnection, f: queries.Filters) -> list[str]:
    """Currencies in the filtered facts or costs that have no exchange rate (their money is left out)."""
    w, p = queries.where(f)
    p["rc"] = f.currency
    # Costs carry no campaign or content type; the other conditions bind the same values under the same names.
    cw, cp = queries.where(queries.Filters(f.start, f.end, f.platforms, (), (), f.kols, f.currency))
    rows = con.execute(
        f"SELECT DISTINCT currency FROM (SELECT currency FROM fact_daily WHERE {w} AND (spend IS NOT NULL OR "
        f"revenue IS NOT NULL) UNION ALL SELECT currency FROM other_costs_active WHERE {cw} UNION ALL "
        "SELECT $rc) WHERE currency NOT IN (SELECT currency FROM fx_rates) ORDER BY 1", {**p, **cp}).fetchall()
    return [r[0] for r in rows]


# ---------------------------------------------------------------- tiles


@dataclass
class Tile:
    metric: Metric
    label: str
    value: str
    delta: str | None
    delta_color: str        # "normal" | "inverse" | "off" (st.metric): coloured by direction, not by sign
    help: str
    spark: list[float] = field(default_factory=list)
    spark_kind: str = "line"  # "bar" for totals (spend, revenue …), "line" for ratios
    arrow: str = "auto"       # st.metric's delta_arrow: "off" for a change that is not a number ("—")


def delta_text(m: Metric, d: dict, lang: str) -> str | None:
    """'+12.3%' for amounts and multiples; percentage points for ratios (CTR 2.0% → 2.5%: +0.50 pp)."""
    v, p, rel = d["value"], d["previous"], d["delta_pct"]
    if m.unit == "ratio":
        if v is None or p is None:
            return None
        return f"{(v - p) * 100:+.2f} pp"
    return None if rel is None else f"{rel * 100:+.1f}%"


def tile_help(m: Metric, k: Kpis, lang: str) -> str:
    """The tooltip: formula with the setting in force, what it means, and the comparison value."""
    d = k.metrics[m.id]
    lines = [f"**{label(m, lang)}** = {formula_text(m, k.settings, lang)}", m.explain(lang)]
    if k.previous_period:
        a, b = k.previous_period
        change = fmt.DASH if d["delta_pct"] is None else f"{d['delta_pct'] * 100:+.1f}%"
        lines.append(i18n.t("overview.tile_prev", lang, start=a, end=b, change=change,
                            value=fmt.by_unit(d["previous"], m.unit, k.currency, lang)))
    if m.direction:
        lines.append(i18n.t("overview.tile_better_up" if m.direction > 0 else "overview.tile_better_down", lang))
    return "\n\n".join(lines)


_LONG_MANTISSA = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{4,})\.\d(?=[万亿KMB])")


def tile_value(v: float | None, m: Metric, currency: str, lang: str) -> str:
    """The tile's big number: as fmt writes it, without the decimal once the mantissa
    reaches thousands (2,047万 rather than 2,047.3万), so it fits a tile on a projector."""
    return _LONG_MANTISSA.sub(r"\1", fmt.by_unit(v, m.unit, currency, lang))


def tiles(k: Kpis, lang: str, trend: pd.DataFrame | None = None) -> list[Tile]:
    """The KPI tiles with formatted value, delta, colour rule, tooltip and a weekly sparkline."""
    out = []
    for mid in TILES:
        m = REGISTRY[mid]
        d = k.metrics[mid]
        spark: list[float] = []
        if trend is not None and not trend.empty and mid in trend:
            spark = [float(x) for x in trend[mid].tolist() if _num(x) is not None]
            if len(spark) < 2:      # one week is no trend (Streamlit would draw it as two bars at the edges)
                spark = []
        out.append(Tile(m, label(m, lang), tile_value(d["value"], m, k.currency, lang),
                        delta_text(m, d, lang) if k.previous_period else None, m.delta_color,
                        tile_help(m, k, lang), spark, "bar" if m.den is None else "line"))
    # Beside tiles that show a change, one whose change cannot be computed (no value in one of the two periods)
    # says so with a grey "—": a tile with no change at all stood its number out of line with its neighbours'.
    if any(t.delta for t in out):
        for t in out:
            if not t.delta:
                t.delta, t.delta_color, t.arrow = fmt.DASH, "off", "off"
    return out


def period_caption(k: Kpis, lang: str) -> str:
    """'2026-11-16 – 2026-11-22 · vs 2026-11-09 – 2026-11-15 (previous period) · CNY'."""
    text = i18n.t("overview.period", lang, start=k.start, end=k.end, currency=k.currency)
    if k.previous_period:
        a, b = k.previous_period
        text += i18n.t("overview.period_vs", lang, start=a, end=b, mode=i18n.t(f"compare.{k.compare}", lang))
    return text


def settings_caption(s: Settings, lang: str) -> str:
    """The definitions in force, stated on screen next to the numbers."""
    return i18n.t("overview.settings", lang, er=i18n.field_label(s.er_base, lang),
                  cvr=i18n.field_label(s.cvr_base, lang), roi=i18n.t(f"setting.roi_basis.{s.roi_basis}", lang))


def roi_note(k: Kpis, lang: str) -> str | None:
    """Explain why ROI shows "—" on the full-cost basis when campaign or content-type filters are set."""
    if k.settings.roi_basis == "full" and (k.filters.campaigns or k.filters.content_types):
        return i18n.t("overview.roi_undefined", lang)
    return None


def partial_summaries(con: duckdb.DuckDBPyConnection, f: queries.Filters, lang: str) -> str | None:
    """A report summed over a period (no date column: Google Ads without Day, a 千川 report by plan; SUMMARY_BATCHES)
    is counted whole on the period's last day. Where the range holds that day but starts after the period does, the range counts days
    it does not show: the files and their periods are named."""
    if not f.start:
        return None
    # (most stores hold none: one look at the load history, not at every row, on each click)
    ids = [b for (b,) in con.execute(SUMMARY_BATCHES).fetchall()]
    if not ids:
        return None
    w, p = queries.where(f, "x")
    rows = con.execute(
        f"SELECT b.file_name, min(x.period_start), max(x.period_end) FROM fact_active x JOIN load_batches b "  # noqa: S608
        f"USING (batch_id) WHERE list_contains($ids, x.batch_id) AND {w} AND x.period_start < $start "
        "GROUP BY b.file_name ORDER BY 1", {**p, "ids": ids}).fetchall()
    if not rows:
        return None
    sep = "；" if lang == "zh" else "; "
    return i18n.t("overview.partial_summary", lang, reports=sep.join(
        i18n.t("overview.partial_summary.one", lang, file=name, start=a, end=b) for name, a, b in rows))


# ---------------------------------------------------------------- the whole page


@dataclass
class View:
    """Everything the Overview shows for one set of filters, settings, comparison mode and language."""

    kpis: Kpis
    empty: EmptyState | None
    platforms: PlatformView | None = None
    tiles: list[Tile] = field(default_factory=list)
    trend: pd.DataFrame | None = None
    funnel: list[FunnelRow] = field(default_factory=list)
    bottlenecks: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    table: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    missing_fx: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    caption: str = ""
    changes_none: str = ""      # what "What changed" says when it lists no change


def build_view(con: duckdb.DuckDBPyConnection, filters: queries.Filters, settings: Settings | None = None,
               compare: str = "previous", lang: str = "zh") -> View:
    """Run every Overview query for one filter change and put the results into words and tables."""
    k = kpis(con, filters, settings, compare)
    v = View(k, empty_state(con, k, lang))
    v.caption = period_caption(k, lang) + "\n\n" + settings_caption(k.settings, lang)
    v.missing_fx = missing_fx(con, k.filters)
    if v.empty is not None:
        return v
    v.platforms = by_platform(con, k)
    v.trend = weekly_trend(con, k)
    v.tiles = tiles(k, lang, v.trend)
    v.funnel = funnel(k, v.platforms)
    v.bottlenecks = bottleneck_lines(v.funnel, k, lang)
    v.changes = what_changed(k, v.platforms, lang)
    v.table = platform_table(v.platforms, lang)
    v.warnings = spend_without_conversions(v.platforms, k.currency, lang)
    v.changes_none = i18n.t("overview.what_changed_none", lang)
    if not k.previous_period:
        v.changes_none = i18n.t("overview.what_changed_off", lang)
    elif k.previous_rows == 0:
        a, b = k.previous_period
        v.notes.append(i18n.t("overview.no_compare_data", lang, start=a, end=b))
        v.changes_none = v.notes[-1]
    for note in (roi_note(k, lang), partial_summaries(con, k.filters, lang)):
        if note:
            v.notes.append(note)
    return v


# ---------------------------------------------------------------- platform table for display

_DELTA_METRICS = ("spend", "roas", "cpa", "conversions")
# Presentation mode: the columns a room reads from afar.
PRESENT_COLUMNS = ("spend", "spend_delta", "revenue", "roas", "roas_delta", "roi", "conversions", "cpa",
                   "cpa_delta", "ctr")


def short_label(m: Metric, lang: str) -> str:
    """A column header: the acronym where there is one (ROAS, CPA), else the name."""
    return m.en if m.en.isupper() else m.name(lang)


def table_columns(lang: str, present: bool = False) -> dict[str, str]:
    """Display headers of the platform table, in order."""
    cols = {"platform_label": i18n.field_label("platform", lang)}
    for mid in TABLE_METRICS:
        cols[mid] = short_label(REGISTRY[mid], lang)
        if mid in _DELTA_METRICS:
            cols[f"{mid}_delta"] = i18n.t("overview.delta_of", lang, metric=short_label(REGISTRY[mid], lang))
        if mid == "spend":
            cols["spend_share"] = i18n.t("overview.spend_share", lang)
    if present:
        cols = {k: v for k, v in cols.items() if k == "platform_label" or k in PRESENT_COLUMNS}
    return cols


def table_display(table: pd.DataFrame, lang: str, present: bool = False) -> pd.DataFrame:
    """The platform table with translated headers (values stay numbers, so it sorts by value)."""
    cols = table_columns(lang, present)
    return table[list(cols)].rename(columns=cols)


def table_styler(table: pd.DataFrame, currency: str, lang: str, present: bool = False):
    """Format the display table per language (¥1.2万 / ¥12.0K, %, ×); changes green when better, red when worse."""
    cols = table_columns(lang, present)
    df = table_display(table, lang, present)
    formats = {}
    colors = {}
    for key, head in cols.items():
        if key == "platform_label":
            continue
        if key == "spend_share":
            formats[head] = lambda x: fmt.pct(x, 1)
        elif key.endswith("_delta"):
            m = REGISTRY[key[:-6]]
            formats[head] = lambda x: fmt.DASH if _num(x) is None else f"{x * 100:+.1f}%"
            colors[head] = m.direction
        else:
            m = REGISTRY[key]
            formats[head] = (lambda u: lambda x: fmt.by_unit(_num(x), u, currency, lang))(m.unit)

    def tone(direction: int):
        def f(x: object) -> str:
            v = _num(x)
            if v is None or direction == 0 or abs(v) < 0.005:
                return ""
            return f"color: {palette.GOOD if (v > 0) == (direction > 0) else palette.BAD}; font-weight: 600"
        return f

    sty = df.style.format(formats, na_rep=fmt.DASH)
    for head, direction in colors.items():
        sty = sty.map(tone(direction), subset=[head])
    return sty


def table_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The platform table as CSV (raw numbers, translated headers) for the meeting notes."""
    from smm.export import to_csv_bytes

    return to_csv_bytes(table_display(table, lang))
