"""Settings as this Streamlit process sees them: its environment and its secrets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from .cleartext import warn_of_credentials_in_clear
from .i18n import Message
from .setting_sources import SettingsError
from .settings import Settings, load_settings


def _secrets() -> Mapping[str, Any]:
    # Streamlit raises a FileNotFoundError subclass both when there is no secrets.toml (fine: use the
    # environment) and when it does not parse (worth saying).
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError as exc:
        if "parsing" in str(exc):
            raise SettingsError(Message("settings.bad_secrets")) from None
        return {}


def current_settings() -> Settings:
    settings = load_settings(os.environ, _secrets())
    warn_of_credentials_in_clear(settings.flows)
    return settings
