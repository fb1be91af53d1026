"""Real browser: the very first start of a fresh server on an empty store, while the sample loads."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, StreamlitServer, screenshot, wait_idle
from playwright.sync_api import expect

from smm import i18n, ui

pytestmark = pytest.mark.browser

NAV_LINKS = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'


@pytest.fixture
def fresh_server(tmp_path):
    """A server that has never run a script, on a store file that does not exist yet."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing in CI")
        pytest.skip(f"{CHROMIUM} not installed")
    server = StreamlitServer(tmp_path / "fresh.duckdb")
    yield server
    server.stop()


def test_the_menu_names_the_pages_while_the_sample_loads(fresh_server, page):
    """Until st.navigation has run once, Streamlit lists the files of pages/ ("app", "budget", "kol", …) in the
    sidebar: the menu must be drawn before the first start's sample load, which takes seconds."""
    # Each link is its icon's ligature name, then the page's name.
    want = [re.compile(re.escape(i18n.t(key, "zh")) + "$") for _, key, _, _ in ui.PAGES]
    page.goto(fresh_server.url + "/")
    # While the sample is still loading, the menu already holds the pages' names in the user's language.
    expect(page.get_by_text(i18n.t("sample.loading", "zh"))).to_be_visible(timeout=60000)
    expect(page.locator(NAV_LINKS)).to_have_text(want)
    # The status is open, so its bar says which file of how many is loading.
    head = i18n.t("data.progress", "zh", i=0, n=0, file="").split("0/0")[0]
    expect(page.get_by_text(re.compile(re.escape(head) + r"\d+/\d+"))).to_be_visible()
    screenshot(page, "first_start_loading_zh")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(i18n.t("overview.title", "zh"))
    expect(page.locator(NAV_LINKS)).to_have_text(want)


def test_moving_on_while_the_sample_loads_does_not_cut_it_short(fresh_server, page):
    """A click to another page while the first start loads the sample stops that script run; the load must go
    on to the last file (it stopped after the file it was on, and nothing completed it later), and the page
    clicked shows the sample once it is in, in the language the load was shown in."""
    from smm import store
    from smm.sample import sample_files

    page.goto(fresh_server.url + "/?lang=en")
    head = i18n.t("data.progress", "en", i=0, n=0, file="").split("0/0")[0]
    expect(page.get_by_text(re.compile(re.escape(head) + r"\d+/\d+"))).to_be_visible(timeout=60000)
    page.locator(NAV_LINKS).nth(len(ui.PAGES) - 1).click()         # the Data page, mid-load
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(i18n.t("data.title", "en"), timeout=120000)
    expect(page.get_by_text(i18n.t("sample.banner_here", "en"))).to_be_visible()
    screenshot(page, "first_start_moved_on_en")
    fresh_server.stop()
    con = store.connect(fresh_server.db)
    try:
        n = len(sample_files())
        assert con.execute("SELECT count(*), count(DISTINCT sha256), bool_and(is_sample) FROM load_batches "
                           "WHERE status = 'loaded'").fetchall() == [(n, n, True)]
    finally:
        con.close()
