"""Overview: totals per platform and week for what is loaded."""

import streamlit as st

from smm import charts, queries, ui

c = ui.con()
L = ui.lang()
f = ui.filters()
st.title(ui.t("overview.title"))
if queries.sample_only(c):
    st.info(ui.t("sample.banner"))
if not queries.has_live_data(c):
    st.warning(ui.t("overview.empty"))
    st.stop()

tot = queries.totals(c, f)
if tot["missing_fx"]:
    st.warning(ui.t("overview.missing_fx", currencies=", ".join(tot["missing_fx"])))
weekly = queries.weekly_by_platform(c, queries.Filters(platforms=f.platforms, currency=f.currency))
st.subheader(ui.t("overview.by_platform_week"))
st.altair_chart(charts.weekly_platform_bars(weekly, "spend", L, f.currency), width="stretch")
st.dataframe(ui.weekly_table(weekly), hide_index=True)
