"""The chat page: configuration, access, history, and the question box."""

from __future__ import annotations

import streamlit as st

from chat.asking import rejected_question, take_requested_question, take_requested_reply
from chat.conversations import open_or_start_conversation, restore_conversation
from chat.demo import demo_server
from chat.flow_facts import chatbot_config, client_for, flow_health, prefetch_flow_streams, upload_policy
from chat.flow_target import FlowTarget
from chat.health import warn_if_unprotected
from chat.language import say, t
from chat.limits import QuestionLimits
from chat.links import FlowLink
from chat.setting_sources import SettingsError
from chat.settings import Flow
from chat.streamlit_settings import current_settings
from components.access import require_access
from components.conversation import ask, render_history
from components.markdown import safe_markdown
from components.question_box import question_box, render_rejection
from components.sidebar import choose_flow, render_downloads, render_health, render_language_picker, render_sidebar
from components.welcome import render_starter_prompts, render_welcome_message

render_language_picker()
st.title(t("page.title"))

try:
    settings = current_settings()
except SettingsError as exc:
    st.error(t("page.settings_problem", problem=exc.message))
    st.stop()

# Before anything reaches Flowise: on the open internet, every question costs money.
require_access(settings)

if settings.is_demo:
    server = demo_server()
    flows: tuple[Flow, ...] = (Flow(id=server.flow_id, url=server.base_url),)
    st.info(t("page.demo"), icon=":material/science:")
else:
    flows = settings.flows

chosen = choose_flow(flows)
flow_id = chosen.id
link = FlowLink.of(chosen, flows, settings.chat_link_secret)
client = client_for(chosen, settings)
convo = restore_conversation(client, link, open_or_start_conversation(link))
if convo.notice and not convo.turns:
    # It may quote the server: Markdown, but as safe as an answer.
    st.info(safe_markdown(say(convo.notice)), icon=":material/history:")
health_slot = render_sidebar(convo, chosen, link, settings.is_demo, logged_in=settings.login_required)

limits = QuestionLimits(
    settings.max_question_chars,
    settings.questions_per_minute,
    total_per_minute=settings.total_questions_per_minute,
    concurrent_answers=settings.max_concurrent_answers,
    max_files=settings.max_files_per_question,
)
policy = upload_policy(client, flow_id)
requested = take_requested_question(limits)
# Read first (the box stays pinned to the bottom) so that the history knows a question is coming.
question = question_box(limits, policy, settings.max_recording_seconds) or requested
reply = None if question else take_requested_reply(convo, limits)
flow = FlowTarget(
    client, flow_id, settings.flush_interval, chosen.override_config, limits, policy, settings.image_hosts
)
welcome = chatbot_config(client, flow_id)
render_welcome_message(welcome)
render_history(flow, convo, question_coming=bool(question), reply=reply)
if not (convo.turns or question):
    render_starter_prompts(welcome)
if rejection := rejected_question():
    render_rejection(rejection)

if question:
    ask(flow, convo, question)
else:
    prefetch_flow_streams(client, flow_id, convo)
health = flow_health(client, flow_id)
if not settings.is_demo:
    warn_if_unprotected(chosen, health)
render_health(health_slot, health, convo.streaming)
render_downloads(convo, chosen, settings.is_demo, health.flow_name)
