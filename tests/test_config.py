"""Issue 7, "Safe defaults": server settings, no secrets in the repository, no raw HTML built from user
text, the optional login gate, and the dependency audit's verdicts."""

from __future__ import annotations

import ast
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, app_test

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

CODE = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "smm").rglob("*.py")])


# ------------------------------------------------------------------------------ server settings


def test_streamlit_config_keeps_its_safety_settings():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = cfg["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    # A deliberate upload limit: set explicitly, big enough for a 1M-row export, far below "anything".
    assert isinstance(server["maxUploadSize"], int) and 50 <= server["maxUploadSize"] <= 1000
    assert server.get("runOnSave") is not True
    assert cfg.get("client", {}).get("showErrorDetails") in ("none", "stacktrace", False)
    assert cfg.get("browser", {}).get("gatherUsageStats") is False
    assert "auth" not in cfg and "secrets" not in cfg


def _repo_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [ROOT / f for f in out if f and (ROOT / f).is_file()]


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),                                  # AWS access key id
    re.compile(r"ghp_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}"),   # GitHub tokens
    re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),                      # Slack tokens
    re.compile(r"sk-[A-Za-z0-9]{32,}"),                               # API keys of the OpenAI kind
    # An assignment of a real-looking value to a secret-named setting (placeholders like "<...>" are fine).
    re.compile(r"""(?i)\b(?:client_secret|cookie_secret|password|passwd|api_key|apikey|secret_key|access_token)\b"""
               r"""\s*[=:]\s*["']([A-Za-z0-9_\-+/=]{16,})["']"""),
]


def test_no_secrets_in_the_repository():
    assert not (ROOT / ".streamlit" / "secrets.toml").exists() or ".streamlit/secrets.toml" in \
        (ROOT / ".gitignore").read_text(), "a secrets.toml must never be committed"
    gitignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT).returncode == 0
    assert gitignored, ".streamlit/secrets.toml must be listed in .gitignore"
    hits = []
    for f in _repo_files():
        if f.suffix.lower() in (".xlsx", ".xls", ".png", ".duckdb", ".parquet"):
            continue
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for pat in SECRET_PATTERNS:
            for m in pat.finditer(text):
                hits.append(f"{f.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)[:40]}")
    assert not hits, hits


def test_secret_scanner_catches_what_it_should():
    # Assembled at run time so that this file does not trip the scan of the repository itself.
    samples = ["client_" + 'secret = "GOCSPX-abcdefghijklmnopqrstu"', "-----BEGIN RSA PRIVATE " + "KEY-----",
               "cookie_" + 'secret: "0123456789abcdef0123456789abcdef"', "AKIA" + "ABCDEFGHIJKLMNOP"]
    for s in samples:
        assert any(p.search(s) for p in SECRET_PATTERNS), s
    for ok in ['client_secret = "<from your identity provider>"', 'cookie_secret = "<random 32+ characters>"',
               "password = st.text_input('password')"]:
        assert not any(p.search(ok) for p in SECRET_PATTERNS), ok


# ------------------------------------------------------------------------------------ raw HTML

# Streamlit calls that put raw HTML on the page. The rule: their HTML argument must be a static constant:
# a string literal, a module-level UPPER_CASE name (or attribute of a module, e.g. oc.PAGE_CSS) bound to a
# string literal, or a conditional choosing between such constants. Anything computed (f-strings, +, %,
# .format, calls, variables) could carry user text (a KOL name, a campaign, a file name) and is refused.
HTML_FUNCS = {"html"}                       # st.html, components.html, st.components.v1.html
UNSAFE_KW = "unsafe_allow_html"


def _constants(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name) and t.id.isupper()}
    return names


def _module_constants() -> dict[str, set[str]]:
    out = {}
    for f in CODE:
        out[f.stem] = _constants(ast.parse(f.read_text(encoding="utf-8")))
    return out


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> module file stem, for `import smm.x as y` and `from smm import x as y`."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                out[a.asname or a.name] = a.name
        elif isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name.split(".")[-1]
    return out


def _static(node: ast.AST, local: set[str], modules: dict[str, set[str]], aliases: dict[str, str]) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Name):
        return node.id in local
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr in modules.get(aliases.get(node.value.id, node.value.id), set())
    if isinstance(node, ast.IfExp):
        return _static(node.body, local, modules, aliases) and _static(node.orelse, local, modules, aliases)
    return False


def html_violations(files: list[Path]) -> list[str]:
    modules = _module_constants()
    bad = []
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        local, aliases = _constants(tree), _aliases(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            unsafe = any(k.arg == UNSAFE_KW and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                         for k in node.keywords)
            if name in HTML_FUNCS or unsafe:
                arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("body", "html")),
                                                          None)
                if arg is None or not _static(arg, local, modules, aliases):
                    where = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f.name
                    bad.append(f"{where}:{node.lineno}: {ast.unparse(node)[:120]}")
    return bad


def test_no_raw_html_built_from_anything_but_static_constants():
    assert not html_violations(CODE), html_violations(CODE)


def test_the_html_rule_refuses_user_derived_strings(tmp_path):
    src = tmp_path / "sample_page.py"
    src.write_text(
        "import streamlit as st\n"
        "CSS = '<style>h1{color:red}</style>'\n"
        "name = st.text_input('kol')\n"
        "st.html(CSS)\n"                                            # fine: static constant
        "st.html('<style>p{margin:0}</style>')\n"                   # fine: literal
        "st.html(CSS if name else '<style></style>')\n"             # fine: choice of constants
        "st.html(f'<b>{name}</b>')\n"                               # refused
        "st.markdown('<b>' + name + '</b>', unsafe_allow_html=True)\n"  # refused
        "st.markdown(name)\n"                                       # fine: escaped markdown
        "st.write(name, unsafe_allow_html=True)\n"                  # refused
        "st.caption('<i>x</i>'.format(), unsafe_allow_html=True)\n"  # refused: computed
        "st.markdown(CSS, unsafe_allow_html=True)\n",               # fine
        encoding="utf-8")
    bad = html_violations([src])
    assert [b.split(":")[1] for b in bad] == ["7", "8", "10", "11"], bad


# ------------------------------------------------------------------------------------ login gate


AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "<random>",
                "client_id": "<id>", "client_secret": "<secret>",
                "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}


def _gated(monkeypatch, tmp_path, user: dict, *, secrets: bool = True, allow: str | None = None, **query):
    db = tmp_path / "never_opened" / "smm.duckdb"
    monkeypatch.setenv("SMM_DB", str(db))
    monkeypatch.setenv("SMM_AUTH", "oidc")
    if allow:
        monkeypatch.setenv("SMM_AUTH_ALLOW", allow)
    at = app_test(**query)
    if secrets:
        at.secrets["auth"] = dict(AUTH_SECRETS)
    at.user = user
    return at, db


def test_login_is_off_by_default(sample_db, monkeypatch):
    monkeypatch.delenv("SMM_AUTH", raising=False)
    at = app_test(lang="en").run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("auth_login", "auth_logout")]


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/content.py", "pages/kol.py", "pages/budget.py",
                                  "pages/data.py"])
def test_logged_out_visitor_sees_only_the_login_on_every_page(monkeypatch, tmp_path, page):
    if not (ROOT / page).exists():
        pytest.skip(f"{page} does not exist yet")
    at, db = _gated(monkeypatch, tmp_path, {"is_logged_in": False}, lang="en")
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception
    assert [b.key for b in at.button] == ["auth_login"]
    assert at.title[0].value.endswith("sign in")
    assert not at.dataframe and not at.metric and not at.get("vega_lite_chart") and not at.sidebar.multiselect
    assert not db.exists() and not db.parent.exists(), "the store was touched before the login"


def test_login_switched_on_but_not_configured_fails_closed(monkeypatch, tmp_path):
    at, db = _gated(monkeypatch, tmp_path, {"is_logged_in": True, "email": "a@brand.com"}, secrets=False, lang="en")
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "nobody is let in" in at.error[0].value
    assert not at.dataframe and not db.exists()


def test_signed_in_user_on_the_allow_list_sees_the_dashboard(sample_db, monkeypatch, tmp_path):
    monkeypatch.setenv("SMM_AUTH", "oidc")
    monkeypatch.setenv("SMM_AUTH_ALLOW", "@brand.com, boss@agency.com")
    at = app_test(lang="en")
    at.secrets["auth"] = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": True, "email": "Mei@Brand.com", "name": "Mei"}
    at.run()
    assert not at.exception and not at.error
    assert any("Signed in as Mei@Brand.com" in c.value for c in at.sidebar.caption)
    assert at.sidebar.button(key="auth_logout")
    at.switch_page("pages/data.py").run()
    assert not at.exception and at.title[0].value.startswith("Data")


def test_signed_in_user_not_on_the_allow_list_is_refused(monkeypatch, tmp_path):
    at, db = _gated(monkeypatch, tmp_path, {"is_logged_in": True, "email": "someone@gmail.com"}, allow="@brand.com",
                    lang="en")
    at.run()
    assert not at.exception
    assert "someone@gmail.com may not open this dashboard" in at.error[0].value
    assert [b.key for b in at.button] == ["auth_logout_denied"]
    assert not at.dataframe and not db.exists()


def test_allow_rules():
    from smm.auth import is_allowed

    assert is_allowed("x@y.com", [])
    assert is_allowed("Mei@Brand.com", ["@brand.com"])
    assert not is_allowed("mei@brand.com.evil.io", ["@brand.com"])
    assert not is_allowed("mei@sub.brand.com", ["@brand.com"])
    assert is_allowed("boss@agency.com", ["@brand.com", "boss@agency.com"])
    assert not is_allowed("intern@agency.com", ["@brand.com", "boss@agency.com"])
    assert not is_allowed(None, ["@brand.com"])
    assert not is_allowed("", ["@brand.com"])


# ------------------------------------------------------------------------------ dependency audit


def _audit():
    import importlib.util

    spec = importlib.util.spec_from_file_location("smm_audit", ROOT / "scripts" / "audit.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_dependency_is_pinned_and_installed():
    audit = _audit()
    reqs = audit.pinned_requirements()
    assert all("==" in r for r in reqs)
    names = audit.closure(reqs)
    assert {"streamlit", "duckdb", "pandas", "pip-audit", "authlib"} <= set(names)


def test_audit_verdicts():
    audit = _audit()
    vuln = {"dependencies": [{"name": "jinja2", "version": "2.10", "vulns": [
        {"id": "PYSEC-2019-217", "aliases": ["CVE-2019-10906"], "fix_versions": ["2.10.1"]}]},
        {"name": "pandas", "version": "3.1.1", "vulns": []}]}
    status, lines = audit.verdict(vuln, "", 2)
    assert status == "vulnerable" and "jinja2==2.10" in lines[0] and "2.10.1" in lines[0]
    assert audit.verdict({"dependencies": [{"name": "pandas", "version": "3.1.1", "vulns": []}]}, "", 1)[0] == "clean"
    all_skipped = {"dependencies": [{"name": n, "skip_reason": "Dependency not found on PyPI"} for n in "abc"]}
    assert audit.verdict(all_skipped, "", 3)[0] == "unreachable"
    assert audit.verdict(None, "requests.exceptions.ConnectionError: Max retries exceeded", 3)[0] == "unreachable"
    assert audit.verdict(None, "ValueError: bad requirement", 3)[0] == "failed"


@pytest.mark.browser
def test_deep_link_on_a_fresh_server_goes_through_the_entry_point_and_its_gate(sample_db_master, tmp_path, browser,
                                                                              monkeypatch):
    """Streamlit routes a fresh server's first request through its legacy pages/ mode, which would run
    pages/data.py without app.py (no login gate, no shared filters): ui.con() sends it back through app.py."""
    import shutil

    from conftest import StreamlitServer, screenshot, wait_idle
    from playwright.sync_api import expect as expect_

    for auth_mode, expect in (("none", "Data: uploads and load history"), ("oidc", "nobody is let in")):
        db = tmp_path / f"{auth_mode}.duckdb"
        shutil.copy(sample_db_master, db)
        monkeypatch.setenv("SMM_AUTH", auth_mode)
        server = StreamlitServer(db)                      # a fresh server: this is its very first request
        try:
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(server.url + "/data?lang=en")
            wait_idle(page)
            page.get_by_text(expect).first.wait_for()
            wait_idle(page)
            screenshot(page, f"deep_link_fresh_server_{auth_mode}")
            if auth_mode == "none":
                expect_(page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]')).to_have_count(1)
            else:
                assert page.locator('[data-testid="stDataFrame"]').count() == 0
                assert page.locator('[data-testid="stFileUploader"]').count() == 0
            ctx.close()
        finally:
            server.stop()


def test_the_uploader_css_holds_the_i18n_strings_and_the_configured_limit():
    """The uploader's words are static CSS (the raw-HTML rule above): they must still say what i18n says."""
    import json

    from smm import i18n, ui

    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    for css, lang in ((ui.UPLOADER_CSS_ZH, "zh"), (ui.UPLOADER_CSS_EN, "en")):
        for var, text in (("button", i18n.t("data.upload_button", lang)),
                          ("limit", i18n.t("data.upload_limit", lang, mb=limit)),
                          ("wait", i18n.t("data.upload_wait", lang))):
            assert f"--smm-upload-{var}: {json.dumps(text, ensure_ascii=False)};" in css, (lang, var)
