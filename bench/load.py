"""Many viewers: N concurrent sessions on a real `streamlit run app.py` server read every page, while one
browser session uploads exports through the Data page. Prints page-time median / p95 and the server's RSS.

    python bench/load.py [--sessions 20] [--rounds 3] [--uploads 3] [--db PATH]

Readers are real Streamlit sessions speaking the app's websocket protocol (what the browser sends: a
`rerun_script` BackMsg per page view, with the page's script hash; a page view ends with the server's
`script_finished`), so 20 of them cost the client almost nothing and the figures are the server's. The
uploader is Chromium (Playwright) uploading files through the real file uploader. A page view fails if it
shows an exception, or an st.error about the store (lock, busy, conflict, write failure).

Baselines measured in the same run: the same pages read by ONE session with nothing else going on (the
page time a single user gets), and the server's RSS after that warm-up (growth is measured from there).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_ERROR = re.compile(r"lock|conflict|in use|占用|cannot be written|无法写入|database|transaction|traceback",
                         re.IGNORECASE)


# ---------------------------------------------------------------------------------- protocol client


class Session:
    """One browser tab's worth of Streamlit session, without the browser."""

    def __init__(self, base_url: str, query: str = "") -> None:
        from websockets.sync.client import connect

        ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        kw = {"subprotocols": ["streamlit"], "max_size": None, "open_timeout": 60, "ping_interval": None}
        try:
            self.ws = connect(ws_url, legacy=True, **kw)   # a plain connection object, not a context manager
        except TypeError:
            self.ws = connect(ws_url, **kw)
        self.query = query
        self.pages: list[tuple[str, str]] = []      # (script hash, url path)

    def view(self, page_hash: str = "", timeout: float = 300) -> tuple[float, list[str]]:
        """Run one page (the default page when page_hash is empty); return (seconds, problems shown)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = page_hash
        t0 = time.monotonic()
        self.ws.send(msg.SerializeToString())
        problems: list[str] = []
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=timeout))
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                # The default page may be listed with an empty url path in one message and its own in another.
                # A hidden page (the Overview's alias at /overview, which only switches to "/") is not a page.
                known = dict(self.pages)
                self.pages = [(p.page_script_hash, p.url_pathname or known.get(p.page_script_hash, ""))
                              for p in fm.navigation.app_pages if not p.is_hidden]
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                what = el.WhichOneof("type")
                if what == "exception":
                    problems.append(f"exception: {el.exception.type}: {el.exception.message[:300]}")
                elif what == "alert" and el.alert.format == el.alert.ERROR and STORE_ERROR.search(el.alert.body):
                    problems.append(f"st.error: {el.alert.body[:300]}")
            elif kind == "script_finished":
                return time.monotonic() - t0, problems

    def close(self) -> None:
        self.ws.close()


def rss_mb(pid: int) -> float:
    """Resident memory of the server process and its children (MB)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except FileNotFoundError:
        return []


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


# ------------------------------------------------------------------------------------------ the load


def readers(base_url: str, n: int, rounds: int, pages_per_session: int | None = None,
            start: threading.Barrier | None = None) -> tuple[list[tuple[str, float]], list[str]]:
    """n sessions in threads; each views every page `rounds` times (or its share of the pages).
    Returns ([(page, seconds)], [problems])."""
    times: list[tuple[str, float]] = []
    problems: list[str] = []
    lock = threading.Lock()

    def one(k: int) -> None:
        try:
            s = Session(base_url)
            if start:
                start.wait()
            dt, bad = s.view()
            with lock:
                times.append(("(default)", dt))
                problems.extend(f"session {k} default page: {b}" for b in bad)
            pages = s.pages
            if pages_per_session is not None:
                pages = [pages[(k + i) % len(pages)] for i in range(pages_per_session)]
            for _ in range(rounds):
                for h, url in pages:
                    dt, bad = s.view(h)
                    with lock:
                        times.append((url or "/", dt))
                        problems.extend(f"session {k} /{url}: {b}" for b in bad)
            s.close()
        except Exception as e:  # noqa: BLE001 - reported
            with lock:
                problems.append(f"session {k}: {type(e).__name__}: {e}"[:400])

    threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(1800)
    return times, problems


def upload_with_browser(base_url: str, files: list[Path], start: threading.Barrier | None = None) -> list[str]:
    """Upload each file through the Data page in Chromium; returns the load-report lines shown."""
    from playwright.sync_api import expect, sync_playwright

    idle = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
    shown = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(300_000)
        page.goto(base_url + "/data?lang=en")
        page.wait_for_selector(idle)
        if start:
            start.wait()
        for f in files:
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(f))
            ok = page.locator('[data-testid="stAlertContentSuccess"]', has_text=f.name)
            expect(ok.first).to_be_visible(timeout=300_000)
            shown.append(ok.first.inner_text())
            page.wait_for_selector(idle)
        b.close()
    return shown


def upload_files(directory: Path, n: int, rows: int = 5000) -> list[Path]:
    """Weekly exports of a new campaign set (generic template), one week each."""
    import csv
    import datetime as dt

    out = []
    directory.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        p = directory / f"load_test_week_{k + 1}.csv"
        with open(p, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["platform", "date", "campaign", "kol", "spend", "impressions", "clicks"])
            for i in range(rows):
                day = dt.date(2027, 1, 4) + dt.timedelta(days=7 * k + i % 7)
                w.writerow(["weibo", day.isoformat(), f"load campaign {i // 7}", f"kol{i % 11}", i % 700,
                            1000 + i, i % 60])
        out.append(p)
    return out


def start_server(db: Path):
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import StreamlitServer

    return StreamlitServer(db)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3, help="times each session reads every page")
    ap.add_argument("--uploads", type=int, default=3, help="files the browser session uploads meanwhile")
    ap.add_argument("--db", type=Path, help="store to copy (default: a fresh store with the bundled sample)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "smm.duckdb"
        if args.db:
            shutil.copy(args.db, db)
        else:
            subprocess.run([sys.executable, "-m", "smm", "sample", "--db", str(db)], check=True, cwd=ROOT,
                           capture_output=True)
        files = upload_files(tmp / "uploads", args.uploads)
        server = start_server(db)
        try:
            pid = server.proc.pid
            rss0 = rss_mb(pid)
            base, bad0 = readers(server.url, 1, 2)           # warm-up and single-user baseline
            single = [t for p, t in base[len(base) // 2:]]   # second round: warm caches
            rss_warm = rss_mb(pid)
            peak = [rss_warm]
            stop = threading.Event()

            def sample_rss() -> None:
                while not stop.is_set():
                    peak.append(rss_mb(pid))
                    time.sleep(0.5)

            sampler = threading.Thread(target=sample_rss, daemon=True)
            sampler.start()
            start = threading.Barrier(args.sessions + 1)
            shown: list[str] = []
            up = threading.Thread(target=lambda: shown.extend(upload_with_browser(server.url, files, start)))
            t0 = time.monotonic()
            up.start()
            times, problems = readers(server.url, args.sessions, args.rounds, start=start)
            up.join(1800)
            wall = time.monotonic() - t0
            stop.set()
            sampler.join(5)
            rss_end = rss_mb(pid)
        finally:
            server.stop()
    page_times = [t for p, t in times if p != "(default)"]
    per_page = {}
    for p, t in times:
        per_page.setdefault(p, []).append(t)
    print(f"load: {args.sessions} sessions x {args.rounds} rounds of every page, {args.uploads} uploads meanwhile")
    print(f"  page views: {len(page_times)} in {wall:.1f} s; problems: {len(problems) + len(bad0)}")
    for line in (problems + bad0)[:20]:
        print("   ", line)
    print(f"  uploads shown as loaded: {len(shown)}/{args.uploads}")
    print(f"  page time under load:  median {statistics.median(page_times):.2f} s, "
          f"p95 {percentile(page_times, 0.95):.2f} s, max {max(page_times):.2f} s")
    print(f"  baseline (1 session, warm): median {statistics.median(single):.2f} s, p95 {percentile(single, 0.95):.2f} s")
    print(f"  ratio median load/baseline: {statistics.median(page_times) / statistics.median(single):.1f}x")
    for p, ts in sorted(per_page.items()):
        print(f"    {p:<10} n={len(ts):<4} median {statistics.median(ts):.2f} s  p95 {percentile(ts, 0.95):.2f} s")
    print(f"  server RSS: start {rss0:.0f} MB, after warm-up {rss_warm:.0f} MB, peak {max(peak):.0f} MB, "
          f"end {rss_end:.0f} MB; growth under load {rss_end - rss_warm:+.0f} MB (peak {max(peak) - rss_warm:+.0f} MB)")
    print(f"RESULT sessions={args.sessions} views={len(page_times)} problems={len(problems) + len(bad0)} "
          f"median={statistics.median(page_times):.2f} p95={percentile(page_times, 0.95):.2f} "
          f"baseline_median={statistics.median(single):.2f} rss_growth_mb={rss_end - rss_warm:.0f}")
    sys.exit(1 if problems or bad0 or len(shown) != args.uploads else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
