"""The command line, run as a user (or cron) runs it: `smm …` and `python -m smm …` in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ingestkit import csv_bytes

from smm import i18n, store

ROOT = Path(__file__).resolve().parents[1]
INGEST_KEYS = {
    "file",
    "status",
    "profile",
    "platform",
    "rows_loaded",
    "rows_rejected",
    "date_min",
    "date_max",
    "errors",
}
GENERIC = [
    "platform",
    "date",
    "campaign",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
    "currency",
]


def smm(*args: str, module: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = [sys.executable, "-m", "smm"] if module or not shutil.which("smm") else [shutil.which("smm")]
    return subprocess.run(
        [*exe, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    """Small exports: one CNY and one USD file, a file with a bad row, a file of no known format."""
    out = {}
    for name, data in {
        "weibo.csv": csv_bytes(
            GENERIC,
            [
                ["weibo", "2026-03-02", "a", "100.50", "1,000", "10", "1", "300", "CNY"],
                ["weibo", "2026-03-03", "a", "200.25", "2,000", "20", "2", "", "CNY"],
            ],
        ),
        "meta_usd.csv": csv_bytes(
            GENERIC, [["meta", "2026-03-02", "m", "10.00", "500", "5", "1", "40.00", "USD"]]
        ),
        "bad.csv": csv_bytes(
            GENERIC,
            [
                ["weibo", "2026-03-04", "a", "-5", "100", "1", "0", "", "CNY"],
                ["weibo", "2026-03-05", "a", "5", "100", "1", "0", "", "CNY"],
            ],
        ),
        "mystery.csv": b"alpha,beta\n1,2\n",
    }.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    return out


def test_ingest_json_prints_one_object_per_file_with_the_issue_keys(tmp_path, files):
    db = tmp_path / "s.duckdb"
    res = smm("ingest", files["weibo.csv"], files["meta_usd.csv"], "--db", db, "--json")
    assert res.returncode == 0, res.stderr
    out = json_lines(res.stdout)
    assert [set(o) for o in out] == [INGEST_KEYS, INGEST_KEYS]
    assert out[0] == {
        "file": str(files["weibo.csv"]),
        "status": "loaded",
        "profile": "generic_facts",
        "platform": None,
        "rows_loaded": 2,
        "rows_rejected": 0,
        "date_min": "2026-03-02",
        "date_max": "2026-03-03",
        "errors": [],
    }
    assert (out[1]["status"], out[1]["rows_loaded"]) == ("loaded", 1)


def test_ingest_piped_to_one_place_keeps_each_files_problems_under_its_own_line(tmp_path, files):
    """`smm ingest … 2>&1 | tee load.log` (cron mails, CI logs): stdout and stderr go to one pipe, where Python
    holds stdout back and not stderr. Each file's line still comes before the next file's, and its problems sit
    right under it (indented), not above or among the other files' lines."""
    db, missing = tmp_path / "s.duckdb", tmp_path / "gone.csv"
    exe = [shutil.which("smm")] if shutil.which("smm") else [sys.executable, "-m", "smm"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}      # as cron runs it
    res = subprocess.run([*exe, "ingest", str(files["bad.csv"]), str(missing), str(files["weibo.csv"]),
                          str(files["mystery.csv"]), "--db", str(db)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, timeout=300, env=env)
    assert res.returncode == 1
    shape = [("  " if line.startswith("  ") else line.split(": ")[0] + ": " + line.split(": ")[1].split(" ")[0])
             for line in res.stdout.splitlines()]
    problems = shape.count("  ")
    assert problems >= 3, res.stdout
    assert [x for i, x in enumerate(shape) if x != "  " or shape[i - 1] != "  "] == [
        "bad.csv: rejected", "  ", f"{missing}: no", "weibo.csv: loaded", "mystery.csv: unrecognised", "  "], res.stdout


def test_ingest_of_a_chinese_export_starts_without_pandas(tmp_path):
    # A cron job's `smm ingest` of a GB18030 Qianchuan export: importing pandas alone would cost ~0.4 s.
    src = ROOT / "sample_data" / "files" / "qianchuan_ads_2026-11-01_2026-11-22.csv"
    with pytest.raises(UnicodeDecodeError):
        src.read_bytes().decode("utf-8")          # really a GB18030 file, with 万 values
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "smm", "ingest", str(src), "--json",
                          "--db", str(tmp_path / "s.duckdb")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json_lines(res.stdout)[0]["status"] == "loaded"
    imported = {line.rsplit("|", 1)[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert "duckdb" in imported and "pandas" not in imported


def test_ingest_again_is_already_loaded_and_exit_zero(tmp_path, files):
    db = tmp_path / "s.duckdb"
    assert smm("ingest", files["weibo.csv"], "--db", db, "--json").returncode == 0
    res = smm("ingest", files["weibo.csv"], "--db", db, "--json", module=True)
    assert res.returncode == 0
    [o] = json_lines(res.stdout)
    assert (o["status"], o["rows_loaded"], o["profile"]) == ("already_loaded", 0, "generic_facts")


def test_ingest_with_a_rejected_file_exits_one_and_names_row_and_column(tmp_path, files):
    db = tmp_path / "s.duckdb"
    res = smm(
        "ingest",
        files["weibo.csv"],
        files["bad.csv"],
        files["mystery.csv"],
        tmp_path / "missing.csv",
        "--db",
        db,
        "--json",
    )
    assert res.returncode == 1
    ok, bad, mystery, missing = json_lines(res.stdout)
    assert ok["status"] == "loaded"
    assert (bad["status"], bad["rows_loaded"], bad["rows_rejected"]) == ("rejected", 0, 1)
    assert [(e["row"], e["column"]) for e in bad["errors"]] == [(2, "spend")]
    assert set(bad["errors"][0]) == {"row", "column", "message"}
    assert bad["errors"][0]["message"] == "bad.csv: row 2, column 'spend': negative value -5"
    assert mystery["status"] == "rejected" and mystery["errors"][0]["row"] == 1
    assert missing["status"] == "rejected" and set(missing) == INGEST_KEYS
    # the rejected files wrote nothing: only weibo.csv is in the store
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT file_name FROM load_batches").fetchall() == [("weibo.csv",)]
    finally:
        con.close()


def test_ingest_load_valid_loads_the_valid_rows(tmp_path, files):
    res = smm("ingest", files["bad.csv"], "--db", tmp_path / "s.duckdb", "--json", "--load-valid")
    [o] = json_lines(res.stdout)
    assert (res.returncode, o["status"], o["rows_loaded"], o["rows_rejected"]) == (0, "loaded", 1, 1)


def test_ingest_profile_option_forces_a_format(tmp_path):
    kag = tmp_path / "ads.csv"
    kag.write_bytes(
        csv_bytes(
            [
                "ad_id",
                "xyz_campaign_id",
                "fb_campaign_id",
                "Impressions",
                "Clicks",
                "Spent",
                "Total_Conversion",
            ],
            [["1", "916", "103916", "7350", "1", "1.43", "2"]],
        )
    )
    db = tmp_path / "s.duckdb"
    res = smm(
        "ingest",
        kag,
        "--db",
        db,
        "--json",
        "--profile",
        "kaggle_fb_ad_conversions",
        "--period-start",
        "2017-08-01",
        "--period-end",
        "2017-08-31",
    )
    [o] = json_lines(res.stdout)
    assert (res.returncode, o["status"], o["profile"], o["date_min"], o["date_max"]) == (
        0,
        "loaded",
        "kaggle_fb_ad_conversions",
        "2017-08-01",       # its rows sum the period given, dated its last day
        "2017-08-31",
    )
    wrong = smm("ingest", kag, "--db", tmp_path / "other.duckdb", "--json", "--profile", "google_ads")
    [w] = json_lines(wrong.stdout)
    assert (wrong.returncode, w["status"]) == (1, "rejected")
    assert w["errors"][0]["message"] == (
        "ads.csv: the headers do not fit the chosen format google_ads (missing: spend)")


def test_a_report_with_no_date_and_no_period_asks_for_the_as_of_option(tmp_path):
    """From cron, an undated report is refused with words that name the options to give (not the Data page's
    controls), in either language; with --as-of it loads, dated that day."""
    f = tmp_path / "tiktok_campaigns.csv"
    f.write_bytes(csv_bytes(["Campaign name", "Cost", "Impressions", "Currency"], [["Spring", "22.5", "1,900", "USD"]]))
    db = tmp_path / "s.duckdb"
    for lang in ("en", "zh"):
        res = smm("ingest", f, "--db", db, "--lang", lang)
        assert res.returncode == 1 and "--as-of" in res.stdout + res.stderr, res.stdout + res.stderr
        assert "“" not in res.stdout + res.stderr and "「" not in res.stdout + res.stderr   # no control of the page
    [o] = json_lines(smm("ingest", f, "--db", db, "--json", "--as-of", "2026-11-22").stdout)
    assert (o["status"], o["profile"], o["date_min"], o["date_max"]) == ("loaded", "tiktok_ads", "2026-11-22",
                                                                         "2026-11-22")


def test_ingest_prints_the_warning_that_a_summary_and_its_days_are_both_counted(tmp_path):
    db = tmp_path / "s.duckdb"
    days = tmp_path / "tiktok_days.csv"
    days.write_bytes(csv_bytes(["Campaign name", "Date", "Cost", "Impressions", "Currency"],
                               [["Spring", "2026-11-17", "10", "100", "USD"]]))
    week = tmp_path / "tiktok_week_2026-11-16_2026-11-22.csv"
    week.write_bytes(csv_bytes(["Campaign name", "Cost", "Impressions", "Currency"], [["Spring", "20", "200", "USD"]]))
    assert smm("ingest", days, "--db", db).returncode == 0
    res = smm("ingest", week, "--db", db)
    assert res.returncode == 0        # loaded: a warning, not a rejection
    assert i18n.t("ingest.note_summary_overlap", "en", rows="1", batches="#1") in res.stderr, res.stderr


def test_totals_json_reporting_currency_and_by_currency(tmp_path, files):
    db = tmp_path / "s.duckdb"
    assert smm("ingest", files["weibo.csv"], files["meta_usd.csv"], "--db", db).returncode == 0
    con = store.connect(db, read_only=True)
    usd = con.execute("SELECT cny_per_unit FROM fx_rates WHERE currency = 'USD'").fetchall()[0][0]
    con.close()
    res = smm("totals", "--db", db, "--json")
    assert res.returncode == 0, res.stderr
    tot = json.loads(res.stdout)
    assert tot["spend"] == pytest.approx(100.50 + 200.25 + 10.0 * usd)
    assert tot["revenue"] == pytest.approx(300.0 + 40.0 * usd)
    assert (tot["impressions"], tot["clicks"], tot["conversions"]) == (3500.0, 35.0, 4.0)
    assert tot["reach"] is None
    assert tot["by_currency"] == {
        "CNY": {"spend": pytest.approx(300.75), "revenue": 300.0},
        "USD": {"spend": 10.0, "revenue": 40.0},
    }
    assert {
        m
        for m in (
            "spend",
            "impressions",
            "reach",
            "views",
            "clicks",
            "likes",
            "comments",
            "shares",
            "saves",
            "follows",
            "conversions",
            "orders",
            "revenue",
        )
    } <= set(tot)


def test_totals_filters_and_currency(tmp_path, files):
    db = tmp_path / "s.duckdb"
    smm("ingest", files["weibo.csv"], files["meta_usd.csv"], "--db", db)
    only_weibo = json.loads(smm("totals", "--db", db, "--json", "--platform", "weibo").stdout)
    assert (only_weibo["spend"], only_weibo["impressions"]) == (pytest.approx(300.75), 3000.0)
    day = json.loads(
        smm("totals", "--db", db, "--json", "--start", "2026-03-03", "--end", "2026-03-03").stdout
    )
    assert (day["spend"], day["impressions"], set(day["by_currency"])) == (
        pytest.approx(200.25),
        2000.0,
        {"CNY"},
    )
    in_usd = json.loads(smm("totals", "--db", db, "--json", "--currency", "USD", "--platform", "meta").stdout)
    assert in_usd["spend"] == pytest.approx(10.0)


def test_sample_loads_the_bundled_files_once(tmp_path):
    db = tmp_path / "s.duckdb"
    first = smm("sample", "--db", db)
    assert first.returncode == 0, first.stderr
    from smm.sample import sample_files

    assert first.stdout.count(": loaded") == len(sample_files())
    again = smm("sample", "--db", db, module=True)
    assert again.returncode == 0 and again.stdout.count(": already_loaded") == len(sample_files())
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*), bool_and(is_sample) FROM load_batches").fetchall() == [
            (len(sample_files()), True)
        ]
    finally:
        con.close()
    tot = json.loads(smm("totals", "--db", db, "--json").stdout)
    assert tot["spend"] > 0 and set(tot["by_currency"]) == {"CNY", "USD"}


def test_smm_db_environment_variable_is_the_default_store(tmp_path, files):
    db = tmp_path / "env.duckdb"
    res = smm("ingest", files["weibo.csv"], "--json", env={"SMM_DB": str(db)})
    assert res.returncode == 0 and db.exists()


def test_a_store_held_by_another_process_is_reported_not_crashed(tmp_path, files):
    db = tmp_path / "held.duckdb"
    con = store.connect(db)
    try:
        res = smm("ingest", files["weibo.csv"], "--db", db, "--json")
    finally:
        con.close()
    assert res.returncode == 2
    assert "in use" in res.stderr and "Traceback" not in res.stderr


def test_help_lists_the_commands():
    res = smm("--help", module=True)
    assert res.returncode == 0
    assert all(c in res.stdout for c in ("ingest", "totals", "sample", "formats", "kpis"))
    ingest_help = smm("ingest", "--help").stdout
    assert all(o in ingest_help for o in ("--db", "--profile", "--json", "--as-of", "--load-valid"))


def test_ingest_text_output_counts_problems_by_column_and_prints_no_none(tmp_path, files):
    db = tmp_path / "s.duckdb"
    bad_rows = [["weibo", f"2026-03-{d:02d}", "a", "-5" if d % 2 else "5", "x" if d % 3 == 0 else "100", "1", "0",
                 "", "CNY"] for d in range(1, 29)]
    many = tmp_path / "many_bad.csv"
    many.write_bytes(csv_bytes(GENERIC, bad_rows))
    res = smm("ingest", files["weibo.csv"], many, "--db", db)
    assert res.returncode == 1
    ok, bad = res.stdout.splitlines()
    assert ok == ("weibo.csv: loaded profile=generic_facts rows_loaded=2 rows_rejected=0 summary_rows=0 "
                  "rows_merged=0 dates=2026-03-02..2026-03-03")
    n_negative = sum(1 for d in range(1, 29) if d % 2)
    n_not_number = sum(1 for d in range(1, 29) if d % 3 == 0)
    n_rows = sum(1 for d in range(1, 29) if d % 2 or d % 3 == 0)
    assert bad.startswith(f"many_bad.csv: rejected profile=generic_facts rows_loaded=0 rows_rejected={n_rows} ")
    assert "None" not in res.stdout and "dates=" not in bad
    problems = [line.strip() for line in res.stderr.splitlines()]
    # counted in the Data page's words, then each problem as its sentence naming file, row and column
    from smm import i18n

    assert problems[:2] == [f"{n_negative} rows: column 'spend': {i18n.t('why.negative', 'en')}",
                            f"{n_not_number} rows: column 'impressions': {i18n.t('why.not_a_number', 'en')}"]
    assert problems[2] == "many_bad.csv: " + i18n.t("err.negative", "en", row=2, column="spend", value="-5")
    assert all(re.match(r"many_bad\.csv: row \d+, column '\w+': ", p) for p in problems[2:-2]), problems
    named = {re.search(r"row (\d+)", p).group(1) for p in problems[2:-2]}
    assert problems[-2].startswith(f"... {n_rows - len(named)} more rejected rows")
    assert problems[-1] == f"nothing loaded; {28 - n_rows} valid rows: add --load-valid to load them without the " \
                           "rejected ones"
    zh = smm("ingest", many, "--db", db, "--lang", "zh").stderr.splitlines()
    assert zh[0].strip() == f"{n_negative} 行：「spend」列：{i18n.t('why.negative', 'zh')}"
    assert zh[2].strip() == "many_bad.csv：" + i18n.t("err.negative", "zh", row=2, column="spend", value="-5")
    again = smm("ingest", files["weibo.csv"], "--db", db)
    assert again.stdout.strip() == "weibo.csv: already_loaded profile=generic_facts batch=1"


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path, files):
    """`smm totals | head -1`: the pipe closes before smm writes; smm ends quietly, exit 0."""
    db = tmp_path / "s.duckdb"
    assert smm("ingest", files["weibo.csv"], "--db", db).returncode == 0
    exe = [sys.executable, "-m", "smm"]
    proc = subprocess.Popen([*exe, "totals", "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy())
    proc.stdout.close()                 # the reader is gone before smm has written a line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ingest_of_a_file_rejected_for_some_rows_says_how_to_load_its_valid_ones(tmp_path, files):
    db = tmp_path / "s.duckdb"
    res = smm("ingest", files["bad.csv"], "--db", db)
    assert res.returncode == 1
    assert "  nothing loaded; 1 valid row: add --load-valid to load it without the rejected ones" in res.stderr.splitlines()
    res = smm("ingest", files["bad.csv"], "--db", db, "--lang", "zh")
    assert "  未载入任何数据；其中 1 行有效：加 --load-valid 只载入有效行" in res.stderr.splitlines()
    res = smm("ingest", files["bad.csv"], "--db", db, "--load-valid")
    assert res.returncode == 0, res.stderr
    assert "rows_loaded=1 rows_rejected=1" in res.stdout and "--load-valid" not in res.stderr


def test_ingest_whose_reader_has_gone_still_loads_every_file(tmp_path, files):
    """`smm ingest *.csv | head -1` with the reader gone before smm writes: the output stops, the loads do not.
    Every file is loaded (its lines are written out one by one, so a problem sits under its file's line)."""
    db = tmp_path / "s.duckdb"
    exe = [sys.executable, "-m", "smm"]
    proc = subprocess.Popen([*exe, "ingest", str(files["weibo.csv"]), str(files["bad.csv"]), str(files["meta_usd.csv"]),
                             "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"})
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1, err              # bad.csv was rejected
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert "negative" in err                            # its problem still said, on stderr
    con = store.connect(db)
    try:
        assert con.execute("SELECT file_name FROM load_batches WHERE status = 'loaded' ORDER BY batch_id"
                           ).fetchall() == [("weibo.csv",), ("meta_usd.csv",)]
    finally:
        con.close()


def test_formats_lists_saved_and_built_in_formats_and_deletes_a_saved_one(tmp_path):
    """A format saved in the Data page's mapping step is seen, used by `smm ingest`, and deleted from the CLI."""
    from smm import mapping

    db = tmp_path / "s.duckdb"
    header = ["日子", "B站花费", "B站曝光"]
    con = store.connect(db)
    mapping.save_user_profile(con, mapping.build_user_profile("B站投放", "bilibili", "daily", header,
                                                              {0: "date", 1: "spend", 2: "impressions"}))
    con.close()
    for week, rows in (("w1", [["2026-11-16", "100", "1000"]]), ("w2", [["2026-11-23", "50", "500"]])):
        (tmp_path / f"bili_{week}.csv").write_bytes(csv_bytes(header, rows))
        res = smm("ingest", tmp_path / f"bili_{week}.csv", "--db", db, "--json")
        assert res.returncode == 0, res.stderr
        assert json_lines(res.stdout)[0]["profile"] == "user_b站投放"
    listed = json_lines(smm("formats", "--db", db, "--json").stdout)
    assert listed[0] == {"id": "user_b站投放", "name": "B站投放", "platform": "bilibili", "kind": "daily",
                         "saved": True, "saved_at": listed[0]["saved_at"], "files": 2,
                         "columns": {"date": ["日子"], "spend": ["B站花费"], "impressions": ["B站曝光"]}}
    from smm.profiles import builtin_profiles

    assert [o["id"] for o in listed[1:]] == sorted(p.id for p in builtin_profiles())
    assert not any(o["saved"] for o in listed[1:])
    text = smm("formats", "--db", db).stdout.splitlines()
    assert text[0].startswith("user_b站投放") and "2 files loaded" in text[0]
    # a built-in format or an unknown id: refused, nothing changes
    for bad in ("meta_ads", "user_nope"):
        res = smm("formats", "--db", db, "--delete", bad)
        assert res.returncode == 1 and bad in res.stderr
    assert len(json_lines(smm("formats", "--db", db, "--json").stdout)) == len(listed)
    # deleted with its batches: their rows go, and the next such file is not recognised any more
    res = smm("formats", "--db", db, "--delete", "user_b站投放", "--with-batches", "--json")
    assert res.returncode == 0, res.stderr
    assert json_lines(res.stdout) == [{"deleted": "user_b站投放", "batches_deleted": 2}]
    totals = json_lines(smm("totals", "--db", db, "--platform", "bilibili", "--json").stdout)[0]
    assert totals["spend"] in (None, 0)
    res = smm("ingest", tmp_path / "bili_w1.csv", "--db", db, "--json")
    [o] = json_lines(res.stdout)
    assert res.returncode == 1 and o["status"] == "rejected"
    assert "matches no known export format" in o["errors"][0]["message"]


def test_totals_text_reads_as_a_person_reads_it(tmp_path, files):
    """Without --json: each metric on its own line with thousands separators, money to the cent (never a float's
    17 digits), `-` where nothing reported it, and the original currencies' spend and revenue."""
    db = tmp_path / "s.duckdb"
    assert smm("ingest", files["weibo.csv"], files["meta_usd.csv"], "--db", db, "--json").returncode == 0
    want = json.loads(smm("totals", "--db", db, "--json").stdout)
    res = smm("totals", "--db", db, "--platform", "weibo")
    assert res.returncode == 0, res.stderr
    head, *lines = res.stdout.splitlines()
    weibo = json.loads(smm("totals", "--db", db, "--json", "--platform", "weibo").stdout)
    assert head == f"totals in CNY · {weibo['rows']:,} rows · weibo · all dates"
    shown = dict(line.split() for line in lines[:13])
    from smm.schema import METRICS

    assert list(shown) == list(METRICS)
    for m in METRICS:
        v = weibo[m]
        if v is None:
            assert shown[m] == "-"
        else:
            assert float(shown[m].replace(",", "")) == pytest.approx(v, abs=0.005)
            assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d{2})?", shown[m]), shown[m]
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", shown["spend"])
    full = smm("totals", "--db", db).stdout.splitlines()
    cur = full[full.index("in each original currency:") + 1:]
    money = {c: v for c, v in want["by_currency"].items() if v["spend"] is not None or v["revenue"] is not None}
    assert [line.split()[0] for line in cur] == list(money)


def test_history_lists_the_loaded_files_and_deletes_one_batch_with_exactly_its_rows(tmp_path, files):
    """`smm history`: what cron loaded can be checked, and a wrong file taken out, without the app."""
    db = tmp_path / "s.duckdb"
    assert smm("ingest", files["weibo.csv"], files["meta_usd.csv"], "--db", db, "--json").returncode == 0
    assert smm("ingest", files["bad.csv"], "--db", db, "--load-valid", "--json").returncode == 0
    res = smm("history", "--db", db, "--json")
    assert res.returncode == 0, res.stderr
    listed = json_lines(res.stdout)
    assert [(o["file"], o["status"], o["rows_loaded"], o["rows_rejected"]) for o in listed] == [
        ("bad.csv", "loaded", 1, 1), ("meta_usd.csv", "loaded", 1, 0), ("weibo.csv", "loaded", 2, 0)]
    weibo = listed[2]
    assert weibo["platforms"] == ["weibo"] and weibo["profile"] == "generic_facts"
    assert (weibo["date_min"], weibo["date_max"]) == ("2026-03-02", "2026-03-03")
    from smm.profiles import builtin_profiles

    assert weibo["profile_name"] == next(p.label("en") for p in builtin_profiles() if p.id == "generic_facts")
    text = smm("history", "--db", db).stdout.splitlines()
    assert len(text) == 3 and text[0].lstrip().startswith(f"#{listed[0]['batch_id']}")
    assert "bad.csv" in text[0] and "1 row " in text[0] and "1 rejected" in text[0]
    assert "Weibo" in text[2] and "2026-03-02 – 2026-03-03" in text[2]
    zh = smm("history", "--db", db, "--lang", "zh").stdout.splitlines()
    assert "已载入" in zh[2] and "微博" in zh[2] and "载入 2 行" in zh[2]

    # delete the weibo file: exactly its rows go (an independent sum of what stays: bad.csv's valid row, 5 CNY)
    res = smm("history", "--db", db, "--delete", weibo["batch_id"], "--json")
    assert res.returncode == 0, res.stderr
    assert json_lines(res.stdout) == [{"deleted": weibo["batch_id"], "file": "weibo.csv", "rows": 2}]
    totals = json.loads(smm("totals", "--db", db, "--json", "--platform", "weibo").stdout)
    assert totals["spend"] == pytest.approx(5.0) and totals["impressions"] == 100
    after = {o["file"]: o for o in json_lines(smm("history", "--db", db, "--json").stdout)}
    assert after["weibo.csv"]["status"] == "deleted" and after["weibo.csv"]["platforms"] == ["weibo"]
    # a deleted or unknown batch: refused with exit 1, nothing changes
    for bad in (weibo["batch_id"], 999):
        res = smm("history", "--db", db, "--delete", bad)
        assert res.returncode == 1 and f"#{bad}" in res.stderr
    assert json.loads(smm("totals", "--db", db, "--json", "--platform", "weibo").stdout) == totals
    # and the file loads again (its bytes are no longer "already loaded")
    [o] = json_lines(smm("ingest", files["weibo.csv"], "--db", db, "--json").stdout)
    assert o["status"] == "loaded" and o["rows_loaded"] == 2
