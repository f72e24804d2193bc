"""A person's rating and comment on an answer, as the feedback widgets hold them."""

from __future__ import annotations

import streamlit as st

from .turn import Turn


def feedback_keys(turn: Turn) -> tuple[str, str]:
    """The widget keys of a turn's rating and comment."""
    return f"feedback-{turn.id}", f"feedback-comment-{turn.id}"


def feedback_given(turn: Turn) -> tuple[int | None, str]:
    """The rating (0 down, 1 up, None) and comment a person has given on ``turn``."""
    rating_key, comment_key = feedback_keys(turn)
    return st.session_state.get(rating_key), (st.session_state.get(comment_key) or "").strip()
