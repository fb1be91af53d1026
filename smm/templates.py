"""Downloadable templates: the generic canonical fact file and the auxiliary tables."""

from __future__ import annotations

import pandas as pd

from smm.export import to_csv_bytes, to_xlsx_bytes
from smm.schema import METRICS

TEMPLATES: dict[str, list[str]] = {
    "generic_facts": ["platform", "date", "account", "campaign", "ad_group", "ad", "content_id", "content_title",
                      "content_type", "published_at", "kol", "currency", *METRICS],
    "kol_roster": ["kol", "platform", "followers", "fee", "posts", "category", "currency", "as_of"],
    "budget_plan": ["period_start", "period_end", "platform", "category", "planned", "currency"],
    "other_costs": ["date", "platform", "category", "amount", "note", "currency", "kol"],
}

EXAMPLES: dict[str, list[list]] = {
    "generic_facts": [["weibo", "2026-03-02", "brand", "spring launch", "", "", "", "", "", "", "", "CNY", 1200,
                       50000, "", "", 800, "", "", "", "", "", 12, 12, 2400]],
    "kol_roster": [["小鹿", "xiaohongshu", 120000, 20000, 2, "beauty", "CNY", "2026-03-01"]],
    "budget_plan": [["2026-03-01", "2026-03-31", "douyin", "paid_ads", 300000, "CNY"]],
    "other_costs": [["2026-03-05", "xiaohongshu", "kol", 10000, "note #1", "CNY", "小鹿"]],
}


def template_frame(name: str) -> pd.DataFrame:
    return pd.DataFrame(EXAMPLES[name], columns=TEMPLATES[name])


def template_csv(name: str) -> bytes:
    return to_csv_bytes(template_frame(name))


def template_xlsx(name: str) -> bytes:
    return to_xlsx_bytes(template_frame(name), sheet=name)
