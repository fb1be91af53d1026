"""Strings of the load pipeline's report notes: (zh-CN, English)."""

_FROM = {
    "preamble": ("文件抬头的日期范围行", "the file's date-range line"),
    "filename": ("文件名中的日期", "the date in the file name"),
    "user": ("上传时填写的日期", "the date given at upload"),
    "today": ("今天的日期", "today's date"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "ingest.kind.daily": ("按日/按期数据（每行是一天的数）", "Daily figures (each row is one day)"),
    "ingest.kind.snapshot": (
        "累计快照（每行是一条内容截至今天的累计数）",
        "Lifetime snapshot (each row is one post's total so far)",
    ),
    "ingest.note_merged": (
        "{rows} 行与本文件中另一行的键相同（同一平台、同一对象、同一日期），数值已相加：实际存入 {stored} 行",
        "{rows:row was|rows were} summed into another row of this file with the same key (same platform, item and "
        "date): {stored:row|rows} stored",
    ),
    # the load history's kind column (short: a table cell on a projector)
    "formats.platform": ("平台", "Platform"),
    "formats.format": ("导出格式", "Export format"),
    "formats.kind": ("类型", "Kind"),
    "formats.required": ("必需字段", "Required fields"),
    "formats.id": ("格式 ID（命令行 --profile）", "Format id (CLI --profile)"),
    "formats.name": ("格式名称", "Format name"),
    "formats.columns": ("列 → 字段", "Column → field"),
    "formats.files": ("用它载入的文件", "Files loaded with it"),
    "formats.saved_at": ("保存时间", "Saved"),
    "kind.daily": ("按日数据", "Daily"),
    "kind.snapshot": ("累计快照", "Lifetime snapshot"),
    "kind.kol_roster": ("达人名单", "KOL roster"),
    "kind.budget_plan": ("预算计划", "Budget plan"),
    "kind.other_costs": ("其他费用", "Other costs"),
    "history.rows": ("载入 {rows} 行", "{rows:row|rows}"),
    "history.rejected": ("拒绝 {n} 行", "{n} rejected"),
    # column labels of the load history that smm.i18n.field_label looks up as field.<column>
    "field.rows_summary": ("合计行", "Summary rows"),
    "field.is_sample": ("示例数据", "Sample data"),
    "ingest.mapping_need_metric": (
        "请至少把一列指定为指标（花费、展示、点击……）再保存。",
        "Map at least one column to a metric (spend, impressions, clicks …) before saving.",
    ),
    "ingest.sample_mixed": (
        "内置示例数据仍与你上传的数据一起计入各项汇总。清除示例数据后，只保留你自己的数据。",
        "The bundled sample data is still counted together with your uploads. Clear it to keep "
        "only your own data.",
    ),
    **{
        f"ingest.note_year.{k}": (
            f"{{rows}} 行的日期没有写年份（如 August 31、08-06）：年份取自{zh}（{{date}}），"
            "取不晚于该日期的最近一年",
            f"{{rows:row has|rows have}} dates without a year (e.g. August 31, 08-06): the year comes from {en} "
            "({date}), each date taken as the latest one on or before it",
        )
        for k, (zh, en) in _FROM.items()
    },
    # The date a snapshot (or a file with no date column) is stored as of, and where it came from.
    **{
        f"ingest.note_as_of.{k}": (f"快照日期 {{date}}（取自{zh}）", f"snapshot date {{date}} (from {en})")
        for k, (zh, en) in _FROM.items() if k != "today"
    },
    # A daily report with no date column (a summary over a period): every row is dated one day.
    **{
        f"ingest.note_undated.{k}": (f"文件没有日期列：每行的数记在 {{date}}（取自{zh}）",
                                     f"the file has no date column: every row's figures are dated {{date}} (from {en})")
        for k, (zh, en) in _FROM.items() if k != "today"
    },
    # (a daily report with no date column and no date anywhere is rejected: err.undated_no_period)
    "ingest.note_summary_overlap": (
        "本文件有 {rows} 行与批次 {batches} 的同一对象、同一天重叠，其中一方是整段时间的汇总报表：两者都计入了汇总。"
        "请在下方载入记录中删除不需要的那一批。",
        "{rows:row of this file covers|rows of this file cover} the same items and days as batch {batches}, one of "
        "them a report summed over a period: both are counted in the totals. Delete the one you do not want in the "
        "load history below.",
    ),
    "ingest.note_as_of.today": (
        "快照日期 {date}：文件里没有写日期，取今天的日期。若数据截至别的日子，请删除此批次，"
        "在「快照/无日期文件的日期」填写那一天后重新上传",
        "snapshot date {date}: the file states no date, so today's date is used. If its figures are as of another "
        "day, delete this batch and upload the file again with that day under “Date for snapshots / undated files”",
    ),
}
