"""KOLs: who earns their fee — scorecard, side-by-side comparison, trend, combined score, quality hints."""

import datetime as dt

import streamlit as st

from smm import export, fmt, i18n, kol, kol_charts, queries, store, ui
from smm.kol import KolOptions

c = ui.con()
L = ui.lang()
f = ui.filters()
s = ui.settings()
ss = st.session_state
st.title(ui.t("kol.title"))
if not queries.has_live_data(c):
    st.warning(ui.t("overview.empty"))
    st.stop()


@st.cache_data(show_spinner=False, ttl=600)
def _load(version: tuple, path: str, f, s, opts: KolOptions) -> dict:
    return kol.page_data(ui.con(), f, s, opts)


@st.cache_data(show_spinner=False, ttl=600)
def _compare(version: tuple, path: str, f, s, opts: KolOptions, keys: tuple, metrics: tuple):
    return kol.compare(ui.con(), f, s, opts, list(keys), list(metrics), pop=_load(version, path, f, s, opts)["pop"])


@st.cache_data(show_spinner=False, ttl=600)
def _trend(version: tuple, path: str, f, s, key: str, grain: str):
    return kol.trend(ui.con(), f, s, key, grain)


@st.cache_data(show_spinner=False, ttl=600)
def _scatter(version: tuple, path: str, f, s, opts: KolOptions, y: str):
    return kol.scatter(ui.con(), f, s, opts, y, pop=_load(version, path, f, s, opts)["pop"])


def _reset_weights() -> None:
    for m in kol.SCORE_METRICS:
        ss[f"kol_w_{m}"] = kol.DEFAULT_WEIGHTS[m]


def _use_all_dates(lo: dt.date, hi: dt.date) -> None:
    ss["dates"] = (lo, hi)


# ---- page settings: part of the view's URL and kept across page switches (ui.in_url), else the team default.
stored = kol.load_options(c)
ui.in_url("kol_window", stored.window, options=kol.WINDOWS)
ui.in_url("kol_tier", stored.preset, options=kol.TIER_PRESETS)
# Custom bounds are text in the user's language ("1万, 10万" / "10K, 100K"): text that reads as the team's bounds
# in either language leaves the URL clean.
_typed = ss.get("kol_bounds")
ui.in_url("kol_bounds", _typed if _typed is not None and kol.same_bounds(_typed, stored.custom_bounds)
          else kol.bounds_text(stored.custom_bounds, L))
ss.setdefault("kol_window", stored.window)
ss.setdefault("kol_tier", stored.preset)
ss.setdefault("kol_bounds", kol.bounds_text(stored.custom_bounds, L))
for _m in kol.SCORE_METRICS:
    ui.in_url(f"kol_w_{_m}", stored.weight(_m), kind="float", lo=0.0, hi=100.0)
    ss.setdefault(f"kol_w_{_m}", stored.weight(_m))

top = st.columns([3, 3, 4])
window = top[0].radio(ui.t("kol.window"), kol.WINDOWS, key="kol_window", help=ui.t("kol.window.help"),
                      format_func=lambda x: ui.t(f"kol.window.{x}"))
preset = top[1].selectbox(ui.t("kol.tier_preset"), kol.TIER_PRESETS, key="kol_tier",
                          format_func=lambda x: ui.t(f"kol.tier_preset.{x}"))
bounds = stored.custom_bounds
if preset == "custom":
    text = top[1].text_input(ui.t("kol.custom_bounds"), key="kol_bounds")
    try:
        bounds = kol.parse_bounds(text)
    except ValueError:
        top[1].error(ui.t("kol.custom_bounds_bad", text=text))
weights = {m: float(ss.get(f"kol_w_{m}") or 0.0) for m in kol.SCORE_METRICS}
opts = KolOptions(window=window, preset=preset, custom_bounds=bounds).with_weights(weights)
top[2].markdown(ui.t("kol.tiers_in_force", text=kol.tiers_text(opts, L)))

lo, hi = queries.data_range(c)
start, end = f.start or lo, f.end or hi
days = kol.short_range_days(start, end, lo, hi)
if days:
    hint = st.columns([5, 3])
    hint[0].info(ui.t("kol.short_range", days=days))
    hint[1].button(ui.t("kol.use_all_dates", start=lo.isoformat(), end=hi.isoformat()), key="kol_all_dates",
                   on_click=_use_all_dates, args=(lo, hi))

version = ui.data_version(c)
path = str(store.db_path())
data = _load(version, path, f, s, opts)
sc, sco, fl, tot = data["sc"], data["scores"], data["flags"], data["totals"]
if data["missing"]:
    st.warning(ui.t("kol.missing_fx", currencies=", ".join(data["missing"])))
if sc.empty:
    st.info(ui.t("kol.empty"))
    st.stop()

st.caption(ui.t(f"kol.basis.{window}", start=start.isoformat() if start else "—",
                end=end.isoformat() if end else "—", currency=f.currency))
if f.campaigns or f.content_types:
    st.caption(ui.t("kol.basis.filters"))

# ---- tiles
tile_values = [f"{tot['kols_with_results']} / {tot['kols']}",
               *(kol.format_value(k, tot[k], f.currency, L) for k in ("fee", "revenue", "roi", "cpe", "cpa")),
               str(fl["key"].nunique())]
with ui.metric_group("kol", tile_values):
    cols = st.columns(7)
    cols[0].metric(ui.t("kol.tile.kols"), tile_values[0])
    cols[1].metric(ui.t("kol.tile.fee"), tile_values[1])
    cols[2].metric(ui.t("kol.tile.revenue"), tile_values[2])
    cols[3].metric(ui.t("kol.tile.roi"), tile_values[3], help=ui.t("kol.tile.roi_help"))
    cols[4].metric(ui.t("kol.tile.cpe"), tile_values[4], help=kol.metric_formula("cpe", s, L))
    cols[5].metric(ui.t("kol.tile.cpa"), tile_values[5], help=kol.metric_formula("cpa", s, L))
    cols[6].metric(ui.t("kol.tile.flags"), tile_values[6])
if tot["fee_only"]:
    st.caption(ui.t("kol.fee_only", n=tot["fee_only"], platforms=" · ".join(
        ui.t(f"platform.{p}") for p in kol.fee_only_platforms(sc))))

flagged = set(fl["key"])
named = {k: (n, p) for k, n, p in zip(sc["key"], sc["kol"], sc["platform"], strict=False)}
labels = {k: kol.label_of(n, p, L) for k, (n, p) in named.items()}


def label_in(k: str, lang: str) -> str:     # a KOL's label in either language (ui.unlabel)
    return kol.label_of(*named[k], lang) if k in named else k

scored = list(sco["key"])
with_results = list(sc.loc[sc["has_results"], "key"])

tabs = ui.tabs("kol_tab", ("scorecard", "compare", "trend", "score", "flags", "scatter"), "kol.tab.")

# ---- scorecard
with tabs[0]:
    frame = kol.scorecard_frame(sc, sco, fl, L, opts)
    cfg = {col: st.column_config.Column(kol.column_label(col, L), help=kol.metric_formula(col, s, L) or None)
           for col in frame.columns}
    cfg["score"] = st.column_config.Column(kol.column_label("score", L),
                                           help=ui.t("kol.score.method", min_peers=kol.MIN_PEERS))
    room = ui.presenting()
    st.caption(ui.t("kol.table_help_present" if room else "kol.table_help", currency=f.currency,
                    shown=len(kol.ROOM_COLUMNS), all=len(frame.columns)))
    ui.dataframe(kol.scorecard_styler(frame, L, f.currency), column_config=cfg, hide_index=True, key="kol_table",
                 placeholder=fmt.DASH, column_order=kol.ROOM_COLUMNS if room else None,
                 height=ui.table_height(len(frame), max_rows=20))
    exp = kol.export_frame(frame, L, f.currency)
    with ui.button_row("kol_export"):
        st.download_button(ui.t("kol.export_csv"), export.to_csv_bytes(exp), file_name="kol_scorecard.csv",
                           mime="text/csv", key="kol_export_csv", icon=":material/download:", on_click="ignore")
        st.download_button(ui.t("kol.export_xlsx"), lambda exp=exp: export.to_xlsx_bytes(exp, sheet="KOL"),
                           file_name="kol_scorecard.xlsx", key="kol_export_xlsx", icon=":material/download:",
                           mime=export.XLSX_MIME, on_click="ignore")
    with st.expander(ui.t("kol.definitions")):
        st.markdown(kol.definitions_md(s, L))

# ---- side-by-side comparison
with tabs[1]:
    # The chips wrap (in a column Streamlit keeps them on one scrolling row): the room sees every KOL and metric
    # compared, where four KOLs had the first cut to "a · 抖音" and the fourth metric to "RO".
    pick = st.columns([3, 2])
    first = (scored or with_results)[:3]
    chosen = pick[0].multiselect(ui.t("kol.compare.pick"), with_results, key="kol_compare", max_selections=5,
                                 **ui.in_url("kol_compare", first, options=with_results, many=True, limit=5,
                                             label=label_in, default=first),
                                 format_func=lambda k: labels.get(k, k), wrap=True)
    metrics0 = ["er", "cpe", "cpa", "roi"]
    cmp_metrics = pick[1].multiselect(ui.t("kol.compare.metrics"), kol.COMPARE_METRICS, key="kol_cmp_metrics",
                                      **ui.in_url("kol_cmp_metrics", metrics0, options=kol.COMPARE_METRICS,
                                                  many=True, default=metrics0),
                                      format_func=lambda m: kol.metric_label(m, L), wrap=True)
    if len(chosen) < 2:
        st.info(ui.t("kol.compare.need_two"))
    elif cmp_metrics:
        cmp = _compare(version, path, f, s, opts, tuple(chosen), tuple(cmp_metrics))
        grid = st.columns(2)
        for i, chart in enumerate(ui.specs(kol_charts.compare_charts, cmp, L, f.currency, opts, flagged)):
            with grid[i % 2]:
                ui.chart(chart, key=f"kol_compare_chart_{i}", width="stretch")
        groups = " · ".join(dict.fromkeys(
            f"{labels.get(k, k)} → {kol.tier_label(t, L, opts)}"
            for k, t in zip(cmp["key"], cmp["tier"], strict=False)))
        st.caption(ui.t("kol.compare.median_note", groups=groups))

# ---- trend of one KOL
with tabs[2]:
    one = chosen[0] if chosen else (scored or with_results or [None])[0]
    tc = st.columns([3, 3])
    tkey = tc[0].selectbox(ui.t("kol.trend.pick"), with_results, key="kol_trend",
                           **ui.in_url("kol_trend", one, options=with_results, label=label_in,
                                       index=with_results.index(one) if one in with_results else 0),
                           format_func=lambda k: labels.get(k, k))
    grain = tc[1].radio(ui.t("kol.trend.grain"), kol.TREND_GRAINS, key="kol_trend_grain", horizontal=True,
                        **ui.in_url("kol_trend_grain", kol.TREND_GRAINS[0], options=kol.TREND_GRAINS),
                        format_func=lambda g: ui.t(f"kol.trend.grain.{g}"))
    tr = _trend(version, path, f, s, tkey, grain) if tkey else None
    if tr is None or tr.empty:
        st.info(ui.t("kol.trend.empty"))
    else:
        specs = ui.specs(kol_charts.trend_charts, tr, labels.get(tkey, tkey), L, f.currency, grain)
        for i, chart in enumerate(specs):
            ui.chart(chart, key=f"kol_trend_chart_{i}", width="stretch", height=260)
        st.caption(ui.t("kol.trend.note", end=end.isoformat() if end else "—"))

# ---- combined score
with tabs[3]:
    st.markdown(f"**{ui.t('kol.score.weights')}**")
    wc = st.columns(len(kol.SCORE_METRICS), vertical_alignment="bottom")    # fields level under labels that wrap
    for col, m in zip(wc, kol.SCORE_METRICS, strict=False):
        col.number_input(kol.metric_label(m, L), min_value=0.0, max_value=100.0, step=5.0, key=f"kol_w_{m}", format="%.0f",
                         help=kol.metric_formula(m, s, L))
    st.caption(ui.t("kol.score.defaults", text=" · ".join(
        f"{kol.metric_label(m, L)} {kol.DEFAULT_WEIGHTS[m]:.0f}" for m in kol.SCORE_METRICS)))
    bc = st.columns([2, 3, 5])
    bc[0].button(ui.t("kol.score.reset"), key="kol_w_reset", on_click=_reset_weights)
    if bc[1].button(ui.t("kol.score.save"), key="kol_save"):
        kol.save_options(c, opts)
        st.toast(ui.t("kol.score.saved"))
    st.caption(ui.t("kol.score.method", min_peers=kol.MIN_PEERS))
    if sum(weights.values()) <= 0:
        st.warning(ui.t("kol.score.zero"))
    elif sco["score"].notna().sum() == 0:
        st.info(ui.t("kol.score.none"))
    else:
        tb = data["tb"]
        for side in ("top", "bottom"):
            part = tb[tb["side"] == side]
            if part.empty:
                continue
            st.subheader(ui.t(f"kol.score.{side}"))
            ui.dataframe(kol.top_bottom_frame(part, L, f.currency, opts, flagged), hide_index=True,
                         key=f"kol_{side}_table", placeholder=fmt.DASH, column_config={
                             ui.t("kol.col.score"): st.column_config.ProgressColumn(
                                 ui.t("kol.col.score"), min_value=0, max_value=100, format="%.0f"),
                             ui.t("kol.score.reasons"): st.column_config.TextColumn(width="large")})
        ui.chart(ui.specs(kol_charts.score_chart, sco, L, opts, flagged), key="kol_score_chart", width="stretch")

# ---- quality flags
with tabs[4]:
    st.caption(ui.t("kol.flags.intro", end=end.isoformat() if end else "—"))
    if fl.empty:
        st.success(ui.t("kol.flags.none"))
    for key in dict.fromkeys(fl["key"]):
        rows = fl[fl["key"] == key].to_dict("records")
        r0 = rows[0]
        head = f"**{kol.md_escape(r0['kol'])}** · {ui.t('platform.' + r0['platform'])} · {kol.tier_label(r0['tier'], L, opts)}"
        colon = "：" if L == "zh" else ": "
        lines = [f"- **{ui.t('kol.flag.' + r['rule'])}**{colon}{kol.md_escape(kol.flag_text(r, L))}" for r in rows]
        st.warning(head + "\n" + "\n".join(lines), icon=":material/flag:")
    with st.expander(ui.t("kol.flags.rules")):
        st.markdown(ui.t("kol.flags.rules_text", er_hi=f"{kol.FLAG_ER_HIGH:g}", conv_lo=f"{kol.FLAG_CONV_LOW:g}",
                         lv_hi=f"{kol.FLAG_LIKES_VIEWS:g}", cl_lo=f"{kol.FLAG_COMMENTS_LIKES:g}",
                         min_likes=f"{kol.MIN_LIKES:,.0f}", jump=f"{kol.FLAG_FOLLOWER_JUMP:.0%}",
                         jump_peer=f"{kol.FLAG_FOLLOWER_PEER:g}", min_peers=kol.MIN_PEERS,
                         min_views=f"{kol.MIN_VIEWS:,.0f}"))

# ---- cost vs result
with tabs[5]:
    y = st.columns([1, 3])[0].selectbox(ui.t("kol.scatter.y"), kol.SCATTER_Y, key="kol_scatter_y",
                                        **ui.in_url("kol_scatter_y", kol.SCATTER_Y[0], options=kol.SCATTER_Y,
                                                    label=kol.metric_label),
                                        format_func=lambda m: kol.metric_label(m, L))
    sp = _scatter(version, path, f, s, opts, y)
    if sp.empty:
        st.info(ui.t("kol.scatter.empty"))
    else:
        ui.chart(ui.specs(kol_charts.scatter_chart, sp, y, L, f.currency, opts), key="kol_scatter_chart",
                        width="stretch", height=520)
        st.caption(ui.t("kol.scatter.note", y=kol.metric_label(y, L)))
        for q in ("cheap_strong", "costly_strong", "cheap_weak", "costly_weak"):
            names = [kol.md_escape(n) for n in sp.loc[sp["quadrant"] == q, "kol"]]
            st.markdown(ui.t("kol.q.list", q=ui.t(f"kol.q.{q}"), n=len(names), names=i18n.listing(names, L) or "—"))
