"""Cumulative (lifetime) exports: each upload is a snapshot per post, weekly rows are differences.

Expected weekly rows come from a small model written here (`expected_weeks`), never from the store.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingestkit import csv_bytes, loaded, xlsx_bytes

from smm import ingest, store

D = dt.date
HEADER = [
    "Post ID",
    "Publish time",
    "Post type",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Shares",
    "Follows",
    "Comments",
    "Saves",
]
METRICS = ("views", "reach", "likes", "shares", "follows", "comments", "saves")
PUBLISHED = {"p1": "08/31/2026 10:00", "p2": "09/08/2026 21:30", "p3": "09/15/2026 08:00"}


@pytest.fixture(params=["long", "wide"])
def cells_path(request, monkeypatch):
    """Both staging paths of ingest._cells_sql (small files unpivot; large files clean column by column)."""
    monkeypatch.setattr(ingest, "LONG_MODE_MAX_ROWS", 10**12 if request.param == "long" else 0)
    return request.param


def snapshot_file(posts: dict[str, dict[str, int]]) -> bytes:
    rows = [
        [pid, PUBLISHED[pid], "IG reel", "Lifetime", *(str(m[k]) for k in METRICS)]
        for pid, m in posts.items()
    ]
    return csv_bytes(HEADER, rows)


def upload(con, as_of: dt.date, posts: dict[str, dict[str, int]], tag: str = "") -> int:
    r = loaded(con, snapshot_file(posts), f"meta_post_insights_{as_of.isoformat()}{tag}.csv")
    assert r.kind == "snapshot" and r.as_of == as_of
    return r.batch_id


def m(views, reach=0, likes=0, shares=0, follows=0, comments=0, saves=0) -> dict[str, int]:
    return dict(zip(METRICS, (views, reach, likes, shares, follows, comments, saves), strict=True))


def expected_weeks(snaps: dict[dt.date, dict[str, dict[str, int]]]) -> dict[tuple[str, dt.date], tuple]:
    """The weekly rows a post's snapshots must give: first whole, then the rise over the best earlier figure
    (never negative); follows (a net count) is the plain difference. Value: (first?, metrics...)."""
    out = {}
    posts = sorted({p for s in snaps.values() for p in s})
    for pid in posts:
        seen = [(d, s[pid]) for d, s in sorted(snaps.items()) if pid in s]
        for k, (d, cur) in enumerate(seen):
            vals = []
            for key in METRICS:
                if k == 0:
                    vals.append(float(cur[key]))
                elif key == "follows":
                    vals.append(float(cur[key] - seen[k - 1][1][key]))
                else:
                    vals.append(float(max(cur[key] - max(s[key] for _, s in seen[:k]), 0)))
            out[(pid, d)] = (k == 0, *vals)
    return out


def stored_weeks(con) -> dict[tuple[str, dt.date], tuple]:
    rows = con.execute(
        f"SELECT content_id, date, first_snapshot, {', '.join(METRICS)} FROM fact_active WHERE from_snapshot"
    ).fetchall()
    out = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert len(out) == len(rows), "one weekly row per post and snapshot date"
    return out


W1, W2, W3, W4 = D(2026, 9, 6), D(2026, 9, 13), D(2026, 9, 20), D(2026, 9, 27)
SNAPS = {
    W1: {"p1": m(100, 80, 10, 1, 2, 1, 1)},
    W2: {"p1": m(250, 200, 25, 2, 5, 2, 2), "p2": m(50, 40, 5, 0, 1, 0, 0)},
    W3: {"p1": m(240, 210, 30, 2, 4, 3, 2), "p2": m(90, 80, 9, 1, 2, 0, 1), "p3": m(10, 10, 1, 0, 0, 0, 0)},
    W4: {"p1": m(300, 260, 31, 3, 6, 3, 2), "p2": m(95, 85, 9, 1, 2, 1, 1), "p3": m(30, 25, 2, 0, 1, 0, 0)},
}


@pytest.mark.usefixtures("cells_path")
def test_weekly_rows_are_differences_first_snapshot_whole_and_flagged(con):
    for d, posts in SNAPS.items():
        upload(con, d, posts)
    got = stored_weeks(con)
    assert got == expected_weeks(SNAPS)
    # spot values written out: p1 week 2 = 250 - 100; p1 week 3 fell to 240, so 0 (not -10); p1 week 4 = 300 - 250
    assert got[("p1", W1)][:2] == (True, 100.0)
    assert got[("p1", W2)][:2] == (False, 150.0)
    assert got[("p1", W3)][:2] == (False, 0.0)
    assert got[("p1", W4)][:2] == (False, 50.0)
    assert got[("p2", W2)][:2] == (True, 50.0)


def test_no_weekly_metric_is_ever_negative_except_net_follows(con):
    for d, posts in SNAPS.items():
        upload(con, d, posts)
    neg = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {k} < 0)" for k in METRICS)
        + " FROM fact_active WHERE from_snapshot"
    ).fetchall()[0]
    assert dict(zip(METRICS, neg, strict=True)) == {**{k: 0 for k in METRICS}, "follows": 1}


def test_weekly_rows_add_up_to_the_best_lifetime_figure(con):
    for d, posts in SNAPS.items():
        upload(con, d, posts)
    views = dict(
        con.execute(
            "SELECT content_id, sum(views) FROM fact_active WHERE from_snapshot GROUP BY 1"
        ).fetchall()
    )
    assert views == {
        pid: float(max(s[pid]["views"] for s in SNAPS.values() if pid in s)) for pid in PUBLISHED
    }
    follows = dict(con.execute("SELECT content_id, sum(follows) FROM fact_active GROUP BY 1").fetchall())
    assert follows == {pid: float(SNAPS[W4][pid]["follows"]) for pid in PUBLISHED}


def test_period_of_a_weekly_row_runs_from_the_day_after_the_previous_snapshot(con):
    for d, posts in SNAPS.items():
        upload(con, d, posts)
    periods = {
        (c, d): (ps, pe)
        for c, d, ps, pe in con.execute(
            "SELECT content_id, date, period_start, period_end FROM fact_active WHERE from_snapshot"
        ).fetchall()
    }
    assert periods[("p1", W1)] == (D(2026, 8, 31), W1)  # first snapshot: from publication
    assert periods[("p1", W2)] == (D(2026, 9, 7), W2)
    assert periods[("p2", W2)] == (D(2026, 9, 8), W2)
    assert periods[("p3", W4)] == (D(2026, 9, 21), W4)


@pytest.mark.parametrize("order", [(W3, W1, W4, W2), (W4, W3, W2, W1), (W2, W4, W1, W3)])
@pytest.mark.usefixtures("cells_path")
def test_out_of_order_uploads_give_the_same_weekly_rows(con, order):
    for d in order:
        upload(con, d, SNAPS[d])
    assert stored_weeks(con) == expected_weeks(SNAPS)


@pytest.mark.usefixtures("cells_path")
def test_deleting_a_middle_snapshot_rederives_its_neighbours(con):
    ids = {d: upload(con, d, posts) for d, posts in SNAPS.items()}
    assert ingest.delete_batch(con, ids[W2])
    rest = {d: s for d, s in SNAPS.items() if d != W2}
    assert stored_weeks(con) == expected_weeks(rest)
    # p1 week 3 is now measured against week 1: 240 - 100; p2 is first seen in week 3 and counted whole
    assert stored_weeks(con)[("p1", W3)][:2] == (False, 140.0)
    assert stored_weeks(con)[("p2", W3)][:2] == (True, 90.0)
    # putting it back restores the original weekly rows
    upload(con, W2, SNAPS[W2], tag="_again")
    assert stored_weeks(con) == expected_weeks(SNAPS)


def test_deleting_the_first_snapshot_makes_the_next_one_first(con):
    ids = {d: upload(con, d, posts) for d, posts in SNAPS.items()}
    ingest.delete_batch(con, ids[W1])
    assert stored_weeks(con) == expected_weeks({d: s for d, s in SNAPS.items() if d != W1})
    assert stored_weeks(con)[("p1", W2)][:2] == (True, 250.0)


def test_a_corrected_snapshot_of_the_same_date_replaces_it_and_delete_revives_it(con):
    for d, posts in SNAPS.items():
        upload(con, d, posts)
    fixed = {**SNAPS[W2], "p1": m(260, 200, 25, 2, 5, 2, 2)}
    b = upload(con, W2, fixed, tag="_corrected")
    assert stored_weeks(con) == expected_weeks({**SNAPS, W2: fixed})
    assert con.execute("SELECT count(*) FROM snapshots_active WHERE as_of = ?", [W2]).fetchall() == [(2,)]
    ingest.delete_batch(con, b)
    assert stored_weeks(con) == expected_weeks(SNAPS)


def test_posts_without_an_id_are_keyed_by_title_and_publish_time(con):
    header = ["作品名称", "发布时间", "体裁", "播放量", "点赞量", "分享量", "评论量", "收藏量", "粉丝增量"]

    def works(as_of: dt.date, a: int, b: int) -> int:
        data = xlsx_bytes(
            [
                header,
                ["同名作品", "2026-09-01 20:00", "视频", a, 1, 1, 1, 1, 1],
                ["同名作品", "2026-09-03 20:00", "图文", b, 1, 1, 1, 1, 1],
            ]
        )
        return loaded(con, data, f"douyin_creator_works_{as_of.isoformat()}.xlsx").batch_id

    works(W1, 100, 10)
    works(W2, 150, 30)
    got = con.execute(
        "SELECT CAST(published_at AS DATE), date, views, first_snapshot FROM fact_active ORDER BY 1, 2"
    ).fetchall()
    assert got == [
        (D(2026, 9, 1), W1, 100.0, True),
        (D(2026, 9, 1), W2, 50.0, False),
        (D(2026, 9, 3), W1, 10.0, True),
        (D(2026, 9, 3), W2, 20.0, False),
    ]


def test_the_same_snapshot_file_twice_is_counted_once(con):
    upload(con, W1, SNAPS[W1])
    before = store.table_fingerprint(con)
    again = ingest.ingest_bytes(con, snapshot_file(SNAPS[W1]), "copy.csv")
    assert again.status == "already_loaded"
    assert store.table_fingerprint(con) == before


@pytest.mark.usefixtures("cells_path")
def test_lower_bound_flag_is_kept_on_the_weekly_rows(con):
    header = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "点赞", "收藏", "评论", "分享", "涨粉"]
    for d, views in ((W1, "9,000"), (W2, "10万+"), (W3, "10万+")):
        loaded(
            con,
            xlsx_bytes([header, ["爆款笔记", "2026-09-01 21:09", "视频", "50万", views, 10, 1, 1, 1, 1]]),
            f"xiaohongshu_notes_{d.isoformat()}.xlsx",
        )
    got = con.execute("SELECT date, views, flags FROM fact_active ORDER BY date").fetchall()
    assert got == [(W1, 9000.0, None), (W2, 91000.0, "views:lower_bound"), (W3, 0.0, "views:lower_bound")]


# ------------------------------------------------------------------------------- random histories

_post = st.fixed_dictionaries({k: st.integers(0, 500) for k in METRICS})
_snap = st.dictionaries(st.sampled_from(sorted(PUBLISHED)), _post, min_size=1, max_size=3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    snaps=st.lists(_snap, min_size=2, max_size=4),
    order=st.randoms(use_true_random=False),
    delete=st.integers(0, 3),
)
def test_any_upload_order_and_any_deletion_match_the_model(tmp_path_factory, snaps, order, delete):
    con = store.connect(tmp_path_factory.mktemp("snap") / "s.duckdb")
    try:
        dated = {W1 + dt.timedelta(days=7 * i): s for i, s in enumerate(snaps)}
        days = list(dated)
        order.shuffle(days)
        ids = {d: upload(con, d, dated[d]) for d in days}
        assert stored_weeks(con) == expected_weeks(dated)
        gone = days[delete % len(days)]
        ingest.delete_batch(con, ids[gone])
        assert stored_weeks(con) == expected_weeks({d: s for d, s in dated.items() if d != gone})
    finally:
        con.close()
