"""Running a turn: the question, or the person's decision on the flow's request, sent to the flow,
and the answer read into the turn until it ends, however it ends.

Transport, fold and drawing are kept apart, as anthropic-sdk-python's ``lib/streaming`` keeps them:
the client reads Flowise's events, ``Turn.apply`` folds each into the answer, and an ``AnswerView``
the page passes in draws what changed. This module holds only the decisions in between: what is
asked, when the answer is given up (and Flowise told to stop), and what a failure says. The view is
called from inside the run, not fed from a generator: Streamlit stops a run by raising in its next
drawing call, and that has to pass through here, where the stream is closed and a tab that went
away is told from a rerun.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from flowise_client import FlowiseAnswerTooLongError, FlowiseError, HumanReply
from flowise_client.events import ThinkingEvent

from .asking import streaming_slot, withdraw_question
from .conversation import Conversation
from .flow_facts import flow_streams
from .flow_target import FlowTarget
from .flowise_errors import error_message
from .i18n import Message
from .limits import attached_text_too_long, busy
from .run_stopped import when_browser_left
from .turn import AnswerState, Turn
from .uploads import UploadFailed, send_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextArrived:
    """The answer's text grew; the turn holds all of it."""


@dataclass(frozen=True)
class Thought:
    """A thinking event arrived: ``grew``, it added to the turn's thoughts; ``done``, the model said
    how long it thought, so the thinking is over."""

    grew: bool
    done: bool


@dataclass(frozen=True)
class StepsChanged:
    """The turn's steps changed."""


AnswerUpdate = TextArrived | Thought | StepsChanged


class AnswerView(Protocol):
    """Draws an answer while it arrives, from the turn it was made for."""

    def show(self, update: AnswerUpdate) -> None: ...

    def close(self) -> None:
        """The stream ended, however it ended: all that arrived is to be shown, as it ended."""


def answer_turn(flow: FlowTarget, convo: Conversation, turn: Turn, view: AnswerView) -> None:
    """Stream the answer to ``turn``'s question into it, drawn by ``view``."""
    _run(flow, convo, turn, None, view)


def continue_turn(
    flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply, open_view: Callable[[], AnswerView]
) -> None:
    """Send the person's ``reply`` to the flow's request, and stream what the flow does next into the
    same answer; the view is opened once the turn has taken the reply."""
    turn.resume(reply.approve, reply.feedback)
    _run(flow, convo, turn, reply, open_view())
    if turn.state is AnswerState.FAILED:
        turn.reopen(reply.action)


def _run(flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply | None, view: AnswerView) -> None:
    try:
        # A closed tab stops the run: the answer would otherwise go on in Flowise, at a cost, for no one.
        # The slot is given back before a stopped run looks for its browser, which may take a moment.
        abort_if_left = when_browser_left(lambda: _abort_unfinished(flow, convo.chat_id, turn))
        with abort_if_left, streaming_slot(flow.limits) as held:
            if held:
                _read_answer(flow, convo, turn, reply, view)
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
        view.close()


def _read_answer(flow: FlowTarget, convo: Conversation, turn: Turn, reply: HumanReply | None, view: AnswerView) -> None:
    streaming = flow_streams(flow.client, flow.flow_id, convo)
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
        override_config=flow.override_config,
        # The conversation's id as the memory session, whatever the configuration says, so that a
        # shared configuration never shares one memory between visitors.
        session_id=convo.chat_id,
        uploads=turn.uploads,
    ) as events:
        for event in events:
            steps_before = turn.steps.version
            if turn.apply(event):
                view.show(TextArrived())
            elif isinstance(event, ThinkingEvent):
                view.show(Thought(grew=bool(event.text), done=event.duration is not None))
            elif turn.steps.version != steps_before:
                view.show(StepsChanged())


def stop_answer(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    """The Stop button's callback. Its click reruns the page, which ends the run streaming the answer
    and with it the stream (its response is closed on the way out); Flowise is asked to stop
    producing the answer too."""
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
