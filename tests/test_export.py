"""The conversation as downloadable Markdown and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chat.attachments import Attachment
from chat.conversation import Conversation
from chat.export import file_stem, to_json, to_markdown
from chat.i18n import Message
from chat.turn import Turn
from flowise_client.events import (
    EndEvent,
    NextAgentFlowEvent,
    SourceDocument,
    SourceDocumentsEvent,
    TokenEvent,
    ToolUse,
    UsageMetadataEvent,
    UsedToolsEvent,
)

ASKED = datetime(2026, 11, 25, 9, 5, tzinfo=UTC)


def conversation() -> Conversation:
    done = Turn("What is 2 + 2? ```", asked_at=ASKED)
    for event in (
        TokenEvent("It is **4** 🙂."),
        SourceDocumentsEvent((SourceDocument("Two and two make ````four````.", {"title": "Arithmetic"}),)),
        UsedToolsEvent((ToolUse("calculator", {"input": "2 + 2"}, "4"),)),
        UsageMetadataEvent(input_tokens=12, output_tokens=3, total_tokens=15),
        EndEvent(),
    ):
        done.apply(event)
    failed = Turn("Привет?", asked_at=ASKED, attachments=[Attachment("photo.png", "image/png", b"\x89PNG")])
    failed.apply(TokenEvent("Начинаю"))
    failed.fail(Message("flowise.connection_broken"))
    return Conversation(chat_id="chat-1234", turns=[done, failed])


def test_markdown_keeps_answers_and_fences_everything_else():
    text = to_markdown(conversation(), "Flowise flow abc", "en")
    assert text.startswith("# Conversation with Flowise flow abc\n\nConversation id: `chat-1234`")
    # A fence longer than any backtick run inside, so a question or document cannot end it early.
    assert "## 1. Question (2026-11-25T09:05:00+00:00)\n\n````\nWhat is 2 + 2? ```\n````" in text
    assert "### Answer\n\nIt is **4** 🙂." in text
    assert "### Sources (1)\n\n1. Arithmetic\n\n`````\nTwo and two make ````four````.\n`````" in text
    assert '- **calculator**\n\n  Input:\n\n```json\n{\n  "input": "2 + 2"\n}\n```' in text
    assert "## 2. Question" in text and "Начинаю" in text
    assert "Привет?\n```\n\nSent with:\n\n```\nphoto.png (image/png)\n```" in text
    assert "**Error:** The connection to Flowise broke before the answer was complete." in text


def test_json_has_every_turn_with_sources_tools_usage_and_times():
    data = json.loads(to_json(conversation(), "Flowise flow abc", "en"))
    assert data["flow"] == "Flowise flow abc" and data["chatId"] == "chat-1234"
    first, second = data["turns"]
    assert first == {
        "askedAt": "2026-11-25T09:05:00+00:00",
        "question": "What is 2 + 2? ```",
        "attachments": [],
        "thinking": None,
        "thinkingSeconds": None,
        "answer": "It is **4** 🙂.",
        "complete": True,
        "stopped": False,
        "error": None,
        "messageId": None,
        "sources": [{"pageContent": "Two and two make ````four````.", "metadata": {"title": "Arithmetic"}}],
        "tools": [{"tool": "calculator", "input": {"input": "2 + 2"}, "output": "4"}],
        "steps": [],
        "decisions": [],
        "usage": {"inputTokens": 12, "outputTokens": 3, "totalTokens": 15},
    }
    assert second["answer"] == "Начинаю" and second["complete"] is False
    assert second["attachments"] == [{"name": "photo.png", "mime": "image/png"}]
    assert second["error"].startswith("The connection to Flowise broke")


def test_file_names_carry_the_flow_name_when_it_has_one():
    chat = "5f0c2d9e-1111-4222-8333-444455556666"
    assert file_stem(chat, None) == "conversation-5f0c2d9e"
    assert file_stem(chat, "Sales / Orders: EU") == "conversation-sales-orders-eu-5f0c2d9e"
    assert file_stem(chat, "Поддержка 24/7") == "conversation-поддержка-24-7-5f0c2d9e"
    assert file_stem(chat, "../../etc") == "conversation-etc-5f0c2d9e"
    assert file_stem(chat, "!!!") == "conversation-5f0c2d9e"


def test_russian_export_has_russian_headings_and_the_flow_s_words_untouched():
    text = to_markdown(conversation(), "сценарий Flowise abc", "ru")
    assert text.startswith("# Разговор: сценарий Flowise abc\n\nИдентификатор разговора: `chat-1234`")
    assert "## 1. Вопрос (2026-11-25T09:05:00+00:00)" in text
    assert "### Ответ\n\nIt is **4** 🙂." in text
    assert "### Источники (1)\n\n1. Arithmetic" in text
    assert "### Использованные инструменты (1)" in text and "  Входные данные:" in text
    assert "**Ошибка:** Соединение с Flowise оборвалось до конца ответа." in text
    assert "Question" not in text and "Answer" not in text and "Sources" not in text
    data = json.loads(to_json(conversation(), "сценарий Flowise abc", "ru"))
    # Keys are for programs and stay English; what a person reads is in the language.
    assert set(data) == {"flow", "chatId", "turns"} and data["flow"] == "сценарий Flowise abc"
    assert data["turns"][0]["answer"] == "It is **4** 🙂."
    assert data["turns"][1]["error"].startswith("Соединение с Flowise оборвалось")


def test_an_agentflow_answer_keeps_its_steps_and_the_decision_where_it_was_made():
    turn = Turn("What is 12 * 7 ?", asked_at=ASKED)
    for event in (
        NextAgentFlowEvent("agent_0", "Calculator Agent", "FINISHED"),
        NextAgentFlowEvent("human_0", "Approval", "STOPPED"),
        TokenEvent("84. Shall I go on?"),
        EndEvent(),
    ):
        turn.apply(event)
    turn.resume(False, "Not now")
    turn.apply(TokenEvent("Understood."))
    text = to_markdown(Conversation(chat_id="c", turns=[turn]), "f", "en")
    assert "### Answer\n\n84. Shall I go on?\n\n*You rejected: Not now*\n\nUnderstood.\n" in text
    assert "### Steps: 2\n\n- Calculator Agent (done)\n- Approval (running)\n" in text
    russian = to_markdown(Conversation(chat_id="c", turns=[turn]), "f", "ru")
    assert "*Вы отклонили: Not now*" in russian and "- Calculator Agent (выполнен)" in russian
    data = json.loads(to_json(Conversation(chat_id="c", turns=[turn]), "f", "en"))["turns"][0]
    assert data["decisions"] == [{"approve": False, "feedback": "Not now", "at": 18}]
    assert [step["label"] for step in data["steps"]] == ["Calculator Agent", "Approval"]


def test_a_tool_value_is_written_as_the_page_shows_it():
    """The export follows the page's rule: JSON that came as a string is pretty-printed too."""
    turn = Turn("q", asked_at=ASKED)
    turn.apply(UsedToolsEvent((ToolUse("search", '{"query": "Paris"}', "plain words"),)))
    turn.apply(EndEvent())
    text = to_markdown(Conversation(chat_id="c", turns=[turn]), "f", "en")
    assert 'Input:\n\n```json\n{\n  "query": "Paris"\n}\n```' in text
    assert "Output:\n\n```\nplain words\n```" in text
