"""Overview charts: weekly trend, funnel, stage rates, spend and return by platform, as Vega-Lite specs.

Every chart has a title, axis titles with units and tooltips whose numbers are formatted per language by
smm.fmt (¥1.2万 in zh, ¥12.0K in en); platform colours come from smm.palette. `big=True` enlarges every
font for presentation mode (readable from the back of a meeting room).

The specs are plain dicts for st.vega_lite_chart rather than Altair objects: building and validating five
layered Altair charts took longer than all the Overview's queries on 5 M rows (see bench/overview.py).
tests/test_overview_charts.py validates every spec against Altair's bundled Vega-Lite schema instead.
"""

from __future__ import annotations

import math

import pandas as pd

from smm import charts, fmt, i18n, palette
from smm.metrics import REGISTRY
from smm.overview import FUNNEL_RATES, FUNNEL_STAGES, FunnelRow, label

# Static CSS only (no user text). Presentation mode: the sidebar and toolbar are hidden by ui.PRESENT_CSS;
# this enlarges what the Overview adds (sentences, captions) for the back of the room. Its presented platform
# table takes its type from ui.PRESENT_CSS (smm_table_fit: 1.25rem cells, less where the screen is narrow).
PAGE_CSS = """
<style>
[data-testid="stMetric"] [data-testid="stMetricDelta"] { font-size: 1.05rem; }
</style>
"""
PAGE_CSS_BIG = """
<style>
.block-container { max-width: 100% !important; }
[data-testid="stMarkdownContainer"] li { font-size: 1.35rem; line-height: 1.5; }
[data-testid="stMetricLabel"] { font-size: 1.3rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem !important; }
[data-testid="stMetric"] [data-testid="stMetricDelta"] { font-size: 1.5rem !important; }
h2, h3 { font-size: 2rem !important; }
</style>
"""

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


def change_marker(c) -> str:
    """A coloured arrow for a "what changed" sentence: green when better, red when worse, grey if neutral."""
    arrow = "▲" if c.delta > 0 else "▼"
    tone = "gray" if c.good is None else ("green" if c.good else "red")
    return f":{tone}[{arrow}]"


def _symbol(currency: str) -> str:
    return fmt.SYMBOLS.get(currency, currency)


SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"


def _config(big: bool) -> dict:
    """Font sizes for a laptop, or for a projector in presentation mode."""
    s = 20 if big else 13
    return {"axis": {"labelFontSize": s, "titleFontSize": s, "labelLimit": 320},
            "title": {"fontSize": s + 6, "anchor": "start"},
            "legend": {"labelFontSize": s, "titleFontSize": s, "symbolSize": 200 if big else 100},
            "view": {"strokeWidth": 0}, **charts.AXIS_LABELS}


def _values(df: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: NaN → null, dates → ISO text."""
    out = []
    for rec in df.to_dict("records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif hasattr(v, "isoformat"):
                v = v.isoformat()
            elif hasattr(v, "item"):
                v = v.item()
            row[k] = v
        out.append(row)
    return out


def _chart(title: str, data: pd.DataFrame, layers: list[dict], big: bool, height: object) -> dict:
    return {"$schema": SCHEMA, "title": title, "width": "container", "height": height,
            "data": {"values": _values(data)}, "config": _config(big), "layer": layers}


def _nom(field: str, title: str | None = None) -> dict:
    return {"field": field, "type": "nominal", **({"title": title} if title is not None else {})}


def _tip(field: str, title: str) -> dict:
    return {"field": field, "type": "nominal", "title": title}


def _when(test: str, yes: object, no: object) -> dict:
    return {"condition": {"test": test, "value": yes}, "value": no}


def _week_labels(weeks: pd.Series, lang: str) -> list[str]:
    d = pd.to_datetime(weeks)
    return [f"{x.month}月{x.day}日" if lang == "zh" else x.strftime("%b %d") for x in d]


# ---------------------------------------------------------------- weekly trend


def trend_frame(df: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """Long table for the money bars (one row per week × series) with formatted tooltip text."""
    if df.empty:
        return pd.DataFrame()
    base = pd.DataFrame({"week": pd.to_datetime(df["week"]).dt.date, "week_label": _week_labels(df["week"], lang),
                         "in_period": df["in_period"].astype(bool), "partial": df["partial"].astype(bool),
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


def trend_charts(df: pd.DataFrame, lang: str, currency: str, *, big: bool = False) -> tuple[dict, dict]:
    """Two aligned charts over the same weeks (no dual axis): spend and revenue bars, then ROAS.

    Both share the week domain and a fixed y-axis width, so a week sits at the same x in both.
    """
    data = trend_frame(df, lang, currency)
    order = list(dict.fromkeys(data["week_label"]))
    x = {"field": "week_label", "type": "nominal", "sort": order, "scale": {"domain": order},
         "title": i18n.t("overview.week_of", lang), "axis": {"labelAngle": 0, "labelOverlap": True}}
    extent = 110 if big else 80
    names = [REGISTRY["spend"].name(lang), REGISTRY["revenue"].name(lang)]
    tips = [_tip("week_label", i18n.t("overview.week_of", lang)), _tip("spend_text", names[0]),
            _tip("revenue_text", names[1]), _tip("roas_text", "ROAS"),
            _tip("partial_text", i18n.t("overview.partial_week", lang))]
    fade = _when("datum.partial", 0.35, 1.0)
    band = {"transform": [{"filter": "datum.in_period"}],
            "mark": {"type": "rect", "color": BAND_COLOR, "opacity": 0.55}, "encoding": {"x": x}}
    h = 480 if big else 340     # the whole chart (title, legend, axes included: Streamlit fits it)
    bars = {"mark": {"type": "bar"}, "encoding": {
        "x": x, "xOffset": {"field": "series", "type": "nominal", "sort": names},
        "y": {"field": "amount", "type": "quantitative",
              "title": i18n.t("overview.amount", lang, currency=_symbol(currency)),
              "axis": {"labelExpr": number_axis(lang), "minExtent": extent, "maxExtent": extent}},
        "color": {"field": "series", "type": "nominal", "title": None, "sort": names,
                  "scale": {"domain": names, "range": [SPEND_COLOR, REVENUE_COLOR]}, "legend": {"orient": "top"}},
        "opacity": fade, "tooltip": tips}}
    top = _chart(i18n.t("overview.trend_money", lang, currency=currency), data, [band, bars], big, h)
    roas = data[data["series"] == names[0]]
    y = {"field": "roas", "type": "quantitative", "title": "ROAS (×)", "scale": {"zero": True},
         "axis": {"minExtent": extent, "maxExtent": extent}}
    even = {"data": {"values": [{"y": 1.0}]}, "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#57606a"},
            "encoding": {"y": {"field": "y", "type": "quantitative"}}}
    line = {"mark": {"type": "line", "color": ROAS_COLOR, "strokeWidth": 4 if big else 3},
            "encoding": {"x": x, "y": y, "tooltip": tips}}
    points = {"mark": {"type": "point", "filled": True, "size": 160 if big else 80, "color": ROAS_COLOR},
              "encoding": {"x": x, "y": {"field": "roas", "type": "quantitative"}, "opacity": fade,
                           "tooltip": tips}}
    labels = {"mark": {"type": "text", "dy": -16, "fontSize": 18 if big else 12, "color": ROAS_COLOR},
              "encoding": {"x": x, "y": {"field": "roas", "type": "quantitative"},
                           "text": {"field": "roas_text", "type": "nominal"}}}
    bottom = _chart(i18n.t("overview.trend_roas", lang), roas, [band, even, line, points, labels], big,
                    int(h * 0.75))
    return top, bottom


# ---------------------------------------------------------------- funnel


def funnel_frame(row: FunnelRow, lang: str, currency: str) -> pd.DataFrame:
    """One row per funnel stage: centred bar ends (log10 of the count), text and the bottleneck flag."""
    stage_rates = {s.target: s for s in row.stages}
    counts = [v for st, v in row.counts.items() if st != "revenue" and v and v > 0]
    top = math.log10(max(counts)) if counts and max(counts) > 1 else 1.0
    recs = []
    for i, st in enumerate(FUNNEL_STAGES):
        v = row.counts.get(st)
        s = stage_rates.get(st)
        m = REGISTRY[st]
        value_txt = fmt.money(v, currency, lang) if m.unit == "money" else fmt.count(v, lang)
        rate_txt = ""
        if s is not None:
            rm = REGISTRY[s.rate]
            rate_txt = f"{label(rm, lang)} {fmt.by_unit(s.value, rm.unit, currency, lang)}"
        width = 0.0 if st == "revenue" or not v or v <= 0 else max(0.06, math.log10(max(v, 1)) / top)
        recs.append({"order": i, "stage": label(m, lang), "x0": -width / 2, "x1": width / 2,
                     "value_text": value_txt, "rate_text": rate_txt or fmt.DASH,
                     "text": value_txt + (f"\n{rate_txt}" if rate_txt else ""),   # two lines: fits a narrow chart
                     "bottleneck": bool(row.bottleneck is not None and s is row.bottleneck)})
    return pd.DataFrame(recs)


def funnel_chart(row: FunnelRow, lang: str, currency: str, *, big: bool = False) -> dict:
    """A centred funnel exposure → interactions → clicks → conversions, then revenue, labelled with each
    stage's count and the rate into it. Bar widths follow log10(count) so every stage stays visible."""
    data = funnel_frame(row, lang, currency)
    order = data["stage"].tolist()
    who = i18n.platform_label(row.platform, lang) if row.platform else i18n.t("overview.all_platforms", lang)
    color = palette.PLATFORM_COLORS.get(row.platform or "", SPEND_COLOR)
    y = {"field": "stage", "type": "nominal", "sort": order, "title": None,
         "axis": {"ticks": False, "domain": False, "labelPadding": 8}}
    tips = [_tip("stage", i18n.t("overview.stage", lang)), _tip("value_text", i18n.t("overview.funnel_counts", lang)),
            _tip("rate_text", i18n.t("overview.rate", lang))]
    bars = {"transform": [{"filter": "datum.x1 > 0"}], "mark": {"type": "bar", "color": color, "cornerRadius": 3},
            "encoding": {"y": y, "x": {"field": "x0", "type": "quantitative", "scale": {"domain": [-0.5, 2.1]},
                                       "axis": None},
                         "x2": {"field": "x1"},
                         "stroke": _when("datum.bottleneck", palette.BAD, None),
                         "strokeWidth": _when("datum.bottleneck", 5 if big else 3, 0), "tooltip": tips}}
    text = {"mark": {"type": "text", "align": "left", "fontSize": 20 if big else 13, "fontWeight": "bold",
                     "lineBreak": "\n", "lineHeight": 24 if big else 16},
            "encoding": {"y": y, "x": {"datum": 0.56}, "text": {"field": "text", "type": "nominal"},
                         "color": _when("datum.bottleneck", palette.BAD, "#1f2328"), "tooltip": tips}}
    return _chart(f"{i18n.t('overview.funnel', lang)} · {who}", data, [bars, text], big,
                  {"step": 64 if big else 44})


def stage_rates_frame(rows: list[FunnelRow], lang: str, currency: str) -> pd.DataFrame:
    """One row per platform × stage rate: value, change against the comparison period, bottleneck flag."""
    out = []
    for r in rows:
        if r.platform is None:
            continue
        for s in r.stages:
            m = REGISTRY[s.rate]
            ch = s.change
            value_text = fmt.by_unit(s.value, m.unit, currency, lang)
            change_text = fmt.DASH if ch is None else f"{ch * 100:+.1f}%"
            out.append({
                "platform": r.platform, "platform_label": i18n.platform_label(r.platform, lang),
                "stage_short": label(m, lang), "value_text": value_text,
                "prev_text": fmt.by_unit(s.previous, m.unit, currency, lang),
                "overall_text": fmt.by_unit(s.overall, m.unit, currency, lang),
                "change": None if ch is None else max(-0.5, min(0.5, ch)), "change_text": change_text,
                "cell": f"{value_text}\n{change_text}", "has_value": s.value is not None,
                "bottleneck": bool(r.bottleneck is not None and s is r.bottleneck),
            })
    return pd.DataFrame(out)


_FIRST_SPACE_BREAK = ("indexof(datum.label, ' ') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' ')), "
                      "substring(datum.label, indexof(datum.label, ' ') + 1)] : datum.label")


def stage_rates_chart(rows: list[FunnelRow], lang: str, currency: str, *, big: bool = False) -> dict:
    """Heat table: platforms × stage rates, coloured by change against the comparison period; the bottleneck
    cell is outlined."""
    data = stage_rates_frame(rows, lang, currency)
    labels = [i18n.platform_label(r.platform, lang) for r in rows if r.platform]
    cols = [label(REGISTRY[rid], lang) for rid, _, _ in FUNNEL_RATES]
    x = {"field": "stage_short", "type": "nominal", "sort": cols, "title": None,
         # Every column keeps its header: on a narrow chart Vega would drop every other one as overlapping, so
         # a header breaks at its first space instead ("CTR 点击率" → CTR over 点击率).
         "axis": {"orient": "top", "labelAngle": 0, "labelOverlap": False, "labelExpr": _FIRST_SPACE_BREAK}}
    y = {"field": "platform_label", "type": "nominal", "sort": labels, "title": None}
    tips = [_tip("platform_label", i18n.field_label("platform", lang)), _tip("stage_short", i18n.t("overview.stage", lang)),
            _tip("value_text", i18n.t("overview.rate", lang)), _tip("prev_text", i18n.t("overview.prev_value", lang)),
            _tip("change_text", i18n.t("overview.change_col", lang)),
            _tip("overall_text", i18n.t("overview.all_platforms", lang))]
    rect = {"mark": {"type": "rect", "cornerRadius": 4}, "encoding": {
        "x": x, "y": y, "tooltip": tips,
        "color": {"field": "change", "type": "quantitative", "title": i18n.t("overview.change_col", lang),
                  "scale": {"domain": [-0.5, 0, 0.5], "range": [palette.BAD, "#f6f8fa", palette.GOOD],
                            "interpolate": "rgb"},
                  "legend": {"format": "+.0%", "orient": "right"}}}}
    outline = {"transform": [{"filter": "datum.bottleneck"}],
               "mark": {"type": "rect", "fill": None, "stroke": "#111111", "strokeWidth": 5 if big else 3},
               "encoding": {"x": x, "y": y}}
    text = {"mark": {"type": "text", "fontSize": 20 if big else 13, "lineBreak": "\n",
                     "lineHeight": 24 if big else 16},
            "encoding": {"x": x, "y": y, "text": {"field": "cell", "type": "nominal"}, "tooltip": tips,
                         "color": _when("abs(datum.change) > 0.3", "white", "#1f2328")}}
    return _chart(i18n.t("overview.stage_rates", lang), data, [rect, outline, text], big, {"step": 72 if big else 48})


# ---------------------------------------------------------------- platforms


def platform_spend_chart(table: pd.DataFrame, lang: str, currency: str, *, big: bool = False) -> dict:
    """Spend per platform (platform colours), labelled with its ROAS: where the money went, what it returned."""
    data = table[table["spend"].notna()][["platform", "platform_label", "spend", "revenue", "roas"]].copy()
    data["spend_text"] = [fmt.money(x, currency, lang) for x in data["spend"]]
    data["revenue_text"] = [fmt.money(x, currency, lang) for x in data["revenue"]]
    data["roas_text"] = [fmt.multiple(x) for x in data["roas"]]
    data["label"] = [f"{a} · ROAS {b}" for a, b in zip(data["spend_text"], data["roas_text"], strict=True)]
    order = data["platform_label"].tolist()
    colors = [palette.PLATFORM_COLORS[p] for p in data["platform"]]
    y = {"field": "platform_label", "type": "nominal", "sort": order, "title": None}
    spend_name = REGISTRY["spend"].name(lang)
    tips = [_tip("platform_label", i18n.field_label("platform", lang)), _tip("spend_text", spend_name),
            _tip("revenue_text", REGISTRY["revenue"].name(lang)), _tip("roas_text", "ROAS")]
    top = float(data["spend"].max()) if not data.empty else 1.0
    unit = f"{spend_name}（{_symbol(currency)}）" if lang == "zh" else f"{spend_name} ({_symbol(currency)})"
    bars = {"mark": {"type": "bar", "cornerRadiusEnd": 3}, "encoding": {
        "y": y, "x": {"field": "spend", "type": "quantitative", "title": unit, "scale": {"domain": [0, top * 1.35]},
                      "axis": {"labelExpr": number_axis(lang), "tickCount": 6}},   # readable from the back
        "color": {"field": "platform_label", "type": "nominal", "scale": {"domain": order, "range": colors},
                  "legend": None},
        "tooltip": tips}}
    text = {"mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 18 if big else 12},
            "encoding": {"y": y, "x": {"field": "spend", "type": "quantitative"},
                         "text": {"field": "label", "type": "nominal"}}}
    return _chart(i18n.t("overview.platform_spend", lang), data, [bars, text], big, {"step": 52 if big else 34})
