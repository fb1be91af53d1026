"""Turn an uploaded export (bytes) into a TEMP staging table of raw strings.

The contract is in docs/architecture.md ("Staging contract"): `read_table` creates a TEMP table with
`_row INTEGER` (the 1-based line or spreadsheet row where the record starts) and `c0 … c{n-1}
VARCHAR` (cell text, surrounding whitespace stripped, empty → NULL), and returns a `RawTable` that
names the columns. Everything that can go wrong raises `IngestError` with one of these codes:
`bad_filename`, `not_tabular`, `encoding`, `no_data_rows`, `line_too_long`, `unclosed_quote`,
`ragged`, `duplicate_header`, `too_large`, `xml_bomb`, `excel_unreadable`.

CSV path: choose the encoding, parse the first few hundred KB in Python to find the delimiter,
preamble and header, then hand the data region to DuckDB (`read_csv` with explicit options and strict
mode). A UTF-8 file is read as it is, in place when it came from disk; a GB18030 file with a delimiter
no byte of a character can be is read byte for byte as Latin-1 and its non-ASCII cells are decoded
afterwards, once per distinct value (with defer_decode, where the table is read: decoded_rows); other
encodings stream as UTF-8 part files that DuckDB reads while the next part is transcoded. When every
line is one record, `_row` is the rowid plus the first data line; with quoted line breaks or
blank lines, a `csv` pass finds where each record starts. When DuckDB refuses the file, the exact
Python `csv` path loads it or names the offending line. Call it outside an explicit transaction:
a failed DuckDB statement would abort the caller's transaction.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import itertools
import math
import os
import queue
import re
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from smm import profiles
from smm.errors import IngestError

# Longer lines are rejected. DuckDB's read_csv keeps its own default max_line_size (2,000,000 bytes): a line
# between the two takes the exact Python path. Setting max_line_size explicitly makes DuckDB parse 20–25%
# slower (measured on 30–220 MB GB18030 files, bench/ingest.py), so it is left alone.
MAX_LINE_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024          # XLSX: total decompressed size of all parts
MAX_ZIP_RATIO = 100                       # XLSX: per-part decompressed / compressed
HEADER_SEARCH_ROWS = 30

_FOLLOW_ROWS = 20                         # rows after a header candidate that vote on the width
_HEAD_RECORDS = 60                        # records parsed in Python to find delimiter and header
_HEAD_BYTES = 256 * 1024
_DECODE_CHUNK = 16 * 1024 * 1024          # bytes decoded per part handed to DuckDB
_SAMPLE_BYTES = 64 * 1024                 # bytes examined to choose a legacy encoding
_RATIO_MIN_SIZE = 1024 * 1024             # tiny parts may compress >100x legitimately
_DELIMITERS = (",", "\t", ";", "|")
# Stripped around every cell: ASCII controls and space, NBSP, ideographic space, BOM.
_WS = "".join(map(chr, range(1, 33))) + "\u00a0\u3000\ufeff"
_WS_ASCII = "".join(map(chr, range(1, 33)))
# Encodings read byte for byte (as Latin-1) by DuckDB and decoded cell by cell afterwards: every byte of a
# multi-byte character is 0x30 or above, so none is ever a delimiter below, a quote or a line break.
_BYTE_SAFE_CODECS = frozenset({"gb18030"})
_BYTE_SAFE_DELIMITERS = (",", "\t", ";")
_DECODE_BIND_MAX = 200_000                 # distinct cells to decode, bound as lists (see _decode_cells)
_WS_RARE = ("\u00a0", "\u3000", "\ufeff")   # whitespace beyond ASCII, looked for only where present
_SENTINEL = "\ue000smm-eof\ue001"          # private-use line appended to detect an open quote at EOF

_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_BAD_FILENAME = re.compile(r"[\x00-\x1f\x7f]|:\$|::")
_LONE_CR = re.compile(rb"\r(?!\n)")
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*\r?$', re.IGNORECASE)
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell that reads as a value (number, money, percent, date, time, empty token), not a header name.
_VALUE = re.compile(
    r"""^(?:
        [-+(−]?\s*[¥￥$€£]?\s*\d[\d,.\s]*(?:%|[万亿wWkKmMbB]\+?)?\)?
      | \d{1,4}[-/.年]\d{1,2}(?:[-/.月]\d{1,4}日?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?
      | \d{1,2}:\d{2}(?::\d{2})?
      | -{1,2} | N/?A | null | none
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_NOT_TABULAR_MAGIC = (
    (b"%PDF-", "pdf"), (b"\x7fELF", "elf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"), (b"GIF89a", "gif"), (b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"), (b"\xca\xfe\xba\xbe", "mach-o"),
    (b"\xcf\xfa\xed\xfe", "mach-o"), (b"\xce\xfa\xed\xfe", "mach-o"), (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"), (b"SQLite format 3\x00", "sqlite"), (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"), (b"\x00asm", "wasm"), (b"{\\rtf", "rtf"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8"), (b"\xff\xfe", "utf-16-le", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be", "utf-16-be"))
# Legacy encodings worth guessing for marketing exports (Python codec names after codecs.lookup).
_LEGACY_CODECS = frozenset({
    "cp1252", "iso8859-1", "iso8859-15", "cp1250", "iso8859-2", "cp1251", "koi8-r", "cp1253", "cp1254",
    "iso8859-9", "cp1257", "cp1258", "cp874", "mac-roman", "big5", "cp950", "big5hkscs", "shift_jis",
    "cp932", "euc_jp", "euc_kr", "cp949",
})
# Non-letters that legacy Western text really contains (Windows-1252 punctuation, currency, units).
_LEGACY_SYMBOLS = frozenset("€£¥¢°ºª²³¹µ·«»¿¡§¶±×÷©®™–—‘’‚“”„•…‰†‡ \u00a0")


@dataclass(frozen=True)
class RawTable:
    """Describe a staged table: its name, its columns and how the file was read."""

    name: str
    headers: list[str]          # headers[i] names column c{i}
    n_rows: int
    kind: str                   # 'csv' | 'xlsx' (legacy .xls reads as 'xlsx' too)
    encoding: str | None        # Python codec name, e.g. 'utf-8-sig', 'gb18030', 'utf-16-le'
    delimiter: str | None
    preamble: list[str]         # non-empty lines above the header, cells joined by a space
    header_row: int             # 1-based line/row of the (lowest) header row
    sheet: str | None
    parser: str = "duckdb"      # CSV: 'duckdb' (read_csv) or 'python' (the exact path, when DuckDB cannot)
    # Decoding left to the reader of the table (read_table's defer_decode): the columns still holding Latin-1
    # text for some cells, and the TEMP table (col, k, v) of each such cell's text. See decoded_rows.
    text_map: str | None = None
    text_cols: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Encoding:
    name: str                   # reported, e.g. 'utf-8-sig'
    codec: str                  # used to decode data[bom:], e.g. 'utf-8'
    bom: int                    # bytes to skip
    verified: bool              # the whole file is known to decode


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    preamble: list[str]
    header_row: int
    names: list[str | None]     # flattened header names, None where empty
    first_line: int             # 1-based line of the first data record
    data_start: int             # byte offset of that line in the original data


class Source(NamedTuple):
    """A file on disk, and its size, mtime, inode and device when its bytes were read (see read_file)."""

    path: Path
    stamp: tuple[int, int, int, int]


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev


def _still(source: Source) -> bool:
    """Whether the file still has the size, mtime, inode and device it had when its bytes were read."""
    try:
        return _stamp(source.path) == source.stamp
    except OSError:
        return False


def read_file(path: str | os.PathLike) -> tuple[bytes, Source | None]:
    """Read a file's bytes, and the Source that lets read_table read it in place (None if it changed meanwhile)."""
    p = Path(path)
    before = _stamp(p)
    data = p.read_bytes()
    return data, (Source(p, before) if _stamp(p) == before and before[0] == len(data) else None)


class _WrongEncoding(Exception):
    """UTF-8, chosen from the head of a file without BOM, fails further into the file."""


# --------------------------------------------------------------------------------------- public API


def read_table(con: duckdb.DuckDBPyConnection, data: bytes, filename: str, *, table: str,
               max_rows: int = 5_000_000, max_unzipped: int = MAX_UNZIPPED, source: Source | None = None,
               defer_decode: bool = False, before_rows: Callable[[], None] | None = None) -> RawTable:
    """Stage an uploaded CSV/TSV/TXT/XLSX/XLS file as TEMP table `table` of raw strings.

    `source` is the file `data` was read from (read_file): a large text file is then read in place, not from
    a copy, as long as the file is still what it was when read.

    `defer_decode`: a GB18030 file read byte for byte may keep its non-ASCII cells as Latin-1 text in the
    table, their text on the side; the RawTable then says so (text_map), and the table is read through
    `decoded_rows` and `decoded_values`, which decode as they read.

    `before_rows` is called once, before the rows are read (after a text file's layout is found: the caller's
    own work on the file, such as hashing it, can overlap that); an exception it raises stops the read.
    """
    ready = functools.cache(before_rows) if before_rows else (lambda: None)   # once, however many parts ask
    if not isinstance(table, str) or not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"table name must match [a-z_][a-z0-9_]*: {table!r}")
    _check_filename(filename)
    if not data:
        raise IngestError("no_data_rows", file=filename)
    kind = sniff_kind(data, filename)
    if kind == "text":
        return _read_text(con, bytes(data), filename, table, max_rows, source, defer_decode, ready)
    ready()
    return _read_excel(con, bytes(data), filename, table=table, max_rows=max_rows, max_unzipped=max_unzipped)


def sniff_kind(data: bytes, filename: str = "") -> str:
    """Classify an upload by content: 'xlsx' (zip workbook), 'xls' (OLE workbook) or 'text'."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise IngestError("excel_unreadable", file=filename, reason=str(e)) from None
        if names & {"xl/workbook.xml", "xl/workbook.bin"}:
            return "xlsx"
        raise IngestError("not_tabular", file=filename, detected="zip")
    if data.startswith(_OLE):
        # OLE is also .doc/.msg/.ppt: a workbook has a "Workbook" (BIFF8) or "Book" (BIFF5) stream.
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise IngestError("not_tabular", file=filename, detected="ole")
    for magic, what in _NOT_TABULAR_MAGIC:
        if data.startswith(magic):
            raise IngestError("not_tabular", file=filename, detected=what)
    return "text"


def sniff_text(data: bytes, filename: str = "") -> str:
    """Name the encoding of a text upload (verifying the whole file), or raise `encoding`/`not_tabular`."""
    return _sniff_encoding(data, filename, full=True).name


# ------------------------------------------------------------------------------------------ guards


def _check_filename(filename: str) -> None:
    if not isinstance(filename, str) or _BAD_FILENAME.search(filename):
        safe = re.sub(r"[\x00-\x1f\x7f]", "?", str(filename))
        raise IngestError("bad_filename", file=safe)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _drop(con, qt: str) -> None:
    """Drop a half-built staging table: nothing partial is left behind, and the first error wins."""
    try:
        con.execute(f"DROP TABLE IF EXISTS {qt}")
    except duckdb.Error:
        pass


# ---------------------------------------------------------------------------------------- encoding


def _sniff_encoding(data: bytes, filename: str, *, full: bool) -> _Encoding:
    """Choose the encoding: BOM → UTF-8 → UTF-16 without BOM → GB18030 → a confident legacy guess."""
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            return _Encoding(name, codec, len(bom), False)
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return _Encoding(utf16, utf16, 0, False)
    if b"\x00" in data:
        raise IngestError("not_tabular", file=filename, detected="binary")
    bad = _utf8_error(data if full else data[:_HEAD_BYTES], final=full or len(data) <= _HEAD_BYTES)
    if bad is None:
        if _gb18030_read_as_utf8(data[:_HEAD_BYTES]):
            return _Encoding("gb18030", "gb18030", 0, False)
        return _Encoding("utf-8", "utf-8", 0, full or len(data) <= _HEAD_BYTES)
    line = data.count(b"\n", 0, bad) + 1
    start = data.rfind(b"\n", 0, bad) + 1
    sample = data[start:start + _SAMPLE_BYTES]
    before = data[max(0, bad - _SAMPLE_BYTES):bad]
    if _mostly_utf8(sample) or (not before.isascii() and sum(1 for b in before if b > 127) >= 16):
        # A UTF-8 file with a broken byte: decoding it as anything else would garble the rest.
        raise IngestError("encoding", file=filename, row=line, tried="utf-8")
    if _plausible_gb18030(sample):
        return _Encoding("gb18030", "gb18030", 0, False)
    legacy = _legacy_encoding(sample)
    if legacy:
        return _Encoding(legacy, legacy, 0, False)
    raise IngestError("encoding", file=filename, row=line, tried="utf-8, gb18030")


def _gb18030_read_as_utf8(sample: bytes) -> bool:
    """Tell whether valid UTF-8 is really GB18030: hanzi whose bytes happen to form UTF-8 pairs.

    Such pairs decode to U+0180–U+07FF (IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic …) and never
    to Latin-1 letters (é, ñ, ü) or CJK; real text in those scripts has letters outside GB2312.
    """
    if sample.isascii():
        return False
    text = sample.decode("utf-8", "ignore")
    if not all(0x180 <= ord(ch) < 0x800 for ch in text if ord(ch) > 127):   # stops at the first é or 中
        return False
    try:
        hanzi = codecs.getincrementaldecoder("gb18030")("strict").decode(sample, False)
    except UnicodeDecodeError:
        return False
    return all(_in_gb2312(ch) for ch in hanzi if ord(ch) > 127)


def _utf16_without_bom(sample: bytes) -> str | None:
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    even, odd = sample[0:n:2], sample[1:n:2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.02:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.02:
        return "utf-16-be"
    return None


def _utf8_error(data: bytes, *, final: bool) -> int | None:
    """Return the offset of the first byte that is not UTF-8, or None."""
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    step = 16 * 1024 * 1024
    for pos in range(0, len(data), step):
        try:
            dec.decode(view[pos:pos + step], final and pos + step >= len(data))
        except UnicodeDecodeError as e:
            return pos - len(dec.getstate()[0]) + e.start
    return None


def _mostly_utf8(sample: bytes) -> bool:
    # GB18030 text decodes as UTF-8 only by accident (~1 char in 8); real UTF-8 has few bad bytes.
    text = sample.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > 4 * bad


def _plausible_gb18030(sample: bytes) -> bool:
    text = codecs.getincrementaldecoder("gb18030")("replace").decode(sample, False)
    counts = Counter(ch for ch in text if ord(ch) > 127)
    bad = counts.pop("\ufffd", 0)
    total = sum(counts.values())
    if total < 4 * bad:
        return False                    # a few broken bytes in Chinese text are fine; the line is reported
    # Latin-1/cp1252 text read as GB18030 lands on rare two-byte GBK ideographs; Chinese text is
    # mostly in the GB2312 repertoire, and four-byte sequences (emoji, é) hardly occur by accident.
    common = sum(n for ch, n in counts.items() if _in_gb2312(ch) or len(ch.encode("gb18030")) == 4)
    return common >= 0.5 * total


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _legacy_encoding(sample: bytes) -> str | None:
    """Return a legacy encoding charset-normalizer is confident about and whose text reads as words."""
    from charset_normalizer import from_bytes  # slow import; only for files that are neither UTF-8 nor GB

    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.2:
        return None
    codec = codecs.lookup(best.encoding).name
    if codec not in _LEGACY_CODECS:
        return None
    text = _words(sample, codec)
    if text is None:
        return None
    # Latin-script guesses (cp1250, iso8859-2, …) disagree on letters like ñ; Western exports are cp1252.
    latin = all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ord(ch) > 127 and ch.isalpha())
    if latin and codec != "cp1252" and _words(sample, "cp1252") is not None:
        return "cp1252"
    return codec


def _words(sample: bytes, codec: str) -> str | None:
    """Decode the sample if its non-ASCII characters are letters or usual symbols, else return None."""
    try:
        text = codecs.getincrementaldecoder(codec)("strict").decode(sample, False)
    except UnicodeDecodeError:
        return None
    odd = [ch for ch in text if ord(ch) > 127 or (ord(ch) < 32 and ch not in "\t\r\n")]
    fine = sum(1 for ch in odd if ch.isalpha() or ch in _LEGACY_SYMBOLS)
    return text if odd and fine >= 0.95 * len(odd) else None


def _line_at(data: bytes, pos: int, enc: _Encoding) -> int:
    """Return the 1-based line of byte offset `pos`."""
    if enc.codec.startswith("utf-16"):
        return data[enc.bom:pos].decode(enc.codec, "replace").count("\n") + 1
    return data.count(b"\n", 0, pos) + 1


def _decode_error_line(data: bytes, start: int, enc: _Encoding) -> int:
    try:
        data[start:].decode(enc.codec)
    except UnicodeDecodeError as e:
        return _line_at(data, start + e.start, enc)
    return _line_at(data, len(data), enc)


# -------------------------------------------------------------------------------------------- text


def _read_text(con, data: bytes, filename: str, table: str, max_rows: int, source: Source | None,
               defer: bool, ready: Callable[[], None]) -> RawTable:
    lone_cr = b"\r" in data and _LONE_CR.search(data) is not None
    if lone_cr and b"\x00" not in data:
        # Lone CR line ends (old Mac): make them LF so that lines count the way editors show them.
        data, source, lone_cr = _LONE_CR.sub(b"\n", data), None, False
    enc = _sniff_encoding(data, filename, full=False)
    try:
        return _read_text_as(con, data, filename, table, max_rows, enc, source, defer, lone_cr, ready)
    except _WrongEncoding:
        return _read_text_as(con, data, filename, table, max_rows, _sniff_encoding(data, filename, full=True),
                             source, defer, lone_cr, ready)


def _read_text_as(con, data: bytes, filename: str, table: str, max_rows: int, enc: _Encoding,
                  source: Source | None, defer: bool, lone_cr: bool, ready: Callable[[], None]) -> RawTable:
    """`lone_cr` False: `data` has no CR that is not followed by LF. `ready` is called before rows are read."""
    layout = _layout(data, filename, enc)
    names = layout.names
    _check_duplicates([n for n in names if n], filename)
    qt = _quote_ident(table)
    try:
        has_data, parser, deferred = None, "duckdb", []
        if _insertion_order_kept(con):
            # (only where no column is dropped or renumbered: the decoded cells are kept by column number)
            has_data = _stage_csv_duckdb(con, qt, data, filename, enc, layout, source,
                                         deferred if defer and all(names) else None, lone_cr, ready)
        if has_data is None:            # (refused before any cell was decoded: nothing deferred)
            ready()
            rownums, rows = _parse_csv_python(data, filename, enc, layout)
            has_data, parser = _stage_rows(con, qt, rownums, rows, len(names)), "python"
        headers = _finish_columns(con, qt, names, has_data, filename)
        n_rows = _checked_count(con, qt, filename, max_rows)
    except BaseException:
        _drop(con, qt)
        _drop(con, _quote_ident(f"{table}__map"))
        raise
    return RawTable(table, headers, n_rows, "csv", enc.name, layout.delimiter, layout.preamble,
                    layout.header_row, None, parser, *(deferred or (None, ())))


def _layout(data: bytes, filename: str, enc: _Encoding) -> _Layout:
    """Find delimiter, preamble and header in the first records; locate the first data line."""
    size = _HEAD_BYTES
    while True:
        end = enc.bom + size
        final = end >= len(data)
        try:
            text = codecs.getincrementaldecoder(enc.codec)("strict").decode(data[enc.bom:end], final)
        except UnicodeDecodeError:
            if enc.name == "utf-8" and not enc.verified:
                raise _WrongEncoding from None
            raise IngestError("encoding", file=filename, row=_decode_error_line(data, enc.bom, enc)) from None
        if not final:
            text = text[: text.rfind("\n") + 1]
        lines = text.split("\n")
        long = next((i for i, ln in enumerate(lines) if len(ln) * 4 > MAX_LINE_BYTES
                     and len(ln.encode()) > MAX_LINE_BYTES), None)
        if long is not None:
            raise IngestError("line_too_long", file=filename, row=long + 1, limit=MAX_LINE_BYTES)
        delim, skip = _sep_line(lines[0]) if lines else (None, 0)
        if delim is None:
            delim = _detect_delimiter(text)
        records = _head_records(text, delim, skip)
        if final or sum(1 for _, cells in records if any(cells)) >= _HEAD_RECORDS + 1:
            break
        if len(text) > 4 * MAX_LINE_BYTES * _HEAD_RECORDS:
            break
        size *= 4
    if not final:
        records = records[:-1]          # the last record may continue past the head
    rows = [cells for _, cells in records]
    found = _find_header(rows, exact=True, spans_for=lambda g: None)
    if found is None:
        raise IngestError("no_data_rows", file=filename)
    g, h, names = found
    data_idx = next((i for i in range(h + 1, len(rows)) if any(rows[i])), None)
    if data_idx is None:
        raise IngestError("no_data_rows", file=filename, row=records[h][0])
    widths = Counter(len(r) for r in rows[data_idx:] if any(r))
    width = max(widths.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if width < len(names) and not any(names[width:]):
        names = names[:width]           # a header line with trailing delimiters the data lines lack
    first_line = records[data_idx][0]
    return _Layout(delim, _preamble(rows[:g]), records[h][0], names, first_line,
                   _line_offset(data, text, first_line, enc))


def _sep_line(line: str) -> tuple[str | None, int]:
    m = _SEP_LINE.match(line.lstrip("\ufeff"))
    return (m.group(1), 1) if m else (None, 0)


def _detect_delimiter(text: str) -> str:
    """Pick the candidate whose modal record width (>1) covers the most cells in the head records.

    Counting cells, not records, keeps a stray tab inside comma-separated cells from winning by
    splitting quoted multi-line cells into many two-cell fragments.
    """
    sample = list(itertools.islice(io.StringIO(text, newline="\n"), _HEAD_RECORDS + 1))
    best, best_key = ",", (0, 0, 0)
    for d in _DELIMITERS:
        if not any(d in ln for ln in sample):
            continue
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=d, quotechar='"') if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        width, freq = max(Counter(widths).items(), key=lambda kv: (kv[1], kv[0]))
        if (freq * width, freq, width) > best_key:
            best, best_key = d, (freq * width, freq, width)
    return best


def _head_records(text: str, delim: str, skip: int) -> list[tuple[int, list[str | None]]]:
    """List (1-based start line, stripped cells or None) for each record of the head text."""
    _raise_field_limit()
    lines = io.StringIO(text, newline="\n")
    for _ in range(skip):
        lines.readline()
    reader = csv.reader(lines, delimiter=delim, quotechar='"', doublequote=True)
    out, prev, filled = [], skip, 0
    try:
        for row in reader:
            cells = [_clean(c) for c in row]
            out.append((prev + 1, cells))
            prev = reader.line_num + skip
            filled += any(cells)
            if filled > _HEAD_RECORDS + 1:
                break
    except csv.Error:
        pass                            # the exact pass over the whole file reports it with its line
    return out


def _clean(cell: str) -> str | None:
    return cell.strip(_WS) or None


def _line_offset(data: bytes, head: str, line: int, enc: _Encoding) -> int:
    """Return the byte offset in `data` where 1-based `line` starts."""
    if enc.codec.startswith("utf-16"):
        chars = 0
        for _ in range(line - 1):
            chars = head.index("\n", chars) + 1
        return enc.bom + len(head[:chars].encode(enc.codec))
    pos = 0                             # LF never occurs inside a UTF-8/GB18030/single-byte character
    for _ in range(line - 1):
        pos = data.index(b"\n", pos) + 1
    return pos


def _preamble(rows: list[list[str | None]]) -> list[str]:
    return [" ".join(c for c in r if c) for r in rows if any(r)]


# ----------------------------------------------------------------------------------------- headers


def _find_header(rows: list[list[str | None]], *, exact: bool, spans_for) -> tuple[int, int, list] | None:
    """Return (first header row, last header row, flattened names) among `rows`, or None without data.

    The header is the first row, among the first 30 non-empty ones, whose width matches the
    modal width of the rows after it and whose cells are mostly text, preferring rows that
    `profiles.header_score` knows. `exact` (CSV) compares cell counts; spreadsheets compare
    widths without trailing empty cells, and the header may be wider than the data.
    """
    filled = [i for i, r in enumerate(rows) if any(r)]
    if len(filled) < 2:
        return None
    best: tuple[int, int, int] | None = None
    for k, i in enumerate(filled[:HEADER_SEARCH_ROWS]):
        follow = [len(rows[j]) for j in filled[k + 1:k + 1 + _FOLLOW_ROWS]]
        if not follow:
            break
        modal = max(Counter(follow).items(), key=lambda kv: (kv[1], kv[0]))[0]
        if not _header_like(rows[i], modal, exact):
            continue
        score, named = _header_score(rows[i]), sum(1 for c in rows[i] if c)
        # A known header beats an earlier header-like row, but not one with more named cells or
        # with values: a data row holding a header word ("展示") must not displace the header above.
        if best is None or (score > best[1] and named >= best[2]
                            and not any(c and _VALUE.match(c) for c in rows[i])):
            best = (i, score, named)
    if best is None:                    # no row looks like a header: take the earliest widest row
        h = max(filled[:HEADER_SEARCH_ROWS], key=lambda i: (len(rows[i]), -i))
    else:
        h = best[0]
    below = h + 1 < len(rows) and any(rows[h + 1]) and any(any(r) for r in rows[h + 2:])
    if below and (labels := _group_labels(rows[h], rows[h + 1], exact, spans_for(h))) is not None:
        return h, h + 1, _flatten(labels, rows[h + 1])
    if h > 0 and any(rows[h - 1]) and (labels := _group_labels(rows[h - 1], rows[h], exact,
                                                               spans_for(h - 1))) is not None:
        return h - 1, h, _flatten(labels, rows[h])
    return h, h, list(rows[h])


def _header_like(row: list[str | None], modal: int, exact: bool) -> bool:
    width = len(row)
    # Spreadsheet rows have no cell count, only a last filled cell: data may be wider than the header.
    if (width != modal) if exact else (4 * width < 3 * modal):
        return False
    cells = [c for c in row if c]
    if (width > 1 and len(cells) < 2) or 2 * len(cells) < width:
        return False
    values = sum(1 for c in cells if _VALUE.match(c))
    return 5 * values <= 2 * len(cells)


def _header_score(row: list[str | None]) -> int:
    return profiles.header_score([c or "" for c in row])


def _group_labels(group: list[str | None], child: list[str | None], exact: bool,
                  spans: list[tuple[int, int]] | None) -> list[str | None] | None:
    """Label each column with its group when `group` is the upper row of a two-level header, else None.

    A group spans the columns of its merged cell (`spans`, spreadsheets) or, without merges,
    the blank cells to its right whose lower cell is named. A label spanning every column is a
    title, and a label ending in ':' or a value is a preamble line, not a group.
    """
    if exact and len(group) != len(child):
        return None
    n = max(len(group), len(child))
    top = list(group) + [None] * (n - len(group))
    low = list(child) + [None] * (n - len(child))
    named_top, named_low = [c for c in top if c], [c for c in low if c]
    if not named_top or not named_low:
        return None
    if any(_VALUE.match(c) or c.endswith((":", "：")) for c in named_top):
        return None
    if any(_VALUE.match(c) for c in named_low):
        return None
    labels, owner = top[:], list(range(n))
    if spans is not None:
        for c0, c1 in spans:
            for j in range(c0 + 1, min(c1, n - 1) + 1):
                if not labels[j]:
                    labels[j], owner[j] = top[c0], c0
    else:
        for j in range(1, n):
            o = owner[j - 1]
            # A label whose own lower cell is empty names a single column (e.g. 日期), not a group.
            if not labels[j] and labels[j - 1] and low[j] and low[o]:
                labels[j], owner[j] = labels[j - 1], o
    span = Counter(owner[j] for j in range(n) if labels[j])
    if max(span.values()) >= n:
        return None
    if not any(w >= 2 for w in span.values()):
        return None
    return labels


def _flatten(labels: list[str | None], child: list[str | None]) -> list[str | None]:
    low = list(child) + [None] * (len(labels) - len(child))
    return [f"{g}-{c}" if g and c and g != c else (c or g) for g, c in zip(labels, low, strict=True)]


def _check_duplicates(names: list[str], filename: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise IngestError("duplicate_header", file=filename, column=name)
        seen.add(name)


# ------------------------------------------------------------------------------ CSV through DuckDB


def _insertion_order_kept(con) -> bool:
    # `_row` = rowid + first line relies on rows landing in file order.
    return bool(con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0])


def _stage_csv_duckdb(con, qt: str, data: bytes, filename: str, enc: _Encoding, layout: _Layout,
                      source: Source | None, deferred: list | None = None, lone_cr: bool = True,
                      ready: Callable[[], None] = lambda: None):
    """Load the data region with DuckDB; list which columns hold data, or None to take the exact path.

    With `deferred` (a list), cells read as Latin-1 may be left so: see _decode_cells.
    """
    ncols = len(layout.names)
    cols = ", ".join(f"c{i} VARCHAR" for i in range(ncols))
    create = f"CREATE OR REPLACE TEMP TABLE {qt} (_row INTEGER, {cols})"
    con.execute(create)
    as_bytes = enc.codec in _BYTE_SAFE_CODECS and layout.delimiter in _BYTE_SAFE_DELIMITERS
    params = {"ws": _WS_ASCII if as_bytes else _WS, "delim": layout.delimiter,
              "columns": {f"c{i}": "VARCHAR" for i in range(ncols)}, "encoding": "latin-1" if as_bytes else "utf-8"}
    failed: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix="smm-read-") as tmp:
        in_place = None
        if as_bytes or enc.codec == "utf-8":
            in_place = _in_place(data, layout, source)
            parts = _byte_parts(data, layout.data_start, tmp, in_place, not as_bytes, lone_cr)
        else:
            parts = _utf8_parts(data, layout.data_start, enc, tmp, filename)
        def make_sql(tails: str) -> str:
            return _insert_sql(qt, ncols, tails)

        lines = _insert_parts(con, make_sql, params, parts, failed, ready)
        if in_place is not None and not failed and not _still(source):
            # The file changed while DuckDB read it: read again from the bytes that were hashed and checked.
            con.execute(create)
            again = _byte_parts(data, layout.data_start, tmp, None, not as_bytes, lone_cr)
            lines = _insert_parts(con, make_sql, params, again, failed)
    if failed:
        if enc.name == "utf-8" and not enc.verified and _utf8_error(data, final=True) is not None:
            raise _WrongEncoding    # only the head was checked: choose again knowing the whole file
        return None
    n_records = con.execute(f"SELECT count(*) FROM {qt}").fetchall()[0][0]  # noqa: S608
    if n_records == lines:              # one record per line: the line is the rowid plus the first line
        con.execute(f"UPDATE {qt} SET _row = rowid + ?", [layout.first_line])  # noqa: S608
    else:                               # quoted line breaks or blank lines: find where records start
        starts = _record_starts(data, enc, layout)
        if len(starts) != n_records:
            return None
        view = f"__smm_starts_{threading.get_ident()}"
        con.register(view, pa.table({"rid": pa.array(range(n_records), pa.int64()),
                                     "line": pa.array(starts, pa.int32())}))
        try:
            con.execute(f"UPDATE {qt} SET _row = s.line FROM {_quote_ident(view)} s WHERE {qt}.rowid = s.rid")  # noqa: S608
        finally:
            con.unregister(view)
    if as_bytes:
        _decode_cells(con, qt, ncols, data, filename, enc, layout, deferred)
    all_null = " AND ".join(f"c{i} IS NULL" for i in range(ncols))
    con.execute(f"DELETE FROM {qt} WHERE {all_null}")  # noqa: S608
    unnamed = [i for i, n in enumerate(layout.names) if not n]
    has_data = [True] * ncols
    if unnamed:
        counts = con.execute("SELECT " + ", ".join(f"count(c{i})" for i in unnamed) + f" FROM {qt}").fetchall()[0]  # noqa: S608
        for i, n in zip(unnamed, counts, strict=True):
            has_data[i] = n > 0
    return has_data


def _decode_cells(con, qt: str, ncols: int, data: bytes, filename: str, enc: _Encoding, layout: _Layout,
                  deferred: list | None = None) -> None:
    """Decode the cells of a table read byte for byte (as Latin-1) from a file in `enc`.

    Only cells with a byte above 0x7F differ from their text, and a column holds few distinct ones (names,
    `万` values): those are decoded here, once each, then stripped like every cell. A cell that does not
    decode is an encoding error at the file's first undecodable line, as if the whole file was decoded.

    With `deferred` (a list), the table is left as read and the decoded cells are kept in `{table}__map`;
    `deferred` is given (map table name, columns it holds cells of). Not where a cell's text is only
    whitespace: stripped, it would be empty, and the table's empty cells (rows dropped as blank, columns found
    empty) must be the same read either way.
    """
    # A Latin-1 character above 0x7F takes two bytes in UTF-8: strlen (bytes) then exceeds length (characters).
    found = con.execute(" UNION ALL ".join(  # noqa: S608 - identifiers are ours
        f"SELECT {i} AS col, v FROM (SELECT DISTINCT c{i} AS v FROM {qt} WHERE strlen(c{i}) <> length(c{i}))"
        for i in range(ncols))).fetchall()
    if not found:
        return
    cols, keys, values = [], [], []
    for col, v in found:
        try:
            text = v.encode("latin-1").decode(enc.codec)
        except UnicodeDecodeError:
            raise IngestError("encoding", file=filename, row=_decode_error_line(data, layout.data_start, enc),
                              tried=enc.name) from None
        cols.append(col)
        keys.append(v)
        values.append(_clean(text))
    text_qt = _quote_ident(f"{qt[1:-1]}__text")
    map_qt = _quote_ident(f"{qt[1:-1]}__map")
    if len(keys) <= _DECODE_BIND_MAX:
        # Bound lists: registering an Arrow table would first import pandas (~0.4 s in a fresh `smm ingest`).
        con.execute(f"CREATE OR REPLACE TEMP TABLE {map_qt} AS SELECT unnest($c::INTEGER[]) AS col, "  # noqa: S608
                    "unnest($k::VARCHAR[]) AS k, unnest($v::VARCHAR[]) AS v", {"c": cols, "k": keys, "v": values})
    else:   # binding a long list costs ~1.2 s per million values, far more than that import
        view = f"__smm_text_{threading.get_ident()}"
        con.register(view, pa.table({"col": pa.array(cols, pa.int32()), "k": pa.array(keys, pa.string()),
                                     "v": pa.array(values, pa.string())}))
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {map_qt} AS SELECT * FROM {_quote_ident(view)}")  # noqa: S608
        finally:
            con.unregister(view)
    if deferred is not None and None not in values:
        deferred[:] = [map_qt[1:-1], tuple(sorted(set(cols)))]
        return
    try:
        rows = _decoded_select(qt, map_qt, sorted(set(cols)), range(ncols))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {text_qt} AS {rows}")  # noqa: S608
    finally:
        con.execute(f"DROP TABLE IF EXISTS {map_qt}")
    con.execute(f"DROP TABLE {qt}")
    con.execute(f"ALTER TABLE {text_qt} RENAME TO {qt}")


def _decoded_select(qt: str, map_qt: str | None, with_text, cols, as_read=()) -> str:
    """SELECT _row, columns `cols` of table qt with the cells of columns `with_text` replaced by their text (from
    map_qt), and columns `as_read` as they are."""
    sel = [f"CASE WHEN m{i}.k IS NULL THEN r.c{i} ELSE m{i}.v END AS c{i}" if i in with_text else f"r.c{i}"
           for i in cols] + [f"r.c{i}" for i in as_read]
    joins = " ".join(f"LEFT JOIN (SELECT k, v FROM {map_qt} WHERE col = {i}) m{i} ON r.c{i} = m{i}.k"
                     for i in with_text if i in cols)
    return f"SELECT {', '.join(['r._row', *sel])} FROM {qt} r {joins}"  # noqa: S608 - identifiers are ours


def decoded_rows(raw: RawTable, cols, as_read=()) -> str:
    """A subquery of the rows of `raw`: `_row`, the text of columns `cols` (decoded where that was deferred), and
    columns `as_read` as the table holds them (to join with decoded_values)."""
    as_read = sorted(set(as_read))
    cols = sorted({i for i in cols if i not in as_read})
    map_qt = raw.text_map and _quote_ident(raw.text_map)
    return f"({_decoded_select(_quote_ident(raw.name), map_qt, raw.text_cols, cols, as_read)})"


def decoded_values(raw: RawTable, i: int) -> str:
    """A subquery of the distinct cells of column c{i} of `raw`: `cell` as the table holds it, `v` its text
    (decoded once per distinct cell where decoding was deferred)."""
    qt = _quote_ident(raw.name)
    if raw.text_map is None or i not in raw.text_cols:
        return f"(SELECT DISTINCT c{i} AS v, c{i} AS cell FROM {qt})"  # noqa: S608
    return (f"(SELECT CASE WHEN m.k IS NULL THEN d.cell ELSE m.v END AS v, d.cell FROM (SELECT DISTINCT c{i} "  # noqa: S608
            f"AS cell FROM {qt}) d LEFT JOIN (SELECT k, v FROM {_quote_ident(raw.text_map)} WHERE col = {i}) m "
            "ON d.cell = m.k)")


def _record_starts(data: bytes, enc: _Encoding, layout: _Layout) -> list[int]:
    """List the 1-based line where each record DuckDB read starts (it skips empty lines)."""
    text = data[layout.data_start:].decode(enc.codec)
    _raise_field_limit()
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=layout.delimiter, quotechar='"')
    keep_empty = len(layout.names) == 1     # a one-column file has a NULL record for an empty line
    starts, consumed = [], 0
    try:
        for row in reader:
            if row or keep_empty:
                starts.append(layout.first_line + consumed)
            consumed = reader.line_num
    except csv.Error:
        return []
    return starts


def _insert_sql(qt: str, ncols: int, tails: str) -> str:
    """Build the INSERT of one part file, stripping cells that start or end with whitespace.

    Testing every cell with trim() would double the load time, so cheap tests pick the cells to
    trim: ord() of the first character, suffix() for each trailing character the part contains.
    """
    def clean(c: str) -> str:
        tests = [f"ord({c}) <= 32"] + [f"suffix({c}, '{w}')" for w in tails]
        if any(w in tails for w in _WS_RARE):
            tests.append(f"ord({c}) IN ({', '.join(str(ord(w)) for w in _WS_RARE)})")
        return f"CASE WHEN {' OR '.join(tests)} THEN NULLIF(trim({c}, $ws), '') ELSE {c} END"

    cells = ", ".join(clean(f"c{i}") for i in range(ncols))
    return (f"INSERT INTO {qt} SELECT NULL, {cells} FROM read_csv($path, header = false, "  # noqa: S608 - identifiers are ours
            "auto_detect = false, all_varchar = true, delim = $delim, quote = '\"', escape = '\"', "
            "columns = $columns, strict_mode = true, null_padding = false, "
            "encoding = $encoding, skip = $skip)")


class _Part(NamedTuple):
    path: str
    lines: int          # line breaks + 1 in the data lines it holds
    tails: str          # whitespace characters besides space that cells may end in (see _tails)
    skip: int           # lines above the data: 0 for a part file we wrote
    ours: bool          # a part file we wrote (removed once read), not the user's file read in place


def _insert_parts(con, make_sql, params: dict, parts: Iterator[_Part], failed: list[BaseException],
                  ready: Callable[[], None] = lambda: None) -> int:
    """Insert each part on a worker thread (DuckDB releases the GIL) while the next one is made; `ready` is called
    once the first part is made, before DuckDB reads it."""
    todo: queue.Queue[_Part | None] = queue.Queue(maxsize=2)
    sql: dict[str, str] = {}

    def work() -> None:
        while (part := todo.get()) is not None:
            try:
                if not failed:
                    if part.tails not in sql:
                        sql[part.tails] = make_sql(part.tails)
                    con.execute(sql[part.tails], {**params, "path": part.path, "skip": part.skip})
            except Exception as e:      # noqa: BLE001 - any failure sends the file down the exact path
                failed.append(e)
            finally:
                if part.ours:
                    os.remove(part.path)

    worker = threading.Thread(target=work, name="smm-read-csv", daemon=True)
    worker.start()
    lines = 0
    try:
        for part in parts:
            lines += part.lines
            ready()
            todo.put(part)
            if failed:
                break
    finally:
        todo.put(None)
        worker.join()
    return lines


def _utf8_parts(data: bytes, start: int, enc: _Encoding, tmp: str, filename: str) -> Iterator[_Part]:
    """Write data[start:] (in an encoding other than UTF-8) as UTF-8 part files that end on a line break.

    Line breaks at the very end of the file are dropped so that they do not count as blank lines, and the last
    part ends with no line break of its own: in strict mode DuckDB rejects a file whose lines end in CRLF
    but its last in LF, and an added LF sent every CRLF export (Excel's UTF-16 text) down the exact path.
    """
    dec = codecs.getincrementaldecoder(enc.codec)("strict")
    view, carry = memoryview(data), b""
    for k, pos in enumerate(range(start, len(data), _DECODE_CHUNK)):
        last = pos + _DECODE_CHUNK >= len(data)
        try:
            text = dec.decode(view[pos:pos + _DECODE_CHUNK], last)
        except UnicodeDecodeError:
            raise IngestError("encoding", file=filename, row=_decode_error_line(data, start, enc),
                              tried=enc.name) from None
        out = text.encode("utf-8")
        tails = _tails("\t" in text, "" if text.isascii() else "".join(w for w in _WS_RARE if w in text),
                       _break_before_quote(out, 0, len(out)))
        del text
        if last:
            out = (carry + out).rstrip(b"\r\n")
            carry, cut = b"", len(out)
            if not out:
                return
        else:
            cut = out.rfind(b"\n") + 1
            if not cut:
                carry += out            # a line longer than a chunk
                continue
        path = os.path.join(tmp, f"part-{k}.csv")
        with open(path, "wb") as fh:
            fh.write(carry)
            fh.write(memoryview(out)[:cut])
        yield _Part(path, carry.count(b"\n") + out.count(b"\n", 0, cut) + last, tails, 0, True)
        carry = out[cut:]


def _in_place(data: bytes, layout: _Layout, source: Source | None) -> tuple[str, int] | None:
    """(path, lines to skip) to read the data lines from `source` itself, or None to write them out first.

    Only where DuckDB's `skip` (which counts line breaks) lands exactly on the first data line (no quote
    above it), and where the file still has the size, mtime, inode and device it had when its bytes were read
    and checked; they are compared again once DuckDB has read it (a change meanwhile: the checked bytes are
    read instead). Its bytes are not compared again (that would cost what reading in place saves): a rewrite
    that kept the size and set the mtime back, or landed within the clock tick of the read, goes unseen.
    """
    if source is None or b'"' in data[:layout.data_start] or not _still(source):
        return None
    return str(source.path), data.count(b"\n", 0, layout.data_start)


def _byte_parts(data: bytes, start: int, tmp: str, in_place: tuple[str, int] | None, utf8: bool,
                lone_cr: bool = True) -> Iterator[_Part]:
    """Hand data[start:] to DuckDB as it is: UTF-8, or (not `utf8`) to be read byte for byte as Latin-1.

    The one part is the source file itself where `in_place` allows, else a copy of the data lines.
    """
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    if in_place is not None:
        path, skip = in_place
    else:
        path, skip = os.path.join(tmp, "part-0.csv"), 0
        with open(path, "wb") as fh:       # no line break added at the end: see _utf8_parts
            fh.write(memoryview(data)[start:end])
    # Whitespace beyond ASCII: a UTF-8 part tests for what it holds; a Latin-1 read strips it when decoding.
    rare = ("" if not utf8 or data.isascii()
            else "".join(w for w in _WS_RARE if data.find(w.encode(), start, end) >= 0))
    tails = _tails(data.find(b"\t", start, end) >= 0, rare, _break_before_quote(data, start, end, lone_cr))
    yield _Part(path, data.count(b"\n", start, end) + 1, tails, skip, in_place is None)


_BREAK_QUOTE = (re.compile(rb'\n"'), re.compile(rb'\r"'))


def _break_before_quote(data: bytes, start: int, end: int, lone_cr: bool = True) -> bool:
    # re's literal search is ~3x faster than bytes.find for these two-byte needles: find's skip test keys
    # on the needle's last byte, a quote, which is common in CSV (0.04 s against 0.12 s per 110 MB each).
    # Without a lone CR (`lone_cr` False) a line break before a quote is an LF: the CR search is skipped.
    return any(p.search(data, start, end) is not None for p in _BREAK_QUOTE[:1 + lone_cr])


def _tails(tab: bool, rare: str, breaks: bool) -> str:
    # Each suffix() test costs ~0.15 s per 10M cells, more than looking for the character here.
    # A cell can end in a line break only as `…\n"` (quoted), so those tests are added only where that occurs.
    return " " + ("\t" if tab else "") + ("\n\r" if breaks else "") + rare


def _checked_count(con, qt: str, filename: str, max_rows: int) -> int:
    n = con.execute(f"SELECT count(*) FROM {qt}").fetchall()[0][0]  # noqa: S608
    if n == 0:
        raise IngestError("no_data_rows", file=filename)
    if n > max_rows:
        raise IngestError("too_large", file=filename, rows=n, max_rows=max_rows)
    return n


# --------------------------------------------------------------------------- CSV, exact Python path


def _parse_csv_python(data: bytes, filename: str, enc: _Encoding, layout: _Layout):
    """Parse the data region with `csv`, checking structure; return (line numbers, rows)."""
    try:
        text = data[layout.data_start:].decode(enc.codec)
    except UnicodeDecodeError as e:
        raise IngestError("encoding", file=filename, row=_line_at(data, layout.data_start + e.start, enc),
                          tried=enc.name) from None
    ncols = len(layout.names)
    _raise_field_limit()
    _check_line_lengths(text, layout.first_line, filename)
    lines = itertools.chain(io.StringIO(text, newline="\n"), [_SENTINEL])
    reader = csv.reader(lines, delimiter=layout.delimiter, quotechar='"', doublequote=True)
    rownums: list[int] = []
    rows: list[list[str | None]] = []
    bad_first, bad_count, bad_width = None, 0, 0
    consumed, start = 0, layout.first_line
    try:
        for row in reader:
            start, consumed = layout.first_line + consumed, reader.line_num
            if row == [_SENTINEL]:
                break
            if len(row) != ncols:
                if any(c.strip(_WS) for c in row):      # an empty line is no ragged row
                    bad_count += 1
                    if bad_first is None:
                        bad_first, bad_width = start, len(row)
                continue
            if bad_first is not None:
                continue                # the file is refused: only count the bad rows
            cells = [c.strip(_WS) or None for c in row]
            if any(cells):
                rownums.append(start)
                rows.append(cells)
        else:
            raise IngestError("unclosed_quote", file=filename, row=start)
    except csv.Error as e:
        raise IngestError("ragged", file=filename, row=layout.first_line + reader.line_num - 1,
                          count=1, reason=str(e)) from None
    if bad_first is not None:
        raise IngestError("ragged", file=filename, row=bad_first, count=bad_count, expected=ncols,
                          found=bad_width)
    return rownums, rows


def _check_line_lengths(text: str, first_line: int, filename: str) -> None:
    """Raise `line_too_long` for the first line over MAX_LINE_BYTES of UTF-8."""
    if len(text) * 4 <= MAX_LINE_BYTES or max(map(len, io.StringIO(text, newline="\n"))) * 4 <= MAX_LINE_BYTES:
        return                          # a UTF-8 character is at most 4 bytes: no line can be too long
    for i, line in enumerate(io.StringIO(text, newline="\n")):
        if len(line) * 4 > MAX_LINE_BYTES and len(line.encode()) > MAX_LINE_BYTES:
            raise IngestError("line_too_long", file=filename, row=first_line + i, limit=MAX_LINE_BYTES)


def _raise_field_limit() -> None:
    # Cells may be as long as a line; csv's default cap (128 KiB) is a process-wide setting.
    if csv.field_size_limit() < 4 * MAX_LINE_BYTES:
        csv.field_size_limit(4 * MAX_LINE_BYTES)


# ------------------------------------------------------------------------------ staging from rows


def _stage_rows(con, qt: str, rownums: list[int], rows: list[list[str | None]], ncols: int) -> list[bool]:
    """Create the table from rows already cleaned and padded to `ncols`; return which columns hold data."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(ncols)]
    return _stage_arrays(con, qt, pa.array(rownums, pa.int32()), [pa.array(col, pa.string()) for col in columns])


def _stage_arrays(con, qt: str, rownums: pa.Array, columns: list[pa.Array]) -> list[bool]:
    """Create the table from text columns already cleaned; return which columns hold data."""
    arrays = {"_row": rownums, **{f"c{i}": col for i, col in enumerate(columns)}}
    staged = pa.table(arrays)
    view = f"__smm_rows_{threading.get_ident()}"
    con.register(view, staged)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {qt} AS SELECT * FROM {_quote_ident(view)}")  # noqa: S608
    finally:
        con.unregister(view)
    return [col.null_count < len(col) for col in columns]


def _finish_columns(con, qt: str, names: list[str | None], has_data: list[bool], filename: str) -> list[str]:
    """Drop unnamed empty columns, name the other unnamed ones column_{i+1}, renumber c0…c{n-1}."""
    keep = [i for i, n in enumerate(names) if n or has_data[i]]
    headers = [names[i] or f"column_{i + 1}" for i in keep]
    _check_duplicates(headers, filename)
    kept = set(keep)
    for i in range(len(names)):
        if i not in kept:
            con.execute(f"ALTER TABLE {qt} DROP COLUMN c{i}")
    for new, old in enumerate(keep):
        if new != old:
            con.execute(f"ALTER TABLE {qt} RENAME COLUMN c{old} TO c{new}")
    return headers


# -------------------------------------------------------------------------------------------- Excel


def _read_excel(con, data: bytes, filename: str, *, table: str, max_rows: int, max_unzipped: int) -> RawTable:
    if data.startswith(b"PK\x03\x04"):
        _check_zip(data, filename, max_unzipped)
    # A sheet becomes millions of Python objects (a cell each) that live until it is staged; with the cyclic
    # garbage collector on, their allocation sets off full collections that walk them all, again and again:
    # measured on a 200,000-row sheet, its conversion took 1.57 s with them and 1.12 s without. None of these
    # objects is part of a cycle.
    with _gc_paused():
        return _read_sheet(con, data, filename, table=table, max_rows=max_rows)


class _GcPause:
    """Counted, so that overlapping pauses (files read on several threads) restore the collector once, at the
    end of the last one, and only if it was on before the first."""

    lock = threading.Lock()
    holds = 0
    was_on = False


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    with _GcPause.lock:
        if _GcPause.holds == 0:
            _GcPause.was_on = gc.isenabled()
            gc.disable()
        _GcPause.holds += 1
    try:
        yield
    finally:
        with _GcPause.lock:
            _GcPause.holds -= 1
            if _GcPause.holds == 0 and _GcPause.was_on:
                gc.enable()


def _read_sheet(con, data: bytes, filename: str, *, table: str, max_rows: int) -> RawTable:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = _pick_sheet(workbook)
        if sheet is None:
            raise IngestError("no_data_rows", file=filename)
        values = sheet.to_python(skip_empty_area=False)
        merges = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, OSError) as e:
        raise IngestError("excel_unreadable", file=filename, reason=str(e)) from None
    head_end = _excel_head_end(values)
    rows = [_trim_row([_cell_text(v) for v in r]) for r in values[:head_end]]

    def spans_for(r: int) -> list[tuple[int, int]] | None:
        found = [(c0, c1) for (r0, c0), (_r1, c1) in merges if r0 == r and c1 > c0]
        return found or None

    found = _find_header(rows, exact=False, spans_for=spans_for)
    if found is None:
        raise IngestError("no_data_rows", file=filename, sheet=sheet.name)
    g, h, names = found
    rownums, columns = _excel_body(values, h + 1)
    del values
    if not len(rownums):
        raise IngestError("no_data_rows", file=filename, row=h + 1, sheet=sheet.name)
    if len(rownums) > max_rows:
        raise IngestError("too_large", file=filename, rows=len(rownums), max_rows=max_rows)
    ncols = max(len(names), len(columns))
    names = list(names) + [None] * (ncols - len(names))
    _check_duplicates([n for n in names if n], filename)
    columns += [pa.nulls(len(rownums), pa.string())] * (ncols - len(columns))
    qt = _quote_ident(table)
    try:
        has_data = _stage_arrays(con, qt, rownums, columns)
        headers = _finish_columns(con, qt, names, has_data, filename)
        n_rows = _checked_count(con, qt, filename, max_rows)
    except BaseException:
        _drop(con, qt)
        raise
    return RawTable(table, headers, n_rows, "xlsx", None, None, _preamble(rows[:g]), h + 1, sheet.name)


def _excel_head_end(values: list[list]) -> int:
    """Return the index just past the rows the header search needs (30 candidates and their voters)."""
    seen = 0
    for i, r in enumerate(values):
        if any(_cell_text(v) is not None for v in r):
            seen += 1
            if seen > HEADER_SEARCH_ROWS + _FOLLOW_ROWS + 2:
                return i
    return len(values)


def _pick_sheet(workbook: CalamineWorkbook):
    """Pick the visible worksheet with the most rows (the first on ties); hidden ones only as a fallback."""
    best, best_key = None, None
    for order, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = workbook.get_sheet_by_name(meta.name)
        if sheet.height == 0:
            continue
        key = (meta.visible == SheetVisibleEnum.Visible, sheet.height, -order)
        if best_key is None or key > best_key:
            best, best_key = sheet, key
    return best


def _excel_body(values: list[list], start: int) -> tuple[pa.Array, list[pa.Array]]:
    """The 1-based sheet row numbers of the non-empty rows from `start` on, and their cells as text columns
    (as `_cell_text` renders them), up to the last column that holds a value.

    Column by column (see `_excel_column`): most columns are converted by Arrow in one go. Cell by cell costs
    ~0.6 µs a cell, which was most of the time of a large sheet.
    """
    width = max((len(r) for r in values[start:]), default=0)
    body = [r if len(r) == width else list(r) + [""] * (width - len(r)) for r in values[start:]]
    columns = [_excel_column(col) for col in zip(*body, strict=True)] if body else []
    while columns and columns[-1].null_count == len(columns[-1]):
        columns.pop()
    keep = np.zeros(len(body), dtype=bool)
    for col in columns:
        if col.null_count < len(col):
            keep |= col.is_valid().to_numpy(zero_copy_only=False)
    mask = pa.array(keep)
    rownums = pa.array(np.flatnonzero(keep).astype(np.int32) + (start + 1), pa.int32())
    return rownums, [col.filter(mask) for col in columns]


def _excel_column(col: tuple) -> pa.Array:
    """One column's cells as text, the same as `[_cell_text(v) for v in col]`. In one go where the column holds
    text only, or numbers only (floats; ints, as .xls gives whole numbers) or dates only, and empty cells;
    any other column cell by cell."""
    types = set(map(type, col))
    if types == {str}:
        return pa.array([v.strip(_WS) or None for v in col], pa.string())
    kind = (types - {str}).pop() if len(types - {str}) == 1 else None
    to = {float: pa.float64(), int: pa.int64(), dt.date: pa.date32()}.get(kind)
    if to is not None:
        try:    # an empty cell is "": any other text (or an int beyond 64 bits) goes cell by cell
            typed = pa.array(col if len(types) == 1 else [None if v == "" else v for v in col], to)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
        else:
            return _float_text(typed) if kind is float else typed.cast(pa.string())
    return pa.array([_cell_text(v) for v in col], pa.string())


def _float_text(typed: pa.Array) -> pa.Array:
    """Numbers as `_cell_text` renders them: whole numbers below 1e16 without a decimal point, others as
    Python's repr. Arrow's own rendering equals repr from 1e-4 up to 1e9 (beyond, it switches to an exponent
    sooner), so only the numbers outside that range, NaN and ±inf go through repr, one by one."""
    nums = typed.to_numpy(zero_copy_only=False)        # empty cells are NaN here, null in `typed`
    with np.errstate(invalid="ignore"):
        size = np.abs(nums)
        whole = (np.floor(nums) == nums) & (size < 1e16)
        plain = ~whole & (size >= 1e-4) & (size < 1e9)
    text = pc.if_else(pa.array(whole), pa.array(np.where(whole, nums, 0).astype(np.int64)).cast(pa.string()),
                      typed.cast(pa.string()))
    rest = np.flatnonzero(~whole & ~plain & typed.is_valid().to_numpy(zero_copy_only=False))
    if not len(rest):
        return text
    out = text.to_numpy(zero_copy_only=False).astype(object)
    out[rest] = [_cell_text(v) for v in nums[rest].tolist()]
    return pa.array(out, pa.string())


def _trim_row(row: list[str | None]) -> list[str | None]:
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _cell_text(v) -> str | None:
    """Render a cell as Excel shows it in General format: 239585 not 239585.0, ISO dates, TRUE/FALSE."""
    t = type(v)
    if t is str:
        return v.strip(_WS) or None
    if t is float:
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return None if math.isnan(v) else repr(v)
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is int:
        return str(v)
    if t is dt.datetime:
        return v.strftime("%Y-%m-%d %H:%M:%S") if not v.microsecond else v.isoformat(sep=" ")
    if t is dt.date:
        return v.isoformat()
    if t is dt.time:
        return v.strftime("%H:%M:%S")
    if t is dt.timedelta:
        hours, rest = divmod(round(v.total_seconds()), 3600)
        return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    if v is None:
        return None
    return str(v).strip(_WS) or None


def _check_zip(data: bytes, filename: str, max_unzipped: int) -> None:
    """Refuse zip bombs and XML with a DTD (entity expansion) before calamine parses anything."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise IngestError("excel_unreadable", file=filename, reason=str(e)) from None
    declared = sum(i.file_size for i in infos)
    if declared > max_unzipped:
        raise IngestError("too_large", file=filename, unzipped=declared, limit=max_unzipped)
    for info in infos:
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise IngestError("too_large", file=filename, part=info.filename,
                              ratio=info.file_size // max(info.compress_size, 1), limit=MAX_ZIP_RATIO)
    total = 0
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            total = _scan_xml_part(zf, info, filename, total, max_unzipped)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error) as e:  # damaged deflate
            raise IngestError("excel_unreadable", file=filename, reason=str(e)) from None


def _scan_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, total: int, limit: int) -> int:
    """Stream one part, counting real decompressed bytes (headers can lie) and looking for a DTD."""
    tail, decoder = b"", None
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise IngestError("too_large", file=filename, unzipped=total, limit=limit)
            if decoder is None:
                # Excel writes UTF-8, but a crafted part in UTF-16 must not hide its DTD from the scan.
                codec = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le",
                         b"\x00<": "utf-16-be"}.get(chunk[:2])
                decoder = codecs.getincrementaldecoder(codec)("replace") if codec else False
            if decoder:
                chunk = decoder.decode(chunk).encode("utf-8")
            window = tail + chunk
            if b"<!" in window and _DTD.search(window):
                raise IngestError("xml_bomb", file=filename, part=info.filename)
            tail = window[-32:]
    return total
