"""A conversation's messages as Flowise's chat history stores them (``GET /api/v1/chatmessage/{id}``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .events import FlowiseEvent
from .prediction_json import events_from_prediction
from .uploads import StoredUpload


@dataclass(frozen=True)
class StoredMessage:
    """A message of Flowise's chat history: a question (``userMessage``) or an answer (``apiMessage``)
    with the events a stream of it would have carried (text, sources, tools, agent steps, a pending
    action, its message id). ``execution_id`` names the agentflow run it belongs to: the messages
    of a run that stopped for a person's approval and went on share it."""

    role: str
    content: str
    created: str
    events: tuple[FlowiseEvent, ...]
    # The files sent with a question.
    file_uploads: tuple[StoredUpload, ...] = ()
    execution_id: str = ""

    @property
    def is_question(self) -> bool:
        return self.role == "userMessage"

    @property
    def is_answer(self) -> bool:
        return self.role == "apiMessage"

    @classmethod
    def from_json(cls, message: Mapping[str, Any]) -> StoredMessage:
        content = message.get("content")
        content = content if isinstance(content, str) else ""
        stored = {key: value for key, value in message.items() if key != "content"}
        # An agentflow's answer does not store its nodes itself: they are in the run it points to.
        execution = message.get("execution")
        if isinstance(execution, Mapping) and execution.get("executionData"):
            stored["agentFlowExecutedData"] = execution["executionData"]
        events = tuple(events_from_prediction({**stored, "text": content, "chatMessageId": message.get("id")}))
        execution_id = message.get("executionId")
        return cls(
            str(message.get("role") or ""),
            content,
            str(message.get("createdDate") or ""),
            events,
            StoredUpload.many_from_json(message.get("fileUploads")),
            execution_id if isinstance(execution_id, str) else "",
        )
