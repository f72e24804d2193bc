"""A Markdown answer that grows on screen at a cost set by time and size, not by token count.

``st.write_stream`` re-sends the whole answer to the browser for every token. Here the text, kept
where it arrives (the turn), is shown at most once per flush interval (the first at once), and each
finished block
is written a last time into an element of its own, so an update re-sends only the unfinished tail.
The text is made safe block by block (:func:`~components.markdown.safe_markdown` gives the same
result on each block as on the whole), so that too costs only the tail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.markdown_blocks import stable_prefix_length

from .markdown import safe_markdown
from .streamlit_adapter import unfinished_markdown


class StreamingMarkdown:
    """Draws ``text()``, the text so far, which only ever grows."""

    def __init__(
        self,
        text: Callable[[], str],
        flush_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        image_hosts: Collection[str] = (),
    ) -> None:
        self._text = text
        self._flush_interval = flush_interval
        self._image_hosts = image_hosts
        self._clock = clock
        self._sleep = sleep
        self._blocks = st.container()
        self._tail: DeltaGenerator | None = None
        self._frozen = 0  # characters already written for good
        self._shown = 0  # characters on screen
        self._last_flush: float | None = None

    @property
    def empty(self) -> bool:
        """Nothing shown yet."""
        return self._last_flush is None

    def grew(self) -> None:
        """The text grew: shown at once if nothing was shown for a flush interval."""
        now = self._clock()
        if self._last_flush is None or now - self._last_flush >= self._flush_interval:
            self.flush(now)
            # Nothing more is shown before the next flush anyway, so the caller may as well not read
            # for half the interval: tokens then pile up in the socket buffer and are read and parsed
            # in a few large reads instead of one wake-up per token.
            self._sleep(self._flush_interval / 2)

    def flush(self, now: float | None = None) -> None:
        """Show all the text so far."""
        text = self._text()
        if len(text) == self._shown:
            return
        cut = stable_prefix_length(text, self._frozen)
        if cut > self._frozen:
            self._tail_element().markdown(safe_markdown(text[self._frozen : cut], self._image_hosts))
            self._tail, self._frozen = None, cut
        if len(text) > self._frozen:
            unfinished_markdown(self._tail_element(), safe_markdown(text[self._frozen :], self._image_hosts))
        self._shown = len(text)
        self._last_flush = self._clock() if now is None else now

    def _tail_element(self) -> DeltaGenerator:
        if self._tail is None:
            self._tail = self._blocks.empty()
        return self._tail
