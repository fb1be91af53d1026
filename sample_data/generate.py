#!/usr/bin/env python
"""Write the CLARITY LAB sample exports: 12 weeks of every platform format, seeded and deterministic.

Usage: python sample_data/generate.py [--out DIR] [--quiet]

Every file is written in its platform's real export format, quirks included, and its name starts with
the id of the profile (smm/profiles/<id>.toml) that should recognise it. See sample_data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl

SEED = 20261123
START = dt.date(2026, 8, 31)                       # Monday
N_WEEKS = 12
N_DAYS = 7 * N_WEEKS
DAYS = [START + dt.timedelta(days=i) for i in range(N_DAYS)]
END = DAYS[-1]                                     # Sunday 2026-11-22
WEEK_ENDS = [START + dt.timedelta(days=7 * w + 6) for w in range(N_WEEKS)]
PERIODS = [(dt.date(2026, 8, 31), dt.date(2026, 9, 27)),
           (dt.date(2026, 9, 28), dt.date(2026, 10, 25)),
           (dt.date(2026, 10, 26), dt.date(2026, 11, 29))]
MONTHS = [(START, dt.date(2026, 9, 30)), (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
          (dt.date(2026, 11, 1), END)]
META_FILES = [(0, 34), (28, 62), (56, 83)]         # day-index ranges; consecutive files overlap one week
ROSTER_DATES = (dt.date(2026, 8, 31), dt.date(2026, 10, 19))
USD_CNY = 7.1                                      # only for the printed summary
FIXED_TIME = dt.datetime(2026, 11, 23, 9, 0, 0)    # XLSX document properties and zip entry times
WEEKDAY = np.array([0.95, 0.95, 1.0, 1.0, 1.05, 1.05, 1.0])
BRAND = "澄研CLARITY LAB"
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]

OUT_DEFAULT = Path(__file__).resolve().parent / "files"


# ---------------------------------------------------------------------------------------------------
# Formatting and file writing


def thousands(x: float, dec: int = 0) -> str:
    return f"{x:,.{dec}f}"


def wan(x: float) -> str:
    """Qianchuan style: 万 for big numbers, thousands separators otherwise."""
    return f"{x / 1e4:.2f}万" if x >= 1e5 else thousands(x)


def pct(x: float, dec: int = 2) -> str:
    return f"{100 * x:.{dec}f}%"


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def write_csv(path: Path, header: list[str], rows: list[list], *, encoding: str = "utf-8",
              delimiter: str = ",", preamble: tuple[str, ...] = ()) -> None:
    buf = io.StringIO()
    for line in preamble:
        buf.write(line + "\r\n")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(["" if v is None else v for v in r] for r in rows)
    text = buf.getvalue()
    if encoding == "utf-16":              # Google Ads "Excel .csv": UTF-16LE with BOM
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)


def write_xlsx(path: Path, rows: list[list], *, merges: tuple[str, ...] = (), sheet: str = "Sheet1",
               number_formats: dict[int, str] | None = None) -> None:
    """Write an XLSX whose bytes depend only on its content (fixed properties and zip times)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for rng in merges:
        ws.merge_cells(rng)
    if number_formats:
        for col, fmt in number_formats.items():
            for (cell,) in ws.iter_rows(min_col=col, max_col=col):
                if isinstance(cell.value, dt.date):
                    cell.number_format = fmt
    wb.properties.creator = "smm sample_data"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":     # openpyxl stamps `modified` with the save time
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            dst.writestr(zi, body)
    path.write_bytes(out.getvalue())


# ---------------------------------------------------------------------------------------------------
# Paid ads: weekly spend schedules turned into daily rows per ad unit


@dataclass
class Unit:
    campaign: str
    ad_group: str = ""
    ad: str = ""
    share: float = 1.0
    cpm: float = 1.0
    ctr: float = 1.0
    cvr: float = 1.0
    aov: float = 1.0


@dataclass
class AdRow:
    day: int
    unit: Unit
    spend: float
    impressions: int
    clicks: int
    conversions: int
    revenue: float
    extra: dict = field(default_factory=dict)

    @property
    def date(self) -> dt.date:
        return DAYS[self.day]


def ad_rows(rng: np.random.Generator, weekly_spend: list[float], units: list[Unit], *, cpm: float,
            ctr: float, aov: float, cvr: float | None = None, cpa: list[float] | None = None,
            roas: list[float] | None = None) -> list[AdRow]:
    """Daily rows per unit whose weekly totals follow the schedule; conversions by CVR, CPA or ROAS."""
    out: list[AdRow] = []
    shares = np.array([u.share for u in units])
    for w in range(N_WEEKS):
        dw = WEEKDAY * rng.lognormal(0, 0.08, 7)
        cell = dw[:, None] * shares[None, :] * rng.lognormal(0, 0.12, (7, len(units)))
        spend = np.round(cell / cell.sum() * weekly_spend[w], 2)
        cpm_u = cpm * np.array([u.cpm for u in units]) * rng.lognormal(0, 0.07, (7, len(units)))
        imps = np.round(spend / cpm_u * 1000)
        ctr_u = ctr * np.array([u.ctr for u in units]) * rng.lognormal(0, 0.1, (7, len(units)))
        clicks = np.round(imps * ctr_u)
        weight = clicks * np.array([u.cvr for u in units])
        if cpa is not None:
            total = round(weekly_spend[w] / cpa[w])
        elif roas is not None:
            total = round(weekly_spend[w] * roas[w] / aov)
        else:
            total = round(float(weight.sum()) * cvr * float(rng.lognormal(0, 0.05)))
        conv = rng.multinomial(total, (weight / weight.sum()).ravel()).reshape(weight.shape)
        conv = np.minimum(conv, clicks)
        aov_u = aov * np.array([u.aov for u in units])
        rev = np.round(conv * aov_u * rng.lognormal(0, 0.06, conv.shape), 2)
        for d in range(7):
            for j, u in enumerate(units):
                out.append(AdRow(7 * w + d, u, float(spend[d, j]), int(imps[d, j]), int(clicks[d, j]),
                                 int(conv[d, j]), float(rev[d, j])))
    return out


def in_range(rows: list[AdRow], lo: dt.date, hi: dt.date) -> list[AdRow]:
    return [r for r in rows if lo <= r.date <= hi]


def week_sum(rows: list[AdRow], w: int, attr: str) -> float:
    return sum(getattr(r, attr) for r in rows if r.day // 7 == w)


# ---------------------------------------------------------------------------------------------------
# Organic and KOL posts: lifetime totals that grow towards their final value


@dataclass
class Post:
    platform: str
    title: str
    ctype: str                  # export text: 视频 / 图文 / IG reel …
    published: dt.datetime
    totals: dict[str, float]
    tau: float                  # days to reach ~63 % of the lifetime total
    kol: str | None = None
    pid: str = ""
    extra: dict = field(default_factory=dict)
    fixed: tuple[str, ...] = ()             # numbers known in full at publishing (WeChat 送达人数)

    def at(self, asof: dt.date) -> dict[str, int] | None:
        """Cumulative numbers at the end of `asof` (never decreasing), or None when not yet published."""
        end = dt.datetime.combine(asof, dt.time(23, 59, 59))
        if self.published > end:
            return None
        age = (end - self.published).total_seconds() / 86400
        f = 1 - math.exp(-age / self.tau)
        out: dict[str, int] = {}
        for k, v in self.totals.items():
            if k in self.fixed:
                out[k] = int(round(v))
            else:
                out[k] = int(math.floor(v * f))
        return out


def schedule(rng: np.random.Generator, lo: int, hi: int, hours: list[int]) -> list[dt.datetime]:
    """Publish times: lo..hi posts in every week."""
    out = []
    for w in range(N_WEEKS):
        n = int(rng.integers(lo, hi + 1))
        for d in sorted(rng.choice(7, n, replace=False).tolist()):
            h = int(rng.choice(hours))
            m = int(rng.integers(0, 60))
            out.append(dt.datetime.combine(DAYS[7 * w + d], dt.time(h, m)))
    return out


def unique_title(rng: np.random.Generator, make, seen: set[str]) -> str:
    for _ in range(200):
        t = make()
        if t not in seen:
            seen.add(t)
            return t
    raise RuntimeError("could not draw a unique title")


PRODUCTS = [("精华", "水光精华"), ("防晒", "轻透防晒"), ("面霜", "修护面霜")]
INGREDIENTS = ["烟酰胺", "玻色因", "神经酰胺", "积雪草", "依克多因", "377", "角鲨烷", "泛醇"]
ANGLES = ["28天实测", "空瓶记", "真实反馈", "成分拆解", "不踩雷", "换季急救", "通勤必备", "熬夜修护",
          "平价替代", "敏感肌友好", "黄黑皮亲测", "油痘肌能用吗", "一周打卡", "新手必看"]
SKIN = ["干皮", "油皮", "混油皮", "敏感肌", "痘肌", "熬夜党", "学生党", "上班族"]


def zh_title(rng: np.random.Generator, style: str) -> str:
    p = PRODUCTS[int(rng.integers(3))]
    ing = str(rng.choice(INGREDIENTS))
    ang = str(rng.choice(ANGLES))
    skin = str(rng.choice(SKIN))
    n = int(rng.integers(3, 31))
    templates = {
        "xhs": [f"{skin}秋冬护肤｜{p[1]}{ang}", f"{p[1]}{ang}｜{skin}姐妹看过来", f"成分党拆解：{p[1]}里的{ing}",
                f"{n}天用完一瓶{p[0]}，{skin}的{ang}", f"{skin}的{p[0]}清单｜{ang}"],
        "douyin": [f"{skin}一定要看！{p[1]}{ang} #护肤 #澄研", f"{p[1]}到底值不值？{ang}",
                   f"{ing}+{p[0]}，{skin}{ang} #好物分享", f"第{n}天｜{p[1]}{ang}"],
        "weibo": [f"【{ang}】{skin}的{p[1]}使用心得，转发抽{n}位送正装 #澄研CLARITY LAB#",
                  f"#秋冬修护# {p[1]}里的{ing}，你用对了吗？", f"{skin}换季怎么护肤？{p[1]}{ang}"],
        "wechat": [f"{skin}秋冬换季，皮肤屏障该怎么修护？", f"一文读懂{ing}：{p[1]}为什么有效",
                   f"{p[1]}{ang}｜{n}位用户的真实反馈", f"{skin}护肤误区，你中了几条？"],
    }[style]
    return str(templates[int(rng.integers(len(templates)))])


EN_CAPTIONS = ["Glass skin in {n} days with our Hydra Serum", "SPF you actually want to wear daily",
               "Night routine for dry winter skin", "Barrier repair cream: before/after {n} days",
               "Ingredient spotlight: ceramides", "Sensitive skin? Start here", "Commute-proof sunscreen test",
               "What's in the bottle: niacinamide explained", "Serum + cream layering, step by step"]


# ---------------------------------------------------------------------------------------------------
# KOLs


@dataclass
class Kol:
    name: str
    platform: str
    tier: str                   # koc / mid / top  (素人/KOC <5万, 腰部 5–50万, 头部 >50万)
    followers: int              # as of 2026-08-31 (or 10-19 for KOLs who joined later)
    fee: float                  # contracted fee for all posts
    posts: int
    category: str
    currency: str
    joined_late: bool = False
    growth: float = 1.0         # followers(10-19) / followers(08-31)
    fee2: float | None = None   # fee as of 10-19 when it changed
    suspicious: bool = False
    post_dates: list[dt.datetime] = field(default_factory=list)


KOL_SPECS = [
    # name, platform, tier, category, joined_late
    ("成分党小鹿", "xiaohongshu", "top", "护肤", False), ("护肤研究所Lynn", "xiaohongshu", "top", "护肤", False),
    ("桃子酱Peachy", "xiaohongshu", "mid", "美妆", False), ("敏感肌阿May", "xiaohongshu", "mid", "护肤", False),
    ("是七七呀", "xiaohongshu", "mid", "美妆", False), ("油皮救星大橙子", "xiaohongshu", "mid", "护肤", False),
    ("素颜星人Coco", "xiaohongshu", "mid", "护肤", False), ("熬夜少女日记", "xiaohongshu", "mid", "生活方式", False),
    ("奶盖不加糖", "xiaohongshu", "koc", "生活方式", False), ("小麦色的夏天", "xiaohongshu", "koc", "美妆", False),
    ("晚安面膜君", "xiaohongshu", "koc", "护肤", False), ("一颗糖豆豆", "xiaohongshu", "koc", "美妆", False),
    ("鹿鹿爱护肤", "xiaohongshu", "koc", "护肤", False), ("Yuki的护肤笔记", "xiaohongshu", "koc", "护肤", True),
    ("成分实验室Leo", "douyin", "top", "护肤", False), ("大宇说护肤", "douyin", "top", "护肤", False),
    ("美妆情报局", "douyin", "mid", "美妆", False), ("肌肤管理师Anna", "douyin", "mid", "护肤", False),
    ("阿梨的日常", "douyin", "mid", "生活方式", False), ("懒人护肤指南", "douyin", "mid", "护肤", False),
    ("早C晚A研究社", "douyin", "mid", "护肤", True), ("夏夏爱测评", "douyin", "mid", "美妆", True),
    ("小胖的好物分享", "douyin", "koc", "生活方式", False), ("南方姑娘Vivi", "douyin", "koc", "美妆", False),
    ("通勤女孩Jenny", "douyin", "koc", "生活方式", False), ("宝藏好物阿哲", "douyin", "koc", "生活方式", False),
    ("时尚美妆情报站", "weibo", "top", "美妆", False), ("护肤那些事儿", "weibo", "mid", "护肤", False),
    ("美丽研究所", "weibo", "mid", "美妆", False), ("穿搭与护肤", "weibo", "mid", "生活方式", False),
    ("好物种草机", "weibo", "mid", "生活方式", False),
    ("@glowwithmina", "meta", "top", "beauty", False), ("@skinbyjules", "meta", "mid", "skincare", False),
    ("@dewydaily", "meta", "mid", "skincare", False), ("@thebarefaceclub", "meta", "koc", "skincare", False),
    ("@serumsandsunsets", "meta", "koc", "lifestyle", False),
    ("@skincarewithkai", "tiktok", "top", "skincare", False), ("@glassskinjess", "tiktok", "mid", "beauty", False),
    ("@nightroutinenat", "tiktok", "mid", "skincare", False), ("@spfsquad", "tiktok", "koc", "skincare", True),
]
FOLLOWERS = {"koc": (8_000, 45_000), "mid": (60_000, 400_000), "top": (600_000, 2_500_000)}
FEE_PER_POST = {  # (low, high, rounding) in the KOL's currency
    ("xiaohongshu", "koc"): (3_000, 8_000, 500), ("xiaohongshu", "mid"): (12_000, 35_000, 500),
    ("xiaohongshu", "top"): (90_000, 150_000, 1000),
    ("douyin", "koc"): (5_000, 12_000, 500), ("douyin", "mid"): (20_000, 50_000, 1000),
    ("douyin", "top"): (150_000, 220_000, 5000),
    ("weibo", "mid"): (15_000, 35_000, 500), ("weibo", "top"): (80_000, 120_000, 5000),
    ("meta", "koc"): (600, 1_200, 50), ("meta", "mid"): (1_200, 2_500, 50), ("meta", "top"): (9_000, 12_000, 500),
    ("tiktok", "koc"): (500, 1_000, 50), ("tiktok", "mid"): (1_000, 2_000, 50), ("tiktok", "top"): (7_000, 9_000, 500),
}
POSTS = {"koc": (1, 3), "mid": (2, 3), "top": (1, 2)}
KOL_WEEK_WEIGHT = {
    "douyin": [1, 1, 1, 1, 1, 1, 1.2, 1.5, 2.5, 2.5, 2, 1],
    "default": [1, 1, 1, 1, 1, 1, 1, 1.2, 1.3, 1.3, 1, 1],
}


def make_kols(rng: np.random.Generator) -> list[Kol]:
    kols = []
    for name, platform, tier, category, late in KOL_SPECS:
        lo, hi = FOLLOWERS[tier]
        followers = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi))), -2))
        plo, phi, step = FEE_PER_POST[(platform, tier)]
        per_post = round(rng.uniform(plo, phi) / step) * step
        posts = int(rng.integers(POSTS[tier][0], POSTS[tier][1] + 1))
        if platform in ("douyin", "weibo") and tier == "top":
            posts = 1
        cur = "USD" if platform in ("meta", "tiktok") else "CNY"
        k = Kol(name, platform, tier, followers, per_post * posts, posts, category, cur, joined_late=late,
                growth=float(rng.uniform(1.0, 1.08)))
        if name == "桃子酱Peachy":           # planted: bought engagement and followers
            k.followers, k.posts, k.fee = 120_000, 3, 3 * 18_000
            k.growth, k.fee2, k.suspicious = 1.80, 3 * 27_000, True
        weights = np.array(KOL_WEEK_WEIGHT.get(platform, KOL_WEEK_WEIGHT["default"]), dtype=float)
        if late:
            weights[:7] = 0                   # joined the roster on 10-19: posts from 10-20 on
        weeks = sorted(rng.choice(N_WEEKS, k.posts, replace=False, p=weights / weights.sum()).tolist())
        for w in weeks:
            d = int(rng.integers(1, 7)) if (late and w == 7) else int(rng.integers(0, 7))
            h = int(rng.choice([12, 18, 19, 20, 21]))
            k.post_dates.append(dt.datetime.combine(DAYS[7 * w + d], dt.time(h, int(rng.integers(0, 60)))))
        kols.append(k)
    # every weekly KOL export has at least one row: the earliest post of a platform moves into week 1
    for platform in ("xiaohongshu", "douyin"):
        mine = [k for k in kols if k.platform == platform and not k.joined_late]
        if min(t for k in mine for t in k.post_dates).date() > WEEK_ENDS[0]:
            k = min(mine, key=lambda k: k.post_dates[0])
            k.post_dates[0] = k.post_dates[0] - dt.timedelta(days=7 * ((k.post_dates[0].date() - START).days // 7))
    return kols


# ---------------------------------------------------------------------------------------------------
# The generator


class Sample:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.rng = np.random.default_rng(SEED)
        self.files: list[str] = []
        self.summary: list[str] = []

    def path(self, name: str) -> Path:
        self.files.append(name)
        return self.out / name

    # -- paid ads --------------------------------------------------------------------------------

    def paid(self) -> None:
        rng = self.rng
        k = 1000.0
        self.ocean = ad_rows(rng, [x * k for x in (130, 135, 140, 145, 150, 150, 160, 190, 210, 240, 230, 170)], [
            Unit("精华-种草", "精华_达人口播_A", share=0.22, cvr=1.1), Unit("精华-种草", "精华_成分科普_B", share=0.18),
            Unit("防晒-拉新", "防晒_户外实测_A", share=0.16, ctr=1.1), Unit("防晒-拉新", "防晒_通勤妆前_B", share=0.14),
            Unit("面霜-转化", "面霜_熬夜修护_A", share=0.16, cvr=1.2), Unit("面霜-转化", "面霜_秋冬换季_B", share=0.14),
        ], cpm=32, ctr=0.020, cvr=0.018, aov=215)
        self.qianchuan = ad_rows(rng, [x * k for x in (150, 155, 160, 165, 170, 175, 190, 230, 260, 300, 290, 200)], [
            Unit("直播间成交-精华", share=0.45, aov=228 / 215), Unit("商品卡-防晒", share=0.25, aov=186 / 215, cvr=1.2),
            Unit("短视频带货-面霜", share=0.30, aov=262 / 215, cvr=0.9),
        ], cpm=40, ctr=0.016, cvr=0.040, aov=215)
        for r in self.qianchuan:
            if r.impressions >= 1e5:          # written as 17.63万: only 100s survive
                r.impressions = int(round(r.impressions, -2))
            r.extra = {"转化数": int(round(r.conversions * rng.uniform(1.0, 1.08))),
                       "新增关注数": int(r.impressions * rng.uniform(0.0003, 0.0006)),
                       "点赞数": int(r.impressions * rng.uniform(0.002, 0.004)),
                       "评论数": int(r.impressions * rng.uniform(0.0002, 0.0004)),
                       "分享数": int(r.impressions * rng.uniform(0.0001, 0.0003))}
        self.kuaishou = ad_rows(rng, [x * k for x in (45, 48, 50, 52, 52, 55, 55, 58, 80, 85, 95, 88)], [
            Unit("磁力金牛-精华-成交", share=0.55, cvr=1.1), Unit("磁力智投-防晒-拉新", share=0.45),
        ], cpm=28, ctr=0.025, cvr=0.020, aov=199)
        for r in self.kuaishou:
            r.extra = {"行为数": int(r.clicks * rng.uniform(1.3, 1.6)),
                       "点赞数": int(r.impressions * rng.uniform(0.0015, 0.0025)),
                       "评论数": int(r.impressions * rng.uniform(0.0001, 0.0003)),
                       "分享数": int(r.impressions * rng.uniform(0.0001, 0.0002)),
                       "新增关注数": int(r.impressions * rng.uniform(0.0002, 0.0004))}
        self.weibo_paid = ad_rows(rng, [x * k for x in (22, 23, 24, 24, 25, 25, 26, 28, 30, 30, 28, 25)], [
            Unit("粉丝通-#秋冬修护#话题", share=0.6), Unit("粉丝通-精华新品", share=0.4, cvr=1.3),
        ], cpm=18, ctr=0.009, cvr=0.012, aov=210)
        # planted: last week XHS spend flat (+1 %) while CPA rises ~35 % after 双11
        self.xhs_paid = ad_rows(rng, [x * k for x in (60, 62, 65, 68, 70, 72, 78, 90, 100, 110, 105, 106)], [
            Unit("JG_信息流_精华", "种草人群_女25-35", share=0.4), Unit("JG_搜索_防晒", "品类词_防晒", share=0.3, ctr=1.8),
            Unit("JG_信息流_面霜", "换季修护人群", share=0.3),
        ], cpm=60, ctr=0.04, aov=230, cpa=[112, 108, 110, 104, 106, 100, 102, 96, 92, 95, 94, 127])
        # planted: meta ROAS improves in the last week
        self.meta = ad_rows(rng, [x * k for x in (6.0, 6.2, 6.5, 6.8, 7.0, 7.2, 7.5, 8.0, 8.5, 9.0, 9.0, 9.2)], [
            Unit("CL_US_Prospecting_Advantage+", "Broad_US_F25-44", "Serum_UGC_Reel_v1", share=0.35),
            Unit("CL_US_Prospecting_Advantage+", "Broad_US_F25-44", "Serum_Static_Carousel", share=0.2, ctr=0.8),
            Unit("CL_US_Retargeting_DPA", "Visitors_30d", "DPA_Catalog", share=0.25, cvr=2.0, cpm=1.4),
            Unit("CL_US_Retargeting_DPA", "Visitors_30d", "Sunscreen_Video_15s", share=0.2, cvr=1.5, cpm=1.3),
        ], cpm=13, ctr=0.015, aov=34, roas=[1.6, 1.7, 1.8, 1.8, 1.9, 1.9, 2.0, 2.0, 1.9, 1.8, 1.75, 2.35])
        for r in self.meta:
            freq = rng.uniform(1.15, 1.45)
            r.extra = {"reach": int(r.impressions / freq), "clicks_all": int(r.clicks * rng.uniform(1.6, 2.1))}
        self.tiktok = ad_rows(rng, [x * k for x in (4.2, 4.4, 4.6, 4.8, 5.0, 5.0, 5.2, 5.4, 5.6, 5.8, 5.6, 5.4)], [
            Unit("CL_TT_Conversions_Serum", "US_18-34_Beauty", "Hook_Test_A", share=0.35),
            Unit("CL_TT_Conversions_Serum", "US_18-34_Beauty", "Hook_Test_B", share=0.3, ctr=1.25),
            Unit("CL_TT_SparkAds_Sunscreen", "US_Interest_Skincare", "Spark_KOL_Post", share=0.35, cvr=1.2),
        ], cpm=7, ctr=0.009, cvr=0.035, aov=30)
        for rows in (self.ocean, self.kuaishou, self.weibo_paid):   # these exports carry no sales value
            for r in rows:
                r.revenue = 0.0
        self.google = ad_rows(rng, [x * k for x in (2.2, 2.3, 2.3, 2.4, 2.5, 2.5, 2.6, 2.7, 2.8, 2.8, 2.7, 2.6)], [
            Unit("CL_Search_Brand", share=0.35, cpm=6, ctr=5, cvr=3.5), Unit("CL_PMax_Serum", share=0.65, cpm=0.8, ctr=0.6),
        ], cpm=10, ctr=0.02, cvr=0.022, aov=36)

    # -- organic posts ---------------------------------------------------------------------------

    def posts(self) -> None:
        rng = self.rng
        seen: set[str] = set()

        self.douyin_posts = []
        for t in schedule(rng, 3, 6, [12, 18, 19, 20, 21]):
            video = rng.random() < 0.7
            v = rng.lognormal(math.log(55_000 if video else 16_000), 0.6 if video else 0.5)
            r = ({"likes": 0.045, "comments": 0.004, "shares": 0.006, "saves": 0.008, "follows": 0.0015}
                 if video else {"likes": 0.022, "comments": 0.0022, "shares": 0.0018, "saves": 0.006, "follows": 0.0008})
            tot = {"views": v, **{m: v * x * rng.lognormal(0, 0.15) for m, x in r.items()}, "visits": v * 0.012}
            self.douyin_posts.append(Post("douyin", unique_title(rng, lambda: zh_title(rng, "douyin"), seen),
                                          "视频" if video else "图文", t, tot, 2.5))

        self.xhs_posts = []
        xhs_times = schedule(rng, 3, 6, [12, 20, 21, 22])
        viral_i = next(i for i, t in enumerate(xhs_times) if t.date() >= dt.date(2026, 10, 6))
        for i, t in enumerate(xhs_times):
            video = (rng.random() < 0.45) or i == viral_i
            v = rng.lognormal(math.log(11_000 if video else 7_500), 0.6 if video else 0.5)
            if i == viral_i:
                v = 168_000.0
            r = ({"likes": 0.050, "saves": 0.034, "comments": 0.006, "shares": 0.005, "follows": 0.002}
                 if video else {"likes": 0.030, "saves": 0.022, "comments": 0.0035, "shares": 0.003, "follows": 0.001})
            tot = {"views": v, "impressions": v / rng.normal(0.11 if video else 0.13, 0.012),
                   **{m: v * x * rng.lognormal(0, 0.15) for m, x in r.items()}}
            title = "熬夜党救命！修护面霜28天实测（附前后对比）" if i == viral_i else \
                unique_title(rng, lambda: zh_title(rng, "xhs"), seen)
            self.xhs_posts.append(Post("xiaohongshu", title, "视频" if video else "图文", t, tot, 4.0,
                                       extra={"viral": i == viral_i}))

        self.weibo_posts = []
        for t in schedule(rng, 3, 6, [10, 12, 18, 20]):
            v = rng.lognormal(math.log(22_000), 0.7)
            tot = {"views": v, "shares": v * 0.0025 * rng.lognormal(0, 0.4),
                   "comments": v * 0.002 * rng.lognormal(0, 0.4), "likes": v * 0.010 * rng.lognormal(0, 0.3)}
            mid = str(5_080_000_000_000_000 + int(rng.integers(10**12, 10**13)))
            self.weibo_posts.append(Post("weibo", unique_title(rng, lambda: zh_title(rng, "weibo"), seen), "图文", t,
                                         tot, 1.5, pid=mid))

        self.wechat_posts = []
        for t in schedule(rng, 3, 4, [20]):
            w = (t.date() - START).days // 7
            reach = 86_000 + 150 * w + rng.integers(-300, 300)
            reads = reach * rng.lognormal(math.log(0.055), 0.35)
            tot = {"reach": reach, "reads": reads, "readers": reads * 0.86, "shares": reads * 0.035,
                   "sharers": reads * 0.035 * 0.82, "saves": reads * 0.009, "likes": reads * 0.011,
                   "wow": reads * 0.006, "comments": reads * 0.0015}
            self.wechat_posts.append(Post("wechat", unique_title(rng, lambda: zh_title(rng, "wechat"), seen), "图文",
                                          t, tot, 1.2, fixed=("reach",)))

        self.ig_posts = []
        for t in schedule(rng, 3, 5, [15, 17, 19]):          # publish times in the account's time zone
            kind = str(rng.choice(["IG reel", "IG carousel", "IG image"], p=[0.5, 0.3, 0.2]))
            v = rng.lognormal(math.log(8_000), 0.6) * (2.2 if kind == "IG reel" else 1.0)
            tot = {"views": v, "reach": v * (0.55 if kind == "IG reel" else 0.68),
                   **{m: v * x * rng.lognormal(0, 0.15) for m, x in
                      {"likes": 0.045, "comments": 0.0035, "shares": 0.006, "saves": 0.009, "follows": 0.0012}.items()}}
            cap = str(rng.choice(EN_CAPTIONS)).format(n=int(rng.integers(7, 29)))
            pid = str(18_040_000_000_000_000 + int(rng.integers(10**14, 10**15)))
            self.ig_posts.append(Post("meta", cap + " #claritylab #skincare", kind, t, tot, 2.0, pid=pid,
                                      extra={"duration": int(rng.integers(12, 46)) if kind == "IG reel" else 0}))

    # -- KOL posts -------------------------------------------------------------------------------

    def kol_posts(self) -> None:
        rng = self.rng
        self.kols = make_kols(rng)
        seen: set[str] = set()
        self.xhs_kol_posts: list[Post] = []
        self.douyin_kol_posts: list[Post] = []
        task_names = ["澄研秋冬修护种草", "澄研精华新品首发", "澄研双11预热", "澄研防晒通勤季"]
        for kol in self.kols:
            for n, t in enumerate(kol.post_dates, 1):
                fee = kol.fee / kol.posts
                if kol.platform == "xiaohongshu":
                    video = (rng.random() < 0.55) or kol.suspicious or kol.tier == "top"
                    v = kol.followers * rng.lognormal(math.log(0.12), 0.4) * (1.3 if video else 1.0)
                    if kol.suspicious:        # planted: likes ≈ 0.6 × views, few comments, no sales
                        tot = {"views": v, "impressions": v / 0.12, "likes": v * rng.uniform(0.55, 0.65),
                               "saves": v * 0.04, "shares": v * 0.0012, "visits": v * 0.002}
                        tot["comments"] = tot["likes"] * 0.003
                        tot["orders"] = float(rng.integers(0, 3)) + 0.5
                    else:
                        r = ({"likes": 0.055, "saves": 0.038, "comments": 0.007, "shares": 0.005, "visits": 0.014}
                             if video else
                             {"likes": 0.033, "saves": 0.025, "comments": 0.004, "shares": 0.003, "visits": 0.007})
                        tot = {"views": v, "impressions": v / rng.normal(0.12, 0.012),
                               **{m: v * x * rng.lognormal(0, 0.15) for m, x in r.items()}}
                        tot["orders"] = tot["visits"] * (0.07 if video else 0.055) * rng.lognormal(0, 0.15)
                    aov = 228 * rng.lognormal(0, 0.05)     # revenue = orders × the note's AOV
                    nid = "".join(f"{int(x):x}" for x in rng.integers(0, 16, 24))
                    self.xhs_kol_posts.append(Post(
                        "xiaohongshu", unique_title(rng, lambda: zh_title(rng, "xhs"), seen), "视频" if video else "图文",
                        t, tot, 4.0, kol=kol.name, pid=nid, extra={"fee": fee, "n": n, "aov": aov}))
                elif kol.platform == "douyin":
                    video = rng.random() < 0.85
                    v = kol.followers * rng.lognormal(math.log(0.18), 0.45) * (1.0 if video else 0.35)
                    r = ({"likes": 0.042, "comments": 0.004, "shares": 0.005, "saves": 0.006, "clicks": 0.011}
                         if video else
                         {"likes": 0.020, "comments": 0.0015, "shares": 0.0015, "saves": 0.004, "clicks": 0.004})
                    tot = {"views": v, **{m: v * x * rng.lognormal(0, 0.15) for m, x in r.items()},
                           "component_views": v * 0.35}
                    tot["conversions"] = tot["clicks"] * (0.06 if video else 0.04) * rng.lognormal(0, 0.15)
                    aov = 215 * rng.lognormal(0, 0.05)
                    vid = str(7_418_000_000_000_000_000 + int(rng.integers(10**15, 10**16)))
                    task = task_names[2] if t.date() >= dt.date(2026, 10, 20) else str(rng.choice(task_names[:2] + task_names[3:]))
                    self.douyin_kol_posts.append(Post(
                        "douyin", unique_title(rng, lambda: zh_title(rng, "douyin"), seen), "视频" if video else "图文",
                        t, tot, 3.0, kol=kol.name, pid=vid, extra={"fee": fee, "n": n, "task": task, "aov": aov}))

    # -- writers: douyin ---------------------------------------------------------------------------

    def write_oceanengine(self) -> None:
        acct = "澄研CLARITY LAB-巨量01"
        for lo, hi in MONTHS:
            rows = in_range(self.ocean, lo, hi)
            top = ["日期", "账户", "广告组", "广告计划", "展现数据", None, None, None, None, "转化数据", None, None]
            sub = [None, None, None, None, "展示数", "点击数", "点击率", "消耗", "平均千次展现费用", "转化数", "转化成本", "转化率"]
            body = []
            for r in sorted(rows, key=lambda r: (r.day, r.unit.campaign, r.unit.ad_group)):
                body.append([r.date.isoformat(), acct, r.unit.campaign, r.unit.ad_group, r.impressions, r.clicks,
                             pct(ratio(r.clicks, r.impressions)), r.spend, round(ratio(r.spend, r.impressions) * 1000, 2),
                             r.conversions, round(ratio(r.spend, r.conversions), 2), pct(ratio(r.conversions, r.clicks))])
            s, i, c, v = (sum(getattr(r, a) for r in rows) for a in ("spend", "impressions", "clicks", "conversions"))
            total = ["合计", None, None, None, i, c, pct(ratio(c, i)), round(s, 2), round(ratio(s, i) * 1000, 2), v,
                     round(ratio(s, v), 2), pct(ratio(v, c))]
            write_xlsx(self.path(f"oceanengine_ads_{lo}_{hi}.xlsx"), [top, sub, *body, total],
                       merges=("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:I1", "J1:L1"), sheet="广告计划数据")

    def write_qianchuan(self) -> None:
        header = ["日期", "计划名称", "消耗", "展示数", "点击数", "点击率", "转化数", "转化成本", "成交订单数",
                  "成交订单金额", "支付ROI", "新增关注数", "点赞数", "评论数", "分享数"]
        for lo, hi in MONTHS:
            body = []
            for r in sorted(in_range(self.qianchuan, lo, hi), key=lambda r: (r.day, r.unit.campaign)):
                e = r.extra
                body.append([r.date.strftime("%Y/%m/%d"), r.unit.campaign, thousands(r.spend, 2), wan(r.impressions),
                             thousands(r.clicks), pct(ratio(r.clicks, r.impressions)), thousands(e["转化数"]),
                             f"{ratio(r.spend, e['转化数']):.2f}", thousands(r.conversions), thousands(r.revenue, 2),
                             f"{ratio(r.revenue, r.spend):.2f}", e["新增关注数"], e["点赞数"], e["评论数"], e["分享数"]])
            write_csv(self.path(f"qianchuan_ads_{lo}_{hi}.csv"), header, body, encoding="gb18030")

    def write_douyin_creator(self) -> None:
        header = ["作品名称", "发布时间", "体裁", "播放量", "点赞量", "分享量", "评论量", "收藏量", "粉丝增量", "主页访问量"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.douyin_posts, key=lambda p: p.published, reverse=True):
                c = p.at(asof)
                if c is None:
                    continue
                body.append([p.title, p.published.strftime("%Y-%m-%d %H:%M"), p.ctype, c["views"], c["likes"],
                             c["shares"], c["comments"], c["saves"], c["follows"], c["visits"]])
            write_xlsx(self.path(f"douyin_creator_works_{asof}.xlsx"),
                       [[f"数据时间：{START} 至 {asof}"], header, *body], sheet="作品数据")

    def write_xingtu(self) -> None:
        header = ["达人昵称", "任务名称", "视频ID", "视频标题", "体裁", "发布时间", "播放量", "点赞量", "评论量", "分享量",
                  "收藏量", "组件展示量", "组件点击量", "转化数", "成交金额"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.douyin_kol_posts, key=lambda p: p.published):
                c = p.at(asof)
                if c is None:
                    continue
                body.append([p.kol, p.extra["task"], p.pid, p.title, p.ctype, p.published.strftime("%Y-%m-%d %H:%M:%S"),
                             c["views"], c["likes"], c["comments"], c["shares"], c["saves"], c["component_views"],
                             c["clicks"], c["conversions"], f"{c['conversions'] * p.extra['aov']:.2f}"])
            write_csv(self.path(f"xingtu_orders_{asof}.csv"), header, body, encoding="utf-8-sig")

    # -- writers: xiaohongshu ----------------------------------------------------------------------

    def write_xhs_notes(self) -> None:
        header = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论", "收藏", "涨粉", "分享"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.xhs_posts, key=lambda p: p.published, reverse=True):
                c = p.at(asof)
                if c is None:
                    continue
                views = "10万+" if c["views"] >= 100_000 else c["views"]
                body.append([p.title, p.published.strftime("%Y-%m-%d %H:%M"), p.ctype, c["impressions"], views,
                             pct(ratio(c["views"], c["impressions"]), 1), c["likes"], c["comments"], c["saves"],
                             c["follows"], c["shares"]])
            write_xlsx(self.path(f"xiaohongshu_notes_{asof}.xlsx"), [header, *body], sheet="笔记数据")

    def write_pugongying(self) -> None:
        header = ["博主昵称", "笔记ID", "笔记标题", "笔记类型", "发布时间", "曝光量", "阅读量", "点赞数", "收藏数",
                  "评论数", "分享数", "进店访问", "成交订单", "成交金额"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.xhs_kol_posts, key=lambda p: p.published):
                c = p.at(asof)
                if c is None:
                    continue
                body.append([p.kol, p.pid, p.title, p.ctype, p.published.strftime("%Y/%m/%d %H:%M"), c["impressions"],
                             c["views"], c["likes"], c["saves"], c["comments"], c["shares"], c["visits"], c["orders"],
                             f"{c['orders'] * p.extra['aov']:.2f}"])
            write_csv(self.path(f"pugongying_notes_{asof}.csv"), header, body, encoding="gb18030")

    def write_generic(self) -> None:
        rows = [["weibo", r.date.isoformat(), "澄研CLARITY LAB官方微博", r.unit.campaign, f"{r.spend:.2f}",
                 r.impressions, r.clicks, r.conversions, "CNY"]
                for r in sorted(self.weibo_paid, key=lambda r: (r.day, r.unit.campaign))]
        write_csv(self.path("generic_facts_weibo_fensitong.csv"),
                  ["平台", "日期", "账户", "计划", "花费", "曝光", "点击", "转化", "币种"], rows, encoding="utf-8-sig")
        rows = [["xiaohongshu", r.date.isoformat(), "澄研CLARITY LAB-聚光", r.unit.campaign, r.unit.ad_group,
                 f"{r.spend:.2f}", r.impressions, r.clicks, r.conversions, f"{r.revenue:.2f}", "CNY"]
                for r in sorted(self.xhs_paid, key=lambda r: (r.day, r.unit.campaign))]
        write_csv(self.path("generic_facts_xiaohongshu_juguang.csv"),
                  ["platform", "date", "account", "campaign", "ad_group", "spend", "impressions", "clicks",
                   "conversions", "revenue", "currency"], rows)

    # -- writers: weibo, wechat, kuaishou ---------------------------------------------------------

    def write_weibo(self) -> None:
        header = ["发布时间", "微博ID", "微博内容", "链接", "阅读数", "转发数", "评论数", "点赞数"]

        def dash(x: int) -> str | int:
            return "--" if x == 0 else x

        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.weibo_posts, key=lambda p: p.published, reverse=True):
                c = p.at(asof)
                if c is None:
                    continue
                fresh = p.published.date() == asof          # reads are counted from the next day
                body.append([p.published.strftime("%Y-%m-%d %H:%M"), p.pid, p.title,
                             f"https://weibo.com/7712345678/{p.pid[-9:]}", "--" if fresh else c["views"],
                             dash(c["shares"]), dash(c["comments"]), dash(c["likes"])])
            write_csv(self.path(f"weibo_posts_{asof}.csv"), header, body, encoding="gb18030")

    def write_wechat(self) -> None:
        header = ["标题", "发布时间", "送达人数", "图文阅读人数", "图文阅读次数", "分享人数", "分享次数", "收藏人数",
                  "点赞", "在看", "留言"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.wechat_posts, key=lambda p: p.published, reverse=True):
                c = p.at(asof)
                if c is None:
                    continue
                body.append([p.title, p.published.strftime("%Y-%m-%d %H:%M"), c["reach"], c["readers"], c["reads"],
                             c["sharers"], c["shares"], c["saves"], c["likes"], c["wow"], c["comments"]])
            write_xlsx(self.path(f"wechat_articles_{asof}.xlsx"), [header, *body], sheet="图文分析")

    def write_kuaishou(self) -> None:
        header = ["数据日期", "计划名称", "花费（元）", "封面曝光数", "封面点击数", "封面点击率", "行为数", "点赞数",
                  "评论数", "分享数", "新增关注数", "转化数", "转化成本"]
        for lo, hi in MONTHS:
            rows = sorted(in_range(self.kuaishou, lo, hi), key=lambda r: (r.day, r.unit.campaign))
            body = []
            for r in rows:
                e = r.extra
                body.append([r.date.isoformat(), r.unit.campaign, f"{r.spend:.2f}", r.impressions, r.clicks,
                             pct(ratio(r.clicks, r.impressions)), e["行为数"], e["点赞数"], e["评论数"], e["分享数"],
                             e["新增关注数"], r.conversions, f"{ratio(r.spend, r.conversions):.2f}"])
            s, i, c, v = (sum(getattr(r, a) for r in rows) for a in ("spend", "impressions", "clicks", "conversions"))
            ex = {k: sum(r.extra[k] for r in rows) for k in rows[0].extra}
            total = ["合计", "", f"{s:.2f}", i, c, pct(ratio(c, i)), ex["行为数"], ex["点赞数"], ex["评论数"],
                     ex["分享数"], ex["新增关注数"], v, f"{ratio(s, v):.2f}"]
            write_csv(self.path(f"kuaishou_ads_{lo}_{hi}.csv"), header, [total, *body], encoding="gb18030")

    # -- writers: global --------------------------------------------------------------------------

    def write_meta_ads(self) -> None:
        header = ["Reporting starts", "Reporting ends", "Campaign name", "Ad set name", "Ad name", "Day",
                  "Amount spent (USD)", "Impressions", "Reach", "Frequency", "Link clicks", "Clicks (all)",
                  "CTR (link click-through rate)", "CPM (cost per 1,000 impressions) (USD)", "Results",
                  "Result indicator", "Cost per result (USD)", "Purchases", "Purchases conversion value"]
        rng = self.rng
        for fi, (a, b) in enumerate(META_FILES):
            lo, hi = DAYS[a], DAYS[b]
            body = []
            for r in sorted(in_range(self.meta, lo, hi), key=lambda r: (r.unit.campaign, r.unit.ad_group, r.unit.ad, r.day)):
                conv, rev = r.conversions, r.revenue
                later = fi + 1 < len(META_FILES) and r.day >= META_FILES[fi + 1][0]
                if later and conv:            # late attribution: the re-download a week later counts more
                    lost = int(rng.binomial(conv, 0.08))
                    rev, conv = round(rev * (conv - lost) / conv, 2), conv - lost
                reach = r.extra["reach"]
                body.append([lo.isoformat(), hi.isoformat(), r.unit.campaign, r.unit.ad_group, r.unit.ad,
                             r.date.isoformat(), f"{r.spend:.2f}", r.impressions, reach,
                             f"{ratio(r.impressions, reach):.6f}", r.clicks, r.extra["clicks_all"],
                             f"{100 * ratio(r.clicks, r.impressions):.6f}", f"{1000 * ratio(r.spend, r.impressions):.6f}",
                             conv or "", "actions:offsite_conversion.fb_pixel_purchase",
                             f"{ratio(r.spend, conv):.6f}" if conv else "", conv or "", f"{rev:.2f}" if conv else ""])
            s = sum(float(x[6]) for x in body)
            i = sum(x[7] for x in body)
            reach = int(sum(x[8] for x in body) * 0.42)
            lc = sum(x[10] for x in body)
            ca = sum(x[11] for x in body)
            cv = sum(x[17] or 0 for x in body)
            rv = sum(float(x[18] or 0) for x in body)
            total = [lo.isoformat(), hi.isoformat(), "", "", "", "", f"{s:.2f}", i, reach, f"{i / reach:.6f}", lc, ca,
                     f"{100 * lc / i:.6f}", f"{1000 * s / i:.6f}", cv, "", f"{s / cv:.6f}", cv, f"{rv:.2f}"]
            write_csv(self.path(f"meta_ads_{lo}_{hi}.csv"), header, [total, *body], encoding="utf-8-sig")

    def write_meta_posts(self) -> None:
        header = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
                  "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes",
                  "Shares", "Follows", "Comments", "Saves"]
        for asof in WEEK_ENDS:
            body = []
            for p in sorted(self.ig_posts, key=lambda p: p.published, reverse=True):
                c = p.at(asof)
                if c is None:
                    continue
                body.append([p.pid, "17841400123456789", "claritylab.global", "CLARITY LAB", p.title,
                             p.extra["duration"], p.published.strftime("%m/%d/%Y %H:%M"),
                             f"https://www.instagram.com/{'reel' if p.ctype == 'IG reel' else 'p'}/C{p.pid[-10:]}/",
                             p.ctype, "", "Lifetime", c["views"], c["reach"], c["likes"], c["shares"], c["follows"],
                             c["comments"], c["saves"]])
            write_csv(self.path(f"meta_post_insights_{asof}.csv"), header, body, encoding="utf-8-sig")

    def write_tiktok(self) -> None:
        header = ["Campaign name", "Ad group name", "Ad name", "By Day", "Currency", "Cost", "Impressions",
                  "Clicks (destination)", "CTR (destination)", "CPC (destination)", "CPM", "Conversions", "CPA",
                  "Total purchase value"]
        for lo, hi in MONTHS:
            body = []
            for r in sorted(in_range(self.tiktok, lo, hi), key=lambda r: (r.day, r.unit.campaign, r.unit.ad)):
                body.append([r.unit.campaign, r.unit.ad_group, r.unit.ad, r.date, "USD", r.spend, r.impressions,
                             r.clicks, round(100 * ratio(r.clicks, r.impressions), 2), round(ratio(r.spend, r.clicks), 2),
                             round(1000 * ratio(r.spend, r.impressions), 2), r.conversions,
                             round(ratio(r.spend, r.conversions), 2), r.revenue])
            write_xlsx(self.path(f"tiktok_ads_{lo}_{hi}.xlsx"), [header, *body], sheet="Report",
                       number_formats={4: "yyyy-mm-dd"})

    def write_tiktok_studio(self) -> None:
        rng = self.rng
        rows = []
        for i, d in enumerate(DAYS):
            views = int(rng.lognormal(math.log(5200 + 40 * i), 0.25))
            rows.append([f"{MONTH_NAMES[d.month - 1]} {d.day}", views, int(views * rng.uniform(0.02, 0.03)),
                         int(views * rng.uniform(0.05, 0.07)), int(views * rng.uniform(0.004, 0.006)),
                         int(views * rng.uniform(0.003, 0.005))])
        write_csv(self.path(f"tiktok_studio_overview_{START}_{END}.csv"),
                  ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"], rows)
        self.tiktok_studio = rows

    def write_google(self) -> None:
        header = ["Campaign", "Day", "Currency code", "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions",
                  "Cost / conv.", "Conv. value"]

        def line(name: str, day: str, rows: list[AdRow]) -> list[str]:
            i, c, s = sum(r.impressions for r in rows), sum(r.clicks for r in rows), sum(r.spend for r in rows)
            v, rv = sum(r.conversions for r in rows), sum(r.revenue for r in rows)
            return [name, day, "USD", thousands(i), thousands(c), pct(ratio(c, i)), f"{ratio(s, c):.2f}",
                    thousands(s, 2), thousands(v, 2), f"{s / v:,.2f}" if v else "--", thousands(rv, 2) if v else "0.00"]

        body = [line(r.unit.campaign, r.date.isoformat(), [r])
                for r in sorted(self.google, key=lambda r: (r.unit.campaign, r.day))]
        search = [r for r in self.google if r.unit.campaign == "CL_Search_Brand"]
        pmax = [r for r in self.google if r.unit.campaign != "CL_Search_Brand"]
        totals = [line("Total: Account", "--", self.google), line("Total: Search", "--", search),
                  line("Total: Performance Max", "--", pmax), line("Total: Campaigns", "--", self.google)]
        write_csv(self.path(f"google_ads_campaign_report_{START}_{END}.csv"), header, [*body, *totals],
                  encoding="utf-16", delimiter="\t",
                  preamble=("Campaign report", f"{MONTH_NAMES[START.month - 1]} {START.day}, {START.year} - "
                                                     f"{MONTH_NAMES[END.month - 1]} {END.day}, {END.year}"))

    # -- aux tables --------------------------------------------------------------------------------

    def write_roster(self) -> None:
        rows = [[k.name, k.platform, k.followers, f"{k.fee:.2f}", k.posts, k.category, k.currency, ROSTER_DATES[0]]
                for k in self.kols if not k.joined_late]
        write_csv(self.path(f"kol_roster_{ROSTER_DATES[0]}.csv"),
                  ["kol", "platform", "followers", "fee", "posts", "category", "currency", "as_of"], rows)
        rows = []
        for k in self.kols:
            f = k.followers if k.joined_late else int(round(k.followers * k.growth, -2))
            shown = f"{f / 1e4:.1f}万" if f >= 10_000 else str(f)
            fee = k.fee2 if k.fee2 is not None else k.fee
            rows.append([k.name, k.platform, shown, f"{fee:.0f}", k.posts, k.category, k.currency,
                         ROSTER_DATES[1].strftime("%Y/%m/%d")])
        write_csv(self.path(f"kol_roster_{ROSTER_DATES[1]}_zh.csv"),
                  ["达人", "平台", "粉丝数", "合作费用", "篇数", "领域", "币种", "日期"], rows, encoding="utf-8-sig")

    def costs(self) -> None:
        """KOL fee rows (one per post) and monthly content / staff / other costs."""
        self.kol_costs = []
        for k in self.kols:
            for n, t in enumerate(k.post_dates, 1):
                note = {"xiaohongshu": "蒲公英合作", "douyin": "星图任务"}.get(k.platform, "KOL collaboration")
                self.kol_costs.append((t.date(), k.platform, "kol", round(k.fee / k.posts, 2), k.currency, k.name,
                                       f"{note} {n}/{k.posts}"))
        self.kol_costs.sort(key=lambda r: (r[0], r[1], r[5]))
        monthly = {  # platform: (currency, content, staff)
            "douyin": ("CNY", 60_000, 80_000), "xiaohongshu": ("CNY", 40_000, 50_000), "weibo": ("CNY", 10_000, 20_000),
            "wechat": ("CNY", 15_000, 25_000), "kuaishou": ("CNY", 10_000, 15_000), "meta": ("USD", 3_000, 5_000),
            "tiktok": ("USD", 2_000, 3_000), "google_ads": ("USD", 0, 1_000),
        }
        self.month_costs = []
        for m, first in enumerate((dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1))):
            for plat, (cur, content, staff) in monthly.items():
                jitter = 1 + 0.05 * (m - 1)
                if content:
                    self.month_costs.append((first, plat, "content", round(content * jitter, 2), cur, "",
                                             f"{first.month}月内容制作（拍摄+剪辑）"))
                self.month_costs.append((first, plat, "staff", float(staff), cur, "", f"{first.month}月运营人员成本"))
            self.month_costs.append((first, "weibo", "other", 5_000.0, "CNY", "", f"{first.month}月微博抽奖奖品"))
            self.month_costs.append((first, "xiaohongshu", "other", 8_000.0, "CNY", "", f"{first.month}月小样派发"))

    def write_costs(self) -> None:
        write_csv(self.path("other_costs_kol.csv"), ["date", "platform", "category", "amount", "currency", "kol", "note"],
                  [[d.isoformat(), p, c, f"{a:.2f}", cur, k, n] for d, p, c, a, cur, k, n in self.kol_costs])
        write_csv(self.path("other_costs_content_staff_zh.csv"), ["日期", "平台", "类别", "金额", "币种", "备注"],
                  [[f"{d.year}年{d.month}月{d.day}日", p, c, f"{a:.2f}", cur, n]
                   for d, p, c, a, cur, _k, n in self.month_costs], encoding="utf-8-sig")

    # -- budget plan ----------------------------------------------------------------------------------

    def actuals(self) -> dict[tuple[str, str], list[tuple[dt.date, float]]]:
        """(platform, category) -> dated amounts in the plan currency."""
        acts: dict[tuple[str, str], list[tuple[dt.date, float]]] = {}

        def add(platform, category, d, amount):
            acts.setdefault((platform, category), []).append((d, amount))

        for plat, rows in (("douyin", self.ocean), ("douyin", self.qianchuan), ("kuaishou", self.kuaishou),
                           ("weibo", self.weibo_paid), ("xiaohongshu", self.xhs_paid), ("meta", self.meta),
                           ("tiktok", self.tiktok), ("google_ads", self.google)):
            for r in rows:
                add(plat, "paid_ads", r.date, r.spend)
        for d, p, c, a, *_ in (*self.kol_costs, *self.month_costs):
            add(p, c, d, a)
        return acts

    def budget(self) -> None:
        rng = self.rng
        acts = self.actuals()
        currency = {p: ("USD" if p in ("meta", "tiktok", "google_ads") else "CNY")
                    for p in ("douyin", "xiaohongshu", "weibo", "wechat", "kuaishou", "meta", "tiktok", "google_ads")}
        plan: list[tuple[int, str, str, float]] = []
        for (plat, cat), items in sorted(acts.items()):
            step = 100 if currency[plat] == "USD" else 1000
            spent = [sum(a for d, a in items if lo <= d <= hi) for lo, hi in PERIODS]
            for pi in range(3):
                if pi < 2:
                    amount = spent[pi] / rng.uniform(0.86, 0.97) if spent[pi] else (spent[0] + spent[1]) / 2 or step
                elif cat in ("content", "staff", "other"):
                    amount = spent[2] * rng.uniform(1.3, 1.4)        # one monthly booking so far
                else:
                    amount = spent[2] / rng.uniform(0.62, 0.72) if spent[2] else max(spent[:2]) * 0.8
                plan.append((pi, plat, cat, float(math.ceil(amount / step) * step)))
        plan_d = {(pi, p, c): a for pi, p, c, a in plan}

        # planted: kuaishou paid_ads crosses 100 % of its last-period plan on 2026-11-17
        ks = sorted(acts[("kuaishou", "paid_ads")])
        lo3 = PERIODS[2][0]
        cum: dict[dt.date, float] = {}
        run = 0.0
        for d in DAYS:
            if d >= lo3:
                run += sum(a for dd, a in ks if dd == d)
                cum[d] = run
        cross = dt.date(2026, 11, 17)
        before, at = cum[cross - dt.timedelta(days=1)], cum[cross]
        plan_d[(2, "kuaishou", "paid_ads")] = float(round((before + at) / 2 / 1000) * 1000)
        assert before < plan_d[(2, "kuaishou", "paid_ads")] <= at
        # planted: douyin kol has spent ~90 % of its last-period plan with 80 % of the period elapsed
        dk = sum(a for d, a in acts[("douyin", "kol")] if lo3 <= d <= END)
        plan_d[(2, "douyin", "kol")] = float(round(dk / 0.9 / 10_000) * 10_000)

        self.plan = plan_d
        self.acts = acts
        self.currency = currency
        rows = [[PERIODS[pi][0].isoformat(), PERIODS[pi][1].isoformat(), p, c, f"{a:.0f}", currency[p]]
                for (pi, p, c), a in plan_d.items() if pi < 2]
        write_csv(self.path("budget_plan.csv"), ["period_start", "period_end", "platform", "category", "planned",
                                                 "currency"], rows)
        rows = [[PERIODS[pi][0].strftime("%Y/%m/%d"), PERIODS[pi][1].strftime("%Y/%m/%d"), p, c, f"{a:.0f}",
                 currency[p]] for (pi, p, c), a in plan_d.items() if pi == 2]
        write_csv(self.path("budget_plan_p3_zh.csv"), ["开始日期", "结束日期", "平台", "类别", "预算", "币种"], rows,
                  encoding="utf-8-sig")
        self.kuaishou_cum = cum

    # -- the story, computed from what the files show -------------------------------------------

    def story(self) -> list[str]:
        out = []
        say = out.append
        acts = self.acts
        tot_cny = 0.0
        say("## Totals (12 weeks, USD at 7.1)")
        for cat in ("paid_ads", "kol", "content", "staff", "other"):
            s = sum(a * (USD_CNY if self.currency[p] == "USD" else 1)
                    for (p, c), items in acts.items() if c == cat for _, a in items)
            tot_cny += s
            say(f"- {cat}: ¥{s:,.0f}")
        say(f"- total cost: ¥{tot_cny:,.0f}")
        for name, rows, cur in (("oceanengine", self.ocean, "¥"), ("qianchuan", self.qianchuan, "¥"),
                                ("kuaishou", self.kuaishou, "¥"), ("weibo 粉丝通", self.weibo_paid, "¥"),
                                ("xhs 聚光", self.xhs_paid, "¥"), ("meta", self.meta, "$"), ("tiktok", self.tiktok, "$"),
                                ("google", self.google, "$")):
            s, i, c, v, r = (sum(getattr(x, a) for x in rows) for a in
                             ("spend", "impressions", "clicks", "conversions", "revenue"))
            say(f"- {name}: spend {cur}{s:,.0f}, impressions {i:,}, CTR {pct(c / i)}, CVR {pct(v / c)}, "
                f"CPA {cur}{s / v:,.1f}" + (f", AOV {cur}{r / v:,.1f}, ROAS {r / s:.2f}" if r else ""))

        say("## (1) Suspicious XHS KOL")
        last = WEEK_ENDS[-1]
        per_kol: dict[str, list[dict]] = {}
        for p in self.xhs_kol_posts:
            per_kol.setdefault(p.kol, []).append(p.at(last))
        stats = {}
        for kol, cs in per_kol.items():
            v = sum(c["views"] for c in cs)
            lk = sum(c["likes"] for c in cs)
            cm = sum(c["comments"] for c in cs)
            stats[kol] = (lk / v, cm / lk, sum(c["orders"] for c in cs), len(cs), v)
        sus = next(k for k in self.kols if k.suspicious)
        others = [s for k, s in stats.items() if k != sus.name]
        s = stats[sus.name]
        say(f"- {sus.name}: {s[3]} notes, views {s[4]:,}, likes/views {s[0]:.2f} (others median "
            f"{np.median([o[0] for o in others]):.3f}), comments/likes {s[1]:.4f} (others median "
            f"{np.median([o[1] for o in others]):.3f}), orders {s[2]}; followers {sus.followers:,} -> "
            f"{round(sus.followers * sus.growth, -2):,.0f} (+{sus.growth - 1:.0%}); fee per note "
            f"{sus.fee / sus.posts:,.0f} -> {sus.fee2 / sus.posts:,.0f}")

        say("## (2) Budget, last period 2026-10-26..2026-11-29 (data to 11-22 = 80 % elapsed)")
        for (p, c) in (("kuaishou", "paid_ads"), ("douyin", "kol"), ("douyin", "paid_ads"), ("xiaohongshu", "kol")):
            planned = self.plan[(2, p, c)]
            spent = sum(a for d, a in acts[(p, c)] if PERIODS[2][0] <= d <= END)
            say(f"- {p}/{c}: planned {planned:,.0f}, spent to 11-22 {spent:,.0f} = {spent / planned:.1%} "
                f"(linear projection {spent / planned / 0.8:.0%})")
        planned = self.plan[(2, "kuaishou", "paid_ads")]
        say(f"- kuaishou cumulative: 11-16 {self.kuaishou_cum[dt.date(2026, 11, 16)]:,.0f}, 11-17 "
            f"{self.kuaishou_cum[dt.date(2026, 11, 17)]:,.0f} vs plan {planned:,.0f}")

        say("## (3) Video vs image-text (interactions = likes+comments+shares+saves; final snapshot)")

        def er(posts, views_key="views", conv_key=None):
            res = {}
            for t in ("视频", "图文"):
                cs = [(p, p.at(last)) for p in posts if p.ctype == t]
                v = sum(min(c[views_key], 100_000) if p.extra.get("viral") else c[views_key] for p, c in cs)
                inter = sum(c["likes"] + c["comments"] + c["shares"] + c["saves"] for _, c in cs)
                conv = sum(c[conv_key] for _, c in cs) if conv_key else 0
                res[t] = (len(cs), inter / v, conv, 1000 * conv / v if conv_key else 0)
            return res

        for label, posts, ck in (("douyin brand works", self.douyin_posts, None),
                                 ("douyin xingtu KOL", self.douyin_kol_posts, "conversions"),
                                 ("xhs brand notes", self.xhs_posts, None),
                                 ("xhs pugongying KOL", self.xhs_kol_posts, "orders"),
                                 ("xhs pugongying KOL w/o suspicious",
                                  [p for p in self.xhs_kol_posts if p.kol != sus.name], "orders")):
            r = er(posts, conv_key=ck)
            say(f"- {label}: " + "; ".join(
                f"{t} n={n} ER {e:.2%}" + (f" conv {c} ({pk:.2f}/1k views)" if ck else "")
                for t, (n, e, c, pk) in r.items()))

        say("## (4) Last week (11-16..11-22) vs the week before (11-09..11-15)")
        for label, rows, cur in (("xhs 聚光", self.xhs_paid, "¥"), ("meta", self.meta, "$"),
                                 ("douyin qianchuan", self.qianchuan, "¥"), ("kuaishou", self.kuaishou, "¥")):
            a = [week_sum(rows, w, "spend") for w in (10, 11)]
            v = [week_sum(rows, w, "conversions") for w in (10, 11)]
            r = [week_sum(rows, w, "revenue") for w in (10, 11)]
            line = (f"- {label}: spend {cur}{a[0]:,.0f} -> {cur}{a[1]:,.0f} ({a[1] / a[0] - 1:+.1%}), conversions "
                    f"{v[0]:,.0f} -> {v[1]:,.0f}, CPA {cur}{a[0] / v[0]:,.1f} -> {cur}{a[1] / v[1]:,.1f} "
                    f"({a[1] / v[1] / (a[0] / v[0]) - 1:+.1%})")
            if r[0]:
                line += f", ROAS {r[0] / a[0]:.2f} -> {r[1] / a[1]:.2f} ({r[1] / a[1] / (r[0] / a[0]) - 1:+.1%})"
            say(line)
        return out

    def run(self, quiet: bool = False) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.paid()
        self.posts()
        self.kol_posts()
        self.costs()
        self.write_oceanengine()
        self.write_qianchuan()
        self.write_douyin_creator()
        self.write_xingtu()
        self.write_xhs_notes()
        self.write_pugongying()
        self.write_generic()
        self.write_weibo()
        self.write_wechat()
        self.write_kuaishou()
        self.write_meta_ads()
        self.write_meta_posts()
        self.write_tiktok()
        self.write_tiktok_studio()
        self.write_google()
        self.write_roster()
        self.write_costs()
        self.budget()
        # files this run did not write are left-overs of an older generator
        for p in self.out.iterdir():
            if p.is_file() and p.suffix in (".csv", ".xlsx") and p.name not in self.files:
                p.unlink()
        if not quiet:
            print(f"wrote {len(self.files)} files to {self.out}")
            print("\n".join(self.story()))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT, help="output folder (default: sample_data/files)")
    ap.add_argument("--quiet", action="store_true", help="do not print the story numbers")
    args = ap.parse_args(argv)
    Sample(args.out).run(quiet=args.quiet)


if __name__ == "__main__":
    main()
