"""The "Tools used (n)" expander under an answer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

from chat.display_text import display_text
from chat.language import t
from flowise_client.events import ToolUse

from .long_text import render_long_text
from .markdown import plain_text


def render_tools(tools: Sequence[ToolUse], key: str) -> None:
    """``key`` is unique to the turn: it keys each input's and output's "show all" toggle."""
    if not tools:
        return
    with st.expander(t("tools.title", count=len(tools)), icon=":material/build:"):
        for number, tool in enumerate(tools, 1):
            st.markdown(f"**{plain_text(tool.tool)}**")
            for part, label, value in (
                ("input", t("tools.input"), tool.tool_input),
                ("output", t("tools.output"), tool.tool_output),
            ):
                text, language = display_text(value)
                st.caption(label)
                show = partial(st.code, language=language, wrap_lines=True)
                render_long_text(text, f"{key}-tool-{number}-{part}", show)
            if tool.error:
                # An agentflow's Agent node reports a failed call with the reason.
                st.caption(f":material/error: {plain_text(tool.error)}")
