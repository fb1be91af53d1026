"""Reporting periods: the default week and the comparison period (pure functions, shared by UI and CLI)."""

from __future__ import annotations

import datetime as dt

COMPARE_MODES: tuple[str, ...] = ("previous", "last_year", "none")


def last_complete_week(lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date, dt.date]:
    """Return the last Monday–Sunday week fully inside the data (the default date range)."""
    if hi is None:
        today = dt.date.today()
        return today - dt.timedelta(days=6), today
    end = hi if hi.weekday() == 6 else hi - dt.timedelta(days=hi.weekday() + 1)
    start = end - dt.timedelta(days=6)
    if lo and start < lo:
        start = lo
    return start, end


def _year_back(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def compare_period(start: dt.date, end: dt.date, mode: str) -> tuple[dt.date, dt.date] | None:
    """Return the comparison period: the same length just before, or the same dates a year earlier."""
    if mode == "previous":
        days = (end - start).days + 1
        return start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    if mode == "last_year":
        return _year_back(start), _year_back(end)
    if mode == "none":
        return None
    raise ValueError(f"unknown comparison mode {mode!r}")
