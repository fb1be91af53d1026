"""Every user-facing string in zh-CN and en; `t(key, lang, **fmt)` looks one up.

A count's noun agrees with it where English needs that: `{n:row|rows}` reads "1 row", "0 rows", "1,234 rows"
(the count as given, a space, then the singular for a count of one, else the plural; the words may be several,
`{n:row has|rows have}`). Chinese needs none of this and writes `{n} 行`.
"""

from __future__ import annotations

import string

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (zh-CN, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("smm 社媒营销看板", "smm social marketing dashboard"),
    "nav.overview": ("总览", "Overview"),
    "nav.data": ("数据", "Data"),
    "nav.content": ("内容表现", "Content"),
    "nav.kol": ("达人对比", "KOLs"),
    "nav.budget": ("预算与模拟", "Budget & what-if"),
    "sidebar.language": ("语言 / Language", "Language / 语言"),
    "sidebar.currency": ("报表币种", "Reporting currency"),
    "sidebar.dates": ("日期范围", "Date range"),
    "sidebar.compare": ("对比", "Compare with"),
    "compare.previous": ("上一周期", "Previous period"),
    "compare.last_year": ("去年同期", "Same period last year"),
    "compare.none": ("不对比", "No comparison"),
    "sidebar.platforms": ("平台", "Platforms"),
    "sidebar.all": ("全部", "All"),
    "sidebar.more_filters": ("更多筛选", "More filters"),
    "sidebar.definitions": ("指标口径", "Metric definitions"),
    "setting.er_base": ("互动率基数", "ER base"),
    "setting.cvr_base": ("转化率基数", "CVR base"),
    "setting.roi_basis": ("ROI 成本口径", "ROI cost basis"),
    "setting.roi_basis.full": ("全部成本（付费+达人+内容+人员+其他）", "Full cost (paid + KOL + content + staff + other)"),
    "setting.roi_basis.paid": ("仅付费花费", "Paid spend only"),
    # the sidebar's choice (its field is 172 px wide: the long form above was cut); the long form is its help
    "setting.roi_basis_short.full": ("全部成本", "Full cost"),
    "setting.roi_basis_short.paid": ("仅付费花费", "Paid spend only"),
    "setting.roi_basis_help": ("ROI 的成本：全部成本 = 付费+达人+内容+人员+其他；或仅付费花费。ROAS 始终按付费花费。",
                               "The cost in ROI: full cost = paid + KOL + content + staff + other; or paid spend "
                               "only. ROAS always divides by paid spend."),
    "sidebar.present": ("演示模式", "Presentation mode"),
    "present.exit": ("退出演示模式", "Exit presentation mode"),
    "sample.banner": ("当前展示的是内置示例数据（澄研 CLARITY LAB，12 周）。上传你自己的导出文件后，可在「数据」页清除示例数据。",
                      "You are looking at the bundled sample data (CLARITY LAB, 12 weeks). Upload your own exports, "
                      "then clear the sample on the Data page."),
    # on the Data page itself, the button to clear the sample is right below the banner
    "sample.banner_here": ("当前展示的是内置示例数据（澄研 CLARITY LAB，12 周）。上传你自己的导出文件后，点下方「清除示例数据」，"
                           "汇总中就只有你自己的数据。",
                           "You are looking at the bundled sample data (CLARITY LAB, 12 weeks). Upload your own "
                           "exports, then clear the sample with the button below so that only your data is counted."),
    "sample.loading": ("首次启动：正在载入示例数据…", "First start: loading the sample data…"),
    "sample.loaded": ("首次启动：示例数据已载入", "First start: the sample data is loaded"),
    "sample.clear": ("清除示例数据", "Clear sample data"),
    "sample.cleared": ("示例数据已清除。", "Sample data cleared."),
    "sample.load": ("载入示例数据", "Load sample data"),
    "store.busy": ("数据库正被另一个程序占用：{path}。请先关闭它（例如另一个 smm 或脚本），再刷新页面。",
                   "The store is in use by another program: {path}. Close it (another smm app or a script), then "
                   "reload."),
    # data page
    "data.title": ("数据：上传与载入记录", "Data: uploads and load history"),
    "data.upload": ("上传平台导出文件（CSV / TSV / TXT / XLSX，可多选）",
                    "Upload platform exports (CSV / TSV / TXT / XLSX, several at once)"),
    "data.upload_button": ("选择文件", "Browse files"),
    "data.upload_limit": ("或拖放到此处 · 每个文件不超过 {mb} MB", "or drag and drop here · up to {mb} MB per file"),
    "data.upload_wait": ("文件上传中：传完（或点 × 取消）后才能切换页面",
                         "A file is still uploading: the other pages open once it is sent (or cancelled with ×)"),
    "data.upload_help": ("自动识别编码、分隔符、表头前的说明行、合计行和平台格式。同一文件重复上传不会重复计数。",
                         "Encoding, delimiter, title lines, totals rows and the platform format are detected. "
                         "Uploading the same file again never counts it twice."),
    "data.profile": ("文件格式", "File format"),
    "data.profile_auto": ("自动识别", "Detect automatically"),
    "data.as_of": ("快照/无日期文件的日期", "Date for snapshots / undated files"),
    "data.as_of_help": ("累计型导出（创作者中心、笔记列表等）是截至某日的快照；没有日期列的汇总报表（如千川按计划汇总）"
                        "的数记在一天（时段的最后一天）。文件里和文件名中都没有写明日期时用这个日期。",
                        "Cumulative exports (creator centres, note lists) are snapshots as of a date; a summary "
                        "report with no date column (a Qianchuan report by plan) is dated one day, its period's "
                        "last. Used when neither the file nor its name states the date."),
    "data.on_invalid": ("有无效行时", "When some rows are invalid"),
    "data.on_invalid.reject": ("整个文件都不载入", "Load nothing"),
    "data.on_invalid.load_valid": ("只载入有效行", "Load the valid rows"),
    "data.decimal": ("小数点", "Decimal mark"),
    "data.report": ("载入结果", "Load report"),
    "data.history": ("载入记录", "Load history"),
    "data.delete": ("删除所选批次", "Delete selected batch"),
    "data.delete_pick": ("选择要删除的批次", "Batch to delete"),
    "data.delete_confirm": ("将删除批次 #{batch}（{file}）载入的 {rows} 行，及其对汇总的全部影响。重新上传该文件即可恢复。",
                            "This removes batch #{batch} ({file}) and the {rows:row|rows} it loaded, with all it added to "
                            "the totals. Uploading the file again brings it back."),
    "data.delete_yes": ("确认删除", "Delete"),
    "data.deleted": ("批次 #{batch}（{file}）已删除，它载入的 {rows} 行已移除。",
                     "Batch #{batch} ({file}) deleted: {rows:row|rows} removed."),
    "data.templates": ("模板下载", "Templates"),
    "data.fx": ("汇率（1 单位 = ? 人民币）", "Exchange rates (CNY per unit)"),
    "data.fx_save": ("保存汇率", "Save rates"),
    "data.fx_saved": ("汇率已保存。", "Rates saved."),
    "data.rejected_download": ("下载被拒绝的行（CSV）", "Download rejected rows (CSV)"),
    "data.no_history": ("还没有载入任何文件。", "Nothing loaded yet."),
    "data.mapping": ("无法识别的格式：请为每一列指定字段", "Unknown format: map each column to a field"),
    "data.mapping_platform": ("平台", "Platform"),
    "data.load_valid_now": ("只载入其余 {n} 行有效数据", "Load the {n:valid row|valid rows} only"),
    "data.mapping_platform_pick": ("选择平台", "Choose a platform"),
    "data.mapping_need_platform": ("请选择这个文件来自哪个平台（或把某一列指定为「平台」）再保存。",
                                   "Choose the platform this file comes from (or map a column to Platform) "
                                   "before saving."),
    "data.mapping_suggested": ("已按表头（和日期列的数值）为 {of} 列中的 {n} 列预选了字段：保存前请逐一核对。",
                               "Pre-filled from their headers (and a date column's values): {n} of {of:column|columns}. "
                               "Check each before saving."),
    "data.mapping_kind": ("数据类型", "Kind of data"),
    "data.mapping_name": ("保存为新格式（名称）", "Save as a new format (name)"),
    "data.mapping_save": ("保存格式并载入", "Save format and load"),
    "data.mapping_ignore": ("（忽略）", "(ignore)"),
    "data.mapping_saved": ("已保存格式 {name}，下次会自动识别。", "Saved format {name}; it is recognised next time."),
    "data.mapping_preview": ("预览（前 5 行）", "Preview (first 5 rows)"),
    "data.mapping_replaces": ("已有名为「{name}」的已保存格式（{id}）：保存后会替换它。",
                              "A saved format is named “{name}” ({id}): saving replaces it."),
    "data.saved_formats": ("已保存的格式（{n}）", "Saved formats ({n})"),
    "data.saved_formats_help": ("你在映射步骤里保存的格式：同样表头的文件会被自动识别。映射有误时，删除该格式及用它载入的批次，再上传文件即可重新映射。",
                                "The formats you saved in the mapping step: a file with the same headers is "
                                "recognised automatically. If a mapping is wrong, delete it with the batches it "
                                "loaded, then upload the files again to map them anew."),
    "data.format_delete_pick": ("选择要删除的格式", "Format to delete"),
    "data.format_delete": ("删除所选格式", "Delete selected format"),
    "data.format_delete_confirm": ("将删除已保存的格式「{name}」（{id}）。下次上传这种格式的文件时，会重新进入列映射步骤。",
                                   "This deletes the saved format “{name}” ({id}). The next file in this format "
                                   "goes to the mapping step again."),
    "data.format_delete_batches": ("同时删除用它载入的 {files} 个批次（及其数据）",
                                   "Also delete the batches it loaded ({files}) and their rows"),
    "data.format_keeps_batches": ("用它载入的 {files} 个批次保留不变。", "The batches it loaded ({files}) stay."),
    "data.format_delete_yes": ("确认删除格式", "Delete format"),
    "data.format_deleted": ("已删除格式「{name}」（{id}）。", "Format “{name}” ({id}) deleted."),
    "data.format_deleted_batches": ("已删除格式「{name}」（{id}）及用它载入的 {files} 个批次。",
                                    "Format “{name}” ({id}) deleted, with the batches it loaded ({files})."),
    "data.step.read": ("读取文件", "reading the file"),
    "data.step.check": ("清洗并校验每一行", "cleaning and checking every row"),
    "data.step.write": ("写入数据库", "writing to the store"),
    "data.progress": ("正在载入 {i}/{n}：{file}", "Loading {i}/{n}: {file}"),
    "data.loading_elsewhere": ("正在载入你上传的文件 {i}/{n}：{file}。离开数据页不会中断载入。",
                               "Loading your upload {i}/{n}: {file}. Leaving the Data page does not stop it."),
    "data.loaded_elsewhere": ("上传的 {n} 个文件已处理完：{how}。载入结果在“数据”页。",
                              "Your {n} uploaded files are done: {how}. The load reports are on the Data page."),
    "data.loaded_elsewhere_one": ("{file}：{status}。载入结果在“数据”页。",
                                  "{file}: {status}. The load report is on the Data page."),
    "data.abandoned": ("以下文件在上传页面关闭后才处理完：{files}。载入结果见下方。",
                       "Finished after the page that uploaded them was closed: {files}. Their load reports are "
                       "below."),
    "data.abandoned_failed": ("这些文件在其上传页面关闭后未能载入，请重新上传：{files}",
                              "These files could not be loaded after the page that uploaded them was closed; "
                              "upload them again: {files}"),
    "data.interrupted": ("服务器在载入以下文件时停止了（重启或中断），它们没有载入：{files}（{when} 上传）。请重新上传。",
                         "The server stopped (restarted or killed) while these files were loading, so they were not "
                         "loaded: {files} (uploaded {when}). Upload them again."),
    "data.interrupted_dismiss": ("知道了", "Dismiss"),
    "data.formats": ("支持的导出格式", "Supported export formats"),
    # statuses
    "status.loaded": ("已载入", "loaded"),
    "status.already_loaded": ("已载入过（未重复计数）", "already loaded (not counted again)"),
    "status.rejected": ("已拒绝（未写入任何数据）", "rejected (nothing written)"),
    "status.unrecognised": ("格式未识别", "format not recognised"),
    "report.unrecognised_map": ("{file}：格式未识别。第 {row} 行的表头与已知的导出格式都不相符：请在下方为各列指定字段，保存格式后文件随即载入。",
                                "{file}: format not recognised. Its header row (row {row}) matches no known export "
                                "format: map its columns below, and the file loads once the format is saved."),
    "status.deleted": ("已删除", "deleted"),
    "report.line_already": ("{file}：{status} · 即载入记录中的批次 #{batch}{when} · 格式 {profile}",
                            "{file}: {status} · batch #{batch} of the load history{when} · format {profile}"),
    "report.loaded_when": ("（{at} 载入）", " (loaded {at})"),
    "report.line": ("{file}：{status} · 格式 {profile} · {loaded} · {rejected} · {summary} · {superseded}",
                    "{file}: {status} · format {profile} · {loaded} · {rejected} · {summary} · {superseded}"),
    # the counts of report.line, each with its noun agreeing with it
    "report.n_loaded": ("载入 {n} 行", "{n:row|rows} loaded"),
    "report.n_rejected": ("拒绝 {n} 行", "{n} rejected"),
    "report.n_summary": ("合计行 {n} 行", "{n:summary row|summary rows} skipped"),
    "report.n_superseded": ("替换 {n} 行", "{n} replaced"),
    "report.dates": (" · 日期 {dmin} – {dmax}", " · dates {dmin} – {dmax}"),
    "report.counts_column": ("列", "Column"),
    "report.counts_reason": ("问题", "Problem"),
    "report.counts_rows": ("被拒绝行数", "Rows rejected"),
    "report.more_rows": ("… 另有 {n} 行被拒绝，全部见下方「{download}」", "… {n} more rejected rows: all of them are in "
                         "“{download}” below"),
    "report.csv_row": ("行号", "row"),
    "report.csv_reason": ("原因", "reason"),
    "why.not_a_number": ("不是数字", "not a number"),
    "why.negative": ("负数", "negative value"),
    "why.bad_date": ("无法识别的日期", "not a date"),
    "why.date_out_of_range": ("日期超出范围", "date out of range"),
    "why.not_a_duration": ("不是时长", "not a duration"),
    "why.clicks_gt_impressions": ("点击数大于展示数", "clicks exceed impressions"),
    "why.unknown_content_type": ("未知内容形式", "unknown content type"),
    "why.unknown_platform": ("未知平台", "unknown platform"),
    "why.unknown_category": ("未知预算类别", "unknown budget category"),
    "why.missing_key": ("关键字段为空", "key field is empty"),
    "note.currency_assumed": ("文件未注明币种，按 {currency} 处理", "no currency in the file; taken as {currency}"),
    # errors
    "err.not_tabular": ("{file}：不是 CSV/TSV/TXT/XLSX 表格文件（按内容判断）",
                        "{file}: not a CSV/TSV/TXT/XLSX table (judged by content)"),
    "err.encoding": ("{file}：第 {row} 行无法按 UTF-8、UTF-16 或 GB18030 解码",
                     "{file}: row {row} decodes as none of UTF-8, UTF-16, GB18030"),
    "err.no_data_rows": ("{file}：没有数据行", "{file}: no data rows"),
    "err.line_too_long": ("{file}：第 {row} 行超过 2 MB", "{file}: row {row} is longer than 2 MB"),
    "err.unclosed_quote": ("{file}：第 {row} 行引号未闭合", "{file}: unclosed quote at row {row}"),
    "err.ragged": ("{file}：第 {row} 行列数与表头不符（共 {count} 行）",
                   "{file}: row {row} has a different number of cells than the header ({count:row|rows})"),
    "err.ragged_width": ("{file}：第 {row} 行有 {found} 列，表头有 {expected} 列（这样的行共 {count} 行）",
                         "{file}: row {row} has {found:cell|cells} where the header has {expected} ({count:row|rows} like "
                         "it)"),
    "err.duplicate_header": ("{file}：表头「{column}」重复", "{file}: header {column!r} appears twice"),
    "err.bad_filename": ("文件名不合法：{file}", "invalid file name: {file}"),
    "err.too_large": ("{file}：文件过大（解压后大小或行数超出上限）",
                      "{file}: too large (decompressed size or row count over the limit)"),
    "err.xml_bomb": ("{file}：XLSX 含有 XML 实体声明，已拒绝", "{file}: XLSX declares XML entities; rejected"),
    "err.excel_unreadable": ("{file}：无法读取该 Excel 文件", "{file}: the Excel file cannot be read"),
    "err.unrecognised": ("{file}：无法识别的导出格式", "{file}: export format not recognised"),
    "err.undated_no_period": (
        "{file}：这份报表没有日期列，文件里和文件名中也没有写明时段，无法知道数据属于哪几天。请在下面填写时段的最后一天"
        "再载入。（以后上传这类报表，可先在「快照/无日期文件的日期」填好，或把时段写进文件名："
        "…_2026-11-16_2026-11-22.csv。）",
        "{file}: the report has no date column and states no period (no date-range line, no date in its name), so "
        "the days its figures belong to are unknown. Give the period's last day below and load it. (For the next "
        "such report: set “Date for snapshots / undated files” before uploading, or put the period in the file "
        "name: …_2026-11-16_2026-11-22.csv.)"),
    "cli.err.undated_no_period": (
        "{file}：这份报表没有日期列，文件里和文件名中也没有写明时段，无法知道数据属于哪几天。请用 --as-of 给出时段的"
        "最后一天（或 --period-start 与 --period-end）再载入，或把时段写进文件名：…_2026-11-16_2026-11-22.csv。",
        "{file}: the report has no date column and states no period (no date-range line, no date in its name), so "
        "the days its figures belong to are unknown. Load it again with --as-of set to the period's last day (or "
        "--period-start and --period-end), or put the period in the file name: …_2026-11-16_2026-11-22.csv."),
    "data.undated_day": ("时段的最后一天", "Last day of the period"),
    "data.undated_load": ("按这一天载入", "Load dated this day"),
    "data.undated_pick": ("请先选择时段的最后一天。", "Choose the period's last day first."),
    "err.unknown_profile": ("{file}：未知格式 {profile}", "{file}: unknown format {profile}"),
    "err.profile_mismatch": ("{file}：表头与所选格式 {profile} 不符（缺少：{missing}）",
                             "{file}: the headers do not fit the chosen format {profile} (missing: {missing})"),
    "err.not_a_number": ("第 {row} 行「{column}」列：{value} 不是数字", "row {row}, column {column!r}: {value} is not a number"),
    "err.negative": ("第 {row} 行「{column}」列：不能为负数 {value}", "row {row}, column {column!r}: negative value {value}"),
    "err.bad_date": ("第 {row} 行「{column}」列：无法识别的日期 {value}（含糊的日期不会猜测）",
                     "row {row}, column {column!r}: not a date {value} (ambiguous dates are never guessed)"),
    "err.date_out_of_range": ("第 {row} 行「{column}」列：日期超出范围 {value}",
                              "row {row}, column {column!r}: date out of range {value}"),
    "err.not_a_duration": ("第 {row} 行「{column}」列：不是时长 {value}", "row {row}, column {column!r}: not a duration {value}"),
    "err.clicks_gt_impressions": ("第 {row} 行「{column}」列：点击数 {value} 大于展示数",
                                  "row {row}, column {column!r}: clicks {value} exceed impressions"),
    "err.unknown_content_type": ("第 {row} 行「{column}」列：未知内容形式 {value}",
                                 "row {row}, column {column!r}: unknown content type {value}"),
    "err.unknown_platform": ("第 {row} 行「{column}」列：未知平台 {value}", "row {row}, column {column!r}: unknown platform {value}"),
    "err.unknown_category": ("第 {row} 行「{column}」列：未知预算类别 {value}",
                             "row {row}, column {column!r}: unknown budget category {value}"),
    "err.missing_key": ("第 {row} 行「{column}」列：关键字段为空", "row {row}, column {column!r}: key field is empty"),
    # overview (foundation)
    "overview.title": ("总览", "Overview"),
    "overview.by_platform_week": ("各平台每周汇总", "Totals per platform and week"),
    "overview.empty": ("还没有数据。请到「数据」页上传导出文件，或载入示例数据。",
                       "No data yet. Upload exports on the Data page, or load the sample data."),
    "overview.missing_fx": ("以下币种没有汇率，未计入换算金额：{currencies}。请在「数据」页补充汇率。",
                            "No exchange rate for {currencies}: their money is left out of converted totals. Add "
                            "rates on the Data page."),
    # platforms
    **{f"platform.{k}": v for k, v in {
        "douyin": ("抖音", "Douyin"), "xiaohongshu": ("小红书", "Xiaohongshu"), "weibo": ("微博", "Weibo"),
        "wechat": ("微信", "WeChat"), "kuaishou": ("快手", "Kuaishou"), "bilibili": ("哔哩哔哩", "Bilibili"),
        "meta": ("Meta", "Meta"), "tiktok": ("TikTok", "TikTok"), "youtube": ("YouTube", "YouTube"),
        "google_ads": ("Google Ads", "Google Ads"), "linkedin": ("LinkedIn", "LinkedIn"), "x": ("X", "X"),
    }.items()},
    **{f"ctype.{k}": v for k, v in {
        "video": ("视频", "Video"), "image_text": ("图文", "Image-text"), "live": ("直播", "Live"),
        "other": ("其他", "Other"),
    }.items()},
    **{f"field.{k}": v for k, v in {
        "spend": ("花费", "Spend"), "impressions": ("展示", "Impressions"), "reach": ("触达", "Reach"),
        "views": ("播放/阅读", "Views"), "clicks": ("点击", "Clicks"), "likes": ("点赞", "Likes"),
        "comments": ("评论", "Comments"), "shares": ("分享", "Shares"), "saves": ("收藏", "Saves"),
        "follows": ("涨粉", "Follows"), "conversions": ("转化", "Conversions"), "orders": ("订单", "Orders"),
        "revenue": ("成交金额", "Revenue"), "platform": ("平台", "Platform"), "week": ("周", "Week"),
        "date": ("日期", "Date"), "account": ("账户", "Account"), "campaign": ("广告计划", "Campaign"),
        "ad_group": ("广告组", "Ad group"), "ad": ("广告", "Ad"), "content_id": ("内容 ID", "Content ID"),
        "content_title": ("内容标题", "Content title"), "content_type": ("内容形式", "Content type"),
        "content_url": ("链接", "URL"), "theme": ("主题", "Theme"), "published_at": ("发布时间", "Published"),
        "kol": ("达人", "KOL"), "currency": ("币种", "Currency"), "period_start": ("开始日期", "Period start"),
        "period_end": ("结束日期", "Period end"), "watch_hours": ("观看时长（小时）", "Watch time (hours)"),
        "duration": ("时长", "Duration"), "followers": ("粉丝数", "Followers"), "fee": ("费用", "Fee"),
        "posts": ("发布数", "Posts"), "planned": ("预算", "Planned"), "amount": ("金额", "Amount"),
        "category": ("类别", "Category"), "note": ("备注", "Note"), "as_of": ("截至日期", "As of"),
        "file_name": ("文件", "File"), "profile": ("格式", "Format"), "kind": ("类型", "Kind"),
        "rows_loaded": ("载入行数", "Rows loaded"), "rows_rejected": ("拒绝行数", "Rows rejected"),
        "date_min": ("最早日期", "First date"), "date_max": ("最晚日期", "Last date"),
        "loaded_at": ("载入时间", "Loaded at"), "status": ("状态", "Status"), "batch_id": ("批次", "Batch"),
        "cny_per_unit": ("1 单位 = ? 人民币", "CNY per unit"),
    }.items()},
}


def _merge_locale_modules() -> None:
    """Merge every smm/locale/<area>.py MESSAGES table; a key defined twice is a bug."""
    import importlib
    import pkgutil

    import smm.locale as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        table = importlib.import_module(f"smm.locale.{mod.name}").MESSAGES
        clash = set(table) & set(MESSAGES)
        if clash:
            raise KeyError(f"i18n keys defined twice: {sorted(clash)}")
        MESSAGES.update(table)


_merge_locale_modules()


def normalize_lang(lang: str | None) -> str:
    """Map a browser locale or URL value (zh-CN, en-US, zh, en) to a supported language."""
    if not lang:
        return DEFAULT_LANG
    lang = lang.lower()
    return "en" if lang.startswith("en") else "zh" if lang.startswith("zh") else DEFAULT_LANG


class _Counts(string.Formatter):
    """str.format, and `{n:one|many}`: the count, then the words that agree with it (see the module's docstring)."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        one, many = format_spec.split("|", 1)
        return f"{value} {one if is_one(value) else many}"


_COUNTS = _Counts()


def is_one(value: object) -> bool:
    """Whether a count (a number, or a number formatted as text: "1", "1,234") is one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 1
    return str(value).strip() == "1"


def t(key: str, lang: str = DEFAULT_LANG, /, **fmt: object) -> str:
    """Translate `key`; a missing key raises (tests catch it) rather than showing a raw id."""
    zh, en = MESSAGES[key]
    text = en if normalize_lang(lang) == "en" else zh
    if not fmt:
        return text
    return _COUNTS.vformat(text, (), fmt) if "|" in text else text.format(**fmt)


def has(key: str) -> bool:
    return key in MESSAGES


def tn(key: str, n: int, lang: str = DEFAULT_LANG, /, **fmt: object) -> str:
    """`key` for a count `n`, given as {n} with thousands separators (its noun agrees through `{n:one|many}`)."""
    return t(key, lang, n=f"{n:,}", **fmt)


def reason_text(code: str, lang: str) -> str:
    """A rejection reason (an error code) in a few words in `lang`, as a count of rejected rows names it; else the code."""
    return t(f"why.{code}", lang) if has(f"why.{code}") else code


def error_text(err: dict, lang: str, file: str = "") -> str:
    """Render an ingest error dict (code, row, column, value) in the user's language."""
    code = err.get("code") or ""
    key = f"err.{code}"
    if not has(key):
        return str(err.get("message", code))
    params = {**{k: v for k, v in err.items() if k not in ("code", "message")}, "file": file, "row": err.get("row"),
              "column": err.get("column"), "value": err.get("value"), "count": err.get("count", "")}
    if code == "ragged" and "expected" in err and "found" in err:
        key = "err.ragged_width"        # (a row the csv module could not parse has no widths to tell)
    text = t(key, lang, **params)
    if file and "{file}" not in MESSAGES[key][0]:
        text = f"{file}：{text}" if normalize_lang(lang) == "zh" else f"{file}: {text}"
    return text


def field_label(field: str, lang: str) -> str:
    return t(f"field.{field}", lang) if has(f"field.{field}") else field


def ids_labelled(text: str) -> frozenset[str]:
    """The ids whose label, in either language, is `text`: the last part of each key that reads so
    ("Previous period" and "上一周期": compare.previous → previous; "抖音": platform.douyin → douyin)."""
    return _LABEL_IDS.get(text, frozenset())


def _label_ids() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for key, texts in MESSAGES.items():
        if "." in key:
            for text in texts:
                out.setdefault(text, set()).add(key.rsplit(".", 1)[1])
    return {text: frozenset(ids) for text, ids in out.items()}


_LABEL_IDS = _label_ids()


def listing(items, lang: str) -> str:
    """Items named one after the other, as each language writes a list: "抖音、小红书" / "Douyin, Xiaohongshu"."""
    return ("、" if lang == "zh" else ", ").join(items)


def platform_label(platform: str | None, lang: str) -> str:
    return t(f"platform.{platform}", lang) if platform and has(f"platform.{platform}") else (platform or "—")


def platform_listing(platforms, lang: str) -> str:
    """Platform ids named as a list in `lang`: ["douyin", "weibo"] → "抖音、微博" / "Douyin, Weibo"."""
    return listing((platform_label(p, lang) for p in platforms), lang)
