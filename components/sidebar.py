"""Sidebar: the interface language, the choice of flow when there are several, which flow this is and
whether it answers, the conversation id, "New chat", "Log out", and the conversation to download."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.conversation import Conversation
from chat.conversations import choose_flow_id, start_new_conversation
from chat.export import file_stem, to_json, to_markdown
from chat.health import Health
from chat.i18n import LANGUAGES
from chat.language import AUTO_LANGUAGE, language, language_choice, remember_language_choice, say, t
from chat.links import FlowLink
from chat.session import FLOW_CHOICE, LANGUAGE_PICKER
from chat.settings import Flow

from .markdown import escape_markdown, plain_text, safe_markdown


def render_language_picker() -> None:
    """The browser's language, or one picked here; drawn before anything else, so that it is there
    on every page, the password's too."""
    # Each language by its own name, so that a person finds theirs whatever the page is in.
    names = {AUTO_LANGUAGE: t("language.auto"), **LANGUAGES}
    choices = list(names)
    st.sidebar.selectbox(
        t("language"),
        choices,
        index=choices.index(language_choice()),
        key=LANGUAGE_PICKER,
        format_func=names.__getitem__,
        on_change=remember_language_choice,
    )


def choose_flow(flows: Sequence[Flow]) -> Flow:
    """The flow to talk to: with several, the one picked at the top of the sidebar (under the
    language), each shown by its name with its description under it."""
    by_id = {flow.id: flow for flow in flows}
    chosen = choose_flow_id(flows)
    if len(flows) > 1:
        with st.sidebar:
            # Names and descriptions are the app owner's words: shown as written, as Markdown that cannot run.
            chosen = st.radio(
                t("sidebar.flow_choice"),
                list(by_id),
                key=FLOW_CHOICE,
                format_func=lambda flow_id: escape_markdown(by_id[flow_id].name or flow_id),
                captions=[safe_markdown(flow.description or "") for flow in flows],
            )
    return by_id[chosen]


def render_sidebar(convo: Conversation, flow: Flow, link: FlowLink, is_demo: bool, logged_in: bool) -> DeltaGenerator:
    """Draws the sidebar and returns the place for the health line, which is filled in last, so
    that checking the server never delays the page."""
    with st.sidebar:
        if st.button(t("sidebar.new_chat"), icon=":material/add_comment:", width="stretch"):
            start_new_conversation(link)
            st.rerun()
        # The flow by its name only: its id and its server's address would let a visitor call Flowise
        # directly, around the app's password and limits.
        if is_demo:
            st.caption(t("sidebar.flow_demo"))
        elif flow.name and link.slug is None:  # with several, the choice above names it
            st.caption(t("sidebar.flow", name=plain_text(flow.name)))
        health_slot = st.empty()
        # As written, whatever the link held: never Markdown.
        st.caption(t("sidebar.conversation", chat_id=plain_text(convo.chat_id)))
        if logged_in:
            st.button(t("sidebar.log_out"), icon=":material/logout:", on_click=st.logout)
    return health_slot


def render_health(slot: DeltaGenerator, health: Health, streams: bool | None) -> None:
    if health.problem is not None:  # not reached
        problem = escape_markdown(say(health.problem))
        slot.caption(f":material/cloud_off: {t('sidebar.not_reached', problem=problem)}")
        return
    lines = [f":material/cloud_done: {t('sidebar.reached')}"]
    if health.flow_name:
        # The name is whatever was typed in Flowise: shown as written, never as Markdown.
        lines.append(t("sidebar.flow_name", name=escape_markdown(health.flow_name)))
    if streams is not None:
        lines.append(t("sidebar.streams") if streams else t("sidebar.one_piece"))
    slot.caption("  \n".join(lines))


def render_downloads(convo: Conversation, flow: Flow, is_demo: bool, flowise_name: str | None) -> None:
    """The conversation as Markdown and as JSON, named after the flow (its name here, else its name in
    Flowise, ``flowise_name``, never its id). Drawn after the page's answer, so that the turn just
    asked is there; the files are made only when clicked."""
    if not convo.turns:
        return
    title = t("export.demo_flow") if is_demo else flow.name or flowise_name or t("export.flow")
    name = file_stem(convo.chat_id, flow.name)
    # The page's language now: the files are made later, outside this run.
    words = language()
    with st.sidebar:
        st.download_button(
            t("sidebar.download_markdown"),
            data=lambda: to_markdown(convo, title, words),
            file_name=f"{name}.md",
            mime="text/markdown",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
        st.download_button(
            t("sidebar.download_json"),
            data=lambda: to_json(convo, title, words),
            file_name=f"{name}.json",
            mime="application/json",
            icon=":material/data_object:",
            on_click="ignore",
            width="stretch",
        )
