"""The question box, and a question the per-session limits kept from being sent."""

from __future__ import annotations

import streamlit as st

from chat.limits import QuestionLimits, Rejection
from chat.state import QUESTION_INPUT, say, screen_question, t


def question_box(limits: QuestionLimits) -> str | None:
    """The question to send now, if one was submitted and the limits let it through."""
    # No max_chars: the browser would silently cut a longer paste; checked here, the text can be given back.
    question = st.chat_input(
        t("question.placeholder"), key=QUESTION_INPUT, on_submit=screen_question, args=(limits,)
    )
    return question.strip() if question and question.strip() else None


def render_rejection(rejection: Rejection) -> None:
    st.warning(say(rejection.message), icon=":material/block:")
    st.caption(t("question.given_back"))
    st.code(rejection.question, language=None, wrap_lines=True)
