"""Load one export file: read, recognise, clean in SQL, validate, then write all or nothing, once."""

from __future__ import annotations

import concurrent.futures
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from smm import readers, rollups
from smm.errors import IngestError
from smm.profiles import Match, Profile, get_profile, map_headers, norm_header, recognise
from smm.schema import (
    BATCH_TABLES,
    BUDGET_CATEGORY_ALIASES,
    CONTENT_TYPE_ALIASES,
    FACT_NARROW_COLUMNS,
    FACT_TABLES,
    FIELD_KINDS,
    GRAIN_DIMS,
    MAY_BE_NEGATIVE,
    METRICS,
    PLATFORM_ALIASES,
    SUMMARY_BATCHES,
    quote_ident,
)

MAX_ERRORS_REPORTED = 200
LOAD_STEPS = ("read", "check", "write")    # what ingest_bytes tells on_step, in order
# The reasons a single row is rejected for (each has an i18n "why.<code>" wording).
ROW_ERROR_CODES = ("not_a_number", "negative", "bad_date", "date_out_of_range", "not_a_duration",
                   "clicks_gt_impressions", "unknown_content_type", "unknown_platform", "unknown_category",
                   "missing_key")
DATE_MIN = dt.date(2000, 1, 1)
_counter = itertools.count(1)
# One writer at a time in this process (every app session shares it): DuckDB refuses two transactions that
# update the same rows ("Conflict on update"), which two overlapping uploads in two sessions would do.
_WRITE_LOCK = threading.RLock()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure without hiding it: DuckDB has already ended a transaction whose COMMIT
    failed (disk full), and then ROLLBACK itself would raise "no transaction is active"."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _serialized(fn):
    @functools.wraps(fn)
    def locked(*args, **kwargs):
        with _WRITE_LOCK:
            return fn(*args, **kwargs)
    return locked
_NUMERIC_EXTRA = ("watch_hours", "followers", "fee", "posts", "planned", "amount")
_DATE_IN_NAME = re.compile(r"(20\d{2})[-_.]?([01]\d)[-_.]?([0-3]\d)")
_DATE_RANGE = re.compile(
    r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:-|~|–|—|至|到|to)\s*"
    r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
# `16 November 2026 - 22 November 2026`, `November 16, 2026 - November 22, 2026` (Google Ads; its commas gone where
# the line was read as CSV cells, `November 16 2026 - …`), months written out or short (`Nov`, `Sept.`).
_DATE_RANGE_EN = re.compile(
    r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(20\d{2})\s*[-–]\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(20\d{2})"
    r"|([A-Za-z]+)\.?\s+(\d{1,2}),?\s*(20\d{2})\s*[-–]\s*([A-Za-z]+)\.?\s+(\d{1,2}),?\s*(20\d{2})")


_MONTH_WORDS = {**_MONTHS, **{m[:3]: i for m, i in _MONTHS.items()}, "sept": 9}


def _month(name: str) -> int:
    """The number of an English month written out or short (`Nov`, `Sept`); KeyError for any other word."""
    return _MONTH_WORDS[name.lower()]


@dataclass
class LoadOptions:
    """What the user states about a file that the file itself may not say."""

    profile_id: str | None = None       # force a profile instead of recognising one
    as_of: dt.date | None = None        # snapshot date / date of an undated file
    period: tuple[dt.date, dt.date] | None = None  # period an undated file covers
    on_invalid: str = "reject"          # reject: load nothing | load_valid: load the valid rows
    decimal: str = "."                  # "," for files with European decimals (1.234,56)
    is_sample: bool = False
    today: dt.date | None = None        # injected in tests
    lang: str = "en"                    # language of the rejected-rows CSV's headers and reasons


@dataclass
class LoadReport:
    file: str
    status: str = "rejected"            # loaded | already_loaded | rejected | unrecognised
    profile: str | None = None
    platform: str | None = None
    kind: str | None = None
    batch_id: int | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_summary: int = 0
    rows_superseded: int = 0
    rows_merged: int = 0                # rows summed into another row of the same file (same key)
    rows_valid: int = 0                 # rows that passed every check (loaded, or held back with a rejected file)
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    as_of: dt.date | None = None
    currency: str | None = None
    errors: list[dict] = field(default_factory=list)
    # Every rejected row counted by column and reason (errors lists only the first MAX_ERRORS_REPORTED):
    # [{"column", "code", "rows"}], the most frequent first.
    error_counts: list[dict] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    preview: list[list] = field(default_factory=list)
    rejected_csv: bytes | None = None
    options: LoadOptions | None = field(default=None, repr=False, compare=False)   # what the file was loaded with
    sha256: str | None = None           # the file's digest, once its rows were read
    loaded_at: dt.datetime | None = None    # already_loaded: when the batch it repeats was loaded (batch_id)

    def rows_not_listed(self, listed: int) -> int:
        """Rejected rows that the first `listed` errors do not name (the rest of them are in rejected_csv)."""
        return self.rows_rejected - len({e.get("row") for e in self.errors[:listed] if e.get("row") is not None})

    def as_json(self) -> dict:
        """The CLI's JSON object for this file: exactly the keys issue 2 specifies (a contract for cron jobs)."""
        return {
            "file": self.file, "status": "rejected" if self.status == "unrecognised" else self.status,
            "profile": self.profile, "platform": self.platform,
            "rows_loaded": self.rows_loaded, "rows_rejected": self.rows_rejected,
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "errors": [{"row": e.get("row"), "column": e.get("column"), "message": e.get("message")}
                       for e in self.errors],
        }


# ---------------------------------------------------------------- helpers

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A large upload is hashed on a thread (hashlib lets go of the GIL) while its layout is found and its bytes
# scanned: 0.1-0.15 s less on a 110 MB file. A small one is hashed when its digest is needed.
_HASH_ASIDE_BYTES = 4 << 20
_HASHING = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="smm-sha256")


class _Stop(Exception):  # noqa: N818 - not an error: the load ends here with this report
    """Raised from the check before a file's rows are read: the load ends with `report`."""

    def __init__(self, report: LoadReport) -> None:
        super().__init__(report.status)
        self.report = report


def _already_loaded(con: duckdb.DuckDBPyConnection, digest: str, as_of: dt.date | None = None) -> int | None:
    """The loaded batch of the same bytes (and, for a file dated from outside its content, the same date)."""
    rows = con.execute("SELECT batch_id FROM load_batches WHERE sha256 = ? AND status = 'loaded' "
                       "AND (CAST(? AS DATE) IS NULL OR as_of = ?) ORDER BY batch_id DESC LIMIT 1",
                       [digest, as_of, as_of]).fetchall()
    return rows[0][0] if rows else None


def _parse_ymd(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def stated_range(preamble: list[str], filename: str) -> tuple[dt.date | None, dt.date | None, str | None]:
    """Find the period a file states (preamble date-range line, else a date in its name)."""
    for line in preamble:
        m = _DATE_RANGE.search(line)
        if m:
            return _parse_ymd(*m.group(1, 2, 3)), _parse_ymd(*m.group(4, 5, 6)), "preamble"
        m = _DATE_RANGE_EN.search(line)
        if m:
            g = m.groups()
            try:
                if g[0]:
                    a = dt.date(int(g[2]), _month(g[1]), int(g[0]))
                    b = dt.date(int(g[5]), _month(g[4]), int(g[3]))
                else:
                    a = dt.date(int(g[8]), _month(g[6]), int(g[7]))
                    b = dt.date(int(g[11]), _month(g[9]), int(g[10]))
                return a, b, "preamble"
            except (KeyError, ValueError):
                pass
    found = [d for d in (_parse_ymd(*m.groups()) for m in _DATE_IN_NAME.finditer(Path(filename).name)) if d]
    if found:
        return (found[0] if len(found) > 1 else None), found[-1], "filename"
    return None, None, None


class _Sql:
    """Collects named parameters while building one statement from allow-listed identifiers."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def bind(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return "$" + name


def _col(i: int) -> str:
    return quote_ident(f"c{i}")


def _lookup(sql: _Sql, col: str, mapping: dict[str, str]) -> str:
    keys = list(mapping)
    vals = [mapping[k] for k in keys]
    return (f"CASE WHEN {col} IS NULL THEN NULL ELSE "
            f"({sql.bind(vals)}::VARCHAR[])[list_position({sql.bind(keys)}::VARCHAR[], lower({col}))] END")


# ---------------------------------------------------------------- staging

@dataclass
class _Plan:
    match: Match
    raw: readers.RawTable
    kind: str
    platform: str | None
    as_of: dt.date
    as_of_source: str
    year: int
    currency: str
    # Set when the file's date comes from outside its bytes (file name, user): the same bytes stated for
    # another date are another snapshot, not the same file again.
    dedupe_as_of: dt.date | None = None
    # The period given at upload, else the one a daily report with no date column states (its rows are dated
    # its last day, and keep the period); (None, None) where none is.
    period: tuple[dt.date | None, dt.date | None] = (None, None)


# smm_text(v) trims (two regex tests) and blanks null tokens. Readers already strip the usual whitespace around
# cells, and every null token is at most 6 bytes, so a longer cell that does not start with whitespace (ASCII,
# or a Unicode space the readers leave: U+0085, U+1680, U+2000–U+200B, U+2028/9, U+202F, U+205F, plus the
# ones they strip) is returned as it is: the same result at a fraction of the cost on a million rows.
# Two DuckDB facts shape these templates: an `x IN (constants)` list (smm_text's null-token test) is planned as
# a join over every row even inside a CASE branch, and list_contains is not; a macro called inside a lambda is
# evaluated only for the rows that reach its CASE branch. Each costs ~0.1 s per column per million rows.
_ODD_SPACE = "[133,160,5760,8192,8193,8194,8195,8196,8197,8198,8199,8200,8201,8202,8203,8232,8233,8239,8287,12288,65279]"
_LAZY_TEXT = "list_transform([{v}], lambda smm__s: smm_text(smm__s))[1]"
TEXT_TEMPLATE = (f"CASE WHEN strlen({{v}}) <= 6 OR ord({{v}}) <= 32 OR list_contains({_ODD_SPACE}, ord({{v}})) "
                 f"THEN {_LAZY_TEXT} ELSE {{v}} END")
# A masked small count (<5, ＜10) always contains one of these signs: only those cells need the regex.
MASKED_TEMPLATE = ("CASE WHEN contains({v}, '<') OR contains({v}, '＜') "
                   "THEN list_transform([{v}], lambda smm__s: smm__is_masked(smm_text(smm__s)))[1] ELSE false END")
# First characters (after trimming) of every label smm_is_summary accepts: Total, Grand total, Summary, 合计 …
_SUMMARY_FIRST = "[" + ",".join(str(ord(ch)) for ch in "tTgGsS合總总汇彙全小") + "]"


def _field_exprs(sql: _Sql, plan: _Plan, opts: LoadOptions
                 ) -> tuple[dict[str, tuple[str, int]], dict[str, str], list[str], str, set[int]]:
    """Build the staging SELECT in two layers so each cleaning macro is bound once per column.

    Returns (inner {alias: (template, column)} over the raw table, outer {field: expr} over the inner aliases,
    [error exprs] over the inner aliases, summary expr over the inner aliases, and the number columns whose
    text t{i} / masked flag k{i} `_stage` still has to define: see `_number_text`).
    """
    p = plan.match.profile
    m = plan.match.mapping
    headers = plan.raw.headers
    order = sql.bind(p.date_order)
    # alias -> (template over the cell "{v}", column index); see _stage for how they are evaluated.
    inner: dict[str, tuple[str, int]] = {}
    exprs: dict[str, str] = {}
    errs: list[tuple[str, str]] = []

    def text(i: int) -> str:
        inner.setdefault(f"t{i}", (TEXT_TEMPLATE, i))
        return f"t{i}"

    seen_errs: set[tuple[int, str]] = set()

    def err(cond: str, i: int, code: str) -> None:
        if (i, code) in seen_errs:  # one column feeding two fields (成交订单 → conversions, orders): report once
            return
        seen_errs.add((i, code))
        errs.append((cond, f"{{'column': {sql.bind(headers[i])}, 'code': {sql.bind(code)}, 'value': t{i}}}"))

    num = "smm_num_eu" if opts.decimal == "," else "smm_num"
    numbers: set[int] = set()
    for f, i in m.items():
        kind = FIELD_KINDS[f]
        t = f"t{i}" if kind == "number" else text(i)
        if f == "platform":
            exprs[f] = _lookup(sql, t, PLATFORM_ALIASES)
            err(f"{t} IS NOT NULL AND ({exprs[f]}) IS NULL", i, "unknown_platform")
        elif f == "content_type":
            mp = {**CONTENT_TYPE_ALIASES, **{k.lower(): v for k, v in p.content_type_map.items()}}
            exprs[f] = _lookup(sql, t, mp)
            err(f"{t} IS NOT NULL AND ({exprs[f]}) IS NULL", i, "unknown_content_type")
        elif f == "category" and p.kind in ("budget_plan", "other_costs"):
            exprs[f] = _lookup(sql, t, BUDGET_CATEGORY_ALIASES)
            err(f"{t} IS NOT NULL AND ({exprs[f]}) IS NULL", i, "unknown_category")
        elif f == "currency":
            exprs[f] = f"upper({t})"
        elif kind == "text":
            exprs[f] = t
        elif kind == "number":
            inner[f"n{i}"] = (num + "({v})", i)
            numbers.add(i)
            e = f"n{i}" if f not in p.scale else f"(n{i} * {sql.bind(float(p.scale[f]))})"
            exprs[f] = e
            # Not a number: text that is neither empty, a null token, nor a masked small count.
            err(f"n{i} IS NULL AND {t} IS NOT NULL AND NOT k{i}", i, "not_a_number")
            if f not in MAY_BE_NEGATIVE:
                err(f"{e} < 0", i, "negative")
        elif kind == "date":
            inner[f"d{i}"] = ("smm_date({v}, " + order + ")", i)
            inner[f"y{i}"] = ("smm_date_noyear({v}, " + sql.bind(plan.year) + ")", i)
            # A date written without a year belongs to the latest year that does not put it after the as-of date.
            e = (f"coalesce(d{i}, CASE WHEN y{i} > {sql.bind(plan.as_of)}::DATE "
                 f"THEN CAST(y{i} - INTERVAL 1 YEAR AS DATE) ELSE y{i} END)")
            exprs[f] = e
            err(f"{t} IS NOT NULL AND ({e}) IS NULL", i, "bad_date")
            err(f"({e}) < {sql.bind(DATE_MIN)}::DATE OR ({e}) > "
                f"{sql.bind(max(plan.as_of, opts.today or dt.date.today()) + dt.timedelta(days=400))}::DATE", i,
                "date_out_of_range")
        elif kind == "timestamp":
            inner[f"s{i}"] = ("smm_ts({v}, " + order + ")", i)
            exprs[f] = f"s{i}"
            err(f"{t} IS NOT NULL AND s{i} IS NULL", i, "bad_date")
        elif kind == "duration":
            inner[f"u{i}"] = ("smm_duration({v})", i)
            exprs[f] = f"u{i}"
            err(f"{t} IS NOT NULL AND u{i} IS NULL", i, "not_a_duration")
    if "clicks" in m and "impressions" in m:
        err(f"{exprs['clicks']} > {exprs['impressions']}", m["clicks"], "clicks_gt_impressions")
    # Flags kept with the row: lower bounds such as 10万+ and masked counts such as <5.
    flag_parts = []
    for f, i in m.items():
        if FIELD_KINDS[f] == "number":
            # (a masked <5 never parses, so k{i} is only looked at where n{i} is empty)
            flag_parts.append(f"CASE WHEN n{i} IS NULL THEN (CASE WHEN k{i} THEN {sql.bind(f + ':masked')} END) "
                              f"WHEN ends_with(t{i}, '+') THEN {sql.bind(f + ':lower_bound')} END")
    exprs["flags"] = ("nullif(concat_ws(';', " + ", ".join(flag_parts) + "), '')") if flag_parts else "NULL"

    # Summary rows (never loaded, counted in the report): a label such as Total / 合计 in any mapped text or
    # date column or the first column; a row at the top or bottom whose keys are all empty (Meta and YouTube
    # put totals first); in a dated export, a row with an empty date (subtotals).
    label_cols = sorted({i for f, i in m.items() if FIELD_KINDS[f] in ("text", "date")} | {0})
    # smm_is_summary runs a regex; only a label starting with one of its first letters can match it.
    conds = [f"(CASE WHEN list_contains({_SUMMARY_FIRST}, ord({text(i)})) THEN smm_is_summary(t{i}) ELSE false END)"
             for i in label_cols]
    key_fields = [f for f in (*GRAIN_DIMS, "content_title") if f in m]
    if key_fields and plan.kind in ("daily", "snapshot"):
        all_empty = " AND ".join(f"t{m[f]} IS NULL" for f in key_fields)
        edge = "(_row = (SELECT min(_row) FROM cells) OR _row = (SELECT max(_row) FROM cells))"
        conds.append(f"({edge} AND {all_empty})")
    if "date" in m and plan.kind == "daily":
        conds.append(f"t{m['date']} IS NULL")
    summary = " OR ".join(conds)
    return inner, exprs, errs, summary, numbers


def _number_text(inner: dict[str, tuple[str, int]], numbers: set[int], wide: bool) -> list[str]:
    """Define t{i} (cell text) and k{i} (masked <5?) of the number columns.

    A small file computes them for every cell in the unpivoted inner layer (one macro plan each). In a large
    file almost every number parses, and the text and mask tests only matter where it does not (or where a
    `+` marks a lower bound, which the raw cell shows as well), so they are evaluated lazily over the cleaned
    number: returned as extra outer-layer definitions over r{i} (the raw cell) and n{i}.
    """
    if not wide:
        for i in sorted(numbers):
            inner.setdefault(f"t{i}", (TEXT_TEMPLATE, i))
            inner[f"k{i}"] = (MASKED_TEMPLATE, i)
        return []
    out = []
    for i in sorted(numbers):
        inner[f"r{i}"] = ("{v}", i)
        if f"t{i}" not in inner:
            out.append(f"CASE WHEN n{i} IS NULL THEN {_LAZY_TEXT.format(v=f'r{i}')} ELSE r{i} END AS t{i}")
        out.append(f"CASE WHEN n{i} IS NULL THEN ({MASKED_TEMPLATE.format(v=f'r{i}')}) ELSE false END AS k{i}")
    return out


def _required_key_errors(sql: _Sql, plan: _Plan, exprs: dict[str, str]) -> list[tuple[str, str]]:
    """Blank natural-key fields reject the row: never an unkeyed duplicate."""
    p = plan.match.profile
    m = plan.match.mapping
    need: list[str] = []
    if p.kind == "daily":
        need = [f for f in ("date",) if f in m] + [f for f in p.grain if f in m]
        if p.platform is None:
            need.append("platform")
    elif p.kind == "snapshot":
        key = [f for f in ("content_id", "content_url", "content_title") if f in m]
        if key:
            cond = " AND ".join(f"({exprs[f]}) IS NULL" for f in key)
            return [(cond, f"{{'column': {sql.bind(plan.raw.headers[m[key[0]]])}, 'code': 'missing_key', "
                           "'value': NULL}")]
    elif p.kind == "kol_roster":
        need = ["kol"] + (["platform"] if p.platform is None else [])
    elif p.kind == "budget_plan":
        need = ["period_start", "period_end", "platform", "category", "planned"]
    elif p.kind == "other_costs":
        need = ["date", "platform", "category", "amount"]
    out = []
    for f in need:
        if f not in m:
            continue
        out.append((f"({exprs[f]}) IS NULL AND t{m[f]} IS NULL",
                    f"{{'column': {sql.bind(plan.raw.headers[m[f]])}, 'code': 'missing_key', 'value': NULL}}"))
    return out


# Files up to this many rows are cleaned in the long (unpivoted) form. Measured on DuckDB 2.0: the long form
# costs per cell, the wide one per column in planning (~10 ms) and then little per cell, so they cross at
# about 3,000 rows whatever the width (Qianchuan's 10 cleaned columns and Meta's 14 alike). At 20,000 rows
# the wide form stages in a third of the time (0.13 s against 0.38 s).
LONG_MODE_MAX_ROWS = 3_000


def _cells_sql(inner: dict[str, tuple[str, int]], raw: readers.RawTable, wide: bool,
               lookup_cols: frozenset[int] = frozenset()) -> str:
    """The inner layer: every cleaning macro applied to its column.

    Planning a macro costs 10–30 ms per use, so for a small file (where planning dominates) the mapped
    columns are unpivoted and each macro is applied once to all of them, then pivoted back. A large file
    (where running time dominates) applies each macro to each column directly, except in `lookup_cols`
    (dates: a few hundred distinct values in a million rows, and the date macros are the dearest): those
    are cleaned once per distinct value and joined back.

    The raw table's cells are read through readers.decoded_rows / decoded_values: a GB18030 file's non-ASCII
    cells are decoded here, in this statement (see readers.read_table's defer_decode).
    """
    cols = sorted({i for _, i in inner.values()})
    if not inner:
        return f"SELECT _row FROM {readers.decoded_rows(raw, [])}"
    if wide:
        sel, joins = [], []
        looked = [i for i in cols if i in lookup_cols]
        for i in looked:        # joined on the cell as the table holds it: decoded once per distinct cell
            applied = ", ".join(tpl.format(v="v") + f" AS {a}" for a, (tpl, j) in inner.items() if j == i)
            joins.append(f"LEFT JOIN (SELECT cell, {applied} FROM {readers.decoded_values(raw, i)}) l{i} "
                         f"ON r.{_col(i)} = l{i}.cell")
        for a, (tpl, i) in inner.items():
            sel.append(f"l{i}.{a}" if i in lookup_cols else f"{tpl.format(v='r.' + _col(i))} AS {a}")
        return (f"SELECT r._row, {', '.join(sel)} FROM {readers.decoded_rows(raw, cols, as_read=looked)} r "
                f"{' '.join(joins)}")
    templates = sorted({tpl for tpl, _ in inner.values()})
    applied = ", ".join(f"{tpl.format(v='v')} AS x{k}" for k, tpl in enumerate(templates))
    # any_value skips NULLs: a CASE picks each column's cell as a FILTER would, and costs DuckDB less (the sample's
    # 109 files loaded in 7.9–8.3 s against 8.8–9.5 s, the stored rows the same).
    pivot = ", ".join(
        f"any_value(CASE WHEN col = '{_col(i)[1:-1]}' THEN x{templates.index(tpl)} END) AS {a}"
        for a, (tpl, i) in inner.items())
    return (f"SELECT r._row, {', '.join(inner)} FROM {readers.decoded_rows(raw, [])} r LEFT JOIN (SELECT _row, "
            f"{pivot} FROM (SELECT _row, col, {applied} FROM (UNPIVOT {readers.decoded_rows(raw, cols)} "
            f"ON {', '.join(_col(i) for i in cols)} INTO NAME col VALUE v)) GROUP BY _row) p USING (_row)")


def _stage(con: duckdb.DuckDBPyConnection, plan: _Plan, opts: LoadOptions, stg: str) -> None:
    sql = _Sql()
    inner, exprs, errs, summary, numbers = _field_exprs(sql, plan, opts)
    errs += _required_key_errors(sql, plan, exprs)
    wide = plan.raw.n_rows > LONG_MODE_MAX_ROWS
    lazy = _number_text(inner, numbers, wide)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", stg):
        raise ValueError("bad staging table name")
    cols = ", ".join(f"{e} AS {quote_ident(f)}" for f, e in exprs.items())
    # Rows whose date was written without a year (the year is inferred: the load report says so).
    noyear = " OR ".join(f"(d{i} IS NULL AND y{i} IS NOT NULL)" for f, i in plan.match.mapping.items()
                         if FIELD_KINDS[f] == "date") or "false"
    lookups = frozenset(i for f, i in plan.match.mapping.items() if FIELD_KINDS[f] in ("date", "timestamp"))
    # The list of a row's errors is built only for a row that has one: nearly every row has none, and building
    # then filtering a list of every check per row is the dearest part of staging a large file.
    no_errs = "[]::STRUCT(\"column\" VARCHAR, code VARCHAR, value VARCHAR)[]"
    err_list = (f"CASE WHEN {' OR '.join(f'({c})' for c, _ in errs)} THEN list_filter(["
                + ", ".join(f"CASE WHEN {c} THEN {v} END" for c, v in errs)
                + f"], lambda x: x IS NOT NULL) ELSE {no_errs} END") if errs else no_errs
    # MATERIALIZED keeps the optimiser from inlining each cleaning macro into every check that uses it.
    src = f"(SELECT *, {', '.join(lazy)} FROM cells)" if lazy else "cells"
    q = (f"CREATE OR REPLACE TEMP TABLE {stg} AS WITH cells AS MATERIALIZED "
         f"({_cells_sql(inner, plan.raw, wide, lookups)}) "
         f"SELECT _row, ({summary}) AS _summary, ({noyear}) AS _noyear, "
         f"{err_list} AS _errs, {cols} FROM {src}")
    # The staging statement reads only the file's own temporary tables, so it is run unoptimised (results are the
    # same: the optimiser only reorders and simplifies). A small file's statement is mostly planning: of its ~43 ms
    # for 54 rows, the optimiser took ~18, rewriting the cleaning macros' large expression trees for rows it then
    # runs in a blink (the sample's 14 files of one week: staging 0.72 → 0.45 s). The wide form gains as well,
    # whatever the size, and was never slower (DuckDB 2.0, each file loaded 5 times each way, alternating): staging
    # 0.113 → 0.091 s at 5,000 rows and 0.195 → 0.165 s at 50,000 (Qianchuan CSV), 0.98 → 0.93 s at 1,000,000; the
    # whole load of a 300,000-row Meta ads CSV 1.21 → 1.16 s, of a Xiaohongshu note list 2.36 → 2.30 s, of a
    # 200,000-row XLSX the same.
    con.execute("PRAGMA disable_optimizer")
    try:
        _execute(con, q, sql)
    finally:
        con.execute("PRAGMA enable_optimizer")


def _execute(con: duckdb.DuckDBPyConnection, q: str, sql: _Sql) -> None:
    """Run q with only the parameters it references (DuckDB rejects unused named parameters)."""
    used = set(re.findall(r"\$(p\d+)\b", q))
    con.execute(q, {k: v for k, v in sql.params.items() if k in used})


# ---------------------------------------------------------------- writing

def _key_text(parts: list[str]) -> str:
    """The md5 (hex text) of the parts, NULL-safe: a post's key, kept as text."""
    return "md5(" + _key_concat(parts) + ")"


# Row keys are the md5 of the natural key as a number: its top 127 bits, as a HUGEINT (UHUGEINT has no NumPy
# conversion, so `SELECT *` into pandas would fail). 2^-127 per pair is as safe from collisions as the md5 hex
# text of schema versions 1-5 (migration 006 turned those into these very numbers), and cheaper: no hex text to
# build, store and compare (−0.2 s on a million-row load).
_KEY = "CAST(md5_number({}) >> 1 AS HUGEINT)"


def _key_expr(parts: list[str]) -> str:
    """A row key of the parts (NULL-safe)."""
    return _KEY.format(_key_concat(parts))


def _key_concat(parts: list[str]) -> str:
    return "concat_ws(chr(31), " + ", ".join(f"coalesce(CAST({p} AS VARCHAR), chr(0))" for p in parts) + ")"


def _v(stg_cols: set[str], f: str, default: str = "NULL") -> str:
    return quote_ident(f) if f in stg_cols else default


def _write_daily(con, plan: _Plan, opts: LoadOptions, stg: str, batch: int, sql: _Sql) -> int:
    cols = set(plan.match.mapping)
    platform = _v(cols, "platform", sql.bind(plan.platform))
    currency = f"coalesce({_v(cols, 'currency')}, {sql.bind(plan.currency)})"
    period = plan.period
    if "date" in cols:
        date = quote_ident("date")
    elif "period_start" in cols and "period_end" in cols:
        date = 'CASE WHEN "period_end" = "period_start" THEN "period_start" ELSE "period_end" END'
    elif "period_start" in cols:
        date = quote_ident("period_start")
    else:
        date = sql.bind(period[1] or plan.as_of) + "::DATE"
    ps = _v(cols, "period_start", (sql.bind(period[0]) + "::DATE") if period[0] else "NULL")
    pe = _v(cols, "period_end", (sql.bind(period[1]) + "::DATE") if period[1] else "NULL")
    dims = {d: _v(cols, d) for d in ("account", "campaign", "ad_group", "ad", "content_id", "content_title",
                                     "content_type", "content_url", "theme", "kol")}
    parts = [platform, sql.bind(plan.match.profile.id), *(dims[d] for d in GRAIN_DIMS), date]
    if _undated(plan.match):
        # A report summed over a period: dated its last day, it is not that day's row of a report by day (it would
        # replace it); it replaces only a summary of the same period (a corrected export).
        parts += ["'period summary'", ps]
    key = _key_expr(parts)
    metric_cols = [*METRICS, "watch_hours"]
    mvals = {mm: _v(cols, mm) for mm in metric_cols}
    inner = (
        f"SELECT s._row AS src_row, {key} AS row_key, {platform} AS platform, "
        + ", ".join(f"{e} AS {quote_ident(d)}" for d, e in dims.items())
        + f", {_v(cols, 'published_at')} AS published_at, {date} AS date, {ps} AS period_start, {pe} AS period_end, "
        f"{currency} AS currency, "
        + ", ".join(f"{e} AS {quote_ident(mm)}" for mm, e in mvals.items())
        + f", s.flags AS flags FROM {stg} s "
        "WHERE NOT s._summary AND len(s._errs) = 0"
    )
    agg = (
        "SELECT min(src_row) AS src_row, row_key, any_value(platform) AS platform, "
        + ", ".join(f"any_value({quote_ident(d)}) AS {quote_ident(d)}" for d in dims)
        + ", max(published_at) AS published_at, any_value(date) AS date, min(period_start) AS period_start, "
        "max(period_end) AS period_end, any_value(currency) AS currency, "
        + ", ".join(f"sum({quote_ident(mm)}) AS {quote_ident(mm)}" for mm in metric_cols)
        + ", string_agg(flags, ';') AS flags "
        "FROM ok_rows GROUP BY row_key"
    )
    all_cols = ["src_row", "row_key", "platform", *dims, "published_at", "date", "period_start", "period_end",
                "currency", *metric_cols, "flags"]
    # A file that fills only the columns of a paid-ads performance report goes to fact_narrow (migration 008).
    filled = {c for c, e in (*dims.items(), *mvals.items(), ("published_at", _v(cols, "published_at")),
                             ("period_start", ps), ("period_end", pe)) if e != "NULL"}
    is_narrow = filled <= set(FACT_NARROW_COLUMNS)
    table = FACT_TABLES[1] if is_narrow else FACT_TABLES[0]
    if is_narrow:
        all_cols = [c for c in all_cols if c in FACT_NARROW_COLUMNS]
    col_list = ", ".join(quote_ident(c) if c not in ("src_row", "row_key") else c for c in all_cols)
    insert = (f"INSERT INTO {table} (batch_id, profile, {col_list}) "
              f"SELECT {sql.bind(batch)}, {sql.bind(plan.match.profile.id)}, ")
    # The valid rows go straight from staging into fact (no copy of a million rows in between). Rows of one key
    # are summed into one (an export split by a dimension we do not keep): most files have none, and checking
    # the batch's own rows afterwards is much cheaper than aggregating every file; a file that has some is
    # written again, aggregated, inside the same transaction.
    _execute(con, f"{insert}{col_list} FROM ({inner})", sql)
    if con.execute(f"SELECT count(*) - count(DISTINCT row_key) FROM {table} WHERE batch_id = ?",  # noqa: S608
                   [batch]).fetchall()[0][0]:
        con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch])  # noqa: S608
        _execute(con, f"CREATE OR REPLACE TEMP TABLE ok_rows AS {inner}", sql)
        _execute(con, f"{insert}{col_list} FROM ({agg})", sql)
    con.execute(f"DROP TABLE IF EXISTS {stg}")  # no longer needed: free its memory
    # The rows this file replaces may be in either table (an earlier export of the same rows with more columns).
    return sum(con.execute(
        f"UPDATE {t} SET superseded_by = ? WHERE superseded_by IS NULL AND batch_id <> ? AND row_key IN "  # noqa: S608
        f"(SELECT row_key FROM {table} WHERE batch_id = ?)", [batch, batch, batch]).fetchall()[0][0]
        for t in FACT_TABLES)


def _write_snapshot(con, plan: _Plan, opts: LoadOptions, stg: str, batch: int, sql: _Sql) -> int:
    cols = set(plan.match.mapping)
    platform = _v(cols, "platform", sql.bind(plan.platform))
    currency = f"coalesce({_v(cols, 'currency')}, {sql.bind(plan.currency)})"
    dims = {d: _v(cols, d) for d in ("account", "campaign", "content_title", "content_type", "content_url",
                                     "theme", "kol")}
    cid = ("coalesce(" + _v(cols, "content_id") + ", " + _v(cols, "content_url") + ", 'h:' || md5(concat_ws(chr(31), "
           + _v(cols, "content_title") + ", CAST(" + _v(cols, "published_at") + " AS VARCHAR))))")
    if not {"content_id", "content_url", "content_title", "published_at"} & cols:
        # Nothing identifies a post (e.g. the UCI data set): each row is its own post, never all rows one post.
        cid = "'row ' || CAST(s._row AS VARCHAR)"
    as_of = sql.bind(plan.as_of) + "::DATE"
    prof = sql.bind(plan.match.profile.id)
    post_key = _key_text([platform, prof, dims["account"], cid, dims["kol"]])
    metric_cols = [*METRICS, "watch_hours"]
    inner = (
        f"SELECT s._row AS src_row, {post_key} AS post_key, {platform} AS platform, {cid} AS content_id, "
        + ", ".join(f"{e} AS {quote_ident(d)}" for d, e in dims.items())
        + f", {_v(cols, 'published_at')} AS published_at, {currency} AS currency, "
        + ", ".join(f"{_v(cols, mm)} AS {quote_ident(mm)}" for mm in metric_cols)
        + f", s.flags AS flags FROM {stg} s WHERE NOT s._summary AND len(s._errs) = 0"
    )
    row_key = _KEY.format(f"post_key || CAST({as_of} AS VARCHAR)")
    agg = (
        f"SELECT min(src_row) AS src_row, post_key, {row_key} AS row_key, "
        "any_value(platform) AS platform, any_value(content_id) AS content_id, "
        + ", ".join(f"any_value({quote_ident(d)}) AS {quote_ident(d)}" for d in dims)
        + f", max(published_at) AS published_at, {as_of} AS as_of, any_value(currency) AS currency, "
        + ", ".join(f"sum({quote_ident(mm)}) AS {quote_ident(mm)}" for mm in metric_cols)
        + f", string_agg(flags, ';') AS flags FROM ({inner}) GROUP BY post_key"
    )
    _execute(con, f"CREATE OR REPLACE TEMP TABLE ok_rows AS {agg}", sql)
    superseded = con.execute(
        "UPDATE snapshots SET superseded_by = ? WHERE superseded_by IS NULL AND row_key IN "
        "(SELECT row_key FROM ok_rows)", [batch]).fetchall()[0][0]
    all_cols = ["src_row", "row_key", "post_key", "platform", "content_id", *dims, "published_at", "as_of",
                "currency", *metric_cols, "flags"]
    col_list = ", ".join(quote_ident(c) if c not in ("src_row", "row_key", "post_key") else c for c in all_cols)
    con.execute(f"INSERT INTO snapshots (batch_id, profile, {col_list}) SELECT ?, ?, {col_list} FROM ok_rows",
                [batch, plan.match.profile.id])
    rederive_snapshot_deltas(con, "SELECT post_key FROM ok_rows")
    return superseded


def rederive_snapshot_deltas(con: duckdb.DuckDBPyConnection, post_keys_sql: str, params: list | None = None) -> None:
    """Rebuild the weekly rows of the given posts from their active snapshots."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _affected AS SELECT DISTINCT post_key FROM ({post_keys_sql})",
                params or [])
    wide = FACT_TABLES[0]    # weekly rows of snapshots carry content columns
    con.execute(f"DELETE FROM {wide} WHERE from_snapshot AND row_key IN (SELECT row_key FROM snapshots "  # noqa: S608
                "WHERE post_key IN (SELECT post_key FROM _affected))")
    mcols = [quote_ident(m) for m in (*METRICS, "watch_hours")]
    deltas = []
    for mm, q in zip((*METRICS, "watch_hours"), mcols, strict=True):
        if mm in MAY_BE_NEGATIVE:
            # Net counts (followers gained minus lost) may fall: plain difference.
            deltas.append(f"{q} - coalesce(lag({q}) OVER w, 0)")
        else:
            # Difference to the highest earlier figure: a platform correction never makes a week negative,
            # and the weekly rows add up to the post's best lifetime figure.
            deltas.append(f"CASE WHEN {q} IS NULL THEN NULL ELSE greatest({q} - coalesce(max({q}) OVER "
                          f"(w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0), 0) END")
    # flags: a weekly row carries its snapshot's flags (a 10万+ lower bound stays visible on the delta).
    keep = ("batch_id, row_key, src_row, platform, profile, account, campaign, content_id, content_title, "
            "content_type, content_url, theme, published_at, kol, currency, flags")
    con.execute(
        f"INSERT INTO {wide} ({keep}, date, period_start, period_end, {', '.join(mcols)}, from_snapshot, "
        f"first_snapshot) SELECT {keep}, as_of, coalesce(prev_as_of + 1, least(CAST(published_at AS DATE), as_of), "
        f"as_of), as_of, {', '.join(mcols)}, true, prev_as_of IS NULL FROM ("
        f"SELECT {keep}, as_of, lag(as_of) OVER w AS prev_as_of, "
        + ", ".join(f"{d} AS {q}" for d, q in zip(deltas, mcols, strict=True))
        + " FROM snapshots_active WHERE post_key IN (SELECT post_key FROM _affected) "
        "WINDOW w AS (PARTITION BY post_key ORDER BY as_of))"
    )


def _write_aux(con, plan: _Plan, opts: LoadOptions, stg: str, batch: int, sql: _Sql) -> int:
    p = plan.match.profile
    cols = set(plan.match.mapping)
    cur = f"coalesce({_v(cols, 'currency')}, {sql.bind(plan.currency)})"
    platform = _v(cols, "platform", sql.bind(plan.platform))
    if p.kind == "kol_roster":
        table = "kol_roster"
        out = {"kol": _v(cols, "kol"), "platform": platform, "followers": _v(cols, "followers"),
               "fee": _v(cols, "fee"), "posts": _v(cols, "posts"), "category": _v(cols, "category"),
               "currency": cur, "as_of": f"coalesce({_v(cols, 'as_of')}, {sql.bind(plan.as_of)}::DATE)"}
        key, sums = ["kol", "platform", "as_of"], ["fee", "posts"]
    elif p.kind == "budget_plan":
        table = "budget_plan"
        out = {"period_start": _v(cols, "period_start"), "period_end": _v(cols, "period_end"),
               "platform": platform, "category": _v(cols, "category"), "planned": _v(cols, "planned"),
               "currency": cur}
        key, sums = ["period_start", "period_end", "platform", "category"], ["planned"]
    else:
        table = "other_costs"
        out = {"date": _v(cols, "date", sql.bind(plan.as_of) + "::DATE"), "platform": platform,
               "category": _v(cols, "category"), "amount": _v(cols, "amount"), "note": _v(cols, "note"),
               "currency": cur, "kol": _v(cols, "kol")}
        key, sums = ["date", "platform", "category", "kol", "note"], ["amount"]
    inner = ("SELECT s._row AS src_row, " + ", ".join(f"{e} AS {quote_ident(c)}" for c, e in out.items())
             + f" FROM {stg} s WHERE NOT s._summary AND len(s._errs) = 0")
    agg = ("SELECT min(src_row) AS src_row, " + _key_expr([quote_ident(k) for k in key]) + " AS row_key, "
           + ", ".join((f"sum({quote_ident(c)})" if c in sums else
                        (f"max({quote_ident(c)})" if c == "followers" else f"any_value({quote_ident(c)})"))
                       + f" AS {quote_ident(c)}" for c in out)
           + f" FROM ({inner}) GROUP BY " + ", ".join(quote_ident(k) for k in key))
    _execute(con, f"CREATE OR REPLACE TEMP TABLE ok_rows AS {agg}", sql)
    superseded = con.execute(
        f"UPDATE {table} SET superseded_by = ? WHERE superseded_by IS NULL AND row_key IN "
        "(SELECT row_key FROM ok_rows)", [batch]).fetchall()[0][0]
    col_list = "src_row, row_key, " + ", ".join(quote_ident(c) for c in out)
    con.execute(f"INSERT INTO {table} (batch_id, {col_list}) SELECT ?, {col_list} FROM ok_rows", [batch])
    return superseded


_WRITERS = {"daily": _write_daily, "snapshot": _write_snapshot, "kol_roster": _write_aux,
            "budget_plan": _write_aux, "other_costs": _write_aux}


# ---------------------------------------------------------------- the pipeline

def _undated(match: Match) -> bool:
    """A daily report with no date column: a summary over a period (Google Ads without the Day segment, a 千川
    report by plan). Its rows are dated one day: the last of the period given at upload or stated by the file."""
    return match.profile.kind == "daily" and not ({"date", "period_start"} & set(match.mapping))


def _dated_elsewhere(con, raw: readers.RawTable, match: Match) -> bool:
    """Whether a column the match leaves unmapped holds dates (nine in ten of its distinct cells read as one, in
    either day-month order, not counting totals labels and plain numbers, which Excel serials and ids would turn
    into dates): a daily report whose date column has a header the profile does not know. It is not taken as a
    summary over a period (every day summed into one): it goes to the mapping step, which suggests that column as
    the date."""
    if not _undated(match):
        return False
    used = {*match.mapping.values(), *match.checks.values()}
    for i in range(len(raw.headers)):
        if i in used:
            continue
        n, dated = con.execute(
            "SELECT count(v), count(coalesce(smm_date(v, 'mdy'), smm_date(v, 'dmy'), smm_date_noyear(v, 2000))) "
            f"FROM {readers.decoded_values(raw, i)} WHERE NOT smm_is_summary(v) AND "  # noqa: S608
            r"NOT regexp_full_match(v, '[\d\s.,]+')").fetchall()[0]
        if n and dated >= max(1, 0.9 * n):
            return True
    return False


# Notes of a load that ask the user to act (the Data page shows them as warnings, `smm ingest` prints them).
WARNING_NOTES = frozenset({"ingest.note_summary_overlap"})


def _summary_overlap(con, plan: _Plan, batch: int) -> dict | None:
    """Where a report summed over a period and a report of its days hold the same items (platform, format, account,
    campaign …) for the same days, both are counted: their rows have different keys (one date against many), so
    neither replaces the other. Which to keep is the user's call (a summary of a part of the days, or days of a part
    of the period, is not the same data): the load says so, {"rows": rows of this batch, "batches": the others}.
    A summary's rows span their period (its last day where none is known); other rows their day (SUMMARY_BATCHES
    says which batches are summaries)."""
    me = _undated(plan.match)
    summaries = f"{SUMMARY_BATCHES} AND profile = $profile AND batch_id <> $b"
    if not me and not con.execute(f"SELECT count(*) FROM ({summaries})",  # noqa: S608
                                  {"profile": plan.match.profile.id, "b": batch}).fetchall()[0][0]:
        return None
    key = _key_concat(["platform", "profile", *GRAIN_DIMS])
    lo = "coalesce(period_start, date)" if me else "date"
    n, batches = con.execute(
        f"WITH s AS ({summaries}), "  # noqa: S608 - identifiers are ours
        f"mine AS (SELECT DISTINCT {key} AS k, {lo} AS lo, date AS hi FROM fact WHERE batch_id = $b), "
        f"other AS (SELECT {key} AS k, CASE WHEN batch_id IN (SELECT batch_id FROM s) THEN coalesce(period_start, "
        "date) ELSE date END AS lo, date AS hi, batch_id FROM fact_active WHERE batch_id <> $b AND profile = $profile "
        f"AND {'true' if me else 'batch_id IN (SELECT batch_id FROM s)'}) "
        "SELECT count(DISTINCT (m.k, m.lo, m.hi)), string_agg(DISTINCT '#' || o.batch_id, ', ' ORDER BY "
        "'#' || o.batch_id) FROM mine m JOIN other o ON o.k = m.k AND o.lo <= m.hi AND o.hi >= m.lo",
        {"profile": plan.match.profile.id, "b": batch}).fetchall()[0]
    return {"rows": n, "batches": batches} if n else None


def _plan(con, raw: readers.RawTable, match: Match, opts: LoadOptions, filename: str, report: LoadReport) -> _Plan:
    p = match.profile
    today = opts.today or dt.date.today()
    start, end, source = stated_range(raw.preamble, filename)
    if opts.as_of:
        as_of, src = opts.as_of, "user"
    elif opts.period:
        as_of, src = opts.period[1], "user"
    elif end:
        as_of, src = end, source or "preamble"
    else:
        as_of, src = today, "today"
    undated = _undated(match)
    needs_as_of = p.kind == "snapshot" or undated
    if undated and src == "today":
        # A report summed over a period: the day it is uploaded says nothing of the days it covers (a week's
        # report downloaded on Monday would count in the new week). Ask, rather than date it today.
        report.errors.append({"row": None, "column": None, "code": "undated_no_period",
                              "message": f"{filename}: the report has no date column and states no period (no "
                                         "date-range line, no date in its name): give its period's last day "
                                         "(--as-of, or --period-start and --period-end) and load it again"})
        raise _Stop(report)
    if needs_as_of:
        note = "note_as_of" if p.kind == "snapshot" else "note_undated"
        report.notes.append((f"ingest.{note}.{src}", {"date": as_of.isoformat()}))
    stated = (start, end) if undated and src in ("preamble", "filename") and start else (None, None)
    currency = match.header_currency or p.currency or "CNY"
    money = {"spend", "revenue", "fee", "planned", "amount"} & set(match.mapping)
    if money and not match.header_currency and "currency" not in match.mapping and not p.currency:
        report.notes.append(("note.currency_assumed", {"currency": currency}))
    as_of_matters = needs_as_of or (p.kind == "kol_roster" and "as_of" not in match.mapping) or (
        p.kind == "other_costs" and "date" not in match.mapping)
    return _Plan(match=match, raw=raw, kind=p.kind, platform=p.platform, as_of=as_of, as_of_source=src,
                 year=as_of.year, currency=currency, period=opts.period or stated,
                 dedupe_as_of=as_of if as_of_matters and src in ("filename", "user") else None)


def _error_counts(con, stg: str) -> list[dict]:
    """Rejected rows counted by column and reason, the most frequent first."""
    return [{"column": col, "code": code, "rows": n} for col, code, n in con.execute(
        f"SELECT e.\"column\", e.code, count(*) AS n FROM (SELECT unnest(_errs) AS e FROM {stg} "  # noqa: S608
        "WHERE NOT _summary AND len(_errs) > 0) GROUP BY ALL ORDER BY n DESC, e.\"column\", e.code").fetchall()]


def _errors_and_rejects(con, stg: str, raw: readers.RawTable, filename: str, limit: int) -> tuple[int, list[dict]]:
    n_bad = con.execute(f"SELECT count(*) FROM {stg} WHERE NOT _summary AND len(_errs) > 0").fetchall()[0][0]
    rows = con.execute(
        f"SELECT _row, e.\"column\", e.code, e.value FROM (SELECT _row, unnest(_errs) AS e, "
        f"generate_subscripts(_errs, 1) AS k FROM {stg} WHERE NOT _summary AND len(_errs) > 0) "
        "ORDER BY _row, k LIMIT ?", [limit]).fetchall()       # a row's problems in the order of its columns
    errors = []
    for r, col, code, value in rows:
        errors.append({"row": r, "column": col, "code": code, "value": value,
                       "message": f"{filename}, row {r}, column {col!r}: {code}" + (f" ({value!r})" if value else "")})
    return n_bad, errors


def _rejected_csv(con, stg: str, raw: readers.RawTable, lang: str = "en") -> bytes:
    """The rejected rows as the file had them, each with its line number and reasons: CSV for a spreadsheet.

    DuckDB writes it (COPY), each cell through smm_neutralize: a file of 500,000 bad rows took 13 s and 1.7 GB
    through pandas and a per-cell Python check. UTF-8 with BOM and CRLF rows, as smm.export.to_csv_bytes.
    It is written in slices of `_REJECTED_SLICE` lines, so that sorting by line holds one slice in memory.
    """
    from smm import i18n
    from smm.export import neutralize

    cells = ", ".join(f"smm_neutralize(r.c{i})" for i in range(len(raw.headers)))
    rows = readers.decoded_rows(raw, range(len(raw.headers)))
    # Each reason in the user's language ("消耗：负数" / "spend: negative value"); the words are bound values.
    why = {code: i18n.t(f"why.{code}", lang) for code in ROW_ERROR_CODES}
    sql = _Sql()
    say = "CASE e.code " + " ".join(f"WHEN {sql.bind(c)} THEN {sql.bind(w)}" for c, w in why.items()) + " ELSE e.code END"
    colon, sep = ("：", "；") if i18n.normalize_lang(lang) == "zh" else (": ", "; ")
    reasons = (f"array_to_string(list_transform(s._errs, lambda e: e.\"column\" || {sql.bind(colon)} || {say}), "
               f"{sql.bind(sep)})")
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow(
        [neutralize(str(h)) for h in (i18n.t("report.csv_row", lang), *raw.headers, i18n.t("report.csv_reason", lang))])
    bad = "NOT s._summary AND len(s._errs) > 0"
    lo, hi = con.execute(f"SELECT min(_row), max(_row) FROM {stg} s WHERE {bad}").fetchall()[0]  # noqa: S608
    parts = [head.getvalue().encode("utf-8-sig")]
    with tempfile.TemporaryDirectory(prefix="smm-rejected-") as tmp:
        out = Path(tmp) / "rejected.csv"
        for start in range(lo, hi + 1, _REJECTED_SLICE) if lo is not None else ():
            con.execute(
                f"COPY (SELECT r._row, {cells}, smm_neutralize({reasons}) FROM {rows} r JOIN {stg} s "  # noqa: S608
                f"USING (_row) WHERE {bad} AND _row >= $lo AND _row < $hi ORDER BY _row) "
                "TO $out (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n')",
                {**sql.params, "out": str(out), "lo": start, "hi": start + _REJECTED_SLICE})
            parts.append(out.read_bytes())
    return b"".join(parts)


_REJECTED_SLICE = 200_000      # file lines per COPY of the rejected rows (see _rejected_csv)


def ingest_bytes(con: duckdb.DuckDBPyConnection, data: bytes, filename: str, opts: LoadOptions | None = None,
                 *, extra_profiles: tuple[Profile, ...] = (), source: readers.Source | None = None,
                 on_step: Callable[[str], None] | None = None) -> LoadReport:
    """Load one file's bytes; write nothing unless every check passes (or the user chose to load valid rows).

    `source` is the file the bytes were read from (ingest_file, readers.read_file): a text file is then read in
    place, not copied. `on_step` is told each step as it starts, for a progress display of a large file:
    one of LOAD_STEPS ("read", "check", "write"); a file that stops early reports fewer.
    """
    step = on_step or (lambda _name: None)
    opts = opts or LoadOptions()
    report = LoadReport(file=filename, options=opts)
    hashing = _HASHING.submit(sha256, data) if len(data) >= _HASH_ASIDE_BYTES else None
    dated_outside = bool(opts.as_of or opts.period or stated_range([], filename)[1])

    @functools.cache
    def check_known() -> tuple[str, int | None]:
        """Once, before any row is read: the same file loaded already ends the load here, as does a stopped store.
        The file's digest and the batch that loaded the same bytes (or None)."""
        digest = hashing.result() if hashing else sha256(data)
        try:
            prior = _already_loaded(con, digest)
        except duckdb.FatalException as e:  # the database stopped before this load (a write hit a full disk)
            raise _Stop(_write_failed(report, filename, e)) from e
        if prior is not None and not dated_outside:
            raise _Stop(_report_already_loaded(con, report, prior))
        step("read")
        return digest, prior

    n = next(_counter)
    raw_name, stg = f"raw_{n}", f"stg_{n}"
    try:
        try:
            # A GB18030 file's cells are decoded where they are read: by staging, in the one statement that
            # cleans them (a million-row file: 0.2 s less than decoding them into the table first).
            raw = readers.read_table(con, data, filename, table=raw_name, source=source, defer_decode=True,
                                     before_rows=check_known)
        except IngestError as e:
            check_known()       # (a file loaded before says so, even where it no longer reads)
            report.errors.append({"row": e.row, "column": e.column, "code": e.code, "message": str(e),
                                  **{k: v for k, v in e.params.items() if isinstance(v, str | int | float)}})
            return report
        digest, prior = check_known()   # (called by the reader already, as a rule)
        report.sha256 = digest
        report.headers = list(raw.headers)
        if opts.profile_id:
            try:
                profile = get_profile(opts.profile_id, extra_profiles)
            except KeyError:
                report.errors.append({"row": None, "column": None, "code": "unknown_profile",
                                      "profile": opts.profile_id,
                                      "message": f"{filename}: unknown profile {opts.profile_id!r}"})
                return report
            match = map_headers(profile, raw.headers)
            if match is None:
                missing = [f for f in profile.required if f not in (map_headers(
                    Profile(**{**profile.__dict__, "required": ()}), raw.headers) or Match(
                        profile, {}, {}, None, frozenset(), 0)).mapping]
                report.errors.append({"row": raw.header_row, "column": None, "code": "profile_mismatch",
                                      "profile": profile.id, "missing": ", ".join(missing),
                                      "message": f"{filename}: headers do not fit profile {profile.id} "
                                                 f"(missing {', '.join(missing)})"})
                return report
        else:
            match = recognise(raw.headers, extra_profiles)
            if match is not None and _dated_elsewhere(con, raw, match):
                match = None
            if match is None:
                report.status = "unrecognised"
                report.preview = con.execute(
                    f"SELECT * EXCLUDE (_row) FROM {readers.decoded_rows(raw, range(len(raw.headers)))} "
                    "ORDER BY _row LIMIT 5"
                ).fetchall()
                report.errors.append({"row": raw.header_row, "column": None, "code": "unrecognised",
                                      "message": f"{filename}: the header row (row {raw.header_row}) matches no "
                                                 "known export format; map its columns on the Data page or pass "
                                                 "--profile"})
                return report
        _share_listed_columns(match, raw.headers)
        p = match.profile
        report.profile, report.platform, report.kind = p.id, p.platform, p.kind
        plan = _plan(con, raw, match, opts, filename, report)
        if prior is not None:
            same = _already_loaded(con, digest, plan.dedupe_as_of)
            if same is not None:
                return _report_already_loaded(con, report, same)
        report.as_of, report.currency = plan.as_of, plan.currency
        step("check")
        _stage(con, plan, opts, stg)
        n_summary, n_total, n_noyear = con.execute(
            f"SELECT count(*) FILTER (WHERE _summary), count(*), count(*) FILTER (WHERE _noyear AND NOT _summary) "
            f"FROM {stg}").fetchall()[0]
        report.rows_summary = n_summary
        if n_noyear:
            report.notes.append((f"ingest.note_year.{plan.as_of_source}",
                                 {"rows": n_noyear, "date": plan.as_of.isoformat()}))
        n_bad, report.errors = _errors_and_rejects(con, stg, raw, filename, MAX_ERRORS_REPORTED)
        report.rows_rejected = n_bad
        n_ok = n_total - n_summary - n_bad
        report.rows_valid = n_ok
        if n_bad:
            report.error_counts = _error_counts(con, stg)
            report.rejected_csv = _rejected_csv(con, stg, raw, opts.lang)
        if n_ok == 0:
            if not n_bad:
                report.errors.append({"row": None, "column": None, "code": "no_data_rows",
                                      "message": f"{filename}: no data rows (only summary rows)"})
            return report
        if n_bad and opts.on_invalid != "load_valid":
            return report
        for t in (raw_name, f"{raw_name}__map"):  # the raw cells are cleaned into stg: free them
            con.execute(f"DROP TABLE IF EXISTS {t}")
        step("write")
        _commit(con, plan, opts, stg, filename, digest, report, n_ok)
        return report
    except _Stop as stop:
        return stop.report
    except (OSError, duckdb.Error) as e:
        # The disk is full or the data folder read-only (or the database had to stop): say so in the report;
        # the load's transaction was rolled back (or never committed), so nothing of the file is stored.
        from smm.store import is_write_failure

        if not (isinstance(e, duckdb.FatalException) or is_write_failure(e)):
            raise
        return _write_failed(report, filename, e)
    finally:
        for t in (raw_name, f"{raw_name}__map", stg, "ok_rows", "ok_agg", "_affected"):
            try:
                con.execute(f"DROP TABLE IF EXISTS {t}")
            except duckdb.Error:
                pass  # an invalidated database (after a write failure) has no temp tables left to drop


def _write_failed(report: LoadReport, filename: str, e: BaseException) -> LoadReport:
    report.status, report.batch_id, report.rows_loaded = "rejected", None, 0
    report.errors = [{"row": None, "column": None, "code": "write_failed", "value": str(e)[:300],
                      "message": f"{filename}: could not write to the store ({e}); nothing was loaded"}]
    return report


def _share_listed_columns(match: Match, headers: list[str]) -> None:
    """Feed a metric from a column that another metric took when the profile lists that header for both.

    A header is matched to one field only; 蒲公英's `成交订单` is both conversions and orders (and 千川's
    `成交订单数` when there is no `转化数`), so the second field would otherwise stay empty.
    """
    keys = {i: norm_header(h)[0] for i, h in enumerate(headers)}
    for f, aliases in match.profile.columns.items():
        if f in match.mapping or FIELD_KINDS.get(f) != "number":
            continue
        listed = {norm_header(a)[0] for a in aliases}
        for g, i in list(match.mapping.items()):
            if FIELD_KINDS.get(g) == "number" and keys.get(i) in listed:
                match.mapping[f] = i
                break


def _report_already_loaded(con, report: LoadReport, batch: int) -> LoadReport:
    report.status, report.batch_id, report.notes, report.errors = "already_loaded", batch, [], []
    row = con.execute("SELECT profile, platform, loaded_at FROM load_batches WHERE batch_id = ?", [batch]).fetchall()[0]
    report.profile, report.platform, report.loaded_at = row
    return report


def _label_batch(con, batch: int, platforms: str | None, profile_name: str | None) -> None:
    """Keep with a batch what the load history shows of it once its rows or its saved format are gone (migration
    010): the platforms a file with a platform column loaded, and the saved format's name."""
    con.execute("UPDATE load_batches SET platforms = ?, profile_name = ? WHERE batch_id = ?",
                [platforms, profile_name, batch])


@_serialized  # one writer at a time (see _WRITE_LOCK)
def _commit(con, plan: _Plan, opts: LoadOptions, stg: str, filename: str, digest: str, report: LoadReport,
            n_ok: int) -> None:
    p = plan.match.profile
    con.execute("BEGIN TRANSACTION")
    try:
        prior = _already_loaded(con, digest, plan.dedupe_as_of)
        if prior is not None:  # the same file finished loading in another session meanwhile
            con.execute("ROLLBACK")
            report.status, report.batch_id = "already_loaded", prior
            return
        batch = con.execute("SELECT nextval('batch_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO load_batches (batch_id, file_name, sha256, profile, platform, kind, rows_loaded, "
            "rows_rejected, rows_summary, as_of, currency, is_sample) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [batch, filename, digest, p.id, p.platform, p.kind, n_ok, report.rows_rejected, report.rows_summary,
             plan.as_of, plan.currency, opts.is_sample])
        sql = _Sql()
        superseded = _WRITERS[p.kind](con, plan, opts, stg, batch, sql)
        table = {"daily": "fact", "snapshot": "snapshots"}.get(p.kind, p.kind)
        date_col = {"fact": "date", "snapshots": "as_of", "kol_roster": "as_of", "budget_plan": "period_start",
                    "other_costs": "date"}[table]
        # (a file with a platform column of its own: the platforms it loaded, kept for the load history)
        platforms = "string_agg(DISTINCT platform, ',' ORDER BY platform)" if p.platform is None else "NULL"
        # (a row summed over a period covers it from its start: the history's first date says so)
        first = "coalesce(period_start, date)" if table == "fact" else date_col
        dmin, dmax, stored, listed = con.execute(
            f"SELECT min({first}), max({'period_end' if table == 'budget_plan' else date_col}), count(*), "
            f"{platforms} FROM {table} WHERE batch_id = ?", [batch]).fetchall()[0]
        # Rows of one key (an export split by a dimension we do not keep) were summed into one: say so.
        notes = report.notes + ([("ingest.note_merged", {"rows": n_ok - stored, "stored": stored})]
                                if stored < n_ok else [])
        if p.kind == "daily" and (overlap := _summary_overlap(con, plan, batch)):
            notes.append(("ingest.note_summary_overlap", overlap))
        con.execute("UPDATE load_batches SET date_min = ?, date_max = ?, notes = ? WHERE batch_id = ?",
                    [dmin, dmax, "; ".join(f"{k}:{v}" for k, v in notes) or None, batch])
        _label_batch(con, batch, listed, p.label_en if p.user_defined else None)
        rollups.refresh_batch(con, batch)
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    report.status, report.batch_id, report.notes = "loaded", batch, notes
    report.rows_loaded, report.rows_superseded, report.rows_merged = n_ok, superseded, n_ok - stored
    report.date_min, report.date_max = dmin, dmax


def ingest_file(con: duckdb.DuckDBPyConnection, path: str | Path, opts: LoadOptions | None = None,
                **kw) -> LoadReport:
    """Load one file from disk (see ingest_bytes)."""
    data, source = readers.read_file(path)
    return ingest_bytes(con, data, Path(path).name, opts, source=source, **kw)




@_serialized
def delete_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> bool:
    """Remove exactly one batch's rows; rows it had replaced become active again."""
    row = con.execute("SELECT status FROM load_batches WHERE batch_id = ?", [batch_id]).fetchall()
    if not row or row[0][0] != "loaded":
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _del_posts AS SELECT DISTINCT post_key FROM snapshots "
                    "WHERE batch_id = ? OR superseded_by = ?", [batch_id, batch_id])
        # (fact rows are in two tables, read together as the view `fact`: all of the batch's rows go first)
        stored = {t: FACT_TABLES if t == "fact" else (t,) for t in BATCH_TABLES}
        for t in BATCH_TABLES:
            for s in stored[t]:
                con.execute(f"DELETE FROM {s} WHERE batch_id = ?", [batch_id])
        for t in BATCH_TABLES:
            # A revived row stays replaced if a later batch (other than the deleted one) has the same key.
            derived = " AND NOT b.from_snapshot" if t == "fact" else ""
            for s in stored[t]:
                con.execute(
                    f"UPDATE {s} AS a SET superseded_by = (SELECT min(b.batch_id) FROM {t} AS b "
                    f"WHERE b.row_key = a.row_key AND b.batch_id > a.batch_id{derived}) WHERE a.superseded_by = ?",
                    [batch_id])
        rederive_snapshot_deltas(con, "SELECT post_key FROM _del_posts")
        rollups.refresh_batch(con, batch_id, "_del_posts")
        con.execute("UPDATE load_batches SET status = 'deleted' WHERE batch_id = ?", [batch_id])
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _del_posts")
        con.execute("DROP TABLE IF EXISTS _affected")
    return True
