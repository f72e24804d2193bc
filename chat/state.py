"""The one owner of ``st.session_state``: everything a browser session keeps lives here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import streamlit as st

from flowise_client import FlowiseClient, FlowiseError, FlowiseProtocolError, FlowiseServerError, Timeouts

from .settings import Settings
from .turn import Turn

_CONVERSATION = "conversation"
_CLIENT = "flowise_client"
_RETRY = "retry_question"


@dataclass
class Conversation:
    # Flowise uses the chat id as the memory session id, so one id per conversation, new per browser.
    chat_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    turns: list[Turn] = field(default_factory=list)
    streaming: bool | None = None


def conversation() -> Conversation:
    if _CONVERSATION not in st.session_state:
        st.session_state[_CONVERSATION] = Conversation()
    return st.session_state[_CONVERSATION]


def start_new_conversation() -> Conversation:
    st.session_state[_CONVERSATION] = Conversation()
    return st.session_state[_CONVERSATION]


def request_retry(question: str) -> None:
    """Ask ``question`` again in the next run: a Retry button's callback."""
    st.session_state[_RETRY] = question


def take_retry() -> str | None:
    """The question a Retry button asked to send again, once."""
    return st.session_state.pop(_RETRY, None)


def client_for(settings: Settings, base_url: str) -> FlowiseClient:
    """This session's client (it keeps the connection pool), rebuilt when the settings change."""
    cached = st.session_state.get(_CLIENT)
    key = (base_url, settings.api_key, settings.read_timeout)
    if cached is None or cached[0] != key:
        if cached is not None:
            cached[1].close()
        client = FlowiseClient(base_url, settings.api_key, timeouts=Timeouts(read=settings.read_timeout))
        st.session_state[_CLIENT] = cached = (key, client)
    return cached[1]


def flow_streams(client: FlowiseClient, flow_id: str) -> bool:
    """Whether to ask for a stream; asked once per conversation. An unknown flow id raises here,
    at once, where a streaming request would get no answer at all from some Flowise versions."""
    convo = conversation()
    if convo.streaming is None:
        try:
            convo.streaming = client.is_streaming(flow_id)
        except (FlowiseServerError, FlowiseProtocolError):
            # A server or proxy that fails only this check may still answer; the prediction will tell.
            convo.streaming = True
    return convo.streaming


def prefetch_flow_streams(client: FlowiseClient, flow_id: str) -> None:
    """Ask whether the flow streams while the person is still typing, so that their first question
    does not wait for it. A failure is left for that question to report, in the chat."""
    try:
        flow_streams(client, flow_id)
    except FlowiseError:
        pass
