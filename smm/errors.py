"""Errors that name the file, row and column."""

from __future__ import annotations


class IngestError(Exception):
    """A file (or one of its rows) cannot be loaded; `code` selects the i18n message `err.<code>`."""

    def __init__(self, code: str, *, file: str = "", row: int | None = None, column: str | None = None,
                 **params: object) -> None:
        self.code = code
        self.file = file
        self.row = row
        self.column = column
        self.params = params
        where = file + (f", row {row}" if row is not None else "") + (f", column {column!r}" if column else "")
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{where}: {code}" + (f" ({detail})" if detail else ""))

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": str(self),
                **{k: v for k, v in self.params.items() if isinstance(v, str | int | float)}}


class StoreBusyError(Exception):
    """Another process holds the store's write lock."""


class _StoreFileError(Exception):
    """The store file at `path` cannot be used, for `reason` (DuckDB's or the system's words)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreUnavailableError(_StoreFileError):
    """The store cannot be opened or written: its folder is read-only, or the disk is full."""


class StoreDamagedError(_StoreFileError):
    """The store file exists but DuckDB cannot read it (a failed block checksum, or not a DuckDB file at all)."""
