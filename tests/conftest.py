"""Shared fixtures: a real DuckDB store loaded from sample_data/, real files, AppTest helpers."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = ROOT.parent / "shared" / "data" / "real"


def real_dir() -> Path:
    """The real public exports; skipped (with the reason printed) only where ../shared is absent, never in CI."""
    if REAL_DIR.is_dir():
        return REAL_DIR
    if os.environ.get("CI"):
        pytest.fail(f"{REAL_DIR} is missing in CI")
    pytest.skip(f"real data folder {REAL_DIR} not present (shared/ not checked out beside the repo)")


@pytest.fixture(autouse=True)
def _no_shared_store(tmp_path_factory, monkeypatch) -> None:
    """No test reaches the user's own store, or a store another test uses at the same time: SMM_DB points at an
    empty store of the test's own, until a store fixture (sample_db, empty_db …) points it elsewhere. A test with
    no store fixture once opened the default store, which a test on the other worker had open."""
    monkeypatch.setenv("SMM_DB", str(tmp_path_factory.mktemp("own-store") / "smm.duckdb"))


@pytest.fixture(scope="session")
def sample_db_master(tmp_path_factory) -> Path:
    """A store with the bundled sample loaded once per test process (copied per test)."""
    from smm import store
    from smm.sample import load_sample

    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = store.connect(path)
    reports = load_sample(con)
    bad = [(r.file, r.status, r.errors[:3]) for r in reports if r.status != "loaded"]
    assert not bad, bad
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def sample_db(sample_db_master, tmp_path, monkeypatch) -> Path:
    """A private copy of the sample store; SMM_DB points at it."""
    path = tmp_path / "smm.duckdb"
    shutil.copy(sample_db_master, path)
    monkeypatch.setenv("SMM_DB", str(path))
    return path


def migrations_up_to(directory: Path, version: int) -> Path:
    """A copy of the migrations up to `version` in `directory`: for a store as that schema kept it
    (monkeypatch store.MIGRATIONS_DIR to the returned folder)."""
    from smm import store

    directory.mkdir()
    for p in store.MIGRATIONS_DIR.glob("*.sql"):
        if int(p.name[:3]) <= version:
            shutil.copy(p, directory / p.name)
    return directory


def as_schema(m: pytest.MonkeyPatch, directory: Path, version: int) -> None:
    """Within the monkeypatch context `m`, open and write stores as schema `version` kept them: its migrations
    only (copied to `directory`), fact rows in the one `fact` table of schemas before 8, and no batch labels before 10."""
    from smm import ingest, store

    m.setattr(store, "MIGRATIONS_DIR", migrations_up_to(directory, version))
    if version < 10:
        m.setattr(ingest, "_label_batch", lambda *_: None)      # (the columns it fills came with 010)
    if version < 8:
        m.setattr(ingest, "FACT_TABLES", ("fact", "fact"))
        m.setattr(ingest, "FACT_NARROW_COLUMNS", ())


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("SMM_DB", str(path))
    return path


@pytest.fixture
def con(tmp_path):
    """A fresh, migrated store connection (file-backed, like production)."""
    from smm import store

    c = store.connect(tmp_path / "t.duckdb")
    yield c
    c.close()


@pytest.fixture
def sample_con(sample_db):
    from smm import store

    c = store.connect(sample_db)
    yield c
    c.close()


@pytest.fixture
def clear_streamlit_caches():
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _patch_apptest_pages_manager() -> None:
    """Make AppTest behave like the server for an st.navigation app that keeps its pages in pages/.

    AppTest (1.67) resets PagesManager.uses_pages_directory before every run, and the PagesManager then
    re-detects the pages/ folder and runs the legacy multipage path: from the second run on it executes
    the page file alone, without the entry point (no sidebar, no shared filters). The server never does
    this, because st.navigation sets the flag to False. Here the flag is forced to what the server has.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test as app_test_module

    if getattr(app_test_module.PagesManager, "_smm_patched", False):
        return

    class _V2PagesManager(PagesManager):
        _smm_patched = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test_module.PagesManager = _V2PagesManager


def app_test(**query):
    """An AppTest of the entry point with URL query parameters set."""
    from streamlit.testing.v1 import AppTest

    _patch_apptest_pages_manager()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at


# ---------------------------------------------------------------- real browser

IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on a free loopback port against its own copy of the sample store."""

    def __init__(self, db: Path, env: dict[str, str] | None = None) -> None:
        import subprocess
        import sys
        import time
        import urllib.request

        self.db = db
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.gate = db.with_suffix(".gate")     # see hold_loads
        env = {**os.environ, "SMM_DB": str(db), "SMM_LOAD_GATE": str(self.gate), "PYTHONUNBUFFERED": "1",
               "PYTHONFAULTHANDLER": "1", **(env or {})}
        self.log = open(db.with_suffix(".log"), "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "serve.py"), "run", "app.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={self.port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start: " + db.with_suffix(".log").read_text()[-2000:])

    @contextlib.contextmanager
    def hold_loads(self):
        """Within the block, the server's uploads stop at the start of each file's write step (smm.jobs'
        SMM_LOAD_GATE) and wait there: what a test does meanwhile surely happens while a load runs, on a machine
        of any speed. They go on as the block ends, however it ends."""
        self.gate.touch()
        try:
            yield
        finally:
            self.gate.unlink(missing_ok=True)

    def stop(self, patience: float = 60, *, close=None) -> None:
        """SIGTERM, then wait for the server to exit: it closes the store on the way out, which folds the store's
        log into its file (a second or so after a large load, longer on a busy machine; a clean-clone CI run once
        took over 10 s).

        `close`: a Playwright page whose browser context is closed first. Streamlit's server (uvicorn) waits,
        without a time limit, for every open connection to close before it exits; twice in clean-clone CI a
        server stopped with a tab still open was still running a minute later, its event loop idle. A test that
        stops the server only to read the store closes its tab first, as a person would.

        A server still running after `patience` seconds is hung: what its event loop waits on (tests/serve.py,
        on SIGUSR1) and its threads' stacks (Python's faulthandler, on SIGABRT) are put in the failure, and it is
        killed."""
        import signal
        import subprocess
        import time

        if close is not None:
            close.context.close()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(patience)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGUSR1)
                time.sleep(3)
                os.killpg(self.proc.pid, signal.SIGABRT)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
                self.log.close()
                log = self.db.with_suffix(".log").read_text()
                from serve import BEGIN, END

                waits = log[log.find(BEGIN):log.find(END)] if BEGIN in log else "(no report on SIGUSR1)"
                raise AssertionError(f"streamlit did not exit within {patience:.0f} s of SIGTERM; it waits on:\n"
                                     f"{waits[:8000]}\nthe end of its log:\n{log[-4000:]}") from None
        self.log.close()


@pytest.fixture(scope="module")
def st_server(sample_db_master, tmp_path_factory):
    """A running app on a private copy of the sample store (one per test module)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing in CI")
        pytest.skip(f"{CHROMIUM} not installed")
    db = tmp_path_factory.mktemp("server") / "smm.duckdb"
    shutil.copy(sample_db_master, db)
    server = StreamlitServer(db)
    yield server
    server.stop()


@pytest.fixture
def own_server(sample_db_master, tmp_path):
    """A running app on its own copy of the sample store, for a test that stops it to read the store."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing in CI")
        pytest.skip(f"{CHROMIUM} not installed")
    db = tmp_path / "own" / "smm.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db_master, db)
    server = StreamlitServer(db)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser page, 1600×1000 like a meeting-room projector."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN", accept_downloads=True)
    ctx.add_init_script(COUNT_RUNS)
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    # Assertions wait for the page as long as actions do: 5 s (Playwright's default) was too short for a chart to
    # draw on a loaded 2-CPU machine (the Budget page's first chart, once, in a clean-clone CI run).
    from playwright.sync_api import expect

    expect.set_options(timeout=30000)
    yield pg
    ctx.close()


def wait_idle(page) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.wait_for_selector(IDLE, timeout=60000)


# Every page counts the script runs it has seen start (window.__smmRuns), for click_and_wait.
COUNT_RUNS = """
window.__smmRuns = 0;
new MutationObserver(changes => {
  for (const c of changes) {
    if (c.target.getAttribute('data-test-script-state') === 'running') window.__smmRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""


def click_and_wait(page, locator, start_ms: int = 5000, **click) -> None:
    """Click, then wait for the script run the click asks for to start and end. Right after a click the page still
    reads idle (the run has not begun: the click's message is on its way to the server), so wait_idle alone can
    return before that run, and the next action lands in the middle of it. A run too short to be seen starting
    within `start_ms` is taken as ended once the page is idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate("() => window.__smmRuns")
    locator.click(**click)
    try:
        page.wait_for_function("n => window.__smmRuns > n", arg=before, timeout=start_ms)
    except PlaywrightTimeout:
        pass
    wait_idle(page)


def click_mid_screen(page, locator) -> None:
    """Click a button once it stands mid-screen. At the bottom edge of the window (a popover's trigger at 926-966 of
    1000 px, just below an expander opened and a table drawn) the page could scroll as the click landed: right
    after it the button stood 45-72 px higher, and nothing had happened (no rerun, no popover: the Data page's format
    delete failed so in CI and in 4 local runs of 24). Why the page moved then was not found; mid-screen, 15 of 15
    passed."""
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    steady(page, locator.bounding_box, every_ms=200)
    locator.click()


def steady(page, read, timeout_ms: int = 15000, every_ms: int = 500):
    """Call `read()` until two reads `every_ms` apart agree (or the time is up), and return the last read. Right
    after the first of several elements shows, later ones may still be drawing, and an element still moving (a late
    rerun, a zoom settling) is not where it will stand: a value read once can be a passing one."""
    last, waited = read(), 0
    while waited < timeout_ms:
        page.wait_for_timeout(every_ms)
        waited += every_ms
        now = read()
        if now == last:
            break
        last = now
    return last


def settled(page, script, ok, timeout_ms: int = 15000):
    """Read `script` (a script to evaluate in the page, or a function to call) until `ok(result)` or the time is
    up; return the last result.

    A resize lays out again at once, but charts redraw a moment later and a page's style elements can arrive
    after its last element: waiting for the condition, not for a fixed time, keeps the checks from racing them.
    """
    read = script if callable(script) else lambda: page.evaluate(script)
    waited = 0
    while True:
        result = read()
        if ok(result) or waited >= timeout_ms:
            return result
        page.wait_for_timeout(200)
        waited += 200


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ (kept for people to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
