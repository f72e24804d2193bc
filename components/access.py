"""Who may use the chat: Streamlit's login when [auth] is configured, then the shared password if set."""

from __future__ import annotations

import importlib.util

import streamlit as st

from chat.access import MAX_ATTEMPTS
from chat.settings import Settings
from chat.state import password_gate, t


def require_access(settings: Settings) -> None:
    """Returns only when this browser session may chat; otherwise draws the way in and ends the run."""
    if settings.login_required:
        _require_login()
    if settings.app_password:
        _require_password(settings.app_password)


def _require_login() -> None:
    if st.user.is_logged_in:
        return
    if not _authlib_installed():
        # Fail closed: without Authlib st.login cannot work, and the chat must not open unguarded.
        st.error(t("access.no_authlib"))
        st.stop()
    st.info(t("access.log_in_prompt"), icon=":material/lock:")
    st.button(t("access.log_in"), icon=":material/login:", type="primary", on_click=st.login)
    st.stop()


def _authlib_installed() -> bool:
    return importlib.util.find_spec("authlib") is not None


def _require_password(password: str) -> None:
    gate = password_gate()
    if gate.unlocked:
        return
    if gate.locked:
        st.error(t("access.locked", max_attempts=MAX_ATTEMPTS), icon=":material/lock:")
        st.stop()
    form_slot = st.empty()
    with form_slot.form("password", clear_on_submit=True):
        # Cleared on submit, so no attempt stays in the page's widget state.
        attempt = st.text_input(t("access.password"), type="password", placeholder=t("access.password_placeholder"))
        submitted = st.form_submit_button(t("access.enter"), icon=":material/key:")
    if submitted:
        if gate.try_password(attempt, password):
            st.rerun()
        if gate.locked:
            form_slot.empty()
            st.error(t("access.locked", max_attempts=MAX_ATTEMPTS), icon=":material/lock:")
        elif gate.attempts_left == 1:
            st.error(t("access.wrong_password_last"))
        else:
            st.error(t("access.wrong_password", left=gate.attempts_left))
    st.stop()
