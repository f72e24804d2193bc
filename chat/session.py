"""What a browser session keeps in ``st.session_state``: the key of each value the app keeps there
(widgets' keys, made per turn, are beside the widgets' callbacks), and one way to keep a value that
is made once, or again when it is out of date."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st

_T = TypeVar("_T")

# Each flow's conversation in this session, by flow id: switching flows and back keeps each one.
CONVERSATIONS = "conversations"
# The flow selector's widget key: its value is the chosen flow's id.
FLOW_CHOICE = "flow_choice"
CLIENTS = "flowise_clients"
CHATBOT_CONFIGS = "chatbot_configs"
UPLOAD_POLICIES = "upload_policies"
HEALTH = "flowise_health"
PASSWORD_GATE = "password_gate"
QUESTION_WINDOW = "question_window"
REQUESTED_QUESTION = "requested_question"
REJECTION = "rejected_question"
# A question taken back after it was let through: its text, to put back into the box in the next run.
WITHDRAWN = "withdrawn_question"
REQUESTED_REPLY = "requested_reply"
REPLY_REJECTION = "rejected_reply"
# How many recordings were taken: part of the recorder's key, so each new one starts empty.
RECORDINGS = "recordings_taken"
# The question box's widget key: its value is the submitted question, and setting it refills the box.
QUESTION_INPUT = "question"
# The language picked in the sidebar; without one, the browser's. Kept apart from the picker's
# widget state, which Streamlit drops in a run that does not draw the picker.
LANGUAGE_CHOICE = "language_choice"
LANGUAGE_PICKER = "language_picker"
# The pictures and downloads read for answers, by turn (see chat/answer_files.py).
ANSWER_FILES = "answer_files"


@dataclass(frozen=True)
class _Kept(Generic[_T]):
    value: _T
    made_from: Hashable
    made_at: float


def kept(
    store: str,
    make: Callable[[], _T],
    *,
    key: Hashable = None,
    made_from: Hashable = None,
    ttl: float | Callable[[_T], float | None] | None = None,
    on_replace: Callable[[_T], None] | None = None,
) -> _T:
    """The value this session keeps under ``key`` in ``store``: made by ``make`` the first time, and
    made again when it was made from other than ``made_from``, or is older than ``ttl`` seconds (a
    number, or one that depends on the value; None: kept for the session). ``on_replace`` is given a
    value a new one replaces."""
    values: dict[Hashable, _Kept[_T]] = st.session_state.setdefault(store, {})
    old = values.get(key)
    if old is not None and old.made_from == made_from and not _expired(old, ttl):
        return old.value
    if old is not None and on_replace is not None:
        on_replace(old.value)
    new = values[key] = _Kept(make(), made_from, time.monotonic())
    return new.value


def _expired(old: _Kept[_T], ttl: float | Callable[[_T], float | None] | None) -> bool:
    seconds = ttl(old.value) if callable(ttl) else ttl
    return seconds is not None and time.monotonic() - old.made_at > seconds
