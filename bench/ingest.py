#!/usr/bin/env python
"""Ingest benchmark: a 1,000,000-row messy export, against DuckDB alone (the floor) and pandas (the peer).

Usage: python bench/ingest.py [--rows N] [--runs K] [--keep DIR] [--invalid-every N]

The export is a 巨量千川 (Qianchuan) plan report as Chinese Windows Excel writes it: GB18030, dates
`2026/08/31`, impressions of 10万 and more written `15.39万`, other counts and money with thousands
separators (`"6,011.21"`), `2.05%` CTR, a bare ROI ratio, and a `合计` totals row at the bottom.

Printed figures (each measured in a fresh subprocess, so peak RSS is that process's own high-water mark):
- ours:   smm.ingest.ingest_file into a fresh store file (recognise, clean, validate, one transaction);
- floor:  DuckDB alone, `CREATE TABLE t AS SELECT * FROM read_csv(...)` of the same rows as a clean UTF-8 CSV
          (ISO dates, plain numbers, no totals row) into a fresh database file;
- peer:   a straightforward pandas pipeline doing the same cleaning (read GB18030 as text, drop the totals
          row, parse dates, strip separators, expand 万, percent → ratio) and writing the frame to a fresh
          DuckDB file.
- write alone: DuckDB inserting the floor's rows, already read and typed, into the `fact_narrow` table of a fresh
          smm store and committing (no cleaning, checks, row keys or rollup): what writing into smm's schema costs
          by itself, as a multiple of the floor. fact_narrow holds the rows of a file that fills only the columns of a
          plain paid-ads report, as this export does (migration 008).
- write, all columns: the same insert into `fact_wide`, the table with every column of `fact` (where a file that
          fills any other column goes): what the 16 columns fact_narrow lacks would add (DuckDB writes and
          compresses an all-NULL column too: ~12 ms per million rows each, measured on DuckDB 2.0).
- with --invalid-every N, ours again on a copy where every N-th row has a negative spend: the file is rejected
  whole, and the time includes the error report and the rejected-rows CSV (no target: a figure to watch).
Targets: ours ≤ 2× floor, ≥ 3× faster than the peer, peak RSS < 1 GB. The script also checks that ours and
the peer load exactly the floor's totals, so a fast wrong answer cannot pass for a result.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "日期",
    "账户名称",
    "计划名称",
    "创意名称",
    "消耗",
    "展示数",
    "点击数",
    "点击率",
    "转化数",
    "成交订单数",
    "成交订单金额",
    "支付ROI",
]
SUM_COLS = {
    "spend": "消耗",
    "impressions": "展示数",
    "clicks": "点击数",
    "conversions": "转化数",
    "orders": "成交订单数",
    "revenue": "成交订单金额",
}

# One row per creative × day (so every row is its own grain key); values from a hash of the row number,
# deterministic for a given DuckDB version. Impressions are rounded the way the 万 form shows them.
_ROWS_SQL = """
WITH base AS (
    SELECT i,
           DATE '2026-08-31' + CAST(i % 84 AS INTEGER) AS d,
           '澄研旗舰店' || CAST(i // 84 // 2000 % 5 AS VARCHAR) AS account,
           '计划_' || lpad(CAST(i // 84 // 20 AS VARCHAR), 5, '0') || '_双11大促' AS campaign,
           '创意 ' || CAST(i // 84 AS VARCHAR) AS ad,
           CAST(hash(i, 1) % 1000000 AS DOUBLE) / 100 AS spend,
           1000 + CAST(hash(i, 2) % 400000 AS BIGINT) AS imp0,
           CAST(hash(i, 3) % 1000 AS DOUBLE) AS u3,
           CAST(hash(i, 4) % 1000 AS DOUBLE) AS u4,
           CAST(hash(i, 5) % 20000 AS DOUBLE) AS u5
    FROM range($n) t(i)
), imp AS (
    SELECT *, CASE WHEN imp0 >= 100000 THEN CAST(round(imp0 / 100.0) * 100 AS BIGINT) ELSE imp0 END AS impressions
    FROM base
), clk AS (
    SELECT *, CAST(floor(impressions * (0.004 + u3 / 25000)) AS BIGINT) AS clicks FROM imp
), conv AS (
    SELECT *, CAST(floor(clicks * u4 / 12000) AS BIGINT) AS conversions FROM clk
)
SELECT d, account, campaign, ad, spend, impressions, clicks, conversions, conversions AS orders,
       round(conversions * (99 + u5 / 100), 2) AS revenue
FROM conv
"""


def make_invalid(messy: Path, every: int) -> Path:
    """A copy of the export where every `every`-th data row has a negative spend (a row the load rejects)."""
    lines = messy.read_bytes().split(b"\r\n")
    for k in range(1, len(lines) - 1, every):       # not the header, not the totals row at the bottom
        parts = lines[k].split(b",", 4)             # date, account, campaign, ad: no commas in these
        parts[4] = b'"-' + parts[4][1:] if parts[4].startswith(b'"') else b"-" + parts[4]
        lines[k] = b",".join(parts)
    bad = messy.with_name(f"invalid_every_{every}.csv")
    bad.write_bytes(b"\r\n".join(lines))
    return bad


def make_files(n: int, out: Path) -> tuple[Path, Path]:
    """Write the messy GB18030 export and the clean UTF-8 CSV of the same rows; return their paths."""
    messy, clean, tmp = out / "qianchuan_ads_bench.csv", out / "clean.csv", out / "messy_utf8.csv"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE r AS {_ROWS_SQL}", {"n": n})
    con.execute(
        f'COPY (SELECT strftime(d, \'%Y/%m/%d\') AS "{HEADER[0]}", account AS "{HEADER[1]}", '
        f'campaign AS "{HEADER[2]}", ad AS "{HEADER[3]}", format(\'{{:,.2f}}\', spend) AS "{HEADER[4]}", '
        f"CASE WHEN impressions >= 100000 THEN format('{{:.2f}}万', impressions / 10000.0) "
        f"ELSE format('{{:,}}', impressions) END AS \"{HEADER[5]}\", format('{{:,}}', clicks) AS \"{HEADER[6]}\", "
        f"format('{{:.2f}}%', 100.0 * clicks / impressions) AS \"{HEADER[7]}\", "
        f'CAST(conversions AS VARCHAR) AS "{HEADER[8]}", CAST(orders AS VARCHAR) AS "{HEADER[9]}", '
        f"format('{{:,.2f}}', revenue) AS \"{HEADER[10]}\", "
        f"CASE WHEN spend > 0 THEN format('{{:.2f}}', revenue / spend) ELSE '--' END AS \"{HEADER[11]}\" "
        f"FROM r ORDER BY d, ad) TO '{tmp}' (HEADER, DELIMITER ',')"
    )
    tot = con.execute(
        "SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(orders), sum(revenue) FROM r"
    ).fetchall()[0]
    con.execute(
        f'COPY (SELECT d AS "{HEADER[0]}", account AS "{HEADER[1]}", campaign AS "{HEADER[2]}", '
        f'ad AS "{HEADER[3]}", spend AS "{HEADER[4]}", impressions AS "{HEADER[5]}", '
        f'clicks AS "{HEADER[6]}", round(clicks / impressions, 6) AS "{HEADER[7]}", '
        f'conversions AS "{HEADER[8]}", orders AS "{HEADER[9]}", revenue AS "{HEADER[10]}", '
        f"round(revenue / nullif(spend, 0), 4) AS \"{HEADER[11]}\" FROM r ORDER BY d, ad) TO '{clean}' (HEADER)"
    )
    con.close()
    text = tmp.read_text(encoding="utf-8").replace("\n", "\r\n")  # as Windows Excel writes it
    total = f'合计,,,,"{tot[0]:,.2f}","{tot[1]:,}","{tot[2]:,}",,{tot[3]},{tot[4]},"{tot[5]:,.2f}",\r\n'
    messy.write_bytes((text + total).encode("gb18030"))
    tmp.unlink()
    return messy, clean


_PRELUDE = """
import json, sys, time
def rss_mb():
    # This process's own high-water mark. (getrusage's ru_maxrss would also count the parent's memory at
    # fork time, which Linux carries over into the child's maximum across exec.)
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
"""

OURS = (
    _PRELUDE
    + """
from smm import store
from smm.ingest import ingest_file
con = store.connect(sys.argv[2])
base = rss_mb()
t0, c0 = time.perf_counter(), time.process_time()
r = ingest_file(con, sys.argv[1])
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
sums = con.execute("SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(orders), sum(revenue), "
                   "count(*) FROM fact_active").fetchall()[0]
print(json.dumps({"seconds": secs, "cpu": cpu, "rss_mb": rss_mb(), "base_rss_mb": base, "status": r.status,
                  "rows": r.rows_loaded, "summary_rows": r.rows_summary, "sums": sums[:6], "n": sums[6],
                  "rejected": r.rows_rejected, "rejected_csv_mb": len(r.rejected_csv or b"") / 1e6}))
"""
)

FLOOR = (
    _PRELUDE
    + """
import duckdb
con = duckdb.connect(sys.argv[2])
base = rss_mb()
t0, c0 = time.perf_counter(), time.process_time()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
cols = ["消耗", "展示数", "点击数", "转化数", "成交订单数", "成交订单金额"]
sums = con.execute("SELECT " + ", ".join(f'sum("{c}")' for c in cols) + ", count(*) FROM t").fetchall()[0]
print(json.dumps({"seconds": secs, "cpu": cpu, "rss_mb": rss_mb(), "base_rss_mb": base, "sums": sums[:6], "n": sums[6]}))
"""
)

# What writing alone costs: the floor's rows, already read and typed, inserted into smm's own `fact_narrow` table
# (the one ours writes this export to) and committed. Nothing is cleaned, checked or keyed (the row key is the row
# number), and no rollup is built: a lower bound for the write that any ingest into this schema pays on top of
# reading the file.
WRITE = (
    _PRELUDE
    + """
from smm import store
con = store.connect(sys.argv[2])
con.execute("CREATE TEMP TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
base = rss_mb()
t0, c0 = time.perf_counter(), time.process_time()
con.execute("BEGIN TRANSACTION")
con.execute(
    "INSERT INTO fact_narrow (batch_id, row_key, src_row, platform, profile, account, campaign, ad, date, currency, "
    "spend, impressions, clicks, conversions, orders, revenue) "
    "SELECT 1, CAST(rowid AS HUGEINT), CAST(rowid + 2 AS INTEGER), 'douyin', 'qianchuan_ads', "
    "账户名称, 计划名称, 创意名称, 日期, 'CNY', 消耗, 展示数, 点击数, 转化数, 成交订单数, 成交订单金额 FROM t"
)
con.execute("COMMIT")
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
sums = con.execute("SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(orders), sum(revenue), "
                   "count(*) FROM fact_narrow").fetchall()[0]
print(json.dumps({"seconds": secs, "cpu": cpu, "rss_mb": rss_mb(), "base_rss_mb": base, "sums": sums[:6], "n": sums[6]}))
"""
)

# The same write into fact_wide, which has every column of `fact`.
WRITE_WIDE = WRITE.replace("INTO fact_narrow (", "INTO fact_wide (").replace("FROM fact_narrow\"", "FROM fact_wide\"")
assert WRITE_WIDE.count("fact_wide") == 2 and "fact_narrow" not in WRITE_WIDE

PEER = (
    _PRELUDE
    + """
import duckdb, pandas as pd
base = rss_mb()
t0, c0 = time.perf_counter(), time.process_time()
df = pd.read_csv(sys.argv[1], encoding="gb18030", dtype=str, keep_default_na=False)
df = df[~df["日期"].str.strip().isin(["合计", "总计", "Total"])]

def num(s):
    s = s.str.strip().str.replace(",", "", regex=False)
    s = s.where(~s.isin(["", "-", "--", "N/A"]))
    wan = s.str.endswith("万", na=False)
    pct = s.str.endswith("%", na=False)
    v = pd.to_numeric(s.str.rstrip("万%"), errors="coerce")
    return v.where(~wan, v * 1e4).where(~pct, v / 100)

out = pd.DataFrame({
    "date": pd.to_datetime(df["日期"], format="%Y/%m/%d").dt.date,
    "account": df["账户名称"], "campaign": df["计划名称"], "ad": df["创意名称"],
    "spend": num(df["消耗"]), "impressions": num(df["展示数"]), "clicks": num(df["点击数"]),
    "ctr": num(df["点击率"]), "conversions": num(df["转化数"]), "orders": num(df["成交订单数"]),
    "revenue": num(df["成交订单金额"]), "roas": num(df["支付ROI"]),
})
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE fact AS SELECT * FROM out")
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
sums = con.execute("SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(orders), sum(revenue), "
                   "count(*) FROM fact").fetchall()[0]
print(json.dumps({"seconds": secs, "cpu": cpu, "rss_mb": rss_mb(), "base_rss_mb": base, "sums": sums[:6], "n": sums[6]}))
"""
)


def run(code: str, data: Path, db: Path) -> dict:
    """Run one measurement in a fresh interpreter against a fresh database file."""
    for p in (db, db.with_suffix(db.suffix + ".wal")):
        p.unlink(missing_ok=True)
    res = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(data), str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def best(code: str, data: Path, db: Path, runs: int) -> dict:
    results = [run(code, data, db) for _ in range(runs)]
    out = min(results, key=lambda r: r["seconds"])
    out["all_seconds"] = [round(r["seconds"], 2) for r in results]
    out["cpu"] = min(r["cpu"] for r in results)
    out["rss_mb"] = max(r["rss_mb"] for r in results)
    return out


def same_sums(a: list, b: list) -> bool:
    return all(abs(float(x) - float(y)) <= 1e-6 * max(1.0, abs(float(y))) for x, y in zip(a, b, strict=True))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--runs", type=int, default=3, help="runs per contender (best time, highest RSS reported)"
    )
    ap.add_argument("--peer-runs", type=int, default=1, help="runs of the (slow) pandas peer")
    ap.add_argument("--keep", type=Path, help="write the files here and keep them")
    ap.add_argument("--invalid-every", type=int, default=0, metavar="N",
                    help="also time ours on a copy where every N-th row is invalid (the file is rejected whole)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="smm-bench-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        messy, clean = make_files(args.rows, out)
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f}s: {messy.name} "
            f"{messy.stat().st_size / 1e6:.1f} MB (GB18030, 万, 1,234, totals row); {clean.name} "
            f"{clean.stat().st_size / 1e6:.1f} MB (clean UTF-8)"
        )
        floor = best(FLOOR, clean, out / "floor.duckdb", args.runs)
        ours = best(OURS, messy, out / "ours.duckdb", args.runs)
        write = best(WRITE, clean, out / "write.duckdb", args.runs)
        wide = best(WRITE_WIDE, clean, out / "wide.duckdb", args.runs)
        peer = best(PEER, messy, out / "peer.duckdb", args.peer_runs)
        bad = (best(OURS, make_invalid(messy, args.invalid_every), out / "bad.duckdb", args.runs)
               if args.invalid_every else None)

    ok_ours = (
        ours["status"] == "loaded" and ours["n"] == floor["n"] and same_sums(ours["sums"], floor["sums"])
    )
    ok_peer = peer["n"] == floor["n"] and same_sums(peer["sums"], floor["sums"])
    ok_write = all(w["n"] == floor["n"] and same_sums(w["sums"], floor["sums"]) for w in (write, wide))
    vs_floor = ours["seconds"] / floor["seconds"]
    vs_peer = peer["seconds"] / ours["seconds"]
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"{'':28s}{'wall s':>9s}{'CPU s':>9s}{'peak RSS MB':>13s}{'(after imports)':>17s}  wall per run")
    for name, r in (("ours (smm ingest)", ours), ("floor (DuckDB read_csv)", floor), ("peer (pandas)", peer),
                    ("write alone (fact_narrow)", write), ("write, all columns", wide)):
        print(
            f"{name:28s}{r['seconds']:9.2f}{r['cpu']:9.2f}{r['rss_mb']:13.0f}{r['base_rss_mb']:17.0f}  "
            f"{r['all_seconds']}"
        )
    if bad is not None:
        print(
            f"{'ours, 1 row in ' + str(args.invalid_every) + ' invalid':28s}{bad['seconds']:9.2f}{bad['cpu']:9.2f}"
            f"{bad['rss_mb']:13.0f}{bad['base_rss_mb']:17.0f}  {bad['all_seconds']}  ({bad['status']}: "
            f"{bad['rejected']:,} rows rejected, {bad['rejected_csv_mb']:.0f} MB rejected-rows CSV)"
        )
    print(
        f"ours / floor  = {vs_floor:5.2f}x wall, {ours['cpu'] / floor['cpu']:5.2f}x CPU   (target <= 2.00x)  "
        f"{'MET' if vs_floor <= 2 else 'NOT MET'}"
    )
    print(
        f"peer / ours   = {vs_peer:5.2f}x wall, {peer['cpu'] / ours['cpu']:5.2f}x CPU   (target >= 3.00x)  "
        f"{'MET' if vs_peer >= 3 else 'NOT MET'}"
    )
    print(
        f"write alone   = {write['seconds'] / floor['seconds']:5.2f}x floor: DuckDB inserting the floor's rows, "
        f"already typed, into smm's fact_narrow table; with the floor's own read that makes "
        f"{(write['seconds'] + floor['seconds']) / floor['seconds']:.2f}x before any cleaning"
    )
    print(
        f"all columns   = {wide['seconds'] / floor['seconds']:5.2f}x floor: the same write into fact_wide (every column "
        f"of fact); the 16 columns fact_narrow lacks would add {wide['seconds'] - write['seconds']:.2f} s"
    )
    print(
        f"ours peak RSS = {ours['rss_mb']:5.0f} MB (target < 1024 MB) {'MET' if ours['rss_mb'] < 1024 else 'NOT MET'}"
    )
    print(
        f"totals equal to the floor's: ours {'yes' if ok_ours else 'NO'}, peer {'yes' if ok_peer else 'NO'} "
        f"(rows {ours['n']:,} / {floor['n']:,}; summary rows skipped by ours: {ours['summary_rows']})"
    )
    print(
        f"({os.cpu_count()} CPUs, 1-min load average {load} at the end: wall times on a busy machine stretch; "
        "CPU seconds are the steadier comparison)"
    )
    return 0 if ok_ours and ok_peer and ok_write else 1


if __name__ == "__main__":
    sys.exit(main())
