"""Value cleaning: installs the DuckDB macros of ``smm/sql/macros.sql``.

Every parsing rule (numbers, percentages, dates, timestamps, durations, null tokens, summary labels)
lives in that SQL file so that a million-row export is cleaned vectorised inside DuckDB. This module
only installs it. The macros are persistent (``CREATE OR REPLACE MACRO`` in the current schema, not
TEMP) so every ``cursor()`` of the same database sees them.

Usage::

    install_macros(con)
    con.execute("SELECT smm_num(c3), smm_date(c0, 'mdy') FROM raw").fetchall()
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb

MACROS_SQL: Path = Path(__file__).with_name("sql") / "macros.sql"

#: Public macros (the value contract, docs/architecture.md). Helpers named ``smm__*`` are private.
MACRO_NAMES: tuple[str, ...] = (
    "smm_num",            # (s) -> DOUBLE
    "smm_num_eu",         # (s) -> DOUBLE, comma-decimal locale
    "smm_num_bad",        # (s) -> BOOLEAN
    "smm_num_eu_bad",     # (s) -> BOOLEAN
    "smm_num_flag",       # (s) -> VARCHAR 'lower_bound' | 'masked' | NULL
    "smm_pct",            # (s, bare_is_percent BOOLEAN) -> DOUBLE ratio
    "smm_date",           # (s, ord 'ymd'|'mdy'|'dmy') -> DATE
    "smm_date_bad",       # (s, ord) -> BOOLEAN
    "smm_date_noyear",    # (s, yr INTEGER) -> DATE
    "smm_ts",             # (s, ord) -> TIMESTAMP (naive; offsets converted to UTC)
    "smm_duration",       # (s) -> DOUBLE seconds
    "smm_duration_bad",   # (s) -> BOOLEAN
    "smm_text",           # (s) -> VARCHAR
    "smm_is_summary",     # (s) -> BOOLEAN
    "smm_neutralize",     # (s) -> VARCHAR, a formula behind an apostrophe (exports)
)

#: Name of the zero-argument macro install_macros() creates last; it returns the file's hash.
VERSION_MACRO = "smm__macros_version"

_NAME_LINE = re.compile(r"^-- name: (\w+)[ \t]*$", re.MULTILINE)
_CREATE = re.compile(r"^CREATE OR REPLACE MACRO (\w+)\(", re.MULTILINE)


def macro_statements(sql: str | None = None) -> list[tuple[str, str]]:
    """Split macros.sql into ``(name, statement)`` pairs.

    The file is split at its ``-- name: <macro>`` lines (never at ``;``, which may occur inside
    string literals); each chunk must hold exactly one ``CREATE OR REPLACE MACRO <macro>(``.
    """
    text = MACROS_SQL.read_text(encoding="utf-8") if sql is None else sql
    marks = list(_NAME_LINE.finditer(text))
    if not marks:
        raise ValueError("macros.sql has no '-- name:' lines")
    out: list[tuple[str, str]] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        chunk = text[m.start():end].strip()
        creates = _CREATE.findall(chunk)
        if creates != [m.group(1)]:
            raise ValueError(f"macros.sql: block '-- name: {m.group(1)}' must create exactly that macro, "
                             f"found {creates}")
        if not chunk.endswith(";"):
            raise ValueError(f"macros.sql: block {m.group(1)} does not end with ';'")
        out.append((m.group(1), chunk))
    return out


def macros_version(sql: str | None = None) -> str:
    """Short hash of the macro file text, stored in the database by install_macros()."""
    text = MACROS_SQL.read_text(encoding="utf-8") if sql is None else sql
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _installed_version(con: duckdb.DuckDBPyConnection) -> str | None:
    # duckdb_functions() never raises, so this is safe inside a caller's open transaction.
    rows = con.execute(
        "SELECT macro_definition FROM duckdb_functions() "
        "WHERE function_name = ? AND schema_name = current_schema() AND database_name = current_database()",
        [VERSION_MACRO],
    ).fetchall()
    if not rows or rows[0][0] is None:
        return None
    return str(rows[0][0]).strip().strip("'")


def install_macros(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> None:
    """Create (or replace) every macro of macros.sql in ``con``'s current schema.

    Skips the work when the same file version is already installed (so it is cheap to call on
    every connection and works on a read-only connection of an up-to-date database); ``force``
    reinstalls. Each statement runs on its own (no BEGIN here: a nested BEGIN would abort a
    caller's open transaction); the version marker is created last, so an interrupted install is
    redone next time.
    """
    sql = MACROS_SQL.read_text(encoding="utf-8")
    version = macros_version(sql)
    if not force and _installed_version(con) == version:
        return
    for _name, stmt in macro_statements(sql):
        con.execute(stmt).fetchall()
    con.execute(f"CREATE OR REPLACE MACRO {VERSION_MACRO}() AS '{version}'").fetchall()
