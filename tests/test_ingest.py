"""Every parsing rule of issue 2, through the real pipeline: a small export as bytes → ingest → rows in fact_active.

Each test is a given/expect pair written by hand. Every test runs twice: once on the unpivot path that small
files take (`_cells_sql` cleans all mapped columns in one pass) and once on the wide path of large files
(`LONG_MODE_MAX_ROWS` lowered to 0), so both stay correct.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from ingestkit import TODAY, csv_bytes, facts, load, loaded, note_codes, rejected, xlsx_bytes

from smm import i18n, ingest, mapping, store
from smm.ingest import LoadOptions

D = dt.date
T = dt.datetime
GENERIC = ["platform", "date", "campaign", "spend", "impressions", "clicks", "follows"]


@pytest.fixture(params=["long", "wide"], autouse=True)
def cells_path(request, monkeypatch):
    """Run each test on both staging paths of _cells_sql."""
    monkeypatch.setattr(ingest, "LONG_MODE_MAX_ROWS", 10**12 if request.param == "long" else 0)
    return request.param


def generic(*rows: list) -> bytes:
    return csv_bytes(GENERIC, list(rows))


# --------------------------------------------------------------------------------------------- preambles


def test_google_ads_utf16_tab_report_with_title_date_range_and_total_rows(con):
    header = [
        "Campaign",
        "Day",
        "Currency code",
        "Impr.",
        "Clicks",
        "CTR",
        "Avg. CPC",
        "Cost",
        "Conversions",
        "Cost / conv.",
        "Conv. value",
    ]
    rows = [
        [
            "Brand search",
            "2026-08-31",
            "USD",
            "1,234",
            "56",
            "4.54%",
            "0.89",
            "49.84",
            "3",
            "16.61",
            "120.00",
        ],
        ["Brand search", "2026-09-01", "USD", "2,000", "40", "2.00%", "1.00", "40.00", "0", "--", "0.00"],
        ["Generic", "2026-09-01", "USD", "10,500", "105", "1.00%", "0.50", "52.50", "--", "--", "--"],
        ["Total: Campaigns", "--", "USD", "13,734", "201", "1.46%", "0.71", "142.34", "3", "47.45", "120.00"],
        ["Total: Account", "--", "USD", "13,734", "201", "1.46%", "0.71", "142.34", "3", "47.45", "120.00"],
    ]
    data = csv_bytes(
        header,
        rows,
        delimiter="\t",
        encoding="utf-16-le",
        preamble=("Campaign report", "August 31, 2026 - September 1, 2026"),
    )
    r = loaded(con, data, "Campaign report.csv")
    assert (r.profile, r.platform, r.rows_loaded, r.rows_summary) == ("google_ads", "google_ads", 3, 2)
    assert facts(
        con, r.batch_id, "campaign, date, currency, impressions, clicks, spend, conversions, revenue"
    ) == [
        ("Brand search", D(2026, 8, 31), "USD", 1234.0, 56.0, 49.84, 3.0, 120.0),
        ("Brand search", D(2026, 9, 1), "USD", 2000.0, 40.0, 40.0, 0.0, 0.0),
        ("Generic", D(2026, 9, 1), "USD", 10500.0, 105.0, 52.5, None, None),
    ]
    assert (r.date_min, r.date_max) == (D(2026, 8, 31), D(2026, 9, 1))


def test_linkedin_report_start_preamble_and_us_dates(con):
    header = [
        "Start Date (in UTC)",
        "Campaign Group Name",
        "Campaign Name",
        "Currency",
        "Total Spent",
        "Impressions",
        "Clicks",
        "Reactions",
        "Comments",
        "Shares",
        "Follows",
        "Leads",
    ]
    rows = [
        ["9/1/2026", "Awareness", "CN launch", "USD", "10.50", "1,000", "5", "3", "1", "0", "2", "1"],
        ["9/12/2026", "Awareness", "CN launch", "USD", "11.25", "1,100", "6", "4", "0", "1", "0", "0"],
    ]
    pre = (
        '"Campaign Performance Report (in UTC)"',
        '"Report Start: 9/1/2026, 12:00 AM"',
        '"Report End: 9/12/2026, 11:59 PM"',
        '"Date Generated: 9/13/2026, 8:00 AM"',
        "",
    )
    r = loaded(con, csv_bytes(header, rows, preamble=pre), "campaign_performance.csv")
    assert r.profile == "linkedin_campaigns"
    assert facts(
        con,
        r.batch_id,
        "date, campaign, ad_group, spend, impressions, likes, comments, shares, follows, "
        "conversions, currency",
    ) == [
        (D(2026, 9, 1), "Awareness", "CN launch", 10.5, 1000.0, 3.0, 1.0, 0.0, 2.0, 1.0, "USD"),
        (D(2026, 9, 12), "Awareness", "CN launch", 11.25, 1100.0, 4.0, 0.0, 1.0, 0.0, 0.0, "USD"),
    ]


def test_douyin_creator_xlsx_preamble_gives_the_snapshot_date(con):
    data = xlsx_bytes(
        [
            ["数据时间：2026-08-31 至 2026-09-06"],
            [],
            ["作品名称", "发布时间", "体裁", "播放量", "点赞量", "分享量", "评论量", "收藏量", "粉丝增量"],
            ["修护精华实测", "2026-09-01 20:00", "视频", "1.2万", "800", "20", "30", "40", "12"],
            ["防晒怎么选", "2026-09-03 12:30", "图文", "5,600", "300", "5", "8", "60", "3"],
        ]
    )
    r = loaded(con, data, "作品数据.xlsx")
    assert r.profile == "douyin_creator_works" and r.as_of == D(2026, 9, 6)
    assert ("ingest.note_as_of.preamble", {"date": "2026-09-06"}) in r.notes
    got = facts(
        con,
        r.batch_id,
        "content_title, date, published_at, content_type, views, likes, saves, follows, first_snapshot",
    )
    assert got == [
        ("修护精华实测", D(2026, 9, 6), T(2026, 9, 1, 20, 0), "video", 12000.0, 800.0, 40.0, 12.0, True),
        ("防晒怎么选", D(2026, 9, 6), T(2026, 9, 3, 12, 30), "image_text", 5600.0, 300.0, 60.0, 3.0, True),
    ]


# ------------------------------------------------------------------------------------------ summary rows


def test_meta_total_row_first_with_empty_names_is_not_data(con):
    header = [
        "Reporting starts",
        "Reporting ends",
        "Campaign name",
        "Ad set name",
        "Ad name",
        "Day",
        "Amount spent (USD)",
        "Impressions",
        "Reach",
        "Link clicks",
        "Purchases",
        "Purchases conversion value",
    ]
    rows = [
        ["2026-09-01", "2026-09-02", "", "", "", "", "30.00", "3,000", "2,100", "30", "3", "90.00"],
        [
            "2026-09-01",
            "2026-09-02",
            "Serum",
            "Women 25-34",
            "Reel A",
            "2026-09-01",
            "10.00",
            "1,000",
            "800",
            "10",
            "1",
            "30.00",
        ],
        [
            "2026-09-01",
            "2026-09-02",
            "Serum",
            "Women 25-34",
            "Reel A",
            "2026-09-02",
            "20.00",
            "2,000",
            "1,500",
            "20",
            "2",
            "60.00",
        ],
    ]
    r = loaded(con, csv_bytes(header, rows, bom=True), "Meta-Ads-Report.csv")
    assert (r.profile, r.rows_loaded, r.rows_summary) == ("meta_ads", 2, 1)
    assert facts(
        con,
        r.batch_id,
        "date, campaign, ad_group, ad, spend, impressions, reach, clicks, conversions, revenue, currency",
    ) == [
        (D(2026, 9, 1), "Serum", "Women 25-34", "Reel A", 10.0, 1000.0, 800.0, 10.0, 1.0, 30.0, "USD"),
        (D(2026, 9, 2), "Serum", "Women 25-34", "Reel A", 20.0, 2000.0, 1500.0, 20.0, 2.0, 60.0, "USD"),
    ]


def test_kuaishou_gb18030_total_row_on_top_under_the_header(con):
    header = [
        "数据日期",
        "计划名称",
        "花费（元）",
        "封面曝光数",
        "封面点击数",
        "行为数",
        "点赞数",
        "评论数",
        "分享数",
        "新增关注数",
    ]
    rows = [
        ["合计", "", "3,300.00", "33,000", "330", "33", "30", "3", "3", "9"],
        ["2026-09-01", "磁力-精华", "1,100.00", "11,000", "110", "11", "10", "1", "1", "3"],
        ["2026-09-02", "磁力-精华", "2,200.00", "22,000", "220", "22", "20", "2", "2", "6"],
    ]
    r = loaded(con, csv_bytes(header, rows, encoding="gb18030"), "快手报表.csv")
    assert (r.profile, r.currency, r.rows_loaded, r.rows_summary) == ("kuaishou_ads", "CNY", 2, 1)
    assert con.execute(
        "SELECT sum(spend), sum(impressions), sum(follows) FROM fact_active WHERE batch_id = ?", [r.batch_id]
    ).fetchall() == [(3300.0, 33000.0, 9.0)]


@pytest.mark.parametrize("label", ["合计", "总计", "Total", "Totals", "Grand total", "汇总"])
def test_total_row_at_the_bottom_is_excluded(con, label):
    r = loaded(
        con,
        generic(
            ["weibo", "2026-03-02", "a", "100", "1000", "10", ""],
            ["weibo", "2026-03-03", "a", "50", "500", "5", ""],
            [label, "", "", "150", "1500", "15", ""],
        ),
    )
    assert (r.rows_loaded, r.rows_summary) == (2, 1)
    assert facts(con, r.batch_id, "date, spend") == [(D(2026, 3, 2), 100.0), (D(2026, 3, 3), 50.0)]


def test_subtotal_rows_with_an_empty_date_are_not_counted_twice(con):
    r = loaded(
        con,
        generic(
            ["weibo", "2026-03-02", "a", "100", "1000", "10", ""],
            ["weibo", "2026-03-03", "a", "50", "500", "5", ""],
            ["weibo", "", "a", "150", "1500", "15", ""],
            ["weibo", "2026-03-02", "b", "7", "70", "1", ""],
            ["weibo", "", "b", "7", "70", "1", ""],
            ["小计", "", "", "157", "1570", "16", ""],
        ),
    )
    assert (r.rows_loaded, r.rows_summary, r.rows_rejected) == (3, 3, 0)
    assert con.execute(
        "SELECT sum(spend), sum(impressions) FROM fact_active WHERE batch_id = ?", [r.batch_id]
    ).fetchall() == [(157.0, 1570.0)]


def test_youtube_total_row_first_is_excluded(con):
    header = [
        "Video",
        "Video title",
        "Video publish time",
        "Comments added",
        "Shares",
        "Likes",
        "Subscribers",
        "Video views",
        "Watch time (hours)",
        "Impressions",
        "Duration",
    ]
    rows = [
        ["Total", "", "", "15", "7", "120", "9", "3,000", "250.5", "40,000", ""],
        [
            "vid1",
            "How I learn",
            "08-05-2020",
            "10",
            "5",
            "100",
            "10",
            "2,000",
            "200.25",
            "30,000",
            "00:03:25",
        ],
        ["vid2", "Stream", "7-16-2020", "5", "2", "20", "-1", "1,000", "50.25", "10,000", "1:02:03"],
    ]
    r = loaded(con, csv_bytes(header, rows, bom=True), "Table data.csv", as_of=D(2020, 12, 31))
    assert (r.profile, r.rows_loaded, r.rows_summary) == ("youtube_studio_content", 2, 1)
    assert facts(
        con, r.batch_id, "content_id, published_at, views, likes, comments, follows, watch_hours"
    ) == [
        ("vid1", T(2020, 8, 5), 2000.0, 100.0, 10.0, 10.0, 200.25),
        ("vid2", T(2020, 7, 16), 1000.0, 20.0, 5.0, -1.0, 50.25),
    ]


# ------------------------------------------------------------------------------------ two-level headers


def test_oceanengine_xlsx_two_level_header_is_flattened_and_mapped(con):
    data = xlsx_bytes(
        [
            ["日期", "账户", "广告组", "广告计划", "展现数据", None, None, None, "转化数据", None],
            [None, None, None, None, "消耗", "展示数", "点击数", "点击率", "转化数", "转化成本"],
            [D(2026, 9, 1), "澄研", "精华", "精华-A", 1200.5, 50000, 1000, "2.00%", 20, 60.03],
            [D(2026, 9, 2), "澄研", "精华", "精华-A", "1,300.25", "5.1万", "1,020", "2.00%", 21, 61.92],
            ["合计", None, None, None, 2500.75, 101000, 2020, "2.00%", 41, 61.0],
        ],
        merges=("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:J1"),
    )
    r = loaded(con, data, "巨量引擎报表.xlsx")
    assert r.profile == "oceanengine_ads"
    assert "展现数据-展示数" in r.headers and "转化数据-转化数" in r.headers
    assert (r.rows_loaded, r.rows_summary) == (2, 1)
    assert facts(
        con, r.batch_id, "date, account, campaign, ad_group, spend, impressions, clicks, conversions"
    ) == [
        (D(2026, 9, 1), "澄研", "精华", "精华-A", 1200.5, 50000.0, 1000.0, 20.0),
        (D(2026, 9, 2), "澄研", "精华", "精华-A", 1300.25, 51000.0, 1020.0, 21.0),
    ]


# -------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "cell, value, flag",
    [
        ("1,234,567", 1_234_567.0, None),
        ("¥1,234", 1234.0, None),
        ("￥88", 88.0, None),
        ("$12.50", 12.5, None),
        ("CNY 300", 300.0, None),
        ("1.2万", 12_000.0, None),
        ("3亿", 3e8, None),
        ("2.3w", 23_000.0, None),
        ("2.3W", 23_000.0, None),
        ("3.3k", 3_300.0, None),
        ("475.8m", 475_800_000.0, None),
        ("29.0b", 29e9, None),
        ("10万+", 100_000.0, "impressions:lower_bound"),
        ("--", None, None),
        ("-", None, None),
        ("", None, None),
        ("N/A", None, None),
        ("<5", None, "impressions:masked"),
        ("12.5%", 0.125, None),
    ],
)
def test_number_notations(con, cell, value, flag):
    r = loaded(con, generic(["weibo", "2026-03-02", "a", "1", cell, "", ""]))
    assert facts(con, r.batch_id, "impressions, flags") == [(value, flag)]


def test_parentheses_negative_is_kept_for_follows(con):
    r = loaded(
        con,
        generic(
            ["weibo", "2026-03-02", "a", "1", "100", "1", "(12)"],
            ["weibo", "2026-03-03", "a", "1", "100", "1", "（3）"],
        ),
    )
    assert facts(con, r.batch_id, "follows") == [(-12.0,), (-3.0,)]


@pytest.mark.parametrize("field, col", [("spend", 3), ("impressions", 4), ("clicks", 5)])
def test_parentheses_negative_is_rejected_for_other_metrics(con, field, col):
    row = ["weibo", "2026-03-02", "a", "1", "", "", ""]
    row[col] = "(12.00)"
    r = rejected(con, generic(["weibo", "2026-03-01", "a", "1", "100", "1", ""], row), code="negative")
    assert [(e["row"], e["column"], e["code"]) for e in r.errors] == [(3, field, "negative")]


def test_text_in_a_number_column_is_rejected_naming_row_and_column(con):
    r = rejected(
        con,
        generic(
            ["weibo", "2026-03-02", "a", "1", "100", "1", ""],
            ["weibo", "2026-03-03", "a", "twelve", "100", "1", ""],
        ),
        code="not_a_number",
    )
    assert (r.errors[0]["row"], r.errors[0]["column"], r.errors[0]["value"]) == (3, "spend", "twelve")


def test_qianchuan_gb18030_wan_values_and_thousands(con):
    header = [
        "日期",
        "计划名称",
        "消耗",
        "展示数",
        "点击数",
        "点击率",
        "转化数",
        "成交订单数",
        "成交订单金额",
        "支付ROI",
    ]
    rows = [
        [
            "2026/08/31",
            "千川-精华",
            "6,011.21",
            "15.39万",
            "2,493",
            "1.62%",
            "101",
            "97",
            "22,363.75",
            "3.72",
        ],
        ["2026/09/01", "千川-精华", "987.00", "98,765", "1,600", "1.62%", "64", "60", "13,572.00", "13.75"],
    ]
    r = loaded(con, csv_bytes(header, rows, encoding="gb18030"), "千川.csv")
    assert (r.profile, r.currency) == ("qianchuan_ads", "CNY")
    assert facts(
        con, r.batch_id, "date, campaign, spend, impressions, clicks, conversions, orders, revenue"
    ) == [
        (D(2026, 8, 31), "千川-精华", 6011.21, 153_900.0, 2493.0, 101.0, 97.0, 22363.75),
        (D(2026, 9, 1), "千川-精华", 987.0, 98_765.0, 1600.0, 64.0, 60.0, 13572.0),
    ]


QIANCHUAN_BY_PLAN = ["计划名称", "消耗", "展示数", "点击数", "成交订单数", "成交订单金额", "支付ROI", "新增关注数",
                     "点赞数", "评论数", "分享数"]   # the 千川 header list: a report summed over a period
QIANCHUAN_BY_PLAN_ROWS = [
    ["千川-精华", "6,011.21", "15.39万", "2,493", "97", "22,363.75", "3.72", "35", "210", "12", "8"],
    ["千川-防晒", "987.00", "98,765", "1,600", "60", "13,572.00", "13.75", "5", "40", "2", "1"],
    ["合计", "6,998.21", "25.27万", "4,093", "157", "35,935.75", "5.13", "40", "250", "14", "9"],
]


@pytest.mark.parametrize(("name", "opts", "date", "note"), [
    ("千川计划数据_2026-11-16_2026-11-22.csv", {}, D(2026, 11, 22), "ingest.note_undated.filename"),
    ("千川计划数据.csv", {"as_of": D(2026, 11, 29)}, D(2026, 11, 29), "ingest.note_undated.user"),
])
def test_a_qianchuan_report_with_no_date_column_is_dated_one_day_and_says_where_from(con, name, opts, date, note):
    """千川's report by plan over a period has no 日期 column: it is recognised (it went to the mapping step), every
    row dated the period's last day, from the file name or the date given."""
    raw = [dict(zip(QIANCHUAN_BY_PLAN, r, strict=True)) for r in QIANCHUAN_BY_PLAN_ROWS if r[0] != "合计"]
    r = loaded(con, csv_bytes(QIANCHUAN_BY_PLAN, QIANCHUAN_BY_PLAN_ROWS, encoding="gb18030"), name, **opts)
    assert (r.profile, r.rows_loaded, r.rows_summary) == ("qianchuan_ads", 2, 1)
    assert (note, {"date": date.isoformat()}) in r.notes

    def num(v: str) -> float:
        v = v.replace(",", "")
        return round(float(v[:-1]) * 10_000 if v.endswith("万") else float(v), 6)

    want = sorted((date, x["计划名称"], num(x["消耗"]), num(x["展示数"]), num(x["点击数"]), num(x["成交订单数"]),
                   num(x["成交订单金额"]), num(x["新增关注数"]), num(x["点赞数"])) for x in raw)
    got = facts(con, r.batch_id, "date, campaign, spend, impressions, clicks, orders, revenue, follows, likes")
    assert sorted((*g[:2], *(round(v, 6) for v in g[2:])) for g in got) == want
    words = i18n.t(note, "en", date=date.isoformat())
    assert "no date column" in words and date.isoformat() in words


GADS_NO_DAY = ["Campaign", "Campaign status", "Impr.", "Clicks", "CTR", "Currency code", "Avg. CPC", "Cost",
               "Conversions", "Cost / conv.", "Conv. value"]
GADS_NO_DAY_ROWS = [
    ["Brand Search", "Enabled", "12,345", "678", "5.49%", "USD", "0.45", "305.10", "34.00", "8.97", "2,040.00"],
    ["Generic Search", "Enabled", "45,000", "1,200", "2.67%", "USD", "0.60", "720.00", "40.00", "18.00", "3,100.00"],
    ["Total: Account", "", "57,345", "1,878", "3.28%", "USD", "0.55", "1,025.10", "74.00", "13.85", "5,140.00"],
    ["Total: Search", "", "57,345", "1,878", "3.28%", "USD", "0.55", "1,025.10", "74.00", "13.85", "5,140.00"],
]


@pytest.mark.parametrize("range_line", ["November 16, 2026 - November 22, 2026", "Nov 16, 2026 - Nov 22, 2026"])
def test_a_google_ads_report_without_the_day_segment_is_the_weeks_figures(con, range_line):
    """Google Ads' campaign report as it downloads by default has no Day column, only the date-range line above the
    header (a comma CSV splits it into cells: `November 16` | ` 2026 - November 22` | ` 2026`). It was not
    recognised; now each campaign's figures are the period's, dated its last day, the period kept."""
    r = loaded(con, csv_bytes(GADS_NO_DAY, GADS_NO_DAY_ROWS, preamble=("Campaign report", range_line)),
               "Campaign report.csv")
    assert (r.profile, r.rows_loaded, r.rows_summary) == ("google_ads", 2, 2)
    assert ("ingest.note_undated.preamble", {"date": "2026-11-22"}) in r.notes
    assert (r.date_min, r.date_max) == (D(2026, 11, 16), D(2026, 11, 22))      # the report and history: the period
    got = facts(con, r.batch_id, "campaign, date, period_start, period_end, currency, impressions, clicks, spend, "
                                 "conversions, revenue")
    want = [(x[0], D(2026, 11, 22), D(2026, 11, 16), D(2026, 11, 22), "USD", *(float(x[k].replace(",", ""))
             for k in (2, 3, 7, 8, 10))) for x in GADS_NO_DAY_ROWS if not x[0].startswith("Total")]
    assert got == want


TIKTOK_NO_DAY = ["Campaign name", "Cost", "Impressions", "Clicks (Destination)", "Conversions", "Currency"]
TIKTOK_NO_DAY_ROWS = [["Spring", "22.5", "1,900", "38", "1", "USD"], ["Autumn", "5", "100", "2", "0", "USD"]]


def test_a_report_with_no_date_column_and_no_period_is_refused_until_its_day_is_given(con):
    """Dated the day it is uploaded, a week's report downloaded on Monday would count in the new week: with no date
    column, no date-range line and no date in its name, the file is refused and the report asks for the day."""
    data = csv_bytes(TIKTOK_NO_DAY, TIKTOK_NO_DAY_ROWS)
    r = rejected(con, data, "tiktok_campaigns.csv", code="undated_no_period")
    assert (r.profile, r.status) == ("tiktok_ads", "rejected")
    for lang in ("zh", "en"):
        words = i18n.error_text(r.errors[0], lang, r.file)
        assert words.startswith("tiktok_campaigns.csv") and "2026-11-16_2026-11-22" in words
    r = loaded(con, data, "tiktok_campaigns.csv", as_of=D(2026, 11, 22))
    assert ("ingest.note_undated.user", {"date": "2026-11-22"}) in r.notes
    assert sorted(facts(con, r.batch_id, "campaign, date, period_start, spend, impressions")) == [
        ("Autumn", D(2026, 11, 22), None, 5.0, 100.0), ("Spring", D(2026, 11, 22), None, 22.5, 1900.0)]
    # a period given keeps the period (the same bytes for another week are another load, not the same file again)
    r = loaded(con, data, "tiktok_campaigns.csv", period=(D(2026, 11, 23), D(2026, 11, 29)))
    assert sorted(facts(con, r.batch_id, "campaign, date, period_start, period_end")) == [
        ("Autumn", D(2026, 11, 29), D(2026, 11, 23), D(2026, 11, 29)),
        ("Spring", D(2026, 11, 29), D(2026, 11, 23), D(2026, 11, 29))]


TIKTOK_DAILY = ["Campaign name", "Date", "Cost", "Impressions", "Currency"]


def test_a_summary_and_the_days_it_sums_are_both_counted_and_the_load_says_so(con):
    """A week's TikTok report by day, then the same week summed (no date column): their rows have different keys
    (seven dates against one, and a summary's is its own even on the last day, which it would replace), so neither
    replaces the other and the totals count the week twice. Which to keep is the user's call: each load names the
    rows and the other batch, either way round; items or days that do not meet are not named. A summary of the same
    week again (a corrected export) replaces the first."""
    daily = [["Spring", f"2026-11-{d}", "10", "100", "USD"] for d in range(16, 23)]
    daily += [["Autumn", "2026-11-17", "3", "30", "USD"]]
    d1 = loaded(con, csv_bytes(TIKTOK_DAILY, daily), "tiktok_daily.csv")
    assert not [n for n, _ in d1.notes if n in ingest.WARNING_NOTES]
    week = csv_bytes(TIKTOK_NO_DAY[:3] + ["Currency"], [["Spring", "70", "700", "USD"], ["Winter", "1", "10", "USD"]])
    s = loaded(con, week, "tiktok_week_2026-11-16_2026-11-22.csv")
    assert ("ingest.note_summary_overlap", {"rows": 1, "batches": f"#{d1.batch_id}"}) in s.notes   # Spring only
    # both counted (as the note says)
    assert con.execute("SELECT sum(spend) FROM fact_active WHERE campaign = 'Spring'").fetchall() == [(140.0,)]
    # the next week's days meet no summary; a day of the summed week, for an item the summary holds, does
    nxt = loaded(con, csv_bytes(TIKTOK_DAILY, [["Spring", "2026-11-23", "5", "50", "USD"]]), "tiktok_next.csv")
    assert not [n for n, _ in nxt.notes if n in ingest.WARNING_NOTES]
    mid = loaded(con, csv_bytes(TIKTOK_DAILY, [["Winter", "2026-11-18", "1", "5", "USD"],
                                               ["Summer", "2026-11-18", "1", "5", "USD"]]), "tiktok_mid.csv")
    assert ("ingest.note_summary_overlap", {"rows": 1, "batches": f"#{s.batch_id}"}) in mid.notes
    # stored with the batch, in words in either language
    [(stored,)] = con.execute("SELECT notes FROM load_batches WHERE batch_id = ?", [mid.batch_id]).fetchall()
    assert "ingest.note_summary_overlap" in stored
    assert i18n.t("ingest.note_summary_overlap", "en", rows=1, batches="#2").startswith("1 row of this file covers")
    fixed = loaded(con, week.replace(b"70", b"75"), "tiktok_week_2026-11-16_2026-11-22 (1).csv")
    assert fixed.rows_superseded == 2
    assert con.execute("SELECT sum(spend) FROM fact_active WHERE campaign = 'Spring'").fetchall() == [(70 + 75 + 5.0,)]
    # once the summaries are deleted (the first comes back as the second goes), nothing overlaps any more
    assert ingest.delete_batch(con, fixed.batch_id) and ingest.delete_batch(con, s.batch_id)
    again = loaded(con, csv_bytes(TIKTOK_DAILY, [["Winter", "2026-11-19", "1", "5", "USD"]]), "tiktok_mid2.csv")
    assert not [n for n, _ in again.notes if n in ingest.WARNING_NOTES]


def test_another_formats_summary_of_the_same_names_is_not_an_overlap(con):
    """Google Ads and TikTok campaigns of one name are different items: only the same format is compared."""
    loaded(con, csv_bytes(TIKTOK_DAILY, [["Spring", "2026-11-18", "10", "100", "USD"]]), "tiktok_daily.csv")
    r = loaded(con, csv_bytes(GADS_NO_DAY, [["Spring", "Enabled", "100", "5", "5%", "USD", "1", "5", "1", "5", "9"]],
                              preamble=("Campaign report", "November 16, 2026 - November 22, 2026")), "gads.csv")
    assert not [n for n, _ in r.notes if n in ingest.WARNING_NOTES]


@pytest.mark.parametrize("dates", [["2026-11-16", "2026-11-17"], ["11/16/2026", "11/17/2026"], ["Nov 16", "Nov 17"]])
def test_a_date_column_under_a_header_no_profile_knows_is_not_summed_into_one_day(con, dates):
    """A TikTok report whose date column is headed `Stat Date` (no profile knows it) is not taken for a report with no
    date column (its days summed into one): it goes to the mapping step, which suggests that column as the date."""
    header = ["Campaign name", "Stat Date", "Cost", "Impressions", "Clicks (Destination)", "Currency"]
    rows = [["Spring", dates[0], "12.5", "1,000", "20", "USD"], ["Spring", dates[1], "10.0", "900", "18", "USD"],
            ["Total", "", "22.5", "1,900", "38", "USD"]]
    r = load(con, csv_bytes(header, rows), "tiktok_2026-11-16_2026-11-22.csv")
    assert r.status == "unrecognised" and r.batch_id is None
    assert mapping.suggest(r.headers, r.preview).columns.get(1) == "date"


def test_a_column_of_plain_numbers_is_not_taken_for_dates(con):
    """Ids and counts read as Excel serials or yyyymmdd would pass for dates: an undated report with a column of
    them (here an unmapped `Campaign ID`) still loads as one."""
    header = ["Campaign ID", *TIKTOK_NO_DAY]
    rows = [["20261116", *TIKTOK_NO_DAY_ROWS[0]], ["45000", *TIKTOK_NO_DAY_ROWS[1]]]
    r = loaded(con, csv_bytes(header, rows), "tiktok_2026-11-22.csv")
    assert r.profile == "tiktok_ads" and r.rows_loaded == 2


def test_wechat_10wan_plus_reads_are_a_flagged_lower_bound(con):
    data = xlsx_bytes(
        [
            ["标题", "发布时间", "送达人数", "图文阅读人数", "图文阅读次数", "分享次数", "收藏人数", "点赞"],
            ["双11攻略", "2026-11-01 20:00", "500000", "10万+", "10万+", "3,000", "800", "2,000"],
            ["日常护肤", "2026-11-02 20:00", "500000", "8,000", "9,500", "30", "8", "20"],
        ]
    )
    r = loaded(con, data, "wechat_articles_2026-11-08.xlsx")
    assert r.profile == "wechat_articles" and r.as_of == D(2026, 11, 8)
    assert facts(con, r.batch_id, "content_title, views, shares, flags") == [
        ("双11攻略", 100_000.0, 3000.0, "views:lower_bound"),
        ("日常护肤", 9500.0, 30.0, None),
    ]
    assert con.execute(
        "SELECT views, flags FROM snapshots WHERE batch_id = ? ORDER BY src_row", [r.batch_id]
    ).fetchall() == [(100_000.0, "views:lower_bound"), (9500.0, None)]


def test_clicks_greater_than_impressions_is_rejected(con):
    r = rejected(
        con, generic(["weibo", "2026-03-02", "a", "1", "100", "101", ""]), code="clicks_gt_impressions"
    )
    assert r.errors[0]["row"] == 2
    # the sentence names the file's clicks column and its value, as every other problem does
    from smm import i18n

    assert i18n.error_text(r.errors[0], "en", "w.csv") == "w.csv: row 2, column 'clicks': clicks 101 exceed impressions"
    assert i18n.error_text(r.errors[0], "zh", "w.csv") == "w.csv：第 2 行「clicks」列：点击数 101 大于展示数"


# ------------------------------------------------------------------------------------------- durations


@pytest.mark.parametrize("cell", ["00:03:25", "3:25", "1:02:03", "3分25秒", "205"])
def test_durations_are_accepted(con, cell):
    header = ["Video", "Video title", "Video publish time", "Video views", "Duration"]
    r = loaded(
        con, csv_bytes(header, [["v1", "t", "Mar 5, 2026", "10", cell]]), "yt.csv", as_of=D(2026, 3, 8)
    )
    assert facts(con, r.batch_id, "content_id, views") == [("v1", 10.0)]


def test_a_value_that_is_not_a_duration_is_rejected(con):
    header = ["Video", "Video title", "Video publish time", "Video views", "Duration"]
    r = rejected(
        con,
        csv_bytes(header, [["v1", "t", "Mar 5, 2026", "10", "three minutes"]]),
        "yt.csv",
        as_of=D(2026, 3, 8),
        code="not_a_duration",
    )
    assert (r.errors[0]["row"], r.errors[0]["column"]) == (2, "Duration")


# ----------------------------------------------------------------------------------------------- dates

SERIAL = (D(2026, 3, 11) - D(1899, 12, 30)).days


def test_every_unambiguous_date_form(con):
    r = loaded(
        con,
        generic(
            *[
                ["weibo", d, f"c{i}", "1", "10", "1", ""]
                for i, d in enumerate(
                    [
                        "2026-03-05",
                        "2026/03/06",
                        "2026年3月7日",
                        "2026.03.08",
                        "20260309",
                        "2026-03-10 23:59:59",
                        str(SERIAL),
                        "Mar 12, 2026",
                        "13 March 2026",
                        "2026-03-14T10:00:00+0000",
                    ]
                )
            ]
        ),
    )
    assert [d for (d,) in facts(con, r.batch_id, "date")] == [D(2026, 3, d) for d in range(5, 15)]


def test_excel_date_cells_in_xlsx(con):
    header = ["By Day", "Campaign name", "Cost", "Impressions", "Clicks (destination)", "Currency"]
    data = xlsx_bytes(
        [header, [D(2026, 9, 1), "TT", 10.5, 1000, 10, "USD"], [T(2026, 9, 2), "TT", 11.5, 1100, 11, "USD"]]
    )
    r = loaded(con, data, "tiktok.xlsx")
    assert r.profile == "tiktok_ads"
    assert facts(con, r.batch_id, "date, spend, currency") == [
        (D(2026, 9, 1), 10.5, "USD"),
        (D(2026, 9, 2), 11.5, "USD"),
    ]


@pytest.mark.parametrize("cell", ["03/05/2026", "13/05/2026", "5-3-2026"])
def test_day_month_forms_are_never_guessed_in_a_year_first_export(con, cell):
    r = rejected(
        con,
        generic(["weibo", "2026-03-02", "a", "1", "10", "1", ""], ["weibo", cell, "a", "1", "10", "1", ""]),
        code="bad_date",
    )
    assert (r.errors[0]["row"], r.errors[0]["column"], r.errors[0]["value"]) == (3, "date", cell)


def test_us_dates_are_read_month_first_only_where_the_profile_says_so(con):
    header = [
        "Start Date (in UTC)",
        "Campaign Group Name",
        "Campaign Name",
        "Currency",
        "Total Spent",
        "Impressions",
    ]
    r = loaded(
        con,
        csv_bytes(
            header, [["03/05/2026", "G", "C", "USD", "1", "10"], ["12/1/2026", "G", "C", "USD", "2", "20"]]
        ),
        "linkedin.csv",
    )
    assert [d for (d,) in facts(con, r.batch_id, "date")] == [D(2026, 3, 5), D(2026, 12, 1)]


def test_meta_post_publish_time_is_month_first(con):
    header = ["Post ID", "Publish time", "Post type", "Date", "Views", "Reach", "Likes"]
    r = loaded(
        con,
        csv_bytes(
            header, [["17900000000000001", "09/12/2026 19:42", "IG reel", "Lifetime", "100", "80", "7"]]
        ),
        "meta_post_insights_2026-09-13.csv",
    )
    assert facts(con, r.batch_id, "content_id, published_at, content_type, date") == [
        ("17900000000000001", T(2026, 9, 12, 19, 42), "video", D(2026, 9, 13))
    ]


def test_dates_out_of_range_are_rejected(con):
    r = rejected(
        con,
        generic(
            ["weibo", "1999-12-31", "a", "1", "10", "1", ""], ["weibo", "2031-01-01", "a", "1", "10", "1", ""]
        ),
        code="date_out_of_range",
    )
    assert [e["row"] for e in r.errors] == [2, 3]


# ------------------------------------------------------------------------------------ dates without year

STUDIO = ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]


def test_dates_without_year_take_the_year_of_the_file_name_range_and_say_so(con):
    data = csv_bytes(
        STUDIO, [["August 31", "100", "5", "10", "1", "0"], ["September 1", "200", "6", "20", "2", "1"]]
    )
    r = loaded(con, data, "tiktok_studio_overview_2026-08-31_2026-09-01.csv")
    assert facts(con, r.batch_id, "date, views, likes") == [
        (D(2026, 8, 31), 100.0, 10.0),
        (D(2026, 9, 1), 200.0, 20.0),
    ]
    assert ("ingest.note_year.filename", {"rows": 2, "date": "2026-09-01"}) in r.notes


def test_dates_without_year_take_the_year_of_the_preamble_range(con):
    data = csv_bytes(
        STUDIO,
        [["Aug 31", "100", "5", "10", "1", "0"], ["Sep 1", "200", "6", "20", "2", "1"]],
        preamble=("Overview 2025-08-25 ~ 2025-09-07",),
    )
    r = loaded(con, data, "Overview.csv")
    assert [d for (d,) in facts(con, r.batch_id, "date")] == [D(2025, 8, 31), D(2025, 9, 1)]
    assert ("ingest.note_year.preamble", {"rows": 2, "date": "2025-09-07"}) in r.notes


def test_dates_without_year_across_new_year_use_the_upload_as_of(con):
    data = csv_bytes(
        STUDIO,
        [
            ["December 31", "100", "5", "10", "1", "0"],
            ["January 1", "200", "6", "20", "2", "1"],
            ["08-06", "300", "6", "30", "3", "1"],
        ],
    )
    r = loaded(con, data, "Overview.csv", as_of=D(2027, 1, 5))
    assert [d for (d,) in facts(con, r.batch_id, "date")] == [D(2026, 12, 31), D(2027, 1, 1), D(2026, 8, 6)]
    assert ("ingest.note_year.user", {"rows": 3, "date": "2027-01-05"}) in r.notes


def test_dates_with_a_year_need_no_year_note(con):
    r = loaded(con, csv_bytes(STUDIO, [["2026-08-31", "100", "5", "10", "1", "0"]]), "Overview.csv")
    assert not [c for c in note_codes(r) if c.startswith("ingest.note_year")]


# ------------------------------------------------------------------------------------------ timestamps


def test_timestamps_with_utc_offsets_are_stored_in_utc(con):
    header = [
        "Tweet id",
        "Tweet permalink",
        "Tweet text",
        "time",
        "impressions",
        "engagements",
        "retweets",
        "replies",
        "likes",
        "url clicks",
    ]
    rows = [
        ["111", "https://x.com/a/111", "hello", "2026-03-05 14:02 +0000", "1000", "50", "5", "6", "7", "8"],
        ["112", "https://x.com/a/112", "late", "2026-03-05 23:30 -0500", "2000", "60", "1", "2", "3", "4"],
        ["113", "https://x.com/a/113", "cn", "2026-03-05T22:00:00+08:00", "3000", "70", "1", "2", "3", "4"],
    ]
    r = loaded(con, csv_bytes(header, rows), "tweet_activity_2026-03-08.csv")
    assert r.profile == "x_tweet_activity" and r.as_of == D(2026, 3, 8)
    assert facts(con, r.batch_id, "content_id, published_at, impressions, shares, comments, clicks") == [
        ("111", T(2026, 3, 5, 14, 2), 1000.0, 5.0, 6.0, 8.0),
        ("112", T(2026, 3, 6, 4, 30), 2000.0, 1.0, 2.0, 4.0),
        ("113", T(2026, 3, 5, 14, 0), 3000.0, 1.0, 2.0, 4.0),
    ]


# -------------------------------------------------------------------------------------------- currency


def test_currency_from_the_money_header_overrides_the_profile_default(con):
    header = ["Campaign name", "Day", "Amount spent (EUR)", "Impressions"]
    r = loaded(con, csv_bytes(header, [["EU", "2026-09-01", "12.00", "100"]]), "meta.csv")
    assert (r.profile, r.currency) == ("meta_ads", "EUR")
    assert facts(con, r.batch_id, "currency, spend") == [("EUR", 12.0)]


def test_currency_from_a_header_with_full_width_brackets(con):
    header = ["Campaign name", "Day", "花费金额（元）", "展示次数"]
    r = loaded(con, csv_bytes(header, [["CN", "2026-09-01", "1,200.00", "1000"]]), "meta_zh.csv")
    assert (r.profile, r.currency) == ("meta_ads", "CNY")
    r2 = loaded(
        con,
        csv_bytes(["平台", "日期", "花费（美元）", "曝光"], [["weibo", "2026-09-01", "5", "50"]]),
        "t.csv",
    )
    assert (r2.profile, r2.currency) == ("generic_facts", "USD")
    assert facts(con, r2.batch_id, "currency, spend") == [("USD", 5.0)]


def test_currency_from_a_header_code_with_no_currency_column(con):
    header = [
        "Campaign name",
        "Ad Group Name",
        "Ad Name",
        "Date",
        "Cost (IDR)",
        "Impression",
        "Clicks (Destination)",
    ]
    r = loaded(con, csv_bytes(header, [["C", "G", "A", "2023-10-23", "5779", "493", "3"]]), "tt.csv")
    assert (r.profile, r.currency) == ("tiktok_ads", "IDR")
    assert facts(con, r.batch_id, "currency, spend") == [("IDR", 5779.0)]


def test_currency_column_per_row(con):
    header = ["Campaign", "Day", "Currency code", "Impr.", "Clicks", "Cost"]
    r = loaded(
        con,
        csv_bytes(
            header,
            [
                ["US", "2026-09-01", "USD", "100", "1", "1.00"],
                ["EU", "2026-09-01", "eur", "200", "2", "2.00"],
            ],
        ),
        "ga.csv",
    )
    assert facts(con, r.batch_id, "campaign, currency, spend") == [("US", "USD", 1.0), ("EU", "EUR", 2.0)]


def test_no_currency_anywhere_is_taken_as_cny_and_said(con):
    r = loaded(con, generic(["weibo", "2026-03-02", "a", "1", "10", "1", ""]))
    assert facts(con, r.batch_id, "currency") == [("CNY",)]
    assert ("note.currency_assumed", {"currency": "CNY"}) in r.notes


# ------------------------------------------------------------------------------------- row validation


def test_unknown_content_type_and_missing_keys_are_rejected(con):
    header = ["platform", "date", "campaign", "content_type", "spend", "impressions"]
    r = rejected(
        con,
        csv_bytes(
            header,
            [
                ["weibo", "2026-03-02", "a", "video", "1", "10"],
                ["weibo", "2026-03-03", "a", "hologram", "1", "10"],
                ["", "2026-03-04", "a", "video", "1", "10"],
            ],
        ),
    )
    assert {(e["row"], e["column"], e["code"]) for e in r.errors} == {
        (3, "content_type", "unknown_content_type"),
        (4, "platform", "missing_key"),
    }
    assert r.rows_rejected == 2


def test_load_valid_rows_loads_exactly_the_valid_rows_and_offers_the_rejected_ones(con):
    data = generic(
        ["weibo", "2026-03-01", "a", "10", "100", "1", ""],
        ["weibo", "2026-03-02", "a", "-5", "100", "1", ""],
        ["weibo", "2026-03-03", "a", "30", "100", "1", ""],
        ["weibo", "2026-03-04", "a", "40", "x", "1", ""],
        ["weibo", "2026-03-05", "a", "50", "100", "1", ""],
    )
    r0 = rejected(con, data)
    assert r0.rows_rejected == 2 and r0.rejected_csv
    r = loaded(con, data, on_invalid="load_valid")
    assert (r.rows_loaded, r.rows_rejected) == (3, 2)
    assert facts(con, r.batch_id, "date, spend") == [
        (D(2026, 3, 1), 10.0),
        (D(2026, 3, 3), 30.0),
        (D(2026, 3, 5), 50.0),
    ]
    out = list(csv.DictReader(io.StringIO(r.rejected_csv.decode("utf-8-sig"))))
    assert [(o["row"], o["date"], o["spend"], o["impressions"]) for o in out] == [
        ("3", "2026-03-02", "-5", "100"),
        ("5", "2026-03-04", "40", "x"),
    ]
    assert out[0]["reason"] == "spend: negative value" and out[1]["reason"] == "impressions: not a number"


@pytest.mark.parametrize("slice_lines", [200_000, 1, 2, 3])
def test_the_rejected_rows_csv_holds_each_bad_row_as_the_file_had_it_safe_for_a_spreadsheet(con, monkeypatch,
                                                                                           slice_lines):
    """Line number, every cell as written (a formula behind an apostrophe, a plain number as it is, a line break
    kept inside its quoted cell) and the reasons; UTF-8 with BOM and CRLF rows, as every export. Written in
    slices of lines (to bound the sort's memory), it is the same file whatever the slice."""
    monkeypatch.setattr(ingest, "_REJECTED_SLICE", slice_lines)
    header = ["platform", "date", "=HYPERLINK(\"x\")", "spend", "impressions", "clicks", "row"]
    cmd = "=cmd|' /C calc'!A0"
    data = csv_bytes(header, [
        ["weibo", "2026-03-01", cmd, "-5", "100", "1", "a"],
        ["weibo", "2026-03-02", "two\r\nlines", "10", "x", "1", "-"],
        ["weibo", "2026-03-03", "ok", "10", "100", "1", "+1.5e3"],
        ["weibo", "2026-03-04", "@SUM(A1)", "-2.50", "100", "200", "-inf"],
    ])
    r = rejected(con, data, "bad.csv", profile_id="generic_facts")
    raw = r.rejected_csv
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "").replace("two\r\nlines", "")
    col = "'=HYPERLINK(\"x\")"
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["row", "platform", "date", col, "spend", "impressions", "clicks", "row", "reason"],
        ["2", "weibo", "2026-03-01", "'" + cmd, "-5", "100", "1", "a", "spend: negative value"],
        ["3", "weibo", "2026-03-02", "two\r\nlines", "10", "x", "1", "'-", "impressions: not a number"],
        # the line the row starts on: the cell above spans two
        ["6", "weibo", "2026-03-04", "'@SUM(A1)", "-2.50", "100", "200", "'-inf",
         "spend: negative value; clicks: clicks exceed impressions"],
    ]
    # In Chinese: the line and reason headers and the reasons, in the user's words.
    zh = rejected(con, data, "bad.csv", profile_id="generic_facts", lang="zh").rejected_csv.decode("utf-8-sig")
    zh_rows = list(csv.reader(io.StringIO(zh, newline="")))
    assert zh_rows[0][0] == "行号" and zh_rows[0][-1] == "原因"
    assert [r[-1] for r in zh_rows[1:]] == ["spend：负数", "impressions：不是数字", "spend：负数；clicks：点击数大于展示数"]
    assert [r[:-1] for r in zh_rows[1:]] == [r[:-1] for r in list(csv.reader(io.StringIO(text, newline="")))[1:]]


def test_a_rejected_file_leaves_the_store_unchanged(sample_con):
    # rejected() compares store.table_fingerprint before and after on the loaded sample store
    rejected(sample_con, generic(["weibo", "2026-03-02", "a", "-1", "10", "1", ""]), code="negative")
    rejected(sample_con, b"\x89PNG\r\n\x1a\n" + bytes(64), "chart.csv", code="not_tabular")
    rejected(sample_con, b"foo,bar\n1,2\n", "mystery.csv", code="unrecognised")
    rejected(sample_con, b"platform,date,spend\n", "empty.csv", code="no_data_rows")


# ------------------------------------------------------------------------------------------ idempotency


def _sums(con) -> tuple:
    return con.execute(
        "SELECT count(*), sum(spend), sum(impressions), sum(clicks) FROM fact_active"
    ).fetchall()[0]


def test_the_same_file_twice_is_already_loaded_and_changes_nothing(sample_con):
    data = generic(["weibo", "2026-03-02", "a", "1", "10", "1", ""])
    first = loaded(sample_con, data, "w1.csv")
    before = store.table_fingerprint(sample_con)
    again = load(sample_con, data, "renamed copy.csv")
    assert (again.status, again.batch_id, again.profile) == (
        "already_loaded",
        first.batch_id,
        "generic_facts",
    )
    assert store.table_fingerprint(sample_con) == before


class _Statements:
    """A connection that records the SQL run through it (readers and ingest take it as their connection)."""

    def __init__(self, con) -> None:
        self._con, self.sql = con, []

    def execute(self, q, *args, **kwargs):
        self.sql.append(q)
        return self._con.execute(q, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize("hashed", ["aside", "at_once"])
@pytest.mark.parametrize("kind", ["csv", "gb18030", "xlsx"])
def test_a_file_loaded_before_is_known_before_duckdb_reads_a_row_of_it(con, monkeypatch, hashed, kind):
    """A large file is hashed on a thread while its layout is found: the check that the same bytes are loaded
    already still comes before any row is read, so sending a file again costs no read."""
    monkeypatch.setattr(ingest, "_HASH_ASIDE_BYTES", 0 if hashed == "aside" else 1 << 40)
    rows = [["weibo", f"2026-03-{d:02d}", "计划" if kind == "gb18030" else "a", d, 100 * d, d, ""]
            for d in range(1, 29)]
    data = (xlsx_bytes([GENERIC, *rows]) if kind == "xlsx"
            else csv_bytes(GENERIC, rows, encoding="gb18030" if kind == "gb18030" else "utf-8"))
    first, steps = loaded(con, data, "w.csv" if kind != "xlsx" else "w.xlsx"), []
    before = store.table_fingerprint(con)
    watched = _Statements(con)
    again = ingest.ingest_bytes(watched, data, "copy", on_step=steps.append)
    assert (again.status, again.batch_id, steps) == ("already_loaded", first.batch_id, [])
    assert not [q for q in watched.sql if "read_csv" in q or "INSERT" in q], watched.sql
    assert store.table_fingerprint(con) == before
    # and a file not loaded yet is read, with the digest of its own bytes
    other = data.replace(b"2026", b"2025") if kind != "xlsx" else xlsx_bytes([GENERIC, *rows[:-1]])
    r = ingest.ingest_bytes(watched, other, "other", LoadOptions(today=TODAY), on_step=steps.append)
    assert (r.status, steps) == ("loaded", ["read", "check", "write"])
    assert con.execute("SELECT sha256 FROM load_batches WHERE batch_id = ?", [r.batch_id]).fetchall() == [
        (hashlib.sha256(other).hexdigest(),)]


def test_an_overlapping_export_replaces_the_overlap_and_delete_revives_it(con):
    week1 = generic(*[["weibo", f"2026-03-0{d}", "a", str(d), str(100 * d), "1", ""] for d in range(1, 8)])
    r1 = loaded(con, week1, "w1.csv")
    after_week1 = _sums(con)
    # The next download repeats 03-05..03-07 with corrected figures and adds 03-08..03-09.
    week2 = generic(
        *[["weibo", f"2026-03-0{d}", "a", str(10 * d), str(1000 * d), "2", ""] for d in range(5, 10)]
    )
    r2 = loaded(con, week2, "w2.csv")
    assert r2.rows_superseded == 3
    spend = dict(con.execute("SELECT date, spend FROM fact_active").fetchall())
    assert spend == {
        **{D(2026, 3, d): float(d) for d in range(1, 5)},
        **{D(2026, 3, d): 10.0 * d for d in range(5, 10)},
    }
    assert _sums(con) == (
        9,
        float(1 + 2 + 3 + 4 + 10 * (5 + 6 + 7 + 8 + 9)),
        float(100 * 10 + 1000 * 35),
        float(4 + 2 * 5),
    )
    assert ingest.delete_batch(con, r2.batch_id)
    assert _sums(con) == after_week1
    assert facts(con, r1.batch_id, "date") == [(D(2026, 3, d),) for d in range(1, 8)]
    assert con.execute("SELECT status FROM load_batches WHERE batch_id = ?", [r2.batch_id]).fetchall() == [
        ("deleted",)
    ]


def test_rows_of_one_key_in_one_file_are_summed_into_one_row_and_replaced_together(con):
    # An export split by a dimension we do not keep (here: the rows repeat platform, date and campaign).
    r1 = loaded(
        con,
        generic(
            ["weibo", "2026-03-02", "a", "1.5", "100", "3", ""],
            ["weibo", "2026-03-03", "a", "7", "50", "1", ""],
            ["weibo", "2026-03-02", "a", "2", "10万+", "4", ""],
        ),
        "split.csv",
    )
    assert (r1.rows_loaded, r1.rows_merged) == (3, 1)
    # the report (and the load history) says that 3 rows read became 2 rows stored
    merged = ("ingest.note_merged", {"rows": 1, "stored": 2})
    assert merged in r1.notes
    [(stored_notes,)] = con.execute("SELECT notes FROM load_batches WHERE batch_id = ?", [r1.batch_id]).fetchall()
    assert stored_notes.endswith(f"; {merged[0]}:{merged[1]}")   # after the currency note
    text = i18n.t(merged[0], "en", **merged[1])
    assert text.startswith("1 row was summed into another row") and text.endswith("2 rows stored")
    assert facts(con, r1.batch_id, "src_row, date, spend, impressions, clicks, flags") == [
        (2, D(2026, 3, 2), 3.5, 100100.0, 7.0, "impressions:lower_bound"),
        (3, D(2026, 3, 3), 7.0, 50.0, 1.0, None),
    ]
    r2 = loaded(con, generic(["weibo", "2026-03-02", "a", "9", "900", "9", ""]), "fix.csv")
    assert (r2.rows_superseded, r2.rows_merged) == (1, 0) and not [n for n in r2.notes if n[0] == merged[0]]
    assert _sums(con) == (2, 16.0, 950.0, 10.0)
    assert ingest.delete_batch(con, r2.batch_id)
    assert _sums(con) == (2, 10.5, 100150.0, 8.0)


def test_delete_batch_removes_exactly_its_rows_from_the_sample_store(sample_con):
    before = store.table_fingerprint(sample_con)
    r = loaded(sample_con, generic(["weibo", "2026-03-02", "new", "123.45", "1000", "9", "3"]), "extra.csv")
    assert store.table_fingerprint(sample_con) != before
    assert ingest.delete_batch(sample_con, r.batch_id)
    after = store.table_fingerprint(sample_con)
    assert {t: v for t, v in after.items() if t != "load_batches"} == {
        t: v for t, v in before.items() if t != "load_batches"
    }
    # and the same file can be loaded again once its batch is deleted
    assert loaded(
        sample_con, generic(["weibo", "2026-03-02", "new", "123.45", "1000", "9", "3"]), "x.csv"
    ).batch_id


def test_deleting_the_middle_of_three_overlapping_exports(con):
    rows = {1: (1, 2), 2: (2, 3), 3: (3, 4)}  # export n covers days n and n+1 with spend 10*n
    batches = {}
    for n, days in rows.items():
        batches[n] = loaded(
            con,
            generic(*[["weibo", f"2026-03-0{d}", "a", str(10 * n), "100", "1", ""] for d in days]),
            f"e{n}.csv",
        ).batch_id
    assert dict(con.execute("SELECT date, spend FROM fact_active").fetchall()) == {
        D(2026, 3, 1): 10.0,
        D(2026, 3, 2): 20.0,
        D(2026, 3, 3): 30.0,
        D(2026, 3, 4): 30.0,
    }
    ingest.delete_batch(con, batches[2])
    assert dict(con.execute("SELECT date, spend FROM fact_active").fetchall()) == {
        D(2026, 3, 1): 10.0,
        D(2026, 3, 2): 10.0,
        D(2026, 3, 3): 30.0,
        D(2026, 3, 4): 30.0,
    }
    ingest.delete_batch(con, batches[3])
    assert dict(con.execute("SELECT date, spend FROM fact_active").fetchall()) == {
        D(2026, 3, 1): 10.0,
        D(2026, 3, 2): 10.0,
    }


def _stored_in(con, batch: int) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t} WHERE batch_id = ?", [batch]).fetchall()[0][0]  # noqa: S608
            for t in ("fact_wide", "fact_narrow")}


def test_a_plain_ads_export_is_stored_narrow_and_replaces_and_revives_rows_stored_wide(con):
    """A file that fills only the columns of a plain paid-ads report goes to fact_narrow; one that fills any other
    column to fact_wide. An export of the same rows replaces the other's rows across the two tables, and deleting
    it revives them; `fact` reads both as one table."""
    ads = ["platform", "date", "campaign", "ad", "spend", "impressions", "clicks", "conversions"]
    social = [*ads, "likes"]
    days = range(2, 6)
    r1 = loaded(con, csv_bytes(social, [["douyin", f"2026-03-0{d}", "c", "a", d, 100 * d, d, 1, 7] for d in days]),
                "with_likes.csv")
    assert _stored_in(con, r1.batch_id) == {"fact_wide": 4, "fact_narrow": 0}
    # the next export repeats 03-04 and 03-05 without the likes column, and adds 03-06
    r2 = loaded(con, csv_bytes(ads, [["douyin", f"2026-03-0{d}", "c", "a", 10 * d, 1000 * d, 2 * d, 3]
                                     for d in (4, 5, 6)]), "plain.csv")
    assert _stored_in(con, r2.batch_id) == {"fact_wide": 0, "fact_narrow": 3}
    assert r2.rows_superseded == 2
    assert facts(con, r2.batch_id, "date, spend, impressions, clicks, conversions, likes, content_id, "
                                   "from_snapshot, first_snapshot") == [
        (D(2026, 3, d), 10.0 * d, 1000.0 * d, 2.0 * d, 3.0, None, None, False, False) for d in (4, 5, 6)]
    active = "SELECT date, spend, likes FROM fact_active ORDER BY date"
    assert con.execute(active).fetchall() == [
        (D(2026, 3, 2), 2.0, 7.0), (D(2026, 3, 3), 3.0, 7.0),
        *[(D(2026, 3, d), 10.0 * d, None) for d in (4, 5, 6)]]
    # and a wide export replaces narrow rows in turn
    r3 = loaded(con, csv_bytes(social, [["douyin", "2026-03-06", "c", "a", 99, 990, 9, 1, 5]]), "fix.csv")
    assert (r3.rows_superseded, _stored_in(con, r3.batch_id)) == (1, {"fact_wide": 1, "fact_narrow": 0})
    assert con.execute("SELECT count(*), sum(spend), sum(likes) FROM fact_active").fetchall() == [
        (5, 2.0 + 3 + 40 + 50 + 99, 7.0 + 7 + 5)]
    # the rollup agrees with the rows it sums, and the load history with what it stored
    assert con.execute("SELECT sum(spend), sum(likes), sum(n_rows) FROM fact_daily").fetchall() == [
        (2.0 + 3 + 40 + 50 + 99, 19.0, 5)]
    assert con.execute("SELECT date_min, date_max FROM load_batches WHERE batch_id = ?",
                       [r2.batch_id]).fetchall() == [(D(2026, 3, 4), D(2026, 3, 6))]
    assert ingest.delete_batch(con, r2.batch_id)        # revives r1's wide rows of 03-04 and 03-05
    assert con.execute(active).fetchall() == [
        *[(D(2026, 3, d), float(d), 7.0) for d in days], (D(2026, 3, 6), 99.0, 5.0)]
    assert ingest.delete_batch(con, r3.batch_id)
    assert con.execute(active).fetchall() == [(D(2026, 3, d), float(d), 7.0) for d in days]
    assert con.execute("SELECT count(*) FROM fact_narrow").fetchall() == [(0,)]


def test_fact_is_the_two_fact_tables_read_as_one_with_every_column_in_order(con):
    from smm.schema import FACT_NARROW_COLUMNS

    def columns(t: str) -> list[tuple[str, str]]:
        return con.execute("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                           "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position", [t]).fetchall()

    wide, narrow = columns("fact_wide"), columns("fact_narrow")
    assert [c[:2] for c in columns("fact")] == [c[:2] for c in wide]
    assert [c for c, _, _ in narrow] == list(FACT_NARROW_COLUMNS)
    assert set(narrow) < set(wide)       # the same columns, of the same types, NULL allowed in the same ones


def test_every_reason_a_row_is_rejected_for_has_words_in_both_languages():
    """ROW_ERROR_CODES (the words of the report and the rejected-rows CSV) holds every code the staging SQL
    can give a row: each `err(…, "code")` and the missing-key check in smm/ingest.py."""
    import ast
    import inspect
    import re

    src = inspect.getsource(ingest)
    emitted = {node.args[-1].value for node in ast.walk(ast.parse(src))
               if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "err"
               and isinstance(node.args[-1], ast.Constant)}
    emitted |= set(re.findall(r"'code': '([a-z_]+)'", src))
    assert emitted and emitted == set(ingest.ROW_ERROR_CODES), emitted ^ set(ingest.ROW_ERROR_CODES)
    for code in ingest.ROW_ERROR_CODES:
        zh, en = i18n.t(f"why.{code}", "zh"), i18n.t(f"why.{code}", "en")
        assert zh != en and code not in (zh, en)


def test_a_load_tells_each_step_as_it_starts(con):
    """on_step (the Data page's progress text for a large file): read, check, write, in order; a file that stops
    early tells only the steps it reached."""
    good = generic(["weibo", "2026-03-01", "a", "10", "100", "1", ""])
    steps: list[str] = []
    loaded(con, good, "steps.csv", on_step=steps.append)
    assert steps == list(ingest.LOAD_STEPS) == ["read", "check", "write"]
    steps.clear()
    assert ingest.ingest_bytes(con, good, "steps.csv", on_step=steps.append).status == "already_loaded"
    assert steps == []
    rejected(con, generic(["weibo", "2026-03-02", "a", "-1", "100", "1", ""]), "bad.csv", on_step=steps.append)
    assert steps == ["read", "check"]
    steps.clear()
    rejected(con, b"\x89PNG\r\n\x1a\n" + bytes(64), "chart.csv", on_step=steps.append)
    assert steps == ["read"]


def _optimizer_on(con) -> bool:
    return con.execute("SELECT value FROM duckdb_settings() WHERE name = 'enable_optimizer'").fetchall()[0][0] == "true"


def test_the_staging_statement_runs_unoptimised_and_leaves_the_optimizer_on(con, monkeypatch, cells_path):
    """The staging statement skips DuckDB's optimiser, in either form (a small file's planning is most of the
    statement's time, and a large file's runs no slower); every other statement keeps it, and so does the
    connection after the load, even when staging fails."""
    seen = []
    real = ingest._execute

    def spy(c, q, sql):
        if q.startswith("CREATE OR REPLACE TEMP TABLE stg_"):
            seen.append(_optimizer_on(c))
        return real(c, q, sql)

    monkeypatch.setattr(ingest, "_execute", spy)
    data = generic(["douyin", "2026-03-01", "A", "10", "100", "5", "1"], ["douyin", "2026-03-02", "A", "11", "120", "6", "0"])
    assert loaded(con, data).rows_loaded == 2
    assert seen == [False]                       # off while staging, whichever form (cells_path)
    assert _optimizer_on(con)

    def fail(c, q, sql):
        if q.startswith("CREATE OR REPLACE TEMP TABLE stg_"):
            raise RuntimeError("staging failed")
        return real(c, q, sql)

    monkeypatch.setattr(ingest, "_execute", fail)
    with pytest.raises(RuntimeError, match="staging failed"):
        load(con, generic(["douyin", "2026-03-03", "B", "12", "130", "7", "2"]), "other.csv")
    assert _optimizer_on(con)
