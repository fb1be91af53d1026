"""Strings of the Budget page (burn, what-if, plan editor): (zh-CN, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "budget.title": ("预算执行与投放模拟", "Budget burn and what-if"),
    "budget.tab.burn": ("预算执行", "Burn vs plan"),
    "budget.tab.whatif": ("假设模拟（What-if）", "What-if"),
    "budget.tab.plan": ("预算计划：上传、编辑、版本", "Plan: upload, edit, versions"),
    # window and as-of
    "budget.period": ("预算周期", "Budget period"),
    "budget.period.option": ("{start} 至 {end}（{days} 天）", "{start} to {end} ({days:day|days})"),
    "budget.period.custom": ("自定义日期范围…", "Custom date range…"),
    "budget.window": ("日期范围", "Date range"),
    "budget.as_of": ("截至日期", "As of"),
    "budget.as_of_help": ("进度按截至这一天的实际花费计算。默认 = 数据中的最后一天。",
                          "Pacing counts actual spend up to this day. Default: the last date with data."),
    "budget.as_of_last": ("进度截至 {asof}（数据中的最后一天）· 周期 {start} 至 {end}，共 {days} 天。",
                          "Pacing as of {asof} (the last date with data) · period {start} to {end}, {days:day|days}."),
    "budget.as_of_set": ("进度截至 {asof}（手动设置；数据截至 {last}）· 周期 {start} 至 {end}，共 {days} 天。",
                         "Pacing as of {asof} (set by you; data runs to {last}) · period {start} to {end}, "
                         "{days:day|days}."),
    "budget.missing_fx": ("以下币种没有汇率，相关预算/花费未计入：{currencies}。请在「数据」页补充汇率。",
                          "No exchange rate for {currencies}: those plans and costs are left out. Add rates on "
                          "the Data page."),
    "budget.no_plan": ("还没有预算计划。请在下方「预算计划」标签页上传或填写。",
                       "No budget plan yet. Upload or type one in the Plan tab below."),
    # alerts
    "budget.no_alerts": ("{start} 至 {end}：没有超支或预计超支的预算项。",
                         "{start} to {end}: no line is overspent or projected to overspend."),
    "budget.alerts": ("预算预警（{n} 项）", "Budget alerts ({n})"),
    "budget.alert.overspent": (
        "{line}：已超支 {over}（已用 {pct}，预算 {planned}），于 {date} 超过预算。按当前日均花费，期末预计 {projected}"
        "（预算的 {ppct}）。",
        "{line}: overspent by {over} ({pct} of {planned} used); crossed the plan on {date}. At the current daily "
        "run rate it ends at {projected} ({ppct} of plan)."),
    "budget.alert.unplanned": ("{line}：没有预算，却已花费 {actual}（自 {date} 起）。",
                               "{line}: no plan, yet {actual} spent (since {date})."),
    "budget.alert.at_risk": (
        "{line}：预计超支 {over}。已用 {pct}，周期已过 {elapsed}；按日均 {rate}，期末预计 {projected}（预算的 {ppct}），"
        "约 {date} 超过预算。",
        "{line}: projected to overspend by {over}. {pct} used with {elapsed} of the period gone; at {rate} a day "
        "it ends at {projected} ({ppct} of plan), crossing the plan around {date}."),
    # KPI tiles
    "budget.kpi.planned": ("本期预算", "Planned"),
    "budget.kpi.per_day": ("日均 {amount}", "{amount} a day"),
    "budget.kpi.actual": ("已花费", "Spent to date"),
    "budget.kpi.used": ("已用 {pct}", "{pct} used"),
    "budget.kpi.elapsed": ("周期进度", "Period elapsed"),
    "budget.kpi.days": ("第 {n} / {total} 天", "day {n} of {total}"),
    "budget.kpi.projected": ("期末预计花费", "Projected at period end"),
    "budget.kpi.vs_plan": ("预算的 {pct}（{over}）", "{pct} of plan ({over})"),
    # pacing table
    "budget.pacing": ("各平台 × 类别执行进度", "Pacing per platform × category"),
    "budget.pacing_help": (
        "进度 = 已花费 ÷ 截至今日应花费（按计划线）；期末预计 = 已花费 + 日均花费 × 剩余天数。状态：已超支 = 已花费超过预算；"
        "有超支风险 = 期末预计超过预算的 {tol} 以上；执行不足 = 期末预计低于预算的 {under}；周期过去不到 {early} 时不做判断。"
        "整笔入账的类别（{lump}）不按日均外推：期末预计 = 已入账金额，只在超出预算或周期结束仍不足时提示。"
        "阈值可在下方「设置」中修改。付费投放的实际花费来自平台导出；达人、内容、人员、其他来自成本表（达人费按发布日期）。",
        "Pace = spent ÷ expected by now (on the plan line); projected = spent + daily run rate × days left. "
        "Status: overspent = spent more than planned; at risk = projected more than {tol} over plan; "
        "underspending = projected below {under} of plan; not judged before {early} of the period. Lump-sum "
        "categories ({lump}) are not projected at a daily rate: projected = booked so far, flagged only when "
        "over plan, or short of it once the period is over. Thresholds are in Settings below. Paid spend comes from the platform exports; KOL, content, staff and other from the "
        "cost sheets (KOL fees dated by post)."),
    "budget.pacing_present": ("演示模式显示 {shown} 个关键列（共 {all} 列，导出文件含全部列）。",
                              "Presenting: the {shown} key columns of {all} (the exports hold them all)."),
    "budget.export_csv": ("导出 CSV", "Export CSV"),
    "budget.export_xlsx": ("导出 Excel", "Export Excel"),
    **{f"budget.col.{k}": v for k, v in {
        "platform": ("平台", "Platform"), "category": ("类别", "Category"), "planned": ("预算", "Planned"),
        "actual": ("已花费", "Spent"), "pct_used": ("已用", "Used"), "pct_elapsed": ("周期进度", "Elapsed"),
        "pace": ("进度", "Pace"), "projected": ("期末预计", "Projected"), "projected_pct": ("预计/预算", "Proj. % of plan"),
        "projected_over": ("预计超支(+)/结余(−)", "Proj. over (+) / under (−)"), "status": ("状态", "Status"),
        "crossing": ("超预算日期（≈预计）", "Over plan on (≈ est.)"),
    }.items()},
    **{f"budget.status.{k}": v for k, v in {
        "overspent": ("已超支", "Overspent"), "at_risk": ("有超支风险", "At risk"),
        "underspending": ("执行不足", "Underspending"), "on_track": ("正常", "On track"),
        "early": ("尚早，暂不判断", "Too early to judge"), "not_started": ("未开始", "Not started"),
    }.items()},
    **{f"budget.cat.{k}": v for k, v in {
        "paid_ads": ("付费投放", "Paid ads"), "kol": ("达人合作", "KOL"), "content": ("内容制作", "Content"),
        "staff": ("人员", "Staff"), "other": ("其他", "Other"),
    }.items()},
    # burn chart
    "budget.burn": ("累计花费与计划线", "Cumulative spend against the plan"),
    "budget.burn_categories": ("显示类别", "Categories shown"),
    "budget.burn_help": ("灰色虚线 = 计划累计；实线 = 实际累计；长虚线 = 按日均花费预测到期末；红线 = 预算总额；竖点线 = 截至日期。",
                         "Grey dotted = plan, cumulative; solid = actual, cumulative; long dashes = projection at "
                         "the daily run rate to period end; red rule = the planned total; vertical dots = as-of date."),
    "budget.chart.burn_title": ("累计花费 vs 计划（截至 {asof}）", "Cumulative spend vs plan (as of {asof})"),
    "budget.chart.line": ("预算项", "Line"),
    "budget.chart.series": ("系列", "Series"),
    "budget.chart.cumulative": ("累计金额", "Cumulative"),
    "budget.chart.pct_of_plan": ("占预算", "% of plan"),
    "budget.series.plan": ("计划", "Plan"),
    "budget.series.actual": ("实际", "Actual"),
    "budget.series.projection": ("预测", "Projection"),
    # settings
    "budget.settings": ("设置：状态阈值与模拟拟合条件", "Settings: status thresholds and what-if fitting"),
    "budget.set.tolerance": ("超支风险容差 %", "At-risk tolerance %"),
    "budget.set.under": ("执行不足线：预计低于预算的 %", "Underspending below % of plan"),
    "budget.set.early": ("周期过去 % 之后才判断", "Judge after % of period"),
    "budget.set.min_weeks": ("拟合曲线最少周数", "Min. weeks to fit a curve"),
    "budget.set.min_cv": ("拟合所需周花费波动（变异系数 %）", "Min. weekly spend variation to fit (CV %)"),
    "budget.set.save": ("保存设置", "Save settings"),
    "budget.set.lump": ("整笔入账的类别（不按日均外推）", "Lump-sum categories (not projected at a daily rate)"),
    "budget.set.lump_help": ("例如每月 1 日入账的内容制作费、人员成本：按日均外推会误报超支风险。",
                             "E.g. content and staff invoiced on the 1st of each month: a daily run rate would "
                             "raise false alarms."),
    "budget.none": ("无", "none"),
    # what-if
    "budget.wi.empty": ("没有付费投放的计划或历史花费，无法模拟。", "No paid plan or paid history to simulate."),
    "budget.wi.intro": (
        "为一个与 {start} 至 {end} 同样长度（{days} 天）的周期分配付费投放预算，初始值为该周期的付费投放计划。"
        "每个平台的效果按自己的历史周数据（每周花费 vs 转化/成交）拟合的饱和曲线推算；金额单位 {cur}。",
        "Allocate the paid budget of a period as long as {start} to {end} ({days:day|days}), starting at that "
        "period's paid-ads plan. Each platform's outcome comes from a saturating curve fitted on its own weekly "
        "history (spend vs conversions / revenue); amounts in {cur}."),
    "budget.wi.objective": ("优化目标", "Optimise for"),
    "budget.wi.keep_total": ("保持总预算不变", "Keep total fixed"),
    "budget.wi.keep_total_help": ("移动一个平台时，其他平台按各自预算比例自动增减，总额不变。",
                                  "Moving one platform takes the difference from the others in proportion to "
                                  "their budgets, so the total stays the same."),
    "budget.wi.reset": ("恢复为计划", "Reset to plan"),
    "budget.wi.slider_note": ("计划 {plan} · {delta}", "plan {plan} · {delta}"),
    "budget.wi.total": ("（合计）", " (total)"),
    "budget.wi.tile_help": ("计划：{plan}。公式：{formula}", "Plan: {plan}. Formula: {formula}"),
    "budget.wi.kept": ("总预算固定为 {total}。", "Total fixed at {total}."),
    "budget.wi.roi_note": (
        "ROI 成本口径：{basis}。全部成本口径包含本期计划的达人/内容/人员/其他 {fixed}（在各方案中不变）；成交金额只含付费投放的模型预测。",
        "ROI cost basis: {basis}. Full cost includes this period's planned KOL / content / staff / other of "
        "{fixed} (the same in every scenario); revenue is the modelled paid-media revenue only."),
    "budget.wi.suggested": (
        "建议方案：在总预算 {total} 不变的前提下，{what}预计增加 {gain}（{pct}）。滑块已设为建议值。",
        "Suggestion: for the same total of {total}, {what} is expected to rise by {gain} ({pct}). The sliders "
        "now hold the suggested allocation."),
    "budget.wi.what.conversions": ("转化", "conversions"),
    "budget.wi.what.revenue": ("成交金额", "revenue"),
    "budget.wi.by_platform": ("各平台：计划 → 当前方案", "Per platform: plan → scenario"),
    "budget.wi.quality": ("模型与拟合质量", "Model and fit quality"),
    "budget.wi.quality_help": (
        "R² 与平均误差衡量曲线对历史周数据的拟合程度。边际 CPA = 在方案花费水平上再多获得一个转化需要的花费；边际 ROAS = 再多花 1 元带来的成交金额。"
        "边际值高于平均值，说明已出现边际递减。",
        "R² and mean absolute error show how well the curve fits the past weeks. Marginal CPA = the spend needed "
        "for one more conversion at the scenario's spend; marginal ROAS = the revenue from one more unit spent. "
        "A marginal cost above the average one means diminishing returns have set in."),
    "budget.wi.curves_title": ("响应曲线：每周花费 → 每周效果（灰点 = 历史周）",
                               "Response curves: weekly spend → weekly outcome (grey dots = past weeks)"),
    "budget.wi.curves_help": ("实线 = 历史花费范围内的曲线；虚线 = 超出历史范围（外推，不确定性更大）。圆点 = 计划，菱形 = 当前方案。",
                              "Solid = the curve inside the observed spend range; dashed = outside it "
                              "(extrapolated, less certain). Circle = plan, diamond = scenario."),
    "budget.wi.observed": ("历史范围内", "Observed range"),
    "budget.wi.extrapolated": ("外推", "Extrapolated"),
    "budget.wi.point.history": ("历史周", "Past week"),
    "budget.wi.point.plan": ("计划", "Plan"),
    "budget.wi.point.scenario": ("当前方案", "Scenario"),
    "budget.wi.weekly": ("每周", "Weekly"),
    "budget.wi.weekly_spend": ("每周花费", "Weekly spend"),
    "budget.wi.yes": ("是", "yes"),
    "budget.wi.no": ("否", "no"),
    **{f"budget.wi.col.{k}": v for k, v in {
        "platform": ("平台", "Platform"), "budget": ("预算：计划 → 方案（变化）", "Budget: plan → scenario (change)"),
        "conversions": ("转化：计划 → 方案（变化）", "Conversions: plan → scenario (change)"),
        "revenue": ("成交金额：计划 → 方案（变化）", "Revenue: plan → scenario (change)"),
        "cpa": ("CPA：计划 → 方案", "CPA: plan → scenario"),
        "roas": ("ROAS：计划 → 方案", "ROAS: plan → scenario"), "extrapolated": ("超出历史范围", "Extrapolated"),
        "plan": ("计划", "Plan"), "current": ("当前方案（未保存）", "Current (unsaved)"),
    }.items()},
    **{f"budget.wi.qcol.{k}": v for k, v in {
        "platform": ("平台", "Platform"), "model": ("模型", "Model"), "weeks": ("周数", "Weeks"),
        "r2": ("R²", "R²"), "mape": ("平均误差", "Mean abs. error"),
        "range": ("历史每周花费范围", "Observed weekly spend"), "scenario_weekly": ("方案每周花费", "Scenario weekly spend"),
        "marginal_conversions": ("边际 CPA", "Marginal CPA"),
        "marginal_revenue": ("边际 ROAS", "Marginal ROAS"),
    }.items()},
    **{f"budget.wi.form.{k}": v for k, v in {
        "hill": ("饱和曲线（Hill）", "Saturating (Hill)"), "log": ("对数曲线", "Logarithmic"),
        "linear": ("线性（历史 CPA）", "Linear (historical rate)"), "none": ("无数据", "No data"),
    }.items()},
    **{f"budget.wi.reason.{k}": v for k, v in {
        "few_weeks": ("周数太少", "too few weeks"), "low_variation": ("花费波动太小", "too little spend variation"),
        "fit_failed": ("拟合失败", "fit failed"), "no_outcome": ("无效果数据", "no outcome data"),
    }.items()},
    "budget.wi.note.extrapolation": ("超出历史花费范围（外推，结果不确定性更大）：{items}。",
                                     "Beyond the observed spend range (extrapolated, less certain): {items}."),
    "budget.wi.note.ext_item": ("{platform} 每周 {spend}（历史 {lo} – {hi}）",
                                "{platform} {spend}/week (observed {lo} – {hi})"),
    "budget.wi.note.linear.few_weeks": (
        "{platforms}：完整周数少于 {weeks} 周，无法可靠拟合曲线，按历史平均转化成本（CPA）线性推算——不含边际递减。",
        "{platforms}: fewer than {weeks} complete weeks, too few to fit a curve; projected linearly at the "
        "historical CPA, without diminishing returns."),
    "budget.wi.note.linear.low_variation": (
        "{platforms}：历史每周花费几乎不变（变异系数低于 {cv}），看不出花费多少对效果的影响，按历史平均转化成本（CPA）线性推算——不含边际递减。",
        "{platforms}: weekly spend barely varied (coefficient of variation below {cv}), so the data cannot show "
        "how outcome responds to spend; projected linearly at the historical CPA, without diminishing returns."),
    "budget.wi.note.linear.fit_failed": (
        "{platforms}：曲线拟合未收敛，按历史平均转化成本（CPA）线性推算。",
        "{platforms}: the curve fit did not converge; projected linearly at the historical CPA."),
    "budget.wi.note.no_revenue": ("{platforms}：付费数据没有成交金额，只预测转化；ROAS 与 ROI 中这部分花费没有对应的成交金额。",
                                  "{platforms}: no revenue in the paid data, so only conversions are projected; "
                                  "ROAS and ROI count their spend with no revenue against it."),
    "budget.wi.note.unmodelled": ("{platforms}：没有付费历史数据，无法预测效果（按 0 计）。",
                                  "{platforms}: no paid history, so no outcome is projected (counted as 0)."),
    "budget.wi.note.revenue_objective": ("以成交金额为目标时，{platforms} 没有成交数据，建议方案会把它们压到下限。",
                                         "Optimising revenue: with no revenue data for {platforms}, a suggestion "
                                         "pushes them to their minimum."),
    "budget.wi.suggest_title": ("建议分配", "Suggested allocation"),
    "budget.wi.suggest": ("给出建议", "Suggest"),
    "budget.wi.suggest_help": ("在总额不变、各平台上下限之内，求转化（或成交金额）最大的分配（约束优化，SLSQP）。",
                               "The allocation of the same total that maximises conversions (or revenue) within "
                               "each platform's min / max (constrained optimisation, SLSQP)."),
    "budget.wi.bound.platform": ("平台", "Platform"),
    "budget.wi.bound.min": ("下限（{cur}）", "Min ({cur})"),
    "budget.wi.bound.max": ("上限（{cur}）", "Max ({cur})"),
    "budget.wi.infeasible": ("上下限与总预算矛盾（下限之和大于总额，或上限之和小于总额），请调整。",
                             "The bounds cannot hold the total (mins add up to more, or maxes to less); adjust "
                             "them."),
    "budget.wi.scenarios": ("方案：保存、对比、导出", "Scenarios: save, compare, export"),
    "budget.wi.name": ("方案名称", "Scenario name"),
    "budget.wi.name_ph": ("例如：抖音 +5 万，微博 −5 万", "e.g. Douyin +50k, Weibo −50k"),
    "budget.wi.save": ("保存当前方案", "Save scenario"),
    "budget.wi.name_missing": ("请先填写方案名称。", "Name the scenario first."),
    "budget.wi.saved": ("已保存方案「{name}」。", "Saved scenario “{name}”."),
    "budget.wi.compare": ("选择要并排对比的已保存方案", "Saved scenarios to compare side by side"),
    "budget.wi.compare_help": ("结果都用当前数据拟合的曲线重新计算；已保存的金额按当前汇率换算到报表币种。",
                               "Outcomes are recomputed with the curves fitted on the current data; saved amounts "
                               "are converted to the reporting currency at today's rates."),
    "budget.wi.row.budget": ("预算 · {platform}", "Budget · {platform}"),
    "budget.wi.export.row": ("项目", "Row"),
    "budget.wi.export.unit": ("单位", "Unit"),
    "budget.wi.delete_title": ("删除已保存方案", "Delete a saved scenario"),
    "budget.wi.delete_pick": ("方案", "Scenario"),
    "budget.wi.delete": ("删除", "Delete"),
    # plan
    "budget.plan.upload": ("上传预算计划", "Upload a plan"),
    "budget.plan.upload_label": ("预算计划文件（CSV / XLSX，模板格式，中英文表头均可）",
                                 "Plan file (CSV / XLSX in our template, English or Chinese headers)"),
    "budget.plan.upload_help": ("每行：开始日期、结束日期、平台、类别（paid_ads / kol / content / staff / other）、预算、币种。"
                                "同一周期 × 平台 × 类别的新行会替换旧行，旧版本可恢复。",
                                "One row per period × platform × category (paid_ads / kol / content / staff / "
                                "other) with the planned amount and currency. A new row replaces the old one with "
                                "the same period, platform and category; the old version can be restored."),
    "budget.plan.edit": ("在线编辑计划", "Edit the plan"),
    "budget.plan.all_periods": ("显示所有周期", "Show every period"),
    "budget.plan.edit_help": ("修改金额、增加或删除行后点击保存：每次保存都是一个新版本（删除的行记为 0）。",
                              "Change amounts, add or delete rows, then save: every save is a new version (a "
                              "deleted row is stored as 0)."),
    "budget.plan.save": ("保存为新版本", "Save as a new version"),
    "budget.plan.saved": ("已保存为版本 #{batch}：修改/新增 {changed} 行，删除 {removed} 行。",
                          "Saved as version #{batch}: {changed:row|rows} changed or added, {removed} deleted."),
    "budget.plan.no_change": ("没有修改，未创建新版本。", "Nothing changed; no new version."),
    "budget.plan.invalid_rows": ("第 {rows} 行不完整或无效（日期、平台、类别、金额 ≥ 0、币种都必须填写，结束日期不早于开始日期）。",
                                 "Rows {rows} are incomplete or invalid (dates, platform, category, amount ≥ 0 "
                                 "and currency are required; end not before start)."),
    "budget.plan.duplicate_rows": ("第 {rows} 行重复（同一周期 × 平台 × 类别只能有一行）。",
                                   "Rows {rows} repeat the same period × platform × category."),
    "budget.plan.versions": ("计划版本", "Plan versions"),
    "budget.plan.no_versions": ("还没有预算计划版本。", "No plan versions yet."),
    "budget.plan.restore_pick": ("撤销哪个版本（恢复到它之前的状态）", "Version to undo (restores what it replaced)"),
    "budget.plan.restore": ("撤销并恢复上一版本", "Undo and restore previous"),
    "budget.plan.restored": ("已撤销版本 #{batch}，被它替换的计划行已恢复。",
                             "Version #{batch} undone; the plan lines it had replaced are back."),
    **{f"budget.vcol.{k}": v for k, v in {
        "batch_id": ("版本", "Version"), "file_name": ("来源", "Source"), "loaded_at": ("时间", "Saved at"),
        "period": ("覆盖日期", "Dates covered"), "rows_loaded": ("行数", "Rows"),
        "rows_replaced": ("替换旧行", "Rows replaced"), "rows_active": ("当前生效行", "Rows in force"),
        "status": ("状态", "Status"),
    }.items()},
    "budget.version.active": ("有效", "active"),
    "budget.version.deleted": ("已撤销", "undone"),
}
