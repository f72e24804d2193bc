"""Flows that misbehave as a failing Flowise, network or proxy does: errors, drops, stalls, resets,
broken frames, and loops that send until the client hangs up."""

from __future__ import annotations

import time
from collections.abc import Callable

from flowise_wire import end_frame, frame, thinking_frame

from .flows import (
    Scenario,
)
from .handler import WireHandler


def quotes_key(h: WireHandler, body: dict, streaming: bool) -> None:
    # A flow whose failing node quotes the credential it was called with, in Flowise's error JSON.
    key = h.headers.get("Authorization", "").removeprefix("Bearer ")
    message = f"Error: predictionsServices.buildChatflow - Error: Invalid key {key} for this tool"
    h.send_flowise_error(500, message)


def error_midstream(h: WireHandler, body: dict, streaming: bool) -> None:
    h.stream(
        frame("start", "")
        + frame("token", "Начинаю ответ 🙂 ")
        + frame("token", "and then")
        + frame("error", "Error: predictionsServices.buildChatflow - Error: Model quota exceeded")
        + end_frame()
    )


def drop_midstream(h: WireHandler, body: dict, streaming: bool) -> None:
    h.start_stream()
    h.chunk(frame("start", "") + frame("token", "Частичный ответ ") + frame("token", "before the drop"))
    # No terminating chunk: the connection just goes away.
    h.close_connection = True


def stall(h: WireHandler, body: dict, streaming: bool) -> None:
    h.start_stream()
    h.chunk(frame("start", "") + frame("token", "Started, then silence"))
    h.wait_for_shutdown(30)


def hang(h: WireHandler, body: dict, streaming: bool) -> None:
    h.wait_for_shutdown(30)


def html_page(h: WireHandler, body: dict, streaming: bool) -> None:
    h.send_body(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")


def no_end(h: WireHandler, body: dict, streaming: bool) -> None:
    h.stream(frame("start", "") + frame("token", "An answer that never ends"))


def slow(h: WireHandler, body: dict, streaming: bool) -> None:
    h.start_stream()
    try:
        h.chunk(frame("start", ""))
        for i in range(400):
            h.chunk(frame("token", f"{i} "))
            time.sleep(0.05)
        h.chunk(end_frame())
        h.end_stream()
    except OSError:
        h.wire.client_left.set()


def reset_twice(h: WireHandler, body: dict, streaming: bool) -> None:
    """Resets the connection of a chat's first two questions before answering; answers the third."""
    attempts = [r for r in h.wire.predictions(Scenario.RESET_TWICE) if r.body.get("chatId") == body.get("chatId")]
    if len(attempts) <= 2:
        h.reset_connection()
    else:
        h.stream(frame("start", "") + frame("token", f"Answered on attempt {len(attempts)} 🙂") + end_frame())


def reset_midstream(h: WireHandler, body: dict, streaming: bool) -> None:
    h.start_stream()
    h.chunk(frame("start", "") + frame("token", "Половина ") + frame("token", "ответа"))
    h.reset_connection()


def truncated_chunk(h: WireHandler, body: dict, streaming: bool) -> None:
    h.start_stream()
    h.chunk(frame("start", "") + frame("token", "Кусок ответа "))
    rest = frame("token", "that is cut") + end_frame()
    # The chunk announces its full length, then the connection closes halfway through it.
    h.wfile.write(b"%x\r\n%s" % (len(rest), rest[: len(rest) // 2]))
    h.wfile.flush()
    h.close_connection = True


def bad_json_line(h: WireHandler, body: dict, streaming: bool) -> None:
    h.stream(
        frame("start", "")
        + frame("token", "Before ")
        + b'message:\ndata:{"event":"token","data":"never closed\n\n'
        + frame("token", "after.")
        + end_frame()
    )


def endless(h: WireHandler, body: dict, streaming: bool) -> None:
    """Tokens until the client hangs up, as from a flow stuck in a loop."""
    h.start_stream()
    try:
        h.chunk(frame("start", ""))
        while not h.wire.stopping.is_set():
            h.chunk(frame("token", "Бесконечно 🙂 "))
    except OSError:
        h.wire.client_left.set()


def flood(h: WireHandler, opening: bytes, content_type: str = "text/event-stream") -> None:
    """``opening``, then megabytes that never end a message, until the client hangs up."""
    h.start_stream(content_type)
    try:
        h.chunk(opening)
        while not h.wire.stopping.is_set():
            h.chunk(b"x" * 2**20)
    except OSError:
        h.wire.client_left.set()


def giant_event(h: WireHandler, body: dict, streaming: bool) -> None:
    """One event whose data line never ends."""
    flood(h, frame("start", "") + frame("token", "Before the flood.") + b'message:\ndata:{"event":"token","data":"')


def json_flood(h: WireHandler, body: dict, streaming: bool) -> None:
    """A JSON answer that never ends."""
    flood(h, b'{"text": "', "application/json")


def fails_once(h: WireHandler, body: dict, streaming: bool) -> None:
    """Fails mid-answer the first time a conversation asks, answers the next time: a retry works."""
    chat_id = body.get("chatId", "")
    asked = [
        r
        for r in h.wire.predictions(Scenario.FAILS_ONCE)
        if isinstance(r.body, dict) and r.body.get("chatId") == chat_id
    ]
    if len(asked) == 1:
        error_midstream(h, body, streaming)
    else:
        h.stream(frame("start", "") + frame("token", f"Second try worked: {body.get('question', '')}") + end_frame())


# -- budgets: flows stuck in a loop, each sending one kind of event until the client hangs up -------
ENDLESS_OPENING = "Here is what I found so far."


def endless_frames(h: WireHandler, opening: bytes, event: Callable[[int], bytes]) -> None:
    h.start_stream()
    try:
        h.chunk(opening)
        number = 0
        while not h.wire.stopping.is_set():
            h.chunk(event(number))
            number += 1
    except OSError:
        h.wire.client_left.set()


def endless_thinking(h: WireHandler, body: dict, streaming: bool) -> None:
    endless_frames(h, frame("start", ""), lambda n: thinking_frame(f"Thought {n}. "))


def endless_artifacts(h: WireHandler, body: dict, streaming: bool) -> None:
    endless_frames(
        h,
        frame("start", "") + frame("token", ENDLESS_OPENING),
        lambda n: frame("artifacts", [{"type": "markdown", "data": f"Artifact {n}"}]),
    )


def endless_sources(h: WireHandler, body: dict, streaming: bool) -> None:
    endless_frames(
        h,
        frame("start", "") + frame("token", ENDLESS_OPENING),
        lambda n: frame("sourceDocuments", [{"pageContent": f"Source {n}", "metadata": {}}]),
    )


def endless_agent_events(h: WireHandler, body: dict, streaming: bool) -> None:
    endless_frames(
        h, frame("start", "") + frame("token", ENDLESS_OPENING), lambda n: frame("agentFlowEvent", "INPROGRESS")
    )
