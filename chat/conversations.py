"""This session's conversations, one per flow: which flow is chosen, the conversation on the page, in
the page's address (``?chat=<id>``, and ``&flow=<slug>`` when there are several flows) so that a reload
or a shared link continues it, restored from Flowise's history or started anew."""

from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st

from flowise_client import FlowiseAuthError, FlowiseClient, FlowiseError
from flowise_client.uploads import MB

from .conversation import Conversation
from .flowise_errors import error_message
from .history import turns_from_history
from .i18n import Message
from .links import FlowLink, flow_slugs
from .session import CONVERSATIONS, FLOW_CHOICE
from .settings import Flow

# The page URL's query parameters: the conversation id, and with several flows, the flow's slug.
URL_CHAT = "chat"
URL_FLOW = "flow"
# A restored conversation's images are read back for their thumbnails up to this size (Flowise takes
# images up to 5 MB unless the flow says otherwise), and for this long altogether.
THUMBNAIL_SOURCE_BYTES = 5 * MB
THUMBNAILS_SECONDS = 10.0


def choose_flow_id(flows: Sequence[Flow]) -> str:
    """Settles which flow is chosen and returns its id: the one picked in the sidebar; until one is,
    the flow the page's link names, else the first. Kept as the selector's value, which it then shows."""
    flow_ids = [flow.id for flow in flows]
    choice = st.session_state.get(FLOW_CHOICE)
    if choice not in flow_ids:
        by_slug = {slug: flow_id for flow_id, slug in flow_slugs(flows).items()}
        linked = by_slug.get(st.query_params.get(URL_FLOW) or "")
        choice = st.session_state[FLOW_CHOICE] = linked or flow_ids[0]
    return choice


def open_or_start_conversation(link: FlowLink) -> Conversation:
    """Puts the flow's conversation on the page, and its id in the page's address, and returns it: the
    first conversation a session opens is the link's, if this app started it; a flow's first one after
    that is new."""
    conversations = _conversations()
    if link.flow_id not in conversations:
        conversations[link.flow_id] = link.new_conversation() if conversations else _linked_conversation(link)
    convo = conversations[link.flow_id]
    _show_in_url(convo.chat_id, link.slug)
    return convo


def _conversations() -> dict[str, Conversation]:
    conversations: dict[str, Conversation] = st.session_state.setdefault(CONVERSATIONS, {})
    return conversations


def _linked_conversation(link: FlowLink) -> Conversation:
    linked_chat = (st.query_params.get(URL_CHAT) or "").strip()
    linked_flow = (st.query_params.get(URL_FLOW) or "").strip()
    fresh = link.new_conversation()
    if linked_flow and linked_flow != link.slug:
        # The link's flow is not one of the app's flows (else it would be the chosen one).
        fresh.notice = Message("page.link_flow_unknown")
    elif linked_chat and not link.signer.signed(link.flow_id, linked_chat):
        # Typed, guessed, changed, another flow's, or from another channel of the flow: whoever made it
        # could read what is said next, or read a conversation that is not theirs. Flowise is not asked.
        fresh.notice = Message("page.link_not_from_here")
    elif linked_chat:
        return Conversation(chat_id=linked_chat, restore=True)
    return fresh


def _show_in_url(chat_id: str, slug: str | None) -> None:
    if st.query_params.get(URL_CHAT) != chat_id:
        st.query_params[URL_CHAT] = chat_id
    if slug is None:
        if URL_FLOW in st.query_params:
            del st.query_params[URL_FLOW]
    elif st.query_params.get(URL_FLOW) != slug:
        st.query_params[URL_FLOW] = slug


def restore_conversation(client: FlowiseClient, link: FlowLink, convo: Conversation) -> Conversation:
    """Read a linked conversation's turns from Flowise, once; if they cannot be read, start afresh
    and say why. Returns the conversation to go on with."""
    if not convo.restore:
        return convo
    convo.restore = False
    flow_id = link.flow_id

    # The page waits for these, and they only make thumbnails: each gets a status check's short wait,
    # and all together a few seconds, so that a slow server cannot hold the page.
    deadline = time.monotonic() + THUMBNAILS_SECONDS

    def stored_file(name: str) -> bytes | None:
        if time.monotonic() > deadline:
            return None
        try:
            return client.get_upload_file(flow_id, convo.chat_id, name, max_bytes=THUMBNAIL_SOURCE_BYTES, quick=True)
        except FlowiseError:
            return None  # the question keeps its file name, without a picture

    try:
        convo.turns = turns_from_history(client.chat_history(flow_id, convo.chat_id), stored_file)
    except FlowiseError as exc:
        fresh = start_new_conversation(link)
        why = Message("page.history_not_readable") if isinstance(exc, FlowiseAuthError) else error_message(exc)
        fresh.notice = Message("page.not_restored", {"why": why})
        return fresh
    # A link to a conversation with nothing in it yet is not taken up: whoever made it (opening the
    # page is enough) would read what is said next.
    return convo if convo.turns else start_new_conversation(link)


def start_new_conversation(link: FlowLink) -> Conversation:
    """A new conversation with the flow, in place of its current one."""
    convo = link.new_conversation()
    _conversations()[link.flow_id] = convo
    st.query_params[URL_CHAT] = convo.chat_id
    return convo
