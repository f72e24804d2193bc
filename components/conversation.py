"""A conversation's turns: the question bubble and the answer bubble with what came with it."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from chat.answer import answer_turn, continue_turn
from chat.asking import request_question
from chat.conversation import Conversation
from chat.flow_target import FlowTarget
from chat.language import say, t
from chat.turn import AnswerState, Question, Turn
from flowise_client import HumanReply

from .agent_steps import render_steps
from .answer_text import render_answer_text
from .artifacts import render_artifacts, render_file_annotations
from .attachments import render_attachments
from .feedback import render_feedback
from .human_input import render_action
from .live_answer import LiveAnswer
from .markdown import as_written, escape_markdown, safe_markdown
from .sources import render_sources
from .thinking import render_thinking
from .tools import render_tools


def render_question(turn: Turn) -> None:
    with st.chat_message("user"):
        if turn.question:
            st.markdown(escape_markdown(turn.question))
        elif turn.spoken:
            # Flowise says what it heard only with the answer's metadata.
            st.caption(":material/mic: " + t("voice.transcribing"))
        render_attachments(turn.attachments)


def answer_caption(turn: Turn, zone: tzinfo | None) -> str:
    """When the question was asked, in ``zone`` (the reader's, when the browser tells it) and, when
    the server reported them, the tokens the answer took."""
    parts = [(turn.asked_at.astimezone(zone) if zone else turn.asked_at).strftime("%H:%M")]
    usage = turn.usage
    if usage and usage.input_tokens is not None and usage.output_tokens is not None:
        parts.append(t("answer.tokens_in_out", input=usage.input_tokens, output=usage.output_tokens))
    elif usage and usage.total_tokens is not None:
        parts.append(t("answer.tokens", total=usage.total_tokens))
    return " · ".join(parts)


def _reader_zone() -> tzinfo | None:
    # Streamlit runs wherever it is deployed; the time that means something is the reader's.
    try:
        return ZoneInfo(st.context.timezone) if st.context.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def render_answer_details(flow: FlowTarget, convo: Conversation, turn: Turn, latest: bool) -> None:
    """What comes with an answer. ``latest``: the last turn, with nothing asked after it yet; only
    there are Retry and the follow-up prompts offered."""
    if turn.error:
        # The message may quote the server or the flow: Markdown, but as safe as an answer.
        st.error(safe_markdown(say(as_written(turn.error))), icon=":material/error:")
        # With a decision still to make, making it again is the retry.
        if latest and turn.action is None:
            st.button(
                t("answer.retry"),
                icon=":material/refresh:",
                key=f"retry-{turn.id}",
                on_click=request_question,
                args=(turn.again(),),
            )
    elif turn.state is AnswerState.COMPLETE and not (turn.answer or turn.artifacts or turn.file_annotations):
        st.caption(t("answer.no_text"))
    if latest:
        render_action(turn)
    render_artifacts(flow, convo.chat_id, turn)
    render_file_annotations(flow, convo.chat_id, turn)
    render_sources(turn.sources, turn.id)
    render_tools(turn.tools, turn.id)
    st.caption(answer_caption(turn, _reader_zone()))
    render_feedback(flow, convo.chat_id, turn)
    if latest:
        for number, prompt in enumerate(turn.follow_ups):
            st.button(
                escape_markdown(prompt),
                key=f"follow-up-{turn.id}-{number}",
                icon=":material/subdirectory_arrow_right:",
                on_click=request_question,
                args=(prompt,),
            )


def render_turn(
    flow: FlowTarget, convo: Conversation, turn: Turn, latest: bool, reply: HumanReply | None = None
) -> None:
    """A turn from the history; with ``reply``, the person's answer to its pending action, sent
    now, and what the flow does next streamed into the same answer."""
    render_question(turn)
    if reply:
        # Drawn inside a container, where the answer had its bubble: the browser then drops what the
        # bubble showed (its buttons among it) at once, instead of leaving it on screen, faded but
        # clickable, while the flow goes on.
        with st.container(), st.chat_message("assistant"):
            continue_turn(flow, convo, turn, reply, lambda: LiveAnswer(flow, convo.chat_id, turn))
            render_answer_details(flow, convo, turn, latest)
        return
    with st.chat_message("assistant"):
        render_steps(turn.steps)
        render_thinking(turn)
        render_answer_text(turn, flow.image_hosts)
        if turn.state is AnswerState.STOPPED:
            st.caption(f":material/stop_circle: {t('answer.stopped')}")
        elif turn.state is AnswerState.STREAMING:
            # The run that streamed it was cut short, e.g. by a question sent before it finished.
            st.caption(f":material/pause_circle: {t('answer.interrupted')}")
        render_answer_details(flow, convo, turn, latest)


def render_history(
    flow: FlowTarget, convo: Conversation, question_coming: bool, reply: tuple[Turn, HumanReply] | None = None
) -> None:
    """All turns so far. Only the last can be retried or have its pending action answered, and
    only if no question (or retry of it) is about to follow it. ``reply``: a turn whose action the
    person has just answered, and their answer, to send now."""
    for turn in convo.turns:
        sending = reply[1] if reply and reply[0] is turn else None
        render_turn(flow, convo, turn, latest=not question_coming and turn is convo.turns[-1], reply=sending)


def ask(flow: FlowTarget, convo: Conversation, question: Question) -> None:
    """Add a turn and stream its answer into the page; the turn is in the history from the start,
    so whatever arrives stays even if the run is interrupted."""
    turn = Turn.of(question)
    convo.turns.append(turn)
    asked = st.empty()
    with asked.container():
        render_question(turn)
    with st.chat_message("assistant"):
        answer_turn(flow, convo, turn, LiveAnswer(flow, convo.chat_id, turn))
        render_answer_details(flow, convo, turn, latest=True)
    if turn.spoken:
        # Drawn again now that the answer's metadata has said what Flowise heard.
        with asked.container():
            render_question(turn)
