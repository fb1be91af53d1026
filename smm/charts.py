"""Altair charts shared by pages: titles, axis units, formatted tooltips, one platform palette."""

from __future__ import annotations

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
