"""Altair charts shared by pages: titles, axis units, formatted tooltips, one platform palette."""

from __future__ import annotations

import threading

import altair as alt
import pandas as pd

from smm import i18n, palette


def weekly_platform_bars(df: pd.DataFrame, metric: str, lang: str, currency: str) -> alt.Chart:
    """Stacked weekly bars of one summed metric by platform."""
    data = df.assign(platform_label=df["platform"].map(lambda p: i18n.platform_label(p, lang)))
    dom, rng = palette.domain_range(sorted(df["platform"].unique()))
    labels = [i18n.platform_label(p, lang) for p in dom]
    unit = f" ({currency})" if metric in ("spend", "revenue") else ""
    title = i18n.field_label(metric, lang) + unit
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=i18n.field_label("week", lang), axis=alt.Axis(format="%m-%d")),
            y=alt.Y(f"{metric}:Q", title=title, axis=alt.Axis(format="~s")),
            color=alt.Color("platform_label:N", title=i18n.field_label("platform", lang),
                            scale=alt.Scale(domain=labels, range=rng)),
            tooltip=[alt.Tooltip("week:T", title=i18n.field_label("week", lang), format="%Y-%m-%d"),
                     alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
                     alt.Tooltip(f"{metric}:Q", title=title, format=",.0f")],
        )
        .properties(height=360)
    )


try:    # Streamlit swaps Altair's global data transformer and theme while it draws a chart, under this lock
    from streamlit.elements.vega_charts import _altair_globals_lock as _ALTAIR_LOCK
except ImportError:  # pragma: no cover - a Streamlit without it (pinned to 1.67 in pyproject.toml)
    _ALTAIR_LOCK = threading.Lock()


# Streamlit's chart theme flushes every axis's end labels (labelFlush), which misplaces two kinds:
# - on a band or point axis whose first band starts at the plot's edge, the first label starts at its band's centre
#   instead of standing on it (the Overview's first week read 20 px right of its bars, the others centred);
# - on a y axis, the lowest label sits above its gridline and the highest below it (ROAS "0.0" 7 px above the zero
#   line, so a point at zero looked below it).
# Labels stand centred on what they name; on an x axis of numbers or dates the end labels stay inside the plot.
AXIS_LABELS = {"axisDiscrete": {"labelFlush": False}, "axisY": {"labelFlush": False}}


def to_spec(chart, *, theme: str = "default") -> dict:
    """An Altair chart's Vega-Lite spec, its data inline (as `datasets`).

    Altair's data transformer and theme are global to the process, and Streamlit replaces them while it draws a
    chart in another session (its transformer leaves the data out of the spec): under Streamlit's own lock, this
    spec is the one Altair writes by default, whatever another session draws at the same time. Twenty sessions
    reading the Budget page at once raised KeyError 'datasets' before.

    theme="none" writes the spec as st.altair_chart does (Altair's default theme adds a 300 × 300 px default
    view size that Streamlit leaves out); presentation mode draws the default one, scaled (presenting()).
    """
    with _ALTAIR_LOCK:
        if theme == "default":
            spec = chart.to_dict()
        else:
            with alt.theme.enable(theme):
                spec = chart.to_dict()
    return {**spec, "config": {**AXIS_LABELS, **(spec.get("config") or {})}}


def _rows(spec: dict, data: dict) -> list[dict]:
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


# Room beside the plot for a value written past the end of its bar: Vega fits the chart to its width by the text's
# measured size, and a bold label ("¥30.30") could still lose a pixel or two of its last character at the edge.
LABEL_ROOM = {"left": 5, "top": 5, "right": 14, "bottom": 5}


# Presentation mode: the same chart, its text readable from the back of a meeting room. Every size that is text
# (and the room text needs: label limits, text-mark offsets, band steps) grows by PRESENT_SCALE; legend symbols
# by its square (an area); chart heights a little, so the larger text keeps its room.
PRESENT_SCALE = 1.45
PRESENT_HEIGHT = 1.2
_TEXT_KEYS = frozenset({"fontSize", "labelFontSize", "titleFontSize", "labelLimit", "titleLimit", "labelPadding",
                        "titlePadding", "dx", "dy", "step", "padding"})
_AREA_KEYS = frozenset({"symbolSize"})
_DATA_KEYS = frozenset({"data", "datasets"})       # the data's own columns: never sizes


def _scaled(node: object, k: float, key: str | None = None) -> object:
    if isinstance(node, dict):
        # a padding's sides ({"right": 14}) are paddings too
        return {name: v if name in _DATA_KEYS else _scaled(v, k, key if key == "padding" else name)
                for name, v in node.items()}
    if isinstance(node, list):
        return [_scaled(v, k, key) for v in node]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return node
    if key in _TEXT_KEYS:
        return round(node * k, 1)
    if key in _AREA_KEYS:
        return round(node * k * k, 1)
    if key == "height":
        return round(node * PRESENT_HEIGHT)
    return node


def _default_text(spec: dict) -> dict:
    """Sizes a spec leaves to Streamlit's chart theme written out (its px values), so that they scale too.

    A text mark with no size of its own gets Vega's 11 px, which Streamlit leaves alone: counted as 12 here, so
    that presenting it draws 17 px, the size of a presented axis label."""
    config = dict(spec.get("config") or {})
    for part, defaults in (("axis", {"labelFontSize": 12, "titleFontSize": 14, "labelLimit": 100}),
                           ("legend", {"labelFontSize": 14, "titleFontSize": 14}),
                           ("header", {"labelFontSize": 12, "titleFontSize": 16}),
                           ("title", {"fontSize": 16}),
                           ("text", {"fontSize": 12})):
        config[part] = {**defaults, **(config.get(part) or {})}
    return {**spec, "config": config}


def presenting(spec: dict, k: float = PRESENT_SCALE) -> dict:
    """A Vega-Lite spec (a chart's to_dict()) with every text size × k: the chart as presentation mode shows it.

    Scales what the spec states and what it leaves to Streamlit's chart theme, in the config, in each mark, axis,
    legend, header and title, at any depth (layers, facets, concatenations). Data values are never touched:
    they sit under "datasets"/"data", whose keys are the data's own columns.
    """
    return _scaled(_default_text(spec), k)


def _without(node: object, key: str) -> object:
    """The layers with every encoding's `key` ("legend", "axis") turned off (set to null)."""
    if isinstance(node, dict):
        return {k: (None if k == key else _without(v, key)) for k, v in node.items()}
    if isinstance(node, list):
        return [_without(v, key) for v in node]
    return node


def facet_panels(chart) -> tuple[str | None, dict, list[dict]]:
    """A faceted chart (small multiples of fixed width) as one Vega-Lite spec per panel, each as wide as its
    container: (the chart's title, its legend, [panel specs]) for ui.chart_grid, which lays the panels out in
    columns that wrap.

    A facet draws every panel at a fixed width, and a page narrower than the panels scales the whole picture
    down, text with it (three 280 px budget panels beside the sidebar at 1280 px: 9 px labels). As separate
    charts, each panel fits the column it has at its own type size. Each panel keeps the facet's layers, scales
    (its own, as the facet's independent ones were) and tooltips, and takes the facet header as its title. The
    legend is drawn once, above the panels, by a chart of the same layers with no data and no axes: its scales
    state their domains, so it lists what the panels draw.
    """
    spec = to_spec(chart)
    inner = spec["spec"]
    facet = spec["facet"].get("column") or spec["facet"].get("row") or spec["facet"]   # .facet(column=…) or (facet=…)
    field = facet["field"]
    rows = _rows(spec, spec["data"])
    seen = list(dict.fromkeys(r.get(field) for r in rows))
    order = [v for v in facet.get("sort") or [] if v in seen]
    values = order + [v for v in seen if v not in order]
    header = facet.get("header") or {}
    title = spec.get("title")
    config = spec.get("config") or {}
    layers = {k: w for k, w in inner.items() if k not in ("width", "height", "data")}
    common = {"$schema": spec["$schema"], "width": "container",
              "autosize": {"type": "fit-x", "contains": "padding"},          # the height is the plot's own
              **({"padding": spec["padding"]} if "padding" in spec else {})}
    panels = [{**common, **_without(layers, "legend"), "config": {**config, "legend": {"disable": True}},
               "datasets": {f"panel_{i}": [r for r in rows if r.get(field) == v]}, "data": {"name": f"panel_{i}"},
               "height": inner.get("height", 200),
               "title": {"text": str(v), "fontSize": header.get("labelFontSize", 16),
                         "fontWeight": header.get("labelFontWeight", "bold"), "anchor": "middle"}}
              for i, v in enumerate(values)]
    # Only the legend shows: no offset from the 1 px plot and no padding around it, or a 15 px row of entries
    # takes 60 px above the panels.
    # An axis that states its own title or labels is drawn despite config.axis.disable: null them all.
    legend = {**common, **_without(layers, "axis"), "padding": {"left": 5, "top": 2, "right": 5, "bottom": 0},
              "config": {**config, "axis": {"disable": True}, "view": {"strokeWidth": 0},
                         "legend": {**config.get("legend", {}), "offset": 0, "padding": 0}},
              "data": {"values": []}, "height": 1}
    return (title.get("text") if isinstance(title, dict) else title), legend, panels
