"""Sidebar: which flow this is and whether it answers, the conversation id, "New chat", "Log out",
and the conversation to download."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.export import to_json, to_markdown
from chat.health import Health
from chat.state import Conversation, start_new_conversation

from .markdown import escape_markdown


def render_sidebar(convo: Conversation, base_url: str, flow_id: str, is_demo: bool, logged_in: bool) -> DeltaGenerator:
    """Draws the sidebar and returns the place for the health line, which is filled in last, so
    that checking the server never delays the page."""
    with st.sidebar:
        if st.button("New chat", icon=":material/add_comment:", use_container_width=True):
            start_new_conversation()
            st.rerun()
        st.caption("Flow: built-in demo" if is_demo else f"Flow `{flow_id}` on {urlsplit(base_url).netloc}")
        health_slot = st.empty()
        st.caption(f"Conversation `{convo.chat_id}`")
        if logged_in:
            st.button("Log out", icon=":material/logout:", on_click=st.logout)
    return health_slot


def render_health(slot: DeltaGenerator, health: Health, streams: bool | None) -> None:
    if not health.reached:
        slot.caption(f":material/cloud_off: **Flowise not reached.** {escape_markdown(health.problem or '')}")
        return
    lines = [":material/cloud_done: Flowise reached"]
    if health.flow_name:
        # The name is whatever was typed in Flowise: shown as written, never as Markdown.
        lines.append(f"Flow name: {escape_markdown(health.flow_name)}")
    if streams is not None:
        lines.append("Answers stream as they are written" if streams else "Answers arrive in one piece")
    slot.caption("  \n".join(lines))


def render_downloads(convo: Conversation, flow: str) -> None:
    """The conversation as Markdown and as JSON. Drawn after the page's answer, so that the turn
    just asked is there; the files are made only when clicked."""
    if not convo.turns:
        return
    name = f"conversation-{convo.chat_id[:8]}"
    with st.sidebar:
        st.download_button(
            "Download as Markdown", data=lambda: to_markdown(convo, flow), file_name=f"{name}.md",
            mime="text/markdown", icon=":material/download:", on_click="ignore", use_container_width=True,
        )
        st.download_button(
            "Download as JSON", data=lambda: to_json(convo, flow), file_name=f"{name}.json",
            mime="application/json", icon=":material/data_object:", on_click="ignore", use_container_width=True,
        )
