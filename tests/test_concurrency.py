"""Issue 7, "Many viewers": concurrent sessions of the real app (AppTest in threads, sharing one process,
one cached root connection and the Streamlit caches, as sessions on a server do), concurrent writers,
and session isolation. The long variant against a real server is bench/load.py.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, app_test
from relkit import GENERIC_HEADER, csv_bytes

from smm import queries, store, ui
from smm.ingest import ingest_bytes

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

READERS = 20
PAGES = [p for p, *_ in ui.PAGES if (ROOT / p).exists()]


def _upload_rows(n: int, spend0: int = 0) -> list[list]:
    """A new week of a new campaign set (dates after the sample, so it adds to the totals)."""
    return [["weibo", f"2027-01-{i % 28 + 1:02d}", f"load test {i // 28}", f"kol{i % 9}", str(spend0 + i % 500),
             str(1000 + i), str(i % 50), ""] for i in range(n)]


def _totals(cur) -> tuple[int, float]:
    t = queries.totals(cur, queries.Filters(currency="CNY"))
    return t["rows"], round(t["spend"] or 0.0, 2)


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"smm_bench_{name}", ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_readers_see_the_old_or_the_new_batch_never_half(sample_db):
    """Sessions query through cursors of the app's one root connection (as ui.con() gives each script run)
    while another session's upload commits: every query sees the totals before or after, never between."""
    warm = app_test().run()                      # opens the cached root connection, as the first visitor does
    assert not warm.exception
    root = ui._root(str(sample_db))
    rows = _upload_rows(20_000)
    old = _totals(root.cursor())
    new = (old[0] + len(rows), round(old[1] + sum(float(r[4]) for r in rows), 2))
    data = csv_bytes(rows)
    seen: set[tuple[int, float]] = set()
    rollup_seen: set[tuple[int, float]] = set()
    errors: list[str] = []
    done = threading.Event()
    start = threading.Barrier(READERS + 1)

    def reader() -> None:
        cur = root.cursor()
        start.wait()
        try:
            while not done.is_set():
                seen.add(_totals(cur))
                rollup_seen.add(tuple(cur.execute(
                    "SELECT CAST(sum(n_rows) AS BIGINT), round(sum(spend), 2) FROM fact_daily WHERE currency = 'CNY'"
                ).fetchall()[0]))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for t in threads:
        t.start()
    start.wait()
    report = ingest_bytes(root.cursor(), data, "week_2027_01.csv")
    time.sleep(0.3)
    done.set()
    for t in threads:
        t.join(120)
    assert report.status == "loaded", report.errors[:3]
    assert not errors, errors
    assert seen <= {old, new}, f"a reader saw a half-loaded batch: {seen - {old, new}}"
    assert new in seen
    assert len(rollup_seen) <= 2   # the rollup, too, moves in one step


@pytest.mark.browser
def test_twenty_sessions_on_a_real_server_read_every_page_while_one_uploads(st_server, page, tmp_path):
    """20 real sessions (websocket clients of `streamlit run app.py`, bench/load.py) open the app and read
    the pages, all at once, while a Chromium session uploads an export on the Data page: no exception and
    no store error (lock, busy, conflict) on any page; the upload is reported loaded."""
    from conftest import wait_idle
    from playwright.sync_api import expect

    load = _bench("load")
    upload = load.upload_files(tmp_path, 1, rows=3000)[0]
    n_pages = len(PAGES)
    start = threading.Barrier(READERS + 1)
    result: list = []
    rt = threading.Thread(target=lambda: result.append(
        load.readers(st_server.url, READERS, rounds=1, pages_per_session=1, start=start)))
    page.goto(st_server.url + "/data")
    wait_idle(page)
    rt.start()
    start.wait(timeout=300)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=upload.name).first).to_be_visible(
        timeout=300_000)
    rt.join(900)
    times, problems = result[0]
    if problems:
        st_server.log.flush()
        log = Path(st_server.log.name).read_text(errors="replace")
        pytest.fail(f"{len(problems)} problems, e.g. {problems[:3]}\nserver log tail:\n{log[-4000:]}")
    views = [p for p, _ in times if p != "(default)"]
    assert len(views) == READERS and len(set(views)) == n_pages    # every page read, by several sessions
    secs = sorted(t for _, t in times)
    print(f"{READERS} sessions on a real server: page time median {statistics.median(secs):.2f} s, "
          f"p95 {secs[int(0.95 * (len(secs) - 1))]:.2f} s")


def test_concurrent_overlapping_uploads_in_two_sessions_do_not_conflict(con):
    """Two sessions loading overlapping exports at the same moment: both load (no "Conflict on update"),
    and the store ends as if they had loaded one after the other (the later batch wins the overlap)."""
    base = [["weibo", f"2026-06-{i % 28 + 1:02d}", f"c{i % 40}", "k", "1", "100", "1", ""] for i in range(1120)]
    assert ingest_bytes(con, csv_bytes(base), "base.csv").status == "loaded"
    files = {f"export_{k}.csv": [[*r[:4], str(k + 2), *r[5:]] for r in base] for k in range(4)}
    reports, errors = {}, []
    gate = threading.Barrier(len(files))

    def load(name: str) -> None:
        cur = con.cursor()
        gate.wait()
        try:
            reports[name] = ingest_bytes(cur, csv_bytes(files[name]), name)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=load, args=(n,)) for n in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    assert all(r.status == "loaded" for r in reports.values()), {n: (r.status, r.errors[:1]) for n, r in reports.items()}
    last = max(reports, key=lambda n: reports[n].batch_id)
    frame = pd.DataFrame(files[last], columns=GENERIC_HEADER).drop_duplicates(["date", "campaign"])
    expect = float(pd.DataFrame(files[last], columns=GENERIC_HEADER)["spend"].astype(float).sum())
    got = con.execute("SELECT count(*), sum(spend) FROM fact_active").fetchall()[0]
    assert got == (len(frame), expect)
    assert con.execute("SELECT count(*) FROM fact WHERE superseded_by IS NULL AND batch_id <> ?",
                       [reports[last].batch_id]).fetchall()[0][0] == 0


def test_the_same_file_uploaded_in_two_sessions_at_once_is_loaded_once(con):
    data = csv_bytes([["weibo", f"2026-07-{d:02d}", "c", "k", "5", "100", "1", ""] for d in range(1, 29)])
    out, gate = [], threading.Barrier(3)

    def load() -> None:
        cur = con.cursor()
        gate.wait()
        out.append(ingest_bytes(cur, data, "same.csv"))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert sorted(r.status for r in out) == ["already_loaded", "already_loaded", "loaded"]
    assert len({r.batch_id for r in out}) == 1
    assert con.execute("SELECT count(*), sum(spend) FROM fact_active").fetchall()[0] == (28, 140.0)
    assert con.execute("SELECT count(*) FROM load_batches").fetchall()[0][0] == 1


# ------------------------------------------------------------------------------------ isolation


def test_two_sessions_never_see_each_others_uploads_mappings_or_filters(sample_db):
    unknown = csv_bytes([["x1", "2026-03-02", "12"], ["x2", "2026-03-03", "13"]],
                        ["Mystery metric A", "When", "Mystery count"])
    known = csv_bytes(_upload_rows(30, spend0=7))
    a = app_test().run()
    b = app_test().run()
    a.switch_page("pages/data.py").run()
    b.switch_page("pages/data.py").run()
    a.file_uploader(key="uploader").set_value([("mystery_export.csv", unknown, "text/csv")]).run()
    b.file_uploader(key="uploader").set_value([("weibo_week.csv", known, "text/csv")]).run()
    a.run()
    assert not a.exception and not b.exception

    # The load history is the store's, shared by design: its delete offers the newest batch, whoever loaded it (the
    # confirmation in its popover names that file). Every other message is the session's own.
    from smm import i18n

    shared = tuple(i18n.MESSAGES["data.delete_confirm"][k].split("{")[0] for k in (0, 1))

    def texts(at) -> str:
        parts = [e.value for e in (*at.error, *at.success, *at.info, *at.warning) if not str(e.value).startswith(shared)]
        parts += [str(c.value) for c in at.code] + [s.value for s in at.subheader]
        return "\n".join(map(str, parts))

    ta, tb = texts(a), texts(b)
    # Pending uploads and load reports stay in their session.
    assert "mystery_export.csv" in ta and "weibo_week.csv" not in ta
    assert "weibo_week.csv" in tb and "mystery_export.csv" not in tb
    assert [r.file for r in a.session_state["_reports"]] == ["mystery_export.csv"]
    assert [r.file for r in b.session_state["_reports"]] == ["weibo_week.csv"]
    assert [f.name for f in a.session_state["uploader"]] == ["mystery_export.csv"]
    assert [f.name for f in b.session_state["uploader"]] == ["weibo_week.csv"]
    # A's mapping step (an unrecognised format) is A's alone.
    a_mapping = [s for s in a.selectbox if s.key and s.key.startswith("map_col_")]
    assert [s.label for s in a_mapping] == ["Mystery metric A", "When", "Mystery count"]
    assert not [s for s in b.selectbox if s.key and s.key.startswith("map_col_")]
    # Filters: A narrows the platforms and the dates; B's sidebar does not move.
    b_before = (b.sidebar.multiselect(key="platforms").value, b.session_state["dates"])
    a.sidebar.multiselect(key="platforms").set_value(["weibo"]).run()
    a.sidebar.date_input(key="dates").set_value((a.session_state["dates"][0], a.session_state["dates"][0])).run()
    b.run()
    assert a.sidebar.multiselect(key="platforms").value == ["weibo"]
    assert (b.sidebar.multiselect(key="platforms").value, b.session_state["dates"]) == b_before
    assert "platforms" not in b.query_params
    # And the one shared thing, the store, has B's load (and nothing of A's unrecognised file).
    c = store.connect(Path(sample_db))
    assert c.execute("SELECT count(*) FROM load_batches WHERE file_name = 'weibo_week.csv'").fetchall()[0][0] == 1
    assert c.execute("SELECT count(*) FROM load_batches WHERE file_name = 'mystery_export.csv'").fetchall()[0][0] == 0
    c.close()
