"""A reasoning model's thoughts: recorded from the stream and from stored answers, shown in their own
box above the answer, live in the browser and closed once the answer starts."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from chat.turn import Turn
from flowise_client.event_parsing import parse_event
from flowise_client.events import EndEvent, ThinkingEvent, TokenEvent
from flowise_client.prediction_json import events_from_prediction
from testbed.browser import assistant_messages, open_page, send, streamlit_app
from testbed.wire.answers import REASONED_ANSWER, THINKING_SECONDS, THOUGHTS
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.server import start_wire
from tests.page import ask, chat_id, conversation_of, page_text


def test_turn_keeps_the_thoughts_apart_from_the_answer():
    turn = Turn("q")
    events = [parse_event({"event": "thinking", "data": part}) for part in THOUGHTS]
    events += [
        parse_event({"event": "thinking", "data": "", "duration": THINKING_SECONDS}),
        TokenEvent("Paris."),
        EndEvent(),
    ]
    assert [turn.apply(event) for event in events] == ["", "", "", "", "Paris.", ""]
    assert turn.thinking == "".join(THOUGHTS) and turn.thinking_seconds == THINKING_SECONDS
    assert turn.answer == "Paris."
    # Thinking again, after a decision, adds to the time.
    turn.apply(ThinkingEvent("More.", None))
    turn.apply(ThinkingEvent("", 2))
    assert turn.thinking_seconds == THINKING_SECONDS + 2 and turn.thinking.endswith("briefly.More.")


@pytest.mark.parametrize(
    "stored",
    [
        json.dumps({"thinking": "Hmm.", "thinkingDuration": 2}),  # as the chat history returns it
        {"thinking": "Hmm.", "thinkingDuration": 2},
    ],
)
def test_stored_thoughts_become_the_events_a_stream_carries(stored):
    events = list(events_from_prediction({"text": "Paris.", "reasonContent": stored}))
    assert events[:3] == [ThinkingEvent("Hmm."), ThinkingEvent("", 2), TokenEvent("Paris.")]


@pytest.mark.parametrize("stored", [None, "", "not json", {"thinking": ""}, {"thinkingDuration": 2}, ["Hmm."]])
def test_no_thoughts_no_thinking_events(stored):
    assert not any(isinstance(e, ThinkingEvent) for e in events_from_prediction({"text": "x", "reasonContent": stored}))


def thoughts_box(at: AppTest):
    (box,) = [
        e for e in at.expander if e.label in (f"Thought for {THINKING_SECONDS} s", f"Размышления: {THINKING_SECONDS} с")
    ]
    return box


def test_thoughts_sit_in_their_own_box_above_the_answer_and_come_back_with_the_link(app):
    at = ask(app(Scenario.REASONING, FLOWISE_API_KEY=API_KEY), "Capital of France?")
    assert not at.exception
    box = thoughts_box(at)
    assert box.markdown[0].value == "".join(THOUGHTS)
    answer = at.chat_message[-1]
    assert REASONED_ANSWER in [m.value for m in answer.markdown]
    assert "".join(THOUGHTS) not in [m.value for m in answer.markdown if m not in box.markdown]

    linked = app(Scenario.REASONING, chat=chat_id(at), FLOWISE_API_KEY=API_KEY)
    assert thoughts_box(linked).markdown[0].value == "".join(THOUGHTS)
    assert REASONED_ANSWER in page_text(linked)


def test_thoughts_box_in_russian(app):
    at = app(Scenario.REASONING).sidebar.selectbox[0].select("ru").run()
    at = ask(at, "Столица Франции?")
    assert thoughts_box(at).label == f"Размышления: {THINKING_SECONDS} с"


def test_thoughts_stream_open_then_close_when_the_answer_starts(browser, tmp_path):
    wire = start_wire(step_delay=0.8)
    try:
        with streamlit_app(tmp_path, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID=Scenario.REASONING) as app:
            page = open_page(browser, app.url)
            send(page, "Capital of France?")
            answer = assistant_messages(page).last
            live = answer.get_by_test_id("stExpander").filter(has_text="Thinking…")
            expect(live.get_by_test_id("stExpanderDetails")).to_contain_text(
                "The user asks about France", timeout=20_000
            )
            expect(answer).not_to_contain_text(REASONED_ANSWER)
            expect(answer).to_contain_text(REASONED_ANSWER, timeout=20_000)
            done = answer.get_by_test_id("stExpander").filter(has_text=f"Thought for {THINKING_SECONDS} s")
            expect(done.get_by_test_id("stExpanderDetails")).to_be_hidden()
            expect(answer.get_by_text("Thinking…")).to_have_count(0)
            done.get_by_text(f"Thought for {THINKING_SECONDS} s").click()
            expect(done.get_by_test_id("stExpanderDetails")).to_contain_text("Its capital is Paris; answer briefly.")
    finally:
        wire.stop()


def test_thoughts_are_in_both_downloads():
    from chat.conversation import Conversation
    from chat.export import to_json, to_markdown

    turn = Turn("Capital of France?")
    for event in [ThinkingEvent("Paris, surely."), ThinkingEvent("", 2), TokenEvent("Paris."), EndEvent()]:
        turn.apply(event)
    convo = Conversation(turns=[turn])
    markdown = to_markdown(convo, "a flow", "en")
    assert "### Thought for 2 s\n\n```\nParis, surely.\n```" in markdown
    assert markdown.index("Thought for 2 s") < markdown.index("Paris.\n")
    (exported,) = json.loads(to_json(convo, "a flow", "en"))["turns"]
    assert (exported["thinking"], exported["thinkingSeconds"], exported["answer"]) == ("Paris, surely.", 2, "Paris.")


def test_an_answer_going_on_after_a_decision_keeps_its_thoughts_above_it(app):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    (turn,) = conversation_of(at).turns
    turn.thinking, turn.thinking_seconds = "Twelve sevens.", 3
    (proceed,) = [b for b in at.button if b.key and b.key.startswith("approve-")]
    at = proceed.click().run()
    assert not at.exception and not at.error
    answer = at.chat_message[-1]
    shown = [m.value for m in answer.markdown]
    (box,) = [e for e in answer.expander if e.label == "Thought for 3 s"]
    assert [m.value for m in box.markdown] == ["Twelve sevens."]
    first = next(i for i, text in enumerate(shown) if text.startswith("Результат: 84"))
    assert shown.index("Twelve sevens.") < first
