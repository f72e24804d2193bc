"""What a person asks for in a run, kept for the run that sends it: a question typed, clicked
(Retry, a starter prompt) or spoken, and a decision on a flow's action; and how the limits screen
each, so that one they turn away can be given back."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager

import streamlit as st

from flowise_client import HumanReply

from .app_wide import app_wide
from .attachments import Attachment
from .conversation import Conversation
from .i18n import Message, Verbatim
from .limits import QuestionLimits, Rejection, SlidingWindow, admit, answer_slot, too_many_files
from .session import (
    QUESTION_INPUT,
    QUESTION_WINDOW,
    RECORDINGS,
    REJECTION,
    REPLY_REJECTION,
    REQUESTED_QUESTION,
    REQUESTED_REPLY,
    WITHDRAWN,
    kept,
)
from .turn import Question, Turn
from .uploads import UploadPolicy, pending_files
from .voice import recording_upload
from .wav_recording import RecordingRefused


def request_question(question: str | Question) -> None:
    """Send ``question`` in the next run: the callback of a button that asks one (Retry, a starter
    prompt) or of the voice recorder."""
    st.session_state[REQUESTED_QUESTION] = Question(question) if isinstance(question, str) else question


def take_requested_question(limits: QuestionLimits) -> Question | None:
    """The question a button asked to send, once, if the limits let it through: it costs the flow
    as much as a typed one."""
    question = st.session_state.pop(REQUESTED_QUESTION, None)
    # A spoken question has no text to put back, and the box may hold something typed since.
    return question if question and _screen(question.text, limits, refill=bool(question.text)) else None


def recorder_key() -> str:
    """The voice recorder's widget key."""
    return f"voice-{st.session_state.get(RECORDINGS, 0)}"


def take_recording(max_seconds: int) -> None:
    """The voice recorder's on_change callback: a finished recording of at most ``max_seconds`` becomes
    a spoken question, sent in this run; the next run shows an empty recorder."""
    recording = st.session_state.get(recorder_key())
    st.session_state[RECORDINGS] = st.session_state.get(RECORDINGS, 0) + 1
    if recording is None:
        return
    try:
        upload = recording_upload(recording.getvalue(), max_seconds, app_wide().slots)
    except RecordingRefused as refused:
        # Nothing typed goes with a recording, so there is no text to give back.
        st.session_state[REJECTION] = Rejection(refused.message, "")
        return
    request_question(Question("", uploads=(upload,), attachments=(Attachment(upload.name, upload.mime),), spoken=True))


def action_comment_key(turn: Turn) -> str:
    """The widget key of the comment a person may give with their decision on ``turn``'s action.
    One per decision: a turn may stop for a second one, whose box must not hold the first comment."""
    return f"action-comment-{turn.id}-{len(turn.decisions)}"


def request_reply(turn: Turn, approve: bool) -> None:
    """Answer ``turn``'s pending action in the next run: the callback of its Proceed/Reject buttons."""
    if turn.action is not None:
        comment = st.session_state.get(action_comment_key(turn)) or ""
        st.session_state[REQUESTED_REPLY] = (
            turn.id,
            HumanReply(turn.action, approve, comment if turn.action.accepts_feedback else ""),
        )


def take_requested_reply(convo: Conversation, limits: QuestionLimits) -> tuple[Turn, HumanReply] | None:
    """The reply a button asked to send, once: only to the last turn's action still pending (a
    second click arrives after the first was sent), and only if the limits let it through: it runs
    the flow as a question does."""
    requested = st.session_state.pop(REQUESTED_REPLY, None)
    st.session_state.pop(REPLY_REJECTION, None)
    if requested is None or not convo.turns:
        return None
    turn_id, reply = requested
    turn = convo.turns[-1]
    if turn.id != turn_id or turn.action is not reply.action:
        return None
    if rejection := admit(reply.question, limits, _question_window(), app_wide()):
        st.session_state[REPLY_REJECTION] = (turn.id, rejection.message)
        return None
    return turn, reply


def rejected_reply(turn: Turn) -> Message | None:
    """Why the limits kept the person's decision on ``turn`` from being sent, in the run after."""
    rejected = st.session_state.get(REPLY_REJECTION)
    return rejected[1] if rejected and rejected[0] == turn.id else None


def _question_window() -> SlidingWindow:
    return kept(QUESTION_WINDOW, SlidingWindow)


def screen_question(limits: QuestionLimits, policy: UploadPolicy) -> None:
    """The question box's on_submit callback: it runs before the page, so a question the limits or
    the flow's upload rules turn away can still go back into the box (the page then gets no
    question), and is kept to be shown. Streamlit cannot put files back into the box, so a refusal of
    a question with files says to attach them again."""
    value = st.session_state.get(QUESTION_INPUT)
    text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
    files = pending_files(value)
    # Counted before anything is read from the files or sent: each costs the server to hold and the flow to read.
    names = [file.name for file in files]
    if why := too_many_files(names, limits) or (policy.refusal(text, files) if files else None):
        _reject(Rejection(why, text), refill=True)
    elif text.strip() or files:
        _screen(text, limits, refill=True, files=names)


def _screen(text: str, limits: QuestionLimits, refill: bool, files: Sequence[str] = ()) -> bool:
    """Whether ``text`` may be sent now; if not, it is kept to be shown, and with ``refill`` put back
    into the box. ``files``: the names of the files that were to go with it, which are dropped."""
    rejection = admit(text.strip(), limits, _question_window(), app_wide())
    st.session_state[REJECTION] = rejection
    if rejection is not None:
        if files:
            why = Message("limits.attach_again", {"why": rejection.message, "names": Verbatim(", ".join(files))})
            rejection = Rejection(why, rejection.question)
        _reject(rejection, refill)
    return rejection is None


def _reject(rejection: Rejection, refill: bool) -> None:
    st.session_state[REJECTION] = rejection
    # Setting the box's value also keeps the submission from the page, even an empty text.
    if refill:
        st.session_state[QUESTION_INPUT] = rejection.question


def withdraw_question(convo: Conversation, turn: Turn, why: Message) -> None:
    """Take back the question of ``turn``, the conversation's last, found unfit to send after the box
    let it through (by the text Flowise extracted from its files, say): the turn is dropped, and the
    page runs again, saying why, with the question's text back in the box. Does not return."""
    convo.turns.remove(turn)
    st.session_state[REJECTION] = Rejection(why, turn.question)
    st.session_state[WITHDRAWN] = turn.question
    st.rerun()


def refill_withdrawn_question() -> None:
    """Put a withdrawn question's text back into the box; to be called before the box is drawn."""
    if text := st.session_state.pop(WITHDRAWN, None):
        st.session_state[QUESTION_INPUT] = text


def rejected_question() -> Rejection | None:
    """The last question the limits turned away, until the next one is sent."""
    return st.session_state.get(REJECTION)


def streaming_slot(limits: QuestionLimits) -> AbstractContextManager[bool]:
    """Whether an answer may stream now, in all the app's sessions together; see limits.answer_slot."""
    return answer_slot(app_wide().slots, limits.concurrent_answers)
