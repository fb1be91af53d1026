"""Content performance: which forms and themes work where, which posts to learn from, when to publish."""

import streamlit as st

from smm import content, fmt, queries, store, ui
from smm import content_charts as cc
from smm.metrics import formula_text, get

c = ui.con()
L = ui.lang()
f = ui.filters()
s = ui.settings()
cur = f.currency
st.title(ui.t("content.title"))
st.caption(ui.t("content.subtitle"))
if queries.sample_only(c):
    st.info(ui.t("sample.banner"))
if not queries.has_live_data(c):
    st.warning(ui.t("content.empty"))
    st.stop()


@st.cache_data(show_spinner=False, ttl=600, max_entries=8)
def _posts(version: tuple, path: str, filters, settings, scope: str, rules: tuple):
    """Per-post sums for the filters: computed once, then every roll-up of the page runs over them."""
    return content.posts(ui.con(), filters, settings, scope=scope, rules=list(rules))


@st.cache_data(show_spinner=False, ttl=600)
def _cached(fn: str, version: tuple, path: str, filters, settings, scope: str, rules: tuple, **kw):
    """Content queries, cached per data version (theme rules and thresholds live in the store too)."""
    pm = _posts(version, path, filters, settings, scope, rules)
    return getattr(content, fn)(ui.con(), filters, settings, scope=scope, rules=list(rules), posts=pm, **kw)


def q(fn: str, **kw):
    return _cached(fn, ui.data_version(c), str(store.db_path()), f, s, scope, rules, **kw)


def heat_block(n: int, lang: str) -> str:     # "2 hours" / "2 小时"
    return ui.i18n.t("content.heat_block_fmt", lang, n=n)


def save_pref(name: str, key: str) -> None:
    content.save_prefs(ui.con(), **{name: st.session_state[key]})


def use_views() -> None:
    st.session_state["er_base"] = "views"


def use_range(start, end) -> None:
    st.session_state["dates"] = (start, end)  # the shared sidebar date range (and so the URL)


prefs = content.load_prefs(c)
stored_rules = content.load_theme_rules(c)
rule_rows = stored_rules if stored_rules is not None else content.default_theme_rules(L)
rules = tuple(content.parse_rules(rule_rows))

scope = (
    st.segmented_control(
        ui.t("content.scope"),
        content.SCOPES,
        key="content_scope",
        required=True,
        **ui.in_url("content_scope", "lifetime", options=content.SCOPES, default="lifetime"),
        format_func=lambda x: ui.i18n.t(f"content.scope.{x}", L),
        help=ui.t("content.scope_help"),
    )
    or "lifetime"
)
info = q("scope_info")
start, end = (f.start.isoformat() if f.start else "—"), (f.end.isoformat() if f.end else "—")
if info["posts"] == 0:
    other = _cached("scope_info", ui.data_version(c), str(store.db_path()), f, s, "weekly", rules)
    if scope == "lifetime" and other["posts"]:
        st.info(ui.t("content.no_posts_lifetime", start=start, end=end))
    else:
        st.info(ui.t("content.no_posts"))
    st.stop()

snapshot = info["last_snapshot"].isoformat() if info["last_snapshot"] else "—"
st.markdown(
    ui.t(
        f"content.scope_note.{scope}",
        start=start,
        end=end,
        posts=info["posts"],
        cumulative=info["cumulative_posts"],
        first=info["first_snapshot_posts"],
        snapshot=snapshot,
    )
)
if info["er_posts"] < info["posts"]:
    base = ui.i18n.field_label(s.er_base, L)
    col1, col2 = st.columns([4, 1], vertical_alignment="center")
    col1.warning(ui.t("content.er_coverage", base=base, n=info["er_posts"], total=info["posts"]))
    if s.er_base != "views":
        col2.button(
            ui.t("content.er_use_views"),
            key="content_use_views",
            on_click=use_views,
            type="primary",
            width="stretch",
        )
if info["posts"] < content.FEW_POSTS:
    ranges = content.wider_ranges(c, f)
    cols = st.columns([3, 1, 1], vertical_alignment="center")
    cols[0].info(ui.t("content.few_posts", n=info["posts"]))
    for col, (name, (a, b)) in zip(cols[1:], ranges.items(), strict=False):
        col.button(
            ui.t(f"content.range.{name}", start=a.isoformat(), end=b.isoformat()),
            key=f"content_range_{name}",
            on_click=use_range,
            args=(a, b),
            width="stretch",
        )
st.caption(ui.t("content.definitions", er_formula=formula_text(get("er"), s, L)))

# ---------------------------------------------------------------- form × platform
st.header(ui.t("content.forms"))
form_metric = st.selectbox(
    ui.t("content.form_metric"),
    content.FORM_METRICS,
    key="content_form_metric",
    **ui.in_url("content_form_metric", content.FORM_METRICS[0], options=content.FORM_METRICS,
                label=cc.metric_name),
    format_func=lambda m: cc.metric_name(m, L),
)
heads = q("form_headlines", metric=form_metric, min_posts=int(prefs["min_posts"]))
if heads.empty:
    st.caption(ui.t("content.no_headline", n=int(prefs["min_posts"]), metric=cc.metric_name(form_metric, L)))
for _, h in heads.iterrows():
    st.markdown("- " + cc.headline_text(h, form_metric, L, cur))
grp = q("by_type_platform")
if grp[f"{form_metric}_median"].notna().any():
    ui.chart_grid(ui.panels(cc.form_chart, grp, form_metric, L, cur), key="content_forms")
with st.expander(ui.t("content.table_forms")):
    table, conf = cc.forms_table(grp, L, cur)
    ui.dataframe(table, hide_index=True, column_config=conf, width="stretch")

# ---------------------------------------------------------------- themes
st.header(ui.t("content.themes"))
st.caption(
    ui.t(
        "content.themes_note",
        export=info["export_themed_posts"],
        themed=info["themed_posts"],
        total=info["posts"],
    )
)
with st.expander(ui.t("content.rules"), expanded=stored_rules is None or not info["themed_posts"]):
    if stored_rules is None:
        st.caption(ui.t("content.rules_default"))
    if st.session_state.pop("content_rules_saved", False):
        st.toast(ui.t("content.rules_saved"))
    matches = q("rule_matches")
    edited = ui.data_editor(
        cc.rules_frame(rule_rows, matches, L),
        key="content_theme_rules",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=cc.rules_config(L),
    )
    new_rows = content.clean_rows(cc.editor_rows(edited))
    if new_rows != content.clean_rows(rule_rows):
        content.save_theme_rules(c, new_rows)
        del st.session_state["content_theme_rules"]  # the stored rows are the editor's new starting point
        st.session_state["content_rules_saved"] = True
        st.rerun()
    incomplete = len(rule_rows) - len(rules)
    if incomplete:
        st.caption(ui.t("content.rules_incomplete", n=incomplete))
split = st.toggle(ui.t("content.theme_split"), key="content_theme_split",
                  **ui.in_url("content_theme_split", False, kind="bool"))
themes = q("by_theme", split_platform=split)
with st.container(key="smm_wrap_themes"):   # one above the other where the table would not show its columns
    left, right = st.columns([5, 6]) if not split else (None, st.container())
if left is not None and themes[f"{form_metric}_median"].notna().any():
    with left:
        ui.chart(ui.specs(cc.theme_chart, themes, form_metric, L, cur), width="stretch")
with right:
    table, conf = cc.themes_table(themes, L, cur, split)
    ui.dataframe(table, hide_index=True, column_config=conf, width="stretch")

# ---------------------------------------------------------------- top and bottom posts
st.header(ui.t("content.top"))
col1, col2 = st.columns(2)
rank_metric = col1.selectbox(
    ui.t("content.rank_metric"),
    content.RANK_METRICS,
    key="content_rank_metric",
    **ui.in_url("content_rank_metric", content.RANK_METRICS[0], options=content.RANK_METRICS,
                label=cc.metric_name),
    format_func=lambda m: cc.metric_name(m, L),
)
ui.in_url("content_min_exposure", int(prefs["min_exposure"]), kind="int", lo=0)
if "content_min_exposure" not in st.session_state:
    st.session_state["content_min_exposure"] = int(prefs["min_exposure"])
min_exposure = col2.number_input(
    ui.t("content.min_exposure"),
    min_value=0,
    step=500,
    key="content_min_exposure",
    help=ui.t("content.min_exposure_help"),
    on_change=save_pref,
    args=("min_exposure", "content_min_exposure"),
)
top, bottom = q("top_bottom", metric=rank_metric, min_exposure=min_exposure, n=10)
mname = cc.metric_name(rank_metric, L)
if top.empty:
    st.info(ui.t("content.none_ranked", metric=mname))
else:
    room = ui.presenting()
    table, conf, order = cc.posts_table(top, rank_metric, L, cur, room=room)
    st.caption(
        ui.t("content.ranked_of", n=int(top["ranked"].iloc[0]), min=fmt.count(min_exposure, L), metric=mname)
    )
    if order:
        st.caption(ui.t("content.table_present", shown=len(order), all=len(table.data.columns)))
    st.subheader(ui.t("content.top_n", n=len(top), metric=mname))
    ui.dataframe(table, hide_index=True, column_config=conf, width="stretch", key="content_top_table",
                 column_order=order)
    if not bottom.empty:
        st.subheader(ui.t("content.bottom_n", n=len(bottom), metric=mname))
        table, conf, order = cc.posts_table(bottom, rank_metric, L, cur, room=room)
        ui.dataframe(table, hide_index=True, column_config=conf, width="stretch", key="content_bottom_table",
                     column_order=order)

# ---------------------------------------------------------------- best time to post
st.header(ui.t("content.best_time"))
plats = info["platforms"]
ui.in_url("content_min_posts", int(prefs["min_posts"]), kind="int", lo=1, hi=50)
if "content_min_posts" not in st.session_state:
    st.session_state["content_min_posts"] = int(prefs["min_posts"])
c1, c2, c3, c4 = st.columns(4)
heat_platform = c1.selectbox(
    ui.t("content.heat_platform"),
    plats,
    key="content_heat_platform",
    **ui.in_url("content_heat_platform", plats[0] if plats else None, options=plats),
    format_func=lambda p: ui.i18n.platform_label(p, L),
)
heat_metric = c2.selectbox(
    ui.t("content.heat_metric"),
    content.HEAT_METRICS,
    key="content_heat_metric",
    **ui.in_url("content_heat_metric", content.HEAT_METRICS[0], options=content.HEAT_METRICS,
                label=cc.metric_name),
    format_func=lambda m: cc.metric_name(m, L),
)
block = c3.selectbox(
    ui.t("content.heat_block"),
    content.HOUR_BLOCKS,
    key="content_heat_block",
    **ui.in_url("content_heat_block", content.HOUR_BLOCKS[0], options=content.HOUR_BLOCKS, label=heat_block),
    format_func=lambda n: heat_block(n, L),
)
min_posts = c4.number_input(
    ui.t("content.min_posts"),
    min_value=1,
    max_value=50,
    step=1,
    key="content_min_posts",
    help=ui.t("content.min_exposure_help"),
    on_change=save_pref,
    args=("min_posts", "content_min_posts"),
)
heat = q(
    "heatmap", platform=heat_platform, metric=heat_metric, min_posts=int(min_posts), hour_block=int(block)
)
ui.chart(ui.specs(cc.heatmap_chart, heat, heat_metric, heat_platform, L, cur, int(min_posts)), width="stretch")
best = content.best_slots(heat, heat_metric)
plabel = ui.i18n.platform_label(heat_platform, L)
if best.empty:
    st.markdown(ui.t("content.no_slot", platform=plabel, n=int(min_posts)))
else:
    st.markdown(ui.t("content.best_slot", platform=plabel, slots=cc.slots_text(best, heat_metric, L, cur)))
st.caption(ui.t("content.heat_note", n=int(min_posts)))

# ---------------------------------------------------------------- outliers
st.header(ui.t("content.outliers"))
z = st.slider(ui.t("content.outlier_z"), 2.0, 5.0, key="content_outlier_z", step=0.5,
              **ui.in_url("content_outlier_z", 3.5, kind="float", lo=2.0, hi=5.0, value=3.5))
st.caption(ui.t("content.outliers_help"))
out = q("outliers", z=z, min_exposure=min_exposure)
if out.empty:
    st.info(ui.t("content.no_outliers", z=z))
else:
    table, conf, order = cc.outliers_table(out, L, cur, room=ui.presenting())
    if order:
        st.caption(ui.t("content.table_present", shown=len(order), all=len(table.data.columns)))
    ui.dataframe(table, hide_index=True, column_config=conf, width="stretch", key="content_outliers_table",
                 column_order=order)
