"""The chat page: configuration, history, and the question box."""

from __future__ import annotations

import streamlit as st

from chat.demo import demo_server
from chat.settings import SettingsError
from chat.state import client_for, conversation, prefetch_flow_streams, take_retry
from chat.streamlit_settings import current_settings
from components.conversation import ask, render_history
from components.sidebar import render_sidebar

st.title("Flowise chat")

try:
    settings = current_settings()
except SettingsError as exc:
    st.error(f"{exc}\n\nSet it in the environment or in `.streamlit/secrets.toml`, then reload the page.")
    st.stop()

if settings.is_demo:
    server = demo_server()
    base_url, flow_id = server.base_url, server.flow_id
    st.info(
        "You are talking to the **built-in demo flow**, which answers questions about this app. "
        "To chat with your own Flowise flow, set `FLOWISE_URL` and `FLOWISE_FLOW_ID` "
        "(and `FLOWISE_API_KEY` if the flow needs one) in the environment or in `.streamlit/secrets.toml`.",
        icon=":material/science:",
    )
else:
    base_url, flow_id = settings.url, settings.flow_id

convo = conversation()
render_sidebar(convo, base_url, flow_id, settings.is_demo)

retried = take_retry()
# Read first (the box stays pinned to the bottom) so that the history knows a question is coming.
question = (st.chat_input("Ask the flow a question") or "").strip() or retried
render_history(convo, question_coming=bool(question))

client = client_for(settings, base_url)
if question:
    ask(client, flow_id, convo, question, settings.flush_interval)
else:
    prefetch_flow_streams(client, flow_id)
