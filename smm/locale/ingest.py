"""Strings of the load pipeline's report notes: (zh-CN, English)."""

_FROM = {
    "preamble": ("文件抬头的日期范围行", "the file's date-range line"),
    "filename": ("文件名中的日期", "the date in the file name"),
    "user": ("上传时填写的日期", "the date given at upload"),
    "today": ("今天的日期", "today's date"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"ingest.note_year.{k}": (
        f"{{rows}} 行的日期没有写年份（如 August 31、08-06）：年份取自{zh}（{{date}}），"
        "取不晚于该日期的最近一年",
        f"{{rows}} rows have dates without a year (e.g. August 31, 08-06): the year comes from {en} "
        "({date}), each date taken as the latest one on or before it")
       for k, (zh, en) in _FROM.items()},
}
