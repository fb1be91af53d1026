"""Tile numbers fit their tile: the width estimate of a value and the font step of a group of tiles.

The browser test (tests/test_browser_tiles.py) measures the laid-out text; these check the parts it relies on.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm import fmt, ui


@given(st.text(max_size=12), st.text(max_size=12))
def test_text_width_adds_up_over_characters(a, b):
    assert fmt.text_em(a + b) == pytest.approx(fmt.text_em(a) + fmt.text_em(b))


def test_text_width_of_tile_values():
    digit = fmt.text_em("0")
    assert all(fmt.text_em(d) == digit for d in "0123456789")
    assert fmt.text_em("1,668万") == pytest.approx(4 * digit + fmt.text_em(",") + 1.0)      # 万 is a full em
    assert fmt.text_em("亿") == fmt.text_em("万") == fmt.text_em("达") == 1.0
    assert fmt.text_em(".") < digit < fmt.text_em("%")
    # A character without a measured width counts as wide as the widest letter, never narrower.
    assert min(fmt.text_em(c) for c in "mWMKBRp@Ω") >= max(fmt.text_em(c) for c in "0%¥$") - 0.0


@pytest.mark.parametrize("values, step", [
    ([], "25"),
    (["7.93×", "¥25.11"], "30"),
    (["7.93×", "0.3"], "25"),
    (["¥33.2亿", "1,668万"], "35"),
    (["692.67%", "¥4.2亿"], "40"),
    (["-12.34%", "¥5,234万"], "40"),
    (["HK$418.9M"], "60"),
    (["THB 1,234,567.89"], "80"),
    (["x" * 40], "80"),
    ([None, "", "—"], "25"),
])
def test_a_group_takes_the_first_step_its_widest_value_fits(values, step):
    assert ui.fit_step(values) == step
    widest = max((fmt.text_em(v) for v in values if v), default=0.0)
    steps = [int(s) / 10 for s in ui.FIT_STEPS]
    if widest <= steps[-1]:
        assert widest <= int(step) / 10
        assert all(widest > s for s in steps[:ui.FIT_STEPS.index(step)])


@pytest.mark.parametrize("css, size", [(ui.BASE_CSS, "2.4rem"), (ui.PRESENT_CSS, "3.2rem")])
def test_every_step_has_its_rule_in_both_modes(css, size):
    # A group of values up to N em wide gets 96/N % of the width the number has: 4 % to spare for rounding.
    for step in ui.FIT_STEPS:
        key = ui.fit_key("any", ["0" * int(int(step) / 10 / fmt.text_em("0"))])
        assert key == f"smm_fit_{step}_any"
        rule = re.search(r'\[class\*="st-key-smm_fit_' + step + r'_"\] \[data-testid="stMetricValue"\] > div '
                         r"\{ font-size: min\(([\d.]+rem), ([\d.]+)cqi\)", css)
        assert rule, step
        assert rule.group(1) == size
        assert float(rule.group(2)) == pytest.approx(96 / (int(step) / 10), abs=0.05)
    # A tile outside any group fits 4.5 em, and the width it is measured against is the number's own.
    assert re.search(r'\[data-testid="stMetricValue"\] > div \{ font-size: min\(' + re.escape(size) + r", 21\.3cqi\)",
                     css)
    assert '[data-testid="stMetricValue"] { container-type: inline-size; }' in ui.LAYOUT_CSS   # both modes


def test_measured_letters_count_a_change_as_wide_as_it_is():
    # A change is mostly letters, which text_em's default counts as the widest (0.85 em each); measured, they are
    # narrower (tests/test_browser_tiles.py checks the table against Chromium), so "91% of plan" shrinks less.
    en = "91% of plan (-¥574.0K)"
    assert fmt.text_em(en) - fmt.text_em(en, letters=True) > 3
    assert all(fmt.text_em(c, letters=True) <= fmt.text_em(c) for c in map(chr, range(32, 127)))
    # Digits, signs and wide characters count as they do for a value; beyond ASCII, the widest letter.
    for text in ("预算的 91%（-¥57.4万）", "-18.3%", "第 28 / 35 天", "Ω"):
        assert fmt.text_em(text, letters=True) == fmt.text_em(text)


@pytest.mark.parametrize("deltas, step", [
    ([], None),
    ([None, ""], None),
    (["-18.3%", "+3.4%"], "3"),
    (["+14.97 pp"], "5"),
    (["日均 ¥18.5万", "已用 74.3%", "第 28 / 35 天", "预算的 91%（-¥57.4万）"], "11"),
    (["91% of plan (-¥574.0K)"], "10"),
    (["x" * 80], "24"),
])
def test_a_groups_changes_take_the_first_step_their_widest_fits(deltas, step):
    assert ui.delta_fit_step(deltas) == step
    key = ui.fit_key("burn", ["¥648.1万"], deltas)
    assert key == ("smm_fit_40_burn" if step is None else f"smm_fit_40_dfit_{step}_burn")
    assert key.startswith("smm_fit_40_")        # the value's rules still select the group
    if step is not None and step != ui.DELTA_FIT_STEPS[-1]:
        widest = max(fmt.text_em(d, letters=True) for d in deltas if d)
        k = ui.DELTA_FIT_STEPS.index(step)
        assert widest <= int(step) and (k == 0 or widest > int(ui.DELTA_FIT_STEPS[k - 1]))


def test_every_change_step_has_its_rule_in_both_modes():
    # Both modes: the rule keeps a change between 0.75 of the size it has and that size (1em), and shares the
    # tile's width less the chip's padding and arrow among the step's em.
    for step in ui.DELTA_FIT_STEPS:
        rule = (f'[class*="_dfit_{step}_"] [data-testid="stMetricDelta"] p {{ font-size: clamp(0.75em, '
                f"calc((100cqi - 0.75rem - var(--smm-arrow)) / {step}), 1em); }}")
        assert rule in ui.LAYOUT_CSS, step
    assert '[data-testid="stMetric"] { container: smm-tile / inline-size; }' in ui.LAYOUT_CSS   # what 100cqi is of
    assert '[data-testid="stMetricDelta"]:has(svg) { --smm-arrow: 20px; }' in ui.LAYOUT_CSS
    # The groups of four and six tiles with changes go two and three a row where they would shrink them.
    assert "@container smm-four (max-width: 41rem)" in ui.LAYOUT_CSS
    assert "@container smm-six (max-width: 55rem)" in ui.LAYOUT_CSS
