"""The embedded demo flow: retrieval, the calculator, and its Flowise wire format over real HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from demo_flow import start_demo_server
from demo_flow.arithmetic import CalculationError, evaluate, find_expression
from demo_flow.documents import load_paragraphs
from demo_flow.retrieval import BM25Index
from flowise_client import FlowiseClient
from flowise_client.events import EndEvent, MetadataEvent, SourceDocumentsEvent, TokenEvent, UsedToolsEvent


@pytest.fixture(scope="module")
def demo():
    server = start_demo_server(token_delay=0)
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("question", "source", "title"),
    [
        ("How do I deploy to Streamlit Community Cloud?", "deployment.md", "Streamlit Community Cloud"),
        ("Why does the answer appear all at once behind nginx?", "troubleshooting.md", "The answer appears all at once"),
        ("Is the API key ever shown in the page or in logs?", "configuration.md", "The API key"),
        ("How do I deploy?", "deployment.md", "Streamlit Community Cloud"),
        ("как подключить свой поток Flowise?", "quickstart-ru.md", "Подключение своего потока Flowise"),
    ],
)
def test_bm25_finds_the_right_section(question, source, title):
    best = BM25Index(load_paragraphs()).search(question)[0][0]
    assert (best.source, best.title) == (source, title)


def test_unrelated_question_finds_nothing():
    assert BM25Index(load_paragraphs()).search("zebra giraffe") == []


@pytest.mark.parametrize(
    ("question", "expression", "value"),
    [
        ("What is 2140526 / 105.4 ?", "2140526 / 105.4", 2140526 / 105.4),
        ("сколько будет 12 * 7?", "12 * 7", 84),
        ("What is 12.5% of 2,480?", "12.5 / 100 * 2480", 310),
        ("(2 + 3) × 4", "(2 + 3) * 4", 20),
        ("3 x 4", "3 * 4", 12),
        ("2^10", "2**10", 1024),
    ],
)
def test_arithmetic_is_found_and_computed(question, expression, value):
    assert find_expression(question) == expression
    assert evaluate(expression) == pytest.approx(value)


@pytest.mark.parametrize("question", ["Flowise 3.1.4 was released", "The tower was completed in 1889", "hello"])
def test_no_arithmetic_no_tool(question):
    assert find_expression(question) is None


@pytest.mark.parametrize(
    "expression",
    ["__import__('os')", "x + 1", "(1).real", "abs(-1)", "[1, 2]", "2 ** 1000", "1 / 0", "10.0 ** 99 * 10.0 ** 99", "'a' * 3"],
)
def test_evaluator_rejects_anything_but_bounded_arithmetic(expression):
    with pytest.raises(CalculationError):
        evaluate(expression)


def test_stream_uses_flowise_framing_and_event_order(demo):
    response = requests.post(f"{demo.base_url}/api/v1/prediction/demo", timeout=10,
                             json={"question": "How do I deploy? And 12 * 7?", "streaming": True, "chatId": "c-1"})
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    frames = response.content.decode().split("\n\n")
    assert frames.pop() == ""
    events = []
    for frame in frames:
        head, data = frame.split("\n")
        assert head == "message:" and data.startswith("data:{")
        events.append(json.loads(data[len("data:"):]))
    names = [e["event"] for e in events]
    assert names[0] == "start" and names[-4:] == ["usedTools", "sourceDocuments", "metadata", "end"]
    assert set(names[1:-4]) == {"token"}
    assert events[-4]["data"] == [{"tool": "calculator", "toolInput": {"input": "12 * 7"}, "toolOutput": "84"}]
    assert events[-2]["data"]["sessionId"] == events[-2]["data"]["chatId"] == "c-1"


def test_streamed_tokens_equal_the_json_answer_through_the_client(demo):
    client = FlowiseClient(demo.base_url)
    with client.predict("demo", "How do I deploy to Streamlit Community Cloud?", "c-2") as events:
        streamed = list(events)
    with client.predict("demo", "How do I deploy to Streamlit Community Cloud?", "c-3", streaming=False) as events:
        whole = list(events)
    text = "".join(e.text for e in streamed if isinstance(e, TokenEvent))
    assert text == "".join(e.text for e in whole if isinstance(e, TokenEvent))
    assert "Streamlit Community Cloud" in text
    (sources,) = [e for e in streamed if isinstance(e, SourceDocumentsEvent)]
    assert sources.documents[0].metadata["source"] == "deployment.md"
    assert sources.documents[0].metadata["loc"]["lines"]["from"] > 0
    assert not any(isinstance(e, UsedToolsEvent) for e in streamed)
    assert isinstance(streamed[-1], EndEvent)


def test_memory_counts_turns_per_chat(demo):
    client = FlowiseClient(demo.base_url)

    def ask(chat_id):
        with client.predict("demo", "How do I deploy?", chat_id) as events:
            return "".join(e.text for e in events if isinstance(e, TokenEvent))

    assert "question 2 of this conversation" not in ask("m-1")
    assert "question 2 of this conversation" in ask("m-1")
    assert "question 2" not in ask("m-2")


def test_unknown_flow_and_empty_question(demo):
    assert requests.post(f"{demo.base_url}/api/v1/prediction/nope", json={"question": "q"}, timeout=5).status_code == 404
    assert requests.post(f"{demo.base_url}/api/v1/prediction/demo", json={"question": " "}, timeout=5).status_code == 400
    assert requests.get(f"{demo.base_url}/api/v1/chatflows-streaming/demo", timeout=5).json() == {"isStreaming": True}


def test_servers_run_side_by_side_and_stop_cleanly():
    first, second = start_demo_server(0), start_demo_server(0)
    assert first.base_url != second.base_url
    for server in (first, second):
        with FlowiseClient(server.base_url).predict("demo", "12 * 7", "s") as events:
            assert any(isinstance(e, MetadataEvent) for e in events)
        server.stop()
        assert not server._thread.is_alive()
