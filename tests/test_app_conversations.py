"""Conversations in the chat page: their history and chat id across reruns, new chats, links."""

from __future__ import annotations

from chat.turn import AnswerState
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.recordings import RECORDED_GREETING
from tests.page import ask, chat_id, conversation_of, page_text


def test_history_and_chat_id_survive_reruns(app, wire):
    at = ask(app(Scenario.RAG), "First question")
    first_id = chat_id(at)
    at = ask(at, "Second question")
    at.run()
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert [e.label for e in at.expander] == ["Sources (1)", "Sources (1)"]
    assert [r.body["chatId"] for r in wire.predictions(Scenario.RAG)[-2:]] == [first_id, first_id]
    assert "First question" in page_text(at) and "Second question" in page_text(at)


def test_new_chat_starts_a_new_conversation(app, wire):
    at = ask(app(Scenario.RAG), "Before")
    old_id = chat_id(at)
    at = at.sidebar.button[0].click().run()
    assert chat_id(at) != old_id
    assert not at.chat_message
    at = ask(at, "After")
    assert wire.predictions(Scenario.RAG)[-1].body["chatId"] == chat_id(at)


def test_two_sessions_have_different_chat_ids(app, wire):
    first, second = ask(app(Scenario.RAG), "one"), ask(app(Scenario.RAG), "two")
    assert chat_id(first) != chat_id(second)


def test_conversation_id_is_in_the_url(app):
    at = app(Scenario.RAG)
    assert at.query_params["chat"] == chat_id(at)
    first = chat_id(at)
    at = at.sidebar.button[0].click().run()  # New chat
    assert at.query_params["chat"] == chat_id(at) != first


def test_linked_conversation_is_restored_with_its_sources_and_continues(app, wire):
    # The wire server's rag flow has the recorded conversation under any id: here, one the app made.
    linked = app(Scenario.RAG, FLOWISE_API_KEY=API_KEY).query_params["chat"]
    at = app(Scenario.RAG, chat=linked, FLOWISE_API_KEY=API_KEY)
    assert chat_id(at) == linked
    history = [r for r in wire.received if r.path.startswith("/api/v1/chatmessage/rag")][-1]
    assert f"chatId={linked}" in history.path and history.headers["Authorization"] == f"Bearer {API_KEY}"
    turns = conversation_of(at).turns
    assert [t.question for t in turns] == ["What is the capital of France?"] * 2
    assert all(t.state is AnswerState.COMPLETE and t.message_id for t in turns)
    assert [e.label for e in at.expander] == [f"Sources ({len(t.sources)})" for t in turns]
    assert RECORDED_GREETING in page_text(at)
    at = ask(at, "One more")
    assert wire.predictions(Scenario.RAG)[-1].body["chatId"] == linked


def test_linked_conversation_without_history_access_starts_fresh_and_says_so(app):
    linked = app(Scenario.RAG).query_params["chat"]
    at = app(Scenario.RAG, chat=linked)
    assert chat_id(at) != linked and at.query_params["chat"] == chat_id(at)
    assert "could not be restored (the API key may not read chat history)" in at.info[0].value
    assert not conversation_of(at).turns
