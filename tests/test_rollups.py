"""The daily rollups always equal a fresh aggregation of fact_active: after loads, overlapping loads,
re-loads of cumulative snapshots out of order, and deletes (each inside its own transaction)."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd

from smm import rollups, store
from smm.ingest import LoadOptions, delete_batch, ingest_bytes, ingest_file
from smm.metrics import Settings, compute
from smm.queries import Filters
from smm.sample import sample_dir

EXACT = {"fact_daily": 0, "fact_daily_platform": 0}
HEAD = "platform,date,campaign,kol,content_type,currency,spend,impressions,clicks,likes,conversions,revenue"


def generic_file(rng: random.Random, n: int) -> bytes:
    """A generic export whose keys collide with other files (so later loads replace earlier rows)."""
    rows = []
    for _ in range(n):
        p = rng.choice(["douyin", "meta", "weibo"])
        d = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(8))
        imp = rng.randrange(100, 5000)
        rows.append(",".join(map(str, [
            p, d, rng.choice(["A", "B"]), rng.choice(["k1", "k2"]), rng.choice(["video", "image_text"]),
            "USD" if p == "meta" else "CNY", round(rng.uniform(0, 500), 2), imp, rng.randrange(0, imp // 10),
            rng.choice(["", rng.randrange(50)]), rng.choice(["", rng.randrange(20)]),
            rng.choice(["", round(rng.uniform(0, 900), 2)])])))
    return (HEAD + "\n" + "\n".join(dict.fromkeys(rows)) + "\n").encode()


def same_numbers(con) -> None:
    for by in ((), ("platform",), ("week", "kol")):
        for s in (Settings(), Settings("views", "impressions", "paid")):
            a = compute(con, Filters(), s, by, source="fact")
            b = compute(con, Filters(), s, by, source="rollup")
            pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)


def test_random_loads_overlaps_and_deletes_keep_the_rollups_exact(con):
    rng = random.Random(20261123)
    loaded: list[int] = []
    replaced = 0
    for step in range(14):
        if loaded and rng.random() < 0.35:
            b = loaded.pop(rng.randrange(len(loaded)))
            assert delete_batch(con, b)
        else:
            r = ingest_bytes(con, generic_file(rng, rng.randrange(3, 25)), f"f{step}.csv", LoadOptions())
            assert r.status == "loaded", r.errors[:2]
            loaded.append(r.batch_id)
            replaced += r.rows_superseded
        assert rollups.differences(con) == EXACT, step
    assert replaced > 0
    same_numbers(con)
    for b in loaded:
        delete_batch(con, b)
    assert con.execute("SELECT count(*) FROM fact_daily").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM fact_daily_platform").fetchall() == [(0,)]


def test_snapshots_loaded_out_of_order_and_deleted_keep_the_rollups_exact(con):
    files = sorted(sample_dir().glob("pugongying_notes_*.csv"))[:5]
    order = [files[3], files[0], files[4], files[1], files[2]]          # weeks arrive out of order
    ids = {}
    for f in order:
        r = ingest_file(con, f)
        assert r.status == "loaded", r.errors[:2]
        ids[f.name] = r.batch_id
        assert rollups.differences(con) == EXACT, f.name
    assert delete_batch(con, ids[files[1].name])                         # a middle week: later deltas change
    assert rollups.differences(con) == EXACT
    assert delete_batch(con, ids[files[4].name])
    assert rollups.differences(con) == EXACT
    same_numbers(con)


def test_overlapping_meta_exports_and_the_whole_sample(sample_con):
    assert rollups.differences(sample_con) == EXACT
    metas = sorted(sample_dir().glob("meta_ads_*.csv"))
    batch = sample_con.execute("SELECT batch_id FROM load_batches WHERE file_name = ?", [metas[1].name]).fetchall()
    assert delete_batch(sample_con, batch[0][0])                         # its overlap week falls back to file 1
    assert rollups.differences(sample_con) == EXACT
    again = ingest_file(sample_con, metas[1], LoadOptions(is_sample=True))
    assert again.status == "loaded" and again.rows_superseded > 0
    assert rollups.differences(sample_con) == EXACT


def test_a_failed_load_leaves_the_rollups_untouched(con, monkeypatch):
    r = ingest_bytes(con, generic_file(random.Random(1), 10), "a.csv", LoadOptions())
    assert r.status == "loaded"
    before = con.execute("SELECT * FROM fact_daily ORDER BY ALL").fetchall()

    def boom(*a, **k):
        raise duckdb.Error("disk gone")

    monkeypatch.setattr(rollups, "_refresh_dirty", boom)
    try:
        ingest_bytes(con, generic_file(random.Random(2), 10), "b.csv", LoadOptions())
    except duckdb.Error:
        pass
    monkeypatch.undo()
    assert con.execute("SELECT * FROM fact_daily ORDER BY ALL").fetchall() == before
    assert con.execute("SELECT count(*) FROM load_batches WHERE file_name = 'b.csv'").fetchall() == [(0,)]
    assert rollups.differences(con) == EXACT


def test_the_migration_fills_the_rollups_of_an_existing_store(tmp_path):
    path = tmp_path / "old.duckdb"
    c = store.connect(path)
    ingest_bytes(c, generic_file(random.Random(3), 30), "a.csv", LoadOptions())
    # As a store created before migration 002: no rollup tables, no version row.
    c.execute("DELETE FROM schema_version WHERE version = 2")
    for v in ("fact_daily_source", "fact_daily_platform_source"):
        c.execute(f"DROP VIEW {v}")
    for t in ("fact_daily", "fact_daily_platform"):
        c.execute(f"DROP TABLE {t}")
    c.close()
    c = store.connect(path)
    assert c.execute("SELECT count(*) FROM fact_daily").fetchall()[0][0] > 0
    assert rollups.differences(c) == EXACT
    rollups.rebuild(c)
    assert rollups.differences(c) == EXACT
    c.close()


def test_the_migration_file_and_the_python_pair_list_agree(con):
    for table, _, dims in rollups.TABLES:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
        assert cols == rollups.columns(dims), table
