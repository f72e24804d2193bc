"""Reading the events the Flowise client yields."""

from __future__ import annotations

from collections.abc import Iterable

from flowise_client.events import FlowiseEvent, TokenEvent


def answer_text(events: Iterable[FlowiseEvent]) -> str:
    """The answer the token events add up to."""
    return "".join(e.text for e in events if isinstance(e, TokenEvent))
