"""The daily rollups (migration 002), kept exactly equal to aggregations of `fact_active`:

- `fact_daily`: one row per (date, platform, campaign, content_type, kol, currency);
- `fact_daily_platform`: one row per (date, platform, currency), the sum of fact_daily's rows.

Every writer of `fact` calls `refresh_batch` inside its transaction (smm.ingest does, in `_commit` and
`delete_batch`). It recomputes both rollups for every date the batch can have touched, from their one
definition each, the views `fact_daily_source` and `fact_daily_platform_source`.
"""

from __future__ import annotations

import re

import duckdb

# Dimensions of one rollup row (besides date). Any filter or grouping on these can be served by the rollup.
DIMS: tuple[str, ...] = ("platform", "campaign", "content_type", "kol", "currency")
PLATFORM_DIMS: tuple[str, ...] = ("platform", "currency")
# (table, its definition, its dimensions)
TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fact_daily", "fact_daily_source", DIMS),
    ("fact_daily_platform", "fact_daily_platform_source", PLATFORM_DIMS),
)

# Plain sums kept per rollup row (money in the original currency).
SUMS: tuple[str, ...] = ("spend", "revenue", "impressions", "reach", "views", "clicks", "likes", "comments",
                         "shares", "saves", "follows", "conversions", "orders", "exposure", "interactions")

# (numerator, denominator) pairs summed over rows that report both: every paired ratio of the registry
# under every setting. A registry metric whose pair is missing here is computed from the base rows.
PAIRS: tuple[tuple[str, str], ...] = (
    ("clicks", "impressions"), ("conversions", "clicks"), ("conversions", "impressions"),
    ("interactions", "impressions"), ("interactions", "reach"), ("interactions", "views"),
    ("spend", "impressions"), ("spend", "clicks"), ("spend", "interactions"), ("spend", "conversions"),
    ("spend", "follows"), ("revenue", "orders"), ("revenue", "conversions"),
)

_IDENT = re.compile(r"[a-z_]+")


def pair_cols(num: str, den: str) -> tuple[str, str]:
    """The rollup columns holding a pair's numerator and denominator sums."""
    if (num, den) not in PAIRS:
        raise KeyError((num, den))
    return f"pn_{num}__{den}", f"pd_{num}__{den}"


def columns(dims: tuple[str, ...] = DIMS) -> list[str]:
    """Every column of a rollup table with these dimensions, in table order."""
    out = ["date", *dims, "n_rows", *SUMS]
    for n, d in PAIRS:
        out.extend(pair_cols(n, d))
    return out


# Dates a batch can have changed in fact_active: its own rows and the rows it replaced (same key, so same
# date), its stated date range (covers rows that a delete already removed), and every snapshot date of the
# posts it touched (weekly deltas of those posts are re-derived).
_DIRTY = """
SELECT date AS d FROM fact WHERE batch_id = $b OR superseded_by = $b
UNION SELECT unnest(generate_series(date_min, date_max, INTERVAL 1 DAY))::DATE FROM load_batches
    WHERE batch_id = $b AND kind IN ('daily', 'snapshot') AND date_min IS NOT NULL AND date_max IS NOT NULL
UNION SELECT as_of FROM snapshots WHERE post_key IN (
    SELECT post_key FROM snapshots WHERE batch_id = $b OR superseded_by = $b {extra})
"""


def refresh_batch(con: duckdb.DuckDBPyConnection, batch_id: int, posts_table: str | None = None) -> int:
    """Recompute the rollup for every date batch `batch_id` can have touched; call inside its transaction.

    `posts_table` names a temp table with a `post_key` column of posts whose weekly rows were re-derived
    (delete_batch passes `_del_posts`). Returns the number of dates refreshed.
    """
    extra = ""
    if posts_table:
        if not _IDENT.fullmatch(posts_table):
            raise ValueError(f"bad table name {posts_table!r}")
        extra = f"UNION SELECT post_key FROM {posts_table}"
    con.execute("CREATE OR REPLACE TEMP TABLE _rollup_dirty AS " + _DIRTY.format(extra=extra), {"b": batch_id})
    return _refresh_dirty(con)


def refresh_dates(con: duckdb.DuckDBPyConnection, dates: list) -> int:
    """Recompute the rollup for the given dates (for writers of fact other than a batch)."""
    con.execute("CREATE OR REPLACE TEMP TABLE _rollup_dirty AS SELECT DISTINCT unnest(?::DATE[]) AS d", [dates])
    return _refresh_dirty(con)


def _refresh_dirty(con: duckdb.DuckDBPyConnection) -> int:
    try:
        n, lo, hi = con.execute("SELECT count(*), min(d), max(d) FROM _rollup_dirty").fetchall()[0]
        if n:
            # The range lets DuckDB skip row groups of fact by their date statistics; IN keeps it exact.
            # fact_daily first: fact_daily_platform is defined over it.
            cond = "date BETWEEN $lo AND $hi AND date IN (SELECT d FROM _rollup_dirty)"
            for table, source, _ in TABLES:
                con.execute(f"DELETE FROM {table} WHERE {cond}", {"lo": lo, "hi": hi})
                con.execute(f"INSERT INTO {table} SELECT * FROM {source} WHERE {cond} ORDER BY date, platform",
                            {"lo": lo, "hi": hi})
        return int(n)
    finally:
        con.execute("DROP TABLE IF EXISTS _rollup_dirty")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the whole rollup from fact_active in one transaction (repair tool; never needed normally)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, source, _ in TABLES:
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM {source} ORDER BY date, platform")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# Each rollup recomputed from fact_active directly (not through fact_daily, nor through fact_daily_source's own
# form of the paired sums: FILTER here, CASE there since migration 009), to check it independently.
_FROM_BASE = "SELECT date, {dims}, count(*) AS n_rows, {sums} FROM ({rows}) GROUP BY ALL"


def differences(con: duckdb.DuckDBPyConnection, tol: float = 1e-9) -> dict[str, int]:
    """Count rows of each rollup that differ from a fresh aggregation of fact_active (all 0 = exact)."""
    rows = ("SELECT f.*, coalesce(f.impressions, f.views, f.reach) AS exposure, CASE WHEN coalesce(f.likes, "
            "f.comments, f.shares, f.saves) IS NULL THEN NULL ELSE coalesce(f.likes, 0) + coalesce(f.comments, 0) "
            "+ coalesce(f.shares, 0) + coalesce(f.saves, 0) END AS interactions FROM fact_active f")
    sums = [f"sum({c}) AS {c}" for c in SUMS]
    for n, d in PAIRS:
        pn, pd_ = pair_cols(n, d)
        cond = f"{n} IS NOT NULL AND {d} IS NOT NULL"
        sums += [f"sum({n}) FILTER (WHERE {cond}) AS {pn}", f"sum({d}) FILTER (WHERE {cond}) AS {pd_}"]
    fresh = {table: _FROM_BASE.format(dims=", ".join(dims), sums=", ".join(sums), rows=rows)
             for table, _, dims in TABLES}
    out = {}
    for table, _, dims in TABLES:
        keys = ["date", *dims]
        on = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
        vals = [c for c in columns(dims) if c not in keys]
        diff = " OR ".join(
            f"(a.{c} IS NULL) <> (b.{c} IS NULL) OR abs(a.{c} - b.{c}) > {tol} * greatest(1, abs(b.{c}))"
            for c in vals)
        q = (f"SELECT count(*) FROM {table} a FULL OUTER JOIN ({fresh[table]}) b ON {on} "
             f"WHERE a.date IS NULL OR b.date IS NULL OR {diff}")
        out[table] = int(con.execute(q).fetchall()[0][0])
    return out
