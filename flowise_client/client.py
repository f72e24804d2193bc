"""HTTP client for Flowise's prediction API: one question in, typed events out."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests
from urllib3.exceptions import ReadTimeoutError

from .budget import AnswerBounds, capped, counted_bytes
from .errors import (
    FlowiseAuthError,
    FlowiseConnectionLostError,
    FlowiseError,
    FlowiseNotFoundError,
    FlowiseProtocolError,
    FlowiseServerError,
    FlowiseStreamError,
    FlowiseTimeoutError,
    FlowiseUnreachableError,
)
from .event_parsing import parse_event
from .events import EndEvent, ErrorEvent, FlowiseEvent
from .human_input import HumanReply
from .prediction_json import events_from_prediction
from .sse import MAX_MESSAGE_BYTES, iter_payloads
from .uploads import MB, AttachmentText, FullFileUpload, StoredUpload, Upload, UploadsConfig

# Flowise wraps the real cause in layers such as "Error: predictionsServices.buildChatflow - Error: ...".
_ERROR_PREFIX = re.compile(r"^(?:Error:\s*)?[\w.]+ - ")


# Some endpoints report an unknown flow id as a 500 whose message says so.
_FLOW_NOT_FOUND = re.compile(r"\bChatflow \S+ not found")
# Longest wait for a status check (ping, the flow's name, its chat settings, a thumbnail): the page
# waits for these, so they must not hold it as long as a slow answer may.
_PROBE_SECONDS = 5.0

# Far longer than any chat answer, short enough that a runaway flow cannot fill the page or the memory.
DEFAULT_MAX_ANSWER_CHARS = 200_000
# Waits before asking again when a question's connection failed before any answer; see predict.
DEFAULT_RETRY_DELAYS = (0.5, 1.0)
# Failures that happen before the server has answered anything: refused (a server restarting), or
# reset or closed before the response headers (a stale pooled connection, a proxy dropping it).
_NOT_ANSWERED = (ConnectionRefusedError, ConnectionResetError, BrokenPipeError)
# Each read hands on what has arrived, up to this much: a chunk is passed on as soon as it is complete,
# and a server that sends one enormous chunk (or an unframed body) cannot make a single read hold it all.
_READ_BYTES = 64 * 1024
# Enough of /api/v1/ping's answer to tell "pong" from anything else.
_PONG_BYTES = 64
# Flowise's error bodies are a short JSON message; anything longer is not worth quoting.
_ERROR_BODY_BYTES = 64 * 1024
# How much of a server's error message the page quotes.
_QUOTED_CHARS = 500
# A file the server stores for a conversation (an image a flow made, a file it wrote) is shown or
# offered for download whole, so it is held in memory: larger ones are refused.
DEFAULT_MAX_FILE_BYTES = 20 * MB


# The API key goes only where Flowise asks for it. Its auth middleware lets the endpoints in
# WHITELIST_URLS (packages/server/src/utils/constants.ts) through without one: ping,
# public-chatbotConfig, chatflows-streaming, chatflows-uploads, get-upload-file,
# openai-assistants-file/download, feedback, attachments and chatmessage/abort. Prediction is in that
# list but checks the flow's own key itself (validateFlowAPIKey in utils/validateKey.ts); chat history
# (chatmessage/{id}), chatflows/{id} and vector/upsert are not in it and need a key. Only those four
# requests are sent it (``keyed``), so that no other endpoint, nor any path an id could make, gets it.


def api_path(route: str, *segments: str) -> str:
    """``/api/v1/<route>/<segment>/...`` with each segment percent-encoded whole: an id holding "/",
    "?", "#" or "%" stays one segment of ``route`` and cannot name another path."""
    return "/".join(["/api/v1", route, *map(_path_segment, segments)])


def _path_segment(value: str) -> str:
    # quote leaves dots alone, and requests turns an encoded dot back into one before it drops dot
    # segments: "." and ".." cannot be sent as a segment at all. No id of Flowise's or the app's is one.
    if value in ("", ".", ".."):
        raise ValueError(f"not a path segment: {value!r}")
    return quote(value, safe="")


@dataclass(frozen=True)
class FlowDetails:
    """What ``GET /api/v1/chatflows/{id}`` tells about a flow: its name, and whether Flowise asks for
    the flow's own API key to run it (``apikeyid``); None where the server does not say."""

    name: str | None
    has_own_key: bool | None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> FlowDetails:
        name = body.get("name")
        return cls(
            name.strip() if isinstance(name, str) and name.strip() else None,
            bool(body["apikeyid"]) if "apikeyid" in body else None,
        )


@dataclass(frozen=True)
class ChatbotConfig:
    """What Flowise's own chat widget shows around a flow: its welcome message and starter prompts,
    and what it accepts besides text. ``uploads`` is None from a server that does not say (Flowise
    before 1.6, whose widget asked ``chatflows-uploads`` for it)."""

    starter_prompts: tuple[str, ...] = ()
    welcome_message: str | None = None
    full_file_upload: FullFileUpload | None = None
    uploads: UploadsConfig | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ChatbotConfig:
        # Flowise stores the prompts as an object keyed "0", "1", ... of {"prompt": text}.
        stored = body.get("starterPrompts")
        entries = stored.values() if isinstance(stored, Mapping) else stored if isinstance(stored, list) else ()
        prompts = tuple(
            entry["prompt"].strip()
            for entry in entries
            if isinstance(entry, Mapping) and isinstance(entry.get("prompt"), str) and entry["prompt"].strip()
        )
        welcome = body.get("welcomeMessage")
        return cls(
            prompts,
            welcome.strip() if isinstance(welcome, str) and welcome.strip() else None,
            FullFileUpload.from_json(body.get("fullFileUpload")),
            UploadsConfig.from_json(body["uploads"]) if isinstance(body.get("uploads"), Mapping) else None,
        )


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

    @classmethod
    def from_json(cls, message: Mapping[str, Any]) -> StoredMessage:
        content = message.get("content") if isinstance(message.get("content"), str) else ""
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


class Rating(Enum):
    """Flowise's ChatMessageRatingType."""

    THUMBS_UP = "THUMBS_UP"
    THUMBS_DOWN = "THUMBS_DOWN"


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait. ``first_byte`` covers the wait for the response headers of a stream (Flowise
    sends them before running the flow, and sends nothing at all for some bad requests); ``read`` is
    the longest silence allowed inside a stream (Flowise sends a heartbeat every 30 s) and the wait
    for a whole JSON answer."""

    connect: float = 10.0
    first_byte: float = 30.0
    read: float = 120.0


def clean_server_message(message: str) -> str:
    message = message.strip()
    while (stripped := _ERROR_PREFIX.sub("", message, count=1)) != message:
        message = stripped
    return message.removeprefix("Error: ").strip()


class FlowiseClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeouts: Timeouts = Timeouts(),
        session: requests.Session | None = None,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
        answer_bounds: AnswerBounds = AnswerBounds(),
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        if max_answer_chars < 1:
            raise ValueError("max_answer_chars must be at least 1")
        self._http = session or requests.Session()
        parts = urlsplit(base_url.rstrip("/"))
        if parts.username is not None or parts.password is not None:
            # Credentials in the address (a proxy's basic auth) go with each request, as requests would
            # send them from the address itself, but never into a message or a page.
            self._http.auth = (unquote(parts.username or ""), unquote(parts.password or ""))
            parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
        self.base_url = urlunsplit(parts)
        self._api_key = api_key or None
        self.timeouts = timeouts
        self.max_answer_chars = max_answer_chars
        self.answer_bounds = answer_bounds
        self.retry_delays = retry_delays

    def close(self) -> None:
        self._http.close()

    def is_streaming(self, flow_id: str) -> bool:
        """Whether the flow can stream (``GET /api/v1/chatflows-streaming/{id}``)."""
        with self._request("GET", api_path("chatflows-streaming", flow_id), timeout=self._json_timeout) as response:
            body = self._json_body(response)
        return bool(isinstance(body, Mapping) and body.get("isStreaming"))

    def ping(self) -> None:
        """Returns if Flowise answers ``GET /api/v1/ping`` with "pong"; raises a :class:`FlowiseError` if not."""
        with self._request("GET", api_path("ping"), timeout=self._probe_timeout) as response:
            # A short "pong", or it is not Flowise: a long page need not be read to the end to know that.
            body = next(response.iter_content(chunk_size=_PONG_BYTES), b"")
        if body.strip() != b"pong":
            raise FlowiseProtocolError.of("not_flowise", url=self.base_url)

    def flow_details(self, flow_id: str) -> FlowDetails | None:
        """The flow's name and whether it has a key of its own (``GET /api/v1/chatflows/{id}``), or None
        when the API key may not read it: Flowise lets a key that can run a flow see it only with the
        chatflows:view permission."""
        try:
            with self._request(
                "GET", api_path("chatflows", flow_id), timeout=self._probe_timeout, keyed=True
            ) as response:
                body = self._json_body(response)
        except (FlowiseAuthError, FlowiseNotFoundError):
            return None
        return FlowDetails.from_json(body) if isinstance(body, Mapping) else None

    def uploads_config(self, flow_id: str) -> UploadsConfig:
        """What the flow accepts besides text (``GET /api/v1/chatflows-uploads/{id}``, no key needed)."""
        with self._request("GET", api_path("chatflows-uploads", flow_id), timeout=self._probe_timeout) as response:
            return UploadsConfig.from_json(self._json_body(response))

    def chatbot_config(self, flow_id: str) -> ChatbotConfig:
        """The flow's chat settings for visitors (``GET /api/v1/public-chatbotConfig/{id}``, no key needed)."""
        with self._request("GET", api_path("public-chatbotConfig", flow_id), timeout=self._probe_timeout) as response:
            body = self._json_body(response)
        # A flow with no chat settings at all answers the JSON string "OK".
        return ChatbotConfig.from_json(body if isinstance(body, Mapping) else {})

    def chat_history(self, flow_id: str, chat_id: str) -> list[StoredMessage]:
        """One conversation's stored messages, oldest first (``GET /api/v1/chatmessage/{flow_id}``;
        Flowise answers it only with an API key)."""
        params = {"chatId": chat_id, "order": "ASC"}
        with self._request(
            "GET", api_path("chatmessage", flow_id), params=params, timeout=self._json_timeout, keyed=True
        ) as response:
            body = self._json_body(response)
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
        with self._request("PUT" if feedback_id else "POST", path, json=body, timeout=self._json_timeout) as response:
            answer = self._json_body(response)
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
        with self._request("POST", path, files=parts, data={"chatId": chat_id}, timeout=self._json_timeout) as response:
            return AttachmentText.many_from_json(self._json_body(response))

    def add_to_vector_store(self, flow_id: str, chat_id: str, files: Sequence[tuple[str, bytes, str]]) -> None:
        """Add ``(name, content, mime)`` files to the flow's vector store for this conversation, as
        Flowise's chat widget does before a question with "file:rag" uploads (``POST
        /api/v1/vector/upsert/{flow}``; Flowise asks for the flow's API key here)."""
        parts = [("files", (name, content, mime)) for name, content, mime in files]
        with self._request(
            "POST",
            api_path("vector/upsert", flow_id),
            files=parts,
            data={"chatId": chat_id},
            timeout=self._json_timeout,
            keyed=True,
        ) as response:
            self._json_body(response)

    def get_upload_file(
        self, flow_id: str, chat_id: str, file_name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES, quick: bool = False
    ) -> bytes:
        """A file Flowise stores with a conversation: an image sent with a question, or one a flow made
        (``GET /api/v1/get-upload-file``, no key needed). Raises FlowiseProtocolError past ``max_bytes``;
        ``quick``: waits no longer than a status check, for a file the page waits for."""
        params = {"chatflowId": flow_id, "chatId": chat_id, "fileName": file_name}
        timeout = self._probe_timeout if quick else self._json_timeout
        with self._request("GET", api_path("get-upload-file"), params=params, timeout=timeout) as response:
            return self._file_body(response, file_name, max_bytes)

    def download_file_annotation(
        self, flow_id: str, chat_id: str, file_name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES
    ) -> bytes:
        """A file an answer's ``fileAnnotations`` point at, as Flowise's chat widget downloads it
        (``POST /api/v1/openai-assistants-file/download``, no key needed)."""
        body = {"fileName": file_name, "chatflowId": flow_id, "chatId": chat_id}
        with self._request(
            "POST", api_path("openai-assistants-file/download"), json=body, timeout=self._json_timeout
        ) as response:
            return self._file_body(response, file_name, max_bytes)

    def abort(self, flow_id: str, chat_id: str) -> None:
        """Ask Flowise to stop the answer it is producing for this chat. Closing the stream ends it
        on our side; this stops the work (and the cost) on the server's side where the flow allows."""
        with self._request("PUT", api_path("chatmessage/abort", flow_id, chat_id), timeout=self._json_timeout):
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
        ``uploads`` go with the question as its images, recordings and files.
        """
        if isinstance(question, HumanReply):
            body: dict[str, Any] = {"question": question.question, **question.request_fields()}
        else:
            body = {"question": question}
        body.update(chatId=chat_id, streaming=streaming)
        if override_config:
            body["overrideConfig"] = dict(override_config)
        if uploads:
            body["uploads"] = [upload.to_json() for upload in uploads]
        timeout = (self.timeouts.connect, self.timeouts.first_byte) if streaming else self._json_timeout
        # Asking again must not run the flow twice. Flowise sends a stream's headers before it runs the
        # flow, so a stream that failed before them did not run it; a JSON answer's headers come only
        # when the flow is done, so there only a refused connection is safe. Timeouts are never retried.
        retry_on = _NOT_ANSWERED if streaming else (ConnectionRefusedError,)
        request = self._request(
            "POST",
            api_path("prediction", flow_id),
            json=body,
            timeout=timeout,
            retry_on=retry_on,
            body_timeout=self.timeouts.read,
            keyed=True,
        )
        with request as response:
            # Counted here rather than in the page so that a flow (or a server) that never stops is cut
            # off at the source, and the connection closed, whoever uses the client.
            yield capped(self._events(response), self.max_answer_chars, self.answer_bounds)

    @property
    def _json_timeout(self) -> tuple[float, float]:
        return (self.timeouts.connect, self.timeouts.read)

    @property
    def _probe_timeout(self) -> tuple[float, float]:
        # A status check must not hold the page for as long as a slow answer may take.
        return (min(self.timeouts.connect, _PROBE_SECONDS), min(self.timeouts.read, _PROBE_SECONDS))

    @contextmanager
    def _request(
        self,
        method: str,
        path: str,
        *,
        retry_on: tuple[type[OSError], ...] = (),
        body_timeout: float | None = None,
        keyed: bool = False,
        **kwargs: Any,
    ) -> Iterator[requests.Response]:
        """``body_timeout``: the longest silence once the headers are in; the ``timeout``'s read wait if None.
        ``keyed``: an endpoint that needs the API key; no other is sent it (see api_path)."""
        headers = {"Accept": "text/event-stream, application/json"}
        sends_key = keyed and self._api_key is not None
        if sends_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        try:
            # Always streamed: bodies are read here in bounded pieces (see _read_body), never whole by requests.
            response = self._send(method, self.base_url + path, retry_on, headers=headers, stream=True, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise FlowiseUnreachableError.of("tls_failed", url=self.base_url, reason=_reason(exc)) from None
        except requests.exceptions.Timeout as exc:
            if isinstance(exc, requests.exceptions.ConnectTimeout):
                code, seconds = "connect_timeout", self.timeouts.connect
            else:
                code, seconds = "first_byte_timeout", kwargs["timeout"][1]
            raise FlowiseTimeoutError.of(code, url=self.base_url, seconds=seconds) from None
        except requests.exceptions.RequestException as exc:
            raise FlowiseUnreachableError.of("unreachable", url=self.base_url, reason=_reason(exc)) from None
        try:
            if response.status_code >= 400:
                raise self._http_error(response, sends_key)
            # Past the headers, a stream may be quiet for longer than the first-byte wait, while a
            # status check keeps its short wait to the end.
            _set_read_timeout(response, body_timeout if body_timeout is not None else kwargs["timeout"][1])
            yield response
        finally:
            response.close()

    def _send(self, method: str, url: str, retry_on: tuple[type[OSError], ...], **kwargs: Any) -> requests.Response:
        for delay in self.retry_delays if retry_on else ():
            try:
                return self._http.request(method, url, **kwargs)
            except requests.exceptions.ConnectionError as exc:
                # Past the headers, failures surface while the body is read, never here. A timeout is
                # not retried: the question may be running on the server.
                if isinstance(exc, requests.exceptions.Timeout) or not any(_caused_by(exc, k) for k in retry_on):
                    raise
            time.sleep(delay)
        return self._http.request(method, url, **kwargs)

    def _events(self, response: requests.Response) -> Iterator[FlowiseEvent]:
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "text/event-stream":
            yield from self._stream_events(response)
        elif content_type == "application/json":
            yield from events_from_prediction(self._json_body(response))
        else:
            if content_type:
                raise FlowiseProtocolError.of("wrong_content_type", url=self.base_url, content_type=content_type)
            raise FlowiseProtocolError.of("unknown_content_type", url=self.base_url)

    def _stream_events(self, response: requests.Response) -> Iterator[FlowiseEvent]:
        try:
            chunks = counted_bytes(response.iter_content(chunk_size=_READ_BYTES), self.answer_bounds)
            for payload in iter_payloads(chunks):
                event = parse_event(payload)
                if isinstance(event, ErrorEvent):
                    raise self._flow_error(event.message)
                yield event
                if isinstance(event, EndEvent):
                    return
        except requests.exceptions.RequestException as exc:
            if _caused_by(exc, ReadTimeoutError):
                raise FlowiseTimeoutError.of("stream_silent", seconds=self.timeouts.read) from None
            raise FlowiseConnectionLostError.of("connection_broken") from None
        raise FlowiseConnectionLostError.of("connection_closed")

    def _flow_error(self, message: str) -> FlowiseError:
        message = self._redact(clean_server_message(message))
        if message.endswith("Unauthorized"):
            return self._auth_error()
        return FlowiseStreamError.of("flow_failed", message=message)

    def _auth_error(self, status: int | None = None, sent_key: bool = True) -> FlowiseAuthError:
        return FlowiseAuthError.of("key_rejected" if self._api_key and sent_key else "key_needed", status=status)

    def _http_error(self, response: requests.Response, sent_key: bool) -> FlowiseError:
        status = response.status_code
        # Redacted before it is shortened: a key cut in two would no longer be found whole.
        message = self._redact(clean_server_message(_server_message(response)))[:_QUOTED_CHARS]
        if status in (401, 403) or message.endswith("Unauthorized"):
            return self._auth_error(status, sent_key)
        if status == 404 or _FLOW_NOT_FOUND.search(message):
            if message:
                return FlowiseNotFoundError.of("flow_not_found", status=status, message=message)
            return FlowiseNotFoundError.of("api_not_found", status=status, url=self.base_url)
        if status == 429:
            return FlowiseServerError.of("rate_limited", status=status)
        code = "server_failed" if status >= 500 else "request_failed"
        if message:
            return FlowiseServerError.of(code, status=status, message=message)
        return FlowiseServerError.of(f"{code}_bare", status=status)

    def _json_body(self, response: requests.Response) -> Any:
        # A JSON answer is one message: the same bound as for one event of a stream.
        try:
            return json.loads(_read_body(response, MAX_MESSAGE_BYTES))
        except ValueError:
            raise FlowiseProtocolError.of("not_json", url=self.base_url) from None
        except requests.exceptions.RequestException:
            raise FlowiseConnectionLostError.of("read_broken") from None

    def _file_body(self, response: requests.Response, name: str, limit: int) -> bytes:
        try:
            return _read_body(response, limit)
        except FlowiseProtocolError:
            raise FlowiseProtocolError.of("file_too_large", name=name, megabytes=limit / MB) from None
        except requests.exceptions.RequestException:
            raise FlowiseConnectionLostError.of("file_read_broken", name=name) from None

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "[API key]") if self._api_key else text


def _server_message(response: requests.Response) -> str:
    """Flowise's JSON ``message`` (or ``error``), or nothing: never a raw HTML page."""
    try:
        body = json.loads(_read_body(response, _ERROR_BODY_BYTES))
    except (ValueError, requests.exceptions.RequestException, FlowiseProtocolError):
        return ""
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("error")
        if isinstance(message, str):
            return message
    return ""


def _read_body(response: requests.Response, limit: int) -> bytes:
    """The whole body; FlowiseProtocolError as soon as it passes ``limit`` bytes."""
    parts, size = [], 0
    for part in response.iter_content(chunk_size=_READ_BYTES):
        size += len(part)
        if size > limit:
            raise FlowiseProtocolError.too_large("answer_too_large", limit)
        parts.append(part)
    return b"".join(parts)


# Each pattern of a failed connection's message, and the code of the reason it names (see REASONS).
_REASONS = (
    (re.compile(r"Connection refused", re.I), "connection_refused"),
    (
        re.compile(r"Name or service not known|nodename nor servname|getaddrinfo failed|name resolution", re.I),
        "unknown_host",
    ),
    (re.compile(r"certificate|CERTIFICATE", re.I), "untrusted_certificate"),
    (re.compile(r"wrong version number|SSL|TLS", re.I), "tls_handshake"),
    (re.compile(r"Connection reset|RemoteDisconnected|aborted", re.I), "connection_reset"),
    (re.compile(r"Invalid URL|No connection adapters|MissingSchema", re.I), "invalid_url"),
)


def _reason(exc: BaseException) -> str:
    # requests nests urllib3's low-level reason in its message; name it plainly instead of quoting it.
    text = f"{type(exc).__name__}: {exc}"
    return next((code for pattern, code in _REASONS if pattern.search(text)), "network_error")


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind) or any(isinstance(arg, kind) for arg in getattr(seen, "args", ())):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _set_read_timeout(response: requests.Response, seconds: float) -> None:
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(seconds)
