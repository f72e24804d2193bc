"""A reasoning model's thoughts before its answer: in a box of their own, open while they arrive,
closed under "Thought for N s" once the answer starts, as Flowise's own chat shows them."""

from __future__ import annotations

import streamlit as st

from chat.language import say, t
from chat.turn import Turn

from .markdown import safe_markdown
from .streaming_markdown import StreamingMarkdown


def render_thinking(turn: Turn) -> None:
    if turn.thinking:
        with st.expander(say(turn.thinking_label()), icon=":material/psychology:"):
            st.markdown(safe_markdown(turn.thinking))


class LiveThinking:
    """The thoughts of the answer being streamed. Made before the answer's text is drawn, so that
    the box sits above it, where the history shows it: an answer going on after a decision shows
    the thoughts it already had there, closed, and the new ones stream into the same box."""

    def __init__(self, turn: Turn, flush_interval: float) -> None:
        self._turn = turn
        self._flush_interval = flush_interval
        self._slot = st.empty()
        self._view: StreamingMarkdown | None = None
        self._open = True
        if turn.thinking:
            with self._slot.container():
                render_thinking(turn)

    def grew(self) -> None:
        """The turn's thoughts grew: shown open, all of them, until the box closes."""
        if not self._open:
            return
        if self._view is None:
            with self._slot.container(), st.expander(t("thinking.live"), expanded=True, icon=":material/psychology:"):
                self._view = StreamingMarkdown(lambda: self._turn.thinking, self._flush_interval)
        self._view.grew()

    def close(self) -> None:
        """The thinking is over (the answer began, or the stream ended): the box closes, with all of it."""
        if self._open:
            self._open = False
            with self._slot.container():
                render_thinking(self._turn)
