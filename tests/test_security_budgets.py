"""Budgets of the whole app: every visitor's questions together, answers streaming at once, files and
their text per question, and what one answer may bring; through AppTest and the client, against the
local Flowise-wire server."""

from __future__ import annotations

import re

import pytest

from chat.app_wide import AppWide, LocalSlots, LocalWindowCounter, app_wide
from chat.limits import MAX_FEEDBACK_CHARS, QuestionLimits, SlidingWindow, admit, answer_slot
from chat.setting_sources import SettingsError
from chat.settings import load_settings
from flowise_client import AnswerBounds, FlowiseAnswerTooLongError, FlowiseClient
from flowise_client.events import ArtifactsEvent, SourceDocumentsEvent, ThinkingEvent, TokenEvent
from flowise_client.uploads import MB
from testbed.wire.faults import ENDLESS_OPENING
from testbed.wire.flows import Scenario
from testbed.wire.media import png, wav
from tests.page import ask, chat_id, conversation_of, page_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def english(rejection) -> str:
    return rejection.message.text("en")


# -- the checks, with a clock moved by hand ---------------------------------------------------------
def test_a_question_counts_against_everyone_only_once_its_session_lets_it_through():
    clock = Clock()
    everyone = AppWide(LocalWindowCounter(clock=clock), LocalSlots())
    limits = QuestionLimits(max_chars=20, per_minute=1, total_per_minute=2)
    first, second = SlidingWindow(clock=clock), SlidingWindow(clock=clock)
    assert admit("one", limits, first, everyone) is None
    for _ in range(5):  # turned away by the session's own limit: everyone's budget is untouched
        assert "as this chat accepts (1)" in english(admit("again", limits, first, everyone))
        assert "at most 20" in english(admit("x" * 21, limits, second, everyone))
    assert admit("two", limits, second, everyone) is None
    third = SlidingWindow(clock=clock)
    over = admit("three", limits, third, everyone)
    assert "from all its visitors in the last minute as it accepts (2)" in english(over)
    assert "Wait 60 seconds" in english(over) and "подождите 60 с" in over.message.text("ru")
    clock.now += 59.5
    assert "Wait 1 second," in english(admit("three", limits, third, everyone))
    clock.now += 0.5
    # Turned away by everyone's budget, it did not use up its session's: it goes now.
    assert admit("three", limits, third, everyone) is None


def test_no_question_is_let_through_while_every_answer_slot_is_taken():
    everyone = AppWide(LocalWindowCounter(), LocalSlots())
    limits = QuestionLimits(max_chars=20, per_minute=0, total_per_minute=1, concurrent_answers=1)
    with answer_slot(everyone.slots, 1) as held:
        assert held
        busy = admit("now?", limits, SlidingWindow(), everyone)
        assert busy.question == "now?"
        assert "answering as many questions as it can at once (1)" in english(busy)
        assert "отвечает на столько вопросов сразу" in busy.message.text("ru")
        with answer_slot(everyone.slots, 1) as second:
            assert not second
    # The refusal did not use up everyone's questions, and the slot was given back.
    assert admit("now?", limits, SlidingWindow(), everyone) is None


def test_zero_concurrent_answers_means_no_limit():
    slots = LocalSlots()
    with answer_slot(slots, 0) as a, answer_slot(slots, 0) as b:
        assert a and b


def test_the_budgets_settings_their_defaults_and_zero_for_no_limit():
    defaults = load_settings({}, {})
    assert (defaults.total_questions_per_minute, defaults.max_concurrent_answers, defaults.max_files_per_question) == (
        60,
        20,
        10,
    )
    off = load_settings(
        {"TOTAL_QUESTIONS_PER_MINUTE": "0"}, {"MAX_CONCURRENT_ANSWERS": 0, "MAX_FILES_PER_QUESTION": "3"}
    )
    assert (off.total_questions_per_minute, off.max_concurrent_answers, off.max_files_per_question) == (0, 0, 3)
    with pytest.raises(SettingsError) as bad:
        load_settings({"MAX_CONCURRENT_ANSWERS": "-1"}, {})
    assert "MAX_CONCURRENT_ANSWERS" in str(bad.value)


# -- every visitor together, through the page -------------------------------------------------------
EVERYONE_FULL = "from all its visitors in the last minute as it accepts"


def test_five_sessions_together_send_no_more_than_the_app_s_questions_per_minute(app, wire):
    sessions = [app(Scenario.ECHO, TOTAL_QUESTIONS_PER_MINUTE="3") for _ in range(5)]
    sent = len(wire.predictions(Scenario.ECHO))
    for number, at in enumerate(sessions):
        ask(at, f"Question from session {number}")
    asked = [r.body["question"] for r in wire.predictions(Scenario.ECHO)[sent:]]
    assert asked == [f"Question from session {number}" for number in range(3)]
    for number, at in enumerate(sessions[:3]):
        assert f"You asked: Question from session {number}" in page_text(at) and not at.warning
    for number, at in enumerate(sessions[3:], 3):
        (warning,) = at.warning
        assert f"{EVERYONE_FULL} (3). Yours was not sent." in warning.value
        assert 50 <= int(re.search(r"Wait (\d+) seconds", warning.value)[1]) <= 60
        question = f"Question from session {number}"
        assert at.chat_input[0].proto.value == question and at.chat_input[0].proto.set_value
        assert [c.value for c in at.code] == [question] and not at.chat_message


def test_a_question_refused_by_its_session_s_limit_leaves_everyone_s_budget_alone(app, wire):
    eager = app(Scenario.ECHO, QUESTIONS_PER_MINUTE="1", TOTAL_QUESTIONS_PER_MINUTE="2")
    for question in ("first", "second", "third", "fourth"):
        ask(eager, question)
    assert "as many questions in the last minute as this chat accepts (1)" in eager.warning[0].value
    other = ask(app(Scenario.ECHO, QUESTIONS_PER_MINUTE="1", TOTAL_QUESTIONS_PER_MINUTE="2"), "another visitor")
    assert "You asked: another visitor" in page_text(other) and not other.warning
    late = ask(app(Scenario.ECHO, QUESTIONS_PER_MINUTE="1", TOTAL_QUESTIONS_PER_MINUTE="2"), "a third visitor")
    assert f"{EVERYONE_FULL} (2)" in late.warning[0].value


def test_starter_prompts_decisions_and_spoken_questions_count_against_everyone(app, wire):
    at = app(Scenario.WELCOME, TOTAL_QUESTIONS_PER_MINUTE="1")
    sent = len(wire.predictions())
    next(b for b in at.button if b.key and b.key.startswith("starter-")).click().run()
    assert len(wire.predictions()) == sent + 1
    voice = app(Scenario.VOICE, TOTAL_QUESTIONS_PER_MINUTE="1")
    voice = voice.get("audio_input")[0].set_value(("clip.wav", wav(), "audio/wav")).run()
    assert EVERYONE_FULL in voice.warning[0].value and not voice.code
    app_wide.clear()
    decision = ask(app(Scenario.HUMAN_INPUT, TOTAL_QUESTIONS_PER_MINUTE="1"), "What is 12 * 7 ?")
    (proceed,) = [b for b in decision.button if b.key and b.key.startswith("approve-")]
    decision = proceed.click().run()
    assert len(wire.predictions()) == sent + 2  # the starter prompt, and the question the flow stopped in
    assert EVERYONE_FULL in decision.warning[0].value


# -- files with a question ----------------------------------------------------------------------------
def test_more_files_than_a_question_may_bring_sends_nothing_and_gives_the_text_back(app, wire):
    at = app(Scenario.IMAGES, MAX_FILES_PER_QUESTION="2")
    received = len(wire.received)
    box = at.chat_input[0]
    for number in range(3):
        box = box.upload(f"cat-{number}.png", png(), "image/png")
    at = box.set_value("Which cat is the fluffiest?").run()
    assert len(wire.received) == received  # nothing uploaded, nothing asked
    (warning,) = at.warning
    assert "Your question has 3 files attached (cat\\-0\\.png, cat\\-1\\.png, cat\\-2\\.png)" in warning.value
    assert "at most 2 with one question" in warning.value
    assert at.chat_input[0].proto.value == "Which cat is the fluffiest?" and at.chat_input[0].proto.set_value
    assert not at.chat_message
    box = at.chat_input[0].upload("cat-0.png", png(), "image/png").upload("cat-1.png", png(), "image/png")
    at = box.set_value("And of these two?").run()
    assert [u["name"] for u in wire.predictions(Scenario.IMAGES)[-1].body["uploads"]] == ["cat-0.png", "cat-1.png"]


def test_the_text_of_attached_files_counts_towards_the_question_s_length(app, wire):
    at = app(Scenario.FULL_FILES, MAX_QUESTION_CHARS="20")
    sent = len(wire.predictions(Scenario.FULL_FILES))
    notes = ("Пункт. " * 70).encode()  # 490 characters once Flowise has extracted them
    at = at.chat_input[0].upload("notes.txt", notes, "text/plain").set_value("Summarise").run()
    assert not at.exception
    assert len(wire.predictions(Scenario.FULL_FILES)) == sent
    (warning,) = at.warning
    assert "Your question with the text of its files (notes\\.txt) is 499 characters long" in warning.value
    assert "at most 20. It was not sent" in warning.value
    assert at.chat_input[0].proto.value == "Summarise" and at.chat_input[0].proto.set_value
    assert [c.value for c in at.code] == ["Summarise"] and not at.chat_message
    at = at.chat_input[0].upload("short.txt", b"Short notes", "text/plain").set_value("Summarise").run()
    assert wire.predictions(Scenario.FULL_FILES)[-1].body["uploads"][0]["data"] == "Short notes"
    assert not at.warning and len(at.chat_message) == 2


# -- what one answer may bring ------------------------------------------------------------------------
def _read_until_cut(client: FlowiseClient, flow_id: str) -> tuple[list, FlowiseAnswerTooLongError]:
    events = []
    with pytest.raises(FlowiseAnswerTooLongError) as cut, client.predict(flow_id, "Go on", f"chat-{flow_id}") as stream:
        for event in stream:
            events.append(event)
    return events, cut.value


@pytest.mark.parametrize(
    ("flow_id", "code", "kept"),
    [
        (
            Scenario.ENDLESS_THINKING,
            "thoughts_too_long",
            lambda events: "".join(e.text for e in events if isinstance(e, ThinkingEvent)),
        ),
        (
            Scenario.ENDLESS_ARTIFACTS,
            "too_many_artifacts",
            lambda events: [a.data for e in events if isinstance(e, ArtifactsEvent) for a in e.artifacts],
        ),
        (
            Scenario.ENDLESS_SOURCES,
            "too_many_sources",
            lambda events: [d.page_content for e in events if isinstance(e, SourceDocumentsEvent) for d in e.documents],
        ),
        (Scenario.ENDLESS_AGENT_EVENTS, "too_many_events", lambda events: len(events)),
    ],
)
def test_a_flow_that_never_stops_sending_one_kind_of_event_is_cut_off_and_its_connection_closed(
    wire, flow_id, code, kept
):
    wire.client_left.clear()
    bounds = AnswerBounds(artifacts=5, sources=7, events=40)
    events, cut = _read_until_cut(FlowiseClient(wire.url, max_answer_chars=300, answer_bounds=bounds), flow_id)
    assert cut.code == code
    assert wire.client_left.wait(10)  # the client hung up: the flow is no longer read
    expected = {
        "thoughts_too_long": "".join(f"Thought {n}. " for n in range(40))[:300],
        "too_many_artifacts": [f"Artifact {n}" for n in range(5)],
        "too_many_sources": [f"Source {n}" for n in range(7)],
        "too_many_events": 1 + 40,  # the text, which is counted apart, and 40 others: the start, agent events
    }[code]
    assert kept(events) == expected
    if flow_id != Scenario.ENDLESS_THINKING:
        assert [e.text for e in events if isinstance(e, TokenEvent)] == [ENDLESS_OPENING]


def test_artifacts_are_bounded_by_their_size_too(wire):
    client = FlowiseClient(wire.url, answer_bounds=AnswerBounds(artifacts=10**6, artifact_bytes=MB // 8, events=10**6))
    events, cut = _read_until_cut(client, Scenario.ENDLESS_ARTIFACTS)
    assert cut.code == "artifacts_too_large" and "came to more than 0.125 MB" in str(cut)
    sizes = [len(a.data) for e in events if isinstance(e, ArtifactsEvent) for a in e.artifacts]
    assert sum(sizes) <= MB // 8 < sum(sizes) + len(f"Artifact {len(sizes)}")


def test_a_stream_is_bounded_as_a_whole(wire):
    client = FlowiseClient(wire.url, answer_bounds=AnswerBounds(stream_bytes=50_000))
    events, cut = _read_until_cut(client, Scenario.ENDLESS_AGENT_EVENTS)
    assert cut.code == "stream_too_large"
    assert [e.text for e in events if isinstance(e, TokenEvent)] == [ENDLESS_OPENING]


def test_the_page_keeps_the_thoughts_that_arrived_and_says_why_the_answer_stopped(app, wire):
    at = ask(app(Scenario.ENDLESS_THINKING, FLOWISE_MAX_ANSWER_CHARS="1000"), "Think forever")
    assert not at.exception
    (error,) = at.error
    assert "The flow's thoughts were longer than 1,000 characters, so the app stopped reading the answer" in error.value
    turn = conversation_of(at).turns[-1]
    assert turn.thinking == "".join(f"Thought {n}. " for n in range(120))[:1000]
    assert any(
        r.method == "PUT" and r.path == f"/api/v1/chatmessage/abort/endless-thinking/{chat_id(at)}"
        for r in wire.received
    )


def test_the_page_keeps_the_answer_and_artifacts_that_arrived(app, wire):
    at = ask(app(Scenario.ENDLESS_ARTIFACTS), "Chart everything")
    assert "more than 50 artifacts with this answer" in at.error[0].value
    turn = conversation_of(at).turns[-1]
    assert turn.answer == ENDLESS_OPENING and [a.data for a in turn.artifacts] == [f"Artifact {n}" for n in range(50)]
    assert ENDLESS_OPENING in page_text(at) and "Artifact 49" in page_text(at)


# -- a comment with a rating --------------------------------------------------------------------------
def test_a_feedback_comment_reaches_flowise_no_longer_than_the_cap(app, wire):
    at = ask(app(Scenario.RAG), "What is the capital of France?")
    at.get("feedback")[0].set_value(0).run()
    (comment_box,) = [t for t in at.text_input if t.label.startswith("Anything to add")]
    assert comment_box.max_chars == MAX_FEEDBACK_CHARS == 2000
    before = len(wire.received)
    # 8,000 characters, as a client that ignores the box's max_chars sends them.
    comment_box.set_value("Слишком длинно. " * 500).run()
    (sent,) = [r for r in wire.received[before:] if r.path.startswith("/api/v1/feedback")]
    assert sent.body["content"] == ("Слишком длинно. " * 500)[:2000].strip()
