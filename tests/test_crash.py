"""Issue 7, "Kill during load": SIGKILL a loading process at chosen points, 56 cycles, and check the store
after every one. The engine (child process, kill points, invariants, reference model) is bench/crash.py;
its docstring lists the points and the checks. `python bench/crash.py --cycles 500` is the long variant.
"""

from __future__ import annotations

import importlib.util
import json
import sys

from conftest import ROOT

from smm import store

CYCLES = 56          # 8 per kill point
ROWS = 2000          # rows per file (5 files, each overlapping the next by a week)


def _crash_module():
    spec = importlib.util.spec_from_file_location("smm_bench_crash", ROOT / "bench" / "crash.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_kill_during_load_loses_nothing_and_never_half_loads(tmp_path):
    crash = _crash_module()
    stats = crash.run(CYCLES, ROWS, seed=7, workdir=tmp_path, log=None)   # raises on any broken invariant
    print("kill-during-load:", json.dumps(stats.as_dict(), sort_keys=True))
    assert stats.cycles == CYCLES
    # DuckDB's own torn metadata block after a kill in a checkpoint (bench/crash.py: torn_live_metadata_block) is
    # rare (3 in ~5,000 cycles seen): once in a run is tolerated and recorded, twice fails.
    assert stats.duckdb_torn <= 1, stats.duckdb_torn
    assert stats.by_point == {p: CYCLES // len(crash.POINTS) for p in crash.POINTS}
    # The self-inflicted kills happen exactly where they are aimed.
    for point, marker in (("before_begin", "begin"), ("before_commit", "commit"), ("after_commit", "committed")):
        assert stats.by_phase.get(f"{point}@{marker}") == CYCLES // len(crash.POINTS), stats.by_phase
    # The timed kills land inside the phase they aim at at least some of the time (the rest just after).
    for point, marker in (("mid_insert", "insert_fact"), ("mid_commit", "commit"), ("mid_checkpoint", "checkpoint")):
        assert stats.by_phase.get(f"{point}@{marker}", 0) >= 1, stats.by_phase
    # Both outcomes occurred: some killed loads were committed (and complete), some were not (and absent).
    assert stats.committed >= CYCLES // len(crash.POINTS) and stats.lost >= 2 * CYCLES // len(crash.POINTS)
    assert stats.deletes >= CYCLES - 8 and stats.reloads >= CYCLES - 8


def test_model_matches_a_plain_load(tmp_path, con):
    """The reference model itself agrees with the store on an uninterrupted load (so it can judge the rest)."""
    from smm.ingest import ingest_file

    crash = _crash_module()
    raw = crash.make_files(tmp_path / "files", 3, 300, seed=3)
    files = crash.frames(raw)
    order = ["weekly_01.csv", "weekly_00.csv", "weekly_02.csv"]
    for name in order:
        assert ingest_file(con, tmp_path / "files" / name).status == "loaded"
    import hashlib

    digests = {n: hashlib.sha256((tmp_path / "files" / n).read_bytes()).hexdigest() for n in raw}
    got = crash.verify(con, files, digests, full_rollup=True)
    assert got == crash.model(files, order)
    assert got[0] < sum(len(f) for f in files.values())  # overlapping weeks were superseded, not added


def test_the_torn_metadata_signature_is_recognised_only_where_it_fits(tmp_path):
    """The harness forgives exactly one DuckDB failure: a checksum error in the block the current header's
    metadata pointer names. Another block, another error, or a file that is not a store is not forgiven."""
    import struct

    crash = _crash_module()
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    head = bytearray(db.read_bytes()[:3 * 4096])
    (h1, h2) = (struct.unpack_from("<QQQQQQ", head, off) for off in (4096, 8192))
    current = max(h1, h2, key=lambda h: h[1])
    loc = 3 * 4096 + (current[2] & ((1 << 56) - 1)) * current[5]

    def err(at):
        return OSError(f"Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at "
                       f"location {at}")

    assert crash.torn_live_metadata_block(db, err(loc))
    assert not crash.torn_live_metadata_block(db, err(loc + current[5]))     # a data block
    assert not crash.torn_live_metadata_block(db, OSError("IO Error: something else"))
    other = tmp_path / "not_a_store.duckdb"
    other.write_bytes(b"x" * 20000)
    assert not crash.torn_live_metadata_block(other, err(loc))


def test_a_torn_metadata_block_after_a_checkpoint_kill_is_restored_and_counted(tmp_path, monkeypatch):
    """The restore path, on a real corruption: after the first timed kill that landed in a checkpoint or a commit,
    bytes of the live metadata block are flipped (as a torn write leaves them); the store fails to open with
    DuckDB's checksum error, the harness restores the store from before the cycle, counts one event, and every
    later cycle checks out."""
    crash = _crash_module()
    real = crash._run_child
    torn = []

    def run_child(server, store_path, file, point, delays, rnd):
        c = real(server, store_path, file, point, delays, rnd)
        c.finish_orig, c.finish = c.finish, lambda: _tear(store_path, point, c, c.finish_orig())
        return c

    def _tear(path, point, c, result):
        if torn or point in crash.SELF_KILLED or c.last_marker() not in crash.CHECKPOINTING:
            return result
        at = crash.live_metadata_location(path)[0] + 64
        with open(path, "r+b") as fh:
            fh.seek(at)
            fh.write(bytes(b ^ 0xFF for b in path.read_bytes()[at:at + 512]))
        torn.append(at)
        return result

    monkeypatch.setattr(crash, "_run_child", run_child)
    stats = crash.run(len(crash.POINTS) * 2, 300, seed=5, workdir=tmp_path, log=None)
    assert torn and stats.duckdb_torn == 1
    assert stats.cycles == len(crash.POINTS) * 2
