"""The interface's language in this session, and the catalogue's words in it."""

from __future__ import annotations

import streamlit as st

from .i18n import LANGUAGES, Message, language_for_locale, translate
from .session import LANGUAGE_CHOICE, LANGUAGE_PICKER

# The picker's choice that follows the browser.
AUTO_LANGUAGE = "auto"


def language() -> str:
    """The interface language: the one picked in the sidebar, else the browser's locale."""
    choice = st.session_state.get(LANGUAGE_CHOICE)
    return choice if choice in LANGUAGES else language_for_locale(st.context.locale)


def language_choice() -> str:
    """What the sidebar's picker shows: a language, or AUTO_LANGUAGE."""
    return st.session_state.get(LANGUAGE_CHOICE) or AUTO_LANGUAGE


def remember_language_choice() -> None:
    """The picker's on_change callback: it runs before the page, so the whole page is drawn in the
    language just picked."""
    st.session_state[LANGUAGE_CHOICE] = st.session_state[LANGUAGE_PICKER]


def t(key: str, **values: object) -> str:
    """The catalogue's text for ``key`` in this session's language."""
    return translate(language(), key, **values)


def say(message: Message) -> str:
    """``message`` in this session's language."""
    return message.text(language())
