"""Presentation mode on the Content, KOL and Budget pages: charts and tables sized for a projector.

Before, presentation mode enlarged only the Overview: elsewhere the charts kept their laptop type (12–14 px axis
labels, read at 1280 px from the back of a room) and a table at the larger type showed a third fewer rows than
it has. ui.chart draws each Altair chart through charts.presenting (every text size × 1.45); ui.dataframe gives a
table the height of its rows at that type. Specs are read as AppTest renders them, in both modes and languages.
"""

from __future__ import annotations

import json

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from conftest import app_test

from smm import charts, ui

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

SCHEMA = load_schema()
FULL = ["2026-08-31", "2026-11-22"]
PAGES = {"content": ("pages/content.py", {"dates": FULL, "er_base": "views"}, 3),
         "kol": ("pages/kol.py", {"dates": FULL}, 4),
         "budget": ("pages/budget.py", {}, 2)}          # burn, and the what-if response curves
TEXT = ("fontSize", "labelFontSize", "titleFontSize")
# Streamlit's chart theme (its frontend's CustomTheme), in px: what a spec that states no size gets.
THEME = {("axis", "labelFontSize"): 12, ("axis", "titleFontSize"): 14, ("legend", "labelFontSize"): 14,
         ("legend", "titleFontSize"): 14, ("header", "labelFontSize"): 12, ("header", "titleFontSize"): 16,
         ("title", "fontSize"): 16}


def rendered(page: str, lang: str, present: bool):
    path, query, _ = PAGES[page]
    at = app_test(lang=lang, **query, **({"present": "1"} if present else {}))
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def sizes(node, path=()) -> dict[tuple, float]:
    """Every text size a spec states, by its path (data excluded: its keys are the data's own columns)."""
    out = {}
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("data", "datasets"):
                continue
            if k in TEXT and isinstance(v, int | float) and not isinstance(v, bool):
                out[(*path, k)] = float(v)
            else:
                out.update(sizes(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.update(sizes(v, (*path, i)))
    return out


def smallest_text(spec: dict) -> float:
    """The smallest text the chart draws: its stated sizes, and the theme's where its config states none."""
    stated = sizes(spec)
    config = spec.get("config") or {}
    theme = [px for (part, key), px in THEME.items() if key not in (config.get(part) or {})]
    return min([*stated.values(), *theme])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_presenting_every_chart_text_is_scaled_for_the_room(sample_db, page, lang):
    normal = [json.loads(c.proto.spec) for c in rendered(page, lang, False).get("vega_lite_chart")]
    present = [json.loads(c.proto.spec) for c in rendered(page, lang, True).get("vega_lite_chart")]
    assert len(normal) == len(present) >= PAGES[page][2], (len(normal), len(present))
    for before, after in zip(normal, present, strict=True):
        validate_jsonschema(after, SCHEMA)
        assert after.get("datasets") == before.get("datasets")          # the same numbers, only larger type
        scaled = sizes(after)
        for where, px in sizes(before).items():
            assert scaled[where] == pytest.approx(px * charts.PRESENT_SCALE, abs=0.06), where
        # What the normal chart leaves to Streamlit's theme is written out, scaled, in the presented one.
        for (part, key), px in THEME.items():
            if key not in ((before.get("config") or {}).get(part) or {}):
                assert after["config"][part][key] == pytest.approx(px * charts.PRESENT_SCALE, abs=0.06), (part, key)
        assert smallest_text(before) < 17 <= smallest_text(after), (smallest_text(before), smallest_text(after))


def test_presenting_scales_sizes_not_data():
    spec = {"data": {"values": [{"fontSize": 3, "height": 5}]}, "height": 300, "width": 280,
            "config": {"axis": {"labelFontSize": 14}, "legend": {"symbolSize": 100}},
            "layer": [{"mark": {"type": "text", "fontSize": 13, "dx": 6}, "height": {"step": 34}}]}
    out = charts.presenting(spec, 2.0)
    assert out["data"] == spec["data"]
    assert out["config"]["axis"] == {"labelFontSize": 28, "titleFontSize": 28, "labelLimit": 200}
    assert out["config"]["legend"]["symbolSize"] == 400                      # an area: × k²
    assert out["layer"][0]["mark"] == {"type": "text", "fontSize": 26, "dx": 12}
    assert out["layer"][0]["height"] == {"step": 68}
    assert out["height"] == round(300 * charts.PRESENT_HEIGHT) and out["width"] == 280
    assert spec["config"]["axis"] == {"labelFontSize": 14}                   # the input is left as it was


def test_a_presented_table_is_as_tall_as_its_rows():
    import streamlit as st

    st.session_state["present"] = False
    try:
        assert ui.table_height(5) == 6 * 35 + 3
        assert ui.table_height(40) == ui.table_height(10)
        st.session_state["present"] = True
        assert ui.table_height(5) == round(6 * 35 * 22 / 16) + 3
        assert ui.table_height(40, max_rows=20) == round(21 * 35 * 22 / 16) + 3
    finally:
        del st.session_state["present"]


def _stated(node, key: str) -> list:
    """Every `key` ("legend", "axis") an encoding states (not null), outside the config."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == key and v is not None] + \
            [x for k, v in node.items() if k != "config" for x in _stated(v, key)]
    if isinstance(node, list):
        return [x for v in node for x in _stated(v, key)]
    return []


def _legends(node) -> list:
    return _stated(node, "legend")


def _axes(node) -> list:
    return _stated(node, "axis")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_small_multiples_become_one_chart_per_panel(sample_con, lang):
    """The budget burn facet as panels: every line once, in the facet's order, with exactly its own rows."""
    import datetime as dt

    from smm import budget, budget_charts

    ws, we, asof = dt.date(2026, 10, 26), dt.date(2026, 11, 29), dt.date(2026, 11, 22)
    series = budget.burn_series(sample_con, ws, we, asof, categories=("paid_ads", "kol"))
    chart = budget_charts.burn_chart(series, lang, "CNY", asof)
    facet = chart.to_dict()
    rows = facet["datasets"][facet["data"]["name"]]
    title, legend, panels = charts.facet_panels(chart)
    assert title == facet["title"]["text"]
    assert [p["title"]["text"] for p in panels] == facet["facet"]["sort"]        # every line, in order, once
    for p in panels:
        validate_jsonschema(p, SCHEMA)
        own = [r for r in rows if r["line"] == p["title"]["text"]]
        assert p["datasets"][p["data"]["name"]] == own and own
        assert p["width"] == "container" and p["autosize"]["type"] == "fit-x"
        assert _legends(p) == []                                                # the legend is drawn once…
    validate_jsonschema(legend, SCHEMA)
    assert legend["data"] == {"values": []} and _legends(legend)              # …above the panels
    assert _axes(legend) == [] and _axes(panels[0])                          # the legend draws no axis
    assert sum(len(p["datasets"][p["data"]["name"]]) for p in panels) == len(rows)


def test_a_spec_is_whole_while_another_session_draws_a_chart():
    """Streamlit swaps Altair's global data transformer while it draws a chart (under its lock): a spec written
    meanwhile by plain to_dict() has no data, which failed the Budget page for 2 of 20 concurrent sessions."""
    import threading

    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    alt.data_transformers.register("smm_test_drop", lambda data: {"name": "elsewhere"})
    inside, done = threading.Event(), threading.Event()

    def other_session():            # what Streamlit's _convert_altair_to_vega_lite_spec does, held open
        with charts._ALTAIR_LOCK, alt.data_transformers.enable("smm_test_drop"):
            inside.set()
            done.wait(5)

    t = threading.Thread(target=other_session)
    t.start()
    inside.wait(5)
    try:
        assert "datasets" not in chart.to_dict()                   # the race, as it was
        got: list[dict] = []
        waiter = threading.Thread(target=lambda: got.append(charts.to_spec(chart)))
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive()                                    # to_spec waits for the other session…
    finally:
        done.set()
        t.join()
    waiter.join(5)
    spec = got[0]                                                   # …and then writes the data
    assert spec["datasets"][spec["data"]["name"]] == [{"x": 1, "y": 3}, {"x": 2, "y": 4}]
