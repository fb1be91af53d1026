"""AppTest of the Budget page: alerts, sliders, keep-total rebalancing, suggest, saved scenarios, restore."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import app_test
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from smm import fmt, i18n

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "files"
PAGE = "pages/budget.py"


def plan_paid(db: Path) -> dict[str, float]:
    """Independent: period-3 paid_ads plan from the raw file, converted with the store's rate table."""
    plan = pd.read_csv(SAMPLE / "budget_plan_p3_zh.csv", encoding="utf-8-sig")
    con = duckdb.connect(str(db))
    rates = dict(con.execute("SELECT currency, cny_per_unit FROM fx_rates").fetchall())
    con.close()
    paid = plan[plan["类别"] == "paid_ads"]
    return {p: float(v) * rates[c] for p, v, c in zip(paid["平台"], paid["预算"], paid["币种"], strict=True)}


def open_page(lang: str = "en", **query):
    at = app_test(lang=lang, **query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def sliders(at) -> dict[str, float]:
    return {s.key.removeprefix("budget_wi_"): float(s.value) for s in at.slider if s.key.startswith("budget_wi_")}


def tile(at, label_start: str):
    hits = [m for m in at.metric if m.label.startswith(label_start)]
    assert hits, [m.label for m in at.metric]
    return hits[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_the_planted_alerts(sample_db, clear_streamlit_caches, lang):
    at = open_page(lang)
    errors = [e.value for e in at.error]
    warnings = [w.value for w in at.warning]
    assert any("2026-11-17" in e and ("快手" if lang == "zh" else "Kuaishou") in e for e in errors), errors
    assert any("2026-11-26" in w and ("抖音" if lang == "zh" else "Douyin") in w for w in warnings), warnings
    table = at.dataframe[0].value
    assert len(table) == 29
    # The verdict stands next to what it is about (Kuaishou's paid ads first, overspent), not twelfth of twelve,
    # beyond the right edge of a projector.
    status, crossing = (i18n.t(f"budget.col.{c}", lang) for c in ("status", "crossing"))
    assert list(table.columns)[2:4] == [status, crossing]
    assert table.iloc[0, 2] == i18n.t("budget.status.overspent", lang) and table.iloc[0, 3] == "2026-11-17"
    assert any("2026-11-22" in c.value for c in at.caption)          # the as-of date is stated


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presenting_the_pacing_table_shows_the_rooms_columns(sample_db, clear_streamlit_caches, lang):
    """Presented, the pacing table's twelve columns ran past a 1280 px projector's right edge: it shows the nine
    the room decides on, in the table's order, and says so; the data keeps every column, and out of the mode
    every column shows."""
    from smm import budget

    room = [i18n.t(f"budget.col.{c}", lang) for c in ("platform", "category", "status", "crossing", "planned",
                                                         "actual", "pct_used", "projected", "projected_over")]
    left = [i18n.t(f"budget.col.{c}", lang) for c in ("pct_elapsed", "pace", "projected_pct")]
    note = i18n.t("budget.pacing_present", lang, shown=9, all=12)
    for present in (False, True):
        at = open_page(lang, **({"present": "1"} if present else {}))
        table = at.dataframe[0]
        cols = list(table.value.columns)
        assert len(cols) == 12 and set(room + left) == set(cols), cols
        shown = list(table.proto.column_order)
        captions = [c.value for c in at.caption]
        if not present:
            assert shown == [] and note not in captions
            continue
        assert shown == room == [c for c in cols if c in room], shown         # in the table's own order
        assert not set(left) & set(shown)
        assert note in captions, captions
        assert shown == budget.pacing_room_order(lang)


def test_sliders_start_at_plan_and_move_the_scenario(sample_db, clear_streamlit_caches):
    at = open_page("en")
    plan = plan_paid(sample_db)
    assert sliders(at) == pytest.approx(plan)
    assert tile(at, "Spend").value == fmt.money(sum(plan.values()), "CNY", "en")
    assert tile(at, "Conversions").delta in (None, "")
    at.slider(key="budget_wi_douyin").set_value(plan["douyin"] + 500000.0).run()
    assert not at.exception
    now = sliders(at)
    assert now["douyin"] == plan["douyin"] + 500000.0
    assert {p: v for p, v in now.items() if p != "douyin"} == pytest.approx(
        {p: v for p, v in plan.items() if p != "douyin"})           # keep-total off: nothing else moves
    assert tile(at, "Spend").value == fmt.money(sum(now.values()), "CNY", "en")
    assert tile(at, "Conversions").delta.startswith("+")
    assert tile(at, "Spend").delta.startswith("+¥500")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_moved_budget_shows_a_change_on_every_tile_a_zero_where_nothing_moves(sample_db, clear_streamlit_caches,
                                                                              lang):
    """Weibo's exports report no revenue (checked in the store): more Weibo budget moves spend, conversions, CPA,
    ROAS and ROI, not revenue, whose tile reads a grey zero beside the others' changes (it showed none, the one
    tile of six without a change)."""
    con = duckdb.connect(str(sample_db), read_only=True)
    weibo_revenue = con.execute("SELECT count(revenue) FROM fact_active WHERE platform = 'weibo'").fetchall()[0][0]
    con.close()
    assert weibo_revenue == 0
    at = open_page(lang)
    plan = plan_paid(sample_db)
    at.slider(key="budget_wi_weibo").set_value(plan["weibo"] + 100000.0).run()
    assert not at.exception
    six = at.metric[-6:]
    revenue = tile(at, i18n.field_label("revenue", lang))
    assert revenue in six
    assert revenue.delta == "¥0.00 (0.0%)"
    gray, none = MetricProto.MetricColor.GRAY, MetricProto.MetricDirection.NONE
    assert (revenue.proto.color, revenue.proto.direction) == (gray, none)      # grey, no arrow
    for m in six:
        assert m.delta, (m.label, m.delta)
    assert tile(at, i18n.field_label("spend", lang)).delta.startswith(fmt.money(100000.0, "CNY", lang).replace(
        "¥", "+¥"))


def test_keep_total_rebalances_the_others(sample_db, clear_streamlit_caches):
    at = open_page("en")
    plan = plan_paid(sample_db)
    total = sum(plan.values())
    at.toggle(key="budget_wi_keep").set_value(True).run()
    at.slider(key="budget_wi_kuaishou").set_value(plan["kuaishou"] + 100000.0).run()
    assert not at.exception
    now = sliders(at)
    assert sum(now.values()) == pytest.approx(total)
    assert now["kuaishou"] == plan["kuaishou"] + 100000.0
    others = [p for p in plan if p != "kuaishou"]
    rest = sum(plan[p] for p in others)
    for p in others:      # each gives up the same share of its budget
        assert now[p] == pytest.approx(plan[p] * (rest - 100000.0) / rest)
    assert tile(at, "Spend").value == fmt.money(total, "CNY", "en")


def test_suggest_then_save_and_compare(sample_db, clear_streamlit_caches):
    at = open_page("en")
    plan = plan_paid(sample_db)
    at.button(key="budget_wi_suggest").click().run()
    assert not at.exception
    now = sliders(at)
    assert sum(now.values()) == pytest.approx(sum(plan.values()))
    for p, v in now.items():                                # default bounds: 50 %–150 % of plan
        assert plan[p] * 0.5 - 1 <= v <= plan[p] * 1.5 + 1
    assert now != pytest.approx(plan)
    assert any("Suggestion" in s.value for s in at.success)
    conv = tile(at, "Conversions")
    assert conv.delta is not None and conv.delta.startswith("+")

    at.text_input(key="budget_wi_name").input("Suggested A").run()
    at.button(key="budget_wi_save").click().run()
    assert any("Suggested A" in s.value for s in at.success)
    ms = at.multiselect(key="budget_wi_compare")
    assert len(ms.options) == 1
    ms.select(ms.options[0]).run()
    assert not at.exception
    cmp = next(d.value for d in at.dataframe if any("Suggested A" in str(c) for c in d.value.columns))
    col = next(c for c in cmp.columns if "Suggested A" in str(c))
    assert list(cmp.columns[1:3]) == ["Plan", "Current (unsaved)"]
    douyin = cmp[cmp.iloc[:, 0] == "Budget · Douyin"]
    assert douyin[col].iloc[0] == douyin["Current (unsaved)"].iloc[0] == fmt.money(now["douyin"], "CNY", "en")
    # Reset brings the plan back; the saved scenario stays.
    at.button(key="budget_wi_reset").click().run()
    assert sliders(at) == pytest.approx(plan)
    assert len(at.multiselect(key="budget_wi_compare").options) == 1


def test_restore_button_brings_the_previous_plan_back(sample_db, clear_streamlit_caches):
    from smm import budget, store

    con = store.connect(sample_db)
    ws, we = dt.date(2026, 10, 26), dt.date(2026, 11, 29)
    before = budget.plan_rows(con, ws, we)
    after = before.copy()
    after.loc[(after["platform"] == "kuaishou") & (after["category"] == "paid_ads"), "planned"] = 900000.0
    res = budget.save_plan_edits(con, before, after)
    assert res.report.status == "loaded"
    con.close()

    at = open_page("en")
    assert not any("Kuaishou" in e.value for e in at.error)        # the edited plan: no overspend
    assert at.selectbox(key="budget_restore_pick").value == res.report.batch_id
    at.button(key="budget_restore").click().run()
    assert not at.exception
    assert any(f"#{res.report.batch_id}" in s.value for s in at.success)
    assert any("Kuaishou" in e.value and "2026-11-17" in e.value for e in at.error)


def test_page_without_a_plan(sample_db, clear_streamlit_caches):
    from smm import budget, store

    con = store.connect(sample_db)
    for b in budget.live_versions(budget.plan_versions(con)):
        assert budget.restore_before(con, b)
    con.close()
    at = open_page("en")
    assert any("No budget plan yet" in i.value for i in at.info)
    assert not at.error
    s = sliders(at)                         # the what-if still offers every platform with paid history
    assert s and all(v == 0 for v in s.values())
    at.slider(key="budget_wi_kuaishou").set_value(100000.0).run()
    assert not at.exception
    assert tile(at, "Conversions").value != "—"
