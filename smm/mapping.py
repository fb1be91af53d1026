"""Column mappings saved by users: a new profile, recognised automatically next time."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import duckdb

from smm.fmt import local_time
from smm.profiles import Profile, profile_from_dict
from smm.schema import AUX_TABLES, FIELD_KINDS, METRICS

if TYPE_CHECKING:   # pandas only where a table is drawn: `smm ingest` starts without it (~0.4 s)
    import pandas as pd

MAPPABLE_FIELDS: tuple[str, ...] = tuple(f for f in FIELD_KINDS if f not in ("followers", "fee", "posts", "planned",
                                                                             "amount", "category", "note", "as_of"))
# The mapping step's choice for a column left out. Text, not None: a language switch sends every plain value again in
# the new language (ui.sidebar), and None is not one.
IGNORE = "ignore"


def field_choice_label(choice: str, lang: str) -> str:
    """A mapping choice as the mapping step shows it: "(ignore)", or the field's name in `lang`."""
    from smm.i18n import field_label, t

    return t("data.mapping_ignore", lang) if choice == IGNORE else field_label(choice, lang)


def user_profiles(con: duckdb.DuckDBPyConnection) -> tuple[Profile, ...]:
    """Every saved user profile."""
    rows = con.execute("SELECT definition FROM user_profiles ORDER BY created_at").fetchall()
    return tuple(profile_from_dict(json.loads(d), user_defined=True) for (d,) in rows)


def user_profile_id(name: str) -> str:
    """The id a format saved under `name` gets: saving another under a name with the same id replaces it."""
    # \w keeps Chinese names apart (两个中文名称不会都变成 user_custom 而互相覆盖).
    return "user_" + (re.sub(r"\W+", "_", name.strip().lower()).strip("_") or "custom")


def build_user_profile(name: str, platform: str | None, kind: str, headers: list[str],
                       columns: dict[int, str]) -> Profile:
    """A profile from the user's mapping (column index -> canonical field); every mapped header is required.
    ValueError("metric") without a metric column, ValueError("platform") with neither a platform nor a column
    mapped to one (its rows would have none)."""
    pid = user_profile_id(name)
    fields: dict[str, list[str]] = {}
    for i, f in columns.items():
        if f and f in FIELD_KINDS:
            fields.setdefault(f, []).append(headers[i])
    if not any(f in fields for f in (*METRICS, *AUX_TABLES.get(kind, ()))):
        raise ValueError("metric")
    if platform is None and "platform" not in fields:
        raise ValueError("platform")
    d = {"id": pid, "platform": platform, "label_zh": name, "label_en": name, "kind": kind,
         "columns": fields, "required": list(fields)}
    return profile_from_dict(d, user_defined=True)


def save_user_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Store (or replace) a user profile."""
    d = {"id": profile.id, "platform": profile.platform, "label_zh": profile.label_zh,
         "label_en": profile.label_en, "kind": profile.kind,
         "columns": {k: list(v) for k, v in profile.columns.items()}, "required": list(profile.required)}
    con.execute("INSERT OR REPLACE INTO user_profiles (profile_id, definition) VALUES (?, ?)",
                [profile.id, json.dumps(d, ensure_ascii=False)])


def delete_user_profile(con: duckdb.DuckDBPyConnection, profile_id: str, *, with_batches: bool = False) -> int | None:
    """Remove a saved format; None if there is none of that id, else how many batches went with it.

    The files loaded with it stay loaded unless `with_batches`: then each of its batches is deleted first
    (smm.ingest.delete_batch, newest first), and the format last, so a failure part way leaves it to retry.
    """
    if not con.execute("SELECT count(*) FROM user_profiles WHERE profile_id = ?", [profile_id]).fetchall()[0][0]:
        return None
    deleted = 0
    if with_batches:
        from smm.ingest import delete_batch

        for (batch,) in con.execute("SELECT batch_id FROM load_batches WHERE profile = ? AND status = 'loaded' "
                                    "ORDER BY batch_id DESC", [profile_id]).fetchall():
            deleted += delete_batch(con, batch)
    con.execute("DELETE FROM user_profiles WHERE profile_id = ?", [profile_id])
    return deleted


def saved_formats(con: duckdb.DuckDBPyConnection) -> list[tuple[Profile, object, int]]:
    """Every saved format with when it was saved and how many loaded files (batches not deleted) it read."""
    rows = con.execute(
        "SELECT u.definition, u.created_at, count(b.batch_id) FROM user_profiles u LEFT JOIN load_batches b "
        "ON b.profile = u.profile_id AND b.status = 'loaded' GROUP BY u.profile_id, u.definition, u.created_at "
        "ORDER BY u.created_at, u.profile_id"
    ).fetchall()
    return [(profile_from_dict(json.loads(d), user_defined=True), at, n) for d, at, n in rows]


def saved_formats_table(saved: list[tuple[Profile, object, int]], lang: str,
                        when: Callable[[object], str] = local_time) -> pd.DataFrame:
    """The saved formats (`saved_formats()`) for the Data page, in the user's language: name, platform, kind, each
    mapped column (`header → field`, in the file's order of mapping), files loaded with it, when saved (`when`: a
    time as the viewer reads it: ui.when; by default as stored), and its id."""
    import pandas as pd

    from smm.i18n import field_label, platform_label, t

    rows = [{t("formats.name", lang): p.label(lang),
             t("formats.platform", lang): platform_label(p.platform, lang) if p.platform else "—",
             t("formats.kind", lang): t(f"kind.{p.kind}", lang),
             t("formats.columns", lang): " · ".join(f"{h} → {field_label(f, lang)}"
                                                   for f, headers in p.columns.items() for h in headers),
             t("formats.files", lang): n,
             t("formats.saved_at", lang): when(at),
             t("formats.id", lang): p.id}
            for p, at, n in saved]
    return pd.DataFrame(rows, columns=[t(f"formats.{k}", lang) for k in (
        "name", "platform", "kind", "columns", "files", "saved_at", "id")])


def formats_table(lang: str) -> pd.DataFrame:
    """The supported formats (built-in profiles) for the Data page, in the user's language: platform, format,
    kind of file, the fields a file must hold, and the format's id (what `smm ingest --profile` takes)."""
    import pandas as pd

    from smm.i18n import field_label, listing, platform_label, t
    from smm.profiles import builtin_profiles

    rows = [{t("formats.platform", lang): platform_label(p.platform, lang) if p.platform else "—",
             t("formats.format", lang): p.label(lang),
             t("formats.kind", lang): t(f"kind.{p.kind}", lang),
             t("formats.required", lang): listing((field_label(f, lang) for f in p.required), lang),
             t("formats.id", lang): p.id}
            for p in sorted(builtin_profiles(), key=lambda p: (p.platform is None, p.platform or "", p.id))]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- suggestions for the mapping step

# Words that name a platform in a file name or a header (`B站花费`, `meta_weekly.csv`). Latin ones match as words.
PLATFORM_WORDS: dict[str, tuple[str, ...]] = {
    "douyin": ("抖音", "巨量", "千川", "星图", "douyin", "oceanengine", "ocean engine", "qianchuan"),
    "xiaohongshu": ("小红书", "蒲公英", "聚光", "xiaohongshu", "xhs", "rednote"),
    "weibo": ("微博", "weibo"),
    "wechat": ("微信", "公众号", "视频号", "wechat", "weixin"),
    "kuaishou": ("快手", "磁力", "kuaishou"),
    "bilibili": ("哔哩哔哩", "b站", "bilibili", "bili"),
    "meta": ("meta", "facebook", "instagram", "fb", "ig"),
    "tiktok": ("tiktok",),
    "youtube": ("youtube", "yt"),
    "google_ads": ("google ads", "google", "adwords"),
    "linkedin": ("linkedin",),
    "x": ("twitter", "tweet", "x"),
}
# A header naming a ratio or a unit cost (CTR, 点击率, 转化成本, CPM …) is never a field: ratios are recomputed from
# sums, so such a column is left out rather than mapped to the count its name contains.
_RATIO = re.compile(r"率|成本|单价|均价|平均|占比|千次|roi|roas|(?<![a-z])(?:ctr|cpm|cpc|cpa|cvr|cpv|cpe|avg|rate|per)(?![a-z])|%")
# Words of a column's own name, beyond the built-in formats' headers and the fields' names.
_STEMS: dict[str, str] = {
    "花费": "spend", "消耗": "spend", "费用": "spend", "cost": "spend", "spend": "spend", "spent": "spend",
    "曝光": "impressions", "展示": "impressions", "展现": "impressions", "impressions": "impressions",
    "impr": "impressions", "触达": "reach", "覆盖": "reach", "reach": "reach",
    "播放": "views", "观看": "views", "阅读": "views", "views": "views", "plays": "views",
    "点击": "clicks", "clicks": "clicks", "点赞": "likes", "likes": "likes", "评论": "comments",
    "comments": "comments", "分享": "shares", "转发": "shares", "shares": "shares", "收藏": "saves",
    "saves": "saves", "涨粉": "follows", "关注": "follows", "粉丝增量": "follows", "follows": "follows",
    "转化": "conversions", "conversions": "conversions", "订单": "orders", "orders": "orders",
    "成交金额": "revenue", "销售额": "revenue", "gmv": "revenue", "revenue": "revenue",
    "日期": "date", "date": "date", "day": "date", "发布时间": "published_at", "发表时间": "published_at",
    "published": "published_at", "posted": "published_at", "浏览": "views", "新增粉丝": "follows",
    "净增粉丝": "follows", "支付金额": "revenue", "标题": "content_title", "描述": "content_title",
    "文案": "content_title", "title": "content_title", "计划": "campaign", "campaign": "campaign",
    "账户": "account", "account": "account", "达人": "kol", "币种": "currency", "currency": "currency",
}
_DATE_VALUE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|"
                         r"\d{1,2}/\d{1,2}/\d{4}")
_SUMMARY_VALUE = re.compile(r"合计|总计|小计|汇总|total", re.IGNORECASE)


def _norm(text: str) -> str:
    """A header as compared: half-width, lower case, without what is in brackets (units, currency), with every run
    of separators one space (`花费（元）` → `花费`, `Amount spent (USD)` → `amount spent`)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】", " ", text)
    return re.sub(r"[\s_\-:：/·.,，、|]+", " ", text).strip()


@cache
def _word(token: str) -> re.Pattern:
    """`token` as a word: a Latin one not inside another word (`ig` is not in `digital`), a Chinese one anywhere."""
    return re.compile(f"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])" if token.isascii() else re.escape(token))


@cache
def _aliases() -> dict[str, str]:
    """Every header the built-in formats read (normalised) → the field most of them read it as, with each field's
    own name in both languages and the stems above; a ratio's header (a format's cross-check) → ''."""
    from smm.i18n import field_label
    from smm.profiles import builtin_profiles

    votes: dict[str, Counter] = {}
    for p in builtin_profiles():
        if p.kind not in ("daily", "snapshot"):
            continue
        for f, headers in p.columns.items():
            if f in MAPPABLE_FIELDS:
                for h in headers:
                    votes.setdefault(_norm(h), Counter())[f] += 1
        for headers in p.checks.values():
            for h in headers:
                votes.setdefault(_norm(h), Counter())[""] += 1
    out = {h: c.most_common(1)[0][0] for h, c in votes.items()}
    for f in MAPPABLE_FIELDS:
        for lang in ("zh", "en"):
            out.setdefault(_norm(field_label(f, lang)), f)
    for stem, f in _STEMS.items():
        out.setdefault(stem, f)
    return out


def _platforms_named(text: str, shortest: int = 1) -> Counter:
    text = _norm(text)
    return Counter({p: sum(1 for w in words if (len(w) >= shortest or not w.isascii()) and _word(w).search(text))
                    for p, words in PLATFORM_WORDS.items()})


def _without_platform(header: str) -> str:
    for words in PLATFORM_WORDS.values():
        for w in words:
            if len(w) > 1:
                header = _word(w).sub(" ", header)
    return re.sub(r"\s+", " ", header).strip()


def suggest_field(header: str) -> str | None:
    """The field a column's header most likely names, or None (a ratio, or nothing known)."""
    aliases = _aliases()
    n = _norm(header)
    h = _without_platform(n)
    for known in (n, h):
        if known in aliases:
            return aliases[known] or None
    if not h or _RATIO.search(h):
        return None
    # The longest known name the header holds (`B站曝光` holds 曝光, `total video views` holds views).
    found = [(len(a), f) for a, f in aliases.items() if f and len(a) >= 2 and _word(a).search(h)]
    return max(found)[1] if found else None


@dataclass
class Suggestion:
    """What the mapping step starts from for an unknown file: a platform (None: not named), a kind, and a field for
    the columns whose header (or, for a date, whose values) says what they hold; the user checks each."""
    platform: str | None
    kind: str
    columns: dict[int, str] = field(default_factory=dict)


def suggest(headers: list[str], preview: list[tuple] | None = None, filename: str = "") -> Suggestion:
    """Suggest a mapping for an unknown file: each field for one column at most (the first that names it); a
    column whose preview values are all dates is the date when no header names one. The platform is the one
    the file name, else the headers, name (None when none does, or two do equally; in a header, a word of two
    letters or one, such as `x` or `ig`, names none)."""
    columns: dict[int, str] = {}
    for i, h in enumerate(headers):
        f = suggest_field(h)
        if f and f not in columns.values():
            columns[i] = f
    if "date" not in columns.values():
        for i in range(len(headers)):
            vals = [str(r[i]).strip() for r in preview or () if i < len(r) and r[i] not in (None, "")]
            vals = [v for v in vals if not _SUMMARY_VALUE.search(v)]
            if i not in columns and vals and all(_DATE_VALUE.fullmatch(v) for v in vals):
                columns[i] = "date"
                break
    named = _platforms_named(filename.rsplit(".", 1)[0])
    if not +named:
        named = _platforms_named(" | ".join(headers), shortest=3)   # (`Metric X` names no platform)
    top = named.most_common(2)
    platform = top[0][0] if top and top[0][1] and (len(top) < 2 or top[1][1] < top[0][1]) else None
    kind = "snapshot" if "published_at" in columns.values() and "date" not in columns.values() else "daily"
    return Suggestion(platform, kind, columns)
