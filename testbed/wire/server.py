"""A local HTTP server that speaks Flowise 3.x's wire format, for the tests, the benchmarks and the
README's screenshots.

Its flows are the named Scenarios (flows.py): most replay bytes recorded from a real Flowise 3.1.4, cut
into small chunks so the client has to reassemble frames; the rest misbehave on purpose. Every request
is recorded so tests can assert what the server received.

    python -m testbed.wire.server   # for manual testing: serves until Ctrl-C
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import answers, chaos, faults, replays, uploads
from .chaos import Chaos
from .flows import (
    API_KEY,
    CHATBOT_CONFIGS,
    CONFIG_WITHOUT_UPLOADS,
    FLOW_API_KEY_IDS,
    FLOW_NAMES,
    FLOW_TYPES,
    NO_UPLOADS,
    RUN_ONLY_KEY,
    UPLOADS_CONFIGS,
    Scenario,
)
from .handler import FlowiseWire, WireHandler
from .recordings import fixture_bytes

SCENARIOS: dict[str, Callable[[WireHandler, dict, bool], None]] = {
    Scenario.PLAIN: replays.replay("plain.stream.sse", "plain.json"),
    Scenario.RAG: replays.replay("rag.stream.sse", "rag.json"),
    Scenario.AGENT: replays.replay("agent.stream.sse", "agent.json"),
    Scenario.AGENTFLOW: replays.replay("agentflow.stream.sse", "agentflow.json"),
    Scenario.HUMAN_INPUT: replays.human_input,
    Scenario.HUMAN_INPUT_TWICE: replays.human_input_twice,
    Scenario.AGENTS: answers.agents,
    Scenario.AGENTFLOW_ERROR: answers.agentflow_error,
    Scenario.JSON_ONLY: replays.replay("rag.stream.sse", "rag.json"),
    Scenario.BUILD_ERROR: replays.replay("build-error.stream.sse", "build-error.500.json"),
    Scenario.PROTECTED: replays.protected,
    Scenario.SERVER_ERROR: replays.server_error,
    Scenario.QUOTES_KEY: faults.quotes_key,
    Scenario.ERROR_MIDSTREAM: faults.error_midstream,
    Scenario.DROP: faults.drop_midstream,
    Scenario.STALL: faults.stall,
    Scenario.HANG: faults.hang,
    Scenario.HTML: faults.html_page,
    Scenario.NO_END: faults.no_end,
    Scenario.ECHO: answers.echo,
    Scenario.FOLLOW_UPS: answers.follow_ups,
    Scenario.WELCOME: answers.echo,
    Scenario.SLOW: faults.slow,
    Scenario.RESET_TWICE: faults.reset_twice,
    Scenario.RESET_MIDSTREAM: faults.reset_midstream,
    Scenario.TRUNCATED_CHUNK: faults.truncated_chunk,
    Scenario.BAD_JSON_LINE: faults.bad_json_line,
    Scenario.ENDLESS: faults.endless,
    Scenario.GIANT_EVENT: faults.giant_event,
    Scenario.JSON_FLOOD: faults.json_flood,
    Scenario.FAILS_ONCE: faults.fails_once,
    Scenario.HOSTILE: answers.hostile,
    Scenario.HUGE: answers.huge,
    Scenario.REASONING: answers.reasoning,
    Scenario.CHAOS: chaos.chaotic,
    Scenario.IMAGES: uploads.uploads_echo,
    Scenario.RAG_FILES: uploads.uploads_echo,
    Scenario.FULL_FILES: uploads.uploads_echo,
    Scenario.VOICE: uploads.uploads_echo,
    Scenario.IMAGES_FLOWISE_1_5: uploads.uploads_echo,
    Scenario.ARTIFACTS: uploads.with_artifacts,
    Scenario.IMAGE_BOMB: uploads.image_bomb,
    Scenario.REMOTE_IMAGES: uploads.remote_images,
    Scenario.OWN_KEY: answers.echo,
    Scenario.SALES_ASSISTANT: answers.echo,
    Scenario.SUPPORT_DESK: answers.echo,
    Scenario.ENDLESS_THINKING: faults.endless_thinking,
    Scenario.ENDLESS_ARTIFACTS: faults.endless_artifacts,
    Scenario.ENDLESS_SOURCES: faults.endless_sources,
    Scenario.ENDLESS_AGENT_EVENTS: faults.endless_agent_events,
}
assert set(SCENARIOS) == set(Scenario), "every Scenario has its flow"


class FlowiseHandler(WireHandler):
    """Flowise's routes: flows, settings, history, files, feedback, aborts and predictions."""

    def do_GET(self) -> None:
        self.record()
        if self.path == "/api/v1/ping":
            self.send_body(200, b"pong", "text/plain")
        elif self.path.startswith("/api/v1/chatflows-streaming/"):
            flow_id = self.path.rsplit("/", 1)[1]
            self.send_json(200, {"isStreaming": flow_id != Scenario.JSON_ONLY})
        elif self.path.startswith("/api/v1/chatflows/"):
            self._chatflow(self.path.rsplit("/", 1)[1])
        elif self.path.startswith("/api/v1/chatmessage/"):
            # As Flowise: history only with an API key; the upload flows' own conversations, the
            # human-input flow's recorded one, stopped for approval (and so its run is, in this chat),
            # else the recorded conversation of the rag flow.
            flow_id = urlsplit(self.path).path.rsplit("/", 1)[1]
            chat_id = (parse_qs(urlsplit(self.path).query).get("chatId") or [""])[0]
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self.send_json(401, json.loads(fixture_bytes("chatmessage.nokey.json")))
            elif (flow_id, chat_id) in self.wire.history:
                self.send_json(200, self.wire.history[(flow_id, chat_id)])
            elif flow_id == Scenario.HUMAN_INPUT:
                self.wire.stopped_chats.add(chat_id)
                self.send_json(200, json.loads(fixture_bytes("chatmessage.human-input-pending-history.json")))
            else:
                self.send_json(200, json.loads(fixture_bytes("chatmessage.rag-history.json")))
        elif self.path.startswith("/api/v1/chatflows-uploads/"):
            flow_id = self.path.rsplit("/", 1)[1]
            if flow_id not in SCENARIOS:
                message = f"Error: chatflowsService.checkIfChatflowIsValidForUploads - Chatflow {flow_id} not found"
                self.send_flowise_error(500, message)
            else:
                self.send_json(200, UPLOADS_CONFIGS.get(flow_id, NO_UPLOADS))
        elif self.path.startswith("/api/v1/get-upload-file?"):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            self._stored_file(query.get("chatflowId", ""), query.get("chatId", ""), query.get("fileName", ""))
        elif self.path.startswith("/api/v1/public-chatbotConfig/"):
            self._chatbot_config(self.path.rsplit("/", 1)[1])
        else:
            self.send_flowise_error(404, "Not found")

    def _chatbot_config(self, flow_id: str) -> None:
        """As Flowise 3.x (``getSinglePublicChatbotConfig``): the chat settings with the flow's uploads
        config in them; without it for a flow in CONFIG_WITHOUT_UPLOADS, as Flowise before 1.6."""
        if flow_id in self.wire.config_failures:
            self.send_flowise_error(500, "Error: chatflowsService.getSinglePublicChatbotConfig - database is locked")
        elif flow_id not in SCENARIOS:
            self.send_flowise_error(
                500, f"Error: chatflowsService.getSinglePublicChatbotConfig - Chatflow {flow_id} not found"
            )
        elif flow_id in CONFIG_WITHOUT_UPLOADS:
            self.send_json(200, CHATBOT_CONFIGS.get(flow_id) or "OK")
        else:
            recorded = json.loads(fixture_bytes("public-chatbotConfig.json"))
            self.send_json(
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
            self.send_json(403, {"message": "Forbidden"})
        elif authorization != f"Bearer {API_KEY}":
            self.send_json(401, {"error": "Unauthorized Access"})
        elif flow_id not in SCENARIOS:
            message = f"Chatflow {flow_id} not found in the database!"
            self.send_flowise_error(404, message)
        else:
            self.send_json(200, chatflow(flow_id))

    def do_PUT(self) -> None:
        body = self.record()
        if self.path.startswith("/api/v1/chatmessage/abort/"):
            self.send_json(200, {"status": 200, "message": "Chat message aborted"})
        elif self.path.startswith("/api/v1/feedback/"):
            self.send_json(200, {**(body if isinstance(body, dict) else {}), "id": self.path.rsplit("/", 1)[1]})
        else:
            self.send_flowise_error(404, "Not found")

    def _stored_file(self, flow_id: str, chat_id: str, name: str) -> None:
        stored = self.wire.stored.get((flow_id, chat_id, name))
        if name in self.wire.stalled_files:
            self.wait_for_shutdown(60)  # a storage that hangs: no answer at all
        elif stored is None:
            self.send_flowise_error(500, "Error: streamStorageFile")
        else:
            self.send_body(200, stored[1], stored[0])

    def do_POST(self) -> None:
        body = self.record()
        if self.path.startswith("/api/v1/attachments/"):
            _, flow_id, chat_id = self.path.rsplit("/", 2)
            uploads.attachments(self, flow_id, chat_id, body)
            return
        if self.path.startswith("/api/v1/vector/upsert/"):
            uploads.vector_upsert(self, body)
            return
        if self.path == "/api/v1/openai-assistants-file/download":
            body = body if isinstance(body, dict) else {}
            self._stored_file(str(body.get("chatflowId")), str(body.get("chatId")), str(body.get("fileName")))
            return
        if self.path == "/api/v1/feedback":
            # As Flowise's feedback service: the stored entity, with the id a later PUT changes.
            self.send_json(
                200, {**(body if isinstance(body, dict) else {}), "id": f"feedback-{len(self.wire.received)}"}
            )
            return
        if not self.path.startswith("/api/v1/prediction/"):
            self.send_body(404, b"<html><body>Cannot POST</body></html>", "text/html")
            return
        flow_id = self.path.rsplit("/", 1)[1]
        streaming = isinstance(body, dict) and body.get("streaming") is True
        scenario = SCENARIOS.get(flow_id)
        if scenario is None:
            self.send_json(404, json.loads(fixture_bytes("unknown.json")))
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


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is part of what these tests do.
        pass


def start_wire(
    token_delay: float = 0.0, port: int = 0, chaos: Chaos | None = None, step_delay: float = 0.0
) -> FlowiseWire:
    wire = FlowiseWire(url="", chaos=chaos or Chaos())
    handler = type("Handler", (FlowiseHandler,), {"wire": wire, "token_delay": token_delay, "step_delay": step_delay})
    server = _QuietServer(("127.0.0.1", port), handler)
    wire.http_server = server
    wire.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, name="flowise-wire", daemon=True).start()
    return wire


if __name__ == "__main__":
    wire = start_wire(token_delay=0.03, step_delay=0.5)
    print(f"Flowise wire server at {wire.url}; flows: {', '.join(SCENARIOS)}; API key for 'protected': {API_KEY}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        wire.stop()
