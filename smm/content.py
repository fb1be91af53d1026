"""Content performance: one row per post, forms × platforms, themes, best time to post, outliers.

Grain of every query here: a *post* is one (platform, content_id) among fact rows that carry a content_id.
Its figures are the registry's base sums over its rows, so every ratio is computed from sums exactly as
`smm.metrics` defines it (ER base, CVR base from `Settings`); division by zero gives NULL.

Two scopes, always stated on the page:
- ``lifetime``: posts *published* in the date range, with every row up to the range end. For cumulative
  creator exports this is the latest snapshot on or before the end (the weekly differences add up to it).
- ``weekly``: every post with activity in the date range, counting only the gains inside it (weekly
  differences between snapshots; a post's first snapshot counts whole).

Values always reach SQL as bound parameters; identifiers come from the registry or the canonical schema.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from smm import metrics
from smm.metrics import Settings
from smm.queries import Filters, where

SCOPES = ("lifetime", "weekly")

# Per-post measures that get a median beside their total (ratios: median of per-post ratios).
MEDIAN_METRICS = (
    "exposure",
    "interactions",
    "er",
    "ctr",
    "cvr",
    "conversions",
    "revenue",
    "follows",
    "cpe_cost",
)
# Metrics a user can rank posts by, chart forms by, or colour the best-time heatmap by.
RANK_METRICS = ("er", "interactions", "exposure", "conversions", "revenue", "follows", "ctr", "cpe_cost")
FORM_METRICS = ("er", "exposure", "interactions", "conversions", "revenue", "ctr", "cpe_cost")
HEAT_METRICS = ("er", "exposure", "interactions", "ctr", "conversions", "revenue")

# Content-page CPE: cost attributable to a post (paid spend on it + the KOL fee booked for it) ÷ interactions.
CPE_COST = {"id": "cpe_cost", "unit": "money", "direction": -1}

SETTINGS_RULES_KEY = "content.theme_rules"
SETTINGS_PREFS_KEY = "content.prefs"
DEFAULT_PREFS = {"min_exposure": 1000, "min_posts": 3}

_ALIAS = re.compile(r"^[a-z_]+$")
_KW_SPLIT = re.compile(r"[,，、;；\n]+")


# The registry ratios this page shows per post and per group (their paired sums are all it aggregates).
REGISTRY_RATIOS = ("er", "ctr", "cvr", "roas")


def _registry_sql(s: Settings) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The registry as SQL: (alias, additive aggregate over fact_rc rows), (metric id, expression over them).

    The expressions read the aliases plus `followers`, `er_f__num`/`er_f__den` (ER on a followers base) and
    `total_cost`, which this module supplies. Taken from smm.metrics so that no formula is typed twice.
    """
    sums = [
        (a, agg) for a, agg in metrics._row_sums(s) if "__" not in a or a.split("__")[0] in REGISTRY_RATIOS
    ]
    exprs = [
        (m.id, metrics._metric_expr(m, s, True)) for m in metrics.REGISTRY.values() if m.id in REGISTRY_RATIOS
    ]
    return sums, exprs


def _q(name: str) -> str:
    """Quote a registry alias (ids are lower-case constants of ours, never user text)."""
    if not _ALIAS.match(name):
        raise ValueError(f"not a registry alias: {name!r}")
    return f'"{name}"'


RATIO_METRICS = ("er", "ctr", "cvr", "cpe_cost")  # a pooled ratio from sums exists beside the per-post median


def unit(metric_id: str) -> str:
    return CPE_COST["unit"] if metric_id == "cpe_cost" else metrics.get(metric_id).unit


def direction(metric_id: str) -> int:
    return CPE_COST["direction"] if metric_id == "cpe_cost" else metrics.get(metric_id).direction


# ---------------------------------------------------------------- theme rules and page preferences


@dataclass(frozen=True)
class ThemeRule:
    keywords: tuple[str, ...]
    theme: str


def parse_rules(rows: list[dict]) -> list[ThemeRule]:
    """Usable rules from editor rows, in order: keywords split on commas; rows without a theme are skipped."""
    out = []
    for r in rows:
        theme = str(r.get("theme") or "").strip()
        kws = tuple(k.strip().lower() for k in _KW_SPLIT.split(str(r.get("keywords") or "")) if k.strip())
        if theme and kws:
            out.append(ThemeRule(kws, theme))
    return out


def clean_rows(rows: list[dict]) -> list[dict]:
    """Keep what the user typed (also half-filled rows, so an edit in progress is never lost)."""
    out = []
    for r in rows:
        kw = r.get("keywords")
        th = r.get("theme")
        kw = "" if kw is None or (isinstance(kw, float) and pd.isna(kw)) else str(kw).strip()
        th = "" if th is None or (isinstance(th, float) and pd.isna(th)) else str(th).strip()
        if kw or th:
            out.append({"keywords": kw, "theme": th})
    return out


def _get_setting(con: duckdb.DuckDBPyConnection, key: str) -> object | None:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    return json.loads(rows[0][0]) if rows else None


def _put_setting(con: duckdb.DuckDBPyConnection, key: str, value: object) -> None:
    con.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, current_timestamp) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json.dumps(value, ensure_ascii=False)],
    )


def load_theme_rules(con: duckdb.DuckDBPyConnection) -> list[dict] | None:
    """The stored rule rows ({keywords, theme}), or None when the user never saved any."""
    v = _get_setting(con, SETTINGS_RULES_KEY)
    return clean_rows(v) if isinstance(v, list) else None


def save_theme_rules(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[dict]:
    """Store the rule rows (order kept: the first matching rule wins); returns what was stored."""
    clean = clean_rows(rows)
    _put_setting(con, SETTINGS_RULES_KEY, clean)
    return clean


def load_prefs(con: duckdb.DuckDBPyConnection) -> dict:
    """Page thresholds stored with the data: minimum exposure for rankings, minimum posts per heatmap cell."""
    v = _get_setting(con, SETTINGS_PREFS_KEY)
    out = dict(DEFAULT_PREFS)
    if isinstance(v, dict):
        out.update({k: v[k] for k in DEFAULT_PREFS if isinstance(v.get(k), int | float) and v[k] >= 0})
    return out


def save_prefs(con: duckdb.DuckDBPyConnection, **prefs: float) -> dict:
    cur = load_prefs(con)
    cur.update({k: v for k, v in prefs.items() if k in DEFAULT_PREFS and v is not None and v >= 0})
    _put_setting(con, SETTINGS_PREFS_KEY, cur)
    return cur


DEFAULT_RULES = ("giveaway", "ingredients", "review", "tutorial", "diary", "picks")


def default_theme_rules(lang: str) -> list[dict]:
    """Suggested starting rules in the user's language (shown until the team saves its own)."""
    from smm.i18n import t

    return [
        {"keywords": t(f"content.rule.{r}", lang), "theme": t(f"content.rule.{r}.theme", lang)}
        for r in DEFAULT_RULES
    ]


def rules_param(rules: list[ThemeRule]) -> list[dict]:
    """Rules as one bound list of structs: (position, keyword, theme)."""
    return [{"pos": i, "kw": kw, "theme": r.theme} for i, r in enumerate(rules) for kw in r.keywords]


# ---------------------------------------------------------------- the per-post query

_RULES_TYPE = "STRUCT(pos INTEGER, kw VARCHAR, theme VARCHAR)[]"


def _posts_sql(f: Filters, s: Settings, scope: str, rules: list[ThemeRule]) -> tuple[str, dict]:
    """CTEs ending in `pm`: one row per post with its attributes, base sums, cost and every metric."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    sums, exprs = _registry_sql(s)
    if scope == "weekly":
        w, p = where(f)
        having = ""
    else:
        w, p = where(f, dates=False)
        if f.end:
            w += " AND date <= $end"
            p["end"] = f.end
        conds = []
        pub = "coalesce(min(published_at)::DATE, min(coalesce(period_start, date)))"
        if f.start:
            conds.append(f"{pub} >= $start")
            p["start"] = f.start
        if f.end:
            conds.append(f"{pub} <= $end")
        having = ("HAVING " + " AND ".join(conds)) if conds else ""
    p["rc"] = f.currency
    p["rules"] = rules_param(rules)
    fee_w = ["category = 'kol'", "kol IS NOT NULL", "NOT fx_missing"]
    if f.start:
        fee_w.append("date >= $start")
        p["start"] = f.start
    if f.end:
        fee_w.append("date <= $end")
        p["end"] = f.end
    p["fend"] = f.end
    total_cost = "spend" if s.roi_basis == "paid" else "NULL::DOUBLE"
    sum_cols = ", ".join(f"{agg} AS {_q(a)}" for a, agg in sums)
    metric_cols = ", ".join(f"{e} AS {_q(m)}" for m, e in exprs)
    sql = f"""
    rows_ AS (
        SELECT * FROM fact_rc($rc) WHERE content_id IS NOT NULL AND NOT fx_missing AND {w}
    ),
    ps AS (  -- one row per post: attributes of its latest row that has them (arg_max skips a NULL value; a
             -- FILTER saying so cost 10% of posts()), registry sums over its rows in scope
        SELECT platform, content_id,
               arg_max(content_title, date) AS content_title,
               arg_max(content_type, date) AS content_type,
               arg_max(content_url, date) AS content_url,
               arg_max(CASE WHEN nullif(trim(theme), '') IS NOT NULL THEN theme END, date) AS theme_export,
               arg_max(kol, date) AS kol,
               min(published_at) AS published_at,
               bool_or(from_snapshot) AS cumulative,
               bool_or(first_snapshot) AS first_snapshot_in_scope,
               max(date) AS last_date,
               {sum_cols}
        FROM rows_ GROUP BY platform, content_id {having}
    ),
    rules_ AS (SELECT unnest($rules::{_RULES_TYPE}, recursive := true)),
    titles AS MATERIALIZED (  -- lower-cased once, not once per (post, keyword) pair
        SELECT platform, content_id, lower(content_title) AS title_lc FROM ps WHERE content_title IS NOT NULL
    ),
    th AS (  -- the first rule (in the user's order) whose keyword occurs in the title
        SELECT titles.platform, titles.content_id, arg_min(rules_.theme, rules_.pos) AS rule_theme,
               min(rules_.pos) AS rule_pos
        FROM titles JOIN rules_ ON contains(titles.title_lc, rules_.kw) GROUP BY ALL
    ),
    kol_posts AS (  -- how many posts a KOL published on a platform that day (a fee item is split among them)
        SELECT platform, kol, published_at::DATE AS d, count(DISTINCT content_id) AS n
        FROM fact_active WHERE kol IS NOT NULL AND content_id IS NOT NULL AND published_at IS NOT NULL
        GROUP BY ALL
    ),
    fees AS (
        SELECT platform, kol, date AS d, sum(amount_rc) AS amount
        FROM other_costs_rc($rc) WHERE {" AND ".join(fee_w)} GROUP BY ALL
    ),
    roster AS (
        SELECT kol, platform, coalesce(arg_max(followers, as_of) FILTER (WHERE $fend IS NULL OR as_of <= $fend),
                                       arg_min(followers, as_of)) AS followers
        FROM kol_roster_active WHERE followers IS NOT NULL GROUP BY ALL
    ),
    p0 AS (
        SELECT ps.*, coalesce(ps.theme_export, th.rule_theme) AS theme,
               CASE WHEN ps.theme_export IS NOT NULL THEN 'export' WHEN th.rule_theme IS NOT NULL THEN 'rule' END
                   AS theme_source,
               CASE WHEN ps.theme_export IS NULL THEN th.rule_pos END AS theme_rule,
               fees.amount / kol_posts.n AS kol_fee,
               roster.followers AS followers
        FROM ps
        LEFT JOIN th USING (platform, content_id)
        LEFT JOIN kol_posts ON kol_posts.platform = ps.platform AND kol_posts.kol = ps.kol
             AND kol_posts.d = ps.published_at::DATE
        LEFT JOIN fees ON fees.platform = ps.platform AND fees.kol = ps.kol AND fees.d = ps.published_at::DATE
        LEFT JOIN roster ON roster.platform = ps.platform AND roster.kol = ps.kol
    ),
    p1 AS (
        SELECT *,
               CASE WHEN spend IS NULL AND kol_fee IS NULL THEN NULL
                    ELSE coalesce(spend, 0) + coalesce(kol_fee, 0) END AS cost,
               {total_cost} AS total_cost,
               CASE WHEN followers IS NOT NULL THEN interactions END AS er_f__num,
               CASE WHEN interactions IS NOT NULL THEN followers END AS er_f__den
        FROM p0
    ),
    pm AS (
        SELECT *, {metric_cols},
               CASE WHEN interactions IS NOT NULL THEN cost END AS cpe_cost__num,
               CASE WHEN cost IS NOT NULL THEN interactions END AS cpe_cost__den,
               CASE WHEN interactions IS NOT NULL THEN cost END / nullif(interactions, 0) AS cpe_cost,
               isodow(published_at) AS weekday, hour(published_at) AS hour
        FROM p1
    )"""
    return sql, p


_FRAME = "_content_posts"


def _source(f: Filters, s: Settings, scope: str, rules, posts: pd.DataFrame | None) -> tuple[str, dict]:
    """CTEs ending in `pm` (one row per post): computed from the store, or read from a `posts()` result.

    Passing the `posts()` frame of the same filters, settings, scope and rules lets a page compute the
    per-post sums once and run every roll-up over them (the roll-ups are still SQL, over that frame).
    """
    if posts is None:
        return _posts_sql(f, s, scope, list(rules))
    return (
        f"rules_ AS (SELECT unnest($rules::{_RULES_TYPE}, recursive := true)), pm AS (SELECT * FROM {_FRAME})",
        {"rules": rules_param(list(rules)), "_frame": posts},
    )


def _run(con: duckdb.DuckDBPyConnection, ctes: str, select: str, params: dict) -> pd.DataFrame:
    params = dict(params)
    frame = params.pop("_frame", None)
    if frame is None:
        return con.execute(f"WITH {ctes}\n{select}", params).df()
    con.register(_FRAME, frame)
    try:
        return con.execute(f"WITH {ctes}\n{select}", params).df()
    finally:
        con.unregister(_FRAME)


def posts(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
) -> pd.DataFrame:
    """One row per post: title, platform, type, publish time, KOL, theme, every base sum and metric, cost."""
    ctes, p = _posts_sql(f, s or Settings(), scope, list(rules))
    return _run(con, ctes, "SELECT * FROM pm ORDER BY platform, published_at, content_id", p)


def _group_sql(s: Settings, keys: list[str]) -> str:
    """CTEs g0 → g rolling posts up to `keys`: summed registry aliases, post counts, medians, metrics."""
    sums, exprs = _registry_sql(s)
    total_cost = "spend" if s.roi_basis == "paid" else "NULL::DOUBLE"
    k = ", ".join(keys)
    sum_cols = ", ".join(f"sum({_q(a)}) AS {_q(a)}" for a, _ in sums)
    med_cols = ", ".join(
        f"median({_q(m)}) AS {_q(m + '_median')}, count({_q(m)}) AS {_q(m + '_posts')}, "
        f"avg({_q(m)}) AS {_q(m + '_mean')}"
        for m in MEDIAN_METRICS
    )
    metric_cols = ", ".join(f"{e} AS {_q(m)}" for m, e in exprs)
    # ER on a followers base, as metrics.compute does it: interactions of KOL posts over the followers of
    # those KOLs, each KOL counted once per group (not once per post).
    kol_rank = (
        f"row_number() OVER (PARTITION BY {k}, kol, platform ORDER BY er_f__den IS NULL, content_id)"
        if s.er_base == "followers"
        else "1"
    )
    return f"""
    gk AS (SELECT *, {kol_rank} AS kol_rank FROM pm),
    g0 AS (
        SELECT {k}, count(*) AS posts, {sum_cols}, sum(cost) AS cost, sum(kol_fee) AS kol_fee,
               sum(cpe_cost__num) AS cpe_cost__num, sum(cpe_cost__den) AS cpe_cost__den,
               sum(er_f__num) AS er_f__num, sum(er_f__den) FILTER (WHERE kol_rank = 1) AS er_f__den, {med_cols}
        FROM gk GROUP BY {k}
    ),
    g1 AS (SELECT *, er_f__den AS followers, {total_cost} AS total_cost FROM g0),
    g AS (SELECT *, {metric_cols}, cpe_cost__num / nullif(cpe_cost__den, 0) AS cpe_cost FROM g1)"""


def by_type_platform(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per platform × content type: totals, ratios from sums, post counts, per-post medians."""
    s = s or Settings()
    ctes, p = _source(f, s, scope, rules, posts)
    return _grouped(
        con, ctes, p, s, ["platform", "content_type"], "ORDER BY platform, content_type NULLS LAST"
    )


def _grouped(con, ctes: str, p: dict, s: Settings, keys: list[str], order: str) -> pd.DataFrame:
    return _run(con, ctes + "," + _group_sql(s, keys), "SELECT * FROM g " + order, p)


def by_theme(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    split_platform: bool = False,
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per theme (× platform when asked); posts without a theme form the NULL theme row."""
    s = s or Settings()
    ctes, p = _source(f, s, scope, rules, posts)
    keys = ["theme", "platform"] if split_platform else ["theme"]
    return _grouped(con, ctes, p, s, keys, "ORDER BY theme IS NULL, posts DESC, " + ", ".join(keys))


def rule_matches(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> list[int]:
    """How many posts in scope each rule themes (first match wins; export themes take precedence)."""
    ctes, p = _source(f, s or Settings(), scope, rules, posts)
    got = dict(
        _run(
            con,
            ctes,
            """
        SELECT theme_rule, count(*) FROM pm WHERE theme_source = 'rule' GROUP BY theme_rule""",
            p,
        ).itertuples(index=False, name=None)
    )
    return [int(got.get(i, 0)) for i in range(len(rules))]


def top_bottom(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    metric: str = "er",
    min_exposure: float = 0,
    n: int = 10,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n best and n worst posts by `metric` among posts with exposure ≥ min_exposure.

    Best means highest for higher-is-better metrics and lowest for cost metrics. A post appears once:
    the bottom list excludes the top list when fewer than 2n posts qualify. Ties break by exposure, then id.
    """
    if metric not in RANK_METRICS:
        raise ValueError(f"cannot rank by {metric!r}")
    ctes, p = _source(f, s or Settings(), scope, rules, posts)
    p["min_exp"] = float(min_exposure)
    p["n"] = int(n)
    m = _q(metric)
    best, worst = ("DESC", "ASC") if direction(metric) >= 0 else ("ASC", "DESC")
    df = _top_bottom_df(con, ctes, p, m, best, worst)
    top = df[df["list"] == "top"].reset_index(drop=True)
    bottom = df[df["list"] == "bottom"].reset_index(drop=True)
    return top, bottom


def _top_bottom_df(con, ctes: str, p: dict, m: str, best: str, worst: str) -> pd.DataFrame:
    # Rank on a narrow projection, then fetch the few chosen posts whole (windows over wide rows are slow).
    ranked = f"""
    r AS (
        SELECT platform, content_id, {m} AS rank_value,
               row_number() OVER (ORDER BY {m} {best}, exposure DESC, platform, content_id) AS rank_best,
               row_number() OVER (ORDER BY {m} {worst}, exposure DESC, platform, content_id) AS rank_worst,
               count(*) OVER () AS ranked
        FROM pm WHERE {m} IS NOT NULL AND coalesce(exposure, 0) >= $min_exp
    ),
    chosen AS (SELECT * FROM r WHERE rank_best <= $n OR rank_worst <= $n)"""
    return _run(
        con,
        ctes + "," + ranked,
        """
        SELECT pm.*, c.rank_value, c.rank_best, c.rank_worst, c.ranked,
               CASE WHEN c.rank_best <= $n THEN 'top' ELSE 'bottom' END AS list,
               CASE WHEN c.rank_best <= $n THEN c.rank_best ELSE c.rank_worst END AS rank
        FROM chosen c JOIN pm ON pm.platform = c.platform AND pm.content_id = c.content_id
        ORDER BY list DESC, rank""",
        p,
    )


def scope_info(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> dict:
    """What the figures cover: posts, posts from cumulative exports, latest snapshot used, ER coverage."""
    ctes, p = _source(f, s or Settings(), scope, rules, posts)
    row = _run(
        con,
        ctes,
        """
        SELECT count(*) AS posts, count(*) FILTER (WHERE cumulative) AS cumulative_posts,
               max(last_date) FILTER (WHERE cumulative) AS last_snapshot,
               count(*) FILTER (WHERE cumulative AND first_snapshot_in_scope) AS first_snapshot_posts,
               count(er) AS er_posts, count(*) FILTER (WHERE theme IS NOT NULL) AS themed_posts,
               count(*) FILTER (WHERE theme_source = 'export') AS export_themed_posts
        FROM pm""",
        p,
    ).iloc[0]
    out = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    for k in (
        "posts",
        "cumulative_posts",
        "first_snapshot_posts",
        "er_posts",
        "themed_posts",
        "export_themed_posts",
    ):
        out[k] = int(out[k] or 0)
    out["platforms"] = [
        r[0]
        for r in _run(
            con,
            ctes,
            """
        SELECT platform, count(*) AS n FROM pm GROUP BY platform ORDER BY n DESC, platform""",
            p,
        ).itertuples(index=False, name=None)
    ]
    if out["last_snapshot"] is not None:
        out["last_snapshot"] = pd.Timestamp(out["last_snapshot"]).date()
    return out


FEW_POSTS = 40  # below this many posts in scope, the page offers a wider date range


def wider_ranges(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, tuple[dt.date, dt.date]]:
    """Date ranges worth offering when the chosen one holds few posts: the 4 weeks to its end, and all data."""
    lo, hi = con.execute(
        "SELECT least(min(date), min(published_at)::DATE), max(date) FROM fact_active WHERE content_id IS NOT NULL"
    ).fetchall()[0]
    if lo is None:
        return {}
    end = min(f.end or hi, hi)
    out = {"4w": (max(lo, end - dt.timedelta(days=27)), end), "all": (lo, hi)}
    return {k: v for k, v in out.items() if v != (f.start, f.end)}


HOUR_BLOCKS = (1, 2, 3, 4, 6)


def heatmap(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    platform: str,
    metric: str = "er",
    min_posts: int = 3,
    hour_block: int = 1,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Publish weekday (1 = Monday) × hour block of one platform: posts and the median per-post metric.

    Every cell of the grid is returned; `reliable` is false where fewer than `min_posts` posts have a value.
    """
    if metric not in HEAT_METRICS and metric != "cpe_cost":
        raise ValueError(f"no heatmap for {metric!r}")
    if hour_block not in HOUR_BLOCKS:
        raise ValueError(f"hour block must be one of {HOUR_BLOCKS}")
    ctes, p = _source(f, s or Settings(), scope, rules, posts)
    p.update({"hplat": platform, "block": int(hour_block), "min_posts": int(min_posts)})
    return _heat(con, ctes, p, metric)


def _heat(con, ctes: str, p: dict, metric: str) -> pd.DataFrame:
    return _run(
        con,
        ctes
        + f""",
    cells AS (SELECT d AS weekday, h AS hour_start FROM range(1, 8) t(d), range(0, 24, $block) u(h)),
    hp AS (SELECT weekday, (hour // $block) * $block AS hour_start, {_q(metric)} AS v
           FROM pm WHERE platform = $hplat AND published_at IS NOT NULL)""",
        """
        SELECT cells.weekday::INTEGER AS weekday, cells.hour_start::INTEGER AS hour_start,
               (cells.hour_start + $block)::INTEGER AS hour_end,
               count(hp.weekday) AS posts, count(hp.v) AS posts_with_value, median(hp.v) AS value,
               count(hp.v) >= greatest($min_posts, 1) AS reliable
        FROM cells LEFT JOIN hp USING (weekday, hour_start)
        GROUP BY ALL ORDER BY weekday, hour_start""",
        p,
    )


def best_slots(heat: pd.DataFrame, metric: str, n: int = 3) -> pd.DataFrame:
    """The n best reliable cells of a heatmap result (highest, or lowest for cost metrics)."""
    ok = heat[heat["reliable"] & heat["value"].notna()]
    return ok.sort_values(["value", "posts_with_value"], ascending=[direction(metric) < 0, False]).head(n)


def outliers(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    z: float = 3.0,
    min_exposure: float = 0,
    min_group: int = 5,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Posts whose ER is far from their platform × type norm: robust z-score of ln(ER).

    z = (ln ER − median ln ER) / (1.4826 × MAD), within platform × content type, over posts with ER > 0 and
    exposure ≥ min_exposure, in groups of at least `min_group` such posts with MAD > 0. `factor` is the post's
    ER over the group's median ER. Sorted by |z|, largest first.
    """
    ctes, p = _source(f, s or Settings(), scope, rules, posts)
    p.update({"z": float(z), "min_exp": float(min_exposure), "min_group": int(min_group)})
    return _run(
        con,
        ctes
        + """,
    o0 AS (SELECT platform, content_type, content_id, er, ln(er) AS log_er
           FROM pm WHERE er > 0 AND coalesce(exposure, 0) >= $min_exp),
    o1 AS (SELECT *, median(log_er) OVER g AS log_median, median(er) OVER g AS group_median,
                  count(*) OVER g AS group_posts
           FROM o0 WINDOW g AS (PARTITION BY platform, content_type)),
    o2 AS (SELECT *, median(abs(log_er - log_median)) OVER (PARTITION BY platform, content_type) AS mad FROM o1),
    o3 AS (SELECT platform, content_id, log_er, log_median, group_median, group_posts, mad,
                  (log_er - log_median) / (1.4826 * mad) AS robust_z, er / group_median AS factor
           FROM o2 WHERE group_posts >= $min_group AND mad > 0)""",
        """
        SELECT pm.*, o3.log_er, o3.log_median, o3.group_median, o3.group_posts, o3.mad, o3.robust_z, o3.factor
        FROM o3 JOIN pm ON pm.platform = o3.platform AND pm.content_id = o3.content_id
        WHERE abs(o3.robust_z) >= $z ORDER BY abs(o3.robust_z) DESC, pm.platform, pm.content_id""",
        p,
    )


def form_headlines(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    s: Settings | None = None,
    *,
    metric: str = "er",
    min_posts: int = 3,
    scope: str = "lifetime",
    rules: list[ThemeRule] = (),
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per platform, the best content type by per-post median against the runner-up, largest gap first.

    Only types with at least `min_posts` posts that have a value take part; `factor` = best ÷ runner-up
    (runner-up ÷ best for cost metrics, so it is always ≥ 1).
    """
    if metric not in MEDIAN_METRICS:
        raise ValueError(f"no per-post median for {metric!r}")
    s = s or Settings()
    ctes, p = _source(f, s, scope, rules, posts)
    p["min_posts"] = int(min_posts)
    med, n = _q(metric + "_median"), _q(metric + "_posts")
    order = "DESC" if direction(metric) >= 0 else "ASC"
    ratio = "a.value / nullif(b.value, 0)" if direction(metric) >= 0 else "b.value / nullif(a.value, 0)"
    return _run(
        con,
        ctes
        + ","
        + _group_sql(s, ["platform", "content_type"])
        + f""",
    ranked AS (
        SELECT platform, content_type, {med} AS value, {n} AS posts,
               row_number() OVER (PARTITION BY platform ORDER BY {med} {order}, content_type) AS pos
        FROM g WHERE content_type IS NOT NULL AND {med} IS NOT NULL AND {n} >= $min_posts
    )""",
        f"""
        SELECT a.platform, a.content_type AS best, a.value AS best_value, a.posts AS best_posts,
               b.content_type AS other, b.value AS other_value, b.posts AS other_posts, {ratio} AS factor
        FROM ranked a JOIN ranked b ON a.platform = b.platform AND a.pos = 1 AND b.pos = 2
        ORDER BY factor DESC NULLS LAST, a.platform""",
        p,
    )
