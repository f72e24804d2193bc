"""What this session knows about a flow, each asked of Flowise once and kept: its chat settings, what
it accepts besides text, whether it streams, whether it answers, and the client that asks."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from flowise_client import (
    ChatbotConfig,
    FlowiseClient,
    FlowiseError,
    FlowiseProtocolError,
    FlowiseServerError,
    Timeouts,
)

from .conversation import Conversation
from .health import Health, check_health
from .session import CHATBOT_CONFIGS, CLIENTS, HEALTH, UPLOAD_POLICIES, kept
from .settings import Flow, Settings
from .uploads import UploadPolicy

_Answer = TypeVar("_Answer")

# Fresh enough for a status line, rare enough that reruns do not hit Flowise each time.
HEALTH_TTL = 60.0
# How long a flow's settings that Flowise could not give are taken as unknown before asking again.
PROBE_RETRY_SECONDS = 30.0


def chatbot_config(client: FlowiseClient, flow_id: str) -> ChatbotConfig:
    """The flow's chat settings (starter prompts, welcome message, what it accepts besides text), asked
    once per session and flow. A server that cannot tell is a flow without them: the chat works all the same."""
    return _read_chatbot_config(client, flow_id) or ChatbotConfig()


def _read_chatbot_config(client: FlowiseClient, flow_id: str) -> ChatbotConfig | None:
    return _asked_once(CHATBOT_CONFIGS, client, flow_id, lambda: client.chatbot_config(flow_id))


def upload_policy(client: FlowiseClient, flow_id: str) -> UploadPolicy:
    """What the flow accepts besides text, asked once per session and flow. A server that cannot tell
    is a flow that takes text only."""
    return _asked_once(UPLOAD_POLICIES, client, flow_id, lambda: _read_upload_policy(client, flow_id)) or UploadPolicy()


def _read_upload_policy(client: FlowiseClient, flow_id: str) -> UploadPolicy | None:
    config = _read_chatbot_config(client, flow_id)
    if config is None:
        return None  # Flowise did not answer just now: both are asked again later
    # Flowise 1.6 and later put the uploads config into the chat settings; older ones answer it apart.
    uploads = config.uploads if config.uploads is not None else client.uploads_config(flow_id)
    return UploadPolicy(uploads, config.full_file_upload)


def _asked_once(store: str, client: FlowiseClient, flow_id: str, ask: Callable[[], _Answer | None]) -> _Answer | None:
    """What ``ask`` answers about the flow, asked once per session; None while Flowise cannot tell
    (``ask`` raised a FlowiseError or answered None).
    A failure is asked again after PROBE_RETRY_SECONDS, on a later rerun: a server that was briefly
    down then gets its settings back, without every rerun waiting for one that stays down."""

    def answer() -> _Answer | None:
        try:
            return ask()
        except FlowiseError:
            return None

    return kept(store, answer, key=(client.base_url, flow_id), ttl=_retry_when_unknown)


def _retry_when_unknown(answer: object) -> float | None:
    return PROBE_RETRY_SECONDS if answer is None else None


def client_for(flow: Flow, settings: Settings) -> FlowiseClient:
    """This session's client for the flow (it keeps the connection pool), rebuilt when the settings
    change."""
    return kept(
        CLIENTS,
        lambda: FlowiseClient(
            flow.url,
            flow.api_key,
            timeouts=Timeouts(read=settings.read_timeout),
            max_answer_chars=settings.max_answer_chars,
        ),
        key=flow.id,
        made_from=(flow.url, flow.api_key, settings.read_timeout, settings.max_answer_chars),
        on_replace=FlowiseClient.close,
    )


def flow_streams(client: FlowiseClient, flow_id: str, convo: Conversation) -> bool:
    """Whether to ask for a stream in ``convo``; asked once per conversation, and kept in it. An unknown
    flow id raises here, at once, where a streaming request would get no answer at all from some
    Flowise versions."""
    if convo.streaming is None:
        try:
            convo.streaming = client.is_streaming(flow_id)
        except (FlowiseServerError, FlowiseProtocolError):
            # A server or proxy that fails only this check may still answer; the prediction will tell.
            convo.streaming = True
    return convo.streaming


def prefetch_flow_streams(client: FlowiseClient, flow_id: str, convo: Conversation) -> None:
    """Ask whether the flow streams while the person is still typing, so that their first question
    does not wait for it. A failure is left for that question to report, in the chat."""
    with suppress(FlowiseError):
        flow_streams(client, flow_id, convo)


def flow_health(client: FlowiseClient, flow_id: str) -> Health:
    """This session's view of the server and flow, checked again after HEALTH_TTL seconds."""
    return kept(HEALTH, lambda: check_health(client, flow_id), key=(client.base_url, flow_id), ttl=HEALTH_TTL)
