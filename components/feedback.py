"""Thumbs up or down on an answer, with an optional comment."""

from __future__ import annotations

import streamlit as st

from chat.feedback import feedback_given, feedback_keys, send_feedback
from chat.flow_target import FlowTarget
from chat.language import say, t
from chat.limits import MAX_FEEDBACK_CHARS
from chat.turn import Turn

from .markdown import safe_markdown


def render_feedback(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    """Only for an answer Flowise stored (it has a message id): feedback points at that message."""
    if not turn.message_id:
        return
    rating_key, comment_key = feedback_keys(turn)
    args = (flow, chat_id, turn)
    st.feedback("thumbs", key=rating_key, on_change=send_feedback, args=args)
    if feedback_given(turn)[0] is not None:
        # Streamlit cuts the box's value to max_chars on the server too, whatever a client sends.
        st.text_input(
            t("feedback.comment"),
            key=comment_key,
            on_change=send_feedback,
            args=args,
            placeholder=t("feedback.comment_placeholder"),
            max_chars=MAX_FEEDBACK_CHARS,
        )
    if turn.feedback_problem:
        # The reason may quote the server: as safe as an answer.
        st.caption(f":material/error: {safe_markdown(say(turn.feedback_problem))}")
