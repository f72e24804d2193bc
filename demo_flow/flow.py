"""The demo flow as a Starlette app with the Flowise endpoints the chat client uses."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from flowise_wire import SSE_HEADERS, end_frame, frame

from .answer import compose_answer
from .documents import load_paragraphs
from .memory import MEMORY_TYPE, ChatLog
from .retrieval import BM25Index
from .wire import FlowiseJSONResponse, error_response, source_document, used_tool

FLOW_ID = "demo"
FLOW_NAME = "Built-in demo flow"
STARTER_PROMPTS = (
    "How do I connect my own Flowise flow?",
    "How do I deploy to Streamlit Community Cloud?",
    "What is 12.5% of 2,480?",
)
WELCOME_MESSAGE = (
    "Hi! I am the built-in demo flow. I answer questions about this app from its documentation, "
    "with the sources I used, and I can do arithmetic with a calculator tool."
)
# A word with the white space before it, the way LLM tokens arrive; `\s+\Z` keeps any trailing space,
# so the tokens always add up to the exact text.
_TOKEN = re.compile(r"\s*\S+|\s+\Z")


class DemoFlow:
    """One flow's routes and state: its document index and its chats' turn counts."""

    def __init__(self, token_delay: float) -> None:
        self._token_delay = token_delay
        self._index = BM25Index(load_paragraphs())
        self._log = ChatLog(FLOW_ID)
        # Set from the thread that stops the server, read between tokens on the server's own thread.
        self._closing = threading.Event()

    def close(self) -> None:
        """Ends answers still streaming, so that shutting down does not wait for them or cancel them."""
        self._closing.set()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/prediction/{flow_id}", self._predict, methods=["POST"]),
                Route("/api/v1/chatflows-streaming/{flow_id}", self._is_streaming, methods=["GET"]),
                Route("/api/v1/chatflows/{flow_id}", self._chatflow, methods=["GET"]),
                Route("/api/v1/public-chatbotConfig/{flow_id}", self._chatbot_config, methods=["GET"]),
                Route("/api/v1/ping", self._ping, methods=["GET"]),
                Route("/api/v1/chatmessage/{flow_id}", self._history, methods=["GET"]),
                Route("/api/v1/feedback", self._feedback, methods=["POST"]),
                Route("/api/v1/feedback/{feedback_id}", self._feedback, methods=["PUT"]),
            ]
        )

    async def _predict(self, request: Request) -> Response:
        flow_id = request.path_params["flow_id"]
        if flow_id != FLOW_ID:
            return error_response(404, f"Chatflow {flow_id} not found in the database!")
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        question = body.get("question")
        if not isinstance(question, str) or not question.strip():
            return error_response(400, "Error: predictionsServices.buildChatflow - Question is required")
        chat_id = str(body.get("chatId") or uuid.uuid4())
        reply = compose_answer(question, self._index, self._log.next_turn(chat_id))
        sources = [source_document(p) for p in reply.sources]
        tools = [used_tool(reply.tool_call)] if reply.tool_call else []
        message_id = str(uuid.uuid4())
        follow_ups = list(reply.follow_ups)
        # Stored when asked, as Flowise stores a streamed answer once it is produced.
        self._log.record(chat_id, question, reply.text, message_id, sources=sources, tools=tools, follow_ups=follow_ups)
        # Flowise accepts the flag as a JSON boolean or as the string a form field would carry.
        if body.get("streaming") in (True, "true"):
            metadata = {
                "chatId": chat_id,
                "chatMessageId": message_id,
                "question": question,
                "sessionId": chat_id,
                "memoryType": MEMORY_TYPE,
                **({"followUpPrompts": follow_ups} if follow_ups else {}),
            }
            return StreamingResponse(self._events(reply.text, tools, sources, metadata), headers=SSE_HEADERS)
        # In the key order of Flowise's own JSON answers.
        return FlowiseJSONResponse(
            {
                "text": reply.text,
                **({"usedTools": tools} if tools else {}),
                "sourceDocuments": sources,
                "question": question,
                "chatId": chat_id,
                "chatMessageId": message_id,
                # Flowise stringifies the already stringified list here.
                **({"followUpPrompts": json.dumps(json.dumps(follow_ups))} if follow_ups else {}),
                "isStreamValid": False,
                "sessionId": chat_id,
                "memoryType": MEMORY_TYPE,
            }
        )

    async def _events(
        self, text: str, tools: list[dict[str, Any]], sources: list[dict[str, Any]], metadata: dict[str, Any]
    ) -> AsyncIterator[bytes]:
        yield frame("start", "")
        for token in _TOKEN.findall(text):
            if self._closing.is_set():
                return  # to the client, like a dropped connection: no `end` event
            yield frame("token", token)
            await asyncio.sleep(self._token_delay)
        if tools:
            yield frame("usedTools", tools)
        yield frame("sourceDocuments", sources)
        yield frame("metadata", metadata)
        yield end_frame()

    async def _history(self, request: Request) -> Response:
        if (flow_id := request.path_params["flow_id"]) != FLOW_ID:
            return error_response(404, f"Chatflow {flow_id} not found")
        chat_id = request.query_params.get("chatId", "")
        newest_first = request.query_params.get("order", "ASC").upper() == "DESC"
        return FlowiseJSONResponse(self._log.messages(chat_id, newest_first) if chat_id else [])

    async def _feedback(self, request: Request) -> Response:
        # Accepted as Flowise does, and kept nowhere: the demo has no one to read it.
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("messageId"):
            return error_response(
                400, "Error: feedbackService.createChatMessageFeedbackForChatflow - Message ID is required"
            )
        feedback_id = request.path_params.get("feedback_id") or str(uuid.uuid4())
        return FlowiseJSONResponse({**body, "id": feedback_id})

    async def _is_streaming(self, request: Request) -> Response:
        if (flow_id := request.path_params["flow_id"]) != FLOW_ID:
            return error_response(404, f"Chatflow {flow_id} not found")
        return FlowiseJSONResponse({"isStreaming": True})

    async def _chatflow(self, request: Request) -> Response:
        if (flow_id := request.path_params["flow_id"]) != FLOW_ID:
            return error_response(404, f"Chatflow {flow_id} not found in the database!")
        # The columns of Flowise's ChatFlow that say what the flow is; the demo has no key to ask for.
        return FlowiseJSONResponse(
            {"id": FLOW_ID, "name": FLOW_NAME, "deployed": True, "isPublic": True, "type": "CHATFLOW"}
        )

    async def _chatbot_config(self, request: Request) -> Response:
        if (flow_id := request.path_params["flow_id"]) != FLOW_ID:
            return error_response(404, f"Chatflow {flow_id} not found")
        # Flowise stores starter prompts as an object keyed "0", "1", ..., not as a list.
        prompts = {str(i): {"prompt": prompt} for i, prompt in enumerate(STARTER_PROMPTS)}
        # As Flowise 1.6 and later, with what the flow accepts besides text: nothing.
        uploads = {
            "isSpeechToTextEnabled": False,
            "isImageUploadAllowed": False,
            "isRAGFileUploadAllowed": False,
            "imgUploadSizeAndTypes": [],
            "fileUploadSizeAndTypes": [],
        }
        return FlowiseJSONResponse(
            {"welcomeMessage": WELCOME_MESSAGE, "starterPrompts": prompts, "uploads": uploads, "isTTSEnabled": False}
        )

    async def _ping(self, request: Request) -> Response:
        return PlainTextResponse("pong")
