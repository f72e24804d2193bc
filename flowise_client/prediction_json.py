"""Turn a non-streaming (JSON) Flowise prediction into the same events a stream would carry."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .event_parsing import parse_event
from .events import EndEvent, FlowiseEvent, ThinkingEvent, TokenEvent
from .lenient import decoded

# Keys of a JSON prediction that a stream sends as events of the same name and shape.
_EVENT_KEYS = (
    "sourceDocuments",
    "usedTools",
    "agentReasoning",
    "agentFlowExecutedData",
    "artifacts",
    "fileAnnotations",
    "action",
)


def events_from_prediction(body: Any) -> Iterator[FlowiseEvent]:
    if not isinstance(body, Mapping):
        body = {"text": body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)}
    yield from _reasoning(body.get("reasonContent"))
    text = body.get("text")
    if text is None and "json" in body:
        text = "```json\n" + json.dumps(body["json"], ensure_ascii=False, indent=2) + "\n```"
    if text:
        yield TokenEvent(str(text))
    for key in _EVENT_KEYS:
        if body.get(key):
            yield parse_event({"event": key, "data": body[key]})
    yield parse_event({"event": "metadata", "data": body})
    yield EndEvent()


def _reasoning(value: Any) -> Iterator[ThinkingEvent]:
    """A reasoning model's stored thoughts, ``{"thinking": ..., "thinkingDuration": ...}`` (a JSON
    string in the chat history), as the two events a stream carries: the text, then the duration."""
    value = decoded(value)
    if isinstance(value, Mapping) and isinstance(value.get("thinking"), str) and value["thinking"]:
        yield ThinkingEvent(value["thinking"])
        duration = value.get("thinkingDuration")
        if isinstance(duration, (int, float)) and not isinstance(duration, bool):
            yield ThinkingEvent("", duration)
