"""Flows that replay bytes recorded from a real Flowise 3.1.4 (``tests/fixtures/flowise-3.1.4``),
and the human-input agentflow, which goes on from its Human Input node only in a chat stopped there."""

from __future__ import annotations

from collections.abc import Callable

from flowise_wire import JSON_MEDIA_TYPE, end_frame, frame

from .flows import (
    API_KEY,
)
from .handler import WireHandler
from .recordings import fixture_bytes


def replay(stream_file: str, json_file: str) -> Callable[[WireHandler, dict, bool], None]:
    def run(h: WireHandler, body: dict, streaming: bool) -> None:
        if streaming:
            h.stream(fixture_bytes(stream_file))
        else:
            h.send_body(200, fixture_bytes(json_file), JSON_MEDIA_TYPE)

    return run


def protected(h: WireHandler, body: dict, streaming: bool) -> None:
    if h.headers.get("Authorization") == f"Bearer {API_KEY}":
        replay("rag.stream.sse", "rag.json")(h, body, streaming)
    elif streaming:
        h.stream(fixture_bytes("protected.wrongkey.stream.sse"))
    else:
        h.send_body(500, fixture_bytes("protected.wrongkey.json"), "application/json")


def server_error(h: WireHandler, body: dict, streaming: bool) -> None:
    h.send_body(500, fixture_bytes("build-error.500.json"), JSON_MEDIA_TYPE)


HUMAN_INPUT_NODE = "humanInputAgentflow_0"


def human_input(h: WireHandler, body: dict, streaming: bool) -> None:
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
            h.stream(frame("error", message) + end_frame())
        else:
            h.send_flowise_error(500, message)
        return
    if streaming:
        h.stream_frames(fixture_bytes(f"{name}.stream.sse"))
    else:
        h.send_body(200, fixture_bytes(f"{name}.json"), JSON_MEDIA_TYPE)


SECOND_HUMAN_INPUT_NODE = "humanInputAgentflow_1"


def stopped_again_events() -> bytes:
    """The recorded proceed up to the Approval node finishing, then the recorded stop at a Human
    Input node, as a second such node ("Final check") stops the run after the first."""
    proceeded = fixture_bytes("human-input.proceed.stream.sse").split(b"\n\n")
    stop = fixture_bytes("human-input.stream.sse").split(b"\n\n")
    finished = next(i for i, f in enumerate(proceeded) if HUMAN_INPUT_NODE.encode() in f and b'"FINISHED"' in f)
    stopping = next(i for i, f in enumerate(stop) if HUMAN_INPUT_NODE.encode() in f and b'"INPROGRESS"' in f)
    second = b"\n\n".join(stop[stopping:]).replace(HUMAN_INPUT_NODE.encode(), SECOND_HUMAN_INPUT_NODE.encode())
    return b"\n\n".join(proceeded[: finished + 1]) + b"\n\n" + second.replace(b'"Approval"', b'"Final check"')


def human_input_twice(h: WireHandler, body: dict, streaming: bool) -> None:
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
        h.stream_frames(stopped_again_events())
    elif chat_id in h.wire.stopped_again and reply.get("startNodeId") == SECOND_HUMAN_INPUT_NODE:
        h.wire.stopped_again.discard(chat_id)
        h.wire.stopped_chats.add(chat_id)  # as the human-input flow wants it for its replies
        human_input(h, {**body, "humanInput": {**reply, "startNodeId": HUMAN_INPUT_NODE}}, streaming)
    else:
        human_input(h, body, streaming)
