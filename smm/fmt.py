"""Numbers for people: ¥1.2万 style in zh, ¥12.0K in en; '—' for undefined."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DASH = "—"
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "KRW": "₩", "IDR": "Rp"}


def local_time(ts: dt.datetime | None, store_zone: str | None = None, viewer_zone: str | None = None) -> str:
    """A time the store wrote (naive, on the store's clock: DuckDB's TimeZone, `store_zone`) as YYYY-MM-DD HH:MM
    on the viewer's clock (`viewer_zone`: the browser's IANA zone). Either zone unknown or not a zone name: the time
    as written. '—' for none."""
    if ts is None or ts != ts:          # None, NaT
        return DASH
    if store_zone and viewer_zone and store_zone != viewer_zone:
        try:
            ts = ts.replace(tzinfo=ZoneInfo(store_zone)).astimezone(ZoneInfo(viewer_zone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return f"{ts:%Y-%m-%d %H:%M}"


def _bad(x: object) -> bool:
    return x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def compact(x: float | None, lang: str, digits: int = 1) -> str:
    """1.2万 / 3.4亿 in zh; 12.0K / 3.4M / 1.2B in en."""
    if _bad(x):
        return DASH
    v = float(x)
    a = abs(v)
    if lang == "zh":
        for div, suf in ((1e8, "亿"), (1e4, "万")):
            if a >= div:
                return f"{v / div:,.{digits}f}{suf}"
    else:
        for div, suf in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if a >= div:
                return f"{v / div:,.{digits}f}{suf}"
    return f"{v:,.0f}" if float(v).is_integer() or a >= 100 else f"{v:,.2f}"


def symbol(currency: str) -> str:
    """What an amount in `currency` is written after: its sign (¥, $, HK$), else its code and a space ("THB ")."""
    return SYMBOLS.get(currency, currency + " ")


def money(x: float | None, currency: str, lang: str, *, exact: bool = False) -> str:
    if _bad(x):
        return DASH
    sym = symbol(currency)
    sign = "-" if float(x) < 0 else ""
    body = f"{abs(float(x)):,.2f}" if exact else compact(abs(float(x)), lang)
    if not exact and abs(float(x)) < 100:
        body = f"{abs(float(x)):,.2f}"
    return f"{sign}{sym}{body}"


def pct(x: float | None, digits: int = 2) -> str:
    return DASH if _bad(x) else f"{float(x) * 100:.{digits}f}%"


def multiple(x: float | None) -> str:
    return DASH if _bad(x) else f"{float(x):.2f}×"


def count(x: float | None, lang: str) -> str:
    return DASH if _bad(x) else compact(x, lang)


def by_unit(x: float | None, unit: str, currency: str, lang: str) -> str:
    """Format a registry metric value by its unit."""
    if unit == "money":
        return money(x, currency, lang)
    if unit == "ratio":
        return pct(x)
    if unit == "multiple":
        return multiple(x)
    return count(x, lang)


def delta_pct(cur: float | None, prev: float | None) -> float | None:
    """Relative change; None when the previous value is missing or zero."""
    if _bad(cur) or _bad(prev) or float(prev) == 0:
        return None
    return (float(cur) - float(prev)) / abs(float(prev))


# Advance widths in em of the UI font (Streamlit's "sans serif": Source Sans, CJK from Noto), measured in
# Chromium: every digit and ¥ $ € £ × + are 0.497 em, `, .` 0.249, `%` 0.824, `-` 0.311, `/` 0.350, a space 0.200.
_EM = {**dict.fromkeys("0123456789¥$€£₩×+−", 0.50), ",": 0.25, ".": 0.25, "%": 0.83, "％": 1.0, "-": 0.32,
       "/": 0.35, " ": 0.2, "—": 0.8, "·": 0.25}


# Every other printable ASCII character, measured the same way (400 weight, rounded up to the hundredth): a tile's
# change ("91% of budget (-¥574.0K)") is mostly letters, which the 0.85 em of text_em's default would take for
# half as wide again as they are, shrinking a change that fits.
_EM_ASCII = {**_EM, **dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()[]{}:;'\"!?&*#@<=>^_~|\\`",
    (0.54, 0.59, 0.57, 0.61, 0.53, 0.49, 0.62, 0.65, 0.26, 0.48, 0.58, 0.49, 0.73, 0.65, 0.66, 0.57, 0.66, 0.57,
     0.53, 0.54, 0.64, 0.51, 0.79, 0.51, 0.48, 0.54,
     0.5, 0.55, 0.46, 0.55, 0.5, 0.29, 0.5, 0.54, 0.25, 0.25, 0.49, 0.25, 0.83, 0.55, 0.54, 0.55, 0.55, 0.35, 0.42,
     0.34, 0.54, 0.47, 0.72, 0.45, 0.47, 0.42,
     0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.25, 0.25, 0.25, 0.43, 0.29, 0.42, 0.61, 0.42, 0.5, 0.85, 0.5, 0.5, 0.5, 0.5,
     0.5, 0.5, 0.24, 0.35, 0.54), strict=True))}


def text_em(text: str, *, letters: bool = False) -> float:
    """How wide `text` is in em of the UI font: what a tile's big number needs to fit without "…".

    Digits and signs as measured; a wide character (CJK, 万, 亿) 1 em; any other character 0.85 em, as wide
    as the widest of the font's letters (m 0.83 em, W 0.79 em), so an estimate errs towards a smaller font, never
    towards "…". With `letters`, ASCII letters and punctuation count as measured too (a tile's change).
    """
    widths = _EM_ASCII if letters else _EM
    total = 0.0
    for ch in text:
        w = widths.get(ch)
        if w is None:
            w = 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.85
        total += w
    return total
