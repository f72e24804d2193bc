"""The question box, and a question the per-session limits kept from being sent."""

from __future__ import annotations

import streamlit as st

from chat.limits import QuestionLimits, Rejection
from chat.state import QUESTION_INPUT, screen_question


def question_box(limits: QuestionLimits) -> str | None:
    """The question to send now, if one was submitted and the limits let it through."""
    # No max_chars: the browser would silently cut a longer paste; checked here, the text can be given back.
    question = st.chat_input(
        "Ask the flow a question", key=QUESTION_INPUT, on_submit=screen_question, args=(limits,)
    )
    return question.strip() if question and question.strip() else None


def render_rejection(rejection: Rejection) -> None:
    st.warning(rejection.message, icon=":material/block:")
    st.caption("Your question is back in the box below, and here to copy:")
    st.code(rejection.question, language=None, wrap_lines=True)
