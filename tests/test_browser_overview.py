"""Real browser: an Overview URL with query params shows the expected tiles; presentation mode hides the
sidebar and toolbar and enlarges the numbers; screenshots kept in tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from conftest import click_and_wait, screenshot, settled, wait_idle
from playwright.sync_api import expect
from test_overview import Base
from test_overview_app import expected_tiles

from smm import i18n, store
from smm.metrics import Settings

pytestmark = pytest.mark.browser
D = dt.date
QUERY = "lang=en&platforms=xiaohongshu&platforms=meta&dates=2026-11-09&dates=2026-11-15&cur=USD"


@pytest.fixture(scope="module")
def want(sample_db_master):
    con = store.connect(sample_db_master, read_only=True)
    b = Base(con)
    con.close()
    return expected_tiles(b, (D(2026, 11, 9), D(2026, 11, 15)), (D(2026, 11, 2), D(2026, 11, 8)),
                          ("xiaohongshu", "meta"), "USD", Settings(), "en")


def tile(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first


def font_px(locator) -> float:
    return float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))


def test_overview_url_tiles_and_presentation_mode(st_server, page, want):
    page.goto(f"{st_server.url}/?{QUERY}")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("Overview")
    for label in ("Spend", "ROAS", "CPA", "CTR"):
        value, delta = want[label]
        expect(tile(page, label).locator('[data-testid="stMetricValue"]')).to_have_text(value)
        expect(tile(page, label).locator('[data-testid="stMetricDelta"]')).to_contain_text(delta.lstrip("+-"))
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(5)
    normal_size = font_px(tile(page, "Spend").locator('[data-testid="stMetricValue"] > div'))
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_be_visible()
    page.set_viewport_size({"width": 1600, "height": 4200})
    screenshot(page, "overview_en_url")
    page.set_viewport_size({"width": 1600, "height": 1000})

    # The charts as pictures for the review report: a ZIP of PNGs, made when the button is clicked.
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name=i18n.t("overview.download_png", "en")).click()
    path = dl.value.path()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert {"funnel.png", "stage_rates.png", "trend_spend_revenue.png", "trend_roas.png",
                "platform_spend.png"} == set(names)
        assert all(zf.read(n).startswith(b"\x89PNG\r\n\x1a\n") for n in names)
    assert dl.value.suggested_filename == "overview_charts_2026-11-09_2026-11-15_en.zip"

    click_and_wait(page, sidebar.get_by_text(i18n.t("sidebar.present", "en")))
    expect(sidebar).to_be_hidden()
    expect(page.locator('header[data-testid="stHeader"]')).to_be_hidden()          # the Streamlit toolbar
    exit_button = page.get_by_role("button", name=i18n.t("present.exit", "en"))
    expect(exit_button).to_be_visible()
    expect(tile(page, "Spend").locator('[data-testid="stMetricValue"]')).to_have_text(want["Spend"][0])
    big_size = font_px(tile(page, "Spend").locator('[data-testid="stMetricValue"] > div'))
    assert big_size >= normal_size * 1.25, (normal_size, big_size)
    assert "present=1" in page.url
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "overview_en_presentation_projector")
    click_and_wait(page, exit_button)
    expect(sidebar).to_be_visible()


# Records, from the page's first frame, every frame in which the sidebar is on screen (its width and right edge
# past a few pixels: collapsed, Streamlit slides it out of view rather than removing it).
SIDEBAR_WATCH = """
window.__smmSidebarSeen = [];
const watch = () => {
  const s = document.querySelector('section[data-testid="stSidebar"]');
  if (s && getComputedStyle(s).display !== 'none') {
    const r = s.getBoundingClientRect();
    if (r.width > 4 && r.right > 4) window.__smmSidebarSeen.push(Math.round(performance.now()));
  }
  requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
"""


def test_presenting_url_never_shows_the_sidebar_while_it_loads(st_server, page):
    """A presenting link opened on the projector draws no sidebar at any moment: its filters used to show for
    1.3–2.4 s (from the first elements until the page's CSS took effect). Leaving the mode brings it back."""
    page.goto(f"{st_server.url}/?lang=zh")    # the server's first session lists pages/ before the script runs
    wait_idle(page)
    for path in ("", "content", "kol", "budget"):
        fresh = page.context.new_page()
        fresh.add_init_script(SIDEBAR_WATCH)
        fresh.goto(f"{st_server.url}/{path}?lang=zh&present=1")
        wait_idle(fresh)
        exit_button = fresh.get_by_role("button", name=i18n.t("present.exit", "zh"))
        expect(exit_button).to_be_visible()
        fresh.wait_for_timeout(300)
        seen = fresh.evaluate("window.__smmSidebarSeen")
        assert not seen, f"/{path}: the sidebar was on screen in {len(seen)} frames, from {seen[0]} ms"
        if path == "kol":
            exit_button.click()
            wait_idle(fresh)
            expect(fresh.locator('[data-testid="stSidebar"]')).to_be_visible()
            assert "present" not in fresh.url
        fresh.close()


def test_overview_in_chinese_presentation_mode(st_server, page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{st_server.url}/?lang=zh&present=1")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("总览")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(tile(page, "花费").locator('[data-testid="stMetricValue"]')).to_be_visible()
    screenshot(page, "overview_zh_presentation_projector")
    page.set_viewport_size({"width": 1920, "height": 5200})
    screenshot(page, "overview_zh_presentation_full")


def test_switching_language_back_and_forth_keeps_every_choice(st_server, page):
    """The browser keeps a select's value as its option's text: after zh → en → zh the filters held "抖音" and
    "上一周期" (in the URL too, so the link no longer filtered anything) and the funnel's scope stopped the
    Overview. Each choice must survive any number of switches, as ids."""
    import re

    page.goto(f"{st_server.url}/?lang=zh&platforms=douyin&platforms=xiaohongshu&compare=last_year")
    wait_idle(page)
    scope = page.locator('[data-testid="stSelectbox"]').filter(has_text="漏斗范围")
    expect(scope).to_be_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    for lang in ("en", "zh", "en", "zh"):
        click_and_wait(page, sidebar.get_by_text({"zh": "中文", "en": "English"}[lang], exact=True))
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        expect(page).to_have_url(re.compile(rf"lang={lang}&platforms=douyin&platforms=xiaohongshu&compare=last_year$"))
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()

    page.goto(f"{st_server.url}/budget?lang=zh")
    wait_idle(page)
    burn = page.locator(".st-key-budget_burn_cats .react-aria-ComboBox button[aria-label^='Remove ']")
    expect(burn).to_have_count(2)
    for lang in ("en", "zh", "en"):
        click_and_wait(page, sidebar.get_by_text({"zh": "中文", "en": "English"}[lang], exact=True))
        expect(burn).to_have_count(2)
        expect(page).not_to_have_url(re.compile(r"[^\x00-\x7f]|%E"))    # ids, never a label
    # Setting each value again gives no widget both a default and a Session State value (Streamlit logs a warning:
    # the budget alert fields had both until they passed their defaults through ui.initial).
    st_server.log.flush()
    assert "set via the Session State API" not in Path(st_server.log.name).read_text()


# Each week label's centre and each week's mark (the bars' pairs (spend, revenue) or the ROAS points) by x; each
# number label's centre and each gridline by y.
_AXIS_MARKS = """([i, zh]) => {
    const chart = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[i];
    const box = e => e.getBoundingClientRect();
    const texts = [...chart.querySelectorAll('g.role-axis-label text')];
    const week = zh ? /^\\d+月\\d+日$/ : /^[A-Z][a-z]{2} \\d{2}$/;
    const labels = texts.filter(t => week.test(t.textContent)).map(t => box(t).x + box(t).width / 2)
        .sort((a, b) => a - b);
    const numbers = texts.filter(t => !week.test(t.textContent)).map(t => [t.textContent, box(t).y + box(t).height / 2]);
    const grid = [...chart.querySelectorAll('g.role-axis-grid line, g.role-axis-grid path')].map(p => box(p).y);
    const bars = [...chart.querySelectorAll('g.mark-rect path')].map(box)
        .filter(r => r.width > 0 && r.width < 40).sort((a, b) => a.x - b.x);
    const pairs = [];
    for (let k = 0; k + 1 < bars.length; k += 2) pairs.push((bars[k].x + bars[k + 1].x + bars[k + 1].width) / 2);
    const points = [...chart.querySelectorAll('g.mark-symbol path')].map(p => box(p).x + box(p).width / 2)
        .sort((a, b) => a - b);
    return {labels, marks: pairs.length ? pairs : points, numbers, grid};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axis_labels_stand_on_what_they_name(st_server, page, lang):
    """Streamlit's chart theme flushes an axis's end labels: the trend charts' first week read 20 px right of its
    bars and its ROAS point (its label began where its week's centre is), and the lowest amount or ROAS ("0",
    "0.0") sat 7 px above its gridline, so a point at zero looked below it. Each week's label stands under its
    week, each number on its gridline."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{st_server.url}/?lang={lang}")
    wait_idle(page)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(5)
    for i in (2, 3):                    # spend and revenue bars; ROAS
        charts.nth(i).scroll_into_view_if_needed()
        got = settled(page, lambda i=i: page.evaluate(_AXIS_MARKS, [i, lang == "zh"]),
                      lambda g: len(g["labels"]) >= 2 and len(g["labels"]) == len(g["marks"]) and g["grid"])
        off = [round(a - b, 1) for a, b in zip(got["labels"], got["marks"], strict=True)]
        assert max(map(abs, off)) <= 4, (i, off)
        assert len(got["numbers"]) == len(got["grid"]) >= 3, got
        misplaced = [(text, round(y)) for text, y in got["numbers"] if min(abs(y - g) for g in got["grid"]) > 2]
        assert not misplaced, (i, misplaced, [round(g) for g in got["grid"]])
