"""Real browser: no tile's big number is cut to "…" on a meeting-room screen, whatever its width.

On a 1280 px projector the Overview's five tiles are 150 px wide, and at a fixed 2.4rem (3.2rem when presenting)
"¥33.2亿" showed as "¥33.…" and every presentation-mode number as two digits and "…". Each group of tiles now
takes one font size, the largest at which its widest value fits (smm.ui.metric_group); these tests measure the
text Chromium lays out, on the pages that show tiles, in both modes and languages, from 1024 to 1920 px wide.
"""

from __future__ import annotations

import pytest
from conftest import screenshot, settled, steady, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from smm import fmt, i18n

pytestmark = pytest.mark.browser

SCREENS = ((1024, 768), (1280, 720), (1366, 768), (1600, 1000), (1920, 1080))
VALUES = '[data-testid="stMetricValue"] > div'


# Each visible tile value: its text, the width it needs and has, its font size in px.
TILES = ("() => [...document.querySelectorAll('" + VALUES + "')].filter(d => d.offsetParent !== null).map("
         "d => ({text: d.innerText, need: d.scrollWidth, have: d.clientWidth, "
         "px: parseFloat(getComputedStyle(d).fontSize)}))")


# Each visible tile change (delta chip): its text, the width it needs and has, its font size in px.
DELTAS = """() => [...document.querySelectorAll('[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"]')]
    .filter(d => d.offsetParent !== null).map(d => ({text: d.innerText, need: d.scrollWidth, have: d.clientWidth,
                                                     px: parseFloat(getComputedStyle(d.querySelector('p')).fontSize)}))"""


def check_screens(page, name: str, *, min_px: float, count: int, deltas: int | None = 0
                  ) -> dict[tuple[int, int], list[dict]]:
    """Check each screen size; `deltas` is how many tiles show a change (None: at least one)."""
    seen = {}
    for w, h in SCREENS:
        page.set_viewport_size({"width": w, "height": h})
        tiles = settled(page, TILES, lambda ts: len(ts) == count and all(t["need"] <= t["have"] for t in ts))
        assert len(tiles) == count, (name, w, tiles)
        cut = [t for t in tiles if t["need"] > t["have"]]
        assert not cut, f"{name} at {w}px: cut to '…': {cut}"
        assert len({round(t['px'], 1) for t in tiles}) == 1, f"{name} at {w}px: one size per group: {tiles}"
        if w >= 1280:
            assert tiles[0]["px"] >= min_px, f"{name} at {w}px: {tiles[0]['px']}px is too small to read"
        # A tile's change is never cut either, and a group's changes share one size.
        def shown(ds: list[dict]) -> bool:
            return len(ds) == deltas if deltas is not None else len(ds) > 0

        changes = settled(page, DELTAS, lambda ds: shown(ds) and all(d["need"] <= d["have"] for d in ds))
        assert shown(changes), (name, w, changes)
        cut = [d for d in changes if d["need"] > d["have"]]
        assert not cut, f"{name} at {w}px: a change cut to '…': {cut}"
        assert len({round(d['px'], 1) for d in changes}) <= 1, f"{name} at {w}px: one size per group: {changes}"
        seen[(w, h)] = tiles
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_tiles_fit_every_screen(st_server, page, lang):
    page.goto(f"{st_server.url}/?lang={lang}")
    wait_idle(page)
    expect(page.locator(VALUES)).to_have_count(10)
    normal = check_screens(page, f"overview {lang}", min_px=24, count=10, deltas=10)
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, f"tiles_overview_{lang}_1280")

    page.goto(f"{st_server.url}/?lang={lang}&present=1")
    wait_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator(VALUES)).to_have_count(10)
    present = check_screens(page, f"overview {lang} presenting", min_px=36, count=10, deltas=10)
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, f"tiles_overview_{lang}_1280_presenting")
    for screen, tiles in present.items():
        # Presenting, the numbers are larger on every screen, and on a 1920 px projector as large as the mode
        # makes them (3.2rem of 22 px): fitting must not shrink what already fitted.
        assert tiles[0]["px"] > normal[screen][0]["px"], (screen, tiles[0], normal[screen][0])
    assert present[(1920, 1080)][0]["px"] >= 3.2 * 22 - 0.5


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kol_and_budget_tiles_fit_every_screen(st_server, page, lang):
    page.goto(f"{st_server.url}/kol?lang={lang}")
    wait_idle(page)
    expect(page.locator(VALUES)).to_have_count(7)
    check_screens(page, f"kol {lang}", min_px=24, count=7)

    page.goto(f"{st_server.url}/budget?lang={lang}")
    wait_idle(page)
    expect(page.locator(VALUES).first).to_be_visible()
    check_screens(page, f"budget burn {lang}", min_px=24, count=4, deltas=4)
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.get_by_role("tab", name=i18n.t("budget.tab.whatif", lang)).click()
    wait_idle(page)
    check_screens(page, f"budget what-if {lang}", min_px=24, count=6)
    move_first_slider(page)
    # With the sidebar open at 1024 px, six changes in a row came down to 6 px: the row goes three a row instead.
    check_screens(page, f"budget what-if {lang}, budget moved", min_px=24, count=6, deltas=None)
    page.set_viewport_size({"width": 1024, "height": 768})
    changes = settled(page, DELTAS, lambda ds: len(ds) > 0 and ds[0]["px"] >= 14)
    assert changes and all(d["px"] >= 14 for d in changes), changes       # the mode's own 0.875rem


def move_first_slider(page) -> None:
    """Move the what-if's first budget up five steps: its tiles then show changes."""
    thumb = page.locator('[data-testid="stSlider"]').first.get_by_role("slider")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    wait_idle(page)
    expect(page.locator('[data-testid="stMetricDelta"]:visible').first).to_be_visible()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presented_budget_tiles_keep_their_changes_whole(st_server, page, lang):
    # Presenting at 1024 px, the forecast tile's change read "预算的 91%（-¥57.4…" in its 218 px tile: the
    # group's changes now take the largest size at which the widest fits, and only where it does not.
    page.goto(f"{st_server.url}/budget?lang={lang}&present=1")
    wait_idle(page)
    expect(page.locator(VALUES).first).to_be_visible()
    seen = check_screens(page, f"budget burn {lang} presenting", min_px=36, count=4, deltas=4)
    assert seen[(1024, 768)][0]["text"]
    page.set_viewport_size({"width": 1920, "height": 1080})
    full = settled(page, DELTAS, lambda ds: len(ds) == 4)
    assert {round(d["px"], 2) for d in full} == {0.875 * 22}, full     # where it fits, the mode's own size
    page.set_viewport_size({"width": 1024, "height": 768})
    narrow = settled(page, DELTAS, lambda ds: len(ds) == 4 and all(d["need"] <= d["have"] for d in ds))
    assert narrow[0]["px"] >= 15, narrow        # shrunk no further than the widest change needs
    # The widths the step is chosen by (smm.fmt.text_em with letters) are the font's own, as Chromium draws it.
    drawn = page.evaluate("""() => { const p = document.querySelector('[data-testid="stMetricDelta"] p');
        const c = document.createElement('canvas').getContext('2d');
        c.font = '400 100px ' + getComputedStyle(p).fontFamily; const out = {};
        for (let i = 32; i < 127; i++) out[String.fromCharCode(i)] = c.measureText(String.fromCharCode(i)).width / 100;
        return out; }""")
    off = {ch: (em, fmt.text_em(ch, letters=True)) for ch, em in drawn.items()
           if abs(em - fmt.text_em(ch, letters=True)) > 0.011}
    assert not off, off
    page.get_by_role("tab", name=i18n.t("budget.tab.whatif", lang)).click()
    wait_idle(page)
    move_first_slider(page)
    check_screens(page, f"budget what-if {lang} presenting", min_px=36, count=6, deltas=None)


CUT = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e =>
    e.offsetParent !== null && e.innerText && e.innerText.trim() && e.scrollWidth > e.clientWidth + 1
    && ['hidden', 'clip'].includes(getComputedStyle(e).overflowX)
    && !e.closest('[data-testid="stDataFrame"], [data-baseweb="select"], input')
    && !e.querySelector('[data-testid="stMetricChart"], [data-testid="stVegaLiteChart"], canvas'))
    .map(e => (e.getAttribute('data-testid') || e.tagName) + ': ' + e.innerText.slice(0, 60))"""


# The chosen value of each visible select box (sidebar included), and each chosen tag of a multiselect, that its
# field cuts: "Full cost (paid + KOL + content + staff + other)" showed as "Full cost (paid + KOL + cont" in the
# sidebar, "Auto by platform (Chinese / glob" on the KOL page.
SELECT_CUT = """() => [...document.querySelectorAll('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]')]
    .filter(e => e.offsetParent !== null).flatMap(sb => [...sb.querySelectorAll('input, [data-baseweb="tag"] span')]
        .filter(d => (d.value || d.innerText || '').trim() && d.scrollWidth > d.clientWidth + 1)
        .map(d => (sb.querySelector('label') || {}).innerText + ': ' + (d.value || d.innerText)))"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_button_label_or_caption_is_cut_on_a_laptop_projector(st_server, page, lang):
    # Buttons ("最近 4 周（2026-10-26 – …）", "Export scorecard CSV"), a tile's "vs previous" and a tile's label
    # ("达人带来成交" in the KOL row of seven, presenting) wrap instead: they used to be cut at 1280 px.
    for path in ("", "content", "kol", "budget", "data"):
        for query, screens in (("", ((1280, 720), (1366, 768))), ("&present=1", ((1280, 720),))):
            page.set_viewport_size({"width": 1600, "height": 1000})
            page.goto(f"{st_server.url}/{path}?lang={lang}{query}")
            wait_idle(page)
            expect(page.locator("h1").first).to_be_visible()
            if not path and not query:
                expect(page.locator('[data-testid="stMetricDeltaDescription"]')).to_have_count(10)
            for w, h in screens:
                page.set_viewport_size({"width": w, "height": h})
                cut = settled(page, CUT, lambda c: c == [])
                assert cut == [], (path or "overview", query, w, cut)
                cut = settled(page, SELECT_CUT, lambda c: c == [])
                assert cut == [], (path or "overview", query, w, cut)


# The tiles of each row as the page shows it (a row of columns that wraps, like the Overview's rows of five as
# rows of three, is one row per line).
LABELS_AND_NUMBERS = """() => [...document.querySelectorAll('[data-testid="stHorizontalBlock"]')]
    .flatMap(block => {
        const lines = {};
        [...block.querySelectorAll(':scope > [data-testid="stColumn"] [data-testid="stMetric"]')]
            .filter(m => m.offsetParent !== null).forEach(m => {
                const line = Math.round(m.closest('[data-testid="stColumn"]').getBoundingClientRect().top);
                (lines[line] = lines[line] || []).push(
                    {label: m.querySelector('[data-testid="stMetricLabel"] p').getBoundingClientRect().height,
                     value: Math.round(m.querySelector('[data-testid="stMetricValue"]').getBoundingClientRect().top),
                     height: Math.round(m.getBoundingClientRect().height)}); });
        return Object.values(lines); })
    .filter(row => row.length > 1)"""


def test_tile_numbers_stand_level_in_their_row(st_server, page):
    # Presenting at 1280 px, the KOL row of seven tiles has labels on two lines beside labels on one: the row's
    # numbers still stand on one line and its tiles keep one height.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{st_server.url}/kol?lang=zh&present=1")
    wait_idle(page)
    expect(page.locator(VALUES)).to_have_count(7)
    # settled on the presenting type too (labels wrapped): read before its CSS applied, no label had wrapped yet
    rows = settled(page, LABELS_AND_NUMBERS, lambda rs: len(rs) == 1 and len({t["value"] for t in rs[0]}) == 1
                   and max(t["label"] for t in rs[0]) > 1.5 * min(t["label"] for t in rs[0])
                   and len({t["height"] for t in rs[0]}) == 1)
    assert len(rows) == 1 and len(rows[0]) == 7, rows
    tiles = rows[0]
    one_line = min(t["label"] for t in tiles)
    assert max(t["label"] for t in tiles) > 1.5 * one_line, tiles      # some label wrapped (else this proves nothing)
    assert len({t["value"] for t in tiles}) == 1, tiles
    assert len({t["height"] for t in tiles}) == 1, tiles

    # The budget's tiles, where the labels of three wrap beside "Planned" on one line (en at 1024 px): its number
    # stood 18 px higher while it had nothing below it; it now shows the plan's average a day there.
    # The Overview's: a tile whose change and "环比" took two lines ("ROI 投资回报率", zh at 1280 px) stood its
    # number a line higher; below 15rem every tile's "环比" stands under its change.
    for path, query in (("budget", "lang=zh"), ("budget", "lang=en"), ("budget", "lang=en&present=1"),
                        ("", "lang=zh"), ("", "lang=en")):
        for w in (1024, 1280):
            page.set_viewport_size({"width": w, "height": 720})
            page.goto(f"{st_server.url}/{path}?{query}")
            wait_idle(page)
            for tab in (None, "budget.tab.whatif") if path else (None,):
                if tab:
                    page.get_by_role("tab", name=i18n.t(tab, query[5:7])).click()
                    wait_idle(page)
                rows = settled(page, LABELS_AND_NUMBERS, lambda rs: rs and all(_level(r) for r in rs))
                assert rows, (path, query, w, tab)
                assert all(_level(r) for r in rows), (path, query, w, tab, rows)


def _level(row: list[dict]) -> bool:
    """The numbers of a row of tiles stand on one line (within the pixel a fractional layout may round to)."""
    tops = [t["value"] for t in row]
    return max(tops) - min(tops) <= 1


CHART_TEXT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')].slice(0, 2).map(svg => {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('.role-axis-label text, .mark-text text')]
        .filter(t => t.getAttribute('opacity') !== '0' && t.textContent.trim())
        .map(t => { const b = t.getBoundingClientRect();
                    return {text: t.textContent, left: b.left - box.left, right: b.right - box.left,
                            top: b.top - box.top, bottom: b.bottom - box.top,
                            axis: !!t.closest('.role-axis-label')}; });
    return {width: box.width, texts};
})"""


def _outside(funnel: dict) -> list[dict]:
    return [t for t in funnel["texts"] if t["right"] > funnel["width"] + 0.5 or t["left"] < 0]


def _headers(rates: dict) -> list[dict]:
    return sorted((t for t in rates["texts"] if t["axis"] and t["top"] < 60), key=lambda t: t["left"])


def _whole(funnel: dict, rates: dict) -> bool:
    heads = _headers(rates)
    return (not _outside(funnel) and len(heads) == 4
            and all(a["right"] <= b["left"] for a, b in zip(heads, heads[1:], strict=False)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funnel_labels_and_rate_headers_are_whole_on_a_laptop_projector(st_server, page, lang):
    # At 1280 px the funnel's "1,668.3万 CVR 转化率 4.16%" ran past the chart's edge and the rate table showed
    # two of its four column headers: the labels now take two lines, and the two charts half the width each.
    for query, screens in ((f"lang={lang}", ((1280, 720), (1366, 768), (1920, 1080))),
                           (f"lang={lang}&present=1", ((1280, 720), (1920, 1080)))):
        for w, h in screens:
            page.set_viewport_size({"width": w, "height": h})
            page.goto(f"{st_server.url}/?{query}")
            wait_idle(page)
            expect(page.locator('[data-testid="stVegaLiteChart"] svg.marks')).to_have_count(5)
            funnel, rates = settled(page, CHART_TEXT, lambda c: len(c) == 2 and _whole(*c))
            assert not _outside(funnel), (query, w, _outside(funnel))
            heads = _headers(rates)
            assert len(heads) == 4, (query, w, heads)       # ER, CTR, CVR, revenue per conversion
            assert all(a["right"] <= b["left"] for a, b in zip(heads, heads[1:], strict=False)), (query, w, heads)


WIDER_THAN_PAGE = """() => { const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const edge = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
        .filter(s => s.getBoundingClientRect().width > 0)
        .map(s => ({right: s.getBoundingClientRect().right, edge}))
        .filter(c => c.right > c.edge + 1); }"""


# The legend drawn once above each visible grid of small multiples (ui.chart_grid): its element's height, the axes
# it draws, its entries and the length of each entry's symbol.
GRID_LEGENDS = """() => [...document.querySelectorAll('[class*="st-key-smm_grid_"]')].filter(g => g.offsetParent !== null)
    .map(g => {
        const holder = g.parentElement.previousElementSibling;
        const svg = holder && holder.querySelector('[data-testid="stVegaLiteChart"] svg.marks');
        return svg && {key: [...g.classList].find(c => c.startsWith('st-key-')),
                       height: holder.getBoundingClientRect().height,
                       axes: svg.querySelectorAll('.role-axis').length,
                       labels: [...svg.querySelectorAll('.role-legend-label text')].map(t => t.textContent),
                       symbols: [...svg.querySelectorAll('.role-legend-symbol path')]
                           .map(p => p.getBoundingClientRect().width)}; })"""


def check_grid_legends(page, where) -> list[dict]:
    """Each grid's legend is a legend only: no axis (an axis that states its title was drawn, with a "0" and a
    grid line, above the what-if curves), no white band (its padding and offset took 60 px for one 15 px row)."""
    legends = settled(page, GRID_LEGENDS, lambda ls: ls and all(x and len(x["labels"]) >= 2 for x in ls))
    assert legends, where
    for leg in legends:
        assert leg and len(leg["labels"]) >= 2, (where, legends)
        assert leg["axes"] == 0, (where, leg)
        assert leg["height"] <= 42, (where, leg)
    return legends


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_small_multiples_stay_within_the_page(st_server, page, lang):
    # The budget burn chart drew three 280 px plots a row (about 1,100 px): at 1280 px its third column ran off
    # the page, and once scaled to the page its labels were 9 px. Each plot is now its own chart in columns that
    # wrap (ui.chart_grid): within the page, and its labels at their own 12 px, beside the sidebar too.
    for w, h in ((1280, 720), (1024, 768)):
        page.set_viewport_size({"width": w, "height": h})
        page.goto(f"{st_server.url}/budget?lang={lang}")
        wait_idle(page)
        charts = page.locator('[data-testid="stVegaLiteChart"] svg.marks')
        expect(charts.first).to_be_visible()
        for tab in (None, "budget.tab.whatif"):
            if tab:
                page.get_by_role("tab", name=i18n.t(tab, lang)).click()
                wait_idle(page)
            assert settled(page, WIDER_THAN_PAGE, lambda c: c == []) == [], (w, tab)
            # Waits out a redraw: once (in a clean-clone CI run) every panel's axis labels still stood past their
            # plot's edge while the panels were being laid out again at their new width.
            got = settled(page, PRESENTED, lambda g: len(g["text"]) >= 5 and min(g["text"]) >= 11.9 and not g["past"])
            assert len(got["text"]) >= 5 and min(got["text"]) >= 11.9, (w, tab, got["text"])
            assert got["past"] == [], (w, tab, got["past"])
            legends = check_grid_legends(page, (w, tab))
            if tab is None:     # plan, actual, projection: each symbol long enough to show its dash pattern
                assert [len(x["symbols"]) for x in legends] == [3] and min(legends[0]["symbols"]) >= 24, legends
    page.goto(f"{st_server.url}/content?lang={lang}")
    wait_idle(page)
    check_grid_legends(page, "content")


# Presenting: the smallest axis label each visible chart draws (its font size times the scale the page draws the
# chart at), the chart values written past the chart's right edge, and each visible table's rows: the height they
# need and the height they are shown in.
PRESENTED = """() => ({
    text: [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
        .filter(s => s.getBoundingClientRect().width > 0).map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
            const px = [...svg.querySelectorAll('.role-axis-label text')].filter(t => t.textContent.trim())
                .map(t => parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale);
            return Math.min(...px); }),
    past: [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
        .filter(s => s.getBoundingClientRect().width > 0).flatMap(svg => {
            const edge = svg.getBoundingClientRect().right;
            return [...svg.querySelectorAll('.mark-text text')].filter(t => t.getBoundingClientRect().right > edge + 0.5)
                .map(t => t.textContent); }),
    tables: [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
        .filter(s => s.offsetParent !== null).map(s => ({need: s.scrollHeight, shown: s.clientHeight}))})"""
TEN_ROWS_PRESENTED = 11 * 35 * 22 / 16 + 3       # a header and ten rows at presentation mode's 22 px root


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presenting_charts_and_tables_read_from_the_back_of_the_room(st_server, page, lang):
    # Presentation mode used to enlarge the Overview only: the other pages' charts kept 12-14 px labels (about
    # 9 px for the budget's small multiples, scaled to a 1280 px page), and a table at the larger type showed
    # a third fewer rows than it has.
    page.set_viewport_size({"width": 1280, "height": 720})
    for path, tab in (("content", None), ("kol", "kol.tab.compare"), ("kol", "kol.tab.score"),
                      ("budget", None), ("budget", "budget.tab.whatif")):
        page.goto(f"{st_server.url}/{path}?lang={lang}&present=1")
        wait_idle(page)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        if tab:
            page.get_by_role("tab", name=i18n.t(tab, lang)).click()
            wait_idle(page)
        # 12 px × 1.45 = 17.4 px, less a little where three small multiples a row are scaled to the page's width
        got = settled(page, PRESENTED, lambda g: g["text"] and min(g["text"]) >= 16)
        assert got["text"] and min(got["text"]) >= 16, (path, tab, got["text"])
        assert got["past"] == [], (path, tab, got["past"])         # a value past its bar stays within the chart
        short = [t for t in got["tables"] if t["need"] <= TEN_ROWS_PRESENTED]
        assert all(t["shown"] >= t["need"] - 1 for t in short), (path, tab, got["tables"])
        screenshot(page, f"present_{path}_{tab or 'first'}_{lang}_1280")


TILE_PARTS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].filter(m => m.offsetParent !== null)
    .map(m => { const r = e => e ? e.getBoundingClientRect() : null;
        const tile = r(m), label = r(m.querySelector('[data-testid="stMetricLabel"] p')),
              value = r(m.querySelector('[data-testid="stMetricValue"]')),
              spark = r(m.querySelector('[data-testid="stMetricChart"] svg'));
        return {gap: value.top - label.bottom, row: Math.round(value.top), spark: spark ? spark.height : 0,
                inside: !!spark && spark.top >= value.bottom && spark.bottom <= tile.bottom + 0.5}; })"""


@pytest.mark.parametrize("query", ["lang=zh", "lang=en&present=1"])
def test_overview_tiles_keep_their_sparkline_and_no_hole(st_server, page, query):
    # Stretching a row's tiles to one height (for labels that wrap) once pushed each sparkline out of its tile
    # and left a hole of half a tile between every label and its number: each part keeps its place.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{st_server.url}/?{query}")
    wait_idle(page)
    expect(page.locator(VALUES)).to_have_count(10)
    tiles = settled(page, TILE_PARTS, lambda ts: len(ts) == 10 and all(t["inside"] for t in ts))
    assert len(tiles) == 10
    assert all(t["inside"] and t["spark"] >= 30 for t in tiles), tiles
    # A row's numbers stand on one line below its tallest label (labels wrap): that label's tile has no hole.
    for row in {t["row"] for t in tiles}:
        assert min(t["gap"] for t in tiles if t["row"] == row) < 24, (row, tiles)


# Each visible tile: the line its row of tiles starts on, the tops of its number and change, whether it has a sparkline.
TILE_LINES = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].filter(m => m.offsetParent !== null)
    .map(m => ({row: Math.round(m.closest('[data-testid="stHorizontalBlock"]').getBoundingClientRect().top),
                value: m.querySelector('[data-testid="stMetricValue"]').getBoundingClientRect().top,
                text: m.querySelector('[data-testid="stMetricValue"]').innerText,
                spark: !!m.querySelector('[data-testid="stMetricChart"] svg'),
                delta: m.querySelector('[data-testid="stMetricDelta"]')?.innerText ?? null,
                bottom: m.getBoundingClientRect().bottom}))"""


@pytest.mark.parametrize("query", ["lang=en", "lang=zh&present=1", "lang=en&compare=none"])
def test_a_row_of_tiles_with_and_without_sparklines_keeps_its_numbers_on_one_line(st_server, page, query):
    # Weibo's week has spend, conversions and clicks but no revenue, ER or follows, so half the tiles draw a
    # sparkline and show a change. With no comparison, the "—" of a tile with neither stood a sparkline's height
    # (~70 px) below its neighbours' numbers, at the bottom of its tile; with one, level with them only where the
    # labels took as many lines (presenting in Chinese, "ROAS 广告支出回报率" wraps and stood its "—" 35 px lower).
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{st_server.url}/?{query}&platforms=weibo&dates=2026-11-16&dates=2026-11-22")
    wait_idle(page)
    expect(page.locator(VALUES)).to_have_count(10)
    settled(page, TILE_LINES, lambda ts: len(ts) == 10 and sum(t["spark"] for t in ts) == 5)
    # and read once the layout stands still: the clean-clone CI at 5f79896 read the tiles with sparklines 80 px
    # taller than their neighbours, numbers level (a passing layout, it seems: not seen in 3 local runs under load)
    tiles = steady(page, lambda: page.evaluate(TILE_LINES))
    screenshot(page, f"tiles_weibo_{query.replace('&', '_').replace('=', '_')}")
    assert sum(t["spark"] for t in tiles) == 5 and "—" in {t["text"] for t in tiles}, tiles   # the mix to test
    for row in {t["row"] for t in tiles}:
        line = [t for t in tiles if t["row"] == row]
        assert {t["spark"] for t in line} == {True, False}, line
        assert max(t["value"] for t in line) - min(t["value"] for t in line) <= 1, line
        assert max(t["bottom"] for t in line) - min(t["bottom"] for t in line) <= 1, line
        # a change that cannot be computed reads "—", in grey, when its neighbours show theirs
        assert len({t["delta"] is None for t in line}) == 1, line
        assert all(t["delta"] in (None, "—") for t in line if not t["spark"]), line
    assert all(t["delta"] is None for t in tiles) == ("compare=none" in query), tiles


# Each visible tile: its width, the line it stands on, and what in it is cut (its change pill, label, number).
TILE_CUTS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].filter(m => m.offsetParent !== null)
    .map(m => ({width: Math.round(m.getBoundingClientRect().width),
                line: Math.round(m.closest('[data-testid="stColumn"]').getBoundingClientRect().top),
                cut: [...m.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1
                        && ['hidden', 'clip'].includes(getComputedStyle(e).overflowX)
                        && !e.querySelector('canvas, svg, [data-testid="stMetricChart"]'))
                    .map(e => e.innerText.slice(0, 30))}))"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_tiles_go_three_a_row_where_five_would_cut_their_changes(st_server, page, lang):
    # Beside the sidebar at 1024 px five tiles were 100 px wide and their changes read "↓ -18…": rows of five
    # become rows of three (3 + 2, tiles of one width) below five tiles' worth of room, in both modes.
    for query, screens in (("", ((1024, 768, 3), (1100, 800, 3), (1280, 720, 5), (1920, 1080, 5))),
                           ("&present=1", ((1024, 768, 3), (1180, 800, 3), (1280, 720, 5), (1920, 1080, 5)))):
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"{st_server.url}/?lang={lang}{query}")
        wait_idle(page)
        expect(page.locator(VALUES)).to_have_count(10)
        for w, h, per_row in screens:
            page.set_viewport_size({"width": w, "height": h})

            def laid_out(tiles, per_row=per_row):
                lines = [t["line"] for t in tiles]
                return len(tiles) == 10 and max(lines.count(x) for x in lines) == per_row

            tiles = settled(page, TILE_CUTS, lambda ts: laid_out(ts) and not any(t["cut"] for t in ts))
            assert laid_out(tiles), (query, w, tiles)
            assert not [t["cut"] for t in tiles if t["cut"]], (query, w, tiles)
            assert len({t["width"] for t in tiles}) == 1, (query, w, tiles)       # one width, the last row too


# The presented table's cell type, the width its columns need at that type (its cells' sizes held while its box is
# made narrow, so the container's width cannot change the type it measures) and the width it has.
TABLE_FIT = """() => { const t = document.querySelector('[data-testid="stTable"] table');
    if (!t) return null;
    const box = t.parentElement, cells = [...t.querySelectorAll('td, th')];
    const px = parseFloat(getComputedStyle(t.querySelector('td')).fontSize), have = box.getBoundingClientRect().width;
    cells.forEach(c => { c.style.fontSize = getComputedStyle(c).fontSize; });
    box.style.width = '50px'; const need = t.getBoundingClientRect().width; box.style.width = '';
    cells.forEach(c => { c.style.fontSize = ''; });
    return {px, need, have}; }"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presented_platform_table_fits_the_screen(st_server, page, lang):
    # Presenting, the Overview's platform table (eleven columns at 1.25rem of a 22 px root) needed 1,218 px in
    # English: on a 1280 px projector its last column was cut mid-number, at 1024 px two of them. Its type now
    # comes down to what the width holds, and stays at 1.25rem where there is room.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{st_server.url}/?lang={lang}&present=1")
    wait_idle(page)
    expect(page.locator('[data-testid="stTable"]')).to_have_count(1)
    expect(page.get_by_text(i18n.t("overview.platforms_caption_present", lang), exact=True)).to_be_visible()
    for w, h in SCREENS:
        page.set_viewport_size({"width": w, "height": h})
        got = settled(page, TABLE_FIT, lambda g: g and g["need"] <= g["have"] + 0.5)
        assert got and got["need"] <= got["have"] + 0.5, (w, got)
        assert got["px"] >= 18, (w, got)                        # the base mode's 16 px tables, and more
        if w >= 1600:
            assert got["px"] == pytest.approx(1.25 * 22), (w, got)


# Each visible grid (st.dataframe): the type it mounted with (its inline theme), the type it is drawn at (that times
# its zoom), and how far its drawn box falls short of the box Streamlit gives it.
GRIDS = """() => [...document.querySelectorAll('.stDataFrameGlideDataEditor')]
    .filter(e => e.offsetParent !== null && e.style.getPropertyValue('--gdg-base-font-style')).map(e => {
        const font = parseFloat(e.style.getPropertyValue('--gdg-base-font-style').split(' ').pop());
        const r = e.getBoundingClientRect(), box = e.parentElement.getBoundingClientRect();
        return {mounted: font, drawn: font * parseFloat(getComputedStyle(e).zoom),
                short_w: box.width - r.width, short_h: box.height - r.height}; })"""


def hold_css(page) -> list:
    """Hold back the chunk that draws st.html (the page's CSS) on every page opened from now on (see open_page):
    the list of requests held."""
    held: list = []
    page.route("**/static/js/Html.*.js", lambda route: held.append(route))
    return held


def open_page(page, url: str, held: list | None = None) -> None:
    """Open `url` and wait for its run. With `held` (hold_css), the page's CSS arrives only once its grids have
    mounted, as it can on a slow first load: a fixed hold (4 s) was not always enough on a loaded machine, where
    the grids mounted later still."""
    if held is None:
        page.goto(url)
        wait_idle(page)
        return
    page.goto(url, wait_until="commit")
    wait_idle(page)
    page.wait_for_function(f"() => ({GRIDS})().length > 0", timeout=60000)
    count = steady(page, lambda: len(page.evaluate(GRIDS)))     # the grids have mounted, and no more are mounting
    assert count > 0, url
    while held:
        held.pop().continue_()
    wait_idle(page)


@pytest.mark.parametrize("late", [False, True], ids=["as_it_comes", "css_late"])
def test_presented_grids_read_at_the_larger_type_however_the_page_loads(st_server, page, late):
    # A grid reads the root font size once, as it mounts. Opening a presenting URL afresh, it often mounted before
    # the page's CSS had arrived: 14 px type and 35 px rows in a box sized for 48 px rows (blank rows under the
    # last). css_late makes that race certain: the chunk that draws st.html (the page's CSS) is held back until the
    # grids have mounted (a fixed 4 s hold was not always enough on a loaded machine: the grids mounted later).
    held = hold_css(page) if late else None
    page.set_viewport_size({"width": 1280, "height": 720})
    for path in ("kol", "budget", "content"):
        open_page(page, f"{st_server.url}/{path}?lang=zh&present=1", held)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        grids = settled(page, GRIDS, lambda gs: gs and all(abs(g["drawn"] - 19.25) < 0.1 for g in gs))
        assert grids, path
        if late:
            assert any(g["mounted"] == 14 for g in grids), (path, grids)    # the race the route forces
        assert all(abs(g["drawn"] - 19.25) < 0.1 for g in grids), (path, grids)
        assert all(-0.5 <= g["short_w"] <= 3 and -0.5 <= g["short_h"] <= 3 for g in grids), (path, grids)
    page.goto(f"{st_server.url}/kol?lang=zh")
    wait_idle(page)
    grids = settled(page, GRIDS, lambda gs: bool(gs))
    assert grids and all(g["drawn"] == 14 for g in grids), grids                # the base mode is left as it is


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presenting_every_page_starts_at_the_top_of_the_screen(st_server, page, lang):
    # With the header hidden, only the Overview took away Streamlit's 6rem top padding: every other page began
    # 99 px lower (132 px of blank screen above the exit button on a 720 px projector).
    page.set_viewport_size({"width": 1280, "height": 720})
    tops = {}
    for path in ("", "content", "kol", "budget", "data"):
        page.goto(f"{st_server.url}/{path}?lang={lang}&present=1")
        wait_idle(page)
        expect(page.locator("h1").first).to_be_visible()
        tops[path] = settled(page, "() => [document.querySelector('.st-key-present_exit'), document.querySelector"
                                   "('h1')].map(e => Math.round(e.getBoundingClientRect().top))",
                             lambda t: t[0] <= 1.5 * 22 + 1)         # the page's CSS can arrive a moment late
    assert all(exit_top <= 1.5 * 22 + 1 for exit_top, _ in tops.values()), tops
    assert len({h1 for _, h1 in tops.values()}) == 1, tops


# The first visible grid (the presented KOL scorecard, the budget's pacing table): how far its content runs past
# its width (0 when nothing scrolls sideways).
SCORECARD_OVERFLOW = """() => { const g = [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    .filter(e => e.offsetParent !== null)[0]; return g ? g.scrollWidth - g.clientWidth : null; }"""

# How far the page itself can be scrolled sideways, and the zoom each visible grid is drawn at (the product of
# the zoom of its element and of every element around it).
PAGE_OVERFLOW = """() => { const m = document.querySelector('[data-testid="stMain"]'); return m.scrollWidth - m.clientWidth; }"""
GRID_ZOOMS = """() => [...document.querySelectorAll('.stDataFrameGlideDataEditor')]
    .filter(e => e.offsetParent !== null && e.style.getPropertyValue('--gdg-base-font-style')).map(g => { let z = 1; for (let e = g; e; e = e.parentElement) z *= parseFloat(getComputedStyle(e).zoom) || 1;
                return {z: z, font: parseFloat(g.style.getPropertyValue('--gdg-base-font-style').split(' ').pop())}; })"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presented_kol_scorecard_shows_its_columns_without_scrolling_sideways(st_server, page, lang):
    # Its 20 columns at the presenting type ran 1.5 screens wide: fee, CPE, revenue, ROI and the hints were
    # beyond the right edge of a 1280 px projector. Presenting, it shows the room's 11 columns, which fit from
    # 1280 px up over the whole sample (the longest names and values). On an XGA projector (1024 px) the last
    # three (ROI, score, hints) were past the edge: below 1280 px a grid is scaled with the screen.
    presented_table_fits(page, f"{st_server.url}/kol?lang={lang}&present=1&dates=2026-08-31&dates=2026-11-22",
                         i18n.t("kol.table_help_present", lang, shown=11, all=20, currency="CNY"),
                         SCORECARD_OVERFLOW, lambda o: o is not None and o <= 1)


def presented_table_fits(page, url: str, caption: str, overflow: str, fits) -> None:
    """Open `url` (presenting) at 1280 px, see `caption` (the room's columns), then check on every screen from
    1024 px up that `fits(overflow())`: the grid runs no further than its width, and the page cannot be scrolled
    sideways. Opened afresh at 1024 px too (a grid then mounts at that width). Below 1280 px the grids are scaled
    with the screen (PRESENT_CSS): 19.25 px × (width - 88) / 1192 (15.1 px at 1024), never below it."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url)
    wait_idle(page)
    expect(page.get_by_text(caption, exact=True)).to_be_visible()
    for fresh, (w, h) in [(False, s) for s in SCREENS] + [(True, SCREENS[0])]:
        page.set_viewport_size({"width": w, "height": h})
        if fresh:
            page.goto(url)
            wait_idle(page)
            expect(page.get_by_text(caption, exact=True)).to_be_visible()
        over = settled(page, overflow, fits)
        assert fits(over), (w, fresh, over)
        assert settled(page, PAGE_OVERFLOW, lambda o: o <= 0) <= 0, (w, fresh)
        k = min(1.0, (w - 88) / 1192)
        zooms = settled(page, GRID_ZOOMS, lambda zs, k=k: zs and all(abs(z["font"] * z["z"] - 19.25 * k) < 0.1
                                                                     for z in zs))
        assert zooms and all(abs(z["font"] * z["z"] - 19.25 * k) < 0.1 for z in zooms), (w, fresh, zooms)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presented_budget_pacing_shows_its_columns_without_scrolling_sideways(st_server, page, lang):
    # Its twelve columns ran 174 px (zh) and 338 px (en) past a 1280 px projector's right edge. Presenting, it
    # shows the room's nine, which fit from 1280 px up; at 1024 px, scaled with the screen.
    presented_table_fits(page, f"{st_server.url}/budget?lang={lang}&present=1",
                         i18n.t("budget.pacing_present", lang, shown=9, all=12),
                         SCORECARD_OVERFLOW, lambda o: o is not None and o <= 1)


# The presented best and worst posts: how far each grid's content runs past its width (0: nothing scrolls sideways).
RANKINGS_OVERFLOW = """() => { const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')];
    return [...document.querySelectorAll('h3')].filter(h => /^(最好的|最差的|Best |Worst )/.test(h.textContent)).map(h => {
        const g = grids.find(d => h.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING);
        const s = g && g.offsetParent !== null ? g.querySelector('.dvn-scroller') : null;
        return s ? s.scrollWidth - s.clientWidth : null; }); }"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presented_post_rankings_show_their_columns_without_scrolling_sideways(st_server, page, lang):
    # The best and worst posts' 13 columns ran past a 1280 px projector's right edge from conversions on (revenue
    # among them). Presenting, they show the room's columns, which fit from 1280 px up over the whole sample; at
    # 1024 px (106 px past the edge in zh, 188 px in en), scaled with the screen.
    presented_table_fits(page, f"{st_server.url}/content?lang={lang}&present=1&dates=2026-08-31&dates=2026-11-22",
                         i18n.t("content.table_present", lang, shown=7, all=13),
                         RANKINGS_OVERFLOW, lambda o: len(o) == 2 and all(x is not None and x <= 1 for x in o))


# Records every text a canvas draws, with its font and the zoom of the grid it is drawn in.
RECORD_CANVAS_TEXT = """(() => { const fill = CanvasRenderingContext2D.prototype.fillText; window.__smmTexts = [];
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        const grid = this.canvas && this.canvas.closest ? this.canvas.closest('.stDataFrameGlideDataEditor') : null;
        window.__smmTexts.push([String(text), this.font, grid ? getComputedStyle(grid).zoom : null]);
        return fill.call(this, text, ...rest); }; })()"""


def _drawn_sizes(labels: dict[str, str], texts: list | None) -> dict[str, set[float]]:
    """{group: the px sizes its texts are drawn at now (font size × the grid's zoom, each text's latest drawing)}
    for the texts in `labels`."""
    latest = {}
    for text, font, zoom in texts or []:
        if text in labels and zoom is not None:
            latest[text] = float(next(w for w in font.split() if w.endswith("px"))[:-2]) * float(zoom)
    sizes: dict[str, set[float]] = {}
    for text, px in latest.items():
        sizes.setdefault(labels[text], set()).add(round(px, 2))
    return sizes


@pytest.mark.parametrize("late", [False, True], ids=["as_it_comes", "css_late"])
def test_presented_budget_status_cells_read_at_the_tables_size(st_server, page, late):
    # The pacing table's status cells were bold, and Streamlit draws a bold cell at a size of its own (0.875rem
    # of the 22 px root: 19.25 px) whatever the grid's: in a grid zoomed by PRESENT_CSS (mounted at 14 px) the
    # statuses came out at 26.5 px among 19.25 px cells. css_late forces that mount.
    held = hold_css(page) if late else None
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.set_viewport_size({"width": 1280, "height": 720})
    for lang in ("zh", "en"):
        open_page(page, f"{st_server.url}/budget?lang={lang}&present=1", held)
        labels = {i18n.t(f"budget.status.{s}", lang): "status" for s in ("overspent", "on_track")}
        labels[i18n.platform_label("douyin", lang)] = "platform"
        sizes = _drawn_sizes(labels, settled(
            page, "() => window.__smmTexts",
            lambda ts, labels=labels: _drawn_sizes(labels, ts).get("platform") == {19.25}
            and "status" in _drawn_sizes(labels, ts)))                   # the grid at its presenting size
        assert sizes.get("platform") == {19.25}, (lang, sizes)
        assert sizes.get("status") == {19.25}, (lang, sizes)


def _open_editor(page, grid, dx: float, dy: float, focused: str, tries: int = 3) -> tuple[float, float]:
    """Click the cell at (dx, dy) from the grid's corner and press Enter until its editor has the focus; returns
    the point clicked. On a busy machine the grid can take the click before it handles clicks (no cell selected,
    Enter opens nothing), or still move (a late rerun, the zoom settling): a person looks again and clicks again,
    so each try measures the grid afresh once it stands still."""
    for n in range(tries):
        box = steady(page, grid.bounding_box, every_ms=200)      # the grid once it stands still
        x, y = box["x"] + dx, box["y"] + dy
        page.mouse.click(x, y)
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(focused, timeout=10000)
            return x, y
        except PlaywrightTimeoutError:
            if n == tries - 1:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    raise AssertionError("unreachable")


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_presented_editor_keeps_what_is_typed_however_the_page_loads(st_server, page, width):
    # Presenting, an editor is zoomed like every grid: by 22/16 when it mounted before the page's CSS (at 14 px;
    # css_late forces that here), and with the screen below 1280 px. A cell is still hit where it is drawn, and
    # what is typed into it is kept: the budget plan's first amount, changed with the keyboard.
    held = hold_css(page)
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.set_viewport_size({"width": width, "height": 768})
    open_page(page, f"{st_server.url}/budget?lang=en&present=1&tab=plan", held)
    k = min(1.0, (width - 88) / 1192)
    zooms = settled(page, GRID_ZOOMS, lambda zs, k=k: zs and all(abs(z["font"] * z["z"] - 19.25 * k) < 0.1 for z in zs))
    assert zooms and all(z["font"] == 14 for z in zooms), zooms          # the plan's editor (and versions) …
    assert all(abs(z["z"] - 1.375 * k) < 0.01 for z in zooms), zooms     # … mounted early, zoomed to the mode's type
    grid = page.locator('[class*="st-key-budget_plan_editor_"] [data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    focused = "() => document.activeElement && document.activeElement.tagName === 'INPUT'"
    _x, y = _open_editor(page, grid, 100 * k, 35 * 1.375 * k * 3.5, focused)  # the third row's start date: its editor
    top, bottom = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert top <= y <= bottom, (y, top, bottom)                          # the cell clicked, not a neighbour
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.activeElement || document.activeElement.tagName !== 'INPUT'")
    box = steady(page, grid.bounding_box, every_ms=200)
    page.mouse.click(box["x"] + 100 * k, box["y"] + 35 * 1.375 * k * 1.5)   # the first row's start date …
    for _ in range(4):
        page.keyboard.press("ArrowRight")                                # … and its planned amount
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && /^[0-9]+$/.test(document.activeElement.value)")
    page.locator(":focus").fill("1234567")                               # an amount's editor, given a new one
    page.keyboard.press("Enter")
    wait_idle(page)
    texts = settled(page, "() => window.__smmTexts.map(t => t[0])", lambda ts: "1,234,567" in ts)
    assert "1,234,567" in texts


# The tops of the visible number fields of each row of columns that holds some.
NUMBER_FIELD_ROWS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stHorizontalBlock"]')]
    .map(b => [...b.querySelectorAll('[data-testid="stNumberInput"] input')].filter(e => e.offsetParent !== null)
        .map(e => Math.round(e.getBoundingClientRect().top))).filter(tops => tops.length > 1)"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_of_number_fields_stand_level_whatever_their_labels(st_server, page, lang):
    # With the sidebar open at 1024 px the labels of a row take one to three lines ("Min. weekly spend variation
    # to fit (CV %)", "粉丝互动率（每篇）"), and the fields stood at up to three heights: the budget settings' five
    # and the KOL score's six weights now stand on one line under their labels.
    for path, opener, count in (("budget", ("text", "budget.settings"), 5), ("kol", ("tab", "kol.tab.score"), 6)):
        page.set_viewport_size({"width": 1024, "height": 768})
        page.goto(f"{st_server.url}/{path}?lang={lang}")
        wait_idle(page)
        kind, key = opener
        (page.get_by_role("tab", name=i18n.t(key, lang)) if kind == "tab"
         else page.get_by_text(i18n.t(key, lang), exact=True)).click()
        wait_idle(page)
        for w in (1024, 1280, 1600):
            page.set_viewport_size({"width": w, "height": 768})
            rows = settled(page, NUMBER_FIELD_ROWS,
                           lambda rs, n=count: any(len(r) == n for r in rs) and all(max(r) - min(r) <= 1 for r in rs))
            assert any(len(r) == count for r in rows), (path, w, rows)
            assert all(max(r) - min(r) <= 1 for r in rows), (path, w, rows)
