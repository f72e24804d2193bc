"""A question to a flow (``POST /api/v1/prediction/{id}``): the request's body, and its answer,
streamed or JSON, as typed events."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests
from urllib3.exceptions import ReadTimeoutError

from .budget import AnswerBounds, counted_bytes
from .errors import (
    FlowiseConnectionLostError,
    FlowiseError,
    FlowiseProtocolError,
    FlowiseStreamError,
    FlowiseTimeoutError,
)
from .event_parsing import parse_event
from .events import EndEvent, ErrorEvent, FlowiseEvent
from .http_errors import QUOTED_CHARS, caused_by, clean_server_message
from .human_input import HumanReply
from .prediction_json import events_from_prediction
from .sse import iter_payloads
from .transport import READ_BYTES, Transport
from .uploads import Upload

log = logging.getLogger(__name__)


def prediction_body(
    question: str | HumanReply,
    chat_id: str,
    streaming: bool,
    override_config: Mapping[str, Any] | None,
    session_id: str | None,
    uploads: Sequence[Upload],
) -> dict[str, Any]:
    if isinstance(question, HumanReply):
        body: dict[str, Any] = {"question": question.question, **question.request_fields()}
    else:
        body = {"question": question}
    body.update(chatId=chat_id, streaming=streaming)
    if override_config:
        session = {"sessionId": session_id} if session_id is not None else {}
        body["overrideConfig"] = {**override_config, **session}
    if uploads:
        body["uploads"] = [upload.to_json() for upload in uploads]
    return body


def answer_events(transport: Transport, response: requests.Response, bounds: AnswerBounds) -> Iterator[FlowiseEvent]:
    """The events of a prediction's answer, whichever way it came."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "text/event-stream":
        yield from _stream_events(transport, response, bounds)
    elif content_type == "application/json":
        yield from events_from_prediction(transport.json_body(response))
    else:
        log.warning("Flowise answered a question with content type %r, not an answer", content_type)
        if content_type:
            raise FlowiseProtocolError.of("wrong_content_type", url=transport.base_url, content_type=content_type)
        raise FlowiseProtocolError.of("unknown_content_type", url=transport.base_url)


def _stream_events(transport: Transport, response: requests.Response, bounds: AnswerBounds) -> Iterator[FlowiseEvent]:
    try:
        chunks = counted_bytes(response.iter_content(chunk_size=READ_BYTES), bounds)
        for payload in iter_payloads(chunks):
            event = parse_event(payload)
            if isinstance(event, ErrorEvent):
                raise _flow_error(transport, event.message)
            yield event
            if isinstance(event, EndEvent):
                return
    except requests.exceptions.RequestException as exc:
        if caused_by(exc, ReadTimeoutError):
            seconds = transport.timeouts.read
            log.warning("Flowise's answer stopped: nothing arrived for %g s", seconds)
            raise FlowiseTimeoutError.of("stream_silent", seconds=seconds) from exc
        log.warning("The connection broke while Flowise's answer streamed (%s)", type(exc).__name__)
        raise FlowiseConnectionLostError.of("connection_broken") from exc
    log.warning("Flowise closed the answer's stream before its end event")
    raise FlowiseConnectionLostError.of("connection_closed")


def _flow_error(transport: Transport, message: str) -> FlowiseError:
    message = transport.redact(clean_server_message(message))
    if message.endswith("Unauthorized"):
        log.warning("The flow refused the question: Unauthorized")
        return transport.auth_error()
    log.warning("The flow failed while answering: %s", message[:QUOTED_CHARS])
    return FlowiseStreamError.of("flow_failed", message=message)
