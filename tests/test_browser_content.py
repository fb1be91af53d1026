"""Real browser: the Content page opened from a URL with filters renders its heatmap and top-posts table."""

import pytest
from conftest import screenshot, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

QUERY = "dates=2026-08-31&dates=2026-11-22&platforms=douyin&platforms=xiaohongshu&er_base=views"


def _open(st_server, page, query: str) -> None:
    # The first request a fresh server gets must go through the entry point: while no session has run
    # st.navigation yet, Streamlit still serves pages/<name>.py on its own (legacy pages/ mode, no sidebar).
    page.goto(st_server.url + "/")
    wait_idle(page)
    page.goto(st_server.url + "/content?" + query)
    wait_idle(page)


def _full_height(page) -> None:
    """Grow the viewport to the page's height: Streamlit scrolls inside stMain, not the document."""
    h = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": int(h) + 40})
    wait_idle(page)
    # Elements that were off screen render after the resize; wait until no placeholder is left.
    page.wait_for_function(
        "document.querySelectorAll('[data-testid^=\"stSkeleton\"]').length === 0", timeout=60000
    )
    page.wait_for_timeout(1500)


def test_content_page_from_url_en(st_server, page):
    _open(st_server, page, "lang=en&" + QUERY)
    expect(page.locator("h1").first).to_have_text("Content performance")
    main = page.locator('[data-testid="stMain"]')
    # Filters from the URL are in force: only the two chosen platforms get a headline.
    expect(main.get_by_text("Video median ER per post").first).to_be_visible()
    expect(main.locator("li", has_text="Douyin")).to_have_count(1)
    expect(main.locator("li", has_text="Xiaohongshu")).to_have_count(1)
    expect(main.locator("li", has_text="Meta")).to_have_count(0)
    # Heatmap: the best-time section with its chart and the sentence naming the best slots.
    expect(main.get_by_role("heading", name="Best time to post")).to_be_visible()
    expect(main.get_by_text("best slots:")).to_be_visible()
    # Forms: one chart per chosen platform (in columns that wrap), their legend once above them.
    expect(main.locator('.st-key-smm_grid_content_forms [data-testid="stVegaLiteChart"]')).to_have_count(2)
    charts = main.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(5)                 # legend, 2 form panels, themes, heatmap
    heat = charts.nth(4)
    heat.scroll_into_view_if_needed()
    assert heat.bounding_box()["height"] > 250
    # Top posts: the ranked table renders (a canvas grid) under its heading.
    expect(main.get_by_role("heading", name="Best 10 by ER")).to_be_visible()
    tables = main.locator('[data-testid="stDataFrame"]')
    assert tables.count() >= 3
    _full_height(page)
    screenshot(page, "content_en")


def test_content_page_from_url_zh(st_server, page):
    _open(st_server, page, QUERY)
    expect(page.locator("h1").first).to_have_text("内容表现")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="最佳发布时间")).to_be_visible()
    expect(main.get_by_text("最佳时段").first).to_be_visible()
    expect(main.get_by_role("heading", name="最好的 10 条（按互动率）")).to_be_visible()
    _full_height(page)
    screenshot(page, "content_zh")
