"""Thumbs up or down on an answer, with an optional comment, sent to Flowise's feedback API."""

from __future__ import annotations

import streamlit as st

from chat.flowise_errors import error_message
from chat.i18n import Message
from chat.language import say, t
from chat.limits import MAX_FEEDBACK_CHARS
from chat.ratings import feedback_given, feedback_keys
from chat.turn import Turn
from flowise_client import FlowiseClient, FlowiseError, Rating

from .markdown import safe_markdown


def render_feedback(client: FlowiseClient, flow_id: str, chat_id: str, turn: Turn) -> None:
    """Only for an answer Flowise stored (it has a message id): feedback points at that message."""
    if not turn.message_id:
        return
    rating_key, comment_key = feedback_keys(turn)
    args = (client, flow_id, chat_id, turn)
    st.feedback("thumbs", key=rating_key, on_change=_send, args=args)
    if feedback_given(turn)[0] is not None:
        # Streamlit cuts the box's value to max_chars on the server too, whatever a client sends.
        st.text_input(
            t("feedback.comment"),
            key=comment_key,
            on_change=_send,
            args=args,
            placeholder=t("feedback.comment_placeholder"),
            max_chars=MAX_FEEDBACK_CHARS,
        )
    if turn.feedback_problem:
        # The reason may quote the server: as safe as an answer.
        st.caption(f":material/error: {safe_markdown(say(turn.feedback_problem))}")


def _send(client: FlowiseClient, flow_id: str, chat_id: str, turn: Turn) -> None:
    # A widget callback: it runs before the page, so what it records is drawn in this same run.
    rating, comment = feedback_given(turn)
    if rating is None:  # a thumb clicked off again: Flowise keeps the last rating, nothing to send
        return
    try:
        turn.feedback_id = client.send_feedback(
            flow_id,
            chat_id,
            turn.message_id,
            Rating.THUMBS_UP if rating == 1 else Rating.THUMBS_DOWN,
            comment,
            feedback_id=turn.feedback_id,
        )
        turn.feedback_problem = None
    except FlowiseError as exc:
        turn.feedback_problem = Message("feedback.not_sent", {"why": error_message(exc)})
