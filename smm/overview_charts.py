"""Overview charts (Altair): weekly trend, funnel, stage rates, spend and return by platform.

Every chart has a title, axis titles with units and tooltips whose numbers are formatted per language by
smm.fmt (¥1.2万 in zh, ¥12.0K in en); platform colours come from smm.palette. `big=True` enlarges every
font for presentation mode (readable from the back of a meeting room).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from smm import fmt, i18n, palette
from smm.metrics import REGISTRY
from smm.overview import FUNNEL_RATES, FunnelRow, label

SPEND_COLOR = "#4C78A8"
REVENUE_COLOR = "#E45756"
ROAS_COLOR = "#1a7f37"
BAND_COLOR = "#FFE8A3"


def number_axis(lang: str) -> str:
    """Vega expression for compact axis labels: 1.2万 / 3亿 in zh, 12K / 3.4M in en."""
    if lang == "zh":
        return ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.1~f') + '亿' : "
                "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, '.1~f') + '万' : format(datum.value, ',')")
    return ("abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '.1~f') + 'B' : "
            "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '.1~f') + 'M' : "
            "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '.1~f') + 'K' : format(datum.value, ',')")


def _symbol(currency: str) -> str:
    return fmt.SYMBOLS.get(currency, currency)


def _fonts(chart: alt.TopLevelMixin, big: bool) -> alt.TopLevelMixin:
    """Font sizes for a laptop, or for a projector in presentation mode."""
    s = 20 if big else 13
    return (chart.configure_axis(labelFontSize=s, titleFontSize=s, labelLimit=320)
            .configure_title(fontSize=s + 6, anchor="start")
            .configure_legend(labelFontSize=s, titleFontSize=s, symbolSize=200 if big else 100)
            .configure_header(labelFontSize=s, titleFontSize=s)
            .configure_view(strokeWidth=0))


def _week_labels(weeks: pd.Series, lang: str) -> list[str]:
    d = pd.to_datetime(weeks)
    return [f"{x.month}月{x.day}日" if lang == "zh" else x.strftime("%b %d") for x in d]


# ---------------------------------------------------------------- weekly trend


def trend_frame(df: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """Long table for the money bars (one row per week × series) with formatted tooltip text."""
    if df.empty:
        return pd.DataFrame()
    base = pd.DataFrame({"week": pd.to_datetime(df["week"]), "week_label": _week_labels(df["week"], lang),
                         "in_period": df["in_period"], "partial": df["partial"],
                         "roas": df["roas"].astype(float),
                         "roas_text": [fmt.multiple(x) for x in df["roas"]],
                         "spend_text": [fmt.money(x, currency, lang) for x in df["spend"]],
                         "revenue_text": [fmt.money(x, currency, lang) for x in df["revenue"]],
                         "partial_text": [i18n.t("overview.yes" if p else "overview.no", lang) for p in df["partial"]]})
    rows = []
    for mid in ("spend", "revenue"):
        part = base.copy()
        part["series"] = REGISTRY[mid].name(lang)
        part["amount"] = df[mid].astype(float).to_numpy()
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def trend_chart(df: pd.DataFrame, lang: str, currency: str, *, big: bool = False) -> alt.VConcatChart:
    """Two aligned charts sharing the week axis: spend and revenue bars, then ROAS (no dual axis)."""
    data = trend_frame(df, lang, currency)
    order = list(dict.fromkeys(data["week_label"]))
    x = alt.X("week_label:N", sort=order, title=i18n.t("overview.week_of", lang),
              axis=alt.Axis(labelAngle=0, labelOverlap=True))
    names = [REGISTRY["spend"].name(lang), REGISTRY["revenue"].name(lang)]
    tips = [alt.Tooltip("week:T", title=i18n.t("overview.week_of", lang), format="%Y-%m-%d"),
            alt.Tooltip("spend_text:N", title=names[0]), alt.Tooltip("revenue_text:N", title=names[1]),
            alt.Tooltip("roas_text:N", title="ROAS"),
            alt.Tooltip("partial_text:N", title=i18n.t("overview.partial_week", lang))]
    h = 320 if big else 240
    band = alt.Chart(data).transform_filter("datum.in_period").mark_rect(color=BAND_COLOR, opacity=0.55).encode(
        x=x)
    bars = alt.Chart(data).mark_bar().encode(
        x=x, xOffset=alt.XOffset("series:N", sort=names),
        y=alt.Y("amount:Q", title=i18n.t("overview.amount", lang, currency=_symbol(currency)),
                axis=alt.Axis(labelExpr=number_axis(lang))),
        color=alt.Color("series:N", title=None, sort=names,
                        scale=alt.Scale(domain=names, range=[SPEND_COLOR, REVENUE_COLOR]),
                        legend=alt.Legend(orient="top")),
        opacity=alt.condition("datum.partial", alt.value(0.35), alt.value(1.0)),
        tooltip=tips)
    top = alt.layer(band, bars).properties(title=i18n.t("overview.trend_money", lang, currency=currency),
                                           height=h, width="container")
    roas = data[data["series"] == names[0]]
    line_base = alt.Chart(roas).encode(x=x)
    line = line_base.mark_line(color=ROAS_COLOR, strokeWidth=4 if big else 3).encode(
        y=alt.Y("roas:Q", title="ROAS (×)", scale=alt.Scale(zero=True)), tooltip=tips)
    points = line_base.mark_point(filled=True, size=160 if big else 80, color=ROAS_COLOR).encode(
        y="roas:Q", opacity=alt.condition("datum.partial", alt.value(0.35), alt.value(1.0)), tooltip=tips)
    labels = line_base.mark_text(dy=-16, fontSize=18 if big else 12, color=ROAS_COLOR).encode(
        y="roas:Q", text="roas_text:N")
    even = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[6, 4], color="#57606a").encode(y="y:Q")
    band2 = alt.Chart(roas).transform_filter("datum.in_period").mark_rect(color=BAND_COLOR, opacity=0.55).encode(
        x=x)
    bottom = alt.layer(band2, even, line, points, labels).properties(
        title=i18n.t("overview.trend_roas", lang), height=int(h * 0.7), width="container")
    return _fonts(alt.vconcat(top, bottom, spacing=24).resolve_scale(x="shared"), big)


# ---------------------------------------------------------------- funnel


def funnel_chart(row: FunnelRow, lang: str, currency: str, *, big: bool = False) -> alt.LayerChart:
    """Horizontal bars exposure → interactions → clicks → conversions (log scale) with the rate into each stage."""
    rates = {target: (rid, source) for rid, source, target in FUNNEL_RATES}
    stage_rates = {s.target: s for s in row.stages}
    recs = []
    for st in ("exposure", "interactions", "clicks", "conversions"):
        v = row.counts.get(st)
        s = stage_rates.get(st)
        rate_txt = ""
        if s is not None and st in rates:
            m = REGISTRY[s.rate]
            rate_txt = f"{label(m, lang)} {fmt.by_unit(s.value, m.unit, currency, lang)}"
        recs.append({"stage": label(REGISTRY[st], lang), "value": v if v and v > 0 else None,
                     "count_text": fmt.count(v, lang), "rate_text": rate_txt,
                     "text": fmt.count(v, lang) + (f" · {rate_txt}" if rate_txt else ""),
                     "bottleneck": bool(row.bottleneck is not None and s is row.bottleneck)})
    data = pd.DataFrame(recs)
    order = data["stage"].tolist()
    who = i18n.platform_label(row.platform, lang) if row.platform else i18n.t("overview.all_platforms", lang)
    color = palette.PLATFORM_COLORS.get(row.platform or "", palette.NEUTRAL)
    y = alt.Y("stage:N", sort=order, title=None)
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(color=color, height=44 if big else 30).encode(
        x=alt.X("value:Q", title=i18n.t("overview.count_log", lang),
                scale=alt.Scale(type="log", domainMin=1), axis=alt.Axis(labelExpr=number_axis(lang))),
        stroke=alt.condition("datum.bottleneck", alt.value(palette.BAD), alt.value(None)),
        strokeWidth=alt.condition("datum.bottleneck", alt.value(4), alt.value(0)),
        tooltip=[alt.Tooltip("stage:N", title=i18n.t("overview.stage", lang)),
                 alt.Tooltip("count_text:N", title=i18n.t("overview.funnel_counts", lang)),
                 alt.Tooltip("rate_text:N", title=i18n.t("overview.rate", lang))])
    text = base.mark_text(align="left", dx=8, fontSize=20 if big else 13, fontWeight="bold").encode(
        x=alt.X("value:Q"), text="text:N")
    chart = alt.layer(bars, text).properties(
        title=f"{i18n.t('overview.funnel', lang)} · {who}", height=(80 if big else 56) * len(order),
        width="container")
    return _fonts(chart, big)


def stage_rates_frame(rows: list[FunnelRow], lang: str, currency: str) -> pd.DataFrame:
    """One row per platform × stage rate: value, change against the comparison period, bottleneck flag."""
    out = []
    for r in rows:
        if r.platform is None:
            continue
        for s in r.stages:
            m = REGISTRY[s.rate]
            ch = s.change
            out.append({
                "platform": r.platform, "platform_label": i18n.platform_label(r.platform, lang),
                "rate_label": f"{label(REGISTRY[s.source], lang)} → {label(REGISTRY[s.target], lang)}\n"
                              f"{label(m, lang)}",
                "stage_short": label(m, lang),
                "value_text": fmt.by_unit(s.value, m.unit, currency, lang),
                "prev_text": fmt.by_unit(s.previous, m.unit, currency, lang),
                "overall_text": fmt.by_unit(s.overall, m.unit, currency, lang),
                "change": None if ch is None else max(-0.5, min(0.5, ch)),
                "change_text": fmt.DASH if ch is None else f"{ch * 100:+.1f}%",
                "has_value": s.value is not None,
                "bottleneck": bool(r.bottleneck is not None and s is r.bottleneck),
            })
    return pd.DataFrame(out)


def stage_rates_chart(rows: list[FunnelRow], lang: str, currency: str, *, big: bool = False) -> alt.LayerChart:
    """Heat table: platforms × stage rates, coloured by change against the comparison period; the bottleneck
    cell is outlined."""
    data = stage_rates_frame(rows, lang, currency)
    order = [r.platform for r in rows if r.platform]
    labels = [i18n.platform_label(p, lang) for p in order]
    cols = [label(REGISTRY[rid], lang) for rid, _, _ in FUNNEL_RATES]
    x = alt.X("stage_short:N", sort=cols, title=None, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("platform_label:N", sort=labels, title=None)
    tips = [alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
            alt.Tooltip("stage_short:N", title=i18n.t("overview.stage", lang)),
            alt.Tooltip("value_text:N", title=i18n.t("overview.rate", lang)),
            alt.Tooltip("prev_text:N", title=i18n.t("overview.prev_value", lang)),
            alt.Tooltip("change_text:N", title=i18n.t("overview.change_col", lang)),
            alt.Tooltip("overall_text:N", title=i18n.t("overview.all_platforms", lang))]
    rect = alt.Chart(data).mark_rect(cornerRadius=4).encode(
        x=x, y=y,
        color=alt.Color("change:Q", title=i18n.t("overview.change_col", lang),
                        scale=alt.Scale(domain=[-0.5, 0, 0.5], range=[palette.BAD, "#f6f8fa", palette.GOOD]),
                        legend=alt.Legend(format="+.0%", orient="right")),
        tooltip=tips)
    outline = alt.Chart(data).transform_filter("datum.bottleneck").mark_rect(
        fill=None, stroke="#111111", strokeWidth=5 if big else 3).encode(x=x, y=y)
    text = alt.Chart(data).mark_text(fontSize=20 if big else 13, lineBreak="\n").encode(
        x=x, y=y, text="cell:N", tooltip=tips).transform_calculate(
        cell="datum.value_text + '\\n' + datum.change_text")
    chart = alt.layer(rect, outline, text).properties(
        title=i18n.t("overview.stage_rates", lang), height=(64 if big else 44) * max(1, len(order)),
        width="container")
    return _fonts(chart, big)


# ---------------------------------------------------------------- platforms


def platform_spend_chart(table: pd.DataFrame, lang: str, currency: str, *, big: bool = False) -> alt.LayerChart:
    """Spend per platform (platform colours), labelled with its ROAS: where the money went, what it returned."""
    data = table[table["spend"].notna()].copy()
    data["spend_text"] = [fmt.money(x, currency, lang) for x in data["spend"]]
    data["revenue_text"] = [fmt.money(x, currency, lang) for x in data["revenue"]]
    data["roas_text"] = [fmt.multiple(x) for x in data["roas"]]
    data["label"] = [f"{a} · ROAS {b}" for a, b in zip(data["spend_text"], data["roas_text"], strict=True)]
    order = data["platform_label"].tolist()
    plats = data["platform"].tolist()
    colors = [palette.PLATFORM_COLORS[p] for p in plats]
    y = alt.Y("platform_label:N", sort=order, title=None)
    spend_name = REGISTRY["spend"].name(lang)
    tips = [alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
            alt.Tooltip("spend_text:N", title=spend_name),
            alt.Tooltip("revenue_text:N", title=REGISTRY["revenue"].name(lang)),
            alt.Tooltip("roas_text:N", title="ROAS")]
    bars = alt.Chart(data).mark_bar(height=36 if big else 24).encode(
        y=y, x=alt.X("spend:Q", title=f"{spend_name}（{_symbol(currency)}）" if lang == "zh"
                     else f"{spend_name} ({_symbol(currency)})", axis=alt.Axis(labelExpr=number_axis(lang))),
        color=alt.Color("platform_label:N", scale=alt.Scale(domain=order, range=colors), legend=None),
        tooltip=tips)
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=18 if big else 12).encode(
        y=y, x="spend:Q", text="label:N")
    title = i18n.t("overview.platform_spend", lang)
    chart = alt.layer(bars, text).properties(title=title, height=(56 if big else 36) * max(1, len(order)),
                                             width="container")
    return _fonts(chart, big)
