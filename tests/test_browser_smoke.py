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
