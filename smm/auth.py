"""Optional login for team deployments: Streamlit's `st.login` (OpenID Connect) in front of every page.

Off by default (a laptop or a trusted team network). Switched on by `SMM_AUTH=oidc` in the environment or
`[smm] auth = "oidc"` in `.streamlit/secrets.toml`; the OIDC provider itself is configured in the `[auth]`
section of the same secrets file (see README, "Reliability and security"). Optional allow list:
`SMM_AUTH_ALLOW="@brand.com,alice@agency.com"` or `[smm] auth_allow = ["@brand.com", …]` — an OIDC provider
such as Google otherwise lets in every account it knows.

`gate()` runs in app.py before the store is opened, so no page reads data for a visitor who is not let in.
When switched on but not configured it fails closed (nobody is let in, with a message saying why).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import streamlit as st

from smm import i18n


def _secrets_section(name: str) -> dict:
    try:
        if name in st.secrets:
            return dict(st.secrets[name])
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets.toml at all
        pass
    except Exception:  # noqa: BLE001 - a malformed secrets file must not open the app: treated as empty
        pass
    return {}


def mode() -> str:
    """'oidc' when login is required, else 'none'."""
    value = os.environ.get("SMM_AUTH") or _secrets_section("smm").get("auth") or "none"
    return "oidc" if str(value).strip().lower() == "oidc" else "none"


def allow_rules() -> list[str]:
    """Allowed accounts: exact e-mail addresses and '@domain' suffixes (empty = every account the provider knows)."""
    raw: str | Iterable[str] = os.environ.get("SMM_AUTH_ALLOW") or _secrets_section("smm").get("auth_allow") or []
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [str(x).strip().lower() for x in items if str(x).strip()]


def is_allowed(email: str | None, rules: list[str]) -> bool:
    """True when the account may open the dashboard (case-insensitive; '@brand.com' matches a whole domain)."""
    if not rules:
        return True
    if not email:
        return False
    e = email.strip().lower()
    return any(e.endswith(r) if r.startswith("@") else e == r for r in rules)


def _configured() -> bool:
    return bool(_secrets_section("auth"))


def _lang() -> str:
    lang = st.session_state.get("lang") or st.query_params.get("lang") or getattr(st.context, "locale", None)
    return i18n.normalize_lang(lang)


def require() -> None:
    """Stop the script run (st.stop) unless the visitor may see the dashboard. Draws nothing when they may.

    Called by app.py before anything else and again by `ui.con()`, the only way a page reaches the data:
    a page that runs without the entry point (Streamlit's legacy pages/ routing on a fresh server) is gated too.
    """
    if mode() != "oidc":
        return
    L = _lang()
    if not _configured():
        st.error(i18n.t("auth.misconfigured", L))
        st.stop()
    provider = os.environ.get("SMM_AUTH_PROVIDER") or _secrets_section("smm").get("auth_provider") or None
    if not st.user.is_logged_in:
        st.title(i18n.t("auth.title", L))
        st.info(i18n.t("auth.prompt", L))
        if st.button(i18n.t("auth.login", L), key="auth_login", type="primary"):
            st.login(provider) if provider else st.login()
        st.stop()
    email = st.user.get("email")
    if not is_allowed(email, allow_rules()):
        st.error(i18n.t("auth.denied", L, who=_who()))
        if st.button(i18n.t("auth.logout", L), key="auth_logout_denied"):
            st.logout()
        st.stop()


def account() -> str | None:
    """The signed-in account (its e-mail, lower case) when login is required, else None: everyone is one team."""
    if mode() != "oidc" or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else _who()


def _who() -> str:
    return str(st.user.get("email") or st.user.get("name") or "?")


def gate() -> None:
    """The entry point's gate: `require()`, then who is signed in and a sign-out button in the sidebar."""
    require()
    if mode() != "oidc":
        return
    with st.sidebar:
        st.caption(i18n.t("auth.signed_in", _lang(), who=_who()))
        if st.button(i18n.t("auth.logout", _lang()), key="auth_logout"):
            st.logout()
