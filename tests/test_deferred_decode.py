"""A GB18030 export's cells decoded where staging reads them (readers.read_table's defer_decode), against the
same bytes decoded into the raw table first.

DuckDB reads a GB18030 file byte for byte (as Latin-1); its non-ASCII cells are decoded in Python once per
distinct cell. The load no longer writes those texts back into the raw table: the statement that cleans the rows
joins them in (0.2 s less on a million rows). Whatever the file, what is stored and reported must be the same:
each test loads the same bytes both ways, into two stores, and compares them row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from ingestkit import csv_bytes, load

from smm import ingest, readers, store

HEADER = ["日期", "账户名称", "计划名称", "创意名称", "消耗", "展示数", "点击数", "成交订单数", "成交订单金额"]


def _rows(n: int) -> list[list[str]]:
    """A 巨量千川 plan report as Chinese Windows Excel writes it: 万 and 1,234 values, one row per creative × day."""
    start = dt.date(2026, 8, 31)
    out = []
    for i in range(n):
        imp = 1000 + i * 7919 % 400_000
        out.append([(start + dt.timedelta(days=i % 84)).strftime("%Y/%m/%d"), f"澄研旗舰店{i // 84 // 200 % 3}",
                    f"计划_{i // 84 // 20:05d}_双11", f"创意 {i // 84}", f"{i % 9973 * 1.25:,.2f}",
                    f"{imp / 10000:.2f}万" if imp >= 100_000 else f"{imp:,}", f"{i % 900:,}", str(i % 7),
                    f"{i % 7 * 129.9:,.2f}"])
    return out


def _export(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    total = ["合计", "", "", "", "1", "2", "3", "4", "5"][:len(header)]
    return csv_bytes(header, [*rows, total], encoding="gb18030")


def _stored(con) -> dict[str, list]:
    """Every data table's rows, in a fixed order (the clock's times left out; sums to 6 decimals, as their order
    of addition varies from run to run)."""
    out = {}
    for t in (*store.DATA_TABLES, "fact_daily", "fact_daily_platform"):
        cols = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = "
            "'main' AND column_name NOT IN ('loaded_at', 'updated_at', 'created_at') ORDER BY ordinal_position",
            [t]).fetchall()
        sel = ", ".join(f'round("{c}", 6)' if typ == "DOUBLE" else f'"{c}"' for c, typ in cols)
        out[t] = con.execute(f"SELECT {sel} FROM {t} ORDER BY ALL").fetchall()  # noqa: S608
    return out


@pytest.fixture
def two(tmp_path):
    """Two fresh stores: one loading as the app does, one decoding into the raw table first."""
    a, b = store.connect(tmp_path / "deferred.duckdb"), store.connect(tmp_path / "decoded.duckdb")
    yield a, b
    a.close()
    b.close()


def _both(monkeypatch, two, data: bytes, name: str = "千川_plan.csv", **opts):
    """Load `data` into both stores; return both reports and whether the first load's decoding was deferred."""
    a, b = two
    seen = []
    real = readers.read_table

    def spy(*args, **kw):
        raw = real(*args, **kw)
        seen.append(raw.text_map is not None)
        return raw

    with monkeypatch.context() as m:
        m.setattr(readers, "read_table", spy)
        r1 = load(a, data, name, **opts)
    with monkeypatch.context() as m:
        m.setattr(readers, "read_table", lambda *args, **kw: real(*args, **{**kw, "defer_decode": False}))
        r2 = load(b, data, name, **opts)
    return vars(r1), vars(r2), seen == [True]


@pytest.mark.parametrize("n", [40, 20_000])                    # the long and the wide cleaning form
def test_a_gb18030_export_stores_and_reports_the_same_either_way(monkeypatch, two, n):
    rows = _rows(n)
    r1, r2, deferred = _both(monkeypatch, two, _export(rows))
    assert deferred and r1 == r2 and r1["status"] == "loaded"
    assert (r1["rows_loaded"], r1["rows_summary"]) == (n, 1)
    a, b = two
    assert _stored(a) == _stored(b)
    # and against the file, computed here: spend, 万 impressions, revenue; names decoded
    want = (sum(float(r[4].replace(",", "")) for r in rows),
            sum(round(float(r[5][:-1]) * 10000) if r[5].endswith("万") else int(r[5].replace(",", "")) for r in rows),
            sum(float(r[8].replace(",", "")) for r in rows))
    assert a.execute("SELECT sum(spend), sum(impressions), sum(revenue) FROM fact_active").fetchall()[0] == (
        pytest.approx(want, rel=1e-12))
    assert a.execute("SELECT list(DISTINCT account ORDER BY account), min(campaign) FROM fact_active"
                     ).fetchall()[0] == (sorted({r[1] for r in rows}), "计划_00000_双11")
    assert not a.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()


@pytest.mark.parametrize("on_invalid", ["reject", "load_valid"])
def test_a_gb18030_export_with_bad_rows_is_reported_the_same_either_way(monkeypatch, two, on_invalid):
    """The error report and the rejected rows' CSV hold the cells as text (a 万 value, a Chinese name)."""
    rows = _rows(20_000)
    rows[4_000][4] = "-12.50"
    rows[15_000][6] = "999万"                                  # clicks above impressions
    r1, r2, deferred = _both(monkeypatch, two, _export(rows), on_invalid=on_invalid)
    assert deferred and r1 == r2
    assert r1["rows_rejected"] == 2 and [(e["row"], e["code"], e["value"]) for e in r1["errors"]] == [
        (4_002, "negative", "-12.50"), (15_002, "clicks_gt_impressions", "999万")]
    got = list(csv.reader(io.StringIO(r1["rejected_csv"].decode("utf-8-sig"), newline="")))
    assert [g[:-1] for g in got[1:]] == [["4002", *rows[4_000]], ["15002", *rows[15_000]]]
    assert r1["status"] == ("rejected" if on_invalid == "reject" else "loaded")
    a, b = two
    assert _stored(a) == _stored(b)


def test_an_unknown_gb18030_export_previews_the_same_either_way(monkeypatch, two):
    header = ["统计日", "店铺", "计划", "花费合计"]
    r1, r2, deferred = _both(monkeypatch, two, _export([r[:4] for r in _rows(30)], header), "未知格式.csv")
    assert deferred and r1 == r2 and r1["status"] == "unrecognised"
    assert r1["preview"][0] == ("2026/08/31", "澄研旗舰店0", "计划_00000_双11", "创意 0")
    assert len(r1["preview"]) == 5


def test_deferred_decoding_reads_the_cells_a_decoded_table_holds(con):
    """read_table(defer_decode=True) leaves a GB18030 file's cells as read, their text on the side:
    decoded_rows and decoded_values read the text a plain read holds."""
    rows = [["2026/09/01", "澄研旗舰店", "\u3000计划 甲\u3000", "1.5万"], ["2026/09/02", "新店", "plain", "12"]]
    data = csv_bytes(["日期", "账户", "计划", "展示数"], rows, encoding="gb18030")
    plain = readers.read_table(con, data, "a.csv", table="plain")
    later = readers.read_table(con, data, "a.csv", table="later", defer_decode=True)
    assert plain.parser == later.parser == "duckdb"              # read byte for byte (as Latin-1) by DuckDB
    assert plain.text_map is None and later.text_map == "later__map" and later.text_cols == (1, 2, 3)
    want = con.execute("SELECT * FROM plain ORDER BY _row").fetchall()
    assert want[0][1:] == ("2026/09/01", "澄研旗舰店", "计划 甲", "1.5万")
    assert con.execute("SELECT * FROM later ORDER BY _row").fetchall() != want      # as read
    assert con.execute(f"SELECT * FROM {readers.decoded_rows(later, range(4))} ORDER BY _row").fetchall() == want
    assert con.execute(f"SELECT v FROM {readers.decoded_values(later, 1)} ORDER BY v").fetchall() == [
        ("新店",), ("澄研旗舰店",)]


def test_a_cell_of_only_wide_spaces_is_decoded_at_once(con):
    """Stripped, it is empty: which rows are blank and which columns empty must not depend on when cells are
    decoded, so such a file is not deferred."""
    rows = [["2026/09/01", "店", "\u3000\u3000", "1"], ["\u3000", "", "\u3000", ""], ["2026/09/02", "店", "x", "2"]]
    data = csv_bytes(["日期", "账户", "计划", "展示数"], rows, encoding="gb18030")
    plain = readers.read_table(con, data, "b.csv", table="plain")
    later = readers.read_table(con, data, "b.csv", table="later", defer_decode=True)
    assert plain.parser == later.parser == "duckdb"
    assert later.text_map is None and later.n_rows == plain.n_rows == 2
    assert con.execute("SELECT * FROM later ORDER BY _row").fetchall() == con.execute(
        "SELECT * FROM plain ORDER BY _row").fetchall()


def test_the_wide_form_threshold_splits_the_two_parametrized_sizes():
    assert 40 <= ingest.LONG_MODE_MAX_ROWS < 20_000
