"""Reporting periods: the default week and the comparison period (pure functions, shared by UI and CLI)."""

from __future__ import annotations

import datetime as dt

COMPARE_MODES: tuple[str, ...] = ("previous", "last_year", "none")


def last_complete_week(lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date, dt.date]:
    """Return the last Monday–Sunday week inside the data (the default date range): its days from the first
    date with data where the data starts within that week. Data that ends before its first Sunday (a first
    export of a few days) has no such week: its own days are the range (never an empty, inverted one)."""
    if hi is None:
        today = dt.date.today()
        return today - dt.timedelta(days=6), today
    end = hi if hi.weekday() == 6 else hi - dt.timedelta(days=hi.weekday() + 1)
    if lo and lo > end:     # then lo lies in hi's own Monday–Sunday week: fewer than seven days
        return lo, hi
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
