"""Value-cleaning macros (smm/sql/macros.sql) on a real in-memory DuckDB.

Case tables are parametrised one test per value (clear failure messages), but each macro is
evaluated once per table over one column (the `ev` fixture): that is how ingest uses the macros,
and DuckDB evaluates CASE/COALESCE branches on selection vectors, so some mistakes (e.g. a CAST
guarded only by OR) show only when rows of different shapes share a vector. Planning a query that
expands these macros costs ~10-30 ms, so one query per value would make the file slow. Bound
parameters (one value per query) are covered by test_smm_num_scalar_agrees and the scalar
hypothesis tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smm.values import MACRO_NAMES, MACROS_SQL, VERSION_MACRO, install_macros, macro_statements

D = dt.date
TS = dt.datetime


@pytest.fixture(scope="module")
def mcon():
    c = duckdb.connect()
    install_macros(c)
    yield c
    c.close()


def one(con, sql: str, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def column(con, values: list, expr: str, orders: list | None = None) -> list:
    """Evaluate expr over column s (and o = orders[i]) for every value in one table scan, in input order."""
    orders = list(orders) if orders is not None else [None] * len(values)
    sql = (f"SELECT {expr} FROM (SELECT unnest($1::VARCHAR[]) AS s, unnest($2::VARCHAR[]) AS o, "  # noqa: S608
           "generate_subscripts($1::VARCHAR[], 1) AS i) ORDER BY i")
    return [r[0] for r in con.execute(sql, [list(values), orders]).fetchall()]


@pytest.fixture(scope="module")
def ev(mcon):
    """ev(expr, values)[value]: expr evaluated once per (expr, case table), vectorised, then looked up."""
    memo: dict = {}

    def get(expr: str, values) -> dict:
        key = (expr, tuple(values))
        if key not in memo:
            memo[key] = dict(zip(key[1], column(mcon, list(key[1]), expr), strict=True))
        return memo[key]

    return get


def same(got, want) -> bool:
    if want is None or got is None:
        return got is want
    if isinstance(want, float) or isinstance(got, float):
        return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15)
    return got == want


# ---------------------------------------------------------------------------------------------
# smm_num
NUM = [
    ("12345", 12345.0), ("  12345 ", 12345.0), ("\t12\n", 12.0), ("\u300012\u3000", 12.0),
    ("\ufeff12", 12.0), ("0", 0.0), ("-12.5", -12.5), ("+5", 5.0), ("−5", -5.0), ("- 5", -5.0),
    (".5", 0.5), ("5.", 5.0), ("1.2E+05", 120000.0), ("1.2e5", 120000.0), ("1e-3", 0.001),
    # thousands separators
    ("1,234", 1234.0), ("1,234,567", 1234567.0), ("1,234,567.89", 1234567.89), ("-1,234.5", -1234.5),
    ("1234,567", 1234567.0), ("1，234，567", 1234567.0), ("1 234 567", 1234567.0), ("12 345", 12345.0),
    ("1\u00a0234", 1234.0), ("1\u202f234\u202f567", 1234567.0),
    # currency
    ("¥1,234", 1234.0), ("￥12.5", 12.5), ("$1,234.56", 1234.56), ("€12", 12.0), ("£12", 12.0),
    ("CNY 1,234", 1234.0), ("RMB 1.2万", 12000.0), ("USD 12", 12.0), ("12 USD", 12.0), ("usd12", 12.0),
    ("IDR 5779", 5779.0), ("12元", 12.0), ("1.2万元", 12000.0), ("US$12", 12.0), ("-$12", -12.0),
    ("$-12", -12.0), ("¥ 1 234", 1234.0),
    # Chinese units and global suffixes
    ("1.2万", 12000.0), ("3亿", 3e8), ("2.3w", 23000.0), ("2.3W", 23000.0), ("1.5千", 1500.0),
    ("3.3k", 3300.0), ("3.3K", 3300.0), ("475.8m", 475.8e6), ("475.8M", 475.8e6), ("29.0b", 29.0e9),
    ("29.0B", 29.0e9), ("0.89k", 890.0), ("0.07k", 70.0), ("1.2 万", 12000.0), ("-1.2万", -12000.0),
    ("1e3k", 1e6),
    # lower bounds
    ("10万+", 100000.0), ("100k+", 100000.0), ("999+", 999.0),
    # negatives in parentheses
    ("(12.00)", -12.0), ("(1,234.5)", -1234.5), ("(¥12.00)", -12.0), ("（12）", -12.0), ("(12.5%)", -0.125),
    # percentages: % always divides by 100
    ("12.5%", 0.125), ("1.39%", 0.0139), ("12 %", 0.12), ("12.5％", 0.125), ("-3%", -0.03), ("5.%", 0.05),
    ("100%", 1.0), ("1,234%", 12.34),
]

NUM_NULL = [  # -> NULL; (value, is_bad)
    (None, False), ("", False), ("   ", False), ("-", False), ("--", False), ("—", False), ("N/A", False),
    ("n/a", False), ("NA", False), ("null", False), ("None", False), ("nan", False), ("NaN", False),
    ("/", False), ("#N/A", False), ("<5", False), ("< 10", False), ("<=5", False), ("<1%", False),
    ("1.234,56", True), ("12,5", True), ("1,23", True), ("1,2345", True), ("1,234,56", True),
    ("1 234,5", True), ("1.234.567", True), ("inf", True), ("-inf", True), ("Infinity", True),
    ("1e400", True), ("1_000", True), ("0x10", True), ("abc", True), ("12abc", True), ("1.2.3", True),
    ("(-12)", True), ("-(12)", True), ("(12", True), ("12)", True), ("1.2万%", True), ("+", True),
    (".", True), ("１２", True), ("1 2", True), ("#DIV/0!", True), ("1e", True), ("> 10", True),
    ("=HYPERLINK(\"x\")", True), ("12 apples", True), ("10万++", True),
]
NUM_IN = tuple(s for s, _ in NUM + NUM_NULL)


@pytest.mark.parametrize(("s", "want"), NUM)
def test_smm_num(ev, s, want):
    got = ev("smm_num(s)", NUM_IN)[s]
    assert same(got, want), (s, got, want)
    assert ev("smm_num_bad(s)", NUM_IN)[s] is False


@pytest.mark.parametrize(("s", "bad"), NUM_NULL)
def test_smm_num_null_and_bad(ev, s, bad):
    assert ev("smm_num(s)", NUM_IN)[s] is None
    assert ev("smm_num_bad(s)", NUM_IN)[s] is bad


def test_smm_num_scalar_agrees(mcon, ev):
    """A bound parameter (constant within the query) takes the same paths as a column."""
    for s in ["12345", "1,234,567", "1.2万", "(12.00)", "12.5%", "--", "1.234,56", "<5", None]:
        assert one(mcon, "SELECT smm_num(?), smm_num_bad(?)", s, s) == (ev("smm_num(s)", NUM_IN)[s],
                                                                         ev("smm_num_bad(s)", NUM_IN)[s])


def test_smm_num_types(mcon):
    assert one(mcon, "SELECT typeof(smm_num('1'))") == "DOUBLE"
    assert one(mcon, "SELECT typeof(smm_num_bad('1'))") == "BOOLEAN"
    assert one(mcon, "SELECT typeof(smm_num_flag('1'))") == "VARCHAR"
    assert one(mcon, "SELECT typeof(smm_pct('1', true))") == "DOUBLE"


def test_dash_after_row_n_is_null(mcon):
    """A column that is numeric for thousands of rows and then '-' (what trips CSV type sniffing)."""
    n = 5000
    cur = mcon.cursor()
    cur.execute("CREATE OR REPLACE TEMP TABLE dash AS SELECT CASE WHEN i < ? THEN CAST(i AS VARCHAR) "
                "WHEN i % 2 = 0 THEN '-' ELSE '--' END AS s FROM range(?) r(i)", [n, n + 3000])
    cnt, total, bad = cur.execute(
        "SELECT count(smm_num(s)), sum(smm_num(s)), count(*) FILTER (WHERE smm_num_bad(s)) FROM dash").fetchall()[0]
    cur.close()
    assert (cnt, total, bad) == (n, n * (n - 1) / 2, 0)


# ---------------------------------------------------------------------------------------------
# European decimals: bad for smm_num, fine for smm_num_eu
EU = [
    ("1.234,56", 1234.56), ("12,5", 12.5), ("1 234,5", 1234.5), ("1.234.567", 1234567.0), ("1.234", 1234.0),
    ("1234", 1234.0), ("-12,5", -12.5), ("(12,50)", -12.5), ("12,5%", 0.125), ("1,2万", 12000.0),
    ("3,3k", 3300.0), ("€ 1.234,56", 1234.56), (",5", 0.5), ("10万+", 100000.0), ("1\u00a0234,5", 1234.5),
]
EU_NULL = [(None, False), ("--", False), ("<5", False), ("12.5", True), ("1,234.56", True), ("abc", True),
           ("1.23", True)]
EU_IN = tuple(s for s, _ in EU + EU_NULL)


@pytest.mark.parametrize(("s", "want"), EU)
def test_smm_num_eu(ev, s, want):
    assert same(ev("smm_num_eu(s)", EU_IN)[s], want)
    assert ev("smm_num_eu_bad(s)", EU_IN)[s] is False


@pytest.mark.parametrize(("s", "bad"), EU_NULL)
def test_smm_num_eu_null(ev, s, bad):
    assert ev("smm_num_eu(s)", EU_IN)[s] is None
    assert ev("smm_num_eu_bad(s)", EU_IN)[s] is bad


def test_european_decimal_is_bad_in_default_locale(mcon):
    row = one(mcon, "SELECT smm_num(s), smm_num_bad(s), smm_num_eu(s), smm_num_eu_bad(s) "
                    "FROM (VALUES ('1.234,56')) t(s)")
    assert row == (None, True, 1234.56, False)
    # "a comma followed by exactly 3 digits is a thousands separator; any other comma is bad"
    assert column(mcon, ["1,234", "1,234,567.89", "12,5", "1,2345"], "smm_num_bad(s)") == [False, False, True, True]


# ---------------------------------------------------------------------------------------------
# flags and percentages
FLAG = [("10万+", "lower_bound"), ("100k+", "lower_bound"), ("999+", "lower_bound"), (" 10万+ ", "lower_bound"),
        ("<5", "masked"), ("< 10", "masked"), ("<1%", "masked"), ("10万", None), ("+5", None),
        ("1.2E+05", None), ("12", None), ("abc+", None), ("+", None), ("--", None), (None, None)]


@pytest.mark.parametrize(("s", "want"), FLAG)
def test_smm_num_flag(ev, s, want):
    assert ev("smm_num_flag(s)", [s for s, _ in FLAG])[s] == want


PCT = [  # (s, bare_is_percent, want)
    ("12.5%", True, 0.125), ("12.5%", False, 0.125), ("12.5", True, 0.125), ("12.5", False, 12.5),
    ("1.39%", False, 0.0139), ("0.61", True, 0.0061), ("3.16", True, 0.0316), ("0.125", False, 0.125),
    ("12.5 ％", True, 0.125), ("(1.5%)", True, -0.015), ("--", True, None), (None, True, None),
    ("abc", False, None), ("12.5", None, 12.5),
]


@pytest.mark.parametrize(("s", "bare", "want"), PCT)
def test_smm_pct(ev, s, bare, want):
    values = sorted({c[0] for c in PCT}, key=str)
    flag = {True: "true", False: "false", None: "NULL"}[bare]
    assert same(ev(f"smm_pct(s, {flag})", values)[s], want)


# ---------------------------------------------------------------------------------------------
# dates
DATE = [  # (s, ord, want)
    ("2026-03-05", "ymd", D(2026, 3, 5)), ("2026/03/05", "ymd", D(2026, 3, 5)),
    ("2026.03.05", "ymd", D(2026, 3, 5)), ("2026-3-5", "ymd", D(2026, 3, 5)),
    ("2026年3月5日", "ymd", D(2026, 3, 5)), ("2026年03月05日", "dmy", D(2026, 3, 5)),
    ("20260305", "ymd", D(2026, 3, 5)), (" 2026-03-05 ", "ymd", D(2026, 3, 5)),
    ("2026-03-05 14:02:11", "ymd", D(2026, 3, 5)), ("2026-03-05T14:02:11Z", "ymd", D(2026, 3, 5)),
    ("2026-03-05 14:02", "ymd", D(2026, 3, 5)), ("2026-03-05T14:02:11+0000", "ymd", D(2026, 3, 5)),
    ("2026/3/5 9:05", "ymd", D(2026, 3, 5)), ("2026-03-05 14:02:11.123", "mdy", D(2026, 3, 5)),
    ("2026-03-05T23:30:00-05:00", "ymd", D(2026, 3, 5)),  # the date as written, not shifted to UTC
    ("2026-03-05 2:05 PM", "ymd", D(2026, 3, 5)),
    # Excel serials
    ("45000", "ymd", D(2023, 3, 15)), ("45000.75", "mdy", D(2023, 3, 15)), ("20000", "ymd", D(1954, 10, 3)),
    ("80000", "ymd", D(2119, 1, 11)),
    # all-numeric day/month forms by ord
    ("03/05/2026", "mdy", D(2026, 3, 5)), ("03/05/2026", "dmy", D(2026, 5, 3)),
    ("3-5-2026", "mdy", D(2026, 3, 5)), ("3-5-2026", "dmy", D(2026, 5, 3)),
    ("8-5-2020", "mdy", D(2020, 8, 5)), ("7-16-2020", "mdy", D(2020, 7, 16)),
    ("08-05-2020", "mdy", D(2020, 8, 5)), ("12-11-2020", "mdy", D(2020, 12, 11)),
    ("05.03.2026", "dmy", D(2026, 3, 5)), ("05.03.2026", "mdy", D(2026, 5, 3)),
    ("03/05/2026 14:02", "mdy", D(2026, 3, 5)), ("03/05/2026", "MDY", D(2026, 3, 5)),
    # English month names
    ("Mar 5, 2026", "ymd", D(2026, 3, 5)), ("March 5, 2026", "ymd", D(2026, 3, 5)),
    ("5 March 2026", "ymd", D(2026, 3, 5)), ("5 Mar 2026", "ymd", D(2026, 3, 5)),
    ("mar 05, 2026", "dmy", D(2026, 3, 5)), ("Sept 5th, 2026", "ymd", D(2026, 9, 5)),
    ("5-Mar-2026", "ymd", D(2026, 3, 5)), ("Mar 5, 2026 2:05 PM", "mdy", D(2026, 3, 5)),
]
DATE_NULL = [  # (s, ord, is_bad)
    (None, "ymd", False), ("", "ymd", False), ("--", "ymd", False), ("-", "mdy", False), ("N/A", "ymd", False),
    ("03/05/2026", "ymd", True), ("3-5-2026", "ymd", True), ("7-16-2020", "ymd", True),
    ("7-16-2020", "dmy", True), ("05.03.2026", "ymd", True),
    ("2026-02-30", "ymd", True), ("2026-13-01", "ymd", True), ("2026-03-05 24:00:00", "ymd", True),
    ("2026-03-05 25:00", "ymd", True), ("2026-03-05 14:61", "ymd", True), ("2026-03-05 14:02 +25:00", "ymd", True),
    ("26-03-05", "ymd", True), ("2026", "ymd", True), ("19999", "ymd", True), ("80001", "ymd", True),
    ("202603", "ymd", True), ("abc", "ymd", True), ("14:02", "ymd", True), ("Total", "mdy", True),
    ("3/5/26", "mdy", True), ("Foo 5, 2026", "ymd", True), ("August 31", "ymd", True),
]
DATE_IN = tuple(sorted({c[0] for c in DATE + DATE_NULL}, key=str))


@pytest.mark.parametrize(("s", "order", "want"), DATE)
def test_smm_date(ev, s, order, want):
    assert ev(f"smm_date(s, '{order}')", DATE_IN)[s] == want
    assert ev(f"smm_date_bad(s, '{order}')", DATE_IN)[s] is False


@pytest.mark.parametrize(("s", "order", "bad"), DATE_NULL)
def test_smm_date_null(ev, s, order, bad):
    assert ev(f"smm_date(s, '{order}')", DATE_IN)[s] is None
    assert ev(f"smm_date_bad(s, '{order}')", DATE_IN)[s] is bad


def test_smm_date_type(mcon):
    assert one(mcon, "SELECT typeof(smm_date('2026-03-05', 'ymd'))") == "DATE"
    assert one(mcon, "SELECT typeof(smm_date_noyear('Aug 31', 2026))") == "DATE"
    assert one(mcon, "SELECT typeof(smm_ts('2026-03-05', 'ymd'))") == "TIMESTAMP"


NOYEAR = [("August 31", D(2026, 8, 31)), ("Aug 31", D(2026, 8, 31)), ("31 Aug", D(2026, 8, 31)),
          ("08-06", D(2026, 8, 6)), ("8/6", D(2026, 8, 6)), ("8月6日", D(2026, 8, 6)), ("08月06日", D(2026, 8, 6)),
          (" aug 1st ", D(2026, 8, 1)), ("02-29", None), ("13/1", None), ("2026-08-06", None),
          ("Aug 31, 2026", None), ("8/6/2026", None), ("abc", None), ("--", None), (None, None)]


@pytest.mark.parametrize(("s", "want"), NOYEAR)
def test_smm_date_noyear(ev, s, want):
    assert ev("smm_date_noyear(s, 2026)", [s for s, _ in NOYEAR])[s] == want


def test_smm_date_noyear_leap(mcon):
    assert one(mcon, "SELECT smm_date_noyear('02-29', 2028)") == D(2028, 2, 29)


TSV = [  # (s, ord, want)
    ("2026-03-05 14:02:11", "ymd", TS(2026, 3, 5, 14, 2, 11)),
    ("2026-03-05T14:02:11Z", "ymd", TS(2026, 3, 5, 14, 2, 11)),
    ("2026-03-05T14:02:11+0000", "ymd", TS(2026, 3, 5, 14, 2, 11)),
    ("2026-03-05T14:02:11+08:00", "ymd", TS(2026, 3, 5, 6, 2, 11)),
    ("2026-03-05 14:02:11 +0800", "ymd", TS(2026, 3, 5, 6, 2, 11)),
    ("2026-03-05 23:30:00-0500", "ymd", TS(2026, 3, 6, 4, 30)),
    ("2026-03-05 14:02:11 UTC", "ymd", TS(2026, 3, 5, 14, 2, 11)),
    ("2026-03-05 14:02:11.5", "ymd", TS(2026, 3, 5, 14, 2, 11, 500000)),
    ("2026-03-05 14:02", "ymd", TS(2026, 3, 5, 14, 2)),
    ("2026/3/5 9:05", "ymd", TS(2026, 3, 5, 9, 5)),
    ("2026-03-05", "ymd", TS(2026, 3, 5)),
    ("2026年3月5日 14:02", "ymd", TS(2026, 3, 5, 14, 2)),
    ("03/05/2026 2:05 PM", "mdy", TS(2026, 3, 5, 14, 5)),
    ("03/05/2026 12:00 AM", "mdy", TS(2026, 3, 5, 0, 0)),
    ("03/05/2026 12:30 pm", "dmy", TS(2026, 5, 3, 12, 30)),
    ("7-16-2020", "mdy", TS(2020, 7, 16)),
    ("Mar 5, 2026 14:02:11", "ymd", TS(2026, 3, 5, 14, 2, 11)),
    ("45000.75", "ymd", TS(2023, 3, 15, 18, 0)),
    ("45000", "ymd", TS(2023, 3, 15)),
    ("2026-03-05 24:00:00", "ymd", None), ("2026-03-05 13:00 PM", "ymd", None),
    ("03/05/2026 14:02", "ymd", None), ("abc", "ymd", None), ("--", "ymd", None), (None, "ymd", None),
]


@pytest.mark.parametrize(("s", "order", "want"), TSV)
def test_smm_ts(ev, s, order, want):
    assert ev(f"smm_ts(s, '{order}')", sorted({c[0] for c in TSV}, key=str))[s] == want


def test_smm_ts_ignores_session_timezone():
    c = duckdb.connect()
    install_macros(c)
    c.execute("SET TimeZone = 'Asia/Shanghai'")
    assert one(c, "SELECT smm_ts('2026-03-05T14:02:11+08:00', 'ymd')") == TS(2026, 3, 5, 6, 2, 11)
    assert one(c, "SELECT smm_ts('2026-03-05 14:02:11', 'ymd')") == TS(2026, 3, 5, 14, 2, 11)
    c.close()


# ---------------------------------------------------------------------------------------------
# durations
DUR = [("00:03:25", 205.0), ("3:25", 205.0), ("1:02:03", 3723.0), ("3分25秒", 205.0), ("1小时2分", 3720.0),
       ("12.5", 12.5), ("125s", 125.0), ("125 秒", 125.0), ("1h 2m 3s", 3723.0), ("2 min", 120.0),
       ("1.5小时", 5400.0), ("75:30", 4530.0), ("00:03:25.5", 205.5), ("0", 0.0), (" 00:01:04 ", 64.0)]
DUR_NULL = [(None, False), ("", False), ("--", False), ("N/A", False), ("abc", True), ("-5", True),
            ("1:60", True), ("1:02:60", True), ("3:5", True), ("1:2:3:4", True), ("inf", True), ("5 apples", True)]
DUR_IN = tuple(s for s, _ in DUR + DUR_NULL)


@pytest.mark.parametrize(("s", "want"), DUR)
def test_smm_duration(ev, s, want):
    assert same(ev("smm_duration(s)", DUR_IN)[s], want)
    assert ev("smm_duration_bad(s)", DUR_IN)[s] is False


@pytest.mark.parametrize(("s", "bad"), DUR_NULL)
def test_smm_duration_null(ev, s, bad):
    assert ev("smm_duration(s)", DUR_IN)[s] is None
    assert ev("smm_duration_bad(s)", DUR_IN)[s] is bad


# ---------------------------------------------------------------------------------------------
# text and summary labels
TEXT = [("  hello  ", "hello"), ("\tA title\n", "A title"), ("=HYPERLINK(\"http://x\",\"y\")", "=HYPERLINK(\"http://x\",\"y\")"),
        ("+1 great", "+1 great"), ("@user", "@user"), ("小红书", "小红书"), ("0", "0"),
        ("", None), ("   ", None), ("-", None), ("--", None), ("—", None), ("N/A", None), ("n/a", None),
        ("NA", None), ("null", None), ("None", None), ("nan", None), ("/", None), (None, None)]


@pytest.mark.parametrize(("s", "want"), TEXT)
def test_smm_text(ev, s, want):
    assert ev("smm_text(s)", [s for s, _ in TEXT])[s] == want


SUMMARY = [("Total", True), ("Totals", True), ("Total:", True), ("Total: Account", True),
           ("Total: Campaigns", True), ("Grand total", True), ("Summary", True), ("合计", True), ("总计", True),
           ("汇总", True), ("总和", True), ("全部", True), ("小计", True), ("Total - Campaign A", True),
           ("Total – all", True), (" TOTAL ", True), ("total", True), ("合计：", True), ("Total (3)", True),
           ("Total views", False), ("Totally spies", False), ("Subtotal of ads", False), ("cristiano", False),
           ("4OZip0cgOho", False), ("", False), (None, False)]


@pytest.mark.parametrize(("s", "want"), SUMMARY)
def test_smm_is_summary(ev, s, want):
    assert ev("smm_is_summary(s)", [s for s, _ in SUMMARY])[s] is want


# ---------------------------------------------------------------------------------------------
# the real public exports in shared/data/real
def _read_csv(name: str) -> tuple[list[str], list[list[str]]]:
    from conftest import real_dir

    with open(real_dir() / name, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _col(rows, header, name):
    i = header.index(name)
    return [r[i] or None for r in rows]


def test_real_instagram_suffixes_and_percent(mcon):
    header, rows = _read_csv("top_insta_influencers_data.csv")
    assert rows[0][:9] == ["1", "cristiano", "92", "3.3k", "475.8m", "8.7m", "1.39%", "6.5m", "29.0b"]
    for name in ["posts", "followers", "avg_likes", "new_post_avg_like", "total_likes"]:
        vals = _col(rows, header, name)
        got = column(mcon, vals, "smm_num(s)")
        bad = [v for v, b in zip(vals, column(mcon, vals, "smm_num_bad(s)"), strict=True) if b]
        assert bad == [], (name, bad[:5])
        assert sum(g is None for g in got) == sum(v is None for v in vals), name
    first = one(mcon, "SELECT [smm_num('3.3k'), smm_num('475.8m'), smm_num('29.0b'), smm_num('0.89k'), "
                      "smm_pct('1.39%', false)]")
    assert first == pytest.approx([3300.0, 475.8e6, 29.0e9, 890.0, 0.0139], rel=1e-12)
    rates = column(mcon, _col(rows, header, "60d_eng_rate"), "smm_pct(s, false)")
    assert all(r is None or 0 <= r < 1 for r in rates)
    # 'NaN' is a null token here (country column)
    assert column(mcon, ["NaN", "Spain"], "smm_text(s)") == [None, "Spain"]


def test_real_youtube_studio(mcon):
    header, rows = _read_csv("youtube_studio_Aggregated_Metrics_By_Video.csv")
    assert rows[0][0] == "Total"
    assert column(mcon, [r[0] for r in rows[:3]], "smm_is_summary(s)") == [True, False, False]
    body = rows[1:]
    dates = _col(body, header, "Video publish time")
    assert {"08-05-2020", "7-16-2020"} <= set(dates)
    got = column(mcon, dates, "smm_date(s, 'mdy')")
    assert None not in got
    assert got[dates.index("08-05-2020")] == D(2020, 8, 5)
    assert got[dates.index("7-16-2020")] == D(2020, 7, 16)
    assert column(mcon, dates, "smm_date_bad(s, 'ymd')").count(False) == 0  # never guessed
    durs = _col(rows, header, "Average view duration")
    assert rows[0][header.index("Average view duration")] == "00:03:25"
    assert None not in column(mcon, durs, "smm_duration(s)")
    assert column(mcon, ["00:03:25"], "smm_duration(s)") == [205.0]
    for name in header[3:]:
        if name in ("Average view duration",):
            continue
        vals = _col(rows, header, name)
        bad = [v for v, b in zip(vals, column(mcon, vals, "smm_num_bad(s)"), strict=True) if b]
        assert bad == [], (name, bad[:5])
    subs = column(mcon, _col(body, header, "Subscribers"), "smm_num(s)")
    assert min(subs) < 0  # net subscribers can be negative


def test_real_tiktok_idr(mcon):
    header, rows = _read_csv("tiktok_ads_export_idr_ads_1.csv")
    cost = _col(rows, header, "Cost")
    got = column(mcon, cost, "smm_num(s)")
    assert got == [float(int(v)) for v in cost]
    assert column(mcon, ["5779", "IDR 5779", "Rp5779"], "smm_num(s)") == [5779.0, 5779.0, None]
    ctr = column(mcon, _col(rows, header, "CTR (Destination)"), "smm_pct(s, true)")
    assert ctr[0] == pytest.approx(0.0061)
    assert None not in column(mcon, _col(rows, header, "Date"), "smm_date(s, 'ymd')")


def test_real_kag_and_facebook_plain_numbers(mcon):
    for name in ["KAG_conversion_data.csv", "dataset_Facebook.csv"]:
        header, rows = _read_csv(name)
        for j, h in enumerate(header):
            vals = [r[j] or None for r in rows]
            if h in ("age", "gender", "Type"):
                continue
            bad = [v for v, b in zip(vals, column(mcon, vals, "smm_num_bad(s)"), strict=True) if b]
            assert bad == [], (name, h, bad[:5])
            got = column(mcon, vals, "smm_num(s)")
            assert got == [None if v is None else float(v) for v in vals], (name, h)


# ---------------------------------------------------------------------------------------------
# property-based round trips
finite = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)
ints = st.integers(min_value=-(10**15), max_value=10**15)
numbers = st.one_of(ints, finite)


def _close(got, want) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-300)


@settings(max_examples=80, deadline=None)
@given(xs=st.lists(numbers, min_size=1, max_size=10))
def test_prop_number_round_trips(mcon, xs):
    """f"{x:,}", f"{x}%", f"{x/1e4}万" and parentheses all round-trip through smm_num (1e-9 relative)."""
    cases = []
    for x in xs:
        cases += [(f"{x:,}", float(x)), (f"{x}%", x / 100), (f"{x / 1e4}万", float(x)),
                  (f"({abs(x)})", -abs(x)), (f"({abs(x):,})", -abs(x))]
    got = column(mcon, [s for s, _ in cases], "smm_num(s)")
    assert [(s, g) for (s, w), g in zip(cases, got, strict=True) if not _close(g, w)] == []


@settings(max_examples=100, deadline=None)
@given(x=numbers)
def test_prop_scalar_number(mcon, x):
    """The same through a bound parameter, one value per query."""
    assert _close(one(mcon, "SELECT smm_num(?)", f"{x:,}"), float(x))


@settings(max_examples=80, deadline=None)
@given(ds=st.lists(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)), min_size=1, max_size=5))
def test_prop_dates(mcon, ds):
    """ISO, yyyy/mm/dd, 年月日, yyyymmdd, month names, timestamps (ymd); m-d-yyyy (mdy); d/m/yyyy (dmy)."""
    cases = []
    for d in ds:
        cases += [(f, "ymd", d) for f in (d.isoformat(), d.strftime("%Y/%m/%d"), f"{d.year}年{d.month}月{d.day}日",
                                          d.strftime("%Y%m%d"), d.strftime("%b %d, %Y"), d.strftime("%d %B %Y"),
                                          f"{d.isoformat()} 12:34:56", f"{d.isoformat()}T01:02:03Z")]
        cases += [(f"{d.month}-{d.day}-{d.year}", "mdy", d), (d.strftime("%m/%d/%Y"), "mdy", d),
                  (f"{d.day}/{d.month}/{d.year}", "dmy", d)]
    got = column(mcon, [s for s, _, _ in cases], "smm_date(s, o)", [o for _, o, _ in cases])
    assert [(s, o, g) for (s, o, w), g in zip(cases, got, strict=True) if g != w] == []


ALL_MACROS_EXPR = ("[smm_num(s)::VARCHAR, smm_num_eu(s)::VARCHAR, smm_num_bad(s)::VARCHAR, smm_num_flag(s), "
                   "smm_pct(s, true)::VARCHAR, smm_date(s, 'mdy')::VARCHAR, smm_date_bad(s, 'dmy')::VARCHAR, "
                   "smm_ts(s, 'ymd')::VARCHAR, smm_date_noyear(s, 2026)::VARCHAR, smm_duration(s)::VARCHAR, "
                   "smm_duration_bad(s)::VARCHAR, smm_text(s), smm_is_summary(s)::VARCHAR]")


@settings(max_examples=20, deadline=None)
@given(ss=st.lists(st.text(max_size=30), min_size=1, max_size=50))
def test_prop_never_raises(mcon, ss):
    """Arbitrary text: every macro returns a value or NULL, never an error; numbers are finite."""
    rows = column(mcon, ss, ALL_MACROS_EXPR)
    for s, row in zip(ss, rows, strict=True):
        assert row[0] is None or math.isfinite(float(row[0])), s
        assert row[2] in ("true", "false") and row[10] in ("true", "false") and row[12] in ("true", "false"), s


@settings(max_examples=100, deadline=None)
@given(s=st.text(max_size=30))
def test_prop_scalar_never_raises(mcon, s):
    n = one(mcon, "SELECT smm_num(?)", s)
    assert n is None or math.isfinite(n)


def _smm_num_without_wan_branch(con) -> None:
    """smm_num_old: smm_num as it was before its quick 万 branch (the macro's own text, that line removed)."""
    from smm.values import macro_statements

    body = dict(macro_statements())["smm_num"]
    assert "        smm__num_wan(s),\n" in body
    con.execute(body.replace("        smm__num_wan(s),\n", "").replace("MACRO smm_num(s)", "MACRO smm_num_old(s)"))


@settings(max_examples=60, deadline=None)
@given(ss=st.lists(st.text(alphabet="0123456789.+-eE_ ,万", max_size=10).map(lambda t: t + "万"), min_size=1,
                   max_size=25))
def test_prop_quick_wan_branch_gives_what_the_unit_branch_gave(mcon, ss):
    """smm__num_wan only skips a regular expression: smm_num's value of any '…万' text is what it was without it."""
    _smm_num_without_wan_branch(mcon)
    ss = [*ss, "15.39万", "1.万", ".5万", "+1万", "-0万", "1_0万", "1e5万", " 15万", "15 万", "1,234.5万", "万"]
    got = column(mcon, ss, "[smm_num(s)::VARCHAR, smm_num_old(s)::VARCHAR, smm__num_wan(s)::VARCHAR]")
    assert [(s, new, old) for s, (new, old, _) in zip(ss, got, strict=True) if new != old] == []
    quick = dict(zip(ss, (w for _, _, w in got), strict=True))
    assert quick["15.39万"] == "153900.0" and quick["1_0万"] is None and quick["1,234.5万"] is None


MASKED = re.compile(r"[<＜]\s*=?\s*\d+(?:\.\d+)?\s*[%％]?")


@settings(max_examples=40, deadline=None)
@given(ss=st.lists(st.text(alphabet="0123456789,.-+()%万kKmMwW$¥ <", max_size=14), min_size=1, max_size=25))
def test_prop_numberish_text(mcon, ss):
    """Number-like junk: bad is exactly 'not a number, not a null token, not masked'."""
    got = column(mcon, ss, "[smm_num(s)::VARCHAR, smm_num_bad(s)::VARCHAR]")
    for s, (num, bad) in zip(ss, got, strict=True):
        if num is not None:
            assert bad == "false", s
            assert math.isfinite(float(num))
        elif MASKED.fullmatch(s.strip()) or s.strip() in ("", "-", "--", "/"):
            assert bad == "false", s
        else:
            assert bad == "true", s


# ---------------------------------------------------------------------------------------------
# installation
def test_macro_file_layout():
    stmts = macro_statements()
    names = [n for n, _ in stmts]
    assert len(names) == len(set(names))
    assert set(MACRO_NAMES) <= set(names)
    assert all(n in MACRO_NAMES or n.startswith("smm__") for n in names)
    text = MACROS_SQL.read_text(encoding="utf-8")
    assert text.count("CREATE OR REPLACE MACRO") == len(stmts)
    for name, stmt in stmts:
        lines = stmt.splitlines()
        assert lines[0] == f"-- name: {name}"
        assert lines[1].startswith("-- ") and len(lines[1]) > 10, name  # one-line description
        assert lines[2].startswith(f"CREATE OR REPLACE MACRO {name}("), name
        assert not re.search(r"CREATE\s+(OR\s+REPLACE\s+)?TEMP", stmt, re.I)


def test_macro_statements_rejects_mismatch():
    with pytest.raises(ValueError):
        macro_statements("-- name: a\n-- x\nCREATE OR REPLACE MACRO b(s) AS s;\n")
    with pytest.raises(ValueError):
        macro_statements("CREATE OR REPLACE MACRO b(s) AS s;\n")


def test_macros_are_persistent_and_visible_to_cursors(tmp_path):
    path = tmp_path / "m.duckdb"
    c = duckdb.connect(str(path))
    install_macros(c)
    cur = c.cursor()
    assert one(cur, "SELECT smm_num('1.2万')") == 12000.0
    rows = c.execute("SELECT DISTINCT database_name, schema_name FROM duckdb_functions() "
                     "WHERE function_name IN (SELECT unnest(?))", [list(MACRO_NAMES)]).fetchall()
    assert rows == [(path.stem, "main")]
    assert c.execute("SELECT count(DISTINCT function_name) FROM duckdb_functions() "
                     "WHERE function_name IN (SELECT unnest(?))", [list(MACRO_NAMES)]).fetchall() == [(len(MACRO_NAMES),)]
    cur.close()
    c.close()
    ro = duckdb.connect(str(path), read_only=True)
    install_macros(ro)  # up to date: nothing to write, so a read-only connection is fine
    assert one(ro, "SELECT smm_date('7-16-2020', 'mdy')") == D(2020, 7, 16)
    ro.close()


def test_install_is_idempotent_and_versioned(mcon):
    install_macros(mcon)
    install_macros(mcon, force=True)
    v = one(mcon, f"SELECT {VERSION_MACRO}()")
    assert re.fullmatch(r"[0-9a-f]{16}", v)
    assert one(mcon, "SELECT smm_num('3.3k')") == 3300.0


# ---------------------------------------------------------------------------------------------
# smm_neutralize: the formula guard of exports DuckDB writes, the same rule as smm.export.neutralize
NEUTRALIZE = [
    ("-12.5", "-12.5"), ("+5", "+5"), ("-.5", "-.5"), ("-5.", "-5."), ("+1.5e3", "+1.5e3"), ("-1E-3", "-1E-3"),
    ("-", "'-"), ("+", "'+"), ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t3", "'\t3"), ("\r=x", "'\r=x"),
    ("-3 ", "'-3 "), ("-inf", "'-inf"), ("-nan", "'-nan"), ("-1_000", "'-1_000"), ("-١٢", "'-١٢"),
    ("-1,234", "'-1,234"), ("-1e", "'-1e"), ("--5", "'--5"), (" -3", " -3"), ("12", "12"), ("a=b", "a=b"),
    ("中文", "中文"), ("", ""), (None, None),
]


def test_smm_neutralize_cases(ev):
    from smm.export import neutralize

    got = ev("smm_neutralize(s)", [v for v, _ in NEUTRALIZE])
    for v, want in NEUTRALIZE:
        assert got[v] == want, (v, got[v])
        assert neutralize(v) == want, v


_NEUTRAL_TEXT = st.one_of(
    st.text(max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "", " "]),
              st.text(alphabet="0123456789.eE+-_ ,=@\t\r:;x中", max_size=10)),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NEUTRAL_TEXT, min_size=1, max_size=40))
def test_smm_neutralize_is_the_rule_of_smm_export(mcon, values):
    from smm.export import NUMBER, neutralize

    assert NUMBER in MACROS_SQL.read_text(encoding="utf-8")     # one pattern, written in both places
    values = [v.replace("\x00", "") for v in values]             # DuckDB text holds no NUL
    assert column(mcon, values, "smm_neutralize(s)") == [neutralize(v) for v in values]
