"""Platform export formats as data: recognise a file by its headers and map them to canonical fields."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from smm.schema import CHECK_FIELDS, FIELD_KINDS, PLATFORMS

PROFILE_DIR = Path(__file__).with_name("profiles")
KINDS = ("daily", "snapshot", "kol_roster", "budget_plan", "other_costs")

_CURRENCY_WORDS = {
    "元": "CNY", "人民币": "CNY", "rmb": "CNY", "cny": "CNY", "¥": "CNY", "美元": "USD", "usd": "USD", "$": "USD",
    "idr": "IDR", "eur": "EUR", "€": "EUR", "gbp": "GBP", "jpy": "JPY", "hkd": "HKD", "sgd": "SGD",
    "krw": "KRW", "twd": "TWD", "aud": "AUD", "cad": "CAD", "myr": "MYR", "thb": "THB", "vnd": "VND",
    "php": "PHP", "inr": "INR", "brl": "BRL", "mxn": "MXN",
}
_SUFFIX = re.compile(r"\s*\(([^()]*)\)\s*$")


@lru_cache(maxsize=16384)   # every file is matched against every profile's aliases: ~1,000 calls a file
def norm_header(text: str) -> tuple[str, str | None, bool]:
    """Normalise a header: (key, currency named in it, is-percent marker)."""
    s = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "").strip()
    s = re.sub(r"\s+", " ", s).lower()
    currency, percent = None, False
    while (m := _SUFFIX.search(s)) is not None:
        inner = m.group(1).strip()
        if inner in _CURRENCY_WORDS:
            currency = _CURRENCY_WORDS[inner]
        elif inner == "%":
            percent = True
        else:
            break
        s = s[: m.start()].rstrip()
    return s, currency, percent


@dataclass(frozen=True)
class Profile:
    id: str
    platform: str | None
    label_zh: str
    label_en: str
    kind: str
    columns: dict[str, tuple[str, ...]]
    checks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    grain: tuple[str, ...] = ()
    date_order: str = "ymd"
    percent_numbers: bool = False
    currency: str | None = None
    content_type_map: dict[str, str] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    user_defined: bool = False
    notes: str = ""

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en


@dataclass
class Match:
    profile: Profile
    mapping: dict[str, int]          # canonical field -> column index
    checks: dict[str, int]           # check field -> column index
    header_currency: str | None      # currency named in a money header, e.g. "Amount spent (USD)"
    percent_cols: frozenset[int]     # columns whose header says (%)
    score: float


def _as_tuple(v) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v)


def profile_from_dict(d: dict, *, user_defined: bool = False) -> Profile:
    """Build and validate a profile from its TOML/JSON data."""
    kind = d.get("kind", "daily")
    if kind not in KINDS:
        raise ValueError(f"profile {d.get('id')}: unknown kind {kind!r}")
    platform = d.get("platform")
    if platform is not None and platform not in PLATFORMS:
        raise ValueError(f"profile {d.get('id')}: unknown platform {platform!r}")
    columns = {k: _as_tuple(v) for k, v in d.get("columns", {}).items()}
    for f in columns:
        if f not in FIELD_KINDS:
            raise ValueError(f"profile {d.get('id')}: unknown field {f!r}")
    checks = {k: _as_tuple(v) for k, v in d.get("checks", {}).items()}
    for f in checks:
        if f not in CHECK_FIELDS:
            raise ValueError(f"profile {d.get('id')}: unknown check field {f!r}")
    return Profile(
        id=d["id"], platform=platform, label_zh=d.get("label_zh", d["id"]), label_en=d.get("label_en", d["id"]),
        kind=kind, columns=columns, checks=checks, required=tuple(d.get("required", ())),
        grain=tuple(d.get("grain", ())), date_order=d.get("date_order", "ymd"),
        percent_numbers=bool(d.get("percent_numbers", False)), currency=d.get("currency"),
        content_type_map=dict(d.get("content_type_map", {})), scale=dict(d.get("scale", {})),
        user_defined=user_defined, notes=d.get("notes", ""),
    )


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[Profile, ...]:
    """Every profile shipped in smm/profiles/*.toml."""
    out = []
    for p in sorted(PROFILE_DIR.glob("*.toml")):
        with p.open("rb") as fh:
            d = tomllib.load(fh)
        d.setdefault("id", p.stem)
        out.append(profile_from_dict(d))
    return tuple(out)


def get_profile(profile_id: str, extra: tuple[Profile, ...] = ()) -> Profile:
    for p in (*extra, *builtin_profiles()):
        if p.id == profile_id:
            return p
    raise KeyError(profile_id)


def map_headers(profile: Profile, headers: list[str]) -> Match | None:
    """Map headers to the profile's fields; None when a required field is missing."""
    normed = [norm_header(h) for h in headers]
    index: dict[str, int] = {}
    for i, (key, _, _) in enumerate(normed):
        index.setdefault(key, i)
    used: set[int] = set()

    def find(aliases: tuple[str, ...]) -> int | None:
        for a in aliases:
            i = index.get(norm_header(a)[0])
            if i is not None and i not in used:
                return i
        return None

    mapping: dict[str, int] = {}
    for f, aliases in profile.columns.items():
        i = find(aliases)
        if i is not None:
            mapping[f] = i
            used.add(i)
    if any(r not in mapping for r in profile.required):
        return None
    checks: dict[str, int] = {}
    for f, aliases in profile.checks.items():
        i = find(aliases)
        if i is not None:
            checks[f] = i
            used.add(i)
    cur = None
    for f in ("spend", "revenue", "fee", "planned", "amount"):
        if f in mapping and normed[mapping[f]][1]:
            cur = normed[mapping[f]][1]
            break
    pct = frozenset(i for i, (_, _, p) in enumerate(normed) if p)
    # Score: how much of the file is explained, then how much of the profile is present.
    score = len(used) / max(len(headers), 1) + len(mapping) / max(len(profile.columns), 1) / 10
    return Match(profile, mapping, checks, cur, pct, score)


def recognise(headers: list[str], extra: tuple[Profile, ...] = ()) -> Match | None:
    """The best-fitting profile for these headers, or None."""
    best: Match | None = None
    for p in (*extra, *builtin_profiles()):
        m = map_headers(p, headers)
        if m is None or len(m.mapping) < 2:
            continue
        if best is None or m.score > best.score:
            best = m
    return best


def header_score(headers: list[str]) -> int:
    """How many cells of a candidate header row are known header names (used to find the header row)."""
    known = _known_headers()
    return sum(1 for h in headers if h and norm_header(h)[0] in known)


@lru_cache(maxsize=1)
def _known_headers() -> frozenset[str]:
    keys = set(FIELD_KINDS) | set(CHECK_FIELDS)
    for p in builtin_profiles():
        for aliases in (*p.columns.values(), *p.checks.values()):
            keys.update(norm_header(a)[0] for a in aliases)
    return frozenset(keys)
