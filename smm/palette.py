"""One colour per platform, the same on every page and chart."""

from __future__ import annotations

from smm.schema import PLATFORMS

# Chosen for contrast on a projector; close to each platform's own brand colour where that stays distinct.
PLATFORM_COLORS: dict[str, str] = {
    "douyin": "#111111", "xiaohongshu": "#FF2442", "weibo": "#F5A623", "wechat": "#07C160",
    "kuaishou": "#FF6A00", "bilibili": "#00A1D6", "meta": "#1877F2", "tiktok": "#25F4EE",
    "youtube": "#B31217", "google_ads": "#34A853", "linkedin": "#0A66C2", "x": "#6E7681",
}
assert set(PLATFORM_COLORS) == set(PLATFORMS)

GOOD = "#1a7f37"
BAD = "#cf222e"
NEUTRAL = "#57606a"


def domain_range(platforms: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Altair scale domain and range for the platforms shown (all when None)."""
    ps = [p for p in PLATFORMS if platforms is None or p in platforms]
    return ps, [PLATFORM_COLORS[p] for p in ps]
