"""Sidebar: which flow this is, the conversation id, and "New chat"."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from chat.state import Conversation, start_new_conversation


def render_sidebar(convo: Conversation, base_url: str, flow_id: str, is_demo: bool) -> None:
    with st.sidebar:
        if st.button("New chat", icon=":material/add_comment:", use_container_width=True):
            start_new_conversation()
            st.rerun()
        st.caption("Flow: built-in demo" if is_demo else f"Flow `{flow_id}` on {urlsplit(base_url).netloc}")
        st.caption(f"Conversation `{convo.chat_id}`")
