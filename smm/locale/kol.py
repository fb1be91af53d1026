"""KOL comparison page strings (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "kol.title": ("达人对比：谁值这份费用", "KOLs: who earns their fee"),
    "kol.empty": ("所选筛选条件下没有达人数据（没有达人作品数据，也没有达人费用）。可放宽日期范围或平台。",
                  "No KOL data for these filters (no KOL post data and no KOL fees). Widen the date range or "
                  "platforms."),
    "kol.short_range": ("达人作品的表现会持续数周累积，所选日期范围只有 {days} 天。", "KOL posts keep collecting "
                        "results for weeks; the date range covers only {days:day|days}."),
    "kol.use_all_dates": ("改为整个数据期间（{start} – {end}）", "Use the whole data period ({start} – {end})"),
    "kol.missing_fx": ("以下币种没有汇率，相关达人金额未计入：{currencies}。请在「数据」页补充汇率。",
                       "No exchange rate for {currencies}: those KOL amounts are left out. Add rates on the Data "
                       "page."),
    # window and fee basis
    "kol.window": ("结果归属", "Attribute results by"),
    "kol.window.cohort": ("发布日期（作品累计表现）", "Publish date (lifetime of the posts)"),
    "kol.window.activity": ("数据日期（期间新增表现）", "Data date (new results in the range)"),
    "kol.window.help": ("发布日期：日期范围内发布的作品，费用与其截至最新数据的累计表现一一对应。"
                        "数据日期：日期范围内新增的播放、互动、转化（含更早发布的作品），费用仍按发布日期记入。",
                        "Publish date: the posts published in the date range, their fees and their results up to "
                        "the latest data, matched one to one. Data date: new views, interactions and conversions "
                        "within the range (older posts included); fees are still booked by publish date."),
    "kol.basis.cohort": ("口径：{start} – {end} 发布的达人作品及其截至最新数据的累计表现；费用 = 同期发布作品的达人费用"
                         "（「其他费用」表类别 kol，按发布日期记账），换算为 {currency}。合同单价 = 名单费用 ÷ 合作篇数，仅供参考。",
                         "Basis: KOL posts published {start} – {end} and their results up to the latest data; fee = "
                         "the KOL fee items of those posts (other-costs table, category kol, booked by publish date), "
                         "in {currency}. Contract fee per post = roster fee ÷ contracted posts, for reference only."),
    "kol.basis.activity": ("口径：{start} – {end} 期间新增的达人作品表现（周增量）；费用 = 该期间发布作品的达人费用"
                           "（「其他费用」表类别 kol，按发布日期记账），换算为 {currency}。合同单价 = 名单费用 ÷ 合作篇数，仅供参考。",
                           "Basis: new results of KOL posts within {start} – {end} (weekly deltas); fee = the KOL fee "
                           "items of posts published in that range (other-costs table, category kol, booked by "
                           "publish date), in {currency}. Contract fee per post = roster fee ÷ contracted posts, "
                           "for reference only."),
    "kol.basis.filters": ("广告计划/内容形式筛选只作用于作品数据；费用无法按它们拆分，仍为达人的全部费用。",
                          "Campaign / content-type filters apply to post data only; fees cannot be split by them and "
                          "stay the KOL's whole fee."),
    "kol.fee_only": ("{n} 位达人在此期间有费用但没有作品数据（{platforms}）：上传他们的作品导出后才能评估。",
                     "{n:KOL has|KOLs have} fees in this range but no post data ({platforms}): upload their post exports "
                     "to evaluate them."),
    # tiers
    "kol.tier_preset": ("达人分层口径", "KOL tier preset"),
    "kol.tier_preset.auto": ("按平台自动", "Auto by platform"),   # which scheme where: "tiers in force" beside it
    "kol.tier_preset.cn": ("小红书/抖音口径", "XHS/Douyin scheme"),
    "kol.tier_preset.global": ("全球口径", "Global scheme"),
    "kol.tier_preset.custom": ("自定义粉丝门槛", "Custom follower thresholds"),
    "kol.custom_bounds": ("自定义门槛（粉丝数，逗号分隔，如 1万, 10万, 100万）",
                          "Custom thresholds (followers, comma separated, e.g. 10k, 100k, 1m)"),
    "kol.custom_bounds_bad": ("无法识别的门槛：{text}。请输入递增的正数，如 1万, 10万, 100万。",
                              "Cannot read the thresholds {text!r}: enter increasing positive numbers, e.g. 10k, "
                              "100k, 1m."),
    "kol.tiers_in_force": ("在用分层：{text}", "Tiers in force: {text}"),
    "kol.scheme.cn": ("小红书/抖音口径", "XHS/Douyin scheme"),
    "kol.scheme.global": ("全球口径", "Global scheme"),
    "kol.scheme.custom": ("自定义", "Custom"),
    "kol.scheme.for_cn": ("国内平台", "Chinese platforms"),
    "kol.scheme.for_global": ("海外平台", "other platforms"),
    "kol.tier.none": ("未分层（名单无粉丝数）", "Untiered (no followers in roster)"),
    "kol.tier.cn.0": ("素人/KOC", "KOC"),
    "kol.tier.cn.1": ("腰部", "Mid-tier (腰部)"),
    "kol.tier.cn.2": ("头部", "Head (头部)"),
    "kol.tier.global.0": ("Nano 纳米级", "Nano"),
    "kol.tier.global.1": ("Micro 微型", "Micro"),
    "kol.tier.global.2": ("Mid 中型", "Mid"),
    "kol.tier.global.3": ("Macro 大型", "Macro"),
    "kol.tier.global.4": ("Mega 超头部", "Mega"),
    # metric names and formulas (registry names are used for the rest)
    "kol.m.followers": ("粉丝数", "Followers"),
    "kol.m.posts": ("作品数", "Posts"),
    "kol.m.fee": ("达人费用", "KOL fee"),
    "kol.m.contract_fee_per_post": ("合同单价", "Contract fee / post"),
    "kol.m.er": ("互动率 ER", "ER"),
    "kol.m.cpm": ("CPM 千次曝光成本", "CPM"),
    "kol.m.cpe": ("CPE 互动成本", "CPE"),
    "kol.m.cpa": ("CPA 转化成本", "CPA"),
    "kol.m.roi": ("ROI", "ROI"),
    "kol.m.cost_per_follow": ("涨粉成本", "Cost per follower gained"),
    "kol.m.er_followers": ("粉丝互动率（每篇）", "ER by followers (per post)"),
    "kol.m.likes_views": ("点赞/播放", "Likes / views"),
    "kol.m.comments_likes": ("评论/点赞", "Comments / likes"),
    "kol.m.conv_per_1k": ("千次播放转化", "Conversions per 1k views"),
    "kol.f.followers": ("日期范围结束时有效的名单快照中的粉丝数", "Followers in the roster snapshot in force at the end "
                        "of the range"),
    "kol.f.posts": ("日期范围内发布的作品数", "Posts published in the date range"),
    "kol.f.fee": ("Σ 达人费用（其他费用表，类别 kol，按发布日期）", "Σ KOL fee items (other costs, category kol, by "
                  "publish date)"),
    "kol.f.contract_fee_per_post": ("名单合作费用 ÷ 合作篇数", "roster fee ÷ contracted posts"),
    "kol.f.exposure": ("Σ 曝光（展示；无展示时用播放/阅读）", "Σ exposure (impressions, else views)"),
    "kol.f.interactions": ("Σ 点赞 + 评论 + 分享 + 收藏", "Σ likes + comments + shares + saves"),
    "kol.f.er_followers": ("互动量 ÷ 作品数 ÷ 粉丝数", "interactions ÷ posts ÷ followers"),
    "kol.f.cpm": ("达人费用 ÷ 曝光 × 1000", "KOL fee ÷ exposure × 1000"),
    "kol.f.cpe": ("达人费用 ÷ 互动量", "KOL fee ÷ interactions"),
    "kol.f.conversions": ("Σ 转化（平台回传）", "Σ conversions (platform reported)"),
    "kol.f.cpa": ("达人费用 ÷ 转化", "KOL fee ÷ conversions"),
    "kol.f.revenue": ("Σ 成交金额（平台回传）", "Σ revenue (platform reported)"),
    "kol.f.roi": ("(成交金额 − 达人费用) ÷ 达人费用", "(revenue − KOL fee) ÷ KOL fee"),
    "kol.f.cost_per_follow": ("达人费用 ÷ 涨粉（作品数据中的涨粉数；导出没有该列时为 —）",
                              "KOL fee ÷ follows (from the post export; — when the export has no follows)"),
    "kol.f.likes_views": ("点赞 ÷ 播放", "likes ÷ views"),
    "kol.f.comments_likes": ("评论 ÷ 点赞", "comments ÷ likes"),
    "kol.f.conv_per_1k": ("转化 ÷ 播放 × 1000", "conversions ÷ views × 1000"),
    "kol.col.tier": ("层级", "Tier"),
    "kol.col.score": ("综合得分", "Score"),
    "kol.col.flags": ("质量提示", "Quality hints"),
    "kol.definitions": ("指标口径", "Metric definitions"),
    "kol.definitions_line": ("**{name}** = {formula}", "**{name}** = {formula}"),
    # tiles
    "kol.tile.kols": ("有数据达人 / 全部", "KOLs with data / all"),
    "kol.tile.fee": ("达人费用", "KOL fees"),
    "kol.tile.revenue": ("达人带来成交", "KOL revenue"),
    "kol.tile.roi": ("达人 ROI", "KOL ROI"),
    "kol.tile.cpe": ("达人 CPE", "KOL CPE"),
    "kol.tile.cpa": ("达人 CPA", "KOL CPA"),
    "kol.tile.flags": ("质量提示", "Quality hints"),
    "kol.tile.roi_help": ("(成交金额 − 达人费用) ÷ 达人费用；只计有成交数据的达人的费用。",
                          "(revenue − KOL fee) ÷ KOL fee, over the fees of KOLs that report revenue."),
    # tabs
    "kol.tab.scorecard": ("记分卡", "Scorecard"),
    "kol.tab.compare": ("对比分析", "Compare"),
    "kol.tab.trend": ("趋势分析", "Trend"),
    "kol.tab.score": ("整合分析（综合得分）", "Combined score"),
    "kol.tab.flags": ("质量提示", "Quality hints"),
    "kol.tab.scatter": ("费用 vs 效果", "Cost vs result"),
    # scorecard
    "kol.table_help": ("点击列名排序。金额为报表币种 {currency}；— 表示无法计算（除数为 0 或没有数据）。",
                       "Click a column name to sort. Money in {currency}; — means undefined (division by zero or "
                       "no data)."),
    "kol.table_help_present": ("演示模式显示 {shown} 个关键列（共 {all} 列，导出文件含全部列）。金额为报表币种 {currency}；"
                               "— 表示无法计算。",
                               "Presenting: the {shown} key columns of {all} (the exports hold them all). Money in "
                               "{currency}; — means undefined."),
    "kol.export_csv": ("导出记分卡 CSV", "Export scorecard CSV"),
    "kol.export_xlsx": ("导出记分卡 XLSX", "Export scorecard XLSX"),
    # compare
    "kol.compare.pick": ("选择 2–5 位达人", "Choose 2–5 KOLs"),
    "kol.compare.metrics": ("对比指标", "Metrics to compare"),
    "kol.compare.need_two": ("请至少选择 2 位达人进行对比。", "Choose at least 2 KOLs to compare."),
    "kol.compare.median_note": ("黑色竖线 = 该达人所在同层级（同平台）达人的中位数；分组：{groups}。",
                                "Black tick = the median of the KOL's tier peers (same platform); groups: {groups}."),
    "kol.compare.table": ("并排数值", "Side by side"),
    "kol.compare.median_col": ("{kol} 同层级中位数", "{kol} tier median"),
    "kol.chart.tier_median": ("同层级中位数", "Tier median"),
    # trend
    "kol.trend.pick": ("选择达人", "KOL"),
    "kol.trend.grain": ("按", "By"),
    "kol.trend.grain.week": ("数据周（每周新增；CPE 为累计）", "Data week (weekly new results; CPE to date)"),
    "kol.trend.grain.publish_week": ("发布周（该周发布作品的累计表现）", "Publish week (lifetime of that week's posts)"),
    "kol.trend.note": ("实线 = 该达人自己的中位数，浅色带 = 其四分位区间（25%–75%）。数据截至 {end}。",
                       "Solid line = the KOL's own median, shaded band = its interquartile range (25%–75%). Data "
                       "up to {end}."),
    "kol.trend.empty": ("该达人没有可显示的数据。", "No data to show for this KOL."),
    "kol.chart.trend_title": ("{kol}：{metric}", "{kol}: {metric}"),
    "kol.chart.cpe_cum": ("累计 CPE（费用 ÷ 互动，截至当周）", "CPE to date (fees ÷ interactions so far)"),
    "kol.chart.median": ("自身中位数", "Own median"),
    # score
    "kol.score.weights": ("权重（可调整；按比例折算）", "Weights (editable; used as proportions)"),
    "kol.score.defaults": ("默认权重：{text}。", "Default weights: {text}."),
    "kol.score.method": ("方法：每个指标在同层级同平台达人中按百分位归一（0 = 组内最差，1 = 最好；成本类指标越低越好；"
                         "不足 {min_peers} 人时按同层级跨平台）。得分 = 100 × Σ 权重 × 百分位 ÷ Σ 权重，50 = 组内中间水平。"
                         "有费用但转化/互动为 0 时该成本指标记为最差。缺少数据的指标不计入。",
                         "Method: each metric becomes a percentile among the KOL's tier peers on the same platform "
                         "(0 = worst in the group, 1 = best; costs: lower is better; fewer than {min_peers:peer|peers} → "
                         "the tier across platforms). Score = 100 × Σ weight × percentile ÷ Σ weight; 50 = the "
                         "middle of the group. A cost with a fee but zero conversions/interactions ranks worst. "
                         "Metrics without data are left out."),
    "kol.score.reset": ("恢复默认权重", "Reset to default weights"),
    "kol.score.save": ("保存为团队默认（分层口径与权重）", "Save as team default (tier preset and weights)"),
    "kol.score.saved": ("已保存为团队默认设置。", "Saved as the team default."),
    "kol.score.zero": ("所有权重都为 0：请至少给一个指标设置权重。", "All weights are 0: give at least one metric a weight."),
    "kol.score.top": ("综合得分最高", "Highest scores"),
    "kol.score.bottom": ("综合得分最低", "Lowest scores"),
    "kol.score.reasons": ("主要原因（贡献最大）", "Main reasons (largest contributions)"),
    "kol.score.rank": ("名次", "Rank"),
    "kol.score.chart_title": ("综合得分（50 = 同组中间水平）", "Combined score (50 = middle of the peer group)"),
    "kol.score.flag_mark": ("⚠ 有质量提示", "⚠ has quality hints"),
    "kol.score.none": ("没有可计算综合得分的达人（需要作品数据和费用）。", "No KOL can be scored (post data and fees "
                       "are needed)."),
    "kol.reason": ("{metric} {value}（组内第 {pos}/{n}，{pts} 分）", "{metric} {value} (#{pos} of {n} in group, "
                   "{pts} pts)"),
    "kol.reason.zero": ("费用>0 但{what}为 0", "fee but zero {what}"),
    # flags
    "kol.flags.intro": ("以下是提示而非结论：数字异常值得在复盘会上核实（例如向达人或平台要后台数据）。判断依据为每位达人"
                        "截至 {end} 发布的全部作品。",
                        "These are hints, not verdicts: unusual numbers worth checking (e.g. ask the KOL or platform "
                        "for back-end data). Judged on each KOL's posts published up to {end}."),
    "kol.flags.none": ("没有达人触发质量提示。", "No KOL triggers a quality hint."),
    "kol.flags.rules": ("提示规则", "Rules"),
    "kol.flags.rules_text": (
        "- **互动率远高于同层级但转化很低**：互动率 ≥ 同组中位数 × {er_hi}，且千次播放转化 ≤ 同组中位数 × {conv_lo}\n"
        "- **点赞/播放异常**：点赞 ÷ 播放 ≥ 同组中位数 × {lv_hi}，或点赞多于播放\n"
        "- **评论相对点赞过少**：评论 ÷ 点赞 ≤ 同组中位数 × {cl_lo}（点赞 ≥ {min_likes}）\n"
        "- **粉丝数跳涨**：相邻两次名单快照间的最大粉丝增长 ≥ {jump}，且 ≥ 同平台其他达人最大增长的中位数 × {jump_peer}\n"
        "- 同组 = 同平台同层级的其他达人（不足 {min_peers} 人时为同平台）；比值类规则要求播放 ≥ {min_views}。",
        "- **ER far above the tier with low conversions**: ER ≥ {er_hi} × peer median and conversions per 1k views "
        "≤ {conv_lo} × peer median\n"
        "- **Likes / views outlier**: likes ÷ views ≥ {lv_hi} × peer median, or more likes than views\n"
        "- **Very few comments for the likes**: comments ÷ likes ≤ {cl_lo} × peer median (likes ≥ {min_likes})\n"
        "- **Follower jump**: the largest rise between two roster snapshots ≥ {jump}, and ≥ {jump_peer} × the "
        "median largest rise of the platform's other KOLs\n"
        "- Peers = the other KOLs on the same platform and tier (the same platform when fewer than {min_peers}); "
        "ratio rules need ≥ {min_views:view|views}."),
    "kol.flag.high_er_low_conv": ("互动率远高于同层级但转化很低", "ER far above tier, low conversions"),
    "kol.flag.likes_views": ("点赞/播放异常", "Likes/views outlier"),
    "kol.flag.comments_likes": ("评论相对点赞过少", "Very few comments for the likes"),
    "kol.flag.follower_jump": ("粉丝数跳涨", "Follower jump"),
    "kol.flag.high_er_low_conv.text": ("互动率 {er}，同组中位数 {med}（{ratio}）；千次播放转化 {conv}，同组中位数 {conv_med}。{scope}",
                                       "ER {er} vs peer median {med} ({ratio}); conversions per 1k views {conv} vs "
                                       "{conv_med}. {scope}"),
    "kol.flag.likes_views.text": ("点赞/播放 = {v}（点赞 {likes}，播放 {views}），同组中位数 {med}（{ratio}）。{scope}",
                                  "Likes/views = {v} ({likes:like|likes}, {views:view|views}) vs peer median {med} ({ratio}). "
                                  "{scope}"),
    "kol.flag.comments_likes.text": ("评论/点赞 = {v}（评论 {comments}，点赞 {likes}），同组中位数 {med}（{ratio}）。{scope}",
                                     "Comments/likes = {v} ({comments:comment|comments}, {likes:like|likes}) vs peer median {med} "
                                     "({ratio}). {scope}"),
    "kol.flag.follower_jump.text": ("粉丝 {a} → {b}（{g}），{d1} 至 {d2} 两次名单之间；同平台其他 {n} 位达人的最大增长中位数 {med}。",
                                    "Followers {a} → {b} ({g}) between the rosters of {d1} and {d2}; the platform's "
                                    "other {n:KOL|KOLs} grew {med} at most (median)."),
    "kol.scope.tier": ("同组：同平台同层级 {n} 位达人。", "Peers: {n:KOL|KOLs} on the same platform and tier."),
    "kol.scope.platform": ("同组：同平台 {n} 位达人（同层级不足）。", "Peers: {n:KOL|KOLs} on the same platform (too few in "
                           "the tier)."),
    # scatter
    "kol.scatter.y": ("效果指标", "Result"),
    "kol.scatter.title": ("达人费用 vs {y}", "KOL fee vs {y}"),
    "kol.scatter.note": ("虚线为所显示达人的费用中位数和{y}中位数；鼠标悬停查看达人。", "Dashed lines: the median fee and median "
                         "{y} of the KOLs shown; hover for names."),
    "kol.scatter.empty": ("没有同时有费用和效果数据的达人。", "No KOL has both a fee and results."),
    "kol.q.cheap_strong": ("便宜且效果好", "Cheap & strong"),
    "kol.q.costly_strong": ("贵但效果好", "Expensive & strong"),
    "kol.q.cheap_weak": ("便宜但效果弱", "Cheap & weak"),
    "kol.q.costly_weak": ("贵且效果弱", "Expensive & weak"),
    "kol.q.list": ("**{q}**（{n}）：{names}", "**{q}** ({n}): {names}"),
    "kol.chart.quadrant": ("象限", "Quadrant"),
}
