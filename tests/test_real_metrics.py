"""Real public exports (../shared/data/real): per-campaign CTR, CPC, CPM, CPA and ROAS from smm equal an
independent pandas computation from the raw CSV."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from conftest import real_dir

from smm.ingest import LoadOptions, ingest_file
from smm.metrics import Settings, compute
from smm.queries import Filters

D = dt.date
TODAY = D(2026, 11, 23)


def close(got, want) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got is not None and math.isclose(float(got), float(want), rel_tol=1e-9)


def ratio(n: float, d: float, scale: float = 1.0) -> float | None:
    return None if d == 0 else n * scale / d


def per_campaign(df: pd.DataFrame, campaign: str, spend: str, imps: str, clicks: str, conv: str,
                 revenue: str | None) -> dict[str, dict[str, float | None]]:
    """CTR, CPC, CPM, CPA, ROAS per campaign from raw columns (sums first, then ratios)."""
    out = {}
    for c, g in df.groupby(campaign):
        s, i, k, v = g[spend].sum(), g[imps].sum(), g[clicks].sum(), g[conv].sum()
        out[str(c)] = {"ctr": ratio(k, i), "cpc": ratio(s, k), "cpm": ratio(s, i, 1000), "cpa": ratio(s, v),
                       "roas": ratio(g[revenue].sum(), s) if revenue else None}
    return out


def check(con, f: Filters, want: dict) -> None:
    got = compute(con, f, Settings(), by=("campaign",)).set_index("campaign")
    assert sorted(got.index) == sorted(want)
    for c, metrics in want.items():
        for mid, w in metrics.items():
            g = got.loc[c, mid]
            assert close(None if pd.isna(g) else float(g), w), (c, mid, g, w)


def test_kag_facebook_ads_per_campaign(con):
    path = real_dir() / "KAG_conversion_data.csv"
    r = ingest_file(con, path, LoadOptions(profile_id="kaggle_fb_ad_conversions",
                                           period=(D(2017, 8, 1), D(2017, 8, 31)), today=TODAY))
    assert r.status == "loaded", r.errors[:3]
    raw = pd.read_csv(path)
    want = per_campaign(raw, "xyz_campaign_id", "Spent", "Impressions", "Clicks", "Total_Conversion", None)
    assert len(want) == 3
    check(con, Filters(D(2017, 8, 1), D(2017, 8, 31), currency="USD"), want)
    # In CNY every money ratio scales by the rate; CTR does not.
    cny = compute(con, Filters(currency="CNY"), by=("campaign",)).set_index("campaign")
    assert close(cny.loc["1178", "cpa"], want["1178"]["cpa"] * 7.10)
    assert close(cny.loc["1178", "ctr"], want["1178"]["ctr"])


def test_tiktok_idr_ads_per_campaign(con):
    path = real_dir() / "tiktok_ads_export_idr_ads_1.csv"
    r = ingest_file(con, path, LoadOptions(today=TODAY))
    assert (r.status, r.profile) == ("loaded", "tiktok_ads"), r.errors[:3]
    raw = pd.read_csv(path)
    want = per_campaign(raw, "Campaign name", "Cost", "Impression", "Clicks (Destination)", "Conversions", None)
    check(con, Filters(currency="IDR"), want)
    # A campaign with no conversion has an undefined CPA, never 0 or inf.
    zero = [c for c, g in raw.groupby("Campaign name") if g["Conversions"].sum() == 0]
    for c in zero:
        assert want[c]["cpa"] is None


def test_youtube_studio_per_video(con):
    path = real_dir() / "youtube_studio_Aggregated_Metrics_By_Video.csv"
    r = ingest_file(con, path, LoadOptions(as_of=D(2022, 1, 31), today=TODAY))
    assert (r.status, r.profile) == ("loaded", "youtube_studio_content"), r.errors[:3]
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw = raw[raw["Video"] != "Total"]
    got = compute(con, Filters(currency="USD"), Settings(er_base="views"), by=("content_id",)).set_index("content_id")
    assert len(got) == raw["Video"].nunique()
    for _, row in raw.sample(25, random_state=1).iterrows():
        g = got.loc[row["Video"]]
        inter = row["Likes"] + row["Comments added"] + row["Shares"]
        assert close(g["er"], ratio(inter, row["Video views"])), row["Video"]
        assert close(g["exposure"], row["Impressions"])                  # impressions first, views only without
        for mid in ("ctr", "cpc", "cpm", "cpa", "roas"):                  # no clicks, spend or sales in this export
            assert pd.isna(g[mid]), mid
    total = compute(con, Filters(), Settings(er_base="views"))
    inter = (raw["Likes"] + raw["Comments added"] + raw["Shares"]).sum()
    assert close(total["er"].iloc[0], inter / raw["Video views"].sum())


@pytest.mark.parametrize("name", ["KAG_conversion_data.csv", "tiktok_ads_export_idr_ads_1.csv"])
def test_rollup_and_base_rows_agree_on_real_exports(con, name):
    path = real_dir() / name
    opts = LoadOptions(period=(D(2017, 8, 1), D(2017, 8, 31)), today=TODAY,
                       profile_id="kaggle_fb_ad_conversions" if name.startswith("KAG") else None)
    assert ingest_file(con, path, opts).status == "loaded"
    for by in (("campaign",), ("week",), ()):
        a = compute(con, Filters(currency="USD"), by=by, source="fact")
        b = compute(con, Filters(currency="USD"), by=by, source="rollup")
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)
