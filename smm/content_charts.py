"""Charts and display tables of the Content page: labels, formats and layout only (numbers come from smm.content)."""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd
import streamlit as st

from smm import content, fmt, i18n, metrics
from smm.charts import LABEL_ROOM
from smm.schema import CONTENT_TYPES, PLATFORMS

# One colour per content form, distinct from each other on a projector (platforms keep palette colours).
TYPE_COLORS = {
    "video": "#1f5fbf",
    "image_text": "#f0a030",
    "live": "#8e44ad",
    "other": "#6e7781",
    None: "#afb8c1",
}
FONT = {"labelFontSize": 14, "titleFontSize": 15}


def metric_name(metric_id: str, lang: str) -> str:
    if metric_id == "cpe_cost":
        return i18n.t("content.cpe_cost", lang)
    return metrics.get(metric_id).name(lang)


def ctype_label(ctype: str | None, lang: str) -> str:
    if ctype is None or (isinstance(ctype, float) and pd.isna(ctype)):
        return i18n.t("content.ctype_none", lang)
    return i18n.t(f"ctype.{ctype}", lang) if i18n.has(f"ctype.{ctype}") else str(ctype)


def theme_label(theme: str | None, lang: str) -> str:
    if theme is None or (isinstance(theme, float) and pd.isna(theme)):
        return i18n.t("content.theme_none", lang)
    return str(theme)


def fmt_value(x: float | None, metric_id: str, currency: str, lang: str) -> str:
    return fmt.by_unit(None if x is None or pd.isna(x) else float(x), content.unit(metric_id), currency, lang)


def factor_text(x: float | None) -> str:
    if x is None or pd.isna(x):
        return fmt.DASH
    v = float(x)
    return f"{v:.2f}×" if v < 1.1 else f"{v:.1f}×"


def _axis_format(metric_id: str) -> str:
    return ".1%" if content.unit(metric_id) == "ratio" else "~s"


_ZH_AXIS = (
    "abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.1~f') + '亿' : "
    "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, '.1~f') + '万' : format(datum.value, ',~r')"
)


def _axis(metric_id: str, lang: str, **kw) -> alt.Axis:
    """Axis labels per language: percentages, or 1.2万 / 3亿 in zh and 12k / 3M in en."""
    if content.unit(metric_id) != "ratio" and lang == "zh":
        return alt.Axis(labelExpr=_ZH_AXIS, **kw)
    return alt.Axis(format=_axis_format(metric_id), **kw)


def _axis_title(metric_id: str, lang: str, currency: str) -> str:
    unit = content.unit(metric_id)
    name = metric_name(metric_id, lang)
    return f"{name} ({currency})" if unit == "money" else (f"{name} (%)" if unit == "ratio" else name)


def _style(chart):
    return (
        chart.configure_axis(**FONT)
        .configure_legend(labelFontSize=14, titleFontSize=14, orient="top")
        .configure_title(fontSize=18, anchor="start")
        .configure_view(strokeWidth=0)
        .properties(padding=LABEL_ROOM)
    )


def posts_text(n: int, total: int, lang: str, short: bool = False) -> str:
    """How many posts a median is taken over: "5 条" / "n=5", or "2/8 条" / "n=2 of 8" where only some of the
    group's posts have the metric (ER without its base, say): the table beside the chart counts all of them.
    `short`: "n=2/8" in English, for a label inside a bar."""
    n, total = int(n), int(total)
    if n == total:
        return i18n.t("content.posts_n", lang, n=n)
    return i18n.t("content.posts_n_of_short" if short else "content.posts_n_of", lang, n=n, total=total)


# ---------------------------------------------------------------- form × platform


def form_chart(df: pd.DataFrame, metric_id: str, lang: str, currency: str) -> alt.FacetChart:
    """One panel per platform (own y scale): per-post median by form (bars), pooled ratio or mean (ticks), counts."""
    med, n = f"{metric_id}_median", f"{metric_id}_posts"
    pooled = metric_id in content.RATIO_METRICS
    beside = metric_id if pooled else f"{metric_id}_mean"
    beside_name = i18n.t("content.pooled" if pooled else "content.mean", lang)
    d = df[df[med].notna()].copy()
    plats = [p for p in PLATFORMS if p in set(d["platform"])]
    d["platform_label"] = [i18n.platform_label(p, lang) for p in d["platform"]]
    d["type_label"] = [ctype_label(c, lang) for c in d["content_type"]]
    d["median_text"] = [fmt_value(v, metric_id, currency, lang) for v in d[med]]
    d["beside_text"] = [fmt_value(v, metric_id, currency, lang) for v in d[beside]]
    ns = list(zip(d[n], d["posts"], strict=True))
    d["n_text"] = [posts_text(k, total, lang) for k, total in ns]
    d["n_short"] = [posts_text(k, total, lang, short=True) for k, total in ns]
    present = {None if pd.isna(c) else c for c in d["content_type"]}
    types = [c for c in (*CONTENT_TYPES, None) if c in present]
    type_labels = [ctype_label(c, lang) for c in types]
    per_panel = max(110, min(320, int(900 / max(1, len(plats))) - 60))
    tip = [
        alt.Tooltip("platform_label:N", title=i18n.field_label("platform", lang)),
        alt.Tooltip("type_label:N", title=i18n.field_label("content_type", lang)),
        alt.Tooltip("median_text:N", title=i18n.t("content.median_per_post", lang)),
        alt.Tooltip("beside_text:N", title=beside_name),
        alt.Tooltip("n_text:N", title=i18n.t("content.posts", lang)),
    ]
    base = alt.Chart().encode(
        x=alt.X("type_label:N", sort=type_labels, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=14)),
        tooltip=tip,
    )
    bars = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        y=alt.Y(f"{med}:Q", title=None, axis=_axis(metric_id, lang, tickCount=5)),
        color=alt.Color(
            "type_label:N",
            title=i18n.field_label("content_type", lang),
            scale=alt.Scale(domain=type_labels, range=[TYPE_COLORS[c] for c in types]),
        ),
    )
    # as long as most of a bar is wide, whatever width the panel is drawn at
    ticks = base.mark_tick(color="#24292f", thickness=3, size=alt.ExprRef("bandwidth('x') * 0.8")).encode(
        y=alt.Y(f"{beside}:Q")
    )
    labels = (
        base.transform_calculate(
            top=f"max(datum['{med}'], isValid(datum['{beside}']) ? datum['{beside}'] : 0)"
        )
        .mark_text(dy=-5, baseline="bottom", fontSize=14, fontWeight="bold", color="#24292f")
        .encode(y=alt.Y("top:Q"), text="median_text:N")
    )
    counts = (
        base.transform_calculate(zero="0")
        .mark_text(dy=-6, baseline="bottom", fontSize=13, color="#ffffff")
        .encode(y=alt.Y("zero:Q"), text="n_short:N")
    )
    unit = f" ({currency})" if content.unit(metric_id) == "money" else ""
    title = (
        i18n.t("content.chart_forms_title", lang, metric=metric_name(metric_id, lang), pooled=beside_name)
        + unit
    )
    chart = (
        alt.layer(bars, ticks, labels, counts, data=d)
        .properties(width=per_panel, height=300)
        .facet(
            column=alt.Column(
                "platform_label:N",
                sort=[i18n.platform_label(p, lang) for p in plats],
                title=None,
                header=alt.Header(labelFontSize=17, labelFontWeight="bold"),
            ),
            title=title,
        )
        .resolve_scale(x="independent", y="independent")
    )
    return _style(chart)


# ---------------------------------------------------------------- tables
# Tables keep numbers as numbers (the grid sorts them) and show them through a Styler formatted per language.
# Streamlit renders a null cell as "None"; an undefined figure is therefore carried as -inf inside the
# display frame only, which the Styler shows as "—" and which sorts below every real value.

_NUMERIC = {"count", "money", "money2", "ratio", "z", "factor", "int"}


def _cell_formatter(kind: str, lang: str, currency: str):
    def f(v: float) -> str:
        if v is None or pd.isna(v) or v == float("-inf"):
            return fmt.DASH
        if kind == "count":
            return fmt.count(v, lang)
        if kind == "money":
            return fmt.money(v, currency, lang)
        if kind == "money2":
            return fmt.money(v, currency, lang, exact=True)
        if kind == "ratio":
            return fmt.pct(v)
        if kind == "z":
            return f"{v:+.1f}"
        if kind == "factor":
            return factor_text(v)
        return f"{int(v)}"

    return f


def _text(v: object) -> str:
    return fmt.DASH if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else str(v)


def _table(df: pd.DataFrame, spec: list[tuple[str, str, str]], lang: str, currency: str):
    """(Styler, column_config) for `spec` = [(source column, header, kind)] in display order."""
    out = pd.DataFrame(index=range(len(df)))
    fmts, conf = {}, {}
    for col, label, kind in spec:
        v = df[col].reset_index(drop=True) if col in df.columns else pd.Series([None] * len(df))
        if kind in _NUMERIC:
            out[label] = pd.to_numeric(v, errors="coerce").astype("float64").fillna(float("-inf"))
            fmts[label] = _cell_formatter(kind, lang, currency)
        elif kind == "platform":
            out[label] = [i18n.platform_label(x, lang) if isinstance(x, str) else fmt.DASH for x in v]
        elif kind == "ctype":
            out[label] = [ctype_label(x, lang) for x in v]
        elif kind == "theme":
            out[label] = [theme_label(x, lang) for x in v]
        elif kind == "datetime":
            out[label] = [
                x.strftime("%Y-%m-%d %H:%M") if isinstance(x, pd.Timestamp) and not pd.isna(x) else fmt.DASH
                for x in v
            ]
        elif kind == "link":
            out[label] = ["" if x is None or (isinstance(x, float) and pd.isna(x)) else str(x) for x in v]
            conf[label] = st.column_config.LinkColumn(
                label, display_text=i18n.t("content.col.open", lang), width="small"
            )
        else:
            out[label] = [_text(x) for x in v]
        if kind == "title":
            conf[label] = st.column_config.TextColumn(label, width=260)
    return out.style.format(fmts), conf


def _name(metric_id: str, lang: str, currency: str, suffix: str = "") -> str:
    name = i18n.t("content.cost", lang) if metric_id == "cost" else metric_name(metric_id, lang)
    name += suffix
    return f"{name} ({currency})" if metric_id == "cost" or content.unit(metric_id) == "money" else name


def _kind(metric_id: str) -> str:
    if metric_id == "cost":
        return "money"
    unit = content.unit(metric_id)
    return {
        "money": "money2" if metric_id == "cpe_cost" else "money",
        "ratio": "ratio",
        "multiple": "factor",
    }.get(unit, "count")


def forms_table(df: pd.DataFrame, lang: str, currency: str):
    """The form × platform detail: totals, pooled ratios and per-post medians, with post counts."""
    L = lang
    med, tot, pool = (
        " · " + i18n.t(k, L) for k in ("content.median_per_post", "content.total", "content.pooled")
    )
    spec = [
        ("platform", i18n.field_label("platform", L), "platform"),
        ("content_type", i18n.field_label("content_type", L), "ctype"),
        ("posts", i18n.t("content.posts", L), "int"),
        ("exposure", _name("exposure", L, currency, tot), "count"),
        ("exposure_median", _name("exposure", L, currency, med), "count"),
        ("interactions", _name("interactions", L, currency, tot), "count"),
        ("er", _name("er", L, currency, pool), "ratio"),
        ("er_median", _name("er", L, currency, med), "ratio"),
        ("ctr", _name("ctr", L, currency), "ratio"),
        ("cpe_cost", _name("cpe_cost", L, currency), "money2"),
        ("conversions", _name("conversions", L, currency, tot), "count"),
        ("conversions_median", _name("conversions", L, currency, med), "count"),
        ("revenue", _name("revenue", L, currency, tot), "money"),
        ("revenue_median", _name("revenue", L, currency, med), "money"),
        ("cost", _name("cost", L, currency), "money"),
    ]
    return _table(df, spec, L, currency)


# ---------------------------------------------------------------- themes


def theme_chart(df: pd.DataFrame, metric_id: str, lang: str, currency: str) -> alt.LayerChart:
    """Horizontal bars: per-post median of one metric by theme (themes with no value left out), counts shown."""
    med, n = f"{metric_id}_median", f"{metric_id}_posts"
    d = df[df[med].notna()].copy()
    d["theme_label"] = [theme_label(t, lang) for t in d["theme"]]
    d["median_text"] = [fmt_value(v, metric_id, currency, lang) for v in d[med]]
    d["n_text"] = [posts_text(k, total, lang) for k, total in zip(d[n], d["posts"], strict=True)]
    d["label"] = d["median_text"] + " · " + d["n_text"]
    name = metric_name(metric_id, lang)
    order = d.sort_values(med, ascending=content.direction(metric_id) < 0)["theme_label"].tolist()
    tip = [
        alt.Tooltip("theme_label:N", title=i18n.field_label("theme", lang)),
        alt.Tooltip("median_text:N", title=i18n.t("content.median_per_post", lang)),
        alt.Tooltip("n_text:N", title=i18n.t("content.posts", lang)),
    ]
    base = alt.Chart(d, title=i18n.t("content.chart_themes_title", lang, metric=name)).encode(
        y=alt.Y("theme_label:N", sort=order, title=None, axis=alt.Axis(labelFontSize=15, labelLimit=220)),
        tooltip=tip,
    )
    bars = base.mark_bar(color="#1f5fbf").encode(
        x=alt.X(
            f"{med}:Q",
            title=_axis_title(metric_id, lang, currency),
            axis=alt.Axis(format=_axis_format(metric_id)),
        )
    )
    text = base.mark_text(align="left", dx=6, fontSize=13, color="#24292f").encode(
        x=f"{med}:Q", text="label:N"
    )
    return _style(alt.layer(bars, text).properties(height=alt.Step(34)))


def themes_table(df: pd.DataFrame, lang: str, currency: str, split: bool):
    L = lang
    med, tot, pool = (
        " · " + i18n.t(k, L) for k in ("content.median_per_post", "content.total", "content.pooled")
    )
    spec = [("theme", i18n.field_label("theme", L), "theme")]
    if split:
        spec.append(("platform", i18n.field_label("platform", L), "platform"))
    spec += [
        ("posts", i18n.t("content.posts", L), "int"),
        ("exposure_median", _name("exposure", L, currency, med), "count"),
        ("er", _name("er", L, currency, pool), "ratio"),
        ("er_median", _name("er", L, currency, med), "ratio"),
        ("conversions", _name("conversions", L, currency, tot), "count"),
        ("revenue", _name("revenue", L, currency, tot), "money"),
    ]
    return _table(df, spec, L, currency)


def rules_frame(rows: list[dict], matches: list[int] | None, lang: str) -> pd.DataFrame:
    """Rule rows for the editor, with how many posts each complete rule themes (read-only column)."""
    df = pd.DataFrame(
        [{"keywords": r.get("keywords") or "", "theme": r.get("theme") or ""} for r in rows],
        columns=["keywords", "theme"],
        dtype="str",
    )
    complete = [bool(content.parse_rules([r])) for r in rows]
    it = iter(matches or [])
    df["matches"] = pd.array([next(it, 0) if c else None for c in complete], dtype="Int64")
    return df


def rules_config(lang: str) -> dict:
    return {
        "keywords": st.column_config.TextColumn(
            i18n.t("content.rule_keywords", lang), width="large", help=i18n.t("content.rules_help", lang)
        ),
        "theme": st.column_config.TextColumn(i18n.t("content.rule_theme", lang), width="small"),
        "matches": st.column_config.NumberColumn(
            i18n.t("content.rule_matches", lang), disabled=True, width="small"
        ),
    }


def editor_rows(df: pd.DataFrame) -> list[dict]:
    """The user's rule rows back from the editor (read-only columns dropped)."""
    return [{"keywords": r.get("keywords"), "theme": r.get("theme")} for r in df.to_dict("records")]


# ---------------------------------------------------------------- posts tables


# Presenting, a table of posts shows the columns the room reads: what the post is and its ranking figure, where and
# by whom, its reach and its sales, and the link to open it. A ranking's 13 columns (14 with links) ran past a
# 1280 px projector's right edge from conversions on; the rest is one click away, out of the mode.
ROOM_POSTS = ("rank", "content_title", "platform", "kol", "exposure", "revenue", "content_url")
ROOM_OUTLIERS = ("content_title", "sentence", "er", "group_median", "kol", "exposure", "content_url")


def _room_order(spec: list[tuple[str, str, str]], keep: Iterable[str]) -> list[str]:
    """The headers of `spec`'s columns whose source is in `keep`, in display order (st.dataframe's column_order)."""
    keep = set(keep)
    return [label for col, label, _ in spec if col in keep]


def posts_table(df: pd.DataFrame, metric_id: str, lang: str, currency: str, *, rank: bool = True,
                room: bool = False):
    """Posts: rank, title (plain text, never HTML), the ranking metric, who/where/when, figures, link.

    Returns (Styler, column_config, column_order): the order is None (every column) unless `room` (presenting),
    where it lists ROOM_POSTS and the ranking metric; the data keeps every column either way.
    """
    L = lang
    spec = [("rank", i18n.t("content.col.rank", L), "int")] if rank else []
    spec.append(("content_title", i18n.t("content.col.title", L), "title"))
    spec.append((metric_id, _name(metric_id, L, currency), _kind(metric_id)))
    spec += [
        ("platform", i18n.field_label("platform", L), "platform"),
        ("content_type", i18n.field_label("content_type", L), "ctype"),
        ("published_at", i18n.t("content.col.published", L), "datetime"),
        ("kol", i18n.field_label("kol", L), "text"),
        ("theme", i18n.field_label("theme", L), "text"),
    ]
    spec += [
        (m, _name(m, L, currency), _kind(m))
        for m in ("exposure", "interactions", "er", "conversions", "revenue", "cost")
        if m != metric_id
    ]
    if "content_url" in df.columns and df["content_url"].notna().any():
        spec.append(("content_url", i18n.t("content.col.link", L), "link"))
    return (*_table(df, spec, L, currency), _room_order(spec, (*ROOM_POSTS, metric_id)) if room else None)


def outlier_sentence(row: pd.Series, lang: str) -> str:
    """'3.4× the median for 小红书 图文' (labels and numbers only: no user text)."""
    key = "content.outlier_sentence_up" if row["factor"] >= 1 else "content.outlier_sentence_down"
    return i18n.t(
        key,
        lang,
        factor=factor_text(row["factor"]),
        platform=i18n.platform_label(row["platform"], lang),
        ctype=ctype_label(row["content_type"], lang),
    )


def outliers_table(df: pd.DataFrame, lang: str, currency: str, *, room: bool = False):
    """Posts far from their platform and form's norm: (Styler, column_config, column_order) as posts_table, with
    ROOM_OUTLIERS presenting (the sentence names the platform and form)."""
    L = lang
    d = df.assign(sentence=[outlier_sentence(r, L) for _, r in df.iterrows()])
    spec = [
        ("content_title", i18n.t("content.col.title", L), "title"),
        ("sentence", i18n.t("content.col.vs_norm", L), "text"),
        ("er", _name("er", L, currency), "ratio"),
        ("group_median", i18n.t("content.col.group_median", L), "ratio"),
        ("robust_z", i18n.t("content.col.z", L), "z"),
        ("platform", i18n.field_label("platform", L), "platform"),
        ("content_type", i18n.field_label("content_type", L), "ctype"),
        ("published_at", i18n.t("content.col.published", L), "datetime"),
        ("kol", i18n.field_label("kol", L), "text"),
        ("exposure", _name("exposure", L, currency), "count"),
        ("interactions", _name("interactions", L, currency), "count"),
    ]
    if d["content_url"].notna().any():
        spec.append(("content_url", i18n.t("content.col.link", L), "link"))
    return (*_table(d, spec, L, currency), _room_order(spec, ROOM_OUTLIERS) if room else None)


# ---------------------------------------------------------------- best time heatmap


def _hour(h: int) -> str:
    return f"{int(h):02d}:00"


def heatmap_chart(
    heat: pd.DataFrame, metric_id: str, platform: str, lang: str, currency: str, min_posts: int
) -> alt.LayerChart:
    """Weekday × hour grid: reliable cells coloured by the median, thin cells grey and dashed with their count."""
    d = heat.copy()
    used = d[d["posts"] > 0]["hour_start"]
    if not used.empty:  # show the hours that carry posts (± one block), not 24 mostly empty columns
        block = int(d["hour_end"].iloc[0] - d["hour_start"].iloc[0])
        lo, hi = max(0, int(used.min()) - block), min(24 - block, int(used.max()) + block)
        d = d[(d["hour_start"] >= lo) & (d["hour_start"] <= hi)]
    d["day"] = [i18n.t(f"content.wd.{int(w)}", lang) for w in d["weekday"]]
    d["slot"] = [f"{_hour(a)}–{_hour(b)}" for a, b in zip(d["hour_start"], d["hour_end"], strict=True)]
    d["hour_label"] = [_hour(a) for a in d["hour_start"]]
    d["value_text"] = [
        fmt_value(v, metric_id, currency, lang) if r else fmt.DASH
        for v, r in zip(d["value"], d["reliable"], strict=True)
    ]
    d["posts_text"] = [str(int(n)) for n in d["posts"]]
    d["cell_text"] = [
        (vt if r else (f"n={int(n)}" if n > 0 else ""))
        for vt, r, n in zip(d["value_text"], d["reliable"], d["posts_with_value"], strict=True)
    ]
    d["state"] = [
        "ok" if r else ("thin" if n > 0 else "empty") for r, n in zip(d["reliable"], d["posts"], strict=True)
    ]
    ok = d[d["state"] == "ok"]
    lo_v, hi_v = (float(ok["value"].min()), float(ok["value"].max())) if not ok.empty else (0.0, 1.0)
    mid = lo_v + (hi_v - lo_v) * 0.55
    rev = content.direction(metric_id) < 0
    d["dark"] = [
        s == "ok" and ((v < mid) if rev else (v > mid)) for s, v in zip(d["state"], d["value"], strict=True)
    ]
    name = metric_name(metric_id, lang)
    days = [i18n.t(f"content.wd.{i}", lang) for i in range(1, 8)]
    hours = sorted(d["hour_start"].unique())
    x = alt.X(
        "hour_label:O",
        sort=[_hour(h) for h in hours],
        title=i18n.t("content.hour", lang),
        axis=alt.Axis(labelAngle=0, labelFontSize=14),
    )
    y = alt.Y("day:O", sort=days, title=None, axis=alt.Axis(labelFontSize=15))
    tip = [
        alt.Tooltip("day:N", title=i18n.t("content.weekday", lang)),
        alt.Tooltip("slot:N", title=i18n.t("content.hour", lang)),
        alt.Tooltip("value_text:N", title=i18n.t("content.median_per_post", lang) + " · " + name),
        alt.Tooltip("posts_text:N", title=i18n.t("content.cell_posts", lang)),
    ]
    title = i18n.t("content.heat_title", lang, platform=i18n.platform_label(platform, lang), metric=name)
    base = alt.Chart(d, title=title).encode(x=x, y=y, tooltip=tip)
    empty = base.transform_filter("datum.state == 'empty'").mark_rect(
        fill="#f6f8fa", stroke="#ffffff", strokeWidth=2
    )
    thin = base.transform_filter("datum.state == 'thin'").mark_rect(
        fill="#dde1e6", stroke="#8c959f", strokeDash=[4, 3], strokeWidth=1.5
    )
    good = (
        base.transform_filter("datum.state == 'ok'")
        .mark_rect(stroke="#ffffff", strokeWidth=2)
        .encode(
            color=alt.Color(
                "value:Q",
                title=f"{name}",
                scale=alt.Scale(scheme="blues", reverse=rev),
                # no cell holds enough posts: no scale to show (its legend would read "NaN%")
                legend=None if ok.empty else alt.Legend(format=_axis_format(metric_id), orient="right",
                                                        gradientLength=200),
            )
        )
    )
    text = base.mark_text(fontSize=13).encode(
        text="cell_text:N", color=alt.condition("datum.dark", alt.value("#ffffff"), alt.value("#24292f"))
    )
    chart = alt.layer(empty, thin, good, text).properties(height=7 * 46)
    return (
        chart.configure_axis(**FONT, grid=False, domain=False, ticks=False)
        .configure_legend(labelFontSize=13, titleFontSize=14)
        .configure_title(fontSize=18, anchor="start")
        .configure_view(strokeWidth=0)
    )


def slots_text(best: pd.DataFrame, metric_id: str, lang: str, currency: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(
        i18n.t(
            "content.slot",
            lang,
            day=i18n.t(f"content.wd.{int(r.weekday)}", lang),
            start=_hour(r.hour_start),
            end=_hour(r.hour_end),
            value=fmt_value(r.value, metric_id, currency, lang),
            n=int(r.posts_with_value),
        )
        for r in best.itertuples()
    )


def headline_text(h: pd.Series, metric_id: str, lang: str, currency: str) -> str:
    key = "content.headline_cost" if content.direction(metric_id) < 0 else "content.headline"
    return i18n.t(
        key,
        lang,
        platform=i18n.platform_label(h["platform"], lang),
        best=ctype_label(h["best"], lang),
        other=ctype_label(h["other"], lang),
        metric=metric_name(metric_id, lang),
        best_value=fmt_value(h["best_value"], metric_id, currency, lang),
        other_value=fmt_value(h["other_value"], metric_id, currency, lang),
        factor=factor_text(h["factor"]),
        best_n=int(h["best_posts"]),
        other_n=int(h["other_posts"]),
    )
