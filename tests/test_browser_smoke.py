"""Real browser: the app starts on the sample store and the Overview renders."""

import pytest
from conftest import screenshot, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_overview_opens_and_switches_language(st_server, page):
    page.goto(st_server.url + "/")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("总览")
    page.goto(st_server.url + "/?lang=en")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    screenshot(page, "smoke_overview_en")


@pytest.mark.parametrize("path", ["/overview", "/overview/"])
def test_the_overview_address_opens_the_overview_with_its_filters(st_server, page, path):
    """The Overview is served at "/"; its own name in the address (typed, or an old bookmark) showed Streamlit's
    "Page not found" dialog. It now opens the Overview at "/" and keeps every filter of the URL."""
    page.goto(f"{st_server.url}{path}?lang=en&platforms=douyin&platforms=weibo")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(page).to_have_url(f"{st_server.url}/?lang=en&platforms=douyin&platforms=weibo")
    assert page.get_by_role("dialog").count() == 0
    assert "not found" not in page.locator('[data-testid="stMain"]').inner_text().lower()
