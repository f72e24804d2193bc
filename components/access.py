"""Who may use the chat: Streamlit's login when [auth] is configured, then the shared password if set."""

from __future__ import annotations

import importlib.util

import streamlit as st

from chat.access import MAX_ATTEMPTS
from chat.settings import Settings
from chat.state import password_gate

_LOCKED = (
    f"Too many wrong passwords ({MAX_ATTEMPTS}): this session is locked and checks no more passwords. "
    "Reload the page later to try again."
)


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
        st.error(
            "This app is set up to require a login (`[auth]` in its secrets), but Authlib is not installed. "
            "Run `pip install Authlib` (on Streamlit Community Cloud, add `Authlib>=1.3.2` to `requirements.txt`), "
            "then reload the page."
        )
        st.stop()
    st.info("Log in to use this chat.", icon=":material/lock:")
    st.button("Log in", icon=":material/login:", type="primary", on_click=st.login)
    st.stop()


def _authlib_installed() -> bool:
    return importlib.util.find_spec("authlib") is not None


def _require_password(password: str) -> None:
    gate = password_gate()
    if gate.unlocked:
        return
    if gate.locked:
        st.error(_LOCKED, icon=":material/lock:")
        st.stop()
    form_slot = st.empty()
    with form_slot.form("password", clear_on_submit=True):
        # Cleared on submit, so no attempt stays in the page's widget state.
        attempt = st.text_input("Password", type="password", placeholder="The password you were given")
        submitted = st.form_submit_button("Enter", icon=":material/key:")
    if submitted:
        if gate.try_password(attempt, password):
            st.rerun()
        if gate.locked:
            form_slot.empty()
            st.error(_LOCKED, icon=":material/lock:")
        else:
            left = gate.attempts_left
            st.error(f"Wrong password. {left} {'try' if left == 1 else 'tries'} left in this session.")
    st.stop()
