"""HTTP client for Flowise's prediction API: one question in, typed events out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import Any

import requests

from .budget import AnswerBounds, capped
from .chat_history import StoredMessage
from .errors import FlowiseAuthError, FlowiseNotFoundError, FlowiseProtocolError
from .events import FlowiseEvent
from .flow_settings import ChatbotConfig, FlowDetails
from .human_input import HumanReply
from .prediction import answer_events, prediction_body
from .transport import DEFAULT_RETRY_DELAYS, Timeouts, Transport, api_path
from .uploads import MB, AttachmentText, Upload, UploadsConfig

# Far longer than any chat answer, short enough that a runaway flow cannot fill the page or the memory.
DEFAULT_MAX_ANSWER_CHARS = 200_000
# Failures that happen before the server has answered anything: refused (a server restarting), or
# reset or closed before the response headers (a stale pooled connection, a proxy dropping it).
_NOT_ANSWERED = (ConnectionRefusedError, ConnectionResetError, BrokenPipeError)
# Enough of /api/v1/ping's answer to tell "pong" from anything else.
_PONG_BYTES = 64
# A file the server stores for a conversation (an image a flow made, a file it wrote) is shown or
# offered for download whole, so it is held in memory: larger ones are refused.
DEFAULT_MAX_FILE_BYTES = 20 * MB
# The defaults of FlowiseClient's arguments: both frozen, so one instance serves every client.
_TIMEOUTS = Timeouts()
_BOUNDS = AnswerBounds()


class Rating(Enum):
    """Flowise's ChatMessageRatingType."""

    THUMBS_UP = "THUMBS_UP"
    THUMBS_DOWN = "THUMBS_DOWN"


class FlowiseClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeouts: Timeouts = _TIMEOUTS,
        session: requests.Session | None = None,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
        answer_bounds: AnswerBounds = _BOUNDS,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        if max_answer_chars < 1:
            raise ValueError("max_answer_chars must be at least 1")
        self._transport = Transport(base_url, api_key, timeouts, session, retry_delays)
        self.base_url = self._transport.base_url
        self.max_answer_chars = max_answer_chars
        self.answer_bounds = answer_bounds

    def close(self) -> None:
        self._transport.close()

    def is_streaming(self, flow_id: str) -> bool:
        """Whether the flow can stream (``GET /api/v1/chatflows-streaming/{id}``)."""
        with self._transport.request(
            "GET", api_path("chatflows-streaming", flow_id), timeout=self._transport.json_timeout
        ) as response:
            body = self._transport.json_body(response)
        return bool(isinstance(body, Mapping) and body.get("isStreaming"))

    def ping(self) -> None:
        """Returns if Flowise answers ``GET /api/v1/ping`` with "pong"; raises a :class:`FlowiseError` if not."""
        with self._transport.request("GET", api_path("ping"), timeout=self._transport.probe_timeout) as response:
            # A short "pong", or it is not Flowise: a long page need not be read to the end to know that.
            body = next(response.iter_content(chunk_size=_PONG_BYTES), b"")
        if body.strip() != b"pong":
            raise FlowiseProtocolError.of("not_flowise", url=self.base_url)

    def flow_details(self, flow_id: str) -> FlowDetails | None:
        """The flow's name and whether it has a key of its own (``GET /api/v1/chatflows/{id}``), or None
        when the API key may not read it: Flowise lets a key that can run a flow see it only with the
        chatflows:view permission."""
        try:
            with self._transport.request(
                "GET", api_path("chatflows", flow_id), timeout=self._transport.probe_timeout, keyed=True
            ) as response:
                body = self._transport.json_body(response)
        except (FlowiseAuthError, FlowiseNotFoundError):
            return None
        return FlowDetails.from_json(body) if isinstance(body, Mapping) else None

    def uploads_config(self, flow_id: str) -> UploadsConfig:
        """What the flow accepts besides text (``GET /api/v1/chatflows-uploads/{id}``, no key needed)."""
        with self._transport.request(
            "GET", api_path("chatflows-uploads", flow_id), timeout=self._transport.probe_timeout
        ) as response:
            return UploadsConfig.from_json(self._transport.json_body(response))

    def chatbot_config(self, flow_id: str) -> ChatbotConfig:
        """The flow's chat settings for visitors (``GET /api/v1/public-chatbotConfig/{id}``, no key needed)."""
        with self._transport.request(
            "GET", api_path("public-chatbotConfig", flow_id), timeout=self._transport.probe_timeout
        ) as response:
            body = self._transport.json_body(response)
        # A flow with no chat settings at all answers the JSON string "OK".
        return ChatbotConfig.from_json(body if isinstance(body, Mapping) else {})

    def chat_history(self, flow_id: str, chat_id: str) -> list[StoredMessage]:
        """One conversation's stored messages, oldest first (``GET /api/v1/chatmessage/{flow_id}``;
        Flowise answers it only with an API key)."""
        params = {"chatId": chat_id, "order": "ASC"}
        with self._transport.request(
            "GET", api_path("chatmessage", flow_id), params=params, timeout=self._transport.json_timeout, keyed=True
        ) as response:
            body = self._transport.json_body(response)
        return [StoredMessage.from_json(m) for m in body if isinstance(m, Mapping)] if isinstance(body, list) else []

    def send_feedback(
        self,
        flow_id: str,
        chat_id: str,
        message_id: str,
        rating: Rating,
        content: str = "",
        feedback_id: str | None = None,
    ) -> str:
        """Rate an answer (``POST /api/v1/feedback``), or change the rating already given
        (``PUT /api/v1/feedback/{feedback_id}``); returns the feedback's id."""
        body = {
            "chatflowid": flow_id,
            "chatId": chat_id,
            "messageId": message_id,
            "rating": rating.value,
            "content": content,
        }
        path = api_path("feedback", feedback_id) if feedback_id else api_path("feedback")
        with self._transport.request(
            "PUT" if feedback_id else "POST", path, json=body, timeout=self._transport.json_timeout
        ) as response:
            answer = self._transport.json_body(response)
        new_id = answer.get("id") if isinstance(answer, Mapping) else None
        if not isinstance(new_id, str):
            if feedback_id:
                return feedback_id
            raise FlowiseProtocolError.of("feedback_not_stored", url=self.base_url)
        return new_id

    def extract_attachments(
        self, flow_id: str, chat_id: str, files: Sequence[tuple[str, bytes, str]]
    ) -> list[AttachmentText]:
        """The text of each ``(name, content, mime)`` file, as Flowise's attachments endpoint extracts it
        for a flow with Full File Upload on (``POST /api/v1/attachments/{flow}/{chat}``); the prediction
        then carries it as a "file:full" upload. Flowise also keeps the file with the conversation."""
        path = api_path("attachments", flow_id, chat_id)
        parts = [("files", (name, content, mime)) for name, content, mime in files]
        with self._transport.request(
            "POST", path, files=parts, data={"chatId": chat_id}, timeout=self._transport.json_timeout
        ) as response:
            return AttachmentText.many_from_json(self._transport.json_body(response))

    def add_to_vector_store(self, flow_id: str, chat_id: str, files: Sequence[tuple[str, bytes, str]]) -> None:
        """Add ``(name, content, mime)`` files to the flow's vector store for this conversation, as
        Flowise's chat widget does before a question with "file:rag" uploads (``POST
        /api/v1/vector/upsert/{flow}``; Flowise asks for the flow's API key here)."""
        parts = [("files", (name, content, mime)) for name, content, mime in files]
        with self._transport.request(
            "POST",
            api_path("vector/upsert", flow_id),
            files=parts,
            data={"chatId": chat_id},
            timeout=self._transport.json_timeout,
            keyed=True,
        ) as response:
            self._transport.json_body(response)

    def get_upload_file(
        self, flow_id: str, chat_id: str, file_name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES, quick: bool = False
    ) -> bytes:
        """A file Flowise stores with a conversation: an image sent with a question, or one a flow made
        (``GET /api/v1/get-upload-file``, no key needed). Raises FlowiseProtocolError past ``max_bytes``;
        ``quick``: waits no longer than a status check, for a file the page waits for."""
        params = {"chatflowId": flow_id, "chatId": chat_id, "fileName": file_name}
        timeout = self._transport.probe_timeout if quick else self._transport.json_timeout
        with self._transport.request("GET", api_path("get-upload-file"), params=params, timeout=timeout) as response:
            return self._transport.file_body(response, file_name, max_bytes)

    def download_file_annotation(
        self, flow_id: str, chat_id: str, file_name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES
    ) -> bytes:
        """A file an answer's ``fileAnnotations`` point at, as Flowise's chat widget downloads it
        (``POST /api/v1/openai-assistants-file/download``, no key needed)."""
        body = {"fileName": file_name, "chatflowId": flow_id, "chatId": chat_id}
        with self._transport.request(
            "POST", api_path("openai-assistants-file/download"), json=body, timeout=self._transport.json_timeout
        ) as response:
            return self._transport.file_body(response, file_name, max_bytes)

    def abort(self, flow_id: str, chat_id: str) -> None:
        """Ask Flowise to stop the answer it is producing for this chat. Closing the stream ends it
        on our side; this stops the work (and the cost) on the server's side where the flow allows."""
        with self._transport.request(
            "PUT", api_path("chatmessage/abort", flow_id, chat_id), timeout=self._transport.json_timeout
        ):
            pass

    @contextmanager
    def predict(
        self,
        flow_id: str,
        question: str | HumanReply,
        chat_id: str,
        *,
        streaming: bool = True,
        override_config: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        uploads: Sequence[Upload] = (),
    ) -> Iterator[Iterator[FlowiseEvent]]:
        """Ask the flow a question, or answer the ``action`` it stopped at with a :class:`HumanReply`
        (the flow then goes on from where it stopped); the context yields its events in order and
        always closes the response when it exits, whether the events were read to the end or not.

        Raises a :class:`FlowiseError` subclass on connection and HTTP errors (on entry) and on errors
        inside the stream (while iterating). The iterator ends after Flowise's ``end`` event, or with
        :class:`FlowiseAnswerTooLongError` once the answer's text or its thoughts pass
        ``max_answer_chars``, or what else it brings passes ``answer_bounds`` (what fitted is yielded
        first). A question whose connection fails before the server answered
        anything is asked again after each of ``retry_delays`` (for a JSON answer, only when refused).
        ``uploads`` go with the question as its images, recordings and files. ``session_id``, with an
        ``override_config``, is its ``sessionId`` whatever the configuration says (the flow's memory).
        """
        body = prediction_body(question, chat_id, streaming, override_config, session_id, uploads)
        timeouts = self._transport.timeouts
        timeout = (timeouts.connect, timeouts.first_byte) if streaming else self._transport.json_timeout
        # Asking again must not run the flow twice. Flowise sends a stream's headers before it runs the
        # flow, so a stream that failed before them did not run it; a JSON answer's headers come only
        # when the flow is done, so there only a refused connection is safe. Timeouts are never retried.
        retry_on = _NOT_ANSWERED if streaming else (ConnectionRefusedError,)
        request = self._transport.request(
            "POST",
            api_path("prediction", flow_id),
            json=body,
            timeout=timeout,
            retry_on=retry_on,
            body_timeout=timeouts.read,
            keyed=True,
        )
        with request as response:
            # Counted here rather than in the page so that a flow (or a server) that never stops is cut
            # off at the source, and the connection closed, whoever uses the client.
            events = answer_events(self._transport, response, self.answer_bounds)
            yield capped(events, self.max_answer_chars, self.answer_bounds)
