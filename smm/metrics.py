"""The metric registry: every number the product shows is defined here once, computed from sums in SQL."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from smm import rollups
from smm.queries import Filters, where
from smm.schema import CVR_BASES, ER_BASES, ROI_BASES, quote_ident

# Base sums available to formulas. Money is already in the reporting currency.
BASE_SUMS = ("spend", "revenue", "impressions", "reach", "views", "clicks", "likes", "comments", "shares",
             "saves", "follows", "conversions", "orders", "exposure", "interactions")
COST_SUMS = ("cost_kol", "cost_content", "cost_staff", "cost_other")


@dataclass(frozen=True)
class Settings:
    """Definitions users disagree on; always stated on screen next to the numbers."""

    er_base: str = "impressions"
    cvr_base: str = "clicks"
    roi_basis: str = "full"

    def __post_init__(self) -> None:
        if self.er_base not in ER_BASES or self.cvr_base not in CVR_BASES or self.roi_basis not in ROI_BASES:
            raise ValueError(f"invalid metric settings: {self}")


@dataclass(frozen=True)
class Metric:
    id: str
    zh: str
    en: str
    unit: str                 # money | count | ratio | multiple
    direction: int            # +1 higher is better, -1 lower is better, 0 neutral
    formula_zh: str
    formula_en: str
    explain_zh: str
    explain_en: str
    num: str | None = None    # numerator sum (ratios) or the sum itself (totals)
    den: str | None = None    # denominator sum; None = a plain total
    scale: float = 1.0
    paired: bool = True       # ratio over rows that report both numerator and denominator
    setting: str | None = None  # which Settings field changes it
    positive_den: bool = False  # undefined unless the denominator is > 0 (net follows can be negative)

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def formula(self, lang: str) -> str:
        return self.formula_en if lang == "en" else self.formula_zh

    def explain(self, lang: str) -> str:
        return self.explain_en if lang == "en" else self.explain_zh

    @property
    def delta_color(self) -> str:
        """st.metric's delta_color, green meaning better: "normal" when higher is better, "inverse" when lower is
        better, "off" if neutral."""
        return {1: "normal", -1: "inverse"}.get(self.direction, "off")


def _total(mid: str, zh: str, en: str, unit: str, direction: int, ezh: str, een: str, src: str | None = None,
           fzh: str | None = None, fen: str | None = None) -> Metric:
    return Metric(mid, zh, en, unit, direction, fzh or f"Σ {zh}", fen or f"Σ {en.lower()}", ezh, een, num=src or mid)


_METRICS: tuple[Metric, ...] = (
    _total("spend", "花费", "Spend", "money", 0, "付费投放花费（报表币种）。", "Paid media spend in the reporting currency."),
    _total("revenue", "成交金额", "Revenue", "money", 1, "平台回传的成交/转化金额（GMV）。",
           "Conversion value / GMV reported by the platforms."),
    _total("conversions", "转化", "Conversions", "count", 1, "平台回传的转化数。", "Conversions reported by the platforms."),
    _total("orders", "订单", "Orders", "count", 1, "成交订单数。", "Orders placed."),
    _total("exposure", "曝光", "Exposure", "count", 1, "展示数；平台没有展示数时用播放/阅读数，再没有则用触达。",
           "Impressions; views or reads where a platform has no impressions, else reach.",
           fzh="Σ 每行（展示，无则播放/阅读，再无则触达）", fen="Σ per row (impressions, else views, else reach)"),
    _total("impressions", "展示", "Impressions", "count", 1, "展示次数。", "Impressions."),
    _total("reach", "触达", "Reach", "count", 1, "触达人数（各行相加，未去重）。", "Reach (summed across rows, not de-duplicated)."),
    _total("views", "播放/阅读", "Views", "count", 1, "播放量/阅读量。", "Video views / reads."),
    _total("clicks", "点击", "Clicks", "count", 1, "点击数。", "Clicks."),
    _total("interactions", "互动量", "Interactions", "count", 1, "点赞 + 评论 + 分享 + 收藏。",
           "Likes + comments + shares + saves.", fzh="Σ (点赞 + 评论 + 分享 + 收藏)",
           fen="Σ (likes + comments + shares + saves)"),
    _total("follows", "涨粉", "Follows", "count", 1, "新增关注（净值，可能为负）。", "New followers (net; may be negative)."),
    Metric("er", "互动率", "ER", "ratio", 1, "互动量 ÷ {base}", "interactions ÷ {base}",
           "只计同时有互动和基数的行。基数是设置项；按粉丝数时＝达人内容的互动量 ÷ 这些达人的粉丝数（达人名单中"
           "截至期末最新的粉丝数）。", "Over rows that report both; the base is a setting. With the followers base: "
           "interactions on KOL content ÷ those KOLs' followers (latest roster figure up to the period end).",
           num="interactions", den="{er_base}", setting="er_base"),
    Metric("ctr", "点击率", "CTR", "ratio", 1, "点击 ÷ 展示", "clicks ÷ impressions",
           "只计同时有点击和展示的行。", "Over rows that report both clicks and impressions.", num="clicks",
           den="impressions"),
    Metric("cvr", "转化率", "CVR", "ratio", 1, "转化 ÷ {base}", "conversions ÷ {base}",
           "基数是设置项（点击或展示）。", "The base is a setting (clicks or impressions).", num="conversions",
           den="{cvr_base}", setting="cvr_base"),
    Metric("cpm", "千次展示成本", "CPM", "money", -1, "花费 ÷ 展示 × 1000", "spend ÷ impressions × 1000",
           "只计有展示数的花费。", "Spend on rows that report impressions.", num="spend", den="impressions", scale=1000),
    Metric("cpc", "点击成本", "CPC", "money", -1, "花费 ÷ 点击", "spend ÷ clicks", "只计有点击数的花费。",
           "Spend on rows that report clicks.", num="spend", den="clicks"),
    Metric("cpe", "互动成本", "CPE", "money", -1, "花费 ÷ 互动量", "spend ÷ interactions",
           "只计有互动数据的花费；达人页用达人费用。", "Spend on rows that report interactions; the KOL page uses fees.",
           num="spend", den="interactions"),
    Metric("cpa", "转化成本", "CPA", "money", -1, "花费 ÷ 转化", "spend ÷ conversions", "只计有转化数据的花费。",
           "Spend on rows that report conversions.", num="spend", den="conversions"),
    Metric("roas", "广告支出回报率", "ROAS", "multiple", 1, "成交金额 ÷ 花费", "revenue ÷ spend",
           "总成交金额除以付费花费（不含达人、内容、人员成本）。", "Total revenue over paid spend (KOL, content and "
           "staff costs excluded).", num="revenue", den="spend", paired=False),
    Metric("roi", "投资回报率", "ROI", "ratio", 1, "(成交金额 − 总成本) ÷ 总成本", "(revenue − total cost) ÷ total cost",
           "总成本口径是设置项：仅付费花费，或全部成本（付费 + 达人 + 内容制作 + 人员 + 其他）。",
           "Cost basis is a setting: paid spend only, or full cost (paid + KOL + content + staff + other).",
           num="revenue_minus_cost", den="total_cost", paired=False, setting="roi_basis"),
    Metric("aov", "客单价", "AOV", "money", 1, "成交金额 ÷ 订单", "revenue ÷ orders", "只计有订单数的成交金额。",
           "Revenue on rows that report orders.", num="revenue", den="orders"),
    Metric("cost_per_follow", "涨粉成本", "Cost per follower", "money", -1, "花费 ÷ 涨粉", "spend ÷ follows",
           "只计有涨粉数据的花费；净涨粉 ≤ 0 时无定义。", "Spend on rows that report follows; undefined when net "
           "follows ≤ 0.", num="spend", den="follows", positive_den=True),
    Metric("revenue_per_conversion", "单次转化收入", "Revenue per conversion", "money", 1, "成交金额 ÷ 转化",
           "revenue ÷ conversions", "只计同时有成交金额和转化数的行；漏斗最后一环。",
           "Over rows that report both revenue and conversions; the last funnel stage.", num="revenue",
           den="conversions"),
    Metric("total_cost", "总成本", "Total cost", "money", 0, "付费花费 (+ 达人 + 内容 + 人员 + 其他)",
           "paid spend (+ KOL + content + staff + other)", "按 ROI 成本口径计算的总成本。",
           "Total cost under the ROI cost basis.", num="total_cost"),
)

REGISTRY: dict[str, Metric] = {m.id: m for m in _METRICS}


def get(metric_id: str) -> Metric:
    return REGISTRY[metric_id]


def base_label(base: str, lang: str) -> str:
    from smm.i18n import field_label

    return field_label(base, lang)


def formula_text(m: Metric, s: Settings, lang: str) -> str:
    """The formula of a metric with the setting in force, e.g. 'interactions ÷ impressions'."""
    base = {"er_base": s.er_base, "cvr_base": s.cvr_base}.get(m.setting or "", "")
    lbl = base_label(base, lang).lower() if lang == "en" else base_label(base, lang)
    text = m.formula(lang).replace("{base}", lbl) if base else m.formula(lang)
    if m.id in ("roi", "total_cost"):
        basis = {"full": ("全部成本", "full cost"), "paid": ("仅付费花费", "paid spend only")}[s.roi_basis]
        text += f" · {basis[1] if lang == 'en' else basis[0]}"
    return text


# ---------------------------------------------------------------- SQL

MONEY_SUMS = ("spend", "revenue")


def _den(m: Metric, s: Settings) -> str | None:
    if m.den is None:
        return None
    return m.den.format(er_base=s.er_base, cvr_base=s.cvr_base)


def _alias(name: str) -> str:
    """Quote a generated column alias (registry ids and their __num/__den parts only)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"bad alias {name!r}")
    return '"' + name + '"'


def _paired(s: Settings) -> list[tuple[Metric, str, str]]:
    """(metric, numerator, denominator) of every ratio summed over rows that report both, under `s`."""
    out = []
    for m in _METRICS:
        den = _den(m, s)
        if den is None or not m.paired or den == "followers":
            continue
        out.append((m, m.num, den))
    return out


def paired_sums(num: str, den: str) -> tuple[str, str]:
    """SQL sums of a ratio's numerator and denominator over the rows that report both (the rule for every ratio).

    A row whose value is NULL adds nothing to its sum, so only the other one is tested: a CASE costs DuckDB less
    than the same rule as `FILTER (WHERE num IS NOT NULL AND den IS NOT NULL)` (migration 009 writes the rollup so).
    """
    return f"sum(CASE WHEN {den} IS NOT NULL THEN {num} END)", f"sum(CASE WHEN {num} IS NOT NULL THEN {den} END)"


def _row_sums(s: Settings, src: str = "fact") -> list[tuple[str, str]]:
    """(alias, aggregate) pairs: plain totals, the row count and the paired numerator/denominator sums.

    `src` "fact" aggregates fact_rc rows (money already converted per row); "rollup" aggregates fact_daily
    rows, whose money is in the original currency and converted after summing (`fx`, NULL when a rate is
    missing, exactly like fact_rc's per-row conversion).
    """
    if src == "fact":
        row = {b: quote_ident(b) for b in BASE_SUMS}
        row["spend"], row["revenue"] = "spend_rc", "revenue_rc"
        out = [(b, f"sum({row[b]})") for b in BASE_SUMS] + [("n_rows", "count(*)")]
        for m, n, d in _paired(s):
            num, den = paired_sums(row[n], row[d])
            out += [(f"{m.id}__num", num), (f"{m.id}__den", den)]
        return out
    out = [(b, f"sum({b} * fx)" if b in MONEY_SUMS else f"sum({b})") for b in BASE_SUMS]
    out.append(("n_rows", "coalesce(sum(n_rows), 0)::BIGINT"))
    for m, n, d in _paired(s):
        pn, pd_ = rollups.pair_cols(n, d)
        cond = " FILTER (WHERE fx IS NOT NULL)" if n in MONEY_SUMS or d in MONEY_SUMS else ""
        out.append((f"{m.id}__num", f"sum({pn}{' * fx' if n in MONEY_SUMS else ''}){cond}"))
        out.append((f"{m.id}__den", f"sum({pd_}{' * fx' if d in MONEY_SUMS else ''}){cond}"))
    return out


def _metric_expr(m: Metric, s: Settings, followers_default: bool = False) -> str:
    den = _den(m, s)
    if den is None:
        src = m.num
        return quote_ident(src) if src in BASE_SUMS else src
    if den == "followers":
        if followers_default:
            return "er_f__num / nullif(er_f__den, 0)"
        return f"{m.num} / nullif(followers, 0)"
    if m.id == "roi":
        return "(revenue - total_cost) / nullif(total_cost, 0)"
    num, d = (m.num, den) if not m.paired else (f"{m.id}__num", f"{m.id}__den")
    if m.positive_den:
        return f"CASE WHEN {d} > 0 THEN {num} * {m.scale} / {d} END"
    return f"{num} * {m.scale} / nullif({d}, 0)"


GROUPABLE = ("platform", "week", "date", "campaign", "content_type", "kol", "content_id", "account", "ad_group")
ROLLUP_GROUPABLE = ("platform", "week", "date", "campaign", "content_type", "kol")
SOURCES = ("auto", "fact", "rollup")
# What "auto" means when the rollup can serve a query ("fact" forces the base rows: benchmarks, checks).
AUTO_SOURCE = "rollup"

_ROLLUP_FROM = ("(SELECT d.*, r.cny_per_unit / t.cny_per_unit AS fx FROM {table} d "
                "LEFT JOIN fx_rates r ON r.currency = d.currency LEFT JOIN fx_rates t ON t.currency = $rc)")
_FROM = {
    "fact": "fact_rc($rc)",
    "rollup": _ROLLUP_FROM.format(table="fact_daily"),
    # per (date, platform, currency): for groupings and filters that use nothing finer
    "rollup_platform": _ROLLUP_FROM.format(table="fact_daily_platform"),
}


def _key(b: str) -> str:
    return ("date_trunc('week', date)::DATE" if b == "week" else quote_ident(b)) + f" AS {quote_ident(b)}"


PERIOD = "_period"


def _qi(b: str) -> str:
    return PERIOD if b == PERIOD else quote_ident(b)


def _null_safe_join(kind: str, table: str, keys: list[str]) -> str:
    on = " AND ".join(f"fsum.{_qi(k)} IS NOT DISTINCT FROM {table}.{_qi(k)}" for k in keys)
    return f"{kind} {table} ON {on}"


def _pick_source(source: str, by: tuple[str, ...]) -> str:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    fits = all(b in ROLLUP_GROUPABLE for b in by)
    if source == "rollup" and not fits:
        raise ValueError(f"the rollup cannot group by {by!r}")
    return source if source != "auto" else (AUTO_SOURCE if fits else "fact")


def _periodised(src_sql: str, n: int) -> str:
    """Tag each row of a source with the index of the period its date falls in (NULL: none)."""
    cases = " ".join(f"WHEN date BETWEEN $ps{i} AND $pe{i} THEN {i}" for i in range(n))
    return f"(SELECT *, CASE {cases} END AS {PERIOD} FROM {src_sql} WHERE date BETWEEN $plo AND $phi)"


def compute(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
            by: tuple[str, ...] = (), *, followers_sql: str | None = None, source: str = "auto") -> pd.DataFrame:
    """Every registry metric for the filters, one row per group of `by` (one row overall when empty).

    Division by zero gives NULL (shown as "—"), never inf. Rows whose money cannot be converted (no rate)
    still count for their counts; their money is left out of every sum and ratio (see `missing_fx`).
    Costs outside paid ads (KOL fees, content, staff, other) come from other_costs in the same date window
    and platforms when `by` allows it. `source` "auto" reads the daily rollup whenever `by` allows it (same
    numbers, tested), "fact" forces the base rows. Adds `n_rows` (fact rows matched).
    """
    return _compute(con, f, s, tuple(by), followers_sql, source, None)[0]


def compute_periods(con: duckdb.DuckDBPyConnection, f: Filters, periods: list[tuple[dt.date, dt.date]],
                    s: Settings | None = None, by: tuple[str, ...] = (), *, source: str = "auto",
                    with_total: bool = False) -> list:
    """compute() for several date ranges at once (one query): one frame per period, in order.

    The dates of `f` are ignored. Equal to calling compute() with each period's dates (tested); overlapping
    periods, and ER on the followers base, fall back to one query per period. With `with_total` (and a
    non-empty `by`) each item is (groups, total): total is compute() without grouping, obtained in the same
    query by adding up the groups' sums (equal up to floating-point rounding, tested).
    """
    s = s or Settings()
    by = tuple(by)
    ordered = sorted(periods)
    overlap = any(a[1] >= b[0] for a, b in zip(ordered, ordered[1:], strict=False))
    if with_total and not by:
        raise ValueError("with_total needs a grouping")
    # A total from the groups needs the costs attributed to the groups (see _compute's cost_ok).
    costs_split = all(b in ("platform", "week", "date", "kol") for b in by)
    if overlap or s.er_base == "followers" or (with_total and not costs_split):
        out = []
        for a, b in periods:
            g = compute(con, f.shifted(a, b), s, by, source=source)
            out.append((g, compute(con, f.shifted(a, b), s, source=source)) if with_total else g)
        return out
    return _compute(con, f, s, by, None, source, list(periods), with_total)


def _compute(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None, by: tuple[str, ...],
             followers_sql: str | None, source: str, periods: list[tuple[dt.date, dt.date]] | None,
             with_total: bool = False) -> list:
    s = s or Settings()
    for b in by:
        if b not in GROUPABLE:
            raise ValueError(f"cannot group by {b!r}")
    src = _pick_source(source, by)
    coarse = src == "rollup" and not (f.campaigns or f.content_types or f.kols) and \
        all(b in ("platform", "week", "date") for b in by)
    table_src = _FROM["rollup_platform"] if coarse else _FROM[src]
    multi = periods is not None
    if multi:
        w, p = where(f, dates=False)
        p.update({"plo": min(a for a, _ in periods), "phi": max(b for _, b in periods)})
        for i, (a, b) in enumerate(periods):
            p[f"ps{i}"], p[f"pe{i}"] = a, b
        w += f" AND {PERIOD} IS NOT NULL"
        gby = (PERIOD, *by)
        fact_src = _periodised(table_src, len(periods))
        kol_src = _periodised(_FROM[src], len(periods))
    else:
        w, p = where(f)
        gby = by
        fact_src = table_src
        kol_src = _FROM[src]
    p["rc"] = f.currency
    keys = [PERIOD if b == PERIOD else _key(b) for b in gby]
    key_list = ", ".join(keys) + ", " if keys else ""
    sums = ", ".join(f"{agg} AS {_alias(alias)}" for alias, agg in _row_sums(s, src))
    group = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(gby)))) if gby else ""
    facts = f"SELECT {key_list}{sums} FROM {fact_src} WHERE {w} {group}"
    # Non-media costs (other_costs) carry date, platform and KOL only: they can be attributed when the
    # grouping and filters use nothing else; otherwise the full-cost basis is undefined (ROI shows "—").
    cost_dims = [b for b in gby if b in (PERIOD, "platform", "week", "date", "kol")]
    cost_ok = len(cost_dims) == len(gby) and not f.campaigns and not f.content_types
    if cost_ok:
        # Same parameter names and values as the fact conditions (costs have no campaign or content type).
        cf = Filters(None if multi else f.start, None if multi else f.end, f.platforms, (), (), f.kols, f.currency)
        cw, cp = where(cf)
        p.update(cp)
        cost_src = "other_costs_rc($rc)"
        if multi:
            cw += f" AND {PERIOD} IS NOT NULL"
            cost_src = _periodised(cost_src, len(periods))
        ckeys = [PERIOD if b == PERIOD else _key(b) for b in cost_dims]
        cgroup = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(cost_dims)))) if cost_dims else ""
        costs = (f"SELECT {', '.join(ckeys) + ', ' if ckeys else ''}"
                 "sum(amount_rc) FILTER (WHERE category = 'kol') AS cost_kol, "
                 "sum(amount_rc) FILTER (WHERE category = 'content') AS cost_content, "
                 "sum(amount_rc) FILTER (WHERE category = 'staff') AS cost_staff, "
                 "sum(amount_rc) FILTER (WHERE category NOT IN ('kol', 'content', 'staff', 'paid_ads')) AS cost_other "
                 f"FROM {cost_src} WHERE {cw} AND NOT fx_missing {cgroup}")
        join = _null_safe_join("FULL OUTER JOIN", "c", cost_dims) if gby else "CROSS JOIN c"
    else:
        costs = ("SELECT NULL::DOUBLE AS cost_kol, NULL::DOUBLE AS cost_content, NULL::DOUBLE AS cost_staff, "
                 "NULL::DOUBLE AS cost_other")
        join = "CROSS JOIN c"
    full = s.roi_basis == "full"
    if full and not cost_ok:
        total_cost = "NULL::DOUBLE"
    elif full:
        # NULL where no part has a figure (a period with no data: '—' like Spend, not ¥0.00)
        total_cost = ("CASE WHEN coalesce(spend, cost_kol, cost_content, cost_staff, cost_other) IS NOT NULL THEN "
                      "coalesce(spend, 0) + coalesce(cost_kol, 0) + coalesce(cost_content, 0) + "
                      "coalesce(cost_staff, 0) + coalesce(cost_other, 0) END")
    else:
        total_cost = "spend"
    # ER on the followers base, when the caller gives no followers expression: interactions on KOL rows
    # over the followers of those KOLs (latest roster figure up to the period end, else the earliest one).
    followers_default = s.er_base == "followers" and followers_sql is None
    if followers_default and multi:
        raise ValueError("ER on the followers base is computed one period at a time")
    ctes = [f"fsum AS ({facts})", f"c AS ({costs})"]
    fjoin = ""
    if followers_default:
        p["fend"] = f.end
        kf = (f"SELECT {key_list}kol AS _kol, platform AS _pf, sum(interactions) AS _i FROM {kol_src} "
              f"WHERE {w} AND kol IS NOT NULL AND interactions IS NOT NULL GROUP BY ALL")
        ro = ("SELECT kol AS _kol, platform AS _pf, coalesce(arg_max(followers, as_of) FILTER "
              "(WHERE $fend IS NULL OR as_of <= $fend), arg_min(followers, as_of)) AS _fol "
              "FROM kol_roster_active WHERE followers IS NOT NULL GROUP BY ALL")
        kgroup = ("GROUP BY " + ", ".join(_qi(b) for b in gby)) if gby else ""
        ctes += [f"kf AS ({kf})", f"ro AS ({ro})",
                 f"kfs AS (SELECT {', '.join(_qi(b) for b in gby) + ', ' if gby else ''}"
                 f"sum(_i) AS er_f__num, sum(_fol) AS er_f__den FROM kf JOIN ro USING (_kol, _pf) {kgroup})"]
        fjoin = _null_safe_join("LEFT JOIN", "kfs", list(gby)) if gby else "CROSS JOIN kfs"
        followers = "er_f__den"
    else:
        followers = followers_sql or "NULL::DOUBLE"
    metric_cols = ", ".join(f"{_metric_expr(m, s, followers_default)} AS {_alias(m.id)}" for m in _METRICS
                            if m.id not in BASE_SUMS and m.id != "total_cost")
    # Group keys may be NULL (rows without a KOL or campaign): joins match them with IS NOT DISTINCT FROM
    # and the key columns are coalesced across the joined sides.
    sel_keys = ", ".join(
        (f"coalesce(fsum.{_qi(b)}, c.{_qi(b)})" if cost_ok and b in cost_dims else f"fsum.{_qi(b)}")
        + f" AS {_qi(b)}" for b in gby)
    excl = ("EXCLUDE (" + ", ".join(_qi(b) for b in gby) + ")") if gby else ""
    cexcl = ("EXCLUDE (" + ", ".join(_qi(b) for b in cost_dims) + ")") if cost_ok and cost_dims else ""
    sides = [f"fsum.* {excl}", f"c.* {cexcl}"] + ([f"kfs.* {excl}"] if followers_default else [])
    body = f"SELECT {sel_keys + ', ' if gby else ''}{', '.join(sides)} FROM fsum {join} {fjoin}"
    n_per = len(periods) if multi else 0
    per = f"(SELECT unnest(range({n_per})) AS {PERIOD}) per"
    if multi and not by:
        # One row per period even when a period has no rows, like compute() without grouping.
        body = (f"SELECT per.{PERIOD}, j0.* EXCLUDE ({PERIOD}) FROM {per} "
                f"LEFT JOIN ({body}) j0 ON j0.{PERIOD} = per.{PERIOD}")
    if with_total:
        if followers_sql is not None or not by:
            raise ValueError("with_total needs a grouping and the default followers")
        # Every column before the metrics is a sum: the total row adds up the groups.
        additive = [a for a, _ in _row_sums(s, src)] + ["cost_kol", "cost_content", "cost_staff", "cost_other"]
        additive += ["er_f__num", "er_f__den"] if followers_default else []
        tsum = ", ".join(f"sum({_alias(a)})" + ("::BIGINT" if a == "n_rows" else "") + f" AS {_alias(a)}"
                         for a in additive)
        keys_null = ", ".join(f"NULL AS {_qi(b)}" for b in by)
        if multi:
            tot = (f"SELECT per.{PERIOD}, {keys_null}, t.* EXCLUDE ({PERIOD}) FROM {per} LEFT JOIN "
                   f"(SELECT {PERIOD}, {tsum} FROM j1 GROUP BY {PERIOD}) t ON t.{PERIOD} = per.{PERIOD}")
        else:
            tot = f"SELECT {keys_null}, {tsum} FROM j1"
        body = (f"SELECT *, false AS _total FROM j1 UNION ALL BY NAME SELECT *, true AS _total FROM ({tot})")
        ctes.append(f"j1 AS (SELECT {sel_keys + ', ' if gby else ''}{', '.join(sides)} FROM fsum {join} {fjoin})")
    # One projection: DuckDB resolves followers and total_cost as aliases defined earlier in the same list.
    q = (f"WITH {', '.join(ctes)}, j AS ({body}) "
         f"SELECT *, {followers} AS followers, {total_cost} AS total_cost, {metric_cols} FROM j")
    order = (" ORDER BY " + ", ".join(_qi(b) for b in gby)) if gby else ""
    # fetchnumpy → DataFrame gives the same frame as .df() (NaN for NULL, str columns), 10× faster here.
    df = pd.DataFrame(con.execute(q + order, p).fetchnumpy())
    parts: list[pd.DataFrame] = [df] if not multi else [
        df[df[PERIOD] == i].drop(columns=[PERIOD]).reset_index(drop=True) for i in range(n_per)]
    out = []
    for part in parts:
        if with_total:
            groups = part[~part["_total"].astype(bool)].drop(columns=["_total"]).reset_index(drop=True)
            total = part[part["_total"].astype(bool)].drop(columns=["_total", *by]).reset_index(drop=True)
            total["n_rows"] = total["n_rows"].fillna(0).astype("int64")
            out.append((groups, total))
        elif not by:
            if part.empty:
                part = pd.DataFrame([{}])
            elif multi:
                part["n_rows"] = part["n_rows"].fillna(0).astype("int64")
            out.append(part)
        else:
            out.append(part)
    return out


def value(df: pd.DataFrame, metric_id: str, row: int = 0) -> float | None:
    """One metric value from a compute() result; None when undefined."""
    if df.empty or metric_id not in df.columns:
        return None
    v = df[metric_id].iloc[row]
    return None if pd.isna(v) else float(v)


def registry_frame(lang: str, s: Settings | None = None) -> pd.DataFrame:
    """The registry as a table (for the docs view and tooltips)."""
    s = s or Settings()
    return pd.DataFrame([{"id": m.id, "name": m.name(lang), "formula": formula_text(m, s, lang),
                          "unit": m.unit, "direction": m.direction, "explain": m.explain(lang)} for m in _METRICS])


@dataclass
class Comparison:
    current: pd.DataFrame
    previous: pd.DataFrame | None
    period: tuple
    previous_period: tuple | None
    notes: list[str] = field(default_factory=list)
