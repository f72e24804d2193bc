"""Whether the configured Flowise answers, the flow's name when the API key may read it, and a word in
the log when the flow can be called without a key of its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flowise_client import FlowiseClient, FlowiseError

from .flowise_errors import error_message
from .i18n import Message
from .log_once import warn_once
from .settings import Flow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    problem: Message | None  # why Flowise was not reached; None when it was
    flow_name: str | None = None
    # Whether Flowise asks for the flow's own API key; None when the key may not read the flow.
    has_own_key: bool | None = None


def check_health(client: FlowiseClient, flow_id: str) -> Health:
    try:
        client.ping()
    except FlowiseError as exc:
        return Health(problem=error_message(exc))
    try:
        details = client.flow_details(flow_id)
    except FlowiseError:
        # The name is a nicety; whatever keeps it away, the chat itself may still work.
        details = None
    if details is None:
        return Health(problem=None)
    return Health(problem=None, flow_name=details.name, has_own_key=details.has_own_key)


def warn_if_unprotected(flow: Flow, health: Health) -> None:
    """Tell whoever runs the app, once, when the flow answers without a key of its own: anyone who
    learns its id can then call Flowise directly, around this app's password, login and limits."""
    if flow.api_key is None:
        why = "is used without an API key, so it answers anyone"  # else it would not answer the app
    elif health.has_own_key is False:
        why = "has no API key of its own in Flowise"
    else:
        return
    warn_once(
        log,
        f"unprotected:{flow.url}:{flow.id}",
        "Flow %s %s: whoever learns its id can call it on Flowise directly, around this app's password, login "
        "and limits. Choose an API key for it in Flowise (the flow's API Endpoint dialog, in place of "
        "No Authorization) and set that key as FLOWISE_API_KEY or the flow's api_key.",
        flow.name or flow.id,
        why,
    )
