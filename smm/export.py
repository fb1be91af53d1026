"""CSV/XLSX exports with spreadsheet-formula injection neutralised."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pandas is imported where a frame is exported: `smm ingest` needs only neutralize()
    import pandas as pd

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (sign, digits, decimal point, exponent; nothing around it): a spreadsheet reads it as a number,
# never as a formula. The SQL macro smm_neutralize (sql/macros.sql) holds the same pattern.
NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER)


def neutralize(value: object) -> object:
    """Prefix a cell that a spreadsheet would run as a formula; real numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralize_frame(df: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object:
            out[c] = out[c].map(neutralize)
    out.columns = [neutralize(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens Chinese text correctly."""
    # CRLF rows (RFC 4180): the csv writer then quotes any cell holding a bare CR; with "\n" rows a CR inside
    # a cell ended the row in Excel and the rest of the cell (e.g. "=cmd…") became a new, unescaped cell.
    return neutralize_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """XLSX whose text cells are stored as strings, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    safe = neutralize_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and v != v) else v for v in row])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def chart_png(spec: dict, *, width: int = 1200, scale: float = 2.0) -> bytes:
    """Render a Vega-Lite chart to PNG offline (vl-convert), sized for a slide.

    Charts on the page fill their container (`"width": "container"`); a file has no container,
    so a fixed width replaces it. Chinese labels need fonts-noto-cjk on the machine.
    """
    import vl_convert as vlc  # loads a JS engine: only when a picture is asked for

    fixed = {**spec, "background": spec.get("background", "white"), "padding": spec.get("padding", 16),
             "config": {"font": "Noto Sans CJK SC", **spec.get("config", {})}}
    if fixed.get("width") in (None, "container"):
        fixed["width"] = width
    return vlc.vegalite_to_png(fixed, scale=scale)


def charts_zip(charts: dict[str, dict]) -> bytes:
    """Pack each named chart as `<name>.png` into one ZIP, for the review report."""
    import zipfile

    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, spec in charts.items():
            zf.writestr(f"{name}.png", chart_png(spec))
    return bio.getvalue()
