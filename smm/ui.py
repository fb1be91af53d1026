"""Streamlit glue shared by the entry point and pages: connection, language, shared filters."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import duckdb
import streamlit as st

from smm import auth, charts, fmt, i18n, periods, queries, store
from smm.errors import StoreBusyError, StoreDamagedError, StoreUnavailableError
from smm.metrics import CVR_BASES, ER_BASES, ROI_BASES, Settings

if TYPE_CHECKING:
    from smm.ingest import LoadOptions

COMPARE = ("previous", "last_year", "none")

# (file, i18n title key, icon, url path), in menu order. A page is listed once its file exists.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("pages/content.py", "nav.content", ":material/movie:", "content"),
    ("pages/kol.py", "nav.kol", ":material/groups:", "kol"),
    ("pages/budget.py", "nav.budget", ":material/account_balance_wallet:", "budget"),
    ("pages/data.py", "nav.data", ":material/upload_file:", "data"),
)


@st.cache_resource(show_spinner=False)
def _root(path: str) -> duckdb.DuckDBPyConnection:
    return store.connect(path)


def _ensure_entrypoint() -> None:
    """Run pages through app.py (st.navigation), never on their own.

    On a fresh server Streamlit's legacy `pages/` routing is active until the first run of app.py calls
    st.navigation; a first visitor arriving on a deep link (/kol) would get the page without the entry point:
    no login gate, no shared filters. Switch to the entry point's navigation and rerun the same request.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def con() -> duckdb.DuckDBPyConnection:
    """A cursor on the one cached root connection (a cursor per script run: sessions never share one)."""
    _ensure_entrypoint()
    auth.require()  # the data is reached only through here: no page shows any before the login gate passes
    path = str(store.db_path())
    try:
        cur = _live_cursor(path)
        # None: DuckDB stopped the database after a failed write (disk full, folder made read-only): reopen it
        # from disk (the committed state) instead of failing every page until the app restarts.
        return cur if cur is not None else _reopen(path)
    except StoreBusyError as e:
        st.error(i18n.t("store.busy", lang(), path=str(e)))
        st.stop()
        raise
    except StoreUnavailableError as e:
        st.error(i18n.t("store.unavailable", lang(), path=e.path, reason=e.reason))
        st.stop()
        raise
    except StoreDamagedError as e:
        st.error(i18n.t("store.damaged", lang(), path=e.path, reason=e.reason))
        st.stop()
        raise


_REOPEN_LOCK = threading.Lock()


def _live_cursor(path: str) -> duckdb.DuckDBPyConnection | None:
    """A cursor on the cached root of the store at `path`, or None when DuckDB has stopped that database (after a
    failed write) or its root was closed to reopen it."""
    try:
        cur = _root(path).cursor()
        cur.execute("SELECT 1").fetchall()
    except (duckdb.FatalException, duckdb.ConnectionException):
        return None
    return cur


def _reopen(path: str, patience: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A cursor on the store at `path` opened again from disk, its cached root having been invalidated.

    One session at a time: another one may have reopened it while this one waited, and then its root is used.
    The old root must be closed first, or DuckDB hands back the same invalidated instance; DuckDB refuses (instead
    of waiting) to close a connection another thread is in a call on, so the close is tried again until that call
    has ended, for up to `patience` seconds."""
    with _REOPEN_LOCK:
        cur = _live_cursor(path)
        if cur is not None:
            return cur                          # reopened by another session meanwhile
        old = _root(path)
        deadline = time.monotonic() + patience
        while True:
            try:
                old.close()
                break
            except duckdb.ResourceInUseException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        _root.clear()
        return _root(path).cursor()


def _store_alive() -> bool:
    """False when DuckDB has invalidated the cached database (after a failed write)."""
    cur = _live_cursor(str(store.db_path()))
    if cur is None:
        return False
    cur.close()
    return True


@contextlib.contextmanager
def rerun_if_store_stops(tries: int = 3) -> Iterator[None]:
    """Around a run's use of the store: if DuckDB stops the database meanwhile (an upload this run started failed
    to write: disk full, folder made read-only), run again, and con() reopens it, instead of an error page.
    An upload job runs beside the script, so a quick failure can land while the sidebar or the page still reads.
    At most `tries` runs in a row: a store that stops again at once shows its error."""
    ss = st.session_state
    try:
        yield
    except duckdb.FatalException:
        done = ss.get("_store_stopped_reruns", 0)
        if done >= tries:
            ss.pop("_store_stopped_reruns", None)
            raise
        ss["_store_stopped_reruns"] = done + 1
        st.rerun()
    else:
        ss.pop("_store_stopped_reruns", None)


def lang() -> str:
    # Before the sidebar has seeded the widget (e.g. the store cannot be opened), follow the URL, then the browser.
    return i18n.normalize_lang(st.session_state.get("lang") or st.query_params.get("lang")
                               or getattr(st.context, "locale", None))


def t(key: str, **fmt: object) -> str:
    return i18n.t(key, lang(), **fmt)


def tn(key: str, n: int, **fmt: object) -> str:
    return i18n.tn(key, n, lang(), **fmt)


def when(ts) -> str:
    """A time the store wrote (a file's load time) on the viewer's clock: the store keeps the server's local time,
    which is not the team's in a container on UTC. Where the browser's zone is unknown (AppTest): as stored."""
    viewer = getattr(st.context, "timezone", None)
    return fmt.local_time(ts, store.time_zone() if viewer else None, viewer)


def data_version(c: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever stored data or rates change: the cache key of every cached query."""
    return tuple(c.execute(
        "SELECT (SELECT coalesce(max(batch_id), 0) FROM load_batches), "
        "(SELECT count(*) FROM load_batches WHERE status = 'deleted'), "
        "(SELECT CAST(max(updated_at) AS VARCHAR) FROM fx_rates), (SELECT count(*) FROM fx_rates), "
        "(SELECT CAST(max(updated_at) AS VARCHAR) FROM settings)").fetchall()[0])


def compare_period(start: dt.date, end: dt.date, mode: str) -> tuple[dt.date, dt.date] | None:
    """The comparison period: the same length just before, or the same dates a year earlier."""
    return periods.compare_period(start, end, mode) if mode in periods.COMPARE_MODES else None


@st.cache_data(show_spinner=False, ttl=600)
def _choices(version: tuple, path: str) -> dict:
    c = con()
    lo, hi = queries.data_range(c)
    return {"lo": lo, "hi": hi, "default_week": queries.default_week(c),
            "platforms": queries.distinct_values(c, "platform"),
            "campaigns": queries.distinct_values(c, "campaign"),
            "content_types": queries.distinct_values(c, "content_type"),
            "kols": queries.distinct_values(c, "kol"),
            "currencies": [r[0] for r in c.execute("SELECT currency FROM fx_rates ORDER BY 1").fetchall()]}


def _from_url(key: str, options: Sequence | None = None, *, many: bool = False, kind: str = "str",
              lo: float | None = None, hi: float | None = None) -> object:
    """The URL's value for `key` (ids, not display labels), or None when it has none that is valid.

    Kinds: "str" (one of `options`, matched by its text, or any text without options), "date" (a range: one or
    two ISO dates), "day" (one ISO date), "bool", "int" and "float" (within lo..hi).
    """
    if key not in st.query_params:
        return None
    raw = st.query_params.get_all(key)
    try:
        if kind == "date":
            vals = [dt.date.fromisoformat(v) for v in raw][:2]
        elif kind == "day":
            vals = [dt.date.fromisoformat(raw[-1])]
        elif kind == "bool":
            vals = [raw[-1].lower() in ("1", "true", "yes", "on")]
        elif kind in ("int", "float"):
            x = float(raw[-1])
            if (not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi)
                    or (kind == "int" and not x.is_integer())):
                return None
            vals = [int(x) if kind == "int" else x]
        elif many and raw == [""]:
            return []               # nothing chosen, where the page's default chooses some (see _sync)
        else:
            by_text = None if options is None else {str(o): o for o in options}
            vals = [v if by_text is None else by_text[v] for v in raw if by_text is None or v in by_text]
    except ValueError:
        return None
    if not vals:
        return None
    return tuple(vals) if kind == "date" else (vals if many else vals[-1])


def _seed(key: str, options: list | None = None, *, many: bool = False, kind: str = "str") -> None:
    """On a session's first run, take the widget's value from the URL (ids, not display labels)."""
    if key in st.session_state:
        return
    value = _from_url(key, options, many=many, kind=kind)
    if value is not None:
        st.session_state[key] = value


def _sync(key: str, default: object, *, kind: str = "str") -> None:
    """Write the widget's value back to the URL; a default value leaves the URL clean."""
    value = st.session_state.get(key)
    if value is None or value == default or (isinstance(value, list | tuple) and list(value) == list(default or [])):
        if key in st.query_params:
            del st.query_params[key]
        return
    if kind == "date":
        want = [d.isoformat() for d in value]
    elif kind == "bool":
        want = ["1"] if value else []
    elif isinstance(value, list | tuple):
        want = [_url_text(v) for v in value]
    else:
        want = [_url_text(value)]
    if not want:
        want = [""]                 # an empty choice where the default is not empty: `?key=` says so
    if st.query_params.get_all(key) != want:
        st.query_params[key] = want if len(want) > 1 else want[0]


def _url_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))          # 120000, not 120000.0
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def in_url(key: str, clean: object = None, /, *, options: Sequence | None = None, many: bool = False,
           limit: int | None = None, kind: str = "str", lo: float | None = None, hi: float | None = None,
           label: Callable[[object, str], str] | None = None, **widget_default: object) -> dict:
    """Make a page widget part of the view's URL (`?key=<id>`), kept when the user leaves the page and comes back.

    Call it right before the widget, as its keyword arguments: `st.selectbox(..., key=k, **ui.in_url(k, clean,
    options=opts, index=0))`. In this order, the widget's value comes from the session (it has one), else what
    the page held when the user left it, else the URL (a copied link: ids, not labels, so a link works in both
    languages; a value that is not one of `options` or outside lo..hi is dropped), else the widget's own
    default: the keyword arguments, returned only when no value is set, as Streamlit wants them. The value is
    then written to the URL; the value `clean` (the page's default) leaves the URL clean. A value changed by the
    user (or by a callback) is already in Session State when the page runs again, so writing it here, before
    the widget is drawn, keeps the URL current; values that are no longer among `options` are dropped first.
    """
    ss = st.session_state
    kept = f"_url_{key}"

    def valid(value: object) -> object:
        if options is None or value is None:
            return value
        if many:
            return [v for v in (unlabel(x, options, label) for x in value) if v in options][:limit]
        value = unlabel(value, options, label)
        return value if value in options else None

    if key in ss:
        value = valid(ss[key])
        if value is None:
            del ss[key]
        elif value != ss[key]:
            ss[key] = value
    else:
        value = valid(ss.get(kept))
        if value is None:
            value = valid(_from_url(key, options, many=many, kind=kind, lo=lo, hi=hi))
        if value is not None:
            ss[key] = value
    if key in ss:
        ss[kept] = ss[key]
    else:
        ss.pop(kept, None)
    _sync(key, clean, kind=kind)
    return {} if key in ss else widget_default


def unlabel(value: object, options: Sequence, label: Callable[[object, str], str] | None = None) -> object:
    """`value`, or the one option whose label (in either language) it is: `label(option, lang)` where given, else
    the i18n keys that end in the option's id ("compare.previous" → previous).

    Streamlit matches the text a select sends from the browser against the option labels of the widget's last
    run, and keeps a text it does not find as the value itself. Two quick language switches (a second click
    before the first one's run has sent the new labels) sent "Previous period" to a run that had drawn "上一周期":
    the comparison became "Previous period", in the URL too, and the budget's burn categories came out empty.
    """
    if not isinstance(value, str) or value in options:
        return value
    if label is not None:
        found = [o for o in options if any(label(o, x) == value for x in i18n.LANGS)]
    else:
        ids = i18n.ids_labelled(value)
        found = [o for o in options if str(o) in ids]
    return found[0] if len(found) == 1 else value


def unlabel_state(key: str, options: Sequence, *, many: bool = False,
                  label: Callable[[object, str], str] | None = None) -> None:
    """Session State's value for `key`, with any option label in it taken back to its option (see unlabel). Call it
    before a select drawn outside in_url (which does this itself)."""
    ss = st.session_state
    if key not in ss:
        return
    value = ss[key]
    if many and isinstance(value, list | tuple):
        value = list(value)
        fixed = [unlabel(v, options, label) for v in value]
    else:
        fixed = unlabel(value, options, label)
    if fixed != value:
        ss[key] = fixed


def initial(key: str, **default: object) -> dict:
    """Pass a widget default only when Session State does not already hold its value.

    A language switch sets every plain value again (see sidebar), and Streamlit warns about a widget that has both
    a default and a value set through Session State.
    """
    return {} if key in st.session_state else default


def _plain(value: object) -> bool:
    """A select's, radio's or field's value: text or a number, or a list of them (not a flag, date or file)."""
    if isinstance(value, list | tuple):
        return bool(value) and all(_plain(v) for v in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def seed_language() -> None:
    """The session's language, from the URL, else the browser, on its first run. The entry point seeds it before
    the first start's sample load too: a page clicked during the load (a link without the URL's `?lang=`) must
    stay in the language the load was shown in."""
    _seed("lang", list(i18n.LANGS))
    if "lang" not in st.session_state:
        browser = getattr(st.context, "locale", None)
        st.session_state["lang"] = i18n.normalize_lang(browser) if browser else i18n.DEFAULT_LANG


def sidebar(c: duckdb.DuckDBPyConnection) -> None:
    """The shared filters, owned by the entry point and mirrored in the URL so a copied link reproduces the view."""
    seed_language()
    # The browser keeps a select's value as the text of its option, which a language switch changes: the run
    # after a switch reads it right (through the previous run's labels), but unless the value is sent again the
    # browser keeps the old language's text, and the next switch read "抖音" and "上一周期" as the values: into
    # the filters and the URL, and the Overview's funnel scope stopped the page (StopIteration). Setting every
    # plain widget value again sends it in the new language (buttons, uploads and editors hold other types).
    # Hence no forms: Session State holds what a form last sent, and sending that again replaced a choice picked in
    # the form and not sent yet, so a form's widgets kept the old language's words (the Data page's mapping step).
    ss = st.session_state
    if ss.get("_lang_drawn") not in (None, lang()):
        for key in [k for k in ss if isinstance(k, str) and not k.startswith("_") and k != "lang"]:
            if _plain(ss[key]):
                ss[key] = ss[key]
    ss["_lang_drawn"] = lang()
    ch = _choices(data_version(c), str(store.db_path()))
    # A select's text the browser sent in the other language than the last run's (see unlabel): its id again.
    for key, opts, many in (("compare", COMPARE, False), ("er_base", ER_BASES, False), ("cvr_base", CVR_BASES, False),
                            ("roi_basis", ROI_BASES, False), ("platforms", ch["platforms"], True),
                            ("ctypes", ch["content_types"], True)):
        unlabel_state(key, opts, many=many)
    for aside in store.set_aside_wals():
        st.warning(i18n.t("store.wal_set_aside", lang(), file=str(aside)), icon=":material/warning:")
    currencies = ch["currencies"] or ["CNY"]
    _seed("dates", kind="date")
    _seed("compare", list(COMPARE))
    _seed("platforms", ch["platforms"], many=True)
    _seed("campaigns", ch["campaigns"], many=True)
    _seed("ctypes", ch["content_types"], many=True)
    _seed("kols", ch["kols"], many=True)
    _seed("cur", currencies)
    _seed("er_base", list(ER_BASES))
    _seed("cvr_base", list(CVR_BASES))
    _seed("roi_basis", list(ROI_BASES))
    _seed("present", kind="bool")
    default_dates = ch["default_week"]
    # A default range that no longer holds any data moves with the data: after a session's first upload into an
    # empty store (or the first after clearing the sample) it would otherwise have stayed on the empty store's
    # "this week" and shown nothing. One that still holds data stays put (a colleague loading next week's
    # exports must not move the room's view mid-meeting), and so does a range the user or the URL set.
    before = st.session_state.get("_dates_default")
    if (before is not None and before != default_dates and tuple(st.session_state.get("dates") or ()) == before
            and (ch["hi"] is None or before[1] < ch["lo"] or before[0] > ch["hi"])):
        st.session_state["dates"] = default_dates
    st.session_state["_dates_default"] = default_dates
    with st.sidebar:
        st.segmented_control(i18n.t("sidebar.language", lang()), list(i18n.LANGS), key="lang", required=True,
                             format_func=lambda x: {"zh": "中文", "en": "English"}[x])
        L = lang()
        st.date_input(i18n.t("sidebar.dates", L), key="dates", format="YYYY-MM-DD",
                      **initial("dates", value=default_dates))
        st.selectbox(i18n.t("sidebar.compare", L), COMPARE, key="compare",
                     format_func=lambda x: i18n.t(f"compare.{x}", L))
        st.multiselect(i18n.t("sidebar.platforms", L), ch["platforms"], key="platforms",
                       format_func=lambda x: i18n.platform_label(x, L), placeholder=i18n.t("sidebar.all", L))
        with st.expander(i18n.t("sidebar.more_filters", L)):
            st.multiselect(i18n.t("field.campaign", L), ch["campaigns"], key="campaigns",
                           placeholder=i18n.t("sidebar.all", L))
            st.multiselect(i18n.t("field.content_type", L), ch["content_types"], key="ctypes",
                           format_func=lambda x: i18n.t(f"ctype.{x}", L) if i18n.has(f"ctype.{x}") else x,
                           placeholder=i18n.t("sidebar.all", L))
            st.multiselect(i18n.t("field.kol", L), ch["kols"], key="kols", placeholder=i18n.t("sidebar.all", L))
        st.selectbox(i18n.t("sidebar.currency", L), currencies, key="cur",
                     **initial("cur", index=currencies.index("CNY") if "CNY" in currencies else 0))
        with st.expander(i18n.t("sidebar.definitions", L)):
            st.selectbox(i18n.t("setting.er_base", L), ER_BASES, key="er_base",
                         format_func=lambda x: i18n.field_label(x, L))
            st.selectbox(i18n.t("setting.cvr_base", L), CVR_BASES, key="cvr_base",
                         format_func=lambda x: i18n.field_label(x, L))
            st.selectbox(i18n.t("setting.roi_basis", L), ROI_BASES, key="roi_basis",
                         format_func=lambda x: i18n.t(f"setting.roi_basis_short.{x}", L),
                         help=i18n.t("setting.roi_basis_help", L))
        st.toggle(i18n.t("sidebar.present", L), key="present")
    _sync("lang", None)
    _sync("dates", default_dates, kind="date")
    _sync("compare", COMPARE[0])
    for k in ("platforms", "campaigns", "ctypes", "kols"):
        _sync(k, [])
    _sync("cur", "CNY")
    _sync("er_base", ER_BASES[0])
    _sync("cvr_base", CVR_BASES[0])
    _sync("roi_basis", ROI_BASES[0])
    _sync("present", False, kind="bool")


def tabs(key: str, ids: Sequence[str], prefix: str) -> list:
    """st.tabs whose open tab is part of the view's URL (`?tab=<id>`, the same id in both languages; the first
    tab leaves the URL clean), so a copied link reopens it, and a language switch keeps it open.

    The labels are i18n keys `prefix + id`. Every tab's content still runs on each rerun (the page's elements
    stay the same for AppTest and exports); switching tabs reruns the page to update the URL.
    """
    ss = st.session_state
    L = lang()
    labels = [i18n.t(prefix + i, L) for i in ids]
    by_label = {i18n.t(prefix + i, x): i for i in ids for x in i18n.LANGS}
    current = by_label.get(ss.get(key))                    # the open tab, named in either language
    if current is None:                                    # a first run on this page: the URL's tab, if any
        asked = st.query_params.get("tab")
        current = asked if asked in ids else ids[0]
    ss[key] = labels[ids.index(current)]
    out = st.tabs(labels, key=key, on_change="rerun")
    opened = by_label.get(ss.get(key), ids[0])
    if opened == ids[0]:
        if "tab" in st.query_params:
            del st.query_params["tab"]
    elif st.query_params.get_all("tab") != [opened]:
        st.query_params["tab"] = opened
    return out


def filters() -> queries.Filters:
    """The shared filters from the sidebar widgets' state."""
    ss = st.session_state
    dates = ss.get("dates") or ()
    start = dates[0] if len(dates) > 0 else None
    end = dates[1] if len(dates) > 1 else start
    return queries.Filters(start=start, end=end, platforms=tuple(ss.get("platforms") or ()),
                           campaigns=tuple(ss.get("campaigns") or ()), content_types=tuple(ss.get("ctypes") or ()),
                           kols=tuple(ss.get("kols") or ()), currency=ss.get("cur") or "CNY")


def settings() -> Settings:
    ss = st.session_state
    return Settings(er_base=ss.get("er_base") or "impressions", cvr_base=ss.get("cvr_base") or "clicks",
                    roi_basis=ss.get("roi_basis") or "full")


def compare_mode() -> str:
    return st.session_state.get("compare") or "previous"


# A button's label wraps onto a second line where its column is narrow, instead of ending in "…" (Streamlit cuts
# it to one line: "最近 4 周（2026-1…" on a 1280 px screen). A tile's "vs previous" stands below its change in
# every tile narrower than 15rem (a container query on the tile: the tiles of a row share one width, so all of a
# row or none), not only where the two do not fit on one line: a tile whose change wrapped stood its number a line
# higher than its neighbours' ("ROI 投资回报率 52.72%" on the Overview at 1280 px). The Overview's rows of five
# tiles become rows of three (3 + 2, each tile a third wide) where five would be too narrow for their changes:
# beside the sidebar at 1024 px they were 100 px wide, cut to "↓ -18…" (BASE_CSS, PRESENT_CSS). A tile's label
# wraps too ("达人带来成交" in the KOL row of seven, presenting at 1280 px): the tiles of a row keep one height and
# their numbers one line, wherever a label wraps (a tile's label takes its slack; a tile with no change below its
# number, beside tiles with one, keeps its slack at the bottom instead: its number then stands level with theirs
# where the labels take as many lines, so the Overview gives such a tile a grey "—" change; a tile with no
# sparkline, beside tiles with one, keeps a sparkline's room at its bottom: its "—" stood ~70 px lower).
# Columns in a container keyed smm_wrap_… go one above the other where two of 34rem do not fit side by side; those
# keyed smm_grid_… (chart_grid: small multiples, one chart per plot) hold as many 16rem columns a row as fit, and
# those keyed smm_row_… (a row of inputs) as many of 11rem: with the sidebar open at 1024 px, the Data page's four
# upload options had "Detect autom" and "yyyy / mm / d" cut. Button and popover labels wrap rather than end in "…". A
# chart of fixed width is scaled down to the page's width instead of running off its right edge.
#
# A tile's big number never ends in "…" (on a 1280 px projector five tiles are 150 px wide): its font is the
# smaller of the mode's size and a share of the width the number has (CSS container units: cqi = 1 % of it).
# The share fits the longest value of the tile's group (metric_group): a group whose values are at most N em of
# text wide gets 96/N cqi, in steps (FIT_STEPS, in tenths of an em); a tile outside any group fits 4.5 em.
FIT_STEPS = ("25", "30", "35", "40", "45", "50", "60", "80")
# A tile's change (its delta chip) never ends in "…" either: presenting at 1024 px, the budget's "预算的 91%
# （-¥57.4万）" showed as "预算的 91%（-¥57.4…" in a 218 px tile. Letting it wrap instead would stand that tile's
# number a line above its neighbours'. A group passes its changes to metric_group; their text takes the smaller of
# the size it has and the one at which the widest of them fits on one line: the tile's width (100cqi) less the
# chip's padding (0.75rem) and arrow (--smm-arrow), shared among DELTA_FIT_STEPS em (the widest, rounded up);
# and no smaller than 0.75 of its size. To keep it near its size, the budget's four tiles go two a row where four
# of ~9.4rem do not fit (41rem: a change of 11 em at 0.9 of its size, and its padding), and the what-if's six go
# three a row below six of ~8.3rem (55rem: 8 em and an arrow): with the sidebar open at 1024 px, their changes had
# come down to 10.6 and 6 px.
DELTA_FIT_STEPS = ("3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "16", "18", "20", "24")

# The rules of the paragraphs above that hold in both modes; the font sizes are the mode's (BASE_CSS, PRESENT_CSS).
LAYOUT_CSS = """
<style>
[data-testid="stMetricValue"] { container-type: inline-size; }
[data-testid="stMetricValue"] > div { line-height: 1.25; }
div:has(> [data-testid="stMetricDeltaDescription"]) { flex-wrap: wrap; row-gap: 0.15rem; }
[class*="st-key-smm_fit_"][class*="_overview"] { container: smm-tiles / inline-size; }
[class*="st-key-smm_fit_"][class*="_burn"] { container: smm-four / inline-size; }
[class*="st-key-smm_fit_"][class*="_whatif"] { container: smm-six / inline-size; }
@container smm-four (max-width: 41rem) {
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { flex: 0 0 calc((100% - 1rem) / 2); min-width: 0; }
}
@container smm-six (max-width: 55rem) {
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { flex: 0 0 calc((100% - 2rem) / 3); min-width: 0; }
}
[data-testid="stMetric"] { container: smm-tile / inline-size; }
@container smm-tile (max-width: 15rem) {
  div:has(> [data-testid="stMetricDeltaDescription"]) { flex-direction: column; align-items: flex-start; }
}
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"],
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"] p,
[data-testid="stPopoverButton"] [data-testid="stMarkdownContainer"],
[data-testid="stPopoverButton"] [data-testid="stMarkdownContainer"] p { white-space: normal; text-overflow: clip; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] > div,
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] { height: auto; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p { white-space: normal; text-overflow: clip; line-height: 1.25; }
[data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) [data-testid="stColumn"] > [data-testid="stVerticalBlock"] { height: 100%; }
[data-testid="stColumn"] [data-testid="stElementContainer"]:has(> [data-testid="stMetric"]) { flex-grow: 1; }
[data-testid="stMetric"] { height: 100%; display: flex; flex-direction: column; }
[data-testid="stMetric"] > div:first-child { display: flex; flex-direction: column; flex: 1 0 auto; }
[data-testid="stMetricLabel"] { flex: 1 0 auto; align-items: start; }
[data-testid="stHorizontalBlock"]:has([data-testid="stMetricDelta"]) [data-testid="stMetric"]:not(:has([data-testid="stMetricDelta"])) [data-testid="stMetricLabel"] { flex: 0 0 auto; }
[data-testid="stHorizontalBlock"]:has([data-testid="stMetricChart"]) [data-testid="stMetric"]:not(:has([data-testid="stMetricChart"]))::after
  { content: ""; flex: 0 0 auto; height: 3.5rem; margin-bottom: 1.5rem; }
[data-testid="stMetricDelta"] { --smm-arrow: 0px; }
[data-testid="stMetricDelta"]:has(svg) { --smm-arrow: 20px; }
[class*="_dfit_3_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 3), 1em); }
[class*="_dfit_4_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 4), 1em); }
[class*="_dfit_5_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 5), 1em); }
[class*="_dfit_6_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 6), 1em); }
[class*="_dfit_7_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 7), 1em); }
[class*="_dfit_8_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 8), 1em); }
[class*="_dfit_9_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 9), 1em); }
[class*="_dfit_10_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 10), 1em); }
[class*="_dfit_11_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 11), 1em); }
[class*="_dfit_12_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 12), 1em); }
[class*="_dfit_13_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 13), 1em); }
[class*="_dfit_14_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 14), 1em); }
[class*="_dfit_16_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 16), 1em); }
[class*="_dfit_18_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 18), 1em); }
[class*="_dfit_20_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 20), 1em); }
[class*="_dfit_24_"] [data-testid="stMetricDelta"] p { font-size: clamp(0.75em, calc((100cqi - 0.75rem - var(--smm-arrow)) / 24), 1em); }
[data-testid="stVegaLiteChart"] .vega-embed { max-width: 100%; }
[data-testid="stVegaLiteChart"] svg.marks { max-width: 100%; height: auto; }
[class*="st-key-smm_wrap_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[class*="st-key-smm_wrap_"] [data-testid="stColumn"] { flex: 1 1 34rem; min-width: min(34rem, 100%); }
[class*="st-key-smm_row_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
[class*="st-key-smm_row_"] [data-testid="stColumn"] { flex: 1 1 11rem; min-width: min(11rem, 100%); }
[class*="st-key-smm_grid_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
[class*="st-key-smm_grid_"] [data-testid="stColumn"] { flex: 1 1 16rem; min-width: min(16rem, 100%); max-width: 34rem; }
</style>
"""

# Each mode turns the Overview's tile rows into rows of three, inside its tile group (a CSS container, smm-tiles),
# when that is narrower than five tiles of the mode need: 50rem (five of ~9.25rem: 148 px tiles hold their
# changes), 52.5rem presenting (the changes' type grows more than the root: 201 px cut one, 218 px hold them).
# Static literals, both (raw HTML is only ever built from constants: tests/test_config.py).
# A presented table (st.table in a container keyed smm_table_fit) takes the mode's type (1.25rem cells, 1.15rem
# headers) down to what its container's width holds: the Overview's eleven columns need about 47 of its cells' em
# with their padding; at a 1280 px projector the last column was cut mid-number, at 1024 px two of them.
# The grids (st.dataframe) the room reads are chosen to fit from 1280 px up (the KOL scorecard's 11 columns, the
# pacing table's nine, the posts' seven); on a narrower projector (XGA: 1024 px) each is scaled with the screen,
# k = (100vw - 4rem) / (1280px - 4rem) below 1280 px (its type 19.25 px × k, 15.1 px at 1024), so its last
# columns no longer run past the right edge. The element's box is laid out at 100% / k before the zoom; the main
# block clips what that leaves past the screen, or the page could be scrolled sideways by 1280 - 1024 px of
# nothing. Editors too (cells are hit and edited where they are drawn: tests/test_browser_tiles.py). Browsers
# without typed calc() division drop the rule: tables scroll there as before.
PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], header[data-testid="stHeader"], div[data-testid="stToolbar"],
div[data-testid="stSidebarCollapsedControl"] { display: none !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMainBlockContainer"] { padding: 1.5rem 2rem 4rem !important; }   /* no header: no 6rem above */
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
[data-testid="stMetricValue"] > div { font-size: min(3.2rem, 21.3cqi) !important; }
[class*="st-key-smm_fit_25_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 38.4cqi) !important; }
[class*="st-key-smm_fit_30_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 32cqi) !important; }
[class*="st-key-smm_fit_35_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 27.4cqi) !important; }
[class*="st-key-smm_fit_40_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 24cqi) !important; }
[class*="st-key-smm_fit_45_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 21.3cqi) !important; }
[class*="st-key-smm_fit_50_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 19.2cqi) !important; }
[class*="st-key-smm_fit_60_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 16cqi) !important; }
[class*="st-key-smm_fit_80_"] [data-testid="stMetricValue"] > div { font-size: min(3.2rem, 12cqi) !important; }
@container smm-tiles (max-width: 52.5rem) {
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { flex: 0 0 calc((100% - 2rem) / 3); min-width: 0; }
}
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
h1 { font-size: 3rem !important; }
.stDataFrameGlideDataEditor[style*="--gdg-base-font-style: 400 14px"] {
  zoom: 1.375; width: calc(100% / 1.375) !important; }
.stElementContainer:has(> div > [data-testid="stDataFrame"]) {
  zoom: min(1, calc((100vw - 4rem) / (1280px - 4rem)));
  width: calc(100% / min(1, calc((100vw - 4rem) / (1280px - 4rem)))) !important;
  max-width: calc(100% / min(1, calc((100vw - 4rem) / (1280px - 4rem)))) !important; }
[data-testid="stMainBlockContainer"] { overflow-x: clip; }
.st-key-smm_table_fit { container-type: inline-size; }
.st-key-smm_table_fit [data-testid="stTable"] td { font-size: min(1.25rem, 2cqi) !important; }
.st-key-smm_table_fit [data-testid="stTable"] th { font-size: min(1.15rem, 1.84cqi) !important; }
</style>
"""

BASE_CSS = """
<style>
@container smm-tiles (max-width: 50rem) {
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { flex: 0 0 calc((100% - 2rem) / 3); min-width: 0; }
}
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMetricValue"] > div { font-size: min(2.4rem, 21.3cqi); }
[class*="st-key-smm_fit_25_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 38.4cqi); }
[class*="st-key-smm_fit_30_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 32cqi); }
[class*="st-key-smm_fit_35_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 27.4cqi); }
[class*="st-key-smm_fit_40_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 24cqi); }
[class*="st-key-smm_fit_45_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 21.3cqi); }
[class*="st-key-smm_fit_50_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 19.2cqi); }
[class*="st-key-smm_fit_60_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 16cqi); }
[class*="st-key-smm_fit_80_"] [data-testid="stMetricValue"] > div { font-size: min(2.4rem, 12cqi); }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>
"""


def fit_step(values: Iterable[str | None]) -> str:
    """The FIT_STEPS step for a group of tile values: the first that holds the widest of them."""
    em = max((fmt.text_em(v) for v in values if v), default=0.0)
    return next((s for s in FIT_STEPS if em <= int(s) / 10), FIT_STEPS[-1])


def delta_fit_step(deltas: Iterable[str | None]) -> str | None:
    """The DELTA_FIT_STEPS step for a group's changes (None without any): the first that holds the widest."""
    em = max((fmt.text_em(d, letters=True) for d in deltas if d), default=0.0)
    return next((s for s in DELTA_FIT_STEPS if em <= int(s)), DELTA_FIT_STEPS[-1]) if em else None


def fit_key(name: str, values: Iterable[str | None], deltas: Iterable[str | None] = ()) -> str:
    """The key of a tile group's container: Streamlit gives it the class st-key-<key> the CSS rules select."""
    d = delta_fit_step(deltas)
    return f"smm_fit_{fit_step(values)}_" + (f"dfit_{d}_" if d else "") + name


def metric_group(name: str, values: Iterable[str | None], deltas: Iterable[str | None] = ()):
    """A container for a group of st.metric tiles whose values are `values` and changes `deltas`: one font size
    for all the values, the largest at which the widest fits its tile (see FIT_STEPS), and one for the changes
    no larger than theirs (DELTA_FIT_STEPS). `name` keeps the key unique on the page."""
    return st.container(key=fit_key(name, values, deltas))


# Streamlit writes its uploader's button ("Upload") and size limit ("200MB per file") in English, with no
# parameter to change them (streamlit/streamlit#13500): CSS puts our own words in their place. Static constants
# only (raw HTML is never built at run time); a test checks that they hold i18n's data.upload_button,
# data.upload_limit and data.upload_wait, and .streamlit/config.toml's maxUploadSize.
# While a file still uploads (its chip shows a spinner), the page links are dimmed and do not take clicks, and a
# note under them says why: Streamlit's uploader hands a file to the server only once it is sent, and a page
# left before then drops it with no word to anyone (its upload ends, but nothing ever asks for the file).
UPLOADER_CSS_ZH = """<style>
:root { --smm-upload-button: "选择文件"; --smm-upload-limit: "或拖放到此处 · 每个文件不超过 200 MB";
  --smm-upload-wait: "文件上传中：传完（或点 × 取消）后才能切换页面"; }
</style>"""
UPLOADER_CSS_EN = """<style>
:root { --smm-upload-button: "Browse files"; --smm-upload-limit: "or drag and drop here · up to 200 MB per file";
  --smm-upload-wait: "A file is still uploading: the other pages open once it is sent (or cancelled with ×)"; }
</style>"""
UPLOADER_RULES_CSS = """<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after
  { content: var(--smm-upload-button); font-size: 0.9rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: var(--smm-upload-limit); font-size: 0.875rem; }
body:has([data-testid="stFileChipIconSpinner"]) :is([data-testid="stSidebarNavLink"], [data-testid="stPageLink-NavLink"])
  { pointer-events: none; opacity: 0.45; }
body:has([data-testid="stFileChipIconSpinner"]) [data-testid="stSidebarNav"]::after
  { content: var(--smm-upload-wait); display: block; margin: 0.25rem 0.5rem 0.75rem; padding: 0.4rem 0.6rem;
    border-radius: 0.5rem; background: rgba(255, 189, 69, 0.18); font-size: 0.875rem; line-height: 1.4; }
</style>"""


# Streamlit's own words in the zh UI: its "Stop" button while a run takes more than half a second, the connection
# status ("Connecting", "Error"), told apart by the app's connection state, the ⋮ menu's two items (the
# viewer toolbar's: Print, Record screen / Stop recording while it records), and the screen recorder's two dialogs
# (before recording; after it, with the video), told apart by their test ids. Font sizes are the ones Streamlit
# gives the words replaced, and a width Streamlit gives in em (6em: the step labels' column) the same in rem.
# (A browser that cannot record has no Record screen item, so no dialog of its own.)
CHROME_CSS_ZH = """<style>
[data-testid="stStatusWidget"] button[data-testid="stBaseButton-header"],
[data-testid="stConnectionStatus"] label { font-size: 0; }
[data-testid="stStatusWidget"] button[data-testid="stBaseButton-header"]::after { content: "停止"; font-size: 14px; }
[data-testid="stStatusWidget"] button[data-testid="stBaseButton-header"]:disabled::after { content: "正在停止…"; }
[data-testid="stConnectionStatus"] label::after { content: "正在连接"; font-size: 14px; }
[data-test-connection-state="DISCONNECTED_FOREVER"] [data-testid="stConnectionStatus"] label::after
  { content: "无法连接服务器"; }
[data-testid="stMainMenuItem-print"] [data-testid="stMainMenuItemLabel"],
[data-testid="stMainMenuItem-recordScreencast"] [data-testid="stMainMenuItemLabel"] { font-size: 0; }
[data-testid="stMainMenuItem-print"] [data-testid="stMainMenuItemLabel"]::after { content: "打印"; font-size: 14px; }
[data-testid="stMainMenuItem-recordScreencast"] [data-testid="stMainMenuItemLabel"]::after
  { content: "录制屏幕"; font-size: 14px; }
body:has([data-testid="stMainMenuRecordingIndicator"]) [data-testid="stMainMenuItem-recordScreencast"]
  [data-testid="stMainMenuItemLabel"]::after { content: "停止录制"; }
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) h2,
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) h2 + div > p:first-child,
[data-testid="stScreencastAudioCheckbox"], [data-testid="stScreencastInstruction"] p,
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) [data-testid="stBaseButton-secondary"],
[role="dialog"]:has([data-testid="stVideoRecordedDialog"]) h2,
[data-testid="stVideoRecordedDialog"] > div > div:first-child, [data-testid="stVideoRecordedDialog"] p,
[data-testid="stVideoRecordedDialog"] p a, [data-testid="stVideoRecordedDialog"] [data-testid="stBaseButton-secondary"],
[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:last-child { font-size: 0; }
[data-testid="stScreencastInstruction"] p code { display: none; }
[data-testid="stVideoRecordedDialog"] > div > div:first-child { width: 6rem; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:last-child { margin-right: 6rem; }
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) h2::after { content: "录制屏幕"; font-size: 24px; }
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) h2 + div > p:first-child::after
  { content: "把屏幕上的内容录成视频，方便分享给同事。"; font-size: 16px; }
[data-testid="stScreencastAudioCheckbox"]::after { content: "同时录制声音"; font-size: 16px; margin-left: 0.25rem; }
[data-testid="stScreencastInstruction"] p::after { content: "随时按 Esc 键停止录制。"; font-size: 16px; }
[role="dialog"]:has([data-testid="stScreencastAudioCheckbox"]) [data-testid="stBaseButton-secondary"]::after
  { content: "开始录制"; font-size: 16px; }
[role="dialog"]:has([data-testid="stVideoRecordedDialog"]) h2::after { content: "接下来"; font-size: 24px; }
[data-testid="stVideoRecordedDialog"] > div > div:first-child::after { font-size: 16px; white-space: nowrap; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(1) > div:first-child::after { content: "第 1 步"; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(2) > div:first-child::after { content: "第 2 步"; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:first-child::after { content: "第 3 步"; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(1) p::after { content: "在下方预览视频："; font-size: 16px; }
[data-testid="stVideoRecordedDialog"] [data-testid="stBaseButton-secondary"]::after
  { content: "保存视频到本地"; font-size: 16px; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(2) p::after
  { content: "视频为 WebM 格式，只有较新的播放器能打开；也可以把文件直接拖进浏览器播放。"; font-size: 14px; }
[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:last-child::after
  { content: "通过邮件或工作群分享给大家。"; font-size: 16px; }
</style>"""


def localize_uploader() -> None:
    """On a page with an uploader: its button and size limit in the user's language, and the page links held
    while a file still uploads, with a note why (static CSS constants only)."""
    # the words first: the rules that hide Streamlit's text never arrive before the words that replace it
    st.html(UPLOADER_CSS_ZH if lang() == "zh" else UPLOADER_CSS_EN)
    st.html(UPLOADER_RULES_CSS)


def apply_presentation() -> None:
    """Static CSS only (no user text): large tiles always, sidebar and toolbar hidden in presentation mode,
    Streamlit's status words in Chinese in the zh UI."""
    st.html(LAYOUT_CSS)
    st.html(PRESENT_CSS if presenting() else BASE_CSS)
    if lang() == "zh":
        st.html(CHROME_CSS_ZH)


def presenting() -> bool:
    return bool(st.session_state.get("present"))


def sidebar_state() -> str:
    """The sidebar's state for st.set_page_config: collapsed when presenting (from the URL on a first run).

    Hiding it is PRESENT_CSS's job, but that CSS takes effect only once the page's elements draw (1.3–2.4 s
    after a presenting URL opens, measured at 1280 px), and until then the frontend showed the expanded sidebar
    and its filters on the projector; the page config is the first message it applies. Leaving the mode
    expands it again."""
    _seed("present", kind="bool")
    return "collapsed" if presenting() else "expanded"


# Building an Altair chart and writing its spec is most of a page's rerun (Altair copies the chart for each
# configure_* call and hashes every layer's data through the frame's repr: 0.1–0.3 s a chart). The same
# arguments always give the same spec, so pages draw charts through specs()/panels(), which build each once per
# distinct arguments (the frames hashed by value) and mode, and every later rerun reuses the spec.
@st.cache_data(show_spinner=False, max_entries=400)
def _built(_builder, name: str, args: tuple, kwargs: dict, form: str):
    out = _builder(*args, **kwargs)     # the builder is keyed by its name (a function is not hashable here)
    if out is None:
        return None
    if form == "panels":
        return charts.facet_panels(out)
    theme = "default" if form == "present" else "none"
    if isinstance(out, list | tuple):
        return [charts.to_spec(c, theme=theme) for c in out]
    return charts.to_spec(out, theme=theme)


def specs(builder, *args, **kwargs):
    """builder(*args, **kwargs) (an Altair chart, or a list of them) as Vega-Lite spec(s) for chart(): the spec
    st.altair_chart would draw, or presentation mode's (scaled by chart()); built once per distinct arguments."""
    return _built(builder, _name(builder), args, kwargs, "present" if presenting() else "plain")


def panels(builder, *args, **kwargs) -> tuple[str | None, dict, list[dict]] | None:
    """builder(*args, **kwargs) (an Altair facet) split into chart_grid's panels, once per distinct arguments
    (None where the builder draws nothing)."""
    return _built(builder, _name(builder), args, kwargs, "panels")


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def chart(spec: dict, *, key: str | None = None, height: int | str = "content", **kw) -> None:
    """A chart from specs(); in presentation mode with its text sized for a projector (charts.presenting: every
    font × 1.45, heights × 1.2)."""
    if presenting() and isinstance(height, int):
        height = round(height * charts.PRESENT_HEIGHT)
    _vega(spec, key=key, height=height, **kw)


def _vega(spec: dict, *, key: str | None = None, **kw) -> None:
    st.vega_lite_chart(spec=charts.presenting(spec) if presenting() else spec, key=key, **kw)


def chart_grid(grid: tuple[str | None, dict, list[dict]], *, key: str) -> None:
    """Small multiples (an Altair facet's panels()) as one chart per panel in columns that wrap: three a row where
    three of 16rem fit, fewer where not, each panel as wide as its column (charts.facet_panels)."""
    title, legend, parts = grid
    if title:
        st.markdown(f"**{title}**")
    _vega(legend, key=f"{key}_legend", width="stretch")
    with st.container(key=f"smm_grid_{key}"):
        for i, (col, spec) in enumerate(zip(st.columns(len(parts)), parts, strict=True)):
            with col:
                _vega(spec, key=f"{key}_{i}", width="stretch")


# st.dataframe's type and rows follow the root font size (16 px, 22 px presenting: html's font-size in PRESENT_CSS),
# but the height Streamlit gives a table does not: presenting, a table would show a third fewer rows than it has.
# The grid reads the root size once, when it mounts, and on a presenting URL opened afresh it often mounts before
# the page's CSS has arrived (st.html is drawn a moment later): 14 px type, 35 px rows, blank rows below them.
# PRESENT_CSS zooms such a grid by 22/16 (only one whose inline theme says 14 px), so it reads at 19.25 px with
# 48 px rows either way, as tall as table_height makes room for.
ROW_PX, PRESENT_ROOT_PX = 35, 22


def table_height(rows: int, max_rows: int = 10) -> int:
    """Pixels for a header and `rows` rows (at most max_rows) of st.dataframe, in the current mode."""
    row = ROW_PX * PRESENT_ROOT_PX / 16 if presenting() else ROW_PX
    return round((min(rows, max_rows) + 1) * row) + 3


def dataframe(data, **kw):
    """st.dataframe; presenting, as tall as its rows (up to 10) at the larger type (see table_height)."""
    if presenting() and "height" not in kw:
        frame = getattr(data, "data", data)             # a pandas Styler's frame, or the frame itself
        kw["height"] = table_height(len(frame))
    return st.dataframe(data, **kw)


def data_editor(data, **kw):
    """st.data_editor; presenting, as tall as its rows (up to 10) and the row that adds one, like dataframe."""
    if presenting() and "height" not in kw:
        kw["height"] = table_height(len(data) + (kw.get("num_rows") == "dynamic"))
    return st.data_editor(data, **kw)


def button_row(key: str):
    """A row of buttons side by side at their own width, a small gap apart (fixed-ratio st.columns leave wide
    gaps between short labels and cut long ones); it wraps where the page is narrow."""
    return st.container(horizontal=True, gap="small", key=f"smm_buttons_{key}")


def exit_presentation() -> None:
    st.session_state["present"] = False


def first_start(c: duckdb.DuckDBPyConnection) -> bool:
    """True while the bundled sample is to be loaded, or is loading: an empty store that has never held data
    (deleted history counts as used), a first start that was cut short (smm.sample.incomplete), or a load
    that another session started and that is still running. Checked once per session (a store that held data
    when the session began never needs the sample later: deleting keeps the history)."""
    from smm import sample

    if sample.loading(str(store.db_path())):
        return True
    ss = st.session_state
    if ss.get("_sample_tried") or ss.get("_sample_checked"):
        return False
    if not queries.has_data(c) or sample.incomplete(c):
        return True
    ss["_sample_checked"] = True
    return False


def load_sample_with_progress() -> None:
    """Load the bundled sample through the normal ingestion path, showing progress.

    The load runs as a job of the server (smm.sample.SampleJob): moving on while it runs does not cut it short,
    and the next run of any session shows the same job's progress.
    """
    from smm import sample

    st.session_state["_sample_tried"] = True
    path = str(store.db_path())
    job = sample.load_in_background(_root(path), path, on_done=st.cache_data.clear)
    with st.status(t("sample.loading"), expanded=True) as status:    # open: the bar names each file
        _follow(job, st.progress(0.0), lambda i, n, name: t("data.progress", i=i, n=n, file=name))
        if job.error is not None:
            raise job.error
        status.update(label=t("sample.loaded"), state="complete", expanded=False)


def _queue_files(queue) -> int:
    """How many files a session's upload queue holds, all jobs together."""
    return sum(len(job.names) for job in queue)


def _in_queue(job, before: int, total: int) -> tuple[float, int]:
    """A job's progress counted across a queue of `total` files, `before` of them in the jobs ahead of it: the
    bar's fraction and the number of the file loading (file 1/2 while the first of two jobs of one file loads)."""
    return min(1.0, (before + job.fraction() * job.progress[1]) / total), before + job.progress[0]


def _follow(job, bar, text: Callable[..., str], before: int = 0, total: int | None = None) -> None:
    """Redraw `bar` as a job (smm.jobs) reports progress, until it ends: `text(*job.progress)` names the file.

    With `total`, the job is part of a queue of `total` files, `before` of them in the jobs ahead of it: the bar
    and the file's number then count the whole queue (see _in_queue)."""
    shown = None
    while True:
        ended = job.wait(0.1)
        if job.progress != shown:
            shown = job.progress
            if shown[0]:
                of = total or shown[1]
                fraction, i = _in_queue(job, before, of)
                bar.progress(fraction, text=text(i, of, *shown[2:]))
        if ended:
            return


def upload_profile_label(x: str, names: dict[str, str], language: str | None = None) -> str:
    """The Data page's format choice as it reads: "auto" (recognise the format), else the format's name and id;
    `names`: profile_names() in `language` (default: the user's)."""
    return i18n.t("data.profile_auto", language or lang()) if x == "auto" else profile_label(x, names)


def upload_options(profiles: Sequence) -> LoadOptions:
    """The Data page's upload options (format, date, invalid rows, decimal mark) as Session State holds them at
    the start of this run, on any page (`profiles`: the formats the page offers)."""
    from smm import ingest

    ss = st.session_state
    ids = ["auto", *(p.id for p in profiles)]
    names_in = {x: profile_names(profiles, x) for x in i18n.LANGS}
    pid = unlabel(ss.get("up_profile", "auto"), ids, lambda x, L: upload_profile_label(x, names_in[L], L))
    on_invalid = unlabel(ss.get("up_on_invalid", "reject"), ["reject", "load_valid"])
    return ingest.LoadOptions(profile_id=None if pid == "auto" or pid not in ids else pid,
                              as_of=ss.get("up_as_of"), on_invalid=on_invalid if on_invalid == "load_valid" else "reject",
                              decimal="," if ss.get("up_decimal") == "," else ".", lang=lang())


def take_uploads(c: duckdb.DuckDBPyConnection) -> None:
    """Hand the files just added to the Data page's uploader to a load job (_queue_upload): called first thing in
    every script run, whichever page it runs.

    Streamlit stops a run at its next Streamlit call (Session State reads included) once the session moves on. A
    file added, then another page clicked at once, stopped the run the file was added in before it reached the
    uploader: no run ever handed that file on, and it was lost. The uploader's value stays in Session State
    until a run ends without drawing it, so the next run, on whatever page, finds the file here. The file is marked
    handled only once its job is queued, with no Streamlit call in between."""
    from smm import mapping
    from smm.profiles import builtin_profiles

    ss = st.session_state
    done = ss.setdefault("_done_file_ids", set())
    pending = [f for f in ss.get("uploader") or [] if f.file_id not in done]
    if not pending:
        return
    saved = mapping.user_profiles(c)
    opts = upload_options((*saved, *builtin_profiles()))
    _queue_upload([(f.name, f.getvalue()) for f in pending], opts, saved)
    done.update(f.file_id for f in pending)


def _queue_upload(files: Sequence[tuple[str, bytes]], opts, extra_profiles: Sequence = (), replaces=None) -> None:
    """Start a job (smm.jobs.UploadJob) that loads `files` after this session's loads still running. Every
    Session State read comes first: the run can be stopped at any of them, but not once the job is queued."""
    from smm import jobs

    ss = st.session_state
    queue = ss.get("_upload_jobs")
    if not isinstance(queue, jobs.UploadQueue):
        ss["_upload_jobs"] = queue = jobs.UploadQueue(queue or [])
    path, who = str(store.db_path()), auth.account()
    root = _root(path)
    queue.append(jobs.UploadJob(root, files, opts, tuple(extra_profiles), on_done=st.cache_data.clear,
                                replaces=replaces, after=queue[-1] if queue else None, owner=queue,
                                store=path, account=who).start())


def load_uploads(files: Sequence[tuple[str, bytes]], opts, extra_profiles: tuple = (), replaces=None) -> list:
    """Load uploaded files (name, bytes) as a job of the server (smm.jobs.UploadJob) and follow it (follow_uploads):
    the mapping step's new load of a file once its format is mapped."""
    _queue_upload(files, opts, extra_profiles, replaces)
    return follow_uploads()


def follow_uploads() -> list:
    """Show the progress of this session's loads still running (take_uploads, load_uploads) until they end;
    returns their reports, which are also added to the session's (st.session_state["_reports"]).

    Moving on does not stop a load: the entry point shows its progress on the other pages (uploads_elsewhere),
    and its reports wait here. Files load in the order they were uploaded (a later export replaces the days it
    shares with an earlier one): each job waits for the one before it.
    """
    queue = st.session_state.get("_upload_jobs")
    out = []
    if not queue:
        return out
    # Files are numbered across the queue: a file added while another loads is counted at once (file 1/2), so the
    # user sees it was taken.
    total, before = _queue_files(queue), 0
    with st.status(t("data.report"), expanded=True) as status:
        bar = st.progress(0.0)
        for job in list(queue):
            _follow(job, bar, lambda i, n, name, step: f"{t('data.progress', i=i, n=n, file=name)} · "
                                                       f"{t(f'data.step.{step}')}", before, total)
            before += len(job.names)
            out += _upload_reports(job)
        bar.progress(1.0)
        status.update(state="complete", expanded=False)
    return out


def _upload_reports(job) -> list:
    """Take an ended upload job off the session's queue: its reports join the session's, in place of the one it
    replaces."""
    st.session_state["_upload_jobs"].remove(job)
    job.claim()
    reports = st.session_state.setdefault("_reports", [])
    if job.replaces is not None and job.replaces in reports:
        reports.remove(job.replaces)
    reports.extend(job.reports)
    if job.error is not None:
        raise job.error
    return job.reports


def adopt_abandoned_uploads() -> None:
    """The Data page: reports of uploads whose tab was closed while they loaded (their session went, they did not
    stop) join this session's, once, with a note; with a login, only the signed-in account's own. Without this, a
    rejected file said nothing anywhere: it is not in the load history."""
    from smm import jobs

    found = jobs.abandoned(str(store.db_path()), auth.account())
    if not found:
        return
    reports = st.session_state.setdefault("_reports", [])
    files, failed = [], []
    for job in found:
        if job.claim():                 # one session takes them: two Data pages opened at once show them once
            reports.extend(job.reports)
            files += [r.file for r in job.reports]
            if job.error is not None:
                failed += job.names[len(job.reports):]
    if files:
        st.info(t("data.abandoned", files=i18n.listing(files, lang())),
                icon=":material/history:")
    if failed:
        st.error(t("data.abandoned_failed", files=i18n.listing(failed, lang())))


def interrupted_uploads_notice() -> None:
    """The Data page: files the server stopped before loading them (it was restarted or killed while they loaded or
    waited to load), named with when they were uploaded until the user dismisses the note or uploads them again;
    with a login, only the signed-in account's own. Without this, such a file was simply not there, and nothing
    anywhere said so."""
    from smm import jobs

    c = con()
    found = jobs.interrupted(c, auth.account())
    if not found:
        return
    L = lang()
    st.warning(t("data.interrupted", files=i18n.listing([name for _, name, _, _ in found], L), when=when(found[0][3])),
               icon=":material/restart_alt:")
    if st.button(t("data.interrupted_dismiss"), key="dismiss_interrupted"):
        jobs.dismiss_interrupted(c, [a for a, _, _, _ in found])
        st.rerun()


def uploads_elsewhere() -> None:
    """On a page other than Data: the progress of this session's uploads still loading (in the sidebar, redrawn
    every second), and once they have ended, a note of how each file went; the page then shows the new figures."""
    queue = st.session_state.get("_upload_jobs")
    if not queue:
        return
    reports = []
    while queue and queue[0].ended:     # the jobs end in order: each waits for the one before
        reports += _upload_reports(queue[0])
    if len(reports) == 1:
        st.toast(t("data.loaded_elsewhere_one", file=reports[0].file, status=t(f"status.{reports[0].status}")),
                 icon=":material/upload_file:")
    elif reports:
        counts = Counter(r.status for r in reports)
        how = ("，" if lang() == "zh" else ", ").join(f"{t(f'status.{s}')} {k}" for s, k in counts.items())
        st.toast(t("data.loaded_elsewhere", n=len(reports), how=how), icon=":material/upload_file:")
    if not queue:
        return

    @st.fragment(run_every=1.0)
    def progress() -> None:
        job = queue[0]
        if job.ended:
            st.rerun(scope="app")       # the page's figures, with the upload in them, and the note above
        name = job.progress[2]
        total = _queue_files(queue)     # numbered across the queue, as on the Data page (the job is the first)
        fraction, i = _in_queue(job, 0, total)
        st.progress(fraction, text=t("data.loading_elsewhere", i=max(i, 1), n=total, file=name or job.names[0]))

    with st.sidebar:
        progress()


def profile_names(profiles, language: str | None = None) -> dict[str, str]:
    """{profile id: its name in `language` (default: the user's)} for the given profiles (built-in and saved)."""
    L = language or lang()
    return {p.id: p.label(L) for p in profiles}


def profile_label(pid: str | None, names: dict[str, str]) -> str:
    """A format as the Data page shows it: its name and id ('巨量千川 推广数据 (qianchuan_ads)'), else the id."""
    name = names.get(pid or "")
    return f"{name} ({pid})" if name and name != pid else (pid or "—")


def report_line(r, names: dict[str, str] | None = None) -> str:
    """One line describing a LoadReport in the user's language; `names`: profile_names()."""
    if r.status == "already_loaded" and r.batch_id is not None:     # where it is: no counts of this upload (all 0)
        return t("report.line_already", file=r.file, status=t("status.already_loaded"), batch=r.batch_id,
                 when=t("report.loaded_when", at=when(r.loaded_at)) if r.loaded_at else "",
                 profile=profile_label(r.profile, names or {}))
    counts = {part: tn(f"report.n_{part}", n) for part, n in
              (("loaded", r.rows_loaded), ("rejected", r.rows_rejected), ("summary", r.rows_summary),
               ("superseded", r.rows_superseded))}
    line = t("report.line", file=r.file, status=t(f"status.{r.status}"), profile=profile_label(r.profile, names or {}),
             **counts)
    return line + (t("report.dates", dmin=r.date_min, dmax=r.date_max) if r.date_min and r.date_max else "")


def error_counts_frame(r):
    """A LoadReport's rejected rows counted by column and reason, under headers in the user's language."""
    import pandas as pd

    L = lang()
    return pd.DataFrame({
        t("report.counts_column"): [c["column"] or "—" for c in r.error_counts],
        t("report.counts_reason"): [i18n.reason_text(c["code"], L) for c in r.error_counts],
        t("report.counts_rows"): [c["rows"] for c in r.error_counts],
    })


def render_report(r, idx: int, names: dict[str, str] | None = None) -> None:
    """Show one file's load report: status, notes, errors naming row and column, rejected-rows download."""
    from smm.ingest import WARNING_NOTES
    if any(e.get("code") == "write_failed" for e in r.errors) and not _store_alive():
        st.rerun()  # the failed write stopped the database: the rerun reopens it (con()) and shows this again
    L = lang()
    line, errors = report_line(r, names), r.errors
    if r.status == "unrecognised" and r.headers:
        # Not a failure but a step to take: the mapping step below (pages/data.py). No counts of rows (all 0).
        at = next((e.get("row") for e in errors if e.get("code") == "unrecognised"), None)
        st.warning(t("report.unrecognised_map", file=r.file, row=at))
        errors = [e for e in errors if e.get("code") != "unrecognised"]
    elif undated(r):
        # A step to take as well: the period's last day, asked below the message (pages/data.py). Nothing was read.
        st.warning(i18n.error_text(next(e for e in errors if e.get("code") == "undated_no_period"), L, r.file))
        errors = [e for e in errors if e.get("code") != "undated_no_period"]
    elif r.status == "loaded":
        (st.warning if r.rows_rejected else st.success)(line)
    elif r.status == "already_loaded":
        st.info(line)
    else:
        st.error(line)
    for code, params in r.notes:
        if code in WARNING_NOTES:   # the totals count something twice until the user acts
            st.warning(i18n.t(code, L, **params), icon=":material/warning:")
        else:
            st.caption("· " + i18n.t(code, L, **params))
    if r.error_counts:          # what is wrong, in how many rows: one look for a file of many bad rows
        st.dataframe(error_counts_frame(r), hide_index=True, width="content",
                     column_config={t("report.counts_rows"): st.column_config.NumberColumn(format="localized")})
    if errors:
        shown = errors[:20]
        lines = [i18n.error_text(e, L, r.file) for e in shown]
        more_rows = r.rows_not_listed(len(shown))
        if r.rejected_csv and more_rows > 0:
            lines.append(t("report.more_rows", n=f"{more_rows:,}", download=t("data.rejected_download")))
        elif len(errors) > len(shown):
            lines.append(f"… (+{len(errors) - len(shown)})")
        st.code("\n".join(lines), language=None)
    if r.rejected_csv:
        st.download_button(t("data.rejected_download"), r.rejected_csv, file_name=f"rejected_{r.file}.csv",
                           mime="text/csv", key=f"rej_{idx}_{r.file}")


def preview_frame(r):
    """The first rows of an unrecognised file, under its own headers (display only)."""
    import pandas as pd

    # An empty cell reads empty (a None drew as the word "None", in either language).
    return pd.DataFrame([["" if v is None else v for v in row] for row in r.preview],
                        columns=[f"{i + 1}. {h}" for i, h in enumerate(r.headers)])


def undated(report) -> bool:
    """Whether a load was refused for want of the day a report with no date column is dated (see ingest._plan)."""
    return any(e.get("code") == "undated_no_period" for e in report.errors)


def uploaded(name: str) -> bool:
    """Whether a file named `name` is still in the Data page's uploader (its bytes not read)."""
    return any(f.name == name for f in st.session_state.get("uploader") or [])


def uploaded_bytes(name: str, sha256: str | None = None) -> bytes | None:
    """The bytes of the file named `name` still in the Data page's uploader, or None. Two files of that name (from
    two folders): the one whose digest is `sha256`, else neither (the wrong one must not be loaded in its place)."""
    from smm.ingest import sha256 as digest_of

    found = [f for f in st.session_state.get("uploader") or [] if f.name == name]
    if len(found) > 1:
        found = [f for f in found if sha256 and digest_of(f.getvalue()) == sha256][:1]
    return found[0].getvalue() if found else None


# The history's columns, in the order a reader scans them: which file, did it load, what it was, how much.
# What a load did first (rows, dates), then where from: at 1280 px the table shows about five columns before it
# scrolls, and a format's name ("Xingtu (Douyin KOL marketplace) task videos (lifetime)") takes two of them.
HISTORY_COLUMNS = ("batch_id", "file_name", "status", "rows_loaded", "rows_rejected", "date_min", "date_max",
                   "platform", "profile", "kind", "rows_summary", "as_of", "loaded_at", "is_sample")


def history_frame(hist, names: dict[str, str] | None = None):
    """The load history with translated headers, statuses and kinds, and each format by its name.

    `names`: profile_names(); a profile id it does not hold (a saved format deleted since) is shown by the name it
    had when the file loaded (`profile_name`), else as it is.
    """
    L = lang()
    out = hist[[c for c in HISTORY_COLUMNS if c in hist.columns]
               + [c for c in hist.columns if c not in HISTORY_COLUMNS and c != "profile_name"]].copy()
    out["profile"] = queries.format_names(hist, names or {})
    for col in ("status", "kind"):
        out[col] = out[col].map(lambda v, col=col: i18n.t(f"{col}.{v}", L) if i18n.has(f"{col}.{v}") else v)
    out["platform"] = out["platform"].map(
        lambda p: i18n.platform_listing(p.split(","), L) if isinstance(p, str) and p
        else "—")
    if "loaded_at" in out.columns:
        out["loaded_at"] = out["loaded_at"].map(when)
    return out.rename(columns={c: i18n.field_label(c, L) for c in out.columns})


def weekly_table(df):
    """Weekly × platform sums with translated headers."""
    L = lang()
    out = df.copy()
    out["platform"] = out["platform"].map(lambda p: i18n.platform_label(p, L))
    return out.rename(columns={c: i18n.field_label(c, L) for c in out.columns})
