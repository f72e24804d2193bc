"""An answer drawn while it arrives: the flow's steps, the model's thoughts and the text, each as it
changes; "Thinking…" until anything does, and a Stop button while it lasts."""

from __future__ import annotations

import streamlit as st

from chat.answer import AnswerUpdate, StepsChanged, TextArrived, Thought, stop_answer
from chat.flow_target import FlowTarget
from chat.language import t
from chat.turn import Turn

from .agent_steps import LiveSteps
from .answer_text import render_answer_text
from .streaming_markdown import StreamingMarkdown
from .thinking import LiveThinking


class LiveAnswer:
    """An ``AnswerView`` (chat.answer): drawn where it is made, inside the answer's bubble."""

    def __init__(self, flow: FlowTarget, chat_id: str, turn: Turn) -> None:
        self._turn = turn
        # Above the answer, and above what a continued answer already holds.
        self._steps = LiveSteps()
        self._steps.show(turn.steps)
        self._thinking = LiveThinking(turn, flow.flush_interval)
        render_answer_text(turn, flow.image_hosts)
        # Agents may work for a while before their first token: show that something is happening.
        self._waiting = st.empty()
        self._waiting.caption(f":material/hourglass_top: {t('answer.thinking')}")
        self._stop = st.empty()
        self._stop.button(
            t("answer.stop"),
            key=f"stop-{turn.id}",
            icon=":material/stop_circle:",
            on_click=stop_answer,
            args=(flow, chat_id, turn),
        )
        # What a continued answer already held is drawn above; this shows what comes after it.
        start = len(turn.answer)
        self._text = StreamingMarkdown(lambda: turn.answer[start:], flow.flush_interval, image_hosts=flow.image_hosts)

    def show(self, update: AnswerUpdate) -> None:
        if isinstance(update, TextArrived):
            if self._text.empty:
                self._waiting.empty()
                self._thinking.close()
            self._text.grew()
        elif isinstance(update, Thought):
            self._waiting.empty()
            if update.grew:
                self._thinking.grew()
            if update.done:
                self._thinking.close()
        elif isinstance(update, StepsChanged):
            self._steps.show(self._turn.steps)

    def close(self) -> None:
        # However the stream ended, all the text that arrived is shown, not just the last flush.
        self._waiting.empty()
        self._stop.empty()
        self._text.flush()
        self._thinking.close()
        self._steps.close(self._turn.steps)
