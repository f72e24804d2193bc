"""The question box with the files the flow accepts, the voice recorder, and a question the
per-session limits or the flow's upload rules kept from being sent."""

from __future__ import annotations

import streamlit as st

from chat.asking import recorder_key, refill_withdrawn_question, screen_question, take_recording
from chat.attachments import attachment
from chat.language import say, t
from chat.limits import QuestionLimits, Rejection
from chat.session import QUESTION_INPUT
from chat.turn import Question
from chat.uploads import UploadPolicy, pending_files

from .markdown import as_written, safe_markdown


def question_box(limits: QuestionLimits, policy: UploadPolicy, max_recording_seconds: int) -> Question | None:
    """The question to send now, if one was submitted and the limits let it through."""
    if policy.voice:
        # Beside the question box, which Streamlit keeps at the bottom of the page.
        with st.bottom:
            st.audio_input(
                t("voice.record"),
                key=recorder_key(),
                on_change=take_recording,
                args=(max_recording_seconds,),
                sample_rate=16000,
                label_visibility="collapsed",
            )
    refill_withdrawn_question()
    # No max_chars: the browser would silently cut a longer paste; checked here, the text can be given back.
    # No file_type or max_upload_size either, for the same reason: the browser marks a file of another
    # type or size but then sends the question without it. Checked on submit, the refusal names the
    # file, says what the flow accepts, and nothing is sent. Streamlit's own cap (server.maxUploadSize
    # in .streamlit/config.toml, which also bounds a recording's length) stays well above what flows take.
    value = st.chat_input(
        t("question.placeholder"),
        key=QUESTION_INPUT,
        on_submit=screen_question,
        args=(limits, policy),
        accept_file="multiple" if policy.accepts_files else False,
    )
    if value is None:
        return None
    text = (value if isinstance(value, str) else value.text).strip()
    files = pending_files(value)
    if not (text or files):
        return None
    return Question(text, tuple(files), attachments=tuple(attachment(f.name, f.mime, f.content) for f in files))


def render_rejection(rejection: Rejection) -> None:
    # The flow's accepted types come from its server: Markdown, but as safe as an answer.
    st.warning(safe_markdown(say(as_written(rejection.message))), icon=":material/block:")
    if rejection.question:
        st.caption(t("question.given_back"))
        st.code(rejection.question, language=None, wrap_lines=True)
