"""The bundled sample data: loaded through the same ingestion path a user's upload takes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

from smm.ingest import LoadOptions, LoadReport, delete_batch, ingest_file

_ORDER = ("kol_roster", "budget_plan", "other_costs")


def sample_dir() -> Path:
    """Where the sample files are: $SMM_SAMPLE_DIR, else sample_data/files beside the package."""
    env = os.environ.get("SMM_SAMPLE_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "sample_data" / "files"


def sample_files() -> list[Path]:
    files = [p for p in sorted(sample_dir().iterdir()) if p.is_file() and not p.name.startswith(".")
             and p.suffix.lower() in (".csv", ".xlsx", ".txt", ".tsv")]
    return files


def load_sample(con: duckdb.DuckDBPyConnection,
                progress: Callable[[int, int, str], None] | None = None) -> list[LoadReport]:
    """Load every sample file (marked as sample data); returns one report per file."""
    files = sample_files()
    reports = []
    for i, path in enumerate(files, 1):
        if progress:
            progress(i, len(files), path.name)
        reports.append(ingest_file(con, path, LoadOptions(is_sample=True)))
    return reports


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
