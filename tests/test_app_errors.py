"""Failures in the chat page: Flowise's errors, cut and dropped answers, unreachable servers, retries."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from testbed.wire.flows import Scenario
from tests.app_cases import unreachable_app
from tests.page import ask, chat_id, conversation_of, page_text


@pytest.mark.parametrize(
    ("flow_id", "expected"),
    [
        ("no-such-flow", "Flowise does not know this flow"),
        (Scenario.SERVER_ERROR, "SerpAPI API key not set"),
        (Scenario.PROTECTED, "This flow needs an API key"),
        (Scenario.HTML, "instead of a Flowise answer"),
    ],
)
def test_errors_show_a_message_and_the_next_question_works(app, wire, monkeypatch, flow_id, expected):
    at = ask(app(flow_id), "Hello?")
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value
    assert "Traceback" not in page_text(at)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    at = ask(at, "And now?")
    assert not at.error  # another flow: a conversation of its own, whose answer has no error
    assert "The capital of France is Paris" in page_text(at)


def test_error_mid_stream_keeps_the_partial_answer(app):
    at = ask(app(Scenario.ERROR_MIDSTREAM), "Hello?")
    assert "Начинаю ответ 🙂 and then" in page_text(at)
    assert "Model quota exceeded" in at.error[0].value
    at.run()
    assert "Начинаю ответ 🙂 and then" in page_text(at) and "Model quota exceeded" in at.error[0].value


def test_dropped_connection_keeps_the_partial_answer(app):
    at = ask(app(Scenario.DROP), "Hello?")
    assert "Частичный ответ before the drop" in page_text(at)
    assert "connection to Flowise broke" in at.error[0].value


def test_answer_over_the_cap_is_cut_with_a_message_and_the_next_question_works(app, wire, monkeypatch):
    at = ask(app(Scenario.ENDLESS, FLOWISE_MAX_ANSWER_CHARS="50"), "Hello?")
    assert wire.received[-1].method == "PUT"  # and Flowise is asked to stop producing it
    assert wire.received[-1].path == f"/api/v1/chatmessage/abort/endless/{chat_id(at)}"
    kept = ("Бесконечно 🙂 " * 4)[:50].strip()  # the first 50 characters, as Markdown shows them
    assert not at.exception
    assert kept in page_text(at) and page_text(at).count("Бесконечно") == 4
    assert at.error[0].value.startswith("The answer was longer than 50 characters, so the app stopped reading it.")
    # The client is rebuilt when the limit changes: the next answer is cut at the new limit.
    monkeypatch.setenv("FLOWISE_MAX_ANSWER_CHARS", "500")
    at = ask(at, "And now?")
    assert kept in page_text(at) and len(at.error) == 2  # the first cut answer and its message stay with their turn
    assert at.error[1].value.startswith("The answer was longer than 500 characters")
    assert page_text(at).count("Бесконечно") > 4


def test_wrong_api_key_is_reported_and_never_shown(app):
    at = ask(app(Scenario.PROTECTED, FLOWISE_API_KEY="sk-wrong-secret-1234"), "Hello?")
    assert "rejected the API key" in at.error[0].value
    assert "sk-wrong-secret-1234" not in page_text(at)


def test_unreachable_server(monkeypatch):
    at = ask(unreachable_app(monkeypatch), "Hello?")
    assert "Cannot reach Flowise" in at.error[0].value
    assert not at.exception


def retry_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label == "Retry"]


def test_failed_turn_can_be_retried_and_both_turns_stay(app, wire):
    at = ask(app(Scenario.FAILS_ONCE), "Will it work?")
    assert "Model quota exceeded" in at.error[0].value
    (retry,) = retry_buttons(at)
    at = retry.click().run()
    first, second = wire.predictions(Scenario.FAILS_ONCE)[-2:]
    assert second.body["question"] == first.body["question"] == "Will it work?"
    assert second.body["chatId"] == first.body["chatId"] == chat_id(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert "Начинаю ответ 🙂 and then" in at.chat_message[1].markdown[0].value
    assert "Model quota exceeded" in at.chat_message[1].error[0].value
    assert at.chat_message[3].markdown[0].value == "Second try worked: Will it work?"
    assert not retry_buttons(at)
    at.run()  # the history alone, as any later rerun draws it
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert len(at.error) == 1 and not retry_buttons(at)


def test_retry_is_offered_on_the_last_failed_turn_only(app, wire):
    at = ask(app(Scenario.SERVER_ERROR), "Hello?")
    at = retry_buttons(at)[0].click().run()
    assert len(wire.predictions(Scenario.SERVER_ERROR)) >= 2
    assert len(at.error) == 2
    assert len(retry_buttons(at)) == 1
    assert "Retry" in [b.label for b in at.chat_message[3].button]
    at = ask(at, "Something else")  # a new question instead: the failed turn is history
    assert len(at.error) == 3 and len(retry_buttons(at)) == 1
    assert [t.question for t in conversation_of(at).turns] == ["Hello?", "Hello?", "Something else"]


def test_credentials_in_the_address_never_reach_the_page(app, wire):
    host = wire.url.removeprefix("http://")
    at = ask(app(Scenario.RAG, FLOWISE_URL=f"http://proxy-user:hunter2@{host}"), "What is the capital of France?")
    assert "Paris" in page_text(at)
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Flowise reached" in sidebar and host not in sidebar  # nor where Flowise is
    assert "hunter2" not in page_text(at) + sidebar
