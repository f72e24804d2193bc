"""Thumbs up or down on an answer, with an optional comment: as the feedback widgets hold them, and
sent to Flowise's feedback API."""

from __future__ import annotations

import streamlit as st

from flowise_client import FlowiseError, Rating

from .flow_target import FlowTarget
from .flowise_errors import error_message
from .i18n import Message
from .turn import Turn


def feedback_keys(turn: Turn) -> tuple[str, str]:
    """The widget keys of a turn's rating and comment."""
    return f"feedback-{turn.id}", f"feedback-comment-{turn.id}"


def feedback_given(turn: Turn) -> tuple[int | None, str]:
    """The rating (0 down, 1 up, None) and comment a person has given on ``turn``."""
    rating_key, comment_key = feedback_keys(turn)
    return st.session_state.get(rating_key), (st.session_state.get(comment_key) or "").strip()


def send_feedback(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    """The rating's and the comment's callback: it runs before the page, so what it records is drawn
    in this same run."""
    rating, comment = feedback_given(turn)
    if rating is None:  # a thumb clicked off again: Flowise keeps the last rating, nothing to send
        return
    try:
        turn.feedback_id = flow.client.send_feedback(
            flow.flow_id,
            chat_id,
            turn.message_id,
            Rating.THUMBS_UP if rating == 1 else Rating.THUMBS_DOWN,
            comment,
            feedback_id=turn.feedback_id,
        )
        turn.feedback_problem = None
    except FlowiseError as exc:
        turn.feedback_problem = Message("feedback.not_sent", {"why": error_message(exc)})
