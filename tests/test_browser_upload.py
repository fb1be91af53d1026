"""Real browser: upload a GB18030 export through the Data page and see the new totals on the Overview."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from conftest import ROOT, screenshot, wait_idle
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
    page.locator('[data-testid="stSidebarNavLink"]', has_text=i18n.t("nav.data", "zh")).click()
    wait_idle(page)
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


def test_the_uploader_speaks_english_too(st_server, page):
    page.goto(st_server.url + "/data?lang=en")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "en"))
    _uploader_speaks(page, "en")
