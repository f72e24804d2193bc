"""Who may use the chat: Streamlit's login when [auth] is configured, then the shared password if set."""

from __future__ import annotations

import importlib.util

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.access import PasswordGate, PlaceThrottle, refusal, wrong_password
from chat.i18n import Message
from chat.language import say, t
from chat.login import login_refusal
from chat.session_access import password_gate, password_throttle
from chat.settings import Settings
from chat.setup_warnings import warn_about_access, warn_header_ignored

from .markdown import as_written

# What `pip install "streamlit[auth]"` adds, by the module each one is imported as.
AUTH_PACKAGES = {"Authlib": "authlib", "httpx": "httpx"}


def require_access(settings: Settings) -> None:
    """Returns only when this browser session may chat; otherwise draws the way in and ends the run."""
    warn_about_access(settings)
    if settings.login_required:
        _require_login(settings)
    if settings.app_password:
        _require_password(settings)


def _require_login(settings: Settings) -> None:
    if not st.user.is_logged_in:
        if missing := _missing_auth_packages():
            # Fail closed: without them st.login cannot work, and the chat must not open unguarded.
            st.error(t("access.no_auth_packages", missing=", ".join(missing), version=st.__version__))
            st.stop()
        st.info(t("access.log_in_prompt"), icon=":material/lock:")
        st.button(t("access.log_in"), icon=":material/login:", type="primary", on_click=st.login)
        st.stop()
    if refused := login_refusal(st.user.to_dict(), settings.email_allowlist):
        # The address is the provider's, shown as written.
        st.error(say(as_written(refused)), icon=":material/block:")
        st.button(t("sidebar.log_out"), icon=":material/logout:", on_click=st.logout)
        st.stop()


def _missing_auth_packages() -> list[str]:
    return [name for name, module in AUTH_PACKAGES.items() if importlib.util.find_spec(module) is None]


def _require_password(settings: Settings) -> None:
    gate = password_gate()
    if gate.unlocked:
        return
    throttle, header_ignored = password_throttle(settings.forwarded_allow_ips)
    if header_ignored:
        warn_header_ignored()
    if refused := refusal(gate, throttle):
        _refuse(refused)
    form_slot = st.empty()
    with form_slot.form("password", clear_on_submit=True):
        # Cleared on submit, so no attempt stays in the page's widget state.
        attempt = st.text_input(t("access.password"), type="password", placeholder=t("access.password_placeholder"))
        submitted = st.form_submit_button(t("access.enter"), icon=":material/key:")
    if submitted:
        _submit(gate, throttle, attempt, settings.app_password or "", form_slot)
    st.stop()


def _submit(
    gate: PasswordGate, throttle: PlaceThrottle, attempt: str, password: str, form_slot: DeltaGenerator
) -> None:
    if gate.try_password(attempt, password, throttle):
        st.rerun()
    if refused := refusal(gate, throttle):
        form_slot.empty()
        _refuse(refused)
    st.error(say(wrong_password(gate, throttle)))


def _refuse(message: Message) -> None:
    st.error(say(message), icon=":material/lock:")
    st.stop()
