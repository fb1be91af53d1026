"""The bundled sample data: loaded through the same ingestion path a user's upload takes."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from smm.ingest import LoadOptions, LoadReport, delete_batch, ingest_file
from smm.jobs import Job

_ORDER = ("kol_roster", "budget_plan", "other_costs")


def sample_dir() -> Path:
    """Where the sample files are: $SMM_SAMPLE_DIR, else sample_data/files beside the package."""
    env = os.environ.get("SMM_SAMPLE_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "sample_data" / "files"


def sample_files() -> list[Path]:
    files = [p for p in sorted(sample_dir().iterdir()) if p.is_file() and not p.name.startswith(".")
             and p.suffix.lower() in (".csv", ".xlsx", ".txt", ".tsv")]
    return files


def load_sample(con: duckdb.DuckDBPyConnection, progress: Callable[[int, int, str], None] | None = None,
                workers: int | None = None) -> list[LoadReport]:
    """Load every sample file (marked as sample data); returns one report per file, in file order.

    The files load `workers` at a time (default: one per CPU, at most 4), each on its own cursor: a file's
    cleaning and checks run while the file before it is written. On two CPUs the sample's 109 small files load
    in about two thirds of the time (8.7 s against 14–17 s, measured 2026-12-05): DuckDB planning each file's
    statements is most of a small file's time, and it runs on one core. The writes still happen in file order
    (a file waits for its turn before it writes): an export that overlaps an earlier one replaces its rows, so
    the order decides what is stored. A file that fails, even before it has a cursor, still passes its turn on.
    `progress(i, n, name)` is called from the calling thread (Streamlit's script thread) as file i is awaited.
    """
    files = sample_files()
    workers = max(1, min(4, os.cpu_count() or 1) if workers is None else workers)
    turn = threading.Condition()
    done = [0]      # how many files, from the first, are finished

    def one(i: int, path: Path) -> LoadReport:
        def my_turn(step: str) -> None:
            if step == "write":
                with turn:
                    turn.wait_for(lambda: done[0] == i)

        cur = None
        try:
            cur = con.cursor()
            return ingest_file(cur, path, LoadOptions(is_sample=True), on_step=my_turn)
        finally:
            if cur is not None:
                cur.close()
            # A file finishes in turn too (written, rejected or failed). The pool starts files in order, so the
            # earliest unfinished file is always running and never waits: no file waits forever.
            with turn:
                turn.wait_for(lambda: done[0] == i)
                done[0] += 1
                turn.notify_all()

    reports = []
    with ThreadPoolExecutor(workers, thread_name_prefix="smm-sample") as pool:
        futures = [pool.submit(one, i, path) for i, path in enumerate(files)]
        try:
            for i, (path, fut) in enumerate(zip(files, futures, strict=True), 1):
                if progress:
                    progress(i, len(files), path.name)
                reports.append(fut.result())
        except BaseException:
            for fut in futures:
                fut.cancel()    # a failed file (or a stopped script) stops the files not yet started
            raise
    return reports


class SampleJob(Job):
    """The sample loading as a job of the server (smm.jobs): a first start that the user moves on from still
    loads every file, and a session that starts while it runs shows its progress and waits for it.
    `progress` is (file number from 1, files, file name)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, key: str, on_done: Callable[[], None] | None = None) -> None:
        super().__init__(lambda: load_sample(con, self._step), "smm-sample-load", on_done)
        self._key = key
        self.progress = (0, len(sample_files()), "")

    def _ended(self) -> None:
        with _JOBS_LOCK:
            if _JOBS.get(self._key) is self:
                del _JOBS[self._key]

    def _step(self, i: int, n: int, name: str) -> None:
        self.progress = (i, n, name)


_JOBS: dict[str, SampleJob] = {}      # store path → its running job (removed when it ends)
_JOBS_LOCK = threading.Lock()


def load_in_background(con: duckdb.DuckDBPyConnection, key: str,
                       on_done: Callable[[], None] | None = None) -> SampleJob:
    """The running sample job of the store `key` (its path), else a new one loading through `con`, started.
    `con` must outlive the job (the app's root connection, not a script run's cursor). `on_done` is called as
    it ends (in the app: clear the query caches, whichever session is still there to see it)."""
    with _JOBS_LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _JOBS[key] = SampleJob(con, key, on_done)
            job.start()
        return job


def loading(key: str) -> SampleJob | None:
    """The sample job running for the store `key` (its path), if any."""
    with _JOBS_LOCK:
        return _JOBS.get(key)


def incomplete(con: duckdb.DuckDBPyConnection) -> bool:
    """True when part of the sample is loaded and nothing else was ever done with the store: a first start
    that was cut short (the server stopped while it loaded). Any upload of the user's own, and any deleted
    batch (the sample cleared, a file removed), is a choice made since: then the store is left as it is."""
    other, loaded = con.execute("SELECT count(*) FILTER (WHERE NOT is_sample OR status <> 'loaded'), "
                                "count(*) FILTER (WHERE is_sample) FROM load_batches").fetchall()[0]
    return other == 0 and 0 < loaded < len(sample_files())


def sample_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any bundled sample batch is loaded (alone or beside the user's own uploads)."""
    return con.execute("SELECT count(*) FROM load_batches WHERE is_sample AND status = 'loaded'").fetchall()[0][0] > 0


def clear_sample(con: duckdb.DuckDBPyConnection) -> int:
    """Delete every sample batch; returns how many were deleted."""
    ids = [r[0] for r in con.execute("SELECT batch_id FROM load_batches WHERE is_sample AND status = 'loaded' "
                                     "ORDER BY batch_id DESC").fetchall()]
    for b in ids:
        delete_batch(con, b)
    return len(ids)
