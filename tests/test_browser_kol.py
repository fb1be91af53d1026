"""Real browser: the KOL page's comparison flow, in zh and en, with screenshots to look at."""

from pathlib import Path

import pytest
from conftest import click_and_wait, screenshot, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RANGE = "dates=2026-08-31&dates=2026-11-22"


def _open_kol_page(page, base: str, lang: str) -> None:
    # Through the menu: opening /kol directly is served by the legacy pages/ runner (see the report).
    page.goto(f"{base}/?{RANGE}&lang={lang}")
    wait_idle(page)
    page.get_by_role("link", name={"zh": "达人对比", "en": "KOLs"}[lang]).click()
    page.wait_for_url("**/kol?*")
    wait_idle(page)


def _compare_charts(page):
    return page.get_by_role("tabpanel").locator('[data-testid="stVegaLiteChart"]')


def test_compare_flow_zh(st_server, page):
    _open_kol_page(page, st_server.url, "zh")
    expect(page.locator("h1").first).to_have_text("达人对比：谁值这份费用")
    expect(page.get_by_text("有数据达人 / 全部")).to_be_visible()
    page.get_by_role("tab", name="对比分析").click()
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="选择 2–5 位达人")
    expect(picker).to_be_visible()
    # Add the planted KOL to the three preselected ones.
    picker.locator("input").click()
    picker.locator("input").press_sequentially("桃子酱")      # into the box, never at the page
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(picker.get_by_text("桃子酱Peachy · 小红书")).to_be_visible()
    expect(_compare_charts(page)).to_have_count(4, timeout=30000)           # ER, CPE, CPA, ROI
    expect(page.get_by_text("桃子酱Peachy · 小红书 → 腰部", exact=False)).to_be_visible()
    wait_idle(page)
    screenshot(page, "kol_compare_zh")
    # every chosen KOL and metric reads whole: no chip runs out of its box (they wrap, not scroll)
    chips = page.get_by_role("tabpanel").locator('[data-testid="stMultiSelect"]').evaluate_all(
        """els => els.map(el => { const box = el.querySelector('.react-aria-ComboBox').getBoundingClientRect();
            return [...el.querySelectorAll('button[aria-label^="Remove "]')].map(b => {
                const c = b.parentElement.getBoundingClientRect();
                return {chip: b.parentElement.innerText, out: c.left < box.left - 0.5 || c.right > box.right + 0.5}; });
        })""")
    assert [len(c) for c in chips] == [4, 4] and not any(c["out"] for cs in chips for c in cs), chips
    page.get_by_role("tab", name="质量提示").click()
    expect(page.get_by_text("粉丝数跳涨").first).to_be_visible()
    wait_idle(page)
    page.wait_for_timeout(500)  # the tab underline slides
    screenshot(page, "kol_flags_zh")


def test_compare_flow_en(st_server, page):
    _open_kol_page(page, st_server.url, "zh")
    click_and_wait(page, page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True))
    expect(page.locator("h1").first).to_have_text("KOLs: who earns their fee")
    page.get_by_role("tab", name="Compare").click()
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Choose 2–5 KOLs")
    # Leave only two KOLs: remove the third preselected one.
    remove = picker.locator('.react-aria-ComboBox button[aria-label^="Remove "]')
    expect(remove).to_have_count(3)
    click_and_wait(page, remove.last)
    expect(remove).to_have_count(2)
    # The metrics chosen before the language switch survive it (ER, CPE, CPA, ROI).
    expect(_compare_charts(page)).to_have_count(4, timeout=30000)
    screenshot(page, "kol_compare_en")
    page.get_by_role("tab", name="Combined score").click()
    expect(page.get_by_text("Highest scores")).to_be_visible()
    wait_idle(page)
    page.wait_for_timeout(500)
    screenshot(page, "kol_score_en")
    page.get_by_role("tab", name="Cost vs result").click()
    wait_idle(page)
    expect(page.get_by_role("tabpanel").locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    page.wait_for_timeout(500)
    screenshot(page, "kol_scatter_en")


def test_the_open_tab_is_in_the_url_and_survives_a_language_switch(st_server, page):
    """A copied link reopens the tab it was copied on (KOLs and Budget); switching tabs rewrites the link,
    switching language keeps the tab, and the first tab leaves the link clean."""
    import re

    selected = page.locator('[data-testid="stTab"][aria-selected="true"]')
    page.goto(f"{st_server.url}/kol?{RANGE}&lang=zh&tab=trend")
    wait_idle(page)
    expect(selected).to_have_text("趋势分析")
    expect(page.get_by_role("tabpanel").locator('[data-testid="stSelectbox"]').first).to_be_visible()
    page.get_by_role("tab", name="费用 vs 效果").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]tab=scatter(&|$)"))
    click_and_wait(page, page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True))
    expect(selected).to_have_text("Cost vs result")
    expect(page).to_have_url(re.compile(r"[?&]tab=scatter(&|$)"))
    page.get_by_role("tab", name="Scorecard").click()
    wait_idle(page)
    expect(selected).to_have_text("Scorecard")
    expect(page).not_to_have_url(re.compile(r"[?&]tab="))

    page.goto(f"{st_server.url}/budget?lang=en&tab=whatif")
    wait_idle(page)
    expect(selected).to_have_text("What-if")
    expect(page.get_by_role("tabpanel").locator('[data-testid="stSlider"]').first).to_be_visible()


def test_a_link_reopens_the_pages_own_choices_and_a_visit_elsewhere_keeps_them(st_server, page):
    """Page widgets are in the URL as ids: a copied link reopens the scatter's metric in either language, a
    change rewrites the link, and after a visit to another page (whose link drops them) coming back restores
    the page's choices and puts them back in the link."""
    import re

    def scatter_y(name: str):
        return page.get_by_role("tabpanel").get_by_role("combobox", name=name)

    page.goto(f"{st_server.url}/kol?{RANGE}&lang=zh&tab=scatter&kol_scatter_y=revenue&kol_trend_grain=publish_week")
    wait_idle(page)
    expect(scatter_y("效果指标")).to_have_value("成交金额")
    expect(page.get_by_text("成交金额中位数", exact=False).first).to_be_visible()
    scatter_y("效果指标").click()
    click_and_wait(page, page.get_by_role("option", name="互动量", exact=True))
    expect(page).to_have_url(re.compile(r"[?&]kol_scatter_y=interactions(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]kol_trend_grain=publish_week(&|$)"))
    click_and_wait(page, page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True))
    expect(scatter_y("Result")).to_have_value("Interactions")
    expect(page).to_have_url(re.compile(r"[?&]kol_scatter_y=interactions(&|$)"))

    click_and_wait(page, page.get_by_role("link", name="Overview"))
    expect(page).not_to_have_url(re.compile(r"kol_scatter_y="))
    page.get_by_role("link", name="KOLs").click()
    page.wait_for_url("**/kol?*")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]kol_scatter_y=interactions(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]kol_trend_grain=publish_week(&|$)"))
    page.get_by_role("tab", name="Cost vs result").click()
    wait_idle(page)
    expect(scatter_y("Result")).to_have_value("Interactions")
    # Seeded widgets get no default as well (Streamlit logs a warning when a widget has both).
    st_server.log.flush()
    assert "set via the Session State API" not in Path(st_server.log.name).read_text()
