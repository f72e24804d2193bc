"""The question box with the files the flow accepts, the voice recorder, and a question the
per-session limits or the flow's upload rules kept from being sent."""

from __future__ import annotations

import streamlit as st

from chat.attachments import attachment
from chat.i18n import Message
from chat.limits import QuestionLimits, Rejection
from chat.state import QUESTION_INPUT, recorder_key, say, screen_question, t, take_recording
from chat.turn import Question
from chat.uploads import UploadPolicy, pending_files

from .markdown import escape_markdown, visible_text


def question_box(limits: QuestionLimits, policy: UploadPolicy) -> Question | None:
    """The question to send now, if one was submitted and the limits let it through."""
    if policy.voice:
        # Beside the question box, which Streamlit keeps at the bottom of the page.
        with st.bottom:
            st.audio_input(t("voice.record"), key=recorder_key(), on_change=take_recording,
                           sample_rate=16000, label_visibility="collapsed")
    # No max_chars: the browser would silently cut a longer paste; checked here, the text can be given back.
    # No file_type or max_upload_size either, for the same reason: the browser marks a file of another
    # type or size but then sends the question without it. Checked on submit, the refusal names the
    # file, says what the flow accepts, and nothing is sent. Streamlit's own cap (server.maxUploadSize
    # in .streamlit/config.toml, which also bounds a recording's length) stays well above what flows take.
    value = st.chat_input(
        t("question.placeholder"), key=QUESTION_INPUT, on_submit=screen_question, args=(limits, policy),
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
    st.warning(say(_as_written(rejection.message)), icon=":material/block:")
    if rejection.question:
        st.caption(t("question.given_back"))
        st.code(rejection.question, language=None, wrap_lines=True)


def _as_written(message: Message) -> Message:
    """``message`` with its text values (such as the person's file names) shown as written, never as Markdown."""
    def written(value: object) -> object:
        if isinstance(value, Message):
            return _as_written(value)
        return escape_markdown(visible_text(value)) if isinstance(value, str) else value

    return Message(message.key, {name: written(value) for name, value in message.values.items()})
