"""The screen recorder of Streamlit's ⋮ menu (a team records its review meeting): its dialogs, which Streamlit writes
only in English, read in Chinese in the zh UI and keep Streamlit's own words in en.

Chromium's fake capture device stands in for the screen, with no picker to answer, so the test goes through the whole
flow a person does: menu → dialog → start → recording → Esc → the dialog with the video → save it."""

from __future__ import annotations

import pytest
from conftest import CHROMIUM, screenshot, wait_idle
from playwright.sync_api import expect

DIALOG = '[role="dialog"]'
SHOWN = "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"

# (selector inside the dialog, Chinese shown in zh, Streamlit's own English, font size Streamlit gives it)
BEFORE = (
    ("h2", "录制屏幕", "Record a screencast", "24px"),
    ("h2 + div > p:first-child", "把屏幕上的内容录成视频，方便分享给同事。", "This will record a video", "16px"),
    ('[data-testid="stScreencastAudioCheckbox"]', "同时录制声音", "Also record audio", "16px"),
    ('[data-testid="stScreencastInstruction"] p', "随时按 Esc 键停止录制。", "any time to stop recording", "16px"),
    ('[data-testid="stBaseButton-secondary"]', "开始录制", "Start recording!", "16px"),
)
AFTER = (
    ("h2", "接下来", "Next steps", "24px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(1) > div:first-child', "第 1 步", "Step 1", "16px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(2) > div:first-child', "第 2 步", "Step 2", "16px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:first-child', "第 3 步", "Step 3", "16px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(1) p', "在下方预览视频：", "Preview your video below:",
     "16px"),
    ('[data-testid="stBaseButton-secondary"]', "保存视频到本地", "Save video to disk", "16px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(2) p',
     "视频为 WebM 格式，只有较新的播放器能打开；也可以把文件直接拖进浏览器播放。", "WebM format", "14px"),
    ('[data-testid="stVideoRecordedDialog"] > div:nth-child(3) > div:last-child', "通过邮件或工作群分享给大家。",
     "Share your video", "16px"),
)
@pytest.fixture(scope="module")
def recording_browser():
    """Chromium whose screen capture is a fake device, granted without the picker a person would answer."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--no-first-run"])
        yield b
        b.close()


def _reads(dialog, words, lang: str) -> None:
    for sel, zh, en, size in words:
        el = dialog.locator(sel).first
        expect(el).to_be_attached()                 # (in zh, an inline one has no height of its own: its words are ::after)
        assert en in el.text_content(), (sel, el.text_content())        # Streamlit's own words are still there …
        if lang == "zh":                                             # … hidden, ours in their place
            expect(el).to_have_css("font-size", "0px")               # waits: the dialog's parts mount in turn
            assert el.evaluate(SHOWN) == ["0px", f'"{zh}"'], sel
            assert el.evaluate("e => getComputedStyle(e, '::after').fontSize") == size, sel
        else:
            assert el.evaluate(SHOWN) == [size, "none"], sel


def _open_recorder(page) -> None:
    page.get_by_test_id("stMainMenu").click()
    page.get_by_test_id("stMainMenuItem-recordScreencast").click()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_screen_recorders_dialogs_read_in_the_users_language(st_server, recording_browser, lang):
    ctx = recording_browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(f"{st_server.url}/?lang={lang}")
        wait_idle(page)
        _open_recorder(page)
        dialog = page.locator(DIALOG)
        _reads(dialog, BEFORE, lang)
        assert dialog.locator('[data-testid="stScreencastInstruction"] code').is_hidden() == (lang == "zh")
        screenshot(page, f"screencast_start_{lang}")
        dialog.locator('[data-testid="stBaseButton-secondary"]').click()
        expect(page.get_by_test_id("stMainMenuRecordingIndicator")).to_be_visible(timeout=15000)
        page.wait_for_timeout(4000)                                  # the countdown (3 s), then some recording
        page.keyboard.press("Escape")
        expect(dialog.get_by_test_id("stVideoRecordedDialog")).to_be_visible(timeout=15000)
        _reads(dialog, AFTER, lang)
        assert dialog.locator("video").count() == 1
        for row in dialog.locator('[data-testid="stVideoRecordedDialog"] > div').all():
            # the step's label fits its column (Streamlit sizes that column in em: 0 in zh without our width, and
            # the label ran over the text beside it)
            label = row.locator("> div").first
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth && e.clientWidth > 40"), label.text_content()
        screenshot(page, f"screencast_done_{lang}")
        with page.expect_download() as got:
            dialog.locator('[data-testid="stBaseButton-secondary"]').click()
        assert got.value.suggested_filename.endswith(".webm")
    finally:
        ctx.close()
