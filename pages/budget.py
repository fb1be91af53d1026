"""Budget: plan vs actual (alerts, pacing, burn), the what-if with response curves, plan editor and versions."""

import datetime as dt

import streamlit as st

from smm import (
    budget,
    budget_charts,
    export,
    fmt,
    i18n,
    metrics,
    schema,
    store,
    templates,
    ui,
    whatif,
)

c = ui.con()
L = ui.lang()
f = ui.filters()
cur = f.currency
ss = st.session_state
t = lambda key, **kw: i18n.t(key, L, **kw)  # noqa: E731  (fixed language: format_funcs run later)
money = lambda x: fmt.money(x, cur, L)  # noqa: E731


@st.cache_data(show_spinner=False)
def _pacing(version, path, ws, we, as_of, cur, s, platforms):
    cc = ui.con()
    return (budget.pacing(cc, ws, we, as_of, cur, s, platforms),
            budget.pacing_totals(cc, ws, we, as_of, cur, s, platforms))


@st.cache_data(show_spinner=False)
def _burn(version, path, ws, we, as_of, cur, s, platforms, cats):
    return budget.burn_series(ui.con(), ws, we, as_of, cur, s, platforms, cats)


@st.cache_data(show_spinner=False)
def _fits(version, path, cur, s, platforms):
    """Response curves: fitted once per data change (and currency / settings / platform filter)."""
    cc = ui.con()
    hist = whatif.weekly_history(cc, cur, platforms)
    return whatif.fit_models(hist, s), hist


version = ui.data_version(c)
path = str(store.db_path())
settings = budget.load_settings(c)
platforms = f.platforms

st.title(t("budget.title"))

# ---------------------------------------------------------------- window and as-of date
periods = budget.plan_periods(c, cur)
last = budget.last_data_date(c)
options = budget.period_choices(periods)
c1, c2, c3 = st.columns([2, 1, 1])
first = budget.period_key(budget.default_period(periods, last))
period = c1.selectbox(t("budget.period"), options, key="budget_period",
                      **ui.in_url("budget_period", first, options=options, label=budget.period_label,
                                  index=options.index(first)),
                      format_func=lambda o: budget.period_label(o, L))
if period == budget.CUSTOM:
    bounds = budget.window_bounds(periods, last or dt.date.today())
    rng = c2.date_input(t("budget.window"), key="budget_window", format="YYYY-MM-DD",
                        **ui.in_url("budget_window", bounds, kind="date", value=bounds))
    ws, we = (rng[0], rng[-1]) if rng else budget.window_bounds(periods, last or dt.date.today())
else:
    ws, we = budget.parse_period(period)
as_of_in = c3.date_input(t("budget.as_of"), key="budget_as_of", format="YYYY-MM-DD",
                         **ui.in_url("budget_as_of", last, kind="day", value=last),
                         help=t("budget.as_of_help"))
as_of = as_of_in or last or dt.date.today()
days = budget.window_days(ws, we)
if as_of != last:
    st.caption(t("budget.as_of_set", asof=as_of, last=last or "—", start=ws, end=we, days=days))
else:
    st.caption(t("budget.as_of_last", asof=as_of, start=ws, end=we, days=days))

missing = budget.missing_fx(c, cur)
if missing:
    st.warning(t("budget.missing_fx", currencies=", ".join(missing)))

pace, totals = _pacing(version, path, ws, we, as_of, cur, settings, platforms)

# ---------------------------------------------------------------- alerts on top
al = budget.alerts(pace)
if periods.empty:
    st.info(t("budget.no_plan"))
elif al.empty:
    st.success(t("budget.no_alerts", start=ws, end=we))
else:
    st.subheader(t("budget.alerts", n=len(al)))
    for r in al.itertuples():
        if r.status == "overspent":
            st.error(budget.alert_text(r, L, cur, as_of), icon=":material/error:")
        else:
            st.warning(budget.alert_text(r, L, cur, as_of), icon=":material/warning:")

tab_burn, tab_wi, tab_plan = ui.tabs("budget_tab", ("burn", "whatif", "plan"), "budget.tab.")

# ---------------------------------------------------------------- burn
with tab_burn:
    if not periods.empty and not pace.empty:
        burn = [money(totals["planned"]), money(totals["actual"]), fmt.pct(totals["pct_elapsed"], 0),
                money(totals["projected"])]
        over = totals["projected_over"] or 0.0
        burn_deltas = [t("budget.kpi.per_day", amount=money(totals["planned_daily"])),
                       t("budget.kpi.used", pct=fmt.pct(totals["pct_used"], 1)),
                       t("budget.kpi.days", n=int(totals["days_elapsed"] or 0), total=int(totals["days_total"] or 0)),
                       t("budget.kpi.vs_plan", pct=fmt.pct(totals["projected_pct"], 0),
                         over=("+" if over > 0 else "") + money(over))]
        with ui.metric_group("burn", burn, burn_deltas):
            k1, k2, k3, k4 = st.columns(4)
            for col, label, value, delta in zip((k1, k2, k3, k4), ("planned", "actual", "elapsed", "projected"),
                                                burn, burn_deltas, strict=True):
                col.metric(t(f"budget.kpi.{label}"), value, delta, delta_arrow="off",
                           delta_color="red" if label == "projected" and over > 0 else "off")
        st.subheader(t("budget.pacing"))
        room = ui.presenting()
        shown = budget.pacing_display(pace, L, cur)
        ui.dataframe(budget.pacing_styler(shown, pace, L, bold=not room), hide_index=True,
                     key="budget_pacing_table", height=ui.table_height(len(pace), max_rows=17),
                     column_order=budget.pacing_room_order(L) if room else None)
        if room:
            st.caption(t("budget.pacing_present", shown=len(budget.ROOM_PACING), all=len(shown.columns)))
        st.caption(t("budget.pacing_help", tol=fmt.pct(settings.at_risk_tolerance, 0),
                     under=fmt.pct(settings.underspend_below, 0), early=fmt.pct(settings.min_elapsed, 0),
                     lump=budget.category_list(settings.lump_sum, L)))
        raw = budget.pacing_export(pace, L)
        with ui.button_row("budget_pacing"):
            st.download_button(t("budget.export_csv"), export.to_csv_bytes(raw), file_name=f"budget_{ws}_{we}.csv",
                               mime="text/csv", key="budget_pacing_csv", icon=":material/download:", on_click="ignore")
            st.download_button(t("budget.export_xlsx"), lambda raw=raw: export.to_xlsx_bytes(raw, "budget"),
                               file_name=f"budget_{ws}_{we}.xlsx", key="budget_pacing_xlsx", on_click="ignore",
                               mime=export.XLSX_MIME, icon=":material/download:")

        st.subheader(t("budget.burn"))
        present_cats = budget.categories_present(pace)
        cats0 = [x for x in ("paid_ads", "kol") if x in present_cats]
        cats = st.multiselect(t("budget.burn_categories"), present_cats, key="budget_burn_cats",
                              **ui.in_url("budget_burn_cats", cats0, options=present_cats, many=True, default=cats0),
                              format_func=lambda x: t("budget.cat." + x))
        series = _burn(version, path, ws, we, as_of, cur, settings, platforms, tuple(cats))
        chart = ui.panels(budget_charts.burn_chart, series, L, cur, as_of, budget.line_order(pace))
        if chart is not None:
            ui.chart_grid(chart, key="budget_burn")
            st.caption(t("budget.burn_help"))

    with st.expander(t("budget.settings")):
        # Labels of one to three lines on a narrow screen: the inputs stand on one line below them.
        s1, s2, s3, s4, s5 = st.columns(5, vertical_alignment="bottom")
        def pct(key: str, share: float) -> dict:      # a default only before the field holds a value
            return ui.initial(key, value=int(round(share * 100)))

        tol = s1.number_input(t("budget.set.tolerance"), 0, 100, step=1, key="budget_set_tol",
                              **pct("budget_set_tol", settings.at_risk_tolerance))
        under = s2.number_input(t("budget.set.under"), 0, 100, step=1, key="budget_set_under",
                                **pct("budget_set_under", settings.underspend_below))
        early = s3.number_input(t("budget.set.early"), 0, 100, step=1, key="budget_set_early",
                                **pct("budget_set_early", settings.min_elapsed))
        weeks = s4.number_input(t("budget.set.min_weeks"), 2, 52, step=1, key="budget_set_weeks",
                                **ui.initial("budget_set_weeks", value=settings.min_weeks))
        cv = s5.number_input(t("budget.set.min_cv"), 0, 100, step=1, key="budget_set_cv",
                             **pct("budget_set_cv", settings.min_spend_cv))
        ui.unlabel_state("budget_set_lump", schema.BUDGET_CATEGORIES, many=True)
        lump = st.multiselect(t("budget.set.lump"), list(schema.BUDGET_CATEGORIES), key="budget_set_lump",
                              **ui.initial("budget_set_lump", default=list(settings.lump_sum)),
                              format_func=lambda x: t("budget.cat." + x), help=t("budget.set.lump_help"))
        if st.button(t("budget.set.save"), key="budget_set_save"):
            budget.save_settings(c, budget.BudgetSettings(tol / 100, under / 100, early / 100, int(weeks), cv / 100,
                                                          tuple(lump)))
            st.rerun()

# ---------------------------------------------------------------- what-if
@st.fragment
def _whatif():
    """The what-if reruns on its own when a slider moves (the burn tab is not redrawn)."""
    c = ui.con()
    models, hist = _fits(version, path, cur, settings, platforms)
    pb = whatif.plan_budgets(c, ws, we, cur)
    wi = whatif.setup(pb["paid"], models, days, platforms)
    plats = wi["platforms"]
    if not plats:
        st.info(t("budget.wi.empty"))
    else:
        plan = wi["plan"]
        caps = wi["caps"]
        ctx = (cur, str(ws), str(we), tuple(sorted(plan.items())))
        new_ctx = ss.get("_budget_wi_ctx") != ctx
        if new_ctx:
            # A change of period, currency or plan starts again from the plan; a session's first what-if leaves
            # the budgets to in_url below, which takes a copied link's (?budget_wi_<platform>=…).
            if "_budget_wi_ctx" in ss:
                for p in plats:
                    ss[f"budget_wi_{p}"] = float(plan[p])
            ss["_budget_wi_ctx"] = ctx
            ss.pop("_budget_wi_suggestion", None)
        for p in plats:  # in the URL; widget state is dropped when the page is left: in_url brings it back
            ui.in_url(f"budget_wi_{p}", float(plan[p]), kind="float", lo=0.0, hi=float(caps[p]))
            ss.setdefault(f"budget_wi_{p}", float(plan[p]))
        if new_ctx:
            ss["_budget_wi_total"] = sum(float(ss[f"budget_wi_{p}"]) for p in plats)

        def _reset():
            for p in plats:
                ss[f"budget_wi_{p}"] = float(plan[p])
            ss["_budget_wi_total"] = sum(plan.values())
            ss.pop("_budget_wi_suggestion", None)

        def _moved(p):
            if ss.get("budget_wi_keep"):
                vals = {q: float(ss[f"budget_wi_{q}"]) for q in plats}
                for q, v in whatif.rebalance(vals, p, ss["_budget_wi_total"], caps).items():
                    ss[f"budget_wi_{q}"] = float(v)
            ss.pop("_budget_wi_suggestion", None)

        st.caption(t("budget.wi.intro", start=ws, end=we, days=days, cur=cur))
        o1, o2, o3 = st.columns([2, 2, 1], vertical_alignment="center")
        objective = o1.radio(t("budget.wi.objective"), whatif.OUTCOMES, key="budget_wi_objective", horizontal=True,
                             **ui.in_url("budget_wi_objective", whatif.OUTCOMES[0], options=whatif.OUTCOMES),
                             format_func=lambda x: i18n.field_label(x, L))
        keep = o2.toggle(t("budget.wi.keep_total"), key="budget_wi_keep", help=t("budget.wi.keep_total_help"),
                         **ui.in_url("budget_wi_keep", False, kind="bool"))
        o3.button(t("budget.wi.reset"), key="budget_wi_reset", on_click=_reset)
        if not keep:
            ss["_budget_wi_total"] = sum(float(ss[f"budget_wi_{p}"]) for p in plats)

        per_row = min(4, len(plats))
        for i, p in enumerate(plats):
            if i % per_row == 0:    # a row of columns each: a note that wraps pushes down its own row only
                cols = st.columns(per_row)
            with cols[i % per_row]:
                st.slider(i18n.platform_label(p, L), 0.0, float(caps[p]), step=float(wi["steps"][p]),
                          format=whatif.slider_format(cur), key=f"budget_wi_{p}", on_change=_moved, args=(p,))
                v = float(ss[f"budget_wi_{p}"])
                st.caption(whatif.slider_note(v, plan[p], cur, L))
        budgets = {p: float(ss[f"budget_wi_{p}"]) for p in plats}

        fixed = pb["fixed_costs"]
        s = ui.settings()
        plan_out = whatif.evaluate(models, plan, days, fixed_costs=fixed, roi_basis=s.roi_basis)
        scn_out = whatif.evaluate(models, budgets, days, fixed_costs=fixed, roi_basis=s.roi_basis)
        cmp = whatif.compare(plan_out, scn_out)

        wi_values = [fmt.by_unit(r.scenario, metrics.get(r.metric).unit, cur, L) for r in cmp.itertuples()]
        changes = whatif.tile_changes(cmp, cur, L)
        with ui.metric_group("whatif", wi_values, [c.text for c in changes]):
            tiles = st.columns(6)
            for col, r, value, change in zip(tiles, cmp.itertuples(), wi_values, changes, strict=True):
                m = metrics.get(r.metric)
                col.metric(m.name(L) + (t("budget.wi.total") if r.metric == "spend" else ""), value, change.text,
                           delta_color=change.color, delta_arrow=change.arrow,
                           help=t("budget.wi.tile_help", plan=fmt.by_unit(r.plan, m.unit, cur, L),
                                  formula=metrics.formula_text(m, s, L)))
        if keep:
            st.caption(t("budget.wi.kept", total=money(ss["_budget_wi_total"])))
        st.caption(t("budget.wi.roi_note", fixed=money(fixed), basis=t(f"setting.roi_basis.{s.roi_basis}")))

        sug = ss.get("_budget_wi_suggestion")
        if sug:
            st.success(t("budget.wi.suggested", gain=fmt.count(sug["gain"], L) if sug["objective"] == "conversions"
                         else money(sug["gain"]), pct=fmt.pct(sug["gain_pct"], 1),
                         what=t("budget.wi.what." + sug["objective"]), total=money(sug["total"])))

        for level, note in whatif.notes(models, scn_out, objective, L, cur, settings):
            (st.warning if level == "warning" else st.info)(note)

        st.subheader(t("budget.wi.by_platform"))
        ui.dataframe(whatif.platform_display(plan_out, scn_out, L, cur), hide_index=True, key="budget_wi_table")
        st.subheader(t("budget.wi.quality"))
        ui.dataframe(whatif.quality_display(models, scn_out, objective, L, cur), hide_index=True,
                     key="budget_wi_quality")
        st.caption(t("budget.wi.quality_help"))

        chart = ui.panels(budget_charts.curves_chart, models, scn_out.platforms, plan, days, hist, objective, L,
                          cur)
        if chart is not None:
            ui.chart_grid(chart, key="budget_wi_curves")
            st.caption(t("budget.wi.curves_help"))

        # -------- suggestion
        st.subheader(t("budget.wi.suggest_title"))
        edited_bounds = ui.data_editor(
            whatif.bounds_frame(plan, caps, L), key="budget_wi_bounds", hide_index=True,
            disabled=["platform", "label"], column_order=["label", "min", "max"],
            column_config={"label": st.column_config.TextColumn(t("budget.wi.bound.platform")),
                           "min": st.column_config.NumberColumn(t("budget.wi.bound.min", cur=cur), min_value=0,
                                                                format="localized"),
                           "max": st.column_config.NumberColumn(t("budget.wi.bound.max", cur=cur), min_value=0,
                                                                format="localized")})
        bounds = whatif.bounds_from_frame(edited_bounds, caps)

        def _suggest():
            res = whatif.suggest(models, {p: float(ss[f"budget_wi_{p}"]) for p in plats}, bounds, days,
                                 ss.get("budget_wi_objective") or "conversions")
            if res.message == "infeasible_bounds":
                ss["_budget_wi_suggestion"] = None
                ss["_budget_wi_infeasible"] = True
                return
            ss["_budget_wi_infeasible"] = False
            for p, v in res.budgets.items():
                ss[f"budget_wi_{p}"] = float(min(v, caps[p]))
            ss["_budget_wi_suggestion"] = {"gain": res.gain, "gain_pct": res.gain_pct, "objective": res.objective,
                                           "total": sum(res.budgets.values())}

        st.button(t("budget.wi.suggest"), key="budget_wi_suggest", on_click=_suggest, type="primary",
                  help=t("budget.wi.suggest_help"))
        if ss.get("_budget_wi_infeasible"):
            st.error(t("budget.wi.infeasible"))

        # -------- scenarios: save, compare, export
        st.subheader(t("budget.wi.scenarios"))
        n1, n2 = st.columns([3, 1], vertical_alignment="bottom")
        name = n1.text_input(t("budget.wi.name"), key="budget_wi_name", placeholder=t("budget.wi.name_ph"))
        if n2.button(t("budget.wi.save"), key="budget_wi_save"):
            if not name.strip():
                st.error(t("budget.wi.name_missing"))
            else:
                whatif.save_scenario(c, name, budgets, cur, ws, we, objective)
                st.success(t("budget.wi.saved", name=name.strip()))
        saved = whatif.scenarios(c)
        labels = whatif.scenario_labels(saved)
        picked = st.multiselect(t("budget.wi.compare"), list(labels), key="budget_wi_compare",
                                **ui.in_url("budget_wi_compare", [], options=list(labels), many=True),
                                format_func=lambda x: labels[x])
        columns = {t("budget.wi.col.plan"): plan, t("budget.wi.col.current"): budgets}
        for sid in picked:
            columns[labels[sid]] = whatif.scenario_budgets(c, int(sid), cur)
        table = whatif.comparison_table(models, columns, days, fixed_costs=fixed, roi_basis=s.roi_basis)
        ui.dataframe(whatif.comparison_display(table, L, cur), hide_index=True, key="budget_wi_comparison",
                     height=ui.table_height(len(table), max_rows=len(table)))
        st.caption(t("budget.wi.compare_help"))
        raw = whatif.comparison_export(table, L, cur)
        with ui.button_row("budget_wi"):
            st.download_button(t("budget.export_csv"), export.to_csv_bytes(raw), file_name="budget_scenarios.csv",
                               mime="text/csv", key="budget_wi_csv", icon=":material/download:", on_click="ignore")
            st.download_button(t("budget.export_xlsx"), lambda raw=raw: export.to_xlsx_bytes(raw, "scenarios"),
                               file_name="budget_scenarios.xlsx", key="budget_wi_xlsx", mime=export.XLSX_MIME,
                               icon=":material/download:", on_click="ignore")
        if not saved.empty:
            with st.expander(t("budget.wi.delete_title")):
                dl = st.selectbox(t("budget.wi.delete_pick"), list(labels), key="budget_wi_delete_pick",
                                  format_func=lambda x: labels[x])
                if st.button(t("budget.wi.delete"), key="budget_wi_delete"):
                    whatif.delete_scenario(c, int(dl))
                    st.rerun(scope="fragment")


with tab_wi:
    _whatif()

# ---------------------------------------------------------------- plan: upload, edit, versions
with tab_plan:
    st.subheader(t("budget.plan.upload"))
    ui.localize_uploader()
    up = st.file_uploader(t("budget.plan.upload_label"), type=["csv", "xlsx", "txt", "tsv"], key="budget_plan_upload",
                          help=t("budget.plan.upload_help"))
    done = ss.setdefault("_budget_plan_done", set())
    if up is not None and up.file_id not in done:
        done.add(up.file_id)
        ss["_budget_plan_report"] = budget.upload_plan(c, up.getvalue(), up.name, L)
        st.rerun()
    rep = ss.get("_budget_plan_report")
    if rep is not None:
        ui.render_report(rep, 0)
    with ui.button_row("budget_tpl"):
        st.download_button("budget_plan.csv", templates.template_csv("budget_plan"), file_name="budget_plan.csv",
                           mime="text/csv", key="budget_tpl_csv", icon=":material/download:")
        st.download_button("budget_plan.xlsx", templates.template_xlsx("budget_plan"), file_name="budget_plan.xlsx",
                           key="budget_tpl_xlsx", mime=export.XLSX_MIME, icon=":material/download:")

    st.subheader(t("budget.plan.edit"))
    all_periods = st.toggle(t("budget.plan.all_periods"), key="budget_plan_all")
    before = budget.plan_rows(c) if all_periods else budget.plan_rows(c, ws, we)
    n = ss.setdefault("_budget_editor_n", 0)
    currencies = budget.currencies(c)
    edited = ui.data_editor(before, num_rows="dynamic", hide_index=True, key=f"budget_plan_editor_{n}",
                            column_config={
                                "period_start": st.column_config.DateColumn(i18n.field_label("period_start", L),
                                                                            format="YYYY-MM-DD", required=True),
                                "period_end": st.column_config.DateColumn(i18n.field_label("period_end", L),
                                                                          format="YYYY-MM-DD", required=True),
                                "platform": st.column_config.SelectboxColumn(
                                    i18n.field_label("platform", L), options=list(schema.PLATFORMS), required=True,
                                    format_func=lambda x: i18n.platform_label(x, L)),
                                "category": st.column_config.SelectboxColumn(
                                    t("budget.col.category"), options=list(schema.BUDGET_CATEGORIES), required=True,
                                    format_func=lambda x: t("budget.cat." + x)),
                                "planned": st.column_config.NumberColumn(i18n.field_label("planned", L), min_value=0,
                                                                         format="localized", required=True),
                                "currency": st.column_config.SelectboxColumn(
                                    i18n.field_label("currency", L), options=currencies, required=True)})
    st.caption(t("budget.plan.edit_help"))
    if st.button(t("budget.plan.save"), key="budget_plan_save", type="primary"):
        res = budget.save_plan_edits(c, before, edited, lang=L)
        ss["_budget_plan_edit"] = res
        if res.report is not None and res.report.status == "loaded":
            ss["_budget_editor_n"] = n + 1
            st.rerun()
    res = ss.get("_budget_plan_edit")
    if res is not None:
        if res.problem:
            st.error(t(res.problem, rows=", ".join(map(str, res.problem_rows or []))))
        elif res.report is None:
            st.info(t("budget.plan.no_change"))
        elif res.report.status == "loaded":
            st.success(t("budget.plan.saved", batch=res.report.batch_id, changed=res.changed, removed=res.removed))
        else:
            ui.render_report(res.report, 1)

    st.subheader(t("budget.plan.versions"))
    versions = budget.plan_versions(c)
    if versions.empty:
        st.caption(t("budget.plan.no_versions"))
    else:
        ui.dataframe(budget.versions_display(versions, L, ui.when), hide_index=True, key="budget_versions_table")
        vlabels = budget.live_versions(versions, ui.when)
        if vlabels:
            r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
            pick = r1.selectbox(t("budget.plan.restore_pick"), list(vlabels), key="budget_restore_pick",
                                format_func=lambda b: vlabels[b])
            if r2.button(t("budget.plan.restore"), key="budget_restore"):
                if budget.restore_before(c, int(pick)):
                    ss["_budget_restored"] = int(pick)
                    ss["_budget_editor_n"] = ss.get("_budget_editor_n", 0) + 1
                    ss.pop("_budget_plan_edit", None)
                    st.rerun()
        if ss.get("_budget_restored"):
            st.success(t("budget.plan.restored", batch=ss["_budget_restored"]))
