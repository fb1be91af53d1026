"""Helpers for the ingestion tests: build small export files as bytes and read back what was stored."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb

from smm.ingest import LoadOptions, LoadReport, ingest_bytes

TODAY = dt.date(2026, 12, 1)


def csv_bytes(
    header: list[str] | None,
    rows: list[list],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    preamble: tuple[str, ...] = (),
    bom: bool = False,
) -> bytes:
    """A delimited text file as a platform writes it (optional preamble lines above the header)."""
    out = io.StringIO(newline="")
    for line in preamble:
        out.write(line + "\r\n")
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        w.writerow(header)
    w.writerows(["" if v is None else v for v in r] for r in rows)
    text = out.getvalue()
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    """A real XLSX workbook (openpyxl) with the given cell rows and merged ranges such as 'E1:H1'."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for rng in merges:
        ws.merge_cells(rng)
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def load(con: duckdb.DuckDBPyConnection, data: bytes | str, name: str = "export.csv", **opts) -> LoadReport:
    """Ingest bytes through the real pipeline (today fixed so that date checks are deterministic)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    opts.setdefault("today", TODAY)
    on_step = opts.pop("on_step", None)         # an argument of ingest_bytes, not a load option
    return ingest_bytes(con, data, name, LoadOptions(**opts), on_step=on_step)


def loaded(con, data, name: str = "export.csv", **opts) -> LoadReport:
    r = load(con, data, name, **opts)
    assert r.status == "loaded", (r.status, r.errors[:3])
    return r


def rejected(con, data, name: str = "export.csv", *, code: str | None = None, **opts) -> LoadReport:
    """Load, expect a rejection naming the code, and check the store content did not change."""
    from smm import store

    before = store.table_fingerprint(con)
    r = load(con, data, name, **opts)
    assert r.status in ("rejected", "unrecognised"), (r.status, r.errors[:3])
    assert r.batch_id is None and r.rows_loaded == 0
    if code:
        assert code in {e.get("code") for e in r.errors}, r.errors[:5]
    assert store.table_fingerprint(con) == before
    return r


def facts(con, batch: int, cols: str) -> list[tuple]:
    """The active fact rows of one batch, in file order."""
    return con.execute(
        f"SELECT {cols} FROM fact_active WHERE batch_id = ? ORDER BY src_row, date",  # noqa: S608
        [batch],
    ).fetchall()


def note_codes(r: LoadReport) -> list[str]:
    return [code for code, _ in r.notes]
