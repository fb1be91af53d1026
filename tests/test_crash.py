"""Issue 7, "Kill during load": SIGKILL a loading process at chosen points, 56 cycles, and check the store
after every one. The engine (child process, kill points, invariants, reference model) is bench/crash.py;
its docstring lists the points and the checks. `python bench/crash.py --cycles 500` is the long variant.
"""

from __future__ import annotations

import importlib.util
import json
import sys

from conftest import ROOT

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
