"""The plumbing of the stand-in Flowise: what it received, and how its handlers write answers."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flowise_wire import JSON_MEDIA_TYPE, SSE_HEADERS, error_body, json_body

from .chaos import Chaos


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
    http_server: ThreadingHTTPServer | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def predictions(self, flow_id: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.path.startswith("/api/v1/prediction/") and (flow_id is None or r.path.endswith("/" + flow_id))
        ]

    def stop(self) -> None:
        self.stopping.set()
        if self.http_server:
            self.http_server.shutdown()
            self.http_server.server_close()


class WireHandler(BaseHTTPRequestHandler):
    """What every scenario writes with: recorded requests, JSON, Flowise errors, chunked streams, resets."""

    protocol_version = "HTTP/1.1"
    wire: FlowiseWire
    token_delay = 0.0
    step_delay = 0.0

    def log_message(self, *args: Any) -> None:
        pass

    def record(self) -> Any:
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

    def send_flowise_error(self, status: int, message: str) -> None:
        self.send_json(status, error_body(status, message))

    def send_body(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, obj: Any) -> None:
        self.send_body(status, json_body(obj), JSON_MEDIA_TYPE)

    def start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        for name, value in {**SSE_HEADERS, "Content-Type": content_type}.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def stream(self, body: bytes, chunk_size: int = 7) -> None:
        # Odd-sized chunks split frames, lines and UTF-8 characters, as a real network may.
        self.start_stream()
        for i in range(0, len(body), chunk_size):
            self.chunk(body[i : i + chunk_size])
            if self.token_delay:
                time.sleep(self.token_delay)
        self.end_stream()

    def stream_frames(self, body: bytes) -> None:
        """Event by event, waiting ``step_delay`` after each step of the flow and ``token_delay``
        after each token, so that a person (or a test) sees the steps as they happen."""
        self.start_stream()
        for event in body.split(b"\n\n"):
            if not event.strip():
                continue
            self.chunk(event + b"\n\n")
            delay = self.token_delay if b'"event":"token"' in event else self.step_delay
            if delay:
                time.sleep(delay)
        self.end_stream()

    def reset_connection(self) -> None:
        # A zero linger time makes close() send a TCP reset instead of a normal end of stream.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def wait_for_shutdown(self, seconds: float) -> None:
        self.wire.stopping.wait(seconds)


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
