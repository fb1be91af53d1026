"""The Data page in Streamlit's AppTest: upload, load report, mapping step, history, sample data, every page.

The store is read back through the app's own cached connection (`ui._root(path)`), the one DuckDB file the
app writes to.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, app_test
from ingestkit import csv_bytes

from smm import fmt, i18n, ui
from smm.profiles import builtin_profiles

D = dt.date
GENERIC = ["platform", "date", "campaign", "spend", "impressions", "clicks"]
# A platform the sample does not use, in the sample's last full week, so the Overview can be filtered to it.
NEW_ROWS = [
    ["linkedin", "2026-11-16", "B2B launch", "1,234.50", "10,000", "100"],
    ["linkedin", "2026-11-17", "B2B launch", "765.50", "8,000", "80"],
]
NEW_SPEND = 1234.50 + 765.50


@pytest.fixture(autouse=True)
def _fresh_caches(clear_streamlit_caches):
    """The cached root connection and query results must not leak from one test's store into the next."""


def store_of(path: Path):
    """A cursor on the connection the app itself uses for this store."""
    return ui._root(str(path)).cursor()


def data_page(lang: str = "en"):
    at = app_test(lang=lang)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def texts(at, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def upload(at, *files: tuple[str, bytes]):
    at.file_uploader(key="uploader").set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, at.exception
    return at


def batches_named(path: Path, name: str) -> list[tuple]:
    return (
        store_of(path)
        .execute("SELECT batch_id, status FROM load_batches WHERE file_name = ? ORDER BY 1", [name])
        .fetchall()
    )


def overview_spend(at, platform: str, start: dt.date, end: dt.date, lang: str = "en") -> str:
    """The Spend tile of the Overview filtered to one platform and date range."""
    at.switch_page("pages/overview.py").run()
    at.sidebar.multiselect(key="platforms").set_value([platform])
    at.sidebar.date_input(key="dates").set_value((start, end))
    at.run()
    assert not at.exception, at.exception
    label = i18n.t("field.spend", lang)
    tiles = {m.label: m.value for m in at.metric}
    assert label in tiles, tiles
    return tiles[label]


def test_upload_shows_the_report_reruns_do_not_ingest_again_and_the_overview_follows(sample_db):
    at = data_page()
    upload(at, ("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)))
    [report] = [s for s in texts(at, "success") if "linkedin_week.csv" in s]
    assert i18n.t("status.loaded", "en") in report and "2026-11-16" in report and "2026-11-17" in report
    generic = next(p for p in builtin_profiles() if p.id == "generic_facts")
    assert f"format {generic.label('en')} (generic_facts)" in report     # the format's name, and its id
    assert len(batches_named(sample_db, "linkedin_week.csv")) == 1
    for _ in range(2):
        at.run()
    assert batches_named(sample_db, "linkedin_week.csv") == [
        (batches_named(sample_db, "linkedin_week.csv")[0][0], "loaded")
    ]
    assert not [s for s in texts(at, "info") if "linkedin_week.csv" in s]  # no "already loaded" on reruns
    got = (
        store_of(sample_db)
        .execute("SELECT sum(spend) FROM fact_active WHERE platform = 'linkedin'")
        .fetchall()
    )
    assert got == [(NEW_SPEND,)]
    assert overview_spend(at, "linkedin", D(2026, 11, 16), D(2026, 11, 22)) == fmt.money(
        NEW_SPEND, "CNY", "en"
    )


@pytest.mark.parametrize("lang, one, two", [
    ("en", "1 row loaded · 0 rejected · 1 summary row skipped · 0 replaced",
     "2 rows loaded · 0 rejected · 0 summary rows skipped · 0 replaced"),
    ("zh", "载入 1 行 · 拒绝 0 行 · 合计行 1 行 · 替换 0 行", "载入 2 行 · 拒绝 0 行 · 合计行 0 行 · 替换 0 行"),
])
def test_the_reports_counts_agree_with_their_numbers(sample_db, lang, one, two):
    """A file of one row and a totals row read "1 row loaded · … · 1 summary row skipped" in English (it read "1 rows
    loaded · … · 1 summary rows skipped")."""
    at = data_page(lang)
    one_row = ["linkedin", "2026-11-16", "Hiring", "1,234.50", "10,000", "100"]     # a grain key of its own
    upload(at, ("one.csv", csv_bytes(GENERIC, [one_row, ["Total", "", "", "1,234.50", "10,000", "100"]])),
           ("two.csv", csv_bytes(GENERIC, NEW_ROWS)))
    lines = texts(at, "success")
    assert any("one.csv" in s and one in s for s in lines), lines
    assert any("two.csv" in s and two in s for s in lines), lines


def test_the_same_file_uploaded_again_is_reported_as_already_loaded(sample_db):
    at = data_page()
    data = csv_bytes(GENERIC, NEW_ROWS)
    upload(at, ("a.csv", data))
    upload(at, ("a.csv", data), ("a copy.csv", data))
    [(batch, _)] = batches_named(sample_db, "a.csv")
    loaded_at = store_of(sample_db).execute("SELECT loaded_at FROM load_batches WHERE batch_id = ?",
                                            [batch]).fetchall()[0][0]
    # it says where the data is: the batch of the load history it repeats, and when that was loaded (it said
    # "0 rows loaded · 0 rejected …", counts of nothing)
    generic = next(p for p in builtin_profiles() if p.id == "generic_facts")
    want = i18n.t("report.line_already", "en", file="a copy.csv", status=i18n.t("status.already_loaded", "en"),
                  batch=batch, when=f" (loaded {loaded_at:%Y-%m-%d %H:%M})", profile=f"{generic.label('en')} (generic_facts)")
    assert want in texts(at, "info"), texts(at, "info")
    assert batches_named(sample_db, "a copy.csv") == []


def test_a_rejected_file_shows_row_and_column_and_load_valid_offers_the_rejected_rows(sample_db):
    at = data_page()
    bad = csv_bytes(GENERIC, [NEW_ROWS[0], ["linkedin", "2026-11-18", "B2B launch", "-5", "100", "1"]])
    upload(at, ("bad.csv", bad))
    assert [e for e in texts(at, "error") if "bad.csv" in e]
    codes = "\n".join(c.value for c in at.code)
    assert "3" in codes and "spend" in codes
    assert batches_named(sample_db, "bad.csv") == []
    at.radio(key="up_on_invalid").set_value("load_valid")
    upload(at, ("bad.csv", bad), ("bad2.csv", bad + b"\n"))
    assert [w for w in texts(at, "warning") if "bad2.csv" in w]
    assert store_of(sample_db).execute(
        "SELECT rows_loaded, rows_rejected FROM load_batches WHERE file_name = 'bad2.csv'"
    ).fetchall() == [(1, 1)]
    assert [e for e in at.get("download_button") if e.proto.label == i18n.t("data.rejected_download", "en")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_rejected_for_some_rows_loads_its_valid_rows_with_one_click(sample_db, lang):
    """Rejected whole for one bad row of three, the file's report offers its valid rows: one click loads them
    with the options the file was uploaded with (here a decimal comma), the bad row left out and offered as
    CSV. Before, the user had to find the option, set it, and upload the file again."""
    at = data_page(lang)
    at.radio(key="up_decimal").set_value(",").run()
    rows = [["linkedin", "2026-11-16", "B2B launch", "1.234,50", "10.000", "100"],
            ["linkedin", "2026-11-17", "B2B launch", "-5,00", "1.000", "10"],
            ["linkedin", "2026-11-18", "B2B launch", "765,50", "8.000", "80"]]
    upload(at, ("eu_week.csv", csv_bytes(GENERIC, rows)))
    assert [e for e in texts(at, "error") if e.startswith("eu_week.csv")]
    assert batches_named(sample_db, "eu_week.csv") == []
    label = i18n.t("data.load_valid_now", lang, n="2")
    [button] = [b for b in at.button if b.label == label]
    at.radio(key="up_decimal").set_value(".").run()      # options changed since: the file's own are used
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    assert [w for w in texts(at, "warning") if w.startswith("eu_week.csv")]      # loaded, one row rejected
    assert not [e for e in texts(at, "error") if e.startswith("eu_week.csv")]   # the rejected report replaced
    assert not [b for b in at.button if b.label == label]
    assert [r[1] for r in batches_named(sample_db, "eu_week.csv")] == ["loaded"]
    assert store_of(sample_db).execute(
        "SELECT count(*), sum(spend), sum(impressions) FROM fact_active f JOIN load_batches b USING (batch_id) "
        "WHERE b.file_name = 'eu_week.csv'").fetchall() == [(2, 2000.0, 18000.0)]
    assert [e for e in at.get("download_button") if e.proto.label == i18n.t("data.rejected_download", lang)]


def test_the_valid_rows_loaded_are_those_of_the_file_whose_report_was_clicked_among_two_of_one_name(sample_db):
    """Two exports named alike (week.csv from two folders), each rejected for a row: the button under the second
    report loads the second file's valid rows, never the first file's under its name."""
    at = data_page()
    first = csv_bytes(GENERIC, [["linkedin", "2026-11-16", "A", "10", "100", "1"],
                                ["linkedin", "2026-11-17", "A", "-1", "100", "1"]])
    second = csv_bytes(GENERIC, [["linkedin", "2026-11-18", "B", "20", "200", "2"],
                                 ["linkedin", "2026-11-19", "B", "30", "300", "3"],
                                 ["linkedin", "2026-11-20", "B", "-2", "200", "2"]])
    upload(at, ("week.csv", first), ("week.csv", second))
    assert len([e for e in texts(at, "error") if e.startswith("week.csv")]) == 2
    [button] = [b for b in at.button if b.label == i18n.t("data.load_valid_now", "en", n="2")]   # the second's
    button.click().run()
    assert not at.exception, at.exception
    assert store_of(sample_db).execute(
        "SELECT campaign, count(*), sum(spend) FROM fact_active f JOIN load_batches b USING (batch_id) "
        "WHERE b.file_name = 'week.csv' GROUP BY ALL").fetchall() == [("B", 2, 50.0)]
    assert [b for b in at.button if b.label == "Load the 1 valid row only"]                  # the first's, still


def test_unknown_format_is_mapped_saved_and_recognised_next_time(sample_db):
    at = data_page()
    header = ["日子", "B站花费", "B站曝光"]
    week1 = csv_bytes(header, [["2026-11-16", "100", "1000"], ["2026-11-17", "200", "2000"]])
    upload(at, ("bili_w1.csv", week1))
    # not a failure but a step to take: the report says so (no error, no counts of 0 rows) and names the header row
    assert not [e for e in texts(at, "error") if "bili_w1.csv" in e]
    assert [w for w in texts(at, "warning")
            if w == i18n.t("report.unrecognised_map", "en", file="bili_w1.csv", row=1)]
    assert not [c for c in at.code if "bili_w1.csv" in c.value]
    assert any("bili_w1.csv" in s for s in texts(at, "subheader"))
    # the step starts from what the file says: 花费 and 曝光 in the headers, dates in 日子's values, B站/bili in the
    # headers and the file name; it says so, and the user checks
    assert [(s.key, s.value) for s in at.selectbox if s.key and s.key.startswith("map_")] == [
        ("map_platform", "bilibili"), ("map_col_0", "date"), ("map_col_1", "spend"), ("map_col_2", "impressions")]
    assert i18n.t("data.mapping_suggested", "en", n=3, of=3) in [c.value for c in at.caption]
    at.text_input(key="map_name").set_value("B站投放")
    [save] = [b for b in at.button if b.label == i18n.t("data.mapping_save", "en")]
    save.click().run()
    assert not at.exception
    # the report of the file loaded right away with the new format names it
    assert [s for s in texts(at, "success") if "bili_w1.csv" in s and "B站投放 (user_" in s]
    con = store_of(sample_db)
    [(pid,)] = con.execute("SELECT profile_id FROM user_profiles").fetchall()
    assert con.execute(
        "SELECT profile, platform, rows_loaded FROM load_batches WHERE file_name = 'bili_w1.csv'"
    ).fetchall() == [(pid, "bilibili", 2)]
    # the load history names the format by the name the user gave it
    hist = next(d.value for d in at.dataframe if i18n.field_label("file_name", "en") in d.value.columns)
    fmt = dict(zip(hist[i18n.field_label("file_name", "en")], hist[i18n.field_label("profile", "en")], strict=True))
    assert fmt["bili_w1.csv"] == "B站投放"
    # what each load did comes first, beside the file (the table shows about five columns before it scrolls)
    assert list(hist.columns[:7]) == [i18n.field_label(c, "en") for c in (
        "batch_id", "file_name", "status", "rows_loaded", "rows_rejected", "date_min", "date_max")]
    assert dict(zip(hist[i18n.field_label("file_name", "en")], hist[i18n.field_label("rows_loaded", "en")],
                    strict=True))["bili_w1.csv"] == 2
    # next week's file of the same format: recognised without asking
    week2 = csv_bytes(header, [["2026-11-18", "300", "3000"]])
    upload(at, ("bili_w1.csv", week1), ("bili_w2.csv", week2))
    assert [s for s in texts(at, "success") if "bili_w2.csv" in s and f"B站投放 ({pid})" in s]
    assert con.execute(
        "SELECT sum(spend), sum(impressions) FROM fact_active WHERE platform = 'bilibili'"
    ).fetchall() == [(600.0, 6000.0)]


def test_the_mapping_step_keeps_picks_across_a_language_switch_and_starts_afresh_for_another_file(sample_db):
    at = data_page("zh")
    upload(at, ("mystery_a.csv", csv_bytes(["日子", "花了", "看过"], [["2026-11-16", "100", "1000"]])))
    at.selectbox(key="map_col_0").set_value("date")
    at.selectbox(key="map_col_1").set_value("spend")
    at.selectbox(key="map_platform").set_value("weibo").run()
    at.session_state["lang"] = "en"             # the sidebar's language switch
    at.run()
    assert not at.exception, at.exception
    # the picks are kept, each shown in English now (the mapping step's labels too)
    assert [s for s in texts(at, "subheader") if s.startswith(i18n.t("data.mapping", "en"))]
    picks = {s.key: (s.value, s.format_func(s.value)) for s in at.selectbox if s.key and s.key.startswith("map_")}
    assert picks["map_col_0"] == ("date", i18n.field_label("date", "en"))
    assert picks["map_col_1"] == ("spend", i18n.field_label("spend", "en"))
    assert picks["map_col_2"] == ("ignore", i18n.t("data.mapping_ignore", "en"))
    assert picks["map_platform"] == ("weibo", i18n.platform_label("weibo", "en"))
    # another unknown file: its own columns, none of the first file's picks
    upload(at, ("mystery_b.csv", csv_bytes(["Metric X", "When", "Count Y"], [["1", "2026-11-16", "5"]])))
    assert [s for s in texts(at, "subheader") if s.endswith("mystery_b.csv")]
    # (a column left out is "(ignore)": text, which a language switch sends again in the new language)
    assert [(s.label, s.value) for s in at.selectbox if s.key and s.key.startswith("map_col_")] == [
        ("Metric X", "ignore"), ("When", "date"), ("Count Y", "ignore")]     # (When: its values are dates)
    assert at.selectbox(key="map_platform").value is None                   # no platform named


def test_the_mapping_step_leaves_ratios_out_and_asks_for_a_platform_the_file_does_not_name(sample_db):
    """A header naming a ratio or a unit cost (CTR, 点击率, 转化成本) is not pre-filled as the count it holds;
    with no platform named by the file, none is chosen (it was 抖音, the first), and saving asks for one."""
    at = data_page("zh")
    header = ["统计日", "花费（元）", "曝光量", "点击率", "转化成本", "点击次数", "合作方"]
    upload(at, ("周报.csv", csv_bytes(header, [["2026/11/16", "1,000", "20000", "1.5%", "12.5", "300", "A"]])))
    picks = {s.label: s.value for s in at.selectbox if s.key and s.key.startswith("map_col_")}
    assert picks == {"统计日": "date", "花费（元）": "spend", "曝光量": "impressions", "点击率": "ignore",
                     "转化成本": "ignore", "点击次数": "clicks", "合作方": "ignore"}
    assert at.selectbox(key="map_platform").value is None
    at.button(key="map_save").click().run()
    assert not at.exception, at.exception
    assert i18n.t("data.mapping_need_platform", "zh") in texts(at, "error")
    assert not store_of(sample_db).execute("SELECT count(*) FROM user_profiles").fetchall()[0][0]
    at.selectbox(key="map_platform").set_value("weibo").run()
    at.button(key="map_save").click().run()
    assert not at.exception, at.exception
    assert store_of(sample_db).execute(
        "SELECT platform, rows_loaded FROM load_batches WHERE file_name = '周报.csv'").fetchall() == [("weibo", 1)]


def test_an_unknown_report_with_no_date_mapped_then_asks_its_day_and_loads_with_it(sample_db):
    """An unknown format summed over a period (a B站 report by plan, no date anywhere): mapped without a date and
    saved, it is not dated the upload day: the report list asks for its day at once, and loads it with that day."""
    at = data_page("zh")
    header = ["计划", "B站花费", "B站曝光"]
    upload(at, ("B站计划汇总.csv", csv_bytes(header, [["计划A", "1,000", "20000"], ["计划B", "500", "8000"]])))
    at.selectbox(key="map_col_0").set_value("campaign")
    at.selectbox(key="map_platform").set_value("bilibili").run()
    at.button(key="map_save").click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if w.value.startswith("B站计划汇总.csv")] == [
        i18n.t("err.undated_no_period", "zh", file="B站计划汇总.csv")]
    [day] = [d for d in at.date_input if d.label == i18n.t("data.undated_day", "zh")]
    day.set_value(D(2026, 11, 22))
    [go] = [b for b in at.button if b.label == i18n.t("data.undated_load", "zh")]
    go.click().run()
    assert not at.exception, at.exception
    assert store_of(sample_db).execute(
        "SELECT campaign, date, spend FROM fact WHERE platform = 'bilibili' ORDER BY 1").fetchall() == [
        ("计划A", D(2026, 11, 22), 1000.0), ("计划B", D(2026, 11, 22), 500.0)]


BILI = ["日子", "B站花费", "B站曝光"]


def map_and_save(at, name: str, file: str, rows: list[list[str]]):
    """Upload an unknown file, map its three columns (date, spend, impressions on Bilibili), save it as `name`."""
    upload(at, (file, csv_bytes(BILI, rows)))
    for i, field in enumerate(("date", "spend", "impressions")):
        at.selectbox(key=f"map_col_{i}").set_value(field)
    at.selectbox(key="map_platform").set_value("bilibili")
    at.text_input(key="map_name").set_value(name).run()
    at.button(key="map_save").click().run()
    assert not at.exception, at.exception
    return at


def saved_formats_frame(at, lang: str = "en"):
    return next(d.value for d in at.dataframe if i18n.t("formats.columns", lang) in d.value.columns)


def test_saved_formats_are_listed_and_a_wrong_one_is_deleted_with_its_batches_then_mapped_anew(sample_db):
    at = data_page()
    assert not [e for e in at.expander if e.label.startswith(i18n.t("data.saved_formats", "en", n=0)[:12])]
    map_and_save(at, "B站投放", "bili_w1.csv", [["2026-11-16", "100", "1000"], ["2026-11-17", "200", "2000"]])
    con = store_of(sample_db)
    [(pid,)] = con.execute("SELECT profile_id FROM user_profiles").fetchall()
    # listed: its name, platform, kind, each column and the field it feeds, the files it loaded, its id
    assert [e for e in at.expander if e.label == i18n.t("data.saved_formats", "en", n=1)]
    [row] = saved_formats_frame(at).to_dict("records")
    assert row[i18n.t("formats.name", "en")] == "B站投放"
    assert row[i18n.t("formats.platform", "en")] == i18n.platform_label("bilibili", "en")
    assert row[i18n.t("formats.kind", "en")] == i18n.t("kind.daily", "en")
    assert row[i18n.t("formats.columns", "en")] == " · ".join(
        f"{h} → {i18n.field_label(f, 'en')}" for h, f in zip(BILI, ("date", "spend", "impressions"), strict=True))
    assert row[i18n.t("formats.files", "en")] == 1
    assert row[i18n.t("formats.id", "en")] == pid
    # a second file of it: recognised, and counted
    upload(at, ("bili_w2.csv", csv_bytes(BILI, [["2026-11-18", "300", "3000"]])))
    assert saved_formats_frame(at).iloc[0][i18n.t("formats.files", "en")] == 2
    # saving another mapping under the same name would replace it: the mapping step says so before the save
    upload(at, ("other.csv", csv_bytes(["Tag", "Geld", "Sicht"], [["2026-11-16", "1", "10"]])))
    at.text_input(key="map_name").set_value("b站投放 ").run()
    assert i18n.t("data.mapping_replaces", "en", name="B站投放", id=pid) in texts(at, "warning")
    at.text_input(key="map_name").set_value("Andere").run()
    assert i18n.t("data.mapping_replaces", "en", name="B站投放", id=pid) not in texts(at, "warning")
    # deleting asks first; with its batches ticked, the rows it loaded go too
    at.selectbox(key="format_pick").set_value(pid).run()
    assert i18n.t("data.format_delete_confirm", "en", name="B站投放", id=pid) in texts(at, "warning")
    assert i18n.t("data.format_keeps_batches", "en", files=2) in texts(at, "caption")
    assert con.execute("SELECT count(*) FROM user_profiles").fetchall() == [(1,)]
    at.checkbox(key="format_delete_batches").check().run()
    at.button(key="delete_format").click().run()
    assert not at.exception, at.exception
    assert i18n.t("data.format_deleted_batches", "en", name="B站投放", id=pid, files=2) in texts(at, "success")
    assert con.execute("SELECT count(*) FROM user_profiles").fetchall() == [(0,)]
    assert sorted(con.execute("SELECT file_name, status FROM load_batches WHERE profile = ?", [pid]).fetchall()) == [
        ("bili_w1.csv", "deleted"), ("bili_w2.csv", "deleted")]
    assert con.execute("SELECT count(*) FROM fact_active WHERE platform = 'bilibili'").fetchall() == [(0,)]
    assert not [e for e in at.expander if e.label == i18n.t("data.saved_formats", "en", n=1)]
    # the same file again is not "already loaded": it goes to the mapping step, to be mapped anew
    upload(at, ("bili_w1.csv", csv_bytes(BILI, [["2026-11-16", "100", "1000"], ["2026-11-17", "200", "2000"]])))
    assert [s for s in texts(at, "subheader") if s == i18n.t("data.mapping", "en") + " — bili_w1.csv"]


def test_deleting_a_saved_format_alone_keeps_what_it_loaded(sample_db):
    at = data_page("zh")
    map_and_save(at, "微博周报", "wb.csv", [["2026-11-16", "100", "1000"]])
    con = store_of(sample_db)
    [(pid,)] = con.execute("SELECT profile_id FROM user_profiles").fetchall()
    before = con.execute("SELECT count(*), sum(spend) FROM fact_active WHERE platform = 'bilibili'").fetchall()
    assert before == [(1, 100.0)]
    at.button(key="delete_format").click().run()
    assert not at.exception, at.exception
    assert i18n.t("data.format_deleted", "zh", name="微博周报", id=pid) in texts(at, "success")
    assert con.execute("SELECT count(*) FROM user_profiles").fetchall() == [(0,)]
    assert con.execute("SELECT count(*), sum(spend) FROM fact_active WHERE platform = 'bilibili'").fetchall() == before
    assert con.execute("SELECT status FROM load_batches WHERE profile = ?", [pid]).fetchall() == [("loaded",)]
    # the history still names the format it was loaded with, by the name it had (it showed only the id)
    hist = next(d.value for d in at.dataframe if i18n.field_label("file_name", "zh") in d.value.columns)
    shown = dict(zip(hist[i18n.field_label("file_name", "zh")], hist[i18n.field_label("profile", "zh")], strict=True))
    assert shown["wb.csv"] == "微博周报"


def test_a_batch_is_deleted_from_the_history(sample_db):
    at = data_page()
    upload(at, ("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)))
    [(batch, _)] = batches_named(sample_db, "linkedin_week.csv")
    # the file just loaded is the one offered (the pick used to stay on the batch offered before the upload)
    assert at.selectbox(key="delete_pick").value == batch
    at.selectbox(key="delete_pick").set_value(batch).run()
    # Picking a batch deletes nothing: the delete button sits behind a confirmation naming file and rows.
    assert batches_named(sample_db, "linkedin_week.csv") == [(batch, "loaded")]
    want = i18n.t("data.delete_confirm", "en", batch=batch, file="linkedin_week.csv", rows=f"{len(NEW_ROWS):,}")
    assert want in texts(at, "warning")
    at.button(key="delete_batch").click().run()
    assert not at.exception
    assert batches_named(sample_db, "linkedin_week.csv") == [(batch, "deleted")]
    # said once the history is redrawn (a message drawn before the rerun was never seen)
    assert i18n.t("data.deleted", "en", batch=batch, file="linkedin_week.csv", rows=f"{len(NEW_ROWS):,}") in texts(
        at, "success")
    assert store_of(sample_db).execute(
        "SELECT count(*) FROM fact_active WHERE platform = 'linkedin'"
    ).fetchall() == [(0,)]
    history = at.dataframe[0].value if at.dataframe else None
    assert history is not None and i18n.t("status.deleted", "en") in set(
        history.iloc[:, list(history.columns).index(i18n.field_label("status", "en"))]
    )
    # the deleted file (a generic one, platforms in a column) still says which platforms it held: they were read
    # from its rows, which are gone, so it showed "—"
    row = history[history[i18n.field_label("file_name", "en")] == "linkedin_week.csv"].iloc[0]
    assert row[i18n.field_label("platform", "en")] == i18n.listing(
        [i18n.platform_label(p, "en") for p in sorted({r[0] for r in NEW_ROWS})], "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_snapshot_files_date_says_where_it_came_from_in_the_users_language(sample_db, lang):
    """A lifetime export (小红书 note list) stores its posts' totals as of a date. With none in the file or its name,
    that is the upload day: the report says so in words (it showed the raw id "today") and how to set another
    day; a date in the file name is named as its source."""
    header = ["笔记标题", "首次发布时间", "体裁", "观看量", "点赞", "收藏", "评论", "分享", "涨粉"]
    rows = [["早C晚A怎么叠", "2026-11-18 20:00", "视频", "1.2万", "800", "300", "40", "25", "12"]]
    at = upload(data_page(lang), ("笔记列表.csv", csv_bytes(header, rows)))
    today = dt.date.today().isoformat()
    notes = [c.value for c in at.caption if today in c.value]
    assert notes == ["· " + i18n.t("ingest.note_as_of.today", lang, date=today)], [c.value for c in at.caption]
    assert i18n.t("data.as_of", lang) in notes[0] and "today" not in notes[0].replace("today's", "")
    at = upload(at, ("笔记列表_2026-11-22.csv", csv_bytes(header, rows)))
    named = [c.value for c in at.caption if "2026-11-22" in c.value]
    assert named == ["· " + i18n.t("ingest.note_as_of.filename", lang, date="2026-11-22")]
    assert ("文件名中的日期" if lang == "zh" else "the date in the file name") in named[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_with_no_date_column_says_which_day_its_rows_are_dated(sample_db, lang):
    """A 千川 report summed by plan over a week has no 日期 column: it loads (it went to the mapping step), and the
    report says every row is dated one day and where that day came from, not that it is a snapshot."""
    header = ["计划名称", "消耗", "展示数", "点击数", "成交订单数", "成交订单金额", "支付ROI"]
    rows = [["千川-精华", "6,011.21", "15.39万", "2,493", "97", "22,363.75", "3.72"]]
    at = upload(data_page(lang), ("千川计划_2026-11-16_2026-11-22.csv", csv_bytes(header, rows)))
    named = [c.value for c in at.caption if "2026-11-22" in c.value]
    assert named == ["· " + i18n.t("ingest.note_undated.filename", lang, date="2026-11-22")], \
        [c.value for c in at.caption]
    assert ("文件名中的日期" if lang == "zh" else "the date in the file name") in named[0]
    assert ("快照" if lang == "zh" else "snapshot") not in named[0]
    assert not at.error
    # the only warning is the delete's confirmation, offered for the newest batch: this file's one row
    batch = store_of(sample_db).execute("SELECT max(batch_id) FROM load_batches").fetchall()[0][0]
    assert [w.value for w in at.warning] == [i18n.t("data.delete_confirm", lang, batch=batch,
                                                    file="千川计划_2026-11-16_2026-11-22.csv", rows="1")]
    assert lang == "zh" or "the 1 row it loaded" in at.warning[0].value
    assert any("千川计划" in s and "qianchuan_ads" in s and i18n.tn("report.n_loaded", 1, lang) in s
               for s in texts(at, "success")), texts(at, "success")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_with_no_date_and_no_period_asks_for_its_day_where_it_is_refused(sample_db, lang):
    """A TikTok campaign report with no date column, no period in it or its name: refused (dated the upload day, a
    week's figures would land in the wrong week), and the report asks for the period's last day beside the message;
    given, the same file loads dated that day, and the report says so."""
    header = ["Campaign name", "Cost", "Impressions", "Clicks (Destination)", "Conversions", "Currency"]
    rows = [["Spring", "22.5", "1,900", "38", "1", "USD"], ["Autumn", "5", "100", "2", "0", "USD"]]
    before = store_of(sample_db).execute("SELECT count(*), sum(spend) FROM fact").fetchall()
    at = upload(data_page(lang), ("tiktok_campaigns.csv", csv_bytes(header, rows)))
    # a step to take, not a failure: the ask alone (no "0 rows loaded · 0 rejected …" of a file never read)
    assert not [e for e in at.error if "tiktok_campaigns.csv" in e.value] and not [
        c for c in at.code if "tiktok_campaigns.csv" in c.value]
    assert [w.value for w in at.warning if w.value.startswith("tiktok_campaigns.csv")] == [
        i18n.t("err.undated_no_period", lang, file="tiktok_campaigns.csv")]
    assert store_of(sample_db).execute("SELECT count(*), sum(spend) FROM fact").fetchall() == before
    [day] = [d for d in at.date_input if d.label == i18n.t("data.undated_day", lang)]
    assert day.value is None      # nothing is guessed: loading with no day asks for one
    [go] = [b for b in at.button if b.label == i18n.t("data.undated_load", lang)]
    go.click().run()
    assert i18n.t("data.undated_pick", lang) in [c.value for c in at.caption]
    assert store_of(sample_db).execute("SELECT count(*), sum(spend) FROM fact").fetchall() == before
    [day] = [d for d in at.date_input if d.label == i18n.t("data.undated_day", lang)]
    day.set_value(D(2026, 11, 22))
    [go] = [b for b in at.button if b.label == i18n.t("data.undated_load", lang)]
    go.click().run()      # the day and the click in one run, as the browser sends them
    assert not at.exception
    assert any("tiktok_campaigns.csv" in s and i18n.tn("report.n_loaded", 2, lang) in s for s in texts(at, "success"))
    assert ["· " + i18n.t("ingest.note_undated.user", lang, date="2026-11-22")] == [
        c.value for c in at.caption if "2026-11-22" in c.value]
    assert not [w for w in at.warning if w.value.startswith("tiktok_campaigns.csv")]
    assert not [d for d in at.date_input if d.label == i18n.t("data.undated_day", lang)]
    got = store_of(sample_db).execute("SELECT campaign, date, spend FROM fact WHERE platform = 'tiktok' AND "
                                      "campaign IN ('Spring', 'Autumn') ORDER BY 1").fetchall()
    assert got == [("Autumn", D(2026, 11, 22), 5.0), ("Spring", D(2026, 11, 22), 22.5)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_summary_of_days_already_loaded_warns_that_both_are_counted(sample_db, lang):
    """A week summed (no date column) after the same week by day: both are counted, so the report warns, in a
    warning box (not a grey note), naming the other batch."""
    daily = csv_bytes(["Campaign name", "Date", "Cost", "Impressions", "Currency"],
                      [["Spring", "2026-11-17", "10", "100", "USD"], ["Spring", "2026-11-18", "10", "100", "USD"]])
    week = csv_bytes(["Campaign name", "Cost", "Impressions", "Currency"], [["Spring", "20", "200", "USD"]])
    at = upload(data_page(lang), ("tiktok_days.csv", daily))
    batch = store_of(sample_db).execute("SELECT max(batch_id) FROM load_batches").fetchall()[0][0]
    upload(at, ("tiktok_week_2026-11-16_2026-11-22.csv", week))
    want = i18n.t("ingest.note_summary_overlap", lang, rows="1", batches=f"#{batch}")
    assert want in [w.value for w in at.warning], [w.value for w in at.warning]
    assert want not in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_history_names_each_files_kind_in_the_users_language(sample_db, lang):
    at = data_page(lang)
    history = at.dataframe[0].value
    shown = history[i18n.field_label("kind", lang)]
    kinds = store_of(sample_db).execute("SELECT DISTINCT kind FROM load_batches").fetchall()
    assert len(kinds) >= 4     # the sample has daily, snapshot, roster, plan and cost files
    assert set(shown) == {i18n.t(f"kind.{k}", lang) for (k,) in kinds}
    assert not set(shown) & {k for (k,) in kinds}   # no raw kind id is left on screen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_history_shows_each_files_status_next_to_its_name_under_translated_headers(sample_db, lang):
    """On a projector the table scrolls sideways: whether a file loaded must not be its last column."""
    at = data_page(lang)
    shown = list(at.dataframe[0].value.columns)
    assert shown[:3] == [i18n.field_label(c, lang) for c in ("batch_id", "file_name", "status")]
    stored = store_of(sample_db).execute("SELECT * FROM load_batches LIMIT 0").df().columns
    assert not set(shown) & set(stored)     # every header is in the user's language, none is a column id
    assert i18n.field_label("is_sample", lang) in shown and i18n.field_label("profile", lang) in shown
    config = json.loads(at.dataframe[0].proto.columns)
    for k in ("rows_loaded", "rows_rejected", "rows_summary"):      # counts read with thousands separators
        assert config[i18n.field_label(k, lang)]["type_config"]["format"] == "localized"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_history_names_each_files_format_not_its_id(sample_db, lang):
    at = data_page(lang)
    shown = set(at.dataframe[0].value[i18n.field_label("profile", lang)])
    ids = {p for (p,) in store_of(sample_db).execute("SELECT DISTINCT profile FROM load_batches").fetchall()}
    labels = {p.id: p.label(lang) for p in builtin_profiles()}
    assert len(ids) >= 8 and ids <= set(labels)
    assert shown == {labels[i] for i in ids} and not shown & ids
    assert ("巨量千川 推广数据" if lang == "zh" else "Qianchuan (Douyin e-commerce ads) report") in shown


def test_first_start_on_an_empty_store_loads_the_sample_and_clear_removes_it(empty_db):
    from smm.sample import sample_files

    at = app_test(lang="en")
    at.run(timeout=900)
    assert not at.exception
    con = store_of(empty_db)
    assert con.execute(
        "SELECT count(*), bool_and(is_sample), bool_and(status = 'loaded') FROM load_batches"
    ).fetchall() == [(len(sample_files()), True, True)]
    assert i18n.t("sample.banner", "en") in texts(at, "info")
    at.switch_page("pages/data.py").run()
    assert i18n.t("sample.banner_here", "en") in texts(at, "info")    # the button it names is right below it
    assert i18n.t("sample.banner", "en") not in texts(at, "info")
    at.button(key="clear_sample").click().run()
    assert not at.exception
    assert i18n.t("sample.cleared", "en") in texts(at, "success")
    assert con.execute("SELECT count(*) FROM load_batches WHERE status = 'loaded'").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM fact_active").fetchall() == [(0,)]
    # the next start does not load the sample again: the store has a history
    again = app_test(lang="en")
    again.run()
    assert con.execute("SELECT count(*) FROM load_batches WHERE status = 'loaded'").fetchall() == [(0,)]
    assert i18n.t("overview.empty", "en") in texts(again, "warning")


def _part_of_the_sample(path: Path, n: int) -> list[Path]:
    """The store at `path` holding the first n sample files, as a first start that was cut short left it."""
    from smm.ingest import LoadOptions, ingest_file
    from smm.sample import sample_files

    con = store_of(path)
    files = sample_files()
    for f in files[:n]:
        assert ingest_file(con, f, LoadOptions(is_sample=True)).status == "loaded", f.name
    return files


def test_a_first_start_cut_short_is_completed_on_the_next_start(empty_db):
    files = _part_of_the_sample(empty_db, 10)
    at = app_test(lang="en")
    at.run(timeout=900)
    assert not at.exception
    con = store_of(empty_db)
    # every file once: the ten already there were not loaded again
    assert con.execute("SELECT count(*), count(DISTINCT sha256), bool_and(is_sample), bool_and(status = 'loaded') "
                       "FROM load_batches").fetchall() == [(len(files), len(files), True, True)]
    assert i18n.t("sample.banner", "en") in texts(at, "info")


@pytest.mark.parametrize("since", ["own_upload", "deleted_batch"])
def test_a_partial_sample_is_left_as_it_is_once_the_user_did_something_with_the_store(empty_db, since):
    from smm.ingest import LoadOptions, delete_batch, ingest_bytes

    _part_of_the_sample(empty_db, 10)
    con = store_of(empty_db)
    if since == "deleted_batch":
        assert delete_batch(con, 3)
    else:
        r = ingest_bytes(con, csv_bytes(GENERIC, NEW_ROWS), "linkedin_week.csv", LoadOptions())
        assert r.status == "loaded"
    before = con.execute("SELECT batch_id, status FROM load_batches ORDER BY 1").fetchall()
    assert len(before) == 10 + (since == "own_upload")
    at = app_test(lang="en")
    at.run()
    assert not at.exception
    assert con.execute("SELECT batch_id, status FROM load_batches ORDER BY 1").fetchall() == before


def test_sample_can_be_cleared_after_own_uploads(sample_db):
    at = data_page()
    upload(at, ("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)))
    at.run()
    assert i18n.t("ingest.sample_mixed", "en") in texts(at, "info")
    at.button(key="clear_sample").click().run()
    con = store_of(sample_db)
    assert con.execute("SELECT count(*) FROM load_batches WHERE status = 'loaded'").fetchall() == [(1,)]
    assert con.execute("SELECT sum(spend) FROM fact_active").fetchall() == [(NEW_SPEND,)]


PAGES = [p for p, *_ in ui.PAGES if (ROOT / p).exists()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(sample_db, page, lang):
    at = app_test(lang=lang)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    title = at.title[0].value
    # the page speaks the chosen language: Chinese characters in the zh title, none in the en one
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title) == (lang == "zh"), title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_of_many_bad_rows_is_reported_by_column_and_reason_then_by_row(sample_db, lang):
    """4,200 rows: every 3rd has a negative spend, every 7th impressions that are not a number (some rows both).
    The report counts them by column and reason in full, lists the first rows, and says how many more."""
    header = ["platform", "date", "campaign", "spend", "impressions", "clicks"]
    body = [["weibo", f"2026-11-{i % 20 + 1:02d}", f"camp {i}", "-5" if i % 3 == 0 else "5",
             "n/a?" if i % 7 == 0 else "100", "1"] for i in range(4200)]
    at = data_page(lang)
    upload(at, ("many_bad.csv", csv_bytes(header, body)))
    negative = sum(1 for i in range(4200) if i % 3 == 0)
    not_number = sum(1 for i in range(4200) if i % 7 == 0)
    bad_rows = sum(1 for i in range(4200) if i % 3 == 0 or i % 7 == 0)
    line = next(e.value for e in at.error if "many_bad.csv" in e.value)
    assert f"{bad_rows:,}" in line and "," in f"{bad_rows:,}"       # 1,800: counts read with separators
    counts = at.dataframe[0].value
    assert counts.columns.tolist() == [i18n.t(k, lang) for k in
                                       ("report.counts_column", "report.counts_reason", "report.counts_rows")]
    assert counts.values.tolist() == [["spend", i18n.t("why.negative", lang), negative],
                                      ["impressions", i18n.t("why.not_a_number", lang), not_number]]
    listed = at.code[0].value.splitlines()
    # The first 20 problems in file order, a row's problems in the order of its columns (both, for a row with two).
    problems = [(i + 2, c) for i in range(4200) for c in ("spend", "impressions")
                if (c == "spend" and i % 3 == 0) or (c == "impressions" and i % 7 == 0)][:20]
    assert len(listed) == 21
    for text, (row, col) in zip(listed, problems, strict=False):
        assert re.search(rf"(?<![0-9]){row}(?![0-9])", text) and col in text, (text, row, col)
    more = bad_rows - len({r for r, _ in problems})
    assert listed[-1] == i18n.t("report.more_rows", lang, n=f"{more:,}", download=i18n.t("data.rejected_download", lang))
    assert at.get("download_button")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_supported_formats_table_speaks_the_users_language_and_names_every_format(sample_db, lang):
    at = data_page(lang)
    header = [i18n.t(f"formats.{k}", lang) for k in ("platform", "format", "kind", "required", "id")]
    [table] = [d.value for d in at.dataframe if list(d.value.columns) == header]
    profiles = builtin_profiles()
    assert sorted(table[header[4]]) == sorted(p.id for p in profiles)
    by_id = table.set_index(header[4])
    for p in profiles:
        assert by_id.loc[p.id, header[1]] == p.label(lang)
        assert by_id.loc[p.id, header[2]] == i18n.t(f"kind.{p.kind}", lang)        # no raw kind id
        for f in p.required:
            assert i18n.field_label(f, lang) in by_id.loc[p.id, header[3]]


def test_the_default_week_follows_the_first_upload_and_a_chosen_range_stays(empty_db):
    """A session that starts on a store with no data shows this week. Its first upload (a team's own first
    export, or the first after clearing the sample) used to leave the range there: the Overview then said "no
    data for 2026-11-29 – 2026-12-05". A default range left without data now follows the data; one that still
    holds data, or that the user set, stays."""
    from smm.ingest import delete_batch, ingest_bytes

    con = store_of(empty_db)
    cleared = ingest_bytes(con, csv_bytes(GENERIC, NEW_ROWS[:1]), "cleared.csv")
    delete_batch(con, cleared.batch_id)                 # a store with a history and no data: no sample loaded
    at = data_page()
    today = dt.date.today()
    assert at.sidebar.date_input(key="dates").value == (today - dt.timedelta(days=6), today)
    upload(at, ("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)))
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    # the data's days (a Monday and a Tuesday: no whole week yet), not an empty or inverted range
    assert at.sidebar.date_input(key="dates").value == (D(2026, 11, 16), D(2026, 11, 17))
    assert "dates" not in at.query_params                # still the default: the URL stays clean
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[i18n.t("field.spend", "en")] == fmt.money(NEW_SPEND, "CNY", "en")
    assert not [w for w in texts(at, "warning") if w.startswith("There is no data for")]

    # next week's exports loaded meanwhile (a colleague, in the meeting): a default range that still holds data
    # stays put, it does not jump to the new week
    at.switch_page("pages/data.py").run()
    upload(at, ("linkedin_next.csv", csv_bytes(GENERIC, [["linkedin", d, "B2B launch", "10", "100", "1"]
                                                         for d in ("2026-11-23", "2026-11-29")])))
    at.switch_page("pages/overview.py").run()
    assert at.sidebar.date_input(key="dates").value == (D(2026, 11, 16), D(2026, 11, 17))

    at.sidebar.date_input(key="dates").set_value((D(2026, 11, 16), D(2026, 11, 16))).run()
    at.switch_page("pages/data.py").run()
    upload(at, ("linkedin_wed.csv", csv_bytes(GENERIC, [["linkedin", "2026-11-18", "B2B launch", "10", "100", "1"]])))
    at.switch_page("pages/overview.py").run()
    assert at.sidebar.date_input(key="dates").value == (D(2026, 11, 16), D(2026, 11, 16))   # the user's choice


def test_lifetime_exports_dated_a_monday_after_a_pause_do_not_open_the_app_on_an_empty_week(sample_db):
    """The sample's daily data ends Sunday 2026-11-22; a 小红书 note list (a lifetime export, with no date in it)
    is loaded on Monday 2026-12-07 and stored as of that day. A new session opened on the week 11-30 – 12-06,
    which holds no data: "There is no data for …". It opens on the last whole week that holds data."""
    from smm.ingest import LoadOptions, ingest_bytes

    header = ["笔记标题", "首次发布时间", "体裁", "观看量", "点赞", "收藏", "评论", "分享", "涨粉"]
    rows = [["早C晚A怎么叠", "2026-11-18 20:00", "视频", "1.2万", "800", "300", "40", "25", "12"]]
    con = store_of(sample_db)
    r = ingest_bytes(con, csv_bytes(header, rows), "笔记列表.csv", LoadOptions(today=D(2026, 12, 7)))
    assert (r.status, r.as_of) == ("loaded", D(2026, 12, 7))
    at = app_test(lang="en")
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.date_input(key="dates").value == (D(2026, 11, 16), D(2026, 11, 22))
    assert not [w for w in texts(at, "warning") if w.startswith("There is no data for")]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[i18n.t("field.spend", "en")] not in ("", fmt.DASH)


def test_an_upload_still_loading_shows_on_other_pages_and_its_reports_wait_on_the_data_page(sample_db):
    """The user moved on while an upload loads (its load is a job of the server, not of the script run): the
    page moved to shows its progress in the sidebar; once it has ended, the next run says how it went, shows the
    figures with it, and the Data page has its report."""
    from smm import ingest, jobs

    at = app_test(lang="en")
    at.run()
    before = overview_spend(at, "linkedin", D(2026, 11, 16), D(2026, 11, 22))
    files = [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)), ("bad.csv", csv_bytes(GENERIC, [NEW_ROWS[0][:3]]))]
    with ingest._WRITE_LOCK:       # the job waits to write: it is still loading while the page runs
        job = jobs.UploadJob(ui._root(str(sample_db)), files, ingest.LoadOptions(lang="en")).start()
        at.session_state["_upload_jobs"] = [job]
        at.run()
        assert not at.exception, at.exception
        shown = [p.text for p in at.sidebar.get("progress")]
        assert any(i18n.t("data.loading_elsewhere", "en", i=1, n=2, file="linkedin_week.csv") in s
                   for s in shown), shown
        assert not job.ended
    assert job.wait(60) and job.error is None
    at.run()
    assert not at.exception, at.exception
    how = f"{i18n.t('status.loaded', 'en')} 1, {i18n.t('status.rejected', 'en')} 1"
    assert [t.value for t in at.toast] == [i18n.t("data.loaded_elsewhere", "en", n=2, how=how)]
    assert overview_spend(at, "linkedin", D(2026, 11, 16), D(2026, 11, 22)) != before
    assert overview_spend(at, "linkedin", D(2026, 11, 16), D(2026, 11, 22)) == fmt.money(NEW_SPEND, "CNY", "en")
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert any(s.startswith("linkedin_week.csv: " + i18n.t("status.loaded", "en")) for s in texts(at, "success"))
    assert any(s.startswith("bad.csv: " + i18n.t("status.rejected", "en")) for s in texts(at, "error"))
    assert [r[1] for r in batches_named(sample_db, "linkedin_week.csv")] == ["loaded"]
    at.switch_page("pages/overview.py").run()
    assert not at.toast                                 # said once


def test_the_load_gate_holds_an_upload_at_its_write_step_until_the_gate_file_goes(sample_db, tmp_path, monkeypatch):
    """SMM_LOAD_GATE (how the browser tests act while a load surely runs, in another process): while the file it
    names exists, an upload job has read and checked its file and waits before writing anything; once the file is
    gone, the load goes on and stores the file once."""
    from smm import ingest, jobs

    gate = tmp_path / "hold"
    gate.touch()
    monkeypatch.setenv(jobs.LOAD_GATE_ENV, str(gate))
    before = batches_named(sample_db, "linkedin_week.csv")
    job = jobs.UploadJob(ui._root(str(sample_db)), [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS))],
                         ingest.LoadOptions(lang="en")).start()
    deadline = time.monotonic() + 60
    while job.progress[3] != "write" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.progress[:3] == (1, 1, "linkedin_week.csv") and job.progress[3] == "write"
    assert not job.wait(1.0)                            # held, a second on
    assert batches_named(sample_db, "linkedin_week.csv") == before == []
    gate.unlink()
    assert job.wait(60) and job.error is None
    assert [r.status for r in job.reports] == ["loaded"]
    assert [r[1] for r in batches_named(sample_db, "linkedin_week.csv")] == ["loaded"]


def test_files_added_one_after_the_other_are_numbered_across_the_uploads_still_loading(sample_db):
    """A file added while another loads is a second upload (a job that waits for the first): the progress counts
    both (file 1/2), so the user sees the added file was taken, and the bar measures the whole queue."""
    from smm import ingest, jobs

    at = app_test(lang="en")
    at.run()
    first = [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS))]
    second = [("linkedin_more.csv", csv_bytes(GENERIC, [["linkedin", "2026-11-20", "B2B launch", "10", "100", "1"]]))]
    with ingest._WRITE_LOCK:       # the first job waits to write, the second waits for the first
        one = jobs.UploadJob(ui._root(str(sample_db)), first, ingest.LoadOptions(lang="en")).start()
        two = jobs.UploadJob(ui._root(str(sample_db)), second, ingest.LoadOptions(lang="en"), after=one).start()
        at.session_state["_upload_jobs"] = [one, two]
        at.run()
        assert not at.exception, at.exception
        bars = at.sidebar.get("progress")
        shown = [b.text for b in bars]
        assert any(i18n.t("data.loading_elsewhere", "en", i=1, n=2, file="linkedin_week.csv") in s
                   for s in shown), shown
        assert all(b.value < 50 for b in bars), [b.value for b in bars]     # (percent) the first of two files, unwritten
        assert not one.ended and not two.ended
    assert one.wait(60) and two.wait(60) and one.error is None and two.error is None
    at.run()
    assert not at.exception, at.exception
    how = f"{i18n.t('status.loaded', 'en')} 2"
    assert [t.value for t in at.toast] == [i18n.t("data.loaded_elsewhere", "en", n=2, how=how)]


def test_a_file_added_then_another_page_clicked_at_once_loads_with_the_options_chosen(sample_db):
    """A file added to the uploader and another page clicked before any run drew the Data page again (a click
    stops the run the file was added in at its first Streamlit call): the run of the page moved to hands it to a
    load, with the options the user chose (invalid rows, decimal mark). Nothing is lost, nothing loads twice."""
    at = data_page()
    at.radio(key="up_on_invalid").set_value("load_valid")
    at.radio(key="up_decimal").set_value(",")
    rows = [["linkedin", "2026-11-16", "B2B launch", "1.234,50", "10.000", "100"],
            ["linkedin", "2026-11-17", "B2B launch", "765,50", "8.000", "80"],
            ["linkedin", "2026-11-18", "B2B launch", "-5,00", "1.000", "10"]]      # negative spend: rejected
    at.file_uploader(key="uploader").set_value([("linkedin_eu.csv", csv_bytes(GENERIC, rows), "text/csv")])
    at.switch_page("pages/overview.py").run()      # the Data page never ran with the file in its uploader
    assert not at.exception, at.exception
    jobs = at.session_state["_upload_jobs"] if "_upload_jobs" in at.session_state else []
    for job in jobs:
        assert job.wait(60) and job.error is None
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.toast] == [i18n.t("data.loaded_elsewhere_one", "en", file="linkedin_eu.csv",
                                                  status=i18n.t("status.loaded", "en"))]
    got = store_of(sample_db).execute(
        "SELECT count(*), sum(spend), sum(impressions) FROM fact f JOIN load_batches b USING (batch_id) "
        "WHERE b.file_name = ?", ["linkedin_eu.csv"]).fetchone()
    assert got == (2, pytest.approx(1234.50 + 765.50), pytest.approx(18000))
    assert store_of(sample_db).execute("SELECT rows_rejected FROM load_batches WHERE file_name = ?",
                                       ["linkedin_eu.csv"]).fetchall() == [(1,)]
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert sum(s.startswith("linkedin_eu.csv: " + i18n.t("status.loaded", "en")) for s in texts(at, "warning")) == 1
    at.run()
    assert [r[1] for r in batches_named(sample_db, "linkedin_eu.csv")] == ["loaded"]


def test_an_upload_whose_tab_was_closed_has_its_reports_on_the_next_data_page_opened(sample_db):
    """The tab that uploaded was closed while its files loaded: the load goes on, but its reports had nowhere to
    go, and a rejected file is not in the load history, so nothing said it failed. The next Data page opened
    (a new session) shows them once, with a note; a load whose tab is still open is left to that tab, and a load
    into another store is not shown."""
    import gc

    from smm import ingest, jobs

    files = [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)), ("bad.csv", csv_bytes(GENERIC, [NEW_ROWS[0][:3]]))]
    closed, still_open, other = jobs.UploadQueue(), jobs.UploadQueue(), jobs.UploadQueue()
    root = ui._root(str(sample_db))
    gone = jobs.UploadJob(root, files, ingest.LoadOptions(lang="en"), owner=closed, store=str(sample_db)).start()
    assert gone.wait(60) and gone.error is None
    kept = jobs.UploadJob(root, [("linkedin_v2.csv", csv_bytes(GENERIC, NEW_ROWS[:1]))], ingest.LoadOptions(),
                          owner=still_open, store=str(sample_db)).start()
    elsewhere = jobs.UploadJob(root, [("x.csv", csv_bytes(GENERIC, NEW_ROWS[1:]))], ingest.LoadOptions(),
                               owner=other, store=str(sample_db) + ".other").start()
    assert kept.wait(60) and elsewhere.wait(60)
    del closed, other
    gc.collect()
    at = data_page()
    note = i18n.t("data.abandoned", "en", files="linkedin_week.csv, bad.csv")
    assert texts(at, "info").count(note) == 1, texts(at, "info")
    assert sum(s.startswith("linkedin_week.csv: " + i18n.t("status.loaded", "en")) for s in texts(at, "success")) == 1
    assert sum(s.startswith("bad.csv: " + i18n.t("status.rejected", "en")) for s in texts(at, "error")) == 1
    assert not any("linkedin_v2.csv" in s or "x.csv" in s for s in texts(at, "success"))
    at.run()                                            # the note is said once; the reports stay
    assert note not in texts(at, "info")
    assert sum(s.startswith("linkedin_week.csv: ") for s in texts(at, "success")) == 1
    again = data_page()                                 # another session: taken already
    assert note not in texts(again, "info") and not any(s.startswith("bad.csv: ") for s in texts(again, "error"))
    assert kept.claim()                                 # still there for the tab that is open


def test_with_a_login_an_abandoned_upload_is_shown_to_the_account_that_started_it_only(sample_db):
    """With team login on, the reports of an upload whose tab was closed wait for the account that uploaded it;
    without a login (account None) they wait for whoever opens the Data page next."""
    import gc

    from smm import ingest, jobs

    root, path = ui._root(str(sample_db)), str(sample_db)
    owners = {who: jobs.UploadQueue() for who in ("ana@brand.com", "bo@brand.com", None)}
    started = {who: jobs.UploadJob(root, [(f"{who}.csv", csv_bytes(GENERIC, NEW_ROWS))], ingest.LoadOptions(),
                                   owner=owner, store=path, account=who).start() for who, owner in owners.items()}
    assert all(j.wait(60) for j in started.values())
    assert jobs.abandoned(path, "ana@brand.com") == []          # every tab is still open
    owners.clear()
    gc.collect()
    for who, job in started.items():
        assert jobs.abandoned(path, who) == [job]
    assert jobs.abandoned(path, "cy@brand.com") == []
    assert started["ana@brand.com"].claim() and jobs.abandoned(path, "ana@brand.com") == []
    assert started["bo@brand.com"].claim() and started[None].claim()


def test_the_data_page_waits_for_an_upload_still_loading_and_files_added_meanwhile_load_after_it(sample_db):
    """Back on the Data page while the upload it started still loads, the user adds a newer export of the same
    days: the page shows the loads' progress until both end, then both reports (not lost with the run that was
    cut short); the newer file loads after the first (it replaces the days they share), and nothing twice."""
    import threading

    from smm import ingest, jobs

    at = data_page()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:                 # another session's load, writing for a second
        with ingest._WRITE_LOCK:
            held.set()
            release.wait(30)

    threading.Thread(target=hold, daemon=True).start()
    assert held.wait(10)
    job = jobs.UploadJob(ui._root(str(sample_db)), [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS))],
                         ingest.LoadOptions(lang="en")).start()
    at.session_state["_upload_jobs"] = [job]
    newer = [[*row[:3], spend, *row[4:]] for row, spend in zip(NEW_ROWS, ["2,000.00", "1,000.00"], strict=True)]
    threading.Timer(1.0, release.set).start()
    upload(at, ("linkedin_week_v2.csv", csv_bytes(GENERIC, newer)))
    assert job.ended and at.session_state["_upload_jobs"] == []
    for name in ("linkedin_week.csv", "linkedin_week_v2.csv"):
        assert sum(s.startswith(f"{name}: " + i18n.t("status.loaded", "en")) for s in texts(at, "success")) == 1
    at.run()
    assert sum(s.startswith("linkedin_week.csv: ") for s in texts(at, "success")) == 1
    assert [r[1] for r in batches_named(sample_db, "linkedin_week.csv")] == ["loaded"]
    first, second = batches_named(sample_db, "linkedin_week.csv")[0][0], batches_named(sample_db, "linkedin_week_v2.csv")[0][0]
    assert first < second
    assert overview_spend(at, "linkedin", D(2026, 11, 16), D(2026, 11, 22)) == fmt.money(3000.0, "CNY", "en")


# A server process that takes an upload and is killed before loading it: its load waits to write (the write lock
# is held), the rows of upload_attempts are in the store, then SIGKILL (a crash, a restart, the machine going down).
_KILLED_SERVER = """
import os, signal, sys, time
from pathlib import Path
from smm import ingest, jobs, store
con = store.connect(sys.argv[1])
files = [(Path(p).name, Path(p).read_bytes()) for p in sys.argv[2:]]
account = os.environ.get("SMM_TEST_ACCOUNT") or None
if os.environ.get("SMM_TEST_KILL") == "after_commit":      # killed between the load's commit and the record's removal
    jobs._end_attempts = lambda cur, ids: os.kill(os.getpid(), signal.SIGKILL)
    jobs.UploadJob(con, files, ingest.LoadOptions(), account=account).start().wait()
with ingest._WRITE_LOCK:
    job = jobs.UploadJob(con, files, ingest.LoadOptions(), account=account).start()
    cur = con.cursor()
    while cur.execute("SELECT count(*) FROM upload_attempts").fetchall()[0][0] < len(files):
        time.sleep(0.02)
    while job.progress[3] != "write":
        time.sleep(0.02)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_while_loading(db: Path, files: list[Path], account: str | None = None, when: str = "") -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SMM_TEST_ACCOUNT": account or "", "SMM_TEST_KILL": when}
    res = subprocess.run([sys.executable, "-c", _KILLED_SERVER, str(db), *map(str, files)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == -9, res.stderr[-2000:]


def _interrupted_notes(at) -> list[str]:
    head = i18n.t("data.interrupted", "en", files="", when="").split(":")[0]
    return [w for w in texts(at, "warning") if w.startswith(head)]


def test_files_a_killed_server_did_not_load_are_named_on_the_data_page_until_dismissed(sample_db, tmp_path):
    """The server was killed while an upload loaded (or waited to): nothing of it is stored, and the next server's
    Data page names its files and when they were uploaded, so the user knows to upload them again. Dismissed, the
    note is gone for good."""
    week, more = tmp_path / "linkedin_week.csv", tmp_path / "linkedin_more.csv"
    week.write_bytes(csv_bytes(GENERIC, NEW_ROWS))
    more.write_bytes(csv_bytes(GENERIC, [["linkedin", "2026-11-20", "B2B launch", "10", "100", "1"]]))
    _killed_while_loading(sample_db, [week, more])
    at = data_page()
    assert batches_named(sample_db, week.name) == []                 # the load was never committed
    notes = _interrupted_notes(at)
    assert len(notes) == 1, texts(at, "warning")
    assert f"{week.name}, {more.name}" in notes[0]
    when = store_of(sample_db).execute("SELECT min(started_at) FROM upload_attempts").fetchall()[0][0]
    assert when.strftime("%Y-%m-%d %H:%M") in notes[0]
    at.run()
    assert len(_interrupted_notes(at)) == 1                          # named on every run until dismissed
    at.button(key="dismiss_interrupted").click().run()
    assert not at.exception, at.exception
    assert _interrupted_notes(at) == []
    assert store_of(sample_db).execute("SELECT count(*) FROM upload_attempts").fetchall() == [(0,)]
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/data.py").run()
    assert _interrupted_notes(at) == []


def test_a_file_a_killed_server_did_not_load_is_no_longer_named_once_uploaded_again(sample_db, tmp_path):
    week, more = tmp_path / "linkedin_week.csv", tmp_path / "linkedin_more.csv"
    week.write_bytes(csv_bytes(GENERIC, NEW_ROWS))
    more.write_bytes(csv_bytes(GENERIC, [["linkedin", "2026-11-20", "B2B launch", "10", "100", "1"]]))
    _killed_while_loading(sample_db, [week, more])
    at = data_page(lang="zh")
    upload(at, (week.name, week.read_bytes()))
    assert [r[1] for r in batches_named(sample_db, week.name)] == ["loaded"]
    head = i18n.t("data.interrupted", "zh", files="", when="").split("：")[0]
    notes = [w for w in texts(at, "warning") if w.startswith(head)]
    assert len(notes) == 1 and more.name in notes[0] and week.name not in notes[0], notes


def test_a_file_whose_load_was_committed_just_before_the_server_was_killed_is_not_named(sample_db, tmp_path):
    """Killed between the load's commit and the removal of its record: the file is loaded, and the note does not
    say otherwise."""
    from smm import jobs

    week = tmp_path / "linkedin_week.csv"
    week.write_bytes(csv_bytes(GENERIC, NEW_ROWS))
    _killed_while_loading(sample_db, [week], when="after_commit")
    assert [r[1] for r in batches_named(sample_db, week.name)] == ["loaded"]
    cur = store_of(sample_db)
    assert cur.execute("SELECT file_name FROM upload_attempts").fetchall() == [(week.name,)]   # the record stayed
    assert jobs.interrupted(cur) == []
    at = data_page()
    assert _interrupted_notes(at) == []


def test_an_upload_job_keeps_its_files_on_record_only_until_each_load_ends(sample_db, tmp_path):
    """While a job loads (or waits to), each of its files has a row of upload_attempts under this server's id,
    which no Data page names; the row goes as that file's load ends, whether it loaded, was rejected or failed."""
    from smm import ingest, jobs

    root = ui._root(str(sample_db))
    files = [("linkedin_week.csv", csv_bytes(GENERIC, NEW_ROWS)), ("bad.csv", csv_bytes(GENERIC, [NEW_ROWS[0][:3]]))]
    cur = root.cursor()
    with ingest._WRITE_LOCK:
        job = jobs.UploadJob(root, files, ingest.LoadOptions(), account="ana@brand.com").start()
        deadline = dt.datetime.now() + dt.timedelta(seconds=60)
        while job.progress[3] != "write" and dt.datetime.now() < deadline:
            job.wait(0.02)
        rows = cur.execute("SELECT server, account, file_name, size_bytes, position FROM upload_attempts "
                           "ORDER BY position").fetchall()
        assert rows == [(jobs.SERVER_ID, "ana@brand.com", name, len(data), k)
                        for k, (name, data) in enumerate(files)]
        assert jobs.interrupted(cur, "ana@brand.com") == []           # this server's own: still loading
    assert job.wait(60) and job.error is None
    assert [r.status for r in job.reports] == ["loaded", "rejected"]
    assert cur.execute("SELECT count(*) FROM upload_attempts").fetchall() == [(0,)]
    # A job that fails (its first file is not bytes: hashing it raises) leaves no record of the files it did not
    # load: the session waiting for it is told (job.error), and so is the next Data page (adopt_abandoned_uploads).
    failed = jobs.UploadJob(root, [("broken.csv", "not bytes"), *files], ingest.LoadOptions()).start()
    assert failed.wait(60) and isinstance(failed.error, TypeError) and failed.reports == []
    assert cur.execute("SELECT count(*) FROM upload_attempts").fetchall() == [(0,)]


def test_with_a_login_files_a_killed_server_did_not_load_are_named_to_their_account_only(sample_db, tmp_path):
    from smm import jobs

    week = tmp_path / "linkedin_week.csv"
    week.write_bytes(csv_bytes(GENERIC, NEW_ROWS))
    _killed_while_loading(sample_db, [week], account="ana@brand.com")
    cur = store_of(sample_db)
    assert [r[1] for r in jobs.interrupted(cur, "ana@brand.com")] == [week.name]
    assert jobs.interrupted(cur, "bo@brand.com") == [] and jobs.interrupted(cur, None) == []
