"""AppTest: a page's own choices are part of its URL, so a copied link reopens the same view (in either language).

Each page is changed by hand in one session; a second session opened from that session's URL alone must show
the same value in every changed widget and keep the URL through a language switch. A value the URL cannot hold
(not an option, out of range, not a number or a date) is dropped and the page shows its default.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import app_test

ALL = {"dates": ["2026-08-31", "2026-11-22"]}


def open_page(page: str, **query):
    at = app_test(**query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def url(at) -> dict[str, list[str]]:
    """The session's URL parameters, each as its list of values."""
    return {k: at.query_params.get_all(k) if hasattr(at.query_params, "get_all") else
            (v if isinstance(v := at.query_params[k], list) else [v]) for k in at.query_params}


def change(at, kind: str, key: str, value) -> None:
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, (key, at.exception)


def _kol(at) -> list[tuple[str, str, object]]:
    picked = list(at.session_state["kol_compare"])              # the page's default: KOL keys, not labels
    assert len(picked) >= 3
    return [("radio", "kol_window", "activity"), ("selectbox", "kol_tier", "cn"),
            ("number_input", "kol_w_er", 40.0), ("number_input", "kol_w_cpa", 0.0),
            ("multiselect", "kol_compare", picked[1:3]), ("multiselect", "kol_cmp_metrics", ["roi", "cpm"]),
            ("selectbox", "kol_trend", picked[0]),         # the trend's default follows the comparison's first
            ("radio", "kol_trend_grain", "publish_week"), ("selectbox", "kol_scatter_y", "revenue")]


def _content(at) -> list[tuple[str, str, object]]:
    second = _heat_platforms(at)[1]
    return [("selectbox", "content_form_metric", "revenue"), ("toggle", "content_theme_split", True),
            ("selectbox", "content_rank_metric", "conversions"), ("selectbox", "content_heat_platform", second),
            ("selectbox", "content_heat_metric", "exposure"), ("selectbox", "content_heat_block", 3),
            ("slider", "content_outlier_z", 4.5), ("segmented_control", "content_scope", "weekly")]


def _heat_platforms(at) -> list[str]:
    from smm import i18n, schema

    labels = at.selectbox(key="content_heat_platform").options
    by_label = {i18n.platform_label(p, "zh"): p for p in schema.PLATFORMS}
    return [by_label[x] for x in labels]


def _budget(at) -> list[tuple[str, str, object]]:
    periods = [o for o in _period_options(at) if o != at.session_state["budget_period"] and o != "custom"]
    return [("selectbox", "budget_period", periods[0]), ("date_input", "budget_as_of", dt.date(2026, 10, 31)),
            ("multiselect", "budget_burn_cats", []),       # none at all: `?budget_burn_cats=` ("radio", "budget_wi_objective", "revenue"),
            ("toggle", "budget_wi_keep", True)]


def _period_options(at) -> list[str]:
    from smm import budget, store

    c = store.connect(store.db_path())
    try:
        return list(budget.period_choices(budget.plan_periods(c, "CNY")))
    finally:
        c.close()


def _overview(at) -> list[tuple[str, str, object]]:
    return [("selectbox", "ov_funnel_scope", "xiaohongshu")]


PAGES = {"pages/kol.py": _kol, "pages/content.py": _content, "pages/budget.py": _budget,
         "pages/overview.py": _overview}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_copied_link_reopens_the_pages_own_choices(sample_db, clear_streamlit_caches, page):
    by_hand = open_page(page, lang="zh", **ALL)
    assert not [k for k in url(by_hand) if k not in ("lang", "dates")]      # defaults leave the URL clean
    changes = PAGES[page](by_hand)
    for kind, key, value in changes:
        change(by_hand, kind, key, value)
    link = url(by_hand)
    for _kind, key, value in changes:
        assert key in link, (key, link)
        assert by_hand.session_state[key] == value, key

    opened = open_page(page, **link)
    for _kind, key, value in changes:
        got = opened.session_state[key]
        assert (tuple(got) if isinstance(got, list) else got) == (tuple(value) if isinstance(value, list) else value), key
    assert url(opened) == link
    # Same view, same link, in the other language: the URL holds ids, not labels.
    opened.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not opened.exception, opened.exception
    for _kind, key, value in changes:
        assert opened.session_state[key] == value, key
    assert url(opened) == {**link, "lang": ["en"]}


@pytest.mark.parametrize("page,bad", [
    ("pages/kol.py", {"kol_scatter_y": "<script>alert(1)</script>", "kol_w_er": "500", "kol_w_cpe": "nan",
                      "kol_compare": "nobody", "kol_window": "Activity", "kol_trend_grain": "绽放"}),
    ("pages/content.py", {"content_heat_block": "5", "content_min_posts": "0", "content_outlier_z": "9",
                          "content_rank_metric": "ER", "content_theme_split": "maybe"}),
    ("pages/budget.py", {"budget_as_of": "31/10/2026", "budget_period": "2020-01", "budget_wi_douyin": "-3",
                         "budget_wi_meta": "1e300", "budget_burn_cats": "staff'--"}),
    ("pages/overview.py", {"ov_funnel_scope": "全部平台"}),
])
def test_values_the_url_cannot_hold_are_dropped(sample_db, clear_streamlit_caches, page, bad):
    clean = open_page(page, lang="en", **ALL)
    at = open_page(page, lang="en", **ALL, **bad)
    assert not at.exception
    for key in bad:
        if key in clean.session_state:
            got, want = at.session_state[key], clean.session_state[key]
            assert got == want, (key, got, want)
        assert key not in at.query_params or key == "content_theme_split", key   # "maybe" is read as off
    assert "content_theme_split" not in at.query_params


def test_the_what_if_budgets_come_back_from_the_link(sample_db, clear_streamlit_caches):
    at = open_page("pages/budget.py", lang="en", tab="whatif")
    plan = {s.key: float(s.value) for s in at.slider if s.key.startswith("budget_wi_")}
    assert len(plan) >= 3
    first, second = sorted(plan)[:2]
    change(at, "slider", first, plan[first] + 200000.0)
    link = url(at)
    assert link[first] == [str(int(plan[first] + 200000.0))]
    assert second not in link                                         # still at plan: not written
    opened = open_page("pages/budget.py", **link)
    now = {s.key: float(s.value) for s in opened.slider if s.key.startswith("budget_wi_")}
    assert now == {**plan, first: plan[first] + 200000.0}
    assert url(opened) == link
    # Back to plan (the page's reset button): the link is clean again.
    opened.button(key="budget_wi_reset").click().run()
    assert not [k for k in url(opened) if k.startswith("budget_wi_")]


def test_a_page_keeps_its_choices_when_the_user_comes_back(sample_db, clear_streamlit_caches):
    at = open_page("pages/content.py", lang="en", **ALL)
    change(at, "selectbox", "content_rank_metric", "revenue")
    at.switch_page("pages/overview.py").run()
    at.run()                                           # the content page's widget state is gone by now
    assert "content_rank_metric" not in at.session_state
    at.switch_page("pages/content.py").run()
    assert not at.exception
    assert at.session_state["content_rank_metric"] == "revenue"
    assert url(at)["content_rank_metric"] == ["revenue"]


def test_the_what_if_budgets_are_kept_when_the_user_comes_back(sample_db, clear_streamlit_caches):
    at = open_page("pages/budget.py", lang="en", tab="whatif")
    first = sorted(s.key for s in at.slider if s.key.startswith("budget_wi_"))[0]
    moved = float(at.slider(key=first).value) + 100000.0
    change(at, "slider", first, moved)
    at.switch_page("pages/overview.py").run()
    at.run()                                           # the budget page's widget state is gone by now
    assert first not in at.session_state
    at.switch_page("pages/budget.py").run()
    assert not at.exception
    assert float(at.slider(key=first).value) == moved
    assert url(at)[first] == [str(int(moved))]


def test_opening_a_link_leaves_the_team_defaults_alone(sample_db, clear_streamlit_caches):
    """The content page's minimums are team preferences saved when changed by hand; a link only shows its own."""
    at = open_page("pages/content.py", lang="en", **ALL, content_min_posts="7", content_min_exposure="2500")
    assert at.number_input(key="content_min_posts").value == 7
    assert at.number_input(key="content_min_exposure").value == 2500
    from smm import content, store

    c = store.connect(sample_db)
    try:
        assert content.load_prefs(c) == content.DEFAULT_PREFS
    finally:
        c.close()


def test_an_option_sent_as_the_other_languages_label_is_read_as_its_option(sample_db, clear_streamlit_caches):
    """Streamlit keeps a select's text from the browser that is not one of its last run's labels as the value
    itself. Two quick language switches (a second click before the first one's run has sent the new labels) gave
    the run drawn in zh the en texts: compare, ER and ROI bases became "Previous period", "Impressions" and
    "Full cost", in the URL too, and the budget's burn categories came out empty (seen in a CI run under load).
    Here a run starts with each value as its label in the other language, as that run received it."""
    from smm import i18n, ui

    cats = list(open_page("pages/budget.py", lang="en").session_state["budget_burn_cats"])
    assert len(cats) >= 2
    cats = cats[:1]                                    # not the page's default: into the URL
    chosen = {"compare": "last_year", "er_base": ui.ER_BASES[1], "roi_basis": ui.ROI_BASES[1],
              "platforms": ["douyin", "xiaohongshu"], "budget_burn_cats": cats}
    labels = {"compare": i18n.t("compare.last_year", "zh"), "er_base": i18n.field_label(ui.ER_BASES[1], "zh"),
              "roi_basis": i18n.t(f"setting.roi_basis_short.{ui.ROI_BASES[1]}", "zh"),
              "platforms": [i18n.platform_label(p, "zh") for p in chosen["platforms"]],
              "budget_burn_cats": [i18n.t(f"budget.cat.{x}", "zh") for x in cats]}
    assert all(labels[k] != v for k, v in chosen.items())
    at = app_test(lang="en")
    for key, label in labels.items():
        at.session_state[key] = label
    at.switch_page("pages/budget.py").run()
    assert not at.exception, at.exception
    for key, value in chosen.items():
        assert at.session_state[key] == value, key
        assert url(at)[key] == (value if isinstance(value, list) else [value]), key
    at.session_state["lang"] = "zh"                    # and the next switch keeps them
    at.run()
    assert not at.exception, at.exception
    assert all(at.session_state[k] == v for k, v in chosen.items())
    assert {k: url(at)[k] for k in chosen} == {k: v if isinstance(v, list) else [v] for k, v in chosen.items()}


def test_an_option_sent_as_its_label_is_read_as_its_option_outside_the_url_too(sample_db, clear_streamlit_caches):
    """The same for selects that are not part of the URL: the budget alerts' lump-sum categories (not saved yet)
    and the Data page's choice for invalid rows."""
    from smm import i18n

    for page, key, value, label in (
            ("pages/budget.py", "budget_set_lump", ["kol"], [i18n.t("budget.cat.kol", "zh")]),
            ("pages/data.py", "up_on_invalid", "load_valid", i18n.t("data.on_invalid.load_valid", "zh"))):
        at = app_test(lang="en")
        at.session_state[key] = label
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert at.session_state[key] == value, (key, at.session_state[key])


def test_a_kol_or_format_sent_as_its_label_in_the_other_language_is_read_as_itself(sample_db, clear_streamlit_caches):
    """Selects whose labels are not i18n keys named after their option: the KOL comparison and trend (a KOL is
    labelled with its platform in the page's language) and the Data page's format choice (a format's name in the
    page's language). Under the same race the KOLs fell back to the page's default and the format to `auto`."""
    from smm import i18n, kol, ui
    from smm.profiles import builtin_profiles

    picked = list(open_page("pages/kol.py", lang="en").session_state["kol_compare"])
    chosen = {"kol_compare": picked[1:3], "kol_trend": picked[2]}   # neither is the page's default

    def zh(key: str) -> str:
        platform, name = key.split("|", 1)
        return kol.label_of(name, platform, "zh")

    assert all(zh(k) != kol.label_of(k.split("|", 1)[1], k.split("|", 1)[0], "en") for k in picked)
    at = app_test(lang="en")
    at.session_state["kol_compare"] = [zh(k) for k in chosen["kol_compare"]]
    at.session_state["kol_trend"] = zh(chosen["kol_trend"])
    at.switch_page("pages/kol.py").run()
    assert not at.exception, at.exception
    for key, value in chosen.items():
        assert at.session_state[key] == value, key
        assert url(at)[key] == (value if isinstance(value, list) else [value]), key

    prof = next(p for p in builtin_profiles() if p.label("zh") != p.label("en"))
    at = app_test(lang="en")
    at.session_state["up_profile"] = ui.profile_label(prof.id, {prof.id: prof.label("zh")})
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert at.session_state["up_profile"] == prof.id
    at = app_test(lang="en")
    at.session_state["up_profile"] = i18n.t("data.profile_auto", "zh")
    at.switch_page("pages/data.py").run()
    assert at.session_state["up_profile"] == "auto"


SIDEBAR_SELECTS = {"lang", "compare", "er_base", "cvr_base", "roi_basis", "platforms", "ctypes", "campaigns", "kols",
                   "cur"}


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/content.py", "pages/kol.py", "pages/budget.py",
                                  "pages/data.py"])
def test_every_select_reads_its_label_in_the_other_language_as_its_option(page, sample_db, clear_streamlit_caches):
    """Every select, multiselect and radio whose labels differ between the languages, found on the page itself (so a
    new one is covered without being listed): a run that receives an option's zh label on the en page (the race of
    two quick language switches) holds that option, not the label and not the page's default. The sidebar's own
    selects are checked on the Overview."""
    zh, en = open_page(page, lang="zh"), open_page(page, lang="en")
    cases = []
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(zh, kind):
            if not w.key or (w.key in SIDEBAR_SELECTS and (page != "pages/overview.py" or w.key == "lang")):
                continue
            other = getattr(en, kind)(key=w.key)
            assert len(other.options) == len(w.options), w.key
            differ = [i for i, (a, b) in enumerate(zip(w.options, other.options, strict=True)) if a != b]
            now = set(other.indices) if kind == "multiselect" else {other.options.index(
                _shown(other, en, other.value))}
            target = next((i for i in differ if i not in now), None)
            if target is not None:
                cases.append((kind, w.key, w.options[target], other.options[target]))
    assert cases, "no select with labels that differ between the languages"
    for kind, key, zh_label, en_label in cases:
        at = app_test(lang="en")
        at.session_state[key] = [zh_label] if kind == "multiselect" else zh_label
        at.switch_page(page).run()
        assert not at.exception, (key, at.exception)
        w = getattr(at, kind)(key=key)
        value = w.value
        got = value if kind != "multiselect" else (value[0] if len(value) == 1 else value)
        assert got != zh_label, (key, value)
        assert _shown(w, at, got) == en_label, (key, value, en_label)


def _shown(w, at, value) -> str:
    """A widget's label for `value` as its page (language) shows it. Format functions that read the language
    from Session State see none outside a run, so the run's language is set for the call."""
    import streamlit as st
    from streamlit.testing.v1.element_tree import _format_value_for_widget

    lang = at.session_state["lang"]
    st.session_state["lang"] = lang
    try:
        return _format_value_for_widget(w.format_func, value)
    finally:
        del st.session_state["lang"]
