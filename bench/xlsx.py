#!/usr/bin/env python
"""XLSX ingest benchmark: a large 巨量千川 plan report as an .xlsx, against calamine alone (the floor) and
pandas (the peer).

Usage: python bench/xlsx.py [--rows N] [--runs K] [--peer-runs K] [--keep DIR]

The workbook has the columns of bench/ingest.py's CSV export (same generated rows): dates written as text
`2026/08/31`, money and counts as numbers, impressions of 10万 and more as text `15.39万` (how Chinese
exports write them), CTR as text `2.05%`, a bare ROI number, and a `合计` totals row at the bottom.

Printed figures (each in a fresh subprocess, so peak RSS is that process's own high-water mark):
- ours:  smm.ingest.ingest_file into a fresh store file (recognise, read, clean, validate, one transaction);
- floor: calamine alone (python-calamine, the reader smm uses) parsing the sheet into Python values:
         what any reading of the file with this library pays before a value is cleaned or stored;
- peer:  pandas.read_excel(engine="calamine") as text, then the cleaning of bench/ingest.py's pandas peer
         (drop the totals row, parse dates, strip separators, expand 万, percent → ratio), written to DuckDB.
No target is set for XLSX; the figures show where the time goes. The script checks that ours and the peer
load exactly the generated totals, so a fast wrong answer cannot pass for a result.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import _PRELUDE, _ROWS_SQL, HEADER, OURS, best, same_sums  # noqa: E402
from ingest import PEER as PEER_CSV  # noqa: E402

# pyarrow imports pandas the first time it builds an array from Python values (0.26 s here). The app has it
# loaded already (Streamlit imports it), and the peer imports it before its clock starts: so does ours.
assert "from smm import store" in OURS
OURS_XLSX = OURS.replace("from smm import store", "import pandas  # noqa: F401\nfrom smm import store", 1)

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="计划报表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cell(v) -> str:
    if isinstance(v, str):
        return f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>'
    return "<c/>" if v is None else f"<c><v>{v!r}</v></c>"


def make_xlsx(n: int, out: Path) -> tuple[Path, tuple]:
    """Write the workbook; return its path and the generated totals (spend … revenue, rows)."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE r AS {_ROWS_SQL}", {"n": n})
    tot = con.execute("SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(orders), "
                      "sum(revenue), count(*) FROM r").fetchall()[0]
    rows = con.execute(
        "SELECT strftime(d, '%Y/%m/%d'), account, campaign, ad, spend, "
        "CASE WHEN impressions >= 100000 THEN format('{:.2f}万', impressions / 10000.0) END, "
        "CASE WHEN impressions < 100000 THEN impressions END, clicks, "
        "format('{:.2f}%', 100.0 * clicks / impressions), conversions, orders, revenue, "
        "CASE WHEN spend > 0 THEN round(revenue / spend, 2) END FROM r ORDER BY d, ad").fetchall()
    con.close()
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
             "<row>" + "".join(_cell(h) for h in HEADER) + "</row>"]
    for d, acc, camp, ad, spend, wan, imp, clicks, ctr, conv, orders, rev, roi in rows:
        cells = (d, acc, camp, ad, spend, wan if wan is not None else imp, clicks, ctr, conv, orders, rev,
                 "--" if roi is None else roi)
        parts.append("<row>" + "".join(_cell(v) for v in cells) + "</row>")
    parts.append("<row>" + "".join(_cell(v) for v in ("合计", None, None, None, round(tot[0], 2), tot[1], tot[2],
                                                      None, tot[3], tot[4], round(tot[5], 2))) + "</row>")
    parts.append("</sheetData></worksheet>")
    path = out / "qianchuan_ads_bench.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", "".join(parts))
    return path, tot


FLOOR = (
    _PRELUDE
    + """
from python_calamine import CalamineWorkbook
base = rss_mb()
t0, c0 = time.perf_counter(), time.process_time()
wb = CalamineWorkbook.from_path(sys.argv[1])
values = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"seconds": secs, "cpu": cpu, "rss_mb": rss_mb(), "base_rss_mb": base, "cells": len(values) * len(values[0])}))
"""
)

# The peer of bench/ingest.py, reading the workbook instead of the CSV (the same cleaning and write after it).
_READ_CSV = 'df = pd.read_csv(sys.argv[1], encoding="gb18030", dtype=str, keep_default_na=False)'
assert _READ_CSV in PEER_CSV
PEER = PEER_CSV.replace(_READ_CSV, 'df = pd.read_excel(sys.argv[1], engine="calamine", dtype=str, keep_default_na=False)')


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3, help="runs per contender (best time, highest RSS reported)")
    ap.add_argument("--peer-runs", type=int, default=1, help="runs of the pandas peer")
    ap.add_argument("--keep", type=Path, help="write the workbook here and keep it")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="smm-bench-xlsx-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        book, tot = make_xlsx(args.rows, out)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f}s: {book.name} "
              f"{book.stat().st_size / 1e6:.1f} MB (text dates, 万 and % text, numbers, totals row)")
        floor = best(FLOOR, book, out / "floor.duckdb", args.runs)
        ours = best(OURS_XLSX, book, out / "ours.duckdb", args.runs)
        peer = best(PEER, book, out / "peer.duckdb", args.peer_runs)

    ok_ours = ours["status"] == "loaded" and ours["n"] == tot[6] and same_sums(ours["sums"], tot[:6])
    ok_peer = peer["n"] == tot[6] and same_sums(peer["sums"], tot[:6])
    print(f"{'':30s}{'wall s':>9s}{'CPU s':>9s}{'peak RSS MB':>13s}{'(after imports)':>17s}  wall per run")
    for name, r in (("ours (smm ingest)", ours), ("floor (calamine to_python)", floor), ("peer (pandas)", peer)):
        print(f"{name:30s}{r['seconds']:9.2f}{r['cpu']:9.2f}{r['rss_mb']:13.0f}{r['base_rss_mb']:17.0f}  "
              f"{r['all_seconds']}")
    print(f"ours / floor  = {ours['seconds'] / floor['seconds']:5.2f}x wall   (calamine's parse alone; no target)")
    print(f"peer / ours   = {peer['seconds'] / ours['seconds']:5.2f}x wall")
    print(f"totals equal to the generated ones: ours {'yes' if ok_ours else 'NO'}, peer {'yes' if ok_peer else 'NO'} "
          f"(rows {ours['n']:,} / {tot[6]:,}; summary rows skipped by ours: {ours['summary_rows']})")
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"({os.cpu_count()} CPUs, 1-min load average {load} at the end)")
    return 0 if ok_ours and ok_peer else 1


if __name__ == "__main__":
    sys.exit(main())
