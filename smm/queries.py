"""Filtered aggregations shared by pages and the CLI (values always bound as parameters)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from smm import periods
from smm.schema import METRICS, quote_ident


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters; empty tuples mean 'all'."""

    start: dt.date | None = None
    end: dt.date | None = None
    platforms: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    content_types: tuple[str, ...] = ()
    kols: tuple[str, ...] = ()
    currency: str = "CNY"
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def shifted(self, start: dt.date, end: dt.date) -> Filters:
        return Filters(start, end, self.platforms, self.campaigns, self.content_types, self.kols, self.currency)


def where(f: Filters, alias: str = "", *, dates: bool = True) -> tuple[str, dict]:
    """SQL condition and named parameters for the filters (column names from the canonical schema)."""
    a = f"{alias}." if alias else ""
    conds, params = ["true"], {}
    if dates and f.start:
        conds.append(f"{a}date >= $start")
        params["start"] = f.start
    if dates and f.end:
        conds.append(f"{a}date <= $end")
        params["end"] = f.end
    for name, col, values in (("platforms", "platform", f.platforms), ("campaigns", "campaign", f.campaigns),
                              ("ctypes", "content_type", f.content_types), ("kols", "kol", f.kols)):
        if values:
            conds.append(f"list_contains(${name}, {a}{quote_ident(col)})")
            params[name] = list(values)
    return " AND ".join(conds), params


def _sums_sql(extra: str = "") -> str:
    parts = [f"sum({quote_ident(m)}) AS {quote_ident(m)}" for m in METRICS if m not in ("spend", "revenue")]
    parts += ["sum(spend_rc) AS spend", "sum(revenue_rc) AS revenue"]
    return ", ".join(parts) + (", " + extra if extra else "")


def totals(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """Sums of every canonical metric (money in the reporting currency) plus sums per original currency."""
    w, p = where(f)
    p["rc"] = f.currency
    row = con.execute(f"SELECT {_sums_sql('count(*) AS n_rows')} FROM fact_rc($rc) WHERE {w} AND NOT fx_missing",
                      p).df().iloc[0]
    out = {m: (None if pd.isna(row[m]) else float(row[m])) for m in METRICS}
    out["rows"] = int(row["n_rows"])
    by_cur = con.execute(
        f"SELECT currency, sum(spend) AS spend, sum(revenue) AS revenue, bool_or(fx_missing) AS missing "
        f"FROM fact_rc($rc) WHERE {w} GROUP BY currency ORDER BY currency", p).fetchall()
    out["by_currency"] = {c: {"spend": s, "revenue": r} for c, s, r, _ in by_cur}
    out["missing_fx"] = sorted(c for c, s, r, miss in by_cur if miss)
    out["currency"] = f.currency
    return out


def weekly_by_platform(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per ISO week (Monday) × platform with the summed metrics in the reporting currency."""
    w, p = where(f)
    p["rc"] = f.currency
    return con.execute(
        f"SELECT date_trunc('week', date)::DATE AS week, platform, {_sums_sql()} FROM fact_rc($rc) "
        f"WHERE {w} AND NOT fx_missing GROUP BY ALL ORDER BY week, platform", p).df()


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    """First and last date in the active facts."""
    lo, hi = con.execute("SELECT min(date), max(date) FROM fact_active").fetchall()[0]
    return lo, hi


def default_week(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """The default date range: the last Monday–Sunday week of the data that holds any of it, as
    periods.last_complete_week picks it for data ending at the last day before a pause. Data that pauses and
    then resumes with a few days, such as lifetime exports dated the Monday they were downloaded after a gap,
    would otherwise default to the empty week between."""
    lo, hi = data_range(con)
    start, end = periods.last_complete_week(lo, hi)
    if hi is None or end == hi:
        return start, end
    while True:     # (each turn ends before the last: the data's first days end it at the latest)
        latest = con.execute("SELECT max(date) FROM fact_active WHERE date <= ?", [end]).fetchall()[0][0]
        if latest is None or latest >= start:       # the week holds data (or there is none before it)
            return start, end
        start, end = periods.last_complete_week(lo, latest)     # as if the data ended there


def distinct_values(con: duckdb.DuckDBPyConnection, col: str) -> list[str]:
    """Distinct non-empty values of one canonical text dimension (for filter choices)."""
    q = quote_ident(col)
    return [r[0] for r in con.execute(
        f"SELECT DISTINCT {q} FROM fact_active WHERE {q} IS NOT NULL ORDER BY 1").fetchall()]


def batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The load history, newest first. A file with a platform column (generic template, roster, plan, costs) has
    no platform of its own: `platform` lists the platforms it loaded instead (comma-separated ids, recorded at
    load). `profile_name`: a saved format's name as it was when the file loaded (the format may be deleted since)."""
    return con.execute("""
        SELECT batch_id, file_name, profile, coalesce(platform, platforms) AS platform, kind, rows_loaded,
               rows_rejected, rows_summary, date_min, date_max, as_of, loaded_at, status, is_sample, profile_name
        FROM load_batches ORDER BY batch_id DESC""").df()


def format_names(hist: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Each batch of `batches()` by its format's name: from `names` ({id: name} of the formats there are now, in
    the reader's language), else the name a saved format had when the file loaded (deleted since), else its id."""
    return [names.get(pid) or (w if isinstance(w, str) and w else pid)
            for pid, w in zip(hist["profile"], hist["profile_name"], strict=True)]


def has_data(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM load_batches").fetchall()[0][0] > 0


def sample_only(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every loaded batch is bundled sample data."""
    n, s = con.execute("SELECT count(*), count(*) FILTER (WHERE is_sample) FROM load_batches "
                       "WHERE status = 'loaded'").fetchall()[0]
    return n > 0 and n == s


def fx_rates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT currency, cny_per_unit FROM fx_rates ORDER BY currency").df()


def save_fx_rates(con: duckdb.DuckDBPyConnection, rates: dict[str, float]) -> None:
    """Replace the exchange-rate table in one transaction (positive rates only)."""
    clean = {c.strip().upper(): float(r) for c, r in rates.items() if c and r and float(r) > 0}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM fx_rates")
        con.executemany("INSERT INTO fx_rates (currency, cny_per_unit) VALUES (?, ?)", list(clean.items()))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def has_live_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True when at least one batch is loaded (not deleted)."""
    return con.execute("SELECT count(*) FROM load_batches WHERE status = 'loaded'").fetchall()[0][0] > 0
