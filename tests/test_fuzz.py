"""Issue 7, property-based tests (hypothesis) at the ingest level, and a bounded fuzz of `ingest_bytes`.

The value macros have their own unit and property tests (tests/test_values.py). These go through the whole
path a user's file takes (bytes → reader → profile → cleaning → validation → store) and check what lands in
the store against the value the test wrote into the file. The fuzz run mutates real exports and random bytes
for SMM_FUZZ_SECONDS (default 40 s): `ingest_bytes` must always return a LoadReport (never raise), and a
file that is not loaded must leave the store unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import time
from decimal import Decimal

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from relkit import GENERIC_HEADER, csv_bytes, fast_xlsx

from smm import store
from smm.ingest import LoadOptions, LoadReport, ingest_bytes

_run = itertools.count(1)
SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large,
        HealthCheck.large_base_example]


@pytest.fixture(scope="module")
def fcon(tmp_path_factory):
    c = store.connect(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    yield c
    c.close()


def _load(con, rows: list[list], name: str = "f.csv", **opts) -> LoadReport:
    return ingest_bytes(con, csv_bytes(rows), name, LoadOptions(today=dt.date(2026, 12, 1), **opts))


def _row(n: int, run: int, **cells) -> list:
    base = {"platform": "weibo", "date": (dt.date(2026, 1, 1) + dt.timedelta(days=n % 300)).isoformat(),
            "campaign": f"run{run}-c{n}", "kol": "k", "spend": "", "impressions": "", "clicks": "", "follows": ""}
    base.update(cells)
    return [base[h] for h in GENERIC_HEADER]


# ----------------------------------------------------------------------------------- numbers

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=2, allow_nan=False)


def _styled(value: Decimal, style: str) -> tuple[str, float]:
    """(text as an export writes it, the number it means)."""
    v = float(value)
    if style == "plain":
        return f"{value}", v
    if style == "thousands":
        return f"{value:,}", v
    if style == "yuan":
        return f"¥{value:,}", v
    if style == "dollar":
        return f"${value}", v
    if style == "wan":                      # 万 = 10,000: the text carries at most 2 decimals of 万
        w = (value / 10000).quantize(Decimal("0.01"))
        return f"{w}万", float(w) * 10000
    if style == "yi":
        y = (value / 100000000).quantize(Decimal("0.01"))
        return f"{y}亿", float(y) * 1e8
    if style == "k":
        k = (value / 1000).quantize(Decimal("0.1"))
        return f"{k}k", float(k) * 1000
    if style == "percent":                  # 12.5% → 0.125
        return f"{value}%", v / 100
    raise AssertionError(style)


STYLES = ["plain", "thousands", "yuan", "dollar", "wan", "yi", "k", "percent"]


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(st.lists(st.tuples(amounts, st.sampled_from(STYLES)), min_size=1, max_size=25))
def test_numbers_in_an_export_land_in_the_store_as_the_number_they_mean(fcon, values):
    run = next(_run)
    rows, expect = [], []
    for i, (value, style) in enumerate(values):
        text, meant = _styled(value, style)
        rows.append(_row(i, run, spend=text))
        expect.append(meant)
    r = _load(fcon, rows, f"numbers_{run}.csv")
    assert r.status == "loaded", (r.status, r.errors[:3])
    got = [x for (x,) in fcon.execute("SELECT spend FROM fact WHERE batch_id = ? ORDER BY src_row",
                                      [r.batch_id]).fetchall()]
    assert got == pytest.approx(expect, rel=1e-12, abs=1e-9)


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=25))
def test_net_follows_accept_minus_and_parentheses(fcon, values):
    run = next(_run)
    rows = [_row(i, run, follows=(f"({-v:,}.00)" if v < 0 and i % 2 else f"{v}")) for i, v in enumerate(values)]
    r = _load(fcon, rows, f"follows_{run}.csv")
    assert r.status == "loaded", r.errors[:3]
    got = [x for (x,) in fcon.execute("SELECT follows FROM fact WHERE batch_id = ? ORDER BY src_row",
                                      [r.batch_id]).fetchall()]
    assert got == [float(v) for v in values]


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(st.lists(st.sampled_from(["-", "--", "N/A", "n/a", "", " ", "<5"]), min_size=1, max_size=10),
       st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=10))
def test_null_tokens_are_null_and_never_counted(fcon, nulls, numbers):
    run = next(_run)
    rows = [_row(i, run, impressions=t) for i, t in enumerate(nulls)]
    rows += [_row(100 + i, run, impressions=str(n)) for i, n in enumerate(numbers)]
    r = _load(fcon, rows, f"nulls_{run}.csv")
    assert r.status == "loaded", r.errors[:3]
    got = fcon.execute("SELECT count(*), count(impressions), sum(impressions) FROM fact WHERE batch_id = ?",
                       [r.batch_id]).fetchall()[0]
    assert got == (len(rows), len(numbers), float(sum(numbers)))


# ------------------------------------------------------------------------------------- dates

DATE_STYLES = {
    "iso": lambda d: d.isoformat(),
    "slash": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "slash_unpadded": lambda d: f"{d.year}/{d.month}/{d.day}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "dots": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "timestamp": lambda d: f"{d.isoformat()} 13:45:00",
}


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(st.lists(st.tuples(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 11, 30)),
                          st.sampled_from(sorted(DATE_STYLES))), min_size=1, max_size=25, unique_by=lambda x: x[0]))
def test_dates_in_an_export_land_in_the_store_as_the_day_they_mean(fcon, dates):
    run = next(_run)
    rows = [_row(i, run, date=DATE_STYLES[style](d), spend="1") for i, (d, style) in enumerate(dates)]
    r = _load(fcon, rows, f"dates_{run}.csv")
    assert r.status == "loaded", r.errors[:3]
    got = [x for (x,) in fcon.execute("SELECT date FROM fact WHERE batch_id = ? ORDER BY src_row",
                                      [r.batch_id]).fetchall()]
    assert got == [d for d, _ in dates]


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 11, 30)).filter(lambda d: d.day <= 12
                                                                                      and d.day != d.month))
def test_ambiguous_day_month_dates_are_never_guessed(fcon, d):
    run = next(_run)
    from relkit import content_digest

    before = content_digest(fcon)
    r = _load(fcon, [_row(0, run, date=f"{d.month:02d}/{d.day:02d}/{d.year}", spend="1")], f"amb_{run}.csv")
    assert r.status == "rejected" and r.errors[0]["code"] == "bad_date"
    assert content_digest(fcon) == before


# ------------------------------------------------------------------------------ idempotency

fact_rows = st.lists(
    st.tuples(st.sampled_from(["weibo", "douyin", "xiaohongshu", "meta"]), st.integers(0, 60),
              st.sampled_from(["spring", "summer", "品牌", "A,B", 'say "hi"']), st.sampled_from(["k1", "小鹿", "k3"]),
              st.integers(0, 10**7), st.integers(0, 10**6)),
    min_size=1, max_size=40)


def _fact_file(run: int, rows) -> list[list]:
    out = []
    for platform, day, campaign, kol, spend, imp in rows:
        date = (dt.date(2026, 2, 1) + dt.timedelta(days=day)).isoformat()
        out.append([platform, date, f"r{run} {campaign}", kol, f"{spend / 100:.2f}", str(imp), str(imp // 10), ""])
    return out


def _active(con, run: int) -> tuple:
    return tuple(con.execute("SELECT count(*), round(coalesce(sum(spend), 0), 2), coalesce(sum(impressions), 0) "
                             "FROM fact_active WHERE campaign LIKE ?", [f"r{run} %"]).fetchall()[0])


@settings(max_examples=15, deadline=None, suppress_health_check=SLOW)
@given(fact_rows)
def test_idempotency_law_load_f_then_load_f_equals_load_f(fcon, rows):
    from relkit import content_digest

    run = next(_run)
    data = csv_bytes(_fact_file(run, rows))
    first = ingest_bytes(fcon, data, f"week_{run}.csv")
    assert first.status == "loaded", first.errors[:3]
    once = (store.table_fingerprint(fcon), content_digest(fcon))
    again = ingest_bytes(fcon, data, f"week_{run} (copy).csv")
    assert again.status == "already_loaded" and again.batch_id == first.batch_id
    assert (store.table_fingerprint(fcon), content_digest(fcon)) == once


@settings(max_examples=12, deadline=None, suppress_health_check=SLOW)
@given(fact_rows, st.randoms(use_true_random=False))
def test_reloading_the_same_rows_in_another_order_or_format_counts_them_once(fcon, rows, rnd):
    import pandas as pd

    run = next(_run)
    table = _fact_file(run, rows)
    a = ingest_bytes(fcon, csv_bytes(table), f"a_{run}.csv")
    assert a.status == "loaded", a.errors[:3]
    after_a = _active(fcon, run)
    shuffled = table[:]
    rnd.shuffle(shuffled)
    b = ingest_bytes(fcon, fast_xlsx([GENERIC_HEADER, *shuffled]), f"b_{run}.xlsx")   # same rows, other bytes
    assert b.status == "loaded", b.errors[:3]
    assert _active(fcon, run) == after_a
    # And both equal an independent computation: duplicates of a key within a file add up (one row per key).
    df = pd.DataFrame(table, columns=GENERIC_HEADER)
    df["spend"] = df["spend"].astype(float)
    df["impressions"] = df["impressions"].astype(float)
    g = df.groupby(["platform", "date", "campaign", "kol"], as_index=False)[["spend", "impressions"]].sum()
    assert after_a == (len(g), round(g["spend"].sum(), 2), g["impressions"].sum())


# ------------------------------------------------------------------------------------ fuzz

FUZZ_SECONDS = float(os.environ.get("SMM_FUZZ_SECONDS", "40"))


def _seeds() -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "sample_data" / "files").iterdir())
    rnd = random.Random(5)
    picked = [f for f in files if f.suffix == ".csv"][:: 6] + [f for f in files if f.suffix == ".xlsx"][:: 12]
    seeds = [(f.name, f.read_bytes()[:60_000] if f.suffix == ".csv" else f.read_bytes()) for f in picked]
    generic = _fact_file(0, [("weibo", rnd.randint(0, 30), "spring", "k1", rnd.randint(0, 9999), 500)
                             for _ in range(30)])
    seeds += [("generic.csv", csv_bytes(generic)),
              ("gb.csv", csv_bytes(generic, encoding="gb18030")),
              ("u16.txt", b"\xff\xfe" + "\n".join("\t".join(r) for r in [GENERIC_HEADER, *generic]).encode("utf-16-le")),
              ("generic.xlsx", fast_xlsx([GENERIC_HEADER, *generic]))]
    return seeds


SEEDS = _seeds()


@st.composite
def mutated_file(draw):
    name, data = draw(st.sampled_from(SEEDS))
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup", "delete", "nul", "quote", "newline"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        elif op == "dup":
            j = draw(st.integers(i, min(len(data), i + 4096)))
            data[i:i] = data[i:j] * draw(st.integers(1, 4))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 512))]
        elif op == "nul":
            data[i:i] = b"\x00"
        elif op == "quote":
            data[i:i] = b'"'
        elif op == "newline":
            data[i:i] = draw(st.sampled_from([b"\n", b"\r", b"\r\n", b"\n\n"]))
    fname = draw(st.one_of(st.just(name), st.sampled_from(["x.csv", "x.xlsx", "x.txt", "报表.csv", "no_ext",
                                                           "a:b.csv", "..\\..\\x.csv", "x.csv\x00.exe"])))
    return fname, bytes(data)


raw_file = st.tuples(st.sampled_from(["r.csv", "r.xlsx", "r.tsv"]), st.binary(max_size=2048))
options = st.builds(LoadOptions, on_invalid=st.sampled_from(["reject", "load_valid"]),
                    decimal=st.sampled_from([".", ","]), today=st.just(dt.date(2026, 12, 1)))

_count = itertools.count()


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW, database=None)
@given(file=st.one_of(mutated_file(), mutated_file(), raw_file), opts=options)
def _fuzz_batch(fcon, file, opts):
    name, data = file
    assume(data)
    next(_count)
    before = store.table_fingerprint(fcon)
    r = ingest_bytes(fcon, data, name, opts)    # any exception fails the test (hypothesis shrinks it)
    assert isinstance(r, LoadReport)
    assert r.status in ("loaded", "already_loaded", "rejected", "unrecognised")
    if r.status == "loaded":
        assert r.rows_loaded > 0 and r.batch_id is not None
    else:
        assert r.errors or r.status == "already_loaded"
        assert store.table_fingerprint(fcon) == before


def test_fuzz_ingest_never_raises_and_a_rejection_changes_nothing(fcon):
    """Batches of 20 generated files until the time budget is spent (a failing file is shrunk and shown)."""
    deadline = time.monotonic() + FUZZ_SECONDS
    batches = 0
    while time.monotonic() < deadline:
        _fuzz_batch(fcon)
        batches += 1
    n = next(_count)
    print(f"fuzz: {n} files in {batches} batches, {FUZZ_SECONDS:.0f} s budget")
    assert n >= 20
