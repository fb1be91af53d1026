"""The store: path resolution, ordered idempotent migrations with a schema_version table, macros, fingerprint."""

from __future__ import annotations

import datetime
import re

import duckdb
import pytest
from conftest import as_schema
from ingestkit import csv_bytes, loaded

from smm import store


def _tables(con) -> list[tuple]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY 1, 2"
    ).fetchall()


def test_migration_files_are_numbered_uniquely():
    files = sorted(p.name for p in store.MIGRATIONS_DIR.glob("*.sql"))
    assert files and all(re.fullmatch(r"\d{3}_[a-z0-9_]+\.sql", f) for f in files), files
    versions = [int(f[:3]) for f in files]
    assert len(versions) == len(set(versions)), f"two migrations share a number: {files}"
    assert [v for v, _, _ in store.migrations()] == sorted(versions)


def test_fresh_store_records_every_migration_in_order(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    try:
        rows = con.execute("SELECT version, name FROM schema_version ORDER BY applied_at, version").fetchall()
        assert rows == [(v, n) for v, n, _ in store.migrations()]
        assert {
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        } >= {
            "schema_version",
            "load_batches",
            "fact",
            "snapshots",
            "kol_roster",
            "budget_plan",
            "other_costs",
            "fx_rates",
            "user_profiles",
            "fact_active",
            "snapshots_active",
        }
    finally:
        con.close()


def test_connecting_again_and_migrating_again_changes_nothing(tmp_path):
    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    loaded(con, csv_bytes(["platform", "date", "spend"], [["weibo", "2026-03-02", "12.5"]]))
    before = (
        _tables(con),
        store.table_fingerprint(con),
        con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall(),
    )
    assert store.migrate(con) == max(v for v, _, _ in store.migrations())
    con.close()
    con = store.connect(path)
    try:
        assert store.migrate(con) == max(v for v, _, _ in store.migrations())
        after = (
            _tables(con),
            store.table_fingerprint(con),
            con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall(),
        )
        assert after == before
    finally:
        con.close()


def test_each_migration_can_run_twice(tmp_path):
    """Migrations are written idempotently (IF NOT EXISTS / ON CONFLICT): re-running one cannot break a store."""
    con = store.connect(tmp_path / "s.duckdb")
    try:
        before = store.table_fingerprint(con)
        for _v, name, sql in store.migrations():
            try:
                store.run_migration(con, sql)
            except duckdb.Error as e:  # pragma: no cover - the message names the migration
                pytest.fail(f"{name} is not idempotent: {e}")
        assert store.table_fingerprint(con) == before
    finally:
        con.close()


def test_pending_migrations_apply_in_order_and_a_failing_one_rolls_back(tmp_path, monkeypatch):
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "001_start.sql").write_text(
        "CREATE TABLE IF NOT EXISTS t (x INTEGER);\nINSERT INTO t VALUES (1);\n"
    )
    (mig / "002_more.sql").write_text("INSERT INTO t VALUES (2);\n")
    monkeypatch.setattr(store, "MIGRATIONS_DIR", mig)
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    try:
        assert store.migrate(con) == 2
        assert con.execute("SELECT list(x ORDER BY x) FROM t").fetchall() == [([1, 2],)]
        # a later migration is applied once; one that fails leaves no trace and is retried next time
        (mig / "003_next.sql").write_text("INSERT INTO t VALUES (3);\n")
        (mig / "004_broken.sql").write_text(
            "INSERT INTO t VALUES (4);\nINSERT INTO no_such_table VALUES (1);\n"
        )
        with pytest.raises(duckdb.Error):
            store.migrate(con)
        assert con.execute("SELECT list(x ORDER BY x) FROM t").fetchall() == [([1, 2, 3],)]
        assert [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == [
            1,
            2,
            3,
        ]
        (mig / "004_broken.sql").write_text("INSERT INTO t VALUES (4);\n")
        assert store.migrate(con) == 4
        assert store.migrate(con) == 4
        assert con.execute("SELECT list(x ORDER BY x) FROM t").fetchall() == [([1, 2, 3, 4],)]
    finally:
        con.close()


def test_an_older_store_is_brought_up_to_date_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    first = store.migrations()[:1]
    monkeypatch.setattr(store, "migrations", lambda: first)
    con = duckdb.connect(str(path))
    store.migrate(con)
    con.execute("INSERT INTO fx_rates (currency, cny_per_unit) VALUES ('ZZZ', 2.5) ON CONFLICT DO NOTHING")
    con.close()
    monkeypatch.undo()
    con = store.connect(path)
    try:
        assert [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == [
            v for v, _, _ in store.migrations()
        ]
        assert con.execute("SELECT cny_per_unit FROM fx_rates WHERE currency = 'ZZZ'").fetchall() == [(2.5,)]
    finally:
        con.close()


def test_macros_and_table_macros_are_installed(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    try:
        assert (
            con.execute("SELECT smm_num('1.2万'), smm_date('2026年3月5日', 'ymd')").fetchall()[0][0]
            == 12000.0
        )
        assert con.execute("SELECT count(*) FROM fact_rc('CNY')").fetchall() == [(0,)]
        # a cursor (one per script run in the app) sees them too
        assert con.cursor().execute("SELECT smm_text(' N/A ')").fetchall() == [(None,)]
    finally:
        con.close()


def test_store_path_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("SMM_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.db_path() == tmp_path / "xdg" / "smm" / "smm.duckdb"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.default_db_path() == tmp_path / "home" / ".local" / "share" / "smm" / "smm.duckdb"
    monkeypatch.setenv("SMM_DB", str(tmp_path / "env.duckdb"))
    assert store.db_path() == tmp_path / "env.duckdb"
    assert store.db_path(tmp_path / "explicit.duckdb") == tmp_path / "explicit.duckdb"
    con = store.connect()
    con.close()
    assert (tmp_path / "env.duckdb").exists()


def test_connect_creates_the_data_folder(tmp_path):
    path = tmp_path / "a" / "b" / "s.duckdb"
    store.connect(path).close()
    assert path.exists()


def test_fingerprint_sees_every_change_and_only_changes(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    try:
        a = store.table_fingerprint(con)
        assert store.table_fingerprint(con) == a
        assert set(a) == set(store.DATA_TABLES)
        con.execute("UPDATE fx_rates SET cny_per_unit = cny_per_unit + 1 WHERE currency = 'USD'")
        b = store.table_fingerprint(con)
        assert b["fx_rates"] != a["fx_rates"] and {k: v for k, v in b.items() if k != "fx_rates"} == {
            k: v for k, v in a.items() if k != "fx_rates"
        }
        r = loaded(con, csv_bytes(["platform", "date", "spend"], [["weibo", "2026-03-02", "1"]]))
        c = store.table_fingerprint(con)
        assert c["fact"] != b["fact"] and c["load_batches"] != b["load_batches"]
        assert r.batch_id is not None
    finally:
        con.close()


def test_read_only_connection_does_not_migrate(tmp_path):
    path = tmp_path / "s.duckdb"
    store.connect(path).close()
    con = store.connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == len(store.migrations())
        with pytest.raises(duckdb.Error):
            con.execute("INSERT INTO fx_rates (currency, cny_per_unit) VALUES ('QQQ', 1)")
    finally:
        con.close()


def _limit_bytes(con) -> float:
    """DuckDB shows the setting as e.g. '953.6 MiB'."""
    number, unit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0].split()
    return float(number) * 1024 ** ["B", "KiB", "MiB", "GiB", "TiB"].index(unit)


def test_memory_is_capped_by_default_and_by_smm_memory_limit(tmp_path, monkeypatch):
    monkeypatch.delenv("SMM_MEMORY_LIMIT", raising=False)
    con = store.connect(tmp_path / "a.duckdb")
    assert 0.85e9 < _limit_bytes(con) <= 1.0e9          # 1GB, not DuckDB's 80% of RAM
    con.close()
    monkeypatch.setenv("SMM_MEMORY_LIMIT", "2GB")
    con = store.connect(tmp_path / "a.duckdb")
    assert 1.7e9 < _limit_bytes(con) <= 2.0e9
    con.close()
    monkeypatch.setenv("SMM_MEMORY_LIMIT", "lots")
    with pytest.warns(RuntimeWarning, match="SMM_MEMORY_LIMIT"):
        con = store.connect(tmp_path / "a.duckdb")
    assert 0.85e9 < _limit_bytes(con) <= 1.0e9
    con.close()


def test_another_plain_connection_to_the_open_store_still_works(tmp_path):
    """Tests (and tools) open the same file with duckdb.connect while the app's connection is open."""
    con = store.connect(tmp_path / "a.duckdb")
    other = duckdb.connect(str(tmp_path / "a.duckdb"))
    assert other.execute("SELECT count(*) FROM fact").fetchall() == [(0,)]
    other.close()
    con.close()


_KEYED = ("fact", "snapshots", "kol_roster", "budget_plan", "other_costs")
_FIRST = ("meta_ads_2026-08-31_2026-10-04.csv", "meta_post_insights_2026-09-06.csv", "kol_roster_2026-08-31.csv",
          "budget_plan.csv", "other_costs_kol.csv")
_LATER = ("meta_ads_2026-09-28_2026-11-01.csv", "meta_post_insights_2026-09-13.csv", "kol_roster_2026-10-19_zh.csv")


def _keyed_rows(con) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT row_key, batch_id, superseded_by FROM {t} ORDER BY ALL").fetchall()  # noqa: S608
            for t in _KEYED}


def test_row_keys_of_a_store_from_schema_5_become_numbers_that_still_match_new_rows(tmp_path, monkeypatch):
    """Migration 006: md5 hex row keys (schema 1-5) become md5_number keys, and later overlapping exports
    replace the old rows exactly as they do in a store that never had hex keys."""
    from smm import ingest
    from smm.sample import sample_dir

    # A store as schema 5 kept it, written by the key code of that time.
    with monkeypatch.context() as m:
        as_schema(m, tmp_path / "migrations_1_to_5", 5)
        m.setattr(ingest, "_KEY", "md5({})")
        con = store.connect(tmp_path / "old.duckdb")
        for name in _FIRST:
            assert ingest.ingest_file(con, sample_dir() / name).status == "loaded", name
        types = dict(con.execute("SELECT table_name, data_type FROM information_schema.columns "
                                 "WHERE column_name = 'row_key' AND table_schema = 'main'").fetchall())
        assert {types[t] for t in _KEYED} == {"VARCHAR"}
        hex_keys = con.execute("SELECT row_key FROM fact ORDER BY ALL LIMIT 3").fetchall()
        assert all(re.fullmatch(r"[0-9a-f]{32}", k) for (k,) in hex_keys)
        con.close()

    old = store.connect(tmp_path / "old.duckdb")      # migrates to the current schema
    fresh = store.connect(tmp_path / "fresh.duckdb")
    try:
        assert old.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == max(
            v for v, _, _ in store.migrations())
        for name in _FIRST:
            assert ingest.ingest_file(fresh, sample_dir() / name).status == "loaded", name
        types = dict(old.execute("SELECT table_name, data_type FROM information_schema.columns "
                                 "WHERE column_name = 'row_key' AND table_schema = 'main'").fetchall())
        assert {types[t] for t in _KEYED} == {"HUGEINT"}
        # every converted key is the key the current code computes for the same row
        assert _keyed_rows(old) == _keyed_rows(fresh)
        superseded = []
        for name in _LATER:
            a, b = ingest.ingest_file(old, sample_dir() / name), ingest.ingest_file(fresh, sample_dir() / name)
            assert (a.status, a.rows_loaded, a.rows_superseded) == (b.status, b.rows_loaded, b.rows_superseded)
            superseded.append(a.rows_superseded)
        # A corrected copy of each file of the first load (other bytes, same rows) replaces every row it holds.
        for name in _FIRST[1:]:
            data = (sample_dir() / name).read_bytes() + b"\n"
            a, b = ingest.ingest_bytes(old, data, name), ingest.ingest_bytes(fresh, data, name)
            assert (a.status, a.rows_superseded) == (b.status, b.rows_superseded), name
            superseded.append(a.rows_superseded)
        assert all(n > 0 for n in superseded[:1] + superseded[3:]), superseded
        assert _keyed_rows(old) == _keyed_rows(fresh)
        assert store.table_fingerprint(old) == store.table_fingerprint(fresh)
        totals = "SELECT count(*), round(sum(spend), 6), sum(impressions), sum(views) FROM fact_active"  # rows in other tables: another order of addition
        assert old.execute(totals).fetchall() == fresh.execute(totals).fetchall()
    finally:
        old.close()
        fresh.close()


def test_a_store_from_schema_7_keeps_its_fact_rows_and_later_exports_replace_them_as_in_a_new_store(tmp_path,
                                                                                                     monkeypatch):
    """Migration 008: the one fact table becomes fact_wide, read with the new fact_narrow as the view `fact`."""
    from smm import ingest
    from smm.sample import sample_dir

    with monkeypatch.context() as m:
        as_schema(m, tmp_path / "migrations_1_to_7", 7)
        con = store.connect(tmp_path / "old.duckdb")
        for name in _FIRST:
            assert ingest.ingest_file(con, sample_dir() / name).status == "loaded", name
        rows_before = con.execute("SELECT * FROM fact ORDER BY ALL").fetchall()
        fingerprint = store.table_fingerprint(con)
        con.close()
    assert len(rows_before) > 100

    old = store.connect(tmp_path / "old.duckdb")      # migrates to the current schema
    fresh = store.connect(tmp_path / "fresh.duckdb")
    try:
        assert old.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'fact'"
                           ).fetchall() == [("VIEW",)]
        assert old.execute("SELECT * FROM fact_wide ORDER BY ALL").fetchall() == rows_before
        assert old.execute("SELECT * FROM fact ORDER BY ALL").fetchall() == rows_before
        now = store.table_fingerprint(old)
        now["load_batches"] = now["load_batches"][:-2]      # (the two columns migration 010 adds at the end)
        assert now == fingerprint
        for name in _FIRST:
            assert ingest.ingest_file(fresh, sample_dir() / name).status == "loaded", name
        for name in _LATER:
            a, b = ingest.ingest_file(old, sample_dir() / name), ingest.ingest_file(fresh, sample_dir() / name)
            assert (a.status, a.rows_loaded, a.rows_superseded) == (b.status, b.rows_loaded, b.rows_superseded)
        # (the later Meta ads export overlaps the first: its rows, written narrow, replace rows of fact_wide)
        assert ingest.ingest_file(old, sample_dir() / _LATER[0]).status == "already_loaded"
        overlap = old.execute("SELECT count(*) FROM fact_wide WHERE superseded_by IN (SELECT batch_id FROM "
                              "fact_narrow)").fetchall()[0][0]
        assert overlap > 0
        # the later Meta ads export (no column beyond a paid-ads report) was written narrow in both stores
        narrow = "SELECT batch_id, count(*) FROM fact_narrow GROUP BY ALL ORDER BY ALL"
        assert old.execute(narrow).fetchall()[-1] == fresh.execute(narrow).fetchall()[-1] == (
            old.execute("SELECT max(batch_id) FROM load_batches WHERE profile = 'meta_ads'").fetchall()[0][0], 140)
        assert _keyed_rows(old) == _keyed_rows(fresh)
        assert store.table_fingerprint(old) == store.table_fingerprint(fresh)
        assert ingest.delete_batch(old, old.execute("SELECT max(batch_id) FROM fact_narrow").fetchall()[0][0])
        totals = "SELECT count(*), sum(spend), sum(impressions), sum(reach) FROM fact_active"
        assert old.execute(totals).fetchall() != fresh.execute(totals).fetchall()
    finally:
        old.close()
        fresh.close()



def test_migration_10_keeps_each_batchs_platforms_and_saved_format_name_for_the_history(tmp_path):
    """The load history read a generic file's platforms from its rows and a saved format's name from the format, so
    a deleted batch showed no platform and a deleted format's files showed its id. Migration 010 records both with
    each batch; on a store of schema 9 it fills them from what is still stored, as a load now records them."""
    from smm import ingest, mapping, queries

    generic = csv_bytes(["platform", "date", "campaign", "spend"],
                        [["weibo", "2026-11-16", "A", "10"], ["linkedin", "2026-11-16", "B", "20"]])
    gone = csv_bytes(["platform", "date", "campaign", "spend"], [["x", "2026-11-09", "C", "5"]])
    headers = ["日期", "花费", "播放"]
    prof = mapping.build_user_profile("B站周报", "bilibili", "daily", headers, {0: "date", 1: "spend", 2: "views"})
    bili = csv_bytes(headers, [["2026-11-16", "100", "1000"]])

    def load_all(path):
        con = store.connect(path)
        mapping.save_user_profile(con, prof)
        a = loaded(con, generic, "generic.csv")
        b = loaded(con, gone, "gone.csv")
        c = ingest.ingest_bytes(con, bili, "bili.csv", ingest.LoadOptions(profile_id=prof.id),
                                extra_profiles=mapping.user_profiles(con))
        assert c.status == "loaded", c.errors
        assert ingest.delete_batch(con, b.batch_id)
        return con, (a.batch_id, b.batch_id, c.batch_id)

    fresh, ids = load_all(tmp_path / "fresh.duckdb")
    recorded = fresh.execute("SELECT batch_id, platforms, profile_name FROM load_batches ORDER BY 1").fetchall()
    assert recorded == [(ids[0], "linkedin,weibo", None), (ids[1], "x", None), (ids[2], None, "B站周报")]

    # The same store as schema 9 kept it: neither column, migration 010 not applied.
    old, ids = load_all(tmp_path / "old.duckdb")
    old.execute("ALTER TABLE load_batches DROP COLUMN platforms")
    old.execute("ALTER TABLE load_batches DROP COLUMN profile_name")
    old.execute("DELETE FROM schema_version WHERE version = 10")
    old.close()
    old = store.connect(tmp_path / "old.duckdb")
    try:
        # (the deleted batch's rows are gone: its platform cannot be recovered)
        assert old.execute("SELECT batch_id, platforms, profile_name FROM load_batches ORDER BY 1").fetchall() == [
            (ids[0], "linkedin,weibo", None), (ids[1], None, None), (ids[2], None, "B站周报")]
        assert mapping.delete_user_profile(old, prof.id) == 0
        hist = queries.batches(old).set_index("file_name")
        assert hist.loc["generic.csv", "platform"] == "linkedin,weibo"
        assert hist.loc["bili.csv", ["platform", "profile", "profile_name"]].tolist() == ["bilibili", prof.id, "B站周报"]
        assert store.migrate(old) == 10        # applied once
    finally:
        old.close()
        fresh.close()


def test_the_stores_clock_is_the_machines_zone_and_a_load_time_converts_to_the_viewers(tmp_path):
    """Load times are kept as local time on the store's clock (DuckDB's TimeZone); the pages convert them to the
    browser's zone with store.time_zone() and fmt.local_time."""
    import os
    import subprocess
    import sys

    from smm import fmt

    con = store.connect(tmp_path / "s.duckdb")
    try:
        assert store.time_zone() == con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
        # loaded_at, as the default writes it, is the wall clock of that zone
        con.execute("CREATE TEMP TABLE t (stamp TIMESTAMP DEFAULT current_timestamp, utc TIMESTAMPTZ)")
        con.execute("INSERT INTO t (utc) VALUES (current_timestamp)")
        at, utc = con.execute("SELECT stamp, strftime(timezone('UTC', utc), '%Y-%m-%d %H:%M') FROM t").fetchone()
        assert fmt.local_time(at, store.time_zone(), "UTC") == utc
    finally:
        con.close()
    # the machine's zone, whatever it is (read in a process of its own: the value is cached per process)
    out = subprocess.run([sys.executable, "-c", "from smm import store; print(store.time_zone())"], check=True,
                         capture_output=True, text=True, env={**os.environ, "TZ": "Asia/Tokyo"}).stdout.strip()
    assert out == "Asia/Tokyo"


_AT = datetime.datetime(2026, 12, 7, 15, 16, 40)


@pytest.mark.parametrize("at, store_zone, viewer, want", [
    (_AT, "America/New_York", "Asia/Shanghai", "2026-12-08 04:16"),                    # winter: New York is UTC-5
    (_AT.replace(month=7), "America/New_York", "Asia/Shanghai", "2026-07-08 03:16"),   # summer: UTC-4
    (_AT, "Etc/UTC", "Asia/Shanghai", "2026-12-07 23:16"),
    (_AT, "Asia/Shanghai", "Asia/Shanghai", "2026-12-07 15:16"),
    (_AT, None, "Asia/Shanghai", "2026-12-07 15:16"),      # the store's zone unknown: as stored
    (_AT, "Etc/UTC", None, "2026-12-07 15:16"),            # the browser's unknown (AppTest, CLI)
    (_AT, "Etc/UTC", "Not/AZone", "2026-12-07 15:16"),
    (_AT, "Etc/UTC", "../../etc/passwd", "2026-12-07 15:16"),
    (None, "Etc/UTC", "Asia/Shanghai", "—"),
])
def test_a_load_time_reads_on_the_viewers_clock(at, store_zone, viewer, want):
    from smm import fmt

    assert fmt.local_time(at, store_zone, viewer) == want
