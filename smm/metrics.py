"""The metric registry: every number the product shows is defined here once, computed from sums in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from smm.queries import Filters, where
from smm.schema import quote_ident

# Base sums available to formulas. Money is already in the reporting currency.
BASE_SUMS = ("spend", "revenue", "impressions", "reach", "views", "clicks", "likes", "comments", "shares",
             "saves", "follows", "conversions", "orders", "exposure", "interactions")
COST_SUMS = ("cost_kol", "cost_content", "cost_staff", "cost_other")

ER_BASES = ("impressions", "reach", "views", "followers")
CVR_BASES = ("clicks", "impressions")
ROI_BASES = ("full", "paid")


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

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def formula(self, lang: str) -> str:
        return self.formula_en if lang == "en" else self.formula_zh

    def explain(self, lang: str) -> str:
        return self.explain_en if lang == "en" else self.explain_zh


def _total(mid: str, zh: str, en: str, unit: str, direction: int, ezh: str, een: str, src: str | None = None) -> Metric:
    return Metric(mid, zh, en, unit, direction, f"Σ {zh}", f"Σ {en.lower()}", ezh, een, num=src or mid)


_METRICS: tuple[Metric, ...] = (
    _total("spend", "花费", "Spend", "money", 0, "付费投放花费（报表币种）。", "Paid media spend in the reporting currency."),
    _total("revenue", "成交金额", "Revenue", "money", 1, "平台回传的成交/转化金额（GMV）。",
           "Conversion value / GMV reported by the platforms."),
    _total("conversions", "转化", "Conversions", "count", 1, "平台回传的转化数。", "Conversions reported by the platforms."),
    _total("orders", "订单", "Orders", "count", 1, "成交订单数。", "Orders placed."),
    _total("exposure", "曝光", "Exposure", "count", 1, "展示数；平台没有展示数时用播放/阅读数，再没有则用触达。",
           "Impressions; views or reads where a platform has no impressions, else reach."),
    _total("impressions", "展示", "Impressions", "count", 1, "展示次数。", "Impressions."),
    _total("reach", "触达", "Reach", "count", 1, "触达人数（各行相加，未去重）。", "Reach (summed across rows, not de-duplicated)."),
    _total("views", "播放/阅读", "Views", "count", 1, "播放量/阅读量。", "Video views / reads."),
    _total("clicks", "点击", "Clicks", "count", 1, "点击数。", "Clicks."),
    _total("interactions", "互动量", "Interactions", "count", 1, "点赞 + 评论 + 分享 + 收藏。",
           "Likes + comments + shares + saves."),
    _total("follows", "涨粉", "Follows", "count", 1, "新增关注（净值，可能为负）。", "New followers (net; may be negative)."),
    Metric("er", "互动率", "ER", "ratio", 1, "互动量 ÷ {base}", "interactions ÷ {base}",
           "只计同时有互动和基数的行。基数是设置项。", "Over rows that report both; the base is a setting.",
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
           "只计有涨粉数据的花费。", "Spend on rows that report follows.", num="spend", den="follows"),
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
    text = m.formula(lang).replace("{base}", base_label(base, lang)) if base else m.formula(lang)
    if m.id in ("roi", "total_cost"):
        basis = {"full": ("全部成本", "full cost"), "paid": ("仅付费花费", "paid spend only")}[s.roi_basis]
        text += f" · {basis[1] if lang == 'en' else basis[0]}"
    return text


# ---------------------------------------------------------------- SQL

def _den(m: Metric, s: Settings) -> str | None:
    if m.den is None:
        return None
    return m.den.format(er_base=s.er_base, cvr_base=s.cvr_base)


def _row_sums(s: Settings) -> list[tuple[str, str]]:
    """(alias, aggregate) pairs over fact_rc rows: plain totals and the paired numerator/denominator sums."""
    row_expr = {b: quote_ident(b) for b in BASE_SUMS}
    row_expr["spend"], row_expr["revenue"] = "spend_rc", "revenue_rc"
    out = [(b, f"sum({row_expr[b]})") for b in BASE_SUMS]
    for m in _METRICS:
        den = _den(m, s)
        if den is None or not m.paired or den == "followers":
            continue
        n, d = row_expr[m.num], row_expr[den]
        out.append((f"{m.id}__num", f"sum({n}) FILTER (WHERE {n} IS NOT NULL AND {d} IS NOT NULL)"))
        out.append((f"{m.id}__den", f"sum({d}) FILTER (WHERE {n} IS NOT NULL AND {d} IS NOT NULL)"))
    return out


def _metric_expr(m: Metric, s: Settings) -> str:
    den = _den(m, s)
    if den is None:
        src = m.num
        return quote_ident(src) if src in BASE_SUMS else src
    if den == "followers":
        return f"{m.num} / nullif(followers, 0)"
    if m.id == "roi":
        return "(revenue - total_cost) / nullif(total_cost, 0)"
    if not m.paired:
        return f"{m.num} * {m.scale} / nullif({den}, 0)"
    return f"{m.id}__num * {m.scale} / nullif({m.id}__den, 0)"


GROUPABLE = ("platform", "week", "date", "campaign", "content_type", "kol", "content_id", "account", "ad_group")


def compute(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
            by: tuple[str, ...] = (), *, followers_sql: str | None = None) -> pd.DataFrame:
    """Every registry metric for the filters, one row per group of `by` (one row overall when empty).

    Division by zero gives NULL (shown as "—"), never inf. Costs outside paid ads (KOL fees, content,
    staff, other) come from other_costs in the same date window and platforms when `by` allows it.
    """
    s = s or Settings()
    for b in by:
        if b not in GROUPABLE:
            raise ValueError(f"cannot group by {b!r}")
    w, p = where(f)
    p["rc"] = f.currency
    keys = [("date_trunc('week', date)::DATE" if b == "week" else quote_ident(b)) + f" AS {quote_ident(b)}"
            for b in by]
    sums = ", ".join(f"{agg} AS {quote_ident(alias)}" for alias, agg in _row_sums(s))
    group = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(by)))) if by else ""
    facts = (f"SELECT {', '.join(keys) + ', ' if keys else ''}{sums} FROM fact_rc($rc) "
             f"WHERE {w} AND NOT fx_missing {group}")
    # Non-media costs (other_costs) carry date, platform and KOL only: they can be attributed when the
    # grouping and filters use nothing else; otherwise the full-cost basis is undefined (ROI shows "—").
    cost_dims = [b for b in by if b in ("platform", "week", "date", "kol")]
    cost_ok = len(cost_dims) == len(by) and not f.campaigns and not f.content_types
    if cost_ok:
        cw, cp = where(Filters(f.start, f.end, f.platforms, (), (), f.kols, f.currency))
        for k, v in cp.items():
            cw = cw.replace(f"${k}", f"$c_{k}")
            p[f"c_{k}"] = v
        ckeys = [("date_trunc('week', date)::DATE" if b == "week" else quote_ident(b)) + f" AS {quote_ident(b)}"
                 for b in cost_dims]
        cgroup = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(cost_dims)))) if cost_dims else ""
        costs = (f"SELECT {', '.join(ckeys) + ', ' if ckeys else ''}"
                 "sum(amount_rc) FILTER (WHERE category = 'kol') AS cost_kol, "
                 "sum(amount_rc) FILTER (WHERE category = 'content') AS cost_content, "
                 "sum(amount_rc) FILTER (WHERE category = 'staff') AS cost_staff, "
                 "sum(amount_rc) FILTER (WHERE category NOT IN ('kol', 'content', 'staff', 'paid_ads')) AS cost_other "
                 f"FROM other_costs_rc($rc) WHERE {cw} AND NOT fx_missing {cgroup}")
        join = ("FULL OUTER JOIN c USING (" + ", ".join(quote_ident(b) for b in cost_dims) + ")") if by \
            else "CROSS JOIN c"
    else:
        costs = ("SELECT NULL::DOUBLE AS cost_kol, NULL::DOUBLE AS cost_content, NULL::DOUBLE AS cost_staff, "
                 "NULL::DOUBLE AS cost_other")
        join = "CROSS JOIN c"
    full = s.roi_basis == "full"
    if full and not cost_ok:
        total_cost = "NULL::DOUBLE"
    elif full:
        total_cost = ("coalesce(spend, 0) + coalesce(cost_kol, 0) + coalesce(cost_content, 0) + "
                      "coalesce(cost_staff, 0) + coalesce(cost_other, 0)")
    else:
        total_cost = "spend"
    followers = followers_sql or "NULL::DOUBLE"
    metric_cols = ", ".join(f"{_metric_expr(m, s)} AS {quote_ident(m.id)}" for m in _METRICS
                            if m.id not in BASE_SUMS and m.id != "total_cost")
    q = (f"WITH fsum AS ({facts}), c AS ({costs}), "
         f"j AS (SELECT *, {followers} AS followers FROM fsum {join}), "
         f"k AS (SELECT *, {total_cost} AS total_cost FROM j) "
         f"SELECT *, {metric_cols} FROM k")
    order = (" ORDER BY " + ", ".join(quote_ident(b) for b in by)) if by else ""
    df = con.execute(q + order, p).df()
    if not by and df.empty:
        df = pd.DataFrame([{}])
    return df


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
