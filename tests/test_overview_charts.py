"""Every Overview chart spec is valid Vega-Lite (Altair's bundled schema), has a title, axis units and
tooltips with numbers formatted per language, and uses the platform palette."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from smm import fmt, overview, palette, store
from smm import overview_charts as oc
from smm.queries import Filters

SCHEMA = load_schema()


@pytest.fixture(scope="module")
def views(sample_db_master, tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "s.duckdb"
    shutil.copy(sample_db_master, path)
    con = store.connect(path)
    out = {lang: overview.build_view(con, Filters(dt.date(2026, 11, 16), dt.date(2026, 11, 22)), lang=lang)
           for lang in ("zh", "en")}
    con.close()
    return out


def specs(v, lang: str, big: bool) -> list[dict]:
    cur = v.kpis.currency
    return [*oc.trend_charts(v.trend, lang, cur, big=big), oc.funnel_chart(v.funnel[0], lang, cur, big=big),
            oc.funnel_chart(v.funnel[-1], lang, cur, big=big), oc.stage_rates_chart(v.funnel, lang, cur, big=big),
            oc.platform_spend_chart(v.table, lang, cur, big=big)]


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_specs_are_valid_vega_lite_with_titles_and_tooltips(views, lang, big):
    for spec in specs(views[lang], lang, big):
        validate_jsonschema(spec, SCHEMA)
        json.dumps(spec, allow_nan=False)          # no NaN or inf reaches the browser
        assert spec["title"]
        assert any("tooltip" in layer.get("encoding", {}) for layer in spec["layer"])
        assert spec["config"]["axis"]["labelFontSize"] == (20 if big else 13)


def test_money_axis_and_tooltips_are_formatted_per_language(views):
    for lang in ("zh", "en"):
        v = views[lang]
        top, bottom = oc.trend_charts(v.trend, lang, "CNY")
        y = top["layer"][1]["encoding"]["y"]
        assert "¥" in y["title"] and ("万" if lang == "zh" else "'K'") in y["axis"]["labelExpr"]
        last = [r for r in top["data"]["values"] if r["in_period"]][0]
        assert last["spend_text"] == fmt.money(v.kpis.value("spend"), "CNY", lang)
        assert bottom["layer"][2]["encoding"]["y"]["title"] == "ROAS (×)"
        # two aligned charts: the same week domain and the same y-axis width
        assert top["layer"][1]["encoding"]["x"]["scale"] == bottom["layer"][2]["encoding"]["x"]["scale"]
        assert y["axis"]["minExtent"] == bottom["layer"][2]["encoding"]["y"]["axis"]["minExtent"]


def test_platform_colours_and_the_bottleneck_outline(views):
    v = views["en"]
    spend = oc.platform_spend_chart(v.table, "en", "CNY")
    colour = spend["layer"][0]["encoding"]["color"]["scale"]
    assert colour["range"] == [palette.PLATFORM_COLORS[p] for p in v.table.dropna(subset=["spend"])["platform"]]
    heat = oc.stage_rates_frame(v.funnel, "en", "CNY")
    flagged = heat[heat["bottleneck"]]
    assert set(flagged["platform"]) == {r.platform for r in v.funnel if r.platform and r.bottleneck}
    xhs = next(r for r in v.funnel if r.platform == "xiaohongshu")
    funnel = oc.funnel_frame(xhs, "en", "CNY")
    assert funnel["bottleneck"].sum() == 1 and funnel.loc[funnel["bottleneck"], "stage"].item() == "Conversions"
    assert oc.funnel_chart(xhs, "en", "CNY")["layer"][0]["mark"]["color"] == palette.PLATFORM_COLORS["xiaohongshu"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_platform_spend_axis_has_few_labels_that_read_from_the_back_of_the_room(views, lang):
    import re

    import vl_convert as vlc

    spec = oc.platform_spend_chart(views[lang].table, lang, "CNY")
    svg = vlc.vegalite_to_svg({**spec, "width": 1200})
    unit = "万" if lang == "zh" else "K"
    ticks = re.findall(rf">(\d+(?:\.\d+)?){unit}</text>", svg)
    # the axis reaches past the largest bar (room for its label), in a handful of round steps
    assert 3 <= len(ticks) <= 8, ticks
    assert max(float(t) for t in ticks) * (1e4 if lang == "zh" else 1e3) >= views[lang].table["spend"].max()


def test_charts_export_as_png_pictures_for_the_review_report(views):
    """The Overview's "download charts" ZIP: one PNG per chart, slide-sized, with something drawn."""
    import io
    import zipfile

    from PIL import Image

    from smm import export

    named = dict(zip(["trend_money", "trend_roas", "funnel_all", "funnel_last", "stage_rates", "platform_spend"],
                     specs(views["zh"], "zh", False), strict=True))
    with zipfile.ZipFile(io.BytesIO(export.charts_zip(named))) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.png" for n in named)
        for name in zf.namelist():
            img = Image.open(io.BytesIO(zf.read(name))).convert("RGB")
            assert img.width >= 2400, name                      # 1200 px at scale 2, not the 0-wide container
            colours = img.getcolors(maxcolors=1 << 22)
            inked = sum(n for n, c in colours if c != (255, 255, 255))
            hues = {c for n, c in colours if max(c) - min(c) > 60 and n > 200}
            assert inked > 0.03 * img.width * img.height, name     # bars, text and axes, not a blank image
            assert hues, name                                      # coloured marks, not only grey text
    assert all(spec["width"] == "container" for spec in named.values())   # the page's specs are untouched
