"""Faults from the server or the network, each ending in a typed error with a message a person can act
on, and keeping what arrived before it. Simpler faults (refused, dropped, silent, HTML) are in test_client."""

from __future__ import annotations

import socket
import threading
import uuid

from flowise_client import (
    FlowiseAnswerTooLongError,
    FlowiseClient,
    FlowiseConnectionLostError,
    FlowiseError,
    FlowiseProtocolError,
    FlowiseTimeoutError,
    FlowiseUnreachableError,
    Timeouts,
)
from flowise_client.events import EndEvent
from testbed.wire.flows import Scenario
from testbed.wire.handler import FlowiseWire
from testbed.wire.server import start_wire
from tests.events import answer_text

ENDLESS_TOKEN = "Бесконечно 🙂 "


def read(
    client: FlowiseClient, flow_id: str, chat_id: str = "chat-faults", streaming: bool = True
) -> tuple[str, list, FlowiseError | None]:
    """The answer text, the events and the error (if any) of one question, as the chat page reads them."""
    seen, error = [], None
    try:
        with client.predict(flow_id, "Hi", chat_id, streaming=streaming) as events:
            for event in events:
                seen.append(event)
    except FlowiseError as exc:
        error = exc
    return answer_text(seen), seen, error


def test_unknown_host_is_unreachable():
    _, _, error = read(FlowiseClient("http://flowise.invalid:3000"), Scenario.RAG)
    assert isinstance(error, FlowiseUnreachableError)
    assert str(error) == (
        "Cannot reach Flowise at http://flowise.invalid:3000 (the host name is unknown). "
        "Check that the server is running and that FLOWISE_URL is right."
    )


def test_https_to_a_plain_http_server_is_a_tls_error(wire):
    before = len(wire.predictions())
    url = wire.url.replace("http://", "https://")
    _, _, error = read(FlowiseClient(url), Scenario.RAG)
    assert isinstance(error, FlowiseUnreachableError)
    assert f"A secure connection to {url} failed (the TLS handshake failed)" in str(error)
    assert "right scheme (http or https)" in str(error)
    assert len(wire.predictions()) == before  # the handshake is not an HTTP request: nothing was asked


def test_connection_reset_before_the_answer_is_asked_again(wire):
    chat_id = str(uuid.uuid4())
    text, events, error = read(FlowiseClient(wire.url), Scenario.RESET_TWICE, chat_id)
    assert error is None
    assert text == "Answered on attempt 3 🙂" and isinstance(events[-1], EndEvent)
    assert [r.body["chatId"] for r in wire.predictions(Scenario.RESET_TWICE)].count(chat_id) == 3


def test_server_that_starts_late_is_asked_again():
    # As when Flowise restarts: the first attempt is refused, the next one finds it listening.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started: list[FlowiseWire] = []
    starter = threading.Timer(0.2, lambda: started.append(start_wire(port=port)))
    starter.start()
    try:
        text, events, error = read(FlowiseClient(f"http://127.0.0.1:{port}"), Scenario.ECHO)
    finally:
        starter.join()
        started[0].stop()
    assert error is None and text == "You asked: Hi" and isinstance(events[-1], EndEvent)
    assert len(started[0].predictions(Scenario.ECHO)) == 1


def test_retries_are_limited_and_then_reported(wire):
    chat_id = str(uuid.uuid4())
    _, events, error = read(FlowiseClient(wire.url, retry_delays=(0.1,)), Scenario.RESET_TWICE, chat_id)
    assert isinstance(error, FlowiseUnreachableError) and not events
    assert "(the connection was reset)" in str(error) and "FLOWISE_URL" in str(error)
    assert [r.body["chatId"] for r in wire.predictions(Scenario.RESET_TWICE)].count(chat_id) == 2


def test_question_that_timed_out_is_not_asked_again(wire):
    # The flow may be running on the server: asking again could run it twice.
    chat_id = str(uuid.uuid4())
    _, _, error = read(FlowiseClient(wire.url, timeouts=Timeouts(first_byte=0.3)), Scenario.HANG, chat_id)
    assert isinstance(error, FlowiseTimeoutError) and "did not start answering within 0.3 s" in str(error)
    assert [r.body["chatId"] for r in wire.predictions(Scenario.HANG)].count(chat_id) == 1


def test_json_question_reset_before_the_answer_is_not_asked_again(wire):
    # Flowise sends a JSON answer's headers only when the flow is done: it may have run already.
    chat_id = str(uuid.uuid4())
    _, _, error = read(FlowiseClient(wire.url), Scenario.RESET_TWICE, chat_id, streaming=False)
    assert isinstance(error, FlowiseUnreachableError) and "(the connection was reset)" in str(error)
    assert [r.body["chatId"] for r in wire.predictions(Scenario.RESET_TWICE)].count(chat_id) == 1


def test_reset_in_the_middle_of_the_answer_keeps_the_tokens_and_is_not_asked_again(wire):
    chat_id = str(uuid.uuid4())
    text, _, error = read(FlowiseClient(wire.url), Scenario.RESET_MIDSTREAM, chat_id)
    assert text == "Половина ответа"
    assert isinstance(error, FlowiseConnectionLostError)
    assert str(error) == (
        "The connection to Flowise broke before the answer was complete. What arrived is kept; try asking again."
    )
    assert [r.body["chatId"] for r in wire.predictions(Scenario.RESET_MIDSTREAM)].count(chat_id) == 1


def test_chunk_cut_in_the_middle_keeps_the_earlier_tokens(wire):
    text, _, error = read(FlowiseClient(wire.url), Scenario.TRUNCATED_CHUNK)
    assert text == "Кусок ответа "
    assert isinstance(error, FlowiseConnectionLostError)
    assert "broke before the answer was complete. What arrived is kept" in str(error)


def test_one_malformed_data_line_is_skipped_and_the_rest_kept(wire):
    text, events, error = read(FlowiseClient(wire.url), Scenario.BAD_JSON_LINE)
    assert error is None
    assert text == "Before after."
    assert isinstance(events[-1], EndEvent)


def test_answer_over_the_cap_stops_reading_and_keeps_the_first_characters(wire):
    wire.client_left.clear()
    text, _, error = read(FlowiseClient(wire.url, max_answer_chars=50), Scenario.ENDLESS)
    assert text == (ENDLESS_TOKEN * 4)[:50]
    assert isinstance(error, FlowiseAnswerTooLongError)
    assert str(error) == (
        "The answer was longer than 50 characters, so the app stopped reading it. What arrived is shown above; "
        "to allow longer answers, raise FLOWISE_MAX_ANSWER_CHARS."
    )
    assert wire.client_left.wait(5)  # the connection was closed, so the server stopped sending


def test_answer_of_exactly_the_cap_is_complete(wire):
    text, events, error = read(FlowiseClient(wire.url, max_answer_chars=len("Before after.")), Scenario.BAD_JSON_LINE)
    assert error is None and text == "Before after." and isinstance(events[-1], EndEvent)


def test_json_answer_over_the_cap_is_cut_too(wire):
    text, _, error = read(FlowiseClient(wire.url, max_answer_chars=7), Scenario.RAG, streaming=False)
    assert text == "Привет!"
    assert isinstance(error, FlowiseAnswerTooLongError) and "longer than 7 characters" in str(error)


def test_event_that_never_ends_stops_at_the_message_size_limit(wire):
    wire.client_left.clear()
    text, _, error = read(FlowiseClient(wire.url), Scenario.GIANT_EVENT)
    assert text == "Before the flood."
    assert isinstance(error, FlowiseProtocolError)
    assert str(error) == (
        "The server sent a single event larger than 16 MB, more than any Flowise answer needs, so the app "
        "stopped reading. What arrived is kept; check that FLOWISE_URL points at Flowise itself."
    )
    assert wire.client_left.wait(5)


def test_json_answer_that_never_ends_stops_at_the_same_limit(wire):
    wire.client_left.clear()
    _, _, error = read(FlowiseClient(wire.url), Scenario.JSON_FLOOD, streaming=False)
    assert isinstance(error, FlowiseProtocolError)
    assert str(error).startswith("The server sent a reply larger than 16 MB, more than Flowise ever sends")
    assert wire.client_left.wait(5)


def client_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("flowise_client") and r.levelno >= 30]


def test_an_answer_cut_at_its_bound_is_logged(wire, caplog):
    read(FlowiseClient(wire.url, max_answer_chars=50), "endless")
    assert client_warnings(caplog) == ["Stopped reading an answer past its bound: answer_too_long (limit 50)"]


def test_an_event_or_a_json_answer_past_the_size_limit_is_logged(wire, caplog):
    read(FlowiseClient(wire.url), "giant-event")
    read(FlowiseClient(wire.url), "json-flood", streaming=False)
    assert client_warnings(caplog) == [
        "Stopped reading a stream: one of its events passed 16777216 bytes",
        "Stopped reading Flowise's reply to /api/v1/prediction/json-flood: it passed 16777216 bytes",
    ]
