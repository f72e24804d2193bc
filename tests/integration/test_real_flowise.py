"""The client and the real app against a real Flowise 3.1.4, its models on the local LLM stand-in."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from playwright.sync_api import expect

from chat.app_wide import LocalSlots
from chat.history import turns_from_history
from chat.settings import DEFAULT_MAX_RECORDING_SECONDS
from chat.turn import AnswerState
from chat.voice import recording_upload
from flowise_client import (
    FlowiseAuthError,
    FlowiseClient,
    FlowiseNotFoundError,
    FlowiseServerError,
    FlowiseStreamError,
    FlowiseTimeoutError,
    HumanReply,
    Rating,
    StoredUpload,
    Timeouts,
    Upload,
    UploadLimit,
)
from flowise_client.events import (
    ActionEvent,
    AgentFlowExecutedDataEvent,
    CalledToolsEvent,
    EndEvent,
    MetadataEvent,
    NextAgentFlowEvent,
    SourceDocumentsEvent,
    TokenEvent,
    UnknownEvent,
    UsedToolsEvent,
)
from testbed.browser import assistant_messages, open_page, send, streamlit_app
from testbed.llm_standin import ANSWER, IMAGE_ANSWER, TRANSCRIPT
from testbed.wire.media import png, wav

pytestmark = pytest.mark.flowise
UNKNOWN_FLOW = "00000000-0000-0000-0000-000000000000"


def ask(flowise, flow, question="What is the capital of France?", chat_id=None, key=None, **kwargs):
    client = FlowiseClient(flowise.base_url, api_key=key)
    with client.predict(flowise.flows[flow], question, chat_id or str(uuid.uuid4()), **kwargs) as events:
        return list(events)


def text(events):
    return "".join(e.text for e in events if isinstance(e, TokenEvent))


def only(events, kind):
    (found,) = [e for e in events if isinstance(e, kind)]
    return found


def test_tokens_stream_with_the_chat_id_as_memory_session(flowise):
    events = ask(flowise, "plain", chat_id="it-plain-1")
    assert text(events) == ANSWER
    assert sum(isinstance(e, TokenEvent) for e in events) > 5
    meta = only(events, MetadataEvent)
    assert meta.chat_id == meta.session_id == "it-plain-1"
    assert isinstance(events[-1], EndEvent)
    assert not any(isinstance(e, UnknownEvent) for e in events)


def test_rag_flow_returns_source_documents(flowise):
    sources = only(ask(flowise, "rag"), SourceDocumentsEvent)
    assert {d.metadata.get("source") for d in sources.documents} == {"facts.txt"}
    assert any("Париж" in d.page_content for d in sources.documents)


def test_agent_reports_its_calculator_use(flowise):
    events = ask(flowise, "agent", question="What is 12 * 7 ?")
    tool = only(events, UsedToolsEvent).tools[0]
    assert (tool.tool, tool.tool_output) == ("calculator", "84")
    assert text(events) == "Результат: 84 ✅"


def test_agentflow_reports_node_progress(flowise):
    events = ask(flowise, "agentflow")
    assert text(events) == ANSWER
    labels = [(e.node_label, e.status) for e in events if isinstance(e, NextAgentFlowEvent)]
    assert ("Answer", "FINISHED") in labels
    executed = [e for e in events if isinstance(e, AgentFlowExecutedDataEvent)][-1]
    assert [(n.node_label, n.status) for n in executed.nodes] == [("Start", "FINISHED"), ("Answer", "FINISHED")]
    assert not any(isinstance(e, UnknownEvent) for e in events)


def test_human_input_agentflow_stops_for_approval_and_goes_on(flowise):
    flow_id, chat_id = flowise.flows["human-input"], f"it-hitl-{uuid.uuid4()}"
    events = ask(flowise, "human-input", "What is 12 * 7 ?", chat_id)
    assert text(events) == "Результат: 84 ✅\n\nShall I write the final answer?"
    assert only(events, CalledToolsEvent).tools[0].tool == "calculator"
    action = only(events, ActionEvent)
    assert action.is_agentflow and action.accepts_feedback and action.node_label == "Approval"
    assert not any(isinstance(e, UnknownEvent) for e in events)

    assert text(ask(flowise, "human-input", HumanReply(action, True), chat_id)) == ANSWER + " (turn 2)"
    # The run has gone on to its end: Flowise refuses a second decision on the same stop.
    with pytest.raises(FlowiseStreamError, match="Cannot resume execution"):
        ask(flowise, "human-input", HumanReply(action, False), chat_id)
    stored = FlowiseClient(flowise.base_url, api_key=flowise.api_key).chat_history(flow_id, chat_id)
    (turn,) = turns_from_history(stored)
    assert [(d.approve, d.feedback) for d in turn.decisions] == [(True, "")]
    assert [(s.label, s.state.value) for s in turn.steps.steps] == [
        ("Start", "done"),
        ("Calculator Agent", "done"),
        ("Approval", "done"),
        ("Writer", "done"),
    ]
    assert turn.answer.endswith(ANSWER + " (turn 2)") and turn.action is None
    assert [t.tool_output for t in turn.tools] == ["84"]


def test_human_input_rejected_with_a_comment(flowise):
    flow_id, chat_id = flowise.flows["human-input"], f"it-hitl-{uuid.uuid4()}"
    action = only(ask(flowise, "human-input", "What is 3 + 4 ?", chat_id, streaming=False), ActionEvent)
    rejected = ask(flowise, "human-input", HumanReply(action, False, "Not now, thanks"), chat_id, streaming=False)
    assert text(rejected) == "Understood: nothing more will be done. Ask again whenever you like."
    stored = FlowiseClient(flowise.base_url, api_key=flowise.api_key).chat_history(flow_id, chat_id)
    assert [m.content for m in stored if m.role == "userMessage"] == ["What is 3 + 4 ?", "Not now, thanks"]
    (turn,) = turns_from_history(stored)
    assert [(d.approve, d.feedback) for d in turn.decisions] == [(False, "Not now, thanks")]


def test_memory_across_two_turns_of_one_chat(flowise):
    chat_id = f"it-memory-{uuid.uuid4()}"
    assert text(ask(flowise, "plain", "Hello", chat_id)) == ANSWER
    assert text(ask(flowise, "plain", "And again?", chat_id)) == ANSWER + " (turn 2)"
    assert text(ask(flowise, "plain", "Hello")) == ANSWER


def test_image_upload_reaches_the_model_and_stays_with_the_conversation(flowise):
    # The Conversation Chain's ChatOpenAI has "Allow Image Uploads" on in the template.
    client = FlowiseClient(flowise.base_url, api_key=flowise.api_key)
    config = client.uploads_config(flowise.flows["plain"])
    assert config.images == (UploadLimit(("image/gif", "image/jpeg", "image/png", "image/webp"), 5.0),)
    assert client.chatbot_config(flowise.flows["plain"]).uploads == config  # what the app reads it from
    photo, chat_id = png(64, 48), f"it-image-{uuid.uuid4()}"
    upload = Upload.of_bytes(photo, "file", "photo.png", "image/png")
    events = ask(flowise, "plain", "What is in this picture?", chat_id, uploads=[upload])
    assert text(events) == f"{IMAGE_ANSWER}: 1 (image/png)."
    assert client.get_upload_file(flowise.flows["plain"], chat_id, "photo.png") == photo
    question = client.chat_history(flowise.flows["plain"], chat_id)[0]
    assert question.file_uploads == (StoredUpload("stored-file", "photo.png", "image/png"),)
    fetch = lambda name: client.get_upload_file(flowise.flows["plain"], chat_id, name)  # noqa: E731
    (turn,) = turns_from_history(client.chat_history(flowise.flows["plain"], chat_id), fetch)
    assert turn.attachments[0].thumbnail and turn.answer == f"{IMAGE_ANSWER}: 1 (image/png)."


def test_spoken_question_is_transcribed_and_comes_back_as_the_question(flowise):
    client = FlowiseClient(flowise.base_url, api_key=flowise.api_key)
    assert client.uploads_config(flowise.flows["voice"]).speech_to_text
    chat_id = f"it-voice-{uuid.uuid4()}"
    events = ask(
        flowise, "voice", "", chat_id, uploads=[recording_upload(wav(), DEFAULT_MAX_RECORDING_SECONDS, LocalSlots())]
    )
    assert only(events, MetadataEvent).question == TRANSCRIPT
    assert text(events) == ANSWER
    question = client.chat_history(flowise.flows["voice"], chat_id)[0]
    assert question.content == TRANSCRIPT
    assert [(u.type, u.mime) for u in question.file_uploads] == [("stored-file", "audio/ogg")]


def test_text_file_is_extracted_by_flowise_then_sent_with_the_question(flowise):
    client = FlowiseClient(flowise.base_url, api_key=flowise.api_key)
    flow, chat_id = flowise.flows["files"], f"it-files-{uuid.uuid4()}"
    assert client.chatbot_config(flow).full_file_upload.mime_types == ("text/plain",)
    notes = "Париж — столица Франции.\nParis is the capital.".encode()
    (extracted,) = client.extract_attachments(flow, chat_id, [("notes.txt", notes, "text/plain")])
    assert (extracted.name, extracted.mime, extracted.size) == ("notes.txt", "text/plain", len(notes))
    assert extracted.content.strip() == notes.decode()
    upload = Upload(extracted.content, "file:full", "notes.txt", "text/plain")
    assert text(ask(flowise, "files", "Summarise my notes", chat_id, uploads=[upload])) == ANSWER
    question = client.chat_history(flow, chat_id)[0]
    assert question.file_uploads == (StoredUpload("stored-file:full", "notes.txt", "text/plain"),)
    with pytest.raises(FlowiseServerError, match="File type 'text/csv' is not allowed"):
        client.extract_attachments(flow, chat_id, [("t.csv", b"a,b", "text/csv")])


def test_json_answer_when_not_streaming(flowise):
    events = ask(flowise, "rag", streaming=False)
    assert text(events) == ANSWER
    assert only(events, SourceDocumentsEvent).documents
    assert only(events, MetadataEvent).chat_message_id


def test_history_gives_back_a_conversation_with_its_sources(flowise):
    chat_id = f"it-history-{uuid.uuid4()}"
    streamed = ask(flowise, "rag", chat_id=chat_id)
    history = FlowiseClient(flowise.base_url, api_key=flowise.api_key).chat_history(flowise.flows["rag"], chat_id)
    assert [(m.role, m.content) for m in history] == [
        ("userMessage", "What is the capital of France?"),
        ("apiMessage", ANSWER),
    ]
    (turn,) = turns_from_history(history)
    assert turn.answer == ANSWER and turn.state is AnswerState.COMPLETE
    assert turn.message_id == only(streamed, MetadataEvent).chat_message_id
    assert [d.page_content for d in turn.sources] == [
        d.page_content for d in only(streamed, SourceDocumentsEvent).documents
    ]
    with pytest.raises(FlowiseAuthError):
        FlowiseClient(flowise.base_url).chat_history(flowise.flows["rag"], chat_id)


def test_chatbot_config_gives_the_flows_welcome_and_starter_prompts(flowise):
    config = FlowiseClient(flowise.base_url).chatbot_config(flowise.flows["plain"])
    assert config.starter_prompts == ("What is the capital of France?", "Расскажи о себе")
    assert config.welcome_message == "Здравствуйте! 👋"
    assert FlowiseClient(flowise.base_url).chatbot_config(flowise.flows["rag"]).starter_prompts == ()


def test_feedback_on_an_answer_is_stored_and_updated(flowise):
    chat_id = f"it-feedback-{uuid.uuid4()}"
    message_id = only(ask(flowise, "plain", chat_id=chat_id), MetadataEvent).chat_message_id
    client = FlowiseClient(flowise.base_url)
    feedback_id = client.send_feedback(flowise.flows["plain"], chat_id, message_id, Rating.THUMBS_UP)
    again = client.send_feedback(
        flowise.flows["plain"], chat_id, message_id, Rating.THUMBS_DOWN, "Too short", feedback_id=feedback_id
    )
    assert again == feedback_id
    stored = requests.get(
        f"{flowise.base_url}/api/v1/feedback/{flowise.flows['plain']}",
        params={"chatId": chat_id},
        headers={"Authorization": f"Bearer {flowise.api_key}"},
        timeout=10,
    ).json()
    assert [(f["id"], f["messageId"], f["rating"], f["content"]) for f in stored] == [
        (feedback_id, message_id, "THUMBS_DOWN", "Too short")
    ]


@pytest.mark.parametrize("key", [None, "wrong-key-123456"])
def test_protected_flow_rejects_missing_or_wrong_key(flowise, key):
    with pytest.raises(FlowiseAuthError) as info:
        ask(flowise, "protected", key=key)
    assert "wrong-key-123456" not in str(info.value)


def test_protected_flow_accepts_its_key(flowise):
    assert text(ask(flowise, "protected", key=flowise.api_key)) == ANSWER


def test_unknown_flow_is_reported_at_once(flowise):
    client = FlowiseClient(flowise.base_url, timeouts=Timeouts(first_byte=2))
    with pytest.raises(FlowiseNotFoundError):
        client.is_streaming(UNKNOWN_FLOW)
    with pytest.raises(FlowiseNotFoundError), client.predict(UNKNOWN_FLOW, "hi", "c", streaming=False):
        pass
    # Flowise 3.1.4 never answers a streaming request for an unknown flow; the first-byte wait ends it.
    with pytest.raises(FlowiseTimeoutError), client.predict(UNKNOWN_FLOW, "hi", "c"):
        pass


def test_abort_of_a_running_answer(flowise):
    client = FlowiseClient(flowise.base_url)
    flow_id, chat_id = flowise.flows["agentflow"], f"it-abort-{uuid.uuid4()}"
    received, aborted_at = [], None
    with (
        pytest.raises(FlowiseStreamError, match="aborted"),
        client.predict(flow_id, "Please be slow", chat_id) as events,
    ):
        for event in events:
            received.append(event)
            if aborted_at is None and text(received):
                client.abort(flow_id, chat_id)
                aborted_at = time.monotonic()
    # The slow answer takes 20 s; an agentflow stops at once and says why.
    assert time.monotonic() - aborted_at < 5
    assert text(received).startswith("Медл") and len(text(received)) < 40
    # The conversation goes on after an aborted answer.
    assert text(ask(flowise, "agentflow", "What is the capital of France?", chat_id)) == ANSWER


@pytest.fixture(scope="module")
def real_app(flowise, tmp_path_factory):
    running = {}
    from contextlib import ExitStack

    with ExitStack() as stack:

        def get(flow: str, **settings: str):
            key = (flow, tuple(sorted(settings.items())))
            if key not in running:
                running[key] = stack.enter_context(
                    streamlit_app(
                        tmp_path_factory.mktemp("app"),
                        FLOWISE_URL=flowise.base_url,
                        FLOWISE_FLOW_ID=flowise.flows[flow],
                        **settings,
                    )
                )
            return running[key]

        yield get


def test_browser_rag_answer_with_sources(browser, real_app):
    page = open_page(browser, real_app("rag").url)
    send(page, "What is the capital of France?")
    answer = assistant_messages(page).last
    expect(answer).to_contain_text(ANSWER, timeout=30_000)
    answer.get_by_text("Sources (").click()
    expect(answer.get_by_test_id("stExpanderDetails")).to_contain_text("Париж — столица Франции")


def test_browser_agent_answer_with_tools(browser, real_app):
    page = open_page(browser, real_app("agent").url)
    send(page, "What is 12 * 7 ?")
    answer = assistant_messages(page).last
    expect(answer).to_contain_text("Результат: 84 ✅", timeout=30_000)
    answer.get_by_text("Tools used (1)").click()
    expect(answer.get_by_test_id("stExpanderDetails")).to_contain_text("calculator")


def test_browser_agentflow_answer(browser, real_app):
    page = open_page(browser, real_app("agentflow").url)
    send(page, "What is the capital of France?")
    expect(assistant_messages(page).last).to_contain_text(ANSWER, timeout=30_000)


def test_browser_protected_flow_without_key_says_so(browser, real_app):
    page = open_page(browser, real_app("protected").url)
    send(page, "Hello?")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("This flow needs an API key", timeout=30_000)


def test_browser_conversation_features_against_a_real_flow(browser, real_app, flowise):
    """As a visitor: the flow's welcome and starter prompt, a rating with a comment, and the
    conversation's link opened in a fresh browser, all read from and stored in the real Flowise."""
    app = real_app("plain", FLOWISE_API_KEY=flowise.api_key)
    page = open_page(browser, app.url)
    expect(page.get_by_text("Здравствуйте! 👋")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="What is the capital of France?").click()
    answer = assistant_messages(page).last
    expect(answer).to_contain_text(ANSWER, timeout=30_000)
    answer.get_by_role("radio", name="Thumbs down").click()
    comment = answer.get_by_role("textbox")
    comment.fill("Too short")
    comment.press("Enter")
    chat_id = page.evaluate("new URLSearchParams(location.search).get('chat')")
    stored = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (stored and stored[0]["content"]):
        stored = requests.get(
            f"{flowise.base_url}/api/v1/feedback/{flowise.flows['plain']}",
            params={"chatId": chat_id},
            headers={"Authorization": f"Bearer {flowise.api_key}"},
            timeout=10,
        ).json()
        time.sleep(0.3)
    assert [(f["rating"], f["content"]) for f in stored] == [("THUMBS_DOWN", "Too short")]

    linked = open_page(browser, f"{app.url}/?chat={chat_id}")
    expect(assistant_messages(linked).last).to_contain_text(ANSWER, timeout=30_000)
    send(linked, "And Germany?")
    expect(assistant_messages(linked)).to_have_count(3, timeout=30_000)  # the welcome and two answers
    # Rating is offered once Flowise has stored the answer.
    expect(assistant_messages(linked).last.get_by_role("radio", name="Thumbs up")).to_be_visible(timeout=30_000)
    history = FlowiseClient(flowise.base_url, api_key=flowise.api_key).chat_history(flowise.flows["plain"], chat_id)
    assert [m.content for m in history if m.role == "userMessage"] == ["What is the capital of France?", "And Germany?"]


def test_browser_agentflow_steps_and_approval_against_a_real_flow(browser, real_app, flowise):
    """As a visitor: the steps box while the agent works (the stand-in takes its time with "slow"),
    Proceed with a comment, the flow going on in the same answer, and the same from its link."""
    app = real_app("human-input", FLOWISE_API_KEY=flowise.api_key)
    page = open_page(browser, app.url)
    send(page, "Please be slow")
    answer = assistant_messages(page).last
    box = answer.get_by_test_id("stExpander").first
    expect(box).to_contain_text("Working: Calculator Agent…", timeout=30_000)
    expect(box).to_contain_text("Paused at Approval for your decision", timeout=60_000)
    expect(answer).to_contain_text("Shall I write the final answer?")
    answer.get_by_label("Comment (optional)").fill("Keep it short")
    answer.get_by_role("button", name="Proceed").click()
    expect(answer).to_contain_text("You chose to proceed: Keep it short", timeout=30_000)
    expect(box).to_contain_text("Steps: 4", timeout=30_000)
    expect(answer).to_contain_text("The capital of France is Paris.")
    expect(assistant_messages(page)).to_have_count(1)
    chat_id = page.evaluate("new URLSearchParams(location.search).get('chat')")
    stored = FlowiseClient(flowise.base_url, api_key=flowise.api_key).chat_history(
        flowise.flows["human-input"], chat_id
    )
    assert [m.content for m in stored if m.role == "userMessage"] == ["Please be slow", "Keep it short"]

    linked = open_page(browser, f"{app.url}/?chat={chat_id}")
    restored = assistant_messages(linked)
    expect(restored).to_have_count(1, timeout=30_000)
    expect(restored.last).to_contain_text("You chose to proceed: Keep it short")
    expect(restored.last.get_by_test_id("stExpander").first).to_contain_text("Steps: 4")

    send(linked, "What is 3 + 4 ?")
    second = assistant_messages(linked).last
    second.get_by_role("button", name="Reject").click(timeout=30_000)
    expect(second).to_contain_text("Understood: nothing more will be done.", timeout=30_000)
    expect(second).to_contain_text("You rejected.")
