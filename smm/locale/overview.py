"""Overview page and `smm kpis` strings (zh-CN, en)."""

MESSAGES = {
    "overview.all_platforms": ("全部平台", "All platforms"),
    "overview.period": ("{start} 至 {end} · 币种 {currency}", "{start} – {end} · {currency}"),
    "overview.period_vs": (" · 对比 {start} 至 {end}（{mode}）", " · vs {start} – {end} ({mode})"),
    "overview.settings": ("口径：互动率基数 = {er}；转化率基数 = {cvr}；ROI 成本 = {roi}",
                          "Definitions: ER base = {er}; CVR base = {cvr}; ROI cost = {roi}"),
    "overview.vs_short.previous": ("环比", "vs previous"),
    "overview.vs_short.last_year": ("同比", "vs last year"),
    "overview.tile_prev": ("对比期 {start} 至 {end}：{value}（变化 {change}）",
                           "Comparison period {start} – {end}: {value} (change {change})"),
    "overview.tile_better_up": ("越高越好：上升显示为绿色。", "Higher is better: a rise shows green."),
    "overview.tile_better_down": ("越低越好：下降显示为绿色。", "Lower is better: a fall shows green."),
    "overview.roi_undefined": (
        "按全部成本口径，ROI 在按广告计划或内容形式筛选时无法计算（达人、内容、人员等成本不按计划记录），显示为「—」。"
        "可在侧栏「指标口径」中改为「仅付费花费」。",
        "On the full-cost basis ROI is undefined while campaigns or content types are filtered (KOL, content and "
        "staff costs are not booked per campaign), so it shows \"—\". Switch the ROI cost basis to \"paid spend "
        "only\" under Metric definitions in the sidebar."),
    "overview.partial_summary": (
        "时段汇总报表的数整段记在时段的最后一天。本日期范围包含这一天，但不包含整个时段，范围以外的天数也计入了：{reports}。",
        "A report summed over a period is counted whole on its last day. This range holds that day but not the whole "
        "period, so it counts days outside the range: {reports}."),
    "overview.partial_summary.one": ("{file}（{start} 至 {end}）", "{file} ({start} to {end})"),
    "overview.no_compare_data": ("对比期 {start} 至 {end} 没有数据，因此不显示变化。",
                                 "The comparison period {start} – {end} has no data, so no changes are shown."),
    # what changed
    "overview.what_changed": ("本期变化", "What changed"),
    "overview.what_changed_none": ("与对比期相比，没有超过 5% 的明显变化。",
                                   "Nothing moved by more than 5% against the comparison period."),
    "overview.what_changed_off": ("未选择对比期（侧栏「对比」），因此不显示变化。",
                                  "No comparison period is selected (sidebar \"Compare with\"), so no changes are shown."),
    "overview.rose": ("上升", "rose"),
    "overview.fell": ("下降", "fell"),
    "overview.change": ("{who} {metric}{verb} {pct}，至 {value}（对比期 {prev}）",
                        "{who} {metric} {verb} {pct} to {value} (from {prev})"),
    "overview.ctx.spend_flat": ("，花费基本持平（{pct}）", " while spend was flat ({pct})"),
    "overview.ctx.spend_moved": ("，同期花费 {pct}", "; spend {pct}"),
    "overview.end": ("。", "."),
    # funnel
    "overview.funnel": ("转化漏斗", "Funnel"),
    "overview.funnel_caption": (
        "曝光 → 互动 / 点击 → 转化 → 成交金额。环节转化率来自指标库（比值由总和计算）；瓶颈 = 比对比期下降最多（≥10%）"
        "的环节，若没有，则为比全平台水平低得最多（≥15%）的环节。",
        "Exposure → interactions / clicks → conversions → revenue. Stage rates come from the metric registry (ratios "
        "of sums); the bottleneck is the stage whose rate fell most against the comparison period (≥10%), else the "
        "one furthest below the all-platform rate (≥15%)."),
    "overview.funnel_scope": ("漏斗范围", "Funnel for"),
    "overview.bottleneck.fell": ("{who}：瓶颈在「{stage}」—— {rate}比对比期下降 {pct}（{prev} → {value}）。",
                                 "{who}: the bottleneck is {stage} — {rate} fell {pct} against the comparison period "
                                 "({prev} → {value})."),
    "overview.bottleneck.below": ("{who}：瓶颈在「{stage}」—— {rate}为 {value}，比全平台的 {overall} 低 {pct}。",
                                  "{who}: the bottleneck is {stage} — {rate} is {value}, {pct} below the "
                                  "all-platform {overall}."),
    "overview.bottleneck.none": ("{who}：没有环节明显下降，也没有明显低于全平台水平。",
                                 "{who}: no stage rate fell or sits well below the all-platform rate."),
    "overview.bottleneck.none_all": ("{who}：与对比期相比，没有环节的转化率下降超过 10%。",
                                     "{who}: no stage rate fell by more than 10% against the comparison period."),
    "overview.bottleneck.no_compare": ("{who}：对比期没有数据，无法衡量环节转化率是否下降。",
                                       "{who}: the comparison period has no data, so no fall in a stage rate can be "
                                       "measured."),
    "overview.stage_rates": ("各平台环节转化率", "Stage rates by platform"),
    "overview.funnel_counts": ("漏斗各环节数量", "Funnel stage counts"),
    "overview.count_log": ("数量（对数刻度）", "Count (log scale)"),
    "overview.stage": ("环节", "Stage"),
    "overview.rate": ("环节转化率", "Stage rate"),
    "overview.change_col": ("较对比期", "vs comparison"),
    "overview.bottleneck": ("漏斗瓶颈", "Funnel bottlenecks"),
    "overview.bottleneck.others": ("其余平台没有明显瓶颈：{platforms}。", "No clear bottleneck on {platforms}."),
    "overview.prev_value": ("对比期", "Comparison period"),
    "overview.platform_spend": ("各平台花费与 ROAS", "Spend and ROAS by platform"),
    # trend
    "overview.trend": ("每周趋势：花费、成交金额与 ROAS", "Weekly trend: spend, revenue and ROAS"),
    "overview.trend_caption": ("按自然周（周一至周日）汇总；阴影为所选日期范围，浅色柱为不完整的周。",
                               "Monday–Sunday weeks; the shaded band is the selected date range, pale bars are "
                               "incomplete weeks."),
    "overview.trend_money": ("每周花费与成交金额（{currency}）", "Weekly spend and revenue ({currency})"),
    "overview.trend_roas": ("每周 ROAS（成交金额 ÷ 花费）", "Weekly ROAS (revenue ÷ spend)"),
    "overview.amount": ("金额（{currency}）", "Amount ({currency})"),
    "overview.series": ("指标", "Series"),
    "overview.week_of": ("周（周一）", "Week of (Monday)"),
    "overview.partial_week": ("不完整的周", "Incomplete week"),
    "overview.yes": ("是", "yes"),
    "overview.no": ("否", "no"),
    # platform table
    "overview.platforms": ("各平台对比", "Platforms side by side"),
    "overview.platforms_caption": ("点击列名排序。Δ = 较对比期的变化。", "Click a column header to sort. Δ = change against "
                                   "the comparison period."),
    # presenting, the table is a picture for the room (st.table): it does not sort
    "overview.platforms_caption_present": ("Δ = 较对比期的变化。", "Δ = change against the comparison period."),
    "overview.spend_share": ("花费占比", "Share of spend"),
    "overview.delta_of": ("Δ {metric}", "Δ {metric}"),
    "overview.download_csv": ("下载表格（CSV）", "Download table (CSV)"),
    "overview.download_png": ("下载图表（PNG，用于复盘报告）", "Download charts (PNG, for the review report)"),
    # empty states and warnings
    "overview.empty_filters": (
        "{start} 至 {end} 有数据，但当前筛选（平台、广告计划、内容形式或达人）把它们全部排除了。请在侧栏清除部分筛选。",
        "There is data for {start} – {end}, but the filters (platforms, campaigns, content types or KOLs) exclude all "
        "of it. Clear some filters in the sidebar."),
    "overview.empty_dates": (
        "{start} 至 {end} 没有任何数据。已载入的数据覆盖 {lo} 至 {hi}：请在侧栏调整日期范围，或到「数据」页上传这段时间的导出文件。",
        "There is no data for {start} – {end}. The loaded data covers {lo} – {hi}: change the date range in the "
        "sidebar, or upload exports for these dates on the Data page."),
    "overview.go_data": ("前往「数据」页上传", "Go to the Data page to upload"),
    "overview.no_conversions": (
        "{platform} 本期花费 {spend}，但没有任何转化数据：转化成本 CPA 和转化率显示为「—」。请上传含转化数的报表，或检查转化追踪设置。",
        "{platform} spent {spend} in this period but reports no conversion data: CPA and CVR show \"—\". Upload "
        "its report with conversions, or check the conversion tracking."),
    "overview.zero_conversions": (
        "{platform} 本期花费 {spend}，转化数为 0：转化成本 CPA 无法计算，显示为「—」。请检查投放和转化追踪。",
        "{platform} spent {spend} in this period with 0 conversions: CPA is undefined and shows \"—\". Check the "
        "campaigns and the conversion tracking."),
    # CLI
    "overview.cli_header": ("指标", "Metric"),
}
