"""Every real public export in shared/data/real/ loads with totals equal to an independent pandas computation.

The expected numbers are computed here from the raw files with pandas and simple explicit converters; the
header → field choices are written out here too (not read from the profiles), so a wrong profile fails.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from conftest import real_dir
from ingestkit import TODAY

from smm.ingest import LoadOptions, ingest_file

D = dt.date


def close(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def assert_sums(got: dict, want: dict) -> None:
    bad = {k: (got.get(k), want[k]) for k in want if not close(got.get(k), want[k])}
    assert not bad, bad


def batch_sums(con, table: str, batch: int, cols: list[str]) -> dict:
    row = con.execute(
        f"SELECT {', '.join(f'sum({c})' for c in cols)}, count(*) FROM {table} "  # noqa: S608
        "WHERE batch_id = ?",
        [batch],
    ).fetchall()[0]
    return {**dict(zip(cols, row[:-1], strict=True)), "rows": row[-1]}


def active_sums(con, cols: list[str]) -> dict:
    row = con.execute(f"SELECT {', '.join(f'sum({c})' for c in cols)} FROM fact_active").fetchall()[0]  # noqa: S608
    return dict(zip(cols, row, strict=True))


def suffix_number(s) -> float:
    """3.3k → 3300, 475.8m → 4.758e8, 29.0b → 2.9e10 (the Instagram list's notation)."""
    if not isinstance(s, str) or not s.strip():
        return math.nan
    s = s.strip().lower()
    mult = {"k": 1e3, "m": 1e6, "b": 1e9}.get(s[-1], 1.0)
    return float(s[:-1] if s[-1] in "kmb" else s) * mult


def test_kaggle_facebook_ad_conversions(con):
    path = real_dir() / "KAG_conversion_data.csv"
    df = pd.read_csv(path)
    r = ingest_file(con, path, LoadOptions(period=(D(2017, 8, 1), D(2017, 8, 31)), today=TODAY))
    assert (r.status, r.profile, r.platform, r.currency) == (
        "loaded",
        "kaggle_fb_ad_conversions",
        "meta",
        "USD",
    )
    assert (r.rows_loaded, r.rows_rejected, r.rows_summary) == (len(df), 0, 0)
    want = {
        "impressions": df["Impressions"].sum(),
        "clicks": df["Clicks"].sum(),
        "spend": df["Spent"].sum(),
        "conversions": df["Total_Conversion"].sum(),
        "rows": len(df.drop_duplicates(["xyz_campaign_id", "fb_campaign_id", "ad_id"])),
    }
    assert_sums(batch_sums(con, "fact", r.batch_id, ["impressions", "clicks", "spend", "conversions"]), want)
    # undated: every row carries the stated period
    assert con.execute(
        "SELECT DISTINCT date, period_start, period_end, currency FROM fact_active"
    ).fetchall() == [(D(2017, 8, 31), D(2017, 8, 1), D(2017, 8, 31), "USD")]
    per_campaign = df.groupby(df["xyz_campaign_id"].astype(str))["Spent"].sum().to_dict()
    got = dict(con.execute("SELECT campaign, sum(spend) FROM fact_active GROUP BY 1").fetchall())
    assert got.keys() == per_campaign.keys()
    assert all(close(got[k], per_campaign[k]) for k in got)


def test_uci_facebook_page_posts(con):
    path = real_dir() / "dataset_Facebook.csv"
    df = pd.read_csv(path)
    r = ingest_file(con, path, LoadOptions(as_of=D(2014, 12, 31), today=TODAY))
    assert (r.status, r.profile, r.kind, r.as_of) == (
        "loaded",
        "uci_facebook_page_posts",
        "snapshot",
        D(2014, 12, 31),
    )
    cols = {
        "impressions": "Lifetime Post Total Impressions",
        "reach": "Lifetime Post Total Reach",
        "comments": "comment",
        "likes": "like",
        "shares": "share",
    }
    want = {k: df[c].sum() for k, c in cols.items()}
    # one snapshot row per post (500 posts, none merged), and the first snapshot counts whole
    assert_sums(batch_sums(con, "snapshots", r.batch_id, list(cols)), {**want, "rows": len(df)})
    assert_sums(active_sums(con, list(cols)), want)
    ctype = {"Photo": "image_text", "Status": "other", "Link": "other", "Video": "video"}
    by_type = df.groupby(df["Type"].map(ctype))["Lifetime Post Total Impressions"].sum().to_dict()
    got = dict(con.execute("SELECT content_type, sum(impressions) FROM fact_active GROUP BY 1").fetchall())
    assert got == {k: float(v) for k, v in by_type.items()}


def test_tiktok_ads_idr_daily_export(con):
    path = real_dir() / "tiktok_ads_export_idr_ads_1.csv"
    df = pd.read_csv(path)
    r = ingest_file(con, path, LoadOptions(today=TODAY))
    assert (r.status, r.profile, r.platform) == ("loaded", "tiktok_ads", "tiktok")
    assert (r.rows_loaded, r.rows_rejected, r.rows_summary) == (len(df), 0, 0)
    dates = pd.to_datetime(df["Date"], format="%Y-%m-%d").dt.date
    assert (r.date_min, r.date_max) == (dates.min(), dates.max())
    want = {
        "spend": df["Cost"].sum(),
        "impressions": df["Impression"].sum(),
        "clicks": df["Clicks (Destination)"].sum(),
        "conversions": df["Conversions"].sum(),
        "rows": len(df),
    }
    assert_sums(batch_sums(con, "fact", r.batch_id, ["spend", "impressions", "clicks", "conversions"]), want)
    assert con.execute("SELECT DISTINCT currency FROM fact_active").fetchall() == [("IDR",)]
    by_day = df.groupby(dates)["Cost"].sum()
    got = dict(con.execute("SELECT date, sum(spend) FROM fact_active GROUP BY 1").fetchall())
    assert got == {d: float(v) for d, v in by_day.items()}


def test_top_instagram_influencers_as_a_kol_roster(con):
    path = real_dir() / "top_insta_influencers_data.csv"
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    r = ingest_file(con, path, LoadOptions(as_of=D(2022, 7, 1), today=TODAY))
    assert (r.status, r.profile, r.kind) == ("loaded", "kol_roster_instagram_top", "kol_roster")
    assert (r.rows_loaded, r.rows_rejected) == (len(df), 0)
    want = {
        "followers": df["followers"].map(suffix_number).sum(),
        "posts": df["posts"].map(suffix_number).sum(),
        "rows": df["channel_info"].nunique(),
    }
    assert_sums(batch_sums(con, "kol_roster", r.batch_id, ["followers", "posts"]), want)
    top = df.iloc[0]
    got = con.execute(
        "SELECT platform, followers, posts, as_of FROM kol_roster_active WHERE kol = ?", [top["channel_info"]]
    ).fetchall()
    assert got == [("meta", suffix_number(top["followers"]), suffix_number(top["posts"]), D(2022, 7, 1))]


def test_youtube_studio_content_table(con):
    path = real_dir() / "youtube_studio_Aggregated_Metrics_By_Video.csv"
    raw = pd.read_csv(path, encoding="utf-8-sig")
    df = raw[raw["Video"] != "Total"]
    assert len(raw) - len(df) == 1
    r = ingest_file(con, path, LoadOptions(as_of=D(2022, 1, 31), today=TODAY))
    assert (r.status, r.profile, r.kind) == ("loaded", "youtube_studio_content", "snapshot")
    assert (r.rows_loaded, r.rows_rejected, r.rows_summary) == (len(df), 0, 1)
    cols = {
        "views": "Video views",
        "impressions": "Impressions",
        "likes": "Likes",
        "comments": "Comments added",
        "shares": "Shares",
        "follows": "Subscribers",
        "watch_hours": "Watch time (hours)",
    }
    want = {k: df[c].sum() for k, c in cols.items()}
    assert_sums(batch_sums(con, "snapshots", r.batch_id, list(cols)), {**want, "rows": df["Video"].nunique()})
    assert_sums(active_sums(con, list(cols)), want)
    published = pd.to_datetime(df["Video publish time"], format="%m-%d-%Y")
    got = con.execute("SELECT min(published_at), max(published_at) FROM snapshots").fetchall()[0]
    assert got == (published.min().to_pydatetime(), published.max().to_pydatetime())
    # net subscribers can be negative: kept, not rejected
    assert (df["Subscribers"] < 0).any()
    assert con.execute("SELECT count(*) FROM snapshots WHERE follows < 0").fetchall()[0][0] == int(
        (df["Subscribers"] < 0).sum()
    )


@pytest.mark.parametrize(
    "name",
    [
        "KAG_conversion_data.csv",
        "dataset_Facebook.csv",
        "tiktok_ads_export_idr_ads_1.csv",
        "top_insta_influencers_data.csv",
        "youtube_studio_Aggregated_Metrics_By_Video.csv",
    ],
)
def test_every_real_file_is_covered_and_reloading_it_is_idempotent(con, name):
    path = real_dir() / name
    opts = LoadOptions(as_of=D(2020, 12, 31), period=(D(2020, 12, 1), D(2020, 12, 31)), today=TODAY)
    first = ingest_file(con, path, opts)
    assert first.status == "loaded", first.errors[:3]
    again = ingest_file(con, path, opts)
    assert (again.status, again.batch_id) == ("already_loaded", first.batch_id)


def test_no_real_file_is_left_untested():
    tested = {
        "KAG_conversion_data.csv",
        "dataset_Facebook.csv",
        "tiktok_ads_export_idr_ads_1.csv",
        "top_insta_influencers_data.csv",
        "youtube_studio_Aggregated_Metrics_By_Video.csv",
    }
    present = {p.name for p in real_dir().iterdir() if p.suffix.lower() in (".csv", ".xlsx", ".tsv", ".txt")}
    assert present <= tested, f"new real files without a totals test: {sorted(present - tested)}"
