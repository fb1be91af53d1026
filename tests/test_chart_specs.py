"""Charts drawn from cached specs (ui.specs / ui.panels): a rerun with the same arguments reuses the spec instead of
building the Altair chart again, a changed argument or mode builds it anew, and the spec is the one
st.altair_chart would have drawn (AppTest on the sample store; the spec compared with Streamlit's own
conversion)."""

from __future__ import annotations

import functools
import json

import pytest
from conftest import app_test

from smm import budget_charts, charts, content_charts, kol_charts, ui

ALL = {"dates": ["2026-08-31", "2026-11-22"]}


def _counting(monkeypatch, module, name: str) -> list:
    """Replace module.name by a wrapper (same module and qualified name, so the same cache key) that records
    each build."""
    calls: list = []
    real = getattr(module, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def _specs_with(at, text: str) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if text in c.proto.spec]


@pytest.fixture
def kol_page(sample_db, clear_streamlit_caches, monkeypatch):
    built = {n: _counting(monkeypatch, kol_charts, n) for n in ("score_chart", "scatter_chart", "compare_charts")}
    at = app_test(**ALL)
    at.run()
    at.switch_page("pages/kol.py").run()
    assert not at.exception, at.exception
    return at, built


def test_a_rerun_reuses_the_kol_charts_and_a_change_rebuilds_only_its_chart(kol_page):
    at, built = kol_page
    assert {n: len(c) for n, c in built.items()} == {"score_chart": 1, "scatter_chart": 1, "compare_charts": 1}
    score_before = _specs_with(at, "score_txt")
    at.run()                                              # a rerun: same data, same arguments
    assert not at.exception
    assert {n: len(c) for n, c in built.items()} == {"score_chart": 1, "scatter_chart": 1, "compare_charts": 1}
    assert _specs_with(at, "score_txt") == score_before     # the same chart, drawn from the kept spec

    at.selectbox(key="kol_scatter_y").set_value("revenue").run()    # only the scatter's arguments change
    assert not at.exception
    assert {n: len(c) for n, c in built.items()} == {"score_chart": 1, "scatter_chart": 2, "compare_charts": 1}

    at.number_input(key="kol_w_roi").set_value(60.0).run()   # new weights: new scores, a new score chart
    assert not at.exception
    assert len(built["score_chart"]) == 2
    assert _specs_with(at, "score_txt") != score_before


def test_presentation_mode_builds_its_own_spec_and_scales_it(kol_page):
    at, built = kol_page
    plain = _specs_with(at, "score_txt")
    at.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert len(built["score_chart"]) == 2                  # the presented form is kept apart from the plain one
    at.run()
    assert len(built["score_chart"]) == 2
    at.toggle(key="present").set_value(False).run()
    assert len(built["score_chart"]) == 2                  # and the plain one is still there
    assert _specs_with(at, "score_txt") == plain


def test_the_cached_spec_is_the_one_st_altair_chart_draws(sample_db):
    """charts.to_spec(theme="none") writes what Streamlit's own conversion writes (its datasets aside, which
    Streamlit ships as Arrow): no 300 × 300 default view, the same layers, scales and config."""
    import pandas as pd
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    df = pd.DataFrame({"kol": ["a", "b"], "platform": ["douyin", "weibo"], "score": [80.0, 55.5],
                       "key": ["douyin|a", "weibo|b"], "tier": ["mid", "micro"], "n_metrics": [6, 6]})
    chart = kol_charts.score_chart(df, "zh", kol_charts.KolOptions(), {"weibo|b"})

    def strip_data(spec: dict) -> dict:
        names = list(spec.pop("datasets", {}))
        text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
        for name in names:
            text = text.replace(name, "DATA")
        return json.loads(text)

    ours = charts.to_spec(chart, theme="none")
    theirs = _convert_altair_to_vega_lite_spec(chart)
    # ... with labels centred on what they name (charts.AXIS_LABELS), which Streamlit's theme would flush
    assert ours["config"]["axisDiscrete"] == ours["config"]["axisY"] == {"labelFlush": False}
    theirs = {**theirs, "config": {**charts.AXIS_LABELS, **(theirs.get("config") or {})}}
    assert strip_data(ours) == strip_data(theirs)
    assert "view" not in (ours.get("config") or {})
    assert charts.to_spec(chart)["config"]["view"] == {"continuousWidth": 300, "continuousHeight": 300}


@pytest.mark.parametrize("page,module,names", [
    ("pages/content.py", content_charts, ("theme_chart", "heatmap_chart", "form_chart")),
    ("pages/budget.py", budget_charts, ("burn_chart", "curves_chart")),
])
def test_content_and_budget_charts_are_built_once_per_arguments(sample_db, clear_streamlit_caches, monkeypatch,
                                                                page, module, names):
    built = {n: _counting(monkeypatch, module, n) for n in names}
    at = app_test(**ALL)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    first = {n: len(c) for n, c in built.items()}
    assert all(v == 1 for v in first.values()), first
    at.run()
    assert {n: len(c) for n, c in built.items()} == first
    at.sidebar.segmented_control(key="lang").set_value("en").run()    # every label changes: every chart anew
    assert not at.exception
    assert all(len(c) == 2 for c in built.values()), {n: len(c) for n, c in built.items()}


def test_specs_keys_builders_by_name_and_returns_none_for_no_chart(clear_streamlit_caches):
    assert ui._name(kol_charts.score_chart) == "smm.kol_charts.score_chart"
    assert ui._built(lambda: None, "nothing", (), {}, "panels") is None
