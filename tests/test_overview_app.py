"""The Overview page in AppTest: filters set by widget key move the tiles to independently computed values; a
URL reproduces a view; every page renders in zh and en."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import app_test
from test_overview import Base, pandas_metrics

from smm import i18n, overview, store, ui
from smm.metrics import REGISTRY, Settings

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


def run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def tiles(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta or None) for m in at.metric}


def expected_tiles(base: Base, period, prev, platforms, rc, s, lang) -> dict[str, tuple[str, str | None]]:
    """Tile text from the pandas computation (formatted the way the page formats numbers)."""
    cur = pandas_metrics(base, *period, platforms, rc, s)
    old = pandas_metrics(base, *prev, platforms, rc, s) if prev else None
    out = {}
    for mid in overview.TILES:
        m = REGISTRY[mid]
        v = cur[mid]
        delta = None
        if old is not None:
            p = old[mid]
            if m.unit == "ratio":
                delta = None if v is None or p is None else f"{(v - p) * 100:+.2f} pp"
            else:
                delta = None if v is None or not p else f"{(v - p) / abs(p) * 100:+.1f}%"
        out[overview.label(m, lang)] = (overview.tile_value(v, m, rc, lang), delta)
    if any(d for _, d in out.values()):     # beside changes, one that cannot be computed reads "—"
        out = {label: (value, d or "—") for label, (value, d) in out.items()}
    return out


@pytest.fixture
def base(sample_db):
    con = store.connect(sample_db)
    b = Base(con)
    con.close()
    return b


def test_filters_set_by_widget_key_move_the_tiles(sample_db, base):
    at = run(app_test(lang="en"))
    last, before = (D(2026, 11, 16), D(2026, 11, 22)), (D(2026, 11, 9), D(2026, 11, 15))
    assert tiles(at) == expected_tiles(base, last, before, (), "CNY", Settings(), "en")
    at.sidebar.multiselect(key="platforms").set_value(["xiaohongshu", "meta"])
    at.sidebar.date_input(key="dates").set_value(before)
    at.sidebar.selectbox(key="cur").set_value("USD")
    run(at)
    prev = (D(2026, 11, 2), D(2026, 11, 8))
    assert tiles(at) == expected_tiles(base, before, prev, ("xiaohongshu", "meta"), "USD", Settings(), "en")
    at.sidebar.selectbox(key="compare").set_value("none")
    at.sidebar.selectbox(key="er_base").set_value("views")
    run(at)
    want = expected_tiles(base, before, None, ("xiaohongshu", "meta"), "USD", Settings(er_base="views"), "en")
    assert tiles(at) == want and all(d is None for _, d in tiles(at).values())
    assert i18n.t("overview.what_changed_off", "en") in [c.value for c in at.caption]
    # The tooltip states the formula with the setting in force.
    er = next(m for m in at.metric if m.label == "ER")
    assert "interactions ÷ views" in er.proto.help


def test_a_comparison_without_data_shows_no_change_and_says_why(sample_db, base):
    # The sample's first week: its previous week holds no rows. No tile shows a change or a "vs previous" under
    # none, and neither "What changed" nor the funnel's first line speaks of a comparison that found nothing.
    first, none = (D(2026, 8, 31), D(2026, 9, 6)), (D(2026, 8, 24), D(2026, 8, 30))
    at = run(app_test(lang="en", dates=[d.isoformat() for d in first]))
    assert tiles(at) == expected_tiles(base, first, None, (), "CNY", Settings(), "en")
    assert all(not m.proto.delta_description for m in at.metric)
    said = i18n.t("overview.no_compare_data", "en", start=none[0], end=none[1])
    assert said in [c.value for c in at.caption]
    assert i18n.t("overview.what_changed_none", "en") not in [c.value for c in at.caption]
    lines = "\n".join(md.value for md in at.markdown)
    assert i18n.t("overview.bottleneck.no_compare", "en", who=i18n.t("overview.all_platforms", "en")) in lines
    assert "against the comparison period" not in lines
    # Weibo's last week: half its tiles show a change; the others say "—" (and every tile "vs previous")
    at = run(app_test(lang="en", platforms="weibo"))
    last, before = (D(2026, 11, 16), D(2026, 11, 22)), (D(2026, 11, 9), D(2026, 11, 15))
    got = tiles(at)
    assert got == expected_tiles(base, last, before, ("weibo",), "CNY", Settings(), "en")
    assert {d for _, d in got.values()} > {"—"} and all(m.proto.delta_description for m in at.metric)


def test_delta_colours_follow_the_metric_direction_not_the_sign(sample_db, base):
    from streamlit.proto.Metric_pb2 import Metric as MetricProto

    at = run(app_test(lang="zh"))
    cur = pandas_metrics(base, D(2026, 11, 16), D(2026, 11, 22))
    old = pandas_metrics(base, D(2026, 11, 9), D(2026, 11, 15))
    shown = {m.label: m.proto for m in at.metric}
    seen = set()
    for mid in overview.TILES:
        m = REGISTRY[mid]
        proto = shown[overview.label(m, "zh")]
        up = cur[mid] > old[mid]
        assert proto.direction == MetricProto.MetricDirection.Value("UP" if up else "DOWN"), mid
        if m.direction == 0:
            want = "GRAY"
        else:
            want = "GREEN" if up == (m.direction > 0) else "RED"
        assert MetricProto.MetricColor.Name(proto.color) == want, (mid, up)
        seen.add((m.direction, up))
    # the sample's last week has a rising lower-is-better metric (CPA: red) and falling higher-is-better ones
    assert (-1, True) in seen and (1, False) in seen


def test_a_url_reproduces_the_view(sample_db):
    query = {"lang": "en", "platforms": ["xiaohongshu", "meta"], "dates": ["2026-11-09", "2026-11-15"],
             "compare": "last_year", "cur": "USD", "er_base": "views", "roi_basis": "paid"}
    from_url = run(app_test(**query))
    by_hand = run(app_test(lang="en"))
    by_hand.sidebar.multiselect(key="platforms").set_value(["xiaohongshu", "meta"])
    by_hand.sidebar.date_input(key="dates").set_value((D(2026, 11, 9), D(2026, 11, 15)))
    by_hand.sidebar.selectbox(key="compare").set_value("last_year")
    by_hand.sidebar.selectbox(key="cur").set_value("USD")
    by_hand.sidebar.selectbox(key="er_base").set_value("views")
    by_hand.sidebar.selectbox(key="roi_basis").set_value("paid")
    run(by_hand)
    assert tiles(from_url) == tiles(by_hand)
    assert [m.value for m in from_url.markdown] == [m.value for m in by_hand.markdown]
    assert from_url.session_state["dates"] == (D(2026, 11, 9), D(2026, 11, 15))
    assert dict(from_url.query_params) == dict(by_hand.query_params)
    assert by_hand.query_params["platforms"] == ["xiaohongshu", "meta"]
    caption = [c.value for c in from_url.caption]
    assert any("2025-11-09" in c and "USD" in c for c in caption)


def test_presentation_mode_keeps_the_numbers_and_uses_a_static_table(sample_db):
    normal = run(app_test(lang="zh"))
    big = run(app_test(lang="zh", present="1"))
    assert tiles(big) == tiles(normal)
    assert len(big.table) == 1 and len(normal.dataframe) == 1 and len(big.dataframe) == 0
    assert big.button(key="present_exit")


def test_funnel_scope_and_empty_states(sample_db):
    at = run(app_test(lang="en"))
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5      # funnel, stage rates, weekly money, weekly ROAS, spend by platform
    at.selectbox(key="ov_funnel_scope").set_value("xiaohongshu")
    run(at)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "Xiaohongshu" in json.dumps(spec["title"] if "title" in spec else spec, ensure_ascii=False)
    at.sidebar.multiselect(key="platforms").set_value(["wechat"])
    at.sidebar.date_input(key="dates").set_value((D(2024, 1, 1), D(2024, 1, 7)))
    run(at)
    assert [w.value for w in at.warning][-1].startswith(i18n.t("overview.empty_dates", "en", start=D(2024, 1, 1),
                                                                 end=D(2024, 1, 7), lo="x", hi="y")[:30])
    assert len(at.metric) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_zh_and_en(sample_db, lang):
    at = run(app_test(lang=lang))
    assert at.title[0].value == i18n.t("overview.title", lang)
    for path, *_ in ui.PAGES:
        if (ROOT / path).exists():
            page = run(app_test(lang=lang))
            page.switch_page(path).run()
            assert not page.exception, (path, lang, page.exception)
            assert page.title and page.title[0].value, path
