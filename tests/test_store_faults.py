"""Issue 7, "Crashes and faults" (besides kill-during-load, see test_crash.py): a damaged write-ahead log,
a damaged store file, a second process on the same store, a read-only data directory and a full disk.

Second processes are real processes (tests/store_child.py, the `smm` CLI); the app is the real app in
AppTest. Expected store contents come from the rows these tests write into their files.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, app_test, as_schema
from relkit import GENERIC_HEADER, csv_bytes, snapshot_state

from smm import store
from smm.errors import StoreBusyError, StoreDamagedError, StoreUnavailableError
from smm.ingest import delete_batch, ingest_file

CHILD = str(ROOT / "tests" / "store_child.py")
pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def _rows(k: int, n: int) -> list[list]:
    """File k: n rows on its own dates (no overlap between files), spend = k * 100 + row index."""
    return [["weibo", f"2026-{k + 1:02d}-{i % 28 + 1:02d}", f"c{i}", "k", str(k * 100 + i), "1000", "10", ""]
            for i in range(n)]


def _write(tmp: Path, k: int, n: int = 60) -> tuple[Path, float]:
    p = tmp / f"file{k}.csv"
    rows = _rows(k, n)
    p.write_bytes(csv_bytes(rows))
    return p, float(sum(float(r[4]) for r in rows))


def _run_child(*args: str, **kw) -> list[dict]:
    res = subprocess.run([sys.executable, CHILD, *args], capture_output=True, text=True, timeout=180, cwd=ROOT, **kw)
    assert res.returncode in (0, -signal.SIGKILL), res.stderr[-3000:]
    return [json.loads(ln) for ln in res.stdout.splitlines() if ln.startswith("{")]


def _smm(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smm", *args], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          **kw)


def _check_batches(con, expected: dict[int, float]) -> None:
    """Every batch fully present or fully absent, matching load_batches, with the file's own sums."""
    live = dict(con.execute("SELECT batch_id, rows_loaded FROM load_batches WHERE status = 'loaded'").fetchall())
    per_batch = dict(con.execute("SELECT batch_id, count(*) FROM fact GROUP BY ALL").fetchall())
    assert per_batch == live, (per_batch, live)
    sums = dict(con.execute("SELECT batch_id, sum(spend) FROM fact_active GROUP BY ALL").fetchall())
    assert sums == {b: expected[b] for b in live}


# ------------------------------------------------------------------------- killed before a checkpoint


def _no_log_set_aside_and_loaded(db: Path, expected: dict[int, float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # a log set aside is announced with a RuntimeWarning
        con = store.connect(db)
    try:
        assert store.set_aside_wals(db) == []
        _check_batches(con, expected)
        assert sorted(expected) == [b for (b,) in con.execute(
            "SELECT batch_id FROM load_batches WHERE status = 'loaded' ORDER BY 1").fetchall()]
        assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == max(
            v for v, _, _ in store.migrations())
    finally:
        con.close()


def test_a_new_store_killed_before_its_first_checkpoint_keeps_what_it_loaded(tmp_path):
    """A new store's first loads live in the write-ahead log beside its migrations until the first checkpoint.
    Killed then, the log must replay: the migrations' `ALTER … USING` must not be in it (it did not replay,
    the log was set aside and the loads were lost)."""
    files = [_write(tmp_path, k) for k in (1, 2)]
    db = tmp_path / "new.duckdb"
    out = _run_child("load", str(db), *(str(p) for p, _ in files), "--no-checkpoint", "--kill")
    assert [(r["status"], r["batch_id"]) for r in out] == [("loaded", 1), ("loaded", 2)]
    assert Path(str(db) + ".wal").stat().st_size > 1000     # the loads are in the log only
    _no_log_set_aside_and_loaded(db, {1: files[0][1], 2: files[1][1]})


def test_a_store_killed_after_an_upgrade_keeps_its_data_and_what_it_loaded_since(tmp_path, monkeypatch):
    """An older store (schema 5, checkpointed) opened by this version migrates; loads after that, killed before
    a checkpoint, survive with the migration."""
    f1 = _write(tmp_path, 1)
    db = tmp_path / "old.duckdb"
    with monkeypatch.context() as m:
        as_schema(m, tmp_path / "migrations_1_to_5", 5)
        con = store.connect(db)
        assert ingest_file(con, f1[0]).status == "loaded"
        con.close()
    f2 = _write(tmp_path, 2)
    out = _run_child("load", str(db), str(f2[0]), "--no-checkpoint", "--kill")
    assert [(r["status"], r["batch_id"]) for r in out] == [("loaded", 2)]
    _no_log_set_aside_and_loaded(db, {1: f1[1], 2: f2[1]})


# ---------------------------------------------------------------------------------- damaged WAL


@pytest.fixture(scope="module")
def wal_store(tmp_path_factory) -> tuple[Path, Path, dict[int, float]]:
    """A store whose batch 1 is checkpointed and whose batches 2 and 3 live only in the write-ahead log."""
    tmp = tmp_path_factory.mktemp("wal")
    files = [_write(tmp, k) for k in (1, 2, 3)]
    db = tmp / "s.duckdb"
    out = _run_child("load", str(db), *(str(p) for p, _ in files), "--no-checkpoint", "--checkpoint-first", "--kill")
    assert [r["batch_id"] for r in out] == [1, 2, 3]
    wal = Path(str(db) + ".wal")
    assert wal.stat().st_size > 1000
    return db, wal, {k: s for k, (_, s) in zip((1, 2, 3), files, strict=True)}


def _copy(src_db: Path, wal_bytes: bytes, dest: Path) -> Path:
    dest.mkdir()
    db = dest / "s.duckdb"
    shutil.copy(src_db, db)
    Path(str(db) + ".wal").write_bytes(wal_bytes)
    return db


def test_wal_truncated_at_random_offsets_opens_committed_state(wal_store, tmp_path):
    src, wal, sums = wal_store
    data = wal.read_bytes()
    rnd = random.Random(20260307)
    offsets = sorted({0, 1, len(data) - 1, len(data), *rnd.sample(range(2, len(data) - 1), 12)})
    seen = set()
    for off in offsets:
        db = _copy(src, data[:off], tmp_path / f"t{off}")
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            con = store.connect(db)
        try:
            batches = [b for (b,) in con.execute("SELECT batch_id FROM load_batches ORDER BY 1").fetchall()]
            # Commits replay in order: what opens is batch 1 plus a prefix of the logged batches.
            assert batches in ([1], [1, 2], [1, 2, 3]), (off, batches)
            _check_batches(con, sums)
            seen.add(len(batches))
            if store.set_aside_wals(db):
                assert batches == [1]
        finally:
            con.close()
    assert seen == {1, 2, 3}  # offsets cut before, between and after the logged commits
    full = _copy(src, data, tmp_path / "full")
    con = store.connect(full)
    assert store.set_aside_wals(full) == []
    # Delete and reload work on a recovered store.
    assert delete_batch(con, 2)
    _check_batches(con, sums)
    r = ingest_file(con, src.parent / "file2.csv")
    assert r.status == "loaded"
    assert con.execute("SELECT sum(spend) FROM fact_active").fetchall()[0][0] == sum(sums.values())
    con.close()


def _corrupt(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    for i in range(at, min(at + 16, len(b))):
        b[i] ^= 0xFF
    return bytes(b)


def _refused_corruption(src: Path, data: bytes, tmp_path: Path) -> tuple[Path, bytes]:
    """A copy of the store whose log DuckDB alone refuses to open: corrupted a third of the way in, or further on.

    DuckDB does not check every byte of its log: a scan of one log in 256-byte steps found 2 spots of 406 where
    16 flipped bytes went unnoticed (its first bytes, and one spot inside), and the log's layout moves a little
    from run to run. So the spot is chosen by asking DuckDB, not assumed.
    """
    import duckdb

    for at in range(len(data) // 3, len(data) - 16, 256):
        bad = _corrupt(data, at)
        db = _copy(src, bad, tmp_path / f"bad{at}")
        try:
            duckdb.connect(str(db)).close()
        except duckdb.Error as e:
            if "wal" in str(e).lower():
                return db, bad
    pytest.fail("DuckDB opened the store with every corrupted log tried")


def test_corrupt_wal_is_set_aside_never_deleted_and_the_app_opens(wal_store, tmp_path, monkeypatch):
    src, wal, sums = wal_store
    data = wal.read_bytes()
    # DuckDB alone refuses to open it: without smm's handling the app would fail on every start.
    db, bad = _refused_corruption(src, data, tmp_path)
    monkeypatch.setenv("SMM_DB", str(db))
    at = app_test(lang="en")
    with pytest.warns(RuntimeWarning, match="set aside|renamed"):
        at.run()
    assert not at.exception
    aside = store.set_aside_wals(db)
    assert len(aside) == 1 and aside[0].read_bytes() == bad  # kept byte for byte
    assert not Path(str(db) + ".wal").exists() or Path(str(db) + ".wal").stat().st_size < len(data)
    notes = [w.value for w in at.warning]
    assert any(aside[0].name in n and "write-ahead log" in n for n in notes), notes
    # A second start (another rerun, a restart of the process) opens normally: no crash loop.
    at.run()
    assert not at.exception
    at.switch_page("pages/data.py").run()
    assert not at.exception
    con = store.connect(db)
    assert [b for (b,) in con.execute("SELECT batch_id FROM load_batches").fetchall()] == [1]
    _check_batches(con, sums)
    con.close()
    # The command line says it too (and still works) once the app has let go of the store.
    _close_app_store(db)
    res = _smm("totals", "--db", str(db), "--json")
    assert res.returncode == 0, res.stderr
    assert "set aside" in res.stderr and aside[0].name in res.stderr
    assert json.loads(res.stdout)["spend"] == sums[1]


def _close_app_store(db: Path) -> None:
    """Stop the in-process app's cached connection, as stopping the server would."""
    import streamlit as st

    from smm import ui

    ui._root(str(db)).close()
    st.cache_resource.clear()


# ------------------------------------------------------------------------------- store in use


def test_second_process_gets_store_in_use_and_first_is_unaffected(tmp_path, monkeypatch):
    f1, s1 = _write(tmp_path, 1)
    f2, s2 = _write(tmp_path, 2)
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen([sys.executable, CHILD, "hold", str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "ready"
        holder.stdin.write(f"load {f1}\n")
        holder.stdin.flush()
        assert json.loads(holder.stdout.readline())["status"] == "loaded"

        # The CLI: a clear message, exit code 2, no traceback.
        res = _smm("ingest", str(f2), "--db", str(db), "--json")
        assert res.returncode == 2
        assert "in use by another process" in res.stderr and str(db) in res.stderr
        assert "Traceback" not in res.stderr
        assert _smm("totals", "--db", str(db)).returncode == 2
        # The library: a typed error.
        with pytest.raises(StoreBusyError):
            store.connect(db)
        with pytest.raises(StoreBusyError):
            store.connect(db, read_only=True)
        # The app: st.error in the user's language, nothing else runs.
        monkeypatch.setenv("SMM_DB", str(db))
        at = app_test(lang="en").run()
        assert not at.exception
        assert len(at.error) == 1 and "in use by another program" in at.error[0].value and str(db) in at.error[0].value
        at_zh = app_test(lang="zh").run()
        assert "正被另一个程序占用" in at_zh.error[0].value

        # The first process carries on: it loads and reads as before.
        holder.stdin.write(f"load {f2}\ncount\nquit\n")
        holder.stdin.flush()
        assert json.loads(holder.stdout.readline())["status"] == "loaded"
        assert int(holder.stdout.readline()) == 120
        assert holder.wait(30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
    con = store.connect(db)
    _check_batches(con, {1: s1, 2: s2})
    con.close()
    # Once the holder is gone the app opens the store (the failed open was not cached).
    at = app_test(lang="en").run()
    assert not at.exception and not at.error


# ------------------------------------------------------------------------- read-only directory

_libc = ctypes.CDLL(None, use_errno=True)


def _drop_file_capabilities() -> None:
    """For root: leave CAP_DAC_OVERRIDE / DAC_READ_SEARCH / FOWNER out of the child, so that file
    permissions apply to it as they do to a normal user (PR_CAPBSET_DROP before exec)."""
    for cap in (1, 2, 3):
        if _libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_unprivileged(read_only_dir: Path) -> dict:
    """subprocess.run arguments under which `read_only_dir` (mode 555) really is read-only."""
    if os.geteuid() != 0:
        return {}
    probe = subprocess.run([sys.executable, "-c", f"import os; print(os.access({str(read_only_dir)!r}, os.W_OK))"],
                           preexec_fn=_drop_file_capabilities, capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != "False":
        pytest.skip("running as root without the capability to drop CAP_DAC_OVERRIDE: a read-only folder "
                    "cannot be simulated here")
    return {"preexec_fn": _drop_file_capabilities}


def test_read_only_data_directory_gives_a_clear_error_and_changes_nothing(tmp_path):
    f1, s1 = _write(tmp_path, 1)
    f2, _ = _write(tmp_path, 2)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = data_dir / "s.duckdb"
    con = store.connect(db)
    assert ingest_file(con, f1).status == "loaded"
    before = snapshot_state(con)
    con.close()
    files_before = sorted(p.name for p in data_dir.iterdir())
    os.chmod(data_dir, 0o555)
    try:
        kw = _as_unprivileged(data_dir)
        res = _smm("ingest", str(f2), "--db", str(db), "--json", **kw)
        new = _smm("ingest", str(f2), "--db", str(data_dir / "sub" / "new.duckdb"), **kw)
        fresh = _smm("ingest", str(f2), "--db", str(data_dir / "new.duckdb"), **kw)
        assert sorted(p.name for p in data_dir.iterdir()) == files_before  # nothing created beside the store
    finally:
        os.chmod(data_dir, 0o755)
    for r in (res, new, fresh):
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert "cannot be written" in r.stderr and "Nothing was changed" in r.stderr
        assert "Traceback" not in r.stderr
    con = store.connect(db)
    assert snapshot_state(con) == before
    _check_batches(con, {1: s1})
    con.close()


def test_unusable_data_directory_shows_st_error_in_the_app(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("SMM_DB", str(blocker / "smm.duckdb"))
    at = app_test(lang="en").run()
    assert not at.exception
    assert len(at.error) == 1 and "cannot be written" in at.error[0].value
    with pytest.raises(StoreUnavailableError):
        store.connect(blocker / "smm.duckdb")


# -------------------------------------------------------------------------------------- damaged store file


def _tear_live_metadata(db: Path) -> None:
    """Flip bytes inside the block holding the metadata the store's current header points to, as a write torn by
    a kill during a checkpoint leaves it (bench/crash.py: torn_live_metadata_block)."""
    import struct

    head = db.read_bytes()[:3 * 4096]
    current = max((struct.unpack_from("<QQQQQQ", head, off) for off in (4096, 8192)), key=lambda h: h[1])
    at = 3 * 4096 + (current[2] & ((1 << 56) - 1)) * current[5] + 64
    data = db.read_bytes()[at:at + 512]
    with open(db, "r+b") as fh:
        fh.seek(at)
        fh.write(bytes(b ^ 0xFF for b in data))


@pytest.fixture(params=["torn_metadata", "not_duckdb"])
def damaged_store(request, tmp_path):
    db = tmp_path / "s.duckdb"
    if request.param == "torn_metadata":
        con = store.connect(db)
        f1, _ = _write(tmp_path, 1)
        assert ingest_file(con, f1).status == "loaded"
        con.execute("CHECKPOINT")
        con.close()
        _tear_live_metadata(db)
    else:
        db.write_bytes(random.Random(3).randbytes(40_000))
    return db


def test_a_damaged_store_file_is_named_never_changed_and_the_cli_says_what_to_do(damaged_store):
    db = damaged_store
    before = db.read_bytes()
    with pytest.raises(StoreDamagedError) as exc:
        store.connect(db)
    assert exc.value.path == str(db) and exc.value.reason
    export = next((ROOT / "sample_data" / "files").glob("*.csv"))
    for args in (("totals", "--db", str(db)), ("ingest", str(export), "--db", str(db))):
        r = _smm(*args)
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert f"the store {db} is damaged" in r.stderr and "restore a backup" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert db.read_bytes() == before
    assert not Path(str(db) + ".wal").exists()


def test_a_damaged_store_file_shows_st_error_in_the_app(damaged_store, monkeypatch):
    db = damaged_store
    before = db.read_bytes()
    monkeypatch.setenv("SMM_DB", str(db))
    for lang, words in (("en", "is damaged and cannot be opened"), ("zh", "已损坏，无法打开")):
        at = app_test(lang=lang).run()
        assert not at.exception
        assert len(at.error) == 1 and words in at.error[0].value and str(db) in at.error[0].value
    assert db.read_bytes() == before


# -------------------------------------------------------------------------------------- disk full


def test_disk_full_while_loading_reports_clearly_and_writes_nothing(tmp_path):
    """RLIMIT_FSIZE in a child process: the write-ahead log (or a temp file) cannot grow past the limit."""
    f1, s1 = _write(tmp_path, 1)
    big = tmp_path / "big.csv"
    big_rows = [["weibo", f"2026-05-{i % 28 + 1:02d}", f"campaign {i}", "k", "2", "200", "2", ""] for i in range(20_000)]
    big.write_bytes(csv_bytes(big_rows))
    huge = tmp_path / "huge.csv"   # larger than the limit itself: the temp file of the reader fails first
    huge.write_bytes(csv_bytes(big_rows * 4))
    db = tmp_path / "s.duckdb"
    out = _run_child("load", str(db), str(f1), str(big), str(huge), "--fsize", "100000")
    assert out[0]["status"] == "loaded"
    for r in out[1:]:
        assert r.get("status") == "rejected" and r["codes"] == ["write_failed"], r  # a report, not an exception
    ref = tmp_path / "ref.duckdb"
    rc = store.connect(ref)
    assert ingest_file(rc, f1).status == "loaded"
    con = store.connect(db)
    assert store.table_fingerprint(con) == store.table_fingerprint(rc)
    _check_batches(con, {1: s1})
    # With space again the same file loads completely.
    r = ingest_file(con, big)
    assert r.status == "loaded" and r.rows_loaded == 20_000
    assert con.execute("SELECT sum(spend) FROM fact_active").fetchall()[0][0] == s1 + 40_000
    con.close()
    rc.close()


@pytest.mark.parametrize("quick", [False, True], ids=["as_it_comes", "load_fails_before_the_sidebar_reads"])
def test_app_recovers_after_the_database_stopped_on_a_full_disk(tmp_path, monkeypatch, quick):
    """A failed checkpoint makes DuckDB invalidate the database: the app reports the failed upload, then
    reopens the store from disk on the next run instead of failing on every page.

    The upload loads beside the script run that took it. `quick`: its write fails before that run's sidebar reads
    the store (seen in CI: the run then ended on DuckDB's FatalException, an error page)."""
    import streamlit as st

    from smm import ui

    if quick:
        take = ui.take_uploads

        def take_and_let_it_end(c):
            take(c)
            for job in st.session_state.get("_upload_jobs") or ():
                job.wait(60)

        monkeypatch.setattr(ui, "take_uploads", take_and_let_it_end)

    f1, s1 = _write(tmp_path, 1)
    f2, s2 = _write(tmp_path, 2, n=3000)
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    assert ingest_file(con, f1).status == "loaded"
    con.close()
    monkeypatch.setenv("SMM_DB", str(db))
    at = app_test().run()  # zh: AppTest formats Data-page radio labels outside the run in zh
    at.switch_page("pages/data.py").run()
    assert not at.exception
    root = ui._root(str(db))
    root.execute("CHECKPOINT")
    root.execute("SET checkpoint_threshold = '1KB'")  # every commit checkpoints: the failure is a fatal one
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (db.stat().st_size + 10_000, old_limit[1]))
    try:
        at.file_uploader(key="uploader").set_value([(f2.name, f2.read_bytes(), "text/csv")]).run()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.code)
    assert "无法写入数据库" in shown and "没有载入任何内容" in shown, shown
    # Next run: the store is reopened (committed state: file 1 only) and uploads work again.
    at2 = app_test().run()
    at2.switch_page("pages/data.py").run()
    assert not at2.exception and not at2.error
    at2.file_uploader(key="uploader").set_value([(f2.name, f2.read_bytes(), "text/csv")]).run()
    assert not at2.exception and not at2.error
    check = ui._root(str(db)).cursor()
    _check_batches(check, {1: s1, 2: s2})
    assert [r[0] for r in check.execute("SELECT file_name FROM load_batches ORDER BY batch_id").fetchall()] == [
        "file1.csv", "file2.csv"]


def test_generic_header_used_here_is_the_generic_template():
    from smm.profiles import recognise

    assert recognise(GENERIC_HEADER).profile.id == "generic_facts"


def test_a_log_with_a_damaged_start_is_set_aside_not_silently_dropped(wal_store, tmp_path):
    # DuckDB alone takes a log whose first entry does not parse for a torn write: it opens the store at its last
    # checkpoint and deletes the log, and batches 2 and 3 with it, without a word.
    src, wal, sums = wal_store
    data = wal.read_bytes()
    bad = _corrupt(data, 0)
    plain = _copy(src, bad, tmp_path / "plain")
    import duckdb

    for k in range(2):      # the first write overwrites the log: batches 2 and 3 are gone for good
        con = duckdb.connect(str(plain))
        assert con.execute("SELECT batch_id FROM load_batches").fetchall() == [(1,)]
        con.execute(f"CREATE TABLE any_write_{k} (x INTEGER)")
        con.close()
        assert not Path(str(plain) + ".wal").exists()
    # smm keeps it, byte for byte, and says so.
    db = _copy(src, bad, tmp_path / "smm")
    with pytest.warns(RuntimeWarning, match="does not start like a DuckDB log"):
        con = store.connect(db)
    try:
        assert con.execute("SELECT batch_id FROM load_batches").fetchall() == [(1,)]
        _check_batches(con, sums)
    finally:
        con.close()
    aside = store.set_aside_wals(db)
    assert len(aside) == 1 and aside[0].read_bytes() == bad
    # A healthy log, and one cut short inside its first entry, are not touched.
    for cut in (len(data), 3, 5):
        ok = _copy(src, data[:cut], tmp_path / f"ok{cut}")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            con = store.connect(ok)
        n = len(con.execute("SELECT batch_id FROM load_batches").fetchall())
        con.close()
        assert store.set_aside_wals(ok) == [] and n == (3 if cut == len(data) else 1)


def test_sessions_that_find_the_stopped_database_at_once_reopen_it_once(tmp_path, monkeypatch):
    """Several sessions' runs find the invalidated store at the same moment: one reopens it, the others wait for
    that and use the reopened one (a second close-and-reopen would cut the first session's cursor off)."""
    import threading

    from smm import ui

    f1, s1 = _write(tmp_path, 1)
    f2, _ = _write(tmp_path, 2, n=3000)
    db = tmp_path / "s.duckdb"
    monkeypatch.setenv("SMM_DB", str(db))
    root = ui._root(str(db))
    assert ingest_file(root.cursor(), f1).status == "loaded"
    root.execute("CHECKPOINT")
    root.execute("SET checkpoint_threshold = '1KB'")
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (db.stat().st_size + 10_000, old_limit[1]))
    try:
        report = ingest_file(root.cursor(), f2)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert report.status != "loaded"
    assert not ui._store_alive()
    start, got, errors = threading.Barrier(6), [], []

    def run():
        try:
            start.wait()
            cur = ui._reopen(str(db))
            got.append((cur, cur.execute("SELECT sum(spend) FROM fact_active").fetchall()[0][0]))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert ui._store_alive() and ui._root(str(db)) is not root
    # Every cursor handed out still works after the others were (the store was reopened once), on the committed
    # state: file 1 only.
    assert [s for _, s in got] == [s1] * 6
    for cur, _ in got:
        cur.execute("SELECT 1").fetchall()
    check = ui._root(str(db)).cursor()
    _check_batches(check, {1: s1})
    assert ingest_file(check, f2).status == "loaded"
