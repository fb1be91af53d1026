"""Overview: the first screen of the weekly review — spend and return, where the funnel leaks, what changed."""

import streamlit as st

from smm import export, overview, queries, store, ui
from smm import overview_charts as oc

c = ui.con()
L = ui.lang()
f = ui.filters()
s = ui.settings()
mode = ui.compare_mode()
big = ui.presenting()


@st.cache_data(show_spinner=False, ttl=600, max_entries=32)
def _view(version: tuple, path: str, filters, settings, compare: str, lang: str) -> overview.View:
    """Every Overview query for one filter state, cached per data version."""
    return overview.build_view(ui.con(), filters, settings, compare, lang)


st.html(oc.PAGE_CSS_BIG if big else oc.PAGE_CSS)
st.title(ui.t("overview.title"))
if queries.sample_only(c) and not big:
    st.info(ui.t("sample.banner"))

v = _view(ui.data_version(c), str(store.db_path()), f, s, mode, L)
k = v.kpis
if v.missing_fx:
    st.warning(ui.t("overview.missing_fx", currencies=", ".join(v.missing_fx)), icon=":material/currency_exchange:")
if v.empty is not None:
    st.warning(v.empty.message, icon=":material/filter_alt_off:")
    if v.empty.kind != "no_rows":
        st.page_link("pages/data.py", label=ui.t("overview.go_data"), icon=":material/upload_file:")
    st.stop()

st.caption(v.caption)
for note in v.notes:
    st.info(note, icon=":material/info:")

# KPI tiles: the delta is coloured by the metric's direction (lower CPA is green), not by its sign.
vs = ui.t(f"overview.vs_short.{mode}") if any(tile.delta for tile in v.tiles) and not big else None
with ui.metric_group("overview", [tile.value for tile in v.tiles], [tile.delta for tile in v.tiles]):
    for row in (v.tiles[:5], v.tiles[5:]):
        for col, tile in zip(st.columns(len(row)), row, strict=True):
            col.metric(tile.label, tile.value, tile.delta, delta_color=tile.delta_color, help=tile.help,
                       border=True, chart_data=tile.spark or None, chart_type=tile.spark_kind,
                       delta_arrow=tile.arrow, delta_description=vs)
for w in v.warnings:
    st.warning(w, icon=":material/warning:")

left, right = st.columns(2, gap="large")
with left:
    st.subheader(ui.t("overview.what_changed"))
    if v.changes:
        st.markdown("\n".join(f"- {oc.change_marker(ch)} {ch.text}" for ch in v.changes))
    else:
        st.caption(v.changes_none)
with right:
    st.subheader(ui.t("overview.bottleneck"))
    st.markdown("\n".join(f"- {line}" for line in v.bottlenecks))

st.subheader(ui.t("overview.funnel"))
st.caption(ui.t("overview.funnel_caption"))
scopes = [r.platform or "all" for r in v.funnel]   # "all" platforms: text, so a language switch resends it
scope = st.selectbox(ui.t("overview.funnel_scope"), scopes, key="ov_funnel_scope",
                     **ui.in_url("ov_funnel_scope", scopes[0], options=scopes),
                     format_func=lambda p: ui.i18n.t("overview.all_platforms", L) if p == "all"
                     else ui.i18n.platform_label(p, L))
row = next((r for r in v.funnel if (r.platform or "all") == scope), v.funnel[0])
# Side by side where both fit; one above the other on a narrower screen (a 1280 px projector), where the rate
# table's columns would be too narrow for their headers (ui.BASE_CSS: the smm_wrap_ container's columns wrap).
with st.container(key="smm_wrap_funnel"):
    fc1, fc2 = st.columns(2, gap="large")
charts = {"funnel": oc.funnel_chart(row, L, k.currency, big=big),
          "stage_rates": oc.stage_rates_chart(v.funnel, L, k.currency, big=big)}
fc1.vega_lite_chart(spec=charts["funnel"], width="stretch")
fc2.vega_lite_chart(spec=charts["stage_rates"], width="stretch")

st.subheader(ui.t("overview.trend"))
st.caption(ui.t("overview.trend_caption"))
charts["trend_spend_revenue"], charts["trend_roas"] = oc.trend_charts(v.trend, L, k.currency, big=big)
st.vega_lite_chart(spec=charts["trend_spend_revenue"], width="stretch")
st.vega_lite_chart(spec=charts["trend_roas"], width="stretch")

st.subheader(ui.t("overview.platforms"))
st.caption(ui.t("overview.platforms_caption_present" if big else "overview.platforms_caption"))
styled = overview.table_styler(v.table, k.currency, L, present=big)
if big:
    with st.container(key="smm_table_fit"):
        st.table(styled, hide_index=True)
else:
    st.dataframe(styled, hide_index=True, key="ov_platform_table", placeholder="—")
    st.download_button(ui.t("overview.download_csv"), overview.table_csv(v.table, L), key="ov_download",
                       file_name=f"overview_{k.start}_{k.end}.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore")      # no rerun: the PNG button beside it keeps its file id
charts["platform_spend"] = oc.platform_spend_chart(v.table, L, k.currency, big=big)
st.vega_lite_chart(spec=charts["platform_spend"], width="stretch")
if not big:
    # Rendered only when clicked (a callable), so a rerun never pays for the pictures.
    st.download_button(ui.t("overview.download_png"), lambda: export.charts_zip(charts), key="ov_png",
                       file_name=f"overview_charts_{k.start}_{k.end}_{L}.zip", mime="application/zip",
                       icon=":material/image:", on_click="ignore")
