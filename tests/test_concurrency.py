"""Issue 7, "Many viewers": concurrent sessions of the real app (AppTest in threads, sharing one process,
one cached root connection and the Streamlit caches, as sessions on a server do), concurrent writers,
and session isolation. The long variant against a real server is bench/load.py.
"""

from __future__ import annotations

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


def test_twenty_sessions_read_every_page_while_one_uploads(sample_db):
    rows = _upload_rows(3000)
    data = csv_bytes(rows)
    warm = app_test().run()                      # opens the cached root connection, as the first visitor does
    assert not warm.exception
    root = ui._root(str(sample_db))
    old = _totals(root.cursor())
    new = (old[0] + len(rows), round(old[1] + sum(float(r[4]) for r in rows), 2))

    start = threading.Barrier(READERS + 2)
    done = threading.Event()
    problems: list[str] = []
    page_times: list[float] = []
    seen: set[tuple[int, float]] = set()

    def reader(k: int) -> None:
        page = PAGES[k % len(PAGES)]
        try:
            at = app_test()
            start.wait()
            t0 = time.monotonic()
            at.run()
            if page != PAGES[0]:
                at.switch_page(page).run()
            page_times.append(time.monotonic() - t0)
            if at.exception:
                problems.append(f"session {k} {page}: exception {at.exception[0].value[:300]}")
            for e in at.error:
                problems.append(f"session {k} {page}: st.error {e.value[:300]}")
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            problems.append(f"session {k} {page}: {e!r}"[:400])

    def uploader() -> None:
        try:
            at = app_test()
            at.run()
            at.switch_page("pages/data.py").run()
            start.wait()
            at.file_uploader(key="uploader").set_value([("week_2027_01.csv", data, "text/csv")]).run()
            if at.exception:
                problems.append(f"uploader: exception {at.exception[0].value[:300]}")
            if not at.success:
                problems.append(f"uploader: no success message; errors {[e.value for e in at.error]}")
        except Exception as e:  # noqa: BLE001
            problems.append(f"uploader: {e!r}"[:400])

    def probe() -> None:
        """What every page query sees while the upload commits: the old totals or the new, never a mix."""
        start.wait()
        while not done.is_set():
            seen.add(_totals(root.cursor()))
            time.sleep(0.01)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
    threads += [threading.Thread(target=uploader), threading.Thread(target=probe)]
    for t in threads:
        t.start()
    for t in threads[:-1]:
        t.join(600)
    done.set()
    threads[-1].join(60)
    print(f"{READERS} sessions: page time median {sorted(page_times)[len(page_times) // 2]:.2f}s "
          f"max {max(page_times):.2f}s; totals seen {sorted(seen)}")
    assert not problems, problems
    assert len(page_times) == READERS
    assert seen <= {old, new}, f"a reader saw a half-loaded batch: {seen - {old, new}}"
    assert _totals(root.cursor()) == new


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

    def texts(at) -> str:
        parts = [e.value for e in (*at.error, *at.success, *at.info, *at.warning)]
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
