"""The embedded demo flow: retrieval, the calculator, and Flowise's wire format over real HTTP."""

from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from demo_flow import start_demo_server
from demo_flow.answer import compose_answer
from demo_flow.arithmetic import CalculationError, Reason, evaluate, find_arithmetic
from demo_flow.documents import DOCS, Paragraph, load_paragraphs
from demo_flow.memory import ChatLog
from demo_flow.retrieval import BM25Index, tokens

# One event exactly as Flowise writes it; JSON escapes newlines, so `data:` is always a single line.
FRAME = rb"message:\ndata:\{[^\n]*\}\n\n"
PREFIX = "message:\ndata:"
DEPLOY = "How do I deploy to Streamlit Community Cloud?"


@pytest.fixture(scope="module")
def index() -> BM25Index:
    return BM25Index(load_paragraphs())


@pytest.fixture(scope="module")
def demo():
    server = start_demo_server(token_delay=0)
    yield server
    server.stop()


def ask(server, question: str | None = None, *, streaming: bool, chat_id: str | None = None, flow_id: str = "demo"):
    body = {"streaming": streaming}
    if question is not None:
        body["question"] = question
    if chat_id is not None:
        body["chatId"] = chat_id
    return requests.post(f"{server.base_url}/api/v1/prediction/{flow_id}", json=body, stream=streaming, timeout=10)


def read_events(response: requests.Response) -> list[dict]:
    """The events of a streamed answer, after checking every byte of its framing."""
    raw = b"".join(response.iter_content(chunk_size=None))
    assert re.fullmatch(rb"(?:" + FRAME + rb")+", raw), raw[:300]
    frames = raw.decode("utf-8").split("\n\n")[:-1]
    events = [json.loads(frame.removeprefix(PREFIX)) for frame in frames]
    assert all(list(event) == ["event", "data"] for event in events)
    return events


def streamed_text(events: list[dict]) -> str:
    return "".join(e["data"] for e in events if e["event"] == "token")


# Retrieval


@pytest.mark.parametrize(
    ("question", "source", "title"),
    [
        (DEPLOY, "deployment.md", "Streamlit Community Cloud"),
        (
            "Why does the answer appear all at once behind nginx?",
            "troubleshooting.md",
            "The answer appears all at once",
        ),
        ("I get 401 Unauthorized", "troubleshooting.md", "Unauthorized: a missing or wrong API key"),
        ("What does a 404 mean?", "troubleshooting.md", "The flow is not found"),
        ("Which wins, the environment or secrets.toml?", "configuration.md", "Environment variables and secrets.toml"),
        ("How do I run the tests?", "getting-started.md", "Running the tests"),
        ("как подключить свой поток Flowise?", "quickstart-ru.md", "Подключение своего потока Flowise"),
        ("Как установить и запустить приложение?", "quickstart-ru.md", "Установка и запуск"),
        (
            "как развернуть в Streamlit Community Cloud?",
            "quickstart-ru.md",
            "Развёртывание в Streamlit Community Cloud",
        ),
    ],
)
def test_bm25_ranks_the_right_section_first(index, question, source, title):
    best = index.search(question)[0].paragraph
    assert (best.source, best.title) == (source, title)


def test_bm25_scores_are_okapi_with_k1_1_5_and_b_0_75():
    texts = ["proxy proxy buffering", "proxy timeout", "deploy cloud secrets app"]
    index = BM25Index([Paragraph("t.md", "", "", text, 1, 1) for text in texts])
    n, average = 3, (3 + 2 + 4) / 3

    def expected(text: str, query: list[str]) -> float:
        words = Counter(text.split())
        total = 0.0
        for term in query:
            df = sum(term in t.split() for t in texts)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            f = words[term]
            total += idf * f * 2.5 / (f + 1.5 * (0.25 + 0.75 * len(text.split()) / average))
        return total

    hits = index.search("proxy buffering")
    assert [h.paragraph.text for h in hits] == texts[:2]
    assert [h.score for h in hits] == pytest.approx([expected(t, ["proxy", "buffering"]) for t in texts[:2]])


def test_tokens_are_lowercased_words_and_russian_forms_meet():
    assert tokens("How do I set FLOWISE_URL?") == ["set", "flowis", "url"]
    assert tokens("Как ПОДКЛЮЧИТЬ поток?") == tokens("подключение потока") == ["подкл", "поток"]
    assert tokens("ключом") == tokens("ключ")


def test_paragraphs_keep_their_heading_and_lines():
    paragraphs = load_paragraphs()
    assert {p.source for p in paragraphs} >= {"deployment.md", "quickstart-ru.md", "troubleshooting.md"}
    code = next(p for p in paragraphs if p.text.startswith("```toml"))
    assert code.title == "Streamlit Community Cloud" and code.text.endswith("```")
    lines = (DOCS / code.source).read_text(encoding="utf-8").splitlines()
    assert "\n".join(lines[code.first_line - 1 : code.last_line]) == code.text


def test_unrelated_question_finds_nothing_and_gets_suggestions(index):
    assert index.search("zebra giraffe") == []
    answer = compose_answer("Tell me a joke about zebras", index)
    assert answer.sources == () and answer.tool_call is None
    assert "How do I deploy to Streamlit Community Cloud?" in answer.text


def test_answers_are_deterministic_and_quote_the_docs(index):
    first, second = compose_answer(DEPLOY, index), compose_answer(DEPLOY, index)
    assert first == second
    assert first.text.startswith("Here is what the documentation says about **Streamlit Community Cloud**:")
    assert '```toml\nFLOWISE_URL = "https://flowise.example.com"' in first.text


# The calculator


@pytest.mark.parametrize(
    ("question", "expression", "value"),
    [
        ("What is 2140526 / 105.4 ?", "2140526 / 105.4", 2140526 / 105.4),
        ("сколько будет 12 * 7?", "12 * 7", 84),
        ("What is 12.5% of 2,480?", "12.5 / 100 * 2480", 310),
        ("What is 12.5% of 2,480, and where do I set the API key?", "12.5 / 100 * 2480", 310),
        ("Сколько будет 10% от 1,000,000?", "10 / 100 * 1000000", 100_000),
        ("(2 + 3) × 4", "(2 + 3) * 4", 20),
        ("3 x 4 and 3х4", "3 * 4", 12),
        ("2^10", "2 ** 10", 1024),
        ("What is -5 + 3?", "-5 + 3", -2),
        ("7 // 2", "7 // 2", 3),
        ("17 % 5", "17 % 5", 2),
        ("9 ÷ 4 (roughly)", "9 / 4", 2.25),
        ("(that is 2 + 3)", "2 + 3", 5),
    ],
)
def test_arithmetic_is_found_and_computed(question, expression, value):
    found = find_arithmetic(question)
    assert found is not None and found.expression == expression
    assert evaluate(found.expression) == pytest.approx(value)


@pytest.mark.parametrize(
    "question",
    ["Flowise 3.1.4 was released", "The tower was completed in 1889", "hello", "Use gpt-4o", "on 2026-11-25", "-5"],
)
def test_no_arithmetic_no_tool(question):
    assert find_arithmetic(question) is None


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("__import__('os')", Reason.NOT_ALLOWED),
        ("__import__('os').system('true')", Reason.NOT_ALLOWED),
        ("x + 1", Reason.NOT_ALLOWED),
        ("(1).real", Reason.NOT_ALLOWED),
        ("abs(-1)", Reason.NOT_ALLOWED),
        ("[1, 2]", Reason.NOT_ALLOWED),
        ("'a' * 3", Reason.NOT_ALLOWED),
        ("True + 1", Reason.NOT_ALLOWED),
        ("1 if 1 else 2", Reason.NOT_ALLOWED),
        ("import os", Reason.NOT_AN_EXPRESSION),
        ("1 / 0", Reason.DIVISION_BY_ZERO),
        ("5 % 0", Reason.DIVISION_BY_ZERO),
        ("2 ** 1000", Reason.EXPONENT_TOO_LARGE),
        ("10.0 ** 99 * 10.0 ** 99", Reason.TOO_LARGE),
        ("(10.0 ** 50) ** 99", Reason.TOO_LARGE),
        ("(-8) ** 0.5", Reason.NOT_REAL),
        ("-" * 100_000 + "1", Reason.NOT_AN_EXPRESSION),
        ("+".join(["1"] * 100_000), Reason.NOT_AN_EXPRESSION),
    ],
)
def test_evaluator_rejects_anything_but_bounded_arithmetic(expression, reason):
    with pytest.raises(CalculationError) as error:
        evaluate(expression)
    assert error.value.reason is reason


def test_a_failed_calculation_is_explained_not_raised(index):
    answer = compose_answer("What is 1/0?", index)
    assert answer.tool_call is not None and answer.tool_call.output == "division by zero"
    assert "division by zero is undefined" in answer.text


# The server over HTTP


def test_stream_is_flowise_framed_and_ordered(demo):
    response = ask(demo, f"{DEPLOY} And what is 12 * 7?", streaming=True, chat_id="c-1")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    events = read_events(response)
    names = [e["event"] for e in events]
    assert names[0] == "start" and events[0]["data"] == ""
    assert names[-4:] == ["usedTools", "sourceDocuments", "metadata", "end"]
    assert len(names) > 20 and set(names[1:-4]) == {"token"}
    assert all(0 < len(e["data"]) < 40 for e in events[1:-4])
    assert events[-4]["data"] == [{"tool": "calculator", "toolInput": {"input": "12 * 7"}, "toolOutput": "84"}]
    assert "**12 * 7 = 84**" in streamed_text(events)
    sources = events[-3]["data"]
    assert len(sources) == 3 and sources[0]["metadata"]["source"] == "deployment.md"
    assert sources[0]["metadata"]["title"] == "Streamlit Community Cloud"
    lines = sources[0]["metadata"]["loc"]["lines"]
    assert 0 < lines["from"] <= lines["to"]
    metadata = events[-2]["data"]
    assert metadata["chatId"] == metadata["sessionId"] == "c-1"
    assert metadata["question"] == f"{DEPLOY} And what is 12 * 7?" and metadata["memoryType"] == "Buffer Memory"
    assert uuid.UUID(metadata["chatMessageId"]).version == 4
    assert events[-1] == {"event": "end", "data": "[DONE]"}


def test_streamed_tokens_add_up_to_the_json_answer(demo):
    events = read_events(ask(demo, "Как установить и запустить приложение?", streaming=True, chat_id="s-1"))
    response = ask(demo, "Как установить и запустить приложение?", streaming=False, chat_id="j-1")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert streamed_text(events) == body["text"]
    assert "pip install -r requirements.txt" in body["text"]
    assert list(body) == [
        "text",
        "sourceDocuments",
        "question",
        "chatId",
        "chatMessageId",
        "followUpPrompts",
        "isStreamValid",
        "sessionId",
        "memoryType",
    ]
    assert body["isStreamValid"] is False and body["chatId"] == body["sessionId"] == "j-1"
    assert body["sourceDocuments"] == next(e["data"] for e in events if e["event"] == "sourceDocuments")
    assert "usedTools" not in {e["event"] for e in events}


def test_arithmetic_question_uses_the_calculator_in_both_modes(demo):
    events = read_events(ask(demo, "What is 2140526 / 105.4 ?", streaming=True))
    (tools,) = [e["data"] for e in events if e["event"] == "usedTools"]
    assert tools == [
        {"tool": "calculator", "toolInput": {"input": "2140526 / 105.4"}, "toolOutput": "20308.5958254269"}
    ]
    body = ask(demo, "What is 12.5% of 2,480?", streaming=False).json()
    assert body["usedTools"][0]["toolOutput"] == "310"
    assert "**12.5 / 100 * 2480 = 310**" in body["text"]
    assert uuid.UUID(body["chatId"]).version == 4 and body["sessionId"] == body["chatId"]


def test_follow_ups_know_their_turn(demo):
    def text(chat_id: str) -> str:
        return ask(demo, "How do I deploy?", streaming=False, chat_id=chat_id).json()["text"]

    assert "of this conversation" not in text("m-1")
    assert "(question 2 of this conversation)" in text("m-1")
    assert "(question 3 of this conversation)" in text("m-1")
    assert "of this conversation" not in text("m-2")


def test_chat_log_forgets_the_oldest_chats():
    log = ChatLog("demo", capacity=2)
    assert [log.next_turn(c) for c in ("a", "a", "b", "c", "a", "c")] == [1, 2, 1, 1, 1, 2]
    log.record("c", "q", "answer", "m-1", sources=[], tools=[], follow_ups=[])
    log.next_turn("d")
    assert log.messages("a") == [] and [m["content"] for m in log.messages("c")] == ["q", "answer"]


def test_chat_log_keeps_the_newest_messages_of_a_long_chat():
    log = ChatLog("demo", messages_per_chat=4)
    for n in range(3):
        log.record("a", f"q{n}", f"a{n}", f"m{n}", sources=[], tools=[], follow_ups=[])
    assert [m["content"] for m in log.messages("a")] == ["q1", "a1", "q2", "a2"]
    assert [m["content"] for m in log.messages("a", newest_first=True)] == ["a2", "q2", "a1", "q1"]


def test_history_returns_a_chat_as_flowise_stores_it(demo):
    streamed = read_events(ask(demo, DEPLOY, streaming=True, chat_id="h-1"))
    ask(demo, "What is 12 * 7?", streaming=False, chat_id="h-1")
    ask(demo, "Another chat", streaming=False, chat_id="h-2")
    url = f"{demo.base_url}/api/v1/chatmessage/demo"
    rows = requests.get(url, params={"chatId": "h-1", "order": "ASC"}, timeout=5).json()
    assert [(r["role"], r["chatId"]) for r in rows] == [("userMessage", "h-1"), ("apiMessage", "h-1")] * 2
    assert [rows[0]["content"], rows[2]["content"]] == [DEPLOY, "What is 12 * 7?"]
    (metadata,) = [e["data"] for e in streamed if e["event"] == "metadata"]
    assert rows[1]["content"] == streamed_text(streamed) and rows[1]["id"] == metadata["chatMessageId"]
    assert json.loads(rows[1]["followUpPrompts"]) == metadata["followUpPrompts"]
    assert rows[1]["sourceDocuments"] == next(e["data"] for e in streamed if e["event"] == "sourceDocuments")
    assert rows[3]["usedTools"][0]["toolOutput"] == "84"
    newest = requests.get(url, params={"chatId": "h-1", "order": "DESC"}, timeout=5).json()
    assert newest == rows[::-1]
    assert requests.get(url, params={"chatId": "never-asked"}, timeout=5).json() == []


def test_follow_ups_point_at_the_next_best_sections(demo, index):
    reply = compose_answer(DEPLOY, index)
    assert reply.follow_ups and all(f.startswith('Tell me about "') for f in reply.follow_ups)
    best = reply.sources[0].title
    assert f'Tell me about "{best}"' not in reply.follow_ups
    assert len(set(reply.follow_ups)) == len(reply.follow_ups) <= 2
    assert all(p.startswith("Расскажи про «") for p in compose_answer("Как развернуть приложение?", index).follow_ups)
    body = ask(demo, DEPLOY, streaming=False).json()
    # As Flowise sends it in a JSON answer: a JSON string of a JSON string.
    assert json.loads(json.loads(body["followUpPrompts"])) == list(reply.follow_ups)


def test_errors_and_the_small_endpoints(demo):
    unknown = ask(demo, "q", streaming=True, flow_id="nope")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "statusCode": 404,
        "success": False,
        "message": "Chatflow nope not found in the database!",
        "stack": {},
    }
    for question in (None, "   "):
        missing = ask(demo, question, streaming=False)
        assert missing.status_code == 400
        assert set(missing.json()) == {"statusCode", "success", "message", "stack"} and missing.json()["message"]
    base = demo.base_url
    assert requests.get(f"{base}/api/v1/ping", timeout=5).text == "pong"
    assert requests.get(f"{base}/api/v1/chatflows-streaming/demo", timeout=5).json() == {"isStreaming": True}
    assert requests.get(f"{base}/api/v1/chatflows-streaming/nope", timeout=5).status_code == 404
    prompts = requests.get(f"{base}/api/v1/public-chatbotConfig/demo", timeout=5).json()["starterPrompts"]
    assert list(prompts) == ["0", "1", "2"] and all(p["prompt"] for p in prompts.values())
    config = requests.get(f"{base}/api/v1/public-chatbotConfig/demo", timeout=5).json()
    assert config["welcomeMessage"].startswith("Hi! I am the built-in demo flow")
    assert config["uploads"]["isImageUploadAllowed"] is False  # so the app asks nothing more about uploads


def test_answer_streams_incrementally():
    delay = 0.05
    server = start_demo_server(token_delay=delay)
    try:
        response = ask(server, "What is 12 * 7?", streaming=True)
        arrivals = [(time.monotonic(), chunk) for chunk in response.iter_content(chunk_size=None)]
    finally:
        server.stop()
    tokens_sent = b"".join(chunk for _, chunk in arrivals).count(b'"event":"token"')
    # The first bytes come long before the last: the body is written while the answer is produced.
    assert arrivals[-1][0] - arrivals[0][0] >= 0.5 * tokens_sent * delay
    assert arrivals[0][1].startswith(b'message:\ndata:{"event":"start"')


def test_two_servers_run_side_by_side_and_stop_cleanly():
    def demo_threads() -> int:
        return sum(t.name == "demo-flow" for t in threading.enumerate())

    before = demo_threads()
    first, second = start_demo_server(token_delay=0), start_demo_server(token_delay=0)
    assert first.flow_id == second.flow_id == "demo"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", first.base_url) and first.base_url != second.base_url
    assert demo_threads() == before + 2
    for server in (first, second):
        events = read_events(ask(server, "12 * 7", streaming=True, chat_id="same-id"))
        assert events[-2]["data"]["chatId"] == "same-id"
    for server in (first, second):
        server.stop()
        server.stop()  # a second stop is harmless
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.base_url}/api/v1/ping", timeout=2)
    assert demo_threads() == before
