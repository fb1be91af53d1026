"""Every bundled sample file loads with totals equal to an independent computation over the raw file.

The reading rules here are written out per export family (encoding, where the header is, which rows are
totals, which header is which metric) and use pandas / calamine with a small number converter of their own.
The store is the one the app starts with: the sample loaded through smm.sample.load_sample.
"""

from __future__ import annotations

import io
import math
import shutil
from dataclasses import dataclass, field

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from smm import store
from smm.sample import sample_dir, sample_files

FILES = sample_files()


def num(v) -> float:
    """'6,011.21' → 6011.21, '15.39万' → 153900, '10万+' → 100000 (a lower bound), '--' / '' → NaN."""
    if v is None:
        return math.nan
    if isinstance(v, int | float):
        return float(v)
    s = str(v).strip().replace(",", "")
    if s in ("", "-", "--", "N/A"):
        return math.nan
    if s.endswith("+"):
        s = s[:-1]
    if s.endswith("万"):
        return float(s[:-1]) * 1e4
    return float(s)


@dataclass(frozen=True)
class Family:
    """How to read one export family by hand."""

    kind: str  # daily | snapshot | kol_roster | budget_plan | other_costs
    metrics: dict[str, str]  # canonical metric -> header in the file
    key: tuple[str, ...]  # headers that identify a row (daily) or a post (snapshot)
    encoding: str = "utf-8"
    sep: str = ","
    skip: int = 0  # lines above the header
    two_level: bool = False  # xlsx: a group row over the metric row
    total: str = "first"  # how a totals row shows: 'first' cell label, 'empty:<header>', none
    extra: dict = field(default_factory=dict)


FAMILIES: dict[str, Family] = {
    "oceanengine_ads": Family(
        "daily",
        {
            "spend": "展现数据-消耗",
            "impressions": "展现数据-展示数",
            "clicks": "展现数据-点击数",
            "conversions": "转化数据-转化数",
        },
        ("日期", "账户", "广告组", "广告计划"),
        two_level=True,
    ),
    "qianchuan_ads": Family(
        "daily",
        {
            "spend": "消耗",
            "impressions": "展示数",
            "clicks": "点击数",
            "conversions": "转化数",
            "orders": "成交订单数",
            "revenue": "成交订单金额",
            "follows": "新增关注数",
            "likes": "点赞数",
            "comments": "评论数",
            "shares": "分享数",
        },
        ("日期", "计划名称"),
        encoding="gb18030",
    ),
    "kuaishou_ads": Family(
        "daily",
        {
            "spend": "花费（元）",
            "impressions": "封面曝光数",
            "clicks": "封面点击数",
            "likes": "点赞数",
            "comments": "评论数",
            "shares": "分享数",
            "follows": "新增关注数",
            "conversions": "转化数",
        },
        ("数据日期", "计划名称"),
        encoding="gb18030",
    ),
    "meta_ads": Family(
        "daily",
        {
            "spend": "Amount spent (USD)",
            "impressions": "Impressions",
            "reach": "Reach",
            "clicks": "Link clicks",
            "conversions": "Purchases",
            "revenue": "Purchases conversion value",
        },
        ("Campaign name", "Ad set name", "Ad name", "Day"),
        encoding="utf-8-sig",
        total="empty:Campaign name",
    ),
    "tiktok_ads": Family(
        "daily",
        {
            "spend": "Cost",
            "impressions": "Impressions",
            "clicks": "Clicks (destination)",
            "conversions": "Conversions",
            "revenue": "Total purchase value",
        },
        ("Campaign name", "Ad group name", "Ad name", "By Day"),
    ),
    "google_ads": Family(
        "daily",
        {
            "impressions": "Impr.",
            "clicks": "Clicks",
            "spend": "Cost",
            "conversions": "Conversions",
            "revenue": "Conv. value",
        },
        ("Campaign", "Day"),
        encoding="utf-16",
        sep="\t",
        skip=2,
    ),
    "tiktok_studio_overview": Family(
        "daily",
        {"views": "Video Views", "likes": "Likes", "comments": "Comments", "shares": "Shares"},
        ("Date",),
    ),
    "generic_facts_weibo": Family(
        "daily",
        {"spend": "花费", "impressions": "曝光", "clicks": "点击", "conversions": "转化"},
        ("平台", "日期", "账户", "计划"),
        encoding="utf-8-sig",
    ),
    "generic_facts_xiaohongshu": Family(
        "daily",
        {
            "spend": "spend",
            "impressions": "impressions",
            "clicks": "clicks",
            "conversions": "conversions",
            "revenue": "revenue",
        },
        ("platform", "date", "account", "campaign", "ad_group"),
    ),
    "douyin_creator_works": Family(
        "snapshot",
        {
            "views": "播放量",
            "likes": "点赞量",
            "shares": "分享量",
            "comments": "评论量",
            "saves": "收藏量",
            "follows": "粉丝增量",
        },
        ("作品名称", "发布时间"),
        skip=1,
    ),
    "xingtu_orders": Family(
        "snapshot",
        {
            "views": "播放量",
            "likes": "点赞量",
            "comments": "评论量",
            "shares": "分享量",
            "saves": "收藏量",
            "impressions": "组件展示量",
            "clicks": "组件点击量",
            "conversions": "转化数",
            "revenue": "成交金额",
        },
        ("视频ID",),
        encoding="utf-8-sig",
    ),
    "xiaohongshu_notes": Family(
        "snapshot",
        {
            "impressions": "曝光",
            "views": "观看量",
            "likes": "点赞",
            "comments": "评论",
            "saves": "收藏",
            "follows": "涨粉",
            "shares": "分享",
        },
        ("笔记标题", "首次发布时间"),
    ),
    "pugongying_notes": Family(
        "snapshot",
        {
            "impressions": "曝光量",
            "views": "阅读量",
            "likes": "点赞数",
            "saves": "收藏数",
            "comments": "评论数",
            "shares": "分享数",
            "clicks": "进店访问",
            "conversions": "成交订单",
            "orders": "成交订单",
            "revenue": "成交金额",
        },
        ("笔记ID",),
        encoding="gb18030",
    ),
    "weibo_posts": Family(
        "snapshot",
        {"views": "阅读数", "shares": "转发数", "comments": "评论数", "likes": "点赞数"},
        ("微博ID",),
        encoding="gb18030",
    ),
    "wechat_articles": Family(
        "snapshot",
        {
            "reach": "送达人数",
            "views": "图文阅读次数",
            "shares": "分享次数",
            "saves": "收藏人数",
            "likes": "点赞",
            "comments": "留言",
        },
        ("标题", "发布时间"),
    ),
    "meta_post_insights": Family(
        "snapshot",
        {
            "views": "Views",
            "reach": "Reach",
            "likes": "Likes",
            "shares": "Shares",
            "follows": "Follows",
            "comments": "Comments",
            "saves": "Saves",
        },
        ("Post ID",),
        encoding="utf-8-sig",
    ),
    "kol_roster_zh": Family(
        "kol_roster",
        {"followers": "粉丝数", "fee": "合作费用", "posts": "篇数"},
        ("达人", "平台"),
        encoding="utf-8-sig",
    ),
    "kol_roster": Family(
        "kol_roster", {"followers": "followers", "fee": "fee", "posts": "posts"}, ("kol", "platform")
    ),
    "budget_plan_p3_zh": Family(
        "budget_plan", {"planned": "预算"}, ("开始日期", "平台", "类别"), encoding="utf-8-sig"
    ),
    "budget_plan": Family("budget_plan", {"planned": "planned"}, ("period_start", "platform", "category")),
    "other_costs_content_staff_zh": Family(
        "other_costs", {"amount": "金额"}, ("日期", "平台", "类别"), encoding="utf-8-sig"
    ),
    "other_costs_kol": Family("other_costs", {"amount": "amount"}, ("date", "platform", "kol", "note")),
}
TABLE = {
    "daily": "fact",
    "snapshot": "snapshots",
    "kol_roster": "kol_roster",
    "budget_plan": "budget_plan",
    "other_costs": "other_costs",
}


def family_of(name: str) -> str:
    """The longest family id that prefixes the file name (sample files are named after their format)."""
    ids = sorted(FAMILIES, key=len, reverse=True)
    base = next(i for i in ids if name.startswith(i + "_") or name.startswith(i + "."))
    zh = base + "_zh"
    return zh if name.rsplit(".", 1)[0].endswith("_zh") and zh in FAMILIES else base


def read_family(path, fam: Family) -> pd.DataFrame:
    """The file's data rows (totals rows dropped) as text, by hand."""
    if path.suffix == ".xlsx":
        rows = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())).get_sheet_by_index(0).to_python()
        rows = [["" if c is None else c for c in r] for r in rows[fam.skip :]]
        if fam.two_level:
            top, sub = rows[0], rows[1]
            names, group = [], ""
            for t, s in zip(top, sub, strict=True):
                if t:  # a group cell (merged across its metrics) or a header merged down over both rows
                    group = t if s else ""
                    names.append(f"{t}-{s}" if s else t)
                else:
                    names.append(f"{group}-{s}" if group else s)
            header, body = names, rows[2:]
        else:
            header, body = rows[0], rows[1:]
        df = pd.DataFrame(
            [r + [""] * (len(header) - len(r)) for r in body if any(str(c).strip() for c in r)],
            columns=[str(h).strip() for h in header],
        )
        for c in df.columns:
            df[c] = df[c].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    else:
        df = pd.read_csv(
            path, encoding=fam.encoding, sep=fam.sep, skiprows=fam.skip, dtype=str, keep_default_na=False
        )
    first = df.columns[0]
    if fam.total == "first":
        label = df[first].astype(str).str.strip()
        df = df[~(label.isin(["合计", "总计", "Total"]) | label.str.startswith("Total:"))]
    elif fam.total.startswith("empty:"):
        df = df[df[fam.total[6:]].astype(str).str.strip() != ""]
    return df.reset_index(drop=True)


def sums(df: pd.DataFrame, fam: Family) -> dict[str, float]:
    return {k: float(df[h].map(num).sum()) for k, h in fam.metrics.items()}


@pytest.fixture(scope="module")
def store_con(sample_db_master, tmp_path_factory):
    """The sample store exactly as the app's first start builds it (read-only copy for this module)."""
    path = tmp_path_factory.mktemp("sample_ro") / "s.duckdb"
    shutil.copy(sample_db_master, path)
    c = store.connect(path, read_only=True)
    yield c
    c.close()


def close(a, b) -> bool:
    return (a is None and (b is None or math.isnan(b))) or (
        a is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    )


def assert_sums(got: dict, want: dict, what: str) -> None:
    bad = {k: (got.get(k), want[k]) for k in want if not close(got.get(k), want[k])}
    assert not bad, f"{what}: {bad}"


def test_every_sample_file_has_a_family_and_is_in_the_store(store_con):
    assert len(FILES) == 109
    loaded = dict(store_con.execute("SELECT file_name, status FROM load_batches WHERE is_sample").fetchall())
    assert loaded == {p.name: "loaded" for p in FILES}
    assert {family_of(p.name) for p in FILES} == set(FAMILIES)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_sample_file_batch_equals_the_raw_file(store_con, path):
    fam = FAMILIES[family_of(path.name)]
    df = read_family(path, fam)
    batch, rows_loaded, rows_rejected, kind = store_con.execute(
        "SELECT batch_id, rows_loaded, rows_rejected, kind FROM load_batches WHERE file_name = ?", [path.name]
    ).fetchall()[0]
    assert (kind, rows_rejected, rows_loaded) == (fam.kind, 0, len(df))
    table = TABLE[fam.kind]
    cols = list(fam.metrics)
    got = store_con.execute(
        f"SELECT {', '.join(f'sum({c})' for c in cols)}, count(*) FROM {table} "  # noqa: S608
        "WHERE batch_id = ?",
        [batch],
    ).fetchall()[0]
    assert_sums(dict(zip(cols, got[:-1], strict=True)), sums(df, fam), path.name)
    assert got[-1] == len(df.drop_duplicates(list(fam.key)))


def _family_files(prefix: str) -> list:
    return [p for p in FILES if family_of(p.name) == prefix]


@pytest.mark.parametrize("prefix", [f for f, fam in FAMILIES.items() if fam.kind == "daily"])
def test_daily_family_active_totals_count_overlaps_once(store_con, prefix):
    fam = FAMILIES[prefix]
    frames = [read_family(p, fam) for p in _family_files(prefix)]  # load order = file name order
    latest = pd.concat(frames).drop_duplicates(list(fam.key), keep="last")
    profile = "generic_facts" if prefix.startswith("generic_facts") else prefix
    platform_filter = ""
    if prefix.startswith("generic_facts"):
        platform_filter = f" AND platform = '{prefix.split('_')[-1]}'"
    cols = list(fam.metrics)
    got = store_con.execute(
        f"SELECT {', '.join(f'sum({c})' for c in cols)} FROM fact_active "  # noqa: S608
        f"WHERE profile = ? AND NOT from_snapshot{platform_filter}",
        [profile],
    ).fetchall()[0]
    assert_sums(dict(zip(cols, got, strict=True)), sums(latest, fam), prefix)


def test_meta_overlap_week_is_taken_from_the_later_file(store_con):
    fam = FAMILIES["meta_ads"]
    first, second = (read_family(p, fam) for p in _family_files("meta_ads")[:2])
    overlap = first.merge(second, on=list(fam.key), suffixes=("_old", "_new"))
    assert len(overlap) > 0
    old, new = overlap["Purchases_old"].map(num).sum(), overlap["Purchases_new"].map(num).sum()
    assert new > old  # late attribution: the later download counts more purchases for the same days
    days = sorted(overlap["Day"].unique())
    got = store_con.execute(
        "SELECT sum(conversions) FROM fact_active WHERE profile = 'meta_ads' AND date BETWEEN ? AND ?",
        [days[0], days[-1]],
    ).fetchall()[0][0]
    assert got == new


@pytest.mark.parametrize("prefix", [f for f, fam in FAMILIES.items() if fam.kind == "snapshot"])
def test_snapshot_family_weekly_rows_add_up_to_each_posts_lifetime(store_con, prefix):
    fam = FAMILIES[prefix]
    frames = []
    for p in _family_files(prefix):
        df = read_family(p, fam)
        df["_as_of"] = p.stem.rsplit("_", 1)[-1]
        frames.append(df)
    allsnap = pd.concat(frames)
    key = list(fam.key)
    for k, h in fam.metrics.items():
        allsnap[k] = allsnap[h].map(num)
    allsnap = allsnap.sort_values("_as_of")
    want = {}
    for k in fam.metrics:
        per_post = allsnap.groupby(key)[k]
        # a net count (follows) adds up to its last value; every other count to the best lifetime figure
        want[k] = float((per_post.last() if k == "follows" else per_post.max()).sum())
    cols = list(fam.metrics)
    got = store_con.execute(
        f"SELECT {', '.join(f'sum({c})' for c in cols)}, count(DISTINCT content_id) "  # noqa: S608
        "FROM fact_active WHERE profile = ? AND from_snapshot",
        [prefix],
    ).fetchall()[0]
    assert_sums(dict(zip(cols, got[:-1], strict=True)), want, prefix)
    assert got[-1] == allsnap.groupby(key).ngroups
    first = store_con.execute(
        "SELECT count(*) FROM fact_active WHERE profile = ? AND first_snapshot", [prefix]
    ).fetchall()[0][0]
    assert first == allsnap.groupby(key).ngroups  # one first (whole) row per post


@pytest.mark.parametrize(
    "kind, table",
    [
        ("kol_roster", "kol_roster_active"),
        ("budget_plan", "budget_plan_active"),
        ("other_costs", "other_costs_active"),
    ],
)
def test_auxiliary_tables_equal_their_files(store_con, kind, table):
    want: dict[str, float] = {}
    for prefix, fam in FAMILIES.items():
        if fam.kind != kind:
            continue
        for p in _family_files(prefix):
            for k, v in sums(read_family(p, fam), fam).items():
                want[k] = want.get(k, 0.0) + v
    cols = list(want)
    got = store_con.execute(f"SELECT {', '.join(f'sum({c})' for c in cols)} FROM {table}").fetchall()[0]  # noqa: S608
    assert_sums(dict(zip(cols, got, strict=True)), want, kind)


def test_sample_batches_are_marked_as_sample(store_con):
    assert store_con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_sample) FROM load_batches"
    ).fetchall() == [(len(FILES), len(FILES))]
    assert sample_dir().is_dir()


def test_load_history_names_the_platforms_of_files_with_a_platform_column(store_con):
    """A generic or planning file has no platform of its own: the history lists the platforms in its rows."""
    from smm import queries

    hist = queries.batches(store_con).set_index("file_name")["platform"]
    for name in ("generic_facts_weibo_fensitong.csv", "budget_plan.csv", "kol_roster_2026-08-31.csv"):
        raw = pd.read_csv(sample_dir() / name, encoding="utf-8-sig", dtype=str)
        col = raw.columns[0] if name.startswith("generic") else "platform"   # 平台 in the generic file
        assert hist[name] == ",".join(sorted(raw[col].str.strip().unique())), name
    assert hist["google_ads_campaign_report_2026-08-31_2026-11-22.csv"] == "google_ads"   # its own platform


def _contents(con) -> dict:
    """What a store holds, independent of batch numbers: every table's rows keyed by file, not by batch id."""
    files = "(SELECT batch_id, file_name FROM load_batches)"
    out = {"batches": sorted(con.execute(
        "SELECT file_name, profile, platform, kind, rows_loaded, rows_rejected, rows_summary, date_min, date_max, "
        "as_of, currency, is_sample, status, notes FROM load_batches").fetchall())}
    for table, cols in (("fact", "row_key, src_row, platform, profile, account, campaign, ad, content_id, date, "
                                 "period_start, spend, impressions, clicks, views, likes, conversions, revenue, "
                                 "follows, from_snapshot, first_snapshot, flags, superseded_by IS NULL"),
                        ("snapshots", "row_key, post_key, as_of, views, likes, superseded_by IS NULL"),
                        ("kol_roster", "kol, platform, followers, fee"), ("budget_plan", "period_start, platform, "
                                                                          "category, planned"),
                        ("other_costs", "date, platform, category, amount")):
        out[table] = sorted(con.execute(f"SELECT f.file_name, {cols} FROM {table} JOIN {files} f USING (batch_id)"
                                        ).fetchall(), key=repr)
    out["fact_daily"] = sorted(con.execute("SELECT * FROM fact_daily").fetchall(), key=repr)
    return out


def test_the_sample_loads_the_same_several_files_at_a_time_as_one_by_one(tmp_path, monkeypatch):
    # The sample's files load on several cursors at once (first start took ~15 s one file at a time, ~10 s two at
    # a time here); what is stored, the reports and the progress shown must not depend on that. The order does
    # matter: Meta's exports overlap (09-28 to 11-01 re-states days of 08-31 to 10-04 with later attributed
    # conversions), and the one written last replaces the other's rows. The earlier one is held back here while
    # it reads, so without writing in file order the later one would be written first.
    import time

    import smm.sample
    from smm.sample import load_sample

    real = smm.sample.ingest_file
    slow = "meta_ads_2026-08-31_2026-10-04.csv"

    def held_back(con, path, opts=None, on_step=None, **kw):
        def step(name):
            if name == "read" and path.name == slow:
                time.sleep(1.5)
            if on_step:
                on_step(name)
        return real(con, path, opts, on_step=step, **kw)

    got, seen = {}, {}
    for workers in (1, 3):
        if workers > 1:
            monkeypatch.setattr(smm.sample, "ingest_file", held_back)
        con = store.connect(tmp_path / f"w{workers}.duckdb")
        calls = []
        reports = load_sample(con, lambda i, n, name, calls=calls: calls.append((i, n, name)), workers=workers)
        seen[workers] = calls
        got[workers] = ([(r.file, r.status, r.profile, r.rows_loaded, r.rows_rejected, r.date_min, r.date_max)
                         for r in reports], _contents(con))
        con.close()
    assert seen[1] == seen[3] == [(i, len(FILES), p.name) for i, p in enumerate(FILES, 1)]
    assert [r[0] for r in got[3][0]] == [p.name for p in FILES]
    assert {r[1] for r in got[3][0]} == {"loaded"}
    assert got[1][0] == got[3][0]
    for table in got[1][1]:
        assert got[1][1][table] == got[3][1][table], table
    assert len(got[3][1]["fact"]) > 1000
