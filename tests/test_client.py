"""The protocol client against a local server speaking Flowise's wire format."""

from __future__ import annotations

import base64
import json
import socket
import time
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from flowise_client import (
    ChatbotConfig,
    FlowiseAuthError,
    FlowiseClient,
    FlowiseConnectionLostError,
    FlowiseError,
    FlowiseNotFoundError,
    FlowiseProtocolError,
    FlowiseServerError,
    FlowiseStreamError,
    FlowiseTimeoutError,
    FlowiseUnreachableError,
    Timeouts,
)
from flowise_client.errors import MESSAGES
from flowise_client.events import EndEvent, SourceDocumentsEvent, UsedToolsEvent
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.recordings import RECORDED_ANSWER, RECORDED_SECOND_TURN
from tests.events import answer_text
from tests.local_server import Reply, serving


def collect(client, flow_id, question="Hi", chat_id="chat-1", **kwargs):
    seen = []
    with client.predict(flow_id, question, chat_id, **kwargs) as events:
        for event in events:
            seen.append(event)
    return seen


def test_request_carries_question_streaming_chat_id_and_key(wire):
    client = FlowiseClient(wire.url, api_key=API_KEY)
    collect(
        client, Scenario.RAG, question="Столица Франции? 🙂", chat_id="chat-42", override_config={"temperature": 0.1}
    )
    request = wire.predictions(Scenario.RAG)[-1]
    assert request.body == {
        "question": "Столица Франции? 🙂",
        "chatId": "chat-42",
        "streaming": True,
        "overrideConfig": {"temperature": 0.1},
    }
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


def test_the_session_id_overrides_the_one_in_the_configuration(wire):
    config = {"temperature": 0.1, "sessionId": "shared by everyone"}
    collect(FlowiseClient(wire.url), Scenario.RAG, chat_id="chat-7", override_config=config, session_id="chat-7")
    assert wire.predictions(Scenario.RAG)[-1].body["overrideConfig"] == {"temperature": 0.1, "sessionId": "chat-7"}
    assert config["sessionId"] == "shared by everyone"


def test_no_key_means_no_authorization_header(wire):
    collect(FlowiseClient(wire.url), Scenario.PLAIN)
    assert "Authorization" not in wire.predictions(Scenario.PLAIN)[-1].headers


def test_stream_gives_typed_events(wire):
    events = collect(FlowiseClient(wire.url), Scenario.RAG)
    assert answer_text(events) == RECORDED_SECOND_TURN
    assert any(isinstance(e, SourceDocumentsEvent) for e in events)
    assert isinstance(events[-1], EndEvent)


def test_json_answer_gives_the_same_kind_of_events(wire):
    client = FlowiseClient(wire.url)
    assert client.is_streaming(Scenario.JSON_ONLY) is False
    assert client.is_streaming(Scenario.RAG) is True
    events = collect(client, Scenario.JSON_ONLY, streaming=False)
    assert answer_text(events) == RECORDED_ANSWER
    assert [type(e).__name__ for e in events] == ["TokenEvent", "SourceDocumentsEvent", "MetadataEvent", "EndEvent"]
    assert wire.predictions(Scenario.JSON_ONLY)[-1].body["streaming"] is False


def test_json_answer_with_tools(wire):
    events = collect(FlowiseClient(wire.url), Scenario.AGENT, streaming=False)
    (tools,) = [e for e in events if isinstance(e, UsedToolsEvent)]
    assert tools.tools[0].tool_output == "84"


def test_unknown_flow_is_not_found(wire):
    with pytest.raises(FlowiseNotFoundError) as info:
        collect(FlowiseClient(wire.url), "no-such-flow")
    assert "FLOWISE_FLOW_ID" in str(info.value)
    assert "not found in the database" in str(info.value)


def test_server_error_carries_flowise_message_without_prefixes(wire):
    with pytest.raises(FlowiseServerError) as info:
        collect(FlowiseClient(wire.url), Scenario.SERVER_ERROR)
    assert info.value.status == 500
    assert "SerpAPI API key not set" in str(info.value)
    assert "predictionsServices" not in str(info.value)


def test_error_event_in_stream_raises_after_earlier_tokens(wire):
    seen = []
    with (
        pytest.raises(FlowiseStreamError) as info,
        FlowiseClient(wire.url).predict(Scenario.ERROR_MIDSTREAM, "Hi", "c") as events,
    ):
        seen.extend(events)
    assert answer_text(seen) == "Начинаю ответ 🙂 and then"
    assert "Model quota exceeded" in str(info.value)


@pytest.mark.parametrize("key", [None, "sk-wrong-0000"])
def test_missing_or_wrong_key_is_an_auth_error_without_the_key(wire, key):
    with pytest.raises(FlowiseAuthError) as info:
        collect(FlowiseClient(wire.url, api_key=key), Scenario.PROTECTED)
    assert "FLOWISE_API_KEY" in str(info.value)
    assert "sk-wrong" not in str(info.value)


def test_wrong_key_without_streaming_is_an_auth_error(wire):
    with pytest.raises(FlowiseAuthError):
        collect(FlowiseClient(wire.url, api_key="sk-wrong-0000"), Scenario.PROTECTED, streaming=False)


def test_right_key_is_accepted(wire):
    assert answer_text(collect(FlowiseClient(wire.url, api_key=API_KEY), Scenario.PROTECTED)).startswith("Привет")


def test_connection_dropped_midstream_keeps_what_arrived(wire):
    seen = []
    with pytest.raises(FlowiseConnectionLostError), FlowiseClient(wire.url).predict(Scenario.DROP, "Hi", "c") as events:
        seen.extend(events)
    assert answer_text(seen) == "Частичный ответ before the drop"


def test_stream_closed_without_end_is_reported(wire):
    seen = []
    with (
        pytest.raises(FlowiseConnectionLostError),
        FlowiseClient(wire.url).predict(Scenario.NO_END, "Hi", "c") as events,
    ):
        seen.extend(events)
    assert answer_text(seen) == "An answer that never ends"


def test_no_first_byte_times_out(wire):
    client = FlowiseClient(wire.url, timeouts=Timeouts(connect=2, first_byte=0.5, read=5))
    started = time.monotonic()
    with pytest.raises(FlowiseTimeoutError) as info:
        collect(client, Scenario.HANG)
    assert time.monotonic() - started < 3
    assert "0.5 s" in str(info.value)


def test_silence_inside_stream_uses_the_read_timeout(wire):
    client = FlowiseClient(wire.url, timeouts=Timeouts(connect=2, first_byte=5, read=0.5))
    seen = []
    started = time.monotonic()
    with pytest.raises(FlowiseTimeoutError) as info, client.predict(Scenario.STALL, "Hi", "c") as events:
        seen.extend(events)
    assert time.monotonic() - started < 3
    assert answer_text(seen) == "Started, then silence"
    assert "nothing arrived for 0.5 s" in str(info.value)


def test_html_page_instead_of_stream(wire):
    with pytest.raises(FlowiseProtocolError) as info:
        collect(FlowiseClient(wire.url), Scenario.HTML)
    assert "text/html" in str(info.value)


def test_wrong_base_url_path_is_not_found(wire):
    with pytest.raises(FlowiseNotFoundError) as info:
        FlowiseClient(wire.url + "/api/v1").is_streaming(Scenario.RAG)
    assert "FLOWISE_URL" in str(info.value) or "FLOWISE_FLOW_ID" in str(info.value)


def test_leaving_early_closes_the_connection(wire):
    # A reader that stops after the first token (the user pressed stop, or Streamlit reran the
    # script) must hang up at once, not leave the response open.
    wire.client_left.clear()
    with FlowiseClient(wire.url).predict(Scenario.SLOW, "Hi", "c") as events:
        next(events)
        next(events)
    assert wire.client_left.wait(5)


def test_abort_calls_flowise_abort_endpoint(wire):
    FlowiseClient(wire.url, api_key=API_KEY).abort(Scenario.SLOW, "chat-9")
    request = wire.received[-1]
    assert (request.method, request.path) == ("PUT", "/api/v1/chatmessage/abort/slow/chat-9")
    assert "Authorization" not in request.headers  # public in Flowise: the key is not handed to it


def test_chatbot_config_reads_starter_prompts_and_welcome(wire):
    client = FlowiseClient(wire.url)
    config = client.chatbot_config(Scenario.WELCOME)
    assert config.starter_prompts == ("What can you do?", "Что такое **Flowise**?")
    assert config.welcome_message == "Здравствуйте! 👋 Ask me *anything*."
    assert client.chatbot_config(Scenario.PLAIN).starter_prompts == ()  # the recorded config of a flow without them
    assert ChatbotConfig.from_json({"starterPrompts": [{"prompt": " a "}, {"x": 1}, "b"]}).starter_prompts == ("a",)


@pytest.mark.parametrize(
    ("flow_id", "key", "code", "values"),
    [
        (
            "no-such-flow",
            None,
            "flow_not_found",
            {"status": 404, "message": "Chatflow 00000000-0000-0000-0000-000000000000 not found in the database!"},
        ),
        (
            Scenario.SERVER_ERROR,
            None,
            "server_failed",
            {
                "status": 500,
                "message": (
                    "SerpAPI API key not set. You can set it as SERPAPI_API_KEY in your .env file, "
                    "or pass it to SerpAPI."
                ),
            },
        ),
        (Scenario.PROTECTED, None, "key_needed", {}),
        (Scenario.PROTECTED, "sk-wrong-0000", "key_rejected", {}),
        (Scenario.HTML, None, "wrong_content_type", {"url": "{wire}", "content_type": "text/html"}),
        (Scenario.DROP, None, "connection_broken", {}),
        (Scenario.NO_END, None, "connection_closed", {}),
        (Scenario.ERROR_MIDSTREAM, None, "flow_failed", {"message": "Model quota exceeded"}),
    ],
)
def test_each_error_names_its_code_and_the_values_of_its_message(wire, flow_id, key, code, values):
    """What an application needs to word the error itself, in another language say."""
    with pytest.raises(FlowiseError) as info:
        collect(FlowiseClient(wire.url, api_key=key), flow_id)
    assert info.value.code == code
    assert info.value.values == {name: wire.url if value == "{wire}" else value for name, value in values.items()}
    # The message is the client's words for that code, made of those values.
    assert str(info.value) == MESSAGES[code].format(**info.value.values)


def test_unreachable_server_names_the_reason_by_its_code(wire):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FlowiseUnreachableError) as info:
        collect(FlowiseClient(f"http://127.0.0.1:{port}"), Scenario.RAG)
    assert info.value.code == "unreachable"
    assert info.value.values == {"url": f"http://127.0.0.1:{port}", "reason": "connection_refused"}
    assert "connection refused" in str(info.value)


def test_credentials_in_the_address_are_sent_but_never_quoted(wire):
    host = wire.url.removeprefix("http://")
    client = FlowiseClient(f"http://proxy-user:pa%24%24word@{host}")
    assert client.base_url == wire.url
    client.ping()
    assert wire.received[-1].headers["Authorization"] == "Basic " + base64.b64encode(b"proxy-user:pa$$word").decode()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FlowiseUnreachableError) as info:
        collect(FlowiseClient(f"http://proxy-user:pa%24%24word@127.0.0.1:{port}"), Scenario.RAG)
    assert "word" not in str(info.value) and "word" not in json.dumps(info.value.values)


def test_a_key_quoted_across_the_cut_of_a_long_error_is_not_shown_in_part():
    """A proxy or node that quotes the Authorization header far into a long error message: the part
    of the message the page shows must not end in the first half of the key."""

    def quote_the_header(request: BaseHTTPRequestHandler) -> Reply:
        quoted = request.headers["Authorization"]
        message = "x" * (500 - len("Bearer ") - len(API_KEY) // 2) + quoted + " was refused"
        return 500, "application/json", json.dumps({"statusCode": 500, "message": message}).encode()

    with serving(quote_the_header) as url, pytest.raises(FlowiseServerError) as failure:
        collect(FlowiseClient(url, API_KEY), "flow")
    shown = str(failure.value) + repr(failure.value.values)
    assert API_KEY[: len(API_KEY) // 2] not in shown
    assert "x" * 100 in shown


def client_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("flowise_client") and r.levelno >= 30]


def test_an_http_error_is_logged_with_its_status_and_path_but_not_the_key(wire, caplog):
    """Flowise quotes the key in its error: the operator sees the failure, never the key."""
    with pytest.raises(FlowiseServerError):
        collect(FlowiseClient(wire.url, api_key=API_KEY), "quotes-key", question="my private question")
    (line,) = client_warnings(caplog)
    assert "HTTP 500" in line and "POST /api/v1/prediction/quotes-key" in line
    assert "Invalid key [API key] for this tool" in line
    assert API_KEY not in caplog.text and "my private question" not in caplog.text


def test_an_unreachable_server_is_logged_with_the_reason(wire, caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FlowiseUnreachableError) as info:
        collect(FlowiseClient(f"http://user:pa55word@127.0.0.1:{port}", api_key=API_KEY), "rag")
    (line,) = client_warnings(caplog)
    assert "POST /api/v1/prediction/rag" in line and "unreachable (connection_refused)" in line
    assert API_KEY not in caplog.text and "pa55word" not in caplog.text
    # The cause is kept for a traceback, though no message quotes it.
    assert isinstance(info.value.__cause__, requests.exceptions.ConnectionError)


def test_a_timeout_is_logged_with_the_wait(wire, caplog):
    client = FlowiseClient(wire.url, api_key=API_KEY, timeouts=Timeouts(connect=2, first_byte=0.5, read=5))
    with pytest.raises(FlowiseTimeoutError) as info:
        collect(client, "hang")
    (line,) = client_warnings(caplog)
    assert "POST /api/v1/prediction/hang" in line and "first_byte_timeout after 0.5 s" in line
    assert API_KEY not in caplog.text
    assert isinstance(info.value.__cause__, requests.exceptions.Timeout)


def test_a_silent_stream_is_logged(wire, caplog):
    client = FlowiseClient(wire.url, timeouts=Timeouts(connect=2, first_byte=5, read=0.5))
    with pytest.raises(FlowiseTimeoutError) as info:
        collect(client, "stall")
    assert client_warnings(caplog) == ["Flowise's answer stopped: nothing arrived for 0.5 s"]
    assert info.value.__cause__ is not None


@pytest.mark.parametrize(
    ("flow_id", "error", "logged"),
    [
        ("drop", FlowiseConnectionLostError, "The connection broke while Flowise's answer streamed"),
        ("no-end", FlowiseConnectionLostError, "Flowise closed the answer's stream before its end event"),
        ("error-midstream", FlowiseStreamError, "The flow failed while answering: Model quota exceeded"),
        ("html", FlowiseProtocolError, "Flowise answered a question with content type 'text/html'"),
    ],
)
def test_a_broken_answer_is_logged_without_the_question(wire, caplog, flow_id, error, logged):
    with pytest.raises(error):
        collect(FlowiseClient(wire.url, api_key=API_KEY), flow_id, question="my private question")
    (line,) = client_warnings(caplog)
    assert line.startswith(logged)
    assert API_KEY not in caplog.text and "my private question" not in caplog.text


def test_a_reply_that_is_not_json_is_logged_with_its_path(caplog):
    with (
        serving(lambda _: (200, "application/json", b"<html>sign in</html>")) as url,
        pytest.raises(FlowiseProtocolError) as info,
    ):
        FlowiseClient(url, API_KEY).is_streaming("flow")
    assert client_warnings(caplog) == ["Flowise's reply to /api/v1/chatflows-streaming/flow is not valid JSON"]
    assert isinstance(info.value.__cause__, ValueError)
