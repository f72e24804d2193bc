"""A local HTTP server that speaks Flowise 3.x's wire format, for tests.

Most flows replay bytes recorded from a real Flowise 3.1.4 (``tests/fixtures/flowise-3.1.4``), cut into
small chunks so the client has to reassemble frames; the rest misbehave on purpose. Every request is
recorded so tests can assert what the server received.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "flowise-3.1.4"
API_KEY = "sk-test-7f3a9c1e5b"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def frame(event: str, data: Any) -> bytes:
    """One event exactly as Flowise's SSEStreamer writes it."""
    return b"message:\ndata:" + json.dumps({"event": event, "data": data}, ensure_ascii=False).encode() + b"\n\n"


# What the chaos flow's `error` faults send, as Flowise wraps a provider's failure.
CHAOS_ERROR = "503 The model is overloaded. Please try again later."
_CHAOS_WORDS = (
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
            tokens += paragraph[:-1] + [paragraph[-1] + "."]
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
    _server: ThreadingHTTPServer | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def predictions(self, flow_id: str | None = None) -> list[Received]:
        return [
            r for r in self.received
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

    def log_message(self, *args: Any) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------------------------
    def _record(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.wire.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        return body

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Accel-Buffering", "no")
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
        else:
            self._json(404, {"statusCode": 404, "success": False, "message": "Not found", "stack": {}})

    def do_PUT(self) -> None:
        self._record()
        if self.path.startswith("/api/v1/chatmessage/abort/"):
            self._json(200, {"status": 200, "message": "Chat message aborted"})
        else:
            self._json(404, {"statusCode": 404, "success": False, "message": "Not found", "stack": {}})

    def do_POST(self) -> None:
        body = self._record()
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


def _replay(stream_file: str, json_file: str) -> Callable[[_Handler, dict, bool], None]:
    def run(h: _Handler, body: dict, streaming: bool) -> None:
        if streaming:
            h._stream(fixture_bytes(stream_file))
        else:
            h._send(200, fixture_bytes(json_file), "application/json; charset=utf-8")

    return run


def _protected(h: _Handler, body: dict, streaming: bool) -> None:
    if h.headers.get("Authorization") == f"Bearer {API_KEY}":
        _replay("rag.stream.sse", "rag.json")(h, body, streaming)
    elif streaming:
        h._stream(fixture_bytes("protected.wrongkey.stream.sse"))
    else:
        h._send(500, fixture_bytes("protected.wrongkey.json"), "application/json")


def _server_error(h: _Handler, body: dict, streaming: bool) -> None:
    h._send(500, fixture_bytes("build-error.500.json"), "application/json; charset=utf-8")


def _error_midstream(h: _Handler, body: dict, streaming: bool) -> None:
    h._stream(
        frame("start", "")
        + frame("token", "Начинаю ответ 🙂 ")
        + frame("token", "and then")
        + frame("error", "Error: predictionsServices.buildChatflow - Error: Model quota exceeded")
        + frame("end", "[DONE]")
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
        h._chunk(frame("end", "[DONE]"))
        h._end_stream()
    except OSError:
        h.wire.client_left.set()


def _echo(h: _Handler, body: dict, streaming: bool) -> None:
    """Answers with what it received, so a test can see the request through the UI."""
    chat_id = body.get("chatId", "")
    text = f"You asked: {body.get('question', '')}"
    meta = {"chatId": chat_id, "chatMessageId": f"msg-{len(h.wire.received)}", "sessionId": chat_id}
    if streaming:
        h._stream(frame("start", "") + frame("token", text) + frame("metadata", meta) + frame("end", "[DONE]"))
    else:
        h._json(200, {"text": text, **meta})


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
            # A zero linger makes the close send a TCP RST rather than a FIN, as when a proxy or the
            # server process dies mid-answer. The socket really closes once the handler lets go of it.
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            h.close_connection = True
        elif fault == "stall":
            h._wait_for_shutdown(chaos.stall_seconds)
            h.close_connection = True
        else:
            if fault == "error":
                h._chunk(frame("error", f"Error: predictionsServices.buildChatflow - Error: {CHAOS_ERROR}"))
            else:
                meta = {"chatId": chat_id, "chatMessageId": f"chaos-{len(h.wire.received)}", "question": question,
                        "sessionId": chat_id, "memoryType": "Buffer Memory"}
                h._chunk(frame("metadata", meta))
            h._chunk(frame("end", "[DONE]"))
            h._end_stream()
    except OSError:
        if not reached_fault:
            h.wire.injected.append((question, "client-left"))
        h.close_connection = True


_SCENARIOS: dict[str, Callable[[_Handler, dict, bool], None]] = {
    "plain": _replay("plain.stream.sse", "plain.json"),
    "rag": _replay("rag.stream.sse", "rag.json"),
    "agent": _replay("agent.stream.sse", "agent.json"),
    "agentflow": _replay("agentflow.stream.sse", "agentflow.json"),
    "json-only": _replay("rag.stream.sse", "rag.json"),
    "build-error": _replay("build-error.stream.sse", "build-error.500.json"),
    "protected": _protected,
    "server-error": _server_error,
    "error-midstream": _error_midstream,
    "drop": _drop_midstream,
    "stall": _stall,
    "hang": _hang,
    "html": _html_page,
    "no-end": _no_end,
    "echo": _echo,
    "slow": _slow,
    "chaos": _chaos,
}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is part of what these tests do.
        pass


def start_wire(token_delay: float = 0.0, chaos: Chaos | None = None) -> FlowiseWire:
    wire = FlowiseWire(url="", chaos=chaos or Chaos())
    handler = type("Handler", (_Handler,), {"wire": wire, "token_delay": token_delay})
    server = _QuietServer(("127.0.0.1", 0), handler)
    wire._server = server
    wire.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, name="flowise-wire", daemon=True).start()
    return wire


if __name__ == "__main__":
    # Manual testing: python -m tests.flowise_wire  →  serves until Ctrl-C.
    wire = start_wire(token_delay=0.03)
    print(f"Flowise wire server at {wire.url}; flows: {', '.join(_SCENARIOS)}; API key for 'protected': {API_KEY}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        wire.stop()
