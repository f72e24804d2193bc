"""The "Tools used (n)" expander under an answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import streamlit as st

from flowise_client.events import ToolUse

from .markdown import escape_markdown


def as_code(value: Any) -> tuple[str, str | None]:
    """Text and language for showing a tool's input or output: JSON pretty-printed, text as is."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value, None
        if not isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False), None
    return json.dumps(value, ensure_ascii=False, indent=2, default=str), "json"


def render_tools(tools: Sequence[ToolUse]) -> None:
    if not tools:
        return
    with st.expander(f"Tools used ({len(tools)})", icon=":material/build:"):
        for tool in tools:
            st.markdown(f"**{escape_markdown(tool.tool)}**")
            for label, value in (("Input", tool.tool_input), ("Output", tool.tool_output)):
                text, language = as_code(value)
                st.caption(label)
                st.code(text, language=language, wrap_lines=True)
