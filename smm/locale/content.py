"""Strings of the Content performance page (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "content.title": ("内容表现", "Content performance"),
    "content.subtitle": (
        "什么内容、发在哪、用什么形式、什么时候发",
        "What to post, where, in which form, and when",
    ),
    "content.empty": (
        "还没有内容数据。请到「数据」页上传创作者中心/笔记/作品导出，或载入示例数据。",
        "No content data yet. Upload creator-center / notes / works exports on the Data page, or "
        "load the sample data.",
    ),
    "content.no_posts": (
        "当前筛选条件下没有内容。请放宽日期范围，或清除平台 / 内容形式 / 达人筛选。",
        "No posts match the filters. Widen the date range, or clear the platform / content type "
        "/ KOL filters.",
    ),
    "content.no_posts_lifetime": (
        "{start} – {end} 期间没有发布的内容。切换到「本期增量」可查看老内容在本期的表现。",
        'No posts were published between {start} and {end}. Switch to "Gains in the '
        'period" to see how older posts did in this period.',
    ),
    # scope
    "content.scope": ("统计口径", "Figures"),
    "content.scope.lifetime": ("生命周期：本期发布的内容", "Lifetime: posts published in the period"),
    "content.scope.weekly": ("本期增量：所有内容在本期的新增", "Gains in the period: all posts"),
    "content.scope_help": (
        "生命周期 = 截至期末的累计数；本期增量 = 期内新增（累计导出按两次快照之差计算）。",
        "Lifetime = cumulative up to the period end; gains = what was added inside the period "
        "(cumulative exports: the difference between two snapshots).",
    ),
    "content.scope_note.lifetime": (
        "**生命周期数据**：{start} – {end} 发布的 {posts} 条内容，累计到 {end}。其中 {cumulative} 条来自累计型导出"
        "（创作者中心、蒲公英、星图等），取 {end} 当天或之前的最近一次快照（{snapshot}）。",
        "**Lifetime figures**: {posts:post|posts} published {start} – {end}, counted up to {end}. {cumulative} of them "
        "come from cumulative exports (creator centers, Pugongying, Xingtu …): their latest snapshot on or before "
        "{end} is used ({snapshot}).",
    ),
    "content.scope_note.weekly": (
        "**本期增量**：{posts} 条内容在 {start} – {end} 的新增。累计型导出按每周快照之差计算；其中 {first} 条内容"
        "的首次快照落在本期，按整条计入（含快照前的累计）。最近快照：{snapshot}。",
        "**Gains in the period**: what {posts:post|posts} added between {start} and {end}. Cumulative exports are "
        "turned into weekly differences between snapshots; {first:post|posts} had their first snapshot in this period "
        "and count whole (including what they had before it). Latest snapshot: {snapshot}.",
    ),
    "content.er_coverage": (
        "互动率（基数：{base}）只对 {n} / {total} 条内容有定义：其余内容的导出里没有{base}。",
        "ER (base: {base}) is defined for {n} of {total:post|posts}: the others' exports have no {base}.",
    ),
    "content.few_posts": (
        "本期只有 {n} 条内容：条数少时中位数不稳定，比较形式和发布时间时建议放宽日期范围。",
        "Only {n:post|posts} in this period: medians of few posts are noisy. Widen the date range to "
        "compare forms and publish times.",
    ),
    "content.range.4w": ("最近 4 周（{start} – {end}）", "Last 4 weeks ({start} – {end})"),
    "content.range.all": ("全部数据（{start} – {end}）", "All data ({start} – {end})"),
    "content.er_use_views": ("改用播放/阅读作为互动率基数", "Use views as the ER base"),
    "content.definitions": (
        "帖均值为每条内容各自计算后的中位数；合计比率为各项求和后再相除（{er_formula}）。"
        "内容成本 = 该内容的付费花费 + 按发布日记入的达人费用；互动成本 CPE = 内容成本 ÷ 互动量。",
        "Per-post figures are medians over posts; pooled ratios divide sums ({er_formula}). Content cost = paid "
        "spend on the post + the KOL fee booked on its publish date; CPE = content cost ÷ interactions.",
    ),
    # forms
    "content.forms": ("内容形式 × 平台", "Content form × platform"),
    "content.form_metric": ("比较指标", "Compare by"),
    "content.headline": (
        "**{platform}**：{best}{metric}帖均中位数 **{best_value}**，{other} {other_value}，"
        "高出 **{factor}**（{best_n} 条 vs {other_n} 条）",
        "**{platform}**: {best} median {metric} per post **{best_value}** vs {other} "
        "{other_value} — **{factor}** ({best_n} vs {other_n:post|posts})",
    ),
    "content.headline_cost": (
        "**{platform}**：{best}{metric}帖均中位数 **{best_value}**，{other} {other_value}，"
        "低 **{factor}**（{best_n} 条 vs {other_n} 条）",
        "**{platform}**: {best} median {metric} per post **{best_value}** vs {other} "
        "{other_value} — **{factor}** cheaper ({best_n} vs {other_n:post|posts})",
    ),
    "content.no_headline": (
        "没有哪个平台有两种形式各 {n} 条以上带{metric}的内容，暂不比较。",
        "No platform has two forms with at least {n:post|posts} reporting {metric}: nothing to compare yet.",
    ),
    "content.chart_forms_title": (
        "每条内容的{metric}中位数（柱）与{pooled}（短线）",
        "Median {metric} per post (bars) and {pooled} (ticks)",
    ),
    "content.pooled": ("合计比率", "pooled ratio"),
    "content.mean": ("帖均值", "mean per post"),
    "content.median_per_post": ("帖均中位数", "Median per post"),
    "content.posts": ("内容数", "Posts"),
    "content.posts_n": ("{n} 条", "n={n}"),
    "content.posts_n_of": ("{n}/{total} 条", "n={n} of {total}"),
    "content.posts_n_of_short": ("{n}/{total} 条", "n={n}/{total}"),
    "content.total": ("合计", "total"),
    "content.cost": ("内容成本", "Content cost"),
    "content.cpe_cost": ("互动成本 CPE", "CPE"),
    "content.kol_fee": ("达人费用", "KOL fee"),
    "content.ctype_none": ("未注明形式", "Type not given"),
    "content.table_forms": ("明细：合计与帖均中位数", "Detail: totals and per-post medians"),
    # themes
    "content.themes": ("主题", "Themes"),
    "content.theme_none": ("（未归类）", "(no theme)"),
    "content.themes_note": (
        "导出里带主题的内容直接用导出的主题（{export} 条）；其余按下面的关键词规则从标题归类，"
        "从上到下第一条命中的规则生效。共 {themed} / {total} 条内容有主题。",
        "Posts whose export carries a theme keep it ({export}); the others are themed from "
        "their title by the keyword rules below, the first matching rule (top to bottom) wins. "
        "{themed} of {total:post has|posts have} a theme.",
    ),
    "content.rules": ("主题规则（关键词 → 主题）", "Theme rules (keywords → theme)"),
    "content.rules_help": (
        "关键词用逗号分隔，不区分大小写，只要标题包含任一关键词即命中。修改后自动保存到数据库。",
        "Comma-separated keywords, case-insensitive: a title containing any of them matches. "
        "Edits are saved to the database at once.",
    ),
    "content.rules_default": (
        "这是建议的初始规则，编辑任意一格即保存为你们自己的规则。",
        "These are suggested starting rules; edit any cell to save them as your own.",
    ),
    "content.rules_saved": ("主题规则已保存。", "Theme rules saved."),
    "content.rules_incomplete": (
        "{n} 行规则缺少关键词或主题，暂不生效。",
        "{n} rule rows lack keywords or a theme and are ignored.",
    ),
    "content.rule_keywords": ("关键词", "Keywords"),
    "content.rule_theme": ("主题", "Theme"),
    "content.rule_matches": ("命中内容数", "Posts matched"),
    "content.theme_split": ("按平台拆分", "Split by platform"),
    "content.chart_themes_title": ("各主题每条内容的{metric}中位数", "Median {metric} per post by theme"),
    # default rules (suggestions in the user's language until saved)
    "content.rule.giveaway": ("转发抽, 抽奖, 送正装, giveaway", "转发抽, 抽奖, 送正装, giveaway"),
    "content.rule.giveaway.theme": ("福利抽奖", "Giveaway"),
    "content.rule.ingredients": (
        "成分, 一文读懂, 拆解, ingredient, explained, what's in",
        "成分, 一文读懂, 拆解, ingredient, explained, what's in",
    ),
    "content.rule.ingredients.theme": ("成分科普", "Ingredients"),
    "content.rule.review": (
        "测评, 实测, 亲测, 值不值, 真实反馈, 使用心得, review, test, before/after",
        "测评, 实测, 亲测, 值不值, 真实反馈, 使用心得, review, test, before/after",
    ),
    "content.rule.review.theme": ("测评", "Review"),
    "content.rule.tutorial": (
        "教程, 新手必看, 怎么, 误区, 一定要看, how to, routine, start here",
        "教程, 新手必看, 怎么, 误区, 一定要看, how to, routine, start here",
    ),
    "content.rule.tutorial.theme": ("教程", "Tutorial"),
    "content.rule.diary": ("打卡, 空瓶, 天用完, 天｜, days", "打卡, 空瓶, 天用完, 天｜, days"),
    "content.rule.diary.theme": ("打卡日记", "Diary"),
    "content.rule.picks": ("清单, 好物分享, 平价替代, picks", "清单, 好物分享, 平价替代, picks"),
    "content.rule.picks.theme": ("清单种草", "Picks"),
    # top / bottom
    "content.top": ("最佳与最差内容", "Top and bottom posts"),
    "content.rank_metric": ("排序指标", "Rank by"),
    "content.min_exposure": (
        "最低曝光（低于此值的内容不参与排名）",
        "Minimum exposure (posts below are not ranked)",
    ),
    "content.min_exposure_help": ("保存在数据库中，全队共用。", "Stored with the data, shared by the team."),
    "content.top_n": ("最好的 {n} 条（按{metric}）", "Best {n} by {metric}"),
    "content.bottom_n": ("最差的 {n} 条（按{metric}）", "Worst {n} by {metric}"),
    "content.ranked_of": (
        "{n} 条内容曝光 ≥ {min} 且有{metric}，参与排名。",
        "Ranked: {n:post|posts} with exposure ≥ {min} and a value for {metric}.",
    ),
    "content.table_present": (
        "演示模式显示 {shown} 个关键列（共 {all} 列；退出演示模式可看全部）。",
        "Presenting: the {shown} key columns of {all} (leave presenting to see them all).",
    ),
    "content.none_ranked": (
        "没有内容满足最低曝光且有{metric}：请降低最低曝光或换一个指标。",
        "No post has enough exposure and a {metric} value: lower the minimum exposure or rank by "
        "another metric.",
    ),
    "content.col.rank": ("名次", "Rank"),
    "content.col.title": ("标题", "Title"),
    "content.col.link": ("链接", "Link"),
    "content.col.open": ("打开 ↗", "Open ↗"),
    "content.col.published": ("发布时间", "Published"),
    # heatmap
    "content.best_time": ("最佳发布时间", "Best time to post"),
    "content.heat_platform": ("平台", "Platform"),
    "content.heat_metric": ("指标", "Metric"),
    "content.heat_block": ("时段长度", "Hour block"),
    "content.heat_block_fmt": ("{n} 小时", "{n} h"),
    "content.min_posts": ("每格最少内容数", "Minimum posts per cell"),
    "content.heat_title": (
        "{platform}：按发布时间的{metric}中位数",
        "{platform}: median {metric} by publish time",
    ),
    "content.heat_note": (
        "按导出中的发布时间（导出所用时区）。灰色虚线格的内容少于 {n} 条，只显示条数，不作评价；"
        "空白格没有内容。",
        "By the publish time in the export (the export's time zone). Grey "
        "dashed cells have fewer than {n:post|posts}: they show the count only and are not rated; "
        "blank cells have no posts.",
    ),
    "content.best_slot": ("**{platform}** 最佳时段：{slots}", "**{platform}** best slots: {slots}"),
    "content.slot": ("{day} {start}–{end}（{value}，{n} 条）", "{day} {start}–{end} ({value}, {n:post|posts})"),
    "content.no_slot": (
        "{platform} 还没有哪个时段达到 {n} 条内容：扩大日期范围或加大时段长度。",
        "No slot on {platform} has {n:post|posts} yet: widen the date range or use longer hour blocks.",
    ),
    "content.weekday": ("星期", "Weekday"),
    "content.hour": ("发布时刻", "Hour published"),
    "content.cell_posts": ("内容数", "Posts"),
    **{
        f"content.wd.{i}": v
        for i, v in enumerate(
            [
                ("周一", "Mon"),
                ("周二", "Tue"),
                ("周三", "Wed"),
                ("周四", "Thu"),
                ("周五", "Fri"),
                ("周六", "Sat"),
                ("周日", "Sun"),
            ],
            1,
        )
    },
    # outliers
    "content.outliers": ("异常内容", "Outliers"),
    "content.outliers_help": (
        "在同一平台、同一形式内，对互动率取对数后计算稳健 z 分数（中位数与 MAD）。",
        "Robust z-score of log ER within the same platform and form (median and MAD).",
    ),
    "content.outlier_z": ("阈值 |z| ≥", "Threshold |z| ≥"),
    "content.outlier_sentence_up": (
        "是{platform} {ctype}中位数的 {factor}",
        "{factor} the median for {platform} {ctype}",
    ),
    "content.outlier_sentence_down": (
        "只有{platform} {ctype}中位数的 {factor}",
        "only {factor} the median for {platform} {ctype}",
    ),
    "content.no_outliers": (
        "没有互动率明显偏离同平台同形式常态的内容（|z| ≥ {z}）。",
        "No post's ER is far from its platform/form norm (|z| ≥ {z}).",
    ),
    "content.col.vs_norm": ("相对常态", "Against the norm"),
    "content.col.group_median": ("同类中位数", "Group median"),
    "content.col.z": ("稳健 z", "Robust z"),
}
