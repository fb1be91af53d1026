"""The only module that opens DuckDB: path, connection, migrations, macros."""

from __future__ import annotations

import datetime as dt
import functools
import glob
import os
import re
import tempfile
import warnings
from pathlib import Path

import duckdb

from smm.errors import StoreBusyError, StoreDamagedError, StoreUnavailableError
from smm.schema import BATCH_TABLES

MIGRATIONS_DIR = Path(__file__).with_name("sql") / "migrations"
DATA_TABLES = ("load_batches", *BATCH_TABLES, "fx_rates", "user_profiles", "settings")


def default_db_path() -> Path:
    """Return the documented default store path: $XDG_DATA_HOME/smm/smm.duckdb (~/.local/share/…)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "smm" / "smm.duckdb"


def db_path(path: str | os.PathLike | None = None) -> Path:
    """Resolve the store path: explicit argument, else $SMM_DB, else the default."""
    if path:
        return Path(path)
    env = os.environ.get("SMM_DB")
    return Path(env) if env else default_db_path()


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every migration file, in order."""
    out = []
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_", p.name)
        if m:
            out.append((int(m.group(1)), p.name, p.read_text(encoding="utf-8")))
    return out


_ONLY_IF = re.compile(r"^-- only if: (.+)$", re.MULTILINE)


def run_migration(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Run one migration's statements, unless its `-- only if: <query>` line's query says false; return whether
    it ran. The condition keeps a statement that DuckDB cannot guard (ALTER TABLE on a table that later became a
    view) from failing when a migration runs again."""
    m = _ONLY_IF.search(sql)
    if m and not con.execute(m.group(1)).fetchall()[0][0]:
        return False
    con.execute(sql)
    return True


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations in order, each in its own transaction; return the schema version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMP DEFAULT current_timestamp)")
    done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = False
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            run_migration(con, sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied = True
    if applied:
        # Fold the migrations into the main file at once. DuckDB logs `ALTER … SET DATA TYPE … USING <expression>`
        # (006) as that expression, and 2.0 cannot replay it: the temporary macro it names is gone, and the
        # functions it calls are not loaded yet while a log replays. Left in the log, a process killed before
        # its first checkpoint (a new store, or one just upgraded) leaves a log that does not replay: it is set
        # aside, and every load committed after the migration goes with it.
        try:
            con.execute("CHECKPOINT")
        except duckdb.TransactionException:
            pass    # a checkpoint DuckDB refuses is no reason to fail the connect: the next one folds the log
    return max([v for v, _, _ in migrations()] or [0])


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Install the value-cleaning macros, then the table macros built on the schema."""
    from smm.values import install_macros as _install

    _install(con)
    run_sql_file(con, Path(__file__).with_name("sql") / "views.sql")


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run every `;`-terminated statement of a trusted SQL file of ours."""
    text = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.strip().startswith("--"))
    for stmt in re.split(r";\s*$", text, flags=re.M):
        if stmt.strip():
            con.execute(stmt)


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (creating and migrating it when writable) and install the SQL macros."""
    p = db_path(path)
    target = str(p)
    if target != ":memory:":
        if not read_only:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreUnavailableError(str(p), str(e)) from e
    con = _open(p, read_only)
    if not read_only:
        try:
            migrate(con)
            install_macros(con)
        except (duckdb.Error, OSError) as e:
            if not is_write_failure(e):
                raise
            con.close()
            raise StoreUnavailableError(str(p), str(e)) from e
    return con


# Substrings of DuckDB / OS errors (lower-cased) that decide how an open failure is reported.
_LOCK_ERRORS = ("could not set lock", "conflicting lock")
_WAL_ERRORS = ("replaying wal", "corrupt wal")
# The main file itself is unreadable: a block failed its checksum (e.g. a process killed while DuckDB rewrote a
# metadata block during a checkpoint: bench/crash.py), or the file is not a DuckDB store.
_DAMAGED_ERRORS = ("corrupt database file", "not a valid duckdb database file")
_WRITE_ERRORS = ("permission denied", "no space left", "file too large", "read-only file system", "disk quota",
                 "errno 13", "errno 27", "errno 28", "errno 30", "errno 122")


def is_write_failure(e: BaseException) -> bool:
    """True when an error says the store's folder or disk refuses writes (not a bug, not a busy store)."""
    return any(s in str(e).lower() for s in _WRITE_ERRORS)


@functools.cache
def time_zone() -> str:
    """The zone of the store's clock: `current_timestamp` defaults (load_batches.loaded_at …) are kept as local time
    in DuckDB's TimeZone, which every connection of this process starts with (the machine's zone; smm never sets
    it). Read once, from a throwaway in-memory database."""
    probe = duckdb.connect()
    try:
        return probe.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    finally:
        probe.close()


DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit() -> str:
    """DuckDB's memory cap: $SMM_MEMORY_LIMIT (e.g. "2GB"), else 1 GB.

    DuckDB's own default is 80% of RAM and it keeps freed buffers, so one large upload would hold gigabytes
    for the life of the server; with a cap, big loads and queries spill to `<store>.tmp` instead.
    """
    value = (os.environ.get("SMM_MEMORY_LIMIT") or "").strip()
    if not value:
        return DEFAULT_MEMORY_LIMIT
    if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|B)", value, flags=re.IGNORECASE):
        warnings.warn(f"smm: SMM_MEMORY_LIMIT={value!r} is not a size like 512MB or 2GB; using "
                      f"{DEFAULT_MEMORY_LIMIT}", RuntimeWarning, stacklevel=2)
        return DEFAULT_MEMORY_LIMIT
    return value


def _open(p: Path, read_only: bool, *, retried: bool = False) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with clear errors: busy store, damaged write-ahead log (set aside), unwritable folder."""
    wal = Path(str(p) + ".wal")
    if not read_only and not retried and _wal_head_damaged(wal):
        # DuckDB takes a log whose first entry does not parse for one torn while being written: it replays
        # nothing and deletes the log, with every commit after it. Keep it, and say so.
        aside = _set_aside_wal(wal)
        warnings.warn(f"smm: the store's write-ahead log does not start like a DuckDB log (damaged); it was "
                      f"renamed to {aside} and the store opened at its last checkpoint", RuntimeWarning,
                      stacklevel=3)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.Error as e:
        msg = str(e).lower()
        if any(s in msg for s in _LOCK_ERRORS):
            raise StoreBusyError(str(p)) from e
        if any(s in msg for s in _WAL_ERRORS) and not read_only and not retried and wal.exists():
            # A damaged log must not stop the app from starting (a crash loop): keep it for forensics,
            # open what the main file holds (the state at the last checkpoint), and say so.
            aside = _set_aside_wal(wal)
            warnings.warn(f"smm: the store's write-ahead log could not be replayed ({e}); it was renamed to "
                          f"{aside} and the store opened at its last checkpoint", RuntimeWarning, stacklevel=3)
            return _open(p, read_only, retried=True)
        if is_write_failure(e):
            raise StoreUnavailableError(str(p), str(e)) from e
        if any(s in msg for s in _DAMAGED_ERRORS):
            raise StoreDamagedError(str(p), str(e)) from e
        raise
    # A SET, not connect(config=…): another connect() to the same file in this process must still succeed.
    # The value passed memory_limit()'s size pattern, so it is safe as a literal (SET takes no parameters).
    con.execute(f"SET memory_limit = '{memory_limit()}'")
    return con


@functools.cache
def _wal_head() -> bytes:
    """The bytes every write-ahead log of this DuckDB starts with (its version entry's first fields).

    Learned from a throwaway log once per process (~50 ms), not written down: another DuckDB release may
    write another header. b"" (no check) when no throwaway store can be made.
    """
    try:
        with tempfile.TemporaryDirectory(prefix="smm-wal-") as d:
            probe = Path(d) / "probe.duckdb"
            con = duckdb.connect(str(probe))
            try:
                con.execute("CREATE TABLE t (x INTEGER)")
                with open(str(probe) + ".wal", "rb") as fh:
                    return fh.read(5)   # field 100 (entry type: version), its value, field 101 (the version)
            finally:
                con.close()
    except (duckdb.Error, OSError):
        return b""


def _wal_head_damaged(wal: Path) -> bool:
    """True when the log at `wal` exists and its first bytes are not those every log starts with.

    A log cut short inside its first entry (a crash while writing it) holds a prefix of them: not damaged.
    """
    try:
        with open(wal, "rb") as fh:
            head = fh.read(16)
    except OSError:     # no log (the usual case), or one we cannot read: DuckDB will say
        return False
    expected = _wal_head() if head else b""     # probe only when there is a log to check
    return bool(expected) and not expected.startswith(head[:len(expected)])


def _set_aside_wal(wal: Path) -> Path:
    """Rename a damaged write-ahead log to <store>.wal.damaged-<UTC time> (never delete it)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = wal.with_name(f"{wal.name}.damaged-{stamp}")
    n = 1
    while dest.exists():
        dest = wal.with_name(f"{wal.name}.damaged-{stamp}-{n}")
        n += 1
    os.rename(wal, dest)
    return dest


def set_aside_wals(path: str | os.PathLike | None = None) -> list[Path]:
    """Damaged write-ahead logs that `connect` renamed aside for this store (oldest first)."""
    p = db_path(path)
    if str(p) == ":memory:":
        return []
    return sorted(p.parent.glob(glob.escape(p.name) + ".wal.damaged-*"))


def table_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Row count and per-column sums of every data table: equal fingerprints mean unchanged content."""
    out = {}
    for t in DATA_TABLES:
        cols = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = 'main' ORDER BY ordinal_position", [t]).fetchall()
        exprs = ["count(*)"]
        for c, typ in cols:
            q = '"' + c.replace('"', '""') + '"'
            if typ in ("DOUBLE", "INTEGER", "BIGINT"):
                exprs.append(f"round(sum({q}), 6)")
            else:
                exprs.append(f"count({q})")
        out[t] = tuple(con.execute(f"SELECT {', '.join(exprs)} FROM {t}").fetchall()[0])  # noqa: S608
    return out
