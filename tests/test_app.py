"""The chat page through Streamlit's AppTest, against the local Flowise-wire server."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.flowise_wire import API_KEY, HUGE_TEXT
from tests.test_safe_markdown import browser_scheme, link_targets

APP = str(Path(__file__).parent.parent / "app.py")
SETTING_NAMES = ["FLOWISE_URL", "FLOWISE_FLOW_ID", "FLOWISE_API_KEY", "APP_URL", "FLOW_ID", "FLOWISE_READ_TIMEOUT"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app(wire, monkeypatch):
    def start(flow_id: str, **env: str) -> AppTest:
        monkeypatch.setenv("FLOWISE_URL", wire.url)
        monkeypatch.setenv("FLOWISE_FLOW_ID", flow_id)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return AppTest.from_file(APP, default_timeout=30).run()

    return start


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.code] + [e.value for e in at.error]
    parts += [t.value for t in at.text] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def chat_id(at: AppTest) -> str:
    return at.session_state["conversation"].chat_id


def test_answer_streams_with_deduplicated_sources(app, wire):
    at = ask(app("rag"), "What is the capital of France?")
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert "Привет! Это детерминированный ответ 🙂. The capital of France is Paris. (turn 2)" in page_text(at)
    (sources,) = [e for e in at.expander if e.label.startswith("Sources")]
    assert sources.label == "Sources (1)"
    assert "facts\\.txt" in sources.markdown[0].value
    assert "Париж — столица Франции" in sources.text[0].value
    request = wire.predictions("rag")[-1]
    assert request.body["streaming"] is True
    assert request.body["chatId"] == chat_id(at)


def test_tools_expander_shows_name_input_and_output(app):
    at = ask(app("agent"), "What is 2140526 / 105.4 ?")
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert tools.label == "Tools used (1)"
    assert "calculator" in tools.markdown[0].value
    assert [c.value for c in tools.code] == ['{\n  "input": "2140526 / 105.4"\n}', "20308.595825426943"]
    assert page_text(at).count("Результат: 20308.595825426943 ✅") == 1


@pytest.mark.parametrize("streaming", [True, False])
def test_agentflow_answer_is_shown(app, monkeypatch, streaming):
    at = app("agentflow")
    at.session_state["conversation"].streaming = streaming
    at = ask(at, "What is the capital of France?")
    assert not at.exception and not at.error
    assert "Привет! Это детерминированный ответ 🙂. The capital of France is Paris." in page_text(at)


def test_history_and_chat_id_survive_reruns(app, wire):
    at = ask(app("rag"), "First question")
    first_id = chat_id(at)
    at = ask(at, "Second question")
    at.run()
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert [e.label for e in at.expander] == ["Sources (1)", "Sources (1)"]
    assert [r.body["chatId"] for r in wire.predictions("rag")[-2:]] == [first_id, first_id]
    assert "First question" in page_text(at) and "Second question" in page_text(at)


def test_new_chat_starts_a_new_conversation(app, wire):
    at = ask(app("rag"), "Before")
    old_id = chat_id(at)
    at = at.sidebar.button[0].click().run()
    assert chat_id(at) != old_id
    assert not at.chat_message
    at = ask(at, "After")
    assert wire.predictions("rag")[-1].body["chatId"] == chat_id(at)


def test_two_sessions_have_different_chat_ids(app, wire):
    first, second = ask(app("rag"), "one"), ask(app("rag"), "two")
    assert chat_id(first) != chat_id(second)


@pytest.mark.parametrize(
    ("flow_id", "expected"),
    [
        ("no-such-flow", "Flowise does not know this flow"),
        ("server-error", "SerpAPI API key not set"),
        ("protected", "This flow needs an API key"),
        ("html", "instead of a Flowise answer"),
    ],
)
def test_errors_show_a_message_and_the_next_question_works(app, wire, monkeypatch, flow_id, expected):
    at = ask(app(flow_id), "Hello?")
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value
    assert "Traceback" not in page_text(at)
    monkeypatch.setenv("FLOWISE_FLOW_ID", "rag")
    at = ask(at, "And now?")
    assert len(at.error) == 1  # the earlier error stays with its turn; the new answer has none
    assert "The capital of France is Paris" in page_text(at)


def test_error_mid_stream_keeps_the_partial_answer(app):
    at = ask(app("error-midstream"), "Hello?")
    assert "Начинаю ответ 🙂 and then" in page_text(at)
    assert "Model quota exceeded" in at.error[0].value
    at.run()
    assert "Начинаю ответ 🙂 and then" in page_text(at) and "Model quota exceeded" in at.error[0].value


def test_dropped_connection_keeps_the_partial_answer(app):
    at = ask(app("drop"), "Hello?")
    assert "Частичный ответ before the drop" in page_text(at)
    assert "connection to Flowise broke" in at.error[0].value


def test_wrong_api_key_is_reported_and_never_shown(app):
    at = ask(app("protected", FLOWISE_API_KEY="sk-wrong-secret-1234"), "Hello?")
    assert "rejected the API key" in at.error[0].value
    assert "sk-wrong-secret-1234" not in page_text(at)


def test_right_api_key_is_sent(app, wire):
    at = ask(app("protected", FLOWISE_API_KEY=API_KEY), "Hello?")
    assert not at.error
    assert wire.predictions("protected")[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in page_text(at)


def test_unreachable_server(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("FLOWISE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("FLOWISE_FLOW_ID", "rag")
    at = ask(AppTest.from_file(APP, default_timeout=30).run(), "Hello?")
    assert "Cannot reach Flowise" in at.error[0].value
    assert not at.exception


def test_flow_that_cannot_stream_is_asked_for_json(app, wire):
    at = ask(app("json-only"), "Hello?")
    assert wire.predictions("json-only")[-1].body["streaming"] is False
    assert "The capital of France is Paris." in page_text(at)
    assert [e.label for e in at.expander] == ["Sources (1)"]


def test_user_text_is_shown_as_typed(app):
    at = ask(app("echo"), "2 * 3 * 4 = **24** <b>bold</b>")
    assert at.chat_message[0].markdown[0].value == "2 \\* 3 \\* 4 = \\*\\*24\\*\\* \\<b\\>bold\\</b\\>"


def test_secrets_are_used_when_environment_is_empty(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "")  # empty counts as unset
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["APP_URL"] = wire.url
    at.secrets["FLOW_ID"] = "echo"
    at = ask(at.run(), "via secrets")
    assert "You asked: via secrets" in page_text(at)


def test_environment_wins_over_secrets(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", "echo")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_URL"] = "http://127.0.0.1:9"
    at.secrets["FLOWISE_FLOW_ID"] = "rag"
    at = ask(at.run(), "via env")
    assert "You asked: via env" in page_text(at)


def test_bad_setting_shows_how_to_fix_it(monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "localhost:3000")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "must be the address of your Flowise server" in at.error[0].value
    assert not at.chat_input


def test_demo_flow_answers_with_sources_and_a_tool_when_nothing_is_configured():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "built-in demo flow" in at.info[0].value
    at = ask(at, "How do I deploy to Streamlit Community Cloud? And what is 12 * 7?")
    assert not at.exception and not at.error
    assert "12 \\* 7 = 84" in page_text(at) or "12 * 7 = 84" in page_text(at)
    assert "Push the repository to GitHub" in page_text(at)
    assert [e.label for e in at.expander] == ["Sources (3)", "Tools used (1)"]


def test_interrupted_answer_stays_in_history_marked_as_such(app):
    from chat.turn import Turn
    from flowise_client.events import TokenEvent

    at = app("rag")
    turn = Turn("Long question")
    turn.apply(TokenEvent("Half an ans"))
    at.session_state["conversation"].turns.append(turn)
    at.run()
    assert "Half an ans" in page_text(at)
    assert "interrupted before it was complete" in page_text(at)


def test_streaming_check_is_done_before_the_first_question(app, wire):
    def checks():
        return sum(r.path == "/api/v1/chatflows-streaming/echo" for r in wire.received)

    before = checks()
    at = app("echo")
    assert checks() == before + 1
    ask(ask(at, "one"), "two")
    assert checks() == before + 1


def retry_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label == "Retry"]


def test_failed_turn_can_be_retried_and_both_turns_stay(app, wire):
    at = ask(app("fails-once"), "Will it work?")
    assert "Model quota exceeded" in at.error[0].value
    (retry,) = retry_buttons(at)
    at = retry.click().run()
    first, second = wire.predictions("fails-once")[-2:]
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
    at = ask(app("server-error"), "Hello?")
    at = retry_buttons(at)[0].click().run()
    assert len(wire.predictions("server-error")) >= 2
    assert len(at.error) == 2
    assert len(retry_buttons(at)) == 1
    assert "Retry" in [b.label for b in at.chat_message[3].button]
    at = ask(at, "Something else")  # a new question instead: the failed turn is history
    assert len(at.error) == 3 and len(retry_buttons(at)) == 1
    assert [t.question for t in at.session_state["conversation"].turns] == ["Hello?", "Hello?", "Something else"]


def test_hostile_answer_links_only_to_http_while_streaming_and_in_history(app):
    at = ask(app("hostile"), "Report?")
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
    at = ask(app("huge"), "Everything?")
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
