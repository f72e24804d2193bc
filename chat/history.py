"""A conversation rebuilt from Flowise's chat history, turn by turn."""

from __future__ import annotations

from datetime import datetime

from flowise_client import StoredMessage

from .turn import Turn


def turns_from_history(messages: list[StoredMessage]) -> list[Turn]:
    """Each question with the answer stored after it, its sources, tools and message id."""
    turns: list[Turn] = []
    for message in messages:
        if message.role == "userMessage":
            turns.append(Turn(message.content, asked_at=_when(message.created)))
        elif message.role == "apiMessage" and turns and not turns[-1].complete:
            for event in message.events:
                turns[-1].apply(event)
    return turns


def _when(created: str) -> datetime:
    try:
        return datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now().astimezone()
