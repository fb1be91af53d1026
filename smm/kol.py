"""KOL comparison: scorecard, tiers, combined score, quality flags, trend and cost vs result, all in SQL.

Grain: one row per KOL and platform (`key` = "platform|kol"). Fee basis: the KOL fee items of the
other-costs table (category `kol`, one item per post dated by its publish date) inside the date range,
in the reporting currency. The roster fee (contract fee / contracted posts) is a reference only.
Ratios come from sums (never averages of per-post ratios); division by zero gives NULL ("—").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from smm import fmt, i18n
from smm import metrics as reg
from smm.metrics import Settings
from smm.queries import Filters, where

WINDOWS = ("cohort", "activity")
TIER_PRESETS = ("auto", "cn", "global", "custom")
# Chinese platforms use the 小红书/抖音 market scheme under the "auto" preset; the rest the global one.
CN_PLATFORMS = ("douyin", "xiaohongshu", "weibo", "wechat", "kuaishou", "bilibili")
TIER_BOUNDS: dict[str, tuple[float, ...]] = {
    "cn": (50_000.0, 500_000.0),                               # 素人/KOC < 5万 ≤ 腰部 < 50万 ≤ 头部
    "global": (10_000.0, 100_000.0, 500_000.0, 1_000_000.0),   # nano < 10K ≤ micro < 100K ≤ mid < 500K ≤ macro < 1M ≤ mega
}
DEFAULT_CUSTOM_BOUNDS: tuple[float, ...] = (10_000.0, 100_000.0, 1_000_000.0)

# The combined score: weighted percentile ranks within the peer group (higher = better after direction).
SCORE_METRICS: tuple[str, ...] = ("er", "er_followers", "cpm", "cpe", "cpa", "roi")
DEFAULT_WEIGHTS: dict[str, float] = {"er": 20.0, "er_followers": 0.0, "cpm": 10.0, "cpe": 20.0, "cpa": 25.0,
                                     "roi": 25.0}
MIN_WEIGHT_SHARE = 0.5   # a score needs metrics carrying at least half of the total weight
MIN_PEERS = 3            # a platform × tier peer group needs this many KOLs, else the tier across platforms

# Quality-flag rules (hints, shown with their numbers).
FLAG_ER_HIGH = 2.0        # ER ≥ 2 × peer median …
FLAG_CONV_LOW = 0.5       # … while conversions per 1k views ≤ 0.5 × peer median
FLAG_LIKES_VIEWS = 3.0    # likes / views ≥ 3 × peer median (or likes > views)
FLAG_COMMENTS_LIKES = 0.2  # comments / likes ≤ 0.2 × peer median
FLAG_FOLLOWER_JUMP = 0.30  # followers +30 % or more between two roster snapshots …
FLAG_FOLLOWER_PEER = 3.0   # … and at least 3 × the peers' median growth
MIN_VIEWS = 1000.0        # ratio rules need at least this many views …
MIN_LIKES = 100.0         # … and likes (comments / likes)
FLAG_RULES = ("high_er_low_conv", "likes_views", "comments_likes", "follower_jump")

# Metrics on the KOL page: unit, direction (+1 higher is better), registry id for the name (None = ours).
KOL_METRICS: dict[str, tuple[str, int, str | None]] = {
    "followers": ("count", 0, None), "posts": ("count", 0, None), "fee": ("money", 0, None),
    "contract_fee_per_post": ("money", 0, None), "exposure": ("count", 1, "exposure"),
    "views": ("count", 1, "views"), "interactions": ("count", 1, "interactions"), "er": ("ratio", 1, "er"),
    "er_followers": ("ratio", 1, None), "cpm": ("money", -1, "cpm"), "cpe": ("money", -1, "cpe"),
    "conversions": ("count", 1, "conversions"), "cpa": ("money", -1, "cpa"), "revenue": ("money", 1, "revenue"),
    "roi": ("ratio", 1, "roi"), "follows": ("count", 1, "follows"), "cost_per_follow": ("money", -1, "cost_per_follow"),
    "likes_views": ("ratio", 0, None), "comments_likes": ("ratio", 0, None), "conv_per_1k": ("count", 1, None),
}
COMPARE_METRICS = ("er", "er_followers", "cpm", "cpe", "cpa", "roi", "interactions", "conversions", "revenue",
                   "fee", "exposure")
SCATTER_Y = ("conversions", "interactions", "revenue")
TREND_GRAINS = ("week", "publish_week")
SETTINGS_KEY = "kol"


@dataclass(frozen=True)
class KolOptions:
    """Page settings: the attribution window, the tier preset (and custom bounds) and the score weights."""

    window: str = "cohort"
    preset: str = "auto"
    custom_bounds: tuple[float, ...] = DEFAULT_CUSTOM_BOUNDS
    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_WEIGHTS.items())

    def __post_init__(self) -> None:
        if self.window not in WINDOWS or self.preset not in TIER_PRESETS:
            raise ValueError(f"invalid KOL options: {self}")
        if not self.custom_bounds or list(self.custom_bounds) != sorted(set(self.custom_bounds)) \
                or min(self.custom_bounds) <= 0:
            raise ValueError("custom tier bounds must be positive and increasing")
        w = dict(self.weights)
        if set(w) - set(SCORE_METRICS) or any(v < 0 for v in w.values()):
            raise ValueError(f"invalid weights: {w}")

    def weight(self, metric: str) -> float:
        return float(dict(self.weights).get(metric, 0.0))

    def with_weights(self, weights: dict[str, float]) -> KolOptions:
        return replace(self, weights=tuple((m, float(weights.get(m, 0.0))) for m in SCORE_METRICS))


# ---------------------------------------------------------------- keys, labels, text safety

def kol_key(platform: str, kol: str) -> str:
    return f"{platform}|{kol}"


def split_key(key: str) -> tuple[str, str]:
    """(platform, kol) from a key; platform ids never contain '|', KOL names may."""
    platform, _, kol = key.partition("|")
    return platform, kol


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """User text (KOL names) made inert for st.markdown: no links, emphasis, HTML or LaTeX."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def metric_label(metric: str, lang: str) -> str:
    if i18n.has(f"kol.m.{metric}"):
        return i18n.t(f"kol.m.{metric}", lang)
    rid = KOL_METRICS.get(metric, (None, None, None))[2]
    return reg.get(rid).name(lang) if rid else metric


def metric_formula(metric: str, s: Settings, lang: str) -> str:
    """How a KOL metric is computed, with the settings in force."""
    if metric == "er":
        return reg.formula_text(reg.get("er"), s, lang)
    return i18n.t(f"kol.f.{metric}", lang) if i18n.has(f"kol.f.{metric}") else ""


def format_value(metric: str, value: object, currency: str, lang: str) -> str:
    unit = KOL_METRICS[metric][0] if metric in KOL_METRICS else "count"
    v = None if value is None or pd.isna(value) else float(value)
    if metric == "conv_per_1k":
        return fmt.DASH if v is None else f"{v:.2f}"
    return fmt.by_unit(v, unit, currency, lang)


def parse_bounds(text: str) -> tuple[float, ...]:
    """Follower thresholds typed by a user: '5万, 50万' or '10k 100k 1m' → increasing positive numbers."""
    mult = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "m": 1e6}
    out = []
    for tok in re.split(r"[,，;；\s]+", (text or "").strip()):
        if not tok:
            continue
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([万wW亿kKmM]?)", tok.replace("_", ""))
        if not m:
            raise ValueError(tok)
        out.append(float(m.group(1)) * mult.get(m.group(2).lower() if m.group(2) else "", 1.0))
    if not out or any(b <= 0 for b in out) or out != sorted(set(out)):
        raise ValueError(text)
    return tuple(out)


def same_bounds(text: str, bounds: tuple[float, ...]) -> bool:
    """Whether typed text reads as exactly these bounds (text that does not read as bounds: False)."""
    try:
        return parse_bounds(text) == tuple(float(b) for b in bounds)
    except ValueError:
        return False


def bounds_text(bounds: tuple[float, ...], lang: str) -> str:
    return ", ".join(fmt.compact(b, lang, 0 if all(float(b / d).is_integer() for d in (1e4, 1e3) if b >= d) else 1)
                     for b in bounds)


def scheme_bounds(scheme: str, opts: KolOptions) -> tuple[float, ...]:
    return opts.custom_bounds if scheme == "custom" else TIER_BOUNDS[scheme]


def schemes_in_force(opts: KolOptions) -> tuple[str, ...]:
    return ("cn", "global") if opts.preset == "auto" else (opts.preset,)


def tier_label(tier: str | None, lang: str, opts: KolOptions) -> str:
    """'cn:1' → 腰部 / Mid-tier (腰部); 'custom:0' → '< 1万'; 'none' → 未分层."""
    if not tier or tier == "none" or ":" not in tier:
        return i18n.t("kol.tier.none", lang)
    scheme, idx = tier.split(":", 1)
    if scheme in ("cn", "global"):
        return i18n.t(f"kol.tier.{scheme}.{idx}", lang)
    return tier_range(scheme, int(idx), lang, opts)


def tier_range(scheme: str, idx: int, lang: str, opts: KolOptions) -> str:
    b = scheme_bounds(scheme, opts)
    c = lambda x: fmt.compact(x, lang, 1).replace(".0", "")  # noqa: E731
    if idx == 0:
        return f"< {c(b[0])}"
    if idx >= len(b):
        return f"≥ {c(b[-1])}"
    return f"{c(b[idx - 1])}–{c(b[idx])}"


def tiers_in_force(opts: KolOptions, lang: str) -> pd.DataFrame:
    """The tier table in force (for the screen): scheme, platforms it covers, tier name, follower range."""
    rows = []
    for scheme in schemes_in_force(opts):
        for i in range(len(scheme_bounds(scheme, opts)) + 1):
            rows.append({"scheme": scheme, "tier": f"{scheme}:{i}", "name": tier_label(f"{scheme}:{i}", lang, opts),
                         "range": tier_range(scheme, i, lang, opts)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- settings (shared with the team)

def load_options(con: duckdb.DuckDBPyConnection) -> KolOptions:
    """The team's saved KOL settings (tier preset, custom bounds, weights); defaults when none or invalid."""
    row = con.execute("SELECT value FROM settings WHERE key = ?", [SETTINGS_KEY]).fetchall()
    if not row:
        return KolOptions()
    try:
        d = json.loads(row[0][0])
        w = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (d.get("weights") or {}).items() if k in SCORE_METRICS}}
        return KolOptions(window=d.get("window", "cohort"), preset=d.get("preset", "auto"),
                          custom_bounds=tuple(float(b) for b in d.get("custom_bounds") or DEFAULT_CUSTOM_BOUNDS),
                          weights=tuple((m, w[m]) for m in SCORE_METRICS))
    except (ValueError, TypeError, AttributeError):
        return KolOptions()


def save_options(con: duckdb.DuckDBPyConnection, opts: KolOptions) -> None:
    value = json.dumps({"window": opts.window, "preset": opts.preset, "custom_bounds": list(opts.custom_bounds),
                        "weights": dict(opts.weights)}, ensure_ascii=False)
    con.execute("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, current_timestamp) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                [SETTINGS_KEY, value])


# ---------------------------------------------------------------- SQL building blocks

def _cond_dates(col: str, start: dt.date | None, end: dt.date | None, p: dict, prefix: str) -> str:
    conds = ["true"]
    if start:
        p[f"{prefix}_start"] = start
        conds.append(f"{col} >= ${prefix}_start")
    if end:
        p[f"{prefix}_end"] = end
        conds.append(f"{col} <= ${prefix}_end")
    return " AND ".join(conds)


def _er_sums(s: Settings) -> tuple[str, str] | None:
    m = reg.get("er")
    den = m.den.format(er_base=s.er_base, cvr_base=s.cvr_base)
    if den == "followers":
        return None
    assert den in reg.ER_BASES  # an allow-listed column of fact_rc
    return reg.paired_sums(m.num, den)


def _population_sql(f: Filters, s: Settings, opts: KolOptions) -> tuple[str, dict]:
    """CTEs ending in `sc`: one row per KOL × platform of the population the filters allow (KOL filter aside:
    peers stay the whole tier; `in_filter` marks the KOLs the user chose). Values are bound parameters."""
    base_f = Filters(f.start, f.end, f.platforms, f.campaigns, f.content_types, (), f.currency)
    w, p = where(base_f, dates=False)
    p["rc"] = f.currency
    cw, cp = where(Filters(platforms=f.platforms, currency=f.currency), dates=False)
    for k, v in cp.items():
        cw = cw.replace(f"${k}", f"$c_{k}")
        p[f"c_{k}"] = v
    if opts.window == "cohort":
        win = _cond_dates("pub_date", f.start, f.end, p, "w")
    else:
        win = _cond_dates("date", f.start, f.end, p, "w")
    posts_win = _cond_dates("pub_date", f.start, f.end, p, "pw")
    fee_win = _cond_dates("date", f.start, f.end, p, "fw")
    if f.end:
        p["r_end"] = f.end
        roster_order = "(as_of <= $r_end) DESC, CASE WHEN as_of <= $r_end THEN as_of END DESC, as_of ASC"
        fol_end = "as_of <= $r_end"
    else:
        roster_order = "as_of DESC"
        fol_end = "true"
    p["sel_kols"] = list(f.kols)
    p["cn_platforms"] = list(CN_PLATFORMS)
    p["b_cn"], p["b_global"], p["b_custom"] = (list(TIER_BOUNDS["cn"]), list(TIER_BOUNDS["global"]),
                                               list(opts.custom_bounds))
    p["preset"] = opts.preset
    p["min_peers"] = MIN_PEERS
    er = _er_sums(s)
    er_cols = (f", {er[0]} AS er__num, {er[1]} AS er__den" if er else "")
    er_expr = "er__num / nullif(er__den, 0)" if er else "interactions / nullif(followers, 0)"
    lv = reg.paired_sums("likes", "views")
    cl = reg.paired_sums("comments", "likes")
    cv = reg.paired_sums("conversions", "views")
    sql = f"""
    -- one row per KOL post row (weekly delta), with the post's publish date
    raw AS (
        SELECT kol, platform, content_id, date, exposure, impressions, reach, views, clicks, likes, comments,
               shares, saves, interactions, follows, conversions, orders, revenue_rc AS revenue,
               coalesce(CAST(published_at AS DATE),
                        CASE WHEN content_id IS NOT NULL
                             THEN min(date) OVER (PARTITION BY platform, kol, content_id) END, date) AS pub_date
        FROM fact_rc($rc) WHERE kol IS NOT NULL AND {w}
    ),
    posts_in AS (SELECT * FROM raw WHERE {win}),
    -- one row per KOL × platform: results in the window
    fsum AS (
        SELECT kol, platform, count(DISTINCT content_id) FILTER (WHERE {posts_win}) AS posts,
               sum(exposure) AS exposure, sum(impressions) AS impressions, sum(views) AS views,
               sum(clicks) AS clicks, sum(likes) AS likes, sum(comments) AS comments, sum(shares) AS shares,
               sum(saves) AS saves, sum(interactions) AS interactions, sum(follows) AS follows,
               sum(conversions) AS conversions, sum(revenue) AS revenue{er_cols},
               {lv[0]} AS lv__num, {lv[1]} AS lv__den, {cl[0]} AS cl__num, {cl[1]} AS cl__den,
               {cv[0]} AS cv__num, {cv[1]} AS cv__den,
               min(date) AS first_date, max(date) AS last_date
        FROM posts_in GROUP BY kol, platform
    ),
    -- one row per KOL × platform: fee items dated (by publish date) in the window
    fees AS (
        SELECT kol, platform, sum(amount_rc) AS fee, count(*) AS fee_items
        FROM other_costs_rc($rc)
        WHERE category = 'kol' AND kol IS NOT NULL AND NOT fx_missing AND {cw} AND {fee_win}
        GROUP BY kol, platform
    ),
    -- one row per KOL × platform: the roster snapshot in force at the end of the range
    rs AS (
        SELECT kol, platform, followers, as_of, fee_rc, posts AS roster_posts, category,
               row_number() OVER (PARTITION BY kol, platform ORDER BY {roster_order}) AS rn
        FROM kol_roster_rc($rc) WHERE {cw}
    ),
    -- followers as the registry takes them: the latest roster figure up to the end, else the earliest
    fol AS (
        SELECT kol, platform, coalesce(arg_max(followers, as_of) FILTER (WHERE {fol_end}),
                                       arg_min(followers, as_of)) AS followers,
               coalesce(max(as_of) FILTER (WHERE {fol_end}), min(as_of)) AS followers_as_of
        FROM rs WHERE followers IS NOT NULL GROUP BY kol, platform
    ),
    roster AS (
        SELECT kol, platform, category, fee_rc / nullif(roster_posts, 0) AS contract_fee_per_post
        FROM rs WHERE rn = 1
    ),
    keys AS (SELECT kol, platform FROM fsum UNION SELECT kol, platform FROM fees),
    j AS (
        SELECT * FROM keys LEFT JOIN fsum USING (kol, platform) LEFT JOIN fees USING (kol, platform)
        LEFT JOIN roster USING (kol, platform) LEFT JOIN fol USING (kol, platform)
    ),
    m AS (
        SELECT *, platform || '|' || kol AS key,
               exposure IS NOT NULL OR interactions IS NOT NULL OR conversions IS NOT NULL AS has_results,
               {er_expr} AS er,
               interactions / nullif(posts, 0) / nullif(followers, 0) AS er_followers,
               fee * 1000 / nullif(exposure, 0) AS cpm,
               fee / nullif(interactions, 0) AS cpe,
               fee / nullif(conversions, 0) AS cpa,
               (revenue - fee) / nullif(fee, 0) AS roi,
               fee / nullif(follows, 0) AS cost_per_follow,
               lv__num / nullif(lv__den, 0) AS likes_views,
               cl__num / nullif(cl__den, 0) AS comments_likes,
               cv__num * 1000 / nullif(cv__den, 0) AS conv_per_1k,
               CASE WHEN $preset IN ('cn', 'global', 'custom') THEN $preset
                    WHEN list_contains($cn_platforms, platform) THEN 'cn' ELSE 'global' END AS tier_scheme,
               (len($sel_kols) = 0 OR list_contains($sel_kols, kol)) AS in_filter
        FROM j
    ),
    t AS (
        SELECT *, CASE WHEN followers IS NULL THEN 'none' ELSE tier_scheme || ':' ||
                  len(list_filter(CASE tier_scheme WHEN 'cn' THEN $b_cn WHEN 'global' THEN $b_global
                                  ELSE $b_custom END, lambda b: b <= followers)) END AS tier
        FROM m
    ),
    -- peers: the platform × tier when it has enough KOLs with results, else the tier across platforms
    sc AS MATERIALIZED (
        SELECT *, CASE WHEN count(*) FILTER (WHERE has_results) OVER (PARTITION BY platform, tier) >= $min_peers
                       THEN platform || '/' || tier ELSE tier END AS peer_group
        FROM t
    )"""
    return sql, p


def population(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
               opts: KolOptions | None = None) -> pd.DataFrame:
    """Every KOL × platform of the population (KOL filter aside), all scorecard columns; pass it as `pop=` to
    the other functions so one page run plans the population query once."""
    s, opts = s or Settings(), opts or KolOptions()
    sql, p = _population_sql(f, s, opts)
    return con.execute(f"WITH {sql} SELECT * FROM sc", p).df()


@contextmanager
def _source(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings, opts: KolOptions,
            pop: pd.DataFrame | None) -> Iterator[tuple[str, dict]]:
    """CTEs ending in `sc`: the population query, or a population() frame registered on this cursor."""
    if pop is None:
        yield _population_sql(f, s, opts)
        return
    name = f"kol_pop_{uuid.uuid4().hex}"
    con.register(name, pop)
    try:
        yield f"sc AS MATERIALIZED (SELECT * FROM {name})", {}
    finally:
        con.unregister(name)


SC_COLUMNS = ("key", "kol", "platform", "category", "followers", "followers_as_of", "tier", "peer_group", "posts",
              "fee", "fee_items", "contract_fee_per_post", "exposure", "impressions", "views", "clicks", "likes",
              "comments", "shares", "saves", "interactions", "er", "er_followers", "cpm", "cpe", "conversions", "cpa",
              "revenue", "roi", "follows", "cost_per_follow", "likes_views", "comments_likes", "conv_per_1k",
              "has_results", "in_filter", "first_date", "last_date")


def scorecard(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
              opts: KolOptions | None = None, *, pop: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per KOL × platform chosen by the filters: every scorecard figure, tier and peer group."""
    s, opts = s or Settings(), opts or KolOptions()
    with _source(con, f, s, opts, pop) as (sql, p):
        return _scorecard(con, sql, p)


def _scorecard(con: duckdb.DuckDBPyConnection, sql: str, p: dict) -> pd.DataFrame:
    q = (f"WITH {sql}, pg AS (SELECT *, count(*) FILTER (WHERE has_results) OVER (PARTITION BY peer_group) AS peer_n "
         f"FROM sc) SELECT {', '.join(SC_COLUMNS)}, peer_n FROM pg WHERE in_filter "
         "ORDER BY fee DESC NULLS LAST, platform, kol")
    return con.execute(q, p).df()


def totals(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
           opts: KolOptions | None = None, *, pop: pd.DataFrame | None = None) -> dict:
    """KOL totals for the tiles: KOL count, fee, revenue and ratios from the sums (NULL on division by zero)."""
    s, opts = s or Settings(), opts or KolOptions()
    with _source(con, f, s, opts, pop) as (sql, p):
        row = _totals(con, sql, p)
    d = row.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else (int(v) if k in ("kols", "kols_with_results", "fee_only") else float(v)))
            for k, v in d.items()}


def _totals(con: duckdb.DuckDBPyConnection, sql: str, p: dict) -> pd.DataFrame:
    return con.execute(
        f"WITH {sql}, x AS (SELECT * FROM sc WHERE in_filter), "
        "tot AS (SELECT count(*) AS kols, count(*) FILTER (WHERE has_results) AS kols_with_results, "
        "sum(fee) AS fee, sum(revenue) AS revenue, sum(interactions) AS interactions, "
        "sum(conversions) AS conversions, sum(exposure) AS exposure, "
        "sum(fee) FILTER (WHERE revenue IS NOT NULL) AS fee_r, sum(fee) FILTER (WHERE interactions IS NOT NULL) AS fee_i, "
        "sum(fee) FILTER (WHERE conversions IS NOT NULL) AS fee_c, sum(posts) AS posts, "
        "count(*) FILTER (WHERE fee > 0 AND NOT has_results) AS fee_only FROM x) "
        "SELECT *, (revenue - fee_r) / nullif(fee_r, 0) AS roi, fee_i / nullif(interactions, 0) AS cpe, "
        "fee_c / nullif(conversions, 0) AS cpa FROM tot", p).df()


def missing_fx(con: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    """Currencies of KOL results, fees or roster lines without an exchange rate (left out, never summed)."""
    w, p = where(Filters(f.start, f.end, f.platforms, f.campaigns, f.content_types, f.kols, f.currency))
    cw, cp = where(Filters(f.start, f.end, f.platforms, (), (), f.kols, f.currency))
    for k, v in cp.items():
        cw = cw.replace(f"${k}", f"$c_{k}")
        p[f"c_{k}"] = v
    p["rc"] = f.currency
    rows = con.execute(
        f"SELECT currency FROM fact_rc($rc) WHERE kol IS NOT NULL AND fx_missing AND {w} "
        f"UNION SELECT currency FROM other_costs_rc($rc) WHERE category = 'kol' AND fx_missing AND {cw} "
        "UNION SELECT currency FROM kol_roster_rc($rc) WHERE fx_missing ORDER BY 1", p).fetchall()
    return [r[0] for r in rows]


# ---------------------------------------------------------------- combined score

def _score_key(metric: str) -> str:
    """A sort key where higher is better; a cost with a fee but a zero result ranks worst."""
    worst = "-1e300"
    den = {"cpm": "exposure", "cpe": "interactions", "cpa": "conversions"}
    if metric in den:
        return f"CASE WHEN {metric} IS NOT NULL THEN -{metric} WHEN fee > 0 AND {den[metric]} = 0 THEN {worst} END"
    return metric


def _scores_sql(sql: str, p: dict, opts: KolOptions) -> tuple[str, dict]:
    p = dict(p)
    ks, rs, ns, ws, cs = [], [], [], [], []
    for m in SCORE_METRICS:
        p[f"wt_{m}"] = opts.weight(m)
        ks.append(f"{_score_key(m)} AS k_{m}")
        part = "PARTITION BY peer_group"
        rs.append(f"count(k_{m}) OVER ({part}) AS n_{m}, rank() OVER ({part} ORDER BY k_{m} ASC NULLS LAST) AS lo_{m}, "
                  f"count(k_{m}) OVER ({part} ORDER BY k_{m} ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING "
                  f"AND CURRENT ROW) AS hi_{m}")
        # mid-rank percentile: ties share the same value; a peer group of one sits in the middle
        ns.append(f"CASE WHEN k_{m} IS NULL THEN NULL WHEN n_{m} = 1 THEN 0.5 "
                  f"ELSE ((lo_{m} + hi_{m}) / 2.0 - 1) / (n_{m} - 1) END AS norm_{m}, "
                  f"CASE WHEN k_{m} IS NOT NULL THEN n_{m} - hi_{m} + 1 END AS pos_{m}")
        ws.append(f"CASE WHEN norm_{m} IS NOT NULL THEN $wt_{m} ELSE 0 END")
        cs.append(f"CASE WHEN score IS NOT NULL AND norm_{m} IS NOT NULL "
                  f"THEN 100 * $wt_{m} * (norm_{m} - 0.5) / w_avail END AS contrib_{m}")
    w_total = " + ".join(f"$wt_{m}" for m in SCORE_METRICS)
    p["min_share"] = MIN_WEIGHT_SHARE
    weighted = " + ".join(f"coalesce(norm_{m} * $wt_{m}, 0)" for m in SCORE_METRICS)
    sql += f""",
    pop AS (SELECT *, count(*) OVER (PARTITION BY peer_group) AS peer_n FROM sc WHERE has_results),
    k AS (SELECT *, {', '.join(ks)} FROM pop),
    r AS (SELECT *, {', '.join(rs)} FROM k),
    nrm AS (SELECT *, {', '.join(ns)} FROM r),
    wsum AS (SELECT *, {' + '.join(ws)} AS w_avail, {w_total} AS w_total FROM nrm),
    scored AS (
        SELECT *, CASE WHEN w_total > 0 AND w_avail >= $min_share * w_total
                       THEN 100 * ({weighted}) / w_avail END AS score
        FROM wsum
    ),
    final AS MATERIALIZED (SELECT *, {', '.join(cs)} FROM scored WHERE in_filter)"""
    return sql, p


def scores(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
           opts: KolOptions | None = None, *, pop: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per KOL with results: score (0–100, 50 = peer middle), per-metric percentile and contribution."""
    s, opts = s or Settings(), opts or KolOptions()
    with _source(con, f, s, opts, pop) as (base, bp):
        sql, p = _scores_sql(base, bp, opts)
        return _scores(con, sql, p)


def _scores(con: duckdb.DuckDBPyConnection, sql: str, p: dict) -> pd.DataFrame:
    cols = ", ".join(f"norm_{m}, pos_{m}, n_{m}, contrib_{m}" for m in SCORE_METRICS)
    q = (f"WITH {sql} SELECT key, kol, platform, tier, peer_group, peer_n, score, "
         "CASE WHEN score IS NOT NULL THEN rank() OVER (ORDER BY score DESC NULLS LAST) END AS score_rank, "
         f"w_avail, w_total, {', '.join(SCORE_METRICS)}, fee, interactions, conversions, exposure, revenue, {cols} "
         "FROM final ORDER BY score DESC NULLS LAST, kol")
    return con.execute(q, p).df()


def top_bottom(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
               opts: KolOptions | None = None, n: int = 3, reasons: int = 2, *,
               pop: pd.DataFrame | None = None) -> pd.DataFrame:
    """The n best and n worst KOLs by score, each with its `reasons` largest contributions (top: the largest
    positive pulls; bottom: the largest negative ones). One row per KOL × reason."""
    s, opts = s or Settings(), opts or KolOptions()
    with _source(con, f, s, opts, pop) as (base, bp):
        sql, p = _scores_sql(base, bp, opts)
        return _top_bottom(con, sql, p, n, reasons)


def _top_bottom(con: duckdb.DuckDBPyConnection, sql: str, p: dict, n: int, reasons: int) -> pd.DataFrame:
    p["n"], p["reasons"] = int(n), int(reasons)
    items = ", ".join(f"{{'metric': '{m}', 'contribution': contrib_{m}, 'value': {m}, 'pos': pos_{m}, 'n': n_{m}}}"
                      for m in SCORE_METRICS)
    q = f"""WITH {sql},
    ranked AS MATERIALIZED (SELECT *, row_number() OVER (ORDER BY score DESC, kol) AS r_top,
                         row_number() OVER (ORDER BY score ASC, kol) AS r_bot
               FROM final WHERE score IS NOT NULL),
    pick AS MATERIALIZED (
        SELECT *, 'top' AS side, r_top AS place FROM ranked WHERE r_top <= $n
        UNION ALL
        SELECT *, 'bottom' AS side, r_bot AS place FROM ranked WHERE r_bot <= $n AND r_top > $n
    ),
    u AS (SELECT side, place, key, kol, platform, tier, peer_group, peer_n, score, fee, interactions, conversions,
                 exposure, unnest([{items}], recursive := true) FROM pick),
    o AS (SELECT *, row_number() OVER (PARTITION BY side, key
                                       ORDER BY CASE WHEN side = 'top' THEN -contribution ELSE contribution END) AS ri
          FROM u WHERE contribution IS NOT NULL
                   AND (CASE WHEN side = 'top' THEN contribution > 0 ELSE contribution < 0 END))
    SELECT p.side, p.place, p.key, p.kol, p.platform, p.tier, p.peer_group, p.peer_n, p.score, p.fee,
           p.interactions, p.conversions, p.exposure, o.metric, o.contribution, o.value, o.pos, o.n, o.ri
    FROM pick p LEFT JOIN o ON o.side = p.side AND o.key = p.key AND o.ri <= $reasons
    ORDER BY CASE p.side WHEN 'top' THEN 0 ELSE 1 END, p.place, o.ri"""
    return con.execute(q, p).df()


def reason_text(row: dict, lang: str, currency: str) -> str:
    """'CPA ¥45.20 (1st of 5 in tier, +12.0)' for one contribution row of top_bottom()."""
    m = row["metric"]
    val = row.get("value")
    if val is None or pd.isna(val):
        den = {"cpm": "exposure", "cpe": "interactions", "cpa": "conversions"}.get(m)
        shown = i18n.t("kol.reason.zero", lang, what=metric_label(den, lang)) if den else fmt.DASH
    else:
        shown = format_value(m, val, currency, lang)
    return i18n.t("kol.reason", lang, metric=metric_label(m, lang), value=shown, pos=int(row["pos"]), n=int(row["n"]),
                  pts=f"{row['contribution']:+.1f}")


# ---------------------------------------------------------------- quality flags

def _median_without(lst: str, lo: str, pos: str, n: str) -> str:
    """SQL: the median of a sorted list with the element at 1-based rank `pos` left out (`n` = the remaining
    count; a `pos` past the end leaves nothing out). `lst` holds the ranks `lo`, `lo`+1 … of the full list
    (the middle is enough). Column names only, from this module."""
    def elem(k: str) -> str:
        return f"(CASE WHEN {k} < {pos} THEN {lst}[{k} - {lo} + 1] ELSE {lst}[{k} - {lo} + 2] END)"
    return (f"CASE WHEN {n} <= 0 THEN NULL WHEN {n} % 2 = 1 THEN {elem(f'(({n} + 1) // 2)')} "
            f"ELSE ({elem(f'({n} // 2)')} + {elem(f'({n} // 2 + 1)')}) / 2 END")


def flags(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
          opts: KolOptions | None = None) -> pd.DataFrame:
    """Quality hints with their evidence, judged on each KOL's posts published up to the end of the range
    (the whole history, not one week). One row per KOL × rule that fires. Peers: other KOLs on the same
    platform and tier when at least MIN_PEERS have a value, else on the same platform."""
    s, opts = s or Settings(), opts or KolOptions()
    life = Filters(None, f.end, f.platforms, f.campaigns, f.content_types, f.kols, f.currency)
    sql, p = _population_sql(life, s, replace(opts, window="cohort"))
    p.update({"min_views": MIN_VIEWS, "min_likes": MIN_LIKES, "er_hi": FLAG_ER_HIGH, "conv_lo": FLAG_CONV_LOW,
              "lv_hi": FLAG_LIKES_VIEWS, "cl_lo": FLAG_COMMENTS_LIKES, "jump": FLAG_FOLLOWER_JUMP,
              "jump_peer": FLAG_FOLLOWER_PEER, "min_peers2": MIN_PEERS, "rules": list(FLAG_RULES)})
    roster_end = "AND as_of <= $r_end" if f.end else ""
    _, wp = where(Filters(platforms=f.platforms), dates=False)
    if f.platforms:
        p["g_platforms"] = wp["platforms"]
    g_plat = "AND list_contains($g_platforms, platform)" if f.platforms else ""

    # Peer medians leave the KOL itself out: per group, the sorted values around the middle and each KOL's rank
    # among them give the median of the others in closed form (a self-join would be O(n²)).
    checks = {"er": "views >= $min_views", "conv_per_1k": "views >= $min_views",
              "likes_views": "views >= $min_views", "comments_likes": "likes >= $min_likes"}
    groups = {"t": "platform, tier", "p": "platform"}
    own = ", ".join(f"({m} IS NOT NULL AND {c}) AS {m}_in" for m, c in checks.items())
    ranks = ", ".join(f"CASE WHEN {m}_in THEN row_number() OVER (PARTITION BY {cols}, {m}_in ORDER BY {m}) END "
                      f"AS {m}_r{g}" for m in checks for g, cols in groups.items())

    def middles(g: str) -> str:
        lst = {m: f"coalesce(list_sort(list({m}) FILTER (WHERE {m}_in)), [])" for m in checks}
        return ", ".join(f"len({lst[m]}) AS {m}_cnt{g}, greatest(1, (len({lst[m]}) - 1) // 2) AS {m}_lo{g}, "
                         f"list_slice({lst[m]}, greatest(1, (len({lst[m]}) - 1) // 2), "
                         f"greatest(1, (len({lst[m]}) - 1) // 2) + 3) AS {m}_l{g}" for m in checks)

    def medians() -> str:
        out = []
        for m in checks:
            for g in groups:
                pos = f"coalesce({m}_r{g}, {m}_cnt{g} + 1)"
                n = f"({m}_cnt{g} - CASE WHEN {m}_in THEN 1 ELSE 0 END)"
                out.append(f"{_median_without(f'{m}_l{g}', f'{m}_lo{g}', pos, n)} AS {m}_med{g}, {n} AS {m}_n{g}")
        return ", ".join(out)

    def pick(metric: str) -> str:
        return (f"CASE WHEN {metric}_nt >= $min_peers2 THEN {metric}_medt ELSE {metric}_medp END AS {metric}_med, "
                f"CASE WHEN {metric}_nt >= $min_peers2 THEN {metric}_nt ELSE {metric}_np END AS {metric}_n, "
                f"CASE WHEN {metric}_nt >= $min_peers2 THEN 'tier' ELSE 'platform' END AS {metric}_scope")

    q = f"""WITH {sql},
    pop0 AS (SELECT *, {own} FROM sc WHERE has_results),
    pop AS MATERIALIZED (SELECT *, {ranks} FROM pop0),
    mt AS (SELECT platform, tier, {middles('t')} FROM pop GROUP BY platform, tier),
    mp AS (SELECT platform, {middles('p')} FROM pop GROUP BY platform),
    x0 AS (SELECT * FROM pop JOIN mt USING (platform, tier) JOIN mp USING (platform)),
    x1 AS (SELECT *, {medians()} FROM x0),
    x AS MATERIALIZED (SELECT *, {pick('er')}, {pick('conv_per_1k')}, {pick('likes_views')},
                              {pick('comments_likes')} FROM x1),
    -- follower growth between consecutive roster snapshots (up to the end of the range); each KOL's largest
    -- step is compared with the median largest step of the platform's other KOLs
    snaps AS (
        SELECT platform || '|' || kol AS key, platform, as_of, followers,
               lag(followers) OVER (PARTITION BY platform, kol ORDER BY as_of) AS prev_followers,
               lag(as_of) OVER (PARTITION BY platform, kol ORDER BY as_of) AS prev_as_of
        FROM kol_roster_active WHERE followers IS NOT NULL {roster_end} {g_plat}
    ),
    steps AS (SELECT *, followers / prev_followers - 1 AS growth FROM snaps WHERE prev_followers > 0),
    best AS (
        SELECT key, platform, max(growth) AS growth, arg_max(prev_followers, growth) AS prev_followers,
               arg_max(followers, growth) AS followers, arg_max(prev_as_of, growth) AS prev_as_of,
               arg_max(as_of, growth) AS as_of
        FROM steps GROUP BY key, platform
    ),
    br AS (SELECT *, row_number() OVER (PARTITION BY platform ORDER BY growth) AS gpos FROM best),
    gl AS (SELECT platform, len(list(growth)) AS gcnt, greatest(1, (len(list(growth)) - 1) // 2) AS glo,
                  list_slice(list_sort(list(growth)), greatest(1, (len(list(growth)) - 1) // 2),
                             greatest(1, (len(list(growth)) - 1) // 2) + 3) AS gl
           FROM best GROUP BY platform),
    j1 AS (SELECT br.*, gl.gl, gl.glo, gl.gcnt - 1 AS growth_n FROM br JOIN gl USING (platform)),
    jumps AS MATERIALIZED (SELECT *, {_median_without('gl', 'glo', 'gpos', 'growth_n')} AS growth_med FROM j1),
    out AS (
        SELECT key, 'high_er_low_conv' AS rule, er AS value, er_med AS peer_median, er_n AS peer_n,
               er_scope AS scope, conv_per_1k AS value2, conv_per_1k_med AS peer_median2,
               NULL::DOUBLE AS from_value, NULL::DATE AS from_date, NULL::DATE AS to_date
        FROM x WHERE views >= $min_views AND er >= $er_hi * er_med AND er_med > 0
                 AND conv_per_1k <= $conv_lo * conv_per_1k_med AND conv_per_1k_med > 0
        UNION ALL
        SELECT key, 'likes_views', likes_views, likes_views_med, likes_views_n, likes_views_scope, likes, views,
               NULL, NULL, NULL
        FROM x WHERE views >= $min_views AND (likes > views OR (likes_views >= $lv_hi * likes_views_med
                                                                AND likes_views_med > 0))
        UNION ALL
        SELECT key, 'comments_likes', comments_likes, comments_likes_med, comments_likes_n, comments_likes_scope,
               comments, likes, NULL, NULL, NULL
        FROM x WHERE likes >= $min_likes AND comments_likes <= $cl_lo * comments_likes_med
                 AND comments_likes_med > 0
        UNION ALL
        SELECT key, 'follower_jump', growth, growth_med, growth_n, 'platform', followers, NULL,
               prev_followers, prev_as_of, as_of
        FROM jumps WHERE growth >= $jump AND (growth_med IS NULL OR growth_med <= 0 OR growth >= $jump_peer * growth_med)
               AND key IN (SELECT key FROM sc)
    )
    SELECT o.*, s.kol, s.platform, s.tier FROM out o JOIN sc s USING (key)
    WHERE s.in_filter ORDER BY s.kol, s.platform, list_position($rules, o.rule), o.to_date"""
    return con.execute(q, p).df()


def flag_text(row: dict, lang: str) -> str:
    """The evidence of one flag in words with its numbers."""
    r = row["rule"]
    scope = i18n.t(f"kol.scope.{row['scope']}", lang, n=int(row["peer_n"]) if pd.notna(row["peer_n"]) else 0)
    med = row["peer_median"]
    ratio = "—"
    if pd.notna(med) and med > 0 and pd.notna(row["value"]):
        x = row["value"] / med
        ratio = f"{x:.1f}×" if x >= 1 else f"{x:.2g}×"
    if r == "high_er_low_conv":
        return i18n.t("kol.flag.high_er_low_conv.text", lang, er=fmt.pct(row["value"]), med=fmt.pct(med), ratio=ratio,
                      conv=f"{row['value2']:.2f}", conv_med=f"{row['peer_median2']:.2f}", scope=scope)
    if r == "likes_views":
        return i18n.t("kol.flag.likes_views.text", lang, v=f"{row['value']:.3f}", med=f"{med:.3f}" if pd.notna(med)
                      else "—", ratio=ratio, likes=fmt.count(row["value2"], lang),
                      views=fmt.count(row["peer_median2"], lang), scope=scope)
    if r == "comments_likes":
        return i18n.t("kol.flag.comments_likes.text", lang, v=f"{row['value']:.4f}", med=f"{med:.3f}", ratio=ratio,
                      comments=fmt.count(row["value2"], lang), likes=fmt.count(row["peer_median2"], lang), scope=scope)
    growth_med = fmt.pct(med, 1) if pd.notna(med) else "—"
    return i18n.t("kol.flag.follower_jump.text", lang, a=fmt.count(row["from_value"], lang),
                  b=fmt.count(row["value2"], lang), g=f"{row['value'] * 100:+.0f}%",
                  d1=pd.Timestamp(row["from_date"]).date().isoformat(), d2=pd.Timestamp(row["to_date"]).date().isoformat(),
                  med=growth_med, n=int(row["peer_n"]) if pd.notna(row["peer_n"]) else 0)


# ---------------------------------------------------------------- comparison, trend, scatter

def compare(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None, opts: KolOptions | None,
            keys: list[str], metrics: list[str], *, pop: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long table for 2–5 chosen KOLs: one row per KOL × metric with the value and its peer-group median."""
    s, opts = s or Settings(), opts or KolOptions()
    ms = [m for m in metrics if m in COMPARE_METRICS]
    if not keys or not ms:
        return pd.DataFrame(columns=["key", "kol", "platform", "tier", "peer_group", "peer_n", "metric", "value",
                                     "tier_median", "pos"])
    with _source(con, f, s, opts, pop) as (sql, p):
        return _compare(con, sql, dict(p), keys, ms)


def _compare(con: duckdb.DuckDBPyConnection, sql: str, p: dict, keys: list[str], ms: list[str]) -> pd.DataFrame:
    p["keys"] = list(keys)
    meds = ", ".join(f"median({m}) OVER (PARTITION BY peer_group) AS med_{m}" for m in ms)
    items = ", ".join(f"{{'metric': '{m}', 'value': {m}::DOUBLE, 'tier_median': med_{m}::DOUBLE, "
                      f"'ord': {i}}}" for i, m in enumerate(ms))
    q = f"""WITH {sql},
    pop AS (SELECT *, count(*) OVER (PARTITION BY peer_group) AS peer_n, {meds} FROM sc WHERE has_results),
    u AS (SELECT key, kol, platform, tier, peer_group, peer_n, unnest([{items}], recursive := true)
          FROM pop WHERE list_contains($keys, key))
    SELECT * FROM u ORDER BY ord, list_position($keys, key)"""
    return con.execute(q, p).df()


def trend(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None, key: str,
          grain: str = "week") -> pd.DataFrame:
    """One KOL over time, all history up to the end of the range.

    grain 'week': per data week, ER and conversions of that week and the running CPE (fees to date ÷
    interactions to date). grain 'publish_week': per week of publishing, the lifetime ER, CPE and conversions
    of the posts published that week (their fee items are dated the same way). Each row also carries the
    KOL's own median and interquartile band of every series shown.
    """
    s = s or Settings()
    if grain not in TREND_GRAINS:
        raise ValueError(grain)
    platform, kol = split_key(key)
    base = Filters(None, f.end, (platform,), f.campaigns, f.content_types, (kol,), f.currency)
    w, p = where(base)
    p["rc"] = f.currency
    cw, cp = where(Filters(None, f.end, (platform,), (), (), (kol,), f.currency))
    for k, v in cp.items():
        cw = cw.replace(f"${k}", f"$c_{k}")
        p[f"c_{k}"] = v
    er = _er_sums(s)
    if er:
        er_cols, er_expr = f"{er[0]} AS er__num, {er[1]} AS er__den", "er__num / nullif(er__den, 0)"
    else:
        p["r_kol"], p["r_platform"] = kol, platform
        end_cond = "AND as_of <= $c_end" if f.end else ""
        er_cols = ("(SELECT arg_max(followers, as_of) FROM kol_roster_active WHERE kol = $r_kol "
                   f"AND platform = $r_platform {end_cond}) AS fol")
        er_expr = "interactions / nullif(fol, 0)"
    pub = ("coalesce(CAST(published_at AS DATE), CASE WHEN content_id IS NOT NULL THEN "
           "min(date) OVER (PARTITION BY content_id) END, date)")
    bucket = "date_trunc('week', date)::DATE" if grain == "week" else f"date_trunc('week', {pub})::DATE"
    if grain == "week":
        cpe = "sum(fee) OVER (ORDER BY week) / nullif(sum(interactions) OVER (ORDER BY week), 0)"
    else:
        cpe = "fee / nullif(interactions, 0)"
    band = ", ".join(
        f"quantile_cont({c}, 0.25) OVER () AS {c}_q1, median({c}) OVER () AS {c}_med, "
        f"quantile_cont({c}, 0.75) OVER () AS {c}_q3" for c in ("er", "cpe", "conversions"))
    q = f"""WITH
    rows_ AS (SELECT *, {bucket} AS week FROM (SELECT *, {pub} AS pub_date FROM fact_rc($rc)
              WHERE kol IS NOT NULL AND {w})),
    fs AS (SELECT week, count(DISTINCT content_id) AS posts, sum(exposure) AS exposure,
                  sum(interactions) AS interactions, sum(conversions) AS conversions, sum(revenue_rc) AS revenue,
                  {er_cols}
           FROM rows_ GROUP BY week),
    fe AS (SELECT date_trunc('week', date)::DATE AS week, sum(amount_rc) AS fee FROM other_costs_rc($rc)
           WHERE category = 'kol' AND NOT fx_missing AND {cw} GROUP BY 1),
    j AS (SELECT * FROM fs FULL OUTER JOIN fe USING (week)),
    m AS (SELECT *, {er_expr} AS er, {cpe} AS cpe FROM j)
    SELECT week, posts, fee, exposure, interactions, conversions, revenue, er, cpe, {band}
    FROM m WHERE interactions IS NOT NULL OR conversions IS NOT NULL OR fee IS NOT NULL ORDER BY week"""
    return con.execute(q, p).df()


def scatter(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None, opts: KolOptions | None,
            y: str = "conversions", *, pop: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fee vs a result for KOLs with a fee and results; quadrants split at the medians of the KOLs shown."""
    s, opts = s or Settings(), opts or KolOptions()
    if y not in SCATTER_Y:
        raise ValueError(y)
    with _source(con, f, s, opts, pop) as (sql, p):
        return _scatter(con, sql, p, y)


def _scatter(con: duckdb.DuckDBPyConnection, sql: str, p: dict, y: str) -> pd.DataFrame:
    q = f"""WITH {sql},
    sp_x AS (SELECT key, kol, platform, tier, fee, {y} AS result, cpa, cpe, roi FROM sc
             WHERE in_filter AND has_results AND fee > 0 AND {y} IS NOT NULL),
    sp_m AS (SELECT *, median(fee) OVER () AS fee_med, median(result) OVER () AS result_med FROM sp_x)
    SELECT *, CASE WHEN fee <= fee_med AND result >= result_med THEN 'cheap_strong'
                   WHEN fee > fee_med AND result >= result_med THEN 'costly_strong'
                   WHEN fee <= fee_med THEN 'cheap_weak' ELSE 'costly_weak' END AS quadrant
    FROM sp_m ORDER BY fee DESC"""
    return con.execute(q, p).df()


# ---------------------------------------------------------------- display and export frames

DISPLAY_COLUMNS = ("kol", "platform", "tier", "followers", "posts", "fee", "contract_fee_per_post", "exposure",
                   "interactions", "er", "er_followers", "cpm", "cpe", "conversions", "cpa", "revenue", "roi",
                   "cost_per_follow", "score", "flags")
# Presenting, the scorecard shows the columns the room decides on (fee against what it brought, and the
# hints), so that nothing it needs sits beyond the screen's right edge; the exports keep every column.
ROOM_COLUMNS = ("kol", "platform", "tier", "fee", "exposure", "er", "cpe", "revenue", "roi", "score", "flags")


def scorecard_frame(sc: pd.DataFrame, sco: pd.DataFrame, fl: pd.DataFrame, lang: str,
                    opts: KolOptions) -> pd.DataFrame:
    """The scorecard for the table and the exports: labels translated, score and flag names attached."""
    out = sc.copy()
    score = dict(zip(sco["key"], sco["score"], strict=False)) if not sco.empty else {}
    out["score"] = out["key"].map(score).astype("float64")
    names = {}
    for key, rule in zip(fl["key"], fl["rule"], strict=False):
        names.setdefault(key, []).append(i18n.t(f"kol.flag.{rule}", lang))
    out["flags"] = out["key"].map(lambda k: "；".join(dict.fromkeys(names.get(k, []))) if lang == "zh"
                                  else "; ".join(dict.fromkeys(names.get(k, []))))
    out["platform"] = out["platform"].map(lambda x: i18n.platform_label(x, lang))
    out["tier"] = out["tier"].map(lambda x: tier_label(x, lang, opts))
    return out[list(DISPLAY_COLUMNS)]


def export_frame(frame: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """The scorecard with translated headers (money columns name the currency) for CSV/XLSX."""
    def head(c: str) -> str:
        label = column_label(c, lang)
        unit = KOL_METRICS.get(c, ("",))[0]
        return f"{label} ({currency})" if unit == "money" else label
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype("float64")  # nullable ints → NaN, written as empty cells
    return out.rename(columns={c: head(c) for c in out.columns})


def column_label(c: str, lang: str) -> str:
    if c in ("kol", "platform"):
        return i18n.field_label(c, lang)
    if c in ("tier", "score", "flags"):
        return i18n.t(f"kol.col.{c}", lang)
    return metric_label(c, lang)



# ---------------------------------------------------------------- page helpers (text and tables, no arithmetic)

def label_of(kol: str, platform: str, lang: str) -> str:
    """A KOL's display label: name · platform (the same name may work on two platforms)."""
    return f"{kol} · {i18n.platform_label(platform, lang)}"


def tiers_text(opts: KolOptions, lang: str) -> str:
    """The tiers in force as markdown lines (our own labels only, no user text)."""
    tiers = tiers_in_force(opts, lang)
    lines = []
    for scheme in schemes_in_force(opts):
        t = tiers[tiers["scheme"] == scheme]
        who = ""
        if opts.preset == "auto":
            who = i18n.t(f"kol.scheme.for_{scheme}", lang)
            who = f"（{who}）" if lang == "zh" else f" ({who})"
        items = " · ".join(r if n == r else f"{n} {r}" for n, r in zip(t["name"], t["range"], strict=False))
        lines.append(f"**{i18n.t('kol.scheme.' + scheme, lang)}{who}**: {items}")
    return "  \n".join(lines)


SHORT_RANGE_DAYS = 28


def short_range_days(start: dt.date | None, end: dt.date | None, lo: dt.date | None,
                     hi: dt.date | None) -> int | None:
    """The length of a date range shorter than four weeks inside loaded data (KOL results need longer)."""
    if not (start and end and lo and hi):
        return None
    days = (end - start).days + 1
    return days if 0 < days < SHORT_RANGE_DAYS and (start > lo or end < hi) else None


def fee_only_platforms(sc: pd.DataFrame) -> list[str]:
    """Platforms of KOLs that have fees but no post data in the scorecard."""
    mask = sc["fee"].fillna(0).gt(0) & ~sc["has_results"].astype(bool)
    return list(dict.fromkeys(sc.loc[mask, "platform"]))


def top_bottom_frame(part: pd.DataFrame, lang: str, currency: str, opts: KolOptions,
                     flagged: set[str]) -> pd.DataFrame:
    """One row per KOL of a top_bottom() side: place, label, tier, score, reasons in words, fee, hint mark."""
    rows = []
    for key, g in part.groupby("key", sort=False):
        r0 = g.iloc[0]
        reasons = [reason_text(r, lang, currency) for r in g.to_dict("records") if isinstance(r.get("metric"), str)]
        rows.append({
            i18n.t("kol.score.rank", lang): int(r0["place"]),
            i18n.field_label("kol", lang): label_of(r0["kol"], r0["platform"], lang),
            i18n.t("kol.col.tier", lang): tier_label(r0["tier"], lang, opts),
            i18n.t("kol.col.score", lang): float(r0["score"]),
            i18n.t("kol.score.reasons", lang): "；".join(reasons) if lang == "zh" else "; ".join(reasons),
            metric_label("fee", lang): fmt.money(r0["fee"], currency, lang),
            i18n.t("kol.col.flags", lang): i18n.t("kol.score.flag_mark", lang) if key in flagged else "",
        })
    return pd.DataFrame(rows)


def definitions_md(s: Settings, lang: str) -> str:
    """Every KOL metric with its formula and the settings in force, as a markdown list."""
    return "\n".join("- " + i18n.t("kol.definitions_line", lang, name=metric_label(m, lang),
                                   formula=metric_formula(m, s, lang))
                     for m in KOL_METRICS if metric_formula(m, s, lang))


def scorecard_styler(frame: pd.DataFrame, lang: str, currency: str):
    """The scorecard with display text per language (¥1.2万 / ¥12.0K, '—' when undefined); the numbers
    underneath stay numeric, so sorting a column sorts by value."""
    def fmt_col(col: str):
        if col == "score":
            return lambda v: fmt.DASH if v is None or pd.isna(v) else f"{float(v):.0f}"
        if col == "followers":
            return lambda v: fmt.count(None if pd.isna(v) else float(v), lang)
        return lambda v: format_value(col, v, currency, lang)
    numeric = [c for c in frame.columns if c in KOL_METRICS or c == "score"]
    return frame.style.format({c: fmt_col(c) for c in numeric}, na_rep=fmt.DASH)


def page_data(con: duckdb.DuckDBPyConnection, f: Filters, s: Settings | None = None,
              opts: KolOptions | None = None) -> dict:
    """Everything the KOL page shows for one filter state, planning the population query once."""
    s, opts = s or Settings(), opts or KolOptions()
    pop = population(con, f, s, opts)
    return {"pop": pop, "sc": scorecard(con, f, s, opts, pop=pop), "scores": scores(con, f, s, opts, pop=pop),
            "tb": top_bottom(con, f, s, opts, pop=pop), "totals": totals(con, f, s, opts, pop=pop),
            "flags": flags(con, f, s, opts), "missing": missing_fx(con, f)}
