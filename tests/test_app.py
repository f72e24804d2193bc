"""The chat page through Streamlit's AppTest, against the local Flowise-wire server."""

from __future__ import annotations

import re
import socket

import pytest
from streamlit.testing.v1 import AppTest

from testbed.wire.answers import HUGE_TEXT
from testbed.wire.flows import API_KEY, RUN_ONLY_KEY, Scenario
from testbed.wire.recordings import RECORDED_ANSWER, RECORDED_GREETING, RECORDED_SECOND_TURN
from tests.page import APP, ask, chat_id, conversation_of, page_text
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


def test_right_api_key_is_sent(app, wire):
    at = ask(app(Scenario.PROTECTED, FLOWISE_API_KEY=API_KEY), "Hello?")
    assert not at.error
    assert wire.predictions(Scenario.PROTECTED)[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in page_text(at)


def unreachable_app(monkeypatch) -> AppTest:
    """The app pointed at a port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("FLOWISE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    return AppTest.from_file(APP, default_timeout=30).run()


def test_unreachable_server(monkeypatch):
    at = ask(unreachable_app(monkeypatch), "Hello?")
    assert "Cannot reach Flowise" in at.error[0].value
    assert not at.exception


def test_flow_that_cannot_stream_is_asked_for_json(app, wire):
    at = ask(app(Scenario.JSON_ONLY), "Hello?")
    assert wire.predictions(Scenario.JSON_ONLY)[-1].body["streaming"] is False
    assert "The capital of France is Paris." in page_text(at)
    assert [e.label for e in at.expander] == ["Sources (1)"]


def test_user_text_is_shown_as_typed(app):
    at = ask(app(Scenario.ECHO), "2 * 3 * 4 = **24** <b>bold</b>")
    assert at.chat_message[0].markdown[0].value == "2 \\* 3 \\* 4 = \\*\\*24\\*\\* \\<b\\>bold\\</b\\>"


def test_secrets_are_used_when_environment_is_empty(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "")  # empty counts as unset
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["APP_URL"] = wire.url
    at.secrets["FLOW_ID"] = Scenario.ECHO
    at = ask(at.run(), "via secrets")
    assert "You asked: via secrets" in page_text(at)


def test_environment_wins_over_secrets(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_URL"] = "http://127.0.0.1:9"
    at.secrets["FLOWISE_FLOW_ID"] = Scenario.RAG
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


def test_demo_flow_welcomes_suggests_follow_ups_and_restores_a_linked_conversation():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "Hi! I am the built-in demo flow" in page_text(at)
    at = ask(at, "How do I deploy to Streamlit Community Cloud?")
    follow_ups = [b.label for b in follow_up_buttons(at)]
    assert follow_ups and all(label.startswith('Tell me about "') for label in follow_ups)
    at = follow_up_buttons(at)[0].click().run()
    linked = AppTest.from_file(APP, default_timeout=30)
    linked.query_params["chat"] = chat_id(at)
    linked = linked.run()
    questions = [t.question for t in conversation_of(linked).turns]
    assert questions == ["How do I deploy to Streamlit Community Cloud?", follow_ups[0]]
    assert "Push the repository to GitHub" in page_text(linked)


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


# -- access, limits and the health line -------------------------------------------------------------

PASSWORD = "s3cret-пароль"


def sent_to_browser(at: AppTest) -> str:
    """Every element the app sent, as its protobuf text: what a browser could see or read."""

    def walk(node) -> list[str]:
        proto = getattr(node, "proto", None)
        texts = [str(proto)] if proto is not None else []
        for child in getattr(node, "children", {}).values():
            texts += walk(child)
        return texts

    return "\n".join(walk(at._tree))


def enter_password(at: AppTest, attempt: str) -> AppTest:
    (box,) = at.text_input
    box.input(attempt)
    return at.button[0].click().run()


def test_password_gate_keeps_the_chat_closed_until_the_right_password(app, wire):
    before = len(wire.received)
    at = app(Scenario.ECHO, APP_PASSWORD=PASSWORD)
    assert not at.chat_input and not at.sidebar.button
    assert at.text_input[0].label == "Password" and at.text_input[0].proto.type == at.text_input[0].proto.PASSWORD
    at = enter_password(at, "s3cret")
    assert at.error[0].value == "Wrong password. 4 tries left."
    assert not at.chat_input
    assert len(wire.received) == before  # nothing reached Flowise while the gate was closed
    at = enter_password(at, PASSWORD)
    assert not at.error and not at.text_input
    at = ask(at, "past the gate")
    assert "You asked: past the gate" in page_text(at)
    assert PASSWORD not in sent_to_browser(at) and "s3cret" not in sent_to_browser(at)


def test_five_wrong_passwords_lock_the_session(app, wire):
    at = app(Scenario.ECHO, APP_PASSWORD=PASSWORD)
    for attempt in ["a", "b", "c", "d"]:
        at = enter_password(at, attempt)
    assert at.error[0].value == "Wrong password. 1 try left."
    at = enter_password(at, "e")
    assert "this session is locked" in at.error[0].value and "Reload the page later" in at.error[0].value
    assert not at.text_input and not at.chat_input
    at.run()
    assert "this session is locked" in at.error[0].value and not at.text_input
    for attempt in "abcde":
        assert f'"{attempt}"' not in sent_to_browser(at)
    assert PASSWORD not in sent_to_browser(at)
    # Another browser session has its own tries.
    assert app(Scenario.ECHO, APP_PASSWORD=PASSWORD).text_input[0].label == "Password"


def test_password_from_secrets_and_never_in_the_page(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["APP_PASSWORD"] = PASSWORD
    at = enter_password(at.run(), "nope")
    assert "Wrong password" in at.error[0].value
    assert PASSWORD not in sent_to_browser(at) and '"nope"' not in sent_to_browser(at)


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret",
    "client_id": "client-id",
    "client_secret": "client-secret",
    "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
}


def auth_app(wire, monkeypatch, user: dict) -> AppTest:
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def test_login_is_required_when_auth_is_configured(wire, monkeypatch):
    monkeypatch.setattr("components.access._missing_auth_packages", lambda: [])
    at = auth_app(wire, monkeypatch, {"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert "Log in to use this chat" in at.info[0].value
    assert not at.chat_input
    assert "client-secret" not in sent_to_browser(at) and "a-long-random-cookie-secret" not in sent_to_browser(at)


def test_login_without_its_packages_fails_closed_with_instructions(wire, monkeypatch):
    monkeypatch.setattr("components.access._missing_auth_packages", lambda: ["httpx"])
    at = auth_app(wire, monkeypatch, {"is_logged_in": False})
    assert "not installed (httpx)" in at.error[0].value
    assert 'pip install "streamlit[auth]==1.67.0"' in at.error[0].value
    assert not at.chat_input and not at.button


def test_logged_in_user_chats_and_can_log_out(wire, monkeypatch):
    at = auth_app(wire, monkeypatch, {"is_logged_in": True, "email": "ada@example.com"})
    assert [b.label for b in at.sidebar.button] == ["New chat", "Log out"]
    at = ask(at, "signed in")
    assert "You asked: signed in" in page_text(at)


def test_too_long_question_is_not_sent_and_given_back(app, wire):
    at = app(Scenario.ECHO, MAX_QUESTION_CHARS="20")
    sent = len(wire.predictions(Scenario.ECHO))
    long_question = "Why is the sky blue at noon?"  # 28 characters
    at = ask(at, long_question)
    assert len(wire.predictions(Scenario.ECHO)) == sent
    (warning,) = at.warning
    assert "28 characters long" in warning.value and "at most 20" in warning.value and "Shorten it" in warning.value
    assert [c.value for c in at.code] == [long_question]
    assert at.chat_input[0].proto.value == long_question and at.chat_input[0].proto.set_value
    assert not at.chat_message
    at = ask(at, "Why is it blue?")
    assert len(wire.predictions(Scenario.ECHO)) == sent + 1
    assert not at.warning and not at.code
    assert "You asked: Why is it blue?" in page_text(at)


def test_questions_over_the_rate_are_not_sent(app, wire):
    at = app(Scenario.ECHO, QUESTIONS_PER_MINUTE="2")
    sent = len(wire.predictions(Scenario.ECHO))
    at = ask(ask(at, "one"), "two")
    at = ask(at, "three, too soon")
    assert len(wire.predictions(Scenario.ECHO)) == sent + 2
    (warning,) = at.warning
    assert "as many questions in the last minute as this chat accepts (2)" in warning.value
    assert re.search(r"Wait (\d+) seconds?, then send it again", warning.value)
    assert 50 <= int(re.search(r"Wait (\d+)", warning.value)[1]) <= 60
    assert [c.value for c in at.code] == ["three, too soon"]
    assert "You asked: two" in page_text(at)  # the conversation so far is still there


def health_line(at: AppTest) -> str:
    (line,) = [c.value for c in at.sidebar.caption if "Flowise" in c.value]
    return line


def test_health_line_shows_reached_flow_name_and_streaming(app, wire):
    def pings():
        return sum(r.path == "/api/v1/ping" for r in wire.received)

    before = pings()
    at = app(Scenario.ECHO, FLOWISE_API_KEY=API_KEY)
    line = health_line(at)
    assert "Flowise reached" in line
    assert "Flow name: Echo \\*test\\* \\[flow\\]" in line  # shown as typed, not as Markdown
    assert "Answers stream as they are written" in line
    ask(at, "one").run()
    assert pings() == before + 1  # cached for the session, not asked on every rerun


def test_health_line_without_a_key_that_may_read_the_flow(app):
    for at in (app(Scenario.JSON_ONLY), app(Scenario.JSON_ONLY, FLOWISE_API_KEY=RUN_ONLY_KEY)):
        line = health_line(at)
        assert "Flowise reached" in line and "Flow name" not in line
        assert "Answers arrive in one piece" in line


def test_health_line_of_an_unreachable_server(monkeypatch):
    at = unreachable_app(monkeypatch)
    assert not at.exception
    line = health_line(at)
    assert "Flowise not reached" in line and "connection refused" in line


def test_health_line_of_the_demo_flow():
    at = AppTest.from_file(APP, default_timeout=30).run()
    line = health_line(at)
    assert "Flowise reached" in line and "Flow name: Built\\-in demo flow" in line


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


def test_override_config_from_secrets_goes_with_every_question_under_the_chat_id(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_OVERRIDE_CONFIG"] = {"temperature": 0.2, "vars": {"team": "sales"}, "sessionId": "shared"}
    at = ask(ask(at.run(), "First"), "Second")
    first, second = wire.predictions(Scenario.ECHO)[-2:]
    expected = {"temperature": 0.2, "vars": {"team": "sales"}, "sessionId": chat_id(at)}
    assert first.body["overrideConfig"] == second.body["overrideConfig"] == expected


def test_no_override_config_sends_none(app, wire):
    ask(app(Scenario.ECHO), "Plain")
    assert "overrideConfig" not in wire.predictions(Scenario.ECHO)[-1].body


def test_conversation_can_be_downloaded_once_there_is_one(app):
    at = app(Scenario.RAG)
    assert not at.get("download_button")
    at = ask(at, "What is the capital of France?")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download as Markdown", "Download as JSON"]


def feedback_sent(wire) -> list:
    return [r for r in wire.received if r.path.startswith("/api/v1/feedback")]


def test_feedback_is_sent_then_updated_with_a_comment(app, wire):
    at = ask(app(Scenario.RAG), "What is the capital of France?")
    turn = conversation_of(at).turns[-1]
    assert turn.message_id  # from the recorded stream's metadata event
    before = len(feedback_sent(wire))
    at.get("feedback")[0].set_value(1).run()
    (created,) = feedback_sent(wire)[before:]
    assert (created.method, created.path) == ("POST", "/api/v1/feedback")
    assert created.body == {
        "chatflowid": Scenario.RAG,
        "chatId": chat_id(at),
        "messageId": turn.message_id,
        "rating": "THUMBS_UP",
        "content": "",
    }
    at.get("feedback")[0].set_value(0).run()
    (comment_box,) = [t for t in at.text_input if t.label.startswith("Anything to add")]
    comment_box.input("Too short").run()
    changed, commented = feedback_sent(wire)[before + 1 :]
    feedback_id = conversation_of(at).turns[-1].feedback_id
    assert (changed.method, changed.path) == ("PUT", f"/api/v1/feedback/{feedback_id}")
    assert changed.body["rating"] == "THUMBS_DOWN"
    assert (commented.method, commented.body["rating"], commented.body["content"]) == (
        "PUT",
        "THUMBS_DOWN",
        "Too short",
    )


def test_no_feedback_for_an_answer_flowise_did_not_store(app):
    at = ask(app(Scenario.ERROR_MIDSTREAM), "Will it fail?")
    assert not at.get("feedback")


def test_welcome_message_and_starter_prompts_on_an_empty_chat(app, wire):
    at = app(Scenario.WELCOME)
    (welcome,) = at.chat_message
    assert welcome.markdown[0].value == "Здравствуйте! 👋 Ask me *anything*."
    starters = [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert [b.label for b in starters] == ["What can you do?", "Что такое \\*\\*Flowise\\*\\*?"]
    at = starters[1].click().run()
    assert wire.predictions(Scenario.WELCOME)[-1].body["question"] == "Что такое **Flowise**?"
    assert "You asked: Что такое **Flowise**?" in page_text(at)
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert at.chat_message[0].markdown[0].value == "Здравствуйте! 👋 Ask me *anything*."  # the welcome stays first


def test_flow_without_chat_settings_has_no_welcome_or_starters(app):
    at = app(Scenario.RAG)
    assert not at.chat_message
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]


def follow_up_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key and b.key.startswith("follow-up-")]


def test_follow_up_prompts_under_the_last_answer_ask_with_a_click(app, wire):
    at = ask(app(Scenario.FOLLOW_UPS), "The capital of France?")
    assert [b.label for b in follow_up_buttons(at)] == ["Почему Париж?", "And \\*Lyon\\*?"]
    at = follow_up_buttons(at)[1].click().run()
    assert wire.predictions(Scenario.FOLLOW_UPS)[-1].body["question"] == "And *Lyon*?"
    assert "About And *Lyon*?" in page_text(at)
    # Only the newest answer offers its follow-ups, also when drawn again from the history.
    turn_ids = [t.id for t in conversation_of(at).turns]
    at.run()
    assert {b.key.split("-")[2] for b in follow_up_buttons(at)} == {turn_ids[-1]}


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
    assert all(t.complete and t.message_id for t in turns)
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


# Two flows that answer differently: "welcome" echoes the question and has starter prompts, "json-only"
# answers with the recorded rag answer and does not stream.
SECOND_KEY = "sk-second-flow-5c1e"
TWO_FLOWS = [
    {
        "name": "Greeter *one*",
        "id": Scenario.WELCOME,
        "description": "Says **hello**",
        "api_key": API_KEY,
        "override_config": {"temperature": 0.1},
    },
    {"name": "Facts", "id": Scenario.JSON_ONLY, "api_key": SECOND_KEY, "overrideConfig": {"vars": {"team": "facts"}}},
]


def flows_app(wire, flows: list, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_URL"] = wire.url
    at.secrets["flows"] = flows
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def flow_selector(at: AppTest):
    (selector,) = at.sidebar.radio
    return selector


def test_two_flows_each_keep_their_own_conversation_key_and_override_config(wire):
    at = flows_app(wire, TWO_FLOWS)
    selector = flow_selector(at)
    assert selector.label == "Flow" and selector.value == Scenario.WELCOME
    assert selector.options == ["Greeter \\*one\\*", "Facts"]  # names as written, not as Markdown
    assert list(selector.proto.captions) == ["Says **hello**", ""]
    greeter_chat = chat_id(at)
    # Each flow by its name in the address, never by its id.
    assert (at.query_params["flow"], at.query_params["chat"]) == ("greeter-one", greeter_chat)
    assert [b.label for b in at.button if b.key and b.key.startswith("starter-")]  # the greeter's own prompts
    at = ask(at, "Hello, greeter")
    greeting = wire.predictions(Scenario.WELCOME)[-1]
    assert greeting.headers["Authorization"] == f"Bearer {API_KEY}"
    assert greeting.body["overrideConfig"] == {"temperature": 0.1, "sessionId": greeter_chat}
    assert greeting.body["streaming"] is True

    at = flow_selector(at).set_value(Scenario.JSON_ONLY).run()
    facts_chat = chat_id(at)
    assert facts_chat != greeter_chat
    assert (at.query_params["flow"], at.query_params["chat"]) == ("facts", facts_chat)
    assert not at.chat_message  # neither the greeter's turns nor its welcome message
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert "Answers arrive in one piece" in health_line(at)  # this flow's own streaming check
    at = ask(at, "Capital?")
    fact = wire.predictions(Scenario.JSON_ONLY)[-1]
    assert fact.headers["Authorization"] == f"Bearer {SECOND_KEY}"
    assert fact.body["overrideConfig"] == {"vars": {"team": "facts"}, "sessionId": facts_chat}
    assert fact.body["streaming"] is False and fact.body["chatId"] == facts_chat
    assert "The capital of France is Paris." in page_text(at) and "You asked" not in page_text(at)
    at.get("feedback")[0].set_value(1).run()
    rated = feedback_sent(wire)[-1]  # feedback goes to this flow; it is public in Flowise, so without a key
    assert rated.body["chatflowid"] == Scenario.JSON_ONLY and rated.body["chatId"] == facts_chat
    assert "Authorization" not in rated.headers

    at = flow_selector(at).set_value(Scenario.WELCOME).run()
    assert chat_id(at) == greeter_chat and at.query_params["flow"] == "greeter-one"
    assert [t.question for t in conversation_of(at).turns] == ["Hello, greeter"]
    assert "You asked: Hello, greeter" in page_text(at) and "Capital?" not in page_text(at)
    assert "Answers stream as they are written" in health_line(at)
    at = at.sidebar.button[0].click().run()  # New chat: for the greeter only
    assert chat_id(at) != greeter_chat and not conversation_of(at).turns
    at = flow_selector(at).set_value(Scenario.JSON_ONLY).run()
    assert chat_id(at) == facts_chat and "The capital of France is Paris." in page_text(at)
    assert API_KEY not in sent_to_browser(at) and SECOND_KEY not in sent_to_browser(at)


def test_one_listed_flow_has_no_selector_and_the_url_as_for_a_single_flow(wire):
    at = ask(flows_app(wire, TWO_FLOWS[1:]), "Only one")
    assert not at.sidebar.radio
    assert "flow" not in at.query_params and at.query_params["chat"] == chat_id(at)
    assert wire.predictions(Scenario.JSON_ONLY)[-1].headers["Authorization"] == f"Bearer {SECOND_KEY}"


def test_a_single_flow_id_has_no_selector(app):
    at = app(Scenario.ECHO)
    assert not at.sidebar.radio and "flow" not in at.query_params


def test_a_link_opens_its_flow_and_restores_the_conversation_with_that_flows_key(wire):
    flows = [{**TWO_FLOWS[0], "api_key": SECOND_KEY}, {**TWO_FLOWS[1], "id": Scenario.RAG, "api_key": API_KEY}]
    # The link the app showed for the rag flow's new conversation (Facts is the second flow).
    shown = flow_selector(flows_app(wire, flows)).set_value(Scenario.RAG).run().query_params
    assert shown["flow"] == "facts"
    at = flows_app(wire, flows, {"flow": shown["flow"], "chat": shown["chat"]})
    assert flow_selector(at).value == Scenario.RAG and chat_id(at) == shown["chat"]
    history = [r for r in wire.received if r.path.startswith("/api/v1/chatmessage/")][-1]
    assert (
        history.path.startswith("/api/v1/chatmessage/rag?") and history.headers["Authorization"] == f"Bearer {API_KEY}"
    )
    assert [t.question for t in conversation_of(at).turns] == ["What is the capital of France?"] * 2
    at = flow_selector(at).set_value(Scenario.WELCOME).run()
    assert chat_id(at) != shown["chat"] and not conversation_of(at).turns


def test_a_link_to_a_flow_not_offered_starts_afresh_and_says_so(wire):
    at = flows_app(wire, TWO_FLOWS, {"flow": "gone", "chat": "old-chat"})
    assert flow_selector(at).value == Scenario.WELCOME
    assert chat_id(at) != "old-chat" and at.query_params["flow"] == "greeter-one"
    assert "The link names a flow this app does not offer" in at.info[0].value


def test_a_bad_flow_list_says_which_entry_and_how_to_fix_it(wire):
    at = flows_app(wire, [TWO_FLOWS[0], {"name": "No id", "api_key": "sk-not-shown-3"}])
    assert not at.exception and not at.chat_input
    assert 'flows entry 2 ("No id"): id is missing' in at.error[0].value
    assert "sk-not-shown-3" not in at.error[0].value


# -- language -----------------------------------------------------------------------------------------


def russian_app(wire, monkeypatch, flow_id: str, **env: str) -> AppTest:
    """The app for a browser whose locale is Russian."""
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", flow_id)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    return at.run()


def test_russian_picked_in_the_sidebar_words_the_interface_and_leaves_the_flow_s_words_as_sent(app, wire):
    english = ask(app(Scenario.RAG), "What is the capital of France?")
    at = app(Scenario.RAG)
    (picker,) = at.sidebar.selectbox
    assert picker.label == "Language" and picker.options == ["Auto (browser)", "English", "Русский"]
    at = picker.select("ru").run()
    assert at.title[0].value == "Чат Flowise"
    assert at.sidebar.selectbox[0].label == "Язык"
    assert at.sidebar.selectbox[0].options == ["Авто (как в браузере)", "English", "Русский"]
    assert at.sidebar.button[0].label == "Новый чат"
    assert at.chat_input[0].placeholder == "Задайте вопрос сценарию"
    at = ask(at, "What is the capital of France?")
    assert not at.exception
    assert wire.predictions(Scenario.RAG)[-1].body["question"] == "What is the capital of France?"
    # The flow's answer and its document are shown exactly as in English: they are never translated.
    answer = RECORDED_SECOND_TURN
    assert at.chat_message[1].markdown[0].value == english.chat_message[1].markdown[0].value == answer
    (sources,) = at.expander
    assert sources.label == "Источники (1)"
    assert sources.text[0].value == english.expander[0].text[0].value
    assert "Flowise доступен" in health_line(at) and "Ответы появляются по мере написания" in health_line(at)
    assert [c.value for c in at.sidebar.caption][-1].startswith("Разговор: ")
    assert [b.proto.label for b in at.get("download_button")] == ["Скачать в Markdown", "Скачать в JSON"]
    # And back: the same conversation, in English.
    at = at.sidebar.selectbox[0].select("en").run()
    assert at.sidebar.button[0].label == "New chat" and [e.label for e in at.expander] == ["Sources (1)"]
    assert at.chat_message[1].markdown[0].value == answer


@pytest.mark.parametrize(
    ("locale", "title", "placeholder"),
    [
        ("ru-RU", "Чат Flowise", "Задайте вопрос сценарию"),
        ("ru", "Чат Flowise", "Задайте вопрос сценарию"),
        ("en-GB", "Flowise chat", "Ask the flow a question"),
        ("de-DE", "Flowise chat", "Ask the flow a question"),
        (None, "Flowise chat", "Ask the flow a question"),
    ],
)
def test_the_browser_s_locale_picks_the_language(wire, monkeypatch, locale, title, placeholder):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at = at.run()
    assert (at.title[0].value, at.chat_input[0].placeholder) == (title, placeholder)


def test_a_language_picked_in_the_sidebar_wins_over_the_browser_s_until_auto_again(wire, monkeypatch):
    at = russian_app(wire, monkeypatch, Scenario.RAG)
    assert at.sidebar.selectbox[0].value == "auto" and at.title[0].value == "Чат Flowise"
    at = at.sidebar.selectbox[0].select("en").run()
    assert at.title[0].value == "Flowise chat"
    at = ask(at, "Still English?")
    assert at.title[0].value == "Flowise chat" and at.sidebar.selectbox[0].value == "en"
    at = at.sidebar.selectbox[0].select("auto").run()
    assert at.title[0].value == "Чат Flowise"


@pytest.mark.parametrize(
    ("flow_id", "expected"),
    [
        ("no-such-flow", "Flowise не знает такого сценария"),
        (Scenario.SERVER_ERROR, "Flowise ответил ошибкой (HTTP 500): SerpAPI API key not set"),
        (Scenario.PROTECTED, "Этому сценарию нужен API-ключ"),
        (Scenario.HTML, "вместо ответа Flowise"),
        (Scenario.DROP, "Соединение с Flowise оборвалось до конца ответа"),
        (Scenario.ERROR_MIDSTREAM, "Сценарий завершился с ошибкой во время ответа: Model quota exceeded"),
    ],
)
def test_errors_read_in_russian_with_the_server_s_own_words_kept(wire, monkeypatch, flow_id, expected):
    at = ask(russian_app(wire, monkeypatch, flow_id), "Привет?")
    assert not at.exception
    (error,) = at.error
    assert expected in error.value
    assert at.button[0].label == "Повторить"


def test_a_wrong_key_is_reported_in_russian_and_never_shown(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.PROTECTED, FLOWISE_API_KEY="sk-wrong-secret-1234"), "Привет?")
    assert "Flowise отклонил API-ключ" in at.error[0].value
    assert "sk-wrong-secret-1234" not in sent_to_browser(at)


def test_limits_password_and_settings_speak_russian(wire, monkeypatch):
    at = russian_app(wire, monkeypatch, Scenario.ECHO, APP_PASSWORD=PASSWORD, MAX_QUESTION_CHARS="10")
    # The password page has the language picker too.
    assert at.sidebar.selectbox[0].label == "Язык"
    assert at.text_input[0].label == "Пароль" and at.button[0].label == "Войти"
    at = enter_password(at, "nope")
    assert at.error[0].value == "Неверный пароль. Осталось попыток: 4."
    at = enter_password(at, PASSWORD)
    at = ask(at, "Слишком длинный вопрос")
    assert at.warning[0].value.startswith("Ваш вопрос слишком длинный (символов: 22)")
    assert at.caption[0].value == "Ваш вопрос возвращён в поле ниже, а здесь его можно скопировать:"
    monkeypatch.setenv("FLOWISE_URL", "localhost:3000")
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at = at.run()
    assert at.error[0].value.startswith("FLOWISE_URL должен быть адресом вашего сервера Flowise")
    assert "Исправьте настройку" in at.error[0].value


def test_what_comes_with_an_answer_speaks_russian(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.AGENTFLOW), "What is the capital of France?")
    (answer,) = (m for m in at.chat_message if m.name == "assistant")
    assert answer.caption[-1].value.endswith(" · токенов: 10 на входе, 10 на выходе")
    at = ask(russian_app(wire, monkeypatch, Scenario.AGENT), "What is 2140526 / 105.4 ?")
    (tools,) = at.expander
    assert tools.label == "Использованные инструменты (1)"
    assert [c.value for c in tools.caption] == ["Входные данные", "Результат"]
    at = ask(russian_app(wire, monkeypatch, Scenario.HUGE), "Everything?")
    count = f"{len(HUGE_TEXT):,}".replace(",", "\u00a0")
    assert at.toggle[0].label == f"Показать весь текст (символов: {count})"


def test_a_key_quoted_by_the_server_is_never_shown_in_either_language(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.QUOTES_KEY, FLOWISE_API_KEY=API_KEY), "Привет?")
    assert "Flowise ответил ошибкой (HTTP 500): Invalid key [API key] for this tool" in at.error[0].value
    assert API_KEY not in sent_to_browser(at)
    at = at.sidebar.selectbox[0].select("en").run()
    assert "Flowise answered with an error (HTTP 500): Invalid key [API key] for this tool" in at.error[0].value
    assert API_KEY not in sent_to_browser(at)


def test_the_flow_choice_speaks_russian_and_the_flow_names_stay_as_written(wire):
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at.secrets["FLOWISE_URL"] = wire.url
    at.secrets["flows"] = TWO_FLOWS
    at = at.run()
    selector = flow_selector(at)
    assert selector.label == "Сценарий"
    assert selector.options == ["Greeter \\*one\\*", "Facts"]


def test_credentials_in_the_address_never_reach_the_page(app, wire):
    host = wire.url.removeprefix("http://")
    at = ask(app(Scenario.RAG, FLOWISE_URL=f"http://proxy-user:hunter2@{host}"), "What is the capital of France?")
    assert "Paris" in page_text(at)
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Flowise reached" in sidebar and host not in sidebar  # nor where Flowise is
    assert "hunter2" not in page_text(at) + sidebar
