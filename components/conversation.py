"""A conversation's turns: the question bubble and the answer bubble with what came with it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.flow_target import FlowTarget
from chat.flowise_errors import error_message
from chat.i18n import Message
from chat.limits import attached_text_too_long, busy
from chat.run_stopped import when_browser_left
from chat.state import Conversation, flow_streams, request_question, say, streaming_slot, t, withdraw_question
from chat.turn import AnswerState, Question, Turn
from chat.uploads import UploadFailed, send_files
from flowise_client import FlowiseAnswerTooLongError, FlowiseError, HumanReply
from flowise_client.events import ThinkingEvent

from .agent_steps import LiveSteps, render_steps
from .artifacts import render_artifacts, render_file_annotations
from .attachments import render_attachments
from .feedback import render_feedback
from .human_input import decision_caption, render_action
from .markdown import as_written, escape_markdown, safe_markdown
from .sources import render_sources
from .streaming_markdown import StreamingMarkdown
from .thinking import LiveThinking, render_thinking
from .tools import render_tools

log = logging.getLogger(__name__)


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


def _render_answer_text(turn: Turn, image_hosts: frozenset[str]) -> None:
    """The answer as it arrived, with each decision the person made where they made it."""
    for text, decision in turn.answer_parts():
        if text:
            st.markdown(safe_markdown(text, image_hosts))
        if decision:
            st.caption(decision_caption(decision))


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
            _continue_answer(flow, convo, turn, reply)
            render_answer_details(flow, convo, turn, latest)
        return
    with st.chat_message("assistant"):
        render_steps(turn.steps)
        render_thinking(turn)
        _render_answer_text(turn, flow.image_hosts)
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


def _continue_answer(flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply) -> None:
    turn.resume(reply.approve, reply.feedback)
    _stream_answer(flow, convo, turn, reply)
    if turn.state is AnswerState.FAILED:
        turn.reopen(reply.action)


def _stream_answer(flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply | None = None) -> None:
    """The answer to the turn's question, or with ``reply``, what the flow does after the person's
    decision."""
    # Above the answer, and above what a continued answer already holds.
    steps = LiveSteps()
    steps.show(turn.steps)
    thinking = LiveThinking(turn, flow.flush_interval)
    _render_answer_text(turn, flow.image_hosts)
    # Agents may work for a while before their first token: show that something is happening.
    waiting = st.empty()
    waiting.caption(f":material/hourglass_top: {t('answer.thinking')}")
    stop = st.empty()
    # A click reruns the page, which ends this run and with it the stream (its response is closed on
    # the way out); the callback then asks Flowise to stop producing the answer too.
    stop.button(
        t("answer.stop"),
        key=f"stop-{turn.id}",
        icon=":material/stop_circle:",
        on_click=_stop,
        args=(flow, convo.chat_id, turn),
    )
    # What a continued answer already held is drawn above; this shows what comes after it.
    start = len(turn.answer)
    view = StreamingMarkdown(lambda: turn.answer[start:], flow.flush_interval, image_hosts=flow.image_hosts)
    try:
        # A closed tab stops the run: the answer would otherwise go on in Flowise, at a cost, for no one.
        # The slot is given back before a stopped run looks for its browser, which may take a moment.
        abort_if_left = when_browser_left(lambda: _abort_unfinished(flow, convo.chat_id, turn))
        with abort_if_left, streaming_slot(flow.limits) as held:
            if held:
                _read_answer(flow, convo, turn, reply, _LiveAnswer(steps, thinking, waiting, view))
            else:
                # Another session's answer took the last slot since this question was let through.
                turn.fail(busy(flow.limits.concurrent_answers))
    except FlowiseAnswerTooLongError as exc:
        turn.fail(error_message(exc))
        # The app stopped reading, but a runaway flow would go on spending tokens on the server.
        _abort(flow, convo.chat_id)
    except FlowiseError as exc:
        turn.fail(error_message(exc))
    except UploadFailed as exc:
        turn.fail(exc.message)
    except Exception:
        log.exception("Unexpected failure while reading an answer")
        turn.fail(Message("answer.app_failed"))
    finally:
        # However the stream ended, all the text that arrived is shown, not just the last flush.
        waiting.empty()
        stop.empty()
        view.flush()
        thinking.close()
        steps.close(turn.steps)


@dataclass(frozen=True)
class _LiveAnswer:
    """Where an answer being streamed is drawn."""

    steps: LiveSteps
    thinking: LiveThinking
    waiting: DeltaGenerator  # "Thinking…" until something arrives
    view: StreamingMarkdown


def _read_answer(
    flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply | None, live: _LiveAnswer
) -> None:
    streaming = flow_streams(flow.client, flow.flow_id)
    # The conversation's id as the memory session, whatever the configuration says, so that a
    # shared configuration never shares one memory between visitors.
    override = {**flow.override_config, "sessionId": convo.chat_id} if flow.override_config else None
    if turn.pending_files:
        turn.uploads = send_files(flow.client, flow.flow_id, convo.chat_id, flow.upload_policy, turn.pending_files)
        if why := attached_text_too_long(turn.question, turn.uploads, flow.limits.max_chars):
            withdraw_question(convo, turn, why)
        turn.pending_files = []
    with flow.client.predict(
        flow.flow_id,
        reply or turn.question,
        convo.chat_id,
        streaming=streaming,
        override_config=override,
        uploads=turn.uploads,
    ) as events:
        for event in events:
            if turn.apply(event):
                if live.view.empty:
                    live.waiting.empty()
                    live.thinking.close()
                live.view.grew()
            elif isinstance(event, ThinkingEvent):
                live.waiting.empty()
                if event.text:
                    live.thinking.grew()
                if event.duration is not None:
                    live.thinking.close()
            else:
                live.steps.show(turn.steps)


def _stop(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    turn.stop()
    _abort(flow, chat_id)


def _abort_unfinished(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    if turn.state is not AnswerState.COMPLETE:
        _abort(flow, chat_id)


def _abort(flow: FlowTarget, chat_id: str) -> None:
    try:
        flow.client.abort(flow.flow_id, chat_id)
    except FlowiseError:
        log.warning("Flowise did not accept the request to stop an answer", exc_info=True)


def ask(flow: FlowTarget, convo: Conversation, question: Question) -> None:
    """Add a turn and stream its answer into the page; the turn is in the history from the start,
    so whatever arrives stays even if the run is interrupted."""
    turn = Turn.of(question)
    convo.turns.append(turn)
    asked = st.empty()
    with asked.container():
        render_question(turn)
    with st.chat_message("assistant"):
        _stream_answer(flow, convo, turn)
        render_answer_details(flow, convo, turn, latest=True)
    if turn.spoken:
        # Drawn again now that the answer's metadata has said what Flowise heard.
        with asked.container():
            render_question(turn)
