"""The demo flow behind a real HTTP server that speaks Flowise 3.x's wire format on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from .answer import DemoAnswer, answer
from .documents import load_paragraphs
from .retrieval import BM25Index

FLOW_ID = "demo"
_STARTER_PROMPTS = (
    "How do I connect my own Flowise flow?",
    "How do I deploy to Streamlit Community Cloud?",
    "What is 12.5% of 2,480?",
)
_PIECE = re.compile(r"\s*\S+")  # a word with the white space before it, as LLM tokens come


def _frame(event: str, data: Any) -> bytes:
    # Exactly what Flowise's SSEStreamer writes: the event name lives inside the JSON, not in `event:`.
    payload = json.dumps({"event": event, "data": data}, ensure_ascii=False, separators=(",", ":"))
    return f"message:\ndata:{payload}\n\n".encode()


def _flowise_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"statusCode": status, "success": False, "message": message, "stack": {}}, status_code=status)


class _DemoFlow:
    """The app's routes, with the little state a flow with buffer memory keeps: turns per chat."""

    def __init__(self, token_delay: float) -> None:
        self._token_delay = token_delay
        self._index = BM25Index(load_paragraphs())
        self._turns: OrderedDict[str, int] = OrderedDict()

    def _next_turn(self, chat_id: str) -> int:
        turn = self._turns.pop(chat_id, 0) + 1
        self._turns[chat_id] = turn
        while len(self._turns) > 1000:
            self._turns.popitem(last=False)
        return turn

    async def predict(self, request: Request) -> Response:
        flow_id = request.path_params["flow_id"]
        if flow_id != FLOW_ID:
            return _flowise_error(404, f"Chatflow {flow_id} not found in the database!")
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        if not isinstance(question, str) or not question.strip():
            return _flowise_error(400, "Error: predictionsServices.buildChatflow - Question is required")
        chat_id = str(body.get("chatId") or uuid.uuid4())
        reply = answer(question, self._index, self._next_turn(chat_id))
        metadata = {"chatId": chat_id, "chatMessageId": str(uuid.uuid4()), "question": question,
                    "sessionId": chat_id, "memoryType": "Buffer Memory"}
        if body.get("streaming") is True:
            return StreamingResponse(
                self._events(reply, metadata),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        result: dict[str, Any] = {"text": reply.text, **metadata, "isStreamValid": False,
                                  "sourceDocuments": reply.source_documents}
        if reply.used_tools:
            result["usedTools"] = reply.used_tools
        return JSONResponse(result)

    async def _events(self, reply: DemoAnswer, metadata: dict[str, Any]) -> AsyncIterator[bytes]:
        yield _frame("start", "")
        for piece in _PIECE.findall(reply.text):
            yield _frame("token", piece)
            await asyncio.sleep(self._token_delay)
        if reply.used_tools:
            yield _frame("usedTools", reply.used_tools)
        yield _frame("sourceDocuments", reply.source_documents)
        yield _frame("metadata", metadata)
        yield _frame("end", "[DONE]")

    async def streaming(self, request: Request) -> Response:
        if request.path_params["flow_id"] != FLOW_ID:
            return _flowise_error(404, f"Chatflow {request.path_params['flow_id']} not found")
        return JSONResponse({"isStreaming": True})

    async def chatbot_config(self, request: Request) -> Response:
        if request.path_params["flow_id"] != FLOW_ID:
            return _flowise_error(404, f"Chatflow {request.path_params['flow_id']} not found")
        return JSONResponse({"starterPrompts": {str(i): {"prompt": p} for i, p in enumerate(_STARTER_PROMPTS)}})

    async def ping(self, request: Request) -> Response:
        return PlainTextResponse("pong")

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/api/v1/prediction/{flow_id}", self.predict, methods=["POST"]),
            Route("/api/v1/chatflows-streaming/{flow_id}", self.streaming),
            Route("/api/v1/public-chatbotConfig/{flow_id}", self.chatbot_config),
            Route("/api/v1/ping", self.ping),
        ])


@dataclass(frozen=True)
class DemoServer:
    base_url: str
    flow_id: str
    _server: uvicorn.Server
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def start_demo_server(token_delay: float = 0.02) -> DemoServer:
    """Serve the demo flow on a free port of 127.0.0.1 from a daemon thread; returns once it listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(_DemoFlow(token_delay).app(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="demo-flow", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The demo flow's server did not start")
        time.sleep(0.01)
    return DemoServer(f"http://127.0.0.1:{port}", FLOW_ID, server, thread)
