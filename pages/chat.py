"""The chat page: configuration, access, history, and the question box."""

from __future__ import annotations

import streamlit as st

from chat.demo import demo_server
from chat.limits import QuestionLimits
from chat.settings import SettingsError
from chat.state import (
    chatbot_config,
    client_for,
    conversation,
    flow_health,
    prefetch_flow_streams,
    rejected_question,
    restore_conversation,
    take_requested_question,
)
from chat.streamlit_settings import current_settings
from components.access import require_access
from components.conversation import FlowTarget, ask, render_history
from components.question_box import question_box, render_rejection
from components.sidebar import render_downloads, render_health, render_sidebar
from components.welcome import render_starter_prompts, render_welcome_message

st.title("Flowise chat")

try:
    settings = current_settings()
except SettingsError as exc:
    st.error(f"{exc}\n\nSet it in the environment or in `.streamlit/secrets.toml`, then reload the page.")
    st.stop()

# Before anything reaches Flowise: on the open internet, every question costs money.
require_access(settings)

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

client = client_for(settings, base_url)
convo = restore_conversation(client, flow_id, conversation())
if convo.notice and not convo.turns:
    st.info(convo.notice, icon=":material/history:")
health_slot = render_sidebar(convo, base_url, flow_id, settings.is_demo, logged_in=settings.login_required)

limits = QuestionLimits(settings.max_question_chars, settings.questions_per_minute)
requested = take_requested_question(limits)
# Read first (the box stays pinned to the bottom) so that the history knows a question is coming.
question = question_box(limits) or requested
flow = FlowTarget(client, flow_id, settings.flush_interval, settings.override_config)
welcome = chatbot_config(client, flow_id)
render_welcome_message(welcome)
render_history(flow, convo, question_coming=bool(question))
if not (convo.turns or question):
    render_starter_prompts(welcome)
if rejection := rejected_question():
    render_rejection(rejection)

if question:
    ask(flow, convo, question)
else:
    prefetch_flow_streams(client, flow_id)
render_health(health_slot, flow_health(client, flow_id), convo.streaming)
render_downloads(convo, "the built-in demo flow" if settings.is_demo else f"Flowise flow {flow_id}")
