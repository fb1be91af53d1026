"""AppTest of the Content page on the sample store: language, ranking, theme rules, thresholds, empty states."""

from __future__ import annotations

import pytest
from conftest import app_test

from smm import content, store

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

FULL = ["2026-08-31", "2026-11-22"]


def open_content(**query):
    at = app_test(**query)
    at.run()
    at.switch_page("pages/content.py").run()
    assert not at.exception, at.exception
    return at


def table(at, key: str):
    """The best (content_top_table) or worst (content_bottom_table) posts: the tables that start with a rank."""
    ranked = [
        d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] in ("Rank", "名次")
    ]
    which = {"content_top_table": 0, "content_bottom_table": 1}[key]
    assert len(ranked) > which, [list(d.value.columns[:3]) for d in at.dataframe]
    return ranked[which]


def restart():
    """What a server restart does to the in-process state: cached connection and results are gone."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_renders_in_both_languages(sample_db, lang):
    at = open_content(lang=lang, dates=FULL, er_base="views")
    assert at.title[0].value == ("内容表现" if lang == "zh" else "Content performance")
    assert len(at.header) == 5
    lines = [m.value for m in at.markdown]
    # The planted story is visible at a glance: video beats image-text on Douyin and Xiaohongshu.
    video, image, douyin, xhs = (
        ("视频", "图文", "抖音", "小红书")
        if lang == "zh"
        else ("Video", "Image-text", "Douyin", "Xiaohongshu")
    )
    for plat in (douyin, xhs):
        line = next(x for x in lines if x.startswith(f"- **{plat}**"))
        assert line.index(video) < line.index(image), line
    assert len(at.get("vega_lite_chart")) >= 3  # forms, themes, best-time heatmap
    assert not table(at, "content_top_table").empty


def test_switching_the_ranking_metric_changes_the_order(sample_db):
    at = open_content(lang="en", dates=FULL, er_base="views")
    by_er = table(at, "content_top_table")
    assert list(by_er.columns[:3]) == ["Rank", "Title", "ER"]
    assert by_er["ER"].is_monotonic_decreasing
    at.selectbox(key="content_rank_metric").set_value("exposure").run()
    assert not at.exception
    by_exposure = table(at, "content_top_table")
    assert list(by_exposure.columns[:3]) == ["Rank", "Title", "Exposure"]
    assert by_exposure["Exposure"].is_monotonic_decreasing
    assert list(by_exposure["Title"]) != list(by_er["Title"])
    worst = table(at, "content_bottom_table")
    assert worst["Exposure"].is_monotonic_increasing
    assert worst["Exposure"].max() <= by_exposure["Exposure"].min()


def test_theme_rule_edit_persists_across_reruns_and_restarts(sample_db):
    at = open_content(lang="en", dates=FULL)
    first_default = content.default_theme_rules("en")[0]["theme"]
    # Delete the first suggested rule and add one of ours (what a user does in the grid).
    at.session_state["content_theme_rules"] = {
        "edited_rows": {},
        "added_rows": [{"keywords": "熬夜, night", "theme": "Night owls"}],
        "deleted_rows": [0],
    }
    at.run()
    assert not at.exception

    def themes_shown(at) -> set[str]:
        return {t for d in at.dataframe if d.editing_mode == "read_only" for t in d.value.get("Theme", [])}

    def rules_shown(at) -> list[str]:
        ed = [d for d in at.dataframe if d.editing_mode != "read_only"][0].value
        return list(ed["theme"])

    assert "Night owls" in rules_shown(at) and first_default not in rules_shown(at)
    assert "Night owls" in themes_shown(at)
    at.run()
    assert "Night owls" in rules_shown(at) and "Night owls" in themes_shown(at)

    restart()
    at2 = open_content(lang="en", dates=FULL)
    assert "Night owls" in rules_shown(at2) and first_default not in rules_shown(at2)
    assert "Night owls" in themes_shown(at2)
    c = store.connect(sample_db)
    try:
        assert {"keywords": "熬夜, night", "theme": "Night owls"} in content.load_theme_rules(c)
    finally:
        c.close()


def test_minimum_exposure_is_a_stored_setting(sample_db):
    at = open_content(lang="en", dates=FULL)
    at.number_input(key="content_min_exposure").set_value(50000).run()
    assert not at.exception
    assert any("≥ 50.0K" in c.value for c in at.caption)
    top = table(at, "content_top_table")
    assert (top["Exposure"] >= 50000).all()
    restart()
    at2 = open_content(lang="en", dates=FULL)
    assert at2.number_input(key="content_min_exposure").value == 50000


@pytest.mark.parametrize(
    "query",
    [
        {"platforms": "google_ads"},  # a platform without posts
        {"dates": ["2025-01-05", "2025-01-11"]},  # a week without data
    ],
)
def test_empty_state_when_filters_exclude_everything(sample_db, query):
    at = open_content(lang="en", **query)
    assert any("No posts match the filters" in i.value for i in at.info)
    assert len(at.header) == 0 and not at.get("vega_lite_chart")


def test_scope_switch_and_er_base_shortcut(sample_db):
    at = open_content(lang="en", dates=FULL)
    assert any(m.value.startswith("**Lifetime figures**") for m in at.markdown)
    assert any("ER (base: Impressions) is defined for" in w.value for w in at.warning)
    at.button(key="content_use_views").click().run()
    assert at.session_state["er_base"] == "views"
    assert not any("Impressions) is defined" in w.value for w in at.warning)
    at.segmented_control(key="content_scope").set_value("weekly").run()
    assert not at.exception
    assert any(m.value.startswith("**Gains in the period**") for m in at.markdown)


def test_heatmap_controls(sample_db):
    at = open_content(lang="zh", dates=FULL, er_base="views")
    at.selectbox(key="content_heat_platform").set_value("douyin").run()
    at.selectbox(key="content_heat_block").set_value(3).run()
    at.selectbox(key="content_heat_metric").set_value("exposure").run()
    assert not at.exception
    assert any(m.value.startswith("**抖音** 最佳时段") for m in at.markdown)


def test_few_posts_offers_a_wider_range(sample_db):
    """The default view (last complete week) holds few posts: one click widens the shared date range."""
    import datetime as dt

    at = open_content(lang="en", er_base="views")
    assert any("medians of few posts are noisy" in i.value for i in at.info)
    at.button(key="content_range_all").click().run()
    assert not at.exception
    assert tuple(at.session_state["dates"]) == (dt.date(2026, 8, 31), dt.date(2026, 11, 22))
    assert not any("medians of few posts are noisy" in i.value for i in at.info)
    lines = [m.value for m in at.markdown]
    assert any(x.startswith("- **Douyin**: Video") for x in lines)
    assert any(x.startswith("- **Xiaohongshu**: Video") for x in lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presenting_the_posts_tables_show_the_rooms_columns(sample_db, lang):
    """On a projector the rankings' 13 columns ran past the right edge from conversions on. Presented, the best,
    worst and outlier tables show the columns the room reads, in their order, and say so; the data behind them
    keeps every column, and out of the mode every column shows."""
    from smm import content_charts as cc
    from smm import i18n

    def label(col: str) -> str:
        if col in ("rank", "content_title"):
            return i18n.t(f"content.col.{'rank' if col == 'rank' else 'title'}", lang)
        if col in ("platform", "kol"):
            return i18n.field_label(col, lang)
        return cc._name(col, lang, "CNY")

    def tables(at):
        ranked = [d for d in at.dataframe if list(d.value.columns)[:1] == [i18n.t("content.col.rank", lang)]]
        vs_norm = i18n.t("content.col.vs_norm", lang)
        outliers = [d for d in at.dataframe if list(d.value.columns)[1:2] == [vs_norm]]
        assert len(ranked) == 2 and len(outliers) == 1, [list(d.value.columns)[:2] for d in at.dataframe]
        return {"content_top_table": ranked[0], "content_bottom_table": ranked[1], "content_outliers_table": outliers[0]}

    for present in (False, True):
        at = open_content(lang=lang, dates=FULL, **({"present": "1"} if present else {}))
        at.slider(key="content_outlier_z").set_value(2.0).run()
        assert not at.exception, at.exception
        got = tables(at)
        captions = [c.value for c in at.caption]
        note = i18n.t("content.table_present", lang, shown=0, all=0).split("0")[0]
        for key, t in got.items():
            cols = list(t.value.columns)
            shown = list(t.proto.column_order)
            if not present:
                assert shown == [], key                     # every column, in the frame's order
                assert not any(note in c for c in captions)
                continue
            room = cc.ROOM_OUTLIERS if key == "content_outliers_table" else (*cc.ROOM_POSTS, "er")
            assert len(cols) >= 11 and len(shown) < len(cols), (key, cols)
            assert shown == [c for c in cols if c in shown], key            # in the table's own order
            want = [label(c) for c in room if c not in ("sentence", "group_median", "content_url")]
            assert set(want) <= set(shown), (key, want, shown)
            assert i18n.t("content.col.published", lang) not in shown and i18n.field_label("theme", lang) not in shown
        if present:
            assert sum(note in c for c in captions) == 2, captions         # the rankings' and the outliers'
