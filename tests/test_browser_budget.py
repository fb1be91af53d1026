"""Real browser: the Budget page's alerts, then a what-if (slider, keep total, suggest, save) in en and zh."""

import re

import pytest
from conftest import click_and_wait, screenshot, steady, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TEXT = {
    "en": {"nav": "Budget & what-if", "tab": "What-if", "keep": "Keep total fixed", "suggest": "Suggest",
           "suggested": "Suggestion", "spend": "Spend (total)", "name": "Scenario name", "save": "Save scenario",
           "saved": "Saved scenario", "kuaishou": "Kuaishou", "title": "Budget burn and what-if"},
    "zh": {"nav": "预算与模拟", "tab": "假设模拟", "keep": "保持总预算不变", "suggest": "给出建议",
           "suggested": "建议方案", "spend": "花费（合计）", "name": "方案名称", "save": "保存当前方案",
           "saved": "已保存方案", "kuaishou": "快手", "title": "预算执行与投放模拟"},
}


def _tile_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget_what_if_in_the_browser(st_server, page, lang):
    tx = TEXT[lang]
    # Two visits: on a freshly started server the very first session loses the URL language on its first
    # page switch (an app-shell quirk outside this page; see the closing notes of the budget issue).
    for _ in range(2):
        page.goto(f"{st_server.url}/?lang={lang}")
        wait_idle(page)
    click_and_wait(page, page.locator('[data-testid="stSidebarNavLink"]', has_text=tx["nav"]))
    expect(page.locator("h1").first).to_have_text(tx["title"])
    alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text="2026-11-17")
    expect(alert.first).to_contain_text(tx["kuaishou"])
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    page.set_viewport_size({"width": 1600, "height": 3000})
    screenshot(page, f"budget_burn_{lang}")

    page.locator('[data-testid="stTab"]', has_text=tx["tab"]).click()
    wait_idle(page)
    before = _tile_value(page, tx["spend"])
    thumb = page.locator('[data-testid="stSlider"]').first.get_by_role("slider")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    page.wait_for_timeout(800)
    wait_idle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text=tx["spend"]).first
           .locator('[data-testid="stMetricValue"]')).not_to_have_text(before)
    moved = _tile_value(page, tx["spend"])

    click_and_wait(page, page.get_by_text(tx["keep"], exact=True))
    expect(page.get_by_label(tx["keep"], exact=True)).to_be_checked()
    click_and_wait(page, page.get_by_role("button", name=tx["suggest"], exact=True))
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text=tx["suggested"]).first
           ).to_be_visible(timeout=60000)
    assert _tile_value(page, tx["spend"]) == moved          # the suggestion keeps the (moved) total
    page.locator('[data-testid="stTab"]').first.scroll_into_view_if_needed()
    screenshot(page, f"budget_suggest_{lang}")

    page.get_by_label(tx["name"]).fill(f"browser {lang}")
    page.get_by_label(tx["name"]).press("Enter")
    wait_idle(page)
    click_and_wait(page, page.get_by_role("button", name=tx["save"], exact=True))
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text=re.compile(re.escape(tx["saved"]))).first).to_be_visible()
    screenshot(page, f"budget_whatif_{lang}")


def _slider_notes(page):
    """The note under each what-if slider ("plan ¥2,675,000 · +0%", "计划 …")."""
    return page.get_by_role("tabpanel").locator('[data-testid="stCaptionContainer"]').filter(
        has_text=re.compile(r"^(plan|计划) ¥"))


def _drawn_values(page, sliders) -> list[str]:
    """The sliders' values once all are drawn: one per note under a slider (drawn at once, as text), read until two
    reads agree. Right after the first slider shows, later ones may still be drawing (CI: 2 of the 7 read as the
    plan), and in a fresh browser none is drawn for a moment after the rest of the page (their code loads on first
    use; CI read no slider at all, twice)."""
    notes = _slider_notes(page)
    expect(notes.first).to_be_visible()
    expect(sliders).to_have_count(notes.count())
    return steady(page, lambda: sliders.evaluate_all("els => els.map(e => e.getAttribute('aria-valuetext'))"))


def test_a_what_if_link_reopens_its_budgets(st_server, page, browser):
    """A slider moved in the what-if (a fragment rerun, not the whole page) writes its budget into the link, as
    the objective does; the link opened in a new browser session shows the same budgets and objective."""
    sliders = page.get_by_role("tabpanel").locator('input[type="range"]')
    page.goto(f"{st_server.url}/budget?lang=en&tab=whatif")
    wait_idle(page)
    # the sliders are all drawn once the what-if's six tiles, written after them, show (CI read 1 of 6 sliders
    # twice 500 ms apart on a busy machine)
    expect(page.get_by_role("tabpanel").locator('[data-testid="stMetric"]').nth(5)).to_be_visible()
    plan = _drawn_values(page, sliders)
    sliders.first.focus()
    for _ in range(3):
        sliders.first.press("ArrowRight")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]budget_wi_douyin=\d+(&|$)"))
    click_and_wait(page, page.get_by_role("tabpanel").get_by_text("Revenue", exact=True).first)
    expect(page).to_have_url(re.compile(r"[?&]budget_wi_objective=revenue(&|$)"))
    moved = sliders.evaluate_all("els => els.map(e => e.getAttribute('aria-valuetext'))")
    assert moved[0] != plan[0] and moved[1:] == plan[1:]
    link = page.url

    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    try:
        other.goto(link)
        wait_idle(other)
        again = other.get_by_role("tabpanel").locator('input[type="range"]')
        # each slider, waited for: right after the first one shows, a later one may still be drawing (seen in CI)
        expect(again).to_have_count(len(moved))
        for k, value in enumerate(moved):
            expect(again.nth(k)).to_have_attribute("aria-valuetext", value)
        expect(other.get_by_role("tabpanel").get_by_role("radio", name="Revenue")).to_be_checked()
        assert other.url == link
    finally:
        other.context.close()


# At 990 px (sidebar open) the note of the largest plan (抖音's) wraps and the others do not.
@pytest.mark.parametrize("lang,width", [("zh", 1280), ("en", 1280), ("zh", 990), ("en", 990)])
def test_what_if_sliders_read_as_money_in_rows_that_stand_level(st_server, page, lang, width):
    """Each budget slider draws its amount as money (¥2,675,000, was 2675000), the plan it starts from, which the
    note under it names; the sliders of a row stand level, however their notes wrap (a note that wrapped pushed
    its column's next slider 22 px below its neighbours)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{st_server.url}/budget?lang={lang}&tab=whatif")
    wait_idle(page)
    panel = page.get_by_role("tabpanel")
    expect(panel.locator('[data-testid="stMetric"]').nth(5)).to_be_visible()
    sliders = panel.locator('[data-testid="stSlider"]')
    _drawn_values(page, panel.locator('input[type="range"]'))     # every slider drawn (see there)
    plan_word = {"zh": "计划 ", "en": "plan "}[lang]
    drawn = panel.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()
    notes = _slider_notes(page).all_inner_texts()
    assert len(drawn) == len(notes) == sliders.count() >= 5        # more than one row of four
    for value, note in zip(drawn, notes, strict=True):
        assert re.fullmatch(r"¥\d{1,3}(,\d{3})*", value), value
        assert note.startswith(plan_word + value + " · "), (value, note)
    tops = steady(page, lambda: sorted(sliders.evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().y))")))
    rows = [[t for t in tops if abs(t - top) <= 1] for top in dict.fromkeys(tops)]
    assert len({tuple(r) for r in rows}) == -(-len(tops) // 4), tops       # one top per row of four
