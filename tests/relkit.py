"""Helpers shared by the reliability tests (bad input, crashes, faults, concurrency, security, fuzz)."""

from __future__ import annotations

import csv
import io
import zipfile

import duckdb

from smm import store

GENERIC_HEADER = ["platform", "date", "campaign", "kol", "spend", "impressions", "clicks", "follows"]


def csv_bytes(rows: list[list], header: list[str] | None = GENERIC_HEADER, *, delimiter: str = ",",
              encoding: str = "utf-8") -> bytes:
    """A CSV file (header + rows) as an export would be written."""
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def content_digest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Every data table's row count and an order-independent digest of every row's full text.

    Stronger than `store.table_fingerprint` (which sums numbers and counts text): a changed KOL name
    or date shows here too.
    """
    out = {}
    for t in store.DATA_TABLES:
        out[t] = tuple(con.execute(
            f"SELECT count(*), coalesce(sum(hash(CAST(x AS VARCHAR))), 0) FROM {t} AS x").fetchall()[0])  # noqa: S608
    return out


def snapshot_state(con: duckdb.DuckDBPyConnection) -> tuple:
    """What "the store is unchanged" means in these tests: fingerprint, full-content digest, schema."""
    return store.table_fingerprint(con), content_digest(con), schema(con)


def schema(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every table/view and column of the main schema."""
    return con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_catalog = current_database() ORDER BY 1, 2").fetchall()


def zip_bytes(parts: dict[str, bytes | str], *, level: int = 9) -> bytes:
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return bio.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    """A real XLSX written by openpyxl."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def replace_part(xlsx: bytes, name: str, data: bytes) -> bytes:
    """Rewrite one part of an XLSX (zip) file."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts[name] = data
    return zip_bytes(parts)


def active_totals(con: duckdb.DuckDBPyConnection) -> tuple:
    """Row count and metric sums over the active fact rows."""
    return tuple(con.execute(
        "SELECT count(*), round(coalesce(sum(spend), 0), 4), coalesce(sum(impressions), 0), "
        "coalesce(sum(clicks), 0) FROM fact_active").fetchall()[0])


def fast_xlsx(rows: list[list]) -> bytes:
    """A minimal XLSX (inline strings, one sheet) written directly: fast for 100k+ rows."""
    from xml.sax.saxutils import escape

    def col(i: int) -> str:
        s = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        return s

    body = []
    for r, cells in enumerate(rows, 1):
        cs = "".join(f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                     for c, v in enumerate(cells) if v not in (None, ""))
        body.append(f'<row r="{r}">{cs}</row>')
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return zip_bytes({
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
        '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
        + "".join(body) + "</sheetData></worksheet>",
    }, level=6)
