"""Loads that run on a thread of the server process, not in a script run.

Streamlit stops a script run when its session moves on: another page clicked, the language switched, the tab
closed. A load run by the script itself stopped there: a file being written was rolled back whole, the files
after it were never read, and the load's report was lost with the run. A job runs to its end whatever the
sessions do; a script run only shows its progress and, once it has ended, its outcome.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Sequence

import duckdb

from smm.ingest import LOAD_STEPS, LoadOptions, LoadReport, ingest_bytes
from smm.profiles import Profile


class Job:
    """`work()` on a daemon thread, started by `start()`. `progress` is what the work last reported (for a
    display), `error` what it raised, if anything. `on_done` runs as it ends, whichever session is still there
    to see it (in the app: clear the query caches)."""

    def __init__(self, work: Callable[[], None], name: str, on_done: Callable[[], None] | None = None) -> None:
        self._work, self._on_done = work, on_done
        self.progress: tuple = ()
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as e:  # noqa: BLE001 - handed to every session that waits for the job
            self.error = e
        finally:
            try:
                if self._on_done:
                    self._on_done()
            except Exception as e:  # noqa: BLE001 - the job still ends, and says so
                self.error = self.error or e
            self._ended()
            self._done.set()

    def _ended(self) -> None:
        """Called on the job's thread as it ends, before `wait` returns True (a hook for subclasses)."""

    def start(self) -> Job:
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """True once the job has ended (its work done, or failed: see `error`)."""
        return self._done.wait(timeout)

    @property
    def ended(self) -> bool:
        return self._done.is_set()

    def fraction(self) -> float:
        """How far the work is, from 0 to 1, for a progress whose first two items are (number from 1, of)."""
        i, n = self.progress[:2]
        return min(1.0, i / n) if n else 0.0


# Names a file that, while it exists, holds every upload job at the start of a file's write step (its rows read,
# cleaned and checked; nothing written yet), for up to LOAD_GATE_MAX_S. Unset in use. It lets a browser test (or a
# demonstration) act while a load is surely still running, instead of hoping a large file takes long enough.
LOAD_GATE_ENV = "SMM_LOAD_GATE"
LOAD_GATE_MAX_S = 600.0


def _wait_at_gate() -> None:
    gate = os.environ.get(LOAD_GATE_ENV)
    deadline = time.monotonic() + LOAD_GATE_MAX_S
    while gate and os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.05)


# This server process. The files its upload jobs have taken and not finished loading are rows of upload_attempts
# with this id; a row with another id is a file a server stopped before loading it (see interrupted).
SERVER_ID = uuid.uuid4().hex


def _try_write(cur: duckdb.DuckDBPyConnection, sql: str, params) -> bool:
    """Run a write of the upload record; False where the store takes no write. Keeping the record must never stop
    a load (the load reports a store that takes no write itself), and a row left behind only means the next
    server names its file."""
    try:
        cur.execute(sql, params)
    except duckdb.Error:
        return False
    return True


def _record_attempts(cur: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, bytes]],
                     account: str | None) -> list[str | None]:
    """Write a row of upload_attempts per file (one statement); their ids, or Nones where the store takes no
    write."""
    ids = [uuid.uuid4().hex for _ in files]
    # (started_at: the store's clock, as load_batches.loaded_at, which `interrupted` compares it with)
    ok = _try_write(cur, "INSERT INTO upload_attempts (attempt_id, server, account, file_name, size_bytes, position) "
                         "SELECT unnest($a), $s, $u, unnest($n), unnest($b), unnest($k)",
                    {"a": ids, "s": SERVER_ID, "u": account, "n": [name for name, _ in files],
                     "b": [len(data) for _, data in files], "k": list(range(len(files)))})
    return ids if ok else [None] * len(files)


def _end_attempts(cur: duckdb.DuckDBPyConnection, ids: Sequence[str | None]) -> None:
    ids = [a for a in ids if a]
    if ids:
        _try_write(cur, "DELETE FROM upload_attempts WHERE list_contains(?, attempt_id)", [ids])


def _forget_interrupted(cur: duckdb.DuckDBPyConnection, name: str, size: int, account: str | None) -> None:
    """A file a stopped server left unloaded has now loaded (uploaded again): it is no longer to be named."""
    _try_write(cur, "DELETE FROM upload_attempts WHERE server <> ? AND file_name = ? AND size_bytes = ? "
                    "AND account IS NOT DISTINCT FROM ?", [SERVER_ID, name, size, account])


def interrupted(con: duckdb.DuckDBPyConnection, account: str | None = None) -> list[tuple[str, str, int, dt.datetime]]:
    """Files a server stopped before loading them (restarted or killed while they loaded or waited to), oldest
    first: (attempt id, file name, size in bytes, when it was uploaded); with a login, only `account`'s own.

    Not a file whose load was committed all the same (the server stopped between its commit and the record's
    removal): a batch of that name loaded since the upload says so."""
    return [tuple(r) for r in con.execute(
        "SELECT a.attempt_id, a.file_name, a.size_bytes, a.started_at FROM upload_attempts a WHERE a.server <> ? "
        "AND a.account IS NOT DISTINCT FROM ? AND NOT EXISTS (SELECT 1 FROM load_batches b "
        "WHERE b.file_name = a.file_name AND b.loaded_at >= a.started_at) ORDER BY a.started_at, a.position",
        [SERVER_ID, account]).fetchall()]


def dismiss_interrupted(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> None:
    """Forget files `interrupted` named (the user has seen the note)."""
    con.execute("DELETE FROM upload_attempts WHERE server <> ? AND list_contains(?, attempt_id)",
                [SERVER_ID, list(ids)])


class UploadQueue(list):
    """A session's upload jobs, oldest first (the app keeps it in the session's state). A job holds it weakly: once
    the session has gone (its tab closed), a job that ends finds it freed, and its reports are left for the next
    Data page opened (see abandoned)."""


# Ended upload jobs whose reports no session has taken yet (claim), oldest first; a few, since a report can hold a
# large rejected-rows CSV.
_UNCLAIMED: list[UploadJob] = []
_UNCLAIMED_LOCK = threading.Lock()
KEEP_UNCLAIMED = 20
_last_collect = 0.0


def abandoned(store: str, account: str | None = None) -> list[UploadJob]:
    """Ended upload jobs into `store` whose session went before it took their reports (the tab was closed while
    they loaded), oldest first; with a login, only those `account` started. The caller claims each one it shows."""
    global _last_collect
    with _UNCLAIMED_LOCK:
        found = [j for j in _UNCLAIMED if j.store == store and j.account == account]
    if any(j.owner_alive for j in found) and time.monotonic() - _last_collect > 30:
        _last_collect = time.monotonic()     # a closed session's state can wait in a reference cycle: free it now
        gc.collect()
    return [j for j in found if not j.owner_alive]


class UploadJob(Job):
    """Files a user uploaded, loaded one after the other through one cursor of `con` (the app's root connection,
    which outlives the job). `reports` grows by one as each file ends, in file order; `progress` is
    (file number from 1, files, file name, step of ingest.LOAD_STEPS). `replaces` is the report this load
    stands in for (an unrecognised file loaded again once its format was mapped), or None. `after`: a job to wait
    for before loading (the same session's upload before this one). `owner`: the session's UploadQueue, held
    weakly; its reports are then kept, once the job ends, until a session claims them (see abandoned). `store`
    (the store's path) and `account` (who signed in, with a login) say whose Data page may take them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, bytes]], opts: LoadOptions,
                 extra_profiles: tuple[Profile, ...] = (), on_done: Callable[[], None] | None = None,
                 replaces: LoadReport | None = None, after: Job | None = None, owner: UploadQueue | None = None,
                 store: str | None = None, account: str | None = None) -> None:
        super().__init__(self._load, "smm-upload-load", on_done)
        self._after = after
        self._owner = weakref.ref(owner) if owner is not None else None
        self.store, self.account = store, account
        self._con, self._files = con, list(files)
        self._opts, self._extra = opts, extra_profiles
        self.names = [name for name, _ in self._files]
        self.replaces = replaces
        self.reports: list[LoadReport] = []
        self.progress = (0, len(self.names), "", LOAD_STEPS[0])

    def _load(self) -> None:
        cur = self._con.cursor()
        # Kept in the store until each file's load ends, waiting included: a server stopped before then (restarted,
        # killed) leaves the row, and the next one's Data page names the file (interrupted).
        attempts = _record_attempts(cur, self._files, self.account)
        try:
            if self._after is not None:
                self._after.wait()          # files load in the order they were uploaded
                self._after = None          # and its reports are not kept alive by this one
            n = len(self._files)
            for i in range(1, n + 1):
                name, data = self._files.pop(0)     # its bytes go once it is loaded: a week's uploads can be large
                self.progress = (i, n, name, LOAD_STEPS[0])

                def step(s: str, i: int = i, name: str = name) -> None:
                    self.progress = (i, n, name, s)
                    if s == "write":
                        _wait_at_gate()

                report = ingest_bytes(cur, data, name, self._opts, extra_profiles=self._extra, on_step=step)
                self.reports.append(report)
                _end_attempts(cur, attempts[i - 1:i])
                if report.status in ("loaded", "already_loaded"):
                    _forget_interrupted(cur, name, len(data), self.account)
                del data
        finally:
            _end_attempts(cur, attempts[len(self.reports):])   # failed: the session that waits is told (error)
            cur.close()
            self._con = None        # an ended job may be kept a while for its reports (see abandoned): not the store

    @property
    def owner_alive(self) -> bool:
        """Whether the session that started the job is still there (True for a job without an owner)."""
        return self._owner is None or self._owner() is not None

    def _ended(self) -> None:
        if self._owner is not None:
            with _UNCLAIMED_LOCK:
                _UNCLAIMED.append(self)
                del _UNCLAIMED[:-KEEP_UNCLAIMED]

    def claim(self) -> bool:
        """Take the job's reports off the unclaimed ones: True for the one session that did (another may have, or
        they were never kept: no owner)."""
        with _UNCLAIMED_LOCK:
            if self in _UNCLAIMED:
                _UNCLAIMED.remove(self)
                return True
        return False

    def fraction(self) -> float:
        """How far the load is, from 0 to 1, by files and their steps (a file counts once it ends)."""
        i, n, _name, s = self.progress
        if not n or not i:
            return 0.0
        return min(1.0, (i - 1 + LOAD_STEPS.index(s) / len(LOAD_STEPS)) / n)
