"""What an answer shows in the chat page: streamed text, sources, tools, steps, times, downloads."""

from __future__ import annotations

import pytest

from testbed.wire.answers import HUGE_TEXT
from testbed.wire.flows import Scenario
from testbed.wire.recordings import RECORDED_ANSWER, RECORDED_SECOND_TURN
from tests.page import ask, chat_id, conversation_of, page_text
from tests.test_safe_markdown import browser_scheme, link_targets


def test_answer_streams_with_deduplicated_sources(app, wire):
    at = ask(app(Scenario.RAG), "What is the capital of France?")
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert RECORDED_SECOND_TURN in page_text(at)
    (sources,) = [e for e in at.expander if e.label.startswith("Sources")]
    assert sources.label == "Sources (1)"
    assert "facts\\.txt" in sources.markdown[0].value
    assert "Париж — столица Франции" in sources.text[0].value
    request = wire.predictions(Scenario.RAG)[-1]
    assert request.body["streaming"] is True
    assert request.body["chatId"] == chat_id(at)


def test_tools_expander_shows_name_input_and_output(app):
    at = ask(app(Scenario.AGENT), "What is 2140526 / 105.4 ?")
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert tools.label == "Tools used (1)"
    assert "calculator" in tools.markdown[0].value
    assert [c.value for c in tools.code] == ['{\n  "input": "2140526 / 105.4"\n}', "20308.595825426943"]
    assert page_text(at).count("Результат: 20308.595825426943 ✅") == 1


@pytest.mark.parametrize("streaming", [True, False])
def test_agentflow_answer_is_shown(app, monkeypatch, streaming):
    at = app(Scenario.AGENTFLOW)
    conversation_of(at).streaming = streaming
    at = ask(at, "What is the capital of France?")
    assert not at.exception and not at.error
    assert RECORDED_ANSWER in page_text(at)


def test_flow_that_cannot_stream_is_asked_for_json(app, wire):
    at = ask(app(Scenario.JSON_ONLY), "Hello?")
    assert wire.predictions(Scenario.JSON_ONLY)[-1].body["streaming"] is False
    assert "The capital of France is Paris." in page_text(at)
    assert [e.label for e in at.expander] == ["Sources (1)"]


def test_user_text_is_shown_as_typed(app):
    at = ask(app(Scenario.ECHO), "2 * 3 * 4 = **24** <b>bold</b>")
    assert at.chat_message[0].markdown[0].value == "2 \\* 3 \\* 4 = \\*\\*24\\*\\* \\<b\\>bold\\</b\\>"


def test_interrupted_answer_stays_in_history_marked_as_such(app):
    from chat.turn import Turn
    from flowise_client.events import TokenEvent

    at = app(Scenario.RAG)
    turn = Turn("Long question")
    turn.apply(TokenEvent("Half an ans"))
    conversation_of(at).turns.append(turn)
    at.run()
    assert "Half an ans" in page_text(at)
    assert "interrupted before it was complete" in page_text(at)


def test_streaming_check_is_done_before_the_first_question(app, wire):
    def checks():
        return sum(r.path == "/api/v1/chatflows-streaming/echo" for r in wire.received)

    before = checks()
    at = app(Scenario.ECHO)
    assert checks() == before + 1
    ask(ask(at, "one"), "two")
    assert checks() == before + 1


def test_hostile_answer_links_only_to_http_while_streaming_and_in_history(app):
    at = ask(app(Scenario.HOSTILE), "Report?")
    for _ in range(2):  # first as streamed, then as the history draws it
        answer = "\n\n".join(m.value for m in at.chat_message[1].markdown)
        assert "[Click me]\\(javascript:" in answer and "\\<javascript:alert" in answer
        assert [browser_scheme(t) for t in link_targets(answer)] == ["https"]
        assert "Reversed: �exe.txt� and a bell�." in answer
        assert "<script>window.__pwned" in answer  # shown as text: st.markdown renders no HTML
        (error,) = at.chat_message[1].error
        assert "see [help]\\(data:text/html,<b>x</b>) �evil" in error.value
        assert link_targets(error.value) == []
        at.run()


def test_huge_source_and_tool_texts_are_cut_until_shown_in_full(app):
    at = ask(app(Scenario.HUGE), "Everything?")
    (sources,) = [e for e in at.expander if e.label.startswith("Sources")]
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert sources.text[0].value == HUGE_TEXT[:3000] + "…"
    assert [c.value for c in tools.code] == ['{\n  "n": 1\n}', HUGE_TEXT[:3000] + "…"]
    label = f"Show all {len(HUGE_TEXT):,} characters"
    assert [t.label for t in at.toggle] == [label, label]
    at = sources.toggle[0].set_value(True).run()
    (sources,) = [e for e in at.expander if e.label.startswith("Sources")]
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert sources.text[0].value == HUGE_TEXT
    assert tools.code[1].value == HUGE_TEXT[:3000] + "…"
    at = tools.toggle[0].set_value(True).run()
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert tools.code[1].value == HUGE_TEXT
    at = ask(at, "Everything again?")  # each turn's toggles are its own
    assert not at.exception
    assert [t.value for t in at.toggle] == [True, True, False, False]


def test_each_answer_has_its_time_and_token_counts_when_the_server_sends_them(app):
    at = ask(app(Scenario.AGENTFLOW), "What is the capital of France?")
    turn = conversation_of(at).turns[-1]
    at = ask(at, "And again?")
    at.run()  # both answers drawn from the history
    first, second = (m for m in at.chat_message if m.name == "assistant")
    # The recorded agentflow stream ends with usageMetadata {"input_tokens": 10, "output_tokens": 10, ...}.
    assert first.caption[-1].value == f"{turn.asked_at:%H:%M} · 10 tokens in, 10 out"
    assert second.caption[-1].value.endswith(" · 10 tokens in, 10 out")


def test_answer_without_usage_shows_its_time_only(app):
    at = ask(app(Scenario.RAG), "What is the capital of France?")
    turn = conversation_of(at).turns[-1]
    (answer,) = (m for m in at.chat_message if m.name == "assistant")
    assert answer.caption[-1].value == f"{turn.asked_at:%H:%M}"


def test_conversation_can_be_downloaded_once_there_is_one(app):
    at = app(Scenario.RAG)
    assert not at.get("download_button")
    at = ask(at, "What is the capital of France?")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download as Markdown", "Download as JSON"]
