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
