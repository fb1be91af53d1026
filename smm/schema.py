"""Canonical schema: the only identifiers SQL may be built from."""

from __future__ import annotations

PLATFORMS: tuple[str, ...] = (
    "douyin", "xiaohongshu", "weibo", "wechat", "kuaishou", "bilibili",
    "meta", "tiktok", "youtube", "google_ads", "linkedin", "x",
)

CONTENT_TYPES: tuple[str, ...] = ("video", "image_text", "live", "other")

BUDGET_CATEGORIES: tuple[str, ...] = ("paid_ads", "kol", "content", "staff", "other")

# Text dimensions of the fact table (grain keys first).
GRAIN_DIMS: tuple[str, ...] = ("account", "campaign", "ad_group", "ad", "content_id", "kol")
TEXT_DIMS: tuple[str, ...] = GRAIN_DIMS + ("content_title", "content_type", "content_url", "theme", "currency")
DATE_DIMS: tuple[str, ...] = ("date", "period_start", "period_end")
TS_DIMS: tuple[str, ...] = ("published_at",)

# The loaded batches of reports summed over a period (a daily format's file with no date column: smm.ingest dates
# its rows the period's last day and notes where that day came from, `ingest.note_undated.<source>`).
SUMMARY_BATCHES = ("SELECT batch_id FROM load_batches WHERE status = 'loaded' "
                   "AND notes LIKE '%ingest.note_undated.%'")

# Additive metrics; all nullable; never negative except follows.
METRICS: tuple[str, ...] = (
    "spend", "impressions", "reach", "views", "clicks", "likes", "comments", "shares",
    "saves", "follows", "conversions", "orders", "revenue",
)
MONEY_METRICS: tuple[str, ...] = ("spend", "revenue")
MAY_BE_NEGATIVE: frozenset[str] = frozenset({"follows"})

# The bases of the metric definitions teams disagree on (settings, see smm.metrics). Kept here, with no
# pandas behind them, so that `smm ingest` (whose parser lists them) starts without importing pandas.
ER_BASES: tuple[str, ...] = ("impressions", "reach", "views", "followers")
CVR_BASES: tuple[str, ...] = ("clicks", "impressions")
ROI_BASES: tuple[str, ...] = ("full", "paid")

# Imported ratio columns: kept only to cross-check (never summed, never shown as our numbers).
CHECK_FIELDS: tuple[str, ...] = ("ctr", "cpc", "cpm", "cpa", "roas", "cvr", "er")

# Every field a profile may map a header to, with its value kind.
FIELD_KINDS: dict[str, str] = {
    **{d: "text" for d in TEXT_DIMS},
    "date": "date",
    "period_start": "date",
    "period_end": "date",
    "published_at": "timestamp",
    **{m: "number" for m in METRICS},
    "watch_hours": "number",
    "duration": "duration",
    "platform": "text",
    # auxiliary tables (KOL roster, budget plan, other costs)
    "followers": "number",
    "fee": "number",
    "posts": "number",
    "planned": "number",
    "amount": "number",
    "category": "text",
    "note": "text",
    "as_of": "date",
}

# Tables whose rows belong to a load batch (a `batch_id` column), i.e. everything a file can write. `fact` is a
# view of the two tables that hold fact rows (FACT_TABLES): read it; write them.
BATCH_TABLES = ("fact", "snapshots", "kol_roster", "budget_plan", "other_costs")
FACT_TABLES = ("fact_wide", "fact_narrow")

# The columns of fact_narrow (migration 008), in order: what a paid-ads performance report fills. A file whose rows fill
# no other column of fact is written there, without the empty columns (see the migration).
FACT_NARROW_COLUMNS = (
    "batch_id", "row_key", "superseded_by", "src_row", "platform", "profile", "account", "campaign", "ad_group",
    "ad", "date", "period_start", "period_end", "currency", "spend", "impressions", "reach", "clicks",
    "conversions", "orders", "revenue", "flags",
)

# Tables that take user uploads besides platform exports.
AUX_TABLES: dict[str, tuple[str, ...]] = {
    "kol_roster": ("kol", "platform", "followers", "fee", "posts", "category", "currency", "as_of"),
    "budget_plan": ("period_start", "period_end", "platform", "category", "planned", "currency"),
    "other_costs": ("date", "platform", "category", "amount", "note", "currency", "kol"),
}


# Bookkeeping columns of the stored tables and derived per-row measures.
INTERNAL_COLUMNS: frozenset[str] = frozenset({
    "batch_id", "row_key", "post_key", "superseded_by", "src_row", "profile", "flags", "from_snapshot",
    "first_snapshot", "exposure", "interactions", "week", "spend_rc", "revenue_rc", "amount_rc", "planned_rc",
    "fee_rc", "fx_missing",
})


def quote_ident(name: str) -> str:
    """Quote an identifier that is known to come from this module's allow-lists."""
    allowed = set(FIELD_KINDS) | set(CHECK_FIELDS) | INTERNAL_COLUMNS | {c for cols in AUX_TABLES.values() for c in cols}
    if name not in allowed and not (name.startswith("c") and name[1:].isdigit()):
        raise ValueError(f"identifier not in the canonical schema: {name!r}")
    return '"' + name.replace('"', '""') + '"'


# How users write platform names in uploaded files (lower-cased keys).
PLATFORM_ALIASES: dict[str, str] = {
    **{p: p for p in PLATFORMS},
    "抖音": "douyin", "巨量引擎": "douyin", "千川": "douyin", "巨量千川": "douyin", "星图": "douyin",
    "小红书": "xiaohongshu", "xhs": "xiaohongshu", "red": "xiaohongshu", "rednote": "xiaohongshu",
    "蒲公英": "xiaohongshu", "聚光": "xiaohongshu",
    "微博": "weibo", "sina weibo": "weibo",
    "微信": "wechat", "公众号": "wechat", "视频号": "wechat", "weixin": "wechat",
    "快手": "kuaishou", "磁力引擎": "kuaishou",
    "哔哩哔哩": "bilibili", "b站": "bilibili",
    "facebook": "meta", "instagram": "meta", "ig": "meta", "fb": "meta",
    "tik tok": "tiktok", "google": "google_ads", "google ads": "google_ads", "adwords": "google_ads",
    "youtube studio": "youtube", "twitter": "x", "x (twitter)": "x", "linked in": "linkedin",
}

CONTENT_TYPE_ALIASES: dict[str, str] = {
    **{c: c for c in CONTENT_TYPES},
    "视频": "video", "短视频": "video", "video": "video", "reel": "video", "reels": "video", "short": "video",
    "shorts": "video", "图文": "image_text", "笔记": "image_text", "image": "image_text", "photo": "image_text",
    "carousel": "image_text", "album": "image_text", "post": "image_text", "link": "other", "status": "other",
    "图片": "image_text", "文章": "image_text", "article": "image_text", "image_text": "image_text",
    "直播": "live", "live": "live", "其他": "other",
}

BUDGET_CATEGORY_ALIASES: dict[str, str] = {
    **{c: c for c in BUDGET_CATEGORIES},
    "投放": "paid_ads", "广告": "paid_ads", "平台推广": "paid_ads", "平台推广费用": "paid_ads", "paid": "paid_ads",
    "ads": "paid_ads", "达人": "kol", "kol合作": "kol", "网红": "kol", "kol fee": "kol", "kol fees": "kol",
    "内容": "content", "内容制作": "content", "内容制作费用": "content", "production": "content",
    "人员": "staff", "人员成本": "staff", "人力": "staff", "其他": "other", "其它": "other",
}
