"""Text from a flow that may be huge: its start is shown, all of it on request."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from chat.language import t

from .markdown import visible_text

LIMIT = 3_000


def clip(text: str, limit: int = LIMIT) -> str:
    """The text, or its first ``limit`` characters and an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


def render_long_text(text: str, key: str, show: Callable[[str], object]) -> None:
    """Show a flow's text with ``show`` (``st.text``, ``st.code``, ...), cut to its first characters
    with a toggle that shows it all. Cut, a document or tool output of megabytes neither pushes the
    answer out of sight nor reaches the browser unless asked for."""
    text = visible_text(text)
    if len(text) <= LIMIT:
        show(text)
        return
    body = st.container()
    # A toggle, not an expander: the full text is sent only once asked for.
    everything = st.toggle(t("long_text.show_all", count=len(text)), key=key)
    with body:
        show(text if everything else clip(text))
