"""Altair charts of the KOL page: titles, axis units, formatted tooltips, the platform palette."""

from __future__ import annotations

import altair as alt
import pandas as pd

from smm import fmt, i18n, palette
from smm.charts import LABEL_ROOM
from smm.kol import KOL_METRICS, KolOptions, format_value, label_of, metric_label, tier_label

FONT = 14       # readable from the back of a meeting room
TITLE = 17


def _platform_scale(platforms: list[str], lang: str) -> alt.Scale:
    dom, rng = palette.domain_range(sorted(set(platforms)))
    return alt.Scale(domain=[i18n.platform_label(p, lang) for p in dom], range=rng)


def _unit_title(metric: str, lang: str, currency: str) -> str:
    unit = KOL_METRICS.get(metric, ("count",))[0]
    name = metric_label(metric, lang)
    if unit == "money":
        return f"{name} ({currency})"
    if unit == "ratio":
        return f"{name} (%)"
    return name


def _axis_format(metric: str) -> str:
    unit = KOL_METRICS.get(metric, ("count",))[0]
    return ".1%" if unit == "ratio" else "~s"


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT, labelLimit=260, labelColor="#1f2328",
                                 titleColor="#1f2328")
            .configure_legend(labelFontSize=FONT, titleFontSize=FONT, labelLimit=320, labelColor="#1f2328",
                              titleColor="#1f2328")
            .configure_title(fontSize=TITLE, anchor="start")
            .configure_header(labelFontSize=FONT, titleFontSize=FONT)
            .properties(padding=LABEL_ROOM))


def compare_charts(df: pd.DataFrame, lang: str, currency: str, opts: KolOptions,
                   flagged: set[str] | None = None) -> list[alt.TopLevelMixin]:
    """Small multiples, one chart per metric: a bar per chosen KOL and a black tick at its tier median;
    ⚠ marks a KOL with quality hints."""
    flagged = flagged or set()
    data = df.assign(
        label=[label_of(k, p, lang) + (" ⚠" if key in flagged else "")
               for k, p, key in zip(df["kol"], df["platform"], df["key"], strict=False)],
        platform_label=df["platform"].map(lambda p: i18n.platform_label(p, lang)),
        tier_label=df["tier"].map(lambda t: tier_label(t, lang, opts)),
        value_txt=[format_value(m, v, currency, lang) for m, v in zip(df["metric"], df["value"], strict=False)],
        median_txt=[format_value(m, v, currency, lang) for m, v in zip(df["metric"], df["tier_median"], strict=False)],
    )
    order = list(dict.fromkeys(data["label"]))
    scale = _platform_scale(list(data["platform"]), lang)
    charts = []
    for metric in dict.fromkeys(data["metric"]):
        d = data[data["metric"] == metric]
        title = _unit_title(metric, lang, currency)
        y = alt.Y("label:N", sort=order, title=None)
        tips = [alt.Tooltip("label:N", title=i18n.field_label("kol", lang)),
                alt.Tooltip("tier_label:N", title=i18n.t("kol.col.tier", lang)),
                alt.Tooltip("value_txt:N", title=metric_label(metric, lang)),
                alt.Tooltip("median_txt:N", title=i18n.t("kol.chart.tier_median", lang))]
        base = alt.Chart(d)
        bars = base.mark_bar(cornerRadiusEnd=3).encode(
            y=y, x=alt.X("value:Q", title=title, axis=alt.Axis(format=_axis_format(metric))),
            color=alt.Color("platform_label:N", scale=scale, title=i18n.field_label("platform", lang),
                            legend=None),
            tooltip=tips)
        pos = base.transform_filter("datum.value >= 0")
        neg = base.transform_filter("datum.value < 0")
        text = (pos.mark_text(align="left", dx=6, fontSize=FONT, fontWeight="bold").encode(
                    y=y, x="value:Q", text="value_txt:N")
                + neg.mark_text(align="right", dx=-6, fontSize=FONT, fontWeight="bold").encode(
                    y=y, x="value:Q", text="value_txt:N"))
        # a white halo under the black tick keeps it visible on dark (Douyin) bars
        halo = base.mark_tick(color="#ffffff", thickness=7, size=40).encode(y=y, x="tier_median:Q")
        tick = base.mark_tick(color="#000000", thickness=3, size=40).encode(y=y, x="tier_median:Q", tooltip=tips)
        charts.append(_style((bars + halo + tick + text).properties(
            title=metric_label(metric, lang), height=alt.Step(52))))
    return charts


def trend_charts(df: pd.DataFrame, kol: str, lang: str, currency: str, grain: str) -> list[alt.TopLevelMixin]:
    """Three aligned charts (ER, CPE, conversions) over weeks, each with the KOL's own median and IQR band."""
    week_title = i18n.t(f"kol.trend.grain.{grain}", lang)
    weeks = [pd.Timestamp(w).strftime("%m-%d") for w in df["week"]]
    charts = []
    for metric in ("er", "cpe", "conversions"):
        name = (i18n.t("kol.chart.cpe_cum", lang) if metric == "cpe" and grain == "week" else metric_label(metric, lang))
        d = df[["week", metric, f"{metric}_q1", f"{metric}_med", f"{metric}_q3"]].rename(
            columns={metric: "v", f"{metric}_q1": "q1", f"{metric}_med": "med", f"{metric}_q3": "q3"})
        d = d.assign(w=weeks, v_txt=[format_value(metric, v, currency, lang) for v in d["v"]],
                     med_txt=[format_value(metric, v, currency, lang) for v in d["med"]])
        band_row = d.dropna(subset=["q1"]).head(1)
        y = alt.Y("v:Q", title=_unit_title(metric, lang, currency), axis=alt.Axis(format=_axis_format(metric)))
        x = alt.X("w:O", title=week_title, sort=weeks, axis=alt.Axis(labelAngle=0))
        tips = [alt.Tooltip("week:T", title=i18n.field_label("week", lang), format="%Y-%m-%d"),
                alt.Tooltip("v_txt:N", title=name), alt.Tooltip("med_txt:N", title=i18n.t("kol.chart.median", lang))]
        band = alt.Chart(band_row).mark_rect(color="#8c959f", opacity=0.22).encode(y="q1:Q", y2="q3:Q")
        med = alt.Chart(band_row).mark_rule(color="#57606a", strokeWidth=2).encode(y="med:Q")
        line = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=90, filled=True), strokeWidth=3,
                                      color="#0969da").encode(x=x, y=y, tooltip=tips)
        charts.append(_style((band + med + line).properties(
            title=i18n.t("kol.chart.trend_title", lang, kol=kol, metric=name), height=220)))
    return charts


def scatter_chart(df: pd.DataFrame, y: str, lang: str, currency: str, opts: KolOptions) -> alt.TopLevelMixin:
    """Fee vs a result, one point per KOL (names on hover), dashed median lines and quadrant names."""
    y_name = metric_label(y, lang)
    data = df.assign(
        platform_label=df["platform"].map(lambda p: i18n.platform_label(p, lang)),
        tier_label=df["tier"].map(lambda t: tier_label(t, lang, opts)),
        quadrant_label=df["quadrant"].map(lambda q: i18n.t(f"kol.q.{q}", lang)),
        fee_txt=[fmt.money(v, currency, lang) for v in df["fee"]],
        result_txt=[format_value(y, v, currency, lang) for v in df["result"]],
        cpa_txt=[format_value("cpa", v, currency, lang) for v in df["cpa"]],
        cpe_txt=[format_value("cpe", v, currency, lang) for v in df["cpe"]],
    )
    x_title = _unit_title("fee", lang, currency)
    y_title = _unit_title(y, lang, currency)
    pts = alt.Chart(data).mark_circle(size=220, opacity=0.85, stroke="#ffffff", strokeWidth=1).encode(
        # padding leaves room for the corner labels; the axes show no label below zero
        x=alt.X("fee:Q", title=x_title, scale=alt.Scale(padding=24),
                axis=alt.Axis(format="~s", labelExpr="datum.value < 0 ? '' : datum.label")),
        y=alt.Y("result:Q", title=y_title, scale=alt.Scale(padding=34),
                axis=alt.Axis(format="~s", labelExpr="datum.value < 0 ? '' : datum.label")),
        color=alt.Color("platform_label:N", scale=_platform_scale(list(data["platform"]), lang),
                        title=i18n.field_label("platform", lang)),
        tooltip=[alt.Tooltip("kol:N", title=i18n.field_label("kol", lang)),
                 alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
                 alt.Tooltip("tier_label:N", title=i18n.t("kol.col.tier", lang)),
                 alt.Tooltip("fee_txt:N", title=x_title), alt.Tooltip("result_txt:N", title=y_name),
                 alt.Tooltip("cpa_txt:N", title=metric_label("cpa", lang)),
                 alt.Tooltip("cpe_txt:N", title=metric_label("cpe", lang)),
                 alt.Tooltip("quadrant_label:N", title=i18n.t("kol.chart.quadrant", lang))])
    meds = data.head(1)
    vrule = alt.Chart(meds).mark_rule(strokeDash=[6, 4], color="#57606a", strokeWidth=2).encode(x="fee_med:Q")
    hrule = alt.Chart(meds).mark_rule(strokeDash=[6, 4], color="#57606a", strokeWidth=2).encode(y="result_med:Q")
    corners = pd.DataFrame([
        {"q": i18n.t("kol.q.cheap_strong", lang), "x": 10, "y": 12, "align": "left", "c": palette.GOOD},
        {"q": i18n.t("kol.q.costly_strong", lang), "x": -10, "y": 12, "align": "right", "c": palette.NEUTRAL},
        {"q": i18n.t("kol.q.cheap_weak", lang), "x": 10, "y": -12, "align": "left", "c": palette.NEUTRAL},
        {"q": i18n.t("kol.q.costly_weak", lang), "x": -10, "y": -12, "align": "right", "c": palette.BAD},
    ])
    layers = [vrule, hrule, pts]
    for row in corners.to_dict("records"):
        xv = alt.value(row["x"]) if row["x"] > 0 else alt.value({"expr": f"width {row['x']}"})
        yv = alt.value(row["y"]) if row["y"] > 0 else alt.value({"expr": f"height {row['y']}"})
        layers.append(alt.Chart(pd.DataFrame([row])).mark_text(
            align=row["align"], baseline="middle", fontSize=FONT + 1, fontWeight="bold", color=row["c"],
            opacity=0.9).encode(x=xv, y=yv, text="q:N"))
    title = i18n.t("kol.scatter.title", lang, y=y_name)
    return _style(alt.layer(*layers).properties(title=title, height=460))


def score_chart(df: pd.DataFrame, lang: str, opts: KolOptions, flagged: set[str] | None = None) -> alt.TopLevelMixin:
    """Every scored KOL as a bar (0–100), best first, with the group middle (50) marked; ⚠ marks quality hints."""
    d = df.dropna(subset=["score"])
    flagged = flagged or set()
    data = d.assign(
        label=[label_of(k, p, lang) + (" ⚠" if key in flagged else "")
               for k, p, key in zip(d["kol"], d["platform"], d["key"], strict=False)],
        platform_label=d["platform"].map(lambda p: i18n.platform_label(p, lang)),
        tier_label=d["tier"].map(lambda t: tier_label(t, lang, opts)),
        score_txt=[f"{v:.0f}" for v in d["score"]],
    )
    y = alt.Y("label:N", sort=list(data["label"]), title=None)
    bars = alt.Chart(data).mark_bar(cornerRadiusEnd=3).encode(
        y=y, x=alt.X("score:Q", title=i18n.t("kol.col.score", lang), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("platform_label:N", scale=_platform_scale(list(data["platform"]), lang),
                        title=i18n.field_label("platform", lang)),
        tooltip=[alt.Tooltip("label:N", title=i18n.field_label("kol", lang)),
                 alt.Tooltip("tier_label:N", title=i18n.t("kol.col.tier", lang)),
                 alt.Tooltip("score_txt:N", title=i18n.t("kol.col.score", lang))])
    text = alt.Chart(data).mark_text(align="left", dx=5, fontSize=FONT - 1).encode(y=y, x="score:Q",
                                                                                   text="score_txt:N")
    mid = alt.Chart(pd.DataFrame([{"x": 50}])).mark_rule(strokeDash=[6, 4], color="#57606a").encode(x="x:Q")
    return _style((bars + text + mid).properties(title=i18n.t("kol.score.chart_title", lang),
                                                height=alt.Step(26)))
