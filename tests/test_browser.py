"""The real app in headless Chromium, against the local Flowise-wire server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from testbed.browser import assistant_messages, open_page, send, streamlit_app
from testbed.wire.flows import API_KEY, FLOW_NAMES, Scenario
from testbed.wire.recordings import RECORDED_ANSWER, RECORDED_GREETING


def test_answer_streams_and_both_expanders_show_their_content(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.AGENT).url)
    send(page, "What is 2140526 / 105.4 ?")
    answer = assistant_messages(page).last
    seen = set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "✅" not in "".join(seen):
        if answer.count():
            seen.add(answer.inner_text())
        time.sleep(0.05)
    assert any("Результат: 20308.595825426943 ✅" in text for text in seen)
    partial = [t for t in seen if t.strip() and "✅" not in t]
    assert len(partial) >= 2, f"the answer did not stream: {seen}"

    page.get_by_text("Tools used (1)").click()
    tools = answer.get_by_test_id("stExpanderDetails")
    expect(tools.get_by_text("calculator")).to_be_visible()
    expect(tools.get_by_text('"input": "2140526 / 105.4"')).to_be_visible()
    expect(tools.get_by_text("20308.595825426943", exact=True)).to_be_visible()

    page = open_page(browser, apps(Scenario.RAG).url)
    send(page, "What is the capital of France?")
    page.get_by_text("Sources (1)").click()
    sources = page.get_by_test_id("stExpanderDetails")
    expect(sources.get_by_text("Париж — столица Франции, крупнейший город страны.")).to_be_visible(timeout=20_000)
    expect(sources.get_by_text("facts.txt")).to_be_visible()
    assert f"{RECORDED_GREETING}." in assistant_messages(page).last.inner_text()


def test_chat_id_is_kept_within_a_tab_and_differs_between_browsers(browser, apps, slow_wire):
    app = apps(Scenario.ECHO)
    first, second = open_page(browser, app.url), open_page(browser, app.url)
    send(first, "one")
    expect(first.get_by_text("You asked: one")).to_be_visible(timeout=20_000)
    send(first, "two")
    expect(first.get_by_text("You asked: two")).to_be_visible(timeout=20_000)
    send(second, "three")
    expect(second.get_by_text("You asked: three")).to_be_visible(timeout=20_000)
    by_question = {r.body["question"]: r.body for r in slow_wire.predictions(Scenario.ECHO)}
    assert by_question["one"]["chatId"] == by_question["two"]["chatId"]
    assert by_question["one"]["chatId"] != by_question["three"]["chatId"]
    assert all(by_question[q]["streaming"] is True for q in ("one", "two", "three"))


@pytest.mark.parametrize(
    ("flow_id", "message"),
    [("no-such-flow", "Flowise does not know this flow"), (Scenario.SERVER_ERROR, "SerpAPI API key not set")],
)
def test_errors_show_their_message_without_a_traceback(browser, apps, flow_id, message):
    page = open_page(browser, apps(flow_id).url)
    send(page, "Hello?")
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text(message, timeout=20_000)
    assert "Traceback" not in page.content()
    assert not page.get_by_test_id("stException").count()


def test_error_mid_stream_keeps_partial_answer(browser, apps):
    page = open_page(browser, apps(Scenario.ERROR_MIDSTREAM).url)
    send(page, "Hello?")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Model quota exceeded", timeout=20_000)
    expect(assistant_messages(page).last).to_contain_text("Начинаю ответ 🙂 and then")


def test_api_key_is_sent_and_never_reaches_the_page(browser, apps, slow_wire):
    app = apps(Scenario.PROTECTED, FLOWISE_API_KEY=API_KEY)
    page = open_page(browser, app.url)
    send(page, "Key check")
    expect(assistant_messages(page).last).to_contain_text("The capital of France is Paris", timeout=20_000)
    assert slow_wire.predictions(Scenario.PROTECTED)[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in page.content()
    assert API_KEY not in app.log()


def test_two_browsers_see_only_their_own_conversation_and_never_the_key(browser, apps, slow_wire):
    app = apps(Scenario.ECHO, FLOWISE_API_KEY=API_KEY)
    first, second = open_page(browser, app.url), open_page(browser, app.url)
    # Both asked before either answer is read, so the two sessions run at the same time.
    send(first, "Question from the first browser")
    send(second, "Question from the second browser")
    expect(assistant_messages(first).last).to_contain_text("You asked: Question from the first browser", timeout=20_000)
    expect(assistant_messages(second).last).to_contain_text(
        "You asked: Question from the second browser", timeout=20_000
    )
    for page, other in ((first, "second"), (second, "first")):
        expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
        assert f"Question from the {other} browser" not in page.content()
        assert API_KEY not in page.content()
        # The health line reads the flow's name with the key and shows it as written, not as Markdown.
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Flow name: {FLOW_NAMES[Scenario.ECHO]}")
    assert all(r.headers["Authorization"] == f"Bearer {API_KEY}" for r in slow_wire.predictions(Scenario.ECHO)[-2:])
    assert API_KEY not in app.log()


def test_password_gate_and_a_too_long_question_given_back(browser, apps, slow_wire):
    password = "s3cret-пароль"
    app = apps(Scenario.ECHO, APP_PASSWORD=password, MAX_QUESTION_CHARS="20")
    page = open_page(browser, app.url, ready_test_id="stTextInputRootElement")
    box = page.get_by_test_id("stTextInputRootElement").locator("input")
    box.fill("not it")
    page.get_by_role("button", name="Enter").click()
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Wrong password. 4 tries left")
    expect(box).to_have_value("")  # the form clears what was typed
    box.fill(password)
    page.get_by_role("button", name="Enter").click()
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=20_000)
    sent = len(slow_wire.predictions(Scenario.ECHO))
    long_question = "Why is the sky blue at noon?"
    send(page, long_question)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("28 characters long", timeout=20_000)
    expect(page.get_by_test_id("stCode")).to_contain_text(long_question)
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_value(long_question)
    assert len(slow_wire.predictions(Scenario.ECHO)) == sent
    assert password not in page.content() and password not in app.log()


def test_demo_flow_in_the_browser(browser, tmp_path):
    with streamlit_app(tmp_path) as app:
        page = open_page(browser, app.url)
        expect(page.get_by_text("You are talking to the built-in demo flow")).to_be_visible()
        send(page, "How do I deploy to Streamlit Community Cloud? And what is 12.5% of 2,480?")
        answer = assistant_messages(page).last
        expect(answer.get_by_text("Tools used (1)")).to_be_visible(timeout=30_000)
        expect(answer).to_contain_text("12.5 / 100 * 2480 = 310")
        answer.get_by_text("Tools used (1)").click()
        answer.get_by_text("Sources (3)").click()
        expect(answer.get_by_test_id("stExpanderDetails").first).to_contain_text("Push the repository to GitHub")
        expect(answer.get_by_test_id("stExpanderDetails").last.get_by_text("310", exact=True)).to_be_in_viewport()


def test_retry_asks_again_and_keeps_the_failed_turn(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.FAILS_ONCE).url)
    send(page, "Try twice?")
    failed = assistant_messages(page).last
    expect(failed.get_by_test_id("stAlertContentError")).to_contain_text("Model quota exceeded", timeout=20_000)
    failed.get_by_role("button", name="Retry").click()
    expect(assistant_messages(page)).to_have_count(2, timeout=20_000)
    expect(assistant_messages(page).last).to_contain_text("Second try worked: Try twice?", timeout=20_000)
    expect(assistant_messages(page).first).to_contain_text("Начинаю ответ 🙂 and then")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(1)
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    first, second = slow_wire.predictions(Scenario.FAILS_ONCE)[-2:]
    assert (first.body["question"], first.body["chatId"]) == (second.body["question"], second.body["chatId"])


def test_conversation_downloads_hold_the_turn_just_answered(browser, apps):
    page = open_page(browser, apps(Scenario.RAG).url)
    send(page, "What is the capital of France?")
    expect(assistant_messages(page).last).to_contain_text("The capital of France is Paris.", timeout=20_000)
    with page.expect_download() as download:
        page.get_by_text("Download as JSON").click()
    (turn,) = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["turns"]
    assert turn["question"] == "What is the capital of France?"
    assert "The capital of France is Paris." in turn["answer"] and turn["complete"]
    assert "facts.txt" in json.dumps(turn["sources"], ensure_ascii=False)
    with page.expect_download() as download:
        page.get_by_text("Download as Markdown").click()
    assert download.value.suggested_filename.endswith(".md")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "What is the capital of France?" in text and "### Sources (1)" in text


def test_stop_generating_keeps_the_partial_answer_and_aborts_on_the_server(browser, apps, slow_wire):
    app = apps(Scenario.SLOW)
    page = open_page(browser, app.url)
    send(page, "Count slowly")
    answer = assistant_messages(page).last
    expect(answer).to_contain_text("5 ", timeout=20_000)
    page.get_by_role("button", name="Stop generating").click()
    expect(page.get_by_text("You stopped this answer.")).to_be_visible(timeout=10_000)
    chat_id = slow_wire.predictions(Scenario.SLOW)[-1].body["chatId"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        r.method == "PUT" and r.path == f"/api/v1/chatmessage/abort/slow/{chat_id}" for r in slow_wire.received
    ):
        time.sleep(0.1)
    assert any(r.method == "PUT" and r.path == f"/api/v1/chatmessage/abort/slow/{chat_id}" for r in slow_wire.received)
    stopped_text = assistant_messages(page).first.inner_text()
    assert "0 1 2 3 4 5" in stopped_text and "399" not in stopped_text
    expect(page.get_by_role("button", name="Stop generating")).to_have_count(0)
    # The next question streams as usual, under the stopped one.
    send(page, "Again")
    expect(assistant_messages(page)).to_have_count(2, timeout=10_000)
    expect(assistant_messages(page).last).to_contain_text("3 ", timeout=20_000)
    assert "0 1 2 3 4 5" in assistant_messages(page).first.inner_text()


def test_a_conversation_link_restores_it_in_a_fresh_browser(browser, apps):
    app = apps(Scenario.RAG, FLOWISE_API_KEY=API_KEY)
    first = open_page(browser, app.url)
    first.wait_for_function("() => new URL(location.href).searchParams.get('chat')")
    own = first.evaluate("new URL(location.href).searchParams.get('chat')")
    # The link the app made, in another browser: the wire server has the recorded conversation under it.
    page = open_page(browser, f"{app.url}/?chat={own}")
    expect(assistant_messages(page)).to_have_count(2, timeout=20_000)
    expect(page.get_by_text("Sources (1)")).to_have_count(2)
    assert RECORDED_GREETING in assistant_messages(page).first.inner_text()
    assert page.url.endswith(f"chat={own}")
    fresh = open_page(browser, app.url)
    expect(fresh.get_by_test_id("stChatMessage")).to_have_count(0)
    fresh.wait_for_function("() => new URL(location.href).searchParams.get('chat')")
    assert own not in fresh.url


def arrived(wire, wanted, timeout: float = 10.0) -> list:
    """The requests the wire server received that ``wanted`` picks, once there is one (or the time is up)."""
    deadline = time.monotonic() + timeout
    while not (found := [r for r in wire.received if wanted(r)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_starter_prompt_asks_exactly_its_question(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.WELCOME).url)
    expect(assistant_messages(page).first).to_contain_text("Здравствуйте! 👋 Ask me anything.")
    sent = len(slow_wire.predictions(Scenario.WELCOME))
    # Shown as written, Markdown and all, and asked as written.
    page.get_by_role("button", name="Что такое **Flowise**?").click()
    # The question bubble shows it as typed; the answer is the flow's Markdown, drawn as such.
    expect(assistant_messages(page).last).to_contain_text("You asked: Что такое Flowise?", timeout=20_000)
    expect(assistant_messages(page).last.locator("strong")).to_have_text("Flowise")
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Что такое **Flowise**?")
    (request,) = slow_wire.predictions(Scenario.WELCOME)[sent:]
    assert request.body["question"] == "Что такое **Flowise**?" and request.body["streaming"] is True
    expect(page.get_by_role("button", name="What can you do?")).to_have_count(0)  # a chat under way has no starters


def test_a_follow_up_prompt_asks_exactly_its_question(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.FOLLOW_UPS).url)
    send(page, "The capital of France?")
    expect(assistant_messages(page).last).to_contain_text("About The capital of France?", timeout=20_000)
    page.get_by_role("button", name="And *Lyon*?").click()
    expect(assistant_messages(page)).to_have_count(2, timeout=20_000)
    expect(assistant_messages(page).last).to_contain_text("About And Lyon?", timeout=20_000)
    first, second = slow_wire.predictions(Scenario.FOLLOW_UPS)[-2:]
    assert second.body["question"] == "And *Lyon*?" and second.body["chatId"] == first.body["chatId"]
    # Only the newest answer offers follow-ups.
    expect(page.get_by_role("button", name="Почему Париж?")).to_have_count(1)
    expect(assistant_messages(page).first.get_by_role("button")).to_have_count(0)


def test_feedback_with_a_comment_reaches_flowise_and_a_changed_rating_updates_it(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.RAG).url)
    send(page, "What is the capital of France?")
    answer = assistant_messages(page).last
    expect(answer).to_contain_text("The capital of France is Paris.", timeout=20_000)
    chat_id = slow_wire.predictions(Scenario.RAG)[-1].body["chatId"]

    def feedback(r) -> bool:
        return r.path.startswith("/api/v1/feedback") and r.body.get("chatId") == chat_id

    answer.get_by_role("radio", name="Thumbs up").click()
    (created,) = arrived(slow_wire, feedback)
    assert (created.method, created.path) == ("POST", "/api/v1/feedback")
    # The message id is the one in the recorded stream's metadata event.
    assert created.body == {
        "chatflowid": Scenario.RAG,
        "chatId": chat_id,
        "messageId": "0b29a012-a98a-494d-8f3e-e6a6fd5a2b58",
        "rating": "THUMBS_UP",
        "content": "",
    }
    comment = answer.get_by_placeholder("What was good or wrong about this answer")
    comment.fill("Clear, with a source")
    comment.press("Enter")
    (commented,) = arrived(slow_wire, lambda r: feedback(r) and r.method == "PUT")
    # Flowise's id for the feedback, from the POST's answer, names what the PUT changes.
    feedback_id = f"feedback-{slow_wire.received.index(created) + 1}"
    assert commented.path == f"/api/v1/feedback/{feedback_id}"
    assert (commented.body["rating"], commented.body["content"]) == ("THUMBS_UP", "Clear, with a source")
    answer.get_by_role("radio", name="Thumbs down").click()
    changed = arrived(slow_wire, lambda r: feedback(r) and r.method == "PUT" and r.body["rating"] == "THUMBS_DOWN")
    assert [(r.path, r.body["content"]) for r in changed] == [(commented.path, "Clear, with a source")]
    assert len([r for r in slow_wire.received if feedback(r) and r.method == "POST"]) == 1


def test_switching_flows_keeps_each_conversation_and_the_answer_that_was_streaming(browser, slow_wire, tmp_path):
    flows = [
        {"name": "Counter", "id": Scenario.SLOW, "description": "Counts *slowly*"},
        {"name": "Echo", "id": Scenario.ECHO, "api_key": API_KEY, "override_config": {"temperature": 0.3}},
    ]
    with streamlit_app(tmp_path, FLOWISE_URL=slow_wire.url, FLOWISE_FLOWS=json.dumps(flows)) as app:
        page = open_page(browser, app.url)
        selector = page.get_by_test_id("stSidebar").get_by_test_id("stRadio")
        expect(selector.locator("em")).to_have_text("slowly")  # the description, under the name
        send(page, "Count slowly")
        expect(assistant_messages(page).last).to_contain_text("5 ", timeout=20_000)
        counter_chat = slow_wire.predictions(Scenario.SLOW)[-1].body["chatId"]

        selector.get_by_text("Echo", exact=True).click()  # while the count is still streaming
        expect(page.get_by_test_id("stChatMessage")).to_have_count(0, timeout=10_000)
        send(page, "Hello, echo")
        expect(assistant_messages(page).last).to_contain_text("You asked: Hello, echo", timeout=20_000)
        echo = slow_wire.predictions(Scenario.ECHO)[-1]
        assert echo.headers["Authorization"] == f"Bearer {API_KEY}"
        assert "Authorization" not in slow_wire.predictions(Scenario.SLOW)[-1].headers
        assert echo.body["overrideConfig"] == {"temperature": 0.3, "sessionId": echo.body["chatId"]}
        assert echo.body["chatId"] != counter_chat
        page.wait_for_function(
            f"() => location.search.includes('flow=echo') && location.search.includes('{echo.body['chatId']}')"
        )

        selector.get_by_text("Counter", exact=True).click()
        expect(assistant_messages(page)).to_have_count(1, timeout=10_000)
        counted = assistant_messages(page).first
        expect(counted).to_contain_text("This answer was interrupted before it was complete.")
        assert "0 1 2 3 4 5" in counted.inner_text() and "399" not in counted.inner_text()
        assert "Hello, echo" not in page.content()
        page.wait_for_function(
            f"() => location.search.includes('flow=counter') && location.search.includes('{counter_chat}')"
        )
        with page.expect_download() as download:
            page.get_by_text("Download as JSON").click()
        assert download.value.suggested_filename == f"conversation-counter-{counter_chat[:8]}.json"

        # A link opens its flow's conversation: here Echo's, read from history with Echo's key (the wire
        # server answers with the recorded conversation).
        linked = open_page(browser, f"{app.url}/?flow=echo&chat={echo.body['chatId']}")
        expect(linked.get_by_test_id("stSidebar").get_by_role("radio", name="Echo")).to_be_checked()
        expect(assistant_messages(linked)).to_have_count(2, timeout=20_000)
        (history,) = [r for r in slow_wire.received if r.path.startswith("/api/v1/chatmessage/echo?")][-1:]
        assert f"chatId={echo.body['chatId']}" in history.path
        assert history.headers["Authorization"] == f"Bearer {API_KEY}"
        assert API_KEY not in page.content() + linked.content() + app.log()


def test_a_russian_browser_gets_the_interface_in_russian_and_the_answer_as_sent(browser, apps):
    page = open_page(browser, apps(Scenario.RAG).url, locale="ru-RU")
    expect(page.get_by_role("heading", name="Чат Flowise")).to_be_visible()
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_attribute("placeholder", "Задайте вопрос сценарию")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Новый чат")).to_be_visible()
    send(page, "What is the capital of France?")
    answer = assistant_messages(page).last
    sent = RECORDED_ANSWER
    expect(answer).to_contain_text(sent, timeout=20_000)
    expect(answer.get_by_text("Источники (1)")).to_be_visible()
    expect(sidebar).to_contain_text("Flowise доступен", timeout=20_000)
    expect(sidebar.get_by_text("Скачать в Markdown")).to_be_visible()
    # English picked in the sidebar: the interface changes, the answer stays as the flow sent it.
    sidebar.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="English").click()
    expect(answer.get_by_text("Sources (1)")).to_be_visible(timeout=10_000)
    expect(sidebar.get_by_role("button", name="New chat")).to_be_visible()
    expect(answer).to_contain_text(sent)
    assert "Источники" not in page.content()
