"""Altair charts of the Budget page: burn per line (plan, actual, dashed projection) and response curves."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from smm import fmt, i18n, palette
from smm.budget import line_label
from smm.charts import LABEL_ROOM
from smm.whatif import PlatformModel, curve_points

PLAN_GREY = "#8c959f"
PLAN_DARK = "#24292f"
LIMIT_RED = palette.BAD


def money_axis(lang: str, currency: str) -> str:
    """A Vega label expression writing money like the rest of the app (1.2万 / 12K)."""
    sym = fmt.SYMBOLS.get(currency, "")
    if lang == "zh":
        return (f"abs(datum.value) >= 1e8 ? '{sym}' + format(datum.value / 1e8, '.1~f') + '亿' : "
                f"abs(datum.value) >= 1e4 ? '{sym}' + format(datum.value / 1e4, '.1~f') + '万' : "
                f"'{sym}' + format(datum.value, ',.0f')")
    return f"'{sym}' + format(datum.value, '~s')"


def count_axis(lang: str) -> str:
    if lang == "zh":
        return ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.1~f') + '亿' : "
                "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, '.1~f') + '万' : format(datum.value, ',.0f')")
    return "format(datum.value, '~s')"


def _platform_scale(platforms: list[str], lang: str) -> alt.Scale:
    dom, rng = palette.domain_range(sorted(set(platforms)))
    return alt.Scale(domain=[i18n.platform_label(p, lang) for p in dom], range=rng)


def burn_frame(series: pd.DataFrame, lang: str, currency: str, order: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Long frame for the burn chart: one row per line × day × series (plan, actual, projection)."""
    if series.empty:
        return pd.DataFrame(columns=["line", "platform", "date", "series", "value", "label", "planned", "rank"])
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    names = {k: i18n.t(f"budget.series.{k}", lang) for k in ("plan", "actual", "projection")}
    rank = {k: i for i, k in enumerate(order or [])}
    frames = []
    for key, col in (("plan", "cum_plan"), ("actual", "cum_actual"), ("projection", "projected")):
        part = series[series[col].notna()]
        frames.append(pd.DataFrame({
            "line": [line_label(p, c, lang) for p, c in zip(part["platform"], part["category"], strict=True)],
            "platform": part["platform"].map(lambda p: i18n.platform_label(p, lang)).to_numpy(),
            "date": pd.to_datetime(part["date"]).to_numpy(),
            "series": names[key],
            "value": part[col].to_numpy(float),
            "label": [m(v) for v in part[col]],
            "pct": [fmt.pct(v / pl if pl else None, 1) for v, pl in zip(part[col], part["planned"], strict=True)],
            "planned": part["planned"].to_numpy(float),
            "planned_label": [m(v) for v in part["planned"]],
            "rank": [rank.get((p, c), 999) for p, c in zip(part["platform"], part["category"], strict=True)],
        }))
    return pd.concat(frames, ignore_index=True)


def burn_chart(series: pd.DataFrame, lang: str, currency: str, as_of: dt.date,
               order: list[tuple[str, str]] | None = None, columns: int = 3) -> alt.FacetChart | None:
    """Cumulative actual against the plan line per platform × category, projection dashed to period end."""
    data = burn_frame(series, lang, currency, order)
    if data.empty:
        return None
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    names = [t("budget.series.plan"), t("budget.series.actual"), t("budget.series.projection")]
    lines_order = (data.sort_values(["rank", "line"])["line"].drop_duplicates().tolist())
    tooltip = [alt.Tooltip("line:N", title=t("budget.chart.line")),
               alt.Tooltip("date:T", title=i18n.field_label("date", lang), format="%Y-%m-%d"),
               alt.Tooltip("series:N", title=t("budget.chart.series")),
               alt.Tooltip("label:N", title=t("budget.chart.cumulative")),
               alt.Tooltip("pct:N", title=t("budget.chart.pct_of_plan")),
               alt.Tooltip("planned_label:N", title=t("budget.col.planned"))]
    base = alt.Chart().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%m-%d", labelFontSize=12, tickCount=5)),
        y=alt.Y("value:Q", title=f"{t('budget.chart.cumulative')} ({currency})",
                axis=alt.Axis(labelExpr=money_axis(lang, currency), labelFontSize=12, titleFontSize=12)),
        tooltip=tooltip)
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names, range=[[2, 2], [1, 0], [7, 4]]),
                          # 30 px symbols (a stroke symbol is √size long): long enough to show each dash
                          legend=alt.Legend(orient="top", labelFontSize=14, symbolStrokeWidth=3, symbolSize=900))
    plan = base.transform_filter(alt.datum.series == names[0]).mark_line(color=PLAN_GREY, strokeWidth=2).encode(
        strokeDash=dash)
    color = alt.Color("platform:N", scale=_platform_scale(series["platform"].tolist(), lang), legend=None)
    actual = base.transform_filter(alt.datum.series == names[1]).mark_line(strokeWidth=3.5).encode(
        color=color, strokeDash=dash)
    proj = base.transform_filter(alt.datum.series == names[2]).mark_line(strokeWidth=2.5).encode(
        color=color, strokeDash=dash)
    limit = alt.Chart().mark_rule(color=LIMIT_RED, strokeWidth=1, opacity=0.6).encode(y="planned:Q")
    today = alt.Chart().transform_filter(alt.datum.series == names[1]).mark_rule(
        color=palette.NEUTRAL, strokeDash=[1, 3]).encode(x=alt.X("max(date):T"))
    layered = alt.layer(plan, actual, proj, limit, today, data=data).properties(width=280, height=210)
    return layered.facet(
        facet=alt.Facet("line:N", title=None, sort=lines_order,
                        header=alt.Header(labelFontSize=16, labelFontWeight="bold", labelOrient="top")),
        columns=columns,
    ).resolve_scale(y="independent").properties(
        title=alt.TitleParams(t("budget.chart.burn_title").format(asof=as_of.isoformat()), fontSize=18,
                              anchor="start"), padding=LABEL_ROOM)


def curves_chart(models: dict[str, PlatformModel], scenario: pd.DataFrame, plan: dict[str, float], days: int,
                 history: pd.DataFrame, outcome: str, lang: str, currency: str, columns: int = 3) -> alt.FacetChart | None:
    """Each platform's response curve (weekly spend → weekly outcome) with history, plan and scenario points."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    plats = [p for p in scenario["platform"] if p in models and models[p].curve(outcome).form != "none"]
    if not plats:
        return None
    m = lambda x: fmt.money(x, currency, lang)  # noqa: E731
    is_money = outcome == "revenue"
    val = (lambda x: m(x)) if is_money else (lambda x: fmt.count(x, lang))
    curve_rows, point_rows = [], []
    sc = scenario.set_index("platform")
    for p in plats:
        mod = models[p]
        c = mod.curve(outcome)
        x_plan = plan.get(p, 0.0) * 7.0 / days
        x_scn = float(sc.loc[p, "weekly_spend"])
        hi = max(c.x_max or 0.0, x_plan, x_scn) * 1.25
        pts = curve_points(mod, outcome, hi)
        pts["platform_label"] = i18n.platform_label(p, lang)
        pts["part"] = [t("budget.wi.observed") if o else t("budget.wi.extrapolated") for o in pts["observed"]]
        pts["spend_label"] = [m(x) for x in pts["weekly_spend"]]
        pts["value_label"] = [val(v) for v in pts["value"]]
        curve_rows.append(pts)
        h = history[history["platform"] == p]
        for x, y in zip(h["spend"], h[outcome], strict=True):
            if pd.notna(y):
                point_rows.append((p, x, float(y), t("budget.wi.point.history")))
        point_rows.append((p, x_plan, float(c(x_plan)), t("budget.wi.point.plan")))
        point_rows.append((p, x_scn, float(c(x_scn)), t("budget.wi.point.scenario")))
    curves = pd.concat(curve_rows, ignore_index=True)
    points = pd.DataFrame(point_rows, columns=["platform", "weekly_spend", "value", "kind"])
    points["platform_label"] = points["platform"].map(lambda p: i18n.platform_label(p, lang))
    points["spend_label"] = [m(x) for x in points["weekly_spend"]]
    points["value_label"] = [val(v) for v in points["value"]]
    curves["kind"] = curves["part"]
    data = pd.concat([curves.drop(columns=["observed"]), points.drop(columns=["platform"])], ignore_index=True)
    y_title = f"{t('budget.wi.weekly')} {i18n.field_label(outcome, lang)}" + (f" ({currency})" if is_money else "")
    x_axis = alt.X("weekly_spend:Q", title=f"{t('budget.wi.weekly_spend')} ({currency})",
                   axis=alt.Axis(labelExpr=money_axis(lang, currency), labelFontSize=12, tickCount=5))
    y_axis = alt.Y("value:Q", title=y_title, axis=alt.Axis(
        labelExpr=money_axis(lang, currency) if is_money else count_axis(lang), labelFontSize=12))
    tooltip = [alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
               alt.Tooltip("kind:N", title=t("budget.chart.series")),
               alt.Tooltip("spend_label:N", title=t("budget.wi.weekly_spend")),
               alt.Tooltip("value_label:N", title=y_title)]
    color = alt.Color("platform_label:N", scale=_platform_scale(plats, lang), legend=None)
    base = alt.Chart().encode(x=x_axis, y=y_axis, tooltip=tooltip)
    obs, ext = t("budget.wi.observed"), t("budget.wi.extrapolated")
    line_obs = base.transform_filter(alt.datum.kind == obs).mark_line(strokeWidth=3).encode(color=color)
    line_ext = base.transform_filter(alt.datum.kind == ext).mark_line(strokeWidth=2, strokeDash=[6, 4],
                                                                       opacity=0.7).encode(color=color)
    hist = base.transform_filter(alt.datum.kind == t("budget.wi.point.history")).mark_circle(
        size=45, color=PLAN_GREY, opacity=0.8)
    kinds = [t("budget.wi.point.plan"), t("budget.wi.point.scenario")]
    # One legend: shape, stroke and fill share the field and the legend settings, so Vega-Lite merges them.
    legend = alt.Legend(orient="top", labelFontSize=14, symbolSize=160, symbolStrokeWidth=3)
    marks = base.transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=kinds)).mark_point(
        size=280, strokeWidth=3).encode(
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["circle", "diamond"]),
                        legend=legend),
        stroke=alt.Stroke("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[PLAN_DARK, LIMIT_RED]),
                          legend=legend),
        fill=alt.Fill("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["white", LIMIT_RED]),
                      legend=legend))
    layered = alt.layer(line_ext, line_obs, hist, marks, data=data).properties(width=280, height=230)
    return layered.facet(
        facet=alt.Facet("platform_label:N", title=None, sort=[i18n.platform_label(p, lang) for p in plats],
                        header=alt.Header(labelFontSize=16, labelFontWeight="bold", labelOrient="top")),
        columns=columns,
    ).resolve_scale(x="independent", y="independent").properties(
        title=alt.TitleParams(t("budget.wi.curves_title"), fontSize=18, anchor="start"), padding=LABEL_ROOM)
