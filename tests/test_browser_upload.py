"""Real browser: upload a GB18030 export through the Data page and see the new totals on the Overview."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib

import pytest
from conftest import ROOT, click_and_wait, click_mid_screen, screenshot, settled, wait_idle
from ingestkit import csv_bytes
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from smm import fmt, i18n

pytestmark = pytest.mark.browser

# 哔哩哔哩 is a platform the sample does not use: filtering the Overview to it shows exactly this file.
HEADER = ["平台", "日期", "计划", "花费", "曝光", "点击"]
ROWS = [
    ["bilibili", "2026/11/16", "B站-精华种草", "¥1,234.50", "1.2万", "360"],
    ["bilibili", "2026/11/17", "B站-精华种草", "765.50", "8,000", "240"],
    ["合计", "", "", "2,000.00", "2万", "600"],
]
SPEND = 1234.50 + 765.50


@pytest.fixture
def gb18030_file(tmp_path):
    path = tmp_path / "B站投放_2026-11-17.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS, encoding="gb18030"))
    assert path.read_bytes().decode("gb18030").startswith("平台")
    return path


def _uploader_speaks(page, lang: str) -> None:
    """Streamlit's own uploader text ("Upload", "200MB per file") is hidden and ours shown in its place."""
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    for sel, want in (('[data-testid="stBaseButton-secondary"] p', i18n.t("data.upload_button", lang)),
                      ('[data-testid="stFileUploaderDropzoneInstructions"] span',
                       i18n.t("data.upload_limit", lang, mb=limit))):
        el = zone.locator(sel).first
        expect(el).to_have_css("font-size", "0px")      # waits: the page's style elements arrive with its run
        content = json.dumps(want, ensure_ascii=False)
        try:                                            # and waits for the words, up to 10 s
            el.page.wait_for_function("([e, w]) => getComputedStyle(e, '::after').content === w",
                                      arg=[el.element_handle(), content], timeout=10000)
        except PlaywrightTimeout:
            pass                                        # the assertion below says what was there instead
        assert el.evaluate("e => getComputedStyle(e, '::after').content") == content
        assert el.evaluate("e => getComputedStyle(e, '::after').fontSize") != "0px"


def test_upload_a_gb18030_file_and_see_the_new_totals(st_server, page, gb18030_file):
    # as a user does: open the app, then the Data page from the sidebar menu
    page.goto(st_server.url + "/?lang=zh")
    wait_idle(page)
    click_and_wait(page, page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.data", "zh")))
    expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "zh"))
    _uploader_speaks(page, "zh")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(gb18030_file))
    report = page.locator('[data-testid="stAlertContentSuccess"]', has_text=gb18030_file.name)
    expect(report).to_be_visible(timeout=60000)
    expect(report).to_contain_text("2026-11-16")
    wait_idle(page)
    text = report.inner_text()
    assert re.search(r"载入\s*2\s*行", text) and re.search(r"合计行\s*1\s*行", text), text
    assert "�" not in page.locator('[data-testid="stMain"]').inner_text()  # no mojibake anywhere
    screenshot(page, "upload_gb18030_data_zh")

    page.goto(st_server.url + "/?lang=zh&platforms=bilibili&dates=2026-11-16&dates=2026-11-22")
    wait_idle(page)
    tile = page.locator('[data-testid="stMetric"]', has_text=i18n.t("field.spend", "zh"))
    expect(tile.locator('[data-testid="stMetricValue"]')).to_have_text(fmt.money(SPEND, "CNY", "zh"))
    screenshot(page, "upload_gb18030_overview_zh")

    page.goto(st_server.url + "/?lang=en&platforms=bilibili&dates=2026-11-16&dates=2026-11-22")
    wait_idle(page)
    tile = page.locator('[data-testid="stMetric"]', has_text=i18n.t("field.spend", "en"))
    expect(tile.locator('[data-testid="stMetricValue"]')).to_have_text(fmt.money(SPEND, "CNY", "en"))
    screenshot(page, "upload_gb18030_overview_en")


def test_a_batch_deleted_in_the_history_takes_its_rows_off_the_overview(own_server, page, gb18030_file):
    """The load history's delete, clicked through: the batch is picked, the popover asks, the delete says what went
    (a message drawn before the page's rerun was never seen), and the Overview no longer counts the file."""
    from smm import store

    page.goto(f"{own_server.url}/data?lang=en")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(gb18030_file))
    expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=gb18030_file.name)).to_be_visible(
        timeout=60000)
    wait_idle(page)
    overview = f"{own_server.url}/?lang=en&platforms=bilibili&dates=2026-11-16&dates=2026-11-22"
    page.goto(overview)
    wait_idle(page)
    spend = page.locator('[data-testid="stMetric"]', has_text=i18n.t("field.spend", "en")).locator(
        '[data-testid="stMetricValue"]')
    expect(spend).to_have_text(fmt.money(SPEND, "CNY", "en"))
    page.goto(f"{own_server.url}/data?lang=en")
    wait_idle(page)
    # the newest batch is the one offered first
    pick = page.get_by_role("combobox", name=i18n.t("data.delete_pick", "en"))
    expect(pick).to_have_value(re.compile(rf"^#(\d+) · {re.escape(gb18030_file.name)}$"))
    batch = int(re.match(r"#(\d+)", pick.input_value()).group(1))
    click_mid_screen(page, page.get_by_role("button", name=i18n.t("data.delete", "en")))
    body = page.get_by_test_id("stPopoverBody")
    expect(body.get_by_text(i18n.t("data.delete_confirm", "en", batch=batch, file=gb18030_file.name, rows="2"))
           ).to_be_visible()
    body.get_by_role("button", name=i18n.t("data.delete_yes", "en")).click()
    expect(page.get_by_text(i18n.t("data.deleted", "en", batch=batch, file=gb18030_file.name, rows="2"))).to_be_visible()
    # the popover closed: left open, it offered the next batch under the same button, a second click away
    expect(page.get_by_test_id("stPopoverBody")).not_to_be_visible()
    expect(pick).not_to_have_value(re.compile(rf"^#{batch} "))
    screenshot(page, "batch_deleted_en")
    page.goto(overview)
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "en"))
    expect(spend).not_to_have_text(fmt.money(SPEND, "CNY", "en"))
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        assert con.execute("SELECT status FROM load_batches WHERE batch_id = ?", [batch]).fetchall() == [("deleted",)]
        assert con.execute("SELECT count(*) FROM fact_active WHERE batch_id = ? OR platform = 'bilibili'",
                           [batch]).fetchall() == [(0,)]
    finally:
        con.close()


def test_the_uploader_speaks_english_too(st_server, page):
    page.goto(st_server.url + "/data?lang=en")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "en"))
    _uploader_speaks(page, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_budget_plans_uploader_speaks_the_users_language(st_server, page, lang):
    """The Budget page's plan uploader had Streamlit's English words ("Browse files", "200MB per file") in zh."""
    page.goto(f"{st_server.url}/budget?lang={lang}")
    wait_idle(page)
    page.get_by_role("tab", name=i18n.t("budget.tab.plan", lang)).click()
    expect(page.get_by_text(i18n.t("budget.plan.upload_label", lang))).to_be_visible()
    _uploader_speaks(page, lang)


def _upload_held(page, url: str, path, lang: str):
    """Open the Data page and add `path` to the uploader with its upload held back in the browser (released by
    the caller, or never): returns the held requests and the Overview's link, once that link has taken no click."""
    held = []
    page.goto(f"{url}/data?lang={lang}")
    wait_idle(page)
    page.route("**/_stcore/upload_file/**", lambda route: held.append(route))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_be_visible()
    # The chip spins from the moment the file is chosen; its send begins once the server has given it an address
    # (a loaded CI machine took more than the 300 ms this waited once): wait for the send the route holds.
    settled(page, lambda: len(held), lambda n: n > 0, timeout_ms=30000)
    assert len(held) == 1
    link = page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.overview", lang))
    with pytest.raises(PlaywrightTimeout):
        link.click(timeout=1500)
    return held, link


def test_the_page_links_wait_while_a_file_still_uploads(own_server, page, gb18030_file):
    """A page clicked while a file was still being sent to the server (its chip spinning) dropped the file: the
    uploader hands a file on only once it is sent, and the page it is on had gone. Until it is sent, the page links
    take no click and a note under them says why; once it is sent, they do, and the file loads."""
    held, link = _upload_held(page, own_server.url, gb18030_file, "zh")
    nav = page.locator('[data-testid="stSidebarNav"]')
    note = json.dumps(i18n.t("data.upload_wait", "zh"), ensure_ascii=False)
    assert nav.evaluate("e => getComputedStyle(e, '::after').content") == note
    expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "zh"))
    screenshot(page, "upload_wait_zh")
    held[0].continue_()
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=30000)
    assert nav.evaluate("e => getComputedStyle(e, '::after').content") in ("none", "normal")
    link.click(timeout=5000)
    expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "zh"), timeout=60000)
    page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.data", "zh")).click()
    expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=gb18030_file.name)).to_be_visible(
        timeout=60000)


def test_cancelling_a_file_that_will_not_finish_sending_frees_the_page_links(st_server, page, gb18030_file):
    """An upload that never ends (a stalled connection) would hold the page links for good: cancelling the file
    (its ×, as the note says) frees them."""
    _held, link = _upload_held(page, st_server.url, gb18030_file, "en")        # never released
    page.get_by_test_id("stFileChipDeleteBtn").locator("button").click()
    expect(page.get_by_test_id("stFileChip")).to_have_count(0)
    link.click(timeout=5000)
    expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "en"), timeout=60000)


# The tops of the Data page's four upload options.
OPTION_TOPS = """() => [...document.querySelectorAll('[class*="st-key-smm_row_upload_options"] [data-testid="stColumn"]')]
    .map(c => Math.round(c.getBoundingClientRect().top))"""


# Selects in the Data page's mapping step, as the page lays them out: label, top and left.
MAPPING_SELECTS = """() => [...document.querySelectorAll('[class*="st-key-smm_row_mapping_columns"] [data-testid="stSelectbox"]')]
    .map(s => { const r = s.getBoundingClientRect(); return {label: s.querySelector('label').innerText,
                                                             top: Math.round(r.top), left: Math.round(r.left)}; })"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_inputs_read_whole_with_the_sidebar_open_at_1024_px(st_server, page, tmp_path, lang):
    # The upload options' four columns had "Detect autom" and "yyyy / mm / d" cut, and the delete button read
    # "Delete select…": the options go two a row where four do not fit, and the button's label wraps. An unknown
    # format's mapping step wraps the same way, its columns still in the file's order.
    from test_browser_tiles import CUT, SELECT_CUT

    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{st_server.url}/data?lang={lang}")
    wait_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    page.get_by_text(i18n.t("data.profile", lang) + " · ", exact=False).first.click()
    expect(page.locator('[data-testid="stDateInput"]').first).to_be_visible()
    assert settled(page, CUT, lambda c: c == []) == []
    assert settled(page, SELECT_CUT, lambda c: c == []) == []
    # (read until the layout has settled: the expander opens, and the page's layout CSS can come after it)
    tops = settled(page, OPTION_TOPS, lambda ts: len(ts) == 4 and len(set(ts)) == 2)
    assert len(tops) == 4 and len(set(tops)) == 2, tops                  # two rows of two

    headers = ["统计日", "渠道名称", "投放花费合计", "展示次数合计", "点击次数合计", "新增粉丝", "备注说明"]
    path = tmp_path / f"unknown_{lang}.csv"
    path.write_bytes(csv_bytes(headers, [["2026-11-16", "渠道A", "100", "1000", "10", "1", "无"]]))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.locator('[class*="st-key-smm_row_mapping_columns"] [data-testid="stSelectbox"]')).to_have_count(
        len(headers), timeout=60000)
    wait_idle(page)
    assert settled(page, SELECT_CUT, lambda c: c == []) == []
    shown = sorted(page.evaluate(MAPPING_SELECTS), key=lambda s: (s["top"], s["left"]))
    assert [s["label"] for s in shown] == headers                        # read in rows, in the file's order
    assert len({s["top"] for s in shown}) > 2                            # wrapped: fewer than four a row



def test_an_unknown_formats_mapping_survives_a_language_switch(st_server, page, tmp_path):
    """Columns and a platform picked in zh, then the language switched three times before saving: the choices are
    kept and read in the new language, the saved format maps them, and the file loads. The mapping step was a form:
    the switch, which sends every plain value again (ui.sidebar), put its platform back to Douyin (Session State
    holds what a form last sent, not what is picked in it), and once that was left alone, the form kept the old
    language's words: 抖音 and （忽略） under English labels, and no kind of data checked."""
    headers = ["统计日", "投放花费合计", "备注说明"]
    path = tmp_path / "unknown_switch.csv"
    path.write_bytes(csv_bytes(headers, [["2026-11-16", "100", "无"], ["2026-11-17", "50", "无"]]))
    page.goto(f"{st_server.url}/data?lang=zh")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    columns = page.locator('[class*="st-key-smm_row_mapping_columns"]')
    expect(columns.get_by_role("combobox", name=headers[0])).to_be_visible(timeout=60000)
    wait_idle(page)
    # date and spend are pre-filled from the file (its dates, 花费); the user picks a theme for 备注说明
    # (each pick waits for its run: a click on the next select while the page was redrawn closed its list, and typing
    # then found no option, in a clean-clone CI run)
    for header, field in ((headers[0], "date"), (headers[1], "spend")):
        expect(columns.get_by_role("combobox", name=header)).to_have_value(i18n.field_label(field, "zh"))
    _pick(page, columns.get_by_role("combobox", name=headers[2]), i18n.field_label("theme", "zh"))
    form = page.locator(".st-key-smm_mapping")
    platform = form.get_by_role("combobox", name=i18n.t("data.mapping_platform", "zh"))
    platform.click()
    page.keyboard.type(i18n.platform_label("weibo", "zh"))
    page.get_by_role("option", name=i18n.platform_label("weibo", "zh"), exact=True).click()
    # The pick shows before the first switch: a failure below is then the switch's doing, not a pick that never
    # took (a full parallel run once saw 抖音 after the switches; not reproduced alone or with the CPUs busy).
    expect(platform).to_have_value(i18n.platform_label("weibo", "zh"))
    for other, lang in (("English", "en"), ("中文", "zh"), ("English", "en")):
        page.locator('[data-testid="stSidebar"]').get_by_text(other, exact=True).click()
        # as a person switches: the next click once the page reads in this language (wait_idle alone can pass
        # before the click's run has begun, and on a busy machine the three runs then overlapped)
        expect(form.get_by_role("combobox", name=i18n.t("data.mapping_platform", lang))).to_be_visible()
        wait_idle(page)
    # every pick kept, each in English now, the pre-filled ones too, and the kind of data still checked
    expect(form.get_by_role("combobox", name=i18n.t("data.mapping_platform", "en"))).to_have_value(
        i18n.platform_label("weibo", "en"))
    for header, field in ((headers[0], "date"), (headers[1], "spend"), (headers[2], "theme")):
        expect(columns.get_by_role("combobox", name=header)).to_have_value(i18n.field_label(field, "en"))
    expect(form.get_by_role("radio", name=i18n.t("ingest.kind.daily", "en"))).to_be_checked()
    click_and_wait(page, page.get_by_role("button", name=i18n.t("data.mapping_save", "en")))
    expect(page.get_by_text(i18n.t("data.mapping_saved", "en", name="user_unknown_switch"), exact=False)).to_be_visible()
    # the saved format read both columns: two rows loaded, their spend the file's
    report = page.locator('[data-testid="stAlertContentSuccess"]', has_text="unknown_switch.csv")
    expect(report).to_contain_text(f"unknown_switch.csv: {i18n.t('status.loaded', 'en')}")
    expect(report).to_contain_text("2 rows")


def _pick(page, combobox, label: str, tries: int = 3) -> None:
    """Choose `label` in a select box as a person does (typing narrows the long list), and wait until it shows and
    the run it starts is over: the next click then meets a page that is not being redrawn.

    A run the page starts on its own just then (an upload's second run) redraws the select and closes its list, and
    the typing finds no option (seen once in a clean-clone CI run): as a person would, close it and choose again."""
    for attempt in range(tries):
        wait_idle(page)
        combobox.click()
        page.keyboard.type(label)
        try:
            page.get_by_role("option", name=label, exact=True).click(timeout=10000)
            break
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
    expect(combobox).to_have_value(label)
    wait_idle(page)


def test_a_wrong_saved_format_is_deleted_with_its_batches_and_the_file_mapped_anew(own_server, page, tmp_path):
    """A format saved with a wrong mapping is not a dead end: the Data page lists it, deletes it (behind a
    confirmation, with the batches it loaded when ticked), and the same file then goes to the mapping step again."""
    from smm import store

    headers = ["统计日", "投放花费合计", "曝光次数"]
    path = tmp_path / "微博周报.csv"
    path.write_bytes(csv_bytes(headers, [["2026-11-16", "100", "1000"], ["2026-11-17", "50", "800"]]))
    page.goto(f"{own_server.url}/data?lang=zh")
    wait_idle(page)
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.set_input_files(str(path))
    columns = page.locator('[class*="st-key-smm_row_mapping_columns"]')
    expect(columns.get_by_role("combobox", name=headers[0])).to_be_visible(timeout=60000)
    wait_idle(page)
    # the step starts from what the file says (its columns are named 日期, 花费 and 展示) …
    for header, field in ((headers[0], "date"), (headers[1], "spend"), (headers[2], "impressions")):
        expect(columns.get_by_role("combobox", name=header)).to_have_value(i18n.field_label(field, "zh"))
    # … and the wrong mapping: 曝光次数 left out, so the format never reads exposure
    _pick(page, columns.get_by_role("combobox", name=headers[2]), i18n.t("data.mapping_ignore", "zh"))
    click_and_wait(page, page.get_by_role("button", name=i18n.t("data.mapping_save", "zh")))
    pid = "user_微博周报"
    expect(page.get_by_text(i18n.t("data.mapping_saved", "zh", name=pid), exact=False)).to_be_visible()
    saved = page.get_by_test_id("stExpander").filter(has_text=i18n.t("data.saved_formats", "zh", n=1))
    saved.locator("summary").click()
    expect(saved.get_by_text(i18n.t("data.saved_formats_help", "zh"))).to_be_visible()
    click_mid_screen(page, saved.get_by_role("button", name=i18n.t("data.format_delete", "zh")))
    dialog = page.get_by_test_id("stPopoverBody")
    expect(dialog.get_by_text(i18n.t("data.format_delete_confirm", "zh", name="微博周报", id=pid))).to_be_visible()
    click_and_wait(page, dialog.get_by_text(i18n.t("data.format_delete_batches", "zh", files=1)))
    click_and_wait(page, page.get_by_test_id("stPopoverBody").get_by_role("button", name=i18n.t("data.format_delete_yes", "zh")))
    expect(page.get_by_text(i18n.t("data.format_deleted_batches", "zh", name="微博周报", id=pid, files=1))).to_be_visible()
    expect(page.get_by_test_id("stPopoverBody")).not_to_be_visible()
    expect(page.get_by_test_id("stExpander").filter(has_text=i18n.t("data.saved_formats", "zh", n=1))).to_have_count(0)
    expect(page.get_by_test_id("stExpander").filter(has_text=i18n.t("data.formats", "zh"))).to_have_count(1)
    screenshot(page, "saved_format_deleted_zh")
    # the same file again: not "already loaded", but mapped anew, exposure included this time
    upload.set_input_files([])
    wait_idle(page)
    upload.set_input_files(str(path))
    expect(columns.get_by_role("combobox", name=headers[2])).to_be_visible(timeout=60000)
    wait_idle(page)
    # mapped anew from what the file says, exposure included this time: the user checks and saves
    # (the picks of the wrong mapping went with it)
    for header, field in ((headers[0], "date"), (headers[1], "spend"), (headers[2], "impressions")):
        expect(columns.get_by_role("combobox", name=header)).to_have_value(i18n.field_label(field, "zh"))
    click_and_wait(page, page.get_by_role("button", name=i18n.t("data.mapping_save", "zh")))
    # (the first load's report stays in the list, its format now shown by id: the format is gone)
    def line(fmt: str) -> str:
        return i18n.t("report.line", "zh", file=path.name, status=i18n.t("status.loaded", "zh"), profile=fmt,
                      loaded=i18n.t("report.n_loaded", "zh", n=2), rejected=i18n.t("report.n_rejected", "zh", n=0),
                      summary=i18n.t("report.n_summary", "zh", n=0), superseded=i18n.t("report.n_superseded", "zh", n=0))

    reports = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(reports.filter(has_text=line(f"微博周报 ({pid})"))).to_be_visible(timeout=60000)
    expect(reports.filter(has_text=line(pid))).to_be_visible()
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        assert con.execute("SELECT status FROM load_batches WHERE file_name = ? ORDER BY batch_id",
                           [path.name]).fetchall() == [("deleted",), ("loaded",)]
        assert con.execute("SELECT sum(spend), sum(impressions) FROM fact_active f JOIN load_batches b USING "
                           "(batch_id) WHERE b.file_name = ?", [path.name]).fetchall() == [(150.0, 1800.0)]
    finally:
        con.close()


def _big_export(path, rows: int) -> None:
    """A 巨量千川 plan report of `rows` days × creatives, GB18030 as Chinese Windows Excel writes it."""
    import datetime as dt

    start = dt.date(2026, 8, 31)
    body = [[(start + dt.timedelta(days=i % 84)).strftime("%Y/%m/%d"), "澄研旗舰店", f"计划_{i // 84 // 20:05d}",
             f"创意 {i // 84}", f"{(i % 997) * 1.5:,.2f}", f"{1000 + i % 5000:,}", str(i % 900)]
            for i in range(rows)]
    path.write_bytes(csv_bytes(["日期", "账户名称", "计划名称", "创意名称", "消耗", "展示数", "点击数"], body,
                               encoding="gb18030"))


def test_moving_on_while_files_load_does_not_lose_them(own_server, page, tmp_path, gb18030_file):
    """A click to another page while an upload loads stops that script run. The load must go on: every file is
    stored once, the page moved to says when the upload is done, and the reports wait on the Data page. (The
    file being written was rolled back whole, the next one never read, and nothing said so.)"""
    from smm import store

    big = tmp_path / "千川_大文件.csv"
    _big_export(big, 30_000)
    page.goto(f"{own_server.url}/data?lang=en")
    wait_idle(page)
    with own_server.hold_loads():       # the first file waits before its write until the Overview is shown
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            [str(big), str(gb18030_file)])
        expect(page.get_by_text(i18n.t("data.progress", "en", i=1, n=2, file=big.name))).to_be_visible(
            timeout=60000)
        page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.overview", "en")).click()
        expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "en"), timeout=60000)
    done = i18n.t("data.loaded_elsewhere", "en", n=2, how=f"{i18n.t('status.loaded', 'en')} 2")
    expect(page.get_by_test_id("stToast").filter(has_text=done)).to_be_visible(timeout=120000)
    screenshot(page, "upload_moved_on_overview_en")
    page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.data", "en")).click()
    for path, rows in ((big, "30,000"), (gb18030_file, "2 rows")):
        report = page.locator('[data-testid="stAlertContentSuccess"]', has_text=path.name)
        expect(report).to_be_visible(timeout=60000)
        expect(report).to_contain_text(rows)
    screenshot(page, "upload_moved_on_data_en")
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        got = con.execute("SELECT file_name, count(*), sum(rows_loaded) FROM load_batches WHERE file_name IN (?, ?) "
                          "AND status = 'loaded' GROUP BY ALL ORDER BY 1", [big.name, gb18030_file.name]).fetchall()
        assert got == sorted([(big.name, 1, 30_000), (gb18030_file.name, 1, 2)])
    finally:
        con.close()


def test_a_file_added_while_one_loads_is_not_lost_when_the_user_moves_on(own_server, page, tmp_path, gb18030_file):
    """A file added while another loads, then a click to another page: the added file was marked as handled and
    waited in that run for the first load to end, so the click lost it. Both load, in the order they were added."""
    from smm import store

    big = tmp_path / "千川_大文件.csv"
    _big_export(big, 30_000)
    page.goto(f"{own_server.url}/data?lang=en")
    wait_idle(page)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    with own_server.hold_loads():       # the first file still loads when the second is added and the user moves on
        uploader.set_input_files(str(big))
        expect(page.get_by_text(i18n.t("data.progress", "en", i=1, n=1, file=big.name))).to_be_visible(
            timeout=60000)
        uploader.set_input_files(str(gb18030_file))
        expect(page.locator('[data-testid="stFileUploader"]').get_by_text(gb18030_file.name)).to_be_visible()
        # The page counts the added file as soon as the server has it (file 1 of 2 now loads). Clicking on before
        # that is a race no person runs: the uploader's spinner (which holds the page links) is gone a moment
        # before it hands the file on, and Playwright clicks the instant the links take clicks again.
        expect(page.get_by_text(i18n.t("data.progress", "en", i=1, n=2, file=big.name))).to_be_visible(
            timeout=60000)
        page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.overview", "en")).click()
        expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "en"), timeout=60000)
    expect(page.get_by_test_id("stToast").filter(has_text=gb18030_file.name)
           .or_(page.get_by_test_id("stToast").filter(has_text=i18n.t("data.loaded_elsewhere", "en", n=2, how="")[:20]))
           .first).to_be_visible(timeout=120000)
    page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.data", "en")).click()
    for path in (big, gb18030_file):
        expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=path.name)).to_be_visible(timeout=60000)
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        got = con.execute("SELECT file_name FROM load_batches WHERE file_name IN (?, ?) AND status = 'loaded' "
                          "ORDER BY batch_id", [big.name, gb18030_file.name]).fetchall()
        assert got == [(big.name,), (gb18030_file.name,)]
    finally:
        con.close()


def _attached_style(loc, shown: str, tries: int = 50) -> list[str]:
    """`shown` evaluated on the element `loc` finds, on an element still in the page: Streamlit redraws the status
    widget as the run goes on, and an element taken out between Playwright finding it and the call has no computed
    style (every value '')."""
    for _ in range(tries):
        got = loc.evaluate(shown)
        if any(got):
            return got
        loc.page.wait_for_timeout(100)
    return got


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamlits_status_words_read_in_the_users_language(own_server, page, tmp_path, lang):
    """The Stop button a run longer than half a second shows, the ⋮ menu's items, and the connection status once
    the server has gone: in Chinese in the zh UI (Streamlit itself writes only English), its own words in en."""
    big = tmp_path / "千川_大文件.csv"
    _big_export(big, 30_000)
    page.goto(f"{own_server.url}/data?lang={lang}")
    wait_idle(page)
    stop = page.locator('[data-testid="stStatusWidget"] button')
    shown = "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    with own_server.hold_loads():       # the script run waits on the load: the button shows while it is held
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
        expect(stop).to_be_visible(timeout=60000)
        assert _attached_style(stop, shown) == (['0px', '"停止"'] if lang == "zh" else ['14px', "none"])
        assert stop.inner_text() == "Stop"                  # Streamlit's own, hidden in zh
    wait_idle(page)
    page.get_by_test_id("stMainMenuButton").click()
    for key, zh in (("print", "打印"), ("recordScreencast", "录制屏幕")):
        item = page.get_by_test_id(f"stMainMenuItem-{key}").get_by_test_id("stMainMenuItemLabel")
        expect(item).to_be_visible()
        assert _attached_style(item, shown) == (['0px', f'"{zh}"'] if lang == "zh" else ['14px', "none"])
    page.keyboard.press("Escape")
    own_server.stop()
    status = page.locator('[data-testid="stConnectionStatus"] label')
    expect(status).to_be_visible(timeout=30000)
    # The words follow the connection's state, read in the same breath: still trying ("Connecting"), or, on a slow
    # machine by the time it is read, given up ("Error").
    state = ("e => [...[getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content], "
             "document.querySelector('[data-test-connection-state]').getAttribute('data-test-connection-state')]")
    size, words, now = status.evaluate(state)
    zh = '"无法连接服务器"' if now == "DISCONNECTED_FOREVER" else '"正在连接"'
    assert [size, words] == (['0px', zh] if lang == "zh" else ['14px', "none"]), now
    screenshot(page, f"status_words_{lang}")


def test_closing_the_tab_while_files_load_leaves_their_reports_for_the_next_data_page(sample_db_master, browser,
                                                                                      tmp_path):
    """The tab that uploaded is closed while its files load: they load, and the next Data page opened (another
    tab) says so and shows their reports, a rejected file's reason included. A rejected file is not in the load
    history, so nothing said it failed. The server forgets a closed tab's session after
    server.disconnectedSessionTTL (120 s by default; 1 s here)."""
    import shutil
    import time

    from conftest import StreamlitServer

    db = tmp_path / "own" / "smm.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db_master, db)
    server = StreamlitServer(db, env={"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "1"})
    try:
        big, bad = tmp_path / "千川_大文件.csv", tmp_path / "negative_spend.csv"
        _big_export(big, 30_000)
        bad.write_bytes(csv_bytes(["platform", "date", "campaign", "spend", "impressions", "clicks"],
                                  [["linkedin", "2026-11-16", "B2B", "-5.00", "100", "1"]]))
        first = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
        page = first.new_page()
        page.goto(f"{server.url}/data?lang=en")
        wait_idle(page)
        with server.hold_loads():
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(big), str(bad)])
            expect(page.get_by_text(i18n.t("data.progress", "en", i=1, n=2, file=big.name))).to_be_visible(
                timeout=60000)
            first.close()                           # the tab is closed mid-load
            time.sleep(3)                           # and its session forgotten (1 s) before the load goes on
        second = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
        try:
            page = second.new_page()
            note = page.get_by_test_id("stAlertContentInfo").filter(
                has_text=i18n.t("data.abandoned", "en", files=f"{big.name}, {bad.name}"))
            deadline = time.monotonic() + 150
            while True:                             # opened again until the load has ended (a new tab each time)
                page.goto(f"{server.url}/data?lang=en")
                wait_idle(page)
                if note.count() or time.monotonic() > deadline:
                    break
                page.wait_for_timeout(2000)
            expect(note).to_be_visible()
            expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=big.name)).to_contain_text("30,000")
            rejected = page.locator('[data-testid="stAlertContentError"]', has_text=bad.name)
            expect(rejected).to_contain_text(i18n.t("status.rejected", "en"))
            screenshot(page, "upload_tab_closed_next_data_page_en")
            page.goto(f"{server.url}/data?lang=en")     # shown once: another tab does not show them again
            wait_idle(page)
            expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=big.name)).to_have_count(0)
            expect(note).to_have_count(0)
        finally:
            second.close()
    finally:
        server.stop()


def test_a_file_the_server_was_killed_loading_is_named_by_the_next_server_until_dismissed(own_server, page, tmp_path):
    """The server is killed while a file loads (a crash, a restart, the machine going down): nothing of it is stored,
    and the Data page of the server started next says which file was not loaded and when it was uploaded, until
    the user dismisses the note."""
    import os
    import signal

    from conftest import StreamlitServer

    from smm import store

    big = tmp_path / "千川_大文件.csv"
    _big_export(big, 30_000)
    page.goto(f"{own_server.url}/data?lang=zh")
    wait_idle(page)
    with own_server.hold_loads():       # killed with the file read and checked, before its write
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
        expect(page.get_by_text(i18n.t("data.progress", "zh", i=1, n=1, file=big.name))).to_be_visible(
            timeout=60000)
        os.killpg(own_server.proc.pid, signal.SIGKILL)
        own_server.proc.wait(30)
        own_server.log.close()
    again = StreamlitServer(own_server.db)
    try:
        page.goto(f"{again.url}/data?lang=zh")
        wait_idle(page)
        head = i18n.t("data.interrupted", "zh", files="", when="").split("：")[0]
        note = page.locator('[data-testid="stAlertContentWarning"]', has_text=head)
        expect(note).to_be_visible(timeout=30000)
        expect(note).to_contain_text(big.name)
        screenshot(page, "upload_interrupted_zh")
        page.get_by_role("button", name=i18n.t("data.interrupted_dismiss", "zh")).click()
        expect(note).to_have_count(0, timeout=30000)
        page.reload()
        wait_idle(page)
        expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "zh"))
        expect(note).to_have_count(0)
    finally:
        again.stop()
    con = store.connect(own_server.db)
    try:
        assert con.execute("SELECT count(*) FROM load_batches WHERE file_name = ?", [big.name]).fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM upload_attempts").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_file_rejected_for_one_row_loads_its_other_rows_with_a_click(own_server, page, tmp_path):
    """A 千川 export (GB18030) rejected whole for one negative spend: its report offers its valid rows; a click loads
    them, the report now says loaded with the row rejected, and the store holds exactly the other rows."""
    from smm import store

    path = tmp_path / "千川_部分坏.csv"
    rows = [["2026/11/16", "澄研旗舰店", "计划A", "创意1", "1,200.50", "1.2万", "420"],
            ["2026/11/17", "澄研旗舰店", "计划A", "创意1", "-5", "30,000", "380"],
            ["2026/11/18", "澄研旗舰店", "计划A", "创意1", "800", "30,000", "400"]]
    path.write_bytes(csv_bytes(["日期", "账户名称", "计划名称", "创意名称", "消耗", "展示数", "点击数"], rows,
                               encoding="gb18030"))
    page.goto(f"{own_server.url}/data?lang=zh")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.locator('[data-testid="stAlertContentError"]', has_text=path.name)).to_be_visible(timeout=60000)
    button = page.get_by_role("button", name=i18n.t("data.load_valid_now", "zh", n="2"))
    expect(button).to_be_visible()
    click_and_wait(page, button)
    report = page.locator('[data-testid="stAlertContentWarning"]', has_text=path.name)
    expect(report).to_contain_text(i18n.t("status.loaded", "zh"), timeout=60000)
    expect(page.locator('[data-testid="stAlertContentError"]', has_text=path.name)).to_have_count(0)
    expect(button).to_have_count(0)
    screenshot(page, "upload_valid_rows_loaded_zh")
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        assert con.execute("SELECT count(*), sum(spend), sum(impressions) FROM fact_active f JOIN load_batches b "
                           "USING (batch_id) WHERE b.file_name = ?", [path.name]).fetchall() == [(2, 2000.5, 42000.0)]
        assert con.execute("SELECT rows_loaded, rows_rejected FROM load_batches WHERE file_name = ?",
                           [path.name]).fetchall() == [(2, 1)]
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_with_no_date_loads_once_its_day_is_typed_and_the_button_pressed(own_server, page, tmp_path, lang):
    """A TikTok campaign report with no date column and no period anywhere is refused with the ask beside it; the day
    typed into the field and the button pressed at once (the field sends its value as it loses focus, on that press)
    load it in one click, dated that day."""
    from smm import store

    path = tmp_path / "tiktok_campaigns.csv"
    path.write_bytes(csv_bytes(["Campaign name", "Cost", "Impressions", "Clicks (Destination)", "Currency"],
                               [["Spring", "22.5", "1,900", "38", "USD"], ["Autumn", "5", "100", "2", "USD"]]))
    page.goto(f"{own_server.url}/data?lang={lang}")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    ask = page.locator('[data-testid="stAlertContentWarning"]', has_text=path.name)
    expect(ask).to_contain_text(i18n.t("err.undated_no_period", lang, file=path.name)[:40], timeout=60000)
    field = page.get_by_role("group", name=i18n.t("data.undated_day", lang))
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type("20261122")
    screenshot(page, f"upload_undated_day_typed_{lang}")
    click_and_wait(page, page.get_by_role("button", name=i18n.t("data.undated_load", lang)))
    report = page.locator('[data-testid="stAlertContentSuccess"]', has_text=path.name)
    expect(report).to_contain_text(i18n.t("status.loaded", lang), timeout=60000)
    expect(page.get_by_text(i18n.t("ingest.note_undated.user", lang, date="2026-11-22"))).to_be_visible()
    expect(ask).to_have_count(0)
    own_server.stop(close=page)
    con = store.connect(own_server.db)
    try:
        assert con.execute("SELECT campaign, date, spend FROM fact_active f JOIN load_batches b USING (batch_id) "
                           "WHERE b.file_name = ? ORDER BY 1", [path.name]).fetchall() == [
            ("Autumn", dt.date(2026, 11, 22), 5.0), ("Spring", dt.date(2026, 11, 22), 22.5)]
    finally:
        con.close()


def test_a_load_time_reads_on_the_browsers_clock_not_the_servers(sample_db_master, browser, tmp_path, gb18030_file):
    """The server's clock in New York, the team's browsers in Shanghai: a file's load time (here: where a file
    already loaded says its data is) reads in Shanghai time. The store keeps the server's local time, and the page
    showed it as it was, 13 hours off for a team whose server runs in a container on another zone."""
    import shutil
    from zoneinfo import ZoneInfo

    from conftest import StreamlitServer

    from smm import store

    db = tmp_path / "own" / "smm.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db_master, db)
    server = StreamlitServer(db, env={"TZ": "America/New_York"})
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US", timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        page.goto(f"{server.url}/data?lang=en")
        wait_idle(page)
        copy = tmp_path / "同一文件_副本.csv"
        copy.write_bytes(gb18030_file.read_bytes())
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(gb18030_file),
                                                                                           str(copy)])
        again = page.get_by_test_id("stAlertContentInfo").filter(has_text=copy.name)
        expect(again).to_contain_text(i18n.t("status.already_loaded", "en"), timeout=60000)
        shown = again.inner_text()
        server.stop(close=page)
    finally:
        ctx.close()
        server.stop()
    con = store.connect(db)
    try:
        [(loaded_at,)] = con.execute("SELECT loaded_at FROM load_batches WHERE file_name = ?",
                                     [gb18030_file.name]).fetchall()
    finally:
        con.close()
    shanghai = loaded_at.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"(loaded {shanghai:%Y-%m-%d %H:%M})" in shown, shown
    assert f"{loaded_at:%H:%M}" not in shown, shown
