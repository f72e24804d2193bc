"""Sidebar: the choice of flow when there are several, which flow this is and whether it answers,
the conversation id, "New chat", "Log out", and the conversation to download."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.export import file_stem, to_json, to_markdown
from chat.health import Health
from chat.settings import Flow
from chat.state import FLOW_CHOICE, Conversation, chosen_flow_id, start_new_conversation, t

from .markdown import escape_markdown, safe_markdown


def choose_flow(flows: Sequence[Flow]) -> Flow:
    """The flow to talk to: with several, the one picked at the top of the sidebar, each shown by
    its name with its description under it."""
    by_id = {flow.id: flow for flow in flows}
    chosen = chosen_flow_id(list(by_id))
    if len(flows) > 1:
        with st.sidebar:
            # Names and descriptions are the app owner's words: shown as written, as Markdown that cannot run.
            chosen = st.radio(
                t("flow_choice"), list(by_id), key=FLOW_CHOICE,
                format_func=lambda flow_id: escape_markdown(by_id[flow_id].name or flow_id),
                captions=[safe_markdown(flow.description or "") for flow in flows],
            )
    return by_id[chosen]


def render_sidebar(convo: Conversation, flow: Flow, is_demo: bool, logged_in: bool) -> DeltaGenerator:
    """Draws the sidebar and returns the place for the health line, which is filled in last, so
    that checking the server never delays the page."""
    with st.sidebar:
        if st.button("New chat", icon=":material/add_comment:", use_container_width=True):
            start_new_conversation(flow.id)
            st.rerun()
        st.caption("Flow: built-in demo" if is_demo else f"Flow `{flow.id}` on {urlsplit(flow.url).netloc}")
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


def render_downloads(convo: Conversation, flow: Flow, is_demo: bool) -> None:
    """The conversation as Markdown and as JSON, named after the flow. Drawn after the page's
    answer, so that the turn just asked is there; the files are made only when clicked."""
    if not convo.turns:
        return
    if is_demo:
        title = "the built-in demo flow"
    elif flow.name:
        title = t("export_named_flow", name=flow.name, id=flow.id)
    else:
        title = f"Flowise flow {flow.id}"
    name = file_stem(convo.chat_id, flow.name)
    with st.sidebar:
        st.download_button(
            "Download as Markdown", data=lambda: to_markdown(convo, title), file_name=f"{name}.md",
            mime="text/markdown", icon=":material/download:", on_click="ignore", use_container_width=True,
        )
        st.download_button(
            "Download as JSON", data=lambda: to_json(convo, title), file_name=f"{name}.json",
            mime="application/json", icon=":material/data_object:", on_click="ignore", use_container_width=True,
        )
