"""Whether the configured Flowise answers, and the flow's name when the API key may read it."""

from __future__ import annotations

from dataclasses import dataclass

from flowise_client import FlowiseClient, FlowiseError

from .flowise_errors import error_message
from .i18n import Message


@dataclass(frozen=True)
class Health:
    problem: Message | None  # why Flowise was not reached; None when it was
    flow_name: str | None = None

    @property
    def reached(self) -> bool:
        return self.problem is None


def check_health(client: FlowiseClient, flow_id: str) -> Health:
    try:
        client.ping()
    except FlowiseError as exc:
        return Health(problem=error_message(exc))
    try:
        name = client.flow_name(flow_id)
    except FlowiseError:
        # The name is a nicety; whatever keeps it away, the chat itself may still work.
        name = None
    return Health(problem=None, flow_name=name)
